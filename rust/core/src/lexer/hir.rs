//! Terminal patterns -> `regex_syntax::Hir`.
//!
//! Lark regexes are Python `re` patterns. They are rewritten into
//! regex-syntax's dialect where the two differ (`{,n}`, `[[]`, `\<`, octal
//! escapes, `(?#...)` comments), and what a DFA cannot do is refused with a
//! message naming the construct: back-references, look-behind, anchors and
//! word boundaries, look-ahead anywhere but at the end of a terminal.
//! A look-ahead at the end of a terminal is split off and checked by the
//! matcher against the bytes that follow the terminal.

use std::sync::Arc;

use regex_syntax::hir::{self, Hir, HirKind, Look};

use super::counted::CountedString;
use super::error::{err, unsupported, PatternError};
use super::json_text;
use super::pyre;
use super::table::TableDfa;
use crate::error::{ErrorKind, Failure};
use crate::grammar::{Span, TermExpr};

/// A look-ahead that must hold after a terminal ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookahead {
    /// `(?!...)` when true, `(?=...)` otherwise.
    pub negative: bool,
    pub hir: Hir,
}

/// One way a terminal can match: a regular language, optionally followed by
/// a look-ahead condition on the bytes after it.
#[derive(Debug, Clone)]
pub struct Variant {
    pub hir: Hir,
    pub lookahead: Option<Lookahead>,
    /// A language not held as a regex (then `hir` is unused and matches
    /// nothing).
    pub special: Option<Special>,
}

/// Languages held otherwise than by a lazy DFA over a regex.
#[derive(Debug, Clone)]
pub enum Special {
    /// Intersection and complement: an explicit, trimmed table.
    Table(Arc<TableDfa>),
    /// A JSON string with a long length bound: a counter.
    JsonString(Arc<CountedString>),
    /// Intersection and complement too large for a table: the product
    /// explored where the text goes.
    Product(Arc<super::lazy_product::LazyProduct>),
}
/// Translates a piece that may not carry a look-ahead.
pub fn plain_hir(expr: &TermExpr) -> Result<Hir, PatternError> {
    plain(expr)
}

fn plain(expr: &TermExpr) -> Result<Hir, PatternError> {
    if expr.needs_table() {
        return err(
            None,
            "intersection, complement and multiple-of conditions must be at the top of a terminal",
        );
    }
    let vs = variants(expr, false)?;
    Ok(Hir::alternation(vs.into_iter().map(|v| v.hir).collect()))
}

pub(crate) fn variants(expr: &TermExpr, tail: bool) -> Result<Vec<Variant>, PatternError> {
    let one = |hir: Hir| {
        Ok(vec![Variant {
            hir,
            lookahead: None,
            special: None,
        }])
    };
    match expr {
        TermExpr::Literal { value, ci } => {
            if *ci {
                let hir = parse_hir(&regex_syntax::escape(value), "i", None)?;
                one(hir)
            } else {
                one(Hir::literal(value.as_bytes()))
            }
        }
        TermExpr::Range { lo, hi } => {
            if lo > hi {
                return err(None, format!("empty range {lo:?}..{hi:?}"));
            }
            let cls = hir::ClassUnicode::new([hir::ClassUnicodeRange::new(*lo, *hi)]);
            one(Hir::class(hir::Class::Unicode(cls)))
        }
        TermExpr::Hir(h) => {
            if let Some(look) = find_look(h.hir()) {
                return unsupported(None, format!("assertion {look:?} in a regex"));
            }
            one(h.hir().clone())
        }
        TermExpr::Regex {
            pattern,
            flags,
            span,
        } => regex_variants(pattern, flags, *span, tail),
        TermExpr::Seq(items) => {
            if items.is_empty() {
                return one(Hir::empty());
            }
            let mut prefix = Vec::with_capacity(items.len());
            for it in &items[..items.len() - 1] {
                prefix.push(plain(it)?);
            }
            let last = variants(&items[items.len() - 1], tail)?;
            Ok(last
                .into_iter()
                .map(|v| {
                    let mut parts = prefix.clone();
                    parts.push(v.hir);
                    Variant {
                        hir: Hir::concat(parts),
                        lookahead: v.lookahead,
                        special: None,
                    }
                })
                .collect())
        }
        TermExpr::Alt(items) => {
            let mut out = Vec::new();
            for it in items {
                out.extend(variants(it, tail)?);
            }
            Ok(out)
        }
        TermExpr::Special(t) => err(
            None,
            format!(
                "special token {t} has no bytes: it must be a terminal of its own, not part of one"
            ),
        ),
        TermExpr::And(_) | TermExpr::Not(_) | TermExpr::DecimalMultiple { .. } => one(plain(expr)?),
        TermExpr::JsonString { .. } => {
            err(None, "a counted JSON string must be a terminal of its own")
        }
        TermExpr::JsonLiterals { strings, spelling } => one(json_text::quoted(
            json_text::literals_body(strings.iter().map(String::as_str), *spelling),
        )),
        TermExpr::Repeat { expr, min, max } => {
            let sub = plain(expr)?;
            one(Hir::repetition(hir::Repetition {
                min: *min,
                max: *max,
                greedy: true,
                sub: Box::new(sub),
            }))
        }
    }
}

