//! Defects found on 2026-11-30 (evening): left from the sixth fresh-eyes run and the seventh run.
//!
//! Notes under a table («Примечание: …», «Источник: …», «* …»), as analysts and some exports leave
//! them: a row whose only text, in its first cell, is a note is passed over with a counted warning
//! naming it — it was a «truncated line» error, or in a registry a school «примечание: …».
use crate::util::*;

const NOTE: &str = "Примечание: данные на 01.09.2025";
const WARNING: &str = "строка-примечание пропущена (текст только в первой ячейке)";

/// The counted warning of the whole load of `path` (`inspect --format json`) whose wording holds
/// `words`.
fn load_warning(path: &std::path::Path, words: &str) -> serde_json::Value {
    let v = json_of(shnor().arg("inspect").arg(path).args(["--format", "json"]));
    warning(&v["warnings"], words).clone()
}

/// The sample's registry with `tail` appended: its schools and the note warning's first example.
fn registry_with(tail: &str) -> (serde_json::Value, serde_json::Value) {
    let text = std::fs::read_to_string(sample_region().join("registry.csv")).unwrap();
    let input = inspect_text("registry.csv", &format!("{text}{tail}"));
    let example = warning(&input["warnings"], WARNING)["examples"][0].clone();
    (input["schools"].clone(), example)
}

#[test]
fn a_note_line_under_a_registry_is_no_school_and_no_error() {
    // one field (as typed by hand) and a full-width row (as Excel saves it)
    for tail in [format!("{NOTE}\n"), format!("{NOTE}{}\n", ";".repeat(20))] {
        let (schools, example) = registry_with(&tail);
        assert_eq!(schools, 120, "{tail}");
        assert_eq!(example, format!("строка 122: «{NOTE}»"));
    }
}

#[test]
fn a_note_line_under_a_gia_or_risk_table_is_passed_over() {
    let gia = format!(
        "Код ОО;Наименование ОО;Количество участников;Средний балл;Доля не преодолевших минимальный порог\n1000;СОШ 1;40;15,2;10,00\n* {NOTE}\n"
    );
    let input = inspect_text("ОГЭ математика 2024.csv", &gia);
    assert_eq!(input["rows"], 1, "{input:#}");
    let w = warning(&input["warnings"], WARNING);
    assert_eq!(w["examples"][0], format!("строка 3: «* {NOTE}»"));
    let risk = "Логин,Год,Фактор риска,Уровень\nedu990001,2024,Дефицит педагогических кадров,высокий\nИсточник: ФИС ОКО\n";
    let input = inspect_text("risk_profiles.csv", risk);
    assert_eq!(input["rows"], 1, "{input:#}");
    assert_eq!(warning(&input["warnings"], WARNING)["count"], 1);
}

/// A truncated line is still an error: one field that reads as no note.
#[test]
fn a_one_field_line_that_is_no_note_is_still_a_truncated_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ОГЭ математика 2024.csv");
    std::fs::write(
        &p,
        "Код ОО;Наименование ОО;Количество участников;Средний балл;Доля не преодолевших минимальный порог\n1000;СОШ 1;40;15,2;10,00\n1001\n",
    )
    .unwrap();
    shnor()
        .arg("inspect")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("row 3"))
        .stderr(contains("truncated line"));
}

#[test]
fn a_note_row_under_a_workbook_table_is_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ОГЭ математика 2024.xlsx");
    let rows: Vec<Vec<&str>> = vec![
        vec![
            "Код ОО",
            "Наименование ОО",
            "Количество участников",
            "Средний балл",
            "Доля не преодолевших минимальный порог",
        ],
        vec!["1000", "СОШ 1", "40", "15,2", "10,00"],
        vec![],
        vec![NOTE],
    ];
    text_workbook(&p, &[("Лист1", &rows)]);
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let input = &v["inputs"][0];
    assert_eq!(input["rows"], 1, "{v:#}");
    let w = warning(&input["warnings"], WARNING);
    assert_eq!(w["examples"][0], format!("строка 4: «{NOTE}»"));
}

