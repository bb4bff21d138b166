"""Property tests of token masks on every shipped grammar and every tokenizer.

States are reachable ones: a string of the grammar's language (a random
derivation from ``Grammar.sample`` or an ``[[accept]]`` text of the grammar's
corpus) is tokenized canonically by the tokenizer's own implementation (the
``tokenizers`` library), a random-length prefix of its tokens is consumed, and
sometimes a random token the mask allows is taken on top (a detour off the
canonical tokenization). At such states:

  * the mask from ``Matcher.fill_mask`` equals the brute-force answer (every
    id below ``vocab_size`` tried with ``try_consume``) bit for bit, the bits
    past ``vocab_size`` are zero, and EOS is allowed exactly when
    ``is_accepting()``;
  * ``rollback(n)`` after n consume calls restores the earlier state exactly;
  * ``fill_masks`` batches, run from several Python threads at once on one
    (cold) ``CompiledGrammar``, give the masks computed one by one;
  * a ``fork()`` has the original's masks, and the two move independently.
"""

from __future__ import annotations

import functools
import json
import threading
import unicodedata
from pathlib import Path
from typing import Any

import corral
import numpy as np
import numpy.typing as npt
import pytest
import tomllib
from conftest import TOKENIZER_DIR, TOKENIZERS, corral_vocab, hf_tokenizer
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

GRAMMARS_DIR = Path(__file__).resolve().parents[1] / "grammars"
GRAMMAR_NAMES = sorted(p.stem for p in GRAMMARS_DIR.glob("*.lark"))

# The SentencePiece tokenizers whose normalizer prepends a dummy-prefix "▁" to
# the whole input (encode("Hi") is "▁Hi"): what a model emits after a prompt
# has no such space, so their canonical tokenization of a continuation is the
# one without the Prepend normalizer (what transformers calls legacy=False).
DUMMY_PREFIX = ("llama2", "mistral-sp32k")

SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

Bits = npt.NDArray[np.bool_]
Words = npt.NDArray[np.int32]


# --- grammars, vocabularies, tokenizers -------------------------------------


@functools.cache
def grammar(gname: str) -> corral.Grammar:
    return corral.Grammar.from_file(GRAMMARS_DIR / f"{gname}.lark")


@functools.cache
def corpus_accepts(gname: str) -> tuple[str, ...]:
    with (GRAMMARS_DIR / f"{gname}.toml").open("rb") as f:
        data: dict[str, Any] = tomllib.load(f)
    return tuple(case["text"] for case in data.get("accept", []))


def vocab_of(tname: str) -> corral.Vocabulary:
    v: corral.Vocabulary = corral_vocab(tname)
    return v


def compiled(gname: str, tname: str) -> corral.CompiledGrammar:
    """The grammar bound to the tokenizer (corral.compile caches it)."""
    return corral.compile(grammar(gname), vocab_of(tname))


@functools.cache
def canonical_tokenizer(tname: str) -> Any:
    if tname not in DUMMY_PREFIX:
        return hf_tokenizer(tname)
    from tokenizers import Tokenizer

    spec = json.loads((TOKENIZER_DIR / tname / "tokenizer.json").read_text(encoding="utf-8"))
    norm = spec["normalizer"]
    assert norm["type"] == "Sequence", norm
    kept = [n for n in norm["normalizers"] if n["type"] != "Prepend"]
    assert len(kept) == len(norm["normalizers"]) - 1, norm
    norm["normalizers"] = kept
    return Tokenizer.from_str(json.dumps(spec))


def encode(tname: str, text: str) -> list[int]:
    return list(canonical_tokenizer(tname).encode(text, add_special_tokens=False).ids)


def canonical_ids(tname: str, text: str) -> list[int]:
    """The tokenizer's own token ids for text, which must stand for its bytes
    (inside a hypothesis test: texts it cannot stand for are not used)."""
    vocab = vocab_of(tname)
    ids = encode(tname, text)
    # Text that spells a special token (tekken's "<s>", ...) is encoded as that
    # special token, which no grammar allows; a model would not emit it there.
    assume(all(vocab.token_kind(t) == "normal" for t in ids))
    if tname == "qwen3":
        # Qwen's normalizer applies NFC, so its tokens stand for other bytes.
        assume(unicodedata.is_normalized("NFC", text))
    assert vocab.decode_bytes(ids) == text.encode(), (tname, text, ids)
    return ids


