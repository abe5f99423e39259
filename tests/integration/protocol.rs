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
    workbook_of(path, &[(sheet, rows)]);
}

/// [`workbook`] with several sheets, in order.
fn workbook_of(path: &Path, sheets: &[(&str, &[Vec<String>])]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (sheet, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*sheet).unwrap();
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
    let j = &l.data.tables.journal;
    assert_eq!(texts(j, "school_id"), ["edu220001"]);
    let counts = ["lowered", "confirmed", "raised"].map(|c| ints(j, c));
    assert_eq!(counts, [[2], [2], [1]]);
    let h = &l.data.tables.histograms;
    let hist: Vec<(i64, i64)> = ints(h, "score").into_iter().zip(ints(h, "count")).collect();
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
    let n = warning(&i["warnings"], "выше максимума в заголовке");
    assert_eq!(n["count"], 1, "{n}");
    assert!(
        n["examples"][0]
            .as_str()
            .unwrap()
            .contains("«1 (1б)»: 2 > 1"),
        "{n}"
    );
}

/// Captions adding up to another maximum than the scale's: the sheet is another work than the one
/// its year, grade and subject name (fresh-eyes run 14: a wrong `--subject` gave every pupil a mark
/// on another work's scale with a warning only). A data error naming both numbers; with
/// `--lenient` the scale is used and a counted warning names both.
#[test]
fn item_captions_that_add_up_to_another_maximum_than_the_scale_are_an_error() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("edu220001 ВПР 2021 математика 4 класс.xlsx");
    let mut r = rows();
    // «12 (2б)» read as «12 (3б)»: the captions add up to 21, the 2021 scale says 20
    let c = r[0].iter().position(|h| h == "12 (2б)").unwrap();
    r[0][c] = "12 (3б)".into();
    workbook(&p, "Протокол", &r);
    let out = shnor().arg("inspect").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("add up to 21")
            && err.contains("has maximum 20")
            && err.contains("математика"),
        "{err}"
    );
    let v = inspect_json(&p, &["--lenient"]);
    let i = &v["inputs"][0];
    assert_eq!(i["pupils"]["max_score"], 20, "the scale's maximum is used");
    let n = warning(&i["warnings"], "не равна максимуму шкалы");
    let ex = n["examples"][0].as_str().unwrap();
    assert!(ex.contains("21") && ex.contains("20"), "{ex}");
}

/// Another class of the school (4Б): «5» 1, «4» 1, «3» 2, «2» 1 by the 2021 scale; понизили 1
/// (50004), подтвердили 3, повысили 1 (50002); 50006 absent.
const PUPILS_B: &[(&str, &str, Option<i32>, &str)] = &[
    ("50001", "2", Some(18), "5"),
    ("50002", "1", Some(14), "3"),
    ("50003", "2", Some(9), "3"),
    ("50004", "1", Some(7), "4"),
    ("50005", "2", Some(5), "2"),
    ("50006", "отсутствовал", None, ""),
];

fn rows_of(pupils: &[(&str, &str, Option<i32>, &str)]) -> Vec<Vec<String>> {
    let mut rows = vec![header()];
    rows.extend(pupils.iter().map(|(c, v, t, j)| row(c, v, *t, j)));
    rows
}

/// The figures a load gives the school: its results row's participants and «2»…«5», its journal
/// comparison, and its pupils in the histograms and the joint mark–score counts.
fn school_figures(p: &Path) -> (Vec<i64>, (i64, i64, i64), i64, i64) {
    let opts = shnor::input::Opts {
        skip_checksums: true,
        ..Default::default()
    };
    let l = shnor::input::load_paths(&[p.to_path_buf()], &opts).unwrap();
    let r = &l.data.results;
    assert_eq!(r.height(), 1, "{r}");
    let counts = ["participants", "n2", "n3", "n4", "n5"].map(|c| {
        r.column(c)
            .unwrap()
            .cast(&polars::prelude::DataType::Int64)
            .unwrap()
            .i64()
            .unwrap()
            .get(0)
            .unwrap()
    });
    let t = &l.data.tables;
    assert_eq!(texts(&t.journal, "school_id"), ["edu220001"]);
    let hist = ints(&t.histograms, "count").iter().sum();
    let joint = ints(&t.mark_scores, "count").iter().sum();
    let j = ["lowered", "confirmed", "raised"].map(|c| ints(&t.journal, c)[0]);
    (counts.to_vec(), (j[0], j[1], j[2]), hist, joint)
}

