//! Sensitivity of the list to its parameters (METHOD.md §8): rerun the selection over a grid.
use super::select;
use crate::config::Config;
use crate::error::usage;
use crate::model::Dataset;
use crate::output::r6;
use anyhow::Result;
use serde::Serialize;
use std::collections::BTreeSet;

/// One swept config key and the values it takes, in order.
#[derive(Debug, Clone, Serialize)]
pub struct Param {
    pub key: String,
    pub values: Vec<Value>,
}

/// A grid value: a number for a numeric key, an allowed word for a choice key
/// ([`crate::config::CHOICE_KEYS`]). In JSON a number or a string.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Number(f64),
    Choice(String),
}

impl Value {
    /// The value as a config file writes it (`0.3`, `2`, `"bottom"`), for [`Config::set`].
    pub fn raw(&self) -> String {
        match self {
            Value::Number(x) => format!("{x}"),
            Value::Choice(w) => format!("\"{w}\""),
        }
    }
}

/// `stage1.threshold=0.25:0.35:0.01` → grid point i = round(start + i × step, 9);
/// `stage1.threshold=0.3` → the one point 0.3; a choice key ([`crate::config::choices`]) takes
/// a comma-separated list of its allowed words, `stage1.rule=risk,bottom`.
///
/// Errors (usage): no «=», not numbers, two or more than three numbers, a step ≤ 0 or stop < start,
/// more than 10 000 points; for a choice key, a word it does not allow (named with the allowed
/// ones) or the same word twice.
pub fn parse_param(s: &str) -> Result<Param> {
    let bad = |why: &str| {
        usage(format!("--param {s}: {why}; expected KEY=START:STOP:STEP, e.g. stage1.threshold=0.25:0.35:0.01"))
    };
    let (key, range) = s.split_once('=').ok_or_else(|| bad("no «=»"))?;
    if let Some(allowed) = crate::config::choices(key) {
        return parse_choices(s, key.trim(), range, allowed);
    }
    let parts: Vec<f64> = range
        .split(':')
        .map(|x| x.trim().replace(',', ".").parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad("not numbers"))?;
    let (start, stop, step) = match parts[..] {
        [v] => (v, v, 1.0),
        [start, stop, step] => (start, stop, step),
        _ => return Err(bad("one number or three (START:STOP:STEP) needed")),
    };
    if step <= 0.0 || stop < start {
        return Err(bad("step must be positive and stop ≥ start"));
    }
    let mut values = Vec::new();
    let mut i = 0;
    loop {
        let v = ((start + i as f64 * step) * 1e9).round() / 1e9;
        if v > stop + 1e-9 {
            break;
        }
        values.push(v);
        i += 1;
        if i > 10_000 {
            return Err(bad("more than 10 000 grid points"));
        }
    }
    Ok(Param {
        key: key.trim().to_string(),
        values: values.into_iter().map(Value::Number).collect(),
    })
}

