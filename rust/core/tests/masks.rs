//! Masks equal the brute-force answer: every token tried with try_consume.

use std::path::Path;
use std::sync::Arc;

use corral_core::lark::{parse_lark, parse_lark_file, LarkOptions};
use corral_core::{
    CompiledGrammar, Config, HfOptions, Matcher, TokenGrammar, TokenMatcher, Vocabulary,
};

fn vocab(name: &str) -> Arc<Vocabulary> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/tokenizers")
        .join(name);
    Arc::new(Vocabulary::from_hf_path(&dir, &HfOptions::default()).unwrap())
}

fn grammar_file(name: &str) -> Arc<CompiledGrammar> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../grammars")
        .join(name);
    CompiledGrammar::new(
        parse_lark_file(&p, &LarkOptions::default()).unwrap(),
        Config::default(),
    )
    .unwrap()
}

fn check_state(m: &mut TokenMatcher, words: usize, label: &str) {
    let mut mask = vec![0u32; words];
    m.fill_mask(&mut mask).unwrap();
    let v = m.token_grammar().vocab.clone();
    let mut bad = Vec::new();
    for t in 0..v.vocab_size() as u32 {
        let bit = mask[(t / 32) as usize] >> (t % 32) & 1 == 1;
        let ok = m.try_consume(t);
        if bit != ok {
            bad.push((
                t,
                bit,
                ok,
                String::from_utf8_lossy(v.bytes_or_empty(t)).into_owned(),
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{label}: {} differences, e.g. {:?}",
        bad.len(),
        &bad[..bad.len().min(8)]
    );
}

/// Greedy longest-match tokenization (valid, not canonical).
fn tokenize(v: &Vocabulary, text: &[u8]) -> Vec<u32> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let t = *v
            .trie()
            .prefixes_of(&text[i..])
            .last()
            .expect("byte tokens exist");
        i += v.bytes_or_empty(t).len();
        out.push(t);
    }
    out
}

#[test]
fn json_masks_match_brute_force() {
    let v = vocab("gpt2");
    let tg = TokenGrammar::new(grammar_file("json.lark"), v.clone()).unwrap();
    let doc = br#"{"name": "corral", "n": [1, -2.5e3, true, null], "nested": {"k": "v\n\u00e9"}, "e": []}"#;
    let toks = tokenize(&v, doc);
    let mut m = TokenMatcher::new(tg);
    check_state(&mut m, v.mask_words(), "start");
    for (i, &t) in toks.iter().enumerate() {
        m.consume(t).unwrap();
        if i % 3 == 0 || i + 1 == toks.len() {
            check_state(&mut m, v.mask_words(), &format!("after token {i}"));
        }
    }
    assert!(m.is_accepting());
    let eos = v.eos_token_ids()[0];
    assert!(m.try_consume(eos));
}

#[test]
fn lookahead_and_ambiguous_lexing_masks() {
    let v = vocab("gpt2");
    let text = "start: (KW | NAME | NUM)+\nKW: /if(?![a-z])/\nNAME: /[a-z]+/\nNUM: /[0-9]+(\\.[0-9]+)?/\n%ignore \" \"\n";
    let g = CompiledGrammar::new(
        parse_lark(text, "<t>", &LarkOptions::default()).unwrap(),
        Config::default(),
    )
    .unwrap();
    let tg = TokenGrammar::new(g, v.clone()).unwrap();
    let mut m = TokenMatcher::new(tg);
    check_state(&mut m, v.mask_words(), "start");
    for t in tokenize(&v, b"if x 12.5 iffy if") {
        m.consume(t).unwrap();
        check_state(&mut m, v.mask_words(), "step");
    }
}

fn small_grammar(text: &str) -> Arc<CompiledGrammar> {
    CompiledGrammar::new(
        parse_lark(text, "<t>", &LarkOptions::default()).unwrap(),
        Config::default(),
    )
    .unwrap()
}

fn check_walk(v: &Arc<Vocabulary>, g: Arc<CompiledGrammar>, input: &[u8], every: usize) {
    let tg = TokenGrammar::new(g, v.clone()).unwrap();
    let mut m = TokenMatcher::new(tg);
    check_state(&mut m, v.mask_words(), "start");
    for (i, t) in tokenize(v, input).into_iter().enumerate() {
        m.consume(t).unwrap();
        if i % every == 0 {
            check_state(&mut m, v.mask_words(), &format!("after token {i}"));
        }
    }
}

#[test]
fn masks_with_multibyte_lookaheads_greedy_comments_and_many_splits() {
    let v = vocab("llama3");
    // A word-boundary test whose class has multi-byte characters: one byte
    // does not decide it.
    check_walk(
        &v,
        small_grammar(
            "start: (KW | NAME | NUM | \",\")+\nKW: /or(?![a-z\\u0080-\\U0010ffff])/\n\
             NAME: /[a-z\\u00e0-\\u00ff]+(?![a-z\\u0080-\\U0010ffff])/\nNUM: /[0-9]+(?=[ ,])/\n\
             %ignore \" \"\n",
        ),
        "or é ordre, x 12 ,or".as_bytes(),
        1,
    );
    // Greedily matched ignored text: a line comment ends only at a newline.
    check_walk(
        &v,
        small_grammar(
            "start: (NAME \";\")+\nNAME: /[a-z]+/\nC: /--[^\\n]*/\n%ignore C\n%ignore /[ \\n]+/\n",
        ),
        b"ab; -- c;d\ncd ;--\n",
        1,
    );
    // Many ways to split one token: the walk must stay polynomial.
    check_walk(
        &v,
        small_grammar("start: A+ B?\nA: /a+/\nB: /a*b/\n"),
        b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
        4,
    );
    // An unproductive rule: parser steps cannot be skipped.
    check_walk(
        &v,
        small_grammar("start: \"a\" x | \"a\" \"b\"\nx: \"c\" x\n"),
        b"ab",
        1,
    );
}

#[test]
fn sql_masks_match_brute_force() {
    let v = vocab("gpt2");
    let script = b"SELECT a.id, count(*) AS n FROM t1 AS a JOIN t2 ON a.x = t2.y -- note\n\
        WHERE a.name LIKE 'ab%' AND a.v >= 1.5e3 GROUP BY a.id ORDER BY n DESC LIMIT 10;\n\
        INSERT INTO t(x, y) VALUES (1, 'caf\xc3\xa9'), (?2, :name) ON CONFLICT DO NOTHING;";
    check_walk(&v, grammar_file("sql.lark"), script, 3);
}

#[test]
fn masks_without_cache_space_are_still_exact() {
    use corral_core::MaskConfig;
    let v = vocab("gpt2");
    let g = small_grammar(
        "start: (A | B \",\" | \"[\" start* \"]\")+\nA: /a+/\nB: /[ab]+b/\n%ignore \" \"\n",
    );
    let tg = TokenGrammar::with_config(
        g,
        v.clone(),
        MaskConfig {
            max_cache_bytes: 0,
            ..Default::default()
        },
    )
    .unwrap();
    let mut m = TokenMatcher::new(tg.clone());
    check_state(&mut m, v.mask_words(), "start");
    for (i, t) in tokenize(&v, b"aab, [ab, aaaa [a] ] abab,")
        .into_iter()
        .enumerate()
    {
        m.consume(t).unwrap();
        check_state(&mut m, v.mask_words(), &format!("after token {i}"));
    }
    assert_eq!(tg.cache_len(), 0);
}

#[test]
fn grammars_may_name_special_tokens() {
    let v = vocab("llama3");
    let g = small_grammar(
        "start: <|start_header_id|> ROLE <[128007]> \"\\n\\n\" TEXT <|eot_id|>? \"!\"?\n\
         ROLE: /[a-z]+/\nTEXT: /[a-z ]+/\n",
    );
    let tg = TokenGrammar::new(g, v.clone()).unwrap();
    let mut m = TokenMatcher::new(tg);
    let words = v.mask_words();
    check_state(&mut m, words, "start");
    let mut mask = vec![0u32; words];
    m.fill_mask(&mut mask).unwrap();
    let allowed: Vec<u32> = (0..v.vocab_size() as u32)
        .filter(|&t| mask[(t / 32) as usize] >> (t % 32) & 1 == 1)
        .collect();
    assert_eq!(
        allowed,
        vec![128006],
        "only <|start_header_id|> at the start"
    );
    m.consume(128006).unwrap();
    check_state(&mut m, words, "after the header start");
    for t in tokenize(&v, b"user") {
        m.consume(t).unwrap();
    }
    check_state(&mut m, words, "inside the role");
    assert!(m.try_consume(128007));
    assert!(m.consume(128001).is_err(), "EOS is not a terminal here");
    m.rollback(1);
    m.consume(128007).unwrap();
    for t in tokenize(&v, b"\n\nhi there") {
        m.consume(t).unwrap();
    }
    check_state(&mut m, words, "inside the text");
    assert!(m.is_accepting());
    m.consume(
        v.special_token_ids()
            .iter()
            .copied()
            .find(|&t| v.special_name(t) == Some("<|eot_id|>"))
            .unwrap(),
    )
    .unwrap();
    check_state(&mut m, words, "after <|eot_id|>");
    assert!(m.is_accepting());
    // A special token the vocabulary lacks, and one inside a terminal.
    let g = small_grammar("start: \"a\" <|no_such_token|>\n");
    let e = TokenGrammar::new(g, v.clone()).unwrap_err();
    assert!(e.message.contains("<|no_such_token|>"), "{e}");
    assert_eq!(e.kind, corral_core::ErrorKind::Syntax);
    let bad = parse_lark(
        "start: A\nA: \"a\" <|eot_id|>\n",
        "<t>",
        &LarkOptions::default(),
    )
    .map(|g| CompiledGrammar::new(g, Config::default()));
    assert!(
        matches!(bad, Ok(Err(_)) | Err(_)),
        "a special token inside a terminal is refused"
    );
    // Ordinary tokens are written as strings: <[id]> must be special.
    let g = small_grammar("start: <[64]>\n");
    assert!(TokenGrammar::new(g, v.clone()).is_err());
}

/// Splits of one token into lexemes multiply (Fibonacci in the token's
/// length); the walks below equal trie nodes and the rows equal in their
/// future are shared, so the mask stays exact and cheap.
#[test]
fn many_ways_to_split_a_token_stay_polynomial() {
    let g = small_grammar("start: (A | B)+\nA: /[a-z]/\nB: /[a-z]{2}/\n");
    for v in [vocab("gpt2"), {
        let toks = vec![
            corral_core::TokenSpec::Normal(b"a".to_vec()),
            corral_core::TokenSpec::Normal(vec![b'a'; 60]),
            corral_core::TokenSpec::Normal(b"</s>".to_vec()),
        ];
        Arc::new(Vocabulary::new(toks, &[2], None, corral_core::TokenizerKind::Raw).unwrap())
    }] {
        let t0 = std::time::Instant::now();
        let input: &[u8] = if v.vocab_size() == 3 {
            &[b'a'; 150]
        } else {
            b"abcdefghijklmnopqrstuvwxyzabcdefghij"
        };
        check_walk(&v, g.clone(), input, 7);
        assert!(t0.elapsed().as_secs() < 20, "took {:?}", t0.elapsed());
    }
    // Ambiguous nesting: every split of the letters, and of the rows.
    check_walk(
        &vocab("gpt2"),
        small_grammar("start: x\nx: x x | /[a-z]+/ | \" \"\n"),
        b"hello world abc",
        3,
    );
}

/// Rows that differ only in completed items are one row: a long array
/// keeps a constant chart, and many optional items do not make completion
/// scan every prediction.
#[test]
fn equal_rows_are_merged_and_completions_are_indexed() {
    let g = grammar_file("json.lark");
    let mut m = Matcher::new(g);
    let mut data = b"[".to_vec();
    for _ in 0..100_000 {
        data.extend_from_slice(b"1, ");
    }
    data.extend_from_slice(b"1]");
    assert!(m.consume_bytes(&data));
    assert!(m.is_accepting());
    let (rows, _) = m.chart_size();
    assert!(rows < 100, "{rows} rows");

    let n = 3000;
    let text = format!("start: {}\n", vec!["\"a\"?"; n].join(" "));
    let mut m = Matcher::new(small_grammar(&text));
    let t0 = std::time::Instant::now();
    assert!(m.consume_bytes(&vec![b'a'; n]));
    assert!(m.is_accepting());
    assert!(!m.consume_bytes(b"a"));
    assert!(t0.elapsed().as_secs() < 20, "took {:?}", t0.elapsed());
}

/// Budgets end in limit errors, not in memory exhaustion.
#[test]
fn chart_and_walk_budgets_are_limit_errors() {
    let text = "start: x\nx: x x | /[a-z]+/ | \" \"\n";
    let mut cfg = Config::default();
    cfg.earley.max_chart_bytes = 64 << 10;
    let g = CompiledGrammar::new(
        parse_lark(text, "<t>", &LarkOptions::default()).unwrap(),
        cfg,
    )
    .unwrap();
    let mut m = Matcher::new(g.clone());
    let input: Vec<u8> = b"ab ".iter().cycle().take(3000).copied().collect();
    assert!(!m.consume_bytes(&input));
    let e = m.error().unwrap();
    assert_eq!(e.error_kind(), corral_core::ErrorKind::Limit, "{e}");
    assert_eq!(e.limit(), Some("max_chart_bytes"));
    assert!(e.to_string().contains("max_chart_bytes"), "{e}");

    let v = vocab("gpt2");
    let tg = TokenGrammar::with_config(
        small_grammar(text),
        v.clone(),
        corral_core::MaskConfig {
            max_walk_states: 10,
            ..Default::default()
        },
    )
    .unwrap();
    let mut m = TokenMatcher::new(tg);
    let mut mask = vec![0u32; v.mask_words()];
    let e = m.fill_mask(&mut mask).unwrap_err();
    assert_eq!(e.kind, corral_core::ErrorKind::Limit, "{e}");
    assert_eq!(e.limit, Some("max_walk_states"));
    assert!(mask.iter().all(|&w| w == 0));
}
