//! Regressions of the loader defects a fresh-eyes tester reported (numbered as in its report: #1, #2, #3,
//! #13): what a load must say instead of passing over silently.
use crate::util::*;

/// Defect #2: two columns with the same caption («Логин» twice) are a data error naming the
/// file, both columns and the header, not the first column read and the second dropped.
#[test]
fn a_header_with_a_column_twice_is_a_data_error_naming_both_columns() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("marks_twice.csv");
    std::fs::write(
        &f,
        "Год;Класс;Предмет;Логин;Логин;Кол-во участников;2;3;4;5\n2025;4;математика;edu990001;edu990002;20;5;5;5;5\n",
    )
    .unwrap();
    shnor()
        .arg("inspect")
        .arg(&f)
        .assert()
        .code(1)
        .stderr(contains("marks_twice.csv: header row 1: the column «Логин» appears twice (columns D (4) and E (5))"))
        .stderr(contains("header: «Год», «Класс»"));
    // the same in a workbook sheet, of another kind (a directory)
    let x = dir.path().join("dir.xlsx");
    text_workbook(
        &x,
        &[(
            "Школы",
            &[
                row(&["Логин", "ОО", "Муниципалитет", "ОО"]),
                row(&["edu990001", "Школа 1", "Район", "Школа 1"]),
            ],
        )],
    );
    shnor()
        .arg("inspect")
        .arg(&x)
        .assert()
        .code(1)
        .stderr(contains("dir.xlsx [лист «Школы»]: header row 1: the column «ОО» appears twice (columns B (2) and D (4))"));
}

/// Defect #3: results of schools of several regions (the region code of their logins) in one run
/// are a counted warning naming each region with its schools; results of years outside the
/// selection window a counted warning with their number, years and the window.
#[test]
fn several_regions_and_years_outside_the_window_are_counted_warnings() {
    let (dir, region) = region(3, 30);
    let v = select_json(&region, &[]);
    assert!(
        find_warning(&v["load_warnings"]["dataset"], "нескольких регионов").is_none(),
        "one region: {}",
        v["load_warnings"]
    );
    let other = dir.path().join("ВПР other.csv");
    std::fs::write(
        &other,
        "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;4;математика;edu770001;20;5;5;5;5\n2016;4;математика;edu770002;20;5;5;5;5\n",
    )
    .unwrap();
    let v = json_of(
        shnor()
            .arg("select")
            .arg(&region)
            .arg(&other)
            .args(["--all", "--format", "json"]),
    );
    let w = warning(&v["load_warnings"]["dataset"], "нескольких регионов");
    assert_eq!(w["count"], 2, "{w}");
    let example = w["examples"][0].as_str().unwrap();
    assert_eq!(example, "регион 77: школ 2; регион 99: школ 30");
    let w = warning(&v["summary"]["warnings"], "вне окна отбора");
    let example = w["examples"][0].as_str().unwrap();
    assert!(
        example.ends_with("результатов за годы 2016, 2023 вне окна выбора (2024–2025)"),
        "{example}"
    );
    assert_eq!(
        example,
        format!(
            "{} результатов за годы 2016, 2023 вне окна выбора (2024–2025)",
            w["count"]
        )
    );
}

/// Defect #1: a per-pupil ВПР protocol (ФИС ОКО `pupils`) whose total differs from the sum of the
/// item scores keeps its total, with a counted warning naming the row and both numbers (the rule
/// of the school's protocol form). A total of 0 beside scored items is scored from the items
/// (brief FORMATS.md; real 2022 protocols hold whole schools like that) with its own counted
/// warning, never silently.
#[test]
fn a_pupil_total_that_differs_from_its_items_is_a_counted_warning() {
    let s = "sch220001";
    let i = &inspect_two_item_protocol(&[
        [s, "10", "10", "3"],
        [s, "8", "7", "0"],
        [s, "5", "5", "10"],
        [s, "", "", "7"],
    ]);
    // the total 3 kept beside items of 20; the total 0 beside items of 15 scored 15
    assert_totals(
        i,
        "строка 2, «Всего баллов»: 3 ≠ 20 (сумма баллов за задания)",
        "строка 3, «Всего баллов»: 0 → 15 (сумма баллов за задания)",
    );
}

/// The input `i` of `inspect --format json` warns of one total that differs from its items and is
/// kept (`kept`), scores one total of 0 from its items (`from_items`), and counts 4 pupils.
fn assert_totals(i: &serde_json::Value, kept: &str, from_items: &str) {
    let w = warning(&i["warnings"], "не равно сумме баллов");
    assert_eq!(w["count"], 1, "{i:#}");
    assert_eq!(w["examples"], serde_json::json!([kept]), "{i:#}");
    let z = warning(&i["warnings"], "0 при баллах за задания");
    assert_eq!(z["count"], 1, "{i:#}");
    assert_eq!(z["examples"], serde_json::json!([from_items]), "{i:#}");
    assert_eq!(i["pupils"]["totals_from_items"], 1, "{i:#}");
    assert_eq!(i["pupils"]["participants"], 4, "{i:#}");
}

/// Defect #13: loader messages quote a cell as written (a count too large for a number), say the
/// accepted range of a year, hint at the encoding of a CSV that reads as another 8-bit encoding,
/// and name a sheet exactly as the workbook does (a trailing space kept).
#[test]
fn loader_messages_quote_cells_ranges_encodings_and_sheet_names_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let head = "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n";
    let run = |name: &str, bytes: &[u8]| {
        let f = dir.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        shnor().arg("inspect").arg(&f).assert().code(1)
    };
    let big = format!("{head}2025;4;математика;edu990001;99999999999999999999;5;5;5;5\n");
    run("ВПР big.csv", big.as_bytes()).stderr(contains("found «99999999999999999999»"));
    let old = format!("{head}1899;4;математика;edu990001;20;5;5;5;5\n");
    run("ВПР old.csv", old.as_bytes()).stderr(contains(
        "column «Год»: expected a year from 2000 to 2099, found «1899»",
    ));
    let text = format!(
        "{head}2025;4;математика;edu990001;20;5;5;5;5\n2025;4;русский язык;edu990002;20;5;5;5;5\n"
    );
    let (koi8, _, _) = encoding_rs::KOI8_R.encode(&text);
    run("ВПР koi8.csv", &koi8)
        .stderr(contains("unknown header layout"))
        .stderr(contains("expected UTF-8 or Windows-1251"));
    // found in a folder beside a table that loads, such a file is the same data error naming the
    // encoding (before, it was skipped as «не распознан заголовок» and its rows were left out)
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("ВПР koi8.csv"), &koi8).unwrap();
    std::fs::write(folder.join("ВПР utf8.csv"), &text).unwrap();
    shnor()
        .arg("select")
        .arg(&folder)
        .assert()
        .code(1)
        .stderr(contains("ВПР koi8.csv: the file seems to be in KOI8-R"));
    // a plain unknown layout in Windows-1251 gets no such hint
    let other = dir.path().join("other.csv");
    write_cp1251(
        &other,
        "Фамилия;Имя;Отчество\nИванов;Иван;Иванович\nПетров;Пётр;Петрович\n",
    );
    let o = shnor().arg("inspect").arg(&other).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("unknown header layout"), "{err}");
    assert!(!err.contains("Windows-1251"), "{err}");
    let x = dir.path().join("ВПР итоги.xlsx");
    text_workbook(
        &x,
        &[(
            "Итоги ",
            &[
                marks_head(),
                row(&[
                    "2025",
                    "4",
                    "математика",
                    "edu990001",
                    "20",
                    "abc",
                    "5",
                    "5",
                    "5",
                ]),
            ],
        )],
    );
    shnor()
        .arg("inspect")
        .arg(&x)
        .assert()
        .code(1)
        .stderr(contains("[лист «Итоги »], row 2"));
}

