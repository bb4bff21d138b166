//! Token masks on tiny vocabularies and grammars, against brute force: a
//! token is allowed exactly when a fork of the matcher takes it and what
//! it leaves can still be completed (decided by a bounded search over the
//! vocabulary's tokens, a chosen few of them in a large vocabulary). Also
//! the token sets against plain bitsets, and the cache, the scratch and
//! the walk budget.

use std::sync::Arc;

use serde_json::{json, Value};

use super::tokenset::{Runs, TokenSet};
use super::{MaskConfig, TokenGrammar};
use crate::json_schema::{compile, Options, Whitespace};
use crate::lark::{parse_lark, LarkOptions};
use crate::sample::Rng;
use crate::vocab::{TokenId, TokenKind, TokenSpec, TokenizerKind, Vocabulary};
use crate::{CompiledGrammar, Config, TokenMatcher};

/// Ordinary tokens first (ids in order), then EOS, then the specials.
fn vocab(tokens: &[&[u8]], specials: &[&str]) -> Arc<Vocabulary> {
    let mut specs: Vec<TokenSpec> = tokens
        .iter()
        .map(|t| TokenSpec::Normal(t.to_vec()))
        .collect();
    let eos = specs.len() as TokenId;
    specs.push(TokenSpec::Special("</s>".into()));
    specs.extend(specials.iter().map(|s| TokenSpec::Special(s.to_string())));
    Arc::new(Vocabulary::new(specs, &[eos], None, TokenizerKind::Raw).unwrap())
}

fn lark(text: &str) -> Arc<CompiledGrammar> {
    CompiledGrammar::new(
        parse_lark(text, "<t>", &LarkOptions::default()).unwrap(),
        Config::default(),
    )
    .unwrap()
}

fn schema(s: Value) -> Arc<CompiledGrammar> {
    let opts = Options {
        whitespace: Whitespace::Compact,
        ..Options::default()
    };
    CompiledGrammar::new(compile(&s, &opts).unwrap().grammar, Config::default()).unwrap()
}

fn bound(g: Arc<CompiledGrammar>, v: &Arc<Vocabulary>) -> Arc<TokenGrammar> {
    TokenGrammar::new(g, v.clone()).unwrap()
}

fn has(mask: &[u32], t: TokenId) -> bool {
    mask[(t / 32) as usize] >> (t % 32) & 1 == 1
}

fn ids_of(mask: &[u32], n: usize) -> Vec<TokenId> {
    (0..n as TokenId).filter(|&t| has(mask, t)).collect()
}

fn mask_of(m: &mut TokenMatcher) -> Vec<u32> {
    let mut out = vec![0u32; m.token_grammar().vocab.mask_words()];
    m.fill_mask(&mut out).unwrap();
    out
}

fn show(v: &Vocabulary, t: TokenId) -> String {
    match v.token_bytes(t) {
        Some(b) => format!("{:?}", String::from_utf8_lossy(b)),
        None => v.special_name(t).unwrap_or("?").to_owned(),
    }
}

/// The brute-force side: a completion is looked for among the sequences
/// of at most `depth` tokens of `alpha`.
struct Brute {
    alpha: Vec<TokenId>,
    depth: usize,
}

impl Brute {
    /// Completions spelled with every ordinary and special token (EOS
    /// aside).
    fn new(v: &Vocabulary, depth: usize) -> Brute {
        let alpha = (0..v.vocab_size() as TokenId)
            .filter(|&t| v.kind(t) != TokenKind::Missing && !v.eos_token_ids().contains(&t))
            .collect();
        Brute { alpha, depth }
    }

    /// Completions spelled with the tokens `spelled` only (a large
    /// vocabulary).
    fn with(v: &Vocabulary, spelled: &[&[u8]], depth: usize) -> Brute {
        let alpha = spelled.iter().map(|s| id(v, s)).collect();
        Brute { alpha, depth }
    }

    /// Whether `m` reaches a complete output in at most `depth` more
    /// tokens.
    fn within(&self, m: &mut TokenMatcher, depth: usize) -> bool {
        if m.is_accepting() {
            return true;
        }
        if depth == 0 {
            return false;
        }
        for &t in &self.alpha {
            let ok = m.consume(t).is_ok() && self.within(m, depth - 1);
            m.rollback(1);
            if ok {
                return true;
            }
        }
        false
    }

    /// Iterative deepening: short completions are found without walking
    /// the long ones.
    fn completable(&self, m: &mut TokenMatcher, depth: usize) -> bool {
        (0..=depth).any(|d| self.within(m, d))
    }
}

