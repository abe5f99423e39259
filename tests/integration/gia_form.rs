//! The federal ЕГЭ/ОГЭ per-school form «Информация о результатах ЕГЭ выпускников школ» in the shape
//! regions fill it (as `../shared/real/ege_eao/` has it): a sheet of applications, then one sheet
//! of results per year with title lines, `из них` over subject captions merged over five metric
//! columns, a row of column numbers, the region total, municipality subtotals followed by their
//! schools with the municipality cell empty.
use crate::util::*;
use serde_json::Value;
use std::path::Path;

type Rows = Vec<Vec<String>>;

const METRICS: [&str; 5] = [
    "приняло участие",
    "не преодолен min порог",
    "высокобалльники \n(80-99 баллов)",
    "получили 100 баллов",
    "средний балл",
];

/// A results sheet of the form for `year` (header captions name `year`, the title `title_year`):
/// two subjects, two municipalities, three schools. The «Сельский район» subtotal gives 3 at
/// 80–99 in русский язык where its school has 2 (a difference to warn about); every other
/// aggregate equals the sum of its schools.
fn results(title_year: i32, year: i32, total_first: bool) -> Rows {
    let mut rows = vec![
        row(&[]),
        row(&[&format!(
            "Информация о результатах ЕГЭ выпускников школ в {title_year} году"
        )]),
        row(&[]),
        row(&["Субъект Российской Федерации\n______Условная область______"]),
        row(&[]),
        row(&[
            "Муниципальное образование",
            "Образовательная организация (школа)",
            "Профиль \n(при наличии)\u{a0}",
            &format!("Всего выпускников в {year} году по программам среднего общего образования, принявших участие в ЕГЭ, чел."),
            "из них",
        ]),
        row(&[
            "",
            "",
            "",
            "",
            "Русский язык, чел.",
            "",
            "",
            "",
            "",
            "Математика (профиль), чел. \n(в т.ч. участвовавшие в 2019 году)",
        ]),
    ];
    let mut metrics = row(&["", "", "", ""]);
    metrics.extend(METRICS.iter().chain(METRICS.iter()).map(|m| m.to_string()));
    rows.push(metrics);
    rows.push(row(&[
        "1", "2", "3", "4", "5", "6", "7", "8", "9", "5", "6", "7", "8", "9",
    ]));
    let total = row(&[
        "ВСЕГО по региону",
        "",
        "х",
        "60",
        "60",
        "2",
        "10",
        "1",
        "61.56",
        "20",
        "3",
        "2",
        "",
        "50.1",
    ]);
    let body = [
        row(&[
            "город Н",
            "",
            "",
            "40",
            "40",
            "1",
            "8",
            "1",
            "65",
            "15",
            "2",
            "2",
            "0",
            "52",
        ]),
        row(&[
            "",
            "МБОУ \"СОШ № 1\"",
            "",
            "25",
            "25",
            "",
            "6",
            "1",
            "70.08",
            "10",
            "1",
            "2",
            "",
            "55",
        ]),
        row(&[
            "",
            "МБОУ \"Гимназия № 2\"",
            "",
            "15",
            "15",
            "1",
            "2",
            "",
            "60",
            "5",
            "1",
            "",
            "",
            "45",
        ]),
        row(&[
            "Сельский район",
            "",
            "",
            "20",
            "20",
            "1",
            "3",
            "0",
            "55",
            "5",
            "1",
            "0",
            "0",
            "45",
        ]),
        row(&[
            "",
            "МКОУ \"СОШ с. Поле\"",
            "",
            "20",
            "20",
            "1",
            "2",
            "",
            "55",
            "5",
            "1",
            "",
            "",
            "45",
        ]),
    ];
    if total_first {
        rows.push(total);
        rows.extend(body);
    } else {
        rows.extend(body);
        let mut t = total;
        t[0] = "Итого по региону".into();
        rows.push(t);
    }
    rows
}

