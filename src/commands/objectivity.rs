//! `shnor objectivity`: the objectivity screen of ВПР relative to the region.
use super::{inputs_json, DataArgs};
use crate::method::objectivity;
use crate::output::{num, pct, Format, Table};
use anyhow::Result;
use serde_json::json;

/// Objectivity screen of ВПР: journal comparison and the boundary peak, relative to the region.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
}

/// Print the regional figures per procedure and each school-year's flags (CSV: the flags only).
pub fn run(a: &Args) -> Result<()> {
    let (cfg, loaded) = a.data.load()?;
    let s = objectivity::screen(&crate::model::frames::build(&loaded.data)?, &cfg)?;
    let mut reg = Table::new(&[
        "Регион",
        "Год",
        "Процедура",
        "Уч. с отметкой журнала",
        "Повысили (регион), %",
        "Понизили (регион), %",
        "Отношение у границы «3»",
        "Школ проверено",
    ]);
    reg.title = Some("Региональные показатели по процедурам".into());
    for r in &s.regions {
        reg.rows.push(vec![
            r.region.clone(),
            r.year.to_string(),
            r.procedure.clone(),
            r.journal_pupils.to_string(),
            r.raised_rate.map(|v| pct(v, 1)).unwrap_or_default(),
            r.lowered_rate.map(|v| pct(v, 1)).unwrap_or_default(),
            match (r.boundary_ratio, r.at_min3, r.below_min3) {
                (Some(x), Some(a), Some(b)) => format!("{} ({a} / {b})", num(x, 2)),
                _ => String::new(),
            },
            format!(
                "журнал {}, гистограмма {}",
                r.schools_checked_journal, r.schools_checked_boundary
            ),
        ]);
    }
    let mut t = Table::new(&[
        "Логин",
        "Год",
        "Признак",
        "Процедура",
        "Числа",
        "Сомнение в ВПР",
    ]);
    t.title = Some(format!(
        "Признаки необъективности: {} школо-лет с сомнением",
        s.counts["flagged_school_years"]
    ));
    for sy in &s.schools {
        for f in &sy.flags {
            t.rows.push(vec![
                sy.login.clone(),
                sy.year.to_string(),
                f.marker.clone(),
                f.procedure.clone(),
                f.numbers.to_string(),
                if f.doubtful {
                    "да".into()
                } else {
                    "нет (завышены отметки школы)".into()
                },
            ]);
        }
    }
    if !s.warnings.is_empty() {
        t.notes
            .push(format!("Предупреждения: {}", s.warnings.summary()));
    }
    let json = json!({
        "config": cfg.to_json(),
        "inputs": inputs_json(&loaded),
        "summary": {"counts": s.counts, "official_years": s.official_years, "regions": s.regions, "warnings": s.warnings},
        "schools": s.schools,
    });
    let tables = if a.data.format() == Format::Csv {
        vec![t]
    } else {
        vec![reg, t]
    };
    a.data.output.write(&tables, &json)
}
