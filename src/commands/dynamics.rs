//! `shnor monitor`, `shnor sweep`, `shnor risk`: dynamics, sensitivity and risk profiles.
use super::select::inputs_json;
use crate::config::Config;
use crate::error::usage;
use crate::input;
use crate::method::{monitor, risk, select, sweep};
use crate::output::{self, num, pct, Format, Table};
use anyhow::Result;
use serde_json::json;
use std::collections::BTreeSet;

pub fn run_monitor(a: &super::Common, years: Option<&str>) -> Result<()> {
    let cfg = Config::load(a.config)?;
    let loaded = input::load_paths(a.paths, a.opts)?;
    let have: BTreeSet<i32> = loaded.data.results.iter().map(|r| r.year).collect();
    let years: Vec<i32> = match years {
        Some(s) => {
            let (y1, y2) = super::synth::parse_years(s)?;
            (y1..=y2).filter(|y| have.contains(y)).collect()
        }
        None => have.iter().copied().collect(),
    };
    if years.len() < 2 {
        return Err(usage(format!(
            "monitor needs at least two years with results; the data hold {have:?}"
        )));
    }
    let m = monitor::monitor(&loaded.data, &cfg, &years)?;
    let mut t = Table::new(&["Логин", "Школа"]);
    for y in &years {
        t.headers.push(y.to_string());
    }
    t.headers.push("Изменение доли «2», п.п.".into());
    t.title = Some(format!(
        "Статус школ по годам {}–{} (показаны школы, бывшие кандидатами)",
        years[0],
        years[years.len() - 1]
    ));
    for s in m
        .schools
        .iter()
        .filter(|s| s.years.values().any(|x| x.candidate))
    {
        let mut row = vec![s.login.clone(), s.name.clone()];
        for y in &years {
            row.push(match s.years.get(y) {
                None => "нет данных".into(),
                Some(x) if x.selected => format!("ШНОР: {}", x.cluster.clone().unwrap_or_default()),
                Some(x) if x.candidate => format!(
                    "кандидат{}",
                    x.cluster
                        .as_ref()
                        .map(|c| format!(": {c}"))
                        .unwrap_or_default()
                ),
                Some(_) => monitor::NOT_CANDIDATE.into(),
            });
        }
        row.push(s.share2_change_pp.map(|v| num(v, 1)).unwrap_or_default());
        t.rows.push(row);
    }
    let mut tr = Table::new(&["Годы", "Из", "В", "Школ"]);
    tr.title = Some("Переходы между кластерами".into());
    for x in &m.transitions {
        for (from, to) in &x.matrix {
            for (k, n) in to {
                tr.rows.push(vec![
                    format!("{}→{}", x.from_year, x.to_year),
                    from.clone(),
                    k.clone(),
                    n.to_string(),
                ]);
            }
        }
    }
    tr.notes.push(format!(
        "Вошли в список: {}",
        m.entered
            .iter()
            .map(|(y, v)| format!("{y}: {}", v.join(", ")))
            .collect::<Vec<_>>()
            .join("; ")
    ));
    tr.notes.push(format!(
        "Вышли в эффективный режим ({} лет без правил этапа 1): {}",
        cfg.monitor.exit_years,
        if m.exited.is_empty() {
            "нет".into()
        } else {
            m.exited
                .iter()
                .map(|e| format!("{} (последний отбор {})", e.login, e.last_selected))
                .collect::<Vec<_>>()
                .join(", ")
        }
    ));
    let json = json!({
        "config": cfg.to_json(),
        "inputs": inputs_json(&loaded),
        "summary": {"years": years, "schools": m.schools.len(), "entered": m.entered.values().map(|v| v.len()).sum::<usize>(), "exited": m.exited.len()},
        "schools": m.schools,
        "transitions": m.transitions,
        "entered": m.entered,
        "candidates_entered": m.candidates_entered,
        "exited": m.exited,
    });
    let tables = if a.format == Format::Csv {
        vec![t]
    } else {
        vec![t, tr]
    };
    output::emit(&output::render(a.format, &tables, &json)?, a.out)
}

