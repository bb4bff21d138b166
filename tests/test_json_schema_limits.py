"""JSON Schema reproducers: keywords that must hold together, inputs that must not crash,
compiles that must stay bounded.

Answers are checked against ``jsonschema`` (``multipleOf`` in exact decimal arithmetic, as
in test_json_schema_differential.py). Inputs that once crashed the process (deep recursion
on a long literal or a deep schema) run in a subprocess, so a regression fails a test
instead of killing pytest. Time bounds are generous crash-and-hang guards: each compile
finishes well within them or raises a typed error naming the budget that ran out.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from typing import Any

import corral
import jsonschema
import pytest
from test_json_schema_differential import Reference


def accepts(g: corral.Grammar, text: str) -> bool:
    m = g.matcher()
    return m.consume_bytes(text.encode()) and m.is_accepting()


def agree(schema: Any, instances: list[Any], **opts: Any) -> None:
    """The grammar accepts each instance's JSON text exactly when it is valid."""
    g = corral.Grammar.from_json_schema(schema, **opts)
    v = Reference(schema)
    for x in instances:
        for text in [json.dumps(x), json.dumps(x, ensure_ascii=False, separators=(",", ":"))]:
            assert accepts(g, text) == v.is_valid(x), (schema, text)


# --- keywords that constrain one value together ------------------------------------------


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "number", "multipleOf": 1},
        {"type": "number", "multipleOf": 1, "minimum": 0, "maximum": 10},
        {"type": "number", "multipleOf": 1, "exclusiveMinimum": 0, "exclusiveMaximum": 10},
        {"type": ["number", "string"], "multipleOf": 2},
        {"type": "integer", "multipleOf": 0.5},
        {"multipleOf": 0.5, "exclusiveMaximum": 2},
        {"multipleOf": 0.01, "minimum": -1},
        {"multipleOf": 1.5, "maximum": 6},
        {"type": "number", "not": {"multipleOf": 1}},
        {"type": "number", "allOf": [{"multipleOf": 2}, {"multipleOf": 3}]},
        {"anyOf": [{"multipleOf": 1}, {"type": "string"}], "minimum": 1},
        # Joined into one factor, their least common multiple (8721).
        {"allOf": [{"multipleOf": 6.75}, {"multipleOf": 19}, {"multipleOf": 9.5}]},
        # About two million states as a table: explored lazily, where the text goes.
        {"type": "number", "not": {"anyOf": [{"multipleOf": m} for m in [2, 6.5, 5, 7, 11, 37]]}},
    ],
)
def test_multiple_of(schema: Any) -> None:
    numbers = [0, 1, 2, 3, 6, 10, 11, -3, 2.0, 2.2, 2.5, 1.5, 0.07, 0.075, 4.5, -0.0, 9.99, 12.0]
    numbers += [13, 17, 8721, 17442, 26163, -26163, 9991, 6.5, 19.5, 1.25]
    agree(schema, [*numbers, "a", None])


@pytest.mark.parametrize(
    "schema",
    [
        # Exactly one branch of each oneOf: most combinations of branches match no number
        # (a multiple of 12 that is not one of 6), and one first matches at 4004.
        {
            "type": "number",
            "allOf": [
                {"oneOf": [{"multipleOf": 33}, {"multipleOf": 12}, {"multipleOf": 77}]},
                {
                    "oneOf": [
                        {"allOf": [{"not": {"multipleOf": 6}}, {"not": {"multipleOf": 7}}]},
                        {"multipleOf": 44},
                    ]
                },
                {"oneOf": [{"not": {"multipleOf": 11}}, {"multipleOf": 13}]},
                {"not": {"multipleOf": 8}},
            ],
        },
        # Fractions of several scales under oneOf.
        {
            "oneOf": [{"multipleOf": 0.25}, {"multipleOf": 0.4}, {"not": {"multipleOf": 0.1}}],
            "minimum": 0,
        },
        # No number at all: a multiple of 4 and of 6 that is not one of 12.
        {
            "type": "integer",
            "allOf": [{"multipleOf": 4}, {"multipleOf": 6}],
            "not": {"multipleOf": 12},
        },
    ],
)
def test_multiples_under_one_of_and_not(schema: Any) -> None:
    numbers: list[Any] = [*range(-50, 4400), 8008, 12012, 24024, 24453]
    numbers += [0.25, 0.4, 0.5, 0.75, 0.8, 1.2, 0.05, 0.15, 0.35, 2.0, 1.25, 0.125, 3.3]
    agree(schema, [*numbers, "a"])


