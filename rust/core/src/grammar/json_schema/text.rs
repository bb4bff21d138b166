//! String languages for JSON Schema: ECMA-262 patterns, and the step from a
//! language of decoded strings to the JSON text that encodes them.
//!
//! A schema's `pattern` (and a `format`) constrains the decoded string,
//! while the grammar reads JSON text, where `A` may be written `A` or
//! `\u0041` and `"` must be written `\"`. [`encode`] rewrites a regular
//! language of characters into the language of their JSON encodings, exactly:
//! every character becomes the alternation of its raw form (where JSON
//! allows it raw), its short escape (`\n`, `\/`, ...) and its `\uXXXX` forms
//! (hex digits in either case; a surrogate pair for characters past the BMP).

use regex_syntax::hir::{self, Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look};

/// One character of a JSON string, in JSON text.
pub fn json_char() -> Hir {
    encode_class(&ClassUnicode::new([ClassUnicodeRange::new(
        '\0',
        char::MAX,
    )]))
}

/// Any JSON string body (between the quotes).
pub fn any_body() -> Hir {
    Hir::repetition(hir::Repetition {
        min: 0,
        max: None,
        greedy: true,
        sub: Box::new(json_char()),
    })
}

/// A JSON string (with its quotes) whose decoded body is in `body` (an
/// encoded language, see [`encode`]).
pub fn quoted(body: Hir) -> Hir {
    Hir::concat(vec![Hir::literal(*b"\""), body, Hir::literal(*b"\"")])
}

/// The JSON encodings of exactly the string `s` (without quotes).
pub fn literal_body(s: &str) -> Hir {
    Hir::concat(s.chars().map(encode_char).collect())
}

/// The JSON encodings of any one of `strings` (without quotes): one flat
/// concatenation per string, in one alternation, built without recursion,
/// so no nesting grows with the strings' length or number (regex-syntax
/// factors out a prefix all of them share). This is the lazy-DFA form;
/// [`crate::lexer::literals`] builds the same language as a minimal table
/// where it fits.
pub fn literals_body<'s>(strings: impl IntoIterator<Item = &'s str>, ascii_escapes: bool) -> Hir {
    let mut v: Vec<&str> = strings.into_iter().collect();
    v.sort_unstable();
    v.dedup();
    Hir::alternation(
        v.into_iter()
            .map(|s| {
                Hir::concat(
                    s.chars()
                        .map(|c| {
                            if ascii_escapes || !crate::lexer::literals::plain_ascii(c) {
                                encode_char(c)
                            } else if c == '/' {
                                Hir::alternation(vec![Hir::literal(*b"/"), Hir::literal(*b"\\/")])
                            } else {
                                Hir::literal(c.to_string().into_bytes())
                            }
                        })
                        .collect(),
                )
            })
            .collect(),
    )
}

fn encode_char(c: char) -> Hir {
    encode_class(&ClassUnicode::new([ClassUnicodeRange::new(c, c)]))
}

/// Rewrites a language of decoded characters into the JSON text encoding
/// it. `h` must be free of look-around (anchors are handled by
/// [`search_body`]).
pub fn encode(h: &Hir) -> Result<Hir, String> {
    Ok(match h.kind() {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => {
            let s = std::str::from_utf8(&l.0).map_err(|_| "a pattern literal is not UTF-8")?;
            literal_body(s)
        }
        HirKind::Class(Class::Unicode(c)) => encode_class(c),
        HirKind::Class(Class::Bytes(b)) if b.ranges().is_empty() => Hir::fail(),
        HirKind::Class(Class::Bytes(_)) => return Err("byte classes are not supported".into()),
        HirKind::Look(l) => return Err(format!("not supported: assertion {l:?} inside a pattern")),
        HirKind::Repetition(r) => Hir::repetition(hir::Repetition {
            min: r.min,
            max: r.max,
            greedy: true,
            sub: Box::new(encode(&r.sub)?),
        }),
        HirKind::Capture(c) => encode(&c.sub)?,
        HirKind::Concat(hs) => Hir::concat(hs.iter().map(encode).collect::<Result<_, _>>()?),
        HirKind::Alternation(hs) => {
            Hir::alternation(hs.iter().map(encode).collect::<Result<_, _>>()?)
        }
    })
}

