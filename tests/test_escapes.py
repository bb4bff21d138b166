"""Strings under the generate profile: each in its one conventional spelling
(as `json.dumps(s, ensure_ascii=False)` writes it), every other spelling
refused; under the validate profile every spelling JSON allows. The references
are Python's `json.dumps` and `json.loads`."""

from __future__ import annotations

import json
import random
from typing import Any

import corral
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

SHORT = {'"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n"}
SHORT.update({"\r": "\\r", "\t": "\\t"})


def spellings(c: str) -> list[str]:
    """Every JSON spelling of one character."""
    out = []
    if c >= " " and c not in '"\\':
        out.append(c)
    if c in SHORT:
        out.append(SHORT[c])
    units = c.encode("utf-16-be")
    for case in (str.lower, str.upper):
        out.append("".join("\\u" + case(units[i : i + 2].hex()) for i in range(0, len(units), 2)))
    return list(dict.fromkeys(out))


def respell(s: str, rng: random.Random) -> str:
    """`s` (decoded) as JSON text, each character in a random spelling."""
    return '"' + "".join(rng.choice(spellings(c)) for c in s) + '"'


def accepts(g: corral.Grammar, text: str) -> bool:
    m = g.matcher()
    return bool(m.consume_bytes(text.encode())) and bool(m.is_accepting())


TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from('"\\/\b\f\n\r\t\x00\x1f\x7f\u2028aZ é€'),
        st.characters(codec="utf-8"),
    ),
    max_size=8,
)

# Each a schema whose strings take any text: a plain string, a counted one,
# a pattern, and names of an object with extra keys allowed.
SCHEMAS: list[Any] = [
    {"type": "string"},
    {"type": "string", "maxLength": 40},
    {"type": "string", "pattern": "^(?:a|[^a])*$"},
]


@pytest.mark.parametrize("schema", SCHEMAS, ids=["plain", "counted", "pattern"])
@settings(max_examples=60, deadline=None)
@given(s=TEXT, seed=st.integers(0, 2**32))
def test_one_spelling_under_generate_every_spelling_under_validate(
    schema: Any, s: str, seed: int
) -> None:
    gen = corral.Grammar.from_json_schema(schema, profile="generate")
    val = corral.Grammar.from_json_schema(schema)
    canonical = json.dumps(s, ensure_ascii=False)
    assert accepts(gen, canonical), canonical
    assert accepts(val, canonical), canonical
    other = respell(s, random.Random(seed))
    assert json.loads(other) == s
    assert accepts(val, other), other
    assert accepts(gen, other) == (other == canonical), other


@settings(max_examples=40, deadline=None)
@given(words=st.lists(TEXT, min_size=1, max_size=4, unique=True), seed=st.integers(0, 2**32))
def test_names_and_constants_take_their_one_spelling(words: list[str], seed: int) -> None:
    schema = {
        "type": "object",
        "properties": {w: {"enum": words} for w in words},
        "additionalProperties": False,
    }
    gen = corral.Grammar.from_json_schema(schema, profile="generate", whitespace="compact")
    rng = random.Random(seed)
    k, v = rng.choice(words), rng.choice(words)
    canonical = json.dumps({k: v}, ensure_ascii=False, separators=(",", ":"))
    assert accepts(gen, canonical), canonical
    other = "{" + respell(k, rng) + ":" + respell(v, rng) + "}"
    assert json.loads(other) == {k: v}
    assert accepts(gen, other) == (other == canonical), other


def literals(text: str) -> list[str]:
    """The string literals (quotes included) of JSON text."""
    out, i = [], 0
    while i < len(text):
        if text[i] != '"':
            i += 1
            continue
        j = i + 1
        while text[j] != '"':
            j += 2 if text[j] == "\\" else 1
        out.append(text[i : j + 1])
        i = j + 1
    return out


def test_sampled_documents_spell_every_string_as_json_dumps() -> None:
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "code": {"type": "string", "pattern": "^[A-Z/\\\\]+$"},
            "date": {"type": "string", "format": "date"},
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 6}},
            "kind": {"enum": ["a/b", 'q"x', "é\n"]},
            "extra": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        "required": ["name", "code", "tags", "kind", "extra"],
    }
    g = corral.Grammar.from_json_schema(schema, profile="generate")
    docs = g.sample(40, seed=7)
    assert len(docs) == 40
    seen = 0
    for d in docs:
        json.loads(d)
        for lit in literals(d):
            seen += 1
            assert lit == json.dumps(json.loads(lit), ensure_ascii=False), (lit, d)
    assert seen > 40 * 5


def test_escapes_override_the_profile() -> None:
    s = {"type": "string"}
    assert accepts(corral.Grammar.from_json_schema(s, profile="generate", escapes="any"), '"\\/"')
    assert not accepts(corral.Grammar.from_json_schema(s, escapes="minimal"), '"\\/"')
    assert accepts(corral.Grammar.from_json_schema(s, escapes="minimal"), '"/"')
    with pytest.raises(ValueError, match="escapes must be"):
        corral.Grammar.from_json_schema(s, escapes="ascii")
    with pytest.raises(ValueError, match="ascii_escapes applies"):
        corral.Grammar.from_json_schema(s, escapes="minimal", ascii_escapes=True)
    # ascii_escapes alone under the generate profile: any spelling.
    g = corral.Grammar.from_json_schema({"enum": ["ab"]}, profile="generate", ascii_escapes=True)
    assert accepts(g, '"\\u0061b"')
