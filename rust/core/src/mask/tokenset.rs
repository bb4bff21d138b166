//! Sets of tokens a walk finds valid: a bitset when many, a list when few,
//! built from runs of the trie's token list.

use crate::vocab::{TokTrie, TokenId};

/// Tokens a walk found valid: a bitset when many, a list when few.
#[derive(Debug)]
pub(super) enum TokenSet {
    Dense(Box<[u32]>),
    Sparse(Box<[TokenId]>),
}

impl TokenSet {
    /// The set of `tokens` (in any order, repeats allowed).
    pub(super) fn new(tokens: &[TokenId], words: usize) -> TokenSet {
        if tokens.len() > words {
            let mut bits = vec![0u32; words].into_boxed_slice();
            for &t in tokens {
                set_bit(&mut bits, t);
            }
            TokenSet::Dense(bits)
        } else {
            let mut ts = tokens.to_vec();
            ts.sort_unstable();
            ts.dedup();
            TokenSet::Sparse(ts.into_boxed_slice())
        }
    }

    /// The set of the tokens in `ranges` of the trie's token list (ranges
    /// may overlap).
    pub(super) fn from_ranges(trie: &TokTrie, ranges: &[(usize, usize)], words: usize) -> TokenSet {
        let ids = trie.token_ids();
        let n: usize = ranges.iter().map(|&(s, e)| e - s).sum();
        if n > words {
            // Most of the list: clear the gaps from the bitmap of every
            // token (each id is at one place in the list) rather than set
            // each token of the ranges, one scattered bit at a time.
            let mut sorted = ranges.to_vec();
            sorted.sort_unstable();
            let mut bits: Box<[u32]> = trie.all_bits().into();
            let mut at = 0;
            for (s, e) in sorted {
                for &t in &ids[at.min(s)..s] {
                    clear_bit(&mut bits, t);
                }
                at = at.max(e);
            }
            for &t in &ids[at..] {
                clear_bit(&mut bits, t);
            }
            TokenSet::Dense(bits)
        } else {
            let mut ts: Vec<TokenId> = Vec::with_capacity(n);
            for &(s, e) in ranges {
                ts.extend_from_slice(&ids[s..e]);
            }
            ts.sort_unstable();
            ts.dedup();
            TokenSet::Sparse(ts.into_boxed_slice())
        }
    }

    /// Appends the set's tokens to `out`.
    pub(super) fn extend_into(&self, out: &mut Vec<TokenId>) {
        match self {
            TokenSet::Dense(bits) => {
                for (w, &word) in bits.iter().enumerate() {
                    let mut x = word;
                    while x != 0 {
                        out.push(w as TokenId * 32 + x.trailing_zeros());
                        x &= x - 1;
                    }
                }
            }
            TokenSet::Sparse(ts) => out.extend_from_slice(ts),
        }
    }

    pub(super) fn or_into(&self, out: &mut [u32]) {
        match self {
            TokenSet::Dense(bits) => {
                for (o, b) in out.iter_mut().zip(bits.iter()) {
                    *o |= *b;
                }
            }
            TokenSet::Sparse(ts) => {
                for &t in ts.iter() {
                    set_bit(out, t);
                }
            }
        }
    }
}

impl TokenSet {
    pub(super) fn bytes(&self) -> usize {
        match self {
            TokenSet::Dense(b) => b.len() * 4,
            TokenSet::Sparse(t) => t.len() * 4,
        }
    }
}

/// Runs of consecutive trie nodes whose tokens a walk keeps: consecutive
/// nodes hold consecutive ranges of the trie's token list.
#[derive(Default)]
pub(super) struct Runs {
    pub(super) ranges: Vec<(usize, usize)>,
    pub(super) start: usize,
    pub(super) end: usize,
}

impl Runs {
    /// Keeps node `i`'s tokens.
    #[inline(always)]
    pub(super) fn add(&mut self, trie: &TokTrie, i: usize) {
        let t = trie.tok_start(i);
        if t != self.end {
            self.ranges.push((self.start, self.end));
            self.start = t;
        }
        self.end = trie.tok_start(i + 1);
    }

    pub(super) fn finish(mut self) -> Vec<(usize, usize)> {
        self.ranges.push((self.start, self.end));
        self.ranges
    }
}

#[inline]
pub(super) fn set_bit(out: &mut [u32], t: TokenId) {
    out[(t / 32) as usize] |= 1 << (t % 32);
}

#[inline(always)]
pub(super) fn clear_bit(out: &mut [u32], t: TokenId) {
    out[(t / 32) as usize] &= !(1 << (t % 32));
}
