//! The schema compiler end to end: schemas compiled, texts matched byte by
//! byte. The expected answers are JSON Schema's (by hand, per keyword);
//! tests/test_json_schema*.py check the same against `jsonschema`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{compile, Options, PropertyOrder, SchemaError};
use crate::{CompiledGrammar, Config, Matcher};

fn lang_with(schema: &Value, opts: &Options) -> Result<Arc<CompiledGrammar>, SchemaError> {
    let c = compile(schema, opts)?;
    Ok(CompiledGrammar::new(c.grammar, Config::default()).expect("the grammar compiles"))
}

fn lang(schema: Value) -> Arc<CompiledGrammar> {
    lang_with(&schema, &Options::default()).expect("the schema compiles")
}

fn accepts(g: &Arc<CompiledGrammar>, text: &str) -> bool {
    let mut m = Matcher::new(g.clone());
    m.consume_bytes(text.as_bytes()) && m.is_accepting()
}

fn check(schema: Value, good: &[&str], bad: &[&str]) {
    let g = lang(schema.clone());
    for t in good {
        assert!(accepts(&g, t), "{schema} rejects {t}");
    }
    for t in bad {
        assert!(!accepts(&g, t), "{schema} accepts {t}");
    }
}

#[test]
fn multiple_of_an_integer_excludes_fractions() {
    check(
        json!({"type": "number", "multipleOf": 1}),
        &["2", "2.0", "-7", "0"],
        &["2.2", "1.5", "-0.5"],
    );
    check(
        json!({"type": "number", "multipleOf": 1, "minimum": 0, "maximum": 10}),
        &["3", "3.0", "10"],
        &["2.5", "11", "-1"],
    );
    check(
        json!({"type": "number", "multipleOf": 2, "exclusiveMaximum": 6}),
        &["4", "-2", "4.00"],
        &["6", "3", "4.5"],
    );
    check(
        json!({"multipleOf": 0.5, "exclusiveMinimum": 1}),
        &["1.5", "2", "2.50", "\"x\""],
        &["1", "1.25", "0.5"],
    );
    check(
        json!({"multipleOf": 0.01}),
        &["0.07", "3", "-1.25"],
        &["0.001", "0.075"],
    );
    // `not multipleOf 1`: the non-integers.
    check(
        json!({"type": "number", "not": {"multipleOf": 1}}),
        &["2.5", "-0.1"],
        &["2", "2.0"],
    );
    // Draft 4: 2.0 is no integer, but a multiple of 1.
    let d4 = Options {
        draft: Some(super::Draft::D4),
        ..Options::default()
    };
    let g = lang_with(&json!({"type": "number", "multipleOf": 1}), &d4).unwrap();
    assert!(accepts(&g, "2.0") && accepts(&g, "2") && !accepts(&g, "2.5"));
    let g = lang_with(&json!({"type": "integer", "multipleOf": 1}), &d4).unwrap();
    assert!(!accepts(&g, "2.0") && accepts(&g, "2"));
}

#[test]
fn enum_and_const_both_hold() {
    check(
        json!({"const": "a", "enum": ["b"]}),
        &[],
        &["\"a\"", "\"b\""],
    );
    check(
        json!({"enum": ["b"], "const": "a"}),
        &[],
        &["\"a\"", "\"b\""],
    );
    check(json!({"const": 0, "enum": [0, 1]}), &["0", "0.0"], &["1"]);
    // By JSON equality: 1 == 1.0.
    check(
        json!({"const": 1, "enum": [1.0, 2]}),
        &["1", "1.00"],
        &["2"],
    );
    check(
        json!({"enum": [[1], {"a": 1}, "x"], "const": {"a": 1.0}}),
        &["{\"a\":1}"],
        &["[1]", "\"x\""],
    );
    // With the other keywords of the value.
    check(
        json!({"enum": ["a", "abc", 1, 5], "minLength": 2, "maximum": 3}),
        &["\"abc\"", "1"],
        &["\"a\"", "5"],
    );
    check(
        json!({"enum": ["ab", "b", 3], "type": "string", "pattern": "^a"}),
        &["\"ab\""],
        &["\"b\"", "3"],
    );
}

