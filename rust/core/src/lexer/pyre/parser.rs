//! The parser's state, the main loop over a pattern, and repetitions.

use std::collections::HashMap;
use std::fmt::Write;

use super::chars::{is_turkish_i, lit, TURKISH_I};

/// Deepest group nesting accepted. Python's `re` refuses deeper patterns
/// too (its parser recurses, and fails with `RecursionError` a little
/// below 500 levels).
pub const MAX_GROUP_NESTING: usize = 500;

/// The largest repetition count Python accepts is one less than this.
const MAXREPEAT: u64 = 4_294_967_295;

/// A pattern Python refuses, or one corral cannot express.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyError {
    /// Byte offset in the pattern.
    pub offset: usize,
    pub message: String,
    /// Valid Python, but a construct corral cannot express.
    pub unsupported: bool,
}

/// What a repetition operator would apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Last {
    /// Nothing (start of a branch): "nothing to repeat".
    Nothing,
    Item,
    /// A repetition: "multiple repeat".
    Repeat,
}

pub(super) struct Frame {
    /// Byte offset of the `(`.
    pub(super) open: usize,
    /// Verbose mode outside the group (restored at its `)`).
    pub(super) verbose: bool,
    /// Case-insensitivity outside the group (restored at its `)`).
    pub(super) icase: bool,
    /// The capturing group's number, if it is one.
    pub(super) group: Option<usize>,
    /// A look-around (zero-width) group.
    pub(super) look: bool,
    /// A conditional group `(?(1)yes|no)`: its `|` so far, or `None`.
    pub(super) cond_bars: Option<u32>,
}

pub(super) struct Parser<'a> {
    pub(super) p: &'a str,
    pub(super) pos: usize,
    pub(super) allow_lookahead: bool,
    pub(super) out: String,
    pub(super) verbose: bool,
    /// Case-insensitive here (the `i` flag): only the Turkish i's need
    /// this, see [`TURKISH_I`].
    pub(super) icase: bool,
    pub(super) frames: Vec<Frame>,
    pub(super) last: Last,
    /// No item yet in the top-level first branch (where global flags may
    /// stand).
    pub(super) at_start: bool,
    /// Capturing groups opened so far, and whether each is closed.
    pub(super) closed: Vec<bool>,
    pub(super) names: HashMap<String, usize>,
    /// The first construct Python accepts and corral cannot express.
    pub(super) unsupported: Option<PyError>,
    /// The (deprecated) template flag `t` is on: Python refuses
    /// repetitions then, when it compiles the pattern.
    pub(super) template: bool,
    /// The type flag (`a` or `u`) a global flag group set, if any: `re`
    /// refuses both together, across groups.
    pub(super) global_type: Option<char>,
    /// A repetition under the template flag.
    pub(super) template_error: Option<PyError>,
    /// The last item is a look-around group.
    pub(super) last_look: bool,
    /// Where groups open and close, and branches part: (offset, byte).
    pub(super) events: Vec<(usize, u8)>,
    /// Group numbers conditional groups test: (offset, number), checked
    /// against the groups of the whole pattern at its end.
    pub(super) cond_refs: Vec<(usize, usize)>,
}

/// Parses `pattern` as Python's `re` does (`verbose` for the `x` flag) and
/// writes it in regex-syntax's dialect (to be parsed without
/// `ignore_whitespace`; case-insensitivity and `.` matching newlines
/// follow the flags the caller gives regex-syntax, and inline flag groups
/// here). With `allow_lookahead`, look-ahead groups are accepted anywhere
/// (to validate a pattern before its look-aheads are split off); without,
/// they are refused.
pub fn translate(
    pattern: &str,
    verbose: bool,
    ignore_case: bool,
    allow_lookahead: bool,
) -> Result<String, PyError> {
    let mut ps = Parser::new(pattern, verbose, allow_lookahead);
    ps.icase = ignore_case;
    ps.run()?;
    match ps.template_error.or(ps.unsupported) {
        Some(e) => Err(e),
        None => Ok(ps.out),
    }
}

