//! The model's row order: the `results` frame sorted by year, school, then the procedure (grade
//! before subject), with source file and line making it total, and its repeated keys dropped or
//! reported (polars sort and neighbour comparison); risk-profile rows by school, year and factor.
use super::schema::col as k;
use super::Dataset;
use crate::error::data;
use crate::input::report::Warnings;
use crate::input::Opts;
use crate::model::warning::WarningCode;
use anyhow::Result;
use polars::prelude::*;

/// The model's order of result rows: year, school, assessment, grade, subject, source, line.
const ORDER: [&str; 7] = [
    k::YEAR,
    k::SCHOOL_ID,
    k::ASSESSMENT,
    k::GRADE,
    k::SUBJECT,
    k::SOURCE,
    k::LINE,
];
/// One row per key.
const KEY: [&str; 5] = [k::YEAR, k::SCHOOL_ID, k::ASSESSMENT, k::SUBJECT, k::GRADE];
/// A repeat whose values equal the first row's is an exact repeat.
const VALUES: [&str; 6] = [k::PARTICIPANTS, k::N2, k::N3, k::N4, k::N5, k::HIGH];

/// `df` sorted by `keys` (stable), or as it is when its rows are in that order already (one
/// vectorised comparison of each row with the previous, cheaper than a sort of a national table).
pub(crate) fn sorted_by(df: DataFrame, keys: &[&str]) -> Result<DataFrame> {
    let check = df
        .clone()
        .lazy()
        .select([in_order(&df, keys).alias("ok")])
        .collect()?;
    if check.column("ok")?.bool()?.get(0).unwrap_or(false) {
        return Ok(df);
    }
    sort(df, keys)
}

/// `df` sorted by `keys`, stable.
fn sort(df: DataFrame, keys: &[&str]) -> Result<DataFrame> {
    Ok(df.sort(
        keys.to_vec(),
        SortMultipleOptions::default().with_maintain_order(true),
    )?)
}

/// Whether the rows of `df` are in the order of `keys` (one boolean): each row compared with the
/// previous on the keys that can differ between rows (`varying`).
fn in_order(df: &DataFrame, keys: &[&str]) -> Expr {
    let mut in_order = lit(true);
    for k in varying(df, keys).iter().rev() {
        let (c, p) = (col(*k), col(*k).shift(lit(1)));
        in_order = c.clone().gt(p.clone()).or(c.eq(p).and(in_order));
    }
    in_order.fill_null(lit(true)).all(true)
}

/// The columns among `keys` whose value can differ between rows: a scalar column of one value
/// that is not null (a marks table's source, a key its file gives once) neither orders rows nor
/// tells them apart, and its values are not made one per row to be compared. All of `keys` when
/// every one is such a column.
fn varying<'a>(df: &DataFrame, keys: &[&'a str]) -> Vec<&'a str> {
    let constant = |k: &str| matches!(df.column(k), Ok(Column::Scalar(c)) if !c.scalar().is_null());
    let v: Vec<&str> = keys.iter().copied().filter(|k| !constant(k)).collect();
    if v.is_empty() {
        keys.to_vec()
    } else {
        v
    }
}

/// Each row whose `KEY` equals the previous row's: the rows compared on the key columns that can
/// differ (`varying`; a scalar column equals itself). The first row, with no previous one, is no
/// repeat (`dedup_results` skips it: the results' keys are never null). Columns without a null
/// are compared by `eq`, the very comparison `in_order` makes, so that a `select` of both
/// computes it once (polars' common subexpressions; `eq` and `eq_missing` differ on nulls only,
/// and the first row's null comparison is filled with `false` either way).
fn repeat_mask(df: &DataFrame) -> Expr {
    let has_nulls = |c: &str| df.column(c).map_or(true, |s| s.null_count() > 0);
    varying(df, &KEY)
        .into_iter()
        .map(|c| match has_nulls(c) {
            true => col(c).eq_missing(col(c).shift(lit(1))),
            false => col(c).eq(col(c).shift(lit(1))),
        })
        .reduce(Expr::and)
        .expect("a key")
        .fill_null(lit(false))
}

