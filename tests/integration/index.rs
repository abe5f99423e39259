//! `shnor index`: invariance to row order and to percent input, `pca` against `zscore`, bad context tables.
use crate::util::*;

#[test]
fn index_invariant_to_row_order_and_percent_input_and_pca_agrees() {
    let (_d, region) = region(42, 120);
    let base = json_of(
        shnor()
            .arg("index")
            .arg(region.join("registry.csv"))
            .args(["--format", "json"]),
    );
    // the same registry reversed, with the share indicators in percent (decimal comma), declared
    // by their headers (`…, %`)
    let text = std::fs::read_to_string(region.join("registry.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(|s| s.to_string()).collect();
    let header: Vec<String> = lines[0].split(';').map(|s| s.to_string()).collect();
    let pct_cols: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| {
            [
                "parents_higher_ed",
                "single_parent",
                "low_income",
                "at_risk_register",
                "non_native",
                "ovz_share",
                "unemployed_parents",
                "large_family",
            ]
            .contains(&h.as_str())
        })
        .map(|(i, _)| i)
        .collect();
    for l in lines.iter_mut().skip(1) {
        let mut cells: Vec<String> = l.split(';').map(|s| s.to_string()).collect();
        for &c in &pct_cols {
            if let Ok(v) = cells[c].parse::<f64>() {
                cells[c] = format!("{:.1}", v * 100.0).replace('.', ",");
            }
        }
        *l = cells.join(";");
    }
    lines[0] = header
        .iter()
        .enumerate()
        .map(|(i, h)| match pct_cols.contains(&i) {
            true => format!("{h}, %"),
            false => h.clone(),
        })
        .collect::<Vec<_>>()
        .join(";");
    let mut body = lines.split_off(1);
    body.reverse();
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("registry_pct.csv");
    std::fs::write(&p, format!("{}\n{}\n", lines[0], body.join("\n"))).unwrap();
    let other = json_of(shnor().arg("index").arg(&p).args(["--format", "json"]));
    let a = by_login(&base);
    let b = by_login(&other);
    assert_eq!(a.len(), 120);
    for (login, x) in &a {
        let (i, j) = (x["index"].as_f64(), b[login]["index"].as_f64());
        match (i, j) {
            (Some(i), Some(j)) => assert!((i - j).abs() < 1e-5, "{login}: {i} vs {j}"),
            (None, None) => {}
            _ => panic!("{login}: {i:?} vs {j:?}"),
        }
        assert_eq!(x["index_group"], b[login]["index_group"]);
    }
    // the planted resilient school with a missing indicator still has an index (7 of 8 ≥ 75 %)
    assert!(a
        .values()
        .any(|x| x["coverage"].as_f64().unwrap() < 1.0 && x["index"].is_number()));
    // pca agrees with zscore in sign and rank
    let cfg = d.path().join("c.toml");
    std::fs::write(&cfg, "[index]\nmethod = \"pca\"\n").unwrap();
    let pca = by_login(&json_of(
        shnor()
            .arg("index")
            .arg(region.join("registry.csv"))
            .arg("--config")
            .arg(&cfg)
            .args(["--format", "json"]),
    ));
    let pairs: Vec<(f64, f64)> = a
        .iter()
        .filter_map(|(l, x)| Some((x["index"].as_f64()?, pca[l]["index"].as_f64()?)))
        .collect();
    assert!(pairs.len() > 100);
    assert!(spearman(&pairs) >= 0.9, "{}", spearman(&pairs));
}

fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    for (rank, i) in idx.into_iter().enumerate() {
        r[i] = rank as f64;
    }
    r
}

fn spearman(p: &[(f64, f64)]) -> f64 {
    let a = ranks(&p.iter().map(|x| x.0).collect::<Vec<_>>());
    let b = ranks(&p.iter().map(|x| x.1).collect::<Vec<_>>());
    let n = a.len() as f64;
    let d2: f64 = a.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum();
    1.0 - 6.0 * d2 / (n * (n * n - 1.0))
}

