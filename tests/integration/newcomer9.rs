//! Defects found on 2026-11-30 (night): left from the eighth fresh-eyes run and found by the ninth.
use crate::util::*;

/// A per-pupil CSV (the two-item protocol of [`TWO_ITEM_HEAD`]) with `body` below its header, as
/// `inspect --format json` runs it: (exit code, stdout's JSON or stderr's text).
fn inspect_pupil_csv(body: &str) -> (i32, String) {
    let name = "Проведение работы по математике, 4 класс. ВПР 2025.csv";
    let text = format!("{}\n{body}", TWO_ITEM_HEAD.join(";"));
    run_on_text("inspect", name, &text, &["--format", "json"])
}

/// Fresh-eyes run 8, F11: a truncated line in a per-pupil CSV («edu220001;1» where the header
/// has five columns) became a present pupil with an empty total (a counted «пустой первичный
/// балл» warning); in the flat, ОГЭ, risk and registry CSVs it is a data error naming its row.
#[test]
fn a_truncated_line_of_a_per_pupil_csv_is_a_data_error() {
    let (code, err) = inspect_pupil_csv("edu220001;1;1;1;2\nedu220001;2;0;1;1\nedu220001;1\n");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("row 4") && err.contains("truncated line"),
        "{err}"
    );
    // whole lines load, two pupils
    let (code, out) = inspect_pupil_csv("edu220001;1;1;1;2\nedu220001;2;0;1;1\n");
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["inputs"][0]["rows"], 2, "{v:#}");
}

/// Fresh-eyes run 7, F11: `compare --thresholds` showed a school alone in its municipality ∩
/// stratum as «в нижней группе МО: да» (1 из 1) even at 0 % «2», with no word that a group under
/// 1 / bottom_share schools has its worst school at the cut by construction. The table says how
/// many such schools it lists; JSON `summary.in_municipality_small_group`.
#[test]
fn thresholds_say_which_municipal_groups_are_too_small_to_rank() {
    let v = json_of(shnor().arg("compare").arg(sample_region()).args([
        "--thresholds",
        "--format",
        "json",
    ]));
    let small = v["schools"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["in_municipality"] == true && s["municipality_n"].as_u64().unwrap() < 10)
        .count();
    assert!(small > 0, "{v:#}");
    assert_eq!(v["summary"]["in_municipality_small_group"], small);
    let out = shnor()
        .arg("compare")
        .arg(sample_region())
        .arg("--thresholds")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!(
            "«В нижней группе МО: да» у {small} школ из групп МО × страта меньше 10 школ"
        )),
        "{text}"
    );
}

/// Fresh-eyes run 8: `--file-year` / `--grade` given for a table with its own «Год» / «Класс»
/// column were dropped without a word (each row's value is read from the column); a flag the
/// file's name or title makes moot was already named.
#[test]
fn a_flag_made_moot_by_a_year_or_grade_column_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ВПР.csv");
    std::fs::write(
        &p,
        "Год;Класс;Предмет;Логин;ОО;Кол-во участников;2;3;4;5\n2025;5;математика;edu990001;СОШ 1;20;2;8;6;4\n",
    )
    .unwrap();
    let inspect = |flags: &[&str]| inspect_first(&p, flags);
    let input = inspect(&["--file-year", "2024", "--grade", "6"]);
    assert_eq!(input["years"], serde_json::json!([2025]), "{input:#}");
    let w = warning(&input["warnings"], "флаг не применён к файлу");
    assert_eq!(
        w["examples"],
        serde_json::json!([
            "флаг --file-year 2024: значение каждой строки берётся из столбца «Год»",
            "флаг --grade 6: значение каждой строки берётся из столбца «Класс»"
        ])
    );
    assert!(find_warning(&inspect(&[])["warnings"], "флаг не применён").is_none());
}

/// Fresh-eyes run 9, F2: the date of a download in the file's name («выгрузка от 15.05.2025»,
/// «_2025-05-15») set the year of the 2024 results it holds, without a word.
#[test]
fn a_download_date_in_the_file_name_is_no_year_of_the_results() {
    let table = "Класс;Предмет;Логин;ОО;Кол-во участников;2;3;4;5\n4;математика;edu990001;СОШ 1;20;2;8;6;4\n";
    for name in [
        "Результаты ВПР 2024 (выгрузка от 15.05.2025).csv",
        "ВПР_2024_выгрузка_2025-05-15.csv",
        // fresh-eyes run 10, F2: in words, with underscores
        "ВПР 2024 от 15 мая 2025.csv",
        "ВПР 2024 выгрузка 15_05_2025.csv",
    ] {
        let input = inspect_text(name, table);
        assert_eq!(
            input["years"],
            serde_json::json!([2024]),
            "{name}: {input:#}"
        );
    }
}

