//! JSON Schema → grammar IR.
//!
//! A schema is read into normalized nodes ([`schema`]), then written out as
//! rules: objects and arrays as rules over punctuation terminals, strings
//! and numbers as terminals (with intersection and complement where a
//! pattern, a length, a bound or a `not` needs them). Recursive `$ref`s
//! become recursive rules.
//!
//! Strict by default: a keyword corral cannot enforce exactly is an error
//! naming the keyword and its JSON Pointer. With `lenient`, the schema
//! compiles anyway and each approximation is reported.

mod error;
pub mod formats;
pub mod numbers;
mod options;
mod overlap;
pub mod resolve;
mod schema;
#[cfg(test)]
mod tests;
pub mod text;

use std::sync::Arc;

use regex_syntax::hir::Hir;
use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::Value;

use self::error::{error, limit_error};
pub use self::error::{Approximation, SchemaError};
use self::numbers::Dec;
pub use self::options::{
    Draft, Options, PropertyOrder, Whitespace, DEFAULT_MAX_DEPTH, DEFAULT_MAX_OVERLAPS,
    DEFAULT_MAX_RULES, DEFAULT_MAX_WHITESPACE, MAX_DEPTH_CEILING,
};
use self::schema::{conj_key, json_eq, Node, Reader, Sch, ARR, BOOL, FRAC, INT, NULL, OBJ, STR};
use super::{Grammar, NtId, Production, Source, Span, Symbol, TermExpr, TermId, Terminal};
use crate::lexer::table::needs_table;

/// The name of a schema grammar's source (in messages).
pub const SOURCE_NAME: &str = "<json schema>";

/// A compiled schema.
pub struct Compiled {
    pub grammar: Grammar,
    pub approximations: Vec<Approximation>,
}

/// Stack for compiling: schemas nest (and recurse through references)
/// deeper than a default thread's stack allows.
const COMPILE_STACK: usize = 1 << 30;

/// Compiles a schema into a grammar whose start symbol is `start`.
pub fn compile(schema: &Value, opts: &Options) -> Result<Compiled, SchemaError> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("corral-json-schema".into())
            .stack_size(COMPILE_STACK)
            .spawn_scoped(scope, || compile_here(schema, opts))
            .map_err(|e| error("", "", format!("cannot start the compile thread: {e}")))?
            .join()
            .unwrap_or_else(|_| {
                Err(error(
                    "",
                    "",
                    "internal error: the schema compiler panicked",
                ))
            })
    })
}

/// Checks that `v` nests at most `max` levels of objects and arrays,
/// without recursion: every later pass over the schema recurses at most
/// that deep (and costs at most that many times its size).
fn check_depth(v: &Value, max: u32) -> Result<(), SchemaError> {
    enum Items<'v> {
        Object(serde_json::map::Iter<'v>),
        Array(std::iter::Enumerate<std::slice::Iter<'v, Value>>),
    }
    fn items(v: &Value) -> Option<Items<'_>> {
        match v {
            Value::Object(m) => Some(Items::Object(m.iter())),
            Value::Array(xs) => Some(Items::Array(xs.iter().enumerate())),
            _ => None,
        }
    }
    // The open containers, each with the pointer token that leads to it.
    let mut stack: Vec<(String, Items<'_>)> = Vec::new();
    if let Some(it) = items(v) {
        stack.push((String::new(), it));
    }
    while let Some((_, it)) = stack.last_mut() {
        let next = match it {
            Items::Object(i) => i.next().map(|(k, x)| (resolve::escape_token(k), x)),
            Items::Array(i) => i.next().map(|(j, x)| (j.to_string(), x)),
        };
        let Some((token, x)) = next else {
            stack.pop();
            continue;
        };
        let Some(it) = items(x) else { continue };
        if stack.len() >= max as usize {
            let ptr: String = stack[1..]
                .iter()
                .map(|(t, _)| t.as_str())
                .chain([token.as_str()])
                .fold(String::new(), |acc, t| acc + "/" + t);
            return Err(limit_error(
                &ptr,
                "",
                "max_depth",
                format!("not supported: the schema nests more than max_depth = {max} levels of objects and arrays"),
            ));
        }
        stack.push((token, it));
    }
    Ok(())
}

fn compile_here(schema: &Value, opts: &Options) -> Result<Compiled, SchemaError> {
    check_depth(schema, opts.max_depth.min(MAX_DEPTH_CEILING))?;
    if opts.whitespace != Whitespace::Compact
        && (opts.item_separator != "," || opts.key_separator != ":")
    {
        return Err(error(
            "",
            "",
            "separators apply to whitespace=\"compact\" (flexible whitespace surrounds `,` and `:`)",
        ));
    }
    let draft = opts
        .draft
        .or_else(|| {
            schema
                .get("$schema")
                .and_then(Value::as_str)
                .and_then(Draft::from_uri)
        })
        .unwrap_or(Draft::D2020);
    let doc = resolve::Doc::new(schema, draft);
    let mut reader = Reader::new(doc, opts.lenient);
    reader.max_overlaps = opts.max_overlaps;
    let mut e = Emitter {
        r: reader,
        opts,
        terminals: Vec::new(),
        term_ids: FxHashMap::default(),
        nonterminals: Vec::new(),
        nt_names: FxHashMap::default(),
        productions: Vec::new(),
        refs: FxHashMap::default(),
        any: None,
        punct: None,
    };
    let start = e.nt("start");
    let root = e.r.read_value(schema, "")?;
    let mut warnings = Vec::new();
    let sym = match e.sym(&root)? {
        Some(s) => s,
        None => {
            // An empty language: a terminal that never matches.
            warnings.push(super::Diagnostic::unplaced(
                super::Severity::Warning,
                "the schema accepts no value".into(),
            ));
            let t = e.terminals.len() as TermId;
            e.terminals.push(Terminal {
                name: "NOTHING".into(),
                expr: TermExpr::Alt(Vec::new()),
                priority: 0,
                declared_only: true,
                span: Span::default(),
            });
            Symbol::T(t)
        }
    };
    let mut rhs = vec![sym];
    if let Whitespace::Flexible { max_run } = opts.whitespace {
        if max_run > 0 {
            let ws = e.term(
                "WS",
                TermExpr::Regex {
                    pattern: format!("[ \\t\\n\\r]{{1,{max_run}}}"),
                    flags: String::new(),
                    span: Span::default(),
                },
            );
            // Optional whitespace around the value.
            let lead = e.nt("ws");
            e.prod(lead, vec![]);
            e.prod(lead, vec![ws]);
            rhs = vec![Symbol::N(lead), sym, Symbol::N(lead)];
        }
    }
    e.prod(start, rhs);
    e.budget("", "")?;
    for w in e.r.warnings.drain(..) {
        warnings.push(super::Diagnostic::unplaced(super::Severity::Warning, w));
    }
    let text = serde_json::to_string(schema).unwrap_or_default();
    let grammar = Grammar {
        terminals: e.terminals,
        nonterminals: e.nonterminals,
        productions: e.productions,
        start,
        ignore: Vec::new(),
        warnings,
        sources: vec![Arc::new(Source {
            name: SOURCE_NAME.into(),
            text,
        })],
    };
    Ok(Compiled {
        grammar,
        approximations: e.r.approximations,
    })
}

#[derive(Clone, Copy)]
struct Punct {
    lbrace: Symbol,
    rbrace: Symbol,
    empty_obj: Symbol,
    lbrack: Symbol,
    rbrack: Symbol,
    empty_arr: Symbol,
    comma: Symbol,
    colon: Symbol,
}

struct Emitter<'a> {
    r: Reader<'a>,
    opts: &'a Options,
    terminals: Vec<Terminal>,
    term_ids: FxHashMap<TermExpr, TermId>,
    nonterminals: Vec<String>,
    nt_names: FxHashMap<String, u32>,
    productions: Vec<Production>,
    /// Rules of references (by pointer); None once found empty.
    refs: FxHashMap<String, Option<NtId>>,
    any: Option<NtId>,
    punct: Option<Punct>,
}

