//! Which symbols derive some string: pruning the rules that derive none,
//! and an empty language told as an error with its reason.

use rustc_hash::FxHashMap;

use crate::grammar::{Grammar, GrammarError, NtId, Severity, Symbol, TermExpr, TermId};
use crate::lexer::{LexState, Lexer};

/// Whether terminal `t` matches some string (a special token is taken to:
/// it is bound to a token id later). Fails if the lexer's state limit is
/// too small to tell.
fn term_productive(g: &Grammar, lexer: &Lexer, t: TermId) -> Result<bool, GrammarError> {
    let term = &g.terminals[t.index()];
    if term.declared_only {
        return Ok(false);
    }
    if matches!(term.expr, TermExpr::Special(_)) {
        return Ok(true);
    }
    match lexer.start_state(&[t]) {
        Ok(s) => Ok(s != LexState::DEAD),
        Err(e) => Err(GrammarError::placed(
            g.diagnostic(
                term.span,
                Severity::Error,
                format!("terminal {} cannot be compiled: {}", term.name, e),
            ),
            &e,
        )),
    }
}

/// Drops the productions that use a symbol deriving no string (a terminal
/// with an empty language, a rule with no finished derivation). Otherwise
/// the parser would take prefixes that can never be completed: a required
/// property whose schema nothing satisfies leaves its object (and what
/// holds it) with no string, yet `{` would still look viable, and masks
/// would lead generation into a dead end.
/// Counts of distinct keys no object can reach ([`Grammar::key_counts`]):
/// where fewer required keys than the count needs have a value some string
/// satisfies, the object has no instance; where fewer optional keys than
/// counted can be written, the counts past them go. Returns whether a rule
/// went (then unproductive rules must be pruned again).
pub(super) fn cut_unreachable_counts(g: &mut Grammar) -> bool {
    if g.key_counts.is_empty() {
        return false;
    }
    // Per rule: its productions left, and the keys they write (a rule for
    // several keys writes each).
    let mut prods: FxHashMap<u32, (u32, u32)> = FxHashMap::default();
    for p in &g.productions {
        let keys = match p.rhs.first() {
            Some(Symbol::T(t)) => match &g.terminals[t.index()].expr {
                TermExpr::JsonLiterals { strings, .. } => strings.len() as u32,
                _ => 1,
            },
            _ => 1,
        };
        let e = prods.entry(p.lhs.as_u32()).or_default();
        e.0 += 1;
        e.1 += keys;
    }
    let left = |nt: Option<NtId>| {
        nt.and_then(|n| prods.get(&n.as_u32()))
            .copied()
            .unwrap_or((0, 0))
    };
    let mut dead: rustc_hash::FxHashSet<u32> = Default::default();
    for kc in &g.key_counts {
        if kc.required.is_some() && left(kc.required).0 < kc.k {
            dead.extend(kc.states.iter().map(|s| s.0.as_u32()));
            continue;
        }
        if let Some(n) = kc.n_opt {
            let keys = left(kc.optional).1;
            if keys < n {
                dead.extend(
                    kc.states
                        .iter()
                        .filter(|s| s.2 > keys)
                        .map(|s| s.0.as_u32()),
                );
            }
        }
    }
    let before = g.productions.len();
    g.productions.retain(|p| {
        !dead.contains(&p.lhs.as_u32())
            && !p
                .rhs
                .iter()
                .any(|s| matches!(s, Symbol::N(n) if dead.contains(&n.as_u32())))
    });
    g.productions.len() < before
}

