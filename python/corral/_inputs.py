"""What the generation entry points accept, made into what they run on.

- :func:`as_grammar`: a grammar given in any of the forms the entry points
  take (a :class:`Grammar`, a :class:`CompiledGrammar`, a
  :class:`~corral.sampling.Constraint`, a JSON Schema dict, a Pydantic model
  class, Lark text, or a path to a ``.lark`` or JSON Schema file). Grammars
  the entry point builds itself use the ``"generate"`` profile: the
  conventional serialization of a valid instance (see
  :meth:`Grammar.from_json_schema`); a grammar the caller built is used as
  given.
- :func:`vocabulary_for`: the :class:`Vocabulary` of a Hugging Face
  tokenizer, built once per tokenizer (by object, then by content) and
  reused.
- :func:`check_vocabulary`: refuses a grammar compiled for another
  tokenizer or another logits width, which would otherwise decode into
  garbage.
- :class:`Decoding`: the decoding options of one call, as the loops take
  them.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, Union

import numpy as np

from corral._core import CompiledGrammar, Grammar, Vocabulary, fill_masks
from corral._mask import compile as _compile
from corral.sampling import Constraint


@dataclass(frozen=True, kw_only=True)
class Decoding:
    """How a call decodes: `generate`'s options (checked by the entry
    points), as the decoding loops take them."""

    max_new_tokens: int = 256
    temperature: float = 0.0
    top_k: int = 0
    top_p: float = 1.0
    seed: int | None = None
    jump_forward: bool = True
    sampler: str = "mask"

    def for_prompt(self, i: int) -> Decoding:
        """The options of a batch's i-th prompt: its own seed."""
        return self if self.seed is None else replace(self, seed=self.seed + i)


#: What a generation entry point takes as its grammar.
GrammarLike = Union[
    Grammar,
    CompiledGrammar,
    Constraint,
    dict[str, Any],
    bool,
    str,
    "os.PathLike[str]",
    type,
]

Profile = Literal["generate", "validate"]

_ACCEPTED = (
    "a corral.Grammar, a corral.CompiledGrammar, a corral.Constraint, a JSON Schema (dict), "
    "a Pydantic model class, Lark grammar text, or the path of a .lark or JSON Schema file"
)


def _is_pydantic_model(x: Any) -> bool:
    return isinstance(x, type) and hasattr(x, "model_json_schema")


def _from_file(path: Path, profile: Profile, whitespace_limit: int | None) -> Grammar:
    if not path.is_file():
        raise FileNotFoundError(f"no such grammar or schema file: {path}")
    if path.suffix == ".json":
        text = path.read_text(encoding="utf-8")
        try:
            schema = json.loads(text)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path} is not JSON ({e})") from None
        return Grammar.from_json_schema(schema, profile=profile)
    return Grammar.from_file(path, whitespace_limit=whitespace_limit)


def _names_a_file(s: str) -> bool:
    if s.endswith((".lark", ".json")):
        return True
    try:
        return Path(s).is_file()
    except (OSError, ValueError):  # not a possible path (a name part too long, a NUL)
        return False


#: Grammars built from JSON Schemas and Lark text by :func:`as_grammar`,
#: by what they were built from, least recently used first.
_GRAMMARS: OrderedDict[tuple[Any, ...], Grammar] = OrderedDict()
_GRAMMARS_LOCK = threading.Lock()
#: Most grammars kept by :func:`as_grammar` (see ``set_cache_limits``).
GRAMMAR_CACHE_SIZE = 256
#: Schemas and grammar texts longer than this are compiled each time
#: (the key would keep a copy of each).
_MAX_KEY_CHARS = 1 << 20


def _grammar_key(grammar: Any, profile: Profile, whitespace_limit: int | None) -> Any:
    """What a grammar built here is cached by: the schema's JSON text (keys
    in their order, which the generate profile follows) or the Lark text,
    with the options that change the language; None for what is not cached
    (files, which may change; Pydantic classes; values that are not JSON)."""
    if isinstance(grammar, (dict, bool)):
        try:
            text = json.dumps(grammar, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError, RecursionError):
            return None  # Grammar.from_json_schema says what is wrong
        return ("schema", text, profile) if len(text) <= _MAX_KEY_CHARS else None
    if isinstance(grammar, str) and len(grammar) <= _MAX_KEY_CHARS:
        text = grammar.strip()
        if text.startswith("{") or text in ("true", "false"):
            return ("schema-text", grammar, profile)
        if "\n" not in grammar and len(grammar) < 4096 and _names_a_file(grammar):
            return None
        return ("lark", grammar, whitespace_limit)
    return None


