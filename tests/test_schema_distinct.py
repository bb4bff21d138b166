"""Checks no grammar rule makes, which the matcher makes on the JSON it reads:
object keys in any order by default, each key at most once; array items
distinct under ``uniqueItems``, whatever the items; ``oneOf`` branches over
objects and arrays that may overlap, and excluded object or array values,
checked where the value closes.

JSON Schema does not order keys, and a JSON reader keeps one of two equal
keys (``{"a": 1, "\\u0061": 2}`` is one property). The reference for a text is
therefore: no key twice in one object (decoded, as ``json.loads`` with a pairs
hook sees them), then ``jsonschema`` on the value. Masks are checked against
``try_consume`` token by token on real tokenizers.
"""

from __future__ import annotations

import functools
import itertools
import json
from typing import Any

import corral
import jsonschema
import numpy as np
import pytest
from conftest import FAST_TOKENIZERS, corral_vocab
from hypothesis import given, settings
from hypothesis import strategies as st
from test_mask_properties import canonical_tokenizer


def accepts(g: corral.Grammar, text: str) -> bool:
    m = g.matcher()
    return bool(m.consume_bytes(text.encode())) and bool(m.is_accepting())


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"a key twice: {keys}")
    return dict(pairs)


def reference(schema: dict[str, Any], text: str) -> bool:
    try:
        value = json.loads(text, object_pairs_hook=_pairs)
    except ValueError:
        return False
    return bool(jsonschema.Draft202012Validator(schema).is_valid(value))


SCHEMAS: list[dict[str, Any]] = [
    {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "string"}, "c": {}},
        "required": ["a", "b"],
    },
    {
        "type": "object",
        "properties": {"a": {}, "b": {}, "c": {}, "d": {}},
        "required": ["a", "b", "c", "d"],
        "additionalProperties": False,
    },
    {"type": "object", "minProperties": 2, "maxProperties": 3},
    {
        "type": "object",
        "properties": {"a": {"type": "integer"}},
        "patternProperties": {"^x": {"type": "integer"}},
        "additionalProperties": {"type": "string"},
        "required": ["a"],
        "minProperties": 3,
    },
    {
        "type": "object",
        "properties": {"n": {"type": "object", "required": ["a"], "maxProperties": 2}},
        "required": ["n"],
    },
]


@pytest.mark.parametrize("schema", SCHEMAS, ids=range(len(SCHEMAS)))
def test_every_order_of_a_valid_object_is_accepted(schema: dict[str, Any]) -> None:
    g = corral.Grammar.from_json_schema(schema)
    values: dict[str, Any] = {"a": 1, "b": "s", "c": None, "d": [], "x1": 2, "z": "t"}
    values["n"] = {"a": 1, "z": 2}
    names = list(values)
    seen = 0
    for n in range(1, 5):
        for keys in itertools.permutations(names, n):
            text = json.dumps({k: values[k] for k in keys})
            assert accepts(g, text) == reference(schema, text), (schema, text)
            seen += reference(schema, text)
    assert seen > 0, schema


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "b": "s", "a": 2}',
        '{"a": 1, "\\u0061": 2, "b": "s"}',
        '{"b": "s", "a": 1, "c": 1, "c": 2}',
        '{"b": "s", "a": 1, "z": 1, "\\u007a": 2}',
        '{"b": "s", "a": 1, "\\u00e9": 1, "é": 2}',
        '{"b": "s", "a": 1, "\\ud83d\\ude00": 1, "😀": 2}',
    ],
)
def test_a_key_twice_is_refused_however_it_is_spelled(text: str) -> None:
    g = corral.Grammar.from_json_schema(SCHEMAS[0], ascii_escapes=True)
    assert not accepts(g, text)
    assert not reference(SCHEMAS[0], text)
    # Distinct keys in nested objects may repeat the outer ones.
    assert accepts(g, '{"a": 1, "b": "s", "c": {"a": 1, "b": {"a": 2}}}')


