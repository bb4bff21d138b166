#!/usr/bin/env bash
# Coverage-guided fuzzing of corral's core with cargo-fuzz (libFuzzer).
#
#   tools/fuzz.sh build                     build the targets (installs cargo-fuzz if missing)
#   tools/fuzz.sh smoke [SECONDS]           every target on a fixed number of inputs from a
#                                           fixed seed (about a minute each; the same inputs
#                                           on every run from the same corpus), at most
#                                           SECONDS each (default 150), two at a time; exits
#                                           1 if any crashed (what CI runs)
#   tools/fuzz.sh long HOURS [TARGET...]    HOURS per target (all targets by default), one
#                                           target at a time (FUZZ_JOBS=n: n at a time);
#                                           restarts after a crash; nohup-friendly
#   tools/fuzz.sh run TARGET SECONDS        one target, stops at the first crash
#   tools/fuzz.sh replay TARGET FILE...     runs inputs once (a crash, a corpus entry)
#   tools/fuzz.sh minimize TARGET FILE      minimizes a crashing input (to FILE.min)
#
# Targets: lark, json_schema, regex, matcher (rust/fuzz/fuzz_targets/). The
# working corpus grows in rust/fuzz/corpus/TARGET (not committed), seeded from
# rust/fuzz/seeds/TARGET and rust/fuzz/regressions/TARGET; crashes land in
# rust/fuzz/artifacts/TARGET/, logs in rust/fuzz/logs/. A minimized crash goes
# to rust/fuzz/pending/TARGET/ until it is fixed, then to
# rust/fuzz/regressions/TARGET/, which `cargo test` replays
# (rust/core/tests/fuzz_regressions.rs).
#
# The machine's one stable toolchain builds the targets: RUSTC_BOOTSTRAP=1
# lets it take the nightly flags cargo-fuzz passes. No sanitizer: corral-core's
# one `unsafe` is a CPU-feature dispatch into safe code (the sampler's vector
# exp), so AddressSanitizer would only slow the search (set
# FUZZ_SANITIZER=address to use it anyway). Debug assertions and overflow
# checks are on.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_DIR=rust/fuzz
ALL_TARGETS=(lark json_schema regex matcher)
# libFuzzer limits: a legitimately large input must end in a typed limit
# error, never in the fuzzer's memory cap. Time is bounded by the targets'
# own watchdog (src/checks/watchdog.rs: 8 s of CPU, 300 s of wall-clock
# time), which a busy machine does not trip; libFuzzer's wall-clock -timeout
# is only a last resort behind it.
LIMITS=(-rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=600)
export RUSTC_BOOTSTRAP=1

die() { echo "fuzz.sh: $*" >&2; exit 2; }

ensure_cargo_fuzz() {
    if ! cargo fuzz --version >/dev/null 2>&1; then
        echo "fuzz.sh: installing cargo-fuzz" >&2
        cargo install --locked cargo-fuzz
    fi
}

bin_dir() {
    local host
    host=$(rustc -vV | sed -n 's/^host: //p')
    echo "$FUZZ_DIR/target/$host/release"
}

build() {
    ensure_cargo_fuzz
    cargo fuzz build --fuzz-dir "$FUZZ_DIR" --sanitizer "${FUZZ_SANITIZER:-none}" \
        --debug-assertions
}

check_target() {
    local t
    for t in "${ALL_TARGETS[@]}"; do
        [[ $t == "$1" ]] && return 0
    done
    die "unknown target $1 (targets: ${ALL_TARGETS[*]})"
}

# run_one TARGET SECONDS LOG [EXTRA LIBFUZZER FLAGS...]
run_one() {
    local t=$1 secs=$2 log=$3
    shift 3
    local corpus=$FUZZ_DIR/corpus/$t art=$FUZZ_DIR/artifacts/$t
    mkdir -p "$corpus" "$art" "$FUZZ_DIR/regressions/$t" "$(dirname "$log")"
    # The first folder receives new inputs; the others are only read.
    # libFuzzer's timeout handler can deadlock (it allocates inside a signal
    # handler), so an outer timeout guarantees the run ends.
    timeout -k 30 $((secs + 300)) "$(bin_dir)/$t" "$corpus" "$FUZZ_DIR/seeds/$t" "$FUZZ_DIR/regressions/$t" \
        "${LIMITS[@]}" -max_len=4096 -max_total_time="$secs" -artifact_prefix="$art/" \
        -print_final_stats=1 "$@" >>"$log" 2>&1
}

# long_one TARGET SECONDS LOG: fuzzes until the time is up, restarting after
# each crash (the crash is saved; its input, if it had entered the working
# corpus, is taken out so that the restart does not stop on it again).
long_one() {
    local t=$1 secs=$2 log=$3 art=$FUZZ_DIR/artifacts/$t
    local end=$((SECONDS + secs)) before after f sha stuck=0
    : >"$log"
    while ((SECONDS < end - 5)); do
        mkdir -p "$art"
        before=$(ls "$art")
        if run_one "$t" $((end - SECONDS)) "$log"; then
            break
        fi
        after=$(ls "$art")
        local fresh=0
        for f in $(comm -13 <(echo "$before") <(echo "$after")); do
            fresh=1
            sha=${f#*-}
            rm -f "$FUZZ_DIR/corpus/$t/$sha"
        done
        # A stop that saved nothing (killed, out of disk): do not spin.
        if ((fresh == 0)); then
            stuck=$((stuck + 1))
            ((stuck < 3)) || break
        fi
    done
}

# summary TARGET LOG STATUS: one line per run.
summary() {
    local t=$1 log=$2 status=$3 execs cov crashes
    # A log may hold several runs (long runs restart after a crash).
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | awk '{ s += $1 } END { print s }')
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
    crashes="crashes: $(grep -cE '^==[0-9]+== ERROR: libFuzzer' "$log" || true)"
    printf '%-12s %s  execs=%s  %s  %s  log=%s\n' \
        "$t" "$status" "${execs:-?}" "${cov:-cov: ?}" "$crashes" "$log"
}

