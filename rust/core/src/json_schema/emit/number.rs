//! Numbers: one terminal per node, the numerals within its bounds and
//! multiples less its excluded numbers.

use serde_json::Value;

use super::{rs, Emitter};
use crate::grammar::TermExpr;
use crate::json_schema::error::SchemaError;
use crate::json_schema::numbers::{self, Dec};
use crate::json_schema::options::Draft;
use crate::json_schema::schema::{Node, FRAC, INT};

/// The regex of the numerals equal to `d` (`2.0` for 2 unless
/// `whole_only`).
pub(super) fn number_literal(d: &Dec, whole_only: bool) -> String {
    let zeros = if whole_only { "" } else { r"(?:\.0+)?" };
    if d.is_zero() {
        return format!("-?0{zeros}");
    }
    let sign = if d.neg { "-" } else { "" };
    if d.is_integer() {
        format!(r"{sign}{}{zeros}", d.int)
    } else {
        format!(r"{sign}{}\.{}0*", d.int, d.frac)
    }
}

impl Emitter<'_> {
    /// The numerals of an unconstrained number: any spelling, or plain
    /// where the grammar is written with plain numbers (see [`super::emit`]).
    pub(super) fn number_spelling(&mut self) -> &'static str {
        if self.plain_numbers {
            numbers::PLAIN
        } else {
            self.any_spelling = true;
            numbers::ANY
        }
    }

    /// Without [`Options::integer_fraction`](crate::json_schema::Options),
    /// `base` (numerals of integers and fractions alike) less the integers
    /// written with a fraction: every integer value is then written one
    /// way, so an integer constant (written as digits alone) excludes
    /// exactly the numerals of its value.
    pub(super) fn whole_integers(&self, base: TermExpr) -> TermExpr {
        if self.opts.integer_fraction {
            return base;
        }
        TermExpr::And(vec![
            base,
            TermExpr::Not(Box::new(rs(numbers::INTEGER_WITH_FRACTION))),
        ])
    }

    /// The number terminal of `n` for types `t` (INT and/or FRAC).
    pub(super) fn number_expr(&mut self, n: &Node, t: u8) -> Result<Option<TermExpr>, SchemaError> {
        let d4 = self.r.doc.draft == Draft::D4;
        // The integers by value (`2.0` too from draft 6 on): what a
        // non-integer excludes.
        let integer = if d4 {
            numbers::INTEGER_STRICT
        } else {
            numbers::INTEGER
        };
        // How an integer is written.
        let written = if self.opts.integer_fraction {
            integer
        } else {
            numbers::INTEGER_STRICT
        };
        let excl: Vec<String> = n
            .not_consts
            .iter()
            .filter_map(|v| match v {
                Value::Number(x) => Dec::parse(&x.to_string()),
                _ => None,
            })
            .map(|d| number_literal(&d, false))
            .collect();
        let bounded = n.lo.is_some()
            || n.hi.is_some()
            || !n.multiples.is_empty()
            || !n.not_numbers.is_empty()
            || !excl.is_empty()
            || t == FRAC;
        let mut parts = Vec::new();
        parts.push(rs(if t == INT {
            written
        } else if bounded {
            numbers::PLAIN
        } else {
            self.number_spelling()
        }));
        if t == FRAC {
            parts.push(TermExpr::Not(Box::new(rs(integer))));
        } else if t != INT && !self.opts.integer_fraction {
            parts.push(TermExpr::Not(Box::new(rs(numbers::INTEGER_WITH_FRACTION))));
        }
        if let Some((lo, strict)) = &n.lo {
            parts.push(rs(&numbers::at_least(lo, *strict)));
        }
        if let Some((hi, strict)) = &n.hi {
            parts.push(rs(&numbers::at_most(hi, *strict)));
        }
        for f in numbers::joint_multiples(&n.multiples) {
            match f {
                Some((factor, scale)) if factor <= 1_000_000 => {
                    // A multiple of 1 is any integer: nothing to add where
                    // the numerals are integers already; for `number` it
                    // excludes 2.5 (and keeps 2.0).
                    if !(factor == 1 && scale == 0 && t == INT) {
                        parts.push(TermExpr::DecimalMultiple { factor, scale });
                    }
                }
                _ => {
                    self.r.unsupported(
                        &n.ptr,
                        "multipleOf",
                        "a multipleOf this large or this fine (dropped)",
                    )?;
                }
            }
        }
        for nn in &n.not_numbers {
            let tt = nn.types & (INT | FRAC);
            if let Some(e) = self.number_expr(nn, tt)? {
                parts.push(TermExpr::Not(Box::new(e)));
            }
        }
        if !excl.is_empty() {
            parts.push(TermExpr::Not(Box::new(rs(&format!(
                "(?:{})",
                excl.join("|")
            )))));
        }
        Ok(Some(if parts.len() == 1 {
            parts.pop().expect("one part")
        } else {
            TermExpr::And(parts)
        }))
    }
}
