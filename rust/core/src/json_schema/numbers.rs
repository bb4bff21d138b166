//! Number languages: JSON numerals within bounds, exactly, as regexes in
//! regex-syntax's dialect.
//!
//! A bounded numeral is written without an exponent (`1e3` is refused where
//! a bound applies; `1000` is accepted): comparisons on plain decimals are
//! regular, and every bound is exact, inclusive or exclusive, for integers
//! and decimals alike. Where an exclusion is checked on whole values, the
//! emitter writes every number plain (see `emit::emit`).

use std::cmp::Ordering;

/// A JSON numeral without exponent, fraction optional.
pub const PLAIN: &str = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?";
/// Any JSON number.
pub const ANY: &str = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?";
/// An integer, also written with a zero fraction (`2.0` is the integer 2
/// from draft 6 on).
pub const INTEGER: &str = r"-?(?:0|[1-9][0-9]*)(?:\.0+)?";
/// An integer without a fraction (draft 4).
pub const INTEGER_STRICT: &str = r"-?(?:0|[1-9][0-9]*)";
/// An integer written with a zero fraction (`2.0`).
pub const INTEGER_WITH_FRACTION: &str = r"-?(?:0|[1-9][0-9]*)\.0+";

/// A decimal number, exactly: sign, integer digits (no leading zeros, "0"
/// for none), fraction digits (no trailing zeros).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dec {
    pub neg: bool,
    pub int: String,
    pub frac: String,
}

impl Dec {
    /// Parses a JSON numeral (with exponent) exactly. `None` for a
    /// numeral too large to spell out (exponent beyond ±400).
    pub fn parse(s: &str) -> Option<Dec> {
        let (neg, s) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s),
        };
        let (mant, exp) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], s[i + 1..].parse::<i64>().ok()?),
            None => (s, 0),
        };
        if !(-400..=400).contains(&exp) {
            return None;
        }
        let (ip, fp) = match mant.find('.') {
            Some(i) => (&mant[..i], &mant[i + 1..]),
            None => (mant, ""),
        };
        if ip.is_empty() || !ip.chars().chain(fp.chars()).all(|c| c.is_ascii_digit()) {
            return None;
        }
        let digits: String = format!("{ip}{fp}");
        let point = ip.len() as i64 + exp; // digits before the point
        let (int, frac) = if point <= 0 {
            (
                String::new(),
                format!("{}{}", "0".repeat((-point) as usize), digits),
            )
        } else if point as usize >= digits.len() {
            (
                format!("{digits}{}", "0".repeat(point as usize - digits.len())),
                String::new(),
            )
        } else {
            (
                digits[..point as usize].to_owned(),
                digits[point as usize..].to_owned(),
            )
        };
        let int = int.trim_start_matches('0');
        let frac = frac.trim_end_matches('0');
        let int = if int.is_empty() { "0" } else { int };
        let zero = int == "0" && frac.is_empty();
        Some(Dec {
            neg: neg && !zero,
            int: int.to_owned(),
            frac: frac.to_owned(),
        })
    }

    pub fn is_zero(&self) -> bool {
        self.int == "0" && self.frac.is_empty()
    }

    pub fn abs(&self) -> Dec {
        Dec {
            neg: false,
            ..self.clone()
        }
    }

    pub fn is_integer(&self) -> bool {
        self.frac.is_empty()
    }

    fn cmp_abs(&self, o: &Dec) -> Ordering {
        self.int
            .len()
            .cmp(&o.int.len())
            .then_with(|| self.int.cmp(&o.int))
            .then_with(|| self.frac.cmp(&o.frac))
    }
}

impl PartialOrd for Dec {
    fn partial_cmp(&self, o: &Dec) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Dec {
    fn cmp(&self, o: &Dec) -> Ordering {
        match (self.neg, o.neg) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_abs(o),
            (true, true) => o.cmp_abs(self),
        }
    }
}

/// A magnitude numeral: `(0|[1-9][0-9]*)(\.[0-9]+)?`.
const MAG: &str = r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?";

/// Numerals (of [`PLAIN`]) with value `>= d` (`> d` when `strict`).
pub fn at_least(d: &Dec, strict: bool) -> String {
    if d.neg {
        // Every non-negative numeral, and negatives with |x| <= |d|.
        let m = mag_le(&d.abs(), strict);
        format!(r"(?:{MAG}|-{m})")
    } else if d.is_zero() && !strict {
        format!(r"(?:{MAG}|-{z})", z = r"0(?:\.0+)?")
    } else {
        mag_ge(d, strict)
    }
}

/// Numerals with value `<= d` (`< d` when `strict`).
pub fn at_most(d: &Dec, strict: bool) -> String {
    if d.neg {
        format!("-{}", mag_ge(&d.abs(), strict))
    } else if d.is_zero() && strict {
        format!("-{}", mag_ge(d, true))
    } else {
        format!(r"(?:-{MAG}|{})", mag_le(d, strict))
    }
}

