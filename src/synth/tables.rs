//! The per-school results tables: the flat ВПР marks table (counts at national scale, or
//! percents as a region re-saves it) and the ОГЭ математика tables.
use super::{cohort, draw_total, login, mu_for, school_share2, Role, School, Spec};
use super::{FLAT_PROCS, GENERIC_SCALE, MUNICIPALITIES, NATIONAL_PROCS};
use crate::input::scales::Scale;
use crate::output::write_atomic;
use anyhow::Result;
use rand_chacha::ChaCha8Rng;
use std::path::Path;

/// The primary totals of one school's cohort in one procedure (its size drawn by [`cohort`]),
/// drawn so that the expected share of «2» under `scale` is `share2`.
fn draw_cohort_totals(s: &School, share2: f64, scale: &Scale, rng: &mut ChaCha8Rng) -> Vec<i32> {
    let mu = mu_for(share2, scale);
    let n = cohort(s, rng);
    (0..n).map(|_| draw_total(rng, mu, scale)).collect()
}

/// Pupils by mark: counts of «2», «3», «4», «5» among `totals` under `scale`.
fn mark_counts(totals: &[i32], scale: &Scale) -> [usize; 4] {
    let mut c = [0usize; 4];
    for &t in totals {
        c[scale.mark(t) as usize - 2] += 1;
    }
    c
}

/// The procedures of the flat marks table: every national one at national scale
/// (`--flat-only`), none when every procedure is per-pupil, else ВПР 5–6 классов.
fn flat_procedures(spec: &Spec) -> &'static [(i32, &'static str)] {
    if spec.flat_only {
        NATIONAL_PROCS
    } else if spec.all_pupils || spec.vpr_folder {
        &[]
    } else {
        FLAT_PROCS
    }
}

/// Write the flat ВПР marks table, a row per year, school and procedure: at national scale
/// `vpr_flat.csv` (UTF-8, `,`, counts of marks), else `ВПР_5-6_классы_по_школам.csv` as a region
/// re-saves it in Russian Excel (a title row, Windows-1251, `;`, percents). Its file name; none
/// when every procedure is per-pupil.
pub(super) fn write_flat_table(
    spec: &Spec,
    schools: &[School],
    years: &[i32],
    rng: &mut ChaCha8Rng,
    out: &Path,
) -> Result<Option<String>> {
    let procs = flat_procedures(spec);
    let mut flat = String::with_capacity(schools.len() * years.len() * procs.len() * 90);
    if spec.flat_only {
        flat.push_str("Год,Класс,Предмет,Муниципалитет,Логин,ОО,Кол-во участников,2,3,4,5\n");
    } else {
        flat.push_str("Результаты ВПР по школам (проценты)\n");
        flat.push_str("Год;Класс;Предмет;Муниципалитет;Логин;ОО;Кол-во участников;2;3;4;5;\n");
    }
    for &y in years {
        for s in schools {
            for &(g, subj) in procs {
                // at national scale grade 4 is where moderate and basic schools fail
                let share2 = school_share2(s, y, years[0], spec.flat_only && g == 4, rng);
                let totals = draw_cohort_totals(s, share2, &GENERIC_SCALE, rng);
                let c = mark_counts(&totals, &GENERIC_SCALE);
                let row = if spec.flat_only {
                    counts_row(s, (y, g, subj), c)
                } else {
                    percents_row(s, (y, g, subj), c)
                };
                flat.push_str(&row);
            }
        }
    }
    if spec.flat_only {
        write_atomic(&out.join("vpr_flat.csv"), flat.as_bytes())?;
        Ok(Some("vpr_flat.csv".into()))
    } else if !procs.is_empty() {
        let name = "ВПР_5-6_классы_по_школам.csv";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&flat);
        write_atomic(&out.join(name), &bytes)?;
        Ok(Some(name.into()))
    } else {
        Ok(None)
    }
}

/// A school's name as a quoted CSV cell.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// One row of the national flat table: year, grade, subject, municipality, login, name,
/// participants and the counts of «2» … «5» (`,`-separated).
fn counts_row(s: &School, (y, g, subj): (i32, i32, &str), c: [usize; 4]) -> String {
    let n: usize = c.iter().sum();
    let mun = MUNICIPALITIES[s.municipality];
    let (login, name) = (login(s, y), quoted(&s.name));
    let [c2, c3, c4, c5] = c;
    format!("{y},{g},{subj},{mun},{login},{name},{n},{c2},{c3},{c4},{c5}\n")
}

