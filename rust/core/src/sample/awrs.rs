//! Adaptive weighted rejection sampling (AWRS; Lipkin et al. 2025): an
//! exact sample of the masked next-token distribution, and an unbiased
//! estimate of its mass, from a few token checks instead of a whole mask.
//!
//! Tokens are drawn without replacement in Gumbel-max order and checked;
//! the first that passes is the sample, exactly distributed as the
//! distribution restricted to the valid tokens (those rejected before it
//! are invalid, so they change nothing). The valid mass `Z` is estimated
//! for sequential Monte Carlo:
//!
//! - **recursive**: with `W` the mass left after the rejections and `x`
//!   the sample, one more token `y` is drawn from what is left without
//!   `x`: `Ẑ = W` if `y` is valid, else `p(x)`. Unbiased by
//!   `Z_S = p(x) + Z_{S∖x}` for a valid `x` and `Z_S = Z_{S∖u}` for an
//!   invalid `u`.
//! - **geometric**: the same draws seen as draws with replacement from
//!   the whole distribution (draws of tokens already rejected are counted
//!   without being made: a geometric number of them before each real
//!   draw), continued until `r` accepts in `n` trials: `Ẑ = (r-1)/(n-1)`,
//!   the unbiased estimate of a success rate under inverse sampling.
//!
//! After `max_rejects` rejections the full mask is computed and the draw
//! finishes exactly: the sample is drawn from the masked distribution,
//! the recursive estimate becomes the exact `Z` (its expectation given
//! any run of rejections is `Z`), and the geometric run's missing trials
//! are drawn from their exact law (geometric with success rate `Z`).

use std::collections::HashSet;

use super::rng::Rng;
use super::urn::Urn;
use crate::error::Failure;
use crate::vocab::TokenId;

/// How the valid mass is estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Estimator {
    /// One check after the first accept.
    Recursive,
    /// Checks until `accepts` (at least 2) accepts.
    Geometric { accepts: u32 },
}

#[derive(Debug, Clone, Copy)]
pub struct AwrsConfig {
    /// Rejections before the full mask decides.
    pub max_rejects: usize,
    pub estimator: Estimator,
}

impl Default for AwrsConfig {
    fn default() -> AwrsConfig {
        AwrsConfig {
            max_rejects: 32,
            estimator: Estimator::Recursive,
        }
    }
}

/// What decides whether a token is valid: a matcher, perhaps with more
/// checks on top.
pub trait Oracle {
    /// Whether `tok` may come next (the state does not change).
    fn check(&mut self, tok: TokenId) -> Result<bool, Failure>;
    /// Writes the valid tokens (bit i of word w: token 32w+i) into `out`.
    fn mask(&mut self, out: &mut Vec<u32>) -> Result<(), Failure>;
}

/// Where the draws come from.
pub trait Proposal {
    /// A token drawn from the mass not yet taken out, with its
    /// probability; None when there is none, or when this proposal cannot
    /// draw more (then the mask decides).
    fn next(&mut self, rng: &mut Rng) -> Option<(TokenId, f64)>;
    /// Takes `tok` out.
    fn remove(&mut self, tok: TokenId);
    /// The probability mass not taken out.
    fn remaining(&self) -> f64;
    /// A draw with replacement from the whole distribution: how many
    /// draws of taken-out tokens came first, and a token (perhaps taken
    /// out itself); None when this proposal cannot draw more.
    fn trial(&mut self, rng: &mut Rng) -> Option<(u64, TokenId)>;
    /// With the valid tokens known: their mass and a draw among them
    /// (None when this proposal does not know the whole distribution).
    fn exact(&mut self, valid: &[u32], rng: &mut Rng) -> Option<(f64, Option<TokenId>)>;
}

/// The result of one draw.
#[derive(Debug, Clone, PartialEq)]
pub struct AwrsDraw {
    pub token: TokenId,
    /// The estimated log of the valid mass (exact after a fallback).
    pub log_weight: f64,
    /// Tokens checked.
    pub checks: usize,
    /// Whether the full mask was computed.
    pub fell_back: bool,
}

fn bit(mask: &[u32], tok: TokenId) -> bool {
    mask.get(tok as usize / 32)
        .is_some_and(|w| w >> (tok % 32) & 1 == 1)
}

