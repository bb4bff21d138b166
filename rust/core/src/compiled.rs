//! A grammar compiled for matching: lexer DFAs and Earley tables.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Repetition};

use crate::earley::{EarleyConfig, Tables};
use crate::error::ErrorKind;
use crate::grammar::{
    Grammar, GrammarError, HirExpr, NtId, Production, Severity, Span, Symbol, TermExpr, TermId,
    Terminal,
};
use crate::lexer::table::TableDfa;
use crate::lexer::{hir, regex, LexState, Lexer, LexerConfig};

/// Limits used when compiling and matching.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub lexer: LexerConfig,
    pub earley: EarleyConfig,
    /// Most characters in a run of ignored whitespace (`%ignore` terminals
    /// that match only whitespace), or no bound. Generation sets it so that
    /// a model cannot loop on whitespace (see [`bound_ignored_whitespace`]).
    pub whitespace_limit: Option<u32>,
    /// A terminal past its budget is compiled as [`TermExpr::relaxed`]
    /// (noted in [`CompiledGrammar::relaxed`]) instead of failing.
    pub relax_terminals: bool,
}

mod key_endings;
mod productive;

use productive::{all_productive, cut_unreachable_counts, empty_language, prune_unproductive};

/// The ways each lexer state inside a key can end (see
/// [`CompiledGrammar::key_endings`]), found once per state.
pub(crate) type KeyEndings = std::sync::Mutex<FxHashMap<LexState, Option<Endings>>>;

/// The texts that end a key from one lexer state.
pub(crate) type Endings = Arc<[Box<[u8]>]>;

/// What a terminal closes, for arrays whose items must be distinct
/// ([`Grammar::distinct_items`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemClose {
    No,
    /// An item, with the array's `,`.
    Comma,
    /// The last item, with the array's `]`.
    Bracket,
}

/// A grammar ready to match: immutable, shared by every matcher made from it.
#[derive(Debug)]
pub struct CompiledGrammar {
    /// The grammar as compiled (terminals made optional where they match
    /// the empty string, ignored whitespace bounded).
    pub grammar: Grammar,
    pub(crate) lexer: Lexer,
    pub(crate) tables: Tables,
    pub config: Config,
    /// `is_ignore[t]`: terminal `t` may appear between any two terminals.
    pub(crate) is_ignore: Vec<bool>,
    /// `item_close[t]`: what terminal `t` closes in an array whose items
    /// must be distinct.
    pub(crate) item_close: Vec<ItemClose>,
    /// The value guards by nonterminal: the canonical values the value
    /// must not be, and the nonterminals whose languages it must avoid
    /// ([`Grammar::value_guards`]).
    pub(crate) guards: FxHashMap<u32, (Vec<Vec<u8>>, Vec<u32>)>,
    /// Per lexer state inside a key: every way the key can end (its text to
    /// the closing quote), where they are few (None: many, or endless).
    pub(crate) key_endings: KeyEndings,
    pub(crate) ignore: Vec<TermId>,
    /// Every symbol derives some string. Then every Earley row made by a
    /// scan can go on or end the input, so a terminal the row expects is
    /// always taken (masks skip the parser step where nothing follows).
    pub(crate) all_productive: bool,
    /// Terminals that stand for a special token (`<|name|>`, `<[id]>`),
    /// with the text as written; bound to token ids with a vocabulary.
    pub(crate) special_terms: Vec<(TermId, String)>,
    /// `is_special[t]`: terminal `t` is one of `special_terms`.
    pub(crate) is_special: Vec<bool>,
    /// Terminals compiled as a superset, with why (see
    /// [`Config::relax_terminals`]).
    pub relaxed: Vec<(TermId, String)>,
}

