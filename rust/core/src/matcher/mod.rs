//! One sequence's matching state: Earley rows plus the lexemes in progress.
//!
//! The input is split into terminals in every way the grammar allows: where
//! a terminal can end and the parser accepts it, both "end here" and "go on"
//! stay alive (the semantics of lark's Earley parser with
//! `lexer="dynamic_complete"`, each terminal standing for its regular
//! language). A *thread* is one lexeme in progress: the row it started after,
//! the lexer state, and a pending look-ahead condition. Threads that end a
//! lexeme at the same byte (with the same pending condition) share the new
//! row. Errors are sticky: after a rejected byte the matcher stays in error
//! until rolled back.

use std::sync::Arc;

use regex_automata::util::primitives::StateID;

use crate::compiled::{CompiledGrammar, ItemClose};
use crate::earley::Chart;
use crate::error::Failure;
use crate::grammar::TermId;
use crate::lexer::{Accept, AfterAccept, LexState, LookaheadId, NESTED_LOOKAHEAD};

mod error;
mod guards;
mod items;
mod tracker;

/// Why a byte was refused, where a check of the JSON read so far refused it.
const WHY_KEY: &str = "it closes a key its object already has (each key at most once)";
const WHY_ITEM: &str =
    "it ends an item equal to an earlier one of an array whose items must be distinct (uniqueItems)";

pub(crate) use error::StepFail;
pub use error::{MatchError, MatchErrorKind};
pub(crate) use tracker::{JsonTracker, Probe, Probed};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Thread {
    pub(crate) row: u32,
    pub(crate) lex: LexState,
    /// Pending look-ahead, or [`LookaheadId::NONE`].
    pub(crate) la: LookaheadId,
    /// The pending look-ahead's DFA state (0 with none).
    pub(crate) la_state: u32,
    /// No byte of the current lexeme consumed yet (at a lexeme boundary).
    pub(crate) fresh: bool,
}

/// A row and what made it: (row, look-ahead, look-ahead state, scans).
pub(crate) type RowSig = (u32, LookaheadId, u32, Vec<(u32, TermId)>);

#[derive(Debug, Clone)]
struct Checkpoint {
    rows: u32,
    threads_start: u32,
    pos: usize,
    pub(crate) error: Option<MatchError>,
    keys: Option<tracker::Mark>,
}

/// The terminals in `accepts` end a lexeme of row `row`, with look-ahead
/// `pending` (index, DFA state) still to hold: an ignored terminal goes on
/// as a thread of the same row, starting a new lexeme (pushed to `ignored`,
/// even where no lexeme can start: the input may end there); a terminal the
/// row expects is recorded in `completions` (look-ahead, its state, row,
/// terminal) for [`Matcher::push_rows`]. With `items`, an item-closing
/// terminal ends only where the item it closes is new to its array (the
/// mask's walks pass `None`: their bytes are not read yet, and a filter
/// after them decides such tokens).
#[allow(
    clippy::too_many_arguments,
    reason = "the one step of matching and masks: its inputs and outputs, each a borrow"
)]
pub(crate) fn end_lexemes(
    g: &CompiledGrammar,
    chart: &Chart,
    row: u32,
    accepts: &[Accept],
    pending: (LookaheadId, u32),
    ignored: &mut Vec<Thread>,
    completions: &mut Vec<(LookaheadId, u32, u32, TermId)>,
    items: Option<&JsonTracker>,
) -> Result<(), StepFail> {
    let lexer = &g.lexer;
    for acc in accepts {
        if let (Some(t), close) = (items, g.item_close[acc.term.index()]) {
            if close != ItemClose::No && !t.item_closed_new(close == ItemClose::Bracket) {
                continue;
            }
        }
        let (nla, nla_state) = match lexer.after_accept(acc, pending.0, pending.1) {
            AfterAccept::Pending(l, st) => (l, st),
            AfterAccept::Never => continue,
            AfterAccept::NotSupported => {
                return Err(Failure::not_supported(NESTED_LOOKAHEAD).into())
            }
        };
        if g.is_ignore[acc.term.index()] {
            let start = chart.rows[row as usize].lex_start;
            let lex = lexer.start_excluding(start, acc.munch)?;
            ignored.push(Thread {
                row,
                lex,
                la: nla,
                la_state: nla_state,
                fresh: true,
            });
        }
        if chart.row_terms(row).binary_search(&acc.term).is_ok() {
            completions.push((nla, nla_state, row, acc.term));
        }
    }
    Ok(())
}

