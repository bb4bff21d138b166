"""corral's own decoding loop for `transformers` causal LMs.

Each step, the next token's mask is computed by Rust on a worker thread (the
GIL released) while the model's forward pass runs on the caller's thread;
sampling waits for both. Tokens the grammar forces (a key's name, a closing
quote, ...) are appended without a forward pass each (jump-forward): they
are fed to the model together in the next pass.
"""

from __future__ import annotations

import codecs
import enum
import json
import os
import re
import threading
import time
from collections.abc import Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, overload

import numpy as np

from corral._core import CompiledGrammar, CorralError, Drafter, Grammar, Vocabulary, fill_masks
from corral._inputs import (
    Decoding,
    GrammarLike,
    as_grammar,
    bind,
)
from corral._mask import DEFAULT_WHITESPACE_LIMIT, apply_mask
from corral.sampling import Constraint, _awrs, shaped_logits

__all__ = [
    "GenerationResult",
    "GenerationStats",
    "IncompleteOutputError",
    "generate",
    "generate_json",
    "schema_prompt",
    "stream",
]


class IncompleteOutputError(CorralError):
    """The output stopped before the grammar's language was complete (the
    token budget ran out): ``.result`` holds what was generated."""

    def __init__(self, message: str, result: GenerationResult) -> None:
        super().__init__(message)
        self.result = result


class _Unset(enum.Enum):
    #: An argument left out: `generate(..., whitespace_limit=)` then takes
    #: the grammar's own bound (24 for grammar text).
    UNSET = enum.auto()


def _check_whitespace_limit(
    grammar: Grammar | CompiledGrammar, whitespace_limit: int | Literal[_Unset.UNSET] | None
) -> None:
    """A ready grammar keeps its language: a different bound asked for is an error."""
    if whitespace_limit is _Unset.UNSET or whitespace_limit == grammar.whitespace_limit:
        return
    raise ValueError(
        f"whitespace_limit={whitespace_limit} was given with a grammar whose bound is "
        f"{grammar.whitespace_limit}; the bound is part of the grammar's language, so pass "
        f"it when the grammar is made (Grammar.from_lark(..., whitespace_limit="
        f"{whitespace_limit})) or leave whitespace_limit out"
    )


@dataclass
class GenerationStats:
    """Where a generation's time went."""

    #: Tokens generated (EOS not counted), forced ones included.
    new_tokens: int = 0
    #: Of those, tokens the grammar forced (appended without a forward pass).
    forced_tokens: int = 0
    #: Forward passes run (the prompt's included).
    forward_passes: int = 0
    #: Wall time of the whole call, prompt included.
    seconds: float = 0.0
    #: Time in the forward passes.
    model_seconds: float = 0.0
    #: Grammar work on the critical path: waiting for a mask after the
    #: forward pass, consuming tokens, finding forced tokens.
    grammar_seconds: float = 0.0
    #: Time the masks took on the worker thread (overlapped with the model).
    mask_seconds: float = 0.0
    #: Why generation stopped: "eos", "complete" (nothing may follow),
    #: "max_new_tokens".
    stop_reason: str = ""
    #: With ``sampler="awrs"``: tokens checked, draws where the mask
    #: decided, and the sum of the draws' log weights (an estimate of the
    #: log probability, under the model, that each step stays valid).
    checks: int = 0
    fallbacks: int = 0
    log_weight: float = 0.0
    #: With ``draft=``: tree nodes drafted (and fed to the model), drafted
    #: tokens accepted (forced ones not counted), and the time spent
    #: drafting (trees, and the adjacency and n-gram updates).
    draft_nodes: int = 0
    draft_accepted: int = 0
    draft_seconds: float = 0.0

    @property
    def tokens_per_second(self) -> float:
        return self.new_tokens / self.seconds if self.seconds > 0 else 0.0

    @property
    def tokens_per_forward(self) -> float:
        """Tokens generated (forced ones included) per forward pass (the
        prompt's included)."""
        return self.new_tokens / self.forward_passes if self.forward_passes else 0.0


