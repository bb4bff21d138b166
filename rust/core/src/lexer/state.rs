//! Lexer states as the matcher and the mask see them: ids (of states, of
//! look-ahead conditions and of exclusion sets, each with its own type), the
//! terminals ending at a state, cached steps, and what follows the end of a
//! terminal.

use std::sync::atomic::AtomicU32;

use super::counted;
use crate::grammar::TermId;
use crate::ids::{index_id, optional_id};

index_id!(
    /// A lexer state id (its index among the interned states).
    LexState
);

impl LexState {
    /// The state with nothing alive: every byte is rejected there. The
    /// first state interned.
    pub const DEAD: LexState = LexState::new(0);
}

optional_id!(
    /// A look-ahead condition's index in [`Lexer::lookaheads`], or
    /// [`LookaheadId::NONE`]. Kept as one word (not an `Option`) so that the
    /// accepts, walk keys and threads holding it keep their size.
    LookaheadId
);

optional_id!(
    /// An exclusion set's index (bytes that may not come next; see
    /// [`Lexer::exclusion_set`]), or [`ExclId::NONE`]. One word, like
    /// [`LookaheadId`].
    ExclId
);

/// What ends at a state: a terminal, and the look-ahead it needs (if any).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Accept {
    pub term: TermId,
    /// The look-ahead this ending needs, or [`LookaheadId::NONE`].
    pub lookahead: LookaheadId,
    /// For `%ignore` terminals: the bytes that would continue this match
    /// (an exclusion set for [`Lexer::start_excluding`]), or
    /// [`ExclId::NONE`]. Ignored text is matched greedily, as lark does: it
    /// ends only where it cannot go on.
    pub munch: ExclId,
}

/// A state's transitions, one word per byte (0 until computed).
pub type Row = [AtomicU32; 256];

/// A transition as stored: the next state, and whether it is live and
/// whether something ends there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step(pub(super) u32);

pub(crate) const STEP_ACCEPTS: u32 = 1 << 31;

pub(crate) const STEP_LIVE: u32 = 1 << 30;

pub(crate) const STEP_STATE: u32 = STEP_LIVE - 1;

/// Most lexer states a grammar may have, whatever the configuration (each
/// takes 1 KiB of transitions, so this bound is far past any memory).
pub const MAX_LEXER_STATES: usize = 1 << 24;

const _: () = assert!(MAX_LEXER_STATES < STEP_STATE as usize);

impl Step {
    pub(super) fn encode(s: LexState, live: bool, accepts: bool) -> u32 {
        debug_assert!(s.0 < STEP_STATE);
        (s.0 + 1) | if live { STEP_LIVE } else { 0 } | if accepts { STEP_ACCEPTS } else { 0 }
    }

    /// The next state.
    #[inline(always)]
    pub fn state(self) -> LexState {
        LexState((self.0 & STEP_STATE) - 1)
    }

    /// Whether the next state can still grow ([`StateInfo::live`]).
    #[inline(always)]
    pub fn live(self) -> bool {
        self.0 & STEP_LIVE != 0
    }

    /// Whether some variant matches exactly there.
    #[inline(always)]
    pub fn accepts(self) -> bool {
        self.0 & STEP_ACCEPTS != 0
    }
}

/// A lexer state inside one counted string ([`Lexer::counted_at`]).
#[derive(Debug, Clone)]
pub struct CountedAt {
    pub machine: std::sync::Arc<counted::CountedString>,
    /// Characters so far.
    pub count: u32,
    /// Place inside the current character.
    pub unit: u32,
    /// The state after the closing quote.
    pub end: LexState,
}

/// Per-state facts readable without locks.
#[derive(Debug)]
pub struct StateInfo {
    /// Variants that match exactly here, sorted.
    pub accepts: Box<[Accept]>,
    /// Whether any variant can still grow (otherwise every next byte is dead).
    pub live: bool,
    /// Whether a counted string is inside its text (see [`Lexer::walk_key`]).
    pub counting: bool,
}

/// The look-ahead pending after a terminal ends (see
/// [`Lexer::after_accept`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterAccept {
    /// The ending never holds: `(?!L)` with L matching the empty string.
    Never,
    /// The ending holds, leaving this look-ahead (or none) and its DFA
    /// state (a [`LookaheadDfa`](super::LookaheadDfa) state id as `u32`; 0
    /// with none).
    Pending(LookaheadId, u32),
    /// A look-ahead terminal ends while another look-ahead is undecided.
    NotSupported,
}

/// The message for [`AfterAccept::NotSupported`].
pub const NESTED_LOOKAHEAD: &str =
    "a look-ahead terminal ending while another terminal's look-ahead is still undecided";
