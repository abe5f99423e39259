//! `shnor compare`: the table of source document 002 (ОГЭ математика, МО vs Край, 2016–2018),
//! `--thresholds`, and bad procedures and years.
use crate::util::*;

/// МО: one school; the rest of the region: another municipality. Counts chosen so that the shares
/// are exactly those of seed 002.
fn seed002(dir: &std::path::Path) -> std::path::PathBuf {
    let mut t = String::from(
        "Процедура;Год;Класс;Предмет;Муниципалитет;Логин;ОО;Кол-во участников;2;3;4;5\n",
    );
    // year, MO participants, MO «2», MO «5», region «2», region «5» (region = 10 000 pupils)
    for (y, n, b, h, rb, rh) in [
        (2016, 50, 9, 2, 369, 836),
        (2017, 50, 15, 5, 752, 752),
        (2018, 125, 20, 6, 695, 1163),
    ] {
        t.push_str(&format!(
            "ОГЭ;{y};9;математика;МО Тестовый район;edu220001;СОШ №1;{n};{b};{};0;{h}\n",
            n - b - h
        ));
        let rn = 10_000 - n;
        let (ob, oh) = (rb - b, rh - h);
        t.push_str(&format!(
            "ОГЭ;{y};9;математика;город Краевой;edu220002;СОШ №2;{rn};{ob};{};0;{oh}\n",
            rn - ob - oh
        ));
    }
    let p = dir.join("oge.csv");
    write_cp1251(&p, &t);
    p
}

#[test]
fn reproduces_seed_002_to_the_hundredth_of_a_point() {
    let d = tempfile::tempdir().unwrap();
    let p = seed002(d.path());
    let v = json_of(shnor().arg("compare").arg(&p).args([
        "--procedure",
        "ОГЭ:математика:9",
        "--years",
        "2016-2018",
        "--format",
        "json",
    ]));
    let blocks = v["blocks"].as_array().unwrap();
    assert_eq!(blocks.len(), 3);
    let expect = [
        (2016, 18.00, 3.69, 4.00, 8.36),
        (2017, 30.00, 7.52, 10.00, 7.52),
        (2018, 16.00, 6.95, 4.80, 11.63),
    ];
    for (b, (y, m2, r2, mh, rh)) in blocks.iter().zip(expect) {
        assert_eq!(b["year"], y);
        assert_eq!(b["procedure"], "ОГЭ математика 9 кл.");
        let mo = b["municipalities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["municipality"] == "МО Тестовый район")
            .unwrap();
        let close =
            |a: f64, e: f64| assert!((a * 100.0 - e).abs() < 0.005, "{y}: {} vs {e}", a * 100.0);
        close(mo["share2"].as_f64().unwrap(), m2);
        close(b["region"]["share2"].as_f64().unwrap(), r2);
        close(mo["share_high"].as_f64().unwrap(), mh);
        close(b["region"]["share_high"].as_f64().unwrap(), rh);
        assert!((mo["share2_diff_pp"].as_f64().unwrap() - (m2 - r2)).abs() < 0.005);
        assert!(mo["share2_p"].as_f64().unwrap() < 0.05);
        assert_eq!(mo["worse"], true);
        for key in [
            "municipality",
            "participants",
            "share2",
            "share2_ci",
            "share2_diff_pp",
            "share2_p",
            "share_high",
            "share_high_ci",
            "share_high_diff_pp",
            "share_high_p",
            "worse",
        ] {
            assert!(mo.get(key).is_some(), "{key}");
        }
    }
    // the table shows the same figures with a decimal comma
    let table = stdout_of(shnor().arg("compare").arg(&p).args([
        "--procedure",
        "ОГЭ:математика:9",
        "--years",
        "2016-2018",
    ]));
    assert!(
        table.contains("18,00") && table.contains("3,69") && table.contains("11,63"),
        "{table}"
    );
}

#[test]
fn bad_procedure_and_years_are_usage_errors() {
    let d = tempfile::tempdir().unwrap();
    let p = seed002(d.path());
    shnor()
        .arg("compare")
        .arg(&p)
        .args(["--procedure", "ГИА:математика"])
        .assert()
        .code(2)
        .stderr(contains("not ВПР, ОГЭ or ЕГЭ"));
    shnor()
        .arg("compare")
        .arg(&p)
        .args(["--years", "2030"])
        .assert()
        .code(2);
}

#[test]
fn thresholds_list_schools_in_under_one_cut_only() {
    let (_d, region) = region(42, 120);
    let v = json_of(
        shnor()
            .arg("compare")
            .arg(&region)
            .args(["--thresholds", "--format", "json"]),
    );
    let rows = v["schools"].as_array().unwrap();
    assert!(!rows.is_empty());
    for r in rows {
        assert_ne!(r["in_region"], r["in_municipality"]);
    }
}

/// Regression: the `--thresholds` table carried the 9 columns of a procedure block over rows of 11
/// cells (wrong labels in the terminal, and its CSV failed with exit 3).
#[test]
fn thresholds_table_and_csv_have_their_own_columns() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let args = ["compare", "data-samples/region", "--thresholds"];
    let csv = stdout_of(
        shnor()
            .current_dir(root)
            .args(args)
            .args(["--format", "csv"]),
    );
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        concat!(
            r#"Муниципалитет,Логин,Школа,Страта,Доля «2»,Место в регионе,Место в регионе: из,"#,
            r#"Отсечка региона,В нижней группе региона,Место в МО,Место в МО: из,Отсечка МО,"#,
            "В нижней группе МО"
        )
    );
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|l| l.ends_with(",да") || l.ends_with(",нет")),
        "{csv}"
    );
    let table = stdout_of(shnor().current_dir(root).args(args));
    assert!(table.contains("Отсечка МО, %"), "{table}");
    assert!(!table.contains("Ниже минимума"), "{table}");
}

