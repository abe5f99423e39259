//! Regressions of the defects a fresh-eyes tester reported and the session after fixed: a bad
//! item score named, ЕГЭ wording, a repeated unused column, `select --all` counts, explain and
//! load-report wording.
use crate::util::*;

/// Defect 1: a non-numeric, negative or fractional item score in a per-pupil sheet is a counted
/// warning naming the row, the column and the cell (not only a «total ≠ items» mismatch), and the
/// numbers of a mismatch are written the Russian way (a decimal comma).
#[test]
fn a_bad_item_score_is_a_named_warning_and_numbers_have_a_comma() {
    let s = "sch220001";
    let i = &inspect_two_item_protocol(&[
        [s, "пять", "2", "5"],
        [s, "-1", "3", "2"],
        [s, "3", "2,5", "6"],
        [s, "3", "2", "5"],
        // ФИС ОКО's sentinels of an item not scored are no bad cells
        [s, "X", "2", "2"],
        [s, "х", "не пройд.", "0"],
    ]);
    let w = warning(&i["warnings"], "не целое неотрицательное");
    assert_eq!(w["count"], 3, "{i:#}");
    assert_eq!(
        w["examples"],
        serde_json::json!([
            "строка 2, «балл за 1»: «пять»",
            "строка 3, «балл за 1»: «-1»",
            "строка 4, «балл за 2»: «2,5»"
        ]),
        "{i:#}"
    );
    // the rows with a named bad cell give no second, mismatch warning; the totals are the scores
    assert!(
        find_warning(&i["warnings"], "не равно сумме").is_none(),
        "{i:#}"
    );
    assert_eq!(i["pupils"]["participants"], 6, "{i:#}");
}

/// An ЕГЭ-only marks table of two years: four schools with half their graduates below the
/// minimum threshold.
fn ege_table(dir: &std::path::Path) -> std::path::PathBuf {
    let mut t = String::from("Процедура;Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n");
    for y in [2024, 2025] {
        for i in 1..=20 {
            let n2 = if i <= 4 { 15 } else { i % 3 };
            let rest = 30 - n2;
            let (n3, n4) = (rest / 3, rest / 3);
            let n5 = rest - n3 - n4;
            t.push_str(&format!(
                "ЕГЭ;{y};11;математика;edu99{i:04};30;{n2};{n3};{n4};{n5}\n"
            ));
        }
    }
    let p = dir.join("ЕГЭ по школам.csv");
    std::fs::write(&p, t).unwrap();
    p
}

/// Defect 2: for ЕГЭ the measure is the share below the minimum threshold: `explain`, `monitor`,
/// the report's dynamics CSV and its chart captions never call it the share of «2».
#[test]
fn ege_results_are_told_as_the_share_below_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let p = ege_table(dir.path());
    let story = stdout_of(shnor().arg("explain").arg("edu990001").arg(&p));
    assert!(
        story.contains("общая доля ниже минимального порога за 2024–2025 — 50,0 %"),
        "{story}"
    );
    assert!(!story.contains("«2»"), "{story}");
    let m = stdout_of(shnor().arg("monitor").arg(&p).args(["--format", "csv"]));
    assert!(
        m.lines()
            .next()
            .unwrap()
            .ends_with("\"Изменение доли ниже минимального порога, п.п.\""),
        "{m}"
    );
    let out = dir.path().join("report");
    shnor()
        .arg("report")
        .arg(&p)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let dynamics = std::fs::read_to_string(out.join("csv/dynamics.csv")).unwrap();
    assert!(
        dynamics.contains("Изменение доли ниже минимального порога"),
        "{dynamics}"
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Распределение школ по доле ниже минимального порога"));
    assert!(!html.contains("«2»"), "a «2» in the ЕГЭ report");
}