/// Digits `0-9` from `lo` to `hi` as a class.
fn digit_class(lo: u8, hi: u8) -> String {
    if lo == hi {
        (lo as char).to_string()
    } else {
        format!("[{}-{}]", lo as char, hi as char)
    }
}

/// Magnitudes `>= d` (or `> d`), d non-negative.
fn mag_ge(d: &Dec, strict: bool) -> String {
    let l = d.int.len();
    let mut alts = Vec::new();
    // More integer digits.
    if d.int == "0" {
        alts.push(r"[1-9][0-9]*(?:\.[0-9]+)?".to_owned());
    } else {
        alts.push(format!(r"[1-9][0-9]{{{l},}}(?:\.[0-9]+)?"));
    }
    // Same number of integer digits, compared digit by digit.
    let t: Vec<u8> = d.int.bytes().chain(d.frac.bytes()).collect();
    let mut prefix = String::new();
    for (pos, &td) in t.iter().enumerate() {
        if pos == l {
            prefix.push_str(r"\.");
        }
        if td < b'9' {
            let rest = if pos + 1 < l {
                format!(r"[0-9]{{{}}}(?:\.[0-9]+)?", l - pos - 1)
            } else if pos + 1 == l {
                r"(?:\.[0-9]+)?".to_owned()
            } else {
                "[0-9]*".to_owned()
            };
            // A single integer digit "0" stays a valid numeral; longer
            // integers never start with 0 (t's first digit is not 0 then).
            alts.push(format!("{prefix}{}{rest}", digit_class(td + 1, b'9')));
        }
        prefix.push(td as char);
    }
    // Equal to d so far.
    let tail = if t.len() == l {
        if strict {
            r"\.[0-9]*[1-9][0-9]*".to_owned()
        } else {
            r"(?:\.[0-9]+)?".to_owned()
        }
    } else if strict {
        "[0-9]*[1-9][0-9]*".to_owned()
    } else {
        "[0-9]*".to_owned()
    };
    alts.push(format!("{prefix}{tail}"));
    format!("(?:{})", alts.join("|"))
}

/// Magnitudes `<= d` (or `< d`), d non-negative.
fn mag_le(d: &Dec, strict: bool) -> String {
    let l = d.int.len();
    let mut alts = Vec::new();
    // Fewer integer digits.
    if l >= 2 {
        alts.push(format!(r"(?:0|[1-9][0-9]{{0,{}}})(?:\.[0-9]+)?", l - 2));
    }
    let t: Vec<u8> = d.int.bytes().chain(d.frac.bytes()).collect();
    let mut prefix = String::new();
    for (pos, &td) in t.iter().enumerate() {
        if pos == l {
            // Stop before the point: the integer part equals d's and d has
            // a (non-zero) fraction, so this is smaller.
            alts.push(format!(r"{prefix}(?:\.0*)?"));
            prefix.push_str(r"\.");
        } else if pos > l {
            // Stop within the fraction: smaller (d's remaining digits are
            // not all zero).
            alts.push(prefix.clone());
        }
        let lo = if pos == 0 && l > 1 { b'1' } else { b'0' };
        if td > lo {
            let rest = if pos + 1 < l {
                format!(r"[0-9]{{{}}}(?:\.[0-9]+)?", l - pos - 1)
            } else if pos + 1 == l {
                r"(?:\.[0-9]+)?".to_owned()
            } else {
                "[0-9]*".to_owned()
            };
            alts.push(format!("{prefix}{}{rest}", digit_class(lo, td - 1)));
        }
        prefix.push(td as char);
    }
    if !strict {
        let tail = if t.len() == l { r"(?:\.0+)?" } else { "0*" };
        alts.push(format!("{prefix}{tail}"));
    }
    if alts.is_empty() {
        return "[^\\x{0}-\\x{10FFFF}]".to_owned();
    }
    format!("(?:{})", alts.join("|"))
}

/// A multiple-of factor as `factor / 10^scale` (`None` if not a positive
/// number, or too large).
pub fn multiple_factor(d: &Dec) -> Option<(u64, u32)> {
    if d.neg || d.is_zero() {
        return None;
    }
    let digits = format!("{}{}", d.int, d.frac);
    let digits = digits.trim_start_matches('0');
    let factor: u64 = digits.parse().ok()?;
    Some((factor, d.frac.len() as u32))
}

/// Most factor one joint multiple may have (past it, the multiples stay
/// apart).
const MAX_JOINT_FACTOR: u128 = 1_000_000;

