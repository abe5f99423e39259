//! Risk-profile aggregation (METHOD.md §9): 10 factors × низкий / средний / высокий, counted per
//! region, municipality and group over each school's newest profile rows, with its registry row
//! and the selection's outcome looked up once per school.
use super::select::Selection;
use crate::model::frames::Frames;
use crate::model::schema::col as k;
use crate::model::RISK_FACTORS;
use anyhow::Result;
use polars::prelude::*;
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

impl Block {
    /// «Доля выбравших»: the fraction (0–1) of the block's schools with `f` at a medium or high
    /// level; `None` for a block without schools.
    pub fn selected_share(&self, f: &FactorCount) -> Option<f64> {
        // rounded to 6 decimals as every other share (`output::r6`): the CSV wrote 0.4166666666666667
        (self.schools > 0).then(|| crate::output::r6(f.selected as f64 / self.schools as f64))
    }
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
    /// Every block lists the factors some counted profile gives a level (in `RISK_FACTORS` order).
    pub blocks: Vec<Block>,
    /// The factors of `RISK_FACTORS` that no counted profile gives (a wide file with some of the
    /// ten columns): left out of every block, so that they read neither as «0 / 0 / 0» nor as the
    /// least common; empty when no profile is counted.
    pub absent_factors: Vec<String>,
    pub selected_profiles: Vec<SchoolProfile>,
    pub without_profile: Vec<String>,
    /// The schools (their ids, sorted) with a counted profile that no other input names (not in
    /// the registry nor in any results): counted in their region's blocks and under an empty
    /// municipality (fresh-eyes run 15: they were counted there without a word).
    pub unknown_schools: Vec<String>,
}

use crate::model::RISK_LEVELS as LEVELS;

