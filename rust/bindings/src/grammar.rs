//! `Grammar`: a language, compiled for matching bytes, from Lark text, a
//! regex or a JSON Schema.
//!
//! The bound on runs of ignored whitespace is part of the language: it is
//! chosen when the grammar is made (`whitespace_limit`, 24 by default),
//! shown in its description and fingerprint, and every matcher made from
//! the grammar, byte or token level, obeys the same one.

use std::path::PathBuf;
use std::sync::Arc;

use corral_core::json_schema::{
    compile as compile_schema, Approximation, Draft, Options as SchemaOptions, PropertyOrder,
    Whitespace, DEFAULT_MAX_WHITESPACE,
};
use corral_core::lark::{parse_lark, LarkOptions, DEFAULT_MAX_NESTING};
use corral_core::sample::{Rng, Sampler};
use corral_core::{CompiledGrammar, Config, GrammarError as CoreGrammarError, Matcher};
use pyo3::exceptions::{PyRecursionError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{grammar_err, input_err, schema_err, unplaced_grammar_err, CorralError};
use crate::matcher::PyByteMatcher;
use crate::schema_input::{drop_flat, SchemaInput, MAX_SCHEMA_DEPTH};

/// Most characters in a run of ignored whitespace, by default: masked
/// models (random ones especially) otherwise fall into endless runs of
/// spaces and newlines wherever a grammar allows them.
pub const DEFAULT_WHITESPACE_LIMIT: u32 = 24;

/// The most `max_nesting` a Lark compile may be given: at about 2 KiB of
/// stack per level, well inside the compile thread's stack.
const MAX_MAX_NESTING: usize = 20_000;

/// Most strings one `Grammar.sample` call returns.
const MAX_SAMPLES: usize = 10_000_000;
/// Derivations tried between looks at pending signals.
const SAMPLE_BATCH: usize = 256;

/// A grammar compiled for matching: immutable, shared by its matchers.
#[pyclass(name = "Grammar", module = "corral._core", frozen)]
pub struct PyGrammar {
    pub(crate) inner: Arc<CompiledGrammar>,
    fingerprint: String,
    /// What the grammar was made from, for its description.
    source: String,
    /// What a lenient JSON Schema compile approximated.
    approximations: Vec<Approximation>,
}

impl PyGrammar {
    /// The grammar a constructor compiled, or its error as a Python one.
    fn built(
        py: Python<'_>,
        r: Result<Arc<CompiledGrammar>, CoreGrammarError>,
        fingerprint: String,
        source: String,
        approximations: Vec<Approximation>,
    ) -> PyResult<Self> {
        match r {
            Ok(inner) => Ok(PyGrammar {
                inner,
                fingerprint,
                source,
                approximations,
            }),
            Err(e) => Err(grammar_err(py, &e)),
        }
    }

    /// The bound on runs of ignored whitespace the grammar was made with.
    pub(crate) fn whitespace_bound(&self) -> Option<u32> {
        self.inner.config.whitespace_limit
    }
}

/// Runs `f` on one of corral's compile threads (large stacks, kept between
/// calls): the recursive schema parser and compiler (their depth bounded
/// by `MAX_SCHEMA_DEPTH`) and the Lark compile (by `max_nesting`, at most
/// [`MAX_MAX_NESTING`]).
fn on_big_stack<R: Send>(f: impl FnOnce() -> R + Send) -> Result<R, String> {
    corral_core::stack::on_big_stack("compile", f)
}

/// A hash of what a grammar was made from and its limits, the whitespace
/// bound included (compile caches key on it).
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
            cfg.whitespace_limit,
        ),
        &mut h,
    );
    format!("{:016x}", h.finish())
}

