//! The errors of terminal patterns and of the lexer's automata.

use crate::error::Failure;
use crate::grammar::{Span, TermId};

/// An error in a terminal pattern, with the span of the piece it is in.
#[derive(Debug, Clone)]
pub struct PatternError {
    pub span: Option<Span>,
    pub error: Failure,
}

impl PatternError {
    pub(crate) fn new(span: Option<Span>, error: Failure) -> PatternError {
        PatternError { span, error }
    }

    /// The message for people.
    pub fn message(&self) -> &str {
        &self.error.message
    }
}

/// A malformed pattern at `span`.
pub(crate) fn err<T>(span: Option<Span>, message: impl Into<String>) -> Result<T, PatternError> {
    Err(PatternError::new(span, Failure::syntax(message)))
}

/// A pattern at `span` that uses a feature corral does not support.
pub(crate) fn unsupported<T>(
    span: Option<Span>,
    what: impl std::fmt::Display,
) -> Result<T, PatternError> {
    Err(PatternError::new(span, Failure::not_supported(what)))
}

/// An error building a terminal's automaton from regex-automata: a size
/// limit is the budget `max_dfa_bytes`; anything else is a feature the
/// automaton cannot express.
pub(crate) fn build_failure(e: impl std::fmt::Display, size_limit: bool) -> Failure {
    if size_limit {
        Failure::limit("max_dfa_bytes", format!("{e}; raise max_dfa_bytes"))
    } else {
        Failure::not_supported(e)
    }
}

/// An error compiling one terminal.
#[derive(Debug, Clone)]
pub struct TermCompileError {
    pub term: TermId,
    pub error: Failure,
}

/// A lazy DFA's cache that would have to be cleared (its state ids are
/// kept): a limit error.
pub(crate) fn cache_err(e: impl std::fmt::Display) -> Failure {
    Failure::limit(
        "max_dfa_bytes",
        format!("a terminal's lazy DFA outgrew its cache ({e}); raise max_dfa_bytes"),
    )
}
