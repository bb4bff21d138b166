"""Grammars that are deep or large compile quickly or fail with a typed error.

Each case runs in a child process, so a stack overflow or an abort fails one
test instead of killing pytest. The bound is on the child's CPU time (the
machine running the tests may be busy); the wall-clock bound only guards
against hangs. Deeply nested input must raise `GrammarError` at the place
where the nesting limit is crossed, naming the limit; large but shallow
grammars (20,000 rules in a chain, 20,000 alternatives, ...) must compile in
well under a second and accept what they should.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

import pytest

CPU_LIMIT_S = 1.0
WALL_LIMIT_S = 60.0
N = 20_000
DEEP = 10_000

CHILD = r"""
import json, sys, time
import corral

case = json.load(sys.stdin)
t0, w0 = time.process_time(), time.perf_counter()
out = {}
try:
    if case["kind"] == "lark":
        g = corral.Grammar.from_lark(case["text"], **case.get("options", {}))
    else:
        g = corral.Grammar.from_regex(case["text"], flags=case.get("flags", ""))
    out["ok"] = True
    out["compile_cpu"] = time.process_time() - t0
    accepts = []
    for s in case.get("inputs", []):
        m = g.matcher()
        accepts.append(bool(m.consume_bytes(s.encode()) and m.is_accepting()))
    out["accepts"] = accepts
except corral.CorralError as e:
    out["ok"] = False
    out["type"] = type(e).__name__
    out["message"] = str(e)
    out["line"] = getattr(e, "line", None)
    out["column"] = getattr(e, "column", None)
    out["limit"] = getattr(e, "limit", None)
    out["is_limit"] = isinstance(e, corral.LimitError) and isinstance(e, corral.GrammarError)
