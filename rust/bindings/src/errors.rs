//! corral's Python exception classes, and the conversions of core errors
//! into them. One class per error family, all under `CorralError`
//! (a `ValueError`); two have two bases and are made at import.

use corral_core::json_schema::SchemaError;
use corral_core::{GrammarError as CoreGrammarError, MatchErrorKind, Matcher, VocabError};
use pyo3::create_exception;
use pyo3::exceptions::{PyIndexError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

create_exception!(
    _core,
    CorralError,
    PyValueError,
    "Base class of the errors corral raises."
);
create_exception!(
    _core,
    VocabularyError,
    CorralError,
    "A tokenizer or token list could not be turned into a vocabulary."
);
create_exception!(
    _core,
    GrammarError,
    CorralError,
    "A grammar could not be read or compiled; `.line`, `.column` and `.file` say where."
);
create_exception!(
    _core,
    LimitError,
    CorralError,
    "A work or memory budget ran out; the message names the budget and the option that raises it."
);
create_exception!(
    _core,
    NotSupportedError,
    CorralError,
    "The input uses a feature corral does not support; the message names it."
);

/// A class with two bases, made at import (`create_exception!` takes one).
fn two_based(
    py: Python<'_>,
    name: &str,
    bases: (Bound<'_, PyType>, Bound<'_, PyType>),
    doc: &str,
) -> PyResult<Py<PyType>> {
    let ns = PyDict::new(py);
    ns.set_item("__module__", "corral._core")?;
    ns.set_item("__doc__", doc)?;
    let ty = py
        .get_type::<PyType>()
        .call1((name, bases, ns))?
        .cast_into::<PyType>()?;
    Ok(ty.unbind())
}

/// `TokenError(CorralError, IndexError)`, so that `except IndexError`
/// still catches bad ids.
static TOKEN_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
/// `GrammarLimitError(GrammarError, LimitError)`: a compile budget of a
/// grammar ran out (`max_nesting`, `max_dfa_bytes`, `max_lexer_states`); `.limit` names it.
static GRAMMAR_LIMIT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
/// `SchemaLimitError(NotSupportedError, LimitError)`: a JSON Schema compile
/// budget ran out (`max_depth`, `max_rules`, `max_overlaps`, `max_unroll`).
static SCHEMA_LIMIT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn token_error_type(py: Python<'_>) -> PyResult<&Py<PyType>> {
    TOKEN_ERROR.get_or_try_init(py, || {
        two_based(
            py,
            "TokenError",
            (py.get_type::<CorralError>(), py.get_type::<PyIndexError>()),
            "A token id outside the vocabulary (negative, or not below vocab_size), or an id \
             with no token where one is needed. The matcher is left unchanged.",
        )
    })
}

fn grammar_limit_type(py: Python<'_>) -> PyResult<&Py<PyType>> {
    GRAMMAR_LIMIT_ERROR.get_or_try_init(py, || {
        two_based(
            py,
            "GrammarLimitError",
            (py.get_type::<GrammarError>(), py.get_type::<LimitError>()),
            "A grammar's compile budget ran out (max_nesting, max_dfa_bytes, \
             max_lexer_states); .limit names \
             it, and .line, .column and .file say where.",
        )
    })
}

fn schema_limit_type(py: Python<'_>) -> PyResult<&Py<PyType>> {
    SCHEMA_LIMIT_ERROR.get_or_try_init(py, || {
        two_based(
            py,
            "SchemaLimitError",
            (
                py.get_type::<NotSupportedError>(),
                py.get_type::<LimitError>(),
            ),
            "A JSON Schema compile budget ran out (max_depth, max_rules, max_overlaps, \
             max_unroll); .limit names it, .keyword and .pointer say where.",
        )
    })
}

/// Adds every exception class to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("TokenError", token_error_type(py)?.bind(py))?;
    m.add("GrammarLimitError", grammar_limit_type(py)?.bind(py))?;
    m.add("SchemaLimitError", schema_limit_type(py)?.bind(py))?;
    m.add("GrammarError", py.get_type::<GrammarError>())?;
    m.add("CorralError", py.get_type::<CorralError>())?;
    m.add("VocabularyError", py.get_type::<VocabularyError>())?;
    m.add("NotSupportedError", py.get_type::<NotSupportedError>())?;
    m.add("LimitError", py.get_type::<LimitError>())?;
    Ok(())
}

/// An error of class `ty` (made at import) with `msg`; the class's own
/// failure to be made, if it failed.
fn err_of(py: Python<'_>, ty: PyResult<&Py<PyType>>, msg: String) -> PyErr {
    match ty {
        Ok(ty) => PyErr::from_type(ty.bind(py).clone(), msg),
        Err(e) => e,
    }
}

/// A `TokenError` with `msg`.
pub fn token_err(py: Python<'_>, msg: String) -> PyErr {
    err_of(py, token_error_type(py), msg)
}

pub fn vocab_err(e: VocabError) -> PyErr {
    match e {
        VocabError::NotSupported(_) => NotSupportedError::new_err(e.to_string()),
        _ => VocabularyError::new_err(e.to_string()),
    }
}

/// A grammar's error, with `.line`, `.column`, `.file`, `.message` and
/// `.limit` (the budget that ran out, or None).
pub fn grammar_err(py: Python<'_>, e: &CoreGrammarError) -> PyErr {
    let d = e.diagnostic();
    let limit = e.budget();
    let err = if limit.is_some() {
        err_of(py, grammar_limit_type(py), d.rendered.clone())
    } else if e.is_not_supported() {
        NotSupportedError::new_err(d.rendered.clone())
    } else {
        GrammarError::new_err(d.rendered.clone())
    };
    let v = err.value(py);
    let _ = v.setattr("limit", limit);
    let _ = v.setattr("line", d.line);
    let _ = v.setattr("column", d.column);
    let _ = v.setattr("file", d.file.clone());
    let _ = v.setattr("message", d.message.clone());
    err
}

/// A JSON Schema's error, with `.pointer`, `.keyword`, `.message` and `.limit`.
pub fn schema_err(py: Python<'_>, e: &SchemaError) -> PyErr {
    let err = if e.limit.is_some() {
        err_of(py, schema_limit_type(py), e.to_string())
    } else if e.not_supported {
        NotSupportedError::new_err(e.to_string())
    } else {
        GrammarError::new_err(e.to_string())
    };
    let v = err.value(py);
    let _ = v.setattr("pointer", e.pointer.clone());
    let _ = v.setattr("keyword", e.keyword.clone());
    let _ = v.setattr("message", e.message.clone());
    let _ = v.setattr("limit", e.limit);
    err
}

/// A `GrammarError` about the schema document at `pointer`.
pub fn input_err(py: Python<'_>, pointer: String, message: String) -> PyErr {
    let err = GrammarError::new_err(message.clone());
    let v = err.value(py);
    let _ = v.setattr("pointer", pointer);
    let _ = v.setattr("keyword", "");
    let _ = v.setattr("message", message);
    err
}

/// A matcher stopped by a budget raises `LimitError` (it stays in its
/// error state, which `rollback` undoes); other refusals are answers.
pub fn limit_check(m: &Matcher) -> PyResult<()> {
    match m.error() {
        Some(e) if matches!(e.kind, MatchErrorKind::Limit(_)) => {
            Err(LimitError::new_err(e.to_string()))
        }
        _ => Ok(()),
    }
}

/// A mask fails only on a budget or on a feature corral lacks.
pub fn mask_err(e: String) -> PyErr {
    if e.contains("not supported") {
        NotSupportedError::new_err(e)
    } else {
        LimitError::new_err(e)
    }
}
