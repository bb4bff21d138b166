//! AWRS from Python: `awrs_cpu` draws from CPU logits; `awrs_prefix` from
//! the head of a Gumbel-max order and a few draws a GPU sent back. Both
//! check tokens with the matcher, and with a Python `check(prefix,
//! complete)` when one is given. `corral.awrs` in Python chooses between
//! them.

use corral_core::sample::{
    awrs, weights, AwrsConfig, AwrsDraw, Estimator, Oracle, Outcome, Prefix, Rng, Shaping, Urn,
};
use corral_core::Failure;
use corral_core::TokenId;
use corral_core::TokenMatcher;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::buffers::{buffer, Role};
use crate::errors::failure_err;
use crate::matcher::PyMatcher;

/// A matcher, and a Python check on top.
struct Checked<'a, 'py> {
    m: &'a mut TokenMatcher,
    check: Option<&'a Bound<'py, PyAny>>,
    /// The first Python error a check raised (the draw then stops).
    raised: Option<PyErr>,
    buf: Vec<u8>,
}

impl Checked<'_, '_> {
    fn python(&mut self, tok: TokenId) -> Result<bool, Failure> {
        let Some(f) = self.check else {
            return Ok(true);
        };
        let vocab = &self.m.token_grammar().vocab;
        let complete = vocab.eos_token_ids().contains(&tok);
        self.buf.clear();
        self.buf.extend_from_slice(self.m.output());
        if !complete {
            self.buf.extend_from_slice(vocab.bytes_or_empty(tok));
        }
        let py = f.py();
        let r = f
            .call1((PyBytes::new(py, &self.buf), complete))
            .and_then(|v| v.is_truthy());
        match r {
            Ok(ok) => Ok(ok),
            Err(e) => {
                self.raised.get_or_insert(e);
                Err(Failure::argument("the check raised an exception"))
            }
        }
    }
}

impl Oracle for Checked<'_, '_> {
    fn check(&mut self, tok: TokenId) -> Result<bool, Failure> {
        Ok(self.m.try_consume_checked(tok)? && self.python(tok)?)
    }
    fn mask(&mut self, out: &mut Vec<u32>) -> Result<(), Failure> {
        Oracle::mask(self.m, out)?;
        if self.check.is_some() {
            for (w, word) in out.iter_mut().enumerate() {
                let mut bits = *word;
                while bits != 0 {
                    let b = bits.trailing_zeros();
                    bits &= bits - 1;
                    let tok = (w * 32) as TokenId + b;
                    if !self.python(tok)? {
                        *word &= !(1 << b);
                    }
                }
            }
        }
        Ok(())
    }
}

fn config(max_rejects: usize, estimator: &str, accepts: u32) -> PyResult<AwrsConfig> {
    let estimator = match estimator {
        "recursive" => Estimator::Recursive,
        "geometric" if accepts >= 2 => Estimator::Geometric { accepts },
        "geometric" => {
            return Err(PyValueError::new_err(format!(
                "the geometric estimator needs accepts >= 2, got {accepts}"
            )))
        }
        other => {
            return Err(PyValueError::new_err(format!(
                "estimator must be 'recursive' or 'geometric', got {other:?}"
            )))
        }
    };
    Ok(AwrsConfig {
        max_rejects,
        estimator,
    })
}

type DrawTuple = (u32, f64, usize, bool);

fn tuple(d: AwrsDraw) -> DrawTuple {
    (d.token, d.log_weight, d.checks, d.fell_back)
}

/// Runs `f` over the oracle: detached from the interpreter when there is
/// no Python check. A Python error a check raised wins over the failure
/// it caused.
fn run<R: Send>(
    py: Python<'_>,
    m: &mut TokenMatcher,
    check: Option<&Bound<'_, PyAny>>,
    f: impl FnOnce(&mut dyn OracleDyn) -> Result<R, Failure> + Send,
) -> PyResult<R> {
    let r = match check {
        None => py.detach(|| f(m)),
        Some(c) => {
            let mut o = Checked {
                m,
                check: Some(c),
                raised: None,
                buf: Vec::new(),
            };
            let r = f(&mut o);
            if let Some(e) = o.raised {
                return Err(e);
            }
            r
        }
    };
    r.map_err(|e| failure_err(py, &e))
}

/// An oracle behind a reference (so one closure serves both kinds).
trait OracleDyn {
    fn check(&mut self, tok: TokenId) -> Result<bool, Failure>;
    fn mask(&mut self, out: &mut Vec<u32>) -> Result<(), Failure>;
}

