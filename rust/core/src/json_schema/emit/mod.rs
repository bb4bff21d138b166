//! The emitter: normalized nodes written out as grammar rules. Objects
//! and arrays become rules over punctuation terminals, strings and numbers
//! terminals (with intersection and complement where a pattern, a length,
//! a bound or a `not` needs them), and each reference a rule of its own, so
//! recursive `$ref`s become recursive rules.
//!
//! This file holds the emitter's core (rules, terminals, punctuation) and
//! the dispatch of a node by type; each JSON type has its own file.

mod array;
mod constant;
mod empty;
mod layout;
mod number;
mod object;
mod string;

use regex_syntax::hir::Hir;
use rustc_hash::FxHashMap;
use serde_json::Value;

use crate::grammar::{
    Diagnostic, Grammar, HirExpr, KeyCount, NtId, Production, Severity, Span, Spelling, Symbol,
    TermExpr, TermId, Terminal, ValueGuard,
};
use crate::json_schema::error::{error, limit_error, Approximation, SchemaError};
use crate::json_schema::options::{Draft, Options, Whitespace};
use crate::json_schema::resolve::Doc;
use crate::json_schema::schema::{
    conj_key, json_eq, keywordless, ref_pointer, Node, Reader, Sch, ARR, BOOL, FRAC, INT, NULL,
    OBJ, STR,
};
use crate::lexer::json_text;

/// Writes `schema` (read as `draft`) out as a grammar, with the
/// approximations a lenient compile made. The grammar has no source yet:
/// the caller attaches the schema's text.
///
/// Numbers with a bound, a multiple, a type `integer` or an exclusion are
/// written without exponent (their comparisons are regular on plain
/// decimals only), while an unconstrained number takes any spelling. Where
/// the matcher checks an object or array against an excluded schema, that
/// schema's numbers must be read in the same spelling as the value's, or
/// `7e5` would escape an exclusion written for `700000`: such a grammar is
/// written again with every number plain.
pub(super) fn emit(
    schema: &Value,
    draft: Draft,
    opts: &Options,
) -> Result<(Grammar, Vec<Approximation>, Origins), SchemaError> {
    let first = emit_spelled(schema, draft, opts, false)?;
    let (grammar, _, _, any_spelling) = &first;
    if *any_spelling && grammar.value_guards.iter().any(|g| !g.not_in.is_empty()) {
        let (g, a, o, _) = emit_spelled(schema, draft, opts, true)?;
        return Ok((g, a, o));
    }
    let (g, a, o, _) = first;
    Ok((g, a, o))
}

