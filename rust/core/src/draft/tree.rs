//! Draft trees: grown best-first by score under a node budget, or filled
//! from a static template, every node checked against the grammar as it is
//! added, forced tokens as certain chains.

use std::collections::BinaryHeap;

use crate::error::Failure;
use crate::vocab::TokenId;

/// No parent: a child of the root (the last token already decided).
pub const ROOT: u32 = u32::MAX;

/// A draft tree, parents before children. Node `i` is `tokens[i]`, drafted
/// after `parents[i]` (or after the root), at `depths[i]` (1 below the root).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DraftTree {
    pub tokens: Vec<TokenId>,
    pub parents: Vec<u32>,
    pub depths: Vec<u32>,
    /// Whether the node is a token the grammar forces (certain once its
    /// parent is accepted).
    pub certain: Vec<bool>,
    /// The candidate rank the node was drafted at: `r` at an open node,
    /// `CLOSED + r` for a table's candidate at a closed node, `EXTRA` for a
    /// token only the grammar proposed, `u8::MAX` when forced.
    pub ranks: Vec<u8>,
    /// Candidates the grammar refused while the tree was built.
    pub pruned: u32,
}

impl DraftTree {
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    fn add(&mut self, parent: u32, tok: TokenId, certain: bool, rank: u8) -> u32 {
        let depth = if parent == ROOT {
            1
        } else {
            self.depths[parent as usize] + 1
        };
        self.tokens.push(tok);
        self.parents.push(parent);
        self.depths.push(depth);
        self.certain.push(certain);
        self.ranks.push(rank);
        (self.tokens.len() - 1) as u32
    }

    /// The token before `node` and its own (for the root: `prev` and
    /// `root`), what its candidates are looked up by.
    fn context(
        &self,
        node: u32,
        prev: Option<TokenId>,
        root: TokenId,
    ) -> (Option<TokenId>, TokenId) {
        if node == ROOT {
            return (prev, root);
        }
        let par = self.parents[node as usize];
        let before = if par == ROOT {
            root
        } else {
            self.tokens[par as usize]
        };
        (Some(before), self.tokens[node as usize])
    }

    /// The nodes from the root down to `node` (inclusive).
    pub fn path(&self, node: u32) -> Vec<u32> {
        let mut p = Vec::new();
        let mut n = node;
        while n != ROOT {
            p.push(n);
            n = self.parents[n as usize];
        }
        p.reverse();
        p
    }
}

/// What the tree builder asks of the grammar: a matcher walked along the
/// tree (push and pop), or nothing at all (an unpruned tree).
pub trait Guide {
    /// Whether `tok` may come next (the state does not change).
    fn allows(&mut self, tok: TokenId) -> Result<bool, Failure>;
    /// Moves past `tok`, which [`Guide::allows`] allowed.
    fn push(&mut self, tok: TokenId) -> Result<(), Failure>;
    /// Undoes the last push.
    fn pop(&mut self);
    /// The tokens the grammar forces next (empty when none).
    fn forced(&mut self) -> Result<Vec<TokenId>, Failure>;
    /// Whether nothing may follow (after EOS, or a finished language).
    fn finished(&mut self) -> bool;
    /// Every token that may come next other than EOS, when there are at
    /// most `limit` of them (`None`: more, or not known).
    fn few(&mut self, limit: usize) -> Result<Option<Vec<TokenId>>, Failure> {
        let _ = limit;
        Ok(None)
    }
}

/// No grammar: every candidate allowed, nothing forced.
pub struct Unguided;

impl Guide for Unguided {
    fn allows(&mut self, _: TokenId) -> Result<bool, Failure> {
        Ok(true)
    }
    fn push(&mut self, _: TokenId) -> Result<(), Failure> {
        Ok(())
    }
    fn pop(&mut self) {}
    fn forced(&mut self) -> Result<Vec<TokenId>, Failure> {
        Ok(Vec::new())
    }
    fn finished(&mut self) -> bool {
        false
    }
}

