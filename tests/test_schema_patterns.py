"""JSON Schema `pattern` against Python's `re.search`, on generated patterns.

The patterns are built from what ECMA-262 (the dialect of `pattern`) and
Python's `re` read the same way: literals, escaped metacharacters, classes,
`.`, groups (capturing and not), optional groups, counted repetitions,
alternation and `^`/`$` anchors. The strings avoid line terminators, where
the two dialects' `.` and `$` differ. A string is accepted by the schema's
grammar exactly when `re.search` finds the pattern in it.
"""

from __future__ import annotations

import json
import re

import corral
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ALPHABET = "abc.-x"

LITERALS = st.sampled_from(["a", "b", "c", "x", "\\.", "\\-", "-"])
CLASSES = st.sampled_from(["[ab]", "[^a]", "[a-c]", "[.x]", "[^.-]", "."])
QUANTIFIERS = st.sampled_from(
    ["", "", "?", "*", "+", "{2}", "{0,2}", "{1,3}", "{2,}", "??", "{2}?"]
)


@st.composite
def atoms(draw: st.DrawFn, depth: int) -> str:
    kind = draw(st.integers(0, 3 if depth > 0 else 1))
    if kind == 0:
        return draw(LITERALS)
    if kind == 1:
        return draw(CLASSES)
    inner = draw(alternations(depth - 1))
    return f"({inner})" if kind == 2 else f"(?:{inner})"


@st.composite
def sequences(draw: st.DrawFn, depth: int) -> str:
    parts = draw(st.lists(atoms(depth), min_size=1, max_size=3))
    return "".join(p + draw(QUANTIFIERS) for p in parts)


@st.composite
def anchored(draw: st.DrawFn, depth: int) -> str:
    # `^` and `$` may stand anywhere, inside groups too.
    b = draw(sequences(depth))
    if draw(st.booleans()):
        b = "^" + b
    if draw(st.booleans()):
        b = b + "$"
    return b


@st.composite
def alternations(draw: st.DrawFn, depth: int) -> str:
    return "|".join(draw(st.lists(anchored(depth), min_size=1, max_size=2)))


@st.composite
def patterns(draw: st.DrawFn) -> str:
    # Nesting depth 1 keeps each pattern small enough to compile quickly.
    return "|".join(draw(st.lists(anchored(1), min_size=1, max_size=3)))


def accepts(g: corral.Grammar, s: str) -> bool:
    m = g.matcher()
    return m.consume_bytes(json.dumps(s).encode()) and m.is_accepting()


@st.composite
def pattern_and_strings(draw: st.DrawFn) -> tuple[str, list[str]]:
    p = draw(patterns())
    # Strings near the pattern: whole matches of it without its anchors
    # (`from_regex` itself can stall on a `$` or `^` that cannot hold).
    plain = re.sub(r"\$|(?<!\[)\^", "", p)
    near = draw(st.lists(st.from_regex(plain, fullmatch=True, alphabet=ALPHABET), max_size=4))
    anything = draw(st.lists(st.text(ALPHABET, max_size=8), max_size=4))
    # Short strings only: Python's backtracking `re`, the reference, takes
    # exponential time on nested quantifiers over a long run (`(-??-*){2,}`
    # against 200 dashes).
    return p, [s for s in near + anything if "\n" not in s and len(s) <= 12]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern_and_strings())
def test_pattern_agrees_with_re_search(case: tuple[str, list[str]]) -> None:
    p, strings = case
    g = corral.Grammar.from_json_schema({"type": "string", "pattern": p})
    for s in strings:
        assert accepts(g, s) == (re.search(p, s) is not None), (p, s)


@pytest.mark.parametrize(
    ("pattern", "valid", "invalid"),
    [
        # An optional group around a counted repetition (a real schema's colour).
        ("^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$", ["#ff0000", "#ff000080"], ["#ff00008", "#ff0"]),
        ("^a(b{2})?$", ["a", "abb"], ["ab", "abbb"]),
        ("(a{2})?", ["", "b", "aa"], []),
        ("^(?:ab){2}?$", ["abab"], ["ab", ""]),
        ("^x(y{1,2}z)?$", ["x", "xyz", "xyyz"], ["xy", "xyyyz"]),
    ],
)
def test_optional_groups_around_counted_repetitions(
    pattern: str, valid: list[str], invalid: list[str]
) -> None:
    g = corral.Grammar.from_json_schema({"type": "string", "pattern": pattern})
    for s in valid:
        assert re.search(pattern, s) and accepts(g, s), (pattern, s)
    for s in invalid:
        assert not re.search(pattern, s) and not accepts(g, s), (pattern, s)
    # The same inside an object, where the string is a property's value.
    obj = corral.Grammar.from_json_schema(
        {"type": "object", "properties": {"c": {"type": "string", "pattern": pattern}}}
    )
    for s in valid:
        m = obj.matcher()
        assert m.consume_bytes(json.dumps({"c": s}).encode()) and m.is_accepting()
