//! The journal comparison table (понизили / подтвердили / повысили per school and procedure) and the
//! official marker table (`Количество маркеров`): flat per-school tables walked row by row.
use super::flat::{is_aggregate_row, keys, row_error, row_key};
use super::header::{self, Header};
use super::notes::note_school;
use super::report::InputReport;
use super::table::Grid;
use super::text::{norm_text, parse_num, school_id, split_code_name};
use super::{cells, Meta, Opts};
use crate::error::data_err;
use crate::model::warning::WarningCode;
use crate::model::Dataset;
use anyhow::Result;
use polars::prelude::{NamedFrom, Series};

/// A journal row read: year, school, subject, grade, [понизили, подтвердили, повысили].
type Journal = (i32, String, String, i32, [i64; 3]);

/// The procedures marked in row `r` of a markers table: the captions of its columns `cols` that
/// hold 1 or «да» (0, «нет» and an empty cell are no marker; the official table writes 1 and 0,
/// tables people keep by hand «да» and «нет»).
///
/// Errors: a cell that is none of them («+», «2»), naming file, row, column and value.
fn marked(g: &Grid, h: &Header, r: usize, cols: &[usize]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for &c in cols {
        let cell = g.cell(r, c);
        let word = crate::input::text::norm_text(cell);
        match parse_num(cell) {
            Ok(None | Some(0.0)) => {}
            Ok(Some(1.0)) => out.push(h.raw_name(c).trim().to_string()),
            _ if word == "нет" || word == "na" => {}
            _ if word == "да" => out.push(h.raw_name(c).trim().to_string()),
            _ => {
                return Err(crate::error::data_expected(
                    &g.loc(r),
                    h.raw_name(c).trim(),
                    "a marker: 1 or «да», 0, «нет» or an empty cell",
                    cell.trim(),
                ))
            }
        }
    }
    Ok(out)
}

/// Journal comparison table: понизили / подтвердили / повысили per school and procedure: rows of
/// the `journal` frame.
pub fn load_journal(
    g: &Grid,
    h: &Header,
    meta: &Meta,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let k = keys(h);
    let cl = h.find_prefix(&["понизили"]).unwrap();
    let cc = h.find_prefix(&["подтвердили"]).unwrap();
    let cr = h.find_prefix(&["повысили"]).unwrap();
    let ct = h.find(&["всего", "кол-во участников", "количество участников"]);
    let mut schools = std::collections::BTreeSet::new();
    let mut years = std::collections::BTreeSet::new();
    for r in h.row + 1..g.rows.len() {
        if g.rows[r].iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let res = (|| -> Result<Option<Journal>> {
            let key = row_key(g, h, &k, r, meta)?;
            if is_aggregate_row(&key.login, &key.name, &key.municipality) {
                return Ok(None);
            }
            if key.login.is_empty() {
                return Err(data_err(
                    &g.loc(r),
                    h.raw_name(k.login),
                    "expected a school login (or an aggregate label such as «Итого» / «Вся выборка»), found an empty cell",
                ));
            }
            let loc = g.loc(r);
            let cnt = |c: usize| cells::count(g, h, r, c, Some(0));
            let (lo, co, ra) = (cnt(cl)?, cnt(cc)?, cnt(cr)?);
            if let Some(c) = ct {
                let t = cnt(c)?;
                if t != lo + co + ra {
                    return Err(data_err(
                        &loc,
                        h.raw_name(c),
                        format!(
                            "expected {} (понизили + подтвердили + повысили), found {t}",
                            lo + co + ra
                        ),
                    ));
                }
            }
            let sid = school_id(&key.login);
            note_school(
                ds,
                &sid,
                (&key.login, key.year),
                &key.name,
                &key.municipality,
                &mut rep.warnings,
            );
            Ok(Some((key.year, sid, key.subject, key.grade, [lo, co, ra])))
        })();
        match res {
            Ok(Some((year, sid, subject, grade, [lo, co, ra]))) => {
                rep.rows += 1;
                schools.insert(sid.clone());
                years.insert(year);
                ds.pending_tables
                    .journal
                    .push(year, sid, subject, grade, lo, co, ra);
            }
            Ok(None) => {}
            Err(e) => row_error(opts, rep, e)?,
        }
    }
    rep.years = years.into_iter().collect();
    rep.schools = schools.len();
    Ok(())
}

