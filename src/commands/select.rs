//! `shnor select`: the three-stage selection, its list and JSON contract.
use super::{inputs_json, DataArgs};
use crate::config::Config;
use crate::input::Loaded;
use crate::method::select::{self, SchoolResult, Selection};
use crate::model::domain::{Cluster, Settlement, Stratum};
use crate::output::{self, Cell, CsvDialect, Format, Table};
use anyhow::Result;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Three-stage ШНОР selection: screen, confirm and classify, pick by group quotas.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Selection year (default: the latest year in the results).
    #[arg(long)]
    pub year: Option<i32>,
    /// Every school that entered stage 1, with the stage it reached and why it stopped.
    #[arg(long)]
    pub all: bool,
}

/// Select and print the final list (or, with `--all`, every school of stage 1).
pub fn run(a: &Args) -> Result<()> {
    crate::timing("select: start");
    let (mut cfg, mut loaded) = a.data.load()?;
    crate::timing("inputs loaded");
    let year = super::selection_year(&mut loaded, &mut cfg, a.year)?;
    // the per-rule ledger is part of the JSON contract; the lists show only where schools stopped
    let mut ctx = select::Context::for_selection(&loaded.data, &cfg, year)?;
    let shown = match (a.data.format(), a.all) {
        (Format::Json, true) => select::Shown::All,
        (Format::Json, false) => select::Shown::Selected,
        _ => select::Shown::NoLedgers,
    };
    crate::timing("context (index, resilience, objectivity, profiles)");
    let sel = select::run_showing(&loaded.data, &cfg, year, &mut ctx, shown)?;
    crate::timing("three stages");
    let text = render(
        &sel,
        &cfg,
        &loaded,
        a.all,
        a.data.format(),
        a.data.output.dialect(),
    )?;
    a.data.output.emit(&text)?;
    crate::timing("written");
    super::at_exit((loaded, sel, ctx));
    Ok(())
}

fn cluster_order(c: &Option<Cluster>) -> u8 {
    match c {
        Some(Cluster::Strong) => 0,
        Some(Cluster::Moderate) => 1,
        Some(Cluster::Basic) => 2,
        None => 3,
    }
}

/// The `summary` object of `select --format json`: counts per stage, exclusion reason, stratum,
/// cluster and the 12 groups (every group listed, empty ones with zeros), the confirmed schools
/// outside them (`unknown_group`: settlement or deficit not known, METHOD.md §2), and the warnings.
pub fn summary(sel: &Selection) -> Value {
    let s = &sel.schools;
    let mut excluded: BTreeMap<String, usize> = BTreeMap::new();
    for x in s.iter().filter(|x| x.excluded_reason.is_some()) {
        *excluded
            .entry(x.excluded_reason.unwrap().to_string())
            .or_default() += 1;
    }
    let mut strata: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    for x in s {
        let e = strata.entry(x.stratum.to_string()).or_default();
        e[0] += 1;
        e[1] += x.candidate as usize;
        e[2] += x.selected as usize;
    }
    let mut clusters: BTreeMap<String, [usize; 2]> = Cluster::ALL
        .iter()
        .map(|c| (c.to_string(), [0, 0]))
        .collect();
    let mut groups: BTreeMap<String, [usize; 2]> = BTreeMap::new();
    for c in Cluster::ALL {
        for st in ["город", "село"] {
            for d in ["кадровые", "инфраструктурные"] {
                groups.insert(format!("{c} / {st} / {d}"), [0, 0]);
            }
        }
    }
    // METHOD.md §2: a school whose settlement (or deficit) is not known is in the group
    // `unknown`, outside the 12: counted apart, with the part that is not known
    let mut unknown = [0usize; 4];
    for x in s.iter().filter(|x| x.stage_reached == 3) {
        let e = clusters.entry(x.cluster.unwrap().to_string()).or_default();
        e[0] += 1;
        e[1] += x.selected as usize;
        match groups.get_mut(x.group.as_deref().unwrap_or_default()) {
            Some(g) => {
                g[0] += 1;
                g[1] += x.selected as usize;
            }
            None => {
                unknown[0] += 1;
                unknown[1] += x.selected as usize;
                unknown[2] += (x.settlement == Settlement::Unknown) as usize;
                unknown[3] += x.deficit.is_none() as usize;
            }
        }
    }
    json!({
        "stage1_entered": s.len(),
        "candidates": s.iter().filter(|x| x.candidate).count(),
        "excluded": excluded,
        "confirmed": s.iter().filter(|x| x.stage_reached == 3).count(),
        "selected": s.iter().filter(|x| x.selected).count(),
        "borderline": s.iter().filter(|x| x.stage_reached == 3 && x.borderline).count(),
        "objectivity_flagged": s.iter().filter(|x| x.objectivity_flag).count(),
        "groups_nonempty": groups.values().filter(|g| g[0] > 0).count(),
        "per_stratum": strata.iter().map(|(k, v)| (k.clone(), json!({"entered": v[0], "candidates": v[1], "selected": v[2]}))).collect::<serde_json::Map<_, _>>(),
        "per_cluster": clusters.iter().map(|(k, v)| (k.clone(), json!({"confirmed": v[0], "selected": v[1]}))).collect::<serde_json::Map<_, _>>(),
        "per_group": groups.iter().map(|(k, v)| (k.clone(), json!({"confirmed": v[0], "selected": v[1]}))).collect::<serde_json::Map<_, _>>(),
        "unknown_group": {"confirmed": unknown[0], "selected": unknown[1], "settlement_unknown": unknown[2], "deficit_unknown": unknown[3]},
        "warnings": sel.warnings,
    })
}

