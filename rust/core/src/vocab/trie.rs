//! The token trie: every ordinary token's bytes in one trie laid out in DFS
//! (pre-)order, each node carrying the size of its subtree.
//!
//! The layout makes the mask walk a linear scan: a node's children follow it,
//! and when the lexer rejects a byte, the whole subtree under it (every token
//! that starts with the bytes so far) is skipped in one step by adding the
//! subtree size to the index. Built by sorting the tokens' bytes and laying out
//! the sorted list as a trie in one pass (sorted order is DFS order).

use super::spec::TokenId;

/// One trie node: 8 bytes, so a walk streams through memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C)]
pub struct TrieNode {
    /// `subtree_size << 8 | byte`.
    bits: u32,
    /// Start of this node's tokens in the trie's token list; they end where
    /// the next node's start.
    tok_start: u32,
}

/// Most bytes the ordinary tokens of a vocabulary may have in all: the trie
/// has at most one node per byte, and a node's subtree size has 24 bits.
pub const MAX_TRIE_BYTES: usize = (1 << 24) - 4;

/// Most bytes one ordinary token may have: node depths are 16 bits.
pub const MAX_TOKEN_BYTES: usize = u16::MAX as usize;

impl TrieNode {
    /// The byte on the edge into this node (0 for the root).
    #[inline(always)]
    pub fn byte(self) -> u8 {
        self.bits as u8
    }

    /// Number of nodes in this node's subtree, itself included.
    #[inline(always)]
    pub fn subtree_size(self) -> usize {
        (self.bits >> 8) as usize
    }
}

/// Callbacks of [`TokTrie::walk`].
pub trait TrieWalker {
    /// Enter the child reached by `byte`; return false to skip its subtree.
    fn push(&mut self, byte: u8) -> bool;
    /// Leave `n` nodes entered earlier (innermost first).
    fn pop(&mut self, n: usize);
    /// The node just entered ends these tokens (all with the same bytes).
    fn tokens(&mut self, ids: &[TokenId]);
}

