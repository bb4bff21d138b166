//! Property tests of rollback and fork against replay: on a few grammars and
//! random, mostly valid inputs (samples of the grammar with random edits),
//!
//! - consuming n more steps and rolling them back leaves the matcher in the
//!   state a fresh matcher reaches by replaying the prefix: the same
//!   acceptance, error, allowed next bytes (or token mask), forced bytes, and
//!   the same future on any continuation;
//! - a fork (a clone) evolves independently of its parent, both ways.
//!
//! Byte matchers and token matchers (over a small vocabulary holding every
//! single byte, some longer pieces, EOS and special tokens) are both checked.
//! Runs are deterministic (a fixed seed, see `config`); `PROPTEST_CASES=N`
//! and `PROPTEST_RNG_SEED=N` explore further.

use std::path::Path;
use std::sync::{Arc, LazyLock};

use corral_core::grammar::Grammar;
use corral_core::lark::{parse_lark, parse_lark_file, LarkOptions};
use corral_core::sample::{Rng, Sampler};
use corral_core::{
    CompiledGrammar, Config, Matcher, TokenGrammar, TokenId, TokenMatcher, TokenSpec,
    TokenizerKind, Vocabulary,
};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config as PropConfig, RngSeed};
use serde::Deserialize;

fn config(cases: u32) -> PropConfig {
    PropConfig {
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
                .unwrap_or(0x726f_6c6c_6261_636b),
        ),
        failure_persistence: None,
        ..PropConfig::default()
    }
}

/// Words with adjacent terminals that split in several ways (`ab` is one
/// WORD or two), nesting, an ignored space, and a special token.
const WORDS: &str = r#"
start: item+
item: WORD | NUM | "(" item* ")" | WORD "=" NUM | <|other|>
WORD: /[a-z]+/
NUM: /[0-9]+/
%ignore " "
"#;

struct Case {
    name: &'static str,
    cg: Arc<CompiledGrammar>,
    tg: Arc<TokenGrammar>,
    /// Strings of the language (the corpus's and the sampler's): the seeds of
    /// the inputs.
    samples: Vec<Vec<u8>>,
    /// Bytes that matter to the grammar, used by edits.
    alphabet: &'static [u8],
}

#[derive(Deserialize)]
struct Corpus {
    accept: Vec<Text>,
}

#[derive(Deserialize)]
struct Text {
    text: String,
}

/// A shipped grammar (grammars/NAME.lark) and the texts its corpus
/// (grammars/NAME.toml) accepts.
fn shipped(name: &str) -> (Grammar, Vec<Vec<u8>>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../grammars");
    let g = parse_lark_file(&dir.join(format!("{name}.lark")), &LarkOptions::default()).unwrap();
    let corpus = std::fs::read_to_string(dir.join(format!("{name}.toml"))).unwrap();
    let corpus: Corpus = toml::from_str(&corpus).unwrap();
    (
        g,
        corpus
            .accept
            .into_iter()
            .map(|t| t.text.into_bytes())
            .collect(),
    )
}

fn case(
    name: &'static str,
    (g, mut samples): (Grammar, Vec<Vec<u8>>),
    alphabet: &'static [u8],
    vocab: &Arc<Vocabulary>,
) -> Case {
    let sampler = Sampler::new(&g);
    // Depths from shallow to deep: the arithmetic grammar nests a chain of
    // rules per operator, so short depths only reach atoms.
    samples.extend(
        (0..2000u64)
            .filter_map(|seed| sampler.sample(&mut Rng::new(seed), 4 + (seed % 5) as u32 * 5))
            .filter(|s| s.len() <= 160)
            .take(64),
    );
    samples.sort();
    samples.dedup();
    assert!(samples.len() >= 8, "{name}: {} samples", samples.len());
    let cg = CompiledGrammar::new(g, Config::default()).unwrap();
    for s in &samples {
        let mut m = Matcher::new(cg.clone());
        assert!(
            m.consume_bytes(s) && m.is_accepting(),
            "{name}: sample {s:?} is not accepted"
        );
    }
    let tg = TokenGrammar::new(cg.clone(), vocab.clone()).unwrap();
    Case {
        name,
        cg,
        tg,
        samples,
        alphabet,
    }
}