def test_the_schema_order_is_kept_on_request() -> None:
    schema = SCHEMAS[1]
    g = corral.Grammar.from_json_schema(schema, property_order="schema")
    assert accepts(g, '{"a": 1, "b": 2, "c": 3, "d": 4}')
    assert not accepts(g, '{"b": 1, "a": 2, "c": 3, "d": 4}')
    assert not accepts(g, '{"a": 1, "a": 2, "c": 3, "d": 4}')


KEYS = ["a", "b", "c", "x1", "z"]
# Each key raw and with its first character escaped.
SPELLINGS = {k: [f'"{k}"', f'"\\u{ord(k[0]):04x}{k[1:]}"'] for k in KEYS}


@st.composite
def object_texts(draw: st.DrawFn) -> str:
    n = draw(st.integers(0, 5))
    parts = []
    for _ in range(n):
        k = draw(st.sampled_from(KEYS))
        spelled = draw(st.sampled_from(SPELLINGS[k]))
        v = draw(st.sampled_from(["1", '"s"', "null", "[]", '{"a": 1}']))
        parts.append(f"{spelled}: {v}")
    return "{" + ", ".join(parts) + "}"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(range(len(SCHEMAS))), object_texts())
def test_objects_agree_with_the_reference(i: int, text: str) -> None:
    schema = SCHEMAS[i]
    g = corral.Grammar.from_json_schema(schema, ascii_escapes=True)
    assert accepts(g, text) == reference(schema, text), (schema, text)


def test_samples_have_every_required_key_once() -> None:
    keys = [f"k{i}" for i in range(9)]
    schema = {
        "type": "object",
        "properties": {k: {"type": "integer"} for k in keys},
        "required": keys,
        "additionalProperties": False,
    }
    g = corral.Grammar.from_json_schema(schema)
    samples = g.sample(5, seed=1)
    assert len(samples) == 5
    for s in samples:
        assert reference(schema, s), s


def mask(m: corral.Matcher, vocab: corral.Vocabulary) -> Any:
    bm = np.full((1, vocab.mask_words), -1, dtype=np.int32)
    m.fill_mask(bm)
    bits = np.unpackbits(bm[0].view(np.uint8), bitorder="little").astype(bool)
    return bits[: vocab.vocab_size]


def check_exact(m: corral.Matcher, vocab: corral.Vocabulary) -> Any:
    got = mask(m, vocab)
    want = np.fromiter(map(m.try_consume, range(vocab.vocab_size)), dtype=bool)
    diff = np.flatnonzero(got != want)
    assert diff.size == 0, [(vocab.token_bytes(int(i)), bool(got[i])) for i in diff[:5]]
    return got


def token_ids(tname: str, text: str) -> list[int]:
    """The tokenizer's own ids for `text`, which must stand for its bytes."""
    out = list(canonical_tokenizer(tname).encode(text, add_special_tokens=False).ids)
    assert corral_vocab(tname).decode_bytes(out) == text.encode()
    return out


def check_along(cg: corral.CompiledGrammar, vocab: corral.Vocabulary, path: list[int]) -> None:
    """Every mask along `path` equals the brute-force answer; the path is
    accepted."""
    m = cg.matcher()
    for t in path:
        check_exact(m, vocab)
        assert m.consume(t), t
    assert m.is_accepting()


@pytest.mark.parametrize("tname", sorted(FAST_TOKENIZERS))
def test_masks_refuse_a_repeated_key(tname: str) -> None:
    """Along a text whose keys recur (nested, and as prefixes in the outer
    object), each mask equals the brute-force answer of try_consume; where a
    key is open after a key it could repeat, the tokens that would close the
    repeat are out and the others are in."""
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "tags": {"type": "object"}},
        "required": ["name"],
    }
    vocab = corral_vocab(tname)
    cg = corral.compile(corral.Grammar.from_json_schema(schema), vocab)
    ids = functools.partial(token_ids, tname)

    text = '{"name": "x", "tags": {"name": "y", "n": 1}, "nam": 2, "na": 3}'
    check_along(cg, vocab, ids(text))
    m = cg.matcher()
    assert m.consume_tokens(ids('{"name": "x", "')) == len(ids('{"name": "x", "'))
    got = check_exact(m, vocab)
    closing = vocab.tokens_with_prefix(b'name"')
    assert not any(got[t] for t in closing), tname
    words = [t for t in vocab.tokens_with_prefix(b"nam") if (vocab.token_bytes(t) or b"").isalnum()]
    assert words and all(got[t] for t in words), tname


