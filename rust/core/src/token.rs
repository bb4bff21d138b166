//! Token-level matching: a byte [`Matcher`] driven by token ids.

use std::sync::Arc;

use crate::error::{ErrorKind, Failure};
use crate::mask::{drop_repeats, fill_mask, MaskScratch, TokenGrammar};
use crate::matcher::{Matcher, Probe};
use crate::vocab::{TokenId, TokenKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// A token's bytes (one rollback point in the byte matcher).
    Bytes,
    /// An EOS token: the sequence is complete.
    Eos,
    /// A token that was refused (one rollback point, sticky error).
    Refused,
}

/// One sequence's state over a [`TokenGrammar`].
///
/// A clone (a fork) shares the grammar and copies the state; the mask
/// scratch is the clone's own, fresh.
#[derive(Debug)]
pub struct TokenMatcher {
    tg: Arc<TokenGrammar>,
    m: Matcher,
    history: Vec<Step>,
    /// The bytes consumed, and their length after each step.
    out: Vec<u8>,
    ends: Vec<usize>,
    error: Option<Failure>,
    /// Reused by every mask this matcher fills.
    scratch: MaskScratch,
    probe: Probe,
    /// Tokens a mask asks the matcher about (reused).
    repeats: Vec<TokenId>,
    /// Tokens that may open a key with a dead end, for the tracker's epoch.
    risky: (Option<u64>, Vec<TokenId>),
    opened: Vec<TokenId>,
}

impl Clone for TokenMatcher {
    fn clone(&self) -> TokenMatcher {
        TokenMatcher {
            tg: self.tg.clone(),
            m: self.m.clone(),
            history: self.history.clone(),
            out: self.out.clone(),
            ends: self.ends.clone(),
            error: self.error.clone(),
            scratch: MaskScratch::default(),
            probe: Probe::default(),
            repeats: Vec::new(),
            risky: (None, Vec::new()),
            opened: Vec::new(),
        }
    }
}

impl TokenMatcher {
    pub fn new(tg: Arc<TokenGrammar>) -> TokenMatcher {
        let m = Matcher::new(tg.grammar.clone());
        TokenMatcher {
            tg,
            m,
            history: Vec::new(),
            out: Vec::new(),
            ends: Vec::new(),
            error: None,
            scratch: MaskScratch::default(),
            probe: Probe::default(),
            repeats: Vec::new(),
            risky: (None, Vec::new()),
            opened: Vec::new(),
        }
    }

    pub fn token_grammar(&self) -> &Arc<TokenGrammar> {
        &self.tg
    }

    /// The byte-level matcher underneath.
    pub fn byte_matcher(&self) -> &Matcher {
        &self.m
    }

    fn stopped(&self) -> bool {
        self.history.last() == Some(&Step::Eos)
    }

    /// Consumes one token. On refusal the matcher enters a sticky error
    /// state (undone by `rollback(1)`) and the reason is returned: of kind
    /// [`ErrorKind::Match`] when the grammar does not allow the token,
    /// [`ErrorKind::Argument`] for an id with no token, or the kind of the
    /// budget or missing feature that stopped the byte matcher.
    pub fn consume(&mut self, token: TokenId) -> Result<(), Failure> {
        if let Some(e) = self.error.clone() {
            // Still one rollback point, so rollback counts stay aligned.
            self.m.consume_bytes(&[]);
            self.push(Step::Refused, &[]);
            return Err(e);
        }
        let refuse = |this: &mut Self, e: Failure| {
            this.m.consume_bytes(&[]);
            this.push(Step::Refused, &[]);
            this.error = Some(e.clone());
            Err(e)
        };
        if self.stopped() {
            return refuse(
                self,
                Failure::rejected(format!("token {token} after the end of the sequence (EOS)")),
            );
        }
        // A special token the grammar names is read as its terminal where
        // the grammar allows it, even when it is also an EOS token.
        if let Some(term) = self.tg.special_terminal(token) {
            if self.m.special_allowed(term) {
                let ok = self.m.consume_special(term);
                debug_assert!(ok);
                let tg = self.tg.clone();
                self.push(Step::Bytes, tg.vocab.bytes_or_empty(token));
                return Ok(());
            }
        }
        let tg = self.tg.clone();
        let vocab = &tg.vocab;
        if vocab.eos_token_ids().contains(&token) {
            if self.m.is_accepting() {
                self.m.consume_bytes(&[]);
                self.push(Step::Eos, &[]);
                return Ok(());
            }
            return refuse(
                self,
                Failure::rejected(format!("EOS token {token} before the output is complete")),
            );
        }
        match vocab.kind(token) {
            TokenKind::Normal => {
                let bytes = vocab.token_bytes(token).unwrap_or(&[]);
                if bytes.is_empty() {
                    return refuse(
                        self,
                        Failure::argument(format!("token {token} has no bytes")),
                    );
                }
                let ok = self.m.consume_bytes(bytes);
                self.settle(ok, bytes, |e| {
                    e.context(format!(
                        "token {token} ({:?}) is not allowed: ",
                        String::from_utf8_lossy(bytes)
                    ))
                })
            }
            TokenKind::Special => match self.tg.special_terminal(token) {
                Some(term) => {
                    // Not allowed here (allowed ones were taken above).
                    let ok = self.m.consume_special(term);
                    self.settle(ok, &[], |e| e)
                }
                None => refuse(
                    self,
                    Failure::rejected(format!("special token {token} is not allowed")),
                ),
            },
            TokenKind::Missing => refuse(
                self,
                Failure::argument(format!("token id {token} has no token")),
            ),
        }
    }

