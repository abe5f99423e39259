//! The configured ИСБШ indicators in long form (one row per school and present value) and what
//! is decided per region before any school's index (METHOD.md §4, §10 «Index details»): the
//! schools left out for want of a region, each region's mean and spread of each indicator, the
//! drop rules and the PCA loadings. [`super::compute`] turns them into contributions and indices.
use super::super::frame::{floats, ints, texts, with_region_of, REGION};
use super::IndexRow;
use crate::config::Config;
use crate::input::report::Warnings;
use crate::model::frames::Frames;
use crate::model::schema::col as k;
use crate::model::warning::WarningCode;
use anyhow::Result;
use polars::prelude::*;
use std::collections::BTreeMap;

/// Columns of the long form of the indicators.
pub(super) const INDICATOR: &str = "indicator";
pub(super) const VALUE: &str = "value";
pub(super) const WEIGHT: &str = "weight";
/// weight × direction.
pub(super) const SIGNED: &str = "signed";
/// A school's place in (region, school_id) order and an indicator's among the configured keys:
/// the sort keys of the long form ([`long`]).
pub(super) const SCHOOL_ORD: &str = "school_ord";
pub(super) const INDICATOR_ORD: &str = "indicator_ord";
/// One integer per (region, indicator) pair of the long form ([`long`]): the key its per-region
/// statistics are grouped and joined by instead of the two texts.
pub(super) const REGION_INDICATOR: &str = "region_indicator";

/// Whether the configured method is the first principal component (`index.method = "pca"`).
pub(super) fn is_pca(cfg: &Config) -> bool {
    cfg.index.method == crate::config::IndexMethod::Pca
}

/// The configured indicators that are columns of `schools`, in long form: (school_id, login,
/// indicator, value, weight, signed, region, school_ord, indicator_ord), one row per school and
/// present value, sorted by (region, school_id, indicator). The schools are put in (region,
/// school_id) order once, numbered (`school_ord`), and the rows sorted by that number and the
/// indicator's place among the configured keys (`indicator_ord`; the keys ascend as their texts
/// do): integer sort keys instead of three texts on every row.
pub(super) fn long(f: &Frames, cfg: &Config) -> Result<DataFrame> {
    let schema = f.schools.schema();
    let present: Vec<(&String, &crate::config::Indicator)> = cfg
        .index
        .indicators
        .iter()
        .filter(|(name, _)| schema.contains(name))
        .collect();
    let mut wide_cols = vec![k::SCHOOL_ID, k::LOGIN];
    wide_cols.extend(present.iter().map(|(name, _)| name.as_str()));
    // a region's number: its run in (region, school_id) order
    let width = present.len() as u64;
    let wide = with_region_of(f.schools.select(wide_cols)?, k::SCHOOL_ID, &f.regions)?
        .lazy()
        .sort([REGION, k::SCHOOL_ID], Default::default())
        .with_row_index(SCHOOL_ORD, None)
        .with_column(
            (col(REGION).rle_id().cast(DataType::UInt64) * lit(width)).alias(REGION_INDICATOR),
        )
        .collect()?;
    let parts: Vec<LazyFrame> = present
        .iter()
        .enumerate()
        .map(|(j, (name, ind))| {
            wide.clone()
                .lazy()
                .select([
                    col(k::SCHOOL_ID),
                    col(k::LOGIN),
                    lit(name.as_str()).alias(INDICATOR),
                    col(name.as_str()).cast(DataType::Float64).alias(VALUE),
                    lit(ind.weight).alias(WEIGHT),
                    lit(ind.weight * f64::from(ind.direction)).alias(SIGNED),
                    col(REGION),
                    col(SCHOOL_ORD),
                    lit(j as IdxSize).alias(INDICATOR_ORD),
                    (col(REGION_INDICATOR) + lit(j as u64)).alias(REGION_INDICATOR),
                ])
                .filter(col(VALUE).is_not_null())
        })
        .collect();
    if parts.is_empty() {
        return Ok(DataFrame::empty_with_schema(&Schema::from_iter([
            Field::new(k::SCHOOL_ID.into(), DataType::String),
            Field::new(k::LOGIN.into(), DataType::String),
            Field::new(INDICATOR.into(), DataType::String),
            Field::new(VALUE.into(), DataType::Float64),
            Field::new(WEIGHT.into(), DataType::Float64),
            Field::new(SIGNED.into(), DataType::Float64),
            Field::new(REGION.into(), DataType::String),
            Field::new(SCHOOL_ORD.into(), IDX_DTYPE),
            Field::new(INDICATOR_ORD.into(), IDX_DTYPE),
            Field::new(REGION_INDICATOR.into(), DataType::UInt64),
        ])));
    }
    // one integer key, distinct per row (a school's indicator at most once): the order of
    // (school_ord, indicator_ord) without a sort on two columns
    let key = col(SCHOOL_ORD).cast(DataType::UInt64) * lit(width)
        + col(INDICATOR_ORD).cast(DataType::UInt64);
    Ok(concat(parts, UnionArgs::default())?
        .sort_by_exprs([key], Default::default())
        .collect()?)
}

