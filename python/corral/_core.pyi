"""Type stubs of corral's Rust extension module (hand-written; checked by mypy.stubtest)."""

import os
from collections.abc import Callable, Mapping
from typing import Any, Literal, final

__all__ = [
    "ByteMatcher",
    "CompiledGrammar",
    "CorralError",
    "Drafter",
    "Grammar",
    "GrammarError",
    "GrammarLimitError",
    "GrammarNotSupportedError",
    "LimitError",
    "Matcher",
    "NotSupportedError",
    "SchemaError",
    "SchemaLimitError",
    "SchemaNotSupportedError",
    "TokenError",
    "Vocabulary",
    "VocabularyError",
    "__version__",
    "apply_mask_cpu",
    "awrs_cpu",
    "awrs_prefix",
    "fill_masks",
]

__version__: str

class CorralError(ValueError):
    """Base class of the errors corral raises."""

class VocabularyError(CorralError):
    """A tokenizer or token list could not be turned into a vocabulary."""

class GrammarError(CorralError):
    """A grammar could not be read or compiled; ``.line``, ``.column`` and ``.file``
    say where (0, 0 and "" for an error with no place in the text)."""

    line: int
    column: int
    file: str
    message: str
    limit: str | None

class SchemaError(CorralError):
    """A JSON Schema could not be read or compiled; ``.pointer`` (a JSON Pointer as a
    URI fragment, ``#/properties/a``) and ``.keyword`` say where."""

    pointer: str
    keyword: str
    message: str
    limit: str | None

class NotSupportedError(CorralError):
    """The input uses a feature corral does not support; the message names it."""

class LimitError(CorralError):
    """A work or memory budget ran out (``max_chart_bytes``, ``max_walk_states``,
    ``max_lexer_states``, ...); ``.limit`` names the option that raises it. A matcher
    stopped by one stays in its error state until rolled back."""

    limit: str

class GrammarNotSupportedError(GrammarError, NotSupportedError):
    """A grammar uses a feature corral does not support; ``.line``, ``.column`` and
    ``.file`` say where."""

class GrammarLimitError(GrammarError, LimitError):
    """A grammar's compile budget ran out (``max_nesting``, ``max_productions``,
    ``max_dfa_bytes``, ``max_lexer_states``); ``.limit`` names it, and ``.line``,
    ``.column`` and ``.file`` say where."""

    limit: str

class SchemaNotSupportedError(SchemaError, NotSupportedError):
    """A JSON Schema needs what corral cannot enforce exactly (``lenient=True``
    approximates it instead); ``.keyword`` and ``.pointer`` say where."""

class SchemaLimitError(SchemaError, LimitError):
    """A JSON Schema compile budget ran out (``max_depth``, ``max_rules``,
    ``max_overlaps``, ``max_unroll``); ``.limit`` names it, ``.keyword`` and
    ``.pointer`` say where."""

    limit: str

class TokenError(CorralError, IndexError):
    """A token id outside the vocabulary (negative, or not below vocab_size), or an id
    with no token where one is needed. The matcher is left unchanged."""