/// Checks that `expr` nests at most `limit` levels, counting its own
/// levels and, at each regex in it, the regex's group nesting: about the
/// depth of the `Hir` it becomes, which compiling walks recursively.
/// Found without recursion. On failure, the span of the regex where the
/// limit is crossed, if it is there. (A regex deeper than
/// [`pyre::MAX_GROUP_NESTING`] on its own is refused when it is parsed,
/// with the place of the group.)
pub fn check_nesting(expr: &TermExpr, limit: usize) -> Result<(), Option<Span>> {
    let mut stack = vec![(expr, 0usize)];
    while let Some((e, d)) = stack.pop() {
        if d > limit {
            return Err(None);
        }
        if let TermExpr::Hir(h) = e {
            if d + h.depth() > limit {
                return Err(None);
            }
        }
        if let TermExpr::Regex { pattern, span, .. } = e {
            let (mut depth, mut max) = (0usize, 0usize);
            structural_bytes(pattern, |_, c| match c {
                b'(' => {
                    depth += 1;
                    max = max.max(depth);
                }
                b')' => depth = depth.saturating_sub(1),
                _ => {}
            });
            if d + max.min(pyre::MAX_GROUP_NESTING) > limit {
                return Err(Some(*span));
            }
        }
        stack.extend(e.children().iter().map(|c| (c, d + 1)));
    }
    Ok(())
}

/// Calls `f(i, byte)` for each byte of `p` that is structural: outside a
/// character class and not escaped (escapes and class contents skipped).
fn structural_bytes(p: &str, mut f: impl FnMut(usize, u8)) {
    let b = p.as_bytes();
    let mut in_class = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'[' if !in_class => {
                in_class = true;
                // A `]` right after `[` or `[^` is a literal.
                if b.get(i + 1) == Some(&b'^') {
                    i += 1;
                }
                if b.get(i + 1) == Some(&b']') {
                    i += 1;
                }
            }
            b']' if in_class => in_class = false,
            c if !in_class => f(i, c),
            _ => {}
        }
        i += 1;
    }
}

/// Calls `f(i, byte)` for each `(` and `)` of a group and each `|` of `p`,
/// as Python reads it (`verbose` for the `x` flag: comments and classes
/// hold none).
fn structural(p: &str, verbose: bool, mut f: impl FnMut(usize, u8)) {
    match pyre::structure(p, verbose) {
        Some(events) => events.into_iter().for_each(|(i, c)| f(i, c)),
        None => structural_bytes(p, f),
    }
}

/// Splits `pattern` at top-level `|`, outside groups and classes.
fn split_top_alternatives(p: &str, verbose: bool) -> Vec<&str> {
    let mut cuts = Vec::new();
    let mut depth = 0i32;
    structural(p, verbose, |i, c| match c {
        b'(' => depth += 1,
        b')' => depth -= 1,
        b'|' if depth == 0 => cuts.push(i),
        _ => {}
    });
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for c in cuts {
        out.push(&p[start..c]);
        start = c + 1;
    }
    out.push(&p[start..]);
    out
}

