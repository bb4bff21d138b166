"""JSON Schema, Pydantic and `%json`: corral's grammars against the `jsonschema` package.

Languages are checked on texts (a byte matcher accepts the text, or not) and against
``jsonschema`` as the reference: random strings sampled from each grammar must validate,
valid instances of the JSONSchemaBench dev sample must be accepted, invalid ones rejected.
Masks over schema grammars are compared with brute force (``try_consume`` on every token).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import corral
import jsonschema
import numpy as np
import pytest
from conftest import corral_vocab, hf_tokenizer

DEV = Path(__file__).resolve().parent / "data" / "jsonschemabench-dev"


def accepts(g: corral.Grammar, text: str | bytes) -> bool:
    m = g.matcher()
    data = text.encode() if isinstance(text, str) else text
    return m.consume_bytes(data) and m.is_accepting()


def lang(schema: Any, **opts: Any) -> corral.Grammar:
    return corral.Grammar.from_json_schema(schema, **opts)


# --- keywords ---------------------------------------------------------------------------


CASES: list[tuple[Any, list[Any], list[Any]]] = [
    ({"type": "integer"}, [0, -7, 12345678901234567890], [1.5, "1", None]),
    ({"type": ["string", "null"]}, ["a", None], [1, True]),
    ({"enum": ["a", 1, None, [1, {"x": 2}]]}, ["a", 1, None, [1, {"x": 2}]], ["b", 2, [1]]),
    ({"const": {"a": 1, "b": [True]}}, [{"a": 1, "b": [True]}, {"b": [True], "a": 1}], [{"a": 1}]),
    ({"type": "string", "minLength": 2, "maxLength": 3}, ["ab", "abc", "é😀"], ["a", "abcd"]),
    ({"type": "string", "pattern": "^[a-z]+-[0-9]{2}$"}, ["ab-12"], ["ab-1", "Ab-12", "ab-123"]),
    ({"type": "string", "pattern": "b+"}, ["abba", "b"], ["aaa", ""]),
    ({"type": "string", "format": "date"}, ["2024-02-29"], ["2023-02-29", "2024-13-01"]),
    ({"type": "string", "format": "uuid"}, ["123e4567-e89b-12d3-a456-426614174000"], ["123"]),
    ({"type": "string", "format": "ipv4"}, ["10.0.0.255"], ["256.0.0.1"]),
    (
        {"type": "number", "minimum": -1.5, "exclusiveMaximum": 10},
        [-1.5, 0, 9.999],
        [-1.51, 10, 10.5],
    ),
    ({"type": "integer", "minimum": 10, "maximum": 20}, [10, 15, 20], [9, 21, 100]),
    ({"type": "integer", "multipleOf": 7}, [0, 14, -21], [1, 15]),
    ({"type": "number", "multipleOf": 0.25}, [0.5, 1.75, 3], [0.3, 1.1]),
    (
        {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
        [{"a": 1}, {"a": 1, "extra": "ok"}],
        [{}, {"a": "x"}, {"extra": 1}],
    ),
    (
        {"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": False},
        [{}, {"a": 2}],
        [{"b": 1}, {"a": 2, "b": 1}],
    ),
    (
        {
            "type": "object",
            "patternProperties": {"^x-": {"type": "integer"}},
            "additionalProperties": {"type": "string"},
        },
        [{"x-a": 1, "y": "s"}, {}],
        [{"x-a": "s"}, {"y": 1}],
    ),
    (
        {
            "type": "object",
            "propertyNames": {"maxLength": 2},
            "minProperties": 1,
            "maxProperties": 2,
        },
        [{"ab": 1}, {"a": 1, "b": 2}],
        [{}, {"abc": 1}, {"a": 1, "b": 2, "c": 3}],
    ),
    (
        {"type": "object", "dependentRequired": {"a": ["b"]}},
        [{}, {"b": 1}, {"a": 1, "b": 2}],
        [{"a": 1}],
    ),
    (
        {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}], "items": False},
        [[], [1], [1, "a"]],
        [["a"], [1, "a", 3]],
    ),
    (
        {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 3},
        [[1, 2], [1, 2, 3]],
        [[1], [1, 2, 3, 4], [1, "a"]],
    ),
    (
        {"type": "array", "contains": {"type": "string"}, "minContains": 2, "maxContains": 3},
        [["a", "b"], [1, "a", "b", "c"]],
        [["a"], [1, 2], ["a", "b", "c", "d"]],
    ),
    (
        {"type": "array", "items": {"enum": ["x", "y", "z"]}, "uniqueItems": True},
        [[], ["x", "z"]],
        [["x", "x"]],
    ),
    ({"anyOf": [{"type": "integer"}, {"type": "string", "maxLength": 1}]}, [1, "a"], ["ab", None]),
    ({"oneOf": [{"type": "integer"}, {"minimum": 2}]}, [1, 2.5, "x"], [3, 4.0]),
    ({"allOf": [{"minimum": 0}, {"maximum": 5}], "type": "number"}, [0, 5], [-1, 6]),
    ({"not": {"type": "string"}}, [1, None, [1]], ["a"]),
    ({"type": "string", "not": {"enum": ["a", "b"]}}, ["c", ""], ["a", "b"]),
    (
        {
            "if": {"properties": {"k": {"const": 1}}},
            "then": {"required": ["x"]},
            "else": {"required": ["y"]},
            "type": "object",
        },
        [{"k": 1, "x": 0}, {"k": 2, "y": 0}, {"x": 0}],
        [{"k": 1}, {"k": 2, "x": 0}, {"y": 0}],
    ),
    (
        {
            "$defs": {
                "node": {
                    "type": "object",
                    "properties": {
                        "v": {"type": "integer"},
                        "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                    },
                    "required": ["v"],
                    "additionalProperties": False,
                }
            },
            "$ref": "#/$defs/node",
        },
        [{"v": 1}, {"v": 1, "kids": [{"v": 2, "kids": [{"v": 3}]}]}],
        [{"v": 1, "kids": [{}]}, {"kids": []}],
    ),
    # unevaluated* in one branch of an intersection sees only its own branch's evaluations.
    (
        {"allOf": [{"properties": {"a": {"type": "integer"}}}, {"unevaluatedProperties": False}]},
        [{}],
        [{"a": 1}, {"b": 1}],
    ),
    (
        {
            "allOf": [
                {"properties": {"a": {"type": "integer"}}, "unevaluatedProperties": False},
                {"properties": {"b": True}},
            ]
        },
        [{}, {"a": 1}],
        [{"b": 1}, {"a": "x"}, {"a": 1, "b": 2}],
    ),
    (
        {
            "allOf": [
                {"prefixItems": [{"type": "integer"}], "unevaluatedItems": False},
                {"prefixItems": [True, True]},
            ]
        },
        [[], [1]],
        [[1, 2], ["x"], [1, 2, 3]],
    ),
    (
        {
            "properties": {"a": True},
            "allOf": [{"properties": {"b": True}, "unevaluatedProperties": {"type": "string"}}],
        },
        [{}, {"b": 1}, {"c": "s"}],
        [{"c": 1}, {"a": 1}, {"a": 1, "c": "s"}],
    ),
]


@pytest.mark.parametrize(
    ("schema", "good", "bad"), CASES, ids=[json.dumps(c[0])[:60] for c in CASES]
)
def test_keywords_agree_with_jsonschema(schema: Any, good: list[Any], bad: list[Any]) -> None:
    try:  # any key order where that compiles: the cases list keys freely
        g = lang(schema, property_order="any")
    except corral.NotSupportedError:
        g = lang(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    for v in good:
        assert validator.is_valid(v), v  # the case itself is right
        assert accepts(g, json.dumps(v, ensure_ascii=False)), v
    for v in bad:
        assert not validator.is_valid(v), v
        assert not accepts(g, json.dumps(v, ensure_ascii=False)), v


def test_strings_accept_every_json_encoding() -> None:
    g = lang({"type": "string", "pattern": '^é/"$', "maxLength": 3})
    for text in ['"é/\\""', '"\\u00e9\\/\\u0022"', '"\\u00E9/\\""']:
        assert accepts(g, text), text
    assert not accepts(g, '"é/""')


def test_long_length_bounds_compile_to_a_counter() -> None:
    g = lang({"type": "string", "maxLength": 100000})
    assert accepts(g, json.dumps("x" * 100000))
    assert not accepts(g, json.dumps("x" * 100001))
    g = lang({"type": "string", "minLength": 5000})
    assert accepts(g, json.dumps("é" * 5000))
    assert not accepts(g, json.dumps("é" * 4999))


# --- options ------------------------------------------------------------------------------


def test_whitespace_is_bounded_and_configurable() -> None:
    schema = {"type": "array", "items": {"type": "integer"}}
    flexible = lang(schema, max_whitespace=4)
    assert accepts(flexible, "[ 1,\n   2 ]")  # runs of at most 4
    assert not accepts(flexible, "[1,      2]")  # a run of 6
    compact = lang(schema, whitespace="compact")
    assert accepts(compact, "[1,2]")
    assert not accepts(compact, "[1, 2]")
    spaced = lang({"type": "object"}, whitespace="compact", separators=(", ", ": "))
    assert accepts(spaced, '{"a": 1, "b": [1, 2]}')
    assert not accepts(spaced, '{"a":1}')
    with pytest.raises(corral.SchemaError, match="separators"):
        lang(schema, separators=(", ", ": "))  # flexible whitespace has its own


def test_property_order() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
        "required": ["a", "b"],
    }
    ordered = lang(schema, property_order="schema")
    assert accepts(ordered, '{"a": 1, "b": 2}')
    assert not accepts(ordered, '{"b": 2, "a": 1}')
    # Any order is the default: JSON Schema does not order keys.
    anyorder = lang(schema)
    assert accepts(anyorder, '{"b": 2, "a": 1}')
    assert not accepts(anyorder, '{"b": 2}')
    assert not accepts(anyorder, '{"b": 2, "b": 3}')


def test_additional_properties_option() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    assert accepts(lang(schema), '{"a": 1, "z": 2}')
    assert not accepts(lang(schema, additional_properties=False), '{"a": 1, "z": 2}')
    # An explicit keyword wins over the option.
    explicit = dict(schema, additionalProperties=True)
    assert accepts(lang(explicit, additional_properties=False), '{"z": 2}')
    # A key named by `required` alone is named by the schema: the option does
    # not leave it out (the object would have no instance), it takes any value.
    named = dict(schema, required=["a", "password"])
    tight = lang(named, additional_properties=False)
    assert accepts(tight, '{"a": 1, "password": "x"}')
    assert accepts(tight, '{"a": 1, "password": [1, {"k": null}]}')
    assert not accepts(tight, '{"a": 1}')
    assert not accepts(tight, '{"a": 1, "password": "x", "z": 2}')


def test_ascii_escapes_option() -> None:
    schema = {
        "type": "object",
        "properties": {
            "age": {"type": "integer"},
            "été": {"enum": ["a/b", 'q"'], "type": "string"},
        },
    }
    default = lang(schema)
    loose = lang(schema, ascii_escapes=True)
    # What serializers write (raw or ensure_ascii, `\/`, short escapes) is
    # accepted either way.
    for ok in [
        '{"age": 1}',
        '{"été": "a/b"}',
        '{"\\u00e9t\\u00e9": "a\\/b"}',
        '{"\\u00E9t\\u00E9": "q\\""}',
        '{"été": "q\\u0022"}',
    ]:
        assert accepts(default, ok), ok
        assert accepts(loose, ok), ok
    # Printable ASCII spelled `\uXXXX` in a key or an enum value: only with
    # the option.
    for escaped in ['{"\\u0061ge": 1}', '{"été": "\\u0061/b"}']:
        assert not accepts(default, escaped), escaped
        assert accepts(loose, escaped), escaped
    # Free strings keep every escape.
    assert accepts(lang({"type": "string"}), '"\\u0061"')


def test_drafts() -> None:
    tuple_items = {"type": "array", "items": [{"type": "integer"}], "additionalItems": False}
    g = lang(tuple_items, draft="7")
    assert accepts(g, "[1]") and not accepts(g, "[1, 2]")
    # Draft 4: exclusiveMaximum is a flag; 1.0 is not an integer.
    d4 = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "integer",
        "maximum": 3,
        "exclusiveMaximum": True,
    }
    g = lang(d4)
    assert accepts(g, "2") and not accepts(g, "3") and not accepts(g, "2.0")
    # Draft 4 has no if/then/else: they are ignored as validators ignore them.
    g = lang({"$schema": "http://json-schema.org/draft-04/schema#", "if": True, "then": False})
    assert accepts(g, "1")


# --- errors and lenient compiles --------------------------------------------------------


def test_errors_name_the_keyword_and_pointer() -> None:
    # The class says the source and the kind: every schema error is a
    # SchemaError (with .pointer and .keyword); a missing feature is also a
    # NotSupportedError, a budget a LimitError.
    with pytest.raises(corral.SchemaNotSupportedError) as e:
        lang({"properties": {"a": {"$ref": "https://example.com/other.json"}}})
    assert isinstance(e.value, corral.SchemaError) and isinstance(e.value, corral.NotSupportedError)
    assert e.value.keyword == "$ref"
    assert e.value.pointer == "#/properties/a"
    assert e.value.limit is None
    with pytest.raises(corral.SchemaError) as e2:
        lang({"properties": {"a": {"type": "wat"}}})
    assert not isinstance(e2.value, (corral.NotSupportedError, corral.GrammarError))
    assert e2.value.keyword == "type" and e2.value.pointer == "#/properties/a"
    with pytest.raises(corral.SchemaError, match="pattern") as e2:
        lang({"type": "string", "pattern": "(unclosed"})
    assert not isinstance(e2.value, corral.NotSupportedError)
    with pytest.raises(corral.SchemaNotSupportedError, match="look-around"):
        lang({"type": "string", "pattern": "a(?=b)"})
    with pytest.raises(corral.SchemaNotSupportedError, match="another document"):
        lang({"$ref": "https://example.com/other.json"})
    with pytest.raises(corral.SchemaNotSupportedError, match="word boundary") as e:
        lang({"patternProperties": {"\\bx": {}}})
    assert e.value.keyword == "patternProperties"
    with pytest.raises(corral.SchemaError, match="not valid JSON") as e2:
        lang("{nope")
    assert e2.value.pointer == "#" and e2.value.keyword == ""


def test_lenient_compiles_report_what_they_approximate() -> None:
    many = {f"^p{i}": {"type": "integer"} for i in range(7)}
    schema = {"type": "object", "patternProperties": many, "additionalProperties": False}
    g = lang(schema, lenient=True)
    (a,) = g.approximations
    assert a["keyword"] == "patternProperties" and a["pointer"] == "#"
    assert accepts(g, '{"p1": 1, "q": "s"}')
    assert lang({"type": "integer"}).approximations == []


def test_a_schema_that_accepts_nothing_compiles_to_the_empty_language() -> None:
    g = lang({"not": {}})
    assert not accepts(g, "null") and not accepts(g, "1")
    assert any("accepts no value" in w for w in g.warnings)


# --- Pydantic and %json ---------------------------------------------------------------------


def test_pydantic_models() -> None:
    from typing import Literal

    from pydantic import BaseModel, Field

    class Item(BaseModel):
        name: str = Field(min_length=1)
        qty: int = Field(ge=1, le=99)
        kind: Literal["a", "b"] = "a"
        tags: list[str] = []
        parent: Item | None = None

    g = corral.Grammar.from_pydantic(Item)  # the generate profile
    good = Item(name="x", qty=3, tags=["t"], parent=Item(name="p", qty=1))
    assert accepts(g, json.dumps(good.model_dump()))
    assert not accepts(g, good.model_dump_json())  # compact: the generate profile writes ", "
    assert accepts(corral.Grammar.from_pydantic(Item, profile="validate"), good.model_dump_json())
    assert not accepts(g, '{"name": "x", "qty": 3.0}')  # integers without a fraction
    assert not accepts(g, '{"name": "", "qty": 3}')
    assert not accepts(g, '{"name": "x", "qty": 3, "extra": 1}')  # undeclared keys left out
    for s in g.sample(5, seed=3):
        Item.model_validate_json(s)  # raises if invalid
    assert accepts(corral.Grammar.from_pydantic(list[int], whitespace="compact"), "[1,2]")


def test_json_schema_inside_lark() -> None:
    g = corral.Grammar.from_lark(
        'start: "score: " %json {"type": "integer", "minimum": 0, "maximum": 10}'
        ' " / " %json {"enum": ["a", "b"]}\n'
    )
    assert accepts(g, 'score: 7 / "a"')
    assert not accepts(g, 'score: 11 / "a"')
    with pytest.raises(corral.GrammarError, match="1:8"):
        corral.Grammar.from_lark('start: %json {"type": "nope"}')
    with pytest.raises(corral.GrammarError, match="needs a JSON Schema"):
        corral.Grammar.from_lark("start: %json")


# --- against jsonschema on the dev sample -------------------------------------------------


@functools.cache
def dev() -> list[tuple[str, Any, list[tuple[Any, bool]]]]:
    out = []
    for f in sorted(DEV.glob("*.json")):
        if f.name == "index.json":
            continue
        d = json.loads(f.read_text(encoding="utf-8"))
        out.append((f.stem, d["schema"], [(t["data"], bool(t["valid"])) for t in d["tests"]]))
    return out


def strict_or_none(schema: Any, **opts: Any) -> corral.Grammar | None:
    try:
        return lang(schema, **opts)
    except corral.CorralError:
        return None


@pytest.mark.slow
def test_dev_sample_most_schemas_compile_strictly() -> None:
    compiled = sum(strict_or_none(s) is not None for _, s, _ in dev())
    assert compiled >= 360, compiled  # of 420; the rest are refused with a reason


@pytest.mark.slow
def test_dev_sample_valid_instances_accepted_invalid_rejected() -> None:
    """Strict grammars (any property order where that compiles) accept every valid
    instance and reject every invalid one."""
    rejected, accepted = [], []
    for name, schema, tests in dev():
        g = strict_or_none(schema, property_order="any") or strict_or_none(schema)
        if g is None:
            continue
        for data, valid in tests:
            ok = accepts(g, json.dumps(data, ensure_ascii=False))
            if valid and not ok:
                rejected.append(name)
            if not valid and ok:
                accepted.append(name)
    assert rejected == []
    assert accepted == []


def draft_validator(schema: Any) -> Any:
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.slow
def test_sampled_outputs_validate() -> None:
    """Random strings of every strictly compiled dev grammar parse and validate."""
    checked = 0
    for name, schema, _ in dev():
        g = strict_or_none(schema)
        if g is None:
            continue
        v = draft_validator(schema)
        for s in g.sample(3, max_depth=10, seed=len(name)):
            errors = [e for e in v.iter_errors(json.loads(s)) if not float_artifact(e, s)]
            assert not errors, (name, s[:200], errors[0].message[:200])
            checked += 1
    assert checked > 500


def float_artifact(e: Any, text: str) -> bool:
    """A multipleOf error that exact decimal arithmetic, as the specification
    defines it, does not make (jsonschema divides floats: 1.1e22 is a multiple
    of 3 in the text, not as a float)."""
    if e.validator != "multipleOf":
        return False
    from decimal import Decimal

    value: Any = json.loads(text, parse_float=Decimal)
    for k in e.absolute_path:
        value = value[k]
    return bool(Decimal(value) % Decimal(str(e.validator_value)) == 0)


# --- masks on schema grammars equal brute force ---------------------------------------------


MASK_SCHEMAS = [
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 5}},
        },
        "required": ["id"],
    },
    {"type": "string", "pattern": "^[A-Z][a-z]+ [0-9]{3}$"},
    {
        "type": "object",
        "additionalProperties": {"type": "number", "multipleOf": 0.5},
        "propertyNames": {"pattern": "^k"},
    },
    {"type": "string", "maxLength": 100000},
]


@pytest.mark.parametrize("schema", MASK_SCHEMAS, ids=[json.dumps(s)[:40] for s in MASK_SCHEMAS])
def test_schema_masks_equal_brute_force(schema: Any) -> None:
    vocab = corral_vocab("gpt2")
    tok = hf_tokenizer("gpt2")
    g = lang(schema, whitespace="compact")
    cg = corral.CompiledGrammar(g, vocab)
    texts = g.sample(2, seed=1) + g.sample(1, seed=2)
    for text in texts:
        ids = tok.encode(text, add_special_tokens=False).ids
        m = cg.matcher()
        for step, t in enumerate(ids[:40]):
            bm = np.zeros(cg.mask_words, dtype=np.int32)
            m.fill_mask(bm)
            bits = np.unpackbits(bm.view(np.uint8), bitorder="little")[: vocab.vocab_size].astype(
                bool
            )
            brute = np.array([m.try_consume(i) for i in range(vocab.vocab_size)])
            for e in vocab.eos_token_ids:
                brute[e] = m.is_accepting()
            assert (bits == brute).all(), (text, step, np.flatnonzero(bits != brute)[:10])
            assert m.consume(t)


# Near the bounds of counted strings (characters begun, escapes, non-ASCII), at object
# keys that are prefixes of listed names, and in strings without bounds (walks shared
# between lexer states, or read off the vocabulary's scan of string text).
BOUNDED = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "minLength": 2, "maxLength": 6},
        "nick": {"type": "string", "maxLength": 3},
        "n": {"type": "integer"},
    },
    "required": ["name"],
}
BOUNDED_TEXTS = [
    '{"name":"éa\\u00e9x","nick":"ab","extra":1}',
    '{"na":"xyz","name":"ab","nam":null}',
    '{"name":"\\"\\\\ok","nick":"日本語"}',
    '{"name":"😀😀😀😀😀😀","n":5}',
    '{"name":"ab","extra":"x\\"y é 😀","names":{"nam":"","n":"\\u00e9"}}',
]


@pytest.mark.parametrize("text", BOUNDED_TEXTS)
@pytest.mark.parametrize("tokenizer", ["gpt2", "llama3"])
def test_bounded_string_masks_equal_brute_force(text: str, tokenizer: str) -> None:
    assert jsonschema.Draft202012Validator(BOUNDED).is_valid(json.loads(text))
    vocab = corral_vocab(tokenizer)
    ids = hf_tokenizer(tokenizer).encode(text, add_special_tokens=False).ids
    cg = corral.CompiledGrammar(lang(BOUNDED, whitespace="compact"), vocab)
    m = cg.matcher()
    for step, t in enumerate(ids):
        bm = np.zeros(cg.mask_words, dtype=np.int32)
        m.fill_mask(bm)
        bits = np.unpackbits(bm.view(np.uint8), bitorder="little")[: vocab.vocab_size]
        brute = np.array([m.try_consume(i) for i in range(vocab.vocab_size)])
        for e in vocab.eos_token_ids:
            brute[e] = m.is_accepting()
        assert (bits.astype(bool) == brute).all(), (step, np.flatnonzero(bits != brute)[:10])
        assert m.consume(t)
    assert m.is_accepting()


DYNAMIC: list[dict[str, Any]] = [
    {
        "$id": "https://example.com/root",
        "$ref": "list",
        "$defs": {
            "item": {"$dynamicAnchor": "item", "type": "integer"},
            "list": {
                "$id": "list",
                "type": "array",
                "items": {"$dynamicRef": "#item"},
                "$defs": {"any": {"$dynamicAnchor": "item"}},
            },
        },
    },
    {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": "https://example.com/strict-tree",
        "$recursiveAnchor": True,
        "$ref": "tree",
        "unevaluatedProperties": False,
        "$defs": {
            "tree": {
                "$id": "tree",
                "$recursiveAnchor": True,
                "type": "object",
                "properties": {
                    "data": True,
                    "children": {"type": "array", "items": {"$recursiveRef": "#"}},
                },
            }
        },
    },
]


@pytest.mark.parametrize("schema", DYNAMIC, ids=["dynamicRef", "recursiveRef"])
def test_dynamic_references_agree_with_jsonschema(schema: dict[str, Any]) -> None:
    g = lang(schema)
    v = jsonschema.validators.validator_for(schema)(schema)
    values: list[Any] = [
        [],
        [1, 2],
        ["a"],
        [1, None],
        {},
        {"data": 1},
        {"children": [{"data": 1}]},
        {"children": [{"daat": 1}]},
        {"children": [{"children": [{"x": 1}]}]},
        {"x": 1},
    ]
    for value in values:
        text = json.dumps(value)
        assert accepts(g, text) == v.is_valid(value), (schema["$id"], text)


EXPONENT_CASES = [
    # A oneOf whose object branches overlap: the matcher checks the value against the
    # other branches where it closes, and 7E5 meets the bound -4.5 as 700000 does.
    (
        {
            "oneOf": [
                {"minLength": 2, "enum": [None, [], None], "maxItems": 1},
                {
                    "maxProperties": 1,
                    "properties": {
                        "b": {"minProperties": 2, "prefixItems": [{}]},
                        "a": {"type": "string"},
                    },
                },
                {
                    "properties": {"a": {"type": "object"}},
                    "additionalProperties": {"exclusiveMinimum": -4.5, "maxItems": 2},
                    "exclusiveMinimum": 4.25,
                },
            ],
            "maxProperties": 1,
        },
        ['{"b":7E5}', '{"b":7e5}', '{"b":7}', '{"b":"x"}', '{"a":"x"}'],
    ),
    (
        {
            "oneOf": [
                {"additionalProperties": {"type": "number"}},
                {"additionalProperties": {"type": "integer"}},
            ]
        },
        ['{"a":1e2}', '{"a":1.5e0}', '{"a":1.5}', '{"a":2}'],
    ),
    (
        {"oneOf": [{"items": {"type": "number"}}, {"items": {"minimum": 3}}]},
        ["[1e5]", "[1]", "[5]", "[-1E+1]"],
    ),
    ({"not": {"items": {"minimum": 3}}}, ["[1e5]", "[1]", "[1e-5]"]),
    ({"not": {"additionalProperties": {"minimum": 3}}}, ['{"a":1e5}', '{"a":1}']),
    ({"not": {"const": {"a": 100}}}, ['{"a":1e2}', '{"a":100.0}', '{"a":10}']),
    ({"uniqueItems": True}, ["[1e2, 100]", "[1e2, 1E+2]", '[{"a":1e2}, {"a":100}]']),
    ({"oneOf": [{"items": {"const": 100}}, {"items": {"type": "number"}}]}, ["[1e2]", "[7]"]),
    ({"type": "integer"}, ["1e2", "100", "1.5e0"]),
    ({"not": {"type": "integer"}}, ["1.5e0", "1e2", "1.5"]),
    ({"minimum": 3}, ["1e2", "1e-2", "100"]),
]


@pytest.mark.parametrize(("schema", "texts"), EXPONENT_CASES)
def test_numbers_with_an_exponent_are_never_accepted_when_invalid(
    schema: dict[str, Any], texts: list[str]
) -> None:
    """Where corral writes numbers without exponent (bounds, integers, values checked
    against an excluded branch) it may refuse ``1e2``, but it never accepts an exponent
    spelling the schema does not allow, under negation least of all; plain spellings are
    exact."""
    g = corral.Grammar.from_json_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for text in texts:
        m = g.matcher()
        ok = m.consume_bytes(text.encode()) and m.is_accepting()
        valid = validator.is_valid(json.loads(text))
        if "e" in text.lower():
            assert valid or not ok, (text, "accepted, not valid")
        else:
            assert ok == valid, (text, ok, valid)
