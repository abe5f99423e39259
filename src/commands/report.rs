//! `shnor report`: the yearly pipeline run once, written as a folder people hand on — an Excel
//! workbook, the CSV of every table, a self-contained HTML page and a reproducibility manifest.
use super::{inputs_json, ConfigArgs, InputArgs};
use crate::config::Config;
use crate::input::Loaded;
use crate::method::compare::{self as cmp, Block};
use crate::method::monitor::{self as mon, Monitor};
use crate::method::risk::{self as rsk, RiskReport};
use crate::method::select::{self, Context, Selection};
use crate::output::html;
use crate::output::{self, folder, xlsx, CsvDialect, Format};
use anyhow::Result;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Instant;

mod page;
mod parts;
pub use parts::{Early, Part};

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
    let dialect = if a.excel {
        CsvDialect::Excel
    } else {
        CsvDialect::Rfc4180
    };
    // the staging folder first: the workbook's large sheets are written there as they are filled
    let stage = folder::Staging::new(&a.out)?;
    let book = xlsx::Book::new(cfg.report.xlsx_zip_level, Some(stage.path()))?;
    let (p, early) = pipeline(&loaded, &cfg, a.year, &book)?;
    timings.push(("method", t0.elapsed().as_secs_f64()));
    progress.step("запись");
    let (parts, sheets) = parts::parts(&p, &loaded, &cfg, early, &book)?;
    crate::timing("tables");
    let files = files(&p, &cfg, &parts, (book, sheets), dialect, &stage)?;
    crate::timing("workbook, CSVs and page");
    let manifest = manifest(&p, &loaded, &cfg, &parts, &files, &timings);
    let mut text = serde_json::to_string_pretty(&manifest)?;
    text.push('\n');
    stage.write(folder::MANIFEST, text.as_bytes())?;
    crate::timing("manifest");
    stage.finish()?;
    crate::timing("written");
    drop(progress);
    if !crate::progress::quiet() {
        eprintln!(
            "{}",
            written(&a.out, &files, &manifest["counts"]["selected"])
        );
    }
    super::at_exit((p.sel, loaded));
    Ok(())
}

/// The summary on standard error (not with `--quiet`): the folder, its files and the number of
/// schools selected, in Russian.
fn written(out: &std::path::Path, files: &[(String, String)], selected: &Value) -> String {
    let csv = files.iter().filter(|(n, _)| n.starts_with("csv/")).count();
    let mut named: Vec<&str> = files
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| !n.starts_with("csv/"))
        .collect();
    named.push(folder::MANIFEST);
    format!(
        "shnor report: отчёт записан в {}: {} и csv/ (таблиц CSV: {csv}); отобрано школ: {selected}",
        out.display(),
        named.join(", "),
    )
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
/// risk profiles — each part absent, with its reason, when the inputs cannot support it. Beside
/// the dynamics (the longest), the parts that read only the selection and its context are built
/// and their sheets filled in `book` ([`Early`]).
pub fn pipeline(
    loaded: &Loaded,
    cfg: &Config,
    year: Option<i32>,
    book: &xlsx::Book,
) -> Result<(Pipeline, Early)> {
    let ds = &loaded.data;
    let year = select::resolve_year(ds, cfg, year)?;
    let ctx = Context::new(ds, cfg, year)?;
    crate::timing("context (index, resilience, objectivity, profiles)");
    let sel = select::run_with(ds, cfg, year, &ctx)?;
    crate::timing("three stages");
    // the comparison, the dynamics and the risk profiles read the same context and selection and
    // not each other: run side by side (the dynamics, with a selection per other year, the
    // longest), and beside them the selection's own tables and sheets
    let (monitor, (compare, risk, early)) = rayon::join(
        || monitor_part(ds, cfg, &ctx, &sel),
        || {
            let early = parts::early(year, &sel, &ctx, loaded, cfg, book);
            let c = compare_part(&ctx, year);
            crate::timing("  compare");
            let r = risk_part(ds, &ctx, &sel);
            crate::timing("  risk");
            (c, r, early)
        },
    );
    crate::timing("comparison, dynamics and risk profiles; the selection's sheets");
    let (compare, monitor, risk, early) = (compare?, monitor?, risk?, early?);
    let p = Pipeline {
        year,
        sel,
        ctx,
        compare,
        monitor,
        risk,
    };
    Ok((p, early))
}