def test_multiple_of_draft4_keeps_two_point_zero() -> None:
    g = corral.Grammar.from_json_schema({"type": "number", "multipleOf": 1}, draft="4")
    v = jsonschema.Draft4Validator({"type": "number", "multipleOf": 1})
    for text, x in [("2.0", 2.0), ("2", 2), ("2.5", 2.5)]:
        assert accepts(g, text) == v.is_valid(x)


@pytest.mark.parametrize(
    "schema",
    [
        {"const": "a", "enum": ["b"]},
        {"enum": ["b"], "const": "a"},
        {"const": 0, "enum": [0, 1]},
        {"const": 1, "enum": [1.0, 2]},
        {"const": {"a": 1}, "enum": [{"a": 1.0}, [1]]},
        {"enum": ["a", "abc", 1, 5], "minLength": 2, "maximum": 3},
        {"enum": ["ab", "b", 3], "type": "string", "pattern": "^a"},
        {"const": "ab", "pattern": "^b"},
        {"const": 4, "multipleOf": 3},
        {"enum": [[1], [1, 2], "x"], "maxItems": 1},
        {"enum": [{"a": 1}, {"b": 1}], "required": ["b"]},
        {"const": "a", "not": {"enum": ["a"]}},
        {"allOf": [{"enum": [1, 2, 3]}, {"const": 2}]},
    ],
)
def test_enum_and_const_hold_with_their_siblings(schema: Any) -> None:
    agree(schema, ["a", "b", "ab", "abc", 0, 1, 1.0, 2, 3, 4, 5, [1], [1, 2], {"a": 1}, {"b": 1}])


@pytest.mark.parametrize(
    "names",
    [
        {"enum": ["b"], "pattern": "^.{2}$"},
        {"enum": ["b", "cd", "xyz"], "maxLength": 2},
        {"const": "ab", "minLength": 3},
        {"enum": ["a", "é"], "pattern": "^[^a]"},
        {"anyOf": [{"enum": ["b", "zz"], "maxLength": 1}, {"pattern": "^c"}]},
        {"enum": ["a", "b"], "not": {"const": "a"}},
    ],
)
def test_property_names_hold_together(names: Any) -> None:
    agree(
        {"propertyNames": names},
        [
            {},
            {"b": 1},
            {"ab": 1},
            {"cd": 1},
            {"xyz": 1},
            {"a": 1},
            {"é": 1},
            {"c": 1, "b": 2},
            {"zz": 1},
        ],
    )


# --- duplicate keys: one key to a JSON reader -----------------------------------------------

DUPLICATES = [
    '{"a":1,"a":2}',
    '{"a":1,"\\u0061":2}',
    '{"\\u0061":1,"a":2}',
    '{"x":1,"\\u0078":2,"y":3}',
    '{"a":1,"x":2}',
    '{"a":1}',
    '{"a":1,"b":2}',
]


