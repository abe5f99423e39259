//! Risk profiles: long (`login, year, factor, level`) or wide (one column per factor).
use super::flat::row_error;
use super::header::{self, Header};
use super::report::InputReport;
use super::table::Grid;
use super::table::TextFrame;
use super::text::school_id;
use super::{cells, Meta, Opts};
use crate::error::data_err;
use crate::model::order::RiskPart;
use crate::model::warning::WarningCode;
use crate::model::{risk_factor, risk_level, Dataset, RiskRow, Sym};
use anyhow::Result;
use polars::prelude::*;

mod factors;
mod long;
mod typed;
use factors::{note_near_factor_columns, unknown_factor};
use long::LongCols;

const FACTOR: &[&str] = &["фактор риска", "factor", "фактор"];
const LEVEL: &[&str] = &["уровень", "level", "уровень риска"];

pub fn is_long(h: &Header) -> bool {
    h.has(header::LOGIN) && h.has(FACTOR) && h.has(LEVEL)
}

/// Factor and level columns of a long table.
pub fn long_columns(h: &Header) -> (usize, usize) {
    (h.find(FACTOR).unwrap(), h.find(LEVEL).unwrap())
}

fn factor_columns(h: &Header) -> Vec<(usize, u8)> {
    h.raw
        .iter()
        .enumerate()
        .filter_map(|(i, n)| risk_factor(n).map(|f| (h.read(Some(i)).unwrap_or(i), f)))
        .collect()
}

pub fn is_wide(h: &Header) -> bool {
    h.has(header::LOGIN) && factor_columns(h).len() >= 3
}

/// Running state of a risk table read in chunks.
#[derive(Default)]
pub struct RiskState {
    schools: std::collections::HashSet<Sym>,
    /// Each (school, year, factor)'s first level and the line it was on.
    seen: std::collections::HashMap<(Sym, i32, u8), (u8, usize)>,
    /// Each distinct factor and level text read once (a national table repeats ten factors and
    /// three levels 1.35 M times).
    factors: std::collections::HashMap<String, Option<u8>>,
    levels: std::collections::HashMap<String, Option<u8>>,
    /// The last row's login and school: a school's rows come together.
    last: Option<(String, Sym)>,
    /// The rows read, in file order (a frame at the loader's end).
    pub rows: Vec<RiskRow>,
    /// The login cells were checked already (`load_long` checks every row's).
    logins_checked: bool,
}

/// `f` of `text`, looked up in `memo` (computed once per distinct text).
fn memo(
    memo: &mut std::collections::HashMap<String, Option<u8>>,
    text: &str,
    f: impl Fn(&str) -> Option<u8>,
) -> Option<u8> {
    if let Some(v) = memo.get(text) {
        return *v;
    }
    let v = f(text);
    memo.insert(text.to_string(), v);
    v
}

/// Risk rows `start..` of `g` (a whole sheet, or one chunk of a streamed CSV).
#[allow(clippy::too_many_arguments)]
pub fn load(
    g: &Grid,
    h: &Header,
    start: usize,
    meta: &Meta,
    opts: &Opts,
    rep: &mut InputReport,
    st: &mut RiskState,
) -> Result<()> {
    let cl = h.find(header::LOGIN).unwrap();
    let cy = h.find(header::YEAR);
    let long = is_long(h);
    let (cf, clev) = if long {
        let (f, l) = long_columns(h);
        (Some(f), Some(l))
    } else {
        (None, None)
    };
    let wide = factor_columns(h);
    let RiskState {
        schools,
        seen,
        factors,
        levels,
        last,
        rows: out,
        logins_checked,
    } = st;
    for r in start..g.rows.len() {
        let login = g.cell(r, cl).trim();
        if login.is_empty() {
            if g.rows[r].iter().any(|c| !c.trim().is_empty()) {
                let err = super::cells::no_login(&g.loc(r), h.raw_name(cl));
                super::flat::row_error(opts, rep, err)?;
            }
            continue;
        }
        let sid: Sym = match last {
            Some((l, sid)) if l == login => sid.clone(),
            _ => {
                if !*logins_checked {
                    super::cells::check_login(g, r, login, rep);
                }
                let sid: Sym = school_id(login).into();
                *last = Some((login.to_string(), sid.clone()));
                sid
            }
        };
        let res = (|| -> Result<Vec<(RiskRow, usize)>> {
            let loc = || g.loc(r);
            let year = cells::year(g, h, r, cy, meta)?;
            let mut level = |c: usize| -> Result<u8> {
                memo(levels, g.cell(r, c), risk_level).ok_or_else(|| {
                    data_err(
                        &loc(),
                        h.raw_name(c),
                        format!(
                            "expected низкий / средний / высокий, found «{}»",
                            g.cell(r, c)
                        ),
                    )
                })
            };
            if long {
                let (cf, clev) = (cf.unwrap(), clev.unwrap());
                let factor = memo(factors, g.cell(r, cf), risk_factor).ok_or_else(|| {
                    data_err(&loc(), h.raw_name(cf), unknown_factor(g.cell(r, cf)))
                })?;
                Ok(vec![(
                    RiskRow {
                        school_id: sid.clone(),
                        year,
                        factor,
                        level: level(clev)?,
                    },
                    clev,
                )])
            } else {
                let mut out = Vec::new();
                for (c, f) in &wide {
                    if g.cell(r, *c).trim().is_empty() {
                        continue;
                    }
                    out.push((
                        RiskRow {
                            school_id: sid.clone(),
                            year,
                            factor: *f,
                            level: level(*c)?,
                        },
                        *c,
                    ));
                }
                Ok(out)
            }
        })();
        match res {
            Ok(rows) => {
                rep.rows += 1;
                for (row, c) in rows {
                    keep_row(row, (g, r, h.raw_name(c)), opts, rep, schools, seen, out)?;
                }
            }
            Err(e) => row_error(opts, rep, e)?,
        }
    }
    rep.schools = schools.len();
    Ok(())
}