@final
class Vocabulary:
    """A model's vocabulary: every token id mapped to the exact bytes it stands for."""

    @staticmethod
    def from_hf(
        tokenizer: Any,
        *,
        eos_token_ids: list[int] | None = None,
        vocab_size: int | None = None,
    ) -> Vocabulary:
        """From a transformers fast tokenizer, a tokenizers.Tokenizer, or a tokenizer path."""
    @staticmethod
    def from_file(
        path: str | os.PathLike[str],
        *,
        eos_token_ids: list[int] | None = None,
        vocab_size: int | None = None,
    ) -> Vocabulary:
        """From a tokenizer folder or tokenizer.json; EOS and logits width from its configs."""
    @staticmethod
    def from_tokenizer_json(
        json: str,
        *,
        eos_token_ids: list[int] | None = None,
        vocab_size: int | None = None,
    ) -> Vocabulary:
        """From the text of a tokenizer.json."""
    @staticmethod
    def from_bytes(
        tokens: list[bytes | None],
        *,
        eos_token_id: int | list[int],
        special_token_ids: list[int] = [],
        vocab_size: int | None = None,
        encode: Callable[[bytes], list[int]] | None = None,
    ) -> Vocabulary:
        """From raw token bytes; ``None`` marks an id without a token.

        ``encode`` is the tokenizer's own encoder, used by
        :meth:`Matcher.forced_tokens`.
        """
    @property
    def identity(self) -> int:
        """A number shared by every handle on this vocabulary (``cg.vocab`` of every
        grammar compiled for it), unique among the vocabularies alive."""
    @property
    def vocab_size(self) -> int:
        """Width of the model's logits and of token masks (padded ids included)."""
    @property
    def mask_words(self) -> int:
        """Number of int32 words in one mask row: ceil(vocab_size / 32)."""
    @property
    def n_tokens(self) -> int:
        """Number of ids that have a token, normal or special."""
    @property
    def eos_token_ids(self) -> list[int]:
        """The end-of-sequence token ids."""
    @property
    def eos_token_id(self) -> int:
        """The first EOS token id."""
    @property
    def special_token_ids(self) -> list[int]:
        """All special token ids (EOS included), ascending."""
    @property
    def tokenizer_kind(self) -> str:
        """How the tokenizer writes its pieces: "byte-level", "sentencepiece" or "raw"."""
    @property
    def trie_node_count(self) -> int:
        """Number of nodes of the token trie (built on first use)."""
    @property
    def max_token_len(self) -> int:
        """Length in bytes of the longest ordinary token."""
    def __len__(self) -> int: ...
    def token_kind(self, token_id: int) -> str:
        """ "normal", "special" or "missing" (also for ids outside the vocabulary)."""
    def token_bytes(self, token_id: int) -> bytes | None:
        """The bytes of an ordinary token; None for special, missing and outside ids."""
    def special_token_name(self, token_id: int) -> str | None:
        """The name of a special token; None otherwise."""
    def all_token_bytes(self) -> list[bytes | None]:
        """One entry per id below vocab_size: bytes, or None for special and missing ids."""
    def decode_bytes(self, token_ids: list[int], *, with_special: bool = False) -> bytes:
        """The bytes a token sequence stands for; TokenError for an id with no token."""
    def tokens_with_prefix(self, prefix: bytes) -> list[int]:
        """Ordinary tokens whose bytes start with prefix (a token-trie lookup)."""
    def tokens_prefixing(self, data: bytes) -> list[int]:
        """Ordinary tokens whose bytes are a prefix of data, shortest first."""

