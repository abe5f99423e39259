//! The risk profiles a selection reads (METHOD.md §10 «Deficit from the risk profile»), found
//! when asked: stage 2 reads the profiles of its candidates only (a tenth of the schools), so
//! the frame's rows are indexed by school once and a school's profile folded from its rows when
//! stage 2 asks for it, not every school's folded up front ([`super::risk::profiles_with`]).
use super::risk::Profile;
use crate::model::frames::Frames;
use crate::model::schema::col as k;
use crate::model::RISK_FACTORS;
use anyhow::Result;
use polars::prelude::*;
use std::collections::BTreeMap;

/// The `risk_profiles` rows of each school, for its profile of one year with the levels of some
/// factors: the profile [`super::risk::profiles_with`] gives it (the school's newest profile up
/// to the year).
#[derive(Clone, Default)]
pub struct ProfileIndex {
    year: i32,
    /// The factors whose levels a profile keeps.
    factors: Vec<&'static str>,
    /// The frame's columns (none for an index without rows).
    cols: Option<Cols>,
    /// Each run of one school's rows (`start..end` of the frame), by school id; a school's runs
    /// in frame order (rows in the model's school-then-year order are one run per school).
    runs: Vec<std::ops::Range<usize>>,
}

#[derive(Clone)]
struct Cols {
    ids: StringChunked,
    years: Int32Chunked,
    factors: Int32Chunked,
    levels: Int32Chunked,
}