type Alts = Vec<Vec<Symbol>>;

/// The conditions a product over `e` steps (its leaves, by hash, sorted).
fn leaf_key(e: &TermExpr) -> Vec<u64> {
    use std::hash::{Hash, Hasher};
    let mut out = Vec::new();
    let mut todo = vec![e];
    while let Some(x) = todo.pop() {
        match x {
            TermExpr::And(xs) => todo.extend(xs),
            TermExpr::Alt(xs) if xs.iter().any(needs_table) => todo.extend(xs),
            TermExpr::Not(y) => todo.push(y),
            leaf => {
                let mut h = rustc_hash::FxHasher::default();
                leaf.hash(&mut h);
                out.push(h.finish());
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A terminal from a regex in regex-syntax's dialect.
fn rx(h: &Hir) -> TermExpr {
    TermExpr::Regex {
        pattern: h.to_string(),
        flags: "R".into(),
        span: Span::default(),
    }
}

/// A terminal of the JSON strings that decode to one of `strings` (with
/// printable ASCII as `\uXXXX` only with `ascii_escapes`; exclusions take
/// every spelling).
fn json_literals<S: AsRef<str>>(
    strings: impl IntoIterator<Item = S>,
    ascii_escapes: bool,
) -> TermExpr {
    let mut v: Vec<String> = strings.into_iter().map(|s| s.as_ref().to_owned()).collect();
    v.sort_unstable();
    v.dedup();
    TermExpr::JsonLiterals {
        strings: v,
        ascii_escapes,
    }
}

fn rs(p: &str) -> TermExpr {
    TermExpr::Regex {
        pattern: p.to_owned(),
        flags: "R".into(),
        span: Span::default(),
    }
}

/// The regex of the numerals equal to `d` (`2.0` for 2 unless
/// `whole_only`).
fn number_literal(d: &Dec, whole_only: bool) -> String {
    let zeros = if whole_only { "" } else { r"(?:\.0+)?" };
    if d.is_zero() {
        return format!("-?0{zeros}");
    }
    let sign = if d.neg { "-" } else { "" };
    if d.is_integer() {
        format!(r"{sign}{}{zeros}", d.int)
    } else {
        format!(r"{sign}{}\.{}0*", d.int, d.frac)
    }
}

/// Past this many listed properties, optional ones are matched by one key
/// terminal per value rule, in any order.
const MANY_KEYS: usize = 64;

/// Most required properties `property_order="any"` tracks (2^n rules).
const MAX_ANY_ORDER_REQUIRED: usize = 12;

/// Most characters a length bound spells out as a repetition.
const MAX_LENGTH_BOUND: u64 = 4096;

impl<'a> Emitter<'a> {
    fn nt(&mut self, name: &str) -> NtId {
        let n = self.nt_names.entry(name.to_owned()).or_insert(0);
        *n += 1;
        let full = if *n == 1 {
            name.to_owned()
        } else {
            format!("{name}_{n}")
        };
        self.nonterminals.push(full);
        (self.nonterminals.len() - 1) as NtId
    }

    fn prod(&mut self, lhs: NtId, rhs: Vec<Symbol>) {
        self.productions.push(Production { lhs, rhs });
    }

    /// Fails once the rules so far pass [`Options::max_rules`] (checked
    /// in every loop that unrolls, so none runs far past it).
    fn budget(&self, ptr: &str, kw: &str) -> Result<(), SchemaError> {
        if self.productions.len() <= self.opts.max_rules {
            return Ok(());
        }
        Err(limit_error(
            ptr,
            kw,
            "max_rules",
            format!(
                "not supported: the schema compiles to more than max_rules = {} grammar rules",
                self.opts.max_rules
            ),
        ))
    }

    fn term(&mut self, name: &str, expr: TermExpr) -> Symbol {
        if let Some(&t) = self.term_ids.get(&expr) {
            return Symbol::T(t);
        }
        let id = self.terminals.len() as TermId;
        let name = if self.terminals.iter().any(|t| t.name == name) {
            format!("{name}_{id}")
        } else {
            name.to_owned()
        };
        self.terminals.push(Terminal {
            name,
            expr: expr.clone(),
            priority: 0,
            declared_only: false,
            span: Span::default(),
        });
        self.term_ids.insert(expr, id);
        Symbol::T(id)
    }

    fn lit(&mut self, name: &str, s: &str) -> Symbol {
        self.term(
            name,
            TermExpr::Literal {
                value: s.to_owned(),
                ci: false,
            },
        )
    }

    /// An NT for a list of alternatives (a lone symbol stays itself).
    fn alts_sym(&mut self, name: &str, alts: Alts) -> Option<Symbol> {
        if alts.is_empty() {
            return None;
        }
        if alts.len() == 1 && alts[0].len() == 1 {
            return Some(alts[0][0]);
        }
        let nt = self.nt(name);
        for a in alts {
            self.prod(nt, a);
        }
        Some(Symbol::N(nt))
    }

    fn punct(&mut self) -> Punct {
        if let Some(p) = self.punct {
            return p;
        }
        let p = match self.opts.whitespace {
            Whitespace::Flexible { max_run } if max_run > 0 => {
                let ws = format!("[ \\t\\n\\r]{{0,{max_run}}}");
                let mut r = |name: &str, p: String| self.term(name, rs(&p));
                Punct {
                    lbrace: r("LBRACE", format!(r"\{{{ws}")),
                    rbrace: r("RBRACE", format!(r"{ws}\}}")),
                    empty_obj: r("EMPTY_OBJECT", format!(r"\{{{ws}\}}")),
                    lbrack: r("LBRACKET", format!(r"\[{ws}")),
                    rbrack: r("RBRACKET", format!(r"{ws}\]")),
                    empty_arr: r("EMPTY_ARRAY", format!(r"\[{ws}\]")),
                    comma: r("COMMA", format!(r"{ws},{ws}")),
                    colon: r("COLON", format!(r"{ws}:{ws}")),
                }
            }
            _ => {
                let (item, key) = (
                    self.opts.item_separator.clone(),
                    self.opts.key_separator.clone(),
                );
                Punct {
                    lbrace: self.lit("LBRACE", "{"),
                    rbrace: self.lit("RBRACE", "}"),
                    empty_obj: self.lit("EMPTY_OBJECT", "{}"),
                    lbrack: self.lit("LBRACKET", "["),
                    rbrack: self.lit("RBRACKET", "]"),
                    empty_arr: self.lit("EMPTY_ARRAY", "[]"),
                    comma: self.lit("COMMA", &item),
                    colon: self.lit("COLON", &key),
                }
            }
        };
        self.punct = Some(p);
        p
    }

    /// Any JSON value.
    fn any(&mut self) -> NtId {
        if let Some(a) = self.any {
            return a;
        }
        let value = self.nt("json_value");
        self.any = Some(value);
        let p = self.punct();
        let string = self.term("STRING", rx(&text::quoted(text::any_body())));
        let number = self.term("NUMBER", rs(numbers::ANY));
        let (t, f, n) = (
            self.lit("TRUE", "true"),
            self.lit("FALSE", "false"),
            self.lit("NULL", "null"),
        );
        let members = self.nt("json_members");
        let elements = self.nt("json_elements");
        let v = Symbol::N(value);
        for rhs in [
            vec![string],
            vec![number],
            vec![t],
            vec![f],
            vec![n],
            vec![p.empty_obj],
            vec![p.lbrace, Symbol::N(members), p.rbrace],
            vec![p.empty_arr],
            vec![p.lbrack, Symbol::N(elements), p.rbrack],
        ] {
            self.prod(value, rhs);
        }
        self.prod(members, vec![string, p.colon, v]);
        self.prod(
            members,
            vec![Symbol::N(members), p.comma, string, p.colon, v],
        );
        self.prod(elements, vec![v]);
        self.prod(elements, vec![Symbol::N(elements), p.comma, v]);
        value
    }

    fn sym(&mut self, s: &Sch) -> Result<Option<Symbol>, SchemaError> {
        match s {
            Sch::Node(n) => self.budget(&n.ptr, "")?,
            Sch::Ref(p) => self.budget(p, "$ref")?,
            _ => self.budget("", "")?,
        }
        match s {
            Sch::True => Ok(Some(Symbol::N(self.any()))),
            Sch::False => Ok(None),
            Sch::Ref(p) => {
                if let Some(nt) = self.refs.get(p) {
                    return Ok(nt.map(Symbol::N));
                }
                let name = ref_name(p);
                let nt = self.nt(&name);
                self.refs.insert(p.clone(), Some(nt));
                let target = self.r.read(p)?;
                let alts = match &target {
                    Sch::True => vec![vec![Symbol::N(self.any())]],
                    Sch::False => vec![],
                    Sch::Ref(_) | Sch::All(_) => match self.sym(&target)? {
                        Some(x) => vec![vec![x]],
                        None => vec![],
                    },
                    Sch::Node(n) => self.node_alts(n)?,
                };
                if alts.is_empty() {
                    self.refs.insert(p.clone(), None);
                    return Ok(None);
                }
                for a in alts {
                    self.prod(nt, a);
                }
                Ok(Some(Symbol::N(nt)))
            }
            Sch::All(xs) => {
                let key: String = xs.iter().map(conj_key).collect::<Vec<_>>().join("&");
                if let Some(nt) = self.refs.get(&key) {
                    return Ok(nt.map(Symbol::N));
                }
                let name = match xs.iter().find_map(|x| match x {
                    Sch::Ref(p) => Some(p.clone()),
                    _ => None,
                }) {
                    Some(p) => format!("all_{}", ref_name(&p)),
                    None => "all".to_owned(),
                };
                let nt = self.nt(&name);
                self.refs.insert(key.clone(), Some(nt));
                let node = self.r.node_of(s, "")?;
                let alts = self.node_alts(&node)?;
                if alts.is_empty() {
                    self.refs.insert(key, None);
                    return Ok(None);
                }
                for a in alts {
                    self.prod(nt, a);
                }
                Ok(Some(Symbol::N(nt)))
            }
            Sch::Node(n) => {
                let alts = self.node_alts(n)?;
                let name = node_name(n);
                Ok(self.alts_sym(&name, alts))
            }
        }
    }

    fn node_alts(&mut self, n: &Node) -> Result<Alts, SchemaError> {
        if let Some((group, one)) = n.bare_union() {
            let group = group.to_vec();
            let disjoint = !one || self.pairwise_disjoint(&group, &n.ptr)?;
            if disjoint {
                // Each branch its own rule: references stay references.
                let mut out = Vec::new();
                for b in &group {
                    if let Some(s) = self.sym(b)? {
                        out.push(vec![s]);
                    }
                }
                return Ok(out);
            }
        }
        let plains = self.r.expand(n)?;
        let mut out: Alts = Vec::new();
        let mut scalars = Vec::new();
        for p in &plains {
            for a in self.plain_alts(p, &mut scalars)? {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
        }
        // Number or string languages over the same conditions (a `oneOf`
        // taken as each branch without the others): one terminal each, so
        // the lexer builds one product where it would build one per
        // alternative. Languages over other conditions stay apart (their
        // product would multiply).
        let mut groups: Vec<(&'static str, Vec<u64>, Vec<TermExpr>)> = Vec::new();
        for (kind, e) in scalars {
            let key = leaf_key(&e);
            match groups.iter_mut().find(|g| g.0 == kind && g.1 == key) {
                Some(g) => {
                    if !g.2.contains(&e) {
                        g.2.push(e)
                    }
                }
                None => groups.push((kind, key, vec![e])),
            }
        }
        for (kind, _, mut es) in groups {
            let e = if es.len() == 1 {
                es.pop().expect("one")
            } else {
                TermExpr::Alt(es)
            };
            out.push(vec![self.term(kind, e)]);
        }
        Ok(out)
    }

    fn pairwise_disjoint(&mut self, group: &[Sch], ptr: &str) -> Result<bool, SchemaError> {
        let mut nodes = Vec::with_capacity(group.len());
        for b in group {
            nodes.push(self.r.node_of(b, ptr)?);
        }
        for i in 0..nodes.len() {
            for j in i + 1..nodes.len() {
                if !self.r.disjoint(&nodes[i], &nodes[j])? {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// The alternatives of a plain node; number and string languages that
    /// need a product automaton go to `scalars` (kind, language) instead.
    fn plain_alts(
        &mut self,
        n: &Node,
        scalars: &mut Vec<(&'static str, TermExpr)>,
    ) -> Result<Alts, SchemaError> {
        let t = self.r.effective_types(n);
        if let Some(cs) = &n.consts {
            return self.const_alts(n, cs);
        }
        let mut out = Vec::new();
        if n.not_consts
            .iter()
            .any(|v| (v.is_object() && t & OBJ != 0) || (v.is_array() && t & ARR != 0))
        {
            self.r.unsupported(
                &n.ptr,
                "not",
                "excluding one object or array value (not / enum under not; the exclusion is dropped)",
            )?;
        }
        let excluded = |v: &Value| n.not_consts.iter().any(|c| json_eq(c, v));
        if t & NULL != 0 && !excluded(&Value::Null) {
            out.push(vec![self.lit("NULL", "null")]);
        }
        if t & BOOL != 0 {
            if !excluded(&Value::Bool(true)) {
                out.push(vec![self.lit("TRUE", "true")]);
            }
            if !excluded(&Value::Bool(false)) {
                out.push(vec![self.lit("FALSE", "false")]);
            }
        }
        if t & (INT | FRAC) != 0 {
            if let Some(e) = self.number_expr(n, t & (INT | FRAC))? {
                if needs_table(&e) {
                    scalars.push(("NUMBER", e));
                } else {
                    out.push(vec![self.term("NUMBER", e)]);
                }
            }
        }
        if t & STR != 0 {
            if let Some(e) = self.string_expr(n, true)? {
                if needs_table(&e) {
                    scalars.push(("STRING", e));
                } else {
                    out.push(vec![self.term("STRING", e)]);
                }
            }
        }
        if t & ARR != 0 {
            out.extend(self.array_alts(n)?);
        }
        if t & OBJ != 0 {
            out.extend(self.object_alts(n)?);
        }
        Ok(out)
    }

    fn const_alts(&mut self, n: &Node, cs: &[Value]) -> Result<Alts, SchemaError> {
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
                        self.r.doc.draft == Draft::D4 && n.types & FRAC == 0,
                    )),
                    None => {
                        return Err(error(
                            &n.ptr,
                            "enum",
                            format!("not supported: the number {x}"),
                        ));
                    }
                },
                _ => out.push(self.const_seq(c)?),
            }
        }
        if !strings.is_empty() {
            let e = json_literals(strings, self.opts.ascii_escapes);
            out.push(vec![self.term("STRING", e)]);
        }
        if !nums.is_empty() {
            let e = rs(&format!("(?:{})", nums.join("|")));
            out.push(vec![self.term("NUMBER", e)]);
        }
        Ok(out)
    }

    /// The symbols spelling one constant value.
    fn const_seq(&mut self, v: &Value) -> Result<Vec<Symbol>, SchemaError> {
        let p = self.punct();
        Ok(match v {
            Value::Null => vec![self.lit("NULL", "null")],
            Value::Bool(true) => vec![self.lit("TRUE", "true")],
            Value::Bool(false) => vec![self.lit("FALSE", "false")],
            Value::String(s) => {
                vec![self.term("STRING", json_literals([s], self.opts.ascii_escapes))]
            }
            Value::Number(x) => {
                let d = Dec::parse(&x.to_string())
                    .ok_or_else(|| error("", "const", format!("not supported: the number {x}")))?;
                vec![self.term("NUMBER", rs(&number_literal(&d, false)))]
            }
            Value::Array(xs) if xs.is_empty() => vec![p.empty_arr],
            Value::Array(xs) => {
                let mut out = vec![p.lbrack];
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        out.push(p.comma);
                    }
                    out.extend(self.const_seq(x)?);
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
                    let key = json_literals([k], self.opts.ascii_escapes);
                    let mut seq = vec![self.term("KEY", key), p.colon];
                    seq.extend(self.const_seq(x)?);
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
                    out.push(self.term("KEY", json_literals([k], self.opts.ascii_escapes)));
                    out.push(p.colon);
                    out.extend(self.const_seq(x)?);
                }
                out.push(p.rbrace);
                out
            }
        })
    }

    /// The string terminal of `n` (None: no string satisfies it).
    /// `own_terminal`: the expression is a terminal by itself (not part
    /// of a complement or a union), so a length-bounded plain string can
    /// be a counter.
    fn string_expr(
        &mut self,
        n: &Node,
        own_terminal: bool,
    ) -> Result<Option<TermExpr>, SchemaError> {
        let mut parts: Vec<TermExpr> = Vec::new();
        let plain_string = n.patterns.is_empty()
            && n.formats.is_empty()
            && n.not_strings.is_empty()
            && !n.not_consts.iter().any(Value::is_string);
        let big = n.max_len.unwrap_or(n.min_len).max(n.min_len);
        let bounded = n.min_len > 0 || n.max_len.is_some();
        if own_terminal && bounded && plain_string && big < u32::MAX as u64 / 64 {
            // Only a length: a counter, whatever the bound (token walks
            // inside it are shared between counts; see `mask`).
            return Ok(Some(TermExpr::JsonString {
                min: n.min_len as u32,
                max: n.max_len.map(|m| m as u32),
            }));
        }
        if n.min_len > 0 || n.max_len.is_some() {
            if big > MAX_LENGTH_BOUND {
                let kw = if n.max_len.is_some_and(|m| m > MAX_LENGTH_BOUND) {
                    "maxLength"
                } else {
                    "minLength"
                };
                self.r.unsupported(
                    &n.ptr,
                    kw,
                    &format!("string length bounds above {MAX_LENGTH_BOUND} together with a pattern, format or excluded value (the bound is dropped)"),
                )?;
            } else {
                let body = Hir::repetition(regex_syntax::hir::Repetition {
                    min: n.min_len as u32,
                    max: n.max_len.map(|m| m as u32),
                    greedy: true,
                    sub: Box::new(text::json_char()),
                });
                parts.push(rx(&text::quoted(body)));
            }
        }
        for (p, ptr) in &n.patterns {
            match text::search_body(p) {
                Ok(h) => parts.push(rx(&text::quoted(h))),
                Err(m) if m.starts_with("not supported") => {
                    self.r.unsupported(
                        ptr.rsplit_once('/').map_or("", |x| x.0),
                        "pattern",
                        m.trim_start_matches("not supported: "),
                    )?;
                }
                Err(m) => {
                    return Err(error(
                        ptr.rsplit_once('/').map_or("", |x| x.0),
                        "pattern",
                        m,
                    ));
                }
            }
        }
        for (f, _) in &n.formats {
            let re = formats::format_regex(f).expect("a known format");
            let h = text::parse_rust(&re).expect("format regexes parse");
            let enc = text::encode(&h).expect("format regexes encode");
            parts.push(rx(&text::quoted(enc)));
            if f == "hostname" {
                let body = Hir::repetition(regex_syntax::hir::Repetition {
                    min: 0,
                    max: Some(formats::HOSTNAME_MAX),
                    greedy: true,
                    sub: Box::new(text::json_char()),
                });
                parts.push(rx(&text::quoted(body)));
            }
        }
        for ns in &n.not_strings {
            if let Some(e) = self.string_expr(ns, false)? {
                parts.push(TermExpr::Not(Box::new(e)));
            }
        }
        let excl: Vec<&str> = n.not_consts.iter().filter_map(|v| v.as_str()).collect();
        if !excl.is_empty() {
            parts.push(TermExpr::Not(Box::new(json_literals(excl, true))));
        }
        let positive = parts.iter().any(|p| !matches!(p, TermExpr::Not(_)));
        if !positive {
            parts.insert(0, rx(&text::quoted(text::any_body())));
        }
        // A pattern or format on its own is a table too where it fits
        // (minimal: past a pattern's match all text is one state, which walks
        // share); the lexer falls back to a lazy DFA where it does not.
        let table = own_terminal && (!n.patterns.is_empty() || !n.formats.is_empty());
        Ok(Some(if parts.len() == 1 && !table {
            parts.pop().expect("one part")
        } else {
            TermExpr::And(parts)
        }))
    }

    /// The number terminal of `n` for types `t` (INT and/or FRAC).
    fn number_expr(&mut self, n: &Node, t: u8) -> Result<Option<TermExpr>, SchemaError> {
        let d4 = self.r.doc.draft == Draft::D4;
        let integer = if d4 {
            numbers::INTEGER_STRICT
        } else {
            numbers::INTEGER
        };
        let excl: Vec<String> = n
            .not_consts
            .iter()
            .filter_map(|v| match v {
                Value::Number(x) => Dec::parse(&x.to_string()),
                _ => None,
            })
            .map(|d| number_literal(&d, false))
            .collect();
        let bounded = n.lo.is_some()
            || n.hi.is_some()
            || !n.multiples.is_empty()
            || !n.not_numbers.is_empty()
            || !excl.is_empty()
            || t == FRAC;
        let mut parts = Vec::new();
        parts.push(rs(if t == INT {
            integer
        } else if bounded {
            numbers::PLAIN
        } else {
            numbers::ANY
        }));
        if t == FRAC {
            parts.push(TermExpr::Not(Box::new(rs(integer))));
        }
        if let Some((lo, strict)) = &n.lo {
            parts.push(rs(&numbers::at_least(lo, *strict)));
        }
        if let Some((hi, strict)) = &n.hi {
            parts.push(rs(&numbers::at_most(hi, *strict)));
        }
        for m in &n.multiples {
            match numbers::multiple_factor(m) {
                Some((factor, scale)) if factor <= 1_000_000 => {
                    // A multiple of 1 is any integer: nothing to add where
                    // the numerals are integers already; for `number` it
                    // excludes 2.5 (and keeps 2.0).
                    if !(factor == 1 && scale == 0 && t == INT) {
                        parts.push(TermExpr::DecimalMultiple { factor, scale });
                    }
                }
                _ => {
                    self.r.unsupported(
                        &n.ptr,
                        "multipleOf",
                        "a multipleOf this large or this fine (dropped)",
                    )?;
                }
            }
        }
        for nn in &n.not_numbers {
            let tt = nn.types & (INT | FRAC);
            if let Some(e) = self.number_expr(nn, tt)? {
                parts.push(TermExpr::Not(Box::new(e)));
            }
        }
        if !excl.is_empty() {
            parts.push(TermExpr::Not(Box::new(rs(&format!(
                "(?:{})",
                excl.join("|")
            )))));
        }
        Ok(Some(if parts.len() == 1 {
            parts.pop().expect("one part")
        } else {
            TermExpr::And(parts)
        }))
    }

    fn array_alts(&mut self, n: &Node) -> Result<Alts, SchemaError> {
        let p = self.punct();
        if n.unique.is_some() && n.max_items.map_or(true, |m| m > 1) {
            if let Some(alts) = self.unique_array(n)? {
                return Ok(alts);
            }
            let ptr = n.unique.clone().unwrap_or_default();
            self.r.unsupported(
                ptr.rsplit_once('/').map_or("", |x| x.0),
                "uniqueItems",
                "uniqueItems over items that are not a small finite set (duplicates are not excluded)",
            )?;
        }
        // Items no applicator evaluated must satisfy unevaluatedItems.
        let owned;
        let n = match &n.uneval_items {
            Some(u) if !n.eval_all_items => {
                let mut m = n.clone();
                for i in n.eval_prefix..m.prefix.len() {
                    m.prefix[i] = self.r.all(&m.prefix[i], u)?;
                }
                let rest = m.items.clone().unwrap_or(Sch::True);
                m.items = Some(self.r.all(&rest, u)?);
                owned = m;
                &owned
            }
            _ => n,
        };
        let plen = n.prefix.len();
        let mut pos_syms = Vec::with_capacity(plen);
        let mut max = n.max_items;
        for (i, s) in n.prefix.iter().enumerate() {
            let x = self.sym(s)?;
            if x.is_none() {
                max = Some(max.map_or(i as u64, |m| m.min(i as u64)));
                break;
            }
            pos_syms.push(x);
        }
        let rest = n.items.clone().unwrap_or(Sch::True);
        let rest_sym = if max.map_or(true, |m| m > plen as u64) {
            let x = self.sym(&rest)?;
            if x.is_none() {
                max = Some(max.map_or(plen as u64, |m| m.min(plen as u64)));
            }
            x
        } else {
            None
        };
        let min = n.min_items;
        if max.is_some_and(|m| m < min) {
            return Ok(vec![]);
        }
        // Contains: how many elements must (and may) match.
        let contains = match &n.contains {
            Some((c, cmin, cmax)) if *cmin > 0 || cmax.is_some() => Some((c.clone(), *cmin, *cmax)),
            _ => None,
        };
        let k = (plen as u64).max(min);
        if let Some(m) = max {
            if m > k + self.opts.max_unroll as u64 {
                return Err(limit_error(
                    &n.ptr,
                    "maxItems",
                    "max_unroll",
                    format!(
                        "not supported: maxItems {m} (more than max_unroll = {} past minItems)",
                        self.opts.max_unroll
                    ),
                ));
            }
        }
        if k > self.opts.max_unroll as u64 {
            let (kw, count) = if min >= plen as u64 {
                ("minItems", min)
            } else {
                ("prefixItems", plen as u64)
            };
            return Err(limit_error(
                &n.ptr,
                kw,
                "max_unroll",
                format!(
                    "not supported: {kw} {count} (more than max_unroll = {})",
                    self.opts.max_unroll
                ),
            ));
        }
        // How far matching items are counted: to maxContains, else to
        // minContains (never past the most items there can be). Each count
        // is a rule per position: the unroll cap applies.
        if let Some((_, cmin, cmax)) = &contains {
            let cap = cmax.unwrap_or(*cmin).min(max.unwrap_or(u64::MAX));
            if cap > self.opts.max_unroll as u64 {
                let kw = if cmax.is_some_and(|m| m == cap) {
                    "maxContains"
                } else {
                    "minContains"
                };
                return Err(limit_error(
                    &n.ptr,
                    kw,
                    "max_unroll",
                    format!(
                        "not supported: {kw} {cap} (more than max_unroll = {})",
                        self.opts.max_unroll
                    ),
                ));
            }
        }
        // Element symbols at a position: (symbol, contained?).
        let mut options: FxHashMap<usize, Vec<(Symbol, u64)>> = FxHashMap::default();
        let last = match max {
            Some(m) => m as usize,
            None => k as usize,
        };
        let mut states: FxHashMap<(usize, u64), NtId> = FxHashMap::default();
        let mut work = vec![(0usize, 0u64)];
        let name = node_name(n);
        let first = self.nt(&format!("{name}_items"));
        states.insert((0, 0), first);
        while let Some((i, c)) = work.pop() {
            self.budget(
                &n.ptr,
                if contains.is_some() {
                    "contains"
                } else {
                    "items"
                },
            )?;
            let nt = states[&(i, c)];
            if let std::collections::hash_map::Entry::Vacant(slot) = options.entry(i) {
                let base = if i < plen {
                    n.prefix[i].clone()
                } else {
                    rest.clone()
                };
                let base_sym = if i < plen {
                    pos_syms.get(i).copied().flatten()
                } else {
                    rest_sym
                };
                let mut opts_i = Vec::new();
                match &contains {
                    None => {
                        if let Some(s) = base_sym {
                            opts_i.push((s, 0));
                        }
                    }
                    Some((cs, _, cmax)) => {
                        let with = self.r.all(&base, cs)?;
                        if let Some(s) = self.sym(&with)? {
                            opts_i.push((s, 1));
                        }
                        if cmax.is_some() {
                            let mut without = self.r.node_of(&base, &n.ptr)?;
                            without.nots.push((cs.clone(), n.ptr.clone()));
                            if let Some(s) = self.sym(&Sch::Node(std::rc::Rc::new(without)))? {
                                opts_i.push((s, 0));
                            }
                        } else if let Some(s) = base_sym {
                            opts_i.push((s, 0));
                        }
                    }
                }
                slot.insert(opts_i);
            }
            let count = i as u64 + 1;
            let next_i = if max.is_some() {
                i + 1
            } else {
                (i + 1).min(last)
            };
            for &(s, inc) in &options[&i].clone() {
                let c2 = c + inc;
                let c2 = match &contains {
                    Some((_, _, Some(cm))) => {
                        if c2 > *cm {
                            continue;
                        }
                        c2
                    }
                    Some((_, cmin, None)) => c2.min(*cmin),
                    None => 0,
                };
                let done_c = contains.as_ref().map_or(true, |(_, cmin, _)| c2 >= *cmin);
                if count >= min && done_c {
                    self.prod(nt, vec![s]);
                }
                if max.map_or(true, |m| count < m) {
                    let key = (next_i, c2);
                    let next = match states.get(&key) {
                        Some(&x) => x,
                        None => {
                            let x = self.nt(&format!("{name}_items"));
                            states.insert(key, x);
                            work.push(key);
                            x
                        }
                    };
                    self.prod(nt, vec![s, p.comma, Symbol::N(next)]);
                }
            }
        }
        let mut out = Vec::new();
        let zero_ok = contains.as_ref().map_or(true, |(_, cmin, _)| *cmin == 0);
        if min == 0 && zero_ok {
            out.push(vec![p.empty_arr]);
        }
        if max != Some(0) {
            out.push(vec![p.lbrack, Symbol::N(first), p.rbrack]);
        }
        Ok(out)
    }

    /// `uniqueItems` where every element is one of a few constants: the
    /// arrays without repeats, exactly. None when the items are not such.
    fn unique_array(&mut self, n: &Node) -> Result<Option<Alts>, SchemaError> {
        if !n.prefix.is_empty() || n.contains.is_some() {
            return Ok(None);
        }
        let Some(items) = &n.items else {
            return Ok(None);
        };
        let node = self.r.node_of(items, &n.ptr)?;
        let plains = self.r.expand(&node)?;
        let mut values: Vec<Value> = Vec::new();
        for p in &plains {
            let t = self.r.effective_types(p);
            let vals: Vec<Value> = match &p.consts {
                Some(cs) => cs.clone(),
                None if t & !(NULL | BOOL) == 0 => {
                    let mut v = Vec::new();
                    if t & NULL != 0 {
                        v.push(Value::Null);
                    }
                    if t & BOOL != 0 {
                        v.push(Value::Bool(true));
                        v.push(Value::Bool(false));
                    }
                    v
                }
                None => return Ok(None),
            };
            for v in vals {
                let mut rest = p.clone();
                rest.consts = None;
                if self.r.accepts_node(&rest, &v)? == Some(true)
                    && !values.iter().any(|w| json_eq(w, &v))
                {
                    values.push(v);
                }
            }
        }
        let d = values.len();
        if d > 10 {
            return Ok(None);
        }
        let p = self.punct();
        let syms: Vec<Vec<Symbol>> = values
            .iter()
            .map(|v| self.const_seq(v))
            .collect::<Result<_, _>>()?;
        let max = n.max_items.unwrap_or(d as u64).min(d as u64);
        let min = n.min_items;
        if min > max {
            return Ok(Some(vec![]));
        }
        // S[set]: elements after the ones in `set` (bitmask), at least one.
        let name = node_name(n);
        let mut nts: FxHashMap<u32, NtId> = FxHashMap::default();
        let mut work = vec![0u32];
        let root = self.nt(&format!("{name}_unique"));
        nts.insert(0, root);
        while let Some(set) = work.pop() {
            self.budget(&n.ptr, "uniqueItems")?;
            let nt = nts[&set];
            for (i, s) in syms.iter().enumerate() {
                if set & (1 << i) != 0 {
                    continue;
                }
                let set2 = set | (1 << i);
                let cnt = set2.count_ones() as u64;
                if cnt >= min {
                    self.prod(nt, s.clone());
                }
                if cnt < max {
                    let next = match nts.get(&set2) {
                        Some(&x) => x,
                        None => {
                            let x = self.nt(&format!("{name}_unique"));
                            nts.insert(set2, x);
                            work.push(set2);
                            x
                        }
                    };
                    let mut rhs = s.clone();
                    rhs.push(p.comma);
                    rhs.push(Symbol::N(next));
                    self.prod(nt, rhs);
                }
            }
        }
        let mut out = Vec::new();
        if min == 0 {
            out.push(vec![p.empty_arr]);
        }
        if max > 0 {
            out.push(vec![p.lbrack, Symbol::N(root), p.rbrack]);
        }
        Ok(Some(out))
    }

    fn object_alts(&mut self, n: &Node) -> Result<Alts, SchemaError> {
        let p = self.punct();
        // The listed keys: properties, then required keys not listed.
        let mut keys: Vec<String> = n.props.iter().map(|(k, _)| k.clone()).collect();
        let listed: FxHashMap<&str, &Sch> = n.props.iter().map(|(k, s)| (k.as_str(), s)).collect();
        let required_set: FxHashSet<&str> = n.required.iter().map(String::as_str).collect();
        let mut seen: FxHashSet<&str> = listed.keys().copied().collect();
        for r in &n.required {
            if seen.insert(r) {
                keys.push(r.clone());
            }
        }
        let default_add = if self.opts.additional_properties {
            Sch::True
        } else {
            Sch::False
        };
        let mut entries: Vec<(String, Option<Symbol>, bool)> = Vec::new();
        for k in &keys {
            let required = required_set.contains(k.as_str());
            let mut allowed = true;
            if let Some(names) = &n.names {
                match self.r.accepts(names, &Value::String(k.clone()))? {
                    Some(true) => {}
                    Some(false) => allowed = false,
                    None => {
                        self.r.unsupported(
                            &n.ptr,
                            "propertyNames",
                            &format!("checking the name {k:?} against propertyNames"),
                        )?;
                    }
                }
            }
            // A key named by `required` alone is named by the schema:
            // `additional_properties=false` does not leave it out (that
            // would make the object unsatisfiable), it takes any value.
            let mut vs = self
                .r
                .value_schema_listed(n, k, listed.get(k.as_str()).copied())?
                .unwrap_or_else(|| {
                    if required {
                        Sch::True
                    } else {
                        default_add.clone()
                    }
                });
            if let Some(u) = self.uneval_for(n, k)? {
                vs = self.r.all(&vs, &u)?;
            }
            let sym = if allowed { self.sym(&vs)? } else { None };
            if sym.is_none() && required {
                return Ok(vec![]);
            }
            entries.push((k.clone(), sym, required));
        }
        // Entries for keys not listed, by which patterns they match.
        let add = n.additional.clone().unwrap_or(default_add);
        let m = n.pattern_props.len();
        if m > 6 {
            return Err(error(
                &n.ptr,
                "patternProperties",
                "not supported: more than 6 patternProperties",
            ));
        }
        let mut add_alts: Alts = Vec::new();
        let listed = if keys.is_empty() {
            None
        } else {
            // Every spelling of a listed key is kept out of the other keys.
            Some(json_literals(keys, true))
        };
        let names_expr = match &n.names {
            Some(s) => Some(self.names_expr(s, &n.ptr)?),
            None => None,
        };
        let mut pattern_hirs = Vec::with_capacity(m);
        for (pat, _) in &n.pattern_props {
            let h = text::search_body(pat).map_err(|e| error(&n.ptr, "patternProperties", e))?;
            pattern_hirs.push(text::quoted(h));
        }
        // Keys no applicator evaluated must satisfy unevaluatedProperties.
        let uneval_other = match &n.uneval_props {
            Some(u) if !n.eval_all_keys => Some(u.clone()),
            _ => None,
        };
        for set in 0u32..(1 << m) {
            let mut vs = if set == 0 { add.clone() } else { Sch::True };
            if let Some(u) = &uneval_other {
                // A key matching only patterns no applicator evaluated.
                let evaluated = (0..m).any(|j| {
                    set & (1 << j) != 0 && n.eval_patterns.contains(&n.pattern_props[j].0)
                });
                if !evaluated {
                    vs = self.r.all(&vs, u)?;
                }
            }
            for (j, (_, s)) in n.pattern_props.iter().enumerate() {
                if set & (1 << j) != 0 {
                    vs = self.r.all(&vs, s)?;
                }
            }
            let Some(vsym) = self.sym(&vs)? else { continue };
            let mut parts = vec![rx(&text::quoted(text::any_body()))];
            for (j, h) in pattern_hirs.iter().enumerate() {
                if set & (1 << j) != 0 {
                    parts.push(rx(h));
                } else {
                    parts.push(TermExpr::Not(Box::new(rx(h))));
                }
            }
            if let Some(l) = &listed {
                parts.push(TermExpr::Not(Box::new(l.clone())));
            }
            match &names_expr {
                Some(None) => continue,
                Some(Some(e)) => parts.push(e.clone()),
                None => {}
            }
            let key = if parts.len() == 1 {
                parts.pop().expect("one part")
            } else {
                TermExpr::And(parts)
            };
            let ksym = self.term("KEY", key);
            add_alts.push(vec![ksym, p.colon, vsym]);
        }
        let name = node_name(n);
        let add_sym = self.alts_sym(&format!("{name}_other"), add_alts);
        // Many listed keys: optional ones share one key terminal per value
        // rule (a trie of names), in any order, so the lexer does not step a
        // DFA per name.
        let required = entries.iter().filter(|e| e.2).count();
        let grouped = entries.len() > MANY_KEYS
            && required <= MAX_ANY_ORDER_REQUIRED
            && n.min_props <= required as u64
            && n.max_props.is_none();
        let mut key_syms = Vec::with_capacity(entries.len());
        for (k, v, req) in &entries {
            if grouped && !req {
                key_syms.push(None);
                continue;
            }
            let ks = self.term("KEY", json_literals([k], self.opts.ascii_escapes));
            key_syms.push(v.map(|v| (ks, v)));
        }
        if grouped {
            let mut groups: Vec<(Symbol, Vec<&str>)> = Vec::new();
            for (k, v, req) in &entries {
                if let (Some(v), false) = (v, req) {
                    match groups.iter_mut().find(|g| g.0 == *v) {
                        Some(g) => g.1.push(k),
                        None => groups.push((*v, vec![k])),
                    }
                }
            }
            let mut extra: Alts = Vec::new();
            for (v, keys) in groups {
                let ks = self.term("KEY", json_literals(keys, self.opts.ascii_escapes));
                extra.push(vec![ks, p.colon, v]);
            }
            return self.object_any_order(n, &entries, &key_syms, add_sym, extra);
        }
        match self.opts.property_order {
            PropertyOrder::Schema => self.object_ordered(n, &entries, &key_syms, add_sym),
            PropertyOrder::Any => {
                match self.object_any_order(n, &entries, &key_syms, add_sym, Vec::new()) {
                    Err(e) if e.not_supported && e.limit.is_none() => {
                        // Too many required keys, or a count bound: this
                        // object keeps the schema's order.
                        let note = format!(
                            "property_order=\"any\": the object at {} keeps the schema's order ({})",
                            e.pointer, e.message
                        );
                        if !self.r.warnings.contains(&note) {
                            self.r.warnings.push(note);
                        }
                        self.object_ordered(n, &entries, &key_syms, add_sym)
                    }
                    r => r,
                }
            }
        }
    }

    /// unevaluatedProperties for key `k` of `n`, if no applicator evaluated
    /// `k`.
    fn uneval_for(&mut self, n: &Node, k: &str) -> Result<Option<Sch>, SchemaError> {
        let Some(u) = &n.uneval_props else {
            return Ok(None);
        };
        if n.eval_all_keys || n.eval_keys.iter().any(|e| e == k) {
            return Ok(None);
        }
        for p in &n.eval_patterns {
            if text::pattern_matches(p, k).map_err(|e| error(&n.ptr, "patternProperties", e))? {
                return Ok(None);
            }
        }
        Ok(Some(u.clone()))
    }

    /// The key language `propertyNames` allows (Some(None): no key).
    fn names_expr(&mut self, s: &Sch, ptr: &str) -> Result<Option<TermExpr>, SchemaError> {
        let node = self.r.node_of(s, ptr)?;
        let plains = self.r.expand(&node)?;
        let mut alts = Vec::new();
        for p in &plains {
            if self.r.effective_types(p) & STR == 0 {
                continue;
            }
            if let Some(cs) = &p.consts {
                // A listed name must also satisfy the sibling keywords
                // (`pattern`, `minLength`, ...).
                let mut rest = p.clone();
                rest.consts = None;
                let mut strings: Vec<&str> = Vec::new();
                for c in cs {
                    let Some(s) = c.as_str() else { continue };
                    match self.r.accepts_node(&rest, c)? {
                        Some(true) => strings.push(s),
                        Some(false) => {}
                        None => {
                            self.r.unsupported(
                                ptr,
                                "propertyNames",
                                &format!("checking the name {s:?} against the other propertyNames keywords (kept)"),
                            )?;
                            strings.push(s);
                        }
                    }
                }
                if !strings.is_empty() {
                    alts.push(json_literals(strings, true));
                }
                continue;
            }
            if let Some(e) = self.string_expr(p, false)? {
                alts.push(e);
            }
        }
        Ok(match alts.len() {
            0 => None,
            1 => alts.pop(),
            _ => Some(TermExpr::Alt(alts)),
        })
    }

    fn object_ordered(
        &mut self,
        n: &Node,
        entries: &[(String, Option<Symbol>, bool)],
        key_syms: &[Option<(Symbol, Symbol)>],
        add: Option<Symbol>,
    ) -> Result<Alts, SchemaError> {
        let p = self.punct();
        let len = entries.len();
        let min = n.min_props;
        let max = n.max_props;
        let cap = match max {
            Some(m) => m,
            None => min.max(1),
        };
        if cap > self.opts.max_unroll as u64 {
            return Err(limit_error(
                &n.ptr,
                if max.is_some() {
                    "maxProperties"
                } else {
                    "minProperties"
                },
                "max_unroll",
                format!(
                    "not supported: a property count bound this large ({cap}; more than max_unroll = {})",
                    self.opts.max_unroll
                ),
            ));
        }
        // Entries are counted, keys are what matter: a JSON reader keeps
        // one of `{"x":1,"x":2}` or `{"x":1,"\u0078":2}`. Listed keys come
        // once each (other keys exclude every spelling of them), so only
        // keys the schema does not name can repeat. Counting entries is
        // exact for a maximum (never too many keys) and for a minimum the
        // required keys meet, or miss by one (any further entry is a new
        // key); beyond that, two entries may be one key.
        let required = entries.iter().filter(|e| e.2).count() as u64;
        if add.is_some() && min >= required + 2 {
            self.r.unsupported(
                &n.ptr,
                "minProperties",
                &format!(
                    "minProperties {min} where properties the schema does not name may count (a repeated key, or one key spelled two ways, is one property); name the properties or set additionalProperties"
                ),
            )?;
        }
        let name = node_name(n);
        // Required keys the schema does not list (from `required` alone)
        // have no place in the order: a few may come anywhere, once each.
        let floating: Vec<usize> = (0..len)
            .filter(|&i| !n.props.iter().any(|(k, _)| *k == entries[i].0))
            .collect();
        let floating = if floating.len() <= 4 {
            floating
        } else {
            Vec::new()
        };
        let full: u32 = (1u32 << floating.len()) - 1;
        // O[i][c][set]: entries from listed key i on, c entries so far
        // (capped), `set` the floating keys seen.
        type Key = (usize, u64, u32);
        let mut states: FxHashMap<Key, NtId> = FxHashMap::default();
        let root = self.nt(&format!("{name}_props"));
        states.insert((0, 0, 0), root);
        let mut work = vec![(0usize, 0u64, 0u32)];
        let get = |s: &mut Self,
                   key: Key,
                   work: &mut Vec<Key>,
                   states: &mut FxHashMap<Key, NtId>|
         -> NtId {
            *states.entry(key).or_insert_with(|| {
                work.push(key);
                s.nt(&format!("{name}_props"))
            })
        };
        let step = |c: u64| -> Option<u64> {
            match max {
                Some(m) if c + 1 > m => None,
                Some(_) => Some(c + 1),
                None => Some((c + 1).min(cap)),
            }
        };
        while let Some((i, c, set)) = work.pop() {
            self.budget(&n.ptr, "properties")?;
            let nt = states[&(i, c, set)];
            let sep: Vec<Symbol> = if c > 0 { vec![p.comma] } else { vec![] };
            // The next listed (not floating) entry at or after i.
            let mut i = i;
            while i < len && floating.contains(&i) {
                i += 1;
            }
            if i < len {
                if let (Some((k, v)), Some(c2)) = (key_syms[i], step(c)) {
                    let next = get(self, (i + 1, c2, set), &mut work, &mut states);
                    let mut rhs = sep.clone();
                    rhs.extend([k, p.colon, v, Symbol::N(next)]);
                    self.prod(nt, rhs);
                }
                if !entries[i].2 {
                    let next = get(self, (i + 1, c, set), &mut work, &mut states);
                    self.prod(nt, vec![Symbol::N(next)]);
                }
            } else if c >= 1 && c >= min && set == full {
                self.prod(nt, vec![]);
            }
            for (bit, &j) in floating.iter().enumerate() {
                if set & (1 << bit) != 0 {
                    continue;
                }
                if let (Some((k, v)), Some(c2)) = (key_syms[j], step(c)) {
                    let next = get(self, (i, c2, set | (1 << bit)), &mut work, &mut states);
                    let mut rhs = sep.clone();
                    rhs.extend([k, p.colon, v, Symbol::N(next)]);
                    self.prod(nt, rhs);
                }
            }
            if let (Some(a), Some(c2)) = (add, step(c)) {
                let next = get(self, (i, c2, set), &mut work, &mut states);
                let mut rhs = sep;
                rhs.extend([a, Symbol::N(next)]);
                self.prod(nt, rhs);
            }
        }
        let mut out = Vec::new();
        let none_required = entries.iter().all(|e| !e.2);
        if none_required && min == 0 {
            out.push(vec![p.empty_obj]);
        }
        if max != Some(0) {
            out.push(vec![p.lbrace, Symbol::N(root), p.rbrace]);
        }
        Ok(out)
    }

    fn object_any_order(
        &mut self,
        n: &Node,
        entries: &[(String, Option<Symbol>, bool)],
        key_syms: &[Option<(Symbol, Symbol)>],
        add: Option<Symbol>,
        extra: Alts,
    ) -> Result<Alts, SchemaError> {
        let p = self.punct();
        let req: Vec<usize> = (0..entries.len()).filter(|&i| entries[i].2).collect();
        if req.len() > MAX_ANY_ORDER_REQUIRED {
            return Err(error(
                &n.ptr,
                "required",
                format!("not supported: more than {MAX_ANY_ORDER_REQUIRED} required properties with property_order=\"any\""),
            ));
        }
        // Optional keys may repeat here (a later duplicate wins when the
        // JSON is read, and every value is valid), so entries are counted,
        // not keys: a maximum on entries is exact for texts without
        // duplicates and never admits too many keys; a minimum is only
        // sound when the required keys meet it.
        if n.min_props > req.len() as u64 {
            return Err(error(
                &n.ptr,
                "minProperties",
                "not supported: minProperties beyond the required properties with property_order=\"any\"",
            ));
        }
        let max = n.max_props;
        if max.is_some_and(|m| m > self.opts.max_unroll as u64) {
            return Err(limit_error(
                &n.ptr,
                "maxProperties",
                "max_unroll",
                format!(
                    "not supported: a property count bound this large (more than max_unroll = {})",
                    self.opts.max_unroll
                ),
            ));
        }
        let name = node_name(n);
        // Optional entries (and other keys): one rule.
        let mut opt_alts: Alts = extra;
        for (i, e) in entries.iter().enumerate() {
            if !e.2 {
                if let Some((k, v)) = key_syms[i] {
                    opt_alts.push(vec![k, p.colon, v]);
                }
            }
        }
        if let Some(a) = add {
            opt_alts.push(vec![a]);
        }
        let opt = self.alts_sym(&format!("{name}_optional"), opt_alts);
        let full: u32 = (1u32 << req.len()) - 1;
        // A[set][c]: the required keys in `set` seen, c entries so far (c is
        // 0 or 1 unless a maximum is counted).
        let mut nts: FxHashMap<(u32, u64), NtId> = FxHashMap::default();
        let root = self.nt(&format!("{name}_props"));
        nts.insert((0, 0), root);
        let mut work = vec![(0u32, 0u64)];
        let step = |c: u64| -> Option<u64> {
            match max {
                Some(m) if c + 1 > m => None,
                Some(_) => Some(c + 1),
                None => Some(1),
            }
        };
        while let Some((set, c)) = work.pop() {
            self.budget(&n.ptr, "required")?;
            let nt = nts[&(set, c)];
            let sep: Vec<Symbol> = if c > 0 { vec![p.comma] } else { vec![] };
            let mut goto = |s: &mut Self, key: (u32, u64)| -> NtId {
                *nts.entry(key).or_insert_with(|| {
                    work.push(key);
                    s.nt(&format!("{name}_props"))
                })
            };
            let Some(c2) = step(c) else {
                if set == full && c > 0 {
                    self.prod(nt, vec![]);
                }
                continue;
            };
            for (bit, &i) in req.iter().enumerate() {
                if set & (1 << bit) != 0 {
                    continue;
                }
                let (k, v) = key_syms[i].expect("required entries have values");
                let next = goto(self, (set | (1 << bit), c2));
                let mut rhs = sep.clone();
                rhs.extend([k, p.colon, v, Symbol::N(next)]);
                self.prod(nt, rhs);
            }
            if let Some(o) = opt {
                let next = goto(self, (set, c2));
                let mut rhs = sep.clone();
                rhs.extend([o, Symbol::N(next)]);
                self.prod(nt, rhs);
            }
            if set == full && c > 0 {
                self.prod(nt, vec![]);
            }
        }
        let mut out = Vec::new();
        if req.is_empty() && n.min_props == 0 {
            out.push(vec![p.empty_obj]);
        }
        if max != Some(0) {
            out.push(vec![p.lbrace, Symbol::N(root), p.rbrace]);
        }
        Ok(out)
    }
}

/// A readable rule name for a reference target.
fn ref_name(p: &str) -> String {
    let last = p.rsplit('/').next().unwrap_or("");
    let clean: String = last
        .replace("~1", "_")
        .replace("~0", "_")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if clean.is_empty() {
        "root".into()
    } else {
        format!("ref_{clean}")
    }
}

fn node_name(n: &Node) -> String {
    let last = n.ptr.rsplit('/').next().unwrap_or("");
    let clean: String = last
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(32)
        .collect();
    if clean.is_empty() {
        "value".into()
    } else {
        format!("v_{clean}")
    }
}
