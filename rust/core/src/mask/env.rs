//! A vocabulary with what masks compute from its tokens alone: kept beside
//! the vocabulary and shared by every grammar bound to it.

use std::sync::{Arc, Mutex, OnceLock};

use rustc_hash::FxHashMap;

use super::entry::TextScan;
use super::tokenset::{set_bit, Runs, TokenSet};
use crate::lexer::counted::{CountedString, Scan};
use crate::vocab::{TokenId, TokenKind, Vocabulary};

/// Tokens needing more characters than this are listed in
/// [`TextScan::long`].
pub(super) const LONG_NEED: u32 = 8;

/// Tokens by some bytes of theirs.
pub(crate) type ByBytes = FxHashMap<Box<[u8]>, Vec<TokenId>>;

/// A vocabulary and the scans of its tokens inside JSON string text, by
/// (character table, place inside a character): they depend on the tokens
/// alone, so every grammar over the vocabulary shares them.
#[derive(Debug)]
pub struct TokEnv {
    vocab: Arc<Vocabulary>,
    text_scans: Mutex<FxHashMap<(u64, u32), Arc<TextScan>>>,
    /// Tokens by how many `"` bytes they hold (see [`TokEnv::quoted`]).
    quoted: OnceLock<[Vec<TokenId>; 4]>,
    /// Tokens by how many `,` and `]` bytes they hold (see
    /// [`TokEnv::closers`]).
    closers: OnceLock<[Vec<TokenId>; 4]>,
    /// Tokens holding `}` or `]` (see [`TokEnv::brackets`]).
    brackets: OnceLock<[Vec<TokenId>; 4]>,
    /// Tokens holding a backslash (see [`TokEnv::escapes`]).
    escapes: OnceLock<[Vec<TokenId>; 4]>,
    /// Tokens holding `"`, by the bytes after their last `"` (see
    /// [`TokEnv::tails`]).
    tails: OnceLock<FxHashMap<Box<[u8]>, Vec<TokenId>>>,
    /// Tokens holding `"`, by the bytes before their first (see
    /// [`TokEnv::heads`]), and those holding both `"` and a backslash.
    heads: OnceLock<(ByBytes, Vec<TokenId>)>,
}

impl TokEnv {
    pub fn new(vocab: Arc<Vocabulary>) -> Arc<TokEnv> {
        Arc::new(TokEnv {
            vocab,
            text_scans: Mutex::new(FxHashMap::default()),
            quoted: OnceLock::new(),
            closers: OnceLock::new(),
            brackets: OnceLock::new(),
            escapes: OnceLock::new(),
            tails: OnceLock::new(),
            heads: OnceLock::new(),
        })
    }

    pub fn vocab(&self) -> &Arc<Vocabulary> {
        &self.vocab
    }

    /// The tokens (with bytes) holding at least `n` `"` bytes, for `n` in
    /// 1..=4 (more counts as 4): the only ones that can close a key.
    pub(crate) fn quoted(&self, n: usize) -> &[TokenId] {
        let lists = self.quoted.get_or_init(|| self.by_count(|b| b == b'"'));
        &lists[n.clamp(1, 4) - 1]
    }

    /// The tokens (with bytes) holding at least `n` bytes that are `,` or
    /// `]`, for `n` in 1..=4: the only ones that can close an array item.
    pub(crate) fn closers(&self, n: usize) -> &[TokenId] {
        let lists = self
            .closers
            .get_or_init(|| self.by_count(|b| b == b',' || b == b']'));
        &lists[n.clamp(1, 4) - 1]
    }

    /// The tokens (with bytes) holding `}` or `]`: the only ones that can
    /// close a container.
    pub(crate) fn brackets(&self) -> &[TokenId] {
        let lists = self
            .brackets
            .get_or_init(|| self.by_count(|b| b == b'}' || b == b']'));
        &lists[0]
    }

    /// The tokens (with bytes) holding a backslash: the only ones that can
    /// write an escape.
    pub(crate) fn escapes(&self) -> &[TokenId] {
        let lists = self.escapes.get_or_init(|| self.by_count(|b| b == b'\\'));
        &lists[0]
    }

    /// The tokens that end inside a string they open, by the bytes after
    /// their last `"` (non-empty): those that may open a key that can only
    /// become one its object has.
    pub(crate) fn tails(&self) -> &FxHashMap<Box<[u8]>, Vec<TokenId>> {
        self.tails.get_or_init(|| {
            let mut m: FxHashMap<Box<[u8]>, Vec<TokenId>> = FxHashMap::default();
            for &t in self.quoted(1) {
                let b = self.vocab.bytes_or_empty(t);
                if let Some(i) = b.iter().rposition(|&x| x == b'"') {
                    if i + 1 < b.len() {
                        m.entry(b[i + 1..].into()).or_default().push(t);
                    }
                }
            }
            m
        })
    }

