//! Property tests of the token trie: on random small vocabularies, every
//! `TokTrie` query agrees with brute force over the token list.
//!
//! Tokens are short strings over a small alphabet (so prefixes are shared and
//! tokens repeat), mixed with empty tokens, special tokens and holes. Runs are
//! deterministic (a fixed seed, see `config`); `PROPTEST_CASES=N` and
//! `PROPTEST_RNG_SEED=N` explore further.

use std::collections::BTreeSet;

use corral_core::{TokTrie, TokenId, TokenSpec, TokenizerKind, TrieWalker, Vocabulary};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

fn config(cases: u32) -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(cases),
        // The same cases on every run, so a red run is a regression (another
        // seed explores: PROPTEST_RNG_SEED=N); nothing is written next to the
        // sources.
        rng_seed: RngSeed::Fixed(
            std::env::var("PROPTEST_RNG_SEED")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0x636f_7272_616c),
        ),
        failure_persistence: None,
        ..Config::default()
    }
}

/// Bytes that tokens are made of: few, so that prefixes are shared, with the
/// extremes 0x00 and 0xff.
const ALPHABET: &[u8] = b"ab\x00\xff ";

fn byte() -> impl Strategy<Value = u8> {
    prop_oneof![4 => proptest::sample::select(ALPHABET), 1 => any::<u8>()]
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(byte(), 0..=max)
}

#[derive(Debug, Clone)]
enum Spec {
    Normal(Vec<u8>),
    Special,
    Missing,
}

fn spec() -> impl Strategy<Value = Spec> {
    prop_oneof![
        12 => bytes(5).prop_map(Spec::Normal),
        1 => Just(Spec::Special),
        1 => Just(Spec::Missing),
    ]
}

/// A vocabulary of the given specs, with one EOS token appended.
fn vocabulary(specs: &[Spec]) -> Vocabulary {
    let mut tokens: Vec<TokenSpec> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| match s {
            Spec::Normal(b) => TokenSpec::Normal(b.clone()),
            Spec::Special => TokenSpec::Special(format!("<special{i}>")),
            Spec::Missing => TokenSpec::Missing,
        })
        .collect();
    tokens.push(TokenSpec::Special("<eos>".into()));
    let eos = tokens.len() as TokenId - 1;
    Vocabulary::new(tokens, &[eos], None, TokenizerKind::Raw).unwrap()
}

/// The trie's tokens by brute force: ordinary, non-empty, with their bytes.
fn trie_tokens(specs: &[Spec]) -> Vec<(TokenId, &[u8])> {
    specs
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match s {
            Spec::Normal(b) if !b.is_empty() => Some((i as TokenId, b.as_slice())),
            _ => None,
        })
        .collect()
}

/// Every non-empty prefix of every trie token: one trie node each.
fn prefixes(tokens: &[(TokenId, &[u8])]) -> BTreeSet<Vec<u8>> {
    tokens
        .iter()
        .flat_map(|(_, b)| (1..=b.len()).map(|k| b[..k].to_vec()))
        .collect()
}

/// Tokens sorted by (bytes, id): the trie's order.
fn sorted_ids<'a>(it: impl Iterator<Item = &'a (TokenId, &'a [u8])>) -> Vec<TokenId> {
    let mut v: Vec<(&[u8], TokenId)> = it.map(|&(id, b)| (b, id)).collect();
    v.sort_unstable();
    v.into_iter().map(|(_, id)| id).collect()
}

/// The bytes of every node, rebuilt from the DFS layout (depth and byte).
fn node_paths(t: &TokTrie) -> Vec<Vec<u8>> {
    let mut path = Vec::new();
    let mut out = vec![Vec::new()];
    for i in 1..t.node_count() {
        let d = t.depth(i);
        assert!(
            d >= 1 && d <= path.len() + 1,
            "node {i}: depth {d} after {path:?}"
        );
        path.truncate(d - 1);
        path.push(t.node(i).byte());
        out.push(path.clone());
    }
    out
}

/// A walker that enters a node only when `allowed` says so, and records the
/// tokens it is shown with the bytes of the path at that point.
struct Collect<F: Fn(&[u8]) -> bool> {
    allowed: F,
    path: Vec<u8>,
    found: Vec<(Vec<u8>, TokenId)>,
    entered: usize,
}

impl<F: Fn(&[u8]) -> bool> TrieWalker for Collect<F> {
    fn push(&mut self, byte: u8) -> bool {
        self.path.push(byte);
        if (self.allowed)(&self.path) {
            self.entered += 1;
            true
        } else {
            self.path.pop();
            false
        }
    }
    fn pop(&mut self, n: usize) {
        assert!(
            n >= 1 && n <= self.path.len(),
            "pop({n}) at depth {}",
            self.path.len()
        );
        self.path.truncate(self.path.len() - n);
    }
    fn tokens(&mut self, ids: &[TokenId]) {
        assert!(!ids.is_empty());
        for &id in ids {
            self.found.push((self.path.clone(), id));
        }
    }
}