/// A byte-level matcher over a compiled grammar.
#[derive(Debug, Clone)]
pub struct Matcher {
    pub(crate) g: Arc<CompiledGrammar>,
    pub(crate) chart: crate::earley::Chart,
    pub(crate) threads: Vec<Thread>,
    next: Vec<Thread>,
    completions: Vec<(LookaheadId, u32, u32, TermId)>,
    pub(crate) seeds: Vec<(u32, TermId)>,
    saved: Vec<Thread>,
    checkpoints: Vec<Checkpoint>,
    error: Option<MatchError>,
    pos: usize,
    /// The newest row and the scans that made it: a row depends only on
    /// its scans (not on the position), so a lexeme that can end at several
    /// bytes in a row (an identifier) reuses one row instead of one per byte.
    pub(crate) top_sig: Option<RowSig>,
    /// The keys of each open object (and the items of each open array),
    /// where the grammar's language is JSON whose keys must be distinct
    /// ([`crate::grammar::Grammar::distinct_keys`]).
    pub(crate) keys: Option<JsonTracker>,
    /// The nonterminal the input must derive (None: the start symbol), and
    /// how many value guards this matcher is checking inside (a guard
    /// runs a matcher from the nonterminal it excludes).
    start: Option<u32>,
    guard_depth: u32,
    /// Inside [`Matcher::item_has_way_out`]: the bytes it tries are not
    /// checked again.
    probing_items: bool,
    /// Why the last byte refused was refused, where a check of the JSON
    /// read so far (not the grammar's rules) refused it.
    why: Option<&'static str>,
}

impl Matcher {
    /// A matcher at the start of the input.
    pub fn new(g: Arc<CompiledGrammar>) -> Matcher {
        Matcher::new_at(g, None, 0)
    }

    /// A matcher whose input must derive nonterminal `start` (or the start
    /// symbol), `guard_depth` value guards deep.
    pub(crate) fn new_at(g: Arc<CompiledGrammar>, start: Option<u32>, guard_depth: u32) -> Matcher {
        let chart = crate::earley::Chart::new(&g.tables);
        let mut m = Matcher {
            g,
            chart,
            threads: Vec::new(),
            next: Vec::new(),
            completions: Vec::new(),
            seeds: Vec::new(),
            saved: Vec::new(),
            checkpoints: Vec::new(),
            error: None,
            pos: 0,
            top_sig: None,
            keys: None,
            start,
            guard_depth,
            probing_items: false,
            why: None,
        };
        m.reset();
        m
    }

    /// Back to the start of the input.
    pub fn reset(&mut self) {
        self.threads.clear();
        self.saved.clear();
        self.checkpoints.clear();
        self.error = None;
        self.pos = 0;
        self.top_sig = None;
        let items =
            !self.g.grammar.distinct_items.is_empty() || !self.g.grammar.value_guards.is_empty();
        self.keys = (self.g.grammar.distinct_keys || items).then(|| JsonTracker::new(items));
        let g = self.g.clone();
        let r = self
            .chart
            .push_initial_at(&g.tables, &g.config.earley, self.start)
            .map_err(Failure::from)
            .and_then(|k| self.set_lex_start(k).map(|s| (k, s)));
        match r {
            Ok((k, lex)) => self.threads.push(Thread {
                row: k,
                lex,
                la: LookaheadId::NONE,
                la_state: 0,
                fresh: true,
            }),
            Err(m) => {
                self.error = Some(MatchError {
                    position: 0,
                    kind: MatchErrorKind::Failed(m),
                    expected: Vec::new(),
                })
            }
        }
    }

    pub fn grammar(&self) -> &Arc<CompiledGrammar> {
        &self.g
    }

    pub(crate) fn set_lex_start(&mut self, k: u32) -> Result<LexState, Failure> {
        let terms = self.chart.row_terms(k);
        let ignore = &self.g.ignore;
        let mut all: Vec<TermId> = Vec::with_capacity(terms.len() + ignore.len());
        all.extend_from_slice(terms);
        all.extend_from_slice(ignore);
        all.sort_unstable();
        all.dedup();
        let s = self.g.lexer.start_state(&all)?;
        self.chart.rows[k as usize].lex_start = s;
        Ok(s)
    }