/// If `p` ends with a look-ahead group at top level, returns (body, negative,
/// look-ahead body). Several trailing look-aheads are returned outermost first
/// by repeated calls.
fn strip_trailing_lookahead(p: &str, verbose: bool) -> Option<(&str, bool, &str)> {
    if !p.ends_with(')') {
        return None;
    }
    // Find the group that the final `)` closes.
    let mut stack: Vec<usize> = Vec::new();
    let mut last_open_of_final = None;
    let mut unbalanced = false;
    structural(p, verbose, |i, c| match c {
        b'(' => stack.push(i),
        b')' => match stack.pop() {
            Some(open) if i == p.len() - 1 && stack.is_empty() => last_open_of_final = Some(open),
            Some(_) => {}
            None => unbalanced = true,
        },
        _ => {}
    });
    if unbalanced {
        return None;
    }
    let open = last_open_of_final?;
    let inner = &p[open..];
    let (neg, body) = if let Some(rest) = inner.strip_prefix("(?!") {
        (true, rest)
    } else if let Some(rest) = inner.strip_prefix("(?=") {
        (false, rest)
    } else {
        return None;
    };
    Some((&p[..open], neg, &body[..body.len() - 1]))
}

fn regex_variants(
    pattern: &str,
    flags: &str,
    span: Span,
    tail: bool,
) -> Result<Vec<Variant>, PatternError> {
    let sp = Some(span);
    for f in flags.chars() {
        if !"imsxu".contains(f) {
            return unsupported(sp, format!("regex flag `{f}`"));
        }
    }
    // The whole pattern must be one Python accepts (the pieces below are
    // translated one by one).
    check_python(pattern, flags, span)?;
    // Inline global flags at the start, e.g. `(?i)abc`, apply to all branches.
    let (lead_flags, body) = leading_inline_flags(pattern);
    let all_flags: String = flags.chars().chain(lead_flags.chars()).collect();
    let verbose = all_flags.contains('x');
    let mut out = Vec::new();
    let branches = if body.contains("(?=") || body.contains("(?!") {
        split_top_alternatives(body, verbose)
    } else {
        vec![body]
    };
    for br in branches {
        let mut rest = br;
        let mut la: Option<(bool, Vec<String>)> = None;
        while let Some((before, neg, la_body)) = strip_trailing_lookahead(rest, verbose) {
            match &mut la {
                None => la = Some((neg, vec![la_body.to_owned()])),
                Some((n, bodies)) if *n == neg && neg => bodies.push(la_body.to_owned()),
                Some(_) => {
                    return unsupported(
                        sp,
                        "several look-aheads at the end of a terminal, unless all are negative",
                    )
                }
            }
            rest = before;
        }
        if la.is_some() && !tail {
            return unsupported(
                sp,
                "look-ahead in a regex that is not at the end of its terminal",
            );
        }
        if let Some((before, neg, la_body, after)) = split_mid_lookahead(rest, verbose) {
            // `P (?!c) R` / `P (?=c) R` with `c` one character (class): the
            // first character of R is restricted, and where R is empty the
            // condition moves onto the bytes after the terminal.
            let p_hir = parse_hir(before, &all_flags, sp)?;
            let class =
                single_char_class(&parse_hir(la_body, &all_flags, sp)?).ok_or_else(|| {
                    PatternError::new(
                    sp,
                    Failure::not_supported(
                        "a look-ahead in the middle of a terminal, unless it tests one character",
                    ),
                )
                })?;
            let r_hir = parse_hir(after, &all_flags, sp)?;
            let allowed = if neg {
                let mut c = class.clone();
                c.negate();
                c
            } else {
                class.clone()
            };
            let mid_variants_start = out.len();
            if let Some(r) = restrict_first(&r_hir, &allowed) {
                out.push(Variant {
                    hir: Hir::concat(vec![p_hir.clone(), r]),
                    lookahead: joined_lookahead(&la, &all_flags, sp)?,
                    special: None,
                });
            }
            if r_hir.properties().minimum_len() == Some(0) {
                if la.is_some() || !tail {
                    return unsupported(sp, "a look-ahead that may reach past its terminal combined with another look-ahead");
                }
                out.push(Variant {
                    hir: p_hir,
                    lookahead: Some(Lookahead {
                        negative: neg,
                        hir: Hir::class(hir::Class::Unicode(class)),
                    }),
                    special: None,
                });
            }
            if out.len() == mid_variants_start {
                return err(
                    sp,
                    "this regex matches nothing (its look-ahead excludes every continuation)",
                );
            }
            continue;
        }
        let hir = parse_hir(rest, &all_flags, sp)?;
        let lookahead = joined_lookahead(&la, &all_flags, sp)?;
        out.push(Variant {
            hir,
            lookahead,
            special: None,
        });
    }
    Ok(out)
}

