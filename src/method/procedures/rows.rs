//! The procedures stage 1 judges: the rows of a year pair read from the results frame
//! ([`YearRows`]) and those of a year that count ([`judged_procs`]).
use crate::config::Config;
use crate::model::Count;
#[cfg(test)]
use crate::model::ResultRow;

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
        // a school's rows told apart by its integer key when the frame has it (equal for one
        // id, distinct between ids): no comparison of texts per row
        let key = crate::model::frames::SCHOOL_KEY;
        let (school, read) = match results.schema().contains(key) {
            true => (key, vec![col(k::SCHOOL_ID), col(key), col(k::YEAR)]),
            false => (k::SCHOOL_ID, vec![col(k::SCHOOL_ID), col(k::YEAR)]),
        };
        let segments = results
            .clone()
            .lazy()
            .select(read)
            .with_row_index(row, None)
            .filter(changed(school).or(changed(k::YEAR)))
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
        let mut out = Vec::new();
        self.rows_into(spans, &mut out);
        out
    }
    /// Whether the rows of one school (`spans`: its handle from [`YearRows::schools`]) hold
    /// some of `year`: a span is one year's rows, its first row's year is the span's.
    pub fn has_year(&self, spans: std::ops::Range<usize>, year: i32) -> bool {
        use polars::prelude::StaticArray;
        let Some(years) = self.cols.year.downcast_get(0) else {
            return false;
        };
        self.spans[spans]
            .iter()
            .any(|s| !s.is_empty() && years.get(s.start) == Some(year))
    }
    /// [`YearRows::rows_of`] into `out` (cleared first): a buffer reused from school to school
    /// is not allocated and freed for each.
    pub fn rows_into<'s>(&'s self, spans: std::ops::Range<usize>, out: &mut Vec<ProcRow<'s>>) {
        use polars::prelude::StaticArray;
        out.clear();
        let c = &self.cols;
        // each column is one chunk (`YearRows::new`): its array read directly, not through the
        // chunked array's lookup of a row's chunk
        let (Some(sid), Some(assessment), Some(subject)) = (
            c.sid.downcast_get(0),
            c.assessment.downcast_get(0),
            c.subject.downcast_get(0),
        ) else {
            return;
        };
        let (Some(year), Some(grade), Some(participants), Some(n2)) = (
            c.year.downcast_get(0),
            c.grade.downcast_get(0),
            c.participants.downcast_get(0),
            c.n2.downcast_get(0),
        ) else {
            return;
        };
        let spans = &self.spans[spans];
        // sized up front; each span one exact-size extension (a flattened range does not tell
        // its length); a span's rows are one school's: its id read once
        out.reserve(spans.iter().map(|r| r.len()).sum());
        for span in spans {
            let school_id = sid.get(span.start).unwrap_or_default();
            out.extend(span.clone().map(|i| ProcRow {
                school_id,
                year: year.get(i).unwrap_or_default(),
                assessment: assessment.get(i).unwrap_or_default(),
                subject: subject.get(i).unwrap_or_default(),
                grade: grade.get(i).unwrap_or_default(),
                participants: participants.get(i).unwrap_or_default(),
                n2: n2.get(i),
            }));
        }
    }
}
