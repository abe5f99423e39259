//! Regressions of the findings of a first-time user (tools/newcomer-findings.md): a share in
//! another unit than its file's, repeated pupils, logins, the markers table and a per-pupil sheet
//! without its total.
use crate::util::*;

const GIA_HEAD: &str = "Код ОО;Наименование ОО;Количество участников;Средний балл;Доля не преодолевших минимальный порог;Доля получивших «5»";

/// An ОГЭ file of `rows` under [`GIA_HEAD`] in a fresh folder; `inspect` of it must fail with a data
/// error (exit 1) whose text holds every one of `parts`. Returns the folder and the file.
fn gia_error_holds(rows: &str, parts: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ОГЭ математика 2025 mixed.csv");
    std::fs::write(&p, format!("{GIA_HEAD}\n{rows}")).unwrap();
    let out = shnor().arg("inspect").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for part in parts {
        assert!(err.contains(part), "{part} not in {err}");
    }
    (dir, p)
}

/// Finding 1: in an ОГЭ share column whose unit is percents (two rows of three give whole pupils
/// as percents), a row of fractions (`0,05` of 100: 0.05 pupils as a percent, 5 as a share) is a
/// data error naming file, row, column, value, unit and why, not a school rounded to 0 % below the
/// minimum; with `--lenient` the row is skipped with a counted warning.
#[test]
fn a_gia_share_in_another_unit_is_a_data_error_not_rounded() {
    let (_dir, p) = gia_error_holds(
        "1000;A;100;25,5;0,05;0,79\n1001;B;200;25,5;10;69\n1002;C;50;25,5;4;70\n",
        &[
            "mixed.csv, row 2",
            "Доля не преодолевших минимальный порог",
            "«0,05»",
            "as percents, 0,05 of the 100 participants",
            "as shares, 5 pupils",
            "expected percents, the unit of the file's shares",
            "2 give whole pupils as percents and 1 as shares",
        ],
    );
    let v = json_of(
        shnor()
            .arg("inspect")
            .arg(&p)
            .args(["--lenient", "--format", "json"]),
    );
    let i = &v["inputs"][0];
    assert_eq!(i["rows"], 2, "{i:#}");
    let w = warning(&i["warnings"], "--lenient");
    assert_eq!(w["count"], 1, "{i:#}");
    assert!(
        w["examples"][0].as_str().unwrap().contains("row 2"),
        "{i:#}"
    );
}

/// Second fresh-eyes run: the other way round — a column of shares (two rows of three give whole
/// pupils as shares) with a row of percents (`3,70` of 108: 4 pupils) said «expected a share
/// 0–100 %, found 3.7», though 3.7 is within 0–100; it is a row in another unit, said so.
#[test]
fn a_gia_percent_in_a_column_of_shares_is_a_row_in_another_unit() {
    gia_error_holds(
        "1000;A;108;25,5;3,70;0,79\n1001;B;200;25,5;0,1;0,69\n1002;C;50;25,5;0,08;0,7\n",
        &[
            "mixed.csv, row 2",
            "«3,70»",
            "as percents, 4 pupils",
            "expected shares, the unit of the file's shares",
            "found «3,70»: as shares, 399,60",
        ],
    );
}

const MARKERS_HEAD: &str = "Год;Логин;Муниципалитет;ОО;4 РУ;4 МА;5 РУ;5 МА;Количество маркеров";

