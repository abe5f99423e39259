//! Registry and context: the ФИС ОКО context form, a user context/registry table, school directories.
use super::header::{self, Header};
use super::notes::{merge, SchoolFacts, SchoolSource};
use super::records::Seen;
use super::report::InputReport;
use super::table::Grid;
use super::text::{
    coded_answer, municipality_key, norm_text, parse_num, school_id, split_code_name,
};
use super::Opts;
use crate::error::data_err;
use crate::model::warning::WarningCode;
use crate::model::{Dataset, Kind, SchoolRow, Sym};
use anyhow::Result;
use polars::prelude::PlHashMap;

/// Registry indicator columns: (key, Russian label).
pub const INDICATORS: &[(&str, &str)] = &[
    (
        "parents_higher_ed",
        "доля обучающихся, оба родителя которых имеют высшее образование",
    ),
    ("single_parent", "доля обучающихся из неполных семей"),
    ("low_income", "доля обучающихся из малообеспеченных семей"),
    (
        "at_risk_register",
        "доля обучающихся, состоящих на профилактическом учете",
    ),
    (
        "non_native",
        "доля обучающихся, для которых русский язык не является родным",
    ),
    ("ovz_share", "доля обучающихся с овз"),
    (
        "unemployed_parents",
        "доля обучающихся с безработными родителями",
    ),
    ("large_family", "доля обучающихся из многодетных семей"),
    ("vacancy_share", "доля вакантных ставок учителей"),
    (
        "no_ped_ed_share",
        "доля учителей без педагогического образования",
    ),
    (
        "teachers_65plus_share",
        "доля учителей в возрасте 65 лет и старше",
    ),
    ("pupils_per_computer", "число обучающихся на один компьютер"),
    ("internet_mbps", "скорость интернета, мбит/с"),
    ("equipped_rooms_share", "доля оснащенных учебных кабинетов"),
    // derived from the 2021 context form (context_2021), or given in a registry
    (
        "teachers_pension_share",
        "доля учителей пенсионного возраста",
    ),
    (
        "teacher_pc_rooms_share",
        "доля кабинетов с компьютером учителя",
    ),
    ("obsolete_computers_share", "доля устаревших компьютеров"),
    ("internet_band", "полоса скорости интернета"),
];

/// Other wordings of the social indicators, as research tables' codebooks and regional forms
/// spell them (issue 14): matched, like the labels of `INDICATORS`, by `indicator_of`.
pub const SYNONYMS: &[(&str, &str)] = &[
    ("single_parent", "доля детей из неполных семей"),
    ("low_income", "доля детей из малообеспеченных семей"),
    ("low_income", "доля обучающихся из малоимущих семей"),
    (
        "non_native",
        "доля детей, для которых русский язык не является родным",
    ),
    (
        "non_native",
        "доля обучающихся, для которых русский язык не родной",
    ),
    (
        "ovz_share",
        "доля обучающихся с ограниченными возможностями здоровья",
    ),
    ("ovz_share", "доля детей с овз"),
    ("unemployed_parents", "доля безработных родителей"),
    (
        "unemployed_parents",
        "доля обучающихся, у которых родители безработные",
    ),
    ("large_family", "доля детей из многодетных семей"),
    (
        "at_risk_register",
        "доля обучающихся, состоящих на внутришкольном учете",
    ),
    (
        "at_risk_register",
        "доля детей, состоящих на внутришкольном учете",
    ),
    (
        "parents_higher_ed",
        "доля обучающихся, у которых оба родителя имеют высшее образование",
    ),
];

/// A wording reduced for matching: normalised as a header (case, ё, spaces, a trailing unit),
/// then only its letters, digits and single spaces (commas, quotes, brackets, dots dropped).
fn wording_key(s: &str) -> String {
    let t = super::text::norm_header(s);
    let kept: String = t
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The indicator a wording names: its key (`low_income`), its label in `INDICATORS` or one of its
/// `SYNONYMS`, compared by `wording_key`; none for any other wording.
pub fn indicator_of(wording: &str) -> Option<&'static str> {
    let w = wording_key(wording);
    if w.is_empty() {
        return None;
    }
    INDICATORS
        .iter()
        .find(|(k, l)| wording_key(k) == w || wording_key(l) == w)
        .map(|(k, _)| *k)
        .or_else(|| {
            SYNONYMS
                .iter()
                .find(|(_, l)| wording_key(l) == w)
                .map(|(k, _)| *k)
        })
}

