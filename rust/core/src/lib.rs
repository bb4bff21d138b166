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
//! - [`grammar::Grammar`]: the grammar IR, produced by front-ends such as
//!   [`lark::parse_lark`].
//! - [`CompiledGrammar`]: a grammar with its lexer DFAs and Earley tables,
//!   immutable and shared; [`Matcher`]: one sequence's state over it.
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
//!
//! ```
//! use corral_core::lark::{parse_lark, LarkOptions};
//! use corral_core::{CompiledGrammar, Config, Matcher};
//!
//! let g = parse_lark("start: \"[\" [NUM (\",\" NUM)*] \"]\"\nNUM: /[0-9]+/\n", "<doc>",
//!                    &LarkOptions::default()).unwrap();
//! let cg = CompiledGrammar::new(g, Config::default()).unwrap();
//! let mut m = Matcher::new(cg);
//! assert!(m.consume_bytes(b"[1,23"));
//! assert!(!m.is_accepting());
//! assert!(m.consume_bytes(b"]") && m.is_accepting());
//! ```

// The public surface: the grammar IR and its front-ends, sampling, token
// matching, forced tokens and the logits kernel; the engine's layers are
// internal, their types re-exported below.
pub(crate) mod compiled;
pub mod draft;
pub(crate) mod earley;
pub mod error;
pub mod forced;
pub mod grammar;
pub(crate) mod ids;
pub mod json_schema;
pub(crate) mod kept;
pub mod lark;
pub(crate) mod lexer;
pub mod logits;
pub(crate) mod mask;
pub(crate) mod matcher;
pub mod sample;
pub mod stack;
pub mod token;
pub(crate) mod vocab;

pub use compiled::{CompiledGrammar, Config};
pub use earley::EarleyConfig;
pub use error::{ErrorKind, Failure};
pub use grammar::{Grammar, GrammarError};
pub use lexer::LexerConfig;
pub use mask::{MaskConfig, TokEnv, TokenGrammar};
pub use matcher::{MatchError, MatchErrorKind, Matcher};
pub use token::{fill_masks, TokenMatcher};
pub use vocab::{
    HfOptions, TokTrie, TokenId, TokenKind, TokenSpec, TokenizerKind, TrieNode, TrieWalker,
    VocabError, Vocabulary, MAX_TOKEN_BYTES, MAX_TRIE_BYTES,
};

/// Every error corral-core returns, one variant per family; each has an
/// [`ErrorKind`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error(transparent)]
    Vocab(#[from] VocabError),
    #[error(transparent)]
    Grammar(#[from] GrammarError),
    #[error(transparent)]
    Schema(#[from] json_schema::SchemaError),
    #[error(transparent)]
    Match(#[from] MatchError),
    #[error(transparent)]
    Failure(#[from] Failure),
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Vocab(e) => e.kind(),
            Error::Grammar(e) => e.kind(),
            Error::Schema(e) => e.kind,
            Error::Match(e) => e.error_kind(),
            Error::Failure(e) => e.kind,
        }
    }

    /// The budget that ran out, for [`ErrorKind::Limit`].
    pub fn limit(&self) -> Option<&'static str> {
        match self {
            Error::Vocab(_) => None,
            Error::Grammar(e) => e.limit(),
            Error::Schema(e) => e.limit,
            Error::Match(e) => e.limit(),
            Error::Failure(e) => e.limit,
        }
    }
}