/// Second fresh-eyes run: a damaged xlsx made calamine panic (exit 101) — a shared-string index
/// past the table («index out of bounds»), a 13-digit cell reference («attempt to multiply with
/// overflow»). Each is now a data error naming the file, alone and inside a folder, and nothing
/// of the panic is printed.
#[test]
fn a_damaged_workbook_is_a_data_error_not_a_panic() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/damaged");
    for name in ["bad_shared_string.xlsx", "bad_cell_reference.xlsx"] {
        let f = fixtures.join(name);
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(&f, dir.path().join(name)).unwrap();
        for path in [f.as_path(), dir.path()] {
            let o = shnor().arg("inspect").arg(path).output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(1), "{name}: {err}");
            assert!(
                err.contains(name) && err.contains("damaged"),
                "{name}: {err}"
            );
            assert!(!err.contains("panicked"), "{name}: {err}");
        }
    }
}

/// Third fresh-eyes run, #1: a UTF-8 CSV with one row saved in Windows-1251 is a data error
/// naming the file, that row and the mixed encodings (it read as an unknown layout, and a folder
/// holding it as «no input recognised»), in the first lines as past them; a file wholly in
/// Windows-1251 loads as before.
#[test]
fn a_utf8_csv_with_a_row_in_windows_1251_is_an_error_naming_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let head = "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n";
    let line = |i: usize| format!("2025;4;математика;edu99{i:04};20;5;5;5;5\n");
    let (bad, _, _) =
        encoding_rs::WINDOWS_1251.encode("2025;4;русский язык;edu990999;20;5;5;5;5\n");
    for (name, at, rows) in [("ВПР смесь.csv", 2, 3), ("ВПР длинный.csv", 250, 300)]
    {
        let mut bytes = head.as_bytes().to_vec();
        for i in 1..=rows {
            if i == at {
                bytes.extend_from_slice(&bad);
            } else {
                bytes.extend_from_slice(line(i).as_bytes());
            }
        }
        let sub = dir.path().join(name.replace(".csv", ""));
        std::fs::create_dir(&sub).unwrap();
        let f = sub.join(name);
        std::fs::write(&f, &bytes).unwrap();
        for path in [f.as_path(), sub.as_path()] {
            shnor()
                .arg("inspect")
                .arg(path)
                .assert()
                .code(1)
                .stderr(contains(&format!(
                    "{name}: the file mixes encodings: row {} is not UTF-8",
                    at + 1
                )))
                .stderr(contains("«2025;4;русский язык;edu990999;20;5;5;5;5»"));
        }
    }
    let whole = dir.path().join("ВПР 1251.csv");
    write_cp1251(&whole, &format!("{head}{}{}", line(1), line(2)));
    let i = json_of(
        shnor()
            .arg("inspect")
            .arg(&whole)
            .args(["--format", "json"]),
    );
    assert_eq!(i["totals"]["results"], 2, "{i:#}");
}

/// Third fresh-eyes run, #2: a per-pupil sheet whose year, grade and subject cannot be told is a
/// data error naming the workbook's sheet (it named the file only), as a marks sheet's does.
#[test]
fn a_per_pupil_sheet_without_year_grade_subject_names_its_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("protocol.xlsx");
    text_workbook(
        &p,
        &[(
            "Протокол",
            &[
                row(&[
                    "Логин школы",
                    "Вариант",
                    "балл за 1",
                    "балл за 2",
                    "Всего баллов",
                ]),
                row(&["sch220001", "1", "10", "10", "20"]),
            ],
        )],
    );
    shnor()
        .arg("inspect")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains(
            "protocol.xlsx [лист «Протокол»]: cannot tell the year, grade and subject of this per-pupil file (year not found, grade not found, subject not found)",
        ));
}

/// Third fresh-eyes run, #3: a flat marks table with no assessment column, title or file name
/// saying it is an error that names no column of its own invention («assessment» was not in the
/// file): it says the assessment could not be told from a column, the title, the file name or
/// `--assessment` and lists what was looked for; an empty cell of an assessment column names
/// that column.
#[test]
fn a_marks_table_without_an_assessment_says_what_was_looked_for() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("итоги 2025.csv");
    std::fs::write(
        &f,
        "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;4;математика;edu990001;20;5;5;5;5\n",
    )
    .unwrap();
    let o = shnor().arg("inspect").arg(&f).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains(": column «"), "{err}");
    for part in [
        "итоги 2025.csv, row 2: cannot tell the assessment of this table from a column, the title, the file name or --assessment",
        "looked for a column «процедура», «оценочная процедура», «assessment» or «экзамен» (none in this table)",
        "ВПР, ОГЭ or ЕГЭ (VPR, OGE, EGE) as a word of the title lines above the header, of the file name or of its folders",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
    let e = dir.path().join("итоги пусто.csv");
    std::fs::write(
        &e,
        "Год;Класс;Предмет;Процедура;Логин;Кол-во участников;2;3;4;5\n2025;4;математика;;edu990001;20;5;5;5;5\n",
    )
    .unwrap();
    shnor()
        .arg("inspect")
        .arg(&e)
        .assert()
        .code(1)
        .stderr(contains(
        "итоги пусто.csv, row 2: column «Процедура»: expected ВПР, ОГЭ or ЕГЭ, found an empty cell",
    ));
}

