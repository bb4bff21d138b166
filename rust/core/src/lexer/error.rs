//! The error of a terminal pattern, with the span of the piece it is in.

use crate::grammar::Span;

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