/// The guide's position in the tree: the nodes pushed, root first.
#[derive(Default)]
pub(super) struct Cursor {
    path: Vec<u32>,
}

impl Cursor {
    /// Moves the guide to `node` (ROOT: back to the root).
    pub fn goto<G: Guide + ?Sized>(
        &mut self,
        g: &mut G,
        tree: &DraftTree,
        node: u32,
    ) -> Result<(), Failure> {
        let want = if node == ROOT {
            Vec::new()
        } else {
            tree.path(node)
        };
        let common = self
            .path
            .iter()
            .zip(&want)
            .take_while(|(a, b)| a == b)
            .count();
        while self.path.len() > common {
            g.pop();
            self.path.pop();
        }
        for &n in &want[common..] {
            g.push(tree.tokens[n as usize])?;
            self.path.push(n);
        }
        Ok(())
    }

    /// Back to the root: the guide as it was before the tree.
    pub fn reset<G: Guide + ?Sized>(&mut self, g: &mut G) {
        while self.path.pop().is_some() {
            g.pop();
        }
    }
}

/// Rank codes of nodes drafted where the grammar allows only a few tokens
/// (a closed node): a table's candidate of rank `r` is `CLOSED + r`, a
/// token only the grammar proposed is `EXTRA`.
pub const CLOSED: u8 = 32;
pub const EXTRA: u8 = 64;
/// The most nodes of one tree whose mask is taken to find closed ones.
const MAX_MASKS: usize = 32;
/// The largest `closed_limit`: past it, nodes inside free text would draft
/// thousands of candidates.
pub const MAX_CLOSED_LIMIT: usize = 64;

/// Scores of candidates at closed nodes.
pub(super) struct Closed<'a> {
    /// Nodes with at most this many allowed tokens are closed.
    pub limit: usize,
    /// The chance that the table's candidate of each rank is accepted at a
    /// closed node.
    pub rank_prob: &'a [f64],
    /// The chance that the accepted token is one only the grammar proposed
    /// (shared evenly among them).
    pub extra_mass: f64,
}

/// A candidate child waiting in the frontier, by score.
#[derive(PartialEq)]
struct Pending {
    score: f64,
    parent: u32,
    tok: TokenId,
    rank: u8,
}

impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Pending {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        // Highest score first; ties: the earlier parent, the lower rank.
        self.score
            .total_cmp(&o.score)
            .then(o.parent.wrapping_add(1).cmp(&self.parent.wrapping_add(1)))
            .then(o.rank.cmp(&self.rank))
    }
}

/// A node's candidates, best first: (the token before it, its token, out).
pub type Candidates<'a> = &'a mut dyn FnMut(Option<TokenId>, TokenId, &mut Vec<TokenId>);

/// How a tree is grown.
pub(super) struct Grow<'a> {
    pub max_nodes: usize,
    pub max_depth: u32,
    /// The chance that the candidate of each rank is the one accepted.
    pub rank_prob: &'a [f64],
    /// Candidates of a node, best first: (the token before it, its token).
    pub candidates: Candidates<'a>,
    /// The forward pass's time for `n` fed tokens as `a + b n` (None: no
    /// cost model yet). With it, growth stops where one more node would
    /// lower the expected tokens per second: a node's score is the chance
    /// it is accepted, so a tree's expected gain is `1 + sum of scores`.
    pub cost: Option<(f64, f64)>,
    /// Tokens fed before the tree (decided, not yet in the cache).
    pub fed: usize,
    /// Where the grammar leaves few tokens, every one of them is a
    /// candidate (None: the tables' candidates only).
    pub closed: Option<Closed<'a>>,
}

/// Adds `node`'s forced chain (if any) below it; returns the chain's end.
fn forced_chain<G: Guide + ?Sized>(
    g: &mut G,
    cur: &mut Cursor,
    tree: &mut DraftTree,
    node: u32,
    max_nodes: usize,
    max_depth: u32,
) -> Result<u32, Failure> {
    cur.goto(g, tree, node)?;
    if g.finished() {
        return Ok(node);
    }
    let forced = g.forced()?;
    let mut end = node;
    for t in forced {
        let depth = if end == ROOT {
            0
        } else {
            tree.depths[end as usize]
        };
        if tree.len() >= max_nodes || depth >= max_depth {
            break;
        }
        end = tree.add(end, t, true, u8::MAX);
    }
    Ok(end)
}

