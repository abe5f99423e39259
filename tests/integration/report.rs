//! `shnor report`: the folder (workbook, CSV, manifest), read back and checked against `select`.
use crate::util::*;
use calamine::{Data, Reader};
use std::path::{Path, PathBuf};

fn report(inputs: &Path, out: &Path, extra: &[&str]) {
    shnor()
        .arg("report")
        .arg(inputs)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

#[test]
fn the_workbook_reads_back_as_select_says() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("r");
    report(&sample_region(), &out, &[]);
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(out.join("shnor-report.xlsx")).unwrap();
    let names = wb.sheet_names();
    for want in [
        "Сводка",
        "Итоговый список",
        "Все школы",
        "12 групп",
        "ИСБШ",
        "Устойчивость",
        "Объективность",
        "Объективность (ФИОКО)",
        "Маркеры ФИОКО",
        "МО и регион",
        "Динамика",
        "Рисковые профили",
        "Входные данные",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
    }
    let list = wb.worksheet_range("Итоговый список").unwrap();
    let headers: Vec<String> = list.rows().next().unwrap().iter().map(text).collect();
    let col = |h: &str| {
        headers
            .iter()
            .position(|x| x == h)
            .unwrap_or_else(|| panic!("{h}: {headers:?}"))
    };
    let (login, share, lo, quality) = (
        col("Логин"),
        col("Доля «2»"),
        col("Доля «2»: 95 % ДИ, от"),
        col("Качество"),
    );
    let json = json_of(
        shnor()
            .arg("select")
            .arg(sample_region())
            .args(["--format", "json"]),
    );
    let schools = json["schools"].as_array().unwrap();
    let rows: Vec<&[Data]> = list.rows().skip(1).collect();
    assert_eq!(rows.len(), schools.len());
    assert!(!rows.is_empty());
    for (r, j) in rows.iter().zip(schools) {
        assert_eq!(text(&r[login]), j["login"].as_str().unwrap());
        assert_eq!(r[share], Data::Float(j["share2"].as_f64().unwrap()));
        assert_eq!(r[lo], Data::Float(j["share2_ci"][0].as_f64().unwrap()));
        assert_eq!(r[quality], Data::Float(j["quality"].as_f64().unwrap()));
    }
    let all = wb.worksheet_range("Все школы").unwrap();
    assert_eq!(
        all.rows().count() - 1,
        json["summary"]["stage1_entered"].as_u64().unwrap() as usize
    );
    the_sheets_people_read_hold_no_english_codes(&mut wb, &out);
}

/// The ledger summary and the index factors are in Russian in the workbook and the CSV files
/// (they showed «1: kind → regular; risk.A → not_fired» and «ovz_share +2,50»).
fn the_sheets_people_read_hold_no_english_codes(
    wb: &mut calamine::Xlsx<std::io::BufReader<std::fs::File>>,
    out: &Path,
) {
    for (sheet, file) in [("Все школы", "schools"), ("ИСБШ", "index")] {
        let range = wb.worksheet_range(sheet).unwrap();
        let cells: Vec<String> = range.rows().flat_map(|r| r.iter().map(text)).collect();
        let csv = std::fs::read_to_string(out.join(format!("csv/{file}.csv"))).unwrap();
        for (what, all) in [(sheet, cells.join("\n")), (file, csv)] {
            for code in [
                "risk.",
                "fired",
                "kind →",
                "regular",
                "candidate",
                "any",
                "ovz_",
                "low_income",
            ] {
                assert!(!all.contains(code), "{what}: «{code}» in\n{all}");
            }
        }
    }
    let csv = std::fs::read_to_string(out.join("csv/schools.csv")).unwrap();
    assert!(csv.contains("правило A → "), "{csv}");
    let csv = std::fs::read_to_string(out.join("csv/index.csv")).unwrap();
    assert!(csv.contains(" среднего ("), "{csv}");
}

/// The files of a report folder (manifest without its timings), by relative path.
fn contents(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut m = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
            let mut bytes = std::fs::read(&p).unwrap();
            if rel == "manifest.json" {
                let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                assert!(v["timings_s"]["method"].as_f64().unwrap() > 0.0);
                v.as_object_mut().unwrap().remove("timings_s");
                bytes = serde_json::to_vec(&v).unwrap();
            }
            m.insert(rel, bytes);
        }
    }
    m
}

