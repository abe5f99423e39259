//! The one TOML config file: every threshold of the method, with defaults, documentation and
//! validation. `DEFAULT_TOML` is the single source of the defaults (`config --print-default`).
use crate::error::usage;
use crate::model::domain::{labelled, Assessment, Deficit, Stratum};
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const DEFAULT_TOML: &str = include_str!("config_default.toml");

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

/// A serde error of the config as a usage error naming the key: toml reports the key path on
/// a line `in `a.b``.
fn config_error(origin: &str, e: &toml::de::Error) -> anyhow::Error {
    let text = e.to_string();
    let key = text
        .lines()
        .find_map(|l| l.strip_prefix("in `")?.strip_suffix('`'));
    let message = type_error_in_words(e.message())
        .unwrap_or_else(|| e.message().replace("unknown variant", "unknown value"));
    match key {
        Some(k) => usage(format!("{origin}: config key {k}: {message}")),
        None => usage(format!("{origin}: {message}")),
    }
}

/// serde's «invalid type: string "x", expected f64» as «expected a number, found «"x"» (text)»:
/// the expected type in words and the value found. `None` for any other message.
fn type_error_in_words(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))?;
    let (found, expected) = rest.rsplit_once(", expected ")?;
    let expected = match expected {
        "f64" | "f32" => "a number",
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number ≥ 0",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        "a string" => "a word in quotes",
        "a sequence" => "a list in brackets, e.g. [\"ovz\"]",
        "a boolean" => "true or false",
        e if e.starts_with("struct ") => "a table",
        e => e,
    };
    let found = if let Some(text) = found.strip_prefix("string ") {
        format!("«{text}» (text)")
    } else if let Some((_, v)) = found.split_once(" `") {
        format!("«{}»", v.trim_end_matches('`'))
    } else {
        match found {
            "sequence" => "a list".to_string(),
            "map" => "a table".to_string(),
            f => format!("«{f}»"),
        }
    };
    Some(format!("expected {expected}, found {found}"))
}

impl Default for Config {
    fn default() -> Self {
        Config::parse(DEFAULT_TOML, "<default>").expect("default config is valid")
    }
}

fn range(key: &str, v: f64, lo: f64, hi: f64) -> Result<()> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(())
    } else {
        Err(usage(format!(
            "config key {key} = {v}: expected a value in [{lo}, {hi}]"
        )))
    }
}

/// The usage error for a config file that is not UTF-8 (TOML is UTF-8): the first line that is not,
/// as Windows-1251 — the likely encoding of a file saved on Russian Windows — reads it.
fn not_utf8(path: &std::path::Path, bytes: &[u8]) -> anyhow::Error {
    let at = std::str::from_utf8(bytes)
        .err()
        .map_or(0, |e| e.valid_up_to());
    let start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line_no = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i);
    let (found, _, _) = encoding_rs::WINDOWS_1251.decode(&bytes[start..end]);
    let found: String = found.trim_end().chars().take(80).collect();
    usage(format!(
        "--config {}: the file is not UTF-8 (line {line_no}; likely Windows-1251, which reads it as «{found}»): a config file is TOML, UTF-8 text — save it as UTF-8",
        path.display()
    ))
}

impl Config {
    pub fn parse(text: &str, origin: &str) -> Result<Config> {
        let value: toml::Value = toml::from_str(text).map_err(|e| not_toml(origin, text, &e))?;
        Self::from_value(value, origin)
    }

    /// A user file: keys missing from it keep their defaults; unknown keys are errors.
    pub fn from_user(text: &str, origin: &str) -> Result<Config> {
        let user: toml::Value = toml::from_str(text).map_err(|e| not_toml(origin, text, &e))?;
        let mut base: toml::Value = toml::from_str(DEFAULT_TOML).expect("default TOML");
        merge(&mut base, &user, "", origin)?;
        Self::from_value(base, origin)
    }

    fn from_value(value: toml::Value, origin: &str) -> Result<Config> {
        let cfg: Config = value
            .try_into()
            .map_err(|e: toml::de::Error| config_error(origin, &e))?;
        cfg.validate()
            .map_err(|e| usage(format!("{origin}: {e}")))?;
        Ok(cfg)
    }

    pub fn load(path: Option<&std::path::Path>) -> Result<Config> {
        match path {
            None => Ok(Config::default()),
            Some(p) => {
                let bytes = std::fs::read(p)
                    .map_err(|e| usage(format!("--config {}: cannot read ({e})", p.display())))?;
                let text = String::from_utf8(bytes).map_err(|e| not_utf8(p, e.as_bytes()))?;
                Config::from_user(&text, &p.display().to_string())
            }
        }
    }

