//! The model's row order: one pass that checks loaded results are already in it (and collects
//! what the identity checks need), the sorts and de-duplication when they are not, and the order
//! of risk-profile rows.
use super::{Dataset, Sym};
use crate::error::data;
use crate::input::report::Warnings;
use crate::input::Opts;
use anyhow::Result;

/// What one pass over the loaded results tells: whether they are already in the model's order with
/// no repeated key, the municipalities they name, and each school's first row (school,
/// municipality) in row order. A row repeats the previous row's school and municipality far more
/// often than not; one seen before is found by its symbol, not its text.
pub(super) struct Scan {
    pub(super) in_order: bool,
    pub(super) municipalities: polars::prelude::PlHashSet<Sym>,
    pub(super) firsts: Vec<(Sym, Sym)>,
}

/// The model's order of result rows: year, school, then the procedure (grade before subject);
/// source and line make it total. Symbols compare as numbers when equal, else by their text.
fn order(r: &super::ResultRow) -> (i32, Sym, Sym, i32, Sym, Sym, u32) {
    (
        r.year,
        r.school_id,
        r.assessment,
        r.grade,
        r.subject,
        r.source,
        r.line,
    )
}

/// `scan` of consecutive chunks on as many threads (one per core), joined: the same as one pass.
pub(super) fn scan(results: &[super::ResultRow]) -> Scan {
    let threads = crate::parallel::cores();
    scan_in_chunks(results, results.len().div_ceil(threads).max(1 << 16))
}

fn scan_in_chunks(results: &[super::ResultRow], size: usize) -> Scan {
    let chunks: Vec<&[super::ResultRow]> = results.chunks(size).collect();
    if chunks.len() < 2 {
        return scan_chunk(results);
    }
    let scans = crate::parallel::map_in_order(&chunks, |c| scan_chunk(c));
    let mut out = Scan {
        in_order: true,
        municipalities: Default::default(),
        firsts: Vec::new(),
    };
    let mut schools = polars::prelude::PlHashSet::default();
    for (k, s) in scans.into_iter().enumerate() {
        if k > 0 {
            let (p, r) = (chunks[k - 1].last().unwrap(), &chunks[k][0]);
            out.in_order &= order(p) < order(r) && p.key() != r.key();
        }
        out.in_order &= s.in_order;
        out.municipalities.extend(s.municipalities);
        // a school's first row is in the first chunk that names it
        out.firsts
            .extend(s.firsts.into_iter().filter(|(sid, _)| schools.insert(*sid)));
    }
    out
}

fn scan_chunk(results: &[super::ResultRow]) -> Scan {
    let mut out = Scan {
        in_order: true,
        municipalities: Default::default(),
        firsts: Vec::new(),
    };
    let mut schools = polars::prelude::PlHashSet::default();
    let (mut last_school, mut last_mun): (Option<Sym>, Option<Sym>) = (None, None);
    let mut prev: Option<&super::ResultRow> = None;
    for r in results {
        if let Some(p) = prev.filter(|_| out.in_order) {
            out.in_order = order(p) < order(r) && p.key() != r.key();
        }
        prev = Some(r);
        if last_mun != Some(r.municipality) {
            last_mun = Some(r.municipality);
            out.municipalities.insert(r.municipality);
        }
        if last_school != Some(r.school_id) {
            last_school = Some(r.school_id);
            if schools.insert(r.school_id) {
                out.firsts.push((r.school_id, r.municipality));
            }
        }
    }
    out
}

/// Rank of each distinct interned text in sorted order, by the address of its allocation (rows
/// share one allocation per text; equal texts in two allocations get the same rank).
fn rank(texts: Vec<Sym>) -> polars::prelude::PlHashMap<Sym, u32> {
    let mut sorted: Vec<&str> = texts.iter().map(|a| a.as_str()).collect();
    sorted.sort_unstable();
    sorted.dedup();
    texts
        .into_iter()
        .map(|a| (a, sorted.binary_search(&a.as_str()).unwrap() as u32))
        .collect()
}

