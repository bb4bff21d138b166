//! JSON string text: the step from a language of decoded strings to the
//! JSON text that encodes them.
//!
//! A JSON Schema's `pattern` (and a `format`) constrains the decoded string,
//! while the grammar reads JSON text, where `A` may be written `A` or
//! `\u0041` and `"` must be written `\"`. [`encode`] rewrites a regular
//! language of characters into the language of their JSON encodings, exactly:
//! every character becomes the alternation of its raw form (where JSON
//! allows it raw), its short escape (`\n`, `\/`, ...) and its `\uXXXX` forms
//! (hex digits in either case; a surrogate pair for characters past the BMP).
//! A [`Spelling`] narrows that: to raw printable ASCII, or to the one
//! encoding serializers write.

use regex_syntax::hir::{self, Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind};

use crate::error::Failure;
use crate::grammar::Spelling;

/// One character of a JSON string, in JSON text (built once per spelling).
pub fn json_char(sp: Spelling) -> Hir {
    type Once = std::sync::OnceLock<Hir>;
    static ANY: Once = Once::new();
    static PLAIN_ASCII: Once = Once::new();
    static MINIMAL: Once = Once::new();
    let once = match sp {
        Spelling::Any => &ANY,
        Spelling::PlainAscii => &PLAIN_ASCII,
        Spelling::Minimal => &MINIMAL,
    };
    once.get_or_init(|| {
        encode_class(
            &ClassUnicode::new([ClassUnicodeRange::new('\0', char::MAX)]),
            sp,
        )
    })
    .clone()
}

/// Any JSON string body (between the quotes).
pub fn any_body(sp: Spelling) -> Hir {
    Hir::repetition(hir::Repetition {
        min: 0,
        max: None,
        greedy: true,
        sub: Box::new(json_char(sp)),
    })
}

/// A JSON string (with its quotes) whose decoded body is in `body` (an
/// encoded language, see [`encode`]).
pub fn quoted(body: Hir) -> Hir {
    Hir::concat(vec![Hir::literal(*b"\""), body, Hir::literal(*b"\"")])
}

/// The JSON encodings of exactly the string `s` (without quotes).
pub fn literal_body(s: &str, sp: Spelling) -> Hir {
    Hir::concat(s.chars().map(|c| encode_char(c, sp)).collect())
}

/// The JSON encodings of any one of `strings` (without quotes): one flat
/// concatenation per string, in one alternation, built without recursion,
/// so no nesting grows with the strings' length or number (regex-syntax
/// factors out a prefix all of them share). This is the lazy-DFA form;
/// [`super::literals`] builds the same language as a minimal table
/// where it fits.
pub fn literals_body<'s>(strings: impl IntoIterator<Item = &'s str>, sp: Spelling) -> Hir {
    let mut v: Vec<&str> = strings.into_iter().collect();
    v.sort_unstable();
    v.dedup();
    Hir::alternation(
        v.into_iter()
            .map(|s| {
                Hir::concat(
                    s.chars()
                        .map(|c| {
                            if sp != Spelling::Any && plain_ascii(c) && c != '/' {
                                Hir::literal(c.to_string().into_bytes())
                            } else {
                                encode_char(c, sp)
                            }
                        })
                        .collect(),
                )
            })
            .collect(),
    )
}

/// The encodings `sp` allows of the one character `c`. ASCII characters
/// (most of every literal: property names, enum values, the literal parts
/// of patterns) are encoded once per spelling and copied.
fn encode_char(c: char, sp: Spelling) -> Hir {
    let one = |c: char| encode_class(&ClassUnicode::new([ClassUnicodeRange::new(c, c)]), sp);
    if !c.is_ascii() {
        return one(c);
    }
    type Table = std::sync::OnceLock<Vec<Hir>>;
    static ANY: Table = Table::new();
    static PLAIN_ASCII: Table = Table::new();
    static MINIMAL: Table = Table::new();
    let table = match sp {
        Spelling::Any => &ANY,
        Spelling::PlainAscii => &PLAIN_ASCII,
        Spelling::Minimal => &MINIMAL,
    };
    table.get_or_init(|| (0..128u8).map(|b| one(b as char)).collect())[c as usize].clone()
}

