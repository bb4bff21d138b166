//! Walking the token trie through the lexer from one state: the tokens
//! that stay inside the lexeme, and the boundary groups where terminals
//! end (see the module docs of `mask`).

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::cache::TokenGrammar;
use std::sync::RwLock;

use super::entry::{BoundaryKey, Cond, CutGroup, Entry, Group, WalkKey, Walked};
use super::tokenset::{Runs, TokenSet};
use crate::error::Failure;
use crate::lexer::counted::{CountedString, Scan};
use crate::lexer::{regex, Accept, LexState, LookaheadId, Row, Step};
use crate::vocab::{TokTrie, TokenId};
use regex_automata::util::primitives::StateID;

/// Root children with subtrees this large are walked on their own and
/// kept (see [`TokenGrammar::root_walk`]); smaller ones are walked together.
pub(super) const SHARED_SUBTREE: usize = 512;

impl TokenGrammar {
    /// The boundary group at closing quotes of string text: these tokens
    /// end right after one, below these nodes more follows; `end` is the
    /// lexer state there. None when there are neither.
    pub(super) fn close_group(
        &self,
        end: LexState,
        tokens: Vec<TokenId>,
        inner: Vec<u32>,
    ) -> CutGroup {
        if tokens.is_empty() && inner.is_empty() {
            return None;
        }
        let accepts = self.grammar.lexer.info(end).accepts.clone();
        Some(Arc::new(Group {
            accept_id: self.accept_id(&accepts),
            accepts,
            la: LookaheadId::NONE,
            la_state: 0,
            tokens: TokenSet::new(&tokens, self.vocab.mask_words()),
            inner: inner.into_boxed_slice(),
            cont: RwLock::new(FxHashMap::default()),
        }))
    }

    pub(super) fn accept_id(&self, accepts: &[Accept]) -> u32 {
        let mut ids = self.accept_ids.lock().unwrap_or_else(|e| e.into_inner());
        let n = ids.len() as u32;
        *ids.entry(accepts.into()).or_insert(n)
    }

    /// What terminals `accepts` ending (with look-ahead `la` pending) leave
    /// for the next lexeme's bytes: per ending, the bytes greedily matched
    /// ignored text excludes first, and the look-ahead left pending. None
    /// when some ending leaves nothing (any byte may follow).
    pub(super) fn pending_conds(
        &self,
        accepts: &[Accept],
        la: LookaheadId,
        la_state: u32,
    ) -> Option<Vec<Cond>> {
        let lexer = &self.grammar.lexer;
        let mut conds: Vec<Cond> = Vec::new();
        for acc in accepts {
            let excl = if self.grammar.is_ignore[acc.term.index()] {
                lexer.exclusion_set(acc.munch)
            } else {
                None
            };
            let (l, st) = match lexer.lookahead(acc.lookahead) {
                Some(l) if !l.matches_empty() => (acc.lookahead, l.start.as_u32()),
                Some(l) if l.negative => continue,
                _ => (la, la_state),
            };
            if excl.is_none() && l.is_none() {
                return None;
            }
            conds.push((excl, l, st));
        }
        conds.sort_unstable();
        conds.dedup();
        Some(conds)
    }

    /// Whether a new lexeme can start below trie node `node` under
    /// `conds` ([`TokenGrammar::pending_conds`]): some path down the subtree
    /// passes them (its first byte is not excluded, and it satisfies the
    /// look-ahead, or a token ends while it is still undecided). Otherwise
    /// (a word ending inside a longer word under a word-boundary test, a
    /// line comment ending before the line does) the node is not worth a
    /// walk of its own.
    pub(super) fn subtree_passes(&self, node: usize, conds: Option<&[Cond]>) -> bool {
        let trie = self.vocab.trie();
        let size = trie.node(node).subtree_size();
        if size == 1 {
            return false;
        }
        let Some(conds) = conds else { return true };
        let lexer = &self.grammar.lexer;
        for &(excl, l, st) in conds {
            let l = lexer.lookahead(l);
            // (subtree end, look-ahead state) of the open nodes
            let mut stack: Vec<(usize, u32)> = Vec::new();
            let mut i = node + 1;
            while i < node + size {
                while stack.last().is_some_and(|&(e, _)| i >= e) {
                    stack.pop();
                }
                let n = trie.node(i);
                let b = n.byte();
                if stack.is_empty() && excl.is_some_and(|x| x[b as usize / 64] >> (b % 64) & 1 == 1)
                {
                    i += n.subtree_size();
                    continue;
                }
                let Some(l) = l else { return true };
                let cur = stack.last().map_or(st, |x| x.1);
                let (ns, res) = l.step(StateID::new_unchecked(cur as usize), b);
                match res {
                    Some(held) if held != l.negative => return true,
                    Some(_) => i += n.subtree_size(),
                    None if !trie.node_tokens(i).is_empty() => return true,
                    None => {
                        stack.push((i + n.subtree_size(), ns.as_u32()));
                        i += 1;
                    }
                }
            }
        }
        false
    }

