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
    let mut cfg = a.data.config.load()?;
    let params = sweep::parse_params(&cfg, &a.params)?;
    let mut loaded = a.data.load_inputs()?;
    let year = super::selection_year(&mut loaded, &mut cfg, a.year)?;
    let (baseline, points) = sweep::sweep(&loaded.data, &cfg, year, &params)?;
    let keys = params_of(&points);
    let mut t = table(&loaded.data, year, baseline.len(), &keys, &points);
    t.notes.extend(unused_keys(&cfg.to_json(), &keys));
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

/// Keys that only one value of a choice reads (METHOD.md §3, §5): (key, choice key, the value
/// that reads it).
const READ_UNDER: [(&str, &str, &str); 8] = [
    ("stage1.threshold", "stage1.rule", "risk"),
    ("stage1.min_procedures", "stage1.rule", "risk"),
    ("stage1.combine", "stage1.rule", "risk"),
    ("stage1.bottom_share", "stage1.rule", "bottom"),
    ("stage1.k", "stage1.rule", "bottom"),
    ("stage1.n", "stage1.rule", "bottom"),
    ("stage1.assessments", "stage1.rule", "bottom"),
    ("cluster.seed", "cluster.method", "kmeans"),
];

/// A note for each swept key that the configured choice does not read (and that choice is not
/// swept itself): its points all give the baseline list, which says nothing of the list's
/// robustness (fresh-eyes run 13: `--param stage1.k=1:2:1` under the risk rule).
fn unused_keys(cfg: &serde_json::Value, keys: &[String]) -> Vec<String> {
    let swept = |k: &str| keys.iter().any(|x| x == k);
    READ_UNDER
        .iter()
        .filter(|(key, choice, _)| swept(key) && !swept(choice))
        .filter_map(|(key, choice, value)| {
            let (section, name) = choice.split_once('.')?;
            let now = cfg[section][name].as_str()?;
            (now != *value).then(|| {
                format!("{key} действует только при {choice} = \"{value}\"; в настройках — \"{now}\": список от {key} не зависит")
            })
        })
        .collect()
}

/// The swept keys in the grid's order (each point gives every key).
fn params_of(points: &[sweep::Point]) -> Vec<String> {
    points
        .first()
        .map(|p| p.values.iter().map(|(k, _)| k.clone()).collect())
        .unwrap_or_default()
}

/// The sweep's table: a column per swept key (its value as a number, with the key's `decimals`
/// shown, or the choice's word), the list's size, Jaccard against the baseline, who entered and who
/// left, and — when the config refuses a point — a column giving its reason. A swept value in a
/// column of its own keeps `--format csv` data: `0.25`, not the text «stage1.threshold = 0,25».
fn table(
    ds: &crate::model::Dataset,
    year: i32,
    baseline: usize,
    keys: &[String],
    points: &[sweep::Point],
) -> Table {
    let refused = points.iter().any(|p| p.invalid.is_some());
    let mut header: Vec<&str> = keys.iter().map(String::as_str).collect();
    header.extend(["Размер списка", "Жаккар", "Вошли", "Вышли"]);
    if refused {
        header.push("Не рассчитано: недопустимое сочетание");
    }
    let mut t = Table::new(&header);
    t.title = Some(format!(
        "Чувствительность списка {year}: базовый список {}",
        crate::output::words::count(baseline, crate::output::words::SCHOOLS)
    ));
    let decimals = decimals_of(points);
    for p in points {
        let mut row: Vec<Cell> = p
            .values
            .iter()
            .map(|(k, v)| value_cell(v, decimals.get(k).copied().unwrap_or(0)))
            .collect();
        row.extend([
            Cell::opt_int(p.size),
            Cell::num(p.jaccard, 3),
            shown(ds, &p.entered).into(),
            shown(ds, &p.left).into(),
        ]);
        if refused {
            row.push(p.invalid.clone().unwrap_or_default().into());
        }
        t.rows.push(row);
    }
    t
}

/// A swept value's cell: a word as text, a whole number as one, a fraction shown with `decimals`
/// (0,29 and 0,30 alike) and written as data in full.
fn value_cell(v: &serde_json::Value, decimals: usize) -> Cell {
    match (v.as_str(), v.as_i64(), v.as_f64()) {
        (Some(w), _, _) => w.into(),
        (None, Some(i), _) => Cell::Int(Some(i)),
        (None, None, x) => Cell::Num(x, decimals),
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
