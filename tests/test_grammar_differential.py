"""Differential tests: corral accepts a text iff lark (Earley, dynamic_complete) does.

Texts come from tests/grammar_strategies.py: random derivations of each grammar
and byte-level mutations of them. The grammars are every shipped
grammars/*.lark and lark's own bundled grammars that describe a context-free
language on their own (see BUNDLED_EXCLUDED for the others).

Beside acceptance:
  * every prefix of a text lark accepts is a viable prefix for corral;
  * on tiny grammars defined here, where the language up to a length can be
    enumerated with lark, corral's error position is exactly the first byte
    at which the input stops being a prefix of some string of the language;
  * (lark only) the shipped grammars' terminals are ones on which lark's
    scanner, which takes a regex's first match and the matches inside it, sees
    the same tokens as the plain regular-language reading of the regex;
  * (lark only) json.lark accepts what Python's json.loads accepts.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import corral
import lark
import pytest
from grammar_strategies import (
    GRAMMARS_DIR,
    LARK_GRAMMARS_DIR,
    TEXT_CHARS,
    json_loads_accepts,
    lark_accepts,
    reference,
    reference_from_text,
    sampler,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lark.lexer import PatternRE

SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# lark's bundled grammars that are not tested, and why.
BUNDLED_EXCLUDED = {
    # Python's blocks are delimited by _INDENT/_DEDENT tokens, which the
    # grammar only %declares: lark's Indenter postlexer makes them from the
    # indentation. Earley's dynamic lexer has no postlexer and no pattern for
    # them (lark raises KeyError: '_INDENT' on any indented block), so the
    # language lark parses with it is not Python's. It has no `start` rule
    # either (file_input, single_input, eval_input).
    "python.lark": "needs lark's Indenter postlexer for _INDENT/_DEDENT",
    # Libraries of terminals for %import; no rules, nothing to parse.
    "common.lark": "a terminal library for %import, no start rule",
    "unicode.lark": "a terminal library for %import, no start rule",
}


def _loads_in_lark(path: Path) -> bool:
    try:
        reference(path)
    except lark.exceptions.LarkError:
        return False
    return True


# Shipped grammars not compared with lark alone, and why. sql.lark is compared
# with lark and SQLite together (test_sql_agrees_with_lark_or_with_sqlite) and
# with SQLite on a corpus and on samples (tests/test_sql.py).
SHIPPED_EXCLUDED = {
    # sql.lark makes identifiers maximal, as SQLite's tokenizer does, with a
    # trailing look-ahead on IDENT. corral checks a look-ahead against the
    # bytes that follow; lark's dynamic_complete scanner only checks it on a
    # regex's first (longest) match and lets every shorter match see the end
    # of the string, so it reads `KDEFAULTVALUES` as `K DEFAULT VALUES`, which
    # SQLite (and corral) reject.
    "sql.lark": "look-ahead semantics: lark checks IDENT's look-ahead only on its longest match",
}

SHIPPED = sorted(p for p in GRAMMARS_DIR.glob("*.lark") if p.name not in SHIPPED_EXCLUDED)
BUNDLED = sorted(
    p
    for p in LARK_GRAMMARS_DIR.glob("*.lark")
    if p.name not in BUNDLED_EXCLUDED and _loads_in_lark(p)
)
GRAMMARS = [pytest.param(p, id=f"grammars/{p.name}") for p in SHIPPED] + [
    pytest.param(p, id=f"lark-bundled/{p.name}") for p in BUNDLED
]


@functools.cache
def _corral_load(path: Path) -> Any:
    # The grammar as written, as lark reads it: no bound on whitespace runs.
    try:
        return corral.Grammar.from_file(path, whitespace_limit=None)
    except corral.NotSupportedError as e:
        return e


def corral_grammar(path: Path) -> Any:
    """corral's grammar for a file. A bundled lark grammar that uses what
    corral declines to support (NotSupportedError, e.g. a look-behind) skips
    the test; a shipped grammar must load."""
    g = _corral_load(path)
    if isinstance(g, corral.NotSupportedError):
        if path.parent == GRAMMARS_DIR:
            raise g
        first_line = str(g).splitlines()[0]
        pytest.skip(f"corral does not support lark's bundled {path.name}: {first_line}")
    return g


def test_grammar_lists() -> None:
    shipped = {p.name for p in SHIPPED}
    assert {"json.lark", "arith.lark", "csv.lark", "lark.lark"} <= shipped
    assert "lark.lark" in {p.name for p in BUNDLED}
    # Every bundled grammar is either tested or excluded with a reason, so a
    # grammar a new lark adds is not silently skipped.
    for p in LARK_GRAMMARS_DIR.glob("*.lark"):
        assert p.name in BUNDLED_EXCLUDED or p in BUNDLED, f"{p.name}: lark cannot load it"


# --- the generator itself (lark only) --------------------------------------


@pytest.mark.parametrize("path", GRAMMARS)
def test_derivations_are_mostly_in_the_language(path: Path) -> None:
    """The sampler's derivations mostly parse: the texts are near the border."""
    parser = reference(path)
    results: list[bool] = []

    @settings(SETTINGS, max_examples=40, database=None)
    @given(sampler(path).derivations())
    def collect(text: str) -> None:
        results.append(lark_accepts(parser, text))

    collect()
    assert len(results) >= 10
    assert sum(results) >= len(results) // 5, f"only {sum(results)}/{len(results)} parse"


