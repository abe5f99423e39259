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
/// A school's place in (region, school_id) order ([`indexed`]) and an indicator's among the
/// present configured keys ([`Indexed::present`]; the keys ascend as their texts do).
pub(super) const SCHOOL_ORD: &str = "school_ord";
pub(super) const INDICATOR_ORD: &str = "indicator_ord";
/// A region's number: its run in the indexed schools' (region, school_id) order ([`indexed`]).
pub(super) const REGION_NO: &str = "region_no";
/// One integer per (region, indicator) pair of the long form ([`long`]): region number × the
/// present indicators + the indicator's place; the key its per-region statistics are grouped by
/// instead of the two texts.
pub(super) const REGION_INDICATOR: &str = "region_indicator";

/// Whether the configured method is the first principal component (`index.method = "pca"`).
pub(super) fn is_pca(cfg: &Config) -> bool {
    cfg.index.method == crate::config::IndexMethod::Pca
}

/// A configured indicator that is a column of `schools`, in the configured keys' (ascending)
/// order: its place `j` in [`Indexed::present`] numbers its columns.
pub(super) struct Present {
    pub key: String,
    pub weight: f64,
    /// weight × direction.
    pub signed: f64,
}

/// The indexed schools, one row each (the wide form the index is computed on).
pub(super) struct Indexed {
    /// Columns school_id, login, region, [`SCHOOL_ORD`] (the place in (region, school_id)
    /// order), [`REGION_NO`] (the region's run in that order) and one column per [`Present`]
    /// indicator (its key): the schools with any present value, left-out ones
    /// ([`without_region`]) removed, in (region, school_id) order.
    pub wide: DataFrame,
    pub present: Vec<Present>,
    /// (school_id, login) of the schools left out for want of a region, by id.
    pub left: Vec<(String, String)>,
}

/// The schools with any configured indicator that is a column of `f.schools` (the wide form,
/// [`Indexed`]): put in (region, school_id) order once and numbered, each region numbered by its
/// run in that order; the schools [`without_region`] left out.
pub(super) fn indexed(f: &Frames, cfg: &Config) -> Result<Indexed> {
    let schema = f.schools.schema();
    let present: Vec<Present> = cfg
        .index
        .indicators
        .iter()
        .filter(|(name, _)| schema.contains(name))
        .map(|(name, ind)| Present {
            key: name.clone(),
            weight: ind.weight,
            signed: ind.weight * f64::from(ind.direction),
        })
        .collect();
    let mut wide_cols = vec![k::SCHOOL_ID, k::LOGIN];
    wide_cols.extend(present.iter().map(|p| p.key.as_str()));
    let any = present
        .iter()
        .map(|p| col(p.key.as_str()).is_not_null())
        .reduce(|a, b| a.or(b))
        .unwrap_or(lit(false));
    let wide = with_region_of(f.schools.select(wide_cols)?, k::SCHOOL_ID, &f.regions)?
        .lazy()
        .filter(any)
        .sort([REGION, k::SCHOOL_ID], Default::default())
        .with_row_index(SCHOOL_ORD, None)
        .with_column(col(REGION).rle_id().cast(IDX_DTYPE).alias(REGION_NO))
        .collect()?;
    let (wide, left) = without_region(wide)?;
    Ok(Indexed {
        wide,
        present,
        left,
    })
}

/// The present values of the indexed schools in long form: (region, indicator, value, weight,
/// [`REGION_INDICATOR`]), one row per school and present value, indicator by indicator (each in
/// the schools' (region, school_id) order): what the per-region statistics group
/// ([`region_stats`]).
pub(super) fn long(ix: &Indexed) -> Result<DataFrame> {
    let width = ix.present.len() as u64;
    let parts: Vec<LazyFrame> = ix
        .present
        .iter()
        .enumerate()
        .map(|(j, p)| {
            ix.wide
                .clone()
                .lazy()
                .select([
                    col(REGION),
                    lit(p.key.as_str()).alias(INDICATOR),
                    col(p.key.as_str()).cast(DataType::Float64).alias(VALUE),
                    lit(p.weight).alias(WEIGHT),
                    (col(REGION_NO).cast(DataType::UInt64) * lit(width) + lit(j as u64))
                        .alias(REGION_INDICATOR),
                ])
                .filter(col(VALUE).is_not_null())
        })
        .collect();
    if parts.is_empty() {
        return Ok(DataFrame::empty_with_schema(&Schema::from_iter([
            Field::new(REGION.into(), DataType::String),
            Field::new(INDICATOR.into(), DataType::String),
            Field::new(VALUE.into(), DataType::Float64),
            Field::new(WEIGHT.into(), DataType::Float64),
            Field::new(REGION_INDICATOR.into(), DataType::UInt64),
        ])));
    }
    Ok(concat(parts, UnionArgs::default())?.collect()?)
}

/// Why a school without a region is left out of the index when other schools have one.
pub(super) const NO_REGION: &str = "регион не определён: школа учтена под кодом без логина и муниципалитета, а у школ с логинами несколько регионов";

/// The schools of `wide` (one row each, in (region, school_id) order) left out of the region
/// strata: an id that is no login (`gia:…`, `name:…`) and has no region (`Frames::regions`)
/// while other schools have one — it would form a stratum of its own. Returns the other rows and
/// the (school_id, login) left out.
fn without_region(wide: DataFrame) -> Result<(DataFrame, Vec<(String, String)>)> {
    let (ids, regions) = (
        wide.column(k::SCHOOL_ID)?.str()?,
        wide.column(REGION)?.str()?,
    );
    if regions.iter().all(|r| r.unwrap_or("").is_empty()) {
        return Ok((wide, Vec::new()));
    }
    let out: Vec<bool> = ids
        .iter()
        .zip(regions.iter())
        .map(|(id, r)| r.unwrap_or("").is_empty() && id.unwrap_or("").contains(':'))
        .collect();
    if !out.contains(&true) {
        return Ok((wide, Vec::new()));
    }
    let (ids, logins) = (texts(&wide, k::SCHOOL_ID)?, texts(&wide, k::LOGIN)?);
    let left: Vec<(String, String)> = (0..wide.height())
        .filter(|&i| out[i])
        .map(|i| (ids[i].clone(), logins[i].clone()))
        .collect();
    let keep: BooleanChunked = out.iter().map(|o| !o).collect();
    Ok((wide.filter(&keep)?, left))
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
                shnsu: None,
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
