//! Token masks applied to logits: disallowed tokens' logits become -inf.
//!
//! A mask row holds `words` u32 words; bit `i` of word `w` allows token
//! `32 * w + i` (the torch int32 layout [`crate::TokenMatcher::fill_mask`]
//! writes). The kernel works on the logits' bit patterns, so one generic
//! function serves every float format, half precision included, which
//! Rust has no native type for: pick the format with a [`Float`] type.
//!
//! ```
//! use corral_core::logits::neg_inf_fill;
//!
//! let mut row = [1.0f32, 2.0, 3.0].map(f32::to_bits);
//! neg_inf_fill::<f32>(&mut row, 3, &[0b101], 1);
//! assert_eq!(row.map(f32::from_bits), [1.0, f32::NEG_INFINITY, 3.0]);
//! ```

use std::ops::{BitAnd, BitOr, Not};

/// An unsigned integer that stands for a float's bits.
pub trait Lane: Copy + BitAnd<Output = Self> + BitOr<Output = Self> + Not<Output = Self> {
    /// All ones if `bit`, else all zeros.
    fn splat(bit: bool) -> Self;
}

macro_rules! lane {
    ($($t:ty),*) => {$(
        impl Lane for $t {
            #[inline(always)]
            fn splat(bit: bool) -> Self {
                <$t>::from(bit).wrapping_neg()
            }
        }
    )*};
}
lane!(u16, u32, u64);

/// A float format: the integer its bits are read as, and -inf in it.
pub trait Float {
    type Bits: Lane;
    /// -inf's bit pattern.
    const NEG_INF: Self::Bits;
}

/// IEEE half precision (`torch.float16`).
pub enum F16 {}
/// bfloat16 (`torch.bfloat16`).
pub enum BF16 {}

impl Float for F16 {
    type Bits = u16;
    const NEG_INF: u16 = 0xFC00;
}

impl Float for BF16 {
    type Bits = u16;
    const NEG_INF: u16 = 0xFF80;
}

impl Float for f32 {
    type Bits = u32;
    const NEG_INF: u32 = 0xFF80_0000;
}

impl Float for f64 {
    type Bits = u64;
    const NEG_INF: u64 = 0xFFF0_0000_0000_0000;
}

/// Sets the logits of disallowed tokens to -inf, in place.
///
/// `logits` holds rows of `width` elements (a last, shorter row is a row
/// too); `mask` holds, for row `r`, the words `mask[r * words..][..words]`.
/// Ids the mask does not cover are disallowed: those past `32 * words`, and
/// every id of a row whose words the mask lacks (all, or some: a mask
/// shorter than `rows * words`). Bits past `width` are ignored.
pub fn neg_inf_fill<F: Float>(logits: &mut [F::Bits], width: usize, mask: &[u32], words: usize) {
    let inf = F::NEG_INF;
    if width == 0 || words == 0 {
        logits.fill(inf);
        return;
    }
    for (r, row) in logits.chunks_mut(width).enumerate() {
        let m = r
            .checked_mul(words)
            .and_then(|start| mask.get(start..))
            .unwrap_or(&[]);
        let m = &m[..m.len().min(words)];
        fill_row(row, m, inf);
    }
}

