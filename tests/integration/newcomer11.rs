//! Defects found on 2026-11-30 (late night) by the eleventh fresh-eyes run.
use crate::util::*;

/// `inspect --format json`'s input for an ОГЭ sheet of `rows` (two schools: 108 and 75
/// participants), checked to load as a `gia` table of both.
fn inspect_two_school_gia_sheet(rows: &[Vec<&str>]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ОГЭ математика 2025.xlsx");
    text_workbook(&p, &[("ОГЭ 2025", rows)]);
    let i = inspect_first(&p, &[]);
    assert_eq!(
        (&i["kind"], &i["rows"], &i["participants"]),
        (&"gia".into(), &2.into(), &183.into()),
        "{i}"
    );
    i
}

/// The region's pupils below the minimum and its participants with that figure (`compare --format
/// json`, the first block) of a flat ОГЭ table written from `text`.
fn region_below(text: &str) -> (u64, u64) {
    let (code, out) = run_on_text(
        "compare",
        "ОГЭ математика 2025.csv",
        text,
        &["--format", "json"],
    );
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let region = &v["blocks"][0]["region"];
    (
        region["below"].as_u64().unwrap(),
        region["below_n"].as_u64().unwrap(),
    )
}

/// Run 11, #1: a blank or a dash in a flat ОГЭ table's «Доля не преодолевших минимальный порог»
/// left the school's result out of the share below the minimum without a word, while its
/// participants still counted; it is a counted warning naming row, column and cell.
#[test]
fn a_dash_for_a_gia_share_is_named() {
    let head = "Код ОО;Наименование ОО;Количество участников;Средний балл;Доля не преодолевших минимальный порог";
    let text = format!("{head}\n1000;МБОУ \"СОШ №1\";108;25,50;3,70\n1001;МБОУ \"СОШ №2\";75;23,82;—\n1002;МБОУ \"СОШ №3\";31;24,58;\n1003;МБОУ \"СОШ №4\";0;;\n");
    let i = inspect_text("ОГЭ математика 2025.csv", &text);
    let w = warning(
        &i["warnings"],
        "в строке ОГЭ/ЕГЭ не дано (пусто или прочерк)",
    );
    assert_eq!(w["count"], 2, "{w}");
    let examples = w["examples"].to_string();
    assert!(
        examples.contains("строка 3, столбец «Доля не преодолевших минимальный порог»: «—»"),
        "{examples}"
    );
    assert!(
        examples.contains("строка 4") && examples.contains("«пусто»"),
        "{examples}"
    );
}

/// Run 11, #5: a flat ОГЭ table that counts the pupils below the minimum («Количество не
/// преодолевших минимальный порог», «Не преодолели минимальный порог, чел.») contributed nothing,
/// exit 0; the count is read as the pupils below the minimum, and a count above the participants
/// is a data error naming row and column.
#[test]
fn a_count_below_the_minimum_is_read() {
    for caption in [
        "Количество не преодолевших минимальный порог",
        "Не преодолели минимальный порог, чел.",
    ] {
        let head = format!("Код ОО;Наименование ОО;Количество участников;Средний балл;{caption}");
        let text =
            format!("{head}\n1000;МБОУ \"СОШ №1\";108;25,50;4\n1001;МБОУ \"СОШ №2\";75;23,82;2\n");
        assert_eq!(region_below(&text), (6, 183));
        let i = inspect_text("ОГЭ математика 2025.csv", &text);
        assert_eq!(i["kind"], "gia", "{caption}: {i}");
        assert!(
            find_warning(&i["warnings"], "не даёт данных").is_none(),
            "{caption}: {i}"
        );
        let bad = format!("{head}\n1000;МБОУ \"СОШ №1\";108;25,50;109\n");
        let (code, err) = run_on_text("inspect", "ОГЭ математика 2025.csv", &bad, &[]);
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains("row 2") && err.contains(caption) && err.contains("0–108"),
            "{err}"
        );
    }
}

