//! Registry and context: the ФИС ОКО context form, a user context/registry table, school directories.
use super::context_2021::settlement_of_answer;
use super::header::{self, Header};
use super::notes::{merge, SchoolFacts, SchoolSource};
use super::report::InputReport;
use super::table::Grid;
use super::text::{municipality_key, norm_text, parse_num, school_id, split_code_name};
use crate::model::warning::WarningCode;
use crate::model::{Dataset, SchoolRow, Sym};
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
    // each known wording's key, made once: keys and labels of `INDICATORS` in order, then the
    // `SYNONYMS` (the first match wins, as a search in that order would find it)
    static KNOWN: std::sync::OnceLock<Vec<(String, &'static str)>> = std::sync::OnceLock::new();
    let known = KNOWN.get_or_init(|| {
        (INDICATORS.iter())
            .flat_map(|&(k, l)| [(wording_key(k), k), (wording_key(l), k)])
            .chain(SYNONYMS.iter().map(|&(k, l)| (wording_key(l), k)))
            .collect()
    });
    let w = wording_key(wording);
    if w.is_empty() {
        return None;
    }
    known.iter().find(|(kw, _)| *kw == w).map(|(_, k)| *k)
}

/// Indicators that are shares (percent inputs are divided by 100).
pub fn is_share(key: &str) -> bool {
    !matches!(
        key,
        "pupils_per_computer" | "internet_mbps" | "internet_band"
    )
}

/// The first column whose caption holds one of `words` (a form's question, reworded).
fn question(h: &Header, words: &[&str]) -> Option<usize> {
    h.read(
        h.names
            .iter()
            .position(|n| words.iter().any(|w| n.contains(w))),
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
        ]) || INDICATORS.iter().any(|(k, l)| h.has(&[k, l]))
            || h.raw.iter().any(|r| indicator_of(r).is_some()))
}

pub fn is_directory(h: &Header) -> bool {
    h.has(header::LOGIN)
        && h.has(header::NAME)
        && h.names.iter().filter(|n| !n.is_empty()).count() <= 6
}

fn school<'a>(ds: &'a mut Dataset, login: &str) -> &'a mut SchoolRow {
    school_in(&mut ds.book, login)
}

pub(super) fn school_in<'a>(
    schools: &'a mut std::collections::BTreeMap<String, Box<SchoolRow>>,
    login: &str,
) -> &'a mut SchoolRow {
    school_of(schools, school_id(login), login)
}

/// `school_in` for a login whose school id `sid` (`text::school_id(login)`) is made already.
pub(super) fn school_of<'a>(
    schools: &'a mut std::collections::BTreeMap<String, Box<SchoolRow>>,
    sid: String,
    login: &str,
) -> &'a mut SchoolRow {
    use std::collections::btree_map::Entry;
    let e: &mut SchoolRow = match schools.entry(sid) {
        Entry::Occupied(o) => o.into_mut(),
        Entry::Vacant(v) => {
            let school_id = v.key().clone();
            v.insert(Box::new(SchoolRow {
                school_id,
                ..Default::default()
            }))
        }
    };
    let l = login.trim();
    let edu = l.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("edu"));
    if e.login.is_empty() || !e.login_listed || edu {
        e.login = super::text::shown_login(l);
        e.login_listed = true;
    }
    e
}

/// A municipality's ФИС ОКО code for its name key (a later input's code for one name replaces an
/// earlier one's, as the registry's municipality did).
pub(super) fn note_code(
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
pub(super) fn memo<'g, T: Clone>(
    cache: &mut PlHashMap<&'g str, T>,
    key: &'g str,
    f: impl FnOnce(&str) -> T,
) -> T {
    cache.entry(key).or_insert_with(|| f(key)).clone()
}

