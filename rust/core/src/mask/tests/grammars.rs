//! Masks against brute force on small grammars: boundaries, ignored text,
//! look-aheads, special tokens, ambiguity, JSON strings; forks, the shared
//! cache and the walk budget.

use super::*;
use crate::error::Failure;

const PARENS: &str =
    "start: list\nlist: \"(\" [item (\",\" item)*] \")\"\nitem: NUM | list\nNUM: /[0-9]+/\n";

/// Tokens that span several lexemes: the walk goes on below boundary
/// groups, through parser steps.
#[test]
fn tokens_crossing_lexeme_boundaries() {
    let v = vocab(
        &[
            b"(", b")", b",", b"1", b"2", b"12", b"1,", b",2", b"(1", b"1)", b"),", b"1,2",
            b"(12,", b"2)", b")(", b",(", b"((", b"))", b")))",
        ],
        &[],
    );
    let tg = bound(lark(PARENS), &v);
    let brute = Brute::new(&v, 3);
    check_along(
        &tg,
        &brute,
        &[b"(1", b",2", b",(", b"12", b"1,2", b"2)", b")"],
    );
    walks(&tg, &brute, 1, 12, 10);
}

/// `%ignore`d text between lexemes, greedy: a comment runs to the newline,
/// so a name cannot start right after `#a`.
#[test]
fn ignored_whitespace_and_comments() {
    let v = vocab(
        &[
            b"a", b"b", b"ab", b" ", b"\n", b";", b"#", b"# ", b"a ", b" a", b"a;", b"; ", b"#a\n",
            b"\n#", b"a#", b";#", b" \n ",
        ],
        &[],
    );
    let tg = bound(
        lark(
            "start: NAME (\";\" NAME)*\nNAME: /[a-z]+/\nC: /#[^\\n]*/\n%ignore C\n%ignore /[ \\n]+/\n",
        ),
        &v,
    );
    let brute = Brute::new(&v, 3);
    check_along(
        &tg,
        &brute,
        &[
            b" a", b"; ", b"#", b"a", b"\n", b"ab", b"a#", b"\n", b";", b"b",
        ],
    );
    walks(&tg, &brute, 2, 12, 10);
}

/// Look-ahead terminals: `a` not followed by `b`, and a number followed by
/// a space or `;` (which the end of input is not).
#[test]
fn lookahead_terminals() {
    let v = vocab(
        &[
            b"a", b"b", b"ab", b"ba", b"aa", b"1", b"12", b"1;", b" ", b";", b"a;", b"b ", b"1 ",
            b"a b", b";a", b"2",
        ],
        &[],
    );
    let tg = bound(
        lark(
            "start: (KW | NAME | NUM | \";\")+\nKW: /a(?!b)/\nNAME: /b+/\nNUM: /[0-9]+(?=[ ;])/\n\
             %ignore \" \"\n",
        ),
        &v,
    );
    let brute = Brute::new(&v, 3);
    check_along(
        &tg,
        &brute,
        &[
            b"a", b"a", b" ", b"b ", b"12", b";", b"1", b" ", b"ba", b";a",
        ],
    );
    walks(&tg, &brute, 3, 15, 10);
    // After `a`, no `b`; after a number, not the end.
    let mut m = TokenMatcher::new(tg.clone());
    m.consume(id(&v, "a")).unwrap();
    let mask = mask_of(&mut m);
    assert!(!has(&mask, id(&v, "b")) && !has(&mask, id(&v, "ba")));
    assert!(has(&mask, id(&v, "a b")) && has(&mask, v.eos_token_ids()[0]));
    m.consume(id(&v, "12")).unwrap();
    let mask = mask_of(&mut m);
    assert!(!has(&mask, v.eos_token_ids()[0]) && !has(&mask, id(&v, "a")));
    assert!(has(&mask, id(&v, " ")) && has(&mask, id(&v, ";a")));
}

