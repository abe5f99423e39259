//! Faults a fresh-eyes tester (run 15) met and session 34 fixed: each test fails before its fix.
use crate::util::*;

/// `--subject матем` (no subject shnor knows) was dropped without a word, and a file that needed
/// it failed later as a data error (exit 1). It is a usage error (exit 2) listing the subjects.
#[test]
fn an_unknown_subject_flag_is_a_usage_error() {
    let out = shnor()
        .args(["select", "data-samples/region", "--subject", "матем"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("«матем»") || err.contains("'матем'"), "{err}");
    assert!(
        err.contains("not a subject shnor knows; known: математика"),
        "{err}"
    );
    // a spelling shnor knows is taken
    let out = shnor()
        .args(["select", "data-samples/region", "--quiet"])
        .args(["--subject", "Математика (профиль)"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

/// `--subject` for a file whose name says another subject was left unapplied without a word (as
/// `--file-year` and `--grade` are told): a counted warning names both.
#[test]
fn a_subject_flag_the_file_name_overrides_is_told() {
    let text = "Логин;ОО;Класс;Кол-во участников;2;3;4;5\nedu990001;СОШ 1;4;20;2;8;6;4\n";
    let name = "ВПР математика 2024.csv";
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    let inspect = |flags: &[&str]| inspect_first(&p, flags);
    let input = inspect(&["--subject", "русский язык"]);
    let w = warning(&input["warnings"], "флаг не применён к файлу");
    assert_eq!(
        w["examples"],
        serde_json::json!(["флаг --subject русский язык: файл сам называет математика"]),
        "{input:#}"
    );
    assert!(find_warning(
        &inspect(&["--subject", "математика"])["warnings"],
        "флаг не применён"
    )
    .is_none());
}

/// `risk`: a profile of a school no other input names (not in the registry, no results) was
/// counted in the region's rows and under a municipality without a name, without a word. The
/// table says how many and which; JSON `summary.schools_only_in_profiles` lists them.
#[test]
fn risk_names_the_schools_only_the_profiles_know() {
    let dir = tempfile::tempdir().unwrap();
    let region = sample_copy(dir.path(), "region", |_| true);
    let profiles = region.join("risk_profiles.csv");
    let text = std::fs::read_to_string(&profiles).unwrap();
    let extra: String = text
        .lines()
        .filter(|l| l.starts_with("edu990120,2025,"))
        .map(|l| format!("{}\n", l.replace("edu990120", "edu990777")))
        .collect();
    assert_eq!(extra.lines().count(), 10);
    std::fs::write(&profiles, format!("{text}{extra}")).unwrap();
    let table = stdout_of(shnor().arg("risk").arg(&region));
    assert!(
        table.contains(
            "Школ с профилем, которых нет ни в реестре, ни в результатах: 1 (edu990777);"
        ),
        "{table}"
    );
    let v = json_of(shnor().arg("risk").arg(&region).args(["--format", "json"]));
    assert_eq!(
        v["summary"]["schools_only_in_profiles"],
        serde_json::json!(["edu990777"])
    );
    let v = json_of(shnor().args(["risk", "data-samples/region", "--format", "json"]));
    assert_eq!(
        v["summary"]["schools_only_in_profiles"],
        serde_json::json!([])
    );
}

/// A folder where nothing is recognised: two skipped sheets of one workbook were listed as the
/// file named twice. Each is named with its sheet.
#[test]
fn skipped_sheets_are_named_with_their_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let rows: &[&[&str]] = &[&["Погода", "Ветер"], &["ясно", "3"]];
    text_workbook(
        &dir.path().join("book.xlsx"),
        &[("Лист А", rows), ("Лист Б", rows)],
    );
    let out = shnor().arg("inspect").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("book.xlsx [лист «Лист А»] ("), "{err}");
    assert!(err.contains("book.xlsx [лист «Лист Б»] ("), "{err}");
}

/// Fresh-eyes run 16: a ВПР marks table without «Класс» took its grade from a copy number in its
/// name («(1)»: «ВПР математика 1 кл.») or none («… 0 кл.», still selected), without a word. A
/// ВПР table whose grade nothing names is a data error; `--grade` supplies it.
#[test]
fn vpr_marks_without_a_grade_are_an_error() {
    let table =
        "Предмет;Логин;ОО;Кол-во участников;2;3;4;5\nматематика;edu990001;СОШ 1;20;2;8;6;4\n";
    for name in ["ВПР 2025 (1).csv", "ВПР 2025.csv"] {
        let (code, err) = run_on_text("inspect", name, table, &[]);
        assert_eq!(code, 1, "{name}: {err}");
        assert!(err.contains("ВПР results without a grade"), "{err}");
    }
    let (code, out) = run_on_text("inspect", "ВПР 2025 (1).csv", table, &["--grade", "5"]);
    assert_eq!(code, 0, "{out}");
}

/// Fresh-eyes run 16: `--subject` for a table with its own «Предмет» column was dropped without a
/// word (as `--file-year` and `--grade` are told), and `--grade 5` for «ВПР_5-6_классы…» was told
/// «файл сам называет 6» (a range of grades in the name read as grade 6).
#[test]
fn flags_a_subject_or_grade_column_makes_moot_are_told() {
    let p = sample_region().join("ВПР_5-6_классы_по_школам.csv");
    let input = inspect_first(&p, &["--subject", "русский язык", "--grade", "5"]);
    let w = warning(&input["warnings"], "флаг не применён к файлу");
    assert_eq!(
        w["examples"],
        serde_json::json!([
            "флаг --subject русский язык: значение каждой строки берётся из столбца «Предмет»",
            "флаг --grade 5: значение каждой строки берётся из столбца «Класс»"
        ]),
        "{input:#}"
    );
}

/// Fresh-eyes run 16: a header with an en dash or a non-breaking hyphen for «-» («Кол–во
/// участников», as Word's autocorrect writes it) was no header shnor knew.
#[test]
fn dashes_in_a_header_read_as_hyphens() {
    for caption in ["Кол–во участников", "Кол\u{2011}во участников"]
    {
        let text = format!(
            "Класс;Предмет;Логин;ОО;{caption};2;3;4;5\n5;математика;edu990001;СОШ 1;20;2;8;6;4\n"
        );
        let input = inspect_text("ВПР 2025.csv", &text);
        assert_eq!(input["kind"], "marks", "{caption}: {input:#}");
        assert_eq!(input["participants"], 20, "{input:#}");
    }
}

/// Fresh-eyes run 16: `--file-year 99999` was taken as the year of the files.
#[test]
fn the_file_year_flag_is_a_year_from_2000_to_2099() {
    for year in ["99999", "1899", "0"] {
        let out = shnor()
            .args(["inspect", "data-samples/region", "--file-year", year])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{year}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains("2000..=2099"), "{err}");
    }
}

/// Fresh-eyes run 16: a second registry giving a school another enrollment or indicator value
/// replaced the first's without a word (a school turned ШНСУ, or small rural, by a file's name).
/// The first read is kept, and each differing value is a counted warning naming both.
#[test]
fn two_registries_disagreeing_on_a_value_are_told() {
    let dir = tempfile::tempdir().unwrap();
    let region = sample_copy(dir.path(), "region", |_| true);
    let registry = std::fs::read_to_string(region.join("registry.csv")).unwrap();
    let mut lines = registry.lines();
    let header = lines.next().unwrap();
    let row = lines.find(|l| l.starts_with("edu990046;")).unwrap();
    let mut cells: Vec<&str> = row.split(';').collect();
    let cols: Vec<&str> = header.split(';').collect();
    let at = |name: &str| cols.iter().position(|c| *c == name).unwrap();
    let (enrollment, low_income) = (
        cells[at("enrollment")].to_string(),
        cells[at("low_income")].to_string(),
    );
    cells[at("enrollment")] = "80";
    cells[at("low_income")] = "0.900";
    std::fs::write(
        region.join("z_alt.csv"),
        format!("{header}\n{}\n", cells.join(";")),
    )
    .unwrap();
    let v = json_of(
        shnor()
            .arg("inspect")
            .arg(&region)
            .args(["--format", "json"]),
    );
    let input = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"].as_str().unwrap().ends_with("z_alt.csv"))
        .unwrap();
    let w = warning(&input["warnings"], "реестры расходятся");
    assert_eq!(w["count"], 2, "{input:#}");
    let shown = |v: &str| v.replace('.', ",").trim_end_matches('0').to_string();
    assert_eq!(
        w["examples"],
        serde_json::json!([
            format!("edu990046: enrollment {enrollment} / 80"),
            format!("edu990046: low_income {} / 0,9", shown(&low_income)),
        ]),
        "{input:#}"
    );
    // the first registry's values are the ones used: the school's index and stages are the sample's
    let one = |p: &std::path::Path| {
        let v = json_of(
            shnor()
                .arg("explain")
                .arg("edu990046")
                .arg(p)
                .args(["--format", "json"]),
        );
        v["school"].clone()
    };
    let kept = one(&region);
    assert!(kept["index"].is_number(), "{kept:#}");
    assert_eq!(kept, one(&sample_region()));
}

/// Fresh-eyes run 16: `monitor` on data of one year was a usage error (exit 2); it is the data's
/// condition (exit 1). `--years` keeping one of the data's years stays a usage error.
#[test]
fn monitor_on_one_year_of_data_is_a_data_error() {
    let dir = tempfile::tempdir().unwrap();
    let one = sample_copy(dir.path(), "one", |f| {
        f.contains("2025") || f == "registry.csv" || f == "scales.csv"
    });
    let out = shnor().arg("monitor").arg(&one).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = shnor()
        .args(["monitor", "data-samples/region", "--years", "2025"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Fresh-eyes check 17: an empty «Класс» cell of a ВПР row was told as a table without a «Класс»
/// column, with no row, and `--lenient` could not skip it. It is the row's error; `--lenient`
/// drops the row with a counted warning.
#[test]
fn an_empty_grade_cell_of_a_vpr_row_is_the_rows_error() {
    let table = "Год;Класс;Предмет;Логин;ОО;Кол-во участников;2;3;4;5\n2023;5;математика;edu990001;СОШ 1;20;2;8;6;4\n2023;;математика;edu990002;СОШ 2;20;2;8;6;4\n";
    let (code, err) = run_on_text("inspect", "ВПР по школам.csv", table, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("ВПР по школам.csv, row 3: column «Класс»: a ВПР result without a grade"),
        "{err}"
    );
    let input = inspect_text_with("ВПР по школам.csv", table, &["--lenient"]);
    assert_eq!(input["participants"], 20, "{input:#}");
    let w = warning(&input["warnings"], "строка с ошибкой данных пропущена");
    assert_eq!(w["count"], 1, "{input:#}");
}