/// A school's two classes, each in its own file in a folder named by the school's login: loaded
/// together they are one result of the school, the sum of each alone.
#[test]
fn two_class_files_of_a_school_join_to_the_sum_of_each_alone() {
    let d = tempfile::tempdir().unwrap();
    let school = d.path().join("edu220001");
    std::fs::create_dir(&school).unwrap();
    let a = school.join("ВПР 2021 математика 4 класс 4А.xlsx");
    let b = school.join("ВПР 2021 математика 4 класс 4Б.xlsx");
    workbook(&a, "Протокол", &rows());
    workbook(&b, "Протокол", &rows_of(PUPILS_B));
    // each alone: the login comes from the folder's name
    let alone_a = school_figures(&a);
    let alone_b = school_figures(&b);
    assert_eq!(alone_a.0, [5, 1, 1, 1, 2]);
    assert_eq!(alone_b.0, [5, 1, 2, 1, 1]);
    let both = school_figures(&school);
    let sum: Vec<i64> = alone_a
        .0
        .iter()
        .zip(&alone_b.0)
        .map(|(x, y)| x + y)
        .collect();
    assert_eq!(both.0, sum);
    let (ja, jb) = (alone_a.1, alone_b.1);
    assert_eq!(both.1, (ja.0 + jb.0, ja.1 + jb.1, ja.2 + jb.2));
    assert_eq!(both.1, (3, 5, 2));
    assert_eq!(
        (both.2, both.3),
        (alone_a.2 + alone_b.2, alone_a.3 + alone_b.3)
    );
    // the load report: each file with its own pupils, both named as joined
    let v = inspect_json(&school, &[]);
    let inputs = v["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2, "{v:#}");
    let names = |i: &serde_json::Value| -> Vec<String> {
        i["joined"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    for (i, part) in inputs.iter().zip([5, 5]) {
        assert_eq!(i["kind"], "school-protocol");
        assert_eq!(i["pupils"]["participants"], part, "{i:#}");
        let joined = names(i);
        assert_eq!(joined.len(), 2, "{joined:?}");
        assert!(
            joined[0].contains("4А.xlsx") && joined[1].contains("4Б.xlsx"),
            "{joined:?}"
        );
        assert!(
            !i["warnings"]
                .as_object()
                .unwrap()
                .keys()
                .any(|k| k.contains("не даёт данных")),
            "{i:#}"
        );
    }
    assert_eq!(v["totals"]["results"], 1);
    assert_eq!(v["totals"]["journal"], 1);
    let text = stdout_of(shnor().arg("inspect").arg(&school));
    assert!(
        text.contains("Протоколы одной школы и процедуры объединены"),
        "{text}"
    );
}

/// The classes as sheets of one workbook (with a copy sheet, as the real form's `Протокол_2`): the
/// same result as the classes' files.
#[test]
fn class_sheets_of_one_workbook_join_alike_and_a_copy_sheet_is_skipped() {
    let d = tempfile::tempdir().unwrap();
    let school = d.path().join("edu220001");
    std::fs::create_dir(&school).unwrap();
    workbook(
        &school.join("ВПР 2021 математика 4 класс 4А.xlsx"),
        "Протокол",
        &rows(),
    );
    workbook(
        &school.join("ВПР 2021 математика 4 класс 4Б.xlsx"),
        "Протокол",
        &rows_of(PUPILS_B),
    );
    let files = school_figures(&school);
    let one = d.path().join("edu220001 ВПР 2021 математика 4 класс.xlsx");
    let (a, b) = (rows(), rows_of(PUPILS_B));
    workbook_of(&one, &[("4А", &a), ("4А (2)", &a), ("4Б", &b)]);
    assert_eq!(school_figures(&one), files);
    let v = inspect_json(&one, &[]);
    let kinds: Vec<(&str, &str)> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["sheet"].as_str().unwrap(), i["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("4А", "school-protocol"),
            ("4А (2)", "skipped"),
            ("4Б", "school-protocol")
        ]
    );
    assert_eq!(
        v["inputs"][0]["joined"].as_array().unwrap().len(),
        2,
        "{v:#}"
    );
}

/// A copy of a class's file beside the classes' files: skipped with its reason, never counted twice.
#[test]
fn a_copy_of_a_class_file_is_skipped_with_its_reason_and_the_figures_unchanged() {
    let d = tempfile::tempdir().unwrap();
    let school = d.path().join("edu220001");
    std::fs::create_dir(&school).unwrap();
    let a = school.join("ВПР 2021 математика 4 класс 4А.xlsx");
    workbook(&a, "Протокол", &rows());
    workbook(
        &school.join("ВПР 2021 математика 4 класс 4Б.xlsx"),
        "Протокол",
        &rows_of(PUPILS_B),
    );
    let without_copy = school_figures(&school);
    // the same pupils, as another sheet name, in another file
    workbook(
        &school.join("ВПР 2021 математика 4 класс 4А (копия).xlsx"),
        "Лист1",
        &rows(),
    );
    assert_eq!(school_figures(&school), without_copy);
    let v = inspect_json(&school, &[]);
    let inputs = v["inputs"].as_array().unwrap();
    let skipped: Vec<&serde_json::Value> =
        inputs.iter().filter(|i| i["kind"] == "skipped").collect();
    assert_eq!(skipped.len(), 1, "{v:#}");
    let why = skipped[0]["skipped"].as_str().unwrap();
    assert!(
        why.contains("тот же протокол") && why.contains("не считаются дважды"),
        "{why}"
    );
    // the one kept of the two copies is named, whichever comes first in path order
    let kept_a = inputs
        .iter()
        .find(|i| i["kind"] == "school-protocol" && i["path"].as_str().unwrap().contains("4А"))
        .unwrap();
    assert!(why.contains(kept_a["path"].as_str().unwrap()), "{why}");
    assert_eq!(kept_a["pupils"]["participants"], 5);
    assert_eq!(v["totals"]["results"], 1);
    // one file alone and its copy: the figures of the one
    let lone = tempfile::tempdir().unwrap();
    workbook(
        &lone
            .path()
            .join("edu220001 ВПР 2021 математика 4 класс.xlsx"),
        "Протокол",
        &rows(),
    );
    workbook(
        &lone
            .path()
            .join("edu220001 ВПР 2021 математика 4 класс copy.xlsx"),
        "Протокол",
        &rows(),
    );
    let v = inspect_json(lone.path(), &[]);
    let loaded: Vec<&serde_json::Value> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] != "skipped")
        .collect();
    assert_eq!(loaded.len(), 1, "{v:#}");
    assert!(loaded[0].get("joined").is_none(), "{v:#}");
    check_figures(&serde_json::json!({"inputs": [loaded[0]], "totals": v["totals"]}));
}

/// Two classes' files that share a pupil code with other scores: which is the pupil's cannot be
/// told, so an error naming both files and the code (another class whose counts happen to be the
/// same is no copy: it joins).
#[test]
fn a_pupil_code_in_two_class_files_with_other_scores_is_an_error_naming_both() {
    let d = tempfile::tempdir().unwrap();
    let name = |class: &str| {
        d.path().join(format!(
            "edu220001 ВПР 2021 математика 4 класс {class}.xlsx"
        ))
    };
    workbook(&name("А"), "Протокол", &rows());
    // another class whose counts are the same as 4А's: joined, not taken for a copy
    let mut other = rows();
    for r in other.iter_mut().skip(1) {
        r[0] = format!("5{}", &r[0][1..]);
    }
    workbook(&name("Б"), "Протокол", &other);
    let v = inspect_json(d.path(), &[]);
    let parts: Vec<u64> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["pupils"]["participants"].as_u64().unwrap())
        .collect();
    assert_eq!(parts, [5, 5], "{v:#}");
    // 4В repeats 4А's pupil 40003 with another total
    let mut clash = rows_of(PUPILS_B);
    for r in clash.iter_mut().skip(1) {
        r[0] = format!("6{}", &r[0][1..]);
    }
    clash[2] = row("40003", "1", Some(14), "5");
    workbook(&name("В"), "Протокол", &clash);
    shnor()
        .arg("inspect")
        .arg(d.path())
        .assert()
        .code(1)
        .stderr(contains("pupil code 40003"))
        .stderr(contains("А.xlsx [лист «Протокол»], row 4"))
        .stderr(contains("В.xlsx [лист «Протокол»], row 3"))
        .stderr(contains("итого «12»"))
        .stderr(contains("итого «14»"));
}

