//! Schools as result rows name them: login, name and municipality noted into the registry rows.
use super::text::{municipality_key, split_code_name};
use crate::model::{Dataset, SchoolRow};
use std::collections::BTreeMap;

/// Note a school's login, name and municipality from a row. Noting the same values again changes
/// nothing, and the outcome does not depend on the order of distinct notes (an `edu` login wins,
/// otherwise the first; first name, municipality and code win).
pub(super) fn note_school(ds: &mut Dataset, sid: &str, login: &str, name: &str, mun: &str) {
    if ds.schools.get(sid).is_some_and(|e| noted(e, login, mun)) {
        return;
    }
    let e = ds.schools.entry(sid.to_string()).or_insert_with(|| {
        Box::new(SchoolRow {
            school_id: sid.to_string(),
            ..Default::default()
        })
    });
    note_into(e, &mut ds.municipality_codes, login, name, mun);
}

/// Noting the school again would change nothing: the common case at national scale, a school
/// already noted under its newest login.
pub(super) fn noted(e: &SchoolRow, login: &str, mun: &str) -> bool {
    !e.name.is_empty()
        && !e.municipality.is_empty()
        && (e.login.starts_with("edu") || e.login == login.trim().to_lowercase())
        && !mun.contains('|')
}

/// `note_school` on the school's row.
pub(super) fn note_into(
    e: &mut SchoolRow,
    codes: &mut BTreeMap<String, String>,
    login: &str,
    name: &str,
    mun: &str,
) {
    if e.login.is_empty()
        || login
            .get(..3)
            .is_some_and(|p| p.eq_ignore_ascii_case("edu"))
    {
        e.login = login.trim().to_lowercase();
    }
    if e.name.is_empty() && !name.is_empty() {
        e.name = name.to_string();
    }
    // the first code seen wins, so that noting a school again in any order changes nothing
    let (mcode, mname) = split_code_name(mun);
    if let Some(c) = mcode {
        if e.municipality_code.is_empty() {
            e.municipality_code = c.clone();
        }
        codes.entry(municipality_key(&mname)).or_insert(c);
    }
    if e.municipality.is_empty() && !mname.is_empty() {
        e.municipality = mname;
    }
}
