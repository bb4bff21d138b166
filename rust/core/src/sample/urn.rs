//! The next-token distribution AWRS draws from: logits turned into weights
//! (temperature, top-k, top-p), and an urn over them that draws a token in
//! O(log V) and takes one out in O(1) blocks of work.
//!
//! Drawing one token at a time from what is left in the urn, and taking
//! out every token drawn, visits tokens in Gumbel-max order: both are
//! sampling without replacement from the distribution. Nothing is sorted.

use super::rng::Rng;
use crate::error::Failure;
use crate::vocab::TokenId;

/// Tokens per block: a block's weights are summed again when one of its
/// tokens is taken out, so the sums never drift.
const BLOCK: usize = 32;

/// `exp(x)` for `x <= 0`, to about 1e-7 relative, written so that the
/// compiler vectorises a loop of it (no calls, no branches).
#[inline(always)]
fn exp_neg(x: f32) -> f32 {
    // exp(x) = 2^n * exp(r), r = x - n ln2 in [-ln2/2, ln2/2].
    const LOG2E: f32 = std::f32::consts::LOG2_E;
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    // Rounds to the nearest integer for |t| < 2^22.
    const ROUND: f32 = 12_582_912.0;
    let live = x >= -87.0;
    let x = if live { x } else { -87.0 };
    let n = (x * LOG2E + ROUND) - ROUND;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    // Taylor to degree 7: error below 6e-9 on the interval.
    let mut p = 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    // n is in [-126, 0]: 2^n is a normal float.
    let scale = f32::from_bits(((n as i32 + 127) as u32) << 23);
    if live {
        p * scale
    } else {
        0.0
    }
}

#[inline(always)]
fn exp_loop(out: &mut [f32], logits: &[f32], max: f32, inv: f32) {
    for (o, &l) in out.iter_mut().zip(logits) {
        *o = exp_neg((l - max) * inv);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn exp_loop_avx2(out: &mut [f32], logits: &[f32], max: f32, inv: f32) {
    exp_loop(out, logits, max, inv)
}

/// `out[i] = exp((logits[i] - max) * inv)`, eight lanes at a time where
/// the CPU has AVX2.
fn fill_exp(out: &mut [f32], logits: &[f32], max: f32, inv: f32) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
        // SAFETY: the function needs AVX2 and FMA, detected on this CPU
        // just now; it is otherwise safe code (slices, bounds checked).
        unsafe { exp_loop_avx2(out, logits, max, inv) };
        return;
    }
    exp_loop(out, logits, max, inv)
}

/// How the logits become a distribution.
#[derive(Debug, Clone, Copy)]
pub struct Shaping {
    /// Logits are divided by it; must be positive.
    pub temperature: f32,
    /// Keep the `top_k` largest logits (ties at the k-th kept); 0: all.
    pub top_k: usize,
    /// Keep the smallest set of most likely tokens whose mass reaches
    /// `top_p` (the most likely always); 1: all.
    pub top_p: f32,
}

impl Default for Shaping {
    fn default() -> Shaping {
        Shaping {
            temperature: 1.0,
            top_k: 0,
            top_p: 1.0,
        }
    }
}

/// Unnormalised weights `exp(logit / T - max)` after top-k and top-p.
pub fn weights(logits: &[f32], s: Shaping, out: &mut Vec<f32>) -> Result<(), Failure> {
    if !(s.temperature > 0.0 && s.temperature.is_finite()) {
        return Err(Failure::argument(format!(
            "temperature must be positive and finite, got {}",
            s.temperature
        )));
    }
    if !(s.top_p > 0.0 && s.top_p <= 1.0) {
        return Err(Failure::argument(format!(
            "top_p must be in (0, 1], got {}",
            s.top_p
        )));
    }
    // Eight lanes, in a form the compiler turns into vector max and
    // compare instructions.
    let mut lanes = [f32::NEG_INFINITY; 8];
    let mut bad = [false; 8];
    let chunks = logits.chunks_exact(8);
    let tail = chunks.remainder();
    for c in chunks {
        for j in 0..8 {
            lanes[j] = if c[j] > lanes[j] { c[j] } else { lanes[j] };
            bad[j] |= c[j].is_nan() | (c[j] == f32::INFINITY);
        }
    }
    let mut max = lanes.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
    let mut nan = bad.iter().any(|&b| b);
    for &l in tail {
        nan |= l.is_nan() || l == f32::INFINITY;
        max = max.max(l);
    }
    if nan {
        return Err(Failure::argument("logits contain NaN or +inf"));
    }
    if max == f32::NEG_INFINITY {
        return Err(Failure::rejected(
            "every logit is -inf: no token can be drawn",
        ));
    }
    let inv = 1.0 / s.temperature;
    out.clear();
    out.resize(logits.len(), 0.0);
    fill_exp(out, logits, max, inv);
    if s.top_k > 0 && s.top_k < out.len() {
        let mut v: Vec<f32> = out.clone();
        let (_, kth, _) = v.select_nth_unstable_by(s.top_k - 1, |a, b| b.total_cmp(a));
        let kth = *kth;
        for w in out.iter_mut() {
            if *w < kth {
                *w = 0.0;
            }
        }
    }
    if s.top_p < 1.0 {
        nucleus(out, s.top_p);
    }
    Ok(())
}

