//! Stage 1 (METHOD.md §1): the screen. A school with judged procedures in year Y becomes a
//! candidate when its rule fires — `risk` (rules A and B on the share of «2», combined by
//! `stage1.combine`) or `bottom` (the worst `bottom_share` of its region × stratum in `k` of the
//! last `n` years) — unless its stratum is in `stage1.exclude_kinds`.
use super::bottom::BottomRanks;
use super::ledger::{note, BottomYear, Fact, Ledger, ProcShare};
use super::procedures::{judged_procs, BelowMin, Proc, ProcRow};
use super::select::proc_label;
use crate::config::{Combine, Config, Stage1Rule};
use crate::model::domain::{ExclusionReason, Stratum};

/// One school as stage 1 sees it.
pub struct Screened<'r, 'a> {
    pub school_id: &'a str,
    /// The school's result rows of years Y−1 and Y (`procedures::YearRows`).
    pub rows: &'r [ProcRow<'a>],
    pub stratum: Stratum,
}

/// The decision of stage 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage1 {
    /// The rule fired: the school goes on to stage 2.
    Candidate,
    /// The rule did not fire.
    NotCandidate,
    /// The school cannot be judged, or its stratum is left out.
    Excluded(ExclusionReason),
}

/// Screen one school; the rules met go to `led` when `keep`.
pub fn screen(
    s: &Screened,
    cfg: &Config,
    year: i32,
    bottom: &BottomRanks,
    keep: bool,
    led: &mut Ledger,
) -> Stage1 {
    let procs_y = judged_procs(s.rows, year, cfg);
    if procs_y.is_empty() {
        return Stage1::Excluded(unjudged(s, cfg, year, keep, led));
    }
    let fired = match cfg.stage1.rule {
        Stage1Rule::Risk => risk(s, cfg, year, &procs_y, keep, led),
        Stage1Rule::Bottom => bottom_rule(s, cfg, year, bottom, keep, led),
    };
    if !fired {
        return Stage1::NotCandidate;
    }
    if cfg.stage1.exclude_kinds.contains(&s.stratum) {
        note!(
            keep,
            led,
            1,
            Fact::ExcludedKind {
                stratum: s.stratum,
                exclude_kinds: cfg.stage1.exclude_kinds.clone(),
            }
        );
        return Stage1::Excluded(ExclusionReason::ExcludedKind(s.stratum));
    }
    Stage1::Candidate
}

/// No judged procedure in year Y: all too small, or none with a share below the minimum.
fn unjudged(
    s: &Screened,
    cfg: &Config,
    year: i32,
    keep: bool,
    led: &mut Ledger,
) -> ExclusionReason {
    let s1 = &cfg.stage1;
    let with_marks: Vec<&ProcRow> = s
        .rows
        .iter()
        .filter(|r| r.year == year && r.n2.is_some() && in_assessments(cfg, r))
        .collect();
    if with_marks.is_empty() {
        note!(keep, led, 1, Fact::NoMarks { year });
        return ExclusionReason::NoMarks;
    }
    note!(
        keep,
        led,
        1,
        Fact::TooSmall {
            min_participants: s1.min_participants,
            procedures: with_marks
                .iter()
                .map(|r| (proc_label(r), i64::from(r.participants)))
                .collect(),
        }
    );
    ExclusionReason::TooSmall
}

/// `stage1.assessments` holds the row's assessment (all when empty).
pub fn in_assessments(cfg: &Config, r: &ProcRow) -> bool {
    let a = &cfg.stage1.assessments;
    a.is_empty() || a.iter().any(|a| a.label() == r.assessment)
}

fn share(p: &Proc) -> ProcShare {
    ProcShare {
        procedure: proc_label(&p.row),
        participants: i64::from(p.row.participants),
        share2: p.share2,
    }
}

/// The risk rule: A (at least `min_procedures` procedures of Y at or above `threshold`), B (one
/// procedure at or above it in both Y−1 and Y), combined by `combine`.
fn risk(
    s: &Screened,
    cfg: &Config,
    year: i32,
    procs_y: &[Proc],
    keep: bool,
    led: &mut Ledger,
) -> bool {
    let s1 = &cfg.stage1;
    let fired: Vec<&Proc> = procs_y
        .iter()
        .filter(|p| p.share2 >= s1.threshold)
        .collect();
    let a = fired.len() as u32 >= s1.min_procedures;
    note!(
        keep,
        led,
        1,
        Fact::RiskA {
            year,
            threshold: s1.threshold,
            min_procedures: s1.min_procedures,
            procedures: procs_y.iter().map(share).collect(),
            fired: fired.iter().map(|p| share(p)).collect(),
            outcome: a,
            below: BelowMin::of(procs_y.iter().map(|p| p.row.assessment)),
        }
    );
    let prev = judged_procs(s.rows, year - 1, cfg);
    let same = |p: &Proc, q: &Proc| {
        q.row.assessment == p.row.assessment
            && q.row.subject == p.row.subject
            && q.row.grade == p.row.grade
    };
    let both: Vec<(&Proc, &Proc)> = fired
        .iter()
        .filter_map(|p| Some((*p, prev.iter().find(|q| same(p, q))?)))
        .filter(|(_, q)| q.share2 >= s1.threshold)
        .collect();
    let b = !both.is_empty();
    note!(
        keep,
        led,
        1,
        Fact::RiskB {
            year,
            threshold: s1.threshold,
            both: both
                .iter()
                .map(|(p, q)| (proc_label(&p.row), q.share2, p.share2))
                .collect(),
            outcome: b,
            prev_procedures: prev.len(),
            below: BelowMin::of(procs_y.iter().chain(&prev).map(|p| p.row.assessment)),
        }
    );
    let c = match s1.combine {
        Combine::All => a && b,
        Combine::Any => a || b,
    };
    note!(
        keep,
        led,
        1,
        Fact::RiskCombine {
            a,
            b,
            combine: s1.combine,
            outcome: c,
        }
    );
    c
}

/// The bottom rule: low within region × stratum in at least `k` of the last `n` years.
fn bottom_rule(
    s: &Screened,
    cfg: &Config,
    year: i32,
    bottom: &BottomRanks,
    keep: bool,
    led: &mut Ledger,
) -> bool {
    let s1 = &cfg.stage1;
    let years: Vec<BottomYear> = ((year - s1.n as i32 + 1)..=year)
        .map(|y| BottomYear {
            year: y,
            rank: bottom.get(&(y, s.school_id.to_string())).copied(),
        })
        .collect();
    let low_years = years
        .iter()
        .filter(|y| y.rank.is_some_and(|r| r.low))
        .count() as u32;
    let c = low_years >= s1.k;
    note!(
        keep,
        led,
        1,
        Fact::Bottom {
            stratum: s.stratum,
            years,
            bottom_share: s1.bottom_share,
            k: s1.k,
            n: s1.n,
            low_years,
            outcome: c,
            below: BelowMin::of(s.rows.iter().map(|r| r.assessment)),
        }
    );
    c
}
