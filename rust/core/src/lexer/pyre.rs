//! Python `re` patterns, parsed the way `re` parses them and written out in
//! regex-syntax's dialect with every construct spelled explicitly.
//!
//! Lark terminals are Python regexes, so Python decides what a pattern
//! means and whether it is valid at all. The two dialects differ in many
//! small ways (verbose mode inside classes, `--`/`&&`/`~~` in classes,
//! `{,}`, `\w`, octal escapes, which flags exist and where they may stand),
//! so nothing is passed through for regex-syntax to interpret: literals
//! become `\x{..}` escapes, classes are rebuilt item by item, Python's
//! categories become explicit Unicode classes, verbose whitespace and
//! comments are dropped here. Errors carry the byte offset in the pattern
//! and Python's wording where Python refuses the pattern too; constructs
//! Python accepts but a DFA cannot express are refused with a message that
//! starts with "not supported:", once the whole pattern has been read (a
//! pattern Python refuses is reported as invalid, whatever else it holds).
//!
//! The parser is iterative (a stack of open groups), and groups may nest
//! at most [`MAX_GROUP_NESTING`] deep, which bounds the depth of the regex
//! that later stages (regex-syntax, regex-automata's compiler) walk.

use std::collections::HashMap;
use std::fmt::Write;

/// Deepest group nesting accepted. Python's `re` refuses deeper patterns
/// too (its parser recurses, and fails with `RecursionError` a little
/// below 500 levels).
pub const MAX_GROUP_NESTING: usize = 500;

/// The largest repetition count Python accepts is one less than this.
const MAXREPEAT: u64 = 4_294_967_295;

/// Python's `\s`: the characters for which `str.isspace()` holds.
pub const PY_SPACE: &str = r"\t\n\x0b\x0c\r\x1c-\x1f\x20\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}";

/// Python's `\w` for str patterns: `str.isalnum()` (letters and numbers of
/// every kind) and `_`. regex-syntax's `\w` differs: it takes combining
/// marks and connector punctuation, and leaves out `No` (e.g. `²`).
const PY_WORD: &str = r"\p{L}\p{N}_";

/// A pattern Python refuses, or one corral cannot express.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyError {
    /// Byte offset in the pattern.
    pub offset: usize,
    pub message: String,
}

/// What a repetition operator would apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    /// Nothing (start of a branch): "nothing to repeat".
    Nothing,
    Item,
    /// A repetition: "multiple repeat".
    Repeat,
}

struct Frame {
    /// Byte offset of the `(`.
    open: usize,
    /// Verbose mode outside the group (restored at its `)`).
    verbose: bool,
    /// Case-insensitivity outside the group (restored at its `)`).
    icase: bool,
    /// The capturing group's number, if it is one.
    group: Option<usize>,
    /// A look-around (zero-width) group.
    look: bool,
    /// A conditional group `(?(1)yes|no)`: its `|` so far, or `None`.
    cond_bars: Option<u32>,
}

/// A class item.
enum ClassItem {
    Char(char),
    /// A category (`\d`, `\w`, ...): its text inside a class.
    Category(&'static str),
}

/// Flags of an inline flag group.
#[derive(Default)]
struct Flags {
    add: Vec<char>,
    del: Vec<char>,
}

struct Parser<'a> {
    p: &'a str,
    pos: usize,
    allow_lookahead: bool,
    out: String,
    verbose: bool,
    /// Case-insensitive here (the `i` flag): only the Turkish i's need
    /// this, see [`TURKISH_I`].
    icase: bool,
    frames: Vec<Frame>,
    last: Last,
    /// No item yet in the top-level first branch (where global flags may
    /// stand).
    at_start: bool,
    /// Capturing groups opened so far, and whether each is closed.
    closed: Vec<bool>,
    names: HashMap<String, usize>,
    /// The first construct Python accepts and corral cannot express.
    unsupported: Option<PyError>,
    /// The (deprecated) template flag `t` is on: Python refuses
    /// repetitions then, when it compiles the pattern.
    template: bool,
    /// A repetition under the template flag.
    template_error: Option<PyError>,
    /// The last item is a look-around group.
    last_look: bool,
    /// Where groups open and close, and branches part: (offset, byte).
    events: Vec<(usize, u8)>,
    /// Group numbers conditional groups test: (offset, number), checked
    /// against the groups of the whole pattern at its end.
    cond_refs: Vec<(usize, usize)>,
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
            template_error: None,
            last_look: false,
            events: Vec::new(),
            cond_refs: Vec::new(),
        }
    }
}

