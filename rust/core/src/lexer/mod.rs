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

pub mod component;
pub mod config;
pub mod counted;
pub mod error;
mod exclude;
pub mod hir;
pub mod json_text;
pub(crate) mod json_value;
pub mod lazy_product;
mod leaf;
pub mod literals;
mod nfa;
pub mod product;
pub mod pyre;
pub mod regex;
mod residues;
mod slots;
pub mod state;
pub mod table;
#[cfg(test)]
mod tests;
mod text;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, OnceLock};

use rustc_hash::FxHashMap;

use crate::grammar::TermId;

pub use self::component::LookaheadDfa;
use self::component::{
    anchored_start, build_dfa, build_lazy, every_state_matches, literal_table, Component, Machine,
    TermCache,
};
pub use self::config::LexerConfig;
pub use self::error::TermCompileError;
pub use self::state::{
    Accept, AfterAccept, CountedAt, ExclId, LexState, LookaheadId, Row, StateInfo, Step,
    MAX_LEXER_STATES, NESTED_LOOKAHEAD,
};
use crate::error::Failure;

/// What identifies a lexer state: live (component, DFA state) pairs and the
/// variants matching here.
/// Live (component, DFA state) pairs of a state.
type Components = Box<[(u32, u32)]>;

/// The last part is an exclusion set: bytes that may not come first.
type StateKey = (Box<[(u32, u32)]>, Box<[Accept]>, ExclId);

struct Builder {
    /// Interned state contents: live (component, dfa state) pairs + accepts.
    keys: FxHashMap<StateKey, LexState>,
    states: Vec<(Components, ExclId)>,
    starts: FxHashMap<Box<[TermId]>, LexState>,
    live_cache: FxHashMap<(u32, u32), bool>,
    excl_sets: Vec<[u64; 4]>,
    excl_ids: FxHashMap<[u64; 4], ExclId>,
    excluding: FxHashMap<(LexState, ExclId), LexState>,
    /// Canonical states for walks (see [`Lexer::walk_key`]).
    canon: FxHashMap<(LexState, u32), LexState>,
    /// [`Lexer::plain_text_at`] by (state, character table, place): the
    /// state after the closing quote.
    plain: FxHashMap<(LexState, u64, u32), Option<LexState>>,
    /// [`Lexer::text_at`] by state: the text's machine and the state
    /// after the closing quote.
    texts: FxHashMap<LexState, TextAt>,
    /// The bytes alike for some components and a text machine (by their
    /// numbers and the machine's character table), as
    /// [`Lexer::plain_text_at`] steps them: found once, not at each state.
    joint: FxHashMap<(Box<[u32]>, u64), std::sync::Arc<Joint>>,
    /// For states of many components: per byte, which of them may live on
    /// it (see [`Lexer::step_slow`]).
    by_byte: FxHashMap<LexState, ByteIndex>,
    terms: Vec<TermCache>,
}

/// What [`Lexer::text_at`] found for a state.
type TextAt = Option<(std::sync::Arc<counted::CountedString>, LexState)>;

/// Per byte, the number of its kind among bytes that step alike (None: a
/// byte of its own), and how many kinds there are (see
/// [`Lexer::plain_text_at`]).
type Joint = ([Option<u16>; 256], usize);

/// Per byte, the positions (in a state's components) of those that may
/// step on it.
type ByteIndex = std::sync::Arc<[Box<[u32]>]>;

/// States with at least this many components step through a [`ByteIndex`]:
/// a grammar of thousands of keywords or enum values keeps thousands of
/// literals alive at once, and each byte a walk tries would step them all.
const BYTE_INDEX_MIN: usize = 64;

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
    /// Each state's transitions, computed as walks meet them.
    trans: slots::Slots<AtomicU32>,
    /// Lazily published per-state facts.
    info: slots::Slots<OnceLock<StateInfo>>,
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

