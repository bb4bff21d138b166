//! Grammars that are deep or large: no recursion on input size, no
//! quadratic compile. Deep input is refused with an error at the place where
//! the nesting limit is crossed; large but shallow grammars compile in
//! linear time and mean what they say.

use std::sync::Arc;
use std::time::{Duration, Instant};

use corral_core::grammar::{Grammar, TermExpr};
use corral_core::lark::{parse_lark, LarkOptions};
use corral_core::{CompiledGrammar, Config, GrammarError, Matcher};

fn compile_with(text: &str, opts: &LarkOptions) -> Result<Arc<CompiledGrammar>, GrammarError> {
    parse_lark(text, "<test>", opts).and_then(|g| CompiledGrammar::new(g, Config::default()))
}

fn compile(text: &str) -> Result<Arc<CompiledGrammar>, GrammarError> {
    compile_with(text, &LarkOptions::default())
}

fn accepts(cg: &Arc<CompiledGrammar>, s: &str) -> bool {
    let mut m = Matcher::new(cg.clone());
    m.consume_bytes(s.as_bytes()) && m.is_accepting()
}

/// Runs `f` on a thread with a stack of `bytes` (a stack overflow aborts
/// the test binary, which fails the run).
fn on_stack<T: Send + 'static>(bytes: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(bytes)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// The 1-based column of the `k`-th (0-based) opening bracket on `line`.
fn bracket_column(line: &str, k: usize) -> usize {
    line.char_indices()
        .filter(|&(_, c)| matches!(c, '(' | '[' | '{'))
        .nth(k)
        .unwrap()
        .0
        + 1
}

#[test]
fn deep_nesting_is_refused_at_the_bracket() {
    let deep = 10_000;
    let cases = [
        format!("start: {}\"a\"{}\n", "(".repeat(deep), ")".repeat(deep)),
        format!("start: {}\"a\"{}\n", "[".repeat(deep), "]".repeat(deep)),
        format!(
            "start: {}\"a\"{}\n",
            "(\"b\" | ".repeat(deep),
            ")".repeat(deep)
        ),
        format!(
            "start: A\nA: {}\"a\"{}\n",
            "(".repeat(deep),
            ")".repeat(deep)
        ),
        format!(
            "t{{x}}: x\nstart: {}\"a\"{}\n",
            "t{".repeat(deep),
            "}".repeat(deep)
        ),
        format!("start: {}\"a\"{}\n", "(".repeat(deep), ")~2".repeat(deep)),
        format!(
            "start: \"a\"\n%ignore {}\" \"{}\n",
            "(".repeat(deep),
            ")".repeat(deep)
        ),
    ];
    for text in cases {
        let e = on_stack(256 << 10, move || {
            compile(&text).map(|_| ()).map_err(|e| (e, text))
        })
        .unwrap_err();
        let (e, text) = e;
        let d = e.diagnostic();
        assert!(d.message.contains("max_nesting"), "{}", d.message);
        let line = text.lines().nth(d.line - 1).unwrap();
        assert_eq!(d.column, bracket_column(line, 500), "{}", d.rendered);
        assert!(d.rendered.contains('^'));
    }
}

#[test]
fn the_nesting_limit_is_an_option() {
    let opts = LarkOptions {
        max_nesting: 10,
        ..LarkOptions::default()
    };
    let text = |n: usize| format!("start: {}\"a\"{}\n", "[".repeat(n), "]".repeat(n));
    assert!(compile_with(&text(10), &opts).is_ok());
    let e = compile_with(&text(11), &opts).unwrap_err();
    assert_eq!(e.diagnostic().column, 8 + 10);
    assert!(e.diagnostic().message.contains("more than 10 deep"));
    // Terminals used inside terminals count too.
    let chain = |n: usize| {
        let mut t = String::from("start: T0\n");
        for i in 0..n {
            t += &format!("T{i}: T{}\n", i + 1);
        }
        t + &format!("T{n}: \"a\"\n")
    };
    assert!(compile_with(&chain(5), &opts).is_ok());
    let e = compile_with(&chain(50), &opts).unwrap_err();
    assert!(e.diagnostic().message.contains("max_nesting"));
}