# --- corral against lark ----------------------------------------------------


@pytest.mark.parametrize("path", GRAMMARS)
@settings(SETTINGS, max_examples=60)
@given(data=st.data())
def test_corral_agrees_with_lark(path: Path, data: st.DataObject) -> None:
    g = corral_grammar(path)
    raw = data.draw(sampler(path).near(), label="bytes")
    m = g.matcher()
    ok = m.consume_bytes(raw)
    accepted = bool(ok and m.is_accepting())
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        # lark's language is a set of Unicode strings; bytes that are not
        # UTF-8 encode none of them.
        assert not accepted, "corral accepts bytes that are not UTF-8"
    else:
        expected = lark_accepts(reference(path), text)
        assert accepted == expected, f"lark {'accepts' if expected else 'rejects'} {text!r}"
    if ok:
        assert not m.is_error()
        assert m.bytes_consumed == len(raw)
    else:
        # The matcher consumed the longest viable prefix; the next byte is
        # what makes the input non-viable.
        assert m.is_error()
        k = m.bytes_consumed
        assert 0 <= k < len(raw)
        fresh = g.matcher()
        assert fresh.consume_bytes(raw[:k])
        assert not fresh.consume_bytes(raw[k : k + 1])


@pytest.mark.parametrize("path", GRAMMARS)
@settings(SETTINGS, max_examples=30)
@given(data=st.data())
def test_prefixes_of_accepted_texts_are_viable(path: Path, data: st.DataObject) -> None:
    g = corral_grammar(path)
    text = data.draw(sampler(path).derivations(), label="text")
    assume(lark_accepts(reference(path), text))
    raw = text.encode()
    fork_at = data.draw(st.integers(0, len(raw)), label="fork_at")
    m = g.matcher()
    for i in range(len(raw) + 1):
        forced = m.forced_bytes()
        assert raw[i:].startswith(forced), (
            f"forced {forced!r} at byte {i}, text goes on {raw[i:]!r}"
        )
        if i == fork_at:
            f = m.fork()
            assert f.consume_bytes(raw[i:]) and f.is_accepting()
            assert m.bytes_consumed == i
        if i < len(raw):
            assert m.consume_bytes(raw[i : i + 1]), (
                f"corral errors at byte {i} ({raw[i : i + 1]!r}) of {text!r}: {m.error()}"
            )
    assert m.is_accepting()
    # The same text in random chunks.
    cuts = sorted(data.draw(st.lists(st.integers(0, len(raw)), max_size=6), label="cuts"))
    m = g.matcher()
    for a, b in itertools.pairwise([0, *cuts, len(raw)]):
        assert m.consume_bytes(raw[a:b])
    assert m.is_accepting() and m.bytes_consumed == len(raw)


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@settings(SETTINGS, max_examples=150)
@given(data=st.data())
def test_json_grammar_agrees_with_json_loads(data: st.DataObject) -> None:
    """(lark only) json.lark's language is what Python's json.loads takes."""
    path = GRAMMARS_DIR / "json.lark"
    text = data.draw(sampler(path).near().filter(_is_utf8), label="bytes").decode()
    assert lark_accepts(reference(path), text) == json_loads_accepts(text)


# --- exact error positions on tiny grammars ---------------------------------


@dataclass(frozen=True)
class Tiny:
    grammar: str
    alphabet: str  # every character a string of the language can contain
    foreign: str  # characters in no string of the language (extra test input)
    n: int  # the language is enumerated up to this length
    # Test inputs are at most m characters. For the oracle to be exact, every
    # viable prefix of at most m characters must have a completion of at most
    # n characters; each grammar's comment says why it has.
    m: int


