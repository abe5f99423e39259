//! The model's row order: result rows by year, school, then the procedure (grade before subject),
//! with source file and line making it total; repeated keys dropped or reported; risk-profile rows
//! by school, year and factor. Plain std sorts (stable), skipped when the rows are already in order.
use super::{Dataset, ResultRow, RiskRow};
use crate::error::data;
use crate::input::report::Warnings;
use crate::input::Opts;
use anyhow::Result;
use std::cmp::Ordering;

/// The model's order of result rows: year, school, assessment, grade, subject, source, line.
fn order(a: &ResultRow, b: &ResultRow) -> Ordering {
    (a.year, &a.school_id, &a.assessment, a.grade, &a.subject)
        .cmp(&(b.year, &b.school_id, &b.assessment, b.grade, &b.subject))
        .then_with(|| (&a.source, a.line).cmp(&(&b.source, b.line)))
}

/// The distinct municipality names the result rows carry.
pub(super) fn municipalities(results: &[ResultRow]) -> std::collections::HashSet<&str> {
    results.iter().map(|r| &*r.municipality).collect()
}

/// Each school's first row (school, municipality), in row order.
pub(super) fn firsts(results: &[ResultRow]) -> Vec<(&str, &str)> {
    let mut seen = std::collections::HashSet::new();
    results
        .iter()
        .filter(|r| seen.insert(&*r.school_id))
        .map(|r| (&*r.school_id, &*r.municipality))
        .collect()
}

/// Risk rows by school, year and the factors' canonical order (file order kept among equals).
pub fn order_risk(risk: &mut [RiskRow]) {
    let key = |r: &RiskRow| (r.school_id.clone(), r.year, r.factor);
    if !risk.is_sorted_by(|a, b| key(a) <= key(b)) {
        risk.sort_by(|a, b| {
            (&a.school_id, a.year, a.factor).cmp(&(&b.school_id, b.year, b.factor))
        });
    }
}

/// Sort the results into the model's order and drop repeated keys: an exact repeat is dropped with
/// a counted warning; a second, different row for one key is a data error (a counted warning and
/// dropped with `--lenient`).
pub(super) fn dedup_results(ds: &mut Dataset, opts: &Opts, warnings: &mut Warnings) -> Result<()> {
    if !ds
        .results
        .is_sorted_by(|a, b| order(a, b) != Ordering::Greater)
    {
        ds.results.sort_by(order);
    }
    let mut conflict: Option<String> = None;
    ds.results.dedup_by(|r, last| {
        if last.key() != r.key() || conflict.is_some() {
            return false;
        }
        if last.same_values(r) {
            warnings.add(
                "exact repeated result row dropped",
                format!("{} {} {} {} {} кл.", r.year, r.school_id, r.assessment, r.subject, r.grade),
            );
            return true;
        }
        let msg = format!(
            "{}, row {}: a second, different row for school {} and procedure {} {} {} кл. {} (first in {}, row {}): participants {} vs {}, «2» {} vs {}",
            r.source, r.line, r.school_id, r.assessment, r.subject, r.grade, r.year, last.source, last.line,
            last.participants, r.participants, shown(last.n2.get()), shown(r.n2.get())
        );
        if opts.lenient {
            warnings.add("conflicting duplicate row skipped (--lenient)", msg);
            true
        } else {
            conflict = Some(msg);
            false
        }
    });
    match conflict {
        Some(msg) => Err(data(msg)),
        None => Ok(()),
    }
}

/// A count as a user reads it: the number, or «—» when the source gives none.
fn shown(v: Option<i32>) -> String {
    v.map_or_else(|| "—".into(), |x| x.to_string())
}

#[cfg(test)]
mod tests {
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
        let mut ds = Dataset {
            results: rows,
            ..Default::default()
        };
        let mut w = Warnings::default();
        dedup_results(&mut ds, &Opts::default(), &mut w).unwrap();
        let got: Vec<(i32, &str, i32, &str)> = ds
            .results
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
        assert_eq!(w.0["exact repeated result row dropped"].count, 1);
        let f: Vec<&str> = firsts(&ds.results).into_iter().map(|f| f.0).collect();
        assert_eq!(f, ["edu000001", "edu000002"]);
        // a second, different row for one key is an error naming both rows
        ds.results.push(ResultRow {
            line: 99,
            ..ResultRow::for_test(2025, "edu000002", "русский язык", 10, 2)
        });
        let e = dedup_results(&mut ds, &Opts::default(), &mut w).unwrap_err();
        assert!(e.to_string().contains("edu000002"), "{e}");
        // the counts read as numbers, not as Rust's debug text
        assert!(!e.to_string().contains("Some("), "{e}");
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
        order_risk(&mut rows);
        let keys: Vec<(String, i32, u8)> = rows
            .iter()
            .map(|r| (r.school_id.to_string(), r.year, r.factor))
            .collect();
        assert!(keys.is_sorted());
        assert_eq!(keys[0], ("edu110001".to_string(), 2024, 7));
    }
}
