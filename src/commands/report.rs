//! `shnor report`: the yearly pipeline run once, written as a folder people hand on — an Excel
//! workbook, the CSV of every table, a self-contained HTML page and a reproducibility manifest.
use super::{inputs_json, ConfigArgs, InputArgs};
use crate::config::Config;
use crate::input::Loaded;
use crate::method::compare::{self as cmp, Block};
use crate::method::monitor::{self as mon, Monitor};
use crate::method::procedures::BelowMin;
use crate::method::risk::{self as rsk, RiskReport};
use crate::method::select::{self, Context, Selection};
use crate::output::html;
use crate::output::{self, folder, xlsx, CsvDialect};
use anyhow::Result;
use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

mod hashes;
mod page;
mod parts;
pub use parts::{Filled, Out, Part};

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
    let checked = folder::check_target(&a.out, a.force)?;
    let mut cfg = a.config.load()?;
    crate::timing("report: start");
    // the inputs' sha256 (the manifest's) on a thread of the lowest priority from the start: it
    // takes only a core the load and the method leave idle, and is finished for the manifest
    let checksums = hashes::Hashing::start(&input_files(a));
    let mut loaded = a.inputs.load_unhashed()?;
    super::selection_year(&mut loaded, &mut cfg, a.year)?;
    crate::timing("inputs loaded");
    timings.push(("load", t0.elapsed().as_secs_f64()));
    let mut progress = crate::progress::Progress::new(0, "отчёт");
    progress.step("отбор, сравнение, динамика, риски");
    let dialect = if a.excel {
        CsvDialect::Excel
    } else {
        CsvDialect::Rfc4180
    };
    // the staging folder first: the sheets and CSVs are written there as the parts are made
    let stage = folder::Staging::new(&a.out)?;
    let book = xlsx::Book::new(cfg.report.xlsx_zip_level, Some(stage.path()))?;
    let out = Out {
        book: &book,
        stage: &stage,
        dialect,
    };
    let (p, filled) = pipeline(&loaded, &cfg, a.year, &out)?;
    timings.push(("method", t0.elapsed().as_secs_f64()));
    progress.step("запись");
    let filled = parts::with_summary(&p, &cfg, filled, &out)?;
    crate::timing("tables");
    let (parts, files) = files(&p, &cfg, filled, book, (&stage, dialect))?;
    crate::timing("workbook, CSVs and page");
    checksums.add_to(&mut loaded.reports)?;
    crate::timing("input checksums");
    let manifest = manifest(&p, &loaded, &cfg, &parts, &files, &timings);
    let mut text = serde_json::to_string_pretty(&manifest)?;
    text.push('\n');
    stage.write(folder::MANIFEST, text.as_bytes())?;
    crate::timing("manifest");
    stage.finish_checked(&checked)?;
    crate::timing("written");
    drop(progress);
    if !crate::progress::quiet() {
        let said = written(&a.out, &files, &manifest["counts"]["selected"]);
        // the report is written: a closed stderr does not make it a failure
        let _ = writeln!(std::io::stderr(), "{said}");
    }
    super::at_exit((p, loaded, parts));
    Ok(())
}

