//! Whether the strings two sets of `pattern`s allow can overlap: a product
//! of small DFAs over the decoded text, explored from the start under a
//! budget. `oneOf` branches that provably share no string compile as
//! `anyOf` (one rule each) instead of each branch with the others negated,
//! which is a complement per pair of branches.
//!
//! The check is sound and may give up: `false` ("may overlap") whenever a
//! pattern is outside what a small dense DFA holds, or the product grows
//! past its budget.

use std::rc::Rc;

use regex_automata::dfa::{dense, Automaton, StartKind};
use regex_automata::nfa::thompson;
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::{Anchored, MatchKind};
use regex_syntax::hir::{self, Hir};
use rustc_hash::{FxHashMap, FxHashSet};

use super::text;

/// Most bytes one pattern's DFA may take.
const DFA_BYTES: usize = 1 << 20;
/// Most product states one check explores.
const PAIR_STATES: usize = 4096;
/// Most product states all checks of one compile explore together.
const TOTAL_STATES: usize = 1 << 20;

type Dfa = dense::DFA<Vec<u32>>;

#[derive(Default)]
pub struct Overlap {
    /// Each pattern's DFA of the decoded strings it matches somewhere
    /// (None: too large, or not expressible as a DFA).
    dfas: FxHashMap<String, Option<Rc<Dfa>>>,
    explored: usize,
}

impl Overlap {
    /// The DFA of the whole decoded strings in which the ECMA-262
    /// `pattern` finds a match.
    fn dfa(&mut self, pattern: &str) -> Option<Rc<Dfa>> {
        if let Some(d) = self.dfas.get(pattern) {
            return d.clone();
        }
        let d = build(pattern).map(Rc::new);
        self.dfas.insert(pattern.to_owned(), d.clone());
        d
    }

    /// Whether no string matches every pattern of `a` and every pattern
    /// of `b` (`false` when unsure). Both lists are non-empty.
    pub fn disjoint(&mut self, a: &[&str], b: &[&str]) -> bool {
        if a.is_empty() || b.is_empty() || self.explored >= TOTAL_STATES {
            return false;
        }
        let mut dfas = Vec::with_capacity(a.len() + b.len());
        for p in a.iter().chain(b) {
            match self.dfa(p) {
                Some(d) => {
                    if !dfas.iter().any(|x: &Rc<Dfa>| Rc::ptr_eq(x, &d)) {
                        dfas.push(d);
                    }
                }
                None => return false,
            }
        }
        let budget = PAIR_STATES.min(TOTAL_STATES - self.explored);
        let (empty, explored) = product_is_empty(&dfas, budget);
        self.explored += explored;
        empty.unwrap_or(false)
    }
}

fn build(pattern: &str) -> Option<Dfa> {
    let rust = text::ecma_to_rust(pattern).ok()?;
    let h = text::parse_rust(&rust).ok()?;
    // Search semantics: a match anywhere (anchors inside `h` still hold
    // only at the ends).
    let any = Hir::repetition(hir::Repetition {
        min: 0,
        max: None,
        greedy: true,
        sub: Box::new(Hir::class(hir::Class::Unicode(hir::ClassUnicode::new([
            hir::ClassUnicodeRange::new('\0', char::MAX),
        ])))),
    });
    let whole = Hir::concat(vec![any.clone(), h, any]);
    let nfa = thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .nfa_size_limit(Some(DFA_BYTES))
                .shrink(false),
        )
        .build_from_hir(&whole)
        .ok()?;
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .match_kind(MatchKind::All)
                .start_kind(StartKind::Anchored)
                .minimize(false)
                .dfa_size_limit(Some(DFA_BYTES))
                .determinize_size_limit(Some(DFA_BYTES)),
        )
        .build_from_nfa(&nfa)
        .ok()
}

/// Whether no string is accepted by all of `dfas` (each matching the whole
/// string): `Some(true)` empty, `Some(false)` not, `None` past `budget`
/// states. Also returns the states explored.
fn product_is_empty(dfas: &[Rc<Dfa>], budget: usize) -> (Option<bool>, usize) {
    // Bytes alike for every DFA: one representative each.
    let mut reps: Vec<u8> = Vec::new();
    let mut sigs: FxHashSet<Vec<u8>> = FxHashSet::default();
    for b in 0..=255u8 {
        let sig: Vec<u8> = dfas.iter().map(|d| d.byte_classes().get(b)).collect();
        if sigs.insert(sig) {
            reps.push(b);
        }
    }
    let cfg = start::Config::new().anchored(Anchored::Yes);
    let mut first = Vec::with_capacity(dfas.len());
    for d in dfas {
        match d.start_state(&cfg) {
            Ok(s) => first.push(s),
            Err(_) => return (None, 0),
        }
    }
    if let [a, b] = dfas {
        return pair_is_empty(a, b, first[0], first[1], &reps, budget);
    }
    tuples_are_empty(dfas, first, &reps, budget)
}