/// One risk row of grid row `r` (its level in `column`) kept in `out` — unless its (school, year,
/// factor) came before: with the same level a counted repeat, with another a row error
/// (`conflict`; data; `--lenient`: skipped with a counted warning).
fn keep_row(
    row: RiskRow,
    (g, r, column): (&Grid, usize, &str),
    opts: &Opts,
    rep: &mut InputReport,
    schools: &mut std::collections::HashSet<Sym>,
    seen: &mut std::collections::HashMap<(Sym, i32, u8), (u8, usize)>,
    out: &mut Vec<RiskRow>,
) -> Result<()> {
    if !schools.contains(&row.school_id) {
        schools.insert(row.school_id.clone());
    }
    let key = (row.school_id.clone(), row.year, row.factor);
    match seen.get(&key) {
        Some(&(l, _)) if l == row.level => rep
            .warnings
            .add(WarningCode::RowRepeated, format!("строка {}", g.line_of(r))),
        Some(&(first, line)) => {
            let err = conflict(&g.loc(r), column, &row, (first, line));
            row_error(opts, rep, err)?
        }
        None => {
            seen.insert(key, (row.level, g.line_of(r)));
            out.push(row);
        }
    }
    Ok(())
}

/// The data error of `row`, a second level for its school, year and factor at `loc` (its level's
/// `column`), against the first level given on line `first_line`: both levels and the factor by name
/// (fresh-eyes run 13: the factor was its number and the error said it was a bug, exit 3).
fn conflict(
    loc: &crate::error::Loc,
    column: &str,
    row: &RiskRow,
    (first, first_line): (u8, usize),
) -> anyhow::Error {
    let level = |l: u8| crate::model::RISK_LEVELS[l.min(2) as usize];
    data_err(
        loc,
        column,
        format!(
            "a second, different level «{}» for {} / {} / «{}» (row {first_line} gives «{}»): expected one level per school, year and factor",
            level(row.level),
            crate::model::warning::in_words(&row.school_id),
            row.year,
            row.factor_name(),
            level(first),
        ),
    )
}

/// A long risk table (`login, year, factor, level`) from its text frame as column operations:
/// each column decoded once per run of equal cells, the rows as a frame, a repeated (school, year,
/// factor) found by a polars sort and a comparison with the previous row; rows with a bad cell, a
/// truncated record or a value beyond the header go through the row walker `load`, which names file, row and column. A wide
/// table (one column per factor) goes through `load` whole.
///
/// Errors (data, unless `--lenient` skips the row with a counted warning): a bad year, factor or
/// level, a truncated record, a second, different level for one school, year and factor — the
/// first of them in file order.
pub fn load_frame(
    f: TextFrame,
    h: &Header,
    meta: &Meta,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let first = h.row + 1;
    if !is_long(h) {
        note_near_factor_columns(h, rep);
        let mut st = RiskState::default();
        let mut g = f.rows_grid(&(first..f.height()).collect::<Vec<_>>());
        super::drop_truncated(&mut g, h, 0, opts, rep)?;
        load(&g, h, 0, meta, opts, rep, &mut st)?;
        ds.risk_parts
            .push(RiskPart::unordered(crate::model::frames::risk_frame(
                &st.rows,
            )?));
        return Ok(());
    }
    let n = f.height().saturating_sub(first);
    let c = LongCols::decode(&f, h, meta, first, n);
    crate::timing("  risk: columns");
    let (good, rest, odd) = c.sort_rows(&f, h, first, n);
    not_logins(odd, rep);
    finish_long(f, c, (good, rest), h, meta, opts, ds, rep)
}

