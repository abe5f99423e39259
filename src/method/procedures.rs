//! Which procedures count and how a school's counts are pooled (METHOD.md §1, §10).
use crate::config::Config;
use crate::model::Count;
#[cfg(test)]
use crate::model::Dataset;
#[cfg(test)]
use crate::model::ResultRow;
use std::collections::BTreeMap;

/// One row of the results frame as stage 1 reads it (`YearRows`): the procedure's key, its
/// participants and its count of «2» (`None`: no share below the minimum), borrowed from the
/// frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProcRow<'a> {
    pub school_id: &'a str,
    pub year: i32,
    pub assessment: &'a str,
    pub subject: &'a str,
    pub grade: i32,
    pub participants: Count,
    pub n2: Option<Count>,
}

#[cfg(test)]
impl<'a> ProcRow<'a> {
    /// The stage-1 view of a result row (test oracles).
    pub fn of(r: &'a ResultRow) -> ProcRow<'a> {
        ProcRow {
            school_id: &r.school_id,
            year: r.year,
            assessment: &r.assessment,
            subject: &r.subject,
            grade: r.grade,
            participants: r.participants,
            n2: r.n2.get(),
        }
    }
}

pub struct Proc<'a> {
    pub row: ProcRow<'a>,
    /// Share of «2» (fraction).
    pub share2: f64,
}

/// Year-`y` procedures that count for stage 1: a known share below the minimum, at least
/// `min_participants`, in `stage1.assessments` (all when empty).
pub fn judged_procs<'a>(rows: &[ProcRow<'a>], y: i32, cfg: &Config) -> Vec<Proc<'a>> {
    let s1 = &cfg.stage1;
    rows.iter()
        .filter(|r| {
            r.year == y
                && r.n2.is_some()
                && i64::from(r.participants) >= s1.min_participants
                && r.participants > 0
                && (s1.assessments.is_empty()
                    || s1.assessments.iter().any(|a| a.label() == r.assessment))
        })
        .map(|r| Proc {
            row: *r,
            share2: r.n2.unwrap() as f64 / r.participants as f64,
        })
        .collect()
}

/// The rows of years Y−1 and Y of the results frame, by school id: what stage 1 reads of a
/// school. `results`: the canonical results frame (`schema::results`, derived columns allowed).
/// Errors: a missing declared column (a bug).
///
/// Nothing is copied per row up front: one polars pass finds the frame's segments (the runs of
/// rows of one school and year: the model's frame is in year-then-school order, `model::order`),
/// keeps those of the two years and sorts them by school id (stable, so a school's segments stay
/// in frame order); a school's rows are read from the columns when it is judged
/// ([`YearRows::rows_of`]), in frame order — as a stable sort of the two years' rows by school
/// would give them, whatever the frame's order.
pub struct YearRows {
    /// The segments (school_id, `row` first row, `end` one past the last row), by school id.
    segments: polars::prelude::DataFrame,
    cols: YearCols,
    /// Each school with its range in `spans`, ascending by id.
    schools: Vec<(usize, std::ops::Range<usize>)>,
    /// Row ranges of the frame, grouped by school (`schools`).
    spans: Vec<std::ops::Range<usize>>,
}

/// The columns of the results frame that a [`ProcRow`] reads.
struct YearCols {
    sid: polars::prelude::StringChunked,
    year: polars::prelude::Int32Chunked,
    assessment: polars::prelude::StringChunked,
    subject: polars::prelude::StringChunked,
    grade: polars::prelude::Int32Chunked,
    participants: polars::prelude::Int32Chunked,
    n2: polars::prelude::Int32Chunked,
}