/// The structure of a pattern Python accepts: the offsets of the `(` and
/// `)` of its groups and of its `|`, in order (not those inside classes,
/// escapes and comments, verbose ones included); `None` if Python refuses
/// the pattern.
pub fn structure(pattern: &str, verbose: bool) -> Option<Vec<(usize, u8)>> {
    let mut ps = Parser::new(pattern, verbose, true);
    ps.run().ok()?;
    if ps.template_error.is_some() {
        return None;
    }
    Some(ps.events)
}

impl<'a> Parser<'a> {
    fn new(pattern: &'a str, verbose: bool, allow_lookahead: bool) -> Self {
        Parser {
            p: pattern,
            pos: 0,
            allow_lookahead,
            out: String::with_capacity(pattern.len() * 2),
            verbose,
            icase: false,
            frames: Vec::new(),
            last: Last::Nothing,
            at_start: true,
            closed: Vec::new(),
            names: HashMap::new(),
            unsupported: None,
            template: false,
            global_type: None,
            template_error: None,
            last_look: false,
            events: Vec::new(),
            cond_refs: Vec::new(),
        }
    }
}

impl Parser<'_> {
    pub(super) fn err<T>(&self, offset: usize, message: impl Into<String>) -> Result<T, PyError> {
        Err(PyError {
            offset,
            message: message.into(),
            unsupported: false,
        })
    }

    /// Notes a construct corral cannot express (reported if the pattern
    /// turns out valid); parsing goes on.
    pub(super) fn unsupported(&mut self, offset: usize, what: impl Into<String>) {
        if self.unsupported.is_none() {
            self.unsupported = Some(PyError {
                offset,
                message: format!("not supported: {} in a regex", what.into()),
                unsupported: true,
            });
        }
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.p[self.pos..].chars().next()
    }

    pub(super) fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    pub(super) fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    /// Up to `n` characters from `set` (ASCII), as a string.
    pub(super) fn take_while(&mut self, n: usize, set: &str) -> &str {
        let start = self.pos;
        for _ in 0..n {
            match self.peek() {
                Some(c) if c.is_ascii() && set.contains(c) => self.pos += 1,
                _ => break,
            }
        }
        &self.p[start..self.pos]
    }

    /// Writes the literal `c` (outside a class).
    pub(super) fn char_out(&mut self, c: char) {
        if self.icase && is_turkish_i(c) {
            self.out.push('[');
            self.out.push_str(TURKISH_I);
            self.out.push(']');
        } else {
            lit(&mut self.out, c);
        }
    }

    pub(super) fn item(&mut self) {
        self.last = Last::Item;
        self.at_start = false;
        self.last_look = false;
    }

    fn run(&mut self) -> Result<(), PyError> {
        while let Some(c) = self.peek() {
            let at = self.pos;
            if self.verbose {
                if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c') {
                    self.pos += 1;
                    continue;
                }
                if c == '#' {
                    match self.p[at..].find('\n') {
                        Some(k) => self.pos = at + k + 1,
                        None => self.pos = self.p.len(),
                    }
                    continue;
                }
            }
            self.pos += c.len_utf8();
            match c {
                '\\' => {
                    let anchor = self.escape(at)?;
                    self.item();
                    if anchor {
                        self.last = Last::Nothing;
                    }
                }
                '[' => {
                    self.class(at)?;
                    self.item();
                }
                '.' => {
                    self.out.push('.');
                    self.item();
                }
                '^' | '$' => {
                    // An anchor is nothing a repetition could apply to.
                    self.unsupported(at, format!("anchor `{c}`"));
                    self.out.push_str("(?:)");
                    self.item();
                    self.last = Last::Nothing;
                }
                '|' => {
                    if let Some(Some(bars)) = self.frames.last_mut().map(|f| f.cond_bars.as_mut()) {
                        *bars += 1;
                        if *bars > 1 {
                            return self.err(at, "conditional backref with more than two branches");
                        }
                    }
                    self.events.push((at, b'|'));
                    self.out.push('|');
                    self.last = Last::Nothing;
                    self.at_start = false;
                }
                '(' => self.open_group(at)?,
                ')' => {
                    let Some(f) = self.frames.pop() else {
                        return self.err(at, "unbalanced parenthesis");
                    };
                    self.events.push((at, b')'));
                    if let Some(g) = f.group {
                        self.closed[g - 1] = true;
                    }
                    self.verbose = f.verbose;
                    self.icase = f.icase;
                    self.out.push(')');
                    self.item();
                    self.last_look = f.look;
                }
                '*' | '+' | '?' => {
                    self.check_repeat(at)?;
                    self.out.push(c);
                    self.repeat_suffix()?;
                }
                '{' => self.brace(at)?,
                _ => {
                    self.char_out(c);
                    self.item();
                }
            }
        }
        if let Some(f) = self.frames.last() {
            return self.err(f.open, "missing ), unterminated subpattern");
        }
        if let Some(&(at, g)) = self.cond_refs.iter().find(|&&(_, g)| g > self.closed.len()) {
            return self.err(at, format!("invalid group reference {g}"));
        }
        Ok(())
    }

    fn check_repeat(&mut self, at: usize) -> Result<(), PyError> {
        match self.last {
            Last::Nothing => self.err(at, "nothing to repeat"),
            Last::Repeat => self.err(at, "multiple repeat"),
            Last::Item => {
                if self.last_look {
                    self.unsupported(at, "repeated look-around");
                }
                if self.template && self.template_error.is_none() {
                    self.template_error = Some(PyError {
                        offset: at,
                        message: "internal: unsupported template operator MAX_REPEAT".into(),
                        unsupported: false,
                    });
                }
                Ok(())
            }
        }
    }

    /// After a repetition operator: lazy `?`, or a refused possessive `+`.
    fn repeat_suffix(&mut self) -> Result<(), PyError> {
        if self.eat('?') {
            self.out.push('?');
        } else if self.peek() == Some('+') {
            self.unsupported(self.pos, "possessive quantifier");
            self.pos += 1;
        }
        self.last = Last::Repeat;
        Ok(())
    }

    /// `{` at `at`: a counted repetition, or a literal `{`.
    fn brace(&mut self, at: usize) -> Result<(), PyError> {
        let literal = |s: &mut Self| {
            lit(&mut s.out, '{');
            s.item();
        };
        if self.peek() == Some('}') {
            literal(self);
            return Ok(());
        }
        let digits = "0123456789";
        let lo = self.take_while(usize::MAX, digits).to_owned();
        let hi = if self.eat(',') {
            Some(self.take_while(usize::MAX, digits).to_owned())
        } else {
            None
        };
        if !self.eat('}') {
            self.pos = at + 1;
            literal(self);
            return Ok(());
        }
        let count = |s: &str| -> Option<u64> {
            if s.len() > 12 {
                Some(u64::MAX)
            } else {
                s.parse().ok()
            }
        };
        let min = count(&lo).unwrap_or(0);
        let max = match &hi {
            None => Some(min),
            Some(h) => count(h),
        };
        if min >= MAXREPEAT || max.is_some_and(|m| m >= MAXREPEAT) {
            return self.err(at, "the repetition number is too large");
        }
        if max.is_some_and(|m| m < min) {
            return self.err(at, "min repeat greater than max repeat");
        }
        self.check_repeat(at)?;
        match max {
            Some(m) if hi.is_none() => {
                let _ = write!(self.out, "{{{m}}}");
            }
            Some(m) => {
                let _ = write!(self.out, "{{{min},{m}}}");
            }
            None => {
                let _ = write!(self.out, "{{{min},}}");
            }
        }
        self.repeat_suffix()
    }
}