/// school → (profile year, factor → level).
pub type Profiles = BTreeMap<String, Profile>;
/// The year of a school's profile and each factor's level.
pub type Profile = (i32, BTreeMap<&'static str, u8>);

/// Which rows of the `risk_profiles` frame (school_id, year, factor, level) are of each school's
/// year-`year` profile, else of its newest earlier one (METHOD.md §10 «Deficit from the risk
/// profile», §9): one flag per row.
///
/// Two passes over the school and year columns, one lookup per run of a school's rows (the
/// model's rows come in school-then-year order, `model::order`; rows in any order give the same
/// rows), not a window (`max().over(school)`) on every row.
fn latest_mask(f: &Frames, year: i32) -> PolarsResult<Vec<bool>> {
    let d = &f.risk_profiles;
    let (ids, years) = (d.column(k::SCHOOL_ID)?.str()?, d.column(k::YEAR)?.i32()?);
    let years: Vec<Option<i32>> = years.iter().map(|y| y.filter(|y| *y <= year)).collect();
    // each run of one school's rows: (first row, school); then each school's newest year
    let mut runs: Vec<(usize, Option<&str>)> = Vec::new();
    for (i, sid) in ids.iter().enumerate() {
        if runs.last().is_none_or(|(_, s)| *s != sid) {
            runs.push((i, sid));
        }
    }
    let ends = runs.iter().skip(1).map(|r| r.0).chain([years.len()]);
    let spans: Vec<(std::ops::Range<usize>, Option<&str>)> = runs
        .iter()
        .zip(ends)
        .map(|(&(start, sid), end)| (start..end, sid))
        .collect();
    // looked up only, never walked: polars' hasher, not SipHash
    let mut newest: PlHashMap<Option<&str>, i32> = PlHashMap::default();
    for (span, sid) in &spans {
        if let Some(y) = years[span.clone()].iter().flatten().max() {
            let n = newest.entry(*sid).or_insert(*y);
            *n = (*n).max(*y);
        }
    }
    let mut mask = vec![false; years.len()];
    for (span, sid) in spans {
        if let Some(n) = newest.get(&sid) {
            for i in span {
                mask[i] = years[i] == Some(*n);
            }
        }
    }
    Ok(mask)
}

/// The rows [`latest_mask`] flags, as a frame.
#[cfg(test)]
fn latest(f: &Frames, year: i32) -> PolarsResult<LazyFrame> {
    let mask: BooleanChunked = latest_mask(f, year)?.into_iter().collect();
    Ok(f.risk_profiles.filter(&mask)?.lazy())
}

/// Year-Y profile of each school, else its newest earlier one. Errors only on a frame that lacks
/// a column of `schema::risk_profiles`.
pub fn profiles(f: &Frames, year: i32) -> Result<Profiles> {
    newest(f, year, |_| true, |_| true)
}

/// [`profiles`] with only the levels of `factors` (names of `RISK_FACTORS`): the year of a
/// school's profile is still that of its newest profile up to `year`, whichever factors it holds.
pub fn profiles_with(f: &Frames, year: i32, factors: &[&str]) -> Result<Profiles> {
    newest(f, year, |_| true, |name| factors.contains(&name))
}

/// Each school's newest profile up to `year` (the rows of [`latest`]) for the schools (ids)
/// `schools` keeps, with the levels of the factors `wanted` keeps; a school none of whose newest
/// rows is kept (or whose factor or level is null or unknown) has none. One pass over the frame's columns, no window: the model's rows come
/// in school-then-year order (`model::order`), so each school is a run folded in place, and rows
/// in any other order give the same profiles (a later run of a school folds into its entry).
fn newest(
    f: &Frames,
    year: i32,
    schools: impl Fn(&str) -> bool,
    wanted: impl Fn(&'static str) -> bool,
) -> Result<Profiles> {
    let d = &f.risk_profiles;
    let (ids, years) = (d.column(k::SCHOOL_ID)?.str()?, d.column(k::YEAR)?.i32()?);
    let (factors, levels) = (d.column(k::FACTOR)?.i32()?, d.column(k::LEVEL)?.i32()?);
    // (profile year, its kept levels); `None` levels for a row of the newest year not kept
    type Acc = (i32, BTreeMap<&'static str, u8>);
    let fold = |acc: &mut Acc, y: i32, level: Option<(&'static str, u8)>| {
        if y > acc.0 {
            *acc = (y, BTreeMap::new());
        }
        if let (true, Some((name, lv))) = (y == acc.0, level) {
            acc.1.insert(name, lv);
        }
    };
    // each kept run of a school's rows with its fold, in frame order
    let mut runs: Vec<(&str, Acc)> = Vec::new();
    // the school of the current run and whether it is kept
    let mut run: Option<(&str, bool)> = None;
    // where the school id differs from the row before's (polars compares the whole column at
    // once): a row right after the last one read starts a run only there, so the ids are read
    // (and compared) once per run, not once per row
    let starts = d
        .clone()
        .lazy()
        .select([col(k::SCHOOL_ID)
            .neq_missing(col(k::SCHOOL_ID).shift(lit(1)))
            .alias("start")])
        .collect()?;
    let starts = starts.column("start")?.bool()?.clone();
    let mut last_read: Option<usize> = None;
    let rows = starts
        .iter()
        .zip(years.iter())
        .zip(factors.iter().zip(levels.iter()));
    for (i, ((start, y), (fa, lv))) in rows.enumerate() {
        let Some(y) = y.filter(|y| *y <= year) else {
            continue;
        };
        let same = match run {
            Some(_) if last_read.is_some_and(|r| r + 1 == i) && start == Some(false) => true,
            Some((s, _)) if start != Some(true) || last_read.is_none_or(|r| r + 1 != i) => {
                s == ids.get(i).unwrap_or("")
            }
            _ => false,
        };
        last_read = Some(i);
        if !same {
            let sid = ids.get(i).unwrap_or("");
            let kept = schools(sid);
            if kept {
                runs.push((sid, (i32::MIN, BTreeMap::new())));
            }
            run = Some((sid, kept));
        }
        let (Some((_, true)), Some((_, acc))) = (run, runs.last_mut()) else {
            continue;
        };
        let name = fa
            .and_then(|fa| usize::try_from(fa).ok())
            .and_then(|j| RISK_FACTORS.get(j).copied())
            .filter(|name| wanted(name));
        let level = name
            .zip(lv)
            .map(|(n, lv)| (n, u8::try_from(lv).unwrap_or(u8::MAX)));
        fold(acc, y, level);
    }
    // a school's later runs (rows not in school order) fold into its first, in frame order: the
    // stable sort keeps them so; the map is then built from its sorted entries at once
    runs.sort_by(|a, b| a.0.cmp(b.0));
    let mut merged: Vec<(String, Acc)> = Vec::with_capacity(runs.len());
    let mut last: Option<&str> = None;
    for (sid, (y, lv)) in runs {
        match merged.last_mut() {
            Some((_, acc)) if last == Some(sid) => {
                if y > acc.0 {
                    *acc = (y, lv);
                } else if y == acc.0 {
                    acc.1.extend(lv);
                }
            }
            _ => merged.push((sid.to_string(), (y, lv))),
        }
        last = Some(sid);
    }
    let mut out: BTreeMap<String, Acc> = merged.into_iter().collect();
    out.retain(|_, (_, lv)| !lv.is_empty());
    Ok(out)
}

/// One block's factor counts from its schools' counts per factor (`FACTOR` → low, medium, high),
/// for the factors `given` flags (`RISK_FACTORS` order).
fn block(
    scope: &str,
    name: &str,
    population: &str,
    schools: usize,
    counts: &BTreeMap<i64, [usize; 3]>,
    given: &[bool],
) -> Block {
    let factors: Vec<FactorCount> = (0i64..)
        .zip(RISK_FACTORS.iter())
        .zip(given)
        .filter(|(_, given)| **given)
        .map(|((j, f), _)| {
            let [low, medium, high] = counts.get(&j).copied().unwrap_or_default();
            FactorCount {
                factor: f.to_string(),
                low,
                medium,
                high,
                selected: medium + high,
            }
        })
        .collect();
    let max = factors.iter().map(|f| f.selected).max().unwrap_or(0);
    let min = factors.iter().map(|f| f.selected).min().unwrap_or(0);
    Block {
        scope: scope.into(),
        name: name.into(),
        population: population.into(),
        schools,
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

/// One school with a newest profile as the blocks count it: its region, municipality and group
/// (the keys of the three scopes; `None`: no group), whether it is in each population (all with a
/// profile, candidates, selected), its rows of that profile and, per factor (`RISK_FACTORS`
/// order), how many of them are at each level (низкий, средний, высокий).
struct Counted<'a> {
    region: String,
    /// The school's id when the `schools` frame lacks it (a school only the profiles name).
    unknown: Option<&'a str>,
    municipality: &'a str,
    group: Option<&'a str>,
    members: [bool; 3],
    rows: usize,
    levels: Vec<[usize; 3]>,
}

/// The schools of the rows of each school's newest profile up to `sel.year` (`mask`: [`latest_mask`]),
/// each with its registry row (`schools`: its login, else its id; its municipality, else «») and
/// the selection's outcome of that login (not a candidate, not selected, no group when absent),
/// its rows counted per factor and level. The model holds one registry row per school id and the
/// selection one result per login. Errors only on frames that lack their columns.
fn counted<'a>(f: &'a Frames, sel: &'a Selection, mask: &[bool]) -> PolarsResult<Vec<Counted<'a>>> {
    let d = &f.risk_profiles;
    let ids = d.column(k::SCHOOL_ID)?.str()?;
    let (factors, levels) = (d.column(k::FACTOR)?.i32()?, d.column(k::LEVEL)?.i32()?);
    let sc = &f.schools;
    let (sids, logins) = (sc.column(k::SCHOOL_ID)?.str()?, sc.column(k::LOGIN)?.str()?);
    let municipalities = sc.column(k::MUNICIPALITY)?.str()?;
    let registry: PlHashMap<&str, (Option<&str>, Option<&str>)> = sids
        .iter()
        .zip(logins.iter().zip(municipalities.iter()))
        .filter_map(|(sid, lm)| sid.map(|sid| (sid, lm)))
        .collect();
    let outcomes: PlHashMap<&str, &super::select::SchoolResult> =
        sel.schools.iter().map(|s| (s.login.as_str(), s)).collect();
    let mut out: Vec<Counted> = Vec::new();
    let mut at: PlHashMap<Option<&str>, usize> = PlHashMap::default();
    // the school of the last row counted and its place in `out`
    let mut run: Option<(Option<&str>, usize)> = None;
    let rows = ids.iter().zip(factors.iter().zip(levels.iter()));
    for ((sid, (fa, lv)), _) in rows.zip(mask).filter(|(_, kept)| **kept) {
        let i = match run {
            Some((s, i)) if s == sid => i,
            _ => *at.entry(sid).or_insert_with(|| {
                let looked_up = sid.and_then(|s| registry.get(s));
                let (login, municipality) = match looked_up {
                    Some(&(login, m)) => (login.or(sid), m.unwrap_or("")),
                    None => (sid, ""),
                };
                let outcome = login.and_then(|l| outcomes.get(l));
                out.push(Counted {
                    region: crate::input::text::region_of(sid.unwrap_or("")),
                    unknown: sid.filter(|_| looked_up.is_none()),
                    municipality,
                    group: outcome.and_then(|o| o.group.as_deref()),
                    members: [
                        true,
                        outcome.is_some_and(|o| o.candidate),
                        outcome.is_some_and(|o| o.selected),
                    ],
                    rows: 0,
                    levels: vec![[0; 3]; RISK_FACTORS.len()],
                });
                out.len() - 1
            }),
        };
        run = Some((sid, i));
        let c = &mut out[i];
        c.rows += 1;
        let fa = fa.and_then(|fa| usize::try_from(fa).ok());
        let lv = lv.and_then(|lv| usize::try_from(lv).ok());
        if let (Some(fa), Some(lv)) = (fa.filter(|fa| *fa < c.levels.len()), lv) {
            if let Some(n) = c.levels[fa].get_mut(lv) {
                *n += 1;
            }
        }
    }
    Ok(out)
}

/// Per factor of `RISK_FACTORS`: whether some counted school's profile gives it a level.
fn given_factors(counted: &[Counted]) -> Vec<bool> {
    (0..RISK_FACTORS.len())
        .map(|j| {
            counted
                .iter()
                .any(|c| c.levels.get(j).is_some_and(|l| l.iter().sum::<usize>() > 0))
        })
        .collect()
}

/// The blocks of one scope for each population of `pops` (name, its place in
/// [`Counted::members`]): per value of `key` with members (in text order), its schools and the
/// count of the levels of each factor `given` flags over their rows.
fn blocks_by<'a>(
    counted: &'a [Counted<'a>],
    key: impl Fn(&'a Counted<'a>) -> Option<&'a str>,
    scope: &str,
    pops: &[(&str, usize)],
    given: &[bool],
) -> Vec<Vec<Block>> {
    // per key and population: (schools, each factor's levels)
    type Acc = (usize, Vec<[usize; 3]>);
    let mut by_key: BTreeMap<&str, Vec<Option<Acc>>> = BTreeMap::new();
    for c in counted {
        let Some(name) = key(c) else { continue };
        let accs = by_key.entry(name).or_insert_with(|| vec![None; pops.len()]);
        for (acc, (_, p)) in accs.iter_mut().zip(pops) {
            if !c.members[*p] || c.rows == 0 {
                continue;
            }
            let (schools, levels) = acc.get_or_insert_with(|| (0, vec![[0; 3]; c.levels.len()]));
            *schools += 1;
            for (sum, own) in levels.iter_mut().zip(&c.levels) {
                for (s, o) in sum.iter_mut().zip(own) {
                    *s += o;
                }
            }
        }
    }
    pops.iter()
        .enumerate()
        .map(|(p, (population, _))| {
            by_key
                .iter()
                .filter_map(|(name, accs)| {
                    let (schools, levels) = accs[p].as_ref()?;
                    let counts: BTreeMap<i64, [usize; 3]> =
                        (0i64..).zip(levels.iter().copied()).collect();
                    Some(block(scope, name, population, *schools, &counts, given))
                })
                .collect()
        })
        .collect()
}

/// The profiles (as [`newest`]'s, every factor kept) of the schools `schools` keeps, read from
/// the rows `mask` flags ([`latest_mask`]: each school's newest rows up to the year) instead of
/// another pass over every row: a school's rows in frame order, a later row of a factor winning.
fn kept_profiles<'a>(
    f: &'a Frames,
    mask: &[bool],
    schools: impl Fn(&str) -> bool,
) -> PolarsResult<PlHashMap<&'a str, Profile>> {
    let d = &f.risk_profiles;
    let (ids, years) = (d.column(k::SCHOOL_ID)?.str()?, d.column(k::YEAR)?.i32()?);
    let (factors, levels) = (d.column(k::FACTOR)?.i32()?, d.column(k::LEVEL)?.i32()?);
    let mut out: PlHashMap<&str, Profile> = PlHashMap::default();
    // the school of the last kept row and whether `schools` keeps it: one look-up per run
    let mut run: Option<(&str, bool)> = None;
    let rows = ids
        .iter()
        .zip(years.iter())
        .zip(factors.iter().zip(levels.iter()));
    for (((sid, y), (fa, lv)), _) in rows.zip(mask).filter(|(_, kept)| **kept) {
        let sid = sid.unwrap_or("");
        let kept = match run {
            Some((s, kept)) if s == sid => kept,
            _ => schools(sid),
        };
        run = Some((sid, kept));
        let Some(y) = y.filter(|_| kept) else {
            continue;
        };
        let name = fa
            .and_then(|fa| usize::try_from(fa).ok())
            .and_then(|j| RISK_FACTORS.get(j).copied());
        let acc = out.entry(sid).or_insert_with(|| (y, BTreeMap::new()));
        if let (Some(name), Some(lv)) = (name, lv) {
            acc.1.insert(name, u8::try_from(lv).unwrap_or(u8::MAX));
        }
    }
    out.retain(|_, (_, lv)| !lv.is_empty());
    Ok(out)
}