    /// Total bytes consumed.
    pub fn bytes_consumed(&self) -> usize {
        self.pos
    }

    pub fn is_error(&self) -> bool {
        self.error.is_some()
    }

    pub fn error(&self) -> Option<&MatchError> {
        self.error.as_ref()
    }

    /// Whether the bytes consumed so far are a complete string of the language.
    pub fn is_accepting(&self) -> bool {
        if self.error.is_some() {
            return false;
        }
        self.threads.iter().any(|t| {
            t.fresh
                && self.chart.rows[t.row as usize].accepting
                && self.g.lexer.lookahead(t.la).map_or(true, |l| l.negative)
        })
    }

    /// Whether nothing can follow: accepting and no byte can extend the input.
    pub fn is_finished(&self) -> bool {
        self.is_accepting()
            && self
                .threads
                .iter()
                .all(|t| t.lex == LexState::DEAD && !(t.fresh && self.row_expects_special(t.row)))
    }

    /// Whether row `k` expects a special-token terminal (which has no
    /// bytes, so a dead lexer start does not end the row).
    pub(crate) fn row_expects_special(&self, k: u32) -> bool {
        !self.g.special_terms.is_empty()
            && self
                .chart
                .row_terms(k)
                .iter()
                .any(|&t| self.g.is_special[t.index()])
    }

    /// Whether a row with a dead lexer start is still worth keeping: the
    /// input may end there, or a special token may come next.
    pub(crate) fn row_ends_or_waits(&self, k: u32) -> bool {
        self.chart.rows[k as usize].accepting || self.row_expects_special(k)
    }

    /// Rows and Earley items held (for diagnostics and benchmarks).
    pub fn chart_size(&self) -> (usize, usize) {
        (self.chart.rows.len(), self.chart.items.len())
    }

    /// Number of rollback points (one per `consume_bytes` / `push_byte` call).
    pub fn depth(&self) -> usize {
        self.checkpoints.len()
    }

    fn checkpoint(&mut self) {
        let threads_start = self.saved.len() as u32;
        self.saved.extend_from_slice(&self.threads);
        self.checkpoints.push(Checkpoint {
            rows: self.chart.rows.len() as u32,
            threads_start,
            pos: self.pos,
            error: self.error.clone(),
            keys: self.keys.as_ref().map(JsonTracker::mark),
        });
    }

    /// Undoes the last `n` calls of `consume_bytes` / `push_byte` (all of
    /// them if `n` is larger). Clears an error made by those calls.
    pub fn rollback(&mut self, n: usize) {
        let n = n.min(self.checkpoints.len());
        if n == 0 {
            return;
        }
        let cp_idx = self.checkpoints.len() - n;
        let cp = self.checkpoints[cp_idx].clone();
        let saved_end = self
            .checkpoints
            .get(cp_idx + 1)
            .map_or(self.saved.len(), |c| c.threads_start as usize);
        self.checkpoints.truncate(cp_idx);
        self.chart.truncate(cp.rows as usize);
        self.threads.clear();
        self.threads
            .extend_from_slice(&self.saved[cp.threads_start as usize..saved_end]);
        self.saved.truncate(cp.threads_start as usize);
        self.pos = cp.pos;
        self.error = cp.error;
        if let (Some(k), Some(mark)) = (&mut self.keys, cp.keys) {
            k.rollback(mark);
        }
    }

    /// Consumes `data`. Returns false if some byte cannot continue the
    /// input: the bytes before it are consumed and the matcher enters a
    /// sticky error state (see [`Matcher::error`]). One rollback point.
    pub fn consume_bytes(&mut self, data: &[u8]) -> bool {
        self.checkpoint();
        if self.error.is_some() || !self.within_budget() {
            return false;
        }
        for &b in data {
            if let Err(f) = self.step(b) {
                self.fail(b, f);
                return false;
            }
            self.pos += 1;
        }
        true
    }

    /// Consumes one byte as its own rollback point (for walks that undo it
    /// with `rollback(1)`). Returns false (and leaves the state unchanged
    /// but for the new rollback point) if the byte is rejected.
    pub fn push_byte(&mut self, b: u8) -> bool {
        self.checkpoint();
        if self.error.is_some() || !self.within_budget() {
            return false;
        }
        match self.step(b) {
            Ok(()) => {
                self.pos += 1;
                true
            }
            Err(StepFail::Rejected) => false,
            // Limits are errors, not rejections: they must not be mistaken
            // for "this byte cannot follow".
            Err(f) => {
                self.fail(b, f);
                false
            }
        }
    }

