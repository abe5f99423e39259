//! Empty inputs: a file of zero bytes or with no cell that is not blank — an error when named on
//! the command line, a skipped line in the load report when found in a folder.
use super::report::InputReport;
use crate::error::data;
use anyhow::Result;
use std::path::Path;

/// How a file is empty.
#[derive(Clone, Copy)]
pub(super) enum Empty {
    /// Zero bytes.
    ZeroBytes,
    /// Bytes, but no cell that is not blank.
    NoRows,
}

/// An empty file: a data error naming it when it was named (on the command line or by `--kind`);
/// else, found in a folder (a stray file beside the exports), a skipped line in `reports`.
///
/// Errors (data): `named`.
pub(super) fn empty_file(
    path: &Path,
    named: bool,
    how: Empty,
    mut rep: InputReport,
    reports: &mut Vec<InputReport>,
) -> Result<()> {
    let (says, why) = match how {
        Empty::ZeroBytes => ("the file is empty", ZERO_BYTES),
        Empty::NoRows => ("the file has no rows", NO_ROWS),
    };
    if named {
        return Err(data(format!(
            "{}: {says}; expected a table with a header row",
            path.display()
        )));
    }
    rep.kind = "skipped".into();
    rep.skipped = Some(why.into());
    reports.push(rep);
    Ok(())
}

/// Why a file of zero bytes in a folder was skipped (its load report's `skipped`).
pub(super) const ZERO_BYTES: &str = "пустой файл (0 байт)";
/// Why a file without a non-blank cell in a folder was skipped (its load report's `skipped`).
pub(super) const NO_ROWS: &str = "файл без строк";

/// Whether the file has zero bytes.
pub(super) fn is_zero_bytes(path: &Path) -> bool {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) == 0
}
