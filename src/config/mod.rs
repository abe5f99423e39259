//! The one TOML config file: every threshold of the method, with defaults, documentation and
//! validation. `DEFAULT_TOML` is the single source of the defaults (`config --print-default`).
//!
//! The sections and their keys are here; the choices (enums with their labels) in `labels`,
//! reading a file or a `--param` (with its errors in words) in `read`, the ranges and
//! combinations in `validate`.
use crate::model::domain::{Assessment, Deficit, Stratum};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod labels;
mod read;
mod validate;

pub use labels::*;

pub const DEFAULT_TOML: &str = include_str!("../config_default.toml");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub selection: Selection,
    pub stage1: Stage1,
    pub stage2: Stage2,
    pub cluster: Cluster,
    pub deficit: DeficitChoice,
    pub stage3: Stage3,
    pub objectivity: Objectivity,
    pub index: Index,
    pub resilience: Resilience,
    pub monitor: Monitor,
    pub kinds: Kinds,
    pub report: Report,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// `"latest"` or a year.
    pub year: SelectionYear,
    pub window_years: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage1 {
    pub rule: Stage1Rule,
    pub threshold: f64,
    pub min_procedures: u32,
    pub combine: Combine,
    pub min_participants: i64,
    pub bottom_share: f64,
    pub k: u32,
    pub n: u32,
    pub assessments: Vec<Assessment>,
    pub strata: Vec<Stratum>,
    pub exclude_kinds: Vec<Stratum>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage2 {
    pub min_total_participants: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    pub method: ClusterMethod,
    pub strong: f64,
    pub moderate: f64,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeficitChoice {
    pub source: DeficitSource,
    /// Which side a tie between the staffing and infrastructure scores goes to.
    pub tie: Deficit,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage3 {
    pub per_group: u32,
    pub per_municipality: u32,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistributionRule {
    pub subject: String,
    pub grade: i32,
    pub max_share2: f64,
    pub min_share5: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objectivity {
    pub policy: ObjectivityPolicy,
    pub min_journal: i64,
    pub raised_excess: f64,
    pub alpha: f64,
    pub boundary_min_pupils: i64,
    pub boundary_ratio: f64,
    pub boundary_min_at: i64,
    pub distribution: Vec<DistributionRule>,
    /// Which screen runs: the ФИОКО markers, the relative screen, or both.
    pub method: ObjectivityMethod,
    /// `inflated_mean`: t of the 95 % interval x̄ ± t·s/√n (ФИОКО: 1.96).
    pub fioko_t: f64,
    /// `cohort_drop` / `cohort_rise`: critical values Q1 − k·IQR and Q3 + k·IQR (ФИОКО: k = 3).
    pub fioko_iqr_k: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub direction: i32,
    pub weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Index {
    pub method: IndexMethod,
    pub min_coverage: f64,
    pub shnsu_groups: Vec<u32>,
    pub indicators: BTreeMap<String, Indicator>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resilience {
    pub top_quantile: f64,
    pub residual_sd: f64,
    pub quality_weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Monitor {
    pub exit_years: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kinds {
    pub small_rural_max_enrollment: f64,
}

/// `[report]`: how `shnor report` writes its folder (no figure depends on it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Deflate level of the workbook's zip parts, 1 (fastest, largest) … 9 (slowest, smallest);
    /// rust_xlsxwriter's range (`Workbook::set_zip_compression_level`, which has no 0).
    pub xlsx_zip_level: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config::parse(DEFAULT_TOML, "<default>").expect("default config is valid")
    }
}

impl Config {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("config serialises")
    }

    pub fn sha256(&self) -> String {
        let text = serde_json::to_string(&self.to_json()).unwrap();
        crate::sha256_hex(text.as_bytes())
    }
}

#[cfg(test)]
mod tests;
