//! PyO3 glue for corral-core: the `corral._core` extension module.
//!
//! Arguments are converted to owned Rust data while the GIL is held; the
//! heavy work then runs detached from the interpreter. Every error maps to a
//! Python exception class; no panic crosses into Python.

use std::path::PathBuf;
use std::sync::Arc;

use corral_core::json_schema::{
    compile as compile_schema, Approximation, Draft, Options as SchemaOptions, PropertyOrder,
    SchemaError, Whitespace, DEFAULT_MAX_WHITESPACE,
};
use corral_core::lark::{parse_lark, LarkOptions, DEFAULT_MAX_NESTING};
use corral_core::sample::{Rng, Sampler};
use corral_core::token::fill_masks as core_fill_masks;
use corral_core::{
    CompiledGrammar, Config, GrammarError as CoreGrammarError, HfOptions, MaskConfig,
    MatchErrorKind, Matcher, TokenGrammar, TokenKind, TokenMatcher, TokenSpec, TokenizerKind,
    VocabError, Vocabulary,
};
use pyo3::create_exception;
use pyo3::exceptions::{PyIndexError, PyOverflowError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyList, PyType};

mod buffers;
mod schema_input;

use buffers::{buffer, Buf, Elem, Role};
use schema_input::{text_too_deep, InputError, MAX_SCHEMA_DEPTH, MAX_SCHEMA_VALUES};

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

/// The most `max_nesting` a Lark compile may be given: at about 2 KiB of
/// stack per level, well inside the compile thread's stack.
const MAX_MAX_NESTING: usize = 20_000;

/// A class with two bases, made at import (`create_exception!` takes one).
fn two_based(
    py: Python<'_>,
    name: &str,
    bases: (Bound<'_, PyType>, Bound<'_, PyType>),
    doc: &str,
) -> PyResult<Py<PyType>> {
    let ns = pyo3::types::PyDict::new(py);
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

fn token_err(py: Python<'_>, msg: String) -> PyErr {
    err_of(py, token_error_type(py), msg)
}

/// `GrammarLimitError(GrammarError, LimitError)`: a compile budget of a
/// grammar ran out (`max_nesting`, `max_dfa_bytes`, `max_lexer_states`); `.limit` names it.
static GRAMMAR_LIMIT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
/// `SchemaLimitError(NotSupportedError, LimitError)`: a JSON Schema compile
/// budget ran out (`max_depth`, `max_rules`, `max_overlaps`, `max_unroll`).
static SCHEMA_LIMIT_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

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

/// An error of class `ty` (made at import) with `msg`; the class's own
/// failure to be made, if it failed.
fn err_of(py: Python<'_>, ty: PyResult<&Py<PyType>>, msg: String) -> PyErr {
    match ty {
        Ok(ty) => PyErr::from_type(ty.bind(py).clone(), msg),
        Err(e) => e,
    }
}

/// A Python int (or anything with `__index__`) as an i64; `None` when it
/// does not fit. Token ids and indices take it, so that a huge int is
/// reported like any other bad value, never as `OverflowError`.
#[derive(Clone, Copy, Debug)]
struct Int(Option<i64>);

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
    fn below(self, n: usize) -> Option<usize> {
        self.0
            .and_then(|v| usize::try_from(v).ok())
            .filter(|&v| v < n)
    }

    fn describe(self) -> String {
        match self.0 {
            Some(v) => v.to_string(),
            None => "(an integer beyond 64 bits)".to_owned(),
        }
    }
}

/// Checks a token id against a vocabulary of `vocab_size` ids.
fn token_id(py: Python<'_>, t: Int, vocab_size: usize) -> PyResult<u32> {
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

fn vocab_err(e: VocabError) -> PyErr {
    match e {
        VocabError::NotSupported(_) => NotSupportedError::new_err(e.to_string()),
        _ => VocabularyError::new_err(e.to_string()),
    }
}

/// A model's vocabulary: every token id mapped to the exact bytes it stands
/// for, special tokens kept apart, the mask width following the logits width.
#[pyclass(name = "Vocabulary", module = "corral._core", frozen)]
pub struct PyVocabulary {
    inner: Arc<Vocabulary>,
    encoder: Arc<Encoder>,
}

/// Where the tokenizer's own encoder comes from (for `forced_tokens`).
enum EncoderSource {
    None,
    /// A `tokenizers.Tokenizer`.
    Tokenizer(Py<PyAny>),
    /// A `tokenizer.json` file or a folder holding one, loaded on first use.
    File(PathBuf),
    /// The text of a `tokenizer.json`, loaded on first use.
    Json(Arc<str>),
    /// A callable `encode(bytes) -> list[int]`.
    Callable(Py<PyAny>),
}

/// The tokenizer's encoder, to tokenize forced text the way the model saw
/// its training data.
struct Encoder {
    source: EncoderSource,
    tokenizer: PyOnceLock<Py<PyAny>>,
}

impl Encoder {
    fn new(source: EncoderSource) -> Arc<Encoder> {
        Arc::new(Encoder {
            source,
            tokenizer: PyOnceLock::new(),
        })
    }

    fn tokenizer<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let load = |f: &str, arg: Bound<'py, PyAny>| -> PyResult<Bound<'py, PyAny>> {
            let m = py.import("tokenizers").map_err(|_| {
                NotSupportedError::new_err(
                    "not supported: forced_tokens needs the `tokenizers` package",
                )
            })?;
            m.getattr("Tokenizer")?.call_method1(f, (arg,))
        };
        let t = match &self.source {
            EncoderSource::None | EncoderSource::Callable(_) => return Ok(None),
            EncoderSource::Tokenizer(t) => return Ok(Some(t.bind(py).clone())),
            EncoderSource::File(p) => self.tokenizer.get_or_try_init(py, || {
                let file = if p.is_dir() {
                    p.join("tokenizer.json")
                } else {
                    p.clone()
                };
                let file = file.to_string_lossy().into_owned();
                load("from_file", file.into_pyobject(py)?.into_any()).map(Bound::unbind)
            })?,
            EncoderSource::Json(j) => self.tokenizer.get_or_try_init(py, || {
                load("from_str", j.as_ref().into_pyobject(py)?.into_any()).map(Bound::unbind)
            })?,
        };
        Ok(Some(t.bind(py).clone()))
    }

    /// Token ids whose bytes are exactly `text` (valid UTF-8), as the
    /// tokenizer splits it in the middle of a text; None if the tokenizer
    /// cannot reproduce the bytes.
    fn encode_exact(
        &self,
        py: Python<'_>,
        vocab: &Vocabulary,
        text: &[u8],
    ) -> PyResult<Option<Vec<u32>>> {
        let exact = |ids: &[u32]| -> Option<usize> {
            // The k from which ids[k..] spell `text`.
            let mut len = 0;
            for k in (0..ids.len()).rev() {
                len += vocab.bytes_or_empty(ids[k]).len();
                if len == text.len() {
                    let joined: Vec<u8> = ids[k..]
                        .iter()
                        .flat_map(|&t| vocab.bytes_or_empty(t).to_vec())
                        .collect();
                    return (joined == text).then_some(k);
                }
                if len > text.len() {
                    return None;
                }
            }
            None
        };
        if let EncoderSource::Callable(f) = &self.source {
            let ids: Vec<u32> = f.bind(py).call1((PyBytes::new(py, text),))?.extract()?;
            return Ok((exact(&ids) == Some(0)).then_some(ids));
        }
        let Some(tok) = self.tokenizer(py)? else {
            return Err(NotSupportedError::new_err(
                "not supported: forced_tokens needs the tokenizer's encoder; build the \
                 Vocabulary with from_hf, from_file or from_tokenizer_json, or pass encode= to \
                 from_bytes",
            ));
        };
        let s = std::str::from_utf8(text).map_err(|e| PyValueError::new_err(e.to_string()))?;
        // Tokenizers that mark the start of a text (a dummy prefix space)
        // get a context before it, whose tokens are then dropped.
        for context in ["", "\n", "a", " "] {
            let kw = pyo3::types::PyDict::new(py);
            kw.set_item("add_special_tokens", false)?;
            let enc = tok.call_method("encode", (format!("{context}{s}"),), Some(&kw))?;
            let ids: Vec<u32> = enc.getattr("ids")?.extract()?;
            if let Some(k) = exact(&ids) {
                return Ok(Some(ids[k..].to_vec()));
            }
        }
        Ok(None)
    }
}

