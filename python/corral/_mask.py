"""Compiling grammars for a vocabulary, and token masks on logits."""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from typing import Any

import numpy as np

from corral._core import CompiledGrammar, Grammar, Vocabulary, apply_mask_cpu

#: Compiled grammars by (grammar fingerprint, vocabulary, limits), least
#: recently used first; each entry keeps its vocabulary so the id in its key
#: is not reused. Bounded in bytes (see :func:`set_cache_limits`).
_CACHE: OrderedDict[tuple[str, int, int | None, int | None], tuple[Vocabulary, CompiledGrammar]] = (
    OrderedDict()
)
_CACHE_LOCK = threading.Lock()
#: Bytes the compiled grammars kept may take, their mask caches included.
_CACHE_BYTES = 1 << 30
#: Most compiled grammars kept, whatever their size.
_CACHE_ENTRIES = 512
#: What an entry is counted at besides its mask cache (the grammar, its
#: lexer and tables).
_ENTRY_BYTES = 64 << 10


def _entry_bytes(cg: CompiledGrammar) -> int:
    return _ENTRY_BYTES + cg.cache_bytes


def _trim(limit: int, entries: int) -> None:
    """Drops least recently used compiled grammars until the rest fit in
    `limit` bytes and `entries` entries (the newest is kept). Called with
    the lock held."""
    while len(_CACHE) > max(entries, 1):
        _CACHE.popitem(last=False)
    total = sum(_entry_bytes(cg) for _, cg in _CACHE.values())
    while total > limit and len(_CACHE) > 1:
        _, (_, cg) = _CACHE.popitem(last=False)
        total -= _entry_bytes(cg)


#: Most characters in a run of ignored whitespace, by default (the default of
#: every `Grammar` constructor's `whitespace_limit`): masked models (random
#: ones especially) otherwise fall into endless runs of spaces and newlines
#: wherever a grammar allows them.
DEFAULT_WHITESPACE_LIMIT = 24


def compile(
    grammar: Grammar | str,
    vocab: Vocabulary,
    *,
    max_cache_bytes: int | None = None,
    max_walk_states: int | None = None,
) -> CompiledGrammar:
    """Binds a grammar (a `Grammar`, or Lark text) to a vocabulary.

    The language is the grammar's own: its bound on runs of ignored
    whitespace (`Grammar.from_lark(..., whitespace_limit=24)`, the default)
    included, so token matchers accept exactly what `grammar.matcher()`
    accepts. Lark text is read with the default bound.

    Results are cached by the grammar's fingerprint and the vocabulary, so
    compiling the same grammar again for the same vocabulary is free and the
    mask cache inside the compiled grammar is shared. `max_cache_bytes` caps
    that mask cache (default 512 MiB). The cache keeps the compiled grammars
    used most recently, up to a total size in bytes, their mask caches
    included (1 GiB by default: see :func:`set_cache_limits`); it is safe
    under threads.

    `max_walk_states` bounds the work of one mask (default 1,000,000 walk
    states, about a second); past it `fill_mask` raises `LimitError`.
    """
    if isinstance(grammar, str):
        grammar = Grammar.from_lark(grammar)
    key = (grammar.fingerprint, id(vocab), max_cache_bytes, max_walk_states)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is vocab:
            _CACHE.move_to_end(key)
            return hit[1]
    cg = CompiledGrammar(
        grammar,
        vocab,
        max_cache_bytes=max_cache_bytes,
        max_walk_states=max_walk_states,
    )
    with _CACHE_LOCK:
        # Another thread may have compiled it meanwhile: keep one.
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is vocab:
            _CACHE.move_to_end(key)
            return hit[1]
        _CACHE[key] = (vocab, cg)
        _trim(_CACHE_BYTES, _CACHE_ENTRIES)
    return cg


