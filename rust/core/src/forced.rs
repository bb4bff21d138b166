//! Jump-forward tokens: the bytes a grammar forces next, spelled with the
//! tokens the model's own tokenizer would use for them.
//!
//! The grammar alone says which bytes come next ([`TokenMatcher::forced_bytes`]);
//! many token sequences spell them, and the model only ever saw the one its
//! tokenizer makes. The tokenizer itself is the caller's (in Python, a
//! `tokenizers` object or a callback), passed in as a function; this module
//! asks it for the text's tokens as they come in the middle of a text, checks
//! them on the matcher, and holds back the last one, which what follows
//! could merge with.

use crate::token::TokenMatcher;
use crate::vocab::{TokenId, Vocabulary};

/// What a text is put after when a tokenizer encodes it, tried in order:
/// tokenizers that mark the start of a text (a dummy prefix space) split
/// it differently there, and the tokens of the context are then dropped.
pub const CONTEXTS: [&str; 4] = ["", "\n", "a", " "];

/// The longest prefix of `forced` made of whole UTF-8 characters: what a
/// tokenizer can be given as text.
pub fn text_prefix(forced: &[u8]) -> &str {
    match std::str::from_utf8(forced) {
        Ok(s) => s,
        // The bytes up to `valid_up_to` are valid UTF-8.
        Err(e) => std::str::from_utf8(&forced[..e.valid_up_to()]).unwrap_or_default(),
    }
}

/// The `k` from which `ids[k..]` spell exactly `text`, if any (the
/// largest such `k`; ids with no bytes spell nothing).
pub fn spelling_start(vocab: &Vocabulary, ids: &[TokenId], text: &[u8]) -> Option<usize> {
    let mut len = 0;
    for k in (0..ids.len()).rev() {
        len += vocab.bytes_or_empty(ids[k]).len();
        if len == text.len() {
            let spelled = ids[k..]
                .iter()
                .flat_map(|&t| vocab.bytes_or_empty(t).iter().copied());
            return spelled.eq(text.iter().copied()).then_some(k);
        }
        if len > text.len() {
            return None;
        }
    }
    None
}

/// `text`'s tokens as `encode` (a tokenizer, without special tokens)
/// splits it in the middle of a text: `text` is encoded after each of
/// [`CONTEXTS`] in turn, and the first encoding whose last tokens spell
/// `text` exactly gives them. None if none does.
pub fn encode_mid_text<E>(
    vocab: &Vocabulary,
    text: &str,
    mut encode: impl FnMut(&str) -> Result<Vec<TokenId>, E>,
) -> Result<Option<Vec<TokenId>>, E> {
    for context in CONTEXTS {
        let ids = encode(&format!("{context}{text}"))?;
        if let Some(k) = spelling_start(vocab, &ids, text.as_bytes()) {
            return Ok(Some(ids[k..].to_vec()));
        }
    }
    Ok(None)
}

/// The longest prefix of `ids` that `m` takes in sequence, less its last
/// token unless the tokens spell all of the forced bytes (`complete`) and
/// nothing can follow them. Checked on the matcher itself, then undone
/// (cheaper than a fork): `m`'s state is as before.
pub fn verify(m: &mut TokenMatcher, ids: &[TokenId], complete: bool) -> Vec<TokenId> {
    let mut out = Vec::with_capacity(ids.len());
    let mut refused = false;
    for &t in ids {
        if m.consume(t).is_err() {
            refused = true;
            break;
        }
        out.push(t);
    }
    let finished = !refused && complete && m.byte_matcher().is_finished();
    m.rollback(out.len() + usize::from(refused));
    if !finished {
        out.pop();
    }
    out
}