/// The results in the model's order (`ORDER`) and their repeat mask (`repeat_mask`): the order
/// checked and the repeats found in one pass when the rows are in order already (a marks table
/// written in the model's order), else the rows sorted and then compared.
pub(super) fn ordered_with_repeats(df: DataFrame) -> Result<(DataFrame, BooleanChunked)> {
    if df.height() == 0 {
        // no row to order or repeat (the check's one value would be broadcast to no row)
        return Ok((df, BooleanChunked::full_null("repeat".into(), 0)));
    }
    let both = df
        .clone()
        .lazy()
        .select([
            in_order(&df, &ORDER).alias("ok"),
            repeat_mask(&df).alias("repeat"),
        ])
        .collect()?;
    let sorted = match both.column("ok")?.bool()?.get(0).unwrap_or(false) {
        true => {
            let mask = both.column("repeat")?.bool()?.clone();
            return Ok((df, mask));
        }
        false => sort(df, &ORDER)?,
    };
    let mask = sorted
        .clone()
        .lazy()
        .select([repeat_mask(&sorted).alias("repeat")])
        .collect()?;
    let mask = mask.column("repeat")?.bool()?.clone();
    Ok((sorted, mask))
}

/// Every sheet's results frame joined into `ds.results` (kept as it is when no sheet gave any).
pub(super) fn join_parts(ds: &mut Dataset) -> Result<()> {
    let mut parts = std::mem::take(&mut ds.result_parts).into_iter();
    if let Some(mut df) = parts.next() {
        for p in parts {
            df.vstack_mut_owned(p)?;
        }
        ds.set_frame(df);
    }
    Ok(())
}

/// The rows of `df` whose `c` differs from the previous row's (and its first row): each value's
/// first row among them, in row order, as in `df` — fewer rows to make distinct when equal
/// values come in runs (the results in the model's order, a marks table in its file's).
pub(crate) fn run_starts(df: &DataFrame, c: &str) -> Result<DataFrame> {
    let start = col(c)
        .neq_missing(col(c).shift(lit(1)))
        .fill_null(lit(true));
    Ok(df.clone().lazy().filter(start).collect()?)
}

/// The distinct municipality names the results carry.
pub(super) fn municipalities(results: &DataFrame) -> Result<std::collections::HashSet<String>> {
    let u = run_starts(&results.select([k::MUNICIPALITY])?, k::MUNICIPALITY)?;
    let u = u.column(k::MUNICIPALITY)?.unique()?;
    Ok(u.str()?.iter().flatten().map(str::to_string).collect())
}

/// Each school's first row (school, municipality), in row order.
#[cfg(test)]
pub(super) fn firsts(results: &DataFrame) -> Result<Vec<(String, String)>> {
    pairs(&first_rows(results)?)
}

/// Each school id's first row of `results` (`school_id`, `municipality`; one row for the null
/// id, if any), in row order: the distinct ids of the results.
pub(super) fn first_rows(results: &DataFrame) -> Result<DataFrame> {
    Ok(run_starts(
        &results.select([k::SCHOOL_ID, k::MUNICIPALITY])?,
        k::SCHOOL_ID,
    )?
    .unique_stable(
        Some(&[k::SCHOOL_ID.to_string()]),
        UniqueKeepStrategy::First,
        None,
    )?)
}

/// The (school, municipality) pairs of [`first_rows`]' frame `f` (a null as the empty text).
#[cfg(test)]
pub(super) fn pairs(f: &DataFrame) -> Result<Vec<(String, String)>> {
    let (ids, muns) = (
        f.column(k::SCHOOL_ID)?.str()?,
        f.column(k::MUNICIPALITY)?.str()?,
    );
    Ok(ids
        .iter()
        .zip(muns.iter())
        .map(|(i, m)| (i.unwrap_or("").to_string(), m.unwrap_or("").to_string()))
        .collect())
}

/// One sheet's risk profiles (`schema::risk_profiles`) for `Dataset::risk_parts`, and whether
/// its rows are known to be in the model's risk order (school, year, factor; one row per key, no
/// null key) because the reader has just sorted them so (`sorted`). `order_risk` checks the order
/// of every other part.
#[derive(Debug, Clone)]
pub struct RiskPart {
    frame: DataFrame,
    sorted: bool,
}

impl RiskPart {
    /// A part in any row order: `order_risk` checks it (and sorts when it must).
    pub fn unordered(frame: DataFrame) -> Self {
        RiskPart {
            frame,
            sorted: false,
        }
    }

