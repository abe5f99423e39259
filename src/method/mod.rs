//! The method: pure functions from the loaded data + config to results + ledger. No I/O.
pub mod bottom;
pub mod cluster;
pub mod compare;
pub mod context;
pub mod index;
pub mod ledger;
pub mod monitor;
pub mod objectivity;
pub mod procedures;
pub mod resilience;
pub mod risk;
pub mod select;
pub mod stage1;
pub mod stage2;
pub mod stage3;
pub mod strata;
pub mod sweep;
