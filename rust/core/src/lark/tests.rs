use super::*;

fn parse(text: &str) -> Result<Grammar, GrammarError> {
    parse_lark(text, "<test>", &LarkOptions::default())
}

#[test]
fn basic_rules_and_terminals() {
    let g = parse("start: a+ B\na: \"x\" | /y+/i\nB: \"b\"i\n%ignore \" \"\n").unwrap();
    assert_eq!(g.nonterminals[g.start.index()], "start");
    assert!(g.terminals.iter().any(|t| t.name == "B"));
    assert_eq!(g.ignore.len(), 1);
    assert!(g.warnings.is_empty(), "{:?}", g.warnings);
}

#[test]
fn imports_templates_and_directives() {
    let text = r#"
%import common.NUMBER
%import common (WS, CNAME)
%import common.ESCAPED_STRING -> STRING
_sep{x, s}: x (s x)*
?start: "[" [_sep{value, ","}] "]"
?value: NUMBER | STRING | CNAME | start
%ignore WS
%declare FOO
"#;
    let g = parse(text).unwrap();
    assert!(g.terminals.iter().any(|t| t.name == "NUMBER"));
    assert!(g.terminals.iter().any(|t| t.name == "STRING"));
    let t = "start: A\nA: \"a\"\n%override A: \"b\"\n%extend A: \"c\"\n";
    assert!(parse(t).is_ok());
}

#[test]
fn errors_point_at_the_text() {
    let e = parse("start: a\na: \"x\" b\n").unwrap_err();
    let d = e.diagnostic();
    assert_eq!((d.line, d.column), (2, 8));
    assert!(d.message.contains("undefined rule `b`"), "{}", d.message);
    assert!(d.rendered.contains("^"), "{}", d.rendered);
    let e = parse("start: \"x\"\nstart: \"y\"\n").unwrap_err();
    assert!(e.diagnostic().message.contains("duplicate definition"));
    assert_eq!(e.diagnostic().line, 2);
    let e = parse("start: (\"x\"\n").unwrap_err();
    assert!(e.diagnostic().message.contains("unclosed"));
    let e = parse("start: \"x\" :\n").unwrap_err();
    assert!(e.diagnostic().message.contains("expected"), "{}", e);
    let e = parse("a: \"x\"\n").unwrap_err();
    assert!(e.diagnostic().message.contains("no rule `start`"));
    let e = parse("start: A\nA: B\nB: A\n").unwrap_err();
    assert!(e.diagnostic().message.contains("itself"));
    let e = parse("%import nosuch.X\nstart: X\n").unwrap_err();
    assert!(e.diagnostic().message.contains("cannot find"));
}

#[test]
fn warnings() {
    let g = parse("start: \"x\"\nunused: \"y\"\nA: \"z\"\n").unwrap();
    let msgs: Vec<_> = g.warnings.iter().map(|w| w.message.clone()).collect();
    assert!(msgs.iter().any(|m| m.contains("rule `unused`")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.contains("terminal `A`")), "{msgs:?}");
    let g = parse("start: A B\nA: \"z\"\nB: \"z\"\n").unwrap();
    assert!(g
        .warnings
        .iter()
        .any(|w| w.message.contains("same strings")));
}

#[test]
fn repetition_forms() {
    let g = parse("start: \"a\"~2..4 \"b\"{1,2} \"c\"~3\n").unwrap();
    assert!(g.productions.len() > 4);
    assert!(parse("start: \"a\"~3..2\n").is_err());
}
