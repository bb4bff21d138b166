//! A small JSON Schema validator (a subset of draft 2020-12), the
//! reference the json_schema target checks accepted strings against.

use serde_json::Value;

/// Whether JSON text `s` holds a number that f64 does not carry exactly
/// enough to judge: more than 15 significant digits, or an exponent near
/// f64's range.
pub(super) fn has_imprecise_numbers(s: &[u8]) -> bool {
    let mut i = 0;
    let mut in_string = false;
    while i < s.len() {
        let c = s[i];
        if in_string {
            match c {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if c == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if c == b'-' || c.is_ascii_digit() {
            let start = i;
            while i < s.len() && matches!(s[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                i += 1;
            }
            let tok = &s[start..i];
            let (mantissa, exp) = match tok.iter().position(|&b| b == b'e' || b == b'E') {
                Some(k) => (&tok[..k], &tok[k + 1..]),
                None => (tok, &b""[..]),
            };
            let digits: Vec<u8> = mantissa
                .iter()
                .copied()
                .filter(u8::is_ascii_digit)
                .skip_while(|&d| d == b'0')
                .collect();
            let significant =
                digits.len() - digits.iter().rev().take_while(|&&d| d == b'0').count();
            let exp_digits = exp.iter().filter(|b| b.is_ascii_digit()).count();
            if significant > 15 || exp_digits > 2 || (mantissa.len() > 300) {
                return true;
            }
            continue;
        }
        i += 1;
    }
    false
}

/// Numbers as f64 (JSON Schema compares numbers by value: 1 equals 1.0).
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// A small validator for a subset of JSON Schema: Some(valid), or None
/// where the schema uses anything it does not know (then nothing is
/// claimed). Used only to catch a "yes" to an invalid instance.
pub(super) fn validate(schema: &Value, v: &Value) -> Option<bool> {
    let obj = match schema {
        Value::Bool(b) => return Some(*b),
        Value::Object(o) => o,
        _ => return None,
    };
    let mut ok = true;
    let num = |k: &str| obj.get(k).and_then(Value::as_f64);
    for (k, kv) in obj {
        let r: bool = match k.as_str() {
            "title" | "description" | "$comment" | "default" | "examples" | "format" => true,
            "type" => {
                let types: Vec<&str> = match kv {
                    Value::String(s) => vec![s.as_str()],
                    Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                    _ => return None,
                };
                types.iter().any(|t| match *t {
                    "null" => v.is_null(),
                    "boolean" => v.is_boolean(),
                    "string" => v.is_string(),
                    "array" => v.is_array(),
                    "object" => v.is_object(),
                    "number" => v.is_number(),
                    "integer" => v.as_f64().is_some_and(|f| f.fract() == 0.0),
                    _ => false,
                })
            }
            "const" => json_equal(kv, v),
            "enum" => kv.as_array()?.iter().any(|e| json_equal(e, v)),
            "minimum" => v
                .as_f64()
                .map_or(true, |f| f >= kv.as_f64().unwrap_or(f64::MIN)),
            "maximum" => v
                .as_f64()
                .map_or(true, |f| f <= kv.as_f64().unwrap_or(f64::MAX)),
            "exclusiveMinimum" | "exclusiveMaximum" => match (v.as_f64(), kv.as_f64()) {
                (None, _) => true,
                // Equal after rounding to f64: the text may still differ.
                (Some(f), Some(b)) if f != b => (f > b) == (k == "exclusiveMinimum"),
                _ => return None,
            },
            "multipleOf" => match (v.as_f64(), kv.as_f64()) {
                (None, _) => true,
                // Both whole and within f64's exact integers: the
                // remainder is exact.
                (Some(x), Some(m))
                    if m > 0.0
                        && x.fract() == 0.0
                        && m.fract() == 0.0
                        && x.abs() < 9e15
                        && m < 9e15 =>
                {
                    (x as i64) % (m as i64) == 0
                }
                (Some(x), Some(m)) if m > 0.0 => {
                    // x / m carries a rounding error that grows with the
                    // quotient (x and m are both rounded from decimal text):
                    // near a whole number within that error is a multiple,
                    // far from one is not, and in between nobody can tell.
                    let q = x / m;
                    if !q.is_finite() || q.abs() > 1e15 {
                        return None;
                    }
                    let d = (q - q.round()).abs();
                    let err = q.abs() * 4e-15 + 1e-12;
                    // An error near half a step could land on either side.
                    if err * 1000.0 + 1e-6 >= 0.5 {
                        return None;
                    }
                    if d <= err {
                        true
                    } else if d > err * 1000.0 + 1e-6 {
                        false
                    } else {
                        return None;
                    }
                }
                _ => return None,
            },
            "minLength" => v
                .as_str()
                .map_or(true, |s| s.chars().count() as f64 >= num(k).unwrap_or(0.0)),
            "maxLength" => v.as_str().map_or(true, |s| {
                s.chars().count() as f64 <= num(k).unwrap_or(f64::MAX)
            }),
            "minItems" => v
                .as_array()
                .map_or(true, |a| a.len() as f64 >= num(k).unwrap_or(0.0)),
            "maxItems" => v
                .as_array()
                .map_or(true, |a| a.len() as f64 <= num(k).unwrap_or(f64::MAX)),
            "minProperties" => v
                .as_object()
                .map_or(true, |o| o.len() as f64 >= num(k).unwrap_or(0.0)),
            "maxProperties" => v
                .as_object()
                .map_or(true, |o| o.len() as f64 <= num(k).unwrap_or(f64::MAX)),
            "required" => match v.as_object() {
                None => true,
                Some(o) => kv
                    .as_array()?
                    .iter()
                    .all(|n| n.as_str().is_some_and(|n| o.contains_key(n))),
            },
            "properties" => match v.as_object() {
                None => true,
                Some(o) => {
                    let props = kv.as_object()?;
                    let mut all = true;
                    for (name, sub) in props {
                        if let Some(x) = o.get(name) {
                            all &= validate(sub, x)?;
                        }
                    }
                    all
                }
            },
            "additionalProperties" => match v.as_object() {
                None => true,
                Some(o) => {
                    if obj.contains_key("patternProperties") {
                        return None;
                    }
                    let props = obj.get("properties").and_then(Value::as_object);
                    let mut all = true;
                    for (name, x) in o {
                        if props.map_or(true, |p| !p.contains_key(name)) {
                            all &= validate(kv, x)?;
                        }
                    }
                    all
                }
            },
            "propertyNames" => match v.as_object() {
                None => true,
                Some(o) => {
                    let mut all = true;
                    for name in o.keys() {
                        all &= validate(kv, &Value::String(name.clone()))?;
                    }
                    all
                }
            },
            "prefixItems" => match v.as_array() {
                None => true,
                Some(a) => {
                    let mut all = true;
                    for (s, x) in kv.as_array()?.iter().zip(a) {
                        all &= validate(s, x)?;
                    }
                    all
                }
            },
            "items" => match v.as_array() {
                None => true,
                Some(a) => {
                    if !kv.is_object() && !kv.is_boolean() {
                        return None;
                    }
                    let skip = obj
                        .get("prefixItems")
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len);
                    let mut all = true;
                    for x in a.iter().skip(skip) {
                        all &= validate(kv, x)?;
                    }
                    all
                }
            },
            "allOf" | "anyOf" | "oneOf" => {
                let mut n = 0;
                let subs = kv.as_array()?;
                for s in subs {
                    n += usize::from(validate(s, v)?);
                }
                match k.as_str() {
                    "allOf" => n == subs.len(),
                    "anyOf" => n > 0,
                    _ => n == 1,
                }
            }
            "not" => !validate(kv, v)?,
            _ => return None,
        };
        ok &= r;
    }
    Some(ok)
}

#[cfg(test)]
mod validator_tests {
    use super::validate;
    use serde_json::json;

    #[test]
    fn multiple_of_tolerates_rounding_in_large_quotients() {
        let s = json!({"multipleOf": 0.1});
        // -2994285021.2 / 0.1 is 29942850212 up to f64 rounding.
        assert_eq!(validate(&s, &json!(-2994285021.2)), Some(true));
        assert_eq!(validate(&s, &json!(0.3)), Some(true));
        assert_eq!(validate(&s, &json!(0.35)), Some(false));
        assert_eq!(validate(&s, &json!(12345.67)), Some(false));
        // Past what f64 can tell apart: no verdict.
        assert_eq!(validate(&s, &json!(1e300)), None);
        // Numbers the validator cannot judge are left to the other checks.
        assert!(super::has_imprecise_numbers(
            b"[856248976515480176660902.1]"
        ));
        assert!(super::has_imprecise_numbers(b"{\"a\": 1.5e-320}"));
        assert!(!super::has_imprecise_numbers(
            b"{\"123456789012345678\": 1.25}"
        ));
        assert!(!super::has_imprecise_numbers(
            b"[-2994285021.2, 1e20, 0.000001, 120000000000000000000]"
        ));
        // Whole numbers are exact, however large the quotient.
        let two = json!({"multipleOf": 2.0});
        assert_eq!(validate(&two, &json!(520172676018069_i64)), Some(false));
        assert_eq!(validate(&two, &json!(520172676018068_i64)), Some(true));
        // A quotient too large to place within half a step: no verdict.
        assert_eq!(validate(&s, &json!(52017267601806.9)), None);
        let oneof = json!({"oneOf": [{"exclusiveMinimum": -8.875}, {"multipleOf": 0.1}]});
        assert_eq!(validate(&oneof, &json!(-2994285021.2)), Some(true));
    }
}