@dataclass
class GenerationResult:
    #: The generated text (the prompt and EOS left out).
    text: str
    #: The generated token ids (EOS included when it was generated).
    tokens: list[int]
    stats: GenerationStats = field(default_factory=GenerationStats)

    #: Whether the text is in the grammar's language: always where EOS
    #: came or the grammar allowed nothing more; where `max_new_tokens` cut
    #: the output off, only if the text happens to be a complete member
    #: (``[a-z]+`` cut anywhere is; a JSON object cut before its ``}`` is
    #: not).
    complete: bool = False

    @property
    def finished(self) -> bool:
        """Whether generation ended by itself: EOS came, or the grammar
        allows nothing more (False when `max_new_tokens` stopped it)."""
        return self.stats.stop_reason in ("eos", "complete")


def schema_prompt(schema: Any, name: str = "") -> str:
    """A prompt naming what a JSON Schema describes, as the demo model was
    trained to read: "JSON for <title or description>:" and a newline, else
    the words of `name` (a file name, say)."""
    for key in ("title", "description"):
        v = schema.get(key) if isinstance(schema, dict) else None
        if isinstance(v, str) and v.strip():
            return f"JSON for {' '.join(v.split())[:120]}:\n"
    words = re.sub(r"[^A-Za-z]+", " ", name.split("---")[-1]).strip()
    return f"JSON for {words or 'a document'}:\n"


def _model_width(model: Any) -> int:
    out = model.get_output_embeddings()
    if out is not None and hasattr(out, "weight"):
        return int(out.weight.shape[0])
    return int(model.config.vocab_size)


def _forward_args(model: Any) -> tuple[str, bool]:
    """The name of the model's cache argument (`cache` in transformers 5,
    `past_key_values` before) and whether it takes `logits_to_keep`."""
    import inspect

    params = inspect.signature(model.forward).parameters
    return ("cache" if "cache" in params else "past_key_values"), "logits_to_keep" in params


def _sample(logits: Any, temperature: float, top_k: int, top_p: float, gen: Any) -> int:
    import torch

    if temperature <= 0:
        return int(torch.argmax(logits).item())
    x = shaped_logits(logits, temperature, top_k, top_p)
    probs = torch.softmax(x, dim=-1)
    return int(torch.multinomial(probs, 1, generator=gen).item())


def _check_args(opts: Decoding) -> None:
    max_new_tokens, temperature, top_k, top_p, sampler = (
        opts.max_new_tokens,
        opts.temperature,
        opts.top_k,
        opts.top_p,
        opts.sampler,
    )
    if not isinstance(max_new_tokens, int) or max_new_tokens < 1:
        raise ValueError(f"max_new_tokens must be a positive integer, got {max_new_tokens!r}")
    if not temperature >= 0 or temperature == float("inf"):
        raise ValueError(f"temperature must be >= 0 and finite (0: greedy), got {temperature!r}")
    if not isinstance(top_k, int) or top_k < 0:
        raise ValueError(f"top_k must be an integer >= 0 (0: all tokens), got {top_k!r}")
    if not 0 < top_p <= 1:
        raise ValueError(f"top_p must be in (0, 1], got {top_p!r}")
    if sampler not in ("mask", "awrs"):
        raise ValueError(f"sampler must be 'mask' or 'awrs', got {sampler!r}")


def _setup(
    model: Any,
    tokenizer: Any,
    grammar: Any,
    prompt: Any,
    opts: Decoding,
    whitespace_limit: int | Literal[_Unset.UNSET] | None,
    vocab: Vocabulary | None,
    draft: Any,
) -> tuple[CompiledGrammar, Any, Drafter | None]:
    """What `generate` and `stream` run on, their arguments checked: the
    compiled grammar, its Python check (or None) and the drafter (or None)."""
    _check_args(opts)
    cg, check = _prepare(
        model, tokenizer, grammar, whitespace_limit, vocab, opts.sampler, opts.temperature
    )
    drafter = _drafter(cg, draft, prompt, opts.sampler, check, opts.jump_forward)
    return cg, check, drafter


