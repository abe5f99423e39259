use super::*;

#[test]
fn marks_header_detected() {
    let h = Header::new(
        0,
        &[
            "Год",
            "Класс",
            "Предмет",
            "Муниципалитет",
            "Логин",
            "ОО",
            "Кол-во участников",
            "2",
            "3",
            "4",
            "5",
        ]
        .map(String::from),
    );
    assert!(is_marks_header(&h));
    assert_eq!(mark_columns(&h), Some([7, 8, 9, 10]));
}

#[test]
fn percents_become_counts_that_sum_to_the_participants() {
    // 3 × 33,3 % of 10: rounding each gives 3 + 3 + 3 = 9; the largest remainder gives 10
    use MarkUnit::*;
    let (c, rec) = mark_counts(
        10.0,
        [Some(33.4), Some(33.3), Some(33.3), Some(0.0)],
        Percents,
    )
    .unwrap();
    assert!(rec);
    assert_eq!(c, [4, 3, 3, 0]);
    assert_eq!(
        mark_counts(7.0, [Some(1.0), Some(2.0), Some(3.0), Some(1.0)], Counts),
        Some(([1, 2, 3, 1], false))
    );
    // shares of 1 likewise
    assert_eq!(
        mark_counts(4.0, [Some(0.25), Some(0.5), Some(0.25), None], Shares),
        Some(([1, 2, 1, 0], true))
    );
    // fractional participants are no count
    for u in [Counts, Percents, Shares] {
        assert_eq!(
            mark_counts(10.5, [Some(25.0), Some(25.0), Some(25.0), Some(25.0)], u),
            None
        );
        // neither counts that add up nor percents nor shares
        assert_eq!(
            mark_counts(10.0, [Some(1.0), Some(2.0), Some(3.0), Some(1.0)], u),
            None
        );
    }
    // a row of counts is no row of percents: the unit is the file's, not the row's
    assert_eq!(
        mark_counts(
            100.0,
            [Some(10.0), Some(20.0), Some(30.0), Some(40.0)],
            Percents
        ),
        Some(([10, 20, 30, 40], true))
    );
    assert_eq!(
        mark_counts(
            50.0,
            [Some(10.0), Some(20.0), Some(30.0), Some(40.0)],
            Counts
        ),
        None
    );
}

#[test]
fn the_unit_is_decided_once_per_file() {
    use MarkUnit::*;
    let counts = [(7.0, [Some(1.0), Some(2.0), Some(3.0), Some(1.0)])];
    let pct = [
        (10.0, [Some(10.0), Some(40.0), Some(30.0), Some(20.0)]),
        // 100 participants whose counts sum to 100 fit percents too
        (100.0, [Some(10.0), Some(40.0), Some(30.0), Some(20.0)]),
    ];
    assert_eq!(decide_unit(false, counts.iter().copied()), Some(Counts));
    assert_eq!(decide_unit(false, pct.iter().copied()), Some(Percents));
    // the header's % decides, whatever the values
    assert_eq!(decide_unit(true, counts.iter().copied()), Some(Percents));
    // counts and percents in one file: no unit fits every row
    let mixed = [counts[0], pct[0]];
    assert_eq!(decide_unit(false, mixed.iter().copied()), None);
    // the order of the rows does not change the decision
    let shuffled = [pct[1], pct[0]];
    assert_eq!(decide_unit(false, shuffled.iter().copied()), Some(Percents));
}

proptest::proptest! {
    #[test]
    fn counts_that_add_up_are_kept(c in proptest::array::uniform4(0i32..10_000)) {
        let part: i32 = c.iter().sum();
        let vals = c.map(|x| Some(x as f64));
        proptest::prop_assert_eq!(mark_counts(part as f64, vals, MarkUnit::Counts), Some((c, false)));
    }

    #[test]
    fn percents_rounded_to_a_tenth_give_counts_summing_to_the_participants(
        c in proptest::array::uniform4(0i32..2_000),
    ) {
        let part: i32 = c.iter().sum();
        proptest::prop_assume!(part > 0);
        let pct = c.map(|x| (x as f64 / part as f64 * 1000.0).round() / 10.0);
        proptest::prop_assume!((pct.iter().sum::<f64>() - 100.0).abs() <= 0.5);
        let (got, rec) = mark_counts(part as f64, pct.map(Some), MarkUnit::Percents).unwrap();
        proptest::prop_assert!(rec);
        proptest::prop_assert_eq!(got.iter().sum::<i32>(), part);
        for (g, x) in got.iter().zip(c) {
            // a tenth of a percent of up to 8 000 pupils is at most 8 pupils, plus one for the remainder
            proptest::prop_assert!((g - x).abs() as f64 <= part as f64 / 1000.0 * 2.0 + 1.0);
        }
    }
}