/// A pupil row with one item filled and the others blank (the form left half filled): scored with
/// the blanks as 0, never silently — a counted warning names the row and the blank columns.
#[test]
fn a_partly_filled_pupil_row_is_a_counted_warning_naming_the_row_and_blank_columns() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("edu220001 ВПР 2021 математика 4 класс.xlsx");
    let mut r = rows();
    // 40007 (a row with its code only): item «1 (1б)» 1, total 1, the other items blank
    r[7][2] = "1".into();
    r[7][header().len() - 1] = "1".into();
    workbook(&p, "Протокол", &r);
    let v = inspect_json(&p, &[]);
    let i = &v["inputs"][0];
    assert_eq!(i["pupils"]["participants"], 6, "{i:#}");
    let n = warning(&i["warnings"], "пустыми баллами за часть заданий");
    assert_eq!(n["count"], 1);
    let example = n["examples"][0].as_str().unwrap();
    assert!(
        example.starts_with("строка 8: пусто «2 (1б)», «3 (2б)»"),
        "{example}"
    );
    assert!(example.contains("и ещё"), "{example}");
}

#[test]
fn an_absent_row_with_scores_and_a_scored_row_without_a_code_are_counted_warnings() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("edu220001 ВПР 2021 математика 4 класс.xlsx");
    let mut r = rows();
    // 40006 «отсутствовал» with its items and a total of 20; 40002 scored without its code
    r[6] = row("40006", "отсутствовал", Some(20), "5");
    r[2][0] = String::new();
    workbook(&p, "Протокол", &r);
    let v = inspect_json(&p, &[]);
    let i = &v["inputs"][0];
    assert_eq!(i["pupils"]["participants"], 5, "{i:#}");
    assert_eq!(i["pupils"]["absent"], 2, "{i:#}");
    for (what, line) in [
        ("с отметкой «отсутствовал», но с баллами", "строка 7"),
        ("с баллами, но без кода участника", "строка 3"),
    ] {
        let n = warning(&i["warnings"], what);
        assert_eq!(n["count"], 1);
        assert_eq!(n["examples"][0], line);
    }
}

