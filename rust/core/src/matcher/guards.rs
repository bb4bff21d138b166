//! Value guards: checks on an object or array value where its rule is
//! completed ([`crate::grammar::Grammar::value_guards`]). The value is the
//! container the tracker saw close; it must be none of the guard's values
//! (by JSON equality) and in the language of none of its nonterminals,
//! which a matcher started at each one reads.

use std::cell::RefCell;
use std::sync::Arc;

use super::{JsonTracker, Matcher, StepFail};
use crate::compiled::CompiledGrammar;
use crate::error::Failure;
use crate::lexer::json_value::canonical;

/// Most value guards checked inside one another (a guard's matcher may
/// check guards of its own, one per level of nesting).
pub(crate) const MAX_GUARD_DEPTH: u32 = 64;

impl Matcher {
    /// Pushes the row for `self.seeds`, completing guarded rules only where
    /// their guards hold on the value just closed.
    pub(super) fn push_scan_guarded(&mut self, g: &Arc<CompiledGrammar>) -> Result<u32, StepFail> {
        let failed: RefCell<Option<Failure>> = RefCell::new(None);
        let depth = self.guard_depth;
        let keys = self.keys.as_ref();
        let guard = |nt: u32| -> bool {
            match holds(g, keys, nt, depth) {
                Ok(ok) => ok,
                Err(f) => {
                    failed.borrow_mut().get_or_insert(f);
                    true
                }
            }
        };
        let k = self
            .chart
            .push_scan_guarded(&g.tables, &g.config.earley, &self.seeds, &guard)
            .map_err(Failure::from)?;
        if let Some(f) = failed.into_inner() {
            self.chart.truncate(k as usize);
            return Err(StepFail::Failed(f));
        }
        Ok(k)
    }
}

/// Whether the guard of `nt` holds on the container `keys` saw close last.
fn holds(
    g: &Arc<CompiledGrammar>,
    keys: Option<&JsonTracker>,
    nt: u32,
    depth: u32,
) -> Result<bool, Failure> {
    let (Some((values, not_in)), Some(keys)) = (g.guards.get(&nt), keys) else {
        return Ok(true);
    };
    let text = keys.last_closed();
    if !values.is_empty() {
        let mut c = Vec::new();
        if canonical(text, &mut c) && values.contains(&c) {
            return Ok(false);
        }
    }
    if !not_in.is_empty() && depth >= MAX_GUARD_DEPTH {
        return Err(Failure::limit(
            "max_guard_depth",
            format!("value checks nested more than {MAX_GUARD_DEPTH} deep (oneOf inside oneOf)"),
        ));
    }
    for &x in not_in {
        let mut m = Matcher::new_at(g.clone(), Some(x), depth + 1);
        let ok = m.consume_bytes(text);
        if let Some(e) = m.error() {
            if e.error_kind() != crate::error::ErrorKind::Match {
                return Err(e.to_failure());
            }
        }
        if ok && m.is_accepting() {
            return Ok(false);
        }
    }
    Ok(true)
}
