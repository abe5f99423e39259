//! `shnor completions SHELL`: the shell completion script, generated from the command line's
//! definition (clap_complete), so it never falls behind the options.
use anyhow::Result;
use clap_complete::Shell;

/// Print the completion script of SHELL (bash, zsh, fish, elvish, powershell) to standard output,
/// e.g. `shnor completions bash > ~/.local/share/bash-completion/completions/shnor`.
#[derive(clap::Args)]
pub struct Args {
    /// The shell to write completions for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Write the script of `a.shell` for `cmd` (the whole `shnor` command line).
pub fn run(a: &Args, cmd: &mut clap::Command) -> Result<()> {
    let mut out = Vec::new();
    clap_complete::generate(a.shell, cmd, "shnor", &mut out);
    crate::output::emit(&String::from_utf8(out)?, None)
}