/// Special tokens the grammar names: allowed where their terminal is, EOS
/// only at the end, other specials never.
#[test]
fn special_tokens() {
    let v = vocab(
        &[b"a", b"b", b"ab", b"!", b"a!"],
        &["<|user|>", "<|sep|>", "<|other|>"],
    );
    let tg = bound(
        lark("start: <|user|> NAME (<|sep|> NAME)* \"!\"?\nNAME: /[a-z]+/\n"),
        &v,
    );
    let brute = Brute::new(&v, 3);
    let mut m = TokenMatcher::new(tg.clone());
    let (mask, _) = check(&mut m, &brute, "start");
    assert_eq!(ids_of(&mask, v.vocab_size()), vec![id(&v, "<|user|>")]);
    check_along(
        &tg,
        &brute,
        &[
            b"<|user|>",
            b"ab",
            b"<|sep|>",
            b"a",
            b"b",
            b"<|sep|>",
            b"a!",
        ],
    );
    walks(&tg, &brute, 4, 12, 8);
    let mut m = TokenMatcher::new(tg);
    m.consume(id(&v, "<|user|>")).unwrap();
    m.consume(id(&v, "a")).unwrap();
    let mask = mask_of(&mut m);
    assert!(!has(&mask, id(&v, "<|other|>")) && !has(&mask, id(&v, "<|user|>")));
    assert!(has(&mask, id(&v, "<|sep|>")) && has(&mask, v.eos_token_ids()[0]));
}

/// Several threads at once: `aab` is `A B`, `B`, or the start of more.
#[test]
fn ambiguous_lexing_holds_several_threads() {
    let v = vocab(
        &[
            b"a", b"b", b"c", b"ab", b"aab", b"ba", b"bc", b"abc", b"bab",
        ],
        &[],
    );
    let tg = bound(
        lark("start: (A | B)+ C?\nA: /a+/\nB: /[ab]+b/\nC: \"c\"\n"),
        &v,
    );
    let brute = Brute::new(&v, 3);
    check_along(&tg, &brute, &[b"a", b"ab", b"ba", b"b", b"bab", b"c"]);
    let most = walks(&tg, &brute, 5, 15, 10);
    assert!(most > 1, "some state holds several threads");
    // Ambiguous nesting: every split of a token into rows.
    let v = vocab(&[b"a", b"b", b" ", b"ab", b"a b", b"ba ", b" a"], &[]);
    let tg = bound(lark("start: x\nx: x x | /[a-z]+/ | \" \"\n"), &v);
    let brute = Brute::new(&v, 2);
    check_along(&tg, &brute, &[b"a b", b"ab", b" a", b"ba "]);
    walks(&tg, &brute, 6, 8, 8);
}

/// JSON strings with length bounds compile to counted strings: the walks
/// inside are cuts of the vocabulary's scan of string text, by the room
/// the bounds leave (tokens needing more than 8 characters cut one by one,
/// those near the bounds by a filter).
#[test]
fn json_strings_with_length_bounds() {
    let toks: &[&[u8]] = &[
        b"\"",
        b"a",
        b"b",
        b"ab",
        b"aaaa",
        b"aaaaaaaaa",
        b"aaaaaaaaaa",
        b"aaaaaaaaaa\"",
        b"\"a",
        b"a\"",
        b"ab\"",
        b"\\",
        b"\\\"",
        b"\\\\",
        b"\\u",
        b"00e9",
        b"0",
        b"e",
        b"9",
        b"\xc3",
        b"\xa9",
        b"\xc3\xa9",
        b"\"\xc3",
        b"\xa9\"",
    ];
    let v = vocab(toks, &[]);
    let tg = bound(
        schema(json!({"type": "string", "minLength": 2, "maxLength": 12})),
        &v,
    );
    let brute = Brute::new(&v, 3);
    check_along(
        &tg,
        &brute,
        &[
            b"\"", b"a", b"\\u", b"00e9", b"\xc3", b"\xa9", b"aaaa", b"\\\"", b"a", b"a\"",
        ],
    );
    check_along(&tg, &brute, &[b"\"a", b"aaaaaaaaaa\""]);
    check_along(&tg, &brute, &[b"\"", b"aaaaaaaaa", b"ab", b"a"]);
    walks(&tg, &brute, 7, 12, 10);
    // Short bounds, in an array: the counted string ends a lexeme the
    // parser goes on from.
    let mut toks = toks.to_vec();
    toks.extend_from_slice(&[b"[", b"]", b",", b"[\"", b"\",\"", b"\"]", b"\",", b"a\"]"]);
    let v = vocab(&toks, &[]);
    let tg = bound(
        schema(json!({
            "type": "array",
            "items": {"type": "string", "minLength": 1, "maxLength": 3},
            "maxItems": 3
        })),
        &v,
    );
    let brute = Brute::new(&v, 3);
    check_along(&tg, &brute, &[b"[\"", b"ab", b"\",\"", b"\xc3\xa9", b"\"]"]);
    walks(&tg, &brute, 8, 12, 8);
}

