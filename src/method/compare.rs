//! Municipal vs regional comparison (METHOD.md §7, §10): shares, Wilson intervals, two-proportion
//! z-tests against the rest of the region, and the `bottom` cut within municipality vs region.
use super::bottom::bottom_flags;
use super::select::by_school;
use crate::config::Config;
use crate::input::text::region_of;
use crate::model::identity::municipality_id;
use crate::model::Dataset;
use crate::output::r6;
use crate::stats::{wilson, Z95};
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};
use std::collections::{BTreeMap, BTreeSet};

/// A procedure filter `ASSESSMENT:SUBJECT[:GRADE]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ProcSpec {
    pub assessment: String,
    pub subject: String,
    pub grade: Option<i32>,
}

impl ProcSpec {
    pub fn parse(s: &str) -> Result<ProcSpec, String> {
        let parts: Vec<&str> = s.split(':').collect();
        if parts.len() < 2 || parts.len() > 3 {
            return Err(format!(
                "--procedure {s}: expected ASSESSMENT:SUBJECT[:GRADE], e.g. ОГЭ:математика:9"
            ));
        }
        let assessment = parts[0].trim().to_uppercase();
        if !["ВПР", "ОГЭ", "ЕГЭ"].contains(&assessment.as_str()) {
            return Err(format!(
                "--procedure {s}: assessment «{}» is not ВПР, ОГЭ or ЕГЭ",
                parts[0]
            ));
        }
        let subject = crate::input::text::subject(parts[1])
            .ok_or_else(|| format!("--procedure {s}: unknown subject «{}»", parts[1]))?;
        let grade = match parts.get(2) {
            Some(g) => Some(
                g.trim()
                    .parse()
                    .map_err(|_| format!("--procedure {s}: grade «{g}» is not a number"))?,
            ),
            None => None,
        };
        Ok(ProcSpec {
            assessment,
            subject,
            grade,
        })
    }
    pub fn label(&self) -> String {
        match self.grade {
            Some(g) => format!("{} {} {} кл.", self.assessment, self.subject, g),
            None => format!("{} {}", self.assessment, self.subject),
        }
    }
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Figures {
    pub participants: i64,
    pub below: i64,
    pub below_n: i64,
    pub high: i64,
    pub high_n: i64,
    pub share2: Option<f64>,
    pub share2_ci: Option<[f64; 2]>,
    pub share_high: Option<f64>,
    pub share_high_ci: Option<[f64; 2]>,
}

impl Figures {
    fn finish(mut self) -> Self {
        let f = |k: i64, n: i64| (n > 0).then(|| r6(k as f64 / n as f64));
        let ci = |k: i64, n: i64| {
            (n > 0).then(|| {
                let (a, b) = wilson(k as f64, n as f64, Z95);
                [r6(a), r6(b)]
            })
        };
        self.share2 = f(self.below, self.below_n);
        self.share2_ci = ci(self.below, self.below_n);
        self.share_high = f(self.high, self.high_n);
        self.share_high_ci = ci(self.high, self.high_n);
        self
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MunicipalityRow {
    pub municipality: String,
    pub municipality_key: String,
    #[serde(flatten)]
    pub figures: Figures,
    pub share2_diff_pp: Option<f64>,
    pub share2_p: Option<f64>,
    pub share_high_diff_pp: Option<f64>,
    pub share_high_p: Option<f64>,
    pub worse: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Block {
    pub procedure: String,
    pub year: i32,
    pub region_code: String,
    pub region: Figures,
    pub municipalities: Vec<MunicipalityRow>,
}

/// Pooled two-proportion z-test, two-sided p.
pub fn two_prop_p(k1: i64, n1: i64, k2: i64, n2: i64) -> Option<f64> {
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let p = (k1 + k2) as f64 / (n1 + n2) as f64;
    let se = (p * (1.0 - p) * (1.0 / n1 as f64 + 1.0 / n2 as f64)).sqrt();
    if se == 0.0 {
        return Some(1.0);
    }
    let z = (k1 as f64 / n1 as f64 - k2 as f64 / n2 as f64) / se;
    Some(2.0 * (1.0 - Normal::new(0.0, 1.0).unwrap().cdf(z.abs())))
}

fn mun_name(ds: &Dataset, sid: &str) -> String {
    ds.schools
        .get(sid)
        .map(|s| s.municipality.clone())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| "(муниципалитет не указан)".into())
}

/// Region figures and, per municipality key, its name and figures.
type RegionAcc = (Figures, BTreeMap<String, (String, Figures)>);

/// Sums per region and municipality come from the canonical `results` frame (polars group-by);
/// the region figures are the sums over its municipalities.
pub fn compare(ds: &Dataset, specs: &[ProcSpec], years: &[i32]) -> anyhow::Result<Vec<Block>> {
    use polars::prelude::*;
    let results = crate::model::frames::build(ds)?.results;
    let counted = |c: &str| {
        when(col(c).is_not_null())
            .then(col("participants"))
            .otherwise(lit(0i64))
            .sum()
    };
    let mut blocks = Vec::new();
    for spec in specs {
        for &year in years {
            let mut rows = results.clone().lazy().filter(
                col("year")
                    .eq(lit(year))
                    .and(col("assessment").eq(lit(spec.assessment.as_str())))
                    .and(col("subject").eq(lit(spec.subject.as_str()))),
            );
            if let Some(g) = spec.grade {
                rows = rows.filter(col("grade").eq(lit(g)));
            }
            let agg = rows
                .group_by([col("region"), col("municipality_key")])
                .agg([
                    col("participants").sum().alias("participants"),
                    col("n2").sum().alias("below"),
                    counted("n2").alias("below_n"),
                    col("high").sum().alias("high"),
                    counted("high").alias("high_n"),
                    col("school_id")
                        .sort(Default::default())
                        .first()
                        .alias("first_school"),
                ])
                .sort(["region", "municipality_key"], Default::default())
                .collect()?;
            let text = |n: &str| -> anyhow::Result<Vec<String>> {
                let ca = agg.column(n)?.str()?;
                Ok((0..ca.len())
                    .map(|i| ca.get(i).unwrap_or("").to_string())
                    .collect())
            };
            let int = |n: &str| -> anyhow::Result<Vec<i64>> {
                Ok(agg
                    .column(n)?
                    .cast(&DataType::Int64)?
                    .i64()?
                    .to_vec()
                    .into_iter()
                    .map(|v| v.unwrap_or(0))
                    .collect())
            };
            let (reg, key, first) = (
                text("region")?,
                text("municipality_key")?,
                text("first_school")?,
            );
            let (part, below, below_n, high, high_n) = (
                int("participants")?,
                int("below")?,
                int("below_n")?,
                int("high")?,
                int("high_n")?,
            );
            let mut regions: BTreeMap<String, RegionAcc> = BTreeMap::new();
            for i in 0..agg.height() {
                let f = Figures {
                    participants: part[i],
                    below: below[i],
                    below_n: below_n[i],
                    high: high[i],
                    high_n: high_n[i],
                    ..Default::default()
                };
                let acc = regions.entry(reg[i].clone()).or_default();
                acc.0.participants += f.participants;
                acc.0.below += f.below;
                acc.0.below_n += f.below_n;
                acc.0.high += f.high;
                acc.0.high_n += f.high_n;
                acc.1.insert(key[i].clone(), (mun_name(ds, &first[i]), f));
            }
            for (code, (region, muns)) in regions {
                let region = region.finish();
                let municipalities = muns
                    .into_iter()
                    .map(|(key, (name, f))| {
                        let f = f.finish();
                        let diff = |a: Option<f64>, b: Option<f64>| Some(r6((a? - b?) * 100.0));
                        let p2 = two_prop_p(
                            f.below,
                            f.below_n,
                            region.below - f.below,
                            region.below_n - f.below_n,
                        );
                        let ph = two_prop_p(
                            f.high,
                            f.high_n,
                            region.high - f.high,
                            region.high_n - f.high_n,
                        );
                        let worse = p2.is_some_and(|p| p < 0.05)
                            && f.share2.zip(region.share2).is_some_and(|(a, b)| a > b);
                        MunicipalityRow {
                            municipality: name,
                            municipality_key: key,
                            share2_diff_pp: diff(f.share2, region.share2),
                            share2_p: p2.map(r6),
                            share_high_diff_pp: diff(f.share_high, region.share_high),
                            share_high_p: ph.map(r6),
                            worse,
                            figures: f,
                        }
                    })
                    .collect();
                blocks.push(Block {
                    procedure: spec.label(),
                    year,
                    region_code: code,
                    region,
                    municipalities,
                });
            }
        }
    }
    Ok(blocks)
}

/// Default procedures: every procedure present in the given years.
pub fn default_specs(ds: &Dataset, years: &[i32]) -> Vec<ProcSpec> {
    let set: BTreeSet<ProcSpec> = ds
        .results
        .iter()
        .filter(|r| years.contains(&r.year))
        .map(|r| ProcSpec {
            assessment: r.assessment.to_string(),
            subject: r.subject.to_string(),
            grade: Some(r.grade),
        })
        .collect();
    set.into_iter().collect()
}

#[derive(Debug, Clone, Serialize)]
pub struct ThresholdRow {
    pub login: String,
    pub name: String,
    pub municipality: String,
    pub stratum: String,
    pub composite: f64,
    pub region_rank: usize,
    pub region_n: usize,
    pub region_cut: f64,
    pub in_region: bool,
    pub municipality_rank: usize,
    pub municipality_n: usize,
    pub municipality_cut: f64,
    pub in_municipality: bool,
}

/// Schools low in Y under the `bottom` cut within municipality ∩ stratum but not within
/// region ∩ stratum, or the other way round.
pub fn thresholds(ds: &Dataset, cfg: &Config, year: i32) -> Vec<ThresholdRow> {
    let bs = by_school(ds);
    let mut one_year = cfg.clone();
    one_year.stage1.n = 1;
    one_year.stage1.k = 1;
    let reg = bottom_flags(ds, &one_year, &bs, year, &|sid: &str| region_of(sid));
    let mun = bottom_flags(ds, &one_year, &bs, year, &|sid: &str| {
        format!("{}|{}", region_of(sid), municipality_id(ds, sid))
    });
    let mut out = Vec::new();
    for ((y, sid), r) in &reg {
        let Some(m) = mun.get(&(*y, sid.clone())) else {
            continue;
        };
        if r.0 != m.0 {
            let s = ds.schools.get(sid).map(Box::as_ref);
            out.push(ThresholdRow {
                login: s.map(|s| s.login.clone()).unwrap_or_else(|| sid.clone()),
                name: s.map(|s| s.name.clone()).unwrap_or_default(),
                municipality: mun_name(ds, sid),
                stratum: super::strata::stratum(s, cfg).0.to_string(),
                composite: r6(r.1),
                region_rank: r.2,
                region_n: r.3,
                region_cut: r6(r.4),
                in_region: r.0,
                municipality_rank: m.2,
                municipality_n: m.3,
                municipality_cut: r6(m.4),
                in_municipality: m.0,
            });
        }
    }
    out.sort_by(|a, b| (&a.municipality, &a.login).cmp(&(&b.municipality, &b.login)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_proportion_test_textbook() {
        // 45/100 vs 30/100: pooled p = 0.375, SE = 0.068465, z = 2.1909, two-sided p = 0.0285
        let p = two_prop_p(45, 100, 30, 100).unwrap();
        assert!((p - 0.0285).abs() < 5e-4, "{p}");
    }

    #[test]
    fn procedure_spec() {
        let s = ProcSpec::parse("огэ:Математика:9").unwrap();
        assert_eq!(s.label(), "ОГЭ математика 9 кл.");
        assert!(ProcSpec::parse("ГИА:математика").is_err());
    }
}
