//! PyO3 glue for corral-core: the `corral._core` extension module.
//!
//! Arguments are converted to owned Rust data while the GIL is held; the
//! heavy work then runs detached from the interpreter. Every error maps to a
//! Python exception class; no panic crosses into Python. All `unsafe` code
//! lives in [`buffers`].

use pyo3::prelude::*;

mod args;
mod buffers;
mod compiled;
mod draft;
mod errors;
mod grammar;
mod logits;
mod matcher;
mod sample;
mod schema_input;
mod vocab;

/// Compiling a grammar makes many small, short-lived allocations (regex
/// syntax trees, sparse DFA rows, interned state sets); mimalloc serves them
/// about a third faster than the system allocator. No Rust allocation is
/// handed to Python to free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<vocab::PyVocabulary>()?;
    m.add_class::<grammar::PyGrammar>()?;
    m.add_class::<matcher::PyByteMatcher>()?;
    m.add_class::<matcher::PyMatcher>()?;
    m.add_class::<compiled::PyCompiledGrammar>()?;
    m.add_class::<draft::PyDrafter>()?;
    m.add_function(wrap_pyfunction!(matcher::fill_masks, m)?)?;
    m.add_function(wrap_pyfunction!(logits::apply_mask_cpu, m)?)?;
    m.add_function(wrap_pyfunction!(sample::awrs_cpu, m)?)?;
    m.add_function(wrap_pyfunction!(sample::awrs_prefix, m)?)?;
    errors::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
