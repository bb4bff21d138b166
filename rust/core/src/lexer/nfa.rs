//! Thompson NFAs from regular expressions, and dense numbering of lazy DFA
//! states: the pieces every lexer automaton is built from.

use regex_automata::hybrid::LazyStateID;
use regex_automata::nfa::thompson;
use rustc_hash::FxHashMap;

use super::error::build_failure;
use crate::error::Failure;

/// Numbers lazy DFA state ids densely, in order of first sight.
pub(crate) fn intern_id(
    ids: &mut Vec<LazyStateID>,
    index: &mut FxHashMap<LazyStateID, u32>,
    id: LazyStateID,
) -> u32 {
    if let Some(&i) = index.get(&id) {
        return i;
    }
    let i = ids.len() as u32;
    ids.push(id);
    index.insert(id, i);
    i
}

/// An NFA for `hir`, at most `limit` bytes.
pub(crate) fn build_nfa(
    hir: &regex_syntax::hir::Hir,
    limit: usize,
) -> Result<thompson::NFA, Failure> {
    thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .nfa_size_limit(Some(limit))
                .shrink(false),
        )
        .build_from_hir(hir)
        .map_err(|e| build_failure(&e, e.size_limit().is_some()))
}
