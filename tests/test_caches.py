"""The caches an application relies on: grammars by schema or Lark text,
compiled grammars by (fingerprint, vocabulary) bounded in bytes and entries,
vocabularies by tokenizer content; their bounds, and their use from many
threads. A second `generate` with the same tokenizer and schema compiles
nothing."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import corral
import numpy as np
import pytest
from corral import _inputs, _mask
from corral._inputs import as_grammar, bind, check_not_empty

ROOT = Path(__file__).resolve().parent.parent
TOKENIZERS = ROOT / "tests/data/tokenizers"


@pytest.fixture(autouse=True)
def fresh_limits() -> Iterator[None]:
    """Every test starts with empty caches and the default bounds, and
    leaves them so."""
    defaults = corral.cache_info()

    def restore() -> None:
        corral.set_cache_limits(
            compiled_bytes=defaults["compiled_bytes_limit"],
            compiled_grammars=defaults["compiled_grammars_limit"],
            grammars=defaults["grammars_limit"],
            vocabularies=defaults["vocabularies_limit"],
        )
        corral.clear_caches()

    restore()
    yield
    restore()


def small_vocab() -> corral.Vocabulary:
    return corral.Vocabulary.from_bytes(
        [b"{", b"}", b'"', b"a", b"b", b":", b",", b"1", b" ", b"</s>"], eos_token_id=9
    )


def schema(i: int) -> dict[str, object]:
    return {"type": "object", "properties": {f"k{i}": {"type": "integer"}}}


def test_a_schema_is_compiled_once_by_its_text_and_options() -> None:
    s = schema(1)
    g = as_grammar(s)
    assert as_grammar(json.loads(json.dumps(s))) is g  # an equal dict, another object
    assert as_grammar(json.dumps(s)) is not g  # JSON text is its own entry...
    assert as_grammar(json.dumps(s)) is as_grammar(json.dumps(s))  # ...and kept too
    assert as_grammar(s, profile="validate") is not g
    # Key order is part of the key: the generate profile writes keys in order.
    two = {"type": "object", "properties": {"a": {}, "b": {}}}
    swapped = {"type": "object", "properties": {"b": {}, "a": {}}}
    assert as_grammar(two) is not as_grammar(swapped)
    lark = 'start: "a"+\n'
    assert as_grammar(lark) is as_grammar(lark)
    assert as_grammar(lark, whitespace_limit=3) is not as_grammar(lark)
    assert corral.cache_info()["grammars"] == 7


def test_what_is_not_cached_still_builds_and_fails_as_before(tmp_path: Path) -> None:
    f = tmp_path / "s.json"
    f.write_text(json.dumps(schema(2)))
    assert as_grammar(str(f)) is not as_grammar(str(f))  # files may change
    with pytest.raises(corral.SchemaError, match="NaN"):
        as_grammar({"const": float("nan")})
    with pytest.raises(corral.SchemaError, match="NaN"):
        as_grammar({"const": float("nan")})  # an error is never cached
    with pytest.raises(TypeError, match="not JSON"):
        as_grammar({"type": object()})
    assert corral.cache_info()["grammars"] == 0


def test_the_grammar_cache_keeps_the_most_recently_used() -> None:
    corral.set_cache_limits(grammars=2)
    a, b = as_grammar(schema(1)), as_grammar(schema(2))
    assert as_grammar(schema(1)) is a  # now the most recent
    as_grammar(schema(3))  # drops schema 2
    assert as_grammar(schema(1)) is a
    assert as_grammar(schema(2)) is not b
    assert corral.cache_info()["grammars"] == 2
    corral.set_cache_limits(grammars=0)
    assert corral.cache_info()["grammars"] == 0
    assert as_grammar(schema(1)) is not as_grammar(schema(1))


def test_compiled_grammars_are_bounded_in_entries_and_bytes() -> None:
    v = small_vocab()
    corral.set_cache_limits(compiled_grammars=2)
    cgs = [corral.compile(corral.Grammar.from_json_schema(schema(i)), v) for i in range(3)]
    info = corral.cache_info()
    assert info["compiled_grammars"] == 2
    assert corral.compile(cgs[2].grammar, v) is cgs[2]
    assert corral.compile(cgs[0].grammar, v) is not cgs[0]  # dropped, compiled again
    # A byte bound below one entry keeps only the newest.
    corral.set_cache_limits(compiled_grammars=100, compiled_bytes=1)
    assert corral.cache_info()["compiled_grammars"] == 1
    corral.set_cache_limits(compiled_bytes=1 << 30)
    for i in range(5):
        corral.compile(corral.Grammar.from_json_schema(schema(i)), v)
    info = corral.cache_info()
    assert info["compiled_grammars"] == 5
    # Each entry counts its mask cache.
    assert info["compiled_bytes"] >= 5 * (64 << 10)
    # The vocabulary is part of the key.
    other = small_vocab()
    g = corral.Grammar.from_json_schema(schema(0))
    assert corral.compile(g, other) is not corral.compile(g, v)


def test_cache_limits_are_checked() -> None:
    for bad in (-1, 1.5, True, "8"):
        with pytest.raises(ValueError, match="non-negative int"):
            corral.set_cache_limits(grammars=bad)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="non-negative int"):
            corral.set_cache_limits(compiled_bytes=bad)  # type: ignore[arg-type]


def test_caches_under_threads() -> None:
    """Many threads asking for the same few schemas at once: every answer is
    a working grammar, and afterwards each schema has one cached entry."""
    v = small_vocab()
    corral.set_cache_limits(grammars=4, compiled_grammars=4)
    errors: list[BaseException] = []
    got: list[tuple[int, corral.CompiledGrammar]] = []
    lock = threading.Lock()

    def work(t: int) -> None:
        try:
            for j in range(40):
                i = (t + j) % 6
                cg = corral.compile(as_grammar(schema(i)), v)  # type: ignore[arg-type]
                m = cg.matcher()
                assert m.consume_tokens([0, 2]) == 2  # `{"`
                with lock:
                    got.append((i, cg))
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    assert len(got) == 8 * 40
    info = corral.cache_info()
    assert info["grammars"] <= 4 and info["compiled_grammars"] <= 4
    # Each cached grammar is the one a caller got.
    ids = {id(cg) for _, cg in got}
    assert all(id(cg) in ids for _, cg in _mask._CACHE.values())


def test_check_not_empty_is_done_once_per_compiled_grammar() -> None:
    v = small_vocab()
    cg = corral.compile(corral.Grammar.from_json_schema(schema(1)), v)
    check_not_empty(cg)
    assert cg in _inputs._NOT_EMPTY
    empty = corral.compile(
        corral.Grammar.from_json_schema({"allOf": [{"type": "string"}, {"type": "integer"}]}), v
    )
    for _ in range(2):  # an empty language is refused every time
        with pytest.raises(ValueError, match="language is empty"):
            check_not_empty(empty)
    assert empty not in _inputs._NOT_EMPTY


def test_a_second_call_with_the_same_tokenizer_and_schema_compiles_nothing() -> None:
    """What `generate` does before its first forward pass, twice: the second
    time every step is a cache hit and returns the same objects."""
    tokenizers = pytest.importorskip("tokenizers")
    transformers = pytest.importorskip("transformers")
    path = TOKENIZERS / "llama3/tokenizer.json"
    tok = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tokenizers.Tokenizer.from_file(str(path))
    )
    tok.eos_token = "<|end_of_text|>"
    width = len(tok)
    person = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
        "required": ["name", "age"],
    }
    first = bind(as_grammar(person), tok, width, None)  # type: ignore[arg-type]
    again = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tokenizers.Tokenizer.from_file(str(path))
    )
    again.eos_token = "<|end_of_text|>"
    # An equal schema and a tokenizer loaded again: the same compiled grammar.
    second = bind(as_grammar(json.loads(json.dumps(person))), again, width, None)  # type: ignore[arg-type]
    assert second is first
    mask = np.zeros((1, second.mask_words), dtype=np.int32)
    corral.fill_masks([second.matcher()], mask)
    assert mask.any()
