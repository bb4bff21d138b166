//! An Earley recognizer over lexemes.
//!
//! Rows (Earley sets) live back to back in flat arrays and are only ever
//! pushed or truncated, so rolling back to an earlier row is O(rows popped).
//! Prediction uses precomputed closures that already include the
//! Aycock–Horspool step over nullable symbols; completion uses Leo's
//! deterministic-reduction memo so right recursion stays linear.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::grammar::{Grammar, Symbol, TermId};

/// Marks the end of a production in [`Tables::dot_next`].
pub const END: u32 = u32::MAX;

/// Limits of the parser.
#[derive(Debug, Clone)]
pub struct EarleyConfig {
    /// Most items one row may hold.
    pub max_items_per_row: usize,
    /// Most bytes the chart (rows, items, predictions, allowed terminals)
    /// may take; one matcher's parse memory.
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
    /// Per nonterminal: the nonterminals its closure predicts.
    closure_nts: Vec<Box<[u32]>>,
    /// Per nonterminal: the terminals its closure allows next.
    closure_terms: Vec<Box<[TermId]>>,
    /// Per nonterminal: its closure's dotted positions keyed by the symbol
    /// after the dot, sorted by symbol (for scans and completions into
    /// predicted items, which rows keep implicitly).
    closure_next: Vec<Box<[(u32, u32)]>>,
    /// Per symbol: the nonterminals whose closures hold a dotted position
    /// waiting for it, sorted (completions into rows with many roots look
    /// these up instead of searching every root's closure).
    waiters: Vec<Box<[u32]>>,
    /// The augmented start symbol and its completed dotted position.
    aug: u32,
    aug_end: u32,
}

