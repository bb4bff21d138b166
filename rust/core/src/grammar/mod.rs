//! The grammar IR and its front-ends.
//!
//! A [`Grammar`] is a plain context-free grammar over terminals, each terminal
//! standing for a regular language ([`TermExpr`]). Front-ends (Lark text, and
//! later JSON Schema and regexes) lower their sugar (EBNF operators,
//! templates, imports) into it. Errors carry the file, line and column of
//! the text they point at, rendered with two lines of context and a caret.

use std::fmt;
use std::sync::Arc;

use regex_syntax::hir::{Class, Hir, HirKind};

use crate::kept::Kept;

use crate::error::{ErrorKind, Failure};
use crate::ids::index_id;

index_id!(
    /// A terminal's index in [`Grammar::terminals`].
    TermId
);

index_id!(
    /// A nonterminal's index in [`Grammar::nonterminals`].
    NtId
);

/// A symbol on the right-hand side of a production.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Symbol {
    T(TermId),
    N(NtId),
}

/// The regular language of a terminal, built from the pieces a front-end
/// saw (literals, regexes, ranges) so errors can point at each piece.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TermExpr {
    /// A literal string; `ci` makes it ASCII-and-Unicode case-insensitive.
    Literal {
        value: String,
        ci: bool,
    },
    /// A regular expression in Python `re` syntax with its flags
    /// (`i`, `m`, `s`, `x`, `u`), as written in Lark's `/.../flags`.
    Regex {
        pattern: String,
        flags: String,
        span: Span,
    },
    /// A regular language built by a front-end (a JSON Schema's patterns
    /// and numbers), held as parsed: never printed and parsed again.
    Hir(HirExpr),
    /// A character range `"a".."z"` (inclusive).
    Range {
        lo: char,
        hi: char,
    },
    /// A special token of the vocabulary (`<|name|>` or `<[id]>` as
    /// written): no bytes; matched by that token id alone.
    Special(String),
    Seq(Vec<TermExpr>),
    Alt(Vec<TermExpr>),
    /// Strings in every one of the languages. Only at the top of a terminal
    /// (possibly under `Alt`, `And`, `Not`), as are `Not` and
    /// `DecimalMultiple`.
    And(Vec<TermExpr>),
    /// Byte strings not in the language.
    Not(Box<TermExpr>),
    /// Decimal numerals (`-?digits(.digits)?`, assumed well formed) whose
    /// value is a multiple of `factor / 10^scale`.
    DecimalMultiple {
        factor: u64,
        scale: u32,
    },
    /// A JSON string (quotes included) of `min..=max` characters, escapes
    /// counting as one: long length bounds without a DFA state per count.
    /// A terminal of its own.
    JsonString {
        min: u32,
        max: Option<u32>,
        spelling: Spelling,
    },
    /// A JSON string (quotes included) that decodes to one of these
    /// strings, in the encodings `spelling` allows. Compiled to a minimal
    /// table directly (an enum of thousands of values is a few states);
    /// inside other expressions it is its regex.
    JsonLiterals {
        strings: Vec<String>,
        spelling: Spelling,
    },
    /// `min..=max` repetitions; `max = None` is unbounded.
    Repeat {
        expr: Box<TermExpr>,
        min: u32,
        max: Option<u32>,
    },
}

/// Which JSON text a string terminal reads for each character of the
/// decoded string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Spelling {
    /// Every encoding JSON allows: raw (where allowed), a short escape
    /// (`\n`, `\"`, `\/`, ...), `\uXXXX` with hex digits in either case, a
    /// surrogate pair past the BMP.
    #[default]
    Any,
    /// As `Any`, except that printable ASCII other than `"` and `\` is
    /// raw only (`/` also as `\/`): no serializer writes `\u0061`, and a
    /// model that may spell a key that way can wander off it.
    PlainAscii,
    /// One encoding per character, the one `json.dumps(s,
    /// ensure_ascii=False)` and serde_json write: `\"` and `\\`; `\b`,
    /// `\f`, `\n`, `\r`, `\t`; any other control character as `\u00xx`
    /// (lower case); every other character raw. Each string has one
    /// spelling, so a model cannot wander into needless escapes.
    Minimal,
}

