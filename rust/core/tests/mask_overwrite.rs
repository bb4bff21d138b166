//! `fill_mask` writes every word of its output, whatever was there: the
//! Python bindings compute masks into reused scratch memory without
//! clearing it first, so a word left unwritten would let stale tokens
//! through.

use std::path::Path;
use std::sync::Arc;

use corral_core::lark::{parse_lark, LarkOptions};
use corral_core::token::fill_masks;
use corral_core::{CompiledGrammar, Config, HfOptions, TokenGrammar, TokenMatcher, Vocabulary};

fn vocab(name: &str) -> Arc<Vocabulary> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/tokenizers")
        .join(name);
    Arc::new(Vocabulary::from_hf_path(&dir, &HfOptions::default()).unwrap())
}

/// The mask written over zeros and over ones must be the same.
fn check(m: &mut TokenMatcher, label: &str) {
    let words = m.token_grammar().vocab.mask_words();
    let mut zeros = vec![0u32; words];
    let mut ones = vec![u32::MAX; words];
    let a = m.fill_mask(&mut zeros);
    let b = m.fill_mask(&mut ones);
    assert_eq!(a.is_ok(), b.is_ok(), "{label}");
    assert!(zeros == ones, "{label}: fill_mask left words unwritten");
    // Over the previous mask of another state, too (what reused scratch holds).
    let mut batch = vec![u32::MAX; 2 * words];
    let mut fresh = m.clone();
    let mut ms = [m, &mut fresh];
    for r in fill_masks(&mut ms, &mut batch, words) {
        assert_eq!(r.is_ok(), a.is_ok(), "{label}");
    }
    assert!(
        batch[..words] == zeros[..] && batch[words..] == zeros[..],
        "{label}: batch"
    );
}

#[test]
fn every_word_is_written_in_every_state() {
    let v = vocab("gpt2");
    let text = "start: \"[\" [item (\",\" item)*] \"]\"\nitem: NUM | STR\nNUM: /[0-9]+/\n\
                STR: /\"[a-z ]*\"/\n%ignore \" \"\n";
    let g = CompiledGrammar::new(
        parse_lark(text, "<test>", &LarkOptions::default()).unwrap(),
        Config::default(),
    )
    .unwrap();
    let tg = TokenGrammar::new(g, v.clone()).unwrap();
    let mut m = TokenMatcher::new(tg);
    check(&mut m, "start");
    for (i, piece) in ["[", "12", ",", " \"ab", " c\"", "]"].iter().enumerate() {
        let t = v.trie().prefixes_of(piece.as_bytes());
        let id = *t.last().expect("a token");
        let id = if v.token_bytes(id) == Some(piece.as_bytes()) {
            id
        } else {
            // Spell the piece with several tokens.
            for b in piece.bytes() {
                let ids = v.trie().prefixes_of(&[b]);
                assert!(m.consume(ids[0]).is_ok(), "{piece:?}");
            }
            check(&mut m, &format!("after piece {i}"));
            continue;
        };
        assert!(m.consume(id).is_ok(), "{piece:?}");
        check(&mut m, &format!("after piece {i}"));
    }
    // Finished (EOS), then refused (a sticky error): empty masks.
    let eos = v.eos_token_ids()[0];
    assert!(m.consume(eos).is_ok());
    check(&mut m, "after EOS");
    m.reset();
    let bad = v.trie().prefixes_of(b"x")[0];
    assert!(m.consume(bad).is_err());
    check(&mut m, "in error");
}