def _prepare(
    model: Any,
    tokenizer: Any,
    grammar: Any,
    whitespace_limit: int | Literal[_Unset.UNSET] | None,
    vocab: Vocabulary | None,
    sampler: str,
    temperature: float,
) -> tuple[CompiledGrammar, Any]:
    """The compiled grammar a call runs on and its Python check (or None)."""
    limit = DEFAULT_WHITESPACE_LIMIT if whitespace_limit is _Unset.UNSET else whitespace_limit
    given = grammar
    grammar = as_grammar(grammar, profile="generate", whitespace_limit=limit)
    check = None
    if isinstance(grammar, Constraint):
        if sampler != "awrs":
            raise ValueError(
                f"{grammar.name} has a Python check, which a token mask cannot apply: "
                "use sampler='awrs'"
            )
        check = grammar.check
        grammar = grammar.grammar
    if sampler == "awrs" and temperature <= 0:
        raise ValueError(
            "sampler='awrs' samples (temperature > 0); greedy decoding uses the mask "
            "(sampler='mask')"
        )
    if isinstance(given, (Grammar, CompiledGrammar, Constraint)):
        _check_whitespace_limit(grammar, whitespace_limit)
    return bind(grammar, tokenizer, _model_width(model), vocab), check


@overload
def generate(
    model: Any,
    tokenizer: Any,
    prompt: str,
    grammar: GrammarLike,
    *,
    max_new_tokens: int = 256,
    temperature: float = 0.0,
    top_k: int = 0,
    top_p: float = 1.0,
    seed: int | None = None,
    jump_forward: bool = True,
    whitespace_limit: int | Literal[_Unset.UNSET] | None = _Unset.UNSET,
    on_text: Callable[[str], None] | None = None,
    vocab: Vocabulary | None = None,
    sampler: Literal["mask", "awrs"] = "mask",
    draft: Literal["recycling", "ngram", "both"] | Drafter | None = None,
) -> GenerationResult: ...
@overload
def generate(
    model: Any,
    tokenizer: Any,
    prompt: list[str],
    grammar: GrammarLike,
    *,
    max_new_tokens: int = 256,
    temperature: float = 0.0,
    top_k: int = 0,
    top_p: float = 1.0,
    seed: int | None = None,
    jump_forward: bool = True,
    whitespace_limit: int | Literal[_Unset.UNSET] | None = _Unset.UNSET,
    on_text: Callable[[str], None] | None = None,
    vocab: Vocabulary | None = None,
    sampler: Literal["mask", "awrs"] = "mask",
    draft: Literal["recycling", "ngram", "both"] | Drafter | None = None,
) -> list[GenerationResult]: ...
def generate(
    model: Any,
    tokenizer: Any,
    prompt: str | list[str],
    grammar: GrammarLike,
    *,
    max_new_tokens: int = 256,
    temperature: float = 0.0,
    top_k: int = 0,
    top_p: float = 1.0,
    seed: int | None = None,
    jump_forward: bool = True,
    whitespace_limit: int | Literal[_Unset.UNSET] | None = _Unset.UNSET,
    on_text: Callable[[str], None] | None = None,
    vocab: Vocabulary | None = None,
    sampler: Literal["mask", "awrs"] = "mask",
    draft: Literal["recycling", "ngram", "both"] | Drafter | None = None,
) -> GenerationResult | list[GenerationResult]:
    """Generates text in `grammar`'s language after `prompt`.

    `grammar`: a :class:`Grammar` or :class:`CompiledGrammar` (used as
    given), a :class:`Constraint`, a JSON Schema (dict), a Pydantic model
    class, Lark text, or the path of a ``.lark`` or JSON Schema file. A
    schema or model class is compiled with ``profile="generate"`` (see
    :meth:`Grammar.from_json_schema`): ``json.dumps`` separators, declared
    properties only unless the schema opens the object, integers as digits
    alone. A grammar compiled for another tokenizer, or wider than the
    model's logits, raises ``ValueError``.

    `prompt`: a string, or a list of strings: one batch (left-padded, one
    forward pass per step for the rows still generating; forced tokens are
    drawn through their mask rather than jumped over), one result each, in
    order.

    `max_new_tokens` (>= 1) bounds the output; a result cut off by it has
    ``finished`` False, and ``complete`` False unless the text cut off is
    in the language all the same. `temperature` 0 is greedy; otherwise sampling with
    `top_k` (0: all) / `top_p` (1: all), seeded by `seed`. `on_text`
    receives the text as it is generated (whole UTF-8 characters);
    :func:`stream` yields it instead.

    `whitespace_limit` bounds runs of ignored whitespace when `grammar` is
    Lark text (default 24; None: unbounded). A :class:`Grammar` or
    :class:`CompiledGrammar` carries its own bound (see
    :meth:`Grammar.from_lark`): the output is in exactly its language, and a
    different `whitespace_limit` raises `ValueError`.

    `vocab`: the tokenizer's :class:`Vocabulary`; by default made once per
    tokenizer and reused by later calls.

    `sampler`: ``"mask"`` computes each step's token mask (overlapped with
    the forward pass) and samples from the masked logits; ``"awrs"`` draws
    the same distribution exactly by checking candidates
    (:func:`corral.awrs`), needs no mask when the model keeps to the
    grammar, and is required for a :class:`corral.Constraint` (a grammar
    with a Python check). Greedy decoding (`temperature` 0) uses the mask.

    `draft`: speculative decoding with draft trees checked by the grammar
    (``"recycling"``: Token Recycling's adjacency matrix of the model's
    top-k; ``"ngram"``: tri-grams of accepted output; ``"both"``; or a
    :class:`corral.Drafter`, whose state it updates). A drafter named by
    its source is shared by every call with the same vocabulary, so what it
    learns carries over. One forward pass verifies a tree; the output is
    exactly that of decoding without drafts (greedy: token for token;
    sampling: the same distribution), in fewer passes where drafts are
    accepted. The stats count the drafted nodes, the drafted tokens
    accepted, the time spent drafting and ``tokens_per_forward``. Not
    supported with a list of prompts, ``sampler="awrs"``, a
    :class:`Constraint`, or ``jump_forward=False``.
    """
    opts = Decoding(
        max_new_tokens=max_new_tokens,
        temperature=temperature,
        top_k=top_k,
        top_p=top_p,
        seed=seed,
        jump_forward=jump_forward,
        sampler=sampler,
    )
    cg, check, drafter = _setup(
        model, tokenizer, grammar, prompt, opts, whitespace_limit, vocab, draft
    )
    prompts = [prompt] if isinstance(prompt, str) else list(prompt)
    if not all(isinstance(p, str) for p in prompts):
        raise TypeError("prompt must be a string or a list of strings")
    if not isinstance(prompt, str):
        if on_text is not None:
            raise ValueError("on_text streams one prompt's text; give a string, or use stream()")
        if not prompts:
            return []
        from corral._batch import pads_safely, run_batch

        if not pads_safely(model):
            one: CompiledGrammar | Constraint = cg if check is None else Constraint(cg, check)
            return [
                generate(model, tokenizer, p, one, **asdict(opts.for_prompt(i)))
                for i, p in enumerate(prompts)
            ]
        return run_batch(model, tokenizer, prompts, cg, check, opts)
    results: list[GenerationResult] = []
    for i, p in enumerate(prompts):
        run = _run_any(model, tokenizer, p, cg, check, opts.for_prompt(i), drafter)
        while True:
            try:
                piece = next(run)
            except StopIteration as stop:
                results.append(stop.value)
                break
            if on_text is not None:
                on_text(piece)
    return results[0]