/// A registry column that counts an indicator's group («Количество детей из неполных семей»)
/// instead of giving its share was left out of the ИСБШ without a word; it gets the counted
/// warning naming the nearest indicator, as a near caption does; so does a percent under an
/// everyday caption («Малообеспеченные семьи, %»). «Количество обучающихся» gets none. Such a file
/// with a known synonym («Доля детей из малообеспеченных семей») was not even a registry (a
/// «справочник школ», its indicators unread).
#[test]
fn a_registry_count_column_of_an_indicator_is_named() {
    let input = inspect_text(
        "registry.csv",
        "Логин;Наименование ОО;Количество обучающихся;Количество детей из неполных семей;Доля детей из малообеспеченных семей;Малообеспеченные семьи, %\nedu990001;СОШ 1;300;45;0,2;20\n",
    );
    let w = warning(&input["warnings"], "столбец реестра похож на показатель");
    assert_eq!(input["kind"], "registry", "{input:#}");
    assert_eq!(w["count"], 2, "{input:#}");
    let example = |i: usize| w["examples"][i].as_str().unwrap().to_string();
    assert!(
        example(0).starts_with("«Количество детей из неполных семей» (ближе всего: single_parent"),
        "{}",
        example(0)
    );
    assert!(
        example(1).starts_with("«Малообеспеченные семьи, %» (ближе всего: low_income"),
        "{}",
        example(1)
    );
}

/// Fresh-eyes run 7, F12: a note saved by Excel as a full-width row under a flat marks table
/// («Источник: ФИС ОКО;;;;…») stopped the file («expected a year»); under a per-pupil protocol it
/// became a school «* Данные предварительные» with an invalid pupil.
#[test]
fn a_full_width_note_under_marks_and_a_note_under_pupils_are_passed_over() {
    let marks = "Год;Класс;Предмет;Логин;ОО;Кол-во участников;2;3;4;5\n2025;5;математика;edu990001;СОШ 1;20;2;8;6;4\n\n* Данные предварительные\nИсточник: ФИС ОКО;;;;;;;;;\n";
    let input = inspect_text("ВПР 2025.csv", marks);
    assert_eq!(input["rows"], 1, "{input:#}");
    assert_eq!(warning(&input["warnings"], WARNING)["count"], 2);
    let input = inspect_two_item_sheet(&[
        ["edu220001", "1", "1", "1", "2"],
        ["* Данные предварительные", "", "", "", ""],
    ]);
    assert_eq!(input["schools"], 1, "{input:#}");
    let w = warning(&input["warnings"], WARNING);
    assert_eq!(w["examples"][0], "строка 3: «* Данные предварительные»");
    assert_eq!(w["count"], 1, "{w:#}");
}

/// Fresh-eyes run 7, F1: the same per-pupil protocol twice in a folder (`… (1).xlsx`, as a browser
/// saves a second download): the results and the journal were de-duplicated, the score histograms
/// added — the ФИОКО markers and the objectivity index changed without a word. The second copy's
/// histograms are left out with a counted warning; the objectivity is the one of a single copy.
#[test]
fn a_protocol_loaded_twice_counts_its_score_histograms_once() {
    let dir = tempfile::tempdir().unwrap();
    let copy = sample_copy(dir.path(), "region", |_| true);
    let name = "Проведение работы по математике, 4 класс. ВПР 2025";
    std::fs::copy(
        copy.join(format!("{name}.xlsx")),
        copy.join(format!("{name} (1).xlsx")),
    )
    .unwrap();
    let objectivity = |p: &std::path::Path| {
        json_of(
            shnor()
                .arg("objectivity")
                .arg(p)
                .args(["--format", "json", "--quiet"]),
        )
    };
    let (once, twice) = (objectivity(&sample_region()), objectivity(&copy));
    assert_eq!(once["summary"], twice["summary"]);
    assert_eq!(once["schools"], twice["schools"]);
    let w = load_warning(
        &copy,
        "распределение баллов школы по процедуре дано повторно",
    );
    assert_eq!(w["count"], 120, "{w:#}");
}

