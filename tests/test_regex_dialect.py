"""Lark regexes are Python `re` patterns: corral reads them as `re` does.

The reference is Python's `re` itself. A pattern `re` refuses must be refused
with a `GrammarError`; a pattern `re` accepts must compile, or be refused with
a `NotSupportedError` naming a construct a DFA cannot express (anchors, word
boundaries, look-behind, back-references, atomic groups, ...). When both
compile, they agree on which strings match in full (`re.fullmatch`).

Patterns are drawn from pieces that exercise the places where regex dialects
differ: verbose mode and whitespace inside classes, `--`/`&&`/`~~`/`||` inside
classes, ranges with class escapes, `{,n}` and `{,}`, nested repeats, octal
escapes and group references, inline flags and where they stand, group
names, `\\w` and friends.
"""

from __future__ import annotations

import os
import re
import warnings

import corral
import pytest
from grammar_strategies import regex_strings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PIECES = [
    *"ab-_ .,|*+?^$#",
    "\n",
    "(",
    ")",
    "(?:",
    "(?P<n>",
    "(?P<m>",
    "(?P=n)",
    "(?i)",
    "(?x)",
    "(?s)",
    "(?i:",
    "(?x:",
    "(?-i:",
    "(?#c)",
    "(?=a)",
    "(?!b)",
    "[",
    "]",
    "[^",
    "{",
    "}",
    "{2}",
    "{,2}",
    "{1,}",
    "{,}",
    "{2,1}",
    "{1, 2}",
    "--",
    "&&",
    "~~",
    "||",
    r"\w",
    r"\W",
    r"\d",
    r"\s",
    r"\S",
    r"\-",
    r"\ ",
    r"\]",
    r"\[",
    r"\\",
    r"\.",
    r"\0",
    r"\1",
    r"\12",
    r"\101",
    r"\8",
    r"\x41",
    r"\x4",
    r"\u00e9",
    r"\t",
    r"\n",
    r"\b",
    r"\z",
    r"\Z",
    r"\q",
    "é",
    r"\A",
    r"\B",
    r"\N{DIGIT ONE}",
    r"\N",
    r"\ud800",
    r"\U0001F600",
    r"\07",
    r"\400",
    r"\x{41}",
    "[\\b]",
    "[\\d-\\w]",
    "[a-]",
    "[-]",
    "[^-]",
    "{0}",
    "{,0}",
    "*+",
    "(?>",
    "(?<=a)",
    "(?(1)a|b)",
    "(?a)",
    "(?u)",
    "(?m)",
    "(?L)",
    "(?t)",
    "(?ix)",
    "(?i-s:",
    "(?-x:",
    "(?<",
    "(?P",
    "(?",
]

CHARS = list("ab-_ .,|*+?#[]{}()\n\t\\AB0129xé&~²1ſ\u212a")


def python_compiles(pattern: str, flags: int) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            re.compile(pattern, flags)
        except (re.error, ValueError, OverflowError, RecursionError):
            return False
    return True


def corral_outcome(pattern: str, flags: str) -> corral.Grammar | str:
    try:
        return corral.Grammar.from_regex(pattern, flags=flags)
    except corral.NotSupportedError as e:
        return f"not supported: {e}"
    except corral.GrammarError as e:
        return f"refused: {e}"


def accepts(g: corral.Grammar, s: str) -> bool:
    m = g.matcher()
    return bool(m.consume_bytes(s.encode()) and m.is_accepting())


def re_flags_of(flags: str) -> int:
    out = 0
    for f, v in (("i", re.IGNORECASE), ("x", re.VERBOSE), ("s", re.DOTALL)):
        if f in flags:
            out |= v
    return out


def check(pattern: str, flags: str, strings: list[str]) -> None:
    re_flags = re_flags_of(flags)
    ok = python_compiles(pattern, re_flags)
    got = corral_outcome(pattern, flags)
    if not ok:
        seen = got if isinstance(got, str) else "compiles"
        assert seen.startswith("refused"), (
            f"re refuses {pattern!r} (flags {flags!r}); corral: {seen}"
        )
        return
    if isinstance(got, str):
        # corral also refuses a look-ahead that leaves nothing to match
        # (`(?=a)b`): a regex with an empty language is a mistake.
        assert got.startswith("not supported") or "matches nothing" in got, (
            f"re accepts {pattern!r} (flags {flags!r}); corral {got}"
        )
        return
    rx = re.compile(pattern, re_flags)
    for s in strings:
        assert accepts(got, s) == (rx.fullmatch(s) is not None), (pattern, flags, s)


