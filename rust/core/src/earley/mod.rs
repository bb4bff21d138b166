//! An Earley recognizer over lexemes.
//!
//! Rows (Earley sets) live back to back in flat arrays and are only ever
//! pushed or truncated, so rolling back to an earlier row is O(rows popped).
//! Prediction uses precomputed closures that already include the
//! Aycock–Horspool step over nullable symbols; completion uses Leo's
//! deterministic-reduction memo so right recursion stays linear.
//!
//! Closures are kept per strongly connected component of the prediction
//! graph ("node"), and only where they are small: a node whose closure is
//! large (a chain of thousands of rules, each predicting the next) keeps its
//! own dotted positions and points at its successors, which a prediction
//! visits in turn. The tables stay linear in the grammar's size. A large
//! row (many items, or many nodes predicted) gets an index of its items by
//! the symbol they wait for, so completions into it do not scan it.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::grammar::{Grammar, Symbol, TermId};

/// Marks the end of a production in [`Tables::dot_next`].
pub const END: u32 = u32::MAX;

/// Sizes that choose between equivalent representations (tests make them
/// small, to exercise every path on small grammars).
#[derive(Debug, Clone, Copy)]
struct Tuning {
    /// Most entries (dotted positions, terminals and nodes) a kept closure
    /// may have: larger ones are visited node by node when predicted.
    closure_cap: usize,
    /// A row with more roots, or more items, than these gets an index of
    /// its waiting items.
    index_roots: usize,
    index_items: usize,
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

/// Limits of the parser.
#[derive(Debug, Clone)]
pub struct EarleyConfig {
    /// Most items one row may hold.
    pub max_items_per_row: usize,
    /// Most bytes the chart (rows, items, predictions, allowed terminals,
    /// indexes) may take; one matcher's parse memory.
    pub max_chart_bytes: usize,
}

impl Default for EarleyConfig {
    fn default() -> Self {
        EarleyConfig {
            max_items_per_row: 200_000,
            max_chart_bytes: 1 << 30,
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
    node_of: Box<[u32]>,
    /// Per node: the nodes a prediction of it stamps as done (its whole
    /// closure when the closure is kept; itself otherwise).
    closure_nodes: Vec<Box<[u32]>>,
    /// Per node: the terminals its closure (or, when not kept, the node
    /// itself) allows next.
    closure_terms: Vec<Box<[TermId]>>,
    /// Per node: its closure's (or its own) dotted positions keyed by the
    /// symbol after the dot, sorted by symbol (for scans and completions
    /// into predicted items, which rows keep implicitly).
    closure_next: Vec<Box<[(u32, u32)]>>,
    /// Per node whose closure is not kept: the nodes it predicts, which a
    /// prediction visits in turn (empty for kept closures).
    children: Vec<Box<[u32]>>,
    /// The augmented start symbol and its completed dotted position.
    aug: u32,
    aug_end: u32,
    tuning: Tuning,
}

impl Tables {
    /// Builds the tables; `grammar.start` is augmented with a fresh start.
    pub fn new(g: &Grammar) -> Tables {
        Tables::tuned(g, Tuning::default())
    }

    fn tuned(g: &Grammar, tuning: Tuning) -> Tables {
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
                        Symbol::T(t) => t,
                        Symbol::N(n) => n_terms + n,
                    })
                    .collect();
                (p.lhs, rhs)
            })
            .collect();
        prods.push((aug, vec![n_terms + g.start]));
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
        }
    }

    /// Dotted positions in `node`'s closure (or its own) whose next symbol
    /// is `sym`.
    #[inline]
    fn closure_waiting(&self, node: u32, sym: u32) -> &[(u32, u32)] {
        waiting_in(&self.closure_next[node as usize], sym)
    }

    /// How many nodes the prediction graph has.
    fn n_nodes(&self) -> usize {
        self.closure_next.len()
    }
}