/// One school of `select --format json` (and of `explain --format json`), fields in contract order.
pub(super) fn school_json(x: &SchoolResult) -> Value {
    json!({
        "login": x.login,
        "name": x.name,
        "municipality": x.municipality,
        "municipality_code": x.municipality_code,
        "region": x.region,
        "stratum": x.stratum,
        "settlement": x.settlement,
        "deficit": x.deficit,
        // none pooled (every window procedure below `min_participants`): unknown, as its share
        "participants": (x.participants > 0).then_some(x.participants),
        "share2": x.share2,
        "share2_ci": x.share2_ci,
        "quality": x.quality,
        "candidate": x.candidate,
        "stage_reached": x.stage_reached,
        "excluded_reason": x.excluded_reason,
        "cluster": x.cluster,
        "group": x.group,
        "rank_in_group": x.rank_in_group,
        "selected": x.selected,
        "borderline": x.borderline,
        "objectivity_flag": x.objectivity_flag,
        "objectivity_flags": x.objectivity_flags,
        "index": x.index,
        "index_group": x.index_group,
        "shnsu": x.shnsu,
        "residual": x.residual,
        "resilience": x.resilience,
        "ledger": x.ledger,
    })
}

/// The «Итог» cell: selected, the exclusion reason, or where in stage 1 or 3 the school stopped.
pub(super) fn why_stopped(x: &SchoolResult) -> String {
    if x.selected {
        return "отобрана".into();
    }
    if let Some(r) = x.excluded_reason {
        return crate::narrative::exclusion(r, &x.ledger);
    }
    match x.stage_reached {
        1 => "не сработало ни одно правило этапа 1".into(),
        3 => x
            .ledger
            .0
            .iter()
            .rev()
            .find(|e| e.stage == 3 && e.outcome() == "capped")
            .map(|_| "лимит этапа 3".to_string())
            .unwrap_or_else(|| format!("место {} в группе", x.rank_in_group.unwrap_or(0))),
        _ => String::new(),
    }
}

/// Stratum, borderline, objectivity and context in one cell.
fn notes(x: &SchoolResult) -> String {
    let mut n = Vec::new();
    if x.stratum != Stratum::Regular {
        n.push(format!("страта «{}»", output::words::stratum(x.stratum)));
    }
    if x.borderline && x.stage_reached == 3 {
        n.push("пограничная".to_string());
    }
    if x.objectivity_flag {
        n.push("признаки необъективности".to_string());
    }
    if let (Some(v), Some(g)) = (x.index, x.index_group) {
        n.push(format!(
            "ИСБШ {} (гр. {}{})",
            crate::output::num(v, 2),
            g,
            if x.shnsu == Some(true) {
                ", ШНСУ"
            } else {
                ""
            }
        ));
    }
    n.extend(x.resilience.iter().map(|l| l.to_string()));
    n.join("; ")
}