    /// Set a dotted key (`stage1.threshold`) to a TOML value given as text.
    pub fn set(&self, key: &str, raw: &str) -> Result<Config> {
        let mut v = toml::Value::try_from(self)?;
        let parsed: toml::Value = toml::from_str(&format!("x = {raw}"))
            .map(|t: toml::Table| t["x"].clone())
            .unwrap_or_else(|_| toml::Value::String(raw.to_string()));
        let mut cur = &mut v;
        let parts: Vec<&str> = key.split('.').collect();
        for (i, p) in parts.iter().enumerate() {
            let t = cur
                .as_table_mut()
                .ok_or_else(|| usage(format!("config key {key}: not a table at «{p}»")))?;
            if !t.contains_key(*p) {
                return Err(usage(format!(
                    "config key {key}: unknown key «{p}»{}",
                    did_you_mean(p, t.keys(), &parts[..i].join("."))
                )));
            }
            if i + 1 == parts.len() {
                t.insert(p.to_string(), parsed.clone());
                break;
            }
            cur = t.get_mut(*p).unwrap();
        }
        Self::from_value(v, &format!("--param {key}"))
    }

    /// Every value in its range and every combination allowed; the first key that is not, as a
    /// usage error naming the key, its value and what was expected (exit 2).
    pub fn validate(&self) -> Result<()> {
        self.validate_stage1()?;
        self.validate_selection()?;
        self.validate_context()?;
        self.validate_output()
    }

    /// Stage 1: thresholds, k of n, strata (each once, no evening).
    fn validate_stage1(&self) -> Result<()> {
        let s1 = &self.stage1;
        range("stage1.threshold", s1.threshold, 0.0, 1.0)?;
        range("stage1.bottom_share", s1.bottom_share, 0.0, 1.0)?;
        range(
            "stage1.min_procedures",
            s1.min_procedures as f64,
            1.0,
            100.0,
        )?;
        range(
            "stage1.min_participants",
            s1.min_participants as f64,
            1.0,
            1e6,
        )?;
        if s1.k == 0 || s1.n == 0 || s1.k > s1.n {
            return Err(usage(format!(
                "config keys stage1.k = {} and stage1.n = {}: expected 1 ≤ k ≤ n",
                s1.k, s1.n
            )));
        }
        if let Some((i, twice)) = s1
            .strata
            .iter()
            .enumerate()
            .find(|(i, s)| s1.strata[..*i].contains(s))
        {
            return Err(usage(format!(
                "config key stage1.strata: \"{}\" appears twice (items {} and {}): expected each stratum once, in the order a school is tried for them",
                twice.label(),
                s1.strata.iter().position(|s| s == twice).unwrap_or(0) + 1,
                i + 1
            )));
        }
        if s1.strata.contains(&Stratum::Evening) {
            return Err(usage(
                "config key stage1.strata: \"evening\" is its own stratum, not a comparison one: expected ovz, advanced, small_rural, regular",
            ));
        }
        Ok(())
    }

    /// The window, stages 2 and 3, the clusters' cut-offs.
    fn validate_selection(&self) -> Result<()> {
        range(
            "selection.window_years",
            self.selection.window_years as f64,
            1.0,
            10.0,
        )?;
        range(
            "stage2.min_total_participants",
            self.stage2.min_total_participants as f64,
            0.0,
            1e9,
        )?;
        // a list of no school per group is no selection: per_group has no «0 = none» meaning
        range("stage3.per_group", self.stage3.per_group as f64, 1.0, 1e9)?;
        let c = &self.cluster;
        range("cluster.strong", c.strong, 0.0, 1.0)?;
        range("cluster.moderate", c.moderate, 0.0, 1.0)?;
        if c.moderate >= c.strong {
            return Err(usage(format!("config keys cluster.moderate = {} and cluster.strong = {}: expected moderate < strong", c.moderate, c.strong)));
        }
        Ok(())
    }

    /// Objectivity and the ИСБШ index with its indicators.
    fn validate_context(&self) -> Result<()> {
        let o = &self.objectivity;
        range("objectivity.raised_excess", o.raised_excess, 0.0, 1.0)?;
        range("objectivity.alpha", o.alpha, 0.0, 1.0)?;
        range("objectivity.boundary_ratio", o.boundary_ratio, 0.0, 1e6)?;
        range("objectivity.fioko_t", o.fioko_t, 0.0, 10.0)?;
        range("objectivity.fioko_iqr_k", o.fioko_iqr_k, 0.0, 100.0)?;
        let i = &self.index;
        range("index.min_coverage", i.min_coverage, 0.0, 1.0)?;
        for g in &i.shnsu_groups {
            range("index.shnsu_groups", *g as f64, 1.0, 5.0)?;
        }
        for (k, ind) in &i.indicators {
            known_indicator(k)?;
            if ind.direction != 1 && ind.direction != -1 {
                return Err(usage(format!(
                    "config key index.indicators.{k}.direction = {}: expected 1 or -1",
                    ind.direction
                )));
            }
            range(
                &format!("index.indicators.{k}.weight"),
                ind.weight,
                0.0,
                1e6,
            )?;
        }
        Ok(())
    }