/// The entries of `c` (sorted by symbol) whose symbol is `sym`.
#[inline]
fn waiting_in<T>(c: &[(u32, T)], sym: u32) -> &[(u32, T)] {
    let (lo, hi) = waiting_range(c, sym);
    &c[lo..hi]
}

/// Where the entries of `c` (sorted by symbol) whose symbol is `sym` are.
#[inline]
fn waiting_range<T>(c: &[(u32, T)], sym: u32) -> (usize, usize) {
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

/// Strongly connected components of the graph `succ` (Tarjan's algorithm,
/// without recursion): each vertex's component, and the components'
/// members, sinks first (a component comes after every one it reaches).
fn strongly_connected(succ: &[Vec<u32>]) -> (Vec<u32>, Vec<Vec<u32>>) {
    let n = succ.len();
    const UNSEEN: u32 = u32::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![UNSEEN; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut comps: Vec<Vec<u32>> = Vec::new();
    let mut next_index = 0u32;
    // (vertex, next edge to follow)
    let mut work: Vec<(u32, usize)> = Vec::new();
    for root in 0..n as u32 {
        if index[root as usize] != UNSEEN {
            continue;
        }
        work.push((root, 0));
        while let Some(&mut (v, ref mut e)) = work.last_mut() {
            let vu = v as usize;
            if *e == 0 && index[vu] == UNSEEN {
                index[vu] = next_index;
                low[vu] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[vu] = true;
            }
            if let Some(&w) = succ[vu].get(*e) {
                *e += 1;
                let wu = w as usize;
                if index[wu] == UNSEEN {
                    work.push((w, 0));
                } else if on_stack[wu] {
                    low[vu] = low[vu].min(index[wu]);
                }
                continue;
            }
            work.pop();
            if let Some(&(p, _)) = work.last() {
                low[p as usize] = low[p as usize].min(low[vu]);
            }
            if low[vu] == index[vu] {
                let id = comps.len() as u32;
                let mut members = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w as usize] = false;
                    comp[w as usize] = id;
                    members.push(w);
                    if w == v {
                        break;
                    }
                }
                comps.push(members);
            }
        }
    }
    (comp, comps)
}

/// An Earley item: a dotted position and the row its production started in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Item {
    pub dot: u32,
    pub origin: u32,
}

/// One row's bookkeeping. A row holds its items explicitly only when they
/// started in an earlier row; the items it predicts are kept implicitly as
/// the nonterminals whose closures they form (`roots`).
#[derive(Debug, Clone, Copy)]
pub struct Row {
    pub items_start: u32,
    pub items_end: u32,
    pub roots_start: u32,
    pub roots_end: u32,
    pub terms_start: u32,
    pub terms_end: u32,
    /// The row's items waiting for a symbol (explicit and predicted),
    /// sorted by that symbol, in [`Chart::waiting`], when the row is large
    /// (empty otherwise: then its items and its roots' closures are
    /// searched one by one).
    pub waiting_start: u32,
    pub waiting_end: u32,
    pub accepting: bool,
    /// Lexer start state for this row (set by the matcher).
    pub lex_start: u32,
    /// Unique within the chart's history (never reused after truncation):
    /// equal serials mean the same row over the same rows below.
    pub serial: u64,
}

#[derive(Debug, Clone, Copy)]
struct LeoEntry {
    dot: u32,
    origin: u32,
}

/// The rows pushed so far, with Leo memo and scratch space.
#[derive(Debug, Clone, Default)]
pub struct Chart {
    pub items: Vec<Item>,
    pub roots: Vec<u32>,
    pub rows: Vec<Row>,
    pub terms: Vec<TermId>,
    /// Large rows' indexes of waiting items (see [`Row::waiting_start`]).
    pub waiting: Vec<(u32, Item)>,
    leo: FxHashMap<(u32, u32), Option<LeoEntry>>,
    /// (row, nt, rows.len() when inserted), in insertion order.
    leo_log: Vec<(u32, u32, u32)>,
    seen: FxHashSet<Item>,
    /// Rows by a hash of what decides their future (see `build_row`);
    /// entries past a truncation are checked before use.
    row_index: FxHashMap<u64, u32>,
    /// Stamps below hold the generation of the row being built.
    gen: u32,
    /// Per prediction node: predicted in the row being built.
    node_stamp: Vec<u32>,
    node_work: Vec<u32>,
    term_stamp: Vec<u32>,
    scratch: Vec<Item>,
    next_serial: u64,
}

