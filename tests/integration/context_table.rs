//! Context tables keyed by school code and year with a codebook (issue 14): the codebook's wordings
//! matched to the index indicators, the year of the selection, `NA`, unmatched codes, bad cells.
use crate::util::*;
use std::path::Path;

/// A command's table output without its load notes («Загрузка…»: they name the files read).
fn figures(cmd: &mut std::process::Command) -> String {
    stdout_of(cmd)
        .lines()
        .filter(|l| !l.starts_with("Загрузка"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The codebook of the fixtures: the wordings the issue names, and one no index indicator has.
const CODEBOOK: &[(&str, &str)] = &[
    ("ses1", "Доля обучающихся из неполных семей"),
    ("ses2", "Доля обучающихся из малообеспеченных семей"),
    (
        "ses3",
        "Доля обучающихся, для которых русский язык не является родным",
    ),
    ("ses4", "Доля обучающихся с ОВЗ"),
    ("ses5", "Доля безработных родителей"),
    ("ses6", "Доля обучающихся из многодетных семей"),
    (
        "ses7",
        "Доля обучающихся, состоящих на внутришкольном учёте",
    ),
    ("ses8", "Доля выпускников, поступивших в вузы"),
];

/// The registry keys of ses1…ses7.
const KEYS: &[&str] = &[
    "single_parent",
    "low_income",
    "non_native",
    "ovz_share",
    "unemployed_parents",
    "large_family",
    "at_risk_register",
];

/// Six schools' ses1…ses8 in 2023 (`NA` missing).
const Y2023: &[(&str, [&str; 8])] = &[
    (
        "sch220001",
        [
            "0.12", "0.22", "0.06", "0.02", "0.04", "0.10", "0.11", "0.6",
        ],
    ),
    (
        "sch220002",
        [
            "0.30", "0.40", "0.20", "0.05", "0.10", "0.20", "0.30", "0.2",
        ],
    ),
    (
        "sch220003",
        ["0.05", "0.10", "NA", "0.01", "0.02", "0.05", "0.02", "0.8"],
    ),
    (
        "sch220004",
        ["0.20", "0.30", "0.10", "0.03", "0.06", "0.15", "0.20", "NA"],
    ),
    (
        "sch220005",
        [
            "0.15", "0.25", "0.08", "0.02", "0.05", "0.12", "0.15", "0.45",
        ],
    ),
    (
        "sch220006",
        [
            "0.08", "0.12", "0.02", "0.00", "0.03", "0.07", "0.05", "0.7",
        ],
    ),
];

/// The context sheet: 2022 rows (other figures; ses6 not collected that year: empty) and the
/// 2023 rows, `bad` replacing ses3 of the third 2023 row when given.
fn context_rows(bad: Option<&str>) -> Vec<Vec<String>> {
    let mut rows = vec![row(&[
        "Код ОО",
        "year",
        "ses1",
        "ses2",
        "ses3",
        "ses4",
        "ses5",
        "ses6",
        "ses7",
        "ses8",
    ])];
    for (i, (login, _)) in Y2023.iter().enumerate() {
        let v = format!("0.{}", 3 + i);
        let mut r = row(&[login, "2022"]);
        r.extend((0..8).map(|c| if c == 5 { String::new() } else { v.clone() }));
        rows.push(r);
    }
    for (i, (login, vals)) in Y2023.iter().enumerate() {
        let mut r = row(&[login, "2023"]);
        r.extend(vals.iter().map(|s| s.to_string()));
        if i == 2 {
            if let Some(b) = bad {
                r[4] = b.to_string();
            }
        }
        rows.push(r);
    }
    rows
}

fn codebook_rows(header: bool) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    if header {
        rows.push(row(&["code", "label"]));
    }
    rows.extend(CODEBOOK.iter().map(|(c, w)| row(&[c, w])));
    rows
}

/// The 2023 figures as a registry keyed by login (`NA` empty).
fn registry(path: &Path) {
    let mut text = format!("login;{}\n", KEYS.join(";"));
    for (login, vals) in Y2023 {
        let cells: Vec<&str> = vals[..7]
            .iter()
            .map(|v| if *v == "NA" { "" } else { v })
            .collect();
        text.push_str(&format!("{login};{}\n", cells.join(";")));
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_codebook_table_gives_the_index_of_the_same_figures_in_a_registry() {
    let d = tempfile::tempdir().unwrap();
    let reg = d.path().join("registry.csv");
    registry(&reg);
    let wb = d.path().join("Контекст школ 2022-2023.xlsx");
    text_workbook(
        &wb,
        &[
            ("Данные", &context_rows(None)),
            ("Кодовая книга", &codebook_rows(false)),
        ],
    );
    let want = figures(shnor().arg("index").arg(&reg));
    // the latest year of the table (no results): 2023, whatever the 2022 rows hold
    assert_eq!(figures(shnor().arg("index").arg(&wb)), want);
    // the codebook as a file of its own, with a header
    let e = d.path().join("csv");
    std::fs::create_dir(&e).unwrap();
    let csv = |rows: &[Vec<String>]| {
        rows.iter()
            .map(|r| r.join(";"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    std::fs::write(e.join("context.csv"), csv(&context_rows(None))).unwrap();
    std::fs::write(e.join("codebook.csv"), csv(&codebook_rows(true))).unwrap();
    assert_eq!(figures(shnor().arg("index").arg(&e)), want);
}

#[test]
fn unmatched_codebook_indicators_are_listed() {
    let d = tempfile::tempdir().unwrap();
    let wb = d.path().join("ctx.xlsx");
    text_workbook(
        &wb,
        &[
            ("Данные", &context_rows(None)),
            ("Кодовая книга", &codebook_rows(true)),
        ],
    );
    let out = stdout_of(shnor().arg("inspect").arg(&wb));
    assert!(
        out.contains("контекстные показатели по кодам")
            && out.contains("кодификатор показателей")
            && out.contains("не сопоставлены с показателями индекса")
            && out.contains("ses8 «Доля выпускников, поступивших в вузы»")
            && out.contains("показатели за 2023 год"),
        "{out}"
    );
    let v = json_of(shnor().arg("inspect").arg(&wb).args(["--format", "json"]));
    let table = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "context-table")
        .unwrap();
    assert_eq!(
        table["unmatched"],
        serde_json::json!(["ses8 «Доля выпускников, поступивших в вузы»"])
    );
    assert_eq!(table["years"], serde_json::json!([2022, 2023]));
    assert_eq!(table["rows"], 12);
}

#[test]
fn a_cell_neither_a_number_nor_na_is_an_error_naming_sheet_row_and_column() {
    let d = tempfile::tempdir().unwrap();
    let wb = d.path().join("ctx.xlsx");
    text_workbook(
        &wb,
        &[
            ("Данные", &context_rows(Some("н/д"))),
            ("Кодовая книга", &codebook_rows(true)),
        ],
    );
    shnor()
        .arg("index")
        .arg(&wb)
        .assert()
        .code(1)
        .stderr(contains("[лист «Данные»], row 10"))
        .stderr(contains("«ses3»"))
        .stderr(contains("expected a number or NA, found «н/д»"));
}

#[test]
fn a_year_cell_that_is_not_a_whole_year_is_an_error_naming_sheet_row_and_column() {
    for bad in ["2023/24", "2023-2024", "2023,5", "год 2023"] {
        let d = tempfile::tempdir().unwrap();
        let wb = d.path().join("ctx.xlsx");
        let mut rows = context_rows(None);
        rows[9][1] = bad.to_string();
        text_workbook(
            &wb,
            &[("Данные", &rows), ("Кодовая книга", &codebook_rows(true))],
        );
        shnor()
            .arg("index")
            .arg(&wb)
            .assert()
            .code(1)
            .stderr(contains("[лист «Данные»], row 10"))
            .stderr(contains("«year»"))
            .stderr(contains(
                format!("expected a year from 2000 to 2099, found «{bad}»").as_str(),
            ));
    }
}

#[test]
fn codes_no_input_maps_to_a_login_stay_under_their_code() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("ctx.csv");
    let mut text = String::from("code;year;ses1;ses2\n");
    for (i, code) in ["0101", "0102", "0103"].iter().enumerate() {
        // ses2 in percent, as its wording says
        text.push_str(&format!("{code};2024;0.{};{}0\n", i + 1, 5 - i));
    }
    std::fs::write(&p, text).unwrap();
    let book = d.path().join("book.csv");
    std::fs::write(
        &book,
        "code;label\nses1;Доля обучающихся из неполных семей\nses2;Доля детей из малообеспеченных семей, %\n",
    )
    .unwrap();
    let reg = d.path().join("registry.csv");
    std::fs::write(&reg, "login;gia_code;settlement\nedu220001;101;город\n").unwrap();
    let v = json_of(
        shnor()
            .arg("index")
            .args([&p, &book, &reg])
            .args(["--format", "json"]),
    );
    let logins: Vec<&str> = v["schools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["login"].as_str().unwrap())
        .collect();
    assert_eq!(logins, ["edu220001", "gia:102", "gia:103"]);
    // never unnoticed: such a school has no municipality or region — a counted load warning
    // naming each code (not when the table alone names every school by code)
    let unmapped = |paths: &[&Path]| {
        let v = json_of(
            shnor()
                .arg("inspect")
                .args(paths)
                .args(["--format", "json"]),
        );
        find_warning(
            &v["warnings"],
            "не сопоставлен ни с одной школой других входов",
        )
        .cloned()
    };
    let w = unmapped(&[&p, &book, &reg]).expect("a warning for the unmapped codes");
    assert_eq!(w["count"], 2, "{w}");
    assert!(
        w["examples"][0].as_str().unwrap().starts_with("gia:102 ("),
        "{w}"
    );
    assert!(unmapped(&[&p, &book]).is_none());
    // without the «%» the percents are no fractions: an error naming the column
    std::fs::write(&book, "code;label\nses1;Доля обучающихся из неполных семей\nses2;Доля детей из малообеспеченных семей\n").unwrap();
    shnor()
        .arg("index")
        .args([&p, &book])
        .assert()
        .code(1)
        .stderr(contains("column «ses2»"))
        .stderr(contains("expected a fraction 0–1"));
}

/// A synthetic region whose registry keeps its schools' facts but gives its indicators to a
/// context table keyed by ГИА code, with 2024 and 2025 as in the registry and 2023 altered.
fn region_with_context_table(region: &Path, out: &Path) {
    let names = [
        "Доля обучающихся, оба родителя которых имеют высшее образование",
        "Доля обучающихся из неполных семей",
        "Доля обучающихся из малообеспеченных семей",
        "Доля обучающихся, состоящих на внутришкольном учёте",
        "Доля обучающихся, для которых русский язык не является родным",
        "Доля обучающихся с ОВЗ",
        "Доля безработных родителей",
        "Доля обучающихся из многодетных семей",
        "Доля вакантных ставок учителей",
        "Доля учителей без педагогического образования",
        "Доля учителей в возрасте 65 лет и старше",
        "Число обучающихся на один компьютер",
        "Скорость интернета, Мбит/с",
        "Доля оснащённых учебных кабинетов",
    ];
    std::fs::create_dir_all(out).unwrap();
    for f in std::fs::read_dir(region).unwrap() {
        let f = f.unwrap().path();
        if f.file_name().unwrap() != "registry.csv" {
            std::fs::copy(&f, out.join(f.file_name().unwrap())).unwrap();
        }
    }
    let text = std::fs::read_to_string(region.join("registry.csv")).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(';').collect()).collect();
    assert_eq!(rows[0][6], "gia_code");
    assert_eq!(rows[0].len(), 7 + names.len(), "{:?}", rows[0]);
    let facts: Vec<String> = rows.iter().map(|r| r[..7].join(";")).collect();
    std::fs::write(out.join("registry.csv"), facts.join("\n") + "\n").unwrap();
    let mut ctx = String::from("Код ОО;year");
    for i in 1..=names.len() {
        ctx.push_str(&format!(";ses{i}"));
    }
    for r in &rows[1..] {
        for year in [2023, 2024, 2025] {
            ctx.push_str(&format!("\n{};{year}", r[6]));
            for v in &r[7..] {
                let v = match (v.parse::<f64>(), year) {
                    (Err(_), _) => "NA".to_string(),
                    (Ok(x), 2023) => format!("{:.3}", x * 0.5),
                    _ => v.to_string(),
                };
                ctx.push_str(&format!(";{v}"));
            }
        }
    }
    std::fs::write(out.join("context.csv"), ctx + "\n").unwrap();
    let mut book = String::from("code;label\n");
    for (i, n) in names.iter().enumerate() {
        book.push_str(&format!("ses{};{n}\n", i + 1));
    }
    std::fs::write(out.join("codebook.csv"), book).unwrap();
}

#[test]
fn the_table_feeds_selection_resilience_and_deficit_for_the_matching_year() {
    let (d, region) = region(7, 60);
    let ctx = d.path().join("ctx");
    region_with_context_table(&region, &ctx);
    let schools = |p: &Path, year: &str| select_json(p, &["--year", year])["schools"].clone();
    for year in ["2024", "2025"] {
        assert_eq!(schools(&ctx, year), schools(&region, year), "{year}");
        let resilient = |p: &Path| figures(shnor().arg("resilient").arg(p).args(["--year", year]));
        assert_eq!(resilient(&ctx), resilient(&region), "{year}");
    }
    // 2023 reads the table's 2023 rows (halved), not the latest ones
    let (a, b) = (schools(&ctx, "2023"), schools(&region, "2023"));
    let index = |v: &serde_json::Value| -> Vec<serde_json::Value> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s["index"].clone())
            .collect()
    };
    assert_ne!(index(&a), index(&b));
    // without a year: the latest year with results
    assert_eq!(
        figures(shnor().arg("index").arg(&ctx)),
        figures(shnor().arg("index").arg(&region))
    );
}

/// A school kept under a code no input maps (no municipality, no login) beside a region whose
/// schools have logins takes the one region of those schools: no output shows an empty region.
#[test]
fn an_unmapped_code_takes_the_one_region_of_the_login_schools() {
    let (d, region) = region(7, 60);
    let ctx = d.path().join("ctx");
    region_with_context_table(&region, &ctx);
    let mut text = std::fs::read_to_string(ctx.join("context.csv")).unwrap();
    let first: Vec<String> = text
        .lines()
        .nth(1)
        .unwrap()
        .split(';')
        .map(String::from)
        .collect();
    for year in ["2023", "2024", "2025"] {
        text.push_str(&format!("777777;{year};{}\n", first[2..].join(";")));
    }
    std::fs::write(ctx.join("context.csv"), text).unwrap();
    let blank = |out: &str| {
        out.contains("регион )")
            || out.contains("регион \n")
            || out.contains("регион ,")
            || out.contains("\"region\": \"\"")
            || out.contains("\"region\":\"\"")
    };
    for cmd in ["index", "resilient", "select"] {
        let out = stdout_of(shnor().arg(cmd).arg(&ctx));
        assert!(!blank(&out), "{cmd}: {out}");
    }
    let rep = d.path().join("rep");
    shnor()
        .arg("report")
        .arg(&ctx)
        .arg("--out")
        .arg(&rep)
        .assert()
        .success();
    for f in std::fs::read_dir(&rep).unwrap() {
        let f = f.unwrap().path();
        if let Ok(text) = std::fs::read_to_string(&f) {
            assert!(!blank(&text), "{}", f.display());
        }
    }
    let v = json_of(shnor().arg("index").arg(&ctx).args(["--format", "json"]));
    let s = v["schools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["login"] == "gia:777777")
        .expect("the unmapped school is indexed");
    let region_of_logins = v["schools"][0]["region"].as_str().unwrap().to_string();
    assert!(!region_of_logins.is_empty());
    assert_eq!(s["region"], region_of_logins.as_str(), "{s}");
}

/// With login schools of two regions, a school under a code no input maps has no region: it is
/// left out of the index strata and listed without an index, with the reason.
#[test]
fn an_unmapped_code_beside_two_regions_is_left_out_of_the_index() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("ctx.csv");
    let mut text = String::from("code;year;ses1;ses2\n");
    for (i, code) in ["0101", "0102", "0103", "0104", "0105"].iter().enumerate() {
        text.push_str(&format!("{code};2024;0.{};0.{}\n", i + 1, 5 - i));
    }
    std::fs::write(&p, text).unwrap();
    let book = d.path().join("book.csv");
    std::fs::write(
        &book,
        "code;label\nses1;Доля обучающихся из неполных семей\nses2;Доля детей из малообеспеченных семей\n",
    )
    .unwrap();
    let reg = d.path().join("registry.csv");
    std::fs::write(
        &reg,
        "login;gia_code;settlement\nedu220001;101;город\nedu220002;102;город\nedu990003;103;город\nedu990004;104;село\n",
    )
    .unwrap();
    let v = json_of(
        shnor()
            .arg("index")
            .args([&p, &book, &reg])
            .args(["--format", "json"]),
    );
    let schools = v["schools"].as_array().unwrap();
    let s = schools
        .iter()
        .find(|s| s["login"] == "gia:105")
        .expect("the unmapped school is listed");
    assert!(s["index"].is_null(), "{s}");
    assert!(
        s["missing_reason"]
            .as_str()
            .unwrap()
            .contains("регион не определён"),
        "{s}"
    );
    assert!(schools
        .iter()
        .filter(|s| s["login"] != "gia:105")
        .all(|s| s["index"].is_number() && s["region"] != ""));
    let out = stdout_of(shnor().arg("index").args([&p, &book, &reg]));
    assert!(!out.contains("регион )"), "{out}");
    assert!(out.contains("регион не определён"), "{out}");
}
