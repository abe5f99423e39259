//! Tests of a long risk CSV's rows made by column operations (`typed::profiles`) against the
//! text way.
use crate::input::Opts;

/// A plain long risk CSV whose every record decodes — years out of order, schools in decreasing
/// order within each year, a `sch` login that is an `edu` school's id, schools without every
/// factor — loads as the same file with a quote in its header (read the text way): the same
/// frame, rows, schools and warnings; so do the two with an exact repeat or a second, different
/// level at the end (strict and lenient).
#[test]
fn a_plain_risk_csv_reads_alike_by_columns_and_as_text() {
    let levels = ["низкий", "средний", "высокий"];
    let mut body = String::new();
    let mut records = 0;
    for year in [2025, 2021, 2023] {
        for s in (0..40usize).rev() {
            let login = match (s, year) {
                (7, 2021) => "sch990007".to_string(),
                _ => format!("edu99{s:04}"),
            };
            for (i, f) in crate::model::RISK_FACTORS.iter().enumerate().skip(s % 3) {
                body += &format!("{login},{year},{f},{}\n", levels[(s + i) % 3]);
                records += 1;
            }
        }
    }
    let load_as = crate::input::tests_risk::load_risk_text;
    let lenient = Opts {
        lenient: true,
        ..Default::default()
    };
    let f0 = crate::model::RISK_FACTORS[0];
    let tails = [
        String::new(),
        format!("edu990039,2025,{f0},низкий\n"),
        format!("edu990039,2025,{f0},высокий\n"),
    ];
    for tail in &tails {
        for opts in [&Opts::default(), &lenient] {
            let plain = format!("Логин,Год,Фактор риска,Уровень\n{body}{tail}");
            let quoted = plain.replacen("Логин", "\"Логин\"", 1);
            match (load_as(&plain, opts), load_as(&quoted, opts)) {
                (Ok((a, wa)), Ok((b, wb))) => {
                    assert!(a.data.risk.equals(&b.data.risk), "{tail}");
                    let (ra, rb) = (&a.reports[0], &b.reports[0]);
                    assert_eq!((ra.rows, ra.schools), (rb.rows, rb.schools), "{tail}");
                    assert_eq!(ra.encoding, rb.encoding);
                    assert_eq!(wa, wb);
                    if tail.is_empty() {
                        assert_eq!((a.data.risk.height(), ra.schools), (records, 40));
                    }
                }
                (Err(a), Err(b)) => assert_eq!(a, b),
                (a, b) => panic!("{tail}: {:?} / {:?}", a.map(|x| x.1), b.map(|x| x.1)),
            }
        }
    }
}
