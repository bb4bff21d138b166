use super::regex::translate;
use super::*;
use crate::grammar::{Span, TermExpr};

fn lexer(pats: &[&str]) -> Lexer {
    let terms: Vec<_> = pats
        .iter()
        .map(|p| {
            Some(
                translate(&TermExpr::Regex {
                    pattern: (*p).into(),
                    flags: String::new(),
                    span: Span::default(),
                })
                .unwrap(),
            )
        })
        .collect();
    Lexer::new(&terms, &[], &LexerConfig::default()).unwrap()
}

/// Terminal ids from their indices.
fn ids(ts: &[u32]) -> Vec<TermId> {
    ts.iter().copied().map(TermId::new).collect()
}

fn run(l: &Lexer, s: LexState, input: &[u8]) -> LexState {
    input.iter().fold(s, |s, &b| l.step(s, b).unwrap())
}

#[test]
fn all_matches_are_reported() {
    let l = lexer(&["[0-9]+", "[0-9]+\\.[0-9]+", "if", "[a-z]+"]);
    let s = l.start_state(&ids(&[0, 1, 2, 3])).unwrap();
    let t = run(&l, s, b"12");
    let acc: Vec<_> = l.info(t).accepts.iter().map(|a| a.term).collect();
    assert_eq!(acc, ids(&[0]));
    assert!(l.info(t).live);
    let t = run(&l, s, b"12.5");
    assert_eq!(
        l.info(t).accepts.iter().map(|a| a.term).collect::<Vec<_>>(),
        ids(&[1])
    );
    let t = run(&l, s, b"if");
    assert_eq!(
        l.info(t).accepts.iter().map(|a| a.term).collect::<Vec<_>>(),
        ids(&[2, 3])
    );
    assert_eq!(run(&l, s, b"1a"), LexState::DEAD);
    // Restricting the allowed set restricts what is alive.
    let s2 = l.start_state(&ids(&[2])).unwrap();
    let t = run(&l, s2, b"if");
    assert!(!l.info(t).live);
    assert_eq!(run(&l, s2, b"ix"), LexState::DEAD);
}

/// Hundreds of literals (and a regex) alive at once step through the
/// state's byte index: each string matches exactly the terminals it
/// should, and a byte no literal takes leaves the regex alone.
#[test]
fn many_literals_step_by_byte_index() {
    let words: Vec<String> = (0..300).map(|i| format!("k{i}")).collect();
    let mut pats: Vec<&str> = words.iter().map(String::as_str).collect();
    pats.push("[a-z][a-z0-9]*");
    pats.push("k1(0|1)*");
    let l = lexer(&pats);
    let all: Vec<TermId> = (0..pats.len() as u32).map(TermId::new).collect();
    let s = l.start_state(&all).unwrap();
    let regex = 300;
    let ones = 301;
    for (input, want) in [
        ("k1", vec![1, regex, ones]),
        ("k10", vec![10, regex, ones]),
        ("k100", vec![100, regex, ones]),
        ("k299", vec![299, regex]),
        ("k1011", vec![regex, ones]),
        ("k300", vec![regex]),
        ("kx", vec![regex]),
        ("q", vec![regex]),
    ] {
        let t = run(&l, s, input.as_bytes());
        let mut got: Vec<TermId> = l.info(t).accepts.iter().map(|a| a.term).collect();
        got.sort_unstable();
        assert_eq!(got, ids(&want), "{input}");
    }
    assert_eq!(run(&l, s, b"K"), LexState::DEAD);
    assert_eq!(run(&l, s, b"k-"), LexState::DEAD);
}

#[test]
fn which_nfas_always_reach_a_match() {
    let h = |p: &str| regex_syntax::parse(p).unwrap();
    assert!(every_state_matches(&h("\"(value_[0-9]+|other)\"")));
    assert!(!every_state_matches(&h("a\\b")));
    assert!(!every_state_matches(&h("a[^\\s\\S]|b")));
}