/// Why a school without a region is left out of the index when other schools have one.
pub(super) const NO_REGION: &str = "регион не определён: школа учтена под кодом без логина и муниципалитета, а у школ с логинами несколько регионов";

/// The rows of `long` of the schools left out of the region strata: an id that is no login
/// (`gia:…`, `name:…`) and has no region (`Frames::regions`) while other schools have one — it
/// would form a stratum of its own. Returns the other rows and the (school_id, login) left out.
pub(super) fn without_region(long: DataFrame) -> Result<(DataFrame, Vec<(String, String)>)> {
    let (ids, regions) = (
        long.column(k::SCHOOL_ID)?.str()?,
        long.column(REGION)?.str()?,
    );
    if regions.iter().all(|r| r.unwrap_or("").is_empty()) {
        return Ok((long, Vec::new()));
    }
    let out: Vec<bool> = ids
        .iter()
        .zip(regions.iter())
        .map(|(id, r)| r.unwrap_or("").is_empty() && id.unwrap_or("").contains(':'))
        .collect();
    if !out.contains(&true) {
        return Ok((long, Vec::new()));
    }
    let (ids, logins) = (texts(&long, k::SCHOOL_ID)?, texts(&long, k::LOGIN)?);
    let mut left: Vec<(String, String)> = (0..long.height())
        .filter(|&i| out[i])
        .map(|i| (ids[i].clone(), logins[i].clone()))
        .collect();
    left.dedup();
    let keep: BooleanChunked = out.iter().map(|o| !o).collect();
    Ok((long.filter(&keep)?, left))
}

/// The index rows of the schools [`without_region`] left out, with the reason, counted in a
/// warning.
pub(super) fn left_out_rows(left: Vec<(String, String)>, warnings: &mut Warnings) -> Vec<IndexRow> {
    left.into_iter()
        .map(|(school_id, login)| {
            warnings.add(WarningCode::SchoolWithoutRegion, login.clone());
            IndexRow {
                login,
                school_id,
                region: String::new(),
                index: None,
                index_group: None,
                coverage: 0.0,
                shnsu: false,
                top_factors: Vec::new(),
                missing_reason: Some(NO_REGION.to_string()),
            }
        })
        .collect()
}

/// Population mean and standard deviation (divide by n) and the count of each indicator in each
/// region, sorted by (region, indicator), with the pair's [`REGION_INDICATOR`] key last.
pub(super) fn region_stats(long: &DataFrame) -> Result<DataFrame> {
    let dev = col(VALUE) - col(VALUE).mean();
    Ok(long
        .clone()
        .lazy()
        .group_by([col(REGION_INDICATOR)])
        .agg([
            col(REGION).first(),
            col(INDICATOR).first(),
            col(VALUE).mean().alias("mean"),
            ((dev.clone() * dev).sum() / col(VALUE).count().cast(DataType::Float64))
                .sqrt()
                .alias("sd"),
            col(VALUE).count().alias("n"),
            col(WEIGHT).first(),
        ])
        .sort([REGION, INDICATOR], Default::default())
        .select([
            col(REGION),
            col(INDICATOR),
            col("mean"),
            col("sd"),
            col("n"),
            col(WEIGHT),
            col(REGION_INDICATOR),
        ])
        .collect()?)
}

/// Which rows of the region statistics are kept, the indicators used (in order of first use) and
/// the dropped ones with their reasons.
pub(super) type Dropping = (Vec<bool>, Vec<String>, BTreeMap<String, String>);

