//! Resilient schools and context-adjusted results (METHOD.md §5, §10).
use super::index::IndexResult;
use super::procedures::{window, BySchool};
use super::select::{by_school, pool};
use crate::config::Config;
use crate::error::data;
use crate::input::report::Warnings;
use crate::input::text::region_of;
use crate::model::{Dataset, Sym};
use crate::output::r6;
use crate::stats::ols::{ols, Fit};
use crate::stats::quantile_sorted;
use anyhow::Result;
use serde::Serialize;
use std::collections::BTreeMap;

pub const RESILIENT: &str = "резильентная";
pub const ABOVE: &str = "выше ожидаемого";
pub const BELOW: &str = "ниже ожидаемого";

#[derive(Debug, Clone, Serialize)]
pub struct ResilienceRow {
    pub login: String,
    pub school_id: String,
    pub region: Sym,
    pub share2: f64,
    pub quality: Option<f64>,
    /// Results score: −share2 standardised (population SD) within the region.
    pub actual: f64,
    pub expected: Option<f64>,
    pub residual: Option<f64>,
    pub index: Option<f64>,
    pub index_group: Option<u32>,
    pub top_quartile: bool,
    pub labels: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Resilience {
    pub year: i32,
    pub window: Vec<i32>,
    /// OLS per region.
    pub models: BTreeMap<String, Fit>,
    pub schools: Vec<ResilienceRow>,
    pub warnings: Warnings,
}

fn standardise(v: &[f64]) -> Vec<f64> {
    crate::stats::kmeans::zscores(v)
}

pub fn compute(ds: &Dataset, cfg: &Config, index: &IndexResult, year: i32) -> Result<Resilience> {
    let bs = by_school(ds);
    let registry = super::procedures::registry_rows(ds, bs.keys().copied());
    fit(cfg, index, year, pooled(&bs, &registry, cfg, year))
}

/// A school's pooled results over the window, with its registry row (looked up once).
pub struct Pooled<'a> {
    sid: &'a str,
    share2: f64,
    quality: Option<f64>,
    school: Option<&'a crate::model::SchoolRow>,
}

/// Schools with a pooled share below the minimum in the window, by region: the part of the
/// model that needs no index (a selection's context computes it beside the index).
/// `registry`: each school's registry row, in `bs` order.
pub fn pooled<'a>(
    bs: &BySchool<'a>,
    registry: &[Option<&'a crate::model::SchoolRow>],
    cfg: &Config,
    year: i32,
) -> BTreeMap<String, Vec<Pooled<'a>>> {
    let window = window(cfg, year);
    let mut per_region: BTreeMap<String, Vec<Pooled>> = BTreeMap::new();
    for ((sid, rows), &school) in bs.iter().zip(registry) {
        if !rows.iter().any(|r| r.year == year) {
            continue;
        }
        let p = pool(rows, &window, cfg);
        if let Some(s2) = p.share2() {
            per_region.entry(region_of(sid)).or_default().push(Pooled {
                sid,
                share2: s2,
                quality: p.quality(),
                school,
            });
        }
    }
    per_region
}