@final
class Grammar:
    """A grammar compiled for matching: immutable, shared by its matchers."""

    @staticmethod
    def from_lark(
        text: str,
        *,
        start: str = "start",
        path: str | os.PathLike[str] | None = None,
        import_paths: list[str | os.PathLike[str]] = [],
        whitespace_limit: int | None = 24,
        max_lexer_states: int | None = None,
        max_items_per_row: int | None = None,
        max_dfa_bytes: int | None = None,
        max_chart_bytes: int | None = None,
        max_nesting: int | None = None,
    ) -> Grammar:
        """Compiles Lark grammar text.

        ``whitespace_limit`` bounds every run of ignored whitespace (the
        ``%ignore`` terminals that match only whitespace, together) to that many
        characters (0: none at all; None: unbounded). It is part of the language:
        byte and token matchers, ``corral test`` and generation all obey it.
        """
    @staticmethod
    def from_regex(
        pattern: str,
        *,
        flags: str = "",
        whitespace_limit: int | None = 24,
        max_lexer_states: int | None = None,
        max_dfa_bytes: int | None = None,
        max_chart_bytes: int | None = None,
    ) -> Grammar:
        """The language of one regular expression (Python ``re`` syntax), matched in full."""
    @staticmethod
    def from_json_schema(
        schema: dict[str, Any] | bool | str,
        *,
        profile: Literal["validate", "generate"] = "validate",
        whitespace: str | None = None,
        max_whitespace: int | None = None,
        property_order: Literal["any", "schema"] = "any",
        separators: tuple[str, str] | None = None,
        additional_properties: bool | None = None,
        integer_fraction: bool | None = None,
        escapes: Literal["minimal", "any"] | None = None,
        ascii_escapes: bool = False,
        lenient: bool = False,
        draft: str | None = None,
        whitespace_limit: int | None = 24,
        max_unroll: int | None = None,
        max_depth: int | None = None,
        max_rules: int | None = None,
        max_overlaps: int | None = None,
        max_lexer_states: int | None = None,
        max_items_per_row: int | None = None,
        max_dfa_bytes: int | None = None,
        max_chart_bytes: int | None = None,
        resources: Mapping[str, Any] | None = None,
    ) -> Grammar:
        """Compiles a JSON Schema (a dict, or JSON text); strict unless ``lenient``.

        ``profile`` picks what the grammar is for. ``"validate"`` (the default) is the
        schema's whole language: any whitespace (runs bounded by ``max_whitespace``,
        default 24), keys the schema does not list wherever it allows them, integers also
        written with a zero fraction (``2.0``), any number spelling. ``"generate"`` is the
        conventional serialization of a valid instance, what generation wants:
        ``json.dumps`` separators (``", "`` and ``": "``), declared properties only unless
        the schema itself sets ``additionalProperties``, ``patternProperties`` or
        ``unevaluatedProperties``, integers as digits alone, strings as
        ``json.dumps(s, ensure_ascii=False)`` writes them. Every instance it accepts is
        valid. The other keywords override one part of the profile: ``whitespace``
        (``"flexible"``, ``"json"``: ``json.dumps`` separators, ``"compact"``: ``","`` and
        ``":"``, or ``separators=(item, key)``, ``"indent:N"`` or ``"indent"`` (N = 2): as
        ``json.dumps(value, indent=N)`` writes it, values nested more than 24 levels deep
        written compact), ``additional_properties`` (whether keys the schema does not
        mention are allowed where it says nothing; keys named by ``properties`` or
        ``required`` always are), ``integer_fraction`` (whether an integer may be written
        ``2.0``), ``escapes`` (``"minimal"``: each string in its one conventional
        spelling, ``\\"``, ``\\\\``, ``\\n``-style short escapes, other control
        characters as ``\\u00xx``, every other character raw; ``"any"``: any spelling JSON
        allows, ``\\u0041`` for ``A`` and ``\\/`` for ``/`` included, where
        ``ascii_escapes`` decides it for listed names and constants).

        A schema object none of whose keys is a JSON Schema keyword (an instance passed for
        its schema, such as ``{"name": "Ann"}``) raises ``SchemaError`` unless ``lenient``.

        Keys come in any order (``property_order="any"``, the default) or in the
        order of ``properties`` (``"schema"``); either way each key comes at most
        once in an object (``"a"`` and ``"\\u0061"`` are one key), which the
        matcher checks, so ``minProperties`` and ``maxProperties`` count keys.

        ``resources`` maps URIs to other schema documents (dicts or JSON text) that
        ``$ref`` may point into; a ``$ref`` to a draft's meta-schema resolves to a bundled
        copy. A reference to any other document raises ``SchemaNotSupportedError``.

        Documents nesting arrays and objects more than 1000 levels deep raise
        GrammarError (with the JSON Pointer where the limit is crossed).
        Budgets (a schema past one raises ``NotSupportedError`` whose ``limit`` names it):
        ``max_unroll`` (counts spelled out: maxItems, maxProperties, min/maxContains),
        ``max_depth`` (JSON nesting of the schema, default 256), ``max_rules`` (grammar
        rules, default 100,000), ``max_overlaps`` (complements a oneOf compiles to, default 128).
        """
    @staticmethod
    def from_pydantic(model: Any, **options: Any) -> Grammar:
        """The JSON Schema of a Pydantic model, compiled as by ``from_json_schema`` with
        ``profile="generate"`` unless ``profile`` is given: integers as digits alone (as
        Pydantic's strict mode requires), declared fields only, ``json.dumps``
        separators."""
    @staticmethod
    def from_file(
        path: str | os.PathLike[str],
        *,
        start: str = "start",
        import_paths: list[str | os.PathLike[str]] = [],
        whitespace_limit: int | None = 24,
        max_lexer_states: int | None = None,
        max_items_per_row: int | None = None,
        max_dfa_bytes: int | None = None,
        max_chart_bytes: int | None = None,
        max_nesting: int | None = None,
    ) -> Grammar:
        """Reads and compiles a Lark grammar file (options as for ``from_lark``)."""
    @property
    def fingerprint(self) -> str:
        """A hash of the grammar's text and options, the whitespace bound included
        (compile caches key on it)."""
    @property
    def whitespace_limit(self) -> int | None:
        """Most characters in a run of ignored whitespace (None: unbounded)."""
    @property
    def warnings(self) -> list[str]:
        """Warnings found while reading the grammar, rendered with their place."""
    @property
    def approximations(self) -> list[dict[str, str]]:
        """What a lenient JSON Schema compile approximated.

        Dicts with ``pointer``, ``keyword`` and ``message``.
        """
    @property
    def terminals(self) -> list[str]:
        """Names of the grammar's terminals."""
    @property
    def rules(self) -> list[str]:
        """Names of the grammar's rules (including helper rules made by lowering)."""
    @property
    def n_productions(self) -> int:
        """Number of productions after lowering."""
    def matcher(self) -> ByteMatcher:
        """A byte-level matcher at the start of the input."""
    def sample(self, n: int = 10, *, max_depth: int = 16, seed: int = 0) -> list[str]:
        """Random strings of the language, each checked by a matcher (n at most
        10,000,000; a pending signal stops it between batches)."""