impl Tables {
    /// Builds the tables; `grammar.start` is augmented with a fresh start.
    pub fn new(g: &Grammar) -> Tables {
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
        // Nullable nonterminals, by fixpoint.
        let mut nullable = vec![false; n_nts];
        loop {
            let mut changed = false;
            for (lhs, rhs) in &prods {
                if !nullable[*lhs as usize]
                    && rhs
                        .iter()
                        .all(|&s| s >= n_terms && nullable[(s - n_terms) as usize])
                {
                    nullable[*lhs as usize] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let mut closure_nts = Vec::with_capacity(n_nts);
        let mut closure_terms = Vec::with_capacity(n_nts);
        let mut closure_next = Vec::with_capacity(n_nts);
        let mut seen_dot = vec![u32::MAX; dot_next.len()];
        let mut seen_nt = vec![u32::MAX; n_nts];
        let mut seen_t = vec![u32::MAX; n_terms as usize];
        for nt in 0..n_nts {
            let stamp = nt as u32;
            let mut dots = Vec::new();
            let mut nts = vec![nt as u32];
            let mut terms = Vec::new();
            seen_nt[nt] = stamp;
            let mut stack: Vec<u32> = nt_first_dots[nt].clone();
            while let Some(d) = stack.pop() {
                if seen_dot[d as usize] == stamp {
                    continue;
                }
                seen_dot[d as usize] = stamp;
                dots.push(d);
                let s = dot_next[d as usize];
                if s == END {
                    continue;
                }
                if s < n_terms {
                    if seen_t[s as usize] != stamp {
                        seen_t[s as usize] = stamp;
                        terms.push(s);
                    }
                    continue;
                }
                let c = (s - n_terms) as usize;
                if seen_nt[c] != stamp {
                    seen_nt[c] = stamp;
                    nts.push(c as u32);
                    stack.extend_from_slice(&nt_first_dots[c]);
                }
                if nullable[c] {
                    stack.push(d + 1);
                }
            }
            dots.sort_unstable();
            terms.sort_unstable();
            let mut by_next: Vec<(u32, u32)> = dots
                .iter()
                .filter(|&&d| dot_next[d as usize] != END)
                .map(|&d| (dot_next[d as usize], d))
                .collect();
            by_next.sort_unstable();
            closure_next.push(by_next.into_boxed_slice());
            closure_nts.push(nts.into_boxed_slice());
            closure_terms.push(terms.into_boxed_slice());
        }
        let mut waiters: Vec<Vec<u32>> = vec![Vec::new(); n_terms as usize + n_nts];
        for (nt, c) in closure_next.iter().enumerate() {
            let mut last = u32::MAX;
            for &(sym, _) in c.iter() {
                if sym != last {
                    waiters[sym as usize].push(nt as u32);
                    last = sym;
                }
            }
        }
        let waiters = waiters.into_iter().map(Vec::into_boxed_slice).collect();
        Tables {
            n_terms,
            waiters,
            dot_next,
            dot_lhs,
            nullable,
            closure_nts,
            closure_terms,
            closure_next,
            aug,
            aug_end,
        }
    }

    /// Dotted positions in `nt`'s closure whose next symbol is `sym`.
    #[inline]
    fn closure_waiting(&self, nt: u32, sym: u32) -> &[(u32, u32)] {
        let c = &self.closure_next[nt as usize];
        let lo = c.partition_point(|&(s, _)| s < sym);
        let hi = lo + c[lo..].partition_point(|&(s, _)| s == sym);
        &c[lo..hi]
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
    leo: FxHashMap<(u32, u32), Option<LeoEntry>>,
    /// (row, nt, rows.len() when inserted), in insertion order.
    leo_log: Vec<(u32, u32, u32)>,
    seen: FxHashSet<Item>,
    /// Rows by a hash of what decides their future (see `build_row`);
    /// entries past a truncation are checked before use.
    row_index: FxHashMap<u64, u32>,
    /// Stamps below hold the generation of the row being built.
    gen: u32,
    nt_stamp: Vec<u32>,
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
            nt_stamp: vec![u32::MAX; t.nullable.len()],
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
        if self.nt_stamp[nt as usize] == g {
            return;
        }
        for &c in t.closure_nts[nt as usize].iter() {
            self.nt_stamp[c as usize] = g;
        }
        self.roots.push(nt);
        for &term in t.closure_terms[nt as usize].iter() {
            self.note_term(term);
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
            self.nt_stamp.fill(u32::MAX);
            self.term_stamp.fill(u32::MAX);
            self.gen = 0;
        }
    }

    /// The explicit items of finished row `o` waiting for `sym`, as a range
    /// of `items` (a finished row's items are sorted by the symbol after
    /// their dot, so a completion costs a search, not a scan of the row).
    #[inline]
    fn waiting_range(&self, t: &Tables, o: u32, sym: u32) -> (usize, usize) {
        let row = self.rows[o as usize];
        let items = &self.items[row.items_start as usize..row.items_end as usize];
        if items.len() <= 8 {
            // Short rows (the usual case): a scan beats a search.
            let lo = items
                .iter()
                .position(|w| t.dot_next[w.dot as usize] == sym)
                .unwrap_or(items.len());
            let hi = lo
                + items[lo..]
                    .iter()
                    .take_while(|w| t.dot_next[w.dot as usize] == sym)
                    .count();
            return (row.items_start as usize + lo, row.items_start as usize + hi);
        }
        let lo = items.partition_point(|w| t.dot_next[w.dot as usize] < sym);
        let hi = lo + items[lo..].partition_point(|w| t.dot_next[w.dot as usize] == sym);
        (row.items_start as usize + lo, row.items_start as usize + hi)
    }

    /// Adds, advanced over `sym`, every item of row `o` waiting for `sym`.
    fn advance_waiting(&mut self, t: &Tables, o: u32, sym: u32) {
        let row = self.rows[o as usize];
        let (lo, hi) = self.waiting_range(t, o, sym);
        for i in lo..hi {
            let w = self.items[i];
            self.add(Item {
                dot: w.dot + 1,
                origin: w.origin,
            });
        }
        let waiters = &t.waiters[sym as usize];
        if (row.roots_end - row.roots_start) as usize <= waiters.len() {
            for ri in row.roots_start..row.roots_end {
                let root = self.roots[ri as usize];
                for &(_, d) in t.closure_waiting(root, sym) {
                    self.add(Item {
                        dot: d + 1,
                        origin: o,
                    });
                }
            }
        } else {
            // Few closures wait for `sym`: look each up among the row's
            // (sorted) roots.
            for &root in waiters.iter() {
                if self.row_roots(o).binary_search(&root).is_err() {
                    continue;
                }
                for &(_, d) in t.closure_waiting(root, sym) {
                    self.add(Item {
                        dot: d + 1,
                        origin: o,
                    });
                }
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
        // Completions into this row look items up by the symbol after the dot.
        let dn = &t.dot_next;
        self.items[items_start..].sort_unstable_by_key(|w| (dn[w.dot as usize], w.dot, w.origin));
        self.roots[roots_start..].sort_unstable();
        // A row equal to an earlier one in everything that matters from
        // here on (its items still waiting for a symbol, its predictions and
        // whether the input may end) behaves the same: reuse that one, so
        // that ambiguous splits and long repetitions do not multiply rows.
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
        self.row_index.insert(key, k);
        self.rows.push(Row {
            items_start: items_start as u32,
            items_end: self.items.len() as u32,
            roots_start: roots_start as u32,
            roots_end: self.roots.len() as u32,
            terms_start: terms_start as u32,
            terms_end: self.terms.len() as u32,
            accepting,
            lex_start: 0,
            serial: self.next_serial,
        });
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
        let (lo, hi) = self.waiting_range(t, o, sym);
        for i in lo..hi.min(lo + 2) {
            self.scratch.push(self.items[i]);
        }
        if self.scratch.len() > 1 {
            return;
        }
        let waiters = &t.waiters[sym as usize];
        let few = waiters.len() < (row.roots_end - row.roots_start) as usize;
        let n = if few {
            waiters.len()
        } else {
            (row.roots_end - row.roots_start) as usize
        };
        for j in 0..n {
            let root = if few {
                if self.row_roots(o).binary_search(&waiters[j]).is_err() {
                    continue;
                }
                waiters[j]
            } else {
                self.roots[row.roots_start as usize + j]
            };
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
                    if chain.iter().any(|&(r, n, _)| r == cur_o && n == cur_nt) {
                        // A cycle of unit reductions: stop at this link.
                        result = None;
                        break;
                    }
                }
                _ => {
                    // Not memoised: the look-up above is two binary
                    // searches, and a memo per completion would cost
                    // memory in every row.
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
