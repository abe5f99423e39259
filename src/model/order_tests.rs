//! Tests of `model::order`.
use super::*;
use crate::model::{ResultRow, RiskRow, Sym, RISK_FACTORS};

#[test]
fn results_sort_into_the_model_order_and_repeats_go() {
    let mut rows = Vec::new();
    for (i, (y, sid, subj, g)) in [
        (2025, "edu000002", "русский язык", 4),
        (2024, "edu000001", "математика", 5),
        (2025, "edu000001", "русский язык", 4),
        (2025, "edu000001", "математика", 4),
        (2024, "edu000002", "математика", 4),
        (2025, "edu000001", "математика", 5),
        (2024, "edu000002", "математика", 4),
    ]
    .into_iter()
    .enumerate()
    {
        rows.push(ResultRow {
            grade: g,
            source: Sym::from("f.csv"),
            line: i as u32 + 2,
            ..ResultRow::for_test(y, sid, subj, 10, 1)
        });
    }
    let mut ds = Dataset::default();
    ds.set_results(&rows);
    let mut w = Warnings::default();
    dedup_results(&mut ds, &Opts::default(), &mut w).unwrap();
    let got: Vec<(i32, &str, i32, &str)> = ds
        .result_rows()
        .iter()
        .map(|r| (r.year, &*r.school_id, r.grade, &*r.subject))
        .collect();
    assert_eq!(
        got,
        vec![
            (2024, "edu000001", 5, "математика"),
            (2024, "edu000002", 4, "математика"),
            (2025, "edu000001", 4, "математика"),
            (2025, "edu000001", 4, "русский язык"),
            (2025, "edu000001", 5, "математика"),
            (2025, "edu000002", 4, "русский язык"),
        ]
    );
    assert_eq!(w.0[&WarningCode::ResultRowRepeated].count, 1);
    let f: Vec<String> = firsts(&ds.results)
        .unwrap()
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(f, ["edu000001", "edu000002"]);
    // a second, different row for one key is an error naming both rows
    let mut rows = ds.result_rows().to_vec();
    rows.push(ResultRow {
        line: 99,
        ..ResultRow::for_test(2025, "edu000002", "русский язык", 10, 2)
    });
    ds.set_results(&rows);
    let e = dedup_results(&mut ds, &Opts::default(), &mut w).unwrap_err();
    assert!(e.to_string().contains("edu000002"), "{e}");
    // the counts read as numbers, not as Rust's debug text
    assert!(!e.to_string().contains("Some("), "{e}");
    // only the fields that differ are named, with both values
    assert!(e.to_string().contains("): «2» 1 и 2, «3» 9 и 8"), "{e}");
    assert!(!e.to_string().contains("участников"), "{e}");
    // fresh-eyes #7: in Russian, as the --lenient words around it
    assert!(
        e.to_string()
            .contains("вторая, другая строка для школы edu000002"),
        "{e}"
    );
}

/// Fresh-eyes run 7, F15: a protocol beside its ФИС ОКО «Статистика по отметкам» (the same
/// counts, no mean score) stopped the load with «средний балл 11,49 и —». A missing mean score
/// is no disagreement: one row is kept, the one with the mean, with a counted repeat.
#[test]
fn a_repeat_without_the_mean_score_is_a_repeat_that_keeps_the_mean() {
    let row = |line: u32, mean: Option<f64>| ResultRow {
        source: Sym::from(if mean.is_some() { "b.csv" } else { "a.csv" }),
        line,
        mean_score: mean.into(),
        ..ResultRow::for_test(2025, "edu000001", "математика", 10, 1)
    };
    for rows in [
        vec![row(2, None), row(3, Some(12.5))],
        vec![row(2, Some(12.5)), row(3, None)],
    ] {
        let mut ds = Dataset::default();
        ds.set_results(&rows);
        let mut w = Warnings::default();
        dedup_results(&mut ds, &Opts::default(), &mut w).unwrap();
        let kept = ds.result_rows();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].mean_score.get(), Some(12.5));
        assert_eq!(w.0[&WarningCode::ResultRowRepeated].count, 1);
    }
    // two different mean scores are still a conflict
    let mut ds = Dataset::default();
    ds.set_results(&[row(2, Some(11.0)), row(3, Some(12.5))]);
    let e = dedup_results(&mut ds, &Opts::default(), &mut Warnings::default());
    assert!(e
        .unwrap_err()
        .to_string()
        .contains("средний балл 11 и 12,5"));
}