/// As deep as the default limits allow, in every place that recurses:
/// compiled (and matched) on a thread with Rust's default 2 MiB stack.
#[test]
fn grammars_at_the_limits_compile_on_a_small_stack() {
    let n = 499;
    let cases = [
        (
            format!("start: {}\"a\"{}\n", "[".repeat(n), "]".repeat(n)),
            "a",
        ),
        (
            format!("start: {}\"a\"{}\n", "(\"b\" | ".repeat(n), ")".repeat(n)),
            "a",
        ),
        (
            format!("start: {}\"a\"{}\n", "(".repeat(n), ")*".repeat(n)),
            "aa",
        ),
        (
            format!("start: A\nA: {}\"a\"{}\n", "[".repeat(n), "]".repeat(n)),
            "a",
        ),
        (
            format!(
                "start: A\nA: {}\"a\"{}\n",
                "(\"b\" | ".repeat(n),
                ")".repeat(n)
            ),
            "a",
        ),
        (
            format!("start: A\nA: /{}a{}/\n", "(b|".repeat(n), ")".repeat(n)),
            "a",
        ),
        (
            format!("start: A\nA: /{}a{}/\n", "(b".repeat(n), ")*".repeat(n)),
            "bbb",
        ),
        (
            format!(
                "start: A\nA: /(?x){}a{}/\n",
                "(?:b|".repeat(n),
                ")".repeat(n)
            ),
            "b",
        ),
    ];
    for (text, input) in cases {
        on_stack(2 << 20, move || {
            let cg = compile(&text).unwrap_or_else(|e| panic!("{e}"));
            assert!(accepts(&cg, input), "{input}: {}", &text[..40]);
        });
    }
    // A terminal expression as deep as LexerConfig::max_nesting, from any
    // front-end; one level deeper is refused.
    let deep_expr = |levels: usize| {
        let mut e = TermExpr::Literal {
            value: "a".into(),
            ci: false,
        };
        for i in 0..levels {
            e = if i % 2 == 0 {
                TermExpr::Repeat {
                    expr: Box::new(e),
                    min: 0,
                    max: Some(1),
                }
            } else {
                TermExpr::Seq(vec![
                    TermExpr::Literal {
                        value: "b".into(),
                        ci: false,
                    },
                    e,
                ])
            };
        }
        let mut g = Grammar::from_regex("a", "");
        g.terminals[0].expr = e;
        g
    };
    let limit = Config::default().lexer.max_nesting;
    on_stack(2 << 20, move || {
        let cg = CompiledGrammar::new(deep_expr(limit), Config::default()).unwrap();
        assert!(accepts(&cg, "b"));
        let e = CompiledGrammar::new(deep_expr(limit + 1), Config::default()).unwrap_err();
        assert!(e.diagnostic().message.contains("max_nesting"), "{e}");
        let e = CompiledGrammar::new(deep_expr(2_000), Config::default()).unwrap_err();
        assert!(e.diagnostic().message.contains("max_nesting"), "{e}");
    });
}

#[test]
fn regex_groups_are_bounded_where_they_nest() {
    let g = Grammar::from_regex(&format!("x{}{}", "(".repeat(600), ")".repeat(600)), "");
    let e = CompiledGrammar::new(g, Config::default()).unwrap_err();
    let d = e.diagnostic();
    assert!(d.message.contains("nested more than 500"), "{}", d.message);
    assert_eq!((d.line, d.column), (1, 502));
    let e = compile(&format!(
        "start: A\nA: /{}a{}/\n",
        "(".repeat(10_000),
        ")".repeat(10_000)
    ))
    .unwrap_err();
    let d = e.diagnostic();
    assert_eq!((d.line, d.column), (2, 5 + 500), "{}", d.message);
}

#[test]
fn terminal_chains_and_growing_templates_are_refused() {
    let mut text = String::from("start: T0\n");
    for i in 0..10_000 {
        text += &format!("T{i}: T{} \"a\"\n", i + 1);
    }
    text += "T10000: \"a\"\n";
    let e = on_stack(1 << 20, move || compile(&text).map(|_| ())).unwrap_err();
    assert!(e.diagnostic().message.contains("max_nesting"));
    for text in [
        "f{x}: \"a\" | f{x x}\nstart: f{\"b\"}\n",
        "f{x}: \"a\" | f{[x]}\nstart: f{\"b\"}\n",
    ] {
        let t = Instant::now();
        let e = compile(text).unwrap_err();
        assert!(e.diagnostic().message.contains("template"), "{e}");
        assert!(t.elapsed() < Duration::from_secs(5));
    }
}

