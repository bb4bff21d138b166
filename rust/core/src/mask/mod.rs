//! Token masks: which tokens keep the output a viable prefix.
//!
//! The token trie is walked through the lexer: a dead lexer state skips a
//! whole subtree. What a walk from one lexer state finds splits in two, and
//! both parts are cached in the [`TokenGrammar`], shared by all its
//! matchers:
//!
//! - tokens whose bytes stay inside the current lexeme (the lexer stays
//!   alive to the token's last byte): valid whatever the parser says (the
//!   context-independent part);
//! - *boundaries*: trie nodes where terminals can end, grouped by the set
//!   of terminals ending (and any look-ahead still pending). Whether the
//!   parser takes them depends only on the thread's Earley row and that
//!   set, so one parser step decides a whole group: every token ending at
//!   one of its nodes is in or out together. Where nothing follows in the
//!   trie and every grammar symbol is productive, not even a step is
//!   needed: a row always takes a terminal it expects.
//!
//! Below a group's nodes new lexemes start, from the rows its parser step
//! made. The walk below *all* of a group's nodes is one cached walk per
//! lexer state the new lexeme starts in, so a mask costs a handful of
//! cache lookups and parser steps, not one per token that crosses a
//! boundary. Root walks are cached per (lexer state, look-ahead); the rest
//! hang off their group.
//!
//! Threads (the alternatives a matcher holds) are walked one at a time: a
//! token is allowed when some thread allows it. Parser steps are memoised
//! by (row, group) for the whole mask, their rows kept in the chart until
//! the mask is done, and a (walk, row) pair is visited once, so grammars
//! with many ways to split a token stay polynomial.
//!
//! A pending look-ahead (a terminal's trailing `(?!...)` or `(?=...)`) is
//! part of the walk's state: the cached walk steps its DFA alongside the
//! lexer, drops a subtree where it fails and forgets it once it holds, so
//! the usual word-boundary tests (`(?![a-z0-9_])`) cost nothing extra.
//! Greedily matched ignored text (lark's `%ignore`) excludes the bytes that
//! would extend it from the next lexeme's first byte, likewise.

mod cache;
mod counted;
mod entry;
mod env;
mod fill;
mod keys;
#[cfg(test)]
mod tests;
mod tokenset;
mod walk;

pub use cache::{MaskConfig, TokenGrammar};
pub use env::TokEnv;
pub(crate) use fill::{fill_mask, MaskScratch};
pub(crate) use keys::drop_repeats;
