//! ECMA-262 patterns for JSON Schema: translation to regex-syntax, and
//! search semantics (a pattern matches anywhere unless anchored). The JSON
//! text encoding of the strings they describe is the lexer's
//! ([`crate::lexer::json_text`]).

use regex_syntax::hir::Hir;

use super::anchors::Split;
use crate::error::Failure;
use crate::grammar::Spelling;
use crate::kept::Kept;
use crate::lexer::json_text::{any_body, encode};

/// An ECMA-262 pattern (JSON Schema's `pattern`) in regex-syntax's dialect.
/// Refused with a message: back-references, look-around, word boundaries.
pub fn ecma_to_rust(p: &str) -> Result<String, Failure> {
    let cs: Vec<char> = p.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut in_class = false;
    let mut neg_class = false;
    let n = cs.len();
    while i < n {
        let c = cs[i];
        match c {
            '\\' => {
                let Some(&e) = cs.get(i + 1) else {
                    return Err(Failure::syntax("a pattern ends with `\\`"));
                };
                i += 2;
                match e {
                    // Shorthands narrowed to what both ECMA-262 and Python's `re`
                    // (the `jsonschema` package's engine) put in them, so a match
                    // satisfies both: \d ASCII digits, \D no Unicode digit, \s the
                    // spaces both agree on. Inside a negated class the widest
                    // reading is excluded instead.
                    'd' if neg_class => out.push_str("\\d"),
                    'w' if neg_class => out.push_str("\\w"),
                    's' if neg_class => out.push_str("\\s\\x{1C}-\\x{1F}\\x{FEFF}"),
                    'D' | 'W' | 'S' if neg_class => {
                        return Err(Failure::not_supported(format!(
                            "`\\{e}` inside a negated class in a pattern"
                        )));
                    }
                    'd' => out.push_str(if in_class { "0-9" } else { "[0-9]" }),
                    'D' => out.push_str("\\D"),
                    'w' => out.push_str(if in_class {
                        "0-9A-Za-z_"
                    } else {
                        "[0-9A-Za-z_]"
                    }),
                    'W' => out.push_str("\\W"),
                    's' => out.push_str(if in_class {
                        ECMA_SPACE
                    } else {
                        ECMA_SPACE_CLASS
                    }),
                    'S' => out.push_str("[^\\s\\x{1C}-\\x{1F}\\x{FEFF}]"),
                    'b' if in_class => out.push_str("\\x08"),
                    'b' | 'B' => return Err(Failure::not_supported("word boundary in a pattern")),
                    'n' | 'r' | 't' | 'f' | 'v' => {
                        out.push_str(match e {
                            'n' => "\\n",
                            'r' => "\\r",
                            't' => "\\t",
                            'f' => "\\x0C",
                            _ => "\\x0B",
                        });
                    }
                    '0' if !cs.get(i).is_some_and(|c| c.is_ascii_digit()) => out.push_str("\\x00"),
                    '1'..='9' => {
                        return Err(Failure::not_supported("back-reference in a pattern"));
                    }
                    'k' if cs.get(i) == Some(&'<') => {
                        return Err(Failure::not_supported("back-reference in a pattern"));
                    }
                    'c' => {
                        let Some(l) = cs.get(i).filter(|c| c.is_ascii_alphabetic()) else {
                            return Err(Failure::syntax("invalid `\\c` escape in a pattern"));
                        };
                        push_char(&mut out, char::from(*l as u8 % 32));
                        i += 1;
                    }
                    'x' => {
                        let h: String = cs.iter().skip(i).take(2).collect();
                        let v = u32::from_str_radix(&h, 16)
                            .ok()
                            .filter(|_| h.len() == 2)
                            .ok_or_else(|| Failure::syntax("invalid `\\x` escape in a pattern"))?;
                        push_char(&mut out, char::from_u32(v).expect("a byte"));
                        i += 2;
                    }
                    'u' => {
                        let (v, used) = unicode_escape(&cs[i..])?;
                        i += used;
                        // A surrogate pair written as two escapes.
                        let v = if (0xd800..0xdc00).contains(&v)
                            && cs.get(i) == Some(&'\\')
                            && cs.get(i + 1) == Some(&'u')
                        {
                            match unicode_escape(&cs[i + 2..]) {
                                Ok((lo, used2)) if (0xdc00..0xe000).contains(&lo) => {
                                    i += 2 + used2;
                                    0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00)
                                }
                                _ => v,
                            }
                        } else {
                            v
                        };
                        let ch = char::from_u32(v).ok_or_else(|| {
                            Failure::not_supported("a lone surrogate in a pattern")
                        })?;
                        push_char(&mut out, ch);
                    }
                    'p' | 'P' => {
                        out.push('\\');
                        out.push(e);
                        if cs.get(i) == Some(&'{') {
                            let end = cs[i..].iter().position(|&c| c == '}').ok_or_else(|| {
                                Failure::syntax("unterminated `\\p{...}` in a pattern")
                            })?;
                            out.extend(&cs[i..i + end + 1]);
                            i += end + 1;
                        }
                    }
                    _ if e.is_ascii_alphanumeric() => {
                        return Err(Failure::syntax(format!(
                            "invalid escape `\\{e}` in a pattern"
                        )));
                    }
                    _ => push_char(&mut out, e),
                }
                continue;
            }
            '[' if !in_class => {
                if cs.get(i + 1) == Some(&']') {
                    out.push_str("[^\\x{0}-\\x{10FFFF}]");
                    i += 2;
                    continue;
                }
                if cs.get(i + 1) == Some(&'^') && cs.get(i + 2) == Some(&']') {
                    out.push_str("[\\x{0}-\\x{10FFFF}]");
                    i += 3;
                    continue;
                }
                in_class = true;
                neg_class = false;
                out.push('[');
                if cs.get(i + 1) == Some(&'^') {
                    out.push('^');
                    neg_class = true;
                    i += 1;
                }
                // A leading `]` or `-` is literal.
                i += 1;
                continue;
            }
            ']' if in_class => {
                in_class = false;
                neg_class = false;
                out.push(']');
            }
            '[' | '&' | '~' | '|' if in_class => {
                // Literal inside an ECMA class; regex-syntax gives these
                // meaning (nesting, set operations).
                out.push('\\');
                out.push(c);
            }
            '-' if in_class => out.push('-'),
            _ if in_class => push_char(&mut out, c),
            '.' => out.push_str("[^\\n\\r\\x{2028}\\x{2029}]"),
            '(' => {
                if cs.get(i + 1) == Some(&'?') {
                    match (cs.get(i + 2), cs.get(i + 3)) {
                        (Some(':'), _) => {
                            out.push_str("(?:");
                            i += 3;
                            continue;
                        }
                        (Some('<'), Some(&c3)) if c3 != '=' && c3 != '!' => {
                            out.push_str("(?P<");
                            i += 3;
                            continue;
                        }
                        _ => return Err(Failure::not_supported("look-around in a pattern")),
                    }
                }
                out.push('(');
            }
            '{' => {
                // A quantifier only in the form {n}, {n,} or {n,m}.
                let rest: String = cs[i..].iter().take(32).collect();
                let q = rest.find('}').map(|e| &rest[1..e]).filter(|b| {
                    let mut parts = b.splitn(2, ',');
                    let a = parts.next().unwrap_or("");
                    !a.is_empty()
                        && a.chars().all(|c| c.is_ascii_digit())
                        && parts
                            .next()
                            .map_or(true, |m| m.chars().all(|c| c.is_ascii_digit()))
                });
                match q {
                    Some(b) => {
                        out.push('{');
                        out.push_str(b);
                        out.push('}');
                        i += b.chars().count() + 2;
                        continue;
                    }
                    None => out.push_str("\\{"),
                }
            }
            '}' => out.push_str("\\}"),
            ']' => out.push_str("\\]"),
            _ => out.push(c),
        }
        i += 1;
    }
    if in_class {
        return Err(Failure::syntax(
            "unterminated character class `[` in a pattern",
        ));
    }
    Ok(out)
}

