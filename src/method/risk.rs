//! Risk-profile aggregation (METHOD.md §9): 10 factors × низкий / средний / высокий.
use super::select::Selection;
use crate::model::{Dataset, RISK_FACTORS};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct FactorCount {
    pub factor: String,
    pub low: usize,
    pub medium: usize,
    pub high: usize,
    /// «Выбрано»: medium or high.
    pub selected: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Block {
    pub scope: String,
    pub name: String,
    /// Which schools: all with a profile, candidates, selected.
    pub population: String,
    pub schools: usize,
    pub factors: Vec<FactorCount>,
    pub most_common: Vec<String>,
    pub least_common: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SchoolProfile {
    pub login: String,
    pub name: String,
    pub group: Option<String>,
    pub profile_year: i32,
    pub levels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskReport {
    pub year: i32,
    pub blocks: Vec<Block>,
    pub selected_profiles: Vec<SchoolProfile>,
    pub without_profile: Vec<String>,
}

const LEVELS: [&str; 3] = ["низкий", "средний", "высокий"];

/// school → (profile year, factor → level).
pub type Profiles = BTreeMap<String, Profile>;
/// The year of a school's profile and each factor's level.
pub type Profile = (i32, BTreeMap<&'static str, u8>);

/// Year-Y profile of each school, else its newest earlier one.
pub fn profiles(ds: &Dataset, year: i32) -> Profiles {
    let mut out: Vec<(String, Profile)> = Vec::new();
    // loaded rows are grouped by school in id order (identity::finalize): each school's latest
    // profile up to `year`, then the map built at once
    for run in ds.risk.chunk_by(|a, b| a.school_id == b.school_id) {
        let Some(latest) = run.iter().map(|r| r.year).filter(|y| *y <= year).max() else {
            continue;
        };
        let factors = run
            .iter()
            .filter(|r| r.year == latest)
            .map(|r| (r.factor_name(), r.level))
            .collect();
        out.push((run[0].school_id.to_string(), (latest, factors)));
    }
    out.into_iter().collect()
}

fn block(
    scope: &str,
    name: &str,
    population: &str,
    members: &[&BTreeMap<&'static str, u8>],
) -> Block {
    let factors: Vec<FactorCount> = RISK_FACTORS
        .iter()
        .map(|f| {
            let mut c = FactorCount {
                factor: f.to_string(),
                ..Default::default()
            };
            for m in members {
                match m.get(*f) {
                    Some(0) => c.low += 1,
                    Some(1) => c.medium += 1,
                    Some(2) => c.high += 1,
                    _ => {}
                }
            }
            c.selected = c.medium + c.high;
            c
        })
        .collect();
    let max = factors.iter().map(|f| f.selected).max().unwrap_or(0);
    let min = factors.iter().map(|f| f.selected).min().unwrap_or(0);
    Block {
        scope: scope.into(),
        name: name.into(),
        population: population.into(),
        schools: members.len(),
        most_common: factors
            .iter()
            .filter(|f| f.selected == max && max > 0)
            .map(|f| f.factor.clone())
            .collect(),
        least_common: factors
            .iter()
            .filter(|f| f.selected == min)
            .map(|f| f.factor.clone())
            .collect(),
        factors,
    }
}

/// `prof`: the year's profiles, as the selection used them (`select::Context::profiles`).
pub fn aggregate(ds: &Dataset, sel: &Selection, prof: &Profiles) -> RiskReport {
    let mut blocks = Vec::new();
    let by_login: BTreeMap<&str, &super::select::SchoolResult> =
        sel.schools.iter().map(|s| (s.login.as_str(), s)).collect();
    let sid = |login: &str| crate::input::text::school_id(login);
    for (pop, filter) in [
        ("все школы с профилем", 0u8),
        ("кандидаты", 1),
        ("отобранные", 2),
    ] {
        let keep = |sid_: &str| -> bool {
            match filter {
                0 => true,
                _ => {
                    let login = ds
                        .schools
                        .get(sid_)
                        .map(|s| s.login.as_str())
                        .unwrap_or(sid_);
                    by_login.get(login).is_some_and(|s| {
                        if filter == 1 {
                            s.candidate
                        } else {
                            s.selected
                        }
                    })
                }
            }
        };
        let mut regions: BTreeMap<String, Vec<&BTreeMap<&'static str, u8>>> = BTreeMap::new();
        let mut muns: BTreeMap<String, Vec<&BTreeMap<&'static str, u8>>> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<&BTreeMap<&'static str, u8>>> = BTreeMap::new();
        for (s, (_, levels)) in prof.iter().filter(|(s, _)| keep(s)) {
            regions
                .entry(crate::input::text::region_of(s))
                .or_default()
                .push(levels);
            let mun = ds
                .schools
                .get(s)
                .map(|x| x.municipality.clone())
                .unwrap_or_default();
            muns.entry(mun).or_default().push(levels);
            let login = ds.schools.get(s).map(|x| x.login.as_str()).unwrap_or(s);
            if let Some(g) = by_login.get(login).and_then(|x| x.group.clone()) {
                groups.entry(g).or_default().push(levels);
            }
        }
        for (r, m) in &regions {
            blocks.push(block("регион", r, pop, m));
        }
        for (r, m) in &muns {
            blocks.push(block("муниципалитет", r, pop, m));
        }
        if filter > 0 {
            for (r, m) in &groups {
                blocks.push(block("группа", r, pop, m));
            }
        }
    }
    let mut selected_profiles = Vec::new();
    let mut without = Vec::new();
    for s in sel.schools.iter().filter(|s| s.selected) {
        match prof.get(&sid(&s.login)) {
            Some((y, lv)) => selected_profiles.push(SchoolProfile {
                login: s.login.clone(),
                name: s.name.clone(),
                group: s.group.clone(),
                profile_year: *y,
                levels: lv
                    .iter()
                    .map(|(f, l)| (f.to_string(), LEVELS[*l as usize].to_string()))
                    .collect(),
            }),
            None => without.push(s.login.clone()),
        }
    }
    RiskReport {
        year: sel.year,
        blocks,
        selected_profiles,
        without_profile: without,
    }
}
