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
//!
//! Where the language is not empty and every multiple has the same scale
//! (so a product state's residue is its multiples' remainders joined), the
//! same sets propagated back from the matches tell which product states can
//! still reach one ([`Oracle`]): a lazy product asks them instead of
//! searching from each state it meets.

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

/// How a byte moves the residue: kept, `10 r + d`, or to 0 (past the
/// multiples, where the residue no longer counts).
#[derive(Clone, Copy)]
enum Move {
    Keep,
    Digit(u64),
    Zero,
}

/// What the residues settle about a formula's language: whether it is
/// empty, and (where every multiple has the same scale, so a product state
/// tells its residue) which product states can still reach a match.
pub(super) struct Settled {
    pub(super) empty: bool,
    pub(super) oracle: Option<Oracle>,
}

/// Whether a product state can still reach a match, read off the residues:
/// per state of the other leaves and phase, the residues from which a match
/// is reachable.
pub(super) struct Oracle {
    others: Vec<usize>,
    /// Leaf index and factor of each multiple.
    factors: Vec<(usize, u64)>,
    modulus: u64,
    index: FxHashMap<Box<[u32]>, u32>,
    onward: Vec<Vec<u64>>,
}

impl Oracle {
    /// Whether the product state of leaf states `tuple` can still reach a
    /// match; None where it is not one the residues explored.
    pub(super) fn productive(&self, tuple: &[u32]) -> Option<bool> {
        let mut key: Vec<u32> = self.others.iter().map(|&i| tuple[i]).collect();
        let (i0, f0) = self.factors[0];
        let (phase, residue) = if tuple[i0] == SINK {
            (NONE, 0)
        } else {
            // The residue modulo each factor, joined (the remainders of
            // one number agree wherever the factors share a divisor).
            let mut r = (u128::from(tuple[i0]) % u128::from(f0), u128::from(f0));
            for &(i, f) in &self.factors[1..] {
                if tuple[i] == SINK {
                    return None;
                }
                r = crt(r, (u128::from(tuple[i]) % u128::from(f), u128::from(f)))?;
            }
            (tuple[i0] / f0 as u32, r.0 as u64 % self.modulus)
        };
        key.push(phase);
        let q = *self.index.get(&key[..])?;
        let set = &self.onward[q as usize];
        Some(set[(residue / 64) as usize] >> (residue % 64) & 1 == 1)
    }
}

/// The number that is `a.0` modulo `a.1` and `b.0` modulo `b.1`, modulo
/// their least common multiple; None where there is none.
fn crt(a: (u128, u128), b: (u128, u128)) -> Option<(u128, u128)> {
    let (g, p, _) = egcd(a.1 as i128, b.1 as i128);
    let g = g as u128;
    let diff = (b.0 + b.1 - a.0 % b.1) % b.1;
    if diff % g != 0 {
        return None;
    }
    let m = b.1 / g;
    let lcm = a.1 * m;
    // a.0 + a.1 * k with a.1 * k = diff (mod b.1): k = diff / g * p (mod m).
    let p = (p % m as i128 + m as i128) as u128 % m;
    let k = (diff / g % m) * p % m;
    Some(((a.0 + a.1 * k) % lcm, lcm))
}

/// `(g, x, y)` with `a x + b y = g = gcd(a, b)`.
fn egcd(a: i128, b: i128) -> (i128, i128, i128) {
    if b == 0 {
        (a, 1, 0)
    } else {
        let (g, x, y) = egcd(b, a % b);
        (g, y, x - a / b * y)
    }
}

/// Whether `f` over `leaves` matches no string: `Some(true)` where it
/// matches none, `Some(false)` where it matches some, `None` where the
/// leaves hold no multiple or the decision is past its bounds.
pub(super) fn is_empty(f: &Formula, leaves: &[Leaf]) -> Option<bool> {
    settle(f, leaves, false).map(|s| s.empty)
}

