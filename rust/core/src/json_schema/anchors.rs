//! `^` and `$` anywhere in a pattern, taken out exactly.
//!
//! A JSON Schema pattern is searched for: it may match anywhere in the
//! string, and (ECMA-262, no multiline flag) `^` holds only at the string's
//! start and `$` only at its end. An anchor may sit anywhere: `a$|b`,
//! `(^|,)x`, `x(y$)?`. Splitting a pattern's matches by the anchors they
//! assert removes them from the regular language: every match of a
//! sub-expression falls in one of four classes, by whether it asserted `^`
//! (then nothing of the whole match came before it, and the match starts
//! the string) and whether it asserted `$` (nothing comes after it, and the
//! match ends the string). Each class is a plain language, built bottom up;
//! the strings containing a match are then `.* N .*`, `S .*`, `.* E` and
//! `SE`, over the decoded text.
//!
//! When two pieces are concatenated, a piece asserting `^` needs everything
//! before it empty, and a piece asserting `$` everything after it: only the
//! empty string of the other piece may stand there.

use regex_syntax::hir::{Hir, HirKind, Look, Repetition};

use crate::error::Failure;

/// Counted repetitions of a piece holding an anchor are spelled out up to
/// this count (a piece without anchors is repeated as it is).
const MAX_UNROLL: u32 = 64;

/// A piece's matches split by the anchors they assert: `[plain, ^, $, ^…$]`.
#[derive(Clone)]
pub(crate) struct Split([Hir; 4]);

const START: usize = 1;
const END: usize = 2;

fn never(h: &Hir) -> bool {
    h.properties().minimum_len().is_none()
}

/// The empty string if `h` matches it (`h` is free of look-around).
fn empty_part(h: &Hir) -> Hir {
    if h.properties().minimum_len() == Some(0) {
        Hir::empty()
    } else {
        Hir::fail()
    }
}

fn cat(a: Hir, b: Hir) -> Hir {
    if never(&a) || never(&b) {
        return Hir::fail();
    }
    Hir::concat(vec![a, b])
}

/// `r` over `sub`, where a piece that matches nothing repeated zero times
/// matches the empty string.
fn rep(sub: Hir, r: &Repetition) -> Hir {
    if never(&sub) {
        return if r.min == 0 {
            Hir::empty()
        } else {
            Hir::fail()
        };
    }
    Hir::repetition(Repetition {
        sub: Box::new(sub),
        ..r.clone()
    })
}

/// The alternatives that match something (none: `Hir::fail`).
fn alt(hs: Vec<Hir>) -> Hir {
    Hir::alternation(hs.into_iter().filter(|h| !never(h)).collect())
}

impl Split {
    fn plain(h: Hir) -> Split {
        Split([h, Hir::fail(), Hir::fail(), Hir::fail()])
    }

    fn anchor(class: usize) -> Split {
        let mut s = Split::plain(Hir::fail());
        s.0[class] = Hir::empty();
        s
    }

    fn has_anchor(&self) -> bool {
        self.0[1..].iter().any(|h| !never(h))
    }

    /// `a` then `b`.
    fn then(a: &Split, b: &Split) -> Split {
        let mut out: [Vec<Hir>; 4] = Default::default();
        for (i, x) in a.0.iter().enumerate() {
            for (j, y) in b.0.iter().enumerate() {
                // `^` in the second needs the first empty; `$` in the first
                // needs the second empty.
                let x = if j & START != 0 {
                    empty_part(x)
                } else {
                    x.clone()
                };
                let y = if i & END != 0 {
                    empty_part(y)
                } else {
                    y.clone()
                };
                out[i | j].push(cat(x, y));
            }
        }
        Split(out.map(alt))
    }

    fn or(parts: Vec<Split>) -> Split {
        let mut out: [Vec<Hir>; 4] = Default::default();
        for p in parts {
            for (k, h) in p.0.into_iter().enumerate() {
                out[k].push(h);
            }
        }
        Split(out.map(alt))
    }

    /// `self*`: iterations before the one asserting `^` and after the one
    /// asserting `$` match the empty string, which adds nothing.
    fn star(&self) -> Split {
        let [n, s, e, se] = &self.0;
        let ns = rep(
            n.clone(),
            &Repetition {
                min: 0,
                max: None,
                greedy: true,
                sub: Box::new(Hir::empty()),
            },
        );
        Split([
            ns.clone(),
            cat(s.clone(), ns.clone()),
            cat(ns.clone(), e.clone()),
            alt(vec![se.clone(), cat(cat(s.clone(), ns), e.clone())]),
        ])
    }