/// Ids given to a vocabulary constructor as u32; a negative or huge one is
/// a `VocabularyError` naming `what`.
fn vocab_ids(ids: &[Int], what: &str) -> PyResult<Vec<u32>> {
    ids.iter()
        .map(|&t| {
            t.0.and_then(|v| u32::try_from(v).ok()).ok_or_else(|| {
                VocabularyError::new_err(format!("{what} {} is not a token id", t.describe()))
            })
        })
        .collect()
}

fn hf_options(eos_token_ids: Option<Vec<Int>>, vocab_size: Option<usize>) -> PyResult<HfOptions> {
    Ok(HfOptions {
        eos_token_ids: eos_token_ids
            .map(|ids| vocab_ids(&ids, "EOS id"))
            .transpose()?,
        vocab_size,
        ..HfOptions::default()
    })
}

/// Reads `obj` as a path if it is a `str` or an `os.PathLike`.
fn as_path(obj: &Bound<'_, PyAny>) -> Option<PathBuf> {
    obj.extract::<PathBuf>().ok()
}

impl PyVocabulary {
    /// The id if it lies inside the vocabulary.
    fn id(&self, t: Int) -> Option<u32> {
        t.below(self.inner.vocab_size())
            .and_then(|v| u32::try_from(v).ok())
    }
}

#[pymethods]
impl PyVocabulary {
    /// Builds a vocabulary from a Hugging Face tokenizer.
    ///
    /// `tokenizer` is a `transformers` fast tokenizer, a `tokenizers.Tokenizer`,
    /// or a path to a tokenizer folder or `tokenizer.json` file.
    #[staticmethod]
    #[pyo3(signature = (tokenizer, *, eos_token_ids=None, vocab_size=None))]
    fn from_hf(
        py: Python<'_>,
        tokenizer: &Bound<'_, PyAny>,
        eos_token_ids: Option<Vec<Int>>,
        vocab_size: Option<usize>,
    ) -> PyResult<Self> {
        if let Some(path) = as_path(tokenizer) {
            return Self::from_file(py, path, eos_token_ids, vocab_size);
        }
        let backend = if tokenizer.hasattr("backend_tokenizer")? {
            tokenizer.getattr("backend_tokenizer")?
        } else if tokenizer.hasattr("to_str")? {
            tokenizer.clone()
        } else {
            let ty = tokenizer.get_type().name()?;
            return Err(NotSupportedError::new_err(format!(
                "not supported: tokenizer type {ty} (pass a fast tokenizer, a tokenizers.Tokenizer, \
                 or the path of a tokenizer.json)"
            )));
        };
        let json: String = backend.call_method0("to_str")?.extract()?;
        let encoder = Encoder::new(EncoderSource::Tokenizer(backend.clone().unbind()));
        let mut opts = hf_options(eos_token_ids, vocab_size)?;
        if opts.eos_token_ids.is_none() && tokenizer.hasattr("eos_token_id")? {
            if let Ok(Some(id)) = tokenizer.getattr("eos_token_id")?.extract::<Option<u32>>() {
                opts.eos_token_ids = Some(vec![id]);
            }
        }
        let v = py
            .detach(|| Vocabulary::from_tokenizer_json(&json, &opts))
            .map_err(vocab_err)?;
        Ok(PyVocabulary {
            inner: Arc::new(v),
            encoder,
        })
    }

    /// Loads a tokenizer folder or `tokenizer.json`; the EOS token and the
    /// logits width are read from the configs beside it unless given.
    #[staticmethod]
    #[pyo3(signature = (path, *, eos_token_ids=None, vocab_size=None))]
    fn from_file(
        py: Python<'_>,
        path: PathBuf,
        eos_token_ids: Option<Vec<Int>>,
        vocab_size: Option<usize>,
    ) -> PyResult<Self> {
        let opts = hf_options(eos_token_ids, vocab_size)?;
        let v = py
            .detach(|| Vocabulary::from_hf_path(&path, &opts))
            .map_err(vocab_err)?;
        Ok(PyVocabulary {
            inner: Arc::new(v),
            encoder: Encoder::new(EncoderSource::File(path)),
        })
    }

    /// Builds a vocabulary from the text of a `tokenizer.json`.
    #[staticmethod]
    #[pyo3(signature = (json, *, eos_token_ids=None, vocab_size=None))]
    fn from_tokenizer_json(
        py: Python<'_>,
        json: String,
        eos_token_ids: Option<Vec<Int>>,
        vocab_size: Option<usize>,
    ) -> PyResult<Self> {
        let opts = hf_options(eos_token_ids, vocab_size)?;
        let v = py
            .detach(|| Vocabulary::from_tokenizer_json(&json, &opts))
            .map_err(vocab_err)?;
        Ok(PyVocabulary {
            inner: Arc::new(v),
            encoder: Encoder::new(EncoderSource::Json(json.into())),
        })
    }

    /// Builds a vocabulary from raw token bytes: `tokens[i]` is the bytes of
    /// token `i`, or `None` where the id has no token. `encode(bytes) ->
    /// list[int]`, the tokenizer's own encoder, is used by `forced_tokens`.
    #[staticmethod]
    #[pyo3(signature = (tokens, *, eos_token_id, special_token_ids=Vec::new(), vocab_size=None, encode=None))]
    fn from_bytes(
        py: Python<'_>,
        tokens: Vec<Option<Vec<u8>>>,
        eos_token_id: &Bound<'_, PyAny>,
        special_token_ids: Vec<Int>,
        vocab_size: Option<usize>,
        encode: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        let eos: Vec<Int> = match eos_token_id.extract::<Int>() {
            Ok(id) => vec![id],
            Err(_) => eos_token_id.extract::<Vec<Int>>().map_err(|_| {
                VocabularyError::new_err("eos_token_id must be a token id or a list of ids")
            })?,
        };
        let eos = vocab_ids(&eos, "EOS id")?;
        let special_token_ids = vocab_ids(&special_token_ids, "special token id")?;
        let mut specs: Vec<TokenSpec> = tokens
            .into_iter()
            .map(|t| match t {
                None => TokenSpec::Missing,
                Some(b) => TokenSpec::Normal(b),
            })
            .collect();
        for &id in &special_token_ids {
            let spec = specs.get_mut(id as usize).ok_or_else(|| {
                VocabularyError::new_err(format!("special token id {id} is outside the token list"))
            })?;
            *spec = match std::mem::replace(spec, TokenSpec::Missing) {
                TokenSpec::Normal(b) => {
                    TokenSpec::Special(String::from_utf8_lossy(&b).into_owned())
                }
                TokenSpec::Missing => TokenSpec::Special(format!("<special_{id}>")),
                s @ TokenSpec::Special(_) => s,
            };
        }
        let v = py
            .detach(|| Vocabulary::new(specs, &eos, vocab_size, TokenizerKind::Raw))
            .map_err(vocab_err)?;
        let source = encode.map_or(EncoderSource::None, EncoderSource::Callable);
        Ok(PyVocabulary {
            inner: Arc::new(v),
            encoder: Encoder::new(source),
        })
    }

