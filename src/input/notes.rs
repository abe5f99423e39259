//! Schools as inputs name them, merged by one policy (docs/INPUTS.md «One school-merge policy»):
//! which source wins for a school's name, municipality, municipality code, kind and settlement when
//! two inputs disagree, and the count of disagreements in the load report.
use super::report::Warnings;
use super::text::{municipality_key, name_spelling, split_code_name};
use crate::model::warning::WarningCode;
use crate::model::{Dataset, Kind, SchoolRow};
use std::collections::BTreeMap;

/// Where a school's facts come from, in the policy's order of precedence: a fact from a
/// higher-ranked source replaces one from a lower-ranked source; among inputs of one source the
/// first fact read wins (sheets load in path order, rows in file order), so the result does not
/// depend on the order of rows within a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SchoolSource {
    /// The user's registry / context table (`registry`).
    Registry = 1,
    /// The ФИС ОКО context form (`context-form`).
    ContextForm = 2,
    /// A school directory (`directory`).
    Directory = 3,
    /// Result tables: marks, journal, markers, ФИС ОКО reports, per-pupil protocols, ОГЭ/ЕГЭ.
    Results = 4,
}

/// What one input says about a school: an empty text or None says nothing.
#[derive(Debug, Clone, Default)]
pub struct SchoolFacts<'a> {
    pub name: &'a str,
    pub municipality: &'a str,
    pub municipality_code: &'a str,
    pub kind: Option<Kind>,
    pub settlement: Option<&'static str>,
}

const FACT: [&str; 5] = [
    "название",
    "муниципалитет",
    "код муниципалитета",
    "вид",
    "тип поселения",
];

/// Merge `facts` from `src` into the school's row by the policy; each fact on which the kept value
/// and the new one differ (names compared case- and space-insensitively, municipalities by their
/// key, so «г. Алейск» = «город Алейск») is counted in `w` once per school.
pub fn merge(e: &mut SchoolRow, src: SchoolSource, facts: &SchoolFacts, w: &mut Warnings) {
    let src = src as u8;
    let r = &mut e.merged.rank;
    let name = |a: &str, b: &str| a == b || name_spelling(a) == name_spelling(b);
    let mun = |a: &str, b: &str| a == b || municipality_key(a) == municipality_key(b);
    let code = |a: &str, b: &str| a == b;
    let d = [
        text_fact(&mut e.name, facts.name, name, &mut r[0], src),
        text_fact(&mut e.municipality, facts.municipality, mun, &mut r[1], src),
        text_fact(
            &mut e.municipality_code,
            facts.municipality_code.trim(),
            code,
            &mut r[2],
            src,
        ),
        fact(&mut e.kind, facts.kind, |k| k.as_str(), &mut r[3], src),
        fact(&mut e.settlement, facts.settlement, |s| s, &mut r[4], src),
    ];
    for (i, d) in d.into_iter().enumerate() {
        if let Some((kept, other)) = d {
            if !e.merged.reported[i] {
                e.merged.reported[i] = true;
                let id = if e.login.is_empty() {
                    &e.school_id
                } else {
                    &e.login
                };
                w.add(
                    WarningCode::SchoolFactsDisagree,
                    format!("{id}: {} «{kept}» / «{other}»", FACT[i]),
                );
            }
        }
    }
}

/// Whether a value from a source of rank `src` replaces the kept one of rank `held` (0: set
/// outside the policy, ranked as a result table's).
fn replaces(src: u8, held: u8) -> bool {
    src < if held == 0 {
        SchoolSource::Results as u8
    } else {
        held
    }
}

/// A text fact: set when the row has none, replaced by a higher-ranked source, kept otherwise;
/// the kept and the other value when they differ (`same`).
fn text_fact(
    cur: &mut String,
    new: &str,
    same: impl Fn(&str, &str) -> bool,
    rank: &mut u8,
    src: u8,
) -> Option<(String, String)> {
    if new.is_empty() {
        return None;
    }
    if cur.is_empty() {
        *cur = new.to_string();
        *rank = src;
        return None;
    }
    let differs = !same(cur, new);
    let out = differs.then(|| match replaces(src, *rank) {
        true => (new.to_string(), cur.clone()),
        false => (cur.clone(), new.to_string()),
    });
    if replaces(src, *rank) {
        if cur != new {
            *cur = new.to_string();
        }
        *rank = src;
    }
    out
}

/// A fact of few values (kind, settlement), as `text_fact`.
fn fact<T: Copy + PartialEq>(
    cur: &mut Option<T>,
    new: Option<T>,
    show: impl Fn(T) -> &'static str,
    rank: &mut u8,
    src: u8,
) -> Option<(String, String)> {
    let new = new?;
    let Some(held) = *cur else {
        *cur = Some(new);
        *rank = src;
        return None;
    };
    let out = (held != new).then(|| match replaces(src, *rank) {
        true => (show(new).to_string(), show(held).to_string()),
        false => (show(held).to_string(), show(new).to_string()),
    });
    if replaces(src, *rank) {
        *cur = Some(new);
        *rank = src;
    }
    out
}