/// Fresh-eyes run 7, F2/F17: a municipality (or a school's login) merged down over its rows in an
/// xlsx read as empty below the range's top: every school but the first lost its municipality and
/// `compare` showed one school per municipality; with the login merged over a school's pupils,
/// 98 % of the pupils were dropped. Each row of a range merged down a column reads the top value,
/// with a counted warning naming the ranges.
#[test]
fn cells_merged_down_a_column_read_as_the_top_cell_in_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ВПР по школам 2025.xlsx");
    // rows 2–3 город А (merged A2:A3), rows 4–5 район Б (merged A4:A5)
    let merges = [(1, 0, 2, 0, "город А"), (3, 0, 4, 0, "район Б")];
    let logins = ["edu990001", "edu990002", "edu990003", "edu990004"];
    let (municipality, w) = merged_marks_workbook(&p, &["Муниципалитет"], &merges, &logins);
    assert_eq!(w["count"], 2, "{w:#}");
    assert_eq!(w["examples"][0], "A2:A3, A4:A5");
    assert_eq!(municipality["edu990002"], "город А");
    assert_eq!(municipality["edu990004"], "район Б");
}

/// A flat marks workbook (ВПР математика 5 кл. 2025): the columns `lead` (the municipality first),
/// then login, name, grade, subject, participants and «2»..«5»; `merges` (first row, first column,
/// last row, last column, text) written as merged ranges; one school row per login from the second
/// row on. Each school's municipality as `select --format json` gives it, and the input's warning
/// of cells merged down.
fn merged_marks_workbook(
    p: &std::path::Path,
    lead: &[&str],
    merges: &[(u32, u16, u32, u16, &str)],
    logins: &[&str],
) -> (
    std::collections::BTreeMap<String, serde_json::Value>,
    serde_json::Value,
) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let rest = [
        "Логин",
        "ОО",
        "Класс",
        "Предмет",
        "Кол-во участников",
        "2",
        "3",
        "4",
        "5",
    ];
    for (c, h) in lead.iter().chain(rest.iter()).enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let plain = rust_xlsxwriter::Format::new();
    for &(r0, c0, r1, c1, text) in merges {
        ws.merge_range(r0, c0, r1, c1, text, &plain).unwrap();
    }
    for (r, login) in logins.iter().enumerate() {
        let cells = [*login, "СОШ", "5", "математика", "20", "2", "8", "6", "4"];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(r as u32 + 1, (lead.len() + c) as u16, *v)
                .unwrap();
        }
    }
    wb.save(p).unwrap();
    let municipality = by_login(&select_json(p, &[]))
        .into_iter()
        .map(|(l, s)| (l, s["municipality"].clone()))
        .collect();
    let v = json_of(shnor().arg("inspect").arg(p).args(["--format", "json"]));
    let w = warning(
        &v["inputs"][0]["warnings"],
        "объединённые по вертикали ячейки",
    );
    (municipality, w.clone())
}

/// The same with the login merged over a school's pupils in a per-pupil protocol (streamed).
#[test]
fn a_login_merged_over_its_pupils_reaches_every_pupil() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir
        .path()
        .join("Проведение работы по математике, 4 класс. ВПР 2025.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in TWO_ITEM_HEAD.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let plain = rust_xlsxwriter::Format::new();
    ws.merge_range(1, 0, 3, 0, "edu220001", &plain).unwrap();
    for r in 1..=3u32 {
        for (c, v) in ["1", "1", "0", "1"].iter().enumerate() {
            ws.write_string(r, 1 + c as u16, *v).unwrap();
        }
    }
    wb.save(&p).unwrap();
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let input = &v["inputs"][0];
    assert_eq!(input["pupils"]["participants"], 3, "{input:#}");
    assert!(
        find_warning(&input["warnings"], "строка без логина").is_none(),
        "{input:#}"
    );
    let w = warning(&input["warnings"], "объединённые по вертикали ячейки");
    assert_eq!(w["examples"][0], "A2:A4");
}

