//! The context side of a selection (index, resilience, objectivity screen, risk profiles, registry
//! z-scores): computed once per inputs and year, shared by every run that changes only selection keys.
use super::procedures::{find_sorted, PooledSums, YearSums};
use super::registry::{Registered, Registry};
use super::select::{run_with, Selection};
use super::strata::RegistryZ;
use crate::config::Config;
use crate::model::Dataset;

/// The context side that selection reads (index, resilience, objectivity screen): computed once and
/// reused when only selection keys change (sweep).
pub struct Context {
    /// The canonical frames of the inputs (`model::frames`), built once per context.
    pub frames: crate::model::frames::Frames,
    /// The id of every school with results (any year), ascending.
    pub school_ids: Vec<String>,
    /// Each of those schools' registry facts (read from the `schools` frame), in the same order;
    /// shared by the contexts made from this one.
    pub registry: std::sync::Arc<Registry>,
    pub index: super::index::IndexResult,
    pub resilience: Option<super::resilience::Resilience>,
    pub screen: super::objectivity::Screen,
    /// The risk profiles of the year, with only the factors the deficit reads (none when
    /// `deficit.source` is `registry`), each school's found when stage 2 asks for it.
    pub profiles: super::profiles::ProfileIndex,
    /// Which schools carry their ledgers: the ones an output shows (a sweep needs only who is
    /// selected).
    pub ledgers: Ledgers,
    /// The window's pooled sums when the context computed them (for the resilience); the stages
    /// reuse them when they [`fit`](super::procedures::PooledSums::fits) the run's config.
    pub pooled: Option<super::procedures::PooledSums>,
    /// Each school's pooling sums per year, from which the sums of any window are made: the
    /// context's own [`pooled`](Context::pooled) and those of the other years' contexts
    /// ([`Context::for_statuses`]).
    pub year_sums: Option<std::sync::Arc<super::procedures::YearSums>>,
    /// The years of `frames.results` with a count below the minimum, ascending (found once:
    /// [`Context::years_with_marks`]); shared by the contexts made from this one.
    marked: std::sync::Arc<std::sync::OnceLock<Vec<i32>>>,
    /// The stages' rows of the context's year and each school's pooled counts of
    /// [`pooled`](Context::pooled), found beside the resilience's models (none for a context for
    /// statuses: the stages find them).
    pub(crate) staged: Option<std::sync::Arc<Staged>>,
    /// A run for the schools' statuses only (the dynamics' other years,
    /// [`Context::for_statuses`]): its selection has no warnings and no region for a school
    /// known only by name, which no status reads.
    pub statuses_only: bool,
}

/// A school's id and the rows the other lists hold for it.
pub type Looked<'s> = (
    &'s str,
    Registered<'s>,
    Option<&'s super::index::IndexRow>,
    Option<&'s super::resilience::ResilienceRow>,
);

/// Which schools carry their per-rule ledgers.
#[derive(Clone, Debug, PartialEq)]
pub enum Ledgers {
    None,
    All,
    /// The schools with these logins.
    Of(std::collections::BTreeSet<String>),
}