@final
class CompiledGrammar:
    """A grammar bound to a vocabulary: token masks, token matchers."""

    def __new__(
        cls,
        grammar: Grammar,
        vocab: Vocabulary,
        *,
        max_cache_bytes: int | None = None,
        max_walk_states: int | None = None,
    ) -> CompiledGrammar:
        """Binds `grammar` to `vocab`, in the grammar's own language (its
        ``whitespace_limit`` included); `max_cache_bytes` caps the shared mask
        cache, `max_walk_states` one mask's work."""
    def matcher(self) -> Matcher:
        """A token-level matcher at the start of the output."""
    @property
    def grammar(self) -> Grammar:
        """The grammar."""
    @property
    def whitespace_limit(self) -> int | None:
        """The grammar's bound on runs of ignored whitespace (None: unbounded)."""
    @property
    def vocab_size(self) -> int:
        """Width of the logits and masks."""
    @property
    def mask_words(self) -> int:
        """int32 words per mask row."""
    @property
    def vocab(self) -> Vocabulary:
        """The vocabulary."""
    @property
    def cache_size(self) -> int:
        """Number of cached trie walks (shared by all matchers)."""
    @property
    def cache_bytes(self) -> int:
        """Approximate bytes the cached trie walks take."""

@final
class ByteMatcher:
    """One input's matching state over a :class:`Grammar`, byte by byte."""

    def consume_bytes(self, data: bytes) -> bool:
        """Consumes bytes; False if a byte cannot continue the input (sticky error)."""
    def is_accepting(self) -> bool:
        """Whether the input so far is complete."""
    def is_finished(self) -> bool:
        """Whether nothing more may follow."""
    def is_error(self) -> bool: ...
    def error(self) -> str | None:
        """The error message, or None."""
    @property
    def error_position(self) -> int | None:
        """Offset of the byte that was rejected, or None."""
    @property
    def bytes_consumed(self) -> int:
        """Bytes consumed so far."""
    def rollback(self, n: int) -> None:
        """Undoes the last n consume_bytes calls (and an error they made)."""
    def reset(self) -> None:
        """Back to the start."""
    def fork(self) -> ByteMatcher:
        """An independent copy of this matcher."""
    def forced_bytes(self) -> bytes:
        """Bytes every continuation must start with; does not change the state."""
    def expected(self) -> list[str]:
        """Names of the terminals that may come next."""

@final
class Matcher:
    """One sequence's matching state over a :class:`CompiledGrammar`: tokens in,
    token masks out."""

    def consume(self, token: int) -> bool:
        """Consumes one token; False (and a sticky error) if it is not allowed.

        TokenError (matcher unchanged) for an id outside the vocabulary.
        """
    def consume_tokens(self, tokens: list[int]) -> int:
        """Consumes tokens in order up to the first refused one; returns how many.

        TokenError, before anything is consumed, if an id is outside the vocabulary.
        """
    def try_consume(self, token: int) -> bool:
        """Whether the token could be consumed now; does not change the state.

        TokenError for an id outside the vocabulary.
        """
    def fill_mask(self, bitmask: Any, row: int = 0) -> None:
        """Writes the allowed tokens into row `row` of an int32 [batch, words] bitmask.

        The bitmask (numpy array, CPU torch tensor, or int32 buffer) is checked
        on every call; IndexError for a row outside it.
        """
    def is_accepting(self) -> bool:
        """Whether the output so far is complete (EOS allowed)."""
    def is_finished(self) -> bool:
        """Whether nothing more may follow (or EOS was consumed)."""
    def is_error(self) -> bool: ...
    def error(self) -> str | None:
        """The error message, or None."""
    @property
    def error_position(self) -> int | None:
        """Offset of the byte that was rejected, or None."""
    def output(self) -> bytes:
        """The bytes consumed so far (EOS adds none)."""
    def depth(self) -> int:
        """Number of consume calls that can be rolled back."""
    @property
    def bytes_consumed(self) -> int:
        """Bytes consumed so far."""
    def rollback(self, n: int) -> None:
        """Undoes the last n consume calls (and an error they made)."""
    def reset(self) -> None:
        """Back to the start."""
    def fork(self) -> Matcher:
        """An independent copy of this matcher."""
    def forced_bytes(self) -> bytes:
        """Bytes every continuation must start with; does not change the state."""
    def forced_tokens(self) -> list[int]:
        """Jump-forward tokens: the forced bytes as the tokenizer splits them.

        The last token is held back (what follows could merge with it) unless
        nothing can follow. Every token is allowed in sequence; the state does
        not change.
        """
    def expected(self) -> list[str]:
        """Names of the terminals that may come next."""