impl YearRows {
    pub fn new(
        results: &polars::prelude::DataFrame,
        year: i32,
    ) -> polars::prelude::PolarsResult<YearRows> {
        use crate::model::schema::col as k;
        use polars::prelude::*;
        let changed = |c: &str| col(c).neq_missing(col(c).shift(lit(1)));
        let (row, end) = ("row", "end");
        let segments = results
            .clone()
            .lazy()
            .select([col(k::SCHOOL_ID), col(k::YEAR)])
            .with_row_index(row, None)
            .filter(changed(k::SCHOOL_ID).or(changed(k::YEAR)))
            .with_column(
                col(row)
                    .shift(lit(-1))
                    .fill_null(lit(results.height() as IdxSize))
                    .alias(end),
            )
            .filter(
                col(k::YEAR)
                    .eq(lit(year))
                    .or(col(k::YEAR).eq(lit(year - 1))),
            )
            .select([col(k::SCHOOL_ID), col(row), col(end)])
            .sort(
                [k::SCHOOL_ID],
                SortMultipleOptions::default().with_maintain_order(true),
            )
            .collect()?;
        let (ids, rows, ends) = (
            segments.column(k::SCHOOL_ID)?.str()?,
            segments.column(row)?.idx()?,
            segments.column(end)?.idx()?,
        );
        // the rows read lie in [lo, hi): that slice of the columns in one chunk each, so that a
        // row is found without a walk over the chunks
        let lo = rows.min().unwrap_or(0) as usize;
        let hi = ends.max().unwrap_or(0) as usize;
        let mut schools: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
        let mut spans = Vec::with_capacity(segments.height());
        let mut last: Option<&str> = None;
        for (i, ((id, r), e)) in ids.iter().zip(rows.iter()).zip(ends.iter()).enumerate() {
            let id = id.unwrap_or_default();
            if last != Some(id) {
                schools.push((i, spans.len()..spans.len()));
                last = Some(id);
            }
            spans.push(r.unwrap_or(0) as usize - lo..e.unwrap_or(0) as usize - lo);
            if let Some(s) = schools.last_mut() {
                s.1.end = spans.len();
            }
        }
        let part = results.slice(lo as i64, hi.saturating_sub(lo));
        let (s, i) = (
            |c: &str| -> PolarsResult<StringChunked> {
                Ok(part.column(c)?.str()?.rechunk().into_owned())
            },
            |c: &str| -> PolarsResult<Int32Chunked> {
                Ok(part.column(c)?.i32()?.rechunk().into_owned())
            },
        );
        let cols = YearCols {
            sid: s(k::SCHOOL_ID)?,
            year: i(k::YEAR)?,
            assessment: s(k::ASSESSMENT)?,
            subject: s(k::SUBJECT)?,
            grade: i(k::GRADE)?,
            participants: i(k::PARTICIPANTS)?,
            n2: i(k::N2)?,
        };
        Ok(YearRows {
            segments,
            cols,
            schools,
            spans,
        })
    }
    /// The schools with rows in the two years, ascending by id, each with its handle for
    /// [`YearRows::rows_of`].
    pub fn schools(&self) -> Vec<(&str, std::ops::Range<usize>)> {
        let ids = self
            .segments
            .column(crate::model::schema::col::SCHOOL_ID)
            .and_then(|c| c.str());
        let Ok(ids) = ids else {
            return Vec::new();
        };
        self.schools
            .iter()
            .map(|(i, spans)| (ids.get(*i).unwrap_or_default(), spans.clone()))
            .collect()
    }
    /// The rows of one school (`spans`: its handle from [`YearRows::schools`]), in frame order.
    pub fn rows_of(&self, spans: std::ops::Range<usize>) -> Vec<ProcRow<'_>> {
        let c = &self.cols;
        self.spans[spans]
            .iter()
            .flat_map(|r| r.clone())
            .map(|i| ProcRow {
                school_id: c.sid.get(i).unwrap_or_default(),
                year: c.year.get(i).unwrap_or_default(),
                assessment: c.assessment.get(i).unwrap_or_default(),
                subject: c.subject.get(i).unwrap_or_default(),
                grade: c.grade.get(i).unwrap_or_default(),
                participants: c.participants.get(i).unwrap_or_default(),
                n2: c.n2.get(i),
            })
            .collect()
    }
}

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

/// A procedure's label from its assessment, subject and grade (0: no grade): «ВПР математика 4 кл.».
pub fn proc_label_of(assessment: &str, subject: &str, grade: i32) -> String {
    if grade > 0 {
        format!("{assessment} {subject} {grade} кл.")
    } else {
        format!("{assessment} {subject}")
    }
}

