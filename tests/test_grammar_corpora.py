"""The grammar corpora: every grammars/NAME.toml next to a grammars/NAME.lark.

A corpus holds ``[[accept]]`` and ``[[reject]]`` tables, each with a ``text``
and an optional ``note``. The reference is lark's Earley parser with
lexer="dynamic_complete" on NAME.lark: the corpus must agree with it (so a
wrong corpus case fails here, not only corral), and corral must agree with the
corpus. json.toml must also agree with Python's json.loads.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import corral
import pytest
import tomllib
from grammar_strategies import (
    GRAMMARS_DIR,
    corral_accepts,
    json_loads_accepts,
    lark_accepts,
    reference,
)


def _corpora() -> list[Path]:
    return sorted(p for p in GRAMMARS_DIR.glob("*.toml") if p.with_suffix(".lark").is_file())


@functools.cache
def _load(path: Path) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


@functools.cache
def _corral_grammar(path: Path) -> Any:
    # The language the corpora describe (and the Rust tests read): the
    # grammar as written, without a bound on whitespace runs.
    return corral.Grammar.from_file(path, whitespace_limit=None)


CORPORA = [pytest.param(p, id=p.stem) for p in _corpora()]
CASES = [
    pytest.param(p, kind, i, case.get("text"), id=f"{p.stem}-{kind}-{i:02d}")
    for p in _corpora()
    for kind in ("accept", "reject")
    for i, case in enumerate(_load(p).get(kind, []))
]
JSON_CASES = [c for c in CASES if c.values[0].stem == "json"]


def test_corpora_found() -> None:
    names = {p.stem for p in _corpora()}
    assert {"json", "arith", "csv", "lark"} <= names


@pytest.mark.parametrize("path", CORPORA)
def test_corpus_shape(path: Path) -> None:
    data = _load(path)
    assert set(data) <= {"accept", "reject"}, f"unknown top-level keys: {set(data)}"
    assert data.get("accept"), "no [[accept]] cases"
    assert data.get("reject"), "no [[reject]] cases"
    texts = []
    for kind in ("accept", "reject"):
        for i, case in enumerate(data[kind]):
            assert set(case) <= {"text", "note"}, f"{kind}[{i}]: unknown keys {set(case)}"
            assert isinstance(case.get("text"), str), f"{kind}[{i}]: no text"
            assert isinstance(case.get("note", ""), str), f"{kind}[{i}]: note is not a string"
            texts.append(case["text"])
    duplicates = sorted({t for t in texts if texts.count(t) > 1})
    assert not duplicates, f"texts listed twice: {duplicates}"


@pytest.mark.parametrize(("path", "kind", "index", "text"), CASES)
def test_lark_agrees_with_corpus(path: Path, kind: str, index: int, text: str) -> None:
    """The reference check: the corpus says what lark says."""
    parser = reference(path.with_suffix(".lark"))
    assert lark_accepts(parser, text) == (kind == "accept"), f"lark disagrees: {text!r}"


@pytest.mark.parametrize(("path", "kind", "index", "text"), JSON_CASES)
def test_json_corpus_agrees_with_json_loads(path: Path, kind: str, index: int, text: str) -> None:
    assert json_loads_accepts(text) == (kind == "accept"), f"json.loads disagrees: {text!r}"


@pytest.mark.parametrize(("path", "kind", "index", "text"), CASES)
def test_corral_agrees_with_corpus(path: Path, kind: str, index: int, text: str) -> None:
    g = _corral_grammar(path.with_suffix(".lark"))
    data = text.encode()
    if kind == "accept":
        # Every prefix of a text in the language is a viable prefix.
        m = g.matcher()
        for i in range(len(data)):
            assert m.consume_bytes(data[i : i + 1]), (
                f"corral rejects byte {i} ({data[i : i + 1]!r}) of {text!r}: {m.error()}"
            )
        assert m.is_accepting(), f"corral does not accept {text!r}"
        assert corral_accepts(g, text)
    else:
        assert not corral_accepts(g, text), f"corral accepts {text!r}"
