//! `synth --vpr-folder`: a region's ВПР folder as downloaded — one per-pupil xlsx for each of the 40
//! procedures of a year (the 34 with a built-in 2021 scale and 6 without), the context as the 2021
//! ФИС ОКО form (one sheet, header in row 1) and a `logins.xlsx`-style directory; no registry, no
//! risk profiles, no flat tables, so settlement, kind and deficit come from the form alone.
use super::{login, normal, School, MUNICIPALITIES};
use crate::input::scales::{Scale, Scales};
use crate::output::write_atomic;
use anyhow::Result;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};
use std::path::Path;

/// The 6 procedures of a real region-year without a built-in scale (foreign languages, grade 10
/// geography): loaded with a warning, no marks.
const WITHOUT_SCALE: &[(i32, &str)] = &[
    (7, "немецкий язык"),
    (7, "французский язык"),
    (10, "география"),
    (11, "английский язык"),
    (11, "немецкий язык"),
    (11, "французский язык"),
];

/// The subject as the file name says it («Проведение работы по биологии, 5 класс. ВПР 2021»).
fn dative(subject: &str) -> &'static str {
    match subject {
        "математика" => "математике",
        "русский язык" => "русскому языку",
        "окружающий мир" => "окружающему миру",
        "биология" => "биологии",
        "история" => "истории",
        "география" => "географии",
        "обществознание" => "обществознанию",
        "физика" => "физике",
        "химия" => "химии",
        "английский язык" => "английскому языку",
        "немецкий язык" => "немецкому языку",
        _ => "французскому языку",
    }
}

/// (grade, subject, its dative, the scale the pupils' totals are drawn with) of the 40 procedures,
/// in (grade, subject) order: the built-in 2021 scales, and for the others a 30-point work.
pub(super) fn procedures() -> Vec<(i32, &'static str, &'static str, Scale)> {
    let builtin = Scales::builtin();
    let known = [
        "математика",
        "русский язык",
        "окружающий мир",
        "биология",
        "история",
    ];
    let more = [
        "география",
        "обществознание",
        "физика",
        "химия",
        "английский язык",
    ];
    let mut out = Vec::new();
    for (k, s) in builtin.map.iter().filter(|(k, _)| k.1 == 2021) {
        let subj = known
            .iter()
            .chain(more.iter())
            .find(|x| **x == k.3)
            .copied()
            .unwrap_or("математика");
        out.push((k.2, subj, dative(subj), *s));
    }
    let generic = Scale {
        max_score: 30,
        min3: 10,
        min4: 17,
        min5: 24,
    };
    for (g, subj) in WITHOUT_SCALE {
        out.push((*g, *subj, dative(subj), generic));
    }
    out.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    out
}

/// A procedure of the list that has a built-in (published) scale.
pub(super) fn has_scale(grade: i32, subject: &str) -> bool {
    !WITHOUT_SCALE.contains(&(grade, subject))
}

/// The columns of the 2021 form that shnor reads, captions as the form has them, after the
/// identification columns.
const FORM_HEAD: &[&str] = &[
    "логин",
    "Код региона",
    "Название ОО",
    "Где расположена Ваша образовательная организация?",
    "ОО является специальной (коррекционной)?",
    "ОО является вечерней (сменной)?",
    "Укажите количество обучающихся в ОО в 2020/2021 учебном году (в сумме по всем классам)",
    "Сколько всего в школе учителей (работающих не менее чем на 0,5 ставки)?",
    "Сколько в школе учителей (работающих не менее чем на 0,5 ставки), достигших пенсионного возраста (имеющих право на пенсию по возрасту, а не по педагогическому стажу)?",
    "Сколько в школе учебных классов (кабинетов), в которых проходят занятия?",
    "В скольких из них рабочее место учителя оборудовано компьютером?",
    "Сколько компьютеров обучающиеся могут использовать в процессе обучения (включая компьютеры в компьютерном классе, других учебных классах, библиотеке)?",
    "Сколько из этих компьютеров являются маломощными, устаревшими, требующими замены или переоснащения?",
    "\"Скорость Интернета, заявленная Интернет-провайдером (указанная в договоре с Интернет-провайдером)? Выберите вариант из выпадающего списка\"",
];

