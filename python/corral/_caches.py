"""The process-wide caches, and their bounds.

Three caches let an application pass the same tokenizer and schema on every
request without paying for them again:

- vocabularies, by the tokenizer's content (:func:`corral._inputs.vocabulary_for`);
- grammars built from a JSON Schema or Lark text, by that text
  (:func:`corral._inputs.as_grammar`);
- compiled grammars, by (grammar fingerprint, vocabulary), with the mask
  cache each holds (:func:`corral.compile`), bounded in bytes.

All are least-recently-used and safe under threads.
"""

from __future__ import annotations

from corral import _inputs, _mask


def set_cache_limits(
    *,
    compiled_bytes: int | None = None,
    compiled_grammars: int | None = None,
    grammars: int | None = None,
    vocabularies: int | None = None,
) -> None:
    """Bounds corral's caches; an argument left out keeps its bound.

    - `compiled_bytes`: bytes the compiled grammars kept may take, their
      mask caches included (default 1 GiB). The most recently used one is
      always kept.
    - `compiled_grammars`: most compiled grammars kept (default 512).
    - `grammars`: most grammars built from schemas and Lark text kept
      (default 256).
    - `vocabularies`: most vocabularies kept by tokenizer content
      (default 8; a 128k-token vocabulary takes tens of MB).

    0 turns a cache off (the compiled-grammar cache still keeps the last
    one). Lowering a bound drops entries at once.
    """
    for name, v in (
        ("compiled_bytes", compiled_bytes),
        ("compiled_grammars", compiled_grammars),
        ("grammars", grammars),
        ("vocabularies", vocabularies),
    ):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            raise ValueError(f"{name} must be a non-negative int, got {v!r}")
    with _mask._CACHE_LOCK:
        if compiled_bytes is not None:
            _mask._CACHE_BYTES = compiled_bytes
        if compiled_grammars is not None:
            _mask._CACHE_ENTRIES = compiled_grammars
        _mask._trim(_mask._CACHE_BYTES, _mask._CACHE_ENTRIES)
    with _inputs._GRAMMARS_LOCK:
        if grammars is not None:
            _inputs.GRAMMAR_CACHE_SIZE = grammars
        while len(_inputs._GRAMMARS) > _inputs.GRAMMAR_CACHE_SIZE:
            _inputs._GRAMMARS.popitem(last=False)
    with _inputs._LOCK:
        if vocabularies is not None:
            _inputs.VOCABULARY_CACHE_SIZE = vocabularies
        while len(_inputs._BY_CONTENT) > _inputs.VOCABULARY_CACHE_SIZE:
            _inputs._BY_CONTENT.popitem(last=False)


def cache_info() -> dict[str, int]:
    """What the caches hold now, and their bounds."""
    with _mask._CACHE_LOCK:
        compiled = len(_mask._CACHE)
        used = sum(_mask._entry_bytes(cg) for _, cg in _mask._CACHE.values())
        limits = (_mask._CACHE_BYTES, _mask._CACHE_ENTRIES)
    with _inputs._GRAMMARS_LOCK:
        grammars = len(_inputs._GRAMMARS)
    with _inputs._LOCK:
        vocabularies = len(_inputs._BY_CONTENT)
    return {
        "compiled_grammars": compiled,
        "compiled_bytes": used,
        "compiled_bytes_limit": limits[0],
        "compiled_grammars_limit": limits[1],
        "grammars": grammars,
        "grammars_limit": _inputs.GRAMMAR_CACHE_SIZE,
        "vocabularies": vocabularies,
        "vocabularies_limit": _inputs.VOCABULARY_CACHE_SIZE,
    }


def clear_caches() -> None:
    """Empties every cache (the vocabularies found by tokenizer object
    included)."""
    with _mask._CACHE_LOCK:
        _mask._CACHE.clear()
    with _inputs._GRAMMARS_LOCK:
        _inputs._GRAMMARS.clear()
    with _inputs._LOCK:
        _inputs._BY_CONTENT.clear()
        _inputs._BY_OBJECT.clear()
