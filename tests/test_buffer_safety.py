"""Misused buffers, token ids and options get typed Python errors, never a crash.

Buffers (``Matcher.fill_mask``, ``corral.fill_masks``, ``corral.apply_mask``)
are checked on every call: a numpy array resized, made read-only or re-typed
after an earlier call, a tensor whose storage was released, transposed logits
with a mask of the wrong shape, masks of the wrong dtype. A regression there
could write into freed memory and kill the interpreter, so those cases run in
a child process: a crash fails the tests instead of the run. Every case must
raise the exception it names.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import corral
import numpy as np
import pytest
from buffer_fixtures import WIDTH, WORDS, fresh, torch

# ------------------------------------------------------------------ cases run in a child

CASES: dict[str, tuple[tuple[type[BaseException], ...], Callable[[], None], bool]] = {}


def case(*expected: type[BaseException], needs_torch: bool = False) -> Callable[..., Any]:
    def register(f: Callable[[], None]) -> Callable[[], None]:
        CASES[f.__name__] = (expected, f, needs_torch)
        return f

    return register


@case(IndexError)
def resized_smaller_after_a_call() -> None:
    a = np.zeros((4096, WORDS), np.int32)
    m = fresh()
    m.fill_mask(a, 0)
    m.fill_mask(a, 4095)
    a.resize((1, WORDS), refcheck=False)
    m.fill_mask(a, 4095)


@case(ValueError)
def resized_smaller_then_fill_masks() -> None:
    a = np.zeros((64, WORDS), np.int32)
    corral.fill_masks([fresh() for _ in range(64)], a)
    a.resize((1, WORDS), refcheck=False)
    corral.fill_masks([fresh() for _ in range(64)], a)


@case(ValueError)
def made_read_only_after_a_call() -> None:
    a = np.zeros((2, WORDS), np.int32)
    m = fresh()
    m.fill_mask(a, 1)
    a.flags.writeable = False
    m.fill_mask(a, 1)


@case(ValueError)
def made_read_only_then_fill_masks() -> None:
    a = np.zeros((2, WORDS), np.int32)
    corral.fill_masks([fresh()], a)
    a.flags.writeable = False
    corral.fill_masks([fresh()], a)


@case(TypeError)
def dtype_changed_in_place_after_a_call() -> None:
    a = np.zeros((2, WORDS), np.int32)
    m = fresh()
    m.fill_mask(a, 1)
    a.dtype = np.float32  # type: ignore[misc]
    m.fill_mask(a, 1)


@case(TypeError, ValueError)
def dtype_narrowed_in_place_after_a_call() -> None:
    a = np.zeros((2, WORDS), np.int32)
    m = fresh()
    m.fill_mask(a, 1)
    a.dtype = np.int16  # type: ignore[misc]  # twice the columns, half the bytes each
    m.fill_mask(a, 1)


@case(TypeError)
def uint8_view_of_a_mask() -> None:
    fresh().fill_mask(np.zeros((2, WORDS), np.int32).view(np.uint8), 0)


@case(TypeError)
def bool_mask() -> None:
    fresh().fill_mask(np.zeros((2, WORDS * 32), bool), 0)


@case(TypeError)
def int64_mask() -> None:
    fresh().fill_mask(np.zeros((2, WORDS), np.int64), 0)


@case(TypeError)
def byte_swapped_mask() -> None:
    fresh().fill_mask(np.zeros((2, WORDS), ">i4"), 0)


@case(ValueError)
def non_contiguous_mask() -> None:
    fresh().fill_mask(np.zeros((WORDS, 4), np.int32).T, 0)


@case(ValueError)
def too_few_words() -> None:
    fresh().fill_mask(np.zeros((2, WORDS - 1), np.int32), 0)


@case(ValueError)
def three_dimensional_mask() -> None:
    fresh().fill_mask(np.zeros((1, 2, WORDS), np.int32), 0)


@case(IndexError)
def negative_row() -> None:
    fresh().fill_mask(np.zeros((2, WORDS), np.int32), -1)


@case(IndexError)
def huge_row() -> None:
    fresh().fill_mask(np.zeros((2, WORDS), np.int32), 2**100)


@case(TypeError)
def list_as_mask() -> None:
    fresh().fill_mask([0] * WORDS, 0)


@case(ValueError)
def fill_masks_with_too_few_rows() -> None:
    corral.fill_masks([fresh(), fresh()], np.zeros((1, WORDS), np.int32))


@case(TypeError)
def fill_masks_with_a_bool_mask() -> None:
    corral.fill_masks([fresh()], np.zeros((1, WORDS * 32), bool))


@case(ValueError, needs_torch=True)
def released_tensor_storage() -> None:
    t = torch.zeros(8, WORDS, dtype=torch.int32)
    m = fresh()
    m.fill_mask(t, 3)
    t.untyped_storage().resize_(0)
    m.fill_mask(t, 3)


@case(ValueError, needs_torch=True)
def shrunk_tensor_storage() -> None:
    t = torch.zeros(8, WORDS, dtype=torch.int32)
    fresh().fill_mask(t, 7)
    t.untyped_storage().resize_(4 * WORDS * 2)  # two rows left, shape still [8, words]
    fresh().fill_mask(t, 7)


@case(ValueError, needs_torch=True)
def released_tensor_storage_in_fill_masks() -> None:
    t = torch.zeros(2, WORDS, dtype=torch.int32)
    corral.fill_masks([fresh(), fresh()], t)
    t.untyped_storage().resize_(0)
    corral.fill_masks([fresh(), fresh()], t)


@case(TypeError, needs_torch=True)
def float_tensor_mask() -> None:
    fresh().fill_mask(torch.zeros(1, WORDS), 0)


@case(TypeError, needs_torch=True)
def bool_tensor_mask() -> None:
    corral.fill_masks([fresh()], torch.zeros(1, WORDS * 32, dtype=torch.bool))


@case(ValueError, needs_torch=True)
def non_contiguous_tensor_mask() -> None:
    fresh().fill_mask(torch.zeros(WORDS, 2, dtype=torch.int32).T, 0)


@case(ValueError, needs_torch=True)
def tensor_mask_on_another_device() -> None:
    fresh().fill_mask(torch.zeros(1, WORDS, dtype=torch.int32, device="meta"), 0)


@case(TypeError, needs_torch=True)
def sparse_tensor_mask() -> None:
    fresh().fill_mask(torch.zeros(1, WORDS, dtype=torch.int32).to_sparse(), 0)


@case(ValueError, needs_torch=True)
def negated_view_of_a_mask() -> None:
    fresh().fill_mask(torch._neg_view(torch.zeros(1, WORDS, dtype=torch.int32)), 0)


@case(ValueError, needs_torch=True)
def apply_on_released_cpu_logits() -> None:
    logits = torch.randn(2, WIDTH)
    logits.untyped_storage().resize_(0)
    corral.apply_mask(logits, np.zeros((2, WORDS), np.int32))


@case(ValueError, needs_torch=True)
def apply_on_released_non_contiguous_logits() -> None:
    logits = torch.randn(WIDTH, 2).T
    logits.untyped_storage().resize_(0)
    corral.apply_mask(logits, np.zeros((2, WORDS), np.int32))


@case(ValueError, needs_torch=True)
def apply_with_a_released_mask() -> None:
    mask = torch.zeros(1, WORDS, dtype=torch.int32)
    mask.untyped_storage().resize_(0)
    corral.apply_mask(torch.randn(1, WIDTH), mask)


@case(ValueError, needs_torch=True)
def apply_with_a_released_mask_on_the_torch_path() -> None:
    mask = torch.zeros(2, WORDS, dtype=torch.int32)
    mask.untyped_storage().resize_(0)
    corral.apply_mask(torch.randn(WIDTH, 2).T, mask)


@case(ValueError, needs_torch=True)
def transposed_logits_with_one_mask_row() -> None:
    corral.apply_mask(torch.randn(WIDTH, 2).T, np.zeros((1, WORDS), np.int32))


@case(TypeError, needs_torch=True)
def transposed_logits_with_a_uint8_mask() -> None:
    corral.apply_mask(torch.randn(WIDTH, 2).T, np.zeros((2, WORDS), np.int32).view(np.uint8))


@case(TypeError, needs_torch=True)
def transposed_logits_with_a_uint8_tensor_mask() -> None:
    corral.apply_mask(torch.randn(WIDTH, 2).T, torch.zeros(2, 4 * WORDS, dtype=torch.uint8))


@case(TypeError, needs_torch=True)
def transposed_logits_with_a_bool_mask() -> None:
    corral.apply_mask(torch.randn(WIDTH, 2).T, np.ones((2, WIDTH), bool))


@case(TypeError, needs_torch=True)
def cpu_logits_with_a_uint8_mask() -> None:
    corral.apply_mask(torch.randn(2, WIDTH), np.zeros((2, WORDS), np.int32).view(np.uint8))


@case(TypeError, needs_torch=True)
def cpu_logits_with_a_bool_mask() -> None:
    corral.apply_mask(torch.randn(2, WIDTH), torch.ones(2, WIDTH, dtype=torch.bool))


@case(ValueError, needs_torch=True)
def cpu_logits_with_too_few_mask_rows() -> None:
    corral.apply_mask(torch.randn(3, WIDTH), np.zeros((2, WORDS), np.int32))


@case(ValueError, needs_torch=True)
def cpu_logits_with_too_many_mask_rows() -> None:
    corral.apply_mask(torch.randn(1, WIDTH), np.zeros((2, WORDS), np.int32))


@case(ValueError, needs_torch=True)
def mask_wider_than_the_logits() -> None:
    corral.apply_mask(torch.randn(2, 40), np.zeros((2, WORDS), np.int32))


@case(ValueError, needs_torch=True)
def mask_wider_than_transposed_logits() -> None:
    corral.apply_mask(torch.randn(40, 2).T, np.zeros((2, WORDS), np.int32))


@case(ValueError, needs_torch=True)
def mask_on_another_device_than_the_logits() -> None:
    mask = torch.zeros(2, WORDS, dtype=torch.int32, device="meta")
    corral.apply_mask(torch.randn(WIDTH, 2).T, mask)


@case(TypeError, needs_torch=True)
def integer_logits() -> None:
    corral.apply_mask(torch.zeros(1, WIDTH, dtype=torch.int32), np.zeros((1, WORDS), np.int32))


@case(ValueError)
def read_only_numpy_logits() -> None:
    logits = np.zeros((1, WIDTH), np.float32)
    logits.flags.writeable = False
    corral.apply_mask(logits, np.zeros((1, WORDS), np.int32))


@case(ValueError)
def non_contiguous_numpy_logits() -> None:
    corral.apply_mask(np.zeros((WIDTH, 2), np.float32).T, np.zeros((2, WORDS), np.int32))


@case(TypeError)
def numpy_logits_with_a_bool_mask() -> None:
    corral.apply_mask(np.zeros((1, WIDTH), np.float32), np.ones((1, WIDTH), bool))


@case(corral.SchemaError)
def schema_text_nested_100000_levels() -> None:
    corral.Grammar.from_json_schema('{"items": ' * 100_000 + "{}" + "}" * 100_000)


@case(corral.SchemaError)
def schema_text_of_10_million_nested_arrays() -> None:
    corral.Grammar.from_json_schema('{"const": ' + "[" * 10**7 + "]" * 10**7 + "}")


@case(corral.SchemaError)
def schema_dict_nested_100000_levels() -> None:
    d: dict[str, Any] = {}
    for _ in range(100_000):
        d = {"items": d}
    corral.Grammar.from_json_schema(d)


@case(corral.SchemaError)
def schema_list_nested_100000_levels() -> None:
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    corral.Grammar.from_json_schema({"enum": [deep]})


def _child(start: int = 0) -> None:
    """Runs the cases from number `start` on; a JSON line each, after a
    line naming the case about to run."""
    import resource

    # A regression that allocates without bound ends here, not in the host.
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = 16 << 30
    if soft == resource.RLIM_INFINITY or soft > cap:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    for name, (expected, f, needs_torch) in list(CASES.items())[start:]:
        print(json.dumps({"started": name}), flush=True)
        if needs_torch and torch is None:
            print(json.dumps({"case": name, "skip": "no torch"}), flush=True)
            continue
        try:
            f()
        except BaseException as e:
            got = {"case": name, "raised": type(e).__name__, "message": str(e)[:300]}
            got["ok"] = isinstance(e, expected)
        else:
            got = {"case": name, "raised": None, "ok": False}
        print(json.dumps(got), flush=True)


@pytest.fixture(scope="module")
def child_results() -> dict[str, dict[str, Any]]:
    """Runs the cases in child processes: a case that crashes its child is
    recorded as such, and the next child goes on after it."""
    tests = Path(__file__).parent
    env = dict(os.environ, PYTHONFAULTHANDLER="1")
    names = list(CASES)
    results: dict[str, dict[str, Any]] = {}
    start = 0
    while start < len(names):
        code = (
            f"import sys; sys.path.insert(0, {str(tests)!r}); "
            f"import test_buffer_safety as t; t._child({start})"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, env=env
        )
        last = None
        for line in proc.stdout.splitlines():
            rec = json.loads(line)
            if "started" in rec:
                last = rec["started"]
            else:
                results[rec["case"]] = rec
        if last is None or last in results:
            break
        results[last] = {
            "case": last,
            "ok": False,
            "raised": f"a crash (exit status {proc.returncode})",
            "message": proc.stderr[-2000:],
        }
        start = names.index(last) + 1
    return results


@pytest.mark.parametrize("name", list(CASES))
def test_misuse_raises_a_typed_error(name: str, child_results: dict[str, dict[str, Any]]) -> None:
    assert name in child_results, "the case did not run"
    rec = child_results[name]
    if "skip" in rec:
        pytest.skip(rec["skip"])
    expected = [e.__name__ for e in CASES[name][0]]
    assert rec["ok"], f"{name}: expected {expected}, got {rec['raised']}: {rec.get('message')}"


def test_concurrent_resizes_never_crash() -> None:
    """One thread fills masks while another resizes the array and releases a
    tensor's storage: each call sees the buffer as it is then."""
    tests = Path(__file__).parent
    code = (
        f"import sys; sys.path.insert(0, {str(tests)!r}); import test_buffer_safety as t; t._race()"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "calls" in proc.stdout, proc.stdout


def _race() -> None:
    import random
    import time

    a = np.zeros((64, WORDS), np.int32)
    t = torch.zeros(64, WORDS, dtype=torch.int32) if torch is not None else None
    stop = time.monotonic() + 1.5
    calls = errors = 0

    def resizer() -> None:
        rng = random.Random(0)
        while time.monotonic() < stop:
            a.resize((rng.randrange(0, 65), WORDS), refcheck=False)
            if t is not None:
                t.untyped_storage().resize_(4 * WORDS * rng.randrange(0, 65))

    th = threading.Thread(target=resizer)
    th.start()
    ms = [fresh() for _ in range(8)]
    while time.monotonic() < stop:
        for buf in (a, t) if t is not None else (a,):
            try:
                ms[0].fill_mask(buf, 63)
                corral.fill_masks(ms, buf)
                calls += 2
            except (IndexError, ValueError):
                errors += 1
    th.join()
    print(f"{calls} calls, {errors} refused")


if __name__ == "__main__":  # pragma: no cover
    _child()