#[test]
fn the_same_inputs_give_the_same_files_and_a_full_folder_needs_force() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    report(&sample_region(), &a, &[]);
    // (a `--year`, even the latest one, is part of the effective config the report records and
    // hashes: the same files need the same arguments)
    report(&sample_region(), &b, &[]);
    let (ca, cb) = (contents(&a), contents(&b));
    assert!(ca.contains_key("csv/final_list.csv") && ca.contains_key("shnor-report.xlsx"));
    assert_eq!(ca.keys().collect::<Vec<_>>(), cb.keys().collect::<Vec<_>>());
    for (k, v) in &ca {
        assert!(v == &cb[k], "{k} differs between two runs");
    }
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(a.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["inputs"].as_array().unwrap().len(), 13);
    assert!(m["inputs"][0]["sha256"].as_str().unwrap().len() == 64);
    assert_eq!(m["config_sha256"].as_str().unwrap().len(), 64);
    assert!(m["counts"]["selected"].as_u64().unwrap() > 0);
    // a non-empty folder is refused, untouched; --force replaces it
    std::fs::write(a.join("mine.txt"), "x").unwrap();
    shnor()
        .arg("report")
        .arg(sample_region())
        .arg("--out")
        .arg(&a)
        .assert()
        .code(2)
        .stderr(contains("--force"));
    assert!(a.join("mine.txt").exists());
    // --force replaces only an earlier report: a user's file in it is never deleted
    shnor()
        .arg("report")
        .arg(sample_region())
        .arg("--out")
        .arg(&a)
        .arg("--force")
        .assert()
        .code(2)
        .stderr(contains("mine.txt"));
    assert!(a.join("mine.txt").exists());
    std::fs::remove_file(a.join("mine.txt")).unwrap();
    report(&sample_region(), &a, &["--force"]);
    assert_eq!(
        contents(&a).keys().collect::<Vec<_>>(),
        ca.keys().collect::<Vec<_>>()
    );
    assert_eq!(
        std::fs::read_dir(d.path()).unwrap().count(),
        2,
        "no temp folder left"
    );
}

#[test]
fn force_never_deletes_a_folder_that_is_not_a_report() {
    let d = tempfile::tempdir().unwrap();
    let x = d.path().join("x");
    std::fs::create_dir_all(x.join("sub")).unwrap();
    std::fs::write(x.join("sub/thesis.docx"), "x").unwrap();
    shnor()
        .arg("report")
        .arg(sample_region())
        .arg("--out")
        .arg(&x)
        .arg("--force")
        .assert()
        .code(2)
        .stderr(contains("manifest.json"));
    assert_eq!(std::fs::read(x.join("sub/thesis.docx")).unwrap(), b"x");
    assert_eq!(
        std::fs::read_dir(d.path()).unwrap().count(),
        1,
        "no temp folder left"
    );
}

#[test]
fn the_fioko_objectivity_index_is_in_the_report_and_no_part_is_present_without_rows() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("r");
    report(&sample_region(), &out, &[]);
    let json = json_of(
        shnor()
            .arg("objectivity")
            .arg(sample_region())
            .args(["--format", "json"]),
    );
    let fioko = json["summary"]["fioko"].as_array().unwrap();
    assert!(!fioko.is_empty());
    let index = std::fs::read_to_string(out.join("csv/objectivity_index.csv")).unwrap();
    let markers = std::fs::read_to_string(out.join("csv/objectivity_markers.csv")).unwrap();
    assert_eq!(index.lines().count(), fioko.len() + 1, "{index}");
    assert!(markers.lines().count() > fioko.len(), "{markers}");
    // fresh-eyes #8: each marker's two columns, not «…: отмечено / оценено: оценено»
    let head = index.lines().next().unwrap();
    assert!(
        head.contains("завышен средний балл: отмечено,завышен средний балл: оценено"),
        "{head}"
    );
    assert!(!head.contains('/'), "{head}");
    let summary = std::fs::read_to_string(out.join("csv/summary.csv")).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for r in fioko {
        let (region, year) = (r["region"].as_str().unwrap(), r["year"].as_i64().unwrap());
        let idx = r["index"].as_f64().unwrap();
        assert!(index.contains(&format!("{region},{year},")), "{index}");
        let label = format!("Уровень объективности ВПР (ФИОКО), регион {region}, {year}");
        assert!(summary.contains(&format!("\"{label}\",{idx}")), "{summary}");
        let shown = format!("{:.1}", idx).replace('.', ",");
        assert!(
            html.contains(&label) && html.contains(&shown),
            "{label} {shown}"
        );
    }
    // the relative screen's table only under objectivity.method relative or both
    assert!(!out.join("csv/objectivity_regions.csv").exists());
    assert!(
        summary.contains("«Объективность, регион»\",\"нет: objectivity.method = \"\"fioko\"\""),
        "{summary}"
    );
    let cfg = d.path().join("both.toml");
    std::fs::write(&cfg, "[objectivity]\nmethod = \"both\"\n").unwrap();
    let both = d.path().join("b");
    report(
        &sample_region(),
        &both,
        &["--config", cfg.to_str().unwrap()],
    );
    let regions = std::fs::read_to_string(both.join("csv/objectivity_regions.csv")).unwrap();
    assert!(regions.lines().count() > 1, "{regions}");
    // every part said present has rows
    for dir in [&out, &both] {
        for e in std::fs::read_dir(dir.join("csv")).unwrap() {
            let t = std::fs::read_to_string(e.unwrap().path()).unwrap();
            assert!(t.lines().count() > 1, "{t}");
        }
    }
}

