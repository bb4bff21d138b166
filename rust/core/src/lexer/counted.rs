//! JSON strings with long length bounds (`maxLength: 100000`), as a counter
//! instead of a DFA: a state is (characters so far, place inside the current
//! character), stepped arithmetically, so the bound costs nothing to
//! compile. Masks stay cheap too: [`CountedString::canonical`] maps a count
//! to a representative whose next `h` bytes behave the same, so token walks
//! are shared between counts far from the bounds.

use std::sync::Arc;

use super::table::TableDfa;
use crate::error::Failure;

/// `"` then `min..=max` JSON characters (escapes count as one) then `"`.
#[derive(Debug)]
pub struct CountedString {
    unit: Arc<TableDfa>,
    /// Unit states (the table's, less the dead one).
    width: u32,
    min: u32,
    /// The count past which nothing changes (`max`, or `min` when there is
    /// no maximum: counts saturate there).
    cap: u32,
    bounded: bool,
    unit_key: u64,
}

/// What a byte does inside the text ([`CountedString::scan`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan {
    Close,
    Dead,
    Next(u32, bool),
}

const START: u32 = 1;
const END: u32 = 2;
const FIRST: u32 = 3;

impl CountedString {
    /// `unit` must be prefix-free (a JSON character: nothing continues a
    /// complete one) and must not take `"` first.
    pub fn new(unit: Arc<TableDfa>, min: u32, max: Option<u32>) -> Result<CountedString, Failure> {
        let width = unit.state_count() as u32 - 1;
        for q in 1..=width {
            if unit.accepts(q) && unit.live(q) {
                return Err(Failure::syntax("the counted unit is not prefix-free"));
            }
        }
        if unit.next(unit.start(), b'"') != 0 {
            return Err(Failure::syntax("the counted unit may start with a quote"));
        }
        let cap = max.unwrap_or(min);
        if max.is_some_and(|m| m < min) {
            return Err(Failure::syntax(
                "a length range with its maximum below its minimum",
            ));
        }
        if (cap as u64 + 1) * width as u64 + FIRST as u64 >= u32::MAX as u64 {
            return Err(Failure::not_supported(format!(
                "a string length bound of {cap}"
            )));
        }
        Ok(CountedString {
            unit_key: unit.fingerprint(),
            unit,
            width,
            min,
            cap,
            bounded: max.is_some(),
        })
    }

    fn mid(&self, c: u32, u: u32) -> u32 {
        FIRST + c * self.width + (u - 1)
    }

    fn split(&self, q: u32) -> (u32, u32) {
        let i = q - FIRST;
        (i / self.width, i % self.width + 1)
    }

    pub fn start(&self) -> u32 {
        START
    }

    /// The state after `b` (0: dead).
    pub fn next(&self, q: u32, b: u8) -> u32 {
        match q {
            0 | END => 0,
            START => {
                if b == b'"' {
                    self.mid(0, self.unit.start())
                } else {
                    0
                }
            }
            _ => {
                let (c, u) = self.split(q);
                if u == self.unit.start() && b == b'"' {
                    return if c >= self.min { END } else { 0 };
                }
                let u2 = self.unit.next(u, b);
                if u2 == 0 {
                    0
                } else if self.unit.accepts(u2) {
                    if c + 1 > self.cap {
                        if self.bounded {
                            0
                        } else {
                            self.mid(self.cap, self.unit.start())
                        }
                    } else {
                        self.mid(c + 1, self.unit.start())
                    }
                } else if self.bounded && c >= self.cap {
                    0 // a character begun at the maximum never completes
                } else {
                    self.mid(c, u2)
                }
            }
        }
    }

    pub fn accepts(&self, q: u32) -> bool {
        q == END
    }

    pub fn live(&self, q: u32) -> bool {
        q != 0 && q != END
    }

    /// (characters so far, place inside the current character) of a state
    /// inside the string's text.
    pub fn position(&self, q: u32) -> Option<(u32, u32)> {
        (q >= FIRST).then(|| self.split(q))
    }

    /// Characters that may still come after `count` (None: no maximum).
    pub fn room(&self, count: u32) -> Option<u32> {
        self.bounded.then(|| self.cap.saturating_sub(count))
    }

