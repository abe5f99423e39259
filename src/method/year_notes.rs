//! The selection's notes on the years of the results: rows outside the window, and the year's
//! rows without a share below the minimum (`select::FrameWarnings`).
use crate::input::report::Warnings;
use crate::model::warning::WarningCode;
use crate::model::Dataset;
use anyhow::Result;
use std::collections::BTreeMap;

/// Count the result rows of years outside `window` ([`WarningCode::OutsideWindow`], `N`
/// rows): «2518 результатов за годы 2016, 2021 вне окна выбора (2022–2023)», «834 результата за
/// 2023 год …» (Russian agreement). `results`: the results
/// frame (`model::schema::results`, `year` Int32).
pub(super) fn outside_window(
    results: &polars::prelude::DataFrame,
    window: &[i32],
    w: &mut Warnings,
) -> Result<()> {
    use crate::model::schema::col as k;
    use polars::prelude::{col, lit, DataType, IntoLazy};
    // the years outside the window (a null year is none): each run of one year once (the
    // model's order has a year's rows in one run), then distinct; then each one's rows counted
    // (a sum per year, not a group-by of every row outside)
    let year = || col(k::YEAR);
    let years = results
        .clone()
        .lazy()
        .select([year()])
        .filter(super::frame::one_of(k::YEAR, window.iter().copied()).not())
        .filter(year().neq_missing(year().shift(lit(1))))
        .select([year().unique()])
        .collect()?;
    let years: Vec<i32> = super::frame::ints(&years, k::YEAR)?
        .into_iter()
        .filter_map(|y| i32::try_from(y?).ok())
        .collect();
    let mut outside: BTreeMap<i32, usize> = BTreeMap::new();
    if !years.is_empty() {
        let sums: Vec<polars::prelude::Expr> = years
            .iter()
            .map(|y| {
                let rows = year().eq(lit(*y)).sum().cast(DataType::Int64);
                rows.alias(y.to_string())
            })
            .collect();
        let counts = results.clone().lazy().select(sums).collect()?;
        for y in years {
            let n = super::frame::ints(&counts, &y.to_string())?;
            outside.insert(y, n.first().copied().flatten().unwrap_or(0) as usize);
        }
    }
    let n: usize = outside.values().sum();
    let listed: Vec<String> = outside.keys().map(i32::to_string).collect();
    let years = match listed.as_slice() {
        [one] => format!("за {one} год"),
        many => format!("за годы {}", many.join(", ")),
    };
    w.add_n(
        WarningCode::OutsideWindow,
        n,
        format!(
            "{} {years} вне окна выбора ({})",
            crate::output::words::count(n, ["результат", "результата", "результатов"]),
            super::procedures::window_label(window)
        ),
    );
    Ok(())
}

/// The year-Y rows without a share below the minimum: one example per procedure (its label),
/// counted in rows, in label order.
pub(super) fn no_marks(ds: &Dataset, year: i32) -> Result<Vec<(String, usize)>> {
    use super::frame;
    use crate::model::schema::col as k;
    use polars::prelude::{col, len, lit, IntoLazy};
    let no_marks = ds
        .results
        .clone()
        .lazy()
        .filter(col(k::YEAR).eq(lit(year)).and(col(k::N2).is_null()))
        .group_by([col(k::ASSESSMENT), col(k::SUBJECT), col(k::GRADE)])
        .agg([len().alias("rows")])
        .collect()?;
    let (assessments, subjects) = (
        frame::texts(&no_marks, k::ASSESSMENT)?,
        frame::texts(&no_marks, k::SUBJECT)?,
    );
    let (grades, counts) = (
        frame::ints(&no_marks, k::GRADE)?,
        frame::ints(&no_marks, "rows")?,
    );
    let mut labelled: Vec<(String, usize)> = (0..no_marks.height())
        .map(|i| {
            let label = super::procedures::proc_label_of(
                &assessments[i],
                &subjects[i],
                grades[i].unwrap_or(0) as i32,
            );
            (label, counts[i].unwrap_or(0) as usize)
        })
        .collect();
    labelled.sort();
    Ok(labelled)
}
