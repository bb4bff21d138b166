//! Token masks: which tokens keep the output a viable prefix.
//!
//! The token trie is walked through the lexer: a dead lexer state skips a
//! whole subtree. What a walk from one lexer state finds splits in two, and
//! both parts are cached in the [`TokenGrammar`], shared by all its
//! matchers:
//!
//! - tokens whose bytes stay inside the current lexeme (the lexer stays
//!   alive to the token's last byte): valid whatever the parser says (the
//!   context-independent part);
//! - *boundaries*: trie nodes where terminals can end, grouped by the set
//!   of terminals ending (and any look-ahead still pending). Whether the
//!   parser takes them depends only on the thread's Earley row and that
//!   set, so one parser step decides a whole group: every token ending at
//!   one of its nodes is in or out together. Where nothing follows in the
//!   trie and every grammar symbol is productive, not even a step is
//!   needed: a row always takes a terminal it expects.
//!
//! Below a group's nodes new lexemes start, from the rows its parser step
//! made. The walk below *all* of a group's nodes is one cached walk per
//! lexer state the new lexeme starts in, so a mask costs a handful of
//! cache lookups and parser steps, not one per token that crosses a
//! boundary. Root walks are cached per (lexer state, look-ahead); the rest
//! hang off their group.
//!
//! Threads (the alternatives a matcher holds) are walked one at a time: a
//! token is allowed when some thread allows it. Parser steps are memoised
//! by (row, group) for the whole mask, their rows kept in the chart until
//! the mask is done, and a (walk, row) pair is visited once, so grammars
//! with many ways to split a token stay polynomial.
//!
//! A pending look-ahead (a terminal's trailing `(?!...)` or `(?=...)`) is
//! part of the walk's state: the cached walk steps its DFA alongside the
//! lexer, drops a subtree where it fails and forgets it once it holds, so
//! the usual word-boundary tests (`(?![a-z0-9_])`) cost nothing extra.
//! Greedily matched ignored text (lark's `%ignore`) excludes the bytes that
//! would extend it from the next lexeme's first byte, likewise.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::compiled::CompiledGrammar;
use crate::grammar::TermId;
use crate::lexer::counted::{CountedString, Scan};
use crate::lexer::regex;
use crate::lexer::{
    Accept, AfterAccept, CountedAt, LexState, Row, Step, DEAD, NESTED_LOOKAHEAD, NO_LOOKAHEAD,
};
use crate::matcher::{Matcher, Thread};
use crate::vocab::{TokTrie, TokenId, Vocabulary};
use regex_automata::util::primitives::StateID;

/// Tokens a walk found valid: a bitset when many, a list when few.
#[derive(Debug)]
enum TokenSet {
    Dense(Box<[u32]>),
    Sparse(Box<[TokenId]>),
}

impl TokenSet {
    /// The set of `tokens` (in any order, repeats allowed).
    fn new(tokens: &[TokenId], words: usize) -> TokenSet {
        if tokens.len() > words {
            let mut bits = vec![0u32; words].into_boxed_slice();
            for &t in tokens {
                set_bit(&mut bits, t);
            }
            TokenSet::Dense(bits)
        } else {
            let mut ts = tokens.to_vec();
            ts.sort_unstable();
            ts.dedup();
            TokenSet::Sparse(ts.into_boxed_slice())
        }
    }