    /// Walks the children of each of `nodes` from a thread's lexer state
    /// and pending look-ahead, stepping both as [`Matcher::step`] does.
    pub(super) fn compute(&self, nodes: &[u32], key: WalkKey) -> Result<Entry, Failure> {
        let trie: &TokTrie = self.vocab.trie();
        let spans: Vec<(usize, usize)> = nodes
            .iter()
            .map(|&n| {
                (
                    n as usize + 1,
                    n as usize + trie.node(n as usize).subtree_size(),
                )
            })
            .collect();
        let w = self.walk_spans(&spans, key)?;
        Ok(self.entry_of(&w.ranges, w.groups))
    }

    pub(super) fn entry_of(&self, ranges: &[(usize, usize)], groups: Vec<Arc<Group>>) -> Entry {
        Entry {
            ci: Arc::new(TokenSet::from_ranges(
                self.vocab.trie(),
                ranges,
                self.vocab.mask_words(),
            )),
            groups: groups.into_boxed_slice(),
        }
    }

    /// The walk from the root for state `key` (no look-ahead pending),
    /// put together from walks below each child with a large subtree, kept
    /// per (state reached there, child) and themselves put together the same
    /// way: states that agree on most bytes (an object key's prefixes, which
    /// leave the listed names for any other key after a byte or two) share
    /// most of their walk, and a state that behaves like plain string text
    /// reads its walk off the vocabulary's scan.
    pub(super) fn root_walk(&self, key: WalkKey) -> Result<Entry, Failure> {
        let trie: &TokTrie = self.vocab.trie();
        let mut w = Walked {
            ranges: Vec::new(),
            groups: Vec::new(),
        };
        // The scan's place is tracked down from the trie's root (where a
        // scan starts, between characters) in the text the root is in or
        // next to (past an escape's backslash, say), or else in any JSON
        // text (the listed names of an object key give way to it).
        let text = match self.grammar.lexer.text_near(key.lex)? {
            Some(t) => Some(t),
            None => regex::json_text(),
        };
        let place = text.as_ref().map(|t| (t, t.unit_start()));
        self.children_walk(key, (1, trie.node(0).subtree_size()), place, &mut w)?;
        let groups = self.merge_groups(w.groups);
        Ok(self.entry_of(&w.ranges, groups))
    }

    /// One group per (terminals ending, look-ahead pending) out of the
    /// groups of walks put together: the parser steps once per group, and
    /// a group's walks below are one walk below all its nodes.
    fn merge_groups(&self, groups: Vec<Arc<Group>>) -> Vec<Arc<Group>> {
        let mut at: FxHashMap<BoundaryKey, Vec<Arc<Group>>> = FxHashMap::default();
        let mut order = Vec::new();
        for g in groups {
            let k = BoundaryKey {
                accept_id: g.accept_id,
                la: g.la,
                la_state: g.la_state,
            };
            let v = at.entry(k).or_default();
            if v.is_empty() {
                order.push(k);
            }
            v.push(g);
        }
        let words = self.vocab.mask_words();
        order
            .into_iter()
            .map(|k| {
                let mut v = at.remove(&k).unwrap_or_default();
                if v.len() == 1 {
                    return v.pop().expect("one group");
                }
                let mut tokens: Vec<TokenId> = Vec::new();
                let mut inner: Vec<u32> = Vec::new();
                for g in &v {
                    g.tokens.extend_into(&mut tokens);
                    inner.extend_from_slice(&g.inner);
                }
                inner.sort_unstable();
                inner.dedup();
                Arc::new(Group {
                    accepts: v[0].accepts.clone(),
                    accept_id: k.accept_id,
                    la: k.la,
                    la_state: k.la_state,
                    tokens: TokenSet::new(&tokens, words),
                    inner: inner.into_boxed_slice(),
                    cont: RwLock::new(FxHashMap::default()),
                })
            })
            .collect()
    }