fn joined_lookahead(
    la: &Option<(bool, Vec<String>)>,
    flags: &str,
    sp: Option<Span>,
) -> Result<Option<Lookahead>, PatternError> {
    match la {
        None => Ok(None),
        Some((negative, bodies)) => {
            let joined = bodies
                .iter()
                .map(|b| format!("(?:{b})"))
                .collect::<Vec<_>>()
                .join("|");
            Ok(Some(Lookahead {
                negative: *negative,
                hir: parse_hir(&joined, flags, sp)?,
            }))
        }
    }
}

/// Finds a look-ahead group at the top level of `p` (not at its end):
/// (before, negative, look-ahead body, after).
fn split_mid_lookahead(p: &str, verbose: bool) -> Option<(&str, bool, &str, &str)> {
    let b = p.as_bytes();
    let mut depth = 0i32;
    let mut found: Option<(usize, usize)> = None;
    let mut open_at: Option<usize> = None;
    structural(p, verbose, |i, c| match c {
        b'(' => {
            if depth == 0
                && found.is_none()
                && (p[i..].starts_with("(?!") || p[i..].starts_with("(?="))
            {
                open_at = Some(i);
            }
            depth += 1;
        }
        b')' => {
            depth -= 1;
            if depth == 0 {
                if let Some(o) = open_at.take() {
                    found = Some((o, i));
                }
            }
        }
        _ => {}
    });
    let (o, c) = found?;
    let neg = b[o + 2] == b'!';
    Some((&p[..o], neg, &p[o + 3..c], &p[c + 1..]))
}

/// The class of a regex that matches exactly one character, if it is one.
fn single_char_class(h: &Hir) -> Option<hir::ClassUnicode> {
    match h.kind() {
        HirKind::Class(hir::Class::Unicode(c)) => Some(c.clone()),
        HirKind::Literal(hir::Literal(bytes)) => {
            let s = std::str::from_utf8(bytes).ok()?;
            let mut it = s.chars();
            let ch = it.next()?;
            if it.next().is_some() {
                return None;
            }
            Some(hir::ClassUnicode::new([hir::ClassUnicodeRange::new(
                ch, ch,
            )]))
        }
        HirKind::Capture(c) => single_char_class(&c.sub),
        _ => None,
    }
}

/// The non-empty strings of `h` whose first character is in `allowed`.
fn restrict_first(h: &Hir, allowed: &hir::ClassUnicode) -> Option<Hir> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => None,
        HirKind::Literal(hir::Literal(bytes)) => {
            let s = std::str::from_utf8(bytes).ok()?;
            let ch = s.chars().next()?;
            let mut one = hir::ClassUnicode::new([hir::ClassUnicodeRange::new(ch, ch)]);
            one.intersect(allowed);
            (!one.ranges().is_empty()).then(|| h.clone())
        }
        HirKind::Class(hir::Class::Unicode(c)) => {
            let mut c = c.clone();
            c.intersect(allowed);
            (!c.ranges().is_empty()).then(|| Hir::class(hir::Class::Unicode(c)))
        }
        HirKind::Class(hir::Class::Bytes(c)) => {
            // Byte classes (only under (?-u)): keep bytes whose char is allowed.
            let ranges: Vec<hir::ClassBytesRange> = c
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .filter(|&b| {
                    b < 0x80
                        && allowed
                            .ranges()
                            .iter()
                            .any(|r| r.start() <= b as char && b as char <= r.end())
                })
                .map(|b| hir::ClassBytesRange::new(b, b))
                .collect();
            (!ranges.is_empty())
                .then(|| Hir::class(hir::Class::Bytes(hir::ClassBytes::new(ranges))))
        }
        HirKind::Capture(c) => restrict_first(&c.sub, allowed),
        HirKind::Alternation(hs) => {
            let alts: Vec<Hir> = hs
                .iter()
                .filter_map(|x| restrict_first(x, allowed))
                .collect();
            (!alts.is_empty()).then(|| Hir::alternation(alts))
        }
        HirKind::Concat(hs) => {
            let mut alts = Vec::new();
            for (k, first) in hs.iter().enumerate() {
                if let Some(r) = restrict_first(first, allowed) {
                    let mut parts = vec![r];
                    parts.extend(hs[k + 1..].iter().cloned());
                    alts.push(Hir::concat(parts));
                }
                if first.properties().minimum_len() != Some(0) {
                    break;
                }
            }
            (!alts.is_empty()).then(|| Hir::alternation(alts))
        }
        HirKind::Repetition(rep) => {
            if rep.max == Some(0) {
                return None;
            }
            let first = restrict_first(&rep.sub, allowed)?;
            let sub_nullable = rep.sub.properties().minimum_len() == Some(0);
            let min = if sub_nullable {
                0
            } else {
                rep.min.saturating_sub(1)
            };
            let max = rep.max.map(|m| m.saturating_sub(1));
            if max == Some(0) {
                return Some(first);
            }
            let tail = Hir::repetition(hir::Repetition {
                min,
                max,
                greedy: true,
                sub: rep.sub.clone(),
            });
            Some(Hir::concat(vec![first, tail]))
        }
    }
}