/// Defect 3: a caption given twice is an error only when the loader reads that column; a
/// repeated column no loader reads («Примечание») is a counted warning naming the row, the
/// caption and the columns, and the table loads.
#[test]
fn a_repeated_column_no_loader_reads_is_a_named_warning() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("ВПР marks_note_twice.csv");
    std::fs::write(
        &f,
        "Год;Класс;Предмет;Логин;Примечание;Кол-во участников;2;3;4;5;Примечание\n2025;4;математика;edu990001;а;20;5;5;5;5;б\n",
    )
    .unwrap();
    let v = json_of(shnor().arg("inspect").arg(&f).args(["--format", "json"]));
    let i = &v["inputs"][0];
    assert_eq!(i["kind"], "marks", "{i:#}");
    let w = warning(&i["warnings"], "столбец повторён в заголовке");
    assert_eq!(w["count"], 1, "{i:#}");
    assert_eq!(
        w["examples"],
        serde_json::json!(["строка 1: «Примечание», столбцы E (5) и K (11)"])
    );
    // the same caption on a column the loader reads stays an error, with the same columns named
    std::fs::write(
        &f,
        "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5;Кол-во участников\n2025;4;математика;edu990001;20;5;5;5;5;20\n",
    )
    .unwrap();
    shnor()
        .arg("inspect")
        .arg(&f)
        .assert()
        .code(1)
        .stderr(contains(
            "the column «Кол-во участников» appears twice (columns E (5) and J (10))",
        ));
}

/// Defect 4: `select --all` gave 0 participants for a school excluded because every procedure
/// it has is below `min_participants` (the sample's edu990029): none is pooled, so its
/// participants are unknown (`null`, an empty cell), as its share is — never 0.
#[test]
fn a_school_with_only_tiny_procedures_has_no_participant_count() {
    let region = sample_region();
    let v = json_of(
        shnor()
            .arg("select")
            .arg(&region)
            .args(["--all", "--format", "json"]),
    );
    let s = &by_login(&v)["edu990029"];
    assert_eq!(
        s["excluded_reason"], "все процедуры < min_participants",
        "{s}"
    );
    assert!(s["participants"].is_null(), "{s}");
    assert!(s["share2"].is_null(), "{s}");
    // every other school keeps its pooled count
    let counted = v["schools"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["participants"].as_i64().is_some_and(|n| n > 0))
        .count();
    assert_eq!(counted, v["schools"].as_array().unwrap().len() - 1);
}

/// Defect 5: `shnor config --help` listed `--print-default` and `--check` with no words; every
/// option and argument of every command has a description.
#[test]
fn every_option_of_every_command_is_described() {
    let top = stdout_of(shnor().arg("--help"));
    let commands: Vec<String> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect();
    assert!(commands.len() > 10, "{top}");
    let mut bare = Vec::new();
    for c in &commands {
        let help = stdout_of(shnor().args([c.as_str(), "--help"]));
        let lines: Vec<&str> = help
            .lines()
            .skip_while(|l| !l.starts_with("Arguments:") && !l.starts_with("Options:"))
            .collect();
        for (i, l) in lines.iter().enumerate() {
            let t = l.trim_start();
            let indent = l.len() - t.len();
            if indent > 6 || !(t.starts_with('-') || t.starts_with('<')) {
                continue;
            }
            // «  --flag <X>  words», or the words on the next, deeper line (clap's long help)
            let same_line = t
                .trim_end()
                .split("  ")
                .filter(|p| !p.trim().is_empty())
                .count()
                > 1;
            let next = lines.get(i + 1).map_or("", |n| n.trim());
            let next_line = lines.get(i + 1).is_some_and(|n| {
                n.len() - n.trim_start().len() > indent + 2 && !next.starts_with('[')
            });
            if !same_line && !next_line {
                bare.push(format!("{c}: {}", t.trim_end()));
            }
        }
    }
    assert!(bare.is_empty(), "options without a description: {bare:#?}");
}