#[test]
fn a_blank_or_zero_total_is_scored_from_the_items_with_counted_warnings() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("edu220001 ВПР 2021 математика 4 класс.xlsx");
    let mut r = rows();
    let last = header().len() - 1;
    // 40001: items add to 20, total blank; 40002: items add to 16, total 0
    r[1][last] = String::new();
    r[2][last] = "0".into();
    workbook(&p, "Протокол", &r);
    let v = inspect_json(&p, &[]);
    let i = &v["inputs"][0];
    let pp = &i["pupils"];
    assert_eq!(pp["participants"], 5, "{i:#}");
    assert_eq!(pp["invalid_totals"], 0, "{i:#}");
    assert_eq!(pp["totals_from_items"], 2, "{i:#}");
    // 40001 keeps its «5» (20 from the items), 40002 gets «5» too (16 from the items: brief
    // FORMATS.md, a total of 0 beside scored items is no score), not «2»
    assert_eq!(pp["marks"], serde_json::json!([1, 1, 1, 2]), "{i:#}");
    for (what, example) in [
        (
            "с пустым «Итого баллов»",
            "строка 2, «Итого баллов»: пусто → 20",
        ),
        (
            "0 при баллах за задания",
            "строка 3, «Итого баллов»: 0 → 16 (сумма баллов за задания)",
        ),
    ] {
        let n = warning(&i["warnings"], what);
        assert_eq!(n["count"], 1);
        assert_eq!(n["examples"][0], example);
    }
}

