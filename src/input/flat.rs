//! Family C: flat per-school tables — marks, journal comparison, official objectivity markers.
use super::aggregate::aggregate_level;
pub(super) use super::aggregate::is_aggregate_row;
use super::header::{self, Header};
use super::notes::note_school;
use super::report::InputReport;
use super::table::Grid;
use super::text::{is_aggregate_label, parse_num, school_id, split_code_name};
use super::{cells, Meta, Opts};
use crate::error::data_err;
use crate::model::warning::WarningCode;
use crate::model::{count, Count, Dataset, ResultRow};
use crate::model::{line_no, OptCount, Sym};
use anyhow::Result;

/// The columns of the marks «2»..«5»: the counts where the header gives them as counts beside
/// percents («2», чел. | «2», %: the counts are exact, the percents rounded), else the columns
/// named by the mark alone (their unit then comes from the header: `%` declares percents).
pub fn mark_columns(h: &Header) -> Option<[usize; 4]> {
    let counted = |m: &str| {
        h.find(&[
            &format!("«{m}», чел."),
            &format!("«{m}», чел"),
            &format!("«{m}» чел."),
            &format!("«{m}» (чел.)"),
            &format!("{m}, чел."),
            &format!("{m} чел."),
            &format!("{m} (чел.)"),
            &format!("кол-во «{m}»"),
            &format!("количество «{m}»"),
            &format!("число «{m}»"),
        ])
    };
    if let Some(cols) = (|| Some([counted("2")?, counted("3")?, counted("4")?, counted("5")?]))() {
        return Some(cols);
    }
    let f = |m: &str| {
        h.find(&[
            m,
            &format!("«{m}»"),
            &format!("\"{m}\""),
            &format!("отметка {m}"),
            &format!("отметка «{m}»"),
            &format!("n{m}"),
            &format!("доля {m}"),
        ])
    };
    Some([f("2")?, f("3")?, f("4")?, f("5")?])
}

pub fn is_marks_header(h: &Header) -> bool {
    h.has(header::LOGIN) && is_marks_header_but_login(h)
}

/// A marks header but for its login column: participants and «2» «3» «4» «5».
pub fn is_marks_header_but_login(h: &Header) -> bool {
    h.has(header::PARTICIPANTS) && mark_columns(h).is_some()
}

pub fn is_journal_header(h: &Header) -> bool {
    h.has(header::LOGIN)
        && h.find_prefix(&["понизили"]).is_some()
        && h.find_prefix(&["подтвердили"]).is_some()
        && h.find_prefix(&["повысили"]).is_some()
}

pub fn is_markers_header(h: &Header) -> bool {
    h.has(header::LOGIN) && h.has(&["количество маркеров", "кол-во маркеров", "markers"])
}

/// A row-level data error: fatal unless `--lenient`, then a counted warning.
pub fn row_error(opts: &Opts, rep: &mut InputReport, err: anyhow::Error) -> Result<()> {
    if opts.lenient {
        rep.warnings
            .add(WarningCode::RowSkippedLenient, err.to_string());
        Ok(())
    } else {
        Err(err)
    }
}

pub(super) struct Keys {
    pub year: Option<usize>,
    pub grade: Option<usize>,
    pub subject: Option<usize>,
    pub assessment: Option<usize>,
    pub municipality: Option<usize>,
    pub login: usize,
    pub name: Option<usize>,
}

pub(super) fn keys(h: &Header) -> Keys {
    Keys {
        year: h.find(header::YEAR),
        grade: h.find(header::GRADE),
        subject: h.find(header::SUBJECT),
        assessment: h.find(header::ASSESSMENT),
        municipality: h.find(header::MUNICIPALITY),
        login: h.find(header::LOGIN).unwrap(),
        name: h.find(header::NAME),
    }
}

/// A grade cell: a number 1–11, a text such as «4 класс», or empty (0: no grade); None when it
/// is none of these.
pub(super) fn grade_cell(s: &str) -> Option<i32> {
    match parse_num(s) {
        Ok(Some(v)) if (1.0..=11.0).contains(&v) && v.fract() == 0.0 => Some(v as i32),
        Ok(None) => Some(0),
        Ok(Some(_)) => None,
        Err(_) => grade_words(s),
    }
}