def _sample(gname: str, seed: int, depth: int) -> str:
    out = grammar(gname).sample(1, max_depth=depth, seed=seed)
    assert len(out) == 1
    return out[0]


@functools.cache
def texts(gname: str) -> st.SearchStrategy[str]:
    """Strings of the grammar's language."""
    sampled = st.builds(_sample, st.just(gname), st.integers(0, 2**63 - 1), st.integers(1, 12))
    return st.one_of(sampled, st.sampled_from(corpus_accepts(gname)))


# --- masks -------------------------------------------------------------------


def unpack(row: Words, vocab_size: int) -> Bits:
    """One bit per id; the padding bits past vocab_size must be zero."""
    bits = np.unpackbits(row.view(np.uint8), bitorder="little").astype(bool)
    assert not bits[vocab_size:].any(), "bits set past vocab_size"
    return bits[:vocab_size]


def mask_words(m: corral.Matcher, vocab: corral.Vocabulary) -> Words:
    # Pre-filled with ones: fill_mask must write every word of the row.
    bm = np.full((1, vocab.mask_words), -1, dtype=np.int32)
    m.fill_mask(bm)
    row: Words = bm[0].copy()
    return row


def mask_bits(m: corral.Matcher, vocab: corral.Vocabulary) -> Bits:
    return unpack(mask_words(m, vocab), vocab.vocab_size)


def brute_force(m: corral.Matcher, vocab_size: int) -> Bits:
    return np.fromiter(map(m.try_consume, range(vocab_size)), dtype=bool, count=vocab_size)


def describe(vocab: corral.Vocabulary, ids: npt.NDArray[np.intp], got: Bits) -> list[Any]:
    out: list[Any] = []
    for t in ids[:8]:
        i = int(t)
        shown = vocab.token_bytes(i) or vocab.special_token_name(i) or vocab.token_kind(i)
        out.append((i, shown, "mask allows" if got[i] else "mask refuses"))
    return out


def check_exact(m: corral.Matcher, vocab: corral.Vocabulary, path: list[int]) -> Bits:
    """The mask equals the brute-force answer; returns it."""
    got = mask_bits(m, vocab)
    want = brute_force(m, vocab.vocab_size)
    diff = np.flatnonzero(got != want)
    assert diff.size == 0, (
        f"{diff.size} ids differ after {vocab.decode_bytes(path)!r} (tokens {path}): "
        f"{describe(vocab, diff, got)}"
    )
    accepting = m.is_accepting()
    for e in vocab.eos_token_ids:
        assert bool(got[e]) == accepting, (e, accepting, vocab.decode_bytes(path))
    return got


def allowed_tokens(bits: Bits, vocab: corral.Vocabulary) -> npt.NDArray[np.intp]:
    """Ids the mask allows, EOS left out."""
    ok = bits.copy()
    ok[vocab.eos_token_ids] = False
    return np.flatnonzero(ok)


def replay(cg: corral.CompiledGrammar, path: list[int]) -> corral.Matcher:
    m = cg.matcher()
    for t in path:
        assert m.consume(t), (t, m.error())
    return m


def draw_state(
    data: st.DataObject, cg: corral.CompiledGrammar, gname: str, tname: str, *, detours: int
) -> tuple[corral.Matcher, list[int], list[int]]:
    """A reachable state: a canonical token prefix of a string of the language,
    then up to `detours` random allowed tokens. Returns the matcher, its path
    and the whole canonical tokenization."""
    vocab = cg.vocab
    text = data.draw(texts(gname), label="text")
    ids = canonical_ids(tname, text)
    k = data.draw(st.integers(0, len(ids)), label="prefix tokens")
    path = ids[:k]
    m = replay(cg, path)
    for _ in range(data.draw(st.integers(0, detours), label="detours")):
        allowed = allowed_tokens(mask_bits(m, vocab), vocab)
        if allowed.size == 0:
            break
        t = int(allowed[data.draw(st.integers(0, allowed.size - 1), label="detour")])
        assert m.consume(t), (t, m.error())
        path.append(t)
    note(f"path {path} = {vocab.decode_bytes(path)!r}")
    return m, path, ids


