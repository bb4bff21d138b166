//! Lowering: named definitions -> the grammar IR's symbols and
//! productions, and the checks and warnings on the whole grammar.

use std::collections::{HashMap, HashSet};

use crate::grammar::{
    Grammar, GrammarError, NtId, Production, Severity, Span, Symbol, TermExpr, TermId, Terminal,
};

use super::ast::{is_rule_name, is_term_name, walk_names, Ex};
use super::imports::{Loader, Module};
use super::options::LarkOptions;

/// Lowering state: named definitions -> IR symbols and productions.
pub(super) struct Lowerer<'a> {
    pub(super) l: &'a Loader<'a>,
    pub(super) m: &'a Module,
    pub(super) g: Grammar,
    pub(super) term_ids: HashMap<String, TermId>,
    pub(super) anon: HashMap<TermExpr, TermId>,
    pub(super) nt_ids: HashMap<String, NtId>,
    pub(super) queue: Vec<(NtId, Ex)>,
    /// Named terminals' expressions, with their height (see `term_expr`).
    pub(super) term_exprs: HashMap<String, (TermExpr, usize)>,
    pub(super) term_stack: Vec<String>,
    pub(super) used_terms: HashSet<String>,
    pub(super) aux: usize,
    pub(super) max_productions: usize,
    pub(super) max_nesting: usize,
    /// Expression nodes made by instantiating templates so far.
    pub(super) template_nodes: usize,
    /// Templates instantiated at least once (for the unused warning).
    pub(super) used_templates: HashSet<String>,
    /// `%json` schemas embedded so far.
    pub(super) json_count: usize,
}

impl Lowerer<'_> {
    pub(super) fn err(&self, span: Span, msg: impl Into<String>) -> GrammarError {
        self.l.err(span, msg)
    }

    pub(super) fn check_size(&self, span: Span) -> Result<(), GrammarError> {
        if self.g.productions.len() > self.max_productions {
            return Err(self
                .err(
                    span,
                    format!(
                        "the grammar grows past {} productions here (raise max_productions)",
                        self.max_productions
                    ),
                )
                .with_limit("max_productions"));
        }
        Ok(())
    }

    pub(super) fn nesting_error(&self, span: Span, what: &str) -> GrammarError {
        self.err(
            span,
            format!(
                "{what} nested more than {} deep (the limit max_nesting)",
                self.max_nesting
            ),
        )
        .with_limit("max_nesting")
    }

    pub(super) fn new_nt(&mut self, name: String) -> NtId {
        let id = NtId::new(self.g.nonterminals.len() as u32);
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
            return Err(self
                .err(
                    span,
                    format!(
                        "repetition count {total} is too large (more than max_productions = {})",
                        self.max_productions
                    ),
                )
                .with_limit("max_productions"));
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

pub(super) fn lower(
    l: &Loader<'_>,
    m: &Module,
    opts: &LarkOptions,
) -> Result<Grammar, GrammarError> {
    let mut lw = Lowerer {
        l,
        m,
        g: Grammar {
            terminals: Vec::new(),
            nonterminals: Vec::new(),
            productions: Vec::new(),
            start: NtId::new(0),
            ignore: Vec::new(),
            warnings: Vec::new(),
            sources: l.sources.clone(),
            distinct_keys: false,
            distinct_items: Vec::new(),
            value_guards: Vec::new(),
            key_counts: Vec::new(),
            allow_empty: false,
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
