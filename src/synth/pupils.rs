//! Per-pupil xlsx files in the real 2021 ФИС ОКО layout.
use super::{cohort, draw_total, login, mu_for, school_share2, Role, School, MUNICIPALITIES};
use crate::input::scales::Scale;
use anyhow::Result;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};
use std::path::Path;

/// Write `path`: one sheet «Sheet» in the real 2021 ФИС ОКО per-pupil layout ([`header`]), a row a
/// pupil of every school of `schools` in `year` (`first_year` the first year synthesised), with
/// totals drawn on `scale`; `plant_invalid` puts one total above the scale's maximum (the first
/// pupil present). Written atomically (a temporary file renamed).
///
/// Errors: the workbook cannot be written.
#[allow(clippy::too_many_arguments)]
pub(super) fn write_pupils(
    schools: &[School],
    (year, first_year): (i32, i32),
    grade: i32,
    subject: &str,
    scale: &Scale,
    rng: &mut ChaCha8Rng,
    path: &Path,
    plant_invalid: bool,
) -> Result<()> {
    let mut wb = Workbook::new();
    let props =
        DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(year as u16, 4, 20)?);
    wb.set_properties(&props);
    let ws = wb.add_worksheet();
    ws.set_name("Sheet")?;
    // two points an item, enough items for the maximum (an odd maximum leaves one point spare):
    // every total up to the maximum is the sum of its items
    let items = ((scale.max_score + 1) / 2) as usize;
    let head = header(items);
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, h)?;
    }
    let textbook = format!("Учебник по предмету «{subject}»");
    let mut row = 1u32;
    let mut planted = false;
    for s in schools {
        // moderate and basic schools fail grade 4 and mathematics (about a quarter of a full ВПР
        // folder's procedures), elsewhere their shares keep their pooled share in their cluster
        // (fresh-eyes run 13: with every procedure per pupil, `--vpr-folder` and `--all-per-pupil`
        // planted them failing everywhere, strongly failing)
        let fails = grade == 4 || subject == "математика";
        let share2 = school_share2(s, year, first_year, fails, rng);
        let mu = mu_for(share2, scale);
        let n = cohort(s, rng);
        for p in 0..n {
            let absent = rng.random_bool(0.04);
            let total = pupil_total(s, mu, scale, rng);
            let journal = journal_mark(s, scale.mark(total) as i32, rng);
            let mut cells = pupil_cells(s, year, grade, p, journal, rng);
            if absent {
                cells.push("отсутствовал".into());
                cells.push(String::new());
            } else {
                cells.push(if rng.random_bool(0.5) { "1" } else { "2" }.into());
                let shown = if plant_invalid && !planted {
                    planted = true;
                    scale.max_score + 5
                } else {
                    total
                };
                cells.push(shown.to_string());
                cells.extend(item_scores(total, items));
            }
            for (c, v) in cells.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(row, c as u16, v)?;
                }
            }
            ws.write_string(row, head.len() as u16 - 1, &textbook)?;
            row += 1;
        }
    }
    let tmp = path.with_extension("xlsx.tmp");
    wb.save(&tmp)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// The header row of the real 2021 per-pupil export: login, region, pupil number and code,
/// journal mark, sex, class, variant, total, `items` item scores («балл за N») and a trailing
/// text column («Учебник»).
fn header(items: usize) -> Vec<String> {
    let mut head: Vec<String> = [
        "логин школы",
        "регион",
        "номер обучающегося",
        "код обучающегося",
        "отметка за предыдущую четверть/триместр",
        "пол",
        "класс",
        "вариант",
        "всего баллов",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for i in 1..=items {
        head.push(format!("балл за {i}"));
    }
    head.push("Учебник".into());
    head
}

/// A pupil's total drawn around `mu` on `scale` (`draw_total`); at a school that inflates its
/// results a total one to three points below the «3» threshold is lifted to it.
fn pupil_total(s: &School, mu: f64, scale: &Scale, rng: &mut ChaCha8Rng) -> i32 {
    let total = draw_total(rng, mu, scale);
    if s.role == Role::Inflated
        && (total == scale.min3 - 1 || total == scale.min3 - 2 || total == scale.min3 - 3)
    {
        scale.min3
    } else {
        total
    }
}

/// A pupil's journal mark beside the `mark` of the work: at a school that inflates its results
/// one lower (not below 2) for 45 % of pupils, elsewhere one lower for 7 % and one higher (not
/// above 5) for 18 %.
fn journal_mark(s: &School, mark: i32, rng: &mut ChaCha8Rng) -> i32 {
    if s.role == Role::Inflated {
        if rng.random_bool(0.45) {
            (mark - 1).max(2)
        } else {
            mark
        }
    } else {
        let r: f64 = rng.random();
        if r < 0.07 {
            (mark - 1).max(2)
        } else if r < 0.25 {
            (mark + 1).min(5)
        } else {
            mark
        }
    }
}

/// The cells of pupil `p` (0-based) of school `s` up to the class: login, region, number, code,
/// journal mark (2 % «нет отметки»), sex, class «А».
fn pupil_cells(
    s: &School,
    year: i32,
    grade: i32,
    p: usize,
    journal: i32,
    rng: &mut ChaCha8Rng,
) -> Vec<String> {
    vec![
        login(s, year),
        MUNICIPALITIES[s.municipality].to_string(),
        (p + 1).to_string(),
        format!("{}{:04}", grade, p + 1),
        if rng.random_bool(0.02) {
            "нет отметки".into()
        } else {
            journal.to_string()
        },
        if rng.random_bool(0.5) {
            "м".into()
        } else {
            "ж".into()
        },
        "А".into(),
    ]
}

/// `items` item scores that add up to `total`: two points each while they last, then zeros.
fn item_scores(total: i32, items: usize) -> impl Iterator<Item = String> {
    let mut left = total;
    (0..items).map(move |_| {
        let x = left.min(2);
        left -= x;
        x.to_string()
    })
}