/// Fresh-eyes run 7, F5/F9: the file's name beat the year in the sheet's title (INPUTS.md says the
/// name only supplies what the sheet lacks), silently; `--file-year` that the file's own year made
/// moot was dropped without a word. The title wins with a counted warning naming both years; the
/// moot flag is named.
#[test]
fn the_title_beats_the_file_name_and_a_moot_flag_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("Итоги ВПР 2023.xlsx");
    let rows: Vec<Vec<&str>> = vec![
        vec!["Результаты ВПР 2025 года"],
        vec![],
        vec![
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
        vec![
            "5",
            "математика",
            "edu990001",
            "СОШ 1",
            "20",
            "2",
            "8",
            "6",
            "4",
        ],
    ];
    text_workbook(&p, &[("Лист1", &rows)]);
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let input = &v["inputs"][0];
    assert_eq!(input["year"], 2025, "{input:#}");
    let w = warning(
        &input["warnings"],
        "заголовок листа и имя файла называют разный год",
    );
    assert_eq!(
        w["examples"][0],
        "год: 2025 (заголовок листа), 2023 (имя файла или папки)"
    );
    let csv = dir.path().join("ОГЭ математика 2024.csv");
    std::fs::write(&csv, "Код ОО;Наименование ОО;Количество участников;Средний балл;Доля не преодолевших минимальный порог\n1000;СОШ 1;40;15,2;10,00\n").unwrap();
    let v =
        json_of(
            shnor()
                .arg("inspect")
                .arg(&csv)
                .args(["--file-year", "2023", "--format", "json"]),
        );
    let input = &v["inputs"][0];
    assert_eq!(input["year"], 2024);
    let w = warning(&input["warnings"], "флаг не применён к файлу");
    assert_eq!(
        w["examples"][0],
        "флаг --file-year 2023: файл сам называет 2024"
    );
}

/// Fresh-eyes run 7, F6: the report's summary said «Кандидатов с признаками необъективности» for a
/// count over every school of stage 1 (130 «candidates» of 3), and «0 … ни у одной школы нет
/// признаков» where no screen could run at all. The row names what it counts, and says «не
/// проверялось» without a screen.
#[test]
fn the_report_summary_names_what_its_objectivity_count_counts() {
    let dir = tempfile::tempdir().unwrap();
    let summary = |inputs: &std::path::Path, out: &str| {
        let out = dir.path().join(out);
        shnor()
            .arg("report")
            .arg(inputs)
            .arg("--out")
            .arg(&out)
            .arg("--quiet")
            .assert()
            .success();
        std::fs::read_to_string(out.join("csv").join("summary.csv")).unwrap()
    };
    let sample = summary(&sample_region(), "sample");
    assert!(
        sample.contains("Школ этапа 1 с признаками необъективности (скрининг),72\n"),
        "{sample}"
    );
    assert!(!sample.contains("Кандидатов с признаками"), "{sample}");
    let gia = dir.path().join("gia");
    std::fs::create_dir(&gia).unwrap();
    for y in [2024, 2025] {
        let name = format!("ОГЭ математика {y}.csv");
        std::fs::copy(
            sample_region().join("ОГЭ математика 2024.csv"),
            gia.join(name),
        )
        .unwrap();
    }
    let only_gia = summary(&gia, "gia-report");
    assert!(
        only_gia.contains("Школ этапа 1 с признаками необъективности (скрининг),не проверялось\n"),
        "{only_gia}"
    );
    assert!(only_gia.contains("скрининг не проводился"), "{only_gia}");
    // fresh-eyes run 8, F5: protocols of 2023–2024 only — the selection year was not screened
    let no_2025 = sample_copy(dir.path(), "no 2025", |name| !name.ends_with("2025.xlsx"));
    let earlier = summary(&no_2025, "no-2025-report");
    assert!(
        earlier.contains("Школ этапа 1 с признаками необъективности (скрининг),не проверялось\n"),
        "{earlier}"
    );
}