/// Rewrites a language of decoded characters into the JSON text encoding
/// it. `h` must be free of look-around (anchors are handled by
/// [`search_body`]).
pub fn encode(h: &Hir, sp: Spelling) -> Result<Hir, Failure> {
    Ok(match h.kind() {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => {
            let s = std::str::from_utf8(&l.0)
                .map_err(|_| Failure::syntax("a pattern literal is not UTF-8"))?;
            literal_body(s, sp)
        }
        HirKind::Class(Class::Unicode(c)) => encode_class(c, sp),
        HirKind::Class(Class::Bytes(b)) if b.ranges().is_empty() => Hir::fail(),
        HirKind::Class(Class::Bytes(_)) => return Err(Failure::not_supported("byte classes")),
        HirKind::Look(l) => {
            return Err(Failure::not_supported(format!(
                "assertion {l:?} inside a pattern"
            )))
        }
        HirKind::Repetition(r) => Hir::repetition(hir::Repetition {
            min: r.min,
            max: r.max,
            greedy: true,
            sub: Box::new(encode(&r.sub, sp)?),
        }),
        HirKind::Capture(c) => encode(&c.sub, sp)?,
        HirKind::Concat(hs) => {
            Hir::concat(hs.iter().map(|h| encode(h, sp)).collect::<Result<_, _>>()?)
        }
        HirKind::Alternation(hs) => {
            Hir::alternation(hs.iter().map(|h| encode(h, sp)).collect::<Result<_, _>>()?)
        }
    })
}

/// The encodings `sp` allows of one character from `c`.
pub fn encode_class(c: &ClassUnicode, sp: Spelling) -> Hir {
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
    for (ch, e) in SHORT_ESCAPES {
        // `/` is written raw, never `\/`, in the one spelling.
        if has(ch) && !(sp == Spelling::Minimal && ch == '/') {
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
    if sp == Spelling::Minimal {
        // The control characters without a short escape, as `\u00xx`.
        for ch in '\0'..=' ' {
            if ch < ' ' && has(ch) && !SHORT_ESCAPES.iter().any(|&(s, _)| s == ch) {
                alts.push(Hir::literal(format!("\\u{:04x}", ch as u32).into_bytes()));
            }
        }
        return Hir::alternation(alts);
    }
    let mut escaped = c.clone();
    if sp == Spelling::PlainAscii {
        // Printable ASCII has its raw form (or `\/`) alone.
        escaped.difference(&ClassUnicode::new([
            ClassUnicodeRange::new(' ', '!'),
            ClassUnicodeRange::new('#', '['),
            ClassUnicodeRange::new(']', '~'),
        ]));
    }
    // \uXXXX for the BMP, surrogate pairs past it.
    let mut hex = Vec::new();
    for r in escaped.ranges() {
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

/// The characters with a short escape, and the letter after the `\`.
const SHORT_ESCAPES: [(char, u8); 8] = [
    ('"', b'"'),
    ('\\', b'\\'),
    ('/', b'/'),
    ('\x08', b'b'),
    ('\x0c', b'f'),
    ('\n', b'n'),
    ('\r', b'r'),
    ('\t', b't'),
];

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

/// A printable ASCII character JSON writes raw: everything from space to
/// `~` but `"` and `\`.
pub fn plain_ascii(c: char) -> bool {
    (' '..='~').contains(&c) && c != '"' && c != '\\'
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::meta::Regex;
    use regex_syntax::hir::Look;

    fn full(h: &Hir) -> Regex {
        Regex::builder()
            .build_from_hir(&Hir::concat(vec![
                Hir::look(Look::Start),
                h.clone(),
                Hir::look(Look::End),
            ]))
            .unwrap()
    }

    /// The kept encodings of ASCII characters are the ones built afresh,
    /// in every spelling.
    #[test]
    fn kept_ascii_encodings_equal_fresh_ones() {
        for sp in [Spelling::Any, Spelling::PlainAscii, Spelling::Minimal] {
            for c in (0..128u8).map(char::from).chain(['é', '\u{1F600}']) {
                let fresh = encode_class(&ClassUnicode::new([ClassUnicodeRange::new(c, c)]), sp);
                assert_eq!(encode_char(c, sp), fresh, "{c:?} {sp:?}");
            }
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
}
