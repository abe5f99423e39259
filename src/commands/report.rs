//! `shnor report`: the yearly pipeline run once, written as a folder people hand on — an Excel
//! workbook, the CSV of every table, a self-contained HTML page and a reproducibility manifest.
use super::{inputs_json, ConfigArgs, InputArgs};
use crate::config::Config;
use crate::input::Loaded;
use crate::method::compare::{self as cmp, Block};
use crate::method::monitor::{self as mon, Monitor};
use crate::method::risk::{self as rsk, RiskReport};
use crate::method::select::{self, Context, Selection};
use crate::output::html::{self, Flow, IndexChart, Intervals};
use crate::output::{self, folder, xlsx, Cell, CsvDialect, Format, Table};
use anyhow::Result;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Instant;

/// Run the yearly pipeline once and write a report folder: shnor-report.xlsx, report.html,
/// csv/*.csv and manifest.json (docs/REPORT.md).
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub inputs: InputArgs,
    #[command(flatten)]
    pub config: ConfigArgs,
    /// Folder to write the report into (created; an existing non-empty one only with --force, and
    /// only when it is an earlier shnor report).
    #[arg(long)]
    pub out: PathBuf,
    /// Selection year (default: the latest year in the results).
    #[arg(long)]
    pub year: Option<i32>,
    /// Replace an earlier shnor report in --out (a folder holding anything else is refused).
    #[arg(long)]
    pub force: bool,
    /// Write csv/*.csv in the Excel dialect (UTF-8 with BOM, `;`, decimal comma) instead of RFC 4180.
    #[arg(long)]
    pub excel: bool,
}

/// What the pipeline computed: the selection and its context (index, resilience, objectivity),
/// and the parts the inputs may not support, each with the reason when absent.
pub struct Pipeline {
    pub year: i32,
    pub sel: Selection,
    pub ctx: Context,
    pub compare: Result<Vec<Block>, String>,
    pub monitor: Result<(Vec<i32>, Monitor), String>,
    pub risk: Result<RiskReport, String>,
}

/// One part of the report: its sheet name, CSV file stem and table, or why it is absent.
pub struct Part {
    pub sheet: &'static str,
    pub file: &'static str,
    pub table: Result<Table, String>,
}

/// Check `--out`, load, run every part the inputs allow and write the folder.
///
/// Errors: usage (exit 2) for a non-empty `--out` without `--force` or an `--out` holding an input;
/// data (exit 1) as `select`; internal (exit 3) when a file cannot be written.
pub fn run(a: &Args) -> Result<()> {
    let t0 = Instant::now();
    let mut timings = Vec::new();
    refuse_inputs_inside(a)?;
    folder::check_target(&a.out, a.force)?;
    let cfg = a.config.load()?;
    crate::timing("report: start");
    let mut loaded = a.inputs.load(Format::Json)?;
    super::selection_year(&mut loaded, &cfg, a.year)?;
    crate::timing("inputs loaded");
    timings.push(("load", t0.elapsed().as_secs_f64()));
    let mut progress = crate::progress::Progress::new(0, "отчёт");
    progress.step("отбор, сравнение, динамика, риски");
    let p = pipeline(&loaded, &cfg, a.year)?;
    timings.push(("method", t0.elapsed().as_secs_f64()));
    progress.step("запись");
    let parts = parts(&p, &loaded, &cfg);
    crate::timing("tables");
    let dialect = if a.excel {
        CsvDialect::Excel
    } else {
        CsvDialect::Rfc4180
    };
    // the workbook, the CSVs and the page are built from the same tables, side by side
    let (files, html) = rayon::join(
        || files(&parts, dialect),
        || page(&p, &cfg, &parts).map(|x| html::page(&x).into_bytes()),
    );
    let mut files = files?;
    files.push(("report.html".into(), html?));
    crate::timing("workbook, CSVs and page");
    let manifest = manifest(&p, &loaded, &cfg, &parts, &files, &timings);
    let mut text = serde_json::to_string_pretty(&manifest)?;
    text.push('\n');
    files.push(("manifest.json".into(), text.into_bytes()));
    crate::timing("manifest");
    folder::write_folder(&a.out, &files)?;
    crate::timing("written");
    drop(progress);
    super::at_exit((p.sel, loaded));
    Ok(())
}