    /// Resilience, monitor, kinds and the report.
    fn validate_output(&self) -> Result<()> {
        range(
            "resilience.top_quantile",
            self.resilience.top_quantile,
            0.0,
            1.0,
        )?;
        range(
            "resilience.residual_sd",
            self.resilience.residual_sd,
            0.0,
            100.0,
        )?;
        range(
            "resilience.quality_weight",
            self.resilience.quality_weight,
            0.0,
            1.0,
        )?;
        range(
            "monitor.exit_years",
            self.monitor.exit_years as f64,
            1.0,
            20.0,
        )?;
        range(
            "kinds.small_rural_max_enrollment",
            self.kinds.small_rural_max_enrollment,
            0.0,
            1e6,
        )?;
        let level = self.report.xlsx_zip_level;
        if !(1..=9).contains(&level) {
            return Err(usage(format!(
                "config key report.xlsx_zip_level = {level}: expected a whole number from 1 (fastest) to 9 (smallest file)"
            )));
        }
        Ok(())
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("config serialises")
    }

    pub fn sha256(&self) -> String {
        let text = serde_json::to_string(&self.to_json()).unwrap();
        crate::sha256_hex(text.as_bytes())
    }
}

/// A config text that does not parse as TOML: the parser's message, and, when a value is written
/// with a decimal comma as Russian Excel shows numbers (`threshold = 0,30`), how TOML writes it.
fn not_toml(origin: &str, text: &str, e: &toml::de::Error) -> anyhow::Error {
    let comma = text.lines().find_map(|l| {
        let v = l.split_once('=')?.1.split('#').next()?.trim();
        let (a, b) = v.split_once(',')?;
        let digits = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
        (digits(a.trim_start_matches('-')) && digits(b)).then(|| format!("{a}.{b}"))
    });
    let hint = comma
        .map(|n| format!("\nв TOML дробные числа пишутся с точкой: {n}"))
        .unwrap_or_default();
    usage(format!("{origin}: not valid TOML: {e}{hint}"))
}

/// `index.indicators.NAME`: NAME must be one of the context indicators the loaders know
/// (`input::context::INDICATORS`); else a usage error with the near name suggested, or the list.
fn known_indicator(name: &str) -> Result<()> {
    let known: Vec<String> = crate::input::context::INDICATORS
        .iter()
        .map(|(k, _)| k.to_string())
        .collect();
    if known.iter().any(|k| k == name) {
        return Ok(());
    }
    let hint = match did_you_mean(name, known.iter(), "index.indicators") {
        h if h.is_empty() => format!("; known: {}", known.join(", ")),
        h => h,
    };
    Err(usage(format!(
        "unknown ИСБШ indicator «index.indicators.{name}»{hint}"
    )))
}

/// «; did you mean «stage1.threshold»?» when a known key of the same table is within two edits of
/// `key` (`strsim`'s Levenshtein distance), else nothing.
fn did_you_mean<'a>(key: &str, known: impl Iterator<Item = &'a String>, prefix: &str) -> String {
    known
        .map(|k| (strsim::levenshtein(key, k), k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| match prefix {
            "" => format!("; did you mean «{k}»?"),
            p => format!("; did you mean «{p}.{k}»?"),
        })
        .unwrap_or_default()
}

fn merge(base: &mut toml::Value, user: &toml::Value, prefix: &str, origin: &str) -> Result<()> {
    let (Some(bt), Some(ut)) = (base.as_table_mut(), user.as_table()) else {
        return Ok(());
    };
    for (k, v) in ut {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match bt.get_mut(k) {
            None if prefix == "index.indicators" => {
                bt.insert(k.clone(), v.clone());
            }
            None => {
                return Err(usage(format!(
                    "{origin}: unknown config key «{key}»{}",
                    did_you_mean(k, bt.keys(), prefix)
                )))
            }
            // tables merge key by key, `index.indicators` too: an indicator given updates its
            // fields and the others keep their defaults (docs/CONFIG.md)
            Some(b) if b.is_table() && v.is_table() => merge(b, v, &key, origin)?,
            Some(b) => *b = v.clone(),
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