proptest! {
    #![proptest_config(config(512))]

    /// The layout: one node per distinct prefix, in DFS (= sorted) order,
    /// with subtree sizes, depths and token ranges that match the token list.
    #[test]
    fn layout_matches_the_tokens(specs in proptest::collection::vec(spec(), 0..60)) {
        let v = vocabulary(&specs);
        let t = v.trie();
        let toks = trie_tokens(&specs);
        let prefixes = prefixes(&toks);

        prop_assert_eq!(t.token_count(), toks.len());
        prop_assert_eq!(t.node_count(), prefixes.len() + 1);
        prop_assert_eq!(t.max_depth(), toks.iter().map(|(_, b)| b.len()).max().unwrap_or(0));
        prop_assert_eq!(t.node(0).subtree_size(), t.node_count());
        prop_assert_eq!(t.find(b""), Some(0));

        let paths = node_paths(t);
        // DFS pre-order of a trie is the sorted order of its nodes' bytes.
        let expected: Vec<Vec<u8>> =
            std::iter::once(Vec::new()).chain(prefixes.iter().cloned()).collect();
        prop_assert_eq!(&paths, &expected);

        let mut grouped: Vec<TokenId> = Vec::new();
        for (i, p) in paths.iter().enumerate() {
            prop_assert_eq!(t.depth(i), p.len());
            prop_assert_eq!(t.find(p), Some(i));
            // The subtree: exactly the nodes whose bytes extend this node's.
            let size = paths.iter().filter(|q| q.starts_with(p)).count();
            prop_assert_eq!(t.node(i).subtree_size(), size, "node {} {:?}", i, p);
            // The node's tokens: those with exactly these bytes, by id.
            let here: Vec<TokenId> =
                toks.iter().filter(|(_, b)| *b == p.as_slice()).map(|&(id, _)| id).collect();
            prop_assert_eq!(t.node_tokens(i), here.as_slice());
            prop_assert_eq!(t.tok_start(i), grouped.len());
            grouped.extend(here);
            // Children: one per byte that extends this node.
            for b in 0..=255u8 {
                let mut q = p.clone();
                q.push(b);
                let want = paths.iter().position(|x| *x == q);
                prop_assert_eq!(t.child(i, b), want);
            }
        }
        prop_assert_eq!(t.token_ids(), grouped.as_slice());

        let bits = t.all_bits();
        prop_assert_eq!(bits.len(), v.mask_words());
        for id in 0..v.vocab_size() as TokenId {
            let set = bits[(id / 32) as usize] >> (id % 32) & 1 == 1;
            prop_assert_eq!(set, toks.iter().any(|&(t, _)| t == id), "id {}", id);
        }
    }

    /// `find`, `tokens_with_prefix` and `prefixes_of` on queries that are
    /// mostly prefixes (or extensions) of tokens, and sometimes not.
    #[test]
    fn lookups_match_brute_force(
        specs in proptest::collection::vec(spec(), 1..60),
        queries in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..8, bytes(3)), 1..12),
    ) {
        let v = vocabulary(&specs);
        let t = v.trie();
        let toks = trie_tokens(&specs);
        let prefixes = prefixes(&toks);
        for (idx, cut, tail) in queries {
            // A token's bytes, cut short, then extended by random bytes.
            let mut q: Vec<u8> = match &specs[idx.index(specs.len())] {
                Spec::Normal(b) => b[..cut.min(b.len())].to_vec(),
                _ => Vec::new(),
            };
            q.extend_from_slice(&tail);

            let node = t.find(&q);
            prop_assert_eq!(node.is_some(), q.is_empty() || prefixes.contains(&q), "{:?}", q);
            if let Some(n) = node {
                prop_assert_eq!(t.depth(n), q.len());
            }

            let want = sorted_ids(toks.iter().filter(|(_, b)| b.starts_with(&q)));
            prop_assert_eq!(t.tokens_with_prefix(&q), want, "tokens_with_prefix({:?})", q);

            // Shortest first; equal bytes by id.
            let want = sorted_ids(toks.iter().filter(|(_, b)| q.starts_with(b)));
            prop_assert_eq!(t.prefixes_of(&q), want, "prefixes_of({:?})", q);
        }
    }

    /// A walk that refuses some nodes shows exactly the tokens all of whose
    /// prefixes are accepted, in trie order, with balanced push / pop, and
    /// never enters a node under a refused one (the subtree is skipped).
    #[test]
    fn walks_skip_refused_subtrees(
        specs in proptest::collection::vec(spec(), 0..60),
        refused in proptest::collection::btree_set(bytes(3), 0..6),
        max_depth in 1usize..7,
    ) {
        let v = vocabulary(&specs);
        let t = v.trie();
        let toks = trie_tokens(&specs);
        let allowed = |p: &[u8]| p.len() <= max_depth && !refused.contains(p);
        let mut w = Collect { allowed, path: Vec::new(), found: Vec::new(), entered: 0 };
        t.walk(&mut w);
        prop_assert!(w.path.is_empty(), "unbalanced walk: {:?} left", w.path);

        for (path, id) in &w.found {
            prop_assert_eq!(path.as_slice(), v.bytes_or_empty(*id));
        }
        let got: Vec<TokenId> = w.found.iter().map(|&(_, id)| id).collect();
        let want = sorted_ids(
            toks.iter().filter(|(_, b)| (1..=b.len()).all(|k| allowed(&b[..k]))),
        );
        prop_assert_eq!(got, want);

        // Nodes entered: the prefixes whose own prefixes are all allowed.
        let entered = prefixes(&toks)
            .iter()
            .filter(|p| (1..=p.len()).all(|k| allowed(&p[..k])))
            .count();
        prop_assert_eq!(w.entered, entered);
    }
}