/// Usage error when an input lies inside `--out` (replacing the folder would delete it), or
/// `--out` inside an input folder (the report's files would be read as inputs by the next run).
fn refuse_inputs_inside(a: &Args) -> Result<()> {
    // the folder itself may not exist yet: its parent's real path and its name
    let parent = a
        .out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let Ok(out) = parent
        .canonicalize()
        .map(|d| d.join(a.out.file_name().unwrap_or_default()))
    else {
        return Ok(());
    };
    for p in &a.inputs.paths {
        let Ok(input) = p.canonicalize() else {
            continue;
        };
        let why = if input.starts_with(&out) {
            "is inside it; shnor never overwrites its inputs"
        } else if input.is_dir() && out.starts_with(&input) {
            "holds it; the report's files would be read as inputs next time"
        } else {
            continue;
        };
        return Err(crate::error::usage(format!(
            "--out {}: the input {} {why} — write elsewhere",
            a.out.display(),
            p.display()
        )));
    }
    Ok(())
}

/// The yearly pipeline: the selection with every ledger and its context, then the comparison
/// with the region in year Y, the dynamics over every year with results (two or more), and the
/// risk profiles — each part absent, with its reason, when the inputs cannot support it.
pub fn pipeline(loaded: &Loaded, cfg: &Config, year: Option<i32>) -> Result<Pipeline> {
    let ds = &loaded.data;
    let year = select::resolve_year(ds, cfg, year)?;
    let ctx = Context::new(ds, cfg, year)?;
    crate::timing("context (index, resilience, objectivity, profiles)");
    let sel = select::run_with(ds, cfg, year, &ctx)?;
    crate::timing("three stages");
    // the comparison, the dynamics and the risk profiles read the same context and selection and
    // not each other: run side by side (the dynamics, with a selection per other year, the longest)
    let (monitor, (compare, risk)) = rayon::join(
        || monitor_part(ds, cfg, &ctx, &sel),
        || (compare_part(&ctx, year), risk_part(ds, &ctx, &sel)),
    );
    crate::timing("comparison, dynamics and risk profiles");
    let (compare, monitor, risk) = (compare?, monitor?, risk?);
    Ok(Pipeline {
        year,
        sel,
        ctx,
        compare,
        monitor,
        risk,
    })
}

/// The comparison with the region in `year`, absent without procedures with results that year.
fn compare_part(ctx: &Context, year: i32) -> Result<Result<Vec<Block>, String>> {
    Ok(match cmp::default_specs(&ctx.frames, &[year])? {
        specs if specs.is_empty() => Err("нет процедур с результатами в году отбора".to_string()),
        specs => Ok(cmp::compare(&ctx.frames, &specs, &[year])?),
    })
}

/// The dynamics over every year with results, absent with fewer than two.
fn monitor_part(
    ds: &crate::model::Dataset,
    cfg: &Config,
    ctx: &Context,
    sel: &Selection,
) -> Result<Result<(Vec<i32>, Monitor), String>> {
    let years: Vec<i32> = ds.result_years().into_iter().collect();
    Ok(if years.len() < 2 {
        Err(format!(
            "нужны результаты хотя бы двух лет, во входных данных: {}",
            crate::method::procedures::window_label(&years)
        ))
    } else {
        let m = mon::monitor_with(ds, cfg, &years, ctx, sel)?;
        Ok((years, m))
    })
}

/// The risk profiles' counts, absent without risk profiles in the inputs.
fn risk_part(
    ds: &crate::model::Dataset,
    ctx: &Context,
    sel: &Selection,
) -> Result<Result<RiskReport, String>> {
    Ok(if ds.risk.height() == 0 {
        Err("во входных данных нет рисковых профилей".to_string())
    } else {
        Ok(rsk::aggregate(&ctx.frames, sel)?)
    })
}

fn part(sheet: &'static str, file: &'static str, table: Result<Table, String>) -> Part {
    Part { sheet, file, table }
}

