//! Grammar-aware speculative drafting.
//!
//! Drafts come from two training-free sources, both updated as generation
//! goes and kept across requests: Token Recycling's adjacency matrix (the
//! model's top-k after each token, from every verified position) and a
//! tri-gram table of accepted outputs (ADED-style). A draft is a tree,
//! grown best-first by score under a node budget or filled from a static
//! template; the grammar checks every node as it is added (a branch it
//! refuses is cut with its subtree), and tokens it forces enter as certain
//! chains. The budget grows where drafts are accepted and shrinks where
//! they are not (SpecDec++, DySpec).

mod tables;
mod tree;

pub use tables::{Adjacency, NGram, MAX_K};
pub use tree::{template, DraftTree, Guide, Unguided, CLOSED, EXTRA, MAX_CLOSED_LIMIT, ROOT};

use crate::error::Failure;
use crate::token::TokenMatcher;
use crate::vocab::TokenId;

/// Where drafts come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The adjacency matrix (Token Recycling).
    Recycling,
    /// The tri-gram table of accepted outputs.
    NGram,
    /// The tri-gram's candidates first, then the matrix's.
    Both,
}

/// How trees are shaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Grown best-first by learned scores under the node budget.
    Dynamic,
    /// Token Recycling's static template (its nodes filled where the
    /// sources and the grammar allow).
    Static,
}

#[derive(Clone, Debug)]
pub struct DraftConfig {
    pub source: Source,
    pub shape: Shape,
    /// Width of the adjacency matrix (candidates kept per token).
    pub k: usize,
    /// Node budget bounds: the budget moves between them (starting at
    /// `start_nodes`).
    pub min_nodes: usize,
    pub max_nodes: usize,
    pub start_nodes: usize,
    pub max_depth: u32,
    /// Memory bound of the adjacency matrix, in bytes.
    pub max_bytes: usize,
    /// Contexts the tri-gram table keeps.
    pub max_contexts: usize,
    /// Whether trees stop growing where one more node would lower the
    /// expected tokens per second ([`Drafter::observe_cost`]); off, they
    /// fill the node budget.
    pub cost_aware: bool,
    /// Where the grammar allows at most this many tokens, all of them are
    /// candidates, beside the tables' (0: the tables' alone; at most
    /// [`MAX_CLOSED_LIMIT`]). Dynamic trees with a grammar only.
    pub closed_limit: usize,
}

impl Default for DraftConfig {
    fn default() -> Self {
        DraftConfig {
            source: Source::Both,
            shape: Shape::Dynamic,
            k: 8,
            min_nodes: 4,
            max_nodes: 96,
            start_nodes: 24,
            max_depth: 8,
            max_bytes: 256 << 20,
            max_contexts: 1 << 20,
            cost_aware: true,
            closed_limit: 8,
        }
    }
}

/// Candidate ranks with learned acceptance.
const RANKS: usize = 16;
/// Acceptance statistics: per rank at open nodes, per rank at closed
/// nodes, and the grammar's own candidates at closed nodes.
const STATS: usize = 2 * RANKS + 1;
// Rank codes stay apart: open ranks, closed ranks, the grammar's own, forced.
const _: () = assert!(
    RANKS <= CLOSED as usize
        && CLOSED as usize + RANKS <= EXTRA as usize
        && (EXTRA as usize) < u8::MAX as usize
);
const MAGIC: &[u8; 8] = b"CRLDRFT2";
/// Files of the first format: no closed nodes.
const MAGIC_V1: &[u8; 8] = b"CRLDRFT1";

/// A drafter: its tables, what it learned of acceptance, and its budget.
pub struct Drafter {
    pub config: DraftConfig,
    vocab: usize,
    adjacency: Option<Adjacency>,
    ngram: Option<NGram>,
    /// Per statistic (see [`STATS`]): times offered below an accepted
    /// node, times it was the one accepted.
    offered: [f64; STATS],
    taken: [f64; STATS],
    budget: f64,
    template: Vec<(u32, u8)>,
    /// Decayed sums over tree passes of (1, n, t, n^2, n t): the least-
    /// squares line of pass time `t` against tokens fed `n`.
    cost: [f64; 5],
}