/// Results aggregated from a per-pupil sheet (line 0) have no single row: the message says so,
/// never «row 0»; a school known only by name twice in one file is named as two schools of one
/// name in the municipality, with both rows.
#[test]
fn a_conflict_names_aggregated_results_and_two_schools_of_one_name() {
    let mut w = Warnings::default();
    let mut ds = Dataset::default();
    let pupils = |file: &str, n2| ResultRow {
        source: Sym::from(file),
        line: 0,
        ..ResultRow::for_test(2025, "edu990001", "математика", 10, n2)
    };
    ds.set_results(&[pupils("a.xlsx", 1), pupils("b.csv", 2)]);
    let e = dedup_results(&mut ds, &Opts::default(), &mut w)
        .unwrap_err()
        .to_string();
    assert!(!e.contains("строка 0"), "{e}");
    assert!(
        e.contains("b.csv (результаты собраны по ученикам, одной строки нет)"),
        "{e}"
    );
    assert!(e.contains("первая: a.xlsx (результаты собраны"), "{e}");
    let named = |line, n2| ResultRow {
        source: Sym::from("form.csv"),
        line,
        ..ResultRow::for_test(2024, "name:заречный район/сош 1", "математика", 10, n2)
    };
    ds.set_results(&[named(7, 1), named(8, 2)]);
    let e = dedup_results(&mut ds, &Opts::default(), &mut w)
        .unwrap_err()
        .to_string();
    assert!(e.contains("form.csv, строка 8"), "{e}");
    assert!(e.contains("строки 7 и 8"), "{e}");
    assert!(
        e.contains("у двух школ муниципалитета одно название"),
        "{e}"
    );
    assert!(
        e.contains("«заречный район»") && e.contains("«сош 1»"),
        "{e}"
    );
}

#[test]
fn sorted_by_keeps_an_ordered_frame_and_sorts_another_stably() {
    let df = |a: Vec<&str>, b: Vec<i32>, tag: Vec<i32>| {
        DataFrame::new_infer_height(vec![
            Column::new("a".into(), a),
            Column::new("b".into(), b),
            Column::new("tag".into(), tag),
        ])
        .unwrap()
    };
    let ordered = df(vec!["x", "x", "y", "y"], vec![1, 2, 0, 0], vec![0, 1, 2, 3]);
    assert!(sorted_by(ordered.clone(), &["a", "b"])
        .unwrap()
        .equals(&ordered));
    let mixed = df(vec!["y", "x", "y", "x"], vec![0, 2, 0, 1], vec![0, 1, 2, 3]);
    let got = sorted_by(mixed, &["a", "b"]).unwrap();
    let tags: Vec<Option<i32>> = got.column("tag").unwrap().i32().unwrap().iter().collect();
    assert_eq!(tags, [Some(3), Some(1), Some(0), Some(2)]);
}

#[test]
fn risk_rows_sort_by_school_year_and_factor() {
    let mut rows = Vec::new();
    for year in [2025, 2024] {
        for sid in ["edu220002", "edu110001", "edu220001"] {
            for f in (7..RISK_FACTORS.len() as u8).rev() {
                rows.push(RiskRow {
                    school_id: Sym::from(sid),
                    year,
                    factor: f,
                    level: 1,
                });
            }
        }
    }
    let (a, b) = rows.split_at(7);
    let parts = vec![
        RiskPart::unordered(crate::model::frames::risk_frame(a).unwrap()),
        RiskPart::unordered(crate::model::frames::risk_frame(b).unwrap()),
    ];
    let risk = order_risk(parts).unwrap().expect("two parts");
    assert!(order_risk(Vec::new()).unwrap().is_none());
    let col = |c: &str| -> Vec<String> {
        let s = risk.column(c).unwrap().as_materialized_series().clone();
        (0..s.len())
            .map(|i| s.get(i).unwrap().to_string())
            .collect()
    };
    let keys: Vec<(String, String, String)> = col("school_id")
        .into_iter()
        .zip(col("year"))
        .zip(col("factor"))
        .map(|((a, b), c)| (a, b, c))
        .collect();
    assert_eq!(keys.len(), rows.len());
    assert!(keys.is_sorted());
    assert_eq!(keys[0], ("\"edu110001\"".into(), "2024".into(), "7".into()));
}
