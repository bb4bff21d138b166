"""The pathological corpus (tests/pathological.py): no crash, no hang, no
memory blow-up; each case finishes or ends in a typed corral error.

Each case runs in a child process with its address space capped, so a
crash or an abort fails one case instead of killing the test run. The time
bounds are ten times the targets (``benches/pathological.py`` measures the
targets themselves): they catch hangs and blow-ups, not slowness.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import pathological

TYPED = (
    "GrammarError",
    "GrammarLimitError",
    "GrammarNotSupportedError",
    "SchemaError",
    "SchemaLimitError",
    "SchemaNotSupportedError",
    "NotSupportedError",
    "LimitError",
    "VocabularyError",
    "CorralError",
)

# Valid inputs: these must compile and accept, never hit an error. (A
# 300,000-character const compiles, but its literal needs more lexer states
# than the default budget: a LimitError, which raising max_lexer_states lifts.)
MUST_ACCEPT = {
    "lark_optional_3000",
    "json_array_16mb",
    "json_nested_arrays_100k",
    "mask_exponential_splits_gpt2",
    "mask_exponential_splits_long_token",
    "mask_ambiguous_nesting_llama3",
    "mask_many_literals_llama3",
    "mask_enum_of_objects_llama3",
    "regex_huge_repeat",
}

# Whole-input consumption of large inputs is bounded by these, not by the
# per-compile target.
CONSUME_BOUND_S = {"json_array_16mb": 60.0, "lark_optional_3000": 30.0}


@pytest.mark.parametrize(
    "name",
    # The large inputs take seconds each: the full tier runs them.
    [
        pytest.param(n, marks=pytest.mark.slow) if n in CONSUME_BOUND_S else n
        for n in sorted(pathological.CASES)
    ],
)
def test_pathological_case(name: str) -> None:
    r = pathological.run_child(name, timeout=120.0, memory_gb=6.0)
    outcome = r["outcome"]
    assert not outcome.startswith(("crash", "timeout")), f"{name}: {outcome}"
    if name in MUST_ACCEPT:
        assert outcome == "ok", f"{name}: {outcome}"
    else:
        assert outcome == "ok" or outcome.startswith(TYPED), f"{name}: {outcome}"
    assert r["compile_s"] <= 10 * pathological.COMPILE_S, r
    assert r["max_mask_s"] <= 100 * pathological.MASK_S, r
    assert r["consume_s"] <= CONSUME_BOUND_S.get(name, 10.0), r
