//! The unit of a marks table's «2»..«5» (counts, percents or shares), decided once per file from
//! its header and, where the header says nothing, from its school rows (`flat::decide_unit`).
use super::super::flat::{decide_unit, mark_counts, MarkUnit};
use super::super::header::Header;
use super::numbers::NumView;

/// A mark column's (normalised) caption that declares counts: «2», чел., «кол-во «2»».
fn counted_caption(name: &str) -> bool {
    name.contains("чел")
        || ["кол-во", "количество", "число"]
            .iter()
            .any(|w| name.starts_with(w))
}

/// Why a file's marks under a `%` header are shares (`flat::percent_formatted`).
pub(super) const PERCENT_FORMATTED: &str = "the header of «2»..«5» says %, but every school row's marks sum to 1: fractions in cells formatted as percent";

/// The unit of the file's marks (`flat::decide_unit`) and why: the header's `%`, else the unit
/// every school row fits, else the unit of the first school row that fits one; None when no
/// school row fits any.
pub(super) fn unit_of(
    h: &Header,
    cm: &[usize; 4],
    school: &[usize],
    nums: NumView,
    line_of: impl Fn(usize) -> usize,
) -> Option<(MarkUnit, String)> {
    let header_percent = cm.iter().any(|&c| h.is_percent(c));
    // «2», чел. … : the header says counts, whatever the rows sum to
    if !header_percent && cm.iter().all(|&c| counted_caption(&h.names[c])) {
        return Some((
            MarkUnit::Counts,
            "the header of «2»..«5» says чел.".to_string(),
        ));
    }
    let rows = school.iter().map(|&r| nums.row(r));
    if let Some(u) = decide_unit(header_percent, rows) {
        let why = if header_percent && u == MarkUnit::Shares {
            PERCENT_FORMATTED.to_string()
        } else if header_percent {
            "the header of «2»..«5» says %".to_string()
        } else {
            format!("every school row holds {}", u.name())
        };
        return Some((u, why));
    }
    school.iter().find_map(|&r| {
        let (part, vals) = nums.row(r);
        let u = [MarkUnit::Counts, MarkUnit::Percents, MarkUnit::Shares]
            .into_iter()
            .find(|&u| mark_counts(part, vals, u).is_some())?;
        Some((
            u,
            format!("as its first school row, row {}, holds them", line_of(r)),
        ))
    })
}