/// A grade written with its word: «4 класс», «4 кл.», «4кл», «4-й класс», «4-й»; `None` for any
/// other text («3x6», «4 7», «4-7», «x7»: a grade cell names one grade, it is never searched for
/// a number inside other text — fresh-eyes: «3x6» was read as grade 6).
fn grade_words(s: &str) -> Option<i32> {
    let t = s.trim().to_lowercase();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    let rest = t[digits..].trim_start();
    let rest = ["-й", "-го", "-ой"]
        .iter()
        .find_map(|e| rest.strip_prefix(e))
        .unwrap_or(rest)
        .trim();
    let word = matches!(rest, "" | "класс" | "кл" | "кл.");
    let grade: i32 = t[..digits].parse().ok()?;
    word.then_some(grade).filter(|g| (1..=11).contains(g))
}

/// An assessment cell (`ВПР`, `огэ`): upper-cased; None when empty.
pub(super) fn assessment_cell(s: &str) -> Option<String> {
    Some(s.trim().to_uppercase()).filter(|a| !a.is_empty())
}

/// The key cells of one row of a flat per-school table.
pub(super) struct RowKey {
    pub(super) year: i32,
    pub(super) grade: i32,
    pub(super) subject: String,
    pub(super) assessment: String,
    pub(super) municipality: String,
    pub(super) login: String,
    pub(super) name: String,
}

pub(super) fn row_key(g: &Grid, h: &Header, k: &Keys, r: usize, meta: &Meta) -> Result<RowKey> {
    let loc = g.loc(r);
    let year = cells::year(g, h, r, k.year, meta)?;
    let grade = match k.grade {
        Some(c) => grade_cell(g.cell(r, c)).ok_or_else(|| {
            data_err(
                &loc,
                h.raw_name(c),
                format!("expected a grade 1–11, found «{}»", g.cell(r, c)),
            )
        })?,
        None => meta.grade,
    };
    let subject = cells::subject_of(g, h, r, k.subject, meta)?;
    let assessment = match k.assessment.and_then(|c| assessment_cell(g.cell(r, c))) {
        Some(a) => a,
        None if !meta.assessment.is_empty() => meta.assessment.clone(),
        None => {
            let column = k.assessment.map(|c| h.raw_name(c));
            return Err(super::cells::no_assessment(&g.loc(r), column, true));
        }
    };
    let municipality = k
        .municipality
        .map(|c| g.cell(r, c).trim().to_string())
        .unwrap_or_default();
    let (code, name0) = split_code_name(g.cell(r, k.login));
    let login = code.unwrap_or(name0);
    let name = k
        .name
        .map(|c| split_code_name(g.cell(r, c)).1)
        .unwrap_or_default();
    Ok(RowKey {
        year,
        grade,
        subject,
        assessment,
        municipality,
        login,
        name,
    })
}

/// The unit of a marks table's «2»..«5» columns, decided once per file (`decide_unit`), never
/// per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkUnit {
    /// Whole pupils that add up to the participants.
    Counts,
    /// Percents of the participants that sum to 100 ± 0.5 (± 2 when all four are whole numbers).
    Percents,
    /// Shares (fractions) of the participants that sum to 1 ± 0.005.
    Shares,
}

impl MarkUnit {
    /// What a row of this unit must hold (error messages).
    pub fn expected(self, part: f64, participants: &str) -> String {
        match self {
            MarkUnit::Counts => {
                format!("counts that add up to the {part} participants («{participants}»)")
            }
            MarkUnit::Percents => {
                "percents that sum to 100 ± 0.5 (± 2 when all four are whole numbers)".into()
            }
            MarkUnit::Shares => "shares that sum to 1 ± 0.005".into(),
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            MarkUnit::Counts => "counts",
            MarkUnit::Percents => "percents",
            MarkUnit::Shares => "shares",
        }
    }
}

