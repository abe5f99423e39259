//! How a school's counts are pooled over the selection window (METHOD.md §10): the window, the
//! pooled counts of one school ([`Pooled`]) and of every school as one polars group-by
//! ([`PooledSums`], [`pooled_all`]).
use crate::config::Config;
#[cfg(test)]
use crate::model::ResultRow;
use std::collections::BTreeMap;

/// Pooled counts of one school over the window (METHOD.md §10).
#[derive(Debug, Clone, Copy, Default)]
pub struct Pooled {
    /// All participants of the window's procedures (for `min_total_participants`).
    pub total_all: i64,
    /// Participants, «2» over procedures with at least `min_participants`.
    pub part: i64,
    pub n2: i64,
    /// Participants and «4»+«5» over those with full mark counts.
    pub qpart: i64,
    pub q45: i64,
}

impl Pooled {
    pub fn share2(&self) -> Option<f64> {
        (self.part > 0).then(|| self.n2 as f64 / self.part as f64)
    }
    pub fn quality(&self) -> Option<f64> {
        (self.qpart > 0).then(|| self.q45 as f64 / self.qpart as f64)
    }
}

#[cfg(test)]
pub fn pool(rows: &[&ResultRow], window: &[i32], cfg: &Config) -> Pooled {
    let s1 = &cfg.stage1;
    let mut p = Pooled::default();
    for r in rows.iter().filter(|r| {
        window.contains(&r.year)
            && r.n2.is_some()
            && (s1.assessments.is_empty()
                || s1.assessments.iter().any(|a| a.label() == &*r.assessment))
    }) {
        p.total_all += i64::from(r.participants);
        if i64::from(r.participants) >= s1.min_participants {
            p.part += i64::from(r.participants);
            p.n2 += i64::from(r.n2.get().unwrap());
            if let (Some(a), Some(b), Some(_)) = (r.n4.get(), r.n5.get(), r.n3.get()) {
                p.qpart += i64::from(r.participants);
                p.q45 += i64::from(a) + i64::from(b);
            }
        }
    }
    p
}

/// The selection window: the last `window_years` years up to `year`.
pub fn window(cfg: &Config, year: i32) -> Vec<i32> {
    ((year - cfg.selection.window_years as i32 + 1)..=year).collect()
}

/// Pooled counts of every school over the window (METHOD.md §10) as one polars group-by of the
/// canonical results frame: rows of the window with a known count of «2», in
/// `stage1.assessments`; `total_all` over all of them, `part` and `n2` over procedures with at
/// least `min_participants`, `qpart` and `q45` over those of them with full mark counts.
pub fn pooled_all(
    results: &polars::prelude::DataFrame,
    window: &[i32],
    cfg: &Config,
) -> polars::prelude::PolarsResult<BTreeMap<String, Pooled>> {
    pooled_map(&PooledSums::new(results, window, None, cfg)?.df)
}

/// [`pooled_all`]'s sums as a frame, with the key they were computed under: a selection's context
/// computes them once for the resilience and the stages.
#[derive(Clone)]
pub struct PooledSums {
    window: Vec<i32>,
    min_participants: i64,
    assessments: Vec<crate::model::domain::Assessment>,
    /// Columns: school_id, active (Boolean: a row in the `active` year; false without one),
    /// total_all, part, n2, qpart, q45 (Int64): one row per school with a counted row in the
    /// window or a row in the `active` year (zero sums without a counted row).
    pub df: polars::prelude::DataFrame,
}