#[test]
fn state_limit_is_an_error() {
    let terms = vec![Some(
        translate(&TermExpr::Regex {
            pattern: "[a-z]{0,50}".into(),
            flags: String::new(),
            span: Span::default(),
        })
        .unwrap(),
    )];
    let cfg = LexerConfig {
        max_states: 10,
        ..LexerConfig::default()
    };
    let l = Lexer::new(&terms, &[], &cfg).unwrap();
    let mut s = l.start_state(&ids(&[0])).unwrap();
    let mut hit = false;
    for _ in 0..50 {
        match l.step(s, b'a') {
            Ok(n) => s = n,
            Err(_) => {
                hit = true;
                break;
            }
        }
    }
    assert!(hit);
}

/// The terminal of regex `p` (shared by the lexer's test modules).
pub(super) fn re(p: &str) -> TermExpr {
    TermExpr::Regex {
        pattern: p.into(),
        flags: String::new(),
        span: Span::default(),
    }
}

/// Whether `text` is a whole match of the lexer's only terminal.
fn matches_only(l: &Lexer, text: &[u8]) -> bool {
    let mut s = l.start_state(&ids(&[0])).unwrap();
    for &b in text {
        s = l.step(s, b).unwrap();
        if !l.info(s).live && l.info(s).accepts.is_empty() {
            return false;
        }
    }
    !l.info(s).accepts.is_empty()
}

