//! A grammar compiled for matching: lexer DFAs and Earley tables.

use std::sync::Arc;

use crate::earley::{EarleyConfig, Tables};
use crate::grammar::{Grammar, GrammarError, Production, Severity, Symbol, TermExpr, TermId};
use crate::lexer::{regex, Lexer, LexerConfig};

/// Limits used when compiling and matching.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub lexer: LexerConfig,
    pub earley: EarleyConfig,
}

/// A grammar ready to match: immutable, shared by every matcher made from it.
#[derive(Debug)]
pub struct CompiledGrammar {
    pub grammar: Grammar,
    pub lexer: Lexer,
    pub tables: Tables,
    pub config: Config,
    /// `is_ignore[t]`: terminal `t` may appear between any two terminals.
    pub is_ignore: Vec<bool>,
    pub ignore: Vec<TermId>,
    /// Every symbol derives some string. Then every Earley row made by a
    /// scan can go on or end the input, so a terminal the row expects is
    /// always taken (masks skip the parser step where nothing follows).
    pub all_productive: bool,
    /// Terminals that stand for a special token (`<|name|>`, `<[id]>`),
    /// with the text as written; bound to token ids with a vocabulary.
    pub special_terms: Vec<(TermId, String)>,
    /// `is_special[t]`: terminal `t` is one of `special_terms`.
    pub is_special: Vec<bool>,
}

impl CompiledGrammar {
    /// Compiles a grammar. Terminals whose language contains the empty
    /// string are made optional where they are used (the lexer never emits
    /// empty lexemes), with a warning.
    pub fn new(mut grammar: Grammar, config: Config) -> Result<Arc<CompiledGrammar>, GrammarError> {
        let mut variants = Vec::with_capacity(grammar.terminals.len());
        let mut special_terms = Vec::new();
        for (i, t) in grammar.terminals.iter().enumerate() {
            if t.declared_only {
                variants.push(None);
                continue;
            }
            if let TermExpr::Special(text) = &t.expr {
                // Matched by a token id, never by bytes.
                special_terms.push((i as TermId, text.clone()));
                variants.push(None);
                continue;
            }
            let lim = config.lexer.dfa_size_limit;
            match regex::translate_limited(&t.expr, (lim / 256).max(1), lim) {
                Ok(v) => variants.push(Some(v)),
                Err(e) => {
                    let span = e.span.unwrap_or(t.span);
                    return Err(GrammarError(Box::new(grammar.diagnostic(
                        span,
                        Severity::Error,
                        format!("{} (in terminal {})", e.message, t.name),
                    ))));
                }
            }
        }
        let lexer = Lexer::new(&variants, &grammar.ignore, &config.lexer).map_err(|e| {
            let t = &grammar.terminals[e.term as usize];
            GrammarError(Box::new(grammar.diagnostic(
                t.span,
                Severity::Error,
                format!("terminal {} cannot be compiled: {}", t.name, e.message),
            )))
        })?;
        warn_collisions(&mut grammar, &lexer);
        let empty: Vec<TermId> = lexer.empty_terms().to_vec();
        if !empty.is_empty() {
            make_empty_terminals_optional(&mut grammar, &empty);
        }
        let mut is_ignore = vec![false; grammar.terminals.len()];
        for &t in &grammar.ignore {
            is_ignore[t as usize] = true;
        }
        let ignore = grammar.ignore.clone();
        let tables = Tables::new(&grammar);
        let all_productive = all_productive(&grammar, &lexer);
        let mut is_special = vec![false; grammar.terminals.len()];
        for &(t, _) in &special_terms {
            is_special[t as usize] = true;
        }
        Ok(Arc::new(CompiledGrammar {
            grammar,
            lexer,
            tables,
            config,
            is_ignore,
            ignore,
            all_productive,
            is_special,
            special_terms,
        }))
    }

    pub fn term_name(&self, t: TermId) -> &str {
        &self.grammar.terminals[t as usize].name
    }
}

