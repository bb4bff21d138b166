//! Distinct keys: the keys of each open JSON object, read from the bytes
//! as they are matched, so that a key written twice (raw, or spelled with
//! escapes) is refused where its closing quote comes.
//!
//! No grammar of practical size says "each key at most once" (it would
//! need a rule per subset of keys), and JSON Schema means it: a JSON
//! reader keeps one of two equal keys. The check is over the bytes alone,
//! since the JSON structure of a text does not depend on how a grammar
//! parses it, so every Earley thread shares one tracker. Its changes go
//! to an undo log, and a rollback point is a [`Mark`] (three numbers), so
//! `rollback` undoes exactly what the bytes since did and `fork` is a
//! clone of what is open.

use rustc_hash::FxHashSet;

/// Past this many keys an object also keeps a hash set of them.
const LIST_KEYS: usize = 8;

/// One open object's keys, decoded (`"\u0061"` is `a`).
#[derive(Debug, Clone, Default)]
struct Keys {
    list: Vec<Box<[u8]>>,
    set: FxHashSet<Box<[u8]>>,
}

impl Keys {
    fn contains(&self, k: &[u8]) -> bool {
        if self.list.len() > LIST_KEYS {
            self.set.contains(k)
        } else {
            self.list.iter().any(|x| **x == *k)
        }
    }

    fn insert(&mut self, k: &[u8]) {
        self.list.push(k.into());
        if self.list.len() > LIST_KEYS {
            if self.set.is_empty() {
                self.set.extend(self.list.iter().cloned());
            } else {
                self.set.insert(k.into());
            }
        }
    }

    fn pop(&mut self) {
        if let Some(k) = self.list.pop() {
            if self.list.len() >= LIST_KEYS {
                self.set.remove(&k);
            } else {
                self.set.clear();
            }
        }
    }

    fn any_with_prefix(&self, p: &[u8]) -> bool {
        self.list.iter().any(|k| k.starts_with(p))
    }
}

#[derive(Debug, Clone)]
enum Frame {
    Array,
    Object(Keys),
}

#[derive(Debug, Clone)]
enum Undo {
    Push,
    Pop(Frame),
    Insert,
}

/// What is read from byte to byte.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Scalars {
    in_string: bool,
    /// The string in progress is a key.
    is_key: bool,
    /// The last byte was a backslash inside a string.
    esc: bool,
    /// A string starting now is a key (after `{` or an object's `,`).
    key_pos: bool,
    /// The bytes are not JSON (a closing bracket with nothing open): the
    /// tracker stands aside.
    off: bool,
    /// Where the key in progress starts in `raw`.
    key_start: u32,
}

/// A rollback point.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    s: Scalars,
    raw: u32,
    log: u32,
}

/// The keys of each open object of the JSON text matched so far.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyTracker {
    stack: Vec<Frame>,
    s: Scalars,
    /// The raw bytes of keys (each key's from its `key_start`), kept until
    /// rolled back.
    raw: Vec<u8>,
    log: Vec<Undo>,
    /// A decoded key (reused).
    dec: Vec<u8>,
}

/// Scratch of [`KeyTracker::accepts`] (reused across tokens).
#[derive(Debug, Default)]
pub(crate) struct Probe {
    raw: Vec<u8>,
    dec: Vec<u8>,
    /// Objects opened by the bytes probed: (is an object, keys).
    opened: Vec<(bool, Vec<Vec<u8>>)>,
    /// Keys the bytes probed added to objects already open: (depth, key).
    added: Vec<(usize, Vec<u8>)>,
}