TINY = {
    # A viable prefix of length <= 5 is at most 5 deep: 5 ")" complete it.
    "dyck": Tiny('start: item*\nitem: "(" item* ")"\n', "()", "x", 10, 5),
    # Literals sharing prefixes, and a regex: the longest string is 4 long.
    "literals": Tiny('start: "ab" "cd" | "abc" "a" | X\nX: /b+a?/\n', "abcd", "z", 6, 5),
    # %ignore between tokens; one "b" completes any viable prefix.
    "ignore": Tiny('start: "a" "b"+\n%ignore " "\n', "ab ", "c", 7, 5),
    # A regex terminal with an optional sign; one digit completes any prefix.
    "numbers": Tiny('start: NUM ("," NUM)*\nNUM: /-?(0|[1-9][0-9]*)/\n', "-01,", "x", 6, 5),
    # A trailing lookahead: no "a" right before a "b", so the language is
    # b*a* (non-empty) and every non-empty viable prefix is complete.
    "lookahead": Tiny('start: (A | B)+\nA: /a(?!b)/\nB: "b"\n', "ab", "", 8, 8),
    # Quoted fields with "" escapes; at most '""' completes a prefix.
    "quoted": Tiny('start: Q ("," Q)*\nQ: /"([^"]|"")*"/\n', '",x', "", 7, 5),
    # Overlapping alternatives ("x" "y" or "xy"); one "y" completes a prefix.
    "overlap": Tiny('start: x* "y" x?\nx: "x" | "xy"\n', "xy", "z", 8, 6),
    # Adjacent NAMEs need no separator in a dynamic lexer; a keyword that is
    # also a NAME. At most two characters complete a prefix.
    "keyword": Tiny('start: "if" NAME | NAME NAME\nNAME: /[fi]+/\n%ignore " "\n', "if ", "x", 7, 5),
}


@functools.cache
def tiny_oracle(name: str) -> tuple[frozenset[str], frozenset[str]]:
    """The language up to length n, by asking lark about every string, and
    its viable prefixes."""
    tiny = TINY[name]
    parser = reference_from_text(tiny.grammar)
    language = {
        s
        for k in range(tiny.n + 1)
        for s in map("".join, itertools.product(tiny.alphabet, repeat=k))
        if lark_accepts(parser, s)
    }
    viable = {s[:i] for s in language for i in range(len(s) + 1)}
    return frozenset(language), frozenset(viable)


@functools.cache
def tiny_corral(name: str) -> Any:
    return corral.Grammar.from_lark(TINY[name].grammar, whitespace_limit=None)


@pytest.mark.parametrize("name", list(TINY))
def test_tiny_languages_are_not_trivial(name: str) -> None:
    language, viable = tiny_oracle(name)
    assert len(language) >= 3
    assert language <= viable
    # The enumeration bound is above the test length.
    assert TINY[name].n >= TINY[name].m


def _tiny_inputs(name: str) -> st.SearchStrategy[str]:
    tiny = TINY[name]
    language, _ = tiny_oracle(name)
    chars = tiny.alphabet + tiny.foreign
    return st.one_of(
        st.text(st.sampled_from(chars), max_size=tiny.m),
        st.tuples(
            st.sampled_from(sorted(language, key=lambda s: (len(s), s))),
            st.text(st.sampled_from(chars), max_size=3),
        ).map(lambda t: (t[0] + t[1])[: tiny.m]),
    )


@pytest.mark.parametrize("name", list(TINY))
@settings(SETTINGS, max_examples=120)
@given(data=st.data())
def test_error_position_is_first_non_viable_byte(name: str, data: st.DataObject) -> None:
    language, viable = tiny_oracle(name)
    text = data.draw(_tiny_inputs(name), label="text")
    raw = text.encode()  # ASCII: byte i is character i
    dead = next((k for k in range(len(text)) if text[: k + 1] not in viable), None)
    g = tiny_corral(name)

    m = g.matcher()
    ok = m.consume_bytes(raw)
    if dead is None:
        assert ok, f"corral errors at byte {m.bytes_consumed} of viable {text!r}"
        assert m.bytes_consumed == len(raw)
        assert m.is_accepting() == (text in language)
    else:
        assert not ok, f"corral consumes {text!r}, not viable from byte {dead}"
        assert m.bytes_consumed == dead
        assert m.is_error() and not m.is_accepting()

    # One byte at a time, checking the state before each byte.
    m = g.matcher()
    for i in range(len(raw) + 1):
        prefix = text[:i]
        assert m.is_accepting() == (prefix in language), f"is_accepting() after {prefix!r}"
        forced = m.forced_bytes()
        for s in language:
            if s.startswith(prefix):
                assert s[i:].encode().startswith(forced), f"forced {forced!r} after {prefix!r}"
        if i == len(raw):
            break
        ok = m.consume_bytes(raw[i : i + 1])
        if i == dead:
            assert not ok and m.is_error()
            assert m.bytes_consumed == i
            m.rollback(1)
            assert not m.is_error()
            assert m.bytes_consumed == i
            assert m.is_accepting() == (prefix in language)
            break
        assert ok, f"corral errors at byte {i} of {text!r}; {text[: i + 1]!r} is viable"