/// Official objectivity markers: `Год, Логин, Муниципалитет, ОО, 4 РУ, …, Количество маркеров`:
/// rows of the `markers` frame. A row whose «Количество маркеров» differs from the number of its
/// marked columns is kept (the marked columns are the markers) with a counted warning naming the
/// row and both numbers.
///
/// Errors (data, `--lenient`: the row skipped with a counted warning): a marker cell that is not
/// 1, 0 or empty ([`marked`]); a year, login or count that is missing or bad; a second, different
/// row for a school and year.
pub fn load_markers(
    g: &Grid,
    h: &Header,
    meta: &Meta,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let cl = h.find(header::LOGIN).unwrap();
    let cy = h.find(header::YEAR);
    let cn = h
        .find(&["количество маркеров", "кол-во маркеров", "markers"])
        .unwrap();
    let cmun = h.find(header::MUNICIPALITY);
    let cname = h.find(header::NAME);
    let proc_cols: Vec<usize> = (0..h.names.len())
        .filter(|&c| {
            Some(c) != cy
                && c != cl
                && c != cn
                && Some(c) != cmun
                && Some(c) != cname
                && !h.names[c].is_empty()
        })
        .filter_map(|c| h.read(Some(c)))
        .collect();
    let mut seen: std::collections::HashMap<Vec<String>, usize> = Default::default();
    let mut keyseen: std::collections::HashMap<(i32, String), usize> = Default::default();
    let mut schools = std::collections::BTreeSet::new();
    let mut years = std::collections::BTreeMap::<i32, usize>::new();
    for r in h.row + 1..g.rows.len() {
        let row = &g.rows[r];
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let norm: Vec<String> = row.iter().map(|c| norm_text(c)).collect();
        if let Some(first) = seen.get(&norm) {
            rep.warnings.add(
                WarningCode::RowRepeated,
                format!("строка {} = строка {}", g.line_of(r), first),
            );
            continue;
        }
        seen.insert(norm, g.line_of(r));
        let res = (|| -> Result<(i32, String, Vec<String>, i64)> {
            let loc = g.loc(r);
            let year = cells::year(g, h, r, cy, meta)?;
            let login = split_code_name(g.cell(r, cl))
                .0
                .unwrap_or_else(|| g.cell(r, cl).trim().to_string());
            if login.is_empty() {
                return Err(data_err(
                    &loc,
                    h.raw_name(cl),
                    "expected a school login, found an empty cell",
                ));
            }
            let count = cells::count(g, h, r, cn, None)?;
            let procedures = marked(g, h, r, &proc_cols)?;
            if count != procedures.len() as i64 {
                rep.warnings.add(
                    WarningCode::MarkerCountDiffers,
                    format!(
                        "строка {}: «{}» {count}, отмечено столбцов {}{}",
                        g.line_of(r),
                        h.raw_name(cn).trim(),
                        procedures.len(),
                        match procedures.is_empty() {
                            true => String::new(),
                            false => format!(" ({})", procedures.join(", ")),
                        }
                    ),
                );
            }
            let sid = school_id(&login);
            let name = cname
                .map(|c| g.cell(r, c).trim().to_string())
                .unwrap_or_default();
            let mun = cmun
                .map(|c| g.cell(r, c).trim().to_string())
                .unwrap_or_default();
            note_school(ds, &sid, (&login, year), &name, &mun, &mut rep.warnings);
            Ok((year, sid, procedures, count))
        })();
        match res {
            Ok((year, sid, procedures, count)) => {
                if let Some(first) = keyseen.get(&(year, sid.clone())) {
                    let e = data_err(
                        &g.loc(r),
                        h.raw_name(cl),
                        format!(
                            "a second, different row for {} in {} (first at row {first})",
                            sid, year
                        ),
                    );
                    row_error(opts, rep, e)?;
                    continue;
                }
                keyseen.insert((year, sid.clone()), g.line_of(r));
                rep.rows += 1;
                schools.insert(sid.clone());
                *years.entry(year).or_default() += 1;
                let procedures = Series::new("".into(), procedures);
                ds.pending_tables.markers.push(year, sid, procedures, count);
            }
            Err(e) => row_error(opts, rep, e)?,
        }
    }
    rep.years = years.keys().copied().collect();
    rep.schools = schools.len();
    rep.per_year = years;
    Ok(())
}