/// [`product_is_empty`] of any number of DFAs, from their `first` states,
/// stepping one byte of each class in `reps`.
fn tuples_are_empty(
    dfas: &[Rc<Dfa>],
    first: Vec<StateID>,
    reps: &[u8],
    budget: usize,
) -> (Option<bool>, usize) {
    let mut seen: FxHashSet<Vec<StateID>> = FxHashSet::default();
    let mut todo = vec![first.clone()];
    seen.insert(first);
    let mut explored = 0;
    while let Some(q) = todo.pop() {
        explored += 1;
        if explored > budget {
            return (None, explored);
        }
        let accepts = dfas
            .iter()
            .zip(&q)
            .all(|(d, &s)| d.is_match_state(d.next_eoi_state(s)));
        if accepts {
            return (Some(false), explored);
        }
        'bytes: for &b in reps {
            let mut next = Vec::with_capacity(q.len());
            for (d, &s) in dfas.iter().zip(&q) {
                let n = d.next_state(s, b);
                if d.is_quit_state(n) {
                    return (None, explored);
                }
                if d.is_dead_state(n) {
                    continue 'bytes;
                }
                next.push(n);
            }
            if seen.insert(next.clone()) {
                todo.push(next);
            }
        }
    }
    (Some(true), explored)
}

/// [`product_is_empty`] of two DFAs (the most common check: one pattern
/// against another), each pair of states kept as one word.
fn pair_is_empty(
    a: &Dfa,
    b: &Dfa,
    sa: StateID,
    sb: StateID,
    reps: &[u8],
    budget: usize,
) -> (Option<bool>, usize) {
    let key = |x: StateID, y: StateID| u64::from(x.as_u32()) << 32 | u64::from(y.as_u32());
    let mut seen: FxHashSet<u64> = FxHashSet::default();
    let mut todo = vec![(sa, sb)];
    seen.insert(key(sa, sb));
    let mut explored = 0;
    while let Some((x, y)) = todo.pop() {
        explored += 1;
        if explored > budget {
            return (None, explored);
        }
        if a.is_match_state(a.next_eoi_state(x)) && b.is_match_state(b.next_eoi_state(y)) {
            return (Some(false), explored);
        }
        for &c in reps {
            let nx = a.next_state(x, c);
            if a.is_quit_state(nx) {
                return (None, explored);
            }
            if a.is_dead_state(nx) {
                continue;
            }
            let ny = b.next_state(y, c);
            if b.is_quit_state(ny) {
                return (None, explored);
            }
            if b.is_dead_state(ny) {
                continue;
            }
            if seen.insert(key(nx, ny)) {
                todo.push((nx, ny));
            }
        }
    }
    (Some(true), explored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchored_prefixes_and_suffixes_are_told_apart() {
        let mut o = Overlap::default();
        assert!(o.disjoint(&["^prefix1[a-z]+$"], &["^prefix2[a-z]+$"]));
        assert!(o.disjoint(&["^[a-z]+1$"], &["^[a-z]+11$"]));
        assert!(o.disjoint(&["^[0-9]+$"], &["[a-z]"]));
        assert!(!o.disjoint(&["^prefix1"], &["^prefix"]));
        assert!(!o.disjoint(&["x1"], &["x2"]));
        assert!(!o.disjoint(&["^a"], &["b$"]));
        // Every pattern of a side holds at once.
        assert!(o.disjoint(&["^a", "^.{2}$"], &["^ab$", "c"]));
        assert!(!o.disjoint(&["^a", "^.{2}$"], &["^ab$"]));
        // A pattern corral cannot read: unsure.
        assert!(!o.disjoint(&["(?<=a)b"], &["^c$"]));
    }

    /// Random small patterns: when the check says disjoint, no sampled
    /// string matches both (brute force over a small alphabet).
    #[test]
    fn never_says_disjoint_for_overlapping_patterns() {
        let atoms = [
            "a", "b", "ab", "[ab]", "a*", "b+", "(a|bb)", ".", "^", "$", "[^a]",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut rnd = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut strings = vec![String::new()];
        for len in 1..=5 {
            let mut more = Vec::new();
            for s in strings.iter().filter(|s| s.len() == len - 1) {
                for c in ['a', 'b', 'c'] {
                    more.push(format!("{s}{c}"));
                }
            }
            strings.extend(more);
        }
        let mut o = Overlap::default();
        let mut said = 0;
        for _ in 0..300 {
            let mut pat = || -> String {
                let mut p: String = (0..1 + rnd(3)).map(|_| atoms[rnd(atoms.len())]).collect();
                if rnd(2) == 0 {
                    p.insert(0, '^');
                }
                if rnd(2) == 0 {
                    p.push('$');
                }
                p
            };
            let (p, q) = (pat(), pat());
            let (Ok(rp), Ok(rq)) = (
                regex_automata::meta::Regex::new(&text::ecma_to_rust(&p).unwrap()),
                regex_automata::meta::Regex::new(&text::ecma_to_rust(&q).unwrap()),
            ) else {
                continue;
            };
            let overlap = strings.iter().any(|s| rp.is_match(s) && rq.is_match(s));
            // The pair's own search agrees with the general one.
            if let (Some(a), Some(b)) = (o.dfa(&p), o.dfa(&q)) {
                let cfg = start::Config::new().anchored(Anchored::Yes);
                let (sa, sb) = (a.start_state(&cfg).unwrap(), b.start_state(&cfg).unwrap());
                let reps: Vec<u8> = (0..=255).collect();
                assert_eq!(
                    pair_is_empty(&a, &b, sa, sb, &reps, 4096),
                    tuples_are_empty(&[a.clone(), b.clone()], vec![sa, sb], &reps, 4096),
                    "{p:?} and {q:?}"
                );
            }
            if o.disjoint(&[&p], &[&q]) {
                said += 1;
                assert!(!overlap, "{p:?} and {q:?} share a string");
            }
        }
        assert!(said > 10, "the check never found disjoint patterns");
    }
}
