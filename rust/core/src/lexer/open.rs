//! Open string text: where a token walk inside a string is the scan of
//! its text but for the tokens that close it (a string under an unanchored
//! pattern, before the pattern is found).

use std::sync::Arc;

use super::component::Machine;
use super::state::LexState;
use super::text::{explore_text, CompText, Open};
use super::{counted, Builder, Lexer};
use crate::error::Failure;

impl Lexer {
    /// Whether `s` is inside *open* string text at `place` of `machine`:
    /// one variant alive that any text keeps alive without matching inside
    /// it, and that a closing quote either ends (matching, with nothing
    /// alive after) or kills. That is the text of a string under an
    /// unanchored pattern (before the pattern is found, only the closing
    /// quote depends on the text so far). There a token walk is the
    /// vocabulary's scan of the text, but for the tokens that close it,
    /// each stepped on its own (see `TokenGrammar::open_text_sub`). Found
    /// by walking the variant with the text (at most [`OPEN_PAIRS`] pairs
    /// of states), once per state, machine and place; every pair met on
    /// the way is then known open too.
    pub fn open_text_at(
        &self,
        s: LexState,
        machine: &Arc<counted::CountedString>,
        place: u32,
    ) -> Result<bool, Failure> {
        let mut b = self.lock();
        let key = (s, machine.unit_key(), place);
        if let Some(&r) = b.open.get(&key) {
            return Ok(r);
        }
        // A product's states (an object key's names) cost a search each:
        // past the names, an object key is plain text already.
        let r = match self.sole_text_component(&b, s) {
            Some((c, q)) => match &self.comps[c as usize].dfa {
                Machine::Table(_) => {
                    self.open_walk(&mut b, c, q, place, machine, OPEN_TABLE_PAIRS)?
                }
                Machine::Lazy(_) => self.open_walk(&mut b, c, q, place, machine, OPEN_PAIRS)?,
                _ => false,
            },
            None => false,
        };
        b.open.insert(key, r);
        Ok(r)
    }

    /// [`Lexer::open_text_at`] of component `c` from its state `q0`. A
    /// component with more than `max` pairs to explore is left to the
    /// usual walk for good (a lazy DFA's states are costly to make: a
    /// count in an unanchored pattern, `[0-9a-f]{64}`, has hundreds).
    fn open_walk(
        &self,
        b: &mut Builder,
        c: u32,
        q0: u32,
        place: u32,
        machine: &counted::CountedString,
        max: usize,
    ) -> Result<bool, Failure> {
        let unit = machine.unit_key();
        if let Some(&r) = b.open_pairs.get(&(c, q0, unit, place)) {
            return Ok(r);
        }
        if b.open_pairs.get(&(c, u32::MAX, unit, 0)) == Some(&false) {
            return Ok(false);
        }
        let j = self.joint_for(b, &[c], machine);
        let mut known = std::mem::take(&mut b.open_pairs);
        let mut comp = CompText {
            lexer: self,
            b,
            c,
            machine,
            product: None,
        };
        let found = explore_text(&mut comp, (q0, place), machine, &j, max, true, |q, u| {
            known.get(&(c, q, unit, u)).copied()
        });
        match &found {
            Ok(Open::Yes(pairs)) => {
                known.extend(pairs.iter().map(|&(q, u)| ((c, q, unit, u), true)));
            }
            Ok(Open::No) => {
                known.insert((c, q0, unit, place), false);
            }
            Ok(Open::TooLarge) => {
                known.insert((c, u32::MAX, unit, 0), false);
            }
            Err(_) => {}
        }
        b.open_pairs = known;
        Ok(matches!(found?, Open::Yes(_)))
    }
}

/// Most pairs of states [`explore_text`] explores for a lazy DFA, a
/// millisecond's work or two (each pair makes DFA states): past it the
/// walk makes only the states tokens reach.
const OPEN_PAIRS: usize = 96;

/// The same for a table, whose steps are lookups.
const OPEN_TABLE_PAIRS: usize = 4096;
