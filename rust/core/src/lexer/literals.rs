//! JSON strings from a fixed set (an enum, a property name) as a table built
//! directly, with no regex in between.
//!
//! The machine reads every JSON encoding of the strings, quotes included:
//! each character raw (where JSON allows it), as a short escape (`\n`,
//! `\"`, `\/`, ...) or as `\uXXXX` in either case, with surrogate pairs past
//! the BMP; a [`Spelling`] narrows that (printable ASCII raw only, or the
//! one encoding serializers write). It is built bottom-up over a trie of the strings' characters,
//! each state interned by its transitions, so states with the same future
//! are one: the result is the minimal DFA (the language is finite, so the
//! machine is acyclic and interning from the leaves up minimizes it). A set
//! of 10000 strings `value_0` .. `value_9999` becomes a few dozen states,
//! where determinizing the same language lazily, at mask time, would meet
//! each of the trie's thousands of nodes.

use rustc_hash::FxHashMap;

use super::json_text::plain_ascii;
use super::table::TableDfa;
use crate::error::Failure;
use crate::grammar::Spelling;

/// One byte position of an encoding: the byte, or either of two (a hex
/// digit in lower or upper case).
type Unit = [u8; 2];

/// The encodings `sp` allows of `c` inside a JSON string, each a sequence
/// of units.
#[cfg(test)]
fn encodings(c: char, sp: Spelling) -> Vec<Vec<Unit>> {
    let mut enc = Encodings::default();
    enc.fill(c, sp);
    (0..enc.count()).map(|i| enc.get(i).to_vec()).collect()
}

/// The encodings of one character, in one buffer (at most three, of at
/// most twelve units), so the trie's walk allocates nothing per character.
#[derive(Default)]
struct Encodings {
    units: Vec<Unit>,
    ends: Vec<usize>,
}

impl Encodings {
    fn count(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> &[Unit] {
        let from = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.units[from..self.ends[i]]
    }

    fn end(&mut self) {
        self.ends.push(self.units.len());
    }

    /// The encodings `sp` allows of `c` inside a JSON string.
    fn fill(&mut self, c: char, sp: Spelling) {
        self.units.clear();
        self.ends.clear();
        let raw = !(c < ' ' || c == '"' || c == '\\');
        if raw {
            let mut buf = [0u8; 4];
            self.units
                .extend(c.encode_utf8(&mut buf).bytes().map(|b| [b, b]));
            self.end();
        }
        let short = match c {
            '"' => Some(b'"'),
            '\\' => Some(b'\\'),
            '/' => Some(b'/'),
            '\x08' => Some(b'b'),
            '\x0c' => Some(b'f'),
            '\n' => Some(b'n'),
            '\r' => Some(b'r'),
            '\t' => Some(b't'),
            _ => None,
        };
        if sp == Spelling::Minimal {
            // Raw, else the short escape, else `\u00xx` in lower case.
            if !raw {
                match short {
                    Some(e) => self.units.extend([[b'\\', b'\\'], [e, e]]),
                    None => {
                        let u = c as u32;
                        self.units.extend([[b'\\', b'\\'], [b'u', b'u']]);
                        for shift in [12, 8, 4, 0] {
                            let d = ((u >> shift) & 0xf) as u8;
                            let h = if d < 10 { b'0' + d } else { b'a' + d - 10 };
                            self.units.push([h, h]);
                        }
                    }
                }
                self.end();
            }
            return;
        }
        if let Some(e) = short {
            self.units.extend([[b'\\', b'\\'], [e, e]]);
            self.end();
        }
        if sp == Spelling::PlainAscii && plain_ascii(c) {
            return;
        }
        let mut units = [0u16; 2];
        for &u in c.encode_utf16(&mut units).iter() {
            self.units.extend([[b'\\', b'\\'], [b'u', b'u']]);
            for shift in [12, 8, 4, 0] {
                let d = ((u >> shift) & 0xf) as u8;
                self.units.push(if d < 10 {
                    [b'0' + d, b'0' + d]
                } else {
                    [b'a' + d - 10, b'A' + d - 10]
                });
            }
        }
        self.end();
    }
}

/// Interned states: a state is its sorted transitions (the one accepting
/// state, after the closing quote, has none and is interned first). The
/// transitions of every state live in one array, found by hash.
struct States {
    /// Each state's transitions (ids from 2: 0 is the dead state, 1 is
    /// DONE), as a range of `arena`.
    spans: Vec<(u32, u32)>,
    arena: Vec<(u8, u32)>,
    /// A hash to the last state with it; `chain` goes on to earlier ones.
    heads: FxHashMap<u64, u32>,
    chain: Vec<u32>,
    max_states: usize,
}

/// The state after the closing quote.
const DONE: u32 = 1;

impl States {
    fn new(max_states: usize) -> States {
        States {
            spans: Vec::new(),
            arena: Vec::new(),
            heads: FxHashMap::default(),
            chain: Vec::new(),
            max_states,
        }
    }

