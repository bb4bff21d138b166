//! Terminals: their regular languages (named terminals inlined), named
//! and anonymous terminals of the grammar.

use crate::grammar::{GrammarError, Severity, Span, TermExpr, TermId, Terminal};

use super::ast::{is_term_name, Ex};
use super::lower::Lowerer;

impl Lowerer<'_> {
    /// The terminal's regular language, with named terminals inlined.
    fn term_expr(&mut self, ex: &Ex) -> Result<TermExpr, GrammarError> {
        Ok(self.term_expr_at(ex, 0, Span::default())?.0)
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

    pub(super) fn named_term(&mut self, name: &str, span: Span) -> Result<TermId, GrammarError> {
        if let Some(&t) = self.term_ids.get(name) {
            self.used_terms.insert(name.to_owned());
            return Ok(t);
        }
        let id = TermId::new(self.g.terminals.len() as u32);
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

    pub(super) fn anon_term(&mut self, ex: &Ex) -> Result<TermId, GrammarError> {
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
        let id = TermId::new(self.g.terminals.len() as u32);
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
}
