//! End-to-end measurement in one run (docs/PERFORMANCE.md):
//!   cargo bench --bench e2e -- DIR
//! Each timed step runs in a child process of this program (best of five, interleaved with the
//! polars step it is compared with), so that its peak
//! memory (VmHWM) is its own: polars' own CSV reader on the flat marks table and on every CSV of DIR, shnor's load of
//! the flat table, shnor's load + select of DIR. Then, in this process, index + resilience and a
//! 21-point sweep over the loaded data. Also the CLI itself: `shnor select DIR` against
//! `shnor report DIR` (issue 15).
/// The binary's allocator options (src/allocator.rs), set in every child: polars' read and shnor's
/// steps run under the allocator settings of the `shnor` binary.
#[path = "../src/allocator.rs"]
mod allocator;

use shnor::config::Config;
use shnor::input::{load_paths, Opts};
use shnor::method::{select, sweep};
use std::path::PathBuf;
use std::time::Instant;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn csvs_of(dir: &PathBuf) -> Vec<PathBuf> {
    let mut csvs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    csvs.sort();
    csvs
}

fn size_mb(paths: &[PathBuf]) -> f64 {
    paths
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum::<u64>() as f64
        / 1048576.0
}

/// The file's separator as its header line tells it, `;` or `,` (whichever the line holds more
/// of), so that polars' bare read parses every file into its columns: with polars' default `,` the
/// synth registry (`;`) was read as one text column, a cheaper read than the file's.
fn separator_of(p: &PathBuf) -> u8 {
    use std::io::BufRead;
    let mut line = String::new();
    std::io::BufReader::new(std::fs::File::open(p).unwrap())
        .read_line(&mut line)
        .unwrap();
    let count = |c: char| line.matches(c).count();
    if count(';') > count(',') {
        b';'
    } else {
        b','
    }
}

/// One timed step in this process; prints `seconds peak_mb`.
fn child(step: &str, paths: &[PathBuf]) {
    allocator::tune();
    let t = Instant::now();
    match step {
        "polars" => {
            for p in paths {
                use polars::prelude::*;
                let df = CsvReadOptions::default()
                    .with_has_header(true)
                    .map_parse_options(|o| o.with_separator(separator_of(p)))
                    .try_into_reader_with_file_path(Some(p.clone()))
                    .unwrap()
                    .finish()
                    .unwrap();
                std::hint::black_box(df.height());
            }
        }
        // shnor's steps on polars' pool, as the binary runs them (`shnor::in_polars_pool`)
        "load" => shnor::in_polars_pool(|| {
            // as `shnor inspect` prints it: no input checksums in a table
            let opts = Opts {
                skip_checksums: true,
                ..Opts::default()
            };
            let l = load_paths(paths, &opts).unwrap();
            std::hint::black_box(l.data.results.height());
            // as the CLI ends (commands::at_exit): the process exits without freeing the dataset
            std::mem::forget(l);
        }),
        "select-list" | "select-json" | "select-all-json" => shnor::in_polars_pool(|| {
            // as `shnor select` with the list formats, `--format json` and `--all --format json`:
            // the JSON contract lists the inputs' checksums and the shown schools' ledgers
            let shown = match step {
                "select-list" => select::Shown::NoLedgers,
                "select-json" => select::Shown::Selected,
                _ => select::Shown::All,
            };
            let opts = Opts {
                skip_checksums: shown == select::Shown::NoLedgers,
                ..Opts::default()
            };
            let l = load_paths(paths, &opts).unwrap();
            let cfg = Config::default();
            let year = select::resolve_year(&l.data, &cfg, None).unwrap();
            let mut ctx = select::Context::for_selection(&l.data, &cfg, year).unwrap();
            let sel = select::run_showing(&l.data, &cfg, year, &mut ctx, shown).unwrap();
            std::hint::black_box(sel.schools.len());
            // as the CLI ends (commands::at_exit)
            std::mem::forget((sel, l, ctx));
        }),
        _ => panic!("unknown step {step}"),
    }
    println!("{} {}", t.elapsed().as_secs_f64(), peak_rss_mb());
}

/// Run steps in child processes, interleaved over five rounds (polars, shnor, polars, shnor…) so
/// that a busy spell of this shared 2-core host falls on both sides of a ratio; the best run of
/// each step: (seconds, peak MB of that run).
fn run_interleaved(steps: &[&str], paths: &[PathBuf]) -> Vec<(f64, f64)> {
    let mut best = vec![(f64::INFINITY, f64::NAN); steps.len()];
    for _ in 0..5 {
        for (k, step) in steps.iter().enumerate() {
            let r = run_once(step, paths);
            if r.0 < best[k].0 {
                best[k] = r;
            }
        }
    }
    best
}

fn run_once(step: &str, paths: &[PathBuf]) -> (f64, f64) {
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .arg("--child")
        .arg(step)
        .args(paths)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{step}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8(out.stdout).unwrap();
    let v: Vec<f64> = s.split_whitespace().map(|x| x.parse().unwrap()).collect();
    (v[0], v[1])
}