/// Fresh-eyes #6: `--school sch220001` is shown as `sch220001` (table, CSV and the JSON `login`),
/// not as the `edu` spelling the school is keyed under; the key stays one school.
#[test]
fn the_school_flag_login_is_shown_as_spelled() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("base_form.xlsx");
    workbook(&p, "4 кл математика", &rows());
    let run = |format: &str| {
        stdout_of(shnor().arg("select").arg(&p).args([
            "--school",
            "sch220001",
            "--file-year",
            "2021",
            "--grade",
            "4",
            "--subject",
            "математика",
            "--all",
            "--format",
            format,
        ]))
    };
    for format in ["csv", "table", "json"] {
        let out = run(format);
        assert!(out.contains("sch220001"), "{format}: {out}");
        assert!(!out.contains("edu220001"), "{format}: {out}");
    }
    // a file named by the sch spelling is shown so as well
    let named = d.path().join("sch220001_математика_4_класс_ВПР_2021.xlsx");
    workbook(&named, "Протокол", &rows());
    let out = stdout_of(
        shnor()
            .arg("select")
            .arg(&named)
            .args(["--all", "--format", "csv"]),
    );
    assert!(
        out.contains("sch220001") && !out.contains("edu220001"),
        "{out}"
    );
}

/// Newcomer finding 2: a pupil's row repeated exactly in the school's protocol is dropped with a
/// counted warning naming both rows (the pupil counted once: 5 participants, not 6); the same
/// pupil code in two rows with other data is a data error naming both rows.
#[test]
fn a_pupil_row_repeated_is_dropped_with_a_warning_and_a_different_one_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("edu220001_математика_4_класс_ВПР_2021.xlsx");
    let mut rs = rows();
    rs.push(rs[1].clone());
    workbook(&p, "Протокол", &rs);
    let v = inspect_json(&p, &[]);
    let r = &v["inputs"][0];
    assert_eq!(r["pupils"]["participants"], 5, "{r:#}");
    let w = warning(&r["warnings"], "повторяющаяся строка участника");
    assert_eq!(w["count"], 1, "{r:#}");
    assert_eq!(
        w["examples"],
        serde_json::json!(["строка 9 = строка 2 (код 40001)"])
    );
    let mut rs = rows();
    rs.push(row("40002", "2", Some(15), "4"));
    workbook(&p, "Протокол", &rs);
    let out = shnor().arg("inspect").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for part in [
        "[лист «Протокол»], row 9",
        "column «Код»",
        "pupil code 40002",
        "also in row 3",
    ] {
        assert!(err.contains(part), "{part} not in {err}");
    }
}

/// Sixth fresh-eyes run, M2: «Итого» / «Среднее» rows under the pupils of a school's own protocol
/// form (their label in the «Код» column) were counted as pupils — four phantom «2» in a class of
/// 18 on the real form. They are passed over with one counted warning each, the figures those of
/// the pupils alone.
#[test]
fn total_rows_under_the_pupils_are_no_pupils() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("edu220001_математика_4_класс_ВПР_2021.xlsx");
    let mut rows = rows();
    rows.push(row("Итого", "1", Some(3), ""));
    rows.push(row("Средний балл по классу", "1", Some(2), ""));
    workbook(&p, "Протокол", &rows);
    let v = inspect_json(&p, &[]);
    let r = &v["inputs"][0];
    assert_eq!(r["pupils"]["participants"], 5, "{v:#}");
    assert_eq!(
        r["pupils"]["marks"],
        serde_json::json!([1, 1, 1, 2]),
        "{v:#}"
    );
    let w = warning(&r["warnings"], "итоговая строка листа участников пропущена");
    assert_eq!(w["count"], 2, "{v:#}");
}
