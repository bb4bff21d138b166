//! Terminals with intersection and complement, as explicit DFA tables.
//!
//! A terminal whose expression uses [`TermExpr::And`], [`TermExpr::Not`] or
//! [`TermExpr::DecimalMultiple`] (the JSON Schema front-end writes these: a
//! property name that is none of the listed ones, a pattern under a length
//! bound, a number range) is a boolean formula over plain regular
//! languages. Each leaf is compiled to a dense DFA; the product automaton is
//! explored from the start, capped in states, and trimmed: every state kept
//! can still reach a match, so the lexer's "alive" is exact.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::error::PatternError;
use super::exclude::{exclude_finite, Budget, NotFinite};
use super::hir::plain_hir;
use super::lazy_product::LazyProduct;
use super::leaf::{eval, joint_classes, settled, Formula, LazyLeaf, Leaf, SINK};
use super::literals::json_literals;
use super::residues;
use super::table::{useful, TableDfa};
use crate::error::Failure;
use crate::grammar::TermExpr;

/// Most states of a set of strings built directly as a leaf of a formula
/// (past it, the leaf is a lazy DFA).
const LITERALS_LEAF_STATES: usize = 1 << 16;

impl TableDfa {
    /// Compiles `expr` (a boolean formula over regular languages). At most
    /// `max_states` product states, each DFA at most `dfa_bytes`.
    pub fn build(
        expr: &TermExpr,
        max_states: usize,
        dfa_bytes: usize,
    ) -> Result<TableDfa, PatternError> {
        let (f, leaves) = formula_of(expr, dfa_bytes)?;
        if residues::is_empty(&f, &leaves) == Some(true) {
            return Ok(TableDfa::empty());
        }
        Product::new(&leaves, &f, max_states).run()
    }

    /// `expr` as a minimal table where it has at most `table_states`
    /// states, else explored lazily ([`TableDfa::lazy`], at most
    /// `lazy_states`). The leaves are built once for both tries.
    pub fn build_or_lazy(
        expr: &TermExpr,
        table_states: usize,
        lazy_states: usize,
        dfa_bytes: usize,
    ) -> Result<Built, PatternError> {
        let (f, leaves) = formula_of(expr, dfa_bytes)?;
        // Multiples under `oneOf` and `not` are settled on residues: a
        // search of their product can take every residue to tell.
        let settled = residues::settle(&f, &leaves, true);
        if settled.as_ref().is_some_and(|s| s.empty) {
            return Ok(Built::Table(TableDfa::empty()));
        }
        let tried = Product::new(&leaves, &f, table_states).run();
        if let Ok(t) = tried {
            return Ok(Built::Table(t));
        }
        // A leaf whose lazy DFA outgrew its cache while the table was tried
        // starts again (and the residues, which name its states, too).
        let (f, leaves, settled) = if leaves.iter().any(Leaf::failed) {
            let (f, leaves) = formula_of(expr, dfa_bytes)?;
            let settled = residues::settle(&f, &leaves, true);
            (f, leaves, settled)
        } else {
            (f, leaves, settled)
        };
        LazyProduct::settled_by(f, leaves, lazy_states, settled)
            .map(|p| Built::Lazy(Box::new(p)))
            .map_err(|e| PatternError::new(None, e))
    }

    /// The minimal table of one plain language (no intersection or
    /// complement) where it has one within the leaf bounds
    /// ([`minimal_leaf`], kept between grammars), else None.
    pub fn minimal(
        expr: &TermExpr,
        dfa_bytes: usize,
    ) -> Result<Option<Arc<TableDfa>>, PatternError> {
        let (f, mut leaves) = formula_of(expr, dfa_bytes)?;
        Ok(match (f, leaves.pop()) {
            (Formula::Leaf(0), Some(Leaf::Table(t))) => Some(t),
            _ => None,
        })
    }

    /// `expr` explored lazily ([`LazyProduct`]): at most `max_states`
    /// product states, each leaf DFA at most `dfa_bytes`.
    pub fn lazy(
        expr: &TermExpr,
        max_states: usize,
        dfa_bytes: usize,
    ) -> Result<LazyProduct, PatternError> {
        let (f, leaves) = formula_of(expr, dfa_bytes)?;
        LazyProduct::new(f, leaves, max_states).map_err(|e| PatternError::new(None, e))
    }

