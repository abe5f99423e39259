//! A school's own ВПР protocol (the form teachers fill, no school column): loaded for `--school` or
//! the login in the file name through the per-pupil loader; its bad inputs.
use crate::util::*;
use std::path::Path;

/// The real form's item captions (4 кл. математика, maximum 20), `Вариант (часть 2)` among them.
const ITEMS: &[(&str, i32)] = &[
    ("1 (1б)", 1),
    ("2 (1б)", 1),
    ("3 (2б)", 2),
    ("4 (1б)", 1),
    ("5.1 (1б)", 1),
    ("5.2 (1б)", 1),
    ("6.1 (1б)", 1),
    ("6.2 (1б)", 1),
    ("Вариант (часть 2)", 0),
    ("7 (1б)", 1),
    ("8 (2б)", 2),
    ("9.1 (1б)", 1),
    ("9.2 (1б)", 1),
    ("10 (2б)", 2),
    ("11.3 k1 (2б)", 2),
    ("12 (2б)", 2),
];

/// Pupils: code, variant (or `отсутствовал`), total, journal mark. With the 2021 scale
/// (0–5 / 6–9 / 10–14 / 15–20): «5» 2, «4» 1, «3» 1, «2» 1; понизили 2 (40003, 40005), подтвердили 2
/// (40001, 40004), повысили 1 (40002); 40006 absent, 40007 a row with its code only.
const PUPILS: &[(&str, &str, Option<i32>, &str)] = &[
    ("40001", "1", Some(20), "5"),
    ("40002", "2", Some(16), "4"),
    ("40003", "1", Some(12), "5"),
    ("40004", "2", Some(8), "3"),
    ("40005", "1", Some(3), "3"),
    ("40006", "отсутствовал", None, ""),
    ("40007", "", None, ""),
];

fn header() -> Vec<String> {
    let mut h = vec!["Код".to_string(), "Вариант (часть 1)".to_string()];
    h.extend(ITEMS.iter().map(|(c, _)| c.to_string()));
    h.extend(
        [
            "Класс № (список формируется из листа \"Классы\")",
            "Пол",
            "Отметка за предыдущий триместр/ четверть/полугодие",
            "Итого баллов",
        ]
        .map(String::from),
    );
    h
}

/// A pupil's row as text: item scores filled in caption order up to `total`.
fn row(code: &str, variant: &str, total: Option<i32>, journal: &str) -> Vec<String> {
    let mut left = total.unwrap_or(0);
    let mut r = vec![code.to_string(), variant.to_string()];
    for (caption, max) in ITEMS {
        r.push(match total {
            None => String::new(),
            Some(_) if caption.starts_with("Вариант") => variant.to_string(),
            Some(_) => {
                let s = left.min(*max);
                left -= s;
                s.to_string()
            }
        });
    }
    let present = total.is_some();
    r.push(if present { "1" } else { "" }.into());
    r.push(if present { "м" } else { "" }.into());
    r.push(journal.into());
    r.push(total.map(|t| t.to_string()).unwrap_or_default());
    r
}

fn rows() -> Vec<Vec<String>> {
    let mut rows = vec![header()];
    rows.extend(PUPILS.iter().map(|(c, v, t, j)| row(c, v, *t, j)));
    rows
}