/// Run 11, #3: an ОГЭ sheet whose figures' captions sit under a caption merged over them
/// («Результаты» over «Количество участников», «Средний балл», «Доля не преодолевших…») was
/// «не распознана» and skipped in a folder, exit 0; the two rows are read as one header.
#[test]
fn a_gia_sheet_with_a_two_row_header_loads() {
    let rows: Vec<Vec<&str>> = vec![
        vec!["Результаты ОГЭ по математике в 2025 году"],
        vec![],
        vec!["Муниципалитет", "Код ОО", "Наименование ОО", "Результаты"],
        vec![
            "",
            "",
            "",
            "Количество участников",
            "Средний балл",
            "Доля не преодолевших минимальный порог, %",
        ],
        vec![
            "город Заречный",
            "1000",
            "МБОУ \"СОШ №1\"",
            "108",
            "25,50",
            "3,70",
        ],
        vec![
            "город Заречный",
            "1001",
            "МБОУ \"СОШ №2\"",
            "75",
            "23,82",
            "2,67",
        ],
    ];
    inspect_two_school_gia_sheet(&rows);
}

/// Run 11, #2: a wide risk-profile table (one column per factor) whose caption of a factor is
/// spelt otherwise («оснащённости» for «оснащения») dropped the column without a word; it is a
/// counted warning naming the column and the nearest factor. The long table's error names the
/// nearest factor too.
#[test]
fn a_misspelt_factor_column_is_named() {
    let head = "Логин;Год;Низкий уровень оснащённости школы;Дефицит педагогических кадров;Низкая учебная мотивация обучающихся;Высокая доля обучающихся с ОВЗ";
    let text = format!("{head}\nedu220001;2025;высокий;низкий;средний;низкий\n");
    let i = inspect_text("Рисковые профили 2025.csv", &text);
    assert_eq!(i["kind"], "risk", "{i}");
    let w = warning(&i["warnings"], "похож на фактор риска");
    assert_eq!(w["count"], 1, "{w}");
    assert!(w["examples"][0].as_str().unwrap().contains(
        "«Низкий уровень оснащённости школы» (ближе всего: «Низкий уровень оснащения школы»)"
    ));
    // a caption far from every factor is named among the columns not read (run 12)
    let far = "Логин;Год;Дефицит педагогов;Низкая учебная мотивация обучающихся;Высокая доля обучающихся с ОВЗ;Низкий уровень оснащения школы\nedu220001;2025;высокий;средний;низкий;низкий\n";
    let i = inspect_text("Рисковые профили 2025.csv", far);
    let w = warning(&i["warnings"], "не все десять факторов");
    assert_eq!(w["examples"][0], "«Дефицит педагогов»", "{w}");
    let long = "Логин,Год,Фактор риска,Уровень\nedu220001,2025,Низкий уровень оснащённости школы,высокий\n";
    let (code, err) = run_on_text("inspect", "Рисковые профили 2025.csv", long, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("ближе всего: «Низкий уровень оснащения школы»"),
        "{err}"
    );
}

/// Run 11, #5: the 2022 context form with question 14 reworded left every school's settlement
/// unknown without a word. A rewording that still asks where the school is («Где находится…») is
/// read; one that does not is a counted warning naming the question.
#[test]
fn a_context_form_question_not_found_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("Сбор контекстных данных об ОО (2022).xlsx");
    let form = |q14: &str| -> Vec<Vec<String>> {
        let head = [
            "Пользователь",
            "Школа",
            "6. ИНН",
            "13. Число зданий",
            q14,
            "15. Число смен",
        ];
        let row = [
            "edu220001",
            "МБОУ СОШ №1",
            "2201000001",
            "1",
            "4) Населенный пункт сельского типа",
            "1",
        ];
        vec![
            head.iter().map(|s| s.to_string()).collect(),
            row.iter().map(|s| s.to_string()).collect(),
        ]
    };
    for (q14, missing) in [
        ("14. Где находится образовательная организация?", false),
        ("14. Расположение образовательной организации", true),
    ] {
        text_workbook(&p, &[("Общая информация об ОО", &form(q14))]);
        let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
        let i = &v["inputs"][0];
        assert_eq!(i["kind"], "context-form", "{i}");
        let w = find_warning(&i["warnings"], "не найден вопрос");
        assert_eq!(w.is_some(), missing, "{q14}: {i}");
        if missing {
            assert!(w.unwrap()["examples"][0]
                .as_str()
                .unwrap()
                .contains("14. Где расположена"));
        }
    }
}