/// A terminal with intersection and complement compiles for the lexer as
/// a table when its product is small and lazily when it is large (no table
/// built up front), and matches exactly what the eager table matches,
/// every prefix's liveness included.
#[test]
fn lazy_translation_matches_the_table() {
    use super::regex::{translate_lazy, translate_limited, EAGER_TABLE_STATES};
    let small = TermExpr::And(vec![
        re(r#""[a-z0-9]*""#),
        TermExpr::Not(Box::new(TermExpr::Alt(vec![re(r#""ab""#), re(r#""abc""#)]))),
    ]);
    // Strings that do not end in a run of exactly n digits: the product
    // counts the run, past the eager cap.
    let n = EAGER_TABLE_STATES + 10;
    let large = TermExpr::And(vec![
        re(r#""[a-z0-9]*""#),
        TermExpr::Not(Box::new(re(&format!(r#""[a-z0-9]*[a-z][0-9]{{{n}}}""#)))),
    ]);
    let digits = |k: usize| format!("\"x{}\"", "7".repeat(k)).into_bytes();
    let cfg = LexerConfig::default();
    for (expr, want_lazy) in [(&small, false), (&large, true)] {
        let lazy = translate_lazy(expr, 1 << 14, 1 << 24).unwrap();
        let is_product = matches!(
            lazy.as_slice(),
            [v] if matches!(v.special, Some(hir::Special::Product(_)))
        );
        assert_eq!(is_product, want_lazy);
        let eager = translate_limited(expr, 1 << 14, 1 << 24).unwrap();
        assert!(matches!(
            eager.as_slice(),
            [v] if matches!(v.special, Some(hir::Special::Table(_)))
        ));
        let (a, b) = (
            Lexer::new(&[Some(lazy)], &[], &cfg).unwrap(),
            Lexer::new(&[Some(eager)], &[], &cfg).unwrap(),
        );
        let mut texts: Vec<Vec<u8>> = [
            &br#""""#[..],
            br#""a""#,
            br#""ab""#,
            br#""abc""#,
            br#""abcd""#,
            br#""abd""#,
            br#""b""#,
            br#""ab"#,
            br#"ab""#,
            br#""A""#,
        ]
        .iter()
        .map(|t| t.to_vec())
        .collect();
        texts.extend([1, n - 1, n, n + 1].map(digits));
        for text in &texts {
            assert_eq!(matches_only(&a, text), matches_only(&b, text), "{text:?}");
        }
    }
    let l = Lexer::new(
        &[Some(translate_lazy(&large, 1 << 14, 1 << 24).unwrap())],
        &[],
        &cfg,
    )
    .unwrap();
    assert!(!matches_only(&l, &digits(n)) && matches_only(&l, &digits(n + 1)));
    // An empty language is found to be empty, lazily or not.
    let none = TermExpr::And(vec![re("a+"), TermExpr::Not(Box::new(re("a*")))]);
    for vs in [
        translate_lazy(&none, 1 << 12, 1 << 22).unwrap(),
        translate_limited(&none, 1 << 12, 1 << 22).unwrap(),
    ] {
        let l = Lexer::new(&[Some(vs)], &[], &cfg).unwrap();
        let s = l.start_state(&ids(&[0])).unwrap();
        assert!(!l.info(s).live);
    }
}

/// String text is recognized wherever a terminal's rest is characters
/// and a closing quote, whatever the terminal's spelling of a character,
/// and its machine steps like the terminal; equal texts share a table.
#[test]
fn string_text_is_read_off_the_terminal() {
    use super::json_text::{any_body, quoted};
    use crate::grammar::Spelling;
    let rfc = r#""([^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*""#;
    let lark = r#""(\\.|[^"\\])*""#;
    let mk = || {
        Lexer::new(
            &[
                Some(lexer_variants(rfc)),
                Some(translate_hir(quoted(any_body(Spelling::Any)))),
                Some(lexer_variants(lark)),
                Some(lexer_variants(r#""[a-z]{0,3}""#)),
                Some(lexer_variants(r#""[^"]*"x"#)),
                Some(lexer_variants(r#"'[^']*'"#)),
                Some(lexer_variants(r#""(?:[^"\\]*\\.)*""#)),
            ],
            &[],
            &LexerConfig::default(),
        )
        .unwrap()
    };
    let l = mk();
    let at = |t: u32, text: &[u8]| {
        let s = run(&l, l.start_state(&ids(&[t])).unwrap(), text);
        l.text_at(s).unwrap()
    };
    let any = regex::json_text().unwrap().unit_key();
    // Any JSON text, as the schemas spell it: the table of json_text.
    let s1 = at(1, b"\"").expect("schema string text");
    assert_eq!(s1.machine.unit_key(), any);
    // RFC 8259 text takes lone surrogate escapes too: a table of its own.
    let r = at(0, b"\"").expect("RFC string text");
    assert_ne!(r.machine.unit_key(), any);
    assert_eq!(
        at(0, b"\"ab\\n\xc3\xa9").unwrap().machine.unit_key(),
        r.machine.unit_key()
    );
    // The machine steps as the terminal does, the close included.
    let step_all = |m: &counted::CountedString, text: &[u8]| {
        let mut u = m.unit_start();
        for &b in text {
            match m.scan(u, b) {
                counted::Scan::Next(u2, _) => u = u2,
                counted::Scan::Close => return Some(true),
                counted::Scan::Dead => return None,
            }
        }
        Some(false)
    };
    for (text, ok) in [
        (&b"ab\\ud800\""[..], true),
        (b"\\u12\"", false),
        (b"a\x01", false),
        (b"\xc3\xa9\\/\"", true),
        (b"\xc3\"", false),
    ] {
        assert_eq!(step_all(&r.machine, text).is_some(), ok, "{text:?}");
        let s = run(
            &l,
            l.start_state(&ids(&[0])).unwrap(),
            &[b"\"", text].concat(),
        );
        assert_eq!(s != LexState::DEAD, ok, "{text:?}");
    }
    assert!(at(2, b"\"").is_some(), "lark's escaped string");
    // Characters that each end in an escape: after `a` the text cannot
    // close, though it steps as between characters on every other byte.
    let esc = at(6, b"\"").expect("escape-ended text");
    assert_eq!(step_all(&esc.machine, b"a\\x\""), Some(true));
    assert_eq!(step_all(&esc.machine, b"a\""), None);
    assert_eq!(step_all(&esc.machine, b"\""), Some(true));
    assert!(at(6, b"\"a").is_none());
    // Another lexer of the same terminals finds the tables kept with their
    // lazy DFAs: the same ones, the start still apart.
    let l2 = mk();
    let at2 = |t: u32, text: &[u8]| {
        let s = run(&l2, l2.start_state(&ids(&[t])).unwrap(), text);
        l2.text_at(s).unwrap()
    };
    for t in [0, 1, 2, 6] {
        assert_eq!(
            at2(t, b"\"").map(|a| a.machine.unit_key()),
            at(t, b"\"").map(|a| a.machine.unit_key())
        );
    }
    assert_eq!(step_all(&at2(6, b"\"").unwrap().machine, b"a\""), None);
    assert!(at2(3, b"\"").is_none() && at2(5, b"'").is_none());
    // Mid-escape, bounded, closed before more, other quotes: not text.
    assert!(at(0, b"\"\\").is_none());
    assert!(at(3, b"\"").is_none());
    assert!(at(4, b"\"").is_none());
    assert!(at(5, b"'").is_none());
}

fn lexer_variants(p: &str) -> Vec<hir::Variant> {
    translate(&re(p)).unwrap()
}

fn translate_hir(h: regex_syntax::hir::Hir) -> Vec<hir::Variant> {
    vec![hir::Variant {
        hir: h,
        lookahead: None,
        special: None,
    }]
}

/// An object key that is none of the listed names, explored lazily: where
/// its product has left the names behind, the plain-text check reads the
/// string's own table, and agrees with the walk of the product itself, at
/// every state and every place of the text machine.
#[test]
fn key_past_the_names_is_checked_on_its_table() {
    use super::regex::{json_text, translate_lazy};
    use crate::grammar::Spelling;
    let mut names: Vec<String> = ["dimensions", "radius", "d\u{e9}", "\u{0}"]
        .map(String::from)
        .to_vec();
    // Enough names that the product is past the eager table's cap.
    names.extend((0..40).map(|i| format!("field{i}")));
    names.sort_unstable();
    let key = TermExpr::And(vec![
        TermExpr::Hir(crate::grammar::HirExpr::new(super::json_text::quoted(
            super::json_text::any_body(Spelling::Any),
        ))),
        TermExpr::Not(Box::new(TermExpr::JsonLiterals {
            strings: names,
            spelling: Spelling::Any,
        })),
    ]);
    let vs = translate_lazy(&key, 1 << 14, 1 << 24).unwrap();
    assert!(matches!(vs.as_slice(), [v] if matches!(v.special, Some(hir::Special::Product(_)))));
    let l = Lexer::new(&[Some(vs)], &[], &LexerConfig::default()).unwrap();
    let text = json_text().unwrap();
    let start = l.start_state(&ids(&[0])).unwrap();
    let mut by_table = 0;
    for prefix in [
        &b"\""[..],
        b"\"z",
        b"\"d",
        b"\"di",
        b"\"dimensions",
        b"\"dx",
        b"\"\\",
        b"\"\\u00",
        b"\"zz\\u00",
        b"\"z\xc3",
        b"\"z\xe2\x82",
        b"\"radiuses",
    ] {
        let mut s = start;
        for &byte in prefix {
            s = l.step(s, byte).unwrap();
        }
        assert!(l.info(s).live, "{prefix:?}");
        let mut b = l.lock();
        let Some((c, q)) = l.sole_text_component(&b, s) else {
            panic!("{prefix:?}: one component");
        };
        for place in 1..=text.places() {
            let walked = l.plain_walk(&mut b, c, q, place, &text, false).unwrap();
            let checked = l.plain_check(&mut b, s, place, &text).unwrap();
            assert_eq!(walked.is_some(), checked.is_some(), "{prefix:?} at {place}");
            if let super::component::Machine::Product(p) = &l.comps[c as usize].dfa {
                by_table +=
                    usize::from(p.with_sole_table(q, |t, _| t.state_count() <= 64) == Some(true));
            }
        }
    }
    assert!(by_table > 0, "no state was checked on its table");
}

/// A leaf with no minimal table within its bounds is kept as its lazy
/// DFA: the products built over it again (from the kept DFA, each with
/// its own cache) take the same strings as the first.
#[test]
fn a_kept_lazy_leaf_takes_the_same_strings() {
    // 5,000 states: past the minimal table's cap.
    let e = TermExpr::And(vec![
        TermExpr::Regex {
            pattern: "\"[ab]{0,5000}\"".into(),
            flags: String::new(),
            span: Span::default(),
        },
        TermExpr::Not(Box::new(TermExpr::JsonLiterals {
            strings: vec!["abba".into()],
            spelling: crate::grammar::Spelling::Any,
        })),
    ]);
    let lazy = || match super::table::TableDfa::build_or_lazy(&e, 64, 1 << 16, 1 << 22) {
        Ok(super::product::Built::Lazy(p)) => p,
        Ok(super::product::Built::Table(t)) => panic!("a table of {} states", t.state_count()),
        Err(e) => panic!("{e:?}"),
    };
    let (first, again) = (lazy(), lazy());
    let takes = |p: &super::lazy_product::LazyProduct, s: &str| {
        let mut q = p.start();
        for &b in s.as_bytes() {
            if q == 0 {
                return false;
            }
            q = p.next(q, b).unwrap();
        }
        q != 0 && p.accepts(q).unwrap()
    };
    let mut rng = crate::sample::Rng::new(21);
    for i in 0..300 {
        let seed = rng.next_u64();
        let len = [0, 3, 4, 5, 4999, 5000, 5001][i % 7];
        let body: String = (0..len)
            .map(|k| if seed >> (k % 61) & 1 == 1 { 'a' } else { 'b' })
            .collect();
        let s = format!("\"{body}\"");
        let want = len <= 5000 && body != "abba";
        assert_eq!(takes(&first, &s), want, "{len}");
        assert_eq!(takes(&again, &s), want, "{len}");
    }
    assert!(!takes(&again, "\"abba\""));
    assert!(takes(&again, "\"abbab\""));
}

/// A pattern on its own, asked to be a table, is its minimal table where
/// that is within the leaf bounds, and otherwise its lazy DFA as any
/// pattern (never a product over its one leaf, which searched for a match
/// at every compile); both take the strings the pattern does.
#[test]
fn a_pattern_on_its_own_is_a_table_or_a_lazy_dfa() {
    use super::regex::translate_lazy;
    let small = re(r#""[a-z]*(ab|ba)[a-z]*""#);
    // A run of 3,200 hex digits somewhere in the string: its table is
    // past the states a minimal table may have.
    let large = re(r#""[a-z0-9]*[0-9a-f]{3200}[a-z0-9]*""#);
    let cfg = LexerConfig::default();
    let hex: String = "0123456789abcdef".repeat(200);
    for (expr, want_table) in [(&small, true), (&large, false)] {
        let own = TermExpr::And(vec![expr.clone()]);
        let vs = translate_lazy(&own, 1 << 14, 1 << 24).unwrap();
        let special = |v: &hir::Variant| match &v.special {
            Some(hir::Special::Table(_)) => "table",
            Some(hir::Special::Product(_)) => "product",
            Some(_) => "other",
            None => "lazy",
        };
        let kinds: Vec<&str> = vs.iter().map(special).collect();
        assert_eq!(
            kinds,
            [if want_table { "table" } else { "lazy" }],
            "{expr:?}"
        );
        let own = Lexer::new(&[Some(vs)], &[], &cfg).unwrap();
        let plain = Lexer::new(&[Some(super::regex::translate(expr).unwrap())], &[], &cfg).unwrap();
        let texts = [
            "\"\"".to_string(),
            "\"ab\"".into(),
            "\"xbay\"".into(),
            "\"xyz\"".into(),
            format!("\"{hex}\""),
            format!("\"zz{hex}q\""),
            format!("\"zz{}q\"", &hex[1..]),
            format!("\"{hex}"),
        ];
        for t in &texts {
            assert_eq!(
                matches_only(&own, t.as_bytes()),
                matches_only(&plain, t.as_bytes()),
                "{expr:?} on {t}"
            );
        }
    }
}

/// The part of a table reachable from a state is a table of its own that
/// takes the same texts from its start; past the bound there is none.
#[test]
fn a_table_cut_to_what_a_state_reaches() {
    use super::table::TableDfa;
    let t = TableDfa::minimal(&re("(alpha|alpine|beta)[0-9]*"), 1 << 20)
        .unwrap()
        .unwrap();
    let run_t = |t: &TableDfa, q: u32, s: &[u8]| s.iter().fold(q, |q, &b| t.next(q, b));
    let q = run_t(&t, t.start(), b"alp");
    let (sub, l) = t.reachable_from(q, 64).unwrap();
    assert!(sub.state_count() < t.state_count());
    for text in [
        &b"ha"[..],
        b"ine",
        b"ine42",
        b"h",
        b"ha0",
        b"x",
        b"",
        b"ine4x",
    ] {
        let (a, b) = (run_t(&t, q, text), run_t(&sub, l, text));
        assert_eq!(a != 0 && t.accepts(a), b != 0 && sub.accepts(b), "{text:?}");
        assert_eq!(a == 0, b == 0, "{text:?}");
    }
    // alp, alph, alpi, alpin, and one for a word and its digits.
    assert_eq!(sub.state_count(), 6);
    assert!(t.reachable_from(q, 4).is_none());
    assert!(t.reachable_from(q, 5).is_some());
}