/// Defect 5: the JSON `group` of a school with an unknown settlement and deficit read
/// «… / unknown / не определён»: one spelling, «не определён», as tables show it (the
/// `settlement` field keeps its code `unknown`).
#[test]
fn a_group_spells_an_unknown_part_one_way() {
    let dir = tempfile::tempdir().unwrap();
    let p = ege_table(dir.path());
    let v = json_of(shnor().arg("select").arg(&p).args(["--format", "json"]));
    let s = &by_login(&v)["edu990001"];
    assert_eq!(s["settlement"], "unknown", "{s}");
    assert_eq!(
        s["group"], "сильно неуспевающие / не определён / не определён",
        "{s}"
    );
    let groups = v["summary"]["per_group"].as_object().unwrap();
    assert!(groups.keys().all(|g| !g.contains("unknown")), "{groups:?}");
}

/// Defect 5: rows hidden in an xlsx sheet were loaded and counted without a word: the load
/// report names them (a counted warning with their row numbers); the sheet's rows still load.
#[test]
fn rows_hidden_in_a_workbook_are_named_in_the_load_report() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ВПР отметки 2025.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Отметки «2025»").unwrap();
    let rows = [
        [
            "Год",
            "Класс",
            "Предмет",
            "Логин",
            "Кол-во участников",
            "2",
            "3",
            "4",
            "5",
        ],
        [
            "2025",
            "4",
            "математика",
            "edu990001",
            "20",
            "5",
            "5",
            "5",
            "5",
        ],
        [
            "2025",
            "4",
            "математика",
            "edu990002",
            "20",
            "2",
            "6",
            "6",
            "6",
        ],
        [
            "2025",
            "4",
            "математика",
            "edu990003",
            "20",
            "1",
            "7",
            "6",
            "6",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    ws.set_row_hidden(2).unwrap();
    wb.save(&p).unwrap();
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let i = &v["inputs"][0];
    let w = warning(&i["warnings"], "скрытые строки листа загружены");
    assert_eq!(w["count"], 1, "{i:#}");
    assert_eq!(w["examples"], serde_json::json!(["строка 3"]), "{i:#}");
    assert_eq!(i["schools"], 3, "{i:#}");
}

/// The header of an ОГЭ/ЕГЭ per-school table (family D) with shares in percents.
const GIA_HEAD: &str = "Код ОО;Наименование ОО;Количество участников;Средний балл;Доля не преодолевших минимальный порог;Доля получивших «5»";

/// Fresh-eyes defect 1: a fractional participant count in an ОГЭ/ЕГЭ per-school table is a data
/// error naming the file, row and column (as in the flat ВПР table), never truncated.
#[test]
fn a_fractional_participant_count_in_a_gia_table_is_a_data_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ОГЭ математика 2025.csv");
    for cell in ["12.7", "1 200,9"] {
        std::fs::write(&p, format!("{GIA_HEAD}\n1001;Б;{cell};23,2;25;50\n")).unwrap();
        let out = shnor()
            .arg("select")
            .arg(dir.path())
            .arg("--all")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{cell}");
        let err = String::from_utf8_lossy(&out.stderr);
        for part in [
            "ОГЭ математика 2025.csv, row 2: column «Количество участников»",
            "expected a whole number of participants",
            cell,
        ] {
            assert!(err.contains(part), "{part} not in {err}");
        }
    }
}
/// Fresh-eyes defect 2: a share that gives no whole pupil count within the rounding of its cell
/// (40 % of 12 = 4,8) is a counted warning naming the row, as the flat ВПР table's percents are;
/// shares that give whole pupils (25 % of 12) are no warning.
#[test]
fn a_gia_share_giving_no_whole_pupils_is_a_named_warning() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ОГЭ математика 2025.csv");
    let t = format!(
        "{GIA_HEAD}\n1000;Ш;12;23,2;40;50\n1001;Б;12;23,2;25;50\n1002;В;20;23,2;5;10\n1003;Г;12;23,2;8,3;41,67\n"
    );
    std::fs::write(&p, t).unwrap();
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let i = &v["inputs"][0];
    let w = warning(&i["warnings"], "counts reconstructed from percents");
    assert_eq!(w["count"], 1, "{i:#}");
    assert_eq!(w["examples"], serde_json::json!(["строка 2"]), "{i:#}");
}