pub fn run_sweep(a: &super::Common, params: &[String]) -> Result<()> {
    let cfg = Config::load(a.config)?;
    let params: Vec<sweep::Param> = params
        .iter()
        .map(|p| sweep::parse_param(p))
        .collect::<Result<_>>()?;
    if params.is_empty() {
        return Err(usage("sweep: give one or two --param KEY=START:STOP:STEP"));
    }
    for p in &params {
        cfg.set(&p.key, &p.values[0].to_string())?;
    }
    let loaded = input::load_paths(a.paths, a.opts)?;
    let year = select::resolve_year(&loaded.data, &cfg, a.year)?;
    let (baseline, points) = sweep::sweep(&loaded.data, &cfg, year, &params)?;
    let mut t = Table::new(&["Параметры", "Размер списка", "Жаккар", "Вошли", "Вышли"]);
    t.title = Some(format!(
        "Чувствительность списка {year}: базовый список {} школ",
        baseline.len()
    ));
    for p in &points {
        t.rows.push(vec![
            p.values
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect::<Vec<_>>()
                .join(", "),
            p.size.to_string(),
            num(p.jaccard, 3),
            p.entered.join(" "),
            p.left.join(" "),
        ]);
    }
    let json = json!({
        "year": year,
        "config": cfg.to_json(),
        "inputs": inputs_json(&loaded),
        "summary": {"baseline": baseline, "baseline_size": baseline.len(), "params": params, "points": points.len()},
        "points": points,
    });
    output::emit(&output::render(a.format, &[t], &json)?, a.out)
}

pub fn run_risk(a: &super::Common) -> Result<()> {
    let cfg = Config::load(a.config)?;
    let loaded = input::load_paths(a.paths, a.opts)?;
    if loaded.data.risk.is_empty() {
        return Err(crate::error::data("no risk profiles in the inputs (Логин, Год, Фактор риска, Уровень — or one column per factor)"));
    }
    let year = select::resolve_year(&loaded.data, &cfg, a.year)?;
    // the aggregation needs who is selected, not why
    let ctx = select::Context::new(&loaded.data, &cfg, year)?.without_ledgers();
    let sel = select::run_with(&loaded.data, &cfg, year, &ctx)?;
    let r = risk::aggregate(&ctx.frames, &sel)?;
    let mut t = Table::new(&[
        "Уровень",
        "Название",
        "Школы",
        "Фактор",
        "Низкий",
        "Средний",
        "Высокий",
        "Выбрано",
        "Доля выбравших, %",
    ]);
    t.title = Some(format!("Рисковые профили {year}"));
    for b in &r.blocks {
        for f in &b.factors {
            t.rows.push(vec![
                format!("{} ({})", b.scope, b.population),
                b.name.clone(),
                b.schools.to_string(),
                f.factor.clone(),
                f.low.to_string(),
                f.medium.to_string(),
                f.high.to_string(),
                f.selected.to_string(),
                if b.schools > 0 {
                    pct(f.selected as f64 / b.schools as f64, 1)
                } else {
                    String::new()
                },
            ]);
        }
    }
    let mut p = Table::new(&[
        "Логин",
        "Школа",
        "Группа",
        "Год профиля",
        "Факторы со средним и высоким уровнем",
    ]);
    p.title = Some("Профили отобранных школ".into());
    for s in &r.selected_profiles {
        p.rows.push(vec![
            s.login.clone(),
            s.name.clone(),
            s.group.clone().unwrap_or_default(),
            s.profile_year.to_string(),
            s.levels
                .iter()
                .filter(|(_, l)| l.as_str() != "низкий")
                .map(|(f, l)| format!("{f} ({l})"))
                .collect::<Vec<_>>()
                .join("; "),
        ]);
    }
    if !r.without_profile.is_empty() {
        p.notes.push(format!(
            "Без рискового профиля: {}",
            r.without_profile.join(", ")
        ));
    }
    let overall = r
        .blocks
        .iter()
        .find(|b| b.scope == "регион" && b.population == "все школы с профилем");
    let json = json!({
        "year": year,
        "config": cfg.to_json(),
        "inputs": inputs_json(&loaded),
        "summary": {"schools_with_profile": overall.map(|b| b.schools), "most_common": overall.map(|b| b.most_common.clone()), "least_common": overall.map(|b| b.least_common.clone())},
        "factors": r.blocks,
        "selected_profiles": r.selected_profiles,
        "without_profile": r.without_profile,
    });
    let tables = if a.format == Format::Csv {
        vec![t]
    } else {
        vec![t, p]
    };
    output::emit(&output::render(a.format, &tables, &json)?, a.out)
}
