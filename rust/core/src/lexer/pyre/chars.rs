//! Python's character sets, and literals written out for regex-syntax.

use std::fmt::Write;

/// Python's `\s`: the characters for which `str.isspace()` holds.
pub const PY_SPACE: &str = r"\t\n\x0b\x0c\r\x1c-\x1f\x20\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}";

/// Python's `\w` for str patterns: `str.isalnum()` (letters and numbers of
/// every kind) and `_`. regex-syntax's `\w` differs: it takes combining
/// marks and connector punctuation, and leaves out `No` (e.g. `²`).
pub(super) const PY_WORD: &str = r"\p{L}\p{N}_";

fn is_word_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

pub(super) fn is_identifier(s: &str) -> bool {
    let mut it = s.chars();
    it.next().is_some_and(is_word_start) && it.all(|c| c == '_' || c.is_alphanumeric())
}

/// Under `re.IGNORECASE`, Python matches `i`, `I`, `İ` (U+0130) and `ı`
/// (U+0131) with one another (their simple case mappings meet); Unicode's
/// simple case folding, which regex-syntax follows, keeps the dotted and
/// dotless ones apart. The four are written out where one is meant.
pub(super) const TURKISH_I: &str = "iI\u{130}\u{131}";

pub(super) fn is_turkish_i(c: char) -> bool {
    TURKISH_I.contains(c)
}

/// Writes `c` as a literal that means `c` in and out of classes.
pub(super) fn lit(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || !c.is_ascii() {
        out.push(c);
    } else {
        let _ = write!(out, "\\x{{{:x}}}", c as u32);
    }
}

pub(super) const FLAG_CHARS: &str = "aiLmsxtu";
