//! What a marks table's load checks and counts beside its rows: its participants, a «Год» column
//! that disagrees with the title or file name, percents that contradict the counts beside them.
use super::super::flat::mark_columns;
use super::super::header::Header;
use super::super::report::InputReport;
use super::super::table::TextFrame;
use super::super::text::parse_num;
use super::super::{Meta, Opts};
use super::keys::KeyCols;
use super::unit;
use crate::model::schema::col as k;
use crate::model::warning::WarningCode;
use polars::prelude::*;

/// The participants of a `results` frame's rows (0 for a frame without the column).
pub(super) fn frame_participants(frame: &DataFrame) -> usize {
    frame
        .column(k::PARTICIPANTS)
        .ok()
        .and_then(|c| c.as_materialized_series().sum::<i64>().ok())
        .map_or(0, |n| n.max(0) as usize)
}

/// Add `n` to the participants a table's load report counts (`inspect`'s «Участников»).
pub(in crate::input) fn add_participants(rep: &mut InputReport, n: usize) {
    rep.participants = Some(rep.participants.unwrap_or(0) + n);
}

/// The years of a table's «Год» column when its title or file name (`meta.year`, not from
/// `--file-year`, which has its own warning) names a year no row of the column has: both named,
/// the column read (fresh-eyes run 9: name, sheet and title said 2024, the column 2025, unsaid).
pub(super) fn year_column_differs(
    h: &Header,
    keys: &KeyCols,
    meta: &Meta,
    opts: &Opts,
) -> Option<String> {
    let c = super::super::flat::keys(h).year?;
    if meta.year == 0 || opts.year == Some(meta.year) {
        return None;
    }
    let mut years: Vec<i32> = keys.year.values.iter().flatten().copied().collect();
    years.sort_unstable();
    years.dedup();
    (!years.is_empty() && !years.contains(&meta.year)).then(|| {
        let years: Vec<String> = years.iter().map(i32::to_string).collect();
        format!(
            "столбец «{}»: {}; заголовок листа или имя файла: {}",
            h.raw_name(c).trim(),
            years.join(", "),
            meta.year
        )
    })
}

/// The rows of `f` whose «2», % cells contradict their «2», чел. counts
/// (`unit::percents_contradicting`), counted in `rep` (the counts are read).
pub(super) fn note_contradicting_percents(f: &TextFrame, h: &Header, rep: &mut InputReport) {
    let Some(cm) = mark_columns(h) else {
        return;
    };
    let first = h.row + 1;
    let column = |c: usize| -> Vec<Option<f64>> {
        match f.int_col(c, first) {
            Some(ca) => ca.iter().map(|v| v.map(f64::from)).collect(),
            None => f
                .text_col(c, first)
                .iter()
                .map(|v| v.and_then(|s| parse_num(s).ok().flatten()))
                .collect(),
        }
    };
    let line_of = |r: usize| f.line_of(first + r);
    for w in unit::percents_contradicting(h, &cm, line_of, column) {
        rep.warnings.add(WarningCode::CountsPercentsDisagree, w);
    }
}
