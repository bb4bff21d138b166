//! `CompiledGrammar`: a grammar bound to a vocabulary, for token masks and
//! token matchers. The language is the grammar's own, whitespace bound
//! included: binding never recompiles the grammar.

use std::sync::Arc;

use corral_core::{Failure, MaskConfig, TokenGrammar, TokenMatcher};
use pyo3::prelude::*;

use crate::errors::failure_err;
use crate::grammar::PyGrammar;
use crate::matcher::PyMatcher;
use crate::vocab::{Encoder, PyVocabulary};

/// A grammar bound to a vocabulary: token masks, token matchers.
#[pyclass(name = "CompiledGrammar", module = "corral._core", frozen, weakref)]
pub struct PyCompiledGrammar {
    inner: Arc<TokenGrammar>,
    grammar: Py<PyGrammar>,
    encoder: Arc<Encoder>,
}

#[pymethods]
impl PyCompiledGrammar {
    /// Binds `grammar` to `vocab`, in the grammar's own language (its
    /// `whitespace_limit` included). `max_cache_bytes` caps the mask cache
    /// shared by the matchers (about that many bytes; past it, walks are
    /// recomputed instead of cached); `max_walk_states` bounds one mask's
    /// work.
    #[new]
    #[pyo3(signature = (grammar, vocab, *, max_cache_bytes=None, max_walk_states=None))]
    fn new(
        py: Python<'_>,
        grammar: Bound<'_, PyGrammar>,
        vocab: &PyVocabulary,
        max_cache_bytes: Option<usize>,
        max_walk_states: Option<usize>,
    ) -> PyResult<Self> {
        let (g, env) = (grammar.get().inner.clone(), vocab.env.clone());
        let mut config = MaskConfig::default();
        if let Some(n) = max_cache_bytes {
            config.max_cache_bytes = n;
        }
        if let Some(n) = max_walk_states {
            config.max_walk_states = n;
        }
        let inner = py
            .detach(|| {
                let tg = TokenGrammar::with_env(g, env, config)?;
                // The start state's mask, computed once here: every output
                // begins there, so its walks (cached in `tg`, shared by all
                // matchers) are off the first token's path. A budget hit is
                // left for the matcher that asks to report.
                let mut first = vec![0u32; tg.vocab.mask_words()];
                let _ = TokenMatcher::new(tg.clone()).fill_mask(&mut first);
                Ok::<_, Failure>(tg)
            })
            .map_err(|e| failure_err(py, &e))?;
        Ok(PyCompiledGrammar {
            inner,
            grammar: grammar.unbind(),
            encoder: vocab.encoder.clone(),
        })
    }

    /// A token-level matcher at the start of the output.
    fn matcher(&self) -> PyMatcher {
        PyMatcher::new(TokenMatcher::new(self.inner.clone()), self.encoder.clone())
    }

    /// The grammar.
    #[getter]
    fn grammar(&self, py: Python<'_>) -> Py<PyGrammar> {
        self.grammar.clone_ref(py)
    }

    /// The grammar's bound on runs of ignored whitespace (None: unbounded).
    #[getter]
    fn whitespace_limit(&self) -> Option<u32> {
        self.grammar.get().whitespace_bound()
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
            env: self.inner.env().clone(),
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

    fn __repr__(&self) -> String {
        let limit = self
            .grammar
            .get()
            .whitespace_bound()
            .map_or_else(|| "None".to_owned(), |n| n.to_string());
        format!(
            "CompiledGrammar(vocab_size={}, whitespace_limit={limit}, cache_size={})",
            self.inner.vocab.vocab_size(),
            self.inner.cache_len()
        )
    }
}
