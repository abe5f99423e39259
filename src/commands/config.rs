//! `shnor config`: print the defaults, or check a config file.
use crate::config::{Config, DEFAULT_TOML};
use anyhow::Result;
use std::path::Path;

pub fn run(print_default: bool, check: Option<&Path>) -> Result<()> {
    if let Some(p) = check {
        let c = Config::load(Some(p))?;
        println!("{}: valid (config_sha256 {})", p.display(), c.sha256());
        return Ok(());
    }
    if print_default {
        return crate::output::emit(DEFAULT_TOML, None);
    }
    Err(crate::error::usage(
        "config: give --print-default or --check FILE",
    ))
}
