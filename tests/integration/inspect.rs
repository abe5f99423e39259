//! `shnor inspect` and loading: real-shaped fixtures, encodings, and bad input.
use crate::util::*;

#[test]
fn synthetic_region_is_recognised() {
    let (_d, region) = region(42, 120);
    let v = json_of(
        shnor()
            .arg("inspect")
            .arg(&region)
            .args(["--format", "json"]),
    );
    let inputs = v["inputs"].as_array().unwrap();
    let kind = |name: &str| {
        inputs
            .iter()
            .find(|i| i["path"].as_str().unwrap().ends_with(name))
            .unwrap()["kind"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(kind("registry.csv"), "registry");
    assert_eq!(kind("risk_profiles.csv"), "risk");
    assert_eq!(kind("scales.csv"), "scales");
    assert_eq!(kind("ВПР_5-6_классы_по_школам.csv"), "marks");
    assert_eq!(kind("ОГЭ математика 2025.csv"), "gia");
    assert_eq!(
        kind("Проведение работы по математике, 4 класс. ВПР 2025.xlsx"),
        "pupils"
    );
    assert_eq!(kind("planted.json"), "skipped");
    // fresh-eyes #7: the table people read names the kinds in Russian, the CSV keeps the codes
    let table = stdout_of(shnor().arg("inspect").arg(&region));
    for words in [
        "поимённый протокол ВПР",
        "реестр школ",
        "шкалы перевода баллов",
    ] {
        assert!(table.contains(words), "{words}: {table}");
    }
    assert!(
        !table.contains(" pupils ") && !table.contains(" registry "),
        "{table}"
    );
    let csv = stdout_of(
        shnor()
            .arg("inspect")
            .arg(&region)
            .args(["--format", "csv"]),
    );
    assert!(
        csv.contains(",pupils,") && csv.contains(",registry,"),
        "{csv}"
    );
    let flat = inputs.iter().find(|i| i["kind"] == "marks").unwrap();
    assert_eq!(flat["encoding"], "windows-1251");
    assert_eq!(flat["rows"], 120 * 4 * 3);
    // the planted invalid total of the first year's math file is counted
    let math = inputs
        .iter()
        .find(|i| {
            i["path"]
                .as_str()
                .unwrap()
                .ends_with("математике, 4 класс. ВПР 2023.xlsx")
        })
        .unwrap();
    assert_eq!(math["pupils"]["above_max"], 1);
    assert_eq!(math["pupils"]["schools_with_participants"], 120);
    assert_eq!(
        v["totals"]["schools"], 120,
        "sch/edu logins and ГИА codes resolve to one school each"
    );
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn flat_marks_percent_cp1251_decimal_comma() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("vpr_marks.csv");
    write_cp1251(&p, "Отчёт по школам\nГод;Класс;Предмет;Муниципалитет;Логин;ОО;Кол-во участников;2;3;4;5;\n2025;5;Математика;город Н;sch990001;\"СОШ №1\";20;10,0;40,0;30,0;20,0;\n2025;5;МА;город Н;edu990002;СОШ №2;10;10;30;40;20;\n;;;;;Вся выборка;30;;;;;\n");
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let r = &v["inputs"][0];
    assert_eq!(r["kind"], "marks");
    assert_eq!(r["rows"], 2);
    assert_eq!(r["schools"], 2);
    assert!(r["warnings"]["counts reconstructed from percents"]["count"] == 2);
}

/// Issue 12 «one decision for units»: a file's marks are counts, percents or shares as a whole —
/// a row of counts among rows of percents is a data error naming it, not a row read in a unit
/// of its own (before: the counts row was taken as counts, the percent row as percents).
#[test]
fn counts_among_percents_are_a_data_error_not_a_unit_per_row() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "vpr_mixed.csv", "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;5;математика;edu990001;20;10,0;40,0;30,0;20,0\n2025;5;математика;edu990002;10;1;3;4;2\n");
    shnor()
        .arg("inspect")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("mixed.csv, row 3"))
        .stderr(contains("the file's marks are percents"));
    // a percent header decides for every row, even one whose values would add up as counts
    let p = write(d.path(), "vpr_pct.csv", "Год;Класс;Предмет;Логин;Кол-во участников;2, %;3, %;4, %;5, %\n2025;5;математика;edu990001;100;10;20;30;40\n");
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    assert!(v["inputs"][0]["warnings"]["counts reconstructed from percents"]["count"] == 1);
    // people read the warning's Russian label, not its JSON key (issue 12 «typed boundaries»)
    let text = stdout_of(shnor().arg("inspect").arg(&p).args(["--format", "csv"]));
    assert!(
        text.contains("численности по отметкам восстановлены по процентам: 1 (напр. строка 2)")
            && !text.contains("reconstructed"),
        "{text}"
    );
}

