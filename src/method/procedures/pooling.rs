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
        let counted = in_years(window).and(counted_row(cfg));
        let (rows, active) = match active {
            Some(y) => (
                counted.clone().or(col(k::YEAR).eq(lit(y))),
                col(k::YEAR).eq(lit(y)),
            ),
            None => (counted.clone(), lit(false)),
        };
        // the frames' integer school key when the frame has it (`model::frames::SCHOOL_KEY`),
        // the id's text otherwise; `max` of a Boolean, not `any` (a function polars applies
        // group by group)
        let key = crate::model::frames::SCHOOL_KEY;
        let (by, id) = match results.schema().contains(key) {
            true => (col(key), vec![col(k::SCHOOL_ID).first()]),
            false => (col(k::SCHOOL_ID), vec![]),
        };
        let mut agg = id;
        agg.push(col("active").max());
        agg.extend(SUMS.map(|c| col(c).sum()));
        let mut terms = terms(cfg, counted);
        terms.push(active.alias("active"));
        let df = results
            .clone()
            .lazy()
            .filter(rows)
            .with_columns(terms)
            .group_by([by])
            .agg(agg)
            .select(pooled_columns())
            .collect()?;
        Ok(PooledSums {
            window: window.to_vec(),
            min_participants: cfg.stage1.min_participants,
            assessments: cfg.stage1.assessments.clone(),
            df,
        })
    }
    /// [`PooledSums::new`] from the sums per school and year ([`YearSums`], computed once for
    /// every window under the same `stage1` keys): the same sums, the same schools (a row in
    /// `active`'s year, or a counted row in the window), sorted by school_id (and flagged so).
    pub fn from_years(
        years: &YearSums,
        window: &[i32],
        active: Option<i32>,
    ) -> polars::prelude::PolarsResult<PooledSums> {
        use crate::model::schema::col as k;
        use polars::prelude::*;
        let in_window = in_years(window);
        let counted = in_window.clone().and(col("counted"));
        let (rows, active) = match active {
            Some(y) => (
                counted.clone().or(col(k::YEAR).eq(lit(y))),
                col(k::YEAR).eq(lit(y)),
            ),
            None => (counted, lit(false)),
        };
        let mut terms: Vec<Expr> = SUMS
            .map(|c| {
                when(in_window.clone())
                    .then(col(c))
                    .otherwise(lit(0i64))
                    .alias(c)
            })
            .into();
        terms.push(active.alias("active"));
        let mut agg = vec![col(k::SCHOOL_ID).first(), col("active").max()];
        agg.extend(SUMS.map(|c| col(c).sum()));
        // the schools in order of their first row (`years` are in year-then-id order: a sorted
        // run of ids per year), then by id: polars' stable sort merges those few runs, and the
        // frame's sorted flag spares [`pooled_of`] its sort
        let df = years
            .df
            .clone()
            .lazy()
            .filter(rows)
            .with_columns(terms)
            .group_by_stable([col(crate::model::frames::SCHOOL_KEY)])
            .agg(agg)
            .select(pooled_columns())
            .sort(
                [k::SCHOOL_ID],
                SortMultipleOptions::default().with_maintain_order(true),
            )
            .collect()?;
        Ok(PooledSums {
            window: window.to_vec(),
            min_participants: years.min_participants,
            assessments: years.assessments.clone(),
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
    Ok(pooled_rows(df)?
        .into_iter()
        .map(|(id, p)| (id.to_string(), p))
        .collect())
}

/// The [`Pooled`] of each of `ids` (ascending) in a [`PooledSums`] frame, zero sums for a school
/// without a row: the frame sorted by id in polars (no work when its flag says it is, as
/// [`PooledSums::from_years`] leaves it) and merged with the ids (no map of the ids).
pub fn pooled_of<'i>(
    df: &polars::prelude::DataFrame,
    ids: impl IntoIterator<Item = &'i str>,
) -> polars::prelude::PolarsResult<Vec<Pooled>> {
    use crate::model::schema::col as k;
    let df = df.sort([k::SCHOOL_ID], Default::default())?;
    let rows = pooled_rows(&df)?;
    Ok(super::find_sorted(&rows, |r| r.0, ids)
        .into_iter()
        .map(|r| r.map(|r| r.1).unwrap_or_default())
        .collect())
}

/// The rows of a [`PooledSums`] frame with a school id, in the frame's order: the id and its
/// [`Pooled`] (a null sum is 0).
fn pooled_rows(
    df: &polars::prelude::DataFrame,
) -> polars::prelude::PolarsResult<Vec<(&str, Pooled)>> {
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
                ids.get(r)?,
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

/// The sums of [`Pooled`], in their order.
const SUMS: [&str; 5] = ["total_all", "part", "n2", "qpart", "q45"];

/// The columns of a [`PooledSums`] frame after its group-by.
fn pooled_columns() -> Vec<polars::prelude::Expr> {
    use polars::prelude::col;
    let mut out = vec![col(crate::model::schema::col::SCHOOL_ID), col("active")];
    out.extend(SUMS.map(col));
    out
}

/// A row of a year in `window` (consecutive years, ascending).
fn in_years(window: &[i32]) -> polars::prelude::Expr {
    use crate::model::schema::col as k;
    use polars::prelude::{col, lit};
    let (first, last) = (window[0], window[window.len() - 1]);
    col(k::YEAR)
        .gt_eq(lit(first))
        .and(col(k::YEAR).lt_eq(lit(last)))
}

/// A row that the pooling counts, whatever its year: a known count of «2», in
/// `stage1.assessments` (all when empty).
fn counted_row(cfg: &Config) -> polars::prelude::Expr {
    use crate::model::schema::col as k;
    use polars::prelude::*;
    let counted = col(k::N2).is_not_null();
    match in_assessments(cfg) {
        Some(any) => counted.and(any),
        None => counted,
    }
}

/// A row whose assessment is one of `stage1.assessments` (Boolean expression over
/// `schema::col::ASSESSMENT`); `None` when the list is empty (every assessment counts). The one
/// filter the pooling, the bottom ranks, the comparison and the dynamics share.
pub fn in_assessments(cfg: &Config) -> Option<polars::prelude::Expr> {
    use crate::model::schema::col as k;
    use polars::prelude::*;
    cfg.stage1
        .assessments
        .iter()
        .map(|a| col(k::ASSESSMENT).eq(lit(a.label())))
        .reduce(Expr::or)
}

/// Each row's terms of the sums ([`SUMS`]) where `counted` holds, else 0: `total_all` its
/// participants, `part` and `n2` when it has at least `min_participants`, `qpart` and `q45`
/// («4» + «5») when it has every mark count too. Computed over whole columns, so that a group-by
/// only sums them (polars' fast path: a conditional inside the aggregation is evaluated group by
/// group).
fn terms(cfg: &Config, counted: polars::prelude::Expr) -> Vec<polars::prelude::Expr> {
    terms_of(cfg, counted, polars::prelude::DataType::Int64)
}

/// [`terms`] of integer type `dt`.
fn terms_of(
    cfg: &Config,
    counted: polars::prelude::Expr,
    dt: polars::prelude::DataType,
) -> Vec<polars::prelude::Expr> {
    use crate::model::schema::col as k;
    use polars::prelude::*;
    let n = || col(k::PARTICIPANTS).cast(dt.clone());
    let big = col(k::PARTICIPANTS)
        .cast(DataType::Int64)
        .gt_eq(lit(cfg.stage1.min_participants));
    let full = big.clone().and(
        col(k::N3)
            .is_not_null()
            .and(col(k::N4).is_not_null())
            .and(col(k::N5).is_not_null()),
    );
    let zero = lit(0i64).cast(dt.clone());
    let term = |cond: Expr, e: Expr| {
        when(counted.clone().and(cond))
            .then(e)
            .otherwise(zero.clone())
    };
    let of = |c: &str| col(c).cast(dt.clone());
    vec![
        term(lit(true), n()).alias("total_all"),
        term(big.clone(), n()).alias("part"),
        term(big, of(k::N2)).alias("n2"),
        term(full.clone(), n()).alias("qpart"),
        term(full, of(k::N4) + of(k::N5)).alias("q45"),
    ]
}

/// Each school's pooling sums per year (the terms of [`PooledSums`] under `cfg`'s `stage1` keys,
/// summed over each run of rows of one school and year): what the sums of any window are made
/// of ([`PooledSums::from_years`]: a selection's context and the other years' selections of
/// `report` and `monitor` share them).
pub struct YearSums {
    min_participants: i64,
    assessments: Vec<crate::model::domain::Assessment>,
    /// Columns: school_key (`model::frames::SCHOOL_KEY`), school_id, year (Int32), counted
    /// (Boolean: a counted row in the run), total_all, part, n2, qpart, q45 (Int64); one row per
    /// run of the frame's rows of one school and year (one per school and year in the model's
    /// year-then-school order, `model::order`; more in any other order, which the windows' sums
    /// add up).
    pub(super) df: polars::prelude::DataFrame,
}

impl YearSums {
    /// The sums of the canonical results frame with its derived school key
    /// (`model::frames::build`). Errors: a frame without those columns (a bug).
    ///
    /// The runs are numbered by `rle_id` of one integer of year and school key, which polars
    /// knows to be sorted, so the group-by takes each run as a slice of the frame (no hash
    /// table, no index list per group); the terms are Int32 (a run's sums are a few hundred
    /// pupils), Int64 from the sums on. Each run's terms are gathered as a list (one copy of the
    /// column, with the runs' offsets) and summed by polars' list sum: the same Int32 sums as
    /// `sum` of the slice groups, without the `ChunkedArray` that `sum` builds per group and
    /// column (≈ 135 000 runs × 5 terms on the national table: 0.065 → 0.025 s of CPU).
    pub fn new(
        results: &polars::prelude::DataFrame,
        cfg: &Config,
    ) -> polars::prelude::PolarsResult<YearSums> {
        use crate::model::schema::col as k;
        use polars::prelude::*;
        let key = crate::model::frames::SCHOOL_KEY;
        let run = (col(k::YEAR).cast(DataType::Int64) * lit(1i64 << 32)
            + col(key).cast(DataType::Int64))
        .rle_id();
        let counted = counted_row(cfg);
        let mut terms = terms_of(cfg, counted.clone(), DataType::Int32);
        terms.push(counted.alias("counted"));
        let mut agg = vec![
            col(key).first(),
            col(k::SCHOOL_ID).first(),
            col(k::YEAR).first(),
            col("counted").max(),
        ];
        // each term's values per run, as a list
        agg.extend(SUMS.map(col));
        let mut out = vec![col(key), col(k::SCHOOL_ID), col(k::YEAR), col("counted")];
        out.extend(SUMS.map(|c| col(c).list().sum().cast(DataType::Int64)));
        let df = results
            .clone()
            .lazy()
            .with_columns(terms)
            .group_by([run.alias("run")])
            .agg(agg)
            .select(out)
            .collect()?;
        Ok(YearSums {
            min_participants: cfg.stage1.min_participants,
            assessments: cfg.stage1.assessments.clone(),
            df,
        })
    }
    /// Whether these are the sums under `cfg`'s `stage1` keys.
    pub fn fits(&self, cfg: &Config) -> bool {
        self.min_participants == cfg.stage1.min_participants
            && self.assessments == cfg.stage1.assessments
    }
    /// The sums of the procedures stage 1 judges that have at least `min_participants` pupils
    /// (a known count of «2», in `stage1.assessments`), in the years `years`: columns school_id,
    /// year (Int32), part (their participants) and n2 (their «2»), Int64; one row per run of a
    /// school and year (a school and year may have several: add them up). Errors: none but a
    /// polars failure (a bug).
    pub fn judged_in(
        &self,
        years: &[i32],
    ) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
        use crate::model::schema::col as k;
        use polars::prelude::*;
        self.df
            .clone()
            .lazy()
            .filter(crate::method::frame::one_of(k::YEAR, years.iter().copied()))
            .select([col(k::SCHOOL_ID), col(k::YEAR), col("part"), col("n2")])
            .collect()
    }
}