/// The unit of a file's marks: percents when a mark column's header says so (`…, %`); else the
/// first of counts, percents and shares that every school row (`rows`: participants and marks)
/// fits; None when none fits them all (the caller names the rows that do not fit the unit of
/// the file's first school row).
pub fn decide_unit<I>(header_percent: bool, rows: I) -> Option<MarkUnit>
where
    I: Iterator<Item = (f64, [Option<f64>; 4])> + Clone,
{
    if header_percent {
        return Some(match percent_formatted(rows) {
            true => MarkUnit::Shares,
            false => MarkUnit::Percents,
        });
    }
    [MarkUnit::Counts, MarkUnit::Percents, MarkUnit::Shares]
        .into_iter()
        .find(|&u| rows.clone().all(|(p, v)| mark_counts(p, v, u).is_some()))
}

/// Under a `%` header, every school row's marks sum to 1 ± 0.005 and none to 100 ± 0.5: fractions
/// in cells an Excel sheet formats as percent (0,023 shown as 2,3 %), read as shares — the one
/// exception to the header's unit, told by the whole file, never by a row (fresh-eyes run 7, F13).
pub fn percent_formatted<I>(rows: I) -> bool
where
    I: Iterator<Item = (f64, [Option<f64>; 4])> + Clone,
{
    let mut rows = rows.peekable();
    rows.peek().is_some()
        && rows.all(|(p, v)| {
            mark_counts(p, v, MarkUnit::Shares).is_some()
                && mark_counts(p, v, MarkUnit::Percents).is_none()
        })
}

/// Counts of «2»..«5» from a row's values in the file's unit (`true`: reconstructed from percents
/// or shares); None when the row does not fit the unit. Fractional participants are never counts.
/// Counts from percents or shares are the largest remainders of their parts of the participants,
/// so that they sum to the participants (`largest_remainders`).
pub(super) fn mark_counts(
    part: f64,
    vals: [Option<f64>; 4],
    unit: MarkUnit,
) -> Option<([Count; 4], bool)> {
    let v = vals.map(|x| x.unwrap_or(0.0));
    let sum: f64 = v.iter().sum();
    let total = count(part)?;
    if v.iter().any(|x| *x < 0.0) {
        return None;
    }
    if total == 0 {
        // a school that did not write: no pupil in any unit; percents of no pupil (0 participants,
        // 100 % «3») contradict themselves and are no row to read (fresh-eyes run 10)
        return (sum == 0.0).then_some(([0; 4], false));
    }
    match unit {
        MarkUnit::Counts => {
            let all_int = v.iter().all(|x| x.fract() == 0.0);
            (all_int && (sum - part).abs() < 1e-9).then_some(())?;
            Some((
                [count(v[0])?, count(v[1])?, count(v[2])?, count(v[3])?],
                false,
            ))
        }
        MarkUnit::Percents => ((sum - 100.0).abs() <= percent_tolerance(v))
            .then(|| (largest_remainders(total, v), true)),
        MarkUnit::Shares => (0.995..=1.005)
            .contains(&sum)
            .then(|| (largest_remainders(total, v), true)),
    }
}

/// How far from 100 a row's percents may sum: 0.5, or for percents all written as whole numbers
/// (Excel saves a CSV as its cells show, a percent column without decimals as 0;79;0;21) half a
/// point for each of the four cells' rounding, 2.
fn percent_tolerance(v: [f64; 4]) -> f64 {
    match v.iter().all(|x| x.fract() == 0.0) {
        true => 2.0,
        false => 0.5,
    }
}

/// `total` split in proportion to `weights` (non-negative, not all zero) into whole numbers that
/// sum to `total`: each part's floor, then one more to the largest remainders (the earlier mark on
/// a tie) — the largest remainder (Hamilton) method.
pub(super) fn largest_remainders(total: Count, weights: [f64; 4]) -> [Count; 4] {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        return [0; 4];
    }
    let exact = weights.map(|w| w / sum * total as f64);
    let mut out = exact.map(|x| x.floor() as Count);
    let mut order = [0usize, 1, 2, 3];
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
    let short = total - out.iter().sum::<Count>();
    for &i in order.iter().take(short.max(0) as usize) {
        out[i] += 1;
    }
    out
}

/// What a marks table has gathered: its years and schools, and the unit of its marks with why
/// (none when no unit fits any of its school rows).
#[derive(Default)]
pub struct MarksState {
    pub years: std::collections::BTreeSet<i32>,
    /// The school ids named (only their number is read: a hash set).
    pub schools: polars::prelude::PlHashSet<String>,
    pub unit: Option<(MarkUnit, String)>,
}