#[test]
fn shares_off_100_are_a_data_error_naming_file_row_and_column() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "vpr_m.csv", "Год,Класс,Предмет,Логин,Кол-во участников,2,3,4,5\n2025,5,математика,edu990001,20,10.0,40.0,30.0,25.0\n");
    shnor()
        .arg("inspect")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("m.csv, row 2"))
        .stderr(contains("sum to 100 ± 0.5"));
    // --lenient skips the row with a counted warning
    let v = json_of(
        shnor()
            .arg("inspect")
            .arg(&p)
            .args(["--lenient", "--format", "json"]),
    );
    assert_eq!(v["inputs"][0]["rows"], 0);
    assert!(v["inputs"][0]["warnings"]
        .as_object()
        .unwrap()
        .keys()
        .any(|k| k.contains("--lenient")));
}

#[test]
fn counts_that_do_not_add_up_and_non_numeric_counts() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "vpr_m.csv", "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;5;математика;edu990001;20;1;2;3;4\n");
    shnor()
        .arg("inspect")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("row 2"));
    let p = write(d.path(), "vpr_n.csv", "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;5;математика;edu990001;20;x;2;3;15\n");
    shnor()
        .arg("inspect")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("column «2»"))
        .stderr(contains("found «x»"));
    let p = write(d.path(), "vpr_neg.csv", "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;5;математика;edu990001;20;-1;2;3;16\n");
    shnor()
        .arg("inspect")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("non-negative"));
}

#[test]
fn duplicates_exact_dropped_different_error() {
    let d = tempfile::tempdir().unwrap();
    let head = "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n";
    let row = "2025;5;математика;edu990001;10;1;3;4;2\n";
    let p = write(d.path(), "vpr_dup.csv", &format!("{head}{row}{row}"));
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    assert_eq!(v["totals"]["results"], 1);
    assert_eq!(
        v["warnings"]["exact repeated result row dropped"]["count"],
        1
    );
    let p2 = write(
        d.path(),
        "vpr_dup2.csv",
        &format!("{head}2025;5;математика;sch990001;10;2;2;4;2\n"),
    );
    shnor()
        .arg("inspect")
        .arg(&p)
        .arg(&p2)
        .assert()
        .code(1)
        .stderr(contains("вторая, другая строка для школы edu990001"));
}

