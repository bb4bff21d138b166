"""Statistics for the sampler tests: Pearson's chi-square test of counts
against a distribution, with the p-value from the regularised upper
incomplete gamma function (no scipy needed)."""

from __future__ import annotations

import math
from collections.abc import Mapping


def _gamma_q(a: float, x: float) -> float:
    """The regularised upper incomplete gamma function Q(a, x)."""
    if x <= 0:
        return 1.0
    if x < a + 1:
        # Series for P(a, x).
        term = total = 1.0 / a
        n = a
        for _ in range(10_000):
            n += 1
            term *= x / n
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1.0 - total * math.exp(-x + a * math.log(x) - math.lgamma(a)))
    # Continued fraction for Q(a, x) (modified Lentz).
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h


def chi2_sf(x: float, dof: int) -> float:
    """P(X >= x) for X chi-square with `dof` degrees of freedom."""
    return _gamma_q(dof / 2, x / 2)


def chi2_test(counts: Mapping[int, int], probs: Mapping[int, float]) -> tuple[float, int, float]:
    """Pearson's test of `counts` (draws per outcome) against `probs` (a
    distribution over outcomes). Outcomes expected fewer than 5 times are
    pooled into one cell. Returns (statistic, degrees of freedom, p-value).
    A draw outside the support of `probs` gives p = 0."""
    n = sum(counts.values())
    if any(probs.get(k, 0.0) <= 0.0 for k in counts):
        return math.inf, 0, 0.0
    cells: list[tuple[float, int]] = []
    pooled_e, pooled_o = 0.0, 0
    for k, p in probs.items():
        e = n * p
        if e >= 5:
            cells.append((e, counts.get(k, 0)))
        else:
            pooled_e += e
            pooled_o += counts.get(k, 0)
    if pooled_e > 0:
        cells.append((pooled_e, pooled_o))
    if len(cells) < 2:
        return 0.0, 0, 1.0
    stat = sum((o - e) ** 2 / e for e, o in cells)
    dof = len(cells) - 1
    return stat, dof, chi2_sf(stat, dof)