/// Third fresh-eyes run, #4: an xlsx formula cell whose value was not saved (calamine reads it as
/// empty) is said to be one, naming sheet, row, column and formula, with what to do: in a data
/// error about its cell («found an empty cell» before), in one about its row, and as a counted
/// warning of a sheet that loads.
#[test]
fn an_xlsx_formula_without_a_saved_value_is_said_to_be_one() {
    let dir = tempfile::tempdir().unwrap();
    let head = marks_head();
    let school = |login: &str, part: &str, two: &str| {
        row(&["2025", "4", "математика", login, part, two, "5", "5", "5"])
    };
    let f = dir.path().join("ВПР участники.xlsx");
    let rows = [
        head.clone(),
        school("edu990001", "=SUM(F2:I2)", "5"),
        school("edu990002", "20", "5"),
    ];
    unsaved_formula_workbook(&f, "Итоги", &rows);
    shnor().arg("inspect").arg(&f).assert().code(1).stderr(contains(
        "ВПР участники.xlsx [лист «Итоги»], row 2: column «Кол-во участников»: expected the number of participants, found a formula whose value was not saved in the file (cell E2: «=SUM(F2:I2)»); open the workbook in Excel or LibreOffice and save it",
    ));
    let f = dir.path().join("ВПР отметки.xlsx");
    let rows = [
        head,
        school("edu990001", "20", "=20-G2-H2-I2"),
        school("edu990002", "20", "5"),
    ];
    unsaved_formula_workbook(&f, "Итоги", &rows);
    shnor().arg("inspect").arg(&f).assert().code(1).stderr(contains(
        "row 2 holds formulas whose values were not saved in the file (read as empty cells): F2 in column «2» («=20-G2-H2-I2»)",
    ));
    // a per-pupil sheet whose total is such a formula: a counted warning naming the cell
    let p = dir
        .path()
        .join("Проведение работы по математике, 4 класс. ВПР 2025.xlsx");
    let rows = [
        row(&[
            "Логин школы",
            "Вариант",
            "балл за 1",
            "балл за 2",
            "Всего баллов",
        ]),
        row(&["sch220001", "1", "10", "10", "=C2+D2"]),
        row(&["sch220001", "1", "10", "8", "18"]),
    ];
    unsaved_formula_workbook(&p, "Протокол", &rows);
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let w = warning(
        &v["inputs"][0]["warnings"],
        "формулы без сохранённого значения",
    );
    assert_eq!(w["count"], 1, "{w}");
    assert_eq!(
        w["examples"][0],
        "E2 (строка 2, столбец «Всего баллов»): «=C2+D2»"
    );
    // a formula whose saved result is an empty text (`t="str"`, `<v></v>`: the school's protocol
    // form's `IF(LEN(C2)>0, SUM(…), "")` as LibreOffice saves it) is no such warning
    edit_first_sheet(&p, |x| {
        x.replacen("<c r=\"E2\"", "<c r=\"E2\" t=\"str\"", 1)
            .replacen(
                "<f>C2+D2</f>",
                "<f>IF(LEN(C2)&gt;0,C2+D2,&quot;&quot;)</f><v></v>",
                1,
            )
    });
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let i = &v["inputs"][0];
    assert!(
        find_warning(&i["warnings"], "формулы без сохранённого значения").is_none(),
        "{i:#}"
    );
}

/// Third fresh-eyes run, #5: a per-pupil total («Первичный балл») of 0 whose row's item scores add
/// up to more, beside an item not scored (`X`, `не пройд.`), passed silently. It is scored from
/// its items (brief FORMATS.md) with a counted warning naming the row; another total that differs
/// from its items is kept with the mismatch warning.
#[test]
fn a_zero_total_beside_scored_items_and_a_sentinel_is_scored_from_the_items() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir
        .path()
        .join("Проведение работы по математике, 4 класс. ВПР 2025.xlsx");
    text_workbook(
        &p,
        &[(
            "Sheet",
            &[
                row(&[
                    "Логин школы",
                    "Вариант",
                    "балл за 1",
                    "балл за 2",
                    "Первичный балл",
                ]),
                row(&["sch220001", "1", "10", "10", "20"]),
                row(&["sch220001", "1", "8", "X", "0"]),
                row(&["sch220001", "1", "не пройд.", "7", "3"]),
                row(&["sch220001", "1", "X", "5", "5"]),
            ],
        )],
    );
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let i = &v["inputs"][0];
    assert_totals(
        i,
        "строка 4, «Первичный балл»: 3 ≠ 7 (сумма баллов за задания)",
        "строка 3, «Первичный балл»: 0 → 8 (сумма баллов за задания)",
    );
}