@pytest.mark.parametrize(
    "schema",
    [
        {"minProperties": 2},
        {"maxProperties": 1},
        {"required": ["a"], "minProperties": 2},
        {"properties": {"a": {}, "b": {}}, "minProperties": 2},
        {"properties": {"a": {}, "b": {}}, "minProperties": 2, "additionalProperties": False},
        {"properties": {"a": {"type": "integer"}}, "maxProperties": 1},
        {"not": {"maxProperties": 1}},
    ],
)
@pytest.mark.parametrize("ascii_escapes", [False, True])
def test_a_repeated_key_is_one_property(schema: Any, ascii_escapes: bool) -> None:
    """A text with a key twice (raw or escaped) is never accepted when the object a JSON
    reader makes of it (the last value kept) is invalid. A schema whose minimum only
    unnamed keys could meet is refused (they could not be told apart), and compiles
    leniently with the approximation said."""
    try:
        g = corral.Grammar.from_json_schema(schema, ascii_escapes=ascii_escapes)
    except corral.NotSupportedError as e:
        assert "minProperties" in str(e)
        lenient = corral.Grammar.from_json_schema(schema, lenient=True)
        assert any(a["keyword"] == "minProperties" for a in lenient.approximations)
        return
    v = jsonschema.Draft202012Validator(schema)
    for text in DUPLICATES:
        if accepts(g, text):
            assert v.is_valid(json.loads(text)), (schema, text)
    # Texts without a repeated key: exactly the valid ones.
    for text in ['{"a":1,"x":2}', '{"a":1}', '{"a":1,"b":2}', '{"x":1}', "{}"]:
        assert accepts(g, text) == v.is_valid(json.loads(text)), (schema, text)


# --- long literals and deep schemas: no recursion per character or level ----------------

LONG = 300_000


def run_isolated(code: str, timeout: float = 120) -> str:
    """Runs `code` in a fresh interpreter; a crash fails the test with its exit status."""
    r = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert r.returncode == 0, f"exit {r.returncode}: {r.stderr[-2000:]}"
    return r.stdout


@pytest.mark.slow
def test_long_literals_do_not_crash() -> None:
    out = run_isolated(
        f"""
        import corral
        k = "x" * {LONG}
        cases = {{
            "const": {{"const": k}},
            "enum": {{"enum": [k, "a", "b"]}},
            "property": {{"type": "object", "properties": {{k: {{"type": "integer"}}}}}},
            "required": {{"type": "object", "required": [k]}},
            "not const": {{"type": "string", "not": {{"const": k}}}},
            "propertyNames": {{"type": "object", "propertyNames": {{"enum": [k, "b"]}}}},
            "escapes": {{"const": k, "enum": [k]}},
        }}
        for name, schema in cases.items():
            try:
                corral.Grammar.from_json_schema(schema, ascii_escapes=name == "escapes")
                print(name, "ok")
            except corral.CorralError as e:
                print(name, "error", type(e).__name__)
        try:
            corral.Grammar.from_lark('start: %json {{"const": "' + k + '"}}')
            print("%json ok")
        except corral.CorralError as e:
            print("%json error", type(e).__name__)
        # Within the lexer's budgets, a long constant is exact.
        g = corral.Grammar.from_json_schema({{"const": k}}, max_lexer_states=1 << 20)
        m = g.matcher()
        print("exact", m.consume_bytes(('"' + k + '"').encode()) and m.is_accepting())
        m = g.matcher()
        print("exact", not (m.consume_bytes(('"' + k[1:] + '"').encode()) and m.is_accepting()))
        """
    )
    lines = out.splitlines()
    assert len(lines) == 10, out
    assert lines[-2:] == ["exact True", "exact True"], out


def test_deep_schemas_are_refused_quickly_with_the_pointer() -> None:
    out = run_isolated(
        """
        import corral, json, time
        for depth, kw in [(10_000, "items"), (5_000, "not"), (3_000, "allOf")]:
            if kw == "allOf":
                text = '{"allOf":[' * depth + "{}" + "]}" * depth
            else:
                text = ('{"%s":' % kw) * depth + "{}" + "}" * depth
            t = time.perf_counter()
            try:
                corral.Grammar.from_json_schema(text)
                print("compiled")
            except corral.CorralError as e:
                # Past 1000 levels of JSON the document is refused before
                # the schema compiler's own max_depth is reached.
                limit = getattr(e, "limit", None) or "document_depth"
                print(limit, e.pointer.count("/"), round(time.perf_counter() - t, 3))
        """
    )
    lines = [ln.split() for ln in out.splitlines()]
    assert len(lines) == 3, out
    for limit, segments, seconds in lines:
        assert limit in ("max_depth", "document_depth")
        assert int(segments) >= 256
        assert float(seconds) < 5


