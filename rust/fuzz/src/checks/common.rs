//! What every check shares: input limits, configurations, reading
//! structured choices from fuzz bytes, and telling a budget stop from a
//! failure.

use std::sync::OnceLock;

use corral_core::lark::LarkOptions;
use corral_core::{Config, ErrorKind, MaskConfig, Matcher};

/// Largest grammar or schema text tried (longer inputs are skipped).
pub(super) const MAX_TEXT: usize = 8192;
/// Most bytes fed to a byte matcher per input.
pub(super) const MAX_FEED: usize = 64;
/// Most positions at which a mask is checked per input.
pub(super) const MAX_MASK_CHECKS: usize = 6;

/// Small compile and match limits.
pub(super) fn config() -> Config {
    let mut c = Config::default();
    c.lexer.max_states = 1 << 12;
    c.lexer.dfa_size_limit = 4 << 20;
    c.earley.max_items_per_row = 20_000;
    c.earley.max_chart_bytes = 64 << 20;
    c
}

pub(super) fn lark_options() -> LarkOptions {
    LarkOptions {
        max_productions: 20_000,
        ..LarkOptions::default()
    }
}

// Assigned, not a struct literal: budgets added to MaskConfig later keep
// their defaults here.
#[allow(clippy::field_reassign_with_default)]
pub(super) fn mask_config() -> MaskConfig {
    let mut c = MaskConfig::default();
    c.max_cache_bytes = 8 << 20;
    c.max_walk_states = 20_000;
    c
}

/// Whether to print what a matcher input decodes to
/// (`CORRAL_FUZZ_DEBUG=1 tools/fuzz.sh replay matcher FILE`).
pub(super) fn debug() -> bool {
    static DEBUG: OnceLock<bool> = OnceLock::new();
    *DEBUG.get_or_init(|| std::env::var_os("CORRAL_FUZZ_DEBUG").is_some())
}

/// Reads structured choices from the fuzz input (zeros once it runs out).
pub(super) struct Input<'a> {
    pub(super) data: &'a [u8],
}

impl<'a> Input<'a> {
    pub(super) fn new(data: &'a [u8]) -> Input<'a> {
        Input { data }
    }

    pub(super) fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub(super) fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        let v = if n <= 256 {
            self.byte() as usize
        } else {
            self.byte() as usize | (self.byte() as usize) << 8
        };
        v % n
    }

    pub(super) fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// Splits at the first NUL byte: (before, after).
pub(super) fn split_nul(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// Whether a matcher stopped on a budget or an unsupported construct
/// rather than on the input (then its answers are not comparable).
pub(super) fn gave_up(m: &Matcher) -> bool {
    m.error()
        .is_some_and(|e| e.error_kind() != ErrorKind::Match)
}
