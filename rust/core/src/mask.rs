//! Token masks: which tokens keep the output a viable prefix.
//!
//! The token trie is walked through the lexer: a dead lexer state skips a
//! whole subtree. What the walk from one lexer state finds splits in two,
//! and both parts are cached per (trie node, lexer state) in the
//! [`TokenGrammar`], shared by all its matchers:
//!
//! - tokens whose bytes stay inside the current lexeme (the lexer stays
//!   alive to the token's last byte): valid whatever the parser says (the
//!   context-independent part);
//! - *boundaries*: trie nodes where a terminal can end, grouped by the
//!   lexer state there. Whether the parser takes the terminals that end
//!   depends only on the thread (its Earley row) and that lexer state, so
//!   one parser step decides a whole group: every token ending at one of
//!   its nodes is in or out together.
//!
//! Threads (the alternatives a matcher holds) are walked one at a time: a
//! token is allowed when some thread allows it. Below a boundary node the
//! new lexemes start from the rows the parser step made; those steps are
//! memoised by (row, lexer state) for the whole mask, their rows kept in
//! the chart until the mask is done, and a (trie node, thread) pair is
//! walked once, so grammars with many ways to split a token stay
//! polynomial.
//!
//! Threads with a pending look-ahead, and boundaries of look-ahead
//! terminals, take the exact byte-by-byte path through the matcher.

use std::sync::{Arc, RwLock};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::compiled::CompiledGrammar;
use crate::grammar::TermId;
use crate::lexer::{LexState, DEAD, NO_LOOKAHEAD};
use crate::matcher::{Matcher, Thread};
use crate::vocab::{TokTrie, TokenId, Vocabulary};

/// Tokens a walk found valid: a bitset when many, a list when few.
#[derive(Debug)]
enum TokenSet {
    Dense(Box<[u32]>),
    Sparse(Box<[TokenId]>),
}

impl TokenSet {
    fn new(tokens: Vec<TokenId>, words: usize) -> TokenSet {
        if tokens.len() > words {
            let mut bits = vec![0u32; words].into_boxed_slice();
            for t in tokens {
                set_bit(&mut bits, t);
            }
            TokenSet::Dense(bits)
        } else {
            TokenSet::Sparse(tokens.into_boxed_slice())
        }
    }

