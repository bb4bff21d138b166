//! The lexer: terminals as byte-level DFAs, combined lazily.
//!
//! Each terminal variant (see [`hir::Variant`]) is compiled to its own
//! anchored lazy DFA (regex-automata's hybrid DFA: states are determinized on
//! first use, in a cache capped in bytes) that reports every match, not just
//! the leftmost-longest one. A lexer *state* is the set of variants still alive
//! together with their DFA states, plus the variants that match exactly at
//! the current byte. States are interned on first sight and their transitions
//! cached in a table shared by every matcher of a compiled grammar: after
//! warm-up a step is one atomic load. The number of interned states is
//! capped ([`LexerConfig::max_states`]).

pub mod counted;
pub mod error;
pub mod hir;
pub mod json_text;
pub mod literals;
mod nfa;
pub mod product;
pub mod pyre;
pub mod regex;
pub mod table;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

use regex_automata::dfa::{dense, Automaton, StartKind};
use regex_automata::hybrid::{self, LazyStateID};
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::{Anchored, MatchKind};
use rustc_hash::FxHashMap;

use self::nfa::{build_nfa, intern_id};
use crate::grammar::TermId;

/// Lexer limits.
#[derive(Debug, Clone)]
pub struct LexerConfig {
    /// Most combined lexer states interned per compiled grammar (at most
    /// [`MAX_LEXER_STATES`]).
    pub max_states: usize,
    /// Most bytes one terminal's NFA, and its lazy DFA cache, may take;
    /// exceeding it is a clear error, never a silent cache reset.
    pub dfa_size_limit: usize,
    /// Deepest nesting of a terminal's expression: its
    /// [`crate::grammar::TermExpr`] levels (whichever front-end built it)
    /// plus the group nesting of the regexes in it. Compiling walks
    /// terminals recursively (about 2 KiB of stack per level), so this
    /// bounds the stack it needs; a deeper terminal is refused with an
    /// error naming it.
    pub max_nesting: usize,
}

impl Default for LexerConfig {
    fn default() -> Self {
        LexerConfig {
            max_states: 1 << 17,
            dfa_size_limit: 64 << 20,
            max_nesting: DEFAULT_MAX_NESTING,
        }
    }
}

/// The default [`LexerConfig::max_nesting`].
pub const DEFAULT_MAX_NESTING: usize = 500;

/// A lexer state id; [`DEAD`] is the state with nothing alive.
pub type LexState = u32;
pub const DEAD: LexState = 0;

/// What ends at a state: a terminal, and the look-ahead it needs (if any).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Accept {
    pub term: TermId,
    /// Index into [`Lexer::lookaheads`], or `u32::MAX` for none.
    pub lookahead: u32,
    /// For `%ignore` terminals: the bytes that would continue this match
    /// (an exclusion set for [`Lexer::start_excluding`]), or `u32::MAX`.
    /// Ignored text is matched greedily, as lark does: it ends only where it
    /// cannot go on.
    pub munch: u32,
}

pub const NO_LOOKAHEAD: u32 = u32::MAX;
/// No exclusion set.
pub const NO_EXCL: u32 = u32::MAX;

/// A compiled look-ahead condition.
pub struct LookaheadDfa {
    pub negative: bool,
    pub dfa: dense::DFA<Vec<u32>>,
    pub start: StateID,
}

impl LookaheadDfa {
    /// Steps the condition's DFA: `Some(true)` once it has matched,
    /// `Some(false)` once it can no longer match, `None` while undecided.
    pub fn step(&self, s: StateID, b: u8) -> (StateID, Option<bool>) {
        let n = self.dfa.next_state(s, b);
        if self.dfa.is_dead_state(n) {
            return (n, Some(false));
        }
        if self.dfa.is_match_state(self.dfa.next_eoi_state(n)) {
            return (n, Some(true));
        }
        (n, None)
    }

    /// Whether the condition matches the empty string.
    pub fn matches_empty(&self) -> bool {
        self.dfa.is_match_state(self.dfa.next_eoi_state(self.start))
    }
}

/// One terminal variant: a lazy DFA (regex-automata's hybrid DFA), whose
/// states are computed on first use, in a cache capped in bytes.
struct Component {
    term: TermId,
    lookahead: u32,
    dfa: Machine,
    /// Every state of the NFA can reach a match (no empty class, no
    /// look-around): then a lazy DFA state is productive and live unless
    /// it reports a match (see [`Component::productive`]).
    every_state_matches: bool,
}

/// Whether every NFA state compiled from `hir` can reach a match: it has
/// no look-around and no empty class (which never matches).
fn every_state_matches(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    if !hir.properties().look_set().is_empty() {
        return false;
    }
    let mut todo = vec![hir];
    while let Some(h) = todo.pop() {
        match h.kind() {
            HirKind::Class(Class::Unicode(c)) if c.ranges().is_empty() => return false,
            HirKind::Class(Class::Bytes(c)) if c.ranges().is_empty() => return false,
            HirKind::Look(_) => return false,
            HirKind::Repetition(r) => todo.push(&r.sub),
            HirKind::Capture(c) => todo.push(&c.sub),
            HirKind::Concat(xs) | HirKind::Alternation(xs) => todo.extend(xs.iter()),
            _ => {}
        }
    }
    true
}

/// How a component's language is held.
#[allow(clippy::large_enum_variant)] // one per terminal variant, never moved in a hot path
enum Machine {
    Lazy(hybrid::dfa::DFA),
    /// An explicit, trimmed table (intersection and complement): its state
    /// ids are used as they are.
    Table(std::sync::Arc<table::TableDfa>),
    /// A JSON string counted by length (see [`counted`]).
    Counted(std::sync::Arc<counted::CountedString>),
}