impl PooledSums {
    /// The sums over `window` (consecutive years, ascending) under `cfg`'s `stage1` keys, and
    /// with `active` which schools have a row in that year. Errors: a `results` frame not in
    /// `schema::results`' shape (a bug).
    pub fn new(
        results: &polars::prelude::DataFrame,
        window: &[i32],
        active: Option<i32>,
        cfg: &Config,
    ) -> polars::prelude::PolarsResult<PooledSums> {
        use crate::model::schema::col as k;
        use polars::prelude::*;
        let s1 = &cfg.stage1;
        let (first, last) = (window[0], window[window.len() - 1]);
        let mut counted = col(k::YEAR)
            .gt_eq(lit(first))
            .and(col(k::YEAR).lt_eq(lit(last)))
            .and(col(k::N2).is_not_null());
        if let Some(any) = s1
            .assessments
            .iter()
            .map(|a| col(k::ASSESSMENT).eq(lit(a.label())))
            .reduce(Expr::or)
        {
            counted = counted.and(any);
        }
        let big = col(k::PARTICIPANTS)
            .cast(DataType::Int64)
            .gt_eq(lit(s1.min_participants));
        let full = big.clone().and(
            col(k::N3)
                .is_not_null()
                .and(col(k::N4).is_not_null())
                .and(col(k::N5).is_not_null()),
        );
        let n = || col(k::PARTICIPANTS).cast(DataType::Int64);
        // each row's terms first, over whole columns; the group-by then only sums them (polars'
        // fast path: a conditional inside the aggregation is evaluated group by group)
        let term =
            |cond: Expr, e: Expr| when(counted.clone().and(cond)).then(e).otherwise(lit(0i64));
        let (rows, active) = match active {
            Some(y) => (
                counted.clone().or(col(k::YEAR).eq(lit(y))),
                col(k::YEAR).eq(lit(y)),
            ),
            None => (counted.clone(), lit(false)),
        };
        let sums = ["total_all", "part", "n2", "qpart", "q45"];
        // the frames' integer school key when the frame has it (`model::frames::SCHOOL_KEY`),
        // the id's text otherwise
        let key = crate::model::frames::SCHOOL_KEY;
        let (by, id) = match results.schema().contains(key) {
            true => (col(key), vec![col(k::SCHOOL_ID).first()]),
            false => (col(k::SCHOOL_ID), vec![]),
        };
        let mut agg = id;
        agg.push(col("active").any(true));
        agg.extend(sums.map(|c| col(c).sum()));
        let mut out = vec![col(k::SCHOOL_ID), col("active")];
        out.extend(sums.map(col));
        let df = results
            .clone()
            .lazy()
            .filter(rows)
            .with_columns([
                active.alias("active"),
                term(lit(true), n()).alias("total_all"),
                term(big.clone(), n()).alias("part"),
                term(big, col(k::N2).cast(DataType::Int64)).alias("n2"),
                term(full.clone(), n()).alias("qpart"),
                term(
                    full,
                    col(k::N4).cast(DataType::Int64) + col(k::N5).cast(DataType::Int64),
                )
                .alias("q45"),
            ])
            .group_by([by])
            .agg(agg)
            .select(out)
            .collect()?;
        Ok(PooledSums {
            window: window.to_vec(),
            min_participants: s1.min_participants,
            assessments: s1.assessments.clone(),
            df,
        })
    }
    /// Whether these are the sums of `window` under `cfg` (a sweep's grid point may change
    /// `stage1` keys of a context).
    pub fn fits(&self, window: &[i32], cfg: &Config) -> bool {
        self.window == window
            && self.min_participants == cfg.stage1.min_participants
            && self.assessments == cfg.stage1.assessments
    }
}

/// Each school's [`Pooled`] of a [`PooledSums`] frame, by school id.
pub fn pooled_map(
    df: &polars::prelude::DataFrame,
) -> polars::prelude::PolarsResult<BTreeMap<String, Pooled>> {
    use crate::model::schema::col as k;
    let ids = df.column(k::SCHOOL_ID)?.str()?;
    let i = |name: &str| df.column(name).and_then(|c| Ok(c.i64()?.clone()));
    let (total_all, part, n2, qpart, q45) = (
        i("total_all")?,
        i("part")?,
        i("n2")?,
        i("qpart")?,
        i("q45")?,
    );
    Ok((0..df.height())
        .filter_map(|r| {
            Some((
                ids.get(r)?.to_string(),
                Pooled {
                    total_all: total_all.get(r).unwrap_or(0),
                    part: part.get(r).unwrap_or(0),
                    n2: n2.get(r).unwrap_or(0),
                    qpart: qpart.get(r).unwrap_or(0),
                    q45: q45.get(r).unwrap_or(0),
                },
            ))
        })
        .collect())
}
