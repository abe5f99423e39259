//! Unit tests of the procedures' pooling and lookups.
use super::*;

#[test]
fn school_ids_are_distinct_and_ascending_whatever_the_runs() {
    use polars::prelude::*;
    let ids = ["b", "b", "a", "c", "b", "a", "a", "c"];
    let df = df!(crate::model::schema::col::SCHOOL_ID => ids).unwrap();
    assert_eq!(super::school_ids(&df).unwrap(), ["a", "b", "c"]);
    let empty = df.head(Some(0));
    assert!(super::school_ids(&empty).unwrap().is_empty());
}

#[test]
fn find_sorted_merges_and_searches_back() {
    let sorted = ["edu1", "edu3", "edu5", "edu7"];
    let found = |ids: &[&'static str]| -> Vec<Option<&str>> {
        find_sorted(&sorted, |s| s, ids.iter().copied())
            .into_iter()
            .map(|x| x.copied())
            .collect()
    };
    assert_eq!(
        found(&["edu0", "edu1", "edu2", "edu5", "edu5", "edu9"]),
        [None, Some("edu1"), None, Some("edu5"), Some("edu5"), None]
    );
    // ids that step back are found too
    assert_eq!(
        found(&["edu7", "edu3", "edu1", "edu4", "edu7"]),
        [Some("edu7"), Some("edu3"), Some("edu1"), None, Some("edu7")]
    );
    assert_eq!(found(&[]), Vec::<Option<&str>>::new());
}

#[test]
fn year_rows_of_the_frame_equal_the_rows_of_each_school() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/region");
    let l = crate::input::load_paths(&[dir], &Default::default()).unwrap();
    let frames = crate::model::frames::build(&l.data).unwrap();
    let bs = super::by_school(&l.data);
    for year in [2024, 2025] {
        let yr = super::YearRows::new(&frames.results, year).unwrap();
        let got: Vec<(&str, Vec<super::ProcRow>)> = yr
            .schools()
            .into_iter()
            .map(|(sid, spans)| (sid, yr.rows_of(spans)))
            .collect();
        let want: Vec<(&str, Vec<super::ProcRow>)> = bs
            .iter()
            .map(|(sid, rows)| {
                let of_years = rows
                    .iter()
                    .filter(|r| r.year == year || r.year == year - 1)
                    .map(|r| super::ProcRow::of(r));
                (*sid, of_years.collect::<Vec<_>>())
            })
            .filter(|(_, rows)| !rows.is_empty())
            .collect();
        assert!(want.len() > 100, "{}", want.len());
        assert_eq!(got, want, "{year}");
    }
}

#[test]
fn pooled_by_polars_equals_pooled_row_by_row() {
    use crate::config::Config;
    use crate::model::domain::Assessment;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/region");
    let l = crate::input::load_paths(&[dir], &Default::default()).unwrap();
    let frames = crate::model::frames::build(&l.data).unwrap();
    let bs = super::by_school(&l.data);
    for (window, min, assessments) in [
        (vec![2024, 2025], 5, vec![]),
        (vec![2023, 2024, 2025], 20, vec![Assessment::Vpr]),
    ] {
        let mut cfg = Config::default();
        cfg.stage1.min_participants = min;
        cfg.stage1.assessments = assessments;
        let all = super::pooled_all(&frames.results, &window, &cfg).unwrap();
        let mut compared = 0;
        for (sid, rows) in &bs {
            let one = super::pool(rows, &window, &cfg);
            let p = all.get(*sid).copied().unwrap_or_default();
            let key = |p: &super::Pooled| (p.total_all, p.part, p.n2, p.qpart, p.q45);
            assert_eq!(key(&p), key(&one), "{sid}");
            compared += (one.total_all > 0) as usize;
        }
        assert!(compared > 100, "{compared}");
    }
}

#[test]
fn window_sums_from_the_sums_per_year_equal_the_window_group_by() {
    use crate::config::Config;
    use crate::model::domain::Assessment;
    use polars::prelude::*;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/region");
    let l = crate::input::load_paths(&[dir], &Default::default()).unwrap();
    let frames = crate::model::frames::build(&l.data).unwrap();
    // each school's row, in school id order, as text
    let rows = |df: &DataFrame| {
        let df = df
            .sort(["school_id"], Default::default())
            .unwrap()
            .select([
                "school_id",
                "active",
                "total_all",
                "part",
                "n2",
                "qpart",
                "q45",
            ])
            .unwrap();
        format!("{df:?}")
    };
    for (min, assessments) in [(5, vec![]), (20, vec![Assessment::Vpr])] {
        let mut cfg = Config::default();
        cfg.stage1.min_participants = min;
        cfg.stage1.assessments = assessments;
        let years = super::YearSums::new(&frames.results, &cfg).unwrap();
        assert!(years.fits(&cfg));
        // rows in another order: a school's year in several runs, which the windows add up
        let shuffled = frames
            .results
            .sort(["subject", "grade"], Default::default())
            .unwrap();
        let runs = super::YearSums::new(&shuffled, &cfg).unwrap();
        assert!(runs.df.height() > years.df.height());
        for (window, active) in [
            (vec![2024, 2025], Some(2025)),
            (vec![2024, 2025], None),
            (vec![2023, 2024, 2025], Some(2024)),
            (vec![2022, 2023], None),
        ] {
            let want = super::PooledSums::new(&frames.results, &window, active, &cfg).unwrap();
            let got = super::PooledSums::from_years(&years, &window, active).unwrap();
            assert!(want.df.height() > 100, "{window:?}");
            assert_eq!(rows(&got.df), rows(&want.df), "{window:?} {active:?}");
            let got = super::PooledSums::from_years(&runs, &window, active).unwrap();
            assert_eq!(
                rows(&got.df),
                rows(&want.df),
                "shuffled {window:?} {active:?}"
            );
            assert!(got.fits(&window, &cfg));
        }
    }
}

/// Fresh-eyes #10: ЕГЭ's count below the minimum is no mark «2», and a list's label says so.
#[test]
fn below_min_kind_tells_marks_thresholds_and_a_mix() {
    use super::{below_min_kind, BelowMin};
    use polars::prelude::*;
    let f = |a: &[&str], n2: &[Option<i32>]| {
        let years = vec![2025i32; a.len()];
        df!("year" => years, "assessment" => a, "n2" => n2).unwrap()
    };
    let kind = |df: &DataFrame| below_min_kind(df, &[2024, 2025]).unwrap();
    assert_eq!(
        kind(&f(&["ЕГЭ", "ЕГЭ"], &[Some(1), Some(0)])),
        BelowMin::Threshold
    );
    assert_eq!(
        kind(&f(&["ВПР", "ОГЭ"], &[Some(1), Some(0)])),
        BelowMin::Mark2
    );
    assert_eq!(
        kind(&f(&["ЕГЭ", "ОГЭ"], &[Some(1), Some(0)])),
        BelowMin::Mixed
    );
    // a row with no count below the minimum (ЕГЭ high scores only) does not decide
    assert_eq!(kind(&f(&["ЕГЭ", "ОГЭ"], &[None, Some(0)])), BelowMin::Mark2);
    assert_eq!(
        below_min_kind(&f(&["ЕГЭ"], &[Some(1)]), &[2023]).unwrap(),
        BelowMin::Mark2
    );
}