/// A component's lazily built states. Lazy state ids are only valid as long
/// as the cache is never cleared, so the DFA is configured to give up (a
/// limit error) rather than clear; our own dense ids index `ids`.
struct TermCache {
    /// None for a table component.
    cache: Option<hybrid::dfa::Cache>,
    ids: Vec<LazyStateID>,
    index: FxHashMap<LazyStateID, u32>,
    start: u32,
    reps: Vec<u8>,
    productive: FxHashMap<u32, bool>,
}

impl TermCache {
    fn intern(&mut self, id: LazyStateID) -> u32 {
        intern_id(&mut self.ids, &mut self.index, id)
    }
}

fn cache_err(e: impl std::fmt::Display) -> LexerLimit {
    LexerLimit(format!(
        "a terminal's lazy DFA outgrew its cache ({e}); raise max_dfa_bytes"
    ))
}

impl Component {
    /// The state after `b`, or `None` when dead.
    fn next(&self, tc: &mut TermCache, q: u32, b: u8) -> Result<Option<u32>, LexerLimit> {
        let dfa = match &self.dfa {
            Machine::Table(t) => {
                let n = t.next(q, b);
                return Ok((n != 0).then_some(n));
            }
            Machine::Counted(c) => {
                let n = c.next(q, b);
                return Ok((n != 0).then_some(n));
            }
            Machine::Lazy(dfa) => dfa,
        };
        let id = tc.ids[q as usize];
        let cache = tc.cache.as_mut().expect("lazy components have a cache");
        let n = dfa.next_state(cache, id, b).map_err(cache_err)?;
        if n.is_dead() {
            return Ok(None);
        }
        Ok(Some(tc.intern(n)))
    }

    /// Whether the bytes so far are a match of this variant.
    fn accepts(&self, tc: &mut TermCache, q: u32) -> Result<bool, LexerLimit> {
        let dfa = match &self.dfa {
            Machine::Table(t) => return Ok(t.accepts(q)),
            Machine::Counted(c) => return Ok(c.accepts(q)),
            Machine::Lazy(dfa) => dfa,
        };
        let id = tc.ids[q as usize];
        let cache = tc.cache.as_mut().expect("lazy components have a cache");
        Ok(dfa.next_eoi_state(cache, id).map_err(cache_err)?.is_match())
    }

    /// Whether some input (possibly empty) from `q` ends in a match. A
    /// state reached right after a match only reports that match (one byte
    /// late) and is not productive unless it can go on.
    fn productive(&self, tc: &mut TermCache, q: u32) -> Result<bool, LexerLimit> {
        if let Machine::Table(_) | Machine::Counted(_) = &self.dfa {
            return Ok(q != 0); // trimmed: every kept state is productive
        }
        if let Some(&p) = tc.productive.get(&q) {
            return Ok(p);
        }
        // A state holding NFA states past no reported match: they all lead
        // to one.
        if self.every_state_matches && !tc.ids[q as usize].is_match() {
            tc.productive.insert(q, true);
            return Ok(true);
        }
        let mut p = self.accepts(tc, q)?;
        if !p {
            for k in 0..tc.reps.len() {
                if self.next(tc, q, tc.reps[k])?.is_some() {
                    p = true;
                    break;
                }
            }
        }
        tc.productive.insert(q, p);
        Ok(p)
    }

