//! The leaves of a boolean formula over regular languages (a lazy DFA, a
//! table, or the decimal multiples of a factor) and the formula itself:
//! shared by the product built up front ([`super::product`]) and the one
//! explored lazily ([`super::lazy_product`]).

use std::cell::{Cell, RefCell};

use regex_automata::hybrid::{self, LazyStateID};
use regex_automata::util::start;
use regex_automata::{Anchored, MatchKind};
use rustc_hash::FxHashMap;

use super::error::{build_failure, cache_err, PatternError};
use super::nfa::{build_nfa, intern_id};
use super::table::TableDfa;
use crate::error::Failure;

pub(super) enum Formula {
    Leaf(usize),
    And(Vec<Formula>),
    Or(Vec<Formula>),
    Not(Box<Formula>),
}

pub(super) enum Leaf {
    /// A regular language as a lazy DFA: only the states the product
    /// reaches are determinized.
    Dfa(Box<LazyLeaf>),
    /// A table: a set of JSON strings built directly, or a language's
    /// minimal table (kept between grammars, shared).
    Table(std::sync::Arc<TableDfa>),
    /// Decimal numbers (no exponent) that are multiples of
    /// `factor / 10^scale`.
    Multiple { factor: u64, scale: u32 },
}

pub(super) struct LazyLeaf {
    dfa: hybrid::dfa::DFA,
    inner: RefCell<LazyInner>,
    start: u32,
    /// Set when the DFA's cache overflowed (the product then fails).
    pub(super) failed: Cell<bool>,
}

struct LazyInner {
    cache: hybrid::dfa::Cache,
    ids: Vec<LazyStateID>,
    index: FxHashMap<LazyStateID, u32>,
}

impl LazyInner {
    fn intern(&mut self, id: LazyStateID) -> u32 {
        intern_id(&mut self.ids, &mut self.index, id)
    }
}

impl LazyLeaf {
    pub(super) fn new(
        hir: &regex_syntax::hir::Hir,
        dfa_bytes: usize,
    ) -> Result<LazyLeaf, PatternError> {
        LazyLeaf::from_dfa(LazyLeaf::dfa(hir, dfa_bytes)?)
    }

    /// The lazy DFA of `hir` (no state determinized yet): cheap to clone,
    /// each [`LazyLeaf`] made from it has its own cache.
    pub(super) fn dfa(
        hir: &regex_syntax::hir::Hir,
        dfa_bytes: usize,
    ) -> Result<hybrid::dfa::DFA, PatternError> {
        let e = |f: Failure| PatternError::new(None, f);
        let nfa = build_nfa(hir, dfa_bytes).map_err(e)?;
        hybrid::dfa::Builder::new()
            .configure(
                hybrid::dfa::Config::new()
                    .match_kind(MatchKind::All)
                    .cache_capacity(dfa_bytes)
                    .skip_cache_capacity_check(true)
                    .minimum_cache_clear_count(Some(0)),
            )
            .build_from_nfa(nfa)
            .map_err(|x| e(build_failure(x, false)))
    }

    pub(super) fn from_dfa(dfa: hybrid::dfa::DFA) -> Result<LazyLeaf, PatternError> {
        let e = |f: Failure| PatternError::new(None, f);
        let mut cache = dfa.create_cache();
        let start = dfa
            .start_state(&mut cache, &start::Config::new().anchored(Anchored::Yes))
            .map_err(|x| {
                e(match x {
                    hybrid::StartError::Cache { .. } => cache_err(x),
                    _ => build_failure(x, false),
                })
            })?;
        let mut inner = LazyInner {
            cache,
            ids: Vec::new(),
            index: FxHashMap::default(),
        };
        let start = inner.intern(start);
        Ok(LazyLeaf {
            dfa,
            inner: RefCell::new(inner),
            start,
            failed: Cell::new(false),
        })
    }
}

/// A leaf state that never matches again.
pub(super) const SINK: u32 = u32::MAX;

impl Leaf {
    /// Whether a lazy DFA leaf outgrew its cache (its steps since are
    /// wrong, read as dead).
    pub(super) fn failed(&self) -> bool {
        matches!(self, Leaf::Dfa(d) if d.failed.get())
    }

