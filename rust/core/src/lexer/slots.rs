//! Lazily filled per-state data (a lexer's transition rows and facts, a
//! lazy product's memos), in chunks made on first use: 16 states, then 32,
//! 64 and so on up to 4,096 states a chunk. A grammar that meets a few
//! dozen states (most schemas) makes a few small chunks, and the index of
//! chunks stays small for any bound on states. Chunks of 256 rows (256
//! KiB, each page faulted in by the kernel as it was filled) were most of
//! the time to bind a small grammar to a vocabulary, and an index of
//! thousands of empty chunks was made for every lazy product.

use std::sync::OnceLock;

/// States of the first chunk; each next chunk doubles, up to [`LAST`].
const FIRST: usize = 16;

/// States of every chunk past the doubling ones.
const LAST: usize = 4096;

/// Chunks that double.
const GROWING: usize = (LAST / FIRST).trailing_zeros() as usize + 1;

/// States in the doubling chunks together.
const IN_GROWING: usize = FIRST * ((1 << GROWING) - 1);

/// `width` items per state, for up to a fixed number of states.
pub(crate) struct Slots<T> {
    width: usize,
    chunks: Box<[OnceLock<Box<[T]>>]>,
}

impl<T> Slots<T> {
    /// Room for `max` states of `width` items each (none made yet).
    pub(crate) fn new(max: usize, width: usize) -> Self {
        let (k, _) = place(max.max(1) - 1);
        Slots {
            width,
            chunks: (0..=k).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The items of state `i`, where its chunk has been made.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<&[T]> {
        let (k, o) = place(i);
        let c = self.chunks.get(k)?.get()?;
        c.get(o * self.width..(o + 1) * self.width)
    }

    /// The items of state `i`, its chunk made with `init` for each item
    /// where it has not been; None past the room given to [`Slots::new`].
    #[inline]
    pub(crate) fn get_or_init(&self, i: usize, init: impl Fn() -> T) -> Option<&[T]> {
        let (k, o) = place(i);
        let w = self.width;
        let chunk = self
            .chunks
            .get(k)?
            .get_or_init(|| (0..chunk_len(k) * w).map(|_| init()).collect());
        chunk.get(o * w..(o + 1) * w)
    }
}

/// States in chunk `k`.
fn chunk_len(k: usize) -> usize {
    if k < GROWING {
        FIRST << k
    } else {
        LAST
    }
}

/// The chunk of state `i` and its place there.
#[inline(always)]
fn place(i: usize) -> (usize, usize) {
    if i < IN_GROWING {
        let v = i / FIRST + 1;
        let k = (usize::BITS - 1 - v.leading_zeros()) as usize;
        (k, i - FIRST * ((1 << k) - 1))
    } else {
        let j = i - IN_GROWING;
        (GROWING + j / LAST, j % LAST)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_has_one_place_in_order() {
        // Places run through each chunk in order, then the next chunk.
        let mut want = (0, 0);
        for i in 0..3 * IN_GROWING {
            assert_eq!(place(i), want, "state {i}");
            want.1 += 1;
            if want.1 == chunk_len(want.0) {
                want = (want.0 + 1, 0);
            }
        }
        let max = IN_GROWING + 2 * LAST;
        let s: Slots<u32> = Slots::new(max, 3);
        assert_eq!(s.chunks.len(), GROWING + 2);
        let last = max - 1;
        assert!(s.get(last).is_none());
        assert_eq!(s.get_or_init(last, || 7), Some(&[7, 7, 7][..]));
        assert_eq!(s.get(last), Some(&[7, 7, 7][..]));
        // The chunk made holds its neighbours; the others are not made.
        assert_eq!(s.get(IN_GROWING + LAST), Some(&[7, 7, 7][..]));
        assert!(s.get(0).is_none());
        assert!(s.get(max + LAST).is_none());
        assert!(s.get_or_init(max + LAST, || 7).is_none());
    }
}
