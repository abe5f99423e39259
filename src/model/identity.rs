//! School identity: crosswalk of ГИА codes / ИНН / ОГРН to logins, the checks that end every load
//! (`finalize`), and municipality keys (ФИС ОКО code when known, else the normalised name). The
//! model's row order and de-duplication are in `order`.
use super::by_name::{codes_by_name, match_names, report_names};
use super::order::{
    dedup_ordered, first_rows, join_parts, municipalities, order_risk, ordered_with_repeats,
};
use super::schema::col::{MUNICIPALITY, SCHOOL_ID};
use super::Dataset;
use crate::input::report::Warnings;
use crate::input::text::municipality_key;
use crate::input::Opts;
use crate::model::warning::WarningCode;
use anyhow::Result;
use std::collections::BTreeMap;

/// Resolve, de-duplicate and normalise the loaded dataset in place.
pub fn finalize(ds: &mut Dataset, opts: &Opts, warnings: &mut Warnings) -> Result<()> {
    join_parts(ds)?;
    crate::timing("  finalize: joined");
    crosswalk(ds, warnings)?;
    crate::timing("  finalize: crosswalk");
    // no step changes the book until the results are ordered: its schools frame is made beside
    // their order and repeats and the risk profiles' order (they read nothing else; the results'
    // errors first, as in turn), and made again only when `complete_book` changes the book
    let book = std::mem::take(&mut ds.book);
    let risk_parts = std::mem::take(&mut ds.risk_parts);
    let (results, (risk, early)) = rayon::join(
        || ordered_results(ds, &book, opts, warnings),
        || (order_risk(risk_parts), super::schools::frame(&book)),
    );
    let first = results?;
    let risk = risk?;
    ds.book = book;
    let changed = complete_book(ds, &first)?;
    crate::timing("  finalize: book");
    if let Some(risk) = risk {
        ds.risk = risk;
    }
    crate::timing("  finalize: risk ordered");
    // the last reader of the book (`tables::finish` reads neither the book nor the context
    // tables, and adds no warning of this code)
    report_unmapped_context_codes(ds, warnings);
    // the book (45 000 boxed rows nationally, ≈ 5 ms to free) dropped by a pool thread once one
    // is free, not before the load returns; the schools frame made again, of the book as it is
    // now, beside the other tables' order when the book changed
    let book = std::mem::take(&mut ds.book);
    let (schools, tables) = match changed {
        false => {
            rayon::spawn(move || drop(book));
            (early, super::tables::finish(ds, warnings))
        }
        true => rayon::join(
            move || {
                let frame = super::schools::frame(&book);
                rayon::spawn(move || drop(book));
                frame
            },
            || super::tables::finish(ds, warnings),
        ),
    };
    tables?;
    report_regions(&first, warnings)?;
    crate::timing("  finalize: tables, regions");
    ds.schools = schools?;
    crate::timing("  finalize: schools");
    Ok(())
}

/// The results in the model's order without their repeats (`dedup_ordered`), the merged
/// municipality spellings of them and of `book` (the school book, taken out of `ds`) told first;
/// the results' distinct schools (`first_rows`). Errors: as `dedup_ordered`.
fn ordered_results(
    ds: &mut Dataset,
    book: &super::schools::Book,
    opts: &Opts,
    warnings: &mut Warnings,
) -> Result<polars::prelude::DataFrame> {
    // the names before the repeats go, as in turn; the order and the repeats beside them
    let (seen, ordered) = rayon::join(
        || municipalities(&ds.results),
        || ordered_with_repeats(ds.results.clone()),
    );
    report_merged_municipalities(book, &seen?, warnings);
    crate::timing("  finalize: municipalities");
    dedup_ordered(ds, ordered?, opts, warnings)?;
    crate::timing("  finalize: repeats");
    first_rows(&ds.results)
}