/// Fresh-eyes (second run): a grade cell names one grade; «3x6» was read as grade 6 and «4 7»,
/// «1a7», «x7», «4-7» loaded silently, while «7x» was refused.
#[test]
fn a_grade_cell_is_one_grade_or_none() {
    for (cell, grade) in [
        ("4", Some(4)),
        (" 11 ", Some(11)),
        ("4 класс", Some(4)),
        ("4 кл.", Some(4)),
        ("4кл", Some(4)),
        ("4-й класс", Some(4)),
        ("4-й", Some(4)),
        ("", Some(0)),
        ("3x6", None),
        ("4 7", None),
        ("1a7", None),
        ("x7", None),
        ("4-7", None),
        ("7x", None),
        ("4,5", None),
        ("12", None),
        ("12 класс", None),
    ] {
        assert_eq!(grade_cell(cell), grade, "«{cell}»");
    }
}

/// Fresh-eyes run 9, F1: a municipality's or the region's subtotal under its own code — ФИС ОКО's
/// `reg220000` / `reg22_m019`, or any key with the row's municipality as its name — is an aggregate
/// row, never a school; a school login never is.
#[test]
fn area_logins_and_rows_named_as_their_municipality_are_aggregates() {
    use super::super::aggregate::is_area_login;
    for l in ["reg220000", "REG22_m019", "reg54_m1"] {
        assert!(is_area_login(l), "{l}");
        assert!(is_aggregate_row(l, "Алтайский край", ""), "{l}");
    }
    for l in ["reg", "reg22_m", "reg_m019", "regx", "edu220001", "region1"] {
        assert!(!is_area_login(l), "{l}");
    }
    assert!(is_aggregate_row(
        "mun22003",
        "Заречный район",
        "Заречный  район"
    ));
    assert!(!is_aggregate_row("mun22003", "СОШ №1", "Заречный район"));
    // fresh-eyes run 10: a name spelt otherwise than the municipality column, no municipality
    // column, no name
    assert!(is_aggregate_row(
        "mun2201",
        "Алейский муниципальный район",
        "Алейский район"
    ));
    assert!(is_aggregate_row("x2202", "город Барнаул", ""));
    assert!(is_aggregate_row("mun2203", "", "Заречный район"));
    assert!(!is_aggregate_row("x2202", "МБОУ СОШ Алейского района", ""));
    assert!(!is_aggregate_row(
        "edu220001",
        "Заречный район",
        "Заречный район"
    ));
    assert!(!is_aggregate_row("school1", "", "Заречный район"));
}

/// Fresh-eyes run 9, F4: whole percents (a CSV saved from a sheet that shows no decimals) sum to
/// 98–102 and were refused (with `--lenient` the weakest school's rows were dropped); a school of
/// no participants with «0» in every percent cell was an error where a count table takes it.
#[test]
fn whole_percents_may_miss_100_by_their_rounding_and_no_pupils_is_no_error() {
    let p = MarkUnit::Percents;
    let some = |v: [f64; 4]| v.map(Some);
    assert_eq!(
        mark_counts(42.0, some([0.0, 79.0, 0.0, 21.0]), p),
        Some(([0, 33, 0, 9], true))
    );
    assert!(mark_counts(37.0, some([41.0, 38.0, 11.0, 11.0]), p).is_some());
    assert!(mark_counts(37.0, some([41.0, 38.0, 11.0, 13.0]), p).is_none());
    assert!(mark_counts(37.0, some([40.6, 38.0, 11.0, 11.0]), p).is_none());
    assert_eq!(mark_counts(0.0, some([0.0; 4]), p), Some(([0; 4], false)));
    assert_eq!(
        mark_counts(0.0, some([0.0; 4]), MarkUnit::Shares),
        Some(([0; 4], false))
    );
}