/// Finding 8: an official markers row whose «Количество маркеров» differs from its marked columns
/// is a counted warning naming the row and both numbers (a consistent row is none); a marker cell
/// that is not 1, 0, «да», «нет» or empty is a data error naming file, row, column and value.
#[test]
fn a_markers_count_off_its_columns_is_a_warning_and_a_bad_cell_an_error() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("markers_badcount.csv");
    let t = format!("{MARKERS_HEAD}\n2023;edu053001;м;ОО;1;;1;;5\n2023;edu053002;м;ОО 2;0;1;;;1\n");
    std::fs::write(&p, t).unwrap();
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let i = &v["inputs"][0];
    assert_eq!(i["rows"], 2, "{i:#}");
    let w = warning(&i["warnings"], "Количество маркеров");
    assert_eq!(w["count"], 1, "{i:#}");
    let example = w["examples"][0].as_str().unwrap();
    for part in [
        "строка 2",
        "«Количество маркеров» 5",
        "отмечено столбцов 2",
        "4 РУ, 5 РУ",
    ] {
        assert!(example.contains(part), "{part} not in {example}");
    }
    // «да» and «нет» (tables kept by hand; second fresh-eyes run) are a marker and none; «NA» is
    // missing, as in every table (fourth fresh-eyes run)
    let p = d.path().join("markers_words.csv");
    let t = format!("{MARKERS_HEAD}\n2023;edu053001;м;ОО;Да;нет;да;NA;2\n");
    std::fs::write(&p, t).unwrap();
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let i = &v["inputs"][0];
    assert_eq!(
        (i["rows"].as_i64(), i["kind"].as_str()),
        (Some(1), Some("markers")),
        "{i:#}"
    );
    assert!(
        find_warning(&i["warnings"], "Количество маркеров").is_none(),
        "{i:#}"
    );
    for (cell, col) in [("+", "4 РУ"), ("2", "5 РУ")] {
        let p = d.path().join("markers_badval.csv");
        let row = match col {
            "4 РУ" => format!("2023;edu053001;м;ОО;{cell};;1;;2"),
            _ => format!("2023;edu053001;м;ОО;1;;{cell};;2"),
        };
        std::fs::write(&p, format!("{MARKERS_HEAD}\n{row}\n")).unwrap();
        let out = shnor().arg("inspect").arg(&p).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{cell}");
        let err = String::from_utf8_lossy(&out.stderr);
        for part in [
            "markers_badval.csv, row 2",
            &format!("«{col}»"),
            &format!("«{cell}»"),
            "1 or «да», 0, «нет» or an empty cell",
        ] {
            assert!(err.contains(part), "{part} not in {err}");
        }
    }
}

/// Finding 9: a per-pupil sheet whose total-score column is renamed («итог») is described as a
/// per-pupil protocol without its total, not as a marks table without «2»..«5».
#[test]
fn a_pupil_sheet_without_its_total_is_named_so() {
    let d = tempfile::tempdir().unwrap();
    let p = d
        .path()
        .join("Проведение работы по математике, 4 класс. ВПР 2024.xlsx");
    let head = [
        "логин школы",
        "код обучающегося",
        "отметка за предыдущую четверть/триместр",
        "вариант",
        "итог",
        "балл за 1",
        "балл за 2",
    ];
    let pupil = ["edu990001", "40001", "4", "1", "3", "1", "2"];
    text_workbook(&p, &[("Sheet", &[head, pupil][..])]);
    let out = shnor().arg("inspect").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for part in [
        "looks like a per-pupil ВПР protocol",
        "no total-score column",
        "«всего баллов»",
        "«итого баллов»",
        "«балл за 1»",
    ] {
        assert!(err.contains(part), "{part} not in {err}");
    }
    assert!(!err.contains("mark columns"), "{err}");
}

/// Finding 7: in a per-pupil sheet, a login cell that is no ФИС ОКО login (`edu99OOO1` with
/// capital O's, `school1`) gets the counted warning of every login column, naming the cell and its
/// row, once per school; ФИС ОКО logins get none.
#[test]
fn a_pupil_login_cell_that_is_no_login_is_a_named_warning() {
    let s = "edu990001";
    let i = &inspect_two_item_protocol(&[
        [s, "1", "1", "2"],
        ["edu99OOO1", "1", "0", "1"],
        ["school1", "0", "1", "1"],
        ["school1", "1", "1", "2"],
        [s, "0", "0", "0"],
    ]);
    let w = warning(&i["warnings"], "не логин ФИС ОКО");
    assert_eq!(w["count"], 2, "{i:#}");
    assert_eq!(
        w["examples"],
        serde_json::json!(["«edu99OOO1» (строка 3)", "«school1» (строка 4)"]),
        "{i:#}"
    );
}

/// Finding 2: in a ФИС ОКО per-pupil sheet, a pupil's row repeated exactly is dropped with a
/// counted warning naming both rows (the same code in another school is another pupil); the same
/// pupil code twice in a school with other data is a data error naming both rows.
#[test]
fn a_repeated_pupil_row_is_dropped_with_a_warning_and_a_different_one_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let p = d
        .path()
        .join("Проведение работы по математике, 4 класс. ВПР 2024.xlsx");
    let head = [
        "логин школы",
        "код обучающегося",
        "вариант",
        "балл за 1",
        "балл за 2",
        "всего баллов",
    ];
    let pupil = |login: &str, code: &str, a: &str, total: &str| {
        [login, code, "1", a, "1", total].map(String::from).to_vec()
    };
    let mut rows = vec![
        head.map(String::from).to_vec(),
        pupil("edu990001", "40001", "1", "2"),
        pupil("edu990001", "40002", "0", "1"),
        pupil("edu990001", "40001", "1", "2"),
        pupil("edu990002", "40001", "0", "1"),
    ];
    text_workbook(&p, &[("Sheet", &rows)]);
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let i = &v["inputs"][0];
    assert_eq!(i["rows"], 3, "{i:#}");
    let w = warning(&i["warnings"], "повторяющаяся строка участника");
    assert_eq!(w["count"], 1, "{i:#}");
    assert_eq!(
        w["examples"],
        serde_json::json!(["строка 4 = строка 2 (код 40001)"])
    );
    rows.push(pupil("edu990001", "40002", "1", "2"));
    text_workbook(&p, &[("Sheet", &rows)]);
    let out = shnor().arg("inspect").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for part in [
        "[лист «Sheet»], row 6",
        "column «код обучающегося»",
        "pupil code 40002 of edu990001",
        "also in row 3",
    ] {
        assert!(err.contains(part), "{part} not in {err}");
    }
}