/// Indicators that are shares (percent inputs are divided by 100).
pub fn is_share(key: &str) -> bool {
    !matches!(
        key,
        "pupils_per_computer" | "internet_mbps" | "internet_band"
    )
}

/// The 2022 form (`Пользователь` + numbered questions) or the 2021 one (`context_2021`).
pub fn is_context_form(h: &Header) -> bool {
    (h.has(&["пользователь"])
        && h.find_prefix(&[
            "14. где расположена",
            "17.2.",
            "20. укажите количество",
            "6. инн",
        ])
        .is_some())
        || super::context_2021::is_form_2021(h)
}

pub fn is_registry(h: &Header) -> bool {
    h.has(header::LOGIN)
        && (h.has(&[
            "settlement",
            "тип населенного пункта",
            "kind",
            "вид оо",
            "enrollment",
            "численность обучающихся",
        ]) || INDICATORS.iter().any(|(k, l)| h.has(&[k, l])))
}

pub fn is_directory(h: &Header) -> bool {
    h.has(header::LOGIN)
        && h.has(header::NAME)
        && h.names.iter().filter(|n| !n.is_empty()).count() <= 6
}

fn school<'a>(ds: &'a mut Dataset, login: &str) -> &'a mut SchoolRow {
    school_in(&mut ds.book, login)
}

fn school_in<'a>(
    schools: &'a mut std::collections::BTreeMap<String, Box<SchoolRow>>,
    login: &str,
) -> &'a mut SchoolRow {
    let sid = school_id(login);
    let e: &mut SchoolRow = schools.entry(sid.clone()).or_insert_with(|| {
        Box::new(SchoolRow {
            school_id: sid,
            ..Default::default()
        })
    });
    let l = login.trim();
    let edu = l.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("edu"));
    if e.login.is_empty() || !e.login_listed || edu {
        e.login = l.to_lowercase();
        e.login_listed = true;
    }
    e
}

/// A municipality's ФИС ОКО code for its name key (a later input's code for one name replaces an
/// earlier one's, as the registry's municipality did).
fn note_code(
    codes: &mut std::collections::BTreeMap<String, String>,
    code: &Option<String>,
    name: &str,
) {
    if let Some(c) = code {
        if !name.is_empty() {
            codes.insert(municipality_key(name), c.clone());
        }
    }
}

/// `f(key)`, computed once per distinct key (a file's cell texts repeat).
fn memo<'g, T: Clone>(
    cache: &mut PlHashMap<&'g str, T>,
    key: &'g str,
    f: impl FnOnce(&str) -> T,
) -> T {
    cache.entry(key).or_insert_with(|| f(key)).clone()
}

/// A settlement cell: «город», «село», none when empty, or the normalised text it could not read.
fn settlement_of(cell: &str) -> Result<Option<&'static str>, String> {
    match norm_text(cell).as_str() {
        "" => Ok(None),
        "город" | "city" | "urban" => Ok(Some("город")),
        "село" | "village" | "rural" | "сельская местность" => {
            Ok(Some("село"))
        }
        s => Err(s.to_string()),
    }
}

