//! The ФИС ОКО context form of 2021 («Сбор контекстных данных об ОО и участниках ВПР 2021»): one
//! sheet, header in row 1 (`логин`, `Код региона`, `Название ОО`, …, 95 columns of unnumbered
//! questions, coded answers `N. text`).
//!
//! Read into the school rows: name, settlement (answers 1–3 → город, 4 → село), special
//! (коррекционная) → ОВЗ, evening (сменная) → kind evening, enrollment, teachers, and the staffing and
//! equipment indicators the deficit rule uses without a risk profile (docs/INPUTS.md «The 2021 context
//! form», docs/METHOD.md «Deficit»). The director's name, the phone, the e-mail and the address are
//! never read. A value the form does not code (an unknown answer, a count that is no number) is a
//! counted warning naming it; the field stays unknown.
//!
//! The form fills what no other input gave: a field already set (by the 2022 form, a registry or
//! an earlier input) is kept, so two forms of one region combine by login and the newer one wins
//! whatever the order of reading.
use super::header::{self, Header};
use super::report::InputReport;
use super::table::Grid;
use super::text::{norm_header, norm_text, parse_num, school_id};
use crate::model::warning::WarningCode;
use crate::model::{Dataset, Kind, SchoolRow, Sym};
use anyhow::Result;

/// The question that tells the 2021 form (normalised header text, found inside the caption).
const WHERE: &str = "где расположена ваша образовательная организация";

/// A login column and the unnumbered settlement question.
pub fn is_form_2021(h: &Header) -> bool {
    h.has(header::LOGIN) && find(h, WHERE).is_some()
}

/// First column whose normalised caption contains `needle` (the captions are long questions,
/// some in quotes).
fn find(h: &Header, needle: &str) -> Option<usize> {
    let n = norm_header(needle);
    h.read(h.names.iter().position(|c| c.contains(&n)))
}

/// The settlement question's column: its caption, or a rewording that still asks where the school
/// is or its settlement type — never the next question, which asks the settlement's *name*
/// («Укажите наименование населенного пункта, где расположена…»; fresh-eyes run 12).
fn settlement_col(h: &Header) -> Option<usize> {
    let asks = [
        norm_header(WHERE),
        norm_header("где находится ваша образовательная организация"),
        norm_header("тип населенного пункта"),
    ];
    let c = h.names.iter().position(|n| {
        asks.iter().any(|a| n.contains(a.as_str()))
            && !n.contains("наименование")
            && !n.contains("название")
    });
    h.read(c)
}

/// The columns read; every other column (director, phone, e-mail, address…) is left alone.
struct Cols {
    login: usize,
    name: Option<usize>,
    settlement: Option<usize>,
    special: Option<usize>,
    evening: Option<usize>,
    enrollment: Option<usize>,
    teachers: Option<usize>,
    pension: Option<usize>,
    rooms: Option<usize>,
    rooms_pc: Option<usize>,
    computers: Option<usize>,
    obsolete: Option<usize>,
    internet: Option<usize>,
}

impl Cols {
    fn new(h: &Header) -> Cols {
        Cols {
            login: h.find(header::LOGIN).unwrap(),
            name: find(h, "название оо"),
            settlement: settlement_col(h),
            special: find(h, "является специальной (коррекционной)"),
            evening: find(h, "является вечерней (сменной)"),
            enrollment: find(h, "укажите количество обучающихся в оо"),
            teachers: find(h, "сколько всего в школе учителей")
                .or_else(|| find(h, "сколько всего в школе педагог")),
            pension: find(h, "достигших пенсионного возраста"),
            rooms: find(h, "сколько в школе учебных классов (кабинетов)"),
            rooms_pc: find(h, "рабочее место учителя оборудовано компьютером"),
            computers: find(h, "сколько компьютеров обучающиеся могут использовать"),
            obsolete: find(h, "являются маломощными, устаревшими"),
            internet: find(h, "скорость интернета"),
        }
    }
}

/// The leading code of an answer `4. Населенный пункт…` or `4) …`.
pub fn answer_code(s: &str) -> Option<u32> {
    let t = s.trim();
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = t[digits.len()..].trim_start();
    (!digits.is_empty() && (rest.starts_with('.') || rest.starts_with(')')))
        .then(|| digits.parse().ok())
        .flatten()
}

/// Settlement from the answer code: 1 Столица субъекта РФ, 2 Город, 3 Населенный пункт городского
/// типа → город; 4 Населенный пункт сельского типа → село.
pub fn settlement_of_code(code: u32) -> Option<&'static str> {
    match code {
        1..=3 => Some("город"),
        4 => Some("село"),
        _ => None,
    }
}

