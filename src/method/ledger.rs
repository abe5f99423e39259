//! The per-school ledger: each rule with the numbers it saw, the threshold and the outcome.
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Entry {
    pub stage: u8,
    pub rule: String,
    pub numbers: Map<String, Value>,
    pub threshold: Value,
    pub outcome: String,
    /// The same in words (Russian), for `explain`.
    pub text: String,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(transparent)]
pub struct Ledger(pub Vec<Entry>);

impl Ledger {
    pub fn push(
        &mut self,
        stage: u8,
        rule: &str,
        numbers: Value,
        threshold: Value,
        outcome: &str,
        text: String,
    ) {
        let numbers = match numbers {
            Value::Object(m) => m,
            other => {
                let mut m = Map::new();
                m.insert("value".into(), other);
                m
            }
        };
        self.0.push(Entry {
            stage,
            rule: rule.into(),
            numbers,
            threshold,
            outcome: outcome.into(),
            text,
        });
    }
}

/// `led.push(…)` when the run keeps ledgers; otherwise the numbers and words are not even built
/// (a sweep needs only who is selected).
macro_rules! note {
    ($keep:expr, $led:expr, $($arg:expr),+ $(,)?) => {
        if $keep {
            $led.push($($arg),+);
        }
    };
}
pub(crate) use note;