/// The whole distribution on the CPU, in an urn.
impl Proposal for Urn {
    fn next(&mut self, rng: &mut Rng) -> Option<(TokenId, f64)> {
        let t = self.draw(rng)?;
        Some((t, self.prob(t)))
    }
    fn remove(&mut self, tok: TokenId) {
        Urn::remove(self, tok);
    }
    fn remaining(&self) -> f64 {
        Urn::remaining(self)
    }
    fn trial(&mut self, rng: &mut Rng) -> Option<(u64, TokenId)> {
        let left = Urn::remaining(self);
        let t = self.draw(rng)?;
        let skipped = if left >= 1.0 {
            0
        } else {
            rng.geometric(left).saturating_sub(1)
        };
        Some((skipped, t))
    }
    fn exact(&mut self, valid: &[u32], rng: &mut Rng) -> Option<(f64, Option<TokenId>)> {
        let w = self.weights();
        let mut z = 0.0f64;
        for (i, &x) in w.iter().enumerate() {
            if x > 0.0 && bit(valid, i as TokenId) {
                z += x as f64;
            }
        }
        if z <= 0.0 {
            return Some((0.0, None));
        }
        let mut u = rng.unit() * z;
        let mut last = None;
        for (i, &x) in w.iter().enumerate() {
            if x > 0.0 && bit(valid, i as TokenId) {
                last = Some(i as TokenId);
                u -= x as f64;
                if u < 0.0 {
                    break;
                }
            }
        }
        Some((z / self.total(), last))
    }
}

/// A distribution known only through the head of its Gumbel-max order
/// and a few draws with replacement (what a GPU sends back).
#[derive(Debug)]
pub struct Prefix {
    /// The first tokens in Gumbel-max order, with their probabilities.
    pub order: Vec<(TokenId, f64)>,
    /// Independent draws from the distribution.
    pub draws: Vec<TokenId>,
    next: usize,
    used: usize,
    removed: HashSet<TokenId>,
    removed_mass: f64,
}

impl Prefix {
    pub fn new(order: Vec<(TokenId, f64)>, draws: Vec<TokenId>) -> Prefix {
        Prefix {
            order,
            draws,
            next: 0,
            used: 0,
            removed: HashSet::new(),
            removed_mass: 0.0,
        }
    }
}

impl Proposal for Prefix {
    fn next(&mut self, _: &mut Rng) -> Option<(TokenId, f64)> {
        while let Some(&(t, p)) = self.order.get(self.next) {
            if !self.removed.contains(&t) {
                return Some((t, p));
            }
            self.next += 1;
        }
        None
    }
    fn remove(&mut self, tok: TokenId) {
        if self.removed.insert(tok) {
            if let Some(&(_, p)) = self.order.iter().find(|x| x.0 == tok) {
                self.removed_mass += p;
            }
        }
    }
    fn remaining(&self) -> f64 {
        (1.0 - self.removed_mass).max(0.0)
    }
    fn trial(&mut self, _: &mut Rng) -> Option<(u64, TokenId)> {
        let t = *self.draws.get(self.used)?;
        self.used += 1;
        Some((0, t))
    }
    fn exact(&mut self, _: &[u32], _: &mut Rng) -> Option<(f64, Option<TokenId>)> {
        None
    }
}

/// How a draw that needs the mask ends, when the proposal cannot finish
/// it: the caller computes the valid mass `z` and, if `token` is None, a
/// draw among the valid tokens, then calls [`Pending::finish`].
#[derive(Debug, Clone)]
pub struct Pending {
    pub token: Option<TokenId>,
    pub checks: usize,
    estimator: Estimator,
    trials: u64,
    accepts: u32,
}

impl Pending {
    /// The draw, given the valid mass `z` and a draw `fresh` among the
    /// valid tokens (used when no token was accepted yet).
    pub fn finish(
        &self,
        z: f64,
        fresh: Option<TokenId>,
        rng: &mut Rng,
    ) -> Result<AwrsDraw, Failure> {
        let token = match (self.token, fresh) {
            (Some(t), _) | (None, Some(t)) => t,
            (None, None) => return Err(no_token()),
        };
        if z <= 0.0 {
            return Err(no_token());
        }
        let log_weight = match self.estimator {
            Estimator::Recursive => z.ln(),
            Estimator::Geometric { accepts } => {
                let mut n = self.trials;
                for _ in self.accepts..accepts {
                    n = n.saturating_add(rng.geometric(z));
                }
                geometric_log(accepts, n)
            }
        };
        Ok(AwrsDraw {
            token,
            log_weight,
            checks: self.checks,
            fell_back: true,
        })
    }
}