impl Context {
    /// The context of `ds` in `year`; errors only when the canonical frames cannot be built or
    /// lack a declared column (a bug, not the user's data).
    pub fn new(ds: &Dataset, cfg: &Config, year: i32) -> anyhow::Result<Context> {
        Self::of_dataset(ds, cfg, year, super::index::Parts::All)
    }
    /// [`Context::new`] with only what a selection's outputs show of the index (`select`,
    /// `explain`, `risk`: no school's top factors, no index warnings —
    /// [`index::Parts::Values`](super::index::Parts::Values)); the report and the `index`
    /// command read them from [`Context::new`]'s.
    pub fn for_selection(ds: &Dataset, cfg: &Config, year: i32) -> anyhow::Result<Context> {
        Self::of_dataset(ds, cfg, year, super::index::Parts::Values)
    }
    /// The context of `ds` with the `parts` of the index its caller reads: the frames as `ds`
    /// holds them ([`frames::base`](crate::model::frames::base)), the derived columns of
    /// `results` made while the parts that do not read them run. A selection's context
    /// ([`Parts::Values`](super::index::Parts::Values)) under the risk rule leaves out `region`
    /// and `municipality_key` (only the bottom rule's ranks and the comparison read them).
    fn of_dataset(
        ds: &Dataset,
        cfg: &Config,
        year: i32,
        parts: super::index::Parts,
    ) -> anyhow::Result<Context> {
        let base = crate::model::frames::base(ds)?;
        let areas = parts == super::index::Parts::All
            || cfg.stage1.rule == crate::config::Stage1Rule::Bottom;
        let results = || crate::model::frames::derived_results(ds, areas);
        Self::with_parts(base, results, cfg, year, parts)
    }
    /// The context with the frames of `ds` already built (a run over several years builds them once).
    pub fn from_frames(
        frames: crate::model::frames::Frames,
        cfg: &Config,
        year: i32,
    ) -> anyhow::Result<Context> {
        let results = frames.results.clone();
        Self::with_parts(frames, || Ok(results), cfg, year, super::index::Parts::All)
    }
    /// The context of `frames` (whose `results` may lack the derived columns) with `results`
    /// the canonical results frame (derived columns included) and the `parts` of the index its
    /// caller reads.
    ///
    /// The parts that do not read each other run side by side (`rayon::join`; each spreads its
    /// frame operations over polars' threads): on one side `results`, the pooled sums and the
    /// resilience's scores ([`Sums::new`]); on the other the school ids, then the index beside
    /// the screen, profiles and registry ([`Facts::new`]); then the resilience's models, which
    /// read the index. Each part is computed as it is alone, so the context is the same whatever
    /// the thread count.
    fn with_parts(
        mut frames: crate::model::frames::Frames,
        results: impl FnOnce() -> anyhow::Result<polars::prelude::DataFrame> + Send,
        cfg: &Config,
        year: i32,
        parts: super::index::Parts,
    ) -> anyhow::Result<Context> {
        let f = &frames;
        let (sums, facts) = rayon::join(
            || Sums::new(f, results()?, cfg, year),
            || -> anyhow::Result<_> {
                let school_ids = super::procedures::school_ids(&f.results)?;
                crate::timing("  context: school ids");
                let (index, facts) = rayon::join(
                    || super::index::compute_parts(f, cfg, &school_ids, parts),
                    || Facts::new(f, cfg, year, school_ids.as_slice()),
                );
                Ok((index?, facts?, school_ids))
            },
        );
        let ((results, sums, scored), (index, facts, school_ids)) = (sums?, facts?);
        frames.results = results;
        crate::timing("  context: sums, index, screen, profiles, registry");
        // no school to model is no resilience, not an error of the selection
        // the window's years with marks, as the stages find them
        let used = years_in(&facts.marked, &super::procedures::window(cfg, year));
        // beside the models (which read the index), the stages' rows of `year` and pooled
        // counts (which do not)
        let (resilience, staged) = rayon::join(
            || {
                scored
                    .and_then(|df| {
                        super::resilience::compute_scored(cfg, (&index, year, &used), df)
                    })
                    .ok()
            },
            || Staged::new(&frames.results, year, &school_ids, &sums.pooled),
        );
        crate::timing("  context: resilience");
        Ok(Context {
            index,
            resilience,
            ledgers: Ledgers::All,
            // a failure is found again, and reported, by the stages
            staged: staged.ok().map(std::sync::Arc::new),
            ..facts.into_context(frames, school_ids, sums)
        })
    }
    /// The context of `year` for statuses only (candidate, cluster, group, selected: what the
    /// dynamics read of the other years): the objectivity screen, the school ids and the registry
    /// of `self`; the risk profiles of `year` only when `deficit.source` reads them; no index, no
    /// resilience (they change no decision, only what a school's row and ledger show) and no
    /// ledgers; the pooled sums of `year`'s window are made from `self`'s sums per year.
    pub fn for_statuses(&self, cfg: &Config, year: i32) -> anyhow::Result<Context> {
        Ok(Context {
            frames: self.frames.clone(),
            school_ids: self.school_ids.clone(),
            registry: self.registry.clone(),
            index: super::index::IndexResult::default(),
            resilience: None,
            screen: self.screen.clone(),
            profiles: match deficit_factors(cfg) {
                None => Default::default(),
                // the runs of `self`'s index, when it keeps the same factors
                Some(factors) => match self.profiles.at_year(year, factors) {
                    Some(p) => p,
                    None => super::profiles::ProfileIndex::new(&self.frames, year, factors)?,
                },
            },
            ledgers: Ledgers::None,
            pooled: None,
            year_sums: self.year_sums.clone(),
            marked: self.marked.clone(),
            staged: None,
            statuses_only: true,
        })
    }
    /// The context of the frames in `year` for statuses only, as [`Context::for_statuses`]: what
    /// `shnor monitor` reads.
    pub fn statuses(
        frames: crate::model::frames::Frames,
        cfg: &Config,
        year: i32,
    ) -> anyhow::Result<Context> {
        let f = &frames;
        let (facts, sums) = rayon::join(
            || -> anyhow::Result<_> {
                let school_ids = super::procedures::school_ids(&f.results)?;
                let facts = Facts::new(f, cfg, year, &school_ids)?;
                Ok((facts, school_ids))
            },
            || Sums::of(&f.results, cfg, year),
        );
        let ((facts, school_ids), sums) = (facts?, sums?);
        Ok(facts.into_context(frames, school_ids, sums))
    }
    /// Each school's id with its registry, index and resilience rows: one merge per list (all
    /// are sorted by id), not a search per school; the three side by side.
    pub fn looked_up(&self, cfg: &Config) -> Vec<Looked<'_>> {
        let bs = &self.school_ids;
        let ids = || bs.iter().map(String::as_str);
        // the registry's rows beside the two merges (none reads another)
        let (registered, (ir_of, rr_of)) = rayon::join(
            || self.registry.all(cfg),
            || {
                rayon::join(
                    || find_sorted(&self.index.schools, |x| x.school_id.as_str(), ids()),
                    || match &self.resilience {
                        Some(r) => find_sorted(&r.schools, |x| x.school_id.as_str(), ids()),
                        None => vec![None; bs.len()],
                    },
                )
            },
        );
        bs.iter()
            .zip(registered)
            .zip(ir_of.into_iter().zip(rr_of))
            .map(|((sid, sch), (ir, rr))| (sid.as_str(), sch, ir, rr))
            .collect()
    }
    /// The years of `window` in which some result has a count below the minimum, ascending: what
    /// `procedures::years_with_marks` gives for `window` (consecutive years, ascending), the
    /// years of the whole frame found once per context and the contexts made from it.
    /// Errors: a frame without its declared columns (a bug).
    pub fn years_with_marks(&self, window: &[i32]) -> polars::prelude::PolarsResult<Vec<i32>> {
        let all = match self.marked.get() {
            Some(all) => all,
            None => {
                let all = super::procedures::marked_years(&self.frames.results)?;
                self.marked.get_or_init(|| all)
            }
        };
        Ok(years_in(all, window))
    }
    /// The same context for runs that need only the outcomes, not the ledgers.
    pub fn without_ledgers(self) -> Context {
        Context {
            ledgers: Ledgers::None,
            ..self
        }
    }
    /// The same context where only the schools with these logins carry their ledgers.
    pub fn with_ledgers_of(self, logins: std::collections::BTreeSet<String>) -> Context {
        Context {
            ledgers: Ledgers::Of(logins),
            ..self
        }
    }
    pub fn keeps_ledger(&self, login: &str) -> bool {
        match &self.ledgers {
            Ledgers::None => false,
            Ledgers::All => true,
            Ledgers::Of(logins) => logins.contains(login),
        }
    }
}