def stream(
    model: Any,
    tokenizer: Any,
    prompt: str,
    grammar: GrammarLike,
    **options: Any,
) -> Generator[str, None, GenerationResult]:
    """Yields the output's text as it is generated (whole UTF-8 characters);
    the options are :func:`generate`'s (but `on_text`). The generator's
    return value (``StopIteration.value``, or ``yield from``) is the
    :class:`GenerationResult`. Bad arguments raise at the call, before
    the first piece."""
    if "on_text" in options:
        raise TypeError("stream() yields the text; on_text is generate()'s")
    if not isinstance(prompt, str):
        raise TypeError("stream() takes one prompt (a string)")
    opts = Decoding(**{f.name: options.pop(f.name) for f in fields(Decoding) if f.name in options})
    whitespace_limit = options.pop("whitespace_limit", _Unset.UNSET)
    vocab = options.pop("vocab", None)
    draft = options.pop("draft", None)
    if options:
        raise TypeError(f"stream() got unexpected options: {', '.join(sorted(options))}")
    cg, check, drafter = _setup(
        model, tokenizer, grammar, prompt, opts, whitespace_limit, vocab, draft
    )
    return _run_any(model, tokenizer, prompt, cg, check, opts, drafter)


def _drafter(
    cg: CompiledGrammar,
    draft: Any,
    prompt: Any,
    sampler: str,
    check: Any,
    jump_forward: bool,
) -> Drafter | None:
    """The drafter of a `draft=` argument (None: no drafting), or a clear
    refusal where drafting is not supported."""
    if draft is None:
        return None
    from corral._draft import drafter_for

    for refused, what in (
        (not isinstance(prompt, str), "a list of prompts (draft one prompt at a time)"),
        (sampler != "mask", f"sampler={sampler!r} (drafting verifies with the mask)"),
        (check is not None, "a Constraint with a check"),
        (not jump_forward, "jump_forward=False (forced tokens are drafted as certain)"),
    ):
        if refused:
            raise ValueError(f"not supported: draft with {what}")
    return drafter_for(cg, draft)


