//! The set algebra on nodes (intersection, negation, disjointness, the
//! expansion of combinators) against a small reference validator written
//! here from the JSON Schema spec, over many small schemas (picked by hand
//! and generated from a seed) and many small instances. The node
//! validator (`Reader::accepts_node`, on the plain nodes `Reader::expand`
//! makes) says what a result accepts; where it cannot tell, the instance
//! is left out (and counted, so that the checks stay meaningful).

use serde_json::{json, Map, Value};

use super::node::{type_of, Node, Sch};
use super::read::Reader;
use crate::json_schema::options::Draft;
use crate::json_schema::resolve::Doc;
use crate::sample::Rng;

// --- A reference validator ------------------------------------------------

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

mod reference;

use self::reference::{valid, ROOT};

// --- The nodes' side --------------------------------------------------------

/// The plain nodes whose union is `n` (None where corral cannot expand
/// it). Each operation gets the whole intersection budget.
fn plain(r: &mut Reader, n: &Node) -> Option<Vec<Node>> {
    r.work = 0;
    r.expand(n).ok()
}

/// What the node validator says of `x` under the union of `alts` (plain
/// nodes): None where one cannot tell and none accepts.
fn holds(r: &mut Reader, alts: &[Node], x: &Value) -> Option<bool> {
    let mut unsure = false;
    for a in alts {
        match r.accepts_node(a, x).expect("the validator runs") {
            Some(true) => return Some(true),
            Some(false) => {}
            None => unsure = true,
        }
    }
    (!unsure).then_some(false)
}

/// Counts of checks made and skipped, to show the checks are not vacuous.
#[derive(Default, Debug)]
struct Tally {
    decided: usize,
    unsure: usize,
    /// Operations corral refuses (not supported), each once per pair.
    refused: usize,
    /// Instances on both sides of a result (accepted, rejected).
    accepted: usize,
    rejected: usize,
}

impl Tally {
    fn see(&mut self, got: Option<bool>, want: bool, what: impl FnOnce() -> String) {
        match got {
            None => self.unsure += 1,
            Some(g) => {
                assert_eq!(g, want, "{}", what());
                self.decided += 1;
                if want {
                    self.accepted += 1;
                } else {
                    self.rejected += 1;
                }
            }
        }
    }
}

/// The schemas read by one reader, from one document (`[s0, s1, ...]`).
fn read_all<'a>(doc: &'a Value) -> (Reader<'a>, Vec<Option<Sch>>) {
    read_all_as(doc, false)
}

/// [`read_all`], `lenient` or strict.
fn read_all_as<'a>(doc: &'a Value, lenient: bool) -> (Reader<'a>, Vec<Option<Sch>>) {
    ROOT.with(|r| *r.borrow_mut() = doc.clone());
    let mut r = Reader::new(Doc::new(doc, Draft::D2020), lenient);
    let n = doc.as_array().unwrap().len();
    let schs = (0..n).map(|i| r.read(&format!("/{i}")).ok()).collect();
    (r, schs)
}

// --- Schemas and instances ----------------------------------------------------

fn instances(rng: &mut Rng) -> Vec<Value> {
    let mut out = vec![
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(1),
        json!(-1),
        json!(2),
        json!(2.0),
        json!(2.5),
        json!(3),
        json!(4),
        json!(5),
        json!(6),
        json!(10),
        json!(-0.5),
        json!(0.5),
        json!(""),
        json!("a"),
        json!("b"),
        json!("ab"),
        json!("ba"),
        json!("abc"),
        json!("bbbb"),
        json!("aé"),
        json!([]),
        json!([1]),
        json!([1, 1]),
        json!([1, "a"]),
        json!(["a", "b", "a"]),
        json!([null, 2, 3.5]),
        json!([[], {}]),
        json!({}),
        json!({"a": 1}),
        json!({"a": "x"}),
        json!({"b": null}),
        json!({"c": 1}),
        json!({"a": 1, "b": 2}),
        json!({"a": "ab", "b": true, "c": [1]}),
        json!({"a": {"a": 1}}),
        json!({"aa": 2, "ba": "b"}),
        json!([1, 1.0]),
        json!([1, [2, [3]]]),
        json!([[[]], "a"]),
        json!({"a": {"a": {"b": 1}}}),
    ];
    for _ in 0..40 {
        out.push(random_value(rng, 2));
    }
    out
}

