//! What walks of the token trie find, as cached: entries (tokens inside the
//! lexeme, boundary groups), and the scans inside counted strings' text.

use std::sync::{Arc, Mutex, RwLock};

use rustc_hash::FxHashMap;

use super::tokenset::TokenSet;
use crate::lexer::{Accept, LexState, LookaheadId};
use crate::vocab::TokenId;

/// A walk before its tokens become a set: the valid tokens as ranges of
/// the trie's token list, and its boundary groups.
#[derive(Debug)]
pub(super) struct Walked {
    pub(super) ranges: Vec<(usize, usize)>,
    pub(super) groups: Vec<Arc<Group>>,
}

impl Walked {
    pub(super) fn bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.ranges.len() * 16
            + self.groups.iter().map(|g| g.bytes()).sum::<usize>()
    }
}

/// A walk of the whole trie inside the text of counted strings (one
/// character table), from one place inside a character and whatever the
/// count: each token with the characters it needs. The walk from any count
/// is this one cut to the room the bounds leave, so counts near the bounds
/// cost a filter, not a walk.
#[derive(Debug)]
pub(super) struct TextScan {
    /// The characters each token needs to stay inside the text (one begun
    /// counts), by its place in the trie's token list (`u16::MAX`: it
    /// leaves the text).
    pub(super) tok_need: Vec<u16>,
    pub(super) max_need: u32,
    /// (need, token) of the tokens needing more than [`LONG_NEED`]
    /// characters, the most first: what a cut with room for more removes.
    pub(super) long: Vec<(u16, TokenId)>,
    /// Every token that stays inside the text.
    pub(super) all: Arc<TokenSet>,
    /// The tokens of `all` as ranges of the trie's token list, ascending.
    pub(super) ranges: Vec<(usize, usize)>,
    /// (characters before it, node, token): tokens ending right after the
    /// closing quote, in node order.
    pub(super) close_tokens: Vec<(u32, u32, TokenId)>,
    /// (characters before it, node): closing quotes with children.
    pub(super) close_inner: Vec<(u32, u32)>,
    /// The most characters before a closing quote.
    pub(super) max_close: u32,
}

/// A boundary group of a cut walk (None: nothing closes there).
pub(super) type CutGroup = Option<Arc<Group>>;

/// A grammar's cuts of a [`TextScan`]: what ends at the closing quote
/// depends on the terminal.
#[derive(Debug)]
pub(super) struct CountedScan {
    pub(super) text: Arc<TextScan>,
    /// Cut walks by (state after the closing quote: the terminal ending,
    /// room, characters still needed), both capped.
    pub(super) entries: Mutex<FxHashMap<(LexState, u32, u32), Arc<Entry>>>,
    /// Boundary groups by (state after the closing quote, range of closing
    /// counts they keep).
    pub(super) groups: Mutex<FxHashMap<(LexState, u32, u32), CutGroup>>,
}

/// Boundaries of one walk that share the state reached there.
#[derive(Debug)]
pub(super) struct Group {
    /// The terminals ending at these nodes (interned: `accept_id`).
    pub(super) accepts: Box<[Accept]>,
    pub(super) accept_id: u32,
    /// The look-ahead still pending there (and its DFA state).
    pub(super) la: LookaheadId,
    pub(super) la_state: u32,
    /// Tokens ending at these nodes where the lexeme cannot go on: valid
    /// exactly when the parser takes one of the terminals ending.
    pub(super) tokens: TokenSet,
    /// Nodes with children, below which new lexemes start.
    pub(super) inner: Box<[u32]>,
    /// The walks below all of `inner` at once, per state of the thread
    /// that starts there (lexer state, look-ahead, its state).
    pub(super) cont: RwLock<FxHashMap<WalkKey, Arc<Entry>>>,
}

impl Group {
    /// Approximate heap size, its walks below aside.
    pub(super) fn bytes(&self) -> usize {
        std::mem::size_of::<Group>()
            + self.tokens.bytes()
            + self.inner.len() * 4
            + self.accepts.len() * std::mem::size_of::<Accept>()
    }
}

/// What walking a subtree of the trie from a lexer state finds.
#[derive(Debug)]
pub(super) struct Entry {
    /// Tokens valid by continuing the lexeme.
    pub(super) ci: Arc<TokenSet>,
    pub(super) groups: Box<[Arc<Group>]>,
}

impl Entry {
    /// Approximate heap size, for the cache limit.
    pub(super) fn bytes(&self) -> usize {
        let groups: usize = self.groups.iter().map(|g| g.bytes()).sum();
        // The map slot and the Arc's counts come on top.
        std::mem::size_of::<Entry>() + 64 + self.ci.bytes() + groups
    }
}

/// The state a walk of the trie starts from: a lexer state and the
/// look-ahead pending there (or [`LookaheadId::NONE`]) with its DFA state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct WalkKey {
    pub(super) lex: LexState,
    pub(super) la: LookaheadId,
    pub(super) la_state: u32,
}

/// What an ending leaves for the next lexeme's first bytes: bytes excluded
/// first, and a pending look-ahead with its DFA state.
pub(super) type Cond = (Option<[u64; 4]>, LookaheadId, u32);

/// What a boundary is: the terminals ending there (an interned set) and the
/// look-ahead still pending (with its DFA state).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct BoundaryKey {
    pub(super) accept_id: u32,
    pub(super) la: LookaheadId,
    pub(super) la_state: u32,
}