/// [`emit`], with every number plain when `plain_numbers`; also says
/// whether any number terminal took every spelling.
fn emit_spelled(
    schema: &Value,
    draft: Draft,
    opts: &Options,
    plain_numbers: bool,
) -> Result<(Grammar, Vec<Approximation>, Origins, bool), SchemaError> {
    let doc = Doc::with_documents(schema, draft, &opts.resources);
    let mut reader = Reader::new(doc, opts.lenient);
    reader.max_overlaps = opts.max_overlaps;
    reader.value_checks = opts.distinct_keys;
    let mut e = Emitter {
        r: reader,
        opts,
        terminals: Vec::new(),
        term_ids: FxHashMap::default(),
        nonterminals: Vec::new(),
        nt_names: FxHashMap::default(),
        productions: Vec::new(),
        refs: FxHashMap::default(),
        anys: FxHashMap::default(),
        puncts: FxHashMap::default(),
        item_puncts: FxHashMap::default(),
        depth: 0,
        distinct_items: Vec::new(),
        value_guards: Vec::new(),
        key_counts: Vec::new(),
        origin: String::new(),
        term_origins: Vec::new(),
        plain_numbers,
        any_spelling: false,
    };
    let start = e.nt("start");
    let mut warnings = Vec::new();
    if let Some(keys) = keywordless(schema) {
        let shown: Vec<String> = keys.iter().take(6).map(|k| format!("{k:?}")).collect();
        let msg = format!(
            "the schema has no JSON Schema keyword (its keys: {}), so it allows any JSON \
             value: was a JSON instance passed where its schema belongs?",
            shown.join(", ")
        );
        if !opts.lenient {
            return Err(error(
                "",
                keys[0],
                format!("{msg} (lenient=True compiles it as any value)"),
            ));
        }
        warnings.push(Diagnostic::unplaced(Severity::Warning, msg));
    }
    let root = e.r.read_value(schema, "")?;
    let sym = match e.sym(&root)? {
        Some(s) => s,
        None => {
            let (kw, why) = e.why_empty(&root);
            if !opts.allow_empty {
                return Err(error(
                    "",
                    kw,
                    format!("the schema accepts no value, so nothing can be generated: {why}"),
                ));
            }
            // Validation: a schema no value satisfies rejects every text.
            warnings.push(Diagnostic::unplaced(
                Severity::Warning,
                format!("the schema accepts no value: {why}"),
            ));
            let t = TermId::new(e.terminals.len() as u32);
            e.term_origins.push((String::new(), "type"));
            e.terminals.push(Terminal {
                name: "NOTHING".into(),
                expr: TermExpr::Alt(Vec::new()),
                priority: 0,
                declared_only: true,
                generated: true,
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
        warnings.push(Diagnostic::unplaced(Severity::Warning, w));
    }
    let grammar = Grammar {
        terminals: e.terminals,
        nonterminals: e.nonterminals,
        productions: e.productions,
        start,
        ignore: Vec::new(),
        warnings,
        sources: Vec::new(),
        distinct_keys: opts.distinct_keys,
        distinct_items: e.distinct_items,
        value_guards: e.value_guards,
        key_counts: e.key_counts,
        // Validation: a schema no value satisfies (a pattern that never
        // matches, a false schema) rejects every text.
        allow_empty: opts.allow_empty,
    };
    Ok((grammar, e.r.approximations, e.term_origins, e.any_spelling))
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
    /// Any JSON value, by [`Emitter::level`].
    anys: FxHashMap<u32, NtId>,
    /// Punctuation, by [`Emitter::level`].
    puncts: FxHashMap<u32, Punct>,
    /// The `,` and `]` of arrays whose items must be distinct: terminals
    /// of their own (see [`Grammar::distinct_items`]), by level.
    item_puncts: FxHashMap<u32, (Symbol, Symbol)>,
    /// How deep in the JSON value the node being written sits (0: the
    /// root), for indentation.
    depth: u32,
    distinct_items: Vec<(TermId, bool)>,
    /// Checks on object and array values (see [`Grammar::value_guards`]).
    value_guards: Vec<ValueGuard>,
    /// Objects whose entries the rules count (see [`Grammar::key_counts`]).
    key_counts: Vec<KeyCount>,
    /// The node whose terminals are being written, and where each terminal
    /// came from (pointer, keyword): a terminal the lexer cannot compile is
    /// reported there.
    origin: String,
    term_origins: Origins,
    /// Every number terminal plain (see [`emit`]).
    plain_numbers: bool,
    /// Whether a number terminal took every spelling.
    any_spelling: bool,
}

/// Where each terminal came from: (pointer, keyword).
pub(super) type Origins = Vec<(String, &'static str)>;

/// The keyword a terminal's language comes from, for messages.
fn term_keyword(name: &str, e: &TermExpr) -> &'static str {
    if name.starts_with("KEY") {
        return "properties";
    }
    let mut todo = vec![e];
    let mut kw = "type";
    while let Some(x) = todo.pop() {
        match x {
            TermExpr::DecimalMultiple { .. } => return "multipleOf",
            TermExpr::Not(_) => kw = "not",
            TermExpr::And(_) if kw == "type" => kw = "allOf",
            _ => {}
        }
        todo.extend(x.children());
    }
    kw
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
            TermExpr::Alt(xs) if xs.iter().any(TermExpr::needs_table) => todo.extend(xs),
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

/// A terminal from a regular expression the emitter built.
fn rx(h: &Hir) -> TermExpr {
    hx(h.clone())
}

/// A terminal of a regular expression the emitter built (and owns).
fn hx(h: Hir) -> TermExpr {
    TermExpr::Hir(HirExpr::new(h))
}

/// Any JSON string in `spelling`, quotes included. Every schema with a
/// string or an open object has one: built (and hashed) once per spelling.
fn any_string(spelling: Spelling) -> TermExpr {
    static KEPT: crate::kept::Kept<Spelling, TermExpr> = crate::kept::Kept::new(8);
    KEPT.get_or_insert_with(spelling, || {
        hx(json_text::quoted(json_text::any_body(spelling)))
    })
}

/// A terminal of the JSON strings that decode to one of `strings`, in the
/// encodings `spelling` allows (exclusions take every spelling).
fn json_literals<S: AsRef<str>>(
    strings: impl IntoIterator<Item = S>,
    spelling: Spelling,
) -> TermExpr {
    let mut v: Vec<String> = strings.into_iter().map(|s| s.as_ref().to_owned()).collect();
    v.sort_unstable();
    v.dedup();
    TermExpr::JsonLiterals {
        strings: v,
        spelling,
    }
}

/// A terminal from a pattern the emitter wrote (numbers) in
/// regex-syntax's dialect. Every such pattern parses (the tests of
/// `numbers` compile them all); one that did not would match nothing.
fn rs(p: &str) -> TermExpr {
    match HirExpr::parse(p) {
        Ok(h) => TermExpr::Hir(h),
        Err(e) => {
            debug_assert!(false, "an emitted pattern does not parse: {p}: {e}");
            TermExpr::Alt(Vec::new())
        }
    }
}

impl<'a> Emitter<'a> {
    /// How strings (values, patterns, names not listed) are spelled.
    fn spelling(&self) -> Spelling {
        if self.opts.minimal_escapes {
            Spelling::Minimal
        } else {
            Spelling::Any
        }
    }

    /// How listed names and string constants are spelled.
    fn literal_spelling(&self) -> Spelling {
        match (self.opts.minimal_escapes, self.opts.ascii_escapes) {
            (true, _) => Spelling::Minimal,
            (false, true) => Spelling::Any,
            (false, false) => Spelling::PlainAscii,
        }
    }

    fn nt(&mut self, name: &str) -> NtId {
        let n = self.nt_names.entry(name.to_owned()).or_insert(0);
        *n += 1;
        let full = if *n == 1 {
            name.to_owned()
        } else {
            format!("{name}_{n}")
        };
        self.nonterminals.push(full);
        NtId::new((self.nonterminals.len() - 1) as u32)
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
                "the schema compiles to more than max_rules = {} grammar rules",
                self.opts.max_rules
            ),
        ))
    }

    fn term(&mut self, name: &str, expr: TermExpr) -> Symbol {
        if let Some(&t) = self.term_ids.get(&expr) {
            return Symbol::T(t);
        }
        let id = TermId::new(self.terminals.len() as u32);
        let name = if self.terminals.iter().any(|t| t.name == name) {
            format!("{name}_{}", id.index())
        } else {
            name.to_owned()
        };
        self.term_origins
            .push((self.origin.clone(), term_keyword(&name, &expr)));
        self.terminals.push(Terminal {
            name,
            expr: expr.clone(),
            priority: 0,
            declared_only: false,
            generated: true,
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

    fn sym(&mut self, s: &Sch) -> Result<Option<Symbol>, SchemaError> {
        match s {
            Sch::Node(n) => self.budget(&n.ptr, "")?,
            Sch::Ref(p) => self.budget(ref_pointer(p), "$ref")?,
            _ => self.budget("", "")?,
        }
        match s {
            Sch::True => Ok(Some(Symbol::N(self.any()))),
            Sch::False => Ok(None),
            Sch::Ref(p) => {
                let key = self.memo_key(p);
                if let Some(nt) = self.refs.get(&key) {
                    return Ok(nt.map(Symbol::N));
                }
                let name = ref_name(p);
                let nt = self.nt(&name);
                self.refs.insert(key.clone(), Some(nt));
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
                    self.refs.insert(key, None);
                    return Ok(None);
                }
                for a in alts {
                    self.prod(nt, a);
                }
                Ok(Some(Symbol::N(nt)))
            }
            Sch::All(xs) => {
                let key: String = xs.iter().map(conj_key).collect::<Vec<_>>().join("&");
                let key = self.memo_key(&key);
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
        let outer = std::mem::replace(&mut self.origin, n.ptr.clone());
        for (kind, _, mut es) in groups {
            let e = if es.len() == 1 {
                es.pop().expect("one")
            } else {
                TermExpr::Alt(es)
            };
            out.push(vec![self.term(kind, e)]);
        }
        self.origin = outer;
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
        // The terminals written here come from `n` (those of nodes inside
        // it, from those nodes).
        let outer = std::mem::replace(&mut self.origin, n.ptr.clone());
        let r = self.plain_alts_here(n, scalars);
        self.origin = outer;
        r
    }

    fn plain_alts_here(
        &mut self,
        n: &Node,
        scalars: &mut Vec<(&'static str, TermExpr)>,
    ) -> Result<Alts, SchemaError> {
        let t = self.r.effective_types(n);
        if let Some(cs) = &n.consts {
            if n.excl.is_empty() {
                return self.const_alts(n, cs);
            }
            // Constants a value check excludes go here, at compile time.
            let mut kept = Vec::new();
            for c in cs {
                let mut excluded = false;
                for x in &n.excl {
                    match self.r.accepts(x, c)? {
                        Some(true) => excluded = true,
                        Some(false) => {}
                        None => self.r.unsupported(
                            &n.ptr,
                            "oneOf",
                            "checking a constant against an overlapping oneOf branch",
                        )?,
                    }
                }
                if !excluded {
                    kept.push(c.clone());
                }
            }
            return self.const_alts(n, &kept);
        }
        let mut out = Vec::new();
        let not_containers: Vec<String> = n
            .not_consts
            .iter()
            .filter(|v| (v.is_object() && t & OBJ != 0) || (v.is_array() && t & ARR != 0))
            .map(|v| v.to_string())
            .collect();
        if !not_containers.is_empty() && !self.opts.distinct_keys {
            self.r.unsupported(
                &n.ptr,
                "not",
                "excluding one object or array value inside a larger grammar (not / enum under not; the exclusion is dropped)",
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
                if e.needs_table() {
                    scalars.push(("NUMBER", e));
                } else {
                    out.push(vec![self.term("NUMBER", e)]);
                }
            }
        }
        if t & STR != 0 {
            if let Some(e) = self.string_expr(n, true)? {
                if e.needs_table() {
                    scalars.push(("STRING", e));
                } else {
                    out.push(vec![self.term("STRING", e)]);
                }
            }
        }
        let mut containers = Vec::new();
        if t & ARR != 0 {
            containers.extend(self.array_alts(n)?);
        }
        if t & OBJ != 0 {
            containers.extend(self.object_alts(n)?);
        }
        let checked = self.opts.distinct_keys && (!not_containers.is_empty() || !n.excl.is_empty());
        if checked && !containers.is_empty() {
            // The matcher checks the value where it closes.
            let mut not_in = Vec::new();
            for x in &n.excl {
                if let Some(sym) = self.sym(x)? {
                    let nt = match sym {
                        Symbol::N(nt) => nt,
                        Symbol::T(_) => {
                            let nt = self.nt("excluded");
                            self.prod(nt, vec![sym]);
                            nt
                        }
                    };
                    not_in.push(nt);
                }
            }
            let nt = self.nt(&format!("{}_checked", node_name(n)));
            for a in containers {
                self.prod(nt, a);
            }
            self.value_guards.push(ValueGuard {
                nt,
                not_values: not_containers,
                not_in,
            });
            out.push(vec![Symbol::N(nt)]);
        } else {
            out.extend(containers);
        }
        Ok(out)
    }
}

/// A readable rule name for a reference target.
fn ref_name(p: &str) -> String {
    let last = ref_pointer(p).rsplit('/').next().unwrap_or("");
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