def allocate_bitmask(batch: int, vocab_size: int) -> np.ndarray[Any, np.dtype[np.int32]]:
    """A zeroed int32 bitmask of shape [batch, ceil(vocab_size / 32)]."""
    return np.zeros((batch, (vocab_size + 31) // 32), dtype=np.int32)


def _is_torch(x: object) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def apply_mask(logits: Any, bitmask: Any) -> None:
    """Sets the logits of disallowed tokens to -inf, in place.

    `logits`: [batch, width] or [width], float32/float16/bfloat16/float64 (a
    torch tensor on any device, or a numpy array); `bitmask`: int32 [batch,
    words] or [words] as filled by `Matcher.fill_mask` (a CPU tensor, a
    tensor on the logits' device, or a numpy array), one row per row of
    logits, with `words` at most ceil(width / 32). Ids past the mask (padded
    logits) are disallowed. Both are checked on every call (`TypeError` for
    a wrong dtype, `ValueError` for a wrong shape, device or memory). CPU
    tensors and numpy arrays are masked in Rust on their own memory; other
    devices, non-contiguous tensors and tensors that require grad through a
    vectorised torch path on the logits' device.
    """
    if _is_torch(logits) and (
        logits.device.type != "cpu" or logits.requires_grad or not logits.is_contiguous()
    ):
        _apply_mask_torch(logits, bitmask)
        return
    apply_mask_cpu(logits, bitmask)


def _within_storage(t: Any) -> bool:
    """Whether every element of a strided tensor lies inside its storage."""
    if t.numel() == 0:
        return True
    extent = 1 + sum((n - 1) * st for n, st in zip(t.shape, t.stride(), strict=True))
    need = (t.storage_offset() + extent) * t.element_size()
    storage = t.untyped_storage()
    return bool(storage.nbytes() >= need and t.data_ptr() != 0)


def _check_tensor(t: Any, what: str) -> None:
    import torch

    if t.layout != torch.strided:
        raise TypeError(f"{what} must be a dense tensor, got layout {t.layout}")
    if t.dim() not in (1, 2):
        raise ValueError(f"{what} must have 1 or 2 dimensions, got shape {tuple(t.shape)}")
    if not _within_storage(t):
        raise ValueError(
            f"the storage of {what} is too small for its elements (was it resized or released?)"
        )


def _mask_tensor(bitmask: Any, device: Any) -> Any:
    """The bitmask, checked, as an int32 tensor on `device`."""
    import torch

    if _is_torch(bitmask):
        if bitmask.dtype != torch.int32:
            raise TypeError(f"bitmask must be int32, got {bitmask.dtype}")
        _check_tensor(bitmask, "bitmask")
        if bitmask.device.type != "cpu" and bitmask.device != device:
            raise ValueError(
                f"bitmask is on {bitmask.device}, the logits on {device}: keep it on the CPU "
                "or move it to the logits' device"
            )
        if bitmask.is_neg():
            bitmask = bitmask.resolve_neg()
        return bitmask.to(device, non_blocking=True)
    if not isinstance(bitmask, np.ndarray):
        raise TypeError(
            f"bitmask must be a numpy array or a torch tensor of int32, got {type(bitmask)}"
        )
    if bitmask.dtype != np.int32:
        raise TypeError(f"bitmask must be int32, got {bitmask.dtype}")
    if bitmask.ndim not in (1, 2):
        raise ValueError(f"bitmask must have 1 or 2 dimensions, got shape {bitmask.shape}")
    arr = np.ascontiguousarray(bitmask)
    if not arr.flags.writeable:
        arr = arr.copy()  # torch.from_numpy warns about read-only arrays
    return torch.from_numpy(arr).to(device, non_blocking=True)


def _apply_mask_torch(logits: Any, bitmask: Any) -> None:
    import torch

    if logits.dtype not in (torch.float32, torch.float16, torch.bfloat16, torch.float64):
        raise TypeError(f"logits must be float32, float16, bfloat16 or float64, got {logits.dtype}")
    _check_tensor(logits, "logits")
    bm = _mask_tensor(bitmask, logits.device)
    lg = logits.unsqueeze(0) if logits.dim() == 1 else logits
    if bm.dim() == 1:
        bm = bm.unsqueeze(0)
    rows, width = lg.shape
    words = bm.shape[1]
    if bm.shape[0] != rows:
        raise ValueError(f"bitmask has {bm.shape[0]} rows for {rows} rows of logits")
    if words > (width + 31) // 32:
        raise ValueError(
            f"bitmask rows have {words} words, more than the {(width + 31) // 32} that "
            f"{width} logits need"
        )
    if words == 0 and width > 0:
        raise ValueError("bitmask rows have no words")
    shifts = torch.arange(32, device=lg.device, dtype=torch.int32)
    bits = ((bm.unsqueeze(-1) >> shifts) & 1).reshape(rows, words * 32)
    allowed = torch.zeros((rows, width), dtype=torch.bool, device=lg.device)
    n = min(width, words * 32)
    allowed[:, :n] = bits[:, :n].bool()
    lg.masked_fill_(~allowed, float("-inf"))
