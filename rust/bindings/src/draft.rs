//! `corral.Drafter`: grammar-aware draft trees for speculative decoding.

use std::collections::HashMap;
use std::thread::ThreadId;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use corral_core::draft::{
    DraftConfig, DraftTree, Drafter, MatcherGuide, Shape, Source, Unguided, ROOT,
};
use corral_core::forced::forced_tokens;

use crate::errors::failure_err;
use crate::matcher::PyMatcher;

/// A draft tree as Python sees it: tokens, parents (-1: below the root),
/// depths (1 below the root), and whether each token is forced.
type TreeTuple = (Vec<u32>, Vec<i64>, Vec<u32>, Vec<bool>);

#[pyclass(name = "Drafter", module = "corral._core")]
pub struct PyDrafter {
    inner: Drafter,
    /// The last tree each thread drafted (what its `observe_verified`
    /// refers to): threads that share a drafter (concurrent requests with
    /// one vocabulary) each verify their own tree while all learn into
    /// the same tables.
    last: HashMap<ThreadId, DraftTree>,
}

/// Threads whose last tree is kept; past this many, the others' are
/// dropped (a thread that drafts again starts afresh).
const MAX_THREADS: usize = 256;

impl PyDrafter {
    fn new_with(inner: Drafter) -> Self {
        PyDrafter {
            inner,
            last: HashMap::new(),
        }
    }

    /// The calling thread's last tree.
    fn last(&self) -> Option<&DraftTree> {
        self.last.get(&std::thread::current().id())
    }
}

fn source_of(s: &str) -> PyResult<Source> {
    match s {
        "recycling" => Ok(Source::Recycling),
        "ngram" => Ok(Source::NGram),
        "both" => Ok(Source::Both),
        _ => Err(PyValueError::new_err(format!(
            "source must be \"recycling\", \"ngram\" or \"both\", not {s:?}"
        ))),
    }
}

fn shape_of(s: &str) -> PyResult<Shape> {
    match s {
        "dynamic" => Ok(Shape::Dynamic),
        "static" => Ok(Shape::Static),
        _ => Err(PyValueError::new_err(format!(
            "shape must be \"dynamic\" or \"static\", not {s:?}"
        ))),
    }
}