/// ФИС ОКО context form sheet (either of its two sheets).
pub fn load_context_form(
    g: &Grid,
    h: &Header,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    if super::context_2021::is_form_2021(h) {
        return super::context_2021::load(g, h, ds, rep);
    }
    let cl = h.find(&["пользователь"]).unwrap();
    let cm = h.find(&["муниципалитет"]);
    let cs = h.find(&["школа"]);
    let c_short = h.find_prefix(&["2. сокращенное"]);
    let c_inn = h.find_prefix(&["6. инн"]);
    let c_oge = h.find_prefix(&["7. код огэ"]);
    let c_ege = h.find_prefix(&["8. код егэ"]);
    let c_where = h.find_prefix(&["14. где расположена"]);
    let c_aop = h.find_prefix(&["17.2."]);
    let c_enr = h.find_prefix(&["20. укажите количество обучающихся"]);
    let c_teach = h.find_prefix(&["25. сколько всего в оо учителей"]);
    let mut schools = std::collections::BTreeSet::new();
    for r in h.row + 1..g.rows.len() {
        let login = g.cell(r, cl).trim().to_string();
        if login.is_empty() {
            continue;
        }
        rep.rows += 1;
        schools.insert(school_id(&login));
        let (mcode, mname) = cm
            .map(|c| split_code_name(g.cell(r, c)))
            .unwrap_or_default();
        note_code(&mut ds.municipality_codes, &mcode, &mname);
        let sname = c_short
            .map(|c| g.cell(r, c).trim().to_string())
            .filter(|s| !s.is_empty())
            .or_else(|| cs.map(|c| split_code_name(g.cell(r, c)).1));
        let where_ = c_where.map(|c| g.cell(r, c).to_string());
        let aop = c_aop.map(|c| norm_text(g.cell(r, c)));
        let enr = c_enr.and_then(|c| parse_num(g.cell(r, c)).ok().flatten());
        let teachers = c_teach.and_then(|c| parse_num(g.cell(r, c)).ok().flatten());
        let code = |c: Option<usize>| -> Option<String> {
            let v = c.map(|c| g.cell(r, c).trim().to_string())?;
            let t = norm_text(&v);
            if t.is_empty() || t == "нет" || t == "-" || t.trim_start_matches('0').is_empty() {
                None
            } else {
                Some(t)
            }
        };
        let (inn, oge, ege) = (code(c_inn), code(c_oge), code(c_ege));
        let lower = login.to_lowercase();
        let settlement = match where_.as_deref().map(|w| (coded_answer(w), w)) {
            Some((Some(1..=3), _)) => Some("город"),
            Some((Some(4), _)) => Some("село"),
            Some((_, w)) if !w.trim().is_empty() => {
                rep.warnings
                    .add(WarningCode::Question14Unknown, format!("{login}: «{w}»"));
                None
            }
            _ => None,
        };
        let e = school(ds, &login);
        let facts = SchoolFacts {
            name: sname.as_deref().unwrap_or(""),
            municipality: &mname,
            municipality_code: mcode.as_deref().unwrap_or(""),
            settlement,
            ..Default::default()
        };
        merge(e, SchoolSource::ContextForm, &facts, &mut rep.warnings);
        if lower.starts_with("ksh") || aop.as_deref() == Some("да") {
            e.ovz_flag = true;
        }
        let nm = norm_text(&e.name);
        if nm.contains("лицей") || nm.contains("гимнази") || nm.contains("кадет") {
            e.advanced_flag = true;
        }
        if let Some(v) = enr {
            e.enrollment = Some(v);
        }
        if let Some(t) = teachers {
            e.indicators.insert("teachers", t);
        }
        if inn.is_some() {
            e.inn = inn;
        }
        if let Some(c) = oge.or(ege) {
            e.gia_code = Some(c.trim_start_matches('0').to_string());
        }
        let src = Sym::from(g.file.as_str());
        if !e.sources.contains(&src) {
            e.sources.push(src);
        }
    }
    rep.schools = schools.len();
    Ok(())
}

/// The columns of a registry (`is_registry`), found once per file from its header.
struct RegistryColumns {
    login: usize,
    name: Option<usize>,
    municipality: Option<usize>,
    settlement: Option<usize>,
    kind: Option<usize>,
    enrollment: Option<usize>,
    inn: Option<usize>,
    gia: Option<usize>,
    /// Indicator columns (key, column) in key order, so that a row's values are too
    /// (`Indicators::set_all`), and whether each holds percents.
    indicators: Vec<(&'static str, usize, bool)>,
}

impl RegistryColumns {
    fn of(h: &Header) -> RegistryColumns {
        let mut indicators: Vec<(&'static str, usize, bool)> = INDICATORS
            .iter()
            .filter_map(|(k, l)| h.find(&[k, l]).map(|c| (*k, c, false)))
            .collect();
        indicators.sort_unstable();
        // the unit of each share column, decided once per file from its header alone (issue 12):
        // percents when it says `%` (`…, %`), else the documented unit, a fraction 0–1
        // (docs/INPUTS.md «Registry»); never from the values
        for (k, c, percent) in &mut indicators {
            *percent = is_share(k) && h.is_percent(*c);
        }
        RegistryColumns {
            login: h
                .find(header::LOGIN)
                .expect("a registry has a login column"),
            name: h.find(&["name", "наименование оо", "оо", "школа"]),
            municipality: h.find(header::MUNICIPALITY),
            settlement: h.find(&["settlement", "тип населенного пункта"]),
            kind: h.find(&["kind", "вид оо"]),
            enrollment: h.find(&["enrollment", "численность обучающихся"]),
            inn: h.find(&["inn", "инн"]),
            gia: h.find(&["gia_code", "код огэ", "код егэ", "код оо"]),
            indicators,
        }
    }
}

/// What a registry row says of its school, read and checked (`RegistryReader::row`).
struct RegistryRow<'g> {
    name: &'g str,
    municipality: String,
    municipality_code: Option<String>,
    kind: Option<Kind>,
    settlement: Option<&'static str>,
    enrollment: Option<f64>,
    inn: Option<&'g str>,
    gia_code: Option<&'g str>,
}

/// A registry's cells read into checked values; a registry repeats a few kinds, settlements and
/// municipalities, so each of those cell texts is read once.
struct RegistryReader<'g> {
    g: &'g Grid,
    h: &'g Header,
    cols: RegistryColumns,
    kinds: PlHashMap<&'g str, Option<Kind>>,
    settlements: PlHashMap<&'g str, Result<Option<&'static str>, String>>,
    municipalities: PlHashMap<&'g str, (Option<String>, String)>,
}

