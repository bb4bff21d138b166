//! Lark grammar text -> statements (AST with spans).

use std::sync::Arc;

use crate::grammar::{GrammarError, Source, Span};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tk {
    Nl,
    Vbar,
    Colon,
    LPar,
    RPar,
    LSqb,
    RSqb,
    LBrace,
    RBrace,
    Comma,
    Dot,
    DotDot,
    Tilde,
    Arrow,
    Op(char),
    Name(String),
    Str(String, bool),
    Regex(String, String),
    /// A special token: `<|name|>` (by name) or `<[123]>` (by id), as written.
    Special(String),
    Num(i64),
    Directive(String),
    /// `%json` and the JSON Schema after it.
    Json(serde_json::Value),
    Eof,
}

impl Tk {
    fn describe(&self) -> String {
        match self {
            Tk::Nl => "a newline".into(),
            Tk::Vbar => "`|`".into(),
            Tk::Colon => "`:`".into(),
            Tk::LPar => "`(`".into(),
            Tk::RPar => "`)`".into(),
            Tk::LSqb => "`[`".into(),
            Tk::RSqb => "`]`".into(),
            Tk::LBrace => "`{`".into(),
            Tk::RBrace => "`}`".into(),
            Tk::Comma => "`,`".into(),
            Tk::Dot => "`.`".into(),
            Tk::DotDot => "`..`".into(),
            Tk::Tilde => "`~`".into(),
            Tk::Arrow => "`->`".into(),
            Tk::Op(c) => format!("`{c}`"),
            Tk::Name(n) => format!("name `{n}`"),
            Tk::Str(s, _) => format!("string {s:?}"),
            Tk::Regex(p, _) => format!("regex /{p}/"),
            Tk::Special(t) => format!("special token {t}"),
            Tk::Num(n) => format!("number {n}"),
            Tk::Directive(d) => format!("`%{d}`"),
            Tk::Json(_) => "a `%json` schema".into(),
            Tk::Eof => "the end of the file".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub tk: Tk,
    pub span: Span,
}

/// An expression of a rule or terminal body.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ex {
    Alts(Vec<Ex>),
    Seq(Vec<Ex>),
    Str {
        value: String,
        ci: bool,
        span: Span,
    },
    Regex {
        pattern: String,
        flags: String,
        span: Span,
    },
    Range {
        lo: String,
        hi: String,
        span: Span,
    },
    /// A special token of the vocabulary, `<|name|>` or `<[id]>`.
    Special {
        text: String,
        span: Span,
    },
    Name {
        name: String,
        span: Span,
    },
    Template {
        name: String,
        args: Vec<Ex>,
        span: Span,
    },
    Maybe(Box<Ex>),
    Repeat {
        ex: Box<Ex>,
        min: u32,
        max: Option<u32>,
        span: Span,
    },
    /// `%json { ... }`: a JSON Schema used as a rule.
    Json {
        schema: serde_json::Value,
        span: Span,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Def {
    pub name: String,
    pub span: Span,
    pub params: Vec<String>,
    pub priority: i32,
    pub body: Ex,
    pub is_term: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct ImportItem {
    pub name: String,
    pub alias: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub(crate) enum Stmt {
    Def(Def),
    Override(Def),
    Extend(Def),
    Ignore(Ex, Span),
    Import {
        path: Vec<String>,
        relative: bool,
        items: Vec<ImportItem>,
        span: Span,
    },
    Declare(Vec<(String, Span)>),
}

pub(crate) fn is_term_name(n: &str) -> bool {
    let s = n.trim_start_matches('_');
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

pub(crate) fn is_rule_name(n: &str) -> bool {
    let s = n.trim_start_matches('_');
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

struct Lexer<'a> {
    src: &'a Source,
    file: u32,
    text: &'a [u8],
    pos: usize,
    depth: i32,
    /// Most brackets open at once (the parser recurses once per bracket).
    max_nesting: usize,
    out: Vec<Token>,
}

impl<'a> Lexer<'a> {
    fn err(&self, start: usize, end: usize, msg: impl Into<String>) -> GrammarError {
        GrammarError::at(
            self.src,
            Span {
                file: self.file,
                start: start as u32,
                end: end as u32,
            },
            msg,
        )
    }

    fn push(&mut self, tk: Tk, start: usize) {
        self.out.push(Token {
            tk,
            span: Span {
                file: self.file,
                start: start as u32,
                end: self.pos as u32,
            },
        });
    }

    fn at_line_start(&self) -> bool {
        matches!(self.out.last(), None | Some(Token { tk: Tk::Nl, .. }))
    }

    fn run(mut self) -> Result<Vec<Token>, GrammarError> {
        let t = self.text;
        while self.pos < t.len() {
            let start = self.pos;
            let c = t[self.pos];
            match c {
                b' ' | b'\t' | b'\x0c' => self.pos += 1,
                b'\r' | b'\n' => {
                    while self.pos < t.len() && matches!(t[self.pos], b'\r' | b'\n') {
                        self.pos += 1;
                    }
                    if self.depth <= 0 && !self.at_line_start() {
                        self.push(Tk::Nl, start);
                    }
                }
                b'/' if t.get(self.pos + 1) == Some(&b'/') => {
                    while self.pos < t.len() && t[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                b'#' => {
                    while self.pos < t.len() && t[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                b'/' => self.regex()?,
                b'"' => self.string()?,
                b'<' => {
                    // `<|name|>` or `<[digits]>`.
                    let close: &[u8] =
                        match t.get(self.pos + 1) {
                            Some(b'|') => b"|>",
                            Some(b'[') => b"]>",
                            _ => return Err(self.err(
                                start,
                                start + 1,
                                "unexpected `<` (a special token is written <|name|> or <[id]>)",
                            )),
                        };
                    let body = self.pos + 2;
                    let end = t[body..]
                        .windows(2)
                        .position(|w| w == close)
                        .map(|k| body + k)
                        .filter(|&e| !t[body..e].contains(&b'\n'));
                    let Some(end) = end else {
                        return Err(self.err(start, start + 2, "unterminated special token"));
                    };
                    let inner = &t[body..end];
                    if inner.is_empty() || (close == b"]>" && !inner.iter().all(u8::is_ascii_digit))
                    {
                        return Err(self.err(
                            start,
                            end + 2,
                            "a special token is written <|name|> or <[id]> (digits)",
                        ));
                    }
                    self.pos = end + 2;
                    let text = String::from_utf8_lossy(&t[start..self.pos]).into_owned();
                    self.push(Tk::Special(text), start);
                }
                b'%' => {
                    self.pos += 1;
                    let s = self.pos;
                    while self.pos < t.len()
                        && (t[self.pos].is_ascii_alphanumeric() || t[self.pos] == b'_')
                    {
                        self.pos += 1;
                    }
                    let name = std::str::from_utf8(&t[s..self.pos])
                        .unwrap_or("")
                        .to_owned();
                    if name.is_empty() {
                        return Err(self.err(
                            start,
                            start + 1,
                            "expected a directive name after `%`",
                        ));
                    }
                    if name == "json" {
                        // A JSON value follows (a schema, on any number of lines).
                        while self.pos < t.len() && t[self.pos].is_ascii_whitespace() {
                            self.pos += 1;
                        }
                        let mut it = serde_json::Deserializer::from_slice(&t[self.pos..])
                            .into_iter::<serde_json::Value>();
                        match it.next() {
                            Some(Ok(v)) => {
                                self.pos += it.byte_offset();
                                self.push(Tk::Json(v), start);
                            }
                            Some(Err(e)) => {
                                let at = self.pos;
                                return Err(self.err(
                                    at,
                                    at + 1,
                                    format!("`%json` needs a JSON Schema after it: {e}"),
                                ));
                            }
                            None => {
                                return Err(self.err(
                                    start,
                                    self.pos,
                                    "`%json` needs a JSON Schema after it",
                                ))
                            }
                        }
                        continue;
                    }
                    self.push(Tk::Directive(name), start);
                }
                b'|' => {
                    self.pos += 1;
                    // A `|` starting a line continues the previous definition.
                    if matches!(self.out.last(), Some(Token { tk: Tk::Nl, .. })) {
                        self.out.pop();
                    }
                    self.push(Tk::Vbar, start);
                }
                b':' => {
                    self.pos += 1;
                    self.push(Tk::Colon, start);
                }
                b'(' | b'[' | b'{' => {
                    self.pos += 1;
                    self.depth += 1;
                    if self.depth > 0 && self.depth as usize > self.max_nesting {
                        return Err(self.err(
                            start,
                            start + 1,
                            format!(
                                "brackets nested more than {} deep (the limit max_nesting)",
                                self.max_nesting
                            ),
                        ));
                    }
                    let tk = match c {
                        b'(' => Tk::LPar,
                        b'[' => Tk::LSqb,
                        _ => Tk::LBrace,
                    };
                    self.push(tk, start);
                }
                b')' | b']' | b'}' => {
                    self.pos += 1;
                    self.depth -= 1;
                    let tk = match c {
                        b')' => Tk::RPar,
                        b']' => Tk::RSqb,
                        _ => Tk::RBrace,
                    };
                    self.push(tk, start);
                }
                b',' => {
                    self.pos += 1;
                    self.push(Tk::Comma, start);
                }
                b'~' => {
                    self.pos += 1;
                    self.push(Tk::Tilde, start);
                }
                b'.' => {
                    if t.get(self.pos + 1) == Some(&b'.') {
                        self.pos += 2;
                        self.push(Tk::DotDot, start);
                    } else {
                        self.pos += 1;
                        self.push(Tk::Dot, start);
                    }
                }
                b'-' if t.get(self.pos + 1) == Some(&b'>') => {
                    self.pos += 2;
                    self.push(Tk::Arrow, start);
                }
                b'-' | b'0'..=b'9' => {
                    self.pos += 1;
                    while self.pos < t.len() && t[self.pos].is_ascii_digit() {
                        self.pos += 1;
                    }
                    let s = std::str::from_utf8(&t[start..self.pos]).unwrap_or("");
                    let n: i64 = s
                        .parse()
                        .map_err(|_| self.err(start, self.pos, format!("invalid number `{s}`")))?;
                    self.push(Tk::Num(n), start);
                }
                b'+' | b'*' => {
                    self.pos += 1;
                    self.push(Tk::Op(c as char), start);
                }
                b'?' | b'!'
                    if self.at_line_start()
                        && t.get(self.pos + 1)
                            .is_some_and(|&n| n == b'_' || n.is_ascii_lowercase()) =>
                {
                    // `?rule` / `!rule` at a definition: the prefix is part of the name.
                    self.pos += 1;
                    self.name(start)?;
                }
                b'?' => {
                    self.pos += 1;
                    self.push(Tk::Op('?'), start);
                }
                c if c == b'_' || c.is_ascii_alphabetic() => self.name(start)?,
                _ => {
                    let ch = std::str::from_utf8(&t[start..])
                        .ok()
                        .and_then(|s| s.chars().next())
                        .unwrap_or('?');
                    return Err(self.err(
                        start,
                        start + ch.len_utf8(),
                        format!("unexpected character {ch:?}"),
                    ));
                }
            }
        }
        if self.depth > 0 {
            let open = self
                .out
                .iter()
                .rev()
                .find(|t| matches!(t.tk, Tk::LPar | Tk::LSqb | Tk::LBrace))
                .map(|t| t.span)
                .unwrap_or_default();
            return Err(GrammarError::at(self.src, open, "unclosed bracket"));
        }
        let end = self.pos;
        if !self.at_line_start() {
            self.push(Tk::Nl, end);
        }
        self.push(Tk::Eof, end);
        Ok(self.out)
    }

    fn name(&mut self, start: usize) -> Result<(), GrammarError> {
        let t = self.text;
        while self.pos < t.len() && (t[self.pos].is_ascii_alphanumeric() || t[self.pos] == b'_') {
            self.pos += 1;
        }
        let name = std::str::from_utf8(&t[start..self.pos])
            .unwrap_or("")
            .to_owned();
        self.push(Tk::Name(name), start);
        Ok(())
    }

    /// Moves past a literal from its opening `close` byte to the matching
    /// unescaped one; `what` names it in errors.
    fn delimited(
        &mut self,
        close: u8,
        stop_at_newline: bool,
        what: &str,
    ) -> Result<usize, GrammarError> {
        let t = self.text;
        let start = self.pos;
        self.pos += 1;
        loop {
            match t.get(self.pos) {
                None => return Err(self.err(start, self.pos, format!("unterminated {what}"))),
                Some(b'\n') if stop_at_newline => {
                    return Err(self.err(start, self.pos, format!("unterminated {what}")))
                }
                Some(b'\\') => self.pos += 2,
                Some(&c) if c == close => {
                    self.pos += 1;
                    return Ok(start);
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    fn string(&mut self) -> Result<(), GrammarError> {
        let t = self.text;
        let start = self.delimited(b'"', true, "string")?;
        let raw = std::str::from_utf8(&t[start + 1..self.pos - 1])
            .map_err(|_| self.err(start, self.pos, "string is not valid UTF-8"))?;
        let value = unescape(raw).map_err(|m| self.err(start, self.pos, m))?;
        let ci = t.get(self.pos) == Some(&b'i')
            && !t
                .get(self.pos + 1)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
        if ci {
            self.pos += 1;
        }
        self.push(Tk::Str(value, ci), start);
        Ok(())
    }

    fn regex(&mut self) -> Result<(), GrammarError> {
        let t = self.text;
        let start = self.delimited(b'/', false, "regex")?;
        let pattern = std::str::from_utf8(&t[start + 1..self.pos - 1])
            .map_err(|_| self.err(start, self.pos, "regex is not valid UTF-8"))?
            .to_owned();
        let fs = self.pos;
        while self.pos < t.len() && b"imslux".contains(&t[self.pos]) {
            self.pos += 1;
        }
        let flags = std::str::from_utf8(&t[fs..self.pos])
            .unwrap_or("")
            .to_owned();
        self.push(Tk::Regex(pattern, flags), start);
        Ok(())
    }
}

/// Python string-literal escapes, as Lark evaluates its string literals.
pub(crate) fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = it.next() else {
            return Err("a string cannot end with a backslash".into());
        };
        let hex =
            |it: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize| -> Result<char, String> {
                let h: String = (0..n).filter_map(|_| it.next()).collect();
                if h.len() != n || !h.chars().all(|c| c.is_ascii_hexdigit()) {
                    return Err(format!("escape needs {n} hex digits"));
                }
                u32::from_str_radix(&h, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("invalid character escape {h}"))
            };
        match e {
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '\n' => {}
            'x' => out.push(hex(&mut it, 2)?),
            'u' => out.push(hex(&mut it, 4)?),
            'U' => out.push(hex(&mut it, 8)?),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match it.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            it.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).ok_or("invalid octal escape")?);
            }
            'N' => return Err("not supported: named character escape `\\N{...}`".into()),
            other => {
                // Python keeps unknown escapes as they are.
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}

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
        let toks = Lexer {
            src,
            file,
            text: src.text.as_bytes(),
            pos: 0,
            depth: 0,
            max_nesting,
            out: Vec::new(),
        }
        .run()?;
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