#[test]
fn renamed_municipality_and_login_prefix_are_one_each() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("vpr_m.csv");
    let t = "Год;Класс;Предмет;Муниципалитет;Логин;ОО;Кол-во участников;2;3;4;5\n\
2024;5;математика;г. Алейск;sch220001;СОШ №1;20;4;6;6;4\n\
2024;5;математика;Каменский район;sch220003;СОШ №3;20;1;6;6;7\n\
2025;5;математика;город Алейск;edu220001;СОШ №1;20;5;5;6;4\n\
2025;5;математика;город Алейск;edu220002;СОШ №2;30;1;9;10;10\n\
2025;5;математика;Каменский муниципальный район;edu220003;СОШ №3;20;1;6;6;7\n";
    std::fs::write(&p, t).unwrap();
    let v =
        json_of(
            shnor()
                .arg("compare")
                .arg(&p)
                .args(["--years", "2024-2025", "--format", "json"]),
        );
    for b in v["blocks"].as_array().unwrap() {
        let muns = b["municipalities"].as_array().unwrap();
        assert_eq!(muns.len(), 2, "{muns:#?}");
        let total: i64 = muns
            .iter()
            .map(|m| m["participants"].as_i64().unwrap())
            .sum();
        assert_eq!(
            total,
            b["region"]["participants"].as_i64().unwrap(),
            "nothing double-counted"
        );
    }
    let v2025 = &v["blocks"][1];
    let aleisk = v2025["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["participants"] == 50)
        .unwrap();
    assert_eq!(aleisk["municipality_key"], "город алейск");
    let i = json_of(shnor().arg("inspect").arg(&p).args(["--format", "json"]));
    assert_eq!(
        i["warnings"]["municipality spellings treated as one"]["count"],
        2
    );
    // the school that changed its prefix is one school across years
    let m = json_of(shnor().arg("monitor").arg(&p).args(["--format", "json"]));
    let logins: Vec<&str> = m["schools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["login"].as_str().unwrap())
        .collect();
    assert_eq!(logins, vec!["edu220001", "edu220002", "edu220003"]);
}
