//! The `shnor` binary: parse the command line, dispatch to the subcommand, map errors to exit codes.
mod allocator;

use clap::{CommandFactory, Parser, Subcommand};
use shnor::commands::{
    compare, completions, config, explain, index, inspect, man, monitor, objectivity, report,
    resilient, risk, scales, select, sweep, synth,
};
use std::io::Write;

#[derive(Parser)]
#[command(
    name = "shnor",
    version,
    about = "Отбор ШНОР и ШНСУ по данным ФИС ОКО, ВПР, ОГЭ и ЕГЭ"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
    /// No progress on standard error (shown only on a terminal, for steps that take a moment).
    #[arg(long, global = true)]
    quiet: bool,
}

/// The subcommands; each one's arguments, help and `run` live in `src/commands/<name>.rs`.
#[derive(Subcommand)]
enum Cmd {
    Inspect(inspect::Args),
    Select(select::Args),
    Explain(explain::Args),
    Index(index::Args),
    Resilient(resilient::Args),
    Objectivity(objectivity::Args),
    Compare(compare::Args),
    Monitor(monitor::Args),
    Sweep(sweep::Args),
    Risk(risk::Args),
    Config(config::Args),
    Scales(scales::Args),
    Synth(synth::Args),
    Report(report::Args),
    Completions(completions::Args),
    Man(man::Args),
}

fn main() {
    allocator::tune();
    let cli = Cli::parse();
    shnor::input::table::quiet_workbook_panics();
    shnor::progress::set_quiet(cli.quiet);
    let res = shnor::in_polars_pool(|| match &cli.cmd {
        Cmd::Inspect(a) => inspect::run(a),
        Cmd::Select(a) => select::run(a),
        Cmd::Explain(a) => explain::run(a),
        Cmd::Index(a) => index::run(a),
        Cmd::Resilient(a) => resilient::run(a),
        Cmd::Objectivity(a) => objectivity::run(a),
        Cmd::Compare(a) => compare::run(a),
        Cmd::Monitor(a) => monitor::run(a),
        Cmd::Sweep(a) => sweep::run(a),
        Cmd::Risk(a) => risk::run(a),
        Cmd::Config(a) => config::run(a),
        Cmd::Scales(a) => scales::run(a),
        Cmd::Synth(a) => synth::run(a),
        Cmd::Report(a) => report::run(a),
        Cmd::Completions(a) => completions::run(a, &mut Cli::command()),
        Cmd::Man(a) => man::run(a, Cli::command()),
    });
    if let Err(e) = res {
        if shnor::error::is_broken_pipe(&e) {
            std::process::exit(0);
        }
        // a closed standard error (`2>&1 | head -0`) must not turn the exit code into a panic's
        let _ = writeln!(std::io::stderr(), "{}", shnor::error::report(&e));
        std::process::exit(shnor::error::exit_code(&e));
    }
}
