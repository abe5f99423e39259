//! `shnor sweep`: the selection rerun over a grid of one or two config parameters.
use super::{inputs_json, DataArgs};
use crate::method::sweep;
use crate::output::{Cell, Table};
use anyhow::Result;
use serde_json::json;

/// Rerun the selection over a grid of one or two parameters: list size, Jaccard, who enters or leaves.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Selection year (default: the latest year in the results).
    #[arg(long)]
    pub year: Option<i32>,
    /// KEY=START:STOP:STEP (or KEY=VALUE, one point) with a dotted config key, e.g. stage1.threshold=0.25:0.35:0.01; for a choice key a list of its values, e.g. stage1.rule=risk,bottom (one or two).
    #[arg(long = "param", required = true)]
    pub params: Vec<String>,
}

/// Check every parameter against the config before reading the inputs (a typo in a key or a
/// choice is a usage error), then print one row per grid point against the baseline list.
pub fn run(a: &Args) -> Result<()> {
    let cfg = a.data.config.load()?;
    let params = sweep::parse_params(&cfg, &a.params)?;
    let mut loaded = a.data.load_inputs()?;
    let year = super::selection_year(&mut loaded, &cfg, a.year)?;
    let (baseline, points) = sweep::sweep(&loaded.data, &cfg, year, &params)?;
    let mut t = Table::new(&["Параметры", "Размер списка", "Жаккар", "Вошли", "Вышли"]);
    t.title = Some(format!(
        "Чувствительность списка {year}: базовый список {}",
        crate::output::words::count(baseline.len(), crate::output::words::SCHOOLS)
    ));
    let decimals = decimals_of(&points);
    for p in &points {
        t.rows.push(vec![
            point_label(p, &decimals).into(),
            Cell::opt_int(p.size),
            Cell::num(p.jaccard, 3),
            shown(&loaded.data, &p.entered).into(),
            shown(&loaded.data, &p.left).into(),
        ]);
    }
    let json = json!({
        "year": year,
        "config": cfg.to_json(),
        "inputs": inputs_json(&loaded),
        "summary": {"baseline": baseline, "baseline_size": baseline.len(), "params": params, "points": points.len()},
        "points": points,
    });
    a.data.write(&loaded, vec![t], json)
}

/// For each parameter of the grid, the most decimals any of its values has (0,29 and 0,3 are then
/// both shown with two: 0,29 and 0,30).
fn decimals_of(points: &[sweep::Point]) -> std::collections::BTreeMap<String, usize> {
    let mut out = std::collections::BTreeMap::new();
    for (k, v) in points.iter().flat_map(|p| &p.values) {
        if v.is_number() {
            let text = v.to_string();
            let d = text.split_once('.').map_or(0, |(_, f)| f.len());
            let e = out.entry(k.clone()).or_insert(0);
            *e = d.max(*e);
        }
    }
    out
}

/// A grid point's values as the table shows them (`stage1.threshold = 0,25; stage1.rule = bottom`:
/// numbers with a decimal comma and each parameter's `decimals`, as the other cells), with the
/// reason for a point the config refuses.
fn point_label(p: &sweep::Point, decimals: &std::collections::BTreeMap<String, usize>) -> String {
    let values = p
        .values
        .iter()
        .map(|(k, v)| match (v.as_str(), v.as_f64()) {
            (Some(w), _) => format!("{k} = {w}"),
            (None, Some(x)) if v.is_f64() => {
                let d = decimals.get(k).copied().unwrap_or(0);
                format!("{k} = {}", format!("{x:.d$}").replace('.', ","))
            }
            _ => format!("{k} = {}", v.to_string().replace('.', ",")),
        })
        .collect::<Vec<_>>()
        .join("; ");
    match &p.invalid {
        Some(why) => format!("{values} — недопустимое сочетание, не рассчитано: {why}"),
        None => values,
    }
}

/// Schools of a list as a person reads them ([`crate::model::identity::shown_id`]), «, »-separated.
fn shown(ds: &crate::model::Dataset, logins: &[String]) -> String {
    logins
        .iter()
        .map(|l| crate::model::identity::shown_id(ds, l))
        .collect::<Vec<_>>()
        .join(", ")
}
