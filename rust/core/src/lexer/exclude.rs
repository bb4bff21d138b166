//! A language without a finite set of strings (an object key that is none
//! of the listed names), built minimal in one pass.
//!
//! `A and not B`, where A is a trimmed table and B's table has no cycle (a
//! set of JSON strings). Its states are A's own (once the text has left
//! every name of B) and pairs (A's state, B's state) along B's names. The
//! pairs form no cycle, so each is settled after its successors, depth
//! first: a pair whose row (acceptance and settled successors) is A's
//! state's, or an earlier pair's, is that state; a pair that accepts
//! nothing and steps nowhere is the dead state. With A minimal, the result
//! is minimal, trimmed, and built without a separate trim or minimization.

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHasher};

use super::table::{useful, TableDfa};

/// What [`exclude_finite`] gives up on: B's pairs form a cycle (the caller
/// then builds the product the general way).
pub(super) struct NotFinite;

/// Budget of [`exclude_finite`], as for any product: at most `max_states`
/// states reached (and as many pairs made), `max_work` steps.
pub(super) struct Budget {
    pub(super) max_states: usize,
    pub(super) max_work: u64,
}

/// Rows by content: a hash to the first state with it, and a chain
/// through the others.
struct Rows {
    stride: usize,
    trans: Vec<u32>,
    accept: Vec<bool>,
    heads: FxHashMap<u64, u32>,
    chain: Vec<u32>,
}

const END: u32 = u32::MAX;

impl Rows {
    fn hash(accept: bool, row: &[u32]) -> u64 {
        let mut h = FxHasher::default();
        accept.hash(&mut h);
        row.hash(&mut h);
        h.finish()
    }

    /// The state with this row, if one has it.
    fn find(&self, accept: bool, row: &[u32]) -> Option<u32> {
        let mut q = *self.heads.get(&Self::hash(accept, row))?;
        while q != END {
            let at = q as usize * self.stride;
            if self.accept[q as usize] == accept && &self.trans[at..at + self.stride] == row {
                return Some(q);
            }
            q = self.chain[q as usize];
        }
        None
    }

    /// A new state with this row.
    fn add(&mut self, accept: bool, row: &[u32]) -> u32 {
        let q = self.accept.len() as u32;
        self.trans.extend_from_slice(row);
        self.accept.push(accept);
        let head = self.heads.entry(Self::hash(accept, row)).or_insert(END);
        self.chain.push(*head);
        *head = q;
        q
    }
}

/// Whether every state of `t` but the dead one can reach a match.
pub(super) fn trimmed(t: &TableDfa) -> bool {
    useful(t.stride, &t.trans, &t.accept)
        .iter()
        .skip(1)
        .all(|&u| u)
}