impl Drafter {
    pub fn new(vocab: usize, config: DraftConfig) -> Result<Drafter, Failure> {
        if config.min_nodes == 0 || config.min_nodes > config.max_nodes {
            return Err(Failure::argument(format!(
                "draft node bounds must satisfy 1 <= min_nodes <= max_nodes, not {} and {}",
                config.min_nodes, config.max_nodes
            )));
        }
        if config.max_depth == 0 {
            return Err(Failure::argument("draft max_depth must be at least 1"));
        }
        if config.closed_limit > MAX_CLOSED_LIMIT {
            return Err(Failure::argument(format!(
                "draft closed_limit must be at most {MAX_CLOSED_LIMIT}, not {}",
                config.closed_limit
            )));
        }
        let adjacency = match config.source {
            Source::NGram => None,
            _ => Some(Adjacency::new(vocab, config.k, config.max_bytes)?),
        };
        let ngram = match config.source {
            Source::Recycling => None,
            _ => Some(NGram::new(config.k, config.max_contexts)),
        };
        let template = template(config.max_nodes.min(80), config.max_depth.min(6));
        let budget = config.start_nodes.clamp(config.min_nodes, config.max_nodes) as f64;
        let (offered, taken) = prior();
        Ok(Drafter {
            config,
            vocab,
            adjacency,
            ngram,
            offered,
            taken,
            budget,
            template,
            cost: [0.0; 5],
        })
    }

    /// Records how long a forward pass over `fed` tokens took (seconds).
    pub fn observe_cost(&mut self, fed: usize, seconds: f64) {
        if !(seconds.is_finite() && seconds > 0.0) {
            return;
        }
        let (n, t) = (fed as f64, seconds);
        for (s, x) in self.cost.iter_mut().zip([1.0, n, t, n * n, n * t]) {
            *s = *s * 0.97 + x;
        }
    }

    /// The pass time as `a + b n` (seconds), once passes of different
    /// sizes were seen.
    pub fn cost_line(&self) -> Option<(f64, f64)> {
        let [w, sn, st, snn, snt] = self.cost;
        let den = w * snn - sn * sn;
        if w < 4.0 || den <= 1e-9 * w * w {
            return None;
        }
        let b = ((w * snt - sn * st) / den).max(0.0);
        let a = ((st - b * sn) / w).max(1e-6);
        Some((a, b))
    }

    /// The node budget of the next tree.
    pub fn budget(&self) -> usize {
        self.budget.round() as usize
    }

    pub fn adjacency(&self) -> Option<&Adjacency> {
        self.adjacency.as_ref()
    }

    pub fn ngram(&self) -> Option<&NGram> {
        self.ngram.as_ref()
    }

    /// The chance that the candidate of each rank is accepted, given its
    /// parent was.
    pub fn rank_prob(&self) -> Vec<f64> {
        (0..RANKS).map(|r| self.stat(r)).collect()
    }

    /// The same at closed nodes, where the grammar allows only a few
    /// tokens.
    pub fn closed_rank_prob(&self) -> Vec<f64> {
        (RANKS..2 * RANKS).map(|r| self.stat(r)).collect()
    }

    /// The chance that, at a closed node, the token accepted is one that
    /// only the grammar proposed.
    pub fn extra_mass(&self) -> f64 {
        self.stat(2 * RANKS)
    }

    fn stat(&self, i: usize) -> f64 {
        (self.taken[i] / self.offered[i].max(1e-9)).clamp(1e-4, 1.0)
    }

