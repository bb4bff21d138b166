//! Running deep recursion on a large stack without starting a thread per
//! call.
//!
//! The schema reader, the schema compiler and the Lark compile recurse as
//! deep as their input nests (each bounded by its own depth limit), deeper
//! than a default thread's stack allows. Starting a thread with a large
//! stack for each compile cost about 0.15 ms of system time (mapping and
//! faulting in a fresh stack), more than compiling a small schema. A few
//! threads with large stacks are kept instead, started on first use, and
//! every compile runs on one of them.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

/// Stack of each compile thread: reserved address space, touched only as
/// deep as a compile goes.
pub const COMPILE_STACK: usize = 1 << 30;

/// Most compile threads (one per core up to this).
const MAX_THREADS: usize = 8;

fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let n = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(MAX_THREADS);
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .stack_size(COMPILE_STACK)
            .thread_name(|i| format!("corral-compile-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Runs `f` on a thread with a [`COMPILE_STACK`] stack and waits for it:
/// on the current thread when it is one of the compile threads already,
/// else on one of them (a thread of its own where they cannot be started).
/// A panic in `f` is caught and returned as `Err`, with `what` in its
/// message.
pub fn on_big_stack<R: Send>(what: &str, f: impl FnOnce() -> R + Send) -> Result<R, String> {
    let panicked = |_| format!("internal error: the {what} panicked");
    match pool() {
        Some(p) if p.current_thread_index().is_some() => {
            catch_unwind(AssertUnwindSafe(f)).map_err(panicked)
        }
        Some(p) => p.install(|| catch_unwind(AssertUnwindSafe(f)).map_err(panicked)),
        None => std::thread::scope(|s| {
            std::thread::Builder::new()
                .name("corral-compile".into())
                .stack_size(COMPILE_STACK)
                .spawn_scoped(s, f)
                .map_err(|e| format!("cannot start the {what} thread: {e}"))?
                .join()
                .map_err(panicked)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(n: u64) -> u64 {
        // About 1 KiB of stack a level, kept live across the call.
        let pad = std::hint::black_box([1u8; 1024]);
        if n == 0 {
            0
        } else {
            depth(n - 1) + u64::from(std::hint::black_box(pad)[1023])
        }
    }

    #[test]
    fn recursion_deeper_than_a_default_stack() {
        // About 64 MiB of stack, past the 8 MiB of a main thread.
        assert_eq!(on_big_stack("test", || depth(64 << 10)), Ok(64 << 10));
    }

    #[test]
    fn nested_calls_run_inline_and_panics_are_errors() {
        let r = on_big_stack("outer", || on_big_stack("inner", || 7));
        assert_eq!(r, Ok(Ok(7)));
        let e = on_big_stack("reader", || -> u32 { panic!("boom") }).unwrap_err();
        assert!(e.contains("the reader panicked"), "{e}");
    }

    #[test]
    fn callers_on_many_threads() {
        let got: Vec<u64> = std::thread::scope(|s| {
            let hs: Vec<_> = (0..16u64)
                .map(|i| s.spawn(move || on_big_stack("test", || depth(1000 + i)).unwrap()))
                .collect();
            hs.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(got, (0..16).map(|i| 1000 + i).collect::<Vec<_>>());
    }
}
