//! Terminals to automata: each terminal's expression becomes its variants
//! (regular languages for the lazy DFA, with their look-aheads), or a table
//! (intersection, complement, sets of JSON strings) or a counted JSON
//! string where a regex would be too large.

use std::sync::Arc;

use regex_syntax::hir::Hir;

use super::counted::CountedString;
use super::error::PatternError;
use super::hir::{variants, Special, Variant};
use super::json_text;
use super::literals::json_literals;
use super::product::Built;
use super::table::TableDfa;
use crate::grammar::{Spelling, TermExpr};

/// Translates a terminal into its variants (one unless look-aheads differ
/// between alternatives).
pub fn translate(expr: &TermExpr) -> Result<Vec<Variant>, PatternError> {
    translate_limited(expr, DEFAULT_TABLE_STATES, 64 << 20)
}

/// Most states of a table built up front for the lexer of a compiled
/// grammar ([`translate_lazy`]); a larger product is explored lazily.
/// Measured on the JSONSchemaBench dev sample: up front, products of
/// thousands of states (object keys that are none of many listed names)
/// made the slowest compiles; explored lazily, every product cost about
/// half as much again in the masks that first reach its states. Small
/// products are cheap both ways, and minimal up front.
pub const EAGER_TABLE_STATES: usize = 128;

/// Most states of a terminal's table by default (see [`TableDfa`]).
pub const DEFAULT_TABLE_STATES: usize = 1 << 18;

/// One JSON string character in a spelling as a table, shared by every
/// counted string of that spelling (so token walks inside them are shared
/// too: see `mask`).
fn json_char_unit(sp: Spelling) -> Result<Arc<TableDfa>, PatternError> {
    type Unit = std::sync::OnceLock<Arc<TableDfa>>;
    static ANY: Unit = Unit::new();
    static PLAIN_ASCII: Unit = Unit::new();
    static MINIMAL: Unit = Unit::new();
    let unit = match sp {
        Spelling::Any => &ANY,
        Spelling::PlainAscii => &PLAIN_ASCII,
        Spelling::Minimal => &MINIMAL,
    };
    if let Some(u) = unit.get() {
        return Ok(u.clone());
    }
    // Canonical, so a table read off a grammar's string terminal is equal
    // to it where the text is ([`super::Lexer::text_at`]).
    let t = TableDfa::from_hir(&json_text::json_char(sp), 1000, 1 << 22)?;
    let accept = (0..t.state_count() as u32).map(|q| t.accepts(q)).collect();
    let u = TableDfa::canonical_unit(t.to_sparse(), accept, t.start());
    Ok(unit.get_or_init(|| Arc::new(u)).clone())
}

/// The text of any JSON string (no bounds) as a counted machine: what
/// token walks compare plain string states with ([`super::Lexer::plain_text_at`]).
pub fn json_text() -> Option<Arc<CountedString>> {
    static TEXT: std::sync::OnceLock<Option<Arc<CountedString>>> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let unit = json_char_unit(Spelling::Any).ok()?;
        CountedString::new(unit, 0, None).ok().map(Arc::new)
    })
    .clone()
}

