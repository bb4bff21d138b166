"""The pathological corpus: inputs that once crashed, hung or exhausted memory.

Each case builds its input, compiles it and (where it has one) consumes or
masks, recording the time of each part. A case passes when it finishes
within its bounds or ends in one of corral's typed errors; it must never
crash the process. Both ``tests/test_pathological.py`` (generous bounds, as
hang guards) and ``benches/pathological.py`` (the table in
``benches/RESULTS.md``) run every case in a child process of its own, so a
crash shows as a failed case and memory is measured per case.

Run one case by hand: ``python tests/pathological.py CASE``.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
GRAMMARS = Path(__file__).parent.parent / "grammars"

# The targets of the issue that filed this corpus; tests use ten times these.
COMPILE_S = 1.0
MASK_S = 0.010


class Probe:
    """Times the parts of one case."""

    def __init__(self) -> None:
        self.compile_s = 0.0
        self.mask_s: list[float] = []
        self.consume_s = 0.0
        self.notes: list[str] = []

    def compile(self, build: Callable[[], Any]) -> Any:
        t = time.perf_counter()
        try:
            return build()
        finally:
            self.compile_s += time.perf_counter() - t

    def consume_bytes(self, m: Any, data: bytes) -> bool:
        t = time.perf_counter()
        try:
            return bool(m.consume_bytes(data))
        finally:
            self.consume_s += time.perf_counter() - t

    def masks(self, cg: Any, data: bytes, steps: int = 8) -> None:
        """Masks along `data`, consumed token by token (greedy longest match)."""
        import numpy as np

        v = cg.vocab
        m = cg.matcher()
        buf = np.zeros((1, v.mask_words), np.int32)
        tokens = _tokenize(v, data)
        for tok in [None, *tokens][: steps + 1]:
            if tok is not None and not m.consume(tok):
                self.notes.append(f"token {tok} refused")
                return
            t = time.perf_counter()
            try:
                m.fill_mask(buf, 0)
            finally:
                self.mask_s.append(time.perf_counter() - t)


def _tokenize(v: Any, data: bytes) -> list[int]:
    out = []
    i = 0
    while i < len(data):
        for n in range(min(len(data) - i, v.max_token_len), 0, -1):
            ids = [
                t
                for t in v.tokens_with_prefix(data[i : i + n])
                if v.token_bytes(t) == data[i : i + n]
            ]
            if ids:
                out.append(ids[0])
                i += n
                break
        else:
            raise ValueError(f"no token for byte {data[i]} at {i}")
    return out


def _vocab(name: str) -> Any:
    import corral

    return corral.Vocabulary.from_file(DATA / "tokenizers" / name)


def _nested(depth: int, leaf: Any, key: str) -> dict[str, Any]:
    d: Any = leaf
    for _ in range(depth):
        d = {key: d}
    return dict(d)


# --- the cases -------------------------------------------------------------

CASES: dict[str, Callable[[Probe], None]] = {}


def case(fn: Callable[[Probe], None]) -> Callable[[Probe], None]:
    CASES[fn.__name__] = fn
    return fn


@case
def lark_nested_parens(p: Probe) -> None:
    import corral

    g = p.compile(lambda: corral.Grammar.from_lark("start: " + "(" * 10000 + '"a"' + ")" * 10000))
    p.consume_bytes(g.matcher(), b"a")


@case
def lark_nested_brackets(p: Probe) -> None:
    import corral

    p.compile(lambda: corral.Grammar.from_lark("start: " + "[" * 10000 + '"a"' + "]" * 10000))


@case
def lark_nested_alternatives(p: Probe) -> None:
    import corral

    p.compile(lambda: corral.Grammar.from_lark("start: " + '("a" | ' * 5000 + '"b"' + ")" * 5000))


@case
def lark_parens_in_terminal(p: Probe) -> None:
    import corral

    p.compile(lambda: corral.Grammar.from_lark("start: A\nA: " + "(" * 10000 + '"a"' + ")" * 10000))


@case
def lark_groups_in_regex(p: Probe) -> None:
    import corral

    p.compile(
        lambda: corral.Grammar.from_lark("start: A\nA: /" + "(" * 10000 + "a" + ")" * 10000 + "/")
    )


@case
def lark_rule_chain_20000(p: Probe) -> None:
    import corral

    n = 20000
    text = "start: r0\n" + "".join(f"r{i}: r{i + 1}\n" for i in range(n - 1)) + f'r{n - 1}: "a"\n'
    g = p.compile(lambda: corral.Grammar.from_lark(text))
    p.consume_bytes(g.matcher(), b"a")


@case
def lark_optional_3000(p: Probe) -> None:
    import corral

    g = p.compile(lambda: corral.Grammar.from_lark("start: " + " ".join(['"a"?'] * 3000)))
    m = g.matcher()
    if not p.consume_bytes(m, b"a" * 3000) or not m.is_accepting():
        raise AssertionError("3000 a's rejected")


@case
def json_array_16mb(p: Probe) -> None:
    import corral

    g = p.compile(lambda: corral.Grammar.from_file(GRAMMARS / "json.lark"))
    m = g.matcher()
    data = b"[" + b"1," * (8 << 20) + b"1]"
    if not p.consume_bytes(m, data) or not m.is_accepting():
        raise AssertionError("array rejected")


@case
def json_nested_arrays_100k(p: Probe) -> None:
    import corral

    g = p.compile(lambda: corral.Grammar.from_file(GRAMMARS / "json.lark"))
    m = g.matcher()
    n = 100_000
    if not p.consume_bytes(m, b"[" * n + b"]" * n) or not m.is_accepting():
        raise AssertionError("nested arrays rejected")


@case
def mask_exponential_splits_gpt2(p: Probe) -> None:
    import corral

    g = p.compile(lambda: corral.Grammar.from_lark("start: (A | B)+\nA: /[a-z]/\nB: /[a-z]{2}/\n"))
    v = _vocab("gpt2")
    cg = p.compile(lambda: corral.compile(g, v))
    p.masks(cg, b"abcdefghijklmnopqrstuvwxyz")


@case
def mask_exponential_splits_long_token(p: Probe) -> None:
    import corral

    v = corral.Vocabulary.from_bytes([b"a", b"a" * 64, b"</s>"], eos_token_id=2)
    g = p.compile(lambda: corral.Grammar.from_lark("start: (A | B)+\nA: /[a-z]/\nB: /[a-z]{2}/\n"))
    cg = p.compile(lambda: corral.compile(g, v))
    p.masks(cg, b"a" * 200)


@case
def mask_ambiguous_nesting_llama3(p: Probe) -> None:
    import corral

    g = p.compile(lambda: corral.Grammar.from_lark('start: x\nx: x x | /[a-z]+/ | " "\n'))
    v = _vocab("llama3")
    cg = p.compile(lambda: corral.compile(g, v))
    p.masks(cg, b"hello world this is a test")


@case
def mask_many_literals_llama3(p: Probe) -> None:
    import corral

    text = "start: " + " | ".join(f'"w{i}"' for i in range(20_000)) + "\n"
    g = p.compile(lambda: corral.Grammar.from_lark(text))
    v = _vocab("llama3")
    cg = p.compile(lambda: corral.compile(g, v))
    p.masks(cg, b"w12345")


@case
def mask_enum_of_objects_llama3(p: Probe) -> None:
    import corral

    schema = {"enum": [{"a": i} for i in range(10_000)]}
    g = p.compile(lambda: corral.Grammar.from_json_schema(schema))
    v = _vocab("llama3")
    cg = p.compile(lambda: corral.compile(g, v))
    p.masks(cg, b'{"a": 1234}')


@case
def schema_long_const(p: Probe) -> None:
    import corral

    g = p.compile(lambda: corral.Grammar.from_json_schema({"const": "x" * 300_000}))
    m = g.matcher()
    if not p.consume_bytes(m, b'"' + b"x" * 300_000 + b'"') or not m.is_accepting():
        raise AssertionError("the const was rejected")


@case
def schema_long_property_name(p: Probe) -> None:
    import corral

    name = "k" * 300_000
    p.compile(
        lambda: corral.Grammar.from_json_schema(
            {"type": "object", "properties": {name: {"type": "integer"}}, "required": [name]}
        )
    )


@case
def schema_long_enum_strings(p: Probe) -> None:
    import corral

    p.compile(lambda: corral.Grammar.from_json_schema({"enum": ["y" * 100_000, "z" * 200_000]}))


@case
def lark_long_json_const(p: Probe) -> None:
    import corral

    text = json.dumps({"const": "x" * 300_000})
    p.compile(lambda: corral.Grammar.from_lark(f"start: %json {text}\n"))


@case
def schema_nested_dict_1000(p: Probe) -> None:
    import corral

    p.compile(lambda: corral.Grammar.from_json_schema(_nested(1000, {"type": "integer"}, "items")))


@case
def schema_nested_text_10000(p: Probe) -> None:
    import corral

    n = 10_000
    text = '{"items": ' * n + '{"type": "integer"}' + "}" * n
    p.compile(lambda: corral.Grammar.from_json_schema(text))


@case
def schema_nested_text_100000(p: Probe) -> None:
    import corral

    n = 100_000
    text = '{"items": ' * n + "true" + "}" * n
    p.compile(lambda: corral.Grammar.from_json_schema(text))


@case
def schema_min_contains_100000(p: Probe) -> None:
    import corral

    p.compile(
        lambda: corral.Grammar.from_json_schema(
            {"type": "array", "contains": {"type": "integer"}, "minContains": 100_000}
        )
    )


@case
def schema_one_of_70_patterns(p: Probe) -> None:
    import corral

    schema = {"oneOf": [{"type": "string", "pattern": f"^p{i}[a-z]+[0-9]*$"} for i in range(70)]}
    p.compile(lambda: corral.Grammar.from_json_schema(schema))


@case
def schema_max_length_huge(p: Probe) -> None:
    import corral

    p.compile(lambda: corral.Grammar.from_json_schema({"type": "string", "maxLength": 10**9}))


@case
def regex_nested_groups(p: Probe) -> None:
    import corral

    p.compile(lambda: corral.Grammar.from_regex("(" * 10000 + "a" + ")" * 10000))


@case
def regex_huge_repeat(p: Probe) -> None:
    import corral

    g = p.compile(lambda: corral.Grammar.from_regex("(a{1000}){1000}"))
    p.consume_bytes(g.matcher(), b"a" * 1000)


@case
def chart_budget(p: Probe) -> None:
    import corral

    g = p.compile(
        lambda: corral.Grammar.from_lark(
            'start: x\nx: x x | /[a-z]+/ | " "\n', max_chart_bytes=1 << 20
        )
    )
    p.consume_bytes(g.matcher(), b"ab " * 20000)


# --- running ---------------------------------------------------------------


def run(name: str) -> dict[str, Any]:
    """Runs one case here; what it did, as JSON-able data."""
    p = Probe()
    outcome = "ok"
    try:
        CASES[name](p)
    except Exception as e:
        outcome = f"{type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ''}"
    return {
        "case": name,
        "outcome": outcome,
        "compile_s": p.compile_s,
        "consume_s": p.consume_s,
        "max_mask_s": max(p.mask_s, default=0.0),
        "masks": len(p.mask_s),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "notes": p.notes,
    }


def run_child(name: str, timeout: float = 120.0, memory_gb: float = 8.0) -> dict[str, Any]:
    """Runs one case in a child process (address space capped); a crash, a
    kill or a time-out is reported in "outcome"."""
    import subprocess

    limit = int(memory_gb * (1 << 30))
    code = (
        "import resource, sys, json\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "import pathological\n"
        f"print(json.dumps(pathological.run({name!r})))\n"
    )
    t = time.perf_counter()
    try:
        r = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"case": name, "outcome": f"timeout after {timeout:.0f} s", "wall_s": timeout}
    wall = time.perf_counter() - t
    if r.returncode != 0:
        tail = (r.stderr.strip().splitlines() or [""])[-1][:200]
        return {"case": name, "outcome": f"crash (exit {r.returncode}): {tail}", "wall_s": wall}
    out: dict[str, Any] = json.loads(r.stdout.strip().splitlines()[-1])
    out["wall_s"] = wall
    return out


if __name__ == "__main__":
    for n in sys.argv[1:] or list(CASES):
        print(json.dumps(run_child(n)))
