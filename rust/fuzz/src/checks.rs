//! The checks the fuzz targets run, one function per target.
//!
//! Each takes arbitrary bytes, returns quietly when the input is refused
//! with an error (that is the right answer to bad input), and panics when
//! an invariant breaks: a mask that disagrees with the byte matcher, a
//! rollback that does not restore, a string accepted that a reference
//! rejects. The fuzz crate (`rust/fuzz`) calls them from libFuzzer; the
//! core's `tests/fuzz_regressions.rs` includes this file with `#[path]` and
//! replays the kept inputs through the same functions, so it may use only
//! what corral-core's tests can: corral-core, serde_json, regex-automata.
//!
//! Every compile and matcher gets small limits, so that a legitimately
//! large input ends in a typed limit error, not in the fuzzer's memory cap.

use std::sync::{Arc, OnceLock};

use corral_core::json_schema::{self, Draft, PropertyOrder, Whitespace};
use corral_core::lark::{parse_lark, LarkOptions};
use corral_core::sample::{Rng, Sampler};
use corral_core::{
    CompiledGrammar, Config, Grammar, MaskConfig, MatchErrorKind, Matcher, TokenGrammar, TokenId,
    TokenMatcher, TokenSpec, TokenizerKind, Vocabulary,
};
use serde_json::Value;

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
struct Watch;

