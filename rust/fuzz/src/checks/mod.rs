//! The checks the fuzz targets run, one function per target.
//!
//! Each takes arbitrary bytes, returns quietly when the input is refused
//! with an error (that is the right answer to bad input), and panics when
//! an invariant breaks: a mask that disagrees with the byte matcher, a
//! rollback that does not restore, a string accepted that a reference
//! rejects. The fuzz crate (`rust/fuzz`) calls them from libFuzzer; the
//! core's `tests/fuzz_regressions.rs` includes this module with `#[path]`
//! and replays the kept inputs through the same functions, so it may use
//! only what corral-core's tests can: corral-core, serde_json,
//! regex-automata.
//!
//! Every compile and matcher gets small limits, so that a legitimately
//! large input ends in a typed limit error, not in the fuzzer's memory cap.
//!
//! One file per target (`lark`, `regex`, `json_schema`, `matcher`); the
//! byte matcher's self-checks (`bytes`), token masks against the byte
//! matcher (`masks`), the small JSON Schema validator (`validate`) and the
//! time limit (`watchdog`) are shared.

use std::sync::OnceLock;

use corral_core::lark::LarkOptions;
use corral_core::{Config, MaskConfig, MatchErrorKind, Matcher};

mod bytes;
mod json_schema;
mod lark;
mod masks;
mod matcher;
mod regex;
mod validate;
mod watchdog;

pub use self::json_schema::json_schema;
pub use self::lark::lark;
pub use self::matcher::matcher;
pub use self::regex::regex;

/// The targets, by name (the names of the fuzz binaries and of the corpus
/// folders).
pub const TARGETS: [&str; 4] = ["lark", "json_schema", "regex", "matcher"];

/// Runs the check of `target` on `data`.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "lark" => lark(data),
        "json_schema" => json_schema(data),
        "regex" => regex(data),
        "matcher" => matcher(data),
        _ => panic!("unknown fuzz target {target:?}"),
    }
}

/// Largest grammar or schema text tried (longer inputs are skipped).
const MAX_TEXT: usize = 8192;
/// Most bytes fed to a byte matcher per input.
const MAX_FEED: usize = 64;
/// Most positions at which a mask is checked per input.
const MAX_MASK_CHECKS: usize = 6;

/// Small compile and match limits.
fn config() -> Config {
    let mut c = Config::default();
    c.lexer.max_states = 1 << 12;
    c.lexer.dfa_size_limit = 4 << 20;
    c.earley.max_items_per_row = 20_000;
    c.earley.max_chart_bytes = 64 << 20;
    c
}

fn lark_options() -> LarkOptions {
    LarkOptions {
        max_productions: 20_000,
        ..LarkOptions::default()
    }
}

// Assigned, not a struct literal: budgets added to MaskConfig later keep
// their defaults here.
#[allow(clippy::field_reassign_with_default)]
fn mask_config() -> MaskConfig {
    let mut c = MaskConfig::default();
    c.max_cache_bytes = 8 << 20;
    c.max_walk_states = 20_000;
    c
}

/// Whether to print what a matcher input decodes to
/// (`CORRAL_FUZZ_DEBUG=1 tools/fuzz.sh replay matcher FILE`).
fn debug() -> bool {
    static DEBUG: OnceLock<bool> = OnceLock::new();
    *DEBUG.get_or_init(|| std::env::var_os("CORRAL_FUZZ_DEBUG").is_some())
}

/// Reads structured choices from the fuzz input (zeros once it runs out).
struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    fn new(data: &'a [u8]) -> Input<'a> {
        Input { data }
    }

    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
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

    fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// Splits at the first NUL byte: (before, after).
fn split_nul(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// Whether a matcher stopped on a budget or an unsupported construct
/// rather than on the input (then its answers are not comparable).
fn gave_up(m: &Matcher) -> bool {
    matches!(
        m.error().map(|e| &e.kind),
        Some(MatchErrorKind::Limit(_) | MatchErrorKind::NotSupported(_))
    )
}
