//! `Vocabulary`: a model's tokens as exact bytes, and the tokenizer's own
//! encoder, kept beside them for jump-forward tokens.

use std::path::PathBuf;
use std::sync::Arc;

use corral_core::forced::{encode_mid_text, spelling_start};
use corral_core::{HfOptions, TokEnv, TokenKind, TokenSpec, TokenizerKind, Vocabulary};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyList};

use crate::args::{token_id, Int};
use crate::errors::{token_err, vocab_err, NotSupportedError, VocabularyError};

/// A model's vocabulary: every token id mapped to the exact bytes it stands
/// for, special tokens kept apart, the mask width following the logits width.
#[pyclass(name = "Vocabulary", module = "corral._core", frozen)]
pub struct PyVocabulary {
    pub(crate) inner: Arc<Vocabulary>,
    /// The vocabulary with the scans every grammar compiled for it shares.
    pub(crate) env: Arc<TokEnv>,
    pub(crate) encoder: Arc<Encoder>,
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
pub struct Encoder {
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
    pub fn encode_exact(
        &self,
        py: Python<'_>,
        vocab: &Vocabulary,
        text: &str,
    ) -> PyResult<Option<Vec<u32>>> {
        if let EncoderSource::Callable(f) = &self.source {
            let ids: Vec<u32> = f
                .bind(py)
                .call1((PyBytes::new(py, text.as_bytes()),))?
                .extract()?;
            return Ok((spelling_start(vocab, &ids, text.as_bytes()) == Some(0)).then_some(ids));
        }
        let Some(tok) = self.tokenizer(py)? else {
            return Err(NotSupportedError::new_err(
                "not supported: forced_tokens needs the tokenizer's encoder; build the \
                 Vocabulary with from_hf, from_file or from_tokenizer_json, or pass encode= to \
                 from_bytes",
            ));
        };
        let kw = PyDict::new(py);
        kw.set_item("add_special_tokens", false)?;
        encode_mid_text(vocab, text, |s| {
            tok.call_method("encode", (s,), Some(&kw))?
                .getattr("ids")?
                .extract()
        })
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
    pub(crate) fn new(inner: Arc<Vocabulary>, encoder: Arc<Encoder>) -> PyVocabulary {
        PyVocabulary {
            env: TokEnv::new(inner.clone()),
            inner,
            encoder,
        }
    }

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
        Ok(PyVocabulary::new(Arc::new(v), encoder))
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
        Ok(PyVocabulary::new(
            Arc::new(v),
            Encoder::new(EncoderSource::File(path)),
        ))
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
        Ok(PyVocabulary::new(
            Arc::new(v),
            Encoder::new(EncoderSource::Json(json.into())),
        ))
    }

    /// Builds a vocabulary from raw token bytes: `tokens[i]` is the bytes of
    /// token `i`, or `None` where the id has no token. `encode(bytes) ->
    /// list[int]`, the tokenizer's own encoder, is used by `forced_tokens`.
    #[staticmethod]
    #[pyo3(
        signature = (tokens, *, eos_token_id, special_token_ids=Vec::new(), vocab_size=None, encode=None),
        text_signature = "(tokens, *, eos_token_id, special_token_ids=[], vocab_size=None, encode=None)"
    )]
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
        Ok(PyVocabulary::new(Arc::new(v), Encoder::new(source)))
    }

    /// A number shared by every handle on this vocabulary (`cg.vocab` of
    /// every grammar compiled for it), unique among the vocabularies alive.
    #[getter]
    fn identity(&self) -> usize {
        Arc::as_ptr(&self.inner) as usize
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
