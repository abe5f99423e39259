//! Workbooks with sheets of several kinds: the recognised sheets load, every other sheet has a
//! load-report line saying why it was skipped, and only a file in which nothing is recognised is
//! an error.
use crate::util::*;
use std::path::{Path, PathBuf};

const INSTRUCTIONS: &[&[&str]] = &[
    &["Инструкция по заполнению"],
    &["1. Заполните лист «Данные»."],
    &["2. Не меняйте заголовки."],
];
const CODEBOOK: &[&[&str]] = &[&["Код", "Значение"], &["1", "Город"], &["2", "Село"]];
const CLASSES: &[&[&str]] = &[
    &["Пользователь", "Буква (цифра) класса", "Основной учебник"],
    &["edu220001", "А", "Моро М. И."],
];
const MARKS: &[&[&str]] = &[
    &[
        "Год",
        "Класс",
        "Предмет",
        "Логин",
        "ОО",
        "Кол-во участников",
        "2",
        "3",
        "4",
        "5",
    ],
    &[
        "2025",
        "5",
        "математика",
        "edu220001",
        "Школа 1",
        "20",
        "2",
        "8",
        "6",
        "4",
    ],
    &[
        "2025",
        "5",
        "математика",
        "edu220002",
        "Школа 2",
        "10",
        "1",
        "4",
        "3",
        "2",
    ],
];

fn inspect(p: &Path) -> serde_json::Value {
    json_of(shnor().arg("inspect").arg(p).args(["--format", "json"]))
}

fn by_sheet(v: &serde_json::Value) -> std::collections::BTreeMap<String, serde_json::Value> {
    v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["sheet"].as_str().unwrap_or("").to_string(), i.clone()))
        .collect()
}

#[test]
fn the_other_sheets_are_skipped_with_a_reason_and_the_table_loads() {
    let d = tempfile::tempdir().unwrap();
    let p: PathBuf = d.path().join("ВПР 2025.xlsx");
    text_workbook(
        &p,
        &[
            ("Инструкция", INSTRUCTIONS),
            ("Данные", MARKS),
            ("Кодификатор", CODEBOOK),
            ("Классы", CLASSES),
        ],
    );
    let v = inspect(&p);
    let s = by_sheet(&v);
    assert_eq!(s["Данные"]["kind"], "marks");
    assert_eq!(s["Данные"]["rows"], 2);
    for name in ["Инструкция", "Кодификатор", "Классы"] {
        assert_eq!(s[name]["kind"], "skipped", "{name}: {:#}", s[name]);
        let why = s[name]["skipped"].as_str().unwrap();
        assert!(!why.is_empty(), "{name}");
    }
    let why = |n: &str| s[n]["skipped"].as_str().unwrap().to_string();
    assert!(
        why("Инструкция").contains("остальные листы книги загружены"),
        "{}",
        why("Инструкция")
    );
    assert!(why("Классы").contains("лист классов"), "{}", why("Классы"));
    assert_eq!(v["totals"]["schools"], 2, "{v:#}");
}