/// Note a school's login, name and municipality (`code | name` or a name) from a result row: an
/// `edu` login wins, otherwise the first; name, municipality and its code merge by the policy
/// (`merge`, as a result table).
pub(super) fn note_school(
    ds: &mut Dataset,
    sid: &str,
    login: &str,
    name: &str,
    mun: &str,
    w: &mut Warnings,
) {
    let e = ds.book.entry(sid.to_string()).or_insert_with(|| {
        Box::new(SchoolRow {
            school_id: sid.to_string(),
            ..Default::default()
        })
    });
    note_into(e, &mut ds.municipality_codes, login, name, mun, w);
}

/// `note_school` on the school's row.
pub(super) fn note_into(
    e: &mut SchoolRow,
    codes: &mut BTreeMap<String, String>,
    login: &str,
    name: &str,
    mun: &str,
    w: &mut Warnings,
) {
    let edu = login
        .get(..3)
        .is_some_and(|p| p.eq_ignore_ascii_case("edu"));
    if e.login.is_empty() || (edu && !e.login_listed) {
        e.login = super::text::shown_login(login);
    }
    let (mcode, mname) = split_code_name(mun);
    if let Some(c) = &mcode {
        codes.entry(municipality_key(&mname)).or_insert(c.clone());
    }
    let facts = SchoolFacts {
        name,
        municipality: &mname,
        municipality_code: mcode.as_deref().unwrap_or(""),
        ..Default::default()
    };
    merge(e, SchoolSource::Results, &facts, w);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(name: &'a str, mun: &'a str) -> SchoolFacts<'a> {
        SchoolFacts {
            name,
            municipality: mun,
            ..Default::default()
        }
    }

    #[test]
    fn the_higher_source_wins_whatever_the_order_and_disagreements_are_counted_once() {
        use SchoolSource::*;
        for registry_first in [true, false] {
            let mut e = SchoolRow {
                school_id: "edu220001".into(),
                login: "edu220001".into(),
                ..Default::default()
            };
            let mut w = Warnings::default();
            let reg = SchoolFacts {
                kind: Some(Kind::Advanced),
                settlement: Some("село"),
                ..facts("Лицей 1", "Алейский район")
            };
            let res = facts("МБОУ СОШ 1", "г. Алейск");
            if registry_first {
                merge(&mut e, Registry, &reg, &mut w);
                merge(&mut e, Results, &res, &mut w);
            } else {
                merge(&mut e, Results, &res, &mut w);
                merge(&mut e, Results, &facts("Другое имя", "г. Бийск"), &mut w);
                merge(&mut e, Registry, &reg, &mut w);
            }
            // a second result table repeats the disagreement: counted once per school and fact
            merge(&mut e, Results, &res, &mut w);
            assert_eq!(e.name, "Лицей 1");
            assert_eq!(e.municipality, "Алейский район");
            assert_eq!((e.kind, e.settlement), (Some(Kind::Advanced), Some("село")));
            assert_eq!(
                w.0[&WarningCode::SchoolFactsDisagree].count,
                2,
                "{registry_first}"
            );
            // the kept value first, then the other
            let first = &w.0[&WarningCode::SchoolFactsDisagree].examples[0];
            let want = if registry_first {
                "название «Лицей 1» / «МБОУ СОШ 1»"
            } else {
                "название «МБОУ СОШ 1» / «Другое имя»"
            };
            assert!(first.ends_with(want), "{first}");
        }
    }

    #[test]
    fn within_one_source_the_first_wins_and_spellings_of_one_municipality_agree() {
        let mut e = SchoolRow::default();
        let mut w = Warnings::default();
        merge(
            &mut e,
            SchoolSource::Results,
            &facts("СОШ 1", "г. Алейск"),
            &mut w,
        );
        merge(
            &mut e,
            SchoolSource::Results,
            &facts("сош  1", "город Алейск"),
            &mut w,
        );
        assert_eq!(
            (e.name.as_str(), e.municipality.as_str()),
            ("СОШ 1", "г. Алейск")
        );
        assert!(w.is_empty());
        // an empty fact says nothing
        merge(&mut e, SchoolSource::Registry, &facts("", ""), &mut w);
        assert_eq!(e.name, "СОШ 1");
        // the registry's spelling replaces a result table's
        merge(
            &mut e,
            SchoolSource::Registry,
            &facts("", "город Алейск"),
            &mut w,
        );
        assert_eq!(e.municipality, "город Алейск");
        assert!(w.is_empty());
    }
}
