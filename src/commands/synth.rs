//! `shnor synth`: write a deterministic synthetic region.
use crate::error::usage;
use crate::synth::{self, Spec};
use anyhow::Result;
use std::path::Path;

pub fn parse_years(s: &str) -> Result<(i32, i32)> {
    let bad = || {
        usage(format!(
            "--years {s}: expected a year or a range like 2023-2025"
        ))
    };
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (
            a.trim().parse().map_err(|_| bad())?,
            b.trim().parse().map_err(|_| bad())?,
        ),
        None => {
            let y = s.trim().parse().map_err(|_| bad())?;
            (y, y)
        }
    };
    if !(2000..2100).contains(&a) || b < a || b >= 2100 {
        return Err(bad());
    }
    Ok((a, b))
}

pub fn run(
    seed: u64,
    schools: usize,
    years: &str,
    out: &Path,
    flat_only: bool,
    all_pupils: bool,
) -> Result<()> {
    if flat_only && all_pupils {
        return Err(usage("--flat-only and --all-per-pupil exclude each other"));
    }
    if schools < 10 {
        return Err(usage(format!(
            "--schools {schools}: expected at least 10 schools"
        )));
    }
    let spec = Spec {
        seed,
        schools,
        years: parse_years(years)?,
        flat_only,
        all_pupils,
    };
    let files = synth::write(&spec, out)?;
    eprintln!(
        "shnor synth: {} files written to {}",
        files.len(),
        out.display()
    );
    for f in files {
        println!("{f}");
    }
    Ok(())
}