impl<'g> RegistryReader<'g> {
    /// Row `r`'s indicators into `vals` (shares as fractions), in key order.
    ///
    /// Errors (data, naming row and column): a cell that is no number, a negative value, a share
    /// above 1 (above 100 in a column of percents).
    fn indicators(&self, r: usize, vals: &mut Vec<(&'static str, f64)>) -> Result<()> {
        let (g, h) = (self.g, self.h);
        vals.clear();
        for &(k, c, percent) in &self.cols.indicators {
            let v = match parse_num(g.cell(r, c)) {
                Ok(None) => continue,
                Ok(Some(v)) => v,
                Err(_) => {
                    return Err(data_err(
                        &g.loc(r),
                        h.raw_name(c),
                        format!("expected a number, found «{}»", g.cell(r, c)),
                    ))
                }
            };
            let bad = if v < 0.0 {
                Some(format!("expected a non-negative value, found {v}"))
            } else if is_share(k) && percent && v > 100.0 {
                Some(format!("expected a percent 0–100, found {v}"))
            } else if is_share(k) && !percent && v > 1.0 {
                Some(format!("expected a fraction 0–1 (the header has no «%», so the column holds shares), found {v}; a column of percents says so in its header, e.g. «{}, %»", h.raw_name(c)))
            } else {
                None
            };
            if let Some(msg) = bad {
                return Err(data_err(&g.loc(r), h.raw_name(c), msg));
            }
            vals.push((k, if percent { v / 100.0 } else { v }));
        }
        Ok(())
    }

    /// Row `r`'s facts other than its indicators.
    ///
    /// Errors (data, naming row and column): an unknown kind or settlement, an enrollment that is
    /// no non-negative number.
    fn facts(&mut self, r: usize) -> Result<RegistryRow<'g>> {
        let (g, h, cols) = (self.g, self.h, &self.cols);
        let loc = || g.loc(r);
        let kind = match cols.kind.map(|c| (c, g.cell(r, c).trim())) {
            Some((c, k)) if !k.is_empty() => Some(memo(&mut self.kinds, k, Kind::parse).ok_or_else(|| data_err(&loc(), h.raw_name(c), format!(
                "expected one of обычная / углубленная / малокомплектная / ОВЗ / вечерняя, found «{k}»")))?),
            _ => None,
        };
        let settlement = match cols.settlement {
            Some(c) => memo(&mut self.settlements, g.cell(r, c), settlement_of).map_err(|s| {
                data_err(
                    &loc(),
                    h.raw_name(c),
                    format!("expected «город» or «село», found «{s}»"),
                )
            })?,
            None => None,
        };
        let enrollment = match cols.enrollment {
            Some(c) => match parse_num(g.cell(r, c)) {
                Ok(v) if v.is_none_or(|x| x >= 0.0) => v,
                _ => {
                    return Err(data_err(
                        &loc(),
                        h.raw_name(c),
                        format!("expected a number of pupils, found «{}»", g.cell(r, c)),
                    ))
                }
            },
            None => None,
        };
        let (municipality_code, municipality) = match cols.municipality {
            Some(c) => memo(&mut self.municipalities, g.cell(r, c), split_code_name),
            None => Default::default(),
        };
        let text = |c: Option<usize>| c.map(|c| g.cell(r, c).trim());
        Ok(RegistryRow {
            name: text(cols.name).unwrap_or(""),
            municipality,
            municipality_code,
            kind,
            settlement,
            enrollment,
            inn: text(cols.inn).filter(|v| !v.is_empty()),
            gia_code: text(cols.gia)
                .map(|v| v.trim_start_matches('0'))
                .filter(|v| !v.is_empty()),
        })
    }
}