/// A structural hash of a regular expression and its nesting depth, found
/// without recursion (an expression may nest deeply). Equal expressions hash
/// alike; callers that key on the hash compare the expressions too.
pub(crate) fn hir_shape(hir: &Hir) -> (u64, usize) {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    let mut depth = 0;
    let mut stack = vec![(hir, 1usize)];
    while let Some((x, d)) = stack.pop() {
        depth = depth.max(d);
        std::mem::discriminant(x.kind()).hash(&mut h);
        match x.kind() {
            HirKind::Empty => {}
            HirKind::Literal(l) => l.0.hash(&mut h),
            HirKind::Class(Class::Unicode(c)) => {
                for r in c.ranges() {
                    (r.start(), r.end()).hash(&mut h);
                }
            }
            HirKind::Class(Class::Bytes(c)) => {
                for r in c.ranges() {
                    (r.start(), r.end()).hash(&mut h);
                }
            }
            HirKind::Look(l) => l.as_repr().hash(&mut h),
            HirKind::Repetition(r) => {
                (r.min, r.max, r.greedy).hash(&mut h);
                stack.push((&r.sub, d + 1));
            }
            HirKind::Capture(c) => stack.push((&c.sub, d + 1)),
            HirKind::Concat(xs) | HirKind::Alternation(xs) => {
                xs.len().hash(&mut h);
                stack.extend(xs.iter().map(|x| (x, d + 1)));
            }
        }
    }
    (h.finish(), depth)
}

/// Patterns kept parsed by [`HirExpr::parse`]: at most this many (past
/// it, the store starts again empty), each at most this long.
const KEPT_PATTERNS: usize = 4096;
const KEPT_PATTERN_LEN: usize = 512;

/// A parsed regular expression inside a [`TermExpr`], with its nesting
/// depth and a structural hash computed once (without recursion), so terms
/// can be compared, hashed and bounded like the rest of the IR.
#[derive(Debug, Clone)]
pub struct HirExpr {
    hir: Arc<Hir>,
    hash: u64,
    depth: usize,
}

impl HirExpr {
    pub fn new(hir: Hir) -> HirExpr {
        let (hash, depth) = hir_shape(&hir);
        HirExpr {
            hir: Arc::new(hir),
            hash,
            depth,
        }
    }

    /// Parses a pattern in regex-syntax's own dialect (Unicode, no flags).
    /// Front-ends write the same patterns (numbers, formats, whitespace) in
    /// every grammar, so short ones are kept parsed between grammars.
    pub fn parse(pattern: &str) -> Result<HirExpr, Failure> {
        static KEPT: Kept<Box<str>, Result<HirExpr, Failure>> = Kept::new(KEPT_PATTERNS);
        if pattern.len() > KEPT_PATTERN_LEN {
            return Self::parse_fresh(pattern);
        }
        KEPT.get_or_insert_with(pattern.into(), || Self::parse_fresh(pattern))
    }

    fn parse_fresh(pattern: &str) -> Result<HirExpr, Failure> {
        regex_syntax::ParserBuilder::new()
            .unicode(true)
            .utf8(true)
            .octal(false)
            .nest_limit(1000)
            .build()
            .parse(pattern)
            .map(HirExpr::new)
            .map_err(|e| Failure::syntax(e.to_string()))
    }

    pub fn hir(&self) -> &Hir {
        &self.hir
    }

    /// The deepest nesting of the expression (1 for a leaf).
    pub fn depth(&self) -> usize {
        self.depth
    }
}

impl PartialEq for HirExpr {
    fn eq(&self, other: &HirExpr) -> bool {
        self.hash == other.hash && (Arc::ptr_eq(&self.hir, &other.hir) || self.hir == other.hir)
    }
}

impl Eq for HirExpr {}

impl std::hash::Hash for HirExpr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.hash.hash(state);
    }
}

