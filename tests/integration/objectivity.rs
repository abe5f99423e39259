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

/// (school mark, primary score) of a school's pupils.
type Pupils = &'static [(i32, i32)];

/// Per-pupil protocols of region 99, 2021, 4 кл. математика and русский язык: school 1 has many
/// «2» and school marks that run against its scores; schools 2–4 do not.
fn fioko_region(dir: &std::path::Path) {
    let head = "логин школы,отметка за предыдущую четверть/триместр,вариант,всего баллов\n";
    let files: [(&str, [Pupils; 4]); 2] = [
        (
            "Проведение работы по математике, 4 класс. ВПР 2021.csv",
            [
                &[(5, 2), (5, 3), (4, 4), (3, 12), (2, 14)],
                &[(3, 10), (4, 12), (5, 15), (3, 8), (5, 18)],
                &[(3, 9), (4, 13), (5, 16), (3, 7), (4, 11)],
                &[(4, 12), (4, 14), (5, 19), (3, 9), (5, 17)],
            ],
        ),
        (
            "Проведение работы по русскому языку, 4 класс. ВПР 2021.csv",
            [
                &[(5, 5), (5, 8), (4, 10), (3, 25), (2, 30)],
                &[(3, 20), (4, 28), (5, 35), (3, 18), (5, 33)],
                &[(3, 19), (4, 27), (5, 36), (3, 17), (4, 26)],
                &[(4, 29), (4, 30), (5, 37), (3, 21), (5, 34)],
            ],
        ),
    ];
    for (name, schools) in files {
        let mut text = head.to_string();
        for (i, pupils) in schools.iter().enumerate() {
            for (mark, total) in *pupils {
                text += &format!("edu99000{},{mark},1,{total}\n", i + 1);
            }
        }
        std::fs::write(dir.join(name), text).unwrap();
    }
}

#[test]
fn fioko_is_the_default_and_says_which_marker_fired_with_its_numbers() {
    let d = tempfile::tempdir().unwrap();
    fioko_region(d.path());
    let v = json_of(
        shnor()
            .arg("objectivity")
            .arg(d.path())
            .args(["--format", "json"]),
    );
    let idx = &v["summary"]["fioko"][0];
    assert_eq!(
        (idx["region"].clone(), idx["year"].clone()),
        ("99".into(), 2021.into())
    );
    assert_eq!(
        (idx["schools"].clone(), idx["marked_schools"].clone()),
        (4.into(), 1.into())
    );
    assert_eq!(idx["index"], 75.0);
    assert_eq!(idx["markers"]["marks_mismatch"]["judged"], 4);
    assert_eq!(
        v["summary"]["regions"].as_array().unwrap().len(),
        0,
        "no relative screen"
    );
    // marks 5 5 4 3 2 against scores 2 3 4 12 14: r_s = −9.5 / √95
    let s = v["schools"].as_array().unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0]["login"], "edu990001");
    let f = &s[0]["flags"][0];
    assert_eq!(
        (f["marker"].clone(), f["numbers"]["pupils"].clone()),
        ("marks_mismatch".into(), 5.into())
    );
    assert_eq!(f["numbers"]["r_s"], -0.974679);
    let text = shnor().arg("objectivity").arg(d.path()).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("r Спирмена отметки и балла = −0,97 по 5 уч."),
        "{text}"
    );
    assert!(text.contains("Уровень объективности (ФИОКО)"), "{text}");
    // explain and the ledger say which marker fired; exclude applies to it
    let out = shnor()
        .args(["explain", "edu990001"])
        .arg(d.path())
        .output()
        .unwrap();
    let story = String::from_utf8(out.stdout).unwrap();
    assert!(
        story.contains("результаты противоречат школьным отметкам (ФИОКО)"),
        "{story}"
    );
    let cfg = d.path().join("c.toml");
    std::fs::write(&cfg, "[objectivity]\npolicy = \"exclude\"\n").unwrap();
    let ex = by_login(&select_json(d.path(), &["--config", cfg.to_str().unwrap()]));
    assert_eq!(
        ex["edu990001"]["excluded_reason"],
        "признаки необъективности"
    );
}

