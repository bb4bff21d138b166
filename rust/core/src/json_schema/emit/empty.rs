//! Why a schema accepts no value, for the error (or the warning) that
//! says so.

use super::Emitter;
use crate::json_schema::numbers::Dec;
use crate::json_schema::schema::{Sch, ARR, FRAC, INT, OBJ, STR};

impl Emitter<'_> {
    /// The keyword and the reason a schema accepts no value, as far as its
    /// own keywords show it.
    pub(super) fn why_empty(&mut self, s: &Sch) -> (&'static str, String) {
        let n = match s {
            Sch::False => return ("false", "it is the schema false".into()),
            _ => match self.r.node_of(s, "") {
                Ok(n) => n,
                Err(_) => return ("type", "no value satisfies all its keywords".into()),
            },
        };
        let mut reasons: Vec<(&'static str, String)> = Vec::new();
        if n.types == 0 {
            reasons.push((
                "type",
                "its type, enum and const keywords leave no type".into(),
            ));
        }
        if n.consts.as_ref().is_some_and(Vec::is_empty) {
            reasons.push((
                "enum",
                "no value is in every one of its enum and const lists".into(),
            ));
        }
        if n.types & (INT | FRAC) != 0 {
            if let (Some((lo, ls)), Some((hi, hs))) = (&n.lo, &n.hi) {
                if lo > hi || (lo == hi && (*ls || *hs)) {
                    let (lk, hk) = (
                        if *ls { "exclusiveMinimum" } else { "minimum" },
                        if *hs { "exclusiveMaximum" } else { "maximum" },
                    );
                    reasons.push((
                        "minimum",
                        format!("numbers: {lk} {} is not below {hk} {}", dec(lo), dec(hi)),
                    ));
                }
            }
        }
        if n.types & STR != 0 && n.max_len.is_some_and(|m| n.min_len > m) {
            reasons.push((
                "minLength",
                format!(
                    "strings: minLength {} is above maxLength {}",
                    n.min_len,
                    n.max_len.unwrap_or(0)
                ),
            ));
        }
        if n.types & ARR != 0 && n.max_items.is_some_and(|m| n.min_items > m) {
            reasons.push((
                "minItems",
                format!(
                    "arrays: minItems {} is above maxItems {}",
                    n.min_items,
                    n.max_items.unwrap_or(0)
                ),
            ));
        }
        if n.types & OBJ != 0 && n.max_props.is_some_and(|m| n.min_props > m) {
            reasons.push((
                "minProperties",
                format!(
                    "objects: minProperties {} is above maxProperties {}",
                    n.min_props,
                    n.max_props.unwrap_or(0)
                ),
            ));
        }
        match reasons.len() {
            0 => (
                "type",
                "no value satisfies all of its keywords together (each type it allows is ruled \
                 out by one of them)"
                    .into(),
            ),
            _ => {
                let kw = reasons[0].0;
                let text: Vec<String> = reasons.into_iter().map(|r| r.1).collect();
                (kw, text.join("; "))
            }
        }
    }
}

/// A decimal as JSON writes it.
fn dec(d: &Dec) -> String {
    let sign = if d.neg { "-" } else { "" };
    if d.frac.is_empty() {
        format!("{sign}{}", d.int)
    } else {
        format!("{sign}{}.{}", d.int, d.frac)
    }
}