    /// Whether some byte leads to a productive state.
    fn live(&self, tc: &mut TermCache, q: u32) -> Result<bool, LexerLimit> {
        match &self.dfa {
            Machine::Table(t) => return Ok(t.live(q)),
            Machine::Counted(c) => return Ok(c.live(q)),
            Machine::Lazy(_) => {}
        }
        // Such a state that does not match yet needs more bytes, and some
        // byte leads on towards the match.
        if self.every_state_matches && !tc.ids[q as usize].is_match() && !self.accepts(tc, q)? {
            return Ok(true);
        }
        for k in 0..tc.reps.len() {
            if let Some(n) = self.next(tc, q, tc.reps[k])? {
                if self.productive(tc, n)? {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }
}

/// A state's transitions, one word per byte (0 until computed).
pub type Row = [AtomicU32; 256];

/// A transition as stored: the next state, and whether it is live and
/// whether something ends there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step(u32);

const STEP_ACCEPTS: u32 = 1 << 31;
const STEP_LIVE: u32 = 1 << 30;
const STEP_STATE: u32 = STEP_LIVE - 1;
/// Most lexer states a grammar may have, whatever the configuration (each
/// takes 1 KiB of transitions, so this bound is far past any memory).
pub const MAX_LEXER_STATES: usize = 1 << 24;
const _: () = assert!(MAX_LEXER_STATES < STEP_STATE as usize);

impl Step {
    fn encode(s: LexState, live: bool, accepts: bool) -> u32 {
        debug_assert!(s < STEP_STATE);
        (s + 1) | if live { STEP_LIVE } else { 0 } | if accepts { STEP_ACCEPTS } else { 0 }
    }

    /// The next state.
    #[inline(always)]
    pub fn state(self) -> LexState {
        (self.0 & STEP_STATE) - 1
    }

    /// Whether the next state can still grow ([`StateInfo::live`]).
    #[inline(always)]
    pub fn live(self) -> bool {
        self.0 & STEP_LIVE != 0
    }

    /// Whether some variant matches exactly there.
    #[inline(always)]
    pub fn accepts(self) -> bool {
        self.0 & STEP_ACCEPTS != 0
    }
}

/// A lexer state inside one counted string ([`Lexer::counted_at`]).
#[derive(Debug, Clone)]
pub struct CountedAt {
    pub machine: std::sync::Arc<counted::CountedString>,
    /// Characters so far.
    pub count: u32,
    /// Place inside the current character.
    pub unit: u32,
    /// The state after the closing quote.
    pub end: LexState,
}

/// Per-state facts readable without locks.
#[derive(Debug)]
pub struct StateInfo {
    /// Variants that match exactly here, sorted.
    pub accepts: Box<[Accept]>,
    /// Whether any variant can still grow (otherwise every next byte is dead).
    pub live: bool,
    /// Whether a counted string is inside its text (see [`Lexer::walk_key`]).
    pub counting: bool,
}

const CHUNK: usize = 256; // states per chunk

/// What identifies a lexer state: live (component, DFA state) pairs and the
/// variants matching here.
/// Live (component, DFA state) pairs of a state.
type Components = Box<[(u32, u32)]>;
/// The last part is an exclusion set: bytes that may not come first.
type StateKey = (Box<[(u32, u32)]>, Box<[Accept]>, u32);
/// Chunks of lazily published per-state facts.
type InfoChunks = Box<[OnceLock<Box<[OnceLock<StateInfo>]>>]>;

struct Builder {
    /// Interned state contents: live (component, dfa state) pairs + accepts.
    keys: FxHashMap<StateKey, LexState>,
    states: Vec<(Components, u32)>,
    starts: FxHashMap<Box<[u32]>, LexState>,
    live_cache: FxHashMap<(u32, u32), bool>,
    excl_sets: Vec<[u64; 4]>,
    excl_ids: FxHashMap<[u64; 4], u32>,
    excluding: FxHashMap<(LexState, u32), LexState>,
    /// Canonical states for walks (see [`Lexer::walk_key`]).
    canon: FxHashMap<(LexState, u32), LexState>,
    /// [`Lexer::plain_text_at`] by (state, place): the state after the
    /// closing quote.
    plain: FxHashMap<(LexState, u32), Option<LexState>>,
    /// For states of many components: per byte, which of them may live on
    /// it (see [`Lexer::step_slow`]).
    by_byte: FxHashMap<LexState, ByteIndex>,
    terms: Vec<TermCache>,
}

/// Per byte, the positions (in a state's components) of those that may
/// step on it.
type ByteIndex = std::sync::Arc<[Box<[u32]>]>;

/// States with at least this many components step through a [`ByteIndex`]:
/// a grammar of thousands of keywords or enum values keeps thousands of
/// literals alive at once, and each byte a walk tries would step them all.
const BYTE_INDEX_MIN: usize = 64;

/// Error raised when the lexer would exceed its state limit.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct LexerLimit(pub String);

/// Terminals compiled to DFAs, with the shared lazy transition cache.
pub struct Lexer {
    comps: Vec<Component>,
    /// Component ids of each terminal.
    term_comps: Vec<Vec<u32>>,
    pub lookaheads: Vec<LookaheadDfa>,
    /// Terminals whose language contains the empty string.
    empty_terms: Vec<TermId>,
    is_ignore: Vec<bool>,
    /// An ignored terminal of bounded runs (see
    /// [`Lexer::bound_runs`]), and the bytes that start one.
    run_bound: Option<(TermId, [u64; 4])>,
    trans: Box<[OnceLock<Box<[Row]>>]>,
    info: InfoChunks,
    builder: Mutex<Builder>,
    max_states: usize,
}

impl std::fmt::Debug for Lexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexer")
            .field("components", &self.comps.len())
            .field("states", &self.state_count())
            .finish()
    }
}

/// An error compiling one terminal.
#[derive(Debug, Clone)]
pub struct TermCompileError {
    pub term: TermId,
    pub message: String,
}

/// Literals up to this many bytes are tables of their own.
const LITERAL_TABLE_MAX: usize = 1 << 16;

/// A plain literal's table: one state per byte, a step is one comparison.
/// Grammars with thousands of keywords or enum values keep thousands of
/// literals alive in one lexer state; as lazy DFAs each of them would
/// determinize its own first states on every byte a walk tries.
fn literal_table(hir: &regex_syntax::hir::Hir) -> Option<table::TableDfa> {
    let regex_syntax::hir::HirKind::Literal(lit) = hir.kind() else {
        return None;
    };
    let bytes = &lit.0;
    if bytes.is_empty() || bytes.len() > LITERAL_TABLE_MAX {
        return None;
    }
    // 0 is dead; state i (1-based) has read i - 1 bytes; the last accepts.
    let n = bytes.len();
    let mut rows: Vec<Vec<(u8, u32)>> = Vec::with_capacity(n + 2);
    rows.push(Vec::new());
    for (i, &b) in bytes.iter().enumerate() {
        rows.push(vec![(b, i as u32 + 2)]);
    }
    rows.push(Vec::new());
    let mut accept = vec![false; n + 2];
    accept[n + 1] = true;
    Some(table::TableDfa::from_sparse(&rows, accept, 1))
}

fn build_dfa(hir: &regex_syntax::hir::Hir, limit: usize) -> Result<dense::DFA<Vec<u32>>, String> {
    let nfa = build_nfa(hir, limit)?;
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .match_kind(MatchKind::All)
                .start_kind(StartKind::Anchored)
                .minimize(false)
                .dfa_size_limit(Some(limit))
                .determinize_size_limit(Some(limit)),
        )
        .build_from_nfa(&nfa)
        .map_err(|e| e.to_string())
}

fn build_lazy(
    hir: &regex_syntax::hir::Hir,
    limit: usize,
) -> Result<(hybrid::dfa::DFA, TermCache), String> {
    let nfa = build_nfa(hir, limit)?;
    let dfa = hybrid::dfa::Builder::new()
        .configure(
            hybrid::dfa::Config::new()
                .match_kind(MatchKind::All)
                .cache_capacity(limit)
                .skip_cache_capacity_check(true)
                .minimum_cache_clear_count(Some(0)),
        )
        .build_from_nfa(nfa)
        .map_err(|e| e.to_string())?;
    let mut cache = dfa.create_cache();
    let start = dfa
        .start_state(&mut cache, &start::Config::new().anchored(Anchored::Yes))
        .map_err(|e| e.to_string())?;
    let reps = dfa
        .byte_classes()
        .representatives(0..=255)
        .filter_map(|u| u.as_u8())
        .collect();
    let mut tc = TermCache {
        cache: Some(cache),
        ids: Vec::new(),
        index: FxHashMap::default(),
        start: 0,
        reps,
        productive: FxHashMap::default(),
    };
    tc.start = tc.intern(start);
    Ok((dfa, tc))
}