/// The comparison with the region in `year`, absent without procedures with results that year.
fn compare_part(ctx: &Context, year: i32) -> Result<Result<Vec<Block>, String>> {
    Ok(match cmp::default_specs(&ctx.frames, &[year])? {
        specs if specs.is_empty() => Err("нет процедур с результатами в году отбора".to_string()),
        specs => Ok(cmp::compare(&ctx.frames, &specs, &[year])?),
    })
}

/// The dynamics over every year with results that have a share below the minimum, absent with
/// fewer than two.
fn monitor_part(
    ds: &crate::model::Dataset,
    cfg: &Config,
    ctx: &Context,
    sel: &Selection,
) -> Result<Result<(Vec<i32>, Monitor), String>> {
    // a year none of whose results has a share below the minimum (no scale, high results only)
    // cannot be judged: it is no year of the dynamics (as in `shnor monitor`)
    let all: Vec<i32> = ds.result_years().into_iter().collect();
    let years = crate::method::procedures::years_with_marks(&ctx.frames.results, &all)?;
    let unjudged: Vec<String> = all
        .iter()
        .filter(|y| !years.contains(y))
        .map(i32::to_string)
        .collect();
    let unjudged = match unjudged.is_empty() {
        true => String::new(),
        false => format!(" (без доли ниже минимума: {})", unjudged.join(", ")),
    };
    Ok(if years.len() < 2 {
        Err(format!(
            "нужны результаты хотя бы двух лет с долей ниже минимума, во входных данных: {}{unjudged}",
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

/// The files of the folder (manifest aside), written into `stage`: the workbook of the filled
/// sheets (`book`'s), and beside it (the longest: its zip is one thread's) one CSV in `dialect` per present
/// part and the page. Returns each file's name and sha256, the workbook first.
fn files(
    p: &Pipeline,
    cfg: &Config,
    parts: &[Part],
    (book, sheets): (xlsx::Book, Vec<Option<xlsx::Worksheet>>),
    dialect: CsvDialect,
    stage: &folder::Staging,
) -> Result<Vec<(String, String)>> {
    use rayon::prelude::*;
    let write = |name: String, bytes: &[u8]| -> Result<(String, String)> {
        stage.write(&name, bytes)?;
        Ok((name, crate::sha256_hex(bytes)))
    };
    // three branches: the workbook (its zip is one thread's), the CSVs (side by side) and the page
    let (workbook, (csvs, page)) = rayon::join(
        || -> Result<(String, String)> {
            let sheets = sheets.into_iter().flatten().collect();
            let bytes = book.finish(sheets)?;
            crate::timing("  workbook assembled and zipped");
            write("shnor-report.xlsx".into(), &bytes)
        },
        || {
            rayon::join(
                || -> Result<Vec<(String, String)>> {
                    parts
                        .par_iter()
                        .filter_map(|x| x.table.as_ref().ok().map(|t| (x.file, t)))
                        .map(|(file, t)| write(format!("csv/{file}.csv"), &t.csv_bytes(dialect)?))
                        .collect()
                },
                || -> Result<(String, String)> {
                    let html = html::page(&page::page(p, cfg, parts)?);
                    crate::timing("  page drawn");
                    write("report.html".into(), html.as_bytes())
                },
            )
        },
    );
    let mut files = vec![workbook?];
    files.extend(csvs?);
    files.push(page?);
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
    files: &[(String, String)],
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
        "files": files.iter().map(|(n, h)| json!({"name": n, "sha256": h})).collect::<Vec<_>>(),
        "timings_s": timings.iter().map(|(k, v)| (k.to_string(), json!(output::r6(*v)))).collect::<serde_json::Map<_, _>>(),
    });
    super::with_load_warnings(loaded, &mut [], &mut m);
    m
}
