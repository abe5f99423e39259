//! Year-over-year monitoring (METHOD.md §8, §10): status per year, cluster transitions, entries and
//! exits («вышла в эффективный режим»), change in the share of «2».
use super::select::{self, by_school, judged_procs, Context, SchoolResult};
use crate::config::Config;
use crate::model::Dataset;
use crate::output::r6;
use crate::stats::{wilson, Z95};
use anyhow::Result;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

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

#[derive(Debug, Clone, Serialize)]
pub struct Monitor {
    pub years: Vec<i32>,
    pub schools: Vec<SchoolTrack>,
    /// (from year, to year) → from state → to state → count.
    pub transitions: Vec<Transition>,
    pub entered: BTreeMap<i32, Vec<String>>,
    pub candidates_entered: BTreeMap<i32, Vec<String>>,
    pub exited: Vec<Exit>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Transition {
    pub from_year: i32,
    pub to_year: i32,
    pub matrix: BTreeMap<String, BTreeMap<String, usize>>,
}

fn state(s: &Status) -> String {
    s.cluster
        .clone()
        .unwrap_or_else(|| NOT_CANDIDATE.to_string())
}

pub fn monitor(ds: &Dataset, cfg: &Config, years: &[i32]) -> Result<Monitor> {
    let bs = by_school(ds);
    let mut per_year: BTreeMap<i32, BTreeMap<String, SchoolResult>> = BTreeMap::new();
    for &y in years {
        // statuses and clusters per year; the rules' ledgers are not shown
        let sel = select::run_with(ds, cfg, y, &Context::new(ds, cfg, y).without_ledgers())?;
        per_year.insert(
            y,
            sel.schools
                .into_iter()
                .map(|s| (s.login.clone(), s))
                .collect(),
        );
    }
    let logins: BTreeSet<String> = per_year.values().flat_map(|m| m.keys().cloned()).collect();
    let sid_of = |login: &str| crate::input::text::school_id(login);
    let mut tracks = Vec::new();
    for login in &logins {
        let sid = sid_of(login);
        let rows = bs.get(sid.as_str()).cloned().unwrap_or_default();
        let mut ys = BTreeMap::new();
        for (&y, m) in &per_year {
            let Some(s) = m.get(login) else { continue };
            let p = judged_procs(&rows, y, cfg);
            let n: i64 = p.iter().map(|x| i64::from(x.row.participants)).sum();
            let k: i64 = p.iter().map(|x| i64::from(x.row.n2.get().unwrap())).sum();
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
        let first = ys.values().find_map(|s| s.share2);
        let last = ys.values().rev().find_map(|s| s.share2);
        let sch = ds.schools.get(&sid);
        tracks.push(SchoolTrack {
            login: login.clone(),
            name: sch.map(|s| s.name.clone()).unwrap_or_default(),
            municipality: sch.map(|s| s.municipality.clone()).unwrap_or_default(),
            share2_change_pp: first.zip(last).map(|(a, b)| r6((b - a) * 100.0)),
            years: ys,
        });
    }
    let mut transitions = Vec::new();
    for w in years.windows(2) {
        let mut matrix: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
        for t in &tracks {
            if let (Some(a), Some(b)) = (t.years.get(&w[0]), t.years.get(&w[1])) {
                *matrix
                    .entry(state(a))
                    .or_default()
                    .entry(state(b))
                    .or_default() += 1;
            }
        }
        transitions.push(Transition {
            from_year: w[0],
            to_year: w[1],
            matrix,
        });
    }
    let mut entered: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    let mut cand_entered: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    let mut exited = Vec::new();
    for t in &tracks {
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
    Ok(Monitor {
        years: years.to_vec(),
        schools: tracks,
        transitions,
        entered,
        candidates_entered: cand_entered,
        exited,
    })
}
