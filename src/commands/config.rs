//! `shnor config`: print the defaults, or check a config file.
use crate::config::{Config, DEFAULT_TOML};
use anyhow::Result;
use std::path::PathBuf;

/// Print the default config with a comment per key, or check a config file.
#[derive(clap::Args)]
pub struct Args {
    /// Print the default config (TOML) with a comment per key saying its meaning and source.
    #[arg(long)]
    pub print_default: bool,
    /// Check a config file (unknown keys, values out of range) and print its config_sha256.
    #[arg(long)]
    pub check: Option<PathBuf>,
}

/// `--check FILE` wins over `--print-default`; neither is a usage error (exit 2).
pub fn run(a: &Args) -> Result<()> {
    if let Some(p) = &a.check {
        let c = Config::load_named(p, "--check")?;
        println!("{}: valid (config_sha256 {})", p.display(), c.sha256());
        return Ok(());
    }
    if a.print_default {
        return crate::output::emit(DEFAULT_TOML, None);
    }
    Err(crate::error::usage(
        "config: give --print-default or --check FILE",
    ))
}