fn random_value(rng: &mut Rng, depth: u32) -> Value {
    let strs = ["", "a", "b", "ab", "ba", "abc", "aab"];
    match rng.below(if depth == 0 { 5 } else { 7 }) {
        0 => json!(null),
        1 => json!(rng.chance(0.5)),
        2 => json!(rng.below(13) as i64 - 2),
        3 => json!((rng.below(13) as f64 - 2.0) / 2.0),
        4 => json!(strs[rng.below(strs.len())]),
        5 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth - 1))
                .collect(),
        ),
        _ => {
            let mut m = Map::new();
            for _ in 0..rng.below(4) {
                let k = ["a", "b", "c", "ab"][rng.below(4)];
                m.insert(k.into(), random_value(rng, depth - 1));
            }
            Value::Object(m)
        }
    }
}

fn pick<'a, T>(rng: &mut Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.below(xs.len())]
}

/// A random schema: type constraints, with combinators above (`depth`
/// levels) and, rarely, inside values.
fn random_schema(rng: &mut Rng, depth: u32) -> Value {
    if depth > 0 && rng.chance(0.45) {
        let k = 2 + rng.below(2);
        let parts: Vec<Value> = (0..k).map(|_| random_schema(rng, depth - 1)).collect();
        let mut m = Map::new();
        match rng.below(6) {
            0 => m.insert("anyOf".into(), Value::Array(parts)),
            1 => m.insert("allOf".into(), Value::Array(parts)),
            2 => m.insert("oneOf".into(), Value::Array(parts)),
            3 => m.insert("not".into(), parts[0].clone()),
            4 => {
                m.insert("if".into(), parts[0].clone());
                m.insert("then".into(), parts[1].clone());
                if k > 2 {
                    m.insert("else".into(), parts[2].clone());
                }
                None
            }
            _ => {
                // Siblings: a node with a combinator next to its own
                // constraints.
                if let Value::Object(own) = plain_schema(rng, depth - 1) {
                    m = own;
                }
                m.insert("anyOf".into(), Value::Array(parts))
            }
        };
        return Value::Object(m);
    }
    plain_schema(rng, depth)
}

