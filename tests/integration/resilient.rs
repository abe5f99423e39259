//! `shnor resilient` (with `objectivity`): the planted resilient and inflated schools are found.
use crate::util::*;

#[test]
fn planted_resilient_and_inflated_schools_are_found() {
    let (d, region) = region(42, 120);
    let truth = planted(&region);
    let res = by_login(&json_of(
        shnor()
            .arg("resilient")
            .arg(&region)
            .args(["--format", "json"]),
    ));
    // the planted inflation is what the relative screen looks for (journal, boundary peak)
    let cfg = d.path().join("relative.toml");
    std::fs::write(&cfg, "[objectivity]\nmethod = \"relative\"\n").unwrap();
    let obj = json_of(
        shnor()
            .arg("objectivity")
            .arg(&region)
            .arg("--config")
            .arg(&cfg)
            .args(["--format", "json"]),
    );
    let flagged: std::collections::BTreeSet<String> = obj["schools"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["flagged"] == true && s["year"] == 2025)
        .map(|s| s["login"].as_str().unwrap().to_string())
        .collect();
    for (login, t) in &truth {
        match t["role"].as_str().unwrap() {
            "resilient" => {
                let labels = res[login]["labels"].as_array().unwrap();
                assert!(
                    labels.iter().any(|l| l == "резильентная"),
                    "{login}: {labels:?}"
                );
            }
            "inflated" => assert!(flagged.contains(login), "{login} not flagged"),
            _ => {}
        }
    }
    // a screen that flags most schools is useless
    assert!(flagged.len() * 5 < truth.len(), "{} flagged", flagged.len());
    // the OLS model is reported
    let r = json_of(
        shnor()
            .arg("resilient")
            .arg(&region)
            .args(["--format", "json"]),
    );
    let m = &r["model"]["99"];
    assert_eq!(m["coefficients"][1]["term"], "index");
    assert!(
        m["coefficients"][1]["estimate"].as_f64().unwrap() > 0.0,
        "better context, better results"
    );
    assert!(m["n"].as_u64().unwrap() > 100);
}

#[test]
fn without_context_indicators_it_is_a_data_error_not_an_empty_model() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("vpr_marks.csv");
    std::fs::write(
        &p,
        "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;4;математика;edu990001;20;5;5;5;5\n2025;4;математика;edu990002;30;1;9;10;10\n",
    )
    .unwrap();
    shnor()
        .arg("resilient")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("no ИСБШ to regress the results on"))
        .stderr(contains("оба родителя с высшим образованием"));
}

#[test]
fn people_see_russian_words_and_decimals_not_english_codes() {
    let sample = sample_region();
    let model = stdout_of(shnor().arg("resilient").arg(&sample));
    assert!(
        model.contains("┆ константа ") && model.contains("┆ ИСБШ "),
        "{model}"
    );
    assert!(
        !model.contains("intercept") && !model.contains(" index "),
        "{model}"
    );
    // p with a decimal comma, as every other number
    let re_p = model.lines().find(|l| l.contains("константа")).unwrap();
    assert!(!re_p.contains('.'), "{re_p}");
    let csv = stdout_of(
        shnor()
            .arg("select")
            .arg(&sample)
            .args(["--all", "--format", "csv"]),
    );
    for code in [",regular,", ",small_rural,", ",unknown,"] {
        assert!(!csv.contains(code), "{code}");
    }
    assert!(csv.contains(",обычная,"));
    // JSON keeps the codes
    let json = json_of(
        shnor()
            .arg("select")
            .arg(&sample)
            .args(["--all", "--format", "json"]),
    );
    assert!(json["schools"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["stratum"] == "regular"));
}
