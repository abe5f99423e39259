//! CSV records that do not fit their header: a truncated line (fewer fields) or a value beyond the
//! header's last column (more fields) — a data error naming file, row and counts, or with
//! `--lenient` a skipped row with a counted warning.
use super::flat;
use super::header::Header;
use super::report::InputReport;
use super::table::Grid;
use super::Opts;
use crate::error::data;
use anyhow::Result;

/// A CSV record below the header with fewer fields than the header names (a truncated line) is a
/// data error naming its row and the first column it lacks — it is not an aggregate row; one with
/// a value beyond the header's last column (`too_wide`) is a data error too; with
/// `--lenient` the row is skipped with a counted warning. Rows `start..` of `g`; spreadsheets (no
/// field counts) pass.
pub(crate) fn drop_truncated(
    g: &mut Grid,
    h: &Header,
    start: usize,
    opts: &Opts,
    rep: &mut InputReport,
) -> Result<()> {
    let width = h.raw.len();
    for r in start..g.rows.len().min(g.fields.len()) {
        let n = g.fields[r] as usize;
        if n < width && g.rows[r].iter().any(|c| !c.trim().is_empty()) {
            let err = crate::error::data_err(
                &g.loc(r),
                h.raw_name(n),
                format!("the record has {n} fields where the header has {width}: a truncated line; expected a value or an empty field for every column"),
            );
            flat::row_error(opts, rep, err)?;
            g.rows[r].clear();
        }
    }
    for r in start..g.rows.len() {
        // trailing empty fields are trimmed: a longer row has a value beyond the header
        if g.rows[r].len() > width {
            let err = too_wide(g, r, width);
            flat::row_error(opts, rep, err)?;
            g.rows[r].clear();
        }
    }
    Ok(())
}

/// The error for a CSV record with a value beyond the header's last column: a separator inside an
/// unquoted value (a comma in a school name), or decimal commas in a comma-separated file.
fn too_wide(g: &Grid, r: usize, width: usize) -> anyhow::Error {
    let sep = g.separator.map_or(';', char::from);
    let text: String = g.rows[r].join(&sep.to_string()).chars().take(100).collect();
    let decimal = if sep == ',' {
        ", or decimal commas (0,5) in a file separated by «,» (save it with «;» as the separator)"
    } else {
        ""
    };
    data(format!(
        "{}: the record has {} fields where the header has {width}: expected {width} fields, found «{text}»; a separator inside an unquoted value? (a «{sep}» in a school name: put the value in double quotes){decimal}",
        g.loc(r),
        g.rows[r].len(),
    ))
}