impl TermExpr {
    /// Whether this expression needs an explicit table: it uses
    /// intersection, complement or a multiple-of condition (at its top, or
    /// under alternatives).
    pub fn needs_table(&self) -> bool {
        match self {
            TermExpr::And(_) | TermExpr::Not(_) | TermExpr::DecimalMultiple { .. } => true,
            TermExpr::Alt(xs) => xs.iter().any(TermExpr::needs_table),
            _ => false,
        }
    }

    /// A superset the lexer builds more easily: the `Not` and
    /// `DecimalMultiple` conditions of an intersection left out (the plain
    /// languages they were intersected with stay). `None` where nothing
    /// can be left out.
    pub fn relaxed(&self) -> Option<TermExpr> {
        let keep = |x: &TermExpr| x.relaxed().unwrap_or_else(|| x.clone());
        match self {
            TermExpr::And(xs) => {
                let kept: Vec<TermExpr> = xs
                    .iter()
                    .filter(|x| !matches!(x, TermExpr::Not(_) | TermExpr::DecimalMultiple { .. }))
                    .map(keep)
                    .collect();
                match kept.len() {
                    0 => None,
                    1 => kept.into_iter().next(),
                    _ => Some(TermExpr::And(kept)),
                }
            }
            TermExpr::Alt(xs) if xs.iter().any(TermExpr::needs_table) => {
                Some(TermExpr::Alt(xs.iter().map(keep).collect()))
            }
            _ => None,
        }
        .filter(|r| r != self)
    }

    /// The subexpressions of this one.
    pub fn children(&self) -> &[TermExpr] {
        match self {
            TermExpr::Seq(xs) | TermExpr::Alt(xs) | TermExpr::And(xs) => xs,
            TermExpr::Not(x) | TermExpr::Repeat { expr: x, .. } => std::slice::from_ref(x),
            TermExpr::Literal { .. }
            | TermExpr::Regex { .. }
            | TermExpr::Hir(_)
            | TermExpr::Range { .. }
            | TermExpr::Special(_)
            | TermExpr::DecimalMultiple { .. }
            | TermExpr::JsonString { .. }
            | TermExpr::JsonLiterals { .. } => &[],
        }
    }
}

/// A terminal: a named regular language.
#[derive(Debug, Clone)]
pub struct Terminal {
    pub name: String,
    pub expr: TermExpr,
    /// Lark priority (`TERM.2`); used only to break ties when lexing greedily.
    pub priority: i32,
    /// Declared with `%declare` and never defined: it never matches.
    pub declared_only: bool,
    /// Written by a front-end from a schema, not by a grammar's author:
    /// terminals that overlap by design (keys are strings too) are not an
    /// author's mistake to warn about.
    pub generated: bool,
    pub span: Span,
}

/// A production `lhs -> rhs` (rhs empty for an epsilon production).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Production {
    pub lhs: NtId,
    pub rhs: Vec<Symbol>,
}

/// A grammar in plain CFG form, ready to compile.
#[derive(Debug, Clone)]
pub struct Grammar {
    pub terminals: Vec<Terminal>,
    pub nonterminals: Vec<String>,
    pub productions: Vec<Production>,
    pub start: NtId,
    /// Terminals that may appear between any two terminals (`%ignore`).
    pub ignore: Vec<TermId>,
    pub warnings: Vec<Diagnostic>,
    /// The texts spans point into, for rendering later diagnostics.
    pub sources: Vec<Arc<Source>>,
    /// The language is JSON text whose objects have distinct keys: the
    /// matcher reads each object's keys and refuses one written twice
    /// (set by the JSON Schema front-end, whose rules may then count keys).
    pub distinct_keys: bool,
    /// Terminals that close an item of an array whose items must be
    /// distinct (`uniqueItems`): its `,` (false) or its `]` (true). The
    /// matcher takes one only where the item it closes equals no earlier
    /// item of the array.
    pub distinct_items: Vec<(TermId, bool)>,
    /// Rules for object and array values with a check no rule can make:
    /// where one is completed, the value it derived (the container just
    /// closed) must be none of `not_values` (JSON texts, compared by JSON
    /// equality) and in the language of none of `not_in`. The matcher
    /// checks; masks ask it about the tokens that close a container.
    pub value_guards: Vec<ValueGuard>,
    /// Objects whose entries rules count, relying on distinct keys: where
    /// fewer keys can be written than the counts need (a value no string
    /// satisfies), the compile takes the counts that cannot be reached out.
    pub key_counts: Vec<KeyCount>,
    /// An empty language the front-end meant (a JSON Schema compiled for
    /// validation that no value satisfies): compiled, where an empty
    /// language is otherwise an error naming the rules that derive nothing.
    pub allow_empty: bool,
}

