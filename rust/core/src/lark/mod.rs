//! The Lark front-end: Lark grammar text -> [`Grammar`].
//!
//! Covers the syntax of the `lark` package: rules and TERMINALS, strings
//! (with `i`), `/regex/flags`, `? * + [ ] ~ n..m` and `{m,n}`, aliases,
//! `?rule` / `!rule` / `_rule`, priorities, templates, `%import` (the shipped
//! `common` library, other grammar files, renames, name lists), `%ignore`,
//! `%declare`, `%override`, `%extend` and comments. Tree-shaping features
//! (aliases, `?`, `!`, `_`) do not change the language and are accepted.

mod syntax;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use syntax::{is_rule_name, is_term_name, Def, Ex, Parser, Stmt};

use crate::grammar::{
    Diagnostic, Grammar, GrammarError, NtId, Production, Severity, Source, Span, Symbol, TermExpr,
    TermId, Terminal,
};

/// The `common` library of Lark terminals, shipped with corral.
pub const COMMON_LARK: &str = include_str!("common.lark");

/// The default [`LarkOptions::max_nesting`]: far deeper than any grammar
/// written by hand (lark itself fails with a `RecursionError` sooner), and
/// shallow enough for the stack of any thread.
pub const DEFAULT_MAX_NESTING: usize = 500;

/// Options of the Lark front-end.
#[derive(Debug, Clone)]
pub struct LarkOptions {
    /// The start rule.
    pub start: String,
    /// Folders searched by `%import` (after the importing file's folder).
    pub import_paths: Vec<PathBuf>,
    /// Most productions the lowered grammar may have (guards `~ 0..100000`
    /// and runaway templates). Also bounds the expression nodes that
    /// template instances may add up to.
    pub max_productions: usize,
    /// Deepest nesting allowed: of brackets in the text, of expressions
    /// once templates are instantiated and terminals used inside terminals
    /// are inlined, and of `%import`s. Everything that walks a grammar's
    /// expressions recurses once per level, so this bounds the stack it
    /// needs; past it the grammar is refused with an error at the place.
    pub max_nesting: usize,
}

impl Default for LarkOptions {
    fn default() -> Self {
        LarkOptions {
            start: "start".into(),
            import_paths: Vec::new(),
            max_productions: 1_000_000,
            max_nesting: DEFAULT_MAX_NESTING,
        }
    }
}

/// Parses Lark grammar text. `name` is used in messages (a path or `<string>`);
/// relative `%import`s are resolved against the folder of `name` if it is a path.
pub fn parse_lark(text: &str, name: &str, opts: &LarkOptions) -> Result<Grammar, GrammarError> {
    let mut l = Loader {
        opts,
        sources: Vec::new(),
        modules: HashMap::new(),
        loading: Vec::new(),
    };
    let dir = Path::new(name).parent().map(Path::to_path_buf);
    let main = l.load_module(text.to_owned(), name.to_owned(), dir)?;
    lower(&l, &main, opts)
}

/// Reads and parses a Lark grammar file.
pub fn parse_lark_file(path: &Path, opts: &LarkOptions) -> Result<Grammar, GrammarError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| GrammarError::unplaced(format!("{}: {e}", path.display())))?;
    parse_lark(&text, &path.display().to_string(), opts)
}

/// A definition and the file it came from.
#[derive(Debug, Clone)]
struct Entry {
    def: Def,
    /// Defined in the main grammar (not imported): unused ones are reported.
    local: bool,
}

/// The definitions of one grammar file after its imports.
#[derive(Debug, Clone, Default)]
struct Module {
    defs: Vec<String>,
    table: HashMap<String, Entry>,
    ignore: Vec<(Ex, Span)>,
    declared: HashSet<String>,
}

impl Module {
    fn insert(&mut self, e: Entry) {
        if !self.table.contains_key(&e.def.name) {
            self.defs.push(e.def.name.clone());
        }
        self.table.insert(e.def.name.clone(), e);
    }
}

struct Loader<'a> {
    opts: &'a LarkOptions,
    sources: Vec<Arc<Source>>,
    modules: HashMap<String, Module>,
    /// Modules being loaded (import cycles).
    loading: Vec<String>,
}

fn walk_names(ex: &Ex, f: &mut dyn FnMut(&str, Span)) {
    match ex {
        Ex::Alts(xs) | Ex::Seq(xs) => xs.iter().for_each(|x| walk_names(x, f)),
        Ex::Name { name, span } => f(name, *span),
        Ex::Template { name, args, span } => {
            f(name, *span);
            args.iter().for_each(|x| walk_names(x, f));
        }
        Ex::Maybe(x) => walk_names(x, f),
        Ex::Repeat { ex, .. } => walk_names(ex, f),
        Ex::Str { .. }
        | Ex::Regex { .. }
        | Ex::Range { .. }
        | Ex::Special { .. }
        | Ex::Json { .. } => {}
    }
}