/// Fresh-eyes defect 3: a selection with nothing to judge in ЕГЭ results (means only, no share
/// below the minimum) words the measure «ниже минимального порога», never marks «2».
#[test]
fn nothing_to_judge_in_ege_results_names_no_mark_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ЕГЭ математика 2025.csv");
    let t =
        "Код ОО;Наименование ОО;Количество участников;Средний балл\n1001;Б;12;61,5\n1002;В;20;55\n";
    std::fs::write(&p, t).unwrap();
    let out = shnor().arg("select").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("has a share below the minimum (ниже минимального порога)"),
        "{err}"
    );
    assert!(!err.contains("«2»"), "{err}");
}

/// Fresh-eyes defect 4: `inspect` of an ОГЭ per-school table of one procedure gives its grade,
/// subject, assessment and participants (as `select` knows «ОГЭ математика 9 кл.»).
#[test]
fn inspect_of_a_gia_table_gives_its_procedure_and_participants() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("ОГЭ математика 2025.csv");
    let t = format!("{GIA_HEAD}\n1001;Б;12;23,2;25;50\n1002;В;20;23,2;5;10\n");
    std::fs::write(&p, t).unwrap();
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    let i = &v["inputs"][0];
    assert_eq!(i["participants"], 32, "{i:#}");
    assert_eq!(i["grade"], 9, "{i:#}");
    assert_eq!(i["subject"], "математика", "{i:#}");
    assert_eq!(i["assessment"], "ОГЭ", "{i:#}");
}

/// Fresh-eyes (h16) #2: an existing folder given as `--out` of a command that writes one file is
/// a usage error (exit 2) naming it, not «a bug in shnor» (exit 3).
#[test]
fn an_existing_folder_as_out_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in ["select", "index", "inspect"] {
        shnor()
            .arg(cmd)
            .arg("data-samples/region")
            .arg("--out")
            .arg(dir.path())
            .assert()
            .code(2)
            .stderr(contains(&format!(
                "--out: {} is a folder; give a file path",
                dir.path().display()
            )));
    }
    // synth writes a folder: an existing file as its --out is a usage error too
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    shnor()
        .args(["synth", "--schools", "10", "--years", "2025", "--out"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(contains("this is a file, not a folder"));
}

/// Fresh-eyes (h16) #3: no leftover formatting in messages: an empty folder says no file was
/// found (not «0 file(s) … skipped, e.g. ;») and the years the data hold are written as a list,
/// not a Rust set («{2025}»). A later tester: the empty folder's error listed the whole header
/// catalogue; it now says which files it expects.
#[test]
fn messages_have_no_leftover_formatting() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    shnor()
        .arg("select")
        .arg(&empty)
        .assert()
        .code(1)
        .stderr(contains(
            "empty: no file found; expected .csv, .xlsx or .xls exports in it",
        ));
    let s = dir.path().join("s");
    shnor()
        .args(["synth", "--schools", "10", "--years", "2025", "--out"])
        .arg(&s)
        .assert()
        .success();
    let out = shnor().arg("monitor").arg(&s).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    // one year of data is the data's condition: exit 1 (fresh-eyes run 16; was 2)
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("the data hold 2025\n"), "{err}");
}