/// Indices of `keys` in key order: a counting sort by (year, school) buckets, then each bucket's
/// few rows by the whole key; a plain sort when the years span too widely for buckets.
fn sort_order(keys: &[(i32, u32, u32, i32, u32, u32, u32)], schools: usize) -> Vec<u32> {
    let mut order: Vec<u32> = (0..keys.len() as u32).collect();
    let (y0, y1) = keys
        .iter()
        .fold((i32::MAX, i32::MIN), |(a, b), k| (a.min(k.0), b.max(k.0)));
    let buckets = ((y1 - y0 + 1).max(1) as usize).saturating_mul(schools);
    if keys.is_empty() || buckets > 4 * keys.len() + 1024 {
        order.sort_unstable_by_key(|&i| keys[i as usize]);
        return order;
    }
    let bucket =
        |k: &(i32, u32, u32, i32, u32, u32, u32)| (k.0 - y0) as usize * schools + k.1 as usize;
    let mut start = vec![0u32; buckets + 1];
    for k in keys {
        start[bucket(k) + 1] += 1;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    let mut next = start.clone();
    for (i, k) in keys.iter().enumerate() {
        let b = bucket(k);
        order[next[b] as usize] = i as u32;
        next[b] += 1;
    }
    for w in start.windows(2) {
        order[w[0] as usize..w[1] as usize].sort_unstable_by_key(|&i| keys[i as usize]);
    }
    order
}

/// Risk rows by school, year and the factors' canonical order; rows already in that order (files
/// written that way) are only checked.
pub fn order_risk(risk: &mut Vec<super::RiskRow>) {
    let in_order = |a: &super::RiskRow, b: &super::RiskRow| {
        (a.school_id, a.year, a.factor) <= (b.school_id, b.year, b.factor)
    };
    if !risk.is_sorted_by(in_order) {
        sort_risk(risk);
    }
}

/// Risk rows by school, year and the factors' canonical order: schools ranked by text once, a
/// counting sort by that rank (file order kept within a school), then each school's few rows.
fn sort_risk(risk: &mut Vec<super::RiskRow>) {
    let mut ids: Vec<Sym> = Vec::new();
    let mut seen = polars::prelude::PlHashSet::default();
    let mut last = None;
    for r in risk.iter() {
        if last != Some(r.school_id) && seen.insert(r.school_id) {
            ids.push(r.school_id);
        }
        last = Some(r.school_id);
    }
    ids.sort_unstable();
    let rank: polars::prelude::PlHashMap<Sym, u32> = ids
        .iter()
        .enumerate()
        .map(|(i, s)| (*s, i as u32))
        .collect();
    let mut last: Option<(Sym, u32)> = None;
    let ranks: Vec<u32> = risk
        .iter()
        .map(|r| match last {
            Some((s, k)) if s == r.school_id => k,
            _ => {
                let k = rank[&r.school_id];
                last = Some((r.school_id, k));
                k
            }
        })
        .collect();
    let mut start = vec![0usize; ids.len() + 1];
    for &k in &ranks {
        start[k as usize + 1] += 1;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    let mut next = start.clone();
    let mut order = vec![0u32; risk.len()];
    for (i, &k) in ranks.iter().enumerate() {
        order[next[k as usize]] = i as u32;
        next[k as usize] += 1;
    }
    drop(ranks);
    // a school's rows keep their file order: already by year and factor in most exports
    let key = |i: &u32| {
        let r = &risk[*i as usize];
        (r.year, r.factor)
    };
    for w in start.windows(2) {
        let bucket = &mut order[w[0]..w[1]];
        if !bucket.is_sorted_by_key(key) {
            bucket.sort_by_key(key);
        }
    }
    // gathered into a new vector: reads follow a few sequential streams (a year-major file has
    // one per year), where moving rows in place along the permutation's cycles jumps at random
    *risk = order.iter().map(|&i| risk[i as usize]).collect();
}

/// Reorder in place so that `v[j]` becomes the old `v[order[j]]` (cycle by cycle, no second copy).
fn permute<T>(v: &mut [T], mut order: Vec<u32>) {
    for start in 0..v.len() {
        let mut j = start;
        while order[j] as usize != start && order[j] as usize != j {
            let k = order[j] as usize;
            v.swap(j, k);
            order[j] = j as u32;
            j = k;
        }
        order[j] = j as u32;
    }
}

/// Sort and de-duplicate the results unless one pass found them in order with no repeated key.
pub(super) fn dedup_results(
    ds: &mut Dataset,
    opts: &Opts,
    warnings: &mut Warnings,
    in_order: bool,
) -> Result<()> {
    if in_order {
        return Ok(());
    }
    // texts ranked once, rows sorted by integer keys; source and line make the key total
    let distinct = |f: &dyn Fn(&super::ResultRow) -> Sym| {
        let mut out: Vec<Sym> = Vec::new();
        let mut seen = polars::prelude::PlHashSet::default();
        let mut last: Option<Sym> = None;
        for r in &ds.results {
            let a = f(r);
            if last != Some(a) {
                if seen.insert(a) {
                    out.push(a);
                }
                last = Some(a);
            }
        }
        out
    };
    let (ids, ass, subj, src) = (
        rank(distinct(&|r| r.school_id)),
        rank(distinct(&|r| r.assessment)),
        rank(distinct(&|r| r.subject)),
        rank(distinct(&|r| r.source)),
    );
    // year, school, then the procedure (grade before subject): the order national exports are
    // written in, so that they need no sort
    let keys: Vec<(i32, u32, u32, i32, u32, u32, u32)> = ds
        .results
        .iter()
        .map(|r| {
            (
                r.year,
                ids[&r.school_id],
                ass[&r.assessment],
                r.grade,
                subj[&r.subject],
                src[&r.source],
                r.line,
            )
        })
        .collect();
    if !keys.is_sorted() {
        let order = sort_order(&keys, ids.len());
        drop(keys);
        permute(&mut ds.results, order);
    }
    // in place: no second copy of the results at national scale
    let mut conflict: Option<String> = None;
    ds.results.dedup_by(|r, last| {
        if last.key() != r.key() || conflict.is_some() {
            return false;
        }
        if last.same_values(r) {
            warnings.add(
                "exact repeated result row dropped",
                format!("{} {} {} {} {} кл.", r.year, r.school_id, r.assessment, r.subject, r.grade),
            );
            return true;
        }
        let msg = format!(
            "{}, row {}: a second, different row for school {} and procedure {} {} {} кл. {} (first in {}, row {}): participants {} vs {}, «2» {:?} vs {:?}",
            r.source, r.line, r.school_id, r.assessment, r.subject, r.grade, r.year, last.source, last.line,
            last.participants, r.participants, last.n2.get(), r.n2.get()
        );
        if opts.lenient {
            warnings.add("conflicting duplicate row skipped (--lenient)", msg);
            true
        } else {
            conflict = Some(msg);
            false
        }
    });
    match conflict {
        Some(msg) => Err(data(msg)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ResultRow;

    #[test]
    fn chunked_scan_is_one_pass() {
        let row = |y, sid: &str, subj: &str, mun: &str| ResultRow {
            municipality: Sym::new(mun),
            ..ResultRow::for_test(y, sid, subj, 10, 1)
        };
        let ordered = vec![
            row(2024, "edu000001", "математика", "А"),
            row(2024, "edu000001", "русский язык", "А"),
            row(2024, "edu000002", "математика", "Б"),
            row(2025, "edu000001", "математика", "В"),
            row(2025, "edu000002", "математика", "Б"),
            row(2025, "edu000003", "математика", "Г"),
            row(2025, "edu000003", "русский язык", "Г"),
        ];
        // out of order only across a chunk boundary (rows 2 | 3 with chunks of 3), and a repeat
        let mut swapped = ordered.clone();
        swapped.swap(2, 3);
        let mut repeated = ordered.clone();
        repeated[3] = repeated[2];
        for rows in [ordered, swapped, repeated] {
            let one = scan_chunk(&rows);
            for size in 1..=rows.len() {
                let s = scan_in_chunks(&rows, size);
                assert_eq!(s.in_order, one.in_order, "chunks of {size}");
                assert_eq!(s.municipalities, one.municipalities);
                assert_eq!(s.firsts, one.firsts);
            }
        }
    }

    #[test]
    fn the_rank_sort_gives_the_order_the_one_pass_check_expects() {
        // two definitions of one order (ranks for sorting, texts for the check): they must agree,
        // including for equal texts held in different allocations
        let mut rows = Vec::new();
        for (i, (y, sid, subj, g)) in [
            (2025, "edu000002", "русский язык", 4),
            (2024, "edu000001", "математика", 5),
            (2025, "edu000001", "русский язык", 4),
            (2025, "edu000001", "математика", 4),
            (2024, "edu000002", "математика", 4),
            (2025, "edu000001", "математика", 5),
        ]
        .into_iter()
        .enumerate()
        {
            rows.push(ResultRow {
                grade: g,
                source: Sym::new("f.csv"),
                line: i as u32 + 2,
                ..ResultRow::for_test(y, sid, subj, 10, 1)
            });
        }
        let mut ds = Dataset {
            results: rows,
            ..Default::default()
        };
        assert!(!scan(&ds.results).in_order);
        dedup_results(&mut ds, &Opts::default(), &mut Warnings::default(), false).unwrap();
        let got: Vec<(i32, &str, i32, &str)> = ds
            .results
            .iter()
            .map(|r| (r.year, &*r.school_id, r.grade, &*r.subject))
            .collect();
        assert_eq!(
            got,
            vec![
                (2024, "edu000001", 5, "математика"),
                (2024, "edu000002", 4, "математика"),
                (2025, "edu000001", 4, "математика"),
                (2025, "edu000001", 4, "русский язык"),
                (2025, "edu000001", 5, "математика"),
                (2025, "edu000002", 4, "русский язык"),
            ]
        );
        // once sorted, the one-pass check accepts the rows as they are
        let scanned = scan(&ds.results);
        assert!(scanned.in_order);
        let firsts: Vec<&str> = scanned.firsts.iter().map(|(s, _)| &**s).collect();
        assert_eq!(firsts, vec!["edu000001", "edu000002"]);
    }

    #[test]
    fn risk_rows_sort_by_school_year_and_factor() {
        use crate::model::{RiskRow, Sym, RISK_FACTORS};
        // year-major, factors reversed: the way a regional export may come
        let mut rows = Vec::new();
        for year in [2025, 2024] {
            for sid in ["edu220002", "edu110001", "edu220001"] {
                for f in (7..RISK_FACTORS.len() as u8).rev() {
                    rows.push(RiskRow {
                        school_id: Sym::new(sid),
                        year,
                        factor: f,
                        level: 1,
                    });
                }
            }
        }
        let mut expected = rows.clone();
        expected.sort_by_key(|r| (r.school_id.to_string(), r.year, r.factor));
        super::sort_risk(&mut rows);
        assert_eq!(rows, expected);
        assert_eq!(&*rows[0].school_id, "edu110001");
        assert_eq!(rows[0].factor_name(), RISK_FACTORS[7]);
    }

    #[test]
    fn permute_follows_cycles() {
        let mut v = vec!['a', 'b', 'c', 'd', 'e'];
        super::permute(&mut v, vec![3, 0, 4, 1, 2]);
        assert_eq!(v, vec!['d', 'a', 'e', 'b', 'c']);
        let mut w = vec![1, 2, 3];
        super::permute(&mut w, vec![0, 1, 2]);
        assert_eq!(w, vec![1, 2, 3]);
    }
}