impl Watch {
    fn start() -> Watch {
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

// ---------------------------------------------------------------------------
// Byte matcher checks (shared by the grammar targets)
// ---------------------------------------------------------------------------

/// Feeds `feed` byte by byte (skipping rejected bytes) and checks the byte
/// matcher against itself: a rejected byte leaves the state unchanged after
/// `rollback(1)`; the accepted bytes consumed in one call give the same
/// state; rolling everything back gives the start; forced bytes are the
/// only continuation. Returns the accepted bytes.
fn byte_checks(cg: &Arc<CompiledGrammar>, feed: &[u8]) -> Vec<u8> {
    let mut m = Matcher::new(cg.clone());
    let mut accepted = Vec::new();
    if m.is_error() {
        return accepted;
    }
    let start_accepting = m.is_accepting();
    for &b in feed.iter().take(MAX_FEED) {
        let (acc, depth, pos) = (m.is_accepting(), m.depth(), m.bytes_consumed());
        // consume_bytes: a rejected byte is a sticky error until rolled back.
        let mut c = m.clone();
        let one = c.consume_bytes(&[b]);
        if !one && !gave_up(&c) {
            assert!(
                c.is_error() && !c.is_accepting(),
                "a rejected byte left no error"
            );
            c.rollback(1);
            assert!(
                !c.is_error(),
                "rollback(1) left the error of a rejected byte"
            );
            assert_eq!(c.is_accepting(), acc, "rollback(1) changed is_accepting");
            assert_eq!(c.bytes_consumed(), pos, "rollback(1) changed the position");
        }
        // push_byte: a rejected byte leaves the state as it was.
        let ok = m.push_byte(b);
        if gave_up(&m) || gave_up(&c) {
            return accepted;
        }
        assert_eq!(ok, one, "push_byte({b}) and consume_bytes([{b}]) disagree");
        if ok {
            accepted.push(b);
            assert_eq!(
                m.bytes_consumed(),
                pos + 1,
                "push_byte moved the position wrongly"
            );
            continue;
        }
        assert!(!m.is_error(), "push_byte set an error");
        assert_eq!(
            m.is_accepting(),
            acc,
            "a rejected push_byte changed is_accepting"
        );
        assert_eq!(
            m.bytes_consumed(),
            pos,
            "a rejected push_byte moved the position"
        );
        m.rollback(1);
        assert_eq!(m.depth(), depth, "rollback(1) changed the depth");
        assert_eq!(m.is_accepting(), acc, "rollback(1) changed is_accepting");
    }
    let mut whole = Matcher::new(cg.clone());
    let ok = whole.consume_bytes(&accepted);
    if !gave_up(&whole) {
        assert!(
            ok,
            "bytes accepted one at a time are refused in one call: {accepted:?}"
        );
        assert_eq!(
            whole.is_accepting(),
            m.is_accepting(),
            "one call and byte-by-byte disagree on is_accepting after {accepted:?}"
        );
        assert_eq!(whole.is_finished(), m.is_finished(), "is_finished differs");
    }
    check_forced_bytes(&mut m);
    m.rollback(m.depth());
    assert_eq!(m.bytes_consumed(), 0, "rolling back everything left bytes");
    assert!(!m.is_error(), "rolling back everything left an error");
    assert_eq!(
        m.is_accepting(),
        start_accepting,
        "full rollback changed is_accepting"
    );
    accepted
}

/// `forced_bytes` leaves the state alone and names the only continuation:
/// before each forced byte the input is not complete and no other byte is
/// accepted.
fn check_forced_bytes(m: &mut Matcher) {
    let (acc, depth, pos) = (m.is_accepting(), m.depth(), m.bytes_consumed());
    let forced = m.forced_bytes();
    assert_eq!(
        (m.is_accepting(), m.depth(), m.bytes_consumed()),
        (acc, depth, pos),
        "forced_bytes changed the state"
    );
    if forced.is_empty() || m.is_error() {
        return;
    }
    let mut r = m.clone();
    // Only the first few bytes: each costs 256 steps.
    for &f in forced.iter().take(4) {
        assert!(
            !r.is_accepting(),
            "forced bytes {forced:?} at an accepting state"
        );
        for b in 0..=255u8 {
            if b == f {
                continue;
            }
            let ok = r.push_byte(b);
            if gave_up(&r) {
                return;
            }
            r.rollback(1);
            assert!(!ok, "byte {b} is accepted but forced bytes are {forced:?}");
        }
        if !r.push_byte(f) {
            assert!(gave_up(&r), "a forced byte of {forced:?} is rejected");
            return;
        }
    }
    let mut all = m.clone();
    if !all.consume_bytes(&forced) {
        assert!(gave_up(&all), "forced bytes {forced:?} are rejected");
    }
}

// ---------------------------------------------------------------------------
// Token masks against the byte matcher
// ---------------------------------------------------------------------------

/// What consuming `token` should do, by the byte matcher at the same prefix
/// (`reference`, None once the sequence is in error or ended): Some(allowed),
/// or None where the byte matcher gave up on a limit.
fn expected_allowed(
    vocab: &Vocabulary,
    reference: Option<&Matcher>,
    token: TokenId,
) -> Option<bool> {
    let Some(r) = reference else {
        return Some(false);
    };
    if vocab.eos_token_ids().contains(&token) {
        return Some(r.is_accepting());
    }
    match vocab.kind(token) {
        corral_core::TokenKind::Normal => {
            let bytes = vocab.token_bytes(token).unwrap_or(&[]);
            if bytes.is_empty() {
                return Some(false);
            }
            let mut c = r.clone();
            let ok = c.consume_bytes(bytes);
            if !ok && gave_up(&c) {
                return None;
            }
            Some(ok)
        }
        // The fixed grammars and vocabularies here bind no special token.
        _ => Some(false),
    }
}

fn bit(mask: &[u32], t: usize) -> bool {
    mask.get(t / 32).is_some_and(|w| w >> (t % 32) & 1 == 1)
}

/// Fills the mask of `tm` and checks every id against the byte matcher and
/// against `try_consume`. Returns the mask, or None if the mask hit a limit.
fn check_mask(tm: &mut TokenMatcher, reference: Option<&Matcher>) -> Option<Vec<u32>> {
    let vocab = tm.token_grammar().vocab.clone();
    let words = vocab.mask_words();
    let mut mask = vec![0xdead_beef_u32; words];
    let depth = tm.depth();
    if tm.fill_mask(&mut mask).is_err() {
        return None;
    }
    assert_eq!(tm.depth(), depth, "fill_mask changed the depth");
    for t in vocab.vocab_size()..words * 32 {
        assert!(!bit(&mask, t), "mask bit {t} is set past the vocabulary");
    }
    for t in 0..vocab.vocab_size() {
        let got = bit(&mask, t);
        if let Some(want) = expected_allowed(&vocab, reference, t as TokenId) {
            assert_eq!(
                got,
                want,
                "mask says {got} for token {t} ({:?}), the byte matcher says {want}",
                String::from_utf8_lossy(vocab.bytes_or_empty(t as TokenId))
            );
        }
        let tried = tm.try_consume(t as TokenId);
        assert_eq!(
            tried, got,
            "try_consume({t}) = {tried} but the mask says {got}"
        );
    }
    assert_eq!(tm.depth(), depth, "try_consume changed the depth");
    if tm.is_finished() && !tm.is_error() {
        for t in 0..vocab.vocab_size() {
            if bit(&mask, t) {
                assert!(
                    vocab.eos_token_ids().contains(&(t as TokenId)),
                    "finished, yet token {t} is allowed"
                );
            }
        }
    }
    Some(mask)
}

/// Builds a vocabulary: the given normal tokens, then one EOS and one other
/// special token, then `pad` ids of logits padding.
fn vocabulary(tokens: &[Vec<u8>], pad: usize) -> Option<Arc<Vocabulary>> {
    let mut specs: Vec<TokenSpec> = tokens
        .iter()
        .map(|t| TokenSpec::Normal(t.clone()))
        .collect();
    let eos = specs.len() as TokenId;
    specs.push(TokenSpec::Special("<eos>".into()));
    specs.push(TokenSpec::Special("<other>".into()));
    specs.push(TokenSpec::Missing);
    let size = specs.len() + pad;
    Vocabulary::new(specs, &[eos], Some(size), TokenizerKind::Raw)
        .ok()
        .map(Arc::new)
}

/// Masks along `path` over a vocabulary of every single byte plus the
/// multi-byte tokens `extra`: at each position the mask must equal what the
/// byte matcher allows. The path is tokenized greedily (longest token).
fn mask_checks(cg: &Arc<CompiledGrammar>, extra: &[Vec<u8>], path: &[u8]) {
    let mut tokens: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
    tokens.extend(extra.iter().filter(|t| t.len() > 1).cloned());
    let Some(vocab) = vocabulary(&tokens, 5) else {
        return;
    };
    let Ok(tg) = TokenGrammar::with_config(cg.clone(), vocab.clone(), mask_config()) else {
        return;
    };
    let mut tm = TokenMatcher::new(tg);
    let mut reference = Matcher::new(cg.clone());
    if reference.is_error() {
        return;
    }
    let mut i = 0;
    for _ in 0..MAX_MASK_CHECKS {
        let Some(mask) = check_mask(&mut tm, Some(&reference)) else {
            return;
        };
        if i >= path.len() {
            return;
        }
        let Some(&t) = vocab.trie().prefixes_of(&path[i..]).last() else {
            return;
        };
        let bytes = vocab.bytes_or_empty(t).to_vec();
        let ok = tm.consume(t).is_ok();
        assert_eq!(
            ok,
            bit(&mask, t as usize),
            "consume({t}) disagrees with the mask"
        );
        if !ok {
            return;
        }
        assert!(reference.consume_bytes(&bytes) || gave_up(&reference));
        if reference.is_error() {
            return;
        }
        i += bytes.len();
    }
}

/// Cuts `data` into tokens of 2 to 4 bytes (lengths from the data itself),
/// plus the whole of it and a long run of its first chunk (long tokens are
/// where ambiguous lexing costs most).
fn chunks(data: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() && out.len() < 48 {
        let n = 2 + (data[i] as usize % 3);
        let end = (i + n).min(data.len());
        out.push(data[i..end].to_vec());
        i = end;
    }
    if let Some(first) = out.first() {
        out.push(first.repeat(24 / first.len()));
    }
    out.push(data[..data.len().min(32)].to_vec());
    out
}

// ---------------------------------------------------------------------------
// Target: lark
// ---------------------------------------------------------------------------

/// Lark grammar text, then optionally a NUL, a settings byte and bytes to
/// match: parse and compile (errors are fine); then run the byte matcher on
/// the bytes, and masks over a vocabulary made of them.
pub fn lark(data: &[u8]) {
    let _watch = Watch::start();
    if data.len() > MAX_TEXT {
        return;
    }
    let (text, rest) = split_nul(data);
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let settings = rest.first().copied().unwrap_or(0);
    let feed = rest.get(1..).unwrap_or(&[]);
    let Ok(g) = parse_lark(text, "<fuzz>", &lark_options()) else {
        return;
    };
    let mut cfg = config();
    if settings & 1 == 1 {
        cfg.whitespace_limit = Some(u32::from(settings >> 1) % 5);
    }
    let Ok(cg) = CompiledGrammar::new(g, cfg) else {
        return;
    };
    let accepted = byte_checks(&cg, feed);
    mask_checks(&cg, &chunks(feed), &accepted);
}

// ---------------------------------------------------------------------------
// Target: regex
// ---------------------------------------------------------------------------

/// Characters of patterns whose meaning Python's `re` (corral's dialect)
/// and the `regex` crate agree on, at least in a full match: no escapes,
/// no `$` (Python's matches before a final newline), no flag groups.
const SAFE_REGEX: &str = "abcAB01|()*+?[]{},.^-";

/// Whether `pattern` means the same in both dialects (conservatively).
fn dialects_agree(pattern: &str, flags: &str) -> bool {
    if !pattern.chars().all(|c| SAFE_REGEX.contains(c)) || flags.contains(['m', 'x']) {
        return false;
    }
    // Inside a class, `[` nests in the regex crate, not in Python; a class
    // may also not be empty in Python (`[]` starts `[]...]`).
    let b = pattern.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'[' {
            i += 1;
            if b.get(i) == Some(&b'^') {
                i += 1;
            }
            if b.get(i) == Some(&b']') {
                i += 1;
            }
            while i < b.len() && b[i] != b']' {
                if b[i] == b'[' {
                    return false;
                }
                i += 1;
            }
        }
        i += 1;
    }
    // Python reads a `{` that starts no valid repetition as a literal, the
    // regex crate refuses it or reads `{,n}` differently: keep only the
    // `{m}` and `{m,n}` forms.
    let mut rest = pattern;
    while let Some(i) = rest.find('{') {
        let tail = &rest[i + 1..];
        let Some(j) = tail.find('}') else {
            return false;
        };
        let inner = &tail[..j];
        let ok = match inner.split_once(',') {
            None => !inner.is_empty() && inner.bytes().all(|c| c.is_ascii_digit()),
            Some((lo, hi)) => {
                !lo.is_empty()
                    && !hi.is_empty()
                    && lo.bytes().all(|c| c.is_ascii_digit())
                    && hi.bytes().all(|c| c.is_ascii_digit())
            }
        };
        if !ok || i == 0 {
            return false;
        }
        rest = &tail[j + 1..];
    }
    // `**`, `*+`, `+?+`...: nested repetition is an error in Python and
    // possessive in 3.11; the regex crate reads them differently.
    let reps = ['*', '+', '?', '}'];
    let cs: Vec<char> = pattern.chars().collect();
    for w in cs.windows(2) {
        if reps.contains(&w[0]) && (w[1] == '*' || w[1] == '+' || w[1] == '{') {
            return false;
        }
    }
    for w in cs.windows(3) {
        if reps.contains(&w[0]) && w[1] == '?' && reps.contains(&w[2]) {
            return false;
        }
    }
    true
}

/// An anchored DFA of the same regex, from the regex crate, with the states
/// from which a match is still reachable.
struct Reference {
    dfa: regex_automata::dfa::dense::DFA<Vec<u32>>,
    start: regex_automata::util::primitives::StateID,
    live: std::collections::HashSet<regex_automata::util::primitives::StateID>,
}

impl Reference {
    fn new(pattern: &str, flags: &str) -> Option<Reference> {
        use regex_automata::dfa::{dense, Automaton, StartKind};
        use regex_automata::util::start;
        use regex_automata::{nfa::thompson, util::syntax, Anchored};
        let f: String = flags.chars().filter(|c| "is".contains(*c)).collect();
        let full = if f.is_empty() {
            format!("(?:{pattern})$")
        } else {
            format!("(?{f}:{pattern})$")
        };
        let dfa = dense::Builder::new()
            .configure(
                dense::Config::new()
                    .start_kind(StartKind::Anchored)
                    .dfa_size_limit(Some(1 << 20))
                    .determinize_size_limit(Some(1 << 20)),
            )
            .syntax(syntax::Config::new().utf8(true).unicode(true))
            .thompson(thompson::Config::new().nfa_size_limit(Some(1 << 20)))
            .build(&full)
            .ok()?;
        let start = dfa
            .start_state(&start::Config::new().anchored(Anchored::Yes))
            .ok()?;
        // States reachable from the start, and their edges.
        let mut seen = std::collections::HashMap::new();
        let mut order = vec![start];
        seen.insert(start, 0usize);
        let mut edges: Vec<Vec<usize>> = Vec::new();
        let mut i = 0;
        while i < order.len() {
            if order.len() > 20_000 {
                return None;
            }
            let s = order[i];
            let mut out = Vec::new();
            for b in 0..=255u8 {
                let n = dfa.next_state(s, b);
                let k = *seen.entry(n).or_insert_with(|| {
                    order.push(n);
                    order.len() - 1
                });
                out.push(k);
            }
            edges.push(out);
            i += 1;
        }
        // Backwards from the states where the end of input matches.
        let mut live = vec![false; order.len()];
        let mut changed = true;
        for (k, &s) in order.iter().enumerate() {
            live[k] = dfa.is_match_state(dfa.next_eoi_state(s));
        }
        while changed {
            changed = false;
            for k in 0..order.len() {
                if !live[k] && edges[k].iter().any(|&n| live[n]) {
                    live[k] = true;
                    changed = true;
                }
            }
        }
        let live = order
            .iter()
            .zip(&live)
            .filter(|(_, &l)| l)
            .map(|(&s, _)| s)
            .collect();
        Some(Reference { dfa, start, live })
    }

