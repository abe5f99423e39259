//! ИСБШ — the school social well-being index (METHOD.md §4, §10) and ШНСУ, on the `schools`
//! frame: the configured indicators in long form (school, indicator, value), z-score parameters
//! per region and indicator, contributions, coverage and sums per school as polars group-bys and
//! joins; quintile edges as type-7 quantiles. The PCA eigen-decomposition is `stats::pca`.
use super::frame::{floats, ints, left_join, texts, REGION};
use crate::config::Config;
use crate::input::report::Warnings;
use crate::model::frames::Frames;
use crate::model::schema::col as k;
use crate::model::warning::WarningCode;
use crate::output::r6;
use anyhow::Result;
use polars::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

mod contrib;
mod regions;
use regions::{
    drop_rules, indexed, is_pca, left_out_rows, long, pca_loadings, region_stats, INDICATOR,
    INDICATOR_ORD, SCHOOL_ORD,
};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Factor {
    pub indicator: String,
    /// weight × direction × z: positive pulls the index up (more favourable).
    pub contribution: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IndexRow {
    pub login: String,
    pub school_id: String,
    pub region: String,
    pub index: Option<f64>,
    pub index_group: Option<u32>,
    pub coverage: f64,
    /// ШНСУ (`index.shnsu_groups`); none without an index (fresh-eyes run 13: `false` read as
    /// «not ШНСУ» where it is unknown).
    pub shnsu: Option<bool>,
    pub top_factors: Vec<Factor>,
    pub missing_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
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

/// Why no school has an ИСБШ on these inputs, in Russian, for `index`, `resilient` and the report
/// alike: which of the configured indicators (`index.indicators`) no school has, and which context
/// indicators the inputs do carry instead (the 2021 context form gives staffing and equipment
/// ones, not the social ones of the default index). `None` when some school has a configured
/// indicator. `f.schools`: one nullable `Float64` column per `input::context::INDICATORS` key.
pub fn missing_reason(f: &Frames, cfg: &Config) -> Result<Option<String>> {
    let has = |name: &str| -> Result<bool> {
        Ok(match f.schools.column(name) {
            Ok(c) => c.len() > c.null_count(),
            Err(_) => false,
        })
    };
    let configured: Vec<&str> = cfg.index.indicators.keys().map(String::as_str).collect();
    for name in &configured {
        if has(name)? {
            return Ok(None);
        }
    }
    let mut carried = Vec::new();
    for (name, _) in crate::input::context::INDICATORS {
        if has(name)? {
            carried.push(*name);
        }
    }
    let lacking = format!(
        "во входных данных нет ни одного из {} ИСБШ ({})",
        crate::output::words::count(
            configured.len(),
            ["показателя", "показателей", "показателей"]
        ),
        russian(&configured)
    );
    Ok(Some(if carried.is_empty() {
        format!("{lacking}: нужен реестр или контекстная форма с ними (docs/INPUTS.md)")
    } else {
        format!(
            "{lacking}; есть другие показатели контекста: {} — они не входят в индекс (index.indicators); нужен реестр с показателями ИСБШ (docs/INPUTS.md)",
            russian(&carried)
        )
    }))
}

/// Indicator keys in Russian words for the reason people read (`low_income` → «малообеспеченные
/// семьи»), `;`-separated as some words hold commas.
fn russian(keys: &[&str]) -> String {
    let words: Vec<&str> = keys
        .iter()
        .map(|k| crate::output::words::indicator(k))
        .collect();
    words.join("; ")
}

/// Compute the index for every school with context indicators, per region (METHOD.md §4, §10).
/// Errors only on a `schools` frame that lacks its declared columns.
pub fn compute(f: &Frames, cfg: &Config) -> Result<IndexResult> {
    compute_with_ids(f, cfg, &super::procedures::school_ids(&f.results)?)
}

/// [`compute`] given the distinct school ids of `f.results`, ascending
/// (`procedures::school_ids`; a selection's context has them already).
pub fn compute_with_ids(f: &Frames, cfg: &Config, with_results: &[String]) -> Result<IndexResult> {
    compute_parts(f, cfg, with_results, Parts::All)
}

/// What of the index a caller reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parts {
    /// Everything (the `index` command, the report's index sheet and page).
    All,
    /// What a selection shows of a school (its index, group and ШНСУ, in its row and ledger) and
    /// the result's other fields, but no school's `top_factors` (left empty) and no
    /// [`WarningCode::ContextWithoutResults`] warning: `select` shows neither, and they are a
    /// fifth of the index's time on a national table.
    Values,
}

/// [`compute_with_ids`] with only the `parts` a caller reads.
pub fn compute_parts(
    f: &Frames,
    cfg: &Config,
    with_results: &[String],
    parts: Parts,
) -> Result<IndexResult> {
    let ic = &cfg.index;
    let mut warnings = Warnings::default();
    let ix = indexed(f, cfg)?;
    let long = long(&ix)?;
    crate::timing("    index: long form");
    // one row per indexed school, in (region, school_id) order
    let schools = ix
        .wide
        .select([SCHOOL_ORD, k::SCHOOL_ID, REGION, k::LOGIN])?;
    if parts == Parts::All {
        unknown_schools(f, &schools, with_results, &mut warnings)?;
    }
    // the schools are in region order: each region once, ascending
    let mut regions: Vec<String> = texts(&schools, REGION)?;
    regions.dedup();
    crate::timing("    index: schools");
    let stats = region_stats(&long)?;
    let (kept, used, dropped) = drop_rules(&stats, &regions, cfg, &mut warnings)?;
    let kept = stats.filter(&BooleanChunked::from_slice("kept".into(), &kept))?;
    let pca = if is_pca(cfg) {
        Some(pca_loadings(f, &kept, &regions, cfg)?)
    } else {
        None
    };
    crate::timing("    index: contributions");
    // contributions of the kept indicators (weight × direction × z) and their sums per school
    let rows = contrib::per_school(&ix, &kept, pca.as_ref())?;
    crate::timing("    index: per school");
    let top = match parts {
        Parts::All => top_factors(&contrib::long_contributions(&ix, &rows)?)?,
        Parts::Values => Vec::new(),
    };
    crate::timing("    index: top factors");
    let mut out = index_rows(&rows, top, cfg, &mut warnings)?;
    let edges_out = quintiles(&mut out, cfg)?;
    out.extend(left_out_rows(ix.left, &mut warnings));
    out.sort_by(|a, b| a.school_id.cmp(&b.school_id));
    for (key, why) in &dropped {
        let why = match why.as_str() {
            "absent from every row" => "нет ни у одной школы",
            "zero variance" => "без разброса значений",
            other => other,
        };
        // people read the example: the indicator's words, not its config key
        let shown = crate::output::words::indicator(key);
        warnings.add(WarningCode::IndicatorDropped, format!("«{shown}»: {why}"));
    }
    let mut loadings_out = BTreeMap::new();
    if let Some(l) = &pca {
        let (lr, li, lv) = (
            texts(l, REGION)?,
            texts(l, INDICATOR)?,
            floats(l, "loading")?,
        );
        for ((r, i), v) in lr.into_iter().zip(li).zip(lv) {
            loadings_out
                .entry(r)
                .or_insert_with(BTreeMap::new)
                .insert(i, r6(v.unwrap_or(f64::NAN)));
        }
        for r in regions.iter().filter(|r| !loadings_out.contains_key(*r)) {
            warnings.add(WarningCode::PcaTooFewSchools, r.clone());
        }
    }
    Ok(IndexResult {
        method: ic.method.label().to_string(),
        indicators: used,
        dropped,
        edges: edges_out,
        pca_loadings: loadings_out,
        schools: out,
        warnings,
    })
}

/// A warning counting the indexed schools that have no results (when any school has results).
/// `with_results`: the school ids of `f.results`, distinct.
fn unknown_schools(
    f: &Frames,
    schools: &DataFrame,
    with_results: &[String],
    warnings: &mut Warnings,
) -> Result<()> {
    if f.results.height() == 0 {
        return Ok(());
    }
    let known = df!(k::SCHOOL_ID => with_results)?
        .lazy()
        .with_column(lit(true).alias("known"));
    let unknown = left_join(schools.clone().lazy(), known, &[k::SCHOOL_ID])
        .filter(col("known").is_null())
        .sort([k::SCHOOL_ID], Default::default())
        .collect()?;
    if let Some(first) = texts(&unknown, k::LOGIN)?.into_iter().next() {
        warnings.add_n(WarningCode::ContextWithoutResults, unknown.height(), first);
    }
    Ok(())
}

/// The three largest |contribution| of each school with their signs, ties by indicator key
/// (sorted by the integer keys of [`long`]: school, magnitude descending, indicator), by the
/// school's place in (region, school_id) order (`SCHOOL_ORD`), ascending.
fn top_factors(contrib: &DataFrame) -> Result<Vec<(IdxSize, Vec<Factor>)>> {
    let magnitude = when(col("c").lt(lit(0.0)))
        .then(lit(0.0) - col("c"))
        .otherwise(col("c"));
    let sorted = contrib
        .clone()
        .lazy()
        .select([
            col(INDICATOR),
            col("c"),
            col(SCHOOL_ORD),
            col(INDICATOR_ORD),
            magnitude.alias("magnitude"),
        ])
        .sort_by_exprs(
            [col(SCHOOL_ORD), col("magnitude"), col(INDICATOR_ORD)],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
        )
        .collect()?;
    let (ords, inds, c) = (
        sorted.column(SCHOOL_ORD)?.idx()?,
        sorted.column(INDICATOR)?.str()?,
        sorted.column("c")?.f64()?,
    );
    let mut top: Vec<(IdxSize, Vec<Factor>)> = Vec::new();
    for ((ord, indicator), c) in ords.iter().zip(inds.iter()).zip(c.iter()) {
        let ord = ord.unwrap_or(0);
        if top.last().is_none_or(|(o, _)| *o != ord) {
            top.push((ord, Vec::with_capacity(3)));
        }
        let Some((_, list)) = top.last_mut() else {
            continue;
        };
        if list.len() < 3 {
            list.push(Factor {
                indicator: indicator.unwrap_or("").to_string(),
                contribution: r6(c.unwrap_or(f64::NAN)),
            });
        }
    }
    Ok(top)
}

/// Each school's index, or why it has none (the coverage rule, `min_coverage` of the region's
/// present weight; PCA needs every kept indicator), in (region, school_id) order.
fn index_rows(
    rows: &DataFrame,
    top: Vec<(IdxSize, Vec<Factor>)>,
    cfg: &Config,
    warnings: &mut Warnings,
) -> Result<Vec<IndexRow>> {
    let ic = &cfg.index;
    let (ids, logins, regions) = (
        texts(rows, k::SCHOOL_ID)?,
        texts(rows, k::LOGIN)?,
        texts(rows, REGION)?,
    );
    let (wsum, csum, lsum) = (
        floats(rows, "wsum")?,
        floats(rows, "csum")?,
        floats(rows, "lsum")?,
    );
    let (present, kept) = (ints(rows, "present")?, ints(rows, "kept")?);
    let (present_weight, loadings) = (floats(rows, "present_weight")?, ints(rows, "loadings")?);
    let ords = rows.column(SCHOOL_ORD)?.idx()?;
    // both in school order: each school's factors found by one merge
    let mut top = top.into_iter().peekable();
    let mut out = Vec::with_capacity(rows.height());
    for (i, ((sid, login), region)) in ids.into_iter().zip(logins).zip(regions).enumerate() {
        let wsum = wsum[i].unwrap_or(0.0);
        let pw = present_weight[i].unwrap_or(0.0);
        let coverage = if pw > 0.0 { wsum / pw } else { 0.0 };
        let (index, missing) = if coverage + 1e-12 < ic.min_coverage {
            (
                None,
                Some(format!(
                    "покрытие показателей {:.0} % < {:.0} %",
                    coverage * 100.0,
                    ic.min_coverage * 100.0
                )),
            )
        } else if !is_pca(cfg) {
            (csum[i].map(|c| c / wsum), None)
        } else if loadings[i].is_none() {
            let why = "pca: слишком мало школ со всеми показателями";
            (None, Some(why.to_string()))
        } else if present[i] == kept[i] {
            (lsum[i], None)
        } else {
            (None, Some("pca: нужны все показатели".to_string()))
        };
        if missing.is_some() {
            warnings.add(WarningCode::SchoolWithoutIndex, login.clone());
        }
        let ord = ords.get(i).unwrap_or(0);
        while top.next_if(|(o, _)| *o < ord).is_some() {}
        let top_factors = match top.next_if(|(o, _)| *o == ord) {
            Some((_, list)) => list,
            None => Vec::new(),
        };
        out.push(IndexRow {
            login,
            top_factors,
            school_id: sid,
            region,
            index: index.map(r6),
            index_group: None,
            coverage: r6(coverage),
            shnsu: None,
            missing_reason: missing,
        });
    }
    Ok(out)
}

/// Quintile edges (type-7 quantiles at 20/40/60/80 %) of each region's rounded indices, each
/// school's group (1 + the edges below its index) and ШНСУ (`shnsu_groups`).
fn quintiles(out: &mut [IndexRow], cfg: &Config) -> Result<BTreeMap<String, Vec<f64>>> {
    let (regions, values): (Vec<&str>, Vec<f64>) = out
        .iter()
        .filter_map(|r| Some((r.region.as_str(), r.index?)))
        .unzip();
    let q = |p: f64| {
        col("index")
            .quantile(lit(p), QuantileMethod::Linear)
            .alias(format!("q{p}"))
    };
    let edges = df!(REGION => regions, "index" => values)?
        .lazy()
        .group_by([col(REGION)])
        .agg([q(0.2), q(0.4), q(0.6), q(0.8)])
        .collect()?;
    let er = texts(&edges, REGION)?;
    let eq: Vec<Vec<Option<f64>>> = ["q0.2", "q0.4", "q0.6", "q0.8"]
        .iter()
        .map(|c| floats(&edges, c))
        .collect::<PolarsResult<_>>()?;
    let edges: BTreeMap<String, Vec<f64>> = er
        .into_iter()
        .enumerate()
        .map(|(i, r)| (r, eq.iter().map(|c| c[i].unwrap_or(f64::NAN)).collect()))
        .collect();
    for r in out.iter_mut() {
        if let (Some(v), Some(e)) = (r.index, edges.get(&r.region)) {
            let g = 1 + e.iter().filter(|x| v > **x).count() as u32;
            r.index_group = Some(g);
            r.shnsu = Some(cfg.index.shnsu_groups.contains(&g));
        }
    }
    Ok(edges
        .into_iter()
        .map(|(r, e)| (r, e.into_iter().map(r6).collect()))
        .collect())
}

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
