//! Per-pupil xlsx files in the real 2021 ФИС ОКО layout.
use super::{cohort, draw_total, login, mu_for, school_share2, Role, School, MUNICIPALITIES};
use crate::input::scales::Scale;
use anyhow::Result;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};
use std::path::Path;

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
    for (c, h) in head.iter().enumerate() {
        ws.write_string(0, c as u16, h)?;
    }
    let mut row = 1u32;
    let mut planted = false;
    for s in schools {
        let share2 = school_share2(s, year, first_year, true, rng);
        let mu = mu_for(share2, scale);
        let n = cohort(s, rng);
        for p in 0..n {
            let absent = rng.random_bool(0.04);
            let mut total = draw_total(rng, mu, scale);
            if s.role == Role::Inflated
                && (total == scale.min3 - 1 || total == scale.min3 - 2 || total == scale.min3 - 3)
            {
                total = scale.min3;
            }
            let mark = scale.mark(total) as i32;
            let journal = if s.role == Role::Inflated {
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
            };
            let cells: Vec<String> = {
                let mut v = vec![
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
                ];
                if absent {
                    v.push("отсутствовал".into());
                    v.push(String::new());
                } else {
                    v.push(if rng.random_bool(0.5) {
                        "1".into()
                    } else {
                        "2".into()
                    });
                    let t = if plant_invalid && !planted {
                        planted = true;
                        scale.max_score + 5
                    } else {
                        total
                    };
                    v.push(t.to_string());
                    let mut left = total;
                    for _ in 0..items {
                        let x = left.min(2);
                        v.push(x.to_string());
                        left -= x;
                    }
                }
                v
            };
            for (c, v) in cells.iter().enumerate() {
                if !v.is_empty() {
                    ws.write_string(row, c as u16, v)?;
                }
            }
            ws.write_string(
                row,
                head.len() as u16 - 1,
                format!("Учебник по предмету «{subject}»"),
            )?;
            row += 1;
        }
    }
    let tmp = path.with_extension("xlsx.tmp");
    wb.save(&tmp)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}
