//! The unit of a simple ОГЭ/ЕГЭ table's share columns (percents or fractions 0–1), decided once per
//! file, and whether a share is a whole number of pupils.
use super::super::flat::MarkUnit;
use super::super::header::Header;
use super::super::report::InputReport;
use super::super::table::Grid;
use super::super::text::parse_num;
use crate::model::warning::WarningCode;

/// Digits after the decimal separator of a number cell (`6,67` → 2, `12` → 0).
pub(super) fn decimals(cell: &str) -> i32 {
    let t = cell.trim().trim_end_matches('%').trim_end();
    t.rsplit_once([',', '.']).map_or(0, |(_, d)| {
        d.chars().filter(char::is_ascii_digit).count() as i32
    })
}

/// The unit of a share column, decided once per file ([`percent_column`]), and why: the
/// header's `%`, or how many rows give whole pupils in each unit (the reason a row that does not
/// fit it quotes, as the marks loader's error quotes the unit of a file's marks).
pub(super) struct ShareUnit {
    pub(super) percent: bool,
    pub(super) why: String,
}

impl ShareUnit {
    /// The unit's name as the marks loader words it (`flat::MarkUnit::name`): percents or shares.
    pub(super) fn name(percent: bool) -> &'static str {
        match percent {
            true => MarkUnit::Percents.name(),
            false => MarkUnit::Shares.name(),
        }
    }
}

/// The unit of share column `c` (percents, else fractions 0–1), decided once per file (issue 12
/// «one decision for units»): percents when its header says so (`…, %`); else the unit in which
/// every row's value is a whole number of its participants (column `cp`), within the rounding of
/// the cell's decimals; when neither fits every row, the one that fits more rows (a row that
/// fits only the other unit is then a data error, `SimpleRow::share`); percents when both fit
/// every row (a counted warning) or as many.
pub(super) fn percent_column(
    g: &Grid,
    h: &Header,
    c: usize,
    cp: usize,
    rep: &mut InputReport,
) -> ShareUnit {
    if h.is_percent(c) {
        return ShareUnit {
            percent: true,
            why: format!("the header «{}» says %", h.raw_name(c).trim()),
        };
    }
    let rows = (h.row + 1..g.rows.len()).filter_map(|r| {
        let v = parse_num(g.cell(r, c)).ok().flatten()?;
        let n = parse_num(g.cell(r, cp)).ok().flatten()?;
        Some((v, n, 0.5 * 10f64.powi(-decimals(g.cell(r, c)))))
    });
    let fits = |scale: f64| {
        rows.clone()
            .filter(|&(v, n, half)| whole_pupils(v, scale, n, half))
            .count()
    };
    let (all, pct, share) = (rows.clone().count(), fits(100.0), fits(1.0));
    if all > 0 && pct == all && share == all {
        rep.warnings
            .add(WarningCode::UnitAmbiguous, h.raw_name(c).to_string());
    }
    let percent = pct >= share;
    let why =
        format!("of its {all} rows, {pct} give whole pupils as percents and {share} as shares",);
    ShareUnit { percent, why }
}

/// Whether share `v` (in `scale`: 100 for percents, 1 for fractions) of `n` participants is a
/// whole number of pupils, within `half` (half a unit of the cell's last decimal), and no more
/// than `n`.
pub(super) fn whole_pupils(v: f64, scale: f64, n: f64, half: f64) -> bool {
    let pupils = v / scale * n;
    let tol = n * half / scale + 1e-9;
    pupils <= n + tol && (pupils - pupils.round()).abs() <= tol
}