    /// Bytes this matcher holds: its chart and its rollback points.
    pub fn heap_bytes(&self) -> usize {
        self.chart.heap_bytes()
            + (self.saved.len() + self.threads.len()) * std::mem::size_of::<Thread>()
            + self.checkpoints.len() * std::mem::size_of::<Checkpoint>()
            + self.keys.as_ref().map_or(0, JsonTracker::heap_bytes)
    }

    /// Whether the matcher is within its memory budget
    /// ([`crate::earley::EarleyConfig::max_chart_bytes`]); if not, it
    /// enters a sticky limit error (a rollback clears it).
    fn within_budget(&mut self) -> bool {
        let limit = self.g.config.earley.max_chart_bytes;
        if self.heap_bytes() <= limit {
            return true;
        }
        self.error = Some(MatchError {
            position: self.pos,
            kind: MatchErrorKind::Failed(Failure::limit(
                "max_chart_bytes",
                format!("matcher memory budget exceeded ({limit} bytes); raise max_chart_bytes"),
            )),
            expected: Vec::new(),
        });
        false
    }

    fn fail(&mut self, b: u8, f: StepFail) {
        let expected = self.expected_names();
        let kind = match f {
            StepFail::Rejected => MatchErrorKind::Rejected {
                byte: b,
                why: self.why.take(),
            },
            StepFail::Failed(f) => MatchErrorKind::Failed(f),
        };
        self.error = Some(MatchError {
            position: self.pos,
            kind,
            expected,
        });
    }

    fn step(&mut self, b: u8) -> Result<(), StepFail> {
        // The tracker reads the byte first: item-closing terminals ending
        // at it ask about the item it closes.
        let Some(k) = &mut self.keys else {
            return self.step_parse(b);
        };
        self.why = None;
        if !k.allows(b) {
            self.why = Some(WHY_KEY);
            return Err(StepFail::Rejected);
        }
        // A byte that may complete an item equal to an earlier one of its
        // array: undone below where the item then has no way out.
        let item_check = matches!(b, b'"' | b'}' | b']') && !self.probing_items && k.has_items();
        if item_check {
            self.checkpoint();
        }
        let Some(k) = &mut self.keys else {
            return self.step_parse(b);
        };
        let mark = k.mark();
        k.push(b);
        let r = self.step_parse(b);
        if r.is_err() {
            let repeated = matches!(r, Err(StepFail::Rejected))
                && matches!(b, b',' | b']')
                && self
                    .keys
                    .as_ref()
                    .is_some_and(|k| !k.item_closed_new(b == b']'));
            if let Some(k) = &mut self.keys {
                k.rollback(mark);
            }
            if repeated && !self.probing_items && self.closes_but_for_items(b) {
                self.why = Some(WHY_ITEM);
            }
        }
        if item_check {
            let dead = r.is_ok()
                && self
                    .keys
                    .as_mut()
                    .is_some_and(JsonTracker::item_done_repeats)
                && !self.item_has_way_out();
            if dead {
                self.rollback(1);
                self.why = Some(WHY_ITEM);
                return Err(StepFail::Rejected);
            }
            self.drop_checkpoint();
        }
        r
    }

    /// Forgets the newest rollback point, keeping the state.
    fn drop_checkpoint(&mut self) {
        if let Some(cp) = self.checkpoints.pop() {
            self.saved.truncate(cp.threads_start as usize);
        }
    }

