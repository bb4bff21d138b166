//! Lark statements and expressions (with spans), the parser's output, and
//! walks over expressions.

use crate::grammar::Span;

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

pub(super) fn walk_names(ex: &Ex, f: &mut dyn FnMut(&str, Span)) {
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

pub(super) fn rename(ex: &Ex, f: &dyn Fn(&str) -> String) -> Ex {
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

/// The direct subexpressions of `ex`.
pub(super) fn children(ex: &Ex) -> Vec<&Ex> {
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