    /// Width of the model's logits and of token masks (padded ids included).
    #[getter]
    fn vocab_size(&self) -> usize {
        self.inner.vocab_size()
    }

    /// Number of int32 words in one mask row: `ceil(vocab_size / 32)`.
    #[getter]
    fn mask_words(&self) -> usize {
        self.inner.mask_words()
    }

    /// Number of ids that have a token, normal or special.
    #[getter]
    fn n_tokens(&self) -> usize {
        self.inner.n_tokens()
    }

    /// The end-of-sequence token ids.
    #[getter]
    fn eos_token_ids(&self) -> Vec<u32> {
        self.inner.eos_token_ids().to_vec()
    }

    /// The first EOS token id.
    #[getter]
    fn eos_token_id(&self) -> u32 {
        self.inner.eos_token_ids()[0]
    }

    /// All special token ids (EOS included), ascending.
    #[getter]
    fn special_token_ids(&self) -> Vec<u32> {
        self.inner.special_token_ids().to_vec()
    }

    /// How the tokenizer writes its pieces: "byte-level", "sentencepiece" or "raw".
    #[getter]
    fn tokenizer_kind(&self) -> &'static str {
        self.inner.tokenizer_kind().name()
    }

    fn __len__(&self) -> usize {
        self.inner.vocab_size()
    }

    fn __repr__(&self) -> String {
        format!(
            "Vocabulary(vocab_size={}, n_tokens={}, kind={}, eos_token_ids={:?})",
            self.inner.vocab_size(),
            self.inner.n_tokens(),
            self.inner.tokenizer_kind().name(),
            self.inner.eos_token_ids()
        )
    }

    /// "normal", "special" or "missing" (also for ids outside the vocabulary).
    fn token_kind(&self, token_id: Int) -> &'static str {
        match self.id(token_id).map(|id| self.inner.kind(id)) {
            Some(TokenKind::Normal) => "normal",
            Some(TokenKind::Special) => "special",
            _ => "missing",
        }
    }

    /// The bytes of an ordinary token; `None` for special and missing ids
    /// (and ids outside the vocabulary).
    fn token_bytes<'py>(&self, py: Python<'py>, token_id: Int) -> Option<Bound<'py, PyBytes>> {
        let id = self.id(token_id)?;
        self.inner.token_bytes(id).map(|b| PyBytes::new(py, b))
    }

    /// The name of a special token (e.g. "<|eot_id|>"); `None` otherwise.
    fn special_token_name(&self, token_id: Int) -> Option<String> {
        let id = self.id(token_id)?;
        self.inner.special_name(id).map(str::to_owned)
    }

    /// One entry per id below `vocab_size`: the token's bytes, or `None` for
    /// special and missing ids.
    fn all_token_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let v = &self.inner;
        let items =
            (0..v.vocab_size() as u32).map(|id| v.token_bytes(id).map(|b| PyBytes::new(py, b)));
        PyList::new(py, items)
    }

    /// The bytes a token sequence stands for; special tokens are skipped
    /// unless `with_special`, which writes their names.
    #[pyo3(signature = (token_ids, *, with_special=false))]
    fn decode_bytes<'py>(
        &self,
        py: Python<'py>,
        token_ids: Vec<Int>,
        with_special: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let n = self.inner.vocab_size();
        let ids: Vec<u32> = token_ids
            .iter()
            .map(|&t| token_id(py, t, n))
            .collect::<PyResult<_>>()?;
        let out = self
            .inner
            .decode(&ids, with_special)
            .map_err(|e| token_err(py, e.to_string()))?;
        Ok(PyBytes::new(py, &out))
    }

    /// Number of nodes of the token trie (built on first use).
    #[getter]
    fn trie_node_count(&self, py: Python<'_>) -> usize {
        let v = &self.inner;
        py.detach(|| v.trie().node_count())
    }

    /// Ordinary tokens whose bytes start with `prefix` (a token-trie lookup).
    fn tokens_with_prefix(&self, py: Python<'_>, prefix: Vec<u8>) -> Vec<u32> {
        let v = &self.inner;
        py.detach(|| v.trie().tokens_with_prefix(&prefix))
    }

    /// Ordinary tokens whose bytes are a prefix of `data`, shortest first.
    fn tokens_prefixing(&self, py: Python<'_>, data: Vec<u8>) -> Vec<u32> {
        let v = &self.inner;
        py.detach(|| v.trie().prefixes_of(&data))
    }

    /// Length in bytes of the longest ordinary token.
    #[getter]
    fn max_token_len(&self) -> usize {
        self.inner.max_token_len()
    }
}

