//! `apply_mask_cpu`: a token mask applied to CPU logits in place, by the
//! core's kernel ([`corral_core::logits`]).

use corral_core::logits::{neg_inf_fill, BF16, F16};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::buffers::{buffer, Elem, Role};

/// Sets logits of disallowed tokens to -inf in place (CPU tensors and numpy
/// arrays; other devices are handled by `corral.apply_mask` in Python).
/// `bitmask` has one row per row of logits, each of at most
/// ceil(width / 32) words; ids past the mask are disallowed. Both are
/// checked on every call, and the work runs with the GIL held, so that no
/// Python code can free or resize them meanwhile.
#[pyfunction]
pub fn apply_mask_cpu(logits: &Bound<'_, PyAny>, bitmask: &Bound<'_, PyAny>) -> PyResult<()> {
    let mut lg = buffer(logits, Role::Logits)?;
    let (rows, width) = (lg.rows, lg.cols);
    let mask = {
        let m = buffer(bitmask, Role::MaskIn)?;
        check_mask_fits(m.rows, m.cols, rows, width)?;
        // A copy: the mask may share memory with the logits.
        m.read_mask()
    };
    let words = mask.len() / rows.max(1);
    match lg.elem {
        Elem::F32 => neg_inf_fill::<f32>(lg.as_mut_slice()?, width, &mask, words),
        Elem::F16 => neg_inf_fill::<F16>(lg.as_mut_slice()?, width, &mask, words),
        Elem::BF16 => neg_inf_fill::<BF16>(lg.as_mut_slice()?, width, &mask, words),
        Elem::F64 => neg_inf_fill::<f64>(lg.as_mut_slice()?, width, &mask, words),
        Elem::I32 => return Err(PyTypeError::new_err("logits must be floats")),
    }
    Ok(())
}

/// Checks that a mask of `mrows` x `words` fits logits of `rows` x `width`:
/// a row for each row, and no more words than the width needs (fewer leave
/// the last ids, padded logits, disallowed).
fn check_mask_fits(mrows: usize, words: usize, rows: usize, width: usize) -> PyResult<()> {
    if mrows != rows {
        return Err(PyValueError::new_err(format!(
            "bitmask has {mrows} rows for {rows} rows of logits"
        )));
    }
    let need = width.div_ceil(32);
    if words > need {
        return Err(PyValueError::new_err(format!(
            "bitmask rows have {words} words, more than the {need} that {width} logits need"
        )));
    }
    if words == 0 && width > 0 {
        return Err(PyValueError::new_err("bitmask rows have no words"));
    }
    Ok(())
}