#[test]
fn empty_unknown_truncated_and_missing_inputs() {
    let d = tempfile::tempdir().unwrap();
    let e = write(d.path(), "empty.csv", "");
    shnor()
        .arg("inspect")
        .arg(&e)
        .assert()
        .code(1)
        .stderr(contains("empty.csv: the file is empty"));
    // third fresh-eyes run: in a folder, a stray empty or blank file is a skipped line, not the
    // end of the run (named on the command line it stays the error above)
    let dir = d.path().join("folder");
    std::fs::create_dir(&dir).unwrap();
    write(&dir, "notes.csv", "");
    write(&dir, "blank.csv", "\n \n");
    write(&dir, "ВПР.csv", "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;4;математика;edu990001;20;5;5;5;5\n");
    let v = json_of(shnor().arg("inspect").arg(&dir).args(["--format", "json"]));
    let why: Vec<&str> = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["skipped"].as_str())
        .collect();
    assert_eq!(why, ["файл без строк", "пустой файл (0 байт)"], "{v:#}");
    assert_eq!(v["totals"]["results"], 1, "{v:#}");
    // and `select` on that folder says so too, under the table, naming both files (before, only
    // `inspect` showed them: a user of `select` never learnt that a file was left out)
    let out = shnor().arg("select").arg(&dir).output().unwrap();
    let err = String::from_utf8_lossy(&out.stdout);
    assert!(
        err.contains("пустой файл в папке пропущен (файл без байтов или без заполненных ячеек): 2"),
        "{err}"
    );
    assert!(err.contains("notes.csv: пустой файл (0 байт)"), "{err}");
    assert!(err.contains("blank.csv: файл без строк"), "{err}");
    let u = write(d.path(), "u.csv", "a;b;c\n1;2;3\n");
    shnor()
        .arg("inspect")
        .arg(&u)
        .assert()
        .code(1)
        .stderr(contains("unknown header layout"));
    let t = d.path().join("vpr_t.xlsx");
    std::fs::write(&t, b"PK\x03\x04truncated").unwrap();
    shnor()
        .arg("inspect")
        .arg(&t)
        .assert()
        .code(1)
        .stderr(contains("t.xlsx: cannot read as a spreadsheet"));
    shnor()
        .arg("inspect")
        .arg(d.path().join("nope.csv"))
        .assert()
        .code(2);
    shnor()
        .arg("inspect")
        .arg(&u)
        .args(["--kind", "nonsense"])
        .assert()
        .code(2);
}

#[test]
fn missing_required_column_for_a_forced_kind() {
    let d = tempfile::tempdir().unwrap();
    let p = write(
        d.path(),
        "m.csv",
        "Год;Класс;Предмет;Логин;2;3;4;5\n2025;5;математика;edu990001;1;3;4;2\n",
    );
    shnor()
        .arg("inspect")
        .arg(&p)
        .args(["--kind", "marks"])
        .assert()
        .code(1)
        .stderr(contains("no header of kind «marks»"));
}

#[test]
fn scales_file_errors_name_the_row() {
    let d = tempfile::tempdir().unwrap();
    let p = write(
        d.path(),
        "scales.csv",
        "year,grade,subject,max_score,min3,min4,min5\n2025,4,математика,20,10,6,15\n",
    );
    shnor()
        .arg("inspect")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("scales.csv, row 2"))
        .stderr(contains("min3 < min4"));
}

#[test]
fn fisoko_statistics_report_two_row_header_and_hierarchy() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("stat.csv");
    let text = "Статистика по отметкам\nВПР 2025. Математика 5 класс\nПредмет: Математика\nМаксимальный первичный балл: 20\n\
Группы участников;Кол-во ОО;Кол-во участников;Распределение групп баллов в %;;;\n;;;2;3;4;5\n\
Вся выборка;1000;50000;10,5;30;40;19,5\nАлтайский край;600;24000;8;32;40;20\nreg22_m001 | город Н;2;40;20;30;30;20\n\
sch220001 МБОУ СОШ №1;1;20;40;30;20;10\n(sch220002) МБОУ СОШ №2;1;20;0;30;40;30\n";
    write_cp1251(&p, text);
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let r = &v["inputs"][0];
    assert_eq!(r["kind"], "fisoko-marks");
    assert_eq!(r["year"], 2025);
    assert_eq!(r["grade"], 5);
    assert_eq!(r["subject"], "математика");
    assert_eq!(r["schools"], 2);
    assert_eq!(v["totals"]["reference"], 3);
}

#[test]
fn large_marks_table_is_streamed_and_errors_keep_file_line_numbers() {
    let d = tempfile::tempdir().unwrap();
    let mut text = String::from("Год,Класс,Предмет,Логин,Кол-во участников,2,3,4,5\n");
    for i in 0..70_000 {
        let bad = i == 68_000;
        text.push_str(&format!(
            "2025,{},математика,edu{:06},10,{},3,4,2\n",
            4 + i % 5,
            i / 5,
            if bad { "z" } else { "1" }
        ));
    }
    let p = write(d.path(), "vpr_big.csv", &text);
    shnor()
        .arg("inspect")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("big.csv, row 68002"))
        .stderr(contains("found «z»"));
    let v = json_of(
        shnor()
            .arg("inspect")
            .arg(&p)
            .args(["--lenient", "--format", "json"]),
    );
    assert_eq!(v["inputs"][0]["rows"], 69_999);
    assert_eq!(v["inputs"][0]["schools"], 14_000);
}