impl KeyTracker {
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            s: self.s,
            raw: self.raw.len() as u32,
            log: self.log.len() as u32,
        }
    }

    /// Undoes everything after `m`.
    pub(crate) fn rollback(&mut self, m: Mark) {
        while self.log.len() > m.log as usize {
            match self.log.pop() {
                Some(Undo::Push) => {
                    self.stack.pop();
                }
                Some(Undo::Pop(f)) => self.stack.push(f),
                Some(Undo::Insert) => {
                    if let Some(Frame::Object(k)) = self.stack.last_mut() {
                        k.pop();
                    }
                }
                None => break,
            }
        }
        self.s = m.s;
        self.raw.truncate(m.raw as usize);
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        let keys: usize = self
            .stack
            .iter()
            .map(|f| match f {
                Frame::Object(k) => k.list.iter().map(|x| x.len() + 24).sum::<usize>() * 2,
                Frame::Array => 0,
            })
            .sum();
        self.raw.len() + self.log.len() * 48 + self.stack.len() * 96 + keys
    }

    fn top_keys(&self) -> Option<&Keys> {
        match self.stack.last() {
            Some(Frame::Object(k)) => Some(k),
            _ => None,
        }
    }

    /// Whether the innermost open object has key `k` (decoded).
    pub(crate) fn has(&self, k: &[u8]) -> bool {
        self.top_keys().is_some_and(|x| x.contains(k))
    }

    /// Whether byte `b` may come next: false only where it closes a key the
    /// innermost object already has.
    pub(crate) fn allows(&mut self, b: u8) -> bool {
        let s = self.s;
        if b != b'"' || s.off || !s.in_string || !s.is_key || s.esc {
            return true;
        }
        let mut dec = std::mem::take(&mut self.dec);
        decode(&self.raw[s.key_start as usize..], &mut dec);
        let dup = self.top_keys().is_some_and(|k| k.contains(&dec));
        self.dec = dec;
        !dup
    }

    /// Reads byte `b` (which [`KeyTracker::allows`]).
    pub(crate) fn push(&mut self, b: u8) {
        let mut s = self.s;
        if s.off {
            return;
        }
        if s.in_string {
            if s.esc {
                s.esc = false;
            } else if b == b'\\' {
                s.esc = true;
            } else if b == b'"' {
                s.in_string = false;
                if s.is_key {
                    s.is_key = false;
                    let mut dec = std::mem::take(&mut self.dec);
                    decode(&self.raw[s.key_start as usize..], &mut dec);
                    if let Some(Frame::Object(k)) = self.stack.last_mut() {
                        k.insert(&dec);
                        self.log.push(Undo::Insert);
                    }
                    self.dec = dec;
                }
                self.s = s;
                return;
            }
            if s.is_key {
                self.raw.push(b);
            }
            self.s = s;
            return;
        }
        match b {
            b'"' => {
                s.in_string = true;
                s.is_key = s.key_pos && matches!(self.stack.last(), Some(Frame::Object(_)));
                s.key_pos = false;
                s.key_start = self.raw.len() as u32;
            }
            b'{' => {
                self.stack.push(Frame::Object(Keys::default()));
                self.log.push(Undo::Push);
                s.key_pos = true;
            }
            b'[' => {
                self.stack.push(Frame::Array);
                self.log.push(Undo::Push);
                s.key_pos = false;
            }
            b'}' | b']' => {
                let fits = matches!(
                    (self.stack.last(), b),
                    (Some(Frame::Object(_)), b'}') | (Some(Frame::Array), b']')
                );
                if fits {
                    if let Some(f) = self.stack.pop() {
                        self.log.push(Undo::Pop(f));
                    }
                    s.key_pos = false;
                } else {
                    s.off = true;
                }
            }
            b',' => s.key_pos = matches!(self.stack.last(), Some(Frame::Object(_))),
            b':' => s.key_pos = false,
            _ => {}
        }
        self.s = s;
    }

    /// The fewest `"` bytes a token needs to close a key some open object
    /// already has (`None`: no token can).
    pub(crate) fn quotes_needed(&self) -> Option<usize> {
        if self.s.off {
            return None;
        }
        let any_keys = self
            .stack
            .iter()
            .any(|f| matches!(f, Frame::Object(k) if !k.list.is_empty()));
        if self.s.in_string && self.s.is_key {
            // This key may close as one the object has; or it closes, and
            // a later key of the token repeats one.
            let prefix_of_one = self.top_keys().is_some_and(|k| {
                let raw = &self.raw[self.s.key_start as usize..];
                if self.s.esc || raw.contains(&b'\\') {
                    !k.list.is_empty()
                } else {
                    k.any_with_prefix(raw)
                }
            });
            return Some(if prefix_of_one { 1 } else { 3 });
        }
        // Open a key and close it; or, with nothing to repeat yet, a key
        // the token itself adds, then the same again.
        let value_string = self.s.in_string as usize;
        Some(value_string + if any_keys { 2 } else { 4 })
    }

    /// Whether `bytes` may come next, as far as keys go (the state does not
    /// change).
    pub(crate) fn accepts(&self, bytes: &[u8], p: &mut Probe) -> bool {
        let mut s = self.s;
        if s.off {
            return true;
        }
        p.raw.clear();
        if s.in_string && s.is_key {
            p.raw.extend_from_slice(&self.raw[s.key_start as usize..]);
        }
        p.opened.clear();
        p.added.clear();
        // Open objects below the ones the bytes opened.
        let mut base = self.stack.len();
        let top_is_obj = |p: &Probe, base: usize| match p.opened.last() {
            Some(o) => o.0,
            None => base > 0 && matches!(self.stack[base - 1], Frame::Object(_)),
        };
        for &b in bytes {
            if s.in_string {
                if s.esc {
                    s.esc = false;
                } else if b == b'\\' {
                    s.esc = true;
                } else if b == b'"' {
                    s.in_string = false;
                    if s.is_key {
                        s.is_key = false;
                        decode(&p.raw, &mut p.dec);
                        match p.opened.last_mut() {
                            Some(o) => {
                                if o.1.contains(&p.dec) {
                                    return false;
                                }
                                o.1.push(p.dec.clone());
                            }
                            None => {
                                let had = match self.stack.get(base.wrapping_sub(1)) {
                                    Some(Frame::Object(k)) => k.contains(&p.dec),
                                    _ => false,
                                };
                                if had || p.added.iter().any(|(d, k)| *d == base && *k == p.dec) {
                                    return false;
                                }
                                p.added.push((base, p.dec.clone()));
                            }
                        }
                    }
                    continue;
                }
                if s.is_key {
                    p.raw.push(b);
                }
                continue;
            }
            match b {
                b'"' => {
                    s.in_string = true;
                    s.is_key = s.key_pos && top_is_obj(p, base);
                    s.key_pos = false;
                    p.raw.clear();
                }
                b'{' | b'[' => {
                    p.opened.push((b == b'{', Vec::new()));
                    s.key_pos = b == b'{';
                }
                b'}' | b']' => {
                    if p.opened.pop().is_none() {
                        if base == 0 {
                            return true;
                        }
                        base -= 1;
                        p.added.retain(|(d, _)| *d <= base);
                    }
                    s.key_pos = false;
                }
                b',' => s.key_pos = top_is_obj(p, base),
                b':' => s.key_pos = false,
                _ => {}
            }
        }
        true
    }
}