fn grammar_err(py: Python<'_>, e: &CoreGrammarError) -> PyErr {
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

/// A grammar compiled for matching: immutable, shared by its matchers.
#[pyclass(name = "Grammar", module = "corral._core", frozen)]
pub struct PyGrammar {
    inner: Arc<CompiledGrammar>,
    fingerprint: String,
    /// What a lenient JSON Schema compile approximated.
    approximations: Vec<Approximation>,
}

impl PyGrammar {
    /// The grammar a constructor compiled, or its error as a Python one.
    fn built(
        py: Python<'_>,
        r: Result<Arc<CompiledGrammar>, CoreGrammarError>,
        fingerprint: String,
        approximations: Vec<Approximation>,
    ) -> PyResult<Self> {
        match r {
            Ok(inner) => Ok(PyGrammar {
                inner,
                fingerprint,
                approximations,
            }),
            Err(e) => Err(grammar_err(py, &e)),
        }
    }
}

fn schema_err(py: Python<'_>, e: &SchemaError) -> PyErr {
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

/// A schema as given: JSON text, or the JSON a Python object stands for.
/// Either is checked to nest at most [`MAX_SCHEMA_DEPTH`] levels, without
/// recursion, before anything recursive reads it.
enum SchemaInput {
    Text(String),
    Value(serde_json::Value),
}

fn schema_input(py: Python<'_>, schema: &Bound<'_, PyAny>) -> PyResult<SchemaInput> {
    let too_deep = |pointer: String| {
        let shown = if pointer.len() > 120 {
            let cut = (0..=60)
                .rev()
                .find(|&i| pointer.is_char_boundary(i))
                .unwrap_or(0);
            let tail = (pointer.len() - 40..pointer.len())
                .find(|&i| pointer.is_char_boundary(i))
                .unwrap_or(pointer.len());
            format!("{}…{}", &pointer[..cut], &pointer[tail..])
        } else {
            pointer.clone()
        };
        input_err(
            py,
            pointer,
            format!(
                "the schema nests arrays and objects more than {MAX_SCHEMA_DEPTH} levels deep, \
                 corral's depth limit (at {shown:?})"
            ),
        )
    };
    if let Ok(s) = schema.cast::<pyo3::types::PyString>() {
        let text = s.to_str()?.to_owned();
        if let Some(p) = text_too_deep(&text, MAX_SCHEMA_DEPTH) {
            return Err(too_deep(p));
        }
        return Ok(SchemaInput::Text(text));
    }
    match schema_input::from_python(schema, MAX_SCHEMA_DEPTH) {
        Ok(v) => Ok(SchemaInput::Value(v)),
        Err(InputError::TooDeep(p)) => Err(too_deep(p)),
        Err(InputError::NotJson(p, what)) => {
            let msg = format!("the schema holds {what} at {p:?}");
            Err(input_err(py, p, msg))
        }
        Err(InputError::TooLarge) => Err(input_err(
            py,
            String::new(),
            format!(
                "the schema holds more than {MAX_SCHEMA_VALUES} values (shared sub-dicts count \
                 each time they appear)"
            ),
        )),
        Err(InputError::Py(e)) => Err(e),
    }
}

/// A `GrammarError` about the schema document at `pointer`.
fn input_err(py: Python<'_>, pointer: String, message: String) -> PyErr {
    let err = GrammarError::new_err(message.clone());
    let v = err.value(py);
    let _ = v.setattr("pointer", pointer);
    let _ = v.setattr("keyword", "");
    let _ = v.setattr("message", message);
    err
}

/// Runs `f` on a thread with a large stack (256 MiB reserved, touched only
/// as deep as it goes): the recursive schema parser and compiler (their
/// depth bounded by `MAX_SCHEMA_DEPTH`) and the Lark compile (by
/// `max_nesting`, at most [`MAX_MAX_NESTING`]).
fn on_big_stack<R: Send>(f: impl FnOnce() -> R + Send) -> Result<R, String> {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("corral-compile".into())
            .stack_size(1 << 28)
            .spawn_scoped(s, f)
            .map_err(|e| format!("cannot start the schema thread: {e}"))?
            .join()
            .map_err(|_| "internal error: the schema reader panicked".to_owned())
    })
}

/// A hash of what a grammar was made from and its limits (compile caches
/// key on it).
fn fingerprint(source: impl std::hash::Hash, cfg: &Config) -> String {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    source.hash(&mut h);
    std::hash::Hash::hash(
        &(
            cfg.lexer.max_states,
            cfg.earley.max_items_per_row,
            cfg.earley.max_chart_bytes,
            cfg.lexer.dfa_size_limit,
        ),
        &mut h,
    );
    format!("{:016x}", h.finish())
}

fn config(
    max_lexer_states: Option<usize>,
    max_items_per_row: Option<usize>,
    max_dfa_bytes: Option<usize>,
    max_chart_bytes: Option<usize>,
) -> Config {
    let mut c = Config::default();
    if let Some(n) = max_lexer_states {
        c.lexer.max_states = n;
    }
    if let Some(n) = max_dfa_bytes {
        c.lexer.dfa_size_limit = n;
    }
    if let Some(n) = max_items_per_row {
        c.earley.max_items_per_row = n;
    }
    if let Some(n) = max_chart_bytes {
        c.earley.max_chart_bytes = n;
    }
    c
}

#[pymethods]
impl PyGrammar {
    /// Compiles Lark grammar text. `path` names the text in messages and
    /// anchors relative `%import`s.
    #[staticmethod]
    #[allow(clippy::too_many_arguments)] // keyword arguments of the Python API
    #[pyo3(signature = (text, *, start="start".to_owned(), path=None, import_paths=Vec::new(), max_lexer_states=None, max_items_per_row=None, max_dfa_bytes=None, max_chart_bytes=None, max_nesting=None))]
    fn from_lark(
        py: Python<'_>,
        text: String,
        start: String,
        path: Option<PathBuf>,
        import_paths: Vec<PathBuf>,
        max_lexer_states: Option<usize>,
        max_items_per_row: Option<usize>,
        max_dfa_bytes: Option<usize>,
        max_chart_bytes: Option<usize>,
        max_nesting: Option<usize>,
    ) -> PyResult<Self> {
        let name = path.map_or_else(|| "<string>".to_owned(), |p| p.display().to_string());
        let max_nesting = max_nesting.unwrap_or(DEFAULT_MAX_NESTING);
        if max_nesting > MAX_MAX_NESTING {
            return Err(PyValueError::new_err(format!(
                "max_nesting must be at most {MAX_MAX_NESTING}"
            )));
        }
        let opts = LarkOptions {
            start,
            import_paths,
            max_nesting,
            ..LarkOptions::default()
        };
        let mut cfg = config(
            max_lexer_states,
            max_items_per_row,
            max_dfa_bytes,
            max_chart_bytes,
        );
        cfg.lexer.max_nesting = max_nesting;
        let fingerprint = fingerprint(
            (&text, &opts.start, &name, &opts.import_paths, max_nesting),
            &cfg,
        );
        // Parsing and lowering are iterative, the terminal checks recurse
        // at most max_nesting deep: a thread of known stack runs them.
        let r = py
            .detach(|| {
                on_big_stack(|| {
                    parse_lark(&text, &name, &opts).and_then(|g| CompiledGrammar::new(g, cfg))
                })
            })
            .map_err(PyRuntimeError::new_err)?;
        PyGrammar::built(py, r, fingerprint, Vec::new())
    }

    /// The language of one regular expression (Python `re` syntax; `flags`
    /// as in Lark's `/.../flags`: `i`, `m`, `s`, `x`, `u`), matched in full
    /// (as `re.fullmatch`).
    #[staticmethod]
    #[pyo3(signature = (pattern, *, flags="".to_owned(), max_lexer_states=None, max_dfa_bytes=None, max_chart_bytes=None))]
    fn from_regex(
        py: Python<'_>,
        pattern: String,
        flags: String,
        max_lexer_states: Option<usize>,
        max_dfa_bytes: Option<usize>,
        max_chart_bytes: Option<usize>,
    ) -> PyResult<Self> {
        if let Some(f) = flags.chars().find(|c| !"imsxu".contains(*c)) {
            return Err(PyValueError::new_err(format!(
                "unknown regex flag {f:?} (flags: i, m, s, x, u)"
            )));
        }
        let cfg = config(max_lexer_states, None, max_dfa_bytes, max_chart_bytes);
        let fingerprint = fingerprint(("regex", &pattern, &flags), &cfg);
        let r = py.detach(|| {
            CompiledGrammar::new(corral_core::Grammar::from_regex(&pattern, &flags), cfg)
        });
        PyGrammar::built(py, r, fingerprint, Vec::new())
    }