UNIQUE: list[dict[str, Any]] = [
    {"type": "array", "uniqueItems": True},
    {"type": "array", "items": {"type": "number"}, "uniqueItems": True, "maxItems": 4},
    {"type": "array", "items": {"type": "object"}, "uniqueItems": True},
    {
        "anyOf": [
            {"type": "array", "items": {"type": "number"}, "uniqueItems": True},
            {"type": "array", "items": {"type": "string"}},
        ]
    },
    {"type": "array", "items": {"type": "array", "uniqueItems": False}, "uniqueItems": True},
    {"type": "object", "properties": {"a": {"type": "array", "uniqueItems": True}}},
]

# Values, several spellings of one value among them.
ITEMS = [
    "1",
    "1.0",
    "10e-1",
    "2",
    "-0",
    "0",
    '"a"',
    '"\\u0061"',
    '"a,]"',
    "null",
    "true",
    '{"a": 1, "b": 2}',
    '{"b": 2.0, "a": 1}',
    "[1, 2]",
    "[2, 1]",
    "[1.0, 2]",
    "[]",
    "{}",
]


@st.composite
def array_texts(draw: st.DrawFn) -> str:
    items = draw(st.lists(st.sampled_from(ITEMS), max_size=5))
    text = "[" + ", ".join(items) + "]"
    return '{"a": ' + text + "}" if draw(st.booleans()) else text


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(range(len(UNIQUE))), array_texts())
def test_unique_items_agree_with_the_reference(i: int, text: str) -> None:
    schema = UNIQUE[i]
    g = corral.Grammar.from_json_schema(schema, ascii_escapes=True)
    assert accepts(g, text) == reference(schema, text), (schema, text)


def test_unique_items_compile_strictly() -> None:
    for schema in UNIQUE:
        g = corral.Grammar.from_json_schema(schema)
        assert g.approximations == []
    # Every sample is valid.
    g = corral.Grammar.from_json_schema(UNIQUE[1])
    for s in g.sample(10, seed=2):
        assert reference(UNIQUE[1], s), s


@pytest.mark.parametrize("tname", sorted(FAST_TOKENIZERS))
def test_masks_refuse_a_repeated_item(tname: str) -> None:
    """Along an array whose items could repeat, each mask equals the
    brute-force answer; after ``[1, 2, `` the tokens that close ``1`` or
    ``2`` as an item are out, and those that go on (``12``) are in."""
    schema = {"type": "array", "items": {"type": ["number", "string"]}, "uniqueItems": True}
    vocab = corral_vocab(tname)
    cg = corral.compile(corral.Grammar.from_json_schema(schema), vocab)
    ids = functools.partial(token_ids, tname)

    check_along(cg, vocab, ids('[1, 2, "a", 12, "a,b", 1.5]'))
    m = cg.matcher()
    prefix = ids("[1, 2, ")
    assert m.consume_tokens(prefix) == len(prefix)
    got = check_exact(m, vocab)
    closing = [t for t in vocab.tokens_with_prefix(b"1") if vocab.token_bytes(t) in (b"1,", b"1]")]
    assert not any(got[t] for t in closing), tname
    ones = [t for t in vocab.tokens_with_prefix(b"1") if vocab.token_bytes(t) in (b"1", b"12")]
    assert ones and all(got[t] for t in ones), tname


CHECKED: list[dict[str, Any]] = [
    {
        "oneOf": [
            {"type": "object", "additionalProperties": {"type": "integer"}},
            {"type": "object", "additionalProperties": {"type": "string"}},
        ]
    },
    {"oneOf": [{"type": "object", "required": ["a"]}, {"type": "object", "required": ["b"]}]},
    {
        "type": "array",
        "oneOf": [{"items": {"type": "integer"}}, {"items": {"type": "string"}}, {"maxItems": 1}],
    },
    {
        "type": "array",
        "items": {
            "oneOf": [
                {"type": "object", "properties": {"a": {"type": "integer"}}},
                {"type": "object", "properties": {"b": {"type": "integer"}}},
                {"type": "string"},
            ]
        },
    },
    {"not": {"enum": [{"a": 1}, [1, "a"], {}]}},
    {"type": "object", "properties": {"v": {"not": {"const": [[1], {"a": 1}]}}}},
]

