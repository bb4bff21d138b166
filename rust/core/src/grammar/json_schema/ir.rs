//! Schemas read into one normalized form: a [`Node`] is a conjunction of
//! per-type constraints plus combinators (`anyOf`, `oneOf`, `not`,
//! `if`/`then`/`else`, dependencies) that [`Reader::expand`] turns into a
//! union of plain nodes. `allOf` is schema intersection ([`Reader::all`]),
//! `not` is pushed down to per-type complements where JSON Schema makes
//! that exact ([`Reader::negate`]). `$ref` stays a reference ([`Sch::Ref`])
//! so recursive schemas become recursive rules.

use std::rc::Rc;

use serde_json::{Map, Value};

use super::error::{error as err, limit_error, Approximation, SchemaError};
use super::numbers::Dec;
use super::options::{Draft, DEFAULT_MAX_OVERLAPS};
use super::overlap::Overlap;
use super::resolve::{escape_token, Doc};
use super::{formats, text};

pub const NULL: u8 = 1;
pub const BOOL: u8 = 2;
/// Integer-valued numbers.
pub const INT: u8 = 4;
/// Numbers that are not integers.
pub const FRAC: u8 = 8;
pub const STR: u8 = 16;
pub const ARR: u8 = 32;
pub const OBJ: u8 = 64;
pub const ALL: u8 = 127;

/// A schema: `true`, `false`, a reference (by absolute pointer), or a node.
#[derive(Debug, Clone)]
pub enum Sch {
    True,
    False,
    Ref(String),
    /// An intersection involving references, kept lazy so that
    /// intersecting recursive schemas stays finite: it becomes one rule per
    /// distinct set of conjuncts (references and nodes, sorted by key).
    All(Rc<[Sch]>),
    Node(Rc<Node>),
}

#[derive(Debug, Clone)]
pub struct Node {
    /// Where the node was read (for messages).
    pub ptr: String,
    pub types: u8,
    pub consts: Option<Vec<Value>>,
    pub not_consts: Vec<Value>,
    // Strings.
    pub min_len: u64,
    pub max_len: Option<u64>,
    /// ECMA-262 patterns with their pointers.
    pub patterns: Vec<(String, String)>,
    pub formats: Vec<(String, String)>,
    /// String constraints the string must not satisfy (from `not`).
    pub not_strings: Vec<Node>,
    // Numbers.
    pub lo: Option<(Dec, bool)>,
    pub hi: Option<(Dec, bool)>,
    pub multiples: Vec<Dec>,
    pub not_numbers: Vec<Node>,
    // Arrays.
    pub prefix: Vec<Sch>,
    /// Items past `prefix` (None: any).
    pub items: Option<Sch>,
    pub min_items: u64,
    pub max_items: Option<u64>,
    /// (schema, minContains, maxContains).
    pub contains: Option<(Sch, u64, Option<u64>)>,
    pub unique: Option<String>,
    // Objects.
    pub props: Vec<(String, Sch)>,
    pub pattern_props: Vec<(String, Sch)>,
    /// Keys neither in `props` nor matching a pattern (None: the default).
    pub additional: Option<Sch>,
    pub names: Option<Sch>,
    pub required: Vec<String>,
    pub min_props: u64,
    pub max_props: Option<u64>,
    pub dep_required: Vec<(String, Vec<String>)>,
    pub dep_schemas: Vec<(String, Sch)>,
    // What successful applicators evaluated (for unevaluated*); negations
    // evaluate nothing.
    pub eval_keys: Vec<String>,
    pub eval_patterns: Vec<String>,
    pub eval_all_keys: bool,
    pub eval_prefix: usize,
    pub eval_all_items: bool,
    pub uneval_props: Option<Sch>,
    pub uneval_items: Option<Sch>,
    // Combinators.
    pub any_of: Vec<Vec<Sch>>,
    pub one_of: Vec<(Vec<Sch>, String)>,
    pub nots: Vec<(Sch, String)>,
    pub conds: Vec<(Sch, Sch, Sch)>,
}

impl Node {
    pub fn any(ptr: &str) -> Node {
        Node {
            ptr: ptr.to_owned(),
            types: ALL,
            consts: None,
            not_consts: Vec::new(),
            min_len: 0,
            max_len: None,
            patterns: Vec::new(),
            formats: Vec::new(),
            not_strings: Vec::new(),
            lo: None,
            hi: None,
            multiples: Vec::new(),
            not_numbers: Vec::new(),
            prefix: Vec::new(),
            items: None,
            min_items: 0,
            max_items: None,
            contains: None,
            unique: None,
            props: Vec::new(),
            pattern_props: Vec::new(),
            additional: None,
            names: None,
            required: Vec::new(),
            min_props: 0,
            max_props: None,
            dep_required: Vec::new(),
            dep_schemas: Vec::new(),
            eval_keys: Vec::new(),
            eval_patterns: Vec::new(),
            eval_all_keys: false,
            eval_prefix: 0,
            eval_all_items: false,
            uneval_props: None,
            uneval_items: None,
            any_of: Vec::new(),
            one_of: Vec::new(),
            nots: Vec::new(),
            conds: Vec::new(),
        }
    }

    pub fn has_combinators(&self) -> bool {
        !self.any_of.is_empty()
            || !self.one_of.is_empty()
            || !self.nots.is_empty()
            || !self.conds.is_empty()
            || !self.dep_required.is_empty()
            || !self.dep_schemas.is_empty()
    }

    pub fn has_string_constraints(&self) -> bool {
        self.min_len > 0
            || self.max_len.is_some()
            || !self.patterns.is_empty()
            || !self.formats.is_empty()
            || !self.not_strings.is_empty()
    }