/// Run 11, #7: without a registry every confirmed school is outside the 12 groups; the report's
/// «12 групп» sheet showed twelve rows of zeros beside «подтверждено 11, отобрано 2». It ends with
/// the row of the schools whose group is not known, so that it adds up to the stage counts.
#[test]
fn the_groups_sheet_counts_the_schools_outside_the_12_groups() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("region");
    std::fs::create_dir(&data).unwrap();
    for e in std::fs::read_dir(sample_region()).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() != "registry.csv" {
            std::fs::copy(&p, data.join(p.file_name().unwrap())).unwrap();
        }
    }
    let out = dir.path().join("out");
    shnor()
        .arg("report")
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .success();
    let groups = std::fs::read_to_string(out.join("csv/groups.csv")).unwrap();
    let last = groups.lines().last().unwrap();
    assert!(last.starts_with("не определена"), "{groups}");
    let v = json_of(shnor().arg("select").arg(&data).args(["--format", "json"]));
    let u = &v["summary"]["unknown_group"];
    assert!(u["confirmed"].as_u64().unwrap() > 0, "{u}");
    assert!(
        last.ends_with(&format!(",{},{}", u["confirmed"], u["selected"])),
        "{last} vs {u}"
    );
}

/// Run 11, #11: `explain 001016` (the ГИА code as the ОГЭ file writes it) found no school while
/// `explain 1016` did; a code is matched as the loaders key it, leading zeros dropped.
#[test]
fn explain_finds_a_school_by_its_gia_code_with_leading_zeros() {
    let out = stdout_of(shnor().arg("explain").arg("001016").arg(sample_region()));
    assert!(out.starts_with("edu990017 — "), "{out}");
}

/// Run 11, #14: `objectivity` on inputs no screen can read (an ЕГЭ form) headlined «0 школо-лет с
/// сигналом», which reads as «checked, all clean»; it says that nothing was screened, as the
/// report does.
#[test]
fn objectivity_without_a_screen_says_so() {
    let text = "Код ОО;Наименование ОО;Количество участников;Доля не преодолевших минимальный порог\n1000;МБОУ \"СОШ №1\";108;3,70\n";
    let (code, out) = run_on_text("objectivity", "ОГЭ математика 2025.csv", text, &[]);
    assert_eq!(code, 0, "{out}");
    let title = out.lines().next().unwrap();
    assert!(title.contains("скрининг не проводился"), "{out}");
    assert!(!title.contains("с сигналом"), "{out}");
}

/// Run 11, #17: on results without marks (an ОГЭ table of shares) the report's «Кластеры» chart
/// drew axes and a legend and no point; it says why there is none.
#[test]
fn the_clusters_chart_of_no_point_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ОГЭ математика 2025.csv");
    let rows: String = (0..12)
        .map(|i| {
            format!(
                "{};МБОУ \"СОШ №{i}\";{};{}\n",
                1000 + i,
                20 + i,
                5 * (i % 7)
            )
        })
        .collect();
    std::fs::write(&p, format!("Код ОО;Наименование ОО;Количество участников;Доля не преодолевших минимальный порог\n{rows}")).unwrap();
    let out = dir.path().join("out");
    shnor()
        .arg("report")
        .arg(&p)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("Нет данных: качество («4» и «5») есть только"),
        "no reason for the empty chart"
    );
    assert!(!html.contains("id=\"chart-clusters\""));
}

/// Run 11, #10: a share rounded to whole percents that two counts give (14 % of 111: 15 or 16
/// pupils) was taken as one of them without a word; it is counted as rebuilt from percents, and a
/// share with decimals enough (13,51 %) is not.
#[test]
fn a_share_two_counts_give_is_counted_as_rebuilt() {
    let head =
        "Код ОО;Наименование ОО;Количество участников;Доля не преодолевших минимальный порог";
    let coarse = format!("{head}\n1025;МБОУ \"СОШ №26\";111;14\n1026;МБОУ \"СОШ №27\";100;13\n");
    let i = inspect_text("ОГЭ математика 2025.csv", &coarse);
    let w = warning(&i["warnings"], "counts reconstructed from percents");
    assert_eq!(
        (&w["count"], &w["examples"][0]),
        (&1.into(), &"строка 2".into()),
        "{w}"
    );
    let fine = format!("{head}\n1025;МБОУ \"СОШ №26\";111;13,51\n");
    let i = inspect_text("ОГЭ математика 2025.csv", &fine);
    assert!(
        find_warning(&i["warnings"], "counts reconstructed").is_none(),
        "{i}"
    );
}