fn rename(ex: &Ex, f: &dyn Fn(&str) -> String) -> Ex {
    match ex {
        Ex::Alts(xs) => Ex::Alts(xs.iter().map(|x| rename(x, f)).collect()),
        Ex::Seq(xs) => Ex::Seq(xs.iter().map(|x| rename(x, f)).collect()),
        Ex::Name { name, span } => Ex::Name {
            name: f(name),
            span: *span,
        },
        Ex::Template { name, args, span } => Ex::Template {
            name: f(name),
            args: args.iter().map(|x| rename(x, f)).collect(),
            span: *span,
        },
        Ex::Maybe(x) => Ex::Maybe(Box::new(rename(x, f))),
        Ex::Repeat { ex, min, max, span } => Ex::Repeat {
            ex: Box::new(rename(ex, f)),
            min: *min,
            max: *max,
            span: *span,
        },
        other => other.clone(),
    }
}

impl Loader<'_> {
    fn src(&self, span: Span) -> &Source {
        &self.sources[span.file as usize]
    }

    fn err(&self, span: Span, msg: impl Into<String>) -> GrammarError {
        GrammarError::at(self.src(span), span, msg)
    }

    fn load_module(
        &mut self,
        text: String,
        name: String,
        dir: Option<PathBuf>,
    ) -> Result<Module, GrammarError> {
        let file = self.sources.len() as u32;
        let src = Arc::new(Source { name, text });
        self.sources.push(src.clone());
        let stmts = Parser::new(&src, file, self.opts.max_nesting)?.statements()?;
        let mut m = Module::default();
        for st in stmts {
            match st {
                Stmt::Def(d) => {
                    if let Some(prev) = m.table.get(&d.name) {
                        let line = Diagnostic::new(
                            self.src(prev.def.span),
                            prev.def.span,
                            Severity::Error,
                            String::new(),
                        )
                        .line;
                        return Err(self.err(
                            d.span,
                            format!(
                                "duplicate definition of `{}` (first defined on line {line}; use %override to replace it)",
                                d.name
                            ),
                        ));
                    }
                    m.insert(Entry {
                        def: d,
                        local: true,
                    });
                }
                Stmt::Override(d) => {
                    if !m.table.contains_key(&d.name) {
                        return Err(self.err(
                            d.span,
                            format!("%override of `{}`, which is not defined", d.name),
                        ));
                    }
                    m.insert(Entry {
                        def: d,
                        local: true,
                    });
                }
                Stmt::Extend(d) => {
                    let Some(prev) = m.table.get_mut(&d.name) else {
                        return Err(self.err(
                            d.span,
                            format!("%extend of `{}`, which is not defined", d.name),
                        ));
                    };
                    let old = std::mem::replace(&mut prev.def.body, Ex::Seq(Vec::new()));
                    let mut alts = match old {
                        Ex::Alts(a) => a,
                        other => vec![other],
                    };
                    match d.body {
                        Ex::Alts(a) => alts.extend(a),
                        other => alts.push(other),
                    }
                    prev.def.body = Ex::Alts(alts);
                }
                Stmt::Ignore(ex, sp) => m.ignore.push((ex, sp)),
                Stmt::Declare(names) => {
                    for (n, _) in names {
                        m.declared.insert(n);
                    }
                }
                Stmt::Import {
                    path,
                    relative,
                    items,
                    span,
                } => self.import(&mut m, &path, relative, &items, span, dir.as_deref())?,
            }
        }
        Ok(m)
    }

    fn resolve_module(
        &mut self,
        path: &[String],
        relative: bool,
        span: Span,
        dir: Option<&Path>,
    ) -> Result<(String, Module), GrammarError> {
        // `common` is always corral's shipped copy, which is lark's library
        // with ESCAPED_STRING written without a look-behind (lark's own
        // grammars sit next to the original, which would otherwise win).
        if !relative && path.len() == 1 && path[0] == "common" {
            return self.load_cached("<common>", span, |l| {
                l.load_module(COMMON_LARK.to_owned(), "<common>".into(), None)
            });
        }
        let rel: PathBuf = path.iter().collect::<PathBuf>().with_extension("lark");
        let mut candidates: Vec<PathBuf> = Vec::new();
        if let Some(d) = dir {
            candidates.push(d.join(&rel));
        }
        if !relative {
            candidates.extend(self.opts.import_paths.iter().map(|p| p.join(&rel)));
        }
        for c in &candidates {
            if c.is_file() {
                let key = c.canonicalize().unwrap_or(c.clone()).display().to_string();
                return self.load_cached(&key, span, |l| {
                    let text = std::fs::read_to_string(c)
                        .map_err(|e| l.err(span, format!("cannot read {}: {e}", c.display())))?;
                    l.load_module(
                        text,
                        c.display().to_string(),
                        c.parent().map(Path::to_path_buf),
                    )
                });
            }
        }
        if !relative && path.len() == 1 && matches!(path[0].as_str(), "unicode" | "python" | "lark")
        {
            return Err(self.err(
                span,
                format!(
                    "not supported: importing lark's bundled `{}` grammar (copy the definitions you need)",
                    path[0]
                ),
            ));
        }
        Err(self.err(
            span,
            format!(
                "cannot find the grammar `{}` to import (looked for {})",
                path.join("."),
                if candidates.is_empty() {
                    rel.display().to_string()
                } else {
                    candidates
                        .iter()
                        .map(|c| c.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
        ))
    }

    fn load_cached(
        &mut self,
        key: &str,
        span: Span,
        load: impl FnOnce(&mut Self) -> Result<Module, GrammarError>,
    ) -> Result<(String, Module), GrammarError> {
        if let Some(m) = self.modules.get(key) {
            return Ok((key.to_owned(), m.clone()));
        }
        if self.loading.iter().any(|k| k == key) {
            return Err(self.err(span, format!("import cycle through {key}")));
        }
        if self.loading.len() >= self.opts.max_nesting {
            return Err(self.err(
                span,
                format!(
                    "%import chain more than {} files deep (the limit max_nesting)",
                    self.opts.max_nesting
                ),
            ));
        }
        self.loading.push(key.to_owned());
        let m = load(self);
        self.loading.pop();
        let m = m?;
        self.modules.insert(key.to_owned(), m.clone());
        Ok((key.to_owned(), m))
    }

    fn import(
        &mut self,
        into: &mut Module,
        path: &[String],
        relative: bool,
        items: &[syntax::ImportItem],
        span: Span,
        dir: Option<&Path>,
    ) -> Result<(), GrammarError> {
        let (_, module) = self.resolve_module(path, relative, span, dir)?;
        let ns = path.last().cloned().unwrap_or_default();
        let aliases: HashMap<String, String> = items
            .iter()
            .map(|it| {
                (
                    it.name.clone(),
                    it.alias.clone().unwrap_or_else(|| it.name.clone()),
                )
            })
            .collect();
        let mangle = |n: &str| -> String {
            if let Some(a) = aliases.get(n) {
                return a.clone();
            }
            let (under, rest) = match n.strip_prefix('_') {
                Some(r) => ("_", r),
                None => ("", n),
            };
            if is_term_name(n) {
                format!("{under}{}__{rest}", ns.to_uppercase())
            } else {
                format!("{under}{ns}__{rest}")
            }
        };
        let mut stack: Vec<(String, Span)> = Vec::new();
        for it in items {
            if !module.table.contains_key(&it.name) {
                return Err(self.err(
                    it.span,
                    format!("`{}` is not defined in {}", it.name, path.join(".")),
                ));
            }
            if let Some(a) = &it.alias {
                if is_term_name(&it.name) != is_term_name(a) {
                    return Err(self.err(it.span, format!("cannot import `{}` as `{a}`: rules and terminals cannot be renamed into each other", it.name)));
                }
            }
            stack.push((it.name.clone(), it.span));
        }
        let mut done = HashSet::new();
        while let Some((n, sp)) = stack.pop() {
            if !done.insert(n.clone()) {
                continue;
            }
            let Some(e) = module.table.get(&n) else {
                if module.declared.contains(&n) {
                    into.declared.insert(mangle(&n));
                    continue;
                }
                return Err(self.err(sp, format!("`{n}` is not defined in {}", path.join("."))));
            };
            let params: HashSet<&String> = e.def.params.iter().collect();
            walk_names(&e.def.body, &mut |name, s| {
                if !params.contains(&name.to_owned()) {
                    stack.push((name.to_owned(), s));
                }
            });
            let params2 = e.def.params.clone();
            let f = |x: &str| -> String {
                if params2.iter().any(|p| p == x) {
                    x.to_owned()
                } else {
                    mangle(x)
                }
            };
            let mut def = e.def.clone();
            def.name = mangle(&n);
            def.body = rename(&e.def.body, &f);
            let new_name = def.name.clone();
            if let Some(existing) = into.table.get(&new_name) {
                if existing.local {
                    return Err(self.err(
                        existing.def.span,
                        format!("`{new_name}` is defined here and also imported"),
                    ));
                }
                continue;
            }
            into.insert(Entry { def, local: false });
        }
        Ok(())
    }
}

/// Lowering state: named definitions -> IR symbols and productions.
struct Lowerer<'a> {
    l: &'a Loader<'a>,
    m: &'a Module,
    g: Grammar,
    term_ids: HashMap<String, TermId>,
    anon: HashMap<TermExpr, TermId>,
    nt_ids: HashMap<String, NtId>,
    queue: Vec<(NtId, Ex)>,
    /// Named terminals' expressions, with their height (see `term_expr`).
    term_exprs: HashMap<String, (TermExpr, usize)>,
    term_stack: Vec<String>,
    used_terms: HashSet<String>,
    aux: usize,
    max_productions: usize,
    max_nesting: usize,
    /// Expression nodes made by instantiating templates so far.
    template_nodes: usize,
    /// Templates instantiated at least once (for the unused warning).
    used_templates: HashSet<String>,
    /// `%json` schemas embedded so far.
    json_count: usize,
}

impl Lowerer<'_> {
    fn err(&self, span: Span, msg: impl Into<String>) -> GrammarError {
        self.l.err(span, msg)
    }

    fn check_size(&self, span: Span) -> Result<(), GrammarError> {
        if self.g.productions.len() > self.max_productions {
            return Err(self.err(
                span,
                format!(
                    "the grammar grows past {} productions here (raise max_productions)",
                    self.max_productions
                ),
            ));
        }
        Ok(())
    }

    /// The terminal's regular language, with named terminals inlined.
    fn term_expr(&mut self, ex: &Ex) -> Result<TermExpr, GrammarError> {
        Ok(self.term_expr_at(ex, 0, Span::default())?.0)
    }

    fn nesting_error(&self, span: Span, what: &str) -> GrammarError {
        self.err(
            span,
            format!(
                "{what} nested more than {} deep (the limit max_nesting)",
                self.max_nesting
            ),
        )
    }

    /// `ex` as a terminal expression and its height, `ex` sitting `depth`
    /// levels down (each expression node and each terminal inlined counts
    /// one, so the recursion here is at most `max_nesting` deep); `at` is
    /// the nearest place to point at.
    fn term_expr_at(
        &mut self,
        ex: &Ex,
        depth: usize,
        at: Span,
    ) -> Result<(TermExpr, usize), GrammarError> {
        if depth > self.max_nesting {
            return Err(self.nesting_error(at, "terminals and brackets inside terminals are"));
        }
        let mut height = 0;
        let mut sub = |lw: &mut Self, x: &Ex| -> Result<TermExpr, GrammarError> {
            let (e, h) = lw.term_expr_at(x, depth + 1, at)?;
            height = height.max(h + 1);
            Ok(e)
        };
        let e = match ex {
            Ex::Str { value, ci, .. } => TermExpr::Literal {
                value: value.clone(),
                ci: *ci,
            },
            Ex::Special { text, .. } => TermExpr::Special(text.clone()),
            Ex::Regex {
                pattern,
                flags,
                span,
            } => TermExpr::Regex {
                pattern: pattern.clone(),
                flags: flags.clone(),
                span: *span,
            },
            Ex::Range { lo, hi, span } => {
                let one = |s: &str| {
                    let mut c = s.chars();
                    match (c.next(), c.next()) {
                        (Some(ch), None) => Some(ch),
                        _ => None,
                    }
                };
                match (one(lo), one(hi)) {
                    (Some(a), Some(b)) if a <= b => TermExpr::Range { lo: a, hi: b },
                    (Some(_), Some(_)) => {
                        return Err(self.err(*span, format!("empty range {lo:?}..{hi:?}")))
                    }
                    _ => {
                        return Err(self.err(
                            *span,
                            "a range needs two one-character strings, e.g. \"a\"..\"z\"",
                        ))
                    }
                }
            }
            Ex::Seq(xs) => {
                TermExpr::Seq(xs.iter().map(|x| sub(self, x)).collect::<Result<_, _>>()?)
            }
            Ex::Alts(xs) => {
                TermExpr::Alt(xs.iter().map(|x| sub(self, x)).collect::<Result<_, _>>()?)
            }
            Ex::Maybe(x) => TermExpr::Repeat {
                expr: Box::new(sub(self, x)?),
                min: 0,
                max: Some(1),
            },
            Ex::Repeat { ex, min, max, .. } => TermExpr::Repeat {
                expr: Box::new(sub(self, ex)?),
                min: *min,
                max: *max,
            },
            Ex::Name { name, span } => {
                if !is_term_name(name) {
                    return Err(self.err(*span, format!("a terminal cannot use the rule `{name}`")));
                }
                return self.named_term_expr(name, *span, depth);
            }
            Ex::Template { span, .. } => {
                return Err(self.err(*span, "templates cannot be used inside terminals"))
            }
            Ex::Json { span, .. } => {
                return Err(self.err(
                    *span,
                    "a `%json` schema is a rule: use it in a rule, not inside a terminal",
                ))
            }
        };
        Ok((e, height))
    }

    /// The expression of the named terminal used `depth` levels down, and
    /// its height (one more than its body's: the use counts as a level).
    fn named_term_expr(
        &mut self,
        name: &str,
        span: Span,
        depth: usize,
    ) -> Result<(TermExpr, usize), GrammarError> {
        self.used_terms.insert(name.to_owned());
        if let Some((e, h)) = self.term_exprs.get(name) {
            if depth + h > self.max_nesting {
                return Err(self.nesting_error(span, "terminals and brackets inside terminals are"));
            }
            return Ok((e.clone(), *h));
        }
        if self.term_stack.iter().any(|n| n == name) {
            return Err(self.err(
                span,
                format!("terminal `{name}` is defined in terms of itself"),
            ));
        }
        let Some(entry) = self.m.table.get(name) else {
            if self.m.declared.contains(name) {
                return Err(self.err(
                    span,
                    format!("the %declare'd terminal `{name}` has no pattern to use here"),
                ));
            }
            return Err(self.err(span, format!("undefined terminal `{name}`")));
        };
        self.term_stack.push(name.to_owned());
        let e = self.term_expr_at(&entry.def.body, depth + 1, span);
        self.term_stack.pop();
        let (e, h) = e?;
        self.term_exprs.insert(name.to_owned(), (e.clone(), h + 1));
        Ok((e, h + 1))
    }

    fn named_term(&mut self, name: &str, span: Span) -> Result<TermId, GrammarError> {
        if let Some(&t) = self.term_ids.get(name) {
            self.used_terms.insert(name.to_owned());
            return Ok(t);
        }
        let id = self.g.terminals.len() as TermId;
        if !self.m.table.contains_key(name) && self.m.declared.contains(name) {
            self.used_terms.insert(name.to_owned());
            self.g.terminals.push(Terminal {
                name: name.to_owned(),
                expr: TermExpr::Alt(Vec::new()),
                priority: 0,
                declared_only: true,
                generated: false,
                span,
            });
            let w = self.g.diagnostic(
                span,
                Severity::Warning,
                format!("terminal `{name}` is only %declare'd: it never matches"),
            );
            self.g.warnings.push(w);
            self.term_ids.insert(name.to_owned(), id);
            return Ok(id);
        }
        let (expr, _) = self.named_term_expr(name, span, 0)?;
        let entry = &self.m.table[name];
        self.g.terminals.push(Terminal {
            name: name.to_owned(),
            expr,
            priority: entry.def.priority,
            declared_only: false,
            generated: false,
            span: entry.def.span,
        });
        self.term_ids.insert(name.to_owned(), id);
        Ok(id)
    }

    fn anon_term(&mut self, ex: &Ex) -> Result<TermId, GrammarError> {
        let expr = self.term_expr(ex)?;
        if let Some(&t) = self.anon.get(&expr) {
            return Ok(t);
        }
        let (name, span) = match ex {
            Ex::Str { value, ci, span } => {
                (format!("{value:?}{}", if *ci { "i" } else { "" }), *span)
            }
            Ex::Regex {
                pattern,
                flags,
                span,
            } => (format!("/{pattern}/{flags}"), *span),
            Ex::Range { lo, hi, span } => (format!("{lo:?}..{hi:?}"), *span),
            Ex::Special { text, span } => (text.clone(), *span),
            _ => ("<anonymous>".to_owned(), Span::default()),
        };
        let id = self.g.terminals.len() as TermId;
        self.g.terminals.push(Terminal {
            name,
            expr: expr.clone(),
            priority: 0,
            declared_only: false,
            generated: false,
            span,
        });
        self.anon.insert(expr, id);
        Ok(id)
    }

    /// Compiles a `%json` schema and adds its rules and terminals (renamed
    /// `json{k}_...`); returns its start rule.
    fn embed_json(&mut self, schema: &serde_json::Value, span: Span) -> Result<NtId, GrammarError> {
        let compiled = crate::json_schema::compile(schema, &Default::default())
            .map_err(|e| self.err(span, format!("in this %json schema: {e}")))?;
        self.json_count += 1;
        let k = self.json_count;
        let sub = compiled.grammar;
        let t0 = self.g.terminals.len() as TermId;
        for t in sub.terminals {
            self.g.terminals.push(Terminal {
                name: format!("JSON{k}_{}", t.name),
                span,
                ..t
            });
        }
        let n0 = self.g.nonterminals.len() as NtId;
        for n in sub.nonterminals {
            self.g.nonterminals.push(format!("json{k}_{n}"));
        }
        let map = |s: Symbol| match s {
            Symbol::T(t) => Symbol::T(t + t0),
            Symbol::N(n) => Symbol::N(n + n0),
        };
        for p in sub.productions {
            self.g.productions.push(Production {
                lhs: p.lhs + n0,
                rhs: p.rhs.into_iter().map(map).collect(),
            });
        }
        Ok(sub.start + n0)
    }

    fn new_nt(&mut self, name: String) -> NtId {
        let id = self.g.nonterminals.len() as NtId;
        self.g.nonterminals.push(name);
        id
    }

    fn rule_nt(&mut self, name: &str, span: Span) -> Result<NtId, GrammarError> {
        if let Some(&n) = self.nt_ids.get(name) {
            return Ok(n);
        }
        let Some(entry) = self.m.table.get(name) else {
            return Err(self.err(span, format!("undefined rule `{name}`")));
        };
        if !entry.def.params.is_empty() {
            return Err(self.err(
                span,
                format!(
                    "`{name}` is a template: use it with {} argument(s), e.g. {name}{{...}}",
                    entry.def.params.len()
                ),
            ));
        }
        let id = self.new_nt(name.to_owned());
        self.nt_ids.insert(name.to_owned(), id);
        self.queue.push((id, entry.def.body.clone()));
        Ok(id)
    }

    fn template_nt(&mut self, name: &str, args: &[Ex], span: Span) -> Result<NtId, GrammarError> {
        let Some(entry) = self.m.table.get(name) else {
            return Err(self.err(span, format!("undefined template `{name}`")));
        };
        if entry.def.params.len() != args.len() {
            return Err(self.err(
                span,
                format!(
                    "template `{name}` takes {} argument(s), {} given",
                    entry.def.params.len(),
                    args.len()
                ),
            ));
        }
        self.used_templates.insert(name.to_owned());
        let key = format!(
            "{name}{{{}}}",
            args.iter()
                .map(|a| format!("{a:?}"))
                .collect::<Vec<_>>()
                .join(",")
        );
        if let Some(&n) = self.nt_ids.get(&key) {
            return Ok(n);
        }
        if self.nt_ids.len() > 100_000 {
            return Err(self.err(span, "too many template instances (recursive template?)"));
        }
        let params = entry.def.params.clone();
        // The instance's size and depth, before building it: arguments
        // that grow with each instance (`t{x}: t{x x}`) would otherwise
        // double the work per level, and deepen every walk of the result.
        let arg_shape: Vec<(usize, usize)> = args.iter().map(ex_shape).collect();
        let (body_nodes, arg_uses) = {
            let mut nodes = 0usize;
            let mut uses: Vec<(usize, usize)> = Vec::new(); // (argument, depth)
            let mut stack = vec![(&entry.def.body, 0usize)];
            while let Some((x, d)) = stack.pop() {
                nodes += 1;
                match x {
                    Ex::Name { name, .. } => {
                        if let Some(i) = params.iter().position(|p| p == name) {
                            uses.push((i, d));
                        }
                    }
                    _ => stack.extend(children(x).into_iter().map(|c| (c, d + 1))),
                }
            }
            (nodes, uses)
        };
        let mut nodes = body_nodes;
        for &(i, d) in &arg_uses {
            let (h, n) = arg_shape[i];
            if d + h > self.max_nesting {
                return Err(self.nesting_error(span, "this template instance's expressions are"));
            }
            nodes = nodes.saturating_add(n);
        }
        self.template_nodes = self.template_nodes.saturating_add(nodes);
        if self.template_nodes > self.max_productions {
            return Err(self.err(
                span,
                format!(
                    "template instances grow past {} expression nodes here (a template instantiating itself with growing arguments?)",
                    self.max_productions
                ),
            ));
        }
        let body = substitute(&entry.def.body, &params, args);
        let id = self.new_nt(format!("{name}{{{}}}", args.len()));
        self.nt_ids.insert(key, id);
        self.queue.push((id, body));
        Ok(id)
    }

    fn aux_nt(&mut self, kind: &str) -> NtId {
        self.aux += 1;
        self.new_nt(format!("__{kind}_{}", self.aux))
    }

    fn prod(&mut self, lhs: NtId, rhs: Vec<Symbol>) {
        self.g.productions.push(Production { lhs, rhs });
    }

    /// Alternatives of a rule body (nested alternatives flattened).
    ///
    /// Lowering never recurses with the depth of an expression: sequences
    /// and alternatives are flattened with explicit stacks, and a group,
    /// option or repetition of more than one symbol becomes a helper rule
    /// whose body waits in the queue.
    fn alternatives(&mut self, ex: &Ex) -> Result<Vec<Vec<Symbol>>, GrammarError> {
        let mut out = Vec::new();
        let mut stack = vec![ex];
        while let Some(x) = stack.pop() {
            match x {
                Ex::Alts(xs) => stack.extend(xs.iter().rev()),
                other => out.push(self.sequence(other)?),
            }
        }
        Ok(out)
    }

    fn sequence(&mut self, ex: &Ex) -> Result<Vec<Symbol>, GrammarError> {
        let mut out = Vec::new();
        let mut stack = vec![ex];
        while let Some(x) = stack.pop() {
            match x {
                Ex::Seq(xs) => stack.extend(xs.iter().rev()),
                Ex::Alts(xs) if xs.len() == 1 => stack.push(&xs[0]),
                Ex::Alts(_) => {
                    let nt = self.aux_nt("group");
                    self.queue.push((nt, x.clone()));
                    out.push(Symbol::N(nt));
                }
                Ex::Str { .. } | Ex::Regex { .. } | Ex::Range { .. } | Ex::Special { .. } => {
                    out.push(Symbol::T(self.anon_term(x)?));
                }
                Ex::Json { schema, span } => out.push(Symbol::N(self.embed_json(schema, *span)?)),
                Ex::Name { name, span } => {
                    out.push(if is_term_name(name) {
                        Symbol::T(self.named_term(name, *span)?)
                    } else {
                        Symbol::N(self.rule_nt(name, *span)?)
                    });
                }
                Ex::Template { name, args, span } => {
                    out.push(Symbol::N(self.template_nt(name, args, *span)?));
                }
                Ex::Maybe(inner) => {
                    let nt = self.aux_nt("maybe");
                    self.prod(nt, Vec::new());
                    self.queue.push((nt, (**inner).clone()));
                    out.push(Symbol::N(nt));
                }
                Ex::Repeat { ex, min, max, span } => {
                    out.extend(self.repeat(ex, *min, *max, *span)?);
                }
            }
        }
        Ok(out)
    }

    fn repeat(
        &mut self,
        ex: &Ex,
        min: u32,
        max: Option<u32>,
        span: Span,
    ) -> Result<Vec<Symbol>, GrammarError> {
        // The repeated item as one symbol (a helper rule if it is not one
        // already; a sequence or repetition waits in the queue, so that
        // nested repetitions do not recurse here).
        let composite = match ex {
            Ex::Seq(_) | Ex::Repeat { .. } => true,
            Ex::Alts(xs) => xs.len() == 1,
            _ => false,
        };
        let item = match ex {
            _ if composite => {
                let nt = self.aux_nt("item");
                self.queue.push((nt, ex.clone()));
                Symbol::N(nt)
            }
            _ => {
                let s = self.sequence(ex)?;
                if s.len() == 1 {
                    s[0]
                } else {
                    let nt = self.aux_nt("item");
                    self.prod(nt, s);
                    Symbol::N(nt)
                }
            }
        };
        let total = max.unwrap_or(min) as usize;
        if total > self.max_productions {
            return Err(self.err(span, format!("repetition count {total} is too large")));
        }
        let mut out = vec![item; min as usize];
        match max {
            None => {
                // star: S -> S item | <empty>  (left recursion keeps Earley linear)
                let star = self.aux_nt("star");
                self.prod(star, vec![Symbol::N(star), item]);
                self.prod(star, Vec::new());
                out.push(Symbol::N(star));
            }
            Some(m) if m > min => {
                // Up to (m - min) more: O_k -> item O_{k-1} | <empty>.
                let mut prev: Option<NtId> = None;
                for _ in 0..(m - min) {
                    let o = self.aux_nt("upto");
                    let mut rhs = vec![item];
                    if let Some(p) = prev {
                        rhs.push(Symbol::N(p));
                    }
                    self.prod(o, rhs);
                    self.prod(o, Vec::new());
                    prev = Some(o);
                    self.check_size(span)?;
                }
                if let Some(p) = prev {
                    out.push(Symbol::N(p));
                }
            }
            Some(_) => {}
        }
        self.check_size(span)?;
        Ok(out)
    }
}

