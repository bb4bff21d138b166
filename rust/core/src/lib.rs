//! # corral-core
//!
//! The engine of corral: it makes a language model's output obey a grammar.
//! Pure Rust, no Python; the `corral` Python package wraps it.
//!
//! ## Key types
//!
//! - [`Vocabulary`]: a model's tokens as exact bytes, special tokens apart,
//!   the mask width following the model's logits width.
//! - [`TokTrie`]: the vocabulary's token trie in DFS order with subtree
//!   sizes; the token-mask walk skips a dead subtree in one step.
//!
//! ## Usage
//!
//! ```
//! use corral_core::{HfOptions, Vocabulary};
//!
//! let json = r#"{"model": {"type": "BPE", "vocab": {"Ġa": 0, "b": 1, "<|endoftext|>": 2}},
//!                "added_tokens": [{"id": 2, "content": "<|endoftext|>", "special": true}],
//!                "decoder": {"type": "ByteLevel"}}"#;
//! let vocab = Vocabulary::from_tokenizer_json(json, &HfOptions::default()).unwrap();
//! assert_eq!(vocab.token_bytes(0), Some(&b" a"[..]));
//! assert_eq!(vocab.eos_token_ids(), &[2]);
//! assert_eq!(vocab.trie().tokens_with_prefix(b" "), vec![0]);
//! ```

pub mod vocab;

pub use vocab::{
    HfOptions, TokTrie, TokenId, TokenKind, TokenSpec, TokenizerKind, TrieNode, TrieWalker,
    VocabError, Vocabulary,
};

/// Every error corral-core returns, one variant per module.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(transparent)]
    Vocab(#[from] VocabError),
}
