"""Masks and logits through every kind of buffer, checked in process: masks
equal brute force whatever holds them (the misuse cases that could crash run
in a child process: test_buffer_safety.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import corral
import numpy as np
import pytest
from buffer_fixtures import VOCAB, WIDTH, WORDS, allowed_ids, fresh, torch, unpack

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
        with pytest.raises(corral.SchemaError, match="1000") as e:
            corral.Grammar.from_json_schema(doc, max_depth=2000)
        assert e.value.pointer == "#" + "/items" * 1000
    arrays: list[Any] = []
    for _ in range(1000):
        arrays = [arrays]
    with pytest.raises(corral.SchemaError) as e:
        corral.Grammar.from_json_schema({"const": arrays})
    assert e.value.pointer == "#/const" + "/0" * 999
    with pytest.raises(corral.SchemaError) as e:
        corral.Grammar.from_json_schema('{"a/b~": {"c": ' + "[" * 1000 + "]" * 1000 + "}}")
    assert e.value.pointer.startswith("#/a~1b~0/c/0/0")


def test_python_schemas_read_as_json_would() -> None:
    cyclic: dict[str, Any] = {}
    cyclic["items"] = cyclic
    with pytest.raises(corral.SchemaError, match="levels"):
        corral.Grammar.from_json_schema(cyclic)
    shared: dict[str, Any] = {"type": "string"}
    for _ in range(40):
        shared = {"anyOf": [shared, shared]}  # 2**40 values when written out
    with pytest.raises(corral.SchemaError, match="values"):
        corral.Grammar.from_json_schema(shared)
    with pytest.raises(corral.SchemaError, match="/const"):
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


def test_pydantic_recursion_becomes_a_schema_error() -> None:
    class Model:
        @staticmethod
        def model_json_schema() -> dict[str, Any]:
            def deep(n: int) -> dict[str, Any]:
                return {"items": deep(n + 1)}

            return deep(0)

    with pytest.raises(corral.SchemaError, match="nests too deeply") as e:
        corral.Grammar.from_pydantic(Model)
    assert isinstance(e.value.__cause__, RecursionError)
