//! Random strings of a grammar's language, for debugging grammars.
//!
//! A random derivation with a depth bound: below the bound productions are
//! drawn uniformly; past it, the production with the shallowest complete
//! derivation is taken, so every sample ends. Terminals are drawn by a random
//! walk on their DFA that keeps to states from which a match is reachable,
//! preferring printable ASCII (control bytes only where nothing else fits). When the grammar has `%ignore` terminals, one
//! short ignorable string (a space where possible) separates terminals.

use std::sync::Arc;

use super::rng::Rng;
use crate::grammar::{Grammar, Symbol, TermExpr, TermId};
use crate::lexer::regex::translate;
use crate::lexer::table::TableDfa;
use crate::matcher::JsonTracker;

struct TermSampler {
    /// Keywords and other literals: ASCII whenever it fits (a case-insensitive
    /// literal also matches `ſ` for `s` and `K` for `k`, which a sample
    /// should not show off).
    ascii_only: bool,
    dfa: Arc<TableDfa>,
    /// A counted JSON string: its length bounds (then `dfa` is unused).
    counted: Option<(u32, Option<u32>)>,
    /// Shortest distance (in bytes) from a state to a match, by state id
    /// (`u32::MAX` for the dead state).
    dist: Vec<u32>,
}

impl TermSampler {
    fn new(g: &Grammar, t: TermId) -> Option<TermSampler> {
        let term = &g.terminals[t.index()];
        if term.declared_only {
            return None;
        }
        if let TermExpr::JsonString { min, max, .. } = term.expr {
            return Some(TermSampler {
                ascii_only: true,
                dfa: Arc::new(
                    TableDfa::from_hir(&regex_syntax::hir::Hir::fail(), 10, 1 << 16).ok()?,
                ),
                counted: Some((min, max)),
                dist: vec![u32::MAX],
            });
        }
        let vs = translate(&term.expr).ok()?;
        let table = vs.iter().find_map(|v| match &v.special {
            Some(crate::lexer::hir::Special::Table(t)) => Some(t.clone()),
            _ => None,
        });
        let dfa = match table {
            Some(t) => t,
            None => {
                let hir =
                    regex_syntax::hir::Hir::alternation(vs.into_iter().map(|v| v.hir).collect());
                Arc::new(TableDfa::from_hir(&hir, 200_000, 64 << 20).ok()?)
            }
        };
        // Backward BFS for distances to a match.
        let n = dfa.state_count();
        let mut preds: Vec<Vec<u32>> = vec![Vec::new(); n];
        for q in 1..n as u32 {
            for b in 0..=255u8 {
                let r = dfa.next(q, b);
                if r != 0 {
                    preds[r as usize].push(q);
                }
            }
        }
        let mut dist = vec![u32::MAX; n];
        let mut queue = std::collections::VecDeque::new();
        for (q, d) in dist.iter_mut().enumerate().skip(1) {
            if dfa.accepts(q as u32) {
                *d = 0;
                queue.push_back(q);
            }
        }
        while let Some(k) = queue.pop_front() {
            for &p in &preds[k] {
                if dist[p as usize] == u32::MAX {
                    dist[p as usize] = dist[k] + 1;
                    queue.push_back(p as usize);
                }
            }
        }
        let ascii_only = matches!(term.expr, TermExpr::Literal { .. });
        Some(TermSampler {
            ascii_only,
            dfa,
            counted: None,
            dist,
        })
    }

    fn sample(&self, rng: &mut Rng, max_len: usize, out: &mut Vec<u8>) -> bool {
        if let Some((min, max)) = self.counted {
            let hi = max
                .unwrap_or(u32::MAX)
                .min(min.saturating_add(max_len as u32));
            let n = min + rng.below((hi - min) as usize + 1) as u32;
            out.push(b'"');
            for _ in 0..n {
                out.push(b'a' + rng.below(26) as u8);
            }
            out.push(b'"');
            return true;
        }
        let mut s = self.dfa.start();
        let mut n = 0;
        if s == 0 {
            return false;
        }
        loop {
            let here = self.dist[s as usize];
            let matched = here == 0;
            // Stop once matched (at least one byte) with some probability,
            // and always when the budget is spent.
            if matched && n > 0 && (n >= max_len || rng.chance(0.35)) {
                return true;
            }
            let over = n >= max_len;
            let mut ascii = Vec::new();
            let mut other = Vec::new();
            let mut control = Vec::new();
            for b in 0..=255u8 {
                let nx = self.dfa.next(s, b);
                if nx == 0 {
                    continue;
                }
                let d = self.dist[nx as usize];
                if over && d >= here.max(1) {
                    continue; // past the budget: only get closer to a match
                }
                if (0x20..0x7f).contains(&b) || b == b'\n' || b == b'\t' {
                    ascii.push(b);
                } else if b >= 0x80 {
                    other.push(b);
                } else {
                    control.push(b);
                }
            }
            let pick =
                if !ascii.is_empty() && (other.is_empty() || self.ascii_only || rng.chance(0.9)) {
                    ascii[rng.below(ascii.len())]
                } else if !other.is_empty() {
                    other[rng.below(other.len())]
                } else if !control.is_empty() {
                    // Control bytes only where nothing else can go.
                    control[rng.below(control.len())]
                } else {
                    return matched && n > 0;
                };
            out.push(pick);
            s = self.dfa.next(s, pick);
            n += 1;
        }
    }
}