    /// The tokens holding `"`, by the bytes before their first `"` (those
    /// that close a key in progress right after those bytes); and the
    /// tokens holding both `"` and a backslash (that may close it after an
    /// escape).
    pub(crate) fn heads(&self) -> &(ByBytes, Vec<TokenId>) {
        self.heads.get_or_init(|| {
            let mut m: FxHashMap<Box<[u8]>, Vec<TokenId>> = FxHashMap::default();
            let mut escaped = Vec::new();
            for &t in self.quoted(1) {
                let b = self.vocab.bytes_or_empty(t);
                if let Some(i) = b.iter().position(|&x| x == b'"') {
                    m.entry(b[..i].into()).or_default().push(t);
                }
                if b.contains(&b'\\') {
                    escaped.push(t);
                }
            }
            (m, escaped)
        })
    }

    fn by_count(&self, hit: impl Fn(u8) -> bool) -> [Vec<TokenId>; 4] {
        let mut lists: [Vec<TokenId>; 4] = Default::default();
        for t in 0..self.vocab.n_ids() as TokenId {
            if self.vocab.kind(t) != TokenKind::Normal {
                continue;
            }
            let q = self
                .vocab
                .bytes_or_empty(t)
                .iter()
                .filter(|&&b| hit(b))
                .count();
            for list in lists.iter_mut().take(q.min(4)) {
                list.push(t);
            }
        }
        lists
    }

    /// The scan of the whole trie inside the text of counted strings like `m`
    /// from `place` inside a character: kept with the vocabulary, since it
    /// depends on the tokens alone.
    pub(super) fn text_scan(&self, m: &CountedString, place: u32) -> Arc<TextScan> {
        let key = (m.unit_key(), place);
        let mut scans = self.text_scans.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(sc) = scans.get(&key) {
            return sc.clone();
        }
        let trie = self.vocab.trie();
        let between = m.unit_start();
        let end = trie.node(0).subtree_size();
        let ids = trie.token_ids();
        let words = self.vocab.mask_words();
        // Each token's need (the characters it takes; u16::MAX: not inside
        // the text), by its place in the trie's token list, and the same as
        // a set and as runs of that list, all written in the one pass.
        let mut tok_need = vec![u16::MAX; ids.len()];
        let mut bits = vec![0u32; words].into_boxed_slice();
        let mut runs = Runs::default();
        let mut count = 0;
        let mut max_need = 0;
        let mut long: Vec<(u16, TokenId)> = Vec::new();
        let mut close_tokens = Vec::new();
        let mut close_inner = Vec::new();
        // Every place's step on every byte, as one flat table.
        let places = m.places() as usize + 1;
        let steps: Vec<Scan> = (0..places * 256)
            .map(|x| match x / 256 {
                0 => Scan::Dead,
                u => m.scan(u as u32, x as u8),
            })
            .collect();
        // (characters completed, place) per depth along the current path
        let mut path: Vec<(u32, u32)> = vec![(0, place); trie.max_depth() + 1];
        let mut i = 1;
        while i < end {
            let d = trie.depth(i);
            let (k, u) = path[d - 1];
            let n = trie.node(i);
            match steps[(u as usize) * 256 + n.byte() as usize] {
                Scan::Dead => i += n.subtree_size(),
                Scan::Close => {
                    close_tokens.extend(trie.node_tokens(i).iter().map(|&t| (k, i as u32, t)));
                    if n.subtree_size() > 1 {
                        close_inner.push((k, i as u32));
                    }
                    i += n.subtree_size();
                }
                Scan::Next(u2, done) => {
                    let k2 = k + done as u32;
                    // A character begun needs room too (depths are 16 bits,
                    // so needs fit).
                    let need = (k2 + (u2 != between) as u32) as u16;
                    let (a, b) = (trie.tok_start(i), trie.tok_start(i + 1));
                    if a < b {
                        for (p, &t) in ids[a..b].iter().enumerate() {
                            tok_need[a + p] = need;
                            set_bit(&mut bits, t);
                            if need as u32 > LONG_NEED {
                                long.push((need, t));
                            }
                        }
                        count += b - a;
                        max_need = max_need.max(need as u32);
                        runs.add(trie, i);
                    }
                    path[d] = (k2, u2);
                    i += 1;
                }
            }
        }
        let ranges = runs.finish();
        let all = Arc::new(if count > words {
            TokenSet::Dense(bits)
        } else {
            let ts: Vec<TokenId> = ids
                .iter()
                .zip(&tok_need)
                .filter(|x| *x.1 != u16::MAX)
                .map(|x| *x.0)
                .collect();
            TokenSet::new(&ts, words)
        });
        let max_close = close_tokens
            .iter()
            .map(|x: &(u32, u32, TokenId)| x.0)
            .chain(close_inner.iter().map(|x: &(u32, u32)| x.0))
            .max()
            .unwrap_or(0);
        long.sort_unstable_by(|a, b| b.cmp(a));
        let sc = Arc::new(TextScan {
            tok_need,
            max_need,
            long,
            all,
            ranges,
            close_tokens,
            close_inner,
            max_close,
        });
        scans.insert(key, sc.clone());
        sc
    }
}
