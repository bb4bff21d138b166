//! Distinct keys in masks: a token that would close a key its object
//! already has leaves the mask, exactly as the matcher refuses it.
//!
//! The walks and their caches see the grammar alone; this runs after them,
//! over the few tokens that can close a key at all (those with enough `"`
//! bytes for where the text is, see [`KeyTracker::quotes_needed`]), each
//! read against the open objects' keys.

use super::cache::TokenGrammar;
use super::tokenset::clear_bit;
use crate::matcher::{KeyTracker, Probe};

/// Clears from `out` the tokens that would repeat a key.
pub(crate) fn drop_repeated_keys(
    keys: &KeyTracker,
    tg: &TokenGrammar,
    probe: &mut Probe,
    out: &mut [u32],
) {
    let Some(need) = keys.quotes_needed() else {
        return;
    };
    let vocab = &tg.vocab;
    for &t in tg.env.quoted(need) {
        let (w, bit) = ((t / 32) as usize, t % 32);
        if out.get(w).is_some_and(|x| x & (1 << bit) != 0)
            && !keys.accepts(vocab.bytes_or_empty(t), probe)
        {
            clear_bit(out, t);
        }
    }
}
