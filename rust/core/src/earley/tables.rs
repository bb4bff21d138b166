//! The parse tables of a grammar: dotted positions, nullable nonterminals
//! and prediction closures.
//!
//! Closures are kept per strongly connected component of the prediction
//! graph ("node"), and only where they are small: a node whose closure is
//! large (a chain of thousands of rules, each predicting the next) keeps its
//! own dotted positions and points at its successors, which a prediction
//! visits in turn. The tables stay linear in the grammar's size.
//!
//! Inside the tables and the chart a symbol is one `u32` code: terminal `t`
//! is `t`, nonterminal `n` is `n_terms + n`, and nonterminals (the
//! augmented start among them, one past the grammar's) are plain `u32`
//! too; [`TermId`] appears where a terminal stands alone (what a row allows
//! next, what is scanned).

use crate::grammar::{Grammar, Symbol, TermId};

use super::scc::strongly_connected;

/// Marks the end of a production in [`Tables::dot_next`].
pub const END: u32 = u32::MAX;

/// Sizes that choose between equivalent representations (tests make them
/// small, to exercise every path on small grammars).
#[derive(Debug, Clone, Copy)]
pub(super) struct Tuning {
    /// Most entries (dotted positions, terminals and nodes) a kept closure
    /// may have: larger ones are visited node by node when predicted.
    pub(super) closure_cap: usize,
    /// A row with more roots, or more items, than these gets an index of
    /// its waiting items.
    pub(super) index_roots: usize,
    pub(super) index_items: usize,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            closure_cap: 1024,
            index_roots: 32,
            index_items: 256,
        }
    }
}

/// The parse tables of a grammar.
#[derive(Debug, Clone)]
pub struct Tables {
    pub n_terms: u32,
    /// Symbol after each dotted position: `t` for terminal `t`,
    /// `n_terms + n` for nonterminal `n`, or [`END`].
    pub dot_next: Vec<u32>,
    /// Left-hand side of each dotted position's production.
    pub dot_lhs: Vec<u32>,
    pub nullable: Vec<bool>,
    /// Per nonterminal: its node (strongly connected component of the
    /// prediction graph).
    pub(super) node_of: Box<[u32]>,
    /// Per node: the nodes a prediction of it stamps as done (its whole
    /// closure when the closure is kept; itself otherwise).
    pub(super) closure_nodes: Vec<Box<[u32]>>,
    /// Per node: the terminals its closure (or, when not kept, the node
    /// itself) allows next.
    pub(super) closure_terms: Vec<Box<[TermId]>>,
    /// Per node: its closure's (or its own) dotted positions keyed by the
    /// symbol after the dot, sorted by symbol (for scans and completions
    /// into predicted items, which rows keep implicitly).
    pub(super) closure_next: Vec<Box<[(u32, u32)]>>,
    /// Per node whose closure is not kept: the nodes it predicts, which a
    /// prediction visits in turn (empty for kept closures).
    pub(super) children: Vec<Box<[u32]>>,
    /// The augmented start symbol and its completed dotted position.
    pub(super) aug: u32,
    pub(super) aug_end: u32,
    pub(super) tuning: Tuning,
    /// Per nonterminal: completed only where its guard holds
    /// ([`crate::grammar::Grammar::value_guards`]); Leo's chains stop
    /// below it.
    pub guarded: Vec<bool>,
    pub any_guarded: bool,
}

impl Tables {
    /// Builds the tables; `grammar.start` is augmented with a fresh start.
    pub fn new(g: &Grammar) -> Tables {
        Tables::tuned(g, Tuning::default())
    }

