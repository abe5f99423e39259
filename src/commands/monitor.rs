//! `shnor monitor`: each school's status per year, cluster transitions, entries and exits.
use super::{inputs_json, DataArgs};
use crate::error::usage;
use crate::method::monitor;
use crate::output::{Cell, Format, Table};
use anyhow::Result;
use serde_json::json;
use std::collections::BTreeSet;

/// Status of every school per year, cluster transitions, entries and exits from the list.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// A range Y1-Y2 (default: every year with results).
    #[arg(long)]
    pub years: Option<String>,
}

/// Run the selection of every year with results that have a share below the minimum in `--years` and print the candidates' statuses
/// and the transitions (CSV: the statuses only).
///
/// Errors: a usage error (exit 2) when fewer than two such years exist.
pub fn run(a: &Args) -> Result<()> {
    let (cfg, loaded) = a.data.load()?;
    // a year none of whose results has a share below the minimum cannot be judged (no scale,
    // high results only): it is no year of the monitor
    let all: Vec<i32> = loaded.data.result_years().into_iter().collect();
    let have: BTreeSet<i32> =
        crate::method::procedures::years_with_marks(&loaded.data.results, &all)?
            .into_iter()
            .collect();
    let years: Vec<i32> = match &a.years {
        Some(s) => {
            let (y1, y2) = super::parse_years(s)?;
            (y1..=y2).filter(|y| have.contains(y)).collect()
        }
        None => have.iter().copied().collect(),
    };
    if years.len() < 2 {
        return Err(usage(format!(
            "monitor needs at least two years with results that have a share below the minimum; the data hold {}",
            super::years_in_words(&have)
        )));
    }
    let m = monitor::monitor(&loaded.data, &cfg, &years)?;
    let below = crate::method::procedures::below_min_kind(&loaded.data.results, &years)?;
    let (t, tr) = tables(&m, &years, &cfg, below);
    let json = json!({
        "config": cfg.to_json(),
        "inputs": inputs_json(&loaded),
        "summary": {"years": years, "schools": m.schools.len(), "entered": m.entered.values().map(|v| v.len()).sum::<usize>(), "exited": m.exited.len()},
        "schools": m.schools,
        "transitions": m.transitions,
        "entered": m.entered,
        "candidates_entered": m.candidates_entered,
        "exited": m.exited,
        "left": m.left,
    });
    let tables = if a.data.format() == Format::Csv {
        vec![t]
    } else {
        vec![t, tr]
    };
    a.data.write(&loaded, tables, json)
}

/// The candidates' statuses per year, and the cluster transitions with entries and exits as notes;
/// `below` names the share whose change is shown (`procedures::below_min_kind` of `years`).
pub fn tables(
    m: &monitor::Monitor,
    years: &[i32],
    cfg: &crate::config::Config,
    below: crate::method::procedures::BelowMin,
) -> (Table, Table) {
    let mut t = Table::new(&["Логин", "Школа"]);
    for y in years {
        t.headers.push(y.to_string());
    }
    t.headers.push(format!(
        "Изменение доли {}, п.п.",
        crate::output::words::below_min_of(below)
    ));
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
        let mut row: Vec<Cell> = vec![
            crate::model::identity::shown_key(&s.login).into(),
            s.name.clone().into(),
        ];
        for y in years {
            row.push(Cell::Text(match s.years.get(y) {
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
            }));
        }
        row.push(Cell::num(s.share2_change_pp, 1));
        t.rows.push(row);
    }
    let mut tr = Table::new(&["Годы", "Из", "В", "Школ"]);
    tr.title = Some("Переходы между кластерами".into());
    for x in &m.transitions {
        for (from, to) in &x.matrix {
            for (k, n) in to {
                tr.rows.push(vec![
                    format!("{}→{}", x.from_year, x.to_year).into(),
                    from.clone().into(),
                    k.clone().into(),
                    Cell::int(*n),
                ]);
            }
        }
    }
    // the tracks are in login order (`monitor::Monitor::schools`)
    let who = |login: &str| match m.schools.binary_search_by(|s| s.login.as_str().cmp(login)) {
        Ok(i) => {
            let s = &m.schools[i];
            crate::model::identity::shown_school(login, &s.name, &s.municipality)
        }
        Err(_) => crate::model::identity::shown_school(login, "", ""),
    };
    tr.notes.push(format!(
        "Вошли в список: {}",
        m.entered
            .iter()
            .map(|(y, v)| {
                let v: Vec<String> = v.iter().map(|l| who(l)).collect();
                format!("{y}: {}", v.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ")
    ));
    tr.notes.push(format!(
        "Вышли в эффективный режим ({} без правил этапа 1): {}",
        crate::output::words::count(cfg.monitor.exit_years, crate::output::words::YEARS),
        if m.exited.is_empty() {
            "нет".into()
        } else {
            m.exited
                .iter()
                .map(|e| format!("{} (последний отбор {})", who(&e.login), e.last_selected))
                .collect::<Vec<_>>()
                .join(", ")
        }
    ));
    // one school a line, its name beside its login
    let named = |login: &str| {
        let shown = who(login);
        match m.schools.binary_search_by(|s| s.login.as_str().cmp(login)) {
            Ok(i) if shown == login && !m.schools[i].name.trim().is_empty() => {
                format!("{shown} «{}»", m.schools[i].name.trim())
            }
            _ => shown,
        }
    };
    if m.left.is_empty() {
        tr.notes.push("Покинули список: нет".into());
    } else {
        tr.notes.push("Покинули список:".into());
        for l in &m.left {
            let cluster = l
                .cluster
                .as_ref()
                .map(|c| format!(" (кластер «{c}»)"))
                .unwrap_or_default();
            tr.notes.push(format!(
                "  {} — {}: {}{cluster}",
                named(&l.login),
                l.year,
                l.reason
            ));
        }
    }
    (t, tr)
}