    /// A part whose rows the caller has just sorted by (school, year, factor), each key once and
    /// none null (a school id ranked as its text sorts): `order_risk` does not check it alone.
    pub(crate) fn sorted(frame: DataFrame) -> Self {
        RiskPart {
            frame,
            sorted: true,
        }
    }
}

/// Every sheet's risk profiles (`Dataset::risk_parts`) joined into one frame for `ds.risk`, by
/// school, year and the factors' canonical order (file order kept among equals); `None` when no
/// sheet gave any. The order is not checked when the rows are one sorted part's
/// (`RiskPart::sorted`; every other part empty): it cannot fail then.
pub(super) fn order_risk(parts: Vec<RiskPart>) -> Result<Option<DataFrame>> {
    let known = parts.iter().filter(|p| p.frame.height() > 0).count() <= 1
        && parts.iter().all(|p| p.sorted || p.frame.height() == 0);
    let mut parts = parts.into_iter().map(|p| p.frame);
    let Some(mut df) = parts.next() else {
        return Ok(None);
    };
    for p in parts {
        df.vstack_mut_owned(p)?;
    }
    if known {
        return Ok(Some(df));
    }
    Ok(Some(sorted_by(df, &[k::SCHOOL_ID, k::YEAR, k::FACTOR])?))
}

/// Sort the results into the model's order and drop repeated keys: an exact repeat is dropped with
/// a counted warning; a second, different row for one key is a data error (a counted warning and
/// dropped with `--lenient`). Repeats are the rows whose key equals the previous row's in that
/// order; each is compared with the first row of its key. (`finalize` orders the rows beside
/// another step, then calls [`dedup_ordered`].)
#[cfg(test)]
pub(super) fn dedup_results(ds: &mut Dataset, opts: &Opts, warnings: &mut Warnings) -> Result<()> {
    let ordered = ordered_with_repeats(ds.results.clone())?;
    dedup_ordered(ds, ordered, opts, warnings)
}

/// [`dedup_results`] with the results already in the model's order and their repeat mask
/// (`ordered_with_repeats(ds.results.clone())`, made beside another step): `ds.results` set to
/// them without the repeats.
pub(super) fn dedup_ordered(
    ds: &mut Dataset,
    (sorted, mask): (DataFrame, BooleanChunked),
    opts: &Opts,
    warnings: &mut Warnings,
) -> Result<()> {
    // no repeat (the first row is none): no walk of the mask's rows
    if mask.len() < 2 || !mask.slice(1, mask.len() - 1).any() {
        ds.set_frame(sorted);
        return Ok(());
    }
    let mask = &mask;
    let repeats: Vec<usize> = mask
        .iter()
        .enumerate()
        .filter_map(|(i, m)| (i > 0 && m.unwrap_or(false)).then_some(i))
        .collect();
    if repeats.is_empty() {
        ds.set_frame(sorted);
        return Ok(());
    }
    let text = |c: &str, r: usize| -> Result<String> {
        Ok(sorted
            .column(c)?
            .get(r)?
            .get_str()
            .unwrap_or("")
            .to_string())
    };
    let int = |c: &str, r: usize| -> Result<Option<i64>> {
        Ok(sorted.column(c)?.get(r)?.extract::<i64>())
    };
    // every field of `FIELDS`: the counts, and the mean score (two rows that differ only in it
    // are two different results, not a repeat; a source without a mean score — a ФИС ОКО
    // «Статистика по отметкам» beside the protocol — does not disagree with one that has it)
    let mean = sorted.column(k::MEAN_SCORE)?;
    let same = |a: usize, b: usize| -> Result<bool> {
        for c in VALUES {
            if int(c, a)? != int(c, b)? {
                return Ok(false);
            }
        }
        let (ma, mb) = (mean.get(a)?, mean.get(b)?);
        Ok(ma == mb || ma.is_null() || mb.is_null())
    };
    let mut first = 0;
    let mut drop = vec![false; sorted.height()];
    for &r in &repeats {
        if r == 0 || !mask.get(r - 1).unwrap_or(false) {
            first = r - 1;
        }
        drop[r] = true;
        if same(first, r)? {
            // the row with the mean score is the one kept
            if mean.get(first)?.is_null() && !mean.get(r)?.is_null() {
                (drop[first], drop[r], first) = (true, false, r);
            }
            warnings.add(
                WarningCode::ResultRowRepeated,
                format!(
                    "{} {} {} {} {} кл.",
                    int(k::YEAR, r)?.unwrap_or(0),
                    text(k::SCHOOL_ID, r)?,
                    text(k::ASSESSMENT, r)?,
                    text(k::SUBJECT, r)?,
                    int(k::GRADE, r)?.unwrap_or(0)
                ),
            );
            continue;
        }
        let msg = conflict(&sorted, first, r)?;
        if opts.lenient {
            warnings.add(WarningCode::ConflictingRowSkipped, msg);
        } else {
            return Err(data(msg));
        }
    }
    let keep: BooleanChunked = drop.iter().map(|d| !d).collect();
    ds.set_frame(sorted.filter(&keep)?);
    Ok(())
}