/// A trie over a vocabulary's ordinary tokens, in DFS order with subtree sizes.
#[derive(Debug, Clone)]
pub struct TokTrie {
    /// Node 0 is the root; one extra sentinel node at the end closes the
    /// token ranges.
    nodes: Vec<TrieNode>,
    /// Token ids, grouped by node in node order.
    token_ids: Vec<TokenId>,
    /// Each node's depth (its bytes' length; the root's is 0): a walk
    /// keeps its state per depth, so leaving any number of subtrees costs
    /// nothing.
    depths: Vec<u16>,
    max_depth: usize,
    /// The root's child for each first byte (0: none), so a lookup does
    /// not scan up to 256 siblings.
    root_child: Box<[u32; 256]>,
    /// The bitmap of every token in the trie (built on first use).
    all_bits: std::sync::OnceLock<Box<[u32]>>,
    /// Words of a bitmap over the vocabulary's ids.
    words: usize,
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

impl TokTrie {
    /// Builds the trie of a vocabulary's ordinary, non-empty tokens, given
    /// as ids `0..n_ids` and each id's bytes (`None` for a special or
    /// missing id); masks over it are `mask_words` words wide.
    ///
    /// [`Vocabulary::new`](super::Vocabulary::new) caps the bytes of
    /// ordinary tokens below [`MAX_TRIE_BYTES`], so the node count always
    /// fits the node layout.
    pub fn build<'v>(
        n_ids: usize,
        mask_words: usize,
        token_bytes: impl Fn(TokenId) -> Option<&'v [u8]>,
    ) -> TokTrie {
        // Sort by (first 8 bytes as a big-endian key, whole bytes, id): the
        // key settles almost every comparison without touching the bytes, and
        // zero padding keeps key order consistent with byte order.
        let mut keyed: Vec<(u64, &[u8], TokenId)> = (0..n_ids as TokenId)
            .filter_map(|id| match token_bytes(id) {
                Some(b) if !b.is_empty() => {
                    let mut k = [0u8; 8];
                    let n = b.len().min(8);
                    k[..n].copy_from_slice(&b[..n]);
                    Some((u64::from_be_bytes(k), b, id))
                }
                _ => None,
            })
            .collect();
        keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)).then(a.2.cmp(&b.2)));
        let order = keyed;

        let mut nodes: Vec<TrieNode> = Vec::with_capacity(order.len() * 2 + 2);
        let mut token_ids: Vec<TokenId> = Vec::with_capacity(order.len());
        nodes.push(TrieNode {
            bits: 0,
            tok_start: 0,
        });
        // `path[d]` is the node at depth d on the current branch.
        let mut path: Vec<u32> = vec![0];
        let mut max_depth = 0;
        let mut prev: &[u8] = &[];
        let close = |nodes: &mut Vec<TrieNode>, idx: u32| {
            let size = (nodes.len() - idx as usize) as u32;
            let n = &mut nodes[idx as usize];
            n.bits |= size << 8;
        };
        for &(_, b, id) in &order {
            let l = common_prefix(prev, b);
            while path.len() > l + 1 {
                let idx = path.pop().expect("path holds the root");
                close(&mut nodes, idx);
            }
            for &byte in &b[l..] {
                path.push(nodes.len() as u32);
                nodes.push(TrieNode {
                    bits: byte as u32,
                    tok_start: token_ids.len() as u32,
                });
            }
            token_ids.push(id);
            max_depth = max_depth.max(b.len());
            prev = b;
        }
        while let Some(idx) = path.pop() {
            close(&mut nodes, idx);
        }
        nodes.push(TrieNode {
            bits: 0,
            tok_start: token_ids.len() as u32,
        });
        debug_assert!(nodes.len() <= MAX_TRIE_BYTES + 2);
        debug_assert!(max_depth <= MAX_TOKEN_BYTES);
        let mut depths = vec![0u16; nodes.len()];
        let mut open: Vec<usize> = Vec::with_capacity(max_depth + 1);
        for i in 1..nodes.len() - 1 {
            while open.last().is_some_and(|&end| end <= i) {
                open.pop();
            }
            depths[i] = open.len() as u16 + 1;
            open.push(i + nodes[i].subtree_size());
        }
        let mut root_child = Box::new([0u32; 256]);
        let mut c = 1;
        while c + 1 < nodes.len() {
            root_child[nodes[c].byte() as usize] = c as u32;
            c += nodes[c].subtree_size();
        }
        TokTrie {
            root_child,
            all_bits: std::sync::OnceLock::new(),
            words: mask_words,
            nodes,
            token_ids,
            depths,
            max_depth,
        }
    }

    /// Number of nodes, the root included.
    pub fn node_count(&self) -> usize {
        self.nodes.len() - 1
    }

    /// Number of tokens in the trie.
    pub fn token_count(&self) -> usize {
        self.token_ids.len()
    }

    /// Length of the longest token, in bytes.
    pub fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// Node `i` (0 is the root).
    #[inline(always)]
    pub fn node(&self, i: usize) -> TrieNode {
        self.nodes[i]
    }

    /// Node `i`'s depth: the length of its bytes.
    #[inline(always)]
    pub fn depth(&self, i: usize) -> usize {
        self.depths[i] as usize
    }

    /// Where node `i`'s tokens start in [`TokTrie::token_ids`]; they end
    /// where node `i + 1`'s start (so a run of nodes holds one range).
    #[inline(always)]
    pub fn tok_start(&self, i: usize) -> usize {
        self.nodes[i].tok_start as usize
    }

    /// Every token id, grouped by node in node order.
    #[inline(always)]
    pub fn token_ids(&self) -> &[TokenId] {
        &self.token_ids
    }

    /// The bitmap (one bit per token id, [`Vocabulary::mask_words`] words)
    /// of every token in the trie.
    pub fn all_bits(&self) -> &[u32] {
        self.all_bits.get_or_init(|| {
            let mut bits = vec![0u32; self.words].into_boxed_slice();
            for &t in &self.token_ids {
                bits[(t / 32) as usize] |= 1 << (t % 32);
            }
            bits
        })
    }

    /// The tokens whose bytes end exactly at node `i`.
    #[inline(always)]
    pub fn node_tokens(&self, i: usize) -> &[TokenId] {
        let s = self.nodes[i].tok_start as usize;
        let e = self.nodes[i + 1].tok_start as usize;
        &self.token_ids[s..e]
    }

    /// The child of `node` reached by `byte`.
    pub fn child(&self, node: usize, byte: u8) -> Option<usize> {
        if node == 0 {
            let c = self.root_child[byte as usize] as usize;
            return (c != 0).then_some(c);
        }
        let end = node + self.nodes[node].subtree_size();
        let mut c = node + 1;
        while c < end {
            let n = self.nodes[c];
            if n.byte() == byte {
                return Some(c);
            }
            c += n.subtree_size();
        }
        None
    }

    /// The node reached from the root by `bytes`.
    pub fn find(&self, bytes: &[u8]) -> Option<usize> {
        bytes.iter().try_fold(0, |n, &b| self.child(n, b))
    }

    /// All tokens whose bytes start with `prefix`, ascending by bytes.
    pub fn tokens_with_prefix(&self, prefix: &[u8]) -> Vec<TokenId> {
        match self.find(prefix) {
            None => Vec::new(),
            Some(n) => {
                let end = n + self.nodes[n].subtree_size();
                let s = self.nodes[n].tok_start as usize;
                let e = self.nodes[end].tok_start as usize;
                self.token_ids[s..e].to_vec()
            }
        }
    }

    /// All tokens whose bytes are a prefix of `bytes` (shortest first).
    pub fn prefixes_of(&self, bytes: &[u8]) -> Vec<TokenId> {
        let mut out = Vec::new();
        self.for_each_prefix(bytes, |t| out.push(t));
        out
    }

    /// Calls `f` on each token that is a prefix of `bytes`, shortest
    /// first, without allocating.
    pub fn for_each_prefix(&self, bytes: &[u8], mut f: impl FnMut(TokenId)) {
        let mut n = 0;
        for &b in bytes {
            match self.child(n, b) {
                None => break,
                Some(c) => {
                    for &t in self.node_tokens(c) {
                        f(t);
                    }
                    n = c;
                }
            }
        }
    }

    /// Walks the trie depth-first; `walker.push` decides which subtrees to
    /// enter, and a rejected node's subtree is skipped in one step.
    pub fn walk<W: TrieWalker>(&self, walker: &mut W) {
        let end = self.node_count();
        // End index (exclusive) of each entered node's subtree.
        let mut open: Vec<usize> = Vec::with_capacity(self.max_depth + 1);
        let mut i = 1;
        while i < end {
            let mut pops = 0;
            while let Some(&e) = open.last() {
                if e > i {
                    break;
                }
                open.pop();
                pops += 1;
            }
            if pops > 0 {
                walker.pop(pops);
            }
            let n = self.nodes[i];
            if walker.push(n.byte()) {
                let toks = self.node_tokens(i);
                if !toks.is_empty() {
                    walker.tokens(toks);
                }
                open.push(i + n.subtree_size());
                i += 1;
            } else {
                i += n.subtree_size();
            }
        }
        if !open.is_empty() {
            walker.pop(open.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{TokenSpec, TokenizerKind, Vocabulary};

    fn vocab(tokens: &[&[u8]]) -> Vocabulary {
        let mut specs: Vec<TokenSpec> = tokens
            .iter()
            .map(|t| TokenSpec::Normal(t.to_vec()))
            .collect();
        specs.push(TokenSpec::Special("<eos>".into()));
        let eos = specs.len() as u32 - 1;
        Vocabulary::new(specs, &[eos], None, TokenizerKind::Raw).unwrap()
    }

    type PathFilter = dyn Fn(&[u8]) -> bool;

    /// Collects the tokens of every node whose path stays inside `allowed`.
    struct Collect<'a> {
        allowed: &'a PathFilter,
        path: Vec<u8>,
        found: Vec<(Vec<u8>, TokenId)>,
    }

    impl TrieWalker for Collect<'_> {
        fn push(&mut self, byte: u8) -> bool {
            self.path.push(byte);
            if (self.allowed)(&self.path) {
                true
            } else {
                self.path.pop();
                false
            }
        }
        fn pop(&mut self, n: usize) {
            self.path.truncate(self.path.len() - n);
        }
        fn tokens(&mut self, ids: &[TokenId]) {
            for &id in ids {
                self.found.push((self.path.clone(), id));
            }
        }
    }

    #[test]
    fn layout_and_lookup() {
        let v = vocab(&[b"ab", b"a", b"abc", b"b", b"ab", b"", b"ba"]);
        let t = v.trie();
        // root, a, ab, abc, b, ba
        assert_eq!(t.node_count(), 6);
        assert_eq!(t.token_count(), 6); // the empty token is left out
        assert_eq!(t.node(0).subtree_size(), 6);
        assert_eq!(t.node(1).byte(), b'a');
        assert_eq!(t.node(1).subtree_size(), 3);
        assert_eq!(t.node_tokens(t.find(b"ab").unwrap()), &[0, 4]);
        assert_eq!(t.tokens_with_prefix(b"a"), vec![1, 0, 4, 2]);
        assert_eq!(t.tokens_with_prefix(b"c"), Vec::<u32>::new());
        assert_eq!(t.prefixes_of(b"abcd"), vec![1, 0, 4, 2]);
        assert_eq!(t.max_depth(), 3);
    }

    #[test]
    fn walk_matches_brute_force() {
        // A pseudo-random vocabulary over a small alphabet, so prefixes repeat.
        let mut state = 0x9e3779b97f4a7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let toks: Vec<Vec<u8>> = (0..3000)
            .map(|_| {
                let len = 1 + (next() % 6) as usize;
                (0..len)
                    .map(|_| b"abc\xff"[(next() % 4) as usize])
                    .collect()
            })
            .collect();
        let refs: Vec<&[u8]> = toks.iter().map(Vec::as_slice).collect();
        let v = vocab(&refs);
        let t = v.trie();
        for tok in &toks {
            assert_eq!(t.depth(t.find(tok).unwrap()), tok.len());
        }
        let filters: [&PathFilter; 3] = [&|_| true, &|p| !p.contains(&b'c'), &|p| {
            p.len() <= 3 && p[0] != b'a'
        }];
        for f in filters {
            let mut w = Collect {
                allowed: f,
                path: Vec::new(),
                found: Vec::new(),
            };
            t.walk(&mut w);
            assert!(w.path.is_empty());
            let mut got: Vec<TokenId> = w.found.iter().map(|(_, id)| *id).collect();
            for (p, id) in &w.found {
                assert_eq!(p.as_slice(), v.bytes_or_empty(*id));
            }
            got.sort_unstable();
            let want: Vec<TokenId> = (0..toks.len() as TokenId)
                .filter(|&id| {
                    let b = v.bytes_or_empty(id);
                    (1..=b.len()).all(|k| f(&b[..k]))
                })
                .collect();
            assert_eq!(got, want);
        }
    }
}
