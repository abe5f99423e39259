//! `shnor resilient`: context-adjusted results — OLS of results on the index, residuals, labels.
use super::{inputs_json, DataArgs};
use crate::method::{index, resilience};
use crate::output::{Cell, Format, Table};
use anyhow::Result;
use serde_json::json;

/// Context-adjusted results: OLS of results on the index, residuals, resilient schools.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Selection year (default: the latest year in the results).
    #[arg(long)]
    pub year: Option<i32>,
}

/// Fit the model per region over the selection window and print its coefficients and each
/// school's expected and actual result (CSV: the schools only).
///
/// Errors: a data error (exit 1) when the inputs hold no context indicators (nothing to regress on).
pub fn run(a: &Args) -> Result<()> {
    let (mut cfg, mut loaded) = a.data.load()?;
    let year = super::selection_year(&mut loaded, &mut cfg, a.year)?;
    let frames = crate::model::frames::build(&loaded.data)?;
    let idx = index::compute(&frames, &cfg)?;
    if idx.schools.is_empty() {
        let why = index::missing_reason(&frames, &cfg)?.unwrap_or_default();
        return Err(crate::error::data(format!(
            "no ИСБШ to regress the results on: {why}"
        )));
    }
    let r = resilience::compute(&frames, &cfg, &idx, year)?;
    let (model, t) = tables(&r, year, &loaded.data);
    let count = |l: &str| r.schools.iter().filter(|s| s.labels.contains(&l)).count();
    let json = json!({
        "year": year,
        "config": cfg.to_json(),
        "inputs": inputs_json(&loaded),
        "model": r.models,
        "summary": {"schools": r.schools.len(), "resilient": count(resilience::RESILIENT), "above_expected": count(resilience::ABOVE), "below_expected": count(resilience::BELOW), "warnings": r.warnings},
        "schools": r.schools,
    });
    let tables = if a.data.format() == Format::Csv {
        vec![t]
    } else {
        vec![model, t]
    };
    a.data.write(&loaded, tables, json)
}

/// The model's coefficients per region, and each school's expected and actual result with its labels.
/// The window named is `r.window` (the years with marks); `_year`, the selection year, is kept
/// for the callers.
pub fn tables(
    r: &resilience::Resilience,
    _year: i32,
    ds: &crate::model::Dataset,
) -> (Table, Table) {
    let mut model = Table::new(&[
        "Регион",
        "Член",
        "Оценка",
        "Ст. ошибка",
        "t",
        "p",
        "R²",
        "n",
    ]);
    let below = crate::method::procedures::below_min_kind(&ds.results, &r.window)
        .unwrap_or(crate::method::procedures::BelowMin::Mark2);
    model.title = Some(format!(
        "МНК: результат (−доля {}, z) по ИСБШ, окно {}",
        crate::output::words::below_min_of(below),
        crate::method::procedures::window_label(&r.window)
    ));
    for (region, f) in &r.models {
        for c in &f.coefficients {
            model.rows.push(vec![
                region.clone().into(),
                crate::output::words::term(&c.term).into(),
                Cell::num(Some(c.estimate), 4),
                Cell::num(Some(c.std_error), 4),
                Cell::num(Some(c.t), 2),
                Cell::p_value(Some(c.p)),
                Cell::num(Some(f.r2), 3),
                Cell::int(f.n),
            ]);
        }
    }
    let share = format!("{}, %", crate::output::words::below_min(below));
    let mut t = Table::new(&[
        "Логин",
        &share,
        "Факт",
        "Ожидание",
        "Ст. остаток",
        "ИСБШ",
        "Группа",
        "Метки",
    ]);
    t.title = Some("Школы".into());
    for s in &r.schools {
        t.rows.push(vec![
            crate::model::identity::shown_id(ds, &s.login).into(),
            Cell::share(Some(s.share2), 1),
            Cell::num(Some(s.actual), 2),
            Cell::num(s.expected, 2),
            Cell::num(s.residual, 2),
            Cell::num(s.index, 2),
            Cell::opt_int(s.index_group),
            s.labels.join(", ").into(),
        ]);
    }
    if !r.warnings.is_empty() {
        t.notes.push(format!(
            "Предупреждения: {}",
            crate::model::warning::in_words(&r.warnings.summary())
        ));
    }
    (model, t)
}
