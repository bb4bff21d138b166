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
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from corral._core import CompiledGrammar, CorralError, Grammar, Vocabulary, fill_masks
from corral._mask import DEFAULT_WHITESPACE_LIMIT, apply_mask
from corral._mask import compile as _compile
from corral.sampling import Constraint, _awrs, shaped_logits

__all__ = ["GenerationResult", "GenerationStats", "generate", "schema_prompt"]


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

    @property
    def tokens_per_second(self) -> float:
        return self.new_tokens / self.seconds if self.seconds > 0 else 0.0


@dataclass
class GenerationResult:
    #: The generated text (the prompt and EOS left out).
    text: str
    #: The generated token ids (EOS included when it was generated).
    tokens: list[int]
    stats: GenerationStats = field(default_factory=GenerationStats)


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


def generate(
    model: Any,
    tokenizer: Any,
    prompt: str,
    grammar: Grammar | CompiledGrammar | str | Constraint,
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
) -> GenerationResult:
    """Generates text in `grammar`'s language after `prompt`.

    `grammar`: a :class:`Grammar`, Lark text, or a :class:`CompiledGrammar`
    for this tokenizer and model width. `temperature` 0 is greedy; otherwise
    sampling with `top_k` / `top_p`, seeded by `seed`. `on_text` receives the
    text as it is generated (whole UTF-8 characters).

    `whitespace_limit` bounds runs of ignored whitespace when `grammar` is
    Lark text (default 24; None: unbounded). A :class:`Grammar` or
    :class:`CompiledGrammar` carries its own bound (see
    :meth:`Grammar.from_lark`): the output is in exactly its language, and a
    different `whitespace_limit` raises `ValueError`.

    `sampler`: ``"mask"`` computes each step's token mask (overlapped with
    the forward pass) and samples from the masked logits; ``"awrs"`` draws
    the same distribution exactly by checking candidates
    (:func:`corral.awrs`), needs no mask when the model keeps to the
    grammar, and is required for a :class:`corral.Constraint` (a grammar
    with a Python check). Greedy decoding (`temperature` 0) uses the mask.
    """
    t_start = time.perf_counter()
    stats = GenerationStats()
    if sampler not in ("mask", "awrs"):
        raise ValueError(f"sampler must be 'mask' or 'awrs', got {sampler!r}")
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
    use_mask = sampler == "mask"
    if isinstance(grammar, str):
        limit = DEFAULT_WHITESPACE_LIMIT if whitespace_limit is _Unset.UNSET else whitespace_limit
        grammar = Grammar.from_lark(grammar, whitespace_limit=limit)
    _check_whitespace_limit(grammar, whitespace_limit)
    if isinstance(grammar, CompiledGrammar):
        cg = grammar
    else:
        if vocab is None:
            vocab = Vocabulary.from_hf(tokenizer, vocab_size=_model_width(model))
        cg = _compile(grammar, vocab)
    import torch

    matcher = cg.matcher()
    eos = set(cg.vocab.eos_token_ids)
    device = next(model.parameters()).device
    gen = torch.Generator(device=device).manual_seed(seed) if seed is not None else None
    bitmask = np.zeros((1, cg.mask_words), dtype=np.int32)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pieces: list[str] = []
    tokens: list[int] = []

    def emit(ids: list[int]) -> None:
        text = decoder.decode(cg.vocab.decode_bytes(ids))
        if text:
            pieces.append(text)
            if on_text is not None:
                on_text(text)

    def mask_job() -> float:
        t = time.perf_counter()
        fill_masks([matcher], bitmask)
        return time.perf_counter() - t

    enc = tokenizer(prompt, return_tensors="pt")
    feed = enc["input_ids"].to(device)
    cache_arg, keep_arg = _forward_args(model)
    extra: dict[str, Any] = {"logits_to_keep": 1} if keep_arg else {}
    past = None
    with ThreadPoolExecutor(max_workers=1) as pool, torch.inference_mode():
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
            emit(step)
            # With a check, EOS is drawn too: the check sees the output whole.
            if check is None and matcher.is_finished():
                stats.stop_reason = "complete"
                break
            if len(tokens) >= max_new_tokens:
                stats.stop_reason = "max_new_tokens"
                break
            feed = torch.tensor([step], device=device)
    tail = decoder.decode(b"", final=True)
    if tail:
        pieces.append(tail)
        if on_text is not None:
            on_text(tail)
    stats.new_tokens = len([t for t in tokens if t not in eos])
    stats.seconds = time.perf_counter() - t_start
    return GenerationResult(text="".join(pieces), tokens=tokens, stats=stats)