out["cpu"] = time.process_time() - t0
out["wall"] = time.perf_counter() - w0
print(json.dumps(out))
"""


@dataclass
class Outcome:
    ok: bool
    cpu: float
    accepts: list[bool]
    type: str = ""
    message: str = ""
    line: int | None = None
    column: int | None = None
    limit: str | None = None
    is_limit: bool = False


def run_isolated(
    kind: str,
    text: str,
    inputs: tuple[str, ...] = (),
    flags: str = "",
    options: dict[str, int] | None = None,
) -> Outcome:
    case = {"kind": kind, "text": text, "inputs": list(inputs), "flags": flags}
    payload = json.dumps({**case, "options": options or {}})
    proc = subprocess.run(
        [sys.executable, "-c", CHILD],
        input=payload,
        capture_output=True,
        text=True,
        timeout=WALL_LIMIT_S,
    )
    assert proc.returncode == 0, (
        f"the child process died (return code {proc.returncode}): {proc.stderr[-2000:]}"
    )
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return Outcome(
        ok=out["ok"],
        cpu=out["cpu"],
        accepts=out.get("accepts", []),
        type=out.get("type", ""),
        message=out.get("message", ""),
        line=out.get("line"),
        column=out.get("column"),
        limit=out.get("limit"),
        is_limit=out.get("is_limit", False),
    )


def chain(n: int) -> str:
    return "start: r0\n" + "".join(f"r{i}: r{i + 1}\n" for i in range(n)) + f'r{n}: "a"\n'


# Grammars nested far past the limit (the error is at the 501st opening
# bracket of its line).
DEEP_CASES = {
    "parentheses": "start: " + "(" * DEEP + '"a"' + ")" * DEEP + "\n",
    "brackets": "start: " + "[" * DEEP + '"a"' + "]" * DEEP + "\n",
    "alternatives": "start: " + '("b" | ' * DEEP + '"a"' + ")" * DEEP + "\n",
    "terminal_parentheses": "start: A\nA: " + "(" * DEEP + '"a"' + ")" * DEEP + "\n",
    "terminal_brackets": "start: A\nA: " + "[" * DEEP + '"a"' + "]" * DEEP + "\n",
    "template_arguments": "t{x}: x\nstart: " + "t{" * DEEP + '"a"' + "}" * DEEP + "\n",
    "repetitions": "start: " + "(" * DEEP + '"a"' + ")~2" * DEEP + "\n",
    "options": "start: " + "(" * DEEP + '"a"' + ")?" * DEEP + "\n",
    "ignore": 'start: "a"\n%ignore ' + "(" * DEEP + '" "' + ")" * DEEP + "\n",
}


@pytest.mark.parametrize("name", sorted(DEEP_CASES))
def test_deep_nesting_is_a_typed_error_at_the_place(name: str) -> None:
    text = DEEP_CASES[name]
    out = run_isolated("lark", text)
    assert not out.ok, name
    # A budget: GrammarLimitError, both a GrammarError and a LimitError.
    assert out.type == "GrammarLimitError" and out.is_limit, out
    assert out.limit == "max_nesting"
    assert "max_nesting" in out.message and "500" in out.message, out.message
    # The caret is on the 501st opening bracket of its line.
    line_text = text.splitlines()[out.line - 1]
    opening = [i for i, c in enumerate(line_text) if c in "([{"]
    assert out.column == opening[500] + 1, (out.line, out.column)
    assert "^" in out.message
    assert out.cpu < CPU_LIMIT_S


def test_nesting_at_the_limit_compiles() -> None:
    # 500 levels: as deep as allowed, still compiled.
    for text, good, bad in [
        ("start: " + "[" * 500 + '"a"' + "]" * 500 + "\n", "a", "aa"),
        ("start: " + '("b" | ' * 499 + '"a"' + ")" * 499 + "\n", "a", "ba"),
        ("start: A\nA: " + "(" * 500 + '"a"' + ")" * 500 + "\n", "a", ""),
    ]:
        out = run_isolated("lark", text, (good, bad))
        assert out.ok, out.message
        assert out.accepts == [True, False]
        assert out.cpu < CPU_LIMIT_S


def test_max_nesting_is_configurable() -> None:
    text = "start: " + "(" * 5000 + '"a"' + ")" * 5000 + "\n"
    out = run_isolated("lark", text, ("a", "aa"))
    assert not out.ok and out.limit == "max_nesting", out
    out = run_isolated("lark", text, ("a", "aa"), options={"max_nesting": 6000})
    assert out.ok and out.accepts == [True, False], out
    # Lower than the default: refused sooner, at the 11th bracket.
    out = run_isolated("lark", "start: " + "(" * 20 + '"a"' + ")" * 20, options={"max_nesting": 10})
    assert not out.ok and out.limit == "max_nesting" and out.column == 18, out


def test_max_nesting_past_the_stack_is_refused() -> None:
    import corral

    with pytest.raises(ValueError, match="max_nesting must be at most"):
        corral.Grammar.from_lark('start: "a"', max_nesting=10**6)


def test_regex_groups_deeper_than_python_accepts() -> None:
    for kind, text in [
        ("regex", "(" * DEEP + "a" + ")" * DEEP),
        ("regex", "(?:" * DEEP + "a" + ")" * DEEP),
        ("lark", "start: A\nA: /" + "(" * DEEP + "a" + ")" * DEEP + "/\n"),
    ]:
        out = run_isolated(kind, text)
        assert not out.ok and out.type == "GrammarError", out
        assert "nested more than 500" in out.message, out.message
        assert out.cpu < CPU_LIMIT_S
    # Where it is crossed: the 501st group.
    out = run_isolated("regex", "x" + "(" * 600 + ")" * 600)
    assert (out.line, out.column) == (1, 502), out


def test_terminals_nested_through_names() -> None:
    # Each terminal uses the next: the inlined expression nests ever deeper.
    text = "start: T0\n" + "".join(f'T{i}: T{i + 1} "a"\n' for i in range(DEEP)) + f'T{DEEP}: "a"\n'
    out = run_isolated("lark", text)
    assert not out.ok and out.type == "GrammarLimitError", out
    assert out.limit == "max_nesting" and "max_nesting" in out.message
    assert out.cpu < CPU_LIMIT_S
    # A shallow chain of terminals is fine.
    text = "start: T0\n" + "".join(f'T{i}: T{i + 1} "a"\n' for i in range(100)) + 'T100: "a"\n'
    out = run_isolated("lark", text, ("a" * 101, "a" * 100))
    assert out.ok and out.accepts == [True, False], out


def test_templates_that_grow() -> None:
    # Arguments that double at each instance, and ones that deepen.
    for text in [
        'f{x}: "a" | f{x x}\nstart: f{"b"}\n',
        'f{x}: "a" | f{[x]}\nstart: f{"b"}\n',
    ]:
        out = run_isolated("lark", text)
        # (Arguments that deepen run into max_nesting: a budget.)
        assert not out.ok and out.type in ("GrammarError", "GrammarLimitError"), out
        assert "template" in out.message, out.message
        assert out.cpu < CPU_LIMIT_S
    # A long chain of templates that do not grow is fine.
    text = "".join(f"t{i}{{x}}: t{i + 1}{{x}}\n" for i in range(3000))
    text += 't3000{x}: x\nstart: t0{"a"}\n'
    out = run_isolated("lark", text, ("a", "b"))
    assert out.ok and out.accepts == [True, False], out


@dataclass
class Big:
    text: str
    inputs: tuple[str, ...]
    accepts: tuple[bool, ...]


BIG_CASES = {
    "chain": Big(chain(N), ("a", "aa", ""), (True, False, False)),
    "chain_backwards": Big(
        f'r{N}: "a"\n' + "".join(f"r{i}: r{i + 1}\n" for i in reversed(range(N))) + "start: r0\n",
        ("a", "b"),
        (True, False),
    ),
    "dag": Big(
        "start: r0\n"
        + "".join(f"r{i}: r{i + 1} | r{i + 2}\n" for i in range(N))
        + f'r{N}: "a"\nr{N + 1}: "b"\n',
        ("a", "b", "ab"),
        (True, True, False),
    ),
    "alternatives": Big(
        "start: " + " | ".join(f'"a{i}"' for i in range(N)) + "\n",
        (f"a{N - 1}", "a0", f"a{N}"),
        (True, True, False),
    ),
    "terminals": Big(
        "start: "
        + " | ".join(f"T{i}" for i in range(N))
        + "\n"
        + "".join(f'T{i}: "a{i}"\n' for i in range(N)),
        ("a777", f"a{N}"),
        (True, False),
    ),
    "left_recursion": Big(
        "start: r0\n" + "".join(f'r{i}: r{i} "x" | r{i + 1}\n' for i in range(N)) + f'r{N}: "a"\n',
        ("axxx", "xa"),
        (True, False),
    ),
    "right_recursion": Big(
        "start: r0\n" + "".join(f'r{i}: "x" r{i} | r{i + 1}\n' for i in range(N)) + f'r{N}: "a"\n',
        ("xxxa", "ax"),
        (True, False),
    ),
    "nullable_chain": Big(
        'start: r0 "a"\n' + "".join(f"r{i}: r{i + 1}\n" for i in range(N)) + f"r{N}: \n",
        ("a", ""),
        (True, False),
    ),
    "chain_with_options": Big(
        "start: r0\n" + "".join(f'r{i}: r{i + 1} "b"?\n' for i in range(N)) + f'r{N}: "a"\n',
        ("abbb", "ba"),
        (True, False),
    ),
    "long_sequence": Big("start: " + " ".join(['"a"'] * N) + "\n", ("a" * N, "a"), (True, False)),
    "regex_alternatives": Big(
        "start: A\nA: /" + "|".join(f"a{i}" for i in range(N)) + "/\n",
        ("a123", "a"),
        (True, False),
    ),
    "terminals_matching_empty": Big(
        "start: "
        + " ".join(f"T{i}" for i in range(2000))
        + "\n"
        + "".join(f"T{i}: /(b{i})*/\n" for i in range(2000)),
        ("", "b1b1"),
        (True, True),
    ),
}


@pytest.mark.parametrize("name", sorted(BIG_CASES))
def test_large_grammars_compile_quickly(name: str) -> None:
    case = BIG_CASES[name]
    out = run_isolated("lark", case.text, case.inputs)
    assert out.ok, out.message
    assert out.accepts == list(case.accepts)
    assert out.cpu < CPU_LIMIT_S, f"{name}: {out.cpu:.2f} s of CPU"


def test_huge_repetition_counts_are_typed_errors() -> None:
    for text in [
        'start: "a"~0..1000000\n',
        'start: "a"{0,4294967295}\n',
        "start: A\nA: /a{4294967294}/\n",
    ]:
        out = run_isolated("lark", text)
        assert out.ok or out.type in ("GrammarError", "GrammarLimitError"), out
        assert out.cpu < 5 * CPU_LIMIT_S
    out = run_isolated("lark", 'start: "a"~99999999999\n')
    assert not out.ok and out.type == "GrammarError", out
