//! PyO3 glue for corral-core: the `corral._core` extension module.
//!
//! Arguments are converted to owned Rust data while the GIL is held; the
//! heavy work then runs detached from the interpreter. Every error maps to a
//! Python exception class; no panic crosses into Python.

use std::path::PathBuf;
use std::sync::Arc;

use corral_core::{HfOptions, TokenKind, TokenSpec, TokenizerKind, VocabError, Vocabulary};
use pyo3::create_exception;
use pyo3::exceptions::{PyIndexError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

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
    NotSupportedError,
    CorralError,
    "The input uses a feature corral does not support; the message names it."
);

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
}

fn hf_options(eos_token_ids: Option<Vec<u32>>, vocab_size: Option<usize>) -> HfOptions {
    HfOptions {
        eos_token_ids,
        vocab_size,
        ..HfOptions::default()
    }
}

/// Reads `obj` as a path if it is a `str` or an `os.PathLike`.
fn as_path(obj: &Bound<'_, PyAny>) -> Option<PathBuf> {
    obj.extract::<PathBuf>().ok()
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
        eos_token_ids: Option<Vec<u32>>,
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
        let mut opts = hf_options(eos_token_ids, vocab_size);
        if opts.eos_token_ids.is_none() && tokenizer.hasattr("eos_token_id")? {
            if let Ok(Some(id)) = tokenizer.getattr("eos_token_id")?.extract::<Option<u32>>() {
                opts.eos_token_ids = Some(vec![id]);
            }
        }
        let v = py
            .detach(|| Vocabulary::from_tokenizer_json(&json, &opts))
            .map_err(vocab_err)?;
        Ok(PyVocabulary { inner: Arc::new(v) })
    }

    /// Loads a tokenizer folder or `tokenizer.json`; the EOS token and the
    /// logits width are read from the configs beside it unless given.
    #[staticmethod]
    #[pyo3(signature = (path, *, eos_token_ids=None, vocab_size=None))]
    fn from_file(
        py: Python<'_>,
        path: PathBuf,
        eos_token_ids: Option<Vec<u32>>,
        vocab_size: Option<usize>,
    ) -> PyResult<Self> {
        let opts = hf_options(eos_token_ids, vocab_size);
        let v = py
            .detach(|| Vocabulary::from_hf_path(&path, &opts))
            .map_err(vocab_err)?;
        Ok(PyVocabulary { inner: Arc::new(v) })
    }

    /// Builds a vocabulary from the text of a `tokenizer.json`.
    #[staticmethod]
    #[pyo3(signature = (json, *, eos_token_ids=None, vocab_size=None))]
    fn from_tokenizer_json(
        py: Python<'_>,
        json: String,
        eos_token_ids: Option<Vec<u32>>,
        vocab_size: Option<usize>,
    ) -> PyResult<Self> {
        let opts = hf_options(eos_token_ids, vocab_size);
        let v = py
            .detach(|| Vocabulary::from_tokenizer_json(&json, &opts))
            .map_err(vocab_err)?;
        Ok(PyVocabulary { inner: Arc::new(v) })
    }

    /// Builds a vocabulary from raw token bytes: `tokens[i]` is the bytes of
    /// token `i`, or `None` where the id has no token.
    #[staticmethod]
    #[pyo3(signature = (tokens, *, eos_token_id, special_token_ids=Vec::new(), vocab_size=None))]
    fn from_bytes(
        py: Python<'_>,
        tokens: Vec<Option<Vec<u8>>>,
        eos_token_id: &Bound<'_, PyAny>,
        special_token_ids: Vec<u32>,
        vocab_size: Option<usize>,
    ) -> PyResult<Self> {
        let eos: Vec<u32> = match eos_token_id.extract::<u32>() {
            Ok(id) => vec![id],
            Err(_) => eos_token_id.extract::<Vec<u32>>().map_err(|_| {
                VocabularyError::new_err("eos_token_id must be a token id or a list of ids")
            })?,
        };
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
        Ok(PyVocabulary { inner: Arc::new(v) })
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

    /// "normal", "special" or "missing".
    fn token_kind(&self, token_id: i64) -> &'static str {
        match u32::try_from(token_id).map(|id| self.inner.kind(id)) {
            Ok(TokenKind::Normal) => "normal",
            Ok(TokenKind::Special) => "special",
            _ => "missing",
        }
    }

    /// The bytes of an ordinary token; `None` for special and missing ids.
    fn token_bytes<'py>(&self, py: Python<'py>, token_id: i64) -> Option<Bound<'py, PyBytes>> {
        let id = u32::try_from(token_id).ok()?;
        self.inner.token_bytes(id).map(|b| PyBytes::new(py, b))
    }

    /// The name of a special token (e.g. "<|eot_id|>"); `None` otherwise.
    fn special_token_name(&self, token_id: i64) -> Option<String> {
        let id = u32::try_from(token_id).ok()?;
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
        token_ids: Vec<i64>,
        with_special: bool,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let ids: Vec<u32> = token_ids
            .iter()
            .map(|&t| {
                u32::try_from(t)
                    .map_err(|_| PyIndexError::new_err(format!("token id {t} out of range")))
            })
            .collect::<PyResult<_>>()?;
        let out = self
            .inner
            .decode(&ids, with_special)
            .map_err(|e| PyIndexError::new_err(e.to_string()))?;
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

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyVocabulary>()?;
    m.add("CorralError", py.get_type::<CorralError>())?;
    m.add("VocabularyError", py.get_type::<VocabularyError>())?;
    m.add("NotSupportedError", py.get_type::<NotSupportedError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