/// How much deeper than asked a completion is looked for before a token
/// the mask allows counts as a dead end.
const DEEPER: usize = 2;

/// Fills `m`'s mask and compares it with brute force: each token tried on
/// a fork, then a completion looked for (within `DEEPER` more tokens where
/// the mask allows the token and none is near). Returns the mask and the
/// tokens after which a completion is near.
fn check(m: &mut TokenMatcher, brute: &Brute, label: &str) -> (Vec<u32>, Vec<TokenId>) {
    let mask = mask_of(m);
    let v = m.token_grammar().vocab.clone();
    let mut bad = Vec::new();
    let mut near = Vec::new();
    for t in 0..v.vocab_size() as TokenId {
        let mut f = m.clone();
        let taken = f.try_consume(t);
        let mut done = false;
        if taken {
            f.consume(t).unwrap();
            done = brute.completable(&mut f, brute.depth);
            if done {
                near.push(t);
            } else if has(&mask, t) {
                done = brute.completable(&mut f, brute.depth + DEEPER);
            }
        }
        if has(&mask, t) != done {
            bad.push(format!(
                "{} (mask {}, taken {taken}, completable {done})",
                show(&v, t),
                has(&mask, t)
            ));
        }
    }
    assert!(bad.is_empty(), "{label}: {}", bad.join("; "));
    (mask, near)
}

/// Checks the mask at the start and after each token of `tokens` (an
/// ordinary token's bytes, or a special token's name).
fn check_along(tg: &Arc<TokenGrammar>, brute: &Brute, tokens: &[&[u8]]) {
    let v = tg.vocab.clone();
    let mut m = TokenMatcher::new(tg.clone());
    check(&mut m, brute, "start");
    for (i, s) in tokens.iter().enumerate() {
        let t = id(&v, s);
        m.consume(t)
            .unwrap_or_else(|e| panic!("token {i} ({}): {e}", show_bytes(s)));
        let done: Vec<String> = tokens[..=i].iter().map(|t| show_bytes(t)).collect();
        check(&mut m, brute, &format!("after {}", done.join(" ")));
    }
}

/// The id of the token spelled `s` (an ordinary token's bytes, or a
/// special token's name).
fn id(v: &Vocabulary, s: impl AsRef<[u8]>) -> TokenId {
    let s = s.as_ref();
    (0..v.vocab_size() as TokenId)
        .find(|&t| v.token_bytes(t) == Some(s) || v.special_name(t).map(str::as_bytes) == Some(s))
        .unwrap_or_else(|| panic!("no token {}", show_bytes(s)))
}

fn show_bytes(b: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(b))
}

/// Random walks from the start, every state checked, each next token one
/// the mask allows with a completion near (so the states stay within
/// reach of the search). Returns the most threads a state held.
fn walks(tg: &Arc<TokenGrammar>, brute: &Brute, seed: u64, n: usize, steps: usize) -> usize {
    let v = tg.vocab.clone();
    let eos = v.eos_token_ids()[0];
    let mut rng = Rng::new(seed);
    let mut most = 0;
    for w in 0..n {
        let mut m = TokenMatcher::new(tg.clone());
        let mut path = Vec::new();
        for _ in 0..steps {
            most = most.max(m.byte_matcher().threads.len());
            let label = format!("walk {w} after {}", path.join(" "));
            let (_, near) = check(&mut m, brute, &label);
            let next: Vec<TokenId> = near.into_iter().filter(|&t| t != eos).collect();
            if next.is_empty() || (m.is_accepting() && rng.chance(0.1)) {
                break;
            }
            let t = next[rng.below(next.len())];
            path.push(show(&v, t));
            m.consume(t).unwrap();
        }
    }
    most
}

// --- Token sets --------------------------------------------------------

fn plain_bits(tokens: &[TokenId], words: usize) -> Vec<u32> {
    let mut bits = vec![0u32; words];
    for &t in tokens {
        bits[(t / 32) as usize] |= 1 << (t % 32);
    }
    bits
}