/// The settlement an answer to the settlement question gives: by its code (`4. …`, `4) …`:
/// [`settlement_of_code`]), else by its words — «сельского типа», «сельский» → село; «столица»,
/// «административный центр субъекта», «город», «городского типа» → город (fresh-eyes run 11: the answers without their number, or
/// numbered `4.` in the 2022 form, were unknown).
pub fn settlement_of_answer(s: &str) -> Option<&'static str> {
    if let Some(code) = answer_code(s).or_else(|| super::text::coded_answer(s)) {
        return settlement_of_code(code);
    }
    let t = norm_text(s);
    // short answers too: «Село», «Деревня», «ПГТ», «Столица субъекта» (fresh-eyes run 12)
    let word = |w: &str| t == w || t.starts_with(&format!("{w} "));
    if t.contains("сельск") || word("село") || word("деревня") {
        Some("село")
    } else if word("пгт")
        || ["город", "столиц", "административный центр"]
            .iter()
            .any(|w| t.contains(w))
    {
        Some("город")
    } else {
        None
    }
}

/// A counted warning for each question of a context form that shnor reads and the form lacks
/// (`questions`: the column found, the question's words, what it gives): the figure is unknown for
/// every school of the form (fresh-eyes run 11: a reworded question was passed over without a word).
pub fn note_missing_questions(questions: &[(Option<usize>, &str, &str)], rep: &mut InputReport) {
    for (c, question, gives) in questions {
        if c.is_none() {
            rep.warnings.add(
                WarningCode::ContextQuestionMissing,
                format!("«{question}…» ({gives})"),
            );
        }
    }
}

/// The internet speed band as an ordered value (higher = faster): «Интернет в ОО отсутствует» 0,
/// «до 25 Мбит/с» 1, «26–50 Мбит/с» 2, «51–100 Мбит/с» 3, «более 100 Мбит/с» 4.
pub fn internet_band(s: &str) -> Option<f64> {
    let t = norm_text(s).replace(['—', '-'], "–");
    Some(match t.as_str() {
        "интернет в оо отсутствует" => 0.0,
        "до 25 мбит/с" => 1.0,
        "26–50 мбит/с" => 2.0,
        "51–100 мбит/с" => 3.0,
        "более 100 мбит/с" => 4.0,
        _ => return None,
    })
}

/// One form row's readings, before they go into the school.
#[derive(Default)]
struct Reading {
    name: Option<String>,
    settlement: Option<&'static str>,
    special: bool,
    evening: bool,
    enrollment: Option<f64>,
    indicators: Vec<(&'static str, f64)>,
}

/// A row's cell as a count: none when empty; a counted warning naming it when it is no count.
fn count(g: &Grid, r: usize, c: Option<usize>, what: &str, rep: &mut InputReport) -> Option<f64> {
    let cell = g.cell(r, c?);
    match parse_num(cell) {
        Ok(Some(v)) if v >= 0.0 => Some(v),
        Ok(None) => None,
        _ => {
            rep.warnings.add(
                WarningCode::Form2021CountNotNumber,
                format!("{what}, строка {}: «{}»", g.line_of(r), cell.trim()),
            );
            None
        }
    }
}

/// A Да/Нет answer: Some(true/false), none when empty; a counted warning naming another value.
fn yes_no(g: &Grid, r: usize, c: Option<usize>, what: &str, rep: &mut InputReport) -> bool {
    let Some(c) = c else { return false };
    match norm_text(g.cell(r, c)).as_str() {
        "да" => true,
        "нет" | "" => false,
        v => {
            rep.warnings.add(
                WarningCode::Form2021AnswerNotYesNo,
                format!("{what}, строка {}: «{v}»", g.line_of(r)),
            );
            false
        }
    }
}

/// `part / whole` when both are known, whole > 0 and part ≤ whole; a counted warning when part
/// exceeds whole.
fn share(
    part: Option<f64>,
    whole: Option<f64>,
    what: &str,
    login: &str,
    rep: &mut InputReport,
) -> Option<f64> {
    let (p, w) = (part?, whole?);
    if w <= 0.0 {
        return None;
    }
    if p > w {
        rep.warnings.add(
            WarningCode::Form2021PartAboveWhole,
            format!("{login}: {what} {p} > {w}"),
        );
        return None;
    }
    Some(p / w)
}

/// Read one row (its login is not empty).
fn read(g: &Grid, r: usize, c: &Cols, login: &str, rep: &mut InputReport) -> Reading {
    let mut x = Reading {
        name: c
            .name
            .map(|i| g.cell(r, i).trim().to_string())
            .filter(|n| !n.is_empty()),
        special: yes_no(g, r, c.special, "специальная (коррекционная)", rep),
        evening: yes_no(g, r, c.evening, "вечерняя (сменная)", rep),
        enrollment: count(g, r, c.enrollment, "обучающихся", rep),
        ..Default::default()
    };
    if let Some(i) = c.settlement {
        let cell = g.cell(r, i).trim();
        match settlement_of_answer(cell) {
            Some(s) => x.settlement = Some(s),
            None if cell.is_empty() => {}
            None => rep.warnings.add(
                WarningCode::Form2021SettlementUnknown,
                format!("{login}: «{cell}»"),
            ),
        }
    }
    let teachers = count(g, r, c.teachers, "учителей", rep);
    if teachers == Some(0.0) {
        rep.warnings
            .add(WarningCode::Form2021NoTeachers, login.to_string());
    }
    let pension = count(g, r, c.pension, "учителей пенсионного возраста", rep);
    let rooms = count(g, r, c.rooms, "кабинетов", rep);
    let rooms_pc = count(g, r, c.rooms_pc, "кабинетов с компьютером учителя", rep);
    let computers = count(g, r, c.computers, "компьютеров для обучающихся", rep);
    let obsolete = count(g, r, c.obsolete, "устаревших компьютеров", rep);
    let mut put = |k: &'static str, v: Option<f64>| {
        if let Some(v) = v {
            x.indicators.push((k, v));
        }
    };
    put("teachers", teachers);
    put(
        "teachers_pension_share",
        share(
            pension,
            teachers,
            "учителей пенсионного возраста",
            login,
            rep,
        ),
    );
    put(
        "teacher_pc_rooms_share",
        share(
            rooms_pc,
            rooms,
            "кабинетов с компьютером учителя",
            login,
            rep,
        ),
    );
    put(
        "obsolete_computers_share",
        share(obsolete, computers, "устаревших компьютеров", login, rep),
    );
    match (x.enrollment, computers) {
        (Some(e), Some(n)) if n > 0.0 => put("pupils_per_computer", Some(e / n)),
        (Some(_), Some(_)) => rep
            .warnings
            .add(WarningCode::Form2021NoComputers, login.to_string()),
        _ => {}
    }
    if let Some(i) = c.internet {
        let cell = g.cell(r, i).trim();
        match internet_band(cell) {
            Some(b) => put("internet_band", Some(b)),
            None if cell.is_empty() => {}
            None => rep.warnings.add(
                WarningCode::Form2021InternetUnknown,
                format!("{login}: «{cell}»"),
            ),
        }
    }
    x
}