#[test]
fn fisoko_histogram_and_journal_reports() {
    let d = tempfile::tempdir().unwrap();
    let h = d.path().join("hist.csv");
    let mut t = String::from("Гистограмма первичных баллов\nВПР 2025. Математика, 4 класс\nГруппы участников;Кол-во ОО;Кол-во участников;Распределение первичных баллов в %\n;;;0;1;2;3;4;5;6;7;8\n");
    t.push_str("Вся выборка;10;1000;5;5;10;10;10;10;20;20;10\n");
    t.push_str("sch990001 МБОУ СОШ №1;1;20;0;0;0;0;0;10;50;20;20\n");
    write_cp1251(&h, &t);
    let v = json_of(shnor().arg("inspect").arg(&h).args(["--format", "json"]));
    assert_eq!(v["inputs"][0]["kind"], "fisoko-histogram");
    assert_eq!(v["inputs"][0]["schools"], 1);
    let j = d.path().join("journal.csv");
    let t = "Сравнение отметок с отметками по журналу\nВПР 2025. Математика, 4 класс\nГруппы участников;Кол-во участников;%\n\
sch990001 МБОУ СОШ №1;;\nПонизили (Отметка < Отметка по журналу);2;10\nПодтвердили (Отметка = Отметке по журналу);15;75\nПовысили (Отметка > Отметка по журналу);3;15\nВсего;20;100\n";
    write_cp1251(&j, t);
    let v = json_of(shnor().arg("inspect").arg(&j).args(["--format", "json"]));
    assert_eq!(v["inputs"][0]["kind"], "fisoko-journal");
    assert_eq!(v["totals"]["journal"], 1);
    // «Всего» that does not add up is a data error naming the row
    let bad = d.path().join("vpr_bad.csv");
    write_cp1251(&bad, &t.replace("Всего;20;100", "Всего;21;100"));
    shnor()
        .arg("inspect")
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(contains("bad.csv, row 8"));
}

#[test]
fn regional_gia_summary_with_three_level_header() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("ЕГЭ 2025 по школам.csv");
    let t = "Результаты ЕГЭ 2025 года по ОО\n\
Муниципалитет;ОО;Количество выпускников;из них;;;;;;;;;\n\
;;;Русский язык;;;;;Математика профильная;;;;\n\
;;;приняли участие;не преодолели min порог;80-99;100 баллов;средний балл;приняли участие;не преодолели min порог;80-99;100 баллов;средний балл\n\
город Н;СОШ №1;30;30;1;5;1;71,5;12;2;1;-;55,0\n\
;СОШ №2;20;20;0;2;-;68,0;-;-;-;-;-\n\
Итого по МО;;50;50;1;7;1;70,1;12;2;1;0;55,0\n\
Сельский район;СОШ №3;10;10;2;-;-;52,0;5;1;-;-;40,0\n";
    write_cp1251(&p, t);
    let reg = d.path().join("registry.csv");
    std::fs::write(&reg, "login;name;municipality;settlement\nedu990001;СОШ №1;город Н;город\nedu990003;СОШ №3;Сельский район;село\n").unwrap();
    let v = json_of(
        shnor()
            .arg("inspect")
            .arg(&p)
            .arg(&reg)
            .args(["--format", "json"]),
    );
    let r = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "gia-summary")
        .unwrap()
        .clone();
    assert_eq!(r["assessment"], "ЕГЭ");
    assert_eq!(r["rows"], 3, "the «Итого» row is not a school");
    assert_eq!(r["schools"], 3);
    // two schools match the registry by name within their municipality; one stays under its name key
    assert_eq!(v["school_names"]["by_name"], 2, "{:#}", v["school_names"]);
    assert_eq!(v["school_names"]["unmatched"][0]["name"], "СОШ №2");
    assert_eq!(v["totals"]["results"], 5);
}

