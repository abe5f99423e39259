//! The `bottom` stage-1 rule (METHOD.md §1, §10): worst share within area × stratum.
use super::context::Context;
/// Under the `bottom` rule, the years of the last `stage1.n` up to `year` with ranks (results
/// with a share of «2»): fewer than `stage1.k` of them and no school can be a candidate — said in
/// a counted warning, not left to an empty list (fresh-eyes run 7, F8).
pub fn years_short(
    bottom: &BottomRanks,
    cfg: &crate::config::Config,
    year: i32,
    warnings: &mut crate::input::report::Warnings,
) {
    let span = (year - cfg.stage1.n as i32 + 1)..=year;
    let with: std::collections::BTreeSet<i32> = bottom
        .keys()
        .map(|(y, _)| *y)
        .filter(|y| span.contains(y))
        .collect();
    if with.len() < cfg.stage1.k as usize {
        let years: Vec<String> = with.iter().map(i32::to_string).collect();
        // the assessments the composite keeps, when the config names them: they, not the years,
        // may be what the data lack (fresh-eyes run 13: `assessments = ["ЕГЭ"]` on ВПР and ОГЭ)
        let only = match cfg.stage1.assessments.is_empty() {
            true => String::new(),
            false => format!(
                " процедур stage1.assessments = [{}]",
                cfg.stage1
                    .assessments
                    .iter()
                    .map(|a| format!("\"{a}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        warnings.add(
            crate::model::warning::WarningCode::BottomRuleShort,
            format!(
                "нужно {} из {} лет ({}–{}), лет с результатами{only}: {} ({})",
                cfg.stage1.k,
                cfg.stage1.n,
                span.start(),
                span.end(),
                with.len(),
                if years.is_empty() {
                    "нет".to_string()
                } else {
                    years.join(", ")
                }
            ),
        );
    }
}

#[cfg(test)]
use super::procedures::{judged_procs, ProcRow};
#[cfg(test)]
use super::strata::{strata_of, stratum};
use crate::config::Config;
#[cfg(test)]
use crate::model::{Dataset, ResultRow};
use polars::prelude::*;
use std::collections::BTreeMap;

/// (year, school) → (low, composite, rank, N, cut value).
#[cfg(test)]
pub type BottomFlags = BTreeMap<(i32, String), (bool, f64, usize, usize, f64)>;

/// A school's place in its ranking area × stratum in one year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BottomRank {
    /// In the worst `bottom_share` (ties at the cut are in).
    pub low: bool,
    /// Share of «2» over the year's judged procedures (fraction).
    pub composite: f64,
    /// 1 = worst (among equal composites, by school id).
    pub rank: usize,
    /// The first and last places of the schools with this school's composite in its ranking
    /// (`(rank, rank)` when no other school has it): equal shares share their places in the
    /// ledger's words (fresh-eyes run 13: tied schools read as «место 2» and «место 3»).
    pub tied: (usize, usize),
    /// Schools ranked.
    pub of: usize,
    /// The composite at the cut (fraction; 1 when the cut takes no school).
    pub cut: f64,
}

impl From<(bool, f64, usize, usize, f64)> for BottomRank {
    fn from((low, composite, rank, of, cut): (bool, f64, usize, usize, f64)) -> Self {
        BottomRank {
            low,
            composite,
            rank,
            tied: (rank, rank),
            of,
            cut,
        }
    }
}

/// bottom rule per year: (low, composite, rank, N, cut value) per (year, school), row by row —
/// kept only as the test oracle of [`ranks_frame`], which the selection and `compare` use.
#[cfg(test)]
/// `area` names the ranking area of a school (its region for stage 1; municipality for compare).
pub fn bottom_flags<'a>(
    ds: &'a Dataset,
    cfg: &Config,
    by_school: &BTreeMap<&'a str, Vec<&'a ResultRow>>,
    year: i32,
    area: &dyn Fn(&str) -> String,
) -> BottomFlags {
    let mut out = BTreeMap::new();
    let (view, of_school) = (ds.school_view(), strata_of(&ds.schools, cfg).unwrap());
    for y in (year - cfg.stage1.n as i32 + 1)..=year {
        let mut strata: BTreeMap<(String, String), Vec<(f64, &str)>> = BTreeMap::new();
        for (sid, rows) in by_school {
            let rows: Vec<_> = rows.iter().map(|r| ProcRow::of(r)).collect();
            let p = judged_procs(&rows, y, cfg);
            if p.is_empty() {
                continue;
            }
            let n2: i64 = p.iter().map(|x| i64::from(x.row.n2.unwrap())).sum();
            let n: i64 = p.iter().map(|x| i64::from(x.row.participants)).sum();
            let (st, _) = view
                .find(sid)
                .map_or(stratum(None, cfg), |at| of_school[at]);
            strata
                .entry((area(sid), st.to_string()))
                .or_default()
                .push((n2 as f64 / n as f64, sid));
        }
        for v in strata.values_mut() {
            v.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            let n = v.len();
            let cut_rank = ((cfg.stage1.bottom_share * n as f64) - 1e-9)
                .ceil()
                .max(0.0) as usize;
            let cut_val = if cut_rank >= 1 {
                v[cut_rank - 1].0
            } else {
                f64::INFINITY
            };
            for (i, (comp, sid)) in v.iter().enumerate() {
                let low = cut_rank >= 1 && (i < cut_rank || *comp >= cut_val);
                out.insert(
                    (y, sid.to_string()),
                    (
                        low,
                        *comp,
                        i + 1,
                        n,
                        if cut_val.is_finite() { cut_val } else { 1.0 },
                    ),
                );
            }
        }
    }
    out
}

/// (year, school id) → the school's place under the `bottom` cut of stage 1.
pub type BottomRanks = BTreeMap<(i32, String), BottomRank>;

/// The `bottom` rule's ranks (METHOD.md §1, §10) as polars expressions. For each year of the last
/// `stage1.n` up to `year` and each school with judged procedures that year (a known share of
/// «2», at least `min_participants`, in `stage1.assessments`): its composite share of «2»
/// (pooled over those procedures, a fraction), its rank within `area` × `stratum` × year (worst
/// first; ties by school id), the group size, the cut rank ⌈bottom_share · N⌉ and the composite
/// at the cut; `low` when the cut takes at least one school and the school ranks within it or
/// ties the cut's composite.
///
/// `results`: the canonical results frame (`schema::results`) plus a text column `area`;
/// `strata`: `school_id`, `stratum` (text). Output columns: year (i32), school_id, composite,
/// rank (u32), tied_first and tied_last (u32: the places of the schools with the same composite),
/// of (u32), cut (f64; 1 when the cut takes no school), low (bool).
pub fn ranks_frame(
    results: LazyFrame,
    strata: LazyFrame,
    cfg: &Config,
    year: i32,
) -> PolarsResult<DataFrame> {
    use crate::model::schema::col as k;
    let s1 = &cfg.stage1;
    let first = year - s1.n as i32 + 1;
    let mut judged = col(k::YEAR)
        .gt_eq(lit(first))
        .and(col(k::YEAR).lt_eq(lit(year)))
        .and(col(k::N2).is_not_null())
        .and(
            col(k::PARTICIPANTS)
                .cast(DataType::Int64)
                .gt_eq(lit(s1.min_participants)),
        )
        .and(col(k::PARTICIPANTS).gt(lit(0)));
    if let Some(any) = super::procedures::in_assessments(cfg) {
        judged = judged.and(any);
    }
    let group = [col(k::YEAR), col("area"), col("stratum")];
    let tie = [col(k::YEAR), col("area"), col("stratum"), col("composite")];
    let cut_x = lit(s1.bottom_share) * col("of").cast(DataType::Float64) - lit(1e-9);
    let trunc = cut_x.clone().cast(DataType::Int64);
    // ⌈x⌉ without the rounding feature: trunc(x), plus one when x lies above it
    let ceil = trunc.clone()
        + cut_x
            .gt(trunc.cast(DataType::Float64))
            .cast(DataType::Int64);
    let cut_at = col("composite")
        .filter(col("rank").cast(DataType::Int64).eq(col("cut_rank")))
        .first()
        .over(group.clone())?;
    results
        .filter(judged)
        .group_by([col(k::YEAR), col(k::SCHOOL_ID), col("area")])
        .agg([
            col(k::N2).cast(DataType::Int64).sum().alias("n2"),
            col(k::PARTICIPANTS).cast(DataType::Int64).sum().alias("n"),
        ])
        .with_column(
            (col("n2").cast(DataType::Float64) / col("n").cast(DataType::Float64))
                .alias("composite"),
        )
        .join(
            strata,
            [col(k::SCHOOL_ID)],
            [col(k::SCHOOL_ID)],
            JoinArgs::new(JoinType::Left),
        )
        .sort_by_exprs(
            [
                col(k::YEAR),
                col("area"),
                col("stratum"),
                col("composite"),
                col(k::SCHOOL_ID),
            ],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, false, false, true, false]),
        )
        .with_row_index("i", None)
        .with_columns([
            (col("i") - col("i").min().over(group.clone())? + lit(1u32)).alias("rank"),
            len().over(group)?.alias("of"),
        ])
        .with_column(
            when(ceil.clone().lt(lit(0i64)))
                .then(lit(0i64))
                .otherwise(ceil)
                .alias("cut_rank"),
        )
        .with_columns([
            col("rank").min().over(tie.clone())?.alias("tied_first"),
            col("rank").max().over(tie)?.alias("tied_last"),
        ])
        .with_column(cut_at.alias("cut_value"))
        .with_columns([
            col("cut_rank")
                .gt_eq(lit(1i64))
                .and(
                    col("rank")
                        .cast(DataType::Int64)
                        .lt_eq(col("cut_rank"))
                        .or(col("composite").gt_eq(col("cut_value"))),
                )
                .fill_null(lit(false))
                .alias("low"),
            col("cut_value").fill_null(lit(1.0)).alias("cut"),
        ])
        .select([
            col(k::YEAR),
            col(k::SCHOOL_ID),
            col("composite"),
            col("rank").cast(DataType::UInt32),
            col("tied_first").cast(DataType::UInt32),
            col("tied_last").cast(DataType::UInt32),
            col("of").cast(DataType::UInt32),
            col("cut"),
            col("low"),
        ])
        .collect()
}