/// `\s`: the spaces ECMA-262 and Python's `re` agree on (ECMA's U+FEFF
/// and Python's U+001C-U+001F and U+0085 left out).
const ECMA_SPACE: &str =
    "\\t\\n\\x0B\\x0C\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}";
const ECMA_SPACE_CLASS: &str =
    "[\\t\\n\\x0B\\x0C\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}]";

fn push_char(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || c == '_' || c == ' ' {
        out.push(c);
    } else {
        out.push_str(&format!("\\x{{{:X}}}", c as u32));
    }
}

/// `XXXX` or `{X...}` after `\u`: the value and the characters used.
fn unicode_escape(cs: &[char]) -> Result<(u32, usize), Failure> {
    if cs.first() == Some(&'{') {
        let end = cs
            .iter()
            .position(|&c| c == '}')
            .ok_or_else(|| Failure::syntax("invalid `\\u{...}` escape in a pattern"))?;
        let h: String = cs[1..end].iter().collect();
        let v = u32::from_str_radix(&h, 16)
            .map_err(|_| Failure::syntax("invalid `\\u{...}` escape in a pattern"))?;
        return Ok((v, end + 1));
    }
    let h: String = cs.iter().take(4).collect();
    if h.len() != 4 {
        return Err(Failure::syntax("invalid `\\u` escape in a pattern"));
    }
    let v = u32::from_str_radix(&h, 16)
        .map_err(|_| Failure::syntax("invalid `\\u` escape in a pattern"))?;
    Ok((v, 4))
}

