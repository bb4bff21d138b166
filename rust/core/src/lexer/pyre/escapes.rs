//! Escapes, in and out of classes, and classes.

use super::chars::{is_turkish_i, lit, PY_SPACE, PY_WORD, TURKISH_I};
use super::parser::{Parser, PyError};

/// A class item.
enum ClassItem {
    Char(char),
    /// A category (`\d`, `\w`, ...): its text inside a class.
    Category(&'static str),
}

impl Parser<'_> {
    /// The escape after a `\` at `at`, outside a class; whether it is an
    /// anchor (nothing a repetition applies to).
    pub(super) fn escape(&mut self, at: usize) -> Result<bool, PyError> {
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
    pub(super) fn class(&mut self, at: usize) -> Result<(), PyError> {
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