/// Every single byte, multi-byte pieces of the grammars' texts, two special
/// tokens (one EOS), and a hole.
static VOCAB: LazyLock<Arc<Vocabulary>> = LazyLock::new(|| {
    let mut tokens: Vec<TokenSpec> = (0..=255u8).map(|b| TokenSpec::Normal(vec![b])).collect();
    for piece in [
        "{\"", "\":", "\": ", "\", \"", "\"}", "\"]", ", ", "[]", "{}", "[{", "}]", "true",
        "false", "null", "nu", "ll", "0.", "e+", "12", "-1", "\\u00", "\\n", "  ", "\n ", "**",
        "max(", "(1", ") ", " + ", " * ", "ab", "abc", "x=", "=1", " (", "))",
    ] {
        tokens.push(TokenSpec::Normal(piece.as_bytes().to_vec()));
    }
    tokens.push(TokenSpec::Missing);
    tokens.push(TokenSpec::Special("<|other|>".into()));
    tokens.push(TokenSpec::Special("<|eos|>".into()));
    let eos = tokens.len() as TokenId - 1;
    Arc::new(Vocabulary::new(tokens, &[eos], Some(eos as usize + 8), TokenizerKind::Raw).unwrap())
});

static CASES: LazyLock<Vec<Case>> = LazyLock::new(|| {
    let words = parse_lark(WORDS, "<words>", &LarkOptions::default()).unwrap();
    vec![
        case(
            "json",
            shipped("json"),
            b"{}[]\",:.-+eE0123456789 \n\\utrfalsn",
            &VOCAB,
        ),
        case(
            "arith",
            shipped("arith"),
            b"()+-*/%,.eE0123456789 xmax_",
            &VOCAB,
        ),
        case("words", (words, Vec::new()), b"()= abz09", &VOCAB),
    ]
});

/// One random edit of a byte or token string.
#[derive(Debug, Clone)]
enum Edit {
    Insert(Index, Index),
    Delete(Index),
    Replace(Index, Index),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<Index>(), any::<Index>()).prop_map(|(at, x)| Edit::Insert(at, x)),
        any::<Index>().prop_map(Edit::Delete),
        (any::<Index>(), any::<Index>()).prop_map(|(at, x)| Edit::Replace(at, x)),
    ];
    // Mostly valid inputs: no edit in about half the cases.
    prop_oneof![
        1 => Just(Vec::new()),
        1 => proptest::collection::vec(edit, 1..3),
    ]
}

/// Applies `edits`; `pick` turns an index into an inserted element.
fn apply<T: Clone>(mut s: Vec<T>, edits: &[Edit], pick: impl Fn(&Index) -> T) -> Vec<T> {
    for e in edits {
        match e {
            Edit::Insert(at, x) => {
                let i = at.index(s.len() + 1);
                s.insert(i, pick(x));
            }
            Edit::Delete(at) if !s.is_empty() => {
                let i = at.index(s.len());
                s.remove(i);
            }
            Edit::Replace(at, x) if !s.is_empty() => {
                let i = at.index(s.len());
                s[i] = pick(x);
            }
            _ => {}
        }
    }
    s
}

/// A byte input: a sample, edited, cut into the chunks of `consume_bytes`
/// calls (some of them empty).
fn byte_input(c: &Case, sample: &Index, edits: &[Edit], cuts: &[Index]) -> Vec<Vec<u8>> {
    let s = c.samples[sample.index(c.samples.len())].clone();
    let alphabet = c.alphabet;
    let s = apply(s, edits, |x| {
        // Now and then any byte at all, else one the grammar uses.
        let i = x.index(alphabet.len() + 16);
        if i < alphabet.len() {
            alphabet[i]
        } else {
            x.index(256) as u8
        }
    });
    let mut at: Vec<usize> = cuts.iter().map(|i| i.index(s.len() + 1)).collect();
    at.push(s.len());
    at.sort_unstable();
    let mut start = 0;
    at.into_iter()
        .map(|end| {
            let chunk = s[start..end].to_vec();
            start = end;
            chunk
        })
        .collect()
}

/// Greedy longest-match tokenization (every byte is a token).
fn tokenize(v: &Vocabulary, text: &[u8]) -> Vec<TokenId> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let t = *v.trie().prefixes_of(&text[i..]).last().unwrap();
        i += v.bytes_or_empty(t).len();
        out.push(t);
    }
    out
}

/// Any id, often a special one (EOS, `<|other|>`), a hole or a padded id.
fn any_token(v: &Vocabulary, x: &Index) -> TokenId {
    let odd = [
        v.vocab_size() - 1,
        v.n_ids() - 1,
        v.n_ids() - 2,
        v.n_ids() - 3,
    ];
    let i = x.index(v.vocab_size() + 4 * odd.len());
    (if i < v.vocab_size() {
        i
    } else {
        odd[i % odd.len()]
    }) as TokenId
}