/// Parses regex-syntax's dialect (Unicode, no flags).
pub fn parse_rust(p: &str) -> Result<Hir, Failure> {
    regex_syntax::ParserBuilder::new()
        .unicode(true)
        .utf8(true)
        .octal(false)
        .nest_limit(200)
        .build()
        .parse(p)
        .map_err(|e| {
            let msg = e.to_string();
            Failure::syntax(
                msg.lines()
                    .last()
                    .unwrap_or("invalid regex")
                    .trim()
                    .trim_start_matches("error: "),
            )
        })
}

/// The JSON string bodies whose decoded text contains a match of the
/// ECMA-262 `pattern` (JSON Schema patterns are not anchored unless they
/// say `^` or `$`), in the encodings `sp` allows.
/// Patterns recur (within a schema whose `oneOf` branches are expanded,
/// and between schemas): short ones are kept translated.
pub fn search_body(pattern: &str, sp: Spelling) -> Result<Hir, Failure> {
    static KEPT: Kept<(Box<str>, Spelling), Result<Hir, Failure>> = Kept::new(KEPT_PATTERNS);
    if pattern.len() > KEPT_PATTERN_LEN {
        return search_body_fresh(pattern, sp);
    }
    KEPT.get_or_insert_with((pattern.into(), sp), || search_body_fresh(pattern, sp))
}

/// Patterns kept by [`search_body`] and regexes by [`kept_regex`]: at most
/// this many of each, each at most this long.
const KEPT_PATTERNS: usize = 256;
const KEPT_PATTERN_LEN: usize = 1024;

fn search_body_fresh(pattern: &str, sp: Spelling) -> Result<Hir, Failure> {
    let rust = ecma_to_rust(pattern)?;
    let h = parse_rust(&rust).map_err(|e| e.context(format!("invalid pattern /{pattern}/: ")))?;
    search(&h, sp)
}

/// [`search_body`] for a parsed decoded-level language: the strings with a
/// match anywhere, `^` and `$` holding at the string's ends wherever they
/// are written (see [`super::anchors`]).
pub fn search(h: &Hir, sp: Spelling) -> Result<Hir, Failure> {
    let [plain, start, end, both] = Split::of(h)?.classes();
    let enc = |h: &Hir| -> Result<Option<Hir>, Failure> {
        h.properties()
            .minimum_len()
            .map(|_| encode(h, sp))
            .transpose()
    };
    let mut out = Vec::new();
    if let Some(p) = enc(&plain)? {
        out.push(Hir::concat(vec![any_body(sp), p, any_body(sp)]));
    }
    if let Some(s) = enc(&start)? {
        out.push(Hir::concat(vec![s, any_body(sp)]));
    }
    if let Some(e) = enc(&end)? {
        out.push(Hir::concat(vec![any_body(sp), e]));
    }
    if let Some(b) = enc(&both)? {
        out.push(b);
    }
    // No alternative is `Hir::fail`, one is itself.
    Ok(Hir::alternation(out))
}

/// Whether the decoded string `s` matches `pattern` (search semantics).
pub fn pattern_matches(pattern: &str, s: &str) -> Result<bool, Failure> {
    let rust = ecma_to_rust(pattern)?;
    Ok(kept_regex(&rust)?.is_match(s))
}

/// The regex of `rust` (regex-syntax's dialect), kept between calls: a
/// schema checks its constants and enum values against the same patterns
/// and formats many times over (at most [`KEPT_REGEXES`] kept, each at most
/// [`KEPT_PATTERN_LEN`] bytes; past it, the store starts again empty).
pub fn kept_regex(rust: &str) -> Result<regex_automata::meta::Regex, Failure> {
    static KEPT: Kept<Box<str>, Result<regex_automata::meta::Regex, Failure>> =
        Kept::new(KEPT_REGEXES);
    let build = || {
        regex_automata::meta::Regex::new(rust).map_err(|e| {
            if e.size_limit().is_some() {
                Failure::not_supported(format!("a pattern this large ({e})"))
            } else {
                Failure::syntax(e.to_string())
            }
        })
    };
    if rust.len() > KEPT_PATTERN_LEN {
        return build();
    }
    KEPT.get_or_insert_with(rust.into(), build)
}

