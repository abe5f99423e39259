use super::*;
use crate::method::frame::{ints, texts};
use crate::model::{Dataset, RiskRow};

fn row(sid: &str, year: i32, factor: u8, level: u8) -> RiskRow {
    RiskRow::new(sid, year, factor, level)
}

#[test]
fn profile_of_the_year_else_the_newest_earlier() {
    let ds = Dataset {
        risk: crate::model::frames::risk_frame(&[
            row("edu220001", 2023, 0, 2),
            row("edu220001", 2024, 0, 1),
            row("edu220001", 2024, 3, 0),
            row("edu220001", 2025, 0, 0),
            row("edu220002", 2022, 1, 2),
            row("edu220003", 2025, 1, 2),
        ])
        .unwrap(),
        ..Default::default()
    };
    let f = crate::model::frames::build(&ds).unwrap();
    let p = profiles(&f, 2024).unwrap();
    assert_eq!(p.len(), 2, "a school with only later profiles has none");
    let (y, lv) = &p["edu220001"];
    assert_eq!(*y, 2024);
    assert_eq!(lv.len(), 2);
    assert_eq!(lv[RISK_FACTORS[0]], 1);
    assert_eq!(lv[RISK_FACTORS[3]], 0);
    assert_eq!(p["edu220002"].0, 2022);
    assert_eq!(p["edu220002"].1[RISK_FACTORS[1]], 2);
}

#[test]
fn profiles_with_keeps_the_newest_year_and_only_the_factors_asked() {
    let ds = Dataset {
        risk: crate::model::frames::risk_frame(&[
            row("edu220001", 2023, 0, 2),
            row("edu220001", 2023, 4, 1),
            row("edu220001", 2024, 4, 2),
            row("edu220001", 2024, 7, 0),
            row("edu220002", 2023, 0, 1),
            row("edu220002", 2023, 5, 2),
        ])
        .unwrap(),
        ..Default::default()
    };
    let f = crate::model::frames::build(&ds).unwrap();
    let p = profiles_with(&f, 2024, &[RISK_FACTORS[0], RISK_FACTORS[4]]).unwrap();
    // the newest profile (2024) lacks factor 0: its 2023 level is not taken
    assert_eq!(
        p["edu220001"],
        (2024, BTreeMap::from([(RISK_FACTORS[4], 2)]))
    );
    assert_eq!(
        p["edu220002"],
        (2023, BTreeMap::from([(RISK_FACTORS[0], 1)]))
    );
    assert!(profiles_with(&f, 2024, &[RISK_FACTORS[9]])
        .unwrap()
        .is_empty());
}

#[test]
fn profiles_of_rows_in_any_order_are_those_of_sorted_rows() {
    let rows = [
        row("edu220001", 2023, 0, 2),
        row("edu220002", 2024, 1, 1),
        row("edu220001", 2024, 0, 1),
        row("edu220001", 2022, 3, 1),
        row("edu220002", 2024, 2, 2),
        row("edu220001", 2024, 4, 0),
        row("edu220003", 2025, 4, 0),
        row("edu220001", 2023, 5, 2),
    ];
    let mut sorted = rows.to_vec();
    sorted.sort_by(|a, b| (&a.school_id, a.year).cmp(&(&b.school_id, b.year)));
    let of = |rows: &[RiskRow]| {
        let ds = Dataset {
            risk: crate::model::frames::risk_frame(rows).unwrap(),
            ..Default::default()
        };
        profiles(&crate::model::frames::build(&ds).unwrap(), 2024).unwrap()
    };
    let p = of(&rows);
    assert_eq!(p, of(&sorted));
    assert_eq!(
        p["edu220001"],
        (
            2024,
            BTreeMap::from([(RISK_FACTORS[0], 1), (RISK_FACTORS[4], 0)])
        )
    );
    assert_eq!(p["edu220002"].1.len(), 2);
    assert_eq!(p.len(), 2, "a school with only later profiles has none");
    {
        // rows of a later year (skipped) between two rows of one school, or before another
        // school's rows: each row still goes to its own school
        let skipped = [
            row("edu220001", 2024, 0, 1),
            row("edu220002", 2025, 1, 2),
            row("edu220002", 2024, 2, 0),
            row("edu220002", 2025, 3, 1),
            row("edu220002", 2024, 4, 2),
            row("edu220001", 2025, 5, 1),
            row("edu220001", 2024, 6, 2),
        ];
        let p = of(&skipped);
        let mut sorted = skipped.to_vec();
        sorted.sort_by(|a, b| (&a.school_id, a.year).cmp(&(&b.school_id, b.year)));
        assert_eq!(p, of(&sorted));
        assert_eq!(
            p["edu220001"],
            (
                2024,
                BTreeMap::from([(RISK_FACTORS[0], 1), (RISK_FACTORS[6], 2)])
            )
        );
        assert_eq!(
            p["edu220002"],
            (
                2024,
                BTreeMap::from([(RISK_FACTORS[2], 0), (RISK_FACTORS[4], 2)])
            )
        );
    }
    // the rows of each school's newest profile, whatever the rows' order
    let latest_rows = |rows: &[RiskRow]| {
        let ds = Dataset {
            risk: crate::model::frames::risk_frame(rows).unwrap(),
            ..Default::default()
        };
        let f = crate::model::frames::build(&ds).unwrap();
        let df = latest(&f, 2024).unwrap().collect().unwrap();
        let (ids, years) = (
            texts(&df, k::SCHOOL_ID).unwrap(),
            ints(&df, k::YEAR).unwrap(),
        );
        let factors = ints(&df, k::FACTOR).unwrap();
        let mut out: Vec<_> = (0..df.height())
            .map(|i| (ids[i].clone(), years[i], factors[i]))
            .collect();
        out.sort();
        out
    };
    let got = latest_rows(&rows);
    assert_eq!(got, latest_rows(&sorted));
    let years: Vec<Option<i64>> = got.iter().map(|r| r.1).collect();
    assert_eq!(years, [Some(2024); 4]);
}

#[test]
fn block_counts_medium_and_high_as_selected() {
    let counts = BTreeMap::from([(0i64, [1, 2, 3]), (9, [4, 0, 0])]);
    let b = block("регион", "22", "все", 6, &counts, &[true; 10]);
    assert_eq!(b.factors.len(), 10);
    assert_eq!(b.factors[0].selected, 5);
    assert_eq!(b.most_common, [RISK_FACTORS[0]]);
    assert_eq!(b.least_common.len(), 9);
}

/// Fresh-eyes run 9: a wide profile file giving 4 of the 10 factors listed the other six as
/// «0 / 0 / 0» and as the least common; a block lists only the factors the profiles give.
#[test]
fn a_block_leaves_out_the_factors_no_profile_gives() {
    let counts = BTreeMap::from([(0i64, [1, 2, 3]), (9, [4, 0, 0])]);
    let mut given = [false; 10];
    given[0] = true;
    given[9] = true;
    let b = block("регион", "22", "все", 6, &counts, &given);
    let names: Vec<&str> = b.factors.iter().map(|f| f.factor.as_str()).collect();
    assert_eq!(names, [RISK_FACTORS[0], RISK_FACTORS[9]]);
    assert_eq!(b.least_common, [RISK_FACTORS[9]]);
}
