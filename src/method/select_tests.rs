//! Unit tests of the stage rules at their boundaries.
use super::*;
use crate::model::warning::WarningCode;
use crate::model::{Count, ResultRow, SchoolRow};

fn row(year: i32, sid: &str, subject: &str, participants: Count, n2: Count) -> ResultRow {
    ResultRow::for_test(year, sid, subject, participants, n2)
}

fn dataset(rows: Vec<ResultRow>) -> Dataset {
    let mut ds = Dataset::default();
    let ids: std::collections::BTreeSet<&str> = rows.iter().map(|r| &*r.school_id).collect();
    ds.set_schools(ids.into_iter().map(|sid| SchoolRow {
        school_id: sid.to_string(),
        login: sid.to_string(),
        settlement: Some("город"),
        kind: Some(crate::model::Kind::Regular),
        ..Default::default()
    }));
    ds.set_results(&rows);
    ds
}

fn school<'a>(s: &'a Selection, login: &str) -> &'a SchoolResult {
    s.schools.iter().find(|x| x.login == login).unwrap()
}

#[test]
fn risk_threshold_is_inclusive_at_exactly_30_percent() {
    let ds = dataset(vec![
        row(2025, "edu000001", "математика", 10, 3),
        row(2025, "edu000001", "русский язык", 10, 3),
        row(2025, "edu000002", "математика", 100, 29),
        row(2025, "edu000002", "русский язык", 100, 30),
    ]);
    let s = run(&ds, &Config::default(), 2025).unwrap();
    assert!(school(&s, "edu000001").candidate);
    assert!(
        !school(&s, "edu000002").candidate,
        "only one procedure reaches 30 %"
    );
}

#[test]
fn rule_b_needs_the_same_procedure_in_both_years() {
    let ds = dataset(vec![
        row(2024, "edu000001", "математика", 10, 3),
        row(2025, "edu000001", "математика", 10, 4),
        row(2024, "edu000002", "русский язык", 10, 5),
        row(2025, "edu000002", "математика", 10, 5),
    ]);
    let mut cfg = Config::default();
    let s = run(&ds, &cfg, 2025).unwrap();
    assert!(school(&s, "edu000001").candidate);
    assert!(!school(&s, "edu000002").candidate);
    cfg.stage1.combine = crate::config::Combine::All;
    let s = run(&ds, &cfg, 2025).unwrap();
    assert!(
        !school(&s, "edu000001").candidate,
        "all = A and B; A needs two procedures"
    );
}

#[test]
fn exactly_min_participants_counts() {
    let ds = dataset(vec![
        row(2025, "edu000001", "математика", 5, 2),
        row(2025, "edu000001", "русский язык", 5, 2),
        row(2025, "edu000002", "математика", 4, 2),
        row(2025, "edu000002", "русский язык", 4, 2),
    ]);
    let s = run(&ds, &Config::default(), 2025).unwrap();
    assert!(school(&s, "edu000001").candidate);
    let small = school(&s, "edu000002");
    assert!(!small.candidate);
    assert_eq!(small.excluded_reason, Some(ExclusionReason::TooSmall));
}

#[test]
fn min_total_participants_excludes_at_stage_2() {
    let ds = dataset(vec![
        row(2025, "edu000001", "математика", 5, 2),
        row(2025, "edu000001", "русский язык", 4, 2),
        row(2024, "edu000001", "математика", 5, 2),
    ]);
    let mut cfg = Config::default();
    cfg.stage2.min_total_participants = 15;
    let s = run(&ds, &cfg, 2025).unwrap();
    let x = school(&s, "edu000001");
    assert!(x.candidate, "rule B fired");
    assert_eq!(x.excluded_reason, Some(ExclusionReason::TooFewResults));
    cfg.stage2.min_total_participants = 14;
    let s = run(&ds, &cfg, 2025).unwrap();
    assert_eq!(
        school(&s, "edu000001").stage_reached,
        3,
        "exactly 14 participants over the window is enough"
    );
}

