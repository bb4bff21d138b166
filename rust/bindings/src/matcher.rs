//! Matchers: `ByteMatcher` (bytes, from `Grammar.matcher()`) and `Matcher`
//! (tokens, from `CompiledGrammar.matcher()`), two classes so that a type
//! checker catches a call to the wrong one; and `fill_masks`, a batch of
//! token masks filled in parallel.

use std::sync::Arc;

use corral_core::forced::forced_tokens;
use corral_core::token::fill_masks as core_fill_masks;
use corral_core::{Matcher, TokenMatcher};
use pyo3::exceptions::{PyIndexError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::args::{token_id, Int};
use crate::buffers::{buffer, Buf, Role};
use crate::errors::{failure_err, limit_check};
use crate::vocab::Encoder;

/// Inputs longer than this are consumed with the GIL released.
const DETACH_BYTES: usize = 4096;

/// `n` as a number of steps to roll back, at most `depth`.
fn rollback_count(n: Int, depth: usize) -> PyResult<usize> {
    n.below(depth + 1).ok_or_else(|| {
        PyIndexError::new_err(format!(
            "cannot roll back {} steps: only {depth} were taken",
            n.describe()
        ))
    })
}

/// A matcher's description, written the Python way.
fn describe(kind: &str, m: &Matcher, accepting: bool, error: Option<String>) -> String {
    let accepting = if accepting { "True" } else { "False" };
    let error = error.map_or_else(|| "None".to_owned(), |e| format!("{e:?}"));
    format!(
        "{kind}(bytes_consumed={}, accepting={accepting}, error={error})",
        m.bytes_consumed()
    )
}

/// One input's matching state over a grammar, byte by byte (from
/// `Grammar.matcher()`): what `corral test` and `explain` use.
#[pyclass(name = "ByteMatcher", module = "corral._core")]
pub struct PyByteMatcher {
    inner: Matcher,
}

impl PyByteMatcher {
    pub fn new(inner: Matcher) -> PyByteMatcher {
        PyByteMatcher { inner }
    }
}

#[pymethods]
impl PyByteMatcher {
    /// Consumes bytes; False if some byte cannot continue the input (the
    /// bytes before it are consumed and the matcher enters a sticky error
    /// state). One rollback point per call.
    fn consume_bytes(&mut self, py: Python<'_>, data: Vec<u8>) -> PyResult<bool> {
        let m = &mut self.inner;
        let ok = if data.len() > DETACH_BYTES {
            py.detach(|| m.consume_bytes(&data))
        } else {
            m.consume_bytes(&data)
        };
        limit_check(py, m)?;
        Ok(ok)
    }

    /// Whether the input so far is complete.
    fn is_accepting(&self) -> bool {
        self.inner.is_accepting()
    }

    /// Whether nothing more may follow.
    fn is_finished(&self) -> bool {
        self.inner.is_finished()
    }

    fn is_error(&self) -> bool {
        self.inner.is_error()
    }

    /// The error message, or None.
    fn error(&self) -> Option<String> {
        self.inner.error().map(|e| e.to_string())
    }

    /// Offset of the byte that was rejected, or None.
    #[getter]
    fn error_position(&self) -> Option<usize> {
        self.inner.error().map(|e| e.position)
    }

    /// Bytes consumed so far.
    #[getter]
    fn bytes_consumed(&self) -> usize {
        self.inner.bytes_consumed()
    }

    /// Undoes the last `n` consume_bytes calls (and an error they made); O(n).
    fn rollback(&mut self, n: Int) -> PyResult<()> {
        let n = rollback_count(n, self.inner.depth())?;
        self.inner.rollback(n);
        Ok(())
    }

    /// Back to the start.
    fn reset(&mut self) {
        self.inner.reset();
    }

    /// An independent copy of this matcher.
    fn fork(&self) -> PyByteMatcher {
        PyByteMatcher::new(self.inner.clone())
    }

    /// Bytes every continuation must start with (empty if the input may end
    /// here or several bytes may follow). Does not change the state.
    fn forced_bytes<'py>(&mut self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.forced_bytes())
    }

    /// Names of the terminals that may come next.
    fn expected(&self) -> Vec<String> {
        self.inner.expected()
    }

    fn __repr__(&self) -> String {
        describe(
            "ByteMatcher",
            &self.inner,
            self.is_accepting(),
            self.error(),
        )
    }
}

/// One sequence's matching state over a grammar bound to a vocabulary
/// (from `CompiledGrammar.matcher()`): tokens in, token masks out.
#[pyclass(name = "Matcher", module = "corral._core")]
pub struct PyMatcher {
    inner: TokenMatcher,
    /// The vocabulary's encoder, for `forced_tokens`.
    encoder: Arc<Encoder>,
}