/// The encodings of one character from `c`.
pub fn encode_class(c: &ClassUnicode) -> Hir {
    let mut alts = Vec::new();
    // Raw: everything but controls, `"` and `\`.
    let mut raw = c.clone();
    raw.difference(&ClassUnicode::new([
        ClassUnicodeRange::new('\0', '\x1f'),
        ClassUnicodeRange::new('"', '"'),
        ClassUnicodeRange::new('\\', '\\'),
    ]));
    if !raw.ranges().is_empty() {
        alts.push(Hir::class(Class::Unicode(raw)));
    }
    let has = |ch: char| c.ranges().iter().any(|r| r.start() <= ch && ch <= r.end());
    let mut short = Vec::new();
    for (ch, e) in [
        ('"', b'"'),
        ('\\', b'\\'),
        ('/', b'/'),
        ('\x08', b'b'),
        ('\x0c', b'f'),
        ('\n', b'n'),
        ('\r', b'r'),
        ('\t', b't'),
    ] {
        if has(ch) {
            short.push(e as char);
        }
    }
    if !short.is_empty() {
        let cls = ClassUnicode::new(short.iter().map(|&e| ClassUnicodeRange::new(e, e)));
        alts.push(Hir::concat(vec![
            Hir::literal(*b"\\"),
            Hir::class(Class::Unicode(cls)),
        ]));
    }
    // \uXXXX for the BMP, surrogate pairs past it.
    let mut hex = Vec::new();
    for r in c.ranges() {
        let (lo, hi) = (r.start() as u32, r.end() as u32);
        // BMP code points (a lone surrogate escape is not a character).
        for (a, b) in [(0, 0xd7ff), (0xe000, 0xffff)] {
            let (l, h) = (lo.max(a), hi.min(b));
            if l <= h {
                hex.push(hex4_range(l, h));
            }
        }
        if hi > 0xffff {
            let (lo, hi) = (lo.max(0x10000), hi);
            // Split by high surrogate.
            let (h_lo, h_hi) = (high(lo), high(hi));
            let pair = |h1: u32, h2: u32, l1: u32, l2: u32| {
                Hir::concat(vec![
                    hex4_range(h1, h2),
                    Hir::literal(*b"\\u"),
                    hex4_range(l1, l2),
                ])
            };
            if h_lo == h_hi {
                hex.push(pair(h_lo, h_lo, low(lo), low(hi)));
            } else {
                hex.push(pair(h_lo, h_lo, low(lo), 0xdfff));
                if h_lo + 1 < h_hi {
                    hex.push(pair(h_lo + 1, h_hi - 1, 0xdc00, 0xdfff));
                }
                hex.push(pair(h_hi, h_hi, 0xdc00, low(hi)));
            }
        }
    }
    if !hex.is_empty() {
        alts.push(Hir::concat(vec![
            Hir::literal(*b"\\u"),
            Hir::alternation(hex),
        ]));
    }
    if alts.is_empty() {
        return Hir::fail();
    }
    Hir::alternation(alts)
}

fn high(c: u32) -> u32 {
    0xd800 + ((c - 0x10000) >> 10)
}
fn low(c: u32) -> u32 {
    0xdc00 + ((c - 0x10000) & 0x3ff)
}

/// One hex digit with value in `lo..=hi`, either case.
fn hex_digit(lo: u32, hi: u32) -> Hir {
    let mut rs = Vec::new();
    for v in lo..=hi {
        let c = char::from_digit(v, 16).expect("a hex digit");
        rs.push(ClassUnicodeRange::new(c, c));
        if c.is_ascii_alphabetic() {
            let u = c.to_ascii_uppercase();
            rs.push(ClassUnicodeRange::new(u, u));
        }
    }
    Hir::class(Class::Unicode(ClassUnicode::new(rs)))
}

/// Four hex digits whose value is in `lo..=hi`.
fn hex4_range(lo: u32, hi: u32) -> Hir {
    digits_range(lo, hi, 4)
}

