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
    /// The table `--format csv` writes (one table a CSV; table, Markdown and JSON show them all):
    /// the candidates' statuses per year, the cluster transitions, or the entries into and exits
    /// from the list (one row per school and event, with the reason and the year of the exit into
    /// the effective mode). Default: the statuses. Only with `--format csv` (a usage error otherwise).
    #[arg(long, value_enum)]
    pub csv_table: Option<CsvTable>,
}

/// Which of the monitor's tables a CSV holds (`--csv-table`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CsvTable {
    /// The candidates' statuses per year (one row per school).
    Statuses,
    /// The cluster transitions (one row per pair of years, state and next state).
    Transitions,
    /// The entries into and exits from the list (one row per school and event).
    Changes,
}

/// Run the selection of every year with results that have a share below the minimum in `--years` and print the candidates' statuses
/// and the transitions with the entries and exits (CSV: the one table `--csv-table` names).
///
/// Errors: a data error (exit 1) when the data hold fewer than two such years; a usage error (exit
/// 2) when `--years` keeps fewer than two of them, or when `--csv-table` is given with a format
/// other than CSV.
pub fn run(a: &Args) -> Result<()> {
    check_csv_table(a)?;
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
        // say when it is `--years` that left too few of the data's years
        let asked = match &a.years {
            Some(s) => format!(" (--years {s} keeps {})", super::years_in_words(&years)),
            None => String::new(),
        };
        let msg = format!(
            "monitor needs at least two years with results that have a share below the minimum; the data hold {}{asked}",
            super::years_in_words(&have)
        );
        // the data's own years are a data condition (exit 1), `--years` keeping too few a usage
        // one (exit 2; fresh-eyes run 16: one year of data was exit 2)
        return Err(match have.len() < 2 {
            true => crate::error::data(msg),
            false => usage(msg),
        });
    }
    let m = monitor::monitor(&loaded.data, &cfg, &years)?;
    let below = crate::method::procedures::below_min_kind(&loaded.data.results, &years)?;
    let (t, mut tr) = tables(&m, &years, &cfg, below);
    // years `--years` asks for beyond the data's first and last (fresh-eyes run 11: 2024-2026 on
    // data of 2023–2025 showed 2024–2025 without a word); those between are `missing_years`
    let beyond: Vec<i32> = match &a.years {
        Some(s) => {
            let (y1, y2) = super::parse_years(s)?;
            let (lo, hi) = (years[0], years[years.len() - 1]);
            (y1..=y2).filter(|y| *y < lo || *y > hi).collect()
        }
        None => Vec::new(),
    };
    if !beyond.is_empty() {
        tr.notes.push(format!(
            "--years {}: нет результатов с долей ниже минимума за {} — показаны {}.",
            a.years.as_deref().unwrap_or_default(),
            super::years_in_words(&beyond),
            super::years_in_words(&years)
        ));
    }
    let json = json!({
        "config": cfg.to_json(),
        "inputs": inputs_json(&loaded),
        "summary": {"years": years, "missing_years": missing_years(&years), "asked_without_data": beyond, "schools": m.schools.len(), "entered": m.entered.values().map(|v| v.len()).sum::<usize>(), "exited": m.exited.len()},
        "schools": m.schools,
        "transitions": m.transitions,
        "entered": m.entered,
        "candidates_entered": m.candidates_entered,
        "exited": m.exited,
        "left": m.left,
    });
    let tables = match (a.data.format(), a.csv_table.unwrap_or(CsvTable::Statuses)) {
        (Format::Csv, CsvTable::Statuses) => vec![t],
        (Format::Csv, CsvTable::Transitions) => vec![tr],
        (Format::Csv, CsvTable::Changes) => vec![changes(&m)],
        _ => vec![t, tr],
    };
    a.data.write(&loaded, tables, json)
}

