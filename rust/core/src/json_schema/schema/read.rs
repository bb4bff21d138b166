//! The keyword reader: a schema object's keywords, as the draft defines
//! them, read into a [`Node`] (`$ref` siblings and `allOf` intersected in
//! place, `unevaluated*` set on the result).

use std::rc::Rc;

use serde_json::{Map, Value};

use super::node::{
    json_eq, tighter_hi, tighter_lo, Node, Sch, ARR, BOOL, FRAC, INT, NULL, OBJ, STR,
};
use crate::json_schema::error::{
    at_failure, error as err, unsupported, Approximation, SchemaError,
};
use crate::json_schema::numbers::Dec;
use crate::json_schema::options::{Draft, DEFAULT_MAX_OVERLAPS};
use crate::json_schema::overlap::Overlap;
use crate::json_schema::resolve::{escape_token, Doc};
use crate::json_schema::{formats, text};

/// Keywords that only annotate (never constrain).
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "id",
    "$anchor",
    "$dynamicAnchor",
    "$recursiveAnchor",
    "$comment",
    "$defs",
    "definitions",
    "$vocabulary",
    "title",
    "description",
    "default",
    "examples",
    "example",
    "deprecated",
    "readOnly",
    "writeOnly",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
];

/// Keywords that constrain a value, in some draft.
const CONSTRAINTS: &[&str] = &[
    "type",
    "enum",
    "const",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "format",
    "items",
    "additionalItems",
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "properties",
    "patternProperties",
    "additionalProperties",
    "dependencies",
    "dependentRequired",
    "dependentSchemas",
    "propertyNames",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "if",
    "then",
    "else",
    "unevaluatedProperties",
    "unevaluatedItems",
    "$ref",
    "$dynamicRef",
    "$recursiveRef",
];

/// The keys of a schema object none of which is a JSON Schema keyword of
/// any draft (nor an `x-` extension): what an instance passed for a schema
/// looks like. None where a key is a keyword, or there are no keys.
pub fn keywordless(schema: &Value) -> Option<Vec<&str>> {
    let m = schema.as_object()?;
    if m.is_empty()
        || m.keys().any(|k| {
            CONSTRAINTS.contains(&k.as_str())
                || ANNOTATIONS.contains(&k.as_str())
                || k.starts_with("x-")
                || k.starts_with('$')
        })
    {
        return None;
    }
    Some(m.keys().map(String::as_str).collect())
}

pub(crate) struct Reader<'a> {
    pub doc: Doc<'a>,
    pub lenient: bool,
    pub approximations: Vec<Approximation>,
    /// Notes for the grammar's warnings (formats kept as annotations).
    pub warnings: Vec<String>,
    pub(super) depth: u32,
    /// Intersections so far (a budget).
    pub(super) work: u64,
    /// Pattern DFAs for disjointness checks.
    pub(super) overlap: Overlap,
    /// [`Options::max_overlaps`](crate::json_schema::Options::max_overlaps).
    pub max_overlaps: usize,
    /// Whether the matcher checks object and array values where they
    /// close ([`Node::excl`]): the grammar is matched on its own.
    pub value_checks: bool,
    /// The dynamic scope, as far as references see it: each dynamic anchor
    /// name bound to the outermost resource entered that defines it, (name,
    /// pointer), with `""` for `$recursiveAnchor`. A reference read under
    /// bindings carries them ([`with_scope`]).
    bindings: Vec<(String, String)>,
}

/// Separates a reference's pointer from the dynamic scope it was read in.
const SCOPE: char = '\u{1}';

/// The pointer of a reference (without the dynamic scope it carries).
pub fn ref_pointer(p: &str) -> &str {
    p.split(SCOPE).next().unwrap_or(p)
}

pub(super) const MAX_DEPTH: u32 = 64;
/// Most intersections one compile may compute.
pub(super) const MAX_WORK: u64 = 200_000;
/// Most alternatives a combinator expansion may produce.
pub(super) const MAX_ALTERNATIVES: usize = 256;

fn count(v: &Value, ptr: &str, kw: &str) -> Result<u64, SchemaError> {
    if let Some(n) = v.as_u64() {
        return Ok(n);
    }
    if let Some(f) = v.as_f64() {
        if f >= 0.0 && f.fract() == 0.0 && f < 1.8e19 {
            return Ok(f as u64);
        }
    }
    Err(err(ptr, kw, format!("{kw} must be a non-negative integer")))
}

