//! What a folder's skipped tables come to beside the results: each named in the load warnings
//! (without a school key, unrecognised, empty, a header only).
use super::recognise::{EMPTY_TABLE, UNRECOGNISED};
use super::report::{InputReport, Warnings};
use super::NO_SCHOOL_KEY;
use crate::model::warning::WarningCode;

/// The load warnings for tables skipped in a folder (`reports`): one without a school key, one
/// of which no sheet has a header shnor knows (a `.csv`/`.xlsx`/`.xls`, by sheet), and an empty
/// or blank one (a `.csv`/`.xlsx`/`.xls`), a table with a header and no rows below it in a file
/// of which nothing loaded — said beside the results, not only in `inspect`.
pub(super) fn warn_skipped(reports: &[InputReport], warnings: &mut Warnings) {
    // files of which some sheet loaded: a header-only sheet beside it is an instruction or a
    // template sheet, not a missing table
    let loaded: std::collections::HashSet<&str> = reports
        .iter()
        .filter(|r| r.skipped.is_none())
        .map(|r| r.path.as_str())
        .collect();
    for r in reports {
        match r.skipped.as_deref() {
            Some(w) if w.starts_with(NO_SCHOOL_KEY) => {
                warnings.add(WarningCode::ResultsWithoutSchoolKey, r.path.clone())
            }
            Some(w) if w == UNRECOGNISED && is_table_file(&r.path) => warnings.add(
                WarningCode::TableNotRecognised,
                match &r.sheet {
                    Some(sheet) => format!("{}, лист «{sheet}»", r.path),
                    None => r.path.clone(),
                },
            ),
            Some(w)
                if w.starts_with(EMPTY_TABLE)
                    && !loaded.contains(r.path.as_str())
                    && is_table_file(&r.path) =>
            {
                let place = super::table::place(&r.path, &r.sheet);
                warnings.add(WarningCode::EmptyTableSkipped, format!("{place}: {w}"))
            }
            Some(w @ (super::empty::ZERO_BYTES | super::empty::NO_ROWS))
                if is_table_file(&r.path) =>
            {
                warnings.add(WarningCode::EmptyFileSkipped, format!("{}: {w}", r.path))
            }
            _ => {}
        }
    }
}

/// Whether `path` is named as a table (.csv, .xlsx, .xls, any case): a text file beside the
/// tables (LICENSE.txt, links.txt) that is skipped is not worth a warning.
fn is_table_file(path: &str) -> bool {
    let ext = std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase);
    matches!(ext.as_deref(), Some("csv" | "xlsx" | "xls"))
}