/// Every table of the report in sheet order (summary first, inputs last).
pub fn parts(p: &Pipeline, loaded: &Loaded, cfg: &Config) -> Vec<Part> {
    let no_index = crate::method::index::missing_reason(&p.ctx.frames, cfg)
        .ok()
        .flatten()
        .unwrap_or_else(|| "ИСБШ не вычислен: нет школ с показателями индекса".to_string());
    let index = (!p.ctx.index.schools.is_empty())
        .then(|| super::index::table(&p.ctx.index, &loaded.data))
        .ok_or_else(|| no_index.clone());
    let resilience = p
        .ctx
        .resilience
        .as_ref()
        .filter(|_| index.is_ok())
        .map(|r| super::resilient::tables(r, p.year, &loaded.data))
        .ok_or_else(|| no_index.to_string());
    let [fioko_index, fioko_markers, objectivity_regions, objectivity] =
        objectivity(p, cfg, &loaded.data);
    let monitor = p
        .monitor
        .as_ref()
        .map(|(years, m)| {
            let below = crate::method::procedures::below_min_kind(&loaded.data.results, years)
                .unwrap_or(crate::method::procedures::BelowMin::Mark2);
            super::monitor::tables(m, years, cfg, below)
        })
        .map_err(Clone::clone);
    let risk = p
        .risk
        .as_ref()
        .map(|r| super::risk::tables(r, p.year))
        .map_err(Clone::clone);
    let mut out = vec![
        part("Итоговый список", "final_list", Ok(final_list(p, loaded))),
        part("Все школы", "schools", Ok(all_schools(&p.sel))),
        part("12 групп", "groups", Ok(groups(&p.sel))),
        part("ИСБШ", "index", index),
        part(
            "Устойчивость",
            "resilience",
            resilience.clone().map(|t| t.1),
        ),
        part("Модель МНК", "resilience_model", resilience.map(|t| t.0)),
        part("Объективность (ФИОКО)", "objectivity_index", fioko_index),
        part("Маркеры ФИОКО", "objectivity_markers", fioko_markers),
        part("Объективность", "objectivity", objectivity),
        part(
            "Объективность, регион",
            "objectivity_regions",
            objectivity_regions,
        ),
        part(
            "МО и регион",
            "municipalities",
            p.compare
                .as_ref()
                .map(|b| super::compare::flat_table(b))
                .map_err(Clone::clone),
        ),
        part("Динамика", "dynamics", monitor.clone().map(|t| t.0)),
        part("Переходы", "transitions", monitor.map(|t| t.1)),
        part("Рисковые профили", "risk", risk.clone().map(|t| t.0)),
        part("Профили ШНОР", "risk_selected", risk.map(|t| t.1)),
        part(
            "Входные данные",
            "inputs",
            Ok(super::inspect::table(loaded)),
        ),
    ];
    for x in &mut out {
        if x.table.as_ref().is_ok_and(|t| t.rows.is_empty()) {
            x.table = Err("таблица пуста: во входных данных нет ни одной её строки".into());
        }
    }
    let summary = summary(p, cfg, &out);
    out.insert(0, part("Сводка", "summary", Ok(summary)));
    out
}

/// The objectivity parts: ФИОКО's index per region-year and markers per procedure
/// (`commands::objectivity::fioko_tables`), the flags per school-year, and the relative screen's
/// regional figures (only under `objectivity.method` `relative` or `both`); each absent with its
/// reason when the method did not compute it or it has no rows.
fn objectivity(
    p: &Pipeline,
    cfg: &Config,
    ds: &crate::model::Dataset,
) -> [Result<Table, String>; 4] {
    use crate::config::ObjectivityMethod as M;
    let s = &p.ctx.screen;
    let method = cfg.objectivity.method;
    let (regions, flags) = super::objectivity::tables(s, method, ds);
    let mut fioko = super::objectivity::fioko_tables(&s.fioko).into_iter();
    let no_fioko = match method {
        M::Relative => "objectivity.method = \"relative\": маркеры ФИОКО не вычисляются",
        _ => "маркеры ФИОКО не вычислены: нет поимённых протоколов ВПР по русскому языку и математике 4–5 кл.",
    };
    let rows = |t: Option<Table>, why: &str| {
        t.filter(|t| !t.rows.is_empty())
            .ok_or_else(|| why.to_string())
    };
    let regions = match method {
        M::Fioko => {
            Err("objectivity.method = \"fioko\": экран относительно региона не вычисляется".into())
        }
        _ => rows(
            Some(regions),
            "во входных данных нет сравнения с журналом или гистограмм баллов",
        ),
    };
    [
        rows(fioko.next(), no_fioko),
        rows(fioko.next(), no_fioko),
        regions,
        rows(
            Some(flags),
            "ни у одной школы нет признаков необъективности",
        ),
    ]
}