    fn trans(&self, i: usize) -> &[(u8, u32)] {
        let (from, len) = self.spans[i];
        &self.arena[from as usize..(from + len) as usize]
    }

    /// The state whose transitions are `trans` (sorted here).
    fn intern(&mut self, trans: &mut [(u8, u32)]) -> Result<u32, Failure> {
        trans.sort_unstable();
        let mut h = rustc_hash::FxHasher::default();
        std::hash::Hash::hash(&*trans, &mut h);
        let h = std::hash::Hasher::finish(&h);
        let mut at = self.heads.get(&h).copied().unwrap_or(u32::MAX);
        while at != u32::MAX {
            if self.trans(at as usize) == trans {
                return Ok(at + 2);
            }
            at = self.chain[at as usize];
        }
        if self.spans.len() + 2 > self.max_states {
            return Err(Failure::limit(
                "max_dfa_bytes",
                format!(
                    "the set of strings needs more than {} DFA states",
                    self.max_states
                ),
            ));
        }
        let i = self.spans.len() as u32;
        self.spans
            .push((self.arena.len() as u32, trans.len() as u32));
        self.arena.extend_from_slice(trans);
        self.chain.push(self.heads.insert(h, i).unwrap_or(u32::MAX));
        Ok(i + 2)
    }
}

/// A node of the trie over encoding units below one character-trie node;
/// its children are a list through `first` and `next` (0 ends it: the
/// root is never a child).
#[derive(Clone, Copy, Default)]
struct UnitNode {
    unit: Unit,
    first: u32,
    next: u32,
    /// Where a finished encoding goes (a character-trie node's state).
    target: Option<u32>,
}

/// A node of the trie over the strings' characters, its children listed
/// the same way.
#[derive(Clone, Copy, Default)]
struct CharNode {
    c: char,
    end: bool,
    first: u32,
    next: u32,
}

/// The child of `at` by `key` in a trie of `nodes` (children listed
/// through `first` and `next`), added where missing.
fn child<N: Copy + Default>(
    nodes: &mut Vec<N>,
    at: usize,
    first: fn(&mut N) -> &mut u32,
    next: fn(&mut N) -> &mut u32,
    is: impl Fn(&N) -> bool,
    make: impl FnOnce() -> N,
) -> usize {
    let mut k = *first(&mut nodes[at]);
    while k != 0 {
        if is(&nodes[k as usize]) {
            return k as usize;
        }
        k = *next(&mut nodes[k as usize]);
    }
    let n = nodes.len() as u32;
    let mut node = make();
    *next(&mut node) = *first(&mut nodes[at]);
    *first(&mut nodes[at]) = n;
    nodes.push(node);
    n as usize
}

/// The table of the JSON strings (quotes included) that decode to one of
/// `strings`, in the encodings `sp` allows. Fails past `max_states`
/// states.
pub fn json_literals<S: AsRef<str>>(
    strings: &[S],
    sp: Spelling,
    max_states: usize,
) -> Result<TableDfa, Failure> {
    // The trie of characters: children are always created after their
    // parent, so walking it backwards meets children first.
    let mut trie = vec![CharNode::default()];
    for s in strings {
        let mut at = 0;
        for c in s.as_ref().chars() {
            at = child(
                &mut trie,
                at,
                |n| &mut n.first,
                |n| &mut n.next,
                |n| n.c == c,
                || CharNode {
                    c,
                    ..Default::default()
                },
            );
        }
        trie[at].end = true;
    }
    let mut st = States::new(max_states.max(3));
    let mut state_of = vec![0u32; trie.len()];
    let mut units: Vec<UnitNode> = Vec::new();
    let mut enc = Encodings::default();
    let mut ids: Vec<u32> = Vec::new();
    let mut trans: Vec<(u8, u32)> = Vec::new();
    for i in (0..trie.len()).rev() {
        // Every encoding of every child character, as one trie of units
        // rooted at this node's state.
        units.clear();
        units.push(UnitNode::default());
        let mut k = trie[i].first;
        while k != 0 {
            let kid = trie[k as usize];
            enc.fill(kid.c, sp);
            for e in 0..enc.count() {
                let mut at = 0;
                for &u in enc.get(e) {
                    at = child(
                        &mut units,
                        at,
                        |n| &mut n.first,
                        |n| &mut n.next,
                        |n| n.unit == u,
                        || UnitNode {
                            unit: u,
                            ..Default::default()
                        },
                    );
                }
                units[at].target = Some(state_of[k as usize]);
            }
            k = kid.next;
        }
        // Intern the unit trie from the leaves up (children follow their
        // parent in `units` too).
        ids.clear();
        ids.resize(units.len(), 0);
        for j in (0..units.len()).rev() {
            if let Some(t) = units[j].target {
                ids[j] = t;
                continue;
            }
            trans.clear();
            let mut n = units[j].first;
            while n != 0 {
                let [u0, u1] = units[n as usize].unit;
                trans.push((u0, ids[n as usize]));
                if u1 != u0 {
                    trans.push((u1, ids[n as usize]));
                }
                n = units[n as usize].next;
            }
            if j == 0 && trie[i].end {
                trans.push((b'"', DONE));
            }
            ids[j] = st.intern(&mut trans)?;
        }
        state_of[i] = ids[0];
    }
    let body = state_of[0];
    let start = st.intern(&mut [(b'"', body)])?;
    // Rows: 0 dead, 1 DONE, then the interned states.
    let n = st.spans.len() + 2;
    let mut all: Vec<(u8, u32, u32)> = Vec::with_capacity(st.arena.len());
    for i in 0..st.spans.len() {
        all.extend(st.trans(i).iter().map(|&(b, r)| (b, i as u32 + 2, r)));
    }
    let mut accept = vec![false; n];
    accept[DONE as usize] = true;
    Ok(TableDfa::from_steps(all, accept, start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_encoding_and_nothing_else() {
        let words = ["a/\"é😀", "ab", "", "\u{1}", "\u{1f}\n"];
        let t = json_literals(&words, Spelling::Any, 1000).unwrap();
        let plain = json_literals(&words, Spelling::PlainAscii, 1000).unwrap();
        let one = json_literals(&words, Spelling::Minimal, 1000).unwrap();
        // The one spelling: as serde_json writes each string.
        for w in words {
            let text = serde_json::to_string(w).unwrap();
            assert!(one.matches(&text), "{text} rejected");
        }
        for other in [
            r#""a\/\"é😀""#,
            r#""a/\"\u00e9😀""#,
            r#""\u0061b""#,
            r#""\u001F\n""#,
            r#""\u001f\u000a""#,
        ] {
            assert!(!one.matches(other), "{other} accepted in the one spelling");
        }
        for ok in [
            r#""a/\"é😀""#,
            r#""a\/\"\u00e9\ud83d\uDE00""#,
            r#""ab""#,
            r#""""#,
            r#""\u0001""#,
        ] {
            assert!(t.matches(ok), "{ok} rejected");
            assert!(plain.matches(ok), "{ok} rejected without ASCII escapes");
        }
        // Printable ASCII as `\uXXXX`: only with `ascii_escapes`.
        for escaped in [r#""\u0061\/\u0022\u00E9\ud83d\uDE00""#, r#""\u0061b""#] {
            assert!(t.matches(escaped), "{escaped} rejected");
            assert!(
                !plain.matches(escaped),
                "{escaped} accepted without ASCII escapes"
            );
        }
        for bad in [
            r#""a""#,
            r#""abc""#,
            r#""aB""#,
            r#""\a""#,
            "\"\u{1}\"",
            r#""ab"#,
            r#"ab""#,
            r#""\u00e9""#,
            r#""ab" "#,
        ] {
            assert!(!t.matches(bad), "{bad} accepted");
            assert!(!plain.matches(bad), "{bad} accepted");
        }
    }

    /// Random sets and random encodings: the table accepts a text exactly
    /// when serde_json reads it as a string of the set.
    #[test]
    fn agrees_with_a_json_parser() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let alphabet = [
            'a', 'b', '"', '\\', '/', '\n', '\u{1f}', 'é', '€', '😀', 'Z',
        ];
        for _ in 0..200 {
            let set: Vec<String> = (0..1 + rnd(6))
                .map(|_| (0..rnd(5)).map(|_| alphabet[rnd(alphabet.len())]).collect())
                .collect();
            let sp = [Spelling::Any, Spelling::PlainAscii, Spelling::Minimal][rnd(3)];
            let t = json_literals(&set, sp, 10_000).unwrap();
            for _ in 0..20 {
                // A member or a near miss, each character in a random
                // encoding and hex case.
                let mut s: Vec<char> = set[rnd(set.len())].chars().collect();
                match rnd(4) {
                    0 if !s.is_empty() => {
                        s.remove(rnd(s.len()));
                    }
                    1 => s.insert(rnd(s.len() + 1), alphabet[rnd(alphabet.len())]),
                    _ => {}
                }
                let mut bytes = vec![b'"'];
                // Whether a printable ASCII character was written `\uXXXX`.
                let mut ascii_escaped = false;
                for c in s {
                    let encs = encodings(c, Spelling::Any);
                    let enc = &encs[rnd(encs.len())];
                    ascii_escaped |= plain_ascii(c) && enc.len() == 6;
                    bytes.extend(enc.iter().map(|u| u[rnd(2)]));
                }
                bytes.push(b'"');
                let text = String::from_utf8(bytes).unwrap();
                let want = matches!(
                    serde_json::from_str::<String>(&text),
                    Ok(v) if set.contains(&v) && match sp {
                        Spelling::Any => true,
                        Spelling::PlainAscii => !ascii_escaped,
                        Spelling::Minimal => serde_json::to_string(&v).unwrap() == text,
                    }
                );
                assert_eq!(t.matches(&text), want, "{text:?} with {set:?}");
            }
        }
    }

    #[test]
    fn shared_futures_are_one_state() {
        let words: Vec<String> = (0..10000).map(|i| format!("value_{i}")).collect();
        let t = json_literals(&words, Spelling::Any, 1 << 18).unwrap();
        assert!(t.state_count() < 200, "{} states", t.state_count());
        assert!(t.matches(r#""value_9999""#));
        assert!(t.matches(r#""value_\u0030""#));
        assert!(!t.matches(r#""value_10000""#));
        assert!(!t.matches(r#""value_01""#));
        // Every state but the dead one reaches a match; only DONE accepts.
        assert!(json_literals(&words, Spelling::Any, 20).is_err());
    }
}
