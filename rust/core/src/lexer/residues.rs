//! Whether a boolean formula over regular languages and decimal multiples
//! matches anything, decided on residues instead of the product automaton.
//!
//! `multipleOf` conditions under `oneOf`, `allOf` and `not` (a number that
//! is a multiple of exactly one of 33, 12 and 77, of 44 or of neither 6
//! nor 7, but not of 8) make a product whose states run through every
//! residue modulo the factors' least common multiple, for each state of
//! the numeral's syntax. A search from the start state meets a match only
//! after the residues of every numeral shorter than the first one that
//! matches, and proves emptiness only after all of them: tens of thousands
//! of states, each stepping every leaf on every byte class.
//!
//! Here the multiples are one residue `x * 10^S mod M` (`S` the largest
//! scale; `x` is a multiple of `factor / 10^scale` exactly where `x * 10^S`
//! is a multiple of `factor * 10^(S - scale)`, and `M` is the least common
//! multiple of those). The other leaves are explored as usual, and each of
//! their states (with the numeral's phase) holds the set of residues that
//! reach it, as a bitset: a fixed point where each residue moves once per
//! state and byte class. The language is empty exactly where no state that
//! the other leaves accept holds a residue that makes the formula true.

use std::collections::VecDeque;

use rustc_hash::FxHashMap;

use super::leaf::{eval, joint_classes, settled, Formula, Leaf, SINK};

/// Largest common modulus looked at.
const MAX_MODULUS: u64 = 1 << 20;
/// Most residue moves (a residue to a state, on a byte class) of one
/// decision: a few tens of milliseconds.
const MAX_WORK: u64 = 1 << 24;
/// Most words of residue sets held (states times words per set).
const MAX_WORDS: usize = 1 << 21;

/// The numeral's phase: 0 in the integer part, `1 + k` after the point and
/// `k` fraction digits, [`NONE`] after a byte no multiple takes (each is
/// false from there on).
const NONE: u32 = u32::MAX;

/// The multiples among a formula's leaves, as one residue.
struct Multiples {
    /// Leaf index and modulus `factor * 10^(S - scale)` of each.
    at: Vec<(usize, u64)>,
    /// The least common multiple of the moduli.
    modulus: u64,
    /// The largest scale.
    scale: u32,
}

impl Multiples {
    fn of(leaves: &[Leaf]) -> Option<Multiples> {
        let found: Vec<(usize, u64, u32)> = leaves
            .iter()
            .enumerate()
            .filter_map(|(i, l)| match *l {
                Leaf::Multiple { factor, scale } => Some((i, factor, scale)),
                _ => None,
            })
            .collect();
        let scale = found.iter().map(|m| m.2).max()?;
        // A pattern of which multiples hold is one word.
        if found.len() > 64 {
            return None;
        }
        let gcd = |mut a: u64, mut b: u64| {
            while b != 0 {
                (a, b) = (b, a % b);
            }
            a
        };
        let mut at = Vec::with_capacity(found.len());
        let mut modulus = 1u64;
        for (i, factor, s) in found {
            let m = 10u64
                .checked_pow(scale - s)
                .and_then(|p| p.checked_mul(factor))
                .filter(|&m| m > 0)?;
            modulus = (modulus / gcd(modulus, m))
                .checked_mul(m)
                .filter(|&l| l <= MAX_MODULUS)?;
            at.push((i, m));
        }
        Some(Multiples { at, modulus, scale })
    }
}

/// How a byte moves the residue: kept, or `10 r + d`.
#[derive(Clone, Copy)]
enum Move {
    Keep,
    Digit(u64),
}