/// The files the load will read (`input::files::expand_paths` of the inputs, and `--scales`); none
/// when a path cannot be listed (the load says why).
fn input_files(a: &Args) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = crate::input::files::expand_paths(&a.inputs.paths)
        .map(|f| f.into_iter().map(|(p, _)| p).collect())
        .unwrap_or_default();
    files.extend(a.inputs.scales.iter().cloned());
    files
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
/// risk profiles — each part absent, with its reason, when the inputs cannot support it. Every
/// part but the summary is filled into `out` as soon as it is made ([`Filled`]), in sheet order.
pub fn pipeline(
    loaded: &Loaded,
    cfg: &Config,
    year: Option<i32>,
    out: &Out,
) -> Result<(Pipeline, Vec<Filled>)> {
    let ds = &loaded.data;
    let year = select::resolve_year(ds, cfg, year)?;
    let ctx = Context::new(ds, cfg, year)?;
    crate::timing("context (index, resilience, objectivity, profiles)");
    let sel = select::run_with(ds, cfg, year, &ctx)?;
    crate::timing("three stages");
    let (monitor, compare, risk, early) = after_stages((loaded, cfg, out), (&ctx, &sel));
    crate::timing("comparison, dynamics and risk profiles; every part filled");
    // the first error in the order the parts were joined before (comparison, dynamics, risk, the
    // selection's parts)
    let ((compare, c_parts), (monitor, m_parts)) = (compare?, monitor?);
    let ((risk, r_parts), mut all) = (risk?, early?);
    // the inputs stay last
    let inputs = all.pop();
    all.extend(
        c_parts
            .into_iter()
            .chain(m_parts)
            .chain(r_parts)
            .chain(inputs),
    );
    let p = Pipeline {
        year,
        sel,
        ctx,
        compare,
        monitor,
        risk,
    };
    Ok((p, all))
}

/// A part as made, with its parts filled.
type Made<T> = Result<(T, Vec<Filled>)>;
/// The dynamics with its years, or why it is absent.
type Dynamics = Result<(Vec<i32>, Monitor), String>;
/// The parts made after the three stages: the dynamics, the comparison, the risk profiles and
/// the selection's own parts.
type After = (
    Made<Dynamics>,
    Made<Result<Vec<Block>, String>>,
    Made<Result<RiskReport, String>>,
    Result<Vec<Filled>>,
);

/// The parts after the year's three stages (`sel` of `ctx`), each made and filled into `out`:
/// the comparison, the dynamics, the risk profiles and the selection's own parts.
fn after_stages(
    (loaded, cfg, out): (&Loaded, &Config, &Out),
    (ctx, sel): (&Context, &Selection),
) -> After {
    let (ds, year) = (&loaded.data, sel.year);
    // the comparison, the dynamics, the risk profiles and the selection's own parts read the same
    // context and selection and not each other: side by side, each filled as made. The three
    // that wait for polars' pool (the dynamics the longest: two other years' selections) each on
    // a thread of its own: on rayon's pool, a worker waiting for polars took other parts' jobs
    // and the part it waited for went on only after them (the dynamics ran last, alone)
    let filled = |parts| out.fill(parts);
    let dynamics = || -> Result<_> {
        let others = other_years(ds, cfg, ctx, year)?;
        let (m, below) = monitor_part(cfg, ctx, sel, others)?;
        let parts = filled(parts::monitor_parts(&m, below, cfg))?;
        crate::timing("  dynamics filled");
        Ok((m, parts))
    };
    let compare = || -> Result<_> {
        let c = compare_part(ctx, year)?;
        let parts = filled(parts::compare_parts(&c))?;
        crate::timing("  compare filled");
        Ok((c, parts))
    };
    let risk = || -> Result<_> {
        let r = risk_part(ds, ctx, sel)?;
        let parts = filled(parts::risk_parts(&r, year))?;
        crate::timing("  risk filled");
        Ok((r, parts))
    };
    std::thread::scope(|s| {
        let (monitor, compare, risk) = (s.spawn(dynamics), s.spawn(compare), s.spawn(risk));
        let early = parts::early(year, sel, ctx, loaded, cfg, out);
        (joined(monitor), joined(compare), joined(risk), early)
    })
}