#[test]
fn bottom_rule_keeps_every_school_tied_at_the_cut() {
    // 20 schools, bottom 10 % → rank 2; schools 2 and 3 tie at 40 %
    let mut rows = Vec::new();
    let shares = [
        50, 40, 40, 30, 20, 10, 10, 10, 10, 10, 5, 5, 5, 5, 5, 1, 1, 1, 1, 0,
    ];
    for (i, s) in shares.iter().enumerate() {
        for y in [2024, 2025] {
            rows.push(row(y, &format!("edu{:06}", i + 1), "математика", 100, *s));
        }
    }
    let ds = dataset(rows);
    let mut cfg = Config::default();
    cfg.stage1.rule = crate::config::Stage1Rule::Bottom;
    let s = run(&ds, &cfg, 2025).unwrap();
    let cands: Vec<&str> = s
        .schools
        .iter()
        .filter(|x| x.candidate)
        .map(|x| x.login.as_str())
        .collect();
    assert_eq!(cands, vec!["edu000001", "edu000002", "edu000003"]);
}

#[test]
fn clusters_at_their_boundaries_and_borderline() {
    let ds = dataset(vec![
        row(2025, "edu000001", "математика", 100, 30),
        row(2025, "edu000001", "русский язык", 100, 30),
        row(2025, "edu000002", "математика", 1000, 300),
        row(2025, "edu000002", "русский язык", 1000, 300),
        row(2025, "edu000002", "окружающий мир", 4000, 0),
    ]);
    let s = run(&ds, &Config::default(), 2025).unwrap();
    let a = school(&s, "edu000001");
    assert_eq!(
        a.cluster,
        Some(Cluster::Strong),
        "exactly 30 % pooled is strong"
    );
    assert!(a.borderline, "its interval contains 30 %");
    let b = school(&s, "edu000002");
    assert_eq!(b.share2, Some(0.1));
    assert_eq!(b.cluster, Some(Cluster::Basic));
    assert!(!b.borderline, "10 % ± 0.8 p.p. is clear of 15 %");
}

#[test]
fn stage3_ranks_by_share_then_quality_then_login() {
    let mut rows = vec![
        row(2025, "edu000003", "математика", 10, 4),
        row(2025, "edu000003", "русский язык", 10, 4),
        row(2025, "edu000002", "математика", 10, 4),
        row(2025, "edu000002", "русский язык", 10, 4),
        row(2025, "edu000001", "математика", 10, 4),
        row(2025, "edu000001", "русский язык", 10, 4),
    ];
    // school 3 has better quality: ranks after school 1 and 2; 1 before 2 by login
    rows[0].n4 = 6.into();
    rows[0].n3 = 0.into();
    let s = run(&dataset(rows), &Config::default(), 2025).unwrap();
    let rank = |l: &str| school(&s, l).rank_in_group.unwrap();
    assert_eq!(
        (rank("edu000001"), rank("edu000002"), rank("edu000003")),
        (1, 2, 3)
    );
    assert!(school(&s, "edu000001").selected);
    assert!(!school(&s, "edu000002").selected);
}

#[test]
fn runs_without_ledgers_select_the_same_schools() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/region");
    let l = crate::input::load_paths(&[dir], &Default::default()).unwrap();
    let cfg = Config::default();
    let year = resolve_year(&l.data, &cfg, None).unwrap();
    let with = run(&l.data, &cfg, year).unwrap();
    let ctx = Context::new(&l.data, &cfg, year).unwrap().without_ledgers();
    let without = run_with(&l.data, &cfg, year, &ctx).unwrap();
    let outcome = |s: &Selection| -> Vec<_> {
        s.schools
            .iter()
            .map(|x| {
                let mut x = x.clone();
                x.ledger = Default::default();
                x
            })
            .collect()
    };
    assert!(with.schools.iter().filter(|x| x.selected).count() > 5);
    assert!(with.schools.iter().all(|x| !x.ledger.0.is_empty()));
    assert_eq!(outcome(&with), outcome(&without));
    assert_eq!(with.warnings.summary(), without.warnings.summary());
}

