//! Tests of the relative objectivity screen (`method::objectivity`).
use super::*;
use crate::model::Dataset;

#[test]
fn binomial_upper_tail_textbook() {
    // X ~ B(10, 0.5): P(X ≥ 8) = 56/1024
    assert!((upper_tail(8, 10, 0.5) - 56.0 / 1024.0).abs() < 1e-12);
    assert_eq!(upper_tail(0, 10, 0.3), 1.0);
}

fn journal_row(ds: &mut Dataset, year: i32, sid: &str, lowered: i64, confirmed: i64, raised: i64) {
    let j = &mut ds.pending_tables.journal;
    j.push(
        year,
        sid.into(),
        "математика".into(),
        4,
        lowered,
        confirmed,
        raised,
    );
}

#[test]
fn journal_rates_are_the_regions_and_official_markers_replace_their_years() {
    let mut ds = Dataset::default();
    // region 22: 9 schools with 1 of 40 raised, one with 30 of 40 raised
    for i in 1..=9 {
        let sid = format!("edu22000{i}");
        journal_row(&mut ds, 2023, &sid, 0, 39, 1);
        journal_row(&mut ds, 2024, &sid, 0, 39, 1);
    }
    journal_row(&mut ds, 2023, "edu220010", 0, 10, 30);
    journal_row(&mut ds, 2024, "edu220010", 0, 10, 30);
    let procedures = ["ВПР математика 4", "ВПР русский язык 4"];
    let procedures = polars::prelude::Series::new("".into(), procedures);
    let m = &mut ds.pending_tables.markers;
    m.push(2024, "edu220003".into(), procedures, 2);
    ds.flush_rows().unwrap();
    let f = crate::model::frames::build(&ds).unwrap();
    let mut cfg = Config::default();
    cfg.objectivity.method = ObjectivityMethod::Relative;
    let s = screen(&f, &cfg).unwrap();
    assert_eq!(s.regions.len(), 2, "one procedure in two years");
    let r = &s.regions[0];
    assert_eq!(
        (r.region.as_str(), r.year, r.journal_pupils),
        ("22", 2023, 400)
    );
    assert_eq!(r.raised_rate, Some(r6(39.0 / 400.0)));
    assert_eq!(r.schools_checked_journal, 10);
    // 2023: the computed flag stands; 2024: replaced by the official marker
    let raised = s.of("edu220010", 2023).unwrap();
    assert_eq!(raised.flags[0].marker, JOURNAL_RAISED);
    assert!(raised.flagged);
    assert!(s.of("edu220010", 2024).is_none());
    let official = s.of("edu220003", 2024).unwrap();
    assert_eq!(official.flags[0].marker, OFFICIAL);
    assert_eq!(
        official.flags[0].procedure,
        "ВПР математика 4, ВПР русский язык 4"
    );
    assert_eq!(s.official_years, [2024]);
    assert_eq!(s.counts["flagged_school_years"], 2);
}
