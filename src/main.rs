use clap::{Parser, Subcommand};
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

impl LoadArgs {
    fn opts(&self) -> Opts {
        Opts {
            lenient: self.lenient,
            kind: self.kind.clone(),
            scales: self.scales.clone(),
            year: self.file_year,
            grade: self.grade,
            subject: self.subject.clone(),
        }
    }
}

#[derive(Subcommand)]
enum Cmd {
    /// Say what each input is: kind, year, grade, subject, rows, schools, warnings.
    ///
    /// Kinds: pupils, fisoko-marks, fisoko-journal, marks, journal, markers, gia, moscow-ege,
    /// context-form, registry, directory, risk, scales.
    Inspect {
        #[command(flatten)]
        load: LoadArgs,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Three-stage ШНОР selection: screen, confirm and classify, pick by group quotas.
    Select {
        #[command(flatten)]
        load: LoadArgs,
        /// TOML config (see `shnor config --print-default`); missing keys keep their defaults.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Selection year (default: the latest year in the results).
        #[arg(long)]
        year: Option<i32>,
        /// Every school that entered stage 1, with the stage it reached and why it stopped.
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Tell one school's way through the selection, rule by rule, in Russian.
    Explain {
        /// School login (sch… or edu…).
        login: String,
        #[command(flatten)]
        load: LoadArgs,
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long)]
        year: Option<i32>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// School social well-being index (ИСБШ), its quintile groups and ШНСУ.
    Index {
        #[command(flatten)]
        load: LoadArgs,
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Context-adjusted results: OLS of results on the index, residuals, resilient schools.
    Resilient {
        #[command(flatten)]
        load: LoadArgs,
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long)]
        year: Option<i32>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Objectivity screen of ВПР: journal comparison and the boundary peak, relative to the region.
    Objectivity {
        #[command(flatten)]
        load: LoadArgs,
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Municipalities vs the region: shares below the minimum and high results, Wilson intervals, z-tests.
    Compare {
        #[command(flatten)]
        load: LoadArgs,
        #[arg(long)]
        config: Option<PathBuf>,
        /// ASSESSMENT:SUBJECT[:GRADE], e.g. ОГЭ:математика:9 (repeatable; default: every procedure of the latest year).
        #[arg(long = "procedure")]
        procedures: Vec<String>,
        /// A year or a range Y1-Y2 (default: the latest year).
        #[arg(long)]
        years: Option<String>,
        /// Compare the `bottom` rule's cut within each municipality with the regional cut.
        #[arg(long)]
        thresholds: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Status of every school per year, cluster transitions, entries and exits from the list.
    Monitor {
        #[command(flatten)]
        load: LoadArgs,
        #[arg(long)]
        config: Option<PathBuf>,
        /// A range Y1-Y2 (default: every year with results).
        #[arg(long)]
        years: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Rerun the selection over a grid of one or two parameters: list size, Jaccard, who enters or leaves.
    Sweep {
        #[command(flatten)]
        load: LoadArgs,
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long)]
        year: Option<i32>,
        /// KEY=START:STOP:STEP with a dotted config key, e.g. stage1.threshold=0.25:0.35:0.01 (one or two).
        #[arg(long = "param", required = true)]
        params: Vec<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Aggregate risk profiles per region, municipality and group; profiles of the selected schools.
    Risk {
        #[command(flatten)]
        load: LoadArgs,
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long)]
        year: Option<i32>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        #[arg(long)]
        out: Option<PathBuf>,
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
    },
}

#[allow(clippy::too_many_arguments)]
fn dyn_args<'a>(
    paths: &'a [PathBuf],
    opts: &'a Opts,
    config: Option<&'a std::path::Path>,
    year: Option<i32>,
    years: Option<&'a str>,
    params: &'a [String],
    format: Format,
    out: Option<&'a std::path::Path>,
) -> shnor::commands::dynamics::Args<'a> {
    shnor::commands::dynamics::Args {
        paths,
        opts,
        config,
        year,
        years,
        params,
        format,
        out,
    }
}

