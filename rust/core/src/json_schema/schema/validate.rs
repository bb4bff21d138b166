//! An instance validator over nodes: whether a JSON value satisfies a
//! schema, `None` where corral cannot tell (an `enum` value checked against
//! its sibling keywords, a constant against another branch).

use serde_json::Value;

use super::node::{json_eq, type_of, Node, Sch};
use super::read::{Reader, MAX_DEPTH};
use crate::json_schema::error::{at_failure, SchemaError};
use crate::json_schema::numbers::Dec;
use crate::json_schema::{formats, text};

impl Reader<'_> {
    /// Whether `v` satisfies `s`: `None` when corral cannot tell.
    pub fn accepts(&mut self, s: &Sch, v: &Value) -> Result<Option<bool>, SchemaError> {
        match s {
            Sch::True => Ok(Some(true)),
            Sch::False => Ok(Some(false)),
            _ => {
                if self.depth > MAX_DEPTH {
                    return Ok(None);
                }
                self.depth += 1;
                let n = self.node_of(s, "");
                let r = n.and_then(|n| self.accepts_node(&n, v));
                self.depth -= 1;
                r
            }
        }
    }

    pub fn accepts_node(&mut self, n: &Node, v: &Value) -> Result<Option<bool>, SchemaError> {
        let draft = self.doc.draft;
        if n.types & type_of(v, draft) == 0 {
            return Ok(Some(false));
        }
        if let Some(cs) = &n.consts {
            if !cs.iter().any(|c| json_eq(c, v)) {
                return Ok(Some(false));
            }
        }
        if n.not_consts.iter().any(|c| json_eq(c, v)) {
            return Ok(Some(false));
        }
        let mut unsure = false;
        match v {
            Value::String(s) => {
                let len = s.chars().count() as u64;
                if len < n.min_len || n.max_len.is_some_and(|m| len > m) {
                    return Ok(Some(false));
                }
                for (p, ptr) in &n.patterns {
                    if !text::pattern_matches(p, s).map_err(|e| at_failure(ptr, "pattern", e))? {
                        return Ok(Some(false));
                    }
                }
                for (f, _) in &n.formats {
                    let re = formats::format_regex(f).expect("a known format");
                    let re =
                        text::kept_regex(&format!("^(?:{re})$")).expect("format regexes compile");
                    if !re.is_match(s.as_str())
                        || (f == "hostname" && len > formats::HOSTNAME_MAX as u64)
                    {
                        return Ok(Some(false));
                    }
                }
                for ns in &n.not_strings {
                    match self.accepts_node(ns, v)? {
                        Some(true) => return Ok(Some(false)),
                        None => unsure = true,
                        _ => {}
                    }
                }
            }
            Value::Number(x) => {
                let Some(d) = Dec::parse(&x.to_string()) else {
                    return Ok(None);
                };
                if let Some((lo, strict)) = &n.lo {
                    if d < *lo || (*strict && d == *lo) {
                        return Ok(Some(false));
                    }
                }
                if let Some((hi, strict)) = &n.hi {
                    if d > *hi || (*strict && d == *hi) {
                        return Ok(Some(false));
                    }
                }
                for m in &n.multiples {
                    match is_multiple(&d, m) {
                        Some(false) => return Ok(Some(false)),
                        None => unsure = true,
                        _ => {}
                    }
                }
                for nn in &n.not_numbers {
                    match self.accepts_node(nn, v)? {
                        Some(true) => return Ok(Some(false)),
                        None => unsure = true,
                        _ => {}
                    }
                }
            }
            Value::Array(xs) => {
                let len = xs.len() as u64;
                if len < n.min_items || n.max_items.is_some_and(|m| len > m) {
                    return Ok(Some(false));
                }
                for (i, x) in xs.iter().enumerate() {
                    let s = n.prefix.get(i).cloned().or_else(|| n.items.clone());
                    if let Some(s) = s {
                        match self.accepts(&s, x)? {
                            Some(false) => return Ok(Some(false)),
                            None => unsure = true,
                            _ => {}
                        }
                    }
                }
                if let Some((c, min, max)) = &n.contains {
                    let mut k = 0u64;
                    for x in xs {
                        match self.accepts(c, x)? {
                            Some(true) => k += 1,
                            None => unsure = true,
                            _ => {}
                        }
                    }
                    if !unsure && (k < *min || max.is_some_and(|m| k > m)) {
                        return Ok(Some(false));
                    }
                }
                if n.unique.is_some() {
                    for i in 0..xs.len() {
                        for j in i + 1..xs.len() {
                            if json_eq(&xs[i], &xs[j]) {
                                return Ok(Some(false));
                            }
                        }
                    }
                }
            }
            Value::Object(m) => {
                let len = m.len() as u64;
                if len < n.min_props || n.max_props.is_some_and(|x| len > x) {
                    return Ok(Some(false));
                }
                for r in &n.required {
                    if !m.contains_key(r) {
                        return Ok(Some(false));
                    }
                }
                for (k, x) in m {
                    if let Some(names) = &n.names.clone() {
                        match self.accepts(names, &Value::String(k.clone()))? {
                            Some(false) => return Ok(Some(false)),
                            None => unsure = true,
                            _ => {}
                        }
                    }
                    if let Some(s) = self.value_schema(n, k)? {
                        match self.accepts(&s, x)? {
                            Some(false) => return Ok(Some(false)),
                            None => unsure = true,
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
        if n.has_combinators() {
            return Ok(None);
        }
        // What no keyword evaluated must satisfy unevaluated* (combinators,
        // which may evaluate more, are expanded away by now).
        match v {
            Value::Object(m) if !n.eval_all_keys => {
                if let Some(u) = n.uneval_props.clone() {
                    for (k, x) in m {
                        if n.eval_keys.iter().any(|e| e == k) {
                            continue;
                        }
                        let mut matched = false;
                        for p in &n.eval_patterns {
                            matched |= text::pattern_matches(p, k)
                                .map_err(|e| at_failure(&n.ptr, "patternProperties", e))?;
                        }
                        if matched {
                            continue;
                        }
                        match self.accepts(&u, x)? {
                            Some(false) => return Ok(Some(false)),
                            None => unsure = true,
                            _ => {}
                        }
                    }
                }
            }
            Value::Array(xs) if !n.eval_all_items => {
                if let Some(u) = n.uneval_items.clone() {
                    for x in xs.iter().skip(n.eval_prefix) {
                        match self.accepts(&u, x)? {
                            Some(false) => return Ok(Some(false)),
                            None => unsure = true,
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(if unsure { None } else { Some(true) })
    }
}

/// Whether `x` is a multiple of `m` (None if the numbers are too long).
fn is_multiple(x: &Dec, m: &Dec) -> Option<bool> {
    // x = X / 10^a, m = M / 10^b: x/m = X * 10^b / (M * 10^a).
    let scale = x.frac.len().max(m.frac.len());
    let big = |d: &Dec| -> Option<u128> {
        let s = format!("{}{}{}", d.int, d.frac, "0".repeat(scale - d.frac.len()));
        s.parse::<u128>().ok()
    };
    let (xv, mv) = (big(x)?, big(m)?);
    Some(mv != 0 && xv % mv == 0)
}
