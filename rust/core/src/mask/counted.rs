//! Walks inside counted strings (JSON strings with long length bounds):
//! the vocabulary's scan of string text, cut to the room the bounds leave.

use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;

use super::cache::TokenGrammar;
use std::sync::atomic::Ordering;

use super::entry::{CountedScan, Entry, TextScan, Walked};
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
    /// that left the listed names behind, a string without bounds), or
    /// like open text (see [`TokenGrammar::open_text_sub`]).
    pub(super) fn text_sub(
        &self,
        ns: LexState,
        span: (usize, usize),
        text: &Arc<CountedString>,
        place: u32,
    ) -> Result<Option<Walked>, Failure> {
        let Some(at) = self.grammar.lexer.plain_text_at(ns, text, place)? else {
            return self.open_text_sub(ns, span, text, place);
        };
        let scan = self.env.text_scan(text, text.unit_start());
        let ranges = self.scan_ranges(&scan, span);
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

    /// The scan's ranges of tokens inside the text, cut to the subtree
    /// `span`.
    fn scan_ranges(&self, scan: &TextScan, span: (usize, usize)) -> Vec<(usize, usize)> {
        let trie = self.vocab.trie();
        let (lo, hi) = (trie.tok_start(span.0), trie.tok_start(span.1));
        let first = scan.ranges.partition_point(|r| r.1 <= lo);
        scan.ranges[first..]
            .iter()
            .take_while(|r| r.0 < hi)
            .map(|&(a, b)| (a.max(lo), b.min(hi)))
            .collect()
    }

    /// [`TokenGrammar::text_sub`] where `ns` is inside open text (see
    /// [`crate::lexer::Lexer::open_text_at`]: a string under an unanchored
    /// pattern not found yet): every token that stays inside the text is
    /// valid, as the scan has them, and only the closing quotes are
    /// stepped, each along its path from `ns`. None where `ns` is not open
    /// there, or a step goes otherwise than openness says (then the
    /// subtree is walked as usual).
    fn open_text_sub(
        &self,
        ns: LexState,
        span: (usize, usize),
        text: &Arc<CountedString>,
        place: u32,
    ) -> Result<Option<Walked>, Failure> {
        let lexer = &self.grammar.lexer;
        if !lexer.open_text_at(ns, text, place)? {
            return Ok(None);
        }
        let trie = self.vocab.trie();
        let scan = self.env.text_scan(text, text.unit_start());
        let ranges = self.scan_ranges(&scan, span);
        let cn = &scan.close_nodes;
        let (a, b) = (span.0 as u32, span.1 as u32);
        let (mut p, hi) = (
            cn.partition_point(|&x| x <= a),
            cn.partition_point(|&x| x < b),
        );
        // (state after the quote, tokens ending right after it, nodes
        // below which more follows) per state.
        let mut ends: Vec<(LexState, Vec<TokenId>, Vec<u32>)> = Vec::new();
        let mut path = vec![LexState::DEAD; trie.max_depth() + 1];
        path[trie.depth(span.0)] = ns;
        let mut i = span.0 + 1;
        while p < hi && i < span.1 {
            let n = trie.node(i);
            let end = i + n.subtree_size();
            if cn[p] as usize >= end {
                // No closing quote below: the scan has the subtree.
                i = end;
                continue;
            }
            let d = trie.depth(i);
            let q = path[d - 1];
            let st = lexer.step_in(lexer.row(q), q, n.byte())?;
            let s2 = st.state();
            if cn[p] as usize == i {
                p += 1;
                if s2 != LexState::DEAD {
                    if !st.accepts() || st.live() {
                        return Ok(None);
                    }
                    let tokens = &scan.close_tokens;
                    let t0 = tokens.partition_point(|x| (x.1 as usize) < i);
                    let here = tokens[t0..].iter().take_while(|x| x.1 as usize == i);
                    let inner = scan
                        .close_inner
                        .binary_search_by_key(&(i as u32), |x| x.1)
                        .is_ok();
                    let k = match ends.iter().position(|e| e.0 == s2) {
                        Some(k) => k,
                        None => {
                            ends.push((s2, Vec::new(), Vec::new()));
                            ends.len() - 1
                        }
                    };
                    ends[k].1.extend(here.map(|x| x.2));
                    if inner {
                        ends[k].2.push(i as u32);
                    }
                }
                i = end;
                continue;
            }
            if s2 == LexState::DEAD || st.accepts() {
                return Ok(None);
            }
            path[d] = s2;
            i += 1;
        }
        let groups = ends
            .into_iter()
            .filter_map(|(end, tokens, inner)| self.close_group(end, tokens, inner))
            .collect();
        Ok(Some(Walked { ranges, groups }))
    }
}
