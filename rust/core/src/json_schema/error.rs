//! What a compile reports: the error a refused schema raises, and the
//! approximations a lenient compile makes instead.

/// Something a lenient compile could not enforce exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approximation {
    /// JSON Pointer (as a URI fragment, `#/properties/a`).
    pub pointer: String,
    pub keyword: String,
    pub message: String,
}

/// A schema corral refuses: invalid, or (`not_supported`) not enforceable.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message} (keyword {keyword:?} at {pointer})")]
pub struct SchemaError {
    pub pointer: String,
    pub keyword: String,
    pub message: String,
    pub not_supported: bool,
    /// The [`Options`](super::Options) budget that ran out (`"max_depth"`,
    /// `"max_rules"`, `"max_unroll"`), if that is why.
    pub limit: Option<&'static str>,
}

impl SchemaError {
    /// Whether a configurable budget ran out (see [`SchemaError::limit`]).
    pub fn is_limit(&self) -> bool {
        self.limit.is_some()
    }
}

/// An error for a budget of [`Options`](super::Options) that ran out.
pub(crate) fn limit_error(
    ptr: &str,
    kw: &str,
    limit: &'static str,
    msg: impl Into<String>,
) -> SchemaError {
    let mut e = error(ptr, kw, msg);
    e.limit = Some(limit);
    e
}

/// An error at JSON Pointer `ptr` (without the `#`), keyword `kw`.
pub(crate) fn error(ptr: &str, kw: &str, msg: impl Into<String>) -> SchemaError {
    let message: String = msg.into();
    SchemaError {
        pointer: if ptr.is_empty() {
            "#".into()
        } else {
            format!("#{ptr}")
        },
        keyword: kw.to_owned(),
        not_supported: message.starts_with("not supported"),
        message,
        limit: None,
    }
}
