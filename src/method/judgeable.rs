//! The errors of a selection with nothing to judge: no result of the window, or none of the
//! selection year, has a count below the minimum (a per-pupil ВПР file without its scale, a table of
//! ЕГЭ high results only). Each names the procedures without marks and what to give.
use super::context::Context;
use anyhow::Result;

/// The error of a selection whose window holds no result with a count below the minimum: it
/// names the procedures without marks and where scales come from.
pub(super) fn nothing_to_judge(ctx: &Context, window: &[i32]) -> Result<anyhow::Error> {
    let missing = super::procedures::procedures_without_marks(&ctx.frames.results, window)?;
    let years = super::procedures::window_label(window);
    let listed = if missing.is_empty() {
        "no results in these years".to_string()
    } else {
        format!("without marks: {}", missing.join(", "))
    };
    let what = match window_kind(ctx, window)? {
        super::procedures::BelowMin::Mark2 => "marks «2»",
        k => crate::output::words::below_min_of(k),
    };
    Ok(crate::error::data(format!(
        "nothing to judge: no result in the selection window {years} has a share below the minimum ({what}); {listed}. A per-pupil ВПР file needs its primary score → mark scale: `shnor scales` lists the built-in ones, give others with `--scales FILE` (a table of ЕГЭ high results only has no share below the minimum)"
    )))
}

/// The error of a selection whose year Y has results but none with a count below the minimum,
/// while an earlier year of the window has some: stage 1 screens the results of Y, so nothing
/// would be screened and the list would be empty. Names Y's procedures without marks and the
/// latest year that can be judged (`all`: the years with results).
pub(super) fn year_not_judged(ctx: &Context, all: &[i32], year: i32) -> Result<anyhow::Error> {
    let missing = super::procedures::procedures_without_marks(&ctx.frames.results, &[year])?;
    let judged = super::procedures::years_with_marks(&ctx.frames.results, all)?;
    let latest = judged.iter().rev().find(|&&y| y < year).copied();
    let what = match window_kind(ctx, &[year])? {
        super::procedures::BelowMin::Mark2 => "marks «2»",
        k => crate::output::words::below_min_of(k),
    };
    let hint = match latest {
        Some(y) => format!("the latest year whose results have one is {y}: give --year {y}, or "),
        None => "give ".to_string(),
    };
    Ok(crate::error::data(format!(
        "nothing to judge in the selection year {year}: none of its results has a share below the minimum ({what}); without marks: {}. Stage 1 screens the selection year's results, so the list would be empty; {hint}a scale for these procedures with --scales FILE (`shnor scales` lists the built-in ones)",
        missing.join(", ")
    )))
}

/// What is below the minimum in all results of `window` (with a count below it or not): ЕГЭ
/// results have no «2» but scores below the minimum threshold ([`BelowMin::of`]).
fn window_kind(ctx: &Context, window: &[i32]) -> Result<super::procedures::BelowMin> {
    use crate::model::schema::col as k;
    use polars::prelude::{col, IntoLazy};
    let kinds = ctx
        .frames
        .results
        .clone()
        .lazy()
        .filter(super::frame::one_of(k::YEAR, window.iter().copied()))
        .select([col(k::ASSESSMENT).unique()])
        .collect()?;
    let kinds = super::frame::texts(&kinds, k::ASSESSMENT)?;
    Ok(super::procedures::BelowMin::of(
        kinds.iter().map(String::as_str),
    ))
}
