//! Terminals with intersection and complement whose product automaton is
//! too large to build up front (a number that is a multiple of none of six
//! factors has about two million states): the same product, explored only
//! where the text goes.
//!
//! A state is a tuple of leaf states, interned on first use. A state is
//! kept only if it can still reach a match, so the lexer's "alive" is
//! exact, as with the trimmed tables of [`super::product`]: whether it can
//! is a search of the states after it, remembered per state and bounded in
//! work. Steps are remembered per (state, byte class).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};
use std::sync::{Mutex, MutexGuard};

use rustc_hash::FxHashMap;

use super::leaf::{eval, joint_classes, settled, Formula, Leaf, SINK};
use super::residues;
use super::slots::Slots;
use crate::error::Failure;

/// Most states one search for a match from a state may visit, as a share
/// of the product's state budget (which grows with `max_dfa_bytes`): 1/16,
/// and 1/128 for the start state, searched when the terminal is built (a
/// terminal that cannot tell quickly is refused, or relaxed by a lenient
/// compile, rather than make every compile of it slow).
const SEARCH_SHARE: usize = 16;
const START_SEARCH_SHARE: usize = 128;

pub struct LazyProduct {
    f: Formula,
    /// Joint byte classes of the leaves, and a byte of each.
    classes: [u8; 256],
    reps: Vec<u8>,
    /// Most product states interned.
    max_states: usize,
    start: u32,
    inner: Mutex<Inner>,
    /// Which states can still reach a match, settled on residues (a
    /// formula over multiples), instead of a search per state.
    oracle: Option<residues::Oracle>,
    /// Answers given, read without the lock: per state, [`LazyProduct::next`]
    /// by class ([`UNKNOWN`] until asked) and [`LazyProduct::accepts`]
    /// (0 until asked, then 1 + the answer), in chunks made on first use.
    next_memo: Slots<AtomicU32>,
    accept_memo: Slots<AtomicU8>,
}
/// A step not asked yet.
const UNKNOWN: u32 = u32::MAX;

impl std::fmt::Debug for LazyProduct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazyProduct")
            .field("classes", &self.reps.len())
            .field("max_states", &self.max_states)
            .finish_non_exhaustive()
    }
}

struct Inner {
    leaves: Vec<Leaf>,
    /// State 0 is dead.
    tuples: Vec<Box<[u32]>>,
    index: FxHashMap<Box<[u32]>, u32>,
    /// (state, class) -> the next state, before asking whether it can
    /// still match.
    steps: FxHashMap<(u32, u8), u32>,
    productive: FxHashMap<u32, bool>,
    dead: Vec<bool>,
}

fn limit(message: String) -> Failure {
    Failure::limit("max_dfa_bytes", message)
}

impl LazyProduct {
    /// The formula `f` over `leaves`, explored lazily: at most
    /// `max_states` product states.
    pub(super) fn new(
        f: Formula,
        leaves: Vec<Leaf>,
        max_states: usize,
    ) -> Result<LazyProduct, Failure> {
        let settled = residues::settle(&f, &leaves, true);
        LazyProduct::settled_by(f, leaves, max_states, settled)
    }

    /// [`LazyProduct::new`] where what the residues settle is known
    /// already ([`residues::settle`]): whether the language is empty (the
    /// start state is searched only where that is not known), and which
    /// states can still reach a match.
    pub(super) fn settled_by(
        f: Formula,
        leaves: Vec<Leaf>,
        max_states: usize,
        settled: Option<residues::Settled>,
    ) -> Result<LazyProduct, Failure> {
        let (empty, oracle) = match settled {
            Some(s) => (Some(s.empty), s.oracle),
            None => (None, None),
        };
        let (classes, reps) = joint_classes(&leaves);
        let n = leaves.len();
        let start_tuple: Box<[u32]> = leaves.iter().map(Leaf::start).collect();
        let next_memo = Slots::new(max_states, reps.len());
        let mut p = LazyProduct {
            f,
            classes,
            reps,
            max_states,
            start: 0,
            oracle,
            next_memo,
            accept_memo: Slots::new(max_states, 1),
            inner: Mutex::new(Inner {
                leaves,
                tuples: vec![vec![SINK; n].into()],
                index: FxHashMap::default(),
                steps: FxHashMap::default(),
                productive: FxHashMap::default(),
                dead: vec![false; n],
            }),
        };
        let start = {
            let mut inner = p.lock();
            let start = p.intern(&mut inner, &start_tuple)?;
            let budget = (max_states / START_SEARCH_SHARE).max(64);
            if start == 0 || empty == Some(true) {
                0
            } else if empty == Some(false) {
                inner.productive.insert(start, true);
                start
            } else if p.productive(&mut inner, start, budget)? {
                start
            } else {
                0
            }
        };
        p.start = start;
        Ok(p)
    }