/// Run 11, #8: a flat ОГЭ table with both «Логин» and «Код ОО» keys its schools by code; the
/// login column was passed over without a word, so a login naming another school went unseen.
#[test]
fn a_login_beside_the_gia_code_is_named_as_not_read() {
    let text = "Логин;Код ОО;Наименование ОО;Количество участников;Доля не преодолевших минимальный порог\nedu990001;1045;МБОУ \"СОШ №46\";117;45,30\n";
    let i = inspect_text("ОГЭ математика 2025.csv", text);
    assert_eq!(i["kind"], "gia", "{i}");
    let w = warning(&i["warnings"], "столбец логина не прочитан");
    assert_eq!(w["examples"][0], "столбец «Логин»");
}

/// Run 11, #12: two tables stacked in one file (a second year's header under the first table)
/// gave «expected a number, found «Количество участников»» without saying why; the error names a
/// repeated header row.
#[test]
fn a_header_repeated_under_the_table_is_named() {
    let head =
        "Код ОО;Наименование ОО;Количество участников;Доля не преодолевших минимальный порог";
    let text =
        format!("{head}\n1000;МБОУ \"СОШ №1\";108;3,70\n{head}\n1000;МБОУ \"СОШ №1\";100;4,00\n");
    let (code, err) = run_on_text("inspect", "ОГЭ математика 2024 и 2025.csv", &text, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("row 3") && err.contains("a header row repeated under the table"),
        "{err}"
    );
}

/// Run 11, #18: `monitor --years 2024-2026` on data of 2023–2025 showed 2024–2025 without a word;
/// the years asked for without data are named (and listed in JSON).
#[test]
fn monitor_names_the_years_asked_without_data() {
    let text = stdout_of(
        shnor()
            .arg("monitor")
            .arg(sample_region())
            .args(["--years", "2024-2026"]),
    );
    assert!(
        text.contains("--years 2024-2026: нет результатов с долей ниже минимума за 2026"),
        "{text}"
    );
    let v = json_of(shnor().arg("monitor").arg(sample_region()).args([
        "--years",
        "2024-2026",
        "--format",
        "json",
    ]));
    assert_eq!(
        v["summary"]["asked_without_data"],
        serde_json::json!([2026])
    );
}

/// Run 10: a marks row of 0 participants with 100 % «3» loaded as a row of no pupil without a
/// word; percents of no pupil contradict themselves: a data error naming the row (a row of 0
/// participants and 0 % everywhere still loads).
#[test]
fn percents_of_no_participant_are_a_data_error() {
    let head = "Год;Класс;Предмет;Логин;ОО;Кол-во участников;2, %;3, %;4, %;5, %";
    let good = "2025;4;математика;edu220001;СОШ 1;20;10;40;30;20";
    let text = format!("{head}\n{good}\n2025;4;математика;edu220002;СОШ 2;0;0;100;0;0\n");
    let (code, err) = run_on_text("inspect", "ВПР 2025.csv", &text, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("row 3") && err.contains("with 0 participants"),
        "{err}"
    );
    let zero = format!("{head}\n{good}\n2025;4;математика;edu220002;СОШ 2;0;0;0;0;0\n");
    let (code, out) = run_on_text("inspect", "ВПР 2025.csv", &zero, &[]);
    assert_eq!(code, 0, "{out}");
}

/// Run 12, #1: a flat ОГЭ table with both the share and the count below the minimum: a dash
/// share beside its count dropped the school's figure, and a share and a count that disagree
/// passed silently. The count is read; a disagreement is a counted warning naming both.
#[test]
fn a_count_beside_its_share_is_read_and_checked() {
    let head = "Код ОО;Наименование ОО;Количество участников;Доля не преодолевших минимальный порог;Количество не преодолевших минимальный порог";
    let text = format!("{head}\n1000;МБОУ \"СОШ №1\";13;—;4\n1001;МБОУ \"СОШ №2\";117;45,30;73\n1002;МБОУ \"СОШ №3\";100;5,00;5\n");
    assert_eq!(region_below(&text), (82, 230));
    let i = inspect_text("ОГЭ математика 2025.csv", &text);
    let w = warning(&i["warnings"], "доля и число не преодолевших");
    assert_eq!(w["count"], 1, "{w}");
    assert!(
        w["examples"][0].as_str().unwrap().starts_with("строка 3:"),
        "{w}"
    );
}