    /// Whether some string starting with `prefix` matches in full.
    fn viable(&self, prefix: &[u8]) -> bool {
        use regex_automata::dfa::Automaton;
        let mut s = self.start;
        for &b in prefix {
            s = self.dfa.next_state(s, b);
        }
        self.live.contains(&s)
    }

    fn full_match(&self, text: &[u8]) -> bool {
        use regex_automata::dfa::Automaton;
        let mut s = self.start;
        for &b in text {
            s = self.dfa.next_state(s, b);
        }
        self.dfa.is_match_state(self.dfa.next_eoi_state(s))
    }
}

/// A regex, then optionally a NUL, flags (`imsxu`, up to the next NUL) and
/// NUL-separated test strings: compile (errors are fine), run the byte
/// matcher and masks; where the dialects agree, every prefix of every test
/// string (and of strings sampled from the grammar) is viable for corral
/// exactly when it is for the regex crate's DFA.
pub fn regex(data: &[u8]) {
    let _watch = Watch::start();
    if data.len() > 2048 {
        return;
    }
    let (pattern, rest) = split_nul(data);
    let (flags, rest) = split_nul(rest);
    let Ok(pattern) = std::str::from_utf8(pattern) else {
        return;
    };
    let flags: String = String::from_utf8_lossy(flags)
        .chars()
        .filter(|c| "imsxu".contains(*c))
        .collect();
    let Ok(cg) = CompiledGrammar::new(Grammar::from_regex(pattern, &flags), config()) else {
        return;
    };
    let tests: Vec<&[u8]> = rest.split(|&b| b == 0).take(8).collect();
    let first = tests.first().copied().unwrap_or(&[]);
    let accepted = byte_checks(&cg, first);
    mask_checks(&cg, &chunks(first), &accepted);
    if !dialects_agree(pattern, &flags) {
        return;
    }
    let Some(reference) = Reference::new(pattern, &flags) else {
        return;
    };
    let mut strings: Vec<Vec<u8>> = tests.iter().map(|t| t.to_vec()).collect();
    let sampler = Sampler::new(&cg.grammar);
    let mut rng = Rng::new(data.len() as u64);
    for _ in 0..4 {
        if let Some(s) = sampler.sample(&mut rng, 8) {
            strings.push(s);
        }
    }
    for s in &strings {
        let s = &s[..s.len().min(MAX_FEED)];
        let mut m = Matcher::new(cg.clone());
        for i in 0..=s.len() {
            if i > 0 && !m.push_byte(s[i - 1]) {
                if gave_up(&m) {
                    break;
                }
                assert!(
                    !reference.viable(&s[..i]),
                    "/{pattern}/{flags}: corral rejects {:?}, which the regex crate can complete",
                    String::from_utf8_lossy(&s[..i])
                );
                break;
            }
            assert!(
                reference.viable(&s[..i]),
                "/{pattern}/{flags}: corral accepts the prefix {:?}, which no match of the regex crate starts with",
                String::from_utf8_lossy(&s[..i])
            );
            assert_eq!(
                m.is_accepting(),
                reference.full_match(&s[..i]),
                "/{pattern}/{flags}: corral and the regex crate disagree on a full match of {:?}",
                String::from_utf8_lossy(&s[..i])
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Target: json_schema
// ---------------------------------------------------------------------------

/// Compile options from a few bytes.
fn schema_options(inp: &mut Input<'_>) -> json_schema::Options {
    let mut o = json_schema::Options::default();
    let a = inp.byte();
    let b = inp.byte();
    o.whitespace = if a & 1 == 1 {
        Whitespace::Compact
    } else {
        Whitespace::Flexible {
            max_run: u32::from(a >> 1) % 4,
        }
    };
    if a & 2 == 2 {
        o.property_order = PropertyOrder::Any;
    }
    o.additional_properties = a & 4 == 0;
    o.ascii_escapes = a & 8 == 8;
    o.lenient = a & 16 == 16;
    o.draft = match b % 6 {
        1 => Some(Draft::D4),
        2 => Some(Draft::D6),
        3 => Some(Draft::D7),
        4 => Some(Draft::D2019),
        5 => Some(Draft::D2020),
        _ => None,
    };
    o.max_unroll = 4 + u32::from(b >> 3);
    o
}

/// A schema built from bytes (the structure-aware mode): a few common
/// keywords with small values, nested up to `depth`.
fn arbitrary_schema(inp: &mut Input<'_>, depth: u32) -> Value {
    use serde_json::json;
    const NAMES: [&str; 5] = ["a", "b", "ab", "\u{e9}", "a\"b"];
    let strs = |inp: &mut Input<'_>| -> Value {
        let n = 1 + inp.below(3);
        Value::Array(
            (0..n)
                .map(|_| json!(NAMES[inp.below(NAMES.len())]))
                .collect(),
        )
    };
    let scalar = |inp: &mut Input<'_>| -> Value {
        match inp.below(6) {
            0 => json!(null),
            1 => json!(inp.byte() & 1 == 1),
            2 => json!(i64::from(inp.byte()) - 128),
            3 => json!(f64::from(inp.byte()) / 4.0),
            4 => json!(NAMES[inp.below(NAMES.len())]),
            _ => json!([]),
        }
    };
    const TYPES: [&str; 7] = [
        "string", "integer", "number", "boolean", "null", "object", "array",
    ];
    if depth == 0 || inp.is_empty() {
        return match inp.below(4) {
            0 => json!(true),
            1 => json!({"type": TYPES[inp.below(5)]}),
            2 => json!({"const": scalar(inp)}),
            _ => json!({}),
        };
    }
    const MULTIPLES: [f64; 6] = [1.0, 0.5, 2.0, 3.0, 0.1, 7.0];
    const PATTERNS: [&str; 5] = ["^a+$", "b", "^[a-c]{1,3}$", "^$", "(ab)*"];
    let mut obj = serde_json::Map::new();
    for _ in 0..1 + inp.below(4) {
        let kw = inp.below(24);
        let (k, v) = match kw {
            0 => ("type", json!(TYPES[inp.below(7)])),
            1 => ("const", scalar(inp)),
            2 => (
                "enum",
                Value::Array((0..1 + inp.below(3)).map(|_| scalar(inp)).collect()),
            ),
            3 => ("minimum", json!(i64::from(inp.byte()) - 100)),
            4 => ("maximum", json!(i64::from(inp.byte()) - 100)),
            5 => (
                "exclusiveMinimum",
                json!(f64::from(inp.byte()) / 8.0 - 10.0),
            ),
            6 => ("multipleOf", json!(MULTIPLES[inp.below(6)])),
            7 => ("minLength", json!(inp.below(4))),
            8 => ("maxLength", json!(inp.below(6))),
            9 => ("pattern", json!(PATTERNS[inp.below(5)])),
            10 => ("properties", {
                let mut p = serde_json::Map::new();
                for _ in 0..1 + inp.below(3) {
                    p.insert(
                        NAMES[inp.below(NAMES.len())].into(),
                        arbitrary_schema(inp, depth - 1),
                    );
                }
                Value::Object(p)
            }),
            11 => ("required", strs(inp)),
            12 => ("additionalProperties", arbitrary_schema(inp, depth - 1)),
            13 => ("items", arbitrary_schema(inp, depth - 1)),
            14 => (
                "prefixItems",
                Value::Array(
                    (0..1 + inp.below(2))
                        .map(|_| arbitrary_schema(inp, depth - 1))
                        .collect(),
                ),
            ),
            15 => ("minItems", json!(inp.below(3))),
            16 => ("maxItems", json!(inp.below(4))),
            17 => (
                "anyOf",
                Value::Array(
                    (0..1 + inp.below(3))
                        .map(|_| arbitrary_schema(inp, depth - 1))
                        .collect(),
                ),
            ),
            18 => (
                "oneOf",
                Value::Array(
                    (0..1 + inp.below(3))
                        .map(|_| arbitrary_schema(inp, depth - 1))
                        .collect(),
                ),
            ),
            19 => (
                "allOf",
                Value::Array(
                    (0..1 + inp.below(2))
                        .map(|_| arbitrary_schema(inp, depth - 1))
                        .collect(),
                ),
            ),
            20 => ("not", arbitrary_schema(inp, depth - 1)),
            21 => ("minProperties", json!(inp.below(3))),
            22 => ("maxProperties", json!(inp.below(3))),
            _ => ("propertyNames", arbitrary_schema(inp, depth - 1)),
        };
        obj.insert(k.into(), v);
    }
    Value::Object(obj)
}

/// A JSON Schema as JSON text, optionally followed by a NUL and option
/// bytes; or, when the input starts with 0xFF, a schema built from the
/// bytes that follow (structure-aware mode). Compile (errors are fine);
/// then every string sampled from the grammar that the matcher accepts must
/// be JSON, and valid for the schema wherever [`validate`] can tell.
pub fn json_schema(data: &[u8]) {
    let _watch = Watch::start();
    if data.len() > MAX_TEXT {
        return;
    }
    let (schema, opts, feed) = if let Some(rest) = data.strip_prefix(&[0xff]) {
        let mut inp = Input::new(rest);
        let opts = schema_options(&mut inp);
        let schema = arbitrary_schema(&mut inp, 3);
        (schema, opts, inp.data)
    } else {
        let (text, rest) = split_nul(data);
        let Ok(schema) = serde_json::from_slice::<Value>(text) else {
            return;
        };
        let mut inp = Input::new(rest);
        let opts = schema_options(&mut inp);
        (schema, opts, inp.data)
    };
    let Ok(compiled) = json_schema::compile(&schema, &opts) else {
        return;
    };
    let Ok(cg) = CompiledGrammar::new(compiled.grammar, config()) else {
        return;
    };
    let accepted = byte_checks(&cg, feed);
    mask_checks(&cg, &chunks(feed), &accepted);
    let sampler = Sampler::new(&cg.grammar);
    let mut rng = Rng::new(data.len() as u64);
    // The validator knows draft 2020-12 only.
    let can_validate = !opts.lenient
        && compiled.approximations.is_empty()
        && matches!(opts.draft, None | Some(Draft::D2020))
        && schema.get("$schema").is_none();
    // The bytes the fuzzer fed (when the matcher took them all), and
    // strings sampled from the grammar.
    let mut candidates = Vec::new();
    if accepted.len() == feed.len().min(MAX_FEED) {
        candidates.push(accepted);
    }
    candidates.extend((0..6).filter_map(|_| sampler.sample(&mut rng, 10)));
    for s in candidates {
        let mut m = Matcher::new(cg.clone());
        if !(m.consume_bytes(&s) && m.is_accepting()) {
            continue;
        }
        let value = match serde_json::from_slice::<Value>(&s) {
            Ok(v) => v,
            Err(e) => {
                let msg = e.to_string();
                // serde_json's own limits, not JSON's.
                if msg.contains("surrogate")
                    || msg.contains("out of range")
                    || msg.contains("recursion limit")
                {
                    continue;
                }
                panic!(
                    "the schema accepts {:?}, which is not JSON: {msg}",
                    String::from_utf8_lossy(&s)
                );
            }
        };
        // The validator compares numbers as f64: past 15 significant digits
        // (or near the exponent's ends) it cannot tell what corral, exact
        // on the decimal text, can (under `not` or `oneOf` either answer
        // may be the wrong one).
        if can_validate && !has_imprecise_numbers(&s) {
            if let Some(false) = validate(&schema, &value) {
                panic!(
                    "the schema {schema} accepts {}, which it does not allow",
                    String::from_utf8_lossy(&s)
                );
            }
        }
    }
}

/// Whether JSON text `s` holds a number that f64 does not carry exactly
/// enough to judge: more than 15 significant digits, or an exponent near
/// f64's range.
fn has_imprecise_numbers(s: &[u8]) -> bool {
    let mut i = 0;
    let mut in_string = false;
    while i < s.len() {
        let c = s[i];
        if in_string {
            match c {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if c == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if c == b'-' || c.is_ascii_digit() {
            let start = i;
            while i < s.len() && matches!(s[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                i += 1;
            }
            let tok = &s[start..i];
            let (mantissa, exp) = match tok.iter().position(|&b| b == b'e' || b == b'E') {
                Some(k) => (&tok[..k], &tok[k + 1..]),
                None => (tok, &b""[..]),
            };
            let digits: Vec<u8> = mantissa
                .iter()
                .copied()
                .filter(u8::is_ascii_digit)
                .skip_while(|&d| d == b'0')
                .collect();
            let significant =
                digits.len() - digits.iter().rev().take_while(|&&d| d == b'0').count();
            let exp_digits = exp.iter().filter(|b| b.is_ascii_digit()).count();
            if significant > 15 || exp_digits > 2 || (mantissa.len() > 300) {
                return true;
            }
            continue;
        }
        i += 1;
    }
    false
}

/// Numbers as f64 (JSON Schema compares numbers by value: 1 equals 1.0).
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// A small validator for a subset of JSON Schema: Some(valid), or None
/// where the schema uses anything it does not know (then nothing is
/// claimed). Used only to catch a "yes" to an invalid instance.
fn validate(schema: &Value, v: &Value) -> Option<bool> {
    let obj = match schema {
        Value::Bool(b) => return Some(*b),
        Value::Object(o) => o,
        _ => return None,
    };
    let mut ok = true;
    let num = |k: &str| obj.get(k).and_then(Value::as_f64);
    for (k, kv) in obj {
        let r: bool = match k.as_str() {
            "title" | "description" | "$comment" | "default" | "examples" | "format" => true,
            "type" => {
                let types: Vec<&str> = match kv {
                    Value::String(s) => vec![s.as_str()],
                    Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                    _ => return None,
                };
                types.iter().any(|t| match *t {
                    "null" => v.is_null(),
                    "boolean" => v.is_boolean(),
                    "string" => v.is_string(),
                    "array" => v.is_array(),
                    "object" => v.is_object(),
                    "number" => v.is_number(),
                    "integer" => v.as_f64().is_some_and(|f| f.fract() == 0.0),
                    _ => false,
                })
            }
            "const" => json_equal(kv, v),
            "enum" => kv.as_array()?.iter().any(|e| json_equal(e, v)),
            "minimum" => v
                .as_f64()
                .map_or(true, |f| f >= kv.as_f64().unwrap_or(f64::MIN)),
            "maximum" => v
                .as_f64()
                .map_or(true, |f| f <= kv.as_f64().unwrap_or(f64::MAX)),
            "exclusiveMinimum" | "exclusiveMaximum" => match (v.as_f64(), kv.as_f64()) {
                (None, _) => true,
                // Equal after rounding to f64: the text may still differ.
                (Some(f), Some(b)) if f != b => (f > b) == (k == "exclusiveMinimum"),
                _ => return None,
            },
            "multipleOf" => match (v.as_f64(), kv.as_f64()) {
                (None, _) => true,
                (Some(x), Some(m)) if m > 0.0 => {
                    // x / m carries a rounding error that grows with the
                    // quotient (x and m are both rounded from decimal text):
                    // near a whole number within that error is a multiple,
                    // far from one is not, and in between nobody can tell.
                    let q = x / m;
                    if !q.is_finite() || q.abs() > 1e15 {
                        return None;
                    }
                    let d = (q - q.round()).abs();
                    let err = q.abs() * 4e-15 + 1e-12;
                    if d <= err {
                        true
                    } else if d > err * 1000.0 + 1e-6 {
                        false
                    } else {
                        return None;
                    }
                }
                _ => return None,
            },
            "minLength" => v
                .as_str()
                .map_or(true, |s| s.chars().count() as f64 >= num(k).unwrap_or(0.0)),
            "maxLength" => v.as_str().map_or(true, |s| {
                s.chars().count() as f64 <= num(k).unwrap_or(f64::MAX)
            }),
            "minItems" => v
                .as_array()
                .map_or(true, |a| a.len() as f64 >= num(k).unwrap_or(0.0)),
            "maxItems" => v
                .as_array()
                .map_or(true, |a| a.len() as f64 <= num(k).unwrap_or(f64::MAX)),
            "minProperties" => v
                .as_object()
                .map_or(true, |o| o.len() as f64 >= num(k).unwrap_or(0.0)),
            "maxProperties" => v
                .as_object()
                .map_or(true, |o| o.len() as f64 <= num(k).unwrap_or(f64::MAX)),
            "required" => match v.as_object() {
                None => true,
                Some(o) => kv
                    .as_array()?
                    .iter()
                    .all(|n| n.as_str().is_some_and(|n| o.contains_key(n))),
            },
            "properties" => match v.as_object() {
                None => true,
                Some(o) => {
                    let props = kv.as_object()?;
                    let mut all = true;
                    for (name, sub) in props {
                        if let Some(x) = o.get(name) {
                            all &= validate(sub, x)?;
                        }
                    }
                    all
                }
            },
            "additionalProperties" => match v.as_object() {
                None => true,
                Some(o) => {
                    if obj.contains_key("patternProperties") {
                        return None;
                    }
                    let props = obj.get("properties").and_then(Value::as_object);
                    let mut all = true;
                    for (name, x) in o {
                        if props.map_or(true, |p| !p.contains_key(name)) {
                            all &= validate(kv, x)?;
                        }
                    }
                    all
                }
            },
            "propertyNames" => match v.as_object() {
                None => true,
                Some(o) => {
                    let mut all = true;
                    for name in o.keys() {
                        all &= validate(kv, &Value::String(name.clone()))?;
                    }
                    all
                }
            },
            "prefixItems" => match v.as_array() {
                None => true,
                Some(a) => {
                    let mut all = true;
                    for (s, x) in kv.as_array()?.iter().zip(a) {
                        all &= validate(s, x)?;
                    }
                    all
                }
            },
            "items" => match v.as_array() {
                None => true,
                Some(a) => {
                    if !kv.is_object() && !kv.is_boolean() {
                        return None;
                    }
                    let skip = obj
                        .get("prefixItems")
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len);
                    let mut all = true;
                    for x in a.iter().skip(skip) {
                        all &= validate(kv, x)?;
                    }
                    all
                }
            },
            "allOf" | "anyOf" | "oneOf" => {
                let mut n = 0;
                let subs = kv.as_array()?;
                for s in subs {
                    n += usize::from(validate(s, v)?);
                }
                match k.as_str() {
                    "allOf" => n == subs.len(),
                    "anyOf" => n > 0,
                    _ => n == 1,
                }
            }
            "not" => !validate(kv, v)?,
            _ => return None,
        };
        ok &= r;
    }
    Some(ok)
}

// ---------------------------------------------------------------------------
// Target: matcher
// ---------------------------------------------------------------------------

/// A fixed grammar and the byte strings its vocabularies are made of.
struct Fixed {
    name: &'static str,
    cg: Arc<CompiledGrammar>,
    fragments: &'static [&'static str],
}

const SCHEMA: &str = r#"{"type": "object",
 "properties": {
  "name": {"type": "string", "maxLength": 5},
  "age": {"type": "integer", "minimum": 0, "maximum": 120},
  "tags": {"type": "array", "items": {"enum": ["a", "b", "ab"]}, "maxItems": 3},
  "ok": {"type": "boolean"},
  "x": {"anyOf": [{"type": "null"}, {"type": "number", "multipleOf": 0.5}]}},
 "required": ["name"],
 "additionalProperties": false}"#;

const AMBIGUOUS: &str = r#"start: item+
item: A | B | W | "(" start ")"
A: /[a-c]/
B: /[a-c]{2}/
W: "ab" | "abc"
%ignore " "
"#;

fn fixed() -> &'static [Fixed] {
    static FIXED: OnceLock<Vec<Fixed>> = OnceLock::new();
    FIXED.get_or_init(|| {
        let lark = |text: &str, ws: Option<u32>| {
            let g = parse_lark(text, "<fixed>", &LarkOptions::default()).expect("fixed grammar");
            let cfg = Config {
                whitespace_limit: ws,
                ..Config::default()
            };
            CompiledGrammar::new(g, cfg).expect("fixed grammar")
        };
        let schema: Value = serde_json::from_str(SCHEMA).expect("fixed schema");
        let opts = json_schema::Options {
            whitespace: Whitespace::Flexible { max_run: 2 },
            ..json_schema::Options::default()
        };
        let schema = json_schema::compile(&schema, &opts).expect("fixed schema");
        let regex = Grammar::from_regex("(ab|a)*c?[0-9]{1,3}", "");
        vec![
            Fixed {
                name: "json.lark",
                cg: lark(include_str!("../../../grammars/json.lark"), Some(3)),
                fragments: &[
                    "{", "}", "[", "]", ",", ":", "\"", "\\", "true", "false", "null", "0", "1",
                    "-", ".", "e", "+", "a", " ", "\n", "\\u00", "\u{e9}", "\"a\"", "12",
                ],
            },
            Fixed {
                name: "arith.lark",
                cg: lark(include_str!("../../../grammars/arith.lark"), None),
                fragments: &[
                    "1", "2", "0", ".", "e", "E", "+", "-", "*", "/", "%", "**", "(", ")", ",",
                    "x", "max", "_", " ", "\t",
                ],
            },
            Fixed {
                name: "csv.lark",
                cg: lark(include_str!("../../../grammars/csv.lark"), None),
                fragments: &["a", ",", "\"", "\"\"", "\r\n", "\n", "\r", " ", "b"],
            },
            Fixed {
                name: "schema",
                cg: CompiledGrammar::new(schema.grammar, Config::default()).expect("fixed schema"),
                fragments: &[
                    "{", "}", "\"name\"", "\"age\"", "\"tags\"", "\"ok\"", "\"x\"", ":", ",", "\"",
                    "a", "b", "ab", "[", "]", "1", "0", "12", ".5", "-", "true", "false", "null",
                    " ", "\n", "\\", "u", "\u{e9}", "e",
                ],
            },
            Fixed {
                name: "regex",
                cg: CompiledGrammar::new(regex, Config::default()).expect("fixed regex"),
                fragments: &["a", "b", "c", "0", "9", "ab", "aba"],
            },
            Fixed {
                name: "ambiguous",
                cg: lark(AMBIGUOUS, Some(2)),
                fragments: &["a", "b", "c", "ab", "abc", " ", "(", ")"],
            },
            Fixed {
                name: "sql.lark",
                cg: lark(include_str!("../../../grammars/sql.lark"), Some(2)),
                fragments: &[
                    "SELECT", "select", " ", "*", "FROM", "t", "WHERE", "x", "=", "1", "'", "a",
                    ",", "(", ")", ";", "AND", "JOIN", "ON", ".", "\n", "--", "\"",
                ],
            },
        ]
    })
}

/// One consume call as the model sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Token(TokenId),
    Eos,
    Refused,
}

/// One sequence: the matcher, what it was fed, and the masks seen at each
/// depth (to check that a rollback restores them).
#[derive(Clone)]
struct Lane {
    tm: TokenMatcher,
    steps: Vec<Step>,
    masks: Vec<Option<Vec<u32>>>,
}

impl Lane {
    /// The byte matcher fed the same tokens from scratch, or None once the
    /// sequence is in error or ended.
    fn reference(&self, cg: &Arc<CompiledGrammar>, vocab: &Vocabulary) -> Option<Matcher> {
        if self.steps.iter().any(|s| !matches!(s, Step::Token(_))) {
            return None;
        }
        let mut m = Matcher::new(cg.clone());
        for s in &self.steps {
            if let Step::Token(t) = s {
                let ok = m.consume_bytes(vocab.bytes_or_empty(*t));
                assert!(
                    ok || gave_up(&m),
                    "a consumed token is refused when replayed"
                );
            }
        }
        Some(m)
    }