impl CompiledGrammar {
    /// Compiles a grammar. Terminals whose language contains the empty
    /// string are made optional where they are used (the lexer never emits
    /// empty lexemes), with a warning.
    pub fn new(mut grammar: Grammar, config: Config) -> Result<Arc<CompiledGrammar>, GrammarError> {
        // Everything below walks terminals recursively: bound their depth
        // first, whichever front-end built them.
        for t in &grammar.terminals {
            if let Err(at) = hir::check_nesting(&t.expr, config.lexer.max_nesting) {
                return Err(GrammarError::new(
                    grammar.diagnostic(
                        at.filter(|s| s.end > s.start).unwrap_or(t.span),
                        Severity::Error,
                        format!(
                            "terminal {} is nested more than {} levels deep (the limit max_nesting)",
                            t.name, config.lexer.max_nesting
                        ),
                    ),
                    ErrorKind::Limit,
                )
                .with_limit("max_nesting"));
            }
        }
        let run_term = match config.whitespace_limit {
            Some(n) => bound_ignored_whitespace(&mut grammar, n),
            None => None,
        };
        let mut variants = Vec::with_capacity(grammar.terminals.len());
        let mut special_terms = Vec::new();
        let mut relaxed = Vec::new();
        for (i, t) in grammar.terminals.iter().enumerate() {
            if t.declared_only {
                variants.push(None);
                continue;
            }
            if let TermExpr::Special(text) = &t.expr {
                // Matched by a token id, never by bytes.
                special_terms.push((TermId::new(i as u32), text.clone()));
                variants.push(None);
                continue;
            }
            let lim = config.lexer.dfa_size_limit;
            // The bounded whitespace run is read as a table below.
            let translate = if Some(TermId::new(i as u32)) == run_term {
                regex::translate_limited
            } else {
                regex::translate_lazy
            };
            let mut r = translate(&t.expr, (lim / 256).max(1), lim);
            if let (Err(e), true, Some(x)) = (&r, config.relax_terminals, t.expr.relaxed()) {
                if e.error.kind == ErrorKind::Limit {
                    relaxed.push((TermId::new(i as u32), e.message().to_owned(), x.clone()));
                    r = translate(&x, (lim / 256).max(1), lim);
                }
            }
            match r {
                Ok(v) => variants.push(Some(v)),
                Err(e) => {
                    let span = e.span.unwrap_or(t.span);
                    return Err(GrammarError::placed(
                        grammar.diagnostic(
                            span,
                            Severity::Error,
                            format!("{} (in terminal {})", e.message(), t.name),
                        ),
                        &e.error,
                    )
                    .with_term(TermId::new(i as u32)));
                }
            }
        }
        let relaxed: Vec<(TermId, String)> = relaxed
            .into_iter()
            .map(|(t, why, x)| {
                grammar.terminals[t.index()].expr = x;
                (t, why)
            })
            .collect();
        let mut lexer = Lexer::new(&variants, &grammar.ignore, &config.lexer).map_err(|e| {
            let t = &grammar.terminals[e.term.index()];
            GrammarError::placed(
                grammar.diagnostic(
                    t.span,
                    Severity::Error,
                    format!("terminal {} cannot be compiled: {}", t.name, e.error),
                ),
                &e.error,
            )
            .with_term(e.term)
        })?;
        if let Some(t) = run_term {
            let table = variants[t.index()].as_ref().and_then(|vs| {
                vs.iter().find_map(|v| match &v.special {
                    Some(hir::Special::Table(tab)) => Some(tab.clone()),
                    _ => None,
                })
            });
            if let Some(tab) = table {
                let mut first = [0u64; 4];
                for b in 0..=255u8 {
                    if tab.next(tab.start(), b) != 0 {
                        first[b as usize / 64] |= 1 << (b % 64);
                    }
                }
                lexer.bound_runs(t, first);
            }
        }
        warn_collisions(&mut grammar, &lexer);
        let empty: Vec<TermId> = lexer.empty_terms().to_vec();
        if !empty.is_empty() {
            make_empty_terminals_optional(&mut grammar, &empty);
        }
        let mut is_ignore = vec![false; grammar.terminals.len()];
        for &t in &grammar.ignore {
            is_ignore[t.index()] = true;
        }
        let ignore = grammar.ignore.clone();
        if let Some(reason) = empty_language(&grammar, &lexer)?.filter(|_| !grammar.allow_empty) {
            return Err(GrammarError::new(
                grammar.diagnostic(Span::default(), Severity::Error, reason),
                ErrorKind::Syntax,
            ));
        }
        prune_unproductive(&mut grammar, &lexer)?;
        // An object cut may leave another (holding it) short: to a fixed
        // point (each round cuts rules, so it ends).
        while cut_unreachable_counts(&mut grammar) {
            prune_unproductive(&mut grammar, &lexer)?;
        }
        if !grammar.allow_empty && !grammar.productions.iter().any(|p| p.lhs == grammar.start) {
            return Err(GrammarError::new(
                grammar.diagnostic(
                    Span::default(),
                    Severity::Error,
                    "the grammar's language is empty: every object or array it allows needs \
                     more keys or items than can be written (counts such as minProperties \
                     against the keys allowed)"
                        .into(),
                ),
                ErrorKind::Syntax,
            ));
        }
        let tables = Tables::new(&grammar);
        let all_productive = all_productive(&grammar, &lexer)?;
        let mut is_special = vec![false; grammar.terminals.len()];
        for &(t, _) in &special_terms {
            is_special[t.index()] = true;
        }
        let mut item_close = vec![ItemClose::No; grammar.terminals.len()];
        for &(t, bracket) in &grammar.distinct_items {
            if let Some(c) = item_close.get_mut(t.index()) {
                *c = if bracket {
                    ItemClose::Bracket
                } else {
                    ItemClose::Comma
                };
            }
        }
        let mut guards = FxHashMap::default();
        for gd in &grammar.value_guards {
            let mut values = Vec::new();
            for v in &gd.not_values {
                let mut c = Vec::new();
                if crate::lexer::json_value::canonical(v.as_bytes(), &mut c) {
                    values.push(c);
                }
            }
            let not_in = gd.not_in.iter().map(|n| n.as_u32()).collect();
            guards.insert(gd.nt.as_u32(), (values, not_in));
        }
        Ok(Arc::new(CompiledGrammar {
            item_close,
            guards,
            key_endings: KeyEndings::default(),
            grammar,
            lexer,
            tables,
            config,
            is_ignore,
            ignore,
            all_productive,
            is_special,
            special_terms,
            relaxed,
        }))
    }

