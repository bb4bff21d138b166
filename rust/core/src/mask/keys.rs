//! Distinct keys and items in masks: a token that would close a key its
//! object already has leaves the mask, exactly as the matcher refuses it;
//! a token that would close an item equal to an earlier one of its array
//! is asked of the matcher (the parse decides whether that array's items
//! must be distinct), and so is a token that completes such an item with a
//! string's closing quote or a container's closing bracket (nothing can
//! follow it in an array whose items must be distinct).
//!
//! The walks and their caches see the grammar alone; this runs after them,
//! over the few tokens that can close a key or an item at all (those with
//! enough `"`, or `,` and `]`, bytes for where the text is, see
//! [`JsonTracker::quotes_needed`] and [`JsonTracker::closers_needed`]),
//! each read against the open objects' keys and arrays' items.

use super::cache::TokenGrammar;
use super::tokenset::clear_bit;
use crate::matcher::{JsonTracker, Matcher, Probe, Probed};
use crate::vocab::TokenId;

/// Clears from `out` the tokens that would repeat a key; returns the
/// tokens allowed that would close a repeated item, or any container where
/// the grammar checks values (the caller asks the matcher about each), and
/// in `opened` those that open a key and end inside it along a key the
/// object has (the caller asks the matcher whether that key has a way out
/// after the text up to the key's quote, shared by many such tokens).
#[allow(clippy::too_many_arguments)] // the scratch buffers a mask reuses
pub(crate) fn drop_repeats(
    m: &Matcher,
    t: &JsonTracker,
    tg: &TokenGrammar,
    probe: &mut Probe,
    out: &mut [u32],
    items: &mut Vec<TokenId>,
    opened: &mut Vec<TokenId>,
    risky: &mut (Option<u64>, Vec<TokenId>),
) {
    items.clear();
    opened.clear();
    let vocab = &tg.vocab;
    let allowed = |out: &[u32], t: TokenId| {
        out.get((t / 32) as usize)
            .is_some_and(|x| x & (1 << (t % 32)) != 0)
    };
    // The rests of the keys the key in progress may still become.
    let rests = t.key_rests();
    let plain_key = matches!(t.key_at_risk(), Some((raw, false)) if !raw.contains(&b'\\'));
    if let Some(need) = t.quotes_needed() {
        let mut repeats = |tok: TokenId, out: &mut [u32]| {
            if allowed(out, tok) && t.probe(vocab.bytes_or_empty(tok), probe) == Probed::RepeatedKey
            {
                clear_bit(out, tok);
            }
        };
        if need == 1 && plain_key {
            // Inside a key written plainly, a token closes it as one the
            // object has only by going on along that key's rest to the
            // quote, or by writing an escape; closing it as a new key and
            // then repeating another takes three quotes.
            let (heads, escaped) = tg.env.heads();
            for r in &rests {
                for &tok in heads.get(r.as_slice()).map_or(&[][..], Vec::as_slice) {
                    repeats(tok, out);
                }
            }
            for &tok in tg.env.quoted(3).iter().chain(escaped) {
                repeats(tok, out);
            }
        } else if !t.in_key() {
            // Outside a key, a token repeats one only where the text
            // between two of its quotes is a key (or it writes an escape).
            for &tok in tg.env.quoted(need) {
                if allowed(out, tok) && t.may_repeat_key(vocab.bytes_or_empty(tok)) {
                    repeats(tok, out);
                }
            }
        } else {
            for &tok in tg.env.quoted(need) {
                repeats(tok, out);
            }
        }
    }
    // A token that opens a key and ends inside it, along a key an object
    // with no other keys has, may open a dead end: found by what follows
    // its last quote.
    if !t.keys_all_free() {
        if risky.0 != Some(t.epoch()) {
            // The candidates change only with the keys.
            risky.1.clear();
            let tails = tg.env.tails();
            for key in t.finite_keys() {
                for j in 1..=key.len() {
                    if let Some(toks) = tails.get(&key[..j]) {
                        risky.1.extend_from_slice(toks);
                    }
                }
            }
            risky.1.sort_unstable();
            risky.1.dedup();
            risky.0 = Some(t.epoch());
        }
        for &tok in &risky.1 {
            if allowed(out, tok) {
                t.probe(vocab.bytes_or_empty(tok), probe);
                if probe.key_risk {
                    opened.push(tok);
                }
            }
        }
    }
    // Inside a key that may become a repeat: the tokens that go on along
    // a key the object has (or write an escape) are asked.
    let rests = if t.keys_all_free() { Vec::new() } else { rests };
    let lengths = if rests.is_empty() {
        None
    } else {
        m.key_way_out_lengths(&rests).ok().flatten()
    };
    if let Some(lengths) = lengths {
        // The tokens along a rest longer than its way out lead to a dead
        // end; the others keep one.
        for (rest, &l) in rests.iter().zip(&lengths) {
            if l >= rest.len() {
                continue;
            }
            vocab.trie().for_each_prefix(rest, |tok| {
                if vocab.bytes_or_empty(tok).len() > l && allowed(out, tok) {
                    clear_bit(out, tok);
                }
            });
        }
    } else if !rests.is_empty() {
        for rest in &rests {
            vocab.trie().for_each_prefix(rest, |tok| {
                if allowed(out, tok) {
                    // Inside the key: the lexer alone tells (a budget that
                    // ran out asks the matcher).
                    match m.key_way_out_after(vocab.bytes_or_empty(tok)) {
                        Ok(true) => {}
                        Ok(false) => clear_bit(out, tok),
                        Err(_) => items.push(tok),
                    }
                }
            });
        }
    }
    // An escape goes on along a key only where one has a character that
    // may be written escaped (ASCII letters may not, unless the grammar
    // allows every spelling).
    if rests
        .iter()
        .any(|r| r.iter().any(|&b| b >= 0x80 || b == b'\\'))
    {
        for &tok in tg.env.escapes() {
            if allowed(out, tok) {
                items.push(tok);
            }
        }
    }
    if !tg.grammar.guards.is_empty() {
        // A value checked where it closes: the tokens that close a
        // container are asked (and the filters below see the rest).
        for &tok in tg.env.brackets() {
            if allowed(out, tok) {
                match t.probe(vocab.bytes_or_empty(tok), probe) {
                    Probed::RepeatedKey => clear_bit(out, tok),
                    _ if probe.closed => items.push(tok),
                    Probed::RepeatedItem => items.push(tok),
                    Probed::Fine => {}
                }
            }
        }
    }
    if let Some(need) = t.closers_needed() {
        for &tok in tg.env.closers(need) {
            if allowed(out, tok) {
                match t.probe(vocab.bytes_or_empty(tok), probe) {
                    Probed::Fine => {}
                    Probed::RepeatedKey => clear_bit(out, tok),
                    Probed::RepeatedItem => items.push(tok),
                }
            }
        }
    }
    // A string's closing quote or a container's closing bracket may
    // complete an item equal to an earlier one, which nothing can follow in
    // an array whose items must be distinct: asked. Where no array has an
    // item yet, the token must record one with its own `,` first.
    if t.tracks_items() {
        let in_string = t.in_string();
        let mut ask = |tok: TokenId, items: &mut Vec<TokenId>| {
            let bytes = vocab.bytes_or_empty(tok);
            // Inside a string, a bracket counts only after a quote.
            if allowed(out, tok)
                && (!in_string || bytes.contains(&b'"'))
                && t.probe(bytes, probe) == Probed::RepeatedItem
            {
                items.push(tok);
            }
        };
        if t.has_items() {
            for list in [tg.env.quoted(t.item_quotes_needed()), tg.env.brackets()] {
                for &tok in list {
                    ask(tok, items);
                }
            }
        } else {
            for &tok in tg.env.closers(1) {
                ask(tok, items);
            }
        }
    }
    items.sort_unstable();
    items.dedup();
}