/// Whether `f` over `leaves` matches no string: `Some(true)` where it
/// matches none, `Some(false)` where it matches some, `None` where the
/// leaves hold no multiple or the decision is past its bounds.
pub(super) fn is_empty(f: &Formula, leaves: &[Leaf]) -> Option<bool> {
    let m = Multiples::of(leaves)?;
    let modulus = m.modulus as usize;
    let words = modulus.div_ceil(64);
    let others: Vec<usize> = (0..leaves.len())
        .filter(|i| m.at.iter().all(|&(j, _)| j != *i))
        .collect();
    let (_, reps) = joint_classes(leaves);

    // A state: the other leaves' states, then the phase.
    let mut index: FxHashMap<Box<[u32]>, u32> = FxHashMap::default();
    let mut keys: Vec<Box<[u32]>> = Vec::new();
    let mut sets: Vec<Vec<u64>> = Vec::new();
    let mut pending: Vec<Vec<u64>> = Vec::new();
    let mut queued: Vec<bool> = Vec::new();
    let mut queue: VecDeque<u32> = VecDeque::new();
    let mut dead = vec![false; leaves.len()];
    // The state of `key`, made on first sight; None where the formula is
    // false whatever follows.
    let mut intern = |key: &[u32],
                      keys: &mut Vec<Box<[u32]>>,
                      sets: &mut Vec<Vec<u64>>,
                      pending: &mut Vec<Vec<u64>>,
                      queued: &mut Vec<bool>|
     -> Result<Option<u32>, ()> {
        if let Some(&i) = index.get(key) {
            return Ok(Some(i));
        }
        let phase = key[others.len()];
        for (&i, &q) in others.iter().zip(key) {
            dead[i] = q == SINK;
        }
        for &(i, _) in &m.at {
            dead[i] = phase == NONE;
        }
        if settled(f, &dead) == Some(false) {
            return Ok(None);
        }
        if (keys.len() + 1) * words > MAX_WORDS {
            return Err(());
        }
        let i = keys.len() as u32;
        index.insert(key.into(), i);
        keys.push(key.into());
        sets.push(vec![0; words]);
        pending.push(vec![0; words]);
        queued.push(false);
        Ok(Some(i))
    };
    let start: Vec<u32> = others
        .iter()
        .map(|&i| leaves[i].start())
        .chain([0])
        .collect();
    let s = match intern(&start, &mut keys, &mut sets, &mut pending, &mut queued) {
        Ok(Some(s)) => s,
        // False whatever follows.
        Ok(None) => return Some(true),
        Err(()) => return None,
    };
    sets[s as usize][0] |= 1;
    pending[s as usize][0] |= 1;
    queued[s as usize] = true;
    queue.push_back(s);

    // `10 r mod M` for each residue: a digit's move is a lookup, an add
    // and a subtraction.
    let times10: Vec<u32> = (0..m.modulus)
        .map(|r| (r * 10 % m.modulus) as u32)
        .collect();
    let mut work = 0u64;
    let mut delta = vec![0u64; words];
    let mut next: Vec<u32> = Vec::with_capacity(others.len() + 1);
    while let Some(q) = queue.pop_front() {
        queued[q as usize] = false;
        std::mem::swap(&mut delta, &mut pending[q as usize]);
        let key = keys[q as usize].clone();
        let phase = key[others.len()];
        for &b in &reps {
            next.clear();
            next.extend(
                others
                    .iter()
                    .zip(key.iter())
                    .map(|(&i, &s)| leaves[i].next(s, b)),
            );
            let (phase2, mv) = step_phase(phase, b, m.scale);
            next.push(phase2);
            let Ok(r) = intern(&next, &mut keys, &mut sets, &mut pending, &mut queued) else {
                return None;
            };
            let Some(r) = r else { continue };
            let r = r as usize;
            let mut added = false;
            for (w, &x) in delta.iter().enumerate() {
                let mut x = x;
                while x != 0 {
                    let bit = x.trailing_zeros() as u64;
                    x &= x - 1;
                    let res = w as u64 * 64 + bit;
                    let to = match (phase2, mv) {
                        // Past the multiples, the residue no longer counts.
                        (NONE, _) => 0,
                        (_, Move::Keep) => res,
                        (_, Move::Digit(d)) => {
                            let t = u64::from(times10[res as usize]) + d;
                            if t >= m.modulus {
                                t % m.modulus
                            } else {
                                t
                            }
                        }
                    } as usize;
                    let (tw, tb) = (to / 64, 1u64 << (to % 64));
                    if sets[r][tw] & tb == 0 {
                        sets[r][tw] |= tb;
                        pending[r][tw] |= tb;
                        added = true;
                    }
                    work += 1;
                }
            }
            if work > MAX_WORK {
                return None;
            }
            if added && !queued[r] {
                queued[r] = true;
                queue.push_back(r as u32);
            }
        }
        delta.iter_mut().for_each(|x| *x = 0);
    }

    // Which multiples hold at each residue, by pattern: the formula is
    // evaluated once per pattern and state.
    let mut pattern_ids: FxHashMap<u64, u32> = FxHashMap::default();
    let mut patterns: Vec<u64> = Vec::new();
    let mut pattern_of = Vec::with_capacity(modulus);
    for r in 0..m.modulus {
        let bits =
            m.at.iter()
                .enumerate()
                .fold(0u64, |b, (k, &(_, mi))| b | u64::from(r % mi == 0) << k);
        let next = patterns.len() as u32;
        let id = *pattern_ids.entry(bits).or_insert_with(|| {
            patterns.push(bits);
            next
        });
        pattern_of.push(id);
    }
    // A match: a state the other leaves accept, with a residue that makes
    // the formula true.
    let mut acc = vec![false; leaves.len()];
    let mut seen = vec![false; patterns.len()];
    for (key, set) in keys.iter().zip(&sets) {
        for (&i, &s) in others.iter().zip(key.iter()) {
            acc[i] = leaves[i].accepts(s);
        }
        let phase = key[others.len()];
        if phase == NONE {
            for &(i, _) in &m.at {
                acc[i] = false;
            }
            if eval(f, &acc) {
                return Some(false);
            }
            continue;
        }
        // The fraction digits still to come, as zeros: `r * 10^(S - k)`.
        let digits = if phase == 0 { 0 } else { phase - 1 };
        let mut shift = 1u64;
        for _ in digits..m.scale {
            shift = shift * 10 % m.modulus;
        }
        seen.iter_mut().for_each(|x| *x = false);
        for (w, &x) in set.iter().enumerate() {
            let mut x = x;
            while x != 0 {
                let res = w as u64 * 64 + u64::from(x.trailing_zeros());
                x &= x - 1;
                let id = pattern_of[(res * shift % m.modulus) as usize] as usize;
                if std::mem::replace(&mut seen[id], true) {
                    continue;
                }
                for (k, &(i, _)) in m.at.iter().enumerate() {
                    acc[i] = patterns[id] >> k & 1 == 1;
                }
                if eval(f, &acc) {
                    return Some(false);
                }
            }
        }
    }
    Some(true)
}