/// Zeroes every weight outside the nucleus: the most likely tokens, in
/// order, up to and including the first whose mass before it is at most
/// `top_p` and after it more. Only as many tokens as the nucleus needs
/// are sorted.
fn nucleus(w: &mut [f32], top_p: f32) {
    let total: f64 = w.iter().map(|&x| x as f64).sum();
    let mut idx: Vec<u32> = (0..w.len() as u32)
        .filter(|&i| w[i as usize] > 0.0)
        .collect();
    let by_weight = |a: &u32, b: &u32| w[*b as usize].total_cmp(&w[*a as usize]);
    let mut k = 64.min(idx.len());
    let keep = loop {
        if k < idx.len() {
            idx.select_nth_unstable_by(k - 1, by_weight);
        }
        idx[..k].sort_unstable_by(by_weight);
        let mut before = 0.0f64;
        let mut found = None;
        for (j, &i) in idx[..k].iter().enumerate() {
            if before > top_p as f64 * total {
                found = Some(j);
                break;
            }
            before += w[i as usize] as f64;
        }
        match found {
            Some(j) => break j,
            None if k == idx.len() => break k,
            None => k = (k * 4).min(idx.len()),
        }
    };
    for &i in &idx[keep..] {
        w[i as usize] = 0.0;
    }
}

/// An urn over weights: draws a token with probability proportional to
/// its weight among the tokens still in it.
#[derive(Debug, Default)]
pub struct Urn {
    w: Vec<f32>,
    /// A Fenwick tree over the blocks' sums.
    tree: Vec<f64>,
    /// Each block's sum (the tree's leaves, kept to take deltas).
    blocks: Vec<f64>,
    /// The total at the start (probabilities are weights over it).
    total: f64,
    /// Tokens with a positive weight still in the urn.
    live: usize,
}

impl Urn {
    /// An urn over `w` (which it keeps); reuses this urn's memory.
    pub fn fill(&mut self, w: Vec<f32>) {
        let nb = w.len().div_ceil(BLOCK);
        self.blocks.clear();
        let mut live = 0usize;
        for c in w.chunks(BLOCK) {
            // Eight partial sums, for vector adds (f32 over 32 weights
            // of at most 1 each loses less than 1e-6 relative).
            let mut acc = [0f32; 8];
            let mut n = [0u32; 8];
            let lanes = c.chunks_exact(8);
            for &x in lanes.remainder() {
                acc[0] += x;
                n[0] += (x > 0.0) as u32;
            }
            for e in lanes {
                for j in 0..8 {
                    acc[j] += e[j];
                    n[j] += (e[j] > 0.0) as u32;
                }
            }
            self.blocks.push(acc.iter().map(|&a| a as f64).sum());
            live += n.iter().sum::<u32>() as usize;
        }
        self.tree.clear();
        self.tree.extend_from_slice(&self.blocks);
        // The linear-time Fenwick build.
        for i in 0..nb {
            let j = i | (i + 1);
            if j < nb {
                let v = self.tree[i];
                self.tree[j] += v;
            }
        }
        self.total = self.blocks.iter().sum();
        self.live = live;
        self.w = w;
    }

    /// Gives the weights back (for reuse).
    pub fn take(&mut self) -> Vec<f32> {
        std::mem::take(&mut self.w)
    }