/// [`translate_limited`] for the lexer of a compiled grammar: a terminal
/// with intersection or complement is a minimal table when its product
/// has at most [`EAGER_TABLE_STATES`] states, and is explored lazily
/// beyond ([`TableDfa::lazy`]), so compiling it costs only the search that
/// its language is not empty, and a product state is built only when text
/// reaches it. Where that search cannot tell within its budget (an empty
/// or nearly empty language in a large product), the whole table is built
/// as before, which can.
pub fn translate_lazy(
    expr: &TermExpr,
    max_table_states: usize,
    dfa_bytes: usize,
) -> Result<Vec<Variant>, PatternError> {
    // One plain language asked to be a table (a pattern on its own): its
    // minimal table where it has one within the leaf bounds, else its lazy
    // DFA as any pattern. A product over its one leaf would search it for a
    // match at every compile and step it through the product's tuples.
    if let TermExpr::And(xs) = expr {
        if let [x] = &xs[..] {
            if !x.needs_table() {
                // Where the table cannot be built, the lazy DFA says why.
                return match TableDfa::minimal(x, dfa_bytes) {
                    Ok(Some(t)) if t.state_count() <= max_table_states => Ok(vec![Variant {
                        hir: Hir::fail(),
                        lookahead: None,
                        special: Some(Special::Table(t)),
                    }]),
                    _ => translate_limited(x, max_table_states, dfa_bytes),
                };
            }
        }
    }
    if expr.needs_table() {
        let small = EAGER_TABLE_STATES.min(max_table_states);
        let lazy = max_table_states.saturating_mul(4);
        let special = match TableDfa::build_or_lazy(expr, small, lazy, dfa_bytes) {
            Ok(Built::Table(t)) => Some(Special::Table(Arc::new(t))),
            Ok(Built::Lazy(p)) => Some(Special::Product(Arc::from(p))),
            Err(_) => None,
        };
        if special.is_some() {
            return Ok(vec![Variant {
                hir: Hir::fail(),
                lookahead: None,
                special,
            }]);
        }
    }
    translate_limited(expr, max_table_states, dfa_bytes)
}

/// [`translate`] with limits for terminals compiled to a table.
pub fn translate_limited(
    expr: &TermExpr,
    max_table_states: usize,
    dfa_bytes: usize,
) -> Result<Vec<Variant>, PatternError> {
    if let TermExpr::JsonString { min, max, spelling } = expr {
        let c = CountedString::new(json_char_unit(*spelling)?, *min, *max)
            .map_err(|e| PatternError::new(None, e))?;
        return Ok(vec![Variant {
            hir: Hir::fail(),
            lookahead: None,
            special: Some(Special::JsonString(Arc::new(c))),
        }]);
    }
    if let TermExpr::JsonLiterals { strings, spelling } = expr {
        // Past the state cap, the same language as a lazy DFA.
        if let Ok(t) = json_literals(strings, *spelling, max_table_states) {
            return Ok(vec![Variant {
                hir: Hir::fail(),
                lookahead: None,
                special: Some(Special::Table(Arc::new(t))),
            }]);
        }
    }
    if expr.needs_table() {
        let t = match (TableDfa::build(expr, max_table_states, dfa_bytes), expr) {
            (Ok(t), _) => t,
            // One plain language asked to be a table: too large for one,
            // it is a lazy DFA as usual.
            (Err(_), TermExpr::And(xs)) if xs.len() == 1 && !xs[0].needs_table() => {
                return translate_limited(&xs[0], max_table_states, dfa_bytes);
            }
            // Too large to build up front: explored where the text goes.
            (Err(e), _) if e.error.kind == crate::error::ErrorKind::Limit => {
                let p = TableDfa::lazy(expr, max_table_states.saturating_mul(4), dfa_bytes)?;
                return Ok(vec![Variant {
                    hir: Hir::fail(),
                    lookahead: None,
                    special: Some(Special::Product(Arc::new(p))),
                }]);
            }
            (Err(e), _) => return Err(e),
        };
        return Ok(vec![Variant {
            hir: Hir::fail(),
            lookahead: None,
            special: Some(Special::Table(Arc::new(t))),
        }]);
    }
    let vs = variants(expr, true)?;
    // Variants without a look-ahead are merged into one alternation.
    let (plain, la): (Vec<Variant>, Vec<Variant>) =
        vs.into_iter().partition(|v| v.lookahead.is_none());
    let mut out = Vec::new();
    if !plain.is_empty() {
        out.push(Variant {
            hir: Hir::alternation(plain.into_iter().map(|v| v.hir).collect()),
            lookahead: None,
            special: None,
        });
    }
    out.extend(la);
    Ok(out)
}