    fn candidates(&self, prev: Option<TokenId>, last: TokenId, out: &mut Vec<TokenId>) {
        if let Some(g) = &self.ngram {
            g.next(prev, last, out);
        }
        if let Some(a) = &self.adjacency {
            for &t in a.row(last) {
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
        out.truncate(RANKS);
    }

    /// A draft tree after `context` (its last token is the root, decided
    /// and not yet drafted from), checked by `guide` (at the state after
    /// the root); `fed` tokens go to the model before the tree (for the
    /// cost model, see [`Drafter::observe_cost`]).
    pub fn draft<G: Guide + ?Sized>(
        &self,
        guide: &mut G,
        context: &[TokenId],
        fed: usize,
    ) -> Result<DraftTree, Failure> {
        let Some(&root) = context.last() else {
            return Ok(DraftTree::default());
        };
        let prev = context.len().checked_sub(2).map(|i| context[i]);
        let max_nodes = self.budget().max(1);
        let mut cands =
            |p: Option<TokenId>, t: TokenId, out: &mut Vec<TokenId>| self.candidates(p, t, out);
        match self.config.shape {
            Shape::Dynamic => {
                let probs = self.rank_prob();
                let closed_probs = self.closed_rank_prob();
                let mut g = tree::Grow {
                    max_nodes,
                    max_depth: self.config.max_depth,
                    rank_prob: &probs,
                    candidates: &mut cands,
                    cost: if self.config.cost_aware {
                        self.cost_line()
                    } else {
                        None
                    },
                    fed,
                    closed: (self.config.closed_limit > 0).then(|| tree::Closed {
                        limit: self.config.closed_limit,
                        rank_prob: &closed_probs,
                        extra_mass: self.extra_mass(),
                    }),
                };
                tree::grow(guide, &mut g, prev, root)
            }
            Shape::Static => tree::fill(
                guide,
                &self.template,
                max_nodes.max(self.template.len()),
                self.config.max_depth,
                &mut cands,
                prev,
                root,
            ),
        }
    }

    /// Records the model's top-k after `token` (a verified position).
    pub fn observe_top(&mut self, token: TokenId, top: &[TokenId]) {
        if let Some(a) = &mut self.adjacency {
            a.update(token, top);
        }
    }

    /// Records accepted output (with the context before it, for its first
    /// tri-grams).
    pub fn observe_accepted(&mut self, tokens: &[TokenId]) {
        if let Some(g) = &mut self.ngram {
            g.update(tokens);
        }
    }

    /// Learns from one verification: `accepted` are the nodes taken, root
    /// first. Every node on the accepted path (and the root) offered its
    /// drafted children; the one taken, if any, counts for its rank. The
    /// budget grows by a fifth when the accepted path reached the tree's
    /// deepest level, and shrinks by a fifth when nothing drafted was taken.
    pub fn observe_verified(&mut self, tree: &DraftTree, accepted: &[u32]) {
        let mut parents = vec![ROOT];
        parents.extend_from_slice(accepted);
        for (i, &p) in parents.iter().enumerate() {
            let taken = accepted.get(i).copied();
            let mut extra = (false, false);
            for (n, &par) in tree.parents.iter().enumerate() {
                if par != p || tree.certain[n] {
                    continue;
                }
                let is_taken = taken == Some(n as u32);
                let s = match tree.ranks[n] {
                    EXTRA => {
                        extra = (true, extra.1 || is_taken);
                        continue;
                    }
                    r if (CLOSED..CLOSED + RANKS as u8).contains(&r) => {
                        (r - CLOSED) as usize + RANKS
                    }
                    r if (r as usize) < RANKS => r as usize,
                    _ => continue,
                };
                self.offered[s] += 1.0;
                if is_taken {
                    self.taken[s] += 1.0;
                }
            }
            if extra.0 {
                self.offered[2 * RANKS] += 1.0;
                if extra.1 {
                    self.taken[2 * RANKS] += 1.0;
                }
            }
        }
        let deepest = tree.depths.iter().copied().max().unwrap_or(0);
        let reached = accepted.last().map_or(0, |&n| tree.depths[n as usize]);
        let drafted = accepted.iter().any(|&n| !tree.certain[n as usize]);
        if deepest > 0 && reached >= deepest {
            self.budget *= 1.2;
        } else if !drafted && tree.certain.iter().any(|c| !c) {
            self.budget /= 1.2;
        }
        self.budget = self
            .budget
            .clamp(self.config.min_nodes as f64, self.config.max_nodes as f64);
    }

    pub fn vocab(&self) -> usize {
        self.vocab
    }

    /// The configuration, the tables and what was learned, as bytes
    /// ([`Drafter::from_bytes`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        let c = &self.config;
        out.push(match c.source {
            Source::Recycling => 0,
            Source::NGram => 1,
            Source::Both => 2,
        });
        out.push(match c.shape {
            Shape::Dynamic => 0,
            Shape::Static => 1,
        });
        out.push(u8::from(c.cost_aware));
        for v in [
            c.closed_limit,
            self.vocab,
            c.k,
            c.min_nodes,
            c.max_nodes,
            c.start_nodes,
            c.max_depth as usize,
            c.max_contexts,
        ] {
            tables::put(&mut out, v as u64);
        }
        tables::write_tables(&mut out, self.adjacency.as_ref(), self.ngram.as_ref());
        for v in self.offered.iter().chain(&self.taken) {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&self.budget.to_le_bytes());
        out
    }

    /// A drafter saved by [`Drafter::to_bytes`]; its adjacency matrix may
    /// take at most `max_bytes`.
    pub fn from_bytes(data: &[u8], max_bytes: usize) -> Result<Drafter, Failure> {
        let (rest, v1) = match (data.strip_prefix(MAGIC), data.strip_prefix(MAGIC_V1)) {
            (Some(rest), _) => (rest, false),
            (_, Some(rest)) => (rest, true),
            _ => return Err(Failure::syntax("not a corral drafter file")),
        };
        let mut r = tables::Reader { data: rest };
        let source = match r.byte()? {
            0 => Source::Recycling,
            1 => Source::NGram,
            2 => Source::Both,
            _ => return Err(Failure::syntax("a drafter file names an unknown source")),
        };
        let shape = match r.byte()? {
            0 => Shape::Dynamic,
            1 => Shape::Static,
            _ => return Err(Failure::syntax("a drafter file names an unknown shape")),
        };
        let cost_aware = match r.byte()? {
            0 => false,
            1 => true,
            _ => return Err(Failure::syntax("a drafter file is malformed")),
        };
        let closed_limit = if v1 {
            DraftConfig::default().closed_limit
        } else {
            usize::try_from(r.u64()?)
                .map_err(|_| Failure::syntax("a drafter file holds an impossible size"))?
        };
        let mut n = [0usize; 7];
        for x in n.iter_mut() {
            *x = usize::try_from(r.u64()?)
                .map_err(|_| Failure::syntax("a drafter file holds an impossible size"))?;
        }
        let [vocab, k, min_nodes, max_nodes, start_nodes, max_depth, max_contexts] = n;
        let config = DraftConfig {
            source,
            shape,
            k,
            min_nodes,
            max_nodes,
            start_nodes,
            max_depth: u32::try_from(max_depth)
                .map_err(|_| Failure::syntax("a drafter file holds an impossible depth"))?,
            max_bytes,
            max_contexts,
            cost_aware,
            closed_limit,
        };
        let mut d = Drafter::new(vocab, config)?;
        let (adj, ngram) = tables::read_tables(&mut r, d.config.max_bytes)?;
        if let Some(a) = &adj {
            if a.vocab() != vocab {
                return Err(Failure::argument(format!(
                    "the drafter file is for a vocabulary of {} tokens, not {vocab}",
                    a.vocab()
                )));
            }
        }
        if adj.is_some() != d.adjacency.is_some() || ngram.is_some() != d.ngram.is_some() {
            return Err(Failure::argument(
                "the drafter file holds other tables than its source asks for",
            ));
        }
        d.adjacency = adj;
        d.ngram = ngram;
        // First format: the open ranks only; the rest keep their prior.
        let kept = if v1 { RANKS } else { STATS };
        let mut counts = [0.0; 2 * STATS];
        for c in counts.iter_mut().take(2 * kept) {
            let v = f64::from_bits(r.u64()?);
            if !(v.is_finite() && v >= 0.0) {
                return Err(Failure::syntax("a drafter file holds a bad count"));
            }
            *c = v;
        }
        for i in 0..kept {
            d.offered[i] = counts[i];
            d.taken[i] = counts[kept + i].min(counts[i]);
        }
        let b = f64::from_bits(r.u64()?);
        if b.is_finite() {
            d.budget = b.clamp(d.config.min_nodes as f64, d.config.max_nodes as f64);
        }
        if !r.data.is_empty() {
            return Err(Failure::syntax("a drafter file has bytes past its end"));
        }
        Ok(d)
    }
}

/// The prior of the acceptance statistics, a few observations' worth: the
/// first candidate is taken about half the time, later ones less; at closed
/// nodes somewhat more, the grammar's own candidates a third of the time.
fn prior() -> ([f64; STATS], [f64; STATS]) {
    let offered = [4.0; STATS];
    let mut taken = [0.0; STATS];
    for r in 0..RANKS {
        taken[r] = 4.0 * 0.5 / (1.0 + r as f64);
        taken[RANKS + r] = 4.0 * 0.6 / (1.0 + r as f64);
    }
    taken[2 * RANKS] = 4.0 / 3.0;
    (offered, taken)
}

/// A [`TokenMatcher`] as a [`Guide`]; `forced` gives the jump-forward
/// tokens at its state (see [`crate::forced::forced_tokens`]).
pub struct MatcherGuide<'a, F> {
    m: &'a mut TokenMatcher,
    forced: F,
    mask: Vec<u32>,
}

