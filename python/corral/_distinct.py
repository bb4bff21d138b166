"""SMC whose particles stay distinct: every child of every particle is
weighed exactly, and N of them are kept by Fearnhead and Clifford's optimal
resampling for discrete states.

Drawing one token per particle from the locally masked distribution puts
most particles on the tokens the model likes first, even where the grammar
later makes them unlikely; a string whose first token the proposal gives 1%
then rarely gets a particle at all, and no weight can correct for a string
no particle reached. Here a step expands each live particle into all the
tokens its mask allows (EOS where the output may end), each child weighed
by its parent's weight times the model's probability of the token (after
temperature, top-k, top-p). A finished particle is its own only child. If
there are at most N children, all are kept with these weights. Otherwise a
threshold c solves sum_i min(1, W_i / c) = N: a child of weight at least c
is kept with its own weight, and the others are resampled by stratified
sampling over their total mass, N - kept of them, each with weight c. Each
child is then kept with probability min(1, W_i / c) and weighted
max(W_i, c), so every sum of weights stays unbiased, and no child is ever
kept twice (Fearnhead and Clifford 2003, "On-line inference for hidden
Markov models via particle filters", JRSS B).

The weights are on the scale of Z: the sum of the finished particles'
weights estimates the probability that the model writes a string of the
language.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from corral._core import CompiledGrammar, Matcher, fill_masks
from corral.sampling import shaped_logits

Floats = np.ndarray[Any, np.dtype[np.float64]]

__all__ = ["expand_and_select", "select"]


def select(
    logw: Floats, n: int, rng: np.random.Generator
) -> tuple[np.ndarray[Any, np.dtype[np.int64]], Floats]:
    """Fearnhead-Clifford selection of at most `n` of the candidates whose
    log weights are `logw` (one flat vector; -inf is weight 0, never
    chosen). Returns (chosen indices, their new log weights). All positive
    candidates are kept as they are when there are at most `n`."""
    flat = np.asarray(logw, dtype=np.float64).ravel()
    positive = np.flatnonzero(flat > -np.inf)
    if positive.size <= n:
        return positive.astype(np.int64), flat[positive]
    top = float(np.max(flat[positive]))
    w = np.exp(flat - top)  # weight 0 stays 0
    # The n+1 largest weights, largest first.
    head = np.argpartition(-w, n)[: n + 1]
    head = head[np.argsort(-w[head], kind="stable")]
    others = w.copy()
    others[head] = 0.0
    # rest[k]: the mass of all but the k largest (summed without cancellation).
    rest = float(others.sum()) + np.cumsum(w[head][::-1])[::-1]
    # The smallest k whose k largest are at least c = rest[k] / (n - k);
    # k = n - 1 always qualifies (rest[n-1] > w[head[n-1]], as an (n+1)-th
    # positive weight exists), so this only guards rounding.
    k = n - 1
    for i in range(n):
        if w[head[i]] < rest[i] / (n - i):
            k = i
            break
    kept = head[:k]
    left = w.copy()
    left[kept] = 0.0
    cum = np.cumsum(left)
    slots = n - k
    u = (rng.random() + np.arange(slots)) * (cum[-1] / slots)
    # cum[j-1] <= u < cum[j]: weight 0 is never hit; rounding past the end
    # falls on the last positive weight.
    drawn = np.searchsorted(cum, u, side="right")
    last = int(np.flatnonzero(left > 0)[-1])
    drawn = np.minimum(drawn, last)
    chosen = np.concatenate([kept, drawn]).astype(np.int64)
    log_c = top + math.log(cum[-1] / slots)
    weights = np.concatenate([flat[kept], np.full(slots, log_c)])
    return chosen, weights


def expand_and_select(
    logits: Any,
    matchers: list[Matcher],
    logw_live: Floats,
    logw_done: Floats,
    cg: CompiledGrammar,
    n: int,
    rng: np.random.Generator,
    temperature: float,
    top_k: int,
    top_p: float,
) -> tuple[list[tuple[int, int, float]], list[tuple[int, float]], bool]:
    """One step: the children of the live particles (rows of `logits`,
    their matchers, log weights `logw_live`) and the finished particles
    (log weights `logw_done`), at most `n` kept. Returns ([(live row,
    token, log weight)], [(finished index, log weight)], whether there were
    more than `n` to keep from)."""
    import torch

    rows = len(matchers)
    width = int(logits.shape[-1])
    bitmask = np.zeros((rows, cg.mask_words), dtype=np.int32)
    fill_masks(matchers, bitmask)
    bits = np.unpackbits(bitmask.view(np.uint8), axis=1, bitorder="little")[:, :width]
    # The allowed children, as flat indices row * width + token.
    row_of, token_of = np.divmod(np.flatnonzero(bits), bits.shape[1])
    with torch.inference_mode():
        if torch.isnan(logits).any() or torch.isposinf(logits).any():
            raise ValueError("logits contain NaN or +inf")
        if temperature == 1.0 and top_k == 0 and top_p == 1.0:
            shaped = logits.float()
        else:
            shaped = torch.stack(
                [shaped_logits(logits[r], temperature, top_k, top_p) for r in range(rows)]
            )
        logp = torch.log_softmax(shaped, dim=-1).cpu().numpy()
    child_w = logp[row_of, token_of].astype(np.float64) + logw_live[row_of]
    cand = np.concatenate([child_w, logw_done])
    chosen, weights = select(cand, n, rng)
    resampled = int(np.count_nonzero(cand > -np.inf)) > n
    live: list[tuple[int, int, float]] = []
    done: list[tuple[int, float]] = []
    split = child_w.size
    for j, lw in zip(chosen.tolist(), weights.tolist(), strict=True):
        if j < split:
            live.append((int(row_of[j]), int(token_of[j]), lw))
        else:
            done.append((j - split, lw))
    return live, done, resampled