fn digits_range(lo: u32, hi: u32, width: u32) -> Hir {
    if width == 0 {
        return Hir::empty();
    }
    let unit = 16u32.pow(width - 1);
    let (dl, dh) = (lo / unit, hi / unit);
    let (rl, rh) = (lo % unit, hi % unit);
    if dl == dh {
        return Hir::concat(vec![hex_digit(dl, dl), digits_range(rl, rh, width - 1)]);
    }
    let full = unit - 1;
    let mut alts = Vec::new();
    let mut first = dl;
    if rl != 0 {
        alts.push(Hir::concat(vec![
            hex_digit(dl, dl),
            digits_range(rl, full, width - 1),
        ]));
        first = dl + 1;
    }
    let mut last = dh;
    let tail = if rh != full {
        last = dh - 1;
        Some(Hir::concat(vec![
            hex_digit(dh, dh),
            digits_range(0, rh, width - 1),
        ]))
    } else {
        None
    };
    if first <= last {
        alts.push(Hir::concat(vec![
            hex_digit(first, last),
            digits_range(0, full, width - 1),
        ]));
    }
    alts.extend(tail);
    Hir::alternation(alts)
}

/// An ECMA-262 pattern (JSON Schema's `pattern`) in regex-syntax's dialect.
/// Refused with a message: back-references, look-around, word boundaries.
pub fn ecma_to_rust(p: &str) -> Result<String, String> {
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
                    return Err("a pattern ends with `\\`".into());
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
                        return Err(format!(
                            "not supported: `\\{e}` inside a negated class in a pattern"
                        ));
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
                    'b' | 'B' => return Err("not supported: word boundary in a pattern".into()),
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
                        return Err("not supported: back-reference in a pattern".into());
                    }
                    'k' if cs.get(i) == Some(&'<') => {
                        return Err("not supported: back-reference in a pattern".into());
                    }
                    'c' => {
                        let Some(l) = cs.get(i).filter(|c| c.is_ascii_alphabetic()) else {
                            return Err("invalid `\\c` escape in a pattern".into());
                        };
                        push_char(&mut out, char::from(*l as u8 % 32));
                        i += 1;
                    }
                    'x' => {
                        let h: String = cs.iter().skip(i).take(2).collect();
                        let v = u32::from_str_radix(&h, 16)
                            .ok()
                            .filter(|_| h.len() == 2)
                            .ok_or("invalid `\\x` escape in a pattern")?;
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
                        let ch = char::from_u32(v)
                            .ok_or("not supported: a lone surrogate in a pattern")?;
                        push_char(&mut out, ch);
                    }
                    'p' | 'P' => {
                        out.push('\\');
                        out.push(e);
                        if cs.get(i) == Some(&'{') {
                            let end = cs[i..]
                                .iter()
                                .position(|&c| c == '}')
                                .ok_or("unterminated `\\p{...}` in a pattern")?;
                            out.extend(&cs[i..i + end + 1]);
                            i += end + 1;
                        }
                    }
                    _ if e.is_ascii_alphanumeric() => {
                        return Err(format!("invalid escape `\\{e}` in a pattern"));
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
                        _ => return Err("not supported: look-around in a pattern".into()),
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
        return Err("unterminated character class `[` in a pattern".into());
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
fn unicode_escape(cs: &[char]) -> Result<(u32, usize), String> {
    if cs.first() == Some(&'{') {
        let end = cs
            .iter()
            .position(|&c| c == '}')
            .ok_or("invalid `\\u{...}` escape in a pattern")?;
        let h: String = cs[1..end].iter().collect();
        let v =
            u32::from_str_radix(&h, 16).map_err(|_| "invalid `\\u{...}` escape in a pattern")?;
        return Ok((v, end + 1));
    }
    let h: String = cs.iter().take(4).collect();
    if h.len() != 4 {
        return Err("invalid `\\u` escape in a pattern".into());
    }
    let v = u32::from_str_radix(&h, 16).map_err(|_| "invalid `\\u` escape in a pattern")?;
    Ok((v, 4))
}

/// Parses regex-syntax's dialect (Unicode, no flags).
pub fn parse_rust(p: &str) -> Result<Hir, String> {
    regex_syntax::ParserBuilder::new()
        .unicode(true)
        .utf8(true)
        .octal(false)
        .nest_limit(200)
        .build()
        .parse(p)
        .map_err(|e| {
            let msg = e.to_string();
            msg.lines()
                .last()
                .unwrap_or("invalid regex")
                .trim()
                .trim_start_matches("error: ")
                .to_owned()
        })
}

/// The JSON string bodies whose decoded text contains a match of the
/// ECMA-262 `pattern` (JSON Schema patterns are not anchored unless they
/// say `^` or `$`).
pub fn search_body(pattern: &str) -> Result<Hir, String> {
    let rust = ecma_to_rust(pattern)?;
    let h = parse_rust(&rust).map_err(|m| format!("invalid pattern /{pattern}/: {m}"))?;
    search(&h)
}

/// [`search_body`] for a parsed decoded-level language.
pub fn search(h: &Hir) -> Result<Hir, String> {
    // Alternatives are anchored separately: `^a|b$`.
    if let HirKind::Alternation(hs) = h.kind() {
        return Ok(Hir::alternation(
            hs.iter().map(search).collect::<Result<_, _>>()?,
        ));
    }
    if let HirKind::Capture(c) = h.kind() {
        if has_look(&c.sub) {
            return search(&c.sub);
        }
    }
    let mut parts: Vec<Hir> = match h.kind() {
        HirKind::Concat(hs) => hs.clone(),
        _ => vec![h.clone()],
    };
    let is_start = |x: &Hir| matches!(x.kind(), HirKind::Look(Look::Start | Look::StartLF));
    let is_end = |x: &Hir| matches!(x.kind(), HirKind::Look(Look::End | Look::EndLF));
    let mut anchored_start = false;
    while parts.first().is_some_and(is_start) {
        parts.remove(0);
        anchored_start = true;
    }
    let mut anchored_end = false;
    while parts.last().is_some_and(is_end) {
        parts.pop();
        anchored_end = true;
    }
    let body = encode(&Hir::concat(parts))?;
    let mut out = Vec::new();
    if !anchored_start {
        out.push(any_body());
    }
    out.push(body);
    if !anchored_end {
        out.push(any_body());
    }
    Ok(Hir::concat(out))
}

fn has_look(h: &Hir) -> bool {
    match h.kind() {
        HirKind::Look(_) => true,
        HirKind::Repetition(r) => has_look(&r.sub),
        HirKind::Capture(c) => has_look(&c.sub),
        HirKind::Concat(hs) | HirKind::Alternation(hs) => hs.iter().any(has_look),
        _ => false,
    }
}

/// Whether the decoded string `s` matches `pattern` (search semantics).
pub fn pattern_matches(pattern: &str, s: &str) -> Result<bool, String> {
    let rust = ecma_to_rust(pattern)?;
    let re = regex_automata::meta::Regex::new(&rust).map_err(|e| e.to_string())?;
    Ok(re.is_match(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::meta::Regex;

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
        let re = full(&literal_body("a/\"é😀"));
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
    fn hex_ranges_are_exact() {
        for (lo, hi) in [
            (0u32, 0xffff),
            (0x20, 0x7e),
            (0x1234, 0x5678),
            (0xabc, 0xabc),
            (0xfff, 0x1000),
        ] {
            let re = full(&hex4_range(lo, hi));
            for v in (0..=0xffffu32)
                .step_by(7)
                .chain([lo, hi, lo.wrapping_sub(1), hi + 1])
            {
                if v > 0xffff {
                    continue;
                }
                let s = format!("{v:04x}");
                assert_eq!(re.is_match(&s), (lo..=hi).contains(&v), "{lo:x}-{hi:x} {s}");
                assert_eq!(re.is_match(&s.to_uppercase()), (lo..=hi).contains(&v));
            }
        }
    }

    #[test]
    fn ecma_patterns_search_unless_anchored() {
        let body = |p: &str| full(&search_body(p).unwrap());
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
            assert!(search_body(bad).is_err(), "{bad}");
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
            .spawn(move || nesting(&literals_body([long.as_str(), "a"], false)))
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
            for esc in [false, true] {
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