fn is_word_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_identifier(s: &str) -> bool {
    let mut it = s.chars();
    it.next().is_some_and(is_word_start) && it.all(|c| c == '_' || c.is_alphanumeric())
}

/// Under `re.IGNORECASE`, Python matches `i`, `I`, `İ` (U+0130) and `ı`
/// (U+0131) with one another (their simple case mappings meet); Unicode's
/// simple case folding, which regex-syntax follows, keeps the dotted and
/// dotless ones apart. The four are written out where one is meant.
const TURKISH_I: &str = "iI\u{130}\u{131}";

fn is_turkish_i(c: char) -> bool {
    TURKISH_I.contains(c)
}

/// Writes `c` as a literal that means `c` in and out of classes.
fn lit(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || !c.is_ascii() {
        out.push(c);
    } else {
        let _ = write!(out, "\\x{{{:x}}}", c as u32);
    }
}

const FLAG_CHARS: &str = "aiLmsxtu";

impl Parser<'_> {
    fn err<T>(&self, offset: usize, message: impl Into<String>) -> Result<T, PyError> {
        Err(PyError {
            offset,
            message: message.into(),
        })
    }

    /// Notes a construct corral cannot express (reported if the pattern
    /// turns out valid); parsing goes on.
    fn unsupported(&mut self, offset: usize, what: impl Into<String>) {
        if self.unsupported.is_none() {
            self.unsupported = Some(PyError {
                offset,
                message: format!("not supported: {} in a regex", what.into()),
            });
        }
    }

    fn peek(&self) -> Option<char> {
        self.p[self.pos..].chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    /// Up to `n` characters from `set` (ASCII), as a string.
    fn take_while(&mut self, n: usize, set: &str) -> &str {
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
    fn char_out(&mut self, c: char) {
        if self.icase && is_turkish_i(c) {
            self.out.push('[');
            self.out.push_str(TURKISH_I);
            self.out.push(']');
        } else {
            lit(&mut self.out, c);
        }
    }

    fn item(&mut self) {
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

    fn open_group(&mut self, at: usize) -> Result<(), PyError> {
        if self.frames.len() >= MAX_GROUP_NESTING {
            return self.err(
                at,
                format!(
                    "groups nested more than {MAX_GROUP_NESTING} deep (Python's re refuses such patterns too)"
                ),
            );
        }
        let outer_verbose = self.verbose;
        let outer_icase = self.icase;
        let mut group = None;
        let mut look = false;
        let mut cond = false;
        if self.eat('?') {
            let Some(c) = self.next() else {
                return self.err(self.pos, "unexpected end of pattern");
            };
            match c {
                'P' => {
                    if self.eat('<') {
                        let name = self.name_until('>', "group name")?;
                        group = Some(self.new_group(Some(name), at + 4)?);
                        self.out.push('(');
                    } else if self.eat('=') {
                        let name_at = self.pos;
                        let name = self.name_until(')', "group name")?;
                        return match self.names.get(&name) {
                            None => self.err(name_at, format!("unknown group name '{name}'")),
                            Some(&g) if !self.closed[g - 1] => {
                                self.err(name_at, "cannot refer to an open group")
                            }
                            Some(_) => {
                                self.unsupported(at, "back-reference");
                                self.out.push_str("(?:)");
                                self.item();
                                Ok(())
                            }
                        };
                    } else {
                        return match self.next() {
                            None => self.err(self.pos, "unexpected end of pattern"),
                            Some(c2) => self.err(at + 1, format!("unknown extension ?P{c2}")),
                        };
                    }
                }
                ':' => self.out.push_str("(?:"),
                '#' => {
                    match self.p[self.pos..].find(')') {
                        Some(k) => self.pos += k + 1,
                        None => return self.err(at, "missing ), unterminated comment"),
                    }
                    // A comment is no item: a repetition after it applies
                    // to what came before.
                    return Ok(());
                }
                '=' | '!' => {
                    if !self.allow_lookahead {
                        self.unsupported(
                            at,
                            "look-ahead in the middle of a terminal (only at its end)",
                        );
                    }
                    look = true;
                    self.out.push_str("(?:");
                }
                '<' => match self.next() {
                    None => return self.err(self.pos, "unexpected end of pattern"),
                    Some('=' | '!') => {
                        // Read as a group, for the errors in it.
                        self.unsupported(at, "look-behind");
                        look = true;
                        self.out.push_str("(?:");
                    }
                    Some(c2) => return self.err(at + 1, format!("unknown extension ?<{c2}")),
                },
                '(' => {
                    let name_at = self.pos;
                    let name = self.name_until_raw(')', "group name")?;
                    if is_identifier(&name) {
                        if !self.names.contains_key(&name) {
                            return self.err(name_at, format!("unknown group name '{name}'"));
                        }
                    } else {
                        let g = name
                            .bytes()
                            .all(|b| b.is_ascii_digit())
                            .then(|| name.parse::<usize>().unwrap_or(usize::MAX));
                        match g {
                            None => {
                                return self
                                    .err(name_at, format!("bad character in group name '{name}'"))
                            }
                            Some(0) => return self.err(name_at, "bad group number"),
                            Some(g) => self.cond_refs.push((name_at, g)),
                        }
                    }
                    self.unsupported(at, "conditional group");
                    cond = true;
                    self.out.push_str("(?:");
                }
                '>' => {
                    self.unsupported(at, "atomic group");
                    self.out.push_str("(?:");
                }
                c if c == '-' || FLAG_CHARS.contains(c) => {
                    let (flags, global) = self.flags(c)?;
                    if flags.add.contains(&'a') {
                        self.unsupported(at, "ASCII flag `a`");
                    }
                    if flags.add.contains(&'t') {
                        self.template = true;
                    }
                    if global {
                        if !(self.at_start && self.frames.is_empty()) {
                            return self.err(at, "global flags not at the start of the expression");
                        }
                        let on: String = flags.add.iter().filter(|c| "is".contains(**c)).collect();
                        if !on.is_empty() {
                            let _ = write!(self.out, "(?{on})");
                        }
                        if flags.add.contains(&'x') {
                            self.verbose = true;
                        }
                        if flags.add.contains(&'i') {
                            self.icase = true;
                        }
                        return Ok(());
                    }
                    let on: String = flags.add.iter().filter(|c| "is".contains(**c)).collect();
                    let off: String = flags.del.iter().filter(|c| "is".contains(**c)).collect();
                    self.out.push_str("(?");
                    self.out.push_str(&on);
                    if !off.is_empty() {
                        self.out.push('-');
                        self.out.push_str(&off);
                    }
                    self.out.push(':');
                    self.verbose =
                        (self.verbose || flags.add.contains(&'x')) && !flags.del.contains(&'x');
                    self.icase =
                        (self.icase || flags.add.contains(&'i')) && !flags.del.contains(&'i');
                }
                c => return self.err(at + 1, format!("unknown extension ?{c}")),
            }
        } else {
            group = Some(self.new_group(None, at)?);
            self.out.push('(');
        }
        self.events.push((at, b'('));
        self.frames.push(Frame {
            open: at,
            verbose: outer_verbose,
            icase: outer_icase,
            group,
            look,
            cond_bars: cond.then_some(0),
        });
        self.last = Last::Nothing;
        self.at_start = false;
        Ok(())
    }

    fn new_group(&mut self, name: Option<String>, at: usize) -> Result<usize, PyError> {
        self.closed.push(false);
        let g = self.closed.len();
        if let Some(n) = name {
            if let Some(prev) = self.names.insert(n.clone(), g) {
                return self.err(
                    at,
                    format!("redefinition of group name '{n}' as group {g}; was group {prev}"),
                );
            }
        }
        Ok(g)
    }

    /// A group name up to `end` (consumed), checked as Python does.
    fn name_until(&mut self, end: char, what: &str) -> Result<String, PyError> {
        let start = self.pos;
        let name = self.name_until_raw(end, what)?;
        if !is_identifier(&name) {
            return self.err(start, format!("bad character in group name '{name}'"));
        }
        Ok(name)
    }

    /// The text up to `end` (consumed), not empty.
    fn name_until_raw(&mut self, end: char, what: &str) -> Result<String, PyError> {
        let start = self.pos;
        let Some(k) = self.p[start..].find(end) else {
            if start == self.p.len() {
                return self.err(start, format!("missing {what}"));
            }
            return self.err(start, format!("missing {end}, unterminated name"));
        };
        let name = &self.p[start..start + k];
        self.pos = start + k + 1;
        if name.is_empty() {
            return self.err(start, format!("missing {what}"));
        }
        Ok(name.to_owned())
    }

    /// Inline flags after `(?`, from their first character `c`; returns
    /// them and whether they are global (`(?i)`) rather than scoped
    /// (`(?i:...)`).
    fn flags(&mut self, mut c: char) -> Result<(Flags, bool), PyError> {
        let mut f = Flags::default();
        let type_flag = |c: char| "auL".contains(c);
        if c != '-' {
            loop {
                if c == 'L' {
                    return self.err(
                        self.pos,
                        "bad inline flags: cannot use 'L' flag with a str pattern",
                    );
                }
                if type_flag(c) && f.add.iter().any(|&a| type_flag(a)) {
                    return self.err(
                        self.pos,
                        "bad inline flags: flags 'a', 'u' and 'L' are incompatible",
                    );
                }
                f.add.push(c);
                match self.next() {
                    None => return self.err(self.pos, "missing -, : or )"),
                    Some(n) if ")-:".contains(n) => {
                        c = n;
                        break;
                    }
                    Some(n) if FLAG_CHARS.contains(n) => c = n,
                    Some(n) => {
                        let msg = if n.is_alphabetic() {
                            "unknown flag"
                        } else {
                            "missing -, : or )"
                        };
                        return self.err(self.pos - n.len_utf8(), msg);
                    }
                }
            }
        }
        if c == ')' {
            return Ok((f, true));
        }
        if f.add.contains(&'t') {
            return self.err(self.pos, "bad inline flags: cannot turn on global flag");
        }
        if c == '-' {
            let Some(mut n) = self.next() else {
                return self.err(self.pos, "missing flag");
            };
            if !FLAG_CHARS.contains(n) {
                let msg = if n.is_alphabetic() {
                    "unknown flag"
                } else {
                    "missing flag"
                };
                return self.err(self.pos - n.len_utf8(), msg);
            }
            loop {
                if type_flag(n) {
                    return self.err(
                        self.pos,
                        "bad inline flags: cannot turn off flags 'a', 'u' and 'L'",
                    );
                }
                f.del.push(n);
                match self.next() {
                    None => return self.err(self.pos, "missing :"),
                    Some(':') => break,
                    Some(m) if FLAG_CHARS.contains(m) => n = m,
                    Some(m) => {
                        let msg = if m.is_alphabetic() {
                            "unknown flag"
                        } else {
                            "missing :"
                        };
                        return self.err(self.pos - m.len_utf8(), msg);
                    }
                }
            }
        }
        if f.del.contains(&'t') {
            return self.err(self.pos, "bad inline flags: cannot turn off global flag");
        }
        if f.add.iter().any(|c| f.del.contains(c)) {
            return self.err(self.pos, "bad inline flags: flag turned on and off");
        }
        Ok((f, false))
    }

    /// The escape after a `\` at `at`, outside a class; whether it is an
    /// anchor (nothing a repetition applies to).
    fn escape(&mut self, at: usize) -> Result<bool, PyError> {
        let Some(c) = self.next() else {
            return self.err(at, "bad escape (end of pattern)");
        };
        let cat = match c {
            'd' => Some(r"\p{Nd}".to_owned()),
            'D' => Some(r"\P{Nd}".to_owned()),
            'w' => Some(format!("[{PY_WORD}]")),
            'W' => Some(format!("[^{PY_WORD}]")),
            's' => Some(format!("[{PY_SPACE}]")),
            'S' => Some(format!("[^{PY_SPACE}]")),
            'A' | 'Z' | 'b' | 'B' => {
                let what = if "AZ".contains(c) {
                    "anchor"
                } else {
                    "word boundary"
                };
                self.unsupported(at, format!("{what} `\\{c}`"));
                self.out.push_str("(?:)");
                return Ok(true);
            }
            _ => None,
        };
        if let Some(cat) = cat {
            self.out.push_str(&cat);
            return Ok(false);
        }
        if ('1'..='9').contains(&c) {
            // An octal escape of three digits, or a group reference.
            let start = self.pos - 1;
            let oct = |x: Option<char>| x.is_some_and(|x| ('0'..='7').contains(&x));
            if self.peek().is_some_and(|d| d.is_ascii_digit()) {
                let second = self.next();
                if oct(Some(c)) && oct(second) && oct(self.peek()) {
                    self.pos += 1;
                    let v = u32::from_str_radix(&self.p[start..self.pos], 8).unwrap_or(u32::MAX);
                    if v > 0o377 {
                        return self.err(
                            at,
                            format!(
                                "octal escape value \\{} outside of range 0-0o377",
                                &self.p[start..self.pos]
                            ),
                        );
                    }
                    self.char_out(char::from_u32(v).unwrap_or('\0'));
                    return Ok(false);
                }
            }
            let g: usize = self.p[start..self.pos].parse().unwrap_or(usize::MAX);
            if g > self.closed.len() {
                return self.err(at, format!("invalid group reference {g}"));
            }
            if !self.closed[g - 1] {
                return self.err(at, "cannot refer to an open group");
            }
            self.unsupported(at, "back-reference");
            self.out.push_str("(?:)");
            return Ok(false);
        }
        let ch = self.common_escape(at, c)?;
        self.char_out(ch);
        Ok(false)
    }

    /// Escapes with the same meaning in and out of classes: the character.
    fn common_escape(&mut self, at: usize, c: char) -> Result<char, PyError> {
        let hex = |s: &mut Self, n: usize, name: char| -> Result<char, PyError> {
            let digits = s.take_while(n, "0123456789abcdefABCDEF").to_owned();
            if digits.len() != n {
                return s.err(at, format!("incomplete escape \\{name}{digits}"));
            }
            let v = u32::from_str_radix(&digits, 16).unwrap_or(u32::MAX);
            if v > 0x10FFFF {
                return s.err(at, format!("bad escape \\{name}{digits}"));
            }
            Ok(char::from_u32(v).unwrap_or_else(|| {
                s.unsupported(at, "a surrogate code point");
                '\u{fffd}'
            }))
        };
        Ok(match c {
            'a' => '\x07',
            'f' => '\x0c',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\x0b',
            'x' => hex(self, 2, 'x')?,
            'u' => hex(self, 4, 'u')?,
            'U' => hex(self, 8, 'U')?,
            'N' => {
                if !self.eat('{') {
                    return self.err(at, "missing {");
                }
                let start = self.pos;
                let Some(k) = self.p[start..].find('}') else {
                    if start == self.p.len() {
                        return self.err(start, "missing character name");
                    }
                    return self.err(start, "missing }, unterminated name");
                };
                self.pos = start + k + 1;
                if k == 0 {
                    return self.err(start, "missing character name");
                }
                let name = &self.p[start..start + k];
                let mut chars = name.chars();
                let plausible = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                    && chars.all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
                if !plausible {
                    return self.err(at, format!("undefined character name '{name}'"));
                }
                // Unicode's names: corral does not carry them.
                self.unsupported(at, "named character escape `\\N{...}`");
                '\u{fffd}'
            }
            '0' => {
                let start = self.pos - 1;
                self.take_while(2, "01234567");
                let v = u32::from_str_radix(&self.p[start..self.pos], 8).unwrap_or(0);
                char::from_u32(v).unwrap_or('\0')
            }
            c if c.is_ascii_alphanumeric() => return self.err(at, format!("bad escape \\{c}")),
            c => c,
        })
    }

    /// The escape after a `\` at `at`, inside a class.
    fn class_escape(&mut self, at: usize) -> Result<ClassItem, PyError> {
        let Some(c) = self.next() else {
            return self.err(at, "bad escape (end of pattern)");
        };
        Ok(match c {
            'd' => ClassItem::Category(r"\p{Nd}"),
            'D' => ClassItem::Category(r"\P{Nd}"),
            'w' => ClassItem::Category(PY_WORD),
            'W' => ClassItem::Category(r"[^\p{L}\p{N}_]"),
            's' => ClassItem::Category(PY_SPACE),
            'S' => ClassItem::Category(concat!(
                r"[^\t\n\x0b\x0c\r\x1c-\x1f\x20\x{85}\x{a0}\x{1680}",
                r"\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
            )),
            'b' => ClassItem::Char('\x08'),
            '1'..='7' => {
                let start = self.pos - 1;
                self.take_while(2, "01234567");
                let v = u32::from_str_radix(&self.p[start..self.pos], 8).unwrap_or(u32::MAX);
                if v > 0o377 {
                    return self.err(
                        at,
                        format!(
                            "octal escape value \\{} outside of range 0-0o377",
                            &self.p[start..self.pos]
                        ),
                    );
                }
                ClassItem::Char(char::from_u32(v).unwrap_or('\0'))
            }
            '8' | '9' => return self.err(at, format!("bad escape \\{c}")),
            c => ClassItem::Char(self.common_escape(at, c)?),
        })
    }

    /// A class from its `[` at `at`.
    fn class(&mut self, at: usize) -> Result<(), PyError> {
        let mut body = String::new();
        let negate = self.eat('^');
        // The class holds one of the Turkish i's (see `TURKISH_I`).
        let mut turkish = false;
        let mut any = false;
        let unterminated = |s: &Self| s.err(at, "unterminated character set");
        loop {
            let this_at = self.pos;
            let Some(this) = self.next() else {
                return unterminated(self);
            };
            if this == ']' && any {
                break;
            }
            any = true;
            let first = if this == '\\' {
                self.class_escape(this_at)?
            } else {
                ClassItem::Char(this)
            };
            if self.eat('-') {
                let that_at = self.pos;
                let Some(that) = self.next() else {
                    return unterminated(self);
                };
                if that == ']' {
                    turkish |= matches!(first, ClassItem::Char(c) if is_turkish_i(c));
                    push_class_item(&mut body, &first);
                    lit(&mut body, '-');
                    break;
                }
                let second = if that == '\\' {
                    self.class_escape(that_at)?
                } else {
                    ClassItem::Char(that)
                };
                let range_text = &self.p[this_at..self.pos];
                match (first, second) {
                    (ClassItem::Char(lo), ClassItem::Char(hi)) if lo <= hi => {
                        turkish |= TURKISH_I.chars().any(|c| lo <= c && c <= hi);
                        lit(&mut body, lo);
                        body.push('-');
                        lit(&mut body, hi);
                    }
                    _ => return self.err(this_at, format!("bad character range {range_text}")),
                }
            } else {
                turkish |= matches!(first, ClassItem::Char(c) if is_turkish_i(c));
                push_class_item(&mut body, &first);
            }
        }
        if self.icase && turkish {
            body.push_str(TURKISH_I);
        }
        self.out.push('[');
        if negate {
            self.out.push('^');
        }
        self.out.push_str(&body);
        self.out.push(']');
        Ok(())
    }
}

fn push_class_item(body: &mut String, item: &ClassItem) {
    match item {
        ClassItem::Char(c) => lit(body, *c),
        ClassItem::Category(text) => body.push_str(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(p: &str) -> String {
        translate(p, false, false, false).unwrap_or_else(|e| panic!("{p}: {e:?}"))
    }

    fn bad(p: &str) -> PyError {
        translate(p, false, false, false).expect_err(p)
    }

    #[test]
    fn spelled_out() {
        assert_eq!(ok("a{,3}"), "a{0,3}");
        assert_eq!(ok("a{,}"), "a{0,}");
        assert_eq!(ok("a{2}"), "a{2}");
        assert_eq!(ok("a{2,}?"), "a{2,}?");
        assert_eq!(ok("[[]"), r"[\x{5b}]");
        assert_eq!(ok("[]a]"), r"[\x{5d}a]");
        assert_eq!(ok(r"\<x\>"), r"\x{3c}x\x{3e}");
        assert_eq!(ok(r"\012"), r"\x{a}");
        assert_eq!(ok(r"\123"), "S");
        assert_eq!(ok("a(?#c)b"), "ab");
        assert_eq!(ok("{x}"), r"\x{7b}x\x{7d}");
        assert_eq!(ok("a{1,2"), r"a\x{7b}1\x{2c}2");
        assert_eq!(ok(r"\u00e9"), "é");
        assert_eq!(ok("(?i:a)(?-s:b)"), "(?i:a)(?-s:b)");
        assert_eq!(ok("(?P<n>a)"), "(a)");
    }

    #[test]
    fn verbose() {
        let v = |p: &str| translate(p, true, false, false).unwrap();
        assert_eq!(v("a b # c\n d"), "abd");
        assert_eq!(v(r"[ ]a"), r"[\x{20}]a");
        assert_eq!(v(r"[#]a"), r"[\x{23}]a");
        assert_eq!(v(r"a\ b"), r"a\x{20}b");
        assert_eq!(ok("(?x)a b"), "ab");
        assert_eq!(ok("(?x:a b)c d"), r"(?:ab)c\x{20}d");
        assert_eq!(v("a(?-x: b)"), r"a(?:\x{20}b)");
    }

    #[test]
    fn refused_as_python_refuses() {
        for (p, msg) in [
            (r"[\w--a]", "bad character range"),
            (r"[a--b]", "bad character range"),
            (r"[\d-z]", "bad character range"),
            (r"[z-a]", "bad character range"),
            ("a**", "multiple repeat"),
            ("a{2}{3}", "multiple repeat"),
            ("*a", "nothing to repeat"),
            ("{1}", "nothing to repeat"),
            ("(?i)*", "nothing to repeat"),
            ("a(?i)b", "global flags not at the start"),
            ("(?<n>a)", "unknown extension"),
            ("(?P<1>a)", "bad character in group name"),
            ("(?U)a", "unknown extension ?U"),
            ("(?-u:a)", "cannot turn off"),
            ("(?i-i:a)", "turned on and off"),
            (r"\12", "invalid group reference"),
            (r"[\8]", "bad escape"),
            (r"\777", "outside of range"),
            (r"\x4", "incomplete escape"),
            (r"\z", "bad escape"),
            ("a{3,2}", "min repeat greater than max repeat"),
            ("a{99999999999}", "too large"),
            ("(", "unterminated subpattern"),
            (")", "unbalanced parenthesis"),
            ("[]", "unterminated character set"),
            ("(?#x", "unterminated comment"),
            ("(?P<a>x)(?P<a>y)", "redefinition"),
            ("(a\\1)", "open group"),
            ("\\b*", "nothing to repeat"),
            ("^*", "nothing to repeat"),
            ("(?<=a(b)", "unterminated subpattern"),
            ("(?(1)a)", "invalid group reference"),
            ("(a)(?(1)b|c|d)", "more than two branches"),
            ("(?(x)a)", "unknown group name"),
            (r"\N", "missing {"),
        ] {
            let e = bad(p);
            assert!(e.message.contains(msg), "{p}: {e:?}");
            assert!(!e.message.starts_with("not supported"), "{p}: {e:?}");
        }
        assert_eq!(bad("ab[").offset, 2);
        assert_eq!(bad("ab**").offset, 3);
    }

    #[test]
    fn accepted_as_python_accepts() {
        for p in [
            "[a&&b]",
            "[a~~b]",
            "[a||b]",
            "[--a]",
            "[a-z--]",
            "[%--]",
            r"[\w-]",
            "(?i)(?s)a",
            "(?#x)(?i)a",
            "a|",
            "|",
            "()",
            "(?:)",
            "()*",
            "a(?#x)*",
            "[]]",
            "[^]]",
            r"[\b]",
            "(?u)a",
            "(?u:a)",
            "(?s-i:a)",
            "(?xi)a b",
            "(?m)a",
            "a{}",
            "a{",
            "a{1,2,3}",
        ] {
            ok(p);
        }
    }

    #[test]
    fn not_supported() {
        for p in [
            r"(a)\1",
            "(?P<a>x)(?P=a)",
            "(?<=a)b",
            "(?>a)",
            "a*+",
            "a{2}+",
            "^a",
            r"a\b",
            r"\Z",
            "(?=a)b",
            "(?a)x",
            r"\N{DIGIT ONE}",
            "(a)(?(1)b|c)",
            "(?=a)*",
            r"\N{DIGIT ONE}x",
        ] {
            assert!(bad(p).message.starts_with("not supported"), "{p}");
        }
        assert!(translate("a(?=b)", false, false, true).is_ok());
    }

    #[test]
    fn nesting_is_bounded() {
        let n = MAX_GROUP_NESTING;
        ok(&format!("{}a{}", "(".repeat(n), ")".repeat(n)));
        let deep = format!("{}a{}", "(".repeat(n + 1), ")".repeat(n + 1));
        let e = bad(&deep);
        assert_eq!(e.offset, n);
        assert!(e.message.contains("nested more than"), "{e:?}");
        let e = bad(&"(".repeat(100_000));
        assert!(e.message.contains("nested more than"), "{e:?}");
    }
}