fn anchored_start(dfa: &dense::DFA<Vec<u32>>) -> Result<StateID, String> {
    dfa.start_state(&start::Config::new().anchored(Anchored::Yes))
        .map_err(|e| e.to_string())
}

/// The look-ahead pending after a terminal ends (see
/// [`Lexer::after_accept`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterAccept {
    /// The ending never holds: `(?!L)` with L matching the empty string.
    Never,
    /// The ending holds, leaving this look-ahead (or none) and its state.
    Pending(u32, u32),
    /// A look-ahead terminal ends while another look-ahead is undecided.
    NotSupported,
}

/// The message for [`AfterAccept::NotSupported`].
pub const NESTED_LOOKAHEAD: &str =
    "a look-ahead terminal ending while another terminal's look-ahead is still undecided";

impl Lexer {
    /// What ending terminal `acc` leaves pending when look-ahead `la` (in
    /// state `la_state`, or none) is already pending: its own look-ahead,
    /// the one already pending, or none.
    pub fn after_accept(&self, acc: &Accept, la: u32, la_state: u32) -> AfterAccept {
        if acc.lookahead == NO_LOOKAHEAD {
            return AfterAccept::Pending(la, la_state);
        }
        let l = &self.lookaheads[acc.lookahead as usize];
        if l.matches_empty() {
            if l.negative {
                AfterAccept::Never
            } else {
                AfterAccept::Pending(la, la_state)
            }
        } else if la != NO_LOOKAHEAD {
            AfterAccept::NotSupported
        } else {
            AfterAccept::Pending(acc.lookahead, l.start.as_u32())
        }
    }

    /// Compiles each terminal's variants (`None` for a terminal that never
    /// matches, e.g. a `%declare`d one).
    pub fn new(
        terms: &[Option<Vec<hir::Variant>>],
        ignore: &[TermId],
        cfg: &LexerConfig,
    ) -> Result<Lexer, TermCompileError> {
        let mut comps = Vec::new();
        let mut term_comps = vec![Vec::new(); terms.len()];
        let mut lookaheads = Vec::new();
        let mut empty_terms = Vec::new();
        let mut term_caches = Vec::new();
        for (t, vs) in terms.iter().enumerate() {
            let Some(vs) = vs else { continue };
            let fail = |m: String| TermCompileError {
                term: t as TermId,
                message: m,
            };
            let mut empty = false;
            for v in vs {
                let plain_cache = |start: u32| TermCache {
                    cache: None,
                    ids: Vec::new(),
                    index: FxHashMap::default(),
                    start,
                    reps: Vec::new(),
                    productive: FxHashMap::default(),
                };
                let (dfa, mut tc) = match &v.special {
                    Some(hir::Special::Table(t)) => {
                        (Machine::Table(t.clone()), plain_cache(t.start()))
                    }
                    Some(hir::Special::JsonString(c)) => {
                        (Machine::Counted(c.clone()), plain_cache(c.start()))
                    }
                    None => match literal_table(&v.hir) {
                        Some(t) => {
                            let start = t.start();
                            (Machine::Table(std::sync::Arc::new(t)), plain_cache(start))
                        }
                        None => {
                            let (dfa, tc) = build_lazy(&v.hir, cfg.dfa_size_limit).map_err(fail)?;
                            (Machine::Lazy(dfa), tc)
                        }
                    },
                };
                let la = match &v.lookahead {
                    None => NO_LOOKAHEAD,
                    Some(l) => {
                        let ldfa = build_dfa(&l.hir, cfg.dfa_size_limit).map_err(fail)?;
                        let lstart = anchored_start(&ldfa).map_err(fail)?;
                        lookaheads.push(LookaheadDfa {
                            negative: l.negative,
                            dfa: ldfa,
                            start: lstart,
                        });
                        (lookaheads.len() - 1) as u32
                    }
                };
                let every_state_matches =
                    matches!(dfa, Machine::Lazy(_)) && every_state_matches(&v.hir);
                let c = Component {
                    term: t as TermId,
                    lookahead: la,
                    dfa,
                    every_state_matches,
                };
                let start = tc.start;
                if c.accepts(&mut tc, start).map_err(|e| fail(e.0))? {
                    empty = true;
                }
                term_comps[t].push(comps.len() as u32);
                comps.push(c);
                term_caches.push(tc);
            }
            if empty {
                empty_terms.push(t as TermId);
            }
        }
        let max_states = cfg.max_states.clamp(1, MAX_LEXER_STATES);
        let chunks = max_states.div_ceil(CHUNK);
        let lexer = Lexer {
            comps,
            term_comps,
            lookaheads,
            empty_terms,
            is_ignore: (0..terms.len() as TermId)
                .map(|t| ignore.contains(&t))
                .collect(),
            run_bound: None,
            trans: (0..chunks).map(|_| OnceLock::new()).collect(),
            info: (0..chunks).map(|_| OnceLock::new()).collect(),
            builder: Mutex::new(Builder {
                keys: FxHashMap::default(),
                states: Vec::new(),
                starts: FxHashMap::default(),
                live_cache: FxHashMap::default(),
                excl_sets: Vec::new(),
                excl_ids: FxHashMap::default(),
                excluding: FxHashMap::default(),
                canon: FxHashMap::default(),
                plain: FxHashMap::default(),
                by_byte: FxHashMap::default(),
                terms: term_caches,
            }),
            max_states,
        };
        {
            let mut b = lexer.lock();
            let dead = lexer
                .intern(&mut b, Vec::new(), Vec::new(), NO_EXCL)
                .expect("room for the dead state");
            debug_assert_eq!(dead, DEAD);
        }
        Ok(lexer)
    }

