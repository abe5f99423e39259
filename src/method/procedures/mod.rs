//! Which procedures count and how a school's counts are pooled (METHOD.md §1, §10): the rows
//! stage 1 judges ([`rows`]), the pooling over the window ([`pooling`]), what the results cover
//! ([`coverage`]) and the schools of the results frame ([`schools`]). Every item is re-exported
//! here (`method::procedures::NAME`).
mod coverage;
mod pooling;
mod rows;
mod schools;

pub use coverage::*;
pub use pooling::*;
pub use rows::*;
pub use schools::*;

#[cfg(test)]
mod tests;