    /// The start state (0: the language is empty).
    pub fn start(&self) -> u32 {
        self.start
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The memo cell of state `q` and class `c`, if its chunk exists.
    #[inline]
    fn next_cell(&self, q: u32, c: u8) -> Option<&AtomicU32> {
        self.next_memo.get(q as usize)?.get(c as usize)
    }

    /// The class of byte `b`: bytes of one class step alike from every
    /// state.
    pub fn byte_class(&self, b: u8) -> u8 {
        self.classes[b as usize]
    }

    /// The state after byte `b` (0: dead, or no match can follow).
    #[inline]
    pub fn next(&self, q: u32, b: u8) -> Result<u32, Failure> {
        if q == 0 {
            return Ok(0);
        }
        let c = self.classes[b as usize];
        if let Some(v) = self.next_cell(q, c).map(|x| x.load(Ordering::Acquire)) {
            if v != UNKNOWN {
                return Ok(v);
            }
        }
        self.next_slow(q, c)
    }

    #[cold]
    fn next_slow(&self, q: u32, c: u8) -> Result<u32, Failure> {
        let mut inner = self.lock();
        let r = self.step(&mut inner, q, c)?;
        let r = if r != 0
            && self.productive(&mut inner, r, (self.max_states / SEARCH_SHARE).max(64))?
        {
            r
        } else {
            0
        };
        if let Some(row) = self
            .next_memo
            .get_or_init(q as usize, || AtomicU32::new(UNKNOWN))
        {
            row[c as usize].store(r, Ordering::Release);
        }
        Ok(r)
    }

    /// Whether the text so far is a match.
    #[inline]
    pub fn accepts(&self, q: u32) -> Result<bool, Failure> {
        if q == 0 {
            return Ok(false);
        }
        if let Some(a) = self.accept_known(q) {
            return Ok(a);
        }
        let mut inner = self.lock();
        Ok(self.accepting(&mut inner, q))
    }

    /// Whether `q` is a match, if that was asked before.
    #[inline]
    fn accept_known(&self, q: u32) -> Option<bool> {
        match self.accept_memo.get(q as usize)?[0].load(Ordering::Acquire) {
            0 => None,
            v => Some(v == 2),
        }
    }

    /// `f` of the one table leaf `q` still depends on, and its state there:
    /// where every other leaf has left its language for good and the
    /// formula then holds exactly where that table matches (an object key
    /// past the listed names: the string's own table). From `q` on, this
    /// product steps, matches and lives as that table does.
    pub fn with_sole_table<R>(
        &self,
        q: u32,
        f: impl FnOnce(&super::table::TableDfa, u32) -> R,
    ) -> Option<R> {
        if q == 0 {
            return None;
        }
        let inner = self.lock();
        let t = inner.tuples.get(q as usize)?;
        let mut alive = t.iter().enumerate().filter(|x| *x.1 != SINK);
        let (i, &l) = alive.next()?;
        if alive.next().is_some() {
            return None;
        }
        let Leaf::Table(table) = &inner.leaves[i] else {
            return None;
        };
        let mut acc = vec![false; t.len()];
        acc[i] = true;
        let held = eval(&self.f, &acc);
        acc[i] = false;
        let without = eval(&self.f, &acc);
        (held && !without).then(|| f(table, l))
    }

    /// Whether some byte leads on (to a state that can still match).
    pub fn live(&self, q: u32) -> Result<bool, Failure> {
        for &b in &self.reps {
            if self.next(q, b)? != 0 {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Calls `f` on every byte that leads on from `q`.
    pub fn live_bytes(&self, q: u32, mut f: impl FnMut(u8)) -> Result<(), Failure> {
        let mut on = vec![false; self.reps.len()];
        for (c, &b) in self.reps.iter().enumerate() {
            on[c] = self.next(q, b)? != 0;
        }
        for b in 0..=255u8 {
            if on[self.classes[b as usize] as usize] {
                f(b);
            }
        }
        Ok(())
    }

    fn intern(&self, inner: &mut Inner, t: &[u32]) -> Result<u32, Failure> {
        if let Some(&i) = inner.index.get(t) {
            return Ok(i);
        }
        for (d, &q) in inner.dead.iter_mut().zip(t) {
            *d = q == SINK;
        }
        if settled(&self.f, &inner.dead) == Some(false) {
            return Ok(0);
        }
        if inner.tuples.len() >= self.max_states {
            return Err(limit(format!(
                "a terminal with intersection or complement reached more than {} states \
                 (the budget grows with max_dfa_bytes)",
                self.max_states
            )));
        }
        let i = inner.tuples.len() as u32;
        inner.index.insert(t.into(), i);
        inner.tuples.push(t.into());
        Ok(i)
    }

    /// The state after class `c`, whether or not a match can follow.
    fn step(&self, inner: &mut Inner, q: u32, c: u8) -> Result<u32, Failure> {
        if let Some(&r) = inner.steps.get(&(q, c)) {
            return Ok(r);
        }
        let b = self.reps[c as usize];
        let t: Vec<u32> = inner
            .leaves
            .iter()
            .zip(inner.tuples[q as usize].iter())
            .map(|(l, &s)| l.next(s, b))
            .collect();
        if inner
            .leaves
            .iter()
            .any(|l| matches!(l, Leaf::Dfa(d) if d.failed.get()))
        {
            return Err(limit(
                "a terminal's lazy DFA outgrew its cache; raise max_dfa_bytes".to_owned(),
            ));
        }
        let r = self.intern(inner, &t)?;
        inner.steps.insert((q, c), r);
        Ok(r)
    }

    fn accepting(&self, inner: &mut Inner, q: u32) -> bool {
        if let Some(a) = self.accept_known(q) {
            return a;
        }
        let acc: Vec<bool> = inner
            .leaves
            .iter()
            .zip(inner.tuples[q as usize].iter())
            .map(|(l, &s)| l.accepts(s))
            .collect();
        let a = eval(&self.f, &acc);
        if let Some([slot]) = self
            .accept_memo
            .get_or_init(q as usize, || AtomicU8::new(0))
        {
            slot.store(1 + u8::from(a), Ordering::Release);
        }
        a
    }

    /// Whether some text from `q` (maybe none) ends in a match: a
    /// breadth-first search, remembered for `q` and the states on the way
    /// to the match found (and, when none is found, for every state it
    /// visited: none of them can reach one).
    fn productive(&self, inner: &mut Inner, q: u32, max: usize) -> Result<bool, Failure> {
        if let Some(&p) = inner.productive.get(&q) {
            return Ok(p);
        }
        if let Some(p) = self
            .oracle
            .as_ref()
            .and_then(|o| o.productive(&inner.tuples[q as usize]))
        {
            inner.productive.insert(q, p);
            return Ok(p);
        }
        // Each state seen, with the state it was reached from.
        let mut seen: FxHashMap<u32, u32> = FxHashMap::default();
        let mut todo = VecDeque::from([q]);
        seen.insert(q, q);
        let mut found = None;
        if self.accepting(inner, q) {
            found = Some(q);
        }
        'search: while let Some(s) = todo.pop_front().filter(|_| found.is_none()) {
            for c in 0..self.reps.len() as u8 {
                let r = self.step(inner, s, c)?;
                if r == 0 || inner.productive.get(&r) == Some(&false) || seen.contains_key(&r) {
                    continue;
                }
                if seen.len() >= max {
                    break 'search;
                }
                seen.insert(r, s);
                // A state that matches, or is known to lead to a match,
                // ends the search as soon as it is seen.
                if inner.productive.get(&r) == Some(&true) || self.accepting(inner, r) {
                    found = Some(r);
                    break 'search;
                }
                todo.push_back(r);
            }
        }
        if let Some(mut s) = found {
            loop {
                inner.productive.insert(s, true);
                if s == q {
                    return Ok(true);
                }
                s = seen[&s];
            }
        }
        if !todo.is_empty() {
            return Err(limit(format!(
                "a terminal with intersection or complement: whether a state can still match \
                 needs a search of more than {max} states (the budget grows with max_dfa_bytes)"
            )));
        }
        for s in seen.into_keys() {
            inner.productive.insert(s, false);
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::TermExpr;
    use crate::lexer::table::TableDfa;

    fn walk(p: &LazyProduct, s: &str) -> bool {
        let mut q = p.start();
        for b in s.bytes() {
            q = p.next(q, b).unwrap();
            if q == 0 {
                return false;
            }
        }
        p.accepts(q).unwrap()
    }

    #[test]
    fn numbers_that_are_multiples_of_none_of_six_factors() {
        // Eagerly, about two million states.
        let m = |factor, scale| TermExpr::DecimalMultiple { factor, scale };
        let e = TermExpr::And(vec![
            TermExpr::Regex {
                pattern: "-?(0|[1-9][0-9]*)(\\.[0-9]+)?".into(),
                flags: String::new(),
                span: Default::default(),
            },
            TermExpr::Not(Box::new(TermExpr::Alt(vec![
                m(2, 0),
                m(65, 1),
                m(5, 0),
                m(7, 0),
                m(11, 0),
                m(37, 0),
            ]))),
        ]);
        let p = TableDfa::lazy(&e, 1 << 18, 1 << 20).unwrap();
        for (s, want) in [
            ("1", true),
            ("3", true),
            ("13", false),
            ("17", true),
            ("2", false),
            ("6.5", false),
            ("13.0", false),
            ("74", false),
            ("0", false),
            ("1.5", true),
            ("9991", true),
            ("-", false),
            ("1.", false),
        ] {
            assert_eq!(walk(&p, s), want, "{s}");
        }
        // Every state kept can still match: "6.5" is not one, "6.50001" is.
        let mut q = p.start();
        for b in "6.5".bytes() {
            q = p.next(q, b).unwrap();
        }
        assert!(q != 0 && p.live(q).unwrap());
    }

    #[test]
    fn an_empty_intersection_has_no_start() {
        let re = |p: &str| TermExpr::Regex {
            pattern: p.into(),
            flags: String::new(),
            span: Default::default(),
        };
        let p = TableDfa::lazy(&TermExpr::And(vec![re("a+"), re("b+")]), 1000, 1 << 20).unwrap();
        assert_eq!(p.start(), 0);
    }
}
