//! Load reports: one per input, with summarised warnings (counts and first examples).
use crate::model::warning::WarningCode;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Serialize)]
pub struct WarnEntry {
    pub count: usize,
    pub examples: Vec<String>,
}

/// Warnings grouped by code, never one line per row. JSON: an object keyed by each code's stable
/// key (`WarningCode::key`), in key order; people read the codes' Russian labels (`summary`).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct Warnings(pub BTreeMap<WarningCode, WarnEntry>);

impl Warnings {
    /// Count one case of `code`; `example` (empty: none) is kept among the first three.
    pub fn add(&mut self, code: WarningCode, example: impl Into<String>) {
        self.add_n(code, 1, example);
    }
    /// Count `n` cases of `code` (none when 0); `example` (empty: none) is kept among the first
    /// three, so a summary never reads «(напр. )».
    pub fn add_n(&mut self, code: WarningCode, n: usize, example: impl Into<String>) {
        if n == 0 {
            return;
        }
        let e = self.0.entry(code).or_default();
        e.count += n;
        let example = example.into();
        if e.examples.len() < 3 && !example.is_empty() {
            e.examples.push(example);
        }
    }
    /// Add `other`'s counts and examples after this one's (as if they had been added here in order).
    pub fn merge(&mut self, other: Warnings) {
        for (k, e) in other.0 {
            let mine = self.0.entry(k).or_default();
            mine.count += e.count;
            let room = 3usize.saturating_sub(mine.examples.len());
            mine.examples.extend(e.examples.into_iter().take(room));
        }
    }
    pub fn total(&self) -> usize {
        self.0.values().map(|e| e.count).sum()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// For people: `label: count (напр. example; example)` per code, joined by « | », in key order.
    pub fn summary(&self) -> String {
        self.0
            .iter()
            .map(|(k, e)| {
                let label = k.label();
                if e.examples.is_empty() {
                    format!("{label}: {}", e.count)
                } else {
                    format!("{label}: {} (напр. {})", e.count, e.examples.join("; "))
                }
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

/// What one input held.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InputReport {
    pub path: String,
    pub sheet: Option<String>,
    pub sha256: String,
    pub kind: String,
    pub encoding: Option<String>,
    pub year: Option<i32>,
    pub years: Vec<i32>,
    pub grade: Option<i32>,
    pub subject: Option<String>,
    pub assessment: Option<String>,
    pub rows: usize,
    pub schools: usize,
    /// Rows per year, where a file spans several years.
    pub per_year: BTreeMap<i32, usize>,
    /// Per-pupil files only.
    pub pupils: Option<PupilStats>,
    /// Aggregated results tables without pupils (`gia-summary`, `gia`): the participants of the
    /// school rows loaded, summed over subjects (a pupil once per subject sat; reference rows not counted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participants: Option<usize>,
    pub skipped: Option<String>,
    pub warnings: Warnings,
    /// Context tables: the indicator columns matched to no index indicator (`ses5 «wording»`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmatched: Vec<String>,
    /// A school's protocol that is one of several of its school and procedure (its classes): every
    /// one of them, `file [лист «…»]` in path order, whose pupils together make the school's
    /// result (this report's own figures are its own pupils').
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub joined: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PupilStats {
    pub participants: usize,
    pub absent: usize,
    pub invalid_totals: usize,
    pub above_max: usize,
    pub non_numeric_totals: usize,
    pub no_journal_mark: usize,
    pub totals_from_items: usize,
    pub schools_with_participants: usize,
    pub marks_computed: bool,
    pub max_score: Option<i32>,
    pub marks: [usize; 4],
}

#[cfg(test)]
mod tests {
    use super::Warnings;
    use crate::model::warning::WarningCode as W;

    #[test]
    fn an_empty_example_is_no_example() {
        let mut w = Warnings::default();
        w.add_n(W::JournalRowsRepeated, 4, "");
        w.add(W::KindUnknown, "");
        assert_eq!(
            w.summary(),
            "полностью повторяющиеся строки журнала отброшены: 4 | вид школы неизвестен: считается обычной: 1"
        );
        w.add(W::KindUnknown, "edu220001");
        assert_eq!(w.0[&W::KindUnknown].examples, ["edu220001"]);
        assert_eq!(
            w.summary(),
            "полностью повторяющиеся строки журнала отброшены: 4 | вид школы неизвестен: считается обычной: 2 (напр. edu220001)"
        );
    }

    #[test]
    fn json_is_keyed_by_the_stable_key_in_key_order() {
        let mut w = Warnings::default();
        w.add(W::KindUnknown, "edu1");
        w.add(W::CodesMatched, "gia:1 → edu1");
        w.add(W::CountsFromPercents, "строка 3");
        assert_eq!(
            serde_json::to_string(&w).unwrap(),
            r#"{"counts reconstructed from percents":{"count":1,"examples":["строка 3"]},"school kind unknown: treated as regular":{"count":1,"examples":["edu1"]},"ГИА / ИНН / ОГРН codes matched to logins":{"count":1,"examples":["gia:1 → edu1"]}}"#
        );
    }
}