/// The direct subexpressions of `ex`.
fn children(ex: &Ex) -> Vec<&Ex> {
    match ex {
        Ex::Alts(xs) | Ex::Seq(xs) => xs.iter().collect(),
        Ex::Template { args, .. } => args.iter().collect(),
        Ex::Maybe(x) => vec![x],
        Ex::Repeat { ex, .. } => vec![ex],
        Ex::Str { .. }
        | Ex::Regex { .. }
        | Ex::Range { .. }
        | Ex::Special { .. }
        | Ex::Name { .. }
        | Ex::Json { .. } => Vec::new(),
    }
}

/// The height (levels below the root) and node count of `ex`, without
/// recursion.
fn ex_shape(ex: &Ex) -> (usize, usize) {
    let (mut height, mut nodes) = (0, 0);
    let mut stack = vec![(ex, 0usize)];
    while let Some((x, d)) = stack.pop() {
        nodes += 1;
        height = height.max(d);
        stack.extend(children(x).into_iter().map(|c| (c, d + 1)));
    }
    (height, nodes)
}

/// `ex` with template parameters replaced by the arguments (the caller
/// has checked the depth of the result).
fn substitute(ex: &Ex, params: &[String], args: &[Ex]) -> Ex {
    match ex {
        Ex::Name { name, .. } => match params.iter().position(|p| p == name) {
            Some(i) => args[i].clone(),
            None => ex.clone(),
        },
        Ex::Alts(xs) => Ex::Alts(xs.iter().map(|x| substitute(x, params, args)).collect()),
        Ex::Seq(xs) => Ex::Seq(xs.iter().map(|x| substitute(x, params, args)).collect()),
        Ex::Template {
            name,
            args: a,
            span,
        } => Ex::Template {
            name: name.clone(),
            args: a.iter().map(|x| substitute(x, params, args)).collect(),
            span: *span,
        },
        Ex::Maybe(x) => Ex::Maybe(Box::new(substitute(x, params, args))),
        Ex::Repeat { ex, min, max, span } => Ex::Repeat {
            ex: Box::new(substitute(ex, params, args)),
            min: *min,
            max: *max,
            span: *span,
        },
        other => other.clone(),
    }
}