/// Third fresh-eyes run, #6: `monitor` lists every school that left the list with the reason it
/// left, not only those that became «effective» (METHOD.md §8): on the sample region edu990008
/// (selected in 2023) and edu990106 (in 2024) stay candidates that stage 3 does not select; over
/// 2023–2024 edu990014 has one quiet year only, so it has left but not yet exited.
#[test]
fn monitor_lists_every_school_that_left_the_list_with_its_reason() {
    let left = |years: &[&str]| {
        let v = json_of(
            shnor()
                .args(["monitor", "data-samples/region", "--format", "json"])
                .args(years),
        );
        v["left"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                format!(
                    "{} {} {} {} {}",
                    l["login"].as_str().unwrap(),
                    l["last_selected"],
                    l["year"],
                    l["reason"].as_str().unwrap(),
                    l["cluster"].as_str().unwrap_or("-")
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        left(&[]),
        vec![
            "edu990008 2023 2024 кандидат, не отобрана на этапе 3 умеренно неуспевающие",
            "edu990014 2023 2024 не кандидат: вышла в эффективный режим в 2025 (2 года без правил этапа 1: 2024, 2025) -",
            "edu990106 2024 2025 кандидат, не отобрана на этапе 3 сильно неуспевающие",
        ]
    );
    let short = left(&["--years", "2023-2024"]);
    assert!(
        short.contains(&"edu990014 2023 2024 не кандидат: правила этапа 1 не сработали (выход в эффективный режим ещё не подтверждён) -".to_string()),
        "{short:?}"
    );
    let text = stdout_of(shnor().args(["monitor", "data-samples/region"]));
    assert!(
        text.contains("Покинули список:\n  edu990008 «МБОУ \"СОШ №8\"» — 2024: кандидат, не отобрана на этапе 3 (кластер «умеренно неуспевающие»)\n"),
        "{text}"
    );
}

/// Third fresh-eyes run, #7: the default (ФИОКО) objectivity screen marks about half the sample's
/// schools by «завышен средний балл», which is the published rule (OBJECTIVITY_FIOKO.md §1): the
/// output now says why — the criterion, its t, how narrow the region's interval is and where the
/// share is largest; the relative screen, which marks none that way, says nothing of it.
#[test]
fn the_fioko_screen_says_why_it_marks_so_many_schools() {
    let text = stdout_of(shnor().args(["objectivity", "data-samples/region"]));
    for part in [
        "Почему отмечено много школ: признак «завышен средний балл» (ФИОКО) ставится, когда нижняя граница интервала среднего балла школы x̄ ± t·s/√m (t = 1,96) выше верхней границы такого же интервала региона",
        "(ВПР русский язык 4 кл. 2025, участников 6496: 29,85–30,32, ± 0,24 балла)",
        "Больше всего: регион 99, 2025 год — 72 из 120 школ (60 %)",
    ] {
        assert!(text.contains(part), "{part}\n{text}");
    }
    assert!(
        text.contains("(objectivity.method = \"relative\" в файле настроек)"),
        "{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("relative.toml");
    std::fs::write(&cfg, "[objectivity]\nmethod = \"relative\"\n").unwrap();
    let relative = stdout_of(
        shnor()
            .args(["objectivity", "data-samples/region", "--config"])
            .arg(&cfg),
    );
    assert!(
        !relative.contains("Почему отмечено много школ"),
        "{relative}"
    );
}

/// Third fresh-eyes run, #8: two cells at one address in an xlsx sheet (a damaged file; calamine
/// keeps the last) are a counted warning naming the address, row and column, and a data error
/// at that row says so.
#[test]
fn two_cells_at_one_address_are_a_counted_warning() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ВПР дубль.xlsx");
    let head = marks_head();
    let school = |login: &str| row(&["2025", "4", "математика", login, "20", "5", "5", "5", "5"]);
    let rows = [head, school("edu990001"), school("edu990002")];
    text_workbook(&f, &[("Итоги", &rows)]);
    // a first E2 holding 40 before the sheet's own E2 (20, which calamine keeps)
    let dup = |x: String| x.replacen("<c r=\"E2\"", "<c r=\"E2\"><v>40</v></c><c r=\"E2\"", 1);
    edit_first_sheet(&f, dup);
    let v = json_of(shnor().arg("inspect").arg(&f).args(["--format", "json"]));
    let w = warning(&v["inputs"][0]["warnings"], "две ячейки с одним адресом");
    assert_eq!(w["count"], 1, "{w}");
    assert_eq!(
        w["examples"][0],
        "E2 (строка 2, столбец «Кол-во участников»)"
    );
    assert_eq!(v["totals"]["results"], 2, "{v:#}");
    // the other order: 40 read, the row's marks do not add up; the error names the address
    let g = dir.path().join("ВПР дубль 2.xlsx");
    text_workbook(&g, &[("Итоги", &rows)]);
    edit_first_sheet(&g, |x| {
        let at = x.find("<c r=\"F2\"").unwrap();
        format!("{}<c r=\"E2\" t=\"n\"><v>40</v></c>{}", &x[..at], &x[at..])
    });
    shnor().arg("inspect").arg(&g).assert().code(1).stderr(contains(
        "row 2 holds two cells at one address (E2 in column «Кол-во участников»): the last one is read",
    ));
}

/// A marks table with two title lines and a two-row header (x1): «Муниципалитет», «Логин», «ОО»,
/// «Кол-во участников» merged down rows 3–4, «Распределение отметок, %» merged over E3:H3 and
/// «2» «3» «4» «5» in row 4. Read as a marks table in percents, never as a directory of schools.
#[test]
fn a_two_row_marks_header_is_read_as_marks_not_as_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x1.xlsx");
    let mut rows = vec![
        row(&["Статистика по отметкам ВПР 2024"]),
        row(&["Математика, 5 класс"]),
        row(&[
            "Муниципалитет",
            "Логин",
            "ОО",
            "Кол-во участников",
            "Распределение отметок, %",
        ]),
        row(&["", "", "", "", "2", "3", "4", "5"]),
    ];
    rows.push(row(&[
        "район 0",
        "edu990000",
        "Школа 0",
        "40",
        "10",
        "20",
        "30",
        "40",
    ]));
    rows.push(row(&[
        "район 1",
        "edu990001",
        "Школа 1",
        "20",
        "5",
        "45",
        "25",
        "25",
    ]));
    text_workbook(&f, &[("Статистика", &rows)]);
    let v = json_of(shnor().arg("inspect").arg(&f).args(["--format", "json"]));
    assert_eq!(v["inputs"][0]["kind"], "marks", "{v:#}");
    assert_eq!(v["totals"]["results"], 2, "{v:#}");
    // percents: 10 % of 40 participants are 4 marks «2»
    let s = json_of(shnor().arg("select").arg(&f).args(["--format", "json"]));
    assert!(s.to_string().contains("edu990000"), "{s:#}");
    let v = json_of(
        shnor()
            .arg("inspect")
            .arg(&f)
            .args(["--kind", "marks", "--format", "json"]),
    );
    assert_eq!(v["inputs"][0]["kind"], "marks", "{v:#}");
    // the same header without the marks under the caption: a data error, not a directory
    let g = dir.path().join("x2.xlsx");
    rows[3] = row(&["", "", "", "", "", "", "", ""]);
    text_workbook(&g, &[("Статистика", &rows)]);
    shnor().arg("inspect").arg(&g).assert().code(1).stderr(contains(
        "x2.xlsx [лист «Статистика»]: header rows 3–4: a login column with a participants column «Кол-во участников» and a caption «Распределение отметок, %» (column E) over the mark columns, but no mark columns «2» «3» «4» «5»",
    ));
}

/// `select` with no results names, one line each, the inputs read and what each was read as.
#[test]
fn no_results_names_each_input_and_what_it_was_read_as() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dir.csv"), "Логин;ОО\nedu990001;Школа 1\n").unwrap();
    std::fs::write(dir.path().join("junk.csv"), "a;b\n1;2\n").unwrap();
    shnor()
        .arg("select")
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(contains("no results in the inputs"))
        .stderr(contains("dir.csv: справочник школ\n"))
        .stderr(contains("junk.csv: пропущен (не распознан заголовок)"));
}

/// Fourth fresh-eyes run, #1: a school that became effective left the list in its first quiet
/// year, and counted as effective only after `monitor.exit_years` of them: the reason says both
/// years (text and JSON, with `effective_year`), and the text note gives each school's name, one
/// school a line.
#[test]
fn monitor_says_when_a_school_that_left_became_effective() {
    let v = json_of(shnor().args(["monitor", "data-samples/region", "--format", "json"]));
    let l = v["left"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["login"] == "edu990014")
        .unwrap()
        .clone();
    assert_eq!(l["year"], 2024, "{l}");
    assert_eq!(l["effective_year"], 2025, "{l}");
    assert_eq!(
        l["reason"],
        "не кандидат: вышла в эффективный режим в 2025 (2 года без правил этапа 1: 2024, 2025)"
    );
    let text = stdout_of(shnor().args(["monitor", "data-samples/region"]));
    assert!(
        text.contains(
            "Покинули список:\n  edu990008 «МБОУ \"СОШ №8\"» — 2024: кандидат, не отобрана на этапе 3 (кластер «умеренно неуспевающие»)\n  edu990014 «МБОУ \"СОШ №14\"» — 2024: не кандидат: вышла в эффективный режим в 2025 (2 года без правил этапа 1: 2024, 2025)\n"
        ),
        "{text}"
    );
}