State = tuple[bytes, bool, bool, bool, int, bytes, tuple[str, ...], str | None]


def snapshot(m: corral.Matcher, vocab: corral.Vocabulary) -> State:
    """Everything observable about a token matcher's state."""
    return (
        mask_words(m, vocab).tobytes(),
        m.is_accepting(),
        m.is_error(),
        m.is_finished(),
        m.bytes_consumed,
        m.forced_bytes(),
        tuple(m.expected()),
        m.error(),
    )


def draw_step(data: st.DataObject, m: corral.Matcher, vocab: corral.Vocabulary) -> int:
    """A token to consume next: mostly allowed ones, sometimes EOS or a refused one."""
    bits = mask_bits(m, vocab)
    kind = data.draw(st.sampled_from(["allowed", "allowed", "allowed", "eos", "refused"]))
    if kind == "allowed":
        allowed = allowed_tokens(bits, vocab)
        if allowed.size:
            return int(allowed[data.draw(st.integers(0, allowed.size - 1))])
    if kind == "refused":
        refused = np.flatnonzero(~bits)
        if refused.size:
            return int(refused[data.draw(st.integers(0, refused.size - 1))])
    return vocab.eos_token_id


# --- the tests ---------------------------------------------------------------


def test_every_shipped_grammar_and_tokenizer_is_covered() -> None:
    assert {"json", "sql", "arith", "csv", "lark"} <= set(GRAMMAR_NAMES)
    assert len(TOKENIZERS) == 9
    for gname in GRAMMAR_NAMES:
        assert len(corpus_accepts(gname)) >= 10, gname


@pytest.mark.slow  # loads every tokenizer, the large ones too
def test_canonical_tokenization_has_no_dummy_prefix() -> None:
    for tname in TOKENIZERS:
        vocab = vocab_of(tname)
        for text in ('"a"', "x", "{}", " y"):
            assert vocab.decode_bytes(encode(tname, text)) == text.encode(), (tname, text)
    # The tokenizer as shipped does add one.
    for tname in DUMMY_PREFIX:
        ids = hf_tokenizer(tname).encode('"a"', add_special_tokens=False).ids
        assert vocab_of(tname).decode_bytes(ids) == b' "a"'


# --- the mask walk stays polynomial in the token length -----------------------
#
# With a grammar where adjacent terminals need no separator (lark.lark's
# `expansion: expr*`, where "ab" is one NAME or "a" "b"), a token of n letters
# splits in 2^(n-1) ways; a mask walk must not follow each split (an early
# version did: on lark.lark after "a:b", one fill_mask tried to allocate more
# than 3 GB). The smallest form: tokens a, aa, ..., a*64 and `start: NAME*`,
# after "a". Exponential would be 2^63 steps; the guard below only stops a
# hang from hanging the suite, it is not a timing check.

SPLIT_GRAMMAR = "start: NAME*\nNAME: /[a-z]+/\n"