    /// One regular language as a table.
    pub fn from_hir(
        hir: &regex_syntax::hir::Hir,
        max_states: usize,
        dfa_bytes: usize,
    ) -> Result<TableDfa, PatternError> {
        let leaves = [Leaf::Dfa(Box::new(LazyLeaf::new(hir, dfa_bytes)?))];
        Product::new(&leaves, &Formula::Leaf(0), max_states).run()
    }
}

/// The leaves of a formula, each distinct language once: a union of
/// alternatives over the same conditions (a `oneOf` as "this branch and
/// not the others", for each branch) is one product over them.
pub(super) struct Leaves {
    pub(super) list: Vec<Leaf>,
    pub(super) index: FxHashMap<TermExpr, usize>,
}

/// `expr` as a formula over its leaves, each distinct language once.
fn formula_of(expr: &TermExpr, dfa_bytes: usize) -> Result<(Formula, Vec<Leaf>), PatternError> {
    let mut leaves = Leaves {
        list: Vec::new(),
        index: FxHashMap::default(),
    };
    let f = formula(expr, &mut leaves, dfa_bytes)?;
    Ok((f, leaves.list))
}

pub(super) fn formula(
    expr: &TermExpr,
    leaves: &mut Leaves,
    dfa_bytes: usize,
) -> Result<Formula, PatternError> {
    Ok(match expr {
        TermExpr::And(xs) => Formula::And(
            xs.iter()
                .map(|x| formula(x, leaves, dfa_bytes))
                .collect::<Result<_, _>>()?,
        ),
        TermExpr::Alt(xs) if xs.iter().any(TermExpr::needs_table) => Formula::Or(
            xs.iter()
                .map(|x| formula(x, leaves, dfa_bytes))
                .collect::<Result<_, _>>()?,
        ),
        TermExpr::Not(x) => Formula::Not(Box::new(formula(x, leaves, dfa_bytes)?)),
        _ if leaves.index.contains_key(expr) => Formula::Leaf(leaves.index[expr]),
        TermExpr::DecimalMultiple { factor, scale } => {
            if *factor == 0 || *factor > u32::MAX as u64 / (*scale as u64 + 2) {
                return Err(PatternError::new(
                    None,
                    Failure::not_supported(format!("multiple-of factor {factor}")),
                ));
            }
            leaves.list.push(Leaf::Multiple {
                factor: *factor,
                scale: *scale,
            });
            leaves.index.insert(expr.clone(), leaves.list.len() - 1);
            Formula::Leaf(leaves.list.len() - 1)
        }
        _ => {
            let literals = match expr {
                TermExpr::JsonLiterals { strings, spelling } => {
                    json_literals(strings, *spelling, LITERALS_LEAF_STATES).ok()
                }
                _ => None,
            };
            leaves.list.push(match literals {
                Some(t) => Leaf::Table(Arc::new(t)),
                None => minimal_leaf(expr, dfa_bytes)?,
            });
            leaves.index.insert(expr.clone(), leaves.list.len() - 1);
            Formula::Leaf(leaves.list.len() - 1)
        }
    })
}

/// `expr`'s product explored whole (no settling on residues), and whether
/// [`residues::is_empty`] settles it: the two answers compared by tests.
#[cfg(test)]
pub(super) fn whole_and_residues(
    expr: &TermExpr,
    max_states: usize,
) -> (Result<TableDfa, PatternError>, Option<bool>) {
    let (f, leaves) = formula_of(expr, 1 << 22).expect("leaves");
    let whole = Product::new(&leaves, &f, max_states).run();
    let (f, leaves) = formula_of(expr, 1 << 22).expect("leaves");
    (whole, residues::is_empty(&f, &leaves))
}

/// `expr` explored lazily twice: with what the residues settle, and with
/// a search per state only (compared by tests).
#[cfg(test)]
pub(super) fn lazy_with_and_without_residues(expr: &TermExpr) -> (LazyProduct, LazyProduct) {
    let (f, leaves) = formula_of(expr, 1 << 22).expect("leaves");
    let settled = residues::settle(&f, &leaves, true);
    assert!(settled
        .as_ref()
        .is_some_and(|s| s.oracle.is_some() || s.empty));
    let with = LazyProduct::settled_by(f, leaves, 1 << 20, settled).expect("lazy");
    let (f, leaves) = formula_of(expr, 1 << 22).expect("leaves");
    let without = LazyProduct::settled_by(f, leaves, 1 << 20, None).expect("lazy");
    (with, without)
}