#[test]
fn enum_values_meet_unevaluated_keywords() {
    check(
        json!({"enum": [{"a": 1}, {"b": 1}], "properties": {"b": {}}, "unevaluatedProperties": false}),
        &["{\"b\":1}"],
        &["{\"a\":1}"],
    );
    check(
        json!({"enum": [[1], [1, "x"]], "prefixItems": [{}], "unevaluatedItems": {"type": "integer"}}),
        &["[1]"],
        &["[1,\"x\"]"],
    );
}

#[test]
fn property_names_keywords_all_hold() {
    check(
        json!({"propertyNames": {"enum": ["b"], "pattern": "^.{2}$"}}),
        &["{}"],
        &["{\"b\":1}"],
    );
    check(
        json!({"propertyNames": {"enum": ["b", "cd", "xyz"], "maxLength": 2}}),
        &["{\"b\":1}", "{\"cd\":1,\"b\":2}"],
        &["{\"xyz\":1}", "{\"e\":1}"],
    );
    check(
        json!({"propertyNames": {"const": "ab", "minLength": 3}}),
        &["{}"],
        &["{\"ab\":1}"],
    );
}

#[test]
fn a_minimum_counts_keys() {
    // A JSON reader keeps one of `{"a":1,"\u0061":2}`: one property. The
    // matcher keeps keys distinct, so entries are keys.
    for schema in [
        json!({"minProperties": 2}),
        json!({"properties": {"a": {}}, "minProperties": 3}),
        json!({"not": {"maxProperties": 1}}),
    ] {
        let g = lang(schema.clone());
        let n = if schema.get("properties").is_some() {
            3
        } else {
            2
        };
        let ok: Vec<String> = (0..n)
            .map(|i| format!("\"{}\":{i}", (b'a' + i) as char))
            .collect();
        assert!(accepts(&g, &format!("{{{}}}", ok.join(","))), "{schema}");
        assert!(
            !accepts(&g, &format!("{{{}}}", ok[..n as usize - 1].join(","))),
            "{schema}"
        );
        let mut dup = ok.clone();
        dup[n as usize - 1] = "\"\\u0061\":9".into();
        assert!(!accepts(&g, &format!("{{{}}}", dup.join(","))), "{schema}");
    }
}

#[test]
fn a_minimum_unnamed_keys_would_meet_is_refused_inside_a_larger_grammar() {
    // Without the matcher's distinct keys (`%json` inside Lark), a key
    // may repeat, and a minimum over keys not named is refused.
    let embedded = Options {
        distinct_keys: false,
        ..Options::default()
    };
    for schema in [
        json!({"minProperties": 2}),
        json!({"properties": {"a": {}}, "minProperties": 3}),
        json!({"not": {"maxProperties": 1}}),
    ] {
        let e = compile(&schema, &embedded).err().expect("refused");
        assert!(e.is_not_supported() && e.keyword == "minProperties", "{e}");
        // Lenient: compiled, and said so.
        let lenient = Options {
            lenient: true,
            ..embedded.clone()
        };
        let c = compile(&schema, &lenient).unwrap();
        assert!(c
            .approximations
            .iter()
            .any(|a| a.keyword == "minProperties"));
    }
    // Exact where the keys are told apart: named keys come once each, and
    // one key beyond the required ones is a new key however it is spelled.
    check(
        json!({"properties": {"a": {}, "b": {}}, "minProperties": 2, "additionalProperties": false}),
        &["{\"a\":1,\"b\":2}"],
        &["{\"a\":1}", "{\"a\":1,\"a\":2}", "{\"a\":1,\"\\u0061\":2}"],
    );
    check(
        json!({"required": ["a"], "minProperties": 2}),
        &["{\"a\":1,\"x\":2}", "{\"x\":2,\"a\":1}"],
        &["{\"a\":1}", "{\"a\":1,\"a\":2}", "{\"a\":1,\"\\u0061\":2}"],
    );
    let escapes = Options {
        ascii_escapes: true,
        ..Options::default()
    };
    let g = lang_with(&json!({"required": ["a"], "minProperties": 2}), &escapes).unwrap();
    assert!(accepts(&g, "{\"\\u0061\":1,\"x\":2}"));
    assert!(!accepts(&g, "{\"a\":1,\"\\u0061\":2}"));
    // A maximum counts entries: never too many keys.
    check(
        json!({"maxProperties": 1}),
        &["{\"a\":1}"],
        &["{\"a\":1,\"b\":2}", "{\"a\":1,\"\\u0061\":2}"],
    );
}