/// The screen, profiles and registry of a context: what reads neither the pooled sums nor the
/// derived columns of `results`.
struct Facts {
    screen: super::objectivity::Screen,
    profiles: super::profiles::ProfileIndex,
    registry: std::sync::Arc<Registry>,
    /// The years of `frames.results` with marks ([`super::procedures::marked_years`]).
    marked: Vec<i32>,
}

impl Facts {
    /// The facts of `frames` in `year`; `school_ids`: the distinct ids of `frames.results`,
    /// ascending. Errors: a frame without its declared columns (a bug).
    fn new(
        frames: &crate::model::frames::Frames,
        cfg: &Config,
        year: i32,
        school_ids: &[String],
    ) -> anyhow::Result<Facts> {
        let screen = super::objectivity::screen(frames, cfg)?;
        crate::timing("  context: objectivity screen");
        let profiles = profiles_for_deficit(frames, cfg, year)?;
        crate::timing("  context: profiles");
        let registry_z = RegistryZ::new(&frames.schools);
        let registry = Registry::new(&frames.schools, school_ids, &registry_z)?.into();
        crate::timing("  context: registry");
        let marked = super::procedures::marked_years(&frames.results)?;
        crate::timing("  context: years with marks");
        Ok(Facts {
            screen,
            profiles,
            registry,
            marked,
        })
    }
    /// The context of these facts and `sums` (no index, no resilience, no ledgers).
    fn into_context(
        self,
        frames: crate::model::frames::Frames,
        school_ids: Vec<String>,
        sums: Sums,
    ) -> Context {
        Context {
            frames,
            school_ids,
            registry: self.registry,
            index: super::index::IndexResult::default(),
            resilience: None,
            screen: self.screen,
            profiles: self.profiles,
            ledgers: Ledgers::None,
            pooled: Some(sums.pooled),
            year_sums: Some(sums.year_sums.into()),
            marked: std::sync::Arc::new(self.marked.into()),
            staged: None,
            statuses_only: false,
        }
    }
}