    /// Adds to `out` the walk of the sibling nodes of `span` (and below)
    /// from their parent's state `key`; `place` is where the scan of plain
    /// string text is at the parent, if inside the text.
    pub(super) fn children_walk(
        &self,
        key: WalkKey,
        span: (usize, usize),
        place: Option<(&Arc<CountedString>, u32)>,
        out: &mut Walked,
    ) -> Result<(), Failure> {
        let s = key.lex;
        let trie: &TokTrie = self.vocab.trie();
        let lexer = &self.grammar.lexer;
        let row = lexer.row(s);
        let mut small: Vec<(usize, usize)> = Vec::new();
        let mut c = span.0;
        while c < span.1 {
            let size = trie.node(c).subtree_size();
            let child = (c, c + size);
            c += size;
            let b = trie.node(child.0).byte();
            let st = lexer.step_in(row, s, b)?;
            if st.state() == LexState::DEAD {
                continue;
            }
            let at = place.and_then(|(t, p)| match t.scan(p, b) {
                Scan::Next(p2, _) => Some((t, p2)),
                _ => None,
            });
            if size < SHARED_SUBTREE {
                // A small subtree inside plain text is read off the scan
                // too (an object key past the listed names), not kept.
                let text = match at {
                    Some((t, p)) => self.text_sub(st.state(), child, t, p)?,
                    None => None,
                };
                match text {
                    Some(w) => {
                        out.ranges.extend_from_slice(&w.ranges);
                        out.groups.extend(w.groups);
                    }
                    None => small.push(child),
                }
                continue;
            }
            let w = self.sub_walk(key, st, child, at)?;
            out.ranges.extend_from_slice(&w.ranges);
            out.groups.extend(w.groups.iter().cloned());
        }
        if !small.is_empty() {
            let w = self.walk_spans(&small, key)?;
            out.ranges.extend_from_slice(&w.ranges);
            out.groups.extend(w.groups);
        }
        Ok(())
    }

    /// The walk of node `span.0` and below, reached by step `st` from its
    /// parent's state `key` (`place`: the scan's place there), kept.
    pub(super) fn sub_walk(
        &self,
        key: WalkKey,
        st: Step,
        span: (usize, usize),
        place: Option<(&Arc<CountedString>, u32)>,
    ) -> Result<Arc<Walked>, Failure> {
        let ns = st.state();
        let sub_key = (ns, span.0 as u32);
        if let Some(w) = self.subs.read().ok().and_then(|m| m.get(&sub_key).cloned()) {
            return Ok(w);
        }
        let text = match place {
            Some((t, p)) => self.text_sub(ns, span, t, p)?,
            None => None,
        };
        let w = match text {
            Some(w) => w,
            None => {
                // The node itself, then its children the same way.
                let mut w = self.walk_spans(&[(span.0, span.0 + 1)], key)?;
                if st.live() {
                    let below = WalkKey {
                        lex: ns,
                        la: LookaheadId::NONE,
                        la_state: 0,
                    };
                    self.children_walk(below, (span.0 + 1, span.1), place, &mut w)?;
                }
                w
            }
        };
        let w = Arc::new(w);
        self.keep(&self.subs, sub_key, &w, w.bytes());
        Ok(w)
    }

