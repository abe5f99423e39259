//! The three-stage ШНОР selection (METHOD.md §1–3, §10): screen, confirm and classify, pick.
use super::ledger::{note, Fact, Ledger};
use super::procedures::{pooled_of, PooledSums, ProcRow, YearRows};
use super::registry::Registered;
use super::stage1::{Screened, Stage1};
use super::stage2::Candidate;
use super::year_notes::FrameWarnings;
use crate::config::{ClusterMethod, Config, ObjectivityPolicy, SelectionYear, Stage1Rule};
use crate::error::usage;
use crate::input::report::Warnings;
use crate::input::text::region_of;
use crate::model::domain::{Cluster, Deficit, ExclusionReason, Settlement, Stratum};
use crate::model::warning::WarningCode;
use crate::model::Dataset;
use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SchoolResult {
    pub login: String,
    pub name: String,
    pub municipality: String,
    pub municipality_code: String,
    pub region: String,
    pub stratum: Stratum,
    pub settlement: Settlement,
    pub deficit: Option<Deficit>,
    pub participants: i64,
    pub share2: Option<f64>,
    pub share2_ci: Option<[f64; 2]>,
    pub quality: Option<f64>,
    pub candidate: bool,
    /// 1 = stopped at stage 1, 2 = excluded or classified at stage 2, 3 = ranked at stage 3.
    pub stage_reached: u8,
    pub excluded_reason: Option<ExclusionReason>,
    pub cluster: Option<Cluster>,
    pub group: Option<String>,
    pub rank_in_group: Option<u32>,
    pub selected: bool,
    pub borderline: bool,
    pub objectivity_flag: bool,
    /// ИСБШ, its quintile group and ШНСУ (METHOD §4), when the inputs carry context indicators.
    pub index: Option<f64>,
    pub index_group: Option<u32>,
    /// ШНСУ by the school's ИСБШ group; none without an index (unknown, not «no»).
    pub shnsu: Option<bool>,
    /// Standardised residual of results on context and the resilience labels (METHOD §5).
    pub residual: Option<f64>,
    pub resilience: Vec<&'static str>,
    /// Objectivity markers of year Y (doubtful and reported ones).
    pub objectivity_flags: Vec<super::objectivity::Flag>,
    pub ledger: Ledger,
    /// What is below the minimum in the school's judged results of Y−1 and Y (the words of its
    /// share in the ledger); not in JSON.
    #[serde(skip)]
    pub below_min: super::procedures::BelowMin,
}

#[derive(Debug, Clone, Serialize)]
pub struct Selection {
    pub year: i32,
    pub window: Vec<i32>,
    pub schools: Vec<SchoolResult>,
    pub warnings: Warnings,
}

pub fn proc_label(r: &ProcRow) -> String {
    super::procedures::proc_label_of(r.assessment, r.subject, r.grade)
}