/// Regexes kept by [`kept_regex`].
const KEPT_REGEXES: usize = 128;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::json_text::{literal_body, literals_body, quoted};
    use regex_automata::meta::Regex;
    use regex_syntax::hir::{HirKind, Look};

    fn full(h: &Hir) -> Regex {
        Regex::builder()
            .build_from_hir(&Hir::concat(vec![
                Hir::look(Look::Start),
                h.clone(),
                Hir::look(Look::End),
            ]))
            .unwrap()
    }

    #[test]
    fn encodings_of_one_character() {
        let re = full(&literal_body("a/\"é😀", Spelling::Any));
        for ok in [
            r#"a/\"é😀"#,
            r#"\u0061\/\u0022\u00E9\ud83d\ude00"#,
            r#"\u0061/\"\u00e9\uD83D\uDE00"#,
        ] {
            assert!(re.is_match(ok), "{ok}");
        }
        for bad in [r#"a/"é😀"#, r#"\u0062/\"é😀"#, r#"a/\"é\ud83d"#] {
            assert!(!re.is_match(bad), "{bad}");
        }
    }

    #[test]
    fn ecma_patterns_search_unless_anchored() {
        let body = |p: &str| full(&search_body(p, Spelling::Any).unwrap());
        assert!(body("b").is_match("abc"));
        assert!(!body("^b").is_match("abc"));
        assert!(body("^a").is_match("abc"));
        assert!(!body("c$").is_match("abcd"));
        assert!(body("^\\d{3}$").is_match("123"));
        assert!(!body("^\\d{3}$").is_match("١٢٣")); // ECMA \d is ASCII
        assert!(body("^[^\"]+$").is_match("ab"));
        assert!(!body("^[^\"]+$").is_match("a\\\"b"));
        assert!(body("^a{,2}$").is_match("a{,2}")); // not a quantifier in ECMA
        assert!(body("^\\u00e9$").is_match("\\u00E9"));
        assert!(body("^.$").is_match("\\t"));
        assert!(!body("^.$").is_match("\\n"));
        assert!(!body("^[]]$").is_match("]")); // `[]` matches nothing, then `]`
        for bad in ["(?=a)", "\\1", "\\bfoo", "(?<!a)b"] {
            assert!(search_body(bad, Spelling::Any).is_err(), "{bad}");
        }
    }

    /// How deep a Hir nests (without recursion).
    fn nesting(h: &Hir) -> usize {
        let mut deepest = 0;
        let mut todo = vec![(h, 1)];
        while let Some((x, d)) = todo.pop() {
            deepest = deepest.max(d);
            match x.kind() {
                HirKind::Concat(xs) | HirKind::Alternation(xs) => {
                    todo.extend(xs.iter().map(|y| (y, d + 1)))
                }
                HirKind::Repetition(r) => todo.push((&r.sub, d + 1)),
                HirKind::Capture(c) => todo.push((&c.sub, d + 1)),
                _ => {}
            }
        }
        deepest
    }

    /// The lazy-DFA form of a literal set: the same language as the table
    /// ([`crate::lexer::literals::json_literals`]), and a nesting that does
    /// not grow with the strings (built on a small stack).
    #[test]
    fn literal_sets_are_flat_and_exact() {
        let long = "é".repeat(200_000);
        let depth = std::thread::Builder::new()
            .stack_size(256 << 10)
            .spawn(move || nesting(&literals_body([long.as_str(), "a"], Spelling::PlainAscii)))
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert!(depth < 10, "nesting {depth}");
        let sets: [&[&str]; 4] = [
            &["a/\"é😀", "ab", "", "\u{1}"],
            &["x", "xx", "xxx", "xy"],
            &["value_1", "value_10", "value_2"],
            &[],
        ];
        for set in sets {
            for esc in [Spelling::PlainAscii, Spelling::Any, Spelling::Minimal] {
                let re = full(&quoted(literals_body(set.iter().copied(), esc)));
                let t = crate::lexer::literals::json_literals(set, esc, 10_000).unwrap();
                for text in [
                    r#""a/\"é😀""#,
                    r#""a\/\"\u00e9\ud83d\uDE00""#,
                    r#""\u0061b""#,
                    r#""ab""#,
                    r#""""#,
                    r#""\u0001""#,
                    r#""xx""#,
                    r#""x\u0078""#,
                    r#""xyz""#,
                    r#""value_10""#,
                    r#""value_1""#,
                    r#""value_3""#,
                ] {
                    assert_eq!(re.is_match(text), t.matches(text), "{text} in {set:?}");
                }
            }
        }
    }
}