/// Jump-forward tokens for `m`: the bytes the grammar forces next (their
/// whole UTF-8 characters), tokenized by `encode`, checked by [`verify`].
/// `encode(vocab, text)` gives `text`'s tokens, or None when the tokenizer
/// cannot reproduce its bytes (then nothing is forced); it is not called
/// when no whole character is forced. Every token returned is allowed in
/// sequence; consuming them is up to the caller. The state of `m` does not
/// change.
pub fn forced_tokens<E>(
    m: &mut TokenMatcher,
    encode: impl FnOnce(&Vocabulary, &str) -> Result<Option<Vec<TokenId>>, E>,
) -> Result<Vec<TokenId>, E> {
    let forced = m.forced_bytes();
    let text = text_prefix(&forced);
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let vocab = m.token_grammar().vocab.clone();
    let Some(ids) = encode(&vocab, text)? else {
        return Ok(Vec::new());
    };
    Ok(verify(m, &ids, text.len() == forced.len()))
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::sync::Arc;

    use super::*;
    use crate::lark::{parse_lark, LarkOptions};
    use crate::{CompiledGrammar, Config, TokenGrammar, TokenSpec, TokenizerKind};

    const A: u32 = 0;
    const B: u32 = 1;
    const AB: u32 = 2;
    const ABAB: u32 = 3;
    const EOS: u32 = 4;
    const SPACE_AB: u32 = 5;
    const NL: u32 = 6;

    fn vocab() -> Arc<Vocabulary> {
        let toks = ["a", "b", "ab", "abab", "</s>", " ab", "\n"];
        let specs = toks
            .iter()
            .map(|t| TokenSpec::Normal(t.as_bytes().to_vec()))
            .collect();
        Arc::new(Vocabulary::new(specs, &[EOS], None, TokenizerKind::Raw).unwrap())
    }

    fn matcher(lark: &str) -> TokenMatcher {
        let g = parse_lark(lark, "<test>", &LarkOptions::default()).unwrap();
        let cg = CompiledGrammar::new(g, Config::default()).unwrap();
        TokenMatcher::new(TokenGrammar::new(cg, vocab()).unwrap())
    }

    /// Longest-match greedy over the test vocabulary (the tokenizer).
    fn greedy(text: &str) -> Vec<TokenId> {
        let v = vocab();
        let (data, mut i, mut out) = (text.as_bytes(), 0, Vec::new());
        while i < data.len() {
            let t = [ABAB, SPACE_AB, AB, A, B, NL]
                .into_iter()
                .find(|&t| data[i..].starts_with(v.bytes_or_empty(t)))
                .expect("the test texts are spelled by the test tokens");
            out.push(t);
            i += v.bytes_or_empty(t).len();
        }
        out
    }

    fn greedy_mid_text(vocab: &Vocabulary, text: &str) -> Result<Option<Vec<TokenId>>, Infallible> {
        encode_mid_text(vocab, text, |s| Ok(greedy(s)))
    }

    #[test]
    fn text_prefix_stops_before_a_cut_character() {
        assert_eq!(text_prefix(b"ab"), "ab");
        assert_eq!(text_prefix("été".as_bytes()), "été");
        assert_eq!(text_prefix(&"été".as_bytes()[..4]), "ét");
        assert_eq!(text_prefix(&"été".as_bytes()[1..]), "");
        assert_eq!(text_prefix(b""), "");
    }

    #[test]
    fn spelling_start_finds_the_tokens_that_spell_a_text() {
        let v = vocab();
        assert_eq!(spelling_start(&v, &[NL, ABAB, A], b"ababa"), Some(1));
        assert_eq!(spelling_start(&v, &[ABAB, A], b"ababa"), Some(0));
        // The right length, other bytes.
        assert_eq!(spelling_start(&v, &[NL, ABAB, B], b"ababa"), None);
        // The text would start inside a token.
        assert_eq!(spelling_start(&v, &[SPACE_AB], b"ab"), None);
        assert_eq!(spelling_start(&v, &[], b"a"), None);
        assert_eq!(spelling_start(&v, &[A], b""), None);
    }

    #[test]
    fn a_context_stands_in_for_the_start_of_a_text() {
        let v = vocab();
        // A tokenizer that writes a dummy space at the start of a text.
        let dummy = |s: &str| -> Result<_, Infallible> {
            Ok(greedy(&if s.starts_with('\n') {
                s.to_owned()
            } else {
                format!(" {s}")
            }))
        };
        let got = encode_mid_text(&v, "abab", dummy).unwrap();
        assert_eq!(got, Some(vec![ABAB]));
        // No context reproduces the bytes: None.
        let never = |_: &str| -> Result<_, Infallible> { Ok(vec![B]) };
        assert_eq!(encode_mid_text(&v, "a", never).unwrap(), None);
        // The encoder's error comes back as is.
        let fails = |_: &str| -> Result<Vec<TokenId>, &str> { Err("no encoder") };
        assert_eq!(encode_mid_text(&v, "a", fails), Err("no encoder"));
    }

    #[test]
    fn the_last_token_is_held_back_and_the_state_is_kept() {
        let mut m = matcher("start: \"ababab\" \"b\"*\n");
        let got = forced_tokens(&mut m, greedy_mid_text).unwrap();
        // abab | ab: the last held back, since "b"s may follow.
        assert_eq!(got, vec![ABAB]);
        assert_eq!(m.depth(), 0);
        assert_eq!(m.forced_bytes(), b"ababab");
        assert_eq!(m.consume_tokens(&got), 1);
        assert_eq!(
            forced_tokens(&mut m, greedy_mid_text).unwrap(),
            Vec::<TokenId>::new()
        );
    }

    #[test]
    fn everything_forced_to_the_end_is_returned_whole() {
        let mut m = matcher("start: \"ababab\"\n");
        let got = forced_tokens(&mut m, greedy_mid_text).unwrap();
        assert_eq!(got, vec![ABAB, AB]);
        assert_eq!(m.consume_tokens(&got), 2);
        assert!(m.is_finished());
        assert_eq!(
            forced_tokens(&mut m, greedy_mid_text).unwrap(),
            Vec::<TokenId>::new()
        );
    }

    #[test]
    fn a_refused_token_ends_the_forced_tokens() {
        let mut m = matcher("start: \"abab\" \"a\" | \"abab\" \"b\"\n");
        assert_eq!(m.forced_bytes(), b"abab");
        // An encoder that over-reaches: "ab" "abab" is refused at the second.
        let bad = |_: &Vocabulary, _: &str| -> Result<_, Infallible> { Ok(Some(vec![AB, ABAB])) };
        assert_eq!(forced_tokens(&mut m, bad).unwrap(), Vec::<TokenId>::new());
        assert!(!m.is_error() && m.depth() == 0);
        let bad =
            |_: &Vocabulary, _: &str| -> Result<_, Infallible> { Ok(Some(vec![A, B, AB, AB])) };
        assert_eq!(forced_tokens(&mut m, bad).unwrap(), vec![A, B]);
        assert!(!m.is_error() && m.depth() == 0);
    }

    #[test]
    fn nothing_forced_means_no_call_to_the_encoder() {
        let mut m = matcher("start: \"a\" | \"b\"\n");
        let unused = |_: &Vocabulary, _: &str| -> Result<_, &str> { Err("called") };
        assert_eq!(forced_tokens(&mut m, unused), Ok(Vec::<TokenId>::new()));
        // An encoder that cannot reproduce the bytes: nothing is forced.
        let mut m = matcher("start: \"ab\" \"a\"*\n");
        let none = |_: &Vocabulary, _: &str| -> Result<_, Infallible> { Ok(None) };
        assert_eq!(forced_tokens(&mut m, none).unwrap(), Vec::<TokenId>::new());
    }
}