/// Give every school seen in the results (`first`: `order::first_rows`) a book row (a null as
/// the empty text; the texts copied only for a school the book lacks), each row without a
/// municipality code the code noted for its municipality, each without a login its id; whether
/// the book changed (a row added or a field set). Errors: `first` lacks its columns (a bug).
fn complete_book(ds: &mut Dataset, first: &polars::prelude::DataFrame) -> Result<bool> {
    let mut changed = false;
    let col = |c: &str| first.column(c).map(|c| c.str().cloned());
    let (ids, muns) = (col(SCHOOL_ID)??, col(MUNICIPALITY)??);
    for (sid, mun) in ids.iter().zip(muns.iter()) {
        let (sid, mun) = (sid.unwrap_or(""), mun.unwrap_or(""));
        if !ds.book.contains_key(sid) {
            changed = true;
            ds.book.insert(
                sid.to_string(),
                Box::new(super::SchoolRow {
                    school_id: sid.to_string(),
                    login: sid.to_string(),
                    municipality: mun.to_string(),
                    ..Default::default()
                }),
            );
        }
    }
    // each distinct municipality spelling looked up once (its text copied once, as the key)
    let mut codes: polars::prelude::PlHashMap<String, Option<String>> = Default::default();
    for s in ds.book.values_mut() {
        if s.municipality_code.is_empty() && !ds.municipality_codes.is_empty() {
            if !codes.contains_key(s.municipality.as_str()) {
                let code = ds
                    .municipality_codes
                    .get(&municipality_key(&s.municipality));
                codes.insert(s.municipality.clone(), code.cloned());
            }
            if let Some(Some(c)) = codes.get(s.municipality.as_str()) {
                s.municipality_code = c.clone();
                changed = true;
            }
        }
        if s.login.is_empty() {
            s.login = s.school_id.clone();
            changed = true;
        }
    }
    Ok(changed)
}

/// The region code a school id carries: a login's (`text::region_of`), an ОГРН's (its 4th and
/// 5th digits, `ogrn:…`) or an ИНН's (its first two digits, `inn:…`); empty for any other id.
pub fn region_code(sid: &str) -> String {
    let digits = |s: &str, len: &[usize], at: std::ops::Range<usize>| {
        if len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            s[at].to_string()
        } else {
            String::new()
        }
    };
    if let Some(ogrn) = sid.strip_prefix("ogrn:") {
        digits(ogrn, &[13], 3..5)
    } else if let Some(inn) = sid.strip_prefix("inn:") {
        digits(inn, &[10, 12], 0..2)
    } else {
        crate::input::text::region_of(sid)
    }
}

/// Count [`WarningCode::SeveralRegions`] once per region when the schools with results carry
/// more than one region code ([`region_code`]): the example names each region with its schools,
/// and the schools whose id tells no region. One region (or none known): nothing. `first`: the
/// results' distinct school ids (`order::first_rows`).
fn report_regions(first: &polars::prelude::DataFrame, warnings: &mut Warnings) -> Result<()> {
    use crate::model::schema::col as k;
    let ids = first.column(k::SCHOOL_ID)?;
    let mut by_region: BTreeMap<String, usize> = BTreeMap::new();
    for sid in ids.str()?.iter().flatten() {
        *by_region.entry(region_code(sid)).or_default() += 1;
    }
    let unknown = by_region.remove("").unwrap_or(0);
    if by_region.len() < 2 {
        return Ok(());
    }
    let mut parts: Vec<String> = by_region
        .iter()
        .map(|(r, n)| format!("регион {r}: школ {n}"))
        .collect();
    if unknown > 0 {
        parts.push(format!("без кода региона: школ {unknown}"));
    }
    warnings.add_n(
        WarningCode::SeveralRegions,
        by_region.len(),
        parts.join("; "),
    );
    Ok(())
}