# --- the shipped grammars' terminals mean what they say (lark only) ----------


def _lark_token_ends(rx: re.Pattern[str], text: str) -> set[int]:
    """The token lengths lark's dynamic_complete scanner takes at the start of
    text: the regex's first match, and the first match of each shorter prefix
    of it (lark.parsers.xearley, scan)."""
    m = rx.match(text)
    if not m:
        return set()
    s = m.group(0)
    ends = {m.end()}
    for j in range(1, len(s)):
        mj = rx.match(s[:-j])
        if mj:
            ends.add(mj.end())
    return ends


def _regular_token_ends(rx: re.Pattern[str], text: str) -> set[int]:
    """The token lengths of the regular-language reading: every non-empty
    prefix the regex matches in full."""
    return {k for k in range(1, len(text) + 1) if rx.fullmatch(text, 0, k)}


def _plain_terminals() -> list[Any]:
    params = []
    for path in SHIPPED:
        parser = reference(path)
        for t in parser.terminals:
            if not isinstance(t.pattern, PatternRE) or t.name in parser.ignore_tokens:
                continue
            regexp = t.pattern.to_regexp()
            if re.search(r"\(\?<?[=!]", regexp):
                continue  # lookarounds see past the token; the comparison does not apply
            params.append(pytest.param(path, t.name, id=f"{path.stem}-{t.name}"))
    return params


@pytest.mark.parametrize(("path", "terminal"), _plain_terminals())
@settings(SETTINGS, max_examples=40)
@given(data=st.data())
def test_lark_scanner_sees_every_match(path: Path, terminal: str, data: st.DataObject) -> None:
    """lark's scanner only takes the first match of a regex and the first
    matches inside it, so for a regex such as /a|ab/, or one with lazy
    quantifiers, it misses tokens the regex's language has. The shipped
    grammars avoid such regexes, so their language under lark is the one a
    regular-language reading of the terminals (what an automaton computes)
    gives. (%ignore'd terminals are taken by their first match only; for them
    it is a whole-grammar question.)"""
    smp = sampler(path)
    pattern = smp.terminals[terminal].pattern.to_regexp()
    rx = re.compile(pattern)
    token = data.draw(smp.terminal(terminal), label="token")
    tail = data.draw(
        st.one_of(
            st.text(TEXT_CHARS, max_size=4),
            st.sampled_from(sorted(smp.terminals)).flatmap(smp.terminal),
            st.text(st.sampled_from(smp.mutation_chars), max_size=4),
        ),
        label="tail",
    )
    text = token + tail
    assert _lark_token_ends(rx, text) == _regular_token_ends(rx, text)


# --- sql.lark: lark, and SQLite where lark's look-ahead reading differs --------

SQL_PATH = GRAMMARS_DIR / "sql.lark"


@pytest.mark.skipif(not SQL_PATH.exists(), reason="no grammars/sql.lark")
@settings(SETTINGS, max_examples=40)
@given(data=st.data())
def test_sql_agrees_with_lark_or_with_sqlite(data: st.DataObject) -> None:
    """corral agrees with lark on sql.lark, except where lark's scanner reads
    IDENT's look-ahead differently (see SHIPPED_EXCLUDED); there, SQLite's own
    parser must side with corral."""
    import sys

    sys.path.insert(0, str(GRAMMARS_DIR.parent / "tools"))
    from build_sql_corpus import sqlite_accepts

    g = corral.Grammar.from_file(SQL_PATH, whitespace_limit=None)
    raw = data.draw(sampler(SQL_PATH).near(), label="bytes")
    m = g.matcher()
    accepted = bool(m.consume_bytes(raw) and m.is_accepting())
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        assert not accepted
        return
    if accepted == lark_accepts(reference(SQL_PATH), text):
        return
    # SQLite's Python API cannot take NUL characters: no third opinion then.
    assume("\x00" not in text)
    assert sqlite_accepts(text)[0] == accepted, (
        f"corral {'accepts' if accepted else 'rejects'} {text!r}; lark and SQLite disagree"
    )
