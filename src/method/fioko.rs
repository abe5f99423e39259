//! ФИОКО's objectivity markers and the region's objectivity index (METHOD.md §6; ФИОКО,
//! «Методика расчета показателя „Уровень объективности оценки образовательных результатов в
//! субъекте Российской Федерации“» and its appendix «Математический алгоритм маркировки
//! образовательных организаций»).
//!
//! Per (region, year, procedure) of [`PROCEDURES`] and school, from the canonical frames
//! `histograms` (participants per primary score), `mark_scores` (pupils per school mark and
//! primary score) and `maxima` (each procedure's maximum primary score):
//! - `inflated_mean`: the school's interval x̄ ± t·s/√m lies above the region's (lower end > the
//!   region's upper end); s divides by m − 1; schools with m < 2 are not judged.
//! - `marks_mismatch`: Spearman's r_s between school mark and primary score < 0; not judged with
//!   fewer than 3 pupils having both, or a constant variable.
//! - `cohort_drop` / `cohort_rise`: K = S(4, Y−1) / S(5, Y), S = mean share of the maximum score;
//!   K above Q3 + k·IQR (drop) or below Q1 − k·IQR (rise) over the region's schools with K
//!   (type-7 quantiles); S(5, Y) = 0 leaves K undefined (not judged). Marked in year Y, on the
//!   grade-5 procedure.
//!
//! Sums per school are polars group-bys; the interval, r_s and the quartiles are the kernels here.
use super::frame::{floats, ints, texts, with_region, REGION};
use super::objectivity::Flag;
use crate::config::Objectivity;
use crate::model::domain::Marker;
use crate::model::frames::Frames;
use crate::model::schema::col as k;
use crate::output::r6;
use anyhow::Result;
use polars::prelude::*;
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// The procedures the method looks at: ВПР (subject, grade). ОГЭ русский язык and математика
/// join them when a per-pupil ОГЭ loader gives their scores (none does yet).
pub const PROCEDURES: [(&str, i32); 4] = [
    ("русский язык", 4),
    ("математика", 4),
    ("русский язык", 5),
    ("математика", 5),
];

/// The four markers, in report order.
pub const MARKERS: [Marker; 4] = [
    Marker::InflatedMean,
    Marker::MarksMismatch,
    Marker::CohortDrop,
    Marker::CohortRise,
];

/// How many schools a marker judged and how many it marked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub judged: usize,
    pub marked: usize,
}

/// One procedure of a region-year: its schools with participants, the region's interval and
/// each marker's tally.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProcedureTally {
    /// «ВПР математика 4 кл.».
    pub procedure: String,
    /// The procedure's grade (4 or 5), for readers that tell the grades apart (not in JSON: the
    /// label says it).
    #[serde(skip)]
    pub grade: i32,
    pub schools: usize,
    pub pupils: i64,
    /// The region's mean primary score and its interval (points); absent with < 2 pupils.
    pub region_mean: Option<f64>,
    pub region_interval: Option<[f64; 2]>,
    /// The cohort markers' critical values [Q1 − k·IQR, Q3 + k·IQR] of K (grade 5 only).
    pub cohort_critical: Option<[f64; 2]>,
    /// Per marker label: schools judged and marked.
    pub markers: BTreeMap<&'static str, Tally>,
}

/// The region's objectivity index of a year: 100 − percent of its schools (with participants in
/// the procedures looked at) marked by at least one sign.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionIndex {
    pub region: String,
    pub year: i32,
    pub schools: usize,
    pub marked_schools: usize,
    /// Percent (0–100), rounded to 6 decimals.
    pub index: f64,
    /// Per marker label: distinct schools judged and marked on any procedure.
    pub markers: BTreeMap<&'static str, Tally>,
    pub procedures: Vec<ProcedureTally>,
    /// An official marker table («Количество маркеров») covers the year: its markers replace
    /// these schools' computed flags (the tallies stay as computed).
    pub official: bool,
}

