//! `shnor risk`: risk profiles per region, municipality and group; profiles of the selected schools.
use super::{inputs_json, DataArgs};
use crate::method::{risk, select};
use crate::output::{Cell, Format, Table};
use anyhow::Result;
use serde_json::json;

/// Aggregate risk profiles per region, municipality and group; profiles of the selected schools.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Selection year (default: the latest year in the results).
    #[arg(long)]
    pub year: Option<i32>,
}

/// Run the selection (without ledgers) and aggregate the risk profiles (CSV: the aggregate only).
///
/// Errors: a data error (exit 1) when the inputs hold no risk profiles.
pub fn run(a: &Args) -> Result<()> {
    let (mut cfg, mut loaded) = a.data.load()?;
    if loaded.data.risk.height() == 0 {
        return Err(crate::error::data("no risk profiles in the inputs (Логин, Год, Фактор риска, Уровень — or one column per factor)"));
    }
    let year = super::selection_year(&mut loaded, &mut cfg, a.year)?;
    // the aggregation needs who is selected, not why
    let ctx = select::Context::for_selection(&loaded.data, &cfg, year)?.without_ledgers();
    let sel = select::run_with(&loaded.data, &cfg, year, &ctx)?;
    let r = risk::aggregate(&ctx.frames, &sel)?;
    let (t, p) = tables(&r, year);
    let overall = r
        .blocks
        .iter()
        .find(|b| b.scope == "регион" && b.population == "все школы с профилем");
    let json = json!({
        "year": year,
        "config": cfg.to_json(),
        "inputs": inputs_json(&loaded),
        "summary": {"schools_with_profile": overall.map(|b| b.schools), "most_common": overall.map(|b| b.most_common.clone()), "least_common": overall.map(|b| b.least_common.clone()), "absent_factors": r.absent_factors, "schools_only_in_profiles": r.unknown_schools},
        "factors": r.blocks,
        "selected_profiles": r.selected_profiles,
        "without_profile": r.without_profile,
    });
    let tables = if a.data.format() == Format::Csv {
        vec![t]
    } else {
        vec![t, p]
    };
    a.data.write(&loaded, tables, json)
}

/// A block's name cell: a region is known by the code of its logins (`99`), shown to people as
/// «код региона 99» (fresh-eyes run 11: a bare «99» beside municipality names read as a name) and
/// written as data as the code; a municipality or a group by its name.
fn block_name(b: &risk::Block) -> Cell {
    match (b.scope.as_str(), b.name.is_empty()) {
        ("регион", false) => Cell::Shown(
            Box::new(b.name.clone().into()),
            format!("код региона {}", b.name),
        ),
        _ => b.name.clone().into(),
    }
}

/// The factor counts per region, municipality and group, and the selected schools' profiles.
pub fn tables(r: &risk::RiskReport, year: i32) -> (Table, Table) {
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
    if !r.absent_factors.is_empty() {
        t.notes.push(format!(
            "Факторы, которых нет ни в одном профиле (не даны входными данными, в таблице не показаны): {}",
            r.absent_factors.join("; ")
        ));
    }
    if !r.unknown_schools.is_empty() {
        let shown: Vec<String> = r
            .unknown_schools
            .iter()
            .take(5)
            .map(|s| crate::model::identity::shown_key(s))
            .collect();
        let more = r.unknown_schools.len().saturating_sub(shown.len());
        t.notes.push(format!(
            "Школ с профилем, которых нет ни в реестре, ни в результатах: {} ({}{}); учтены в строках региона и в строке муниципалитета без названия",
            r.unknown_schools.len(),
            shown.join(", "),
            if more > 0 { format!(" и ещё {more}") } else { String::new() }
        ));
    }
    for b in &r.blocks {
        for f in &b.factors {
            t.rows.push(vec![
                format!("{} ({})", b.scope, b.population).into(),
                block_name(b),
                Cell::int(b.schools),
                f.factor.clone().into(),
                Cell::int(f.low),
                Cell::int(f.medium),
                Cell::int(f.high),
                Cell::int(f.selected),
                Cell::share(b.selected_share(f), 1),
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
            crate::model::identity::shown_key(&s.login).into(),
            s.name.clone().into(),
            crate::output::words::group(s.group.as_deref().unwrap_or_default()).into(),
            Cell::int(s.profile_year),
            s.levels
                .iter()
                .filter(|(_, l)| l.as_str() != "низкий")
                .map(|(f, l)| format!("{f} ({l})"))
                .collect::<Vec<_>>()
                .join("; ")
                .into(),
        ]);
    }
    if !r.without_profile.is_empty() {
        p.notes.push(format!(
            "Без рискового профиля: {}",
            r.without_profile.join(", ")
        ));
    }
    (t, p)
}