impl<T: Oracle> OracleDyn for T {
    fn check(&mut self, tok: TokenId) -> Result<bool, Failure> {
        Oracle::check(self, tok)
    }
    fn mask(&mut self, out: &mut Vec<u32>) -> Result<(), Failure> {
        Oracle::mask(self, out)
    }
}

struct Dyn<'a>(&'a mut dyn OracleDyn);

impl Oracle for Dyn<'_> {
    fn check(&mut self, tok: TokenId) -> Result<bool, Failure> {
        self.0.check(tok)
    }
    fn mask(&mut self, out: &mut Vec<u32>) -> Result<(), Failure> {
        self.0.mask(out)
    }
}

/// One AWRS draw from a row of float32 CPU logits (see `corral.awrs`).
/// Returns (token, log_weight, checks, fell_back).
#[pyfunction]
#[pyo3(signature = (logits, matcher, seed, temperature, top_k, top_p, max_rejects, estimator, accepts, check=None))]
#[allow(clippy::too_many_arguments)]
pub fn awrs_cpu(
    py: Python<'_>,
    logits: &Bound<'_, PyAny>,
    mut matcher: PyRefMut<'_, PyMatcher>,
    seed: u64,
    temperature: f32,
    top_k: usize,
    top_p: f32,
    max_rejects: usize,
    estimator: &str,
    accepts: u32,
    check: Option<&Bound<'_, PyAny>>,
) -> PyResult<DrawTuple> {
    let cfg = config(max_rejects, estimator, accepts)?;
    let shaping = Shaping {
        temperature,
        top_k,
        top_p,
    };
    let mut urn = Urn::default();
    {
        let buf = buffer(logits, Role::LogitsIn)?;
        if buf.rows != 1 {
            return Err(PyValueError::new_err(format!(
                "awrs takes one row of logits, got {} rows",
                buf.rows
            )));
        }
        let mut w = Vec::new();
        weights(buf.as_f32()?, shaping, &mut w).map_err(|e| failure_err(py, &e))?;
        urn.fill(w);
    }
    let m = matcher.inner_mut();
    let d = run(py, m, check, move |o| {
        let mut rng = Rng::new(seed);
        let mut mask = Vec::new();
        match awrs(&mut urn, &mut Dyn(o), &mut rng, cfg, &mut mask)? {
            Outcome::Done(d) => Ok(d),
            Outcome::NeedsMask(_) => Err(Failure::argument("the urn could not finish a draw")),
        }
    })?;
    Ok(tuple(d))
}

/// One AWRS draw from the head of a Gumbel-max order (`order`, with the
/// tokens' probabilities `probs`) and independent draws `draws`. When
/// they run out, the mask is computed and `exact(mask_bytes, need_token)`
/// returns the valid mass and, if asked, a draw among the valid tokens.
#[pyfunction]
#[pyo3(signature = (matcher, order, probs, draws, exact, seed, max_rejects, estimator, accepts, check=None))]
#[allow(clippy::too_many_arguments)]
pub fn awrs_prefix(
    py: Python<'_>,
    mut matcher: PyRefMut<'_, PyMatcher>,
    order: Vec<u32>,
    probs: Vec<f64>,
    draws: Vec<u32>,
    exact: &Bound<'_, PyAny>,
    seed: u64,
    max_rejects: usize,
    estimator: &str,
    accepts: u32,
    check: Option<&Bound<'_, PyAny>>,
) -> PyResult<DrawTuple> {
    if order.len() != probs.len() {
        return Err(PyValueError::new_err("order and probs differ in length"));
    }
    let cfg = config(max_rejects, estimator, accepts)?;
    let mut prefix = Prefix::new(order.into_iter().zip(probs).collect(), draws);
    let mut rng = Rng::new(seed);
    let m = matcher.inner_mut();
    let (outcome, mask) = run(py, m, check, |o| {
        let mut mask = Vec::new();
        let r = awrs(&mut prefix, &mut Dyn(o), &mut rng, cfg, &mut mask)?;
        Ok((r, mask))
    })?;
    match outcome {
        Outcome::Done(d) => Ok(tuple(d)),
        Outcome::NeedsMask(p) => {
            let bytes: Vec<u8> = mask.iter().flat_map(|w| w.to_le_bytes()).collect();
            let (z, fresh): (f64, Option<u32>) = exact
                .call1((PyBytes::new(py, &bytes), p.token.is_none()))?
                .extract()?;
            p.finish(z, fresh, &mut rng)
                .map(tuple)
                .map_err(|e| failure_err(py, &e))
        }
    }
}