    fn record_mask(&mut self, mask: Vec<u32>) {
        let d = self.steps.len();
        if self.masks.len() <= d {
            self.masks.resize(d + 1, None);
        }
        if let Some(old) = &self.masks[d] {
            assert_eq!(
                old, &mask,
                "the mask at depth {d} changed (after a rollback or in a fork)"
            );
        }
        self.masks[d] = Some(mask);
    }

    fn truncate(&mut self, depth: usize) {
        self.steps.truncate(depth);
        self.masks.truncate(depth + 1);
    }

    fn check_state(&mut self, cg: &Arc<CompiledGrammar>, vocab: &Vocabulary) {
        assert_eq!(
            self.tm.depth(),
            self.steps.len(),
            "depth differs from the consume calls made"
        );
        let in_error = self.steps.contains(&Step::Refused);
        assert_eq!(
            self.tm.is_error(),
            in_error,
            "is_error() is wrong after {:?}",
            self.steps
        );
        let reference = self.reference(cg, vocab);
        if let Some(r) = &reference {
            if gave_up(r) {
                return;
            }
            assert_eq!(
                self.tm.is_accepting(),
                r.is_accepting(),
                "is_accepting differs from the byte matcher"
            );
        } else if !in_error {
            assert!(self.tm.is_accepting(), "not accepting after EOS");
        }
        if let Some(mask) = check_mask(&mut self.tm, reference.as_ref()) {
            self.record_mask(mask);
        }
    }
}

/// A vocabulary from the input: every byte of the grammar's fragments as a
/// token, then tokens glued from fragments and raw bytes, EOS, another
/// special token, a missing id and logits padding.
fn fuzz_vocabulary(inp: &mut Input<'_>, f: &Fixed) -> Option<Arc<Vocabulary>> {
    let mut tokens: Vec<Vec<u8>> = Vec::new();
    let mut singles: Vec<u8> = f.fragments.iter().flat_map(|s| s.bytes()).collect();
    singles.sort_unstable();
    singles.dedup();
    tokens.extend(singles.iter().map(|&b| vec![b]));
    for _ in 0..inp.below(40) {
        let mut t = Vec::new();
        if inp.below(6) == 0 {
            // A long run of one fragment (`aaaa...`): long tokens are
            // where ambiguous lexing costs most.
            let frag = f.fragments[inp.below(f.fragments.len())].as_bytes();
            for _ in 0..2 + inp.below(23) {
                t.extend_from_slice(frag);
            }
        } else {
            for _ in 0..1 + inp.below(3) {
                if inp.below(8) == 0 {
                    t.push(inp.byte());
                } else {
                    t.extend_from_slice(f.fragments[inp.below(f.fragments.len())].as_bytes());
                }
            }
        }
        tokens.push(t);
    }
    vocabulary(&tokens, inp.below(40))
}

/// A fixed grammar, a vocabulary and a sequence of operations, all read
/// from the input: consume, try_consume, fill_mask, rollback, fork, reset,
/// forced tokens, batch masks. Every mask is checked against the byte
/// matcher at the same prefix, every try_consume against the mask, every
/// mask after a rollback against the mask first seen at that depth, and
/// forks must not see each other's steps.
pub fn matcher(data: &[u8]) {
    let _watch = Watch::start();
    if data.len() > 4096 {
        return;
    }
    let mut inp = Input::new(data);
    let grammars = fixed();
    let f = &grammars[inp.below(grammars.len())];
    let Some(vocab) = fuzz_vocabulary(&mut inp, f) else {
        return;
    };
    if debug() {
        eprintln!("grammar {}; vocabulary (id: bytes):", f.name);
        for t in 0..vocab.vocab_size() as TokenId {
            eprintln!(
                "  {t}: {:?} {:?}",
                vocab.kind(t),
                String::from_utf8_lossy(vocab.bytes_or_empty(t))
            );
        }
    }
    let Ok(tg) = TokenGrammar::with_config(f.cg.clone(), vocab.clone(), mask_config()) else {
        return;
    };
    let cg = tg.grammar.clone();
    let n_ids = vocab.vocab_size() + 2;
    let mut lanes = vec![Lane {
        tm: TokenMatcher::new(tg.clone()),
        steps: Vec::new(),
        masks: Vec::new(),
    }];
    let mut cur = 0;
    let mut ops = 0;
    while !inp.is_empty() && ops < 48 {
        ops += 1;
        let lane = &mut lanes[cur];
        let op = inp.below(12);
        if debug() {
            eprintln!("lane {cur} (depth {}): op {op}", lane.steps.len());
        }
        match op {
            // consume an allowed token (the usual case) or any id
            0..=3 => {
                let t = if inp.byte() & 3 != 0 {
                    let words = vocab.mask_words();
                    let mut mask = vec![0u32; words];
                    if lane.tm.fill_mask(&mut mask).is_err() {
                        continue;
                    }
                    let allowed: Vec<usize> =
                        (0..vocab.vocab_size()).filter(|&t| bit(&mask, t)).collect();
                    if allowed.is_empty() {
                        continue;
                    }
                    allowed[inp.below(allowed.len())] as TokenId
                } else {
                    inp.below(n_ids) as TokenId
                };
                let want = lane.tm.try_consume(t);
                let got = lane.tm.consume(t).is_ok();
                assert_eq!(
                    got, want,
                    "consume({t}) = {got} after try_consume said {want}"
                );
                let d = lane.steps.len();
                lane.truncate(d);
                lane.steps.push(if !got {
                    Step::Refused
                } else if vocab.eos_token_ids().contains(&t) {
                    Step::Eos
                } else {
                    Step::Token(t)
                });
            }
            4 => {
                let t = inp.below(n_ids) as TokenId;
                let depth = lane.tm.depth();
                let got = lane.tm.try_consume(t);
                assert_eq!(lane.tm.depth(), depth, "try_consume changed the depth");
                let reference = lane.reference(&cg, &vocab);
                if reference.as_ref().is_some_and(gave_up) {
                    continue;
                }
                if let Some(want) = expected_allowed(&vocab, reference.as_ref(), t) {
                    assert_eq!(
                        got, want,
                        "try_consume({t}) = {got}, the byte matcher says {want}"
                    );
                }
            }
            5 | 6 => lane.check_state(&cg, &vocab),
            7 => {
                let n = inp.below(lane.steps.len() + 2);
                lane.tm.rollback(n);
                let d = lane.steps.len().saturating_sub(n);
                lane.truncate(d);
                lane.check_state(&cg, &vocab);
            }
            8 => {
                if lanes.len() < 3 {
                    let child = lanes[cur].clone();
                    lanes.push(child);
                } else {
                    lanes.swap_remove(inp.below(lanes.len()));
                }
                cur = inp.below(lanes.len());
            }
            9 => {
                lane.tm.reset();
                lane.truncate(0);
                lane.check_state(&cg, &vocab);
            }
            10 => forced_tokens(lane, &cg, &vocab),
            _ => {
                // Batch masks (in parallel) equal one-by-one masks.
                let words = vocab.mask_words();
                let mut out = vec![0u32; words * lanes.len()];
                let results = {
                    let mut ms: Vec<&mut TokenMatcher> =
                        lanes.iter_mut().map(|l| &mut l.tm).collect();
                    corral_core::token::fill_masks(&mut ms, &mut out, words)
                };
                for (i, (l, r)) in lanes.iter_mut().zip(results).enumerate() {
                    if r.is_err() {
                        continue;
                    }
                    let mut one = vec![0u32; words];
                    if l.tm.fill_mask(&mut one).is_ok() {
                        assert_eq!(
                            &out[i * words..(i + 1) * words],
                            &one[..],
                            "a batch mask differs"
                        );
                    }
                }
            }
        }
    }
    for l in &mut lanes {
        l.check_state(&cg, &vocab);
    }
}

/// Jump-forward as the bindings do it: the forced bytes, tokenized
/// greedily, must be consumable token by token (on a fork).
fn forced_tokens(lane: &mut Lane, cg: &Arc<CompiledGrammar>, vocab: &Vocabulary) {
    let depth = lane.tm.depth();
    let forced = lane.tm.forced_bytes();
    assert_eq!(lane.tm.depth(), depth, "forced_bytes changed the depth");
    if forced.is_empty() {
        return;
    }
    if let Some(mut r) = lane.reference(cg, vocab) {
        if !gave_up(&r) {
            check_forced_bytes(&mut r);
        }
    }
    let mut fork = lane.tm.clone();
    let mut i = 0;
    while i < forced.len() {
        let Some(&t) = vocab.trie().prefixes_of(&forced[i..]).last() else {
            break;
        };
        if let Err(e) = fork.consume(t) {
            assert!(
                fork.byte_matcher()
                    .error()
                    .is_some_and(|e| !matches!(e.kind, MatchErrorKind::Rejected { .. })),
                "token {t} of the forced bytes {forced:?} is refused: {e}"
            );
            break;
        }
        i += vocab.bytes_or_empty(t).len();
    }
}

#[cfg(test)]
mod validator_tests {
    use super::validate;
    use serde_json::json;

