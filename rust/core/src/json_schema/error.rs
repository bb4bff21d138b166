//! What a compile reports: the error a refused schema raises, and the
//! approximations a lenient compile makes instead.

use crate::error::{ErrorKind, Failure};

/// Something a lenient compile could not enforce exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approximation {
    /// JSON Pointer (as a URI fragment, `#/properties/a`).
    pub pointer: String,
    pub keyword: String,
    pub message: String,
}

/// A schema corral refuses: invalid ([`ErrorKind::Syntax`]), not
/// enforceable ([`ErrorKind::NotSupported`]), or past a compile budget
/// ([`ErrorKind::Limit`], which [`SchemaError::limit`] names).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message} (keyword {keyword:?} at {pointer})")]
pub struct SchemaError {
    pub pointer: String,
    pub keyword: String,
    pub message: String,
    pub kind: ErrorKind,
    /// The [`Options`](super::Options) budget that ran out (`"max_depth"`,
    /// `"max_rules"`, `"max_unroll"`, `"max_overlaps"`), if that is why.
    pub limit: Option<&'static str>,
}

impl SchemaError {
    /// Whether a configurable budget ran out (see [`SchemaError::limit`]).
    pub fn is_limit(&self) -> bool {
        self.kind == ErrorKind::Limit
    }

    /// Whether the schema is valid but needs what corral cannot enforce.
    pub fn is_not_supported(&self) -> bool {
        self.kind == ErrorKind::NotSupported
    }
}

fn pointer(ptr: &str) -> String {
    super::resolve::display_pointer(ptr)
}

/// An error for a budget of [`Options`](super::Options) that ran out.
pub(crate) fn limit_error(
    ptr: &str,
    kw: &str,
    limit: &'static str,
    msg: impl Into<String>,
) -> SchemaError {
    SchemaError {
        pointer: pointer(ptr),
        keyword: kw.to_owned(),
        message: msg.into(),
        kind: ErrorKind::Limit,
        limit: Some(limit),
    }
}

/// An invalid schema at JSON Pointer `ptr` (without the `#`), keyword `kw`.
pub(crate) fn error(ptr: &str, kw: &str, msg: impl Into<String>) -> SchemaError {
    SchemaError {
        pointer: pointer(ptr),
        keyword: kw.to_owned(),
        message: msg.into(),
        kind: ErrorKind::Syntax,
        limit: None,
    }
}

/// A valid schema at `ptr`, keyword `kw`, that needs what corral cannot
/// enforce; the message is `not supported: {what}`.
pub(crate) fn unsupported(ptr: &str, kw: &str, what: impl std::fmt::Display) -> SchemaError {
    at_failure(ptr, kw, Failure::not_supported(what))
}

/// `f` (of its own kind) at `ptr`, keyword `kw`.
pub(crate) fn at_failure(ptr: &str, kw: &str, f: Failure) -> SchemaError {
    SchemaError {
        pointer: pointer(ptr),
        keyword: kw.to_owned(),
        message: f.message,
        kind: f.kind,
        limit: f.limit,
    }
}