fn number(v: &Value, ptr: &str, kw: &str) -> Result<Dec, SchemaError> {
    match v {
        Value::Number(n) => Dec::parse(&n.to_string())
            .ok_or_else(|| unsupported(ptr, kw, format!("{kw} {n} (too large to spell out)"))),
        _ => Err(err(ptr, kw, format!("{kw} must be a number"))),
    }
}

impl<'a> Reader<'a> {
    pub fn new(doc: Doc<'a>, lenient: bool) -> Reader<'a> {
        Reader {
            doc,
            lenient,
            approximations: Vec::new(),
            warnings: Vec::new(),
            depth: 0,
            work: 0,
            overlap: Default::default(),
            max_overlaps: DEFAULT_MAX_OVERLAPS,
            value_checks: false,
            bindings: Vec::new(),
        }
    }

    /// A reference to `target` read in the current dynamic scope.
    fn with_scope(&self, target: String) -> String {
        let mut out = target;
        for (name, p) in &self.bindings {
            out.push(SCOPE);
            out.push_str(name);
            out.push(SCOPE);
            out.push_str(p);
        }
        out
    }

    /// Enters the resource whose root is at `ptr`: its dynamic anchors bind
    /// where no outer resource bound them. Returns the length to restore.
    fn enter_resource(&mut self, ptr: &str) -> usize {
        let mark = self.bindings.len();
        for (name, p) in self.doc.dynamic_anchors(ptr) {
            if !self.bindings.iter().any(|(n, _)| n == name) {
                self.bindings.push((name.clone(), p.clone()));
            }
        }
        mark
    }

    /// A keyword corral cannot enforce: an error, or (lenient) a note.
    pub fn unsupported(&mut self, ptr: &str, kw: &str, msg: &str) -> Result<(), SchemaError> {
        let e = unsupported(ptr, kw, msg);
        if self.lenient {
            let a = Approximation {
                pointer: e.pointer,
                keyword: e.keyword,
                message: e.message,
            };
            // A node read more than once is noted once.
            if !self.approximations.contains(&a) {
                self.approximations.push(a);
            }
            Ok(())
        } else {
            Err(e)
        }
    }

    /// Reads the schema at `ptr`.
    pub fn read(&mut self, p: &str) -> Result<Sch, SchemaError> {
        let mut parts = p.split(SCOPE);
        let ptr = parts.next().unwrap_or(p);
        let mut scope = Vec::new();
        while let (Some(name), Some(at)) = (parts.next(), parts.next()) {
            scope.push((name.to_owned(), at.to_owned()));
        }
        let v = self
            .doc
            .at(ptr)
            .ok_or_else(|| err(ptr, "$ref", "points at nothing"))?;
        let outer = std::mem::replace(&mut self.bindings, scope);
        // A reference into a resource enters it.
        if let Some(res) = self.doc.dynamic_resource_of(ptr).map(str::to_owned) {
            self.enter_resource(&res);
        }
        let r = self.read_value(v, ptr);
        self.bindings = outer;
        r
    }

    pub fn read_value(&mut self, v: &Value, ptr: &str) -> Result<Sch, SchemaError> {
        match v {
            Value::Bool(true) => Ok(Sch::True),
            Value::Bool(false) => Ok(Sch::False),
            Value::Object(m) => self.read_object(m, ptr),
            _ => Err(err(ptr, "", "a schema must be an object or a boolean")),
        }
    }

    fn sub(
        &mut self,
        m: &Map<String, Value>,
        ptr: &str,
        kw: &str,
    ) -> Result<Option<Sch>, SchemaError> {
        match m.get(kw) {
            None => Ok(None),
            Some(v) => Ok(Some(
                self.read_value(v, &format!("{ptr}/{}", escape_token(kw)))?,
            )),
        }
    }

    fn list(&mut self, v: &Value, ptr: &str, kw: &str) -> Result<Vec<Sch>, SchemaError> {
        let xs = v
            .as_array()
            .ok_or_else(|| err(ptr, kw, format!("{kw} must be an array of schemas")))?;
        xs.iter()
            .enumerate()
            .map(|(i, x)| self.read_value(x, &format!("{ptr}/{kw}/{i}")))
            .collect()
    }

    fn map(&mut self, v: &Value, ptr: &str, kw: &str) -> Result<Vec<(String, Sch)>, SchemaError> {
        let m = v
            .as_object()
            .ok_or_else(|| err(ptr, kw, format!("{kw} must be an object")))?;
        m.iter()
            .map(|(k, x)| {
                Ok((
                    k.clone(),
                    self.read_value(x, &format!("{ptr}/{kw}/{}", escape_token(k)))?,
                ))
            })
            .collect()
    }

    fn read_object(&mut self, m: &Map<String, Value>, ptr: &str) -> Result<Sch, SchemaError> {
        let mark = self.enter_resource(ptr);
        let r = self.read_object_in_scope(m, ptr);
        self.bindings.truncate(mark);
        r
    }

    /// The target of a `$ref`, `$dynamicRef` or `$recursiveRef` in `m`
    /// (keyword, pointer with the dynamic scope), if any.
    fn reference(
        &mut self,
        m: &Map<String, Value>,
        ptr: &str,
    ) -> Result<Option<(&'static str, String)>, SchemaError> {
        let kws: Vec<&'static str> = ["$ref", "$dynamicRef", "$recursiveRef"]
            .into_iter()
            .filter(|k| m.contains_key(*k))
            .collect();
        let Some(&kw) = kws.first() else {
            return Ok(None);
        };
        if kws.len() > 1 {
            return Err(unsupported(ptr, kws[1], format!("{} beside {kw}", kws[1])));
        }
        let r = m[kw]
            .as_str()
            .ok_or_else(|| err(ptr, kw, format!("{kw} must be a string")))?;
        let target = self
            .doc
            .resolve(ptr, r)
            .map_err(|e| at_failure(ptr, kw, e))?;
        // The name a dynamic reference may rebind, if its first target
        // declares it.
        let name = match kw {
            "$dynamicRef" => r
                .rsplit_once('#')
                .map(|x| x.1)
                .filter(|f| !f.is_empty() && !f.starts_with('/'))
                .filter(|f| {
                    self.doc
                        .at(&target)
                        .and_then(|v| v.get("$dynamicAnchor"))
                        .and_then(Value::as_str)
                        == Some(f)
                }),
            "$recursiveRef" => (self.doc.at(&target).and_then(|v| v.get("$recursiveAnchor"))
                == Some(&Value::Bool(true)))
            .then_some(""),
            _ => None,
        };
        let target = match name.and_then(|n| self.bindings.iter().find(|(b, _)| b == n)) {
            Some((_, outer)) => outer.clone(),
            None => target,
        };
        Ok(Some((kw, self.with_scope(target))))
    }

    fn read_object_in_scope(
        &mut self,
        m: &Map<String, Value>,
        ptr: &str,
    ) -> Result<Sch, SchemaError> {
        let draft = self.doc.draft;
        if let Some((kw, target)) = self.reference(m, ptr)? {
            let only_ref = m
                .keys()
                .all(|k| k == kw || ANNOTATIONS.contains(&k.as_str()));
            if draft <= Draft::D7 || only_ref {
                return Ok(Sch::Ref(target));
            }
            let mut rest = m.clone();
            rest.remove(kw);
            let up = rest.remove("unevaluatedProperties");
            let ui = rest.remove("unevaluatedItems");
            let siblings = self.read_object(&rest, ptr)?;
            // Siblings first: their properties come first in the order.
            let both = self.all(&siblings, &Sch::Ref(target))?;
            if up.is_none() && ui.is_none() {
                return Ok(both);
            }
            // unevaluated* see what the reference and the siblings evaluate.
            let mut n = self.node_of(&both, ptr)?;
            if let Some(v) = up {
                n.uneval_props =
                    Some(self.read_value(&v, &format!("{ptr}/unevaluatedProperties"))?);
            }
            if let Some(v) = ui {
                n.uneval_items = Some(self.read_value(&v, &format!("{ptr}/unevaluatedItems"))?);
            }
            return Ok(Sch::Node(Rc::new(n)));
        }
        let mut n = Node::any(ptr);
        let mut all_of = Vec::new();
        let mut uneval_props = None;
        let mut uneval_items = None;
        let at = |kw: &str| format!("{ptr}/{}", escape_token(kw));
        for (kw, v) in m {
            let kw = kw.as_str();
            if !in_draft(kw, draft) {
                continue; // not a keyword of this draft: validators ignore it
            }
            match kw {
                "type" => {
                    let names: Vec<&Value> = match v {
                        Value::Array(xs) => xs.iter().collect(),
                        x => vec![x],
                    };
                    let mut t = 0;
                    for name in names {
                        t |= match name.as_str() {
                            Some("null") => NULL,
                            Some("boolean") => BOOL,
                            Some("integer") => INT,
                            Some("number") => INT | FRAC,
                            Some("string") => STR,
                            Some("array") => ARR,
                            Some("object") => OBJ,
                            _ => return Err(err(ptr, kw, format!("unknown type {name}"))),
                        };
                    }
                    n.types &= t;
                }
                "enum" | "const" => {
                    let xs = match v {
                        _ if kw == "const" => vec![v.clone()],
                        Value::Array(xs) => xs.clone(),
                        _ => return Err(err(ptr, kw, "enum must be an array")),
                    };
                    // Both keywords constrain the one value: the values
                    // both allow (by JSON equality, 1 == 1.0).
                    n.consts = Some(match n.consts.take() {
                        None => xs,
                        Some(prev) => prev
                            .into_iter()
                            .filter(|p| xs.iter().any(|x| json_eq(p, x)))
                            .collect(),
                    });
                }
                "minLength" => n.min_len = count(v, ptr, kw)?,
                "maxLength" => n.max_len = Some(count(v, ptr, kw)?),
                "pattern" => {
                    let p = v
                        .as_str()
                        .ok_or_else(|| err(ptr, kw, "pattern must be a string"))?;
                    n.patterns.push((p.to_owned(), at(kw)));
                }
                "format" => {
                    let f = v
                        .as_str()
                        .ok_or_else(|| err(ptr, kw, "format must be a string"))?;
                    if formats::format_regex(f).is_some() {
                        n.formats.push((f.to_owned(), at(kw)));
                    } else {
                        // JSON Schema makes format assertion optional (an
                        // annotation from 2019-09 on): a format corral cannot
                        // check is kept as one, and said so.
                        let note = format!(
                            "format {f:?} at #{ptr} is not enforced (corral has no language for it; JSON Schema treats format as an annotation)"
                        );
                        if !self.warnings.contains(&note) {
                            self.warnings.push(note);
                        }
                    }
                }
                "minimum" | "exclusiveMinimum" | "maximum" | "exclusiveMaximum" => {
                    if v.is_boolean() {
                        if draft > Draft::D4 {
                            return Err(err(ptr, kw, format!("{kw} must be a number")));
                        }
                        continue; // draft 4: a flag on minimum / maximum
                    }
                    let d = number(v, ptr, kw)?;
                    let flag = |f: &str| m.get(f).and_then(Value::as_bool).unwrap_or(false);
                    match kw {
                        "minimum" => {
                            n.lo = tighter_lo(
                                n.lo.take(),
                                Some((d, draft == Draft::D4 && flag("exclusiveMinimum"))),
                            )
                        }
                        "exclusiveMinimum" => n.lo = tighter_lo(n.lo.take(), Some((d, true))),
                        "maximum" => {
                            n.hi = tighter_hi(
                                n.hi.take(),
                                Some((d, draft == Draft::D4 && flag("exclusiveMaximum"))),
                            )
                        }
                        _ => n.hi = tighter_hi(n.hi.take(), Some((d, true))),
                    }
                }
                "multipleOf" => {
                    let d = number(v, ptr, kw)?;
                    if d.neg || d.is_zero() {
                        return Err(err(ptr, kw, "multipleOf must be positive"));
                    }
                    n.multiples.push(d);
                }
                "items" => {
                    if v.is_array() {
                        // Draft 2019-09 and earlier: a tuple.
                        n.prefix = self.list(v, ptr, kw)?;
                        if let Some(a) = self.sub(m, ptr, "additionalItems")? {
                            n.items = Some(a);
                        }
                    } else {
                        n.items = Some(self.read_value(v, &at(kw))?);
                    }
                }
                "prefixItems" => {
                    n.prefix = self.list(v, ptr, kw)?;
                }
                "additionalItems" => {} // with a tuple `items` (above)
                "minItems" => n.min_items = count(v, ptr, kw)?,
                "maxItems" => n.max_items = Some(count(v, ptr, kw)?),
                "contains" => {
                    let c = self.read_value(v, &at(kw))?;
                    let min = match m.get("minContains") {
                        Some(x) if draft >= Draft::D2019 => count(x, ptr, "minContains")?,
                        _ => 1,
                    };
                    let max = match m.get("maxContains") {
                        Some(x) if draft >= Draft::D2019 => Some(count(x, ptr, "maxContains")?),
                        _ => None,
                    };
                    n.contains = Some((c, min, max));
                }
                "minContains" | "maxContains" => {}
                "uniqueItems" if v.as_bool() == Some(true) => n.unique = Some(at(kw)),
                "uniqueItems" => {}
                "properties" => n.props = self.map(v, ptr, kw)?,
                "patternProperties" => {
                    n.pattern_props = self.map(v, ptr, kw)?;
                    for (p, _) in &n.pattern_props {
                        text::ecma_to_rust(p).map_err(|e| at_failure(ptr, kw, e))?;
                    }
                }
                "additionalProperties" => n.additional = Some(self.read_value(v, &at(kw))?),
                "propertyNames" => n.names = Some(self.read_value(v, &at(kw))?),
                "required" => {
                    let xs = v
                        .as_array()
                        .ok_or_else(|| err(ptr, kw, "required must be an array of strings"))?;
                    for x in xs {
                        let k = x
                            .as_str()
                            .ok_or_else(|| err(ptr, kw, "required must be an array of strings"))?;
                        if !n.required.iter().any(|r| r == k) {
                            n.required.push(k.to_owned());
                        }
                    }
                }
                "minProperties" => n.min_props = count(v, ptr, kw)?,
                "maxProperties" => n.max_props = Some(count(v, ptr, kw)?),
                "dependentRequired" | "dependencies" | "dependentSchemas" => {
                    let mm = v
                        .as_object()
                        .ok_or_else(|| err(ptr, kw, format!("{kw} must be an object")))?;
                    for (k, d) in mm {
                        match d {
                            Value::Array(xs) if kw != "dependentSchemas" => {
                                let reqs = xs
                                    .iter()
                                    .map(|x| x.as_str().map(str::to_owned))
                                    .collect::<Option<Vec<_>>>()
                                    .ok_or_else(|| {
                                        err(ptr, kw, "dependencies must list strings")
                                    })?;
                                n.dep_required.push((k.clone(), reqs));
                            }
                            _ if kw != "dependentRequired" => {
                                let s =
                                    self.read_value(d, &format!("{}/{}", at(kw), escape_token(k)))?;
                                n.dep_schemas.push((k.clone(), s));
                            }
                            _ => return Err(err(ptr, kw, "dependentRequired must list strings")),
                        }
                    }
                }
                "allOf" => all_of = self.list(v, ptr, kw)?,
                "anyOf" => {
                    let xs = self.list(v, ptr, kw)?;
                    n.any_of.push(xs);
                }
                "oneOf" => {
                    let xs = self.list(v, ptr, kw)?;
                    n.one_of.push((xs, at(kw)));
                }
                "not" => {
                    let s = self.read_value(v, &at(kw))?;
                    n.nots.push((s, at(kw)));
                }
                "if" => {
                    let c = self.read_value(v, &at(kw))?;
                    let t = self.sub(m, ptr, "then")?.unwrap_or(Sch::True);
                    let e = self.sub(m, ptr, "else")?.unwrap_or(Sch::True);
                    n.conds.push((c, t, e));
                }
                "then" | "else" => {}
                "unevaluatedProperties" => uneval_props = Some(self.read_value(v, &at(kw))?),
                "unevaluatedItems" => uneval_items = Some(self.read_value(v, &at(kw))?),
                _ => {} // annotations and unknown keywords constrain nothing
            }
        }
        // What this object's own keywords evaluate.
        n.eval_keys = n.props.iter().map(|(k, _)| k.clone()).collect();
        n.eval_patterns = n.pattern_props.iter().map(|(p, _)| p.clone()).collect();
        n.eval_all_keys = n.additional.is_some();
        n.eval_prefix = n.prefix.len();
        n.eval_all_items = n.items.is_some();
        // allOf last, once the siblings are all read.
        for part in all_of {
            let pn = self.node_of(&part, ptr)?;
            n = self.intersect(&n, &pn)?;
        }
        // unevaluated* after everything in place (allOf, $ref) is merged.
        // One inherited through allOf / $ref still applies, and it
        // evaluates every key (or item) its own schema did not: this
        // node's own is then vacuous.
        if n.uneval_props.is_none() {
            n.uneval_props = uneval_props;
        }
        if n.uneval_items.is_none() {
            n.uneval_items = uneval_items;
        }
        if n.uneval_items.is_some() && n.contains.is_some() {
            self.unsupported(
                ptr,
                "unevaluatedItems",
                "unevaluatedItems together with contains",
            )?;
            n.uneval_items = None;
        }
        Ok(Sch::Node(Rc::new(n)))
    }
}

/// Whether `kw` is a keyword of `draft` (others are ignored, as validators
/// of that draft ignore them).
fn in_draft(kw: &str, draft: Draft) -> bool {
    match kw {
        "const" | "contains" | "propertyNames" => draft >= Draft::D6,
        "if" | "then" | "else" => draft >= Draft::D7,
        "dependentRequired"
        | "dependentSchemas"
        | "unevaluatedProperties"
        | "unevaluatedItems"
        | "minContains"
        | "maxContains" => draft >= Draft::D2019,
        "prefixItems" => draft >= Draft::D2020,
        _ => true,
    }
}