    fn push(&mut self, step: Step, bytes: &[u8]) {
        self.history.push(step);
        self.out.extend_from_slice(bytes);
        self.ends.push(self.out.len());
    }

    /// The bytes consumed so far (EOS adds none; a special token the
    /// grammar names adds its text).
    pub fn output(&self) -> &[u8] {
        &self.out
    }

    /// Records a step the byte matcher took (`ok`) or refused (its error,
    /// as `why` words it, becomes the sticky error).
    fn settle(
        &mut self,
        ok: bool,
        bytes: &[u8],
        why: impl FnOnce(Failure) -> Failure,
    ) -> Result<(), Failure> {
        if ok {
            self.push(Step::Bytes, bytes);
            return Ok(());
        }
        self.push(Step::Refused, &[]);
        let e = why(match self.m.error() {
            Some(e) => e.to_failure(),
            None => Failure::rejected("refused"),
        });
        self.error = Some(e.clone());
        Err(e)
    }

    /// Consumes tokens in order; stops at the first refused one. Returns how
    /// many were consumed.
    pub fn consume_tokens(&mut self, tokens: &[TokenId]) -> usize {
        for (i, &t) in tokens.iter().enumerate() {
            if self.consume(t).is_err() {
                return i;
            }
        }
        tokens.len()
    }

    /// Whether `token` could be consumed now. Does not change the state.
    pub fn try_consume(&mut self, token: TokenId) -> bool {
        self.try_consume_checked(token).unwrap_or(false)
    }

    /// [`TokenMatcher::try_consume`], telling a budget that ran out or a
    /// missing feature (an error) from a refusal (false). The state does
    /// not change either way.
    pub fn try_consume_checked(&mut self, token: TokenId) -> Result<bool, Failure> {
        if self.error.is_some() || self.stopped() {
            return Ok(false);
        }
        if let Some(term) = self.tg.special_terminal(token) {
            if self.m.special_allowed(term) {
                return Ok(true);
            }
        }
        let vocab = &self.tg.vocab;
        if vocab.eos_token_ids().contains(&token) {
            return Ok(self.m.is_accepting());
        }
        let Some(bytes) = vocab.token_bytes(token) else {
            return Ok(false);
        };
        if bytes.is_empty() {
            return Ok(false);
        }
        let tg = self.tg.clone();
        let bytes = tg.vocab.token_bytes(token).unwrap_or(&[]);
        let ok = self.m.consume_bytes(bytes);
        let failed = match self.m.error() {
            Some(e) if e.error_kind() != ErrorKind::Match => Some(e.to_failure()),
            _ => None,
        };
        self.m.rollback(1);
        match failed {
            Some(e) => Err(e),
            None => Ok(ok),
        }
    }

    /// Undoes the last `n` consume calls (all of them if `n` is larger).
    pub fn rollback(&mut self, n: usize) {
        let n = n.min(self.history.len());
        self.history.truncate(self.history.len() - n);
        self.ends.truncate(self.history.len());
        self.out.truncate(self.ends.last().copied().unwrap_or(0));
        self.m.rollback(n);
        // Errors are sticky: every step after a refusal is a refusal, so
        // the error stays exactly when the last step left is one.
        if self.history.last() != Some(&Step::Refused) {
            self.error = None;
        }
    }

    /// Number of consume calls that can be rolled back.
    pub fn depth(&self) -> usize {
        self.history.len()
    }

    /// Back to the start.
    pub fn reset(&mut self) {
        self.m.reset();
        self.history.clear();
        self.ends.clear();
        self.out.clear();
        self.error = None;
    }

    pub fn is_error(&self) -> bool {
        self.error.is_some()
    }

    pub fn error(&self) -> Option<&Failure> {
        self.error.as_ref()
    }

    /// Whether the output so far is complete (EOS would be allowed).
    pub fn is_accepting(&self) -> bool {
        self.error.is_none() && (self.stopped() || self.m.is_accepting())
    }

    /// Whether generation is over: EOS consumed, or nothing but EOS allowed.
    pub fn is_finished(&self) -> bool {
        self.error.is_none() && (self.stopped() || self.m.is_finished())
    }