/// Usage error (exit 2) when `--csv-table` is given with a format other than CSV: the table,
/// Markdown and JSON show every table, so the choice would silently go unused.
fn check_csv_table(a: &Args) -> Result<()> {
    let format = a.data.format();
    if a.csv_table.is_some() && format != Format::Csv {
        return Err(usage(format!(
            "--csv-table chooses the table of a CSV and needs --format csv; --format {} shows every table",
            clap::ValueEnum::to_possible_value(&format)
                .map(|v| v.get_name().to_string())
                .unwrap_or_default()
        )));
    }
    Ok(())
}

/// The years between the first and the last of `years` (ascending) that are not among them.
pub fn missing_years(years: &[i32]) -> Vec<i32> {
    match (years.first(), years.last()) {
        (Some(&a), Some(&b)) => (a..=b).filter(|y| !years.contains(y)).collect(),
        _ => Vec::new(),
    }
}

/// The candidates' statuses per year, and the cluster transitions with entries and exits as notes
/// (a year missing between the first and the last named first);
/// `below` names the share whose change is shown (`procedures::below_min_kind` of `years`).
pub fn tables(
    m: &monitor::Monitor,
    years: &[i32],
    cfg: &crate::config::Config,
    below: crate::method::procedures::BelowMin,
) -> (Table, Table) {
    let mut tr = transitions(m);
    let gaps = missing_years(years);
    if !gaps.is_empty() {
        tr.notes.push(format!(
            "Нет результатов с долей «2» за {}: переходы и выходы из списка считаются между соседними годами с данными, через пропущенный год.",
            super::years_in_words(&gaps)
        ));
    }
    tr.notes.push(entered_note(m));
    tr.notes.push(exited_note(m, cfg));
    tr.notes.extend(left_notes(m));
    (statuses(m, years, below), tr)
}

/// The statuses per year of every school that was a candidate in one of `years` (login order), with
/// the change of the share `below` in percentage points.
fn statuses(
    m: &monitor::Monitor,
    years: &[i32],
    below: crate::method::procedures::BelowMin,
) -> Table {
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
            row.push(Cell::Text(status(s.years.get(y))));
        }
        row.push(Cell::num(s.share2_change_pp, 1));
        t.rows.push(row);
    }
    t
}

/// A school's status in one year: «нет данных», «ШНОР: CLUSTER», «кандидат[: CLUSTER]» or not a
/// candidate (`monitor::NOT_CANDIDATE`).
fn status(year: Option<&monitor::Status>) -> String {
    match year {
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
    }
}

/// The cluster transitions: one row per pair of years, state and next state, with the number of
/// schools.
fn transitions(m: &monitor::Monitor) -> Table {
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
    tr
}

/// The school `login` as the notes show it (`identity::shown_school` with its name and
/// municipality; the tracks are in login order, `monitor::Monitor::schools`).
fn who(m: &monitor::Monitor, login: &str) -> String {
    match m.schools.binary_search_by(|s| s.login.as_str().cmp(login)) {
        Ok(i) => {
            let s = &m.schools[i];
            crate::model::identity::shown_school(login, &s.name, &s.municipality)
        }
        Err(_) => crate::model::identity::shown_school(login, "", ""),
    }
}