/// The selected schools' ledgers added after one run without ledgers are those of a run that
/// keeps them (`Context::with_ledgers_of`), every other result equal too.
#[test]
fn the_selected_schools_ledgers_added_after_equal_a_run_with_them() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/region");
    let l = crate::input::load_paths(&[dir], &Default::default()).unwrap();
    let cfg = Config::default();
    let year = resolve_year(&l.data, &cfg, None).unwrap();
    let ctx = Context::for_selection(&l.data, &cfg, year)
        .unwrap()
        .without_ledgers();
    let after = run_with_selected_ledgers(&l.data, &cfg, year, &ctx).unwrap();
    let selected: Vec<&SchoolResult> = after.schools.iter().filter(|x| x.selected).collect();
    assert!(selected.len() > 5);
    assert!(selected
        .iter()
        .all(|x| x.ledger.0.iter().any(|e| e.stage == 1)));
    let logins = selected.iter().map(|x| x.login.clone()).collect();
    let with = run_with(&l.data, &cfg, year, &ctx.with_ledgers_of(logins)).unwrap();
    assert_eq!(after.schools, with.schools);
    assert_eq!(after.warnings.summary(), with.warnings.summary());
}

#[test]
fn one_thread_or_four_give_the_same_selection() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data-samples/region");
    let l = crate::input::load_paths(&[dir], &Default::default()).unwrap();
    let cfg = Config::default();
    let year = resolve_year(&l.data, &cfg, None).unwrap();
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let s = pool.install(|| run(&l.data, &cfg, year).unwrap());
        serde_json::to_string(&s).unwrap()
    };
    let one = on(1);
    assert!(one.contains("\"ledger\""));
    assert_eq!(one, on(4));
}

#[test]
fn the_window_reported_is_the_years_with_marks_and_a_missing_year_is_a_counted_warning() {
    let mut rows = vec![
        row(2025, "edu000001", "математика", 10, 3),
        row(2025, "edu000001", "русский язык", 10, 3),
    ];
    let s = run(&dataset(rows.clone()), &Config::default(), 2025).unwrap();
    assert_eq!(s.window, [2025]);
    let w = &s.warnings.0[&WarningCode::WindowWithoutMarks];
    assert_eq!((w.count, w.examples.clone()), (1, vec!["2024".to_string()]));
    // both years with marks: the configured window, no warning
    rows.push(row(2024, "edu000001", "математика", 10, 1));
    let s = run(&dataset(rows), &Config::default(), 2025).unwrap();
    assert_eq!(s.window, [2024, 2025]);
    assert!(!s.warnings.0.contains_key(&WarningCode::WindowWithoutMarks));
}

#[test]
fn a_window_without_any_marks_is_a_data_error_naming_the_procedures() {
    let mut a = row(2025, "edu000001", "химия", 10, 0);
    a.grade = 11;
    a.n2 = crate::model::OptCount::NONE;
    let mut b = row(2025, "edu000002", "математика", 10, 0);
    b.n2 = crate::model::OptCount::NONE;
    let e = run(&dataset(vec![a, b]), &Config::default(), 2025).unwrap_err();
    assert_eq!(crate::error::exit_code(&e), crate::error::EXIT_DATA);
    let text = e.to_string();
    for want in [
        "2024–2025",
        "ВПР математика 4 кл. 2025, ВПР химия 11 кл. 2025",
        "shnor scales",
        "--scales",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
}

#[test]
fn rows_without_marks_are_warned_with_their_procedures_as_examples() {
    let mut a = row(2025, "edu000001", "химия", 10, 0);
    a.n2 = crate::model::OptCount::NONE;
    let ds = dataset(vec![
        a,
        row(2025, "edu000001", "математика", 10, 3),
        row(2025, "edu000001", "русский язык", 10, 3),
    ]);
    let s = run(&ds, &Config::default(), 2025).unwrap();
    let w = &s.warnings.0[&WarningCode::NoShareBelowMin];
    assert_eq!(
        (w.count, w.examples.clone()),
        (1, vec!["ВПР химия 4 кл.".to_string()])
    );
}