/// An object's entries counted by rules (see [`Grammar::key_counts`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCount {
    /// The choice of one required entry, and how many required keys
    /// there are.
    pub required: Option<NtId>,
    pub k: u32,
    /// The choice of one optional entry, and how many optional keys it
    /// offers where nothing else may come (else None: not counted).
    pub optional: Option<NtId>,
    pub n_opt: Option<u32>,
    /// The rules of the count: (rule, required keys seen, optional seen).
    pub states: Vec<(NtId, u32, u32)>,
}

/// A check on the object or array value a rule derives (see
/// [`Grammar::value_guards`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueGuard {
    pub nt: NtId,
    pub not_values: Vec<String>,
    pub not_in: Vec<NtId>,
}

impl Grammar {
    /// The language of one regular expression (Python `re` syntax and
    /// flags, as in Lark's `/.../flags`), matched in full: `start: REGEX`.
    pub fn from_regex(pattern: &str, flags: &str) -> Grammar {
        let source = Arc::new(Source {
            name: "<regex>".to_owned(),
            text: pattern.to_owned(),
        });
        let span = Span {
            file: 0,
            start: 0,
            end: pattern.len() as u32,
        };
        Grammar {
            terminals: vec![Terminal {
                name: "REGEX".to_owned(),
                expr: TermExpr::Regex {
                    pattern: pattern.to_owned(),
                    flags: flags.to_owned(),
                    span,
                },
                priority: 0,
                declared_only: false,
                generated: false,
                span,
            }],
            nonterminals: vec!["start".to_owned()],
            productions: vec![Production {
                lhs: NtId::new(0),
                rhs: vec![Symbol::T(TermId::new(0))],
            }],
            start: NtId::new(0),
            ignore: Vec::new(),
            warnings: Vec::new(),
            sources: vec![source],
            distinct_keys: false,
            distinct_items: Vec::new(),
            value_guards: Vec::new(),
            key_counts: Vec::new(),
            allow_empty: false,
        }
    }

    /// The name of a symbol, for messages.
    pub fn symbol_name(&self, s: Symbol) -> &str {
        match s {
            Symbol::T(t) => &self.terminals[t.index()].name,
            Symbol::N(n) => &self.nonterminals[n.index()],
        }
    }

    /// Renders a diagnostic at `span` against this grammar's sources.
    pub fn diagnostic(&self, span: Span, severity: Severity, message: String) -> Diagnostic {
        match self.sources.get(span.file as usize) {
            Some(src) => Diagnostic::new(src, span, severity, message),
            None => Diagnostic::unplaced(severity, message),
        }
    }
}

/// A text a grammar was read from.
#[derive(Debug)]
pub struct Source {
    /// A file path, or a name like `<string>`.
    pub name: String,
    pub text: String,
}

/// A byte range in one of a grammar's sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: u32,
    pub start: u32,
    pub end: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A message about a place in a grammar's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// File name (or `<string>`), 1-based line and column (in characters).
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// `file:line:col: severity: message`, two lines of context and a caret.
    pub rendered: String,
}

/// Most characters of a source line a diagnostic shows: a long line (a
/// JSON Schema on one line, say) is cut to a window around the column.
const EXCERPT_CHARS: usize = 160;