    /// Compiles a JSON Schema (a dict, or JSON text). Strict unless
    /// `lenient`: a keyword corral cannot enforce exactly is an error naming
    /// the keyword and its JSON Pointer; lenient compiles record what they
    /// approximated in `approximations`.
    #[staticmethod]
    #[allow(clippy::too_many_arguments)] // keyword arguments of the Python API
    #[pyo3(signature = (schema, *, whitespace="flexible".to_owned(), max_whitespace=None, property_order="schema".to_owned(), separators=None, additional_properties=true, ascii_escapes=false, lenient=false, draft=None, max_unroll=None, max_depth=None, max_rules=None, max_overlaps=None, max_lexer_states=None, max_items_per_row=None, max_dfa_bytes=None, max_chart_bytes=None))]
    fn from_json_schema(
        py: Python<'_>,
        schema: &Bound<'_, PyAny>,
        whitespace: String,
        max_whitespace: Option<u32>,
        property_order: String,
        separators: Option<(String, String)>,
        additional_properties: bool,
        ascii_escapes: bool,
        lenient: bool,
        draft: Option<String>,
        max_unroll: Option<u32>,
        max_depth: Option<u32>,
        max_rules: Option<usize>,
        max_overlaps: Option<usize>,
        max_lexer_states: Option<usize>,
        max_items_per_row: Option<usize>,
        max_dfa_bytes: Option<usize>,
        max_chart_bytes: Option<usize>,
    ) -> PyResult<Self> {
        let input = schema_input(py, schema)?;
        let ws = match whitespace.as_str() {
            "compact" => {
                if max_whitespace.is_some() {
                    return Err(PyValueError::new_err(
                        "max_whitespace applies to whitespace=\"flexible\"",
                    ));
                }
                Whitespace::Compact
            }
            "flexible" => Whitespace::Flexible {
                max_run: max_whitespace.unwrap_or(DEFAULT_MAX_WHITESPACE),
            },
            w => {
                return Err(PyValueError::new_err(format!(
                    "whitespace must be \"compact\" or \"flexible\", not {w:?}"
                )))
            }
        };
        let mut opts = SchemaOptions {
            whitespace: ws,
            ..SchemaOptions::default()
        };
        opts.property_order = match property_order.as_str() {
            "schema" => PropertyOrder::Schema,
            "any" => PropertyOrder::Any,
            o => {
                return Err(PyValueError::new_err(format!(
                    "property_order must be \"schema\" or \"any\", not {o:?}"
                )))
            }
        };
        if let Some((item, key)) = separators {
            opts.item_separator = item;
            opts.key_separator = key;
        }
        opts.additional_properties = additional_properties;
        opts.ascii_escapes = ascii_escapes;
        opts.lenient = lenient;
        if let Some(d) = draft {
            opts.draft = Some(Draft::parse(&d).ok_or_else(|| {
                PyValueError::new_err(format!("unknown draft {d:?} (4, 6, 7, 2019-09, 2020-12)"))
            })?);
        }
        if let Some(n) = max_unroll {
            opts.max_unroll = n;
        }
        if let Some(n) = max_depth {
            opts.max_depth = n;
        }
        if let Some(n) = max_rules {
            opts.max_rules = n;
        }
        if let Some(n) = max_overlaps {
            opts.max_overlaps = n;
        }
        let cfg = config(
            max_lexer_states,
            max_items_per_row,
            max_dfa_bytes,
            max_chart_bytes,
        );
        let opts_ref = &opts;
        let read = py.detach(move || {
            on_big_stack(move || {
                let (text, value) = match input {
                    SchemaInput::Text(text) => {
                        let mut de = serde_json::Deserializer::from_str(&text);
                        // The depth was bounded above.
                        de.disable_recursion_limit();
                        let v: serde_json::Value = match serde::Deserialize::deserialize(&mut de)
                            .and_then(|v| de.end().map(|()| v))
                        {
                            Ok(v) => v,
                            Err(e) => return Err(format!("the schema is not valid JSON: {e}")),
                        };
                        (text, v)
                    }
                    SchemaInput::Value(v) => (serde_json::to_string(&v).unwrap_or_default(), v),
                };
                let compiled = compile_schema(&value, opts_ref);
                schema_input::drop_flat(value);
                Ok((text, compiled))
            })
        });
        let (text, compiled) = read.and_then(|r| r).map_err(GrammarError::new_err)?;
        let fingerprint = fingerprint(("json_schema", &text, format!("{opts:?}")), &cfg);
        let compiled = compiled.map_err(|e| schema_err(py, &e))?;
        let approximations = compiled.approximations;
        let r = py.detach(|| CompiledGrammar::new(compiled.grammar, cfg));
        PyGrammar::built(py, r, fingerprint, approximations)
    }

