"""Random schemas that combine keywords on one value, against ``jsonschema``.

Each example is a schema drawn from type, enum, const, multipleOf, the numeric bounds,
the length bounds, pattern, the item and property keywords (patternProperties,
dependentRequired and unevaluated* too), propertyNames, the count bounds and
allOf / anyOf / oneOf / not / if-then-else, nested a few levels, and a set of candidate
instances: random values, and values built from the numbers, strings and counts the
schema names (on and next to each bound). Whenever corral compiles the schema, a byte
matcher must accept an instance's text exactly when ``jsonschema`` says it is valid, for
several spellings of the text: ``json.dumps`` with ASCII escapes, compact UTF-8, and every
string character written as ``\\uXXXX`` (against the grammar compiled with
``ascii_escapes=True``, which is what admits that spelling).

Keys come in any order (the default; each key once, which the matcher checks). Numbers
written with an exponent (``1E+2`` for 100) are checked one way only: corral may refuse
them (a bounded number, an integer, or any number where the matcher checks a value
against an excluded branch, is written without exponent), but never accepts one that is
not valid. Deliberate restrictions kept out of the draw: patterns without ``\\d``/``\\w``/``$``
before a newline (where Python's ``re`` and ECMA-262 differ). ``multipleOf`` is checked in
exact decimal arithmetic, as the specification defines it (``jsonschema`` divides floats:
it calls 0.07 not a multiple of 0.01).
"""

from __future__ import annotations

import json
import os
from decimal import Decimal, localcontext
from typing import Any

import corral
import jsonschema
import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

KEYS = ["a", "b", "c"]
OTHER_KEYS = ["d", "é"]
ALPHABET = 'abcé😀"\\/ '
PATTERNS = [
    "^a",
    "b$",
    "^[a-c]*$",
    "^.{2}$",
    "c",
    "^(a|bb)+$",
    "é",
    "^[^a]*$",
    "^a.*a$",
    "😀",
]
NUMBERS = [-3, -1.5, -1, -0.5, 0, 0.25, 0.5, 1, 1.5, 2, 2.5, 3, 4.75, 7, 10, 12]
MULTIPLES = [1, 2, 3, 7, 0.5, 0.25, 0.1, 0.01, 1.5]
TYPES = ["null", "boolean", "integer", "number", "string", "array", "object"]

# Floats json.dumps writes without exponent.
DECIMALS = st.sampled_from(
    [0.5, -0.5, 1.0, 2.2, 2.5, -1.5, 0.25, 0.1, 0.07, 0.3, 1.75, 3.0, 4.75, 9.99, -0.0, 0.01]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-4, 13),
    st.just(12345678901234567890),
    DECIMALS,
    st.text(ALPHABET, max_size=4),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(KEYS + OTHER_KEYS), inner, max_size=3),
    ),
    max_leaves=6,
)