/// Fresh-eyes run 9, F3: a CSV whose lines end in a lone CR (Excel's «CSV (Macintosh)») was read
/// as a header with no rows and skipped without a word beside the results — with the other year's
/// file in the folder the list silently moved to that year. Its rows are read; a CSV in a folder
/// with a header and no rows is named in the load warnings.
#[test]
fn cr_line_ends_are_read_and_a_header_only_table_is_named() {
    let rows = "Год;Класс;Предмет;Логин;ОО;Кол-во участников;2;3;4;5\n2025;4;математика;edu990001;СОШ 1;20;2;8;6;4\n2025;4;математика;edu990002;СОШ 2;25;1;8;6;10\n";
    let input = inspect_text("ВПР.csv", &rows.replace('\n', "\r"));
    assert_eq!(input["rows"], 2, "{input:#}");
    assert_eq!(input["years"], serde_json::json!([2025]));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ВПР 2025.csv"), rows).unwrap();
    std::fs::write(
        dir.path().join("ВПР 2024.csv"),
        rows.lines().next().unwrap(),
    )
    .unwrap();
    let v = json_of(
        shnor()
            .arg("select")
            .arg(dir.path())
            .args(["--format", "json"]),
    );
    let w = warning(
        &v["load_warnings"]["dataset"],
        "таблица в папке без строк данных",
    );
    assert!(
        w["examples"][0].as_str().unwrap().contains("ВПР 2024.csv"),
        "{w:#}"
    );
}

/// Fresh-eyes run 9, F1: a municipality's subtotal row keyed by its own code («mun22003 |
/// Заречный район», the name repeating the row's municipality) or by ФИС ОКО's area logins
/// (`reg220000`, `reg22_m002`) was a school — selected as «сильно неуспевающие» when its
/// municipality was weak. Such rows are reference rows; the schools are the ones with logins.
#[test]
fn a_subtotal_under_a_municipality_code_is_no_school() {
    let mut text =
        String::from("Год;Класс;Предмет;Муниципалитет;Логин;ОО;Кол-во участников;2;3;4;5\n");
    for (k, two) in [(1, 9), (2, 8), (3, 1)] {
        text += &format!(
            "2025;4;математика;Заречный район;edu22000{k};СОШ {k};20;{two};5;4;{}\n",
            11 - two
        );
    }
    text += "2025;4;математика;Заречный район;mun22003;Заречный район;60;18;15;12;15\n";
    text += "2025;4;математика;Заречный район;reg22_m002;Заречный район;60;18;15;12;15\n";
    text += "2025;4;математика;Алтайский край;reg220000;Алтайский край;60;18;15;12;15\n";
    let input = inspect_text("ВПР 2025.csv", &text);
    assert_eq!(input["schools"], 3, "{input:#}");
    assert_eq!(input["rows"], 3, "{input:#}");
}

/// Fresh-eyes run 9, F9: a login typed with a Cyrillic «е» split one school in two — the one
/// selected had half its results and no registry facts. It is read as the Latin login, with a
/// counted warning naming both spellings.
#[test]
fn a_login_with_a_cyrillic_letter_is_the_same_school() {
    let text = "Год;Класс;Предмет;Логин;ОО;Кол-во участников;2;3;4;5\n2025;4;математика;edu990001;СОШ 1;20;2;8;6;4\n2025;4;русский язык;еdu990001;СОШ 1;22;2;8;6;6\n";
    let input = inspect_text("ВПР 2025.csv", text);
    assert_eq!(input["schools"], 1, "{input:#}");
    let w = warning(&input["warnings"], "кириллическая буква вместо латинской");
    assert_eq!(w["examples"][0], "«еdu990001» → edu990001 (строка 3)");
}