impl<'a, F> MatcherGuide<'a, F> {
    pub fn new(m: &'a mut TokenMatcher, forced: F) -> Self {
        MatcherGuide {
            m,
            forced,
            mask: Vec::new(),
        }
    }
}

impl<F: FnMut(&mut TokenMatcher) -> Result<Vec<TokenId>, Failure>> Guide for MatcherGuide<'_, F> {
    fn allows(&mut self, tok: TokenId) -> Result<bool, Failure> {
        self.m.try_consume_checked(tok)
    }
    fn push(&mut self, tok: TokenId) -> Result<(), Failure> {
        self.m.consume(tok)
    }
    fn pop(&mut self) {
        self.m.rollback(1);
    }
    fn forced(&mut self) -> Result<Vec<TokenId>, Failure> {
        (self.forced)(self.m)
    }
    fn finished(&mut self) -> bool {
        self.m.is_finished()
    }
    fn few(&mut self, limit: usize) -> Result<Option<Vec<TokenId>>, Failure> {
        let vocab = self.m.token_grammar().vocab.clone();
        let eos = vocab.eos_token_ids().to_vec();
        self.mask.resize(vocab.mask_words(), 0);
        self.m.fill_mask(&mut self.mask)?;
        for &e in &eos {
            if let Some(w) = self.mask.get_mut(e as usize / 32) {
                *w &= !(1u32 << (e % 32));
            }
        }
        let mut n = 0usize;
        for w in &self.mask {
            n += w.count_ones() as usize;
            if n > limit {
                return Ok(None);
            }
        }
        let mut out = Vec::with_capacity(n);
        for (i, &w) in self.mask.iter().enumerate() {
            let mut w = w;
            while w != 0 {
                out.push((i * 32) as TokenId + w.trailing_zeros());
                w &= w - 1;
            }
        }
        Ok(Some(out))
    }
}

#[cfg(test)]
mod tests;