    pub fn term_name(&self, t: TermId) -> &str {
        &self.grammar.terminals[t.index()].name
    }
}

/// Bounds runs of ignored whitespace to `limit` characters: the `%ignore`
/// terminals that match only (Unicode) whitespace are ignored no more, and
/// one new ignored terminal matches their runs, `(A|B|..)+` cut to `limit`
/// characters. The lexer then lets no lexeme start with a byte that starts
/// that terminal right after it ([`Lexer::bound_runs`]), so no run of
/// ignored whitespace is longer. Other ignored terminals (comments) are
/// left alone. A limit of 0 allows no ignored whitespace. Returns the new
/// terminal, if any.
/// The characters `\s` matches (Unicode white space).
fn unicode_white() -> ClassUnicode {
    match regex_syntax::parse(r"\s").map(|h| h.into_kind()) {
        Ok(HirKind::Class(Class::Unicode(c))) => c,
        _ => ClassUnicode::new([
            ClassUnicodeRange::new('\t', '\r'),
            ClassUnicodeRange::new(' ', ' '),
        ]),
    }
}

pub fn bound_ignored_whitespace(grammar: &mut Grammar, limit: u32) -> Option<TermId> {
    let white = TermExpr::Hir(HirExpr::new(Hir::repetition(Repetition {
        min: 0,
        max: None,
        greedy: true,
        sub: Box::new(Hir::class(Class::Unicode(unicode_white()))),
    })));
    let (ws, rest): (Vec<TermId>, Vec<TermId>) = grammar.ignore.iter().partition(|&&t| {
        let term = &grammar.terminals[t.index()];
        if term.declared_only || matches!(term.expr, TermExpr::Special(_)) {
            return false;
        }
        let beyond = TermExpr::And(vec![
            term.expr.clone(),
            TermExpr::Not(Box::new(white.clone())),
        ]);
        // Nothing but whitespace: the table of what is not is empty.
        matches!(TableDfa::build(&beyond, 1 << 12, 1 << 22), Ok(t) if t.start() == 0)
    });
    if ws.is_empty() {
        return None;
    }
    if limit == 0 {
        // No ignored whitespace at all: the terminals are ignored no more.
        grammar.ignore = rest;
        return None;
    }
    let any = TermExpr::Alt(
        ws.iter()
            .map(|&t| grammar.terminals[t.index()].expr.clone())
            .collect(),
    );
    let expr = TermExpr::And(vec![
        TermExpr::Repeat {
            expr: Box::new(any),
            min: 1,
            max: None,
        },
        TermExpr::Repeat {
            expr: Box::new(TermExpr::Hir(HirExpr::new(Hir::class(Class::Unicode(
                ClassUnicode::new([ClassUnicodeRange::new('\0', char::MAX)]),
            ))))),
            min: 1,
            max: Some(limit),
        },
    ]);
    let names: Vec<&str> = ws
        .iter()
        .map(|&t| grammar.terminals[t.index()].name.as_str())
        .collect();
    let first = &grammar.terminals[ws[0].index()];
    let term = Terminal {
        name: names.join("|"),
        expr,
        priority: first.priority,
        declared_only: false,
        generated: false,
        span: first.span,
    };
    grammar.terminals.push(term);
    let t = TermId::new((grammar.terminals.len() - 1) as u32);
    grammar.ignore = rest;
    grammar.ignore.push(t);
    Some(t)
}