    /// One byte of text from place `u` inside a character, whatever the
    /// count: the closing quote, a dead end, or the next place (and
    /// whether a character was completed).
    pub fn scan(&self, u: u32, b: u8) -> Scan {
        let start = self.unit.start();
        if u == start && b == b'"' {
            return Scan::Close;
        }
        match self.unit.next(u, b) {
            0 => Scan::Dead,
            u2 if self.unit.accepts(u2) => Scan::Next(start, true),
            u2 => Scan::Next(u2, false),
        }
    }

    /// The class of byte `b` in the character table: bytes of one class
    /// step alike from every place (the quote aside, which closes the
    /// text between characters).
    pub fn byte_class(&self, b: u8) -> u8 {
        self.unit.classes[b as usize]
    }

    /// Places inside a character: `1..=places()`.
    pub fn places(&self) -> u32 {
        self.width
    }

    /// The place between characters.
    pub fn unit_start(&self) -> u32 {
        self.unit.start()
    }

    /// Identifies the character table: machines with the same one scan
    /// text alike ([`CountedString::scan`]).
    pub fn unit_key(&self) -> u64 {
        self.unit_key
    }

    /// Whether `q` is inside the string (a count that canonicalizes).
    pub fn counting(&self, q: u32) -> bool {
        q >= FIRST
    }

    /// A state that behaves like `q` for the next `h` bytes (a count far
    /// from both bounds is replaced by a fixed one).
    pub fn canonical(&self, q: u32, h: u32) -> u32 {
        if q < FIRST {
            return q;
        }
        let (c, u) = self.split(q);
        let far_above_min = c >= self.min && (!self.bounded || c.saturating_add(h) <= self.cap);
        if far_above_min {
            return self.mid(self.min, u);
        }
        if c.saturating_add(h) < self.min {
            return self.mid(0, u);
        }
        q
    }

    pub fn min(&self) -> u32 {
        self.min
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer::json_text as text;

    fn counted(min: u32, max: Option<u32>) -> CountedString {
        let unit = Arc::new(
            TableDfa::from_hir(
                &text::json_char(crate::grammar::Spelling::Any),
                1000,
                1 << 20,
            )
            .unwrap(),
        );
        CountedString::new(unit, min, max).unwrap()
    }

    fn matches(c: &CountedString, s: &str) -> bool {
        let mut q = c.start();
        for &b in s.as_bytes() {
            q = c.next(q, b);
            if q == 0 {
                return false;
            }
        }
        c.accepts(q)
    }

    #[test]
    fn lengths_count_characters() {
        let c = counted(2, Some(3));
        for (s, ok) in [
            ("\"ab\"", true),
            ("\"abc\"", true),
            ("\"a\"", false),
            ("\"abcd\"", false),
            ("\"\\u00e9b\"", true),
            ("\"éé\"", true),
            ("\"\\n\\t\\\"\"", true),
            ("\"ab", false),
        ] {
            assert_eq!(matches(&c, s), ok, "{s}");
        }
        let open = counted(1, None);
        assert!(matches(&open, &format!("\"{}\"", "x".repeat(5000))));
        assert!(!matches(&open, "\"\""));
    }

    #[test]
    fn no_character_begins_at_the_maximum() {
        let c = counted(0, Some(3));
        let run = |bytes: &[u8]| bytes.iter().fold(c.start(), |q, &b| c.next(q, b));
        assert_ne!(run(b"\"ab\\"), 0);
        assert_ne!(run(b"\"ab\xc3"), 0);
        assert_eq!(run(b"\"abc\\"), 0);
        assert_eq!(run(b"\"abc\xc3"), 0);
        assert!(c.accepts(run(b"\"abc\"")));
    }

    #[test]
    fn canonical_states_behave_alike() {
        let c = counted(10, Some(100));
        let h = 5;
        // Walk to count 40 and to count 60: both far from the bounds.
        let mut a = c.start();
        let mut b = c.start();
        for (i, ch) in std::iter::once(b'"')
            .chain(std::iter::repeat(b'x').take(60))
            .enumerate()
        {
            if i <= 40 {
                a = c.next(a, ch);
            }
            b = c.next(b, ch);
        }
        assert_eq!(c.canonical(a, h), c.canonical(b, h));
        // Near the maximum the count is kept.
        let mut n = c.start();
        for ch in std::iter::once(b'"').chain(std::iter::repeat(b'x').take(98)) {
            n = c.next(n, ch);
        }
        assert_eq!(c.canonical(n, h), n);
    }
}