    fn step_parse(&mut self, b: u8) -> Result<(), StepFail> {
        let g = self.g.clone();
        let lexer = &g.lexer;
        let rows_before = self.chart.rows.len();
        self.next.clear();
        self.completions.clear();
        for ti in 0..self.threads.len() {
            let th = self.threads[ti];
            let (mut la, mut la_state) = (th.la, th.la_state);
            if let Some(l) = lexer.lookahead(la) {
                let (ns, res) = l.step(StateID::new_unchecked(la_state as usize), b);
                match (l.negative, res) {
                    (true, Some(true)) | (false, Some(false)) => continue,
                    (true, Some(false)) | (false, Some(true)) => {
                        la = LookaheadId::NONE;
                        la_state = 0;
                    }
                    (_, None) => la_state = ns.as_u32(),
                }
            }
            let s = lexer.step(th.lex, b)?;
            if s == LexState::DEAD {
                continue;
            }
            let info = lexer.info(s);
            end_lexemes(
                &g,
                &self.chart,
                th.row,
                &info.accepts,
                (la, la_state),
                &mut self.next,
                &mut self.completions,
                self.keys.as_ref(),
            )?;
            if info.live {
                self.next.push(Thread {
                    row: th.row,
                    lex: s,
                    la,
                    la_state,
                    fresh: false,
                });
            }
        }
        if !self.completions.is_empty() {
            self.completions.sort_unstable();
            self.completions.dedup();
            let completions = std::mem::take(&mut self.completions);
            let mut next = std::mem::take(&mut self.next);
            let pushed = self.push_rows(&completions, &mut next, true);
            self.completions = completions;
            self.next = next;
            if let Err(e) = pushed {
                self.chart.truncate(rows_before);
                return Err(e);
            }
        }
        // A key that can only become one its object has is a dead end.
        let way_out = if self.next.is_empty() {
            Ok(false)
        } else {
            self.key_has_way_out(&self.next)
        };
        if !matches!(way_out, Ok(true)) {
            self.chart.truncate(rows_before);
            return Err(match way_out {
                Err(f) => StepFail::Failed(f),
                Ok(_) => StepFail::Rejected,
            });
        }
        if self.next.len() > 1 {
            self.next.sort_unstable();
            self.next.dedup();
        }
        std::mem::swap(&mut self.threads, &mut self.next);
        self.note_keys_freedom()?;
        // Rows made after the last rollback point that no thread uses any
        // more (a lexeme that went on instead of ending) are dropped.
        let floor = self.checkpoints.last().map_or(0, |c| c.rows as usize);
        while self.chart.rows.len() > floor.max(1) {
            let top = (self.chart.rows.len() - 1) as u32;
            if self.threads.iter().any(|t| t.row == top) {
                break;
            }
            self.chart.truncate(top as usize);
        }
        Ok(())
    }

    /// Pushes the rows that lexemes ending together make: one row per
    /// look-ahead condition still pending, from `completions` (look-ahead,
    /// its state, row, terminal; sorted, without repeats). A row equal to
    /// the newest one (the same scans) is reused. Each row that can go on,
    /// or where the input may end, becomes a thread in `out`; returns
    /// whether any did. On error the caller truncates the chart.
    ///
    /// The one parser step of both [`Matcher::push_byte`] and the mask's
    /// boundary steps.
    pub(crate) fn push_rows(
        &mut self,
        completions: &[(LookaheadId, u32, u32, TermId)],
        out: &mut Vec<Thread>,
        live: bool,
    ) -> Result<bool, StepFail> {
        let g = self.g.clone();
        let mut any = false;
        let mut i = 0;
        while i < completions.len() {
            let (la, la_state, _, _) = completions[i];
            self.seeds.clear();
            while i < completions.len() && completions[i].0 == la && completions[i].1 == la_state {
                let (_, _, row, term) = completions[i];
                self.seeds.push((row, term));
                i += 1;
            }
            // A row made where a value guard was checked is not reused: the
            // value may differ.
            let guarded = live && g.tables.any_guarded;
            let reuse = match &self.top_sig {
                _ if guarded => None,
                Some((row, l, ls, seeds))
                    if (*row as usize) + 1 == self.chart.rows.len()
                        && *l == la
                        && *ls == la_state
                        && *seeds == self.seeds =>
                {
                    Some(*row)
                }
                _ => None,
            };
            let (k, lex) = match reuse {
                Some(k) => (k, self.chart.rows[k as usize].lex_start),
                None => {
                    let k = if guarded {
                        self.push_scan_guarded(&g)?
                    } else {
                        self.chart
                            .push_scan(&g.tables, &g.config.earley, &self.seeds)
                            .map_err(Failure::from)?
                    };
                    let lex = self.set_lex_start(k)?;
                    self.top_sig = Some((k, la, la_state, self.seeds.clone()));
                    (k, lex)
                }
            };
            // A row nothing can follow is only worth keeping if the input
            // may end there.
            if lex != LexState::DEAD || self.row_ends_or_waits(k) {
                any = true;
                out.push(Thread {
                    row: k,
                    lex,
                    la,
                    la_state,
                    fresh: true,
                });
            }
        }
        Ok(any)
    }

