//! `shnor select` on synthetic regions: planted truth, context, determinism, caps, JSON, errors.
use crate::util::*;
use serde_json::Value;

#[test]
fn planted_truth_lands_in_its_clusters() {
    let (_d, region) = region(42, 120);
    let truth = planted(&region);
    let v = select_json(&region, &[]);
    assert_eq!(v["year"], 2025);
    let schools = v["schools"].as_array().unwrap();
    let by: std::collections::BTreeMap<&str, &Value> = schools
        .iter()
        .map(|s| (s["login"].as_str().unwrap(), s))
        .collect();
    for (login, t) in &truth {
        let s = by[login.as_str()];
        match t["role"].as_str().unwrap() {
            "strong" => assert_eq!(s["cluster"], "сильно неуспевающие", "{login}"),
            "moderate" => assert_eq!(s["cluster"], "умеренно неуспевающие", "{login}"),
            "basic" => assert_eq!(s["cluster"], "базово неуспевающие", "{login}"),
            "tiny" => assert_eq!(
                s["excluded_reason"], "все процедуры < min_participants",
                "{login}"
            ),
            "evening" => assert_eq!(s["excluded_reason"], "исключённый вид: evening", "{login}"),
            _ => {}
        }
        if matches!(t["role"].as_str().unwrap(), "strong" | "moderate" | "basic") {
            assert_eq!(s["settlement"], t["settlement"], "{login}");
            assert_eq!(s["deficit"], t["deficit"], "{login}");
        }
    }
    // 12 groups, the planted basic / село / инфраструктурные one is empty: 11 picks
    assert_eq!(v["summary"]["groups_nonempty"], 11);
    assert_eq!(v["summary"]["selected"], 11);
    assert_eq!(
        v["summary"]["per_group"]["базово неуспевающие / село / инфраструктурные"]["selected"],
        0
    );
    for s in schools.iter().filter(|s| s["selected"] == true) {
        assert_eq!(s["rank_in_group"], 1);
        for key in [
            "login",
            "name",
            "municipality",
            "stratum",
            "settlement",
            "deficit",
            "participants",
            "share2",
            "share2_ci",
            "quality",
            "candidate",
            "excluded_reason",
            "cluster",
            "group",
            "rank_in_group",
            "selected",
            "borderline",
            "ledger",
        ] {
            assert!(s.get(key).is_some(), "missing {key}");
        }
        assert!(s["ledger"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["stage"] == 3));
    }
}

/// Everything but `inputs` (whose hashes change with the row order).
fn without_inputs(mut v: Value) -> String {
    v.as_object_mut().unwrap().remove("inputs");
    // the load warnings describe the files as read (their paths, their first rows as examples)
    v.as_object_mut().unwrap().remove("load_warnings");
    serde_json::to_string(&v).unwrap()
}

#[test]
fn output_does_not_depend_on_row_order_file_order_or_threads() {
    let (_d, region) = region(7, 60);
    let base = select_json(&region, &[]);
    // shuffle the data rows of every CSV (keep title and header lines), deterministically
    let shuffled = tempfile::tempdir().unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&region)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in &files {
        let to = shuffled.path().join(f.file_name().unwrap());
        if f.extension().and_then(|e| e.to_str()) == Some("csv") {
            let bytes = std::fs::read(f).unwrap();
            let (text, enc) = match std::str::from_utf8(&bytes) {
                Ok(t) => (t.to_string(), "utf-8"),
                Err(_) => (
                    encoding_rs::WINDOWS_1251.decode(&bytes).0.into_owned(),
                    "cp1251",
                ),
            };
            let lines: Vec<&str> = text.lines().collect();
            let head = lines
                .iter()
                .position(|l| l.contains(';') || l.contains(','))
                .unwrap()
                + 1;
            let mut body: Vec<&str> = lines[head..].to_vec();
            body.reverse();
            let n = body.len();
            for i in 0..n / 2 {
                body.swap(i, (i * 7919) % n);
            }
            let out = format!("{}\n{}\n", lines[..head].join("\n"), body.join("\n"));
            if enc == "cp1251" {
                write_cp1251(&to, &out);
            } else {
                std::fs::write(&to, out).unwrap();
            }
        } else {
            std::fs::copy(f, &to).unwrap();
        }
    }
    let shuffled_v = select_json(shuffled.path(), &[]);
    assert_eq!(without_inputs(base.clone()), without_inputs(shuffled_v));
    // files given one by one in reverse order, and one polars thread
    let mut cmd = shnor();
    cmd.env("POLARS_MAX_THREADS", "1")
        .arg("select")
        .args(["--all", "--format", "json"]);
    for f in files.iter().rev().filter(|f| !f.ends_with("planted.json")) {
        cmd.arg(f);
    }
    let reversed = json_of(&mut cmd);
    assert_eq!(
        serde_json::to_string(&base).unwrap(),
        serde_json::to_string(&reversed).unwrap()
    );
}