/// Most states of a leaf built as a minimal table ([`minimal_leaf`]).
const MINIMAL_LEAF_STATES: usize = 4096;

/// Most steps (states explored times byte classes) spent on a leaf's
/// minimal table before it is left a lazy DFA ([`minimal_leaf`]). Each
/// step of an exploration determinizes one transition, about 0.1-0.2 µs:
/// this bounds a leaf to a few milliseconds. Measured on the
/// JSONSchemaBench dev sample, leaves past it (a string of at most 146
/// characters, a URI's syntax) cost 10-95 ms each to explore whole, and
/// made most of the slowest compiles.
const MINIMAL_LEAF_WORK: u64 = 1 << 15;

/// A regular language as a leaf of a product: a minimal table where it
/// has at most [`MINIMAL_LEAF_STATES`] states and is found within
/// [`MINIMAL_LEAF_WORK`], else its lazy DFA (the one the attempt explored,
/// with the states it determinized). A product over minimal leaves has far
/// fewer states than one over their lazy DFAs (whose states keep apart
/// texts the language treats alike, such as every run of hex digits past a
/// pattern's 64 once it has matched), which matters most where the
/// product is explored lazily and never minimized. Tables (and, for the
/// languages that have none, their lazy DFAs before any state is
/// determinized) are kept by expression: the same leaves (any JSON string,
/// a format) recur in every grammar.
fn minimal_leaf(expr: &TermExpr, dfa_bytes: usize) -> Result<Leaf, PatternError> {
    /// A language's minimal table, or its lazy DFA where it has none
    /// within the bounds (each leaf made from it determinizes on its own).
    #[derive(Clone)]
    enum KeptLeaf {
        Table(Arc<TableDfa>),
        Lazy(Arc<regex_automata::hybrid::dfa::DFA>),
    }
    type Store = FxHashMap<(TermExpr, usize), KeptLeaf>;
    static KEPT: std::sync::OnceLock<std::sync::Mutex<(Store, usize)>> = std::sync::OnceLock::new();
    let kept = KEPT.get_or_init(Default::default);
    let key = (expr.clone(), dfa_bytes);
    // Looked up by the expression (a front-end's pattern hashes once), so
    // a kept leaf costs no translation to a regex.
    let found = kept
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .0
        .get(&key)
        .cloned();
    match found {
        Some(KeptLeaf::Table(t)) => return Ok(Leaf::Table(t)),
        Some(KeptLeaf::Lazy(dfa)) => {
            return Ok(Leaf::Dfa(Box::new(LazyLeaf::from_dfa((*dfa).clone())?)))
        }
        None => {}
    }
    let dfa = LazyLeaf::dfa(&plain_hir(expr)?, dfa_bytes)?;
    let leaves = [Leaf::Dfa(Box::new(LazyLeaf::from_dfa(dfa.clone())?))];
    let t = Product {
        leaves: &leaves,
        f: &Formula::Leaf(0),
        max_states: MINIMAL_LEAF_STATES,
        max_work: MINIMAL_LEAF_WORK,
    }
    .run()
    .ok()
    .map(Arc::new);
    let (entry, bytes) = match &t {
        Some(t) => (KeptLeaf::Table(t.clone()), t.trans.len() * 4),
        None => (
            KeptLeaf::Lazy(Arc::new(dfa.clone())),
            dfa.get_nfa().memory_usage(),
        ),
    };
    let mut k = kept.lock().unwrap_or_else(|e| e.into_inner());
    if k.1 + bytes + 1024 > KEPT_LEAF_BYTES {
        *k = Default::default();
    }
    k.0.insert(key, entry);
    k.1 += bytes + 1024;
    drop(k);
    match t {
        Some(t) => Ok(Leaf::Table(t)),
        // A lazy DFA that outgrew its cache starts again.
        None if leaves[0].failed() => Ok(Leaf::Dfa(Box::new(LazyLeaf::from_dfa(dfa)?))),
        None => {
            let [leaf] = leaves;
            Ok(leaf)
        }
    }
}

/// Bytes of minimal leaves kept between grammars (past it, the store
/// starts again empty).
const KEPT_LEAF_BYTES: usize = 32 << 20;

