"""Fearnhead-Clifford selection (`corral._distinct.select`), the resampling
step of `corral.smc(..., resampling="distinct")`: at most N candidates, never
one twice, none of weight 0; each kept with probability min(1, w/c) and
weighted max(w, c), so the weights estimate every candidate's weight without
bias. Statistical checks use fixed seeds and bounds of several standard
errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from corral._distinct import select


def threshold(w: np.ndarray, n: int) -> float:
    """c with sum(min(1, w/c)) = n, by bisection (an independent solver)."""
    lo, hi = 0.0, float(w.sum())
    for _ in range(200):
        mid = (lo + hi) / 2
        if np.minimum(1.0, w / mid).sum() > n:
            lo = mid
        else:
            hi = mid
    return hi


def test_at_most_n_candidates_are_all_kept_as_they_are() -> None:
    logw = np.array([-1.0, -np.inf, 0.5, -3.0])
    idx, lw = select(logw, 3, np.random.default_rng(0))
    assert sorted(idx.tolist()) == [0, 2, 3]
    assert dict(zip(idx.tolist(), lw.tolist(), strict=True)) == {0: -1.0, 2: 0.5, 3: -3.0}


@pytest.mark.parametrize("seed", range(20))
def test_n_distinct_positive_candidates(seed: int) -> None:
    rng = np.random.default_rng(seed)
    size = int(rng.integers(10, 300))
    logw = rng.normal(0, 3, size)
    logw[rng.random(size) < 0.3] = -np.inf
    n = int(rng.integers(1, 12))
    idx, lw = select(logw, n, rng)
    positive = int(np.isfinite(logw).sum())
    assert len(idx) == min(n, positive)
    assert len(set(idx.tolist())) == len(idx)
    assert np.isfinite(logw[idx]).all()
    # Never a weight below the candidate's own.
    assert (lw >= logw[idx] - 1e-9).all()


def test_heavy_candidates_are_kept_with_their_own_weight() -> None:
    w = np.array([50.0, 20.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5])
    c = threshold(w, 4)  # 50 and 20 are above it
    for seed in range(50):
        idx, lw = select(np.log(w), 4, np.random.default_rng(seed))
        got = dict(zip(idx.tolist(), np.exp(lw).tolist(), strict=True))
        assert math.isclose(got[0], 50.0) and math.isclose(got[1], 20.0)
        for j in set(got) - {0, 1}:
            assert math.isclose(got[j], c, rel_tol=1e-9)


@pytest.mark.parametrize("scale", [0.0, -800.0, 700.0])
def test_inclusion_frequencies_and_unbiased_weights(scale: float) -> None:
    """Over many draws each candidate is kept with frequency min(1, w/c),
    and the mean of its weight when kept (0 otherwise) is w: within 5
    standard errors, on weights far from 1 too (`scale`: log space)."""
    rng = np.random.default_rng(1)
    w = np.exp(rng.normal(0, 1.5, 40))
    n = 7
    c = threshold(w, n)
    p = np.minimum(1.0, w / c)
    trials = 20_000
    kept = np.zeros(w.size)
    total = np.zeros(w.size)
    for _ in range(trials):
        idx, lw = select(np.log(w) + scale, n, rng)
        kept[idx] += 1
        total[idx] += np.exp(lw - scale)
    se_p = np.sqrt(p * (1 - p) / trials) + 1e-12
    assert (np.abs(kept / trials - p) <= 5 * se_p + 1e-9).all()
    # The weight estimate: c with probability p (w < c), so variance w(c - w).
    se_w = np.sqrt(np.maximum(w * (c - w), 0) / trials) + 1e-12
    assert (np.abs(total / trials - w) <= 5 * se_w + 1e-9).all()


def test_the_estimate_of_a_sum_is_unbiased_and_beats_multinomial() -> None:
    """The selected weights estimate the mass of any subset; their spread is
    below that of N multinomial draws with weights sum/N."""
    rng = np.random.default_rng(2)
    w = np.exp(rng.normal(0, 2, 200))
    subset = rng.random(200) < 0.25
    truth = w[subset].sum()
    n = 16
    ests, multi = [], []
    for _ in range(5000):
        idx, lw = select(np.log(w), n, rng)
        ests.append(np.exp(lw)[subset[idx]].sum())
        draws = rng.choice(200, n, p=w / w.sum())
        multi.append(w.sum() / n * subset[draws].sum())
    ests_a = np.array(ests)
    assert abs(ests_a.mean() - truth) < 5 * ests_a.std() / math.sqrt(len(ests))
    assert ests_a.std() < np.std(multi)


def test_all_weight_zero_but_a_few() -> None:
    logw = np.full(1000, -np.inf)
    logw[[3, 500]] = [-1e5, -1e5 + 1]
    idx, lw = select(logw, 1, np.random.default_rng(0))
    assert idx.tolist()[0] in (3, 500) and math.isfinite(lw[0])
    assert lw[0] >= -1e5 + 1
