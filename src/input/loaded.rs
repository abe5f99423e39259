//! What a loaded sheet tells beside its rows, whatever its kind: its layout's warnings (repeated
//! columns, a hidden sheet, ranges merged down a column, an xlsx sheet's hidden rows, unsaved
//! formulas and repeated addresses) and checks on the results it gave (`load_sheet`).
use super::report::InputReport;
use super::{hidden_rows, recognise, Sheet};
use crate::model::warning::WarningCode;
use anyhow::Result;

/// What a loaded sheet's layout tells, whatever its kind: repeated columns, a hidden sheet, the
/// ranges merged down a column that were filled, an xlsx sheet's hidden rows, unsaved formulas and
/// repeated addresses (`hidden_rows::report`): counted warnings in `rep`.
///
/// Errors: a repeated column the loader cannot tell apart (data); the workbook's parts unreadable.
pub(super) fn sheet_warnings(s: &Sheet, rep: &mut InputReport) -> Result<()> {
    recognise::repeated_columns(s, rep)?;
    if s.grid.hidden_sheet {
        let sheet = s.grid.sheet.as_deref().unwrap_or_default();
        rep.warnings
            .add(WarningCode::HiddenSheetLoaded, format!("лист «{sheet}»"));
    }
    let merged = &s.grid.merged_filled;
    let shown: Vec<&str> = merged.iter().take(5).map(String::as_str).collect();
    rep.warnings.add_n(
        WarningCode::MergedCellsFilled,
        merged.len(),
        shown.join(", "),
    );
    hidden_rows::report(
        &s.path,
        s.grid.sheet.as_deref(),
        s.grid.xml_scan.as_ref(),
        s.grid.line_of(s.header.row) as u32,
        &s.header.raw,
        rep,
    )
}

/// Some row of the sheet's results frames names its subject and has a count below the minimum or
/// of high results: the table contributes to a procedure.
pub(super) fn contributes(parts: &[polars::prelude::DataFrame]) -> Result<bool> {
    use crate::model::schema::col as k;
    use polars::prelude::*;
    any_row(
        parts,
        col(k::SUBJECT)
            .neq(lit(""))
            .and(col(k::N2).is_not_null().or(col(k::HIGH).is_not_null())),
    )
}

/// Some row of the sheet's results frames is of the ВПР with no grade (0): a ВПР procedure is a
/// subject in a grade, and grade 0 is no procedure (ОГЭ and ЕГЭ rows have none).
pub(super) fn vpr_without_grade(parts: &[polars::prelude::DataFrame]) -> Result<bool> {
    use crate::model::schema::col as k;
    use polars::prelude::*;
    any_row(
        parts,
        col(k::ASSESSMENT)
            .eq(lit("ВПР"))
            .and(col(k::GRADE).eq(lit(0)).or(col(k::GRADE).is_null())),
    )
}

/// Whether a row of any of `parts` meets `predicate` (a boolean expression on their columns).
fn any_row(parts: &[polars::prelude::DataFrame], predicate: polars::prelude::Expr) -> Result<bool> {
    use polars::prelude::*;
    for p in parts {
        let n = p
            .clone()
            .lazy()
            .filter(predicate.clone())
            .select([len()])
            .collect()?;
        if n.column("len")?.get(0)?.extract::<u64>().unwrap_or(0) > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}
