//! Options of the Lark front-end.

use std::path::PathBuf;

/// The default [`LarkOptions::max_nesting`]: far deeper than any grammar
/// written by hand (lark itself fails with a `RecursionError` sooner), and
/// shallow enough for the stack of any thread.
pub const DEFAULT_MAX_NESTING: usize = 500;

/// Options of the Lark front-end.
#[derive(Debug, Clone)]
pub struct LarkOptions {
    /// The start rule.
    pub start: String,
    /// Folders searched by `%import` (after the importing file's folder).
    pub import_paths: Vec<PathBuf>,
    /// Most productions the lowered grammar may have (guards `~ 0..100000`
    /// and runaway templates). Also bounds the expression nodes that
    /// template instances may add up to.
    pub max_productions: usize,
    /// Deepest nesting allowed: of brackets in the text, of expressions
    /// once templates are instantiated and terminals used inside terminals
    /// are inlined, and of `%import`s. Everything that walks a grammar's
    /// expressions recurses once per level, so this bounds the stack it
    /// needs; past it the grammar is refused with an error at the place.
    pub max_nesting: usize,
}

impl Default for LarkOptions {
    fn default() -> Self {
        LarkOptions {
            start: "start".into(),
            import_paths: Vec::new(),
            max_productions: 1_000_000,
            max_nesting: DEFAULT_MAX_NESTING,
        }
    }
}