/// Long strings in every place a literal set is built: no recursion per
/// character (the lexer is built on this thread, with a small stack).
#[test]
fn long_literals_build_without_recursion() {
    let long = "x".repeat(300_000);
    let schemas = vec![
        json!({"const": long}),
        json!({"enum": [long, "a", "b"]}),
        json!({"type": "object", "properties": {long.clone(): {"type": "integer"}}}),
        json!({"type": "object", "required": [long]}),
        json!({"type": "string", "not": {"const": long}}),
        json!({"type": "object", "propertyNames": {"enum": [long, "b"]}}),
    ];
    let h = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            for s in &schemas {
                let c = compile(s, &Options::default()).unwrap();
                // Compiles, or a typed error (an NFA over its size limit).
                let _ = CompiledGrammar::new(c.grammar, Config::default());
            }
        })
        .unwrap();
    h.join().expect("no stack overflow");
    // Small enough for the lexer's state budget: exact.
    let mid = "é".repeat(20_000);
    let g = lang(json!({"const": mid}));
    assert!(accepts(&g, &format!("\"{mid}\"")));
    assert!(!accepts(&g, &format!("\"{}\"", &mid[2..])));
}

#[test]
fn depth_is_limited_with_the_pointer() {
    let mut s = json!({"type": "integer"});
    for _ in 0..300 {
        s = json!({ "items": s });
    }
    let e = compile(&s, &Options::default()).err().expect("too deep");
    assert_eq!(e.limit, Some("max_depth"));
    assert!(e.message.contains("max_depth = 256"), "{e}");
    assert_eq!(e.pointer, format!("#{}", "/items".repeat(256)));
    let deeper = Options {
        max_depth: 400,
        ..Options::default()
    };
    let g = lang_with(&s, &deeper).unwrap();
    let text = format!("{}7{}", "[".repeat(300), "]".repeat(300));
    assert!(accepts(&g, &text));
    // Arrays inside a const count too.
    let mut v = json!(1);
    for _ in 0..300 {
        v = json!([v]);
    }
    let e = compile(&json!({ "const": v }), &Options::default())
        .err()
        .unwrap();
    assert_eq!(e.limit, Some("max_depth"));
}

#[test]
fn contains_counts_honour_the_unroll_cap() {
    for (kw, schema) in [
        (
            "minContains",
            json!({"contains": {"type": "integer"}, "minContains": 100_000}),
        ),
        (
            "maxContains",
            json!({"contains": {"type": "integer"}, "maxContains": 100_000}),
        ),
    ] {
        let t = Instant::now();
        let e = compile(&schema, &Options::default()).err().expect(kw);
        assert!(t.elapsed() < Duration::from_secs(5));
        assert_eq!(
            (e.keyword.as_str(), e.limit),
            (kw, Some("max_unroll")),
            "{e}"
        );
    }
    // Bounded by the items: a large maxContains on a short array is fine.
    check(
        json!({"contains": {"type": "integer"}, "maxContains": 100_000, "maxItems": 2}),
        &["[1]", "[1,2]", "[\"a\",1]"],
        &["[]", "[1,2,3]"],
    );
    check(
        json!({"contains": {"type": "integer"}, "minContains": 2}),
        &["[1,2]", "[1,\"a\",2]"],
        &["[1]", "[\"a\",1]"],
    );
}