/// Count every context-table key that is no login (`gia:CODE`) and names no school the other
/// inputs know (by id or by ГИА code), when some school has a login (the table alone names all its
/// schools by code, and nothing is amiss): such a school has no municipality or region, so it
/// must not pass unnoticed ([`WarningCode::UnmappedContextCode`], with the code and the files giving it).
fn report_unmapped_context_codes(ds: &Dataset, warnings: &mut Warnings) {
    let region_of = crate::input::text::region_of;
    let mut keys = ds.context_years.rows.keys();
    if !keys.any(|k| k.starts_with("gia:")) || !ds.book.keys().any(|k| !region_of(k).is_empty()) {
        return;
    }
    let codes: std::collections::BTreeSet<&str> = ds
        .book
        .values()
        .filter_map(|s| s.gia_code.as_deref())
        .collect();
    for key in ds.context_years.rows.keys() {
        let Some(code) = key.strip_prefix("gia:") else {
            continue;
        };
        if ds.book.contains_key(key) || codes.contains(code) {
            continue;
        }
        let files: Vec<String> = ds
            .context_years
            .sources
            .get(key)
            .into_iter()
            .flatten()
            .map(|f| f.to_string())
            .collect();
        warnings.add(
            WarningCode::UnmappedContextCode,
            format!("{key} ({})", files.join(", ")),
        );
    }
}

/// Spellings of one municipality across inputs and years (`г. Алейск` / `город Алейск`) are one key.
fn report_merged_municipalities(
    book: &super::schools::Book,
    seen: &std::collections::HashSet<String>,
    warnings: &mut Warnings,
) {
    let mut raw: polars::prelude::PlHashSet<&str> = seen.iter().map(String::as_str).collect();
    let mut last: Option<&str> = None;
    for m in book.values().map(|s| s.municipality.as_str()) {
        if last != Some(m) {
            raw.insert(m);
            last = Some(m);
        }
    }
    raw.remove("");
    let mut raw: Vec<&str> = raw.into_iter().collect();
    raw.sort_unstable();
    let mut by_key: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for m in raw {
        by_key.entry(municipality_key(m)).or_default().push(m);
    }
    for names in by_key.values().filter(|v| v.len() > 1) {
        warnings.add(
            WarningCode::MunicipalitySpellings,
            names
                .iter()
                .map(|n| format!("«{n}»"))
                .collect::<Vec<_>>()
                .join(" = "),
        );
    }
}

/// Municipality key of a school: its ФИС ОКО code, else its normalised name.
pub fn municipality_id(ds: &Dataset, school_id: &str) -> String {
    let v = ds.school_view();
    match v.find(school_id) {
        Some(i) if !v.municipality_code(i).is_empty() => v.municipality_code(i).to_string(),
        Some(i) => municipality_key(v.municipality(i)),
        None => String::new(),
    }
}

/// The login of a school as a person reads it (tables, CSV, xlsx): none for a school known only by
/// name (`name:…`), which the name beside it shows; any other id as it stands. JSON keeps the key.
pub fn shown_login(login: &str) -> &str {
    if login.starts_with("name:") {
        ""
    } else {
        login
    }
}

/// A school as a person reads it in a list or a sentence (monitor, sweep, notes): its login, or for a
/// school known only by name (`name:…`) «its name» with its municipality in brackets, never the key.
/// A school kept under a ГИА code, ИНН or ОГРН shows that code in words: `gia:1001` → «код ГИА 1001».
pub fn shown_school(login: &str, name: &str, municipality: &str) -> String {
    for (prefix, words) in [("gia:", "код ГИА"), ("inn:", "ИНН"), ("ogrn:", "ОГРН")] {
        if let Some(code) = login.strip_prefix(prefix) {
            return format!("{words} {code}");
        }
    }
    if !shown_login(login).is_empty() {
        return login.to_string();
    }
    let name = if name.trim().is_empty() {
        login.rsplit('/').next().unwrap_or(login)
    } else {
        name
    };
    match municipality.trim() {
        "" => format!("«{name}»"),
        m => format!("«{name}» ({m})"),
    }
}

/// A school as a warning's example names it, in JSON and text alike (docs/JSON.md «warnings»): its
/// login, or the key of a school kept under a ГИА code, ИНН or ОГРН (`gia:1000`, as its `login`;
/// text outputs say it in words, `model::warning::in_words`), or for a school known only by name
/// «its name» (its municipality) as [`shown_school`] says it — a `name:…` key's name part is
/// normalised, so the spelling of the inputs is shown, with the municipality that tells two
/// schools of one name apart (as the load's name warnings do).
pub fn example_school(login: &str, name: &str, municipality: &str) -> String {
    match shown_login(login) {
        "" => shown_school(login, name, municipality),
        key => key.to_string(),
    }
}

