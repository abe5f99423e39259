use clap::{Parser, Subcommand};
use shnor::commands::{self, Common};
use shnor::input::Opts;
use shnor::output::Format;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "shnor",
    version,
    about = "Отбор ШНОР и ШНСУ по данным ФИС ОКО, ВПР, ОГЭ и ЕГЭ"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Args, Clone)]
struct LoadArgs {
    /// Files or folders (searched recursively); inputs are recognised by their headers.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Force the input kind instead of detecting it (see `inspect --help`).
    #[arg(long)]
    kind: Option<String>,
    /// Extra primary-score → mark scales (CSV: year, grade, subject, max_score, min3, min4, min5).
    #[arg(long)]
    scales: Vec<PathBuf>,
    /// Turn row-level data errors into skipped rows with a counted warning.
    #[arg(long)]
    lenient: bool,
    /// Year of files that do not say it (title, name or folders win).
    #[arg(long = "file-year")]
    file_year: Option<i32>,
    /// Grade of files that do not say it.
    #[arg(long)]
    grade: Option<i32>,
    /// Subject of files that do not say it.
    #[arg(long)]
    subject: Option<String>,
}

#[derive(clap::Args, Clone)]
struct OutArgs {
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Write here (atomically) instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(clap::Args, Clone)]
struct CfgArgs {
    /// TOML config (see `shnor config --print-default`); missing keys keep their defaults.
    #[arg(long)]
    config: Option<PathBuf>,
}

/// Inputs, config and output of every command that runs the method.
#[derive(clap::Args, Clone)]
struct DataArgs {
    #[command(flatten)]
    load: LoadArgs,
    #[command(flatten)]
    cfg: CfgArgs,
    #[command(flatten)]
    out: OutArgs,
}

#[derive(Subcommand)]
enum Cmd {
    /// Say what each input is: kind, year, grade, subject, rows, schools, warnings.
    ///
    /// Kinds: pupils, fisoko-marks, fisoko-journal, fisoko-histogram, marks, journal, markers, gia,
    /// gia-summary, moscow-ege, context-form, registry, directory, risk, scales.
    Inspect {
        #[command(flatten)]
        load: LoadArgs,
        #[command(flatten)]
        out: OutArgs,
    },
    /// Three-stage ШНОР selection: screen, confirm and classify, pick by group quotas.
    Select {
        #[command(flatten)]
        data: DataArgs,
        /// Selection year (default: the latest year in the results).
        #[arg(long)]
        year: Option<i32>,
        /// Every school that entered stage 1, with the stage it reached and why it stopped.
        #[arg(long)]
        all: bool,
    },
    /// Tell one school's way through the selection, rule by rule, in Russian.
    Explain {
        /// School login (sch… or edu…).
        login: String,
        #[command(flatten)]
        data: DataArgs,
        #[arg(long)]
        year: Option<i32>,
    },
    /// School social well-being index (ИСБШ), its quintile groups and ШНСУ.
    Index {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Context-adjusted results: OLS of results on the index, residuals, resilient schools.
    Resilient {
        #[command(flatten)]
        data: DataArgs,
        #[arg(long)]
        year: Option<i32>,
    },
    /// Objectivity screen of ВПР: journal comparison and the boundary peak, relative to the region.
    Objectivity {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Municipalities vs the region: shares below the minimum and high results, Wilson intervals, z-tests.
    Compare {
        #[command(flatten)]
        data: DataArgs,
        /// ASSESSMENT:SUBJECT[:GRADE], e.g. ОГЭ:математика:9 (repeatable; default: every procedure of the latest year).
        #[arg(long = "procedure")]
        procedures: Vec<String>,
        /// A year or a range Y1-Y2 (default: the latest year).
        #[arg(long)]
        years: Option<String>,
        /// Compare the `bottom` rule's cut within each municipality with the regional cut.
        #[arg(long)]
        thresholds: bool,
    },
    /// Status of every school per year, cluster transitions, entries and exits from the list.
    Monitor {
        #[command(flatten)]
        data: DataArgs,
        /// A range Y1-Y2 (default: every year with results).
        #[arg(long)]
        years: Option<String>,
    },
    /// Rerun the selection over a grid of one or two parameters: list size, Jaccard, who enters or leaves.
    Sweep {
        #[command(flatten)]
        data: DataArgs,
        #[arg(long)]
        year: Option<i32>,
        /// KEY=START:STOP:STEP with a dotted config key, e.g. stage1.threshold=0.25:0.35:0.01 (one or two).
        #[arg(long = "param", required = true)]
        params: Vec<String>,
    },
    /// Aggregate risk profiles per region, municipality and group; profiles of the selected schools.
    Risk {
        #[command(flatten)]
        data: DataArgs,
        #[arg(long)]
        year: Option<i32>,
    },
    /// Print the default config with a comment per key, or check a config file.
    Config {
        #[arg(long)]
        print_default: bool,
        #[arg(long)]
        check: Option<PathBuf>,
    },
    /// Write a deterministic synthetic region in the real export shapes (with planted truth).
    Synth {
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long, default_value_t = 120)]
        schools: usize,
        /// A year or a range, e.g. 2023-2025.
        #[arg(long, default_value = "2023-2025")]
        years: String,
        #[arg(long)]
        out: PathBuf,
        /// Only a UTF-8 `,` flat marks table with counts (national scale), registry and risk profiles.
        #[arg(long)]
        flat_only: bool,
        /// Every ВПР procedure (10 per year) as a per-pupil xlsx instead of a flat table.
        #[arg(long = "all-per-pupil")]
        all_pupils: bool,
    },
}