/// The fields a result row is told apart by, with their names in messages.
const FIELDS: [(&str, &str); 7] = [
    (k::PARTICIPANTS, "участников"),
    (k::N2, "«2»"),
    (k::N3, "«3»"),
    (k::N4, "«4»"),
    (k::N5, "«5»"),
    (k::HIGH, "высоких результатов"),
    (k::MEAN_SCORE, "средний балл"),
];

/// The message for row `r` of `df`, a second, different row for the key of row `first`: both
/// rows (a per-pupil sheet's results, line 0, are aggregated from its pupils and have no single
/// row), the fields that differ with both values and, for a school known only by name given twice
/// in one file, that two schools may share the name in the municipality.
fn conflict(df: &DataFrame, first: usize, r: usize) -> Result<String> {
    let text = |c: &str, r: usize| -> Result<String> {
        Ok(df.column(c)?.get(r)?.get_str().unwrap_or("").to_string())
    };
    let int = |c: &str, r: usize| -> Result<i64> {
        Ok(df.column(c)?.get(r)?.extract::<i64>().unwrap_or(0))
    };
    let at = |r: usize| -> Result<String> {
        Ok(match int(k::LINE, r)? {
            0 => format!(
                "{} (результаты собраны по ученикам, одной строки нет)",
                text(k::SOURCE, r)?
            ),
            line => format!("{}, строка {line}", text(k::SOURCE, r)?),
        })
    };
    let mut differ = Vec::new();
    for (c, label) in FIELDS {
        let (a, b) = (df.column(c)?.get(first)?, df.column(c)?.get(r)?);
        if a != b {
            let v = |x: AnyValue| match x {
                AnyValue::Null => "—".to_string(),
                x => x.extract::<f64>().map_or_else(
                    || x.to_string(),
                    |f| {
                        let s = format!("{f:.2}");
                        let s = s.trim_end_matches('0').trim_end_matches('.');
                        s.replace('.', ",")
                    },
                ),
            };
            differ.push(format!("{label} {} и {}", v(a), v(b)));
        }
    }
    let sid = text(k::SCHOOL_ID, r)?;
    let mut msg = format!(
        "{}: вторая, другая строка для школы {} и процедуры {} {} {} кл. {} (первая: {}): {}",
        at(r)?,
        // the key in words here, not over the whole message: a name key's words ran on into
        // «… и процедуры …» inside its quotes (fresh-eyes run 14)
        crate::model::warning::in_words(&sid),
        text(k::ASSESSMENT, r)?,
        text(k::SUBJECT, r)?,
        int(k::GRADE, r)?,
        int(k::YEAR, r)?,
        at(first)?,
        differ.join(", ")
    );
    if let Some(key) = sid.strip_prefix("name:") {
        if text(k::SOURCE, r)? == text(k::SOURCE, first)? {
            let (mun, name) = key.split_once('/').unwrap_or(("", key));
            msg.push_str(&format!(
                "; строки {} и {} называют школы одного муниципалитета («{mun}») с одним ключом названия «{name}»: у двух школ муниципалитета одно название (или одна школа дана дважды); дайте им логины (файл сопоставления или столбец логина) или удалите повторную строку",
                int(k::LINE, first)?,
                int(k::LINE, r)?
            ));
        }
    }
    Ok(msg)
}

#[cfg(test)]
#[path = "order_tests.rs"]
mod tests;