/// The drop rules per region (METHOD.md §4, §10 «Index details»): an indicator absent from a
/// region's rows is dropped there; one with zero variance (or a single value) too, with a
/// warning. A configured indicator used in no region is reported with the reason of the last
/// region. Returns the kept (region, indicator) pairs, the indicators used in order of first
/// use, and the dropped ones.
pub(super) fn drop_rules(
    stats: &DataFrame,
    regions: &[String],
    cfg: &Config,
    warnings: &mut Warnings,
) -> Result<Dropping> {
    let (sr, si) = (texts(stats, REGION)?, texts(stats, INDICATOR)?);
    let (sd, n) = (floats(stats, "sd")?, ints(stats, "n")?);
    let at: BTreeMap<(&str, &str), usize> = sr
        .iter()
        .zip(&si)
        .enumerate()
        .map(|(i, (r, ind))| ((r.as_str(), ind.as_str()), i))
        .collect();
    let mut kept = vec![false; stats.height()];
    let mut used: Vec<String> = Vec::new();
    let mut dropped = BTreeMap::new();
    for region in regions {
        for key in cfg.index.indicators.keys() {
            let Some(&i) = at.get(&(region.as_str(), key.as_str())) else {
                dropped.insert(key.clone(), "absent from every row".to_string());
                continue;
            };
            if sd[i].unwrap_or(0.0) <= 1e-12 || n[i].unwrap_or(0) < 2 {
                dropped.insert(key.clone(), "zero variance".to_string());
                warnings.add(
                    WarningCode::IndicatorZeroVariance,
                    format!("{key} (регион {region})"),
                );
                continue;
            }
            kept[i] = true;
            if !used.contains(key) {
                used.push(key.clone());
            }
        }
    }
    for key in &used {
        dropped.remove(key);
    }
    Ok((kept, used, dropped))
}

/// First principal component loadings of each region's kept indicators, over its schools with
/// every one of them (`stats::pca`), signed so that `parents_higher_ed` loads positively, or,
/// without it, so that the unfavourable indicators' loadings sum to a negative number.
/// Rows (region, indicator, loading); regions with too few complete schools are absent.
pub(super) fn pca_loadings(
    f: &Frames,
    kept: &DataFrame,
    regions: &[String],
    cfg: &Config,
) -> Result<DataFrame> {
    let wide = with_region_of(f.schools.clone(), k::SCHOOL_ID, &f.regions)?;
    let (kr, ki) = (texts(kept, REGION)?, texts(kept, INDICATOR)?);
    let (mut lr, mut li, mut lv) = (Vec::new(), Vec::new(), Vec::new());
    for region in regions {
        let keys: Vec<&str> = kr
            .iter()
            .zip(&ki)
            .filter(|(r, _)| *r == region)
            .map(|(_, i)| i.as_str())
            .collect();
        let complete = wide
            .clone()
            .lazy()
            .filter(col(REGION).eq(lit(region.as_str())))
            .select(keys.iter().map(|c| col(*c)).collect::<Vec<_>>())
            .drop_nulls(None)
            .collect()?;
        let columns: Vec<Vec<f64>> = keys
            .iter()
            .map(|c| Ok(floats(&complete, c)?.into_iter().flatten().collect()))
            .collect::<Result<_>>()?;
        let Some(mut v) = crate::stats::pca::first_component(&columns) else {
            continue;
        };
        let flip = match keys.iter().position(|k| *k == "parents_higher_ed") {
            Some(j) => v[j] < 0.0,
            None => {
                let unf: Vec<f64> = keys
                    .iter()
                    .zip(&v)
                    .filter(|(k, _)| cfg.index.indicators[**k].direction < 0)
                    .map(|(_, x)| *x)
                    .collect();
                !unf.is_empty() && unf.iter().sum::<f64>() > 0.0
            }
        };
        if flip {
            v.iter_mut().for_each(|x| *x = -*x);
        }
        for (key, x) in keys.iter().zip(v) {
            lr.push(region.clone());
            li.push(key.to_string());
            lv.push(x);
        }
    }
    Ok(df!(REGION => lr, INDICATOR => li, "loading" => lv)?)
}