    /// Makes `term` (an ignored terminal) end runs: where a match of it
    /// ends, the next lexeme may not start with any byte of `first` (the
    /// bytes that start it), even where this match could not go on. A
    /// terminal bounded in length then bounds every run of what it matches
    /// (whitespace during generation). Call before any state is built.
    pub fn bound_runs(&mut self, term: TermId, first: [u64; 4]) {
        self.run_bound = Some((term, first));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Builder> {
        // A panic while holding the lock cannot leave the tables inconsistent
        // (entries are published only when complete), so poisoning is ignored.
        self.builder.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Terminals whose language contains the empty string.
    pub fn empty_terms(&self) -> &[TermId] {
        &self.empty_terms
    }

    /// Whether the terminal can match anything at all.
    pub fn term_defined(&self, t: TermId) -> bool {
        !self.term_comps[t as usize].is_empty()
    }

    /// Number of states interned so far.
    pub fn state_count(&self) -> usize {
        self.lock().states.len()
    }

    fn is_live(&self, b: &mut Builder, c: u32, q: u32) -> Result<bool, LexerLimit> {
        let key = (c, q);
        if let Some(&v) = b.live_cache.get(&key) {
            return Ok(v);
        }
        let live = self.comps[c as usize].live(&mut b.terms[c as usize], q)?;
        b.live_cache.insert(key, live);
        Ok(live)
    }

    fn intern(
        &self,
        b: &mut Builder,
        mut comps: Vec<(u32, u32)>,
        mut accepts: Vec<Accept>,
        excl: u32,
    ) -> Result<LexState, LexerLimit> {
        comps.sort_unstable();
        comps.dedup();
        accepts.sort_unstable();
        accepts.dedup();
        let key = (comps.into_boxed_slice(), accepts.into_boxed_slice(), excl);
        if let Some(&id) = b.keys.get(&key) {
            return Ok(id);
        }
        let id = b.states.len();
        if id >= self.max_states {
            return Err(LexerLimit(format!(
                "lexer state limit exceeded ({} states); raise max_lexer_states",
                self.max_states
            )));
        }
        let counting = key
            .0
            .iter()
            .any(|&(c, q)| match &self.comps[c as usize].dfa {
                Machine::Counted(m) => m.counting(q),
                _ => false,
            });
        let info = StateInfo {
            accepts: key.1.clone(),
            live: !key.0.is_empty(),
            counting,
        };
        let chunk =
            self.info[id / CHUNK].get_or_init(|| (0..CHUNK).map(|_| OnceLock::new()).collect());
        let _ = chunk[id % CHUNK].set(info);
        b.states.push((key.0.clone(), excl));
        b.keys.insert(key, id as LexState);
        Ok(id as LexState)
    }

    /// Facts about a state.
    #[inline]
    pub fn info(&self, s: LexState) -> &StateInfo {
        let s = s as usize;
        self.info[s / CHUNK]
            .get()
            .and_then(|c| c[s % CHUNK].get())
            .expect("lexer states are published before their ids")
    }

    /// A shortest string both terminals match (first variants), if any is
    /// found within `limit` explored state pairs.
    pub fn common_string(&self, a: TermId, b: TermId, limit: usize) -> Option<Vec<u8>> {
        let ia = *self.term_comps[a as usize].first()?;
        let ib = *self.term_comps[b as usize].first()?;
        if ia == ib {
            return None;
        }
        let (ca, cb) = (&self.comps[ia as usize], &self.comps[ib as usize]);
        let mut guard = self.lock();
        let terms = &mut guard.terms;
        let (lo, hi) = terms.split_at_mut(ia.max(ib) as usize);
        let (ta, tb) = if ia < ib {
            (&mut lo[ia as usize], &mut hi[0])
        } else {
            (&mut hi[0], &mut lo[ib as usize])
        };
        let mut seen: FxHashMap<(u32, u32), (usize, u8)> = FxHashMap::default();
        let mut order: Vec<(u32, u32)> = vec![(ta.start, tb.start)];
        seen.insert((ta.start, tb.start), (usize::MAX, 0));
        let mut i = 0;
        while i < order.len() && i < limit {
            let (qa, qb) = order[i];
            for byte in 0..=255u8 {
                let (Ok(Some(na)), Ok(Some(nb))) = (ca.next(ta, qa, byte), cb.next(tb, qb, byte))
                else {
                    continue;
                };
                if !ca.productive(ta, na).ok()? || !cb.productive(tb, nb).ok()? {
                    continue;
                }
                if seen.contains_key(&(na, nb)) {
                    continue;
                }
                seen.insert((na, nb), (i, byte));
                order.push((na, nb));
                if ca.accepts(ta, na).ok()? && cb.accepts(tb, nb).ok()? {
                    let mut out = vec![byte];
                    let mut j = i;
                    while j != 0 {
                        let (p, by) = seen[&order[j]];
                        out.push(by);
                        j = p;
                    }
                    out.reverse();
                    return Some(out);
                }
            }
            i += 1;
        }
        None
    }

    /// Terminals still alive in a state (their lexemes can grow).
    pub fn live_terms(&self, s: LexState) -> Vec<TermId> {
        let b = self.lock();
        let mut out: Vec<TermId> = b.states[s as usize]
            .0
            .iter()
            .map(|&(c, _)| self.comps[c as usize].term)
            .collect();
        out.dedup();
        out
    }

    /// The start state for a set of allowed terminals (sorted, deduplicated).
    pub fn start_state(&self, terms: &[TermId]) -> Result<LexState, LexerLimit> {
        let mut b = self.lock();
        if let Some(&s) = b.starts.get(terms) {
            return Ok(s);
        }
        let mut comps = Vec::new();
        for &t in terms {
            for &c in &self.term_comps[t as usize] {
                let st = b.terms[c as usize].start;
                if self.is_live(&mut b, c, st)? {
                    comps.push((c, st));
                }
            }
        }
        let s = self.intern(&mut b, comps, Vec::new(), NO_EXCL)?;
        b.starts.insert(terms.into(), s);
        Ok(s)
    }

    /// A state that behaves exactly like `s` for the next `horizon` bytes,
    /// shared by many states where it can be: counted strings far from
    /// their bounds map to one count. A token walk of at most `horizon`
    /// bytes from either state finds the same tokens.
    pub fn walk_key(&self, s: LexState, horizon: u32) -> Result<LexState, LexerLimit> {
        if !self.info(s).counting {
            return Ok(s);
        }
        let mut b = self.lock();
        if let Some(&x) = b.canon.get(&(s, horizon)) {
            return Ok(x);
        }
        let (comps, excl) = b.states[s as usize].clone();
        let canon: Vec<(u32, u32)> = comps
            .iter()
            .map(|&(c, q)| match &self.comps[c as usize].dfa {
                Machine::Counted(m) => (c, m.canonical(q, horizon)),
                _ => (c, q),
            })
            .collect();
        let accepts = self.info(s).accepts.to_vec();
        let x = self.intern(&mut b, canon, accepts, excl)?;
        b.canon.insert((s, horizon), x);
        Ok(x)
    }

    /// Whether `s` behaves exactly like the text of a plain JSON string
    /// (no bounds) at `place` of [`regex::json_text`]: one variant alive
    /// whose rest is any JSON string text and then the closing quote, with
    /// nothing pending (a string without bounds; an object key that is none
    /// of the listed names, once it differs from all of them). There a
    /// token walk is the vocabulary's scan of string text. Found by walking
    /// both machines together (at most 64 state pairs), once per state and
    /// place.
    pub fn plain_text_at(&self, s: LexState, place: u32) -> Result<Option<CountedAt>, LexerLimit> {
        let Some(machine) = regex::json_text() else {
            return Ok(None);
        };
        let mut b = self.lock();
        let found = match b.plain.get(&(s, place)) {
            Some(&r) => r,
            None => {
                let r = self.plain_check(&mut b, s, place, &machine)?;
                b.plain.insert((s, place), r);
                r
            }
        };
        Ok(found.map(|end| CountedAt {
            machine,
            count: 0,
            unit: place,
            end,
        }))
    }

    fn plain_check(
        &self,
        b: &mut Builder,
        s: LexState,
        place: u32,
        machine: &counted::CountedString,
    ) -> Result<Option<LexState>, LexerLimit> {
        let Some((c, q0)) = self.sole_text_component(b, s) else {
            return Ok(None);
        };
        let comp = &self.comps[c as usize];
        let mut seen: FxHashMap<(u32, u32), ()> = FxHashMap::default();
        seen.insert((q0, place), ());
        let mut todo = vec![(q0, place)];
        while let Some((q, u)) = todo.pop() {
            for byte in 0..=255u8 {
                let tc = &mut b.terms[c as usize];
                let n = match comp.next(tc, q, byte)? {
                    Some(q2) if comp.productive(tc, q2)? => Some(q2),
                    _ => None,
                };
                match (machine.scan(u, byte), n) {
                    (counted::Scan::Dead, None) => {}
                    (counted::Scan::Close, Some(q2)) => {
                        if !comp.accepts(&mut b.terms[c as usize], q2)? || self.is_live(b, c, q2)? {
                            return Ok(None);
                        }
                    }
                    (counted::Scan::Next(u2, _), Some(q2)) => {
                        if comp.accepts(&mut b.terms[c as usize], q2)? {
                            return Ok(None);
                        }
                        if seen.insert((q2, u2), ()).is_none() {
                            if seen.len() > 64 {
                                return Ok(None);
                            }
                            todo.push((q2, u2));
                        }
                    }
                    _ => return Ok(None),
                }
            }
        }
        Ok(Some(self.end_state(b, c)?))
    }

    /// Where `s` is when it is inside the text of exactly one counted
    /// string and nothing else (no other variant alive, nothing pending):
    /// there a token walk depends only on the place inside the current
    /// character and on how many characters the bounds still allow, so
    /// walks can be shared between counts near the bounds too.
    pub fn counted_at(&self, s: LexState) -> Result<Option<CountedAt>, LexerLimit> {
        if !self.info(s).counting {
            return Ok(None);
        }
        let mut b = self.lock();
        let Some((c, q)) = self.sole_text_component(&b, s) else {
            return Ok(None);
        };
        let Machine::Counted(m) = &self.comps[c as usize].dfa else {
            return Ok(None);
        };
        let Some((count, unit)) = m.position(q) else {
            return Ok(None);
        };
        let machine = m.clone();
        let end = self.end_state(&mut b, c)?;
        Ok(Some(CountedAt {
            machine,
            count,
            unit,
            end,
        }))
    }

    /// The one (component, its state) alive in `s` when nothing else is
    /// there: nothing ends, nothing is pending or excluded, and the
    /// terminal is not ignored text (the walks of [`Lexer::counted_at`] and
    /// [`Lexer::plain_text_at`]).
    fn sole_text_component(&self, b: &Builder, s: LexState) -> Option<(u32, u32)> {
        let (comps, excl) = &b.states[s as usize];
        let &[(c, q)] = &comps[..] else {
            return None;
        };
        let comp = &self.comps[c as usize];
        let plain = *excl == NO_EXCL
            && comp.lookahead == NO_LOOKAHEAD
            && !self.is_ignore[comp.term as usize]
            && self.info(s).accepts.is_empty();
        plain.then_some((c, q))
    }

    /// The state after component `c`'s closing quote: its terminal ends and
    /// nothing goes on (as `step` finds it).
    fn end_state(&self, b: &mut Builder, c: u32) -> Result<LexState, LexerLimit> {
        let acc = Accept {
            term: self.comps[c as usize].term,
            lookahead: NO_LOOKAHEAD,
            munch: NO_EXCL,
        };
        self.intern(b, Vec::new(), vec![acc], NO_EXCL)
    }

    /// The bytes of exclusion set `excl` (a 256-bit set), or None for
    /// [`NO_EXCL`].
    pub fn exclusion_set(&self, excl: u32) -> Option<[u64; 4]> {
        (excl != NO_EXCL).then(|| self.lock().excl_sets[excl as usize])
    }

    /// State `s` (a start state) with the bytes of exclusion set `excl`
    /// forbidden as the next byte: what may follow greedily matched
    /// ignored text.
    pub fn start_excluding(&self, s: LexState, excl: u32) -> Result<LexState, LexerLimit> {
        if excl == NO_EXCL {
            return Ok(s);
        }
        let mut b = self.lock();
        if let Some(&x) = b.excluding.get(&(s, excl)) {
            return Ok(x);
        }
        let comps = b.states[s as usize].0.to_vec();
        let accepts = self.info(s).accepts.to_vec();
        let x = self.intern(&mut b, comps, accepts, excl)?;
        b.excluding.insert((s, excl), x);
        Ok(x)
    }

    /// The state after `byte`.
    #[inline]
    pub fn step(&self, s: LexState, byte: u8) -> Result<LexState, LexerLimit> {
        let idx = s as usize;
        if let Some(chunk) = self.trans[idx / CHUNK].get() {
            let v = chunk[idx % CHUNK][byte as usize].load(Ordering::Acquire);
            if v != 0 {
                return Ok(Step(v).state());
            }
        }
        self.step_slow(s, byte).map(Step::state)
    }

    /// The transitions of state `s`, one word per byte (0 until computed):
    /// for [`Lexer::step_in`], which a trie walk calls once per node.
    #[inline]
    pub fn row(&self, s: LexState) -> &Row {
        let idx = s as usize;
        let chunk = self.trans[idx / CHUNK].get_or_init(|| {
            (0..CHUNK)
                .map(|_| std::array::from_fn(|_| AtomicU32::new(0)))
                .collect()
        });
        &chunk[idx % CHUNK]
    }

    /// The step from `s` (whose [`Lexer::row`] is `row`) on `byte`, with
    /// the next state's liveness and whether something ends there, so a
    /// walk needs no [`Lexer::info`] lookup where nothing ends.
    #[inline(always)]
    pub fn step_in(&self, row: &Row, s: LexState, byte: u8) -> Result<Step, LexerLimit> {
        let v = row[byte as usize].load(Ordering::Acquire);
        if v != 0 {
            return Ok(Step(v));
        }
        self.step_slow(s, byte)
    }

    /// State `s`'s [`ByteIndex`], made on first use: each component is
    /// listed under the bytes that do not kill it (a table's live classes,
    /// a lazy DFA's classes stepped once by a representative; a counted
    /// string under every byte).
    fn byte_index(&self, b: &mut Builder, s: LexState) -> Result<ByteIndex, LexerLimit> {
        if let Some(ix) = b.by_byte.get(&s) {
            return Ok(ix.clone());
        }
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); 256];
        let all = b.states[s as usize].0.clone();
        for (i, &(c, q)) in all.iter().enumerate() {
            let comp = &self.comps[c as usize];
            match &comp.dfa {
                Machine::Table(t) => t.live_bytes(q, |byte| lists[byte as usize].push(i as u32)),
                Machine::Lazy(dfa) => {
                    let classes = dfa.byte_classes();
                    let tc = &mut b.terms[c as usize];
                    let mut live = [false; 256];
                    for k in 0..tc.reps.len() {
                        let r = tc.reps[k];
                        if comp.next(tc, q, r)?.is_some() {
                            live[classes.get(r) as usize] = true;
                        }
                    }
                    for byte in 0..=255u8 {
                        if live[classes.get(byte) as usize] {
                            lists[byte as usize].push(i as u32);
                        }
                    }
                }
                Machine::Counted(_) => lists.iter_mut().for_each(|l| l.push(i as u32)),
            }
        }
        let ix: ByteIndex = lists.into_iter().map(Vec::into_boxed_slice).collect();
        b.by_byte.insert(s, ix.clone());
        Ok(ix)
    }