/// Draws random strings from a grammar.
pub struct Sampler<'g> {
    g: &'g Grammar,
    terms: Vec<Option<TermSampler>>,
    /// Per nonterminal: its productions, and the height of the shallowest
    /// complete derivation through each.
    prods: Vec<Vec<(usize, u32)>>,
    separator: Vec<u8>,
    /// Per production, where the grammar's keys are distinct: the one key
    /// it starts with (a production for a key the object already has is
    /// not drawn, where another can be).
    first_key: Vec<Option<Box<[u8]>>>,
}

impl<'g> Sampler<'g> {
    pub fn new(g: &'g Grammar) -> Sampler<'g> {
        let terms: Vec<_> = (0..g.terminals.len() as u32)
            .map(TermId::new)
            .map(|t| TermSampler::new(g, t))
            .collect();
        // Heights (u32::MAX = no finite derivation): Knuth's generalization
        // of Dijkstra's algorithm, near-linear in the grammar's size (a
        // fixpoint by passes is quadratic on a chain of rules). A
        // production's height is one more than its tallest symbol's, known
        // once all its nonterminals are; a nonterminal's is its lowest
        // production's, final when it leaves the heap.
        let n = g.nonterminals.len();
        let mut height = vec![u32::MAX; n];
        let sym_h = |h: &[u32], s: &Symbol| match s {
            Symbol::T(t) => {
                if terms[t.index()].is_some() {
                    0
                } else {
                    u32::MAX
                }
            }
            Symbol::N(x) => h[x.index()],
        };
        {
            use std::cmp::Reverse;
            use std::collections::BinaryHeap;
            let mut left = vec![0u32; g.productions.len()];
            let mut uses: Vec<Vec<u32>> = vec![Vec::new(); n];
            let mut heap = BinaryHeap::new();
            let mut done = vec![false; n];
            for (i, p) in g.productions.iter().enumerate() {
                for s in &p.rhs {
                    if let Symbol::N(x) = s {
                        left[i] += 1;
                        uses[x.index()].push(i as u32);
                    }
                }
                if left[i] == 0 {
                    let m = p.rhs.iter().map(|s| sym_h(&height, s)).max().unwrap_or(0);
                    if m != u32::MAX {
                        heap.push(Reverse((m + 1, p.lhs)));
                    }
                }
            }
            while let Some(Reverse((h, nt))) = heap.pop() {
                if done[nt.index()] {
                    continue;
                }
                done[nt.index()] = true;
                height[nt.index()] = h;
                for &i in &uses[nt.index()] {
                    let i = i as usize;
                    left[i] -= 1;
                    if left[i] == 0 {
                        let p = &g.productions[i];
                        let m = p.rhs.iter().map(|s| sym_h(&height, s)).max().unwrap_or(0);
                        if m != u32::MAX && !done[p.lhs.index()] {
                            heap.push(Reverse((m.saturating_add(1), p.lhs)));
                        }
                    }
                }
            }
        }
        let mut prods = vec![Vec::new(); n];
        for (i, p) in g.productions.iter().enumerate() {
            let m = p.rhs.iter().map(|s| sym_h(&height, s)).max().unwrap_or(0);
            prods[p.lhs.index()].push((i, m.saturating_add(1)));
        }
        let mut separator = Vec::new();
        for &t in &g.ignore {
            if let Some(ts) = &terms[t.index()] {
                let space = ts.dfa.next(ts.dfa.start(), b' ');
                if ts.dist[space as usize] == 0 {
                    separator = b" ".to_vec();
                    break;
                }
                if separator.is_empty() {
                    let mut rng = Rng::new(0);
                    ts.sample(&mut rng, 1, &mut separator);
                }
            }
        }
        let first_key = g
            .productions
            .iter()
            .map(|p| match p.rhs.first() {
                Some(Symbol::T(t)) if g.distinct_keys => match &g.terminals[t.index()].expr {
                    TermExpr::JsonLiterals { strings, .. } if strings.len() == 1 => {
                        Some(strings[0].as_bytes().into())
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect();
        Sampler {
            g,
            terms,
            prods,
            separator,
            first_key,
        }
    }

    /// One random string; `None` if the start symbol derives no string.
    pub fn sample(&self, rng: &mut Rng, max_depth: u32) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut first = true;
        // Explicit stack of (symbol, depth): deep grammars must not overflow.
        let mut stack = vec![(Symbol::N(self.g.start), 0u32)];
        // The keys of each open object, where they must be distinct.
        let mut keys = self.g.distinct_keys.then(|| JsonTracker::new(false));
        while let Some((sym, depth)) = stack.pop() {
            match sym {
                Symbol::T(t) => {
                    let ts = self.terms[t.index()].as_ref()?;
                    if !first {
                        out.extend_from_slice(&self.separator);
                    }
                    first = false;
                    let from = out.len();
                    if !ts.sample(rng, 24, &mut out) {
                        return None;
                    }
                    if let Some(k) = &mut keys {
                        for &b in &out[from..] {
                            k.push(b);
                        }
                    }
                }
                Symbol::N(nt) => {
                    let ps = &self.prods[nt.index()];
                    let finite: Vec<&(usize, u32)> =
                        ps.iter().filter(|p| p.1 != u32::MAX).collect();
                    if finite.is_empty() {
                        return None;
                    }
                    let budget_left = max_depth.saturating_sub(depth);
                    let pool: Vec<&(usize, u32)> = if out.len() > 4000 || budget_left == 0 {
                        let best = finite.iter().map(|p| p.1).min().unwrap_or(0);
                        finite.into_iter().filter(|p| p.1 == best).collect()
                    } else {
                        let fit: Vec<_> = finite
                            .iter()
                            .copied()
                            .filter(|p| p.1 <= budget_left)
                            .collect();
                        if fit.is_empty() {
                            let best = finite.iter().map(|p| p.1).min().unwrap_or(0);
                            finite.into_iter().filter(|p| p.1 == best).collect()
                        } else {
                            fit
                        }
                    };
                    let fresh: Vec<&(usize, u32)> = match &keys {
                        Some(k) => pool
                            .iter()
                            .copied()
                            .filter(|p| !self.first_key[p.0].as_ref().is_some_and(|f| k.has(f)))
                            .collect(),
                        None => Vec::new(),
                    };
                    let pool = if fresh.is_empty() { pool } else { fresh };
                    let (pi, _) = *pool[rng.below(pool.len())];
                    for s in self.g.productions[pi].rhs.iter().rev() {
                        stack.push((*s, depth + 1));
                    }
                }
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::{NtId, Production, Span, TermExpr, Terminal};

    /// The shallowest derivation heights agree with passes until nothing
    /// changes, on random grammars (some terminals match nothing).
    #[test]
    fn heights_agree_with_a_fixpoint() {
        let mut rng = Rng::new(11);
        for _ in 0..200 {
            let n = 1 + rng.below(30);
            let terminals: Vec<Terminal> = (0..3)
                .map(|i| Terminal {
                    name: format!("T{i}"),
                    expr: TermExpr::Literal {
                        value: format!("t{i}"),
                        ci: false,
                    },
                    priority: 0,
                    declared_only: i == 2,
                    generated: false,
                    span: Span::default(),
                })
                .collect();
            let mut productions = Vec::new();
            for lhs in 0..n as u32 {
                for _ in 0..rng.below(3) {
                    let rhs = (0..rng.below(4))
                        .map(|_| {
                            if rng.chance(0.3) {
                                Symbol::T(TermId::new(rng.below(3) as u32))
                            } else {
                                Symbol::N(NtId::new(rng.below(n) as u32))
                            }
                        })
                        .collect();
                    productions.push(Production {
                        lhs: NtId::new(lhs),
                        rhs,
                    });
                }
            }
            let g = Grammar {
                terminals,
                nonterminals: (0..n).map(|i| format!("n{i}")).collect(),
                productions,
                start: NtId::new(0),
                ignore: Vec::new(),
                warnings: Vec::new(),
                sources: Vec::new(),
                distinct_keys: false,
                distinct_items: Vec::new(),
                value_guards: Vec::new(),
                key_counts: Vec::new(),
                allow_empty: false,
            };
            let sampler = Sampler::new(&g);
            let got: Vec<u32> = sampler
                .prods
                .iter()
                .map(|ps| ps.iter().map(|p| p.1).min().unwrap_or(u32::MAX))
                .collect();
            let mut want = vec![u32::MAX; n];
            loop {
                let mut changed = false;
                for p in &g.productions {
                    let h = p
                        .rhs
                        .iter()
                        .map(|s| match *s {
                            Symbol::T(t) if t == TermId::new(2) => u32::MAX,
                            Symbol::T(_) => 0,
                            Symbol::N(x) => want[x.index()],
                        })
                        .max()
                        .unwrap_or(0)
                        .saturating_add(1);
                    if h < want[p.lhs.index()] {
                        want[p.lhs.index()] = h;
                        changed = true;
                    }
                }
                if !changed {
                    break;
                }
            }
            assert_eq!(got, want, "{:?}", g.productions);
        }
    }
}