#[test]
fn rules_are_budgeted() {
    // Listed keys times a count bound: a product no keyword shows.
    let props: serde_json::Map<String, Value> = (0..400)
        .map(|i| (format!("k{i}"), json!({"type": "integer"})))
        .collect();
    let schema = json!({"properties": props, "maxProperties": 200, "additionalProperties": false});
    let small = Options {
        max_rules: 10_000,
        property_order: PropertyOrder::Schema,
        distinct_keys: false,
        ..Options::default()
    };
    let e = compile(&schema, &small).err().expect("over budget");
    assert_eq!(e.limit, Some("max_rules"), "{e}");
    assert!(e.message.contains("max_rules = 10000"));
    let g = lang(
        json!({"properties": {"a": {}, "b": {}}, "maxProperties": 1, "additionalProperties": false}),
    );
    assert!(accepts(&g, "{\"b\":1}") && !accepts(&g, "{\"a\":1,\"b\":2}"));
}

#[test]
fn one_of_with_disjoint_patterns_is_any_of() {
    let branches: Vec<Value> = (0..70)
        .map(|k| json!({"type": "string", "pattern": format!("^prefix{k}[a-z]+$")}))
        .collect();
    let t = Instant::now();
    let g = lang(json!({ "oneOf": branches }));
    assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    assert!(accepts(&g, "\"prefix7abc\"") && accepts(&g, "\"prefix69z\""));
    assert!(!accepts(&g, "\"prefix70abc\"") && !accepts(&g, "\"prefix7\""));
    // Without a type, every non-string satisfies all branches: none is
    // valid.
    let branches: Vec<Value> = (0..70)
        .map(|k| json!({"pattern": format!("^p{k}x$")}))
        .collect();
    let g = lang(json!({ "oneOf": branches }));
    assert!(accepts(&g, "\"p3x\"") && !accepts(&g, "1") && !accepts(&g, "null"));
    // Overlapping prefixes: `^p1` and `^p10` share "p10".
    let branches: Vec<Value> = (0..30)
        .map(|k| json!({"type": "string", "pattern": format!("^p{k}")}))
        .collect();
    let g = lang(json!({ "oneOf": branches }));
    assert!(accepts(&g, "\"p2z\"") && accepts(&g, "\"p1z\""));
    assert!(!accepts(&g, "\"p10\"") && !accepts(&g, "\"p29\"") && accepts(&g, "\"p3\""));
    // Numbers by range.
    check(
        json!({"oneOf": [{"type": "integer", "maximum": 0}, {"type": "integer", "minimum": 1}, {"type": "string"}]}),
        &["0", "1", "-5", "\"a\""],
        &["0.5", "null"],
    );
}

#[test]
fn overlapping_one_of_is_budgeted() {
    let branches: Vec<Value> = (0..20)
        .map(|k| json!({"type": "string", "pattern": format!("w{k}w")}))
        .collect();
    let t = Instant::now();
    let e = compile(&json!({ "oneOf": branches }), &Options::default())
        .err()
        .expect("too many overlaps");
    assert!(t.elapsed() < Duration::from_secs(5));
    assert_eq!(e.limit, Some("max_overlaps"), "{e}");
    // Lenient: approximated as anyOf, and said so.
    let lenient = Options {
        lenient: true,
        ..Options::default()
    };
    let branches: Vec<Value> = (0..20)
        .map(|k| json!({"type": "string", "pattern": format!("w{k}w")}))
        .collect();
    let c = compile(&json!({ "oneOf": branches }), &lenient).unwrap();
    assert!(c
        .approximations
        .iter()
        .any(|a| a.keyword == "oneOf" && a.message.contains("max_overlaps")));
    // A few overlapping branches are exact.
    check(
        json!({"oneOf": [{"type": "string", "pattern": "a"}, {"type": "string", "pattern": "b"}]}),
        &["\"a\"", "\"xb\""],
        &["\"ab\"", "\"c\""],
    );
}