    fn or_into(&self, out: &mut [u32]) {
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

/// Boundaries of one walk that share the lexer state reached there.
#[derive(Debug)]
struct Group {
    /// The lexer state at these nodes (some terminal ends in it).
    state: LexState,
    /// Tokens ending at these nodes where the lexeme cannot go on: valid
    /// exactly when the parser takes one of the terminals ending.
    tokens: TokenSet,
    /// Nodes with children, below which new lexemes start.
    inner: Box<[u32]>,
}

/// What walking a subtree of the trie from a lexer state finds.
#[derive(Debug)]
struct Entry {
    /// Tokens valid by continuing the lexeme.
    ci: TokenSet,
    groups: Box<[Group]>,
    /// Some boundary ends a look-ahead terminal (checked exactly instead).
    lookahead_boundary: bool,
}
/// Limits of the mask cache.
#[derive(Debug, Clone)]
pub struct MaskConfig {
    /// Most cached walks; past it, walks are done without caching.
    pub max_cache_entries: usize,
}

impl Default for MaskConfig {
    fn default() -> Self {
        MaskConfig {
            max_cache_entries: 1 << 16,
        }
    }
}

/// A compiled grammar bound to a vocabulary, with the shared mask cache.
#[derive(Debug)]
pub struct TokenGrammar {
    pub grammar: Arc<CompiledGrammar>,
    pub vocab: Arc<Vocabulary>,
    cache: RwLock<FxHashMap<(u32, LexState), Arc<Entry>>>,
    config: MaskConfig,
}

impl TokenGrammar {
    pub fn new(grammar: Arc<CompiledGrammar>, vocab: Arc<Vocabulary>) -> Arc<TokenGrammar> {
        Self::with_config(grammar, vocab, MaskConfig::default())
    }

    pub fn with_config(
        grammar: Arc<CompiledGrammar>,
        vocab: Arc<Vocabulary>,
        config: MaskConfig,
    ) -> Arc<TokenGrammar> {
        // Build the trie now rather than inside the first mask.
        vocab.trie();
        Arc::new(TokenGrammar {
            grammar,
            vocab,
            cache: RwLock::new(FxHashMap::default()),
            config,
        })
    }

    /// Number of cached walks.
    pub fn cache_len(&self) -> usize {
        self.cache.read().map_or(0, |c| c.len())
    }

    fn entry(&self, node: usize, s: LexState) -> Result<Arc<Entry>, String> {
        let key = (node as u32, s);
        if let Some(e) = self.cache.read().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(e);
        }
        let e = Arc::new(self.compute(node, s)?);
        if let Ok(mut c) = self.cache.write() {
            if c.len() < self.config.max_cache_entries {
                c.insert(key, e.clone());
            }
        }
        Ok(e)
    }

    /// Walks the children of `node` from lexer state `s`.
    fn compute(&self, node: usize, s: LexState) -> Result<Entry, String> {
        let trie: &TokTrie = self.vocab.trie();
        let lexer = &self.grammar.lexer;
        let end = node + trie.node(node).subtree_size();
        let mut tokens: Vec<TokenId> = Vec::new();
        let mut groups: Vec<(LexState, Vec<TokenId>, Vec<u32>)> = Vec::new();
        let mut group_of: FxHashMap<LexState, usize> = FxHashMap::default();
        let mut lookahead_boundary = false;
        let mut stack: Vec<(usize, LexState)> = Vec::new();
        let mut i = node + 1;
        while i < end {
            while let Some(&(e, _)) = stack.last() {
                if i < e {
                    break;
                }
                stack.pop();
            }
            let parent = stack.last().map_or(s, |x| x.1);
            let n = trie.node(i);
            let ns = lexer.step(parent, n.byte()).map_err(|e| e.to_string())?;
            if ns == DEAD {
                i += n.subtree_size();
                continue;
            }
            let info = lexer.info(ns);
            if !info.accepts.is_empty() {
                lookahead_boundary |= info.accepts.iter().any(|a| a.lookahead != NO_LOOKAHEAD);
                let gi = *group_of.entry(ns).or_insert_with(|| {
                    groups.push((ns, Vec::new(), Vec::new()));
                    groups.len() - 1
                });
                let g = &mut groups[gi];
                if !info.live {
                    g.1.extend_from_slice(trie.node_tokens(i));
                }
                if n.subtree_size() > 1 {
                    g.2.push(i as u32);
                }
            }
            if info.live {
                tokens.extend_from_slice(trie.node_tokens(i));
                stack.push((i + n.subtree_size(), ns));
                i += 1;
            } else {
                i += n.subtree_size();
            }
        }
        let words = self.vocab.mask_words();
        Ok(Entry {
            ci: TokenSet::new(tokens, words),
            groups: groups
                .into_iter()
                .map(|(state, tokens, inner)| Group {
                    state,
                    tokens: TokenSet::new(tokens, words),
                    inner: inner.into_boxed_slice(),
                })
                .collect(),
            lookahead_boundary,
        })
    }
}

/// Per-mask memo: boundary steps and the (node, thread) pairs walked.
#[derive(Debug, Default, Clone)]
pub(crate) struct MaskScratch {
    /// (row, lexer state at the boundary) -> (valid, range of `arena`).
    steps: FxHashMap<(u32, LexState), (bool, u32, u32)>,
    /// Threads that start new lexemes after memoised boundary steps.
    arena: Vec<Thread>,
    visited: FxHashSet<(u32, Thread)>,
    seeds: Vec<(u32, TermId)>,
}

#[inline]
fn set_bit(out: &mut [u32], t: TokenId) {
    out[(t / 32) as usize] |= 1 << (t % 32);
}

impl Matcher {
    /// Writes the tokens allowed next into `out` (one bit per token id,
    /// `ceil(vocab_size / 32)` words). EOS is allowed exactly when the input
    /// may end here. Returns an error (and writes an empty mask) if a
    /// resource limit is hit; the matcher's state does not change.
    pub fn fill_mask(&mut self, tg: &TokenGrammar, out: &mut [u32]) -> Result<(), String> {
        out.fill(0);
        if self.is_error() {
            return Ok(());
        }
        let rows = self.chart.rows.len();
        let top_sig = self.take_top_sig();
        let mut sc = std::mem::take(&mut self.mask_scratch);
        let threads = self.threads.clone();
        let mut result = Ok(());
        for th in threads.iter() {
            result = self.mask_thread(tg, 0, *th, &mut sc, out);
            if result.is_err() {
                break;
            }
        }
        self.threads = threads;
        self.chart.truncate(rows);
        self.restore_top_sig(top_sig);
        sc.steps.clear();
        sc.arena.clear();
        sc.visited.clear();
        self.mask_scratch = sc;
        if let Err(e) = result {
            out.fill(0);
            return Err(e);
        }
        if self.is_accepting() {
            for &e in tg.vocab.eos_token_ids() {
                set_bit(out, e);
            }
        }
        Ok(())
    }