/// Marks table rows `start..` of `g` (a whole sheet, or one chunk of a streamed CSV).
#[allow(clippy::too_many_arguments)]
pub fn load_marks(
    g: &Grid,
    h: &Header,
    start: usize,
    meta: &Meta,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
    st: &mut MarksState,
) -> Result<()> {
    let k = keys(h);
    let cp = h.find(header::PARTICIPANTS).unwrap();
    let cm = mark_columns(h).unwrap();
    let cmean = h.find(&["средний балл", "mean_score"]);
    let source = Sym::from(g.place().as_str());
    let MarksState {
        years,
        schools,
        unit,
    } = st;
    for r in start..g.rows.len() {
        if g.rows[r].iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let res = (|| -> Result<Option<ResultRow>> {
            let Some(key) = key_or_apart(g, h, &k, r, meta)? else {
                return Ok(None);
            };
            let aggregate = is_aggregate_row(&key.login, &key.name, &key.municipality);
            if key.login.is_empty() && !aggregate {
                return Err(data_err(
                    &g.loc(r),
                    h.raw_name(k.login),
                    "expected a school login (or an aggregate label such as «Итого» / «Вся выборка»), found an empty cell",
                ));
            }
            let loc = g.loc(r);
            let num = |c: usize| cells::non_negative(g, h, r, c);
            let part = num(cp)?;
            let vals = [num(cm[0])?, num(cm[1])?, num(cm[2])?, num(cm[3])?];
            if aggregate {
                push_aggregate(ds, key, part, vals);
                return Ok(None);
            }
            let part = part.ok_or_else(|| {
                data_err(
                    &loc,
                    h.raw_name(cp),
                    "expected the number of participants, found an empty cell",
                )
            })?;
            let Some(part_count) = count(part) else {
                return Err(cells::not_whole_participants(g, h, r, cp));
            };
            let fit = unit.as_ref().and_then(|(u, _)| mark_counts(part, vals, *u));
            let Some((counts, reconstructed)) = fit else {
                return Err(marks_do_not_fit(
                    &loc,
                    h.raw_name(cp),
                    part,
                    vals,
                    unit.as_ref(),
                ));
            };
            cells::check_login(g, r, &key.login, rep);
            let sid = school_id(&key.login);
            note_school(
                ds,
                &sid,
                (&key.login, key.year),
                &key.name,
                &key.municipality,
                &mut rep.warnings,
            );
            let (_, mname) = split_code_name(&key.municipality);
            Ok(Some(ResultRow {
                year: key.year,
                school_id: sid.into(),
                municipality: Sym::from(mname.as_str()),
                assessment: Sym::from(key.assessment.as_str()),
                subject: Sym::from(key.subject.as_str()),
                grade: key.grade,
                participants: part_count,
                n2: counts[0].into(),
                n3: counts[1].into(),
                n4: counts[2].into(),
                n5: counts[3].into(),
                reconstructed,
                mean_score: cmean
                    .map(|c| cells::non_negative(g, h, r, c))
                    .transpose()?
                    .flatten()
                    .into(),
                high: counts[3].into(),
                high2: OptCount::NONE,
                source: source.clone(),
                line: line_no(g.line_of(r)),
            }))
        })();
        match res {
            Ok(Some(row)) => {
                years.insert(row.year);
                schools.insert(row.school_id.to_string());
                store_row(row, ds, rep);
            }
            Ok(None) => rep.warnings.add(
                WarningCode::AggregateRowApart,
                format!("строка {}", g.line_of(r)),
            ),
            Err(e) => row_error(opts, rep, e)?,
        }
    }
    rep.years = years.iter().copied().collect();
    rep.schools = schools.len();
    Ok(())
}

/// A school's result row stored in `ds` and counted in `rep` (with a counted warning when its
/// counts were reconstructed from percents).
fn store_row(row: ResultRow, ds: &mut Dataset, rep: &mut InputReport) {
    rep.rows += 1;
    super::marks::add_participants(rep, row.participants.max(0) as usize);
    if row.reconstructed {
        rep.warnings.add(
            WarningCode::CountsFromPercents,
            format!("строка {}", row.line),
        );
    }
    ds.push_result(row);
}