/// Spearman's r_s of pupils given as (x, y, count): average ranks for ties, then the Pearson
/// correlation of the ranks. `None` with fewer than 3 pupils or when x or y is constant.
pub fn spearman(pupils: &[(i32, i32, i64)]) -> Option<f64> {
    let n: i64 = pupils.iter().map(|p| p.2).sum();
    if n < 3 {
        return None;
    }
    let rx = average_ranks(pupils.iter().map(|p| (p.0, p.2)));
    let ry = average_ranks(pupils.iter().map(|p| (p.1, p.2)));
    if rx.len() < 2 || ry.len() < 2 {
        return None;
    }
    let mean = (n as f64 + 1.0) / 2.0;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for &(x, y, c) in pupils {
        let (dx, dy) = (rx[&x] - mean, ry[&y] - mean);
        sxy += c as f64 * dx * dy;
        sxx += c as f64 * dx * dx;
        syy += c as f64 * dy * dy;
    }
    Some(sxy / (sxx * syy).sqrt())
}

/// The average rank (1-based) of each value among pupils given as (value, count).
fn average_ranks(values: impl Iterator<Item = (i32, i64)>) -> BTreeMap<i32, f64> {
    let mut counts: BTreeMap<i32, i64> = BTreeMap::new();
    for (v, c) in values {
        *counts.entry(v).or_default() += c;
    }
    let mut before = 0i64;
    counts
        .into_iter()
        .map(|(v, c)| {
            let r = before as f64 + (c as f64 + 1.0) / 2.0;
            before += c;
            (v, r)
        })
        .collect()
}

/// Sums of a group of pupils' primary scores: n, Σx, Σx² (exact integers).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sums {
    pub n: i64,
    pub sx: i64,
    pub sxx: i64,
}

impl Sums {
    pub fn add(&mut self, o: &Sums) {
        self.n += o.n;
        self.sx += o.sx;
        self.sxx += o.sxx;
    }
    pub fn mean(&self) -> f64 {
        self.sx as f64 / self.n as f64
    }
    /// Sample standard deviation (divisor n − 1); `None` with n < 2.
    pub fn sd(&self) -> Option<f64> {
        (self.n >= 2).then(|| {
            let num = (self.n * self.sxx - self.sx * self.sx) as f64;
            (num / (self.n * (self.n - 1)) as f64).max(0.0).sqrt()
        })
    }
    /// x̄ ± t·s/√n; `None` with n < 2.
    pub fn interval(&self, t: f64) -> Option<[f64; 2]> {
        let h = t * self.sd()? / (self.n as f64).sqrt();
        Some([self.mean() - h, self.mean() + h])
    }
}

/// The cohort ratio K = S(4, Y−1) / S(5, Y); `None` when S(5, Y) = 0.
pub fn cohort_k(s4_before: f64, s5: f64) -> Option<f64> {
    (s5 > 0.0).then(|| s4_before / s5)
}

/// The critical values [Q1 − k·IQR, Q3 + k·IQR] of `ks` (type-7 quartiles); `None` if empty.
pub fn critical(ks: &[f64], iqr_k: f64) -> Option<[f64; 2]> {
    if ks.is_empty() {
        return None;
    }
    let mut v = ks.to_vec();
    v.sort_by(f64::total_cmp);
    let (q1, q3) = (
        crate::stats::quantile_sorted(&v, 0.25),
        crate::stats::quantile_sorted(&v, 0.75),
    );
    Some([q1 - iqr_k * (q3 - q1), q3 + iqr_k * (q3 - q1)])
}

fn proc_name(subject: &str, grade: i32) -> String {
    format!("ВПР {subject} {grade} кл.")
}

/// (region, year, subject, grade)
type ProcKey = (String, i32, String, i32);

/// A school in a procedure.
type SchoolKey = (ProcKey, String);

/// r_s of a school in a procedure (`None`: not judged) and the pupils it used.
type Rs = BTreeMap<SchoolKey, (Option<f64>, i64)>;

/// The rows of `df` of the procedures looked at, with the region column.
fn looked_at(df: &DataFrame) -> Result<LazyFrame> {
    let of = PROCEDURES
        .iter()
        .map(|(s, g)| col(k::SUBJECT).eq(lit(*s)).and(col(k::GRADE).eq(lit(*g))))
        .reduce(|a, b| a.or(b))
        .unwrap_or(lit(false));
    let rows = df.clone().lazy().filter(of).collect()?;
    Ok(with_region(rows, k::SCHOOL_ID)?.lazy())
}