/// What the stages of one year read of the results frame, found once per context
/// (`select::Prepared`): the rows of years Y−1 and Y with each school's handle, and each school's
/// pooled counts of one [`PooledSums`].
pub struct Staged {
    /// The year Y of the rows.
    pub year: i32,
    pub year_rows: super::procedures::YearRows,
    /// Each school of `school_ids` with its rows' handle in `year_rows` (none without rows in
    /// Y−1 and Y).
    pub found: Vec<Option<std::ops::Range<usize>>>,
    /// Each school's pooled counts of `pooled` (`pooled_of`), in `school_ids`' order (zero sums
    /// for a school without a row).
    pub pooled: Vec<super::procedures::Pooled>,
}

impl Staged {
    /// The stages' rows of `year` of `results` (the canonical frame) for `school_ids`
    /// (ascending), and their pooled counts of `pooled`: the two side by side. Errors: a frame
    /// without its declared columns (a bug).
    pub fn new(
        results: &polars::prelude::DataFrame,
        year: i32,
        school_ids: &[String],
        pooled: &PooledSums,
    ) -> polars::prelude::PolarsResult<Staged> {
        let ids = || school_ids.iter().map(String::as_str);
        let (pooled, rows) = rayon::join(
            || super::procedures::pooled_of(&pooled.df, ids()),
            || Self::rows(results, year, ids()),
        );
        let (year_rows, found) = rows?;
        Ok(Staged {
            year,
            year_rows,
            found,
            pooled: pooled?,
        })
    }
    /// The rows of years `year` − 1 and `year` of `results` with the handle of each of `ids`
    /// (ascending) in them.
    pub fn rows<'i>(
        results: &polars::prelude::DataFrame,
        year: i32,
        ids: impl IntoIterator<Item = &'i str>,
    ) -> polars::prelude::PolarsResult<(
        super::procedures::YearRows,
        Vec<Option<std::ops::Range<usize>>>,
    )> {
        let year_rows = super::procedures::YearRows::new(results, year)?;
        let found: Vec<_> = {
            let groups = year_rows.schools();
            find_sorted(&groups, |g| g.0, ids)
                .into_iter()
                .map(|g| g.map(|g| g.1.clone()))
                .collect()
        };
        Ok((year_rows, found))
    }
}

/// The years of `window` that `marked` (ascending) holds, in `window`'s order.
fn years_in(marked: &[i32], window: &[i32]) -> Vec<i32> {
    window
        .iter()
        .copied()
        .filter(|y| marked.binary_search(y).is_ok())
        .collect()
}

