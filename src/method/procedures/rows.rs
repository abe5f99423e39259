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

/// The rows of years Y−1 and Y of the results frame, by school id (ascending; each school's rows
/// in the frame's order): what stage 1 reads of a school. `results`: the canonical results frame
/// (`schema::results`, derived columns allowed). Errors: a missing declared column (a bug).
///
/// The rows are read straight from the frame's columns (no filtered copy of the frame) and put in
/// school order by a stable sort: the model's frame is in year-then-school order
/// (`model::order`), so the two years are two sorted runs, which the sort merges in one pass.
pub struct YearRows {
    df: polars::prelude::DataFrame,
    year: i32,
}

impl YearRows {
    pub fn new(
        results: &polars::prelude::DataFrame,
        year: i32,
    ) -> polars::prelude::PolarsResult<YearRows> {
        Ok(YearRows {
            df: results.clone(),
            year,
        })
    }
    /// The rows, in school order (group them with `chunk_by` on `school_id`).
    pub fn rows(&self) -> polars::prelude::PolarsResult<Vec<ProcRow<'_>>> {
        use crate::model::schema::col as k;
        let d = &self.df;
        let (sid, year, asm, subj) = (
            d.column(k::SCHOOL_ID)?.str()?,
            d.column(k::YEAR)?.i32()?,
            d.column(k::ASSESSMENT)?.str()?,
            d.column(k::SUBJECT)?.str()?,
        );
        let (grade, part, n2) = (
            d.column(k::GRADE)?.i32()?,
            d.column(k::PARTICIPANTS)?.i32()?,
            d.column(k::N2)?.i32()?,
        );
        let wanted = |y: Option<i32>| y == Some(self.year) || y == Some(self.year - 1);
        // sized once: the rows of a national year pair are ~65 MB, grown by doubling they were
        // twice that in fresh pages
        let mut rows: Vec<ProcRow> = Vec::with_capacity(year.iter().filter(|y| wanted(*y)).count());
        rows.extend(
            sid.iter()
                .zip(year.iter())
                .zip(asm.iter().zip(subj.iter()))
                .zip(grade.iter().zip(part.iter()).zip(n2.iter()))
                .filter(|(((_, y), _), _)| wanted(*y))
                .map(|(((s, y), (a, su)), ((g, p), n2))| ProcRow {
                    school_id: s.unwrap_or_default(),
                    year: y.unwrap_or_default(),
                    assessment: a.unwrap_or_default(),
                    subject: su.unwrap_or_default(),
                    grade: g.unwrap_or_default(),
                    participants: p.unwrap_or_default(),
                    n2,
                }),
        );
        rows.sort_by(|a, b| a.school_id.cmp(b.school_id));
        Ok(rows)
    }
}