    #[cold]
    fn step_slow(&self, s: LexState, byte: u8) -> Result<Step, LexerLimit> {
        let mut b = self.lock();
        let excl = b.states[s as usize].1;
        let excluded = excl != NO_EXCL && {
            let set = &b.excl_sets[excl as usize];
            set[byte as usize / 64] >> (byte % 64) & 1 == 1
        };
        // The components that may step on `byte`, in their order (which
        // the next state's key keeps).
        let cur: Vec<(u32, u32)> = if excluded {
            Vec::new()
        } else if b.states[s as usize].0.len() >= BYTE_INDEX_MIN {
            let index = self.byte_index(&mut b, s)?;
            let all = &b.states[s as usize].0;
            index[byte as usize]
                .iter()
                .map(|&i| all[i as usize])
                .collect()
        } else {
            b.states[s as usize].0.to_vec()
        };
        let mut next = Vec::with_capacity(cur.len());
        let mut accepts = Vec::new();
        for &(c, q) in cur.iter() {
            let comp = &self.comps[c as usize];
            let Some(q2) = comp.next(&mut b.terms[c as usize], q, byte)? else {
                continue;
            };
            if comp.accepts(&mut b.terms[c as usize], q2)? {
                let munch = if self.is_ignore[comp.term as usize] && comp.lookahead == NO_LOOKAHEAD
                {
                    let mut set = [0u64; 4];
                    for nb in 0..=255u8 {
                        let tc = &mut b.terms[c as usize];
                        if let Some(n2) = comp.next(tc, q2, nb)? {
                            if comp.productive(tc, n2)? {
                                set[nb as usize / 64] |= 1 << (nb % 64);
                            }
                        }
                    }
                    if let Some((t, first)) = &self.run_bound {
                        if *t == comp.term {
                            for (w, f) in set.iter_mut().zip(first) {
                                *w |= f;
                            }
                        }
                    }
                    if set == [0; 4] {
                        NO_EXCL
                    } else {
                        let next_id = b.excl_sets.len() as u32;
                        let id = *b.excl_ids.entry(set).or_insert(next_id);
                        if id == next_id {
                            b.excl_sets.push(set);
                        }
                        id
                    }
                } else {
                    NO_EXCL
                };
                accepts.push(Accept {
                    term: comp.term,
                    lookahead: comp.lookahead,
                    munch,
                });
            }
            if self.is_live(&mut b, c, q2)? {
                next.push((c, q2));
            }
        }
        let n = self.intern(&mut b, next, accepts, NO_EXCL)?;
        let info = self.info(n);
        let word = Step::encode(n, info.live, !info.accepts.is_empty());
        self.row(s)[byte as usize].store(word, Ordering::Release);
        Ok(Step(word))
    }
}