impl PyMatcher {
    pub fn new(inner: TokenMatcher, encoder: Arc<Encoder>) -> PyMatcher {
        PyMatcher { inner, encoder }
    }

    pub fn inner_mut(&mut self) -> &mut TokenMatcher {
        &mut self.inner
    }

    pub fn encoder(&self) -> &Arc<Encoder> {
        &self.encoder
    }
}

thread_local! {
    /// Rust-owned room where masks are computed, with the GIL released,
    /// before they are copied into the caller's buffer.
    static SCRATCH: std::cell::Cell<Vec<u32>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Runs `f` on `n` words of this thread's scratch. They are not cleared:
/// `fill_mask` and `fill_masks` write every word of their output
/// (`rust/core/tests/mask_overwrite.rs`), and clearing costs as much as
/// the copy out.
fn with_scratch<R>(n: usize, f: impl FnOnce(&mut [u32]) -> R) -> R {
    let mut v = SCRATCH.take();
    if v.len() < n {
        v.resize(n, 0);
    }
    v.truncate(n);
    let r = f(&mut v);
    // Kept for the next call unless a huge batch made it large.
    if v.capacity() <= 1 << 22 {
        SCRATCH.set(v);
    }
    r
}

/// Checks that a bitmask's rows have `words` words.
fn check_words(buf: &Buf<'_>, words: usize) -> PyResult<()> {
    if buf.cols != words {
        return Err(PyValueError::new_err(format!(
            "bitmask rows have {} words, the vocabulary needs {words}",
            buf.cols
        )));
    }
    Ok(())
}

#[pymethods]
impl PyMatcher {
    /// Consumes one token; False (and a sticky error) if it is not allowed.
    /// An id outside the vocabulary raises `TokenError` and leaves the
    /// matcher unchanged.
    fn consume(&mut self, py: Python<'_>, token: Int) -> PyResult<bool> {
        let m = &mut self.inner;
        let t = token_id(py, token, m.token_grammar().vocab.vocab_size())?;
        let ok = m.consume(t).is_ok();
        limit_check(py, m.byte_matcher())?;
        Ok(ok)
    }

    /// Consumes tokens in order, stopping at the first refused one; returns
    /// how many were consumed. If any id is outside the vocabulary,
    /// `TokenError` is raised before anything is consumed.
    fn consume_tokens(&mut self, py: Python<'_>, tokens: Vec<Int>) -> PyResult<usize> {
        let m = &mut self.inner;
        let n = m.token_grammar().vocab.vocab_size();
        let ids: Vec<u32> = tokens
            .iter()
            .map(|&t| token_id(py, t, n))
            .collect::<PyResult<_>>()?;
        let n = m.consume_tokens(&ids);
        limit_check(py, m.byte_matcher())?;
        Ok(n)
    }

    /// Whether `token` could be consumed now (the state does not change).
    /// An id outside the vocabulary raises `TokenError`.
    fn try_consume(&mut self, py: Python<'_>, token: Int) -> PyResult<bool> {
        let m = &mut self.inner;
        let t = token_id(py, token, m.token_grammar().vocab.vocab_size())?;
        m.try_consume_checked(t).map_err(|e| failure_err(py, &e))
    }

    /// Writes the allowed tokens into row `row` of `bitmask` (int32, shape
    /// [batch, ceil(vocab_size/32)] or [ceil(vocab_size/32)], a numpy array,
    /// a CPU torch tensor, or any int32 buffer). Bit i of word w is token
    /// 32*w+i. The matcher's state does not change. The mask is computed
    /// with the GIL released, then the buffer is checked and written.
    #[pyo3(signature = (bitmask, row=Int(Some(0))), text_signature = "($self, bitmask, row=0)")]
    fn fill_mask(&mut self, py: Python<'_>, bitmask: &Bound<'_, PyAny>, row: Int) -> PyResult<()> {
        let m = &mut self.inner;
        let words = m.token_grammar().vocab.mask_words();
        with_scratch(words, |out| {
            let r = py.detach(|| m.fill_mask(out));
            let mut buf = buffer(bitmask, Role::MaskOut)?;
            check_words(&buf, words)?;
            let Some(row) = row.below(buf.rows) else {
                return Err(PyIndexError::new_err(format!(
                    "row {} is outside the bitmask ({} rows)",
                    row.describe(),
                    buf.rows
                )));
            };
            buf.write_mask_rows(row, out)?;
            r.map_err(|e| failure_err(py, &e))
        })
    }

    /// Whether the output so far is complete (EOS allowed).
    fn is_accepting(&self) -> bool {
        self.inner.is_accepting()
    }

    /// Whether nothing more may follow (or EOS was consumed).
    fn is_finished(&self) -> bool {
        self.inner.is_finished()
    }

    fn is_error(&self) -> bool {
        self.inner.is_error()
    }

    /// The error message, or None.
    fn error(&self) -> Option<String> {
        self.inner.error().map(|e| e.message.clone())
    }

    /// Offset of the byte that was rejected, or None.
    #[getter]
    fn error_position(&self) -> Option<usize> {
        self.inner.byte_matcher().error().map(|e| e.position)
    }

    /// Bytes consumed so far.
    #[getter]
    fn bytes_consumed(&self) -> usize {
        self.inner.byte_matcher().bytes_consumed()
    }
    /// The bytes consumed so far (EOS adds none).
    fn output<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, self.inner.output())
    }

    /// Number of consume calls that can be rolled back.
    fn depth(&self) -> usize {
        self.inner.depth()
    }

    /// Undoes the last `n` consume calls (and an error they made); O(n).
    fn rollback(&mut self, n: Int) -> PyResult<()> {
        let n = rollback_count(n, self.inner.depth())?;
        self.inner.rollback(n);
        Ok(())
    }

    /// Back to the start.
    fn reset(&mut self) {
        self.inner.reset();
    }

    /// An independent copy of this matcher.
    fn fork(&self) -> PyMatcher {
        PyMatcher::new(self.inner.clone(), self.encoder.clone())
    }

    /// Bytes every continuation must start with (empty if the output may
    /// end here or several bytes may follow). Does not change the state.
    fn forced_bytes<'py>(&mut self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.forced_bytes())
    }

    /// Jump-forward tokens: the bytes the grammar forces next, tokenized as
    /// the tokenizer itself splits them in the middle of a text, so the
    /// model sees canonical tokens. The last token is held back (what
    /// follows could merge with it) unless nothing can follow the forced
    /// bytes. Every token returned is allowed in sequence; consuming them is
    /// up to the caller. Empty when nothing is forced.
    fn forced_tokens(&mut self, py: Python<'_>) -> PyResult<Vec<u32>> {
        let encoder = &self.encoder;
        forced_tokens(&mut self.inner, |vocab, text| {
            encoder.encode_exact(py, vocab, text)
        })
    }

    /// Names of the terminals that may come next.
    fn expected(&self) -> Vec<String> {
        self.inner.byte_matcher().expected()
    }

    fn __repr__(&self) -> String {
        describe(
            "Matcher",
            self.inner.byte_matcher(),
            self.is_accepting(),
            self.error(),
        )
    }
}

