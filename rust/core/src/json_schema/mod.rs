//! JSON Schema → grammar IR.
//!
//! A schema is read into normalized nodes (`schema`), then written out
//! as rules (`emit`): objects and arrays as rules over punctuation
//! terminals, strings and numbers as terminals (with intersection and
//! complement where a pattern, a length, a bound or a `not` needs them).
//! Recursive `$ref`s become recursive rules.
//!
//! Strict by default: a keyword corral cannot enforce exactly is an error
//! naming the keyword and its JSON Pointer. With `lenient`, the schema
//! compiles anyway and each approximation is reported.

mod anchors;
mod emit;
mod error;
pub mod formats;
mod metaschemas;
pub mod numbers;
mod options;
mod overlap;
pub mod resolve;
mod schema;
#[cfg(test)]
mod tests;
pub mod text;

use std::sync::Arc;

use serde_json::Value;

use self::error::{error, limit_error};
pub use self::error::{Approximation, SchemaError};
pub use self::options::{
    Draft, Options, PropertyOrder, Whitespace, DEFAULT_MAX_DEPTH, DEFAULT_MAX_OVERLAPS,
    DEFAULT_MAX_RULES, DEFAULT_MAX_WHITESPACE, MAX_DEPTH_CEILING,
};
use crate::grammar::{Grammar, GrammarError, Source, TermId};

/// The name of a schema grammar's source (in messages).
pub const SOURCE_NAME: &str = "<json schema>";

/// A compiled schema.
pub struct Compiled {
    pub grammar: Grammar,
    pub approximations: Vec<Approximation>,
    /// Where each terminal came from (see [`TermOrigins::locate`]).
    pub term_origins: TermOrigins,
}

/// The schema location (pointer, keyword) of each terminal of a schema's
/// grammar.
#[derive(Debug, Clone, Default)]
pub struct TermOrigins(emit::Origins);

impl TermOrigins {
    /// What a lenient compile notes where terminal `t` was compiled as a
    /// superset ([`crate::compiled::Config::relax_terminals`]) because of
    /// `why`.
    pub fn relaxed(&self, t: TermId, why: &str) -> Approximation {
        let (ptr, kw) = self.0.get(t.index()).cloned().unwrap_or_default();
        Approximation {
            pointer: resolve::display_pointer(&ptr),
            keyword: kw.to_owned(),
            message: format!("{why} (its multipleOf and not conditions are left out)"),
        }
    }

    /// A grammar error about a terminal the lexer could not compile, as a
    /// schema error at the keyword and pointer the terminal came from.
    pub fn locate(&self, e: &GrammarError) -> Option<SchemaError> {
        let (ptr, kw) = self.0.get(e.term()?.index())?;
        Some(SchemaError {
            pointer: resolve::display_pointer(ptr),
            keyword: (*kw).to_owned(),
            message: e.diagnostic().message.clone(),
            kind: e.kind(),
            limit: e.limit(),
        })
    }
}

/// Compiles a schema into a grammar whose start symbol is `start`, on a
/// thread with a large stack: schemas nest (and recurse through
/// references) deeper than a default thread's stack allows.
pub fn compile(schema: &Value, opts: &Options) -> Result<Compiled, SchemaError> {
    crate::stack::on_big_stack("schema compiler", || compile_here(schema, opts))
        .unwrap_or_else(|m| Err(error("", "", m)))
}

/// Checks that `v` nests at most `max` levels of objects and arrays,
/// without recursion: every later pass over the schema recurses at most
/// that deep (and costs at most that many times its size).
fn check_depth(v: &Value, max: u32) -> Result<(), SchemaError> {
    enum Items<'v> {
        Object(serde_json::map::Iter<'v>),
        Array(std::iter::Enumerate<std::slice::Iter<'v, Value>>),
    }
    fn items(v: &Value) -> Option<Items<'_>> {
        match v {
            Value::Object(m) => Some(Items::Object(m.iter())),
            Value::Array(xs) => Some(Items::Array(xs.iter().enumerate())),
            _ => None,
        }
    }
    // The open containers, each with the pointer token that leads to it.
    let mut stack: Vec<(String, Items<'_>)> = Vec::new();
    if let Some(it) = items(v) {
        stack.push((String::new(), it));
    }
    while let Some((_, it)) = stack.last_mut() {
        let next = match it {
            Items::Object(i) => i.next().map(|(k, x)| (resolve::escape_token(k), x)),
            Items::Array(i) => i.next().map(|(j, x)| (j.to_string(), x)),
        };
        let Some((token, x)) = next else {
            stack.pop();
            continue;
        };
        let Some(it) = items(x) else { continue };
        if stack.len() >= max as usize {
            let ptr: String = stack[1..]
                .iter()
                .map(|(t, _)| t.as_str())
                .chain([token.as_str()])
                .fold(String::new(), |acc, t| acc + "/" + t);
            return Err(limit_error(
                &ptr,
                "",
                "max_depth",
                format!(
                    "the schema nests more than max_depth = {max} levels of objects and arrays"
                ),
            ));
        }
        stack.push((token, it));
    }
    Ok(())
}

fn compile_here(schema: &Value, opts: &Options) -> Result<Compiled, SchemaError> {
    schema::forget_conj_keys();
    let r = compile_fresh(schema, opts);
    schema::forget_conj_keys();
    r
}

fn compile_fresh(schema: &Value, opts: &Options) -> Result<Compiled, SchemaError> {
    check_depth(schema, opts.max_depth.min(MAX_DEPTH_CEILING))?;
    for (_, r) in &opts.resources {
        check_depth(r, opts.max_depth.min(MAX_DEPTH_CEILING))?;
    }
    if opts.whitespace != Whitespace::Compact
        && (opts.item_separator != "," || opts.key_separator != ":")
    {
        return Err(error(
            "",
            "",
            "separators apply to whitespace=\"compact\" (flexible whitespace surrounds `,` and `:`)",
        ));
    }
    let draft = opts
        .draft
        .or_else(|| {
            schema
                .get("$schema")
                .and_then(Value::as_str)
                .and_then(Draft::from_uri)
        })
        .unwrap_or(Draft::D2020);
    let (mut grammar, approximations, origins) = emit::emit(schema, draft, opts)?;
    let text = serde_json::to_string(schema).unwrap_or_default();
    grammar.sources = vec![Arc::new(Source {
        name: SOURCE_NAME.into(),
        text,
    })];
    Ok(Compiled {
        grammar,
        approximations,
        term_origins: TermOrigins(origins),
    })
}
