//! The method: pure functions from the loaded data + config to results + ledger. No I/O.
pub mod ledger;
pub mod select;
pub mod strata;
