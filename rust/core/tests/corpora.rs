//! Every shipped grammar (grammars/*.lark) against its TOML corpus
//! (grammars/*.toml): `[[accept]]` texts are in the language, `[[reject]]`
//! texts are not; every prefix of an accepted text is a viable prefix.

use std::path::{Path, PathBuf};

use corral_core::lark::{parse_lark_file, LarkOptions};
use corral_core::{CompiledGrammar, Config, Matcher};
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    text: String,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Deserialize)]
struct Corpus {
    #[serde(default)]
    accept: Vec<Case>,
    #[serde(default)]
    reject: Vec<Case>,
}

fn grammars_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../grammars")
}

#[test]
fn shipped_grammars_agree_with_their_corpora() {
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(grammars_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    entries.sort();
    for corpus_path in entries {
        let lark = corpus_path.with_extension("lark");
        if !lark.exists() {
            continue;
        }
        let name = lark.file_name().unwrap().to_string_lossy().into_owned();
        let g = parse_lark_file(&lark, &LarkOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let cg = CompiledGrammar::new(g, Config::default()).unwrap_or_else(|e| panic!("{e}"));
        let corpus: Corpus =
            toml::from_str(&std::fs::read_to_string(&corpus_path).unwrap()).unwrap();
        assert!(
            !corpus.accept.is_empty() && !corpus.reject.is_empty(),
            "{name}"
        );
        for c in &corpus.accept {
            let mut m = Matcher::new(cg.clone());
            let ok = m.consume_bytes(c.text.as_bytes());
            assert!(
                ok && m.is_accepting(),
                "{name}: should accept {:?} ({:?}): {:?}",
                c.text,
                c.note,
                m.error().map(|e| e.to_string())
            );
            // Viable prefixes, byte by byte, with a rollback point per byte.
            let mut m = Matcher::new(cg.clone());
            for &b in c.text.as_bytes() {
                assert!(m.push_byte(b), "{name}: prefix of {:?} rejected", c.text);
            }
            assert!(m.is_accepting());
            m.rollback(c.text.len());
            assert_eq!(m.bytes_consumed(), 0);
            checked += 1;
        }
        for c in &corpus.reject {
            let mut m = Matcher::new(cg.clone());
            let ok = m.consume_bytes(c.text.as_bytes());
            assert!(
                !(ok && m.is_accepting()),
                "{name}: should reject {:?} ({:?})",
                c.text,
                c.note
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} cases found");
}
