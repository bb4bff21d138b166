//! Constants (`enum`, `const`): each value spelled out, strings and
//! numbers as one terminal per kind, an object's members in any order.

use rustc_hash::FxHashMap;
use serde_json::Value;

use super::number::number_literal;
use super::{json_literals, rs, Alts, Emitter};
use crate::grammar::{NtId, Symbol};
use crate::json_schema::error::{unsupported, SchemaError};
use crate::json_schema::numbers::Dec;
use crate::json_schema::options::Draft;
use crate::json_schema::schema::{Node, FRAC};

impl Emitter<'_> {
    pub(super) fn const_alts(&mut self, n: &Node, cs: &[Value]) -> Result<Alts, SchemaError> {
        let mut rest = n.clone();
        rest.consts = None;
        let mut strings: Vec<&str> = Vec::new();
        let mut nums = Vec::new();
        let mut out = Vec::new();
        for (i, c) in cs.iter().enumerate() {
            match self.r.accepts_node(&rest, c)? {
                Some(true) => {}
                Some(false) => continue,
                None => {
                    self.r.unsupported(
                        &n.ptr,
                        "enum",
                        &format!(
                            "checking enum value {i} against the schema's other keywords (kept)"
                        ),
                    )?;
                }
            }
            match c {
                Value::String(s) => strings.push(s.as_str()),
                Value::Number(x) => match Dec::parse(&x.to_string()) {
                    // Draft 4: `2.0` is a number but not an integer.
                    Some(d) => nums.push(number_literal(
                        &d,
                        !self.opts.integer_fraction
                            || (self.r.doc.draft == Draft::D4 && n.types & FRAC == 0),
                    )),
                    None => {
                        return Err(unsupported(&n.ptr, "enum", format!("the number {x}")));
                    }
                },
                _ => out.push(self.const_seq(c)?),
            }
        }
        if !strings.is_empty() {
            let e = json_literals(strings, self.literal_spelling());
            out.push(vec![self.term("STRING", e)]);
        }
        if !nums.is_empty() {
            let e = rs(&format!("(?:{})", nums.join("|")));
            out.push(vec![self.term("NUMBER", e)]);
        }
        Ok(out)
    }

    /// [`Self::const_seq`] of a value nested one level below the current one.
    pub(super) fn child_const_seq(&mut self, v: &Value) -> Result<Vec<Symbol>, SchemaError> {
        self.depth += 1;
        let r = self.const_seq(v);
        self.depth -= 1;
        r
    }

    /// The symbols spelling one constant value.
    pub(super) fn const_seq(&mut self, v: &Value) -> Result<Vec<Symbol>, SchemaError> {
        let p = self.punct();
        Ok(match v {
            Value::Null => vec![self.lit("NULL", "null")],
            Value::Bool(true) => vec![self.lit("TRUE", "true")],
            Value::Bool(false) => vec![self.lit("FALSE", "false")],
            Value::String(s) => {
                vec![self.term("STRING", json_literals([s], self.literal_spelling()))]
            }
            Value::Number(x) => {
                let d = Dec::parse(&x.to_string())
                    .ok_or_else(|| unsupported("", "const", format!("the number {x}")))?;
                let whole = !self.opts.integer_fraction;
                vec![self.term("NUMBER", rs(&number_literal(&d, whole)))]
            }
            Value::Array(xs) if xs.is_empty() => vec![p.empty_arr],
            Value::Array(xs) => {
                let mut out = vec![p.lbrack];
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        out.push(p.comma);
                    }
                    out.extend(self.child_const_seq(x)?);
                }
                out.push(p.rbrack);
                out
            }
            Value::Object(m) if m.is_empty() => vec![p.empty_obj],
            Value::Object(m) if m.len() <= 6 => {
                // Any order of the keys (an object's value is its set of
                // members).
                let mut members = Vec::with_capacity(m.len());
                for (k, x) in m {
                    let key = json_literals([k], self.literal_spelling());
                    let mut seq = vec![self.term("KEY", key), p.colon];
                    seq.extend(self.child_const_seq(x)?);
                    members.push(seq);
                }
                let full = (1u32 << m.len()) - 1;
                let mut nts: FxHashMap<u32, NtId> = FxHashMap::default();
                let root = self.nt("const_members");
                nts.insert(0, root);
                let mut work = vec![0u32];
                while let Some(set) = work.pop() {
                    let nt = nts[&set];
                    for (j, seq) in members.iter().enumerate() {
                        if set & (1 << j) != 0 {
                            continue;
                        }
                        let set2 = set | (1 << j);
                        let mut rhs = if set == 0 { vec![] } else { vec![p.comma] };
                        rhs.extend(seq.iter().copied());
                        if set2 != full {
                            let next = *nts.entry(set2).or_insert_with(|| {
                                work.push(set2);
                                self.nt("const_members")
                            });
                            rhs.push(Symbol::N(next));
                        }
                        self.prod(nt, rhs);
                    }
                }
                vec![p.lbrace, Symbol::N(root), p.rbrace]
            }
            Value::Object(m) => {
                let mut out = vec![p.lbrace];
                for (i, (k, x)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(p.comma);
                    }
                    out.push(self.term("KEY", json_literals([k], self.literal_spelling())));
                    out.push(p.colon);
                    out.extend(self.child_const_seq(x)?);
                }
                out.push(p.rbrace);
                out
            }
        })
    }
}