/// The part of `line` shown, the caret's indentation for the character at
/// `col0` (0-based, in characters), and the caret's width there.
fn excerpt(line: &[char], col0: usize, width: usize) -> (String, String, usize) {
    let col0 = col0.min(line.len());
    let (lo, hi) = if line.len() <= EXCERPT_CHARS {
        (0, line.len())
    } else {
        let lo = col0.saturating_sub(EXCERPT_CHARS / 3);
        (lo, (lo + EXCERPT_CHARS).min(line.len()))
    };
    let mut shown = String::new();
    let mut pad = String::new();
    if lo > 0 {
        shown.push('…');
        pad.push(' ');
    }
    shown.extend(&line[lo..hi]);
    if hi < line.len() {
        shown.push('…');
    }
    pad.extend(
        line[lo..col0]
            .iter()
            .map(|&c| if c == '\t' { '\t' } else { ' ' }),
    );
    (shown, pad, width.min(hi.saturating_sub(col0)).max(1))
}

impl Diagnostic {
    /// Locates `span` in `src` and renders it.
    pub fn new(src: &Source, span: Span, severity: Severity, message: String) -> Diagnostic {
        let text = &src.text;
        let start = (span.start as usize).min(text.len());
        let end = (span.end as usize).clamp(start, text.len());
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_no = text[..start].matches('\n').count() + 1;
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = &text[line_start..line_end];
        let col = text[line_start..start].chars().count() + 1;
        let width = text[start..end.min(line_end).max(start)]
            .chars()
            .count()
            .max(1);
        let sev = match severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let gutter = format!("{}", line_no).len().max(2);
        let mut r = format!("{}:{}:{}: {}: {}\n", src.name, line_no, col, sev, message);
        if line_no > 1 {
            let prev_start = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
            let prev: Vec<char> = text[prev_start..line_start - 1]
                .trim_end_matches('\r')
                .chars()
                .collect();
            let (shown, _, _) = excerpt(&prev, 0, 1);
            r.push_str(&format!("{:>gutter$} | {}\n", line_no - 1, shown));
        }
        let chars: Vec<char> = line.trim_end_matches('\r').chars().collect();
        let (shown, pad, width) = excerpt(&chars, col - 1, width);
        r.push_str(&format!("{:>gutter$} | {}\n", line_no, shown));
        r.push_str(&format!("{:>gutter$} | {}{}", "", pad, "^".repeat(width)));
        Diagnostic {
            severity,
            message,
            file: src.name.clone(),
            line: line_no,
            column: col,
            rendered: r,
        }
    }

    /// A diagnostic with no place in the text.
    pub fn unplaced(severity: Severity, message: String) -> Diagnostic {
        let sev = match severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        Diagnostic {
            severity,
            rendered: format!("{sev}: {message}"),
            message,
            file: String::new(),
            line: 0,
            column: 0,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rendered)
    }
}

/// A grammar that cannot be used: the diagnostic says where and why, the
/// kind what sort of failure it is.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", .0.diagnostic)]
pub struct GrammarError(Box<Located>);

#[derive(Debug, Clone)]
struct Located {
    diagnostic: Diagnostic,
    kind: ErrorKind,
    limit: Option<&'static str>,
    /// The terminal that could not be compiled, if that is the error.
    term: Option<TermId>,
}

impl GrammarError {
    /// A malformed grammar at `span` of `src`.
    pub fn at(src: &Source, span: Span, message: impl Into<String>) -> GrammarError {
        GrammarError::new(
            Diagnostic::new(src, span, Severity::Error, message.into()),
            ErrorKind::Syntax,
        )
    }

    /// A malformed grammar, with no place in its text.
    pub fn unplaced(message: impl Into<String>) -> GrammarError {
        GrammarError::new(
            Diagnostic::unplaced(Severity::Error, message.into()),
            ErrorKind::Syntax,
        )
    }

    /// An error of `kind` with its diagnostic.
    pub fn new(diagnostic: Diagnostic, kind: ErrorKind) -> GrammarError {
        GrammarError(Box::new(Located {
            diagnostic,
            kind,
            limit: None,
            term: None,
        }))
    }

