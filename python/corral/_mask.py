"""Compiling grammars for a vocabulary, and token masks on logits."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np

from corral._core import CompiledGrammar, Grammar, Vocabulary, apply_mask_cpu

_CACHE: OrderedDict[tuple[str, int, int | None, int | None], tuple[Vocabulary, CompiledGrammar]] = (
    OrderedDict()
)
_CACHE_SIZE = 64

#: Most characters in a run of ignored whitespace during generation, by
#: default: masked models (random ones especially) otherwise fall into endless
#: runs of spaces and newlines wherever a grammar allows them.
DEFAULT_WHITESPACE_LIMIT = 24


def compile(
    grammar: Grammar | str,
    vocab: Vocabulary,
    *,
    max_cache_bytes: int | None = None,
    whitespace_limit: int | None = DEFAULT_WHITESPACE_LIMIT,
) -> CompiledGrammar:
    """Binds a grammar (a `Grammar`, or Lark text) to a vocabulary.

    Results are cached by the grammar's content and the vocabulary, so
    compiling the same grammar again for the same vocabulary is free and the
    mask cache inside the compiled grammar is shared. `max_cache_bytes` caps
    that mask cache (default 512 MiB).

    `whitespace_limit` bounds each run of ignored whitespace (the `%ignore`
    terminals that match only whitespace, together) to that many characters
    (default 24); `None` keeps the grammar's unbounded runs. JSON Schema
    grammars bound their whitespace themselves (`max_whitespace`, default 24).
    """
    if isinstance(grammar, str):
        grammar = Grammar.from_lark(grammar)
    key = (grammar.fingerprint, id(vocab), max_cache_bytes, whitespace_limit)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is vocab:
        _CACHE.move_to_end(key)
        return hit[1]
    cg = CompiledGrammar(
        grammar, vocab, max_cache_bytes=max_cache_bytes, whitespace_limit=whitespace_limit
    )
    # The vocabulary object is kept with the entry so its id is not reused.
    _CACHE[key] = (vocab, cg)
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return cg


def allocate_bitmask(batch: int, vocab_size: int) -> np.ndarray[Any, np.dtype[np.int32]]:
    """A zeroed int32 bitmask of shape [batch, ceil(vocab_size / 32)]."""
    return np.zeros((batch, (vocab_size + 31) // 32), dtype=np.int32)


def _is_torch(x: object) -> bool:
    return type(x).__module__.startswith("torch") and hasattr(x, "data_ptr")


def apply_mask(logits: Any, bitmask: Any) -> None:
    """Sets the logits of disallowed tokens to -inf, in place.

    `logits`: [batch, width] or [width], float32/float16/bfloat16 (a torch
    tensor on any device, or a numpy array); `bitmask`: int32 [batch,
    ceil(width / 32)] as filled by `Matcher.fill_mask` (a CPU tensor or a
    numpy array). Ids past the mask (padded logits) are disallowed. CPU
    tensors are masked in Rust on the tensor's own memory; other devices
    through a vectorised torch path on the logits' device.
    """
    if _is_torch(logits) and (logits.device.type != "cpu" or not logits.is_contiguous()):
        _apply_mask_torch(logits, bitmask)
        return
    apply_mask_cpu(logits, bitmask)


def _apply_mask_torch(logits: Any, bitmask: Any) -> None:
    import torch

    bm = bitmask if _is_torch(bitmask) else torch.from_numpy(np.asarray(bitmask))
    bm = bm.to(logits.device, non_blocking=True)
    squeeze = logits.dim() == 1
    lg = logits.unsqueeze(0) if squeeze else logits
    if bm.dim() == 1:
        bm = bm.unsqueeze(0)
    rows, width = lg.shape
    shifts = torch.arange(32, device=lg.device, dtype=torch.int32)
    bits = ((bm[:rows].unsqueeze(-1) >> shifts) & 1).reshape(rows, -1)
    allowed = torch.zeros((rows, width), dtype=torch.bool, device=lg.device)
    n = min(width, bits.shape[1])
    allowed[:, :n] = bits[:, :n].bool()
    lg.masked_fill_(~allowed, float("-inf"))