/// Run 12, #2–#3: an ОГЭ sheet whose header is followed by the column numbers (1 2 3 …) read
/// that row as a school of code 1; a three-row header («Результаты ОГЭ» over «Участники» over
/// the captions) was skipped as unknown.
#[test]
fn a_gia_sheet_with_column_numbers_or_a_three_row_header_loads() {
    let rows: Vec<Vec<&str>> = vec![
        vec![
            "Муниципалитет",
            "Код ОО",
            "Наименование ОО",
            "Результаты ОГЭ",
        ],
        vec!["", "", "", "Участники", "Успеваемость"],
        vec![
            "",
            "",
            "",
            "Количество участников",
            "Доля не преодолевших минимальный порог, %",
        ],
        vec!["1", "2", "3", "4", "5"],
        vec!["город Заречный", "1000", "МБОУ \"СОШ №1\"", "108", "3,70"],
        vec!["город Заречный", "1001", "МБОУ \"СОШ №2\"", "75", "2,67"],
    ];
    let i = inspect_two_school_gia_sheet(&rows);
    assert_eq!(
        warning(&i["warnings"], "строка номеров столбцов")["count"],
        1
    );
}

/// Run 12: a Mac Cyrillic ОГЭ table (its header's only known word before, «участников», reads
/// alike in both encodings) is an error naming the encoding, not a table skipped in a folder; a
/// wide risk table whose factor captions are numbered («1. Высокая доля …») is read.
#[test]
fn a_mac_gia_table_is_named_and_numbered_factors_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let head = "Код ОО;Наименование ОО;Количество участников;Средний балл;Доля не преодолевших минимальный порог\n1000;МБОУ СОШ 1;108;25,50;3,70\n";
    let (mac, _, _) = encoding_rs::X_MAC_CYRILLIC.encode(head);
    let p = dir.path().join("ОГЭ математика 2025.csv");
    std::fs::write(&p, mac).unwrap();
    shnor()
        .arg("inspect")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("Mac Cyrillic"));
    let wide = "Логин;Год;1. Низкий уровень оснащения школы;2. Дефицит педагогических кадров;3. Низкая учебная мотивация обучающихся\nedu220001;2025;высокий;низкий;средний\n";
    let i = inspect_text("Рисковые профили 2025.csv", wide);
    assert_eq!((&i["kind"], &i["rows"]), (&"risk".into(), &1.into()), "{i}");
}

/// Run 12, #7: a school row of a flat ОГЭ table with «—» in every figure (no ОГЭ that year)
/// stopped the whole run; it is passed over with a counted warning naming it.
#[test]
fn a_gia_row_of_dashes_only_is_passed_over() {
    let head = "Код ОО;Наименование ОО;Количество участников;Средний балл;Доля не преодолевших минимальный порог";
    let text = format!("{head}\n1000;МБОУ \"СОШ №1\";108;25,50;3,70\n1001;МБОУ \"СОШ №2\";—;—;—\n");
    let i = inspect_text("ОГЭ математика 2025.csv", &text);
    assert_eq!(i["rows"], 1, "{i}");
    assert_eq!(
        warning(&i["warnings"], "строка школы без результатов")["examples"][0],
        "строка 3"
    );
}

/// Run 12, #9: a second table stacked under the first with its title line between was called «a
/// truncated line»; the error names the title of a second table and the row its header repeats on.
#[test]
fn a_second_table_under_its_title_is_named() {
    let head =
        "Код ОО;Наименование ОО;Количество участников;Доля не преодолевших минимальный порог";
    let text = format!("{head}\n1000;МБОУ \"СОШ №1\";108;3,70\n\nРезультаты ОГЭ 2025\n{head}\n1000;МБОУ \"СОШ №1\";100;4,00\n");
    let (code, err) = run_on_text("inspect", "ОГЭ математика 2024 и 2025.csv", &text, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("row 4") && err.contains("second table") && err.contains("row 5"),
        "{err}"
    );
}
