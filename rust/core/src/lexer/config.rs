//! Lexer limits.

/// Lexer limits.
#[derive(Debug, Clone)]
pub struct LexerConfig {
    /// Most combined lexer states interned per compiled grammar (at most
    /// [`MAX_LEXER_STATES`]).
    pub max_states: usize,
    /// Most bytes one terminal's NFA, and its lazy DFA cache, may take;
    /// exceeding it is a clear error, never a silent cache reset.
    pub dfa_size_limit: usize,
    /// Deepest nesting of a terminal's expression: its
    /// [`crate::grammar::TermExpr`] levels (whichever front-end built it)
    /// plus the group nesting of the regexes in it. Compiling walks
    /// terminals recursively (about 2 KiB of stack per level), so this
    /// bounds the stack it needs; a deeper terminal is refused with an
    /// error naming it.
    pub max_nesting: usize,
}

impl Default for LexerConfig {
    fn default() -> Self {
        LexerConfig {
            max_states: 1 << 17,
            dfa_size_limit: 64 << 20,
            max_nesting: DEFAULT_MAX_NESTING,
        }
    }
}

/// The default [`LexerConfig::max_nesting`].
pub const DEFAULT_MAX_NESTING: usize = 500;
