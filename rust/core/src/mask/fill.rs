//! Filling one matcher's mask: each thread's cached walks, joined by the
//! parser steps at their boundaries (memoised for the mask).

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::cache::TokenGrammar;
use super::entry::{BoundaryKey, Entry, Group};
use super::tokenset::{set_bit, TokenSet};
use crate::error::Failure;
use crate::grammar::TermId;
use crate::lexer::{Accept, AfterAccept, LexState, LookaheadId};
use crate::matcher::{end_lexemes, Matcher, StepFail, Thread};
use crate::vocab::Vocabulary;

/// Per-mask memo: boundary steps and the (node, thread) pairs walked.
#[derive(Debug, Default, Clone)]
pub(crate) struct MaskScratch {
    /// (row, state at the boundary) -> (valid, range of `arena`).
    pub(super) steps: FxHashMap<(u32, BoundaryKey), (bool, u32, u32)>,
    /// Threads that start new lexemes after memoised boundary steps.
    pub(super) arena: Vec<Thread>,
    /// (walk, row) pairs done: a walk's address stands for the trie
    /// nodes and the lexer state it starts from.
    pub(super) visited: FxHashSet<(usize, u32)>,
    pub(super) keep: Vec<Arc<Entry>>,
    /// The last mask (EOS aside) and what it depends on: the grammar and,
    /// per thread, its row's serial and its lexer and look-ahead states.
    /// Consecutive tokens inside one lexeme (a long string) often leave
    /// all of these unchanged.
    pub(super) last_sig: Vec<(u64, LexState, LookaheadId, u32)>,
    /// The vocabulary of the last mask (held, so the comparison by address
    /// stays sound).
    pub(super) last_vocab: Option<Arc<Vocabulary>>,
    pub(super) last_mask: Vec<u32>,
    pub(super) sig: Vec<(u64, LexState, LookaheadId, u32)>,
    /// Threads and completions of one boundary step (reused).
    pub(super) ends: Vec<Thread>,
    pub(super) completions: Vec<(LookaheadId, u32, u32, TermId)>,
    /// Walk states this mask has visited (see [`MaskConfig::max_walk_states`]).
    pub(super) work: usize,
}

impl MaskScratch {
    /// Counts one walk state against the budget.
    pub(super) fn charge(&mut self, tg: &TokenGrammar) -> Result<(), Failure> {
        self.work += 1;
        if self.work > tg.config.max_walk_states {
            return Err(Failure::limit(
                "max_walk_states",
                format!(
                    "mask walk budget exceeded ({} walk states); raise max_walk_states",
                    tg.config.max_walk_states
                ),
            ));
        }
        Ok(())
    }
}

/// Writes the tokens allowed next into `out` (one bit per token id,
/// `ceil(vocab_size / 32)` words). EOS is allowed exactly when the input
/// may end here. Returns an error (and writes an empty mask) if a
/// resource limit is hit; the matcher's state does not change.
pub(crate) fn fill_mask(
    m: &mut Matcher,
    tg: &TokenGrammar,
    sc: &mut MaskScratch,
    out: &mut [u32],
) -> Result<(), Failure> {
    if m.is_error() || m.threads.is_empty() {
        out.fill(0);
        return Ok(());
    }
    sc.sig.clear();
    sc.work = 0;
    // Keyed by the walk's state (counted strings far from their bounds
    // share one), so the mask is reused along such a string.
    let horizon = tg.horizon;
    for th in &m.threads {
        let row = &m.chart.rows[th.row as usize];
        let lex = tg.grammar.lexer.walk_key(th.lex, horizon).unwrap_or(th.lex);
        sc.sig.push((row.serial, lex, th.la, th.la_state));
    }
    let same_vocab = sc
        .last_vocab
        .as_ref()
        .is_some_and(|v| Arc::ptr_eq(v, &tg.vocab));
    if same_vocab
        && Arc::ptr_eq(&tg.grammar, &m.g)
        && sc.last_sig == sc.sig
        && sc.last_mask.len() == out.len()
    {
        out.copy_from_slice(&sc.last_mask);
        add_eos(m, tg, out);
        return Ok(());
    }
    let rows = m.chart.rows.len();
    // Rows made during the walk must not be mistaken for the recorded one.
    let top_sig = m.top_sig.take();
    let threads = m.threads.clone();
    let mut result = Ok(());
    for (i, th) in threads.iter().enumerate() {
        result = tg.root_entry(*th).and_then(|e| {
            // The first walk's own tokens are copied over the zeros.
            let copied = match &*e.ci {
                TokenSet::Dense(bits) if i == 0 && bits.len() == out.len() => {
                    out.copy_from_slice(bits);
                    true
                }
                _ if i == 0 => {
                    out.fill(0);
                    false
                }
                _ => false,
            };
            mask_walk(m, tg, &e, th.row, copied, sc, out)
        });
        if result.is_err() {
            break;
        }
    }
    m.threads = threads;
    m.chart.truncate(rows);
    m.top_sig = top_sig;
    sc.steps.clear();
    sc.arena.clear();
    sc.visited.clear();
    sc.keep.clear();
    if let Err(e) = result {
        sc.last_sig.clear();
        out.fill(0);
        return Err(e);
    }
    std::mem::swap(&mut sc.last_sig, &mut sc.sig);
    sc.last_vocab = Some(tg.vocab.clone());
    sc.last_mask.clear();
    sc.last_mask.extend_from_slice(out);
    add_eos(m, tg, out);
    Ok(())
}

