//! The pieces a vocabulary is made of: token ids, what an id is, tokens as
//! given, and the errors of building one.

use crate::error::ErrorKind;

/// A token id, as the model's logits index it.
pub type TokenId = u32;

/// Errors from building a vocabulary.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VocabError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A tokenizer file is not valid JSON, or not the shape expected.
    #[error("{context}: {message}")]
    Format { context: String, message: String },
    /// The tokenizer uses a feature corral cannot turn into token bytes.
    #[error("not supported: {0}")]
    NotSupported(String),
    /// An argument names a token id that does not exist, or is inconsistent.
    #[error("{0}")]
    Invalid(String),
    /// No end-of-sequence token could be determined.
    #[error("cannot determine the EOS token of this tokenizer; pass eos_token_ids explicitly")]
    NoEos,
    /// The vocabulary is too large for the trie's compact node layout.
    #[error("vocabulary too large: {0}")]
    TooLarge(String),
}

impl VocabError {
    /// The kind of failure: a tokenizer corral cannot read is
    /// [`ErrorKind::Syntax`] (an unreadable file too), one it reads but
    /// cannot turn into bytes, or one past the trie's fixed layout,
    /// [`ErrorKind::NotSupported`], a bad argument [`ErrorKind::Argument`].
    pub fn kind(&self) -> ErrorKind {
        match self {
            VocabError::Io { .. } | VocabError::Format { .. } | VocabError::NoEos => {
                ErrorKind::Syntax
            }
            VocabError::NotSupported(_) => ErrorKind::NotSupported,
            VocabError::Invalid(_) => ErrorKind::Argument,
            VocabError::TooLarge(_) => ErrorKind::NotSupported,
        }
    }

    pub(crate) fn format(context: impl Into<String>, message: impl Into<String>) -> Self {
        VocabError::Format {
            context: context.into(),
            message: message.into(),
        }
    }
}

/// What an id of the vocabulary is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum TokenKind {
    /// No token has this id (a hole in the id range, or logits padding).
    Missing = 0,
    /// An ordinary token: it stands for its bytes.
    Normal = 1,
    /// A special (control) token: EOS, BOS, chat markers. Never output bytes.
    Special = 2,
}

/// One token as given to [`Vocabulary::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSpec {
    Missing,
    /// An ordinary token and its bytes.
    Normal(Vec<u8>),
    /// A special token and its name (e.g. `<|eot_id|>`), kept for display.
    Special(String),
}

/// How a tokenizer writes its pieces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenizerKind {
    /// Byte-level BPE: pieces are written with GPT-2's byte-to-unicode map.
    ByteLevel,
    /// SentencePiece: `▁` for space, `<0xNN>` byte-fallback pieces.
    SentencePiece,
    /// Pieces are their own UTF-8 bytes (or raw bytes were given directly).
    Raw,
}

impl TokenizerKind {
    /// A short lowercase name (`byte-level`, `sentencepiece`, `raw`).
    pub fn name(self) -> &'static str {
        match self {
            TokenizerKind::ByteLevel => "byte-level",
            TokenizerKind::SentencePiece => "sentencepiece",
            TokenizerKind::Raw => "raw",
        }
    }
}
