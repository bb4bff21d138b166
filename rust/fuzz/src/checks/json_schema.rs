//! Target: json_schema (JSON text or, in the structure-aware mode, a schema
//! built from the bytes).

use corral_core::json_schema::{self, Draft, PropertyOrder, Whitespace};
use corral_core::sample::{Rng, Sampler};
use corral_core::{CompiledGrammar, Matcher};
use serde_json::Value;

use super::bytes::byte_checks;
use super::common::{config, split_nul, Input, MAX_FEED, MAX_TEXT};
use super::masks::{chunks, mask_checks};
use super::validate::{has_imprecise_numbers, validate};
use super::watchdog::Watch;

/// Compile options from a few bytes.
fn schema_options(inp: &mut Input<'_>) -> json_schema::Options {
    let mut o = json_schema::Options::default();
    let a = inp.byte();
    let b = inp.byte();
    o.whitespace = if a & 32 == 32 {
        Whitespace::Indent {
            width: u32::from(a >> 1) % 4,
        }
    } else if a & 1 == 1 {
        Whitespace::Compact
    } else {
        Whitespace::Flexible {
            max_run: u32::from(a >> 1) % 4,
        }
    };
    if a & 2 == 2 {
        o.property_order = PropertyOrder::Any;
    }
    o.additional_properties = a & 4 == 0;
    o.ascii_escapes = a & 8 == 8;
    // The one spelling of strings (the generate profile's).
    o.minimal_escapes = a & 8 == 0 && b & 128 == 128;
    o.lenient = a & 16 == 16;
    // The generate profile's parts.
    o.integer_fraction = a & 64 == 0;
    o.allow_empty = a & 128 == 0;
    o.draft = match b % 6 {
        1 => Some(Draft::D4),
        2 => Some(Draft::D6),
        3 => Some(Draft::D7),
        4 => Some(Draft::D2019),
        5 => Some(Draft::D2020),
        _ => None,
    };
    o.max_unroll = 4 + u32::from(b >> 3);
    o
}

/// A schema built from bytes (the structure-aware mode): a few common
/// keywords with small values, nested up to `depth`.
fn arbitrary_schema(inp: &mut Input<'_>, depth: u32) -> Value {
    use serde_json::json;
    const NAMES: [&str; 5] = ["a", "b", "ab", "\u{e9}", "a\"b"];
    let strs = |inp: &mut Input<'_>| -> Value {
        let n = 1 + inp.below(3);
        Value::Array(
            (0..n)
                .map(|_| json!(NAMES[inp.below(NAMES.len())]))
                .collect(),
        )
    };
    let scalar = |inp: &mut Input<'_>| -> Value {
        match inp.below(6) {
            0 => json!(null),
            1 => json!(inp.byte() & 1 == 1),
            2 => json!(i64::from(inp.byte()) - 128),
            3 => json!(f64::from(inp.byte()) / 4.0),
            4 => json!(NAMES[inp.below(NAMES.len())]),
            _ => json!([]),
        }
    };
    const TYPES: [&str; 7] = [
        "string", "integer", "number", "boolean", "null", "object", "array",
    ];
    if depth == 0 || inp.is_empty() {
        return match inp.below(4) {
            0 => json!(true),
            1 => json!({"type": TYPES[inp.below(5)]}),
            2 => json!({"const": scalar(inp)}),
            _ => json!({}),
        };
    }
    const MULTIPLES: [f64; 6] = [1.0, 0.5, 2.0, 3.0, 0.1, 7.0];
    const PATTERNS: [&str; 5] = ["^a+$", "b", "^[a-c]{1,3}$", "^$", "(ab)*"];
    let mut obj = serde_json::Map::new();
    for _ in 0..1 + inp.below(4) {
        let kw = inp.below(24);
        let (k, v) = match kw {
            0 => ("type", json!(TYPES[inp.below(7)])),
            1 => ("const", scalar(inp)),
            2 => (
                "enum",
                Value::Array((0..1 + inp.below(3)).map(|_| scalar(inp)).collect()),
            ),
            3 => ("minimum", json!(i64::from(inp.byte()) - 100)),
            4 => ("maximum", json!(i64::from(inp.byte()) - 100)),
            5 => (
                "exclusiveMinimum",
                json!(f64::from(inp.byte()) / 8.0 - 10.0),
            ),
            6 => ("multipleOf", json!(MULTIPLES[inp.below(6)])),
            7 => ("minLength", json!(inp.below(4))),
            8 => ("maxLength", json!(inp.below(6))),
            9 => ("pattern", json!(PATTERNS[inp.below(5)])),
            10 => ("properties", {
                let mut p = serde_json::Map::new();
                for _ in 0..1 + inp.below(3) {
                    p.insert(
                        NAMES[inp.below(NAMES.len())].into(),
                        arbitrary_schema(inp, depth - 1),
                    );
                }
                Value::Object(p)
            }),
            11 => ("required", strs(inp)),
            12 => ("additionalProperties", arbitrary_schema(inp, depth - 1)),
            13 => ("items", arbitrary_schema(inp, depth - 1)),
            14 => (
                "prefixItems",
                Value::Array(
                    (0..1 + inp.below(2))
                        .map(|_| arbitrary_schema(inp, depth - 1))
                        .collect(),
                ),
            ),
            15 => ("minItems", json!(inp.below(3))),
            16 => ("maxItems", json!(inp.below(4))),
            17 => (
                "anyOf",
                Value::Array(
                    (0..1 + inp.below(3))
                        .map(|_| arbitrary_schema(inp, depth - 1))
                        .collect(),
                ),
            ),
            18 => (
                "oneOf",
                Value::Array(
                    (0..1 + inp.below(3))
                        .map(|_| arbitrary_schema(inp, depth - 1))
                        .collect(),
                ),
            ),
            19 => (
                "allOf",
                Value::Array(
                    (0..1 + inp.below(2))
                        .map(|_| arbitrary_schema(inp, depth - 1))
                        .collect(),
                ),
            ),
            20 => ("not", arbitrary_schema(inp, depth - 1)),
            21 => ("minProperties", json!(inp.below(3))),
            22 => ("maxProperties", json!(inp.below(3))),
            _ => ("propertyNames", arbitrary_schema(inp, depth - 1)),
        };
        obj.insert(k.into(), v);
    }
    Value::Object(obj)
}

