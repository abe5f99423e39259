//! shnor: selection of ШНОР / ШНСУ from ФИС ОКО, ВПР, ОГЭ and ЕГЭ exports.
//!
//! Data flows one way: paths → `input` → canonical `model` → `method` → `output`.

/// One allocator for the binary, the tests and the benches (see Cargo.toml).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
pub mod commands;
pub mod config;
pub mod error;
pub mod input;
pub mod method;
pub mod model;
pub mod output;
pub mod stats;
pub mod synth;