#[test]
fn bad_context_tables() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("ctx.csv");
    std::fs::write(
        &p,
        "login;low_income, %;single_parent, %\nedu990001;120;10\nedu990002;20;15\n",
    )
    .unwrap();
    shnor()
        .arg("index")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("ctx.csv, row 2"))
        .stderr(contains("percent 0–100"));
    // a share column's unit comes from its header, never from its values: without «%» it holds
    // fractions, and 45 there is an error naming the row, the column and the unit (it was read as
    // a percent, with every other value of the column, because one value was above 1)
    std::fs::write(
        &p,
        "login;low_income;single_parent\nedu990001;0,2;0,1\nedu990002;45;0,15\n",
    )
    .unwrap();
    shnor()
        .arg("index")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("ctx.csv, row 3"))
        .stderr(contains("low_income"))
        .stderr(contains("expected a fraction 0–1"));
    std::fs::write(
        &p,
        "login;low_income;single_parent\nedu990001;-0,1;0,1\nedu990002;0,2;0,15\n",
    )
    .unwrap();
    shnor()
        .arg("index")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("non-negative"));
    // a constant indicator is dropped with a named warning, never NaN
    std::fs::write(
        &p,
        "login;low_income;single_parent\nedu990001;0,1;0,1\nedu990002;0,2;0,1\nedu990003;0,3;0,1\n",
    )
    .unwrap();
    let v = json_of(shnor().arg("index").arg(&p).args(["--format", "json"]));
    assert_eq!(v["summary"]["dropped"]["single_parent"], "zero variance");
    assert!(v["schools"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["index"].is_number()));
    // too few schools for a regression: a named warning, no NaN
    let (_r, region) = region(5, 30);
    let marks = d.path().join("vpr_m.csv");
    std::fs::write(&marks, "Год;Класс;Предмет;Логин;Кол-во участников;2;3;4;5\n2025;5;математика;edu990001;10;1;3;4;2\n2025;5;математика;edu990002;10;2;3;4;1\n").unwrap();
    let ctx = d.path().join("c2.csv");
    std::fs::write(
        &ctx,
        "login;low_income;single_parent\nedu990001;0,1;0,2\nedu990002;0,2;0,1\n",
    )
    .unwrap();
    let v = json_of(
        shnor()
            .arg("resilient")
            .arg(&marks)
            .arg(&ctx)
            .args(["--format", "json"]),
    );
    assert!(v["summary"]["warnings"]
        .as_object()
        .unwrap()
        .keys()
        .any(|k| k.contains("regression not fitted")));
    assert!(v["schools"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["residual"].is_null()));
    drop(region);
}

/// Inputs that carry staffing and equipment indicators only (as the 2021 context form does): the
/// error names the ИСБШ indicators they lack and the ones they carry, not «no context indicators».
#[test]
fn no_index_names_the_lacking_and_the_carried_indicators() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("registry.csv");
    std::fs::write(
        &p,
        "login;name;teachers_pension_share;pupils_per_computer\nedu220001;Школа 1;0,2;9\nedu220002;Школа 2;0,4;5\n",
    )
    .unwrap();
    shnor()
        .arg("index")
        .arg(&p)
        .assert()
        .code(1)
        .stderr(contains("оба родителя с высшим образованием"))
        .stderr(contains(
            "есть другие показатели контекста: обучающихся на компьютер; учителя пенсионного возраста",
        ));
}

/// A context table keyed by ГИА codes, its columns named by a codebook: the text shows the code in
/// words, the indicators by their Russian labels and what the sign of a factor means (it showed
/// «gia:1002 … ovz_share +2,50» with no legend).
#[test]
fn the_index_table_names_schools_and_indicators_in_russian() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("ctx.csv"),
        "Код;Год;ses1;ses2;ses4\n001001;2025;0,1;0,2;0,05\n001002;2025;0,3;0,1;0,01\n001003;2025;0,2;0,4;0,2\n001004;2025;0,25;0,3;0,1\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("codebook.csv"),
        "ses1;Доля обучающихся из неполных семей\nses2;Доля обучающихся из малообеспеченных семей\nses4;Доля обучающихся с ОВЗ\n",
    )
    .unwrap();
    let out = stdout_of(
        shnor()
            .arg("index")
            .arg(d.path().join("ctx.csv"))
            .arg(d.path().join("codebook.csv")),
    );
    assert!(out.contains("│ код ГИА 1002"), "{out}");
    assert!(
        out.contains("обучающиеся с ОВЗ: лучше среднего (+"),
        "{out}"
    );
    assert!(
        out.contains("«лучше среднего» (+) — условие благоприятнее"),
        "{out}"
    );
    for code in ["gia:", "ovz_share", "low_income", "single_parent", "zscore"] {
        assert!(!out.contains(code), "{code}: {out}");
    }
}
