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
    /// The value as JSON: a number or a string.
    fn json(&self) -> serde_json::Value {
        match self {
            Value::Number(x) => serde_json::json!(x),
            Value::Choice(w) => serde_json::json!(w),
        }
    }
}

/// Config sections whose keys do not enter a year's selection: a sweep over them would print the
/// same list at every point, as if the list did not depend on what they set.
const NOT_IN_SELECTION: [&str; 2] = ["monitor.", "report."];

/// `stage1.threshold=0.25:0.35:0.01` → grid point i = round(start + i × step, 9);
/// `stage1.threshold=0.3` → the one point 0.3; a choice key ([`crate::config::choices`]) takes
/// a comma-separated list of its allowed words, `stage1.rule=risk,bottom`. The key is checked
/// against `cfg` first, so a typo is named as one (with the nearest key) whatever the values.
///
/// Errors (usage): no «=» or no key, an unknown key, a key of [`NOT_IN_SELECTION`], a key that
/// holds neither a number nor a
/// choice (`selection.year`, lists, tables), not numbers (a list is for choice keys only), two or
/// more than three numbers, a step ≤ 0 or stop < start, more than 10 000 points; for a choice key,
/// a word it does not allow (named with the allowed ones) or the same word twice.
pub fn parse_param(cfg: &Config, s: &str) -> Result<Param> {
    let bad = |why: &str| {
        usage(format!("--param {s}: {why}; expected KEY=START:STOP:STEP, e.g. stage1.threshold=0.25:0.35:0.01"))
    };
    let (key, range) = s.split_once('=').ok_or_else(|| bad("no «=»"))?;
    let key = key.trim();
    if key.is_empty() {
        return Err(bad("no config key before «=»"));
    }
    if let Some(section) = NOT_IN_SELECTION.iter().find(|p| key.starts_with(*p)) {
        current(cfg, key).map_err(|e| usage(format!("--param {s}: {e}")))?;
        return Err(usage(format!(
            "--param {s}: {key} does not enter the selection (the keys of [{}] set {}): every point would give the same list; sweep a key of stage1, stage2, stage3, cluster, selection, objectivity, index or kinds",
            section.trim_end_matches('.'),
            if section.starts_with("monitor") { "the exit from the list over years, `shnor monitor`" } else { "the report's files" }
        )));
    }
    if let Some(allowed) = crate::config::choices(key) {
        return parse_choices(s, key, range, allowed);
    }
    let whole = match current(cfg, key).map_err(|e| usage(format!("--param {s}: {e}")))? {
        toml::Value::Integer(_) => true,
        toml::Value::Float(_) => false,
        other => {
            return Err(usage(format!(
            "--param {s}: {key} holds {other}; sweep varies numeric keys and choice keys ({}) only",
            crate::config::CHOICE_KEYS
                .iter()
                .map(|(k, _)| *k)
                .collect::<Vec<_>>()
                .join(", ")
        )))
        }
    };
    let parts: Vec<f64> = range
        .split(':')
        .map(|x| x.trim().replace(',', ".").parse::<f64>())
        .collect::<Result<Vec<_>, _>>()
        .ok()
        .filter(|xs| xs.iter().all(|x| x.is_finite()))
        .ok_or_else(|| {
            bad("not numbers (a decimal comma is allowed; a list A,B is for choice keys only)")
        })?;
    let (start, stop, step) = match parts[..] {
        [v] => (v, v, 1.0),
        [start, stop, step] => (start, stop, step),
        _ => return Err(bad("one number or three (START:STOP:STEP) needed")),
    };
    if step <= 0.0 || stop < start {
        return Err(bad("step must be positive and stop ≥ start"));
    }
    // a whole-number key takes whole numbers only: 1:3:0.5 gave the points 2 and 3 twice, each
    // labelled as its rounded value (fresh-eyes run 14)
    if whole && parts.iter().any(|x| x.fract() != 0.0) {
        return Err(bad(&format!(
            "{key} is a whole number: START, STOP and STEP must be whole numbers"
        )));
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
        key: key.to_string(),
        values: values.into_iter().map(Value::Number).collect(),
    })
}

