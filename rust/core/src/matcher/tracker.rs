//! The JSON structure of the text matched so far, read from the bytes:
//! the keys of each open object, and the items of each open array.
//!
//! Two things JSON Schema means are not context-free, and no grammar of
//! practical size says them: each key at most once in an object (a JSON
//! reader keeps one of two equal keys), and `uniqueItems` over items of
//! unbounded variety. The structure of a JSON text does not depend on how a
//! grammar parses it, so every Earley thread shares one tracker:
//!
//! - a key written twice (raw, or spelled with escapes) is refused at its
//!   closing quote, whatever the parse;
//! - an item equal to an earlier one of its array (JSON equality: `1` and
//!   `1.0`, objects in any key order) is recorded where its `,` or `]`
//!   comes, and the grammar's *item-closing* terminals of arrays with
//!   `uniqueItems` are taken only where the item they close is new
//!   ([`JsonTracker::item_closed_new`]), so the check holds on exactly the
//!   parses that carry the keyword.
//!
//! Changes go to an undo log, and a rollback point is a [`Mark`], so
//! `rollback` undoes exactly what the bytes since did and `fork` is a
//! clone.

use rustc_hash::FxHashSet;

use crate::lexer::json_value::{canonical, decode};

/// Past this many keys an object also keeps a hash set of them.
const LIST_KEYS: usize = 8;

/// Byte strings seen: an object's keys, decoded (`"\u0061"` is `a`), or
/// an array's items, canonical (see [`canonical`]).
#[derive(Debug, Clone, Default)]
struct Seen {
    list: Vec<Box<[u8]>>,
    set: FxHashSet<Box<[u8]>>,
    /// An object's keys are open: its grammar also takes keys it does
    /// not list, so a key in progress always has a way out (None: not
    /// known yet).
    free: Option<bool>,
}

impl Seen {
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
    Array(Items),
    Object(Seen),
}

/// An open array's items (tracked where the grammar has item-closing
/// terminals).
#[derive(Debug, Clone, Default)]
struct Items {
    seen: Seen,
    /// Where the item in progress starts in `text`.
    start: u32,
    /// The item the last `,` closed equals an earlier one.
    last_dup: bool,
}

#[derive(Debug, Clone)]
enum Undo {
    Push,
    /// A frame closed, with where it opened.
    Pop(Frame, u32),
    Insert,
    /// An array's `start` and `last_dup` before a `,`.
    Item(u32, bool, bool),
    /// An object's `free` before it was known.
    Free,
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
    /// The last item the last `]` closed equals an earlier one.
    closed_dup: bool,
    /// Where the last container closed opened, in `text`.
    closed_start: u32,
    /// Where the key in progress starts in `raw`.
    key_start: u32,
}

/// A rollback point.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mark {
    s: Scalars,
    raw: u32,
    text: u32,
    log: u32,
}

/// The keys of each open object and the items of each open array of the
/// JSON text matched so far.
#[derive(Debug, Clone, Default)]
pub(crate) struct JsonTracker {
    stack: Vec<Frame>,
    /// Where each open container opened, in `text`.
    opens: Vec<u32>,
    s: Scalars,
    /// The raw bytes of keys (each key's from its `key_start`), kept until
    /// rolled back.
    raw: Vec<u8>,
    /// Whether items are tracked (then `text` holds every byte read).
    items: bool,
    text: Vec<u8>,
    log: Vec<Undo>,
    /// A decoded key or canonical item (reused).
    dec: Vec<u8>,
    /// Bumped whenever the open objects or their keys change (forward or
    /// back), so what depends on them can be kept until it changes.
    epoch: u64,
}

/// Scratch of [`JsonTracker::accepts`] (reused across tokens).
#[derive(Debug, Default)]
pub(crate) struct Probe {
    raw: Vec<u8>,
    dec: Vec<u8>,
    item: Vec<u8>,
    /// Containers opened by the bytes probed: (is an object, keys or
    /// canonical items, where the item in progress starts in `bytes`).
    opened: Vec<(bool, Vec<Vec<u8>>, usize)>,
    /// Keys the bytes probed added to objects already open: (depth, key).
    added: Vec<(usize, Vec<u8>)>,
    /// Items the bytes probed closed in arrays already open: (depth,
    /// canonical item); and where their next item starts in `bytes`.
    added_items: Vec<(usize, Vec<u8>)>,
    starts: Vec<(usize, usize)>,
    /// The bytes probed closed a container (an object or an array).
    pub(crate) closed: bool,
    /// The bytes probed end inside a key that may be a dead end (see
    /// [`JsonTracker::key_at_risk`]).
    pub(crate) key_risk: bool,
}