/// What strict mode refuses over object and array constraints, lenient
/// compiles to a superset: every valid instance is still accepted, and the
/// approximation is listed with its keyword. (Inside a larger grammar, where
/// the matcher does not check values where they close; on its own, `not`
/// over such constraints is exact.)
#[test]
fn lenient_approximates_what_strict_refuses_with_a_superset() {
    let many: serde_json::Map<String, Value> = (0..7)
        .map(|i| (format!("^p{i}"), json!({"type": "integer"})))
        .collect();
    let cases: Vec<(Value, &str, Vec<&str>)> = vec![
        (
            json!({"not": {"patternProperties": {"^a": {"type": "string"}}}}),
            "not",
            vec!["{\"a\":1}", "{\"b\":0,\"a\":null}"],
        ),
        (
            json!({"not": {"items": {"type": "string"}}}),
            "not",
            vec!["[1]", "[\"a\",2]"],
        ),
        (
            json!({"allOf": [
                {"patternProperties": {"^x": {"type": "integer"}}},
                {"properties": {"a": {}}, "additionalProperties": {"type": "string"}}
            ]}),
            "patternProperties",
            vec!["{}", "{\"a\":true}", "{\"b\":\"s\"}"],
        ),
        (
            json!({"type": "object", "patternProperties": many, "additionalProperties": false}),
            "patternProperties",
            vec!["{}", "{\"p1\":1}", "{\"p6\":2,\"p0\":3}"],
        ),
    ];
    let embedded = Options {
        distinct_keys: false,
        ..Options::default()
    };
    let lenient = Options {
        lenient: true,
        ..embedded.clone()
    };
    for (schema, keyword, valid) in cases {
        if keyword == "not" {
            let g = lang(schema.clone());
            for t in &valid {
                assert!(accepts(&g, t), "{schema} rejects {t}");
            }
        }
        let e = compile(&schema, &embedded).err().expect("strict refuses");
        assert!(
            e.is_not_supported() && e.keyword == keyword,
            "{schema}: {e}"
        );
        let c = compile(&schema, &lenient).expect("lenient compiles");
        assert!(
            c.approximations.iter().any(|a| a.keyword == keyword),
            "{schema}: no approximation listed"
        );
        let g = lang_with(&schema, &lenient).unwrap();
        for t in valid {
            assert!(accepts(&g, t), "{schema} (lenient) rejects {t}");
        }
    }
}

#[test]
fn unique_items_over_any_items() {
    check(
        json!({"type": "array", "items": {"type": "number"}, "uniqueItems": true}),
        &["[]", "[1]", "[1,2]", "[1, 2.5, -1]"],
        &["[1,1]", "[1, 1.0]", "[2, 1, 20e-1]", "[1,2,1]"],
    );
    check(
        json!({"type": "array", "uniqueItems": true}),
        &[
            "[1, \"1\", [1], {\"a\": 1}, true, null]",
            "[{\"a\": 1, \"b\": 2}, {\"a\": 2}]",
            "[[1, 2], [2, 1]]",
        ],
        &[
            "[{\"a\": 1, \"b\": 2}, {\"b\": 2, \"a\": 1}]",
            "[\"x\", \"\\u0078\"]",
            "[[1,[2]], [1.0, [2]]]",
            "[null, null]",
        ],
    );
    // Only the parse that carries the keyword refuses: the second branch
    // allows repeats of strings.
    check(
        json!({"anyOf": [
            {"type": "array", "items": {"type": "integer"}, "uniqueItems": true},
            {"type": "array", "items": {"type": "string"}}
        ]}),
        &["[1, 2]", "[\"a\", \"a\"]"],
        &["[1, 1]", "[1, \"a\"]"],
    );
    // Nested: the inner arrays may repeat their own items.
    check(
        json!({"type": "array", "items": {"type": "array"}, "uniqueItems": true}),
        &["[[1, 1], [1]]"],
        &["[[1, 1], [1, 1]]"],
    );
}