fn no_token() -> Failure {
    Failure::rejected("no token can continue the output: the grammar's language is empty here")
}

fn geometric_log(accepts: u32, trials: u64) -> f64 {
    ((accepts as f64 - 1.0) / (trials as f64 - 1.0).max(1.0)).ln()
}

/// The outcome of [`awrs`]: a draw, or a draw the caller finishes with
/// the mask (for a [`Prefix`] proposal).
#[derive(Debug)]
pub enum Outcome {
    Done(AwrsDraw),
    NeedsMask(Pending),
}

/// Draws one token with AWRS. See the module's documentation.
pub fn awrs(
    prop: &mut impl Proposal,
    oracle: &mut impl Oracle,
    rng: &mut Rng,
    cfg: AwrsConfig,
    mask: &mut Vec<u32>,
) -> Result<Outcome, Failure> {
    let pending = match cfg.estimator {
        Estimator::Recursive => match recursive(prop, oracle, rng, cfg.max_rejects)? {
            Ok(d) => return Ok(Outcome::Done(d)),
            Err(p) => p,
        },
        Estimator::Geometric { accepts } => {
            if accepts < 2 {
                return Err(Failure::argument(
                    "the geometric estimator needs at least 2 accepts",
                ));
            }
            match geometric(prop, oracle, rng, cfg.max_rejects, accepts)? {
                Ok(d) => return Ok(Outcome::Done(d)),
                Err(p) => p,
            }
        }
    };
    oracle.mask(mask)?;
    match prop.exact(mask, rng) {
        Some((z, fresh)) => pending.finish(z, fresh, rng).map(Outcome::Done),
        None => Ok(Outcome::NeedsMask(pending)),
    }
}

type Step = Result<AwrsDraw, Pending>;

fn recursive(
    prop: &mut impl Proposal,
    oracle: &mut impl Oracle,
    rng: &mut Rng,
    max_rejects: usize,
) -> Result<Step, Failure> {
    let mut checks = 0;
    let mut rejects = 0;
    let pending = |token, checks| Pending {
        token,
        checks,
        estimator: Estimator::Recursive,
        trials: 0,
        accepts: 0,
    };
    let (x, px) = loop {
        if rejects >= max_rejects {
            return Ok(Err(pending(None, checks)));
        }
        let Some((t, p)) = prop.next(rng) else {
            return Ok(Err(pending(None, checks)));
        };
        checks += 1;
        if oracle.check(t)? {
            break (t, p);
        }
        prop.remove(t);
        rejects += 1;
    };
    let w = prop.remaining();
    prop.remove(x);
    let z = match prop.next(rng) {
        // x held all the mass left.
        None if prop.remaining() <= 0.0 => w,
        None => return Ok(Err(pending(Some(x), checks))),
        Some((y, _)) => {
            checks += 1;
            if oracle.check(y)? {
                w
            } else {
                px.min(w)
            }
        }
    };
    Ok(Ok(AwrsDraw {
        token: x,
        log_weight: z.ln(),
        checks,
        fell_back: false,
    }))
}