def _run_any(
    model: Any,
    tokenizer: Any,
    prompt: str,
    cg: CompiledGrammar,
    check: Any,
    opts: Decoding,
    drafter: Drafter | None,
) -> Generator[str, None, GenerationResult]:
    """The decoding loop of one prompt, with draft trees or without."""
    if drafter is not None:
        from corral._draft import run_drafted

        return run_drafted(model, tokenizer, prompt, cg, drafter, opts)
    return _run(model, tokenizer, prompt, cg, check, opts)


def generate_json(
    model: Any,
    tokenizer: Any,
    prompt: str,
    schema: Any,
    **options: Any,
) -> Any:
    """Generates one JSON value for `schema` (a Pydantic model class, a JSON
    Schema dict, or a :class:`Grammar` / :class:`CompiledGrammar` of JSON)
    and returns it parsed: an instance of the model class (validated by
    Pydantic), else the decoded value (validated with `jsonschema` when a
    schema dict is given and `jsonschema` is installed). Options are
    :func:`generate`'s; ``max_new_tokens`` defaults to 512 here. Raises
    :class:`IncompleteOutputError` when the output is cut off."""
    if not isinstance(prompt, str):
        raise TypeError("generate_json() takes one prompt (a string)")
    options.setdefault("max_new_tokens", 512)
    r = generate(model, tokenizer, prompt, schema, **options)
    if not r.complete:
        raise IncompleteOutputError(
            f"the output stopped after {r.stats.new_tokens} tokens (max_new_tokens="
            f"{options['max_new_tokens']}) before the JSON value was complete: {r.text[-60:]!r}",
            r,
        )
    if isinstance(schema, type) and hasattr(schema, "model_validate_json"):
        return schema.model_validate_json(r.text)
    value = json.loads(r.text)
    if isinstance(schema, (dict, bool)):
        try:
            import jsonschema  # type: ignore[import-untyped]
        except ImportError:
            return value
        jsonschema.validate(value, schema)
    return value