fn main() {
    let cli = Cli::parse();
    let res = match cli.cmd {
        Cmd::Inspect { load, format, out } => {
            shnor::commands::inspect::run(&load.paths, &load.opts(), format, out.as_deref())
        }
        Cmd::Select {
            load,
            config,
            year,
            all,
            format,
            out,
        } => {
            let opts = load.opts();
            shnor::commands::select::run(&shnor::commands::select::SelectArgs {
                paths: &load.paths,
                opts: &opts,
                config: config.as_deref(),
                year,
                all,
                format,
                out: out.as_deref(),
            })
        }
        Cmd::Explain {
            login,
            load,
            config,
            year,
            format,
            out,
        } => {
            let opts = load.opts();
            shnor::commands::select::explain(
                &login,
                &shnor::commands::select::SelectArgs {
                    paths: &load.paths,
                    opts: &opts,
                    config: config.as_deref(),
                    year,
                    all: true,
                    format,
                    out: out.as_deref(),
                },
            )
        }
        Cmd::Index {
            load,
            config,
            format,
            out,
        } => {
            let opts = load.opts();
            shnor::commands::context::run_index(&shnor::commands::context::Args {
                paths: &load.paths,
                opts: &opts,
                config: config.as_deref(),
                year: None,
                format,
                out: out.as_deref(),
            })
        }
        Cmd::Resilient {
            load,
            config,
            year,
            format,
            out,
        } => {
            let opts = load.opts();
            shnor::commands::context::run_resilient(&shnor::commands::context::Args {
                paths: &load.paths,
                opts: &opts,
                config: config.as_deref(),
                year,
                format,
                out: out.as_deref(),
            })
        }
        Cmd::Objectivity {
            load,
            config,
            format,
            out,
        } => {
            let opts = load.opts();
            shnor::commands::context::run_objectivity(&shnor::commands::context::Args {
                paths: &load.paths,
                opts: &opts,
                config: config.as_deref(),
                year: None,
                format,
                out: out.as_deref(),
            })
        }
        Cmd::Compare {
            load,
            config,
            procedures,
            years,
            thresholds,
            format,
            out,
        } => {
            let opts = load.opts();
            shnor::commands::compare::run(&shnor::commands::compare::Args {
                paths: &load.paths,
                opts: &opts,
                config: config.as_deref(),
                procedures: &procedures,
                years: years.as_deref(),
                thresholds,
                format,
                out: out.as_deref(),
            })
        }
        Cmd::Monitor {
            load,
            config,
            years,
            format,
            out,
        } => {
            let opts = load.opts();
            shnor::commands::dynamics::run_monitor(&dyn_args(
                &load.paths,
                &opts,
                config.as_deref(),
                None,
                years.as_deref(),
                &[],
                format,
                out.as_deref(),
            ))
        }
        Cmd::Sweep {
            load,
            config,
            year,
            params,
            format,
            out,
        } => {
            let opts = load.opts();
            shnor::commands::dynamics::run_sweep(&dyn_args(
                &load.paths,
                &opts,
                config.as_deref(),
                year,
                None,
                &params,
                format,
                out.as_deref(),
            ))
        }
        Cmd::Risk {
            load,
            config,
            year,
            format,
            out,
        } => {
            let opts = load.opts();
            shnor::commands::dynamics::run_risk(&dyn_args(
                &load.paths,
                &opts,
                config.as_deref(),
                year,
                None,
                &[],
                format,
                out.as_deref(),
            ))
        }
        Cmd::Config {
            print_default,
            check,
        } => shnor::commands::config::run(print_default, check.as_deref()),
        Cmd::Synth {
            seed,
            schools,
            years,
            out,
            flat_only,
        } => shnor::commands::synth::run(seed, schools, &years, &out, flat_only),
    };
    if let Err(e) = res {
        eprintln!("shnor: error: {e:#}");
        std::process::exit(shnor::error::exit_code(&e));
    }
}