fn plain_schema(rng: &mut Rng, depth: u32) -> Value {
    let mut m = Map::new();
    if rng.chance(0.08) {
        return json!(rng.chance(0.7));
    }
    if rng.chance(0.15) {
        let pool = [
            json!(null),
            json!(1),
            json!(2.0),
            json!("a"),
            json!("ab"),
            json!([1]),
            json!({"a": 1}),
            json!(true),
        ];
        let k = 1 + rng.below(3);
        let vals: Vec<Value> = (0..k).map(|_| pick(rng, &pool).clone()).collect();
        if k == 1 && rng.chance(0.5) {
            m.insert("const".into(), vals[0].clone());
        } else {
            m.insert("enum".into(), Value::Array(vals));
        }
        if rng.chance(0.5) {
            return Value::Object(m);
        }
    }
    let names = [
        "null", "boolean", "integer", "number", "string", "array", "object",
    ];
    if rng.chance(0.7) {
        let k = 1 + rng.below(2);
        let ts: Vec<Value> = (0..k).map(|_| json!(pick(rng, &names))).collect();
        m.insert(
            "type".into(),
            if k == 1 {
                ts[0].clone()
            } else {
                Value::Array(ts)
            },
        );
    }
    // Each type's keywords, some of the time (they apply to their type
    // only, whatever `type` says).
    if rng.chance(0.35) {
        let bounds = [-1.0, 0.0, 1.0, 2.0, 2.5, 4.0, 5.0];
        for kw in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
            if rng.chance(0.3) {
                m.insert(kw.into(), json!(*pick(rng, &bounds)));
            }
        }
        if rng.chance(0.3) {
            m.insert(
                "multipleOf".into(),
                json!(*pick(rng, &[0.5, 1.0, 2.0, 3.0])),
            );
        }
    }
    if rng.chance(0.35) {
        if rng.chance(0.5) {
            m.insert("minLength".into(), json!(rng.below(3)));
        }
        if rng.chance(0.5) {
            m.insert("maxLength".into(), json!(rng.below(4)));
        }
        if rng.chance(0.3) {
            m.insert(
                "pattern".into(),
                json!(*pick(rng, &["^a", "b$", "^[ab]*$", "a"])),
            );
        }
    }
    if rng.chance(0.3) {
        if rng.chance(0.5) {
            m.insert("minItems".into(), json!(rng.below(3)));
        }
        if rng.chance(0.5) {
            m.insert("maxItems".into(), json!(rng.below(4)));
        }
        if rng.chance(0.4) {
            m.insert("items".into(), value_schema(rng, depth));
        }
        if rng.chance(0.2) {
            m.insert("prefixItems".into(), json!([value_schema(rng, depth)]));
        }
        if rng.chance(0.15) {
            m.insert("uniqueItems".into(), json!(true));
        }
        if rng.chance(0.15) {
            m.insert("contains".into(), value_schema(rng, depth));
        }
    }
    if rng.chance(0.35) {
        if rng.chance(0.6) {
            let mut props = Map::new();
            for k in ["a", "b"] {
                if rng.chance(0.6) {
                    props.insert(k.into(), value_schema(rng, depth));
                }
            }
            m.insert("properties".into(), Value::Object(props));
        }
        if rng.chance(0.4) {
            let req: Vec<&str> = ["a", "b"].into_iter().filter(|_| rng.chance(0.5)).collect();
            m.insert("required".into(), json!(req));
        }
        if rng.chance(0.25) {
            m.insert("additionalProperties".into(), value_schema(rng, depth));
        }
        if rng.chance(0.2) {
            m.insert("minProperties".into(), json!(rng.below(3)));
        }
        if rng.chance(0.2) {
            m.insert("maxProperties".into(), json!(rng.below(3)));
        }
        if rng.chance(0.1) {
            m.insert("dependentRequired".into(), json!({"a": ["b"]}));
        }
        if rng.chance(0.1) {
            m.insert("propertyNames".into(), json!({"maxLength": 1}));
        }
    }
    Value::Object(m)
}

/// The schema of a value inside: plain mostly.
fn value_schema(rng: &mut Rng, depth: u32) -> Value {
    if depth > 0 && rng.chance(0.15) {
        return random_schema(rng, depth - 1);
    }
    let mut m = Map::new();
    let names = ["null", "boolean", "integer", "number", "string"];
    m.insert("type".into(), json!(*pick(rng, &names)));
    if rng.chance(0.3) {
        m.insert("maxLength".into(), json!(rng.below(3)));
    }
    if rng.chance(0.3) {
        m.insert("minimum".into(), json!(rng.below(4)));
    }
    if rng.chance(0.1) {
        return json!(rng.chance(0.5));
    }
    Value::Object(m)
}