/// Fresh-eyes run 7, F4: a table giving each mark as a count and as a percent was read from the
/// rounded percents (26 «2» of 102 where the file says 25), and a correct file whose rounded
/// percents sum to 99 was refused. The counts are read.
#[test]
fn marks_given_as_counts_and_percents_are_read_from_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ВПР 2025.csv");
    std::fs::write(
        &p,
        "Класс;Предмет;Логин;Кол-во участников;«2», чел.;«2», %;«3», чел.;«3», %;«4», чел.;«4», %;«5», чел.;«5», %\n5;математика;edu990001;102;25;25;0;0;0;0;77;75\n5;математика;edu990002;97;2;2;2;2;16;16;77;79\n",
    )
    .unwrap();
    let v = json_of(
        shnor()
            .arg("compare")
            .arg(&p)
            .args(["--format", "json", "--quiet"]),
    );
    let region = &v["blocks"][0]["region"];
    assert_eq!(region["participants"], 199, "{region:#}");
    assert_eq!(region["below"], 27, "{region:#}");
    assert_eq!(region["high"], 154, "{region:#}");
}

/// Fresh-eyes run 7, F3: without a registry the per-school ОГЭ table's schools (ГИА codes) stayed
/// schools of their own beside the same schools' ВПР results — 234 «schools», «МБОУ "СОШ №62"»
/// twice in the final list. A code no input maps is matched to the one login school of its name,
/// with a counted warning naming the match.
#[test]
fn gia_codes_without_a_registry_are_matched_to_logins_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let copy = sample_copy(dir.path(), "region", |name| name != "registry.csv");
    let v = select_json(&copy, &[]);
    assert_eq!(v["summary"]["stage1_entered"], 120, "{:#}", v["summary"]);
    let schools = v["schools"].as_array().unwrap();
    assert!(schools
        .iter()
        .all(|s| s["login"].as_str().unwrap().starts_with("edu")));
    let w = load_warning(&copy, "сопоставлен с логином по наименованию школы");
    assert_eq!(w["count"], 114, "{w:#}");
}

/// Fresh-eyes run 7, F8: `stage1.rule = "bottom"` on one year of results gave «0 из 0 кандидатов»
/// with no word why (the rule needs `k` = 2 of the last `n` = 2 years). The warning says so.
#[test]
fn the_bottom_rule_without_enough_years_says_why_the_list_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = String::from("Год;Класс;Предмет;Логин;ОО;Кол-во участников;2;3;4;5\n");
    for i in 1..=12 {
        let n2 = i % 5;
        rows.push_str(&format!(
            "2025;5;математика;edu9900{i:02};СОШ {i};20;{n2};{};6;4\n",
            10 - n2
        ));
    }
    std::fs::write(dir.path().join("ВПР 2025.csv"), rows).unwrap();
    let cfg = dir.path().join("bottom.toml");
    std::fs::write(&cfg, "[stage1]\nrule = \"bottom\"\n").unwrap();
    let v = select_json(dir.path(), &["--config", cfg.to_str().unwrap()]);
    let w = warning(&v["summary"]["warnings"], "правило отбора по нижней доле");
    assert_eq!(
        w["examples"][0], "нужно 2 из 2 лет (2024–2025), лет с результатами: 1 (2025)",
        "{w:#}"
    );
}