/// Leaf steps a product may take per state of its cap (see
/// [`Product::run`]).
const WORK_PER_STATE: u64 = 256;

/// What [`TableDfa::build_or_lazy`] built.
pub enum Built {
    Table(TableDfa),
    Lazy(Box<LazyProduct>),
}

struct Product<'a> {
    leaves: &'a [Leaf],
    f: &'a Formula,
    max_states: usize,
    /// Most leaf steps (states explored times leaves times byte classes).
    max_work: u64,
}

/// The limit error of a product past `max_states` states.
fn too_many_states(max_states: usize) -> PatternError {
    PatternError::new(
        None,
        Failure::limit("max_dfa_bytes", format!(
            "a terminal with intersection or complement needs more than {max_states} DFA states (the budget grows with max_dfa_bytes)"
        )),
    )
}

/// The limit error of a product past `max_work` steps (`states` explored,
/// over `conditions` leaves).
fn too_much_work(max_work: u64, states: usize, conditions: usize) -> PatternError {
    PatternError::new(
        None,
        Failure::limit("max_dfa_bytes", format!(
            "a terminal with intersection or complement needs more than {max_work} steps to build ({states} states so far, {conditions} conditions; the budget grows with max_dfa_bytes)"
        )),
    )
}

impl<'a> Product<'a> {
    /// At most `max_states` states, and [`WORK_PER_STATE`] leaf steps per
    /// state of that cap.
    fn new(leaves: &'a [Leaf], f: &'a Formula, max_states: usize) -> Self {
        Product {
            leaves,
            f,
            max_states,
            max_work: (max_states as u64).saturating_mul(WORK_PER_STATE),
        }
    }

    fn run(self) -> Result<TableDfa, PatternError> {
        if let Some(t) = self.excluding() {
            return t;
        }
        // One language that is a (minimal, trimmed) table already: a
        // pattern asked to be a table.
        if let Some(t) = self.sole_table() {
            if t.state_count() > self.max_states {
                return Err(too_many_states(self.max_states));
            }
            return Ok(t.clone());
        }

        let n = self.leaves.len();
        let (classes, reps) = joint_classes(self.leaves);
        let stride = reps.len();
        // Explore: state 0 is dead.
        let mut index: FxHashMap<Box<[u32]>, u32> = FxHashMap::default();
        // Tuples of one or two leaves (most products: a string and the
        // names it must not be) are keyed by one word, without hashing a
        // slice.
        let mut index2: FxHashMap<u64, u32> = FxHashMap::default();
        let pack = |t: &[u32]| match *t {
            [a] => Some(u64::from(a)),
            [a, b] => Some(u64::from(a) << 32 | u64::from(b)),
            _ => None,
        };
        let mut tuples: Vec<Box<[u32]>> = vec![vec![SINK; n].into()];
        let mut trans: Vec<u32> = vec![0; stride];
        let mut dead = vec![false; n];
        let mut intern = |t: &[u32],
                          tuples: &mut Vec<Box<[u32]>>,
                          trans: &mut Vec<u32>|
         -> Result<u32, PatternError> {
            let packed = pack(t);
            let found = match packed {
                Some(k) => index2.get(&k),
                None => index.get(t),
            };
            if let Some(&i) = found {
                return Ok(i);
            }
            for (d, &q) in dead.iter_mut().zip(t) {
                *d = q == SINK;
            }
            if settled(self.f, &dead) == Some(false) {
                return Ok(0);
            }
            if tuples.len() >= self.max_states {
                return Err(too_many_states(self.max_states));
            }
            let i = tuples.len() as u32;
            match packed {
                Some(k) => index2.insert(k, i),
                None => index.insert(t.into(), i),
            };
            tuples.push(t.into());
            trans.extend(std::iter::repeat(0).take(stride));
            Ok(i)
        };
        let start: Vec<u32> = self.leaves.iter().map(|l| l.start()).collect();
        let start = intern(&start, &mut tuples, &mut trans)?;
        // Every interned state is explored once, in order of interning.
        let mut buf: Vec<u32> = Vec::with_capacity(n);
        // Each state explored steps every leaf on every byte class: the
        // work is bounded as well as the states (many leaves make each
        // state dear long before the state cap).
        let max_work = self.max_work;
        let mut work = 0u64;
        let mut q = 1;
        while q < tuples.len() {
            work += (n * stride) as u64;
            if work > max_work {
                return Err(too_much_work(max_work, tuples.len(), n));
            }
            for (c, &b) in reps.iter().enumerate() {
                buf.clear();
                buf.extend(
                    self.leaves
                        .iter()
                        .zip(tuples[q].iter())
                        .map(|(l, &s)| l.next(s, b)),
                );
                let r = intern(&buf, &mut tuples, &mut trans)?;
                trans[q * stride + c] = r;
            }
            q += 1;
        }
        let accept: Vec<bool> = tuples
            .iter()
            .enumerate()
            .map(|(i, t)| {
                i != 0 && {
                    let acc: Vec<bool> = self
                        .leaves
                        .iter()
                        .zip(t.iter())
                        .map(|(l, &s)| l.accepts(s))
                        .collect();
                    eval(self.f, &acc)
                }
            })
            .collect();
        if self.leaves.iter().any(Leaf::failed) {
            return Err(PatternError::new(
                None,
                Failure::limit(
                    "max_dfa_bytes",
                    "a terminal's lazy DFA outgrew its cache; raise max_dfa_bytes",
                ),
            ));
        }
        Ok(finish(classes, stride, trans, accept, start))
    }