/// The key a JSON string's text (between the quotes) stands for, as
/// UTF-8 (a lone surrogate escape as its three-byte form, so that it
/// stays distinct): `\u0061` and `a` are one key.
fn decode(raw: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut i = 0;
    let hex = |i: usize| -> Option<u32> {
        let h = raw.get(i..i + 4)?;
        u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
    };
    while i < raw.len() {
        let b = raw[i];
        if b != b'\\' || i + 1 >= raw.len() {
            out.push(b);
            i += 1;
            continue;
        }
        let e = raw[i + 1];
        i += 2;
        let c = match e {
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n' as u32,
            b'r' => b'\r' as u32,
            b't' => b'\t' as u32,
            b'u' => match hex(i) {
                Some(u) => {
                    i += 4;
                    if (0xd800..0xdc00).contains(&u)
                        && raw.get(i) == Some(&b'\\')
                        && raw.get(i + 1) == Some(&b'u')
                    {
                        match hex(i + 2) {
                            Some(l) if (0xdc00..0xe000).contains(&l) => {
                                i += 6;
                                0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00)
                            }
                            _ => u,
                        }
                    } else {
                        u
                    }
                }
                None => {
                    // Not JSON: kept as written.
                    out.extend_from_slice(b"\\u");
                    continue;
                }
            },
            other => other as u32,
        };
        push_code(c, out);
    }
}