/// Fresh-eyes run 7, F20: a registry's settlement «пгт» / «посёлок городского типа» was a data
/// error though the method reads the context form's urban-type settlements as город.
#[test]
fn urban_type_settlements_read_as_towns() {
    let head = "login;name;municipality;settlement;kind\n";
    let ok = format!("{head}edu990001;СОШ 1;Район;пгт;обычная\nedu990002;СОШ 2;Район;Посёлок городского типа;обычная\nedu990003;СОШ 3;Район;р.п.;обычная\n");
    let input = inspect_text("registry.csv", &ok);
    assert_eq!(input["schools"], 3, "{input:#}");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("registry.csv");
    // «посёлок» alone is either a town or a village: not guessed («хутор» is a village: run 13)
    std::fs::write(&p, format!("{head}edu990001;СОШ 1;Район;посёлок;обычная\n")).unwrap();
    shnor()
        .arg("inspect")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("found «поселок»"));
}

/// Fresh-eyes run 7, F10: `monitor` over 2023 and 2025 with 2024 missing showed «2023→2025»
/// transitions as if the years were consecutive, without a word. A note says so; the JSON summary
/// lists `missing_years`.
#[test]
fn monitor_says_which_year_between_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let mut rows = String::from("Год;Класс;Предмет;Логин;ОО;Кол-во участников;2;3;4;5\n");
    for y in [2023, 2025] {
        for i in 1..=12 {
            let n2 = (i + y as usize) % 7;
            rows.push_str(&format!(
                "{y};5;математика;edu9900{i:02};СОШ {i};20;{n2};{};6;4\n",
                10 - n2
            ));
        }
    }
    std::fs::write(dir.path().join("ВПР.csv"), rows).unwrap();
    let v = json_of(
        shnor()
            .arg("monitor")
            .arg(dir.path())
            .args(["--format", "json", "--quiet"]),
    );
    assert_eq!(v["summary"]["missing_years"], serde_json::json!([2024]));
    let text = stdout_of(shnor().arg("monitor").arg(dir.path()).arg("--quiet"));
    assert!(
        text.contains("Нет результатов с долей «2» за 2024"),
        "{text}"
    );
}

/// Fresh-eyes run 7, F16: a hidden sheet (a draft, an old version) was loaded as a visible one
/// without a word, while hidden rows got a warning. It gets one too.
#[test]
fn a_hidden_sheet_is_loaded_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ВПР 2025.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
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
    for (sheet, login) in [("Свод", "edu990001"), ("Черновик", "edu990002")] {
        let ws = wb.add_worksheet();
        ws.set_name(sheet).unwrap();
        for (c, h) in head.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (c, v) in ["5", "математика", login, "СОШ", "20", "2", "8", "6", "4"]
            .iter()
            .enumerate()
        {
            ws.write_string(1, c as u16, *v).unwrap();
        }
        if sheet == "Черновик" {
            ws.set_hidden(true);
        }
    }
    wb.save(&p).unwrap();
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let inputs = v["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2, "{v:#}");
    assert!(find_warning(&inputs[0]["warnings"], "скрытый лист").is_none());
    let w = warning(&inputs[1]["warnings"], "скрытый лист книги загружен");
    assert_eq!(w["examples"][0], "лист «Черновик»");
}

/// Fresh-eyes run 7, F13: fractions in cells Excel formats as percent (0,023 shown as 2,3 %) under a
/// «%» header were refused («sum to 1,00: expected percents that sum to 100»). When every school
/// row sums to 1 they are read as shares, with a counted warning.
#[test]
fn fractions_under_a_percent_header_are_read_as_shares_with_a_warning() {
    let input = inspect_text(
        "ВПР 2025.csv",
        "Класс;Предмет;Логин;Кол-во участников;«2», %;«3», %;«4», %;«5», %\n5;математика;edu990001;100;0,1;0,2;0,3;0,4\n5;математика;edu990002;50;0,02;0,18;0,4;0,4\n",
    );
    assert_eq!(input["rows"], 2, "{input:#}");
    let w = warning(
        &input["warnings"],
        "отметки под заголовком «%» в сумме дают 1",
    );
    assert_eq!(w["count"], 1);
    // one row of real percents among them: the header's unit stands, the fraction row is an error
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ВПР 2025.csv");
    std::fs::write(&p, "Класс;Предмет;Логин;Кол-во участников;«2», %;«3», %;«4», %;«5», %\n5;математика;edu990001;100;10;20;30;40\n5;математика;edu990002;50;0,02;0,18;0,4;0,4\n").unwrap();
    shnor()
        .arg("inspect")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("row 3"));
}

