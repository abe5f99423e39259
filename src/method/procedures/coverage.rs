//! What the results cover: procedures' and windows' labels, the kind of «below the minimum»
//! ([`BelowMin`]), the years with a count below the minimum and the procedures without one.

/// A procedure's label from its assessment, subject and grade (0: no grade): «ВПР математика 4 кл.».
pub fn proc_label_of(assessment: &str, subject: &str, grade: i32) -> String {
    if grade > 0 {
        format!("{assessment} {subject} {grade} кл.")
    } else {
        format!("{assessment} {subject}")
    }
}

/// What «below the minimum» (`n2`) is in the results a list shows: marks «2» (ВПР, ОГЭ), scores
/// below the subject's minimum threshold (ЕГЭ), or both (METHOD.md §0, share2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BelowMin {
    Mark2,
    Threshold,
    Mixed,
}

impl BelowMin {
    /// The kind of procedures of these assessments (`Assessment` labels, repeats allowed):
    /// `Threshold` when all are ЕГЭ, `Mark2` when none is (or there are none), else `Mixed`.
    pub fn of<'s>(assessments: impl IntoIterator<Item = &'s str>) -> BelowMin {
        let ege = crate::model::domain::Assessment::Ege.label();
        let (mut n, mut n_ege) = (0usize, 0usize);
        for a in assessments {
            n += 1;
            n_ege += usize::from(a == ege);
        }
        match n_ege {
            0 => BelowMin::Mark2,
            e if e == n => BelowMin::Threshold,
            _ => BelowMin::Mixed,
        }
    }
}

/// [`BelowMin`] of the window's results that have a count below the minimum: `Threshold` when all
/// are ЕГЭ, `Mark2` when none is (or there are none), else `Mixed`. Two counts over the frame
/// (such rows, and those of them ЕГЭ), not the unique assessments of the filtered rows: the same
/// answer ([`BelowMin::of`] on the rows' assessments, repeats allowed) without a string hash per row.
///
/// Errors: a polars error on a `results` frame not in `schema::results`' shape.
pub fn below_min_kind(
    results: &polars::prelude::DataFrame,
    window: &[i32],
) -> polars::prelude::PolarsResult<BelowMin> {
    use crate::model::schema::col as k;
    use polars::prelude::*;
    let (Some(first), Some(last)) = (window.first(), window.last()) else {
        return Ok(BelowMin::Mark2);
    };
    let counted = col(k::YEAR)
        .gt_eq(lit(*first))
        .and(col(k::YEAR).lt_eq(lit(*last)))
        .and(col(k::N2).is_not_null());
    let ege = crate::model::domain::Assessment::Ege.label();
    let counts = results
        .clone()
        .lazy()
        .select([
            counted.clone().sum().cast(DataType::Int64).alias("n"),
            counted
                .and(col(k::ASSESSMENT).eq(lit(ege)).fill_null(lit(false)))
                .sum()
                .cast(DataType::Int64)
                .alias("ege"),
        ])
        .collect()?;
    let count = |name: &str| -> PolarsResult<i64> {
        Ok(crate::method::frame::ints(&counts, name)?
            .first()
            .copied()
            .flatten()
            .unwrap_or(0))
    };
    let (n, n_ege) = (count("n")?, count("ege")?);
    Ok(match n_ege {
        0 => BelowMin::Mark2,
        e if e == n => BelowMin::Threshold,
        _ => BelowMin::Mixed,
    })
}

/// A window's years as the reports write them: `2024–2025`, `2025`, or `2021, 2023` with a gap.
pub fn window_label(window: &[i32]) -> String {
    match (window.first(), window.last()) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) if (b - a) as usize + 1 == window.len() => format!("{a}–{b}"),
        _ => window
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The years of `window` in which some result has a count below the minimum (`n2` known),
/// ascending: the years the selection can judge. `results`: the results frame
/// (`model::schema::results`; `year` Int32, `n2` Int32 nullable).
pub fn years_with_marks(
    results: &polars::prelude::DataFrame,
    window: &[i32],
) -> polars::prelude::PolarsResult<Vec<i32>> {
    let mut years = marked_years(results)?;
    years.retain(|y| window.contains(y));
    Ok(years)
}

/// The years of `results` (the results frame, `schema::results`) in which some result has a
/// count below the minimum (`n2` known), ascending: the years of the rows with `n2`, each
/// run of one year kept once (the model's order has a year's rows in one run), then made
/// distinct. Errors: a frame without those columns (a bug).
pub fn marked_years(
    results: &polars::prelude::DataFrame,
) -> polars::prelude::PolarsResult<Vec<i32>> {
    use crate::model::schema::col as k;
    use polars::prelude::*;
    // two columns filtered, not the frame (a filter of the frame's twenty columns was 7 of
    // the 8 ms on a national table)
    let year = || col(k::YEAR);
    let years = results
        .clone()
        .lazy()
        .select([year(), col(k::N2).is_not_null().alias("marked")])
        .filter(col("marked"))
        .filter(year().neq_missing(year().shift(lit(1))))
        .select([year().unique()])
        .collect()?;
    let mut out: Vec<i32> = crate::method::frame::ints(&years, k::YEAR)?
        .into_iter()
        .flatten()
        .map(|y| y as i32)
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// The procedures of `window` none of whose results has a count below the minimum, as
/// «ВПР химия 11 кл. 2022», sorted: what a selection cannot judge (a per-pupil file without a
/// primary score → mark scale, a table of high results only).
pub fn procedures_without_marks(
    results: &polars::prelude::DataFrame,
    window: &[i32],
) -> polars::prelude::PolarsResult<Vec<String>> {
    use crate::model::schema::col as k;
    use polars::prelude::*;
    let keys = [k::YEAR, k::ASSESSMENT, k::SUBJECT, k::GRADE];
    let df = results
        .clone()
        .lazy()
        .filter(crate::method::frame::one_of(
            k::YEAR,
            window.iter().copied(),
        ))
        .group_by(keys.map(col))
        .agg([col(k::N2).is_not_null().any(true).alias("marks")])
        .filter(col("marks").not())
        .collect()?;
    let (years, grades) = (
        crate::method::frame::ints(&df, k::YEAR)?,
        crate::method::frame::ints(&df, k::GRADE)?,
    );
    let (assessments, subjects) = (
        crate::method::frame::texts(&df, k::ASSESSMENT)?,
        crate::method::frame::texts(&df, k::SUBJECT)?,
    );
    let mut out: Vec<String> = (0..df.height())
        .map(|i| {
            let label = proc_label_of(&assessments[i], &subjects[i], grades[i].unwrap_or(0) as i32);
            format!("{label} {}", years[i].unwrap_or(0))
        })
        .collect();
    out.sort();
    Ok(out)
}
