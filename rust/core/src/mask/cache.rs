//! A compiled grammar bound to a vocabulary, and the cache of trie walks
//! every matcher over it shares (bounded by [`MaskConfig::max_cache_bytes`]).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use rustc_hash::FxHashMap;

use super::entry::{CountedScan, Entry, Group, WalkKey, Walked};
use super::env::TokEnv;
use crate::compiled::CompiledGrammar;
use crate::error::Failure;
use crate::grammar::TermId;
use crate::lexer::regex;
use crate::lexer::{Accept, LexState};
use crate::matcher::Thread;
use crate::vocab::{TokenId, Vocabulary};

/// Limits of the mask cache.
#[derive(Debug, Clone)]
pub struct MaskConfig {
    /// Most bytes the cached walks may take (roughly); past it, new walks
    /// are done without caching.
    pub max_cache_bytes: usize,
    /// Most walk states one mask may visit: (walk, Earley row) pairs and
    /// parser steps at lexeme boundaries. Past it the mask fails with a
    /// limit error instead of running on.
    pub max_walk_states: usize,
}

impl Default for MaskConfig {
    fn default() -> Self {
        MaskConfig {
            max_cache_bytes: 512 << 20,
            max_walk_states: 1_000_000,
        }
    }
}

/// A compiled grammar bound to a vocabulary, with the shared mask cache.
#[derive(Debug)]
pub struct TokenGrammar {
    pub grammar: Arc<CompiledGrammar>,
    pub vocab: Arc<Vocabulary>,
    /// The vocabulary's own scans, shared with other grammars over it.
    pub(super) env: Arc<TokEnv>,
    pub(super) cache: RwLock<FxHashMap<WalkKey, Arc<Entry>>>,
    /// Sets of terminals ending together, interned: one parser step serves
    /// every lexer state with the same set.
    pub(super) accept_ids: Mutex<FxHashMap<Box<[Accept]>, u32>>,
    pub(super) cache_bytes: AtomicUsize,
    /// Special-token terminals of the grammar and the token each stands for.
    pub(super) specials: Vec<(TermId, TokenId)>,
    /// The longest token's length in bytes: how far one token walk reads.
    pub(super) horizon: u32,
    /// Walks inside counted strings' text, per (character table, place
    /// inside a character): see [`CountedScan`].
    pub(super) scans: Mutex<FxHashMap<(u64, u32), Arc<CountedScan>>>,
    /// Walks below one child of the root, by (state reached at the child,
    /// child): see [`TokenGrammar::root_walk`].
    pub(super) subs: RwLock<FxHashMap<(LexState, u32), Arc<Walked>>>,
    /// Walks below boundary groups, shared by every group with the same
    /// inner nodes: by (hash of the nodes, thread state), with the group
    /// whose nodes they are. Groups of different walks often meet the same
    /// nodes (a token split in many ways), and each split must not walk the
    /// rest of the token again.
    pub(super) conts: ContCache,
    pub(super) config: MaskConfig,
}

pub(super) type ContCache = RwLock<FxHashMap<(u64, WalkKey), Vec<(Arc<Group>, Arc<Entry>)>>>;

impl TokenGrammar {
    /// Binds `grammar` to `vocab`. Fails when the grammar names a special
    /// token (`<|name|>`, `<[id]>`) the vocabulary does not have.
    pub fn new(
        grammar: Arc<CompiledGrammar>,
        vocab: Arc<Vocabulary>,
    ) -> Result<Arc<TokenGrammar>, Failure> {
        Self::with_config(grammar, vocab, MaskConfig::default())
    }

    /// The vocabulary with its shared scans, for binding other grammars.
    pub fn env(&self) -> &Arc<TokEnv> {
        &self.env
    }

    /// Binds `grammar` to `vocab` with cache limits `config`.
    pub fn with_config(
        grammar: Arc<CompiledGrammar>,
        vocab: Arc<Vocabulary>,
        config: MaskConfig,
    ) -> Result<Arc<TokenGrammar>, Failure> {
        Self::with_env(grammar, TokEnv::new(vocab), config)
    }