/// Counts of the year's profiles (`sel.year`, as the selection used them) per region,
/// municipality and group, for all schools with a profile, the candidates and the selected
/// (METHOD.md §9), and the profile of each selected school. A profiled school no other input
/// names counts under an empty municipality and is listed (`unknown_schools`). Errors only on frames that lack their columns.
pub fn aggregate(f: &Frames, sel: &Selection) -> Result<RiskReport> {
    let mask = latest_mask(f, sel.year)?;
    let counted = counted(f, sel, &mask)?;
    let given = given_factors(&counted);
    let pops = [
        ("все школы с профилем", 0),
        ("кандидаты", 1),
        ("отобранные", 2),
    ];
    let regions = blocks_by(
        &counted,
        |c| Some(c.region.as_str()),
        "регион",
        &pops,
        &given,
    );
    let municipalities = blocks_by(
        &counted,
        |c| Some(c.municipality),
        "муниципалитет",
        &pops,
        &given,
    );
    // groups only for the candidates and the selected
    let groups = blocks_by(&counted, |c| c.group, "группа", &pops[1..], &given);
    let mut groups = groups.into_iter();
    let mut blocks = Vec::new();
    for (i, (r, m)) in regions.into_iter().zip(municipalities).enumerate() {
        blocks.extend(r);
        blocks.extend(m);
        if i > 0 {
            blocks.extend(groups.next().unwrap_or_default());
        }
    }
    // the profiles of the selected schools only (a few hundred of the national 45 000)
    let selected: std::collections::BTreeSet<String> = sel
        .schools
        .iter()
        .filter(|s| s.selected)
        .map(|s| crate::input::text::school_id(&s.login))
        .collect();
    let prof = kept_profiles(f, &mask, |sid| selected.contains(sid))?;
    let mut selected_profiles = Vec::new();
    let mut without = Vec::new();
    for s in sel.schools.iter().filter(|s| s.selected) {
        match prof.get(crate::input::text::school_id(&s.login).as_str()) {
            Some((y, lv)) => selected_profiles.push(SchoolProfile {
                login: s.login.clone(),
                name: s.name.clone(),
                group: s.group.clone(),
                profile_year: *y,
                levels: lv
                    .iter()
                    .map(|(f, l)| {
                        let label = LEVELS.get(usize::from(*l)).copied().unwrap_or("");
                        (f.to_string(), label.to_string())
                    })
                    .collect(),
            }),
            None => without.push(s.login.clone()),
        }
    }
    let absent_factors = match counted.is_empty() {
        true => Vec::new(),
        false => RISK_FACTORS
            .iter()
            .zip(&given)
            .filter(|(_, given)| !**given)
            .map(|(f, _)| f.to_string())
            .collect(),
    };
    let mut unknown_schools: Vec<String> = counted
        .iter()
        .filter_map(|c| c.unknown.map(str::to_string))
        .collect();
    unknown_schools.sort_unstable();
    Ok(RiskReport {
        year: sel.year,
        blocks,
        absent_factors,
        selected_profiles,
        without_profile: without,
        unknown_schools,
    })
}

#[cfg(test)]
#[path = "risk_tests.rs"]
mod tests;