    /// Adds the tokens that thread `th`, having consumed the bytes up to
    /// trie node `c`, allows from there.
    fn mask_thread(
        &mut self,
        tg: &TokenGrammar,
        c: usize,
        th: Thread,
        sc: &mut MaskScratch,
        out: &mut [u32],
    ) -> Result<(), String> {
        if c != 0 && !sc.visited.insert((c as u32, th)) {
            return Ok(());
        }
        if th.la != NO_LOOKAHEAD {
            return self.exhaustive_thread(tg, c, th, out);
        }
        let entry = tg.entry(c, th.lex)?;
        if entry.lookahead_boundary {
            return self.exhaustive_thread(tg, c, th, out);
        }
        entry.ci.or_into(out);
        for g in entry.groups.iter() {
            let (ok, lo, hi) = self.boundary_step(th.row, g.state, sc)?;
            if !ok {
                continue;
            }
            g.tokens.or_into(out);
            for &node in g.inner.iter() {
                for k in lo..hi {
                    let next = sc.arena[k as usize];
                    self.mask_thread(tg, node as usize, next, sc, out)?;
                }
            }
        }
        Ok(())
    }

    /// The parser step of a thread of row `row` whose lexer reached `s`, a
    /// state where terminals end (none with a look-ahead): whether the byte
    /// is taken, and the threads that start new lexemes after it (those that
    /// can go on). Mirrors [`Matcher::step`] for one thread; memoised, the
    /// new rows stay in the chart until the mask is done.
    fn boundary_step(
        &mut self,
        row: u32,
        s: LexState,
        sc: &mut MaskScratch,
    ) -> Result<(bool, u32, u32), String> {
        if let Some(&r) = sc.steps.get(&(row, s)) {
            return Ok(r);
        }
        let g = self.g.clone();
        let lexer = &g.lexer;
        let lo = sc.arena.len() as u32;
        let mut ok = false;
        sc.seeds.clear();
        for acc in lexer.info(s).accepts.iter() {
            debug_assert_eq!(acc.lookahead, NO_LOOKAHEAD);
            if g.is_ignore[acc.term as usize] {
                ok = true;
                let start = self.chart.rows[row as usize].lex_start;
                let lex = lexer
                    .start_excluding(start, acc.munch)
                    .map_err(|e| e.to_string())?;
                if lex != DEAD {
                    sc.arena.push(Thread {
                        row,
                        lex,
                        la: NO_LOOKAHEAD,
                        la_state: 0,
                        fresh: true,
                    });
                }
            }
            if self.chart.row_terms(row).binary_search(&acc.term).is_ok() {
                sc.seeds.push((row, acc.term));
            }
        }
        if !sc.seeds.is_empty() {
            sc.seeds.sort_unstable();
            sc.seeds.dedup();
            let k = self
                .chart
                .push_scan(&g.tables, &g.config.earley, &sc.seeds)
                .map_err(|e| e.to_string())?;
            self.take_top_sig();
            let lex = self.set_lex_start(k)?;
            if lex != DEAD || self.chart.rows[k as usize].accepting {
                ok = true;
            }
            if lex != DEAD {
                sc.arena.push(Thread {
                    row: k,
                    lex,
                    la: NO_LOOKAHEAD,
                    la_state: 0,
                    fresh: true,
                });
            }
        }
        let r = (ok, lo, sc.arena.len() as u32);
        sc.steps.insert((row, s), r);
        Ok(r)
    }

    /// [`Matcher::exhaustive`] for thread `th` alone.
    fn exhaustive_thread(
        &mut self,
        tg: &TokenGrammar,
        c: usize,
        th: Thread,
        out: &mut [u32],
    ) -> Result<(), String> {
        let saved = std::mem::replace(&mut self.threads, vec![th]);
        let r = self.exhaustive(tg, c, out);
        self.threads = saved;
        r
    }

    /// Every node below `c`, stepped through the matcher (look-aheads).
    fn exhaustive(&mut self, tg: &TokenGrammar, c: usize, out: &mut [u32]) -> Result<(), String> {
        let trie = tg.vocab.trie();
        let end = c + trie.node(c).subtree_size();
        let mut open: Vec<usize> = Vec::new();
        let mut i = c + 1;
        while i < end {
            while let Some(&e) = open.last() {
                if i < e {
                    break;
                }
                open.pop();
                self.rollback(1);
            }
            let n = trie.node(i);
            if self.push_byte(n.byte()) {
                for &t in trie.node_tokens(i) {
                    set_bit(out, t);
                }
                open.push(i + n.subtree_size());
                i += 1;
            } else {
                let err = self.error().map(|e| e.to_string());
                self.rollback(1);
                if let Some(e) = err {
                    for _ in 0..open.len() {
                        self.rollback(1);
                    }
                    return Err(e);
                }
                i += n.subtree_size();
            }
        }
        for _ in 0..open.len() {
            self.rollback(1);
        }
        Ok(())
    }
}