#[cfg(test)]
mod tests {
    use super::regex::translate;
    use super::*;
    use crate::grammar::{Span, TermExpr};

    fn lexer(pats: &[&str]) -> Lexer {
        let terms: Vec<_> = pats
            .iter()
            .map(|p| {
                Some(
                    translate(&TermExpr::Regex {
                        pattern: (*p).into(),
                        flags: String::new(),
                        span: Span::default(),
                    })
                    .unwrap(),
                )
            })
            .collect();
        Lexer::new(&terms, &[], &LexerConfig::default()).unwrap()
    }

    fn run(l: &Lexer, s: LexState, input: &[u8]) -> LexState {
        input.iter().fold(s, |s, &b| l.step(s, b).unwrap())
    }

    #[test]
    fn all_matches_are_reported() {
        let l = lexer(&["[0-9]+", "[0-9]+\\.[0-9]+", "if", "[a-z]+"]);
        let s = l.start_state(&[0, 1, 2, 3]).unwrap();
        let t = run(&l, s, b"12");
        let acc: Vec<_> = l.info(t).accepts.iter().map(|a| a.term).collect();
        assert_eq!(acc, vec![0]);
        assert!(l.info(t).live);
        let t = run(&l, s, b"12.5");
        assert_eq!(
            l.info(t).accepts.iter().map(|a| a.term).collect::<Vec<_>>(),
            vec![1]
        );
        let t = run(&l, s, b"if");
        assert_eq!(
            l.info(t).accepts.iter().map(|a| a.term).collect::<Vec<_>>(),
            vec![2, 3]
        );
        assert_eq!(run(&l, s, b"1a"), DEAD);
        // Restricting the allowed set restricts what is alive.
        let s2 = l.start_state(&[2]).unwrap();
        let t = run(&l, s2, b"if");
        assert!(!l.info(t).live);
        assert_eq!(run(&l, s2, b"ix"), DEAD);
    }