/// Fourth fresh-eyes run, #2: `synth --out` into a folder that holds files refuses (exit 2,
/// naming the folder and what it holds) instead of overwriting them, unless `--force`.
#[test]
fn synth_refuses_a_folder_with_files_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("region");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("registry.csv"), "mine").unwrap();
    shnor()
        .args(["synth", "--schools", "10", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains(&out.display().to_string()))
        .stderr(contains("registry.csv"));
    assert_eq!(std::fs::read(out.join("registry.csv")).unwrap(), b"mine");
    shnor()
        .args(["synth", "--schools", "10", "--force", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_ne!(std::fs::read(out.join("registry.csv")).unwrap(), b"mine");
}

/// Fourth fresh-eyes run, #3: a `synth --out` that cannot be created names the path.
#[test]
fn synth_names_an_out_it_cannot_create() {
    shnor()
        .args(["synth", "--schools", "10", "--out", "/proc/syn"])
        .assert()
        .code(3)
        .stderr(contains("/proc/syn"));
}

/// Fifth fresh-eyes run, #9: the README's regeneration command (`synth --seed 42 --schools 120
/// --years 2023-2025`) gives `data-samples/region` byte for byte (synth's largest-remainder
/// percents of 5703d32 had left the shipped ВПР_5-6 table behind).
#[test]
fn synth_seed_42_reproduces_the_sample_region() {
    let (_dir, out) = region(42, 120);
    let shipped = sample_region();
    let mut names: Vec<_> = std::fs::read_dir(&shipped)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    let mut made: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    made.sort();
    assert_eq!(names, made);
    for n in &names {
        assert!(
            std::fs::read(shipped.join(n)).unwrap() == std::fs::read(out.join(n)).unwrap(),
            "{} differs from synth --seed 42",
            n.to_string_lossy()
        );
    }
}

/// Fifth fresh-eyes run, #6: an .xlsx workbook renamed to .csv is named as a workbook (a zip
/// archive) with the extension to give it, not as «UTF-16?».
#[test]
fn a_workbook_named_csv_is_named_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("book.xlsx");
    text_workbook(&x, &[("Лист1", &[row(&["Логин", "ОО"])])]);
    let f = dir.path().join("ВПР 2025.csv");
    std::fs::copy(&x, &f).unwrap();
    shnor()
        .arg("inspect")
        .arg(&f)
        .assert()
        .code(1)
        .stderr(contains("ВПР 2025.csv: a zip archive, not a text CSV"))
        .stderr(contains("rename it to .xlsx"));
}

/// Fifth fresh-eyes run, #5: a config `selection.year` no input holds (1999, which the config
/// refused as «not a year», or 2030) is a usage error naming the key and the years the results hold.
#[test]
fn a_config_year_no_input_holds_names_the_years_held() {
    let dir = tempfile::tempdir().unwrap();
    let region = sample_region();
    for y in ["1999", "2030"] {
        let cfg = dir.path().join(format!("y{y}.toml"));
        std::fs::write(&cfg, format!("[selection]\nyear = {y}\n")).unwrap();
        shnor()
            .arg("select")
            .arg(&region)
            .arg("--config")
            .arg(&cfg)
            .assert()
            .code(2)
            .stderr(contains(&format!(
                "year {y} (selection.year of the config) is absent from the data: the results hold 2023, 2024, 2025"
            )));
    }
    let cfg = dir.path().join("y99.toml");
    std::fs::write(&cfg, "[selection]\nyear = 99\n").unwrap();
    shnor()
        .arg("select")
        .arg(&region)
        .arg("--config")
        .arg(&cfg)
        .assert()
        .code(2)
        .stderr(contains("\"latest\" or a four-digit year"));
}

/// Fifth fresh-eyes run, #7: a percent table whose «2»..«5» cells are empty says they are empty,
/// not that they «sum to 0,00».
#[test]
fn empty_percent_cells_are_named_empty() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ВПР 5 класс.csv");
    std::fs::write(
        &f,
        "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;5;математика;edu990001;20;;;;\n2025;5;математика;edu990002;20;2,5;10;50;37,5\n",
    )
    .unwrap();
    shnor()
        .arg("inspect")
        .arg(&f)
        .assert()
        .code(1)
        .stderr(contains(
            "ВПР 5 класс.csv, row 2: column «2..5»: «2»..«5» are empty: expected percents",
        ));
}

/// Fifth fresh-eyes run, #8: the objectivity note defines m and gives the configured t
/// (`objectivity.fioko_t`) and k (`objectivity.fioko_iqr_k`), not «95 %» and «3·IQR» whatever the
/// config says; each flag's interval names its t.
#[test]
fn the_objectivity_note_gives_the_configured_t_and_k() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("o.toml");
    std::fs::write(&cfg, "[objectivity]\nfioko_t = 2.58\nfioko_iqr_k = 1.5\n").unwrap();
    let region = sample_region();
    let out = stdout_of(
        shnor()
            .arg("objectivity")
            .arg(&region)
            .arg("--config")
            .arg(&cfg),
    );
    let note = out
        .lines()
        .find(|l| l.starts_with("Признаки:"))
        .unwrap_or_else(|| panic!("no note of the markers in {out}"));
    assert!(note.contains("m — число участников"), "{note}");
    assert!(note.contains("t = 2,58"), "{note}");
    assert!(note.contains("Q1 − k·IQR … Q3 + k·IQR (k = 1,5"), "{note}");
    assert!(!note.contains("95 %") && !note.contains("3·IQR"), "{note}");
    assert!(
        out.contains("интервал среднего балла школы x̄ ± t·s/√m (t = 2,58)"),
        "no flag names its t"
    );
    assert!(!out.contains("95 % интервал"), "{out}");
}

/// Fifth fresh-eyes run, #2, #3, #4: each per-pupil protocol warning names the row, the column by
/// the file's own header («Всего баллов», not «Итого баллов»), the value, what was expected and
/// what was done with the row: a journal mark «7» (silent before), a variant «x» (silent before),
/// a total «-3» (called «нечисловой»), a total above the maximum (which maximum, and that the
/// pupil is not counted), rows without a login (named with their column).
#[test]
fn per_pupil_warnings_name_row_column_value_expected_and_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir
        .path()
        .join("Проведение работы по математике, 4 класс. ВПР 2021.xlsx");
    let head = [
        "Логин школы",
        "Вариант",
        "Отметка за предыдущую четверть/триместр",
        "балл за 1",
        "балл за 2",
        "Всего баллов",
    ];
    let pupils = [
        ["edu990001", "1", "4", "2", "2", "4"],
        ["edu990001", "x", "4", "1", "1", "2"],
        ["edu990001", "1", "7", "1", "1", "2"],
        ["edu990001", "1", "нет отметки", "1", "1", "-3"],
        ["", "1", "4", "1", "1", "2"],
        ["", "1", "4", "1", "1", "2"],
        ["edu990001", "1", "4", "1", "1", "5"],
        ["edu990001", "1", "4", "", "", "25"],
        // third fresh-eyes run, #10: a total past any whole number a score can be was quoted as
        // 2147483647 «> max»; it is quoted as the cell reads
        ["edu990001", "1", "4", "", "", "4294967297"],
    ];
    let mut rows = vec![head.map(String::from).to_vec()];
    rows.extend(pupils.iter().map(|r| r.map(String::from).to_vec()));
    text_workbook(&p, &[("Sheet", &rows)]);
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let w = &v["inputs"][0]["warnings"];
    let ex = |words: &str| warning(w, words)["examples"].clone();
    assert_eq!(
        ex("отметка за четверть")[0],
        "строка 4, «Отметка за предыдущую четверть/триместр»: «7», ожидалась отметка 1–5 или пусто (нет отметки)"
    );
    assert_eq!(
        ex("вариант")[0],
        "строка 3, «Вариант»: «x», ожидался номер варианта или «отсутствовал»"
    );
    assert_eq!(
        ex("нечисловой первичный балл")[0],
        "строка 5, «Всего баллов»: «-3», ожидался первичный балл: целое число от 0 до максимума шкалы"
    );
    assert_eq!(
        ex("нечисловой первичный балл")[1],
        "строка 10, «Всего баллов»: «4294967297», ожидался первичный балл: целое число от 0 до максимума шкалы"
    );
    let login = warning(w, "строка без логина");
    assert_eq!(login["count"], 2);
    assert_eq!(login["examples"][0], "строка 6, «Логин школы»: пусто");
    assert_eq!(login["examples"][1], "строка 7, «Логин школы»: пусто");
    assert_eq!(
        ex("не равно сумме баллов")[0],
        "строка 8, «Всего баллов»: 5 ≠ 2 (сумма баллов за задания)"
    );
    assert_eq!(
        ex("выше максимума")[0],
        "строка 9, «Всего баллов»: 25 > 20 (максимум шкалы)"
    );
}