VALUES = ["1", '"a"', "1.0", "[]", "{}", '{"a": 1}', '{"a": 1.0}', '{"b": 2}', '[1, "a"]', "[1]"]


@st.composite
def checked_texts(draw: st.DrawFn) -> str:
    def value(depth: int) -> str:
        kind = draw(st.integers(0, 3 if depth < 2 else 0))
        if kind == 0:
            return draw(st.sampled_from(VALUES))
        if kind == 1:
            return "[" + ", ".join(value(depth + 1) for _ in range(draw(st.integers(0, 3)))) + "]"
        keys = draw(st.lists(st.sampled_from(["a", "b", "v"]), max_size=3, unique=True))
        return "{" + ", ".join(f'"{k}": {value(depth + 1)}' for k in keys) + "}"

    return value(0)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(range(len(CHECKED))), checked_texts())
def test_checked_values_agree_with_the_reference(i: int, text: str) -> None:
    schema = CHECKED[i]
    g = corral.Grammar.from_json_schema(schema)
    assert g.approximations == []
    assert accepts(g, text) == reference(schema, text), (schema, text)


@pytest.mark.parametrize("tname", sorted(FAST_TOKENIZERS))
def test_masks_check_values_where_they_close(tname: str) -> None:
    """Each mask along texts that close checked objects and arrays equals
    the brute-force answer; where ``{`` is open under a oneOf whose branches
    both hold for ``{}``, no token closes it."""
    vocab = corral_vocab(tname)
    ids = functools.partial(token_ids, tname)

    for schema, text in [
        (CHECKED[0], '{"a": 1, "c": 2}'),
        (CHECKED[1], '{"a": 1, "c": {"b": 2}}'),
        (CHECKED[3], '[{"a": "s"}, "x", {"b": [1]}]'),
        (CHECKED[5], '{"v": [[1], {"a": 2}]}'),
    ]:
        assert reference(schema, text)
        cg = corral.compile(corral.Grammar.from_json_schema(schema), vocab)
        check_along(cg, vocab, ids(text))
    # `{}` is in both branches: after `{`, no token closes the object.
    cg = corral.compile(corral.Grammar.from_json_schema(CHECKED[0]), vocab)
    m = cg.matcher()
    prefix = ids("{")
    assert m.consume_tokens(prefix) == len(prefix)
    got = check_exact(m, vocab)
    assert not any(got[t] for t in vocab.tokens_with_prefix(b"}"))
    assert any(got[t] for t in vocab.tokens_with_prefix(b'"'))


@pytest.mark.parametrize("tname", sorted(FAST_TOKENIZERS))
def test_masks_leave_no_dead_end_in_keys(tname: str) -> None:
    """With no other keys allowed, a key that can only become one the
    object has is out of the mask where it starts, and a full object takes
    no more entries; each mask equals the brute-force answer."""
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "nickname": {"type": "string"}},
        "additionalProperties": False,
    }
    vocab = corral_vocab(tname)
    cg = corral.compile(corral.Grammar.from_json_schema(schema), vocab)
    ids = functools.partial(token_ids, tname)

    check_along(cg, vocab, ids('{"name": "x", "nickname": "y"}'))
    m = cg.matcher()
    prefix = ids('{"name": "x", "')
    assert m.consume_tokens(prefix) == len(prefix)
    got = check_exact(m, vocab)
    assert not any(got[t] for t in vocab.tokens_with_prefix(b"name"))
    assert any(got[t] for t in vocab.tokens_with_prefix(b"n"))
    # Keys that start apart: going on along a present one is still a dead end.
    cg2 = corral.compile(
        corral.Grammar.from_json_schema(
            {
                "type": "object",
                "properties": {"tags": {"type": "array"}, "name": {}},
                "additionalProperties": False,
            }
        ),
        vocab,
    )
    m = cg2.matcher()
    prefix = ids('{"tags": [], "')
    assert m.consume_tokens(prefix) == len(prefix)
    got = check_exact(m, vocab)
    assert not any(got[t] for t in vocab.tokens_with_prefix(b"tag"))
    m = cg.matcher()
    full = ids('{"name": "x", "nickname": "y"')
    assert m.consume_tokens(full) == len(full)
    got = check_exact(m, vocab)
    assert not any(got[t] for t in vocab.tokens_with_prefix(b","))


