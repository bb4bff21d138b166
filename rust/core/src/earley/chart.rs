//! The chart: rows of Earley items, built by scanning, predicting (from
//! the closures of [`Tables`]) and completing (with Leo's memo), and
//! truncated to roll back.
//!
//! A large row (many items, or many nodes predicted) gets an index of its
//! items by the symbol they wait for, so completions into it do not scan it.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::Failure;
use crate::grammar::TermId;
use crate::lexer::LexState;

use super::tables::{waiting_in, waiting_range, Tables, END};

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
    pub lex_start: LexState,
    /// Unique within the chart's history (never reused after truncation):
    /// equal serials mean the same row over the same rows below.
    pub serial: u64,
}

/// Leo's topmost completed item for a deterministic reduction path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LeoEntry {
    pub(super) dot: u32,
    pub(super) origin: u32,
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
    pub(super) leo: FxHashMap<(u32, u32), Option<LeoEntry>>,
    /// (row, nt, rows.len() when inserted), in insertion order.
    pub(super) leo_log: Vec<(u32, u32, u32)>,
    seen: FxHashSet<Item>,
    /// Rows by a hash of what decides their future (see `build_row`);
    /// entries past a truncation are checked before use.
    pub(super) row_index: FxHashMap<u64, u32>,
    /// Stamps below hold the generation of the row being built.
    gen: u32,
    /// Per prediction node: predicted in the row being built.
    node_stamp: Vec<u32>,
    node_work: Vec<u32>,
    term_stamp: Vec<u32>,
    scratch: Vec<Item>,
    next_serial: u64,
    /// The nonterminal the input must derive (the augmented start, unless
    /// a matcher starts elsewhere).
    start: u32,
}

/// A row would exceed a budget of [`EarleyConfig`].
#[derive(Debug, Clone, thiserror::Error)]
pub enum RowLimit {
    #[error("Earley row limit exceeded ({0} items); raise max_items_per_row")]
    Items(usize),
    #[error("Earley chart memory budget exceeded ({0} bytes); raise max_chart_bytes")]
    Bytes(usize),
}

impl From<RowLimit> for Failure {
    fn from(e: RowLimit) -> Failure {
        let limit = match e {
            RowLimit::Items(_) => "max_items_per_row",
            RowLimit::Bytes(_) => "max_chart_bytes",
        };
        Failure::limit(limit, e.to_string())
    }
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

    /// Items of row `r` that started in earlier rows (for tests).
    #[cfg(test)]
    pub fn row_items(&self, r: u32) -> &[Item] {
        let row = &self.rows[r as usize];
        &self.items[row.items_start as usize..row.items_end as usize]
    }

    /// Nodes of the prediction graph whose closures row `r` predicts (for
    /// tests).
    #[cfg(test)]
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
    #[cfg(test)]
    pub fn push_initial(&mut self, t: &Tables, cfg: &EarleyConfig) -> Result<u32, RowLimit> {
        self.push_initial_at(t, cfg, None)
    }

    /// Pushes the first row with nonterminal `nt` (or the start symbol)
    /// predicted: the input must then derive `nt`.
    pub fn push_initial_at(
        &mut self,
        t: &Tables,
        cfg: &EarleyConfig,
        nt: Option<u32>,
    ) -> Result<u32, RowLimit> {
        self.truncate(0);
        self.start = nt.unwrap_or(t.aug);
        self.build_row(t, cfg, &[], Some(self.start), None)
    }

    /// Pushes the row after scanning terminal `term` from each `(row, term)`.
    pub fn push_scan(
        &mut self,
        t: &Tables,
        cfg: &EarleyConfig,
        scans: &[(u32, TermId)],
    ) -> Result<u32, RowLimit> {
        self.build_row(t, cfg, scans, None, None)
    }

    /// [`Chart::push_scan`], completing a guarded nonterminal
    /// ([`Tables::guarded`]) only where `guard` says it holds.
    pub fn push_scan_guarded(
        &mut self,
        t: &Tables,
        cfg: &EarleyConfig,
        scans: &[(u32, TermId)],
        guard: &dyn Fn(u32) -> bool,
    ) -> Result<u32, RowLimit> {
        self.build_row(t, cfg, scans, None, Some(guard))
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
        if self.term_stamp[term.index()] != self.gen {
            self.term_stamp[term.index()] = self.gen;
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
        guard: Option<&dyn Fn(u32) -> bool>,
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
            self.advance_waiting(t, r, term.as_u32());
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
                let lhs = t.dot_lhs[it.dot as usize];
                if t.any_guarded && t.guarded.get(lhs as usize) == Some(&true) {
                    if let Some(g) = guard {
                        if !g(lhs) {
                            continue;
                        }
                    }
                }
                if it.origin == 0 && (it.dot == t.aug_end || lhs == self.start) {
                    accepting = true;
                }
                self.complete(t, lhs, it.origin);
            } else if s < t.n_terms {
                self.note_term(TermId::new(s));
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
            lex_start: LexState::DEAD,
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
                    if t.any_guarded && t.guarded.get(cur_nt as usize) == Some(&true) {
                        // Its completion is checked: the chain stops at
                        // the item that completes it.
                        result = None;
                        break;
                    }
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