    pub fn has_number_constraints(&self) -> bool {
        self.lo.is_some()
            || self.hi.is_some()
            || !self.multiples.is_empty()
            || !self.not_numbers.is_empty()
    }

    pub fn has_array_constraints(&self) -> bool {
        !self.prefix.is_empty()
            || self.items.is_some()
            || self.min_items > 0
            || self.max_items.is_some()
            || self.contains.is_some()
            || self.unique.is_some()
    }

    pub fn has_object_constraints(&self) -> bool {
        !self.props.is_empty()
            || !self.pattern_props.is_empty()
            || self.additional.is_some()
            || self.names.is_some()
            || !self.required.is_empty()
            || self.min_props > 0
            || self.max_props.is_some()
    }

    /// Only one `anyOf` or `oneOf` and nothing else: its branches can be
    /// compiled each on its own.
    pub fn bare_union(&self) -> Option<(&[Sch], bool)> {
        let plain = self.types == ALL
            && self.consts.is_none()
            && self.not_consts.is_empty()
            && !self.has_string_constraints()
            && !self.has_number_constraints()
            && !self.has_array_constraints()
            && !self.has_object_constraints()
            && self.nots.is_empty()
            && self.conds.is_empty()
            && self.dep_required.is_empty()
            && self.dep_schemas.is_empty()
            && self.uneval_props.is_none()
            && self.uneval_items.is_none();
        if !plain {
            return None;
        }
        match (self.any_of.as_slice(), self.one_of.as_slice()) {
            ([g], []) => Some((g, false)),
            ([], [(g, _)]) => Some((g, true)),
            _ => None,
        }
    }

    /// Only the string constraints (types: strings).
    fn string_part(&self) -> Node {
        let mut n = Node::any(&self.ptr);
        n.types = STR;
        n.min_len = self.min_len;
        n.max_len = self.max_len;
        n.patterns = self.patterns.clone();
        n.formats = self.formats.clone();
        n.not_strings = self.not_strings.clone();
        n
    }

    fn number_part(&self) -> Node {
        let mut n = Node::any(&self.ptr);
        n.types = self.types & (INT | FRAC);
        n.lo = self.lo.clone();
        n.hi = self.hi.clone();
        n.multiples = self.multiples.clone();
        n.not_numbers = self.not_numbers.clone();
        n
    }
}

/// Keywords that only annotate (never constrain).
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "id",
    "$anchor",
    "$dynamicAnchor",
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

pub struct Reader<'a> {
    pub doc: Doc<'a>,
    pub lenient: bool,
    pub approximations: Vec<Approximation>,
    /// Notes for the grammar's warnings (formats kept as annotations).
    pub warnings: Vec<String>,
    depth: u32,
    /// Intersections so far (a budget).
    work: u64,
    /// Pattern DFAs for disjointness checks.
    overlap: Overlap,
    /// [`Options::max_overlaps`](super::Options::max_overlaps).
    pub max_overlaps: usize,
}

const MAX_DEPTH: u32 = 64;
/// Most intersections one compile may compute.
const MAX_WORK: u64 = 200_000;
/// Most alternatives a combinator expansion may produce.
const MAX_ALTERNATIVES: usize = 256;

pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            match (Dec::parse(&x.to_string()), Dec::parse(&y.to_string())) {
                (Some(p), Some(q)) => p == q,
                _ => x == y,
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// The type bit of a value.
pub fn type_of(v: &Value, draft: Draft) -> u8 {
    match v {
        Value::Null => NULL,
        Value::Bool(_) => BOOL,
        Value::Number(n) => {
            let int = if draft == Draft::D4 {
                n.is_i64() || n.is_u64()
            } else {
                Dec::parse(&n.to_string()).is_some_and(|d| d.is_integer())
            };
            if int {
                INT
            } else {
                FRAC
            }
        }
        Value::String(_) => STR,
        Value::Array(_) => ARR,
        Value::Object(_) => OBJ,
    }
}

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
        Value::Number(n) => Dec::parse(&n.to_string()).ok_or_else(|| {
            err(
                ptr,
                kw,
                format!("not supported: {kw} {n} (too large to spell out)"),
            )
        }),
        _ => Err(err(ptr, kw, format!("{kw} must be a number"))),
    }
}

fn tighter_lo(a: Option<(Dec, bool)>, b: Option<(Dec, bool)>) -> Option<(Dec, bool)> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) => Some(if x.0 > y.0 || (x.0 == y.0 && x.1) {
            x
        } else {
            y
        }),
    }
}

fn tighter_hi(a: Option<(Dec, bool)>, b: Option<(Dec, bool)>) -> Option<(Dec, bool)> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) => Some(if x.0 < y.0 || (x.0 == y.0 && x.1) {
            x
        } else {
            y
        }),
    }
}

/// Whether two numeric ranges (bound, exclusive?) share no number.
fn ranges_apart(
    alo: &Option<(Dec, bool)>,
    ahi: &Option<(Dec, bool)>,
    blo: &Option<(Dec, bool)>,
    bhi: &Option<(Dec, bool)>,
) -> bool {
    let below = |hi: &Option<(Dec, bool)>, lo: &Option<(Dec, bool)>| match (hi, lo) {
        (Some((h, hs)), Some((l, ls))) => h < l || (h == l && (*hs || *ls)),
        _ => false,
    };
    below(ahi, blo) || below(bhi, alo)
}