/// Fresh-eyes run 7, F14: `--lenient` turned «cannot tell the assessment of this table» — a fault
/// of the whole file — into one skipped row per row: the file vanished with exit 0. It stays an
/// error (exit 1) under `--lenient`.
#[test]
fn a_table_without_its_assessment_stays_an_error_under_lenient() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("итоги 2025.csv", "Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n5;математика;edu990001;20;2;8;6;4\n"),
        ("итоги по школам 2024.csv", "Код ОО;Наименование ОО;Количество участников;Средний балл;Доля не преодолевших минимальный порог\n1000;СОШ 1;40;15,2;10,00\n"),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        shnor()
            .arg("inspect")
            .arg(&p)
            .arg("--lenient")
            .assert()
            .code(1)
            .stderr(contains("cannot tell the assessment"));
    }
}

/// Fresh-eyes run 8, F1: a municipality merged as a block over two columns and down (A2:B3) was
/// not filled (only ranges one column wide were). A block fills its first column.
#[test]
fn a_block_merged_over_two_columns_fills_its_first_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ВПР по школам 2025.xlsx");
    let merges = [(1, 0, 2, 1, "город А")];
    let lead = ["Муниципалитет", "Код МО"];
    let (municipality, w) = merged_marks_workbook(&p, &lead, &merges, &["edu990001", "edu990002"]);
    assert_eq!(municipality["edu990002"], "город А");
    assert_eq!(w["examples"][0], "A2:B3");
}

/// Fresh-eyes run 8, F3: «2», чел. … «5», чел. counts that add up to 100, not to the participants,
/// were read as percents (82 «5» where the file says 80). The header says counts: a data error.
#[test]
fn counts_by_their_header_that_do_not_add_up_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ВПР 2025.csv");
    std::fs::write(&p, "Класс;Предмет;Логин;Кол-во участников;«2», чел.;«3», чел.;«4», чел.;«5», чел.\n5;математика;edu990001;102;20;0;0;80\n").unwrap();
    shnor()
        .arg("inspect")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("says чел."));
}

/// Fresh-eyes run 8, F4: two ГИА codes of one name were both matched to the one login school of
/// that name (and a code in another municipality than the school's too). Neither is matched.
#[test]
fn two_codes_of_one_name_are_not_matched_to_one_school() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ВПР 2025.csv"),
        "Год;Класс;Предмет;Муниципалитет;Логин;ОО;Кол-во участников;2;3;4;5\n2025;5;математика;город А;edu990001;МБОУ СОШ №1;20;2;8;6;4\n2025;5;математика;город А;edu990003;МБОУ СОШ №3;20;2;8;6;4\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ОГЭ математика 2025.csv"),
        "Код ОО;Наименование ОО;Количество участников;Средний балл;Доля не преодолевших минимальный порог\n1000;МБОУ СОШ №1;40;15,2;10,00\n1009;МБОУ СОШ №1;30;14,0;5,00\n1002;МБОУ СОШ №3;30;14,0;5,00\n",
    )
    .unwrap();
    let w = load_warning(dir.path(), "сопоставлен с логином по наименованию школы");
    assert_eq!(w["count"], 1, "{w:#}");
    assert_eq!(w["examples"][0], "код ГИА 1002 «МБОУ СОШ №3» → edu990003");
}