/// `c` as UTF-8, surrogates included (generalized UTF-8).
fn push_code(c: u32, out: &mut Vec<u8>) {
    if c < 0x80 {
        out.push(c as u8);
    } else if c < 0x800 {
        out.extend_from_slice(&[0xc0 | (c >> 6) as u8, 0x80 | (c & 0x3f) as u8]);
    } else if c < 0x10000 {
        out.extend_from_slice(&[
            0xe0 | (c >> 12) as u8,
            0x80 | ((c >> 6) & 0x3f) as u8,
            0x80 | (c & 0x3f) as u8,
        ]);
    } else {
        out.extend_from_slice(&[
            0xf0 | (c >> 18) as u8,
            0x80 | ((c >> 12) & 0x3f) as u8,
            0x80 | ((c >> 6) & 0x3f) as u8,
            0x80 | (c & 0x3f) as u8,
        ]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(t: &mut KeyTracker, text: &[u8]) -> bool {
        for &b in text {
            if !t.allows(b) {
                return false;
            }
            t.push(b);
        }
        true
    }

    #[test]
    fn a_key_twice_is_refused_at_its_closing_quote() {
        let mut t = KeyTracker::default();
        assert!(run(&mut t, br#"{"a":1,"b":{"a":2},"c":["a","a"],"#));
        let m = t.mark();
        assert!(!run(&mut t, br#""a""#));
        t.rollback(m);
        assert!(!run(&mut t, br#""\u0061""#));
        t.rollback(m);
        assert!(!run(&mut t, br#""b""#));
        t.rollback(m);
        assert!(run(&mut t, br#""d":{"d":1,"e":2},"e":"a"}"#));
    }

    #[test]
    fn escapes_decode_to_one_key() {
        let mut d = Vec::new();
        decode(br#"\u00e9\n\/\ud83d\ude00\ud800x"#, &mut d);
        let mut want = "é\n/😀".as_bytes().to_vec();
        push_code(0xd800, &mut want);
        want.push(b'x');
        assert_eq!(d, want);
    }

    #[test]
    fn rollback_restores_keys_and_frames() {
        let mut t = KeyTracker::default();
        assert!(run(&mut t, br#"{"a":{"#));
        let m = t.mark();
        assert!(run(&mut t, br#""x":1},"b":2,"#));
        assert!(!run(&mut t.clone(), br#""b""#));
        t.rollback(m);
        assert!(run(&mut t, br#""b":1,"x":2},"#));
        assert!(!run(&mut t.clone(), br#""a""#));
        assert!(run(&mut t.clone(), br#""x""#));
    }

    /// The probe agrees with reading the bytes, from many places.
    #[test]
    fn probe_agrees_with_reading() {
        let text = br#"{"a":1,"b":{"a":[{"c":1,"c\"":"x\"}"}],"b":2},"\u0063":3,"c":4}"#;
        let pieces: [&[u8]; 12] = [
            b"\"a\"",
            b"a\":",
            b"\":1,\"a\"",
            b"},\"b\"",
            b"}],\"c\"",
            b"\"c\":1,\"c\"",
            b"{\"z\":1,\"z\"",
            b"\\u0061\"",
            b"\"",
            b",\"",
            b"1}}",
            b"x\"",
        ];
        let mut p = Probe::default();
        for cut in 0..text.len() {
            let mut t = KeyTracker::default();
            for &b in &text[..cut] {
                t.push(b);
            }
            for piece in pieces {
                let want = run(&mut t.clone(), piece);
                assert_eq!(t.accepts(piece, &mut p), want, "{cut} {piece:?}");
                if !want {
                    let q = piece.iter().filter(|&&b| b == b'"').count();
                    assert!(q >= t.quotes_needed().unwrap(), "{cut} {piece:?}");
                }
            }
        }
    }
}