/// Why the grammar's language is empty (the start rule derives no finite
/// string), or None where it is not: the rules reachable from the start
/// that derive nothing, and the terminals there that match nothing.
pub(super) fn empty_language(g: &Grammar, lexer: &Lexer) -> Result<Option<String>, GrammarError> {
    let (terms, rules) = productive_symbols(g, lexer)?;
    if rules[g.start.index()] {
        return Ok(None);
    }
    let mut seen = vec![false; g.nonterminals.len()];
    let mut dead_rules = Vec::new();
    let mut dead_terms = Vec::new();
    let mut todo = vec![g.start];
    seen[g.start.index()] = true;
    while let Some(n) = todo.pop() {
        if !rules[n.index()] {
            dead_rules.push(g.nonterminals[n.index()].clone());
        }
        for p in g.productions.iter().filter(|p| p.lhs == n) {
            for s in &p.rhs {
                match *s {
                    Symbol::N(m) if !seen[m.index()] => {
                        seen[m.index()] = true;
                        todo.push(m);
                    }
                    Symbol::T(t) if !terms[t.index()] => {
                        let name = &g.terminals[t.index()].name;
                        if !dead_terms.contains(name) {
                            dead_terms.push(name.clone());
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    let list = |xs: &[String]| {
        let mut shown: Vec<String> = xs.iter().take(8).map(|x| format!("`{x}`")).collect();
        if xs.len() > 8 {
            shown.push(format!("and {} more", xs.len() - 8));
        }
        shown.join(", ")
    };
    let mut why = format!(
        "the grammar's language is empty: rule `{}` derives no finite string",
        g.nonterminals[g.start.index()]
    );
    if !dead_rules.is_empty() {
        why.push_str(&format!(
            " (rules without a finite derivation: {}; each alternative of each refers to one \
             of them",
            list(&dead_rules)
        ));
        if dead_terms.is_empty() {
            why.push(')');
        } else {
            why.push_str(&format!(
                ", or to a terminal that matches nothing: {})",
                list(&dead_terms)
            ));
        }
    }
    Ok(Some(why))
}

pub(super) fn prune_unproductive(g: &mut Grammar, lexer: &Lexer) -> Result<(), GrammarError> {
    let (terms, rules) = productive_symbols(g, lexer)?;
    g.productions.retain(|p| {
        p.rhs.iter().all(|s| match *s {
            Symbol::T(t) => terms[t.index()],
            Symbol::N(n) => rules[n.index()],
        })
    });
    Ok(())
}

/// Which terminals match some string, and which nonterminals derive some
/// string of terminals (a least fixed point over the productions).
fn productive_symbols(g: &Grammar, lexer: &Lexer) -> Result<(Vec<bool>, Vec<bool>), GrammarError> {
    let terms: Vec<bool> = (0..g.terminals.len() as u32)
        .map(TermId::new)
        .map(|t| term_productive(g, lexer, t))
        .collect::<Result<_, _>>()?;
    // A worklist, linear in the grammar's size: per production, how many
    // of its nonterminals are not yet known productive.
    let mut rules = vec![false; g.nonterminals.len()];
    let mut left = vec![0u32; g.productions.len()];
    let mut uses: Vec<Vec<u32>> = vec![Vec::new(); g.nonterminals.len()];
    let mut queue = Vec::new();
    for (i, p) in g.productions.iter().enumerate() {
        if p.rhs
            .iter()
            .any(|s| matches!(*s, Symbol::T(t) if !terms[t.index()]))
        {
            left[i] = u32::MAX;
            continue;
        }
        for s in &p.rhs {
            if let Symbol::N(n) = *s {
                left[i] += 1;
                uses[n.index()].push(i as u32);
            }
        }
        if left[i] == 0 && !rules[p.lhs.index()] {
            rules[p.lhs.index()] = true;
            queue.push(p.lhs);
        }
    }
    while let Some(n) = queue.pop() {
        for &i in &uses[n.index()] {
            let i = i as usize;
            left[i] -= 1;
            let lhs = g.productions[i].lhs;
            if left[i] == 0 && !rules[lhs.index()] {
                rules[lhs.index()] = true;
                queue.push(lhs);
            }
        }
    }
    Ok((terms, rules))
}

/// Whether every terminal matches some string and every nonterminal
/// derives some string of terminals.
pub(super) fn all_productive(g: &Grammar, lexer: &Lexer) -> Result<bool, GrammarError> {
    let (terms, rules) = productive_symbols(g, lexer)?;
    Ok(terms.iter().chain(&rules).all(|&p| p))
}
