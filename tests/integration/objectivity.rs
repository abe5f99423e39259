//! `shnor objectivity`: the `exclude` policy in the selection and the configured distribution rule.
use crate::util::*;

#[test]
fn objectivity_policy_exclude_drops_flagged_candidates() {
    let d = tempfile::tempdir().unwrap();
    let region = d.path().join("r");
    shnor()
        .args(["synth", "--seed", "42", "--out"])
        .arg(&region)
        .assert()
        .success();
    // an official marker for a planted strong school in 2025
    let truth = planted(&region);
    let strong = truth
        .iter()
        .find(|(_, t)| t["role"] == "strong")
        .unwrap()
        .0
        .clone();
    std::fs::write(
        region.join("markers.csv"),
        format!(
            "Год;Логин;Муниципалитет;ОО;4 РУ;4 МА;Количество маркеров\n2025;{strong};м;ОО;1;;1\n"
        ),
    )
    .unwrap();
    let flag = by_login(&select_json(&region, &[]));
    assert_eq!(flag[&strong]["objectivity_flag"], true);
    assert_eq!(
        flag[&strong]["stage_reached"], 3,
        "policy flag keeps the selection"
    );
    let cfg = d.path().join("c.toml");
    std::fs::write(&cfg, "[objectivity]\npolicy = \"exclude\"\n").unwrap();
    let ex = by_login(&select_json(&region, &["--config", cfg.to_str().unwrap()]));
    assert_eq!(ex[&strong]["excluded_reason"], "признаки необъективности");
}

#[test]
fn distribution_rule_is_off_by_default_and_fires_when_configured() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("vpr_m.csv");
    std::fs::write(&p, "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;5;математика;edu990001;20;0;2;4;14\n2025;5;математика;edu990002;20;4;8;6;2\n").unwrap();
    let v = json_of(
        shnor()
            .arg("objectivity")
            .arg(&p)
            .args(["--format", "json"]),
    );
    assert_eq!(v["schools"].as_array().unwrap().len(), 0);
    let cfg = d.path().join("c.toml");
    std::fs::write(&cfg, "[[objectivity.distribution]]\nsubject = \"математика\"\ngrade = 5\nmax_share2 = 0.0\nmin_share5 = 0.5\n").unwrap();
    let v = json_of(
        shnor()
            .arg("objectivity")
            .arg(&p)
            .arg("--config")
            .arg(&cfg)
            .args(["--format", "json"]),
    );
    let s = v["schools"].as_array().unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0]["login"], "edu990001");
    assert_eq!(s[0]["flags"][0]["marker"], "distribution");
}