/// One row: `m` covers ids `0..32 * m.len()`, the rest are disallowed.
fn fill_row<T: Lane>(row: &mut [T], m: &[u32], inf: T) {
    let covered = row.len().min(m.len().saturating_mul(32));
    let (head, rest) = row.split_at_mut(covered);
    // Branch-free per 32-lane block (a select on `word & bit`), which the
    // compiler vectorises; all-allowed and all-denied words take shortcuts.
    let mut blocks = head.chunks_exact_mut(32);
    for (block, &word) in (&mut blocks).zip(m) {
        if word == u32::MAX {
            continue;
        }
        if word == 0 {
            block.fill(inf);
            continue;
        }
        // A fixed-size block, so that the loop below is unrolled and
        // vectorised (chunks_exact yields exactly 32).
        let Ok(block) = <&mut [T; 32]>::try_from(block) else {
            continue;
        };
        for (i, x) in block.iter_mut().enumerate() {
            // All ones where the token is allowed.
            let keep = T::splat((word >> i) & 1 == 1);
            *x = (*x & keep) | (inf & !keep);
        }
    }
    // The ids of a last, partly covered word (`covered` is then the row's
    // end, inside the mask).
    let tail = blocks.into_remainder();
    if let Some(&word) = m.get(covered / 32) {
        for (i, x) in tail.iter_mut().enumerate() {
            if word & (1 << i) == 0 {
                *x = inf;
            }
        }
    }
    rest.fill(inf);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small xorshift generator: the tests need no RNG crate.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn word(&mut self) -> u32 {
            // Some all-ones and all-zero words, to take the shortcuts.
            match self.next() % 5 {
                0 => 0,
                1 => u32::MAX,
                _ => self.next() as u32,
            }
        }
    }

    /// The rule, one id at a time.
    fn reference<T: Copy>(logits: &mut [T], width: usize, mask: &[u32], words: usize, inf: T) {
        for (i, x) in logits.iter_mut().enumerate() {
            // Row and id; a width of 0 allows nothing.
            let place = i.checked_div(width).map(|r| (r, i - r * width));
            let allowed = place.is_some_and(|(r, id)| {
                id < 32 * words
                    && mask
                        .get(r * words + id / 32)
                        .is_some_and(|w| w & (1 << (id % 32)) != 0)
            });
            if !allowed {
                *x = inf;
            }
        }
    }

    fn check<F: Float>(rng: &mut Rng, rows: usize, width: usize, words: usize, mask_len: usize)
    where
        F::Bits: std::fmt::Debug + PartialEq + TryFrom<u64>,
    {
        let mask: Vec<u32> = (0..mask_len).map(|_| rng.word()).collect();
        let logits: Vec<F::Bits> = (0..rows * width)
            .map(|_| {
                F::Bits::try_from(rng.next() >> 49)
                    .ok()
                    .expect("15 bits fit")
            })
            .collect();
        let mut got = logits.clone();
        neg_inf_fill::<F>(&mut got, width, &mask, words);
        let mut want = logits;
        reference(&mut want, width, &mask, words, F::NEG_INF);
        assert_eq!(
            got, want,
            "rows {rows} width {width} words {words} mask {mask_len}"
        );
    }

    #[test]
    fn matches_the_rule_for_all_widths_and_mask_sizes() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for width in [0usize, 1, 5, 31, 32, 33, 63, 64, 65, 96, 100, 127, 130] {
            let need = width.div_ceil(32);
            // Shorter than the row (ids past it disallowed), exact, longer
            // (bits past the width ignored).
            for words in [0, 1, need.saturating_sub(1), need, need + 1, need + 3] {
                for rows in [1, 2, 3] {
                    // The whole mask, and one missing its last row or words.
                    for mask_len in [rows * words, (rows * words).saturating_sub(1)] {
                        check::<f32>(&mut rng, rows, width, words, mask_len);
                        check::<f64>(&mut rng, rows, width, words, mask_len);
                        check::<F16>(&mut rng, rows, width, words, mask_len);
                        check::<BF16>(&mut rng, rows, width, words, mask_len);
                    }
                }
            }
        }
    }

    #[test]
    fn neg_inf_bit_patterns_are_neg_inf() {
        assert_eq!(f32::from_bits(<f32 as Float>::NEG_INF), f32::NEG_INFINITY);
        assert_eq!(f64::from_bits(<f64 as Float>::NEG_INF), f64::NEG_INFINITY);
        // Sign, all-ones exponent, zero mantissa.
        assert_eq!(F16::NEG_INF, 0b1111_1100_0000_0000);
        assert_eq!(BF16::NEG_INF, (f32::NEG_INFINITY.to_bits() >> 16) as u16);
    }

    #[test]
    fn a_row_keeps_exactly_its_allowed_floats() {
        let vals: Vec<f32> = (0..40).map(|i| i as f32 - 7.5).collect();
        let mut row: Vec<u32> = vals.iter().map(|x| x.to_bits()).collect();
        // Ids 0, 31, 32 and 39 allowed.
        neg_inf_fill::<f32>(&mut row, 40, &[1 | 1 << 31, 1 | 1 << 7], 2);
        for (i, (&x, &v)) in row.iter().zip(&vals).enumerate() {
            let want = if [0, 31, 32, 39].contains(&i) {
                v
            } else {
                f32::NEG_INFINITY
            };
            assert_eq!(f32::from_bits(x), want, "id {i}");
        }
    }

    #[test]
    fn empty_masks_and_rows_disallow_everything() {
        let mut row = [7u32; 10];
        neg_inf_fill::<f32>(&mut row, 10, &[], 0);
        assert!(row.iter().all(|&x| x == <f32 as Float>::NEG_INF));
        let mut row = [7u16; 10];
        neg_inf_fill::<F16>(&mut row, 0, &[u32::MAX], 1);
        assert!(row.iter().all(|&x| x == F16::NEG_INF));
        neg_inf_fill::<BF16>(&mut [], 10, &[u32::MAX], 1);
    }
}
