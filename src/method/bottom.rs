//! The `bottom` stage-1 rule (METHOD.md §1, §10): worst share within area × stratum.
use super::select::judged_procs;
use super::strata::stratum;
use crate::config::Config;
use crate::model::{Dataset, ResultRow};
use std::collections::BTreeMap;

/// (year, school) → (low, composite, rank, N, cut value).
pub type BottomFlags = BTreeMap<(i32, String), (bool, f64, usize, usize, f64)>;

/// A school's place in its ranking area × stratum in one year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BottomRank {
    /// In the worst `bottom_share` (ties at the cut are in).
    pub low: bool,
    /// Share of «2» over the year's judged procedures (fraction).
    pub composite: f64,
    /// 1 = worst.
    pub rank: usize,
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
            of,
            cut,
        }
    }
}

/// bottom rule per year: (low, composite, rank, N, cut value) per (year, school).
/// `area` names the ranking area of a school (its region for stage 1; municipality for compare).
pub fn bottom_flags<'a>(
    ds: &'a Dataset,
    cfg: &Config,
    by_school: &BTreeMap<&'a str, Vec<&'a ResultRow>>,
    year: i32,
    area: &dyn Fn(&str) -> String,
) -> BottomFlags {
    let mut out = BTreeMap::new();
    for y in (year - cfg.stage1.n as i32 + 1)..=year {
        let mut strata: BTreeMap<(String, String), Vec<(f64, &str)>> = BTreeMap::new();
        for (sid, rows) in by_school {
            let p = judged_procs(rows, y, cfg);
            if p.is_empty() {
                continue;
            }
            let n2: i64 = p.iter().map(|x| i64::from(x.row.n2.get().unwrap())).sum();
            let n: i64 = p.iter().map(|x| i64::from(x.row.participants)).sum();
            let (st, _) = stratum(ds.schools.get(*sid).map(Box::as_ref), cfg);
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