/// The sheet of applications to sit ЕГЭ (no metric row, first column empty).
fn applications() -> Rows {
    vec![
        row(&["", "Информация о поданных выпускниками школ 2024 года заявлениях на участие в ЕГЭ"]),
        row(&[]),
        row(&[
            "",
            "Муниципальное образование",
            "Образовательная организация (школа)",
            "Профиль \n(при наличии)\u{a0}",
            "Всего выпускников в 2024 году по программам среднего общего образования, подавших заявление на участия в ЕГЭ, чел.",
            "из них",
        ]),
        row(&["", "", "", "", "", "Русский язык, чел.", "Математика (профиль), чел."]),
        row(&["", "1", "2", "3", "4", "5", "6"]),
        row(&["", "ВСЕГО по региону", "3", "х", "60", "60", "20"]),
        row(&["", "город Н", "", "", "40", "40", "15"]),
        row(&["", "", "МБОУ \"СОШ № 1\"", "", "25", "25", "10"]),
    ]
}

/// Shift every row right by `by` empty columns (an empty first column).
fn shifted(rows: Rows, by: usize) -> Rows {
    rows.into_iter()
        .map(|r| {
            let mut out = vec![String::new(); by];
            out.extend(r);
            out
        })
        .collect()
}

/// Write sheets (name, rows): numbers as numbers, text as text; each caption of the subject row
/// (the row above a row holding «приняло участие») merged over the columns up to the next one.
fn workbook(path: &Path, sheets: &[(&str, Rows)]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let merged = rust_xlsxwriter::Format::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        let metric_row = rows
            .iter()
            .position(|r| r.iter().any(|c| c == "приняло участие"));
        for (r, cells) in rows.iter().enumerate() {
            if Some(r + 1) == metric_row {
                let at: Vec<usize> = (0..cells.len()).filter(|&c| !cells[c].is_empty()).collect();
                let last = rows[r + 1].len() - 1;
                for (i, &c) in at.iter().enumerate() {
                    let end = at.get(i + 1).map_or(last, |n| n - 1);
                    let (r, c, end) = (r as u32, c as u16, end as u16);
                    if end > c {
                        ws.merge_range(r, c, r, end, &cells[c as usize], &merged)
                            .unwrap();
                    } else {
                        ws.write_string(r, c, &cells[c as usize]).unwrap();
                    }
                }
                continue;
            }
            for (c, v) in cells.iter().enumerate() {
                if v.is_empty() {
                    continue;
                }
                match v.parse::<f64>() {
                    Ok(x) => ws.write_number(r as u32, c as u16, x),
                    Err(_) => ws.write_string(r as u32, c as u16, v),
                }
                .unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

/// The workbook as the region sends it: applications 2024, results 2023 (total first) and 2022
/// (first column empty, total last, a title naming 2021).
fn form(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("Условная область.xlsx");
    workbook(
        &p,
        &[
            ("2024", applications()),
            ("2023", results(2023, 2023, true)),
            ("2022", shifted(results(2021, 2022, false), 1)),
        ],
    );
    p
}

fn input<'a>(v: &'a Value, sheet: &str) -> &'a Value {
    v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["sheet"] == sheet)
        .unwrap_or_else(|| panic!("no sheet {sheet}: {v:#}"))
}

#[test]
fn form_loads_results_skips_applications_and_checks_subtotals() {
    let d = tempfile::tempdir().unwrap();
    let p = form(d.path());
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let apps = input(&v, "2024");
    assert_eq!(apps["kind"], "skipped");
    assert!(apps["skipped"].as_str().unwrap().contains("заявления"));
    for (sheet, year) in [("2023", 2023), ("2022", 2022)] {
        let r = input(&v, sheet);
        assert_eq!(r["kind"], "gia-summary", "{r:#}");
        assert_eq!(r["year"], year, "the sheet name wins over the title");
        assert_eq!(r["assessment"], "ЕГЭ");
        assert_eq!(r["rows"], 3, "total and subtotals are no schools");
        assert_eq!(r["schools"], 3);
        let w = &r["warnings"]["итог муниципалитета в форме ЕГЭ/ОГЭ не равен сумме его школ"];
        assert_eq!(w["count"], 1, "{r:#}");
        let e = w["examples"][0].as_str().unwrap();
        assert!(
            e.contains(&format!("лист «{sheet}»"))
                && e.contains("русский язык")
                && e.contains("80-99")
                && e.contains("в итоге 3, сумма школ 2"),
            "{e}"
        );
        assert!(r["warnings"]["итог по региону в форме ЕГЭ/ОГЭ не равен сумме школ"].is_null());
    }
    assert!(input(&v, "2022")["warnings"]
        ["год в заголовке листа формы ЕГЭ/ОГЭ не совпадает с именем листа: взят год из имени листа"]
        ["count"]
        == 1);
    // 3 schools × 2 subjects × 2 years; per year 2 subjects × (total + 2 subtotals)
    assert_eq!(v["totals"]["results"], 12);
    assert_eq!(v["totals"]["reference"], 12);
}

