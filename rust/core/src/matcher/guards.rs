//! Value guards: checks on an object or array value where its rule is
//! completed ([`crate::grammar::Grammar::value_guards`]). The value is the
//! container the tracker saw close; it must be none of the guard's values
//! (by JSON equality) and in the language of none of its nonterminals,
//! which a matcher started at each one reads.
//!
//! And dead ends of distinct keys: a key in progress that can only become
//! one its object has is refused at once, not at its closing quote.

use std::cell::RefCell;
use std::sync::Arc;

use super::{JsonTracker, Matcher, StepFail, Thread};
use crate::compiled::CompiledGrammar;
use crate::error::Failure;
use crate::lexer::json_value::canonical;
use crate::lexer::LexState;

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

/// Most lexer steps one dead-end search may take; past it the key is taken
/// to have a way out.
const MAX_KEY_SEARCH: usize = 1 << 14;

impl Matcher {
    /// Whether the key in progress can still close as one its object does
    /// not have, along some thread of `next` (true where no repeat is near).
    pub(super) fn key_has_way_out(&self, next: &[Thread]) -> Result<bool, Failure> {
        let Some(t) = &self.keys else {
            return Ok(true);
        };
        let Some((raw, esc)) = t.key_at_risk() else {
            return Ok(true);
        };
        if t.keys_all_free() {
            return Ok(true);
        }
        let lexer = &self.g.lexer;
        let mut budget = MAX_KEY_SEARCH;
        let mut key = Vec::with_capacity(raw.len() + 16);
        for th in next.iter().filter(|th| !th.fresh) {
            // Breadth first: short ways out first.
            let mut level: Vec<(LexState, Vec<u8>, bool)> = vec![(th.lex, Vec::new(), esc)];
            while !level.is_empty() {
                let mut deeper = Vec::new();
                for (st, suffix, esc) in level {
                    for b in 0..=255u8 {
                        if budget == 0 {
                            return Ok(true);
                        }
                        budget -= 1;
                        let ns = lexer.step(st, b)?;
                        if ns == LexState::DEAD {
                            continue;
                        }
                        if b == b'"' && !esc {
                            if !lexer.info(ns).accepts.is_empty() {
                                key.clear();
                                key.extend_from_slice(raw);
                                key.extend_from_slice(&suffix);
                                if !t.key_repeats(&key) {
                                    return Ok(true);
                                }
                            }
                            continue;
                        }
                        if lexer.info(ns).live {
                            let mut s2 = suffix.clone();
                            s2.push(b);
                            deeper.push((ns, s2, !esc && b == b'\\'));
                        }
                    }
                }
                level = deeper;
            }
        }
        Ok(false)
    }
}

impl Matcher {
    /// Whether the key in progress, where a repeat is near, may go on with
    /// a character that leads away from every key its object has (then no
    /// token that goes on along one of them is a dead end: other keys are
    /// open).
    pub(crate) fn key_diverges(&self) -> bool {
        let Some(t) = &self.keys else {
            return true;
        };
        let Some((raw, esc)) = t.key_at_risk() else {
            return true;
        };
        if esc {
            return false;
        }
        let lexer = &self.g.lexer;
        let mut key = raw.to_vec();
        for th in self.threads.iter().filter(|th| !th.fresh) {
            for b in 0..=255u8 {
                if b == b'"' || b == b'\\' {
                    continue;
                }
                let Ok(ns) = lexer.step(th.lex, b) else {
                    continue;
                };
                if ns == LexState::DEAD || !lexer.info(ns).live {
                    continue;
                }
                key.truncate(raw.len());
                key.push(b);
                if !t.prefix_of_a_key(&key) {
                    return true;
                }
            }
        }
        false
    }
}

/// Most lexer states one search for open keys visits; past it the keys
/// count as open.
const MAX_FREE_SEARCH: usize = 1 << 12;

impl Matcher {
    /// Where a key of the innermost object has just opened: whether some
    /// thread's key language is infinite (keys the object does not list
    /// are open), told to the tracker once per object.
    pub(super) fn note_keys_freedom(&mut self) -> Result<(), Failure> {
        let Some(t) = &self.keys else {
            return Ok(());
        };
        if !t.key_opened_freedom_unknown() {
            return Ok(());
        }
        let lexer = &self.g.lexer;
        let mut free = false;
        'threads: for th in self.threads.iter().filter(|th| !th.fresh) {
            // A cycle among the states a key's text reaches (its closing
            // quote aside): infinitely many keys.
            let mut state: rustc_hash::FxHashMap<LexState, u8> = Default::default();
            let mut stack: Vec<(LexState, u16)> = vec![(th.lex, 0)];
            state.insert(th.lex, 1);
            while let Some(&mut (s, ref mut next)) = stack.last_mut() {
                if state.len() > MAX_FREE_SEARCH {
                    free = true;
                    break 'threads;
                }
                if *next > 255 {
                    state.insert(s, 2);
                    stack.pop();
                    continue;
                }
                let b = *next as u8;
                *next += 1;
                if b == b'"' {
                    continue;
                }
                let ns = lexer.step(s, b)?;
                if ns == LexState::DEAD || !lexer.info(ns).live {
                    continue;
                }
                match state.get(&ns) {
                    Some(1) => {
                        free = true;
                        break 'threads;
                    }
                    Some(_) => {}
                    None => {
                        state.insert(ns, 1);
                        stack.push((ns, 0));
                    }
                }
            }
        }
        if let Some(t) = &mut self.keys {
            t.set_keys_free(free);
        }
        Ok(())
    }
}