/// The phase after byte `b`, and how it moves the residue (as
/// [`Leaf::Multiple`] steps each multiple).
fn step_phase(phase: u32, b: u8, scale: u32) -> (u32, Move) {
    match (phase, b) {
        (NONE, _) => (NONE, Move::Keep),
        (0, b'-' | b'+') => (0, Move::Keep),
        (0, b'.') => (1, Move::Keep),
        (0, b'0'..=b'9') => (0, Move::Digit(u64::from(b - b'0'))),
        (p, b'0'..=b'9') if p - 1 < scale => (p + 1, Move::Digit(u64::from(b - b'0'))),
        (p, b'0') => (p, Move::Keep),
        _ => (NONE, Move::Keep),
    }
}

#[cfg(test)]
mod tests {
    use super::super::product::whole_and_residues;
    use crate::grammar::{Span, TermExpr};
    use crate::sample::Rng;

    fn re(p: &str) -> TermExpr {
        TermExpr::Regex {
            pattern: p.into(),
            flags: String::new(),
            span: Span::default(),
        }
    }

    /// A random formula of depth at most `depth` over multiples of small
    /// factors and scales and a few numeral languages.
    fn formula(rng: &mut Rng, depth: u32) -> TermExpr {
        let numerals = [
            "-?(0|[1-9][0-9]*)(\\.[0-9]+)?",
            "-?(0|[1-9][0-9]*)(\\.0+)?",
            "[0-9]+",
            "[1-9][0-9]{0,2}",
            "-?[0-9]*[05](\\.[0-9]{1,2})?",
            "(1|2)[0-9]*\\.5",
        ];
        match rng.below(if depth == 0 { 2 } else { 5 }) {
            0 => TermExpr::DecimalMultiple {
                factor: [2, 3, 4, 6, 7, 8, 9, 10, 12, 15, 25][rng.below(11)],
                scale: rng.below(3) as u32,
            },
            1 => re(numerals[rng.below(numerals.len())]),
            2 => TermExpr::Not(Box::new(formula(rng, depth - 1))),
            k => {
                let xs: Vec<TermExpr> = (0..2 + rng.below(3))
                    .map(|_| formula(rng, depth - 1))
                    .collect();
                if k == 3 {
                    TermExpr::And(xs)
                } else {
                    TermExpr::Alt(xs)
                }
            }
        }
    }

