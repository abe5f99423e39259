//! Objectivity screen of ВПР results (METHOD.md §6), relative to the region's own rates.
use super::frame::{ints, left_join, texts, with_region, REGION};
use crate::config::{Config, ObjectivityMethod};
use crate::input::report::Warnings;
use crate::model::frames::Frames;
use crate::model::schema::col as k;
use crate::model::warning::WarningCode;
use crate::output::r6;
use anyhow::Result;
use polars::prelude::*;
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
    /// ФИОКО's markers: each region-year's objectivity index with its tallies (empty under
    /// `objectivity.method = "relative"`).
    pub fioko: Vec<super::fioko::RegionIndex>,
    pub warnings: Warnings,
}

impl Screen {
    /// Whether any objectivity screen ran on the inputs: ФИОКО's markers, the relative screen's
    /// regional figures or official markers (else «no flag» means «not checked», not «clean»).
    pub fn screened(&self) -> bool {
        !self.fioko.is_empty() || !self.regions.is_empty() || !self.official_years.is_empty()
    }

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

/// Flags per (school_id, year), in the order they were raised.
pub(crate) type Flags = BTreeMap<(String, i32), Vec<Flag>>;

/// The key columns of a procedure.
const KEY: [&str; 4] = [REGION, k::YEAR, k::SUBJECT, k::GRADE];

fn keys_of(df: &DataFrame) -> Result<Vec<ProcKey>> {
    let (r, y, s, g) = (
        texts(df, REGION)?,
        ints(df, k::YEAR)?,
        texts(df, k::SUBJECT)?,
        ints(df, k::GRADE)?,
    );
    let int = |v: Option<i64>| v.and_then(|v| i32::try_from(v).ok()).unwrap_or(0);
    Ok(r.into_iter()
        .zip(y)
        .zip(s.into_iter().zip(g))
        .map(|((r, y), (s, g))| (r, int(y), s, int(g)))
        .collect())
}

/// Journal rows (school_id, pupils with a journal mark, raised, lowered) with their procedure's
/// regional sums (`n`, `raised_n`, `lowered_n`), sorted by procedure key and school.
fn journal(f: &Frames) -> Result<DataFrame> {
    let pupils = col(k::LOWERED) + col(k::CONFIRMED) + col(k::RAISED);
    let rows = with_region(f.journal.clone(), k::SCHOOL_ID)?
        .lazy()
        .with_column(pupils.alias("nj"));
    let sums = rows.clone().group_by(KEY.map(col)).agg([
        col("nj").sum().alias("n"),
        col(k::RAISED).sum().alias("raised_n"),
        col(k::LOWERED).sum().alias("lowered_n"),
    ]);
    let mut order: Vec<&str> = KEY.to_vec();
    order.extend([k::SCHOOL_ID, k::LOWERED, k::CONFIRMED, k::RAISED]);
    Ok(left_join(rows, sums, &KEY)
        .sort(order, Default::default())
        .collect()?)
}

/// Per procedure with a boundary (`boundaries.min3`) and school: pupils, pupils at `min3` and at
/// `min3 − 1`, with the procedure's regional sums (`at`, `below`), sorted by key and school.
fn boundary(f: &Frames) -> Result<DataFrame> {
    let hist = with_region(f.histograms.clone(), k::SCHOOL_ID)?.lazy();
    let with_min3 = hist.join(
        f.boundaries.clone().lazy(),
        [col(k::YEAR), col(k::SUBJECT), col(k::GRADE)],
        [col(k::YEAR), col(k::SUBJECT), col(k::GRADE)],
        JoinArgs::new(JoinType::Inner),
    );
    let at = |score: Expr| {
        when(col(k::SCORE).eq(score))
            .then(col(k::COUNT))
            .otherwise(lit(0i64))
            .sum()
    };
    let mut by: Vec<Expr> = KEY.map(col).to_vec();
    by.push(col(k::SCHOOL_ID));
    let schools = with_min3.group_by(by).agg([
        col(k::COUNT).sum().alias("pupils"),
        at(col(k::MIN3)).alias("c3"),
        at(col(k::MIN3) - lit(1)).alias("cm"),
        col(k::MIN3).first(),
    ]);
    let sums = schools
        .clone()
        .group_by(KEY.map(col))
        .agg([col("c3").sum().alias("at"), col("cm").sum().alias("below")]);
    let mut order: Vec<&str> = KEY.to_vec();
    order.push(k::SCHOOL_ID);
    Ok(left_join(schools, sums, &KEY)
        .sort(order, Default::default())
        .collect()?)
}

/// Every procedure key of the journal and histogram frames, in order.
fn all_keys(f: &Frames) -> Result<Vec<ProcKey>> {
    let part = |df: &DataFrame| -> Result<LazyFrame> {
        Ok(with_region(df.clone(), k::SCHOOL_ID)?
            .lazy()
            .select(KEY.map(col)))
    };
    let keys = concat(
        [part(&f.journal)?, part(&f.histograms)?],
        UnionArgs::default(),
    )?
    .group_by(KEY.map(col))
    .agg([len()])
    .sort(KEY, Default::default())
    .collect()?;
    keys_of(&keys)
}

/// Journal markers of one procedure: the region's rates, and each school's raised and lowered
/// shares tested against them (METHOD.md §6).
fn journal_markers(
    j: &JournalCols,
    range: std::ops::Range<usize>,
    rr: &mut RegionRates,
    o: &crate::config::Objectivity,
    flags: &mut Flags,
) {
    let Some(i0) = range.clone().next() else {
        return;
    };
    let n = j.n[i0];
    if n <= 0 {
        return;
    }
    let r_up = j.raised_n[i0] as f64 / n as f64;
    let r_down = j.lowered_n[i0] as f64 / n as f64;
    rr.journal_pupils = n;
    rr.raised_rate = Some(r6(r_up));
    rr.lowered_rate = Some(r6(r_down));
    for i in range {
        let nj = j.nj[i];
        if nj < o.min_journal {
            continue;
        }
        rr.schools_checked_journal += 1;
        for (marker, k, rate, doubtful) in [
            (JOURNAL_RAISED, j.raised[i], r_up, true),
            (JOURNAL_LOWERED, j.lowered[i], r_down, false),
        ] {
            let share = k as f64 / nj as f64;
            let p = upper_tail(k, nj, rate);
            if share - rate >= o.raised_excess && p < o.alpha {
                flags.entry((j.sid[i].clone(), rr.year)).or_default().push(Flag {
                    marker: marker.into(),
                    procedure: rr.procedure.clone(),
                    numbers: json!({"pupils_with_journal_mark": nj, "count": k, "share": r6(share), "region_share": r6(rate),
                        "excess": r6(share - rate), "p_value": p, "threshold_excess": o.raised_excess, "alpha": o.alpha}),
                    doubtful,
                });
            }
        }
    }
}

/// Boundary peaks of one procedure: the region's ratio at the first score of «3», and each
/// school's ratio against it (METHOD.md §6).
fn boundary_markers(
    b: &BoundaryCols,
    range: std::ops::Range<usize>,
    rr: &mut RegionRates,
    o: &crate::config::Objectivity,
    flags: &mut Flags,
) {
    let Some(i0) = range.clone().next() else {
        return;
    };
    let (at, below, min3) = (b.at[i0], b.below[i0], b.min3[i0]);
    let region_ratio = (at + 1) as f64 / (below + 1) as f64;
    rr.boundary_ratio = Some(r6(region_ratio));
    rr.at_min3 = Some(at);
    rr.below_min3 = Some(below);
    for i in range {
        let pupils = b.pupils[i];
        if pupils < o.boundary_min_pupils {
            continue;
        }
        rr.schools_checked_boundary += 1;
        let (c3, cm) = (b.c3[i], b.cm[i]);
        let ratio = (c3 + 1) as f64 / (cm + 1) as f64;
        if ratio >= o.boundary_ratio * region_ratio && c3 >= o.boundary_min_at {
            flags.entry((b.sid[i].clone(), rr.year)).or_default().push(Flag {
                marker: BOUNDARY_PEAK.into(),
                procedure: rr.procedure.clone(),
                numbers: json!({"pupils": pupils, "min3": min3, "at_min3": c3, "at_min3_minus_1": cm, "ratio": r6(ratio),
                    "region_ratio": r6(region_ratio), "threshold_ratio": r6(o.boundary_ratio * region_ratio), "min_at": o.boundary_min_at}),
                doubtful: true,
            });
        }
    }
}

/// The columns of `journal`.
struct JournalCols {
    keys: Vec<ProcKey>,
    sid: Vec<String>,
    nj: Vec<i64>,
    raised: Vec<i64>,
    lowered: Vec<i64>,
    n: Vec<i64>,
    raised_n: Vec<i64>,
    lowered_n: Vec<i64>,
}

/// The columns of `boundary`.
struct BoundaryCols {
    keys: Vec<ProcKey>,
    sid: Vec<String>,
    pupils: Vec<i64>,
    c3: Vec<i64>,
    cm: Vec<i64>,
    min3: Vec<i64>,
    at: Vec<i64>,
    below: Vec<i64>,
}

fn whole(df: &DataFrame, name: &str) -> Result<Vec<i64>> {
    Ok(ints(df, name)?
        .into_iter()
        .map(|v| v.unwrap_or(0))
        .collect())
}

/// The rows of `keys` (sorted) equal to `key`, from `at` on; `at` moves past them.
fn run_of(keys: &[ProcKey], key: &ProcKey, at: &mut usize) -> std::ops::Range<usize> {
    while *at < keys.len() && keys[*at] < *key {
        *at += 1;
    }
    let start = *at;
    while *at < keys.len() && keys[*at] == *key {
        *at += 1;
    }
    start..*at
}

/// The distribution rules (too few «2» with too many «5», off by default) on each ВПР result row.
fn distribution_markers(
    f: &Frames,
    cfg: &Config,
    warnings: &mut Warnings,
    flags: &mut Flags,
) -> Result<()> {
    for rule in &cfg.objectivity.distribution {
        let Some(subject) = crate::input::text::subject(&rule.subject) else {
            warnings.add(WarningCode::RuleUnknownSubject, rule.subject.clone());
            continue;
        };
        let rows = f
            .results
            .clone()
            .lazy()
            .filter(
                col(k::ASSESSMENT)
                    .eq(lit("ВПР"))
                    .and(col(k::SUBJECT).eq(lit(subject.as_str())))
                    .and(col(k::GRADE).eq(lit(rule.grade)))
                    .and(col(k::PARTICIPANTS).gt_eq(lit(cfg.stage1.min_participants)))
                    .and(col(k::N2).is_not_null())
                    .and(col(k::N5).is_not_null()),
            )
            .collect()?;
        let (sid, year) = (texts(&rows, k::SCHOOL_ID)?, whole(&rows, k::YEAR)?);
        let (part, n2, n5) = (
            whole(&rows, k::PARTICIPANTS)?,
            whole(&rows, k::N2)?,
            whole(&rows, k::N5)?,
        );
        for (i, sid) in sid.into_iter().enumerate() {
            let (s2, s5) = (n2[i] as f64 / part[i] as f64, n5[i] as f64 / part[i] as f64);
            if s2 <= rule.max_share2 && s5 >= rule.min_share5 {
                let year = i32::try_from(year[i]).unwrap_or(0);
                flags.entry((sid, year)).or_default().push(Flag {
                    marker: DISTRIBUTION.into(),
                    procedure: proc_name(&subject, rule.grade),
                    numbers: json!({"participants": part[i], "share2": r6(s2), "share5": r6(s5), "max_share2": rule.max_share2, "min_share5": rule.min_share5}),
                    doubtful: true,
                });
            }
        }
    }
    Ok(())
}

/// Official markers (count > 0) of each school-year, after the computed flags of the years they
/// cover are dropped (METHOD.md §6: official tables replace the computed screen).
fn official_markers(
    f: &Frames,
    official_years: &BTreeSet<i32>,
    warnings: &mut Warnings,
    flags: &mut Flags,
) -> Result<()> {
    if !official_years.is_empty() {
        let before = flags.len();
        flags.retain(|(_, y), _| !official_years.contains(y));
        if flags.len() < before {
            warnings.add_n(
                WarningCode::FlagsReplacedByMarkers,
                before - flags.len(),
                official_years
                    .iter()
                    .map(|y| y.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
    }
    let m = f
        .markers
        .clone()
        .lazy()
        .filter(col(k::COUNT).gt(lit(0i64)))
        .collect()?;
    let (sid, year, count) = (
        texts(&m, k::SCHOOL_ID)?,
        whole(&m, k::YEAR)?,
        whole(&m, k::COUNT)?,
    );
    let procedures = m.column(k::PROCEDURES)?.list()?;
    for (i, (sid, list)) in sid.into_iter().zip(procedures.series_iter()).enumerate() {
        let procedure = match list {
            Some(s) => s
                .str()?
                .iter()
                .map(|p| p.unwrap_or(""))
                .collect::<Vec<_>>()
                .join(", "),
            None => String::new(),
        };
        let year = i32::try_from(year[i]).unwrap_or(0);
        flags.entry((sid, year)).or_default().push(Flag {
            marker: OFFICIAL.into(),
            procedure,
            numbers: json!({"markers": count[i]}),
            doubtful: true,
        });
    }
    Ok(())
}

/// The objectivity screen (METHOD.md §6, §10): journal and boundary markers per procedure
/// relative to the region's own rates (sums as polars group-bys of `journal` and `histograms`
/// joined with `boundaries`; the binomial test per school is `upper_tail`), the optional
/// distribution rules, and the official markers. Errors only on frames that lack their columns.
pub fn screen(f: &Frames, cfg: &Config) -> Result<Screen> {
    let o = &cfg.objectivity;
    let mut warnings = Warnings::default();
    let official_years: BTreeSet<i32> = ints(&f.markers, k::YEAR)?
        .into_iter()
        .flatten()
        .filter_map(|y| i32::try_from(y).ok())
        .collect();
    let mut flags = Flags::new();
    let jf = journal(f)?;
    let j = JournalCols {
        keys: keys_of(&jf)?,
        sid: texts(&jf, k::SCHOOL_ID)?,
        nj: whole(&jf, "nj")?,
        raised: whole(&jf, k::RAISED)?,
        lowered: whole(&jf, k::LOWERED)?,
        n: whole(&jf, "n")?,
        raised_n: whole(&jf, "raised_n")?,
        lowered_n: whole(&jf, "lowered_n")?,
    };
    let bf = boundary(f)?;
    let b = BoundaryCols {
        keys: keys_of(&bf)?,
        sid: texts(&bf, k::SCHOOL_ID)?,
        pupils: whole(&bf, "pupils")?,
        c3: whole(&bf, "c3")?,
        cm: whole(&bf, "cm")?,
        min3: whole(&bf, k::MIN3)?,
        at: whole(&bf, "at")?,
        below: whole(&bf, "below")?,
    };
    let (mut at_j, mut at_b) = (0, 0);
    let mut regions = Vec::new();
    let keys = match o.method {
        ObjectivityMethod::Fioko => Vec::new(),
        _ => all_keys(f)?,
    };
    for key in keys {
        let (region, year, subject, grade) = key.clone();
        let mut rr = RegionRates {
            region,
            year,
            procedure: proc_name(&subject, grade),
            journal_pupils: 0,
            raised_rate: None,
            lowered_rate: None,
            boundary_ratio: None,
            at_min3: None,
            below_min3: None,
            schools_checked_boundary: 0,
            schools_checked_journal: 0,
        };
        journal_markers(&j, run_of(&j.keys, &key, &mut at_j), &mut rr, o, &mut flags);
        boundary_markers(&b, run_of(&b.keys, &key, &mut at_b), &mut rr, o, &mut flags);
        regions.push(rr);
    }
    distribution_markers(f, cfg, &mut warnings, &mut flags)?;
    let fioko = if o.method == ObjectivityMethod::Relative {
        Vec::new()
    } else {
        super::fioko::markers(f, o, &official_years, &mut flags)?
    };
    official_markers(f, &official_years, &mut warnings, &mut flags)?;
    let logins = logins(f, flags.keys().map(|(sid, _)| sid.as_str()))?;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let schools: Vec<SchoolYear> = flags
        .into_iter()
        .zip(logins)
        .map(|(((sid, year), fl), login)| {
            for f in &fl {
                *counts.entry(f.marker.clone()).or_default() += 1;
            }
            SchoolYear {
                login,
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
    Ok(Screen {
        regions,
        schools,
        official_years: official_years.into_iter().collect(),
        counts,
        fioko,
        warnings,
    })
}

/// The registry login of each id (the id itself when the registry lacks it).
fn logins<'a>(f: &Frames, ids: impl Iterator<Item = &'a str>) -> Result<Vec<String>> {
    let ids: Vec<&str> = ids.collect();
    let wanted = df!(k::SCHOOL_ID => ids)?.lazy();
    let registry = f
        .schools
        .clone()
        .lazy()
        .select([col(k::SCHOOL_ID), col(k::LOGIN)]);
    let df = left_join(wanted, registry, &[k::SCHOOL_ID])
        .with_column(coalesce(&[col(k::LOGIN), col(k::SCHOOL_ID)]).alias(k::LOGIN))
        .collect()?;
    Ok(texts(&df, k::LOGIN)?)
}

#[cfg(test)]
#[path = "objectivity_tests.rs"]
mod tests;