/// Fresh-eyes run 9, F10: «вторая, другая строка для школы …» across two sheets of one workbook
/// named the file and two row numbers but no sheet — the analyst looked at the wrong row.
#[test]
fn a_second_different_row_names_the_sheets_of_both_rows() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ВПР 2025.xlsx");
    let head = [
        "Класс",
        "Предмет",
        "Логин",
        "ОО",
        "Кол-во участников",
        "2",
        "3",
        "4",
        "5",
    ];
    // the draft's «3» and «5» differ: a second, different row, not one that does not add up
    let sheet = |three: &str, five: &str| -> Vec<Vec<String>> {
        vec![
            head.map(String::from).to_vec(),
            [
                "4",
                "математика",
                "edu990002",
                "СОШ 2",
                "20",
                "2",
                "8",
                "6",
                "4",
            ]
            .map(String::from)
            .to_vec(),
            [
                "4",
                "математика",
                "edu990001",
                "СОШ 1",
                "20",
                "2",
                three,
                "6",
                five,
            ]
            .map(String::from)
            .to_vec(),
        ]
    };
    text_workbook(
        &p,
        &[("2025", &sheet("8", "4")), ("черновик", &sheet("9", "3"))],
    );
    let out = shnor().arg("inspect").arg(&p).output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("[лист «черновик»], строка 3: вторая, другая строка")
            && err.contains("(первая: ")
            && err.contains("[лист «2025»], строка 3)"),
        "{err}"
    );
}

/// Fresh-eyes run 9, F4: a percent table saved with whole percents (rows summing to 101 or 99)
/// was refused; it loads, each row's counts rebuilt from its percents.
#[test]
fn whole_percents_that_miss_100_by_rounding_load() {
    let text = "Год;Класс;Предмет;Логин;ОО;Кол-во участников;2;3;4;5\n2025;4;математика;edu990001;СОШ 1;37;41;38;11;11\n2025;4;математика;edu990002;СОШ 2;42;0;79;0;21\n2025;4;математика;edu990003;СОШ 3;0;0;0;0;0\n";
    let input = inspect_text("ВПР 2025.csv", text);
    assert_eq!(input["rows"], 3, "{input:#}");
    assert_eq!(input["schools"], 3);
}

/// Fresh-eyes run 9, F14: with nobody new on the list `monitor` said «Вошли в список: » (empty)
/// beside «Покинули список: нет».
#[test]
fn monitor_says_nobody_entered_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("Год;Класс;Предмет;Логин;ОО;Кол-во участников;2;3;4;5\n");
    for year in [2024, 2025] {
        for k in 1..=6 {
            for subject in ["математика", "русский язык"] {
                let two = if k == 1 { 12 } else { 1 };
                text += &format!(
                    "{year};4;{subject};edu99000{k};СОШ {k};30;{two};8;6;{}\n",
                    16 - two
                );
            }
        }
    }
    std::fs::write(dir.path().join("ВПР.csv"), text).unwrap();
    let out = shnor().arg("monitor").arg(dir.path()).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Вошли в список: нет\n"), "{text}");
}

/// Fresh-eyes run 9, F6: with two regions' schools `compare --format csv` (and the report's sheet)
/// had two «Регион» rows for one procedure and year that nothing told apart; a «Код региона»
/// column does, as the JSON's `region_code` and the table titles' «(регион 22)» do.
#[test]
fn compare_csv_tells_two_regions_apart() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("Год;Класс;Предмет;Логин;ОО;Кол-во участников;2;3;4;5\n");
    for region in [22, 54] {
        for k in 1..=3 {
            text += &format!("2025;4;математика;edu{region}000{k};СОШ {k};20;2;8;6;4\n");
        }
    }
    std::fs::write(dir.path().join("ВПР.csv"), text).unwrap();
    let out = stdout_of(
        shnor()
            .arg("compare")
            .arg(dir.path())
            .args(["--format", "csv"]),
    );
    let regions: Vec<&str> = out
        .lines()
        .filter(|l| l.contains(",Регион,"))
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert_eq!(regions, ["22", "54"], "{out}");
}