/// The values of a choice key's `--param` (`list` = `risk,bottom`), each one of `allowed`.
fn parse_choices(s: &str, key: &str, list: &str, allowed: &[&str]) -> Result<Param> {
    let mut values = Vec::new();
    for v in list.split(',').map(str::trim) {
        if !allowed.contains(&v) {
            return Err(usage(format!(
                "--param {s}: config key {key}: unknown value «{v}», expected one of {}",
                allowed.join(", ")
            )));
        }
        let v = Value::Choice(v.to_string());
        if values.contains(&v) {
            return Err(usage(format!("--param {s}: a value is given twice")));
        }
        values.push(v);
    }
    Ok(Param {
        key: key.to_string(),
        values,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub values: serde_json::Map<String, serde_json::Value>,
    pub size: usize,
    pub jaccard: f64,
    pub entered: Vec<String>,
    pub left: Vec<String>,
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let u = a.union(b).count();
    if u == 0 {
        1.0
    } else {
        a.intersection(b).count() as f64 / u as f64
    }
}

fn selected(
    ds: &Dataset,
    cfg: &Config,
    year: i32,
    ctx: &select::Context,
) -> Result<BTreeSet<String>> {
    Ok(select::run_with(ds, cfg, year, ctx)?
        .schools
        .into_iter()
        .filter(|s| s.selected)
        .map(|s| s.login)
        .collect())
}

/// `cfg` with `key` set to a grid value, and the value set as JSON (see [`set_number`]; a choice
/// as its word).
fn set_value(cfg: &Config, key: &str, v: &Value) -> Result<(Config, serde_json::Value)> {
    match v {
        Value::Number(x) => set_number(cfg, key, *x),
        Value::Choice(w) => Ok((cfg.set(key, &v.raw())?, serde_json::json!(w))),
    }
}

/// The value a config key holds, as a number (for integer keys the grid values are rounded), and
/// the value set as JSON: an integer for an integer key (`stage3.per_group = 2`, not `2.0`).
fn set_number(cfg: &Config, key: &str, v: f64) -> Result<(Config, serde_json::Value)> {
    let current = toml::Value::try_from(cfg)?;
    let mut cur = &current;
    for p in key.split('.') {
        cur = cur
            .get(p)
            .ok_or_else(|| usage(format!("--param {key}: unknown config key")))?;
    }
    let (raw, value) = match cur {
        toml::Value::Integer(_) => (
            format!("{}", v.round() as i64),
            serde_json::json!(v.round() as i64),
        ),
        toml::Value::Float(_) => (format!("{v}"), serde_json::json!(v)),
        other => {
            return Err(usage(format!(
                "--param {key}: the key holds {other}, not a number"
            )))
        }
    };
    Ok((cfg.set(key, &raw)?, value))
}

pub fn sweep(
    ds: &Dataset,
    base: &Config,
    year: i32,
    params: &[Param],
) -> Result<(BTreeSet<String>, Vec<Point>)> {
    if params.is_empty() || params.len() > 2 {
        return Err(usage("sweep takes one or two --param"));
    }
    // the frames are built once; a grid point that changes a context key builds its context on them
    let frames = crate::model::frames::build(ds)?;
    let base_ctx = select::Context::from_frames(frames.clone(), base, year)?.without_ledgers();
    let baseline = selected(ds, base, year, &base_ctx)?;
    // the context depends only on these sections; other keys reuse it
    let context_key = |k: &str| {
        [
            "index.",
            "resilience.",
            "objectivity.",
            "selection.",
            "stage1.min_participants",
            "stage1.assessments",
        ]
        .iter()
        .any(|p| k.starts_with(p))
    };
    let grid: Vec<Vec<&Value>> = if params.len() == 1 {
        params[0].values.iter().map(|v| vec![v]).collect()
    } else {
        params[0]
            .values
            .iter()
            .flat_map(|a| params[1].values.iter().map(move |b| vec![a, b]))
            .collect()
    };
    let mut points = Vec::new();
    for g in grid {
        let mut cfg = base.clone();
        let mut values = serde_json::Map::new();
        for (p, v) in params.iter().zip(&g) {
            let (c, value) = set_value(&cfg, &p.key, v)?;
            cfg = c;
            values.insert(p.key.clone(), value);
        }
        let s = if params.iter().any(|p| context_key(&p.key)) {
            selected(
                ds,
                &cfg,
                year,
                &select::Context::from_frames(frames.clone(), &cfg, year)?.without_ledgers(),
            )?
        } else {
            selected(ds, &cfg, year, &base_ctx)?
        };
        points.push(Point {
            values,
            size: s.len(),
            jaccard: r6(jaccard(&baseline, &s)),
            entered: s.difference(&baseline).cloned().collect(),
            left: baseline.difference(&s).cloned().collect(),
        });
    }
    Ok((baseline, points))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_hits_the_baseline_exactly() {
        let p = parse_param("stage1.threshold=0.25:0.35:0.01").unwrap();
        assert_eq!(p.values.len(), 11);
        assert!(p.values.contains(&Value::Number(0.30)));
        assert_eq!(p.values[10], Value::Number(0.35));
        // one value is a grid of one point (a second tester ran `--param stage1.treshold=0.3`
        // and was told «three numbers needed» instead of «did you mean stage1.threshold»)
        assert_eq!(
            parse_param("stage1.threshold=0.3").unwrap().values,
            vec![Value::Number(0.3)]
        );
        assert!(parse_param("stage1.threshold=0.3:0.4").is_err());
    }

    /// `sweep --param stage3.per_group=1:3:1` printed «stage3.per_group = 1.0».
    #[test]
    fn an_integer_key_is_swept_as_an_integer() {
        let cfg = Config::default();
        let (c, v) = set_number(&cfg, "stage3.per_group", 2.0).unwrap();
        assert_eq!(c.stage3.per_group, 2);
        assert_eq!(v.to_string(), "2");
        let (_, v) = set_number(&cfg, "stage1.threshold", 0.25).unwrap();
        assert_eq!(v.to_string(), "0.25");
    }

    /// A tester could not sweep `stage1.rule`: a choice key takes a list of its allowed words.
    #[test]
    fn a_choice_key_is_swept_over_its_words() {
        let p = parse_param("stage1.rule=risk, bottom").unwrap();
        assert_eq!(
            p.values,
            vec![Value::Choice("risk".into()), Value::Choice("bottom".into())]
        );
        let (c, v) = set_value(&Config::default(), "stage1.rule", &p.values[1]).unwrap();
        assert_eq!(c.stage1.rule, crate::config::Stage1Rule::Bottom);
        assert_eq!(v.to_string(), "\"bottom\"");
        let e = parse_param("stage1.rule=risk,botom")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown value «botom», expected one of risk, bottom"),
            "{e}"
        );
        assert!(parse_param("stage1.rule=risk,risk").is_err());
    }
}
