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

try:
    import torch
except ImportError:  # pragma: no cover - torch is a test dependency
    torch = None  # type: ignore[assignment]

# A small vocabulary: single letters, a few words, EOS; 100 ids wide (4 mask
# words), the last ones padding.
TOKENS: list[bytes | None] = [bytes([c]) for c in b"abcdefghijklmnopqrstuvwxyz"]
TOKENS += [b"ab", b"abc", b"the", b" ", b"  ", b"</s>"]
EOS = len(TOKENS) - 1
WIDTH = 100
VOCAB = corral.Vocabulary.from_bytes(TOKENS, eos_token_id=EOS, vocab_size=WIDTH)
WORDS = VOCAB.mask_words
CG = corral.compile('start: WORD (" " WORD)*\nWORD: /[a-z]+/\n', VOCAB)


def allowed_ids(m: corral.Matcher) -> np.ndarray:
    """The tokens `m` allows, by trying each one (independent of fill_mask)."""
    return np.array([m.try_consume(t) for t in range(WIDTH)], dtype=bool)


def unpack(bits: np.ndarray, width: int) -> np.ndarray:
    return np.unpackbits(bits.view(np.uint8), bitorder="little")[:width].astype(bool)


# ------------------------------------------------------------------ cases run in a child

CASES: dict[str, tuple[tuple[type[BaseException], ...], Callable[[], None], bool]] = {}


def case(*expected: type[BaseException], needs_torch: bool = False) -> Callable[..., Any]:
    def register(f: Callable[[], None]) -> Callable[[], None]:
        CASES[f.__name__] = (expected, f, needs_torch)
        return f

    return register


def fresh() -> corral.Matcher:
    m = CG.matcher()
    assert m.consume_tokens([0, 1]) == 2
    return m


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


@case(corral.GrammarError)
def schema_text_nested_100000_levels() -> None:
    corral.Grammar.from_json_schema('{"items": ' * 100_000 + "{}" + "}" * 100_000)


@case(corral.GrammarError)
def schema_text_of_10_million_nested_arrays() -> None:
    corral.Grammar.from_json_schema('{"const": ' + "[" * 10**7 + "]" * 10**7 + "}")


@case(corral.GrammarError)
def schema_dict_nested_100000_levels() -> None:
    d: dict[str, Any] = {}
    for _ in range(100_000):
        d = {"items": d}
    corral.Grammar.from_json_schema(d)


@case(corral.GrammarError)
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


# ------------------------------------------------------------------ in-process checks


def mask_of(m: corral.Matcher) -> np.ndarray:
    bm = corral.allocate_bitmask(1, WIDTH)
    m.fill_mask(bm)
    return unpack(bm[0], WIDTH)


def test_masks_still_equal_brute_force_through_every_buffer_kind() -> None:
    import array

    m = fresh()
    want = allowed_ids(m)
    assert want.any() and not want.all()
    a = np.full((3, WORDS), -1, np.int32)
    m.fill_mask(a, 2)
    assert (unpack(a[2], WIDTH) == want).all() and (a[:2] == -1).all()
    one_d = np.full(WORDS, -1, np.int32)
    m.fill_mask(one_d)
    assert (unpack(one_d, WIDTH) == want).all()
    # Any int32 buffer: array.array, a memoryview, a misaligned numpy view.
    arr = array.array("i", [-1] * WORDS)
    m.fill_mask(arr)
    assert (unpack(np.frombuffer(arr, np.int32), WIDTH) == want).all()
    raw = np.zeros(4 * WORDS + 1, np.uint8)
    odd = raw[1:].view(np.int32)
    m.fill_mask(odd)
    assert (unpack(odd.copy(), WIDTH) == want).all()
    if torch is not None:
        t = torch.full((2, WORDS), -1, dtype=torch.int32)
        m.fill_mask(t, 1)
        assert (unpack(t[1].numpy(), WIDTH) == want).all() and (t[0] == -1).all()
        big = torch.full((4, WORDS), -1, dtype=torch.int32)
        corral.fill_masks([m, fresh()], big[1:3])  # a view at an offset
        assert (unpack(big[1].numpy(), WIDTH) == want).all()
        assert (big[0] == -1).all() and (big[3] == -1).all()


