//! Unit tests of `method::compare` (figures, tests per municipality, procedure specs).
use super::*;

fn school(sid: &str, municipality: &str) -> crate::model::SchoolRow {
    crate::model::SchoolRow {
        school_id: sid.into(),
        login: sid.into(),
        municipality: municipality.into(),
        ..Default::default()
    }
}

#[test]
fn municipalities_beside_the_region_they_sum_to() {
    let mut ds = Dataset::default();
    let (mut rows, mut schools) = (Vec::new(), Vec::new());
    for (sid, mun, n, n2) in [
        ("edu220001", "Алейск", 40, 10),
        ("edu220002", "Алейск", 60, 20),
        ("edu220003", "Бийск", 100, 5),
        ("edu220004", "", 50, 5),
        ("edu990001", "Бийск", 10, 1),
    ] {
        rows.push(crate::model::ResultRow::for_test(
            2024,
            sid,
            "математика",
            n,
            n2,
        ));
        schools.push(school(sid, mun));
    }
    ds.set_schools(schools);
    ds.set_results(&rows);
    let f = crate::model::frames::build(&ds).unwrap();
    let specs = default_specs(&f, &[2024]).unwrap();
    assert_eq!(specs, [ProcSpec::parse("ВПР:математика:4").unwrap()]);
    assert!(default_specs(&f, &[2023]).unwrap().is_empty());
    let b = compare(&f, &specs, &[2024]).unwrap();
    assert_eq!(b.len(), 2, "one block per region");
    assert_eq!(
        (b[0].region_code.as_str(), b[1].region_code.as_str()),
        ("22", "99")
    );
    let r = &b[0].region;
    assert_eq!((r.participants, r.below, r.below_n), (250, 40, 250));
    assert_eq!(r.share2, Some(0.16));
    let m: Vec<(&str, i64, i64)> = b[0]
        .municipalities
        .iter()
        .map(|m| {
            (
                m.municipality.as_str(),
                m.figures.participants,
                m.figures.below,
            )
        })
        .collect();
    // keys: the empty name's key sorts first
    assert_eq!(
        m,
        [
            ("(муниципалитет не указан)", 50, 5),
            ("Алейск", 100, 30),
            ("Бийск", 100, 5)
        ]
    );
    // Алейск 30/100 against the rest 10/150: worse than the region
    let a = &b[0].municipalities[1];
    assert!(a.worse && a.share2_diff_pp == Some(14.0));
    assert_eq!(
        a.share2_p,
        two_prop_p(30, 100, 10, 150).map(crate::output::r6_p)
    );
}

#[test]
fn procedure_spec() {
    let s = ProcSpec::parse("огэ:Математика:9").unwrap();
    assert_eq!(s.label(), "ОГЭ математика 9 кл.");
    assert!(ProcSpec::parse("ГИА:математика").is_err());
}