/// Write the protocol as the form does: numbers as numbers, the total as a formula over the items
/// with its computed value.
fn workbook(path: &Path, sheet: &str, rows: &[Vec<String>]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    let last = rows[0].len() - 1;
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            let (r, c16) = (r as u32, c as u16);
            if r > 0 && c == last && !v.is_empty() {
                let f = format!("IF(LEN(C{0})>0, SUM(C{0}:J{0},L{0}:R{0}), \"\")", r + 1);
                ws.write_formula(r, c16, rust_xlsxwriter::Formula::new(f).set_result(v))
                    .unwrap();
            } else if let (true, Ok(n)) = (r > 0, v.parse::<f64>()) {
                ws.write_number(r, c16, n).unwrap();
            } else if !v.is_empty() {
                ws.write_string(r, c16, v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

fn inspect_json(path: &Path, flags: &[&str]) -> serde_json::Value {
    json_of(
        shnor()
            .arg("inspect")
            .arg(path)
            .args(flags)
            .args(["--format", "json"]),
    )
}

/// The figures of the fixture's one loaded input.
fn check_figures(v: &serde_json::Value) {
    let r = &v["inputs"][0];
    assert_eq!(r["kind"], "school-protocol", "{v:#}");
    assert_eq!(
        (
            r["year"].as_i64(),
            r["grade"].as_i64(),
            r["subject"].as_str()
        ),
        (Some(2021), Some(4), Some("математика"))
    );
    let p = &r["pupils"];
    assert_eq!(p["participants"], 5, "{p:#}");
    assert_eq!(p["absent"], 2, "{p:#}");
    assert_eq!(p["max_score"], 20);
    assert_eq!(p["marks"], serde_json::json!([1, 1, 1, 2]));
    let w = r["warnings"].as_object().unwrap();
    assert_eq!(w.len(), 1, "{w:#?}");
    let (what, n) = w.iter().next().unwrap();
    assert!(what.contains("без отметки «отсутствовал»"), "{what}");
    assert_eq!(n["count"], 1);
    assert_eq!(v["totals"]["results"], 1);
    assert_eq!(v["totals"]["journal"], 1);
}

#[test]
fn the_login_in_the_file_name_gives_the_school_and_the_name_the_procedure() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("edu220001_математика_4_класс_ВПР_2021.xlsx");
    workbook(&p, "Протокол", &rows());
    let v = inspect_json(&p, &[]);
    check_figures(&v);
    // the school is the one named; its journal comparison comes from the journal marks
    let opts = shnor::input::Opts {
        skip_checksums: true,
        ..Default::default()
    };
    let l = shnor::input::load_paths(&[p], &opts).unwrap();
    let j = &l.data.journal;
    assert_eq!(j.len(), 1);
    assert_eq!(j[0].school_id, "edu220001");
    assert_eq!((j[0].lowered, j[0].confirmed, j[0].raised), (2, 2, 1));
    let hist: Vec<(i32, i64)> = l
        .data
        .histograms
        .iter()
        .map(|h| (h.score, h.count))
        .collect();
    assert_eq!(hist, [(3, 1), (8, 1), (12, 1), (16, 1), (20, 1)]);
}

#[test]
fn the_school_flag_and_the_sheet_name_give_what_the_file_name_does_not() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("base_form.xlsx");
    workbook(&p, "4 кл математика", &rows());
    let v = inspect_json(&p, &["--school", "sch220001", "--file-year", "2021"]);
    check_figures(&v);
    let l = select_all(&p);
    assert!(l.contains("edu220001"), "{l}");
}

fn select_all(p: &Path) -> String {
    stdout_of(shnor().arg("select").arg(p).args([
        "--school",
        "edu220001",
        "--file-year",
        "2021",
        "--grade",
        "4",
        "--subject",
        "математика",
        "--all",
        "--format",
        "csv",
    ]))
}

#[test]
fn a_windows_1251_csv_protocol_loads_alike() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("протокол 4 класс математика.csv");
    let text: String = rows().iter().map(|r| r.join(";") + "\r\n").collect();
    write_cp1251(&p, &text);
    let v = inspect_json(&p, &["--school", "edu220001", "--file-year", "2021"]);
    check_figures(&v);
    assert_eq!(v["inputs"][0]["encoding"], "windows-1251");
}

#[test]
fn without_a_school_the_protocol_is_an_error_naming_school_flag() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("base_form.xlsx");
    workbook(&p, "Протокол", &rows());
    shnor()
        .arg("inspect")
        .arg(&p)
        .args([
            "--file-year",
            "2021",
            "--grade",
            "4",
            "--subject",
            "математика",
        ])
        .assert()
        .code(1)
        .stderr(contains("[лист «Протокол»]"))
        .stderr(contains("has no school column"))
        .stderr(contains("--school LOGIN"));
    // in a folder walk it is skipped with the reason; the other inputs load
    std::fs::write(
        d.path().join("ВПР 2021 marks.csv"),
        "Год,Класс,Предмет,Логин,ОО,Кол-во участников,2,3,4,5\n2021,4,математика,edu220002,Школа 2,10,1,4,3,2\n",
    )
    .unwrap();
    let v = inspect_json(d.path(), &[]);
    let skipped: Vec<&serde_json::Value> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "skipped")
        .collect();
    assert_eq!(skipped.len(), 1, "{v:#}");
    assert!(skipped[0]["skipped"].as_str().unwrap().contains("--school"));
    // a value that is no login is a usage error
    shnor()
        .arg("inspect")
        .arg(&p)
        .args(["--school", "школа 1"])
        .assert()
        .code(2)
        .stderr(contains("--school школа 1"));
    // the flag and the file name naming two schools: an error naming both
    let named = d.path().join("edu220003_протокол.xlsx");
    workbook(&named, "Протокол", &rows());
    shnor()
        .arg("inspect")
        .arg(&named)
        .args(["--school", "edu220001"])
        .assert()
        .code(1)
        .stderr(contains("edu220003"))
        .stderr(contains("--school is edu220001"));
}

