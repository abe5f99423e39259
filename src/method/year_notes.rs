//! The selection's notes on the years of the results: rows outside the window, the year's rows
//! without a share below the minimum and the years of the window without marks
//! ([`FrameWarnings`]), and on the judged schools whose kind, settlement or deficit is unknown.
use super::context::Context;
use super::select::SchoolResult;
use crate::input::report::Warnings;
use crate::model::domain::Settlement;
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

/// The warnings of a run that read the frames, not the judged schools: the year-Y rows without
/// a share below the minimum ([`no_marks`]) and the rows outside the window ([`outside_window`]).
pub(super) struct FrameWarnings {
    no_marks: Vec<(String, usize)>,
    outside: Warnings,
}

impl FrameWarnings {
    /// Errors: a frame without its declared columns (a bug).
    pub(super) fn new(
        ds: &Dataset,
        ctx: &Context,
        year: i32,
        window: &[i32],
    ) -> Result<FrameWarnings> {
        let mut outside = Warnings::default();
        outside_window(&ctx.frames.results, window, &mut outside)?;
        Ok(FrameWarnings {
            no_marks: no_marks(ds, year)?,
            outside,
        })
    }
    /// The warnings of a run before its clusters, in this order: the rows without a share below
    /// the minimum, [`warnings_of`] the judged schools, the years of `window` without marks (not
    /// in `judged_years`), the rows outside it.
    pub(super) fn with_schools<'j>(
        self,
        judged: impl Iterator<Item = (&'j SchoolResult, bool)>,
        (window, judged_years): (&[i32], &[i32]),
    ) -> Warnings {
        let mut warnings = Warnings::default();
        for (label, n) in self.no_marks {
            warnings.add_n(WarningCode::NoShareBelowMin, n, label);
        }
        warnings_of(judged, &mut warnings);
        for y in window.iter().filter(|y| !judged_years.contains(y)) {
            warnings.add(WarningCode::WindowWithoutMarks, y.to_string());
        }
        warnings.merge(self.outside);
        warnings
    }
}

/// The warnings of the judged schools, added to `w`: schools whose kind, settlement or deficit
/// is unknown (examples in school order). `judged` holds each school with whether its kind is
/// known.
fn warnings_of<'j>(judged: impl Iterator<Item = (&'j SchoolResult, bool)>, w: &mut Warnings) {
    for (res, kind_known) in judged {
        let confirmed = res.stage_reached == 3;
        let codes = [
            (!kind_known, WarningCode::KindUnknown),
            (
                confirmed && res.settlement == Settlement::Unknown,
                WarningCode::SettlementUnknown,
            ),
            (
                confirmed && res.deficit.is_none(),
                WarningCode::DeficitUnknown,
            ),
        ];
        if !codes.iter().any(|(on, _)| *on) {
            continue;
        }
        // a school known only by name is named by its name and municipality, not its `name:…` key
        // (named only when it is warned of: most schools are not)
        let who = crate::model::identity::example_school(&res.login, &res.name, &res.municipality);
        for (_, code) in codes.into_iter().filter(|(on, _)| *on) {
            w.add(code, who.as_str());
        }
    }
}
