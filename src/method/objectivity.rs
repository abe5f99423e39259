//! Objectivity screen of ВПР results (METHOD.md §6), relative to the region's own rates.
use crate::config::Config;
use crate::input::report::Warnings;
use crate::input::text::region_of;
use crate::model::Dataset;
use crate::output::r6;
use serde::Serialize;
use serde_json::{json, Value};
use statrs::distribution::{Binomial, DiscreteCDF};
use std::collections::{BTreeMap, BTreeSet};

pub const JOURNAL_RAISED: &str = "journal_raised";
pub const JOURNAL_LOWERED: &str = "journal_lowered";
pub const BOUNDARY_PEAK: &str = "boundary_peak";
pub const OFFICIAL: &str = "official_marker";
pub const DISTRIBUTION: &str = "distribution";

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Flag {
    pub marker: String,
    pub procedure: String,
    pub numbers: Value,
    /// Does this marker make the ВПР result doubtful (sets the school's flag)?
    pub doubtful: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SchoolYear {
    pub login: String,
    pub school_id: String,
    pub year: i32,
    pub flagged: bool,
    pub flags: Vec<Flag>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RegionRates {
    pub region: String,
    pub year: i32,
    pub procedure: String,
    pub journal_pupils: i64,
    pub raised_rate: Option<f64>,
    pub lowered_rate: Option<f64>,
    pub boundary_ratio: Option<f64>,
    pub at_min3: Option<i64>,
    pub below_min3: Option<i64>,
    pub schools_checked_boundary: usize,
    pub schools_checked_journal: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Screen {
    pub regions: Vec<RegionRates>,
    /// Every school-year with at least one flag (doubtful or reported).
    pub schools: Vec<SchoolYear>,
    pub official_years: Vec<i32>,
    pub counts: BTreeMap<String, usize>,
    pub warnings: Warnings,
}

impl Screen {
    /// Flags of one school in one year.
    pub fn of(&self, school_id: &str, year: i32) -> Option<&SchoolYear> {
        // schools are sorted by (school, year)
        self.schools
            .binary_search_by(|s| (s.school_id.as_str(), s.year).cmp(&(school_id, year)))
            .ok()
            .map(|i| &self.schools[i])
    }
}

/// P(X ≥ k) for X ~ Binomial(n, p).
pub fn upper_tail(k: i64, n: i64, p: f64) -> f64 {
    if k <= 0 {
        return 1.0;
    }
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    Binomial::new(p, n as u64)
        .map(|b| b.sf((k - 1) as u64))
        .unwrap_or(1.0)
}

fn proc_name(subject: &str, grade: i32) -> String {
    format!("ВПР {subject} {grade} кл.")
}

/// (region, year, subject, grade)
type ProcKey = (String, i32, String, i32);

pub fn screen(ds: &Dataset, cfg: &Config) -> Screen {
    let o = &cfg.objectivity;
    let mut warnings = Warnings::default();
    let official_years: BTreeSet<i32> = ds.markers.iter().map(|m| m.year).collect();
    let mut flags: BTreeMap<(String, i32), Vec<Flag>> = BTreeMap::new();
    let mut regions = Vec::new();
    // journal markers
    let mut groups: BTreeMap<(String, i32, String, i32), Vec<&crate::model::JournalRow>> =
        BTreeMap::new();
    for j in &ds.journal {
        groups
            .entry((region_of(&j.school_id), j.year, j.subject.clone(), j.grade))
            .or_default()
            .push(j);
    }
    let mut hist: BTreeMap<ProcKey, BTreeMap<&str, BTreeMap<i32, i64>>> = BTreeMap::new();
    for h in &ds.histograms {
        *hist
            .entry((region_of(&h.school_id), h.year, h.subject.clone(), h.grade))
            .or_default()
            .entry(h.school_id.as_str())
            .or_default()
            .entry(h.score)
            .or_default() += h.count;
    }
    let keys: BTreeSet<(String, i32, String, i32)> =
        groups.keys().chain(hist.keys()).cloned().collect();
    for key in keys {
        let (region, year, subject, grade) = key.clone();
        let procedure = proc_name(&subject, grade);
        let mut rr = RegionRates {
            region: region.clone(),
            year,
            procedure: procedure.clone(),
            journal_pupils: 0,
            raised_rate: None,
            lowered_rate: None,
            boundary_ratio: None,
            at_min3: None,
            below_min3: None,
            schools_checked_boundary: 0,
            schools_checked_journal: 0,
        };
        if let Some(rows) = groups.get(&key) {
            let n: i64 = rows
                .iter()
                .map(|j| j.lowered + j.confirmed + j.raised)
                .sum();
            if n > 0 {
                let r_up = rows.iter().map(|j| j.raised).sum::<i64>() as f64 / n as f64;
                let r_down = rows.iter().map(|j| j.lowered).sum::<i64>() as f64 / n as f64;
                rr.journal_pupils = n;
                rr.raised_rate = Some(r6(r_up));
                rr.lowered_rate = Some(r6(r_down));
                for j in rows {
                    let nj = j.lowered + j.confirmed + j.raised;
                    if nj < o.min_journal {
                        continue;
                    }
                    rr.schools_checked_journal += 1;
                    for (marker, k, rate, doubtful) in [
                        (JOURNAL_RAISED, j.raised, r_up, true),
                        (JOURNAL_LOWERED, j.lowered, r_down, false),
                    ] {
                        let share = k as f64 / nj as f64;
                        let p = upper_tail(k, nj, rate);
                        if share - rate >= o.raised_excess && p < o.alpha {
                            flags.entry((j.school_id.clone(), year)).or_default().push(Flag {
                                marker: marker.into(),
                                procedure: procedure.clone(),
                                numbers: json!({"pupils_with_journal_mark": nj, "count": k, "share": r6(share), "region_share": r6(rate),
                                    "excess": r6(share - rate), "p_value": p, "threshold_excess": o.raised_excess, "alpha": o.alpha}),
                                doubtful,
                            });
                        }
                    }
                }
            }
        }
        if let (Some(schools), Some(&min3)) =
            (hist.get(&key), ds.min3.get(&(year, subject.clone(), grade)))
        {
            let at: i64 = schools
                .values()
                .map(|h| h.get(&min3).copied().unwrap_or(0))
                .sum();
            let below: i64 = schools
                .values()
                .map(|h| h.get(&(min3 - 1)).copied().unwrap_or(0))
                .sum();
            let region_ratio = (at + 1) as f64 / (below + 1) as f64;
            rr.boundary_ratio = Some(r6(region_ratio));
            rr.at_min3 = Some(at);
            rr.below_min3 = Some(below);
            for (sid, h) in schools {
                let pupils: i64 = h.values().sum();
                if pupils < o.boundary_min_pupils {
                    continue;
                }
                rr.schools_checked_boundary += 1;
                let c3 = h.get(&min3).copied().unwrap_or(0);
                let cm = h.get(&(min3 - 1)).copied().unwrap_or(0);
                let ratio = (c3 + 1) as f64 / (cm + 1) as f64;
                if ratio >= o.boundary_ratio * region_ratio && c3 >= o.boundary_min_at {
                    flags.entry((sid.to_string(), year)).or_default().push(Flag {
                        marker: BOUNDARY_PEAK.into(),
                        procedure: procedure.clone(),
                        numbers: json!({"pupils": pupils, "min3": min3, "at_min3": c3, "at_min3_minus_1": cm, "ratio": r6(ratio),
                            "region_ratio": r6(region_ratio), "threshold_ratio": r6(o.boundary_ratio * region_ratio), "min_at": o.boundary_min_at}),
                        doubtful: true,
                    });
                }
            }
        }
        regions.push(rr);
    }
    // optional distribution rules (too few «2» with too many «5»), off by default
    for rule in &o.distribution {
        let Some(subject) = crate::input::text::subject(&rule.subject) else {
            warnings.add(
                "distribution rule with an unknown subject ignored",
                rule.subject.clone(),
            );
            continue;
        };
        for r in ds.results.iter().filter(|r| {
            &*r.assessment == "ВПР"
                && *r.subject == *subject
                && r.grade == rule.grade
                && i64::from(r.participants) >= cfg.stage1.min_participants
        }) {
            let (Some(n2), Some(n5)) = (r.n2.get(), r.n5.get()) else {
                continue;
            };
            let (s2, s5) = (
                n2 as f64 / r.participants as f64,
                n5 as f64 / r.participants as f64,
            );
            if s2 <= rule.max_share2 && s5 >= rule.min_share5 {
                flags.entry((r.school_id.to_string(), r.year)).or_default().push(Flag {
                    marker: DISTRIBUTION.into(),
                    procedure: proc_name(&subject, rule.grade),
                    numbers: json!({"participants": r.participants, "share2": r6(s2), "share5": r6(s5), "max_share2": rule.max_share2, "min_share5": rule.min_share5}),
                    doubtful: true,
                });
            }
        }
    }
    // official markers replace the computed screen for the years they cover
    if !official_years.is_empty() {
        let before = flags.len();
        flags.retain(|(_, y), _| !official_years.contains(y));
        if flags.len() < before {
            warnings.add_n(
                "computed flags replaced by official markers for the years they cover",
                before - flags.len(),
                format!("{official_years:?}"),
            );
        }
    }
    for m in ds.markers.iter().filter(|m| m.count > 0) {
        flags
            .entry((m.school_id.clone(), m.year))
            .or_default()
            .push(Flag {
                marker: OFFICIAL.into(),
                procedure: m.procedures.join(", "),
                numbers: json!({"markers": m.count}),
                doubtful: true,
            });
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let schools: Vec<SchoolYear> = flags
        .into_iter()
        .map(|((sid, year), fl)| {
            for f in &fl {
                *counts.entry(f.marker.clone()).or_default() += 1;
            }
            SchoolYear {
                login: ds
                    .schools
                    .get(&sid)
                    .map(|s| s.login.clone())
                    .unwrap_or_else(|| sid.clone()),
                flagged: fl.iter().any(|f| f.doubtful),
                school_id: sid,
                year,
                flags: fl,
            }
        })
        .collect();
    counts.insert(
        "flagged_school_years".into(),
        schools.iter().filter(|s| s.flagged).count(),
    );
    Screen {
        regions,
        schools,
        official_years: official_years.into_iter().collect(),
        counts,
        warnings,
    }
}

/// A marker in words, for ledgers.
pub fn marker_ru(m: &str) -> &'static str {
    match m {
        JOURNAL_RAISED => "отметки ВПР выше журнальных заметно чаще, чем в регионе",
        BOUNDARY_PEAK => "пик баллов на границе «3»",
        OFFICIAL => "официальный маркер",
        DISTRIBUTION => "мало «2» при многих «5» (правило распределения)",
        _ => "маркер",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binomial_upper_tail_textbook() {
        // X ~ B(10, 0.5): P(X ≥ 8) = 56/1024
        assert!((upper_tail(8, 10, 0.5) - 56.0 / 1024.0).abs() < 1e-12);
        assert_eq!(upper_tail(0, 10, 0.3), 1.0);
    }
}
