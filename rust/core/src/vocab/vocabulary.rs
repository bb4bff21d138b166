//! A model's vocabulary: every id's exact bytes, special tokens apart, and
//! its token trie (built on first use).

use std::sync::OnceLock;

use super::spec::{TokenId, TokenKind, TokenSpec, TokenizerKind, VocabError};
use super::trie::{TokTrie, MAX_TOKEN_BYTES, MAX_TRIE_BYTES};

/// A model's vocabulary: token id -> exact bytes, special tokens apart.
///
/// Immutable once built, cheap to share (`Send + Sync`); the token trie is
/// built on first use and shared by every user of the vocabulary.
#[derive(Debug)]
pub struct Vocabulary {
    /// All token bytes (and special tokens' names), back to back.
    data: Vec<u8>,
    /// `data[offsets[i]..offsets[i + 1]]` belongs to token `i`; `len = n_ids + 1`.
    offsets: Vec<u32>,
    kinds: Vec<TokenKind>,
    /// Width of the model's logits (and of masks): at least `kinds.len()`.
    vocab_size: usize,
    eos: Vec<TokenId>,
    special: Vec<TokenId>,
    kind: TokenizerKind,
    trie: OnceLock<TokTrie>,
    /// Length of the longest ordinary token, found on first use.
    max_len: OnceLock<usize>,
}

impl Vocabulary {
    /// Builds a vocabulary from one [`TokenSpec`] per id.
    ///
    /// `eos` lists the end-of-sequence token(s); they become special tokens if
    /// they were not already. `vocab_size` is the logits width; `None` means
    /// `tokens.len()`. Ids from `tokens.len()` up to `vocab_size` are missing.
    pub fn new(
        tokens: Vec<TokenSpec>,
        eos: &[TokenId],
        vocab_size: Option<usize>,
        kind: TokenizerKind,
    ) -> Result<Vocabulary, VocabError> {
        let n = tokens.len();
        let vocab_size = vocab_size.unwrap_or(n);
        if vocab_size < n {
            return Err(VocabError::Invalid(format!(
                "vocab_size {vocab_size} is smaller than the tokenizer's id range ({n} ids)"
            )));
        }
        if vocab_size >= u32::MAX as usize {
            return Err(VocabError::TooLarge(format!("{vocab_size} ids")));
        }
        let mut tokens = tokens;
        let mut eos_ids: Vec<TokenId> = Vec::with_capacity(eos.len());
        for &e in eos {
            let spec = tokens.get_mut(e as usize).ok_or_else(|| {
                VocabError::Invalid(format!("EOS id {e} is outside the vocabulary (0..{n})"))
            })?;
            match spec {
                TokenSpec::Missing => {
                    return Err(VocabError::Invalid(format!("EOS id {e} has no token")))
                }
                TokenSpec::Normal(b) => {
                    *spec = TokenSpec::Special(String::from_utf8_lossy(b).into_owned())
                }
                TokenSpec::Special(_) => {}
            }
            if !eos_ids.contains(&e) {
                eos_ids.push(e);
            }
        }
        let total: usize = tokens
            .iter()
            .map(|t| match t {
                TokenSpec::Missing => 0,
                TokenSpec::Normal(b) => b.len(),
                TokenSpec::Special(s) => s.len(),
            })
            .sum();
        let normal: usize = tokens
            .iter()
            .map(|t| match t {
                TokenSpec::Normal(b) => b.len(),
                _ => 0,
            })
            .sum();
        if let Some(long) = tokens.iter().find_map(|t| match t {
            TokenSpec::Normal(b) if b.len() > MAX_TOKEN_BYTES => Some(b.len()),
            _ => None,
        }) {
            return Err(VocabError::TooLarge(format!(
                "a token of {long} bytes (at most {MAX_TOKEN_BYTES})"
            )));
        }
        if normal > MAX_TRIE_BYTES || total >= u32::MAX as usize {
            return Err(VocabError::TooLarge(format!(
                "{normal} bytes of tokens (at most {MAX_TRIE_BYTES})"
            )));
        }
        let mut data = Vec::with_capacity(total);
        let mut offsets = Vec::with_capacity(n + 1);
        let mut kinds = Vec::with_capacity(n);
        let mut special = Vec::new();
        offsets.push(0u32);
        for (id, t) in tokens.into_iter().enumerate() {
            let k = match t {
                TokenSpec::Missing => TokenKind::Missing,
                TokenSpec::Normal(b) => {
                    data.extend_from_slice(&b);
                    TokenKind::Normal
                }
                TokenSpec::Special(s) => {
                    data.extend_from_slice(s.as_bytes());
                    special.push(id as TokenId);
                    TokenKind::Special
                }
            };
            kinds.push(k);
            offsets.push(data.len() as u32);
        }
        Ok(Vocabulary {
            data,
            offsets,
            kinds,
            vocab_size,
            eos: eos_ids,
            special,
            kind,
            trie: OnceLock::new(),
            max_len: OnceLock::new(),
        })
    }