/// Fills row i of `bitmask` for matcher i, in parallel with the GIL
/// released. All matchers must be of the same vocabulary size. The masks
/// are computed into Rust-owned memory, then the bitmask is checked and
/// written with the GIL held.
#[pyfunction]
pub fn fill_masks(
    py: Python<'_>,
    matchers: Vec<Bound<'_, PyMatcher>>,
    bitmask: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let mut refs: Vec<PyRefMut<'_, PyMatcher>> = Vec::with_capacity(matchers.len());
    for m in &matchers {
        refs.push(
            m.try_borrow_mut().map_err(|_| {
                PyValueError::new_err("the same matcher appears twice (or is in use)")
            })?,
        );
    }
    let mut words = None;
    let mut ms: Vec<&mut TokenMatcher> = Vec::with_capacity(refs.len());
    for r in refs.iter_mut() {
        let t = &mut r.inner;
        let w = t.token_grammar().vocab.mask_words();
        if *words.get_or_insert(w) != w {
            return Err(PyValueError::new_err(
                "matchers have different vocabulary sizes",
            ));
        }
        ms.push(t);
    }
    let n = ms.len();
    let Some(words) = words else {
        // No matcher: nothing is written, but the bitmask is still checked.
        buffer(bitmask, Role::MaskOut)?;
        return Ok(());
    };
    let total = n
        .checked_mul(words)
        .ok_or_else(|| PyValueError::new_err("too many matchers"))?;
    with_scratch(total, |out| {
        let results = py.detach(|| core_fill_masks(&mut ms, out, words));
        let mut buf = buffer(bitmask, Role::MaskOut)?;
        check_words(&buf, words)?;
        if buf.rows < n {
            return Err(PyValueError::new_err(format!(
                "bitmask has {} rows for {n} matchers",
                buf.rows
            )));
        }
        buf.write_mask_rows(0, out)?;
        for (i, r) in results.into_iter().enumerate() {
            r.map_err(|e| failure_err(py, &e.context(format!("matcher {i}: "))))?;
        }
        Ok(())
    })
}
