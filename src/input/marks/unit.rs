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
            // fresh-eyes run 14: «its first school row, row 3» where row 2 was the first school
            // row (one fitting no unit)
            format!(
                "as row {}, the first school row whose marks fit a unit, holds them",
                line_of(r)
            ),
        ))
    })
}

/// The marks, in the order of a table's «2»..«5» columns.
const MARKS: [&str; 4] = ["2", "3", "4", "5"];

/// The percent columns a marks header gives beside its counts («2», чел. | «2», %): for each mark
/// the column other than its count column `cm` whose caption is the mark's and says `%`; `None`
/// unless the counts are counted by their captions and all four percents are there.
fn percents_beside(h: &Header, cm: &[usize; 4]) -> Option<[usize; 4]> {
    if !cm.iter().all(|&c| counted_caption(&h.names[c])) {
        return None;
    }
    let pct = |i: usize| {
        let m = MARKS[i];
        let names = [
            m.to_string(),
            format!("«{m}»"),
            format!("доля «{m}»"),
            format!("доля {m}"),
        ];
        (0..h.names.len()).find(|&c| c != cm[i] && h.is_percent(c) && names.contains(&h.names[c]))
    };
    Some([pct(0)?, pct(1)?, pct(2)?, pct(3)?])
}

/// How far (percentage points) a «2», % cell may be from its count's share of the participants:
/// the rounding of a whole percent and then some.
const PERCENT_SLACK: f64 = 1.0;

/// Each row of a marks table with counts and percents side by side whose percents contradict
/// its counts by more than [`PERCENT_SLACK`]: what each says, for a counted warning (`column(c)`:
/// column `c`'s cells of the rows as numbers, read only when the header has both; `line_of(r)`:
/// row `r`'s file line). The counts are read; the percents only told apart.
pub(super) fn percents_contradicting(
    h: &Header,
    cm: &[usize; 4],
    line_of: impl Fn(usize) -> usize,
    column: impl Fn(usize) -> Vec<Option<f64>>,
) -> Vec<String> {
    let (Some(pct), Some(cp)) = (
        percents_beside(h, cm),
        h.find(super::super::header::PARTICIPANTS),
    ) else {
        return Vec::new();
    };
    let (part, counts, pcts) = (column(cp), cm.map(&column), pct.map(&column));
    let mut out = Vec::new();
    for (r, part) in part.iter().enumerate() {
        let Some(part) = part.filter(|&p| p > 0.0) else {
            continue;
        };
        let differ = (0..4).find_map(|i| {
            let (n, p) = (counts[i][r]?, pcts[i][r]?);
            ((n / part * 100.0 - p).abs() > PERCENT_SLACK).then_some((i, n, p))
        });
        if let Some((i, n, p)) = differ {
            let m = MARKS[i];
            let comma = |x: f64| x.to_string().replace('.', ",");
            out.push(format!(
                "строка {}: «{m}» {n} из {part} = {} %, в столбце «{}» — {}",
                line_of(r),
                comma((n / part * 1000.0).round() / 10.0),
                h.raw_name(pct[i]).trim(),
                comma(p)
            ));
        }
    }
    out
}
