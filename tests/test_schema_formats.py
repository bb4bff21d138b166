"""``format`` against the ``jsonschema`` package's format checkers, on generated strings.

Strings are drawn valid for each format (dates, addresses, URLs, pointers, ...) and then,
half the time, mutated by an edit or two, so both sides of each language are exercised.
corral's formats are RFC grammars. Where a checker is a real parser, corral and it must agree
on every string, but for the differences named in ``KNOWN``: each is a spelling the RFC does
not allow and the checker's parser lets through, and there corral must refuse. Where a
checker only looks for one character (``email``: an ``@``) or is lax by design
(``uri-template``), corral must accept nothing it refuses.
"""

from __future__ import annotations

import functools
import json
import random
import re
from collections.abc import Callable
from datetime import timedelta, timezone

import corral
import jsonschema
import pytest
from hypothesis import given, provisional, settings
from hypothesis import strategies as st

CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER


@functools.cache
def grammar(fmt: str) -> corral.Grammar:
    return corral.Grammar.from_json_schema({"type": "string", "format": fmt})


def ours(fmt: str, s: str) -> bool:
    m = grammar(fmt).matcher()
    return m.consume_bytes(json.dumps(s).encode()) and m.is_accepting()


_tz = st.one_of(
    st.none(),
    st.just(timezone.utc),
    st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m))),
)
_label = st.from_regex(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?", fullmatch=True)
_num = st.integers(0, 999).map(str)
_duration = st.tuples(
    st.lists(st.tuples(_num, st.sampled_from("YMWD")), max_size=3),
    st.lists(st.tuples(_num, st.sampled_from("HMS")), max_size=3),
    st.booleans(),
).map(
    lambda t: (
        "P"
        + "".join(a + b for a, b in t[0])
        + ("T" + "".join(a + b for a, b in t[1]) if t[1] or t[2] else "")
    )
)
_pointer = st.lists(st.text(alphabet="ab/~01 é", max_size=4), max_size=3).map(
    lambda xs: "".join("/" + x.replace("~", "~0").replace("/", "~1") for x in xs)
)
_reference = st.from_regex(r"[a-z/.?#%0-9:@]{0,10}", fullmatch=True)

VALID: dict[str, st.SearchStrategy[str]] = {
    "date": st.dates().map(str),
    "time": st.times(timezones=_tz).map(lambda t: t.isoformat()),
    "date-time": st.datetimes(timezones=_tz).map(lambda t: t.isoformat()),
    "duration": _duration,
    "email": st.emails(),
    "hostname": st.lists(_label, min_size=1, max_size=4).map(".".join),
    "ipv4": st.ip_addresses(v=4).map(str),
    "ipv6": st.ip_addresses(v=6).flatmap(lambda a: st.sampled_from([str(a), a.exploded])),
    "uuid": st.uuids().flatmap(lambda u: st.sampled_from([str(u), str(u).upper()])),
    "uri": provisional.urls(),
    "uri-reference": st.one_of(provisional.urls(), _reference),
    "iri": provisional.urls(),
    "iri-reference": st.one_of(provisional.urls(), _reference),
    "uri-template": st.from_regex(
        r"([a-z/]{0,3}(\{[+#]?[a-z]{1,3}(,[a-z]{1,2})?\})?){0,3}", fullmatch=True
    ),
    "json-pointer": _pointer,
    "relative-json-pointer": st.tuples(st.integers(0, 120), st.one_of(st.just("#"), _pointer)).map(
        lambda t: f"{t[0]}{t[1]}"
    ),
}


def _duration_abnf() -> re.Pattern[str]:
    """RFC 3339 appendix A, ABNF for durations, as a Python regex."""
    sec = "[0-9]+S"
    minute = f"[0-9]+M(?:{sec})?"
    hour = f"[0-9]+H(?:{minute})?"
    time = f"T(?:{hour}|{minute}|{sec})"
    day = "[0-9]+D"
    month = f"[0-9]+M(?:{day})?"
    year = f"[0-9]+Y(?:{month})?"
    return re.compile(f"P(?:(?:{day}|{month}|{year})(?:{time})?|{time}|[0-9]+W)")


DURATION = _duration_abnf()

# Where a checker's parser departs from the format's RFC: the strings, and corral's answer.
KNOWN: dict[str, tuple[Callable[[str], bool], Callable[[str], bool]]] = {
    # isoduration takes weeks beside other parts, fractions, and parts skipped between
    # others (P1Y1D); RFC 3339's ABNF takes none of these.
    "duration": (
        lambda s: CHECKER.conforms(s, "duration") != bool(DURATION.fullmatch(s)),
        lambda s: bool(DURATION.fullmatch(s)),
    ),
    # Python's UUID() drops braces and hyphens, and reads the digits with int(), which skips
    # underscores; the checker then only looks for hyphens at 8, 13, 18 and 23. RFC 4122's
    # string form is 8-4-4-4-12 hex digits.
    "uuid": (
        lambda s: re.fullmatch("[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}", s) is None,
        lambda s: False,
    ),
    # The checker refuses a digit after any 0 in the leading number ("102"); the RFC draft's
    # grammar, checked here with `re`, takes it.
    "relative-json-pointer": (
        lambda s: re.match(r"[1-9][0-9]*0[0-9]", s) is not None,
        lambda s: re.fullmatch(r"(0|[1-9][0-9]*)(#|(/([^~/]|~[01])*)*)", s) is not None,
    ),
}
# Checkers that accept far more than the RFC: corral may only be stricter.
LAX = {"email", "uri-template"}

_EDITS = "0123456789aZ:-.T+/#%@[]~ éz_\\{}"


def mutate(s: str, seed: int) -> str:
    r = random.Random(seed)
    cs = list(s)
    for _ in range(r.randint(1, 2)):
        i = r.randint(0, len(cs))
        op = r.randrange(3)
        if op == 0 or not cs:
            cs.insert(i, r.choice(_EDITS))
        elif op == 1:
            del cs[min(i, len(cs) - 1)]
        else:
            cs[min(i, len(cs) - 1)] = r.choice(_EDITS)
    return "".join(cs)


@pytest.mark.parametrize("fmt", sorted(VALID))
def test_format_agrees_with_jsonschema(fmt: str) -> None:
    seen = {True: 0, False: 0}

    @settings(max_examples=300, deadline=None, database=None)
    @given(VALID[fmt], st.integers(0, 2**32 - 1), st.booleans())
    def check(s: str, seed: int, edit: bool) -> None:
        if edit:
            s = mutate(s, seed)
        got, want = ours(fmt, s), CHECKER.conforms(s, fmt)
        seen[got] += 1
        if fmt in LAX:
            assert want or not got, (fmt, s)
        elif fmt in KNOWN and KNOWN[fmt][0](s):
            assert got == KNOWN[fmt][1](s), (fmt, s)
        else:
            assert got == want, (fmt, s, got, want)

    check()
    # corral both took and refused drawn strings.
    assert seen[True] and seen[False], seen


def test_known_differences_are_real() -> None:
    """Each named difference is one the checker really has (else it should go)."""
    for fmt, s in [
        ("duration", "P1WT1H"),
        ("duration", "P1Y1D"),
        ("uuid", "12345678-1234-1234-1234-123456789abc}"),
        ("uuid", "12345678-1234-1234-1234-12345678-9abc"),
        ("uuid", "12345678-1234-1234-1234-1234567_9abc"),
        ("relative-json-pointer", "102"),
    ]:
        is_known, answer = KNOWN[fmt]
        assert is_known(s) and CHECKER.conforms(s, fmt) != answer(s) == ours(fmt, s)
    for fmt, s in [("email", "@"), ("uri-template", "a b")]:
        assert fmt in LAX and CHECKER.conforms(s, fmt) and not ours(fmt, s)