/// Fresh-eyes (h16) #4: `explain --format csv` printed the plain story; it writes the ledger as
/// a table: one row per entry with stage, rule, outcome and the entry in words.
#[test]
fn explain_csv_is_the_ledger_as_a_table() {
    let out = stdout_of(shnor().args([
        "explain",
        "edu990041",
        "data-samples/region",
        "--format",
        "csv",
    ]));
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("этап,правило,итог,пояснение"), "{out}");
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() >= 3, "{out}");
    assert!(rows[0].starts_with("1,risk.A,"), "{out}");
    assert!(rows.iter().any(|r| r.starts_with("3,per_group,")), "{out}");
    assert!(!out.contains("Год отбора"), "{out}");
}

/// Second round, defect 1: the `compare --thresholds` table shows strata in Russian (JSON keeps
/// the codes) and names its share by what it counts: below the minimum threshold for ЕГЭ.
#[test]
fn compare_thresholds_speaks_russian_and_knows_ege() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let args = ["compare", "data-samples/region", "--thresholds"];
    let table = stdout_of(shnor().current_dir(root).args(args));
    for code in ["regular", "small_rural", "advanced"] {
        assert!(!table.contains(code), "{code} in\n{table}");
    }
    assert!(table.contains("обычная"), "{table}");
    assert!(table.contains("малокомплектная сельская"), "{table}");
    let v = json_of(
        shnor()
            .current_dir(root)
            .args(args)
            .args(["--format", "json"]),
    );
    assert!(
        v["schools"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["stratum"] == "regular"),
        "{v:#}"
    );
    let dir = tempfile::tempdir().unwrap();
    let p = ege_table(dir.path());
    let csv = stdout_of(
        shnor()
            .arg("compare")
            .arg(&p)
            .args(["--thresholds", "--format", "csv"]),
    );
    let head = csv.lines().next().unwrap();
    assert!(head.contains("Доля ниже мин. порога"), "{head}");
    assert!(!head.contains("«2»"), "{head}");
}

/// Second round, defect 2: without a registry or context form every confirmed school falls into
/// the undetermined group, whose quota shortens the list; the run says so with the counts (a
/// counted warning in JSON, a note under the table) and names the input that would fix it. The
/// selection itself is unchanged.
#[test]
fn undetermined_groups_that_shorten_the_list_are_told() {
    let dir = tempfile::tempdir().unwrap();
    let p = ege_table(dir.path());
    let v = json_of(
        shnor()
            .arg("select")
            .arg(&p)
            .args(["--year", "2025", "--format", "json"]),
    );
    let s = &v["summary"];
    assert_eq!(
        (s["confirmed"].as_u64(), s["selected"].as_u64()),
        (Some(4), Some(1)),
        "{s:#}"
    );
    let w = warning(&s["warnings"], "per-group quota of the undetermined groups");
    assert_eq!(w["count"], 4, "{w:#}");
    assert_eq!(
        w["examples"],
        serde_json::json!(["отобрано 1 из 4"]),
        "{w:#}"
    );
    let table = stdout_of(shnor().arg("select").arg(&p).args(["--year", "2025"]));
    assert!(
        table.contains("у 4 подтверждённых школ не известны ни тип населённого пункта, ни дефицит"),
        "{table}"
    );
    assert!(table.contains("оставляет из них 1"), "{table}");
    assert!(table.contains("контекстную форму ФИС ОКО"), "{table}");
}

/// Second round, defect 3: `--procedure ЕГЭ:математика` (no grade) titles its block as the default
/// does, with the one grade of its results: «ЕГЭ математика 11 кл., 2025».
#[test]
fn a_procedure_without_a_grade_is_titled_as_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let p = ege_table(dir.path());
    let default = stdout_of(shnor().arg("compare").arg(&p));
    let asked = stdout_of(
        shnor()
            .arg("compare")
            .arg(&p)
            .args(["--procedure", "ЕГЭ:математика"]),
    );
    let title = |t: &str| t.lines().next().unwrap().to_string();
    assert_eq!(
        title(&default),
        "ЕГЭ математика 11 кл., 2025 (регион 99)",
        "{default}"
    );
    assert_eq!(title(&asked), title(&default), "{asked}");
}