/// What «below the minimum» (`n2`) is in the results a list shows: marks «2» (ВПР, ОГЭ), scores
/// below the subject's minimum threshold (ЕГЭ), or both (METHOD.md §0, share2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BelowMin {
    Mark2,
    Threshold,
    Mixed,
}

impl BelowMin {
    /// The kind of procedures of these assessments (`Assessment` labels, repeats allowed):
    /// `Threshold` when all are ЕГЭ, `Mark2` when none is (or there are none), else `Mixed`.
    pub fn of<'s>(assessments: impl IntoIterator<Item = &'s str>) -> BelowMin {
        let ege = crate::model::domain::Assessment::Ege.label();
        let (mut n, mut n_ege) = (0usize, 0usize);
        for a in assessments {
            n += 1;
            n_ege += usize::from(a == ege);
        }
        match n_ege {
            0 => BelowMin::Mark2,
            e if e == n => BelowMin::Threshold,
            _ => BelowMin::Mixed,
        }
    }
}

/// [`BelowMin`] of the window's results that have a count below the minimum: `Threshold` when all
/// are ЕГЭ, `Mark2` when none is (or there are none), else `Mixed`.
///
/// Errors: a polars error on a `results` frame not in `schema::results`' shape.
pub fn below_min_kind(
    results: &polars::prelude::DataFrame,
    window: &[i32],
) -> polars::prelude::PolarsResult<BelowMin> {
    use crate::model::schema::col as k;
    use polars::prelude::*;
    let (Some(first), Some(last)) = (window.first(), window.last()) else {
        return Ok(BelowMin::Mark2);
    };
    let kinds = results
        .clone()
        .lazy()
        .filter(
            col(k::YEAR)
                .gt_eq(lit(*first))
                .and(col(k::YEAR).lt_eq(lit(*last)))
                .and(col(k::N2).is_not_null()),
        )
        .select([col(k::ASSESSMENT).unique()])
        .collect()?;
    let kinds = super::frame::texts(&kinds, k::ASSESSMENT)?;
    Ok(BelowMin::of(kinds.iter().map(String::as_str)))
}