    pub(super) fn start(&self) -> u32 {
        match self {
            Leaf::Dfa(l) => l.start,
            Leaf::Table(t) => t.start(),
            Leaf::Multiple { .. } => 0,
        }
    }
    pub(super) fn next(&self, q: u32, b: u8) -> u32 {
        if q == SINK {
            return SINK;
        }
        match self {
            Leaf::Dfa(l) => {
                let mut inner = l.inner.borrow_mut();
                let id = inner.ids[q as usize];
                match l.dfa.next_state(&mut inner.cache, id, b) {
                    Ok(n) if n.is_dead() => SINK,
                    Ok(n) => inner.intern(n),
                    Err(_) => {
                        l.failed.set(true);
                        SINK
                    }
                }
            }
            Leaf::Table(t) => match t.next(q, b) {
                0 => SINK,
                n => n,
            },
            Leaf::Multiple { factor, scale } => {
                let a = *factor as u32;
                let (phase, rem) = (q / a, q % a);
                match b {
                    b'-' | b'+' if phase == 0 => q,
                    b'.' if phase == 0 => a + rem, // phase 1: no fraction digit yet
                    b'0'..=b'9' => {
                        let d = (b - b'0') as u64;
                        let grow = |r: u32| ((r as u64 * 10 + d) % *factor) as u32;
                        if phase == 0 {
                            grow(rem)
                        } else if phase - 1 < *scale {
                            (phase + 1) * a + grow(rem)
                        } else if d == 0 {
                            q
                        } else {
                            SINK
                        }
                    }
                    _ => SINK,
                }
            }
        }
    }
    pub(super) fn accepts(&self, q: u32) -> bool {
        if q == SINK {
            return false;
        }
        match self {
            Leaf::Dfa(l) => {
                let mut inner = l.inner.borrow_mut();
                let id = inner.ids[q as usize];
                match l.dfa.next_eoi_state(&mut inner.cache, id) {
                    Ok(n) => n.is_match(),
                    Err(_) => {
                        l.failed.set(true);
                        false
                    }
                }
            }
            Leaf::Table(t) => t.accepts(q),
            Leaf::Multiple { factor, scale } => {
                let a = *factor as u32;
                let (phase, rem) = (q / a, q % a);
                let digits = if phase == 0 { 0 } else { phase - 1 };
                let mut r = rem as u128;
                for _ in digits..*scale {
                    r = r * 10 % *factor as u128;
                }
                r == 0
            }
        }
    }
    pub(super) fn class_of(&self, b: u8) -> u8 {
        match self {
            Leaf::Dfa(l) => l.dfa.byte_classes().get(b),
            Leaf::Table(t) => t.classes[b as usize],
            Leaf::Multiple { .. } => match b {
                b'0'..=b'9' => b - b'0',
                b'.' => 10,
                b'-' | b'+' => 11,
                _ => 12,
            },
        }
    }
}

/// A formula's value given each leaf's current state: `Some(b)` once it is
/// decided for every continuation (`b`), `None` while open.
pub(super) fn settled(f: &Formula, dead: &[bool]) -> Option<bool> {
    match f {
        Formula::Leaf(i) => {
            if dead[*i] {
                Some(false)
            } else {
                None
            }
        }
        Formula::Not(x) => settled(x, dead).map(|b| !b),
        Formula::And(xs) => {
            let mut open = false;
            for x in xs {
                match settled(x, dead) {
                    Some(false) => return Some(false),
                    None => open = true,
                    Some(true) => {}
                }
            }
            if open {
                None
            } else {
                Some(true)
            }
        }
        Formula::Or(xs) => {
            let mut open = false;
            for x in xs {
                match settled(x, dead) {
                    Some(true) => return Some(true),
                    None => open = true,
                    Some(false) => {}
                }
            }
            if open {
                None
            } else {
                Some(false)
            }
        }
    }
}

pub(super) fn eval(f: &Formula, acc: &[bool]) -> bool {
    match f {
        Formula::Leaf(i) => acc[*i],
        Formula::Not(x) => !eval(x, acc),
        Formula::And(xs) => xs.iter().all(|x| eval(x, acc)),
        Formula::Or(xs) => xs.iter().any(|x| eval(x, acc)),
    }
}

/// The byte classes of `leaves` together (bytes every leaf treats alike
/// share one), and a byte of each class.
pub(super) fn joint_classes(leaves: &[Leaf]) -> ([u8; 256], Vec<u8>) {
    let mut classes = [0u8; 256];
    let mut reps = Vec::new();
    if leaves.len() <= 8 {
        // Up to eight leaves, a byte's classes pack into one word.
        let mut sig_ids: FxHashMap<u64, u8> = FxHashMap::default();
        for b in 0..=255u8 {
            let sig = leaves
                .iter()
                .fold(0u64, |s, l| s << 8 | u64::from(l.class_of(b)));
            let next = sig_ids.len();
            classes[b as usize] = *sig_ids.entry(sig).or_insert_with(|| {
                reps.push(b);
                next as u8
            });
        }
        return (classes, reps);
    }
    let mut sig_ids: FxHashMap<Vec<u8>, u8> = FxHashMap::default();
    for b in 0..=255u8 {
        let sig: Vec<u8> = leaves.iter().map(|l| l.class_of(b)).collect();
        let next = sig_ids.len();
        let id = *sig_ids.entry(sig).or_insert_with(|| {
            reps.push(b);
            next as u8
        });
        classes[b as usize] = id;
    }
    (classes, reps)
}