#[test]
fn a_workbook_with_nothing_recognised_is_an_error_when_named() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("Справка.xlsx");
    text_workbook(
        &p,
        &[("Инструкция", INSTRUCTIONS), ("Кодификатор", CODEBOOK)],
    );
    shnor()
        .arg("inspect")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("Справка.xlsx"))
        .stderr(contains("unknown header layout"));
    // found in a folder beside a table: skipped sheet by sheet, the table loads
    let q = d.path().join("ВПР 2025.xlsx");
    text_workbook(&q, &[("Данные", MARKS)]);
    let v = inspect(d.path());
    let skipped: Vec<_> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "skipped")
        .map(|i| i["sheet"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(skipped, vec!["Инструкция", "Кодификатор"], "{v:#}");
}

/// A cell holding an Excel error (a formula that could not be computed) is named by Excel's own
/// text (`#DIV/0!`), never by calamine's Debug name (`#Div0`).
#[test]
fn an_excel_error_cell_is_named_as_excel_shows_it() {
    let d = tempfile::tempdir().unwrap();
    for (shown, formula) in [
        ("#DIV/0!", "=1/0"),
        ("#N/A", "=NA()"),
        ("#VALUE!", "=\"a\"+1"),
        ("#REF!", "=#REF!"),
        ("#NAME?", "=nosuch()"),
        ("#NUM!", "=SQRT(-1)"),
        ("#NULL!", "=A1 B1"),
    ] {
        let p = d.path().join("ВПР 2025.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (r, row) in MARKS.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
        ws.write_formula(
            2,
            6,
            rust_xlsxwriter::Formula::new(formula).set_result(shown),
        )
        .unwrap();
        wb.save(&p).unwrap();
        let out = shnor().arg("inspect").arg(&p).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(&format!("«{shown}»")), "{shown}: {err}");
        assert!(err.contains("row 3") && err.contains("«2»"), "{err}");
        assert!(err.contains("Excel"), "{err}");
    }
}

/// A file named .xlsx that is not a zip archive says so in words, not with the zip library's
/// «Could not find EOCD».
#[test]
fn a_file_named_xlsx_that_is_no_zip_says_it_is_not_a_workbook() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("ВПР 2025.xlsx");
    std::fs::write(&p, "Логин;2;3;4;5\nedu220001;1;2;3;4\n").unwrap();
    let out = shnor().arg("inspect").arg(&p).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("ВПР 2025.xlsx"), "{err}");
    assert!(err.contains("not an Excel workbook"), "{err}");
    assert!(!err.contains("EOCD") && !err.contains("Zip error"), "{err}");
    // a zip cut short: damaged or truncated, in words
    text_workbook(&p, &[("Данные", MARKS)]);
    let whole = std::fs::read(&p).unwrap();
    std::fs::write(&p, &whole[..whole.len() / 2]).unwrap();
    let out = shnor().arg("inspect").arg(&p).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("damaged or truncated"), "{err}");
    assert!(!err.contains("EOCD") && !err.contains("Zip error"), "{err}");
}

/// An instruction sheet with an example header (login and name, nothing below) is no directory
/// of 0 schools: beside a table it has a load-report line naming it; alone it is a data error.
#[test]
fn a_recognised_sheet_without_rows_is_reported_and_alone_is_an_error() {
    const EXAMPLE: &[&[&str]] = &[
        &["Заполните таблицу по образцу"],
        &["Логин", "Наименование ОО"],
    ];
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("ВПР 2025.xlsx");
    text_workbook(&p, &[("Инструкция", EXAMPLE), ("Данные", MARKS)]);
    let v = inspect(&p);
    let s = by_sheet(&v);
    assert_eq!(s["Данные"]["kind"], "marks");
    assert_eq!(s["Инструкция"]["kind"], "skipped", "{:#}", s["Инструкция"]);
    let why = s["Инструкция"]["skipped"].as_str().unwrap();
    assert!(
        why.contains("без строк данных") && why.contains("строке 2"),
        "{why}"
    );
    let q = d.path().join("Справочник.xlsx");
    text_workbook(&q, &[("Инструкция", EXAMPLE)]);
    let out = shnor().arg("inspect").arg(&q).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("Справочник.xlsx [лист «Инструкция»]"), "{err}");
    assert!(err.contains("no data rows"), "{err}");
}

/// A marks header with «2» twice names the duplicated column (and the mark it stands for is
/// missing), not «unknown header layout»; a recognised table with a second «2» is an error too.
#[test]
fn a_duplicated_mark_column_is_named() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("ВПР 2025.xlsx");
    let mut header: Vec<&str> = MARKS[0].to_vec();
    header[7] = "2"; // «3» typed as «2»
    text_workbook(&p, &[("Данные", &[&header, MARKS[1]])]);
    let out = shnor().arg("inspect").arg(&p).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the column «2» appears twice (columns 7 and 8) and there is no «3»"),
        "{err}"
    );
    assert!(!err.contains("unknown header layout"), "{err}");
    let mut header: Vec<&str> = MARKS[0].to_vec();
    header.push("2");
    let mut row: Vec<&str> = MARKS[1].to_vec();
    row.push("1");
    text_workbook(&p, &[("Данные", &[&header, &row])]);
    let out = shnor().arg("inspect").arg(&p).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("[лист «Данные»]: row 1: the column «2» appears twice (columns 7 and 11)"),
        "{err}"
    );
}