#[test]
fn parts_the_inputs_cannot_support_are_listed_absent_with_the_reason() {
    let d = tempfile::tempdir().unwrap();
    let inputs = d.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    for f in [
        "ОГЭ математика 2024.csv",
        "ОГЭ математика 2025.csv",
        "scales.csv",
    ] {
        std::fs::copy(sample_region().join(f), inputs.join(f)).unwrap();
    }
    let out = d.path().join("r");
    report(&inputs, &out, &[]);
    let summary = std::fs::read_to_string(out.join("csv/summary.csv")).unwrap();
    assert!(
        summary.contains("Раздел «ИСБШ»,нет: во входных данных нет ни одного из 8 показателей ИСБШ (на профилактическом учёте; многодетные семьи; малообеспеченные семьи"),
        "{summary}"
    );
    assert!(
        summary.contains("Раздел «Рисковые профили»,нет: во входных данных нет рисковых профилей"),
        "{summary}"
    );
    assert!(!out.join("csv/index.csv").exists());
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let idx = m["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["sheet"] == "ИСБШ")
        .unwrap();
    assert_eq!(idx["present"], false);
}

#[test]
fn an_input_inside_the_output_folder_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("ОГЭ математика 2025.csv");
    std::fs::copy(sample_region().join("ОГЭ математика 2025.csv"), &f).unwrap();
    shnor()
        .arg("report")
        .arg(&f)
        .arg("--out")
        .arg(d.path())
        .arg("--force")
        .assert()
        .code(2)
        .stderr(contains("never overwrites its inputs"));
    assert!(f.exists());
    shnor()
        .arg("report")
        .arg(d.path())
        .arg("--out")
        .arg(d.path().join("r"))
        .assert()
        .code(2)
        .stderr(contains("would be read as inputs"));
    assert!(!d.path().join("r").exists());
}

/// Chromium for the browser test: `SHNOR_CHROMIUM`, else `chromium` or `chromium-browser` on the
/// PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SHNOR_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| [d.join("chromium"), d.join("chromium-browser")])
        .find(|p| p.is_file())
}

/// Run headless Chromium on `page` with `args`; returns (stdout, stderr).
fn browse(bin: &Path, profile: &Path, page: &Path, args: &[String]) -> (String, String) {
    let o = std::process::Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("cannot run chromium");
    assert!(
        o.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// report.html in a real browser: not blank, every chart drawn, no console error (the page's
/// Content-Security-Policy turns any load from outside into one). Skipped, saying so, when no
/// Chromium is installed, unless `SHNOR_REQUIRE_CHROMIUM=1` (set by .ci/run, which installs it).
#[test]
fn the_html_report_renders_in_chromium_with_every_chart() {
    let Some(bin) = chromium() else {
        assert!(
            std::env::var("SHNOR_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
            "SHNOR_REQUIRE_CHROMIUM=1 but no chromium on the PATH"
        );
        eprintln!("SKIPPED the_html_report_renders_in_chromium_with_every_chart: no chromium on the PATH (apt-get install -y chromium; .ci/run installs it)");
        return;
    };
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("r");
    report(&sample_region(), &out, &[]);
    let page = out.join("report.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("src=") && !html.contains("href="),
        "external reference"
    );
    let (dom, log) = browse(&bin, &d.path().join("p1"), &page, &["--dump-dom".into()]);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "browser console: {console:?}");
    for id in [
        "chart-share2",
        "chart-clusters",
        "chart-index",
        "chart-municipalities-1",
        "chart-flows",
    ] {
        let at = dom
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id} missing"));
        let fig = &dom[at..at + dom[at..].find("</figure>").unwrap()];
        assert!(fig.contains("<svg"), "{id}: no svg");
        assert!(
            ["<rect", "<circle", "<path"]
                .iter()
                .any(|m| fig.matches(m).count() >= 3),
            "{id}: drawn empty"
        );
    }
    assert!(dom.contains("Итоговый список") && dom.contains("edu990046"));
    let shot = d.path().join("shot.png");
    browse(
        &bin,
        &d.path().join("p2"),
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=800,3000".into(),
        ],
    );
    // a blank page compresses to a few kilobytes; this one holds tables and charts
    let size = std::fs::metadata(&shot).unwrap().len();
    assert!(size > 60_000, "screenshot of {size} bytes: blank page?");
}

/// The report's CSV of a table is the command's own `--format csv` (one pipeline, the same figures).
#[test]
fn the_report_csvs_are_the_commands_csvs() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("r");
    report(&sample_region(), &out, &[]);
    for (file, args) in [
        ("final_list", &["select"][..]),
        ("municipalities", &["compare"]),
        ("dynamics", &["monitor"]),
        ("index", &["index"]),
        ("resilience", &["resilient"]),
        ("risk", &["risk"]),
        ("objectivity", &["objectivity"]),
    ] {
        let cmd = stdout_of(
            shnor()
                .args(args)
                .arg(sample_region())
                .args(["--format", "csv"]),
        );
        let ours = std::fs::read_to_string(out.join(format!("csv/{file}.csv"))).unwrap();
        assert_eq!(ours, cmd, "{file}");
    }
}