#[test]
fn unevaluated_properties_see_every_branch_that_holds() {
    // Both anyOf branches hold for the third instance: both evaluate.
    check(
        json!({
            "properties": {"foo": {"type": "string"}},
            "anyOf": [
                {"properties": {"bar": {"const": "bar"}}, "required": ["bar"]},
                {"properties": {"baz": {"const": "baz"}}, "required": ["baz"]}
            ],
            "unevaluatedProperties": false
        }),
        &[
            "{\"foo\": \"f\", \"bar\": \"bar\"}",
            "{\"bar\": \"bar\", \"baz\": \"baz\"}",
        ],
        &[
            "{\"bar\": \"bar\", \"baz\": \"no\"}",
            "{\"bar\": \"bar\", \"x\": 1}",
        ],
    );
    // An inner unevaluatedProperties evaluates every key its own schema
    // did not: the outer one has nothing left to see.
    for schema in [
        json!({"properties": {"foo": {"type": "string"}}, "allOf": [{"unevaluatedProperties": true}], "unevaluatedProperties": false}),
        json!({"allOf": [{"properties": {"foo": {"type": "string"}}, "unevaluatedProperties": true}], "unevaluatedProperties": false}),
    ] {
        let g = lang(schema.clone());
        assert!(accepts(&g, "{\"foo\": \"f\", \"bar\": 1}"), "{schema}");
        assert!(!accepts(&g, "{\"foo\": 1}"), "{schema}");
    }
    check(
        json!({"allOf": [{"properties": {"foo": {}}, "unevaluatedProperties": false}], "unevaluatedProperties": true}),
        &["{\"foo\": 1}"],
        &["{\"foo\": 1, \"bar\": 2}"],
    );
}

#[test]
fn one_of_over_objects_and_arrays_is_checked_where_the_value_closes() {
    check(
        json!({"oneOf": [
            {"type": "object", "required": ["a"]},
            {"type": "object", "required": ["b"]}
        ]}),
        &["{\"a\": 1}", "{\"b\": 1, \"c\": 2}"],
        &["{\"a\": 1, \"b\": 2}", "{}", "{\"c\": 1}"],
    );
    check(
        json!({"type": "array", "oneOf": [
            {"items": {"type": "integer"}},
            {"items": {"type": "string"}}
        ]}),
        &["[1]", "[\"a\", \"b\"]"],
        &["[]", "[1, \"a\"]"],
    );
    // Inside arrays, and with the other types apart.
    check(
        json!({"type": "array", "items": {"oneOf": [
            {"type": "object", "properties": {"x": {"type": "integer"}}},
            {"type": "object", "properties": {"x": {"type": "string"}}},
            {"type": "integer"}
        ]}}),
        &["[{\"x\": 1}, {\"x\": \"s\"}, 3]"],
        &["[{}]", "[{\"y\": 1}]", "[{\"x\": 1}, {}]"],
    );
}

#[test]
fn an_object_or_array_value_can_be_excluded() {
    check(
        json!({"not": {"const": {"a": 1, "b": [1, 2]}}}),
        &["{\"a\": 1}", "{\"a\": 1, \"b\": [2, 1]}", "1"],
        &["{\"a\": 1, \"b\": [1, 2]}", "{\"b\": [1.0, 2], \"a\": 1e0}"],
    );
    check(
        json!({"type": "array", "not": {"enum": [[], [1]]}}),
        &["[2]", "[1, 1]"],
        &["[]", "[ ]", "[1.0]"],
    );
}

