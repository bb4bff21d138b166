//! Strings: one terminal per node, the intersection of its length bounds,
//! patterns and formats less its excluded strings (a counter where only a
//! length bounds it).

use regex_syntax::hir::Hir;
use serde_json::Value;

use super::{any_string, hx, json_literals, Emitter};
use crate::error::ErrorKind;
use crate::grammar::{Spelling, TermExpr};
use crate::json_schema::error::{at_failure, SchemaError};
use crate::json_schema::schema::Node;
use crate::json_schema::{formats, text};
use crate::lexer::json_text;

/// Most characters a length bound spells out as a repetition.
const MAX_LENGTH_BOUND: u64 = 4096;

impl Emitter<'_> {
    /// The string terminal of `n` (None: no string satisfies it).
    /// `own_terminal`: the expression is a terminal by itself (not part
    /// of a complement or a union), so a length-bounded plain string can
    /// be a counter.
    pub(super) fn string_expr(
        &mut self,
        n: &Node,
        own_terminal: bool,
    ) -> Result<Option<TermExpr>, SchemaError> {
        let mut parts: Vec<TermExpr> = Vec::new();
        let plain_string = n.patterns.is_empty()
            && n.formats.is_empty()
            && n.not_strings.is_empty()
            && !n.not_consts.iter().any(Value::is_string);
        let big = n.max_len.unwrap_or(n.min_len).max(n.min_len);
        let bounded = n.min_len > 0 || n.max_len.is_some();
        if own_terminal && bounded && plain_string && big < u32::MAX as u64 / 64 {
            // Only a length: a counter, whatever the bound (token walks
            // inside it are shared between counts; see `mask`).
            return Ok(Some(TermExpr::JsonString {
                min: n.min_len as u32,
                max: n.max_len.map(|m| m as u32),
                spelling: self.spelling(),
            }));
        }
        if n.min_len > 0 || n.max_len.is_some() {
            if big > MAX_LENGTH_BOUND {
                let kw = if n.max_len.is_some_and(|m| m > MAX_LENGTH_BOUND) {
                    "maxLength"
                } else {
                    "minLength"
                };
                self.r.unsupported(
                    &n.ptr,
                    kw,
                    &format!("string length bounds above {MAX_LENGTH_BOUND} together with a pattern, format or excluded value (the bound is dropped)"),
                )?;
            } else {
                let body = Hir::repetition(regex_syntax::hir::Repetition {
                    min: n.min_len as u32,
                    max: n.max_len.map(|m| m as u32),
                    greedy: true,
                    sub: Box::new(json_text::json_char(self.spelling())),
                });
                parts.push(hx(json_text::quoted(body)));
            }
        }
        for (p, ptr) in &n.patterns {
            match text::search_body(p, self.spelling()) {
                Ok(h) => parts.push(hx(json_text::quoted(h))),
                Err(e) if e.kind == ErrorKind::NotSupported => {
                    self.r.unsupported(
                        ptr.rsplit_once('/').map_or("", |x| x.0),
                        "pattern",
                        e.message.trim_start_matches("not supported: "),
                    )?;
                }
                Err(e) => {
                    return Err(at_failure(
                        ptr.rsplit_once('/').map_or("", |x| x.0),
                        "pattern",
                        e,
                    ));
                }
            }
        }
        for (f, _) in &n.formats {
            parts.push(format_string(f, self.spelling()));
            if f == "hostname" {
                let body = Hir::repetition(regex_syntax::hir::Repetition {
                    min: 0,
                    max: Some(formats::HOSTNAME_MAX),
                    greedy: true,
                    sub: Box::new(json_text::json_char(self.spelling())),
                });
                parts.push(hx(json_text::quoted(body)));
            }
        }
        for ns in &n.not_strings {
            if let Some(e) = self.string_expr(ns, false)? {
                parts.push(TermExpr::Not(Box::new(e)));
            }
        }
        let excl: Vec<&str> = n.not_consts.iter().filter_map(|v| v.as_str()).collect();
        if !excl.is_empty() {
            parts.push(TermExpr::Not(Box::new(json_literals(excl, Spelling::Any))));
        }
        let positive = parts.iter().any(|p| !matches!(p, TermExpr::Not(_)));
        if !positive {
            parts.insert(0, any_string(self.spelling()));
        }
        // A pattern or format on its own is a table too where it fits
        // (minimal: past a pattern's match all text is one state, which walks
        // share); the lexer falls back to a lazy DFA where it does not.
        let table = own_terminal && (!n.patterns.is_empty() || !n.formats.is_empty());
        Ok(Some(if parts.len() == 1 && !table {
            parts.pop().expect("one part")
        } else {
            TermExpr::And(parts)
        }))
    }
}

/// The JSON strings in `spelling` of a known format's text, quotes
/// included: built once per format and spelling (formats recur in every
/// schema).
fn format_string(format: &str, spelling: Spelling) -> TermExpr {
    static KEPT: crate::kept::Kept<(String, Spelling), TermExpr> = crate::kept::Kept::new(256);
    KEPT.get_or_insert_with((format.to_owned(), spelling), || {
        let re = formats::format_regex(format).expect("a known format");
        let h = text::parse_rust(&re).expect("format regexes parse");
        let enc = json_text::encode(&h, spelling).expect("format regexes encode");
        hx(json_text::quoted(enc))
    })
}