/// The factors of `multiples` ([`multiple_factor`]), joined into one where
/// that stays small: a multiple of every `f_i / 10^s_i` is a multiple of
/// their least common multiple, `lcm(f_i * 10^(S - s_i)) / 10^S` for the
/// largest scale `S`. One factor keeps an automaton of one remainder where
/// several would multiply theirs.
pub fn joint_multiples(multiples: &[Dec]) -> Vec<Option<(u64, u32)>> {
    let fs: Vec<Option<(u64, u32)>> = multiples.iter().map(multiple_factor).collect();
    if fs.len() < 2 || fs.iter().any(Option::is_none) {
        return fs;
    }
    let fs: Vec<(u64, u32)> = fs.into_iter().flatten().collect();
    let scale = fs.iter().map(|f| f.1).max().unwrap_or(0);
    let gcd = |mut a: u128, mut b: u128| {
        while b != 0 {
            (a, b) = (b, a % b);
        }
        a
    };
    let mut l: u128 = 1;
    for &(f, s) in &fs {
        let Some(x) = 10u128
            .checked_pow(scale - s)
            .and_then(|p| p.checked_mul(f as u128))
        else {
            return fs.into_iter().map(Some).collect();
        };
        l = l / gcd(l, x) * x;
        if l > MAX_JOINT_FACTOR * 10u128.saturating_pow(scale) {
            return fs.into_iter().map(Some).collect();
        }
    }
    let mut scale = scale;
    while scale > 0 && l % 10 == 0 {
        l /= 10;
        scale -= 1;
    }
    if l > MAX_JOINT_FACTOR {
        return fs.into_iter().map(Some).collect();
    }
    vec![Some((l as u64, scale))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::meta::Regex;

    #[test]
    fn multiples_join_into_their_least_common_multiple() {
        let d = |s: &str| Dec::parse(s).unwrap();
        let j = |xs: &[&str]| joint_multiples(&xs.iter().map(|x| d(x)).collect::<Vec<_>>());
        assert_eq!(j(&["6.75", "19", "9.5", "2.125"]), vec![Some((8721, 0))]);
        assert_eq!(j(&["0.5", "0.2"]), vec![Some((1, 0))]);
        assert_eq!(j(&["0.3", "0.02"]), vec![Some((3, 1))]);
        assert_eq!(j(&["0.4", "0.6"]), vec![Some((12, 1))]);
        assert_eq!(j(&["4", "6"]), vec![Some((12, 0))]);
        assert_eq!(j(&["7"]), vec![Some((7, 0))]);
        // Too large together: kept apart.
        assert_eq!(j(&["999983", "999979"]).len(), 2);
    }

    fn full(p: &str) -> Regex {
        Regex::new(&format!("^(?:{p})$")).unwrap()
    }

    fn val(s: &str) -> f64 {
        s.parse().unwrap()
    }

    #[test]
    fn parse_is_exact() {
        let d = Dec::parse("1.50e2").unwrap();
        assert_eq!((d.int.as_str(), d.frac.as_str(), d.neg), ("150", "", false));
        let d = Dec::parse("-0.0").unwrap();
        assert!(d.is_zero() && !d.neg);
        let d = Dec::parse("1e-3").unwrap();
        assert_eq!((d.int.as_str(), d.frac.as_str()), ("0", "001"));
        assert!(Dec::parse("-2.5").unwrap() < Dec::parse("-2").unwrap());
    }

    #[test]
    fn bounds_agree_with_arithmetic() {
        let bounds = [
            "0",
            "-0",
            "1",
            "-1",
            "7",
            "10",
            "99",
            "100",
            "-100",
            "2.5",
            "-2.5",
            "0.05",
            "-0.05",
            "1234.5678",
            "0.1",
        ];
        let mut samples: Vec<String> = Vec::new();
        for i in -130..=130 {
            samples.push(i.to_string());
            for f in ["0", "00", "05", "1", "5", "49", "5001", "6", "9"] {
                if i == 0 {
                    samples.push(format!("-0.{f}"));
                }
                samples.push(format!("{i}.{f}"));
            }
        }
        samples.extend(
            [
                "1234.5678",
                "1234.56780",
                "1234.5677",
                "1234.56781",
                "-0",
                "0.0",
            ]
            .map(String::from),
        );
        let plain = full(PLAIN);
        for b in bounds {
            let d = Dec::parse(b).unwrap();
            let bv = val(b);
            for strict in [false, true] {
                let ge = full(&at_least(&d, strict));
                let le = full(&at_most(&d, strict));
                for s in &samples {
                    if !plain.is_match(s) {
                        continue;
                    }
                    let x = Dec::parse(s).unwrap();
                    let want_ge = if strict { x > d } else { x >= d };
                    let want_le = if strict { x < d } else { x <= d };
                    assert_eq!(
                        ge.is_match(s),
                        want_ge,
                        ">= {b} strict={strict} on {s} ({})",
                        val(s) - bv
                    );
                    assert_eq!(le.is_match(s), want_le, "<= {b} strict={strict} on {s}");
                }
            }
        }
    }
}
