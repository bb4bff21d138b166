//! corral's Python exception classes, and the conversions of core errors
//! into them. The class follows the error's source and kind: a grammar's
//! errors are `GrammarError`s (with `.line`, `.column`, `.file`), a
//! schema's `SchemaError`s (with `.pointer`, `.keyword`), and a missing
//! feature or a budget is also a `NotSupportedError` or a `LimitError`
//! (with `.limit`), by a second base made at import. All are
//! `CorralError`s (a `ValueError`).

use corral_core::json_schema::SchemaError as CoreSchemaError;
use corral_core::{ErrorKind, Failure, GrammarError as CoreGrammarError, Matcher, VocabError};
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
    "A grammar could not be read or compiled; `.line`, `.column` and `.file` say where \
     (0, 0 and \"\" for an error with no place in the text)."
);
create_exception!(
    _core,
    SchemaError,
    CorralError,
    "A JSON Schema could not be read or compiled; `.pointer` (a JSON Pointer as a URI \
     fragment, `#/properties/a`) and `.keyword` say where."
);
create_exception!(
    _core,
    LimitError,
    CorralError,
    "A work or memory budget ran out; `.limit` names the option that raises it."
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

/// The classes with two bases, made once.
static TOKEN_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static GRAMMAR_NOT_SUPPORTED: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static GRAMMAR_LIMIT: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static SCHEMA_NOT_SUPPORTED: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static SCHEMA_LIMIT: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `TokenError(CorralError, IndexError)`, so that `except IndexError`
/// still catches bad ids.
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

/// The two classes a source's errors take besides its own: the name and
/// doc of its not-supported and its limit class, and where each is kept.
struct KindClasses {
    not_supported: (&'static str, &'static str, &'static PyOnceLock<Py<PyType>>),
    limit: (&'static str, &'static str, &'static PyOnceLock<Py<PyType>>),
}

const GRAMMAR_CLASSES: KindClasses = KindClasses {
    not_supported: (
        "GrammarNotSupportedError",
        "A grammar uses a feature corral does not support; .line, .column and .file say where.",
        &GRAMMAR_NOT_SUPPORTED,
    ),
    limit: (
        "GrammarLimitError",
        "A grammar's compile budget ran out (max_nesting, max_productions, max_dfa_bytes, \
         max_lexer_states); .limit names it, and .line, .column and .file say where.",
        &GRAMMAR_LIMIT,
    ),
};

const SCHEMA_CLASSES: KindClasses = KindClasses {
    not_supported: (
        "SchemaNotSupportedError",
        "A JSON Schema needs what corral cannot enforce exactly (lenient=True approximates \
         it instead); .keyword and .pointer say where.",
        &SCHEMA_NOT_SUPPORTED,
    ),
    limit: (
        "SchemaLimitError",
        "A JSON Schema compile budget ran out (max_depth, max_rules, max_overlaps, \
         max_unroll); .limit names it, .keyword and .pointer say where.",
        &SCHEMA_LIMIT,
    ),
};

/// The class of an error of `kind` from a source whose own class is
/// `base`: `base` itself, or the class with `base` and the kind's class as
/// bases.
fn kind_type<'py>(
    py: Python<'py>,
    kind: ErrorKind,
    base: Bound<'py, PyType>,
    classes: &KindClasses,
) -> PyResult<Bound<'py, PyType>> {
    let ((name, doc, cell), second) = match kind {
        ErrorKind::NotSupported => (classes.not_supported, py.get_type::<NotSupportedError>()),
        ErrorKind::Limit => (classes.limit, py.get_type::<LimitError>()),
        _ => return Ok(base),
    };
    let ty = cell.get_or_try_init(py, || two_based(py, name, (base, second), doc))?;
    Ok(ty.bind(py).clone())
}

/// The class of a grammar's error of `kind`.
fn grammar_type(py: Python<'_>, kind: ErrorKind) -> PyResult<Bound<'_, PyType>> {
    kind_type(py, kind, py.get_type::<GrammarError>(), &GRAMMAR_CLASSES)
}

/// The class of a schema's error of `kind`.
fn schema_type(py: Python<'_>, kind: ErrorKind) -> PyResult<Bound<'_, PyType>> {
    kind_type(py, kind, py.get_type::<SchemaError>(), &SCHEMA_CLASSES)
}

/// Adds every exception class to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("CorralError", py.get_type::<CorralError>())?;
    m.add("VocabularyError", py.get_type::<VocabularyError>())?;
    m.add("GrammarError", py.get_type::<GrammarError>())?;
    m.add("SchemaError", py.get_type::<SchemaError>())?;
    m.add("NotSupportedError", py.get_type::<NotSupportedError>())?;
    m.add("LimitError", py.get_type::<LimitError>())?;
    m.add("TokenError", token_error_type(py)?.bind(py))?;
    m.add(
        "GrammarNotSupportedError",
        grammar_type(py, ErrorKind::NotSupported)?,
    )?;
    m.add("GrammarLimitError", grammar_type(py, ErrorKind::Limit)?)?;
    m.add(
        "SchemaNotSupportedError",
        schema_type(py, ErrorKind::NotSupported)?,
    )?;
    m.add("SchemaLimitError", schema_type(py, ErrorKind::Limit)?)?;
    Ok(())
}

/// An error of class `ty` (or the class's own failure to be made) with
/// `msg`, its attributes set by `attrs`.
fn make<'py>(
    py: Python<'py>,
    ty: PyResult<Bound<'py, PyType>>,
    msg: String,
    attrs: impl FnOnce(&Bound<'py, PyAny>) -> PyResult<()>,
) -> PyErr {
    let ty = match ty {
        Ok(ty) => ty,
        Err(e) => return e,
    };
    let err = PyErr::from_type(ty, msg);
    match attrs(err.value(py).as_any()) {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// A `TokenError` with `msg`.
pub fn token_err(py: Python<'_>, msg: String) -> PyErr {
    let ty = token_error_type(py).map(|t| t.bind(py).clone());
    make(py, ty, msg, |_| Ok(()))
}

pub fn vocab_err(e: VocabError) -> PyErr {
    match e.kind() {
        ErrorKind::NotSupported => NotSupportedError::new_err(e.to_string()),
        _ => VocabularyError::new_err(e.to_string()),
    }
}

/// A grammar's error, with `.line`, `.column`, `.file`, `.message` and
/// `.limit` (the budget that ran out, or None).
pub fn grammar_err(py: Python<'_>, e: &CoreGrammarError) -> PyErr {
    let d = e.diagnostic();
    make(py, grammar_type(py, e.kind()), d.rendered.clone(), |v| {
        v.setattr("limit", e.limit())?;
        v.setattr("line", d.line)?;
        v.setattr("column", d.column)?;
        v.setattr("file", &d.file)?;
        v.setattr("message", &d.message)
    })
}

/// A `GrammarError` with no place in a grammar's text (a file that cannot
/// be read).
pub fn unplaced_grammar_err(py: Python<'_>, message: String) -> PyErr {
    grammar_err(py, &CoreGrammarError::unplaced(message))
}

/// A JSON Schema's error, with `.pointer`, `.keyword`, `.message` and `.limit`.
pub fn schema_err(py: Python<'_>, e: &CoreSchemaError) -> PyErr {
    schema_err_said(py, e, e.to_string())
}

/// [`schema_err`] with the message `said`.
fn schema_err_said(py: Python<'_>, e: &CoreSchemaError, said: String) -> PyErr {
    make(py, schema_type(py, e.kind), said, |v| {
        v.setattr("limit", e.limit)?;
        v.setattr("pointer", &e.pointer)?;
        v.setattr("keyword", &e.keyword)?;
        v.setattr("message", &e.message)
    })
}

/// A `SchemaError` about the schema document at `pointer` (`#/a/b`; `#`
/// for the whole document): not JSON, too deep, too large.
pub fn input_err(py: Python<'_>, pointer: String, message: String) -> PyErr {
    schema_err_said(
        py,
        &CoreSchemaError {
            pointer: if pointer.starts_with('#') {
                pointer
            } else {
                format!("#{pointer}")
            },
            keyword: String::new(),
            message: message.clone(),
            kind: ErrorKind::Syntax,
            limit: None,
        },
        message,
    )
}

/// A failure with no place: a budget is a `LimitError` (with `.limit`), a
/// missing feature a `NotSupportedError`, a value out of range a
/// `TokenError`; anything else a `CorralError`.
pub fn failure_err(py: Python<'_>, f: &Failure) -> PyErr {
    match f.kind {
        ErrorKind::Limit => make(
            py,
            Ok(py.get_type::<LimitError>()),
            f.message.clone(),
            |v| v.setattr("limit", f.limit),
        ),
        ErrorKind::NotSupported => NotSupportedError::new_err(f.message.clone()),
        ErrorKind::Argument => token_err(py, f.message.clone()),
        _ => CorralError::new_err(f.message.clone()),
    }
}

/// A matcher stopped by a budget (or a feature corral lacks) raises (it
/// stays in its error state, which `rollback` undoes); refusals are
/// answers.
pub fn limit_check(py: Python<'_>, m: &Matcher) -> PyResult<()> {
    match m.error() {
        Some(e) if e.error_kind() != ErrorKind::Match => Err(failure_err(py, &e.to_failure())),
        _ => Ok(()),
    }
}