    /// Binds `grammar` to the vocabulary of `env`, sharing the scans `env`
    /// holds with every other grammar bound to it.
    pub fn with_env(
        grammar: Arc<CompiledGrammar>,
        env: Arc<TokEnv>,
        config: MaskConfig,
    ) -> Result<Arc<TokenGrammar>, Failure> {
        let vocab = env.vocab().clone();
        let specials = Self::bind_specials(&grammar, &vocab)?;
        // Build the trie now rather than inside the first mask, and the
        // scan of string text (once per vocabulary, a fraction of the
        // trie's cost): walks inside strings and object keys read it.
        vocab.trie();
        if let Some(text) = regex::json_text() {
            env.text_scan(&text, text.unit_start());
        }
        // Likewise the text of a string that may open the output (a
        // generic JSON grammar's, whose text is not quite the schemas').
        Self::scan_opening_text(&grammar, &env);
        let horizon = vocab.max_token_len() as u32;
        Ok(Arc::new(TokenGrammar {
            grammar,
            vocab,
            env,
            horizon,
            cache: RwLock::new(FxHashMap::default()),
            scans: Mutex::new(FxHashMap::default()),
            subs: RwLock::new(FxHashMap::default()),
            conts: RwLock::new(FxHashMap::default()),
            accept_ids: Mutex::new(FxHashMap::default()),
            cache_bytes: AtomicUsize::new(0),
            specials,
            config,
        }))
    }

    /// Scans the text of a string opened by the first byte of the output
    /// (`"`), when that text is plain ([`crate::lexer::Lexer::text_at`]):
    /// kept with the vocabulary, so this costs a grammar nothing where the
    /// scan exists. Errors are left for the masks to meet.
    fn scan_opening_text(grammar: &Arc<CompiledGrammar>, env: &TokEnv) {
        let lexer = &grammar.lexer;
        for th in crate::matcher::Matcher::new(grammar.clone()).threads {
            if let Ok(s) = lexer.step(th.lex, b'"') {
                if s != LexState::DEAD && lexer.info(s).accepts.is_empty() {
                    if let Ok(Some(at)) = lexer.text_at(s) {
                        env.text_scan(&at.machine, at.unit);
                    }
                }
            }
        }
    }

    /// The special token each special-token terminal stands for.
    pub(super) fn bind_specials(
        grammar: &CompiledGrammar,
        vocab: &Vocabulary,
    ) -> Result<Vec<(TermId, TokenId)>, Failure> {
        let mut out = Vec::new();
        for (term, text) in &grammar.special_terms {
            let id = if let Some(digits) =
                text.strip_prefix("<[").and_then(|t| t.strip_suffix("]>"))
            {
                let id: TokenId = digits.parse().map_err(|_| {
                    Failure::syntax(format!("special token {text}: not a token id"))
                })?;
                if vocab.special_name(id).is_none() {
                    return Err(Failure::syntax(format!(
                        "{text} is not a special token of this vocabulary (ordinary tokens are written as strings)"
                    )));
                }
                id
            } else {
                vocab
                    .special_token_ids()
                    .iter()
                    .copied()
                    .find(|&id| vocab.special_name(id) == Some(text.as_str()))
                    .ok_or_else(|| {
                        Failure::syntax(format!("the grammar names special token {text}, which this vocabulary does not have"))
                    })?
            };
            out.push((*term, id));
        }
        Ok(out)
    }

    /// The special tokens the grammar names, with their terminals.
    pub fn special_terminal(&self, token: TokenId) -> Option<TermId> {
        self.specials.iter().find(|s| s.1 == token).map(|s| s.0)
    }

    /// Number of cached walks (from the root and below boundary groups).
    pub fn cache_len(&self) -> usize {
        fn below(e: &Entry) -> usize {
            e.groups
                .iter()
                .map(|g| {
                    g.cont
                        .read()
                        .map_or(0, |c| c.values().map(|e| 1 + below(e)).sum())
                })
                .sum()
        }
        self.cache
            .read()
            .map_or(0, |c| c.values().map(|e| 1 + below(e)).sum())
    }

