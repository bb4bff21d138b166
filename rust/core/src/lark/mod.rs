//! The Lark front-end: Lark grammar text -> [`Grammar`].
//!
//! Covers the syntax of the `lark` package: rules and TERMINALS, strings
//! (with `i`), `/regex/flags`, `? * + [ ] ~ n..m` and `{m,n}`, aliases,
//! `?rule` / `!rule` / `_rule`, priorities, templates, `%import` (the shipped
//! `common` library, other grammar files, renames, name lists), `%ignore`,
//! `%declare`, `%override`, `%extend` and comments. Tree-shaping features
//! (aliases, `?`, `!`, `_`) do not change the language and are accepted.
//!
//! - `tokens`, `syntax`: the text -> statements and expressions (`ast`);
//! - `imports`: grammar files and their `%import`s, `%override`s and
//!   `%extend`s -> one table of definitions;
//! - `lower`: definitions -> the grammar IR, with `terminals`, `templates`
//!   and `json` (`%json` schemas) for those parts.

mod ast;
mod imports;
mod json;
mod lower;
mod options;
mod syntax;
mod templates;
mod terminals;
mod tokens;

use std::path::Path;

use crate::grammar::{Grammar, GrammarError};

use imports::Loader;
use lower::lower;

pub use imports::COMMON_LARK;
pub use options::{LarkOptions, DEFAULT_MAX_NESTING};

/// Parses Lark grammar text. `name` is used in messages (a path or `<string>`);
/// relative `%import`s are resolved against the folder of `name` if it is a path.
pub fn parse_lark(text: &str, name: &str, opts: &LarkOptions) -> Result<Grammar, GrammarError> {
    let mut l = Loader::new(opts);
    let dir = Path::new(name).parent().map(Path::to_path_buf);
    let main = l.load_module(text.to_owned(), name.to_owned(), dir)?;
    lower(&l, &main, opts)
}

/// Reads and parses a Lark grammar file.
pub fn parse_lark_file(path: &Path, opts: &LarkOptions) -> Result<Grammar, GrammarError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| GrammarError::unplaced(format!("{}: {e}", path.display())))?;
    parse_lark(&text, &path.display().to_string(), opts)
}

#[cfg(test)]
mod tests;