#[test]
fn not_over_object_and_array_constraints_is_checked_where_the_value_closes() {
    check(
        json!({"type": "object", "not": {"additionalProperties": {"type": "integer"}}}),
        &["{\"a\": \"s\"}", "{\"a\": 1, \"b\": null}"],
        &["{}", "{\"a\": 1}", "[]"],
    );
    check(
        json!({"not": {"type": "array", "items": {"type": "integer"}}}),
        &["[\"a\"]", "[1, 2.5]", "{}", "1"],
        &["[]", "[1, 2]"],
    );
    check(
        json!({"type": "object", "not": {"propertyNames": {"pattern": "^a"}}}),
        &["{\"b\": 1}", "{\"a\": 1, \"b\": 1}"],
        &["{}", "{\"a\": 1, \"ab\": 2}"],
    );
}

#[test]
fn dynamic_references_resolve_in_the_dynamic_scope() {
    // The list's items take the root resource's "item": the outermost
    // resource entered that defines it.
    let list = json!({
        "$id": "https://example.com/root",
        "$ref": "list",
        "$defs": {
            "item": {"$dynamicAnchor": "item", "type": "integer"},
            "list": {
                "$id": "list",
                "type": "array",
                "items": {"$dynamicRef": "#item"},
                "$defs": {"any": {"$dynamicAnchor": "item"}}
            }
        }
    });
    check(list, &["[]", "[1, 2]"], &["[\"a\"]", "[1, null]"]);
    // Alone, the list takes anything.
    check(
        json!({
            "$id": "https://example.com/list",
            "type": "array",
            "items": {"$dynamicRef": "#item"},
            "$defs": {"any": {"$dynamicAnchor": "item"}}
        }),
        &["[1, \"a\", null]"],
        &["{}"],
    );
    // 2019-09: a tree whose children are the outermost tree (strict).
    let strict = json!({
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": "https://example.com/strict-tree",
        "$recursiveAnchor": true,
        "$ref": "tree",
        "unevaluatedProperties": false,
        "$defs": {
            "tree": {
                "$id": "tree",
                "$recursiveAnchor": true,
                "type": "object",
                "properties": {
                    "data": true,
                    "children": {"type": "array", "items": {"$recursiveRef": "#"}}
                }
            }
        }
    });
    check(
        strict,
        &["{\"children\": [{\"data\": 1}]}", "{\"data\": 1}"],
        &["{\"children\": [{\"daat\": 1}]}", "{\"x\": 1}"],
    );
}

/// Keys in any order leave no dead end: a full object takes no `,`, a key
/// that can only repeat one is refused where it starts, and an object whose
/// required value no string satisfies has no instance at all.
#[test]
fn keys_in_any_order_leave_no_dead_end() {
    let prefix = |g: &Arc<CompiledGrammar>, t: &str| {
        let mut m = Matcher::new(g.clone());
        m.consume_bytes(t.as_bytes())
    };
    let g = lang(json!({
        "type": "object",
        "properties": {"city": {}, "name": {}},
        "required": ["name"],
        "additionalProperties": false
    }));
    assert!(prefix(&g, "{\"city\": 1, \"name\": 2"));
    assert!(!prefix(&g, "{\"city\": 1, \"name\": 2,"));
    assert!(prefix(&g, "{\"name\": 2, \"ci"));
    assert!(!prefix(&g, "{\"city\": 1, \"ci"));
    assert!(!prefix(&g, "{\"city\": 1, \"name\": 2, \"n"));
    let g = lang(json!({
        "type": "object",
        "properties": {
            "a": {"type": "integer"},
            "b": {"type": "string", "pattern": "^x{20}$", "maxLength": 4}
        },
        "required": ["a", "b"]
    }));
    assert!(!prefix(&g, "{\"a\": 1"));
    assert!(!prefix(&g, "{"));
}

/// A constant container under a oneOf whose other branch may hold it too
/// (found by the fuzzer): excluded at compile time.
#[test]
fn one_of_constants_are_checked_against_the_other_branches() {
    check(
        json!({"oneOf": [
            {"enum": [null, [], [1]]},
            {"type": "array", "prefixItems": [{"type": "integer"}]}
        ]}),
        &["null", "[2]", "[1, 2]"],
        &["[]", "[1]", "[\"a\"]"],
    );
}