    fn repeat(&self, r: &Repetition) -> Result<Split, Failure> {
        if !self.has_anchor() {
            return Ok(Split::plain(rep(self.0[0].clone(), r)));
        }
        // Exactly `min` copies, then up to `max - min` optional ones (or a star).
        if r.min > MAX_UNROLL || r.max.is_some_and(|m| m > MAX_UNROLL) {
            return Err(Failure::not_supported(format!(
                "an anchor inside a group repeated more than {MAX_UNROLL} times in a pattern"
            )));
        }
        let one = Split::plain(Hir::empty());
        let mut out = one.clone();
        for _ in 0..r.min {
            out = Split::then(&out, self);
        }
        match r.max {
            None => out = Split::then(&out, &self.star()),
            Some(max) => {
                let optional = Split::or(vec![one, self.clone()]);
                for _ in r.min..max {
                    out = Split::then(&out, &optional);
                }
            }
        }
        Ok(out)
    }

    /// The split of `h`, a decoded-level language.
    pub(crate) fn of(h: &Hir) -> Result<Split, Failure> {
        if h.properties().look_set().is_empty() {
            // No anchor below: the piece as it is.
            return Ok(Split::plain(h.clone()));
        }
        Ok(match h.kind() {
            HirKind::Look(Look::Start) => Split::anchor(START),
            HirKind::Look(Look::End) => Split::anchor(END),
            HirKind::Look(l) => {
                return Err(Failure::not_supported(format!(
                    "assertion {l:?} inside a pattern"
                )))
            }
            HirKind::Capture(c) => Split::of(&c.sub)?,
            HirKind::Concat(hs) => {
                let mut out = Split::plain(Hir::empty());
                for h in hs {
                    out = Split::then(&out, &Split::of(h)?);
                }
                out
            }
            HirKind::Alternation(hs) => {
                Split::or(hs.iter().map(Split::of).collect::<Result<_, _>>()?)
            }
            HirKind::Repetition(r) => Split::of(&r.sub)?.repeat(r)?,
            _ => Split::plain(h.clone()),
        })
    }

    /// The four classes: plain, `^`, `$`, `^…$`, each free of anchors.
    pub(crate) fn classes(self) -> [Hir; 4] {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::meta::Regex;

    /// The strings of `alphabet` up to length 4 that contain a match of
    /// `pattern` (regex-syntax's own search with `^`/`$`), against the
    /// split's `.*N.* | S.* | .*E | SE`.
    fn agree(pattern: &str) {
        let h = regex_syntax::parse(pattern).unwrap();
        let [n, s, e, se] = Split::of(&h).unwrap().classes();
        let any = || regex_syntax::parse("(?s:.)*").unwrap();
        let search = Hir::alternation(vec![
            Hir::concat(vec![any(), n, any()]),
            Hir::concat(vec![s, any()]),
            Hir::concat(vec![any(), e]),
            se,
        ]);
        let ours = Regex::builder()
            .build_from_hir(&Hir::concat(vec![
                Hir::look(Look::Start),
                search,
                Hir::look(Look::End),
            ]))
            .unwrap();
        let theirs = Regex::new(pattern).unwrap();
        let mut words = vec![String::new()];
        for len in 0..4 {
            let mut next = Vec::new();
            for w in &words {
                if w.len() == len {
                    for c in ['a', 'b'] {
                        next.push(format!("{w}{c}"));
                    }
                }
            }
            words.extend(next);
        }
        for w in &words {
            assert_eq!(ours.is_match(w), theirs.is_match(w), "{pattern} on {w:?}");
        }
    }

    #[test]
    fn anchors_anywhere_agree_with_a_search() {
        for p in [
            "a$|b",
            "^a|b$",
            "(^|b)a",
            "a(b$)?",
            "(a|^)(b|$)",
            "^^a$$",
            "(^a)*b",
            "(a$)*",
            "(^|a){2}b",
            "(b|$){1,3}",
            "x*^a",
            "a$b",
            "(?:^ab|ba$)+",
            "^(a|b$){0,2}$",
        ] {
            agree(p);
        }
    }
}