#[test]
fn bad_config_and_year_are_usage_errors() {
    let (_d, region) = region(3, 30);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "[stage1]\nthreshhold = 0.3\n").unwrap();
    let out = shnor()
        .arg("select")
        .arg(&region)
        .arg("--config")
        .arg(&cfg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("stage1.threshhold"));
    std::fs::write(&cfg, "[cluster]\nstrong = 0.1\nmoderate = 0.2\n").unwrap();
    let out = shnor()
        .arg("select")
        .arg(&region)
        .arg("--config")
        .arg(&cfg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = shnor()
        .arg("select")
        .arg(&region)
        .args(["--year", "2019"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2019 (--year) is absent"));
}

#[test]
fn failed_run_leaves_no_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("list.json");
    let bad = dir.path().join("vpr_bad.csv");
    std::fs::write(&bad, "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;4;математика;edu990001;20;abc;5;5;5\n").unwrap();
    let o = shnor()
        .arg("select")
        .arg(&bad)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temp files left"
    );
}

#[test]
fn stage3_caps_limit_the_list() {
    let (_d, region) = region(42, 120);
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "[stage3]\ntotal = 5\n").unwrap();
    let v = select_json(&region, &["--config", cfg.to_str().unwrap()]);
    assert_eq!(v["summary"]["selected"], 5);
    // the five kept are the most severe of the eleven per-group picks
    let firsts: Vec<&Value> = v["schools"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["rank_in_group"] == 1)
        .collect();
    assert_eq!(firsts.len(), 11);
    let share = |s: &Value| s["share2"].as_f64().unwrap();
    let kept_min = firsts
        .iter()
        .filter(|s| s["selected"] == true)
        .map(|s| share(s))
        .fold(1.0, f64::min);
    let dropped_max = firsts
        .iter()
        .filter(|s| s["selected"] == false)
        .map(|s| share(s))
        .fold(0.0, f64::max);
    assert!(kept_min >= dropped_max, "{kept_min} < {dropped_max}");
}

#[test]
fn json_lists_each_input_with_its_checksum() {
    // the JSON contract makes a run reproducible: every table input with the SHA-256 of its bytes
    let (_d, region) = region(7, 40);
    let v = select_json(&region, &[]);
    let inputs = v["inputs"].as_array().unwrap();
    assert!(inputs.len() >= 5);
    for i in inputs {
        let path = std::path::Path::new(i["path"].as_str().unwrap());
        if i["kind"] == "skipped" && !path.extension().is_some_and(|e| e == "csv" || e == "xlsx") {
            continue;
        }
        use sha2::Digest;
        let want = format!("{:x}", sha2::Sha256::digest(std::fs::read(path).unwrap()));
        assert_eq!(i["sha256"].as_str().unwrap(), want, "{}", path.display());
    }
}

#[test]
fn json_of_the_list_carries_the_same_ledgers_as_json_of_all() {
    // the list's JSON judges the selected schools a second time, with their ledgers: the result
    // must be what `--all` shows for them
    let (_d, region) = region(11, 120);
    let list = json_of(
        shnor()
            .arg("select")
            .arg(&region)
            .args(["--format", "json"]),
    );
    let all = select_json(&region, &[]);
    let selected: Vec<&serde_json::Value> = all["schools"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["selected"] == true)
        .collect();
    let shown: Vec<&serde_json::Value> = list["schools"].as_array().unwrap().iter().collect();
    assert!(!shown.is_empty());
    assert_eq!(shown, selected);
    assert!(shown
        .iter()
        .all(|s| s["ledger"].as_array().unwrap().len() > 3));
}

