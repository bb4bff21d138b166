"""The byte-level matcher (ByteMatcher) and Grammar API."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import corral
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

GRAMMARS = Path(__file__).resolve().parents[1] / "grammars"
# The grammar as written (no bound on whitespace runs): compared with json.loads.
JSON = corral.Grammar.from_file(GRAMMARS / "json.lark", whitespace_limit=None)


def accepts(g: corral.Grammar, data: bytes) -> bool:
    m = g.matcher()
    return m.consume_bytes(data) and m.is_accepting()


def strict_json(data: bytes) -> bool:
    def no_constants(name: str) -> None:
        raise ValueError(name)

    try:
        json.loads(data.decode("utf-8"), parse_constant=no_constants)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return False
    return True


def test_rollback_fork_and_errors() -> None:
    m = JSON.matcher()
    assert m.consume_bytes(b'{"a"')
    assert m.consume_bytes(b": [1")
    f = m.fork()
    assert not m.consume_bytes(b"}")
    assert m.is_error() and m.error_position == 8
    assert "expected one of" in (m.error() or "")
    assert m.bytes_consumed == 8
    assert not m.consume_bytes(b"]")  # sticky
    m.rollback(2)
    assert not m.is_error()
    assert m.consume_bytes(b"]}") and m.is_accepting()
    # The fork is independent.
    assert f.bytes_consumed == 8 and not f.is_accepting()
    assert f.consume_bytes(b", 2]}") and f.is_accepting()
    with pytest.raises(IndexError):
        f.rollback(100)
    f.reset()
    assert f.bytes_consumed == 0 and f.consume_bytes(b"null") and f.is_accepting()


def test_forced_bytes_and_expected() -> None:
    g = corral.Grammar.from_lark('start: "SELECT" " " NAME " FROM " NAME\nNAME: /[a-z]+/\n')
    m = g.matcher()
    assert m.forced_bytes() == b"SELECT "
    assert m.bytes_consumed == 0  # unchanged
    assert m.consume_bytes(b"SELECT a")
    assert m.forced_bytes() == b""  # more letters or " FROM "
    assert set(m.expected()) == {"NAME", '" FROM "'}
    assert m.consume_bytes(b" ")
    assert m.forced_bytes() == b"FROM "
    m2 = JSON.matcher()
    assert m2.consume_bytes(b"tr") and m2.forced_bytes() == b"ue"


def test_is_finished() -> None:
    g = corral.Grammar.from_lark('start: "a" "b"?\n')
    m = g.matcher()
    assert m.consume_bytes(b"a") and m.is_accepting() and not m.is_finished()
    assert m.consume_bytes(b"b") and m.is_finished()
    m = JSON.matcher()
    assert m.consume_bytes(b"{}") and m.is_accepting()
    assert not m.is_finished()  # whitespace may follow


def test_grammar_errors_carry_locations() -> None:
    with pytest.raises(corral.GrammarError) as ei:
        corral.Grammar.from_lark('start: a\na: "x" b\n', path="g.lark")
    e = ei.value
    assert (e.line, e.column, e.file) == (2, 8, "g.lark")
    assert "undefined rule `b`" in str(e) and "^" in str(e)
    assert isinstance(e, ValueError)
    with pytest.raises(corral.NotSupportedError, match="look-behind"):
        corral.Grammar.from_lark("start: A\nA: /(?<=a)b/\n")
    with pytest.raises(corral.NotSupportedError, match="back-reference"):
        corral.Grammar.from_lark("start: A\nA: /(a)\\1/\n")
    with pytest.raises(corral.GrammarError, match="no rule `start`"):
        corral.Grammar.from_lark('value: "x"\n')
    g = corral.Grammar.from_lark('value: "x"\n', start="value")
    assert accepts(g, b"x")


def test_warnings() -> None:
    g = corral.Grammar.from_lark('start: A\nA: "a"\nB: "b"\nunused: "c"\nE: /x*/\n%ignore E\n')
    text = "\n".join(g.warnings)
    assert "terminal `B` is defined but never used" in text
    assert "rule `unused` is defined but never used" in text
    assert "matches the empty string" in text
    g = corral.Grammar.from_lark("start: NAME | HEX\nNAME: /[a-z]+/\nHEX: /[0-9a-f]+/\n")
    assert any('NAME and HEX can match the same text, e.g. "a"' in w for w in g.warnings)


def test_imports_of_other_files(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "nums.lark").write_text(
        'number: DIGITS ("." DIGITS)?\nDIGITS: /[0-9]+/\n_SEP: ","\n'
    )
    main = tmp_path / "main.lark"
    main.write_text(
        "%import .lib.nums.number\n"
        "%import .lib.nums (DIGITS)\n"
        "%import .lib.nums._SEP -> COMMA\n"
        "start: number (COMMA number)* | DIGITS\n"
    )
    g = corral.Grammar.from_file(main)
    assert accepts(g, b"1.5,2,3.25") and accepts(g, b"7") and not accepts(g, b"1.")
    with pytest.raises(corral.GrammarError, match="cannot find"):
        corral.Grammar.from_lark("%import .nope.x\nstart: x\n", path=str(main))


def test_limits_are_errors_not_hangs() -> None:
    g = corral.Grammar.from_lark("start: A\nA: /[a-z]{0,300}/\n", max_lexer_states=50)
    m = g.matcher()
    with pytest.raises(corral.LimitError, match="max_lexer_states"):
        m.consume_bytes(b"a" * 200)
    assert "limit" in (m.error() or "")


def test_dfa_memory_cap_is_an_error() -> None:
    with pytest.raises(corral.GrammarError, match="cannot be compiled") as ei:
        corral.Grammar.from_lark("start: A\nA: /\\w{2000}/\n", max_dfa_bytes=100_000)
    assert ei.value.line == 2
    assert corral.Grammar.from_lark("start: A\nA: /[a-z]{20}/\n", max_dfa_bytes=10_000_000)
    # Terminal DFAs are built lazily: an exponential DFA is fine until its
    # cache cap is reached, which is an error at that byte.
    rng = random.Random(0)
    text = bytes(rng.choice(b"ab") for _ in range(3000))
    lazy = "start: A\nA: /[ab]*a[ab]{14}/\n"
    m = corral.Grammar.from_lark(lazy).matcher()
    assert m.consume_bytes(text) and m.is_accepting() == (text[-15] == ord("a"))
    m = corral.Grammar.from_lark(lazy, max_dfa_bytes=60_000).matcher()
    with pytest.raises(corral.LimitError, match="max_dfa_bytes"):
        m.consume_bytes(text)
    assert "max_dfa_bytes" in (m.error() or "")


def test_lookahead_terminals() -> None:
    g = corral.Grammar.from_lark(
        'start: (KW | NAME)+\nKW: /if(?![a-z])/\nNAME: /[a-z]+/\n%ignore " "\n'
    )
    assert accepts(g, b"if x") and accepts(g, b"iffy")
    g = corral.Grammar.from_lark('start: KW NAME\nKW: /if(?![a-z])/\nNAME: /[a-z]+/\n%ignore " "\n')
    assert accepts(g, b"if x") and not accepts(g, b"ifx")


def test_sample_strings_are_in_the_language() -> None:
    for name in ["json", "arith", "csv"]:
        g = corral.Grammar.from_file(GRAMMARS / f"{name}.lark")
        samples = g.sample(20, seed=7)
        assert len(samples) == 20
        for s in samples:
            assert accepts(g, s.encode())
    for s in JSON.sample(30, seed=1):
        assert strict_json(s.encode()), s


def _json_values() -> st.SearchStrategy[object]:
    scalars = (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False, allow_infinity=False)
        | st.text()
    )
    return st.recursive(
        scalars,
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=5), c, max_size=4),
        max_leaves=12,
    )


@settings(max_examples=300, deadline=None)
@given(value=_json_values(), indent=st.sampled_from([None, 0, 2]), seed=st.integers(0, 2**32))
def test_json_agrees_with_json_loads(value: object, indent: int | None, seed: int) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=bool(seed & 1)).encode()
    assert accepts(JSON, text)
    # Mutations: delete, insert or replace one byte.
    rnd = random.Random(seed)
    for _ in range(4):
        data = bytearray(text)
        i = rnd.randrange(len(data) + 1)
        op = rnd.randrange(3)
        byte = rnd.choice(b'{}[]",:0123456789.eE+-tfnrul \\\n\t\x01ab')
        if op == 0 and i < len(data):
            del data[i]
        elif op == 1:
            data.insert(i, byte)
        elif i < len(data):
            data[i] = byte
        assert accepts(JSON, bytes(data)) == strict_json(bytes(data)), bytes(data)


def _machine_json_files(limit: int = 150) -> list[Path]:
    roots = [Path(p) for p in {os.path.dirname(json.__file__), *__import__("sys").path} if p]
    found: list[Path] = []
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*.json")):
            try:
                if 0 < path.stat().st_size < 2_000_000:
                    found.append(path)
            except OSError:
                continue
            if len(found) >= limit * 4:
                break
    random.Random(0).shuffle(found)
    return found[:limit]


def test_json_agrees_on_real_files_found_on_this_machine() -> None:
    files = _machine_json_files()
    assert len(files) >= 20, "expected JSON files in the installed packages"
    for path in files:
        data = path.read_bytes()
        assert accepts(JSON, data) == strict_json(data), path


def test_one_megabyte_json() -> None:
    data = (Path(__file__).resolve().parents[1] / "benches" / "data" / "doc.json").read_bytes()
    assert len(data) > 1_000_000
    m = JSON.matcher()
    assert m.consume_bytes(data) and m.is_accepting()