/// A risk table from a CSV: a long table from polars' typed frame — the year `Int32`, factor and
/// level `Categorical`, each text decoded once per category (`CsvFile::typed_frame_as`) — when
/// every data cell of it is read (none null), every year is 2000–2099 and every row decodes;
/// else (a wide table, a file with a quote, a bad or empty cell, a truncated record) as
/// `load_frame`, from its text frame, which names the bad cells as it always did.
///
/// Errors: as `load_frame`.
#[allow(clippy::too_many_arguments)]
pub fn load_csv(
    file: super::csv_file::CsvFile,
    head: &Grid,
    h: &Header,
    meta: &Meta,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    if let Some((f, typed_year)) = typed(&file, h, head)? {
        let first = h.row + 1;
        let n = f.height().saturating_sub(first);
        if let Some((df, schools)) = typed_year
            .then(|| typed::profiles(&f, h, first, n))
            .transpose()?
            .flatten()
        {
            crate::timing("  risk: profiles (typed)");
            rep.encoding = Some(f.encoding.to_string());
            rep.rows += n;
            rep.schools = schools;
            // sorted by (school rank, year, factor), each key once (`typed::profiles`)
            ds.risk_parts.push(RiskPart::sorted(df));
            return Ok(());
        }
        if let Some(c) = LongCols::decode_typed(&f, h, meta, first, n, typed_year) {
            crate::timing("  risk: columns (typed)");
            let (good, rest, odd) = c.sort_rows(&f, h, first, n);
            if rest.is_empty() {
                rep.encoding = Some(f.encoding.to_string());
                not_logins(odd, rep);
                return finish_long(f, c, (good, rest), h, meta, opts, ds, rep);
            }
        }
    }
    let f = file.into_frame()?;
    rep.encoding = Some(f.encoding.to_string());
    load_frame(f, h, meta, opts, ds, rep)
}

/// The typed frame of a long risk CSV (`load_csv`) and whether its year column is read as `Int32`
/// (when the first records, `head`, hold plain years 2000–2099, as the marks' typed read does);
/// `None` for a wide table, a header naming one column twice, a file polars' typed read does not
/// take (`CsvFile::typed_frame_as`), or a null data cell in any column.
fn typed(
    file: &super::csv_file::CsvFile,
    h: &Header,
    head: &Grid,
) -> Result<Option<(TextFrame, bool)>> {
    use super::csv_file::Typed;
    if !is_long(h) {
        return Ok(None);
    }
    let (cl, cy) = (h.find(header::LOGIN).unwrap_or(0), h.find(header::YEAR));
    let (cf, clev) = long_columns(h);
    let mut used = vec![cl, cf, clev];
    used.extend(cy);
    used.sort_unstable();
    used.dedup();
    if used.len() != 3 + usize::from(cy.is_some()) {
        return Ok(None);
    }
    let first = h.row + 1;
    let year = cy.filter(|&c| {
        (first..head.rows.len()).all(|r| {
            let t = head.cell(r, c);
            !t.is_empty()
                && t.bytes().all(|b| b.is_ascii_digit())
                && t.parse::<i32>().is_ok_and(|v| (2000..2100).contains(&v))
        })
    });
    let mut cols = vec![(cf, Typed::Categorical), (clev, Typed::Categorical)];
    cols.extend(year.map(|c| (c, Typed::Int32)));
    let Some(f) = file.typed_frame_as(&cols, first)? else {
        return Ok(None);
    };
    let n = f.height().saturating_sub(first);
    let filled =
        f.df.columns()
            .iter()
            .skip(1)
            .all(|c| c.slice(first as i64, n).null_count() == 0);
    let in_range = year.is_none_or(|c| {
        f.int_col(c, first).is_some_and(|ca| {
            n == 0
                || ca
                    .min()
                    .zip(ca.max())
                    .is_some_and(|(lo, hi)| lo >= 2000 && hi < 2100)
        })
    });
    Ok((filled && in_range).then_some((f, year.is_some())))
}

