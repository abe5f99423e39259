//! Schools as inputs name them, merged by one policy (docs/INPUTS.md «One school-merge policy»):
//! which source wins for a school's name, municipality, municipality code, kind and settlement when
//! two inputs disagree, and the count of disagreements in the load report.
use super::report::Warnings;
use super::text::{municipality_key, name_spelling, split_code_name};
use crate::model::warning::WarningCode;
use crate::model::{Dataset, Kind, Merged, SchoolRow};
use std::collections::BTreeMap;

/// Where a school's facts come from, in the policy's order of precedence: a fact from a
/// higher-ranked source replaces one from a lower-ranked source; among inputs of one source a
/// fact of a later year replaces one of an earlier year (a school renamed, or moved to another
/// municipality: yearly files named by year load oldest first, and their names must not decide;
/// fresh-eyes run 13), and among those of one year the first fact read wins (sheets load in path
/// order, rows in file order), so the result does not depend on the order of rows within a file.
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
    /// The year the input speaks of (a result row's, a context form's); 0 when it has none.
    pub year: i32,
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
    let src = (src as u8, facts.year);
    let [r0, r1, r2, r3, r4] = held(&mut e.merged);
    let name = |a: &str, b: &str| a == b || name_spelling(a) == name_spelling(b);
    let mun = |a: &str, b: &str| a == b || municipality_key(a) == municipality_key(b);
    let code = |a: &str, b: &str| a == b;
    let d = [
        text_fact(&mut e.name, facts.name, name, r0, src),
        text_fact(&mut e.municipality, facts.municipality, mun, r1, src),
        text_fact(
            &mut e.municipality_code,
            facts.municipality_code.trim(),
            code,
            r2,
            src,
        ),
        fact(&mut e.kind, facts.kind, |k| k.as_str(), r3, src),
        fact(&mut e.settlement, facts.settlement, |s| s, r4, src),
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

/// Each merged fact's kept (rank, year), to update in place.
fn held(m: &mut Merged) -> [(&mut u8, &mut i32); 5] {
    let (r, y) = (&mut m.rank, &mut m.year);
    let [r0, r1, r2, r3, r4] = r.each_mut();
    let [y0, y1, y2, y3, y4] = y.each_mut();
    [(r0, y0), (r1, y1), (r2, y2), (r3, y3), (r4, y4)]
}

/// Whether a value from a source of (rank, year) `src` replaces the kept one of `held` (rank 0:
/// set outside the policy, ranked as a result table's): a higher rank, or the same rank and a
/// later year.
fn replaces((src, year): (u8, i32), (held, held_year): (u8, i32)) -> bool {
    let held = if held == 0 {
        SchoolSource::Results as u8
    } else {
        held
    };
    src < held || (src == held && year > held_year)
}

/// A text fact: set when the row has none, replaced by a higher-ranked source, kept otherwise;
/// the kept and the other value when they differ (`same`).
fn text_fact(
    cur: &mut String,
    new: &str,
    same: impl Fn(&str, &str) -> bool,
    (rank, year): (&mut u8, &mut i32),
    src: (u8, i32),
) -> Option<(String, String)> {
    if new.is_empty() {
        return None;
    }
    if cur.is_empty() {
        *cur = new.to_string();
        (*rank, *year) = src;
        return None;
    }
    let wins = replaces(src, (*rank, *year));
    let out = (!same(cur, new)).then(|| match wins {
        true => (new.to_string(), cur.clone()),
        false => (cur.clone(), new.to_string()),
    });
    if wins {
        if cur != new {
            *cur = new.to_string();
        }
        (*rank, *year) = src;
    }
    out
}

/// A fact of few values (kind, settlement), as `text_fact`.
fn fact<T: Copy + PartialEq>(
    cur: &mut Option<T>,
    new: Option<T>,
    show: impl Fn(T) -> &'static str,
    (rank, year): (&mut u8, &mut i32),
    src: (u8, i32),
) -> Option<(String, String)> {
    let new = new?;
    let Some(held) = *cur else {
        *cur = Some(new);
        (*rank, *year) = src;
        return None;
    };
    let wins = replaces(src, (*rank, *year));
    let out = (held != new).then(|| match wins {
        true => (show(new).to_string(), show(held).to_string()),
        false => (show(held).to_string(), show(new).to_string()),
    });
    if wins {
        *cur = Some(new);
        (*rank, *year) = src;
    }
    out
}

/// Note a school's login, name and municipality (`code | name` or a name) from a result row: an
/// `edu` login wins, otherwise the first; name, municipality and its code merge by the policy
/// (`merge`, as a result table).
pub(super) fn note_school(
    ds: &mut Dataset,
    sid: &str,
    (login, year): (&str, i32),
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
    note_into(e, &mut ds.municipality_codes, (login, year), name, mun, w);
}

/// `note_school` on the school's row.
pub(super) fn note_into(
    e: &mut SchoolRow,
    codes: &mut BTreeMap<String, String>,
    (login, year): (&str, i32),
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
        year,
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

    /// Fresh-eyes run 13: two yearly files disagreeing on a school's municipality or name — the
    /// file whose path sorted first won, so renaming the files moved the school. Among result
    /// tables the later year's fact wins, whatever the order; within a year the first read.
    #[test]
    fn among_result_tables_the_later_year_wins_whatever_the_order() {
        use SchoolSource::*;
        let in_year = |mun, year| SchoolFacts {
            year,
            ..facts("Школа 1", mun)
        };
        for later_first in [true, false] {
            let mut e = SchoolRow::default();
            let mut w = Warnings::default();
            let (a, b) = (in_year("Район 2", 2024), in_year("Район 9", 2025));
            let order = if later_first { [&b, &a] } else { [&a, &b] };
            for f in order {
                merge(&mut e, Results, f, &mut w);
            }
            assert_eq!(e.municipality, "Район 9", "later first: {later_first}");
            let shown = &w.0[&WarningCode::SchoolFactsDisagree].examples[0];
            assert!(shown.contains("«Район 9» / «Район 2»"), "{shown}");
        }
        // one year: the first read is kept
        let mut e = SchoolRow::default();
        let mut w = Warnings::default();
        merge(&mut e, Results, &in_year("Район 2", 2025), &mut w);
        merge(&mut e, Results, &in_year("Район 9", 2025), &mut w);
        assert_eq!(e.municipality, "Район 2");
        // a higher source still wins over any year
        merge(&mut e, Registry, &facts("Школа 1", "Район 5"), &mut w);
        merge(&mut e, Results, &in_year("Район 9", 2026), &mut w);
        assert_eq!(e.municipality, "Район 5");
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