/// [`shown_school`] of a login of the dataset, its name and municipality from the dataset's school row.
pub fn shown_id(ds: &Dataset, login: &str) -> String {
    let v = ds.school_view();
    match v.find(&crate::input::text::school_id(login)) {
        Some(i) => shown_school(login, v.name(i), v.municipality(i)),
        None => shown_school(login, "", ""),
    }
}

/// [`shown_login`] for a table's login column, a ГИА code, ИНН or ОГРН key in words
/// (`gia:1001` → «код ГИА 1001», see [`shown_school`]).
pub fn shown_key(login: &str) -> String {
    match shown_login(login) {
        "" => String::new(),
        l => shown_school(l, "", ""),
    }
}

/// Regions of the schools with logins (`text::region_of`: the login's first two digits), for the
/// schools without one (kept under a ГИА code, ИНН, ОГРН or their name), whose id tells no region.
pub struct Regions {
    /// Municipality key → the one region of its schools with logins (None: several).
    by_municipality: BTreeMap<String, Option<String>>,
    /// The one region of all the schools with logins (None: several or none).
    all: Option<String>,
}

impl Regions {
    pub fn new(ds: &Dataset) -> Regions {
        let mut by_municipality: BTreeMap<String, Option<String>> = BTreeMap::new();
        let mut all: std::collections::BTreeSet<String> = Default::default();
        for sid in ds.school_view().ids() {
            let r = crate::input::text::region_of(sid);
            if r.is_empty() {
                continue;
            }
            by_municipality
                .entry(municipality_id(ds, sid))
                .and_modify(|v| {
                    if v.as_deref() != Some(r.as_str()) {
                        *v = None
                    }
                })
                .or_insert_with(|| Some(r.clone()));
            all.insert(r);
        }
        let all = (all.len() == 1).then(|| all.into_iter().next().unwrap());
        Regions {
            by_municipality,
            all,
        }
    }

    /// A school's region: its login's (`text::region_of`); for an id that is no login (`gia:…`,
    /// `name:…`), the one region of the schools with logins of its municipality, else of all the
    /// schools with logins, else none (empty) — so a school known only by name counts in its
    /// municipality and its region (`compare`, the stage-1 `bottom` rule).
    pub fn of(&self, ds: &Dataset, sid: &str) -> String {
        let r = crate::input::text::region_of(sid);
        if !r.is_empty() || !sid.contains(':') {
            return r;
        }
        match self.by_municipality.get(&municipality_id(ds, sid)) {
            Some(one) => one.clone(),
            None => self.all.clone(),
        }
        .unwrap_or_default()
    }
}

/// Schools known only by name (`name:<municipality key>/<name key>`, `input::gia::name_key`): the
/// crosswalk files' name → login pairs, and how `finalize` matched each name.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Name key (`<municipality key>/<name key>`) → the login a crosswalk file gives it.
    pub logins: BTreeMap<String, NameLogin>,
    /// Set by `finalize`.
    pub matches: NameMatches,
}

/// One row of a crosswalk file: the login (as a school id) and where it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct NameLogin {
    pub school_id: String,
    /// `FILE` or `FILE [лист «SHEET»]`, and the row's line in it.
    pub file: String,
    pub line: usize,
}

/// How the schools known only by name were matched to logins (`inspect` lists all of them).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct NameMatches {
    /// Names matched through a crosswalk file.
    pub by_crosswalk: usize,
    /// Names matched to the one school of their municipality with that name.
    pub by_name: usize,
    /// Names no school of their municipality has: kept under their name.
    pub unmatched: Vec<NamedSchool>,
    /// Names several schools of their municipality have: not matched, kept under their name.
    pub ambiguous: Vec<NamedSchool>,
}

/// A school known only by name, as the inputs spell it, and the schools its name fits.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NamedSchool {
    /// Its key, `name:<municipality key>/<name key>`.
    pub school_id: String,
    pub name: String,
    pub municipality: String,
    pub candidates: Vec<Candidate>,
}