#[test]
fn token_sets_agree_with_a_plain_bitset() {
    let mut rng = Rng::new(7);
    for words in [1usize, 2, 3, 8] {
        for _ in 0..300 {
            // Around the switch from a list to a bitmap (more tokens than
            // words), repeats and order arbitrary.
            let k = rng.below(3 * words + 3);
            let toks: Vec<TokenId> = (0..k).map(|_| rng.below(words * 32) as TokenId).collect();
            let set = TokenSet::new(&toks, words);
            assert_eq!(matches!(set, TokenSet::Dense(_)), k > words, "{toks:?}");
            if let TokenSet::Sparse(ts) = &set {
                assert!(ts.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
            }
            let want = plain_bits(&toks, words);
            let mut out = vec![0u32; words];
            set.or_into(&mut out);
            assert_eq!(out, want, "{toks:?}");
            // Into a filled mask: a union.
            let pre: Vec<u32> = (0..words).map(|_| rng.next_u64() as u32).collect();
            let mut out = pre.clone();
            set.or_into(&mut out);
            let union: Vec<u32> = pre.iter().zip(&want).map(|(a, b)| a | b).collect();
            assert_eq!(out, union);
            assert!(set.bytes() <= 4 * words.max(k));
        }
    }
}

/// A vocabulary of random strings over a few bytes (repeated bytes and
/// repeated tokens included), so nodes hold zero, one or several tokens.
fn random_vocab(rng: &mut Rng, n: usize) -> Arc<Vocabulary> {
    let specs: Vec<TokenSpec> = (0..n)
        .map(|i| {
            if i % 17 == 5 {
                return TokenSpec::Special(format!("<s{i}>"));
            }
            let len = 1 + rng.below(5);
            TokenSpec::Normal((0..len).map(|_| b"abc"[rng.below(3)]).collect())
        })
        .collect();
    Arc::new(Vocabulary::new(specs, &[5], None, TokenizerKind::Raw).unwrap())
}

#[test]
fn runs_of_nodes_round_trip_to_token_sets() {
    let mut rng = Rng::new(11);
    for round in 0..60 {
        let n = 20 + rng.below(200);
        let v = random_vocab(&mut rng, n);
        let trie = v.trie();
        let words = v.mask_words();
        // Nodes kept in trie order, as a walk keeps them.
        let p = [0.1, 0.5, 0.9][round % 3];
        let kept: Vec<usize> = (1..trie.node_count()).filter(|_| rng.chance(p)).collect();
        let mut runs = Runs::default();
        for &i in &kept {
            runs.add(trie, i);
        }
        let ranges = runs.finish();
        assert!(
            ranges.windows(2).all(|w| w[0].1 < w[1].0),
            "ascending, apart: {ranges:?}"
        );
        let want: Vec<TokenId> = kept
            .iter()
            .flat_map(|&i| trie.node_tokens(i).iter().copied())
            .collect();
        let mut got: Vec<TokenId> = ranges
            .iter()
            .flat_map(|&(s, e)| trie.token_ids()[s..e].iter().copied())
            .collect();
        got.sort_unstable();
        let mut sorted = want.clone();
        sorted.sort_unstable();
        assert_eq!(got, sorted, "round {round}");
        let set = TokenSet::from_ranges(trie, &ranges, words);
        let mut out = vec![0u32; words];
        set.or_into(&mut out);
        assert_eq!(out, plain_bits(&want, words), "round {round}");
        // Ranges in any order, overlapping: the same set.
        let mut shuffled = ranges.clone();
        for &(s, e) in &ranges {
            if e > s {
                shuffled.push((s + (e - s) / 2, e));
            }
        }
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, rng.below(i + 1));
        }
        let mut out = vec![0u32; words];
        TokenSet::from_ranges(trie, &shuffled, words).or_into(&mut out);
        assert_eq!(out, plain_bits(&want, words), "round {round}, shuffled");
    }
}

#[test]
fn token_sets_from_ranges_take_both_forms() {
    let mut rng = Rng::new(3);
    let v = random_vocab(&mut rng, 300);
    let trie = v.trie();
    let words = v.mask_words();
    let n = trie.token_count();
    let all = TokenSet::from_ranges(trie, &[(0, n)], words);
    assert!(matches!(all, TokenSet::Dense(_)));
    let mut out = vec![0u32; words];
    all.or_into(&mut out);
    assert_eq!(out, trie.all_bits());
    let few = TokenSet::from_ranges(trie, &[(1, 2), (n - 1, n)], words);
    assert!(matches!(few, TokenSet::Sparse(_)));
    let mut out = vec![0u32; words];
    few.or_into(&mut out);
    let ids = trie.token_ids();
    assert_eq!(out, plain_bits(&[ids[1], ids[n - 1]], words));
    let none = TokenSet::from_ranges(trie, &[(4, 4)], words);
    let mut out = vec![0u32; words];
    none.or_into(&mut out);
    assert!(out.iter().all(|&w| w == 0));
}

// --- Masks against brute force -------------------------------------------
//
// Each vocabulary has tokens that close what is open (`))`, `":1}`), so
// completions stay within a few tokens of every state the walks reach.

mod grammars;