LAYOUTS = ["json", "compact", "flexible", "indent:2"]

ITEM_KINDS: dict[str, tuple[dict[str, Any], Any, Any]] = {
    "object": (
        {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
        {"a": 1},
        {"a": 2},
    ),
    "string": ({"type": "string"}, "ab", "abc"),
    "array": ({"type": "array", "items": {"type": "integer"}}, [1, 2], [1, 2, 3]),
}


def _dumps(value: Any, whitespace: str) -> str:
    indent = 2 if whitespace == "indent:2" else None
    seps = (",", ":") if whitespace == "compact" else None
    return json.dumps(value, indent=indent, separators=seps)


@pytest.mark.parametrize("whitespace", LAYOUTS)
@pytest.mark.parametrize("kind", sorted(ITEM_KINDS))
def test_a_repeated_item_is_refused_where_it_completes(whitespace: str, kind: str) -> None:
    """An item that ends by itself (a string's quote, a container's
    bracket) and equals an earlier one can only be followed by `,` or `]`,
    which a distinct array refuses: its last byte is refused, not the byte
    after it (a dead end a sampler could not leave). An array whose items
    need not be distinct takes it."""
    items, value, other = ITEM_KINDS[kind]
    text = _dumps([value, value], whitespace)
    # The second item's last byte: the last `"`, `}` or `]` before the array's `]`.
    end = max(text.rfind(c, 0, text.rstrip().rfind("]")) for c in '"}]') + 1
    for unique in (True, False):
        schema = {"type": "array", "items": items, "uniqueItems": unique}
        g = corral.Grammar.from_json_schema(schema, profile="generate", whitespace=whitespace)
        m = g.matcher()
        assert m.consume_bytes(text[: end - 1].encode())
        assert m.consume_bytes(text[end - 1 : end].encode()) is not unique, (unique, text[:end])
        m = g.matcher()
        ok = _dumps([value, other], whitespace)
        assert m.consume_bytes(ok.encode()) and m.is_accepting(), ok
        # Validation takes the same view.
        v = corral.Grammar.from_json_schema(schema)
        assert accepts(v, text) is not unique


@pytest.mark.parametrize("tname", sorted(FAST_TOKENIZERS))
def test_masks_refuse_a_repeated_item_where_it_completes(tname: str) -> None:
    """Along arrays of strings and of objects whose items could repeat, each
    mask equals the brute-force answer; after ``["ab", "ab`` the tokens
    that close the string (``"``, ``",``, ``"]``) are out and those that go
    on are in."""
    vocab = corral_vocab(tname)
    ids = functools.partial(token_ids, tname)
    strings = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
    cg = corral.compile(corral.Grammar.from_json_schema(strings), vocab)
    check_along(cg, vocab, ids('["ab", "abc", "a", "b"]'))
    m = cg.matcher()
    prefix = ids('["ab", "ab')
    assert m.consume_tokens(prefix) == len(prefix)
    got = check_exact(m, vocab)
    closing = [t for t in vocab.tokens_with_prefix(b'"') if vocab.token_bytes(t) in (b'"', b'",')]
    assert closing and not any(got[t] for t in closing), tname
    assert any(got[t] for t in vocab.tokens_with_prefix(b"c"))
    objects = {
        "type": "array",
        "items": {"type": "object", "properties": {"a": {"type": "integer"}}},
        "uniqueItems": True,
    }
    cg = corral.compile(corral.Grammar.from_json_schema(objects), vocab)
    check_along(cg, vocab, ids('[{"a": 1}, {"a": 12}, {}]'))
    m = cg.matcher()
    prefix = ids('[{"a": 1}, {"a": 1')
    assert m.consume_tokens(prefix) == len(prefix)
    got = check_exact(m, vocab)
    assert not any(got[t] for t in vocab.tokens_with_prefix(b"}"))


@pytest.mark.parametrize("whitespace", LAYOUTS)
def test_a_separator_after_a_repeated_item_is_refused_at_its_comma(whitespace: str) -> None:
    """The check of a distinct array comes with the `,` itself, not with the
    whitespace a separator puts after it: a token ending at the comma must
    not lead into a state with no way on. (An item that ends by itself is
    refused earlier, at its last byte: here the items are numbers.)"""
    schema = {"type": "array", "items": {"type": "integer"}, "uniqueItems": True}
    g = corral.Grammar.from_json_schema(schema, profile="generate", whitespace=whitespace)
    text = _dumps([1, 1, 3], whitespace)
    second = text.index("1", text.index("1") + 1) + 1
    m = g.matcher()
    assert m.consume_bytes(text[:second].encode())
    assert not m.consume_bytes(b",")
    ok = _dumps([1, 2], whitespace)
    m = g.matcher()
    assert m.consume_bytes(ok.encode()) and m.is_accepting()


@pytest.mark.parametrize("tname", sorted(FAST_TOKENIZERS))
def test_random_walks_in_distinct_arrays_never_dead_end(tname: str) -> None:
    """Walks that pick allowed tokens at random, leaning to the tokens that
    would repeat an item (a quote, a closing bracket, an item's text seen
    before), never reach a state where no token is allowed before the text
    is complete, where an item can always go on until it ends by itself.
    (Not yet where the grammar forces the rest of an item that repeats: an
    enum's closing quote, an object with no optional key left; see
    docs/json.md.)"""
    vocab = corral_vocab(tname)
    rng = np.random.default_rng(0)
    schemas = [
        {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        {
            "type": "array",
            "items": {"type": "object", "properties": {"k": {"type": "integer"}}},
            "uniqueItems": True,
        },
        {
            "type": "array",
            "items": {"type": "array", "items": {"type": "integer"}},
            "uniqueItems": True,
        },
    ]
    for schema in schemas:
        for profile in ("generate", "validate"):
            cg = corral.compile(corral.Grammar.from_json_schema(schema, profile=profile), vocab)
            for _ in range(4):
                m = cg.matcher()
                for _ in range(40):
                    if m.is_accepting() and rng.random() < 0.1:
                        break
                    allowed = np.flatnonzero(mask(m, vocab))
                    allowed = allowed[allowed < vocab.vocab_size]
                    assert allowed.size, (schema, profile, m.output())
                    lean = [
                        t for t in allowed if (vocab.token_bytes(int(t)) or b"")[:1] in b'"}]a1'
                    ]
                    pool = lean if lean and rng.random() < 0.7 else allowed
                    t = int(rng.choice(pool))
                    if t in vocab.eos_token_ids:
                        break
                    assert m.consume(t)


def test_a_refused_repeat_says_why() -> None:
    """A key or an item refused as a repeat says so, not which terminals
    (internal names) were expected; other refusals list what was."""
    unique = {"type": "array", "items": {"type": ["integer", "string"]}, "uniqueItems": True}
    for text in ('["a", "a"', "[1, 1,", "[1, 1]"):
        m = corral.Grammar.from_json_schema(unique).matcher()
        assert not m.consume_bytes(text.encode())
        err = m.error() or ""
        assert "equal to an earlier one" in err and "uniqueItems" in err, err
        assert "DISTINCT" not in err, err
    m = corral.Grammar.from_json_schema({"type": "object"}).matcher()
    assert not m.consume_bytes(b'{"a": 1, "a"')
    assert "a key its object already has" in (m.error() or "")
    # Refused for another reason (no third item), though it repeats too.
    bounded = {**unique, "maxItems": 2}
    m = corral.Grammar.from_json_schema(bounded).matcher()
    assert not m.consume_bytes(b"[1, 1,")
    assert "expected one of" in (m.error() or "")