/// A window's years as the reports write them: `2024–2025`, `2025`, or `2021, 2023` with a gap.
pub fn window_label(window: &[i32]) -> String {
    match (window.first(), window.last()) {
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) if (b - a) as usize + 1 == window.len() => format!("{a}–{b}"),
        _ => window
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The years of `window` in which some result has a count below the minimum (`n2` known),
/// ascending: the years the selection can judge. `results`: the results frame
/// (`model::schema::results`; `year` Int32, `n2` Int32 nullable).
pub fn years_with_marks(
    results: &polars::prelude::DataFrame,
    window: &[i32],
) -> polars::prelude::PolarsResult<Vec<i32>> {
    use crate::model::schema::col as k;
    use polars::prelude::*;
    let years = results
        .clone()
        .lazy()
        .filter(super::frame::one_of(k::YEAR, window.iter().copied()).and(col(k::N2).is_not_null()))
        .select([col(k::YEAR)])
        .unique(None, UniqueKeepStrategy::First)
        .collect()?;
    let mut out: Vec<i32> = super::frame::ints(&years, k::YEAR)?
        .into_iter()
        .flatten()
        .map(|y| y as i32)
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// The procedures of `window` none of whose results has a count below the minimum, as
/// «ВПР химия 11 кл. 2022», sorted: what a selection cannot judge (a per-pupil file without a
/// primary score → mark scale, a table of high results only).
pub fn procedures_without_marks(
    results: &polars::prelude::DataFrame,
    window: &[i32],
) -> polars::prelude::PolarsResult<Vec<String>> {
    use crate::model::schema::col as k;
    use polars::prelude::*;
    let keys = [k::YEAR, k::ASSESSMENT, k::SUBJECT, k::GRADE];
    let df = results
        .clone()
        .lazy()
        .filter(super::frame::one_of(k::YEAR, window.iter().copied()))
        .group_by(keys.map(col))
        .agg([col(k::N2).is_not_null().any(true).alias("marks")])
        .filter(col("marks").not())
        .collect()?;
    let (years, grades) = (
        super::frame::ints(&df, k::YEAR)?,
        super::frame::ints(&df, k::GRADE)?,
    );
    let (assessments, subjects) = (
        super::frame::texts(&df, k::ASSESSMENT)?,
        super::frame::texts(&df, k::SUBJECT)?,
    );
    let mut out: Vec<String> = (0..df.height())
        .map(|i| {
            let label = proc_label_of(&assessments[i], &subjects[i], grades[i].unwrap_or(0) as i32);
            format!("{label} {}", years[i].unwrap_or(0))
        })
        .collect();
    out.sort();
    Ok(out)
}

/// For each id, the item of `sorted` (ascending by `key`) with that id: one merge when the ids
/// ascend too (a school list against another), a search for an id that steps back.
pub fn find_sorted<'a, 'i, T>(
    sorted: &'a [T],
    key: impl Fn(&T) -> &str,
    ids: impl IntoIterator<Item = &'i str>,
) -> Vec<Option<&'a T>> {
    let mut at = 0;
    let mut last: Option<&str> = None;
    ids.into_iter()
        .map(|id| {
            if last.is_some_and(|l| id < l) {
                at = sorted.partition_point(|x| key(x) < id);
            }
            last = Some(id);
            while at < sorted.len() && key(&sorted[at]) < id {
                at += 1;
            }
            sorted.get(at).filter(|x| key(x) == id)
        })
        .collect()
}

/// Results of every school by school id (test oracles: the results as rows).
#[cfg(test)]
pub type BySchool<'a> = BTreeMap<&'a str, Vec<&'a ResultRow>>;

/// Results of every school by id, in the frame's order (test oracles).
#[cfg(test)]
pub fn by_school(ds: &Dataset) -> BySchool<'_> {
    let mut out: BySchool = BTreeMap::new();
    for r in ds.result_rows() {
        out.entry(&*r.school_id).or_default().push(r);
    }
    out
}