    /// Width of the model's logits and of token masks (padded ids included).
    pub fn vocab_size(&self) -> usize {
        self.vocab_size
    }

    /// Number of 32-bit words in one token mask: `ceil(vocab_size / 32)`.
    pub fn mask_words(&self) -> usize {
        self.vocab_size.div_ceil(32)
    }

    /// Number of ids the tokenizer itself defines (holes included).
    pub fn n_ids(&self) -> usize {
        self.kinds.len()
    }

    /// Number of ids that have a token, normal or special.
    pub fn n_tokens(&self) -> usize {
        self.kinds
            .iter()
            .filter(|k| **k != TokenKind::Missing)
            .count()
    }

    /// The end-of-sequence token(s).
    pub fn eos_token_ids(&self) -> &[TokenId] {
        &self.eos
    }

    /// All special token ids (EOS included), ascending.
    pub fn special_token_ids(&self) -> &[TokenId] {
        &self.special
    }

    /// How the tokenizer encoded its pieces (informational).
    pub fn tokenizer_kind(&self) -> TokenizerKind {
        self.kind
    }

    /// What `id` is; ids past the tokenizer (padding) are missing.
    pub fn kind(&self, id: TokenId) -> TokenKind {
        self.kinds
            .get(id as usize)
            .copied()
            .unwrap_or(TokenKind::Missing)
    }

    fn raw(&self, id: TokenId) -> &[u8] {
        let i = id as usize;
        &self.data[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    /// The bytes of an ordinary token; `None` for special and missing ids.
    pub fn token_bytes(&self, id: TokenId) -> Option<&[u8]> {
        match self.kind(id) {
            TokenKind::Normal => Some(self.raw(id)),
            _ => None,
        }
    }

    /// The bytes of an ordinary token, without checks: empty for other ids.
    #[inline]
    pub fn bytes_or_empty(&self, id: TokenId) -> &[u8] {
        self.token_bytes(id).unwrap_or(&[])
    }

    /// The name of a special token (e.g. `<|eot_id|>`); `None` otherwise.
    pub fn special_name(&self, id: TokenId) -> Option<&str> {
        match self.kind(id) {
            // Special names were stored from `String`s, so they are UTF-8.
            TokenKind::Special => std::str::from_utf8(self.raw(id)).ok(),
            _ => None,
        }
    }

    /// The id of the special token with this name, if any.
    pub fn special_id(&self, name: &str) -> Option<TokenId> {
        self.special
            .iter()
            .copied()
            .find(|&id| self.raw(id) == name.as_bytes())
    }

    /// The bytes that a sequence of tokens stands for. Special tokens are
    /// skipped unless `with_special`, in which case their names are written.
    pub fn decode(&self, ids: &[TokenId], with_special: bool) -> Result<Vec<u8>, VocabError> {
        let mut out = Vec::new();
        for &id in ids {
            match self.kind(id) {
                TokenKind::Normal => out.extend_from_slice(self.raw(id)),
                TokenKind::Special if with_special => out.extend_from_slice(self.raw(id)),
                TokenKind::Special => {}
                TokenKind::Missing => {
                    return Err(VocabError::Invalid(format!(
                        "token id {id} has no token (vocabulary size {})",
                        self.vocab_size
                    )))
                }
            }
        }
        Ok(out)
    }

    /// The token trie over the ordinary tokens, built on first use.
    pub fn trie(&self) -> &TokTrie {
        self.trie.get_or_init(|| {
            TokTrie::build(self.n_ids(), self.mask_words(), |id| self.token_bytes(id))
        })
    }

    /// Length in bytes of the longest ordinary token (found once per
    /// vocabulary: every grammar bound to it asks).
    pub fn max_token_len(&self) -> usize {
        *self.max_len.get_or_init(|| {
            (0..self.n_ids() as TokenId)
                .filter_map(|id| self.token_bytes(id))
                .map(<[u8]>::len)
                .max()
                .unwrap_or(0)
        })
    }
}