/// A scoped thread's result; its panic goes on in the caller.
fn joined<T>(t: std::thread::ScopedJoinHandle<'_, T>) -> T {
    t.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// The comparison with the region in `year`, absent without procedures with results that year.
fn compare_part(ctx: &Context, year: i32) -> Result<Result<Vec<Block>, String>> {
    Ok(match cmp::default_specs(&ctx.frames, &[year])? {
        specs if specs.is_empty() => Err("нет процедур с результатами в году отбора".to_string()),
        specs => Ok(cmp::compare(&ctx.frames, &specs, &[year])?),
    })
}

/// The years of the dynamics, the share below the minimum they show (`procedures::below_min_kind`
/// of the years; «2» when it cannot be told) and the other years' selections
/// ([`mon::other_years_schools`]), or why the dynamics is absent.
type Others = Result<(Vec<i32>, BelowMin, Vec<Vec<select::SchoolResult>>), String>;

/// The dynamics' years (every year with results that have a share below the minimum; absent with
/// fewer than two) and, for them, the [`Others`] of the selection of `year` on `ctx`: the other
/// years judged beside the kind of share shown (a thread of its own, off the dynamics' chain).
fn other_years(
    ds: &crate::model::Dataset,
    cfg: &Config,
    ctx: &Context,
    year: i32,
) -> Result<Others> {
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
    if years.len() < 2 {
        return Ok(Err(format!(
            "нужны результаты хотя бы двух лет с долей ниже минимума, во входных данных: {}{unjudged}",
            crate::method::procedures::window_label(&years)
        )));
    }
    let (below, others) = std::thread::scope(|s| {
        let below = s.spawn(|| crate::method::procedures::below_min_kind(&ds.results, &years));
        let others = mon::other_years_schools(ds, cfg, &years, ctx, year);
        (joined(below).unwrap_or(BelowMin::Mark2), others)
    });
    Ok(Ok((years, below, others?)))
}

/// The dynamics of the selection `sel` on `ctx` and the other years' [`Others`], with the kind
/// of share it shows; absent (with the reason) as [`other_years`] found it.
fn monitor_part(
    cfg: &Config,
    ctx: &Context,
    sel: &Selection,
    others: Others,
) -> Result<(Dynamics, BelowMin)> {
    Ok(match others {
        Err(why) => (Err(why), BelowMin::Mark2),
        Ok((years, below, others)) => {
            let m = mon::monitor_of(cfg, &years, ctx, sel, &others)?;
            (Ok((years, m)), below)
        }
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

/// Each file of the folder: its name (relative to the folder) and sha256.
type Files = Vec<(String, String)>;

/// The files of the folder (manifest aside) and the parts: the workbook of `filled`'s sheets,
/// zipped (one thread) beside the page and then the CSVs left for the end (`parts::late_csv`),
/// into `stage` in `dialect`; the other CSVs are already written. Returns the parts and each
/// file's name and sha256: the workbook, the CSVs in sheet order, the page.
fn files(
    p: &Pipeline,
    cfg: &Config,
    filled: Vec<Filled>,
    book: xlsx::Book,
    (stage, dialect): (&folder::Staging, CsvDialect),
) -> Result<(Vec<Part>, Files)> {
    let write = |name: String, bytes: &[u8]| -> Result<(String, String)> {
        stage.write(&name, bytes)?;
        Ok((name, crate::sha256_hex(bytes)))
    };
    let mut parts = Vec::with_capacity(filled.len());
    let (mut sheets, mut csvs) = (Vec::new(), Vec::new());
    for f in filled {
        parts.push(f.part);
        sheets.extend(f.sheet);
        csvs.push(f.csv);
    }
    let (workbook, page) = rayon::join(
        || -> Result<(String, String)> {
            let bytes = book.finish(sheets)?;
            crate::timing("  workbook assembled and zipped");
            write("shnor-report.xlsx".into(), &bytes)
        },
        || -> Result<_> {
            let html = html::page(&page::page(p, cfg, &parts)?);
            crate::timing("  page drawn");
            let page = write("report.html".into(), html.as_bytes())?;
            let late = parts
                .iter()
                .map(|x| parts::late_csv(stage, dialect, x))
                .collect::<Result<Vec<_>>>()?;
            crate::timing("  CSVs left for the end");
            Ok((page, late))
        },
    );
    let (page, late) = page?;
    let mut files = vec![workbook?];
    files.extend(csvs.into_iter().zip(late).filter_map(|(c, l)| c.or(l)));
    files.push(page);
    Ok((parts, files))
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
