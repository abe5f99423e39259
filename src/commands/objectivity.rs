//! `shnor objectivity`: the objectivity screen of ВПР relative to the region.
use super::{inputs_json, DataArgs};
use crate::method::objectivity;
use crate::output::{num, Cell, Format, Table};
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
    let (reg, t) = tables(&s);
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

/// The regional figures per procedure, and one row per flag of a school-year.
pub fn tables(s: &objectivity::Screen) -> (Table, Table) {
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
        let human = match (r.boundary_ratio, r.at_min3, r.below_min3) {
            (Some(x), Some(a), Some(b)) => format!("{} ({a} / {b})", num(x, 2)),
            _ => String::new(),
        };
        let both = r.boundary_ratio.and(r.at_min3).and(r.below_min3).is_some();
        let checked = format!(
            "журнал {}, гистограмма {}",
            r.schools_checked_journal, r.schools_checked_boundary
        );
        reg.rows.push(vec![
            r.region.clone().into(),
            Cell::int(r.year),
            r.procedure.clone().into(),
            Cell::int(r.journal_pupils),
            Cell::share(r.raised_rate, 1),
            Cell::share(r.lowered_rate, 1),
            Cell::Parts(
                vec![
                    ("", Cell::num(r.boundary_ratio.filter(|_| both), 2)),
                    (": на «3»", Cell::opt_int(r.at_min3.filter(|_| both))),
                    (": ниже «3»", Cell::opt_int(r.below_min3.filter(|_| both))),
                ],
                human,
            ),
            Cell::Parts(
                vec![
                    (": журнал", Cell::int(r.schools_checked_journal)),
                    (": гистограмма", Cell::int(r.schools_checked_boundary)),
                ],
                checked,
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
                sy.login.clone().into(),
                Cell::int(sy.year),
                f.marker.clone().into(),
                f.procedure.clone().into(),
                f.numbers.to_string().into(),
                if f.doubtful {
                    "да"
                } else {
                    "нет (завышены отметки школы)"
                }
                .into(),
            ]);
        }
    }
    if !s.warnings.is_empty() {
        t.notes
            .push(format!("Предупреждения: {}", s.warnings.summary()));
    }
    (reg, t)
}