/// Row `r`'s key cells ([`row_key`]); `None` for an aggregate row without its own year or
/// subject, which is kept apart without a reference row. Errors: a key cell of a school row that
/// does not parse.
fn key_or_apart(g: &Grid, h: &Header, k: &Keys, r: usize, meta: &Meta) -> Result<Option<RowKey>> {
    let e = match row_key(g, h, k, r, meta) {
        Ok(key) => return Ok(Some(key)),
        Err(e) => e,
    };
    let login = split_code_name(g.cell(r, k.login));
    let name = k
        .name
        .map(|c| split_code_name(g.cell(r, c)).1)
        .unwrap_or_default();
    let municipality = k
        .municipality
        .map(|c| split_code_name(g.cell(r, c)).1)
        .unwrap_or_default();
    let login = login.0.unwrap_or(login.1);
    // «Итого» in the row's first filled cell (the year's column, as Excel totals are written)
    let first_label = g.rows[r]
        .iter()
        .find(|c| !c.trim().is_empty())
        .is_some_and(|c| is_aggregate_label(c));
    if is_aggregate_row(&login, &name, &municipality) || (login.is_empty() && first_label) {
        return Ok(None);
    }
    Err(e)
}

/// An aggregate row (вся выборка / регион / муниципалитет) kept apart as a reference row: its
/// marks as fractions — of 100 when they sum to 100 ± 0.5 (or with no participants), else of its
/// participants.
fn push_aggregate(ds: &mut Dataset, key: RowKey, part: Option<f64>, vals: [Option<f64>; 4]) {
    let total = part.unwrap_or(0.0);
    let sum: f64 = vals.iter().flatten().sum();
    let p = |v: Option<f64>| {
        v.map(|x| {
            if (sum - 100.0).abs() <= 0.5 || total == 0.0 {
                x / 100.0
            } else {
                x / total
            }
        })
    };
    let level = aggregate_level(&key);
    let name = if key.name.is_empty() {
        key.login.clone()
    } else {
        key.name.clone()
    };
    ds.pending_tables.reference.push(
        key.year,
        level.into(),
        name,
        key.assessment,
        key.subject,
        key.grade,
        part.map(|x| x as i64),
        p(vals[0]),
        p(vals[1]),
        p(vals[2]),
        p(vals[3]),
        None,
        None,
        None,
    );
}

/// The error for a row whose marks fit neither the file's unit (`unit`, with why) nor, with none
/// decided, percents or counts of its `part` participants (column `participants_col`).
fn marks_do_not_fit(
    loc: &crate::error::Loc,
    participants_col: &str,
    part: f64,
    vals: [Option<f64>; 4],
    unit: Option<&(MarkUnit, String)>,
) -> anyhow::Error {
    let sum = crate::output::num(vals.iter().flatten().sum(), 2);
    let expected = match unit {
        Some((u, why)) => format!(
            "{}: the file's marks are {} ({why})",
            u.expected(part, participants_col),
            u.name()
        ),
        None => format!(
            "percents that sum to 100 ± 0.5 or counts that add up to the {part} participants («{participants_col}»)"
        ),
    };
    // fresh-eyes run 14: 20,5 + 9,5 + … = 50 read as «sum to 50,00: expected counts that add up
    // to the 50 participants» — the sum was right, the pupils were not whole
    let fraction = (0..4).find_map(|i| vals[i].filter(|v| v.fract() != 0.0).map(|v| (i, v)));
    let found = match (vals.iter().all(Option::is_none), fraction, unit) {
        (true, ..) => "«2»..«5» are empty".to_string(),
        (false, Some((i, v)), Some((MarkUnit::Counts, _))) => format!(
            "«{}» holds {}, not a whole number of pupils",
            i + 2,
            v.to_string().replace('.', ",")
        ),
        _ => format!("«2»..«5» sum to {sum}"),
    };
    if part == 0.0 && vals.iter().flatten().any(|v| *v > 0.0) {
        return data_err(
            loc,
            "2..5",
            format!("{found} with 0 participants («{participants_col}»): expected no pupil in any mark (0 or empty cells), or the participants"),
        );
    }
    data_err(loc, "2..5", format!("{found}: expected {expected}"))
}

#[cfg(test)]
#[path = "flat_tests.rs"]
mod tests;
