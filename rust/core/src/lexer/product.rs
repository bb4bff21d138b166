//! Terminals with intersection and complement, as explicit DFA tables.
//!
//! A terminal whose expression uses [`TermExpr::And`], [`TermExpr::Not`] or
//! [`TermExpr::DecimalMultiple`] (the JSON Schema front-end writes these: a
//! property name that is none of the listed ones, a pattern under a length
//! bound, a number range) is a boolean formula over plain regular
//! languages. Each leaf is compiled to a dense DFA; the product automaton is
//! explored from the start, capped in states, and trimmed: every state kept
//! can still reach a match, so the lexer's "alive" is exact.

use rustc_hash::FxHashMap;

use super::error::PatternError;
use super::hir::plain_hir;
use super::lazy_product::LazyProduct;
use super::leaf::{eval, joint_classes, settled, Formula, LazyLeaf, Leaf, SINK};
use super::literals::json_literals;
use super::table::TableDfa;
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
        Product {
            leaves,
            f,
            max_states,
        }
        .run()
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
        Product {
            leaves: vec![Leaf::Dfa(Box::new(LazyLeaf::new(hir, dfa_bytes)?))],
            f: Formula::Leaf(0),
            max_states,
        }
        .run()
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
                Some(t) => Leaf::Table(Box::new(t)),
                None => {
                    let hir = plain_hir(expr)?;
                    match minimal_leaf(&hir, dfa_bytes) {
                        Some(t) => Leaf::Table(Box::new(t)),
                        None => Leaf::Dfa(Box::new(LazyLeaf::new(&hir, dfa_bytes)?)),
                    }
                }
            });
            leaves.index.insert(expr.clone(), leaves.list.len() - 1);
            Formula::Leaf(leaves.list.len() - 1)
        }
    })
}

/// Most states of a leaf built as a minimal table ([`minimal_leaf`]).
const MINIMAL_LEAF_STATES: usize = 4096;

/// A small regular language as a minimal table, for a leaf of a product:
/// a product over minimal leaves has far fewer states than one over their
/// lazy DFAs (whose states keep apart texts the language treats alike,
/// such as every run of hex digits past a pattern's 64 once it has
/// matched), which matters most where the product is explored lazily and
/// never minimized. None past [`MINIMAL_LEAF_STATES`]. Tables are kept by
/// language: the same leaves (any JSON string, a format) recur in every
/// grammar.
fn minimal_leaf(hir: &regex_syntax::hir::Hir, dfa_bytes: usize) -> Option<TableDfa> {
    type Kept = Vec<(regex_syntax::hir::Hir, usize, Option<TableDfa>)>;
    static KEPT: std::sync::OnceLock<std::sync::Mutex<(FxHashMap<u64, Kept>, usize)>> =
        std::sync::OnceLock::new();
    let kept = KEPT.get_or_init(Default::default);
    let key = crate::grammar::hir_shape(hir).0;
    {
        let k = kept.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(xs) = k.0.get(&key) {
            if let Some((_, _, t)) = xs.iter().find(|(h, b, _)| *b == dfa_bytes && h == hir) {
                return t.clone();
            }
        }
    }
    let t = TableDfa::from_hir(hir, MINIMAL_LEAF_STATES, dfa_bytes).ok();
    let bytes = t.as_ref().map_or(0, |t| t.trans.len() * 4) + 1024;
    let mut k = kept.lock().unwrap_or_else(|e| e.into_inner());
    if k.1 + bytes > KEPT_LEAF_BYTES {
        *k = Default::default();
    }
    k.0.entry(key)
        .or_default()
        .push((hir.clone(), dfa_bytes, t.clone()));
    k.1 += bytes;
    t
}

/// Bytes of minimal leaves kept between grammars (past it, the store
/// starts again empty).
const KEPT_LEAF_BYTES: usize = 32 << 20;

/// Leaf steps a product may take per state of its cap (see
/// [`Product::run`]).
const WORK_PER_STATE: u64 = 256;

struct Product {
    leaves: Vec<Leaf>,
    f: Formula,
    max_states: usize,
}

impl Product {
    fn run(self) -> Result<TableDfa, PatternError> {
        let n = self.leaves.len();
        let (classes, reps) = joint_classes(&self.leaves);
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
            if settled(&self.f, &dead) == Some(false) {
                return Ok(0);
            }
            if tuples.len() >= self.max_states {
                return Err(PatternError::new(
                    None,
                    Failure::limit("max_dfa_bytes", format!(
                        "a terminal with intersection or complement needs more than {} DFA states (the budget grows with max_dfa_bytes)",
                        self.max_states
                    )),
                ));
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
        let max_work = (self.max_states as u64).saturating_mul(WORK_PER_STATE);
        let mut work = 0u64;
        let mut q = 1;
        while q < tuples.len() {
            work += (n * stride) as u64;
            if work > max_work {
                return Err(PatternError::new(
                    None,
                    Failure::limit("max_dfa_bytes", format!(
                        "a terminal with intersection or complement needs more than {max_work} steps to build ({} states so far, {n} conditions; the budget grows with max_dfa_bytes)",
                        tuples.len()
                    )),
                ));
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
        let count = tuples.len();
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
                    eval(&self.f, &acc)
                }
            })
            .collect();
        // Trim: keep states from which an accepting state is reachable.
        let mut preds: Vec<Vec<u32>> = vec![Vec::new(); count];
        for q in 1..count {
            for c in 0..stride {
                let r = trans[q * stride + c];
                if r != 0 {
                    preds[r as usize].push(q as u32);
                }
            }
        }
        let mut useful = accept.clone();
        let mut stack: Vec<u32> = (0..count as u32).filter(|&q| accept[q as usize]).collect();
        while let Some(q) = stack.pop() {
            for &p in &preds[q as usize] {
                if !useful[p as usize] {
                    useful[p as usize] = true;
                    stack.push(p);
                }
            }
        }
        if self
            .leaves
            .iter()
            .any(|l| matches!(l, Leaf::Dfa(d) if d.failed.get()))
        {
            return Err(PatternError::new(
                None,
                Failure::limit(
                    "max_dfa_bytes",
                    "a terminal's lazy DFA outgrew its cache; raise max_dfa_bytes",
                ),
            ));
        }
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
        Ok(TableDfa {
            classes: Box::new(classes),
            stride,
            trans: out_trans,
            accept: out_accept,
            live,
            start: renum[start as usize],
            members: std::sync::OnceLock::new(),
        }
        .minimize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::Span;

    fn re(p: &str) -> TermExpr {
        TermExpr::Regex {
            pattern: p.into(),
            flags: String::new(),
            span: Span::default(),
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