/// Object keys: listed names, then any other key (past the names, a state
/// that behaves like plain string text).
#[test]
fn json_object_keys_and_values() {
    let v = vocab(
        &[
            b"{",
            b"}",
            b"\"",
            b"a",
            b"b",
            b"ab",
            b"ba",
            b"\":",
            b":",
            b",",
            b"1",
            b"12",
            b"true",
            b"{\"",
            b"\",\"",
            b"\"ab\"",
            b"\"b",
            b"1,",
            b"1}",
            b"\":1}",
            b"\":1,",
            b"\"ab\":1}",
            b"\":true,",
        ],
        &[],
    );
    let tg = bound(
        schema(json!({
            "type": "object",
            "properties": {"ab": {"type": "integer"}, "b": {"type": "boolean"}},
            "required": ["ab"]
        })),
        &v,
    );
    let brute = Brute::new(&v, 2);
    check_along(
        &tg,
        &brute,
        &[
            b"{\"", b"ab", b"\":", b"12", b",", b"\"b", b"\":", b"true", b"}",
        ],
    );
    check_along(
        &tg,
        &brute,
        &[b"{", b"\"ab\"", b":", b"1,", b"\"", b"ba", b"\":", b"1}"],
    );
    walks(&tg, &brute, 9, 8, 8);
}

/// Every string over `{a, b}` of 1 to 10 bytes: the root child `a` has a
/// subtree past [`crate::mask::walk::SHARED_SUBTREE`] nodes, so root walks are
/// put together from walks below it, kept per state.
fn big_vocab(extra: &[&[u8]]) -> Arc<Vocabulary> {
    let mut toks: Vec<Vec<u8>> = Vec::new();
    for len in 1..=10 {
        for bits in 0..1u32 << len {
            toks.push((0..len).map(|i| b"ab"[(bits >> i & 1) as usize]).collect());
        }
    }
    toks.extend(extra.iter().map(|t| t.to_vec()));
    let refs: Vec<&[u8]> = toks.iter().map(Vec::as_slice).collect();
    vocab(&refs, &[])
}

#[test]
fn large_subtrees_walked_on_their_own() {
    let extra: &[&[u8]] = &[
        b" ", b",", b"{", b"}", b"\"", b":", b"1", b"\":", b"{\"", b"\":1}",
    ];
    let v = big_vocab(extra);
    let a = v.trie().find(b"a").unwrap();
    assert!(v.trie().node(a).subtree_size() >= crate::mask::walk::SHARED_SUBTREE);
    let mut spelled = extra.to_vec();
    spelled.extend_from_slice(&[b"a", b"b", b"ab"]);
    let brute = Brute::with(&v, &spelled, 2);
    let tg = bound(
        lark("start: W (\",\" W)*\nW: /[ab]*ab/\n%ignore \" \"\n"),
        &v,
    );
    check_along(
        &tg,
        &brute,
        &[b"abab", b",", b"b", b"aab", b" ", b",", b"ab"],
    );
    walks(&tg, &brute, 10, 2, 4);
    // Keys past the listed names behave like plain string text.
    let tg = bound(
        schema(json!({
            "type": "object",
            "properties": {"aab": {"type": "integer"}, "abb": {"type": "integer"}}
        })),
        &v,
    );
    check_along(
        &tg,
        &brute,
        &[
            b"{\"", b"a", b"ab", b"\":", b"1", b",", b"\"", b"bab", b"\":1}",
        ],
    );
    walks(&tg, &brute, 11, 2, 4);
}

// --- Cache, scratch and budget -------------------------------------------

fn paren_grammar(v: &Arc<Vocabulary>, config: MaskConfig) -> Arc<TokenGrammar> {
    TokenGrammar::with_config(lark(PARENS), v.clone(), config).unwrap()
}

fn paren_vocab() -> Arc<Vocabulary> {
    vocab(
        &[
            b"(", b")", b",", b"1", b"12", b"1,", b",(", b"(1", b"1)", b"),", b"((", b"1,2",
        ],
        &[],
    )
}

