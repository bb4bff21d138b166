//! Target: regex, checked against the `regex` crate's DFA where the
//! dialects agree.

use corral_core::sample::{Rng, Sampler};
use corral_core::{CompiledGrammar, Grammar, Matcher};

use super::bytes::byte_checks;
use super::common::{config, gave_up, split_nul, MAX_FEED};
use super::masks::{chunks, mask_checks};
use super::watchdog::Watch;

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