fn final_list(p: &Pipeline, loaded: &Loaded) -> Table {
    super::select::list_table(&p.sel, &super::select::ordered(&p.sel, false), loaded)
}

/// The summary sheet: year, window, counts per stage, the config's checksum and each part's
/// presence (with the reason when absent).
fn summary(p: &Pipeline, cfg: &Config, parts: &[Part]) -> Table {
    let sm = super::select::summary(&p.sel);
    let mut t = Table::new(&["Показатель", "Значение"]);
    t.title = Some(format!("Отчёт shnor: отбор ШНОР {}", p.year));
    let count = |k: &str| Cell::opt_int(sm[k].as_u64());
    let rows: Vec<(String, Cell)> = vec![
        ("Год отбора".into(), Cell::int(p.year)),
        (
            "Окно".into(),
            crate::method::procedures::window_label(&p.sel.window).into(),
        ),
        ("Этап 1: школ".into(), count("stage1_entered")),
        ("Этап 1: кандидатов".into(), count("candidates")),
        ("Этап 2: подтверждено".into(), count("confirmed")),
        ("Этап 3: отобрано".into(), count("selected")),
        ("Пограничных".into(), count("borderline")),
        (
            "Кандидатов с признаками необъективности (скрининг)".into(),
            count("objectivity_flagged"),
        ),
        ("Непустых групп из 12".into(), count("groups_nonempty")),
        ("Конфигурация, sha256".into(), cfg.sha256().into()),
    ];
    let rows = rows.into_iter().chain(p.ctx.screen.fioko.iter().map(|r| {
        (
            format!(
                "Уровень объективности ВПР (ФИОКО), регион {}, {}",
                r.region, r.year
            ),
            Cell::num(Some(r.index), 1).shown(format!(
                "{} ({} из {} с признаками)",
                output::num(r.index, 1),
                r.marked_schools,
                output::words::count(r.schools, output::words::OF_SCHOOLS)
            )),
        )
    }));
    t.rows = rows.map(|(k, v)| vec![k.into(), v]).collect();
    for x in parts {
        let status = match &x.table {
            Ok(_) => "есть".to_string(),
            Err(why) => format!("нет: {why}"),
        };
        t.rows
            .push(vec![format!("Раздел «{}»", x.sheet).into(), status.into()]);
    }
    t
}

/// Every school of stage 1 with the stage it reached, the outcome and its ledger in brief.
fn all_schools(sel: &Selection) -> Table {
    let mut t = Table::new(&[
        "Логин",
        "Школа",
        "Муниципалитет",
        "Страта",
        "Этап",
        "Кандидат",
        "Причина исключения",
        "Кластер",
        "Группа",
        "Место",
        "Отобрана",
        "Итог",
        "Правила этапа 1",
        "Журнал правил",
    ]);
    t.title = Some("Все школы этапа 1".into());
    let yn = |b: bool| Cell::from(if b { "да" } else { "нет" });
    for x in super::select::ordered(sel, true) {
        let fired: Vec<&str> = x
            .ledger
            .0
            .iter()
            .filter(|e| e.stage == 1 && e.outcome() == "fired")
            .map(|e| e.short().0)
            .collect();
        let ledger: Vec<String> = x
            .ledger
            .0
            .iter()
            .map(|e| {
                let (rule, outcome) = e.short();
                format!("{}: {} → {}", e.stage, rule, outcome)
            })
            .collect();
        t.rows.push(vec![
            crate::model::identity::shown_key(&x.login).into(),
            x.name.clone().into(),
            x.municipality.clone().into(),
            output::words::stratum(x.stratum).into(),
            Cell::int(x.stage_reached),
            yn(x.candidate),
            x.excluded_reason
                .map(|r| crate::narrative::exclusion(r, &x.ledger))
                .unwrap_or_default()
                .into(),
            x.cluster.map(|c| c.to_string()).unwrap_or_default().into(),
            output::words::group(x.group.as_deref().unwrap_or_default()).into(),
            Cell::opt_int(x.rank_in_group),
            yn(x.selected),
            super::select::why_stopped(x).into(),
            fired.join(", ").into(),
            ledger.join("; ").into(),
        ]);
    }
    t
}