#[test]
fn a_score_that_is_no_number_is_an_error_naming_sheet_row_and_column() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("edu220001 ВПР 2021 математика 4 класс.xlsx");
    let mut r = rows();
    // 40003's item 5.1
    let c = r[0].iter().position(|h| h == "5.1 (1б)").unwrap();
    r[3][c] = "н".into();
    workbook(&p, "Протокол", &r);
    shnor()
        .arg("inspect")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("[лист «Протокол»]"))
        .stderr(contains("row 4"))
        .stderr(contains("«5.1 (1б)»"))
        .stderr(contains("found «н»"));
    // --lenient: the pupil is skipped with a counted warning
    let v = inspect_json(&p, &["--lenient"]);
    let i = &v["inputs"][0];
    assert_eq!(i["pupils"]["participants"], 4);
    assert_eq!(i["pupils"]["invalid_totals"], 1);
    assert_eq!(
        i["warnings"]["строка с ошибкой данных пропущена (--lenient)"]["count"], 1,
        "{i:#}"
    );
}

#[test]
fn an_item_score_above_its_caption_makes_the_pupil_invalid_with_a_counted_warning() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("edu220001 ВПР 2021 математика 4 класс.xlsx");
    let mut r = rows();
    // 40004 (total 8): item «1 (1б)» given 2
    r[4][2] = "2".into();
    r[4][header().len() - 1] = "9".into();
    workbook(&p, "Протокол", &r);
    let v = inspect_json(&p, &[]);
    let i = &v["inputs"][0];
    assert_eq!(i["pupils"]["participants"], 4, "{i:#}");
    assert_eq!(i["pupils"]["invalid_totals"], 1);
    let w = i["warnings"].as_object().unwrap();
    let (what, n) = w
        .iter()
        .find(|(k, _)| k.contains("выше максимума в заголовке"))
        .unwrap_or_else(|| panic!("{w:#?}"));
    assert_eq!(n["count"], 1, "{what}");
    assert!(
        n["examples"][0]
            .as_str()
            .unwrap()
            .contains("«1 (1б)»: 2 > 1"),
        "{n}"
    );
}

#[test]
fn item_captions_that_add_up_to_another_maximum_than_the_scale_are_a_warning_with_both() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("edu220001 ВПР 2021 математика 4 класс.xlsx");
    let mut r = rows();
    // «12 (2б)» read as «12 (3б)»: the captions add up to 21, the 2021 scale says 20
    let c = r[0].iter().position(|h| h == "12 (2б)").unwrap();
    r[0][c] = "12 (3б)".into();
    workbook(&p, "Протокол", &r);
    let v = inspect_json(&p, &[]);
    let i = &v["inputs"][0];
    assert_eq!(i["pupils"]["max_score"], 20, "the scale's maximum is used");
    let w = i["warnings"].as_object().unwrap();
    let (_, n) = w
        .iter()
        .find(|(k, _)| k.contains("не равна максимуму шкалы"))
        .unwrap_or_else(|| panic!("{w:#?}"));
    let ex = n["examples"][0].as_str().unwrap();
    assert!(ex.contains("21") && ex.contains("20"), "{ex}");
}

#[test]
fn a_second_protocol_of_the_school_and_procedure_is_an_error_naming_both() {
    let d = tempfile::tempdir().unwrap();
    let name = |class: &str| {
        d.path().join(format!(
            "edu220001 ВПР 2021 математика 4 класс {class}.xlsx"
        ))
    };
    workbook(&name("А"), "Протокол", &rows());
    // another class whose counts happen to be the same: never dropped as a repeat
    let mut other = rows();
    for r in other.iter_mut().skip(1) {
        r[0] = format!("5{}", &r[0][1..]);
    }
    workbook(&name("Б"), "Протокол", &other);
    shnor()
        .arg("inspect")
        .arg(d.path())
        .assert()
        .code(1)
        .stderr(contains("a second protocol of school edu220001"))
        .stderr(contains("4 класс А.xlsx"))
        .stderr(contains("4 класс Б.xlsx"));
}