def test_mask_walk_is_not_exponential_in_token_length() -> None:
    n = 64
    tokens: list[bytes | None] = [b"a" * k for k in range(1, n + 1)]
    vocab = corral.Vocabulary.from_bytes([*tokens, b"</s>"], eos_token_id=n)
    cg = corral.CompiledGrammar(corral.Grammar.from_lark(SPLIT_GRAMMAR), vocab)
    m = cg.matcher()
    assert m.consume(0)
    result: list[npt.NDArray[np.bool_]] = []
    worker = threading.Thread(target=lambda: result.append(mask_bits(m, vocab)), daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "fill_mask did not finish: the walk follows every split"
    assert result[0].all(), "every a*k and EOS are allowed"


@pytest.mark.parametrize("tname", TOKENIZERS)
@pytest.mark.parametrize("gname", GRAMMAR_NAMES)
@settings(SETTINGS, max_examples=3)
@given(data=st.data())
def test_masks_equal_brute_force(gname: str, tname: str, data: st.DataObject) -> None:
    cg = compiled(gname, tname)
    vocab = cg.vocab
    m, path, ids = draw_state(data, cg, gname, tname, detours=0)
    bits = check_exact(m, vocab, path)
    # The canonical tokenization goes on from here, and ends where EOS is allowed.
    rest = ids[len(path) :]
    if rest:
        assert bits[rest[0]], (rest[0], vocab.token_bytes(rest[0]))
    f = m.fork()
    assert f.consume_tokens(rest) == len(rest), f.error()
    assert f.is_accepting()
    for e in vocab.eos_token_ids:
        assert mask_bits(f, vocab)[e]
    # One token the mask allows, chosen at random: a state off the canonical path.
    allowed = allowed_tokens(bits, vocab)
    if allowed.size:
        t = int(allowed[data.draw(st.integers(0, allowed.size - 1), label="detour")])
        assert m.consume(t), (t, vocab.token_bytes(t), m.error())
        check_exact(m, vocab, [*path, t])
    else:
        # Only EOS (or nothing) is allowed: the output is complete.
        assert m.is_accepting() or not bits.any()


ROLLBACK_CASES = [
    ("sql", "llama3"),
    ("lark", "llama2"),
    ("arith", "gemma3"),
    ("csv", "mistral-sp32k"),
    ("json", "o200k"),
]


@pytest.mark.parametrize(("gname", "tname"), ROLLBACK_CASES)
@settings(SETTINGS, max_examples=8)
@given(data=st.data())
def test_rollback_restores_earlier_masks(gname: str, tname: str, data: st.DataObject) -> None:
    cg = compiled(gname, tname)
    vocab = cg.vocab
    m, path, _ = draw_state(data, cg, gname, tname, detours=1)
    states = [snapshot(m, vocab)]
    tokens: list[int] = []
    for _ in range(data.draw(st.integers(1, 10), label="steps")):
        t = draw_step(data, m, vocab)
        allowed = bool(mask_bits(m, vocab)[t])
        assert m.consume(t) == allowed, (t, vocab.token_bytes(t))
        tokens.append(t)
        states.append(snapshot(m, vocab))
    note(f"tokens {tokens}")
    depth = len(path) + len(tokens)
    with pytest.raises(IndexError):
        m.rollback(depth + 1)
    assert snapshot(m, vocab) == states[-1]
    # Roll back in random chunks, down to the state the steps started from.
    n = len(tokens)
    while n > 0:
        r = data.draw(st.integers(1, n), label="rollback")
        m.rollback(r)
        n -= r
        assert snapshot(m, vocab) == states[n], f"rollback({r}) to {n} steps"
    # Taking the same steps again gives the same states.
    for i, t in enumerate(tokens):
        m.consume(t)
        assert snapshot(m, vocab) == states[i + 1]
    # All the way back: the start.
    m.rollback(depth)
    assert snapshot(m, vocab) == snapshot(cg.matcher(), vocab)


# A refused token leaves a sticky error, and every consume call after it is
# refused too; rolling back some of them must keep the error while a refusal
# is still in the history. (An early version cleared it: the matcher then
# took tokens again, even after EOS.)


@pytest.mark.parametrize(
    "steps",
    [
        pytest.param(["}", "1"], id="two-refusals"),
        # After EOS: a lost error would let the matcher take tokens after the end.
        pytest.param(["1", None, "1", "1"], id="after-eos"),
    ],
)
def test_rollback_of_the_second_refusal_keeps_the_error(steps: list[str | None]) -> None:
    """json.lark, gpt2; None is EOS. Minimal: any grammar, any vocabulary."""
    cg = compiled("json", "gpt2")
    vocab = cg.vocab
    tokens = []
    for s in steps:
        ids = [vocab.eos_token_id] if s is None else encode("gpt2", s)
        assert len(ids) == 1
        tokens.append(ids[0])
    m = cg.matcher()
    states = [snapshot(m, vocab)]
    for t in tokens:
        m.consume(t)
        states.append(snapshot(m, vocab))
    assert m.is_error() and states[-2][2], "the last two steps are refused"
    m.rollback(1)
    assert m.is_error(), "the earlier refusal is still in the history"
    assert not mask_bits(m, vocab).any()
    assert snapshot(m, vocab) == states[-2]


THREAD_CASES = [("json", "llama3"), ("sql", "qwen3"), ("csv", "tekken")]
N_THREADS = 4
BATCH = 6
ROUNDS = 2


@pytest.mark.parametrize(("gname", "tname"), THREAD_CASES)
@settings(SETTINGS, max_examples=3)
@given(data=st.data())
def test_batches_from_threads_equal_one_by_one(gname: str, tname: str, data: st.DataObject) -> None:
    vocab = vocab_of(tname)
    g = grammar(gname)
    words = vocab.mask_words
    # Sequential reference masks, on a compiled grammar of their own.
    ref_cg = corral.CompiledGrammar(g, vocab)
    paths: list[list[int]] = []
    ref = np.zeros((BATCH, words), dtype=np.int32)
    for i in range(BATCH):
        m, path, _ = draw_state(data, ref_cg, gname, tname, detours=2)
        if data.draw(st.integers(0, 5), label="end") == 0:
            # Sometimes a finished or failed sequence (an all-zero mask).
            t = draw_step(data, m, vocab)
            m.consume(t)
            path.append(t)
        m.fill_mask(ref, i)
        paths.append(path)

    # A fresh compiled grammar (an empty mask cache) shared by all threads.
    cg = corral.CompiledGrammar(g, vocab)
    barrier = threading.Barrier(N_THREADS)
    failures: list[str] = []

    def build(path: list[int]) -> corral.Matcher:
        m = cg.matcher()
        for t in path:
            m.consume(t)
        return m

    def worker(w: int) -> None:
        try:
            order = np.random.default_rng(w).permutation(BATCH)
            ms = [build(paths[i]) for i in order]
            barrier.wait(timeout=60)
            for r in range(ROUNDS):
                bm = np.full((BATCH, words), r - 1, dtype=np.int32)
                if (w + r) % 2:
                    corral.fill_masks(ms, bm)
                else:
                    for row, m in enumerate(ms):
                        m.fill_mask(bm, row)
                for row, i in enumerate(order):
                    if not np.array_equal(bm[row], ref[i]):
                        diff = np.flatnonzero(
                            unpack(bm[row], vocab.vocab_size) != unpack(ref[i], vocab.vocab_size)
                        )
                        failures.append(f"thread {w} round {r} path {paths[i]}: ids {diff[:8]}")
        except BaseException as e:  # reported below
            failures.append(f"thread {w}: {e!r}")

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(N_THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not any(th.is_alive() for th in threads), "a thread hangs"
    assert not failures, failures[:5]
    # And one batch from this thread, on the warm cache.
    bm = np.full((BATCH, words), -1, dtype=np.int32)
    corral.fill_masks([build(p) for p in paths], bm)
    assert np.array_equal(bm, ref)


FORK_CASES = [
    ("json", "gemma3"),
    ("sql", "cl100k"),
    ("lark", "mistral-sp32k"),
    ("csv", "gpt2"),
    ("arith", "tekken"),
]


@pytest.mark.parametrize(("gname", "tname"), FORK_CASES)
@settings(SETTINGS, max_examples=6)
@given(data=st.data())
def test_fork_is_an_independent_copy(gname: str, tname: str, data: st.DataObject) -> None:
    cg = compiled(gname, tname)
    vocab = cg.vocab
    m, path, _ = draw_state(data, cg, gname, tname, detours=1)
    before = snapshot(m, vocab)
    f = m.fork()
    assert snapshot(f, vocab) == before
    # Steps on the fork leave the original as it was.
    steps: list[int] = []
    for _ in range(data.draw(st.integers(1, 4), label="fork steps")):
        t = draw_step(data, f, vocab)
        f.consume(t)
        steps.append(t)
        assert snapshot(m, vocab) == before
    # The fork is where a matcher that took the same tokens is.
    after = snapshot(f, vocab)
    g = replay(cg, path)
    for t in steps:
        g.consume(t)
    assert snapshot(g, vocab) == after
    # Steps on the original leave the fork as it was.
    t = draw_step(data, m, vocab)
    m.consume(t)
    assert snapshot(f, vocab) == after
    # The fork keeps the history from before the fork point.
    f.rollback(len(steps))
    assert snapshot(f, vocab) == before
    f.rollback(len(path))
    assert snapshot(f, vocab) == snapshot(cg.matcher(), vocab)
    m.rollback(1)
    assert snapshot(m, vocab) == before