/// The distinct school ids of a results frame, ascending. Errors: no `school_id` text column.
pub fn school_ids(
    results: &polars::prelude::DataFrame,
) -> polars::prelude::PolarsResult<Vec<String>> {
    use crate::model::schema::col as k;
    use polars::prelude::*;
    // a school's rows come in runs (the model's order): the first row of each run, then the
    // distinct ids of those (a hash of ~10× fewer rows)
    let id = || col(k::SCHOOL_ID);
    let df = results
        .clone()
        .lazy()
        .select([id()])
        .filter(id().neq_missing(id().shift(lit(1))))
        .select([id().unique().sort(Default::default())])
        .collect()?;
    Ok(df
        .column(k::SCHOOL_ID)?
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect())
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

#[cfg(test)]
mod tests {
    use super::find_sorted;

    #[test]
    fn school_ids_are_distinct_and_ascending_whatever_the_runs() {
        use polars::prelude::*;
        let ids = ["b", "b", "a", "c", "b", "a", "a", "c"];
        let df = df!(crate::model::schema::col::SCHOOL_ID => ids).unwrap();
        assert_eq!(super::school_ids(&df).unwrap(), ["a", "b", "c"]);
        let empty = df.head(Some(0));
        assert!(super::school_ids(&empty).unwrap().is_empty());
    }

    #[test]
    fn find_sorted_merges_and_searches_back() {
        let sorted = ["edu1", "edu3", "edu5", "edu7"];
        let found = |ids: &[&'static str]| -> Vec<Option<&str>> {
            find_sorted(&sorted, |s| s, ids.iter().copied())
                .into_iter()
                .map(|x| x.copied())
                .collect()
        };
        assert_eq!(
            found(&["edu0", "edu1", "edu2", "edu5", "edu5", "edu9"]),
            [None, Some("edu1"), None, Some("edu5"), Some("edu5"), None]
        );
        // ids that step back are found too
        assert_eq!(
            found(&["edu7", "edu3", "edu1", "edu4", "edu7"]),
            [Some("edu7"), Some("edu3"), Some("edu1"), None, Some("edu7")]
        );
        assert_eq!(found(&[]), Vec::<Option<&str>>::new());
    }

    #[test]
    fn year_rows_of_the_frame_equal_the_rows_of_each_school() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/region");
        let l = crate::input::load_paths(&[dir], &Default::default()).unwrap();
        let frames = crate::model::frames::build(&l.data).unwrap();
        let bs = super::by_school(&l.data);
        for year in [2024, 2025] {
            let yr = super::YearRows::new(&frames.results, year).unwrap();
            let got: Vec<(&str, Vec<super::ProcRow>)> = yr
                .schools()
                .into_iter()
                .map(|(sid, spans)| (sid, yr.rows_of(spans)))
                .collect();
            let want: Vec<(&str, Vec<super::ProcRow>)> = bs
                .iter()
                .map(|(sid, rows)| {
                    let of_years = rows
                        .iter()
                        .filter(|r| r.year == year || r.year == year - 1)
                        .map(|r| super::ProcRow::of(r));
                    (*sid, of_years.collect::<Vec<_>>())
                })
                .filter(|(_, rows)| !rows.is_empty())
                .collect();
            assert!(want.len() > 100, "{}", want.len());
            assert_eq!(got, want, "{year}");
        }
    }

    #[test]
    fn pooled_by_polars_equals_pooled_row_by_row() {
        use crate::config::Config;
        use crate::model::domain::Assessment;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/region");
        let l = crate::input::load_paths(&[dir], &Default::default()).unwrap();
        let frames = crate::model::frames::build(&l.data).unwrap();
        let bs = super::by_school(&l.data);
        for (window, min, assessments) in [
            (vec![2024, 2025], 5, vec![]),
            (vec![2023, 2024, 2025], 20, vec![Assessment::Vpr]),
        ] {
            let mut cfg = Config::default();
            cfg.stage1.min_participants = min;
            cfg.stage1.assessments = assessments;
            let all = super::pooled_all(&frames.results, &window, &cfg).unwrap();
            let mut compared = 0;
            for (sid, rows) in &bs {
                let one = super::pool(rows, &window, &cfg);
                let p = all.get(*sid).copied().unwrap_or_default();
                let key = |p: &super::Pooled| (p.total_all, p.part, p.n2, p.qpart, p.q45);
                assert_eq!(key(&p), key(&one), "{sid}");
                compared += (one.total_all > 0) as usize;
            }
            assert!(compared > 100, "{compared}");
        }
    }

    /// Fresh-eyes #10: ЕГЭ's count below the minimum is no mark «2», and a list's label says so.
    #[test]
    fn below_min_kind_tells_marks_thresholds_and_a_mix() {
        use super::{below_min_kind, BelowMin};
        use polars::prelude::*;
        let f = |a: &[&str], n2: &[Option<i32>]| {
            let years = vec![2025i32; a.len()];
            df!("year" => years, "assessment" => a, "n2" => n2).unwrap()
        };
        let kind = |df: &DataFrame| below_min_kind(df, &[2024, 2025]).unwrap();
        assert_eq!(
            kind(&f(&["ЕГЭ", "ЕГЭ"], &[Some(1), Some(0)])),
            BelowMin::Threshold
        );
        assert_eq!(
            kind(&f(&["ВПР", "ОГЭ"], &[Some(1), Some(0)])),
            BelowMin::Mark2
        );
        assert_eq!(
            kind(&f(&["ЕГЭ", "ОГЭ"], &[Some(1), Some(0)])),
            BelowMin::Mixed
        );
        // a row with no count below the minimum (ЕГЭ high scores only) does not decide
        assert_eq!(kind(&f(&["ЕГЭ", "ОГЭ"], &[None, Some(0)])), BelowMin::Mark2);
        assert_eq!(
            below_min_kind(&f(&["ЕГЭ"], &[Some(1)]), &[2023]).unwrap(),
            BelowMin::Mark2
        );
    }
}