    /// Walks the nodes of each span (siblings and their subtrees: a span
    /// starts at a node and ends where its parent's subtree does, or at
    /// the end of the node's own) from a thread's lexer state and pending
    /// look-ahead at their parent, stepping both as [`Matcher::step`] does.
    pub(super) fn walk_spans(
        &self,
        spans: &[(usize, usize)],
        key: WalkKey,
    ) -> Result<Walked, Failure> {
        let WalkKey {
            lex: s,
            la,
            la_state,
        } = key;
        let trie: &TokTrie = self.vocab.trie();
        let lexer = &self.grammar.lexer;
        // Tokens valid by continuing the lexeme, as ranges of the trie's
        // token list: consecutive nodes hold consecutive tokens, so a walk
        // through a string's text makes few ranges.
        let mut runs = Runs::default();
        let mut groups: Vec<(BoundaryKey, LexState, Vec<TokenId>, Vec<u32>)> = Vec::new();
        let mut group_of: FxHashMap<BoundaryKey, usize> = FxHashMap::default();
        // Per (lexer state, look-ahead, its state) at a boundary: the group
        // and what the ending leaves for the next lexeme.
        let mut at_state: FxHashMap<(LexState, LookaheadId, u32), (usize, usize)> =
            FxHashMap::default();
        let mut conds: Vec<Option<Vec<Cond>>> = Vec::new();
        // Where terminals end at node `i` (lexer state `ns`, look-ahead
        // pending there): the node joins the group of what ends there.
        let mut boundary =
            |i: usize, ns: LexState, live: bool, pla: LookaheadId, pla_state: u32| {
                let info = lexer.info(ns);
                let (gi, ci) = *at_state.entry((ns, pla, pla_state)).or_insert_with(|| {
                    let gk = BoundaryKey {
                        accept_id: self.accept_id(&info.accepts),
                        la: pla,
                        la_state: pla_state,
                    };
                    let gi = *group_of.entry(gk).or_insert_with(|| {
                        groups.push((gk, ns, Vec::new(), Vec::new()));
                        groups.len() - 1
                    });
                    conds.push(self.pending_conds(&info.accepts, pla, pla_state));
                    (gi, conds.len() - 1)
                });
                let g = &mut groups[gi];
                if !live {
                    g.2.extend_from_slice(trie.node_tokens(i));
                }
                if self.subtree_passes(i, conds[ci].as_deref()) {
                    g.3.push(i as u32);
                }
            };
        let root_row = lexer.row(s);
        let fast = la.is_none();
        if fast {
            // The same walk with nothing pending anywhere (the usual case):
            // a smaller frame per depth.
            let mut path: Vec<(LexState, &Row)> = vec![(s, root_row); trie.max_depth() + 1];
            for &(first, end) in spans {
                path[trie.depth(first) - 1] = (s, root_row);
                let mut i = first;
                while i < end {
                    let d = trie.depth(i);
                    let (ps, row) = path[d - 1];
                    let n = trie.node(i);
                    let st = lexer.step_in(row, ps, n.byte())?;
                    let ns = st.state();
                    if ns == LexState::DEAD {
                        i += n.subtree_size();
                        continue;
                    }
                    if st.accepts() {
                        boundary(i, ns, st.live(), LookaheadId::NONE, 0);
                    }
                    if st.live() {
                        runs.add(trie, i);
                        if n.subtree_size() > 1 {
                            let nrow = if ns == ps { row } else { lexer.row(ns) };
                            path[d] = (ns, nrow);
                        }
                        i += 1;
                    } else {
                        i += n.subtree_size();
                    }
                }
            }
        }
        // (lexer state, its transitions, look-ahead, look-ahead state) per
        // depth along the current path: a node's parent is one depth up,
        // so leaving subtrees needs no bookkeeping.
        type Frame<'a> = (LexState, &'a Row, LookaheadId, u32);
        let mut path: Vec<Frame> = vec![(s, root_row, la, la_state); trie.max_depth() + 1];
        for &(first, end) in spans.iter().filter(|_| !fast) {
            path[trie.depth(first) - 1] = (s, root_row, la, la_state);
            let mut i = first;
            while i < end {
                let d = trie.depth(i);
                let (ps, row, mut pla, mut pla_state) = path[d - 1];
                let n = trie.node(i);
                let b = n.byte();
                if let Some(l) = lexer.lookahead(pla) {
                    let (ns, res) = l.step(StateID::new_unchecked(pla_state as usize), b);
                    match (l.negative, res) {
                        (true, Some(true)) | (false, Some(false)) => {
                            i += n.subtree_size();
                            continue;
                        }
                        (true, Some(false)) | (false, Some(true)) => {
                            pla = LookaheadId::NONE;
                            pla_state = 0;
                        }
                        (_, None) => pla_state = ns.as_u32(),
                    }
                }
                let st = lexer.step_in(row, ps, b)?;
                let ns = st.state();
                if ns == LexState::DEAD {
                    i += n.subtree_size();
                    continue;
                }
                if st.accepts() {
                    boundary(i, ns, st.live(), pla, pla_state);
                }
                if st.live() {
                    runs.add(trie, i);
                    if n.subtree_size() > 1 {
                        // Inside a lexeme the state often loops.
                        let nrow = if ns == ps { row } else { lexer.row(ns) };
                        path[d] = (ns, nrow, pla, pla_state);
                    }
                    i += 1;
                } else {
                    i += n.subtree_size();
                }
            }
        }
        let ranges = runs.finish();
        // Walks from nested nodes can meet the same node (and tokens, which
        // the sets drop).
        if spans.len() > 1 {
            for g in groups.iter_mut() {
                g.3.sort_unstable();
                g.3.dedup();
            }
        }
        let words = self.vocab.mask_words();
        Ok(Walked {
            ranges,
            groups: groups
                .into_iter()
                .map(|(key, state, tokens, inner)| {
                    Arc::new(Group {
                        accepts: lexer.info(state).accepts.clone(),
                        accept_id: key.accept_id,
                        la: key.la,
                        la_state: key.la_state,
                        tokens: TokenSet::new(&tokens, words),
                        inner: inner.into_boxed_slice(),
                        cont: RwLock::new(FxHashMap::default()),
                    })
                })
                .collect(),
        })
    }
}