    /// Writes the allowed tokens into `out` (`mask_words` u32 words).
    /// Fails (with an empty mask) when a budget runs out or the grammar
    /// needs a feature corral lacks, and on a buffer too small.
    pub fn fill_mask(&mut self, out: &mut [u32]) -> Result<(), Failure> {
        let words = self.tg.vocab.mask_words();
        if out.len() < words {
            return Err(Failure::argument(format!(
                "mask has {} words, needs {words}",
                out.len()
            )));
        }
        let out = &mut out[..words];
        if self.error.is_some() || self.stopped() {
            out.fill(0);
            return Ok(());
        }
        fill_mask(&mut self.m, &self.tg, &mut self.scratch, out)?;
        if let Some(t) = &self.m.keys {
            let mut items = std::mem::take(&mut self.repeats);
            let mut opened = std::mem::take(&mut self.opened);
            drop_repeats(
                &self.m,
                t,
                &self.tg,
                &mut self.probe,
                out,
                &mut items,
                &mut opened,
                &mut self.risky,
            );
            let asked = self.ask_opened(&opened, out, &mut items);
            self.opened = opened;
            if let Err(e) = asked {
                out.fill(0);
                self.repeats = items;
                return Err(e);
            }
            // A repeated item is refused only where the parse closes it
            // for an array whose items must be distinct: the matcher says.
            for &tok in &items {
                match self.try_consume_checked(tok) {
                    Ok(true) => {}
                    Ok(false) => out[(tok / 32) as usize] &= !(1 << (tok % 32)),
                    Err(e) => {
                        out.fill(0);
                        return Err(e);
                    }
                }
            }
            self.repeats = items;
        }
        Ok(())
    }

    /// Decides the tokens that open a key and end inside it (`opened`):
    /// the text up to the key's quote is consumed once for all the tokens
    /// that share it, and the lexer then tells whether the key each token
    /// leaves has a way out. A token the shortcut cannot decide goes to
    /// `items`, for a whole try.
    fn ask_opened(
        &mut self,
        opened: &[TokenId],
        out: &mut [u32],
        items: &mut Vec<TokenId>,
    ) -> Result<(), Failure> {
        if opened.is_empty() {
            return Ok(());
        }
        let tg = self.tg.clone();
        let split = |tok: TokenId| {
            let b = tg.vocab.bytes_or_empty(tok);
            let q = b.iter().rposition(|&c| c == b'"')?;
            // A quote after a backslash may be escaped: no shortcut.
            (q == 0 || b[q - 1] != b'\\').then(|| b.split_at(q + 1))
        };
        let mut todo: Vec<(&[u8], &[u8], TokenId)> = Vec::with_capacity(opened.len());
        for &tok in opened {
            match split(tok) {
                Some((head, rest)) => todo.push((head, rest, tok)),
                None => items.push(tok),
            }
        }
        todo.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut i = 0;
        while i < todo.len() {
            let head = todo[i].0;
            let end = i + todo[i..].iter().take_while(|x| x.0 == head).count();
            let ok = self.m.consume_bytes(head);
            let failed = match self.m.error() {
                Some(e) if e.error_kind() != ErrorKind::Match => Some(e.to_failure()),
                _ => None,
            };
            let at_key_start = ok && self.m.keys.as_ref().is_some_and(|t| t.at_key_start());
            for &(_, rest, tok) in &todo[i..end] {
                if failed.is_some() {
                    break;
                }
                if !ok {
                    out[(tok / 32) as usize] &= !(1 << (tok % 32));
                    continue;
                }
                match at_key_start.then(|| self.m.key_way_out_after(rest)) {
                    Some(Ok(true)) => {}
                    Some(Ok(false)) => out[(tok / 32) as usize] &= !(1 << (tok % 32)),
                    _ => items.push(tok),
                }
            }
            self.m.rollback(1);
            if let Some(e) = failed {
                return Err(e);
            }
            i = end;
        }
        items.sort_unstable();
        items.dedup();
        Ok(())
    }

    /// Bytes every continuation starts with.
    pub fn forced_bytes(&mut self) -> Vec<u8> {
        if self.error.is_some() || self.stopped() {
            return Vec::new();
        }
        self.m.forced_bytes()
    }
}

/// Fills one mask row per matcher, in parallel (rayon). `out` holds
/// `matchers.len()` rows of `words` u32 words. Each matcher's result is
/// returned in order.
pub fn fill_masks(
    matchers: &mut [&mut TokenMatcher],
    out: &mut [u32],
    words: usize,
) -> Vec<Result<(), Failure>> {
    use rayon::prelude::*;
    if out.len() < matchers.len() * words {
        return matchers
            .iter()
            .map(|_| {
                Err(Failure::argument(format!(
                    "the bitmask has fewer than {} rows",
                    matchers.len()
                )))
            })
            .collect();
    }
    matchers
        .par_iter_mut()
        .zip(out.par_chunks_mut(words))
        .map(|(m, row)| m.fill_mask(row))
        .collect()
}