def test_max_depth_is_configurable() -> None:
    schema: Any = {"type": "integer"}
    for _ in range(300):
        schema = {"items": schema}
    text = json.dumps(schema)
    with pytest.raises(corral.SchemaLimitError) as e:
        corral.Grammar.from_json_schema(text)
    # A budget: SchemaLimitError, both SchemaError and LimitError (not a
    # missing feature: raising the budget compiles it).
    assert isinstance(e.value, corral.SchemaError)
    assert isinstance(e.value, corral.LimitError)
    assert not isinstance(e.value, corral.NotSupportedError)
    assert e.value.limit == "max_depth"
    assert "max_depth" in str(e.value)
    g = corral.Grammar.from_json_schema(text, max_depth=400)
    assert accepts(g, "[" * 300 + "7" + "]" * 300)
    assert not accepts(g, "[" * 300 + '"7"' + "]" * 300)
    assert accepts(g, "[" * 299 + '"7"' + "]" * 299)  # `items` says nothing of a string


# --- bounded work ----------------------------------------------------------------------------


def timed(f: Any) -> tuple[Any, float]:
    t = time.perf_counter()
    try:
        r = f()
    except corral.CorralError as e:
        r = e
    return r, time.perf_counter() - t


@pytest.mark.parametrize(
    ("schema", "keyword"),
    [
        ({"type": "array", "contains": {"type": "integer"}, "minContains": 100_000}, "minContains"),
        ({"type": "array", "contains": {"type": "integer"}, "maxContains": 100_000}, "maxContains"),
        (
            {"type": "array", "contains": {}, "minContains": 9_000, "minItems": 9_000},
            None,
        ),
    ],
)
def test_contains_counts_are_bounded(schema: Any, keyword: str | None) -> None:
    r, seconds = timed(lambda: corral.Grammar.from_json_schema(schema))
    assert seconds < 20
    assert isinstance(r, corral.SchemaLimitError), r
    assert r.limit in ("max_unroll", "max_rules")
    if keyword:
        assert r.keyword == keyword


def test_contains_within_the_cap_is_exact() -> None:
    schema = {"type": "array", "contains": {"type": "integer"}, "minContains": 2, "maxContains": 3}
    agree(schema, [[1], [1, 2], [1, "a", 2], [1, 2, 3], [1, 2, 3, 4], ["a", "b"], []])


def one_of(shape: str, n: int) -> Any:
    make = {
        "prefix": lambda k: {"type": "string", "pattern": f"^prefix{k}[a-z]+$"},
        "untyped": lambda k: {"pattern": f"^prefix{k}[a-z]+$"},
        "suffix": lambda k: {"type": "string", "pattern": f"^[a-z]+{k}$"},
        "nested prefixes": lambda k: {"type": "string", "pattern": f"^p{k}"},
        "alternation": lambda k: {"type": "string", "pattern": f"^(foo|bar){k}$"},
        "lengths": lambda k: {"type": "string", "minLength": k, "maxLength": k},
        "ranges": lambda k: {"type": "number", "minimum": k, "exclusiveMaximum": k + 1},
        "overlapping": lambda k: {"type": "string", "pattern": f"w{k}w"},
        "overlapping untyped": lambda k: {"pattern": f"x{k}"},
    }[shape]
    return {"oneOf": [make(k) for k in range(n)]}


@pytest.mark.parametrize(
    "shape",
    [
        "prefix",
        "untyped",
        "suffix",
        "nested prefixes",
        "alternation",
        "lengths",
        "ranges",
        "overlapping",
        "overlapping untyped",
    ],
)
def test_one_of_many_patterns_is_bounded(shape: str) -> None:
    schema = one_of(shape, 70)
    g, seconds = timed(lambda: corral.Grammar.from_json_schema(schema))
    assert seconds < 10, seconds
    if isinstance(g, corral.CorralError):
        # A typed error naming the budget that ran out.
        assert "max_overlaps" in str(g) or "needs more than" in str(g), g
        return
    v = Reference(schema)
    samples: list[Any] = [
        "prefix3abc",
        "prefix33x",
        "prefix70a",
        "p1",
        "p10",
        "p10x",
        "p3",
        "foo7",
        "bar12",
    ]
    samples += ["abc5", "ab55", "x" * 5, "", "w3w", "w3ww4w", 3, 3.5, 69.9, 70, None]
    for x in samples:
        assert accepts(g, json.dumps(x)) == v.is_valid(x), (shape, x)