/// The «Дефицит» cell: the prevailing deficit; for a confirmed school whose deficit could not be
/// told, «не определён» (as explain, the group name and the settlement column say it; in the CSV
/// and the workbook too — an empty cell there read as missing data); empty for a school that
/// never reached stage 3 (not judged).
fn deficit_cell(x: &SchoolResult) -> Cell {
    match x.deficit {
        Some(d) => d.to_string().into(),
        None if x.stage_reached == 3 => crate::model::domain::DEFICIT_UNKNOWN.into(),
        None => "".into(),
    }
}

/// The «Примечания» cell: [`notes`] for people; as data one column per value (stratum,
/// borderline, objectivity, ИСБШ, its group, ШНСУ, resilience labels).
fn notes_cell(x: &SchoolResult) -> Cell {
    let yn = |b: bool| Cell::from(if b { "да" } else { "нет" });
    Cell::Parts(
        vec![
            ("Страта", output::words::stratum(x.stratum).into()),
            ("Пограничная", yn(x.borderline && x.stage_reached == 3)),
            ("Признаки необъективности", yn(x.objectivity_flag)),
            ("ИСБШ", Cell::num(x.index, 2)),
            ("Группа ИСБШ", Cell::opt_int(x.index_group)),
            // empty without an index: unknown, not «нет» (fresh-eyes run 13)
            ("ШНСУ", x.shnsu.map_or(Cell::from(""), yn)),
            ("Устойчивость", x.resilience.join(", ").into()),
        ],
        notes(x),
    )
}

/// The list (selected schools, or with `all` every school of stage 1) ordered by cluster, group,
/// rank and login, with the stage counts and warnings as notes; JSON: `{year, window, config,
/// config_sha256, inputs, summary, schools}` and `load_warnings` when the load warned (docs/JSON.md).
pub fn render(
    sel: &Selection,
    cfg: &Config,
    loaded: &Loaded,
    all: bool,
    format: Format,
    dialect: CsvDialect,
) -> Result<String> {
    let rows = ordered(sel, all);
    // each format reads one of the two: the table for people and CSV, the object for JSON
    if format != Format::Json {
        let t = list_table(sel, &rows, loaded);
        return output::render_in(format, dialect, &[t], &Value::Null);
    }
    let mut json = json!({
        "year": sel.year,
        "window": sel.window,
        "config": cfg.to_json(),
        "config_sha256": cfg.sha256(),
        "inputs": inputs_json(loaded),
        "summary": summary(sel),
        "schools": rows.iter().map(|x| school_json(x)).collect::<Vec<_>>(),
    });
    // the table's load notes are `list_table`'s (the report's final list has them too)
    super::with_load_warnings(loaded, &mut [], &mut json);
    output::render_in(format, dialect, &[], &json)
}

/// The selected schools (or with `all` every school of stage 1) ordered by cluster, group, rank
/// and login.
pub fn ordered(sel: &Selection, all: bool) -> Vec<&SchoolResult> {
    let mut rows: Vec<&SchoolResult> = sel.schools.iter().filter(|x| all || x.selected).collect();
    rows.sort_by(|a, b| {
        (
            cluster_order(&a.cluster),
            &a.group,
            a.rank_in_group.unwrap_or(u32::MAX),
            &a.login,
        )
            .cmp(&(
                cluster_order(&b.cluster),
                &b.group,
                b.rank_in_group.unwrap_or(u32::MAX),
                &b.login,
            ))
    });
    rows
}

