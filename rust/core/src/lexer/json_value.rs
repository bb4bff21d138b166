//! JSON text to what it stands for: a string's text decoded (the key it
//! names), and a value's canonical form (JSON equality, as `uniqueItems`
//! compares items).

/// The canonical form of a JSON value's text, for JSON equality (JSON
/// Schema's `uniqueItems`): numbers by value (`1`, `1.0` and `10e-1` are
/// one), strings decoded, object members sorted by key, whitespace gone.
/// False where `text` is not one JSON value (or nests deeper than 512).
pub(crate) fn canonical(text: &[u8], out: &mut Vec<u8>) -> bool {
    out.clear();
    let mut r = Reader { t: text, i: 0 };
    r.ws();
    if !r.value(out, 0) {
        return false;
    }
    r.ws();
    r.i == text.len()
}

struct Reader<'a> {
    t: &'a [u8],
    i: usize,
}

impl Reader<'_> {
    fn ws(&mut self) {
        while self.i < self.t.len() && matches!(self.t[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.ws();
        if self.t.get(self.i) == Some(&b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, out: &mut Vec<u8>, depth: u32) -> bool {
        if depth > 512 {
            return false;
        }
        self.ws();
        let Some(&c) = self.t.get(self.i) else {
            return false;
        };
        match c {
            b'{' => {
                self.i += 1;
                let mut members: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.ws();
                        let mut k = Vec::new();
                        if !self.string(&mut k) || !self.eat(b':') {
                            return false;
                        }
                        let mut v = Vec::new();
                        if !self.value(&mut v, depth + 1) {
                            return false;
                        }
                        members.push((k, v));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return false;
                        }
                    }
                }
                members.sort();
                out.push(b'{');
                for (k, v) in members {
                    out.extend_from_slice(&(k.len() as u32).to_le_bytes());
                    out.extend_from_slice(&k);
                    out.extend_from_slice(&v);
                }
                out.push(b'}');
                true
            }
            b'[' => {
                self.i += 1;
                out.push(b'[');
                if !self.eat(b']') {
                    loop {
                        if !self.value(out, depth + 1) {
                            return false;
                        }
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return false;
                        }
                        out.push(b',');
                    }
                }
                out.push(b']');
                true
            }
            b'"' => {
                let mut v = Vec::new();
                if !self.string(&mut v) {
                    return false;
                }
                out.push(b'"');
                out.extend_from_slice(&(v.len() as u32).to_le_bytes());
                out.extend_from_slice(&v);
                true
            }
            b't' | b'f' | b'n' => {
                let word: &[u8] = match c {
                    b't' => b"true",
                    b'f' => b"false",
                    _ => b"null",
                };
                if !self.t[self.i..].starts_with(word) {
                    return false;
                }
                self.i += word.len();
                out.extend_from_slice(word);
                true
            }
            _ => self.number(out),
        }
    }

    /// A string at `i` (after whitespace), decoded into `out`.
    fn string(&mut self, out: &mut Vec<u8>) -> bool {
        if self.t.get(self.i) != Some(&b'"') {
            return false;
        }
        let from = self.i + 1;
        let mut j = from;
        while j < self.t.len() && self.t[j] != b'"' {
            j += if self.t[j] == b'\\' { 2 } else { 1 };
        }
        if j >= self.t.len() {
            return false;
        }
        decode(&self.t[from..j], out);
        self.i = j + 1;
        true
    }

    /// A number, as `n` + sign + significant digits + `e` + exponent.
    fn number(&mut self, out: &mut Vec<u8>) -> bool {
        let t = self.t;
        let mut i = self.i;
        let neg = t.get(i) == Some(&b'-');
        i += neg as usize;
        let mut digits: Vec<u8> = Vec::new();
        let mut exp: i64 = 0;
        let int_start = i;
        while i < t.len() && t[i].is_ascii_digit() {
            digits.push(t[i]);
            i += 1;
        }
        if i == int_start {
            return false;
        }
        if t.get(i) == Some(&b'.') {
            i += 1;
            let f = i;
            while i < t.len() && t[i].is_ascii_digit() {
                digits.push(t[i]);
                exp -= 1;
                i += 1;
            }
            if i == f {
                return false;
            }
        }
        if matches!(t.get(i), Some(b'e' | b'E')) {
            i += 1;
            let eneg = t.get(i) == Some(&b'-');
            if matches!(t.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            let f = i;
            let mut e: i64 = 0;
            while i < t.len() && t[i].is_ascii_digit() {
                e = e.saturating_mul(10).saturating_add((t[i] - b'0') as i64);
                i += 1;
            }
            if i == f {
                return false;
            }
            exp = exp.saturating_add(if eneg { -e } else { e });
        }
        self.i = i;
        let lead = digits.iter().take_while(|&&d| d == b'0').count();
        let digits = &digits[lead..];
        let trail = digits.iter().rev().take_while(|&&d| d == b'0').count();
        let digits = &digits[..digits.len() - trail];
        out.push(b'n');
        if digits.is_empty() {
            out.push(b'0');
            return true;
        }
        out.push(if neg { b'-' } else { b'+' });
        out.extend_from_slice(digits);
        out.push(b'e');
        out.extend_from_slice(exp.saturating_add(trail as i64).to_string().as_bytes());
        true
    }
}

/// The key a JSON string's text (between the quotes) stands for, as
/// UTF-8 (a lone surrogate escape as its three-byte form, so that it
/// stays distinct): `\u0061` and `a` are one key.
pub(crate) fn decode(raw: &[u8], out: &mut Vec<u8>) {
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
    fn canonical_is_json_equality() {
        let c = |t: &str| {
            let mut o = Vec::new();
            assert!(canonical(t.as_bytes(), &mut o), "{t}");
            o
        };
        assert_eq!(c("1"), c(" 1.0 "));
        assert_eq!(c("10e-1"), c("1"));
        assert_eq!(c("-0"), c("0.0e5"));
        assert_eq!(c("1200"), c("1.2E3"));
        assert_ne!(c("1"), c("-1"));
        assert_ne!(c("1"), c("\"1\""));
        assert_ne!(c("true"), c("1"));
        assert_eq!(
            c(r#"{"a": [1, {"b": null}], "c": "x"}"#),
            c(r#"{"c":"\u0078","a":[1.0,{"b":null}]}"#)
        );
        assert_ne!(c("[1,2]"), c("[2,1]"));
        assert_ne!(c(r#"{"a":1}"#), c(r#"{"a":1,"b":1}"#));
        assert_ne!(c(r#"["a,b"]"#), c(r#"["a","b"]"#));
        let mut o = Vec::new();
        assert!(!canonical(b"1 2", &mut o) && !canonical(b"", &mut o));
    }
}