/// The 12 groups (cluster × settlement × deficit) with the confirmed and selected schools.
fn groups(sel: &Selection) -> Table {
    let sm = super::select::summary(sel);
    let mut t = Table::new(&["Группа", "Подтверждено", "Отобрано"]);
    t.title = Some("Группы этапа 3".into());
    if let Some(g) = sm["per_group"].as_object() {
        for (name, v) in g {
            t.rows.push(vec![
                output::words::group(name).into(),
                Cell::opt_int(v["confirmed"].as_u64()),
                Cell::opt_int(v["selected"].as_u64()),
            ]);
        }
    }
    t
}

/// The files of the folder (manifest aside): the workbook and one CSV per table in `dialect`.
fn files(parts: &[Part], dialect: CsvDialect) -> Result<Vec<(String, Vec<u8>)>> {
    let present: Vec<(&str, &Table)> = parts
        .iter()
        .filter_map(|p| p.table.as_ref().ok().map(|t| (p.sheet, t)))
        .collect();
    // the workbook is the longest to build: the CSVs beside it
    let (workbook, csvs) = rayon::join(
        || xlsx::workbook(&present),
        || -> Result<Vec<(String, Vec<u8>)>> {
            let mut csvs = Vec::new();
            for p in parts {
                if let Ok(t) = &p.table {
                    csvs.push((format!("csv/{}.csv", p.file), t.csv(dialect)?.into_bytes()));
                }
            }
            Ok(csvs)
        },
    );
    let mut files = vec![("shnor-report.xlsx".to_string(), workbook?)];
    files.extend(csvs?);
    Ok(files)
}

/// `manifest.json`: shnor's version, the effective config and its sha256, every input (path,
/// sheet, sha256, kind, rows), the counts per stage, each part's presence, every file's sha256, and
/// the timings (seconds since the start at the end of each phase; the only field that differs
/// between two runs on the same inputs), and `load_warnings` when the load warned.
fn manifest(
    p: &Pipeline,
    loaded: &Loaded,
    cfg: &Config,
    parts: &[Part],
    files: &[(String, Vec<u8>)],
    timings: &[(&str, f64)],
) -> Value {
    let sm = super::select::summary(&p.sel);
    let mut m = json!({
        "shnor_version": env!("CARGO_PKG_VERSION"),
        "year": p.year,
        "window": p.sel.window,
        "config": cfg.to_json(),
        "config_sha256": cfg.sha256(),
        "inputs": inputs_json(loaded),
        "counts": {
            "stage1_entered": sm["stage1_entered"], "candidates": sm["candidates"],
            "confirmed": sm["confirmed"], "selected": sm["selected"],
            "borderline": sm["borderline"], "objectivity_flagged": sm["objectivity_flagged"],
            "groups_nonempty": sm["groups_nonempty"],
        },
        "parts": parts.iter().map(|x| json!({
            "sheet": x.sheet, "csv": format!("csv/{}.csv", x.file),
            "present": x.table.is_ok(), "absent_reason": x.table.as_ref().err(),
        })).collect::<Vec<_>>(),
        "files": files.iter().map(|(n, b)| json!({"name": n, "sha256": crate::sha256_hex(b)})).collect::<Vec<_>>(),
        "timings_s": timings.iter().map(|(k, v)| (k.to_string(), json!(output::r6(*v)))).collect::<serde_json::Map<_, _>>(),
    });
    super::with_load_warnings(loaded, &mut [], &mut m);
    m
}

