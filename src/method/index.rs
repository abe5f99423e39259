//! ИСБШ — the school social well-being index (METHOD.md §4, §10) and ШНСУ.
use crate::config::Config;
use crate::input::report::Warnings;
use crate::input::text::region_of;
use crate::model::{Dataset, Sym};
use crate::output::r6;
use crate::stats::quantile_sorted;
use nalgebra::{DMatrix, SymmetricEigen};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Factor {
    pub indicator: Sym,
    /// weight × direction × z: positive pulls the index up (more favourable).
    pub contribution: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IndexRow {
    pub login: String,
    pub school_id: String,
    pub region: Sym,
    pub index: Option<f64>,
    pub index_group: Option<u32>,
    pub coverage: f64,
    pub shnsu: bool,
    pub top_factors: Vec<Factor>,
    pub missing_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexResult {
    pub method: String,
    pub indicators: Vec<String>,
    pub dropped: BTreeMap<String, String>,
    /// Quintile edges (20/40/60/80 %) per region.
    pub edges: BTreeMap<String, Vec<f64>>,
    pub pca_loadings: BTreeMap<String, BTreeMap<String, f64>>,
    pub schools: Vec<IndexRow>,
    pub warnings: Warnings,
}

impl IndexResult {
    pub fn get(&self, school_id: &str) -> Option<&IndexRow> {
        self.schools
            .binary_search_by(|r| r.school_id.as_str().cmp(school_id))
            .ok()
            .map(|i| &self.schools[i])
    }
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (
        m,
        (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n).sqrt(),
    )
}

/// An indicator's mean and standard deviation in a region, and its column in the region's table.
type ZParams = (f64, f64, usize);

/// Compute the index for every school with context indicators, per region.
pub fn compute(ds: &Dataset, cfg: &Config) -> IndexResult {
    let ic = &cfg.index;
    let mut warnings = Warnings::default();
    let mut dropped = BTreeMap::new();
    // configured indicators in name order, as the loaders' static names where they are one
    let keys: Vec<&str> = ic
        .indicators
        .keys()
        .map(|k| {
            crate::input::context::INDICATORS
                .iter()
                .find(|(s, _)| s == k)
                .map_or(k.as_str(), |(s, _)| *s)
        })
        .collect();
    let schools: Vec<_> = ds
        .schools
        .values()
        .filter(|s| s.indicators.values_of(&keys).any(|v| v.is_some()))
        .collect();
    let known: polars::prelude::PlHashSet<&str> = ds
        .results
        .chunk_by(|a, b| a.school_id == b.school_id)
        .map(|run| &*run[0].school_id)
        .collect();
    let unknown = schools
        .iter()
        .filter(|s| !known.contains(s.school_id.as_str()))
        .count();
    if unknown > 0 && !known.is_empty() {
        warnings.add_n(
            "context rows for logins with no results (indexed, not selectable)",
            unknown,
            schools
                .iter()
                .find(|s| !known.contains(s.school_id.as_str()))
                .unwrap()
                .login
                .clone(),
        );
    }
    let mut by_region: BTreeMap<String, Vec<&crate::model::SchoolRow>> = BTreeMap::new();
    for s in &schools {
        by_region
            .entry(region_of(&s.school_id))
            .or_default()
            .push(s);
    }
    let mut used: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut edges_out = BTreeMap::new();
    let mut loadings_out = BTreeMap::new();
    for (region, list) in &by_region {
        // every configured indicator of every school, read school by school (one school's map at
        // a time), then used column by column
        let table: Vec<Option<f64>> = list
            .iter()
            .flat_map(|s| s.indicators.values_of(&keys))
            .collect();
        let cell = |i: usize, j: usize| table[i * keys.len() + j];
        // indicators present in this region: their z-score parameters and their column
        let mut stats: BTreeMap<&str, ZParams> = BTreeMap::new();
        for (j, k) in keys.iter().enumerate() {
            let k = *k;
            let v: Vec<f64> = (0..list.len()).filter_map(|i| cell(i, j)).collect();
            if v.is_empty() {
                dropped.insert(k.to_string(), "absent from every row".to_string());
                continue;
            }
            let (m, sd) = mean_sd(&v);
            if sd <= 1e-12 || v.len() < 2 {
                dropped.insert(k.to_string(), "zero variance".to_string());
                warnings.add(
                    "indicator with zero variance dropped",
                    format!("{k} (регион {region})"),
                );
                continue;
            }
            stats.insert(k, (m, sd, j));
            if !used.iter().any(|u| u == k) {
                used.push(k.to_string());
            }
        }
        let present_weight: f64 = stats.keys().map(|k| ic.indicators[*k].weight).sum();
        let z = |i: usize, k: &str| -> Option<f64> {
            let &(m, sd, j) = stats.get(k)?;
            cell(i, j).map(|v| (v - m) / sd)
        };
        let pca = if ic.method == crate::config::IndexMethod::Pca {
            pca_loadings(list, stats.keys().copied().collect(), cfg)
        } else {
            None
        };
        if let Some(l) = &pca {
            loadings_out.insert(
                region.clone(),
                l.iter().map(|(k, v)| (k.to_string(), r6(*v))).collect(),
            );
        } else if ic.method == crate::config::IndexMethod::Pca {
            warnings.add(
                "pca: fewer than 3 schools with every indicator; no index",
                region.clone(),
            );
        }
        let mut rows: Vec<IndexRow> = Vec::new();
        // weight, weight × direction and z parameters per indicator, looked up once per region
        // names as symbols: a school's three shown factors copy them
        let signed: Vec<(&str, Sym, f64, f64, ZParams)> = stats
            .iter()
            .map(|(k, &zp)| {
                let ind = &ic.indicators[*k];
                (
                    *k,
                    Sym::from(*k),
                    ind.weight,
                    ind.weight * ind.direction as f64,
                    zp,
                )
            })
            .collect();
        let region_sym = Sym::from(region.as_str());
        for (i, s) in list.iter().enumerate() {
            // (indicator, contribution): texts only for the three shown
            let mut contrib: Vec<(&str, Sym, f64)> = Vec::with_capacity(signed.len());
            let mut wsum = 0.0;
            for (k, sym, w, ws, (m, sd, j)) in &signed {
                let (k, w, ws, m, sd, j) = (*k, *w, *ws, *m, *sd, *j);
                if let Some(v) = cell(i, j) {
                    contrib.push((k, sym.clone(), ws * ((v - m) / sd)));
                    wsum += w;
                }
            }
            let coverage = if present_weight > 0.0 {
                wsum / present_weight
            } else {
                0.0
            };
            let (index, missing) = if coverage + 1e-12 < ic.min_coverage {
                (
                    None,
                    Some(format!(
                        "покрытие показателей {:.0} % < {:.0} %",
                        coverage * 100.0,
                        ic.min_coverage * 100.0
                    )),
                )
            } else if let Some(l) = &pca {
                if contrib.len() == stats.len() {
                    (
                        Some(stats.keys().map(|k| l[k] * z(i, k).unwrap()).sum::<f64>()),
                        None,
                    )
                } else {
                    (None, Some("pca: нужны все показатели".to_string()))
                }
            } else if ic.method == crate::config::IndexMethod::Pca {
                (
                    None,
                    Some("pca: слишком мало школ со всеми показателями".to_string()),
                )
            } else {
                (Some(contrib.iter().map(|f| f.2).sum::<f64>() / wsum), None)
            };
            contrib.sort_by(|a, b| b.2.abs().total_cmp(&a.2.abs()).then(a.0.cmp(b.0)));
            let contrib: Vec<Factor> = contrib
                .iter()
                .take(3)
                .map(|(_, indicator, c)| Factor {
                    indicator: indicator.clone(),
                    contribution: r6(*c),
                })
                .collect();
            if missing.is_some() {
                warnings.add("school without an index (coverage rule)", s.login.clone());
            }
            rows.push(IndexRow {
                login: s.login.clone(),
                school_id: s.school_id.clone(),
                region: region_sym.clone(),
                index: index.map(r6),
                index_group: None,
                coverage: r6(coverage),
                shnsu: false,
                top_factors: contrib,
                missing_reason: missing,
            });
        }
        let mut vals: Vec<f64> = rows.iter().filter_map(|r| r.index).collect();
        vals.sort_by(f64::total_cmp);
        if !vals.is_empty() {
            let edges: Vec<f64> = [0.2, 0.4, 0.6, 0.8]
                .iter()
                .map(|q| quantile_sorted(&vals, *q))
                .collect();
            for r in rows.iter_mut() {
                if let Some(v) = r.index {
                    let g = 1 + edges.iter().filter(|e| v > **e).count() as u32;
                    r.index_group = Some(g);
                    r.shnsu = ic.shnsu_groups.contains(&g);
                }
            }
            edges_out.insert(region.clone(), edges.into_iter().map(r6).collect());
        }
        out.extend(rows);
    }
    out.sort_by(|a, b| a.school_id.cmp(&b.school_id));
    for k in &used {
        dropped.remove(k);
    }
    for (k, why) in &dropped {
        warnings.add("configured indicator dropped", format!("{k}: {why}"));
    }
    IndexResult {
        method: ic.method.label().to_string(),
        indicators: used,
        dropped,
        edges: edges_out,
        pca_loadings: loadings_out,
        schools: out,
        warnings,
    }
}

/// First principal component of the correlation matrix of schools with every indicator.
fn pca_loadings<'a>(
    list: &[&crate::model::SchoolRow],
    keys: Vec<&'a str>,
    cfg: &Config,
) -> Option<BTreeMap<&'a str, f64>> {
    let complete: Vec<Vec<f64>> = list
        .iter()
        .filter_map(|s| {
            keys.iter()
                .map(|k| s.indicators.get(k).copied())
                .collect::<Option<Vec<f64>>>()
        })
        .collect();
    let (n, p) = (complete.len(), keys.len());
    if n < 3 || p < 2 {
        return None;
    }
    // standardise over the complete schools, then correlation = Z'Z / n
    let mut zm = DMatrix::zeros(n, p);
    for j in 0..p {
        let col: Vec<f64> = complete.iter().map(|r| r[j]).collect();
        let (m, sd) = mean_sd(&col);
        for i in 0..n {
            zm[(i, j)] = if sd > 0.0 { (col[i] - m) / sd } else { 0.0 };
        }
    }
    let corr = zm.transpose() * &zm / n as f64;
    let eig = SymmetricEigen::new(corr);
    let best = (0..p).max_by(|&a, &b| {
        eig.eigenvalues[a]
            .total_cmp(&eig.eigenvalues[b])
            .then(b.cmp(&a))
    })?;
    let mut v: Vec<f64> = (0..p).map(|j| eig.eigenvectors[(j, best)]).collect();
    let flip = match keys.iter().position(|k| *k == "parents_higher_ed") {
        Some(j) => v[j] < 0.0,
        None => {
            let unf: Vec<f64> = keys
                .iter()
                .enumerate()
                .filter(|(_, k)| cfg.index.indicators[**k].direction < 0)
                .map(|(j, _)| v[j])
                .collect();
            !unf.is_empty() && unf.iter().sum::<f64>() > 0.0
        }
    };
    if flip {
        v.iter_mut().for_each(|x| *x = -*x);
    }
    Some(keys.into_iter().zip(v).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SchoolRow;

    fn ds(rows: &[(&str, &[(&'static str, f64)])]) -> Dataset {
        let mut d = Dataset::default();
        for (login, ind) in rows {
            d.schools.insert(
                login.to_string(),
                Box::new(SchoolRow {
                    school_id: login.to_string(),
                    login: login.to_string(),
                    indicators: ind.iter().copied().collect(),
                    ..Default::default()
                }),
            );
        }
        d
    }

    #[test]
    fn zscore_index_by_hand() {
        // two indicators, population z: parents (+) 0.2/0.4/0.6 → −1.2247/0/1.2247; low_income (−) 0.3/0.2/0.1 → same oriented
        let d = ds(&[
            (
                "edu000001",
                &[("parents_higher_ed", 0.2), ("low_income", 0.3)],
            ),
            (
                "edu000002",
                &[("parents_higher_ed", 0.4), ("low_income", 0.2)],
            ),
            (
                "edu000003",
                &[("parents_higher_ed", 0.6), ("low_income", 0.1)],
            ),
        ]);
        let r = compute(&d, &Config::default());
        let z = 1.5f64.sqrt();
        assert!((r.get("edu000001").unwrap().index.unwrap() + z).abs() < 1e-6);
        assert!((r.get("edu000003").unwrap().index.unwrap() - z).abs() < 1e-6);
        assert_eq!(r.get("edu000001").unwrap().index_group, Some(1));
        assert!(r.get("edu000001").unwrap().shnsu);
        assert_eq!(r.get("edu000003").unwrap().index_group, Some(5));
        assert_eq!(
            r.dropped.len(),
            6,
            "six configured indicators absent from every row"
        );
    }

    #[test]
    fn coverage_rule_and_zero_variance() {
        let d = ds(&[
            (
                "edu000001",
                &[
                    ("parents_higher_ed", 0.2),
                    ("low_income", 0.3),
                    ("single_parent", 0.1),
                    ("ovz_share", 0.05),
                ],
            ),
            (
                "edu000002",
                &[
                    ("parents_higher_ed", 0.4),
                    ("low_income", 0.2),
                    ("single_parent", 0.2),
                    ("ovz_share", 0.05),
                ],
            ),
            (
                "edu000003",
                &[
                    ("parents_higher_ed", 0.6),
                    ("single_parent", 0.3),
                    ("ovz_share", 0.05),
                ],
            ),
            ("edu000004", &[("parents_higher_ed", 0.5)]),
        ]);
        let r = compute(&d, &Config::default());
        assert_eq!(
            r.dropped.get("ovz_share").map(|s| s.as_str()),
            Some("zero variance")
        );
        // 3 indicators present: school 3 has 2 of 3 (0.67 < 0.75) → no index; school 4 has 1 of 3
        assert!(r.get("edu000003").unwrap().index.is_none());
        assert!(r.get("edu000004").unwrap().missing_reason.is_some());
        assert!(r.get("edu000002").unwrap().index.is_some());
    }
}
