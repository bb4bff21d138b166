"""Sequential Monte Carlo (SMC) over whole outputs, with AWRS as the proposal.

Local masking (sample each token from the model's softmax renormalized over
the tokens the grammar allows) is greedy about the grammar: it never looks
ahead, so a token that leads into a part of the language the model finds
unlikely is taken as readily as one that does not. The distribution it
samples is not the model conditioned on the grammar. :func:`smc` samples
that conditioned distribution, consistently as `n_particles` grows:

    target(x) = p(x) / Z  for complete outputs x in the language (ending
    with EOS), Z = sum of p(x) over them,

with p the model's distribution over token sequences after the prompt
(after `temperature`, `top_k`, `top_p`: the product of the shaped next-token
distributions). Each of `n_particles` particles draws one token per step
with :func:`corral.sampling.awrs` (an exact draw from the next-token
distribution restricted to what the grammar, and a :class:`Constraint`'s
check, allow) and multiplies its weight by AWRS's unbiased estimate of the
allowed mass. When the weights grow uneven the particles are resampled. A
particle finishes only when it draws EOS, even where the grammar allows
nothing else: EOS's probability belongs in its weight.

With ``resampling="distinct"`` a step instead weighs every token each live
particle's mask allows and keeps `n_particles` distinct children by
Fearnhead and Clifford's resampling (:mod:`corral._distinct`): the exact
weights replace AWRS's estimates, and no particle is ever a copy of
another, which matters where the locally masked proposal rarely reaches
where the conditioned model's mass is.

All live particles share one batched forward pass per step: they all
advance one token per step, so their rows of the key/value cache have one
length. The prompt runs once (batch 1) and its cache rows are copied as the
particles need them. Finished particles leave the batch.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from corral._core import CorralError, Matcher, Vocabulary
from corral._distinct import expand_and_select
from corral._inputs import (
    GrammarLike,
    as_grammar,
    bind,
)
from corral.decoding import _forward_args, _model_width
from corral.sampling import Check, Constraint, _check_args, awrs

__all__ = ["Particle", "SMCResult", "SMCStats", "smc"]


@dataclass
class Particle:
    """One particle at the end of :func:`smc`."""

    #: The output's bytes as UTF-8 (errors replaced), EOS left out.
    text: str
    #: Its final log weight (all particles share a scale; see
    #: :attr:`SMCResult.log_ml`). -inf for a particle that reached a prefix
    #: no token may continue (a :class:`Constraint`'s check refusing all).
    log_weight: float
    #: The token ids it drew, EOS included when it finished.
    tokens: list[int]
    #: Whether it drew EOS (False: stopped by `max_new_tokens`, or dead).
    finished: bool


@dataclass
class SMCStats:
    """What a run of :func:`smc` cost."""

    #: Forward passes run, the prompt's included (one per step, batched).
    forward_passes: int = 0
    #: Steps (tokens drawn per live particle, EOS included).
    steps: int = 0
    #: Resampling steps.
    resamples: int = 0
    #: Tokens checked by AWRS, over all particles and steps.
    checks: int = 0
    #: Masks filled (``resampling="distinct"``: one per live particle and step).
    masks: int = 0
    #: Wall time of the whole call, prompt included.
    seconds: float = 0.0
    #: Of which in the forward passes.
    model_seconds: float = 0.0


@dataclass
class SMCResult:
    """The particles of a run of :func:`smc` and what they estimate."""

    particles: list[Particle]
    #: Each distinct text of a finished particle and its normalized weight
    #: (weights of particles with the same text added; sums to 1). Empty
    #: when no particle finished.
    posterior: dict[str, float]
    #: Estimate of log Z, the log probability that the model's output is
    #: in the language (and passes the check) within `max_new_tokens`:
    #: log of (1/N) * sum of exp(log_weight) over FINISHED particles, the
    #: unfinished counting 0. Resampling sets every weight to the mean
    #: weight, so the final weights already carry the product of the mean
    #: weights of the earlier resampling steps: Z's estimate is
    #: prod_k mean_i W_i^(k), W^(k) the weights gathered between the
    #: (k-1)-th and k-th resampling (the last factor ending at the end, with
    #: unfinished particles counting 0). Unbiased for Z; -inf if none
    #: finished.
    log_ml: float
    stats: SMCStats = field(default_factory=SMCStats)


def _log_mean_exp(x: np.ndarray[Any, np.dtype[np.float64]]) -> float:
    m = float(np.max(x)) if x.size else -math.inf
    if m == -math.inf:
        return -math.inf
    return m + math.log(float(np.mean(np.exp(x - m))))


def _systematic(logw: np.ndarray[Any, np.dtype[np.float64]], rng: np.random.Generator) -> list[int]:
    """Systematic resampling: N ancestors, particle i chosen
    floor(N w_i) or ceil(N w_i) times (w normalized); weight 0 never."""
    n = logw.size
    w = np.exp(logw - np.max(logw))
    c = np.cumsum(w)
    c /= c[-1]
    u = (rng.random() + np.arange(n)) / n
    # c[j-1] <= u < c[j]: an empty interval (weight 0) is never hit, and
    # u < 1 = c[-1].
    return [int(j) for j in np.searchsorted(c, u, side="right")]


def _reorder(past: Any, index: Any) -> Any:
    """Keeps rows `index` (repeats allowed) of a key/value cache: the
    cache's own ``reorder_cache`` (transformers' ``Cache``, an
    ``index_select`` of every layer), else a legacy tuple of (key, value)
    tensors per layer, indexed."""
    if hasattr(past, "reorder_cache"):
        past.reorder_cache(index)
        return past
    return tuple(tuple(t.index_select(0, index.to(t.device)) for t in layer) for layer in past)


def _distinct_loop(
    logits: Any,
    past: Any,
    forward: Any,
    cg: Any,
    n: int,
    rng: np.random.Generator,
    max_new_tokens: int,
    stats: SMCStats,
    temperature: float,
    top_k: int,
    top_p: float,
) -> tuple[list[list[int]], np.ndarray[Any, np.dtype[np.float64]], list[bool]]:
    """The steps of ``resampling="distinct"`` after the prompt's forward
    pass: (tokens, log weights on the scale of (1/n) * sum, finished) of
    the particles left, at most `n`."""
    import torch

    eos = set(cg.vocab.eos_token_ids)
    device = logits.device
    # Live particles: rows of `logits` and the cache, in order.
    live_tokens: list[list[int]] = [[]]
    live_m: list[Matcher] = [cg.matcher()]
    live_w = np.zeros(1)
    # Finished particles (EOS drawn), and those cut by `max_new_tokens`.
    done_tokens: list[list[int]] = []
    done_w: list[float] = []
    while live_m:
        stats.steps += 1
        kids, kept, resampled = expand_and_select(
            logits, live_m, live_w, np.array(done_w), cg, n, rng, temperature, top_k, top_p
        )
        stats.masks += len(live_m)
        stats.resamples += resampled
        done_tokens = [done_tokens[i] for i, _ in kept]
        done_w = [w for _, w in kept]
        rows: list[int] = []
        new_tokens: list[list[int]] = []
        new_m: list[Matcher] = []
        new_w: list[float] = []
        # A parent's last child takes its matcher; the others fork it.
        last_child = {r: j for j, (r, _, _) in enumerate(kids)}
        for j, (r, tok, w) in enumerate(kids):
            toks = [*live_tokens[r], tok]
            if tok in eos:
                done_tokens.append(toks)
                done_w.append(w)
                continue
            m = live_m[r] if last_child[r] == j else live_m[r].fork()
            if not m.consume(tok):
                raise RuntimeError(f"token {tok} is in the mask but the matcher refuses it")
            rows.append(r)
            new_tokens.append(toks)
            new_m.append(m)
            new_w.append(w)
        live_tokens, live_m, live_w = new_tokens, new_m, np.array(new_w)
        if not live_m:
            break
        if stats.steps >= max_new_tokens:
            break
        if rows != list(range(logits.shape[0])):
            past = _reorder(past, torch.tensor(rows, device=device))
        feed = torch.tensor([[t[-1]] for t in live_tokens], device=device)
        logits, past = forward(feed, past)
    tokens = done_tokens + live_tokens
    finished = [True] * len(done_tokens) + [False] * len(live_tokens)
    # Weights W sum to Z's estimate; on the scale of (1/n) * sum: W * n.
    logw = np.array(done_w + list(live_w), dtype=np.float64) + math.log(n)
    return tokens, logw, finished


def smc(
    model: Any,
    tokenizer: Any,
    prompt: str,
    grammar: GrammarLike,
    *,
    n_particles: int = 8,
    ess_threshold: float = 0.5,
    max_new_tokens: int = 256,
    seed: int | None = None,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    estimator: str = "recursive",
    max_rejects: int | None = None,
    vocab: Vocabulary | None = None,
    accepts: int = 2,
    resampling: str = "systematic",
) -> SMCResult:
    """Samples `n_particles` weighted outputs of `model` after `prompt`
    that approximate the model conditioned on `grammar` (see the module
    docs): the finished particles' weights give :attr:`SMCResult.posterior`.

    `grammar`: as for :func:`corral.generate` (a :class:`Grammar`, a
    :class:`CompiledGrammar` for this tokenizer and model width, a JSON
    Schema or Pydantic model class, compiled with ``profile="generate"``,
    Lark text or a file's path), or a :class:`Constraint` (its check then
    judges every candidate token and the complete output). `vocab`: the
    tokenizer's :class:`Vocabulary` (by default made once per tokenizer).

    Each step, every live particle draws a token with
    :func:`~corral.sampling.awrs` (`temperature`, `top_k`, `top_p`,
    `estimator`, `accepts`, `max_rejects` are passed on) and adds its log weight to
    the particle's. When the effective sample size (sum w)^2 / sum w^2 of
    the normalized weights of all particles, finished ones included, falls
    below ``ess_threshold * n_particles``, all particles are resampled
    (systematic resampling) and every weight set to the log of the mean
    weight; a particle of weight 0 is never chosen. `ess_threshold` 0
    never resamples (importance sampling); 1 resamples whenever the
    weights differ. No resampling happens after the last step or when no
    particle is live.

    `resampling`: "systematic" (the default) is the AWRS scheme above.
    "distinct" weighs every child of every particle exactly (each step
    fills every live particle's mask) and keeps `n_particles` distinct ones
    by Fearnhead and Clifford's optimal resampling (see
    :mod:`corral._distinct`): no two particles are ever the same, so a
    string the locally masked proposal rarely reaches still gets a particle
    when its weight warrants it. On bounded languages (enums, small numbers,
    short fields) it is much closer to the conditioned model for the same
    number of particles (benches/RESULTS.md). It follows the prefixes'
    probability, so where the model would rather go on (a number it keeps
    repeating digits of) than finish, its particles may all still be going
    at `max_new_tokens`, where "systematic" finishes some. `ess_threshold`,
    `estimator`, `accepts` and `max_rejects` do not apply to it, nor does a
    :class:`Constraint`'s check (it would run on every allowed token of
    every particle): that is refused.

    Stops when every particle has drawn EOS (or died) or after
    `max_new_tokens` steps (the EOS draw counts as one). `seed` seeds a
    torch generator (on the model's device) for AWRS and a numpy generator
    for resampling, so a seed repeats its result on one machine.
    """
    if n_particles < 1:
        raise ValueError(f"n_particles must be >= 1, got {n_particles}")
    if not 0.0 <= ess_threshold <= 1.0:
        raise ValueError(f"ess_threshold must be in [0, 1], got {ess_threshold}")
    if max_new_tokens < 1:
        raise ValueError(f"max_new_tokens must be >= 1, got {max_new_tokens}")
    if resampling not in ("systematic", "distinct"):
        raise ValueError(f"resampling must be 'systematic' or 'distinct', got {resampling!r}")
    import torch

    t_start = time.perf_counter()
    stats = SMCStats()
    check: Check | None = None
    grammar = as_grammar(grammar, profile="generate")
    if isinstance(grammar, Constraint):
        check = grammar.check
        grammar = grammar.grammar
    if resampling == "distinct" and check is not None:
        raise ValueError(
            "not supported: resampling='distinct' with a Constraint's check (it would run "
            "the check on every allowed token of every particle); use resampling='systematic'"
        )
    cg = bind(grammar, tokenizer, _model_width(model), vocab)
    eos = set(cg.vocab.eos_token_ids)
    device = next(model.parameters()).device
    gen = torch.Generator(device=device).manual_seed(seed) if seed is not None else None
    rng = np.random.default_rng(seed)

    n = n_particles
    logw = np.zeros(n, dtype=np.float64)
    tokens: list[list[int]] = [[] for _ in range(n)]
    # A live particle's matcher; None once it finished or died.
    matchers: list[Matcher | None] = [cg.matcher() for _ in range(n)]
    finished = [False] * n
    # A live particle's row in the last forward pass's logits and cache.
    rows = [0] * n

    cache_arg, keep_arg = _forward_args(model)
    extra: dict[str, Any] = {"logits_to_keep": 1} if keep_arg else {}

    def forward(feed: Any, past: Any) -> tuple[Any, Any]:
        t = time.perf_counter()
        out = model(input_ids=feed, use_cache=True, **{cache_arg: past}, **extra)
        stats.model_seconds += time.perf_counter() - t
        stats.forward_passes += 1
        new = out.get("cache")
        return out.logits[:, -1], new if new is not None else out.get("past_key_values")

    with torch.inference_mode():
        feed = tokenizer(prompt, return_tensors="pt")["input_ids"].to(device)
        logits, past = forward(feed, None)
        if resampling == "distinct":
            kk, pp = _check_args(temperature, top_k, top_p)
            tokens, logw, finished = _distinct_loop(
                logits, past, forward, cg, n, rng, max_new_tokens, stats, temperature, kk, pp
            )
        else:
            live = list(range(n))
            while live:
                stats.steps += 1
                for i in live:
                    m = matchers[i]
                    assert m is not None
                    try:
                        tok, log_w, checks = awrs(
                            logits[rows[i]],
                            m,
                            generator=gen,
                            temperature=temperature,
                            top_k=top_k,
                            top_p=top_p,
                            max_rejects=max_rejects,
                            estimator=estimator,
                            accepts=accepts,
                            check=check,
                        )
                    except CorralError as e:
                        if type(e) is not CorralError:  # a limit, a bad token: not a dead end
                            raise
                        # No token may continue: the allowed mass is 0.
                        logw[i] = -math.inf
                        matchers[i] = None
                        continue
                    stats.checks += checks
                    logw[i] += log_w
                    tokens[i].append(tok)
                    if tok in eos:
                        finished[i] = True
                        matchers[i] = None
                    elif not m.consume(tok):
                        raise RuntimeError(f"AWRS drew token {tok}, which the matcher refuses")
                live = [i for i in range(n) if matchers[i] is not None]
                if not live or stats.steps >= max_new_tokens:
                    break
                w = np.exp(logw - np.max(logw))
                if w.sum() ** 2 < ess_threshold * n * (w**2).sum():
                    stats.resamples += 1
                    anc = _systematic(logw, rng)
                    seen: set[int] = set()
                    new_matchers: list[Matcher | None] = []
                    for a in anc:
                        m = matchers[a]
                        # The first copy keeps the ancestor's matcher, others fork it.
                        new_matchers.append(m.fork() if m is not None and a in seen else m)
                        seen.add(a)
                    matchers = new_matchers
                    tokens = [list(tokens[a]) for a in anc]
                    finished = [finished[a] for a in anc]
                    rows = [rows[a] for a in anc]
                    logw = np.full(n, _log_mean_exp(logw))
                    live = [i for i in range(n) if matchers[i] is not None]
                    if not live:
                        break
                index = [rows[i] for i in live]
                if index != list(range(logits.shape[0])):
                    past = _reorder(past, torch.tensor(index, device=device))
                feed = torch.tensor([[tokens[i][-1]] for i in live], device=device)
                logits, past = forward(feed, past)
                for r, i in enumerate(live):
                    rows[i] = r

    particles = [
        Particle(
            text=cg.vocab.decode_bytes([t for t in tokens[i] if t not in eos]).decode(
                "utf-8", errors="replace"
            ),
            log_weight=float(logw[i]),
            tokens=tokens[i],
            finished=finished[i],
        )
        for i in range(len(tokens))
    ]
    done = np.array([p.log_weight if p.finished else -math.inf for p in particles])
    # (1/N) * sum: "distinct" may end with fewer than N particles.
    log_ml = _log_mean_exp(done) + math.log(len(particles) / n) if particles else -math.inf
    posterior: dict[str, float] = {}
    if log_ml > -math.inf:
        for p in particles:
            if p.finished and p.log_weight > -math.inf:
                share = math.exp(p.log_weight - log_ml) / n
                posterior[p.text] = posterior.get(p.text, 0.0) + share
    stats.seconds = time.perf_counter() - t_start
    return SMCResult(particles=particles, posterior=posterior, log_ml=log_ml, stats=stats)