    /// `failure` placed by `diagnostic` (which carries its message).
    pub fn placed(diagnostic: Diagnostic, failure: &Failure) -> GrammarError {
        let mut e = GrammarError::new(diagnostic, failure.kind);
        e.0.limit = failure.limit;
        e
    }

    /// The same error, of kind `kind`.
    pub fn with_kind(mut self, kind: ErrorKind) -> GrammarError {
        self.0.kind = kind;
        self
    }

    /// The same error as the budget `limit` (a configuration field) that ran out.
    pub fn with_limit(mut self, limit: &'static str) -> GrammarError {
        self.0.kind = ErrorKind::Limit;
        self.0.limit = Some(limit);
        self
    }

    /// The same error, about terminal `t`.
    pub fn with_term(mut self, t: TermId) -> GrammarError {
        self.0.term = Some(t);
        self
    }

    /// The terminal that could not be compiled, if that is the error.
    pub fn term(&self) -> Option<TermId> {
        self.0.term
    }

    pub fn diagnostic(&self) -> &Diagnostic {
        &self.0.diagnostic
    }

    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// Whether the grammar uses a feature corral does not support.
    pub fn is_not_supported(&self) -> bool {
        self.0.kind == ErrorKind::NotSupported
    }

    /// The compile budget that ran out, when one did: `max_nesting` (how
    /// deep brackets, imports and terminals nest), `max_lexer_states` (a
    /// terminal's first states already past it) or `max_dfa_bytes` (the
    /// size of a terminal's automata, which also caps its table states).
    pub fn limit(&self) -> Option<&'static str> {
        self.0.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostic_rendering() {
        let src = Source {
            name: "g.lark".into(),
            text: "start: a\n  | b c\nx: \"y\"\n".into(),
        };
        let d = Diagnostic::new(
            &src,
            Span {
                file: 0,
                start: 15,
                end: 16,
            },
            Severity::Error,
            "undefined rule `c`".into(),
        );
        assert_eq!((d.line, d.column), (2, 7));
        assert_eq!(
            d.rendered,
            "g.lark:2:7: error: undefined rule `c`\n 1 | start: a\n 2 |   | b c\n   |       ^"
        );
        let d = Diagnostic::new(
            &src,
            Span {
                file: 0,
                start: 0,
                end: 5,
            },
            Severity::Warning,
            "w".into(),
        );
        assert_eq!(
            d.rendered,
            "g.lark:1:1: warning: w\n 1 | start: a\n   | ^^^^^"
        );
    }

    /// A long line (a schema on one line) is cut around the column, and
    /// the caret still points at the span.
    #[test]
    fn long_lines_are_cut_around_the_column() {
        let text = format!("{{\"enum\": [{}\"x\"]}}", "\"aaaa\", ".repeat(2000));
        let at = text.find("\"x\"").unwrap();
        let src = Source {
            name: "<json schema>".into(),
            text: text.clone(),
        };
        let span = Span {
            file: 0,
            start: at as u32,
            end: at as u32 + 3,
        };
        let d = Diagnostic::new(&src, span, Severity::Error, "e".into());
        assert_eq!((d.line, d.column), (1, at + 1));
        assert!(d.rendered.chars().count() < 500, "{}", d.rendered);
        let lines: Vec<&str> = d.rendered.lines().collect();
        let shown: Vec<char> = lines[1].chars().collect();
        let caret = lines[2].chars().position(|c| c == '^').unwrap();
        assert_eq!(shown[caret..caret + 3].iter().collect::<String>(), "\"x\"");
        assert!(lines[1].contains('…') && lines[2].ends_with("^^^"));
        // From the start of a long line: no leading ellipsis.
        let d = Diagnostic::new(
            &src,
            Span {
                file: 0,
                start: 0,
                end: 1,
            },
            Severity::Error,
            "e".into(),
        );
        let lines: Vec<&str> = d.rendered.lines().collect();
        assert!(lines[1].starts_with(" 1 | {\"enum\"") && lines[1].ends_with('…'));
        assert!(lines[2].ends_with("| ^"));
    }
}
