//! One terminal variant's automaton: a dense DFA, a lazy DFA with a cache,
//! a table, or a counted JSON string; and the look-ahead DFAs checked after
//! a terminal ends.

use regex_automata::dfa::{dense, Automaton, StartKind};
use regex_automata::hybrid::{self, LazyStateID};
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::{Anchored, MatchKind};
use rustc_hash::FxHashMap;

use super::error::build_failure;
use super::nfa::{build_nfa, intern_id};
use super::state::LookaheadId;
use super::{counted, table};
use crate::error::Failure;
use crate::grammar::TermId;

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
pub(crate) struct Component {
    pub(super) term: TermId,
    pub(super) lookahead: LookaheadId,
    pub(super) dfa: Machine,
    /// Every state of the NFA can reach a match (no empty class, no
    /// look-around): then a lazy DFA state is productive and live unless
    /// it reports a match (see [`Component::productive`]).
    pub(super) every_state_matches: bool,
}

/// Whether every NFA state compiled from `hir` can reach a match: it has
/// no look-around and no empty class (which never matches).
pub(crate) fn every_state_matches(hir: &regex_syntax::hir::Hir) -> bool {
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
pub(crate) enum Machine {
    Lazy(hybrid::dfa::DFA),
    /// An explicit, trimmed table (intersection and complement): its state
    /// ids are used as they are.
    Table(std::sync::Arc<table::TableDfa>),
    /// A JSON string counted by length (see [`counted`]).
    Counted(std::sync::Arc<counted::CountedString>),
    /// Intersection and complement explored lazily; like a table, every
    /// state it gives can still match.
    Product(std::sync::Arc<super::lazy_product::LazyProduct>),
}

/// A component's lazily built states. Lazy state ids are only valid as long
/// as the cache is never cleared, so the DFA is configured to give up (a
/// limit error) rather than clear; our own dense ids index `ids`.
pub(crate) struct TermCache {
    /// None for a table component.
    pub(super) cache: Option<hybrid::dfa::Cache>,
    pub(super) ids: Vec<LazyStateID>,
    pub(super) index: FxHashMap<LazyStateID, u32>,
    pub(super) start: u32,
    pub(super) reps: Vec<u8>,
    pub(super) productive: FxHashMap<u32, bool>,
    /// A lazy DFA's string text tables, shared with every lexer holding
    /// the same expression (see [`super::Lexer::text_at`]).
    pub(super) texts: Option<std::sync::Arc<SharedTexts>>,
}

/// Character tables of string text by the bytes that reach it from a
/// terminal's start (None: not such text there).
pub(crate) type SharedTexts =
    std::sync::Mutex<FxHashMap<Box<[u8]>, Option<std::sync::Arc<table::TableDfa>>>>;

impl TermCache {
    pub(super) fn intern(&mut self, id: LazyStateID) -> u32 {
        intern_id(&mut self.ids, &mut self.index, id)
    }
}

pub(crate) use super::error::cache_err;

impl Component {
    /// The state after `b`, or `None` when dead.
    pub(super) fn next(&self, tc: &mut TermCache, q: u32, b: u8) -> Result<Option<u32>, Failure> {
        let dfa = match &self.dfa {
            Machine::Table(t) => {
                let n = t.next(q, b);
                return Ok((n != 0).then_some(n));
            }
            Machine::Counted(c) => {
                let n = c.next(q, b);
                return Ok((n != 0).then_some(n));
            }
            Machine::Product(p) => {
                let n = p.next(q, b)?;
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
    pub(super) fn accepts(&self, tc: &mut TermCache, q: u32) -> Result<bool, Failure> {
        let dfa = match &self.dfa {
            Machine::Table(t) => return Ok(t.accepts(q)),
            Machine::Counted(c) => return Ok(c.accepts(q)),
            Machine::Product(p) => return p.accepts(q),
            Machine::Lazy(dfa) => dfa,
        };
        let id = tc.ids[q as usize];
        let cache = tc.cache.as_mut().expect("lazy components have a cache");
        Ok(dfa.next_eoi_state(cache, id).map_err(cache_err)?.is_match())
    }

    /// Whether some input (possibly empty) from `q` ends in a match. A
    /// state reached right after a match only reports that match (one byte
    /// late) and is not productive unless it can go on.
    pub(super) fn productive(&self, tc: &mut TermCache, q: u32) -> Result<bool, Failure> {
        if let Machine::Table(_) | Machine::Counted(_) | Machine::Product(_) = &self.dfa {
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

    /// The class of `b` where bytes of one class step alike from every
    /// state (a lazy DFA's byte classes); None where not known.
    pub(super) fn byte_class(&self, b: u8) -> Option<u8> {
        match &self.dfa {
            Machine::Lazy(dfa) => Some(dfa.byte_classes().get(b)),
            Machine::Table(t) => Some(t.classes[b as usize]),
            Machine::Product(p) => Some(p.byte_class(b)),
            Machine::Counted(_) => None,
        }
    }

    /// Whether some byte leads to a productive state.
    pub(super) fn live(&self, tc: &mut TermCache, q: u32) -> Result<bool, Failure> {
        match &self.dfa {
            Machine::Table(t) => return Ok(t.live(q)),
            Machine::Counted(c) => return Ok(c.live(q)),
            Machine::Product(p) => return p.live(q),
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

/// Literals up to this many bytes are tables of their own.
pub(crate) const LITERAL_TABLE_MAX: usize = 1 << 16;

/// A plain literal's table: one state per byte, a step is one comparison.
/// Grammars with thousands of keywords or enum values keep thousands of
/// literals alive in one lexer state; as lazy DFAs each of them would
/// determinize its own first states on every byte a walk tries.
pub(crate) fn literal_table(hir: &regex_syntax::hir::Hir) -> Option<table::TableDfa> {
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

pub(crate) fn build_dfa(
    hir: &regex_syntax::hir::Hir,
    limit: usize,
) -> Result<dense::DFA<Vec<u32>>, Failure> {
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
        .map_err(|e| build_failure(&e, e.is_size_limit_exceeded()))
}

/// Lazy DFAs built lately, shared by every grammar that uses the same
/// language with the same limit: most schemas repeat the same few
/// terminals (any JSON string, numbers, whitespace), whose Thompson NFAs
/// cost more to build than the rest of a small compile. A DFA is
/// immutable (each user has its own cache), so sharing it changes nothing
/// a matcher sees.
/// A kept lazy DFA: its expression, size limit, the DFA and its text
/// tables.
type LazyEntry = (
    regex_syntax::hir::Hir,
    usize,
    hybrid::dfa::DFA,
    std::sync::Arc<SharedTexts>,
);

struct LazyDfaCache {
    by_hash: FxHashMap<u64, Vec<LazyEntry>>,
    len: usize,
    bytes: usize,
}

/// Most lazy DFAs kept, and most bytes of their NFAs (past either, the
/// cache starts again empty).
const LAZY_DFA_CACHE: usize = 256;
const LAZY_DFA_CACHE_BYTES: usize = 32 << 20;

fn lazy_dfa_cache() -> std::sync::MutexGuard<'static, LazyDfaCache> {
    static CACHE: std::sync::OnceLock<std::sync::Mutex<LazyDfaCache>> = std::sync::OnceLock::new();
    CACHE
        .get_or_init(|| {
            std::sync::Mutex::new(LazyDfaCache {
                by_hash: FxHashMap::default(),
                len: 0,
                bytes: 0,
            })
        })
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// The lazy DFA of `hir` (at most `limit` bytes of NFA and cache), built
/// or found in [`LazyDfaCache`].
fn lazy_dfa(
    hir: &regex_syntax::hir::Hir,
    limit: usize,
) -> Result<(hybrid::dfa::DFA, std::sync::Arc<SharedTexts>), Failure> {
    let key = crate::grammar::hir_shape(hir).0;
    if let Some(xs) = lazy_dfa_cache().by_hash.get(&key) {
        if let Some((_, _, dfa, texts)) = xs.iter().find(|(h, l, _, _)| *l == limit && h == hir) {
            return Ok((dfa.clone(), texts.clone()));
        }
    }
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
        // The NFA is built and the cache check skipped: what is left is a
        // feature the lazy DFA lacks (a Unicode word boundary).
        .map_err(|e| build_failure(e, false))?;
    let bytes = dfa.get_nfa().memory_usage();
    let mut c = lazy_dfa_cache();
    if c.len >= LAZY_DFA_CACHE || c.bytes + bytes > LAZY_DFA_CACHE_BYTES {
        c.by_hash.clear();
        c.len = 0;
        c.bytes = 0;
    }
    let texts = std::sync::Arc::new(SharedTexts::default());
    c.by_hash
        .entry(key)
        .or_default()
        .push((hir.clone(), limit, dfa.clone(), texts.clone()));
    c.len += 1;
    c.bytes += bytes;
    Ok((dfa, texts))
}

pub(crate) fn build_lazy(
    hir: &regex_syntax::hir::Hir,
    limit: usize,
) -> Result<(hybrid::dfa::DFA, TermCache), Failure> {
    let (dfa, texts) = lazy_dfa(hir, limit)?;
    let mut cache = dfa.create_cache();
    let start = dfa
        .start_state(&mut cache, &start::Config::new().anchored(Anchored::Yes))
        .map_err(|e| match e {
            hybrid::StartError::Cache { .. } => cache_err(e),
            _ => build_failure(e, false),
        })?;
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
        texts: Some(texts),
    };
    tc.start = tc.intern(start);
    Ok((dfa, tc))
}

pub(crate) fn anchored_start(dfa: &dense::DFA<Vec<u32>>) -> Result<StateID, Failure> {
    dfa.start_state(&start::Config::new().anchored(Anchored::Yes))
        .map_err(|e| build_failure(e, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(p: &str) -> regex_syntax::hir::Hir {
        regex_syntax::Parser::new().parse(p).unwrap()
    }

    #[test]
    fn a_shared_lazy_dfa_matches_like_a_fresh_one() {
        let h = parse("[0-9]+(\\.[0-9]+)?");
        let (d1, mut c1) = build_lazy(&h, 1 << 20).unwrap();
        let (d2, mut c2) = build_lazy(&h, 1 << 20).unwrap();
        let run = |d: &hybrid::dfa::DFA, tc: &mut TermCache, s: &[u8]| {
            let cache = tc.cache.as_mut().unwrap();
            let mut q = d
                .start_state(cache, &start::Config::new().anchored(Anchored::Yes))
                .unwrap();
            for &b in s {
                q = d.next_state(cache, q, b).unwrap();
            }
            d.next_eoi_state(cache, q).unwrap().is_match()
        };
        for s in ["1", "12.5", "1.", ".5", "x"] {
            let want = s == "1" || s == "12.5";
            assert_eq!(run(&d1, &mut c1, s.as_bytes()), want, "{s}");
            assert_eq!(run(&d2, &mut c2, s.as_bytes()), want, "{s}");
        }
    }
}