def test_a_resized_array_is_written_where_it_is_now() -> None:
    m = fresh()
    want = allowed_ids(m)
    a = np.zeros((2, WORDS), np.int32)
    m.fill_mask(a, 1)
    a.resize((8, WORDS), refcheck=False)
    m.fill_mask(a, 7)
    assert (unpack(a[7], WIDTH) == want).all()
    if torch is not None:
        t = torch.zeros(1, WORDS, dtype=torch.int32)
        m.fill_mask(t)
        t.resize_(3, WORDS)
        m.fill_mask(t, 2)
        assert (unpack(t[2].numpy(), WIDTH) == want).all()


@pytest.mark.skipif(torch is None, reason="needs torch")
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "one_d", "strided_rows"])
@pytest.mark.parametrize("mask_kind", ["numpy", "tensor", "one_d_numpy"])
def test_apply_mask_leaves_exactly_the_allowed_logits(layout: str, mask_kind: str) -> None:
    rng = np.random.default_rng(7)
    rows = 1 if layout == "one_d" or mask_kind == "one_d_numpy" else 3
    bits = rng.integers(0, 2**32, size=(rows, WORDS), dtype=np.uint64).astype(np.uint32)
    allowed = np.unpackbits(bits.view(np.uint8), bitorder="little").reshape(rows, -1)
    allowed = allowed[:, :WIDTH].astype(bool)
    base = torch.randn(rows, WIDTH)
    if layout == "transposed":
        logits = base.T.contiguous().T
    elif layout == "strided_rows":
        logits = torch.randn(rows, 2 * WIDTH)[:, ::2]
        logits.copy_(base)
    elif layout == "one_d":
        logits = base[0].clone()
    else:
        logits = base.clone()
    mask: Any = bits.view(np.int32)
    if mask_kind == "tensor":
        mask = torch.from_numpy(mask.copy())
    elif mask_kind == "one_d_numpy":
        mask = mask[0]
    corral.apply_mask(logits, mask)
    got = logits.reshape(rows, WIDTH).numpy()
    want = np.where(allowed, base.numpy(), -np.inf)
    assert (got == want).all()


def test_apply_mask_with_a_narrower_mask_refuses_the_padding() -> None:
    logits = np.ones((2, WIDTH + 40), np.float32)
    mask = np.full((2, WORDS), -1, np.int32)  # every id of the vocabulary
    corral.apply_mask(logits, mask)
    assert np.isfinite(logits[:, : WORDS * 32]).all()
    assert np.isneginf(logits[:, WORDS * 32 :]).all()


@pytest.mark.skipif(torch is None or not torch.cuda.is_available(), reason="needs a CUDA device")
def test_a_cpu_mask_of_the_wrong_shape_is_refused_for_cuda_logits() -> None:
    logits = torch.randn(2, WIDTH, device="cuda")
    with pytest.raises(ValueError, match="rows"):
        corral.apply_mask(logits, np.zeros((1, WORDS), np.int32))
    with pytest.raises(TypeError, match="int32"):
        corral.apply_mask(logits, np.zeros((2, WORDS), np.int32).view(np.uint8))
    with pytest.raises(ValueError, match="CPU"):
        fresh().fill_mask(torch.zeros(1, WORDS, dtype=torch.int32, device="cuda"))


# ------------------------------------------------------------------ token ids


BAD_IDS = [-1, -(2**40), WIDTH, WIDTH + 1, 2**31, 2**32, 2**40, 2**63, 2**100, -(2**100)]


def state(m: corral.Matcher) -> tuple[Any, ...]:
    return (m.bytes_consumed, m.is_error(), m.error(), m.is_accepting(), tuple(mask_of(m)))


@pytest.mark.parametrize("bad", BAD_IDS)
def test_bad_token_ids_raise_and_leave_the_matcher_unchanged(bad: int) -> None:
    m = fresh()
    before = state(m)
    for call in (
        lambda: m.consume(bad),
        lambda: m.try_consume(bad),
        lambda: m.consume_tokens([bad]),
        lambda: m.consume_tokens([2, 3, bad]),  # nothing consumed, not even the good ones
    ):
        with pytest.raises(corral.TokenError, match="not in the vocabulary"):
            call()
        assert state(m) == before
    with pytest.raises(corral.TokenError):
        VOCAB.decode_bytes([0, bad])
    assert VOCAB.token_kind(bad) == "missing" and VOCAB.token_bytes(bad) is None
    assert VOCAB.special_token_name(bad) is None
    # The matcher still works; a rollback count matches what was consumed.
    assert m.consume(2) and m.bytes_consumed == before[0] + 1
    m.rollback(1)
    assert state(m) == before


