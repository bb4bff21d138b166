//! Lark grammar text -> statements (AST with spans).

use std::sync::Arc;

use crate::grammar::{GrammarError, Source, Span};

use super::ast::{is_rule_name, is_term_name, Def, Ex, ImportItem, Stmt};
use super::tokens::{tokenize, Tk, Token};

pub(crate) struct Parser<'a> {
    src: &'a Arc<Source>,
    toks: Vec<Token>,
    i: usize,
}

type PResult<T> = Result<T, GrammarError>;

impl<'a> Parser<'a> {
    /// Tokenizes `src`; brackets may nest at most `max_nesting` deep, which
    /// bounds the recursion of the parser (and of everything that walks the
    /// expressions it builds).
    pub fn new(src: &'a Arc<Source>, file: u32, max_nesting: usize) -> PResult<Parser<'a>> {
        let toks = tokenize(src, file, max_nesting)?;
        Ok(Parser { src, toks, i: 0 })
    }

    fn peek(&self) -> &Tk {
        &self.toks[self.i].tk
    }

    fn span(&self) -> Span {
        self.toks[self.i].span
    }

    fn bump(&mut self) -> Token {
        let t = self.toks[self.i].clone();
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
        t
    }

    fn unexpected(&self, expected: &str) -> GrammarError {
        GrammarError::at(
            self.src,
            self.span(),
            format!(
                "unexpected {}; expected {}",
                self.peek().describe(),
                expected
            ),
        )
    }

    fn expect(&mut self, tk: Tk, expected: &str) -> PResult<Span> {
        if *self.peek() == tk {
            Ok(self.bump().span)
        } else {
            Err(self.unexpected(expected))
        }
    }

    fn end_of_statement(&mut self) -> PResult<()> {
        match self.peek() {
            Tk::Nl => {
                self.bump();
                Ok(())
            }
            Tk::Eof => Ok(()),
            _ => Err(self.unexpected("the end of the line")),
        }
    }

    pub fn statements(&mut self) -> PResult<Vec<Stmt>> {
        let mut out = Vec::new();
        loop {
            match self.peek().clone() {
                Tk::Eof => break,
                Tk::Nl => {
                    self.bump();
                }
                Tk::Directive(d) => {
                    let sp = self.bump().span;
                    out.push(self.directive(&d, sp)?);
                }
                Tk::Name(_) => {
                    let d = self.definition()?;
                    out.push(Stmt::Def(d));
                }
                _ => return Err(self.unexpected("a rule or terminal definition, or a %directive")),
            }
        }
        Ok(out)
    }

    fn directive(&mut self, d: &str, sp: Span) -> PResult<Stmt> {
        let st = match d {
            "ignore" => {
                let ex = self.expansions()?;
                Stmt::Ignore(ex, sp)
            }
            "import" => self.import(sp)?,
            "declare" => {
                let mut names = Vec::new();
                while let Tk::Name(n) = self.peek().clone() {
                    names.push((n, self.bump().span));
                }
                if names.is_empty() {
                    return Err(self.unexpected("names to declare"));
                }
                Stmt::Declare(names)
            }
            "override" => Stmt::Override(self.definition_inner()?),
            "extend" => Stmt::Extend(self.definition_inner()?),
            other => {
                return Err(GrammarError::at(
                    self.src,
                    sp,
                    format!(
                        "unknown directive `%{other}`; expected %ignore, %import, %declare, %override or %extend"
                    ),
                ))
            }
        };
        if !matches!(st, Stmt::Override(_) | Stmt::Extend(_)) {
            self.end_of_statement()?;
        }
        Ok(st)
    }

    fn import(&mut self, sp: Span) -> PResult<Stmt> {
        let relative = if *self.peek() == Tk::Dot {
            self.bump();
            true
        } else {
            false
        };
        let mut path = Vec::new();
        let mut spans = Vec::new();
        loop {
            match self.peek().clone() {
                Tk::Name(n) => {
                    spans.push(self.bump().span);
                    path.push(n);
                }
                _ => return Err(self.unexpected("a module or name to import")),
            }
            if *self.peek() == Tk::Dot {
                self.bump();
            } else {
                break;
            }
        }
        let mut items = Vec::new();
        if *self.peek() == Tk::LPar {
            self.bump();
            loop {
                match self.peek().clone() {
                    Tk::Name(n) => {
                        let s = self.bump().span;
                        items.push(ImportItem {
                            name: n,
                            alias: None,
                            span: s,
                        });
                    }
                    _ => return Err(self.unexpected("a name to import")),
                }
                match self.peek() {
                    Tk::Comma => {
                        self.bump();
                    }
                    Tk::RPar => {
                        self.bump();
                        break;
                    }
                    _ => return Err(self.unexpected("`,` or `)`")),
                }
            }
        } else {
            if path.len() < 2 && !relative {
                return Err(GrammarError::at(
                    self.src,
                    sp,
                    "%import needs a module and a name, e.g. `%import common.NUMBER`",
                ));
            }
            let name = path.pop().unwrap_or_default();
            let span = spans.pop().unwrap_or(sp);
            let alias = if *self.peek() == Tk::Arrow {
                self.bump();
                match self.peek().clone() {
                    Tk::Name(n) => {
                        self.bump();
                        Some(n)
                    }
                    _ => return Err(self.unexpected("a name after `->`")),
                }
            } else {
                None
            };
            items.push(ImportItem { name, alias, span });
        }
        Ok(Stmt::Import {
            path,
            relative,
            items,
            span: sp,
        })
    }

    fn definition(&mut self) -> PResult<Def> {
        self.definition_inner()
    }

    fn definition_inner(&mut self) -> PResult<Def> {
        let (raw, span) = match self.peek().clone() {
            Tk::Name(n) => (n, self.bump().span),
            _ => return Err(self.unexpected("a rule or terminal name")),
        };
        let name = raw.trim_start_matches(['?', '!']).to_owned();
        let is_term = is_term_name(&name);
        if !is_term && !is_rule_name(&name) {
            return Err(GrammarError::at(
                self.src,
                span,
                format!(
                    "invalid name `{raw}`: rules are lowercase (`expr`), terminals uppercase (`NUMBER`)"
                ),
            ));
        }
        if is_term && raw.starts_with(['?', '!']) {
            return Err(GrammarError::at(
                self.src,
                span,
                "`?` and `!` apply to rules only",
            ));
        }
        let mut params = Vec::new();
        if *self.peek() == Tk::LBrace {
            self.bump();
            loop {
                match self.peek().clone() {
                    Tk::Name(p) => {
                        self.bump();
                        params.push(p);
                    }
                    _ => return Err(self.unexpected("a template parameter name")),
                }
                match self.peek() {
                    Tk::Comma => {
                        self.bump();
                    }
                    Tk::RBrace => {
                        self.bump();
                        break;
                    }
                    _ => return Err(self.unexpected("`,` or `}`")),
                }
            }
        }
        let mut priority = 0;
        if *self.peek() == Tk::Dot {
            self.bump();
            match self.peek().clone() {
                Tk::Num(n) => {
                    self.bump();
                    priority = n.clamp(i32::MIN as i64, i32::MAX as i64) as i32;
                }
                _ => return Err(self.unexpected("a priority number after `.`")),
            }
        }
        self.expect(Tk::Colon, "`:`")?;
        let body = self.expansions()?;
        self.end_of_statement()?;
        Ok(Def {
            name,
            span,
            params,
            priority,
            body,
            is_term,
        })
    }

    /// Alternatives (`a b | c`), up to a token that ends them. Iterative:
    /// each open bracket is a frame on an explicit stack, so nesting costs
    /// heap, not call stack (the lexer bounds it anyway).
    fn expansions(&mut self) -> PResult<Ex> {
        struct Frame {
            open: Open,
            /// The enclosing expansions' alternatives and items so far.
            alts: Vec<Ex>,
            items: Vec<Ex>,
        }
        enum Open {
            Paren(Span),
            Sqb(Span),
            Template {
                name: String,
                span: Span,
                args: Vec<Ex>,
            },
        }
        let mut stack: Vec<Frame> = Vec::new();
        let mut alts: Vec<Ex> = Vec::new();
        let mut items: Vec<Ex> = Vec::new();
        loop {
            let start = self.span();
            match self.peek().clone() {
                Tk::LPar | Tk::LSqb => {
                    let is_paren = *self.peek() == Tk::LPar;
                    self.bump();
                    stack.push(Frame {
                        open: if is_paren {
                            Open::Paren(start)
                        } else {
                            Open::Sqb(start)
                        },
                        alts: std::mem::take(&mut alts),
                        items: std::mem::take(&mut items),
                    });
                    continue;
                }
                Tk::Name(name)
                    if self.toks[self.i + 1].tk == Tk::LBrace
                        && !matches!(
                            self.toks[(self.i + 2).min(self.toks.len() - 1)].tk,
                            Tk::Num(_)
                        ) =>
                {
                    if name.starts_with(['?', '!']) {
                        return Err(GrammarError::at(
                            self.src,
                            start,
                            format!("unexpected `{}`", &name[..1]),
                        ));
                    }
                    self.bump();
                    self.bump();
                    stack.push(Frame {
                        open: Open::Template {
                            name,
                            span: start,
                            args: Vec::new(),
                        },
                        alts: std::mem::take(&mut alts),
                        items: std::mem::take(&mut items),
                    });
                    continue;
                }
                Tk::Str(..) | Tk::Regex(..) | Tk::Special(_) | Tk::Json(_) | Tk::Name(_) => {
                    let atom = self.atom()?;
                    let ex = self.postfix(atom, start)?;
                    items.push(ex);
                    continue;
                }
                _ => {}
            }
            // The end of an alternative: an alias may follow.
            if *self.peek() == Tk::Arrow {
                self.bump();
                match self.peek() {
                    Tk::Name(_) => {
                        self.bump();
                    }
                    _ => return Err(self.unexpected("an alias name after `->`")),
                }
            }
            alts.push(if items.len() == 1 {
                items.pop().unwrap_or(Ex::Seq(Vec::new()))
            } else {
                Ex::Seq(std::mem::take(&mut items))
            });
            if *self.peek() == Tk::Vbar {
                self.bump();
                continue;
            }
            // The end of these alternatives.
            let ex = if alts.len() == 1 {
                alts.pop().unwrap_or(Ex::Seq(Vec::new()))
            } else {
                Ex::Alts(std::mem::take(&mut alts))
            };
            let Some(frame) = stack.pop() else {
                return Ok(ex);
            };
            let (atom, start) = match frame.open {
                Open::Paren(start) => {
                    self.expect(Tk::RPar, "`)` or `|`")?;
                    (ex, start)
                }
                Open::Sqb(start) => {
                    self.expect(Tk::RSqb, "`]` or `|`")?;
                    (Ex::Maybe(Box::new(ex)), start)
                }
                Open::Template {
                    name,
                    span,
                    mut args,
                } => {
                    args.push(ex);
                    match self.peek() {
                        Tk::Comma => {
                            self.bump();
                            stack.push(Frame {
                                open: Open::Template { name, span, args },
                                alts: frame.alts,
                                items: frame.items,
                            });
                            continue;
                        }
                        Tk::RBrace => {
                            self.bump();
                            (Ex::Template { name, args, span }, span)
                        }
                        _ => return Err(self.unexpected("`,` or `}`")),
                    }
                }
            };
            alts = frame.alts;
            items = frame.items;
            let ex = self.postfix(atom, start)?;
            items.push(ex);
        }
    }

    fn num(&mut self, what: &str) -> PResult<u32> {
        match self.peek().clone() {
            Tk::Num(n) if (0..=u32::MAX as i64).contains(&n) => {
                self.bump();
                Ok(n as u32)
            }
            _ => Err(self.unexpected(what)),
        }
    }

    /// The operator after an atom that started at `start`, if any.
    fn postfix(&mut self, atom: Ex, start: Span) -> PResult<Ex> {
        let rep = |ex: Ex, min: u32, max: Option<u32>, span: Span| Ex::Repeat {
            ex: Box::new(ex),
            min,
            max,
            span,
        };
        match self.peek().clone() {
            Tk::Op(c) => {
                let sp = self.bump().span;
                let span = Span {
                    end: sp.end,
                    ..start
                };
                Ok(match c {
                    '?' => rep(atom, 0, Some(1), span),
                    '*' => rep(atom, 0, None, span),
                    _ => rep(atom, 1, None, span),
                })
            }
            Tk::Tilde => {
                self.bump();
                let (lo, hi) = self.count_range(Tk::DotDot, "`..`")?;
                self.bounded(atom, start, lo, hi)
            }
            Tk::LBrace if matches!(self.toks[self.i + 1].tk, Tk::Num(_)) => {
                self.bump();
                let (lo, hi) = self.count_range(Tk::Comma, "`,`")?;
                self.expect(Tk::RBrace, "`}`")?;
                self.bounded(atom, start, lo, hi)
            }
            _ => Ok(atom),
        }
    }

    /// `lo` or `lo SEP hi` of a counted repetition.
    fn count_range(&mut self, sep: Tk, sep_name: &str) -> PResult<(u32, u32)> {
        let lo = self.num("a repetition count")?;
        if *self.peek() != sep {
            return Ok((lo, lo));
        }
        self.bump();
        let hi = self.num(&format!("a repetition count after {sep_name}"))?;
        Ok((lo, hi))
    }

    /// A counted repetition of `atom` that started at `start`.
    fn bounded(&mut self, atom: Ex, start: Span, lo: u32, hi: u32) -> PResult<Ex> {
        let span = Span {
            end: self.toks[self.i - 1].span.end,
            ..start
        };
        if hi < lo {
            return Err(GrammarError::at(
                self.src,
                span,
                format!("empty repetition range: at least {lo}, at most {hi}"),
            ));
        }
        Ok(Ex::Repeat {
            ex: Box::new(atom),
            min: lo,
            max: Some(hi),
            span,
        })
    }

    /// An atom without brackets (a string, range, regex, special token,
    /// `%json` schema or name).
    fn atom(&mut self) -> PResult<Ex> {
        match self.peek().clone() {
            Tk::Str(value, ci) => {
                let span = self.bump().span;
                if *self.peek() == Tk::DotDot {
                    self.bump();
                    match self.peek().clone() {
                        Tk::Str(hi, _) => {
                            let end = self.bump().span;
                            Ok(Ex::Range {
                                lo: value,
                                hi,
                                span: Span {
                                    end: end.end,
                                    ..span
                                },
                            })
                        }
                        _ => Err(self.unexpected("a string after `..`")),
                    }
                } else {
                    Ok(Ex::Str { value, ci, span })
                }
            }
            Tk::Special(text) => {
                let span = self.bump().span;
                Ok(Ex::Special { text, span })
            }
            Tk::Json(schema) => {
                let span = self.bump().span;
                Ok(Ex::Json { schema, span })
            }
            Tk::Regex(pattern, flags) => {
                let span = self.bump().span;
                Ok(Ex::Regex {
                    pattern,
                    flags,
                    span,
                })
            }
            Tk::Name(name) => {
                let span = self.bump().span;
                if name.starts_with(['?', '!']) {
                    return Err(GrammarError::at(
                        self.src,
                        span,
                        format!("unexpected `{}`", &name[..1]),
                    ));
                }
                Ok(Ex::Name { name, span })
            }
            _ => Err(self.unexpected("an expression")),
        }
    }
}