/// `A and not B` over the joint byte classes `classes` (each class's
/// representative byte in `reps`), or [`NotFinite`]. Past the budget,
/// `Ok(Err(n))` with the `n` states made so far.
pub(super) fn exclude_finite(
    a: &TableDfa,
    b: &TableDfa,
    classes: [u8; 256],
    reps: &[u8],
    budget: &Budget,
) -> Result<Result<TableDfa, usize>, NotFinite> {
    // Tables of leaves are trimmed as built (`Product::run` trims; every
    // state of a set of strings reaches its closing quote).
    debug_assert!(trimmed(a), "a leaf's table is trimmed");
    let stride = reps.len();
    let a_class: Vec<usize> = reps
        .iter()
        .map(|&r| a.classes[r as usize] as usize)
        .collect();
    let b_class: Vec<usize> = reps
        .iter()
        .map(|&r| b.classes[r as usize] as usize)
        .collect();
    let na = a.state_count();
    // A's states first, under their own numbers, in the joint classes.
    let mut rows = Rows {
        stride,
        trans: Vec::with_capacity((na + 32) * stride),
        accept: Vec::with_capacity(na + 32),
        heads: FxHashMap::default(),
        chain: Vec::with_capacity(na + 32),
    };
    let mut row = vec![0u32; stride];
    for x in 0..na {
        for (c, &ac) in a_class.iter().enumerate() {
            row[c] = a.trans[x * a.stride + ac];
        }
        if x == 0 {
            rows.trans.extend_from_slice(&row);
            rows.accept.push(false);
            rows.chain.push(END);
        } else {
            rows.add(a.accepts(x as u32), &row);
        }
    }
    // Pairs settled (or on the path, `OPEN`), by (A's state, B's state).
    const OPEN: u32 = u32::MAX;
    let mut seen: FxHashMap<u64, u32> = FxHashMap::default();
    let key = |x: u32, y: u32| u64::from(x) << 32 | u64::from(y);
    // The path: each pair, the index of its next class in `live`, and its
    // row so far (in `scratch`, `stride` words a level).
    let mut path: Vec<(u32, u32, u32)> = Vec::new();
    let mut scratch: Vec<u32> = Vec::new();
    let mut work = 0u64;
    // Per state of B, the joint classes on which it steps on (elsewhere a
    // pair steps as A's state alone, or dies with it).
    let nb = b.state_count();
    let mut of_b_class: Vec<Vec<u32>> = vec![Vec::new(); b.stride];
    for (c, &k) in b_class.iter().enumerate() {
        of_b_class[k].push(c as u32);
    }
    let mut live_at = vec![0u32; nb + 1];
    let mut live: Vec<u32> = Vec::new();
    for y in 0..nb {
        if y != 0 {
            for (k, cs) in of_b_class.iter().enumerate() {
                if b.trans[y * b.stride + k] != 0 {
                    live.extend_from_slice(cs);
                }
            }
        }
        live_at[y + 1] = live.len() as u32;
    }
    let root = (a.start(), b.start());
    let start = if root.0 == 0 {
        0
    } else if root.1 == 0 {
        root.0
    } else {
        // A pair's row starts as its A state's, and its steps where B
        // steps on are filled in.
        let row_of = |x: u32| x as usize * stride..(x as usize + 1) * stride;
        seen.insert(key(root.0, root.1), OPEN);
        path.push((root.0, root.1, live_at[root.1 as usize]));
        scratch.extend_from_slice(&rows.trans[row_of(root.0)]);
        let mut settled = 0;
        while let Some(&(x, y, i)) = path.last() {
            let top = path.len() - 1;
            if i < live_at[y as usize + 1] {
                work += 1;
                if work > budget.max_work {
                    return Ok(Err(rows.accept.len() - na));
                }
                path[top].2 += 1;
                let c = live[i as usize] as usize;
                let x2 = rows.trans[x as usize * stride + c];
                if x2 == 0 {
                    continue;
                }
                let y2 = b.trans[y as usize * b.stride + b_class[c]];
                let r = match seen.get(&key(x2, y2)) {
                    Some(&OPEN) => return Err(NotFinite),
                    Some(&q) => q,
                    None => {
                        seen.insert(key(x2, y2), OPEN);
                        path.push((x2, y2, live_at[y2 as usize]));
                        scratch.extend_from_slice(&rows.trans[row_of(x2)]);
                        continue;
                    }
                };
                scratch[top * stride + c] = r;
                continue;
            }
            // Every class stepped: settle the pair.
            work += 1;
            let mine = &scratch[top * stride..(top + 1) * stride];
            let acc = a.accepts(x) && !b.accepts(y);
            let q = if !acc && mine.iter().all(|&r| r == 0) {
                0
            } else if let Some(q) = rows.find(acc, mine) {
                q
            } else {
                if rows.accept.len() - na >= budget.max_states {
                    return Ok(Err(rows.accept.len() - na));
                }
                rows.add(acc, mine)
            };
            seen.insert(key(x, y), q);
            path.pop();
            scratch.truncate(top * stride);
            settled = q;
            if let Some(&(_, _, pi)) = path.last() {
                // The class the parent stepped on last.
                let c = live[pi as usize - 1] as usize;
                scratch[(top - 1) * stride + c] = q;
            }
        }
        settled
    };
    let t = reachable(rows, classes, start);
    if t.state_count() > budget.max_states {
        return Ok(Err(t.state_count()));
    }
    Ok(Ok(t))
}

