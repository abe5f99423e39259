//! What a marks table's school rows tell besides their figures (`note_rows`): each school's
//! login, name and municipality merged into the book, logins that are no login, years, schools,
//! rows, counts reconstructed from percents.
use super::super::flat::MarksState;
use super::super::notes::note_school;
use super::super::report::InputReport;
use super::super::text::looks_like_login;
use super::keys::KeyCols;
use crate::model::warning::WarningCode;
use crate::model::{Count, Dataset};
use polars::prelude::*;

/// What the school rows tell besides their figures: each school's login, name and municipality
/// (`note_schools`), cells of the login column that are no login, years and schools, rows,
/// counts reconstructed from percents (each warning code's examples in row order).
/// `lines`: each good row's file line; `counts`: as `Parsed`'s.
pub(super) fn note_rows(
    lines: &[u32],
    keys: &KeyCols,
    good: &[usize],
    counts: Option<&[([Count; 4], bool)]>,
    ds: &mut Dataset,
    rep: &mut InputReport,
    st: &mut MarksState,
) {
    // each run's login checked once; the rows of a run that is no login, each noted
    let logins: Vec<bool> = keys
        .login
        .values
        .iter()
        .map(|(l, _)| looks_like_login(l.trim()))
        .collect();
    if logins.contains(&false) {
        for (&r, &line) in good.iter().zip(lines) {
            let at = keys.login.idx[r] as usize;
            if !logins[at] {
                let login = &keys.login.values[at].0;
                if let Some((code, example)) = super::super::cells::login_note(login, line as usize)
                {
                    rep.warnings.add(code, example);
                }
            }
        }
    }
    note_schools(keys, good, ds, rep, st);
    if keys.year.idx.is_empty() {
        // a year read as whole numbers, no row's index (`distinct_ints`): every row is good
        st.years.extend(keys.year.values.iter().flatten());
    }
    let mut last_year = None;
    for &r in good.iter().filter(|_| !keys.year.idx.is_empty()) {
        let y = keys.year.idx[r];
        if last_year != Some(y) {
            last_year = Some(y);
            if let Some(y) = keys.year.values[y as usize] {
                st.years.insert(y);
            }
        }
    }
    rep.rows += good.len();
    for (c, line) in counts.unwrap_or_default().iter().zip(lines) {
        if c.1 {
            rep.warnings
                .add(WarningCode::CountsFromPercents, format!("строка {line}"));
        }
    }
}

/// Each school's login, name and municipality, noted (`note_school`) once per run of good rows
/// that name them alike (the same decoded value of each key), and again only when they differ
/// from what was last noted for that school id: noting them again changes nothing
/// (`note_school` keeps a result table's first fact and counts a disagreement once), so a
/// school's rows of the next year, which name it alike, are not noted again. Each school id is
/// found once per distinct login (a slot of its own), not hashed per run.
fn note_schools(
    keys: &KeyCols,
    good: &[usize],
    ds: &mut Dataset,
    rep: &mut InputReport,
    st: &mut MarksState,
) {
    let (login, name, mun) = (&keys.login, &keys.name, &keys.municipality);
    let mut slot_of: PlHashMap<&str, u32> = PlHashMap::new();
    let slot: Vec<u32> = login
        .values
        .iter()
        .map(|(_, sid)| {
            let next = slot_of.len() as u32;
            *slot_of.entry(sid.as_str()).or_insert(next)
        })
        .collect();
    // per school id: the (login, name, municipality) values last noted
    let mut noted: Vec<Option<(u32, u32, u32)>> = vec![None; slot_of.len()];
    let facts = |(l, n, m): (u32, u32, u32)| {
        (
            login.values[l as usize].0.as_str(),
            name.values[n as usize].as_str(),
            mun.values[m as usize].0.as_str(),
        )
    };
    let mut last = None;
    for &r in good {
        let run = (login.idx[r], name.idx[r], mun.idx[r]);
        if last == Some(run) {
            continue;
        }
        // the year of the run's first row: a later year's facts replace an earlier one's
        let year = keys.year_of(r);
        last = Some(run);
        let sid = &login.values[run.0 as usize].1;
        let before = noted[slot[run.0 as usize] as usize].replace(run);
        if before != Some(run) && before.map(facts) != Some(facts(run)) {
            let (l, n, m) = facts(run);
            note_school(ds, sid, (l, year), n, m, &mut rep.warnings);
        }
        if before.is_none() && !st.schools.contains(sid.as_str()) {
            st.schools.insert(sid.clone());
        }
    }
}
