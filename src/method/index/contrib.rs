//! Contributions and sums per school on the wide form of the indexed schools ([`Indexed`]): each
//! region's kept statistics (and PCA loadings) joined by region number, then per indicator column
//! `weight × direction × z` and `loading × z`, summed across the columns in the indicators' order —
//! frame expressions on one row per school instead of a join and a group-by of one row per
//! school and indicator.
use super::super::frame::{floats, ints, left_join, texts, REGION};
use super::regions::{Indexed, INDICATOR, INDICATOR_ORD, REGION_INDICATOR, REGION_NO, SCHOOL_ORD};
use anyhow::Result;
use polars::prelude::*;

/// The columns of indicator `j` on the wide form.
fn named(what: &str, j: usize) -> String {
    format!("__{what}_{j}")
}

/// Per region number (0 .. the regions of `ix`): the mean, spread and loading of each present
/// indicator where it is kept there, the region's present weight and kept count (`None` without
/// kept indicators), its count of PCA loadings (`None` without any).
///
/// `kept`: the kept rows of `region_stats`, in (region, indicator) order; `pca`: rows (region,
/// indicator, loading).
fn per_region(ix: &Indexed, kept: &DataFrame, pca: Option<&DataFrame>) -> Result<DataFrame> {
    let width = ix.present.len().max(1);
    let regions = match ix.wide.column(REGION_NO)?.idx()?.max() {
        Some(m) => m as usize + 1,
        None => 0,
    };
    let mut mean = vec![vec![None; regions]; ix.present.len()];
    let mut sd = mean.clone();
    let mut load = mean.clone();
    let mut weight: Vec<Option<f64>> = vec![None; regions];
    let mut count: Vec<Option<IdxSize>> = vec![None; regions];
    let mut loadings: Vec<Option<IdxSize>> = vec![None; regions];
    let (keys, m, s) = (
        ints(kept, REGION_INDICATOR)?,
        floats(kept, "mean")?,
        floats(kept, "sd")?,
    );
    let names = texts(kept, REGION)?;
    let mut number = std::collections::BTreeMap::new();
    for (i, key) in keys.iter().enumerate() {
        let key = key.unwrap_or(0) as usize;
        let (r, j) = (key / width, key % width);
        (mean[j][r], sd[j][r]) = (m[i], s[i]);
        // in (region, indicator) order: the weights added as a group-by's sum adds them
        weight[r] = Some(weight[r].unwrap_or(0.0) + ix.present[j].weight);
        count[r] = Some(count[r].unwrap_or(0) + 1);
        number.insert(names[i].as_str(), r);
    }
    if let Some(l) = pca {
        let (lr, li, lv) = (
            texts(l, REGION)?,
            texts(l, INDICATOR)?,
            floats(l, "loading")?,
        );
        for ((region, ind), v) in lr.iter().zip(&li).zip(lv) {
            let (Some(&r), Some(j)) = (
                number.get(region.as_str()),
                ix.present.iter().position(|p| &p.key == ind),
            ) else {
                continue;
            };
            load[j][r] = v;
            loadings[r] = Some(loadings[r].unwrap_or(0) + 1);
        }
    }
    let mut cols = vec![
        Column::new(
            REGION_NO.into(),
            (0..regions as IdxSize).collect::<Vec<_>>(),
        ),
        Column::new("present_weight".into(), weight),
        Column::new("kept".into(), count),
        Column::new("loadings".into(), loadings),
    ];
    for j in 0..ix.present.len() {
        cols.push(Column::new(named("mean", j).into(), &mean[j]));
        cols.push(Column::new(named("sd", j).into(), &sd[j]));
        cols.push(Column::new(named("load", j).into(), &load[j]));
    }
    Ok(DataFrame::new(regions, cols)?)
}

/// Per indexed school, in (region, school_id) order (`SCHOOL_ORD`): its id, login and region,
/// its region's present weight and kept indicator count, its region's count of PCA loadings,
/// its sums of weights, contributions and loading × z over its kept indicators and their
/// number (`wsum`, `csum`, `lsum`, `present`: null without any), and each kept indicator's
/// contribution (`__c_j`, null where absent or not kept).
///
/// The sums add the indicators in their order from 0, as a group-by's sum of one school's rows
/// in that order adds them; a null term adds 0 (a sum from +0 is never −0: exact).
pub(super) fn per_school(
    ix: &Indexed,
    kept: &DataFrame,
    pca: Option<&DataFrame>,
) -> Result<DataFrame> {
    let regions = per_region(ix, kept, pca)?;
    let mut terms = Vec::new();
    let (mut wsum, mut csum, mut lsum, mut present) = (lit(0.0), lit(0.0), lit(0.0), lit(0u32));
    for (j, p) in ix.present.iter().enumerate() {
        let z = (col(p.key.as_str()).cast(DataType::Float64) - col(named("mean", j)))
            / col(named("sd", j));
        let c = lit(p.signed) * z.clone();
        let lz = col(named("load", j)) * z;
        let has = c.clone().is_not_null();
        wsum = wsum + when(has.clone()).then(lit(p.weight)).otherwise(lit(0.0));
        csum = csum + c.clone().fill_null(lit(0.0));
        lsum = lsum + lz.fill_null(lit(0.0));
        present = present + has.cast(DataType::UInt32);
        terms.push(c.alias(named("c", j)));
    }
    let some = |e: Expr| {
        when(col("present").gt(lit(0u32)))
            .then(e)
            .otherwise(lit(NULL))
    };
    Ok(
        left_join(ix.wide.clone().lazy(), regions.lazy(), &[REGION_NO])
            .with_columns(terms)
            .with_column(present.alias("present"))
            .with_columns([
                some(wsum).cast(DataType::Float64).alias("wsum"),
                some(csum).cast(DataType::Float64).alias("csum"),
                some(lsum).cast(DataType::Float64).alias("lsum"),
            ])
            .with_column(some(col("present")).alias("present"))
            .collect()?,
    )
}

/// The kept contributions in long form (school_ord, indicator, c, indicator_ord), one row per
/// school and kept present indicator: what the top factors sort. `rows`: [`per_school`]'s.
pub(super) fn long_contributions(ix: &Indexed, rows: &DataFrame) -> Result<DataFrame> {
    let parts: Vec<LazyFrame> = ix
        .present
        .iter()
        .enumerate()
        .map(|(j, p)| {
            rows.clone()
                .lazy()
                .select([
                    col(SCHOOL_ORD),
                    lit(p.key.as_str()).alias(INDICATOR),
                    col(named("c", j)).alias("c"),
                    lit(j as IdxSize).alias(INDICATOR_ORD),
                ])
                .filter(col("c").is_not_null())
        })
        .collect();
    if parts.is_empty() {
        return Ok(DataFrame::empty_with_schema(&Schema::from_iter([
            Field::new(SCHOOL_ORD.into(), IDX_DTYPE),
            Field::new(INDICATOR.into(), DataType::String),
            Field::new("c".into(), DataType::Float64),
            Field::new(INDICATOR_ORD.into(), IDX_DTYPE),
        ])));
    }
    Ok(concat(parts, UnionArgs::default())?.collect()?)
}