/// A token input: a sample tokenized, edited with any id (EOS, special,
/// missing ones included), maybe ended by EOS.
fn token_input(c: &Case, sample: &Index, edits: &[Edit], eos: bool) -> Vec<TokenId> {
    let v = &c.tg.vocab;
    let s = &c.samples[sample.index(c.samples.len())];
    let mut toks = apply(tokenize(v, s), edits, |x| any_token(v, x));
    if eos {
        toks.push(v.eos_token_ids()[0]);
    }
    toks
}

/// What can be observed of a byte matcher (each query leaves it as it was).
#[derive(Debug, PartialEq, Eq)]
struct ByteView {
    accepting: bool,
    finished: bool,
    error: Option<String>,
    consumed: usize,
    depth: usize,
    expected: Vec<String>,
    /// The bytes `push_byte` takes next.
    next: Vec<u8>,
    forced: Vec<u8>,
}

fn byte_view(m: &mut Matcher) -> ByteView {
    let mut v = ByteView {
        accepting: m.is_accepting(),
        finished: m.is_finished(),
        error: m.error().map(|e| e.to_string()),
        consumed: m.bytes_consumed(),
        depth: m.depth(),
        expected: m.expected(),
        next: Vec::new(),
        forced: Vec::new(),
    };
    // The probes below roll back what they push: the state must not move.
    v.next = (0..=255u8)
        .filter(|&b| {
            let ok = m.push_byte(b);
            m.rollback(1);
            ok
        })
        .collect();
    v.forced = m.forced_bytes();
    let again = ByteView {
        accepting: m.is_accepting(),
        finished: m.is_finished(),
        error: m.error().map(|e| e.to_string()),
        consumed: m.bytes_consumed(),
        depth: m.depth(),
        expected: m.expected(),
        next: v.next.clone(),
        forced: v.forced.clone(),
    };
    assert_eq!(
        v, again,
        "push_byte + rollback(1) or forced_bytes moved the state"
    );
    v
}

/// What can be observed of a token matcher.
#[derive(Debug, PartialEq, Eq)]
struct TokenView {
    accepting: bool,
    finished: bool,
    error: Option<String>,
    depth: usize,
    consumed: usize,
    mask: Vec<u32>,
    forced: Vec<u8>,
}

fn token_view(m: &mut TokenMatcher) -> TokenView {
    let scalars = |m: &TokenMatcher| TokenView {
        accepting: m.is_accepting(),
        finished: m.is_finished(),
        error: m.error().map(|e| e.message.clone()),
        depth: m.depth(),
        consumed: m.byte_matcher().bytes_consumed(),
        mask: Vec::new(),
        forced: Vec::new(),
    };
    let mut v = scalars(m);
    let mut mask = vec![0u32; m.token_grammar().vocab.mask_words()];
    m.fill_mask(&mut mask).unwrap();
    v.forced = m.forced_bytes();
    let mut again = scalars(m);
    again.forced.clone_from(&v.forced);
    assert_eq!(v, again, "fill_mask or forced_bytes moved the state");
    v.mask = mask;
    v
}

fn replay_bytes(c: &Case, chunks: &[Vec<u8>]) -> Matcher {
    let mut m = Matcher::new(c.cg.clone());
    for ch in chunks {
        m.consume_bytes(ch);
    }
    m
}

fn replay_tokens(c: &Case, toks: &[TokenId]) -> TokenMatcher {
    let mut m = TokenMatcher::new(c.tg.clone());
    for &t in toks {
        let _ = m.consume(t);
    }
    m
}

fn grammar() -> impl Strategy<Value = usize> {
    0..CASES.len()
}

