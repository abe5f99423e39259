//! Rows of a simple ОГЭ/ЕГЭ table that hold no school result: the header's column numbers, a
//! school row of no figure.
use super::super::table::Grid;
use super::SimpleCols;

/// Whether row `r` gives no figure: its participants and every figure column it has are empty or
/// a dash.
pub(super) fn no_figure(g: &Grid, r: usize, c: &SimpleCols) -> bool {
    let blank = |x: usize| matches!(g.cell(r, x).trim(), "" | "-" | "–" | "—");
    std::iter::once(Some(c.cp))
        .chain([c.cmean, c.cb, c.cb_count, c.c5])
        .flatten()
        .all(blank)
}

/// Whether a row is the header's column numbers (`1 2 3 … k`, k ≥ 3, each non-empty cell the next
/// whole number from 1), as official forms print under their captions (fresh-eyes run 12: such a
/// row was read as a school of code 1).
pub(super) fn column_numbers(row: &[String]) -> bool {
    let cells: Vec<&str> = row
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    cells.len() >= 3
        && cells
            .iter()
            .zip(1u32..)
            .all(|(c, n)| c.trim_end_matches('.').parse::<u32>() == Ok(n))
}