    /// Emptiness settled on residues agrees with the product explored
    /// whole (empty where its start state is dead), on random formulas of
    /// multiples under `and`, `or` and `not` with numeral languages: empty
    /// ones (a multiple of 12 that is not one of 6), ones whose first match
    /// is long, and fractions past a factor's scale.
    #[test]
    fn emptiness_on_residues_matches_the_whole_product() {
        let mut rng = Rng::new(7);
        let (mut empty, mut full) = (0, 0);
        for round in 0..400 {
            let mut parts = vec![re("-?(0|[1-9][0-9]*)(\\.[0-9]+)?"), formula(&mut rng, 2)];
            if rng.below(2) == 0 {
                parts.push(formula(&mut rng, 2));
            }
            let e = TermExpr::And(parts);
            if !e.needs_table() {
                continue;
            }
            let (whole, settled) = whole_and_residues(&e, 1 << 16);
            let Ok(whole) = whole else { continue };
            let Some(settled) = settled else {
                // Settled wherever a multiple is a leaf.
                assert!(
                    !format!("{e:?}").contains("DecimalMultiple"),
                    "round {round}: {e:?}"
                );
                continue;
            };
            assert_eq!(settled, whole.start() == 0, "round {round}: {e:?}");
            if settled {
                empty += 1;
            } else {
                full += 1;
            }
        }
        // Both answers are met often.
        assert!(empty > 40 && full > 40, "{empty} empty, {full} not");
    }

    /// Multiples that cannot hold together, and ones that hold first at a
    /// long numeral (4004 is the least multiple of 77, 44 and 13).
    #[test]
    fn known_cases() {
        let m = |factor| TermExpr::DecimalMultiple { factor, scale: 0 };
        let num = || re("-?(0|[1-9][0-9]*)(\\.0+)?");
        let not = |x| TermExpr::Not(Box::new(x));
        let cases = [
            (TermExpr::And(vec![num(), m(12), not(m(6))]), true),
            (TermExpr::And(vec![num(), m(12), m(44), not(m(33))]), true),
            (
                TermExpr::And(vec![num(), m(77), m(44), m(13), not(m(8))]),
                false,
            ),
            (
                TermExpr::And(vec![
                    num(),
                    TermExpr::DecimalMultiple {
                        factor: 5,
                        scale: 1,
                    },
                    not(m(1)),
                    not(re("-?[0-9]+\\.50*")),
                ]),
                true,
            ),
        ];
        for (e, empty) in cases {
            let (whole, settled) = whole_and_residues(&e, 1 << 18);
            assert_eq!(settled, Some(empty), "{e:?}");
            assert_eq!(whole.expect("explored").start() == 0, empty, "{e:?}");
        }
    }
}