/// What a probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Probed {
    /// Nothing repeats.
    Fine,
    /// A key repeats: refused whatever the parse.
    RepeatedKey,
    /// An item equals an earlier one of its array: refused where the
    /// parse closes it with an item-closing terminal.
    RepeatedItem,
}

impl JsonTracker {
    /// A tracker of keys, and of items too where `items`.
    pub(crate) fn new(items: bool) -> JsonTracker {
        JsonTracker {
            items,
            ..JsonTracker::default()
        }
    }

    pub(crate) fn mark(&self) -> Mark {
        Mark {
            s: self.s,
            raw: self.raw.len() as u32,
            text: self.text.len() as u32,
            log: self.log.len() as u32,
        }
    }

    /// Undoes everything after `m`.
    /// See [`JsonTracker::epoch`].
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch
    }

    pub(crate) fn rollback(&mut self, m: Mark) {
        if self.log.len() > m.log as usize {
            self.epoch += 1;
        }
        while self.log.len() > m.log as usize {
            match self.log.pop() {
                Some(Undo::Push) => {
                    self.stack.pop();
                    self.opens.pop();
                }
                Some(Undo::Pop(f, open)) => {
                    self.stack.push(f);
                    self.opens.push(open);
                }
                Some(Undo::Insert) => match self.stack.last_mut() {
                    Some(Frame::Object(k)) => k.pop(),
                    Some(Frame::Array(a)) => a.seen.pop(),
                    None => {}
                },
                Some(Undo::Free) => {
                    if let Some(Frame::Object(k)) = self.stack.last_mut() {
                        k.free = None;
                    }
                }
                Some(Undo::Item(start, last_dup, inserted)) => {
                    if let Some(Frame::Array(a)) = self.stack.last_mut() {
                        if inserted {
                            a.seen.pop();
                        }
                        a.start = start;
                        a.last_dup = last_dup;
                    }
                }
                None => break,
            }
        }
        self.s = m.s;
        self.raw.truncate(m.raw as usize);
        self.text.truncate(m.text as usize);
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        let seen: usize = self
            .stack
            .iter()
            .map(|f| {
                let s = match f {
                    Frame::Object(k) => k,
                    Frame::Array(a) => &a.seen,
                };
                s.list.iter().map(|x| x.len() + 24).sum::<usize>() * 2
            })
            .sum();
        self.raw.len() + self.text.len() + self.log.len() * 48 + self.stack.len() * 96 + seen
    }

    fn top_keys(&self) -> Option<&Seen> {
        match self.stack.last() {
            Some(Frame::Object(k)) => Some(k),
            _ => None,
        }
    }

    /// The raw text of the key in progress, where every key it could still
    /// become might be one its object has (its decoded text is a prefix of
    /// such a key, or holds an escape), with whether a backslash is
    /// pending; None where no repeat is near.
    pub(crate) fn key_at_risk(&self) -> Option<(&[u8], bool)> {
        let s = &self.s;
        if s.off || !s.in_string || !s.is_key {
            return None;
        }
        let keys = self.top_keys()?;
        if keys.list.is_empty() {
            return None;
        }
        let raw = &self.raw[s.key_start as usize..];
        if s.esc || raw.contains(&b'\\') {
            return Some((raw, s.esc));
        }
        keys.any_with_prefix(raw).then_some((raw, s.esc))
    }

    /// Whether the text is inside a key.
    pub(crate) fn in_key(&self) -> bool {
        !self.s.off && self.s.in_string && self.s.is_key
    }

    /// Whether a key has just opened (its quote is the last byte read).
    pub(crate) fn at_key_start(&self) -> bool {
        let s = &self.s;
        !s.off && s.in_string && s.is_key && s.key_start as usize == self.raw.len()
    }

    /// Whether the innermost object's keys being open is yet to be told
    /// (a key of it has just opened).
    pub(crate) fn key_opened_freedom_unknown(&self) -> bool {
        let s = &self.s;
        !s.off
            && s.in_string
            && s.is_key
            && s.key_start as usize == self.raw.len()
            && matches!(self.stack.last(), Some(Frame::Object(k)) if k.free.is_none())
    }

    /// Tells whether the innermost object's keys are open.
    pub(crate) fn set_keys_free(&mut self, free: bool) {
        if let Some(Frame::Object(k)) = self.stack.last_mut() {
            if k.free.is_none() {
                k.free = Some(free);
                self.log.push(Undo::Free);
                self.epoch += 1;
            }
        }
    }

    /// Whether every open object with keys takes keys it does not list
    /// (then no key in progress is a dead end).
    pub(crate) fn keys_all_free(&self) -> bool {
        self.stack.iter().all(|f| match f {
            Frame::Object(k) => k.list.is_empty() || k.free == Some(true),
            Frame::Array(_) => true,
        })
    }

    /// The keys of the open objects that take no keys they do not list.
    pub(crate) fn finite_keys(&self) -> impl Iterator<Item = &[u8]> {
        self.stack
            .iter()
            .filter_map(|f| match f {
                Frame::Object(k) if k.free != Some(true) => Some(k.list.iter().map(|x| &**x)),
                _ => None,
            })
            .flatten()
    }

    /// Whether the key whose raw text is `raw` is one the innermost object
    /// has.
    pub(crate) fn key_repeats(&self, raw: &[u8]) -> bool {
        if !raw.contains(&b'\\') {
            // No escape: the text is the key.
            return self.has(raw);
        }
        let mut dec = Vec::new();
        decode(raw, &mut dec);
        self.has(&dec)
    }

    /// The text of the container the last `}` or `]` closed (where text is
    /// recorded).
    pub(crate) fn last_closed(&self) -> &[u8] {
        let from = (self.s.closed_start as usize).min(self.text.len());
        &self.text[from..]
    }

    /// Whether the item an item-closing terminal ending now closed is new
    /// to its array: a `,` (`bracket` false) the item before it, a `]` the
    /// array's last item.
    pub(crate) fn item_closed_new(&self, bracket: bool) -> bool {
        if bracket {
            return !self.s.closed_dup;
        }
        match self.stack.last() {
            Some(Frame::Array(a)) => !a.last_dup,
            _ => true,
        }
    }

    /// Whether array items are read (and the text is JSON so far).
    pub(crate) fn tracks_items(&self) -> bool {
        self.items && !self.s.off
    }

    /// Whether some open array has an item recorded (only then can an
    /// item repeat one).
    pub(crate) fn has_items(&self) -> bool {
        self.items
            && !self.s.off
            && self
                .stack
                .iter()
                .any(|f| matches!(f, Frame::Array(a) if !a.seen.list.is_empty()))
    }

    /// Whether the text ends inside a string.
    pub(crate) fn in_string(&self) -> bool {
        self.s.in_string
    }

    /// The fewest `"` bytes a token needs to complete a string item equal
    /// to an earlier item of its array (tokens with `}` or `]` aside): 1
    /// inside a string item that may still become one (its text so far
    /// begins one, or has an escape), 2 outside strings (open and close
    /// one), 3 inside any other string (close it, then open and close one).
    pub(crate) fn item_quotes_needed(&self) -> usize {
        let s = self.s;
        if !s.in_string {
            return 2;
        }
        if s.is_key {
            return 3;
        }
        let Some(Frame::Array(a)) = self.stack.last() else {
            return 3;
        };
        let item = &self.text[(a.start as usize).min(self.text.len())..];
        let Some(q) = item.iter().position(|&b| b == b'"') else {
            return 1;
        };
        let body = &item[q + 1..];
        if s.esc || body.contains(&b'\\') {
            return 1;
        }
        // A string's canonical form: `"`, its decoded length (4 bytes), its
        // decoded bytes; unescaped text is its own decoding.
        let may_repeat = a
            .seen
            .list
            .iter()
            .any(|k| k.len() >= 5 && k[0] == b'"' && k[5..].starts_with(body));
        if may_repeat {
            1
        } else {
            3
        }
    }

    /// Whether the byte just read (a string's closing quote, a container's
    /// closing bracket) completed the innermost array's item in progress
    /// as a value equal to an earlier item of that array. Such an item
    /// cannot go on: only whitespace, `,` or `]` may follow it, and an
    /// array whose items must be distinct refuses both closers.
    pub(crate) fn item_done_repeats(&mut self) -> bool {
        if !self.items || self.s.off || self.s.in_string {
            return false;
        }
        let mut dec = std::mem::take(&mut self.dec);
        let dup = match self.stack.last() {
            Some(Frame::Array(a)) if !a.seen.list.is_empty() => {
                let item = &self.text[(a.start as usize).min(self.text.len())..];
                canonical(item, &mut dec) && a.seen.contains(&dec)
            }
            _ => false,
        };
        self.dec = dec;
        dup
    }

    /// Whether the innermost open object has key `k` (decoded).
    /// How many keys the innermost object has.
    pub(crate) fn top_key_count(&self) -> usize {
        self.top_keys().map_or(0, |k| k.list.len())
    }

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

    /// Reads byte `b` (which [`JsonTracker::allows`]).
    pub(crate) fn push(&mut self, b: u8) {
        let mut s = self.s;
        if s.off {
            return;
        }
        if self.items {
            self.text.push(b);
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
                        self.epoch += 1;
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
        let end = self.text.len().saturating_sub(1);
        match b {
            b'"' => {
                s.in_string = true;
                s.is_key = s.key_pos && matches!(self.stack.last(), Some(Frame::Object(_)));
                s.key_pos = false;
                s.key_start = self.raw.len() as u32;
            }
            b'{' => {
                self.stack.push(Frame::Object(Seen::default()));
                self.opens.push(end as u32);
                self.log.push(Undo::Push);
                self.epoch += 1;
                s.key_pos = true;
            }
            b'[' => {
                self.stack.push(Frame::Array(Items {
                    start: self.text.len() as u32,
                    ..Items::default()
                }));
                self.opens.push(end as u32);
                self.log.push(Undo::Push);
                self.epoch += 1;
                s.key_pos = false;
            }
            b'}' | b']' => {
                let fits = matches!(
                    (self.stack.last(), b),
                    (Some(Frame::Object(_)), b'}') | (Some(Frame::Array(_)), b']')
                );
                if fits {
                    if b == b']' && self.items {
                        s.closed_dup = self.close_item(end, false).0;
                    }
                    if let Some(f) = self.stack.pop() {
                        let open = self.opens.pop().unwrap_or(0);
                        s.closed_start = open;
                        self.log.push(Undo::Pop(f, open));
                        self.epoch += 1;
                    }
                    s.key_pos = false;
                } else {
                    s.off = true;
                }
            }
            b',' => match self.stack.last() {
                Some(Frame::Object(_)) => s.key_pos = true,
                Some(Frame::Array(a)) => {
                    s.key_pos = false;
                    if self.items {
                        let (start, last_dup) = (a.start, a.last_dup);
                        let (dup, inserted) = self.close_item(end, true);
                        self.log.push(Undo::Item(start, last_dup, inserted));
                        if let Some(Frame::Array(a)) = self.stack.last_mut() {
                            a.last_dup = dup;
                            a.start = self.text.len() as u32;
                        }
                    }
                }
                None => s.key_pos = false,
            },
            b':' => s.key_pos = false,
            _ => {}
        }
        self.s = s;
    }

    /// Closes the innermost array's item in progress, which ends before
    /// `text[end]`: whether it repeats an earlier item, and whether it was
    /// recorded (where `record`; an empty array has no item to close).
    fn close_item(&mut self, end: usize, record: bool) -> (bool, bool) {
        let Some(Frame::Array(a)) = self.stack.last() else {
            return (false, false);
        };
        let item = &self.text[(a.start as usize).min(end)..end];
        let mut dec = std::mem::take(&mut self.dec);
        let out = if canonical(item, &mut dec) {
            let dup = a.seen.contains(&dec);
            if !dup && record {
                if let Some(Frame::Array(a)) = self.stack.last_mut() {
                    a.seen.insert(&dec);
                }
            }
            (dup, !dup && record)
        } else {
            (false, false)
        };
        self.dec = dec;
        out
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

    /// The fewest `,` and `]` bytes a token needs to close an item equal
    /// to an earlier one of its array (`None`: no token can, or items are
    /// not tracked).
    pub(crate) fn closers_needed(&self) -> Option<usize> {
        if self.s.off || !self.items {
            return None;
        }
        let any_items = self
            .stack
            .iter()
            .any(|f| matches!(f, Frame::Array(a) if !a.seen.list.is_empty()));
        Some(if any_items { 1 } else { 2 })
    }
}

mod keys;
mod probe;
#[cfg(test)]
mod tests;