/// Hand-picked schemas (the first of the document: references point at
/// their index).
fn hand_picked() -> Vec<Value> {
    let mut out = vec![
        json!(true),
        json!(false),
        json!({}),
        json!({"type": "integer"}),
        json!({"type": "number", "minimum": 1, "exclusiveMaximum": 5}),
        json!({"type": ["string", "null"], "maxLength": 2}),
        json!({"type": "string", "pattern": "^a", "minLength": 2}),
        json!({"multipleOf": 0.5, "maximum": 3}),
        json!({"multipleOf": 2}),
        json!({"enum": [1, "a", null, [1]]}),
        json!({"const": 2}),
        json!({"type": "array", "items": {"type": "integer"}, "maxItems": 2}),
        json!({"type": "array", "prefixItems": [{"type": "integer"}], "items": false}),
        json!({"type": "array", "contains": {"type": "string"}}),
        json!({"type": "array", "uniqueItems": true}),
        json!({"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}),
        json!({"properties": {"a": {"type": "string"}}, "additionalProperties": false}),
        json!({"type": "object", "maxProperties": 1}),
        json!({"type": "object", "minProperties": 2}),
        json!({"dependentRequired": {"a": ["b"]}}),
        json!({"propertyNames": {"maxLength": 1}}),
        json!({"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 3}]}),
        json!({"oneOf": [{"type": "integer"}, {"minimum": 2}]}),
        json!({"oneOf": [{"maxLength": 1}, {"pattern": "a"}]}),
        json!({"not": {"type": "string"}}),
        json!({"not": {"maxLength": 1}}),
        json!({"not": {"enum": [1, "a"]}}),
        json!({"not": {"required": ["a"]}}),
        json!({"not": {"type": "object", "properties": {"a": {"type": "integer"}}}}),
        json!({"if": {"type": "integer"}, "then": {"minimum": 2}, "else": {"type": "string"}}),
        json!({"allOf": [{"minimum": 1}, {"maximum": 4}, {"not": {"const": 2}}]}),
        json!({"type": "object", "anyOf": [{"required": ["a"]}, {"required": ["b"]}]}),
    ];
    // References, with siblings and recursive (a tree of integers; nested
    // objects whose `a` is an object or a number at least 1).
    let i = out.len();
    out.push(json!({
        "$defs": {"pos": {"minimum": 1}},
        "$ref": format!("#/{i}/$defs/pos"),
        "maximum": 4
    }));
    let i = out.len();
    out.push(json!({
        "$defs": {"t": {"type": ["integer", "array"], "items": {"$ref": format!("#/{i}/$defs/t")}}},
        "$ref": format!("#/{i}/$defs/t")
    }));
    let i = out.len();
    out.push(json!({
        "$defs": {"o": {
            "type": "object",
            "properties": {"a": {"anyOf": [{"$ref": format!("#/{i}/$defs/o")}, {"minimum": 1}]}}
        }},
        "$ref": format!("#/{i}/$defs/o")
    }));
    out
}

/// Hand-picked schemas, then `n` generated from `seed`.
fn schemas(seed: u64, n: usize) -> Vec<Value> {
    let mut rng = Rng::new(seed);
    let mut out = hand_picked();
    for _ in 0..n {
        out.push(random_schema(&mut rng, 2));
    }
    out
}

// --- The checks ---------------------------------------------------------------

/// Read, expanded and validated, a schema accepts what the spec says.
#[test]
fn nodes_validate_as_the_spec_says() {
    let mut rng = Rng::new(1);
    let xs = instances(&mut rng);
    let doc = Value::Array(schemas(2, 400));
    let (mut r, schs) = read_all(&doc);
    let mut t = Tally::default();
    for (i, s) in schs.iter().enumerate() {
        let Some(s) = s else {
            t.refused += 1;
            continue;
        };
        let n = r.node_of(s, "").unwrap();
        let Some(alts) = plain(&mut r, &n) else {
            t.refused += 1;
            continue;
        };
        for x in &xs {
            let got = holds(&mut r, &alts, x);
            t.see(got, valid(&doc[i], x), || format!("{} on {x}", doc[i]));
        }
    }
    assert!(
        t.decided > 10 * t.unsure.max(1) && t.accepted > 2000,
        "{t:?}"
    );
    assert!(t.refused < doc.as_array().unwrap().len() / 10, "{t:?}");
}

/// `intersect(a, b)` (and `all`, over schemas) accepts exactly what both
/// accept; an empty result (`empty`) accepts nothing, and whatever a node
/// accepts has one of its `effective_types`.
#[test]
fn intersection_is_conjunction() {
    let mut rng = Rng::new(3);
    let xs = instances(&mut rng);
    let doc = Value::Array(schemas(4, 60));
    let (mut r, schs) = read_all(&doc);
    let mut t = Tally::default();
    let mut empties = 0;
    let k = schs.len();
    for i in 0..k {
        for j in 0..k {
            let (Some(a), Some(b)) = (&schs[i], &schs[j]) else {
                continue;
            };
            r.work = 0;
            let na = r.node_of(a, "").unwrap();
            let nb = r.node_of(b, "").unwrap();
            let Ok(n) = r.intersect(&na, &nb) else {
                t.refused += 1;
                continue;
            };
            let Some(alts) = plain(&mut r, &n) else {
                t.refused += 1;
                continue;
            };
            let both = r.all(a, b).unwrap();
            let nb2 = r.node_of(&both, "").unwrap();
            let alts2 = plain(&mut r, &nb2).unwrap_or_default();
            let empty = r.empty(&n);
            empties += empty as usize;
            let eff = r.effective_types(&n);
            for x in &xs {
                let want = valid(&doc[i], x) && valid(&doc[j], x);
                let what = || format!("{} and {} on {x}", doc[i], doc[j]);
                let got = holds(&mut r, &alts, x);
                t.see(got, want, what);
                if let Some(g) = holds(&mut r, &alts2, x) {
                    assert_eq!(g, want, "all: {}", what());
                }
                if got == Some(true) {
                    assert!(!empty, "empty, yet accepts: {}", what());
                    assert!(
                        eff & type_of(x, Draft::D2020) != 0,
                        "effective types {eff:#b}: {}",
                        what()
                    );
                }
            }
        }
    }
    assert!(
        t.decided > 10 * t.unsure.max(1) && t.accepted > 5000,
        "{t:?}"
    );
    assert!(empties > 0, "some intersections are empty");
}

/// `negate(a)`, where corral takes it (strict: what it cannot do exactly
/// is an error), accepts exactly what `a` rejects.
#[test]
fn negation_is_complement() {
    let mut rng = Rng::new(5);
    let xs = instances(&mut rng);
    let doc = Value::Array(schemas(6, 400));
    let (mut r, schs) = read_all(&doc);
    let mut t = Tally::default();
    for (i, s) in schs.iter().enumerate() {
        let Some(s) = s else { continue };
        let n = r.node_of(s, "").unwrap();
        r.work = 0;
        let negs = match r.negate(&n, "") {
            Ok(negs) => negs,
            Err(e) => {
                assert!(e.is_not_supported(), "{}: {e}", doc[i]);
                t.refused += 1;
                continue;
            }
        };
        let mut alts = Vec::new();
        for m in &negs {
            alts.extend(plain(&mut r, m).expect("negations expand"));
        }
        for x in &xs {
            let got = holds(&mut r, &alts, x);
            t.see(got, !valid(&doc[i], x), || format!("not {} on {x}", doc[i]));
        }
    }
    assert!(
        t.decided > 10 * t.unsure.max(1) && t.accepted > 2000,
        "{t:?}"
    );
    assert!(t.refused < doc.as_array().unwrap().len() / 2, "{t:?}");
}

/// `disjoint` is sound: when it says so, no instance satisfies both (as
/// read, and as the plain nodes the expansion makes).
#[test]
fn disjoint_schemas_share_no_instance() {
    let mut rng = Rng::new(7);
    let xs = instances(&mut rng);
    let doc = Value::Array(schemas(8, 80));
    let (mut r, schs) = read_all(&doc);
    let valid_of: Vec<Vec<bool>> = (0..schs.len())
        .map(|i| xs.iter().map(|x| valid(&doc[i], x)).collect())
        .collect();
    let mut apart = 0;
    let mut plain_apart = 0;
    for i in 0..schs.len() {
        for j in 0..schs.len() {
            let (Some(a), Some(b)) = (&schs[i], &schs[j]) else {
                continue;
            };
            r.work = 0;
            let na = r.node_of(a, "").unwrap();
            let nb = r.node_of(b, "").unwrap();
            let shared = (0..xs.len()).find(|&k| valid_of[i][k] && valid_of[j][k]);
            if r.disjoint(&na, &nb).unwrap() {
                apart += 1;
                if let Some(k) = shared {
                    panic!("{} and {} both take {}", doc[i], doc[j], xs[k]);
                }
            }
            let (Some(pa), Some(pb)) = (plain(&mut r, &na), plain(&mut r, &nb)) else {
                continue;
            };
            for p in &pa {
                for q in &pb {
                    if !r.disjoint(p, q).unwrap() {
                        continue;
                    }
                    plain_apart += 1;
                    for x in &xs {
                        let both = (r.accepts_node(p, x).unwrap(), r.accepts_node(q, x).unwrap());
                        assert!(
                            both != (Some(true), Some(true)),
                            "{} and {}: apart, yet both take {x}",
                            doc[i],
                            doc[j]
                        );
                    }
                }
            }
        }
    }
    assert!(apart > 100 && plain_apart > 100, "{apart} {plain_apart}");
}

/// The expansion is a union of plain nodes: none has combinators left.
#[test]
fn expansion_leaves_plain_nodes() {
    let doc = Value::Array(schemas(9, 200));
    let (mut r, schs) = read_all(&doc);
    for (i, s) in schs.iter().enumerate() {
        let Some(s) = s else { continue };
        let n = r.node_of(s, "").unwrap();
        let Some(alts) = plain(&mut r, &n) else {
            continue;
        };
        for a in &alts {
            assert!(!a.has_combinators(), "{}", doc[i]);
            assert!(!r.empty(a), "empty alternatives are dropped: {}", doc[i]);
        }
    }
}

/// Lenient, what corral cannot do exactly it approximates, and says so:
/// wherever an expansion or a negation accepts other than the spec says,
/// an approximation was reported. Strict, the same operations fail.
#[test]
fn lenient_deviations_are_reported() {
    let mut rng = Rng::new(11);
    let xs = instances(&mut rng);
    let mut all = schemas(12, 300);
    all.push(json!({"oneOf": [{"type": "array", "items": {"type": "integer"}}, {"maxItems": 1}]}));
    all.push(json!({"not": {"oneOf": [{"items": {"type": "integer"}}, {"maxItems": 1}]}}));
    let doc = Value::Array(all);
    let (mut strict, _) = read_all_as(&doc, false);
    let (mut r, schs) = read_all_as(&doc, true);
    let (mut deviating, mut reported) = (0, 0);
    for (i, s) in schs.iter().enumerate() {
        let Some(s) = s else { continue };
        let n = r.node_of(s, "").unwrap();
        r.approximations.clear();
        let Some(alts) = plain(&mut r, &n) else {
            continue;
        };
        let noted = !r.approximations.is_empty();
        reported += noted as usize;
        let mut off = None;
        for x in &xs {
            if holds(&mut r, &alts, x).is_some_and(|g| g != valid(&doc[i], x)) {
                off = Some(x);
            }
        }
        if let Some(x) = off {
            deviating += 1;
            assert!(noted, "{} on {x}: a deviation, not reported", doc[i]);
        }
        if noted {
            let sn = strict.node_of(s, "").unwrap();
            strict.work = 0;
            let e = strict.expand(&sn).err();
            assert!(
                e.is_some_and(|e| e.is_not_supported() || e.is_limit()),
                "{}: approximated, yet strict takes it",
                doc[i]
            );
        }
    }
    assert!(
        deviating > 0 && reported >= deviating,
        "{deviating} {reported}"
    );
}
