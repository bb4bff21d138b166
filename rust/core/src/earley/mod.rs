//! An Earley recognizer over lexemes.
//!
//! Rows (Earley sets) live back to back in flat arrays and are only ever
//! pushed or truncated, so rolling back to an earlier row is O(rows popped).
//! Prediction uses precomputed closures that already include the
//! Aycock–Horspool step over nullable symbols; completion uses Leo's
//! deterministic-reduction memo so right recursion stays linear.
//!
//! - `tables`: the parse tables: dotted positions, nullable
//!   nonterminals, prediction closures per node of the prediction graph.
//! - `chart`: the rows, with scanning, prediction, completion (Leo's
//!   memo included) and rollback.
//! - `scc`: strongly connected components, for the prediction graph.

mod chart;
mod scc;
mod tables;

pub use chart::{Chart, EarleyConfig};
pub use tables::Tables;

#[cfg(test)]
mod tests;