def _finish(
    decoder: Any,
    pieces: list[str],
    tokens: list[int],
    eos: set[int],
    stats: GenerationStats,
    t_start: float,
    matcher: Any,
) -> tuple[str, GenerationResult]:
    """The text the decoder still held, and the result of a finished loop."""
    tail = decoder.decode(b"", final=True)
    if tail:
        pieces.append(tail)
    stats.new_tokens = len([t for t in tokens if t not in eos])
    stats.seconds = time.perf_counter() - t_start
    complete = stats.stop_reason != "max_new_tokens" or matcher.is_accepting()
    result = GenerationResult(text="".join(pieces), tokens=tokens, stats=stats, complete=complete)
    return tail, result


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _mask_pool() -> ThreadPoolExecutor:
    """The threads that fill masks while the model runs, shared by every
    call (a thread started per call cost about half a millisecond before
    the first forward pass); one more starts only when every one is busy,
    as with concurrent calls."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(
                max_workers=max(4, os.cpu_count() or 1), thread_name_prefix="corral-mask"
            )
        return _POOL


def _run(
    model: Any,
    tokenizer: Any,
    prompt: str,
    cg: CompiledGrammar,
    check: Any,
    opts: Decoding,
) -> Generator[str, None, GenerationResult]:
    """The decoding loop of one prompt: yields text pieces, returns the
    :class:`GenerationResult`."""
    max_new_tokens, temperature, top_k, top_p = (
        opts.max_new_tokens,
        opts.temperature,
        opts.top_k,
        opts.top_p,
    )
    seed, jump_forward, sampler = opts.seed, opts.jump_forward, opts.sampler
    t_start = time.perf_counter()
    stats = GenerationStats()
    use_mask = sampler == "mask"
    import torch

    matcher = cg.matcher()
    eos = set(cg.vocab.eos_token_ids)
    device = next(model.parameters()).device
    gen = torch.Generator(device=device).manual_seed(seed) if seed is not None else None
    bitmask = np.zeros((1, cg.mask_words), dtype=np.int32)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pieces: list[str] = []
    tokens: list[int] = []

    def emit(ids: list[int]) -> str:
        text = decoder.decode(cg.vocab.decode_bytes(ids))
        if text:
            pieces.append(text)
        return text

    def mask_job() -> float:
        t = time.perf_counter()
        fill_masks([matcher], bitmask)
        return time.perf_counter() - t

    enc = tokenizer(prompt, return_tensors="pt")
    feed = enc["input_ids"].to(device)
    cache_arg, keep_arg = _forward_args(model)
    extra: dict[str, Any] = {"logits_to_keep": 1} if keep_arg else {}
    past = None
    pool = _mask_pool()
    with torch.inference_mode():
        while True:
            # The mask (Rust, on the worker) and the forward pass at once.
            job = pool.submit(mask_job) if use_mask else None
            t = time.perf_counter()
            out = model(input_ids=feed, use_cache=True, **{cache_arg: past}, **extra)
            logits = out.logits[0, -1]
            stats.model_seconds += time.perf_counter() - t
            stats.forward_passes += 1
            past = out.get("cache")
            if past is None:
                past = out.get("past_key_values")
            t = time.perf_counter()
            if job is not None:
                stats.mask_seconds += job.result()
                stats.grammar_seconds += time.perf_counter() - t
                if not bitmask[0].any():
                    raise CorralError(
                        "no token can continue the output: the grammar's language is empty here"
                    )
                logits = logits.float()
                apply_mask(logits, bitmask[0])
                tok = _sample(logits, temperature, top_k, top_p, gen)
            else:
                try:
                    tok, log_w, checks, fell_back = _awrs(
                        logits,
                        matcher,
                        generator=gen,
                        temperature=temperature,
                        top_k=top_k or None,
                        top_p=top_p,
                        check=check,
                    )
                except CorralError as e:
                    if check is None:
                        raise
                    raise CorralError(
                        "no token can continue the output: the check refuses every "
                        f"continuation the grammar allows (after {matcher.output()[-60:]!r}); "
                        "corral.smc drops such outputs and keeps sampling"
                    ) from e
                stats.checks += checks
                stats.fallbacks += fell_back
                stats.log_weight += log_w
                stats.grammar_seconds += time.perf_counter() - t
            t = time.perf_counter()
            tokens.append(tok)
            if tok in eos:
                matcher.consume(tok)
                stats.stop_reason = "eos"
                stats.grammar_seconds += time.perf_counter() - t
                break
            if not matcher.consume(tok):
                raise RuntimeError(f"token {tok} was sampled outside the mask: {matcher.error()}")
            step = [tok]
            # Forced tokens skip a Python check: none with one.
            if jump_forward and check is None and not matcher.is_finished():
                forced = matcher.forced_tokens()
                room = max_new_tokens - len(tokens)
                forced = forced[:room]
                if forced:
                    done = matcher.consume_tokens(forced)
                    forced = forced[:done]
                    step += forced
                    tokens += forced
                    stats.forced_tokens += len(forced)
            stats.grammar_seconds += time.perf_counter() - t
            text = emit(step)
            if text:
                yield text
            # With a check, EOS is drawn too: the check sees the output whole.
            if check is None and matcher.is_finished():
                stats.stop_reason = "complete"
                break
            if len(tokens) >= max_new_tokens:
                stats.stop_reason = "max_new_tokens"
                break
            feed = torch.tensor([step], device=device)
    tail, result = _finish(decoder, pieces, tokens, eos, stats, t_start, matcher)
    if tail:
        yield tail
    return result
