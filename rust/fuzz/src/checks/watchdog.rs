//! The time limit on one input: a watchdog thread that aborts the process
//! when an input runs too long.

use std::sync::OnceLock;

/// Most seconds of CPU one input may take (`CORRAL_FUZZ_TIME_LIMIT`,
/// default 8), and [`WALL_BACKSTOP_MS`] of wall-clock time (a busy machine
/// slows a fuzzer's wall clock, not its CPU time: a fuzzer run at low
/// priority beside a build gets about 1% of a core; the wall bound still
/// catches an input that waits forever).
///
/// A watchdog thread aborts the process past it, naming the input as slow.
/// libFuzzer's own `-timeout` fires a signal that may land inside `malloc`,
/// whose handler then allocates and deadlocks; the watchdog aborts from its
/// own thread, so libFuzzer's crash handler can save the input.
fn time_limit() -> u64 {
    static LIMIT: OnceLock<u64> = OnceLock::new();
    *LIMIT.get_or_init(|| {
        std::env::var("CORRAL_FUZZ_TIME_LIMIT")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(8)
    })
}

/// Wall-clock milliseconds one input may take (or four times the CPU
/// limit, if more).
const WALL_BACKSTOP_MS: u64 = 300_000;

/// Milliseconds since the watchdog's epoch at which the current input
/// started, or 0 when no input runs; and the process's CPU milliseconds
/// then.
static STARTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
static STARTED_CPU: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn watchdog_epoch() -> std::time::Instant {
    static EPOCH: OnceLock<std::time::Instant> = OnceLock::new();
    *EPOCH.get_or_init(std::time::Instant::now)
}

/// The process's CPU time (user and system, all threads) in milliseconds,
/// from `/proc/self/stat` (in clock ticks of 10 ms); `None` where that
/// cannot be read.
fn cpu_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces): state is the
    // 3rd field, utime the 14th and stime the 15th.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut f = rest.split(' ').skip(11);
    let utime: u64 = f.next()?.parse().ok()?;
    let stime: u64 = f.next()?.parse().ok()?;
    Some((utime + stime) * 10)
}

/// Times one input (see [`time_limit`]); the input ends when it is dropped.
pub(super) struct Watch;

impl Watch {
    pub(super) fn start() -> Watch {
        use std::sync::atomic::Ordering;
        static THREAD: OnceLock<()> = OnceLock::new();
        let epoch = watchdog_epoch();
        THREAD.get_or_init(|| {
            std::thread::Builder::new()
                .name("corral-fuzz-watchdog".into())
                .spawn(move || loop {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    let started = STARTED.load(Ordering::SeqCst);
                    if started == 0 {
                        continue;
                    }
                    let limit = time_limit() * 1000;
                    let wall = (epoch.elapsed().as_millis() as u64).saturating_sub(started);
                    let cpu = cpu_ms().map_or(wall, |now| {
                        now.saturating_sub(STARTED_CPU.load(Ordering::SeqCst))
                    });
                    if cpu > limit || wall > WALL_BACKSTOP_MS.max(4 * limit) {
                        eprintln!(
                            "corral fuzz watchdog: one input ran over {} s (CORRAL_FUZZ_TIME_LIMIT; {cpu} ms of CPU, {wall} ms of wall-clock time): unbounded work",
                            time_limit()
                        );
                        std::process::abort();
                    }
                })
                .expect("cannot start the fuzz watchdog");
        });
        STARTED_CPU.store(cpu_ms().unwrap_or(0), Ordering::SeqCst);
        // 1 at least: 0 means idle.
        STARTED.store(epoch.elapsed().as_millis() as u64 + 1, Ordering::SeqCst);
        Watch
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        STARTED.store(0, std::sync::atomic::Ordering::SeqCst);
    }
}

#[cfg(test)]
mod watchdog_tests {
    #[test]
    fn cpu_time_is_read_and_grows() {
        let a = super::cpu_ms().expect("/proc/self/stat");
        // Spin until the CPU clock moves past a few ticks (however busy the
        // machine is, spinning uses CPU time).
        let t = std::time::Instant::now();
        let mut x = 0u64;
        let mut b = a;
        while b < a + 50 && t.elapsed() < std::time::Duration::from_secs(60) {
            for _ in 0..100_000 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            }
            b = super::cpu_ms().expect("/proc/self/stat");
        }
        std::hint::black_box(x);
        assert!(b >= a + 50, "the CPU clock did not move: {a} -> {b}");
    }
}