    /// Approximate bytes the cached walks take.
    pub fn cache_bytes(&self) -> usize {
        self.cache_bytes.load(Ordering::Relaxed)
    }

    /// The walk of the whole trie for a thread in state `th`.
    pub(super) fn root_entry(&self, th: Thread) -> Result<Arc<Entry>, Failure> {
        self.cached_walk(&self.cache, &[0], th)
    }

    /// The walk below every inner node of group `g` for a thread starting
    /// there in state `th`.
    pub(super) fn continuation(&self, g: &Arc<Group>, th: Thread) -> Result<Arc<Entry>, Failure> {
        let lex = self.grammar.lexer.walk_key(th.lex, self.horizon)?;
        let key = WalkKey {
            lex,
            la: th.la,
            la_state: th.la_state,
        };
        if let Some(e) = g.cont.read().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(e);
        }
        let h = {
            use std::hash::{Hash, Hasher};
            let mut h = rustc_hash::FxHasher::default();
            g.inner.hash(&mut h);
            h.finish()
        };
        let shared = self.conts.read().ok().and_then(|c| {
            c.get(&(h, key))?
                .iter()
                .find(|(o, _)| o.inner == g.inner)
                .map(|(_, e)| e.clone())
        });
        if let Some(e) = shared {
            self.keep(&g.cont, key, &e, 64);
            return Ok(e);
        }
        let e = self.cached_walk(&g.cont, &g.inner, th)?;
        if self.cache_bytes.load(Ordering::Relaxed) + 128 <= self.config.max_cache_bytes {
            if let Ok(mut c) = self.conts.write() {
                c.entry((h, key)).or_default().push((g.clone(), e.clone()));
                self.cache_bytes.fetch_add(128, Ordering::Relaxed);
            }
        }
        Ok(e)
    }

    /// The walk below `nodes` for a thread in state `th`, from `cache` or
    /// computed and kept there while the cache has room.
    pub(super) fn cached_walk(
        &self,
        cache: &RwLock<FxHashMap<WalkKey, Arc<Entry>>>,
        nodes: &[u32],
        th: Thread,
    ) -> Result<Arc<Entry>, Failure> {
        // A state that behaves the same for a token's length (counted
        // strings far from their bounds share one walk).
        let horizon = self.horizon;
        let lex = self.grammar.lexer.walk_key(th.lex, horizon)?;
        let key = WalkKey {
            lex,
            la: th.la,
            la_state: th.la_state,
        };
        if let Some(e) = cache.read().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(e);
        }
        // Inside a counted string, or where the state behaves like plain
        // string text: a cut of the vocabulary's scan.
        let lexer = &self.grammar.lexer;
        let counted = match nodes {
            [0] if th.la.is_none() => match lexer.counted_at(lex)? {
                None => lexer.text_at(lex)?,
                r => r,
            },
            _ => None,
        };
        // These entries are shared between states and sized where built;
        // here only the slot is.
        let (e, size) = match counted {
            Some(at) => (self.counted_entry(&at), 64),
            None => {
                let e = Arc::new(match nodes {
                    [0] if th.la.is_none() => self.root_walk(key)?,
                    _ => self.compute(nodes, key)?,
                });
                let size = e.bytes();
                (e, size)
            }
        };
        self.keep(cache, key, &e, size);
        Ok(e)
    }

    /// Keeps `v` in `map` under `key` while the cache has room for `size`
    /// more bytes.
    pub(super) fn keep<K: std::hash::Hash + Eq, V>(
        &self,
        map: &RwLock<FxHashMap<K, Arc<V>>>,
        key: K,
        v: &Arc<V>,
        size: usize,
    ) {
        if self.cache_bytes.load(Ordering::Relaxed) + size <= self.config.max_cache_bytes {
            if let Ok(mut m) = map.write() {
                if m.insert(key, v.clone()).is_none() {
                    self.cache_bytes.fetch_add(size, Ordering::Relaxed);
                }
            }
        }
    }
}