/// A fork's mask scratch is its own: masks of parent and fork, filled in
/// turns, are each what a fresh matcher at that state finds.
#[test]
fn a_fork_masks_on_its_own() {
    let v = paren_vocab();
    let tg = paren_grammar(&v, MaskConfig::default());
    let fresh = |toks: &[&str]| {
        let mut m = TokenMatcher::new(tg.clone());
        for t in toks {
            m.consume(id(&v, t)).unwrap();
        }
        mask_of(&mut m)
    };
    let mut parent = TokenMatcher::new(tg.clone());
    parent.consume(id(&v, "(1")).unwrap();
    let at_parent = mask_of(&mut parent);
    let mut fork = parent.clone();
    fork.consume(id(&v, "1,")).unwrap();
    let at_fork = mask_of(&mut fork);
    assert_ne!(at_parent, at_fork);
    for _ in 0..3 {
        assert_eq!(mask_of(&mut parent), at_parent);
        assert_eq!(mask_of(&mut fork), at_fork);
    }
    assert_eq!(at_parent, fresh(&["(1"]));
    assert_eq!(at_fork, fresh(&["(1", "1,"]));
    // The parent goes on: the fork's mask stays its own.
    parent.consume(id(&v, ")")).unwrap();
    let done = mask_of(&mut parent);
    assert_eq!(ids_of(&done, v.vocab_size()), v.eos_token_ids());
    assert_eq!(mask_of(&mut fork), at_fork);
    // A fork of a fork, rolled back: its parent's mask again.
    let mut f2 = fork.clone();
    f2.consume(id(&v, "((")).unwrap();
    assert_ne!(mask_of(&mut f2), at_fork);
    f2.rollback(1);
    assert_eq!(mask_of(&mut f2), at_fork);
}

/// One cache per token grammar: a second matcher at the same states walks
/// nothing new; without room, nothing is kept and masks are the same.
#[test]
fn the_cache_is_shared_by_matchers_of_a_token_grammar() {
    let v = paren_vocab();
    let tg = paren_grammar(&v, MaskConfig::default());
    assert_eq!(tg.cache_len(), 0);
    let path = ["(1", ",(", "12", "1)", ",", "1", ")"];
    let mut m1 = TokenMatcher::new(tg.clone());
    let mut lens = Vec::new();
    let mut masks = Vec::new();
    masks.push(mask_of(&mut m1));
    lens.push(tg.cache_len());
    for t in path {
        m1.consume(id(&v, t)).unwrap();
        masks.push(mask_of(&mut m1));
        lens.push(tg.cache_len());
    }
    assert!(lens[0] > 0 && tg.cache_bytes() > 0);
    assert!(lens.windows(2).all(|w| w[0] <= w[1]), "{lens:?}");
    let total = *lens.last().unwrap();
    let bytes = tg.cache_bytes();
    let mut m2 = TokenMatcher::new(tg.clone());
    assert_eq!(mask_of(&mut m2), masks[0]);
    for (i, t) in path.iter().enumerate() {
        m2.consume(id(&v, t)).unwrap();
        assert_eq!(mask_of(&mut m2), masks[i + 1]);
        assert_eq!(tg.cache_len(), total, "after {t:?}");
    }
    assert_eq!(tg.cache_bytes(), bytes);
    // Another token grammar over the same grammar and vocabulary has its
    // own cache; one without room keeps nothing, and masks the same.
    let none = paren_grammar(
        &v,
        MaskConfig {
            max_cache_bytes: 0,
            ..MaskConfig::default()
        },
    );
    let mut m3 = TokenMatcher::new(none.clone());
    assert_eq!(mask_of(&mut m3), masks[0]);
    for (i, t) in path.iter().enumerate() {
        m3.consume(id(&v, t)).unwrap();
        assert_eq!(mask_of(&mut m3), masks[i + 1]);
    }
    assert_eq!(none.cache_len(), 0);
    assert_eq!(tg.cache_len(), total);
}