    /// The JSON Schema of a Pydantic model (or any type Pydantic's
    /// `TypeAdapter` takes), compiled as by `from_json_schema`. Unlike the
    /// spec's default, properties the model does not declare are left out
    /// (`additional_properties=False`) unless the keyword says otherwise.
    #[staticmethod]
    #[pyo3(signature = (model, **options))]
    fn from_pydantic<'py>(
        py: Python<'py>,
        model: &Bound<'py, PyAny>,
        options: Option<&Bound<'py, pyo3::types::PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let schema = if model.hasattr("model_json_schema")? {
            model.call_method0("model_json_schema")
        } else {
            py.import("pydantic")?
                .getattr("TypeAdapter")?
                .call1((model,))
                .and_then(|a| a.call_method0("json_schema"))
        };
        let schema = schema.map_err(|e| {
            if !e.is_instance_of::<pyo3::exceptions::PyRecursionError>(py) {
                return e;
            }
            // Pydantic recursed once per level of the model's nesting.
            let err = GrammarError::new_err(format!(
                "the model nests too deeply for Pydantic to write its JSON Schema ({e}); \
                 corral's limit is {MAX_SCHEMA_DEPTH} levels of arrays and objects"
            ));
            err.set_cause(py, Some(e));
            err
        })?;
        let kwargs = match options {
            Some(d) => d.copy()?,
            None => pyo3::types::PyDict::new(py),
        };
        if !kwargs.contains("additional_properties")? {
            kwargs.set_item("additional_properties", false)?;
        }
        py.get_type::<PyGrammar>()
            .call_method("from_json_schema", (schema,), Some(&kwargs))
    }

    /// What a lenient JSON Schema compile approximated: dicts with
    /// `pointer`, `keyword` and `message` (empty for exact grammars).
    #[getter]
    fn approximations<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<Vec<Bound<'py, pyo3::types::PyDict>>> {
        self.approximations
            .iter()
            .map(|a| {
                let d = pyo3::types::PyDict::new(py);
                d.set_item("pointer", &a.pointer)?;
                d.set_item("keyword", &a.keyword)?;
                d.set_item("message", &a.message)?;
                Ok(d)
            })
            .collect()
    }

    /// Reads and compiles a Lark grammar file.
    #[staticmethod]
    #[allow(clippy::too_many_arguments)] // keyword arguments of the Python API
    #[pyo3(signature = (path, *, start="start".to_owned(), import_paths=Vec::new(), max_lexer_states=None, max_items_per_row=None, max_dfa_bytes=None, max_chart_bytes=None, max_nesting=None))]
    fn from_file(
        py: Python<'_>,
        path: PathBuf,
        start: String,
        import_paths: Vec<PathBuf>,
        max_lexer_states: Option<usize>,
        max_items_per_row: Option<usize>,
        max_dfa_bytes: Option<usize>,
        max_chart_bytes: Option<usize>,
        max_nesting: Option<usize>,
    ) -> PyResult<Self> {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| GrammarError::new_err(format!("{}: {e}", path.display())))?;
        Self::from_lark(
            py,
            text,
            start,
            Some(path),
            import_paths,
            max_lexer_states,
            max_items_per_row,
            max_dfa_bytes,
            max_chart_bytes,
            max_nesting,
        )
    }

    /// A hash of the grammar's text and options (compile caches key on it).
    #[getter]
    fn fingerprint(&self) -> String {
        self.fingerprint.clone()
    }

    /// Warnings found while reading the grammar, rendered with their place.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.inner
            .grammar
            .warnings
            .iter()
            .map(|w| w.rendered.clone())
            .collect()
    }

    /// Names of the grammar's terminals.
    #[getter]
    fn terminals(&self) -> Vec<String> {
        self.inner
            .grammar
            .terminals
            .iter()
            .map(|t| t.name.clone())
            .collect()
    }

    /// Names of the grammar's rules (including helper rules made by lowering).
    #[getter]
    fn rules(&self) -> Vec<String> {
        self.inner.grammar.nonterminals.clone()
    }

    /// Number of productions after lowering.
    #[getter]
    fn n_productions(&self) -> usize {
        self.inner.grammar.productions.len()
    }

    /// A byte-level matcher at the start of the input.
    fn matcher(&self) -> PyMatcher {
        PyMatcher {
            inner: Inner::Bytes(Matcher::new(self.inner.clone())),
            encoder: None,
        }
    }

    /// Random strings of the language (random derivations up to `max_depth`),
    /// each checked by a matcher. Fewer than `n` come back only if the
    /// grammar derives no string. Ctrl-C (any pending signal) stops it
    /// between batches.
    #[pyo3(signature = (n=10, *, max_depth=16, seed=0))]
    fn sample(&self, py: Python<'_>, n: usize, max_depth: u32, seed: u64) -> PyResult<Vec<String>> {
        if n > MAX_SAMPLES {
            return Err(PyValueError::new_err(format!(
                "n must be at most {MAX_SAMPLES}"
            )));
        }
        let g = self.inner.clone();
        let sampler = Sampler::new(&g.grammar);
        let mut rng = Rng::new(seed);
        let mut out = Vec::new();
        let max_tries = n.saturating_mul(20).saturating_add(20);
        let mut tries = 0;
        while out.len() < n && tries < max_tries {
            // A batch without the GIL, then a look at pending signals.
            let batch_end = tries.saturating_add(SAMPLE_BATCH).min(max_tries);
            py.detach(|| {
                while out.len() < n && tries < batch_end {
                    tries += 1;
                    let Some(s) = sampler.sample(&mut rng, max_depth) else {
                        continue;
                    };
                    let mut m = Matcher::new(g.clone());
                    if m.consume_bytes(&s) && m.is_accepting() {
                        out.push(String::from_utf8_lossy(&s).into_owned());
                    }
                }
            });
            py.check_signals()?;
        }
        Ok(out)
    }
}

/// Most strings one `Grammar.sample` call returns.
const MAX_SAMPLES: usize = 10_000_000;
/// Derivations tried between looks at pending signals.
const SAMPLE_BATCH: usize = 256;

/// Most characters in a run of ignored whitespace during generation, by
/// default (`CompiledGrammar(..., whitespace_limit=...)`).
const DEFAULT_WHITESPACE_LIMIT: u32 = 24;

/// A grammar bound to a vocabulary: token masks, token matchers.
#[pyclass(name = "CompiledGrammar", module = "corral._core", frozen)]
pub struct PyCompiledGrammar {
    inner: Arc<TokenGrammar>,
    encoder: Arc<Encoder>,
}

#[pymethods]
impl PyCompiledGrammar {
    /// `max_cache_bytes` caps the mask cache shared by the matchers (about
    /// that many bytes; past it, walks are recomputed instead of cached).
    ///
    /// `whitespace_limit` bounds every run of ignored whitespace (`%ignore`
    /// terminals that match only whitespace) to that many characters, so a
    /// model cannot loop on whitespace (0: no ignored whitespace at all);
    /// None leaves the grammar's runs unbounded. JSON Schema grammars bound their own whitespace
    /// (`max_whitespace`).
    #[new]
    #[pyo3(
        signature = (grammar, vocab, *, max_cache_bytes=None, whitespace_limit=Some(DEFAULT_WHITESPACE_LIMIT), max_walk_states=None),
        text_signature = "(grammar, vocab, *, max_cache_bytes=None, whitespace_limit=24, max_walk_states=None)"
    )]
    fn new(
        py: Python<'_>,
        grammar: &PyGrammar,
        vocab: &PyVocabulary,
        max_cache_bytes: Option<usize>,
        whitespace_limit: Option<u32>,
        max_walk_states: Option<usize>,
    ) -> PyResult<Self> {
        let (g, v) = (grammar.inner.clone(), vocab.inner.clone());
        let mut config = MaskConfig::default();
        if let Some(n) = max_cache_bytes {
            config.max_cache_bytes = n;
        }
        if let Some(n) = max_walk_states {
            config.max_walk_states = n;
        }
        let inner = py
            .detach(|| {
                let g = match whitespace_limit {
                    Some(n) if !g.grammar.ignore.is_empty() => {
                        let cfg = Config {
                            whitespace_limit: Some(n),
                            ..g.config.clone()
                        };
                        CompiledGrammar::new(g.grammar.clone(), cfg).map_err(|e| e.to_string())?
                    }
                    _ => g,
                };
                let tg = TokenGrammar::with_config(g, v, config)?;
                // The start state's mask, computed once here: every output
                // begins there, so its walks (cached in `tg`, shared by all
                // matchers) are off the first token's path. A budget hit is
                // left for the matcher that asks to report.
                let mut first = vec![0u32; tg.vocab.mask_words()];
                let _ = TokenMatcher::new(tg.clone()).fill_mask(&mut first);
                Ok::<_, String>(tg)
            })
            .map_err(CorralError::new_err)?;
        Ok(PyCompiledGrammar {
            inner,
            encoder: vocab.encoder.clone(),
        })
    }

    /// A token-level matcher at the start of the output.
    fn matcher(&self) -> PyMatcher {
        PyMatcher {
            inner: Inner::Tokens(TokenMatcher::new(self.inner.clone())),
            encoder: Some(self.encoder.clone()),
        }
    }

    /// Width of the logits and masks.
    #[getter]
    fn vocab_size(&self) -> usize {
        self.inner.vocab.vocab_size()
    }

    /// int32 words per mask row.
    #[getter]
    fn mask_words(&self) -> usize {
        self.inner.vocab.mask_words()
    }

    /// The vocabulary.
    #[getter]
    fn vocab(&self) -> PyVocabulary {
        PyVocabulary {
            inner: self.inner.vocab.clone(),
            encoder: self.encoder.clone(),
        }
    }

    /// Number of cached trie walks (shared by all matchers).
    #[getter]
    fn cache_size(&self) -> usize {
        self.inner.cache_len()
    }

    /// Approximate bytes the cached trie walks take.
    #[getter]
    fn cache_bytes(&self) -> usize {
        self.inner.cache_bytes()
    }
}

