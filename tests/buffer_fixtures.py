"""What the buffer-safety tests share: a small vocabulary and grammar, and
the brute-force reference for masks."""

from __future__ import annotations

import corral
import numpy as np

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


def fresh() -> corral.Matcher:
    m = CG.matcher()
    assert m.consume_tokens([0, 1]) == 2
    return m