/// Splits leading global inline flags (`(?i)`, `(?su)`) off a pattern.
fn leading_inline_flags(p: &str) -> (String, &str) {
    let mut flags = String::new();
    let mut rest = p;
    while let Some(r) = rest.strip_prefix("(?") {
        let end = r.find(')');
        match end {
            Some(e) if e > 0 && r[..e].chars().all(|c| "aiLmsux".contains(c)) => {
                flags.push_str(&r[..e]);
                rest = &r[e + 1..];
            }
            _ => break,
        }
    }
    (flags, rest)
}

/// Checks a whole Python pattern as `re` would parse it; an error points
/// at its place in the pattern (within `span`, the regex as written).
fn check_python(pattern: &str, flags: &str, span: Span) -> Result<(), PatternError> {
    pyre::translate(pattern, flags.contains('x'), flags.contains('i'), true)
        .map(|_| ())
        .map_err(|e| py_error(e, pattern, Some(span)))
}

/// A [`pyre::PyError`] as a pattern error, its span narrowed to the
/// character it is about when `span` is where the pattern is written
/// (`/pattern/flags` in Lark, or the pattern alone).
fn py_error(e: pyre::PyError, pattern: &str, span: Option<Span>) -> PatternError {
    let span = span.map(|s| {
        let len = (s.end - s.start) as usize;
        let base = if len >= pattern.len() + 2 {
            s.start + 1
        } else if len == pattern.len() {
            s.start
        } else {
            return s;
        };
        let at = base + e.offset.min(pattern.len()) as u32;
        let width = pattern[e.offset.min(pattern.len())..]
            .chars()
            .next()
            .map_or(0, char::len_utf8) as u32;
        Span {
            file: s.file,
            start: at,
            end: at + width.max(1),
        }
    });
    let error = if e.unsupported {
        Failure::new(ErrorKind::NotSupported, e.message)
    } else {
        Failure::syntax(format!("invalid regex: {}", e.message))
    };
    PatternError::new(span, error)
}

/// Parses a Python pattern with Lark flags into an `Hir`.
pub fn parse_hir(pattern: &str, flags: &str, span: Option<Span>) -> Result<Hir, PatternError> {
    if flags.contains('a') || flags.contains('L') {
        return unsupported(span, "ASCII/locale regex flags (`(?a)`, `(?L)`)");
    }
    let rust = pyre::translate(pattern, flags.contains('x'), flags.contains('i'), false)
        .map_err(|e| py_error(e, pattern, span))?;
    // Verbose mode is handled by the translation (which writes no
    // insignificant whitespace); the nest limit is a backstop, groups being
    // bounded there already.
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(true)
        .utf8(true)
        .octal(false)
        .case_insensitive(flags.contains('i'))
        .dot_matches_new_line(flags.contains('s'))
        .multi_line(flags.contains('m'))
        .nest_limit((4 * pyre::MAX_GROUP_NESTING + 64) as u32)
        .build()
        .parse(&rust)
        .or_else(|e| {
            let msg = e.to_string();
            let last = msg.lines().last().unwrap_or("invalid regex").trim();
            let last = last.strip_prefix("error: ").unwrap_or(last);
            err(span, format!("invalid regex: {last}"))
        })?;
    if let Some(look) = find_look(&hir) {
        return unsupported(span, format!("assertion {look:?} in a regex"));
    }
    Ok(hir)
}

