//! Schools keyed by a name or by a code no input maps to a login, matched to the schools with a
//! login by their names (docs/INPUTS.md «Schools known only by name», «Codes no input maps»): the
//! name index, the matches and their counted warnings. Called by `identity::finalize`.
use super::identity::{Candidate, NameMatches, NamedSchool};
use super::Dataset;
use crate::input::report::Warnings;
use crate::model::warning::WarningCode;
use std::collections::BTreeMap;

/// The schools with a login that name-keyed schools can match: by `<municipality key>/<name key>`
/// and, for names given without a municipality, by name key alone (`/<name key>`); each key's
/// schools in id order.
fn name_index(ds: &Dataset) -> BTreeMap<String, Vec<String>> {
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in ds.book.values() {
        if s.school_id.contains(':') || s.name.is_empty() {
            continue;
        }
        if !s.municipality.is_empty() {
            let k = crate::input::gia::name_key(&s.municipality, &s.name);
            by_name
                .entry(k[5..].to_string())
                .or_default()
                .push(s.school_id.clone());
        }
        let region = crate::input::names::school_name_key("", &s.name);
        by_name
            .entry(format!("/{region}"))
            .or_default()
            .push(s.school_id.clone());
    }
    by_name
}

/// Match each name-keyed school: a crosswalk file first, then the name index (one school: a match;
/// several: ambiguous, listed with its candidates; none: unmatched, listed). Returns the matches.
pub(super) fn match_names(ds: &mut Dataset, have_logins: bool) -> BTreeMap<String, String> {
    if !ds.book.keys().any(|k| k.starts_with("name:")) {
        return BTreeMap::new();
    }
    let index = name_index(ds);
    let mut out = BTreeMap::new();
    let mut m = NameMatches::default();
    for (id, s) in ds.book.iter().filter(|(k, _)| k.starts_with("name:")) {
        let code = &id[5..];
        if let Some(l) = ds.names.logins.get(code) {
            out.insert(id.clone(), l.school_id.clone());
            m.by_crosswalk += 1;
            continue;
        }
        let named = |candidates: Vec<Candidate>| NamedSchool {
            school_id: id.clone(),
            name: s.name.clone(),
            municipality: s.municipality.clone(),
            candidates,
        };
        match index.get(code).map(Vec::as_slice) {
            Some([one]) => {
                out.insert(id.clone(), one.clone());
                m.by_name += 1;
            }
            Some(many) => m.ambiguous.push(named(
                many.iter()
                    .map(|c| Candidate {
                        login: ds.book[c].login.clone(),
                        name: ds.book[c].name.clone(),
                    })
                    .collect(),
            )),
            None if have_logins => m.unmatched.push(named(Vec::new())),
            None => {}
        }
    }
    ds.names.matches = m;
    out
}

/// The load report's counted warnings for the name matches (`inspect` lists every case).
pub(super) fn report_names(
    ds: &Dataset,
    matched: &BTreeMap<String, String>,
    warnings: &mut Warnings,
) {
    let m = &ds.names.matches;
    let shown = |s: &NamedSchool| format!("«{}» ({})", s.name, s.municipality);
    let example = matched.iter().next().map_or(String::new(), |(from, to)| {
        format!("«{}» → {to}", ds.book.get(from).map_or("", |s| &s.name))
    });
    warnings.add_n(
        WarningCode::NameMatched,
        m.by_crosswalk + m.by_name,
        example,
    );
    for s in &m.unmatched {
        warnings.add(WarningCode::NameUnmatched, shown(s));
    }
    for s in &m.ambiguous {
        let c: Vec<String> = s
            .candidates
            .iter()
            .map(|c| format!("{} «{}»", c.login, c.name))
            .collect();
        warnings.add(
            WarningCode::NameAmbiguous,
            format!("{}: {}", shown(s), c.join(", ")),
        );
    }
}

/// The schools keyed by a code no input maps to a login (`gia:…`, `inn:…`, `ogrn:…`, not in
/// `mapped`) whose name is the name of exactly one school with a login — in its municipality when
/// the row names one, else in the region (`name_index`) — and of no other such code: a per-school
/// ОГЭ/ЕГЭ table without a
/// registry otherwise made each of its schools a second school beside the same school's ВПР
/// results (fresh-eyes run 7, F3). Code → login.
pub(super) fn codes_by_name(
    ds: &Dataset,
    mapped: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    let coded =
        |k: &&String| k.contains(':') && !k.starts_with("name:") && !mapped.contains_key(*k);
    if !ds.book.keys().any(|k| coded(&k)) {
        return BTreeMap::new();
    }
    let index = name_index(ds);
    let one = |key: String| match index.get(&key).map(Vec::as_slice) {
        Some([one]) => Some(one.clone()),
        _ => None,
    };
    let mut out = BTreeMap::new();
    for (id, s) in ds.book.iter().filter(|(k, _)| coded(k)) {
        if s.name.is_empty() {
            continue;
        }
        // a row that names its municipality is matched there only
        let key = match s.municipality.is_empty() {
            false => crate::input::gia::name_key(&s.municipality, &s.name)[5..].to_string(),
            true => format!("/{}", crate::input::names::school_name_key("", &s.name)),
        };
        if let Some(login) = one(key) {
            out.insert(id.clone(), login);
        }
    }
    // two codes of one name: which is the login school's cannot be told, neither is matched
    let mut codes_of: BTreeMap<&String, usize> = BTreeMap::new();
    for login in out.values() {
        *codes_of.entry(login).or_default() += 1;
    }
    let twice: Vec<String> = (codes_of.into_iter())
        .filter(|(_, n)| *n > 1)
        .map(|(l, _)| l.clone())
        .collect();
    out.retain(|_, login| !twice.contains(login));
    out
}