proptest! {
    #![proptest_config(config(512))]

    /// consume_bytes k times, rollback(n): the state of replaying the first
    /// k - n chunks; then the same continuation keeps them equal.
    #[test]
    fn byte_rollback_equals_replay(
        g in grammar(),
        sample in any::<Index>(),
        edits in edits(),
        cuts in proptest::collection::vec(any::<Index>(), 0..6),
        back in 0usize..8,
        tail in proptest::collection::vec(any::<Index>(), 0..3),
    ) {
        let c = &CASES[g];
        let chunks = byte_input(c, &sample, &edits, &cuts);
        let mut m = replay_bytes(c, &chunks);
        prop_assert_eq!(m.depth(), chunks.len());
        m.rollback(back);
        let kept = chunks.len() - back.min(chunks.len());
        let mut r = replay_bytes(c, &chunks[..kept]);
        prop_assert_eq!(byte_view(&mut m), byte_view(&mut r), "{}: {:?} back {}", c.name, chunks, back);

        // The future: the chunks rolled back, or a cut of another sample.
        let other = &c.samples[sample.index(c.samples.len()).wrapping_add(1) % c.samples.len()];
        let mut rest: Vec<Vec<u8>> = chunks[kept..].to_vec();
        rest.extend(tail.iter().map(|i| other[..i.index(other.len() + 1)].to_vec()));
        for ch in &rest {
            prop_assert_eq!(m.consume_bytes(ch), r.consume_bytes(ch));
        }
        prop_assert_eq!(byte_view(&mut m), byte_view(&mut r), "{}: then {:?}", c.name, rest);
    }

    /// The same for token matchers: masks, EOS and refusals included.
    #[test]
    fn token_rollback_equals_replay(
        g in grammar(),
        sample in any::<Index>(),
        edits in edits(),
        eos in any::<bool>(),
        back in 0usize..10,
        future in edits(),
    ) {
        let c = &CASES[g];
        let toks = token_input(c, &sample, &edits, eos);
        let mut m = replay_tokens(c, &toks);
        prop_assert_eq!(m.depth(), toks.len());
        m.rollback(back);
        let kept = toks.len() - back.min(toks.len());
        let mut r = replay_tokens(c, &toks[..kept]);
        prop_assert_eq!(token_view(&mut m), token_view(&mut r), "{}: {:?} back {}", c.name, toks, back);

        // The future: the tokens rolled back, edited again.
        let rest = apply(toks[kept..].to_vec(), &future, |x| any_token(&c.tg.vocab, x));
        for &t in &rest {
            prop_assert_eq!(m.try_consume(t), r.try_consume(t));
            prop_assert_eq!(m.consume(t).is_ok(), r.consume(t).is_ok());
        }
        prop_assert_eq!(token_view(&mut m), token_view(&mut r), "{}: then {:?}", c.name, rest);
    }

    /// A fork and its parent go separate ways: each ends where a replay of
    /// its own input ends, and neither sees the other's steps.
    #[test]
    fn forks_are_independent(
        g in grammar(),
        sample in any::<Index>(),
        edits in edits(),
        at in any::<Index>(),
        theirs in edits(),
        back in 0usize..6,
    ) {
        let c = &CASES[g];
        let toks = token_input(c, &sample, &edits, false);
        let split = at.index(toks.len() + 1);
        let mut parent = replay_tokens(c, &toks[..split]);
        let before = token_view(&mut parent);

        // The fork takes an edited continuation; the parent is untouched.
        let mut fork = parent.clone();
        let fork_rest = apply(toks[split..].to_vec(), &theirs, |x| any_token(&c.tg.vocab, x));
        for &t in &fork_rest {
            let _ = fork.consume(t);
        }
        prop_assert_eq!(token_view(&mut parent), before);

        // The parent takes the original continuation; the fork is untouched.
        let fork_view = token_view(&mut fork);
        for &t in &toks[split..] {
            let _ = parent.consume(t);
        }
        prop_assert_eq!(token_view(&mut fork), fork_view);

        let mut fork_input = toks[..split].to_vec();
        fork_input.extend_from_slice(&fork_rest);
        prop_assert_eq!(token_view(&mut parent), token_view(&mut replay_tokens(c, &toks)));
        prop_assert_eq!(token_view(&mut fork), token_view(&mut replay_tokens(c, &fork_input)));

        // Rolling the fork back, past the split too, does not move the parent.
        let parent_view = token_view(&mut parent);
        fork.rollback(back);
        let kept = fork_input.len() - back.min(fork_input.len());
        prop_assert_eq!(token_view(&mut fork), token_view(&mut replay_tokens(c, &fork_input[..kept])));
        prop_assert_eq!(token_view(&mut parent), parent_view);
    }

    /// Byte matchers fork the same way.
    #[test]
    fn byte_forks_are_independent(
        g in grammar(),
        sample in any::<Index>(),
        edits in edits(),
        cuts in proptest::collection::vec(any::<Index>(), 1..5),
        other in any::<Index>(),
    ) {
        let c = &CASES[g];
        let chunks = byte_input(c, &sample, &edits, &cuts);
        let split = chunks.len() / 2;
        let mut parent = replay_bytes(c, &chunks[..split]);
        let before = byte_view(&mut parent);
        let mut fork = parent.clone();
        let theirs = c.samples[other.index(c.samples.len())].clone();
        fork.consume_bytes(&theirs);
        prop_assert_eq!(byte_view(&mut parent), before);
        for ch in &chunks[split..] {
            parent.consume_bytes(ch);
        }
        let mut fork_input = chunks[..split].to_vec();
        fork_input.push(theirs);
        prop_assert_eq!(byte_view(&mut parent), byte_view(&mut replay_bytes(c, &chunks)));
        prop_assert_eq!(byte_view(&mut fork), byte_view(&mut replay_bytes(c, &fork_input)));
    }
}