#[test]
fn compare_shows_each_municipality_against_the_region() {
    let d = tempfile::tempdir().unwrap();
    let p = form(d.path());
    let v = json_of(shnor().arg("compare").arg(&p).args([
        "--format",
        "json",
        "--years",
        "2023",
        "--procedure",
        "ЕГЭ:русский язык:11",
        "--procedure",
        "ЕГЭ:математика профильная:11",
    ]));
    let blocks = v["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 2, "{v:#}");
    let rus = blocks
        .iter()
        .find(|b| b["procedure"].as_str().unwrap().contains("русский"))
        .unwrap();
    assert_eq!(rus["region"]["participants"], 60);
    assert_eq!(rus["region"]["below"], 2);
    assert_eq!(rus["region"]["high"], 11, "80–99 and 100 of the schools");
    let muns: Vec<(&str, i64)> = rus["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["municipality"].as_str().unwrap(),
                m["participants"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(muns, [("город Н", 40), ("Сельский район", 20)]);
    // the table's title has no empty «(регион )» when schools are known by name only
    let out = stdout_of(shnor().arg("compare").arg(&p).args(["--years", "2023"]));
    assert!(!out.contains("(регион )"), "{out}");
    assert!(
        out.contains("ЕГЭ математика профильная 11 кл., 2023"),
        "{out}"
    );
}

/// The 2023 sheet with `edit` applied, alone in a workbook: the error `inspect` gives.
fn error_of(edit: impl FnOnce(&mut Rows)) -> String {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("Условная область.xlsx");
    let mut rows = results(2023, 2023, true);
    edit(&mut rows);
    workbook(&p, &[("2023", rows)]);
    let out = shnor().arg("inspect").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let e = String::from_utf8(out.stderr).unwrap();
    assert!(e.contains("Условная область.xlsx [лист «2023»]"), "{e}");
    e
}

#[test]
fn subject_over_four_metric_columns_is_an_error() {
    // «Математика» moves one column left: «Русский язык» covers four metric columns
    let e = error_of(|r| r[6].swap(8, 9));
    assert!(e.contains("row 7"), "{e}");
    assert!(e.contains("Русский язык, чел. (E)"), "{e}");
    assert!(e.contains("covers 4 metric column(s)"), "{e}");
}

#[test]
fn metric_caption_not_of_the_form_is_an_error() {
    let e = error_of(|r| r[7][8] = "доля «2»".into());
    assert!(e.contains("row 8"), "{e}");
    assert!(e.contains("доля «2» (I)"), "{e}");
    assert!(e.contains("not one of the form's metric captions"), "{e}");
}

#[test]
fn school_before_any_municipality_is_an_error() {
    // the «город Н» row gone: its schools follow the region total
    let e = error_of(|r| {
        r.remove(10);
    });
    assert!(e.contains("row 11"), "{e}");
    assert!(e.contains("Образовательная организация (школа) (B)"), "{e}");
    assert!(e.contains("comes before any municipality"), "{e}");
}

#[test]
fn counts_negative_or_not_whole_are_errors() {
    for bad in ["-1", "2.5"] {
        let e = error_of(|r| r[11][5] = bad.into());
        assert!(e.contains("row 12"), "{bad}: {e}");
        assert!(
            e.contains("Русский язык, чел. / не преодолен min порог (F)"),
            "{bad}: {e}"
        );
        assert!(
            e.contains("expected a whole number of pupils"),
            "{bad}: {e}"
        );
    }
}

#[test]
fn municipality_repeated_on_every_row_and_a_two_row_header() {
    let d = tempfile::tempdir().unwrap();
    // the 2023 sheet with the municipality on each school row too
    let mut rows = results(2023, 2023, true);
    for (r, m) in [(11, "город Н"), (12, "город Н"), (14, "Сельский район")]
    {
        rows[r][0] = m.into();
    }
    let p = d.path().join("Условная область.xlsx");
    workbook(&p, &[("2023", rows)]);
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let r = input(&v, "2023");
    assert_eq!(
        (r["rows"].as_i64(), r["schools"].as_i64()),
        (Some(3), Some(3))
    );
    assert_eq!(
        r["warnings"]["итог муниципалитета в форме ЕГЭ/ОГЭ не равен сумме его школ"]["count"],
        1
    );
    // two header rows (subjects in the header row, no «из них»), «Всего» last, a wrong total
    let csv = d.path().join("ЕГЭ 2023 по школам.csv");
    std::fs::write(
        &csv,
        "Муниципалитет;ОО;Русский язык, чел.;;;;;Математика (базовая), чел.;;;;\n\
;;приняло участие;не преодолен min порог;высокобалльники (80-99 баллов);получили 100 баллов;средний балл;приняло участие;не преодолен min порог;высокобалльники (80-99 баллов);получили 100 баллов;средний балл\n\
город Н;СОШ №1;30;1;5;1;71,5;12;2;0;0;15\n\
город Н;СОШ №2;20;;2;;68,0;;;;;\n\
Сельский район;СОШ №3;10;2;;;52,0;5;1;;;12\n\
Всего;;60;3;7;1;66,1;17;4;0;0;14\n",
    )
    .unwrap();
    let v = json_of(shnor().arg("inspect").arg(&csv).args(["--format", "json"]));
    let r = &v["inputs"][0];
    assert_eq!(r["kind"], "gia-summary", "{v:#}");
    assert_eq!(
        (r["rows"].as_i64(), r["schools"].as_i64()),
        (Some(3), Some(3))
    );
    // «Участников» of `inspect`: the school rows' participants over both subjects, not the total's
    assert_eq!(r["participants"], 30 + 12 + 20 + 10 + 5, "{r:#}");
    let text = shnor().arg("inspect").arg(&csv).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(text.contains("┆ 77 "), "{text}");
    let w = &r["warnings"]["итог по региону в форме ЕГЭ/ОГЭ не равен сумме школ"];
    assert_eq!(w["count"], 1, "{r:#}");
    assert!(w["examples"][0].as_str().unwrap().contains(
        "строка 6, математика базовая, «не преодолен min порог»: в итоге 4, сумма школ 3"
    ));
    assert_eq!(v["totals"]["results"], 5);
    assert_eq!(v["totals"]["reference"], 2);
}

/// A form with no year anywhere (no title line, no year in the file name): the error says what is
/// missing and where it was looked for, without a made-up column.
#[test]
fn a_form_without_a_year_names_what_is_missing_not_a_column() {
    let d = tempfile::tempdir().unwrap();
    let csv = d.path().join("форма.csv");
    std::fs::write(
        &csv,
        "Муниципалитет;ОО;Русский язык, чел.;;;;\n\
;;приняло участие;не преодолен min порог;высокобалльники (80-99 баллов);получили 100 баллов;средний балл\n\
город Н;СОШ №1;30;1;5;1;71,5\n",
    )
    .unwrap();
    let out = shnor().arg("inspect").arg(&csv).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot tell the year of this form"), "{err}");
    assert!(
        err.contains("there is no title line above the header"),
        "{err}"
    );
    assert!(err.contains("--file-year"), "{err}");
    assert!(!err.contains("column «"), "{err}");
}

#[test]
fn select_on_the_form_alone_runs() {
    let d = tempfile::tempdir().unwrap();
    let p = form(d.path());
    let out = shnor().arg("select").arg(&p).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{out:?}"
    );
}