/// Fifth fresh-eyes run, #1: the schools that left the list, with the reason and the year of the
/// exit into the effective mode, are in `monitor --format csv --csv-table changes`, in the
/// report's workbook (sheet «Вход и выход»), its CSV (`csv/list_changes.csv`) and its page.
#[test]
fn the_schools_that_left_the_list_are_in_the_csv_and_the_report() {
    let region = sample_region();
    let csv = stdout_of(shnor().arg("monitor").arg(&region).args([
        "--format",
        "csv",
        "--csv-table",
        "changes",
    ]));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "Год,Событие,Логин,Школа,Муниципалитет,Последний отбор,Причина выхода,Кластер,Эффективный режим с"
    );
    let effective = "2024,покинула список,edu990014,\"МБОУ \"\"СОШ №14\"\"\",Луговской муниципальный район,2023,\"не кандидат: вышла в эффективный режим в 2025 (2 года без правил этапа 1: 2024, 2025)\",,2025";
    assert!(csv.lines().any(|l| l == effective), "{csv}");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("2025,покинула список,edu990106,")
                && l.contains("\"кандидат, не отобрана на этапе 3\",сильно неуспевающие,")),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("2025,вошла в список,edu990104,")),
        "{csv}"
    );
    let transitions = stdout_of(shnor().arg("monitor").arg(&region).args([
        "--format",
        "csv",
        "--csv-table",
        "transitions",
    ]));
    assert!(transitions.starts_with("Годы,Из,В,Школ\n"), "{transitions}");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    shnor()
        .arg("report")
        .arg(&region)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let report_csv = std::fs::read_to_string(out.join("csv/list_changes.csv")).unwrap();
    assert_eq!(report_csv, csv);
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(out.join("shnor-report.xlsx")).unwrap();
    let sheet = wb.worksheet_range("Вход и выход").unwrap();
    let text = |d: &calamine::Data| d.to_string();
    assert!(sheet
        .rows()
        .any(|r| text(&r[2]) == "edu990014" && text(&r[8]) == "2025"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let at = html
        .find("<h2>Вход в список и выход из него</h2>")
        .expect("no section");
    assert!(html[at..].contains("<td>edu990014</td>"));
}

/// Sixth fresh-eyes run, #6: `monitor --years` that keeps fewer than two of the data's years says
/// so (the years it keeps), not only which years the data hold.
#[test]
fn monitor_says_when_its_years_filter_leaves_too_few() {
    let region = sample_region();
    shnor()
        .arg("monitor")
        .arg(&region)
        .args(["--years", "2030-2031"])
        .assert()
        .code(2)
        .stderr(contains(
            "the data hold 2023, 2024, 2025 (--years 2030-2031 keeps no year)",
        ));
}

/// Sixth fresh-eyes run, #7: `compare --procedure ВПР:математика` (no grade) pools grades 4–6 and
/// its title says so, not «ВПР математика» as if it were one procedure.
#[test]
fn a_compare_of_pooled_grades_names_them() {
    let region = sample_region();
    let out = stdout_of(
        shnor()
            .arg("compare")
            .arg(&region)
            .args(["--procedure", "ВПР:математика"]),
    );
    assert!(
        out.starts_with("ВПР математика 4, 5, 6 кл. вместе, 2025 (регион 99)"),
        "{out}"
    );
}

/// Tidy: `monitor --csv-table` chooses the one table a CSV holds; given with another format (or
/// with none, the table format) it went unused in silence. It is a usage error that says it needs
/// `--format csv`; `--excel`, which implies CSV, takes it.
#[test]
fn monitor_csv_table_without_csv_format_is_a_usage_error() {
    let region = sample_region();
    for format in [None, Some("table"), Some("md"), Some("json")] {
        let mut cmd = shnor();
        cmd.arg("monitor")
            .arg(&region)
            .args(["--csv-table", "changes"]);
        if let Some(f) = format {
            cmd.args(["--format", f]);
        }
        cmd.assert()
            .code(2)
            .stderr(contains(
                "--csv-table chooses the table of a CSV and needs --format csv",
            ))
            .stderr(contains(&format!(
                "--format {} shows every table",
                format.unwrap_or("table")
            )));
    }
    let excel = stdout_of(shnor().arg("monitor").arg(&region).args([
        "--excel",
        "--csv-table",
        "transitions",
    ]));
    assert!(excel.starts_with("\u{feff}Годы;Из;В;Школ"), "{excel}");
}

/// Tidy: a named file whose only table is a header with nothing below is a data error in one
/// language: the kind and row of the header in the error's words, not the load report's Russian
/// reason («таблица без строк данных … под ним ничего») inside an English sentence.
#[test]
fn a_named_header_without_rows_is_an_error_in_the_errors_words() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("header_only.csv");
    std::fs::write(&f, "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n").unwrap();
    let out = shnor().arg("inspect").arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("header_only.csv: a table header with no data rows below it (a header of kind «marks» on row 1, nothing below; the sheet is not loaded)"),
        "{err}"
    );
    assert!(!err.contains("под ним ничего"), "{err}");
}

/// Session 8 #1: a non-numeric «Средний балл» (an optional number column) is a data error naming
/// file, row, column, expected and found — with `--lenient` a counted, named warning — in the
/// simple ОГЭ/ЕГЭ table and in the flat ВПР table, not a mean silently left empty.
#[test]
fn a_word_in_the_mean_score_column_is_a_data_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(sample_region().join("ОГЭ математика 2024.csv")).unwrap();
    let bad = text.replacen(";24,38;", ";abc;", 1);
    assert_ne!(bad, text);
    let f = dir.path().join("badnum.csv");
    std::fs::write(&f, bad).unwrap();
    let args = [
        "--file-year",
        "2024",
        "--assessment",
        "ОГЭ",
        "--subject",
        "математика",
        "--grade",
        "9",
        "--all",
    ];
    shnor()
        .arg("select")
        .arg(&f)
        .args(args)
        .assert()
        .code(1)
        .stderr(contains(
            "badnum.csv, row 3: column «Средний балл»: expected a number, found «abc»",
        ));
    let v =
        json_of(
            shnor()
                .arg("select")
                .arg(&f)
                .args(args)
                .args(["--lenient", "--format", "json"]),
        );
    let w = warning(&v["load_warnings"]["inputs"][0]["warnings"], "--lenient");
    assert_eq!(w["count"], 1, "{w}");
    // the flat ВПР table's mean score
    let flat = dir.path().join("vpr_mean.csv");
    std::fs::write(
        &flat,
        "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5;Средний балл\n2025;4;математика;edu990001;20;5;5;5;5;н/д\n",
    )
    .unwrap();
    shnor()
        .arg("inspect")
        .arg(&flat)
        .assert()
        .code(1)
        .stderr(contains(
            "vpr_mean.csv, row 2: column «Средний балл»: expected a number, found «н/д»",
        ));
}