def as_grammar(
    grammar: Any,
    *,
    profile: Profile = "generate",
    whitespace_limit: int | None = 24,
) -> Grammar | CompiledGrammar | Constraint:
    """`grammar` as a :class:`Grammar`, :class:`CompiledGrammar` or
    :class:`Constraint` (see the module docs). A string is JSON Schema text
    when it starts with ``{`` (or is ``true`` / ``false``), a path when a
    file of that name exists or it ends in ``.lark`` or ``.json``, and Lark
    text otherwise. `whitespace_limit` applies to Lark grammars built here.

    Grammars built from a schema (a dict or JSON text) or from Lark text
    are kept, the most recently used :data:`GRAMMAR_CACHE_SIZE` of them,
    so a second call with the same schema does not compile it again."""
    if isinstance(grammar, (Grammar, CompiledGrammar, Constraint)):
        return grammar
    key = _grammar_key(grammar, profile, whitespace_limit)
    if key is None:
        return _build_grammar(grammar, profile, whitespace_limit)
    with _GRAMMARS_LOCK:
        hit = _GRAMMARS.get(key)
        if hit is not None:
            _GRAMMARS.move_to_end(key)
            return hit
    built = _build_grammar(grammar, profile, whitespace_limit)
    assert isinstance(built, Grammar)
    with _GRAMMARS_LOCK:
        _GRAMMARS[key] = built
        while len(_GRAMMARS) > max(GRAMMAR_CACHE_SIZE, 0):
            _GRAMMARS.popitem(last=False)
    return built


def _build_grammar(
    grammar: Any, profile: Profile, whitespace_limit: int | None
) -> Grammar | CompiledGrammar | Constraint:
    if isinstance(grammar, (dict, bool)):
        return Grammar.from_json_schema(grammar, profile=profile)
    if _is_pydantic_model(grammar):
        return Grammar.from_pydantic(grammar, profile=profile)
    if isinstance(grammar, os.PathLike):
        return _from_file(Path(grammar), profile, whitespace_limit)
    if isinstance(grammar, str):
        text = grammar.strip()
        if text.startswith("{") or text in ("true", "false"):
            # JSON Schema text (Lark text never starts so).
            return Grammar.from_json_schema(text, profile=profile)
        if "\n" not in grammar and len(grammar) < 4096 and _names_a_file(grammar):
            return _from_file(Path(grammar), profile, whitespace_limit)
        return Grammar.from_lark(grammar, whitespace_limit=whitespace_limit)
    raise TypeError(f"the grammar must be {_ACCEPTED}; got {type(grammar).__name__}")


# --- vocabularies ------------------------------------------------------------

_LOCK = threading.Lock()
#: By tokenizer object: {(logits width, EOS id, length): Vocabulary}; the EOS
#: id and the length change when a caller sets EOS or adds tokens.
_BY_OBJECT: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], Vocabulary]] = (
    weakref.WeakKeyDictionary()
)
#: By tokenizer content (a tokenizer loaded again): (digest, width) -> Vocabulary.
_BY_CONTENT: OrderedDict[tuple[str, int | None], Vocabulary] = OrderedDict()
#: Vocabularies kept by content (a 128k vocabulary is tens of MB).
VOCABULARY_CACHE_SIZE = 8


def _digest(tokenizer: Any) -> str | None:
    """A hash of everything `Vocabulary.from_hf` reads: the tokenizer's
    serialized form (a fast tokenizer), or its vocabulary and special
    tokens."""
    h = hashlib.sha256()
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None and callable(getattr(tokenizer, "to_str", None)):
        backend = tokenizer  # a `tokenizers.Tokenizer`
    try:
        if backend is not None:
            h.update(backend.to_str().encode())
        else:
            h.update(json.dumps(sorted(tokenizer.get_vocab().items())).encode())
        special = {
            "eos": getattr(tokenizer, "eos_token_id", None),
            "ids": sorted(getattr(tokenizer, "all_special_ids", []) or []),
            "added": sorted(str(t) for t in (getattr(tokenizer, "added_tokens_decoder", {}) or {})),
            "class": type(tokenizer).__name__,
        }
        h.update(json.dumps(special, sort_keys=True, default=str).encode())
    except Exception:  # an object that is not a tokenizer: no caching
        return None
    return h.hexdigest()