/// The pooled sums of a context: per school and year, and of `year`'s window with the schools
/// active in it (the resilience's population; the stages read only the sums).
struct Sums {
    year_sums: YearSums,
    pooled: PooledSums,
}

/// The canonical results frame, its [`Sums`] and the resilience's pooled and scored schools
/// (`Err` when they cannot be made: no resilience).
type SumsScored = (
    polars::prelude::DataFrame,
    Sums,
    anyhow::Result<polars::prelude::DataFrame>,
);

impl Sums {
    /// The sums of `results` (the canonical frame, derived columns included) in `year`.
    /// Errors: a frame without its declared columns (a bug).
    fn of(results: &polars::prelude::DataFrame, cfg: &Config, year: i32) -> anyhow::Result<Sums> {
        let year_sums = YearSums::new(results, cfg)?;
        let window = super::procedures::window(cfg, year);
        let pooled = PooledSums::from_years(&year_sums, &window, Some(year))?;
        crate::timing("  context: pooled sums");
        Ok(Sums { year_sums, pooled })
    }
    /// `results` with its sums and the resilience's scores (which read the sums, the `schools`
    /// frame and the regions of `frames`, not the index).
    fn new(
        frames: &crate::model::frames::Frames,
        results: polars::prelude::DataFrame,
        cfg: &Config,
        year: i32,
    ) -> anyhow::Result<SumsScored> {
        crate::timing("  context: frames");
        let sums = Sums::of(&results, cfg, year)?;
        let scored = super::resilience::scored_sums(frames, cfg, &sums.pooled);
        crate::timing("    resilience: pooled, scored");
        Ok((results, sums, scored))
    }
}

/// The risk profiles of `year` when `deficit.source` reads them (`risk_profile`, `auto`), else
/// none (stage 2 reads them for nothing else).
fn profiles_for_deficit(
    frames: &crate::model::frames::Frames,
    cfg: &Config,
    year: i32,
) -> anyhow::Result<super::profiles::ProfileIndex> {
    Ok(match deficit_factors(cfg) {
        None => Default::default(),
        Some(factors) => super::profiles::ProfileIndex::new(frames, year, factors)?,
    })
}

/// The risk factors whose levels the deficit reads under `cfg` (none when `deficit.source` is
/// `registry`).
fn deficit_factors(cfg: &Config) -> Option<&'static [&'static str]> {
    use super::strata::{INFRA, STAFFING};
    const FACTORS: [&str; 3] = [STAFFING[0], STAFFING[1], INFRA];
    match cfg.deficit.source {
        crate::config::DeficitSource::Registry => None,
        _ => Some(&FACTORS),
    }
}

/// Whose ledgers an output shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shown {
    /// None: the lists show where schools stopped, not why.
    NoLedgers,
    /// The selected schools (JSON of the list).
    Selected,
    /// Every school (JSON with `--all`).
    All,
}

/// All three stages, with the ledgers of the schools an output shows: for `Selected`, the
/// schools are judged without ledgers, then the selected ones again with their ledgers (a ledger
/// is most of a school's judging time, and a list shows a few dozen of 45 000;
/// [`run_with_selected_ledgers`](super::select::run_with_selected_ledgers)). `ctx` is borrowed
/// (its ledgers set for the run, then put back), so that its caller decides when it is freed
/// (the CLI leaves it to the process's end, `commands::at_exit`).
pub fn run_showing(
    ds: &Dataset,
    cfg: &Config,
    year: i32,
    ctx: &mut Context,
    shown: Shown,
) -> anyhow::Result<Selection> {
    // the ledgers the context keeps, put back after a run without them
    let own = match shown {
        Shown::All => None,
        Shown::NoLedgers | Shown::Selected => {
            Some(std::mem::replace(&mut ctx.ledgers, Ledgers::None))
        }
    };
    let sel = match shown {
        Shown::All | Shown::NoLedgers => run_with(ds, cfg, year, ctx),
        Shown::Selected => super::select::run_with_selected_ledgers(ds, cfg, year, ctx),
    };
    if let Some(own) = own {
        ctx.ledgers = own;
    }
    sel
}
