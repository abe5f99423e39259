//! Small faults a fresh-eyes tester (run 11) met on the way and session 31 fixed: each test fails
//! before its fix.
use crate::util::*;

/// `compare --format csv` wrote a p-value below 5·10⁻⁷ as `0` (six decimals) beside the table's
/// «<0,0001»: a p-value of exactly 0 reads as impossible. Small p-values keep six significant
/// digits, computed from the upper tail itself (1 − cdf is 0 beyond z ≈ 8.3).
#[test]
fn compare_data_never_writes_a_p_value_of_zero() {
    let out = shnor()
        .args(["compare", "data-samples/region", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut rows = csv_rows(&text);
    let header = rows.remove(0);
    let p_cols: Vec<usize> = (0..header.len())
        .filter(|&i| header[i].ends_with(": p"))
        .collect();
    assert_eq!(p_cols.len(), 2, "{header:?}");
    let ps: Vec<f64> = rows
        .iter()
        .flat_map(|r| p_cols.iter().map(move |&i| r[i].clone()))
        .filter(|c| !c.is_empty())
        .map(|c| c.parse::<f64>().unwrap())
        .collect();
    assert!(ps.iter().all(|&p| p > 0.0), "a p-value of 0 in {text}");
    // the sample region has municipalities far from the region: p-values far below 10⁻⁶
    assert!(ps.iter().any(|&p| p < 1e-9), "{ps:?}");
}

/// `risk`: the region rows' «Название» was the bare code of the logins' region («99») beside the
/// municipalities' names. People read «код региона 99»; the data keep the code.
#[test]
fn the_risk_table_names_the_region_by_its_code_in_words() {
    let text = stdout_of(shnor().args(["risk", "data-samples/region"]));
    assert!(text.contains("┆ код региона 99 "), "{text}");
    let csv = stdout_of(shnor().args(["risk", "data-samples/region", "--format", "csv"]));
    assert!(csv.lines().nth(1).unwrap().contains(",99,"), "{csv}");
}

/// The rows of a CSV text (quoted fields with commas kept whole).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Fresh-eyes run 12: in a flat ОГЭ table with both the share and the count below the minimum, a
/// dash in the count beside a given share was called a missing figure («результат школы не входит
/// в долю»), though the share was read (its rebuilt count counted). A dash in both still is one.
#[test]
fn a_dash_count_beside_a_given_share_is_no_missing_figure() {
    let head = "Код ОО;Наименование ОО;Количество участников;Доля не преодолевших минимальный порог;Количество не преодолевших минимальный порог\n1001;Школа 1;40;0,1;4\n";
    let name = "ОГЭ математика 2025.csv";
    let given = inspect_text(name, &format!("{head}1002;Школа 2;50;0,2;—\n"));
    let w = &given["warnings"];
    assert!(find_warning(w, "не дано").is_none(), "{w:#}");
    assert_eq!(warning(w, "reconstructed")["examples"][0], "строка 3");
    let both = inspect_text(name, &format!("{head}1002;Школа 2;50;—;—\n"));
    assert_eq!(warning(&both["warnings"], "не дано")["count"], 2);
}

/// A flat counts table of 2025 (12 schools) whose «Год» cells hold `year` and whose municipalities
/// are spelt as `muns` (by turns).
fn counts_table(year: &str, muns: &[&str]) -> String {
    let mut t =
        String::from("Год;Класс;Предмет;Муниципалитет;Логин;ОО;Количество участников;2;3;4;5\n");
    for i in 0..12 {
        let m = muns[i % muns.len()];
        let n2 = i % 5;
        t.push_str(&format!(
            "{year};5;математика;{m};edu99{:04};Школа {};20;{n2};5;5;{}\n",
            i + 1,
            i + 1,
            10 - n2
        ));
    }
    t
}

/// Fresh-eyes run 13 (HIGH): a school year written short («2024/25», «2024-25») was read as its
/// autumn year, 2024 — the whole table a year early — while «2024/2025» was read as 2025.
#[test]
fn a_short_school_year_is_its_spring_year() {
    for year in ["2024/25", "2024-25", "2024/2025"] {
        let v = inspect_text("ВПР.csv", &counts_table(year, &["Алейский район"]));
        assert_eq!(v["years"], serde_json::json!([2025]), "{year}: {v:#}");
    }
}

/// Fresh-eyes run 13: «Алейский р-н», «Алейский МР», «г.о. Алейск», «городской округ город Алейск»
/// were municipalities of their own in `compare`, beside «Алейский район» and «г. Алейск».
#[test]
fn abbreviated_municipalities_are_one_in_compare() {
    let muns = [
        "Алейский район",
        "Алейский р-н",
        "Алейский МР",
        "г. Алейск",
        "г.о. Алейск",
        "городской округ город Алейск",
    ];
    let (code, out) = run_on_text(
        "compare",
        "ВПР.csv",
        &counts_table("2025", &muns),
        &["--format", "csv"],
    );
    assert_eq!(code, 0, "{out}");
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "the region and two municipalities: {out}");
    assert!(
        rows.iter()
            .all(|r| r.contains(",120,") || r.contains("Регион")),
        "{out}"
    );
}

/// Fresh-eyes run 13: `monitor` gave a school with a share in one year only a change of «0,0»
/// (JSON 0.0), which reads as «no change»; there is nothing to compare, so it is empty / null.
#[test]
fn monitor_gives_no_change_for_a_school_with_one_year() {
    let both = counts_table("2025", &["Алейский район"]);
    let earlier: String = counts_table("2024", &["Алейский район"])
        .lines()
        .skip(1)
        .filter(|l| !l.contains(";edu990001;"))
        .map(|l| format!("{l}\n"))
        .collect();
    let text = format!("{both}{earlier}");
    let (code, out) = run_on_text("monitor", "ВПР.csv", &text, &["--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let schools = v["schools"].as_array().unwrap();
    let change = |login: &str| {
        let s = schools.iter().find(|s| s["login"] == login).unwrap();
        s["share2_change_pp"].clone()
    };
    assert!(change("edu990001").is_null(), "{:#}", change("edu990001"));
    assert!(change("edu990002").is_number());
}

/// Fresh-eyes run 13: sweeping a key the configured rule does not read (`stage1.k` under the risk
/// rule) gave a flat line and no word; a note says the list does not depend on it.
#[test]
fn sweeping_a_key_the_rule_does_not_read_is_noted() {
    let text =
        stdout_of(shnor().args(["sweep", "data-samples/region", "--param", "stage1.k=1:2:1"]));
    assert!(
        text.contains("stage1.k действует только при stage1.rule = \"bottom\""),
        "{text}"
    );
    let both = stdout_of(shnor().args(["sweep", "data-samples/region"]).args([
        "--param",
        "stage1.k=1:2:1",
        "--param",
        "stage1.rule=risk,bottom",
    ]));
    assert!(!both.contains("действует только"), "{both}");
}

/// Fresh-eyes run 13: `stage1.assessments = ["ЕГЭ"]` on inputs without ЕГЭ left the bottom rule
/// without candidates, and the warning blamed the years («лет с результатами: 0») though results
/// exist for both; it names the assessments the composite keeps.
#[test]
fn the_bottom_rule_short_of_years_names_the_assessments_kept() {
    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("ege.toml");
    std::fs::write(
        &cfg,
        "[stage1]\nrule = \"bottom\"\nassessments = [\"ЕГЭ\"]\n",
    )
    .unwrap();
    let out = stdout_of(
        shnor()
            .args(["select", "data-samples/region", "--config"])
            .arg(&cfg),
    );
    assert!(
        out.contains("лет с результатами процедур stage1.assessments = [\"ЕГЭ\"]: 0 (нет)"),
        "{out}"
    );
}

/// Fresh-eyes run 13: a registry whose settlement column said «деревня», «станица», «с.», «г.»,
/// «городская местность» or «городской населённый пункт» stopped the whole run (exit 1), while
/// «сельская местность» was read. The unambiguous words are read; «посёлок» is still not guessed.
#[test]
fn registry_settlement_words_and_abbreviations_are_read() {
    let words = [
        "деревня",
        "станица",
        "аул",
        "хутор",
        "с.",
        "д.",
        "г.",
        "городская местность",
        "городской населённый пункт",
        "городское поселение",
        "сельское поселение",
    ];
    let mut text = String::from("Логин;Тип населённого пункта\n");
    for (i, w) in words.iter().enumerate() {
        text.push_str(&format!("edu99{:04};{w}\n", i + 1));
    }
    let (code, out) = run_on_text("inspect", "reg.csv", &text, &["--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run_on_text(
        "inspect",
        "reg.csv",
        "Логин;Тип населённого пункта\nedu990001;посёлок\n",
        &[],
    );
    assert_eq!(code, 1, "{out}");
}

/// Fresh-eyes run 13: Excel's «Текст Юникод» (UTF-16 with its byte-order mark, TAB-separated) was
/// refused for its NUL bytes; its byte-order mark makes it unambiguous, and it is read.
#[test]
fn a_utf16_text_with_its_bom_is_read() {
    let text = counts_table("2025", &["Алейский район"]).replace(';', "\t");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("ВПР.csv");
    std::fs::write(&p, bytes).unwrap();
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    assert_eq!(v["inputs"][0]["rows"], 12, "{v:#}");
    assert_eq!(v["inputs"][0]["encoding"], "utf-16le");
}

/// Fresh-eyes run 13: an xlsx «Год» cell formatted as a date (Excel turns a typed «15.04.2025»
/// into one) was refused as «found «45762»», a serial number the user never typed; a date cell
/// reads as Excel shows it, `15.04.2025`, whose year is 2025, as the same text in a CSV.
#[test]
fn a_date_cell_in_the_year_column_gives_its_year() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("ВПР.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let text = counts_table("2025", &["Алейский район"]);
    let date = Format::new().set_num_format("dd.mm.yyyy");
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(';').enumerate() {
            let (r, c) = (r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(_) if r > 0 && c == 0 => {
                    let day = ExcelDateTime::from_ymd(2025, 4, 15).unwrap();
                    ws.write_datetime_with_format(r, c, &day, &date).unwrap();
                }
                Ok(x) => drop(ws.write_number(r, c, x).unwrap()),
                Err(_) => drop(ws.write_string(r, c, cell).unwrap()),
            }
        }
    }
    wb.save(&p).unwrap();
    let v = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    assert_eq!(v["inputs"][0]["years"], serde_json::json!([2025]), "{v:#}");
}

/// Fresh-eyes run 13 (MEDIUM-HIGH): two yearly files disagreeing on a school's municipality — the
/// file whose name sorted first won, so `Z_ВПР_2024.csv` + `A_ВПР_2025.csv` gave the school the
/// 2025 municipality and `ВПР_2024.csv` + `ВПР_2025.csv` the 2024 one. The later year wins whatever
/// the file names.
#[test]
fn a_school_takes_the_later_years_municipality_whatever_the_file_names() {
    let file = |year: &str, moved: &str| {
        counts_table(year, &["Район 2"])
            .replace(";Район 2;edu990001;", &format!(";{moved};edu990001;"))
    };
    let municipality_in = |names: [&str; 2]| {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join(names[0]), file("2024", "Район 2")).unwrap();
        std::fs::write(d.path().join(names[1]), file("2025", "Район 9")).unwrap();
        let v = select_json(d.path(), &[]);
        let s = v["schools"].as_array().unwrap();
        let one = s.iter().find(|s| s["login"] == "edu990001").unwrap();
        one["municipality"].as_str().unwrap().to_string()
    };
    assert_eq!(municipality_in(["ВПР_2024.csv", "ВПР_2025.csv"]), "Район 9");
    assert_eq!(
        municipality_in(["Z_ВПР_2024.csv", "A_ВПР_2025.csv"]),
        "Район 9"
    );
}

/// Fresh-eyes run 13: without context indicators there is no ИСБШ, yet every school was «not ШНСУ»
/// (JSON `shnsu: false`, CSV «ШНСУ» «нет»). Unknown is null / an empty cell, and the ledger's context
/// outcome is `unknown`.
#[test]
fn shnsu_is_unknown_without_an_index() {
    let text = counts_table("2025", &["Алейский район"]);
    let (code, out) = run_on_text("select", "ВПР.csv", &text, &["--all", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let schools = v["schools"].as_array().unwrap();
    assert!(!schools.is_empty());
    for s in schools {
        assert!(s["shnsu"].is_null(), "{:#}", s);
    }
    let (code, csv) = run_on_text("select", "ВПР.csv", &text, &["--all", "--format", "csv"]);
    assert_eq!(code, 0, "{csv}");
    let mut rows = csv_rows(&csv);
    let header = rows.remove(0);
    let col = header
        .iter()
        .position(|h| h == "ШНСУ")
        .expect("a ШНСУ column");
    assert!(rows.iter().all(|r| r[col].is_empty()), "{csv}");
}

/// Fresh-eyes run 13: a long risk table giving one school, year and factor two levels stopped with
/// «this is not a problem with the input data: it is a bug» (exit 3) and named the factor by its
/// number («… / 2025 / 0»); a wide table's error named a «Уровень» column it does not have. It is
/// a data error (exit 1) naming the factor, both levels, the first row and the level's column.
#[test]
fn a_second_risk_level_is_a_data_error_naming_the_factor() {
    let long = "Логин,Год,Фактор риска,Уровень\n\
        edu990001,2025,Низкий уровень оснащения школы,средний\n\
        edu990002,2025,Низкий уровень оснащения школы,низкий\n\
        edu990001,2025,Низкий уровень оснащения школы,высокий\n";
    let wide = "Логин;Год;Низкий уровень оснащения школы;Дефицит педагогических кадров;Низкая учебная мотивация обучающихся\n\
        edu990001;2025;средний;низкий;низкий\n\
        edu990001;2025;высокий;низкий;низкий\n";
    for (text, row, first, column) in [
        (long, "row 4", "row 2", "«Уровень»"),
        (wide, "row 3", "row 2", "«Низкий уровень оснащения школы»"),
    ] {
        let (code, err) = run_on_text("inspect", "risk.csv", text, &[]);
        assert_eq!(code, 1, "{err}");
        for part in [
            row,
            first,
            column,
            "«высокий»",
            "«средний»",
            "edu990001 / 2025 / «Низкий уровень оснащения школы»",
        ] {
            assert!(err.contains(part), "{part} not in {err}");
        }
        assert!(!err.contains("bug"), "{err}");
    }
}

/// Fresh-eyes run 14: `--grade 13` was taken (the file listed as «Класс 13»); a grade is 1 … 11.
#[test]
fn a_grade_beyond_eleven_is_a_usage_error() {
    let out = shnor()
        .args(["inspect", "data-samples/region", "--grade", "13"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("--grade") && err.contains("13"), "{err}");
}

/// Fresh-eyes run 14: a counts row of 20,5 + 9,5 + 10 + 10 (50 participants) was told «sum to
/// 50,00: expected counts that add up to the 50 participants» — the sum was right, the pupils
/// were not whole; and the unit's reason named «its first school row, row 3» where row 2 was the
/// first school row.
#[test]
fn fractional_counts_are_named_as_such() {
    let text = counts_table("2025", &["Алейский район"]);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[1] = "2025;5;математика;Алейский район;edu990001;Школа 1;20;0,5;4,5;5;10".into();
    let (code, err) = run_on_text("inspect", "ВПР.csv", &(lines.join("\n") + "\n"), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("row 2"), "{err}");
    assert!(
        err.contains("«2» holds 0,5, not a whole number of pupils"),
        "{err}"
    );
    assert!(
        err.contains("as row 3, the first school row whose marks fit a unit"),
        "{err}"
    );
}

/// Fresh-eyes run 14: `select --year 2024 --format json` recorded `config.selection.year =
/// "latest"` with the hash of a run without `--year`: the config shown is the one the run used.
#[test]
fn the_json_config_records_the_year_given() {
    let json = |extra: &[&str]| {
        let mut args = vec!["select", "data-samples/region", "--format", "json"];
        args.extend_from_slice(extra);
        serde_json::from_str::<serde_json::Value>(&stdout_of(shnor().args(&args))).unwrap()
    };
    let (given, latest) = (json(&["--year", "2024"]), json(&[]));
    assert_eq!(given["year"], 2024);
    assert_eq!(
        given["config"]["selection"]["year"], 2024,
        "{:#}",
        given["config"]
    );
    assert_eq!(latest["config"]["selection"]["year"], "latest");
    assert_ne!(given["config_sha256"], latest["config_sha256"]);
}

/// Fresh-eyes run 14: a scales file replacing a shipped (published) scale with other bands left no
/// trace but its checksum in JSON `inputs`; the marks of that procedure follow the file. A counted
/// warning names the procedure, both band tables and the row; a row equal to the shipped scale
/// changes nothing and says nothing.
#[test]
fn a_scales_file_replacing_a_published_scale_is_told() {
    let text = "year,grade,subject,max_score,min3,min4,min5\n\
        2021,4,математика,20,7,10,15\n\
        2021,4,русский язык,38,14,24,33\n";
    let v = inspect_text("scales.csv", text);
    let w = &v["warnings"]
        ["встроенная (опубликованная) шкала заменена шкалой из файла: отметки по шкале файла"];
    assert_eq!(w["count"], 1, "{v:#}");
    assert_eq!(
        w["examples"][0],
        "ВПР 2021, 4 класс, математика: 0–5 / 6–9 / 10–14 / 15–20 → 0–6 / 7–9 / 10–14 / 15–20 (строка 2)"
    );
}

/// Fresh-eyes run 13: under the bottom rule, schools with equal shares read as «место 1» and «место
/// 2» in their ledgers, as if one were worse. Equal shares share their places: «место 1–2 из 12,
/// равная доля у 2 школ».
#[test]
fn tied_schools_share_their_places_in_the_bottom_ledger() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ВПР.csv"),
        counts_table("2025", &["Алейский район"]),
    )
    .unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "[stage1]\nrule = \"bottom\"\nn = 1\nk = 1\n").unwrap();
    let explain = |login: &str| {
        stdout_of(
            shnor()
                .args(["explain", login])
                .arg(dir.path().join("ВПР.csv"))
                .arg("--config")
                .arg(&cfg),
        )
    };
    // «2» 4 of 20 in edu990005 and edu990010 (i % 5 = 4); 0 of 20 in three schools
    for login in ["edu990005", "edu990010"] {
        let t = explain(login);
        assert!(t.contains("место 1–2 из 12, равная доля у 2 школ"), "{t}");
    }
    let t = explain("edu990001");
    assert!(t.contains("место 10–12 из 12, равная доля у 3 школ"), "{t}");
}

/// Fresh-eyes run 14: a school known by name given twice with other figures was named
/// «гимназия 1 и процедуры ЕГЭ … 2024» (город биробиджан) — the name's closing quote after the
/// procedure. The school is «гимназия 1» (город биробиджан), then the procedure.
#[test]
fn a_repeated_name_keyed_school_is_quoted_alone() {
    let text = "ОО;Муниципалитет;Количество участников;Доля не преодолевших минимальный порог, %;Средний балл\n\
        Гимназия №1;город Биробиджан;13;7,7;60,4\n\
        Гимназия №1;город Биробиджан;10;20;45,3\n\
        СОШ №2;город Биробиджан;20;5;55\n";
    let (code, err) = run_on_text("select", "ЕГЭ русский язык 2024.csv", text, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "для школы «гимназия 1» (город биробиджан) и процедуры ЕГЭ русский язык 11 кл. 2024"
        ),
        "{err}"
    );
}

/// Fresh-eyes run 14: `objectivity` showed the cohort markers as «0 / 0» every year with no word
/// why; the sample region has grade-5 marks tables but no grade-5 scores. A note says what K needs
/// and, per region and year, which scores are missing.
#[test]
fn unjudged_cohort_markers_say_why() {
    let text = stdout_of(shnor().args(["objectivity", "data-samples/region"]));
    assert!(text.contains("Маркеры 4→5 не оценены (0 / 0)"), "{text}");
    assert!(
        text.contains("регион 99, 2025 — нет баллов учеников 5 класса 2025"),
        "{text}"
    );
}