/// Per procedure and school (sorted): n, Σx, Σx² of the participants' primary scores and the
/// procedure's maximum (`max_score`, null when unknown).
fn school_sums(f: &Frames) -> Result<DataFrame> {
    let x = col(k::SCORE).cast(DataType::Int64);
    let c = col(k::COUNT);
    let mut by: Vec<&str> = vec![REGION, k::YEAR, k::SUBJECT, k::GRADE];
    by.push(k::SCHOOL_ID);
    let sums = looked_at(&f.histograms)?
        .group_by(by.iter().map(|s| col(*s)).collect::<Vec<_>>())
        .agg([
            c.clone().sum().alias("n"),
            (x.clone() * c.clone()).sum().alias("sx"),
            (x.clone() * x * c).sum().alias("sxx"),
        ]);
    let keys = [col(k::YEAR), col(k::SUBJECT), col(k::GRADE)];
    Ok(sums
        .join(
            f.maxima.clone().lazy(),
            keys.clone(),
            keys,
            JoinArgs::new(JoinType::Left),
        )
        .filter(col("n").gt(lit(0i64)))
        .sort(by, Default::default())
        .collect()?)
}

/// One school's row of `school_sums`.
struct SchoolSums {
    key: ProcKey,
    sid: String,
    sums: Sums,
    max: Option<f64>,
}

fn read_sums(df: &DataFrame) -> Result<Vec<SchoolSums>> {
    let (r, y, s, g) = (
        texts(df, REGION)?,
        ints(df, k::YEAR)?,
        texts(df, k::SUBJECT)?,
        ints(df, k::GRADE)?,
    );
    let (sid, n, sx, sxx) = (
        texts(df, k::SCHOOL_ID)?,
        ints(df, "n")?,
        ints(df, "sx")?,
        ints(df, "sxx")?,
    );
    let max = floats(df, k::MAX_SCORE)?;
    let int = |v: Option<i64>| v.and_then(|v| i32::try_from(v).ok()).unwrap_or(0);
    Ok((0..df.height())
        .map(|i| SchoolSums {
            key: (r[i].clone(), int(y[i]), s[i].clone(), int(g[i])),
            sid: sid[i].clone(),
            sums: Sums {
                n: n[i].unwrap_or(0),
                sx: sx[i].unwrap_or(0),
                sxx: sxx[i].unwrap_or(0),
            },
            max: max[i].filter(|m| *m > 0.0),
        })
        .collect())
}

/// r_s per (procedure, school) over its pupils with a school mark: (r_s or `None` when not
/// judged, pupils used). The rows are sorted by procedure and school and read run by run.
fn school_spearman(f: &Frames) -> Result<Rs> {
    let df = looked_at(&f.mark_scores)?
        .sort(
            [REGION, k::YEAR, k::SUBJECT, k::GRADE, k::SCHOOL_ID],
            Default::default(),
        )
        .collect()?;
    let (r, y, s, g) = (
        texts(&df, REGION)?,
        ints(&df, k::YEAR)?,
        texts(&df, k::SUBJECT)?,
        ints(&df, k::GRADE)?,
    );
    let (sid, m, sc, c) = (
        texts(&df, k::SCHOOL_ID)?,
        ints(&df, k::SCHOOL_MARK)?,
        ints(&df, k::SCORE)?,
        ints(&df, k::COUNT)?,
    );
    let int = |v: Option<i64>| v.and_then(|v| i32::try_from(v).ok()).unwrap_or(0);
    let same = |i: usize, j: usize| {
        (&sid[i], y[i], g[i], &s[i], &r[i]) == (&sid[j], y[j], g[j], &s[j], &r[j])
    };
    let mut out = Rs::new();
    let mut start = 0;
    for end in 1..=df.height() {
        if end < df.height() && same(start, end) {
            continue;
        }
        let pupils: Vec<(i32, i32, i64)> = (start..end)
            .map(|i| (int(m[i]), int(sc[i]), c[i].unwrap_or(0)))
            .collect();
        let used = pupils.iter().map(|x| x.2).sum();
        let key = (
            r[start].clone(),
            int(y[start]),
            s[start].clone(),
            int(g[start]),
        );
        out.insert((key, sid[start].clone()), (spearman(&pupils), used));
        start = end;
    }
    Ok(out)
}

