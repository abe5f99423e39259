//! Checking the config: every value in its range, every combination allowed, every index
//! indicator known; the first that is not is a usage error naming the key.
use super::read::did_you_mean;
use super::Config;
use crate::error::usage;
use crate::model::domain::Stratum;
use anyhow::Result;

/// The grades the ВПР is written in (4–8; 10–11 in the years it was held there; grade 9 writes
/// the ОГЭ), for `objectivity.distribution`.
const VPR_GRADES: [i32; 7] = [4, 5, 6, 7, 8, 10, 11];

/// `v` strictly inside (lo, hi), or at an end allowed (`lo_in`, `hi_in`): an end excluded is a
/// value at which the rule it sets is empty (or takes every school); `why` says so in the error.
fn open_range(
    key: &str,
    v: f64,
    (lo, lo_in): (f64, bool),
    (hi, hi_in): (f64, bool),
    why: &str,
) -> Result<()> {
    let above = v > lo || (lo_in && v == lo);
    let below = v < hi || (hi_in && v == hi);
    if v.is_finite() && above && below {
        return Ok(());
    }
    Err(usage(format!(
        "config key {key} = {v}: expected a value in {}{lo}, {hi}{} ({why})",
        if lo_in { '[' } else { '(' },
        if hi_in { ']' } else { ')' }
    )))
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

impl Config {
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
        open_range(
            "stage1.threshold",
            s1.threshold,
            (0.0, false),
            (1.0, true),
            "at 0 every procedure fires, whatever its share of «2»",
        )?;
        open_range(
            "stage1.bottom_share",
            s1.bottom_share,
            (0.0, false),
            (1.0, true),
            "at 0 no school is in the bottom group",
        )?;
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
        open_range(
            "cluster.moderate",
            c.moderate,
            (0.0, false),
            (1.0, true),
            "at 0 the «базово неуспевающие» cluster is empty",
        )?;
        if c.moderate >= c.strong {
            return Err(usage(format!("config keys cluster.moderate = {} and cluster.strong = {}: expected moderate < strong", c.moderate, c.strong)));
        }
        Ok(())
    }

    /// Objectivity and the ИСБШ index with its indicators.
    fn validate_context(&self) -> Result<()> {
        let o = &self.objectivity;
        open_range(
            "objectivity.raised_excess",
            o.raised_excess,
            (0.0, true),
            (1.0, false),
            "at 1 no school can exceed the region by it",
        )?;
        open_range(
            "objectivity.alpha",
            o.alpha,
            (0.0, false),
            (1.0, true),
            "at 0 no probability is below it",
        )?;
        open_range(
            "objectivity.boundary_ratio",
            o.boundary_ratio,
            (0.0, false),
            (1e6, true),
            "at 0 every school checked has a boundary peak",
        )?;
        open_range(
            "objectivity.fioko_t",
            o.fioko_t,
            (0.0, false),
            (10.0, true),
            "at 0 the interval is the region's mean alone: every school above it is marked",
        )?;
        open_range(
            "objectivity.fioko_iqr_k",
            o.fioko_iqr_k,
            (0.0, false),
            (100.0, true),
            "at 0 the critical values are the quartiles: a quarter of the schools is past each",
        )?;
        for (key, v) in [
            ("objectivity.min_journal", o.min_journal),
            ("objectivity.boundary_min_pupils", o.boundary_min_pupils),
            ("objectivity.boundary_min_at", o.boundary_min_at),
        ] {
            range(key, v as f64, 0.0, 1e9)?;
        }
        let i = &self.index;
        open_range(
            "index.min_coverage",
            i.min_coverage,
            (0.0, false),
            (1.0, true),
            "at 0 a school with no indicator would get an index",
        )?;
        if i.shnsu_groups.is_empty() {
            return Err(usage(
                "config key index.shnsu_groups = []: expected one or more of the groups 1–5 (1 the least favourable); with none no school is ever ШНСУ",
            ));
        }
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
        if i.indicators.values().all(|ind| ind.weight == 0.0) {
            return Err(usage(format!(
                "config key index.indicators: every weight is 0 ({}): expected at least one indicator with weight > 0, else no school gets an index",
                i.indicators.keys().map(|k| format!("{k}.weight")).collect::<Vec<_>>().join(", ")
            )));
        }
        self.validate_distribution()
    }

    /// `objectivity.distribution`: each rule's subject known (`input::text::subject`), its grade
    /// one the ВПР is written in (4–8, 10–11; the rules read ВПР rows only), its shares fractions.
    fn validate_distribution(&self) -> Result<()> {
        for (n, rule) in self.objectivity.distribution.iter().enumerate() {
            let entry = format!("objectivity.distribution[{}]", n + 1);
            if crate::input::text::subject(&rule.subject).is_none() {
                return Err(usage(format!(
                    "config key {entry}.subject = «{}»: not a subject shnor knows; known: {}",
                    rule.subject,
                    crate::input::text::subject_names().join(", ")
                )));
            }
            if !VPR_GRADES.contains(&rule.grade) {
                return Err(usage(format!(
                    "config key {entry}.grade = {}: expected a grade the ВПР is written in: 4–8, 10–11",
                    rule.grade
                )));
            }
            range(&format!("{entry}.max_share2"), rule.max_share2, 0.0, 1.0)?;
            range(&format!("{entry}.min_share5"), rule.min_share5, 0.0, 1.0)?;
        }
        Ok(())
    }

    /// Resilience, monitor, kinds and the report.
    fn validate_output(&self) -> Result<()> {
        open_range(
            "resilience.top_quantile",
            self.resilience.top_quantile,
            (0.0, false),
            (1.0, false),
            "at 0 every school is in the top, at 1 only the region's best one",
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
}

/// `index.indicators.NAME`: NAME must be one of the context indicators the loaders know
/// (`input::context::INDICATORS`); else a usage error with the near name suggested, or the list.
pub(super) fn known_indicator(name: &str) -> Result<()> {
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
