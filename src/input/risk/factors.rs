//! Factor names a risk table misspells: the nearest of `RISK_FACTORS`, for the long table's error
//! and the wide table's warning.
use super::super::header::{self, Header};
use super::super::report::InputReport;
use crate::model::risk_factor;
use crate::model::warning::WarningCode;

/// The factor of `RISK_FACTORS` nearest to `text` (case and ё/е folded): Levenshtein similarity
/// 0.75 or more (`strsim`, as the registry's near-miss indicator columns), else `None`.
fn nearest_factor(text: &str) -> Option<&'static str> {
    let t = super::super::text::norm_text(text);
    crate::model::RISK_FACTORS
        .iter()
        .map(|f| {
            (
                strsim::normalized_levenshtein(&t, &super::super::text::norm_text(f)),
                *f,
            )
        })
        .filter(|(sim, _)| *sim >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, f)| f)
}

/// The error text of a factor cell that is none of `RISK_FACTORS`, with the nearest one.
pub(super) fn unknown_factor(text: &str) -> String {
    let near = nearest_factor(text)
        .map(|f| format!(" (ближе всего: «{f}»)"))
        .unwrap_or_default();
    format!(
        "unknown risk factor «{text}»{near}: expected one of the ten factors of the ФИС ОКО risk profile ({})",
        crate::model::RISK_FACTORS.join("; ")
    )
}

/// A wide table's columns that are no factor but read as a misspelt one (`nearest_factor`): a
/// counted warning each, naming the column and the factor — its levels are not read (fresh-eyes
/// run 11, #2: such a column was dropped without a word and the factor printed as 0 / 0 / 0).
/// When the table gives fewer than the ten factors, its other columns (neither login, year nor a
/// near miss) are named too, in one warning: one of them may be a factor worded otherwise (run 12).
pub(super) fn note_near_factor_columns(h: &Header, rep: &mut InputReport) {
    let keys = [h.find(header::LOGIN), h.find(header::YEAR)];
    let given = h.raw.iter().filter(|r| risk_factor(r).is_some()).count();
    let mut unread = Vec::new();
    for (c, raw) in h.raw.iter().enumerate() {
        if risk_factor(raw).is_some() || keys.contains(&Some(c)) || raw.trim().is_empty() {
            continue;
        }
        match nearest_factor(raw) {
            Some(f) => rep.warnings.add(
                WarningCode::RiskColumnNotFactor,
                format!("«{}» (ближе всего: «{f}»)", raw.trim()),
            ),
            None => unread.push(format!("«{}»", raw.trim())),
        }
    }
    if given < crate::model::RISK_FACTORS.len() && !unread.is_empty() {
        rep.warnings
            .add(WarningCode::RiskColumnsNotRead, unread.join(", "));
    }
}