/// The markers of one region-year, built up procedure by procedure.
struct Acc<'a> {
    o: &'a Objectivity,
    flags: &'a mut super::objectivity::Flags,
    /// (region, year) → schools with participants, and per marker the schools judged / marked.
    regions: BTreeMap<(String, i32), RegionAcc>,
}

#[derive(Default)]
struct RegionAcc {
    schools: BTreeSet<String>,
    judged: BTreeMap<&'static str, BTreeSet<String>>,
    marked: BTreeMap<&'static str, BTreeSet<String>>,
    procedures: Vec<ProcedureTally>,
}

impl Acc<'_> {
    fn region(&mut self, key: &ProcKey) -> &mut RegionAcc {
        self.regions.entry((key.0.clone(), key.1)).or_default()
    }

    /// Record that `marker` judged `sid` on `p`, and mark it with `numbers` when `marked`.
    fn judge(
        &mut self,
        key: &ProcKey,
        p: &mut ProcedureTally,
        sid: &str,
        marker: Marker,
        marked: Option<serde_json::Value>,
    ) {
        let t = p.markers.entry(marker.label()).or_default();
        t.judged += 1;
        let ra = self.region(key);
        ra.judged
            .entry(marker.label())
            .or_default()
            .insert(sid.to_string());
        let Some(numbers) = marked else {
            return;
        };
        p.markers.entry(marker.label()).or_default().marked += 1;
        self.region(key)
            .marked
            .entry(marker.label())
            .or_default()
            .insert(sid.to_string());
        self.flags
            .entry((sid.to_string(), key.1))
            .or_default()
            .push(Flag {
                marker: marker.label().into(),
                procedure: p.procedure.clone(),
                numbers,
                doubtful: true,
            });
    }
}

/// `inflated_mean` and `marks_mismatch` over the schools of one procedure (`rows`), and the
/// procedure's tally.
fn procedure_markers(acc: &mut Acc, key: &ProcKey, rows: &[SchoolSums], rs: &Rs) -> ProcedureTally {
    let t = acc.o.fioko_t;
    let mut region = Sums::default();
    rows.iter().for_each(|r| region.add(&r.sums));
    let ri = region.interval(t);
    let mut p = ProcedureTally {
        procedure: proc_name(&key.2, key.3),
        grade: key.3,
        schools: rows.len(),
        pupils: region.n,
        region_mean: (region.n >= 2).then(|| r6(region.mean())),
        region_interval: ri.map(|[a, b]| [r6(a), r6(b)]),
        cohort_critical: None,
        markers: MARKERS
            .iter()
            .map(|m| (m.label(), Tally::default()))
            .collect(),
    };
    for row in rows {
        acc.region(key).schools.insert(row.sid.clone());
        if let (Some(si), Some(ri)) = (row.sums.interval(t), ri) {
            let numbers = (si[0] > ri[1]).then(|| {
                json!({"pupils": row.sums.n, "mean": r6(row.sums.mean()), "sd": r6(row.sums.sd().unwrap_or(0.0)),
                    "interval": [r6(si[0]), r6(si[1])], "region_pupils": region.n, "region_mean": r6(region.mean()),
                    "region_sd": r6(region.sd().unwrap_or(0.0)), "region_interval": [r6(ri[0]), r6(ri[1])], "t": t})
            });
            acc.judge(key, &mut p, &row.sid, Marker::InflatedMean, numbers);
        }
        if let Some((Some(r), used)) = rs.get(&(key.clone(), row.sid.clone())) {
            let numbers = (*r < 0.0).then(|| json!({"r_s": r6(*r), "pupils": used}));
            acc.judge(key, &mut p, &row.sid, Marker::MarksMismatch, numbers);
        }
    }
    p
}