/// EOS and the special tokens the grammar names: they depend on more
/// than the threads' lexer states (whether a lexeme may end here), so
/// they are added after the reusable part.
fn add_eos(m: &Matcher, tg: &TokenGrammar, out: &mut [u32]) {
    if m.is_accepting() {
        for &e in tg.vocab.eos_token_ids() {
            set_bit(out, e);
        }
    }
    for &(term, tok) in &tg.specials {
        if m.special_allowed(term) {
            set_bit(out, tok);
        }
    }
}

/// Adds the tokens a thread of row `row` allows along walk `entry`.
fn mask_walk(
    m: &mut Matcher,
    tg: &TokenGrammar,
    entry: &Arc<Entry>,
    row: u32,
    ci_done: bool,
    sc: &mut MaskScratch,
    out: &mut [u32],
) -> Result<(), Failure> {
    if !ci_done {
        entry.ci.or_into(out);
    }
    for g in entry.groups.iter() {
        if g.inner.is_empty() {
            if let Some(ok) = boundary_ok(m, tg, row, g) {
                if ok {
                    g.tokens.or_into(out);
                }
                continue;
            }
        }
        let (ok, lo, hi) = boundary_step(
            m,
            tg,
            row,
            BoundaryKey {
                accept_id: g.accept_id,
                la: g.la,
                la_state: g.la_state,
            },
            &g.accepts,
            sc,
        )?;
        if !ok {
            continue;
        }
        g.tokens.or_into(out);
        if g.inner.is_empty() {
            continue;
        }
        for k in lo..hi {
            let next = sc.arena[k as usize];
            let cont = tg.continuation(g, next)?;
            if sc.visited.insert((Arc::as_ptr(&cont) as usize, next.row)) {
                sc.charge(tg)?;
                mask_walk(m, tg, &cont, next.row, false, sc, out)?;
                // Alive until the mask is done, so no other walk reuses
                // its address (walks past the cache limit are not kept).
                sc.keep.push(cont);
            }
        }
    }
    Ok(())
}

/// Whether the parser takes what ends at group `g` from row `row`,
/// without building the row that follows: when every symbol is
/// productive, exactly when some terminal ending is ignored or expected
/// there. None where the full step is needed.
fn boundary_ok(m: &Matcher, tg: &TokenGrammar, row: u32, g: &Group) -> Option<bool> {
    let cg = &tg.grammar;
    if !cg.all_productive {
        return None;
    }
    for acc in g.accepts.iter() {
        match cg.lexer.after_accept(acc, g.la, g.la_state) {
            AfterAccept::Pending(..) => {}
            AfterAccept::Never => continue,
            AfterAccept::NotSupported => return None, // the step reports it
        }
        if cg.is_ignore[acc.term.index()] || m.chart.row_terms(row).binary_search(&acc.term).is_ok()
        {
            return Some(true);
        }
    }
    Some(false)
}

/// The parser step of a thread of row `row` whose lexer reached a
/// state where terminals end, with look-ahead `la` pending there:
/// whether the byte is taken, and the threads that start new lexemes
/// after it (those that can go on). Mirrors [`Matcher::step`] for one
/// thread; memoised, and the new rows stay in the chart until the mask
/// is done.
fn boundary_step(
    m: &mut Matcher,
    tg: &TokenGrammar,
    row: u32,
    at: BoundaryKey,
    accepts: &[Accept],
    sc: &mut MaskScratch,
) -> Result<(bool, u32, u32), Failure> {
    if let Some(&r) = sc.steps.get(&(row, at)) {
        return Ok(r);
    }
    sc.charge(tg)?;
    let BoundaryKey { la, la_state, .. } = at;
    let g = m.g.clone();
    let lo = sc.arena.len() as u32;
    // The same step as the matcher's (`Matcher::push_byte`), for one
    // thread; its rows stay in the chart until the mask is done.
    let mut ends = std::mem::take(&mut sc.ends);
    let mut completions = std::mem::take(&mut sc.completions);
    ends.clear();
    completions.clear();
    let mut result = end_lexemes(
        &g,
        &m.chart,
        row,
        accepts,
        (la, la_state),
        &mut ends,
        &mut completions,
        None,
    );
    let mut ok = !ends.is_empty();
    if result.is_ok() && !completions.is_empty() {
        completions.sort_unstable();
        completions.dedup();
        result = m
            .push_rows(&completions, &mut ends, false)
            .map(|any| ok |= any);
    }
    sc.arena
        .extend(ends.iter().filter(|t| t.lex != LexState::DEAD));
    sc.ends = ends;
    sc.completions = completions;
    result.map_err(StepFail::into_failure)?;
    let r = (ok, lo, sc.arena.len() as u32);
    sc.steps.insert((row, at), r);
    Ok(r)
}
