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

mod bytes;
mod common;
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