/// The logins that do not look like one (`LongCols::sort_rows`), as counted warnings in file order.
fn not_logins(odd: Vec<(WarningCode, String)>, rep: &mut InputReport) {
    for (code, w) in odd {
        rep.warnings.add(code, w);
    }
}

/// A long risk table's rows from its decoded columns `c`: the rows that decoded (`good`, from 0)
/// as a frame without its repeats (`drop_repeats`), the others (`rest`, records of `f`) through
/// the row walker `load`; the first error in file order is raised (`--lenient`: each a counted
/// warning). `f` is dropped before the rows' frame is built.
#[allow(clippy::too_many_arguments)]
fn finish_long(
    f: TextFrame,
    c: LongCols,
    (good, rest): (Vec<usize>, Vec<usize>),
    h: &Header,
    meta: &Meta,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let mut st = RiskState::default();
    let first = h.row + 1;
    // the schools of the kept rows, one per run of a login (not a hash of every row's id)
    let mut schools: PlHashSet<&str> = Default::default();
    let mut run = None;
    for &r in &good {
        if run != Some(c.login.idx[r]) {
            run = Some(c.login.idx[r]);
            schools.insert(c.login.get(r).1.as_str());
        }
    }
    // the rows the walker reads keep their cells; the text frame is dropped before the rows'
    // frame is built (every cell read is in the runs above)
    let rest = (!rest.is_empty()).then(|| f.rows_grid(&rest));
    let lines: Vec<u32> = good
        .iter()
        .map(|&r| crate::model::line_no(f.line_of(first + r)))
        .collect();
    let (file, sheet) = (f.file.clone(), f.sheet.clone());
    drop(f);
    let years = each(&good, |r| c.year.get(r).unwrap_or(0));
    let factors = each(&good, |r| i32::from(c.factor.get(r).unwrap_or(0)));
    let rank = long::school_rank(&c, &good);
    let run = packed_keys(&rank, &years, &factors).unwrap_or_else(|| Column::new(RUN.into(), rank));
    let df = DataFrame::new_infer_height(
        [
            c.login
                .gather(crate::model::schema::col::SCHOOL_ID, &good, |v| &v.1)?,
            Column::new("year".into(), years),
            Column::new("factor".into(), factors),
            Column::new(
                "level".into(),
                each(&good, |r| i32::from(c.level.get(r).unwrap_or(0))),
            ),
            Column::new("line".into(), lines),
            run,
        ]
        .into(),
    )?;
    rep.rows += good.len();
    let level_column = h.raw_name(long_columns(h).1);
    let (df, mut conflicts) = drop_repeats(df, (file, sheet, level_column), rep)?;
    // the first error in file order: a conflicting repeat, or a row the walker rejects
    if !opts.lenient && !conflicts.is_empty() {
        let line = conflicts[0].0;
        if rest.as_ref().is_none_or(|g| g.line_of(0) > line) {
            return Err(conflicts.swap_remove(0).1);
        }
    }
    if let Some(mut g) = rest {
        super::drop_truncated(&mut g, h, 0, opts, rep)?;
        st.logins_checked = true;
        load(&g, h, 0, meta, opts, rep, &mut st)?;
    }
    for (_, err) in conflicts {
        row_error(opts, rep, err)?;
    }
    schools.extend(st.schools.iter().map(|s| &**s));
    rep.schools = schools.len();
    // sorted by (school, year, factor) without its repeats (`drop_repeats`)
    ds.risk_parts.push(RiskPart::sorted(df.drop("line")?));
    ds.risk_parts
        .push(RiskPart::unordered(crate::model::frames::risk_frame(
            &st.rows,
        )?));
    Ok(())
}

fn each(good: &[usize], f: impl Fn(usize) -> i32) -> Vec<i32> {
    good.iter().map(|&r| f(r)).collect()
}

/// Column name of a school's sort key in `drop_repeats` (`school_rank`).
const RUN: &str = "run";

/// Column name of the rows' one sort key in `drop_repeats` (`packed_keys`), when given.
const KEY: &str = "key";