/// The page's figures, taken from the pipeline's results: shares pooled over the window (the
/// figures of stage 2) for the distribution and the clusters, the resilience model's schools and
/// expected values, the comparison's intervals and the monitor's transitions.
fn page(p: &Pipeline, cfg: &Config, parts: &[Part]) -> Result<html::Page> {
    let table_of = |sheet: &str| {
        parts
            .iter()
            .find(|x| x.sheet == sheet)
            .and_then(|x| x.table.as_ref().ok().cloned())
            .unwrap_or_default()
    };
    let pooled = crate::method::procedures::pooled_all(&p.ctx.frames.results, &p.sel.window, cfg)?;
    let confirmed: std::collections::BTreeMap<String, &select::SchoolResult> = p
        .sel
        .schools
        .iter()
        .filter(|x| x.stage_reached == 3)
        .map(|x| (crate::input::text::school_id(&x.login), x))
        .collect();
    let mut clusters = Vec::new();
    for (sid, pl) in &pooled {
        let (Some(s2), Some(q)) = (pl.share2(), pl.quality()) else {
            continue;
        };
        clusters.push(match confirmed.get(sid) {
            Some(x) => (
                x.share2.unwrap_or(s2),
                x.quality.unwrap_or(q),
                x.cluster.map(|c| c.to_string()).unwrap_or_default(),
                x.selected,
            ),
            None => (s2, q, String::new(), false),
        });
    }
    let pct0 = |v: f64| output::pct(v, 0);
    Ok(html::Page {
        title: format!("Отбор ШНОР {}: отчёт shnor", p.year),
        summary: table_of("Сводка"),
        final_list: table_of("Итоговый список"),
        shares: pooled.values().filter_map(|x| x.share2()).collect(),
        thresholds: vec![
            (
                format!("сильно неуспевающие ≥ {} %", pct0(cfg.cluster.strong)),
                cfg.cluster.strong,
            ),
            (
                format!("умеренно неуспевающие ≥ {} %", pct0(cfg.cluster.moderate)),
                cfg.cluster.moderate,
            ),
            (
                format!(
                    "порог этапа 1 (по процедуре) {} %",
                    pct0(cfg.stage1.threshold)
                ),
                cfg.stage1.threshold,
            ),
        ],
        clusters,
        index: index_chart(p),
        municipalities: p
            .compare
            .as_ref()
            .map(|b| intervals(b))
            .map_err(Clone::clone),
        flows: p
            .monitor
            .as_ref()
            .map(|(_, m)| flows(m))
            .map_err(Clone::clone),
        below: crate::method::procedures::below_min_kind(&p.ctx.frames.results, &p.sel.window)?,
    })
}

/// ИСБШ against the results score of the resilience model's schools, resilient ones marked, and
/// the least-squares line of the score on the index.
fn index_chart(p: &Pipeline) -> Result<IndexChart, String> {
    let r = p
        .ctx
        .resilience
        .as_ref()
        .filter(|_| !p.ctx.index.schools.is_empty())
        .ok_or("во входных данных нет показателей контекста (ИСБШ)")?;
    let points = r
        .schools
        .iter()
        .filter_map(|s| {
            let res = s.labels.contains(&crate::method::resilience::RESILIENT);
            s.index.map(|i| (i, s.actual, res))
        })
        .collect();
    let line = crate::method::resilience::index_line(r)
        .map(|l| l.to_vec())
        .unwrap_or_default();
    Ok(IndexChart { points, line })
}

/// One chart per procedure: each municipality's share of «2» with its interval against the region.
fn intervals(blocks: &[Block]) -> Vec<Intervals> {
    blocks
        .iter()
        .filter_map(|b| {
            Some(Intervals {
                title: format!("{}, {}", b.procedure, b.year),
                below: crate::method::procedures::BelowMin::of(b.procedure.split(' ').next()),
                region: b.region.share2?,
                rows: b
                    .municipalities
                    .iter()
                    .filter_map(|m| {
                        let (v, ci) = (m.figures.share2?, m.figures.share2_ci?);
                        Some((m.municipality.clone(), v, ci[0], ci[1], m.worse))
                    })
                    .collect(),
            })
        })
        .collect()
}

/// The monitor's transitions as flows.
fn flows(m: &Monitor) -> Vec<Flow> {
    let mut out = Vec::new();
    for t in &m.transitions {
        for (from, to) in &t.matrix {
            for (k, n) in to {
                out.push(Flow {
                    from_year: t.from_year,
                    to_year: t.to_year,
                    from: from.clone(),
                    to: k.clone(),
                    schools: *n,
                });
            }
        }
    }
    out
}
