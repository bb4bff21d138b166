//! Why a matcher stopped, and why one step failed.

use crate::error::{ErrorKind, Failure};

/// Why a matcher stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchErrorKind {
    /// This byte cannot continue any string of the language; `why`, where
    /// a check of the JSON read so far refused it (a key or an item that
    /// must not repeat), says so instead of listing terminals.
    Rejected { byte: u8, why: Option<&'static str> },
    /// This special token cannot come next.
    Special(String),
    /// A budget ran out (lexer states, Earley items, memory), or the
    /// grammar needs something corral does not do at this point.
    Failed(Failure),
}

/// A sticky matcher error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchError {
    /// Offset of the offending byte in the whole input consumed so far.
    pub position: usize,
    pub kind: MatchErrorKind,
    /// Terminals that were allowed at that point.
    pub expected: Vec<String>,
}

impl MatchError {
    /// The kind of failure: [`ErrorKind::Match`] for a refused byte or
    /// special token, else the failure's own.
    pub fn error_kind(&self) -> ErrorKind {
        match &self.kind {
            MatchErrorKind::Rejected { .. } | MatchErrorKind::Special(_) => ErrorKind::Match,
            MatchErrorKind::Failed(f) => f.kind,
        }
    }

    /// The budget that ran out, if that is why the matcher stopped.
    pub fn limit(&self) -> Option<&'static str> {
        match &self.kind {
            MatchErrorKind::Failed(f) => f.limit,
            _ => None,
        }
    }

    /// The error as a [`Failure`] (its place in the message).
    pub fn to_failure(&self) -> Failure {
        Failure {
            kind: self.error_kind(),
            limit: self.limit(),
            message: self.to_string(),
        }
    }
}

impl std::error::Error for MatchError {}

impl std::fmt::Display for MatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            MatchErrorKind::Rejected { byte, why } => {
                write!(
                    f,
                    "byte {:?} at offset {} is not allowed",
                    *byte as char, self.position
                )?;
                if let Some(why) = why {
                    write!(f, ": {why}")
                } else if self.expected.is_empty() {
                    write!(f, " (the input is complete; nothing may follow)")
                } else {
                    write!(f, "; expected one of: {}", self.expected.join(", "))
                }
            }
            MatchErrorKind::Special(name) => {
                write!(
                    f,
                    "special token {name} is not allowed at offset {}",
                    self.position
                )?;
                if self.expected.is_empty() {
                    write!(f, " (the input is complete; nothing may follow)")
                } else {
                    write!(f, "; expected one of: {}", self.expected.join(", "))
                }
            }
            MatchErrorKind::Failed(e) => write!(f, "at offset {}: {}", self.position, e),
        }
    }
}

/// Why one step failed: the byte is refused, or a budget ran out (or a
/// feature is missing), which is an error rather than an answer.
pub(crate) enum StepFail {
    Rejected,
    Failed(Failure),
}

impl From<Failure> for StepFail {
    fn from(f: Failure) -> StepFail {
        StepFail::Failed(f)
    }
}

impl StepFail {
    /// The failure as a [`Failure`] (a refusal as [`ErrorKind::Match`]).
    pub(crate) fn into_failure(self) -> Failure {
        match self {
            StepFail::Rejected => Failure::rejected("rejected"),
            StepFail::Failed(f) => f,
        }
    }
}
