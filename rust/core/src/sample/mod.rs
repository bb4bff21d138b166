//! Sampling: random strings of a grammar's language (`strings`), from a
//! seeded generator (`rng`).

mod rng;
mod strings;

pub use rng::Rng;
pub use strings::Sampler;