/// The note of [`crate::method::stage3::undetermined_cut`]: `n` confirmed schools with neither
/// settlement type nor deficit, `m` of them selected, and what input would place them.
fn undetermined_note(n: usize, m: usize) -> String {
    format!(
        "Этап 3: у {} не известны ни тип населённого пункта, ни дефицит: все они в группах «… / не определён / не определён», и квота на группу (stage3.per_group) оставляет из них {m}. Чтобы разнести их по группам, добавьте реестр школ (тип населённого пункта, кадры, оснащение) или контекстную форму ФИС ОКО.",
        output::words::count(n, ["подтверждённой школы", "подтверждённых школ", "подтверждённых школ"])
    )
}

/// The part of the stage-3 note on the confirmed schools outside the 12 groups (`unknown_group` of
/// [`summary`]): empty when there are none, else «; вне 12 групп …» with the parts not known.
fn unknown_group_note(u: &Value) -> String {
    let n = |k: &str| u[k].as_u64().unwrap_or(0);
    if n("confirmed") == 0 {
        return String::new();
    }
    format!(
        "; вне 12 групп, в группе «не определена» (не известен тип населённого пункта: {}, дефицит: {}): подтверждено {}, отобрано {}",
        n("settlement_unknown"),
        n("deficit_unknown"),
        n("confirmed"),
        n("selected")
    )
}

/// The list of `rows` with the stage counts and warnings (of the selection, and the load's as
/// `super::load_notes` gives them) as notes.
pub fn list_table(sel: &Selection, rows: &[&SchoolResult], loaded: &Loaded) -> Table {
    let below_min = crate::method::procedures::below_min_kind(&loaded.data.results, &sel.window)
        .unwrap_or(crate::method::procedures::BelowMin::Mark2);
    let mut t = Table::new(&[
        "№",
        "Логин",
        "Школа",
        "Муниципалитет",
        "Кластер",
        "Нас. пункт",
        "Дефицит",
        output::words::SITTINGS,
        &format!("{}, % (95 % ДИ)", output::words::below_min(below_min)),
        "Качество, %",
        "Место в группе",
        "Итог",
        "Примечания",
    ]);
    t.title = Some(format!(
        "ШНОР {}: отобрано {} из {} ({} на этапе 1); окно {}",
        sel.year,
        sel.schools.iter().filter(|x| x.selected).count(),
        output::words::count(
            sel.schools.iter().filter(|x| x.candidate).count(),
            ["кандидата", "кандидатов", "кандидатов"]
        ),
        output::words::count(sel.schools.len(), output::words::SCHOOLS),
        crate::method::procedures::window_label(&sel.window),
    ));
    for (i, x) in rows.iter().enumerate() {
        t.rows.push(vec![
            Cell::int(i + 1),
            crate::model::identity::shown_key(&x.login).into(),
            x.name.clone().into(),
            x.municipality.clone().into(),
            x.cluster.map(|c| c.to_string()).unwrap_or_default().into(),
            output::words::settlement(x.settlement).into(),
            deficit_cell(x),
            Cell::opt_int((x.stage_reached >= 2 || x.participants > 0).then_some(x.participants)),
            Cell::share_ci(x.share2, x.share2_ci, 1, 1),
            Cell::share(x.quality, 1),
            Cell::opt_int(x.rank_in_group),
            why_stopped(x).into(),
            notes_cell(x),
        ]);
    }
    let sm = summary(sel);
    if rows.iter().any(|x| x.objectivity_flag) {
        t.notes.push(output::words::OBJECTIVITY_SCREEN_NOTE.into());
    }
    t.notes.push(format!(
        "Этап 1: {}, кандидатов {}; этап 2: подтверждено {}; этап 3: отобрано {} (непустых групп {} из 12{}).",
        output::words::count(sm["stage1_entered"].as_u64().unwrap_or(0), output::words::SCHOOLS), sm["candidates"], sm["confirmed"], sm["selected"], sm["groups_nonempty"],
        unknown_group_note(&sm["unknown_group"])
    ));
    if let Some((n, m)) = crate::method::stage3::undetermined_cut(&sel.schools) {
        t.notes.push(undetermined_note(n, m));
    }
    if !sel.warnings.is_empty() {
        t.notes.push(format!(
            "Предупреждения: {}",
            crate::model::warning::in_words(&sel.warnings.summary())
        ));
    }
    t.notes.extend(super::load_notes(loaded));
    t
}