/// Session 8 #2: `report` says on standard error where it wrote what — the folder, its files, the
/// number of schools selected — in Russian; nothing with `--quiet`.
#[test]
fn report_says_where_it_wrote_what() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rep");
    let run = shnor()
        .arg("report")
        .arg(sample_region())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    let err = String::from_utf8_lossy(&run.stderr);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let csv = std::fs::read_dir(out.join("csv")).unwrap().count();
    assert_eq!(
        err.trim_end(),
        format!(
            "shnor report: отчёт записан в {}: shnor-report.xlsx, report.html, manifest.json и csv/ (таблиц CSV: {csv}); отобрано школ: {}",
            out.display(),
            manifest["counts"]["selected"]
        )
    );
    let quiet = shnor()
        .arg("report")
        .arg(sample_region())
        .arg("--out")
        .arg(&out)
        .args(["--force", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(quiet.status.code(), Some(0));
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
}

/// Session 8 #3: the report's «Входные данные» sheet and `csv/inputs.csv` show each input's kind
/// in the Russian words `inspect` shows («реестр школ»), not its code (`registry`).
#[test]
fn the_reports_inputs_table_names_kinds_in_russian() {
    use calamine::Reader;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rep");
    shnor()
        .arg("report")
        .arg(sample_region())
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0);
    let csv = std::fs::read_to_string(out.join("csv/inputs.csv")).unwrap();
    assert!(csv.contains("\nregistry.csv,,реестр школ,"), "{csv}");
    assert!(
        csv.contains("\nrisk_profiles.csv,,рисковые профили,"),
        "{csv}"
    );
    assert!(
        !csv.contains(",registry,") && !csv.contains(",risk,"),
        "{csv}"
    );
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(out.join("shnor-report.xlsx")).unwrap();
    let sheet = wb.worksheet_range("Входные данные").unwrap();
    let kinds: Vec<String> = sheet.rows().map(|r| r[2].to_string()).collect();
    assert!(kinds.iter().any(|k| k == "реестр школ"), "{kinds:?}");
    assert!(!kinds.iter().any(|k| k == "registry"), "{kinds:?}");
}

/// Session 8 #4: a config saved in Windows-1251 is a usage error saying the file is not UTF-8
/// (likely Windows-1251, quoting its line as such) and to save it as UTF-8 — not «stream did not
/// contain valid UTF-8».
#[test]
fn a_config_in_windows_1251_says_save_it_as_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("w.toml");
    write_cp1251(&f, "[stage3]\ntie = \"инфраструктурные\"\n");
    let out = shnor()
        .args(["config", "--check"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("w.toml: the file is not UTF-8 (line 2; likely Windows-1251, which reads it as «tie = \"инфраструктурные\"»)"),
        "{err}"
    );
    assert!(err.contains("save it as UTF-8"), "{err}");
    assert!(!err.contains("stream did not contain"), "{err}");
}

/// Newcomer finding 10: a config saved as UTF-16 (Notepad's «Unicode», a byte-order mark `FF FE`)
/// was called «likely Windows-1251»; and `config --check` named its file `--config`.
#[test]
fn a_utf16_config_says_utf16_and_check_names_its_own_option() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("u.toml");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(
        "[stage1]\nthreshold = 0.3\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    std::fs::write(&f, bytes).unwrap();
    shnor()
        .args(["config", "--check"])
        .arg(&f)
        .assert()
        .code(2)
        .stderr(contains("--check "))
        .stderr(contains(
            "u.toml: the file is UTF-16 (Notepad's «Unicode»), not UTF-8",
        ));
    shnor()
        .args(["select", "--config"])
        .arg(&f)
        .arg(sample_region())
        .assert()
        .code(2)
        .stderr(contains("--config "))
        .stderr(contains("the file is UTF-16"));
    shnor()
        .args(["config", "--check"])
        .arg(dir.path().join("absent.toml"))
        .assert()
        .code(2)
        .stderr(contains("--check "))
        .stderr(contains("absent.toml: cannot read"));
}

/// Session 8 #6: a stratum twice in `stage1.strata` is a config error naming the key, the stratum
/// and where it appears.
#[test]
fn a_stratum_twice_in_the_config_is_a_config_error() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("d.toml");
    std::fs::write(&f, "[stage1]\nstrata = [\"ovz\", \"ovz\", \"regular\"]\n").unwrap();
    shnor()
        .args(["config", "--check"])
        .arg(&f)
        .assert()
        .code(2)
        .stderr(contains(
            "config key stage1.strata: \"ovz\" appears twice (items 1 and 2)",
        ));
}

/// Fresh-eyes run (2026-11-30): `compare --procedure ВПР:матем:4` said «unknown subject «матем»»
/// without saying which subjects shnor knows.
#[test]
fn an_unknown_procedure_subject_lists_the_known_subjects() {
    shnor()
        .arg("compare")
        .arg(sample_region())
        .args(["--procedure", "ВПР:матем:4"])
        .assert()
        .code(2)
        .stderr(contains("unknown subject «матем»; known: математика, "))
        .stderr(contains("русский язык"));
}

/// Tidy #1 (session 9): on Алтай 2021 `per_group` listed a thirteenth group, «умеренно
/// неуспевающие / село / не определён», for a school whose deficit is unknown, while the text
/// counted 12. METHOD.md §2: a school whose settlement is unknown is in the group `unknown`; the
/// 12 groups are cluster × {город, село} × {кадровые, инфраструктурные}. So `per_group` lists the
/// 12 and nothing else, the schools outside them are counted in `unknown_group` with the part not
/// known, and the text says so beside «непустых групп … из 12».
#[test]
fn schools_with_an_unknown_group_part_are_outside_the_twelve_groups() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("vpr_marks.csv"),
        "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n\
         2025;4;математика;edu990001;10;5;3;1;1\n\
         2025;4;русский язык;edu990001;10;5;3;1;1\n\
         2025;4;математика;edu990002;10;4;4;1;1\n\
         2025;4;русский язык;edu990002;10;4;4;1;1\n",
    )
    .unwrap();
    // a registry that tells the first school's settlement and nothing of either deficit
    std::fs::write(
        d.path().join("registry.csv"),
        "login;name;municipality;settlement\nedu990001;Школа 1;Район;село\n",
    )
    .unwrap();
    let v = json_of(
        shnor()
            .arg("select")
            .arg(d.path())
            .args(["--all", "--format", "json"]),
    );
    let s = &v["summary"];
    assert_eq!(s["confirmed"], 2, "{s:#}");
    let groups = s["per_group"].as_object().unwrap();
    assert_eq!(groups.len(), 12, "{groups:#?}");
    assert!(
        groups.keys().all(|g| !g.contains("не определён")),
        "{groups:#?}"
    );
    assert_eq!(s["groups_nonempty"], 0, "{s:#}");
    assert_eq!(
        s["unknown_group"],
        serde_json::json!({"confirmed": 2, "selected": 2, "settlement_unknown": 1, "deficit_unknown": 2}),
        "{s:#}"
    );
    let table = stdout_of(shnor().arg("select").arg(d.path()));
    assert!(
        table.contains("(непустых групп 0 из 12; вне 12 групп, в группе «не определена» (не известен тип населённого пункта: 1, дефицит: 2): подтверждено 2, отобрано 2)."),
        "{table}"
    );
}