    /// The table of the one leaf the formula is, where it is one.
    fn sole_table(&self) -> Option<&TableDfa> {
        let i = match self.f {
            Formula::Leaf(i) => *i,
            Formula::And(xs) => match &xs[..] {
                [Formula::Leaf(i)] => *i,
                _ => return None,
            },
            _ => return None,
        };
        match &self.leaves[i] {
            Leaf::Table(t) => Some(t),
            _ => None,
        }
    }

    /// `A and not B` over two tables where B is a set of strings (an
    /// object key that is none of the listed names, most often): built
    /// minimal in one pass ([`exclude_finite`]). None where the formula has
    /// another shape, or B's table cycles.
    fn excluding(&self) -> Option<Result<TableDfa, PatternError>> {
        let (i, j) = match self.f {
            Formula::And(xs) => match &xs[..] {
                [Formula::Leaf(i), Formula::Not(y)] | [Formula::Not(y), Formula::Leaf(i)] => {
                    match **y {
                        Formula::Leaf(j) if j != *i => (*i, j),
                        _ => return None,
                    }
                }
                _ => return None,
            },
            _ => return None,
        };
        let (Leaf::Table(a), Leaf::Table(b)) = (&self.leaves[i], &self.leaves[j]) else {
            return None;
        };
        let (classes, reps) = joint_classes(self.leaves);
        let budget = Budget {
            max_states: self.max_states,
            max_work: self.max_work / 2,
        };
        match exclude_finite(a, b, classes, &reps, &budget) {
            Ok(Ok(t)) => Some(Ok(t)),
            Ok(Err(states)) if states >= self.max_states => {
                Some(Err(too_many_states(self.max_states)))
            }
            Ok(Err(states)) => Some(Err(too_much_work(self.max_work, states, 2))),
            // B's pairs cycle (a pattern, not a set of names): the generic
            // product, minimized.
            Err(NotFinite) => None,
        }
    }
}

/// The explored product (state 0 dead) trimmed to the states that can
/// still reach a match, and minimized.
fn finish(
    classes: [u8; 256],
    stride: usize,
    trans: Vec<u32>,
    accept: Vec<bool>,
    start: u32,
) -> TableDfa {
    trim(classes, stride, trans, accept, start).minimize()
}

