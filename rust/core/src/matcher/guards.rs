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

impl Matcher {
    /// Whether the key in progress can still close as one its object does
    /// not have, along some thread of `next` (true where no repeat is near,
    /// or where a key can end in too many ways to list).
    pub(super) fn key_has_way_out(&self, next: &[Thread]) -> Result<bool, Failure> {
        let Some(t) = &self.keys else {
            return Ok(true);
        };
        let Some((raw, _)) = t.key_at_risk() else {
            return Ok(true);
        };
        if t.keys_all_free() {
            return Ok(true);
        }
        let mut key = Vec::with_capacity(raw.len() + 16);
        for th in next.iter().filter(|th| !th.fresh) {
            let Some(endings) = self.g.key_endings(th.lex)? else {
                return Ok(true);
            };
            for e in endings.iter() {
                key.clear();
                key.extend_from_slice(raw);
                key.extend_from_slice(&e[..e.len() - 1]);
                if !t.key_repeats(&key) {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// For each of `rests` (raw texts that go on along the key in
    /// progress, no quote among them): the most bytes of it after which
    /// the key still has a way out, [`Matcher::key_way_out_after`] for
    /// every prefix at once. A new key the lexer can end from here, spelled
    /// `e`, is a way out after exactly the prefixes of a rest that `e`
    /// starts with. `None` where the lexer cannot list the endings (or an
    /// escape is half written): ask each prefix.
    pub(crate) fn key_way_out_lengths(
        &self,
        rests: &[Vec<u8>],
    ) -> Result<Option<Vec<usize>>, Failure> {
        let Some(t) = &self.keys else {
            return Ok(None);
        };
        let Some((raw, false)) = t.key_at_risk() else {
            return Ok(None);
        };
        let mut out = vec![0usize; rests.len()];
        let mut key = Vec::with_capacity(raw.len() + 16);
        let mut any = false;
        for th in self.threads.iter().filter(|th| !th.fresh) {
            any = true;
            let Some(endings) = self.g.key_endings(th.lex)? else {
                return Ok(None);
            };
            for e in endings.iter() {
                let e = &e[..e.len() - 1];
                if !out
                    .iter()
                    .zip(rests)
                    .any(|(&l, r)| l < r.len() && e.starts_with(&r[..l + 1]))
                {
                    // Lengthens no rest's way out.
                    continue;
                }
                key.clear();
                key.extend_from_slice(raw);
                key.extend_from_slice(e);
                if t.key_repeats(&key) {
                    continue;
                }
                for (l, r) in out.iter_mut().zip(rests) {
                    let common = r.iter().zip(e).take_while(|(a, b)| a == b).count();
                    *l = (*l).max(common);
                }
            }
        }
        Ok(any.then_some(out))
    }

    /// Whether `bytes` (no quote among them) going on along the key in
    /// progress leave it a way out: [`Matcher::key_has_way_out`] after
    /// them, from the lexer alone.
    pub(crate) fn key_way_out_after(&self, bytes: &[u8]) -> Result<bool, Failure> {
        let Some(t) = &self.keys else {
            return Ok(true);
        };
        let Some((raw, _)) = t.key_at_risk() else {
            return Ok(true);
        };
        let lexer = &self.g.lexer;
        // Endings spelled without escapes, after a prefix without any, end
        // distinct keys: more of them than the object has keys leave a new
        // one (the common case, told without comparing keys).
        let plain_prefix = !raw.contains(&b'\\') && !bytes.contains(&b'\\');
        let have = t.top_key_count();
        let mut key = Vec::with_capacity(raw.len() + bytes.len() + 16);
        for th in self.threads.iter().filter(|th| !th.fresh) {
            let mut s = th.lex;
            for &b in bytes {
                s = lexer.step(s, b)?;
                if s == LexState::DEAD {
                    break;
                }
            }
            if s == LexState::DEAD {
                continue;
            }
            let Some(endings) = self.g.key_endings(s)? else {
                return Ok(true);
            };
            if plain_prefix
                && endings
                    .iter()
                    .filter(|e| !e.contains(&b'\\'))
                    .take(have + 1)
                    .count()
                    > have
            {
                return Ok(true);
            }
            for e in endings.iter() {
                key.clear();
                key.extend_from_slice(raw);
                key.extend_from_slice(bytes);
                key.extend_from_slice(&e[..e.len() - 1]);
                if !t.key_repeats(&key) {
                    return Ok(true);
                }
            }
        }
        Ok(false)
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
