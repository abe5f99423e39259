use super::*;
use crate::config::Config;
use crate::model::Dataset;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn spearman_textbook_examples_with_and_without_ties() {
    // without ties (IQ and hours of TV a week, the usual textbook example): r_s = −29/165
    let iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110];
    let tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17];
    let pupils: Vec<_> = iq.iter().zip(tv).map(|(&x, y)| (x, y, 1)).collect();
    assert!(close(spearman(&pupils).unwrap(), -29.0 / 165.0));
    // ties: x = 1 2 2 3, y = 1 3 2 4 → ranks x 1 2.5 2.5 4; r = 4.5 / √(4.5 · 5) = 3/√10
    let tied = [(1, 1, 1), (2, 3, 1), (2, 2, 1), (3, 4, 1)];
    assert!(close(spearman(&tied).unwrap(), 3.0 / 10f64.sqrt()));
    // pupils given as counts are the same pupils one by one
    let counted = [(5, 10, 2), (4, 8, 2), (3, 5, 1)];
    let one_by_one = [(5, 10, 1), (5, 10, 1), (4, 8, 1), (4, 8, 1), (3, 5, 1)];
    assert!(close(
        spearman(&counted).unwrap(),
        spearman(&one_by_one).unwrap()
    ));
    // not judged: fewer than 3 pupils, or a constant variable
    assert_eq!(spearman(&[(5, 10, 1), (4, 8, 1)]), None);
    assert_eq!(spearman(&[(5, 10, 1), (5, 8, 1), (5, 3, 4)]), None);
    assert_eq!(spearman(&[(5, 10, 1), (4, 10, 1), (3, 10, 4)]), None);
}

#[test]
fn intervals_one_score_and_one_pupil() {
    // all pupils with one score: s = 0, an interval of width 0
    let one_score = Sums {
        n: 5,
        sx: 75,
        sxx: 1125,
    };
    assert_eq!(one_score.sd(), Some(0.0));
    assert_eq!(one_score.interval(1.96), Some([15.0, 15.0]));
    // one pupil: no s, not judged
    let one = Sums {
        n: 1,
        sx: 10,
        sxx: 100,
    };
    assert_eq!((one.sd(), one.interval(1.96)), (None, None));
}

#[test]
fn cohort_k_and_critical_values() {
    assert_eq!(cohort_k(0.5, 0.0), None, "S(5, Y) = 0: K undefined");
    assert_eq!(cohort_k(0.0, 0.5), Some(0.0));
    // type-7 quartiles of 0.1, 10/11, 1, 1, 1.1, 10: Q1 = 0.931818…, Q3 = 1.075
    let [lo, hi] = critical(&[1.0, 1.0, 10.0 / 11.0, 1.1, 10.0, 0.1], 3.0).unwrap();
    let (q1, q3) = (10.0 / 11.0 + 0.25 * (1.0 - 10.0 / 11.0), 1.075);
    assert!(close(lo, q1 - 3.0 * (q3 - q1)) && close(hi, q3 + 3.0 * (q3 - q1)));
    assert_eq!(critical(&[], 3.0), None);
}

fn hist(ds: &mut Dataset, year: i32, sid: &str, grade: i32, scores: &[i32]) {
    for &s in scores {
        let h = &mut ds.pending_tables.histograms;
        h.push(year, sid.into(), "математика".into(), grade, s, 1);
    }
}

fn marks(ds: &mut Dataset, sid: &str, pairs: &[(i32, i32)]) {
    for &(school_mark, score) in pairs {
        let m = &mut ds.pending_tables.mark_scores;
        m.push(
            2021,
            sid.into(),
            "математика".into(),
            4,
            school_mark,
            score,
            1,
        );
    }
}

/// Region 22: математика 4 кл. 2021 (schools 1–4) and 5 кл. 2021 with 4 кл. 2020 (schools 11–18).
fn region() -> Dataset {
    let mut ds = Dataset::default();
    for g in [4, 5] {
        let m = &mut ds.pending_tables.maxima;
        m.push(2021, "математика".into(), g, 20);
        m.push(2020, "математика".into(), g, 20);
    }
    hist(&mut ds, 2021, "edu220001", 4, &[15; 5]);
    hist(&mut ds, 2021, "edu220002", 4, &[10]);
    hist(&mut ds, 2021, "edu220003", 4, &[5, 6, 7, 8, 9, 10]);
    hist(&mut ds, 2021, "edu220004", 4, &[8, 9, 10, 11, 12]);
    marks(
        &mut ds,
        "edu220001",
        &[(5, 15), (5, 15), (5, 15), (4, 15), (4, 15)],
    );
    marks(&mut ds, "edu220002", &[(4, 10)]);
    marks(
        &mut ds,
        "edu220003",
        &[(5, 5), (5, 6), (4, 7), (4, 8), (3, 9), (3, 10)],
    );
    marks(
        &mut ds,
        "edu220004",
        &[(3, 8), (4, 9), (4, 10), (5, 11), (5, 12)],
    );
    // (grade-4 score in 2020, grade-5 score in 2021): K = x4 / x5 (one pupil each, max 20)
    for (i, x4, x5) in [
        (11, Some(10), 10),
        (12, Some(12), 12),
        (13, Some(10), 11),
        (14, Some(11), 10),
        (15, Some(20), 2),
        (16, Some(8), 0),
        (17, Some(1), 10),
        (18, None, 10),
    ] {
        let sid = format!("edu2200{i}");
        if let Some(x4) = x4 {
            hist(&mut ds, 2020, &sid, 4, &[x4]);
        }
        hist(&mut ds, 2021, &sid, 5, &[x5]);
    }
    ds.flush_rows().unwrap();
    ds
}