/// Warns about named terminals, other than plain literals, that can match
/// the same text (a literal keyword inside a NAME pattern is normal).
fn warn_collisions(g: &mut Grammar, lexer: &Lexer) {
    use crate::grammar::TermExpr;
    let named: Vec<TermId> = (0..g.terminals.len() as u32)
        .map(TermId::new)
        .filter(|&t| {
            let term = &g.terminals[t.index()];
            !term.declared_only
                && !term.generated
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
            if g.terminals[a.index()].expr == g.terminals[b.index()].expr {
                continue; // reported by the front-end as identical
            }
            if let Some(s) = lexer.common_string(a, b, 20_000) {
                found.push((b, a, s));
            }
        }
    }
    for (b, a, s) in found {
        let (na, nb) = (&g.terminals[a.index()].name, &g.terminals[b.index()].name);
        let msg = format!(
            "terminals {na} and {nb} can match the same text, e.g. {:?}",
            String::from_utf8_lossy(&s)
        );
        let w = g.diagnostic(g.terminals[b.index()].span, Severity::Warning, msg);
        g.warnings.push(w);
    }
}

fn make_empty_terminals_optional(g: &mut Grammar, empty: &[TermId]) {
    let mut wrapper = vec![None; g.terminals.len()];
    let mut added = Vec::new();
    let mut used = vec![false; g.terminals.len()];
    for p in &g.productions {
        for s in &p.rhs {
            if let Symbol::T(t) = *s {
                used[t.index()] = true;
            }
        }
    }
    for &t in empty {
        let term = &g.terminals[t.index()];
        let w = g.diagnostic(
            term.span,
            Severity::Warning,
            format!("terminal {} matches the empty string", term.name),
        );
        g.warnings.push(w);
        if !used[t.index()] {
            continue;
        }
        let nt = NtId::new(g.nonterminals.len() as u32);
        g.nonterminals
            .push(format!("{}?", g.terminals[t.index()].name));
        added.push(Production {
            lhs: nt,
            rhs: vec![Symbol::T(t)],
        });
        added.push(Production {
            lhs: nt,
            rhs: vec![],
        });
        wrapper[t.index()] = Some(nt);
    }
    for p in &mut g.productions {
        for s in &mut p.rhs {
            if let Symbol::T(t) = *s {
                if let Some(nt) = wrapper[t.index()] {
                    *s = Symbol::N(nt);
                }
            }
        }
    }
    g.productions.extend(added);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lark::{parse_lark, LarkOptions};
    use crate::matcher::Matcher;

    fn accepts(text: &str, limit: Option<u32>, input: &str) -> bool {
        let g = parse_lark(text, "<test>", &LarkOptions::default()).unwrap();
        let config = Config {
            whitespace_limit: limit,
            ..Config::default()
        };
        let mut m = Matcher::new(CompiledGrammar::new(g, config).unwrap());
        m.consume_bytes(input.as_bytes()) && m.is_accepting()
    }

    #[test]
    fn prefixes_of_nothing_are_rejected() {
        // `b` derives no string (B is declared, never defined): "a" is the
        // prefix of nothing and must not be taken.
        let g = "start: \"a\" b | \"c\"\nb: B\n%declare B\n";
        let cg = CompiledGrammar::new(
            parse_lark(g, "<test>", &LarkOptions::default()).unwrap(),
            Config::default(),
        )
        .unwrap();
        let mut m = Matcher::new(cg.clone());
        assert!(!m.consume_bytes(b"a"));
        let mut m = Matcher::new(cg);
        assert!(m.consume_bytes(b"c") && m.is_accepting());
    }

    /// Pruning keeps exactly the productions whose symbols all derive some
    /// string, as passes until nothing changes find them, on random
    /// grammars (one terminal is only declared: it matches nothing).
    #[test]
    fn pruning_agrees_with_a_fixpoint() {
        use crate::grammar::{Span, Symbol};
        use crate::sample::Rng;
        let mut rng = Rng::new(5);
        for _ in 0..100 {
            let n = 1 + rng.below(25);
            let terminals: Vec<Terminal> = (0..3)
                .map(|i| Terminal {
                    name: format!("T{i}"),
                    expr: TermExpr::Literal {
                        value: format!("t{i}"),
                        ci: false,
                    },
                    priority: 0,
                    declared_only: i == 2,
                    generated: false,
                    span: Span::default(),
                })
                .collect();
            let mut productions = Vec::new();
            for lhs in 0..n as u32 {
                for _ in 0..rng.below(3) {
                    let rhs = (0..rng.below(4))
                        .map(|_| {
                            if rng.chance(0.3) {
                                Symbol::T(TermId::new(rng.below(3) as u32))
                            } else {
                                Symbol::N(NtId::new(rng.below(n) as u32))
                            }
                        })
                        .collect();
                    productions.push(Production {
                        lhs: NtId::new(lhs),
                        rhs,
                    });
                }
            }
            let g = Grammar {
                terminals,
                nonterminals: (0..n).map(|i| format!("n{i}")).collect(),
                productions,
                start: NtId::new(0),
                ignore: Vec::new(),
                warnings: Vec::new(),
                sources: Vec::new(),
                distinct_keys: false,
                distinct_items: Vec::new(),
                value_guards: Vec::new(),
                key_counts: Vec::new(),
                // Random grammars: the start may derive nothing.
                allow_empty: true,
            };
            let mut rules = vec![false; n];
            loop {
                let mut changed = false;
                for p in &g.productions {
                    if !rules[p.lhs.index()]
                        && p.rhs.iter().all(|s| match *s {
                            Symbol::T(t) => t != TermId::new(2),
                            Symbol::N(x) => rules[x.index()],
                        })
                    {
                        rules[p.lhs.index()] = true;
                        changed = true;
                    }
                }
                if !changed {
                    break;
                }
            }
            let kept: Vec<Production> = g
                .productions
                .iter()
                .filter(|p| {
                    p.rhs.iter().all(|s| match *s {
                        Symbol::T(t) => t != TermId::new(2),
                        Symbol::N(x) => rules[x.index()],
                    })
                })
                .cloned()
                .collect();
            let cg = CompiledGrammar::new(g, Config::default()).unwrap();
            assert_eq!(cg.grammar.productions, kept);
            assert!(!cg.all_productive);
        }
    }

    #[test]
    fn ignored_whitespace_runs_are_bounded() {
        let g = "start: \"a\" \"b\" \"c\"\nSP: /[ \\t]+/\nNL: /\\n+/\nC: /#[^\\n]*/\n\
                 %ignore SP\n%ignore NL\n%ignore C\n";
        // Unbounded without the limit.
        assert!(accepts(g, None, "a \n \t \n bc"));
        // Runs across both whitespace terminals count together.
        assert!(accepts(g, Some(3), "a \n b\t\t\tc"));
        assert!(!accepts(g, Some(3), "a \n \tb c"));
        assert!(!accepts(g, Some(3), "a    b c"));
        assert!(accepts(g, Some(3), "ab c"));
        // Comments are not whitespace: runs on both sides of one are apart.
        assert!(accepts(
            g,
            Some(3),
            "a   # a long comment, not bounded\n  b c"
        ));
    }

    #[test]
    fn a_whitespace_limit_of_zero_allows_none() {
        let g = "start: \"a\" \"b\" \"c\"\nSP: /[ \\t]+/\nC: /#[^#]*#/\n\
                 %ignore SP\n%ignore C\n";
        assert!(accepts(g, Some(0), "abc"));
        for s in ["a bc", " abc", "abc ", "a\tbc", "ab  c", "a#x# bc"] {
            assert!(!accepts(g, Some(0), s), "{s:?}");
            assert_eq!(accepts(g, Some(1), s), !s.contains("  "), "{s:?}");
        }
        // Comments are still ignored (whitespace inside them is theirs).
        assert!(accepts(g, Some(0), "a#x#bc"));
        assert!(accepts(g, Some(0), "ab# a note #c"));
    }

    #[test]
    fn a_lexer_state_limit_too_small_is_a_compile_error() {
        let g = "start: \"a\" B\nB: /b+/\n";
        for n in [0, 1, 2] {
            let config = Config {
                lexer: LexerConfig {
                    max_states: n,
                    ..LexerConfig::default()
                },
                ..Config::default()
            };
            let parsed = parse_lark(g, "<test>", &LarkOptions::default()).unwrap();
            let err = CompiledGrammar::new(parsed, config).unwrap_err();
            assert!(err.to_string().contains("lexer state limit"), "{n}: {err}");
        }
    }
}
