//! Schools of the results frame: their ids ([`school_ids`]), a lookup by id in a sorted list
//! ([`find_sorted`]) and, for test oracles, the results by school ([`by_school`]).
#[cfg(test)]
use crate::model::{Dataset, ResultRow};
#[cfg(test)]
use std::collections::BTreeMap;

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
        // `unique_stable` then the sort: the same ids, in half the time of `unique` here
        .select([id().unique_stable().sort(Default::default())])
        .collect()?;
    Ok(df
        .column(k::SCHOOL_ID)?
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect())
}