impl Lexer {
    /// What ending terminal `acc` leaves pending when look-ahead `la` (in
    /// state `la_state`, or none) is already pending: its own look-ahead,
    /// the one already pending, or none.
    pub fn after_accept(&self, acc: &Accept, la: LookaheadId, la_state: u32) -> AfterAccept {
        let Some(l) = self.lookahead(acc.lookahead) else {
            return AfterAccept::Pending(la, la_state);
        };
        if l.matches_empty() {
            if l.negative {
                AfterAccept::Never
            } else {
                AfterAccept::Pending(la, la_state)
            }
        } else if !la.is_none() {
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
            let fail = |error: Failure| TermCompileError {
                term: TermId::new(t as u32),
                error,
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
                    texts: None,
                };
                let (dfa, mut tc) = match &v.special {
                    Some(hir::Special::Table(t)) => {
                        (Machine::Table(t.clone()), plain_cache(t.start()))
                    }
                    Some(hir::Special::JsonString(c)) => {
                        (Machine::Counted(c.clone()), plain_cache(c.start()))
                    }
                    Some(hir::Special::Product(p)) => {
                        (Machine::Product(p.clone()), plain_cache(p.start()))
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
                    None => LookaheadId::NONE,
                    Some(l) => {
                        let ldfa = build_dfa(&l.hir, cfg.dfa_size_limit).map_err(fail)?;
                        let lstart = anchored_start(&ldfa).map_err(fail)?;
                        lookaheads.push(LookaheadDfa {
                            negative: l.negative,
                            dfa: ldfa,
                            start: lstart,
                        });
                        LookaheadId::new((lookaheads.len() - 1) as u32)
                    }
                };
                let every_state_matches =
                    matches!(dfa, Machine::Lazy(_)) && every_state_matches(&v.hir);
                let c = Component {
                    term: TermId::new(t as u32),
                    lookahead: la,
                    dfa,
                    every_state_matches,
                };
                let start = tc.start;
                if c.accepts(&mut tc, start).map_err(fail)? {
                    empty = true;
                }
                term_comps[t].push(comps.len() as u32);
                comps.push(c);
                term_caches.push(tc);
            }
            if empty {
                empty_terms.push(TermId::new(t as u32));
            }
        }
        let max_states = cfg.max_states.clamp(1, MAX_LEXER_STATES);
        let lexer = Lexer {
            comps,
            term_comps,
            lookaheads,
            empty_terms,
            is_ignore: (0..terms.len() as u32)
                .map(|t| ignore.contains(&TermId::new(t)))
                .collect(),
            run_bound: None,
            trans: slots::Slots::new(max_states, 256),
            info: slots::Slots::new(max_states, 1),
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
                texts: FxHashMap::default(),
                joint: FxHashMap::default(),
                by_byte: FxHashMap::default(),
                terms: term_caches,
            }),
            max_states,
        };
        {
            let mut b = lexer.lock();
            let dead = lexer
                .intern(&mut b, Vec::new(), Vec::new(), ExclId::NONE)
                .expect("room for the dead state");
            debug_assert_eq!(dead, LexState::DEAD);
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

    /// Number of states interned so far.
    pub fn state_count(&self) -> usize {
        self.lock().states.len()
    }

    fn is_live(&self, b: &mut Builder, c: u32, q: u32) -> Result<bool, Failure> {
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
        excl: ExclId,
    ) -> Result<LexState, Failure> {
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
            return Err(Failure::limit(
                "max_lexer_states",
                format!(
                    "lexer state limit exceeded ({} states); raise max_lexer_states",
                    self.max_states
                ),
            ));
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
        if let Some([slot]) = self.info.get_or_init(id, OnceLock::new) {
            let _ = slot.set(info);
        }
        b.states.push((key.0.clone(), excl));
        let id = LexState::new(id as u32);
        b.keys.insert(key, id);
        Ok(id)
    }

    /// Facts about a state.
    #[inline]
    pub fn info(&self, s: LexState) -> &StateInfo {
        let s = s.index();
        self.info
            .get(s)
            .and_then(|c| c.first()?.get())
            .expect("lexer states are published before their ids")
    }

    /// A shortest string both terminals match (first variants), if any is
    /// found within `limit` explored state pairs.
    pub fn common_string(&self, a: TermId, b: TermId, limit: usize) -> Option<Vec<u8>> {
        let ia = *self.term_comps[a.index()].first()?;
        let ib = *self.term_comps[b.index()].first()?;
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
        let mut out: Vec<TermId> = b.states[s.index()]
            .0
            .iter()
            .map(|&(c, _)| self.comps[c as usize].term)
            .collect();
        out.dedup();
        out
    }

    /// The start state for a set of allowed terminals (sorted, deduplicated).
    pub fn start_state(&self, terms: &[TermId]) -> Result<LexState, Failure> {
        let mut b = self.lock();
        if let Some(&s) = b.starts.get(terms) {
            return Ok(s);
        }
        let mut comps = Vec::new();
        for &t in terms {
            for &c in &self.term_comps[t.index()] {
                let st = b.terms[c as usize].start;
                if self.is_live(&mut b, c, st)? {
                    comps.push((c, st));
                }
            }
        }
        let s = self.intern(&mut b, comps, Vec::new(), ExclId::NONE)?;
        b.starts.insert(terms.into(), s);
        Ok(s)
    }

    /// The state after component `c`'s closing quote: its terminal ends and
    /// nothing goes on (as `step` finds it).
    fn end_state(&self, b: &mut Builder, c: u32) -> Result<LexState, Failure> {
        let acc = Accept {
            term: self.comps[c as usize].term,
            lookahead: LookaheadId::NONE,
            munch: ExclId::NONE,
        };
        self.intern(b, Vec::new(), vec![acc], ExclId::NONE)
    }

    /// The bytes of exclusion set `excl` (a 256-bit set), or None for
    /// [`ExclId::NONE`].
    pub fn exclusion_set(&self, excl: ExclId) -> Option<[u64; 4]> {
        excl.get().map(|i| self.lock().excl_sets[i])
    }

    /// Look-ahead condition `la`, or None for [`LookaheadId::NONE`].
    #[inline]
    pub fn lookahead(&self, la: LookaheadId) -> Option<&LookaheadDfa> {
        la.get().map(|i| &self.lookaheads[i])
    }

    /// State `s` (a start state) with the bytes of exclusion set `excl`
    /// forbidden as the next byte: what may follow greedily matched
    /// ignored text.
    pub fn start_excluding(&self, s: LexState, excl: ExclId) -> Result<LexState, Failure> {
        if excl.is_none() {
            return Ok(s);
        }
        let mut b = self.lock();
        if let Some(&x) = b.excluding.get(&(s, excl)) {
            return Ok(x);
        }
        let comps = b.states[s.index()].0.to_vec();
        let accepts = self.info(s).accepts.to_vec();
        let x = self.intern(&mut b, comps, accepts, excl)?;
        b.excluding.insert((s, excl), x);
        Ok(x)
    }

    /// The state after `byte`.
    #[inline]
    pub fn step(&self, s: LexState, byte: u8) -> Result<LexState, Failure> {
        let idx = s.index();
        if let Some(row) = self.trans.get(idx) {
            let v = row[byte as usize].load(Ordering::Acquire);
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
        let idx = s.index();
        self.trans
            .get_or_init(idx, || AtomicU32::new(0))
            .and_then(|r| r.try_into().ok())
            .expect("lexer states stay within max_states")
    }

    /// The step from `s` (whose [`Lexer::row`] is `row`) on `byte`, with
    /// the next state's liveness and whether something ends there, so a
    /// walk needs no [`Lexer::info`] lookup where nothing ends.
    #[inline(always)]
    pub fn step_in(&self, row: &Row, s: LexState, byte: u8) -> Result<Step, Failure> {
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
    fn byte_index(&self, b: &mut Builder, s: LexState) -> Result<ByteIndex, Failure> {
        if let Some(ix) = b.by_byte.get(&s) {
            return Ok(ix.clone());
        }
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); 256];
        let all = b.states[s.index()].0.clone();
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
                Machine::Product(p) => {
                    p.live_bytes(q, |byte| lists[byte as usize].push(i as u32))?;
                }
            }
        }
        let ix: ByteIndex = lists.into_iter().map(Vec::into_boxed_slice).collect();
        b.by_byte.insert(s, ix.clone());
        Ok(ix)
    }

    #[cold]
    fn step_slow(&self, s: LexState, byte: u8) -> Result<Step, Failure> {
        let mut b = self.lock();
        let excl = b.states[s.index()].1;
        let excluded = excl.get().is_some_and(|x| {
            let set = &b.excl_sets[x];
            set[byte as usize / 64] >> (byte % 64) & 1 == 1
        });
        // The components that may step on `byte`, in their order (which
        // the next state's key keeps).
        let cur: Vec<(u32, u32)> = if excluded {
            Vec::new()
        } else if b.states[s.index()].0.len() >= BYTE_INDEX_MIN {
            let index = self.byte_index(&mut b, s)?;
            let all = &b.states[s.index()].0;
            index[byte as usize]
                .iter()
                .map(|&i| all[i as usize])
                .collect()
        } else {
            b.states[s.index()].0.to_vec()
        };
        let mut next = Vec::with_capacity(cur.len());
        let mut accepts = Vec::new();
        for &(c, q) in cur.iter() {
            let comp = &self.comps[c as usize];
            let Some(q2) = comp.next(&mut b.terms[c as usize], q, byte)? else {
                continue;
            };
            if comp.accepts(&mut b.terms[c as usize], q2)? {
                let munch = if self.is_ignore[comp.term.index()] && comp.lookahead.is_none() {
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
                        ExclId::NONE
                    } else {
                        let next_id = ExclId::new(b.excl_sets.len() as u32);
                        let id = *b.excl_ids.entry(set).or_insert(next_id);
                        if id == next_id {
                            b.excl_sets.push(set);
                        }
                        id
                    }
                } else {
                    ExclId::NONE
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
        let n = self.intern(&mut b, next, accepts, ExclId::NONE)?;
        let info = self.info(n);
        let word = Step::encode(n, info.live, !info.accepts.is_empty());
        self.row(s)[byte as usize].store(word, Ordering::Release);
        Ok(Step(word))
    }
}
