//! End-to-end measurement in one run (docs/PERFORMANCE.md):
//!   cargo bench --bench e2e -- DIR
//! reads every CSV of DIR with polars' own CSV reader, then loads DIR with shnor and runs `select`
//! and a 21-point sweep, and prints the times, the ratios and the peak memory (VmHWM).
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

fn main() {
    let Some(dir) = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
    else {
        eprintln!("usage: cargo bench --bench e2e -- DIR   (e.g. a region from `shnor synth --schools 45000 --flat-only`)");
        return;
    };
    let mut csvs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    csvs.sort();
    let bytes: u64 = csvs
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    let t = Instant::now();
    for p in &csvs {
        use polars::prelude::*;
        let df = CsvReadOptions::default()
            .with_has_header(true)
            .try_into_reader_with_file_path(Some(p.clone()))
            .unwrap()
            .finish()
            .unwrap();
        std::hint::black_box(df.height());
    }
    let polars_s = t.elapsed().as_secs_f64();
    let rss_after_polars = peak_rss_mb();
    let t = Instant::now();
    let loaded = load_paths(std::slice::from_ref(&dir), &Opts::default()).unwrap();
    let load_s = t.elapsed().as_secs_f64();
    let rss_after_load = peak_rss_mb();
    let cfg = Config::default();
    let year = select::resolve_year(&loaded.data, &cfg, None).unwrap();
    let t = Instant::now();
    let idx = shnor::method::index::compute(&loaded.data, &cfg);
    let res = shnor::method::resilience::compute(&loaded.data, &cfg, &idx, year).unwrap();
    let context_s = t.elapsed().as_secs_f64();
    std::hint::black_box(res.schools.len());
    let t = Instant::now();
    let sel = select::run(&loaded.data, &cfg, year).unwrap();
    let select_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let p = sweep::parse_param("stage1.threshold=0.20:0.40:0.01").unwrap();
    let (_, points) = sweep::sweep(&loaded.data, &cfg, year, &[p]).unwrap();
    let sweep_s = t.elapsed().as_secs_f64();
    println!(
        "inputs: {} CSV files, {:.1} MB, {} result rows, {} schools",
        csvs.len(),
        bytes as f64 / 1e6,
        loaded.data.results.len(),
        loaded.data.schools.len()
    );
    println!("polars read (all CSVs):        {polars_s:.2} s (peak RSS {rss_after_polars:.0} MB)");
    println!("shnor load:                    {load_s:.2} s = {:.2} × polars (peak RSS {rss_after_load:.0} MB = {:.2} × input size)", load_s / polars_s, rss_after_load * 1e6 / 1048576.0 * 1.048576 / (bytes as f64 / 1e6));
    println!(
        "shnor select (stages only):    {select_s:.2} s; load + select = {:.2} × polars",
        (load_s + select_s) / polars_s
    );
    println!(
        "sweep, {} points:              {sweep_s:.2} s; load + sweep = {:.2} × (load + select)",
        points.len(),
        (load_s + sweep_s) / (load_s + select_s)
    );
    println!(
        "index + resilience ({} schools): {context_s:.2} s",
        idx.schools.len()
    );
    println!(
        "selected: {}",
        sel.schools.iter().filter(|s| s.selected).count()
    );
}