enum Inner {
    Bytes(Matcher),
    Tokens(TokenMatcher),
}

/// One sequence's matching state: byte level (from `Grammar.matcher()`) or
/// token level (from `CompiledGrammar.matcher()`).
#[pyclass(name = "Matcher", module = "corral._core")]
pub struct PyMatcher {
    inner: Inner,
    /// The vocabulary's encoder (token matchers).
    encoder: Option<Arc<Encoder>>,
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

impl PyMatcher {
    fn bytes_mut(&mut self) -> PyResult<&mut Matcher> {
        match &mut self.inner {
            Inner::Bytes(m) => Ok(m),
            Inner::Tokens(_) => Err(PyTypeError::new_err(
                "this matcher works on tokens (consume, fill_mask); byte methods need Grammar.matcher()",
            )),
        }
    }

    fn tokens_mut(&mut self) -> PyResult<&mut TokenMatcher> {
        match &mut self.inner {
            Inner::Tokens(m) => Ok(m),
            Inner::Bytes(_) => Err(PyTypeError::new_err(
                "this matcher has no vocabulary; use corral.compile(grammar, vocab).matcher()",
            )),
        }
    }

    fn byte_view(&self) -> &Matcher {
        match &self.inner {
            Inner::Bytes(m) => m,
            Inner::Tokens(t) => t.byte_matcher(),
        }
    }
}

/// A matcher stopped by a budget raises `LimitError` (it stays in its
/// error state, which `rollback` undoes); other refusals are answers.
fn limit_check(m: &Matcher) -> PyResult<()> {
    match m.error() {
        Some(e) if matches!(e.kind, MatchErrorKind::Limit(_)) => {
            Err(LimitError::new_err(e.to_string()))
        }
        _ => Ok(()),
    }
}

/// A mask fails only on a budget or on a feature corral lacks.
fn mask_err(e: String) -> PyErr {
    if e.contains("not supported") {
        NotSupportedError::new_err(e)
    } else {
        LimitError::new_err(e)
    }
}

#[pymethods]
impl PyMatcher {
    /// Consumes bytes (byte-level matchers); False if some byte cannot
    /// continue the input (the bytes before it are consumed and the matcher
    /// enters a sticky error state). One rollback point per call.
    fn consume_bytes(&mut self, py: Python<'_>, data: Vec<u8>) -> PyResult<bool> {
        let m = self.bytes_mut()?;
        let ok = if data.len() > 4096 {
            py.detach(|| m.consume_bytes(&data))
        } else {
            m.consume_bytes(&data)
        };
        limit_check(m)?;
        Ok(ok)
    }

    /// Consumes one token; False (and a sticky error) if it is not allowed.
    /// An id outside the vocabulary raises `TokenError` and leaves the
    /// matcher unchanged.
    fn consume(&mut self, py: Python<'_>, token: Int) -> PyResult<bool> {
        let m = self.tokens_mut()?;
        let t = token_id(py, token, m.token_grammar().vocab.vocab_size())?;
        let ok = m.consume(t).is_ok();
        limit_check(m.byte_matcher())?;
        Ok(ok)
    }

    /// Consumes tokens in order, stopping at the first refused one; returns
    /// how many were consumed. If any id is outside the vocabulary,
    /// `TokenError` is raised before anything is consumed.
    fn consume_tokens(&mut self, py: Python<'_>, tokens: Vec<Int>) -> PyResult<usize> {
        let m = self.tokens_mut()?;
        let n = m.token_grammar().vocab.vocab_size();
        let ids: Vec<u32> = tokens
            .iter()
            .map(|&t| token_id(py, t, n))
            .collect::<PyResult<_>>()?;
        let n = m.consume_tokens(&ids);
        limit_check(m.byte_matcher())?;
        Ok(n)
    }

    /// Whether `token` could be consumed now (the state does not change).
    /// An id outside the vocabulary raises `TokenError`.
    fn try_consume(&mut self, py: Python<'_>, token: Int) -> PyResult<bool> {
        let m = self.tokens_mut()?;
        let t = token_id(py, token, m.token_grammar().vocab.vocab_size())?;
        m.try_consume_checked(t).map_err(LimitError::new_err)
    }

    /// Writes the allowed tokens into row `row` of `bitmask` (int32, shape
    /// [batch, ceil(vocab_size/32)] or [ceil(vocab_size/32)], a numpy array,
    /// a CPU torch tensor, or any int32 buffer). Bit i of word w is token
    /// 32*w+i. The matcher's state does not change. The mask is computed
    /// with the GIL released, then the buffer is checked and written.
    #[pyo3(signature = (bitmask, row=Int(Some(0))), text_signature = "($self, bitmask, row=0)")]
    fn fill_mask(&mut self, py: Python<'_>, bitmask: &Bound<'_, PyAny>, row: Int) -> PyResult<()> {
        let m = self.tokens_mut()?;
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
            r.map_err(mask_err)
        })
    }

    /// Whether the output so far is complete (EOS allowed).
    fn is_accepting(&self) -> bool {
        match &self.inner {
            Inner::Bytes(m) => m.is_accepting(),
            Inner::Tokens(t) => t.is_accepting(),
        }
    }

    /// Whether nothing more may follow (or EOS was consumed).
    fn is_finished(&self) -> bool {
        match &self.inner {
            Inner::Bytes(m) => m.is_finished(),
            Inner::Tokens(t) => t.is_finished(),
        }
    }

    fn is_error(&self) -> bool {
        match &self.inner {
            Inner::Bytes(m) => m.is_error(),
            Inner::Tokens(t) => t.is_error(),
        }
    }

    /// The error message, or None.
    fn error(&self) -> Option<String> {
        match &self.inner {
            Inner::Bytes(m) => m.error().map(|e| e.to_string()),
            Inner::Tokens(t) => t.error().map(str::to_owned),
        }
    }

    /// Offset of the byte that was rejected, or None.
    #[getter]
    fn error_position(&self) -> Option<usize> {
        self.byte_view().error().map(|e| e.position)
    }

    /// Bytes consumed so far.
    #[getter]
    fn bytes_consumed(&self) -> usize {
        self.byte_view().bytes_consumed()
    }

    /// Undoes the last `n` consume calls (and an error they made); O(n).
    fn rollback(&mut self, n: Int) -> PyResult<()> {
        let depth = match &self.inner {
            Inner::Bytes(m) => m.depth(),
            Inner::Tokens(t) => t.depth(),
        };
        let Some(n) = n.below(depth + 1) else {
            return Err(PyIndexError::new_err(format!(
                "cannot roll back {} steps: only {depth} were taken",
                n.describe()
            )));
        };
        match &mut self.inner {
            Inner::Bytes(m) => m.rollback(n),
            Inner::Tokens(t) => t.rollback(n),
        }
        Ok(())
    }

    /// Back to the start.
    fn reset(&mut self) {
        match &mut self.inner {
            Inner::Bytes(m) => m.reset(),
            Inner::Tokens(t) => t.reset(),
        }
    }

    /// An independent copy of this matcher.
    fn fork(&self) -> PyMatcher {
        PyMatcher {
            inner: match &self.inner {
                Inner::Bytes(m) => Inner::Bytes(m.clone()),
                Inner::Tokens(t) => Inner::Tokens(t.clone()),
            },
            encoder: self.encoder.clone(),
        }
    }

    /// Bytes every continuation must start with (empty if the input may end
    /// here or several bytes may follow). Does not change the state.
    fn forced_bytes<'py>(&mut self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let b = match &mut self.inner {
            Inner::Bytes(m) => m.forced_bytes(),
            Inner::Tokens(t) => t.forced_bytes(),
        };
        PyBytes::new(py, &b)
    }

    /// Jump-forward tokens: the bytes the grammar forces next, tokenized as
    /// the tokenizer itself splits them in the middle of a text, so the
    /// model sees canonical tokens. The last token is held back (what
    /// follows could merge with it) unless nothing can follow the forced
    /// bytes. Every token returned is allowed in sequence; consuming them is
    /// up to the caller. Empty when nothing is forced.
    fn forced_tokens(&mut self, py: Python<'_>) -> PyResult<Vec<u32>> {
        let encoder = self.encoder.clone();
        let m = self.tokens_mut()?;
        let forced = m.forced_bytes();
        let valid = match std::str::from_utf8(&forced) {
            Ok(_) => forced.len(),
            Err(e) => e.valid_up_to(),
        };
        if valid == 0 {
            return Ok(Vec::new());
        }
        let Some(encoder) = encoder else {
            return Ok(Vec::new());
        };
        let vocab = m.token_grammar().vocab.clone();
        let Some(ids) = encoder.encode_exact(py, &vocab, &forced[..valid])? else {
            return Ok(Vec::new());
        };
        // Checked on the matcher itself, then undone (cheaper than a fork).
        let mut out = Vec::with_capacity(ids.len());
        let mut refused = false;
        for &t in &ids {
            if m.consume(t).is_err() {
                refused = true;
                break;
            }
            out.push(t);
        }
        let finished = !refused && valid == forced.len() && m.byte_matcher().is_finished();
        m.rollback(out.len() + usize::from(refused));
        if !finished {
            out.pop();
        }
        Ok(out)
    }

    /// Names of the terminals that may come next.
    fn expected(&self) -> Vec<String> {
        self.byte_view().expected()
    }

    fn __repr__(&self) -> String {
        format!(
            "Matcher(bytes_consumed={}, accepting={}, error={:?})",
            self.byte_view().bytes_consumed(),
            self.is_accepting(),
            self.error()
        )
    }
}

