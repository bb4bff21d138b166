use super::*;
use crate::compiled::Config;
use crate::lark::{parse_lark, LarkOptions};

fn compile(text: &str) -> Arc<CompiledGrammar> {
    let g = parse_lark(text, "<test>", &LarkOptions::default()).unwrap();
    CompiledGrammar::new(g, Config::default()).unwrap()
}

fn accepts(g: &Arc<CompiledGrammar>, s: &str) -> bool {
    let mut m = Matcher::new(g.clone());
    m.consume_bytes(s.as_bytes()) && m.is_accepting()
}

#[test]
fn dynamic_lexing_explores_every_split() {
    // `a+` then `ab`: greedy lexing would take every `a` and fail.
    let g = compile("start: A B\nA: /a+/\nB: \"ab\"\n");
    assert!(accepts(&g, "aab"));
    assert!(accepts(&g, "aaaab"));
    assert!(!accepts(&g, "ab"));
    assert!(!accepts(&g, "aa"));
}

#[test]
fn ignore_and_rollback() {
    let g = compile("start: \"[\" [NUM (\",\" NUM)*] \"]\"\nNUM: /[0-9]+/\n%ignore \" \"\n");
    assert!(accepts(&g, "[1, 22 ,333 ]"));
    assert!(accepts(&g, " [] "));
    assert!(!accepts(&g, "[1,]"));
    let mut m = Matcher::new(g.clone());
    assert!(m.consume_bytes(b"[1"));
    assert!(m.consume_bytes(b", 2"));
    assert!(!m.consume_bytes(b"x"));
    assert!(m.is_error());
    assert_eq!(m.error().unwrap().position, 5);
    m.rollback(1);
    assert!(!m.is_error());
    assert!(m.consume_bytes(b"]"));
    assert!(m.is_accepting());
    m.rollback(2);
    assert_eq!(m.bytes_consumed(), 2);
    assert!(m.consume_bytes(b"]"));
    assert!(m.is_accepting());
}

#[test]
fn one_character_lookahead_inside_a_terminal() {
    // lark's own REGEXP terminal: a slash not followed by a slash.
    let g = compile("start: R\nR: /\\/(?!\\/)(\\\\\\/|\\\\\\\\|[^\\/])*?\\/[imslux]*/\n");
    assert!(accepts(&g, "/a/"));
    assert!(accepts(&g, "/\\//i"));
    assert!(!accepts(&g, "//"));
    let g = compile("start: A B?\nA: /a(?!b)[a-z]*/\nB: /[0-9b]+/\n");
    assert!(accepts(&g, "a") && accepts(&g, "ac") && accepts(&g, "acb"));
    assert!(!accepts(&g, "ab") && !accepts(&g, "abc"));
    // Where the rest may be empty, the condition applies to what follows.
    assert!(accepts(&g, "a1"));
    assert!(!accepts(&g, "ab1"));
    let g = compile("start: A\nA: /x(?=[0-9])\\w+/\n");
    assert!(accepts(&g, "x1a") && !accepts(&g, "xa1"));
}

#[test]
fn ignored_text_is_matched_greedily() {
    // As in lark: an ignored terminal ends only where it cannot go on.
    let g = compile("start: \"b\" X\nX: \"ac\"\n%ignore /a+/\n");
    assert!(!accepts(&g, "baac"));
    assert!(accepts(&g, "bac"));
    let g = compile("start: A+ \".\"\nA: /[a-z]+/\nC: /--[^\\n]*/\n%ignore C\n%ignore /[ \\n]+/\n");
    assert!(accepts(&g, "ab -- cd\nef."));
    assert!(accepts(&g, "ab --cd\n."));
    // The comment runs to the end of the line: it cannot stop before `cd.`.
    assert!(!accepts(&g, "ab --cd."));
}

#[test]
fn forced_bytes() {
    let g = compile("start: \"hello\" \" \" (\"world\" | \"wide\")\n");
    let mut m = Matcher::new(g);
    assert_eq!(m.forced_bytes(), b"hello w");
    assert!(m.consume_bytes(b"hello wi"));
    assert_eq!(m.forced_bytes(), b"de");
    assert_eq!(m.bytes_consumed(), 8);
}

#[test]
fn right_recursion_is_linear_enough() {
    let g = compile("start: item\nitem: \"a\" item?\n");
    let mut m = Matcher::new(g);
    let input = "a".repeat(20000);
    assert!(m.consume_bytes(input.as_bytes()));
    assert!(m.is_accepting());
}

#[test]
fn trailing_lookahead() {
    let g = compile("start: (KW | NAME)+\nKW: /if(?![a-z])/\nNAME: /[a-z]+/\n%ignore \" \"\n");
    assert!(accepts(&g, "if x"));
    assert!(accepts(&g, "iffy"));
    let g = compile("start: KW NAME\nKW: /if(?![a-z])/\nNAME: /[a-z]+/\n%ignore \" \"\n");
    assert!(accepts(&g, "if x"));
    assert!(!accepts(&g, "ifx"));
    let g = compile("start: A B\nA: /a(?=b)/\nB: /[a-z]/\n");
    assert!(accepts(&g, "ab"));
    assert!(!accepts(&g, "ac"));
}
