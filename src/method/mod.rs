//! The method: pure functions from the loaded data + config to results + ledger. No I/O.
pub mod compare;
pub mod index;
pub mod ledger;
pub mod monitor;
pub mod objectivity;
pub mod resilience;
pub mod risk;
pub mod select;
pub mod strata;
pub mod sweep;