    /// Whether special-token terminal `term` may come next: some thread is
    /// at a lexeme boundary whose row expects it (a pending negative
    /// look-ahead holds at a special token; a positive one fails).
    pub fn special_allowed(&self, term: TermId) -> bool {
        self.error.is_none() && self.threads.iter().any(|t| self.takes_special(t, term))
    }

    fn takes_special(&self, t: &Thread, term: TermId) -> bool {
        t.fresh
            && self.g.lexer.lookahead(t.la).map_or(true, |l| l.negative)
            && self.chart.row_terms(t.row).binary_search(&term).is_ok()
    }

    /// Consumes special-token terminal `term` (a token with no bytes), as
    /// its own lexeme. One rollback point; false (and a sticky error) if it
    /// cannot come next.
    pub fn consume_special(&mut self, term: TermId) -> bool {
        self.checkpoint();
        if self.error.is_some() {
            return false;
        }
        self.seeds.clear();
        for t in &self.threads {
            if self.takes_special(t, term) {
                self.seeds.push((t.row, term));
            }
        }
        self.seeds.sort_unstable();
        self.seeds.dedup();
        let fail = |m: &mut Matcher, kind: MatchErrorKind| {
            let expected = m.expected_names();
            m.error = Some(MatchError {
                position: m.pos,
                kind,
                expected,
            });
            false
        };
        if self.seeds.is_empty() {
            let name = self.g.term_name(term).to_owned();
            return fail(self, MatchErrorKind::Special(name));
        }
        let g = self.g.clone();
        let k = match self
            .chart
            .push_scan(&g.tables, &g.config.earley, &self.seeds)
        {
            Ok(k) => k,
            Err(e) => return fail(self, MatchErrorKind::Failed(e.into())),
        };
        self.top_sig = None;
        let lex = match self.set_lex_start(k) {
            Ok(l) => l,
            Err(e) => return fail(self, MatchErrorKind::Failed(e)),
        };
        if lex == LexState::DEAD && !self.row_ends_or_waits(k) {
            self.chart.truncate(k as usize);
            let name = self.g.term_name(term).to_owned();
            return fail(self, MatchErrorKind::Special(name));
        }
        self.threads.clear();
        self.threads.push(Thread {
            row: k,
            lex,
            la: LookaheadId::NONE,
            la_state: 0,
            fresh: true,
        });
        true
    }

    /// Terminals that may come next (ends of lexemes in progress included).
    pub fn expected_terminals(&self) -> Vec<TermId> {
        let mut out = Vec::new();
        for t in &self.threads {
            if t.fresh {
                out.extend_from_slice(self.chart.row_terms(t.row));
            } else {
                out.extend(self.g.lexer.live_terms(t.lex));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    fn expected_names(&self) -> Vec<String> {
        self.expected_terminals()
            .into_iter()
            .map(|t| self.g.term_name(t).to_owned())
            .collect()
    }

    /// Names of the terminals that may come next.
    pub fn expected(&self) -> Vec<String> {
        self.expected_names()
    }

    /// The bytes every continuation of the input starts with (empty when
    /// the input could end here or several bytes could follow).
    pub fn forced_bytes(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        if self.error.is_some() {
            return out;
        }
        self.checkpoint();
        let depth = self.checkpoints.len();
        while out.len() < 4096 && !self.is_accepting() {
            let mut found: Option<u8> = None;
            let mut many = false;
            for b in 0..=255u8 {
                let plausible = self
                    .threads
                    .iter()
                    .any(|t| matches!(self.g.lexer.step(t.lex, b), Ok(s) if s != LexState::DEAD));
                if !plausible {
                    continue;
                }
                let ok = self.push_byte(b);
                self.rollback(1);
                if ok {
                    if found.is_some() {
                        many = true;
                        break;
                    }
                    found = Some(b);
                }
            }
            match (found, many) {
                (Some(b), false) => {
                    if self.step(b).is_err() {
                        break;
                    }
                    self.pos += 1;
                    out.push(b);
                }
                _ => break,
            }
        }
        self.rollback(self.checkpoints.len() + 1 - depth);
        out
    }
}

#[cfg(test)]
mod tests;
