//! Year-over-year monitoring (METHOD.md §8, §10): status per year, cluster transitions, entries and
//! exits («вышла в эффективный режим»), change in the share of «2».
use super::frame::{ints, one_of};
use super::select::{self, Context, SchoolResult};
use crate::config::Config;
use crate::model::frames::Frames;
use crate::model::schema::col as k;
use crate::model::Dataset;
use crate::output::r6;
use crate::stats::{wilson, Z95};
use anyhow::Result;
use polars::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

pub const NOT_CANDIDATE: &str = "не кандидат";

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Status {
    pub candidate: bool,
    pub cluster: Option<String>,
    pub group: Option<String>,
    pub selected: bool,
    /// The year's own share of «2» (procedures with at least `min_participants`).
    pub share2: Option<f64>,
    pub share2_ci: Option<[f64; 2]>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SchoolTrack {
    pub login: String,
    pub name: String,
    pub municipality: String,
    pub years: BTreeMap<i32, Status>,
    pub share2_change_pp: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Exit {
    pub login: String,
    pub last_selected: i32,
    pub quiet_years: Vec<i32>,
}

/// Why a school left the list (METHOD.md §8: only [`LeftReason::Effective`] is an exit into the
/// effective mode); serialised as its Russian label.
#[derive(Debug, Clone, PartialEq)]
pub enum LeftReason {
    /// `monitor.exit_years` data years in a row without a stage-1 rule right after the last
    /// selection («переход в эффективный режим работы»; the school is in `exited` too): those
    /// years; the school left the list in the first and counted as effective in the last.
    Effective(Vec<i32>),
    /// Stopped before stage 3 that year: a stage-1 or stage-2 exclusion.
    Excluded(crate::model::domain::ExclusionReason),
    /// No stage-1 rule fired that year, and not yet `exit_years` such years in a row.
    NoRule,
    /// A candidate that year (classified) that stage 3 did not select.
    NotSelected,
    /// No judged results in any later year of the range.
    NoData,
}

impl std::fmt::Display for LeftReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LeftReason::Effective(quiet) => write!(
                f,
                "не кандидат: вышла в эффективный режим в {} ({} без правил этапа 1: {})",
                quiet.last().copied().unwrap_or_default(),
                crate::output::words::count(quiet.len() as u32, crate::output::words::YEARS),
                quiet
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            LeftReason::Excluded(r) => write!(f, "исключена: {r}"),
            LeftReason::NoRule => f.write_str(
                "не кандидат: правила этапа 1 не сработали (выход в эффективный режим ещё не подтверждён)",
            ),
            LeftReason::NotSelected => f.write_str("кандидат, не отобрана на этапе 3"),
            LeftReason::NoData => f.write_str("нет данных в следующих годах"),
        }
    }
}