/// `cohort_drop` / `cohort_rise` of a grade-5 procedure (`rows`), against the same schools'
/// grade 4 of the year before (`s4`: (region, subject, year, school) → S).
fn cohort_markers(
    acc: &mut Acc,
    key: &ProcKey,
    rows: &[SchoolSums],
    s4: &BTreeMap<(String, String, i32, String), f64>,
    p: &mut ProcedureTally,
) {
    let ks: Vec<(&SchoolSums, f64, f64, f64)> = rows
        .iter()
        .filter_map(|row| {
            let s5 = row.sums.mean() / row.max?;
            let before = *s4.get(&(key.0.clone(), key.2.clone(), key.1 - 1, row.sid.clone()))?;
            Some((row, before, s5, cohort_k(before, s5)?))
        })
        .collect();
    let kv: Vec<f64> = ks.iter().map(|x| x.3).collect();
    let Some([lo, hi]) = critical(&kv, acc.o.fioko_iqr_k) else {
        return;
    };
    p.cohort_critical = Some([r6(lo), r6(hi)]);
    let iqr_k = acc.o.fioko_iqr_k;
    for (row, before, s5, kk) in ks {
        let numbers = || {
            json!({"k": r6(kk), "s_grade4_previous_year": r6(before), "s_grade5": r6(s5), "previous_year": key.1 - 1,
                "critical_low": r6(lo), "critical_high": r6(hi), "iqr_k": iqr_k, "schools": kv.len()})
        };
        let drop = (kk > hi).then(numbers);
        let rise = (kk < lo).then(numbers);
        acc.judge(key, p, &row.sid, Marker::CohortDrop, drop);
        acc.judge(key, p, &row.sid, Marker::CohortRise, rise);
    }
}

/// The ФИОКО markers of every school (pushed to `flags` as doubtful, keyed by school and year)
/// and each region-year's objectivity index. Errors only on frames that lack their columns.
pub fn markers(
    f: &Frames,
    o: &Objectivity,
    official_years: &BTreeSet<i32>,
    flags: &mut super::objectivity::Flags,
) -> Result<Vec<RegionIndex>> {
    let rows = read_sums(&school_sums(f)?)?;
    let rs = school_spearman(f)?;
    let s4: BTreeMap<(String, String, i32, String), f64> = rows
        .iter()
        .filter(|r| r.key.3 == 4)
        .filter_map(|r| {
            let s = r.sums.mean() / r.max?;
            Some((
                (r.key.0.clone(), r.key.2.clone(), r.key.1, r.sid.clone()),
                s,
            ))
        })
        .collect();
    let mut acc = Acc {
        o,
        flags,
        regions: BTreeMap::new(),
    };
    for run in rows.chunk_by(|a, b| a.key == b.key) {
        let key = run[0].key.clone();
        let mut p = procedure_markers(&mut acc, &key, run, &rs);
        if key.3 == 5 {
            cohort_markers(&mut acc, &key, run, &s4, &mut p);
        }
        acc.region(&key).procedures.push(p);
    }
    Ok(acc
        .regions
        .into_iter()
        .map(|((region, year), ra)| {
            let marked: BTreeSet<&String> = ra.marked.values().flatten().collect();
            let n =
                |m: &BTreeMap<&'static str, BTreeSet<String>>, l| m.get(l).map_or(0, |s| s.len());
            RegionIndex {
                markers: MARKERS
                    .iter()
                    .map(|m| {
                        let l = m.label();
                        (
                            l,
                            Tally {
                                judged: n(&ra.judged, l),
                                marked: n(&ra.marked, l),
                            },
                        )
                    })
                    .collect(),
                index: r6(100.0 - 100.0 * marked.len() as f64 / ra.schools.len().max(1) as f64),
                marked_schools: marked.len(),
                schools: ra.schools.len(),
                official: official_years.contains(&year),
                region,
                year,
                procedures: ra.procedures,
            }
        })
        .collect())
}

#[cfg(test)]
#[path = "fioko_tests.rs"]
mod tests;
