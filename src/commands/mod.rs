//! One file per subcommand: wires input → method → output.
pub mod compare;
pub mod config;
pub mod context;
pub mod dynamics;
pub mod inspect;
pub mod select;
pub mod synth;
