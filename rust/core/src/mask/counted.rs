//! Walks inside counted strings (JSON strings with long length bounds):
//! the vocabulary's scan of string text, cut to the room the bounds leave.

use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;

use super::cache::TokenGrammar;
use std::sync::atomic::Ordering;

use super::entry::{CountedScan, Entry, Walked};
use super::env::LONG_NEED;
use super::tokenset::TokenSet;
use crate::error::Failure;
use crate::lexer::counted::CountedString;
use crate::lexer::{CountedAt, LexState};
use crate::vocab::TokenId;

impl TokenGrammar {
    /// The scan of the whole trie inside counted strings with `at`'s
    /// character table, from `at`'s place inside a character, with this
    /// grammar's cuts of it.
    pub(super) fn counted_scan(&self, at: &CountedAt) -> Arc<CountedScan> {
        let key = (at.machine.unit_key(), at.unit);
        let mut scans = self.scans.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(sc) = scans.get(&key) {
            return sc.clone();
        }
        let sc = Arc::new(CountedScan {
            text: self.env.text_scan(&at.machine, at.unit),
            entries: Mutex::new(FxHashMap::default()),
            groups: Mutex::new(FxHashMap::default()),
        });
        scans.insert(key, sc.clone());
        sc
    }

    /// The walk from a state inside a counted string's text: its scan,
    /// cut to the characters the bounds still allow.
    pub(super) fn counted_entry(&self, at: &CountedAt) -> Arc<Entry> {
        let scan = self.counted_scan(at);
        let m = &at.machine;
        let max_need = scan.text.max_need;
        // Counts closer to the bounds than any token reaches behave alike.
        let room = m
            .room(at.count)
            .unwrap_or(u32::MAX)
            .min(max_need.max(scan.text.max_close));
        let need = m
            .min()
            .saturating_sub(at.count)
            .min(scan.text.max_close + 1);
        let mut entries = scan.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = entries.get(&(at.end, room, need)) {
            return e.clone();
        }
        let ci = if room >= max_need {
            scan.text.all.clone()
        } else if let (true, TokenSet::Dense(all)) = (room >= LONG_NEED, &*scan.text.all) {
            let mut bits = all.clone();
            for &(n, t) in scan.text.long.iter().take_while(|x| x.0 as u32 > room) {
                debug_assert!(n as u32 > room);
                bits[(t / 32) as usize] &= !(1 << (t % 32));
            }
            Arc::new(TokenSet::Dense(bits))
        } else {
            let fits: Vec<TokenId> = self
                .vocab
                .trie()
                .token_ids()
                .iter()
                .zip(&scan.text.tok_need)
                .filter(|x| (*x.1 as u32) <= room)
                .map(|x| *x.0)
                .collect();
            Arc::new(TokenSet::new(&fits, self.vocab.mask_words()))
        };
        let group = {
            let key = (at.end, need, room.min(scan.text.max_close));
            let mut groups = scan.groups.lock().unwrap_or_else(|e| e.into_inner());
            groups
                .entry(key)
                .or_insert_with(|| {
                    let ok = |k: u32| k >= key.1 && k <= key.2;
                    let text = &scan.text;
                    let tokens = text.close_tokens.iter().filter(|x| ok(x.0)).map(|x| x.2);
                    let inner = text.close_inner.iter().filter(|x| ok(x.0)).map(|x| x.1);
                    self.close_group(at.end, tokens.collect(), inner.collect())
                })
                .clone()
        };
        // A cut of its own is sized; the scan's whole set is shared.
        let own = if Arc::ptr_eq(&ci, &scan.text.all) {
            0
        } else {
            ci.bytes()
        };
        let e = Arc::new(Entry {
            ci,
            groups: group.into_iter().collect(),
        });
        // Kept while the cache has room, like every other walk.
        let size = std::mem::size_of::<Entry>() + 64 + own;
        if self.cache_bytes.load(Ordering::Relaxed) + size <= self.config.max_cache_bytes {
            self.cache_bytes.fetch_add(size, Ordering::Relaxed);
            entries.insert((at.end, room, need), e.clone());
        }
        e
    }

    /// The walk of node `span.0` and below, reached in state `ns`, read off
    /// the vocabulary's scan of plain string text when `ns` behaves like
    /// that text at `place`, where the scan is at that node (an object key
    /// that left the listed names behind, a string without bounds).
    pub(super) fn text_sub(
        &self,
        ns: LexState,
        span: (usize, usize),
        text: &Arc<CountedString>,
        place: u32,
    ) -> Result<Option<Walked>, Failure> {
        let trie = self.vocab.trie();
        let Some(at) = self.grammar.lexer.plain_text_at(ns, text, place)? else {
            return Ok(None);
        };
        let scan = self.env.text_scan(text, text.unit_start());
        let (lo, hi) = (trie.tok_start(span.0), trie.tok_start(span.1));
        let first = scan.ranges.partition_point(|r| r.1 <= lo);
        let ranges: Vec<(usize, usize)> = scan.ranges[first..]
            .iter()
            .take_while(|r| r.0 < hi)
            .map(|&(a, b)| (a.max(lo), b.min(hi)))
            .collect();
        // Both lists are in node order.
        let (a, b) = (span.0 as u32, span.1 as u32);
        let ct = &scan.close_tokens;
        let ct = &ct[ct.partition_point(|x| x.1 < a)..ct.partition_point(|x| x.1 < b)];
        let tokens: Vec<TokenId> = ct.iter().map(|x| x.2).collect();
        let ci = &scan.close_inner;
        let ci = &ci[ci.partition_point(|x| x.1 < a)..ci.partition_point(|x| x.1 < b)];
        let inner: Vec<u32> = ci.iter().map(|x| x.1).collect();
        let groups = self
            .close_group(at.end, tokens, inner)
            .into_iter()
            .collect();
        Ok(Some(Walked { ranges, groups }))
    }
}
