//! Stage 2 (METHOD.md §2, §6, §10): confirm and classify a candidate. Its counts are pooled over
//! the window; too few participants or (under `objectivity.policy = "exclude"`) doubtful
//! objectivity exclude it; otherwise it gets its cluster, settlement, prevailing deficit and
//! group «cluster / settlement / deficit».
use super::context::Context;
use super::ledger::{note, Fact, Ledger};
use super::procedures::Pooled;
use super::select::SchoolResult;
use super::strata::{deficit_from_profile, DeficitScore};
use crate::config::{Config, DeficitSource, ObjectivityPolicy};
use crate::model::domain::{Cluster, Deficit, ExclusionReason};
use crate::output::r6;
use crate::stats::{wilson, Z95};

/// One candidate as stage 2 sees it.
pub struct Candidate<'a> {
    pub school_id: &'a str,
    /// Its deficit scores from the registry's indicators (`strata::RegistryZ::scores`).
    pub registry_deficit: Option<&'a DeficitScore>,
    /// Its counts pooled over the window (`procedures::pooled_all`).
    pub pooled: Pooled,
    /// The years of the window that hold results with a count below the minimum
    /// (`procedures::years_with_marks`): the window the ledger names.
    pub window: &'a [i32],
    /// The window's procedures with fewer than `min_participants` (procedure, year,
    /// participants): in `pooled.total_all`, not in the shares.
    pub small: Vec<(String, i32, i64)>,
}

/// Confirm and classify one candidate: its figures, cluster, deficit and group go to `res`, the
/// rules met to `led` when `keep`. `Err` is the reason it is excluded.
pub fn confirm(
    c: &Candidate,
    ctx: &Context,
    cfg: &Config,
    year: i32,
    res: &mut SchoolResult,
    keep: bool,
    led: &mut Ledger,
) -> Result<(), ExclusionReason> {
    let window = c.window.to_vec();
    let pooled = c.pooled;
    figures(&pooled, res);
    let min_total = cfg.stage2.min_total_participants;
    let enough = pooled.total_all >= min_total;
    note!(
        keep,
        led,
        2,
        Fact::MinTotal {
            participants: pooled.total_all,
            window: window.clone(),
            min_total,
            outcome: enough,
            small: c.small.clone(),
            min_participants: cfg.stage1.min_participants,
        }
    );
    if !enough {
        return Err(ExclusionReason::TooFewResults);
    }
    objectivity(c, ctx, cfg, year, res, keep, led)?;
    let share2 = pooled.n2 as f64 / pooled.part.max(1) as f64;
    let (strong, moderate) = (cfg.cluster.strong, cfg.cluster.moderate);
    let cluster = if share2 >= strong {
        Cluster::Strong
    } else if share2 >= moderate {
        Cluster::Moderate
    } else {
        Cluster::Basic
    };
    res.cluster = Some(cluster);
    if let Some([lo, hi]) = res.share2_ci {
        res.borderline = (lo <= strong && strong <= hi) || (lo <= moderate && moderate <= hi);
    }
    note!(
        keep,
        led,
        2,
        Fact::ClusterRule {
            window,
            share2,
            n2: pooled.n2,
            participants: pooled.part,
            quality: res.quality,
            ci: res.share2_ci,
            strong,
            moderate,
            cluster,
            borderline: res.borderline,
            below: res.below_min,
        }
    );
    note!(keep, led, 2, Fact::Settlement(res.settlement));
    res.deficit = deficit(c, ctx, cfg, year, keep, led);
    if res.index.is_some() || !res.resilience.is_empty() {
        note!(
            keep,
            led,
            2,
            Fact::Context {
                index: res.index,
                index_group: res.index_group,
                shnsu: res.shnsu,
                residual: res.residual,
                labels: res.resilience.clone(),
                shnsu_groups: cfg.index.shnsu_groups.clone(),
                residual_sd: cfg.resilience.residual_sd,
            }
        );
    }
    res.group = Some(format!(
        "{} / {} / {}",
        cluster,
        res.settlement.group_label(),
        Deficit::group_label(res.deficit)
    ));
    Ok(())
}

/// Pooled participants, share of «2» with its Wilson 95 % interval, and quality (fractions
/// rounded to 6 decimals). Every judged school gets them (`select --all` shows them), a candidate
/// again when confirmed.
pub(super) fn figures(p: &Pooled, res: &mut SchoolResult) {
    res.participants = p.part;
    if p.part > 0 {
        let (lo, hi) = wilson(p.n2 as f64, p.part as f64, Z95);
        res.share2 = Some(r6(p.n2 as f64 / p.part as f64));
        res.share2_ci = Some([r6(lo), r6(hi)]);
    }
    if p.qpart > 0 {
        res.quality = Some(r6(p.q45 as f64 / p.qpart as f64));
    }
}

/// Doubtful objectivity of year Y (computed screen, official markers where they exist): flagged,
/// or excluded under `objectivity.policy = "exclude"`; nothing under `ignore`.
fn objectivity(
    c: &Candidate,
    ctx: &Context,
    cfg: &Config,
    year: i32,
    res: &mut SchoolResult,
    keep: bool,
    led: &mut Ledger,
) -> Result<(), ExclusionReason> {
    let policy = cfg.objectivity.policy;
    let doubtful = || {
        ctx.screen
            .of(c.school_id, year)
            .map(|sy| sy.flags.iter().filter(|f| f.doubtful))
            .into_iter()
            .flatten()
    };
    if doubtful().next().is_none() || policy == ObjectivityPolicy::Ignore {
        return Ok(());
    }
    res.objectivity_flag = true;
    note!(
        keep,
        led,
        2,
        Fact::Objectivity {
            year,
            flags: doubtful().cloned().collect(),
            policy,
        }
    );
    match policy {
        ObjectivityPolicy::Exclude => Err(ExclusionReason::Objectivity),
        _ => Ok(()),
    }
}

/// The prevailing deficit from `deficit.source`: the side with the higher score, a tie to
/// `deficit.tie`; `None` when no source has the scores.
fn deficit(
    c: &Candidate,
    ctx: &Context,
    cfg: &Config,
    year: i32,
    keep: bool,
    led: &mut Ledger,
) -> Option<Deficit> {
    let from_profile = || deficit_from_profile(&ctx.profiles, c.school_id);
    let from_registry = || c.registry_deficit.cloned();
    let score: Option<DeficitScore> = match cfg.deficit.source {
        DeficitSource::RiskProfile => from_profile(),
        DeficitSource::Registry => from_registry(),
        DeficitSource::Auto => from_profile().or_else(from_registry),
    };
    let Some(score) = score else {
        note!(
            keep,
            led,
            2,
            Fact::DeficitUnknown {
                source: cfg.deficit.source,
            }
        );
        return None;
    };
    let which = if score.staffing > score.infrastructure {
        Deficit::Staffing
    } else if score.infrastructure > score.staffing {
        Deficit::Infrastructure
    } else {
        cfg.deficit.tie
    };
    note!(
        keep,
        led,
        2,
        Fact::Deficit {
            score,
            tie: cfg.deficit.tie,
            deficit: which,
            year,
        }
    );
    Some(which)
}
