"""Grammar.from_regex: the language of one regex, matched in full (as re.fullmatch)."""

from __future__ import annotations

import re

import corral
import numpy as np
import pytest
from conftest import corral_vocab, hf_tokenizer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PATTERNS = [
    (r"[a-z]+@[a-z]+\.(com|org)", ""),
    (r"\d{3}-\d{4}", ""),
    (r"(ab|cd)*e?", ""),
    (r'"(?:[^"\\]|\\.)*"', ""),
    (r"caf\u00e9|na\u00efve|\u00fc+", ""),
    (r"hello( world)?", "i"),
    (r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?", ""),
]

ALPHABET = st.sampled_from(list('abcdeHELOWRLD@.-"\\0123456789 eE+é\u00ef\u00fc'))


def accepts(g: corral.Grammar, s: str) -> bool:
    m = g.matcher()
    return m.consume_bytes(s.encode()) and m.is_accepting()


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_from_regex_agrees_with_re_fullmatch(pattern: str, flags: str, data: st.DataObject) -> None:
    g = corral.Grammar.from_regex(pattern, flags=flags)
    rx = re.compile(pattern, re.IGNORECASE if "i" in flags else 0)
    # Strings of the language are accepted ...
    s = data.draw(st.from_regex(rx, fullmatch=True), label="member")
    assert accepts(g, s), s
    # ... and arbitrary strings (and prefixes of members) agree with re.
    t = data.draw(st.one_of(st.text(ALPHABET, max_size=12), st.just(s[: len(s) // 2])))
    assert accepts(g, t) == (rx.fullmatch(t) is not None), t


def test_from_regex_masks_are_exact() -> None:
    vocab = corral_vocab("gpt2")
    g = corral.Grammar.from_regex(r"\{\"id\": [0-9]+, \"tags\": \[(\"[a-z]+\"(, )?)*\]\}")
    m = corral.compile(g, vocab).matcher()
    text = '{"id": 42, "tags": ["ab", "cd"]}'
    ids = hf_tokenizer("gpt2").encode(text).ids
    for i, t in enumerate([*ids, None]):
        bm = corral.allocate_bitmask(1, vocab.vocab_size)
        m.fill_mask(bm)
        got = np.unpackbits(bm[0].view(np.uint8), bitorder="little")[: vocab.vocab_size]
        want = np.array([m.try_consume(k) for k in range(vocab.vocab_size)])
        assert (got.astype(bool) == want).all(), i
        if t is not None:
            assert m.consume(t)
    assert m.is_finished()


def test_from_regex_errors() -> None:
    with pytest.raises(corral.GrammarError) as e:
        corral.Grammar.from_regex("a(b")
    assert e.value.file == "<regex>"
    with pytest.raises(corral.NotSupportedError, match="look-behind"):
        corral.Grammar.from_regex("(?<=a)b")
    with pytest.raises(ValueError, match="flag"):
        corral.Grammar.from_regex("a", flags="q")
    # The fingerprint follows the pattern and flags.
    a, b = corral.Grammar.from_regex("ab"), corral.Grammar.from_regex("ab", flags="i")
    assert a.fingerprint != b.fingerprint
    assert a.fingerprint == corral.Grammar.from_regex("ab").fingerprint