/// Past `max_walk_states` a mask is an error and empty, the matcher
/// unchanged; every budget from the least that suffices gives the mask.
#[test]
fn the_walk_budget_is_an_error_and_an_empty_mask() {
    let v = vocab(
        &[b"a", b"b", b" ", b"ab", b"a b", b"ba ", b" a", b"a ab"],
        &[],
    );
    let g = lark("start: x\nx: x x | /[a-z]+/ | \" \"\n");
    let with = |n: usize| {
        TokenGrammar::with_config(
            g.clone(),
            v.clone(),
            MaskConfig {
                max_walk_states: n,
                ..MaskConfig::default()
            },
        )
        .unwrap()
    };
    let path = ["a b", "ab", " a"];
    let run = |tg: Arc<TokenGrammar>| -> Vec<Result<Vec<u32>, Failure>> {
        let mut m = TokenMatcher::new(tg);
        let mut out = Vec::new();
        for i in 0..=path.len() {
            if i > 0 {
                m.consume(id(&v, path[i - 1])).unwrap();
            }
            let mut mask = vec![u32::MAX; v.mask_words()];
            let before = (
                m.byte_matcher().chart_size(),
                m.byte_matcher().threads.clone(),
            );
            let r = m.fill_mask(&mut mask);
            let after = (
                m.byte_matcher().chart_size(),
                m.byte_matcher().threads.clone(),
            );
            assert_eq!(before, after, "a mask leaves the matcher as it was");
            out.push(match r {
                Ok(()) => Ok(mask),
                Err(e) => {
                    assert_eq!(e.limit, Some("max_walk_states"), "{e}");
                    assert!(mask.iter().all(|&w| w == 0), "an empty mask");
                    // Not kept for reuse: the same error again.
                    let mut again = vec![u32::MAX; v.mask_words()];
                    assert!(m.fill_mask(&mut again).is_err());
                    assert!(again.iter().all(|&w| w == 0));
                    Err(e)
                }
            });
        }
        out
    };
    let want: Vec<Vec<u32>> = run(with(MaskConfig::default().max_walk_states))
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let mut least = vec![None; want.len()];
    for n in 0..60 {
        for (i, r) in run(with(n)).into_iter().enumerate() {
            match r {
                Ok(mask) => {
                    assert_eq!(mask, want[i], "budget {n}, state {i}");
                    least[i].get_or_insert(n);
                }
                Err(_) => assert!(least[i].is_none(), "budget {n} fails past {least:?}"),
            }
        }
    }
    assert!(least.iter().all(Option::is_some), "{least:?}");
    assert!(least.iter().all(|&l| l > Some(0)), "{least:?}");
    // The matcher still takes tokens after a failed mask.
    let mut m = TokenMatcher::new(with(0));
    let mut mask = vec![0u32; v.mask_words()];
    assert!(m.fill_mask(&mut mask).is_err());
    assert!(m.try_consume(id(&v, "a b")));
    m.consume(id(&v, "a b")).unwrap();
    assert!(m.is_accepting());
}

/// Strings under unanchored patterns (any text may come before the pattern
/// is found; only the closing quote depends on the text so far) and an
/// anchored one: every mask agrees with brute force, escapes and
/// multi-byte characters included.
#[test]
fn strings_under_unanchored_patterns() {
    let toks: &[&[u8]] = &[
        b"{",
        b"}",
        b"\"",
        b":",
        b",",
        b" ",
        b"\"a\"",
        b"\"b\"",
        b"\"c\"",
        b"\"d\"",
        b"1",
        b"12",
        b".",
        b".5",
        b"1.",
        b"1.5\"",
        b"5\"",
        b"5\",",
        b"5\"}",
        b"\",",
        b"\"}",
        b"x",
        b"v",
        b"v1",
        b"ab",
        b"ab\"",
        b"b\"",
        b"a",
        b"b",
        b"\\",
        b"\\u",
        b"0031",
        b"002e",
        b"\\\"",
        b"\xc3",
        b"\xa9",
        b"\xc3\xa9",
        b"\xa9\"",
        b"f",
        b"0",
        b"00",
        b"0f\"",
        b"u0061",
        b"0061",
    ];
    let v = vocab(toks, &[]);
    let tg = bound(
        schema(json!({
            "type": "object",
            "properties": {
                "a": {"type": "string", "pattern": "[0-9]+\\.[0-9]+"},
                "b": {"type": "string", "pattern": "ab"},
                "c": {"type": "string", "pattern": "^ab"}
            },
            "additionalProperties": false
        })),
        &v,
    );
    let brute = Brute::new(&v, 3);
    check_along(
        &tg,
        &brute,
        &[
            b"{",
            b"\"a\"",
            b":",
            b"\"",
            b"v1",
            b"x",
            b"\\u",
            b"0031",
            b"\\\"",
            b"\xc3",
            b"\xa9",
            b"12",
            b".",
            b"\\u",
            b"0031",
            b"5\",",
            b"\"b\"",
            b":",
            b"\"",
            b"x",
            b"\xc3\xa9",
            b"a",
            b"b",
            b"\xc3",
            b"\xa9\"",
            b"}",
        ],
    );
    check_along(
        &tg,
        &brute,
        &[
            b"{", b"\"c\"", b":", b"\"", b"ab", b"x", b"\",", b"\"b\"", b":", b"\"", b"ab\"", b"}",
        ],
    );
    walks(&tg, &brute, 11, 16, 12);
}
