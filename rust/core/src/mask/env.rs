//! A vocabulary with what masks compute from its tokens alone: kept beside
//! the vocabulary and shared by every grammar bound to it.

use std::sync::{Arc, Mutex, OnceLock};

use rustc_hash::FxHashMap;

use super::entry::TextScan;
use super::tokenset::{set_bit, Runs, TokenSet};
use crate::lexer::counted::{CountedString, Scan};
use crate::vocab::{TokenId, TokenKind, Vocabulary};

thread_local! {
    /// Per-node scratch of [`TokenGrammar::counted_scan`].
    static NEED_AT: std::cell::RefCell<Vec<u16>> = const { std::cell::RefCell::new(Vec::new()) };
}

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
        // The characters each node's tokens need (u16::MAX: not inside the
        // text), written without branching on what came before.
        // (Reused: fresh pages cost a fault each.)
        let mut need_at = NEED_AT.with(|v| std::mem::take(&mut *v.borrow_mut()));
        need_at.clear();
        need_at.resize(end, u16::MAX);
        let mut close_tokens = Vec::new();
        let mut close_inner = Vec::new();
        // (characters completed, place) per depth along the current path
        let mut path: Vec<(u32, u32)> = vec![(0, place); trie.max_depth() + 1];
        let mut i = 1;
        while i < end {
            let d = trie.depth(i);
            let (k, u) = path[d - 1];
            let n = trie.node(i);
            match m.scan(u, n.byte()) {
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
                    need_at[i] = (k2 + (u2 != between) as u32) as u16;
                    path[d] = (k2, u2);
                    i += 1;
                }
            }
        }
        // Each token's need, by its place in the trie's token list.
        let ids = trie.token_ids();
        let mut tok_need = vec![u16::MAX; ids.len()];
        for (i, &n) in need_at.iter().enumerate() {
            tok_need[trie.tok_start(i)..trie.tok_start(i + 1)].fill(n);
        }
        let words = self.vocab.mask_words();
        let mut bits = vec![0u32; words].into_boxed_slice();
        let mut count = 0;
        let mut max_need = 0;
        for (&t, &n) in ids.iter().zip(&tok_need) {
            if n != u16::MAX {
                set_bit(&mut bits, t);
                count += 1;
                max_need = max_need.max(n as u32);
            }
        }
        let mut runs = Runs::default();
        for (i, &n) in need_at.iter().enumerate() {
            if n != u16::MAX {
                runs.add(trie, i);
            }
        }
        let ranges = runs.finish();
        NEED_AT.with(|v| *v.borrow_mut() = need_at);
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
        let mut long: Vec<(u16, TokenId)> = ids
            .iter()
            .zip(&tok_need)
            .filter(|x| *x.1 != u16::MAX && *x.1 as u32 > LONG_NEED)
            .map(|x| (*x.1, *x.0))
            .collect();
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
