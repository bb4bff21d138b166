//! Integer arguments (token ids, rows, counts) read so that a value out of
//! range, however large, is reported like any other bad value.

use pyo3::exceptions::PyOverflowError;
use pyo3::prelude::*;

use crate::errors::token_err;

/// A Python int (or anything with `__index__`) as an i64; `None` when it
/// does not fit. Token ids and indices take it, so that a huge int is
/// reported like any other bad value, never as `OverflowError`.
#[derive(Clone, Copy, Debug)]
pub struct Int(pub Option<i64>);

impl<'a, 'py> FromPyObject<'a, 'py> for Int {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        match obj.extract::<i64>() {
            Ok(v) => Ok(Int(Some(v))),
            Err(e) if e.is_instance_of::<PyOverflowError>(obj.py()) => Ok(Int(None)),
            Err(e) => Err(e),
        }
    }
}

impl Int {
    /// The value if it lies in `0..n`.
    pub fn below(self, n: usize) -> Option<usize> {
        self.0
            .and_then(|v| usize::try_from(v).ok())
            .filter(|&v| v < n)
    }

    pub fn describe(self) -> String {
        match self.0 {
            Some(v) => v.to_string(),
            None => "(an integer beyond 64 bits)".to_owned(),
        }
    }
}

/// Checks a token id against a vocabulary of `vocab_size` ids.
pub fn token_id(py: Python<'_>, t: Int, vocab_size: usize) -> PyResult<u32> {
    t.below(vocab_size)
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| {
            token_err(
                py,
                format!(
                    "token id {} is not in the vocabulary (ids 0..{vocab_size})",
                    t.describe()
                ),
            )
        })
}
