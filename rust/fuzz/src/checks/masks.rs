//! Token masks against the byte matcher.

use std::sync::Arc;

use corral_core::{
    CompiledGrammar, Matcher, TokenGrammar, TokenId, TokenMatcher, TokenSpec, TokenizerKind,
    Vocabulary,
};

use super::common::{gave_up, mask_config, MAX_MASK_CHECKS};

/// What consuming `token` should do, by the byte matcher at the same prefix
/// (`reference`, None once the sequence is in error or ended): Some(allowed),
/// or None where the byte matcher gave up on a limit.
pub(super) fn expected_allowed(
    vocab: &Vocabulary,
    reference: Option<&Matcher>,
    token: TokenId,
) -> Option<bool> {
    let Some(r) = reference else {
        return Some(false);
    };
    if vocab.eos_token_ids().contains(&token) {
        return Some(r.is_accepting());
    }
    match vocab.kind(token) {
        corral_core::TokenKind::Normal => {
            let bytes = vocab.token_bytes(token).unwrap_or(&[]);
            if bytes.is_empty() {
                return Some(false);
            }
            let mut c = r.clone();
            let ok = c.consume_bytes(bytes);
            if !ok && gave_up(&c) {
                return None;
            }
            Some(ok)
        }
        // The fixed grammars and vocabularies here bind no special token.
        _ => Some(false),
    }
}

pub(super) fn bit(mask: &[u32], t: usize) -> bool {
    mask.get(t / 32).is_some_and(|w| w >> (t % 32) & 1 == 1)
}

/// Fills the mask of `tm` and checks every id against the byte matcher and
/// against `try_consume`. Returns the mask, or None if the mask hit a limit.
pub(super) fn check_mask(tm: &mut TokenMatcher, reference: Option<&Matcher>) -> Option<Vec<u32>> {
    let vocab = tm.token_grammar().vocab.clone();
    let words = vocab.mask_words();
    let mut mask = vec![0xdead_beef_u32; words];
    let depth = tm.depth();
    if tm.fill_mask(&mut mask).is_err() {
        return None;
    }
    assert_eq!(tm.depth(), depth, "fill_mask changed the depth");
    for t in vocab.vocab_size()..words * 32 {
        assert!(!bit(&mask, t), "mask bit {t} is set past the vocabulary");
    }
    for t in 0..vocab.vocab_size() {
        let got = bit(&mask, t);
        if let Some(want) = expected_allowed(&vocab, reference, t as TokenId) {
            assert_eq!(
                got,
                want,
                "mask says {got} for token {t} ({:?}), the byte matcher says {want}",
                String::from_utf8_lossy(vocab.bytes_or_empty(t as TokenId))
            );
        }
        let tried = tm.try_consume(t as TokenId);
        assert_eq!(
            tried, got,
            "try_consume({t}) = {tried} but the mask says {got}"
        );
    }
    assert_eq!(tm.depth(), depth, "try_consume changed the depth");
    if tm.is_finished() && !tm.is_error() {
        for t in 0..vocab.vocab_size() {
            if bit(&mask, t) {
                assert!(
                    vocab.eos_token_ids().contains(&(t as TokenId)),
                    "finished, yet token {t} is allowed"
                );
            }
        }
    }
    Some(mask)
}

/// Builds a vocabulary: the given normal tokens, then one EOS and one other
/// special token, then `pad` ids of logits padding.
pub(super) fn vocabulary(tokens: &[Vec<u8>], pad: usize) -> Option<Arc<Vocabulary>> {
    let mut specs: Vec<TokenSpec> = tokens
        .iter()
        .map(|t| TokenSpec::Normal(t.clone()))
        .collect();
    let eos = specs.len() as TokenId;
    specs.push(TokenSpec::Special("<eos>".into()));
    specs.push(TokenSpec::Special("<other>".into()));
    specs.push(TokenSpec::Missing);
    let size = specs.len() + pad;
    Vocabulary::new(specs, &[eos], Some(size), TokenizerKind::Raw)
        .ok()
        .map(Arc::new)
}

/// Masks along `path` over a vocabulary of every single byte plus the
/// multi-byte tokens `extra`: at each position the mask must equal what the
/// byte matcher allows. The path is tokenized greedily (longest token).
pub(super) fn mask_checks(cg: &Arc<CompiledGrammar>, extra: &[Vec<u8>], path: &[u8]) {
    let mut tokens: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
    tokens.extend(extra.iter().filter(|t| t.len() > 1).cloned());
    let Some(vocab) = vocabulary(&tokens, 5) else {
        return;
    };
    let Ok(tg) = TokenGrammar::with_config(cg.clone(), vocab.clone(), mask_config()) else {
        return;
    };
    let mut tm = TokenMatcher::new(tg);
    let mut reference = Matcher::new(cg.clone());
    if reference.is_error() {
        return;
    }
    let mut i = 0;
    for _ in 0..MAX_MASK_CHECKS {
        let Some(mask) = check_mask(&mut tm, Some(&reference)) else {
            return;
        };
        if i >= path.len() {
            return;
        }
        let Some(&t) = vocab.trie().prefixes_of(&path[i..]).last() else {
            return;
        };
        let bytes = vocab.bytes_or_empty(t).to_vec();
        let ok = tm.consume(t).is_ok();
        assert_eq!(
            ok,
            bit(&mask, t as usize),
            "consume({t}) disagrees with the mask"
        );
        if !ok {
            return;
        }
        assert!(reference.consume_bytes(&bytes) || gave_up(&reference));
        if reference.is_error() {
            return;
        }
        i += bytes.len();
    }
}

/// Cuts `data` into tokens of 2 to 4 bytes (lengths from the data itself),
/// plus the whole of it and a long run of its first chunk (long tokens are
/// where ambiguous lexing costs most).
pub(super) fn chunks(data: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() && out.len() < 48 {
        let n = 2 + (data[i] as usize % 3);
        let end = (i + n).min(data.len());
        out.push(data[i..end].to_vec());
        i = end;
    }
    if let Some(first) = out.first() {
        out.push(first.repeat(24 / first.len()));
    }
    out.push(data[..data.len().min(32)].to_vec());
    out
}
