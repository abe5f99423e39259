//! Criterion benches: loading and selection. The national end-to-end command is in docs/PERFORMANCE.md.
//! Real Altai files are used when SHNOR_REAL_DATA names the folder of real exports.
use criterion::{criterion_group, criterion_main, Criterion};
use shnor::config::Config;
use shnor::input::{load_paths, Opts};
use shnor::method::select;
use std::path::PathBuf;

fn synthetic_region() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("region");
    let spec = shnor::synth::Spec {
        seed: 1,
        schools: 300,
        years: (2023, 2025),
        flat_only: false,
        all_pupils: false,
        vpr_folder: false,
    };
    shnor::synth::write(&spec, &out).unwrap();
    (dir, out)
}

fn flat_table(schools: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("flat");
    let spec = shnor::synth::Spec {
        seed: 1,
        schools,
        years: (2023, 2025),
        flat_only: true,
        all_pupils: false,
        vpr_folder: false,
    };
    shnor::synth::write(&spec, &out).unwrap();
    (dir, out)
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("shnor");
    g.sample_size(10);
    if let Some(real) = std::env::var_os("SHNOR_REAL_DATA") {
        let dir = PathBuf::from(real).join("vpr_altai_2021");
        g.bench_function("load_altai_2021_three_protocols", |b| {
            b.iter(|| load_paths(std::slice::from_ref(&dir), &Opts::default()).unwrap())
        });
    }
    let (_d, region) = synthetic_region();
    g.bench_function("load_region_300_pupil_xlsx", |b| {
        b.iter(|| load_paths(std::slice::from_ref(&region), &Opts::default()).unwrap())
    });
    let loaded = load_paths(std::slice::from_ref(&region), &Opts::default()).unwrap();
    let cfg = Config::default();
    g.bench_function("select_region_300", |b| {
        b.iter(|| select::run(&loaded.data, &cfg, 2025).unwrap())
    });
    let (_f, flat) = flat_table(5000);
    let file = flat.join("vpr_flat.csv");
    g.bench_function("load_flat_5000_schools", |b| {
        b.iter(|| load_paths(std::slice::from_ref(&file), &Opts::default()).unwrap())
    });
    g.bench_function("polars_read_flat_5000_schools", |b| {
        b.iter(|| {
            use polars::prelude::*;
            CsvReadOptions::default()
                .with_has_header(true)
                .try_into_reader_with_file_path(Some(file.clone()))
                .unwrap()
                .finish()
                .unwrap()
        })
    });
    // ИСБШ and resilience for 45 000 schools (issue: under 1 s)
    let (_n, national) = flat_table(45_000);
    let nat = load_paths(
        &[national.join("registry.csv"), national.join("vpr_flat.csv")],
        &Opts::default(),
    )
    .unwrap();
    let frames = shnor::model::frames::build(&nat.data).unwrap();
    g.bench_function("index_and_resilience_45000_schools", |b| {
        b.iter(|| {
            let idx = shnor::method::index::compute(&frames, &cfg).unwrap();
            shnor::method::resilience::compute(&frames, &cfg, &idx, 2025).unwrap()
        })
    });
    g.finish();
}

criterion_group!(group, benches);
criterion_main!(group);
