//! corral's fuzz targets: the checks live in `checks/`, shared with the
//! core's regression test (`rust/core/tests/fuzz_regressions.rs`).

pub mod checks;
