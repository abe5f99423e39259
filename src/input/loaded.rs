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

/// The rows of a marks sheet's results frames (`parts`) that are of the ВПР with no grade (0): a
/// ВПР procedure is a subject in a grade, and grade 0 is none (ОГЭ and ЕГЭ rows have no grade;
/// fresh-eyes run 16: such rows took part as «ВПР … 0 кл.» without a word). With a «Класс» column,
/// its empty cell is the row's error (`--lenient`: the rows dropped, counted); without one, the
/// table's.
///
/// Errors (data): the first such row, naming its line and the «Класс» column; or the table, when it
/// has no «Класс» column and neither its title, its name nor `--grade` gives a grade.
pub(super) fn vpr_without_grade(
    s: &Sheet,
    parts: &mut [polars::prelude::DataFrame],
    opts: &super::Opts,
    rep: &mut InputReport,
) -> Result<()> {
    use crate::model::schema::col as k;
    use polars::prelude::*;
    let bad = col(k::ASSESSMENT)
        .eq(lit("ВПР"))
        .and(col(k::GRADE).eq(lit(0)).or(col(k::GRADE).is_null()));
    let mut lines: Vec<u32> = Vec::new();
    for p in parts.iter() {
        let found = p
            .clone()
            .lazy()
            .filter(bad.clone())
            .select([col(k::LINE)])
            .collect()?;
        lines.extend(found.column(k::LINE)?.u32()?.into_no_null_iter());
    }
    let Some(&first) = lines.iter().min() else {
        return Ok(());
    };
    let loc = crate::error::Loc {
        file: s.path.display().to_string(),
        sheet: s
            .grid
            .sheet
            .clone()
            .filter(|_| super::table::is_spreadsheet(&s.path)),
        row: first as usize,
    };
    let Some(c) = s.header.find(super::header::GRADE) else {
        let sheet = loc.sheet.as_ref().map(|s| format!(" [лист «{s}»]"));
        return Err(crate::error::data(format!(
            "{}{}: ВПР results without a grade: the table has no «Класс» column and neither its title, its file name nor --grade names one; expected a «Класс» column or --grade 4…11",
            loc.file,
            sheet.unwrap_or_default()
        )));
    };
    let err = crate::error::data_err(
        &loc,
        s.header.raw_name(c),
        "a ВПР result without a grade (the cell is empty): expected a grade 4…11",
    );
    if !opts.lenient {
        return Err(err);
    }
    rep.warnings
        .add_n(WarningCode::RowSkippedLenient, lines.len(), err.to_string());
    for p in parts.iter_mut() {
        let dropped = (p.clone().lazy())
            .filter(bad.clone())
            .select([col(k::PARTICIPANTS).sum()])
            .collect()?;
        let n = dropped.column(k::PARTICIPANTS)?.get(0)?.extract::<u64>();
        if let Some(total) = rep.participants.as_mut() {
            *total = total.saturating_sub(n.unwrap_or(0) as usize);
        }
        *p = p.clone().lazy().filter(bad.clone().not()).collect()?;
    }
    rep.rows = rep.rows.saturating_sub(lines.len());
    Ok(())
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