const BANDS: [&str; 5] = [
    "Интернет в ОО отсутствует",
    "до 25 Мбит/с",
    "26–50 Мбит/с",
    "51–100 Мбит/с",
    "более 100 Мбит/с",
];

/// One school's row of the form: a planted staffing deficit shows as many teachers of pension age,
/// an equipment deficit as few, old computers, bare classrooms and slow internet.
fn form_row(s: &School, year: i32, rng: &mut ChaCha8Rng) -> Vec<String> {
    let low = s.role.is_low();
    let (staff_bad, infra_bad) = (low && s.staffing_deficit, low && !s.staffing_deficit);
    let n = s.enrollment as f64;
    let teachers = (n / 12.0).round().max(3.0);
    let pension_share = if staff_bad {
        0.45
    } else {
        (0.15 + 0.05 * normal(rng)).clamp(0.0, 0.4)
    };
    let rooms = (n / 25.0).round().max(4.0);
    let (pc_rooms, computers, obsolete, band) = if infra_bad {
        (0.3, (n / 40.0).round().max(1.0), 0.7, 1)
    } else {
        let pcs = (n / (8.0 + 2.0 * normal(rng)).max(3.0)).round().max(2.0);
        (
            (0.85 + 0.1 * normal(rng)).clamp(0.4, 1.0),
            pcs,
            0.1,
            rng.random_range(2..5),
        )
    };
    let place = match (s.village, s.municipality) {
        (true, _) => "4. Населенный пункт сельского типа (село, хутор, деревня и пр.)",
        (false, 0) => "1. Столица субъекта РФ",
        _ => "2. Город",
    };
    let yes_no = |b: bool| if b { "Да" } else { "Нет" }.to_string();
    vec![
        login(s, year.min(2021)),
        "99".into(),
        s.name.clone(),
        place.into(),
        yes_no(false),
        yes_no(s.kind == "вечерняя"),
        s.enrollment.to_string(),
        teachers.to_string(),
        (teachers * pension_share).round().to_string(),
        rooms.to_string(),
        (rooms * pc_rooms).round().to_string(),
        computers.to_string(),
        (computers * obsolete).round().to_string(),
        BANDS[band].into(),
    ]
}

/// Write the 2021 context form (`Сбор контекстных данных об ОО и участниках ВПР 2021.xlsx`) and
/// the directory (`logins.xlsx`: логин, имя, регион); their file names.
pub(super) fn write_context(
    schools: &[School],
    year: i32,
    rng: &mut ChaCha8Rng,
    out: &Path,
) -> Result<Vec<String>> {
    let form = "Сбор контекстных данных об ОО и участниках ВПР 2021.xlsx".to_string();
    let mut wb = dated_workbook(year)?;
    let ws = wb.add_worksheet();
    ws.set_name("Сбор контекстных данных об ОО и")?;
    for (c, h) in FORM_HEAD.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    for (r, s) in schools.iter().enumerate() {
        for (c, v) in form_row(s, year, rng).iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v)?;
        }
    }
    write_atomic(&out.join(&form), &wb.save_to_buffer()?)?;
    let dir = "logins.xlsx".to_string();
    let mut wb = dated_workbook(year)?;
    let ws = wb.add_worksheet();
    for (c, h) in ["логин", "имя", "регион"].iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    for (r, s) in schools.iter().enumerate() {
        let row = [
            login(s, year.min(2021)),
            s.name.clone(),
            MUNICIPALITIES[s.municipality].to_string(),
        ];
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, v)?;
        }
    }
    write_atomic(&out.join(&dir), &wb.save_to_buffer()?)?;
    Ok(vec![form, dir])
}

/// An empty workbook created on 20 April of `year` (as the per-pupil files, `synth::pupils`):
/// without a fixed creation date rust_xlsxwriter stamps the current time, and the same seed
/// would give different bytes.
fn dated_workbook(year: i32) -> Result<Workbook> {
    let mut wb = Workbook::new();
    let date = ExcelDateTime::from_ymd(year as u16, 4, 20)?;
    wb.set_properties(&DocProperties::new().set_creation_datetime(&date));
    Ok(wb)
}