    pub fn len(&self) -> usize {
        self.w.len()
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// The starting probability of `tok` (0 for an id past the weights).
    pub fn prob(&self, tok: TokenId) -> f64 {
        self.w.get(tok as usize).map_or(0.0, |&x| x as f64) / self.total
    }

    /// The weights (0 for tokens taken out).
    pub fn weights(&self) -> &[f32] {
        &self.w
    }

    /// The total at the start.
    pub fn total(&self) -> f64 {
        self.total
    }

    /// The probability mass still in the urn.
    pub fn remaining(&self) -> f64 {
        if self.live == 0 {
            return 0.0;
        }
        (self.prefix(self.blocks.len()) / self.total).clamp(0.0, 1.0)
    }

    fn prefix(&self, mut i: usize) -> f64 {
        let mut s = 0.0;
        while i > 0 {
            s += self.tree[i - 1];
            i &= i - 1;
        }
        s
    }

    /// Draws a token among those left, or None when none is.
    pub fn draw(&self, rng: &mut Rng) -> Option<TokenId> {
        if self.live == 0 {
            return None;
        }
        let nb = self.blocks.len();
        for _ in 0..64 {
            let mut u = rng.unit() * self.prefix(nb);
            // Descend the Fenwick tree to the block holding u.
            let mut pos = 0usize;
            let mut step = nb.next_power_of_two();
            while step > 0 {
                let next = pos + step;
                if next <= nb && self.tree[next - 1] <= u {
                    u -= self.tree[next - 1];
                    pos = next;
                }
                step >>= 1;
            }
            let b = pos.min(nb - 1);
            let chunk = &self.w[b * BLOCK..((b + 1) * BLOCK).min(self.w.len())];
            let mut last = None;
            for (j, &x) in chunk.iter().enumerate() {
                if x > 0.0 {
                    last = Some(j);
                    u -= x as f64;
                    if u < 0.0 {
                        return Some((b * BLOCK + j) as TokenId);
                    }
                }
            }
            // Rounding ran past the block's end: its last live token.
            if let Some(j) = last {
                return Some((b * BLOCK + j) as TokenId);
            }
        }
        // Sums that rounding left positive over empty blocks, many times
        // over: take the first live token.
        self.w.iter().position(|&x| x > 0.0).map(|i| i as TokenId)
    }

    /// Takes `tok` out of the urn.
    pub fn remove(&mut self, tok: TokenId) {
        let i = tok as usize;
        if i >= self.w.len() || self.w[i] <= 0.0 {
            return;
        }
        self.w[i] = 0.0;
        self.live -= 1;
        let b = i / BLOCK;
        let chunk = &self.w[b * BLOCK..((b + 1) * BLOCK).min(self.w.len())];
        let sum: f64 = chunk.iter().map(|&x| x as f64).sum();
        let delta = sum - self.blocks[b];
        self.blocks[b] = sum;
        let mut j = b;
        while j < self.tree.len() {
            self.tree[j] += delta;
            j |= j + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_close() {
        let mut x = -90.0f32;
        while x <= 0.0 {
            let (a, b) = (exp_neg(x), x.exp());
            assert!((a - b).abs() <= 3e-7 * b + 1e-37, "{x}: {a} vs {b}");
            x += 0.0137;
        }
        assert_eq!(exp_neg(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp_neg(0.0), 1.0);
    }

    #[test]
    fn urn_draws_by_weight_and_removes() {
        let w: Vec<f32> = (0..100)
            .map(|i| if i % 3 == 0 { 1.0 } else { 0.0 })
            .collect();
        let mut urn = Urn::default();
        urn.fill(w);
        let mut rng = Rng::new(7);
        let mut seen = std::collections::BTreeSet::new();
        while let Some(t) = urn.draw(&mut rng) {
            assert_eq!(t % 3, 0);
            assert!(seen.insert(t));
            urn.remove(t);
        }
        assert_eq!(seen.len(), 34);
        assert_eq!(urn.remaining(), 0.0);
    }

    #[test]
    fn top_k_and_top_p() {
        let logits = [0.0f32, 1.0, 2.0, 3.0, f32::NEG_INFINITY];
        let mut w = Vec::new();
        let s = Shaping {
            top_k: 2,
            ..Shaping::default()
        };
        weights(&logits, s, &mut w).unwrap();
        assert_eq!(w.iter().filter(|&&x| x > 0.0).count(), 2);
        assert!(w[2] > 0.0 && w[3] > 0.0);
        // Probabilities e^3, e^2, ... over their sum: 0.64, 0.24, ...
        let s = Shaping {
            top_p: 0.7,
            ..Shaping::default()
        };
        weights(&logits, s, &mut w).unwrap();
        assert!(w[3] > 0.0 && w[2] > 0.0 && w[1] == 0.0 && w[0] == 0.0);
        let s = Shaping {
            top_p: 0.5,
            ..Shaping::default()
        };
        weights(&logits, s, &mut w).unwrap();
        assert!(w[3] > 0.0 && w[2] == 0.0);
        assert!(weights(&[f32::NAN], Shaping::default(), &mut w).is_err());
        let s = Shaping {
            temperature: 0.0,
            ..Shaping::default()
        };
        assert!(weights(&logits, s, &mut w).is_err());
    }
}