    /// Hundreds of literals (and a regex) alive at once step through the
    /// state's byte index: each string matches exactly the terminals it
    /// should, and a byte no literal takes leaves the regex alone.
    #[test]
    fn many_literals_step_by_byte_index() {
        let words: Vec<String> = (0..300).map(|i| format!("k{i}")).collect();
        let mut pats: Vec<&str> = words.iter().map(String::as_str).collect();
        pats.push("[a-z][a-z0-9]*");
        pats.push("k1(0|1)*");
        let l = lexer(&pats);
        let all: Vec<TermId> = (0..pats.len() as TermId).collect();
        let s = l.start_state(&all).unwrap();
        let regex = 300;
        let ones = 301;
        for (input, want) in [
            ("k1", vec![1, regex, ones]),
            ("k10", vec![10, regex, ones]),
            ("k100", vec![100, regex, ones]),
            ("k299", vec![299, regex]),
            ("k1011", vec![regex, ones]),
            ("k300", vec![regex]),
            ("kx", vec![regex]),
            ("q", vec![regex]),
        ] {
            let t = run(&l, s, input.as_bytes());
            let mut got: Vec<TermId> = l.info(t).accepts.iter().map(|a| a.term).collect();
            got.sort_unstable();
            assert_eq!(got, want, "{input}");
        }
        assert_eq!(run(&l, s, b"K"), DEAD);
        assert_eq!(run(&l, s, b"k-"), DEAD);
    }

    #[test]
    fn which_nfas_always_reach_a_match() {
        let h = |p: &str| regex_syntax::parse(p).unwrap();
        assert!(every_state_matches(&h("\"(value_[0-9]+|other)\"")));
        assert!(!every_state_matches(&h("a\\b")));
        assert!(!every_state_matches(&h("a[^\\s\\S]|b")));
    }

    #[test]
    fn state_limit_is_an_error() {
        let terms = vec![Some(
            translate(&TermExpr::Regex {
                pattern: "[a-z]{0,50}".into(),
                flags: String::new(),
                span: Span::default(),
            })
            .unwrap(),
        )];
        let cfg = LexerConfig {
            max_states: 10,
            ..LexerConfig::default()
        };
        let l = Lexer::new(&terms, &[], &cfg).unwrap();
        let mut s = l.start_state(&[0]).unwrap();
        let mut hit = false;
        for _ in 0..50 {
            match l.step(s, b'a') {
                Ok(n) => s = n,
                Err(_) => {
                    hit = true;
                    break;
                }
            }
        }
        assert!(hit);
    }
}
