//! `--format csv` is data: RFC 4180 with `.` decimals, shares as fractions, intervals in columns of
//! their own; `--excel` for Russian Excel; text from the inputs cannot run a formula.
use crate::util::*;
use std::path::Path;

/// The sample region copied into a temp dir, with school edu990046's name replaced by `name`.
fn region_with_name(name: &str) -> tempfile::TempDir {
    let src = sample_region();
    let d = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, d.path().join(p.file_name().unwrap())).unwrap();
    }
    let reg = d.path().join("registry.csv");
    let text = std::fs::read_to_string(&reg).unwrap();
    let text = text.replace("edu990046;МБОУ \"СОШ №46\"", &format!("edu990046;{name}"));
    assert!(text.contains(name));
    std::fs::write(&reg, text).unwrap();
    d
}

fn parse(text: &str, delimiter: u8) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let h = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    (h, rows)
}

#[test]
fn select_csv_carries_numbers_and_intervals_in_their_own_columns() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = stdout_of(shnor().current_dir(root).args([
        "select",
        "data-samples/region",
        "--all",
        "--format",
        "csv",
    ]));
    let (h, rows) = parse(&text, b',');
    let col = |name: &str| {
        h.iter()
            .position(|x| x == name)
            .unwrap_or_else(|| panic!("{name}: {h:?}"))
    };
    let (s, lo, hi) = (
        col("Доля «2»"),
        col("Доля «2»: 95 % ДИ, от"),
        col("Доля «2»: 95 % ДИ, до"),
    );
    let json = select_json(&root.join("data-samples/region"), &[]);
    let schools = json["schools"].as_array().unwrap();
    assert_eq!(rows.len(), schools.len());
    for (r, j) in rows.iter().zip(schools) {
        assert_eq!(r[col("Логин")], j["login"].as_str().unwrap());
        if j["share2"].is_null() {
            assert_eq!(
                (&r[s], &r[lo], &r[hi]),
                (&String::new(), &String::new(), &String::new())
            );
            continue;
        }
        let v: f64 = r[s].parse().unwrap();
        assert_eq!(v, j["share2"].as_f64().unwrap());
        let (l, u): (f64, f64) = (r[lo].parse().unwrap(), r[hi].parse().unwrap());
        assert!(l <= v && v <= u && u <= 1.0, "{r:?}");
        let n: i64 = r[col("Участий за окно (сумма по процедурам)")]
            .parse()
            .unwrap();
        assert_eq!(n, j["participants"].as_i64().unwrap());
    }
}

#[test]
fn excel_dialect_has_bom_semicolons_and_decimal_commas() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for flag in [&["--excel"][..], &["--csv-dialect", "excel"]] {
        let text = stdout_of(
            shnor()
                .current_dir(root)
                .args(["select", "data-samples/region", "--format", "csv"])
                .args(flag),
        );
        let body = text.strip_prefix('\u{feff}').expect("BOM");
        let (h, rows) = parse(body, b';');
        let s = h.iter().position(|x| x == "Доля «2»").unwrap();
        for r in &rows {
            assert!(r[s].is_empty() || r[s].starts_with("0,"), "{r:?}");
            assert!(!r[s].contains('.'));
        }
    }
}

#[test]
fn a_formula_in_a_school_name_is_neutralised_in_csv() {
    let name = "=SUM(1,2)+HYPERLINK(3)";
    let d = region_with_name(name);
    let text = stdout_of(
        shnor()
            .arg("select")
            .arg(d.path())
            .args(["--format", "csv"]),
    );
    let (h, rows) = parse(&text, b',');
    let (login, school) = (
        h.iter().position(|x| x == "Логин").unwrap(),
        h.iter().position(|x| x == "Школа").unwrap(),
    );
    let row = rows.iter().find(|r| r[login] == "edu990046").unwrap();
    assert_eq!(row[school], format!("'{name}"));
    // people's formats show the name as it is
    let table = stdout_of(shnor().arg("select").arg(d.path()).args(["--format", "md"]));
    assert!(table.contains(&format!("| {name} |")), "{table}");
}

#[test]
fn excel_implies_csv_and_is_never_silently_ignored() {
    let sample = sample_region();
    for flag in [&["--excel"][..], &["--csv-dialect", "excel"]] {
        let text = stdout_of(shnor().arg("select").arg(&sample).args(flag));
        assert!(text.starts_with("\u{feff}№;Логин;"), "{flag:?}: {text}");
    }
    shnor()
        .arg("select")
        .arg(&sample)
        .args(["--excel", "--format", "table"])
        .assert()
        .code(2)
        .stderr(contains("--excel"));
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("r");
    shnor()
        .arg("report")
        .arg(&sample)
        .arg("--out")
        .arg(&out)
        .arg("--excel")
        .assert()
        .success();
    let s = std::fs::read_to_string(out.join("csv/final_list.csv")).unwrap();
    assert!(s.starts_with("\u{feff}№;Логин;"), "{s}");
}

/// Every header of a CSV table is unique, so pandas and polars read each column under its own
/// name (pandas would rename a repeated «p» to `p.1`): every command's `--format csv` and every
/// file of `report`'s csv/ on the sample region.
#[test]
fn no_csv_written_repeats_a_header() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let unique = |what: &str, text: &str| {
        let (h, _) = parse(text, b',');
        assert!(!h.is_empty(), "{what}: no header");
        let mut seen = std::collections::BTreeSet::new();
        for x in &h {
            assert!(seen.insert(x), "{what}: header «{x}» repeats in {h:?}");
        }
    };
    for args in [
        &["select"][..],
        &["select", "--all"],
        &["index"],
        &["resilient"],
        &["objectivity"],
        &["compare"],
        &["compare", "--thresholds"],
        &["monitor"],
        &["risk"],
    ] {
        let text = stdout_of(
            shnor()
                .current_dir(root)
                .args(&args[..1])
                .arg("data-samples/region")
                .args(&args[1..])
                .args(["--format", "csv"]),
        );
        unique(&args.join(" "), &text);
    }
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("r");
    shnor()
        .current_dir(root)
        .args(["report", "data-samples/region", "--out"])
        .arg(&out)
        .assert()
        .success();
    let mut n = 0;
    for e in std::fs::read_dir(out.join("csv")).unwrap() {
        let p = e.unwrap().path();
        unique(
            &p.display().to_string(),
            &std::fs::read_to_string(&p).unwrap(),
        );
        n += 1;
    }
    assert!(n >= 10, "{n} CSV files in the report");
}