@final
class Drafter:
    """Grammar-aware draft trees for speculative decoding (``generate(..., draft=...)``).

    Candidates come from Token Recycling's adjacency matrix (the model's top-``k`` after
    each token, from every verified position) and a tri-gram table of accepted output;
    every tree node is checked against the grammar as it is added, and forced tokens
    enter as certain chains. What it learns persists across calls, and ``save`` /
    ``load`` keep it across restarts.
    """

    def __new__(
        cls,
        vocab_size: int,
        *,
        source: Literal["recycling", "ngram", "both"] = "both",
        shape: Literal["dynamic", "static"] = "dynamic",
        k: int = 8,
        min_nodes: int = 4,
        max_nodes: int = 96,
        start_nodes: int = 24,
        max_depth: int = 8,
        max_bytes: int = 268435456,
        cost_aware: bool = True,
        closed_limit: int = 8,
    ) -> Drafter: ...
    def draft(
        self, matcher: Matcher, context: list[int], guided: bool = True, fed: int = 1
    ) -> tuple[list[int], list[int], list[int], list[bool]]:
        """A tree after ``context`` (its last token consumed by ``matcher``):
        ``(tokens, parents, depths, forced)``, parents first, -1 for the root's children.
        ``fed``: tokens fed before the tree in the same pass (for the cost model)."""
    def observe_cost(self, fed: int, seconds: float) -> None:
        """How long a forward pass over ``fed`` tokens took: trees stop growing where
        one more node would lower the expected tokens per second."""
    def observe_top(self, tokens: list[int], top: list[list[int]]) -> None:
        """The model's top candidates after each token (the adjacency rows)."""
    def observe_accepted(self, tokens: list[int]) -> None:
        """Accepted output, for the tri-gram table."""
    def observe_verified(self, accepted: list[int]) -> None:
        """The nodes of the last tree that were accepted, root first."""
    @property
    def budget(self) -> int:
        """The node budget of the next tree."""
    @property
    def pruned(self) -> int:
        """Candidates the grammar cut while the last tree was built."""
    @property
    def cost_aware(self) -> bool:
        """Whether trees and the rows recycled weigh their cost against the pass."""
    @property
    def closed_limit(self) -> int:
        """Where the grammar allows at most this many tokens, all are drafted."""
    @property
    def vocab_size(self) -> int: ...
    @property
    def source(self) -> str: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes, *, max_bytes: int = 268435456) -> Drafter: ...
    def save(self, path: str | os.PathLike[str]) -> None:
        """Writes ``to_bytes()`` to ``path`` (through a temporary file)."""
    @staticmethod
    def load(path: str | os.PathLike[str], *, max_bytes: int = 268435456) -> Drafter:
        """A drafter written by ``save``; a malformed file raises ``CorralError``."""

def fill_masks(matchers: list[Matcher], bitmask: Any) -> None:
    """Fills row i of the bitmask for matcher i, in parallel with the GIL released.

    The bitmask is checked, then written with the GIL held.
    """

def apply_mask_cpu(logits: Any, bitmask: Any) -> None:
    """Sets disallowed logits to -inf in place (CPU tensors, numpy arrays).

    One mask row per row of logits, at most ceil(width / 32) words each.
    """

def awrs_cpu(
    logits: Any,
    matcher: Matcher,
    seed: int,
    temperature: float,
    top_k: int,
    top_p: float,
    max_rejects: int,
    estimator: str,
    accepts: int,
    check: Callable[[bytes, bool], bool] | None = None,
) -> tuple[int, float, int, bool]:
    """One AWRS draw from a row of float32 CPU logits (see `corral.awrs`).

    Returns (token, log_weight, checks, fell_back).
    """

def awrs_prefix(
    matcher: Matcher,
    order: list[int],
    probs: list[float],
    draws: list[int],
    exact: Callable[[bytes, bool], tuple[float, int | None]],
    seed: int,
    max_rejects: int,
    estimator: str,
    accepts: int,
    check: Callable[[bytes, bool], bool] | None = None,
) -> tuple[int, float, int, bool]:
    """One AWRS draw from the head of a Gumbel-max order and draws with replacement.

    When they run out, the mask is computed and `exact(mask_bytes, need_token)`
    returns the valid mass and, if asked, a draw among the valid tokens.
    """
