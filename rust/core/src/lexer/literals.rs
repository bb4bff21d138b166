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
fn encodings(c: char, sp: Spelling) -> Vec<Vec<Unit>> {
    let mut out = Vec::with_capacity(3);
    if !(c < ' ' || c == '"' || c == '\\') {
        let mut buf = [0u8; 4];
        out.push(c.encode_utf8(&mut buf).bytes().map(|b| [b, b]).collect());
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
        if out.is_empty() {
            out.push(match short {
                Some(e) => vec![[b'\\', b'\\'], [e, e]],
                None => format!("\\u{:04x}", c as u32)
                    .bytes()
                    .map(|b| [b, b])
                    .collect(),
            });
        }
        return out;
    }
    if let Some(e) = short {
        out.push(vec![[b'\\', b'\\'], [e, e]]);
    }
    if sp == Spelling::PlainAscii && plain_ascii(c) {
        return out;
    }
    let mut units = [0u16; 2];
    let mut esc = Vec::with_capacity(12);
    for &u in c.encode_utf16(&mut units).iter() {
        esc.push([b'\\', b'\\']);
        esc.push([b'u', b'u']);
        for shift in [12, 8, 4, 0] {
            let d = ((u >> shift) & 0xf) as u8;
            esc.push(if d < 10 {
                [b'0' + d, b'0' + d]
            } else {
                [b'a' + d - 10, b'A' + d - 10]
            });
        }
    }
    out.push(esc);
    out
}

/// Interned states: a state is its sorted transitions (the one accepting
/// state, after the closing quote, has none and is interned first).
struct States {
    index: FxHashMap<Vec<(u8, u32)>, u32>,
    list: Vec<Vec<(u8, u32)>>,
    max_states: usize,
}

/// The state after the closing quote.
const DONE: u32 = 1;

impl States {
    fn intern(&mut self, mut trans: Vec<(u8, u32)>) -> Result<u32, Failure> {
        trans.sort_unstable();
        if let Some(&id) = self.index.get(&trans) {
            return Ok(id);
        }
        // Ids from 2: 0 is the dead state, 1 is DONE.
        if self.list.len() + 2 > self.max_states {
            return Err(Failure::limit(
                "max_dfa_bytes",
                format!(
                    "the set of strings needs more than {} DFA states",
                    self.max_states
                ),
            ));
        }
        let id = self.list.len() as u32 + 2;
        self.index.insert(trans.clone(), id);
        self.list.push(trans);
        Ok(id)
    }
}

/// A node of the trie over encoding units below one character-trie node.
#[derive(Default)]
struct UnitNode {
    kids: Vec<(Unit, usize)>,
    /// Where a finished encoding goes (a character-trie node's state).
    target: Option<u32>,
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
    struct Node {
        end: bool,
        kids: Vec<(char, usize)>,
    }
    let mut trie = vec![Node {
        end: false,
        kids: Vec::new(),
    }];
    for s in strings {
        let mut at = 0;
        for c in s.as_ref().chars() {
            at = match trie[at].kids.iter().find(|k| k.0 == c) {
                Some(&(_, k)) => k,
                None => {
                    trie.push(Node {
                        end: false,
                        kids: Vec::new(),
                    });
                    let k = trie.len() - 1;
                    trie[at].kids.push((c, k));
                    k
                }
            };
        }
        trie[at].end = true;
    }
    let mut st = States {
        index: FxHashMap::default(),
        list: Vec::new(),
        max_states: max_states.max(3),
    };
    let mut state_of = vec![0u32; trie.len()];
    let mut units: Vec<UnitNode> = Vec::new();
    for i in (0..trie.len()).rev() {
        // Every encoding of every child character, as one trie of units
        // rooted at this node's state.
        units.clear();
        units.push(UnitNode::default());
        for &(c, k) in &trie[i].kids {
            for enc in encodings(c, sp) {
                let mut at = 0;
                for u in enc {
                    at = match units[at].kids.iter().find(|x| x.0 == u) {
                        Some(&(_, n)) => n,
                        None => {
                            units.push(UnitNode::default());
                            let n = units.len() - 1;
                            units[at].kids.push((u, n));
                            n
                        }
                    };
                }
                units[at].target = Some(state_of[k]);
            }
        }
        // Intern the unit trie from the leaves up (children follow their
        // parent in `units` too).
        let mut ids = vec![0u32; units.len()];
        for j in (0..units.len()).rev() {
            if let Some(t) = units[j].target {
                ids[j] = t;
                continue;
            }
            let mut trans = Vec::with_capacity(units[j].kids.len() * 2);
            for &(u, n) in &units[j].kids {
                trans.push((u[0], ids[n]));
                if u[1] != u[0] {
                    trans.push((u[1], ids[n]));
                }
            }
            if j == 0 && trie[i].end {
                trans.push((b'"', DONE));
            }
            ids[j] = st.intern(trans)?;
        }
        state_of[i] = ids[0];
    }
    let body = state_of[0];
    let start = st.intern(vec![(b'"', body)])?;
    // Dense rows: 0 dead, 1 DONE, then the interned states.
    let mut rows: Vec<Vec<(u8, u32)>> = vec![Vec::new(), Vec::new()];
    rows.extend(st.list);
    let mut accept = vec![false; rows.len()];
    accept[DONE as usize] = true;
    Ok(TableDfa::from_sparse(&rows, accept, start))
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