/// Every `--param` of a sweep ([`parse_param`]); one or two, each key once.
///
/// Errors (usage): none or more than two, a key given twice, or a [`parse_param`] error.
pub fn parse_params(cfg: &Config, raw: &[String]) -> Result<Vec<Param>> {
    if raw.is_empty() || raw.len() > 2 {
        return Err(usage(
            "sweep takes one or two --param KEY=START:STOP:STEP (or KEY=A,B for a choice key)",
        ));
    }
    let params: Vec<Param> = raw
        .iter()
        .map(|s| parse_param(cfg, s))
        .collect::<Result<_>>()?;
    if params.len() == 2 && params[0].key == params[1].key {
        return Err(usage(format!(
            "--param {}: the key is given twice; give its values in one --param",
            params[0].key
        )));
    }
    Ok(params)
}

/// The value `key` (dotted) holds in `cfg`. Errors: an unknown key, named as [`Config::set`]
/// names it (with the nearest key).
fn current(cfg: &Config, key: &str) -> Result<toml::Value> {
    let mut cur = toml::Value::try_from(cfg)?;
    for p in key.split('.') {
        match cur.get(p) {
            Some(v) => cur = v.clone(),
            // set reports an unknown key with its nearest spelling
            None => {
                return Err(cfg
                    .set(key, "0")
                    .err()
                    .unwrap_or_else(|| usage(format!("config key {key}: unknown key"))))
            }
        }
    }
    Ok(cur)
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

/// One grid point: the values set, and the list against the baseline — or, for a combination the
/// config refuses (`stage1.k` > `stage1.n`, `stage3.per_group = 0`), why (`invalid`; then no
/// size or Jaccard, and nobody enters or leaves).
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub values: serde_json::Map<String, serde_json::Value>,
    pub size: Option<usize>,
    pub jaccard: Option<f64>,
    pub entered: Vec<String>,
    pub left: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid: Option<String>,
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

/// `cfg` with `key` set to a grid value and the value as JSON: a number rounded to an integer for
/// an integer key (`stage3.per_group = 2`, not `2.0`), a choice as its word.
fn set_value(cfg: &Config, key: &str, v: &Value) -> Result<(Config, serde_json::Value)> {
    let value = shown(cfg, key, v)?;
    Ok((cfg.set(key, &value.to_string())?, value))
}

/// A grid value of `key` as JSON (and, as text, as a config file writes it): a number rounded
/// to an integer for an integer key (`stage3.per_group = 2`, not `2.0`), a choice as its word.
fn shown(cfg: &Config, key: &str, v: &Value) -> Result<serde_json::Value> {
    Ok(match v {
        Value::Choice(w) => serde_json::json!(w),
        Value::Number(x) => match current(cfg, key)? {
            toml::Value::Integer(_) => serde_json::json!(x.round() as i64),
            _ => serde_json::json!(x),
        },
    })
}

/// The selection at every grid point of `params` (one or two, from [`parse_params`]; two make
/// their cross product, the first key varying slowest) against the baseline list under `base`.
/// A point whose combination the config refuses is kept, marked `invalid` with the reason.
/// Errors: a selection error (data) at the baseline or at a point.
pub fn sweep(
    ds: &Dataset,
    base: &Config,
    year: i32,
    params: &[Param],
) -> Result<(BTreeSet<String>, Vec<Point>)> {
    // the frames are built once; a grid point that changes a context key builds its context on them
    let frames = crate::model::frames::build(ds)?;
    let base_ctx = select::Context::from_frames(frames.clone(), base, year)?.without_ledgers();
    let baseline = selected(ds, base, year, &base_ctx)?;
    let own_context = params.iter().any(|p| context_key(&p.key));
    let mut points = Vec::new();
    for g in grid(params) {
        let (values, cfg) = point_config(base, params, &g);
        let cfg = match cfg {
            Ok(cfg) => cfg,
            Err(e) => {
                points.push(Point {
                    values,
                    size: None,
                    jaccard: None,
                    entered: Vec::new(),
                    left: Vec::new(),
                    invalid: Some(e.to_string()),
                });
                continue;
            }
        };
        let s = if own_context {
            let ctx = select::Context::from_frames(frames.clone(), &cfg, year)?.without_ledgers();
            selected(ds, &cfg, year, &ctx)?
        } else {
            selected(ds, &cfg, year, &base_ctx)?
        };
        points.push(Point {
            values,
            size: Some(s.len()),
            jaccard: Some(r6(jaccard(&baseline, &s))),
            entered: s.difference(&baseline).cloned().collect(),
            left: baseline.difference(&s).cloned().collect(),
            invalid: None,
        });
    }
    Ok((baseline, points))
}

/// Whether the selection's context (index, resilience, objectivity, the window) depends on `key`:
/// a point that sets one builds its own context; other keys reuse the baseline's.
fn context_key(key: &str) -> bool {
    [
        "index.",
        "resilience.",
        "objectivity.",
        "selection.",
        "stage1.min_participants",
        "stage1.assessments",
    ]
    .iter()
    .any(|p| key.starts_with(p))
}

/// The grid points of one or two params: each a value per param, the first varying slowest.
fn grid(params: &[Param]) -> Vec<Vec<&Value>> {
    match params {
        [a] => a.values.iter().map(|v| vec![v]).collect(),
        [a, b] => a
            .values
            .iter()
            .flat_map(|x| b.values.iter().map(move |y| vec![x, y]))
            .collect(),
        _ => Vec::new(),
    }
}

/// The values of one grid point as JSON (key → value, in the params' order) and `base` with them
/// set — in the params' order, or in the reverse order when the first is refused alone
/// (`stage1.k = 3` before `stage1.n = 4`); `Err` with the config's reason when both are refused.
fn point_config(
    base: &Config,
    params: &[Param],
    g: &[&Value],
) -> (serde_json::Map<String, serde_json::Value>, Result<Config>) {
    let mut values = serde_json::Map::new();
    for (p, v) in params.iter().zip(g) {
        let value = shown(base, &p.key, v).unwrap_or_else(|_| v.json());
        values.insert(p.key.clone(), value);
    }
    let apply = |order: Vec<(&Param, &&Value)>| {
        order.into_iter().try_fold(
            base.clone(),
            |cfg, (p, v)| Ok(set_value(&cfg, &p.key, v)?.0),
        )
    };
    let pairs: Vec<_> = params.iter().zip(g).collect();
    let reversed: Vec<_> = pairs.iter().rev().copied().collect();
    let cfg = apply(pairs).or_else(|first: anyhow::Error| apply(reversed).map_err(|_| first));
    (values, cfg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_hits_the_baseline_exactly() {
        let p = parse_param(&Config::default(), "stage1.threshold=0.25:0.35:0.01").unwrap();
        assert_eq!(p.values.len(), 11);
        assert!(p.values.contains(&Value::Number(0.30)));
        assert_eq!(p.values[10], Value::Number(0.35));
        // one value is a grid of one point (a second tester ran `--param stage1.treshold=0.3`
        // and was told «three numbers needed» instead of «did you mean stage1.threshold»)
        assert_eq!(
            parse_param(&Config::default(), "stage1.threshold=0.3")
                .unwrap()
                .values,
            vec![Value::Number(0.3)]
        );
        assert!(parse_param(&Config::default(), "stage1.threshold=0.3:0.4").is_err());
    }

    /// `sweep --param stage3.per_group=1:3:1` printed «stage3.per_group = 1.0».
    #[test]
    fn an_integer_key_is_swept_as_an_integer() {
        let cfg = Config::default();
        let (c, v) = set_value(&cfg, "stage3.per_group", &Value::Number(2.0)).unwrap();
        assert_eq!(c.stage3.per_group, 2);
        assert_eq!(v.to_string(), "2");
        let (_, v) = set_value(&cfg, "stage1.threshold", &Value::Number(0.25)).unwrap();
        assert_eq!(v.to_string(), "0.25");
    }

    /// Fresh-eyes run 14: `stage1.min_procedures=1:3:0.5` gave the points 2 and 3 twice (1.5 and
    /// 2.5 rounded); a whole-number key takes whole START, STOP and STEP only (a usage error).
    #[test]
    fn a_whole_number_key_takes_no_fractional_step() {
        let cfg = Config::default();
        for bad in ["stage1.min_procedures=1:3:0.5", "stage1.min_procedures=1.5"] {
            let e = parse_param(&cfg, bad).unwrap_err();
            assert_eq!(crate::error::exit_code(&e), 2, "{e}");
            assert!(e.to_string().contains("whole number"), "{e}");
        }
        let p = parse_param(&cfg, "stage1.min_procedures=1:3:1").unwrap();
        assert_eq!(p.values.len(), 3);
    }

    /// A tester could not sweep `stage1.rule`: a choice key takes a list of its allowed words.
    #[test]
    fn a_choice_key_is_swept_over_its_words() {
        let p = parse_param(&Config::default(), "stage1.rule=risk, bottom").unwrap();
        assert_eq!(
            p.values,
            vec![Value::Choice("risk".into()), Value::Choice("bottom".into())]
        );
        let (c, v) = set_value(&Config::default(), "stage1.rule", &p.values[1]).unwrap();
        assert_eq!(c.stage1.rule, crate::config::Stage1Rule::Bottom);
        assert_eq!(v.to_string(), "\"bottom\"");
        let e = parse_param(&Config::default(), "stage1.rule=risk,botom")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown value «botom», expected one of risk, bottom"),
            "{e}"
        );
        assert!(parse_param(&Config::default(), "stage1.rule=risk,risk").is_err());
    }

    /// A tester's `--param stage1.rulez=risk,bottom` was told «not numbers», and
    /// `--param stage1.threshold=0.25:0.35:0.05 --param stage1.threshold=0.4` gave three rows of 0.4.
    #[test]
    fn a_key_is_checked_first_and_given_once() {
        let cfg = Config::default();
        let e = parse_param(&cfg, "stage1.rulez=risk,bottom")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown key «rulez»") && e.contains("stage1.rule"),
            "{e}"
        );
        let e = parse_param(&cfg, "selection.year=2024:2025:1")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("sweep varies numeric keys and choice keys"),
            "{e}"
        );
        assert!(parse_param(&cfg, "stage1.threshold=nan:1:0.1").is_err());
        // fifth fresh-eyes run, L5: keys that do not enter the selection printed a flat table
        for key in ["monitor.exit_years=1:3:1", "report.xlsx_zip_level=1:9:4"] {
            let e = parse_param(&cfg, key).unwrap_err().to_string();
            assert!(e.contains("does not enter the selection"), "{e}");
            assert_eq!(
                crate::error::exit_code(&parse_param(&cfg, key).unwrap_err()),
                crate::error::EXIT_USAGE
            );
        }
        let e = parse_param(&cfg, "monitor.exit_yearz=1:3:1")
            .unwrap_err()
            .to_string();
        assert!(e.contains("exit_years"), "a typo is named first: {e}");
        let twice = [
            "stage1.threshold=0.25:0.35:0.05".to_string(),
            "stage1.threshold=0.4".to_string(),
        ];
        let e = parse_params(&cfg, &twice).unwrap_err().to_string();
        assert!(e.contains("given twice"), "{e}");
    }

    /// `stage1.k=1:2:1` with `stage1.n=1:3:1` stopped at k = 2, n = 1: a refused combination is a
    /// point marked invalid; k = 3 before n = 4 is set in the other order.
    #[test]
    fn a_refused_combination_is_a_point_not_an_error() {
        let cfg = Config::default();
        let params =
            parse_params(&cfg, &["stage1.k=2:3:1".into(), "stage1.n=1:4:3".into()]).unwrap();
        let points: Vec<_> = grid(&params)
            .iter()
            .map(|g| point_config(&cfg, &params, g))
            .collect();
        assert!(points[0].1.is_err()); // k = 2, n = 1
        assert_eq!(points[0].0["stage1.k"], 2);
        let c = points[3].1.as_ref().unwrap(); // k = 3, n = 4
        assert_eq!((c.stage1.k, c.stage1.n), (3, 4));
    }
}