/// The states reached from `start`, renumbered in the order first
/// reached (the dead state stays 0).
fn reachable(rows: Rows, classes: [u8; 256], start: u32) -> TableDfa {
    let stride = rows.stride;
    let n = rows.accept.len();
    let mut id = vec![u32::MAX; n];
    id[0] = 0;
    let mut order: Vec<u32> = vec![0];
    if start != 0 {
        id[start as usize] = 1;
        order.push(start);
    }
    let mut i = 1;
    while i < order.len() {
        let q = order[i] as usize;
        for &r in &rows.trans[q * stride..(q + 1) * stride] {
            if id[r as usize] == u32::MAX {
                id[r as usize] = order.len() as u32;
                order.push(r);
            }
        }
        i += 1;
    }
    let mut trans: Vec<u32> = Vec::with_capacity(order.len() * stride);
    let mut live = Vec::with_capacity(order.len());
    for &q in &order {
        let from = trans.len();
        trans.extend(
            rows.trans[q as usize * stride..(q as usize + 1) * stride]
                .iter()
                .map(|&r| id[r as usize]),
        );
        live.push(q != 0 && trans[from..].iter().any(|&r| r != 0));
    }
    TableDfa {
        classes: Box::new(classes),
        stride,
        trans,
        accept: order.iter().map(|&q| rows.accept[q as usize]).collect(),
        live,
        start: id[start as usize],
        members: std::sync::OnceLock::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::grammar::{Spelling, TermExpr};
    use crate::lexer::leaf::{joint_classes, Leaf};
    use crate::lexer::literals::json_literals;
    use crate::lexer::tests::re;
    use crate::sample::Rng;

    /// `A and not B` in one pass, over the two tables' joint classes,
    /// without a budget.
    fn one_pass(a: TableDfa, b: TableDfa) -> Result<Result<TableDfa, usize>, NotFinite> {
        let leaves = [Leaf::Table(Arc::new(a)), Leaf::Table(Arc::new(b))];
        let (Leaf::Table(a), Leaf::Table(b)) = (&leaves[0], &leaves[1]) else {
            unreachable!()
        };
        let (classes, reps) = joint_classes(&leaves);
        let budget = Budget {
            max_states: 1 << 14,
            max_work: u64::MAX,
        };
        exclude_finite(a, b, classes, &reps, &budget)
    }

    /// Random name sets against random languages A: the one-pass exclusion
    /// takes the same strings as the generic product, in as few states
    /// (both minimal), and every state it keeps can still match.
    #[test]
    fn random_names_match_the_generic_product() {
        let mut rng = Rng::new(20);
        let mut rnd = |n: usize| rng.below(n);
        let langs = [
            "\"[a-c]*\"",
            "\"(ab|c)+\"",
            "\"[a-c]{0,4}\"",
            "\"a[a-c\\\\u0-9]*\"",
            "\"(a|\\\\u0061)(b|c)*\"",
        ];
        let alphabet = ['a', 'b', 'c', '"', '\\', 'é'];
        for round in 0..300 {
            let a = re(langs[rnd(langs.len())]);
            let names: Vec<String> = (0..1 + rnd(5))
                .map(|_| (0..rnd(5)).map(|_| alphabet[rnd(alphabet.len())]).collect())
                .collect();
            let sp = [Spelling::Any, Spelling::PlainAscii, Spelling::Minimal][rnd(3)];
            let what = format!("round {round}: {a:?} without {names:?} ({sp:?})");
            let ta = TableDfa::build(&a, 1 << 14, 1 << 22).unwrap();
            let tb = json_literals(&names, sp, 1 << 16).unwrap();
            let Ok(Ok(fast)) = one_pass(ta, tb) else {
                panic!("{what}: not built in one pass");
            };
            // A twice: not the two-table shape, so the generic product.
            let b = TermExpr::JsonLiterals {
                strings: names.clone(),
                spelling: sp,
            };
            let e = TermExpr::And(vec![a.clone(), TermExpr::Not(Box::new(b)), a.clone()]);
            let generic = TableDfa::build(&e, 1 << 14, 1 << 22).unwrap();
            assert!(fast.same_language(&generic), "{what}");
            assert_eq!(fast.state_count(), generic.state_count(), "{what}");
            assert!(trimmed(&fast), "{what}");
        }
    }

    /// Names whose table cycles (a pattern in place of a set): not built in
    /// one pass.
    #[test]
    fn a_cycle_in_b_is_left_to_the_generic_product() {
        let ta = TableDfa::build(&re("\"[a-c]*\""), 1 << 14, 1 << 22).unwrap();
        let tb = TableDfa::build(&re("\"a*b\""), 1 << 14, 1 << 22).unwrap();
        assert!(one_pass(ta, tb).is_err());
    }
}