/// Tidy #2 (session 9): warnings and errors showed internal school keys (`gia:1003`) where tables
/// show «код ГИА 1003»: every text people read says the key in their words; JSON keeps the key,
/// as its `login` does.
#[test]
fn warnings_and_errors_name_a_school_key_in_words() {
    let d = tempfile::tempdir().unwrap();
    let src = sample_region().join("ОГЭ математика 2025.csv");
    std::fs::copy(&src, d.path().join("ОГЭ математика 2025.csv")).unwrap();
    let table = stdout_of(shnor().arg("select").arg(d.path()));
    let notes = &table[table.find("Предупреждения:").unwrap()..];
    assert!(
        notes.contains("(напр. код ГИА 1000; код ГИА 1001"),
        "{notes}"
    );
    assert!(!notes.contains("gia:"), "{notes}");
    let v = json_of(
        shnor()
            .arg("select")
            .arg(d.path())
            .args(["--format", "json"]),
    );
    assert!(
        v["summary"]["warnings"].to_string().contains("gia:1000"),
        "{v:#}"
    );
    let story = stdout_of(shnor().arg("explain").arg("gia:1003").arg(d.path()));
    assert!(story.starts_with("код ГИА 1003 — "), "{story}");
    shnor()
        .arg("explain")
        .arg("gia:9999")
        .arg(d.path())
        .assert()
        .code(2)
        .stderr(contains("shnor: error: код ГИА 9999: no such school"));
}

/// Tidy #3 (session 9): `sweep --param stage1.rule=risk,botom` said «not numbers»: a value of a
/// choice key is checked as the config checks it, and a typo names the key and the allowed values
/// (before the inputs are read).
#[test]
fn a_typo_in_a_swept_choice_names_the_key_and_the_allowed_values() {
    let d = tempfile::tempdir().unwrap();
    for (param, allowed) in [
        (
            "stage1.rule=risk,botom",
            "«botom», expected one of risk, bottom",
        ),
        ("index.method=pcа", "«pcа», expected one of zscore, pca"),
        (
            "deficit.tie=кадры",
            "«кадры», expected one of кадровые, инфраструктурные",
        ),
    ] {
        let key = param.split('=').next().unwrap();
        shnor()
            .arg("sweep")
            .arg(d.path())
            .args(["--param", param])
            .assert()
            .code(2)
            .stderr(contains(&format!(
                "--param {param}: config key {key}: unknown value {allowed}"
            )));
    }
}

/// A tester could not sweep a choice (`sweep` varied numbers only): `stage1.rule=risk,bottom` gives a
/// row per word, and the `bottom` row's list is `select`'s with `stage1.rule = "bottom"`.
#[test]
fn a_choice_key_is_swept_over_its_words() {
    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("bottom.toml");
    std::fs::write(&cfg, "[stage1]\nrule = \"bottom\"\n").unwrap();
    let out = shnor()
        .args(["sweep", "data-samples/region", "--format", "json"])
        .args(["--param", "stage1.rule=risk,bottom"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sweep: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let points = sweep["points"].as_array().unwrap();
    assert_eq!(points.len(), 2);
    assert_eq!(points[1]["values"]["stage1.rule"], "bottom");
    let out = shnor()
        .args([
            "select",
            "data-samples/region",
            "--format",
            "json",
            "--config",
        ])
        .arg(&cfg)
        .output()
        .unwrap();
    let select: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let selected = select["schools"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["selected"] == true)
        .count();
    assert_eq!(points[1]["size"], selected);
    assert_eq!(points[0]["jaccard"], 1.0);
}

/// A tester removed the header line of a CSV in a copy of the sample region: `select` returned 6
/// schools instead of 11 and said nothing (only `inspect` showed the skip). A table in a folder
/// whose header matches no kind is now a counted warning naming it.
#[test]
fn a_table_skipped_in_a_folder_is_named_beside_the_results() {
    let d = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir("data-samples/region").unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, d.path().join(p.file_name().unwrap())).unwrap();
    }
    let name = "ВПР_5-6_классы_по_школам.csv";
    let bytes = std::fs::read(d.path().join(name)).unwrap();
    // the title line and the header line removed: the first line left is a data row
    let mut lines = bytes.splitn(3, |&b| b == b'\n');
    let body = lines.nth(2).unwrap().to_vec();
    std::fs::write(d.path().join(name), body).unwrap();
    let out = stdout_of(shnor().arg("select").arg(d.path()));
    let line = out
        .lines()
        .find(|l| l.contains("таблица в папке не распознана"))
        .unwrap_or_else(|| panic!("no warning for the skipped table:\n{out}"));
    assert!(line.contains(name), "{line}");
}

/// Fresh-eyes (session 9) #2: every run prints «код ГИА 1000 → edu990001» yet `explain 1000` said
/// «no such school»: explain takes a ГИА code, an ИНН (when the identity map holds one) and a name;
/// a name two schools of different municipalities share is a usage error listing both with their
/// municipality, never a silent pick.
#[test]
fn explain_takes_a_gia_code_an_inn_and_a_name_and_refuses_an_ambiguous_name() {
    let d = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(sample_region()).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, d.path().join(f.file_name().unwrap())).unwrap();
    }
    let registry = d.path().join("registry.csv");
    let text: String = std::fs::read_to_string(&registry)
        .unwrap()
        .lines()
        .map(|l| match l.split(';').next().unwrap() {
            "login" => format!("{l};inn\n"),
            "edu990004" => format!("{l};8601000004\n"),
            "edu990003" => l.replace("МКОУ \"Сельская СОШ №3\"", "МБОУ \"СОШ №2\"") + ";\n",
            _ => format!("{l};\n"),
        })
        .collect();
    std::fs::write(&registry, text).unwrap();
    for (arg, head) in [
        ("1000", "edu990001 — МБОУ \"СОШ №1\", город Заречный\n"),
        ("8601000004", "edu990004 — МБОУ \"СОШ №4\", город Каменск\n"),
        ("МБОУ \"СОШ №4\"", "edu990004 — "),
    ] {
        let story = stdout_of(shnor().arg("explain").arg(arg).arg(d.path()));
        assert!(story.starts_with(head), "{arg}: {story}");
    }
    shnor()
        .arg("explain")
        .arg("МБОУ «СОШ №2»")
        .arg(d.path())
        .assert()
        .code(2)
        .stderr(contains("«МБОУ «СОШ №2»»: several schools have this name: edu990002 «МБОУ \"СОШ №2\"» (Берёзовский муниципальный район), edu990003 «МБОУ \"СОШ №2\"» (Озёрный муниципальный район)"));
}