@st.composite
def schemas(draw: st.DrawFn, depth: int = 2) -> Any:
    if depth < 2 and draw(st.integers(0, 9)) == 0:
        return draw(st.booleans())
    s: dict[str, Any] = {}
    if draw(st.booleans()):
        types = draw(st.lists(st.sampled_from(TYPES), min_size=1, max_size=2, unique=True))
        s["type"] = types[0] if len(types) == 1 else types
    groups = draw(
        st.sets(
            st.sampled_from(["num", "str", "arr", "obj", "enum", "const", "comb"]),
            min_size=1,
            max_size=3,
        )
    )
    if "num" in groups:
        for kw in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]:
            if draw(st.integers(0, 2)) == 0:
                s[kw] = draw(st.sampled_from(NUMBERS))
        if draw(st.booleans()):
            s["multipleOf"] = draw(st.sampled_from(MULTIPLES))
    if "str" in groups:
        if draw(st.booleans()):
            s["minLength"] = draw(st.integers(0, 3))
        if draw(st.booleans()):
            s["maxLength"] = draw(st.integers(0, 4))
        if draw(st.booleans()):
            s["pattern"] = draw(st.sampled_from(PATTERNS))
    if "arr" in groups and depth > 0:
        if draw(st.booleans()):
            s["items"] = draw(schemas(depth - 1))
        if draw(st.integers(0, 3)) == 0:
            s["prefixItems"] = draw(st.lists(schemas(depth - 1), min_size=1, max_size=2))
        if draw(st.booleans()):
            s["minItems"] = draw(st.integers(0, 3))
        if draw(st.booleans()):
            s["maxItems"] = draw(st.integers(0, 3))
        if draw(st.integers(0, 3)) == 0:
            s["contains"] = draw(schemas(depth - 1))
            if draw(st.booleans()):
                s["minContains"] = draw(st.integers(0, 2))
            if draw(st.booleans()):
                s["maxContains"] = draw(st.integers(0, 2))
        if draw(st.integers(0, 3)) == 0:
            s["uniqueItems"] = True
        if draw(st.integers(0, 5)) == 0:
            s["unevaluatedItems"] = draw(schemas(depth - 1))
    if "obj" in groups and depth > 0:
        if draw(st.booleans()):
            keys = draw(st.lists(st.sampled_from(KEYS), max_size=3, unique=True))
            s["properties"] = {k: draw(schemas(depth - 1)) for k in keys}
        if draw(st.booleans()):
            s["required"] = draw(st.lists(st.sampled_from(KEYS), max_size=2, unique=True))
        if draw(st.integers(0, 2)) == 0:
            s["additionalProperties"] = draw(schemas(depth - 1))
        if draw(st.integers(0, 3)) == 0:
            pats = draw(
                st.lists(st.sampled_from(["^a", "é", "^[bd]$", "c"]), max_size=2, unique=True)
            )
            s["patternProperties"] = {p: draw(schemas(depth - 1)) for p in pats}
        if draw(st.integers(0, 5)) == 0:
            s["unevaluatedProperties"] = draw(schemas(depth - 1))
        if draw(st.integers(0, 4)) == 0:
            k = draw(st.sampled_from(KEYS + OTHER_KEYS))
            s["dependentRequired"] = {k: draw(st.lists(st.sampled_from(KEYS), max_size=2))}
        if draw(st.integers(0, 2)) == 0:
            names: dict[str, Any] = {}
            if draw(st.booleans()):
                names["enum"] = draw(
                    st.lists(st.sampled_from(KEYS + OTHER_KEYS + ["ab"]), min_size=1, max_size=3)
                )
            if draw(st.booleans()):
                names["pattern"] = draw(st.sampled_from(["^.{2}$", "^[ab]", "^[^c]*$", "é"]))
            if draw(st.booleans()):
                names["maxLength"] = draw(st.integers(0, 2))
            s["propertyNames"] = names
        if draw(st.booleans()):
            s["minProperties"] = draw(st.integers(0, 3))
        if draw(st.booleans()):
            s["maxProperties"] = draw(st.integers(0, 3))
    if "enum" in groups:
        s["enum"] = draw(st.lists(VALUES, min_size=1, max_size=4))
    if "const" in groups:
        s["const"] = draw(VALUES)
    if "comb" in groups and depth > 0:
        kw = draw(st.sampled_from(["allOf", "anyOf", "oneOf", "not", "if"]))
        if kw == "not":
            s["not"] = draw(schemas(depth - 1))
        elif kw == "if":
            s["if"] = draw(schemas(depth - 1))
            s["then"] = draw(schemas(depth - 1))
            if draw(st.booleans()):
                s["else"] = draw(schemas(depth - 1))
        else:
            s[kw] = draw(st.lists(schemas(depth - 1), min_size=1, max_size=3))
    return s


def _walk(v: Any, out: list[Any]) -> None:
    """Every number and string the schema names (bounds, enum members, keys...)."""
    stack = [v]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            for k, y in x.items():
                out.append(k)
                stack.append(y)
        elif isinstance(x, list):
            stack.extend(x)
        elif isinstance(x, (int, float, str)) and not isinstance(x, bool):
            out.append(x)


def near(schema: Any) -> list[Any]:
    """Instances on and next to what the schema names: numbers at, around and between
    its bounds and multiples, strings and arrays of the lengths it names, its enum and
    const values themselves, and objects over its keys."""
    named: list[Any] = []
    _walk(schema, named)
    if isinstance(schema, dict):
        named.extend(schema.get("enum", []))
        if "const" in schema:
            named.append(schema["const"])
    out: list[Any] = []
    nums = sorted(
        {Decimal(repr(x)) for x in named if isinstance(x, (int, float)) and not isinstance(x, bool)}
    )
    for d in nums:
        for delta in ["0", "1", "-1", "0.5", "-0.5", "0.01", "-0.01"]:
            x = d + Decimal(delta)
            out.append(int(x) if x == x.to_integral_value() and "." not in str(d) else float(x))
        out.append(float(d * 2))
    for n in range(0, 5):
        out.append("a" * n)
        out.append("é" * n)
        out.append(["a"] * n)
        out.append(list(range(n)))
    strings = [x for x in named if isinstance(x, str)]
    out.extend(strings)
    out.extend(s + "a" for s in strings[:4])
    for i, k in enumerate(KEYS + OTHER_KEYS):
        out.append({k: i})
        out.append(dict.fromkeys(KEYS[: i + 1], "a"))
        out.append({k: "a" * i for k in (KEYS + OTHER_KEYS)[: i + 1]})
    for x in named[:6]:
        out.append({"a": x})
        out.append([x])
    out.extend(v for v in named if isinstance(v, (list, dict)))
    # Numbers as json.dumps writes them without exponent only.
    return [x for x in out if not (isinstance(x, float) and "e" in repr(x))]