/// Fills row i of `bitmask` for matcher i, in parallel with the GIL
/// released. All matchers must be token matchers of the same vocabulary size.
/// The masks are computed into Rust-owned memory, then the bitmask is
/// checked and written with the GIL held.
#[pyfunction]
fn fill_masks(
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
        let t = r.tokens_mut()?;
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
            r.map_err(|e| mask_err(format!("matcher {i}: {e}")))?;
        }
        Ok(())
    })
}

/// Sets the logits of disallowed tokens to -inf: `logits` holds `rows`
/// rows of `width` elements, `mask` as many rows of `words` words (ids past
/// the mask are disallowed). `inf` is -inf's bit pattern in `T`.
fn neg_inf_fill<T>(logits: &mut [T], width: usize, mask: &[u32], words: usize, inf: T)
where
    T: Copy
        + std::ops::BitAnd<Output = T>
        + std::ops::BitOr<Output = T>
        + std::ops::Not<Output = T>
        + From<u8>
        + WrappingNeg,
{
    if width == 0 || words == 0 {
        logits.fill(inf);
        return;
    }
    let covered = width.min(words * 32);
    // Branch-free per 32-lane block (a select on `word & bit`), which the
    // compiler vectorises; all-allowed and all-denied words take shortcuts.
    for (row, m) in logits.chunks_exact_mut(width).zip(mask.chunks_exact(words)) {
        let (head, rest) = row.split_at_mut(covered);
        let mut blocks = head.chunks_exact_mut(32);
        for (block, &word) in (&mut blocks).zip(m) {
            if word == u32::MAX {
                continue;
            }
            if word == 0 {
                block.fill(inf);
                continue;
            }
            // A fixed-size block, so that the loop below is unrolled and
            // vectorised (chunks_exact yields exactly 32).
            let Ok(block) = <&mut [T; 32]>::try_from(block) else {
                continue;
            };
            for (i, x) in block.iter_mut().enumerate() {
                // All ones where the token is allowed.
                let keep = T::from(((word >> i) & 1) as u8).wrapping_neg();
                *x = (*x & keep) | (inf & !keep);
            }
        }
        let tail = blocks.into_remainder();
        if let Some(&word) = m.get(covered / 32) {
            for (i, x) in tail.iter_mut().enumerate() {
                if word & (1 << i) == 0 {
                    *x = inf;
                }
            }
        }
        rest.fill(inf);
    }
}

/// `wrapping_neg` on the unsigned integers that stand for floats.
trait WrappingNeg {
    fn wrapping_neg(self) -> Self;
}

macro_rules! wrapping_neg {
    ($($t:ty),*) => {$(
        impl WrappingNeg for $t {
            fn wrapping_neg(self) -> Self {
                <$t>::wrapping_neg(self)
            }
        }
    )*};
}
wrapping_neg!(u16, u32, u64);

/// Sets logits of disallowed tokens to -inf in place (CPU tensors and numpy
/// arrays; other devices are handled by `corral.apply_mask` in Python).
/// `bitmask` has one row per row of logits, each of at most
/// ceil(width / 32) words; ids past the mask are disallowed. Both are
/// checked on every call, and the work runs with the GIL held, so that no
/// Python code can free or resize them meanwhile.
#[pyfunction]
fn apply_mask_cpu(logits: &Bound<'_, PyAny>, bitmask: &Bound<'_, PyAny>) -> PyResult<()> {
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
        Elem::F32 => neg_inf_fill(
            lg.as_mut_slice::<u32>()?,
            width,
            &mask,
            words,
            f32::NEG_INFINITY.to_bits(),
        ),
        Elem::F16 => neg_inf_fill(lg.as_mut_slice::<u16>()?, width, &mask, words, 0xFC00u16),
        Elem::BF16 => neg_inf_fill(lg.as_mut_slice::<u16>()?, width, &mask, words, 0xFF80u16),
        Elem::F64 => neg_inf_fill(
            lg.as_mut_slice::<u64>()?,
            width,
            &mask,
            words,
            f64::NEG_INFINITY.to_bits(),
        ),
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

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyVocabulary>()?;
    m.add_class::<PyGrammar>()?;
    m.add_class::<PyMatcher>()?;
    m.add_class::<PyCompiledGrammar>()?;
    m.add_function(wrap_pyfunction!(fill_masks, m)?)?;
    m.add_function(wrap_pyfunction!(apply_mask_cpu, m)?)?;
    m.add("TokenError", token_error_type(py)?.bind(py))?;
    m.add("GrammarLimitError", grammar_limit_type(py)?.bind(py))?;
    m.add("SchemaLimitError", schema_limit_type(py)?.bind(py))?;
    m.add("GrammarError", py.get_type::<GrammarError>())?;
    m.add("CorralError", py.get_type::<CorralError>())?;
    m.add("VocabularyError", py.get_type::<VocabularyError>())?;
    m.add("NotSupportedError", py.get_type::<NotSupportedError>())?;
    m.add("LimitError", py.get_type::<LimitError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