/// Fresh-eyes run 9, F14: a registry's kind «Вечерняя (сменная) школа» (the 2021 form's wording)
/// was refused, and the error listed five words where more are taken; it lists every one.
#[test]
fn registry_kinds_in_the_forms_wording_are_read() {
    let input = inspect_text(
        "registry.csv",
        "login;name;municipality;settlement;kind\nedu990001;СОШ 1;Р;село;Вечерняя (сменная) школа\nedu990002;СОШ 2;Р;село;С углублённым изучением\nedu990003;СОШ 3;Р;село;СОШ с углубленным изучением отдельных предметов\nedu990004;СОШ 4;Р;село;Специальная (коррекционная) школа\nedu990005;СОШ 5;Р;село;Вечерняя (сменная) общеобразовательная школа\n",
    );
    assert_eq!(input["schools"], 5, "{input:#}");
    let (_, err) = run_on_text(
        "inspect",
        "registry.csv",
        "login;name;municipality;settlement;kind\nedu990001;СОШ 1;Р;село;начальная\n",
        &[],
    );
    assert!(
        err.contains("коррекционная") && err.contains("вечерняя (сменная) школа"),
        "{err}"
    );
}

/// Fresh-eyes run 9, F7: a two-row header — «2» «3» «4» «5», each merged over two columns, above
/// «чел.» and «%» — was refused (the unit row read as a record «a separator inside an unquoted
/// value?»). The counts are read, as from a one-row «2, чел.» / «2, %» header.
#[test]
fn marks_over_a_row_of_units_are_read_from_the_counts() {
    let text = "Год;Класс;Предмет;Логин;ОО;Кол-во участников;2;;3;;4;;5\n;;;;;;чел.;%;чел.;%;чел.;%;чел.;%\n2025;4;математика;edu990001;СОШ 1;102;25;24,5;40;39,2;27;26,5;10;9,8\n";
    let input = inspect_text("ВПР 2025.csv", text);
    assert_eq!(input["rows"], 1, "{input:#}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ВПР 2025.csv"), text).unwrap();
    let v = json_of(
        shnor()
            .arg("select")
            .arg(dir.path())
            .args(["--all", "--format", "json"]),
    );
    let share2 = v["schools"][0]["share2"].as_f64().unwrap();
    assert!((share2 - 25.0 / 102.0).abs() < 1e-6, "{share2}");
}

/// Fresh-eyes run 9, F5: counts and percents side by side that contradict each other (0 «2» of
/// 27, and «2», % = 50) were read from the counts without a word. The counts are still read; the
/// row is named in a counted warning with both figures. Rounded percents within a point are no
/// contradiction.
#[test]
fn percents_that_contradict_the_counts_beside_them_are_named() {
    let text = "Год;Класс;Предмет;Логин;ОО;Кол-во участников;2, чел.;3, чел.;4, чел.;5, чел.;2, %;3, %;4, %;5, %\n2025;4;математика;edu990001;СОШ 1;27;0;21;0;6;50,0;20,0;20,0;10,0\n2025;4;математика;edu990002;СОШ 2;102;25;40;27;10;24,5;39,2;26,5;9,8\n";
    let input = inspect_text("ВПР 2025.csv", text);
    assert_eq!(input["rows"], 2, "{input:#}");
    let w = warning(
        &input["warnings"],
        "проценты по отметкам расходятся с численностями",
    );
    assert_eq!(w["count"], 1);
    assert_eq!(
        w["examples"][0],
        "строка 2: «2» 0 из 27 = 0 %, в столбце «2, %» — 50"
    );
}

/// Fresh-eyes run 9, F2 (the other way): the file's name said 2024 and its «Год» column 2025 —
/// the column was read without a word. Both are named; a column that has the name's year among
/// its years is no disagreement.
#[test]
fn a_year_column_that_never_says_the_names_year_is_named() {
    let text = "Год;Класс;Предмет;Логин;ОО;Кол-во участников;2;3;4;5\n2025;4;математика;edu990001;СОШ 1;20;2;8;6;4\n";
    let input = inspect_text("ВПР 2024.csv", text);
    assert_eq!(input["years"], serde_json::json!([2025]));
    let w = warning(&input["warnings"], "год в столбце «Год» расходится");
    assert_eq!(
        w["examples"][0],
        "столбец «Год»: 2025; заголовок листа или имя файла: 2024"
    );
    let input = inspect_text("ВПР 2025.csv", text);
    assert!(find_warning(&input["warnings"], "год в столбце").is_none());
}