/// Each row's (school rank, year, factor) as one number that sorts and compares as the three do:
/// the rank in the high bits, then the year's offset from the smallest year, then the factor,
/// each in as many bits as its largest value needs — one sort key for `drop_repeats` instead of
/// three compared in turn, `UInt32` when it fits (a national file: 45 000 ranks, 3 years, 24
/// factors) else `UInt64`. `None` when a factor is negative or the three need more than 64 bits.
fn packed_keys(rank: &[u32], years: &[i32], factors: &[i32]) -> Option<Column> {
    let bits = |max: u64| 64 - max.leading_zeros();
    let lo = i64::from(years.iter().copied().min().unwrap_or(0));
    let hi = i64::from(years.iter().copied().max().unwrap_or(0));
    if factors.iter().any(|&f| f < 0) {
        return None;
    }
    let fb = bits(factors.iter().copied().max().unwrap_or(0) as u64);
    let yb = bits((hi - lo) as u64);
    let rb = bits(u64::from(rank.iter().copied().max().unwrap_or(0)));
    if rb + yb + fb > 64 {
        return None;
    }
    let key = |((&r, &y), &f): ((&u32, &i32), &i32)| {
        (u64::from(r) << (yb + fb)) | (((i64::from(y) - lo) as u64) << fb) | f as u64
    };
    let keys = rank.iter().zip(years).zip(factors).map(key);
    Some(if rb + yb + fb <= 32 {
        Column::new(KEY.into(), keys.map(|k| k as u32).collect::<Vec<u32>>())
    } else {
        Column::new(KEY.into(), keys.collect::<Vec<u64>>())
    })
}

/// `df` (`school_id, year, factor, level, line`, and `key` or `run` when given: `KEY`, `RUN`) of
/// `(file, sheet)` (its level in `column`) without its repeated (school, year, factor), in (school, year, factor) order
/// (file order among equals) and without `run`: an exact repeat is dropped with a counted warning;
/// a second, different level is dropped and returned as an error message with its line (in file
/// order) for the caller to raise.
fn drop_repeats(
    df: DataFrame,
    (file, sheet, column): (String, Option<String>, &str),
    rep: &mut InputReport,
) -> Result<(DataFrame, Vec<(usize, anyhow::Error)>)> {
    use crate::model::schema::col as k;
    let has = |c: &str| df.column(c).is_ok();
    let keys: &[&str] = if has(KEY) {
        &[KEY]
    } else if has(RUN) {
        &[RUN, k::YEAR, k::FACTOR]
    } else {
        &[k::SCHOOL_ID, k::YEAR, k::FACTOR]
    };
    // a table in that order already (as a school's rows come together) is not sorted again
    let sorted = crate::model::order::sorted_by(df, keys)?;
    let repeat = keys
        .iter()
        .map(|c| col(*c).eq_missing(col(*c).shift(lit(1))))
        .reduce(Expr::and)
        .expect("keys")
        .fill_null(lit(false))
        .alias("repeat");
    let mask = sorted.clone().lazy().select([repeat]).collect()?;
    let mask = mask.column("repeat")?.bool()?.clone();
    let sorted = sorted.drop_many([RUN, KEY]);
    if !mask.any() {
        return Ok((sorted, Vec::new()));
    }
    let lines = sorted.column("line")?.u32()?;
    let levels = sorted.column(k::LEVEL)?.i32()?;
    let ids = sorted.column(k::SCHOOL_ID)?.str()?;
    let (years, factors) = (
        sorted.column(k::YEAR)?.i32()?,
        sorted.column(k::FACTOR)?.i32()?,
    );
    let mut events: Vec<(usize, Option<anyhow::Error>)> = Vec::new();
    let mut first = 0;
    for (r, m) in mask.iter().enumerate() {
        if !m.unwrap_or(false) {
            first = r;
            continue;
        }
        let line = lines.get(r).unwrap_or(0) as usize;
        if levels.get(r) == levels.get(first) {
            events.push((line, None));
        } else {
            let loc = crate::error::Loc {
                file: file.clone(),
                sheet: sheet.clone(),
                row: line,
            };
            let row = RiskRow::new(
                ids.get(r).unwrap_or(""),
                years.get(r).unwrap_or(0),
                factors.get(r).unwrap_or(0) as u8,
                levels.get(r).unwrap_or(0) as u8,
            );
            let first = (
                levels.get(first).unwrap_or(0) as u8,
                lines.get(first).unwrap_or(0) as usize,
            );
            events.push((line, Some(conflict(&loc, column, &row, first))));
        }
    }
    events.sort_by_key(|e| e.0);
    let mut conflicts = Vec::new();
    for (line, msg) in events {
        match msg {
            None => rep
                .warnings
                .add(WarningCode::RowRepeated, format!("строка {line}")),
            Some(m) => conflicts.push((line, m)),
        }
    }
    let keep: BooleanChunked = mask.iter().map(|m| !m.unwrap_or(false)).collect();
    Ok((sorted.filter(&keep)?, conflicts))
}

#[cfg(test)]
mod key_tests;