/// The explored product (state 0 dead) trimmed to the states that can
/// still reach a match.
fn trim(
    classes: [u8; 256],
    stride: usize,
    trans: Vec<u32>,
    accept: Vec<bool>,
    start: u32,
) -> TableDfa {
    let count = accept.len();
    let useful = useful(stride, &trans, &accept);
    let mut renum = vec![0u32; count];
    let mut kept = 1u32;
    for q in 1..count {
        if useful[q] {
            renum[q] = kept;
            kept += 1;
        }
    }
    let mut out_trans = vec![0u32; kept as usize * stride];
    let mut out_accept = vec![false; kept as usize];
    for q in 1..count {
        if !useful[q] {
            continue;
        }
        let nq = renum[q] as usize;
        out_accept[nq] = accept[q];
        for c in 0..stride {
            out_trans[nq * stride + c] = renum[trans[q * stride + c] as usize];
        }
    }
    let live = (0..kept as usize)
        .map(|q| {
            q != 0
                && out_trans[q * stride..(q + 1) * stride]
                    .iter()
                    .any(|&r| r != 0)
        })
        .collect();
    TableDfa {
        classes: Box::new(classes),
        stride,
        trans: out_trans,
        accept: out_accept,
        live,
        start: renum[start as usize],
        members: std::sync::OnceLock::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::tests::re;

    /// `A and not B` over two tables, B a set of names, takes a path of its
    /// own ([`Product::excluding`]); it builds the language the generic
    /// exploration does, for names under every spelling, a name that is a
    /// prefix of another, the empty name, and a pattern in place of any
    /// string (whose pairs merge with its own states). A pattern in place
    /// of the names (its pairs cycle) is left to the generic product.
    #[test]
    fn excluding_names_matches_the_generic_product() {
        use super::super::json_text::{any_body, quoted};
        use crate::grammar::{HirExpr, Spelling};
        let names = |xs: &[&str], spelling| TermExpr::JsonLiterals {
            strings: xs.iter().map(|x| x.to_string()).collect(),
            spelling,
        };
        let string = |sp| TermExpr::Hir(HirExpr::new(quoted(any_body(sp))));
        let cases = [
            (
                string(Spelling::Any),
                names(&["id", "name", "names"], Spelling::Any),
            ),
            (
                string(Spelling::Minimal),
                names(&["", "é", "a\\"], Spelling::Minimal),
            ),
            (string(Spelling::Any), names(&["ab"], Spelling::PlainAscii)),
            (
                re("\"[a-c]{1,3}\""),
                names(&["ab", "abc", "x"], Spelling::Any),
            ),
            (
                re("\"[a-c]{1,3}\""),
                names(&["a", "b", "c", "aa"], Spelling::Any),
            ),
            // No name is in A: every pair takes what A's own state does.
            (re("\"[ac][bd]x\""), names(&["ab"], Spelling::Any)),
            // B not a set of names: the pairs cycle, Hopcroft minimizes.
            (string(Spelling::Any), re("\"a*b\"")),
        ];
        for (a, b) in cases {
            let finite = matches!(b, TermExpr::JsonLiterals { .. });
            let e = TermExpr::And(vec![a.clone(), TermExpr::Not(Box::new(b.clone()))]);
            let (f, leaves) = formula_of(&e, 1 << 22).unwrap();
            assert!(leaves.iter().all(|l| matches!(l, Leaf::Table(_))));
            let fast = Product::new(&leaves, &f, 1 << 14);
            assert_eq!(fast.excluding().is_some(), finite, "{e:?}");
            let fast = fast.run().unwrap();
            // The same formula with A twice is explored generically.
            let g = Formula::And(vec![
                Formula::Leaf(0),
                Formula::Not(Box::new(Formula::Leaf(1))),
                Formula::Leaf(0),
            ]);
            let generic = Product::new(&leaves, &g, 1 << 14);
            assert!(generic.excluding().is_none());
            let generic = generic.run().unwrap();
            assert!(fast.same_language(&generic), "{e:?}");
            assert_eq!(fast.state_count(), generic.state_count(), "{e:?}");
        }
    }

    /// "Exactly one of" written as each condition without the others: the
    /// alternatives share their leaves, so the product is over three
    /// languages, not nine.
    #[test]
    fn equal_leaves_are_shared() {
        let p = [re("a.*"), re(".*b"), re(".*c.*")];
        let alts = (0..3)
            .map(|i| {
                TermExpr::And(
                    (0..3)
                        .map(|j| {
                            if i == j {
                                p[j].clone()
                            } else {
                                TermExpr::Not(Box::new(p[j].clone()))
                            }
                        })
                        .collect(),
                )
            })
            .collect();
        let e = TermExpr::Alt(alts);
        let mut leaves = Leaves {
            list: Vec::new(),
            index: FxHashMap::default(),
        };
        formula(&e, &mut leaves, 1 << 20).unwrap();
        assert_eq!(leaves.list.len(), 3);
        let t = TableDfa::build(&e, 1000, 1 << 20).unwrap();
        for (s, ok) in [
            ("ax", true),
            ("xb", true),
            ("xcx", true),
            ("ab", false),
            ("acb", false),
            ("x", false),
        ] {
            assert_eq!(t.matches(s), ok, "{s}");
        }
    }
}