    pub(super) fn tuned(g: &Grammar, tuning: Tuning) -> Tables {
        let n_terms = g.terminals.len() as u32;
        let n_nts = g.nonterminals.len() + 1;
        let aug = (n_nts - 1) as u32;
        let mut prods: Vec<(u32, Vec<u32>)> = g
            .productions
            .iter()
            .map(|p| {
                let rhs = p
                    .rhs
                    .iter()
                    .map(|s| match *s {
                        Symbol::T(t) => t.as_u32(),
                        Symbol::N(n) => n_terms + n.as_u32(),
                    })
                    .collect();
                (p.lhs.as_u32(), rhs)
            })
            .collect();
        prods.push((aug, vec![n_terms + g.start.as_u32()]));
        let mut dot_next = Vec::new();
        let mut dot_lhs = Vec::new();
        let mut nt_first_dots: Vec<Vec<u32>> = vec![Vec::new(); n_nts];
        let mut aug_end = 0;
        for (lhs, rhs) in &prods {
            nt_first_dots[*lhs as usize].push(dot_next.len() as u32);
            for &s in rhs {
                dot_next.push(s);
                dot_lhs.push(*lhs);
            }
            if *lhs == aug {
                aug_end = dot_next.len() as u32;
            }
            dot_next.push(END);
            dot_lhs.push(*lhs);
        }
        let nullable = nullable_nts(&prods, n_terms, n_nts);
        let closures = Closures::build(
            &dot_next,
            &nt_first_dots,
            &nullable,
            n_terms,
            tuning.closure_cap,
        );
        Tables {
            n_terms,
            dot_next,
            dot_lhs,
            nullable,
            node_of: closures.node_of,
            closure_nodes: closures.nodes,
            closure_terms: closures.terms,
            closure_next: closures.next,
            children: closures.children,
            aug,
            aug_end,
            tuning,
            guarded: {
                let mut v = vec![false; n_nts];
                for gd in &g.value_guards {
                    if let Some(x) = v.get_mut(gd.nt.index()) {
                        *x = true;
                    }
                }
                v
            },
            any_guarded: !g.value_guards.is_empty(),
        }
    }

    /// Dotted positions in `node`'s closure (or its own) whose next symbol
    /// is `sym`.
    #[inline]
    pub(super) fn closure_waiting(&self, node: u32, sym: u32) -> &[(u32, u32)] {
        waiting_in(&self.closure_next[node as usize], sym)
    }

    /// How many nodes the prediction graph has.
    pub(super) fn n_nodes(&self) -> usize {
        self.closure_next.len()
    }
}

/// The entries of `c` (sorted by symbol) whose symbol is `sym`.
#[inline]
pub(super) fn waiting_in<T>(c: &[(u32, T)], sym: u32) -> &[(u32, T)] {
    let (lo, hi) = waiting_range(c, sym);
    &c[lo..hi]
}

/// Where the entries of `c` (sorted by symbol) whose symbol is `sym` are.
#[inline]
pub(super) fn waiting_range<T>(c: &[(u32, T)], sym: u32) -> (usize, usize) {
    let lo = c.partition_point(|&(s, _)| s < sym);
    (lo, lo + c[lo..].partition_point(|&(s, _)| s == sym))
}

/// Nullable nonterminals: a worklist over the productions, linear in the
/// grammar's size (a fixpoint by passes is quadratic on a chain).
fn nullable_nts(prods: &[(u32, Vec<u32>)], n_terms: u32, n_nts: usize) -> Vec<bool> {
    let mut nullable = vec![false; n_nts];
    // Per production, how many of its symbols are not yet known nullable;
    // per nonterminal, the productions it occurs in (once per occurrence).
    let mut left = vec![0u32; prods.len()];
    let mut uses: Vec<Vec<u32>> = vec![Vec::new(); n_nts];
    let mut queue = Vec::new();
    for (i, (lhs, rhs)) in prods.iter().enumerate() {
        if rhs.iter().any(|&s| s < n_terms) {
            left[i] = u32::MAX;
            continue;
        }
        left[i] = rhs.len() as u32;
        for &s in rhs {
            uses[(s - n_terms) as usize].push(i as u32);
        }
        if rhs.is_empty() && !nullable[*lhs as usize] {
            nullable[*lhs as usize] = true;
            queue.push(*lhs);
        }
    }
    while let Some(nt) = queue.pop() {
        for &p in &uses[nt as usize] {
            let p = p as usize;
            left[p] -= 1;
            let lhs = prods[p].0 as usize;
            if left[p] == 0 && !nullable[lhs] {
                nullable[lhs] = true;
                queue.push(lhs as u32);
            }
        }
    }
    nullable
}

/// Most entries all kept closures may have together.
const CLOSURES_TOTAL: usize = 4 << 20;
/// Most entries read while building kept closures (unions of children's).
const CLOSURES_WORK: usize = 64 << 20;

/// Prediction closures per node (see the module docs).
struct Closures {
    node_of: Box<[u32]>,
    nodes: Vec<Box<[u32]>>,
    terms: Vec<Box<[TermId]>>,
    next: Vec<Box<[(u32, u32)]>>,
    children: Vec<Box<[u32]>>,
}