/// Fresh-eyes run 9, F12: `inspect` showed no participants for a flat marks table (it did for ОГЭ
/// and per-pupil files), so the load could not be checked against the export's total.
#[test]
fn inspect_counts_the_participants_of_a_marks_table() {
    let text = "Год;Класс;Предмет;Логин;ОО;Кол-во участников;2;3;4;5\n2025;4;математика;edu990001;СОШ 1;20;2;8;6;4\n2025;4;математика;edu990002;СОШ 2;22;2;8;6;6\nИтого;;;;;42;4;16;12;10\n";
    let input = inspect_text("ВПР 2025.csv", text);
    assert_eq!(input["participants"], 42, "{input:#}");
}

/// Fresh-eyes run 9, F8: a municipality's marks table keyed by school name (no login column) was
/// «unknown header layout»; the error says it is a marks table without logins and what to add.
#[test]
fn a_marks_table_without_logins_says_so() {
    let (code, err) = run_on_text(
        "select",
        "ВПР 2025.csv",
        "Год;Класс;Предмет;Муниципалитет;Наименование ОО;Количество участников;2;3;4;5\n2025;4;математика;Р;СОШ 1;20;2;8;6;4\n",
        &[],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("keyed by no login column"), "{err}");
}

/// Fresh-eyes run 9, F14: a DOS end-of-file mark (Ctrl-Z) after the last line was «a truncated
/// line» of one field, the invisible character unnamed; it is no line of the table.
#[test]
fn a_dos_end_of_file_mark_is_no_line() {
    let text = "Год;Класс;Предмет;Логин;ОО;Кол-во участников;2;3;4;5\r\n2025;4;математика;edu990001;СОШ 1;20;2;8;6;4\r\n\u{1a}";
    let input = inspect_text("ВПР 2025.csv", text);
    assert_eq!(input["rows"], 1, "{input:#}");
}

/// Fresh-eyes run 10, F4: a unit row of «абс.» under the marks was refused.
#[test]
fn abs_in_a_unit_row_is_a_count() {
    let text = "Год;Класс;Предмет;Логин;ОО;Кол-во участников;2;;3;;4;;5\n;;;;;;абс.;%;абс.;%;абс.;%;абс.;%\n2025;4;математика;edu990001;СОШ 1;20;2;10;8;40;6;30;4;20\n";
    assert_eq!(inspect_text("ВПР 2025.csv", text)["rows"], 1);
}

/// Fresh-eyes run 10, F5: a look-alike login was one school but shown with its Cyrillic «е», so
/// the list joined back on login missed it.
#[test]
fn a_look_alike_login_is_shown_in_latin() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("Год;Класс;Предмет;Логин;ОО;Кол-во участников;2;3;4;5\n");
    for subject in ["математика", "русский язык"] {
        text += &format!("2025;4;{subject};еdu990001;СОШ 1;30;15;8;6;1\n");
    }
    std::fs::write(dir.path().join("ВПР.csv"), text).unwrap();
    let v = json_of(
        shnor()
            .arg("select")
            .arg(dir.path())
            .args(["--all", "--format", "json"]),
    );
    assert_eq!(v["schools"][0]["login"], "edu990001", "{v:#}");
}

/// Fresh-eyes run 10, F3: a header-only workbook in a folder was not named (the CSV one was): the
/// list quietly moved to the other year. A header-only sheet beside a loaded one is not warned of.
#[test]
fn a_header_only_workbook_is_named_in_the_load_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let head = [
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
    ];
    let row = [
        "2024",
        "4",
        "математика",
        "edu990001",
        "СОШ 1",
        "20",
        "2",
        "8",
        "6",
        "4",
    ];
    let rows = |with: bool| -> Vec<Vec<String>> {
        let mut v = vec![head.map(String::from).to_vec()];
        if with {
            v.push(row.map(String::from).to_vec());
        }
        v
    };
    text_workbook(
        &dir.path().join("ВПР 2025.xlsx"),
        &[("Лист1", &rows(false))],
    );
    text_workbook(
        &dir.path().join("ВПР 2024.xlsx"),
        &[("Лист1", &rows(true)), ("Образец", &rows(false))],
    );
    let v = json_of(
        shnor()
            .arg("select")
            .arg(dir.path())
            .args(["--format", "json"]),
    );
    let w = warning(
        &v["load_warnings"]["dataset"],
        "таблица в папке без строк данных",
    );
    assert_eq!(w["count"], 1, "{w:#}");
    let example = w["examples"][0].as_str().unwrap();
    assert!(
        example.contains("ВПР 2025.xlsx [лист «Лист1»]"),
        "{example}"
    );
}
