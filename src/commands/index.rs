//! `shnor index`: the school social well-being index (ИСБШ), its quintile groups and ШНСУ.
use super::{inputs_json, DataArgs};
use crate::method::index;
use crate::output::{num, Cell, Table};
use anyhow::Result;
use serde_json::json;

/// School social well-being index (ИСБШ), its quintile groups and ШНСУ.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
}

/// What «Главные факторы» means, under the index table.
const FACTORS_LEGEND: &str = "Главные факторы: вклад показателя в ИСБШ (вес × z-оценка с учётом направления); «лучше среднего» (+) — условие благоприятнее среднего и поднимает ИСБШ (например, доля обучающихся с ОВЗ ниже средней), «хуже среднего» (−) — опускает его.";

/// The main factors of a school in Russian: «обучающиеся с ОВЗ: лучше среднего (+2,50); …»
/// (a positive contribution pulls the index up: the school's condition is more favourable).
fn factors(f: &[index::Factor]) -> String {
    f.iter()
        .map(|x| {
            format!(
                "{}: {} среднего ({}{})",
                crate::output::words::indicator(&x.indicator),
                if x.contribution >= 0.0 {
                    "лучше"
                } else {
                    "хуже"
                },
                if x.contribution >= 0.0 { "+" } else { "−" },
                num(x.contribution.abs(), 2)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Compute the index of every school with context indicators and print it with its main factors.
///
/// Errors: a data error (exit 1) when the inputs hold no context indicators.
pub fn run(a: &Args) -> Result<()> {
    let (cfg, loaded) = a.data.load()?;
    let frames = crate::model::frames::build(&loaded.data)?;
    let r = index::compute(&frames, &cfg)?;
    if r.schools.is_empty() {
        let why = index::missing_reason(&frames, &cfg)?.unwrap_or_default();
        return Err(crate::error::data(format!("no ИСБШ: {why}")));
    }
    let t = table(&r, &loaded.data);
    let json = json!({
        "config": cfg.to_json(),
        "inputs": inputs_json(&loaded),
        "summary": {"method": r.method, "indicators": r.indicators, "dropped": r.dropped, "edges": r.edges, "pca_loadings": r.pca_loadings,
            "schools": r.schools.len(), "with_index": r.schools.iter().filter(|s| s.index.is_some()).count(), "shnsu": r.schools.iter().filter(|s| s.shnsu == Some(true)).count(), "warnings": r.warnings},
        "schools": r.schools,
    });
    a.data.write(&loaded, vec![t], json)
}

/// One row per school: the index, its group, coverage, ШНСУ and main factors; warnings as notes.
pub fn table(r: &index::IndexResult, ds: &crate::model::Dataset) -> Table {
    let mut t = Table::new(&[
        "Логин",
        "ИСБШ",
        "Группа",
        "Покрытие, %",
        "ШНСУ",
        "Главные факторы",
        "Примечание",
    ]);
    t.title = Some(format!(
        "ИСБШ ({}): {}, показатели: {}",
        crate::output::words::index_method(&r.method),
        crate::output::words::count(r.schools.len(), crate::output::words::SCHOOLS),
        r.indicators
            .iter()
            .map(|k| crate::output::words::indicator(k))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    for s in &r.schools {
        t.rows.push(vec![
            crate::model::identity::shown_id(ds, &s.login).into(),
            Cell::num(s.index, 3),
            Cell::opt_int(s.index_group),
            Cell::share(Some(s.coverage), 0),
            if s.shnsu == Some(true) {
                "ШНСУ"
            } else {
                ""
            }
            .into(),
            factors(&s.top_factors).into(),
            s.missing_reason.clone().unwrap_or_default().into(),
        ]);
    }
    t.notes.push(FACTORS_LEGEND.into());
    if !r.warnings.is_empty() {
        t.notes.push(format!(
            "Предупреждения: {}",
            crate::model::warning::in_words(&r.warnings.summary())
        ));
    }
    t
}
