use super::*;
use crate::model::{Dataset, SchoolRow};

fn ds(rows: &[(&str, &[(&'static str, f64)])]) -> Dataset {
    let mut d = Dataset::default();
    let schools: std::collections::BTreeMap<&str, SchoolRow> = rows
        .iter()
        .map(|(login, ind)| {
            let row = SchoolRow {
                school_id: login.to_string(),
                login: login.to_string(),
                indicators: ind.iter().copied().collect(),
                ..Default::default()
            };
            (*login, row)
        })
        .collect();
    d.set_schools(schools.into_values());
    d
}

#[test]
fn zscore_index_by_hand() {
    // two indicators, population z: parents (+) 0.2/0.4/0.6 → −1.2247/0/1.2247; low_income (−) 0.3/0.2/0.1 → same oriented
    let d = ds(&[
        (
            "edu000001",
            &[("parents_higher_ed", 0.2), ("low_income", 0.3)],
        ),
        (
            "edu000002",
            &[("parents_higher_ed", 0.4), ("low_income", 0.2)],
        ),
        (
            "edu000003",
            &[("parents_higher_ed", 0.6), ("low_income", 0.1)],
        ),
    ]);
    let r = compute(
        &crate::model::frames::build(&d).unwrap(),
        &Config::default(),
    )
    .unwrap();
    let z = 1.5f64.sqrt();
    assert!((r.get("edu000001").unwrap().index.unwrap() + z).abs() < 1e-6);
    assert!((r.get("edu000003").unwrap().index.unwrap() - z).abs() < 1e-6);
    assert_eq!(r.get("edu000001").unwrap().index_group, Some(1));
    assert_eq!(r.get("edu000001").unwrap().shnsu, Some(true));
    assert_eq!(r.get("edu000003").unwrap().index_group, Some(5));
    assert_eq!(
        r.dropped.len(),
        6,
        "six configured indicators absent from every row"
    );
    // the example said «at_risk_register: нет ни у одной школы»: a config key for people
    let s = r.warnings.summary();
    assert!(
        s.contains("«на профилактическом учёте»: нет ни у одной школы"),
        "{s}"
    );
    assert!(!s.contains("at_risk_register"), "{s}");
}

#[test]
fn coverage_rule_and_zero_variance() {
    let d = ds(&[
        (
            "edu000001",
            &[
                ("parents_higher_ed", 0.2),
                ("low_income", 0.3),
                ("single_parent", 0.1),
                ("ovz_share", 0.05),
            ],
        ),
        (
            "edu000002",
            &[
                ("parents_higher_ed", 0.4),
                ("low_income", 0.2),
                ("single_parent", 0.2),
                ("ovz_share", 0.05),
            ],
        ),
        (
            "edu000003",
            &[
                ("parents_higher_ed", 0.6),
                ("single_parent", 0.3),
                ("ovz_share", 0.05),
            ],
        ),
        ("edu000004", &[("parents_higher_ed", 0.5)]),
    ]);
    let r = compute(
        &crate::model::frames::build(&d).unwrap(),
        &Config::default(),
    )
    .unwrap();
    assert_eq!(
        r.dropped.get("ovz_share").map(|s| s.as_str()),
        Some("zero variance")
    );
    // 3 indicators present: school 3 has 2 of 3 (0.67 < 0.75) → no index; school 4 has 1 of 3
    assert!(r.get("edu000003").unwrap().index.is_none());
    assert!(r.get("edu000004").unwrap().missing_reason.is_some());
    assert!(r.get("edu000002").unwrap().index.is_some());
}

#[test]
fn the_reason_for_no_index_names_the_lacking_and_the_carried_indicators() {
    // the 2021 context form's kind of inputs: staffing and equipment, none of the social ones
    let d = ds(&[
        (
            "edu000001",
            &[
                ("teachers_pension_share", 0.2),
                ("pupils_per_computer", 9.0),
            ],
        ),
        ("edu000002", &[("teachers_pension_share", 0.4)]),
    ]);
    let f = crate::model::frames::build(&d).unwrap();
    let cfg = Config::default();
    assert!(compute(&f, &cfg).unwrap().schools.is_empty());
    let why = missing_reason(&f, &cfg).unwrap().unwrap();
    for want in [
        "8 показателей ИСБШ",
        "оба родителя с высшим образованием",
        "малообеспеченные семьи",
        "есть другие показатели контекста: обучающихся на компьютер; учителя пенсионного возраста",
    ] {
        assert!(why.contains(want), "{want}: {why}");
    }
    // fresh-eyes #7: no config keys in the words people read
    assert!(
        !why.contains("low_income") && !why.contains("pupils_per_computer"),
        "{why}"
    );
    assert!(!why.contains("нет показателей контекста"), "{why}");
    // nothing at all: no «other» list
    let none = crate::model::frames::build(&ds(&[("edu000001", &[])])).unwrap();
    let why = missing_reason(&none, &cfg).unwrap().unwrap();
    assert!(!why.contains("есть другие"), "{why}");
    // a configured indicator present: no reason
    let d = ds(&[("edu000001", &[("low_income", 0.2)])]);
    let f = crate::model::frames::build(&d).unwrap();
    assert_eq!(missing_reason(&f, &cfg).unwrap(), None);
}