/// A row would exceed a budget of [`EarleyConfig`].
#[derive(Debug, Clone, thiserror::Error)]
pub enum RowLimit {
    #[error("Earley row limit exceeded ({0} items); raise max_items_per_row")]
    Items(usize),
    #[error("Earley chart memory budget exceeded ({0} bytes); raise max_chart_bytes")]
    Bytes(usize),
}

impl Chart {
    pub fn new(t: &Tables) -> Chart {
        Chart {
            gen: 0,
            node_stamp: vec![u32::MAX; t.n_nodes()],
            term_stamp: vec![u32::MAX; t.n_terms as usize],
            ..Chart::default()
        }
    }

    /// Bytes the chart's rows take (what [`EarleyConfig::max_chart_bytes`]
    /// bounds).
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.items.len() * size_of::<Item>()
            + (self.rows.len() + 1) * (size_of::<Row>() + 16)
            + (self.roots.len() + self.terms.len()) * 4
            + self.waiting.len() * size_of::<(u32, Item)>()
            + self.leo_log.len() * (size_of::<(u32, u32, u32)>() + 32)
    }

    /// Items of row `r` that started in earlier rows.
    pub fn row_items(&self, r: u32) -> &[Item] {
        let row = &self.rows[r as usize];
        &self.items[row.items_start as usize..row.items_end as usize]
    }

    /// Nonterminals whose closures row `r` predicts.
    pub fn row_roots(&self, r: u32) -> &[u32] {
        let row = &self.rows[r as usize];
        &self.roots[row.roots_start as usize..row.roots_end as usize]
    }

    /// Terminals allowed right after row `r`, sorted.
    pub fn row_terms(&self, r: u32) -> &[TermId] {
        let row = &self.rows[r as usize];
        &self.terms[row.terms_start as usize..row.terms_end as usize]
    }

    /// Removes rows from `len` on.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.rows.len() {
            return;
        }
        let row = self.rows[len];
        self.items.truncate(row.items_start as usize);
        self.roots.truncate(row.roots_start as usize);
        self.terms.truncate(row.terms_start as usize);
        self.waiting.truncate(row.waiting_start as usize);
        self.rows.truncate(len);
        if self.row_index.len() > 2 * len + 64 {
            // Rows made by masks come and go: forget the ones gone, so the
            // index stays the size of the chart.
            self.row_index.retain(|_, &mut k| (k as usize) < len);
        }
        while let Some(&(r, nt, at)) = self.leo_log.last() {
            if at as usize <= len {
                break;
            }
            self.leo.remove(&(r, nt));
            self.leo_log.pop();
        }
    }

    /// Pushes the first row (the start symbol predicted).
    pub fn push_initial(&mut self, t: &Tables, cfg: &EarleyConfig) -> Result<u32, RowLimit> {
        self.truncate(0);
        self.build_row(t, cfg, &[], Some(t.aug))
    }

    /// Pushes the row after scanning terminal `term` from each `(row, term)`.
    pub fn push_scan(
        &mut self,
        t: &Tables,
        cfg: &EarleyConfig,
        scans: &[(u32, TermId)],
    ) -> Result<u32, RowLimit> {
        self.build_row(t, cfg, scans, None)
    }

    #[inline]
    fn add(&mut self, it: Item) {
        if self.seen.insert(it) {
            self.items.push(it);
        }
    }

    fn predict(&mut self, t: &Tables, nt: u32) {
        let g = self.gen;
        let node = t.node_of[nt as usize];
        if self.node_stamp[node as usize] == g {
            return;
        }
        // Usually one node whose closure is kept; otherwise the nodes it
        // reaches, visited without recursion.
        self.node_work.push(node);
        while let Some(n) = self.node_work.pop() {
            if self.node_stamp[n as usize] == g {
                continue;
            }
            for &c in t.closure_nodes[n as usize].iter() {
                self.node_stamp[c as usize] = g;
            }
            self.roots.push(n);
            for &term in t.closure_terms[n as usize].iter() {
                self.note_term(term);
            }
            for &c in t.children[n as usize].iter() {
                if self.node_stamp[c as usize] != g {
                    self.node_work.push(c);
                }
            }
        }
    }

    fn note_term(&mut self, term: TermId) {
        if self.term_stamp[term as usize] != self.gen {
            self.term_stamp[term as usize] = self.gen;
            self.terms.push(term);
        }
    }

    fn next_generation(&mut self) {
        self.gen = self.gen.wrapping_add(1);
        if self.gen == u32::MAX {
            // Wrapped: old stamps could collide with new generations.
            self.node_stamp.fill(u32::MAX);
            self.term_stamp.fill(u32::MAX);
            self.gen = 0;
        }
    }

    /// Adds, advanced over `sym`, every item of row `o` waiting for `sym`.
    fn advance_waiting(&mut self, t: &Tables, o: u32, sym: u32) {
        let row = self.rows[o as usize];
        if row.waiting_end > row.waiting_start {
            let base = row.waiting_start as usize;
            let (lo, hi) = waiting_range(&self.waiting[base..row.waiting_end as usize], sym);
            for i in base + lo..base + hi {
                let w = self.waiting[i].1;
                self.add(Item {
                    dot: w.dot + 1,
                    origin: w.origin,
                });
            }
            return;
        }
        for i in row.items_start..row.items_end {
            let w = self.items[i as usize];
            if t.dot_next[w.dot as usize] == sym {
                self.add(Item {
                    dot: w.dot + 1,
                    origin: w.origin,
                });
            }
        }
        for ri in row.roots_start..row.roots_end {
            let root = self.roots[ri as usize];
            for &(_, d) in t.closure_waiting(root, sym) {
                self.add(Item {
                    dot: d + 1,
                    origin: o,
                });
            }
        }
    }

    fn build_row(
        &mut self,
        t: &Tables,
        cfg: &EarleyConfig,
        scans: &[(u32, TermId)],
        initial: Option<u32>,
    ) -> Result<u32, RowLimit> {
        let k = self.rows.len() as u32;
        let items_start = self.items.len();
        let roots_start = self.roots.len();
        let terms_start = self.terms.len();
        self.seen.clear();
        self.next_generation();
        let mut accepting = false;
        if let Some(nt) = initial {
            self.predict(t, nt);
            accepting = t.nullable[nt as usize];
        }
        for &(r, term) in scans {
            self.advance_waiting(t, r, term);
        }
        let mut i = items_start;
        while i < self.items.len() {
            if self.items.len() - items_start > cfg.max_items_per_row {
                self.items.truncate(items_start);
                self.roots.truncate(roots_start);
                self.terms.truncate(terms_start);
                return Err(RowLimit::Items(cfg.max_items_per_row));
            }
            let it = self.items[i];
            i += 1;
            let s = t.dot_next[it.dot as usize];
            if s == END {
                if it.dot == t.aug_end && it.origin == 0 {
                    accepting = true;
                }
                self.complete(t, t.dot_lhs[it.dot as usize], it.origin);
            } else if s < t.n_terms {
                self.note_term(s);
            } else {
                let nt = s - t.n_terms;
                self.predict(t, nt);
                if t.nullable[nt as usize] {
                    self.add(Item {
                        dot: it.dot + 1,
                        origin: it.origin,
                    });
                }
            }
        }
        self.terms[terms_start..].sort_unstable();
        // A row equal to an earlier one in everything that matters from
        // here on (its items still waiting for a symbol, its predictions and
        // whether the input may end) behaves the same: reuse that one, so
        // that ambiguous splits and long repetitions do not multiply rows.
        let dn = &t.dot_next;
        self.items[items_start..].sort_unstable_by_key(|w| (dn[w.dot as usize], w.dot, w.origin));
        self.roots[roots_start..].sort_unstable();
        let live = self.items[items_start..].partition_point(|w| dn[w.dot as usize] != END);
        let key = {
            use std::hash::{Hash, Hasher};
            let mut h = rustc_hash::FxHasher::default();
            accepting.hash(&mut h);
            self.items[items_start..items_start + live].hash(&mut h);
            self.roots[roots_start..].hash(&mut h);
            h.finish()
        };
        if let Some(&k0) = self.row_index.get(&key) {
            if (k0 as usize) < self.rows.len()
                && self.same_row(
                    t,
                    k0,
                    accepting,
                    items_start,
                    items_start + live,
                    roots_start,
                )
            {
                self.items.truncate(items_start);
                self.roots.truncate(roots_start);
                self.terms.truncate(terms_start);
                return Ok(k0);
            }
        }
        if self.heap_bytes() > cfg.max_chart_bytes {
            self.items.truncate(items_start);
            self.roots.truncate(roots_start);
            self.terms.truncate(terms_start);
            return Err(RowLimit::Bytes(cfg.max_chart_bytes));
        }
        let waiting_start = self.waiting.len();
        if self.items.len() - items_start > t.tuning.index_items
            || self.roots.len() - roots_start > t.tuning.index_roots
        {
            // A large row (many items, or closures too large to keep): one
            // index of what waits for each symbol, so that completions into
            // this row do not scan it.
            for i in items_start..self.items.len() {
                let it = self.items[i];
                let s = t.dot_next[it.dot as usize];
                if s != END {
                    self.waiting.push((s, it));
                }
            }
            for ri in roots_start..self.roots.len() {
                let root = self.roots[ri] as usize;
                self.waiting.extend(
                    t.closure_next[root]
                        .iter()
                        .map(|&(s, d)| (s, Item { dot: d, origin: k })),
                );
            }
            let index = &mut self.waiting[waiting_start..];
            index.sort_unstable_by_key(|&(s, it)| (s, it.dot, it.origin));
            let mut n = 0;
            for r in 0..index.len() {
                if n == 0 || index[r] != index[n - 1] {
                    index[n] = index[r];
                    n += 1;
                }
            }
            self.waiting.truncate(waiting_start + n);
            if n > cfg.max_items_per_row {
                self.items.truncate(items_start);
                self.roots.truncate(roots_start);
                self.terms.truncate(terms_start);
                self.waiting.truncate(waiting_start);
                return Err(RowLimit::Items(cfg.max_items_per_row));
            }
        }
        self.rows.push(Row {
            items_start: items_start as u32,
            items_end: self.items.len() as u32,
            roots_start: roots_start as u32,
            roots_end: self.roots.len() as u32,
            terms_start: terms_start as u32,
            terms_end: self.terms.len() as u32,
            waiting_start: waiting_start as u32,
            waiting_end: self.waiting.len() as u32,
            accepting,
            lex_start: 0,
            serial: self.next_serial,
        });
        self.row_index.insert(key, k);
        self.next_serial += 1;
        Ok(k)
    }

    /// Whether finished row `k0` has the given live items (`items[lo..hi]`),
    /// the roots from `roots_start` on, and `accepting`.
    fn same_row(
        &self,
        t: &Tables,
        k0: u32,
        accepting: bool,
        lo: usize,
        hi: usize,
        roots_start: usize,
    ) -> bool {
        let r = &self.rows[k0 as usize];
        let items = &self.items[r.items_start as usize..r.items_end as usize];
        let live = items.partition_point(|w| t.dot_next[w.dot as usize] != END);
        r.accepting == accepting
            && items[..live] == self.items[lo..hi]
            && self.roots[r.roots_start as usize..r.roots_end as usize] == self.roots[roots_start..]
    }

    /// Completes nonterminal `nt` that started in row `o`.
    fn complete(&mut self, t: &Tables, nt: u32, o: u32) {
        if let Some(top) = self.leo_top(t, nt, o) {
            self.add(Item {
                dot: top.dot,
                origin: top.origin,
            });
            return;
        }
        self.advance_waiting(t, o, t.n_terms + nt);
    }

    /// The items of row `o` waiting for `sym` (explicit and predicted), into
    /// `scratch`, stopping after two.
    fn waiting_upto_two(&mut self, t: &Tables, o: u32, sym: u32) {
        self.scratch.clear();
        let row = self.rows[o as usize];
        if row.waiting_end > row.waiting_start {
            let index = &self.waiting[row.waiting_start as usize..row.waiting_end as usize];
            // Entries are distinct items: the first two are the answer.
            self.scratch
                .extend(waiting_in(index, sym).iter().take(2).map(|&(_, it)| it));
            return;
        }
        for i in row.items_start..row.items_end {
            let w = self.items[i as usize];
            if t.dot_next[w.dot as usize] == sym {
                self.scratch.push(w);
                if self.scratch.len() > 1 {
                    return;
                }
            }
        }
        for ri in row.roots_start..row.roots_end {
            let root = self.roots[ri as usize];
            for &(_, d) in t.closure_waiting(root, sym) {
                let it = Item { dot: d, origin: o };
                if !self.scratch.contains(&it) {
                    self.scratch.push(it);
                    if self.scratch.len() > 1 {
                        return;
                    }
                }
            }
        }
    }

    /// Leo's topmost completed item for completing `nt` from row `o`, if the
    /// reduction path is deterministic there.
    fn leo_top(&mut self, t: &Tables, nt: u32, o: u32) -> Option<LeoEntry> {
        // Walk down the chain of deterministic reductions, then fill the memo
        // back up (iteratively: chains can be as long as the input).
        let mut chain: Vec<(u32, u32, LeoEntry)> = Vec::new();
        // The links of a long chain, for the cycle check (a scan of the
        // chain would be quadratic in its length).
        let mut links: FxHashSet<(u32, u32)> = FxHashSet::default();
        let (mut cur_nt, mut cur_o) = (nt, o);
        let mut result: Option<LeoEntry>;
        loop {
            if let Some(e) = self.leo.get(&(cur_o, cur_nt)) {
                result = *e;
                break;
            }
            self.waiting_upto_two(t, cur_o, t.n_terms + cur_nt);
            let unique = (self.scratch.len() == 1).then(|| self.scratch[0]);
            match unique {
                Some(w) if t.dot_next[w.dot as usize + 1] == END => {
                    let done = LeoEntry {
                        dot: w.dot + 1,
                        origin: w.origin,
                    };
                    chain.push((cur_o, cur_nt, done));
                    cur_nt = t.dot_lhs[w.dot as usize];
                    cur_o = w.origin;
                    const SHORT: usize = 16;
                    if chain.len() == SHORT {
                        links.extend(chain.iter().map(|&(r, n, _)| (r, n)));
                    } else if chain.len() > SHORT {
                        if let Some(&(r, n, _)) = chain.last() {
                            links.insert((r, n));
                        }
                    }
                    let cycle = if chain.len() < SHORT {
                        chain.iter().any(|&(r, n, _)| r == cur_o && n == cur_nt)
                    } else {
                        links.contains(&(cur_o, cur_nt))
                    };
                    if cycle {
                        // A cycle of unit reductions: stop at this link.
                        result = None;
                        break;
                    }
                }
                _ => {
                    // Not memoised: the look-up above is cheap (short rows
                    // are scanned, long ones indexed), and a memo per
                    // completion would cost memory in every row.
                    result = None;
                    break;
                }
            }
        }
        // Each link's topmost item is the deepest found below it.
        while let Some((r, n, done)) = chain.pop() {
            let top = result.unwrap_or(done);
            self.memo(r, n, Some(top));
            result = Some(top);
        }
        result
    }

    fn memo(&mut self, row: u32, nt: u32, e: Option<LeoEntry>) {
        self.leo.insert((row, nt), e);
        self.leo_log.push((row, nt, self.rows.len() as u32));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::{Production, Span, TermExpr, Terminal};
    use crate::sample::Rng;

    fn grammar(n_terms: usize, n_nts: usize, productions: Vec<Production>) -> Grammar {
        Grammar {
            terminals: (0..n_terms)
                .map(|i| Terminal {
                    name: format!("T{i}"),
                    expr: TermExpr::Literal {
                        value: format!("{i}"),
                        ci: false,
                    },
                    priority: 0,
                    declared_only: false,
                    generated: false,
                    span: Span::default(),
                })
                .collect(),
            nonterminals: (0..n_nts).map(|i| format!("n{i}")).collect(),
            productions,
            start: 0,
            ignore: Vec::new(),
            warnings: Vec::new(),
            sources: Vec::new(),
        }
    }

    /// A random grammar over 3 terminals: short right sides, many of them
    /// nullable, references mostly to nearby nonterminals (chains and
    /// cycles of predictions).
    fn random_grammar(rng: &mut Rng) -> Grammar {
        let n = 1 + rng.below(40);
        let mut prods = Vec::new();
        for lhs in 0..n as u32 {
            for _ in 0..1 + rng.below(3) {
                let len = rng.below(4);
                let rhs = (0..len)
                    .map(|_| {
                        if rng.chance(0.35) {
                            Symbol::T(rng.below(3) as u32)
                        } else if rng.chance(0.7) {
                            Symbol::N(((lhs as usize + rng.below(4)) % n) as u32)
                        } else {
                            Symbol::N(rng.below(n) as u32)
                        }
                    })
                    .collect();
                prods.push(Production { lhs, rhs });
            }
        }
        grammar(3, n, prods)
    }

    /// Nullable nonterminals by passes until nothing changes.
    fn naive_nullable(g: &Grammar) -> Vec<bool> {
        let mut nullable = vec![false; g.nonterminals.len()];
        loop {
            let mut changed = false;
            for p in &g.productions {
                if !nullable[p.lhs as usize]
                    && p.rhs
                        .iter()
                        .all(|s| matches!(*s, Symbol::N(n) if nullable[n as usize]))
                {
                    nullable[p.lhs as usize] = true;
                    changed = true;
                }
            }
            if !changed {
                return nullable;
            }
        }
    }

    /// A textbook Earley recognizer over terminal ids: item sets closed by
    /// predicting, completing and skipping nullables until nothing changes.
    fn naive_accepts(g: &Grammar, input: &[u32]) -> bool {
        use std::collections::BTreeSet;
        let nullable = naive_nullable(g);
        // Items: (production, dot, origin).
        let mut sets: Vec<BTreeSet<(usize, usize, usize)>> = Vec::new();
        let close = |sets: &mut Vec<BTreeSet<(usize, usize, usize)>>, k: usize| loop {
            let items: Vec<_> = sets[k].iter().copied().collect();
            let before = sets[k].len();
            for (p, d, o) in items {
                let rhs = &g.productions[p].rhs;
                match rhs.get(d) {
                    Some(Symbol::N(n)) => {
                        for (q, pr) in g.productions.iter().enumerate() {
                            if pr.lhs == *n {
                                sets[k].insert((q, 0, k));
                            }
                        }
                        if nullable[*n as usize] {
                            sets[k].insert((p, d + 1, o));
                        }
                    }
                    Some(Symbol::T(_)) => {}
                    None => {
                        let lhs = g.productions[p].lhs;
                        let waiting: Vec<_> = sets[o]
                            .iter()
                            .filter(|&&(q, e, _)| {
                                g.productions[q].rhs.get(e) == Some(&Symbol::N(lhs))
                            })
                            .copied()
                            .collect();
                        for (q, e, o2) in waiting {
                            sets[k].insert((q, e + 1, o2));
                        }
                    }
                }
            }
            if sets[k].len() == before {
                break;
            }
        };
        sets.push(
            g.productions
                .iter()
                .enumerate()
                .filter(|(_, p)| p.lhs == g.start)
                .map(|(q, _)| (q, 0, 0))
                .collect(),
        );
        close(&mut sets, 0);
        for (k, &t) in input.iter().enumerate() {
            let next: BTreeSet<_> = sets[k]
                .iter()
                .filter(|&&(p, d, _)| g.productions[p].rhs.get(d) == Some(&Symbol::T(t)))
                .map(|&(p, d, o)| (p, d + 1, o))
                .collect();
            sets.push(next);
            close(&mut sets, k + 1);
        }
        sets[input.len()].iter().any(|&(p, d, o)| {
            o == 0 && g.productions[p].lhs == g.start && d == g.productions[p].rhs.len()
        })
    }

    fn chart_accepts(t: &Tables, input: &[u32]) -> bool {
        let cfg = EarleyConfig::default();
        let mut chart = Chart::new(t);
        let mut k = chart.push_initial(t, &cfg).unwrap();
        for &term in input {
            if !chart.row_terms(k).contains(&term) {
                return false;
            }
            k = chart.push_scan(t, &cfg, &[(k, term)]).unwrap();
        }
        chart.rows[k as usize].accepting
    }

    /// The nullable sets, and the recognizer with closures kept, split into
    /// nodes, and with rows indexed, agree with the textbook algorithm.
    #[test]
    fn recognizer_agrees_with_a_textbook_earley() {
        let mut rng = Rng::new(7);
        let tunings = [
            Tuning::default(),
            Tuning {
                closure_cap: 4,
                index_roots: 1,
                index_items: 2,
            },
            Tuning {
                closure_cap: 0,
                index_roots: usize::MAX,
                index_items: usize::MAX,
            },
        ];
        for _ in 0..300 {
            let g = random_grammar(&mut rng);
            let nullable = naive_nullable(&g);
            let tables: Vec<Tables> = tunings.iter().map(|&tu| Tables::tuned(&g, tu)).collect();
            assert_eq!(&tables[0].nullable[..nullable.len()], &nullable[..]);
            for _ in 0..20 {
                let input: Vec<u32> = (0..rng.below(6)).map(|_| rng.below(3) as u32).collect();
                let want = naive_accepts(&g, &input);
                for (tu, t) in tunings.iter().zip(&tables) {
                    assert_eq!(chart_accepts(t, &input), want, "{input:?} {tu:?} {g:?}");
                }
            }
            // Rolling back and going on gives the same answers.
            let t = &tables[1];
            let cfg = EarleyConfig::default();
            let mut chart = Chart::new(t);
            chart.push_initial(t, &cfg).unwrap();
            let k = chart.rows.len() as u32 - 1;
            for &term in chart.row_terms(k).to_vec().iter() {
                chart.truncate(1);
                let r = chart.push_scan(t, &cfg, &[(0, term)]).unwrap();
                assert_eq!(chart.rows[r as usize].accepting, naive_accepts(&g, &[term]));
            }
        }
    }

    /// A chain of rules, each predicting the next: the tables grow
    /// linearly (the closure of the first rule holds all the others).
    #[test]
    fn tables_of_a_chain_are_linear() {
        for n in [1_000u32, 20_000] {
            let mut prods: Vec<Production> = (0..n)
                .map(|i| Production {
                    lhs: i,
                    rhs: vec![Symbol::N(i + 1)],
                })
                .collect();
            prods.push(Production {
                lhs: n,
                rhs: vec![Symbol::T(0)],
            });
            let g = grammar(1, n as usize + 1, prods);
            let t = Tables::new(&g);
            let entries: usize = t.closure_next.iter().map(|c| c.len()).sum::<usize>()
                + t.closure_nodes.iter().map(|c| c.len()).sum::<usize>();
            let cap = Tuning::default().closure_cap;
            assert!(entries <= 4 * n as usize + cap * cap, "{n}: {entries}");
            assert!(chart_accepts(&t, &[0]));
            assert!(!chart_accepts(&t, &[0, 0]));
        }
    }
}