/// UTF-16 without its byte-order mark (NUL bytes between letters) is a wrong-encoding error; with
/// it, the file is read (`tidy31::a_utf16_text_with_its_bom_is_read`).
#[test]
fn utf16_csv_without_its_bom_is_a_wrong_encoding_error() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("u16.csv");
    let text = "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n";
    let mut bytes = vec![];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    std::fs::write(&p, bytes).unwrap();
    shnor()
        .arg("inspect")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("u16.csv"))
        .stderr(contains("wrong encoding"));
}

#[test]
fn xlsx_flat_table_with_title_numbers_as_text_and_aggregate_rows() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("Результаты ВПР 2025.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Результаты ВПР по математике, 5 класс")
        .unwrap();
    let head = [
        "Муниципалитет",
        "Логин",
        "ОО",
        "Кол-во участников",
        "2",
        "3",
        "4",
        "5",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let rows = [
        [
            "reg22_m001 | город Н",
            "edu220001 | МБОУ СОШ №1",
            "МБОУ СОШ №1",
            "20",
            "2",
            "8",
            "6",
            "4",
        ],
        [
            "reg22_m001 | город Н",
            "",
            "Итого",
            "20",
            "2",
            "8",
            "6",
            "4",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(3 + r as u32, c as u16, *v).unwrap();
        }
    }
    ws.write_number(3, 3, 20.0).unwrap(); // a number stored as a number among text cells
    wb.save(&p).unwrap();
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let r = &v["inputs"][0];
    assert_eq!(r["kind"], "marks");
    assert_eq!(r["year"], 2025);
    assert_eq!(r["rows"], 1);
    assert_eq!(v["totals"]["reference"], 1, "{v:#}");
    assert_eq!(v["totals"]["schools"], 1);
    // a row with numbers but neither a login nor an aggregate label is an error, not a silent drop
    let q = d.path().join("vpr_noname.csv");
    std::fs::write(
        &q,
        "Год;Класс;Предмет;Логин;ОО;Кол-во участников;2;3;4;5\n2025;5;математика;;;10;1;3;4;2\n",
    )
    .unwrap();
    shnor()
        .arg("inspect")
        .arg(&q)
        .assert()
        .code(1)
        .stderr(contains("noname.csv, row 2"))
        .stderr(contains("expected a school login"));
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // `shnor select … | head -1`: the closed pipe ends the run quietly
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_shnor"))
        .args(["config", "--print-default"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Fresh-eyes #9: a folder's «Предупреждения» cells held every warning with its examples, lines
/// of 1 500 characters; the terminal table shows the first kind with its count and how many
/// more, the CSV keeps the full text.
#[test]
fn the_warnings_column_stays_short_in_the_terminal_and_full_in_csv() {
    let (_d, region) = region(42, 30);
    let table = stdout_of(shnor().arg("inspect").arg(&region));
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with('│')).collect();
    assert!(
        rows.iter()
            .any(|l| l.contains("численности по отметкам восстановлены по процентам")),
        "{table}"
    );
    for l in &rows {
        assert!(!l.contains("напр."), "{l}");
        assert!(l.chars().count() < 360, "{l}");
    }
    assert!(table.contains("Предупреждения полностью, с примерами строк: --format json"));
    let csv = stdout_of(
        shnor()
            .arg("inspect")
            .arg(&region)
            .args(["--format", "csv"]),
    );
    assert!(
        csv.contains("восстановлены по процентам: 360 (напр."),
        "{csv}"
    );
    // second fresh-eyes run: the CSV's notes (on stderr) no longer send to --format csv
    let out = shnor()
        .arg("inspect")
        .arg(&region)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    let notes = String::from_utf8_lossy(&out.stderr);
    assert!(!notes.contains("Предупреждения полностью"), "{notes}");
}
