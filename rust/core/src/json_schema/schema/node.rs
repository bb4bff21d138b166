//! The normalized form: a schema ([`Sch`]) is `true`, `false`, a
//! reference, a lazy intersection, or a [`Node`] (per-type constraints plus
//! combinators); with the type bits and the helpers on JSON values and
//! bounds that every pass shares.

use std::rc::Rc;

use serde_json::Value;

use crate::json_schema::numbers::Dec;
use crate::json_schema::options::Draft;

pub(crate) const NULL: u8 = 1;
pub(crate) const BOOL: u8 = 2;
/// Integer-valued numbers.
pub(crate) const INT: u8 = 4;
/// Numbers that are not integers.
pub(crate) const FRAC: u8 = 8;
pub(crate) const STR: u8 = 16;
pub(crate) const ARR: u8 = 32;
pub(crate) const OBJ: u8 = 64;
pub(crate) const ALL: u8 = 127;

/// A schema: `true`, `false`, a reference (by absolute pointer), or a node.
#[derive(Debug, Clone)]
pub(crate) enum Sch {
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
pub(crate) struct Node {
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
    /// Object and array values this node's must not be (branches of a
    /// `oneOf` that may overlap it): the matcher checks where the value
    /// closes.
    pub excl: Vec<Sch>,
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
            excl: Vec::new(),
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
    pub(super) fn string_part(&self) -> Node {
        let mut n = Node::any(&self.ptr);
        n.types = STR;
        n.min_len = self.min_len;
        n.max_len = self.max_len;
        n.patterns = self.patterns.clone();
        n.formats = self.formats.clone();
        n.not_strings = self.not_strings.clone();
        n
    }

    pub(super) fn number_part(&self) -> Node {
        let mut n = Node::any(&self.ptr);
        n.types = self.types & (INT | FRAC);
        n.lo = self.lo.clone();
        n.hi = self.hi.clone();
        n.multiples = self.multiples.clone();
        n.not_numbers = self.not_numbers.clone();
        n
    }
}

pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
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
pub(crate) fn type_of(v: &Value, draft: Draft) -> u8 {
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

pub(super) fn tighter_lo(a: Option<(Dec, bool)>, b: Option<(Dec, bool)>) -> Option<(Dec, bool)> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) => Some(if x.0 > y.0 || (x.0 == y.0 && x.1) {
            x
        } else {
            y
        }),
    }
}

pub(super) fn tighter_hi(a: Option<(Dec, bool)>, b: Option<(Dec, bool)>) -> Option<(Dec, bool)> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) => Some(if x.0 < y.0 || (x.0 == y.0 && x.1) {
            x
        } else {
            y
        }),
    }
}

/// A key identifying a conjunct (references by pointer, nodes by content).
/// A node's key, its whole content written out, is remembered for the
/// compile on this thread ([`forget_conj_keys`]): intersections ask for
/// the keys of the same nodes many times.
pub(crate) fn conj_key(x: &Sch) -> Rc<str> {
    match x {
        Sch::Ref(p) => format!("@{p}").into(),
        Sch::Node(n) => CONJ_KEYS.with(|keys| {
            let ptr = Rc::as_ptr(n);
            if let Some((_, k)) = keys.borrow().get(&ptr) {
                return k.clone();
            }
            let k: Rc<str> = format!("{x:?}").into();
            // The node is kept with its key, so its address is not reused
            // while the key is remembered.
            keys.borrow_mut().insert(ptr, (n.clone(), k.clone()));
            k
        }),
        other => format!("{other:?}").into(),
    }
}

/// Whether two lists of conjuncts have the same keys, in order.
pub(crate) fn same_conjuncts(a: &[Sch], b: &[Sch]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| conj_key(x) == conj_key(y))
}

type ConjKeys = rustc_hash::FxHashMap<*const Node, (Rc<Node>, Rc<str>)>;

thread_local! {
    static CONJ_KEYS: std::cell::RefCell<ConjKeys> = std::cell::RefCell::default();
}

/// Forgets the keys [`conj_key`] remembered on this thread (at the start
/// and end of each compile).
pub(crate) fn forget_conj_keys() {
    CONJ_KEYS.with(|keys| std::mem::take(&mut *keys.borrow_mut()));
}