    #[test]
    fn multiple_of_tolerates_rounding_in_large_quotients() {
        let s = json!({"multipleOf": 0.1});
        // -2994285021.2 / 0.1 is 29942850212 up to f64 rounding.
        assert_eq!(validate(&s, &json!(-2994285021.2)), Some(true));
        assert_eq!(validate(&s, &json!(0.3)), Some(true));
        assert_eq!(validate(&s, &json!(0.35)), Some(false));
        assert_eq!(validate(&s, &json!(12345.67)), Some(false));
        // Past what f64 can tell apart: no verdict.
        assert_eq!(validate(&s, &json!(1e300)), None);
        // Numbers the validator cannot judge are left to the other checks.
        assert!(super::has_imprecise_numbers(
            b"[856248976515480176660902.1]"
        ));
        assert!(super::has_imprecise_numbers(b"{\"a\": 1.5e-320}"));
        assert!(!super::has_imprecise_numbers(
            b"{\"123456789012345678\": 1.25}"
        ));
        assert!(!super::has_imprecise_numbers(
            b"[-2994285021.2, 1e20, 0.000001, 120000000000000000000]"
        ));
        let oneof = json!({"oneOf": [{"exclusiveMinimum": -8.875}, {"multipleOf": 0.1}]});
        assert_eq!(validate(&oneof, &json!(-2994285021.2)), Some(true));
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