#[test]
fn relative_keeps_the_old_screen_and_both_reports_the_two() {
    let d = tempfile::tempdir().unwrap();
    fioko_region(d.path());
    let run = |method: &str| {
        let cfg = d.path().join(format!("{method}.toml"));
        std::fs::write(&cfg, format!("[objectivity]\nmethod = \"{method}\"\n")).unwrap();
        json_of(
            shnor()
                .arg("objectivity")
                .arg(d.path())
                .arg("--config")
                .arg(&cfg)
                .args(["--format", "json"]),
        )
    };
    let rel = run("relative");
    assert_eq!(rel["summary"]["fioko"].as_array().unwrap().len(), 0);
    assert_eq!(rel["summary"]["regions"].as_array().unwrap().len(), 2);
    assert!(rel["summary"]["counts"].get("marks_mismatch").is_none());
    let both = run("both");
    assert_eq!(both["summary"]["fioko"].as_array().unwrap().len(), 1);
    assert_eq!(both["summary"]["regions"], rel["summary"]["regions"]);
    assert_eq!(both["summary"]["counts"]["marks_mismatch"], 2);
}

#[test]
fn the_numbers_are_json_data_in_csv_and_russian_words_for_people() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("markers.csv"),
        "Год;Логин;Муниципалитет;ОО;4 РУ;4 МА;Количество маркеров\n2025;edu990001;м;ОО;1;;1\n",
    )
    .unwrap();
    let out = shnor().arg("objectivity").arg(d.path()).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("официальный маркер") && text.contains("маркеров в официальной таблице: 1"),
        "{text}"
    );
    assert!(
        !text.contains("official_marker") && !text.contains('{'),
        "{text}"
    );
    // every flag of the sample (ФИОКО's and the relative screen's): the CSV cell is the JSON's
    // numbers, the people's table has no JSON
    let cfg = d.path().join("both.toml");
    std::fs::write(&cfg, "[objectivity]\nmethod = \"both\"\n").unwrap();
    let sample = sample_region();
    let args = |f: &str| {
        let mut c = shnor();
        c.arg("objectivity")
            .arg(&sample)
            .args(["--config", cfg.to_str().unwrap(), "--format", f]);
        c
    };
    let json = json_of(&mut args("json"));
    let flags: Vec<&serde_json::Value> = json["schools"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["flags"].as_array().unwrap())
        .collect();
    let csv = String::from_utf8(args("csv").output().unwrap().stdout).unwrap();
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let heads = r.headers().unwrap().clone();
    let col = heads.iter().position(|h| h == "Числа, JSON").unwrap();
    let marker = heads.iter().position(|h| h == "Признак").unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), flags.len());
    let kinds: std::collections::BTreeSet<&str> = flags
        .iter()
        .map(|f| f["marker"].as_str().unwrap())
        .collect();
    assert!(kinds.len() >= 3, "{kinds:?}");
    for (row, f) in rows.iter().zip(&flags) {
        let v: serde_json::Value = serde_json::from_str(&row[col]).unwrap();
        assert_eq!(v, f["numbers"]);
        // fresh-eyes #7: the CSV's «Признак» is the Russian label, the JSON keeps the code
        let code = f["marker"].as_str().unwrap();
        assert!(
            !row[marker].contains(|c: char| c.is_ascii_lowercase()),
            "{code}"
        );
        if code == "inflated_mean" {
            assert_eq!(&row[marker], "завышен средний балл");
        }
    }
    let table = String::from_utf8(args("table").output().unwrap().stdout).unwrap();
    assert!(!table.contains("{\""), "{table}");
    assert!(!table.contains("journal_raised") && !table.contains("boundary_peak"));
}

/// Fresh-eyes #12: where people read an objectivity flag (objectivity's table, select's list) it
/// is named a screen, not a verdict; JSON keeps its keys.
#[test]
fn an_objectivity_flag_is_said_to_be_a_screen_not_a_verdict() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("vpr_marks.csv"),
        "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n\
         2025;4;математика;edu990001;10;5;3;1;1\n\
         2025;4;русский язык;edu990001;10;5;3;1;1\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("markers.csv"),
        "Год;Логин;Муниципалитет;ОО;4 РУ;4 МА;Количество маркеров\n2025;edu990001;м;ОО;1;;1\n",
    )
    .unwrap();
    let text = stdout_of(shnor().arg("objectivity").arg(d.path()));
    assert!(text.contains("Сигнал необъективности (скрининг)"), "{text}");
    assert!(text.contains("скрининг, а не вывод"), "{text}");
    assert!(!text.contains("Сомнение в ВПР"), "{text}");
    let list = stdout_of(shnor().arg("select").arg(d.path()));
    assert!(list.contains("признаки необъективности"), "{list}");
    assert!(list.contains("скрининг, а не вывод"), "{list}");
    let v = json_of(
        shnor()
            .arg("objectivity")
            .arg(d.path())
            .args(["--format", "json"]),
    );
    assert_eq!(v["schools"][0]["flags"][0]["doubtful"], true, "{v}");
}