/// Whether every terminal matches some string and every nonterminal
/// derives some string of terminals.
fn all_productive(g: &Grammar, lexer: &Lexer) -> bool {
    let terms_ok = (0..g.terminals.len() as TermId).all(|t| {
        let term = &g.terminals[t as usize];
        !term.declared_only
            && (matches!(term.expr, TermExpr::Special(_))
                || matches!(lexer.start_state(&[t]), Ok(s) if s != crate::lexer::DEAD))
    });
    if !terms_ok {
        return false;
    }
    let mut productive = vec![false; g.nonterminals.len()];
    loop {
        let mut changed = false;
        for p in &g.productions {
            if !productive[p.lhs as usize]
                && p.rhs.iter().all(|s| match *s {
                    Symbol::T(_) => true,
                    Symbol::N(n) => productive[n as usize],
                })
            {
                productive[p.lhs as usize] = true;
                changed = true;
            }
        }
        if !changed {
            return productive.iter().all(|&p| p);
        }
    }
}

/// Warns about named terminals, other than plain literals, that can match
/// the same text (a literal keyword inside a NAME pattern is normal).
fn warn_collisions(g: &mut Grammar, lexer: &Lexer) {
    use crate::grammar::TermExpr;
    // Terminals written from a JSON Schema overlap by design (keys are
    // strings too): they are not an author's mistake to point out.
    if g.sources
        .first()
        .is_some_and(|s| s.name == crate::grammar::json_schema::SOURCE_NAME)
    {
        return;
    }
    let from_schema = |name: &str| {
        name.strip_prefix("JSON")
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    };
    let named: Vec<TermId> = (0..g.terminals.len() as TermId)
        .filter(|&t| {
            let term = &g.terminals[t as usize];
            !term.declared_only
                && !from_schema(&term.name)
                && !term.name.starts_with(['"', '/'])
                && !matches!(term.expr, TermExpr::Literal { .. })
                && !g.ignore.contains(&t)
        })
        .collect();
    if named.len() > 200 {
        return;
    }
    let mut found = Vec::new();
    for (i, &a) in named.iter().enumerate() {
        for &b in &named[i + 1..] {
            if g.terminals[a as usize].expr == g.terminals[b as usize].expr {
                continue; // reported by the front-end as identical
            }
            if let Some(s) = lexer.common_string(a, b, 20_000) {
                found.push((b, a, s));
            }
        }
    }
    for (b, a, s) in found {
        let (na, nb) = (&g.terminals[a as usize].name, &g.terminals[b as usize].name);
        let msg = format!(
            "terminals {na} and {nb} can match the same text, e.g. {:?}",
            String::from_utf8_lossy(&s)
        );
        let w = g.diagnostic(g.terminals[b as usize].span, Severity::Warning, msg);
        g.warnings.push(w);
    }
}

fn make_empty_terminals_optional(g: &mut Grammar, empty: &[TermId]) {
    let mut wrapper = vec![None; g.terminals.len()];
    let mut added = Vec::new();
    for &t in empty {
        let term = &g.terminals[t as usize];
        let w = g.diagnostic(
            term.span,
            Severity::Warning,
            format!("terminal {} matches the empty string", term.name),
        );
        g.warnings.push(w);
        if !g.productions.iter().any(|p| p.rhs.contains(&Symbol::T(t))) {
            continue;
        }
        let nt = g.nonterminals.len() as u32;
        g.nonterminals
            .push(format!("{}?", g.terminals[t as usize].name));
        added.push(Production {
            lhs: nt,
            rhs: vec![Symbol::T(t)],
        });
        added.push(Production {
            lhs: nt,
            rhs: vec![],
        });
        wrapper[t as usize] = Some(nt);
    }
    for p in &mut g.productions {
        for s in &mut p.rhs {
            if let Symbol::T(t) = *s {
                if let Some(nt) = wrapper[t as usize] {
                    *s = Symbol::N(nt);
                }
            }
        }
    }
    g.productions.extend(added);
}
