//! The one integration-test binary: runs the `shnor` binary as a user would, one module per command,
//! golden tables and JSON on `data-samples/region`, and the real-data checks (ignored unless asked
//! for: `SHNOR_REAL_DATA=FOLDER cargo test -- --ignored`).
//!
//! One binary links the library and its polars once; `cargo test --test integration select::` runs one
//! module.
mod util;

#[path = "integration/compare.rs"]
mod compare;
#[path = "integration/completions.rs"]
mod completions;
#[path = "integration/config.rs"]
mod config;
#[path = "integration/context_table.rs"]
mod context_table;
#[path = "integration/csv_data.rs"]
mod csv_data;
#[path = "integration/errors.rs"]
mod errors;
#[path = "integration/explain.rs"]
mod explain;
#[path = "integration/fresh_defects.rs"]
mod fresh_defects;
#[path = "integration/gia_form.rs"]
mod gia_form;
#[path = "integration/golden.rs"]
mod golden;
#[path = "integration/index.rs"]
mod index;
#[path = "integration/inspect.rs"]
mod inspect;
#[path = "integration/load_warnings.rs"]
mod load_warnings;
#[path = "integration/monitor.rs"]
mod monitor;
#[path = "integration/newcomer.rs"]
mod newcomer;
#[path = "integration/newcomer11.rs"]
mod newcomer11;
#[path = "integration/newcomer5.rs"]
mod newcomer5;
#[path = "integration/newcomer7.rs"]
mod newcomer7;
#[path = "integration/newcomer9.rs"]
mod newcomer9;
#[path = "integration/no_school_key.rs"]
mod no_school_key;
#[path = "integration/objectivity.rs"]
mod objectivity;
#[path = "integration/open_defects.rs"]
mod open_defects;
#[path = "integration/out_paths.rs"]
mod out_paths;
#[path = "integration/protocol.rs"]
mod protocol;
#[path = "integration/real_data.rs"]
mod real_data;
#[path = "integration/report.rs"]
mod report;
#[path = "integration/resilient.rs"]
mod resilient;
#[path = "integration/risk.rs"]
mod risk;
#[path = "integration/scales.rs"]
mod scales;
#[path = "integration/school_names.rs"]
mod school_names;
#[path = "integration/select.rs"]
mod select;
#[path = "integration/sweep.rs"]
mod sweep;
#[path = "integration/tidy31.rs"]
mod tidy31;
#[path = "integration/tidy34.rs"]
mod tidy34;
#[path = "integration/vpr_folder.rs"]
mod vpr_folder;
#[path = "integration/workbooks.rs"]
mod workbooks;