# Inputs per target in a smoke run: about a minute each on a two-core
# machine, two targets at a time. A count, not a time, so that a run on a
# fresh clone tries the same inputs every time (what CI needs to be
# repeatable); long runs are where new inputs are searched for.
declare -A SMOKE_RUNS=([lark]=32000 [json_schema]=3000 [regex]=50000 [matcher]=13000)

smoke() {
    local secs=${1:-150} stamp failed=0 t
    stamp=$(date +%Y%m%d-%H%M%S)
    local start=$SECONDS
    build
    echo "fuzz.sh: build took $((SECONDS - start)) s"
    local logs=$FUZZ_DIR/logs/smoke-$stamp
    mkdir -p "$logs"
    # Two at a time (CI machines have two cores).
    local -a pids=() names=()
    local i
    for ((i = 0; i < ${#ALL_TARGETS[@]}; i += 2)); do
        pids=() names=()
        for t in "${ALL_TARGETS[@]:i:2}"; do
            run_one "$t" "$secs" "$logs/$t.log" -seed=1 -runs="${SMOKE_RUNS[$t]}" &
            pids+=($!) names+=("$t")
        done
        for j in "${!pids[@]}"; do
            if wait "${pids[$j]}"; then
                summary "${names[$j]}" "$logs/${names[$j]}.log" ok
            else
                summary "${names[$j]}" "$logs/${names[$j]}.log" CRASH
                grep -m1 -A2 -E 'panicked at|watchdog|ERROR: libFuzzer' "$logs/${names[$j]}.log" || true
                failed=1
            fi
        done
    done
    echo "fuzz.sh: smoke run took $((SECONDS - start)) s in all"
    if ((failed)); then
        echo "fuzz.sh: a target crashed; its input is in $FUZZ_DIR/artifacts/ (see the logs)" >&2
        exit 1
    fi
}

long() {
    [[ $# -ge 1 ]] || die "usage: fuzz.sh long HOURS [TARGET...]"
    local hours=$1
    shift
    local -a targets=("$@")
    ((${#targets[@]})) || targets=("${ALL_TARGETS[@]}")
    local t
    for t in "${targets[@]}"; do check_target "$t"; done
    local secs
    secs=$(awk -v h="$hours" 'BEGIN { printf "%d", h * 3600 }')
    build
    local stamp logs jobs=${FUZZ_JOBS:-1}
    stamp=$(date +%Y%m%d-%H%M%S)
    logs=$FUZZ_DIR/logs/long-$stamp
    mkdir -p "$logs"
    echo "fuzz.sh: ${targets[*]}: $hours h each, $jobs at a time; logs in $logs"
    local -a pids=() names=()
    local j
    for t in "${targets[@]}"; do
        long_one "$t" "$secs" "$logs/$t.log" &
        pids+=($!) names+=("$t")
        if ((${#pids[@]} >= jobs)); then
            wait "${pids[0]}" || true
            summary "${names[0]}" "$logs/${names[0]}.log" done | tee -a "$logs/summary.txt"
            pids=("${pids[@]:1}") names=("${names[@]:1}")
        fi
    done
    for j in "${!pids[@]}"; do
        wait "${pids[$j]}" || true
        summary "${names[$j]}" "$logs/${names[$j]}.log" done | tee -a "$logs/summary.txt"
    done
    echo "fuzz.sh: crash inputs (if any):"
    for t in "${targets[@]}"; do
        ls "$FUZZ_DIR/artifacts/$t" 2>/dev/null | sed "s|^|  $FUZZ_DIR/artifacts/$t/|"
    done
}

cmd=${1:-smoke}
shift || true
case $cmd in
build) build ;;
smoke) smoke "$@" ;;
long) long "$@" ;;
run)
    [[ $# -eq 2 ]] || die "usage: fuzz.sh run TARGET SECONDS"
    check_target "$1"
    build
    log=$FUZZ_DIR/logs/run-$1-$(date +%Y%m%d-%H%M%S).log
    status=ok
    run_one "$1" "$2" "$log" || status=CRASH
    summary "$1" "$log" "$status"
    [[ $status == ok ]]
    ;;
replay)
    [[ $# -ge 2 ]] || die "usage: fuzz.sh replay TARGET FILE..."
    t=$1
    shift
    check_target "$t"
    build
    "$(bin_dir)/$t" "${LIMITS[@]}" -runs=1 "$@"
    ;;
minimize)
    [[ $# -eq 2 ]] || die "usage: fuzz.sh minimize TARGET FILE"
    check_target "$1"
    build
    # (-max_len would make libFuzzer's minimizer save an empty input.)
    "$(bin_dir)/$1" "${LIMITS[@]}" -minimize_crash=1 -runs="${FUZZ_MIN_RUNS:-20000}" \
        -exact_artifact_path="$2.min" "$2"
    echo "fuzz.sh: minimized input in $2.min"
    ;;
*) die "unknown command $cmd (build, smoke, long, run, replay, minimize)" ;;
esac
