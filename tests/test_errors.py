"""The error classes: one per source and kind, each instance carrying the
attributes its stub declares.

A grammar's errors are `GrammarError`s (`.line`, `.column`, `.file`), a JSON
Schema's `SchemaError`s (`.pointer`, `.keyword`); a missing feature is also a
`NotSupportedError`, a budget also a `LimitError` (`.limit` names it). The
kind comes from where the error is made, never from its message.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import corral
import numpy as np
import pytest
from conftest import corral_vocab

STUBS = Path(corral.__file__).parent / "_core.pyi"


def declared_attributes() -> dict[str, dict[str, str]]:
    """Each exception class of the stubs: its annotated attributes (its
    bases' included) and their annotations, as written."""
    tree = ast.parse(STUBS.read_text())
    classes = {c.name: c for c in tree.body if isinstance(c, ast.ClassDef)}

    def attrs(name: str) -> dict[str, str]:
        c = classes.get(name)
        if c is None:
            return {}
        out: dict[str, str] = {}
        for b in c.bases:
            if isinstance(b, ast.Name):
                out.update(attrs(b.id))
        for node in c.body:
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                out[node.target.id] = ast.unparse(node.annotation)
        return out

    return {n: attrs(n) for n in classes if n.endswith("Error")}


DECLARED = declared_attributes()
TYPES = {"int": int, "str": str, "None": type(None)}


def check_against_stubs(e: BaseException) -> None:
    """Every attribute the stub of `type(e)` declares is there, of its type."""
    name = type(e).__name__
    assert name in DECLARED, f"{name} is not in the stubs"
    for attr, annotation in DECLARED[name].items():
        assert hasattr(e, attr), f"{name} has no .{attr}"
        allowed = tuple(TYPES[t.strip()] for t in annotation.split("|"))
        assert isinstance(getattr(e, attr), allowed), (name, attr, getattr(e, attr))


def raised(f: Callable[[], Any]) -> BaseException:
    with pytest.raises(corral.CorralError) as e:
        f()
    return e.value


LARK = corral.Grammar.from_lark
SCHEMA = corral.Grammar.from_json_schema

# (what, how, class, limit)
CASES: list[tuple[str, Callable[[], Any], type[BaseException], str | None]] = [
    ("lark syntax", lambda: LARK("start: (\n"), corral.GrammarError, None),
    ("lark undefined rule", lambda: LARK("start: a\n"), corral.GrammarError, None),
    ("invalid regex", lambda: LARK("start: /a(/\n"), corral.GrammarError, None),
    (
        "look-behind",
        lambda: LARK("start: /(?<=a)b/\n"),
        corral.GrammarNotSupportedError,
        None,
    ),
    (
        "named escape",
        lambda: LARK('start: "\\N{BULLET}"\n'),
        corral.GrammarNotSupportedError,
        None,
    ),
    (
        "bundled import",
        lambda: LARK("%import python.NAME\nstart: NAME\n"),
        corral.GrammarNotSupportedError,
        None,
    ),
    (
        "bracket nesting",
        lambda: LARK("start: " + "(" * 20 + '"a"' + ")" * 20 + "\n", max_nesting=10),
        corral.GrammarLimitError,
        "max_nesting",
    ),
    (
        "productions",
        lambda: LARK('start: "a"~5000000\n'),
        corral.GrammarLimitError,
        "max_productions",
    ),
    (
        "lexer states",
        lambda: LARK('start: "ab"\n', max_lexer_states=0),
        corral.GrammarLimitError,
        "max_lexer_states",
    ),
    (
        "dfa bytes",
        lambda: LARK("start: /[a-z]{0,300}x/\n", max_dfa_bytes=4096),
        corral.GrammarLimitError,
        "max_dfa_bytes",
    ),
    ("schema invalid", lambda: SCHEMA({"type": "wat"}), corral.SchemaError, None),
    ("schema not JSON", lambda: SCHEMA("{nope"), corral.SchemaError, None),
    (
        "schema feature",
        lambda: SCHEMA({"$ref": "https://example.com/other.json"}),
        corral.SchemaNotSupportedError,
        None,
    ),
    (
        "schema pattern feature",
        lambda: SCHEMA({"type": "string", "pattern": "(a)\\1"}),
        corral.SchemaNotSupportedError,
        None,
    ),
    (
        "schema depth",
        lambda: SCHEMA({"items": {"items": {"items": {}}}}, max_depth=2),
        corral.SchemaLimitError,
        "max_depth",
    ),
]


@pytest.mark.parametrize(("what", "how", "cls", "limit"), CASES, ids=[c[0] for c in CASES])
def test_each_error_has_its_class_and_attributes(
    what: str, how: Callable[[], Any], cls: type[BaseException], limit: str | None
) -> None:
    e = raised(how)
    assert type(e) is cls, (what, type(e), e)
    check_against_stubs(e)
    assert getattr(e, "limit", None) == limit
    is_grammar = isinstance(e, corral.GrammarError)
    is_schema = isinstance(e, corral.SchemaError)
    assert is_grammar != is_schema, "one source"
    assert isinstance(e, corral.LimitError) == (limit is not None)
    if isinstance(e, corral.NotSupportedError):
        assert "not supported" in str(e)
    if is_grammar:
        assert e.line > 0 and e.column > 0, e  # type: ignore[attr-defined]


def test_the_classes_form_one_family() -> None:
    for name in DECLARED:
        cls = getattr(corral, name)
        assert issubclass(cls, corral.CorralError) and issubclass(cls, ValueError), name
    pairs = {
        corral.GrammarNotSupportedError: (corral.GrammarError, corral.NotSupportedError),
        corral.GrammarLimitError: (corral.GrammarError, corral.LimitError),
        corral.SchemaNotSupportedError: (corral.SchemaError, corral.NotSupportedError),
        corral.SchemaLimitError: (corral.SchemaError, corral.LimitError),
    }
    for cls, bases in pairs.items():
        assert all(issubclass(cls, b) for b in bases), cls
    assert not issubclass(corral.SchemaError, corral.GrammarError)
    assert not issubclass(corral.GrammarError, corral.SchemaError)
    assert issubclass(corral.TokenError, IndexError)


def test_matching_budgets_name_their_limit() -> None:
    ambiguous = 'start: x\nx: x x | /[a-z]+/ | " "\n'
    m = LARK(ambiguous, max_chart_bytes=256 << 10).matcher()
    e = raised(lambda: m.consume_bytes(b"ab " * 5000))
    assert type(e) is corral.LimitError and e.limit == "max_chart_bytes"  # type: ignore[attr-defined]
    check_against_stubs(e)

    v = corral_vocab("gpt2")
    tm = corral.CompiledGrammar(LARK(ambiguous), v, max_walk_states=5).matcher()
    mask = np.zeros(v.mask_words, dtype=np.int32)
    e = raised(lambda: tm.fill_mask(mask))
    assert type(e) is corral.LimitError and e.limit == "max_walk_states"  # type: ignore[attr-defined]
    check_against_stubs(e)


def test_bad_token_ids_are_token_errors() -> None:
    v = corral_vocab("gpt2")
    m = corral.CompiledGrammar(LARK('start: "a"\n'), v).matcher()
    e = raised(lambda: m.consume(v.vocab_size + 5))
    assert isinstance(e, corral.TokenError) and isinstance(e, IndexError)
    check_against_stubs(e)


def test_a_schema_inside_lark_is_a_grammar_error_at_its_place() -> None:
    e = raised(lambda: LARK('start: %json {"type": "nope"}\n'))
    assert type(e) is corral.GrammarError
    assert (e.line, e.column) == (1, 8)  # type: ignore[attr-defined]