def test_token_error_is_a_corral_error_and_an_index_error() -> None:
    assert issubclass(corral.TokenError, corral.CorralError)
    assert issubclass(corral.TokenError, ValueError)
    assert issubclass(corral.TokenError, IndexError)
    # Ids inside the vocabulary with no token are refused as before (padding).
    m = fresh()
    assert not m.consume(WIDTH - 1) and m.is_error()
    m.rollback(1)
    assert not m.is_error()
    with pytest.raises(TypeError):
        m.consume(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        m.consume_tokens("ab")  # type: ignore[arg-type]
    assert m.consume(np.int64(2)) and m.consume_tokens(np.array([3, 4])) == 2


@pytest.mark.parametrize("bad", [-1, 2**32, 2**100, -(2**100)])
def test_bad_ids_given_to_vocabulary_constructors(bad: int) -> None:
    tokens: list[bytes | None] = [b"a", b"b", b"</s>"]
    with pytest.raises(corral.VocabularyError, match="not a token id"):
        corral.Vocabulary.from_bytes(tokens, eos_token_id=bad)
    with pytest.raises(corral.VocabularyError, match="not a token id"):
        corral.Vocabulary.from_bytes(tokens, eos_token_id=[2, bad])
    with pytest.raises(corral.VocabularyError, match="not a token id"):
        corral.Vocabulary.from_bytes(tokens, eos_token_id=2, special_token_ids=[bad])
    tok = Path(__file__).parent / "data" / "tokenizers" / "gpt2"
    with pytest.raises(corral.VocabularyError, match="not a token id"):
        corral.Vocabulary.from_file(tok, eos_token_ids=[bad])


@pytest.mark.parametrize("n", [-1, -(2**70), 2**70])
def test_bad_rollback_counts_raise_index_error(n: int) -> None:
    m = fresh()
    before = state(m)
    with pytest.raises(IndexError):
        m.rollback(n)
    assert state(m) == before


# ------------------------------------------------------------------ options


def test_whitespace_limit_zero_allows_no_ignored_whitespace() -> None:
    text = 'start: "a" "b" "c"\nSP: /[ \\t]+/\n%ignore SP\n'
    v = corral.Vocabulary.from_bytes(
        [b"a", b"b", b"c", b" ", b"\t", b"  ", b"</s>"], eos_token_id=6
    )
    ids = {"a": 0, "b": 1, "c": 2, " ": 3, "\t": 4}
    lark = pytest.importorskip("lark")
    ref = lark.Lark('start: "a" "b" "c"\nSP: /[ \\t]+/\n%ignore SP\n', parser="earley")

    def longest_run(s: str) -> int:
        run = best = 0
        for ch in s:
            run = run + 1 if ch in " \t" else 0
            best = max(best, run)
        return best

    for limit in (0, 1, 2, None):
        g = corral.Grammar.from_lark(text, whitespace_limit=limit)
        cg = corral.CompiledGrammar(g, v)
        for s in ["abc", "a bc", " abc", "abc ", "a\tb c", "a  bc", "a \tbc", "ab   c"]:
            m = cg.matcher()
            ok = m.consume_tokens([ids[c] for c in s]) == len(s) and m.is_accepting()
            try:
                ref.parse(s)
                in_language = True
            except lark.exceptions.LarkError:
                in_language = False
            want = in_language and (limit is None or longest_run(s) <= limit)
            assert ok == want, (limit, s)
            # The grammar's byte matcher has the same language.
            bm = g.matcher()
            assert (bm.consume_bytes(s.encode()) and bm.is_accepting()) == want, (limit, s)
        if limit == 0:
            m = cg.matcher()
            assert not mask_of_vocab(m, v)[[3, 4]].any()


def mask_of_vocab(m: corral.Matcher, v: corral.Vocabulary) -> np.ndarray:
    bm = corral.allocate_bitmask(1, v.vocab_size)
    m.fill_mask(bm)
    return unpack(bm[0], v.vocab_size)


@pytest.mark.parametrize("n", [0, 1, 2, 3])
def test_a_tiny_max_lexer_states_is_the_limit_error(n: int) -> None:
    """The limit is reported (when compiling or when matching), never as an
    empty language."""
    for build, text in (
        (lambda: corral.Grammar.from_lark('start: "a" B\nB: /b+/\n', max_lexer_states=n), b"abbb"),
        (lambda: corral.Grammar.from_regex("ab+", max_lexer_states=n), b"abbb"),
        (lambda: corral.Grammar.from_json_schema({"type": "integer"}, max_lexer_states=n), b"12"),
    ):
        try:
            g = build()
        except corral.GrammarError as e:
            assert "lexer state limit" in str(e)
            assert isinstance(e, corral.LimitError) and e.limit == "max_lexer_states"
            continue
        assert n > 0
        m = g.matcher()
        with pytest.raises(corral.LimitError, match="lexer state limit"):
            m.consume_bytes(text)
        assert "lexer state limit" in (m.error() or "")


# ------------------------------------------------------------------ schemas


def nested(depth: int, key: str = "items") -> dict[str, Any]:
    """A schema document `depth` objects deep."""
    d: dict[str, Any] = {}
    for _ in range(depth - 1):
        d = {key: d}
    return d


def test_schema_depth_limit_names_the_pointer() -> None:
    # Documents up to 1000 levels are read; the schema compiler's own depth
    # budget (max_depth, default 256) is raised to match.
    g = corral.Grammar.from_json_schema(nested(1000), max_depth=1000)
    m = g.matcher()
    text = b"[" * 999 + b"]" * 999
    assert m.consume_bytes(text) and m.is_accepting()
    text_1001 = '{"items": ' * 1000 + "{}" + "}" * 1000
    for doc in (nested(1001), text_1001):
        with pytest.raises(corral.GrammarError, match="1000") as e:
            corral.Grammar.from_json_schema(doc, max_depth=2000)
        assert e.value.pointer == "/items" * 1000  # type: ignore[attr-defined]
    arrays: list[Any] = []
    for _ in range(1000):
        arrays = [arrays]
    with pytest.raises(corral.GrammarError) as e:
        corral.Grammar.from_json_schema({"const": arrays})
    assert e.value.pointer == "/const" + "/0" * 999  # type: ignore[attr-defined]
    with pytest.raises(corral.GrammarError) as e:
        corral.Grammar.from_json_schema('{"a/b~": {"c": ' + "[" * 1000 + "]" * 1000 + "}}")
    assert e.value.pointer.startswith("/a~1b~0/c/0/0")  # type: ignore[attr-defined]


def test_python_schemas_read_as_json_would() -> None:
    cyclic: dict[str, Any] = {}
    cyclic["items"] = cyclic
    with pytest.raises(corral.GrammarError, match="levels"):
        corral.Grammar.from_json_schema(cyclic)
    shared: dict[str, Any] = {"type": "string"}
    for _ in range(40):
        shared = {"anyOf": [shared, shared]}  # 2**40 values when written out
    with pytest.raises(corral.GrammarError, match="values"):
        corral.Grammar.from_json_schema(shared)
    with pytest.raises(corral.GrammarError, match="/const"):
        corral.Grammar.from_json_schema({"const": float("nan")})
    with pytest.raises(TypeError, match="set"):
        corral.Grammar.from_json_schema({"enum": {1, 2}})
    # Tuples are arrays; int keys are written as strings, as json.dumps does.
    schema = {
        "type": "object",
        "properties": {1: {"enum": ("x", 10**20)}},
        "required": ["1"],
        "additionalProperties": False,
    }
    g = corral.Grammar.from_json_schema(schema)
    via_json = corral.Grammar.from_json_schema(json.dumps(schema))
    for doc in (b'{"1": "x"}', b'{"1": 100000000000000000000}', b'{"1": "y"}', b"{}"):
        a, b = g.matcher(), via_json.matcher()
        assert (a.consume_bytes(doc) and a.is_accepting()) == (
            b.consume_bytes(doc) and b.is_accepting()
        ), doc


def test_pydantic_recursion_becomes_a_grammar_error() -> None:
    class Model:
        @staticmethod
        def model_json_schema() -> dict[str, Any]:
            def deep(n: int) -> dict[str, Any]:
                return {"items": deep(n + 1)}

            return deep(0)

    with pytest.raises(corral.GrammarError, match="nests too deeply") as e:
        corral.Grammar.from_pydantic(Model)
    assert isinstance(e.value.__cause__, RecursionError)


if __name__ == "__main__":  # pragma: no cover
    _child()