/// Selection year: config, else `--year`, else the latest year in the results.
pub fn resolve_year(ds: &Dataset, cfg: &Config, cli_year: Option<i32>) -> Result<i32> {
    let years: BTreeSet<i32> = ds.result_years();
    if years.is_empty() {
        return Err(crate::error::data("no results in the inputs: selection needs marks (per-pupil files, marks tables or ОГЭ/ЕГЭ tables)"));
    }
    let (y, from) = match (cli_year, &cfg.selection.year) {
        (Some(y), _) => (y, "--year"),
        (None, SelectionYear::Year(y)) => (*y, "selection.year of the config"),
        _ => (*years.iter().next_back().unwrap(), ""),
    };
    if !years.contains(&y) {
        return Err(usage(format!(
            "year {y} ({from}) is absent from the data: the results hold {}",
            years
                .iter()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    Ok(y)
}

pub use super::procedures::{judged_procs, Pooled, Proc};

pub use super::context::{run_showing, Context, Looked, Shown, Staged};

/// Run all three stages.
pub fn run(ds: &Dataset, cfg: &Config, year: i32) -> Result<Selection> {
    run_with(ds, cfg, year, &Context::new(ds, cfg, year)?)
}

/// Run all three stages with a precomputed context, in METHOD.md's order: every school with
/// results in year Y is screened (stage 1); candidates are confirmed and classified (stage 2),
/// schools judged in parallel (each independently of the others, joined in school order); then
/// k-means clusters when configured, and the picks of stage 3. Schools sorted by login.
pub fn run_with(ds: &Dataset, cfg: &Config, year: i32, ctx: &Context) -> Result<Selection> {
    Prepared::new(ds, cfg, year, ctx)?.run(ds, cfg, ctx)
}

/// [`run_with`] on a context without ledgers, the selected schools' ledgers added after: each
/// selected school is judged again (stages 1 and 2) with its ledger, which goes before the
/// entries the run gave it (k-means, stage 3) — the selection a run with the ledgers of the
/// selected schools ([`Context::with_ledgers_of`]) gives, without judging every school twice.
/// `ctx` keeps no ledger ([`Ledgers::None`](super::context::Ledgers::None)).
pub fn run_with_selected_ledgers(
    ds: &Dataset,
    cfg: &Config,
    year: i32,
    ctx: &Context,
) -> Result<Selection> {
    let prep = Prepared::new(ds, cfg, year, ctx)?;
    let mut sel = prep.run(ds, cfg, ctx)?;
    let logins: BTreeSet<&str> = sel
        .schools
        .iter()
        .filter(|x| x.selected)
        .map(|x| x.login.as_str())
        .collect();
    // the schools with those logins, in school order, judged again with their ledgers
    let mut again: BTreeMap<String, Vec<Ledger>> = BTreeMap::new();
    let schools = prep
        .looked
        .iter()
        .zip(prep.found.iter())
        .zip(prep.pooled.iter());
    for ((school, rows), p) in schools {
        if !logins.contains(Registered::login_of(school.0, &school.1)) {
            continue;
        }
        let rows = rows.clone().map(|g| prep.year_rows.rows_of(g));
        let rows = rows.as_deref().unwrap_or_default();
        let judged = prep.judge((school, *p), rows, cfg, ctx, true);
        if let Some((res, _)) = judged {
            again.entry(res.login).or_default().push(res.ledger);
        }
    }
    // `sel.schools` is sorted by login, stably: the schools of one login in school order
    for x in sel.schools.iter_mut() {
        let Some(ledgers) = again.get_mut(&x.login) else {
            continue;
        };
        if ledgers.is_empty() {
            anyhow::bail!(
                "internal: {} judged again fewer times than selected",
                x.login
            );
        }
        let mut led = ledgers.remove(0);
        led.0.append(&mut x.ledger.0);
        x.ledger = led;
    }
    Ok(sel)
}

/// What the stages read of a context in one year, found once for every school (and again for
/// those whose ledgers [`run_with_selected_ledgers`] adds).
struct Prepared<'c> {
    year: i32,
    /// The years of the window with results to judge (`procedures::years_with_marks`).
    judged_years: Vec<i32>,
    bottom: super::bottom::BottomRanks,
    /// Each school's pooled counts over the window, in `looked`'s order: the context's
    /// ([`Staged`]) when they are of the window under `cfg`.
    pooled: Shared<'c, Vec<Pooled>>,
    /// The rows of Y−1 and Y: the context's when it found them for Y.
    year_rows: Shared<'c, YearRows>,
    /// Every school of the context, with its rows' handle in `year_rows` (none without rows
    /// in Y−1 and Y).
    looked: Vec<Looked<'c>>,
    found: Shared<'c, Vec<Option<std::ops::Range<usize>>>>,
}

/// What [`Prepared`] reads: the context's, or found for the run.
enum Shared<'c, T> {
    Context(&'c T),
    Own(T),
}

impl<T> std::ops::Deref for Shared<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        match self {
            Shared::Context(t) => t,
            Shared::Own(t) => t,
        }
    }
}

impl<'c> Prepared<'c> {
    /// Errors: no result of the window to judge, or none of year Y (names what is missing and
    /// the year that can be judged), a frame without its declared columns (a bug).
    fn new(ds: &Dataset, cfg: &Config, year: i32, ctx: &'c Context) -> Result<Prepared<'c>> {
        let window = super::procedures::window(cfg, year);
        let judged_years = ctx.years_with_marks(&window)?;
        if judged_years.is_empty() {
            return Err(super::judgeable::nothing_to_judge(ctx, &window)?);
        }
        if !judged_years.contains(&year) {
            let all: Vec<i32> = ds.result_years().into_iter().collect();
            return Err(super::judgeable::year_not_judged(ctx, &all, year)?);
        }
        crate::timing("  stages: years with marks");
        let bottom = match cfg.stage1.rule {
            Stage1Rule::Bottom => super::bottom::ranks(ctx, cfg, year)?,
            Stage1Rule::Risk => BTreeMap::new(),
        };
        crate::timing("  stages: bottom ranks");
        // each school of the context (`school_ids`) with its registry, index and resilience
        // rows, its sums, and its rows of Y−1 and Y: found side by side by one merge each
        // (none reads another), the last two taken from the context when it found them
        let (looked, (pooled, rows)) = rayon::join(
            || ctx.looked_up(cfg),
            || {
                rayon::join(
                    || pooled_of_ctx(ctx, cfg, &window),
                    || rows_of_ctx(ctx, year),
                )
            },
        );
        let (pooled, (year_rows, found)) = (pooled?, rows?);
        crate::timing("  stages: year rows, looked up");
        Ok(Prepared {
            year,
            judged_years,
            bottom,
            pooled,
            year_rows,
            looked,
            found,
        })
    }
    /// One school through stages 1 and 2 ([`judge`]); `keep`: with its ledger whatever `ctx`
    /// keeps.
    fn judge(
        &self,
        (school, pooled): (&Looked<'_>, Pooled),
        rows: &[ProcRow],
        cfg: &Config,
        ctx: &Context,
        keep: bool,
    ) -> Option<(SchoolResult, bool)> {
        let on = (self.year, self.judged_years.as_slice());
        judge(school, rows, cfg, on, ctx, (&self.bottom, pooled), keep)
    }
    /// The three stages over every school.
    fn run(&self, ds: &Dataset, cfg: &Config, ctx: &Context) -> Result<Selection> {
        let year = self.year;
        let window = &self.judged_years;
        let sel_window = super::procedures::window(cfg, year);
        // the schools with results in year Y (the others are not judged: [`judge`]), in school
        // order; judged in parallel into a list of their length, beside them the warnings of
        // the frames (which read no judged school)
        let judged_ones: Vec<usize> = (self.found.iter().enumerate())
            .filter(|(_, g)| {
                (*g).clone()
                    .is_some_and(|g| self.year_rows.has_year(g, year))
            })
            .map(|(i, _)| i)
            .collect();
        let (judged, framed) = rayon::join(
            || -> Vec<SchoolResult> {
                let on = (year, self.judged_years.as_slice());
                judged_ones
                    .par_iter()
                    // each worker's row buffer reused from school to school
                    .map_init(Vec::new, |rows, &i| {
                        let g = self.found[i].clone().unwrap_or_default();
                        self.year_rows.rows_into(g, rows);
                        let sums = (&self.bottom, self.pooled[i]);
                        judge_rows(&self.looked[i], rows, cfg, on, ctx, sums, false)
                    })
                    .collect()
            },
            || match ctx.statuses_only {
                true => Ok(None),
                false => FrameWarnings::new(ds, ctx, year, &sel_window).map(Some),
            },
        );
        crate::timing("  stages: judged");
        let mut warnings = match framed? {
            None => Warnings::default(),
            Some(f) => {
                // each judged school with whether its kind is known (its registry row's)
                let kinds = judged_ones.iter().map(|&i| self.looked[i].1.kind_known);
                f.with_schools(judged.iter().zip(kinds), (&sel_window, window))
            }
        };
        if cfg.stage1.rule == Stage1Rule::Bottom && !ctx.statuses_only {
            super::bottom::years_short(&self.bottom, cfg, year, &mut warnings);
        }
        let mut out = judged;
        // a school without a login takes its municipality's region (`identity::Regions`)
        if !ctx.statuses_only
            && out
                .iter()
                .any(|x| x.region.is_empty() && x.login.contains(':'))
        {
            let regions = crate::model::identity::Regions::new(ds);
            for x in out.iter_mut().filter(|x| x.region.is_empty()) {
                x.region = regions.of(ds, &x.login);
            }
        }
        if cfg.cluster.method == ClusterMethod::Kmeans {
            super::cluster::kmeans_clusters(&mut out, cfg, &mut warnings);
        }
        crate::timing("  stages: warnings, regions, clusters");
        super::stage3::stage3(&mut out, cfg)?;
        if let Some((n, m)) = super::stage3::undetermined_cut(&out).filter(|_| !ctx.statuses_only) {
            warnings.add_n(
                WarningCode::UndeterminedGroups,
                n,
                format!("отобрано {m} из {n}"),
            );
        }
        out.sort_by(|a, b| a.login.cmp(&b.login));
        Ok(Selection {
            year,
            window: window.clone(),
            schools: out,
            warnings,
        })
    }
}

/// Each school of the context's pooled counts over `window`: the context's ([`Staged`]) when its
/// sums fit `cfg`, else [`pooled_of_ids`].
fn pooled_of_ctx<'c>(
    ctx: &'c Context,
    cfg: &Config,
    window: &[i32],
) -> Result<Shared<'c, Vec<Pooled>>> {
    let fits = ctx.pooled.as_ref().is_some_and(|s| s.fits(window, cfg));
    if let (true, Some(staged)) = (fits, &ctx.staged) {
        return Ok(Shared::Context(&staged.pooled));
    }
    let ids = || ctx.school_ids.iter().map(String::as_str);
    Ok(Shared::Own(pooled_of_ids(ctx, cfg, window, ids)?))
}

/// The rows of `year` − 1 and `year` of the context's results, with each school's handle in
/// them: the context's ([`Staged`]) when it found them for `year`.
#[allow(clippy::type_complexity)]
fn rows_of_ctx(
    ctx: &Context,
    year: i32,
) -> Result<(
    Shared<'_, YearRows>,
    Shared<'_, Vec<Option<std::ops::Range<usize>>>>,
)> {
    if let Some(staged) = ctx.staged.as_ref().filter(|s| s.year == year) {
        return Ok((
            Shared::Context(&staged.year_rows),
            Shared::Context(&staged.found),
        ));
    }
    let ids = ctx.school_ids.iter().map(String::as_str);
    let (rows, found) = Staged::rows(&ctx.frames.results, year, ids)?;
    Ok((Shared::Own(rows), Shared::Own(found)))
}

/// Each school's pooled counts over `window` (`ids`: the schools, ascending): from the context's
/// sums when they fit `cfg`, else from its sums per year, else from the results frame.
fn pooled_of_ids<'i, I: Iterator<Item = &'i str>>(
    ctx: &Context,
    cfg: &Config,
    window: &[i32],
    ids: impl Fn() -> I,
) -> Result<Vec<Pooled>> {
    Ok(match (&ctx.pooled, &ctx.year_sums) {
        (Some(sums), _) if sums.fits(window, cfg) => pooled_of(&sums.df, ids())?,
        (_, Some(years)) if years.fits(cfg) => {
            pooled_of(&PooledSums::from_years(years, window, None)?.df, ids())?
        }
        _ => pooled_of(
            &PooledSums::new(&ctx.frames.results, window, None, cfg)?.df,
            ids(),
        )?,
    })
}

/// One school through stages 1 and 2 (`None` when it has no results in year Y), with whether its
/// kind is known; with its ledger when `keep` or `ctx` keeps it.
fn judge(
    school: &Looked<'_>,
    rows: &[ProcRow],
    cfg: &Config,
    on: (i32, &[i32]),
    ctx: &Context,
    sums: (&super::bottom::BottomRanks, Pooled),
    keep: bool,
) -> Option<(SchoolResult, bool)> {
    if !rows.iter().any(|r| r.year == on.0) {
        return None;
    }
    let res = judge_rows(school, rows, cfg, on, ctx, sums, keep);
    Some((res, school.1.kind_known))
}

/// [`judge`] of a school with results in year Y (`rows` holds some).
fn judge_rows(
    &(sid, sch, ir, rr): &Looked<'_>,
    rows: &[ProcRow],
    cfg: &Config,
    (year, window): (i32, &[i32]),
    ctx: &Context,
    (bottom, school_pooled): (&super::bottom::BottomRanks, Pooled),
    keep: bool,
) -> SchoolResult {
    let (stratum, kind_known) = (sch.stratum, sch.kind_known);
    let mut res = SchoolResult::new(sid, Some(&sch), stratum);
    if let Some(ir) = ir {
        res.index = ir.index;
        res.index_group = ir.index_group;
        res.shnsu = ir.shnsu;
    }
    if let Some(rr) = rr {
        res.residual = rr.residual;
        res.resilience = rr.labels.clone();
    }
    res.objectivity_flags = ctx
        .screen
        .of(sid, year)
        .map(|sy| sy.flags.clone())
        .unwrap_or_default();
    // METHOD §«Stage 2»: under `flag` (and `exclude`) a school with doubtful markers of Y is marked
    // in every output, also one that never reaches stage 2 (`select --all` said «нет» for them)
    res.objectivity_flag = cfg.objectivity.policy != ObjectivityPolicy::Ignore
        && res.objectivity_flags.iter().any(|f| f.doubtful);
    res.below_min = super::procedures::BelowMin::of(
        rows.iter()
            .filter(|r| r.n2.is_some() && super::stage1::in_assessments(cfg, r))
            .map(|r| r.assessment),
    );
    super::stage2::figures(&school_pooled, &mut res);
    let keep = keep || ctx.keeps_ledger(&res.login);
    let mut led = Ledger::default();
    if !kind_known {
        note!(keep, led, 1, Fact::KindUnknown);
    }
    let screened = Screened {
        school_id: sid,
        rows,
        stratum,
    };
    match super::stage1::screen(&screened, cfg, year, bottom, keep, &mut led) {
        Stage1::NotCandidate => {}
        Stage1::Excluded(reason) => res.excluded_reason = Some(reason),
        Stage1::Candidate => {
            res.candidate = true;
            res.stage_reached = 2;
            let c = Candidate {
                school_id: sid,
                registry_deficit: sch.deficit,
                pooled: school_pooled,
                window,
                small: small_procedures(rows, cfg, window),
            };
            match super::stage2::confirm(&c, ctx, cfg, year, &mut res, keep, &mut led) {
                Ok(()) => res.stage_reached = 3,
                Err(reason) => res.excluded_reason = Some(reason),
            }
        }
    }
    res.ledger = led;
    res
}

/// The window's judged procedures (a count below the minimum, an assessment stage 1 uses) with
/// fewer than `min_participants` pupils, by year then procedure: counted for
/// `min_total_participants`, left out of the shares (METHOD.md §10).
fn small_procedures(rows: &[ProcRow], cfg: &Config, window: &[i32]) -> Vec<(String, i32, i64)> {
    let mut small: Vec<(String, i32, i64)> = rows
        .iter()
        .filter(|r| window.contains(&r.year) && r.n2.is_some())
        .filter(|r| super::stage1::in_assessments(cfg, r))
        .filter(|r| i64::from(r.participants) < cfg.stage1.min_participants)
        .map(|r| (proc_label(r), r.year, i64::from(r.participants)))
        .collect();
    small.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    small
}

impl SchoolResult {
    /// A school at the start of stage 1: its identity from the registry row (login: the
    /// registry's, else the school id), nothing judged yet.
    pub(crate) fn new(sid: &str, sch: Option<&Registered>, stratum: Stratum) -> SchoolResult {
        SchoolResult {
            login: match sch {
                Some(s) => Registered::login_of(sid, s),
                None => sid,
            }
            .to_string(),
            name: sch.map_or("", |s| s.name).to_string(),
            municipality: sch.map_or("", |s| s.municipality).to_string(),
            municipality_code: sch.map_or("", |s| s.municipality_code).to_string(),
            region: region_of(sid),
            stratum,
            settlement: Settlement::of(sch.and_then(|s| s.settlement)),
            deficit: None,
            participants: 0,
            share2: None,
            share2_ci: None,
            quality: None,
            candidate: false,
            stage_reached: 1,
            excluded_reason: None,
            cluster: None,
            group: None,
            rank_in_group: None,
            selected: false,
            borderline: false,
            objectivity_flag: false,
            index: None,
            index_group: None,
            shnsu: None,
            residual: None,
            resilience: Vec::new(),
            objectivity_flags: Vec::new(),
            ledger: Ledger::default(),
            below_min: super::procedures::BelowMin::Mark2,
        }
    }
}

#[cfg(test)]
#[path = "select_tests.rs"]
mod tests;