fn config(
    whitespace_limit: Option<u32>,
    max_lexer_states: Option<usize>,
    max_items_per_row: Option<usize>,
    max_dfa_bytes: Option<usize>,
    max_chart_bytes: Option<usize>,
) -> Config {
    let mut c = Config {
        whitespace_limit,
        ..Config::default()
    };
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

/// The `resources` argument of `from_json_schema`: a mapping from URI to a
/// schema (a dict or JSON text), each read as the schema is.
fn schema_resources(
    py: Python<'_>,
    resources: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<(String, SchemaInput)>> {
    let Some(r) = resources else {
        return Ok(Vec::new());
    };
    let items = r.call_method0("items").map_err(|_| {
        PyTypeError::new_err("resources must be a mapping from URI (str) to a schema")
    })?;
    let mut out = Vec::new();
    for item in items.try_iter()? {
        let (uri, schema): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item?.extract()?;
        let uri: String = uri
            .extract()
            .map_err(|_| PyTypeError::new_err("resources: every URI must be a str"))?;
        out.push((uri, SchemaInput::new(py, &schema)?));
    }
    Ok(out)
}

/// The parts of a compile a profile chooses, each `None` where the caller
/// left it to the profile.
struct ProfileParts {
    profile: String,
    whitespace: Option<String>,
    separators: Option<(String, String)>,
    additional_properties: Option<bool>,
    integer_fraction: Option<bool>,
    escapes: Option<String>,
}

/// JSON Schema options from the keyword arguments of `from_json_schema`.
///
/// `profile="validate"` is the schema's whole language (any whitespace,
/// undeclared keys where the schema allows them, `2.0` for an integer);
/// `"generate"` is the conventional serialization of a valid instance:
/// `json.dumps` separators (`", "`, `": "`), declared keys only unless the
/// schema itself opens the object, integers as digits alone, strings in
/// their one conventional spelling (`escapes="minimal"`). An explicit
/// keyword overrides its part of the profile.
#[allow(clippy::too_many_arguments)] // keyword arguments of the Python API
fn schema_options(
    parts: ProfileParts,
    max_whitespace: Option<u32>,
    property_order: &str,
    ascii_escapes: bool,
    lenient: bool,
    draft: Option<String>,
) -> PyResult<SchemaOptions> {
    let generate = match parts.profile.as_str() {
        "generate" => true,
        "validate" => false,
        p => {
            return Err(PyValueError::new_err(format!(
                "profile must be \"generate\" or \"validate\", not {p:?}"
            )))
        }
    };
    let whitespace = parts.whitespace.unwrap_or_else(|| {
        if generate {
            "json".to_owned()
        } else {
            "flexible".to_owned()
        }
    });
    let (ws, default_separators) = match whitespace.as_str() {
        "compact" | "json" => {
            if max_whitespace.is_some() {
                return Err(PyValueError::new_err(
                    "max_whitespace applies to whitespace=\"flexible\"",
                ));
            }
            let seps = if whitespace == "json" {
                (", ", ": ")
            } else {
                (",", ":")
            };
            (Whitespace::Compact, seps)
        }
        // Separators given with it are refused by the compile (a
        // `SchemaError` naming them).
        "flexible" => (
            Whitespace::Flexible {
                max_run: max_whitespace.unwrap_or(DEFAULT_MAX_WHITESPACE),
            },
            (",", ":"),
        ),
        w if w == "indent" || w.starts_with("indent:") => {
            let width = match w.strip_prefix("indent:") {
                None => 2,
                Some(n) => n.parse::<u32>().ok().filter(|&n| n <= 16).ok_or_else(|| {
                    PyValueError::new_err(format!(
                        "whitespace={w:?}: the indent is a number of spaces from 0 to 16"
                    ))
                })?,
            };
            if max_whitespace.is_some() {
                return Err(PyValueError::new_err(
                    "max_whitespace applies to whitespace=\"flexible\"",
                ));
            }
            if parts.separators.is_some() {
                return Err(PyValueError::new_err(
                    "separators apply to whitespace=\"compact\" (indented JSON is written as \
                     json.dumps(indent=N) writes it: \",\" at line ends, \": \" after keys)",
                ));
            }
            (Whitespace::Indent { width }, (",", ":"))
        }
        w => {
            return Err(PyValueError::new_err(format!(
                "whitespace must be \"json\", \"compact\", \"flexible\", \"indent\" or \"indent:N\", not {w:?}"
            )))
        }
    };
    let mut opts = SchemaOptions {
        whitespace: ws,
        ..SchemaOptions::default()
    };
    opts.property_order = match property_order {
        "schema" => PropertyOrder::Schema,
        "any" => PropertyOrder::Any,
        o => {
            return Err(PyValueError::new_err(format!(
                "property_order must be \"schema\" or \"any\", not {o:?}"
            )))
        }
    };
    let (item, key) = parts.separators.unwrap_or((
        default_separators.0.to_owned(),
        default_separators.1.to_owned(),
    ));
    opts.item_separator = item;
    opts.key_separator = key;
    opts.additional_properties = parts.additional_properties.unwrap_or(!generate);
    opts.integer_fraction = parts.integer_fraction.unwrap_or(!generate);
    opts.allow_empty = !generate;
    opts.minimal_escapes = match parts.escapes.as_deref() {
        None => generate && !ascii_escapes,
        Some("minimal") if ascii_escapes => {
            return Err(PyValueError::new_err(
                "ascii_escapes applies to escapes=\"any\" (escapes=\"minimal\" writes each \
                 character one way)",
            ))
        }
        Some("minimal") => true,
        Some("any") => false,
        Some(e) => {
            return Err(PyValueError::new_err(format!(
                "escapes must be \"minimal\" or \"any\", not {e:?}"
            )))
        }
    };
    opts.ascii_escapes = ascii_escapes;
    opts.lenient = lenient;
    if let Some(d) = draft {
        opts.draft = Some(Draft::parse(&d).ok_or_else(|| {
            PyValueError::new_err(format!("unknown draft {d:?} (4, 6, 7, 2019-09, 2020-12)"))
        })?);
    }
    Ok(opts)
}

#[pymethods]
impl PyGrammar {
    /// Compiles Lark grammar text. `path` names the text in messages and
    /// anchors relative `%import`s. `whitespace_limit` bounds every run of
    /// ignored whitespace (the `%ignore` terminals that match only
    /// whitespace, together) to that many characters (0: none at all);
    /// None leaves the runs unbounded.
    #[staticmethod]
    #[allow(clippy::too_many_arguments)] // keyword arguments of the Python API
    #[pyo3(
        signature = (text, *, start="start".to_owned(), path=None, import_paths=Vec::new(), whitespace_limit=Some(DEFAULT_WHITESPACE_LIMIT), max_lexer_states=None, max_items_per_row=None, max_dfa_bytes=None, max_chart_bytes=None, max_nesting=None),
        text_signature = "(text, *, start='start', path=None, import_paths=[], whitespace_limit=24, max_lexer_states=None, max_items_per_row=None, max_dfa_bytes=None, max_chart_bytes=None, max_nesting=None)"
    )]
    fn from_lark(
        py: Python<'_>,
        text: String,
        start: String,
        path: Option<PathBuf>,
        import_paths: Vec<PathBuf>,
        whitespace_limit: Option<u32>,
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
            whitespace_limit,
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
        PyGrammar::built(py, r, fingerprint, name, Vec::new())
    }

    /// The language of one regular expression (Python `re` syntax; `flags`
    /// as in Lark's `/.../flags`: `i`, `m`, `s`, `x`, `u`), matched in full
    /// (as `re.fullmatch`). It has no ignored whitespace, so
    /// `whitespace_limit` changes nothing but the grammar's description.
    #[staticmethod]
    #[pyo3(
        signature = (pattern, *, flags="".to_owned(), whitespace_limit=Some(DEFAULT_WHITESPACE_LIMIT), max_lexer_states=None, max_dfa_bytes=None, max_chart_bytes=None),
        text_signature = "(pattern, *, flags='', whitespace_limit=24, max_lexer_states=None, max_dfa_bytes=None, max_chart_bytes=None)"
    )]
    fn from_regex(
        py: Python<'_>,
        pattern: String,
        flags: String,
        whitespace_limit: Option<u32>,
        max_lexer_states: Option<usize>,
        max_dfa_bytes: Option<usize>,
        max_chart_bytes: Option<usize>,
    ) -> PyResult<Self> {
        if let Some(f) = flags.chars().find(|c| !"imsxu".contains(*c)) {
            return Err(PyValueError::new_err(format!(
                "unknown regex flag {f:?} (flags: i, m, s, x, u)"
            )));
        }
        let cfg = config(
            whitespace_limit,
            max_lexer_states,
            None,
            max_dfa_bytes,
            max_chart_bytes,
        );
        let fingerprint = fingerprint(("regex", &pattern, &flags), &cfg);
        let r = py.detach(|| {
            CompiledGrammar::new(corral_core::Grammar::from_regex(&pattern, &flags), cfg)
        });
        PyGrammar::built(py, r, fingerprint, "<regex>".to_owned(), Vec::new())
    }

    /// Compiles a JSON Schema (a dict, or JSON text). Strict unless
    /// `lenient`: a keyword corral cannot enforce exactly is an error naming
    /// the keyword and its JSON Pointer; lenient compiles record what they
    /// approximated in `approximations`. The schema's whitespace is bounded
    /// by `max_whitespace`; it has no ignored whitespace, so
    /// `whitespace_limit` changes nothing but the grammar's description.
    #[staticmethod]
    #[allow(clippy::too_many_arguments)] // keyword arguments of the Python API
    #[pyo3(
        signature = (schema, *, profile="validate".to_owned(), whitespace=None, max_whitespace=None, property_order="any".to_owned(), separators=None, additional_properties=None, integer_fraction=None, escapes=None, ascii_escapes=false, lenient=false, draft=None, whitespace_limit=Some(DEFAULT_WHITESPACE_LIMIT), max_unroll=None, max_depth=None, max_rules=None, max_overlaps=None, max_lexer_states=None, max_items_per_row=None, max_dfa_bytes=None, max_chart_bytes=None, resources=None),
        text_signature = "(schema, *, profile='validate', whitespace=None, max_whitespace=None, property_order='any', separators=None, additional_properties=None, integer_fraction=None, escapes=None, ascii_escapes=False, lenient=False, draft=None, whitespace_limit=24, max_unroll=None, max_depth=None, max_rules=None, max_overlaps=None, max_lexer_states=None, max_items_per_row=None, max_dfa_bytes=None, max_chart_bytes=None, resources=None)"
    )]
    fn from_json_schema(
        py: Python<'_>,
        schema: &Bound<'_, PyAny>,
        profile: String,
        whitespace: Option<String>,
        max_whitespace: Option<u32>,
        property_order: String,
        separators: Option<(String, String)>,
        additional_properties: Option<bool>,
        integer_fraction: Option<bool>,
        escapes: Option<String>,
        ascii_escapes: bool,
        lenient: bool,
        draft: Option<String>,
        whitespace_limit: Option<u32>,
        max_unroll: Option<u32>,
        max_depth: Option<u32>,
        max_rules: Option<usize>,
        max_overlaps: Option<usize>,
        max_lexer_states: Option<usize>,
        max_items_per_row: Option<usize>,
        max_dfa_bytes: Option<usize>,
        max_chart_bytes: Option<usize>,
        resources: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let input = SchemaInput::new(py, schema)?;
        let resources = schema_resources(py, resources)?;
        let parts = ProfileParts {
            profile,
            whitespace,
            separators,
            additional_properties,
            integer_fraction,
            escapes,
        };
        let mut opts = schema_options(
            parts,
            max_whitespace,
            &property_order,
            ascii_escapes,
            lenient,
            draft,
        )?;
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
            whitespace_limit,
            max_lexer_states,
            max_items_per_row,
            max_dfa_bytes,
            max_chart_bytes,
        );
        let opts_ref = &opts;
        let read = py.detach(move || {
            on_big_stack(move || {
                let (text, value) = input.read()?;
                let mut opts = opts_ref.clone();
                for (uri, r) in resources {
                    let (_, v) = r.read().map_err(|e| format!("resource {uri:?}: {e}"))?;
                    opts.resources.push((uri, v));
                }
                let compiled = compile_schema(&value, &opts);
                let text = if opts.resources.is_empty() {
                    text
                } else {
                    // The fingerprint covers the documents referred to.
                    format!("{text}\u{2}{:?}", opts.resources)
                };
                for (_, v) in opts.resources {
                    drop_flat(v);
                }
                drop_flat(value);
                Ok((text, compiled))
            })
        });
        let (text, compiled) = read
            .map_err(CorralError::new_err)?
            .map_err(|m| input_err(py, "#".into(), m))?;
        let fingerprint = fingerprint(("json_schema", &text, format!("{opts:?}")), &cfg);
        let compiled = compiled.map_err(|e| schema_err(py, &e))?;
        let mut approximations = compiled.approximations;
        let origins = compiled.term_origins;
        // Lenient: a terminal past its budget is compiled as a superset,
        // and that is noted.
        let mut cfg = cfg;
        cfg.relax_terminals = lenient;
        let r = py.detach(|| CompiledGrammar::new(compiled.grammar, cfg));
        if let Ok(g) = &r {
            approximations.extend(g.relaxed.iter().map(|(t, why)| origins.relaxed(*t, why)));
        }
        // A terminal the lexer cannot compile is the schema's error, at the
        // keyword and pointer it came from.
        if let Err(e) = &r {
            if let Some(se) = origins.locate(e) {
                return Err(schema_err(py, &se));
            }
        }
        PyGrammar::built(
            py,
            r,
            fingerprint,
            "<JSON Schema>".to_owned(),
            approximations,
        )
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
        options: Option<&Bound<'py, PyDict>>,
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
            if !e.is_instance_of::<PyRecursionError>(py) {
                return e;
            }
            // Pydantic recursed once per level of the model's nesting.
            let err = input_err(
                py,
                "#".into(),
                format!(
                    "the model nests too deeply for Pydantic to write its JSON Schema ({e}); \
                     corral's limit is {MAX_SCHEMA_DEPTH} levels of arrays and objects"
                ),
            );
            err.set_cause(py, Some(e));
            err
        })?;
        let kwargs = match options {
            Some(d) => d.copy()?,
            None => PyDict::new(py),
        };
        if !kwargs.contains("profile")? {
            kwargs.set_item("profile", "generate")?;
        }
        py.get_type::<PyGrammar>()
            .call_method("from_json_schema", (schema,), Some(&kwargs))
    }

    /// What a lenient JSON Schema compile approximated: dicts with
    /// `pointer`, `keyword` and `message` (empty for exact grammars).
    #[getter]
    fn approximations<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        self.approximations
            .iter()
            .map(|a| {
                let d = PyDict::new(py);
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
    #[pyo3(
        signature = (path, *, start="start".to_owned(), import_paths=Vec::new(), whitespace_limit=Some(DEFAULT_WHITESPACE_LIMIT), max_lexer_states=None, max_items_per_row=None, max_dfa_bytes=None, max_chart_bytes=None, max_nesting=None),
        text_signature = "(path, *, start='start', import_paths=[], whitespace_limit=24, max_lexer_states=None, max_items_per_row=None, max_dfa_bytes=None, max_chart_bytes=None, max_nesting=None)"
    )]
    fn from_file(
        py: Python<'_>,
        path: PathBuf,
        start: String,
        import_paths: Vec<PathBuf>,
        whitespace_limit: Option<u32>,
        max_lexer_states: Option<usize>,
        max_items_per_row: Option<usize>,
        max_dfa_bytes: Option<usize>,
        max_chart_bytes: Option<usize>,
        max_nesting: Option<usize>,
    ) -> PyResult<Self> {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| unplaced_grammar_err(py, format!("{}: {e}", path.display())))?;
        Self::from_lark(
            py,
            text,
            start,
            Some(path),
            import_paths,
            whitespace_limit,
            max_lexer_states,
            max_items_per_row,
            max_dfa_bytes,
            max_chart_bytes,
            max_nesting,
        )
    }

    /// A hash of the grammar's text and options, the whitespace bound
    /// included (compile caches key on it).
    #[getter]
    fn fingerprint(&self) -> String {
        self.fingerprint.clone()
    }

    /// Most characters in a run of ignored whitespace (None: unbounded),
    /// as given when the grammar was made; every matcher obeys it.
    #[getter]
    fn whitespace_limit(&self) -> Option<u32> {
        self.whitespace_bound()
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

    /// Names of the grammar's terminals, each once (the whitespace bound
    /// adds a terminal named after the ignored ones it stands for).
    #[getter]
    fn terminals(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        self.inner
            .grammar
            .terminals
            .iter()
            .filter(|t| seen.insert(t.name.as_str()))
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
    fn matcher(&self) -> PyByteMatcher {
        PyByteMatcher::new(Matcher::new(self.inner.clone()))
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

    fn __repr__(&self) -> String {
        let limit = self
            .whitespace_bound()
            .map_or_else(|| "None".to_owned(), |n| n.to_string());
        format!(
            "Grammar({:?}, whitespace_limit={limit}, terminals={}, rules={}, fingerprint={:?})",
            self.source,
            self.terminals().len(),
            self.inner.grammar.nonterminals.len(),
            self.fingerprint
        )
    }
}
