//! Groups: capturing, named, non-capturing, look-around, conditional,
//! and inline flags.

use std::fmt::Write;

use super::chars::{is_identifier, FLAG_CHARS};
use super::parser::{Frame, Last, Parser, PyError, MAX_GROUP_NESTING};

/// Flags of an inline flag group.
#[derive(Default)]
struct Flags {
    add: Vec<char>,
    del: Vec<char>,
}

impl Parser<'_> {
    pub(super) fn open_group(&mut self, at: usize) -> Result<(), PyError> {
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
                        for &t in flags.add.iter().filter(|c| "au".contains(**c)) {
                            match self.global_type {
                                Some(g) if g != t => {
                                    return self
                                        .err(at, "ASCII and UNICODE flags are incompatible");
                                }
                                _ => self.global_type = Some(t),
                            }
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
}
