//! What kind of failure an error is.
//!
//! Every corral error carries an [`ErrorKind`] from where it is made, so a
//! caller (and the Python layer, which picks an exception class by it)
//! never reads a message to tell a missing feature from a budget. A
//! [`Failure`] is the error of code with no place to point at (a token, a
//! mask, a terminal's automaton); errors with a place ([`GrammarError`],
//! [`SchemaError`], [`MatchError`]) carry the same kind beside it.
//!
//! [`GrammarError`]: crate::GrammarError
//! [`SchemaError`]: crate::json_schema::SchemaError
//! [`MatchError`]: crate::MatchError

use std::fmt;

/// The kind of a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is malformed: a grammar, schema, pattern or tokenizer
    /// that does not parse or is not valid.
    Syntax,
    /// The input is valid but uses a feature corral does not support.
    NotSupported,
    /// A work or memory budget ran out; the error names the budget.
    Limit,
    /// A byte, token or string the grammar does not allow.
    Match,
    /// A value out of range from the caller: a token id outside the
    /// vocabulary, a buffer of the wrong size.
    Argument,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Syntax => "syntax",
            ErrorKind::NotSupported => "not supported",
            ErrorKind::Limit => "limit",
            ErrorKind::Match => "match",
            ErrorKind::Argument => "argument",
        })
    }
}

/// A failure with no place to point at: its kind, the budget that ran out
/// (for [`ErrorKind::Limit`]) and a message for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    pub kind: ErrorKind,
    /// The configuration field of the budget that ran out (`"max_dfa_bytes"`,
    /// `"max_earley_items"`, ...), for [`ErrorKind::Limit`].
    pub limit: Option<&'static str>,
    pub message: String,
}

impl Failure {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            limit: None,
            message: message.into(),
        }
    }

    /// Malformed input.
    pub fn syntax(message: impl Into<String>) -> Failure {
        Failure::new(ErrorKind::Syntax, message)
    }

    /// A missing feature; the message is `not supported: {what}`.
    pub fn not_supported(what: impl fmt::Display) -> Failure {
        Failure::new(ErrorKind::NotSupported, format!("not supported: {what}"))
    }

    /// The budget `limit` (a configuration field) ran out.
    pub fn limit(limit: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            kind: ErrorKind::Limit,
            limit: Some(limit),
            message: message.into(),
        }
    }

    /// Something the grammar does not allow.
    pub fn rejected(message: impl Into<String>) -> Failure {
        Failure::new(ErrorKind::Match, message)
    }

    /// A caller's value out of range.
    pub fn argument(message: impl Into<String>) -> Failure {
        Failure::new(ErrorKind::Argument, message)
    }

    /// The same failure with its message prefixed by `context`.
    pub fn context(mut self, context: impl fmt::Display) -> Failure {
        self.message = format!("{context}{}", self.message);
        self
    }
}
