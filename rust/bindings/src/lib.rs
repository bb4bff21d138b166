//! PyO3 glue for corral-core: the `corral._core` extension module.
//!
//! Arguments are converted to owned Rust data while the GIL is held; the
//! heavy work then runs detached from the interpreter. Every error maps to a
//! Python exception class; no panic crosses into Python.

use std::path::PathBuf;
use std::sync::Arc;

use corral_core::grammar::lark::{parse_lark, LarkOptions};
use corral_core::grammar::sample::{Rng, Sampler};
use corral_core::{
    CompiledGrammar, Config, GrammarError as CoreGrammarError, HfOptions, Matcher, TokenKind,
    TokenSpec, TokenizerKind, VocabError, Vocabulary,
};
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
    GrammarError,
    CorralError,
    "A grammar could not be read or compiled; `.line`, `.column` and `.file` say where."
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

fn grammar_err(py: Python<'_>, e: &CoreGrammarError) -> PyErr {
    let d = e.diagnostic();
    let err = if e.is_not_supported() {
        NotSupportedError::new_err(d.rendered.clone())
    } else {
        GrammarError::new_err(d.rendered.clone())
    };
    let v = err.value(py);
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
}

fn config(max_lexer_states: Option<usize>, max_items_per_row: Option<usize>) -> Config {
    let mut c = Config::default();
    if let Some(n) = max_lexer_states {
        c.lexer.max_states = n;
    }
    if let Some(n) = max_items_per_row {
        c.earley.max_items_per_row = n;
    }
    c
}

#[pymethods]
impl PyGrammar {
    /// Compiles Lark grammar text. `path` names the text in messages and
    /// anchors relative `%import`s.
    #[staticmethod]
    #[pyo3(signature = (text, *, start="start".to_owned(), path=None, import_paths=Vec::new(), max_lexer_states=None, max_items_per_row=None))]
    fn from_lark(
        py: Python<'_>,
        text: String,
        start: String,
        path: Option<PathBuf>,
        import_paths: Vec<PathBuf>,
        max_lexer_states: Option<usize>,
        max_items_per_row: Option<usize>,
    ) -> PyResult<Self> {
        let name = path.map_or_else(|| "<string>".to_owned(), |p| p.display().to_string());
        let opts = LarkOptions {
            start,
            import_paths,
            ..LarkOptions::default()
        };
        let cfg = config(max_lexer_states, max_items_per_row);
        let r = py
            .detach(|| parse_lark(&text, &name, &opts).and_then(|g| CompiledGrammar::new(g, cfg)));
        match r {
            Ok(g) => Ok(PyGrammar { inner: g }),
            Err(e) => Err(grammar_err(py, &e)),
        }
    }

    /// Reads and compiles a Lark grammar file.
    #[staticmethod]
    #[pyo3(signature = (path, *, start="start".to_owned(), import_paths=Vec::new(), max_lexer_states=None, max_items_per_row=None))]
    fn from_file(
        py: Python<'_>,
        path: PathBuf,
        start: String,
        import_paths: Vec<PathBuf>,
        max_lexer_states: Option<usize>,
        max_items_per_row: Option<usize>,
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
        )
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
            inner: Matcher::new(self.inner.clone()),
        }
    }

    /// Random strings of the language (random derivations up to `max_depth`),
    /// each checked by a matcher. Fewer than `n` come back only if the
    /// grammar derives no string.
    #[pyo3(signature = (n=10, *, max_depth=16, seed=0))]
    fn sample(&self, py: Python<'_>, n: usize, max_depth: u32, seed: u64) -> Vec<String> {
        let g = self.inner.clone();
        py.detach(|| {
            let sampler = Sampler::new(&g.grammar);
            let mut rng = Rng::new(seed);
            let mut out = Vec::new();
            let mut tries = 0;
            while out.len() < n && tries < n * 20 + 20 {
                tries += 1;
                let Some(s) = sampler.sample(&mut rng, max_depth) else {
                    continue;
                };
                let mut m = Matcher::new(g.clone());
                if m.consume_bytes(&s) && m.is_accepting() {
                    out.push(String::from_utf8_lossy(&s).into_owned());
                }
            }
            out
        })
    }
}

/// One input's matching state over a Grammar (byte level).
#[pyclass(name = "Matcher", module = "corral._core")]
pub struct PyMatcher {
    inner: Matcher,
}

#[pymethods]
impl PyMatcher {
    /// Consumes bytes; False if some byte cannot continue the input (the
    /// bytes before it are consumed and the matcher enters a sticky error
    /// state). One rollback point per call.
    fn consume_bytes(&mut self, py: Python<'_>, data: Vec<u8>) -> bool {
        let m = &mut self.inner;
        if data.len() > 4096 {
            py.detach(|| m.consume_bytes(&data))
        } else {
            m.consume_bytes(&data)
        }
    }

    /// Whether the bytes consumed so far form a complete string of the language.
    fn is_accepting(&self) -> bool {
        self.inner.is_accepting()
    }

    /// Whether the input is complete and nothing more may follow.
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

    /// Undoes the last `n` consume_bytes calls (and an error they made).
    fn rollback(&mut self, n: usize) -> PyResult<()> {
        if n > self.inner.depth() {
            return Err(PyIndexError::new_err(format!(
                "cannot roll back {n} steps: only {} were taken",
                self.inner.depth()
            )));
        }
        self.inner.rollback(n);
        Ok(())
    }

    /// Back to the start of the input.
    fn reset(&mut self) {
        self.inner.reset();
    }

    /// An independent copy of this matcher.
    fn fork(&self) -> PyMatcher {
        PyMatcher {
            inner: self.inner.clone(),
        }
    }

    /// Bytes every continuation must start with (empty if the input may end
    /// here or several bytes may follow). Does not change the state.
    fn forced_bytes<'py>(&mut self, py: Python<'py>) -> Bound<'py, PyBytes> {
        let b = self.inner.forced_bytes();
        PyBytes::new(py, &b)
    }

    /// Names of the terminals that may come next.
    fn expected(&self) -> Vec<String> {
        self.inner.expected()
    }

    fn __repr__(&self) -> String {
        format!(
            "Matcher(bytes_consumed={}, accepting={}, error={:?})",
            self.inner.bytes_consumed(),
            self.inner.is_accepting(),
            self.inner.error().map(|e| e.to_string())
        )
    }
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyVocabulary>()?;
    m.add_class::<PyGrammar>()?;
    m.add_class::<PyMatcher>()?;
    m.add("GrammarError", py.get_type::<GrammarError>())?;
    m.add("CorralError", py.get_type::<CorralError>())?;
    m.add("VocabularyError", py.get_type::<VocabularyError>())?;
    m.add("NotSupportedError", py.get_type::<NotSupportedError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