/// The regression of the pooled results on the index, per region, and each school's labels.
pub fn fit(
    cfg: &Config,
    index: &IndexResult,
    year: i32,
    per_region: BTreeMap<String, Vec<Pooled>>,
) -> Result<Resilience> {
    let window = window(cfg, year);
    let mut warnings = Warnings::default();
    let qw = cfg.resilience.quality_weight;
    let mut models = BTreeMap::new();
    let mut out = Vec::new();
    for (region, list) in per_region {
        let region_sym = Sym::from(region.as_str());
        let mut score = standardise(&list.iter().map(|x| -x.share2).collect::<Vec<_>>());
        if qw > 0.0 {
            let q: Vec<f64> = list.iter().map(|x| x.quality.unwrap_or(0.0)).collect();
            let zq = standardise(&q);
            score = standardise(
                &score
                    .iter()
                    .zip(&zq)
                    .map(|(a, b)| (1.0 - qw) * a + qw * b)
                    .collect::<Vec<_>>(),
            );
        }
        let mut sorted = score.clone();
        sorted.sort_by(f64::total_cmp);
        let q75 = quantile_sorted(&sorted, cfg.resilience.top_quantile);
        // OLS on schools with the index
        let rows = super::procedures::find_sorted(
            &index.schools,
            |r| r.school_id.as_str(),
            list.iter().map(|p| p.sid),
        );
        let idx: Vec<usize> = (0..list.len())
            .filter(|&i| rows[i].and_then(|r| r.index).is_some())
            .collect();
        let school = |i: usize| list[i].school;
        let village: Vec<Option<f64>> = idx
            .iter()
            .map(|&i| {
                school(i)
                    .and_then(|s| s.settlement)
                    .map(|s| if s == "село" { 1.0 } else { 0.0 })
            })
            .collect();
        let lnenr: Vec<Option<f64>> = idx
            .iter()
            .map(|&i| {
                school(i)
                    .and_then(|s| s.enrollment)
                    .filter(|e| *e > 0.0)
                    .map(f64::ln)
            })
            .collect();
        let usable = |v: &[Option<f64>], name: &str, warnings: &mut Warnings| -> bool {
            if v.iter().any(|x| x.is_none()) {
                warnings.add(
                    "OLS term dropped: missing for some schools",
                    format!("{name} (регион {region})"),
                );
                return false;
            }
            let f: Vec<f64> = v.iter().map(|x| x.unwrap()).collect();
            if f.iter().all(|x| (x - f[0]).abs() < 1e-12) {
                warnings.add(
                    "OLS term dropped: constant",
                    format!("{name} (регион {region})"),
                );
                return false;
            }
            true
        };
        let use_v = !idx.is_empty() && usable(&village, "село", &mut warnings);
        let use_e = !idx.is_empty() && usable(&lnenr, "ln(численность)", &mut warnings);
        let mut terms = vec!["intercept".to_string(), "index".to_string()];
        if use_v {
            terms.push("село".into());
        }
        if use_e {
            terms.push("ln(численность)".into());
        }
        let x: Vec<Vec<f64>> = idx
            .iter()
            .enumerate()
            .map(|(j, &i)| {
                let mut row = vec![1.0, rows[i].unwrap().index.unwrap()];
                if use_v {
                    row.push(village[j].unwrap());
                }
                if use_e {
                    row.push(lnenr[j].unwrap());
                }
                row
            })
            .collect();
        let y: Vec<f64> = idx.iter().map(|&i| score[i]).collect();
        let fit = if idx.is_empty() {
            warnings.add("no school with an index: no regression", region.clone());
            None
        } else {
            match ols(&terms, &x, &y) {
                Ok(f) => Some(f),
                Err(e) => {
                    warnings.add("regression not fitted", format!("регион {region}: {e}"));
                    None
                }
            }
        };
        let mut resid: Vec<Option<(f64, f64)>> = vec![None; list.len()];
        if let Some(f) = &fit {
            for (j, &i) in idx.iter().enumerate() {
                resid[i] = Some((f.fitted[j], f.residuals[j] / f.sigma));
            }
        }
        for (i, p) in list.iter().enumerate() {
            let ir = rows[i];
            let top = score[i] >= q75;
            let mut labels = Vec::new();
            let shnsu = ir.is_some_and(|r| r.shnsu);
            if shnsu && top {
                labels.push(RESILIENT);
            }
            let (expected, residual) = match resid[i] {
                Some((e, r)) => (Some(e), Some(r)),
                None => (None, None),
            };
            if let Some(r) = residual {
                if r >= cfg.resilience.residual_sd {
                    labels.push(ABOVE);
                } else if r <= -cfg.resilience.residual_sd {
                    labels.push(BELOW);
                }
            }
            out.push(ResilienceRow {
                login: p
                    .school
                    .map(|s| s.login.clone())
                    .unwrap_or_else(|| p.sid.to_string()),
                school_id: p.sid.to_string(),
                region: region_sym.clone(),
                share2: r6(p.share2),
                quality: p.quality.map(r6),
                actual: r6(score[i]),
                expected: expected.map(r6),
                residual: residual.map(r6),
                index: ir.and_then(|r| r.index),
                index_group: ir.and_then(|r| r.index_group),
                top_quartile: top,
                labels,
            });
        }
        if let Some(mut f) = fit {
            for c in f.coefficients.iter_mut() {
                c.estimate = r6(c.estimate);
                c.std_error = r6(c.std_error);
                c.t = r6(c.t);
                c.p = r6(c.p);
            }
            f.r2 = r6(f.r2);
            f.sigma = r6(f.sigma);
            models.insert(region, f);
        }
    }
    if out.is_empty() {
        return Err(data(format!(
            "no school has a pooled share below the minimum in {}–{year}: nothing to model",
            window[0]
        )));
    }
    out.sort_by(|a, b| a.school_id.cmp(&b.school_id));
    Ok(Resilience {
        year,
        window,
        models,
        schools: out,
        warnings,
    })
}
