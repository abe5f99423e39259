//! `shnor synth`: write a deterministic synthetic region.
use crate::error::usage;
use crate::synth::{self, Spec};
use anyhow::Result;
use std::io::Write;
use std::path::PathBuf;

/// Write a deterministic synthetic region in the real export shapes (with planted truth).
#[derive(clap::Args)]
pub struct Args {
    /// Seed of the generator: the same seed writes the same files.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Number of schools of the region.
    #[arg(long, default_value_t = 120)]
    pub schools: usize,
    /// A year or a range, e.g. 2023-2025.
    #[arg(long, default_value = "2023-2025")]
    pub years: String,
    /// Folder to write the region into (created; an existing non-empty one only with --force).
    #[arg(long)]
    pub out: PathBuf,
    /// Write into an --out folder that already holds files (overwriting those of the same name).
    #[arg(long)]
    pub force: bool,
    /// Only a UTF-8 `,` flat marks table with counts (national scale), registry and risk profiles.
    #[arg(long)]
    pub flat_only: bool,
    /// Every ВПР procedure (10 per year) as a per-pupil xlsx instead of a flat table.
    #[arg(long = "all-per-pupil")]
    pub all_pupils: bool,
    /// A region's ВПР folder as downloaded: 40 per-pupil xlsx a year (34 procedures with a
    /// built-in 2021 scale, 6 without), the 2021 ФИС ОКО context form and a directory; no
    /// registry, risk profiles or flat tables.
    #[arg(long = "vpr-folder")]
    pub vpr_folder: bool,
}

/// Write the region's files under `--out` and print their paths, one a line.
///
/// Errors: usage (exit 2) for two of `--flat-only`, `--all-per-pupil`, `--vpr-folder`, fewer than 10 schools, bad
/// `--years`, an `--out` that is a file or a non-empty folder without `--force`; internal (exit 3)
/// naming `--out` when it cannot be created.
pub fn run(a: &Args) -> Result<()> {
    if [a.flat_only, a.all_pupils, a.vpr_folder]
        .iter()
        .filter(|x| **x)
        .count()
        > 1
    {
        return Err(usage(
            "--flat-only, --all-per-pupil and --vpr-folder exclude each other",
        ));
    }
    if a.schools < 10 {
        return Err(usage(format!(
            "--schools {}: expected at least 10 schools",
            a.schools
        )));
    }
    crate::output::folder::check_free(&a.out, a.force)?;
    let spec = Spec {
        seed: a.seed,
        schools: a.schools,
        years: super::parse_years(&a.years)?,
        flat_only: a.flat_only,
        all_pupils: a.all_pupils,
        vpr_folder: a.vpr_folder,
    };
    let files = synth::write(&spec, &a.out)?;
    // a closed stderr or stdout is not a failure of the files written (`| head`)
    let _ = writeln!(
        std::io::stderr(),
        "shnor synth: {} files written to {}",
        files.len(),
        a.out.display()
    );
    let mut out = std::io::stdout().lock();
    for f in files {
        if writeln!(out, "{f}").is_err() {
            break;
        }
    }
    Ok(())
}