#[pymethods]
impl PyDrafter {
    /// A drafter for a vocabulary of `vocab_size` tokens (the logits'
    /// width). `source`: "recycling" (the adjacency matrix of the model's
    /// top-`k` after each token), "ngram" (tri-grams of accepted output) or
    /// "both". `shape`: "dynamic" (grown best-first by learned scores) or
    /// "static" (Token Recycling's template, about 80 nodes, depth 6). The
    /// node budget starts at `start_nodes` and moves between `min_nodes`
    /// and `max_nodes` with acceptance; trees are at most `max_depth`
    /// deep. The adjacency matrix may take at most `max_bytes`. With
    /// `cost_aware` (the default), a tree stops growing where one more node
    /// would lower the expected tokens per second, by the pass times
    /// `observe_cost` recorded. Where the grammar allows at most
    /// `closed_limit` tokens (EOS aside), every one of them is a candidate
    /// beside the tables' (0: the tables' alone; at most 64; dynamic trees
    /// checked by a grammar only).
    #[new]
    #[allow(clippy::too_many_arguments)] // keyword arguments of the Python API
    #[pyo3(
        signature = (vocab_size, *, source="both".to_owned(), shape="dynamic".to_owned(), k=8, min_nodes=4, max_nodes=96, start_nodes=24, max_depth=8, max_bytes=256 << 20, cost_aware=true, closed_limit=8),
        text_signature = "(vocab_size, *, source='both', shape='dynamic', k=8, min_nodes=4, max_nodes=96, start_nodes=24, max_depth=8, max_bytes=268435456, cost_aware=True, closed_limit=8)"
    )]
    fn new(
        py: Python<'_>,
        vocab_size: usize,
        source: String,
        shape: String,
        k: usize,
        min_nodes: usize,
        max_nodes: usize,
        start_nodes: usize,
        max_depth: u32,
        max_bytes: usize,
        cost_aware: bool,
        closed_limit: usize,
    ) -> PyResult<Self> {
        let config = DraftConfig {
            source: source_of(&source)?,
            shape: shape_of(&shape)?,
            k,
            min_nodes,
            max_nodes,
            start_nodes,
            max_depth,
            max_bytes,
            cost_aware,
            closed_limit,
            ..DraftConfig::default()
        };
        let inner = Drafter::new(vocab_size, config).map_err(|e| failure_err(py, &e))?;
        Ok(PyDrafter::new_with(inner))
    }

    /// A draft tree after `context` (its last token decided and consumed
    /// by `matcher`, not yet fed to the model). Every node is checked
    /// against `matcher`'s grammar as it is added and forced tokens enter
    /// as chains; `guided=False` drafts without the grammar (to measure
    /// what pruning gains). `fed`: the tokens fed before the tree in the
    /// same pass (for the cost model of `observe_cost`). The matcher is
    /// left as it was. Returns `(tokens, parents, depths, forced)`, parents
    /// before children.
    #[pyo3(signature = (matcher, context, guided=true, fed=1))]
    fn draft(
        &mut self,
        py: Python<'_>,
        mut matcher: PyRefMut<'_, PyMatcher>,
        context: Vec<u32>,
        guided: bool,
        fed: usize,
    ) -> PyResult<TreeTuple> {
        let tree = if guided {
            let encoder = matcher.encoder().clone();
            let mut guide =
                MatcherGuide::new(matcher.inner_mut(), |m: &mut corral_core::TokenMatcher| {
                    forced_tokens(m, |vocab, text| encoder.encode_exact(py, vocab, text))
                        .map_err(|e| corral_core::Failure::argument(e.to_string()))
                });
            self.inner.draft(&mut guide, &context, fed)
        } else {
            self.inner.draft(&mut Unguided, &context, fed)
        }
        .map_err(|e| failure_err(py, &e))?;
        let out = (
            tree.tokens.clone(),
            tree.parents
                .iter()
                .map(|&p| if p == ROOT { -1 } else { i64::from(p) })
                .collect(),
            tree.depths.clone(),
            tree.certain.clone(),
        );
        let me = std::thread::current().id();
        if self.last.len() >= MAX_THREADS && !self.last.contains_key(&me) {
            self.last.clear();
        }
        self.last.insert(me, tree);
        Ok(out)
    }

    /// Records the model's top candidates after each of `tokens` (row i of
    /// `top`, best first): the adjacency matrix's rows.
    fn observe_top(&mut self, tokens: Vec<u32>, top: Vec<Vec<u32>>) -> PyResult<()> {
        if tokens.len() != top.len() {
            return Err(PyValueError::new_err(format!(
                "observe_top: {} tokens but {} rows of candidates",
                tokens.len(),
                top.len()
            )));
        }
        for (t, row) in tokens.iter().zip(&top) {
            self.inner.observe_top(*t, row);
        }
        Ok(())
    }

    /// Records how long a forward pass over `fed` tokens took, in seconds.
    /// Once passes of several sizes were seen, trees stop growing where one
    /// more node would lower the expected tokens per second.
    fn observe_cost(&mut self, fed: usize, seconds: f64) {
        self.inner.observe_cost(fed, seconds);
    }

    /// Records accepted output for the tri-gram table.
    fn observe_accepted(&mut self, tokens: Vec<u32>) {
        self.inner.observe_accepted(&tokens);
    }

    /// Learns from the verification of the last tree: `accepted` are the
    /// indices of the nodes taken, each the child of the one before (the
    /// first a child of the root).
    fn observe_verified(&mut self, accepted: Vec<u32>) -> PyResult<()> {
        let empty = DraftTree::default();
        let last = self
            .last
            .get(&std::thread::current().id())
            .unwrap_or(&empty);
        let mut parent = ROOT;
        for &n in &accepted {
            if n as usize >= last.len() || last.parents[n as usize] != parent {
                return Err(PyValueError::new_err(format!(
                    "observe_verified: node {n} is not a child of the node before it in this \
                     thread's last tree"
                )));
            }
            parent = n;
        }
        self.inner.observe_verified(last, &accepted);
        Ok(())
    }

    /// The node budget of the next tree.
    #[getter]
    fn budget(&self) -> usize {
        self.inner.budget()
    }

    /// Candidates the grammar cut while the last tree was built.
    #[getter]
    fn pruned(&self) -> u32 {
        self.last().map_or(0, |t| t.pruned)
    }

    /// Whether trees and the rows recycled into the adjacency matrix weigh
    /// their cost against the forward pass.
    #[getter]
    fn cost_aware(&self) -> bool {
        self.inner.config.cost_aware
    }

    /// Where the grammar allows at most this many tokens, all are drafted.
    #[getter]
    fn closed_limit(&self) -> usize {
        self.inner.config.closed_limit
    }

    #[getter]
    fn vocab_size(&self) -> usize {
        self.inner.vocab()
    }

    #[getter]
    fn source(&self) -> &'static str {
        match self.inner.config.source {
            Source::Recycling => "recycling",
            Source::NGram => "ngram",
            Source::Both => "both",
        }
    }

    /// The drafter as bytes: its configuration, tables and what it
    /// learned (`Drafter.from_bytes`).
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.to_bytes())
    }

    /// A drafter saved by `to_bytes` (or `save`); its adjacency matrix may
    /// take at most `max_bytes`. A malformed file raises `CorralError`.
    #[staticmethod]
    #[pyo3(signature = (data, *, max_bytes=256 << 20), text_signature = "(data, *, max_bytes=268435456)")]
    fn from_bytes(py: Python<'_>, data: Vec<u8>, max_bytes: usize) -> PyResult<Self> {
        let inner = Drafter::from_bytes(&data, max_bytes).map_err(|e| failure_err(py, &e))?;
        Ok(PyDrafter::new_with(inner))
    }

    /// Writes `to_bytes()` to `path` (through a temporary file beside it,
    /// so a crash never leaves half a file).
    fn save(&self, path: std::path::PathBuf) -> PyResult<()> {
        let tmp = path.with_extension("tmp-drafter");
        std::fs::write(&tmp, self.inner.to_bytes())?;
        std::fs::rename(&tmp, &path)?;
        Ok(())
    }

    /// A drafter saved by `save`.
    #[staticmethod]
    #[pyo3(signature = (path, *, max_bytes=256 << 20), text_signature = "(path, *, max_bytes=268435456)")]
    fn load(py: Python<'_>, path: std::path::PathBuf, max_bytes: usize) -> PyResult<Self> {
        let data = std::fs::read(&path)?;
        let inner = Drafter::from_bytes(&data, max_bytes)
            .map_err(|e| failure_err(py, &e.context(format!("{}: ", path.display()))))?;
        Ok(PyDrafter::new_with(inner))
    }

    fn __repr__(&self) -> String {
        format!(
            "Drafter(vocab_size={}, source={:?}, budget={})",
            self.inner.vocab(),
            self.source(),
            self.inner.budget()
        )
    }
}