/// A school whose name fits an ambiguous one.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Candidate {
    pub login: String,
    pub name: String,
}

fn crosswalk(ds: &mut Dataset, warnings: &mut Warnings) -> Result<()> {
    // only ids that are not logins (`gia:…`, `inn:…`, `ogrn:…`, `name:…`) need the crosswalk
    if !ds.book.keys().any(|k| k.contains(':')) {
        return Ok(());
    }
    let mut by_gia: BTreeMap<String, String> = BTreeMap::new();
    let mut by_inn: BTreeMap<String, String> = BTreeMap::new();
    let mut by_ogrn: BTreeMap<String, String> = BTreeMap::new();
    for s in ds.book.values() {
        if s.school_id.contains(':') {
            continue;
        }
        if let Some(c) = &s.gia_code {
            by_gia.insert(c.clone(), s.school_id.clone());
        }
        if let Some(c) = &s.inn {
            by_inn.insert(c.clone(), s.school_id.clone());
        }
        if let Some(c) = &s.ogrn {
            by_ogrn.insert(c.clone(), s.school_id.clone());
        }
    }
    let resolve = |id: &str| -> Option<String> {
        let (kind, code) = id.split_once(':')?;
        match kind {
            "gia" => by_gia.get(code).cloned(),
            "inn" => by_inn.get(code).cloned(),
            "ogrn" => by_ogrn.get(code).cloned(),
            _ => None,
        }
    };
    let mut map = BTreeMap::new();
    for id in ds.book.keys().filter(|k| k.contains(':')) {
        if let Some(to) = resolve(id) {
            map.insert(id.clone(), to);
        }
    }
    let by_name = codes_by_name(ds, &map);
    let unmatched: Vec<&String> = ds
        .book
        .keys()
        .filter(|k| k.contains(':') && !k.starts_with("name:") && !map.contains_key(*k))
        .filter(|k| !by_name.contains_key(*k))
        .collect();
    let have_logins = ds.book.keys().any(|k| !k.contains(':'));
    if have_logins {
        for id in unmatched.iter().take(3) {
            warnings.add(WarningCode::CodeWithoutLogin, shown_key(id));
        }
        if unmatched.len() > 3 {
            warnings.add_n(WarningCode::CodeWithoutLogin, unmatched.len() - 3, "…");
        }
    }
    let codes = map.len();
    // people read the example: «код ГИА 1000 → edu990001», not the key `gia:1000`
    let code_example = map
        .iter()
        .next()
        .map(|(k, v)| format!("{} → {v}", shown_key(k)));
    let named_example = by_name.iter().next().map(|(k, v)| {
        let name = ds.book.get(k).map_or("", |s| s.name.as_str());
        format!("{} «{name}» → {v}", shown_key(k))
    });
    if let Some(example) = named_example {
        warnings.add_n(WarningCode::CodeMatchedByName, by_name.len(), example);
    }
    map.extend(by_name);
    let names = match_names(ds, have_logins);
    report_names(ds, &names, warnings);
    map.extend(names);
    if map.is_empty() {
        return Ok(());
    }
    let sid = super::schema::col::SCHOOL_ID;
    let renamed: polars::prelude::StringChunked = ds
        .results
        .column(sid)?
        .str()?
        .iter()
        .map(|id| id.map(|id| map.get(id).map_or(id, String::as_str)))
        .collect();
    let mut df = ds.results.clone();
    df.with_column(polars::prelude::IntoColumn::into_column(
        renamed.with_name(sid.into()),
    ))?;
    ds.set_frame(df);
    for (from, to) in &map {
        if let Some(src) = ds.book.remove(from) {
            let dst = ds.book.get_mut(to).unwrap();
            if dst.name.is_empty() {
                dst.name = src.name;
            }
        }
    }
    if let Some(example) = code_example {
        warnings.add_n(WarningCode::CodesMatched, codes, example);
    }
    Ok(())
}

#[cfg(test)]
#[path = "identity_tests.rs"]
mod tests;