/// Run a data command with its common arguments.
fn with<T>(
    load: &LoadArgs,
    cfg: Option<&CfgArgs>,
    year: Option<i32>,
    out: &OutArgs,
    f: impl FnOnce(&Common) -> T,
) -> T {
    let opts = Opts {
        lenient: load.lenient,
        kind: load.kind.clone(),
        scales: load.scales.clone(),
        year: load.file_year,
        grade: load.grade,
        subject: load.subject.clone(),
        skip_checksums: out.format != Format::Json,
    };
    let c = Common {
        paths: &load.paths,
        opts: &opts,
        config: cfg.and_then(|c| c.config.as_deref()),
        year,
        format: out.format,
        out: out.out.as_deref(),
    };
    f(&c)
}

/// Run a command of the method with its inputs, config, year and output.
fn with_data<T>(d: &DataArgs, year: Option<i32>, f: impl FnOnce(&Common) -> T) -> T {
    with(&d.load, Some(&d.cfg), year, &d.out, f)
}

fn main() {
    let cli = Cli::parse();
    let res = match &cli.cmd {
        Cmd::Inspect { load, out } => with(load, None, None, out, commands::inspect::run),
        Cmd::Select { data, year, all } => {
            with_data(data, *year, |c| commands::select::run(c, *all))
        }
        Cmd::Explain { login, data, year } => {
            with_data(data, *year, |c| commands::select::explain(login, c))
        }
        Cmd::Index { data } => with_data(data, None, commands::context::run_index),
        Cmd::Resilient { data, year } => with_data(data, *year, commands::context::run_resilient),
        Cmd::Objectivity { data } => with_data(data, None, commands::context::run_objectivity),
        Cmd::Compare {
            data,
            procedures,
            years,
            thresholds,
        } => with_data(data, None, |c| {
            commands::compare::run(c, procedures, years.as_deref(), *thresholds)
        }),
        Cmd::Monitor { data, years } => with_data(data, None, |c| {
            commands::dynamics::run_monitor(c, years.as_deref())
        }),
        Cmd::Sweep { data, year, params } => {
            with_data(data, *year, |c| commands::dynamics::run_sweep(c, params))
        }
        Cmd::Risk { data, year } => with_data(data, *year, commands::dynamics::run_risk),
        Cmd::Config {
            print_default,
            check,
        } => commands::config::run(*print_default, check.as_deref()),
        Cmd::Synth {
            seed,
            schools,
            years,
            out,
            flat_only,
            all_pupils,
        } => commands::synth::run(*seed, *schools, years, out, *flat_only, *all_pupils),
    };
    if let Err(e) = res {
        if shnor::error::is_broken_pipe(&e) {
            std::process::exit(0);
        }
        eprintln!("shnor: error: {e:#}");
        std::process::exit(shnor::error::exit_code(&e));
    }
}