impl Serialize for LeftReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A school that was selected in `last_selected` and is not on the list in `year` (the next year
/// with its data; for [`LeftReason::Effective`] the first quiet year, for [`LeftReason::NoData`]
/// the next year of the range), why, its cluster that year and, for an exit into the effective
/// mode, the year it counted as one.
#[derive(Debug, Clone, Serialize)]
pub struct Left {
    pub login: String,
    pub year: i32,
    pub last_selected: i32,
    pub reason: LeftReason,
    pub cluster: Option<String>,
    /// For [`LeftReason::Effective`], the year it counted as effective (the last quiet year).
    pub effective_year: Option<i32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Monitor {
    pub years: Vec<i32>,
    /// Every school judged in some year, in login order.
    pub schools: Vec<SchoolTrack>,
    /// (from year, to year) → from state → to state → count.
    pub transitions: Vec<Transition>,
    pub entered: BTreeMap<i32, Vec<String>>,
    pub candidates_entered: BTreeMap<i32, Vec<String>>,
    pub exited: Vec<Exit>,
    /// Every school that left the list, each time, with its reason, in login then year order
    /// (`exited` is those of [`LeftReason::Effective`]).
    pub left: Vec<Left>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Transition {
    pub from_year: i32,
    pub to_year: i32,
    pub matrix: BTreeMap<String, BTreeMap<String, usize>>,
}

/// The year's own pooled «2» of each school: sums of `n2` and participants per (school_id, year)
/// over the procedures stage 1 judges (`procedures::judged_procs`: a known `n2`, at least
/// `min_participants`, in `stage1.assessments`): school id → its shares in the order of `years`.
/// Read from the context's sums per school and year when they were made under `cfg`'s keys and
/// `min_participants` is at least 1 (so that a judged procedure has pupils), else a polars
/// group-by of `results`.
fn year_shares(ctx: &Context, cfg: &Config, years: &[i32]) -> Result<Shares> {
    match ctx.year_sums.as_deref() {
        Some(sums) if sums.fits(cfg) && cfg.stage1.min_participants >= 1 => {
            let df = sums.judged_in(years)?;
            shares_of(&df, years, ["part", k::N2])
        }
        _ => year_shares_grouped(&ctx.frames, cfg, years),
    }
}

/// [`year_shares`] as a polars group-by of the results frame.
fn year_shares_grouped(f: &Frames, cfg: &Config, years: &[i32]) -> Result<Shares> {
    let s1 = &cfg.stage1;
    let mut judged = one_of(k::YEAR, years.iter().copied())
        .and(col(k::N2).is_not_null())
        .and(col(k::PARTICIPANTS).gt_eq(lit(s1.min_participants)))
        .and(col(k::PARTICIPANTS).gt(lit(0)));
    if let Some(any) = super::procedures::in_assessments(cfg) {
        judged = judged.and(any);
    }
    // the id's text and the year as the keys: measured faster than the frames' integer school
    // key (`model::frames::SCHOOL_KEY`) with the id taken as each group's first
    let sums = f
        .results
        .clone()
        .lazy()
        .filter(judged)
        .group_by([col(k::SCHOOL_ID), col(k::YEAR)])
        .agg([
            col(k::PARTICIPANTS).cast(DataType::Int64).sum(),
            col(k::N2).cast(DataType::Int64).sum(),
        ])
        .collect()?;
    shares_of(&sums, years, [k::PARTICIPANTS, k::N2])
}

/// The [`Shares`] of a frame of school_id, year and the sums `[participants, n2]` (columns named
/// so), the rows of one school and year added up.
fn shares_of(sums: &DataFrame, years: &[i32], [part, n2]: [&str; 2]) -> Result<Shares> {
    let ids = sums.column(k::SCHOOL_ID)?.str()?;
    let ys = ints(sums, k::YEAR)?;
    let (n, n2) = (ints(sums, part)?, ints(sums, n2)?);
    // about one entry per school: a table sized for every row (a school's years) is mostly
    // empty and its look-ups miss the cache more
    let schools = ids.len() / years.len().max(1) + 1;
    let mut out = Shares::with_capacity_and_hasher(schools, Default::default());
    // a school's rows mostly come together (the context's sums are in school order): its entry is
    // found (or made) once per run of its rows and added to in place, not once per row
    let mut run: Option<(&str, &mut Vec<Share>)> = None;
    for (((sid, y), n), k) in ids.iter().zip(ys).zip(n).zip(n2) {
        let (Some(at), Some(n), Some(k)) = (
            y.and_then(|y| years.iter().position(|&r| i64::from(r) == y)),
            n,
            k,
        ) else {
            continue;
        };
        let sid = sid.unwrap_or("");
        let v = match run.take() {
            Some((s, v)) if s == sid => v,
            _ => out
                .entry_ref(sid)
                .or_insert_with(|| vec![(0, 0); years.len()]),
        };
        v[at] = (v[at].0 + n, v[at].1 + k);
        run = Some((sid, v));
    }
    Ok(out)
}

/// Pupils of the judged procedures and those below the minimum.
type Share = (i64, i64);
/// Each school id's [`Share`] per year, in the order of the years asked for ((0, 0): none judged);
/// only looked up, never walked (polars' hasher: no order to keep).
type Shares = PlHashMap<String, Vec<Share>>;

/// Each school id's name and municipality in the `schools` frame (empty when absent or null),
/// looked up in a map of its rows (one per school id), not a polars join on the text key.
fn names(f: &Frames, sids: &[String]) -> Result<Vec<(String, String)>> {
    let sc = &f.schools;
    let ids = sc.column(k::SCHOOL_ID)?.str()?;
    let (names, municipalities) = (
        sc.column(k::NAME)?.str()?,
        sc.column(k::MUNICIPALITY)?.str()?,
    );
    let rows: PlHashMap<&str, (Option<&str>, Option<&str>)> = ids
        .iter()
        .zip(names.iter().zip(municipalities.iter()))
        .filter_map(|(id, row)| id.map(|id| (id, row)))
        .collect();
    Ok(sids
        .iter()
        .map(|sid| {
            let (name, municipality) = rows.get(sid.as_str()).copied().unwrap_or_default();
            (
                name.unwrap_or("").to_string(),
                municipality.unwrap_or("").to_string(),
            )
        })
        .collect())
}

/// Every school judged in some year, in login order, with its result in each of the years
/// (`per_year[i]`: that year's schools): one merge of the selections' lists, each in login order
/// (sorted here if not), a login's last result kept when a list holds it twice.
struct Judged<'a> {
    logins: Vec<&'a str>,
    /// `years` results per login, row-major.
    results: Vec<Option<&'a SchoolResult>>,
    years: usize,
}

impl<'a> Judged<'a> {
    fn new(per_year: &[&'a [SchoolResult]]) -> Judged<'a> {
        let lists: Vec<Vec<&SchoolResult>> = per_year
            .iter()
            .map(|l| {
                let mut v: Vec<&SchoolResult> = l.iter().collect();
                if !v.is_sorted_by(|a, b| a.login <= b.login) {
                    v.sort_by(|a, b| a.login.cmp(&b.login));
                }
                v
            })
            .collect();
        let mut at = vec![0usize; lists.len()];
        let (mut logins, mut results) = (Vec::new(), Vec::new());
        loop {
            let next = lists
                .iter()
                .zip(&at)
                .filter_map(|(l, &i)| l.get(i).map(|s| s.login.as_str()))
                .min();
            let Some(login) = next else {
                break;
            };
            logins.push(login);
            for (l, i) in lists.iter().zip(at.iter_mut()) {
                let mut found = None;
                while let Some(s) = l.get(*i).filter(|s| s.login == login) {
                    found = Some(*s);
                    *i += 1;
                }
                results.push(found);
            }
        }
        Judged {
            logins,
            results,
            years: lists.len(),
        }
    }

    /// The results of the `i`-th login, one per year.
    fn of(&self, i: usize) -> &[Option<&'a SchoolResult>] {
        &self.results[i * self.years..(i + 1) * self.years]
    }
}

/// Every school's status in each of `years` (a selection per year on one set of frames), its
/// share below the minimum per year with its Wilson interval, the transitions between clusters,
/// the schools that entered the list or the candidates, and those that left it (METHOD.md §8, §10
/// «Monitor»).
pub fn monitor(ds: &Dataset, cfg: &Config, years: &[i32]) -> Result<Monitor> {
    let frames = crate::model::frames::build(ds)?;
    // statuses and clusters per year; the rules' ledgers are not shown
    let base = Context::statuses(frames, cfg, years[0])?;
    let first = select::run_with(ds, cfg, years[0], &base)?;
    monitor_with(ds, cfg, years, &base, &first)
}

/// [`monitor`] on a context already built (`base`, of the year of `known`) and a selection
/// already run (`known`, its year's statuses): the other years are judged side by side for their
/// statuses only ([`Context::for_statuses`]: no index, resilience or ledgers), reusing what does
/// not depend on the year. The same result as [`monitor`].
pub fn monitor_with(
    ds: &Dataset,
    cfg: &Config,
    years: &[i32],
    base: &Context,
    known: &select::Selection,
) -> Result<Monitor> {
    let others = other_years_schools(ds, cfg, years, base, known.year)?;
    monitor_of(cfg, years, base, known, &others)
}

/// [`monitor_with`] of the other years' schools already judged (`others`: those of
/// [`other_years_schools`] for `years` and `known`'s year).
pub fn monitor_of(
    cfg: &Config,
    years: &[i32],
    base: &Context,
    known: &select::Selection,
    others: &[Vec<SchoolResult>],
) -> Result<Monitor> {
    crate::timing("  dynamics: other years' selections");
    let mut others = others.iter();
    let per_year: Vec<&[SchoolResult]> = years
        .iter()
        .map(|&y| match y == known.year {
            true => known.schools.as_slice(),
            false => others
                .next()
                .expect("one selection per other year")
                .as_slice(),
        })
        .collect();
    let judged = Judged::new(&per_year);
    let sids: Vec<String> = judged
        .logins
        .iter()
        .map(|l| crate::input::text::school_id(l))
        .collect();
    // the shares and the names read neither each other nor the tracks: side by side
    let (shares, names) = std::thread::scope(|s| {
        let shares = s.spawn(|| year_shares(base, cfg, years));
        let names = names(&base.frames, &sids);
        let shares = shares
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (shares, names)
    });
    let (shares, names) = (shares?, names?);
    crate::timing("  dynamics: shares, names");
    let tracks: Vec<SchoolTrack> = names
        .into_iter()
        .enumerate()
        .map(|(i, (name, municipality))| {
            let login = judged.logins[i];
            let on = (years, judged.of(i));
            track((login, &sids[i]), name, municipality, on, &shares)
        })
        .collect();
    let transitions = transitions(&tracks, years);
    crate::timing("  dynamics: tracks, transitions");
    let (entered, candidates_entered, exited) = entries_and_exits(&tracks, cfg);
    let left = left_list(&tracks, &judged, &exited, years);
    Ok(Monitor {
        years: years.to_vec(),
        schools: tracks,
        transitions,
        entered,
        candidates_entered,
        exited,
        left,
    })
}

/// The schools of each year of `years` but `known` (the year whose selection the caller has),
/// judged side by side for their statuses only ([`Context::for_statuses`] of `base`, the context
/// of `known`), in `years` order; the known year's schools are borrowed by the caller (cloning
/// them would copy every ledger, which a status does not read). Errors as [`select::run_with`].
pub fn other_years_schools(
    ds: &Dataset,
    cfg: &Config,
    years: &[i32],
    base: &Context,
    known: i32,
) -> Result<Vec<Vec<SchoolResult>>> {
    use rayon::prelude::*;
    let other_years: Vec<i32> = years.iter().copied().filter(|&y| y != known).collect();
    other_years
        .par_iter()
        .map(|&y| {
            let c = base.for_statuses(cfg, y)?;
            crate::timing("  for statuses");
            Ok(select::run_with(ds, cfg, y, &c)?.schools)
        })
        .collect()
}

/// One school's track (`login`, its school id `sid`): its status in each year it was judged
/// (`results`: its result in each of `years`), with the share of «2» of that year (`shares`:
/// participants and «2» per school id and year; the Wilson 95 % interval) and the change of that
/// share in p.p. from its first to its last year with one.
fn track(
    (login, sid): (&str, &str),
    name: String,
    municipality: String,
    (years, results): (&[i32], &[Option<&SchoolResult>]),
    shares: &Shares,
) -> SchoolTrack {
    let of_school = shares.get(sid);
    let mut ys = BTreeMap::new();
    for (i, (&y, s)) in years.iter().zip(results).enumerate() {
        let Some(s) = s else {
            continue;
        };
        let (n, k) = of_school.map(|v| v[i]).unwrap_or((0, 0));
        ys.insert(
            y,
            Status {
                candidate: s.candidate,
                cluster: s.cluster.map(|c| c.to_string()),
                group: s.group.clone(),
                selected: s.selected,
                share2: (n > 0).then(|| r6(k as f64 / n as f64)),
                share2_ci: (n > 0).then(|| {
                    let (a, b) = wilson(k as f64, n as f64, Z95);
                    [r6(a), r6(b)]
                }),
            },
        );
    }
    // the change from the first year with a share to the last; none with a share of one year only
    // (fresh-eyes run 13: «0,0» read as «no change» for a school first seen in the last year)
    let shares: Vec<(i32, f64)> = ys
        .iter()
        .filter_map(|(&y, s)| Some((y, s.share2?)))
        .collect();
    let change = match (shares.first(), shares.last()) {
        (Some(&(y0, a)), Some(&(y1, b))) if y0 < y1 => Some(r6((b - a) * 100.0)),
        _ => None,
    };
    SchoolTrack {
        login: login.to_string(),
        name,
        municipality,
        share2_change_pp: change,
        years: ys,
    }
}

/// For each pair of consecutive years, how many schools went from each state to each other (a
/// state: the cluster, or [`NOT_CANDIDATE`]).
fn transitions(tracks: &[SchoolTrack], years: &[i32]) -> Vec<Transition> {
    let mut transitions = Vec::new();
    for w in years.windows(2) {
        let mut counts: BTreeMap<(Option<&str>, Option<&str>), usize> = BTreeMap::new();
        for t in tracks {
            if let (Some(a), Some(b)) = (t.years.get(&w[0]), t.years.get(&w[1])) {
                *counts
                    .entry((a.cluster.as_deref(), b.cluster.as_deref()))
                    .or_default() += 1;
            }
        }
        let mut matrix: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for ((a, b), n) in counts {
            let (a, b) = (a.unwrap_or(NOT_CANDIDATE), b.unwrap_or(NOT_CANDIDATE));
            *matrix
                .entry(a.to_string())
                .or_default()
                .entry(b.to_string())
                .or_default() += n;
        }
        transitions.push(Transition {
            from_year: w[0],
            to_year: w[1],
            matrix,
        });
    }
    transitions
}

/// Logins per year that entered the list and the candidates, and the exits into the effective
/// mode: after the last year a school was selected, `monitor.exit_years` data years in a row
/// with no stage-1 rule (seed 004).
type Entries = (
    BTreeMap<i32, Vec<String>>,
    BTreeMap<i32, Vec<String>>,
    Vec<Exit>,
);

/// The [`Entries`] of the tracks.
fn entries_and_exits(tracks: &[SchoolTrack], cfg: &Config) -> Entries {
    let mut entered: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    let mut cand_entered: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    let mut exited = Vec::new();
    for t in tracks {
        let ys: Vec<(&i32, &Status)> = t.years.iter().collect();
        for w in ys.windows(2) {
            if w[1].1.selected && !w[0].1.selected {
                entered.entry(*w[1].0).or_default().push(t.login.clone());
            }
            if w[1].1.candidate && !w[0].1.candidate {
                cand_entered
                    .entry(*w[1].0)
                    .or_default()
                    .push(t.login.clone());
            }
        }
        // exit: after the last year it was selected, `exit_years` data years in a row with no rule
        if let Some(pos) = ys.iter().rposition(|(_, s)| s.selected) {
            let after: Vec<(&i32, &Status)> = ys[pos + 1..].to_vec();
            let need = cfg.monitor.exit_years as usize;
            if after.len() >= need && after[..need].iter().all(|(_, s)| !s.candidate) {
                exited.push(Exit {
                    login: t.login.clone(),
                    last_selected: *ys[pos].0,
                    quiet_years: after[..need].iter().map(|(y, _)| **y).collect(),
                });
            }
        }
    }
    (entered, cand_entered, exited)
}

/// Every time a school left the list (selected in a data year, not in its next data year, or no
/// data after it within `years`), with its reason ([`LeftReason`]): the exit into the effective
/// mode (`exited`) first, then the stage that left it out that year.
fn left_list(tracks: &[SchoolTrack], judged: &Judged, exited: &[Exit], years: &[i32]) -> Vec<Left> {
    // one exit at most per school (`entries_and_exits`)
    let exits: HashMap<&str, &Exit> = exited.iter().map(|e| (e.login.as_str(), e)).collect();
    let mut out = Vec::new();
    for (ti, t) in tracks.iter().enumerate() {
        let ys: Vec<(&i32, &Status)> = t.years.iter().collect();
        for (i, (y, s)) in ys.iter().enumerate() {
            if !s.selected {
                continue;
            }
            let next = ys.get(i + 1);
            if next.is_some_and(|(_, n)| n.selected) {
                continue;
            }
            let exit = exits
                .get(t.login.as_str())
                .filter(|e| e.last_selected == **y);
            let (year, reason, cluster) = match (exit, next) {
                (Some(e), _) => (
                    e.quiet_years[0],
                    LeftReason::Effective(e.quiet_years.clone()),
                    None,
                ),
                (None, Some((&ny, n))) => {
                    let at = years.iter().position(|&r| r == ny);
                    let r = at
                        .and_then(|at| judged.of(ti)[at])
                        .expect("a status in a year of the school's results");
                    let reason = match (r.excluded_reason, n.candidate) {
                        (Some(x), _) => LeftReason::Excluded(x),
                        (None, false) => LeftReason::NoRule,
                        (None, true) => LeftReason::NotSelected,
                    };
                    (ny, reason, n.cluster.clone())
                }
                (None, None) => match years.iter().find(|&&r| r > **y) {
                    Some(&ny) => (ny, LeftReason::NoData, None),
                    None => continue,
                },
            };
            let effective_year = match &reason {
                LeftReason::Effective(quiet) => quiet.last().copied(),
                _ => None,
            };
            out.push(Left {
                login: t.login.clone(),
                year,
                last_selected: **y,
                reason,
                cluster,
                effective_year,
            });
        }
    }
    out
}

#[cfg(test)]
#[path = "monitor_tests.rs"]
mod tests;
