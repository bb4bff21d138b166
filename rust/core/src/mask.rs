//! Token masks: which tokens keep the output a viable prefix.
//!
//! The token trie is walked through the lexer: a dead lexer state skips a
//! whole subtree. What the walk finds splits in two:
//!
//! - tokens whose bytes stay inside the current lexeme (the lexer stays
//!   alive to the token's last byte): valid whatever the parser says, so
//!   they are computed once per (trie node, lexer state) and cached in the
//!   [`TokenGrammar`], shared by all its matchers (the context-independent
//!   part);
//! - *boundaries*: trie nodes where a terminal can end. The matcher walks
//!   only the paths to them (lexer steps alone on the way), and steps the
//!   Earley parser at the boundary itself, on speculative rows that are
//!   dropped afterwards; below a boundary the new lexemes' tokens come from
//!   the cache again. Walking thread sets together (as the matcher does)
//!   keeps grammars with many ways to split a token from blowing up.
//!
//! Threads with a pending look-ahead, and boundaries of look-ahead
//! terminals, take the exact byte-by-byte path through the matcher.

use std::sync::{Arc, RwLock};

use rustc_hash::FxHashMap;

use crate::compiled::CompiledGrammar;
use crate::lexer::{LexState, DEAD, NO_LOOKAHEAD};
use crate::matcher::{Matcher, Thread};
use crate::vocab::{TokTrie, TokenId, Vocabulary};

/// Tokens a walk found valid: a bitset when many, a list when few.
#[derive(Debug)]
enum TokenSet {
    Dense(Box<[u32]>),
    Sparse(Box<[TokenId]>),
}

/// What walking a subtree of the trie from a lexer state finds.
#[derive(Debug)]
struct Entry {
    /// Tokens valid by continuing the lexeme.
    ci: TokenSet,
    /// Trie nodes where some terminal ends, in DFS order.
    boundaries: Box<[u32]>,
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
        let mut boundaries = Vec::new();
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
                boundaries.push(i as u32);
                lookahead_boundary |= info.accepts.iter().any(|a| a.lookahead != NO_LOOKAHEAD);
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
        let ci = if tokens.len() > words {
            let mut bits = vec![0u32; words].into_boxed_slice();
            for t in tokens {
                bits[(t / 32) as usize] |= 1 << (t % 32);
            }
            TokenSet::Dense(bits)
        } else {
            TokenSet::Sparse(tokens.into_boxed_slice())
        };
        Ok(Entry {
            ci,
            boundaries: boundaries.into_boxed_slice(),
            lookahead_boundary,
        })
    }
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
        let depth = self.depth();
        let threads = self.threads.clone();
        let result = self.mask_visit(tg, 0, &threads, Vec::new(), out);
        self.rollback(self.depth() - depth);
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

    /// The matcher has consumed the bytes up to trie node `c`; `fresh` are
    /// the threads that start here (all threads at the root), `targets` the
    /// boundary nodes below `c` inherited from threads started above.
    fn mask_visit(
        &mut self,
        tg: &TokenGrammar,
        c: usize,
        fresh: &[Thread],
        mut targets: Vec<u32>,
        out: &mut [u32],
    ) -> Result<(), String> {
        let trie = tg.vocab.trie();
        for th in fresh {
            if th.la != NO_LOOKAHEAD {
                return self.exhaustive(tg, c, out);
            }
            let entry = tg.entry(c, th.lex)?;
            if entry.lookahead_boundary {
                return self.exhaustive(tg, c, out);
            }
            match &entry.ci {
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
            targets.extend_from_slice(&entry.boundaries);
        }
        if targets.is_empty() {
            return Ok(());
        }
        targets.sort_unstable();
        targets.dedup();
        // Visit each child whose subtree holds a target.
        let mut k = 0;
        while k < targets.len() {
            let t = targets[k] as usize;
            let ch = child_towards(trie, c, t);
            let end = ch + trie.node(ch).subtree_size();
            let mut k2 = k;
            while k2 < targets.len() && (targets[k2] as usize) < end {
                k2 += 1;
            }
            let n = trie.node(ch);
            let is_target = targets[k] as usize == ch;
            // Only at a target can a lexeme end; elsewhere the lexer alone moves.
            let ok = if is_target {
                self.push_byte(n.byte())
            } else {
                self.push_byte_inside(n.byte())
            };
            if ok {
                for &tok in trie.node_tokens(ch) {
                    set_bit(out, tok);
                }
                let below = targets[k + usize::from(is_target)..k2].to_vec();
                let r = if is_target {
                    let new: Vec<Thread> =
                        self.threads.iter().copied().filter(|t| t.fresh).collect();
                    self.mask_visit(tg, ch, &new, below, out)
                } else {
                    self.mask_visit(tg, ch, &[], below, out)
                };
                self.rollback(1);
                r?;
            } else {
                let err = self.error().map(|e| e.to_string());
                self.rollback(1);
                if let Some(e) = err {
                    return Err(e);
                }
            }
            k = k2;
        }
        Ok(())
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

/// The child of `from` whose subtree holds the descendant `to`.
fn child_towards(trie: &TokTrie, from: usize, to: usize) -> usize {
    let mut c = from + 1;
    loop {
        let size = trie.node(c).subtree_size();
        if to < c + size {
            return c;
        }
        c += size;
    }
}