# Patterns whose reading differs between dialects, checked one by one.
KNOWN = [
    # ASCII and Unicode flags together: `re` refuses them, across groups too.
    (r"(?a)(?u)x", ""),
    (r"(?u)(?a)x", ""),
    (r"(?a:x)(?u:y)", ""),
    (r"(?x)[ ]a", ""),
    (r"[ ]a", "x"),
    (r"(?x)[#]a # comment", ""),
    (r"(?x)a\ b", ""),
    (r"(?x)a{1, 2}", ""),
    (r"a{1, 2}", ""),
    (r"[\w--a]", ""),
    (r"[a--b]", ""),
    (r"[%--]", ""),
    (r"[a&&b]", ""),
    (r"[a~~b]", ""),
    (r"[a||b]", ""),
    (r"[[:alpha:]]", ""),
    (r"[\w-]", ""),
    (r"[\d-z]", ""),
    (r"[]a]", ""),
    (r"[^]a]", ""),
    (r"[]", ""),
    (r"a{,}", ""),
    (r"a{,2}", ""),
    (r"a{}", ""),
    (r"a{1,2", ""),
    (r"a**", ""),
    (r"a{2}{3}", ""),
    (r"(?<n>a)", ""),
    (r"(?P<1>a)", ""),
    (r"a(?i)b", ""),
    (r"(?i)(?s)a", ""),
    (r"(?U)a", ""),
    (r"(?-u:a)", ""),
    (r"(?i-i:a)", ""),
    (r"\123", ""),
    (r"\12", ""),
    (r"[\8]", ""),
    (r"\777", ""),
    (r"\x4", ""),
    (r"\z", ""),
    (r"\w+", ""),
    (r"[\s\S]", ""),
    (r"(a)|b\1", ""),
    (r"(?x)(?i) A b", ""),
    (r"(?x: a b)c d", ""),
]

KNOWN_STRINGS = [
    "",
    " a",
    "a",
    "ab",
    "a b",
    "a{1,2}",
    "a{1, 2}",
    "aa",
    "-",
    "&",
    "[",
    "]",
    ":",
    "w",
    "S",
    "A",
    "Ab",
    "abc d",
    "²",
    "_",
    "\u0301",
    "é",
    "#",
    "a{}",
    "a{1,2",
]


@pytest.mark.parametrize(("pattern", "flags"), KNOWN)
def test_known_differences(pattern: str, flags: str) -> None:
    check(pattern, flags, KNOWN_STRINGS)


def test_the_reproducers() -> None:
    g = corral.Grammar.from_regex(r"(?x)[ ]a")
    assert accepts(g, " a") and not accepts(g, "a")
    with pytest.raises(corral.GrammarError, match="bad character range"):
        corral.Grammar.from_regex(r"[\w--a]")
    with pytest.raises(corral.GrammarError) as e:
        corral.Grammar.from_lark("start: A\nA: /ab[\\w--a]/\n")
    assert (e.value.line, e.value.column) == (2, 8)  # the range, as re reports it


@settings(
    max_examples=int(os.environ.get("REGEX_DIALECT_EXAMPLES", "400")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=8),
    flags=st.sampled_from(["", "", "x", "i", "s"]),
    strings=st.lists(st.text(st.sampled_from(CHARS), max_size=6), max_size=8),
    data=st.data(),
)
def test_random_patterns_agree_with_re(
    pieces: list[str], flags: str, strings: list[str], data: st.DataObject
) -> None:
    pattern = "".join(pieces)
    if "(?=" in pattern or "(?!" in pattern:
        # Look-aheads are split off and checked against what follows a
        # terminal (see the look-ahead tests): here, only whether the
        # pattern is accepted.
        check(pattern, flags, [])
        return
    re_flags = re_flags_of(flags)
    if python_compiles(pattern, re_flags) and "i" not in flags:
        try:
            members = regex_strings(pattern if not flags else f"(?{flags}){pattern}")
            strings = [*strings, *data.draw(st.lists(members, max_size=3), label="members")]
        except (NotImplementedError, ValueError, re.error):
            pass
    check(pattern, flags, strings)


def test_case_insensitive_matching_follows_re() -> None:
    # Every character with a case mapping, against literals and classes
    # whose case-insensitive readings differ between Unicode's simple case
    # folding and Python's (the Turkish dotted and dotless i).
    cased = [
        chr(c)
        for c in range(0x3000)
        if not 0xD800 <= c <= 0xDFFF
        and (chr(c).lower() != chr(c) or chr(c).upper() != chr(c) or chr(c).casefold() != chr(c))
    ]
    patterns = [
        *(re.escape(x) for x in "aiksIéßſıİσςΣµΩ\u212aÅǅθ"),
        "[a-z]",
        "[h-j]",
        "[^i]",
        "[İ]",
        "(?-i:i)",
        "[^a-z]",
        "[\u0100-\u0135]",
    ]
    for p in patterns:
        g = corral.Grammar.from_regex(p, flags="i")
        rx = re.compile(p, re.IGNORECASE)
        wrong = [c for c in [*cased, "1", "_"] if accepts(g, c) != (rx.fullmatch(c) is not None)]
        assert not wrong, (p, wrong[:10])