/// Merge a registry row into its school's book entry (`notes::merge`, the registry's rank);
/// the school's id.
fn store_registry_row(
    ds: &mut Dataset,
    login: &str,
    row: &RegistryRow,
    vals: &[(&'static str, f64)],
    source: &Sym,
    rep: &mut InputReport,
) -> String {
    note_code(
        &mut ds.municipality_codes,
        &row.municipality_code,
        &row.municipality,
    );
    let e = school_in(&mut ds.book, login);
    let facts = SchoolFacts {
        name: row.name,
        municipality: &row.municipality,
        municipality_code: row.municipality_code.as_deref().unwrap_or(""),
        kind: row.kind,
        settlement: row.settlement,
    };
    merge(e, SchoolSource::Registry, &facts, &mut rep.warnings);
    if row.enrollment.is_some() {
        e.enrollment = row.enrollment;
    }
    if let Some(v) = row.inn {
        e.inn = Some(v.to_string());
    }
    if let Some(v) = row.gia_code {
        e.gia_code = Some(v.to_lowercase());
    }
    e.indicators.set_all(vals);
    if !e.sources.contains(source) {
        e.sources.push(source.clone());
    }
    e.school_id.clone()
}

/// User registry/context table keyed by login (FORMATS.md «Registry and context»): one row per
/// school merged into the school book.
///
/// Errors (data, unless `--lenient` skips the row with a counted warning): a second, different
/// row for one login (an identical one is dropped with a counted warning), and the cell errors of
/// `RegistryReader::indicators` and `RegistryReader::facts`.
pub fn load_registry(
    g: &Grid,
    h: &Header,
    opts: &Opts,
    ds: &mut Dataset,
    rep: &mut InputReport,
) -> Result<()> {
    let mut reader = RegistryReader {
        g,
        h,
        cols: RegistryColumns::of(h),
        kinds: PlHashMap::default(),
        settlements: PlHashMap::default(),
        municipalities: PlHashMap::default(),
    };
    let cl = reader.cols.login;
    let source = Sym::from(g.file.as_str());
    let mut schools = Vec::new();
    // each school's first row (trimmed cells) and its line: a repeat is dropped, a different
    // second row is an error
    let mut seen = super::records::FirstRows::new();
    let mut vals: Vec<(&'static str, f64)> = Vec::with_capacity(reader.cols.indicators.len());
    for r in h.row + 1..g.rows.len() {
        let login = g.cell(r, cl).trim();
        if login.is_empty() {
            continue;
        }
        let row: Vec<&str> = g.rows[r].iter().map(|c| c.trim()).collect();
        match seen.check(school_id(login), row, g.line_of(r)) {
            Seen::First => {}
            Seen::Same { .. } => {
                rep.warnings.add(
                    WarningCode::RegistryRowRepeated,
                    format!("{login} (строка {})", g.line_of(r)),
                );
                continue;
            }
            Seen::Different { line } => {
                let err = data_err(
                    &g.loc(r),
                    h.raw_name(cl),
                    format!("a second, different registry row for login {login} (first on row {line}): expected one row per school"),
                );
                super::flat::row_error(opts, rep, err)?;
                continue;
            }
        }
        super::cells::check_login(g, r, login, rep);
        let read = reader
            .indicators(r, &mut vals)
            .and_then(|()| reader.facts(r));
        match read {
            Ok(row) => {
                schools.push(store_registry_row(ds, login, &row, &vals, &source, rep));
                rep.rows += 1;
            }
            Err(e) => super::flat::row_error(opts, rep, e)?,
        }
    }
    schools.sort_unstable();
    schools.dedup();
    rep.schools = schools.len();
    Ok(())
}

/// School directory: login, name, municipality.
pub fn load_directory(g: &Grid, h: &Header, ds: &mut Dataset, rep: &mut InputReport) -> Result<()> {
    let cl = h.find(header::LOGIN).unwrap();
    let cn = h.find(header::NAME).unwrap();
    let cm = h.find(&["муниципалитет", "регион", "municipality", "район"]);
    for r in h.row + 1..g.rows.len() {
        let login = g.cell(r, cl).trim().to_string();
        if login.is_empty() {
            continue;
        }
        rep.rows += 1;
        let name = g.cell(r, cn).trim().to_string();
        let mun = cm
            .map(|c| g.cell(r, c).trim().to_string())
            .unwrap_or_default();
        let e = school(ds, &login);
        let facts = SchoolFacts {
            name: &name,
            municipality: &mun,
            ..Default::default()
        };
        merge(e, SchoolSource::Directory, &facts, &mut rep.warnings);
    }
    rep.schools = rep.rows;
    Ok(())
}
