//! Python `re` patterns, parsed the way `re` parses them and written out in
//! regex-syntax's dialect with every construct spelled explicitly.
//!
//! Lark terminals are Python regexes, so Python decides what a pattern
//! means and whether it is valid at all. The two dialects differ in many
//! small ways (verbose mode inside classes, `--`/`&&`/`~~` in classes,
//! `{,}`, `\w`, octal escapes, which flags exist and where they may stand),
//! so nothing is passed through for regex-syntax to interpret: literals
//! become `\x{..}` escapes, classes are rebuilt item by item, Python's
//! categories become explicit Unicode classes, verbose whitespace and
//! comments are dropped here. Errors carry the byte offset in the pattern
//! and Python's wording where Python refuses the pattern too; constructs
//! Python accepts but a DFA cannot express are refused with a message that
//! starts with "not supported:", once the whole pattern has been read (a
//! pattern Python refuses is reported as invalid, whatever else it holds).
//!
//! The parser is iterative (a stack of open groups), and groups may nest
//! at most [`MAX_GROUP_NESTING`] deep, which bounds the depth of the regex
//! that later stages (regex-syntax, regex-automata's compiler) walk.
//!
//! - `parser`: the parser's state, the main loop over a pattern and
//!   repetitions ([`translate`], [`structure`]);
//! - `groups`: groups, their names and inline flags;
//! - `escapes`: escapes and classes;
//! - `chars`: character sets and how literals are written out.

mod chars;
mod escapes;
mod groups;
mod parser;

pub use parser::{structure, translate, PyError, MAX_GROUP_NESTING};

#[cfg(test)]
mod tests;
