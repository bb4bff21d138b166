//! A reference validator written from the 2020-12 specification, for the
//! keywords the tests use: the truth the set algebra is checked against.

use super::*;

/// JSON equality: numbers by value (`1 == 1.0`).
pub(super) fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => num(a) == num(b),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

pub(super) fn has_type(name: &str, x: &Value) -> bool {
    match name {
        "null" => x.is_null(),
        "boolean" => x.is_boolean(),
        "integer" => num(x).is_some_and(|f| f.fract() == 0.0),
        "number" => x.is_number(),
        "string" => x.is_string(),
        "array" => x.is_array(),
        "object" => x.is_object(),
        _ => panic!("type {name}"),
    }
}

thread_local! {
    /// The document `$ref`s point into (set by [`read_all`]).
    pub(super) static ROOT: std::cell::RefCell<Value> = const { std::cell::RefCell::new(Value::Null) };
}

pub(super) fn search(pattern: &str, s: &str) -> bool {
    regex_automata::meta::Regex::new(pattern)
        .expect("test patterns are plain regexes")
        .is_match(s)
}

/// Whether `x` is valid under `s` (draft 2020-12, the keywords the tests
/// use; any other keyword is a mistake in the test).
pub(super) fn valid(s: &Value, x: &Value) -> bool {
    let m = match s {
        Value::Bool(b) => return *b,
        Value::Object(m) => m,
        _ => panic!("schema {s}"),
    };
    m.iter().all(|(kw, v)| keyword(m, kw, v, x))
}

pub(super) fn count(v: &Value) -> usize {
    v.as_u64().expect("a count") as usize
}

pub(super) fn keyword(m: &Map<String, Value>, kw: &str, v: &Value, x: &Value) -> bool {
    let n = num(x).filter(|_| x.is_number());
    match kw {
        "type" => match v {
            Value::String(t) => has_type(t, x),
            Value::Array(ts) => ts.iter().any(|t| has_type(t.as_str().unwrap(), x)),
            _ => panic!("type {v}"),
        },
        "enum" => v.as_array().unwrap().iter().any(|c| same(c, x)),
        "const" => same(v, x),
        "minimum" => n.is_none_or(|n| n >= num(v).unwrap()),
        "maximum" => n.is_none_or(|n| n <= num(v).unwrap()),
        "exclusiveMinimum" => n.is_none_or(|n| n > num(v).unwrap()),
        "exclusiveMaximum" => n.is_none_or(|n| n < num(v).unwrap()),
        "multipleOf" => n.is_none_or(|n| (n / num(v).unwrap()).fract() == 0.0),
        "minLength" => x.as_str().is_none_or(|t| t.chars().count() >= count(v)),
        "maxLength" => x.as_str().is_none_or(|t| t.chars().count() <= count(v)),
        "pattern" => x.as_str().is_none_or(|t| search(v.as_str().unwrap(), t)),
        "minItems" => x.as_array().is_none_or(|a| a.len() >= count(v)),
        "maxItems" => x.as_array().is_none_or(|a| a.len() <= count(v)),
        "uniqueItems" => x.as_array().is_none_or(|a| {
            v != &json!(true) || (0..a.len()).all(|i| (i + 1..a.len()).all(|j| !same(&a[i], &a[j])))
        }),
        "prefixItems" => x.as_array().is_none_or(|a| {
            v.as_array()
                .unwrap()
                .iter()
                .zip(a)
                .all(|(s, y)| valid(s, y))
        }),
        "items" => x.as_array().is_none_or(|a| {
            let skip = m
                .get("prefixItems")
                .map_or(0, |p| p.as_array().unwrap().len());
            a.iter().skip(skip).all(|y| valid(v, y))
        }),
        "contains" => x.as_array().is_none_or(|a| {
            let k = a.iter().filter(|y| valid(v, y)).count();
            let min = m.get("minContains").map_or(1, count);
            k >= min && m.get("maxContains").is_none_or(|mx| k <= count(mx))
        }),
        "minContains" | "maxContains" => true,
        "properties" => x.as_object().is_none_or(|o| {
            v.as_object()
                .unwrap()
                .iter()
                .all(|(k, s)| o.get(k).is_none_or(|y| valid(s, y)))
        }),
        "patternProperties" => x.as_object().is_none_or(|o| {
            v.as_object().unwrap().iter().all(|(p, s)| {
                o.iter()
                    .filter(|(k, _)| search(p, k))
                    .all(|(_, y)| valid(s, y))
            })
        }),
        "additionalProperties" => x.as_object().is_none_or(|o| {
            let listed = |k: &str| {
                m.get("properties")
                    .is_some_and(|p| p.as_object().unwrap().contains_key(k))
                    || m.get("patternProperties")
                        .is_some_and(|p| p.as_object().unwrap().keys().any(|p| search(p, k)))
            };
            o.iter()
                .filter(|(k, _)| !listed(k))
                .all(|(_, y)| valid(v, y))
        }),
        "propertyNames" => x
            .as_object()
            .is_none_or(|o| o.keys().all(|k| valid(v, &json!(k)))),
        "required" => x.as_object().is_none_or(|o| {
            v.as_array()
                .unwrap()
                .iter()
                .all(|k| o.contains_key(k.as_str().unwrap()))
        }),
        "minProperties" => x.as_object().is_none_or(|o| o.len() >= count(v)),
        "maxProperties" => x.as_object().is_none_or(|o| o.len() <= count(v)),
        "dependentRequired" => x.as_object().is_none_or(|o| {
            v.as_object().unwrap().iter().all(|(k, ks)| {
                !o.contains_key(k)
                    || ks
                        .as_array()
                        .unwrap()
                        .iter()
                        .all(|r| o.contains_key(r.as_str().unwrap()))
            })
        }),
        "allOf" => v.as_array().unwrap().iter().all(|s| valid(s, x)),
        "anyOf" => v.as_array().unwrap().iter().any(|s| valid(s, x)),
        "oneOf" => v.as_array().unwrap().iter().filter(|s| valid(s, x)).count() == 1,
        "not" => !valid(v, x),
        "if" => {
            if valid(v, x) {
                m.get("then").is_none_or(|t| valid(t, x))
            } else {
                m.get("else").is_none_or(|e| valid(e, x))
            }
        }
        "then" | "else" | "$defs" => true,
        "$ref" => {
            let ptr = v.as_str().unwrap().trim_start_matches('#');
            let target = ROOT.with(|r| r.borrow().pointer(ptr).cloned());
            valid(&target.expect("the reference points into the document"), x)
        }
        _ => panic!("keyword {kw} is not in the reference validator"),
    }
}
