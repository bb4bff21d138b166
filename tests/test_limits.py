"""Budgets: running over one raises LimitError naming it; defaults are safe
and do not get in the way of ordinary work."""

from __future__ import annotations

from pathlib import Path

import corral
import numpy as np
import pytest
from conftest import corral_vocab

AMBIGUOUS = 'start: x\nx: x x | /[a-z]+/ | " "\n'


def test_limit_error_is_a_corral_error() -> None:
    assert issubclass(corral.LimitError, corral.CorralError)
    assert issubclass(corral.LimitError, ValueError)


def test_chart_budget_raises_and_rollback_recovers() -> None:
    g = corral.Grammar.from_lark(AMBIGUOUS, max_chart_bytes=256 << 10)
    m = g.matcher()
    assert m.consume_bytes(b"ab cd")
    with pytest.raises(corral.LimitError, match="max_chart_bytes"):
        m.consume_bytes(b"ab " * 5000)
    assert m.is_error()
    m.rollback(1)
    assert not m.is_error()
    assert m.consume_bytes(b" ef")
    assert m.is_accepting()


def test_chart_budget_is_part_of_the_fingerprint() -> None:
    a = corral.Grammar.from_lark(AMBIGUOUS)
    b = corral.Grammar.from_lark(AMBIGUOUS, max_chart_bytes=1 << 20)
    assert a.fingerprint != b.fingerprint


def test_token_matcher_budgets() -> None:
    v = corral_vocab("gpt2")
    g = corral.Grammar.from_lark(AMBIGUOUS, max_chart_bytes=64 << 10)
    cg = corral.CompiledGrammar(g, v)
    m = cg.matcher()
    word = v.tokens_with_prefix(b"hello")[0]
    space = next(t for t in v.tokens_with_prefix(b" ") if v.token_bytes(t) == b" ")
    last = None
    with pytest.raises(corral.LimitError, match="max_chart_bytes"):
        for _ in range(5000):
            for last in (word, space):
                m.consume(last)
    assert m.is_error()
    # Undone, the same step checked with try_consume hits the same budget,
    # and changes nothing.
    m.rollback(1)
    assert not m.is_error()
    with pytest.raises(corral.LimitError, match="max_chart_bytes"):
        m.try_consume(last)
    assert not m.is_error()
    assert m.try_consume(v.eos_token_id) is False or m.is_accepting()


def test_walk_budget_raises_from_fill_mask() -> None:
    v = corral_vocab("gpt2")
    g = corral.Grammar.from_lark(AMBIGUOUS)
    cg = corral.CompiledGrammar(g, v, max_walk_states=5)
    m = cg.matcher()
    buf = np.full((1, v.mask_words), -1, np.int32)
    with pytest.raises(corral.LimitError, match="max_walk_states"):
        m.fill_mask(buf, 0)
    assert not buf.any()  # an empty mask, never a partial one
    # fill_masks too, and the default budget is plenty for the same mask.
    with pytest.raises(corral.LimitError):
        corral.fill_masks([m], buf)
    ok = corral.CompiledGrammar(g, v).matcher()
    ok.fill_mask(buf, 0)
    assert buf.any()


def test_compile_budgets_are_limit_errors() -> None:
    with pytest.raises(corral.GrammarLimitError) as e:
        corral.Grammar.from_lark('start: "ab"', max_lexer_states=0)
    assert isinstance(e.value, corral.LimitError) and isinstance(e.value, corral.GrammarError)
    assert e.value.limit == "max_lexer_states"
    assert (e.value.line, e.value.column) == (1, 8)
    with pytest.raises(corral.GrammarLimitError) as e:
        corral.Grammar.from_lark("start: /[a-z]{0,300}x/", max_dfa_bytes=4096)
    assert e.value.limit == "max_dfa_bytes"
    # Not a budget: a plain GrammarError has no limit.
    with pytest.raises(corral.GrammarError) as e:
        corral.Grammar.from_lark("start: (")
    assert not isinstance(e.value, corral.LimitError) and e.value.limit is None


def test_compile_prepares_the_start_mask() -> None:
    """The start state's walks are computed by the compile (every output
    begins there): the first matcher's mask adds no walk to the cache, and it
    equals a brute-force check of every token."""
    v = corral_vocab("gpt2")
    g = corral.Grammar.from_lark(AMBIGUOUS)
    cg = corral.CompiledGrammar(g, v)
    walks = cg.cache_size
    assert walks > 0
    buf = np.zeros((1, v.mask_words), np.int32)
    cg.matcher().fill_mask(buf, 0)
    assert cg.cache_size == walks
    bits = np.unpackbits(buf.view(np.uint8), bitorder="little")[: v.vocab_size]
    for t in range(v.vocab_size):
        data = v.token_bytes(t)
        m = g.matcher()
        want = bool(data) and m.consume_bytes(data)
        assert bool(bits[t]) == want, (t, data)


def test_defaults_allow_long_inputs() -> None:
    g = corral.Grammar.from_file(Path(__file__).parent.parent / "grammars" / "json.lark")
    m = g.matcher()
    assert m.consume_bytes(b"[" + b"1, " * 200_000 + b"1]")
    assert m.is_accepting()


def test_sample_refuses_a_huge_count() -> None:
    g = corral.Grammar.from_regex("[ab]{3}")
    with pytest.raises(ValueError, match="n must be at most"):
        g.sample(2**62)
    assert len(g.sample(5, seed=1)) == 5


def test_sample_stops_on_a_signal() -> None:
    """A long sample() is interrupted by a pending signal (Ctrl-C) between
    batches, with the handler's exception."""
    import signal
    import time

    class Stop(Exception):
        pass

    def handler(signum: int, frame: object) -> None:
        raise Stop

    g = corral.Grammar.from_lark('start: x+\nx: "a" | "b" | "(" x+ ")"\n')
    old = signal.signal(signal.SIGALRM, handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        t = time.perf_counter()
        with pytest.raises(Stop):
            g.sample(10_000_000, max_depth=12)
        # Millions of derivations take minutes; the signal ends it at once.
        assert time.perf_counter() - t < 30
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
