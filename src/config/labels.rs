//! The config's choices: each an enum whose labels are the words a config file, `--param` and
//! JSON use (`labelled!`), the list of choice keys with their allowed values, and
//! `selection.year`.
use crate::model::domain::{labelled, Deficit};
use serde::{Deserialize, Serialize};

labelled! {
    /// `stage1.rule`: the candidate rule of stage 1 (METHOD.md §1).
    Stage1Rule {
        /// Rosobrnadzor's regional control rule (Omsk 2025): rules A and B on shares of «2».
        Risk = "risk",
        /// The worst `bottom_share` of each stratum, in `k` of the last `n` years.
        Bottom = "bottom",
    }
}

labelled! {
    /// `stage1.combine`: how the risk rules A and B combine.
    Combine {
        /// A or B.
        Any = "any",
        /// A and B.
        All = "all",
    }
}

labelled! {
    /// `cluster.method`: how confirmed schools are split into the three clusters (METHOD.md §2).
    ClusterMethod {
        /// Cut-offs `cluster.strong` / `cluster.moderate` on the pooled share of «2».
        Rule = "rule",
        /// k-means, k = 3, on standardised share of «2» and quality, seeded by `cluster.seed`.
        Kmeans = "kmeans",
    }
}

labelled! {
    /// `deficit.source`: where the prevailing deficit comes from (METHOD.md §2).
    DeficitSource {
        /// The risk profile, else the registry.
        Auto = "auto",
        RiskProfile = "risk_profile",
        Registry = "registry",
    }
}

labelled! {
    /// `objectivity.policy`: what a school with doubtful objectivity gets (METHOD.md §6).
    ObjectivityPolicy {
        /// Marked; the selection is unchanged.
        Flag = "flag",
        /// Excluded at stage 2.
        Exclude = "exclude",
        /// Neither marked nor excluded.
        Ignore = "ignore",
    }
}

labelled! {
    /// `objectivity.method`: which objectivity screen runs (METHOD.md §6).
    ObjectivityMethod {
        /// ФИОКО's markers (inflated_mean, marks_mismatch, cohort_drop, cohort_rise).
        Fioko = "fioko",
        /// The project's screen relative to the region (journal comparison, boundary peak).
        Relative = "relative",
        /// Both, side by side.
        Both = "both",
    }
}

labelled! {
    /// `index.method`: how the ИСБШ is computed from the indicators (METHOD.md §4).
    IndexMethod {
        /// Weighted mean of oriented population z-scores.
        Zscore = "zscore",
        /// First principal component.
        Pca = "pca",
    }
}

/// The config keys whose value is a choice among labels, each with its allowed values (the
/// labels of its enum): what `sweep --param KEY=A,B` may list, each value checked as a config
/// file's is.
pub const CHOICE_KEYS: &[(&str, &[&str])] = &[
    ("stage1.rule", Stage1Rule::LABELS),
    ("stage1.combine", Combine::LABELS),
    ("cluster.method", ClusterMethod::LABELS),
    ("deficit.source", DeficitSource::LABELS),
    ("deficit.tie", Deficit::LABELS),
    ("objectivity.policy", ObjectivityPolicy::LABELS),
    ("objectivity.method", ObjectivityMethod::LABELS),
    ("index.method", IndexMethod::LABELS),
];

/// The allowed values of a choice key ([`CHOICE_KEYS`]), `None` for any other key.
pub fn choices(key: &str) -> Option<&'static [&'static str]> {
    CHOICE_KEYS
        .iter()
        .find(|(k, _)| *k == key.trim())
        .map(|(_, v)| *v)
}

/// `selection.year`: the selection year Y — the latest year in the results, or a given year
/// (four digits; a year the results do not hold is a data error naming the years they hold,
/// `method::select`). In TOML: `"latest"` or an integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectionYear {
    Latest,
    Year(i32),
}

impl Serialize for SelectionYear {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            SelectionYear::Latest => s.serialize_str("latest"),
            SelectionYear::Year(y) => s.serialize_i64(i64::from(*y)),
        }
    }
}

impl<'de> Deserialize<'de> for SelectionYear {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = SelectionYear;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("\"latest\" or a four-digit year")
            }
            fn visit_str<E: serde::de::Error>(
                self,
                v: &str,
            ) -> std::result::Result<Self::Value, E> {
                match v {
                    "latest" => Ok(SelectionYear::Latest),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Self::Value, E> {
                match i32::try_from(v) {
                    Ok(y) if (1000..10000).contains(&y) => Ok(SelectionYear::Year(y)),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Signed(v), &self)),
                }
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Self::Value, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(i64::MAX))
            }
        }
        d.deserialize_any(V)
    }
}
