//! Sampling: random strings of a grammar's language (`strings`), from a
//! seeded generator (`rng`); exact constrained next-token sampling with
//! AWRS (`awrs`) over a next-token distribution (`urn`).

mod awrs;
mod rng;
mod strings;
mod urn;

pub use awrs::{awrs, AwrsConfig, AwrsDraw, Estimator, Oracle, Outcome, Pending, Prefix, Proposal};
pub use rng::Rng;
pub use strings::Sampler;
pub use urn::{weights, Shaping, Urn};

use crate::error::Failure;
use crate::token::TokenMatcher;
use crate::vocab::TokenId;

/// A matcher's checks: `try_consume` and `fill_mask`.
impl Oracle for TokenMatcher {
    fn check(&mut self, tok: TokenId) -> Result<bool, Failure> {
        self.try_consume_checked(tok)
    }
    fn mask(&mut self, out: &mut Vec<u32>) -> Result<(), Failure> {
        out.clear();
        out.resize(self.token_grammar().vocab.mask_words(), 0);
        self.fill_mask(out)
    }
}

/// Draws the next token of `m` from `logits` shaped by `shaping`, exactly
/// from the distribution restricted to the tokens `oracle` allows, with
/// AWRS on the CPU. `urn` and `mask` are reused buffers. The matcher does
/// not change.
pub fn awrs_logits(
    logits: &[f32],
    shaping: Shaping,
    oracle: &mut impl Oracle,
    rng: &mut Rng,
    cfg: AwrsConfig,
    urn: &mut Urn,
    mask: &mut Vec<u32>,
) -> Result<AwrsDraw, Failure> {
    let mut w = urn.take();
    weights(logits, shaping, &mut w)?;
    urn.fill(w);
    match awrs(urn, oracle, rng, cfg, mask)? {
        Outcome::Done(d) => Ok(d),
        // The urn knows the whole distribution.
        Outcome::NeedsMask(_) => Err(Failure::argument("the urn could not finish a draw")),
    }
}