#[test]
fn timings_go_to_stderr_only_when_asked_and_leave_the_output_alone() {
    let (_d, region) = region(7, 40);
    let plain = shnor().arg("select").arg(&region).output().unwrap();
    let timed = shnor()
        .env("SHNOR_TIMINGS", "1")
        .arg("select")
        .arg(&region)
        .output()
        .unwrap();
    assert!(plain.status.success() && timed.status.success());
    assert_eq!(plain.stdout, timed.stdout);
    let err = String::from_utf8(timed.stderr).unwrap();
    for phase in ["inputs loaded", "context", "three stages", "written"] {
        assert!(err.contains(phase), "{err}");
    }
    assert!(err.contains("peak") && err.contains(" MB"), "{err}");
    assert!(!String::from_utf8(plain.stderr)
        .unwrap()
        .contains("inputs loaded"));
}

#[test]
fn select_carries_context_and_objectivity() {
    let (_d, region) = region(42, 120);
    let v = select_json(&region, &[]);
    let s = by_login(&v);
    let truth = planted(&region);
    let inflated = truth
        .iter()
        .find(|(_, t)| t["role"] == "inflated")
        .unwrap()
        .0;
    assert!(!s[inflated]["objectivity_flags"]
        .as_array()
        .unwrap()
        .is_empty());
    let strong: Vec<&Value> = v["schools"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["selected"] == true)
        .collect();
    assert!(strong
        .iter()
        .all(|x| x["index"].is_number() && x["index_group"].is_number()));
    assert!(strong.iter().any(|x| x["ledger"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["rule"] == "context")));
}

#[test]
fn out_naming_an_input_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("vpr_marks.csv");
    let text = "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;4;математика;edu990001;20;5;5;5;5\n";
    std::fs::write(&input, text).unwrap();
    // named directly, or found in a folder: either way it is an input
    for arg in [input.clone(), dir.path().to_path_buf()] {
        let o = shnor()
            .args(["select", "--format", "csv", "--out"])
            .arg(&input)
            .arg(&arg)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(String::from_utf8_lossy(&o.stderr).contains("never overwrites its inputs"));
        assert_eq!(std::fs::read_to_string(&input).unwrap(), text);
    }
}

