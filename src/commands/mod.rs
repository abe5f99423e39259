//! One file per subcommand: wires input → method → output.
pub mod compare;
pub mod config;
pub mod context;
pub mod dynamics;
pub mod inspect;
pub mod select;
pub mod synth;

use crate::input::Opts;
use crate::output::Format;
use std::path::{Path, PathBuf};

/// What every data command takes: inputs, load options, config, year, output.
pub struct Common<'a> {
    pub paths: &'a [PathBuf],
    pub opts: &'a Opts,
    pub config: Option<&'a Path>,
    pub year: Option<i32>,
    pub format: Format,
    pub out: Option<&'a Path>,
}

/// Hand over what a command loaded when the process is about to end: freeing a national dataset
/// object by object takes longer than the system takes to drop the whole address space.
pub fn at_exit<T>(big: T) {
    std::mem::forget(big);
}