/// Grows a tree best-first: the frontier holds candidate children scored
/// by their parent's score times their rank's chance; the best is checked
/// against the grammar and, if allowed, added (with its forced chain) and
/// its own candidates enter the frontier. `root` is the last decided token
/// and `prev` the one before it.
pub(super) fn grow<G: Guide + ?Sized>(
    g: &mut G,
    grow: &mut Grow<'_>,
    prev: Option<TokenId>,
    root: TokenId,
) -> Result<DraftTree, Failure> {
    let mut tree = DraftTree::default();
    let mut cur = Cursor::default();
    let mut heap = BinaryHeap::new();
    let mut cands = Vec::new();
    let r = (|| {
        // The root's forced chain first: it is certain.
        let start = forced_chain(g, &mut cur, &mut tree, ROOT, grow.max_nodes, grow.max_depth)?;
        let masks = &mut 0usize;
        let mut push_children = |g: &mut G,
                                 tree: &DraftTree,
                                 heap: &mut BinaryHeap<Pending>,
                                 node: u32,
                                 score: f64|
         -> Result<(), Failure> {
            let (p, t) = tree.context(node, prev, root);
            cands.clear();
            (grow.candidates)(p, t, &mut cands);
            // The node's mask, while the tree has room for its children
            // and the masks taken stay few; a mask that fails (a budget hit
            // at a state decoding may never reach) leaves the node open.
            let few = match &grow.closed {
                Some(c) if tree.len() < grow.max_nodes && *masks < MAX_MASKS => {
                    *masks += 1;
                    g.few(c.limit).unwrap_or(None)
                }
                _ => None,
            };
            match (few, &grow.closed) {
                (Some(allowed), Some(c)) => {
                    // A closed node: the tables' candidates the grammar
                    // allows keep their order, then every other allowed
                    // token shares what is left.
                    cands.retain(|t| allowed.contains(t));
                    cands.truncate(c.rank_prob.len());
                    for (rank, &t) in cands.iter().enumerate() {
                        heap.push(Pending {
                            score: score * c.rank_prob[rank],
                            parent: node,
                            tok: t,
                            rank: CLOSED + rank as u8,
                        });
                    }
                    let extra: Vec<TokenId> =
                        allowed.into_iter().filter(|t| !cands.contains(t)).collect();
                    let each = c.extra_mass / extra.len().max(1) as f64;
                    for t in extra {
                        heap.push(Pending {
                            score: score * each,
                            parent: node,
                            tok: t,
                            rank: EXTRA,
                        });
                    }
                }
                _ => {
                    for (rank, &c) in cands.iter().enumerate().take(grow.rank_prob.len()) {
                        heap.push(Pending {
                            score: score * grow.rank_prob[rank],
                            parent: node,
                            tok: c,
                            rank: rank as u8,
                        });
                    }
                }
            }
            Ok(())
        };
        let start_depth = if start == ROOT {
            0
        } else {
            tree.depths[start as usize]
        };
        if start_depth < grow.max_depth {
            cur.goto(g, &tree, start)?;
            if !g.finished() {
                push_children(g, &tree, &mut heap, start, 1.0)?;
            }
        }
        let mut expected = 1.0;
        while tree.len() < grow.max_nodes {
            let Some(p) = heap.pop() else { break };
            if let Some((a, b)) = grow.cost {
                // Adding a node of score s helps iff s / b > (1 + E) / t(n).
                let n = (grow.fed + tree.len() + 1) as f64;
                if p.score * (a + b * n) < b * expected {
                    break;
                }
            }
            cur.goto(g, &tree, p.parent)?;
            if !g.allows(p.tok)? {
                tree.pruned += 1;
                continue;
            }
            let node = tree.add(p.parent, p.tok, false, p.rank);
            let before = tree.len();
            let end = forced_chain(g, &mut cur, &mut tree, node, grow.max_nodes, grow.max_depth)?;
            expected += p.score * (1 + tree.len() - before) as f64;
            if tree.depths[end as usize] >= grow.max_depth {
                continue;
            }
            cur.goto(g, &tree, end)?;
            if !g.finished() {
                push_children(g, &tree, &mut heap, end, p.score)?;
            }
        }
        Ok(tree)
    })();
    cur.reset(g);
    r
}

