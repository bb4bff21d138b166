//! The tokenizer of Lark grammar text, and Lark's string escapes.

use crate::error::Failure;
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
    pub(super) fn describe(&self) -> String {
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

/// The tokens of `src` (file number `file`), ending with [`Tk::Eof`];
/// brackets may nest at most `max_nesting` deep.
pub(super) fn tokenize(
    src: &Source,
    file: u32,
    max_nesting: usize,
) -> Result<Vec<Token>, GrammarError> {
    Lexer {
        src,
        file,
        text: src.text.as_bytes(),
        pos: 0,
        depth: 0,
        max_nesting,
        out: Vec::new(),
    }
    .run()
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
                        return Err(self
                            .err(
                                start,
                                start + 1,
                                format!(
                                    "brackets nested more than {} deep (the limit max_nesting)",
                                    self.max_nesting
                                ),
                            )
                            .with_limit("max_nesting"));
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
        let value = unescape(raw).map_err(|e| {
            let kind = e.kind;
            self.err(start, self.pos, e.message).with_kind(kind)
        })?;
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
pub(crate) fn unescape(s: &str) -> Result<String, Failure> {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = it.next() else {
            return Err(Failure::syntax("a string cannot end with a backslash"));
        };
        let hex = |it: &mut std::iter::Peekable<std::str::Chars<'_>>,
                   n: usize|
         -> Result<char, Failure> {
            let h: String = (0..n).filter_map(|_| it.next()).collect();
            if h.len() != n || !h.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(Failure::syntax(format!("escape needs {n} hex digits")));
            }
            u32::from_str_radix(&h, 16)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| Failure::syntax(format!("invalid character escape {h}")))
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
                out.push(char::from_u32(v).ok_or_else(|| Failure::syntax("invalid octal escape"))?);
            }
            'N' => return Err(Failure::not_supported("named character escape `\\N{...}`")),
            other => {
                // Python keeps unknown escapes as they are.
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(out)
}