/// A settlement cell: «город», «село», none when empty, or the normalised text it could not read.
/// Urban-type settlements (пгт, рабочий посёлок, the 2021 form's «Населенный пункт городского
/// типа») are «город», as the form's codes 1–3 are (METHOD.md, `context_2021::settlement_of_code`).
pub(super) fn settlement_of(cell: &str) -> Result<Option<&'static str>, String> {
    let t = norm_text(cell);
    match t.trim_end_matches('.') {
        "" => Ok(None),
        "город"
        | "городской"
        | "city"
        | "urban"
        | "пгт"
        | "п.г.т"
        | "рп"
        | "р.п"
        | "поселок городского типа"
        | "рабочий поселок"
        | "городской поселок"
        | "населенный пункт городского типа"
        | "столица субъекта рф"
        // fresh-eyes run 13: the urban counterparts of the rural words read below, and the
        // abbreviation «г.» (the trailing dot is trimmed)
        | "г"
        | "городская"
        | "городская местность"
        | "городской населенный пункт"
        | "городское поселение"
        | "город федерального значения"
        | "столица субъекта"
        | "административный центр субъекта рф" => Ok(Some("город")),
        "село"
        | "сельский"
        | "village"
        | "rural"
        | "сельская местность"
        | "населенный пункт сельского типа"
        | "сельский населенный пункт"
        // rural settlement kinds and their abbreviations («с.», «д.»); «посёлок» («п.») alone is
        // either and is not guessed
        | "с"
        | "д"
        | "сельская"
        | "сельское поселение"
        | "деревня"
        | "станица"
        | "аул"
        | "хутор"
        | "слобода"
        | "кишлак" => Ok(Some("село")),
        s => Err(s.to_string()),
    }
}

/// The columns of the 2022 form's questions 14, 17.2, 20 and 25, each when found.
type Questions = (Option<usize>, Option<usize>, Option<usize>, Option<usize>);

/// The 2022 form's columns of the questions read — 14 (settlement), 17.2 (adapted programmes), 20
/// (enrolment), 25 (teachers) — a question reworded between years found by its words too; a
/// question that this sheet lacks where its neighbours are is a counted warning naming it
/// (`context_2021::note_missing_questions`; fresh-eyes run 11).
fn questions_2022(h: &Header, rep: &mut InputReport) -> Questions {
    let c_where = h.find_prefix(&["14. где расположена"]).or_else(|| {
        question(
            h,
            &["где расположен", "где находится", "тип населенного пункта"],
        )
    });
    let c_aop = h.find_prefix(&["17.2."]);
    let c_enr = h.find_prefix(&["20. укажите количество обучающихся"]);
    let c_teach = h
        .find_prefix(&["25. сколько всего в оо учителей"])
        .or_else(|| {
            question(
                h,
                &["сколько всего в оо педагог", "сколько всего в оо учител"],
            )
        });
    // the form's questions are spread over its sheets: one is missing where its neighbours are
    let here = |c: Option<usize>, before: &str, after: &str| {
        c.or_else(|| {
            h.find_prefix(&[before, after])
                .is_none()
                .then_some(usize::MAX)
        })
    };
    super::context_2021::note_missing_questions(
        &[
            (
                here(c_where, "13.", "15."),
                "14. Где расположена образовательная организация?",
                "тип населённого пункта",
            ),
            (here(c_aop, "17.1.", "17.3."), "17.2. …", "вид ОО: ОВЗ"),
            (
                here(c_enr, "19.", "21."),
                "20. Укажите количество обучающихся",
                "численность обучающихся",
            ),
            (
                here(c_teach, "24.", "26."),
                "25. Сколько всего в ОО учителей",
                "кадровые показатели",
            ),
        ],
        rep,
    );
    (c_where, c_aop, c_enr, c_teach)
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
    let (c_where, c_aop, c_enr, c_teach) = questions_2022(h, rep);
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
        // the ФИС ОКО name of «Школа» (the spelling the ВПР exports use) before the short name the
        // school typed: the two differ on most rows in case, spaces and quotes, and the form's two
        // sheets would each give one (369 disagreements on the real 2022 form)
        let sname = cs
            .map(|c| split_code_name(g.cell(r, c)).1)
            .filter(|s| !s.is_empty())
            .or_else(|| c_short.map(|c| g.cell(r, c).trim().to_string()));
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
        let settlement = match where_.as_deref().map(|w| (settlement_of_answer(w), w)) {
            Some((Some(s), _)) => Some(s),
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