fn find_look(h: &Hir) -> Option<Look> {
    match h.kind() {
        HirKind::Look(l) => Some(*l),
        HirKind::Repetition(r) => find_look(&r.sub),
        HirKind::Capture(c) => find_look(&c.sub),
        HirKind::Concat(hs) | HirKind::Alternation(hs) => hs.iter().find_map(find_look),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::regex::translate;

    fn rx(p: &str) -> TermExpr {
        TermExpr::Regex {
            pattern: p.into(),
            flags: String::new(),
            span: Span::default(),
        }
    }

    #[test]
    fn python_dialect() {
        // The translation itself is tested in `pyre`; here, the errors'
        // places and the pieces around look-aheads.
        let at = |p: &str| {
            let span = Span {
                file: 0,
                start: 10,
                end: 12 + p.len() as u32,
            };
            let e = translate(&TermExpr::Regex {
                pattern: p.into(),
                flags: String::new(),
                span,
            })
            .unwrap_err();
            (e.span.unwrap().start - 11, e.error.message)
        };
        let (off, msg) = at(r"ab[\w--a]");
        assert_eq!(off, 3);
        assert!(msg.contains("bad character range"), "{msg}");
        let (off, msg) = at("a(?!b)c(?<=d)");
        assert_eq!(off, 7);
        assert!(msg.contains("look-behind"), "{msg}");
        assert!(at("(a)\\1").1.contains("back-reference"));
        assert!(at("^a").1.contains("anchor"));
        assert!(at(r"a\b").1.contains("word boundary"));
        assert!(translate(&rx(r"a(?!b)c")).is_ok());
        assert!(translate(&rx(r"(a(?!b))c"))
            .unwrap_err()
            .error
            .message
            .contains("middle"));
        assert!(split_mid_lookahead(r"a(?!b)c", false).is_some());
        assert!(split_mid_lookahead(r"(a(?!b))c", false).is_none());
        assert!(split_mid_lookahead("#(?!b)c", true).is_none());
        // Verbose mode keeps whitespace inside classes, as Python does.
        let x = TermExpr::Regex {
            pattern: "[ ]a".into(),
            flags: "x".into(),
            span: Span::default(),
        };
        let vs = translate(&x).unwrap();
        assert!(vs[0].hir.to_string().contains(' ') || vs[0].hir.to_string().contains("x20"));
    }

    #[test]
    fn trailing_lookahead_is_split_off() {
        let vs = translate(&rx(r"[+*]|[?](?![a-z_])")).unwrap();
        assert_eq!(vs.len(), 2);
        assert!(vs[0].lookahead.is_none());
        assert!(vs[1].lookahead.as_ref().unwrap().negative);
        let vs = translate(&rx(r"ab(?=c)")).unwrap();
        assert_eq!(vs.len(), 1);
        assert!(!vs[0].lookahead.as_ref().unwrap().negative);
        let vs = translate(&rx(r"ab(?!c)(?!d)")).unwrap();
        assert_eq!(vs.len(), 1);
        // A look-ahead inside a sequence that is not last is refused.
        let seq = TermExpr::Seq(vec![rx("a(?!b)"), rx("c")]);
        assert!(translate(&seq)
            .unwrap_err()
            .error
            .message
            .contains("not at the end"));
    }

    #[test]
    fn literals_and_ranges() {
        let ci = TermExpr::Literal {
            value: "Select".into(),
            ci: true,
        };
        assert_eq!(translate(&ci).unwrap().len(), 1);
        let bad = TermExpr::Range { lo: 'z', hi: 'a' };
        assert!(translate(&bad).is_err());
        assert!(translate(&rx("a["))
            .unwrap_err()
            .error
            .message
            .contains("unterminated"));
    }
}