fn geometric(
    prop: &mut impl Proposal,
    oracle: &mut impl Oracle,
    rng: &mut Rng,
    max_rejects: usize,
    accepts: u32,
) -> Result<Step, Failure> {
    let mut checks = 0;
    let mut rejects = 0;
    let mut trials: u64 = 0;
    let mut got = 0u32;
    let mut first = None;
    let mut rejected: HashSet<TokenId> = HashSet::new();
    let mut valid: HashSet<TokenId> = HashSet::new();
    while got < accepts {
        let pending = |token, checks, trials, got| Pending {
            token,
            checks,
            estimator: Estimator::Geometric { accepts },
            trials,
            accepts: got,
        };
        // Decided before the next draw: a draw seen and then undone would
        // bias what replaces it.
        if rejects >= max_rejects {
            return Ok(Err(pending(first, checks, trials, got)));
        }
        let Some((skipped, t)) = prop.trial(rng) else {
            return Ok(Err(pending(first, checks, trials, got)));
        };
        trials = trials.saturating_add(skipped).saturating_add(1);
        if rejected.contains(&t) {
            continue;
        }
        if valid.contains(&t) {
            got += 1;
            continue;
        }
        checks += 1;
        if oracle.check(t)? {
            valid.insert(t);
            first.get_or_insert(t);
            got += 1;
        } else {
            rejected.insert(t);
            prop.remove(t);
            rejects += 1;
        }
    }
    // Every accept counted follows a first one; the mask decides otherwise.
    let Some(token) = first else {
        return Ok(Err(Pending {
            token: None,
            checks,
            estimator: Estimator::Geometric { accepts },
            trials: 0,
            accepts: 0,
        }));
    };
    Ok(Ok(AwrsDraw {
        token,
        log_weight: geometric_log(accepts, trials),
        checks,
        fell_back: false,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Valid tokens from a fixed set.
    struct Set(Vec<bool>);

    impl Oracle for Set {
        fn check(&mut self, tok: TokenId) -> Result<bool, Failure> {
            Ok(self.0[tok as usize])
        }
        fn mask(&mut self, out: &mut Vec<u32>) -> Result<(), Failure> {
            out.clear();
            out.resize(self.0.len().div_ceil(32), 0);
            for (i, &v) in self.0.iter().enumerate() {
                if v {
                    out[i / 32] |= 1 << (i % 32);
                }
            }
            Ok(())
        }
    }

    /// Draw frequencies and the weights' mean against the exact masked
    /// distribution, for each estimator and bound on rejections.
    #[test]
    fn exact_draws_and_unbiased_weights() {
        let w: Vec<f32> = vec![8.0, 0.5, 6.0, 0.25, 0.1, 3.0, 0.05, 1.0];
        let valid = vec![false, true, false, true, true, false, true, true];
        let total: f64 = w.iter().map(|&x| x as f64).sum();
        let z: f64 = w
            .iter()
            .zip(&valid)
            .filter(|x| *x.1)
            .map(|x| *x.0 as f64)
            .sum::<f64>()
            / total;
        let n = 40_000;
        for estimator in [Estimator::Recursive, Estimator::Geometric { accepts: 3 }] {
            for max_rejects in [0, 1, 2, 100] {
                let cfg = AwrsConfig {
                    max_rejects,
                    estimator,
                };
                let mut rng = Rng::new(max_rejects as u64 + 1);
                let mut counts = [0usize; 8];
                let (mut sum, mut sum2) = (0.0, 0.0);
                let mut mask = Vec::new();
                for _ in 0..n {
                    let mut urn = Urn::default();
                    urn.fill(w.clone());
                    let mut oracle = Set(valid.clone());
                    let Outcome::Done(d) =
                        awrs(&mut urn, &mut oracle, &mut rng, cfg, &mut mask).unwrap()
                    else {
                        panic!("the urn finishes every draw");
                    };
                    assert!(valid[d.token as usize]);
                    counts[d.token as usize] += 1;
                    let x = d.log_weight.exp();
                    sum += x;
                    sum2 += x * x;
                }
                for (i, &c) in counts.iter().enumerate() {
                    let q = if valid[i] {
                        w[i] as f64 / total / z
                    } else {
                        0.0
                    };
                    let sd = (n as f64 * q * (1.0 - q)).sqrt();
                    assert!(
                        (c as f64 - n as f64 * q).abs() <= 5.0 * sd + 1.0,
                        "{estimator:?} {max_rejects}: token {i} drawn {c} times"
                    );
                }
                let mean = sum / n as f64;
                let se = ((sum2 / n as f64 - mean * mean).max(0.0) / n as f64).sqrt();
                assert!(
                    (mean - z).abs() <= 5.0 * se + 1e-6,
                    "{estimator:?} {max_rejects}: mean weight {mean} for {z}"
                );
            }
        }
    }

    #[test]
    fn nothing_valid_is_an_error() {
        let mut urn = Urn::default();
        urn.fill(vec![1.0, 2.0]);
        let mut rng = Rng::new(1);
        let r = awrs(
            &mut urn,
            &mut Set(vec![false, false]),
            &mut rng,
            AwrsConfig::default(),
            &mut Vec::new(),
        );
        assert!(r.is_err());
    }
}