/// Third fresh-eyes run, #2: a per-pupil sheet whose journal column reads «Отметка за предыдущую
/// четверть» (no «/триместр») was not recognised, so every pupil had no journal mark and the
/// journal markers vanished without a word. Such captions are the journal's now; a mark column
/// that is still none («Отметка (итог)») is a counted warning naming it.
#[test]
fn a_common_journal_caption_is_read_and_an_unread_mark_column_is_named() {
    let d = tempfile::tempdir().unwrap();
    let scales = d.path().join("scales.csv");
    std::fs::write(
        &scales,
        "assessment,year,grade,subject,max_score,min3,min4,min5\nВПР,2025,4,математика,6,2,4,5\n",
    )
    .unwrap();
    let inspect = |caption: &str| {
        let dir = d.path().join(caption.replace(' ', "_"));
        std::fs::create_dir_all(&dir).unwrap();
        let mut t = format!("Логин школы;Код обучающегося;Вариант;Балл за 1;Балл за 2;Балл за 3;Всего баллов;{caption}\n");
        for k in 0..6 {
            t.push_str(&format!(
                "sch220001;{};1;2;2;{};{};{}\n",
                1000 + k,
                k % 3,
                4 + k % 3,
                2 + k % 4
            ));
        }
        std::fs::write(
            dir.join("Проведение работы по математике, 4 класс. ВПР 2025.csv"),
            t,
        )
        .unwrap();
        let v = json_of(
            shnor()
                .arg("inspect")
                .arg(&dir)
                .arg("--scales")
                .arg(&scales)
                .args(["--format", "json"]),
        );
        let inputs = v["inputs"].as_array().unwrap();
        inputs
            .iter()
            .find(|i| i["kind"] == "pupils")
            .unwrap()
            .clone()
    };
    for caption in [
        "Отметка за предыдущую четверть",
        "Отметка за четверть",
        "Отметка в журнале",
    ] {
        let i = inspect(caption);
        assert_eq!(i["pupils"]["participants"], 6, "{caption}: {i:#}");
        assert_eq!(i["pupils"]["no_journal_mark"], 0, "{caption}: {i:#}");
        assert!(
            find_warning(&i["warnings"], "нет столбца отметки").is_none(),
            "{i:#}"
        );
    }
    let i = inspect("Отметка (итог)");
    assert_eq!(i["pupils"]["no_journal_mark"], 6, "{i:#}");
    let w = warning(&i["warnings"], "нет столбца отметки по журналу");
    assert_eq!(w["count"], 1, "{i:#}");
    assert!(
        w["examples"][0]
            .as_str()
            .unwrap()
            .contains("«Отметка (итог)»"),
        "{i:#}"
    );
}

/// Third fresh-eyes run, #6: a per-pupil sheet with its header row pasted again below (a second
/// export) made a «school» keyed «логин школы» with three unrelated warnings. The copy is passed
/// over with one counted warning naming its row.
#[test]
fn a_repeated_header_row_in_a_pupil_sheet_is_passed_over_and_named() {
    let i = &inspect_two_item_sheet(&[
        ["edu990001", "1", "2", "2", "4"],
        TWO_ITEM_HEAD,
        [
            " Логин  школы",
            "ВАРИАНТ",
            "балл за 1",
            "балл за 2",
            "Всего баллов",
        ],
        ["edu990002", "1", "1", "1", "2"],
    ]);
    assert_eq!(i["schools"], 2, "{i:#}");
    assert_eq!(i["pupils"]["participants"], 2, "{i:#}");
    let w = warning(&i["warnings"], "повторяет заголовок");
    assert_eq!(w["count"], 2, "{i:#}");
    assert_eq!(w["examples"][0], "строка 3", "{i:#}");
    for other in ["не логин", "номер варианта", "нечисловой"] {
        assert!(
            find_warning(&i["warnings"], other).is_none(),
            "{other}: {i:#}"
        );
    }
}