def escape_all(s: str) -> str:
    """A JSON string literal with every character written as ``\\uXXXX`` (upper-case hex,
    surrogate pairs past the BMP)."""
    units = s.encode("utf-16-be")
    return (
        '"' + "".join(f"\\u{units[i]:02X}{units[i + 1]:02X}" for i in range(0, len(units), 2)) + '"'
    )


def dumps_escaped(v: Any) -> str:
    if isinstance(v, str):
        return escape_all(v)
    if isinstance(v, list):
        return "[" + ",".join(dumps_escaped(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(f"{escape_all(k)}:{dumps_escaped(x)}" for k, x in v.items()) + "}"
    return json.dumps(v)


def dumps_exponent(v: Any) -> str:
    """JSON text with every number written in scientific notation (``1E+2``, ``-2.5E-1``)."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, (int, float)):
        return f"{Decimal(repr(v)):E}"
    if isinstance(v, list):
        return "[" + ",".join(dumps_exponent(x) for x in v) + "]"
    return "{" + ",".join(f"{json.dumps(k)}:{dumps_exponent(x)}" for k, x in v.items()) + "}"


def _exact_multiple_of(validator: Any, m: Any, instance: Any, schema: Any) -> Any:
    if not validator.is_type(instance, "number"):
        return
    with localcontext(prec=200):
        rest = Decimal(repr(instance)) % Decimal(repr(m))
    if rest != 0:
        yield jsonschema.ValidationError(f"{instance!r} is not a multiple of {m!r}")


Reference = jsonschema.validators.extend(
    jsonschema.Draft202012Validator, {"multipleOf": _exact_multiple_of}
)


def accepts(g: corral.Grammar, text: str) -> bool:
    m = g.matcher()
    return m.consume_bytes(text.encode()) and m.is_accepting()


def compile_or_none(schema: Any, **opts: Any) -> corral.Grammar | None:
    try:
        g = corral.Grammar.from_json_schema(schema, property_order="any", **opts)
    except (corral.NotSupportedError, corral.LimitError):
        # A missing feature or a budget (a product automaton too large) is a
        # refusal; anything else is a bug.
        return None
    if any("keeps the schema's order" in w for w in g.warnings):
        return None
    return g


@pytest.mark.slow
@settings(
    # More for a long local hunt: CORRAL_SCHEMA_EXAMPLES=5000.
    max_examples=int(os.environ.get("CORRAL_SCHEMA_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(schema=schemas(), extra=st.lists(VALUES, min_size=4, max_size=10))
def test_compiled_schemas_accept_exactly_the_valid_instances(schema: Any, extra: list[Any]) -> None:
    g = compile_or_none(schema)
    event("compiled" if g is not None else "refused")
    if g is None:
        return
    note(f"schema: {json.dumps(schema)}")
    escaped = compile_or_none(schema, ascii_escapes=True)
    validator = Reference(schema)
    candidates = near(schema) + extra
    valid_count = sum(validator.is_valid(v) for v in candidates)
    event(f"valid instances: {min(valid_count, 5)}{'+' if valid_count >= 5 else ''}")
    for v in candidates:
        valid = validator.is_valid(v)
        spellings = [json.dumps(v), json.dumps(v, ensure_ascii=False, separators=(",", ":"))]
        for text in spellings:
            assert accepts(g, text) == valid, (json.dumps(schema), text, valid)
        if escaped is not None:
            text = dumps_escaped(v)
            assert accepts(escaped, text) == valid, (json.dumps(schema), text, valid)
        text = dumps_exponent(v)
        if text != spellings[1] and accepts(g, text):
            assert validator.is_valid(json.loads(text)), (json.dumps(schema), text, "not valid")


@pytest.mark.parametrize(
    "value",
    [{"a": 'é😀"\\/'}, ["x", {"b": [1, 2.5]}], "", -0.0],
)
def test_escaped_spelling_decodes_to_the_value(value: Any) -> None:
    """The helpers that write every character as \\uXXXX, and every number with an
    exponent, write the same value."""
    assert json.loads(dumps_escaped(value)) == value
    assert json.loads(dumps_exponent(value)) == value