/// The CLI as people run it (the release binary of this build): `shnor select DIR` against
/// `shnor report DIR --out TMP`, interleaved over three rounds, the best of each with its peak
/// memory (the last `SHNOR_TIMINGS` line). Issue 15: report adds ≤ 1 s to select.
fn cli_select_vs_report(dir: &std::path::Path) {
    let out = std::env::temp_dir().join(format!("shnor-e2e-report-{}", std::process::id()));
    let run = |args: &[&std::ffi::OsStr]| -> (f64, f64) {
        let t = Instant::now();
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_shnor"))
            .args(args)
            .env("SHNOR_TIMINGS", "1")
            .output()
            .unwrap();
        let s = t.elapsed().as_secs_f64();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{args:?}: {err}");
        let peak = err
            .lines()
            .rev()
            .find_map(|l| l.rsplit_once("peak ")?.1.strip_suffix(" MB")?.parse().ok())
            .unwrap_or(f64::NAN);
        (s, peak)
    };
    let (dir, out_s) = (dir.as_os_str(), out.as_os_str());
    let mut best = [(f64::INFINITY, f64::NAN); 2];
    for _ in 0..3 {
        let r = [
            run(&["select".as_ref(), dir]),
            run(&[
                "report".as_ref(),
                dir,
                "--out".as_ref(),
                out_s,
                "--force".as_ref(),
            ]),
        ];
        for (b, r) in best.iter_mut().zip(r) {
            if r.0 < b.0 {
                *b = r;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    let [(ts, ms), (tr, mr)] = best;
    println!("the CLI, best of three interleaved:");
    println!("  shnor select     {ts:.2} s, peak {ms:.0} MB");
    println!(
        "  shnor report     {tr:.2} s, peak {mr:.0} MB: adds {:.2} s to select",
        tr - ts
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let paths: Vec<PathBuf> = args[i + 2..].iter().map(PathBuf::from).collect();
        child(&args[i + 1], &paths);
        return;
    }
    let Some(dir) = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
    else {
        eprintln!("usage: cargo bench --bench e2e -- DIR   (e.g. a region from `shnor synth --schools 45000 --flat-only`)");
        return;
    };
    let csvs = csvs_of(&dir);
    let flat: Vec<PathBuf> = csvs
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "vpr_flat.csv"))
        .cloned()
        .collect();
    if !flat.is_empty() {
        let r = run_interleaved(&["polars", "load"], &flat);
        let ((tp, mp), (tl, ml)) = (r[0], r[1]);
        let mb = size_mb(&flat);
        println!("flat marks table ({mb:.0} MB):");
        println!("  polars read      {tp:.2} s, peak {mp:.0} MB");
        println!(
            "  shnor load       {tl:.2} s = {:.2} × polars, peak {ml:.0} MB = {:.2} × the file",
            tl / tp,
            ml / mb
        );
    }
    let steps = ["polars", "select-list", "select-json", "select-all-json"];
    let r = run_interleaved(&steps, &csvs);
    let (tp, mp) = r[0];
    let mb = size_mb(&csvs);
    println!("all {} CSV files ({mb:.0} MB):", csvs.len());
    println!("  polars read      {tp:.2} s, peak {mp:.0} MB");
    for (k, what) in [
        (1, "load + select, list"),
        (2, "load + select, JSON (selected schools' ledgers)"),
        (3, "load + select, JSON --all (every ledger)"),
    ] {
        let (ts, ms) = r[k];
        println!(
            "  shnor {what}: {ts:.2} s = {:.2} × polars, peak {ms:.0} MB = {:.2} × the input",
            ts / tp,
            ms / mb
        );
    }
    cli_select_vs_report(&dir);
    // in this process: the steps after loading
    let t = Instant::now();
    let loaded = load_paths(std::slice::from_ref(&dir), &Opts::default()).unwrap();
    let load_s = t.elapsed().as_secs_f64();
    let cfg = Config::default();
    let year = select::resolve_year(&loaded.data, &cfg, None).unwrap();
    let t = Instant::now();
    let frames = shnor::model::frames::build(&loaded.data).unwrap();
    let idx = shnor::method::index::compute(&frames, &cfg).unwrap();
    let res = shnor::method::resilience::compute(&frames, &cfg, &idx, year).unwrap();
    let context_s = t.elapsed().as_secs_f64();
    std::hint::black_box(res.schools.len());
    let t = Instant::now();
    let sel = select::run(&loaded.data, &cfg, year).unwrap();
    let select_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let p = sweep::parse_param(&cfg, "stage1.threshold=0.20:0.40:0.01").unwrap();
    let (_, points) = sweep::sweep(&loaded.data, &cfg, year, &[p]).unwrap();
    let sweep_s = t.elapsed().as_secs_f64();
    println!(
        "in one process: {} result rows, {} schools; load {load_s:.2} s, select (stages only) {select_s:.2} s",
        loaded.data.results.height(),
        loaded.data.schools.height()
    );
    println!(
        "  sweep, {} points: {sweep_s:.2} s; load + sweep = {:.2} × (load + select)",
        points.len(),
        (load_s + sweep_s) / (load_s + select_s)
    );
    println!(
        "  index + resilience ({} schools): {context_s:.2} s",
        idx.schools.len()
    );
    println!(
        "  selected: {}",
        sel.schools.iter().filter(|s| s.selected).count()
    );
}
