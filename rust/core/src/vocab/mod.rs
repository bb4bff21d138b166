//! Token vocabularies as raw bytes, and the token trie built over them.
//!
//! A [`Vocabulary`] maps every token id of a model to the exact bytes the token
//! stands for, whatever the tokenizer's own encoding of its pieces (GPT-2's
//! byte-to-unicode map, SentencePiece's `▁` and `<0xNN>` byte fallback,
//! tiktoken's raw bytes). Special tokens (EOS, BOS, chat markers, ...) are kept
//! apart: they never stand for bytes of the output. Ids without any token
//! (holes in tiktoken-style id ranges, and the padding between the tokenizer's
//! size and the model's logits width) are known as missing.

mod hf;
mod spec;
mod trie;
mod vocabulary;

pub use hf::HfOptions;
pub use spec::{TokenId, TokenKind, TokenSpec, TokenizerKind, VocabError};
pub use trie::{TokTrie, TrieNode, TrieWalker, MAX_TOKEN_BYTES, MAX_TRIE_BYTES};
pub use vocabulary::Vocabulary;

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Vocabulary {
        let toks = vec![
            TokenSpec::Normal(b"a".to_vec()),
            TokenSpec::Normal(b"ab".to_vec()),
            TokenSpec::Missing,
            TokenSpec::Special("<eos>".into()),
            TokenSpec::Normal(b"\xe2\x82".to_vec()),
        ];
        Vocabulary::new(toks, &[3], Some(40), TokenizerKind::Raw).unwrap()
    }

    #[test]
    fn kinds_and_bytes() {
        let v = small();
        assert_eq!(v.vocab_size(), 40);
        assert_eq!(v.mask_words(), 2);
        assert_eq!(v.n_ids(), 5);
        assert_eq!(v.n_tokens(), 4);
        assert_eq!(v.token_bytes(1), Some(&b"ab"[..]));
        assert_eq!(v.token_bytes(3), None);
        assert_eq!(v.special_name(3), Some("<eos>"));
        assert_eq!(v.special_id("<eos>"), Some(3));
        assert_eq!(v.kind(2), TokenKind::Missing);
        assert_eq!(v.kind(39), TokenKind::Missing);
        assert_eq!(v.kind(1000), TokenKind::Missing);
        assert_eq!(v.eos_token_ids(), &[3]);
        assert_eq!(v.decode(&[0, 3, 1, 4], false).unwrap(), b"aab\xe2\x82");
        assert_eq!(v.decode(&[0, 3], true).unwrap(), b"a<eos>");
        assert!(v.decode(&[2], false).is_err());
        assert_eq!(v.max_token_len(), 2);
    }

    #[test]
    fn eos_becomes_special_and_bad_ids_fail() {
        let toks = vec![
            TokenSpec::Normal(b"x".to_vec()),
            TokenSpec::Normal(b"</s>".to_vec()),
        ];
        let v = Vocabulary::new(toks.clone(), &[1], None, TokenizerKind::Raw).unwrap();
        assert_eq!(v.kind(1), TokenKind::Special);
        assert_eq!(v.special_token_ids(), &[1]);
        assert!(Vocabulary::new(toks.clone(), &[7], None, TokenizerKind::Raw).is_err());
        assert!(Vocabulary::new(toks, &[0], Some(1), TokenizerKind::Raw).is_err());
    }
}