#[test]
fn the_markers_and_the_index_on_a_hand_computed_region() {
    let f = crate::model::frames::build(&region()).unwrap();
    let mut flags = super::super::objectivity::Flags::new();
    let idx = markers(
        &f,
        &Config::default().objectivity,
        &BTreeSet::new(),
        &mut flags,
    )
    .unwrap();
    let fired: Vec<(&str, i32, &str)> = flags
        .iter()
        .flat_map(|((sid, y), fl)| {
            fl.iter()
                .map(move |f| (sid.as_str(), *y, f.marker.as_str()))
        })
        .collect();
    assert_eq!(
        fired,
        [
            ("edu220001", 2021, "inflated_mean"),
            ("edu220003", 2021, "marks_mismatch"),
            ("edu220015", 2021, "cohort_drop"),
            ("edu220017", 2021, "cohort_rise"),
        ]
    );
    // region 4 кл.: n = 17, Σx = 180, Σx² = 2090: mean 10.588235, s = √(3130/272) = 3.392249,
    // interval 10.588235 ± 1.96 · 3.392249 / √17 = [8.975663, 12.200808]; school 1: [15, 15]
    let y21 = idx.iter().find(|r| r.year == 2021).unwrap();
    let m4 = &y21.procedures[0];
    assert_eq!(m4.procedure, "ВПР математика 4 кл.");
    let [lo, hi] = m4.region_interval.unwrap();
    assert!(
        (lo - 8.975663).abs() < 1e-6 && (hi - 12.200808).abs() < 1e-6,
        "{lo} {hi}"
    );
    let n1 = &flags[&("edu220001".to_string(), 2021)][0].numbers;
    assert_eq!(n1["interval"], json!([15.0, 15.0]));
    // school 3: marks 5 5 4 4 3 3 against scores 5…10: r_s = −16 / √280
    let n3 = &flags[&("edu220003".to_string(), 2021)][0].numbers;
    assert_eq!(n3["r_s"], json!(r6(-16.0 / 280f64.sqrt())));
    assert_eq!(n3["pupils"], 6);
    // judged: one pupil (school 2) is not; one score (school 1) is not for r_s
    let t = |p: &ProcedureTally, m: Marker| p.markers[m.label()];
    assert_eq!(
        t(m4, Marker::InflatedMean),
        Tally {
            judged: 3,
            marked: 1
        }
    );
    assert_eq!(
        t(m4, Marker::MarksMismatch),
        Tally {
            judged: 2,
            marked: 1
        }
    );
    // 5 кл.: K of schools 11–15 and 17 (16 has S(5) = 0, 18 no grade 4): 1, 1, 10/11, 1.1, 10, 0.1
    let m5 = &y21.procedures[1];
    let [klo, khi] = m5.cohort_critical.unwrap();
    assert!((klo - 0.502273).abs() < 1e-6 && (khi - 1.504545).abs() < 1e-6);
    assert_eq!(
        t(m5, Marker::CohortDrop),
        Tally {
            judged: 6,
            marked: 1
        }
    );
    assert_eq!(
        t(m5, Marker::CohortRise),
        Tally {
            judged: 6,
            marked: 1
        }
    );
    assert_eq!(t(m5, Marker::InflatedMean).judged, 0, "one pupil each");
    let n15 = &flags[&("edu220015".to_string(), 2021)][0].numbers;
    assert_eq!(
        (n15["k"].clone(), n15["previous_year"].clone()),
        (json!(10.0), json!(2020))
    );
    // index 2021: 12 schools (4 + 8), 4 marked → 100 − 33.333333
    assert_eq!((y21.schools, y21.marked_schools), (12, 4));
    assert!(close(y21.index, 100.0 - 400.0 / 12.0));
    assert_eq!(
        y21.markers["inflated_mean"],
        Tally {
            judged: 3,
            marked: 1
        }
    );
    let y20 = idx.iter().find(|r| r.year == 2020).unwrap();
    assert_eq!((y20.schools, y20.marked_schools, y20.index), (7, 0, 100.0));
}

#[test]
fn the_result_does_not_depend_on_row_order() {
    let mut ds = region();
    let t = &mut ds.tables;
    (t.histograms, t.mark_scores) = (t.histograms.reverse(), t.mark_scores.reverse());
    let run = |ds: &Dataset| {
        let f = crate::model::frames::build(ds).unwrap();
        let mut flags = super::super::objectivity::Flags::new();
        let idx = markers(
            &f,
            &Config::default().objectivity,
            &BTreeSet::new(),
            &mut flags,
        )
        .unwrap();
        (idx, flags)
    };
    assert_eq!(run(&ds), run(&region()));
}
