//! The error of a terminal pattern, with the span of the piece it is in.

use crate::grammar::{Span, TermId};

/// An error in a terminal pattern, with the span of the piece it is in.
#[derive(Debug, Clone)]
pub struct PatternError {
    pub span: Option<Span>,
    pub message: String,
}

pub(crate) fn err<T>(span: Option<Span>, message: impl Into<String>) -> Result<T, PatternError> {
    Err(PatternError {
        span,
        message: message.into(),
    })
}

/// Error raised when the lexer would exceed its state limit.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct LexerLimit(pub String);

/// An error compiling one terminal.
#[derive(Debug, Clone)]
pub struct TermCompileError {
    pub term: TermId,
    pub message: String,
}