    /// The set of the tokens in `ranges` of the trie's token list (ranges
    /// may overlap).
    fn from_ranges(trie: &TokTrie, ranges: &[(usize, usize)], words: usize) -> TokenSet {
        let ids = trie.token_ids();
        let n: usize = ranges.iter().map(|&(s, e)| e - s).sum();
        if n > words {
            // Most of the list: clear the gaps from the bitmap of every
            // token (each id is at one place in the list) rather than set
            // each token of the ranges, one scattered bit at a time.
            let mut sorted = ranges.to_vec();
            sorted.sort_unstable();
            let mut bits: Box<[u32]> = trie.all_bits().into();
            let mut at = 0;
            for (s, e) in sorted {
                for &t in &ids[at.min(s)..s] {
                    clear_bit(&mut bits, t);
                }
                at = at.max(e);
            }
            for &t in &ids[at..] {
                clear_bit(&mut bits, t);
            }
            TokenSet::Dense(bits)
        } else {
            let mut ts: Vec<TokenId> = Vec::with_capacity(n);
            for &(s, e) in ranges {
                ts.extend_from_slice(&ids[s..e]);
            }
            ts.sort_unstable();
            ts.dedup();
            TokenSet::Sparse(ts.into_boxed_slice())
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

thread_local! {
    /// Per-node scratch of [`TokenGrammar::counted_scan`].
    static NEED_AT: std::cell::RefCell<Vec<u16>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A walk before its tokens become a set: the valid tokens as ranges of
/// the trie's token list, and its boundary groups.
#[derive(Debug)]
struct Walked {
    ranges: Vec<(usize, usize)>,
    groups: Vec<Arc<Group>>,
}

impl Walked {
    fn bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.ranges.len() * 16
            + self.groups.iter().map(|g| g.bytes()).sum::<usize>()
    }
}

/// Runs of consecutive trie nodes whose tokens a walk keeps: consecutive
/// nodes hold consecutive ranges of the trie's token list.
#[derive(Default)]
struct Runs {
    ranges: Vec<(usize, usize)>,
    start: usize,
    end: usize,
}

impl Runs {
    /// Keeps node `i`'s tokens.
    #[inline(always)]
    fn add(&mut self, trie: &TokTrie, i: usize) {
        let t = trie.tok_start(i);
        if t != self.end {
            self.ranges.push((self.start, self.end));
            self.start = t;
        }
        self.end = trie.tok_start(i + 1);
    }

    fn finish(mut self) -> Vec<(usize, usize)> {
        self.ranges.push((self.start, self.end));
        self.ranges
    }
}

/// Root children with subtrees this large are walked on their own and
/// kept (see [`TokenGrammar::root_walk`]); smaller ones are walked together.
const SHARED_SUBTREE: usize = 512;

/// Tokens needing more characters than this are listed in
/// [`TextScan::long`].
const LONG_NEED: u32 = 8;

/// A walk of the whole trie inside the text of counted strings (one
/// character table), from one place inside a character and whatever the
/// count: each token with the characters it needs. The walk from any count
/// is this one cut to the room the bounds leave, so counts near the bounds
/// cost a filter, not a walk.
#[derive(Debug)]
pub(crate) struct TextScan {
    /// The characters each token needs to stay inside the text (one begun
    /// counts), by its place in the trie's token list (`u16::MAX`: it
    /// leaves the text).
    tok_need: Vec<u16>,
    max_need: u32,
    /// (need, token) of the tokens needing more than [`LONG_NEED`]
    /// characters, the most first: what a cut with room for more removes.
    long: Vec<(u16, TokenId)>,
    /// Every token that stays inside the text.
    all: Arc<TokenSet>,
    /// The tokens of `all` as ranges of the trie's token list, ascending.
    ranges: Vec<(usize, usize)>,
    /// (characters before it, node, token): tokens ending right after the
    /// closing quote, in node order.
    close_tokens: Vec<(u32, u32, TokenId)>,
    /// (characters before it, node): closing quotes with children.
    close_inner: Vec<(u32, u32)>,
    /// The most characters before a closing quote.
    max_close: u32,
}

/// A boundary group of a cut walk (None: nothing closes there).
type CutGroup = Option<Arc<Group>>;

/// A grammar's cuts of a [`TextScan`]: what ends at the closing quote
/// depends on the terminal.
#[derive(Debug)]
struct CountedScan {
    text: Arc<TextScan>,
    /// Cut walks by (state after the closing quote: the terminal ending,
    /// room, characters still needed), both capped.
    entries: Mutex<FxHashMap<(LexState, u32, u32), Arc<Entry>>>,
    /// Boundary groups by (state after the closing quote, range of closing
    /// counts they keep).
    groups: Mutex<FxHashMap<(LexState, u32, u32), CutGroup>>,
}

/// Boundaries of one walk that share the state reached there.
#[derive(Debug)]
struct Group {
    /// The terminals ending at these nodes (interned: `accept_id`).
    accepts: Box<[Accept]>,
    accept_id: u32,
    /// The look-ahead still pending there (and its DFA state).
    la: u32,
    la_state: u32,
    /// Tokens ending at these nodes where the lexeme cannot go on: valid
    /// exactly when the parser takes one of the terminals ending.
    tokens: TokenSet,
    /// Nodes with children, below which new lexemes start.
    inner: Box<[u32]>,
    /// The walks below all of `inner` at once, per state of the thread
    /// that starts there (lexer state, look-ahead, its state).
    cont: RwLock<FxHashMap<EntryKey, Arc<Entry>>>,
}

/// What walking a subtree of the trie from a lexer state finds.
#[derive(Debug)]
struct Entry {
    /// Tokens valid by continuing the lexeme.
    ci: Arc<TokenSet>,
    groups: Box<[Arc<Group>]>,
}
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

impl TokenSet {
    fn bytes(&self) -> usize {
        match self {
            TokenSet::Dense(b) => b.len() * 4,
            TokenSet::Sparse(t) => t.len() * 4,
        }
    }
}

impl Group {
    /// Approximate heap size, its walks below aside.
    fn bytes(&self) -> usize {
        std::mem::size_of::<Group>()
            + self.tokens.bytes()
            + self.inner.len() * 4
            + self.accepts.len() * std::mem::size_of::<Accept>()
    }
}

impl Entry {
    /// Approximate heap size, for the cache limit.
    fn bytes(&self) -> usize {
        let groups: usize = self.groups.iter().map(|g| g.bytes()).sum();
        // The map slot and the Arc's counts come on top.
        std::mem::size_of::<Entry>() + 64 + self.ci.bytes() + groups
    }
}

/// A compiled grammar bound to a vocabulary, with the shared mask cache.
#[derive(Debug)]
pub struct TokenGrammar {
    pub grammar: Arc<CompiledGrammar>,
    pub vocab: Arc<Vocabulary>,
    cache: RwLock<FxHashMap<EntryKey, Arc<Entry>>>,
    /// Sets of terminals ending together, interned: one parser step serves
    /// every lexer state with the same set.
    accept_ids: Mutex<FxHashMap<Box<[Accept]>, u32>>,
    cache_bytes: AtomicUsize,
    /// Special-token terminals of the grammar and the token each stands for.
    specials: Vec<(TermId, TokenId)>,
    /// The longest token's length in bytes: how far one token walk reads.
    horizon: u32,
    /// Walks inside counted strings' text, per (character table, place
    /// inside a character): see [`CountedScan`].
    scans: Mutex<FxHashMap<(u64, u32), Arc<CountedScan>>>,
    /// Walks below one child of the root, by (state reached at the child,
    /// child): see [`TokenGrammar::root_walk`].
    subs: RwLock<FxHashMap<(LexState, u32), Arc<Walked>>>,
    /// Walks below boundary groups, shared by every group with the same
    /// inner nodes: by (hash of the nodes, thread state), with the group
    /// whose nodes they are. Groups of different walks often meet the same
    /// nodes (a token split in many ways), and each split must not walk the
    /// rest of the token again.
    conts: ContCache,
    config: MaskConfig,
}

type ContCache = RwLock<FxHashMap<(u64, EntryKey), Vec<(Arc<Group>, Arc<Entry>)>>>;

/// (lexer state, pending look-ahead, its DFA state).
type EntryKey = (LexState, u32, u32);

impl TokenGrammar {
    /// Binds `grammar` to `vocab`. Fails when the grammar names a special
    /// token (`<|name|>`, `<[id]>`) the vocabulary does not have.
    pub fn new(
        grammar: Arc<CompiledGrammar>,
        vocab: Arc<Vocabulary>,
    ) -> Result<Arc<TokenGrammar>, String> {
        Self::with_config(grammar, vocab, MaskConfig::default())
    }

    /// The special token each special-token terminal stands for.
    fn bind_specials(
        grammar: &CompiledGrammar,
        vocab: &Vocabulary,
    ) -> Result<Vec<(TermId, TokenId)>, String> {
        let mut out = Vec::new();
        for (term, text) in &grammar.special_terms {
            let id = if let Some(digits) =
                text.strip_prefix("<[").and_then(|t| t.strip_suffix("]>"))
            {
                let id: TokenId = digits
                    .parse()
                    .map_err(|_| format!("special token {text}: not a token id"))?;
                if vocab.special_name(id).is_none() {
                    return Err(format!(
                        "{text} is not a special token of this vocabulary (ordinary tokens are written as strings)"
                    ));
                }
                id
            } else {
                vocab
                    .special_token_ids()
                    .iter()
                    .copied()
                    .find(|&id| vocab.special_name(id) == Some(text.as_str()))
                    .ok_or_else(|| {
                        format!("the grammar names special token {text}, which this vocabulary does not have")
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

    pub fn with_config(
        grammar: Arc<CompiledGrammar>,
        vocab: Arc<Vocabulary>,
        config: MaskConfig,
    ) -> Result<Arc<TokenGrammar>, String> {
        let specials = Self::bind_specials(&grammar, &vocab)?;
        // Build the trie now rather than inside the first mask, and the
        // scan of string text (once per vocabulary, a fraction of the
        // trie's cost): walks inside strings and object keys read it.
        vocab.trie();
        if let Some(text) = regex::json_text() {
            text_scan(&vocab, &text, text.unit_start());
        }
        let horizon = vocab.max_token_len() as u32;
        Ok(Arc::new(TokenGrammar {
            grammar,
            vocab,
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
    fn root_entry(&self, th: Thread) -> Result<Arc<Entry>, String> {
        self.cached_walk(&self.cache, &[0], th)
    }

    /// The walk below every inner node of group `g` for a thread starting
    /// there in state `th`.
    fn continuation(&self, g: &Arc<Group>, th: Thread) -> Result<Arc<Entry>, String> {
        let lex = self
            .grammar
            .lexer
            .walk_key(th.lex, self.horizon)
            .map_err(|e| e.0)?;
        let key = (lex, th.la, th.la_state);
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
    fn cached_walk(
        &self,
        cache: &RwLock<FxHashMap<EntryKey, Arc<Entry>>>,
        nodes: &[u32],
        th: Thread,
    ) -> Result<Arc<Entry>, String> {
        // A state that behaves the same for a token's length (counted
        // strings far from their bounds share one walk).
        let horizon = self.horizon;
        let lex = self
            .grammar
            .lexer
            .walk_key(th.lex, horizon)
            .map_err(|e| e.0)?;
        let key = (lex, th.la, th.la_state);
        if let Some(e) = cache.read().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(e);
        }
        // Inside a counted string, or where the state behaves like plain
        // string text: a cut of the vocabulary's scan.
        let lexer = &self.grammar.lexer;
        let counted = match (nodes, regex::json_text()) {
            ([0], Some(text)) if th.la == NO_LOOKAHEAD => match lexer.counted_at(lex) {
                Ok(None) => lexer.plain_text_at(lex, text.unit_start()),
                r => r,
            }
            .map_err(|e| e.0)?,
            _ => None,
        };
        // These entries are shared between states and sized where built.
        let (e, size) = match counted {
            Some(at) => (self.counted_entry(&at), 0),
            None => {
                let e = Arc::new(match nodes {
                    [0] if th.la == NO_LOOKAHEAD => self.root_walk(key)?,
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
    fn keep<K: std::hash::Hash + Eq, V>(
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

    /// The scan of the whole trie inside counted strings with `at`'s
    /// character table, from `at`'s place inside a character, with this
    /// grammar's cuts of it.
    fn counted_scan(&self, at: &CountedAt) -> Arc<CountedScan> {
        let key = (at.machine.unit_key(), at.unit);
        let mut scans = self.scans.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(sc) = scans.get(&key) {
            return sc.clone();
        }
        let sc = Arc::new(CountedScan {
            text: text_scan(&self.vocab, &at.machine, at.unit),
            entries: Mutex::new(FxHashMap::default()),
            groups: Mutex::new(FxHashMap::default()),
        });
        scans.insert(key, sc.clone());
        sc
    }

    /// The walk from a state inside a counted string's text: its scan,
    /// cut to the characters the bounds still allow.
    fn counted_entry(&self, at: &CountedAt) -> Arc<Entry> {
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
        self.cache_bytes
            .fetch_add(std::mem::size_of::<Entry>() + 64 + own, Ordering::Relaxed);
        entries.insert((at.end, room, need), e.clone());
        e
    }

    /// The boundary group at closing quotes of string text: these tokens
    /// end right after one, below these nodes more follows; `end` is the
    /// lexer state there. None when there are neither.
    fn close_group(&self, end: LexState, tokens: Vec<TokenId>, inner: Vec<u32>) -> CutGroup {
        if tokens.is_empty() && inner.is_empty() {
            return None;
        }
        let accepts = self.grammar.lexer.info(end).accepts.clone();
        Some(Arc::new(Group {
            accept_id: self.accept_id(&accepts),
            accepts,
            la: NO_LOOKAHEAD,
            la_state: 0,
            tokens: TokenSet::new(&tokens, self.vocab.mask_words()),
            inner: inner.into_boxed_slice(),
            cont: RwLock::new(FxHashMap::default()),
        }))
    }

    fn accept_id(&self, accepts: &[Accept]) -> u32 {
        let mut ids = self.accept_ids.lock().unwrap_or_else(|e| e.into_inner());
        let n = ids.len() as u32;
        *ids.entry(accepts.into()).or_insert(n)
    }

    /// What terminals `accepts` ending (with look-ahead `la` pending) leave
    /// for the next lexeme's bytes: per ending, the bytes greedily matched
    /// ignored text excludes first, and the look-ahead left pending. None
    /// when some ending leaves nothing (any byte may follow).
    fn pending_conds(&self, accepts: &[Accept], la: u32, la_state: u32) -> Option<Vec<Cond>> {
        let lexer = &self.grammar.lexer;
        let mut conds: Vec<Cond> = Vec::new();
        for acc in accepts {
            let excl = if self.grammar.is_ignore[acc.term as usize] {
                lexer.exclusion_set(acc.munch)
            } else {
                None
            };
            let l =
                (acc.lookahead != NO_LOOKAHEAD).then(|| &lexer.lookaheads[acc.lookahead as usize]);
            let (l, st) = match l {
                Some(l) if !l.matches_empty() => (acc.lookahead, l.start.as_u32()),
                Some(l) if l.negative => continue,
                _ => (la, la_state),
            };
            if excl.is_none() && l == NO_LOOKAHEAD {
                return None;
            }
            conds.push((excl, l, st));
        }
        conds.sort_unstable();
        conds.dedup();
        Some(conds)
    }

    /// Whether a new lexeme can start below trie node `node` under
    /// `conds` ([`TokenGrammar::pending_conds`]): some path down the subtree
    /// passes them (its first byte is not excluded, and it satisfies the
    /// look-ahead, or a token ends while it is still undecided). Otherwise
    /// (a word ending inside a longer word under a word-boundary test, a
    /// line comment ending before the line does) the node is not worth a
    /// walk of its own.
    fn subtree_passes(&self, node: usize, conds: Option<&[Cond]>) -> bool {
        let trie = self.vocab.trie();
        let size = trie.node(node).subtree_size();
        if size == 1 {
            return false;
        }
        let Some(conds) = conds else { return true };
        let lexer = &self.grammar.lexer;
        for &(excl, l, st) in conds {
            let l = (l != NO_LOOKAHEAD).then(|| &lexer.lookaheads[l as usize]);
            // (subtree end, look-ahead state) of the open nodes
            let mut stack: Vec<(usize, u32)> = Vec::new();
            let mut i = node + 1;
            while i < node + size {
                while stack.last().is_some_and(|&(e, _)| i >= e) {
                    stack.pop();
                }
                let n = trie.node(i);
                let b = n.byte();
                if stack.is_empty() && excl.is_some_and(|x| x[b as usize / 64] >> (b % 64) & 1 == 1)
                {
                    i += n.subtree_size();
                    continue;
                }
                let Some(l) = l else { return true };
                let cur = stack.last().map_or(st, |x| x.1);
                let (ns, res) = l.step(StateID::new_unchecked(cur as usize), b);
                match res {
                    Some(held) if held != l.negative => return true,
                    Some(_) => i += n.subtree_size(),
                    None if !trie.node_tokens(i).is_empty() => return true,
                    None => {
                        stack.push((i + n.subtree_size(), ns.as_u32()));
                        i += 1;
                    }
                }
            }
        }
        false
    }

    /// Walks the children of each of `nodes` from a thread's lexer state
    /// and pending look-ahead, stepping both as [`Matcher::step`] does.
    fn compute(&self, nodes: &[u32], key: EntryKey) -> Result<Entry, String> {
        let trie: &TokTrie = self.vocab.trie();
        let spans: Vec<(usize, usize)> = nodes
            .iter()
            .map(|&n| {
                (
                    n as usize + 1,
                    n as usize + trie.node(n as usize).subtree_size(),
                )
            })
            .collect();
        let w = self.walk_spans(&spans, key)?;
        Ok(self.entry_of(&w.ranges, w.groups))
    }

    fn entry_of(&self, ranges: &[(usize, usize)], groups: Vec<Arc<Group>>) -> Entry {
        Entry {
            ci: Arc::new(TokenSet::from_ranges(
                self.vocab.trie(),
                ranges,
                self.vocab.mask_words(),
            )),
            groups: groups.into_boxed_slice(),
        }
    }

    /// The walk from the root for state `key` (no look-ahead pending),
    /// put together from walks below each child with a large subtree, kept
    /// per (state reached there, child) and themselves put together the same
    /// way: states that agree on most bytes (an object key's prefixes, which
    /// leave the listed names for any other key after a byte or two) share
    /// most of their walk, and a state that behaves like plain string text
    /// reads its walk off the vocabulary's scan.
    fn root_walk(&self, key: EntryKey) -> Result<Entry, String> {
        let trie: &TokTrie = self.vocab.trie();
        let mut w = Walked {
            ranges: Vec::new(),
            groups: Vec::new(),
        };
        let place = regex::json_text().map(|t| t.unit_start());
        self.children_walk(key, (1, trie.node(0).subtree_size()), place, &mut w)?;
        Ok(self.entry_of(&w.ranges, w.groups))
    }

    /// Adds to `out` the walk of the sibling nodes of `span` (and below)
    /// from their parent's state `key`; `place` is where the scan of plain
    /// string text is at the parent, if inside the text.
    fn children_walk(
        &self,
        key: EntryKey,
        span: (usize, usize),
        place: Option<u32>,
        out: &mut Walked,
    ) -> Result<(), String> {
        let (s, ..) = key;
        let trie: &TokTrie = self.vocab.trie();
        let lexer = &self.grammar.lexer;
        let text = regex::json_text();
        let row = lexer.row(s);
        let mut small: Vec<(usize, usize)> = Vec::new();
        let mut c = span.0;
        while c < span.1 {
            let size = trie.node(c).subtree_size();
            let child = (c, c + size);
            c += size;
            let b = trie.node(child.0).byte();
            let st = lexer.step_in(row, s, b).map_err(|e| e.0)?;
            if st.state() == DEAD {
                continue;
            }
            if size < SHARED_SUBTREE {
                small.push(child);
                continue;
            }
            let at = match (place, &text) {
                (Some(p), Some(t)) => match t.scan(p, b) {
                    Scan::Next(p2, _) => Some(p2),
                    _ => None,
                },
                _ => None,
            };
            let w = self.sub_walk(key, st, child, at)?;
            out.ranges.extend_from_slice(&w.ranges);
            out.groups.extend(w.groups.iter().cloned());
        }
        if !small.is_empty() {
            let w = self.walk_spans(&small, key)?;
            out.ranges.extend_from_slice(&w.ranges);
            out.groups.extend(w.groups);
        }
        Ok(())
    }

    /// The walk of node `span.0` and below, reached by step `st` from its
    /// parent's state `key` (`place`: the scan's place there), kept.
    fn sub_walk(
        &self,
        key: EntryKey,
        st: Step,
        span: (usize, usize),
        place: Option<u32>,
    ) -> Result<Arc<Walked>, String> {
        let ns = st.state();
        let sub_key = (ns, span.0 as u32);
        if let Some(w) = self.subs.read().ok().and_then(|m| m.get(&sub_key).cloned()) {
            return Ok(w);
        }
        let text = match place {
            Some(p) => self.text_sub(ns, span, p)?,
            None => None,
        };
        let w = match text {
            Some(w) => w,
            None => {
                // The node itself, then its children the same way.
                let mut w = self.walk_spans(&[(span.0, span.0 + 1)], key)?;
                if st.live() {
                    let below = (ns, NO_LOOKAHEAD, 0);
                    self.children_walk(below, (span.0 + 1, span.1), place, &mut w)?;
                }
                w
            }
        };
        let w = Arc::new(w);
        self.keep(&self.subs, sub_key, &w, w.bytes());
        Ok(w)
    }

    /// The walk of node `span.0` and below, reached in state `ns`, read off
    /// the vocabulary's scan of plain string text when `ns` behaves like
    /// that text at `place`, where the scan is at that node (an object key
    /// that left the listed names behind, a string without bounds).
    fn text_sub(
        &self,
        ns: LexState,
        span: (usize, usize),
        place: u32,
    ) -> Result<Option<Walked>, String> {
        let Some(text) = regex::json_text() else {
            return Ok(None);
        };
        let trie = self.vocab.trie();
        let Some(at) = self
            .grammar
            .lexer
            .plain_text_at(ns, place)
            .map_err(|e| e.0)?
        else {
            return Ok(None);
        };
        let scan = text_scan(&self.vocab, &text, text.unit_start());
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

    /// Walks the nodes of each span (siblings and their subtrees: a span
    /// starts at a node and ends where its parent's subtree does, or at
    /// the end of the node's own) from a thread's lexer state and pending
    /// look-ahead at their parent, stepping both as [`Matcher::step`] does.
    fn walk_spans(&self, spans: &[(usize, usize)], key: EntryKey) -> Result<Walked, String> {
        let (s, la, la_state) = key;
        let trie: &TokTrie = self.vocab.trie();
        let lexer = &self.grammar.lexer;
        // Tokens valid by continuing the lexeme, as ranges of the trie's
        // token list: consecutive nodes hold consecutive tokens, so a walk
        // through a string's text makes few ranges.
        let mut runs = Runs::default();
        let mut groups: Vec<(GroupKey, LexState, Vec<TokenId>, Vec<u32>)> = Vec::new();
        let mut group_of: FxHashMap<GroupKey, usize> = FxHashMap::default();
        // Per (lexer state, look-ahead, its state) at a boundary: the group
        // and what the ending leaves for the next lexeme.
        let mut at_state: FxHashMap<(LexState, u32, u32), (usize, usize)> = FxHashMap::default();
        let mut conds: Vec<Option<Vec<Cond>>> = Vec::new();
        // Where terminals end at node `i` (lexer state `ns`, look-ahead
        // pending there): the node joins the group of what ends there.
        let mut boundary = |i: usize, ns: LexState, live: bool, pla: u32, pla_state: u32| {
            let info = lexer.info(ns);
            let (gi, ci) = *at_state.entry((ns, pla, pla_state)).or_insert_with(|| {
                let gk = (self.accept_id(&info.accepts), pla, pla_state);
                let gi = *group_of.entry(gk).or_insert_with(|| {
                    groups.push((gk, ns, Vec::new(), Vec::new()));
                    groups.len() - 1
                });
                conds.push(self.pending_conds(&info.accepts, pla, pla_state));
                (gi, conds.len() - 1)
            });
            let g = &mut groups[gi];
            if !live {
                g.2.extend_from_slice(trie.node_tokens(i));
            }
            if self.subtree_passes(i, conds[ci].as_deref()) {
                g.3.push(i as u32);
            }
        };
        let root_row = lexer.row(s);
        let fast = la == NO_LOOKAHEAD;
        if fast {
            // The same walk with nothing pending anywhere (the usual case):
            // a smaller frame per depth.
            let mut path: Vec<(LexState, &Row)> = vec![(s, root_row); trie.max_depth() + 1];
            for &(first, end) in spans {
                path[trie.depth(first) - 1] = (s, root_row);
                let mut i = first;
                while i < end {
                    let d = trie.depth(i);
                    let (ps, row) = path[d - 1];
                    let n = trie.node(i);
                    let st = lexer
                        .step_in(row, ps, n.byte())
                        .map_err(|e| e.to_string())?;
                    let ns = st.state();
                    if ns == DEAD {
                        i += n.subtree_size();
                        continue;
                    }
                    if st.accepts() {
                        boundary(i, ns, st.live(), NO_LOOKAHEAD, 0);
                    }
                    if st.live() {
                        runs.add(trie, i);
                        if n.subtree_size() > 1 {
                            let nrow = if ns == ps { row } else { lexer.row(ns) };
                            path[d] = (ns, nrow);
                        }
                        i += 1;
                    } else {
                        i += n.subtree_size();
                    }
                }
            }
        }
        // (lexer state, its transitions, look-ahead, look-ahead state) per
        // depth along the current path: a node's parent is one depth up,
        // so leaving subtrees needs no bookkeeping.
        type Frame<'a> = (LexState, &'a Row, u32, u32);
        let mut path: Vec<Frame> = vec![(s, root_row, la, la_state); trie.max_depth() + 1];
        for &(first, end) in spans.iter().filter(|_| !fast) {
            path[trie.depth(first) - 1] = (s, root_row, la, la_state);
            let mut i = first;
            while i < end {
                let d = trie.depth(i);
                let (ps, row, mut pla, mut pla_state) = path[d - 1];
                let n = trie.node(i);
                let b = n.byte();
                if pla != NO_LOOKAHEAD {
                    let l = &lexer.lookaheads[pla as usize];
                    let (ns, res) = l.step(StateID::new_unchecked(pla_state as usize), b);
                    match (l.negative, res) {
                        (true, Some(true)) | (false, Some(false)) => {
                            i += n.subtree_size();
                            continue;
                        }
                        (true, Some(false)) | (false, Some(true)) => {
                            pla = NO_LOOKAHEAD;
                            pla_state = 0;
                        }
                        (_, None) => pla_state = ns.as_u32(),
                    }
                }
                let st = lexer.step_in(row, ps, b).map_err(|e| e.to_string())?;
                let ns = st.state();
                if ns == DEAD {
                    i += n.subtree_size();
                    continue;
                }
                if st.accepts() {
                    boundary(i, ns, st.live(), pla, pla_state);
                }
                if st.live() {
                    runs.add(trie, i);
                    if n.subtree_size() > 1 {
                        // Inside a lexeme the state often loops.
                        let nrow = if ns == ps { row } else { lexer.row(ns) };
                        path[d] = (ns, nrow, pla, pla_state);
                    }
                    i += 1;
                } else {
                    i += n.subtree_size();
                }
            }
        }
        let ranges = runs.finish();
        // Walks from nested nodes can meet the same node (and tokens, which
        // the sets drop).
        if spans.len() > 1 {
            for g in groups.iter_mut() {
                g.3.sort_unstable();
                g.3.dedup();
            }
        }
        let words = self.vocab.mask_words();
        Ok(Walked {
            ranges,
            groups: groups
                .into_iter()
                .map(|((accept_id, la, la_state), state, tokens, inner)| {
                    Arc::new(Group {
                        accepts: lexer.info(state).accepts.clone(),
                        accept_id,
                        la,
                        la_state,
                        tokens: TokenSet::new(&tokens, words),
                        inner: inner.into_boxed_slice(),
                        cont: RwLock::new(FxHashMap::default()),
                    })
                })
                .collect(),
        })
    }
}

/// The scan of the whole trie inside the text of counted strings like `m`
/// from `place` inside a character: kept with the vocabulary, since it
/// depends on the tokens alone.
fn text_scan(vocab: &Vocabulary, m: &CountedString, place: u32) -> Arc<TextScan> {
    let key = (m.unit_key(), place);
    let mut scans = vocab.text_scans.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(sc) = scans.get(&key) {
        return sc.clone();
    }
    let trie = vocab.trie();
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
    let words = vocab.mask_words();
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

/// What an ending leaves for the next lexeme's first bytes: bytes excluded
/// first, and a pending look-ahead with its DFA state.
type Cond = (Option<[u64; 4]>, u32, u32);

/// (interned set of terminals ending, pending look-ahead, its DFA state)
/// at a boundary.
type GroupKey = (u32, u32, u32);

/// Per-mask memo: boundary steps and the (node, thread) pairs walked.
#[derive(Debug, Default, Clone)]
pub(crate) struct MaskScratch {
    /// (row, state at the boundary) -> (valid, range of `arena`).
    steps: FxHashMap<(u32, GroupKey), (bool, u32, u32)>,
    /// Threads that start new lexemes after memoised boundary steps.
    arena: Vec<Thread>,
    /// (walk, row) pairs done: a walk's address stands for the trie
    /// nodes and the lexer state it starts from.
    visited: FxHashSet<(usize, u32)>,
    keep: Vec<Arc<Entry>>,
    /// The last mask (EOS aside) and what it depends on: the grammar and,
    /// per thread, its row's serial and its lexer and look-ahead states.
    /// Consecutive tokens inside one lexeme (a long string) often leave
    /// all of these unchanged.
    last_sig: Vec<(u64, LexState, u32, u32)>,
    /// The vocabulary of the last mask (held, so the comparison by address
    /// stays sound).
    last_vocab: Option<Arc<Vocabulary>>,
    last_mask: Vec<u32>,
    sig: Vec<(u64, LexState, u32, u32)>,
    /// (look-ahead, its state, terminal) triples ending at a boundary.
    seeds: Vec<(u32, u32, TermId)>,
    /// Walk states this mask has visited (see [`MaskConfig::max_walk_states`]).
    work: usize,
}

impl MaskScratch {
    /// Counts one walk state against the budget.
    fn charge(&mut self, tg: &TokenGrammar) -> Result<(), String> {
        self.work += 1;
        if self.work > tg.config.max_walk_states {
            return Err(format!(
                "mask walk budget exceeded ({} walk states); raise max_walk_states",
                tg.config.max_walk_states
            ));
        }
        Ok(())
    }
}

#[inline]
fn set_bit(out: &mut [u32], t: TokenId) {
    out[(t / 32) as usize] |= 1 << (t % 32);
}

#[inline(always)]
fn clear_bit(out: &mut [u32], t: TokenId) {
    out[(t / 32) as usize] &= !(1 << (t % 32));
}

impl Matcher {
    /// Writes the tokens allowed next into `out` (one bit per token id,
    /// `ceil(vocab_size / 32)` words). EOS is allowed exactly when the input
    /// may end here. Returns an error (and writes an empty mask) if a
    /// resource limit is hit; the matcher's state does not change.
    pub fn fill_mask(&mut self, tg: &TokenGrammar, out: &mut [u32]) -> Result<(), String> {
        if self.is_error() || self.threads.is_empty() {
            out.fill(0);
            return Ok(());
        }
        let mut sc = std::mem::take(&mut self.mask_scratch);
        sc.sig.clear();
        sc.work = 0;
        // Keyed by the walk's state (counted strings far from their bounds
        // share one), so the mask is reused along such a string.
        let horizon = tg.horizon;
        for th in &self.threads {
            let row = &self.chart.rows[th.row as usize];
            let lex = tg.grammar.lexer.walk_key(th.lex, horizon).unwrap_or(th.lex);
            sc.sig.push((row.serial, lex, th.la, th.la_state));
        }
        let same_vocab = sc
            .last_vocab
            .as_ref()
            .is_some_and(|v| Arc::ptr_eq(v, &tg.vocab));
        if same_vocab
            && Arc::ptr_eq(&tg.grammar, &self.g)
            && sc.last_sig == sc.sig
            && sc.last_mask.len() == out.len()
        {
            out.copy_from_slice(&sc.last_mask);
            self.mask_scratch = sc;
            self.add_eos(tg, out);
            return Ok(());
        }
        let rows = self.chart.rows.len();
        // Rows made during the walk must not be mistaken for the recorded one.
        let top_sig = self.top_sig.take();
        let threads = self.threads.clone();
        let mut result = Ok(());
        for (i, th) in threads.iter().enumerate() {
            result = tg.root_entry(*th).and_then(|e| {
                // The first walk's own tokens are copied over the zeros.
                let copied = match &*e.ci {
                    TokenSet::Dense(bits) if i == 0 && bits.len() == out.len() => {
                        out.copy_from_slice(bits);
                        true
                    }
                    _ if i == 0 => {
                        out.fill(0);
                        false
                    }
                    _ => false,
                };
                self.mask_walk(tg, &e, th.row, copied, &mut sc, out)
            });
            if result.is_err() {
                break;
            }
        }
        self.threads = threads;
        self.chart.truncate(rows);
        self.top_sig = top_sig;
        sc.steps.clear();
        sc.arena.clear();
        sc.visited.clear();
        sc.keep.clear();
        if let Err(e) = result {
            sc.last_sig.clear();
            self.mask_scratch = sc;
            out.fill(0);
            return Err(e);
        }
        std::mem::swap(&mut sc.last_sig, &mut sc.sig);
        sc.last_vocab = Some(tg.vocab.clone());
        sc.last_mask.clear();
        sc.last_mask.extend_from_slice(out);
        self.mask_scratch = sc;
        self.add_eos(tg, out);
        Ok(())
    }

    /// EOS and the special tokens the grammar names: they depend on more
    /// than the threads' lexer states (whether a lexeme may end here), so
    /// they are added after the reusable part.
    fn add_eos(&self, tg: &TokenGrammar, out: &mut [u32]) {
        if self.is_accepting() {
            for &e in tg.vocab.eos_token_ids() {
                set_bit(out, e);
            }
        }
        for &(term, tok) in &tg.specials {
            if self.special_allowed(term) {
                set_bit(out, tok);
            }
        }
    }

    /// Adds the tokens a thread of row `row` allows along walk `entry`.
    fn mask_walk(
        &mut self,
        tg: &TokenGrammar,
        entry: &Arc<Entry>,
        row: u32,
        ci_done: bool,
        sc: &mut MaskScratch,
        out: &mut [u32],
    ) -> Result<(), String> {
        if !ci_done {
            entry.ci.or_into(out);
        }
        for g in entry.groups.iter() {
            if g.inner.is_empty() {
                if let Some(ok) = self.boundary_ok(tg, row, g) {
                    if ok {
                        g.tokens.or_into(out);
                    }
                    continue;
                }
            }
            let (ok, lo, hi) =
                self.boundary_step(tg, row, (g.accept_id, g.la, g.la_state), &g.accepts, sc)?;
            if !ok {
                continue;
            }
            g.tokens.or_into(out);
            if g.inner.is_empty() {
                continue;
            }
            for k in lo..hi {
                let next = sc.arena[k as usize];
                let cont = tg.continuation(g, next)?;
                if sc.visited.insert((Arc::as_ptr(&cont) as usize, next.row)) {
                    sc.charge(tg)?;
                    self.mask_walk(tg, &cont, next.row, false, sc, out)?;
                    // Alive until the mask is done, so no other walk reuses
                    // its address (walks past the cache limit are not kept).
                    sc.keep.push(cont);
                }
            }
        }
        Ok(())
    }

    /// Whether the parser takes what ends at group `g` from row `row`,
    /// without building the row that follows: when every symbol is
    /// productive, exactly when some terminal ending is ignored or expected
    /// there. None where the full step is needed.
    fn boundary_ok(&self, tg: &TokenGrammar, row: u32, g: &Group) -> Option<bool> {
        let cg = &tg.grammar;
        if !cg.all_productive {
            return None;
        }
        for acc in g.accepts.iter() {
            match cg.lexer.after_accept(acc, g.la, g.la_state) {
                AfterAccept::Pending(..) => {}
                AfterAccept::Never => continue,
                AfterAccept::NotSupported => return None, // the step reports it
            }
            if cg.is_ignore[acc.term as usize]
                || self.chart.row_terms(row).binary_search(&acc.term).is_ok()
            {
                return Some(true);
            }
        }
        Some(false)
    }

    /// The parser step of a thread of row `row` whose lexer reached a
    /// state where terminals end, with look-ahead `la` pending there:
    /// whether the byte is taken, and the threads that start new lexemes
    /// after it (those that can go on). Mirrors [`Matcher::step`] for one
    /// thread; memoised, and the new rows stay in the chart until the mask
    /// is done.
    fn boundary_step(
        &mut self,
        tg: &TokenGrammar,
        row: u32,
        at: GroupKey,
        accepts: &[Accept],
        sc: &mut MaskScratch,
    ) -> Result<(bool, u32, u32), String> {
        if let Some(&r) = sc.steps.get(&(row, at)) {
            return Ok(r);
        }
        sc.charge(tg)?;
        let (_, la, la_state) = at;
        let g = self.g.clone();
        let lexer = &g.lexer;
        let lo = sc.arena.len() as u32;
        let mut ok = false;
        sc.seeds.clear();
        for acc in accepts.iter() {
            let (nla, nla_state) = match lexer.after_accept(acc, la, la_state) {
                AfterAccept::Pending(l, st) => (l, st),
                AfterAccept::Never => continue,
                AfterAccept::NotSupported => {
                    return Err(format!("not supported: {NESTED_LOOKAHEAD}"));
                }
            };
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
                        la: nla,
                        la_state: nla_state,
                        fresh: true,
                    });
                }
            }
            if self.chart.row_terms(row).binary_search(&acc.term).is_ok() {
                sc.seeds.push((nla, nla_state, acc.term));
            }
        }
        if !sc.seeds.is_empty() {
            // One new row per look-ahead condition, as in `step`.
            sc.seeds.sort_unstable();
            sc.seeds.dedup();
            let seeds = std::mem::take(&mut sc.seeds);
            let mut scans = Vec::new();
            let mut i = 0;
            while i < seeds.len() {
                let (nla, nla_state, _) = seeds[i];
                scans.clear();
                while i < seeds.len() && (seeds[i].0, seeds[i].1) == (nla, nla_state) {
                    scans.push((row, seeds[i].2));
                    i += 1;
                }
                let k = self
                    .chart
                    .push_scan(&g.tables, &g.config.earley, &scans)
                    .map_err(|e| e.to_string())?;
                self.top_sig = None;
                let lex = self.set_lex_start(k)?;
                if lex != DEAD || self.row_ends_or_waits(k) {
                    ok = true;
                }
                if lex != DEAD {
                    sc.arena.push(Thread {
                        row: k,
                        lex,
                        la: nla,
                        la_state: nla_state,
                        fresh: true,
                    });
                }
            }
            sc.seeds = seeds;
        }
        let r = (ok, lo, sc.arena.len() as u32);
        sc.steps.insert((row, at), r);
        Ok(r)
    }
}