/// The static template: the shape [`grow`] gives with no grammar and a
/// fixed rank prior (about 80 nodes, depth 6, as in Token Recycling):
/// (parent index or ROOT, rank) per node, parents first.
pub fn template(max_nodes: usize, max_depth: u32) -> Vec<(u32, u8)> {
    const PRIOR: [f64; 8] = [0.55, 0.18, 0.09, 0.06, 0.04, 0.03, 0.025, 0.02];
    // Candidates named by rank: token = rank + 1 (distinct), so the shape
    // is the score order alone.
    let mut cands = |_: Option<TokenId>, _: TokenId, out: &mut Vec<TokenId>| {
        out.extend(1..=PRIOR.len() as TokenId);
    };
    let mut gr = Grow {
        max_nodes,
        max_depth,
        rank_prob: &PRIOR,
        candidates: &mut cands,
        cost: None,
        fed: 0,
        closed: None,
    };
    let tree = grow(&mut Unguided, &mut gr, None, 0).unwrap_or_default();
    tree.parents
        .iter()
        .zip(&tree.ranks)
        .map(|(&p, &r)| (p, r))
        .collect()
}

/// Fills the static template: a template node is drafted when its parent
/// was, with the parent's candidate of its rank, if the grammar allows it.
/// A forced chain below a node is inserted, and the template's children of
/// that node hang below the chain's end.
pub(super) fn fill<G: Guide + ?Sized>(
    g: &mut G,
    shape: &[(u32, u8)],
    max_nodes: usize,
    max_depth: u32,
    candidates: Candidates<'_>,
    prev: Option<TokenId>,
    root: TokenId,
) -> Result<DraftTree, Failure> {
    let mut tree = DraftTree::default();
    let mut cur = Cursor::default();
    // Template node -> the tree node its children hang from.
    let mut at: Vec<Option<u32>> = vec![None; shape.len()];
    let mut cache: Vec<(u32, Vec<TokenId>)> = Vec::new();
    let r = (|| {
        let root_end = forced_chain(g, &mut cur, &mut tree, ROOT, max_nodes, max_depth)?;
        for (i, &(tp, rank)) in shape.iter().enumerate() {
            if tree.len() >= max_nodes {
                break;
            }
            let parent = match tp {
                ROOT => root_end,
                p => match at.get(p as usize).copied().flatten() {
                    Some(n) => n,
                    None => continue,
                },
            };
            let depth = if parent == ROOT {
                0
            } else {
                tree.depths[parent as usize]
            };
            if depth >= max_depth {
                continue;
            }
            let c = match cache.iter().find(|x| x.0 == parent) {
                Some(x) => x.1.get(rank as usize).copied(),
                None => {
                    let (p, t) = tree.context(parent, prev, root);
                    let mut v = Vec::new();
                    candidates(p, t, &mut v);
                    let c = v.get(rank as usize).copied();
                    cache.push((parent, v));
                    c
                }
            };
            let Some(c) = c else { continue };
            cur.goto(g, &tree, parent)?;
            if g.finished() {
                continue;
            }
            if !g.allows(c)? {
                tree.pruned += 1;
                continue;
            }
            let node = tree.add(parent, c, false, rank);
            at[i] = Some(forced_chain(
                g, &mut cur, &mut tree, node, max_nodes, max_depth,
            )?);
        }
        Ok(tree)
    })();
    cur.reset(g);
    r
}