/// Fill the school's fields that are not yet known from the row's readings.
fn fill(e: &mut SchoolRow, x: Reading, source: &Sym) {
    if e.name.is_empty() {
        if let Some(n) = x.name {
            e.name = n;
        }
    }
    if e.settlement.is_none() {
        e.settlement = x.settlement;
    }
    if x.special {
        e.ovz_flag = true;
    }
    if x.evening && e.kind.is_none() {
        e.kind = Some(Kind::Evening);
    }
    if e.enrollment.is_none() {
        e.enrollment = x.enrollment;
    }
    let nm = norm_text(&e.name);
    if nm.contains("лицей") || nm.contains("гимнази") || nm.contains("кадет") {
        e.advanced_flag = true;
    }
    for (k, v) in x.indicators {
        if !e.indicators.contains_key(k) {
            e.indicators.insert(k, v);
        }
    }
    if !e.sources.contains(source) {
        e.sources.push(source.clone());
    }
}

/// Load the 2021 form's sheet into the school book (`ds.book`).
pub fn load(g: &Grid, h: &Header, ds: &mut Dataset, rep: &mut InputReport) -> Result<()> {
    let c = Cols::new(h);
    note_missing_questions(
        &[
            (
                c.settlement,
                "Где расположена Ваша образовательная организация?",
                "тип населённого пункта",
            ),
            (
                c.special,
                "Является ли ОО специальной (коррекционной)",
                "вид ОО: коррекционная",
            ),
            (
                c.evening,
                "Является ли ОО вечерней (сменной)",
                "вид ОО: вечерняя",
            ),
            (
                c.enrollment,
                "Укажите количество обучающихся в ОО",
                "численность обучающихся",
            ),
            (
                c.teachers,
                "Сколько всего в школе учителей",
                "кадровые показатели",
            ),
            (
                c.pension,
                "…достигших пенсионного возраста",
                "доля учителей пенсионного возраста",
            ),
            (
                c.rooms,
                "Сколько в школе учебных классов (кабинетов)",
                "оснащённость кабинетов",
            ),
            (
                c.rooms_pc,
                "…рабочее место учителя оборудовано компьютером",
                "оснащённость кабинетов",
            ),
            (
                c.computers,
                "Сколько компьютеров обучающиеся могут использовать",
                "компьютеры на ученика",
            ),
            (
                c.obsolete,
                "…являются маломощными, устаревшими",
                "устаревшие компьютеры",
            ),
            (c.internet, "…скорость интернета", "скорость интернета"),
        ],
        rep,
    );
    let source = Sym::from(g.file.as_str());
    let mut schools = std::collections::BTreeSet::new();
    for r in h.row + 1..g.rows.len() {
        let login = g.cell(r, c.login).trim().to_string();
        if login.is_empty() {
            continue;
        }
        rep.rows += 1;
        super::cells::check_login(g, r, &login, rep);
        let x = read(g, r, &c, &login, rep);
        let sid = school_id(&login);
        schools.insert(sid.clone());
        let e = ds.book.entry(sid.clone()).or_insert_with(|| {
            Box::new(SchoolRow {
                school_id: sid,
                ..Default::default()
            })
        });
        let l = login.to_lowercase();
        if e.login.is_empty() || !e.login_listed || l.starts_with("edu") {
            e.login = l;
            e.login_listed = true;
        }
        fill(e, x, &source);
    }
    rep.schools = schools.len();
    Ok(())
}

#[cfg(test)]
#[path = "context_2021_tests.rs"]
mod tests;
