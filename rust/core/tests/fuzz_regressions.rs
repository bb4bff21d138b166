//! Replays the fuzzers' kept inputs through the fuzz targets' own checks:
//! every file under `rust/fuzz/regressions/TARGET/` (minimized crashes that
//! were fixed) and `rust/fuzz/seeds/TARGET/` (the seed corpora).
//!
//! The checks panic on a broken invariant; a panic that the code under test
//! catches itself (the JSON Schema compiler runs on its own thread) is
//! counted by a panic hook, so it fails here as it does under the fuzzer.

#[allow(dead_code)]
#[path = "../../fuzz/src/checks/mod.rs"]
mod checks;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

static PANICS: AtomicUsize = AtomicUsize::new(0);

fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            default(info);
        }));
    });
}

fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz")
        .join(kind)
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n == ".gitkeep"))
        .collect();
    files.sort();
    files
}

/// Runs every kept input of every target, one at a time (so that a panic
/// the hook counts belongs to the input being run).
#[test]
fn kept_fuzz_inputs_pass_the_checks() {
    count_panics();
    let mut failed = Vec::new();
    for target in checks::TARGETS {
        let files: Vec<PathBuf> = ["regressions", "seeds"]
            .iter()
            .flat_map(|k| inputs(k, target))
            .collect();
        assert!(
            !files.is_empty(),
            "no seeds or regressions for the {target} fuzz target"
        );
        for f in &files {
            let data = std::fs::read(f).unwrap();
            let before = PANICS.load(Ordering::SeqCst);
            let ok = std::panic::catch_unwind(|| checks::run(target, &data)).is_ok();
            if !ok || PANICS.load(Ordering::SeqCst) != before {
                failed.push(format!("{target} {}", f.display()));
            }
        }
    }
    assert!(
        failed.is_empty(),
        "{} kept inputs broke a check (rerun one with tools/fuzz.sh replay TARGET FILE):\n{}",
        failed.len(),
        failed.join("\n")
    );
}