def test_one_of_overlap_budget_is_configurable() -> None:
    schema = one_of("overlapping", 12)
    with pytest.raises(corral.SchemaLimitError) as e:
        corral.Grammar.from_json_schema(schema, max_overlaps=10)
    assert e.value.limit == "max_overlaps"
    schema = one_of("overlapping", 4)
    g = corral.Grammar.from_json_schema(schema)
    v = Reference(schema)
    for x in ["w1w", "w1w w2w", "w0ww1w", "", "w3w"]:
        assert accepts(g, json.dumps(x)) == v.is_valid(x)


def test_rule_budget_is_configurable() -> None:
    # Listed keys in the schema's order times a count bound.
    props = {f"k{i}": {"type": "integer"} for i in range(60)}
    schema = {"properties": props, "maxProperties": 50, "additionalProperties": False}
    r, seconds = timed(
        lambda: corral.Grammar.from_json_schema(schema, property_order="schema", max_rules=1_000)
    )
    assert isinstance(r, corral.SchemaLimitError) and r.limit == "max_rules"
    assert seconds < 10
    small = {"properties": {"a": {}, "b": {}}, "maxProperties": 1, "additionalProperties": False}
    agree(small, [{}, {"a": 1}, {"b": 2}, {"a": 1, "b": 2}], max_rules=100)


def test_a_terminal_past_its_budget_is_refused_at_its_keyword_and_pointer() -> None:
    """A language the lexer cannot build within max_dfa_bytes is the schema's error, at the
    node it came from, not a grammar error at line 1."""
    cases: list[tuple[Any, int, str, str]] = [
        (
            {
                "properties": {
                    "a": {"type": "string", "pattern": "^(x|y)*x(x|y){12}$", "maxLength": 40}
                }
            },
            20000,
            "#/properties/a",
            "allOf",
        ),
        (
            {"properties": {"n": {"allOf": [{"multipleOf": 7919}, {"not": {"multipleOf": 7907}}]}}},
            20000,
            "#/properties/n",
            "multipleOf",
        ),
    ]
    for schema, budget, pointer, keyword in cases:
        with pytest.raises(corral.SchemaLimitError) as e:
            corral.Grammar.from_json_schema(schema, max_dfa_bytes=budget)
        assert (e.value.pointer, e.value.keyword, e.value.limit) == (
            pointer,
            keyword,
            "max_dfa_bytes",
        ), str(e.value)


def test_lenient_compiles_such_a_terminal_as_a_superset_and_says_so() -> None:
    # A multiple of 8721 and of none of six factors, in a range: whether the number's start
    # can reach a match at all needs a search past the budget.
    sixes = {"anyOf": [{"multipleOf": m} for m in [2, 6.5, 5, 7, 11, 37]]}
    n = {"type": "number", "multipleOf": 8721, "not": sixes}
    schema = {"properties": {"k": {**n, "exclusiveMaximum": -10000, "exclusiveMinimum": -100000}}}
    with pytest.raises(corral.SchemaLimitError) as e:
        corral.Grammar.from_json_schema(schema)
    assert (e.value.pointer, e.value.keyword) == ("#/properties/k", "multipleOf")
    g = corral.Grammar.from_json_schema(schema, lenient=True)
    assert [(a["pointer"], a["keyword"]) for a in g.approximations] == [
        ("#/properties/k", "multipleOf")
    ]
    # Every valid value is still accepted; the range still holds, the conditions left out
    # no longer refuse.
    assert accepts(g, '{"k": -26163}') and accepts(g, '{"k": -26164}')
    assert not accepts(g, '{"k": -5}') and not accepts(g, '{"k": "x"}')