fn lower(l: &Loader<'_>, m: &Module, opts: &LarkOptions) -> Result<Grammar, GrammarError> {
    let mut lw = Lowerer {
        l,
        m,
        g: Grammar {
            terminals: Vec::new(),
            nonterminals: Vec::new(),
            productions: Vec::new(),
            start: 0,
            ignore: Vec::new(),
            warnings: Vec::new(),
            sources: l.sources.clone(),
        },
        term_ids: HashMap::new(),
        anon: HashMap::new(),
        nt_ids: HashMap::new(),
        queue: Vec::new(),
        term_exprs: HashMap::new(),
        term_stack: Vec::new(),
        used_terms: HashSet::new(),
        aux: 0,
        max_productions: opts.max_productions,
        max_nesting: opts.max_nesting,
        template_nodes: 0,
        used_templates: HashSet::new(),
        json_count: 0,
    };
    // Every name used anywhere must be defined (also in unused rules).
    for name in &m.defs {
        let e = &m.table[name];
        let params: HashSet<&str> = e.def.params.iter().map(String::as_str).collect();
        let mut missing: Option<(String, Span)> = None;
        walk_names(&e.def.body, &mut |n, s| {
            if missing.is_none()
                && !params.contains(n)
                && !m.table.contains_key(n)
                && !m.declared.contains(n)
            {
                missing = Some((n.to_owned(), s));
            }
        });
        if let Some((n, s)) = missing {
            let what = if is_term_name(&n) { "terminal" } else { "rule" };
            return Err(l.err(s, format!("undefined {what} `{n}`")));
        }
    }
    let Some(start_entry) = m.table.get(&opts.start) else {
        let sp = l.sources.first().map(|_| Span::default());
        let msg = format!("the grammar has no rule `{}` to start from", opts.start);
        return Err(match sp {
            Some(s) => l.err(s, msg),
            None => GrammarError::unplaced(msg),
        });
    };
    if !is_rule_name(&opts.start) || !start_entry.def.params.is_empty() {
        return Err(l.err(
            start_entry.def.span,
            format!("the start symbol `{}` must be a plain rule", opts.start),
        ));
    }
    let start = lw.rule_nt(&opts.start, start_entry.def.span)?;
    lw.g.start = start;
    while let Some((nt, body)) = lw.queue.pop() {
        for alt in lw.alternatives(&body)? {
            lw.prod(nt, alt);
        }
        lw.check_size(Span::default())?;
    }
    for (ex, sp) in &m.ignore {
        let names: Option<Vec<(&String, Span)>> = match ex {
            Ex::Name { name, span } => Some(vec![(name, *span)]),
            Ex::Alts(xs) => xs
                .iter()
                .map(|x| match x {
                    Ex::Name { name, span } => Some((name, *span)),
                    _ => None,
                })
                .collect(),
            _ => None,
        };
        let ids = match names {
            Some(ns) => {
                let mut ids = Vec::new();
                for (n, s) in ns {
                    if !is_term_name(n) {
                        return Err(
                            l.err(s, format!("%ignore takes terminals, not the rule `{n}`"))
                        );
                    }
                    ids.push(lw.named_term(n, s)?);
                }
                ids
            }
            None => vec![lw.anon_term(ex).map_err(|e| {
                if e.diagnostic().line == 0 {
                    l.err(*sp, e.diagnostic().message.clone())
                } else {
                    e
                }
            })?],
        };
        for id in ids {
            if !lw.g.ignore.contains(&id) {
                lw.g.ignore.push(id);
            }
        }
    }
    // Warnings: unused local definitions; terminals with the same language.
    for name in &m.defs {
        let e = &m.table[name];
        if !e.local {
            continue;
        }
        let used = if e.def.is_term {
            lw.used_terms.contains(name)
        } else {
            lw.nt_ids.contains_key(name)
                || !e.def.params.is_empty() && lw.used_templates.contains(name)
        };
        if !used {
            let kind = if e.def.is_term { "terminal" } else { "rule" };
            let w = lw.g.diagnostic(
                e.def.span,
                Severity::Warning,
                format!("{kind} `{name}` is defined but never used"),
            );
            lw.g.warnings.push(w);
        }
    }
    let mut by_expr: HashMap<&TermExpr, &Terminal> = HashMap::new();
    let mut collisions = Vec::new();
    for t in &lw.g.terminals {
        if t.declared_only {
            continue;
        }
        if let Some(prev) = by_expr.get(&t.expr) {
            collisions.push((
                t.span,
                format!(
                    "terminals `{}` and `{}` match exactly the same strings",
                    prev.name, t.name
                ),
            ));
        } else {
            by_expr.insert(&t.expr, t);
        }
    }
    for (sp, msg) in collisions {
        let w = lw.g.diagnostic(sp, Severity::Warning, msg);
        lw.g.warnings.push(w);
    }
    Ok(lw.g)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Grammar, GrammarError> {
        parse_lark(text, "<test>", &LarkOptions::default())
    }

    #[test]
    fn basic_rules_and_terminals() {
        let g = parse("start: a+ B\na: \"x\" | /y+/i\nB: \"b\"i\n%ignore \" \"\n").unwrap();
        assert_eq!(g.nonterminals[g.start as usize], "start");
        assert!(g.terminals.iter().any(|t| t.name == "B"));
        assert_eq!(g.ignore.len(), 1);
        assert!(g.warnings.is_empty(), "{:?}", g.warnings);
    }

    #[test]
    fn imports_templates_and_directives() {
        let text = r#"
%import common.NUMBER
%import common (WS, CNAME)
%import common.ESCAPED_STRING -> STRING
_sep{x, s}: x (s x)*
?start: "[" [_sep{value, ","}] "]"
?value: NUMBER | STRING | CNAME | start
%ignore WS
%declare FOO
"#;
        let g = parse(text).unwrap();
        assert!(g.terminals.iter().any(|t| t.name == "NUMBER"));
        assert!(g.terminals.iter().any(|t| t.name == "STRING"));
        let t = "start: A\nA: \"a\"\n%override A: \"b\"\n%extend A: \"c\"\n";
        assert!(parse(t).is_ok());
    }

    #[test]
    fn errors_point_at_the_text() {
        let e = parse("start: a\na: \"x\" b\n").unwrap_err();
        let d = e.diagnostic();
        assert_eq!((d.line, d.column), (2, 8));
        assert!(d.message.contains("undefined rule `b`"), "{}", d.message);
        assert!(d.rendered.contains("^"), "{}", d.rendered);
        let e = parse("start: \"x\"\nstart: \"y\"\n").unwrap_err();
        assert!(e.diagnostic().message.contains("duplicate definition"));
        assert_eq!(e.diagnostic().line, 2);
        let e = parse("start: (\"x\"\n").unwrap_err();
        assert!(e.diagnostic().message.contains("unclosed"));
        let e = parse("start: \"x\" :\n").unwrap_err();
        assert!(e.diagnostic().message.contains("expected"), "{}", e);
        let e = parse("a: \"x\"\n").unwrap_err();
        assert!(e.diagnostic().message.contains("no rule `start`"));
        let e = parse("start: A\nA: B\nB: A\n").unwrap_err();
        assert!(e.diagnostic().message.contains("itself"));
        let e = parse("%import nosuch.X\nstart: X\n").unwrap_err();
        assert!(e.diagnostic().message.contains("cannot find"));
    }

    #[test]
    fn warnings() {
        let g = parse("start: \"x\"\nunused: \"y\"\nA: \"z\"\n").unwrap();
        let msgs: Vec<_> = g.warnings.iter().map(|w| w.message.clone()).collect();
        assert!(msgs.iter().any(|m| m.contains("rule `unused`")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("terminal `A`")), "{msgs:?}");
        let g = parse("start: A B\nA: \"z\"\nB: \"z\"\n").unwrap();
        assert!(g
            .warnings
            .iter()
            .any(|w| w.message.contains("same strings")));
    }

    #[test]
    fn repetition_forms() {
        let g = parse("start: \"a\"~2..4 \"b\"{1,2} \"c\"~3\n").unwrap();
        assert!(g.productions.len() > 4);
        assert!(parse("start: \"a\"~3..2\n").is_err());
    }
}
