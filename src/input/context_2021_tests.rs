//! Tests of the 2021 context form reader.
use super::*;

#[test]
fn answer_codes_with_a_dot_or_a_bracket() {
    assert_eq!(answer_code("4. Населенный пункт сельского типа"), Some(4));
    assert_eq!(answer_code("1) Столица"), Some(1));
    assert_eq!(answer_code("12 . x"), Some(12));
    assert_eq!(answer_code("Город"), None);
    assert_eq!(answer_code("2020 год"), None);
    assert_eq!(settlement_of_code(3), Some("город"));
    assert_eq!(settlement_of_code(4), Some("село"));
    assert_eq!(settlement_of_code(5), None);
}

/// Fresh-eyes run 11: the settlement answers without their number, or numbered `4.` in the
/// 2022 form, were unknown.
#[test]
fn settlement_answers_are_read_by_code_or_words() {
    for (answer, want) in [
        ("4. Населенный пункт сельского типа", Some("село")),
        ("4) Населенный пункт сельского типа", Some("село")),
        (
            "Населенный пункт сельского типа (поселок, село, деревня)",
            Some("село"),
        ),
        ("Административный центр субъекта РФ", Some("город")),
        ("Населенный пункт городского типа", Some("город")),
        ("Город", Some("город")),
        ("Село", Some("село")),
        ("ПГТ", Some("город")),
        ("Столица субъекта", Some("город")),
        ("5) Другое", None),
        ("не знаю", None),
    ] {
        assert_eq!(settlement_of_answer(answer), want, "{answer}");
    }
}

#[test]
fn internet_bands_are_ordered() {
    let b: Vec<f64> = [
        "Интернет в ОО отсутствует",
        "до 25 Мбит/с",
        "26–50 Мбит/с",
        "51-100 Мбит/с",
        "более 100 Мбит/с",
    ]
    .iter()
    .map(|s| internet_band(s).unwrap())
    .collect();
    assert_eq!(b, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
    assert_eq!(internet_band("быстрый"), None);
}

fn grid(rows: &[&[&str]]) -> Grid {
    Grid::of_strs("ctx.xlsx", Some("Лист1"), rows, None)
}

const HEAD: &[&str] = &[
    "логин",
    "Код региона",
    "Название ОО",
    "ФИО директора (полностью)",
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

fn load_rows(rows: &[&[&str]]) -> (Dataset, InputReport) {
    let mut all = vec![HEAD];
    all.extend_from_slice(rows);
    let g = grid(&all);
    let h = Header::new(0, &g.rows[0]);
    assert!(is_form_2021(&h));
    let (mut ds, mut rep) = (Dataset::default(), InputReport::default());
    load(&g, &h, &mut ds, &mut rep).unwrap();
    (ds, rep)
}

#[test]
fn a_row_gives_settlement_kind_enrollment_and_indicators() {
    let (ds, rep) = load_rows(&[
        &[
            "sch220001",
            "22",
            "МБОУ «Школа»",
            "Иванов И. И.",
            "4. Населенный пункт сельского типа (село, хутор, деревня и пр.)",
            "Нет",
            "Да",
            "80",
            "10",
            "4",
            "8",
            "6",
            "20",
            "5",
            "26–50 Мбит/с",
        ],
        &[
            "ksh220002",
            "22",
            "КГБОУ «Интернат»",
            "REDACTED",
            "1. Столица субъекта РФ",
            "Да",
            "нет",
            "100",
            "",
            "",
            "",
            "",
            "0",
            "0",
            "Интернет в ОО отсутствует",
        ],
    ]);
    assert_eq!(rep.rows, 2);
    let a = &ds.book["edu220001"];
    assert_eq!(a.settlement, Some("село"));
    assert_eq!(a.kind, Some(Kind::Evening));
    assert!(!a.ovz_flag);
    assert_eq!(a.enrollment, Some(80.0));
    assert_eq!(a.indicators.get("teachers_pension_share"), Some(&0.4));
    assert_eq!(a.indicators.get("teacher_pc_rooms_share"), Some(&0.75));
    assert_eq!(a.indicators.get("obsolete_computers_share"), Some(&0.25));
    assert_eq!(a.indicators.get("pupils_per_computer"), Some(&4.0));
    assert_eq!(a.indicators.get("internet_band"), Some(&2.0));
    let b = ds.book.values().find(|s| s.login == "ksh220002").unwrap();
    assert_eq!(b.settlement, Some("город"));
    assert!(b.ovz_flag && b.kind.is_none());
    assert_eq!(b.indicators.get("pupils_per_computer"), None);
    assert_eq!(b.indicators.get("internet_band"), Some(&0.0));
    // the director's name is never read
    let all = format!("{ds:?}");
    assert!(
        !all.contains("Иванов") && !all.contains("REDACTED"),
        "{all}"
    );
    assert_eq!(rep.warnings.total(), 1, "{:?}", rep.warnings); // no computers for pupils
}

#[test]
fn an_unknown_settlement_answer_is_a_counted_warning_naming_it() {
    let (ds, rep) = load_rows(&[&[
        "sch220003",
        "22",
        "МБОУ «Школа 3»",
        "",
        "5. Другое",
        "Нет",
        "Нет",
        "50",
        "",
        "",
        "",
        "",
        "",
        "",
        "до 25 Мбит/с",
    ]]);
    assert_eq!(ds.book["edu220003"].settlement, None);
    let w = rep.warnings.summary();
    assert!(
        w.contains("тип населённого пункта не определён") && w.contains("5. Другое"),
        "{w}"
    );
}

#[test]
fn a_field_already_known_is_kept() {
    let mut all = vec![HEAD];
    all.push(&[
        "sch220004",
        "22",
        "Школа",
        "",
        "2. Город",
        "Нет",
        "Нет",
        "300",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ]);
    let g = grid(&all);
    let h = Header::new(0, &g.rows[0]);
    let mut ds = Dataset::default();
    ds.book.insert(
        "edu220004".into(),
        Box::new(SchoolRow {
            school_id: "edu220004".into(),
            login: "edu220004".into(),
            settlement: Some("село"),
            enrollment: Some(280.0),
            ..Default::default()
        }),
    );
    load(&g, &h, &mut ds, &mut InputReport::default()).unwrap();
    let s = &ds.book["edu220004"];
    // the login the form spells is shown (a school list's spelling wins over a result table's)
    assert_eq!(
        (s.login.as_str(), s.settlement, s.enrollment),
        ("sch220004", Some("село"), Some(280.0))
    );
}

/// Fresh-eyes run 12: with the settlement question reworded, the next question — the settlement's
/// name, whose caption holds the old wording — was read as the settlement type.
#[test]
fn the_settlement_question_is_never_the_settlement_name() {
    let name_q =
        "Укажите наименование населенного пункта, где расположена Ваша образовательная организация";
    for (q14, want) in [
        ("Где расположена Ваша образовательная организация?", Some(1)),
        ("Тип населенного пункта, где расположена ОО", Some(1)),
        ("Где находится Ваша образовательная организация?", Some(1)),
        ("Расположение", None),
    ] {
        let raw: Vec<String> = ["Логин", q14, name_q].map(String::from).to_vec();
        let h = Header::new(0, &raw);
        assert_eq!(settlement_col(&h), want, "{q14}");
    }
}