/// Fresh-eyes #14: regional synth closed each percent row with its last share, which could come
/// out «-0,1» and make `select` reject synth's own table (seeds 1 and 8 at 40 schools did).
#[test]
fn synth_regions_of_several_seeds_load() {
    for seed in [1, 2, 8] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r");
        shnor()
            .args([
                "synth",
                "--seed",
                &seed.to_string(),
                "--schools",
                "40",
                "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        shnor().arg("select").arg(&out).assert().success();
    }
}

/// Fresh-eyes #5: `select --all` shows every judged school's pooled figures, not only the
/// candidates' (participants, share of «2», quality), in CSV and JSON alike.
#[test]
fn select_all_shows_the_figures_of_schools_that_are_not_candidates() {
    let d = tempfile::tempdir().unwrap();
    let marks = d.path().join("vpr_marks.csv");
    std::fs::write(
        &marks,
        "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n\
         2025;4;математика;edu990001;10;5;3;1;1\n\
         2025;4;русский язык;edu990001;10;5;3;1;1\n\
         2025;4;математика;edu990002;20;1;5;8;6\n\
         2025;4;русский язык;edu990002;20;1;5;8;6\n",
    )
    .unwrap();
    let csv = stdout_of(
        shnor()
            .arg("select")
            .arg(&marks)
            .args(["--all", "--format", "csv"]),
    );
    let line = csv.lines().find(|l| l.contains("edu990002")).unwrap();
    // Участников, Доля «2», its 95 % interval, Качество (fractions in the CSV data format)
    assert!(line.contains(",40,0.05,0.013821,0.165039,0.7,"), "{csv}");
    let v = json_of(
        shnor()
            .arg("select")
            .arg(&marks)
            .args(["--all", "--format", "json"]),
    );
    let s = &by_login(&v)["edu990002"];
    assert_eq!(
        (s["candidate"].as_bool(), s["participants"].as_i64()),
        (Some(false), Some(40)),
        "{s}"
    );
    assert_eq!(s["share2"].as_f64(), Some(0.05), "{s}");
}

/// Fresh-eyes #11: an undetermined deficit of a confirmed school reads «не определён» in the
/// table, as in explain and in «Нас. пункт»; the CSV data format keeps an empty cell.
#[test]
fn an_undetermined_deficit_reads_not_determined_in_the_table() {
    let d = tempfile::tempdir().unwrap();
    let marks = d.path().join("vpr_marks.csv");
    std::fs::write(
        &marks,
        "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n\
         2025;4;математика;edu990001;10;5;3;1;1\n\
         2025;4;русский язык;edu990001;10;5;3;1;1\n",
    )
    .unwrap();
    let table = stdout_of(shnor().arg("select").arg(&marks).args(["--format", "md"]));
    let row = table.lines().find(|l| l.contains("edu990001")).unwrap();
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    // | № | Логин | Школа | Муниципалитет | Кластер | Нас. пункт | Дефицит | …
    assert_eq!(
        (cells[6], cells[7]),
        ("не определён", "не определён"),
        "{table}"
    );
    // fresh-eyes #10: the pooled participants are a sum of sittings over procedures, and for ВПР
    // the share below the minimum is the share of «2»
    assert!(
        table.contains("| Участий за окно (сумма по процедурам) | Доля «2», % (95 % ДИ) |"),
        "{table}"
    );
    let csv = stdout_of(shnor().arg("select").arg(&marks).args(["--format", "csv"]));
    let line = csv.lines().find(|l| l.contains("edu990001")).unwrap();
    // third fresh-eyes run: the deficit says «не определён» in the CSV too (was an empty cell)
    assert!(line.contains(",не определён,не определён,20,"), "{csv}");
}

/// Newcomer findings 3 and 6: a selection year whose results have no share below the minimum (a
/// per-pupil file without its scale) gave an empty list with exit 0, and `report` aborted on an
/// earlier year it could not judge. Now `select` says which year can be judged, and the report's
/// dynamics leave out the year they cannot judge, saying so.
#[test]
fn a_selection_year_without_marks_is_an_error_naming_the_year_that_can_be_judged() {
    let d = tempfile::tempdir().unwrap();
    let region = sample_region();
    for y in [2024, 2025] {
        let f = format!("Проведение работы по математике, 4 класс. ВПР {y}.xlsx");
        std::fs::copy(region.join(&f), d.path().join(&f)).unwrap();
    }
    // the 2024 scale only
    let scales = std::fs::read_to_string(region.join("scales.csv")).unwrap();
    let kept: Vec<&str> = scales
        .lines()
        .filter(|l| l.starts_with("assessment") || l.starts_with("ВПР,2024,4,математика"))
        .collect();
    std::fs::write(d.path().join("scales.csv"), kept.join("\n") + "\n").unwrap();
    shnor()
        .args(["select", "--quiet"])
        .arg(d.path())
        .assert()
        .code(1)
        .stderr(contains("nothing to judge in the selection year 2025: none of its results has a share below the minimum (marks «2»); without marks: ВПР математика 4 кл. 2025."))
        .stderr(contains("give --year 2024"));
    shnor()
        .args(["select", "--quiet", "--year", "2024"])
        .arg(d.path())
        .assert()
        .success();
    let o = tempfile::tempdir().unwrap();
    let out = o.path().join("out");
    shnor()
        .args(["report", "--quiet", "--year", "2024", "--out"])
        .arg(&out)
        .arg(d.path())
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("во входных данных: 2024 (без доли ниже минимума: 2025)"),
        "dynamics reason missing"
    );
}
