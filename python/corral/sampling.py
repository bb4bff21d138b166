"""Exact constrained sampling: adaptive weighted rejection sampling (AWRS).

Masking the logits and sampling draws from the masked next-token
distribution after the whole mask is computed. :func:`awrs` draws from the
same distribution, exactly, by checking tokens one at a time in the order
of a Gumbel-max draw without replacement until one passes, and estimates
the valid mass (the weight sequential Monte Carlo needs) with one or a few
more checks. When the model mostly keeps to the grammar, that is one or two
checks instead of a mask; after `max_rejects` rejections the mask is
computed and the draw finishes exactly.

Checks need no mask, so a :class:`Constraint` may add a Python check that
no grammar can say (a SQL statement that must pass ``EXPLAIN``, a JSON
instance that must validate): AWRS and :func:`corral.smc` sample such
constraints exactly. The mask path (the logits processor, greedy
``generate``) refuses them.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from corral._core import CompiledGrammar, Grammar, Matcher, awrs_cpu, awrs_prefix

__all__ = ["DEFAULT_MAX_REJECTS", "Constraint", "awrs"]

#: Rejections before the mask decides, when `max_rejects` is None.
DEFAULT_MAX_REJECTS = 32

#: On a GPU: how many tokens of the Gumbel-max order, and how many draws
#: with replacement, are copied back per draw (more are never needed unless
#: the mask decides).
_DEVICE_ORDER = 64
_DEVICE_DRAWS = 64

Check = Callable[[bytes, bool], bool]


@dataclass(frozen=True)
class Constraint:
    """A grammar and a Python check on top of it.

    `check(prefix, complete)` is called with the output's bytes so far and
    the candidate token's bytes (`complete` False), or with the output when
    the candidate ends it (EOS; `complete` True). It returns whether the
    candidate may be taken. It only ever sees prefixes the grammar allows.
    AWRS (:func:`awrs`, ``generate(..., sampler="awrs")``, :func:`corral.smc`)
    samples exactly from the model restricted to what both allow; the mask
    path cannot and raises.
    """

    grammar: Grammar | CompiledGrammar
    check: Check
    #: Words for error messages and summaries.
    name: str = "constraint"

    @classmethod
    def from_json_schema(cls, schema: Any, **options: Any) -> Constraint:
        """A JSON Schema whose complete instance must also validate with
        `jsonschema` (formats included). The grammar is
        ``Grammar.from_json_schema(schema, **options)`` with
        ``profile="generate"`` unless `options` name another (a constraint
        is for sampling: see :meth:`Grammar.from_json_schema`); with
        ``lenient=True`` it may be a superset of the schema's language (see
        the grammar's ``approximations``), and the check makes sampling
        exact again."""
        import jsonschema  # type: ignore[import-untyped]

        doc = json.loads(schema) if isinstance(schema, str) else schema
        options.setdefault("profile", "generate")
        grammar = Grammar.from_json_schema(schema, **options)
        cls_ = jsonschema.validators.validator_for(doc)
        validator = cls_(doc, format_checker=cls_.FORMAT_CHECKER)

        def check(prefix: bytes, complete: bool) -> bool:
            if not complete:
                return True
            try:
                value = json.loads(prefix)
            except ValueError:
                return False
            return bool(validator.is_valid(value))

        return cls(grammar, check, name="JSON Schema validated by jsonschema")


def _seed(generator: Any) -> int:
    """A 63-bit seed from `generator` (a torch or numpy generator, a
    `random.Random`, or None for Python's global generator)."""
    if generator is None:
        return random.getrandbits(63)
    if isinstance(generator, random.Random):
        return generator.getrandbits(63)
    if isinstance(generator, np.random.Generator):
        return int(generator.integers(0, 2**63 - 1))
    import torch

    if isinstance(generator, torch.Generator):
        return int(
            torch.randint(0, 2**62, (1,), generator=generator, device=generator.device).item()
        )
    raise TypeError(
        "generator must be a torch.Generator, a numpy Generator, a random.Random or None, "
        f"got {type(generator).__name__}"
    )


def _check_args(temperature: float, top_k: int | None, top_p: float | None) -> tuple[int, float]:
    if not temperature > 0:
        raise ValueError(
            f"temperature must be > 0, got {temperature}: AWRS samples; greedy decoding "
            "uses the mask (corral.generate with temperature=0)"
        )
    k = 0 if top_k is None else int(top_k)
    if k < 0:
        raise ValueError(f"top_k must be >= 0, got {top_k}")
    p = 1.0 if top_p is None else float(top_p)
    if not 0.0 < p <= 1.0:
        raise ValueError(f"top_p must be in (0, 1], got {top_p}")
    return k, p


def awrs(
    logits: Any,
    matcher: Matcher,
    *,
    generator: Any = None,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    max_rejects: int | None = None,
    estimator: str = "recursive",
    accepts: int = 2,
    check: Check | None = None,
) -> tuple[int, float, int]:
    """Draws the next token for `matcher` from `logits`, exactly from the
    softmax (after `temperature`, `top_k`, `top_p`) restricted to the
    tokens the grammar (and `check`, see :class:`Constraint`) allows.

    Returns ``(token, log_weight, checks)``: the token (the matcher does
    not advance), an unbiased estimate of the allowed tokens' probability
    mass as a log (the weight of sequential Monte Carlo; exact when the
    mask decided), and how many tokens were checked.

    `logits`: one row (shape ``[V]`` or ``[1, V]``), a torch tensor on any
    device or a numpy array. CPU logits are read in place; on a GPU the
    shaping and the Gumbel keys are computed there and only the head of the
    order comes back. `max_rejects` (default 32): rejections before the
    mask is computed. `estimator`: ``"recursive"`` (one more check after
    the first accept) or ``"geometric"`` (checks until `accepts` accepts,
    a lower-variance weight).
    """
    return _awrs(
        logits,
        matcher,
        generator=generator,
        temperature=temperature,
        top_k=top_k,
        top_p=top_p,
        max_rejects=max_rejects,
        estimator=estimator,
        accepts=accepts,
        check=check,
    )[:3]


def _awrs(
    logits: Any,
    matcher: Matcher,
    *,
    generator: Any = None,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    max_rejects: int | None = None,
    estimator: str = "recursive",
    accepts: int = 2,
    check: Check | None = None,
    device_path: bool = False,
) -> tuple[int, float, int, bool]:
    """:func:`awrs`, also telling whether the mask decided. `device_path`
    takes the GPU route on any torch tensor (for tests on the CPU)."""
    k, p = _check_args(temperature, top_k, top_p)
    rejects = DEFAULT_MAX_REJECTS if max_rejects is None else int(max_rejects)
    if rejects < 0:
        raise ValueError(f"max_rejects must be >= 0, got {max_rejects}")
    if isinstance(logits, np.ndarray):
        x = np.ascontiguousarray(logits, dtype=np.float32)
        if x.ndim == 2 and x.shape[0] == 1:
            x = x[0]
        seed = _seed(generator)
        out: tuple[int, float, int, bool] = awrs_cpu(
            x, matcher, seed, temperature, k, p, rejects, estimator, accepts, check
        )
        return out
    import torch

    if not isinstance(logits, torch.Tensor):
        raise TypeError(f"logits must be a torch tensor or a numpy array, got {type(logits)}")
    t = logits.detach()
    if t.dim() == 2 and t.shape[0] == 1:
        t = t[0]
    if t.dim() != 1:
        raise ValueError(f"awrs takes one row of logits, got shape {tuple(logits.shape)}")
    if t.device.type == "cpu" and not device_path:
        t = t.to(torch.float32).contiguous()
        seed = _seed(generator)
        out = awrs_cpu(t, matcher, seed, temperature, k, p, rejects, estimator, accepts, check)
        return out
    return _awrs_device(
        t, matcher, generator, temperature, k, p, rejects, estimator, accepts, check
    )


def shaped_logits(x: Any, temperature: float, top_k: int, top_p: float) -> Any:
    """Float logits after temperature, top-k and top-p (tokens left out set
    to -inf), as torch: the distribution every sampler of corral draws from."""
    import torch

    x = x.float() / temperature
    if 0 < top_k < x.shape[-1]:
        kth = torch.topk(x, top_k).values[-1]
        x = x.masked_fill(x < kth, float("-inf"))
    if top_p < 1.0:
        sorted_x, idx = torch.sort(x, descending=True)
        probs = torch.softmax(sorted_x, dim=-1)
        # Keep the smallest prefix whose mass reaches top_p (the first
        # token always).
        drop = torch.cumsum(probs, dim=-1) - probs > top_p
        x = x.masked_fill(torch.zeros_like(drop).scatter(0, idx, drop), float("-inf"))
    return x


def _awrs_device(
    x: Any,
    matcher: Matcher,
    generator: Any,
    temperature: float,
    top_k: int,
    top_p: float,
    rejects: int,
    estimator: str,
    accepts: int,
    check: Check | None,
) -> tuple[int, float, int, bool]:
    """AWRS for logits on a GPU: the keys and draws are made on the device;
    the head of the order, its probabilities and a few draws with
    replacement come back in one copy."""
    import torch

    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError("logits on a GPU need a torch.Generator on their device (or None)")
    if not torch.isfinite(x).any() or torch.isnan(x).any():
        raise ValueError("logits contain NaN, or no finite value")
    logp = torch.log_softmax(shaped_logits(x, temperature, top_k, top_p), dim=-1)
    n = logp.shape[-1]
    u = torch.rand(n, generator=generator, device=x.device).clamp_(
        min=torch.finfo(torch.float32).tiny
    )
    keys = logp - torch.log(-torch.log(u))
    k = min(_DEVICE_ORDER, n)
    top = torch.topk(keys, k).indices
    probs = logp.exp()
    draws = torch.multinomial(probs, _DEVICE_DRAWS, replacement=True, generator=generator)
    pack = torch.cat([top.double(), probs[top].double(), draws.double()]).cpu().tolist()
    order = [int(v) for v in pack[:k]]
    order_p = pack[k : 2 * k]
    # Tokens shaped out (-inf) end the order.
    live = [i for i, q in enumerate(order_p) if q > 0.0]
    cut = live[-1] + 1 if live else 0
    order, order_p = order[:cut], order_p[:cut]
    draw_ids = [int(v) for v in pack[2 * k :]]

    def exact(mask: bytes, need_token: bool) -> tuple[float, int | None]:
        words = torch.frombuffer(bytearray(mask), dtype=torch.int32).to(x.device)
        shifts = torch.arange(32, device=x.device, dtype=torch.int32)
        bits = ((words[:, None] >> shifts) & 1).reshape(-1)[:n].bool()
        if bits.shape[0] < n:
            bits = torch.cat([bits, bits.new_zeros(n - bits.shape[0])])
        z = float(probs.masked_fill(~bits, 0.0).double().sum().item())
        if not need_token or z <= 0.0:
            return z, None
        return z, int(torch.argmax(keys.masked_fill(~bits, float("-inf"))).item())

    seed = _seed(generator) if generator is not None else random.getrandbits(63)
    out: tuple[int, float, int, bool] = awrs_prefix(
        matcher, order, order_p, draw_ids, exact, seed, rejects, estimator, accepts, check
    )
    return out