/// The string literals (quotes included) of JSON text.
fn string_literals(s: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        if s[i] != b'"' {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < s.len() && s[i] != b'"' {
            i += if s[i] == b'\\' { 2 } else { 1 };
        }
        i += 1;
        out.push(&s[start..i.min(s.len())]);
    }
    out
}

/// A JSON Schema as JSON text, optionally followed by a NUL and option
/// bytes; or, when the input starts with 0xFF, a schema built from the
/// bytes that follow (structure-aware mode). Compile (errors are fine);
/// then every string sampled from the grammar that the matcher accepts must
/// be JSON, and valid for the schema wherever [`validate`] can tell.
pub fn json_schema(data: &[u8]) {
    let _watch = Watch::start();
    if data.len() > MAX_TEXT {
        return;
    }
    let (schema, opts, feed) = if let Some(rest) = data.strip_prefix(&[0xff]) {
        let mut inp = Input::new(rest);
        let opts = schema_options(&mut inp);
        let schema = arbitrary_schema(&mut inp, 3);
        (schema, opts, inp.data)
    } else {
        let (text, rest) = split_nul(data);
        let Ok(schema) = serde_json::from_slice::<Value>(text) else {
            return;
        };
        let mut inp = Input::new(rest);
        let opts = schema_options(&mut inp);
        (schema, opts, inp.data)
    };
    let Ok(compiled) = json_schema::compile(&schema, &opts) else {
        return;
    };
    let Ok(cg) = CompiledGrammar::new(compiled.grammar, config()) else {
        return;
    };
    let accepted = byte_checks(&cg, feed);
    mask_checks(&cg, &chunks(feed), &accepted);
    let sampler = Sampler::new(&cg.grammar);
    let mut rng = Rng::new(data.len() as u64);
    // The validator knows draft 2020-12 only, and JSON Schema's own
    // additionalProperties default: `additional_properties = false` leaves
    // keys out where the schema says nothing, which under `oneOf` and `not`
    // changes which branches hold (a language the validator cannot tell).
    let can_validate = !opts.lenient
        && opts.additional_properties
        && compiled.approximations.is_empty()
        && matches!(opts.draft, None | Some(Draft::D2020))
        && schema.get("$schema").is_none();
    // The bytes the fuzzer fed (when the matcher took them all), and
    // strings sampled from the grammar.
    let mut candidates = Vec::new();
    if accepted.len() == feed.len().min(MAX_FEED) {
        candidates.push(accepted);
    }
    candidates.extend((0..6).filter_map(|_| sampler.sample(&mut rng, 10)));
    for s in candidates {
        let mut m = Matcher::new(cg.clone());
        if !(m.consume_bytes(&s) && m.is_accepting()) {
            continue;
        }
        if opts.minimal_escapes {
            for lit in string_literals(&s) {
                let canonical = serde_json::from_slice::<String>(lit)
                    .ok()
                    .and_then(|v| serde_json::to_string(&v).ok());
                assert!(
                    canonical.is_none() || canonical.as_deref().map(str::as_bytes) == Some(lit),
                    "the one spelling of strings: {:?} in {:?} is not how serializers write it",
                    String::from_utf8_lossy(lit),
                    String::from_utf8_lossy(&s)
                );
            }
        }
        let value = match serde_json::from_slice::<Value>(&s) {
            Ok(v) => v,
            Err(e) => {
                let msg = e.to_string();
                // serde_json's own limits, not JSON's.
                if msg.contains("surrogate")
                    || msg.contains("out of range")
                    || msg.contains("recursion limit")
                {
                    continue;
                }
                panic!(
                    "the schema accepts {:?}, which is not JSON: {msg}",
                    String::from_utf8_lossy(&s)
                );
            }
        };
        // The validator compares numbers as f64: past 15 significant digits
        // (or near the exponent's ends) it cannot tell what corral, exact
        // on the decimal text, can (under `not` or `oneOf` either answer
        // may be the wrong one).
        if can_validate && !has_imprecise_numbers(&s) {
            if let Some(false) = validate(&schema, &value) {
                panic!(
                    "the schema {schema} accepts {}, which it does not allow",
                    String::from_utf8_lossy(&s)
                );
            }
        }
    }
}
