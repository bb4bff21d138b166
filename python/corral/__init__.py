"""corral: make a language model's output obey a grammar, fast.

Key types: :class:`Vocabulary` (a model's tokens as exact bytes, built from a
Hugging Face tokenizer, a ``tokenizer.json`` path or raw token bytes),
:class:`Grammar` (a language: Lark text, a regex or a JSON Schema, compiled for
matching), :class:`ByteMatcher` (one input's state over a grammar, byte by
byte), :class:`CompiledGrammar` (a grammar bound to a vocabulary, from
:func:`compile`) and :class:`Matcher` (one sequence's state over it, token by
token, with token masks). :mod:`corral.grammars` finds the shipped
grammars by name from any working directory (``corral.grammars.path("json")``,
``corral.grammars.load("sql")``).

>>> import corral
>>> v = corral.Vocabulary.from_bytes([b"a", b"b", b"</s>"], eos_token_id=2)
>>> v.token_bytes(0), v.eos_token_ids, v.mask_words
(b'a', [2], 1)
>>> g = corral.Grammar.from_lark('start: "[" [NUM ("," NUM)*] "]"\nNUM: /[0-9]+/\n')
>>> m = g.matcher()
>>> m.consume_bytes(b"[1,2"), m.is_accepting(), m.forced_bytes()
(True, False, b'')
>>> m.consume_bytes(b"]"), m.is_accepting()
(True, True)
"""

from corral import grammars
from corral._caches import cache_info, clear_caches, set_cache_limits
from corral._core import (
    ByteMatcher,
    CompiledGrammar,
    CorralError,
    Drafter,
    Grammar,
    GrammarError,
    GrammarLimitError,
    GrammarNotSupportedError,
    LimitError,
    Matcher,
    NotSupportedError,
    SchemaError,
    SchemaLimitError,
    SchemaNotSupportedError,
    TokenError,
    Vocabulary,
    VocabularyError,
    __version__,
    fill_masks,
)
from corral._mask import allocate_bitmask, apply_mask, compile
from corral.decoding import (
    GenerationResult,
    GenerationStats,
    IncompleteOutputError,
    generate,
    generate_json,
    stream,
)
from corral.particles import Particle, SMCResult, smc
from corral.sampling import Constraint, awrs

__all__ = [
    "ByteMatcher",
    "CompiledGrammar",
    "Constraint",
    "CorralError",
    "Drafter",
    "GenerationResult",
    "GenerationStats",
    "Grammar",
    "GrammarError",
    "GrammarLimitError",
    "GrammarNotSupportedError",
    "IncompleteOutputError",
    "LimitError",
    "Matcher",
    "NotSupportedError",
    "Particle",
    "SMCResult",
    "SchemaError",
    "SchemaLimitError",
    "SchemaNotSupportedError",
    "TokenError",
    "Vocabulary",
    "VocabularyError",
    "__version__",
    "allocate_bitmask",
    "apply_mask",
    "awrs",
    "cache_info",
    "clear_caches",
    "compile",
    "fill_masks",
    "generate",
    "generate_json",
    "grammars",
    "set_cache_limits",
    "smc",
    "stream",
]