/// [`ranks_frame`] for stage 1 (area = region) on the context's results frame, as a map;
/// schools' strata from their registry rows (`stage1.strata`).
pub fn ranks(ctx: &Context, cfg: &Config, year: i32) -> anyhow::Result<BottomRanks> {
    use crate::model::schema::col as k;
    let ids: Vec<&str> = ctx.school_ids.iter().map(String::as_str).collect();
    let strata: Vec<&str> = ctx
        .registry
        .strata(cfg)?
        .into_iter()
        .map(|s| s.label())
        .collect();
    let strata = DataFrame::new_infer_height(vec![
        Column::new(k::SCHOOL_ID.into(), ids),
        Column::new("stratum".into(), strata),
    ])?;
    let results = ctx
        .frames
        .results
        .clone()
        .lazy()
        .with_column(col("region").alias("area"));
    let df = ranks_frame(results, strata.lazy(), cfg, year)?;
    let years = df.column(k::YEAR)?.i32()?;
    let sids = df.column(k::SCHOOL_ID)?.str()?;
    let comp = df.column("composite")?.f64()?;
    let rank = df.column("rank")?.u32()?;
    let (first, last) = (
        df.column("tied_first")?.u32()?,
        df.column("tied_last")?.u32()?,
    );
    let of = df.column("of")?.u32()?;
    let cut = df.column("cut")?.f64()?;
    let low = df.column("low")?.bool()?;
    let mut out = BottomRanks::new();
    for i in 0..df.height() {
        let (Some(y), Some(sid)) = (years.get(i), sids.get(i)) else {
            continue;
        };
        out.insert(
            (y, sid.to_string()),
            BottomRank {
                low: low.get(i).unwrap_or(false),
                composite: comp.get(i).unwrap_or(0.0),
                rank: rank.get(i).unwrap_or(0) as usize,
                tied: (
                    first.get(i).unwrap_or(0) as usize,
                    last.get(i).unwrap_or(0) as usize,
                ),
                of: of.get(i).unwrap_or(0) as usize,
                cut: cut.get(i).unwrap_or(1.0),
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::input::text::region_of;

    fn rows_of(ranks: &BottomRanks) -> Vec<(i32, String, BottomRank)> {
        ranks
            .iter()
            // the row-by-row oracle knows no ties: compared without them
            .map(|((y, s), r)| (*y, s.clone(), BottomRank { tied: (0, 0), ..*r }))
            .collect()
    }

    #[test]
    fn polars_ranks_equal_the_row_by_row_ranks_on_the_sample_region() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/region");
        let l = crate::input::load_paths(&[dir], &Default::default()).unwrap();
        for (share, n, strata) in [(0.10, 2, None), (0.25, 3, Some(vec![])), (0.0, 1, None)] {
            let mut cfg = Config::default();
            cfg.stage1.bottom_share = share;
            cfg.stage1.n = n;
            cfg.stage1.k = 1;
            if let Some(s) = strata {
                cfg.stage1.strata = s;
            }
            let year = 2025;
            let ctx = Context::new(&l.data, &cfg, year).unwrap();
            let by_school = crate::method::procedures::by_school(&l.data);
            let new = ranks(&ctx, &cfg, year).unwrap();
            let old: BottomRanks =
                bottom_flags(&l.data, &cfg, &by_school, year, &|s: &str| region_of(s))
                    .into_iter()
                    .map(|(k, t)| (k, BottomRank::from(t)))
                    .collect();
            assert!(new.len() > 100, "{}", new.len());
            assert_eq!(rows_of(&new), rows_of(&old), "bottom_share {share}, n {n}");
        }
    }

    #[test]
    fn ties_at_the_cut_are_low_and_ranks_go_worst_first_by_id() {
        // one area, one stratum: composites 0.5, 0.4, 0.4, 0.1; half of 4 → cut rank 2 at 0.4,
        // so the school tied with it at rank 3 is low too
        let df = df!(
            "year" => [2025i32, 2025, 2025, 2025],
            "school_id" => ["edu0004", "edu0003", "edu0002", "edu0001"],
            "assessment" => ["ВПР"; 4],
            "participants" => [10i32, 10, 10, 10],
            "n2" => [Some(1i32), Some(4), Some(4), Some(5)],
            "area" => ["01"; 4],
        )
        .unwrap();
        let strata = df!(
            "school_id" => ["edu0001", "edu0002", "edu0003", "edu0004"],
            "stratum" => ["regular"; 4],
        )
        .unwrap();
        let mut cfg = Config::default();
        cfg.stage1.n = 1;
        cfg.stage1.bottom_share = 0.5;
        let out = ranks_frame(df.lazy(), strata.lazy(), &cfg, 2025).unwrap();
        let h = out.height();
        let ids = out.column("school_id").unwrap().str().unwrap().clone();
        let ids: Vec<&str> = (0..h).map(|i| ids.get(i).unwrap()).collect();
        assert_eq!(ids, ["edu0001", "edu0002", "edu0003", "edu0004"]);
        let rank = out.column("rank").unwrap().u32().unwrap().clone();
        let rank: Vec<u32> = (0..h).map(|i| rank.get(i).unwrap()).collect();
        assert_eq!(rank, [1, 2, 3, 4]);
        let col_u32 = |c: &str| -> Vec<u32> {
            let v = out.column(c).unwrap().u32().unwrap().clone();
            (0..h).map(|i| v.get(i).unwrap()).collect()
        };
        // the two schools at 0.4 share places 2–3
        assert_eq!(col_u32("tied_first"), [1, 2, 2, 4]);
        assert_eq!(col_u32("tied_last"), [1, 3, 3, 4]);
        let low = out.column("low").unwrap().bool().unwrap().clone();
        let low: Vec<bool> = (0..h).map(|i| low.get(i).unwrap()).collect();
        assert_eq!(low, [true, true, true, false]);
        let cut = out.column("cut").unwrap().f64().unwrap().clone();
        let cut: Vec<f64> = (0..h).map(|i| cut.get(i).unwrap()).collect();
        assert_eq!(cut, [0.4; 4]);
    }
}