/// One row of a region's re-saved table (`;`-separated, a trailing `;`): the shares of «2» …
/// «5» as percents to 0,1 with a decimal comma, as Russian Excel shows them, rounded so that
/// they sum to 100 and none is negative ([`tenths_of_percent`]).
fn percents_row(s: &School, (y, g, subj): (i32, i32, &str), c: [usize; 4]) -> String {
    let n: usize = c.iter().sum();
    let t = tenths_of_percent(c);
    let f = |x: usize| format!("{},{}", x / 10, x % 10);
    let mun = MUNICIPALITIES[s.municipality];
    let (login, name) = (login(s, y), quoted(&s.name));
    let (p2, p3, p4, p5) = (f(t[0]), f(t[1]), f(t[2]), f(t[3]));
    format!("{y};{g};{subj};{mun};{login};{name};{n};{p2};{p3};{p4};{p5};\n")
}

/// Counts of marks «2» … «5» as shares in tenths of a percent summing to exactly 1000, by the
/// largest-remainder method: each share is floored, and the tenths left over go to the largest
/// remainders (ties to the lower mark). Every share is ≥ 0, unlike closing the sum with the last one.
/// `c` must not be all zeros.
fn tenths_of_percent(c: [usize; 4]) -> [usize; 4] {
    let n: usize = c.iter().sum();
    let mut t = c.map(|x| x * 1000 / n);
    let left = 1000 - t.iter().sum::<usize>();
    let mut order = [0, 1, 2, 3];
    order.sort_by_key(|&i| std::cmp::Reverse(c[i] * 1000 % n));
    for &i in order.iter().take(left) {
        t[i] += 1;
    }
    t
}

/// Write the ОГЭ математика per-school tables, one a year («ОГЭ математика 2023.csv»), schools
/// named by ГИА code (the registry bridges them to logins); малокомплектные and tiny schools sit
/// none. Their file names.
pub(super) fn write_oge_tables(
    schools: &[School],
    years: &[i32],
    rng: &mut ChaCha8Rng,
    out: &Path,
) -> Result<Vec<String>> {
    let mut files = Vec::new();
    for &y in years {
        let mut t = String::from("Код ОО;Наименование ОО;Количество участников;Средний балл;Доля не преодолевших минимальный порог;Доля получивших «5»\n");
        for s in schools
            .iter()
            .filter(|s| s.kind != "малокомплектная" && s.role != Role::Tiny)
        {
            let share2 = school_share2(s, y, years[0], false, rng);
            let totals = draw_cohort_totals(s, share2, &GENERIC_SCALE, rng);
            t.push_str(&oge_row(s, &totals));
        }
        let name = format!("ОГЭ математика {y}.csv");
        write_atomic(&out.join(&name), t.as_bytes())?;
        files.push(name);
    }
    Ok(files)
}

/// One school's ОГЭ row: code, name, participants, mean score (the 20-point total × 1,5), the
/// shares of «2» and of «5» in percent, decimals with a comma. Codes of logins ending in 7 keep
/// two leading zeros, as some exports write them.
fn oge_row(s: &School, totals: &[i32]) -> String {
    let n = totals.len();
    let c = mark_counts(totals, &GENERIC_SCALE);
    let sum: i32 = totals.iter().sum();
    let code = if s.digits.ends_with('7') {
        format!("00{}", s.gia_code)
    } else {
        s.gia_code.clone()
    };
    let f = |x: f64| format!("{x:.2}").replace('.', ",");
    let mean = f(sum as f64 / n as f64 * 1.5);
    let (share2, share5) = (
        f(c[0] as f64 * 100.0 / n as f64),
        f(c[3] as f64 * 100.0 / n as f64),
    );
    format!("{code};{};{n};{mean};{share2};{share5}\n", s.name)
}

#[cfg(test)]
mod tests {
    use super::tenths_of_percent;

    #[test]
    fn percents_sum_to_100_and_none_is_negative() {
        // closing the sum with the last share gave 16,7 + 16,7 + 66,7 + (-0,1) for 1, 1, 4, 0
        // and 33,3 + 33,3 + 33,3 + 0,1 for 1, 1, 1, 0 (no «5» at all)
        assert_eq!(tenths_of_percent([1, 1, 4, 0]), [167, 167, 666, 0]);
        for c in [
            [1, 1, 4, 0],
            [1, 1, 1, 0],
            [2, 2, 2, 0],
            [0, 2, 1, 0],
            [3, 3, 3, 0],
            [1, 0, 0, 0],
            [5, 7, 11, 13],
        ] {
            let t = tenths_of_percent(c);
            assert_eq!(t.iter().sum::<usize>(), 1000, "{c:?}");
            let n: usize = c.iter().sum();
            for (x, p) in c.iter().zip(t) {
                let exact = *x as f64 * 1000.0 / n as f64;
                assert!((p as f64 - exact).abs() < 1.0, "{c:?} → {t:?}");
            }
        }
        assert_eq!(tenths_of_percent([1, 1, 1, 0]), [334, 333, 333, 0]);
        assert_eq!(tenths_of_percent([0, 1, 1, 1]), [0, 334, 333, 333]);
    }
}