#[test]
fn import_chains_are_bounded() {
    let dir = std::env::temp_dir().join(format!("corral-import-chain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let n = 30;
    for i in 0..n {
        let body = format!("%import .m{} (A)\n", i + 1);
        std::fs::write(dir.join(format!("m{i}.lark")), body).unwrap();
    }
    std::fs::write(dir.join(format!("m{n}.lark")), "A: \"a\"\n").unwrap();
    let main = dir.join("main.lark");
    let text = "%import .m0 (A)\nstart: A\n";
    std::fs::write(&main, text).unwrap();
    let opts = |max_nesting| LarkOptions {
        max_nesting,
        ..LarkOptions::default()
    };
    let name = main.display().to_string();
    let g = parse_lark(text, &name, &opts(100)).unwrap();
    assert!(accepts(
        &CompiledGrammar::new(g, Config::default()).unwrap(),
        "a"
    ));
    let e = parse_lark(text, &name, &opts(10)).unwrap_err();
    assert!(e.diagnostic().message.contains("%import chain"), "{e}");
    std::fs::remove_dir_all(&dir).ok();
}

/// 20,000 rules in a chain, a DAG, alternatives, terminals, left and right
/// recursion: each compiles in linear time (well under a second in release
/// builds; the bound is generous for busy machines) and matches as it
/// should.
#[test]
fn large_grammars_compile_in_linear_time() {
    let n = 20_000;
    let rules = |f: &dyn Fn(usize) -> String| (0..n).map(f).collect::<String>();
    let cases: Vec<(String, Vec<(&str, bool)>)> = vec![
        (
            format!(
                "start: r0\n{}r{n}: \"a\"\n",
                rules(&|i| format!("r{i}: r{}\n", i + 1))
            ),
            vec![("a", true), ("aa", false)],
        ),
        (
            format!(
                "start: r0\n{}r{n}: \"a\"\nr{}: \"b\"\n",
                rules(&|i| format!("r{i}: r{} | r{}\n", i + 1, i + 2)),
                n + 1
            ),
            vec![("a", true), ("b", true), ("ab", false)],
        ),
        (
            format!(
                "start: {}\n",
                (0..n)
                    .map(|i| format!("\"a{i}\""))
                    .collect::<Vec<_>>()
                    .join(" | ")
            ),
            vec![("a19999", true), ("a20000", false)],
        ),
        (
            format!(
                "start: {}\n{}",
                (0..n)
                    .map(|i| format!("T{i}"))
                    .collect::<Vec<_>>()
                    .join(" | "),
                rules(&|i| format!("T{i}: \"t{i}\"\n"))
            ),
            vec![("t123", true), ("t", false)],
        ),
        (
            format!(
                "start: r0\n{}r{n}: \"a\"\n",
                rules(&|i| format!("r{i}: r{i} \"x\" | r{}\n", i + 1))
            ),
            vec![("axx", true), ("xa", false)],
        ),
        (
            format!(
                "start: r0\n{}r{n}: \"a\"\n",
                rules(&|i| format!("r{i}: \"x\" r{i} | r{}\n", i + 1))
            ),
            vec![("xxa", true), ("ax", false)],
        ),
        (
            format!(
                "start: r0 \"a\"\n{}r{n}: \n",
                rules(&|i| format!("r{i}: r{}\n", i + 1))
            ),
            vec![("a", true), ("", false)],
        ),
        (
            format!(
                "start: r0\n{}r{n}: \"a\"\n",
                rules(&|i| format!("r{i}: r{} \"b\"?\n", i + 1))
            ),
            vec![("abbb", true), ("ba", false)],
        ),
    ];
    for (text, inputs) in cases {
        let t = Instant::now();
        let cg = compile(&text).unwrap();
        let took = t.elapsed();
        assert!(took < Duration::from_secs(3), "{took:?}: {}", &text[..60]);
        for (s, want) in inputs {
            let t = Instant::now();
            assert_eq!(accepts(&cg, s), want, "{s:?}: {}", &text[..60]);
            assert!(
                t.elapsed() < Duration::from_secs(3),
                "{s:?}: {}",
                &text[..60]
            );
        }
    }
}
