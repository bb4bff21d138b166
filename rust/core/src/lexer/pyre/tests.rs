use super::*;

fn ok(p: &str) -> String {
    translate(p, false, false, false).unwrap_or_else(|e| panic!("{p}: {e:?}"))
}

fn bad(p: &str) -> PyError {
    translate(p, false, false, false).expect_err(p)
}

#[test]
fn spelled_out() {
    assert_eq!(ok("a{,3}"), "a{0,3}");
    assert_eq!(ok("a{,}"), "a{0,}");
    assert_eq!(ok("a{2}"), "a{2}");
    assert_eq!(ok("a{2,}?"), "a{2,}?");
    assert_eq!(ok("[[]"), r"[\x{5b}]");
    assert_eq!(ok("[]a]"), r"[\x{5d}a]");
    assert_eq!(ok(r"\<x\>"), r"\x{3c}x\x{3e}");
    assert_eq!(ok(r"\012"), r"\x{a}");
    assert_eq!(ok(r"\123"), "S");
    assert_eq!(ok("a(?#c)b"), "ab");
    assert_eq!(ok("{x}"), r"\x{7b}x\x{7d}");
    assert_eq!(ok("a{1,2"), r"a\x{7b}1\x{2c}2");
    assert_eq!(ok(r"\u00e9"), "é");
    assert_eq!(ok("(?i:a)(?-s:b)"), "(?i:a)(?-s:b)");
    assert_eq!(ok("(?P<n>a)"), "(a)");
}

#[test]
fn verbose() {
    let v = |p: &str| translate(p, true, false, false).unwrap();
    assert_eq!(v("a b # c\n d"), "abd");
    assert_eq!(v(r"[ ]a"), r"[\x{20}]a");
    assert_eq!(v(r"[#]a"), r"[\x{23}]a");
    assert_eq!(v(r"a\ b"), r"a\x{20}b");
    assert_eq!(ok("(?x)a b"), "ab");
    assert_eq!(ok("(?x:a b)c d"), r"(?:ab)c\x{20}d");
    assert_eq!(v("a(?-x: b)"), r"a(?:\x{20}b)");
}

#[test]
fn refused_as_python_refuses() {
    for (p, msg) in [
        (r"[\w--a]", "bad character range"),
        (r"[a--b]", "bad character range"),
        (r"[\d-z]", "bad character range"),
        (r"[z-a]", "bad character range"),
        ("a**", "multiple repeat"),
        ("a{2}{3}", "multiple repeat"),
        ("*a", "nothing to repeat"),
        ("{1}", "nothing to repeat"),
        ("(?i)*", "nothing to repeat"),
        ("a(?i)b", "global flags not at the start"),
        ("(?<n>a)", "unknown extension"),
        ("(?P<1>a)", "bad character in group name"),
        ("(?U)a", "unknown extension ?U"),
        ("(?-u:a)", "cannot turn off"),
        ("(?i-i:a)", "turned on and off"),
        (r"\12", "invalid group reference"),
        (r"[\8]", "bad escape"),
        (r"\777", "outside of range"),
        (r"\x4", "incomplete escape"),
        (r"\z", "bad escape"),
        ("a{3,2}", "min repeat greater than max repeat"),
        ("a{99999999999}", "too large"),
        ("(", "unterminated subpattern"),
        (")", "unbalanced parenthesis"),
        ("[]", "unterminated character set"),
        ("(?#x", "unterminated comment"),
        ("(?P<a>x)(?P<a>y)", "redefinition"),
        ("(a\\1)", "open group"),
        ("\\b*", "nothing to repeat"),
        ("^*", "nothing to repeat"),
        ("(?<=a(b)", "unterminated subpattern"),
        ("(?(1)a)", "invalid group reference"),
        ("(a)(?(1)b|c|d)", "more than two branches"),
        ("(?(x)a)", "unknown group name"),
        (r"\N", "missing {"),
    ] {
        let e = bad(p);
        assert!(e.message.contains(msg), "{p}: {e:?}");
        assert!(!e.message.starts_with("not supported"), "{p}: {e:?}");
    }
    assert_eq!(bad("ab[").offset, 2);
    assert_eq!(bad("ab**").offset, 3);
}

#[test]
fn accepted_as_python_accepts() {
    for p in [
        "[a&&b]",
        "[a~~b]",
        "[a||b]",
        "[--a]",
        "[a-z--]",
        "[%--]",
        r"[\w-]",
        "(?i)(?s)a",
        "(?#x)(?i)a",
        "a|",
        "|",
        "()",
        "(?:)",
        "()*",
        "a(?#x)*",
        "[]]",
        "[^]]",
        r"[\b]",
        "(?u)a",
        "(?u:a)",
        "(?s-i:a)",
        "(?xi)a b",
        "(?m)a",
        "a{}",
        "a{",
        "a{1,2,3}",
    ] {
        ok(p);
    }
}

#[test]
fn not_supported() {
    for p in [
        r"(a)\1",
        "(?P<a>x)(?P=a)",
        "(?<=a)b",
        "(?>a)",
        "a*+",
        "a{2}+",
        "^a",
        r"a\b",
        r"\Z",
        "(?=a)b",
        "(?a)x",
        r"\N{DIGIT ONE}",
        "(a)(?(1)b|c)",
        "(?=a)*",
        r"\N{DIGIT ONE}x",
    ] {
        assert!(bad(p).message.starts_with("not supported"), "{p}");
    }
    assert!(translate("a(?=b)", false, false, true).is_ok());
}

#[test]
fn nesting_is_bounded() {
    let n = MAX_GROUP_NESTING;
    ok(&format!("{}a{}", "(".repeat(n), ")".repeat(n)));
    let deep = format!("{}a{}", "(".repeat(n + 1), ")".repeat(n + 1));
    let e = bad(&deep);
    assert_eq!(e.offset, n);
    assert!(e.message.contains("nested more than"), "{e:?}");
    let e = bad(&"(".repeat(100_000));
    assert!(e.message.contains("nested more than"), "{e:?}");
}

/// `re` refuses the ASCII and Unicode flags together, also when they come
/// in separate global groups; in scoped groups they may differ.
#[test]
fn ascii_and_unicode_flags_together_are_refused() {
    for p in ["(?a)(?u)", "(?u)(?a)", "(?a)(?i)(?u)", "(?au)"] {
        let e = bad(p);
        assert!(!e.message.starts_with("not supported"), "{p}: {e:?}");
    }
    for p in ["(?u)(?u)x", "(?u)(?u:x)"] {
        assert!(translate(p, false, false, false).is_ok(), "{p}");
    }
    // The ASCII flag alone is accepted by `re` and not supported here.
    for p in ["(?a)(?a)x", "(?a:x)(?u:y)", "(?a)(?u:x)"] {
        assert!(bad(p).message.starts_with("not supported"), "{p}");
    }
}