/// Whether `n` holds every value of type `t` (one type bit).
fn covers_type(n: &Node, t: u8) -> bool {
    n.types & t != 0
        && n.consts.is_none()
        && n.not_consts.is_empty()
        && !n.has_combinators()
        && match t {
            INT | FRAC => !n.has_number_constraints(),
            STR => !n.has_string_constraints(),
            ARR => !n.has_array_constraints() && n.uneval_items.is_none(),
            OBJ => {
                !n.has_object_constraints()
                    && n.uneval_props.is_none()
                    && n.dep_required.is_empty()
                    && n.dep_schemas.is_empty()
            }
            _ => true,
        }
}

/// Whether two count ranges (`min..=max`) share no count.
fn counts_apart(amin: u64, amax: Option<u64>, bmin: u64, bmax: Option<u64>) -> bool {
    amax.is_some_and(|m| m < bmin) || bmax.is_some_and(|m| m < amin)
}

fn min_opt(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) => Some(x.min(y)),
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
        }
    }

    /// A keyword corral cannot enforce: an error, or (lenient) a note.
    pub fn unsupported(&mut self, ptr: &str, kw: &str, msg: &str) -> Result<(), SchemaError> {
        let e = err(ptr, kw, format!("not supported: {msg}"));
        if self.lenient {
            self.approximations.push(Approximation {
                pointer: e.pointer,
                keyword: e.keyword,
                message: e.message,
            });
            Ok(())
        } else {
            Err(e)
        }
    }

    /// Reads the schema at `ptr`.
    pub fn read(&mut self, ptr: &str) -> Result<Sch, SchemaError> {
        let v = self
            .doc
            .at(ptr)
            .ok_or_else(|| err(ptr, "$ref", "points at nothing"))?;
        self.read_value(v, ptr)
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
        let draft = self.doc.draft;
        for kw in ["$dynamicRef", "$recursiveRef"] {
            if m.contains_key(kw) {
                return Err(err(ptr, kw, format!("not supported: {kw}")));
            }
        }
        if let Some(r) = m.get("$ref") {
            let r = r
                .as_str()
                .ok_or_else(|| err(ptr, "$ref", "$ref must be a string"))?;
            let target = self.doc.resolve(ptr, r).map_err(|e| err(ptr, "$ref", e))?;
            let only_ref = m
                .keys()
                .all(|k| k == "$ref" || ANNOTATIONS.contains(&k.as_str()));
            if draft <= Draft::D7 || only_ref {
                return Ok(Sch::Ref(target));
            }
            let mut rest = m.clone();
            rest.remove("$ref");
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
                        text::ecma_to_rust(p).map_err(|e| err(&at(kw), p, e))?;
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
        // (One inherited through allOf / $ref still applies.)
        n.uneval_props = self.all_opt(&n.uneval_props.take(), &uneval_props)?;
        n.uneval_items = self.all_opt(&n.uneval_items.take(), &uneval_items)?;
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

    /// The node of a schema (references read, one level).
    pub fn node_of(&mut self, s: &Sch, ptr: &str) -> Result<Node, SchemaError> {
        match s {
            Sch::True => Ok(Node::any(ptr)),
            Sch::False => {
                let mut n = Node::any(ptr);
                n.types = 0;
                Ok(n)
            }
            Sch::Node(n) => Ok((**n).clone()),
            Sch::Ref(p) => {
                self.enter(p)?;
                let r = self.read(p).and_then(|s| self.node_of(&s, p));
                self.depth -= 1;
                r
            }
            Sch::All(xs) => {
                self.enter(ptr)?;
                let r = (|| {
                    let mut n = self.node_of(&xs[0], ptr)?;
                    for x in &xs[1..] {
                        let m = self.node_of(x, ptr)?;
                        n = self.intersect(&n, &m)?;
                    }
                    Ok(n)
                })();
                self.depth -= 1;
                r
            }
        }
    }

    /// One level deeper into references, combinators or negation.
    fn enter(&mut self, ptr: &str) -> Result<(), SchemaError> {
        if self.depth > MAX_DEPTH {
            return Err(err(
                ptr,
                "$ref",
                "not supported: references nested too deeply inside allOf/not/if (a reference cycle through intersection or negation)",
            ));
        }
        self.depth += 1;
        Ok(())
    }

    /// `a ∧ b`.
    pub fn all(&mut self, a: &Sch, b: &Sch) -> Result<Sch, SchemaError> {
        let lazy = |x: &Sch| matches!(x, Sch::Ref(_) | Sch::All(_));
        match (a, b) {
            (Sch::True, x) | (x, Sch::True) => Ok(x.clone()),
            (Sch::False, _) | (_, Sch::False) => Ok(Sch::False),
            _ if lazy(a) || lazy(b) => {
                let mut xs: Vec<Sch> = Vec::new();
                for x in [a, b] {
                    match x {
                        Sch::All(ys) => xs.extend(ys.iter().cloned()),
                        y => xs.push(y.clone()),
                    }
                }
                let mut keyed: Vec<(String, Sch)> =
                    xs.into_iter().map(|x| (conj_key(&x), x)).collect();
                keyed.sort_by(|p, q| p.0.cmp(&q.0));
                keyed.dedup_by(|p, q| p.0 == q.0);
                Ok(if keyed.len() == 1 {
                    keyed.pop().expect("one").1
                } else {
                    Sch::All(keyed.into_iter().map(|k| k.1).collect())
                })
            }
            _ => {
                self.enter("")?;
                let r = (|| {
                    let na = self.node_of(a, "")?;
                    let nb = self.node_of(b, "")?;
                    Ok(Sch::Node(Rc::new(self.intersect(&na, &nb)?)))
                })();
                self.depth -= 1;
                r
            }
        }
    }

    fn all_opt(&mut self, a: &Option<Sch>, b: &Option<Sch>) -> Result<Option<Sch>, SchemaError> {
        Ok(match (a, b) {
            (None, x) | (x, None) => x.clone(),
            (Some(x), Some(y)) => Some(self.all(x, y)?),
        })
    }

    /// The schema a key's value must satisfy under `n` (properties,
    /// matching patterns, else additionalProperties; None where nothing
    /// applies and the default decides).
    pub fn value_schema(&mut self, n: &Node, key: &str) -> Result<Option<Sch>, SchemaError> {
        let listed = n.props.iter().find(|(k, _)| k == key).map(|x| &x.1);
        self.value_schema_listed(n, key, listed)
    }

    /// [`Reader::value_schema`] given the schema `properties` lists for
    /// `key`, if any (for callers that look many keys up).
    pub fn value_schema_listed(
        &mut self,
        n: &Node,
        key: &str,
        listed: Option<&Sch>,
    ) -> Result<Option<Sch>, SchemaError> {
        let mut out: Option<Sch> = None;
        let mut matched = false;
        if let Some(s) = listed {
            out = Some(s.clone());
            matched = true;
        }
        for (p, s) in &n.pattern_props {
            if text::pattern_matches(p, key).map_err(|e| err(&n.ptr, "patternProperties", e))? {
                out = self.all_opt(&out, &Some(s.clone()))?;
                matched = true;
            }
        }
        if !matched {
            return Ok(n.additional.clone());
        }
        Ok(out)
    }

    pub fn intersect(&mut self, a: &Node, b: &Node) -> Result<Node, SchemaError> {
        self.work += 1;
        if self.work > MAX_WORK {
            return Err(err(
                &a.ptr,
                "allOf",
                format!("not supported: the schema needs more than {MAX_WORK} intersections (a combinator or reference structure too large to expand)"),
            ));
        }
        let mut n = a.clone();
        n.types &= b.types;
        n.consts = match (&a.consts, &b.consts) {
            (None, x) | (x, None) => x.clone(),
            (Some(x), Some(y)) => Some(
                x.iter()
                    .filter(|v| y.iter().any(|w| json_eq(v, w)))
                    .cloned()
                    .collect(),
            ),
        };
        n.not_consts.extend(b.not_consts.iter().cloned());
        n.min_len = a.min_len.max(b.min_len);
        n.max_len = min_opt(a.max_len, b.max_len);
        n.patterns.extend(b.patterns.iter().cloned());
        n.formats.extend(b.formats.iter().cloned());
        n.not_strings.extend(b.not_strings.iter().cloned());
        n.lo = tighter_lo(a.lo.clone(), b.lo.clone());
        n.hi = tighter_hi(a.hi.clone(), b.hi.clone());
        n.multiples.extend(b.multiples.iter().cloned());
        n.not_numbers.extend(b.not_numbers.iter().cloned());
        // Arrays: position by position.
        let len = a.prefix.len().max(b.prefix.len());
        let pos = |x: &Node, i: usize| -> Option<Sch> {
            x.prefix.get(i).cloned().or_else(|| x.items.clone())
        };
        let mut prefix = Vec::with_capacity(len);
        for i in 0..len {
            prefix.push(self.all_opt(&pos(a, i), &pos(b, i))?.unwrap_or(Sch::True));
        }
        n.prefix = prefix;
        n.items = self.all_opt(&a.items, &b.items)?;
        n.min_items = a.min_items.max(b.min_items);
        n.max_items = min_opt(a.max_items, b.max_items);
        n.contains = match (&a.contains, &b.contains) {
            (None, x) | (x, None) => x.clone(),
            (Some(_), Some(_)) => {
                return Err(err(
                    &b.ptr,
                    "contains",
                    "not supported: two contains conditions on one array (allOf)",
                ));
            }
        };
        n.unique = a.unique.clone().or_else(|| b.unique.clone());
        // Objects.
        if (!a.pattern_props.is_empty() && b.additional.is_some())
            || (!b.pattern_props.is_empty() && a.additional.is_some())
        {
            return Err(err(
                &b.ptr,
                "patternProperties",
                "not supported: allOf combining patternProperties with another branch's additionalProperties",
            ));
        }
        let mut keys: Vec<String> = a.props.iter().map(|(k, _)| k.clone()).collect();
        for (k, _) in &b.props {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
        let mut props = Vec::with_capacity(keys.len());
        for k in keys {
            let va = self.value_schema(a, &k)?;
            let vb = self.value_schema(b, &k)?;
            props.push((k, self.all_opt(&va, &vb)?.unwrap_or(Sch::True)));
        }
        n.props = props;
        n.pattern_props.extend(b.pattern_props.iter().cloned());
        n.additional = self.all_opt(&a.additional, &b.additional)?;
        n.names = self.all_opt(&a.names, &b.names)?;
        for r in &b.required {
            if !n.required.contains(r) {
                n.required.push(r.clone());
            }
        }
        n.min_props = a.min_props.max(b.min_props);
        n.max_props = min_opt(a.max_props, b.max_props);
        n.dep_required.extend(b.dep_required.iter().cloned());
        n.dep_schemas.extend(b.dep_schemas.iter().cloned());
        for k in &b.eval_keys {
            if !n.eval_keys.contains(k) {
                n.eval_keys.push(k.clone());
            }
        }
        for p in &b.eval_patterns {
            if !n.eval_patterns.contains(p) {
                n.eval_patterns.push(p.clone());
            }
        }
        n.eval_all_keys |= b.eval_all_keys;
        n.eval_prefix = n.eval_prefix.max(b.eval_prefix);
        n.eval_all_items |= b.eval_all_items;
        // An unevaluated* keyword sees only what its own schema evaluated:
        // merged with another schema's evaluations, that scope is lost.
        // (Branches of combinators may evaluate too.)
        let branches = |x: &Node| {
            !x.any_of.is_empty()
                || !x.one_of.is_empty()
                || !x.conds.is_empty()
                || !x.dep_schemas.is_empty()
        };
        let props_of = |x: &Node| {
            !x.eval_keys.is_empty() || !x.eval_patterns.is_empty() || x.eval_all_keys || branches(x)
        };
        let items_of = |x: &Node| x.eval_prefix > 0 || x.eval_all_items || branches(x);
        if (a.uneval_props.is_some() && props_of(b)) || (b.uneval_props.is_some() && props_of(a)) {
            return Err(err(
                &b.ptr,
                "unevaluatedProperties",
                "not supported: unevaluatedProperties in one branch of an intersection whose other branch evaluates properties",
            ));
        }
        if (a.uneval_items.is_some() && items_of(b)) || (b.uneval_items.is_some() && items_of(a)) {
            return Err(err(
                &b.ptr,
                "unevaluatedItems",
                "not supported: unevaluatedItems in one branch of an intersection whose other branch evaluates items",
            ));
        }
        n.uneval_props = self.all_opt(&a.uneval_props, &b.uneval_props)?;
        n.uneval_items = self.all_opt(&a.uneval_items, &b.uneval_items)?;
        // Combinators, each once (`x ∧ x` is `x`).
        let key = |xs: &[Sch]| xs.iter().map(conj_key).collect::<Vec<_>>().join("|");
        for g in &b.any_of {
            if !n.any_of.iter().any(|h| key(h) == key(g)) {
                n.any_of.push(g.clone());
            }
        }
        for (g, p) in &b.one_of {
            if !n.one_of.iter().any(|(h, _)| key(h) == key(g)) {
                n.one_of.push((g.clone(), p.clone()));
            }
        }
        for (x, p) in &b.nots {
            if !n.nots.iter().any(|(y, _)| conj_key(y) == conj_key(x)) {
                n.nots.push((x.clone(), p.clone()));
            }
        }
        for c in &b.conds {
            let k = |c: &(Sch, Sch, Sch)| {
                format!("{}?{}:{}", conj_key(&c.0), conj_key(&c.1), conj_key(&c.2))
            };
            if !n.conds.iter().any(|d| k(d) == k(c)) {
                n.conds.push(c.clone());
            }
        }
        Ok(n)
    }

    /// Plain nodes (no combinators) whose union is `n`.
    pub fn expand(&mut self, n: &Node) -> Result<Vec<Node>, SchemaError> {
        if !n.has_combinators() {
            return Ok(if self.empty(n) {
                vec![]
            } else {
                vec![n.clone()]
            });
        }
        if self.depth > MAX_DEPTH {
            return Err(err(
                &n.ptr,
                "anyOf",
                "not supported: combinators nested too deeply",
            ));
        }
        self.depth += 1;
        let r = self.expand_inner(n);
        self.depth -= 1;
        r
    }

    fn expand_inner(&mut self, n: &Node) -> Result<Vec<Node>, SchemaError> {
        let mut base = n.clone();
        // unevaluated* of this node see what its branches evaluate: set
        // aside while the branches are merged in, then put on each result.
        let uneval = (base.uneval_props.take(), base.uneval_items.take());
        base.any_of.clear();
        base.one_of.clear();
        base.nots.clear();
        base.conds.clear();
        base.dep_required.clear();
        base.dep_schemas.clear();
        // Each step: a list of alternatives to intersect with the result.
        let mut steps: Vec<Vec<Node>> = Vec::new();
        for group in &n.any_of {
            let mut alts = Vec::new();
            for s in group {
                alts.push(self.node_of(s, &n.ptr)?);
            }
            steps.push(alts);
        }
        for (group, ptr) in &n.one_of {
            steps.push(self.one_of(&base, group, ptr)?);
        }
        for (s, ptr) in &n.nots {
            let sn = self.node_of(s, ptr)?;
            steps.push(self.negate(&sn, ptr)?);
        }
        for (c, t, e) in &n.conds {
            let cn = self.node_of(c, &n.ptr)?;
            let tn = self.node_of(t, &n.ptr)?;
            let en = self.node_of(e, &n.ptr)?;
            let mut alts = vec![self.intersect(&cn, &tn)?];
            for neg in self.negate(&cn, &format!("{}/if", n.ptr))? {
                alts.push(self.intersect(&neg, &en)?);
            }
            steps.push(alts);
        }
        for (k, reqs) in &n.dep_required {
            let mut absent = Node::any(&n.ptr);
            absent.props.push((k.clone(), Sch::False));
            let mut present = Node::any(&n.ptr);
            present.types = OBJ;
            present.required.push(k.clone());
            present.required.extend(reqs.iter().cloned());
            steps.push(vec![absent, present]);
        }
        for (k, s) in &n.dep_schemas {
            let mut absent = Node::any(&n.ptr);
            absent.props.push((k.clone(), Sch::False));
            let mut present = self.node_of(s, &n.ptr)?;
            let mut req = Node::any(&n.ptr);
            req.types = OBJ;
            req.required.push(k.clone());
            present = self.intersect(&present, &req)?;
            // Non-objects satisfy a dependency trivially.
            let mut other = Node::any(&n.ptr);
            other.types = ALL & !OBJ;
            steps.push(vec![absent, present, other]);
        }
        let mut acc = vec![base];
        for alts in steps {
            let mut next = Vec::new();
            for a in &acc {
                for b in &alts {
                    let x = self.intersect(a, b)?;
                    if !self.empty(&x) {
                        next.push(x);
                    }
                }
            }
            if next.len() > MAX_ALTERNATIVES {
                return Err(err(
                    &n.ptr,
                    "anyOf",
                    format!("not supported: combinators expand to more than {MAX_ALTERNATIVES} alternatives"),
                ));
            }
            acc = next;
        }
        let mut out = Vec::new();
        for mut a in acc {
            let (p, i) = (a.uneval_props.take(), a.uneval_items.take());
            a.uneval_props = self.all_opt(&uneval.0, &p)?;
            a.uneval_items = self.all_opt(&uneval.1, &i)?;
            out.extend(self.expand(&a)?);
        }
        Ok(out)
    }

    /// Quick emptiness: no type left, or no constant left.
    pub fn empty(&self, n: &Node) -> bool {
        let t = self.effective_types(n);
        t == 0
    }

    /// The types a node's values can have.
    pub fn effective_types(&self, n: &Node) -> u8 {
        let mut t = n.types;
        if let Some(cs) = &n.consts {
            let mut ct = 0;
            for c in cs {
                if !n.not_consts.iter().any(|x| json_eq(x, c)) {
                    ct |= type_of(c, self.doc.draft);
                }
            }
            t &= ct;
        }
        if let (Some((lo, ls)), Some((hi, hs))) = (&n.lo, &n.hi) {
            if lo > hi || (lo == hi && (*ls || *hs)) {
                t &= !(INT | FRAC);
            }
        }
        // A multiple of an integer is an integer (in draft 4, `2.0` is not
        // an integer but is a multiple of 1: FRAC stays).
        if self.doc.draft != Draft::D4 && n.multiples.iter().any(Dec::is_integer) {
            t &= !FRAC;
        }
        if n.max_len.is_some_and(|m| m < n.min_len) {
            t &= !STR;
        }
        if n.max_items.is_some_and(|m| m < n.min_items) {
            t &= !ARR;
        }
        if n.max_props.is_some_and(|m| m < n.min_props) {
            t &= !OBJ;
        }
        t
    }

    /// `oneOf`: exactly one branch. When the branches are disjoint this is
    /// `anyOf`; otherwise, type by type (a value of one type satisfies
    /// exactly one branch), each branch with the others it may overlap
    /// negated.
    fn one_of(&mut self, base: &Node, group: &[Sch], ptr: &str) -> Result<Vec<Node>, SchemaError> {
        let mut nodes = Vec::new();
        let mut based = Vec::new();
        for s in group {
            let x = self.node_of(s, ptr)?;
            based.push(self.intersect(base, &x)?);
            nodes.push(x);
        }
        let mut disjoint = true;
        'outer: for (i, a) in based.iter().enumerate() {
            for b in &nodes[i + 1..] {
                if !self.disjoint(a, b)? {
                    disjoint = false;
                    break 'outer;
                }
            }
        }
        if disjoint {
            return Ok(nodes);
        }
        let attempt = self.one_of_by_type(&nodes, &based, ptr);
        match attempt {
            Ok(v) => Ok(v),
            Err(e) if e.not_supported && e.limit.is_none() => {
                self.unsupported(
                    ptr.trim_end_matches("/oneOf"),
                    "oneOf",
                    "oneOf with branches that may overlap (approximated as anyOf)",
                )?;
                Ok(nodes)
            }
            // Lenient: past the overlap budget, approximated too (strict
            // compiles say which budget).
            Err(e) if e.limit == Some("max_overlaps") && self.lenient => {
                self.unsupported(
                    ptr.trim_end_matches("/oneOf"),
                    "oneOf",
                    &format!(
                        "oneOf whose branches overlap in more ways than max_overlaps = {} (approximated as anyOf)",
                        self.max_overlaps
                    ),
                )?;
                Ok(nodes)
            }
            Err(e) => Err(e),
        }
    }

    fn one_of_by_type(
        &mut self,
        nodes: &[Node],
        based: &[Node],
        ptr: &str,
    ) -> Result<Vec<Node>, SchemaError> {
        let only = |n: &Node, t: u8| {
            let mut m = n.clone();
            m.types &= t;
            m
        };
        // Types on which the branches are pairwise apart: each branch as
        // it is. Others: branch i and not each branch j it may overlap.
        let mut apart_types = 0u8;
        let mut exact: Vec<(u8, Vec<Vec<usize>>)> = Vec::new();
        for t in [NULL, BOOL, INT, FRAC, STR, ARR, OBJ] {
            let live: Vec<usize> = (0..nodes.len())
                .filter(|&i| self.effective_types(&based[i]) & t != 0)
                .collect();
            let mut overlaps: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
            let mut any = false;
            for (x, &i) in live.iter().enumerate() {
                let a = only(&based[i], t);
                for &j in &live[x + 1..] {
                    if !self.disjoint(&a, &only(&nodes[j], t))? {
                        overlaps[i].push(j);
                        overlaps[j].push(i);
                        any = true;
                    }
                }
            }
            if any {
                exact.push((t, overlaps));
            } else {
                apart_types |= t;
            }
        }
        // A branch that takes every value of a type leaves the branches
        // it overlaps nothing of that type; otherwise each overlap is a
        // complement (a product automaton, for strings and numbers).
        let covers: Vec<Vec<bool>> = exact
            .iter()
            .map(|(t, _)| nodes.iter().map(|n| covers_type(n, *t)).collect())
            .collect();
        let complements: usize = exact
            .iter()
            .zip(&covers)
            .map(|((_, o), cov)| {
                o.iter()
                    .filter(|js| !js.iter().any(|&j| cov[j]))
                    .map(Vec::len)
                    .sum::<usize>()
            })
            .sum();
        if complements > self.max_overlaps {
            return Err(limit_error(
                ptr.trim_end_matches("/oneOf"),
                "oneOf",
                "max_overlaps",
                format!(
                    "not supported: oneOf whose branches overlap in {complements} ways (more than max_overlaps = {}; each is a branch negated inside another)",
                    self.max_overlaps
                ),
            ));
        }
        let mut out = Vec::new();
        if apart_types != 0 {
            for n in nodes {
                let x = only(n, apart_types);
                if !self.empty(&x) {
                    out.push(x);
                }
            }
        }
        for ((t, overlaps), cov) in exact.iter().zip(&covers) {
            for (i, others) in overlaps.iter().enumerate() {
                let mine = only(&nodes[i], *t);
                if self.empty(&mine) || others.iter().any(|&j| cov[j]) {
                    continue;
                }
                let mut acc = vec![mine];
                for &j in others {
                    let negs = self.negate(&only(&nodes[j], *t), ptr)?;
                    let mut next = Vec::new();
                    for a in &acc {
                        for b in &negs {
                            let x = self.intersect(a, b)?;
                            if !self.empty(&x) {
                                next.push(x);
                            }
                        }
                    }
                    if next.len() > MAX_ALTERNATIVES {
                        return Err(err(ptr, "oneOf", "not supported: oneOf expands too far"));
                    }
                    acc = next;
                    if acc.is_empty() {
                        break;
                    }
                }
                out.extend(acc);
            }
        }
        Ok(out)
    }

    /// Whether no value satisfies both (a sound check: `false` when unsure).
    pub fn disjoint(&mut self, a: &Node, b: &Node) -> Result<bool, SchemaError> {
        let ta = self.effective_types(a);
        let tb = self.effective_types(b);
        if ta & tb == 0 {
            return Ok(true);
        }
        if let (Some(x), Some(y)) = (&a.consts, &b.consts) {
            if !x.iter().any(|v| y.iter().any(|w| json_eq(v, w))) {
                return Ok(true);
            }
        }
        if let Some(x) = &a.consts {
            // Constants of a that b rejects.
            let mut all_out = true;
            for v in x {
                if self.accepts_node(b, v)? != Some(false) {
                    all_out = false;
                    break;
                }
            }
            if all_out {
                return Ok(true);
            }
        }
        if let Some(y) = &b.consts {
            let mut all_out = true;
            for v in y {
                if self.accepts_node(a, v)? != Some(false) {
                    all_out = false;
                    break;
                }
            }
            if all_out {
                return Ok(true);
            }
        }
        // Otherwise each type both allow, on its own: a value of that type
        // cannot satisfy both.
        let both = ta & tb;
        for bit in [NULL, BOOL, INT, FRAC, STR, ARR, OBJ] {
            if both & bit == 0 {
                continue;
            }
            let apart = match bit {
                INT | FRAC => ranges_apart(&a.lo, &a.hi, &b.lo, &b.hi),
                STR => {
                    counts_apart(a.min_len, a.max_len, b.min_len, b.max_len) || {
                        let pa: Vec<&str> = a.patterns.iter().map(|p| p.0.as_str()).collect();
                        let pb: Vec<&str> = b.patterns.iter().map(|p| p.0.as_str()).collect();
                        self.overlap.disjoint(&pa, &pb)
                    }
                }
                ARR => counts_apart(a.min_items, a.max_items, b.min_items, b.max_items),
                OBJ => {
                    counts_apart(a.min_props, a.max_props, b.min_props, b.max_props)
                        || self.objects_apart(a, b)?
                }
                _ => false,
            };
            if !apart {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Objects that must both carry a key with disjoint values.
    fn objects_apart(&mut self, a: &Node, b: &Node) -> Result<bool, SchemaError> {
        if self.depth > MAX_DEPTH {
            return Ok(false); // unsure (a reference cycle through values)
        }
        for k in &a.required {
            if !b.required.contains(k) {
                continue;
            }
            let (Some(va), Some(vb)) = (self.value_schema(a, k)?, self.value_schema(b, k)?) else {
                continue;
            };
            let na = self.node_of(&va, &a.ptr)?;
            let nb = self.node_of(&vb, &b.ptr)?;
            self.depth += 1;
            let apart = self.disjoint(&na, &nb);
            self.depth -= 1;
            if apart? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Nodes whose union is the complement of `n`.
    pub fn negate(&mut self, n: &Node, ptr: &str) -> Result<Vec<Node>, SchemaError> {
        self.enter(ptr)?;
        let r = self.negate_inner(n, ptr);
        self.depth -= 1;
        r
    }

    fn negate_inner(&mut self, n: &Node, ptr: &str) -> Result<Vec<Node>, SchemaError> {
        let mut out = Vec::new();
        // Not of an anyOf: the negations of all branches (intersected).
        // Not of an allOf was already intersected into n.
        if n.has_combinators() {
            let alts = self.expand(n)?;
            let mut acc = vec![Node::any(ptr)];
            for a in &alts {
                let negs = self.negate(a, ptr)?;
                let mut next = Vec::new();
                for x in &acc {
                    for y in &negs {
                        let z = self.intersect(x, y)?;
                        if !self.empty(&z) {
                            next.push(z);
                        }
                    }
                }
                if next.len() > MAX_ALTERNATIVES {
                    return Err(err(ptr, "not", "not supported: negation expands too far"));
                }
                acc = next;
            }
            return Ok(acc);
        }
        let t = n.types;
        // Values of other types.
        let mut other = Node::any(ptr);
        other.types = ALL & !t;
        out.push(other);
        if let Some(cs) = &n.consts {
            // Values of n's types other than its constants (the constants'
            // other constraints are checked: a constant n rejects is not
            // excluded).
            let mut excl = Vec::new();
            for c in cs {
                if self.accepts_node(&self.without_consts(n), c)? == Some(true) {
                    excl.push(c.clone());
                } else if self.accepts_node(&self.without_consts(n), c)?.is_none() {
                    return Err(err(
                        ptr,
                        "not",
                        "not supported: not over an enum with constraints corral cannot check",
                    ));
                }
            }
            let mut x = Node::any(ptr);
            x.types = t;
            x.not_consts = excl;
            out = vec![x];
            let mut other = Node::any(ptr);
            other.types = ALL & !t;
            out.push(other);
            return Ok(out);
        }
        if !n.not_consts.is_empty() {
            // not(not enum): the constants themselves (of n's types).
            let mut x = Node::any(ptr);
            x.types = t;
            x.consts = Some(n.not_consts.clone());
            if n.has_string_constraints()
                || n.has_number_constraints()
                || n.has_array_constraints()
                || n.has_object_constraints()
            {
                return Err(err(
                    ptr,
                    "not",
                    "not supported: not over enum exclusions with other constraints",
                ));
            }
            out.push(x);
            return Ok(out);
        }
        if t & STR != 0 && n.has_string_constraints() {
            let mut x = Node::any(ptr);
            x.types = STR;
            x.not_strings.push(n.string_part());
            out.push(x);
        }
        if t & (INT | FRAC) != 0 && n.has_number_constraints() {
            let mut x = Node::any(ptr);
            x.types = t & (INT | FRAC);
            x.not_numbers.push(n.number_part());
            out.push(x);
        }
        if t & ARR != 0 && n.has_array_constraints() {
            out.extend(self.negate_array(n, ptr)?);
        }
        if t & OBJ != 0 && n.has_object_constraints() {
            out.extend(self.negate_object(n, ptr)?);
        }
        Ok(out)
    }

    fn without_consts(&self, n: &Node) -> Node {
        let mut m = n.clone();
        m.consts = None;
        m
    }

    fn negate_array(&mut self, n: &Node, ptr: &str) -> Result<Vec<Node>, SchemaError> {
        let mut out = Vec::new();
        if !n.prefix.is_empty() || n.items.is_some() || n.contains.is_some() || n.unique.is_some() {
            return Err(err(
                ptr,
                "not",
                "not supported: not over array item constraints",
            ));
        }
        if n.min_items > 0 {
            let mut x = Node::any(ptr);
            x.types = ARR;
            x.max_items = Some(n.min_items - 1);
            out.push(x);
        }
        if let Some(m) = n.max_items {
            let mut x = Node::any(ptr);
            x.types = ARR;
            x.min_items = m + 1;
            out.push(x);
        }
        Ok(out)
    }

    fn negate_object(&mut self, n: &Node, ptr: &str) -> Result<Vec<Node>, SchemaError> {
        let mut out = Vec::new();
        if !n.pattern_props.is_empty() || n.additional.is_some() || n.names.is_some() {
            return Err(err(
                ptr,
                "not",
                "not supported: not over patternProperties, additionalProperties or propertyNames",
            ));
        }
        let obj = |ptr: &str| {
            let mut x = Node::any(ptr);
            x.types = OBJ;
            x
        };
        // A required key missing.
        for k in &n.required {
            let mut x = obj(ptr);
            x.props.push((k.clone(), Sch::False));
            out.push(x);
        }
        // A listed key present with a value its schema rejects.
        for (k, s) in &n.props {
            let sn = self.node_of(s, ptr)?;
            for neg in self.negate(&sn, ptr)? {
                if self.empty(&neg) {
                    continue;
                }
                let mut x = obj(ptr);
                x.required.push(k.clone());
                x.props.push((k.clone(), Sch::Node(Rc::new(neg))));
                out.push(x);
            }
        }
        if n.min_props > 0 {
            let mut x = obj(ptr);
            x.max_props = Some(n.min_props - 1);
            out.push(x);
        }
        if let Some(m) = n.max_props {
            let mut x = obj(ptr);
            x.min_props = m + 1;
            out.push(x);
        }
        Ok(out)
    }

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
                    if !text::pattern_matches(p, s).map_err(|e| err(ptr, "pattern", e))? {
                        return Ok(Some(false));
                    }
                }
                for (f, _) in &n.formats {
                    let re = formats::format_regex(f).expect("a known format");
                    let re = regex_automata::meta::Regex::new(&format!("^(?:{re})$"))
                        .expect("format regexes compile");
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
                                .map_err(|e| err(&n.ptr, "patternProperties", e))?;
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

/// A key identifying a conjunct (references by pointer, nodes by content).
pub fn conj_key(x: &Sch) -> String {
    match x {
        Sch::Ref(p) => format!("@{p}"),
        other => format!("{other:?}"),
    }
}

/// Whether `x` is a multiple of `m` (None if the numbers are too long).
pub fn is_multiple(x: &Dec, m: &Dec) -> Option<bool> {
    // x = X / 10^a, m = M / 10^b: x/m = X * 10^b / (M * 10^a).
    let scale = x.frac.len().max(m.frac.len());
    let big = |d: &Dec| -> Option<u128> {
        let s = format!("{}{}{}", d.int, d.frac, "0".repeat(scale - d.frac.len()));
        s.parse::<u128>().ok()
    };
    let (xv, mv) = (big(x)?, big(m)?);
    Some(mv != 0 && xv % mv == 0)
}
