//! Loads every tokenizer shipped in tests/data/tokenizers and checks what the
//! tokenizer configs and README state about them.

use std::path::PathBuf;

use corral_core::{HfOptions, TokenKind, TokenizerKind, Vocabulary};

fn dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/tokenizers")
        .join(name)
}

fn load(name: &str) -> Vocabulary {
    Vocabulary::from_hf_path(&dir(name), &HfOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// (folder, kind, ids, eos name, a normal token's piece -> bytes)
const CASES: &[(&str, TokenizerKind, usize, &str)] = &[
    ("gpt2", TokenizerKind::ByteLevel, 50257, "<|endoftext|>"),
    ("llama2", TokenizerKind::SentencePiece, 32000, "</s>"),
    (
        "llama3",
        TokenizerKind::ByteLevel,
        128256,
        "<|end_of_text|>",
    ),
    ("qwen3", TokenizerKind::ByteLevel, 151669, "<|im_end|>"),
    ("mistral-sp32k", TokenizerKind::SentencePiece, 32768, "</s>"),
    ("tekken", TokenizerKind::ByteLevel, 131072, "</s>"),
    (
        "gemma3",
        TokenizerKind::SentencePiece,
        262145,
        "<end_of_turn>",
    ),
    ("cl100k", TokenizerKind::ByteLevel, 100277, "<|endoftext|>"),
    ("o200k", TokenizerKind::ByteLevel, 200019, "<|endoftext|>"),
];

#[test]
fn every_tokenizer_loads() {
    for &(name, kind, ids, eos) in CASES {
        let v = load(name);
        assert_eq!(v.tokenizer_kind(), kind, "{name}");
        assert_eq!(v.n_ids(), ids, "{name}");
        assert_eq!(v.vocab_size(), ids, "{name}");
        let e = v.eos_token_ids();
        assert_eq!(e.len(), 1, "{name}");
        assert_eq!(v.special_name(e[0]), Some(eos), "{name}");
        // Every special token is kept apart and has no bytes.
        for &s in v.special_token_ids() {
            assert_eq!(v.kind(s), TokenKind::Special);
            assert!(v.token_bytes(s).is_none());
        }
        // The trie holds every non-empty ordinary token exactly once.
        let normal = (0..v.n_ids() as u32)
            .filter(|&i| v.token_bytes(i).is_some_and(|b| !b.is_empty()))
            .count();
        assert_eq!(v.trie().token_count(), normal, "{name}");
        for probe in [&b" the"[..], b"{\"", b"\n"] {
            for id in v.trie().tokens_with_prefix(probe) {
                assert!(v.token_bytes(id).unwrap().starts_with(probe), "{name}");
            }
        }
    }
}

#[test]
fn holes_and_special_counts() {
    let cl = load("cl100k");
    assert_eq!(cl.kind(100256), TokenKind::Missing);
    assert!((100261..100276).all(|i| cl.kind(i) == TokenKind::Missing));
    assert_eq!(cl.kind(100276), TokenKind::Special);
    let o = load("o200k");
    assert_eq!(o.kind(199998), TokenKind::Missing);
    assert_eq!(o.special_token_ids().len(), 2);
    assert_eq!(load("llama3").special_token_ids().len(), 256);
    assert_eq!(load("tekken").special_token_ids().len(), 1000);
    // Qwen's 12 non-special added tokens are ordinary text.
    let q = load("qwen3");
    assert_eq!(q.special_token_ids().len(), 14);
    assert_eq!(q.token_bytes(151657), Some(&b"<tool_call>"[..]));
}

#[test]
fn piece_encodings_become_bytes() {
    let g = load("gpt2");
    let id = (0..g.n_ids() as u32).find(|&i| g.token_bytes(i) == Some(&b" the"[..]));
    assert!(id.is_some(), "gpt2 has the token ` the`");
    let l2 = load("llama2");
    assert_eq!(l2.token_bytes(13), Some(&b"\n"[..])); // <0x0A>
    assert_eq!(l2.token_bytes(3 + 0xE2), Some(&b"\xe2"[..]));
    let gm = load("gemma3");
    // Gemma's whitespace-run added tokens stand for spaces, not `▁`.
    let sp = (0..gm.n_ids() as u32)
        .filter(|&i| gm.token_bytes(i) == Some(&b"    "[..]))
        .count();
    assert_eq!(sp, 1);
}

#[test]
fn padded_logits_and_explicit_eos() {
    let opts = HfOptions {
        vocab_size: Some(151936),
        eos_token_ids: Some(vec![151643, 151645]),
        ..HfOptions::default()
    };
    let q = Vocabulary::from_hf_path(&dir("qwen3"), &opts).unwrap();
    assert_eq!(q.vocab_size(), 151936);
    assert_eq!(q.mask_words(), 151936 / 32);
    assert_eq!(q.kind(151700), TokenKind::Missing);
    assert_eq!(q.eos_token_ids(), &[151643, 151645]);
    let too_small = HfOptions {
        vocab_size: Some(1000),
        ..HfOptions::default()
    };
    assert!(Vocabulary::from_hf_path(&dir("qwen3"), &too_small).is_err());
    let missing = Vocabulary::from_hf_path(&dir("no-such-tokenizer"), &HfOptions::default());
    assert!(missing
        .unwrap_err()
        .to_string()
        .contains("no-such-tokenizer"));
}
