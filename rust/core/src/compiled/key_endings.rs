//! The ways a key can end from a lexer state inside it, listed once per
//! state: what the matcher asks to tell whether a key in progress can still
//! become one its object does not have.

use rustc_hash::FxHashMap;

use super::{CompiledGrammar, Endings};
use crate::error::Failure;
use crate::lexer::LexState;

/// Most endings kept for one state, and most lexer steps spent finding them.
const MAX_KEY_ENDINGS: usize = 1024;
const MAX_ENDING_STEPS: usize = 1 << 16;

impl CompiledGrammar {
    /// Every text that ends a key from lexer state `s` (to its closing
    /// quote, included), where there are at most [`MAX_KEY_ENDINGS`]; None
    /// where there are more (or endlessly many).
    pub(crate) fn key_endings(&self, s: LexState) -> Result<Option<Endings>, Failure> {
        if let Some(e) = self
            .key_endings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&s)
        {
            return Ok(e.clone());
        }
        let mut out: Vec<Box<[u8]>> = Vec::new();
        let mut steps = 0usize;
        // Depth first along the DFA, the path so far in `path`.
        let mut path: Vec<u8> = Vec::new();
        let mut stack: Vec<(LexState, u16)> = vec![(s, 0)];
        let mut on_path: FxHashMap<LexState, ()> = FxHashMap::default();
        on_path.insert(s, ());
        let mut endless = false;
        while let Some(&mut (st, ref mut next)) = stack.last_mut() {
            if *next > 255 {
                stack.pop();
                on_path.remove(&st);
                path.pop();
                continue;
            }
            let b = *next as u8;
            *next += 1;
            steps += 1;
            if steps > MAX_ENDING_STEPS || out.len() > MAX_KEY_ENDINGS || path.len() > 512 {
                endless = true;
                break;
            }
            let ns = self.lexer.step(st, b)?;
            if ns == LexState::DEAD {
                continue;
            }
            let info = self.lexer.info(ns);
            if b == b'"' && !info.accepts.is_empty() {
                let mut e = path.clone();
                e.push(b);
                out.push(e.into());
                continue;
            }
            if !info.live {
                continue;
            }
            if on_path.contains_key(&ns) {
                endless = true;
                break;
            }
            on_path.insert(ns, ());
            path.push(b);
            stack.push((ns, 0));
        }
        let r: Option<Endings> = (!endless).then(|| out.into());
        self.key_endings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(s, r.clone());
        Ok(r)
    }
}