/// «Вошли в список: YEAR: SCHOOL, …; …»: the schools that entered the list, by year.
fn entered_note(m: &monitor::Monitor) -> String {
    if m.entered.iter().all(|(_, v)| v.is_empty()) {
        return "Вошли в список: нет".into();
    }
    format!(
        "Вошли в список: {}",
        m.entered
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(y, v)| {
                let v: Vec<String> = v.iter().map(|l| who(m, l)).collect();
                format!("{y}: {}", v.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ")
    )
}

/// «Вышли в эффективный режим (N лет без правил этапа 1): …»: the schools that exited into the
/// effective mode (`monitor.exit_years`), each with the year it was last selected.
fn exited_note(m: &monitor::Monitor, cfg: &crate::config::Config) -> String {
    format!(
        "Вышли в эффективный режим ({} без правил этапа 1): {}",
        crate::output::words::count(cfg.monitor.exit_years, crate::output::words::YEARS),
        if m.exited.is_empty() {
            "нет".into()
        } else {
            m.exited
                .iter()
                .map(|e| format!("{} (последний отбор {})", who(m, &e.login), e.last_selected))
                .collect::<Vec<_>>()
                .join(", ")
        }
    )
}

/// «Покинули список:» and one line a school that left the list: the school (its name beside its
/// login), the year, the reason and its cluster; «Покинули список: нет» when none did.
fn left_notes(m: &monitor::Monitor) -> Vec<String> {
    if m.left.is_empty() {
        return vec!["Покинули список: нет".into()];
    }
    let named = |login: &str| {
        let shown = who(m, login);
        match m.schools.binary_search_by(|s| s.login.as_str().cmp(login)) {
            Ok(i) if shown == login && !m.schools[i].name.trim().is_empty() => {
                format!("{shown} «{}»", m.schools[i].name.trim())
            }
            _ => shown,
        }
    };
    let mut notes = vec!["Покинули список:".to_string()];
    for l in &m.left {
        let cluster = l
            .cluster
            .as_ref()
            .map(|c| format!(" (кластер «{c}»)"))
            .unwrap_or_default();
        notes.push(format!(
            "  {} — {}: {}{cluster}",
            named(&l.login),
            l.year,
            l.reason
        ));
    }
    notes
}

/// The entries into the list and the exits from it, one row per school and event in year order
/// (entries first), for the CSV (`--csv-table changes`) and the report: the year, the event, the
/// school, the year it was last selected, the reason it left (`monitor::LeftReason`), its cluster
/// that year and, for an exit into the effective mode, the year it counted as one.
pub fn changes(m: &monitor::Monitor) -> Table {
    let mut t = Table::new(&[
        "Год",
        "Событие",
        "Логин",
        "Школа",
        "Муниципалитет",
        "Последний отбор",
        "Причина выхода",
        "Кластер",
        "Эффективный режим с",
    ]);
    t.title = Some("Вход в список ШНОР и выход из него".into());
    let school = |login: &str| {
        m.schools
            .binary_search_by(|s| s.login.as_str().cmp(login))
            .ok()
            .map(|i| &m.schools[i])
    };
    let mut rows: Vec<(i32, u8, Vec<Cell>)> = Vec::new();
    for (y, logins) in &m.entered {
        for l in logins {
            let s = school(l);
            let cluster = s
                .and_then(|s| s.years.get(y))
                .and_then(|x| x.cluster.clone());
            rows.push((
                *y,
                0,
                event_row(*y, "вошла в список", l, s, None, "", cluster, None),
            ));
        }
    }
    for l in &m.left {
        let s = school(&l.login);
        let why = l.reason.to_string();
        let row = event_row(
            l.year,
            "покинула список",
            &l.login,
            s,
            Some(l.last_selected),
            &why,
            l.cluster.clone(),
            l.effective_year,
        );
        rows.push((l.year, 1, row));
    }
    // stable: logins stay in their order within a year and event
    rows.sort_by_key(|(y, e, _)| (*y, *e));
    t.rows = rows.into_iter().map(|(_, _, r)| r).collect();
    t
}

/// One row of [`changes`].
#[allow(clippy::too_many_arguments)]
fn event_row(
    year: i32,
    event: &str,
    login: &str,
    s: Option<&monitor::SchoolTrack>,
    last_selected: Option<i32>,
    why: &str,
    cluster: Option<String>,
    effective: Option<i32>,
) -> Vec<Cell> {
    vec![
        Cell::int(year),
        event.into(),
        crate::model::identity::shown_key(login).into(),
        s.map(|s| s.name.trim().to_string())
            .unwrap_or_default()
            .into(),
        s.map(|s| s.municipality.clone()).unwrap_or_default().into(),
        Cell::opt_int(last_selected),
        why.into(),
        cluster.unwrap_or_default().into(),
        Cell::opt_int(effective),
    ]
}