impl Closures {
    fn build(
        dot_next: &[u32],
        first_dots: &[Vec<u32>],
        nullable: &[bool],
        n_terms: u32,
        cap: usize,
    ) -> Self {
        let n_nts = first_dots.len();
        // Each nonterminal's own predicted positions: the start of each of
        // its productions, and the positions after nullable symbols there.
        let mut own: Vec<Vec<(u32, u32)>> = Vec::with_capacity(n_nts);
        let mut succ: Vec<Vec<u32>> = Vec::with_capacity(n_nts);
        for dots in first_dots {
            let mut next = Vec::new();
            let mut out = Vec::new();
            for &d0 in dots {
                let mut d = d0;
                loop {
                    let s = dot_next[d as usize];
                    if s == END {
                        break;
                    }
                    next.push((s, d));
                    if s < n_terms {
                        break;
                    }
                    out.push(s - n_terms);
                    if !nullable[(s - n_terms) as usize] {
                        break;
                    }
                    d += 1;
                }
            }
            next.sort_unstable();
            next.dedup();
            out.sort_unstable();
            out.dedup();
            own.push(next);
            succ.push(out);
        }
        let (node_of, comps) = strongly_connected(&succ);
        let n_nodes = comps.len();
        let mut nodes: Vec<Box<[u32]>> = Vec::with_capacity(n_nodes);
        let mut terms: Vec<Box<[TermId]>> = Vec::with_capacity(n_nodes);
        let mut next: Vec<Box<[(u32, u32)]>> = Vec::with_capacity(n_nodes);
        let mut children: Vec<Box<[u32]>> = Vec::with_capacity(n_nodes);
        let mut kept = vec![false; n_nodes];
        let (mut total, mut work) = (0usize, 0usize);
        let mut seen_node = vec![u32::MAX; n_nodes];
        let mut seen_dot = vec![u32::MAX; dot_next.len()];
        // Components come sinks first: children are done before parents.
        for (c, members) in comps.iter().enumerate() {
            let stamp = c as u32;
            let mut own_next: Vec<(u32, u32)> = Vec::new();
            let mut kids: Vec<u32> = Vec::new();
            seen_node[c] = stamp;
            for &nt in members {
                own_next.extend_from_slice(&own[nt as usize]);
                for &s in &succ[nt as usize] {
                    let k = node_of[s as usize];
                    if seen_node[k as usize] != stamp {
                        seen_node[k as usize] = stamp;
                        kids.push(k);
                    }
                }
            }
            own_next.sort_unstable();
            own_next.dedup();
            // Keep the whole closure if every child's is kept and the union
            // stays small.
            // (nodes, dotted positions) of the whole closure.
            type Union = (Vec<u32>, Vec<(u32, u32)>);
            let mut union: Option<Union> = None;
            if kids.iter().all(|&k| kept[k as usize])
                && own_next.len() + kids.len() < cap
                && total < CLOSURES_TOTAL
                && work < CLOSURES_WORK
            {
                let mut cn = vec![c as u32];
                let mut cx = own_next.clone();
                for &(_, d) in &own_next {
                    seen_dot[d as usize] = stamp;
                }
                let mut fits = true;
                'kids: for &k in &kids {
                    for &x in nodes[k as usize].iter() {
                        work += 1;
                        if seen_node[x as usize] != stamp || x == k {
                            seen_node[x as usize] = stamp;
                            cn.push(x);
                        }
                    }
                    for &(sym, d) in next[k as usize].iter() {
                        work += 1;
                        if seen_dot[d as usize] != stamp {
                            seen_dot[d as usize] = stamp;
                            cx.push((sym, d));
                        }
                    }
                    if cn.len() + cx.len() > cap {
                        fits = false;
                        break 'kids;
                    }
                }
                if fits {
                    cn.sort_unstable();
                    cn.dedup();
                    cx.sort_unstable();
                    union = Some((cn, cx));
                }
            }
            let (cn, cx, kids) = match union {
                Some((cn, cx)) => {
                    kept[c] = true;
                    (cn, cx, Vec::new())
                }
                None => (vec![c as u32], own_next, kids),
            };
            let mut ct: Vec<TermId> = cx
                .iter()
                .map(|&(s, _)| s)
                .filter(|&s| s < n_terms)
                .map(TermId::new)
                .collect();
            ct.dedup();
            if kept[c] {
                total += cn.len() + cx.len() + ct.len();
            }
            nodes.push(cn.into_boxed_slice());
            next.push(cx.into_boxed_slice());
            terms.push(ct.into_boxed_slice());
            children.push(kids.into_boxed_slice());
        }
        Closures {
            node_of: node_of.into_boxed_slice(),
            nodes,
            terms,
            next,
            children,
        }
    }
}