def vocabulary_for(tokenizer: Any, vocab_size: int | None = None) -> Vocabulary:
    """The :class:`Vocabulary` of a Hugging Face tokenizer for a logits width
    of `vocab_size`, made once and reused: the same tokenizer object finds
    it at once, and a tokenizer with the same content (loaded again) finds
    it by a hash of its content. Safe under threads."""
    okey = _object_key(tokenizer, vocab_size)
    with _LOCK:
        per = _BY_OBJECT.get(tokenizer) if _weakrefable(tokenizer) else None
        if per is not None and okey in per:
            return per[okey]
    digest = _digest(tokenizer)
    key = (digest, vocab_size) if digest is not None else None
    with _LOCK:
        hit = _BY_CONTENT.get(key) if key is not None else None
        if hit is not None:
            _BY_CONTENT.move_to_end(key)  # type: ignore[arg-type]
    vocab = hit if hit is not None else Vocabulary.from_hf(tokenizer, vocab_size=vocab_size)
    with _LOCK:
        if key is not None:
            _BY_CONTENT[key] = vocab
            while len(_BY_CONTENT) > VOCABULARY_CACHE_SIZE:
                _BY_CONTENT.popitem(last=False)
        if _weakrefable(tokenizer):
            _BY_OBJECT.setdefault(tokenizer, {})[okey] = vocab
    return vocab


def _object_key(tokenizer: Any, vocab_size: int | None) -> tuple[Any, ...]:
    try:
        length = len(tokenizer)
    except TypeError:
        length = None
    return (vocab_size, getattr(tokenizer, "eos_token_id", None), length)


def _weakrefable(x: Any) -> bool:
    try:
        weakref.ref(x)
    except TypeError:
        return False
    return True


# --- a grammar compiled for this tokenizer -------------------------------------

_PROBE = 'corral probe: {"id": 42, "name": "Zoë", "ok": [true, null]}\n\tSELECT 1;'


def check_vocabulary(
    cg: CompiledGrammar, tokenizer: Any, width: int, *, compiled_here: bool = False
) -> None:
    """Refuses a compiled grammar whose vocabulary is not this tokenizer's
    (its tokens decode to other bytes than the tokenizer's own decoding) or
    is wider than the model's logits. `compiled_here`: the grammar was
    compiled for this tokenizer's own vocabulary, so only the width is
    checked."""
    if cg.vocab_size > width:
        raise ValueError(
            f"the grammar was compiled for a vocabulary of {cg.vocab_size} tokens but the "
            f"model's logits have {width}: compile it for this model's tokenizer"
        )
    if tokenizer is None or compiled_here:
        return
    try:
        ids = [int(i) for i in tokenizer(_PROBE, add_special_tokens=False)["input_ids"]]
        decoded = tokenizer.decode(ids, skip_special_tokens=True)
    except Exception:  # not a callable Hugging Face tokenizer: nothing to compare
        return
    got = cg.vocab.decode_bytes([i for i in ids if 0 <= i < cg.vocab_size])
    # The probe as written, or as the tokenizer itself gives it back (a
    # normalizer may lowercase or map characters); a SentencePiece
    # tokenizer adds a leading space to the text it encodes.
    wants = {_PROBE.encode(), decoded.encode()}
    if got not in wants and got.removeprefix(b" ") not in wants:
        want = _PROBE.encode()
        raise ValueError(
            "the grammar was compiled for another tokenizer: this tokenizer's tokens decode to "
            f"{got[:40]!r}... under the grammar's vocabulary, not {want[:40]!r}...; compile it "
            "with this model's tokenizer (corral.Vocabulary.from_hf(tokenizer))"
        )


def bind(
    grammar: Grammar | CompiledGrammar,
    tokenizer: Any,
    width: int,
    vocab: Vocabulary | None,
) -> CompiledGrammar:
    """`grammar` compiled for a model whose logits are `width` wide (with
    `vocab`, else the tokenizer's own vocabulary, made once), checked: the
    vocabulary must be this tokenizer's and the language not empty."""
    if isinstance(grammar, CompiledGrammar):
        cg, here = grammar, False
    else:
        here = vocab is None
        cg = _compile(grammar, vocab if vocab is not None else vocabulary_for(tokenizer, width))
    check_vocabulary(cg, tokenizer, width, compiled_here=here)
    check_not_empty(cg)
    return cg


#: Compiled grammars whose language is known not to be empty.
_NOT_EMPTY: weakref.WeakSet[CompiledGrammar] = weakref.WeakSet()


def check_not_empty(cg: CompiledGrammar) -> None:
    """Refuses a grammar whose language is empty (a schema compiled for
    validation that no value satisfies) before anything is generated,
    with the compile's reason. Checked once per compiled grammar."""
    if cg in _NOT_EMPTY:
        return
    m = cg.matcher()
    mask = np.zeros((1, cg.mask_words), dtype=np.int32)
    if m.is_accepting():
        _NOT_EMPTY.add(cg)
        return
    fill_masks([m], mask)
    if mask.any():
        _NOT_EMPTY.add(cg)
        return
    why = [w for w in cg.grammar.warnings if "accepts no value" in w]
    raise ValueError(
        "the grammar's language is empty, so nothing can be generated"
        + (f": {why[0]}" if why else "")
    )