/// [`is_empty`], and with `oracle` the [`Oracle`] of a language that is
/// not empty (where the multiples share one scale and it fits the bounds).
pub(super) fn settle(f: &Formula, leaves: &[Leaf], oracle: bool) -> Option<Settled> {
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
    // Each step between states, once: (from, to, move).
    let mut edges: Vec<(u32, u32, Move)> = Vec::new();
    let mut stepped: Vec<bool> = Vec::new();
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
        Ok(None) => {
            return Some(Settled {
                empty: true,
                oracle: None,
            })
        }
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
        stepped.resize(keys.len(), false);
        let first = !std::mem::replace(&mut stepped[q as usize], true);
        for &b in &reps {
            next.clear();
            next.extend(
                others
                    .iter()
                    .zip(key.iter())
                    .map(|(&i, &s)| leaves[i].next(s, b)),
            );
            let (phase2, mv) = step_phase(phase, b, m.scale);
            let mv = if phase2 == NONE { Move::Zero } else { mv };
            next.push(phase2);
            let Ok(r) = intern(&next, &mut keys, &mut sets, &mut pending, &mut queued) else {
                return None;
            };
            let Some(r) = r else { continue };
            if first {
                edges.push((q, r, mv));
            }
            let r = r as usize;
            let mut added = false;
            for (w, &x) in delta.iter().enumerate() {
                let mut x = x;
                while x != 0 {
                    let bit = x.trailing_zeros() as u64;
                    x &= x - 1;
                    let res = w as u64 * 64 + bit;
                    let to = match mv {
                        Move::Zero => 0,
                        Move::Keep => res,
                        Move::Digit(d) => {
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

    // A lazy DFA that outgrew its cache stepped wrongly: nothing is settled.
    if leaves.iter().any(Leaf::failed) {
        return None;
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
    // The matches: at each state, the residues that make the formula true
    // there (the other leaves as the state has them).
    let mut acc = vec![false; leaves.len()];
    // Per pattern at the state: 0 not evaluated, 1 false, 2 true.
    let mut verdict = vec![0u8; patterns.len()];
    let mut matches: Vec<Vec<u64>> = Vec::with_capacity(keys.len());
    let mut any = false;
    for (key, set) in keys.iter().zip(&sets) {
        let mut hits = vec![0u64; words];
        for (&i, &s) in others.iter().zip(key.iter()) {
            acc[i] = leaves[i].accepts(s);
        }
        let phase = key[others.len()];
        if phase == NONE {
            for &(i, _) in &m.at {
                acc[i] = false;
            }
            if eval(f, &acc) {
                hits.copy_from_slice(set);
            }
        } else {
            // The fraction digits still to come, as zeros: `r * 10^(S - k)`.
            let digits = if phase == 0 { 0 } else { phase - 1 };
            let mut shift = 1u64;
            for _ in digits..m.scale {
                shift = shift * 10 % m.modulus;
            }
            verdict.iter_mut().for_each(|x| *x = 0);
            for (w, &x) in set.iter().enumerate() {
                let mut x = x;
                while x != 0 {
                    let bit = x.trailing_zeros();
                    x &= x - 1;
                    let res = w as u64 * 64 + u64::from(bit);
                    let id = pattern_of[(res * shift % m.modulus) as usize] as usize;
                    if verdict[id] == 0 {
                        for (k, &(i, _)) in m.at.iter().enumerate() {
                            acc[i] = patterns[id] >> k & 1 == 1;
                        }
                        verdict[id] = 1 + u8::from(eval(f, &acc));
                    }
                    if verdict[id] == 2 {
                        hits[w] |= 1 << bit;
                    }
                }
            }
        }
        any |= hits.iter().any(|&x| x != 0);
        matches.push(hits);
    }
    let same_scale = leaves.iter().all(|l| match *l {
        Leaf::Multiple { scale, .. } => scale == m.scale,
        _ => true,
    });
    let oracle = (oracle && any && same_scale)
        .then(|| onward(matches, &edges, &m, work))
        .flatten()
        .map(|onward| Oracle {
            others,
            factors: m.at.iter().map(|&(i, mi)| (i, mi)).collect(),
            modulus: m.modulus,
            index,
            onward,
        });
    Some(Settled {
        empty: !any,
        oracle,
    })
}

/// From the matches at each state, the residues from which a match is
/// reachable: a backward fixed point over `edges`, each residue reached
/// once per state (a digit's move `r -> 10 r + d` has at most
/// `gcd(10, M)` residues before each). None past [`MAX_WORK`] (with the
/// forward search's `work`).
fn onward(
    mut sets: Vec<Vec<u64>>,
    edges: &[(u32, u32, Move)],
    m: &Multiples,
    mut work: u64,
) -> Option<Vec<Vec<u64>>> {
    let modulus = m.modulus;
    let mut into: Vec<Vec<(u32, Move)>> = vec![Vec::new(); sets.len()];
    for &(q, r, mv) in edges {
        into[r as usize].push((q, mv));
    }
    // `10 r = t - d (mod M)`: with g = gcd(10, M), where g divides t - d,
    // r = (t - d) / g * inv(10 / g) modulo M / g, and each of its g lifts.
    let (g, _, _) = egcd(10, modulus as i128);
    let g = g as u64;
    let reduced = modulus / g;
    let (_, inv, _) = egcd((10 / g) as i128, reduced as i128);
    let inv = (inv % reduced as i128 + reduced as i128) as u64 % reduced;
    let mut todo: Vec<(u32, u64)> = Vec::new();
    for (q, set) in sets.iter().enumerate() {
        for (w, &x) in set.iter().enumerate() {
            let mut x = x;
            while x != 0 {
                todo.push((q as u32, w as u64 * 64 + u64::from(x.trailing_zeros())));
                x &= x - 1;
            }
        }
    }
    let add = |sets: &mut Vec<Vec<u64>>, todo: &mut Vec<(u32, u64)>, q: u32, r: u64| {
        let (w, b) = ((r / 64) as usize, 1u64 << (r % 64));
        if sets[q as usize][w] & b == 0 {
            sets[q as usize][w] |= b;
            todo.push((q, r));
        }
    };
    while let Some((q2, t)) = todo.pop() {
        for &(q, mv) in &into[q2 as usize] {
            work += 1;
            match mv {
                Move::Keep => add(&mut sets, &mut todo, q, t),
                Move::Zero => {
                    if t == 0 {
                        for r in 0..modulus {
                            add(&mut sets, &mut todo, q, r);
                        }
                        work += modulus;
                    }
                }
                Move::Digit(d) => {
                    let diff = (t + modulus - d % modulus) % modulus;
                    if diff % g == 0 {
                        let r0 = (diff / g % reduced) * inv % reduced;
                        for j in 0..g {
                            add(&mut sets, &mut todo, q, r0 + j * reduced);
                        }
                    }
                }
            }
        }
        if work > MAX_WORK {
            return None;
        }
    }
    Some(sets)
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
    use crate::grammar::TermExpr;
    use crate::lexer::tests::re;
    use crate::sample::Rng;

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

    /// Where every multiple has one scale, whether a state can still
    /// match is read off the residues: on random formulas and random
    /// numerals, each step of the product agrees with the same product
    /// searching from each state.
    #[test]
    fn states_that_can_still_match_agree_with_a_search() {
        use super::super::product::lazy_with_and_without_residues;
        let mut rng = Rng::new(11);
        let alphabet = b"0123456789.-e";
        let mut checked = 0;
        for round in 0..120 {
            let scale = rng.below(2) as u32;
            let factors = [2, 3, 4, 6, 7, 9, 12, 14, 15, 21];
            let mut m = || TermExpr::DecimalMultiple {
                factor: factors[rng.below(factors.len())],
                scale,
            };
            let (a, b, c) = (m(), m(), m());
            let not = |x| TermExpr::Not(Box::new(x));
            let e = TermExpr::And(vec![
                re("-?(0|[1-9][0-9]*)(\\.[0-9]+)?"),
                match round % 3 {
                    0 => TermExpr::And(vec![a, not(b), not(c)]),
                    1 => TermExpr::Alt(vec![
                        TermExpr::And(vec![a.clone(), not(b.clone())]),
                        TermExpr::And(vec![b, not(a), c]),
                    ]),
                    _ => TermExpr::And(vec![a, b, not(c)]),
                },
            ]);
            let (with, without) = lazy_with_and_without_residues(&e);
            assert_eq!(
                with.start() == 0,
                without.start() == 0,
                "round {round}: {e:?}"
            );
            for _ in 0..20 {
                let (mut p, mut q) = (with.start(), without.start());
                for _ in 0..8 {
                    if p == 0 || q == 0 {
                        break;
                    }
                    let byte = alphabet[rng.below(alphabet.len())];
                    p = with.next(p, byte).unwrap();
                    q = without.next(q, byte).unwrap();
                    assert_eq!(p == 0, q == 0, "round {round}: {e:?}");
                    if p != 0 {
                        assert_eq!(with.accepts(p).unwrap(), without.accepts(q).unwrap());
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 2000, "{checked} steps");
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