impl ProfileIndex {
    /// The index of `f.risk_profiles` for profiles of `year` with the levels of `factors`
    /// (names of `RISK_FACTORS`). Errors: the frame lacks a column of `schema::risk_profiles`
    /// (a bug).
    pub fn new(f: &Frames, year: i32, factors: &[&'static str]) -> Result<ProfileIndex> {
        let d = &f.risk_profiles;
        let id = || col(k::SCHOOL_ID);
        // where the id differs from the row before's: one polars comparison of the column
        let starts = d
            .clone()
            .lazy()
            .select([id().neq_missing(id().shift(lit(1))).alias("start")])
            .collect()?;
        let starts: Vec<usize> = (starts.column("start")?.bool()?.iter())
            .enumerate()
            .filter(|(_, s)| *s == Some(true))
            .map(|(i, _)| i)
            .collect();
        let ends = starts.iter().skip(1).copied().chain([d.height()]);
        let mut runs: Vec<std::ops::Range<usize>> =
            starts.iter().zip(ends).map(|(&s, e)| s..e).collect();
        let ids = d.column(k::SCHOOL_ID)?.str()?.clone();
        let id_of = |r: &std::ops::Range<usize>| ids.get(r.start).unwrap_or("");
        // stable: a school's runs stay in frame order; ids sorted already cost one pass
        if !runs.is_sorted_by(|a, b| id_of(a) <= id_of(b)) {
            runs.sort_by(|a, b| id_of(a).cmp(id_of(b)));
        }
        // each column in one chunk, so that `of` reads a row from its array directly, not
        // through the chunked array's lookup of the row's chunk
        let int =
            |c: &str| -> Result<Int32Chunked> { Ok(d.column(c)?.i32()?.rechunk().into_owned()) };
        let cols = Cols {
            years: int(k::YEAR)?,
            factors: int(k::FACTOR)?,
            levels: int(k::LEVEL)?,
            ids: ids.rechunk().into_owned(),
        };
        Ok(ProfileIndex {
            year,
            factors: factors.to_vec(),
            cols: Some(cols),
            runs,
        })
    }
    /// The same index for profiles of `year` with the levels of `factors`, when it keeps those
    /// factors: its runs and columns shared, not found again (the runs do not depend on the
    /// year); `None` for an index built with other factors or without a frame.
    pub fn at_year(&self, year: i32, factors: &[&'static str]) -> Option<ProfileIndex> {
        (self.cols.is_some() && self.factors == factors).then(|| ProfileIndex {
            year,
            ..self.clone()
        })
    }
    /// The profile of school `sid`: the year of its newest rows up to the index's year, with
    /// the levels of the index's factors in those rows (a later row of a factor over an
    /// earlier); `None` without such a level.
    pub fn of(&self, sid: &str) -> Option<Profile> {
        let c = self.cols.as_ref()?;
        // one chunk each (`ProfileIndex::new`); an empty frame may have none, and no runs
        let (ids, years) = (c.ids.downcast_get(0)?, c.years.downcast_get(0)?);
        let (factors, levels) = (c.factors.downcast_get(0)?, c.levels.downcast_get(0)?);
        let id_of = |r: &std::ops::Range<usize>| ids.get(r.start).unwrap_or("");
        let first = self.runs.partition_point(|r| id_of(r) < sid);
        let mut acc: Profile = (i32::MIN, BTreeMap::new());
        for run in self.runs[first..].iter().take_while(|r| id_of(r) == sid) {
            for i in run.clone() {
                let Some(y) = years.get(i).filter(|y| *y <= self.year) else {
                    continue;
                };
                if y > acc.0 {
                    acc = (y, BTreeMap::new());
                }
                let name = (factors.get(i))
                    .and_then(|fa| usize::try_from(fa).ok())
                    .and_then(|j| RISK_FACTORS.get(j).copied())
                    .filter(|name| self.factors.contains(name));
                if let (true, Some(name), Some(lv)) = (y == acc.0, name, levels.get(i)) {
                    acc.1.insert(name, u8::try_from(lv).unwrap_or(u8::MAX));
                }
            }
        }
        (!acc.1.is_empty()).then_some(acc)
    }
}

#[cfg(test)]
mod tests {
    use super::ProfileIndex;
    use crate::model::{Dataset, RiskRow, RISK_FACTORS};

    fn row(sid: &str, year: i32, factor: u8, level: u8) -> RiskRow {
        RiskRow::new(sid, year, factor, level)
    }

    /// Every school's profile of the index equals `risk::profiles_with`'s, in each year and for
    /// each set of factors, on rows in and out of school order (runs split, later years skipped).
    #[test]
    fn profiles_found_when_asked_are_those_of_every_school_at_once() {
        let rows = [
            row("edu220001", 2023, 0, 2),
            row("edu220002", 2024, 1, 1),
            row("edu220001", 2024, 0, 1),
            row("edu220001", 2022, 3, 1),
            row("edu220001", 2026, 3, 1),
            row("edu220002", 2024, 2, 2),
            row("edu220001", 2024, 4, 0),
            row("edu220003", 2025, 4, 0),
            row("edu220001", 2023, 5, 2),
            row("edu220001", 2024, 0, 2),
            row("edu220004", 2023, 0, 0),
            row("edu220004", 2024, 9, 1),
        ];
        let mut sorted = rows.to_vec();
        sorted.sort_by(|a, b| (&a.school_id, a.year).cmp(&(&b.school_id, b.year)));
        let factor_sets: [&[&'static str]; 3] = [
            &[RISK_FACTORS[0], RISK_FACTORS[4]],
            &[RISK_FACTORS[1], RISK_FACTORS[2], RISK_FACTORS[5]],
            &[RISK_FACTORS[9]],
        ];
        for rows in [&rows[..], &sorted[..]] {
            let ds = Dataset {
                risk: crate::model::frames::risk_frame(rows).unwrap(),
                ..Default::default()
            };
            let f = crate::model::frames::build(&ds).unwrap();
            for year in 2021..=2026 {
                for factors in factor_sets {
                    let all = crate::method::risk::profiles_with(&f, year, factors).unwrap();
                    let index = ProfileIndex::new(&f, year, factors).unwrap();
                    // the index of another year moved to this one: the same profiles
                    let moved = ProfileIndex::new(&f, 2021, factors).unwrap();
                    let moved = moved.at_year(year, factors).unwrap();
                    for sid in ["edu220001", "edu220002", "edu220003", "edu220004", "edu9"] {
                        assert_eq!(index.of(sid), all.get(sid).cloned(), "{sid} {year}");
                        assert_eq!(moved.of(sid), all.get(sid).cloned(), "{sid} {year}");
                    }
                    // an index of other factors is not moved
                    assert!(index.at_year(year, &[RISK_FACTORS[7]]).is_none());
                }
            }
        }
        assert_eq!(ProfileIndex::default().of("edu220001"), None);
        assert!(ProfileIndex::default()
            .at_year(2024, &[RISK_FACTORS[0]])
            .is_none());
    }
}
