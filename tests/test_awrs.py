"""AWRS (`corral.awrs`): its draws are the masked softmax, its weights
estimate the valid mass without bias, and `max_rejects` hands over to the
mask exactly.

References: the valid tokens by brute force (`try_consume` on every
token); the distribution after temperature, top-k and top-p recomputed
here with numpy; Pearson's chi-square test (p > 0.001 each, fixed seeds);
the weights' mean against the exact mass within 4.5 standard errors.
States: the demo model's own logits at prefixes of the shipped JSON
grammar and of dev schemas, at three temperatures; and adversarial logits
(the invalid tokens pushed up) on the shipped SQL and arithmetic grammars,
where most draws are rejected and many fall back to the mask.
"""

from __future__ import annotations

import functools
import json
import math
import random
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import corral  # noqa: E402
from corral.sampling import _awrs  # noqa: E402
from stats import chi2_test  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "models/demo"
DEV = ROOT / "tests/data/jsonschemabench-dev"


@functools.cache
def demo() -> tuple[Any, Any, corral.Vocabulary]:
    tok = transformers.AutoTokenizer.from_pretrained(DEMO)
    model = transformers.AutoModelForCausalLM.from_pretrained(DEMO).float().eval()
    return model, tok, corral.Vocabulary.from_hf(tok, vocab_size=model.config.vocab_size)


@functools.cache
def compiled(kind: str, name: str) -> corral.CompiledGrammar:
    _, _, vocab = demo()
    if kind == "lark":
        g = corral.Grammar.from_lark((ROOT / "grammars" / f"{name}.lark").read_text())
    else:
        g = corral.Grammar.from_json_schema((DEV / name).read_text())
    return corral.compile(g, vocab)


def state(kind: str, name: str, prompt: str, prefix: str) -> tuple[corral.Matcher, np.ndarray]:
    """A matcher after `prefix`, and the demo model's logits there."""
    model, tok, _ = demo()
    m = compiled(kind, name).matcher()
    ids = tok(prefix, add_special_tokens=False).input_ids if prefix else []
    assert m.consume_tokens(ids) == len(ids)
    full = tok(prompt, return_tensors="pt").input_ids
    if ids:
        full = torch.cat([full, torch.tensor([ids])], dim=1)
    with torch.no_grad():
        logits = model(full).logits[0, -1].float().numpy().copy()
    return m, logits


def valid_tokens(m: corral.Matcher, width: int) -> np.ndarray:
    return np.array([m.try_consume(t) for t in range(width)], dtype=bool)


def shaped(
    logits: np.ndarray, temperature: float, top_k: int = 0, top_p: float = 1.0
) -> np.ndarray:
    """The distribution after temperature, top-k and top-p (float64)."""
    x = logits.astype(np.float64) / temperature
    if 0 < top_k < len(x):
        kth = np.sort(x)[-top_k]
        x = np.where(x < kth, -np.inf, x)
    p = np.exp(x - x.max())
    p /= p.sum()
    if top_p < 1.0:
        order = np.argsort(-p, kind="stable")
        before = np.cumsum(p[order]) - p[order]
        keep = np.zeros(len(p), dtype=bool)
        keep[order[before <= top_p]] = True
        p = np.where(keep, p, 0.0)
        p /= p.sum()
    return p


def run(
    m: corral.Matcher, logits: Any, n: int, seed: int, **kw: Any
) -> tuple[Counter[int], np.ndarray, int, int]:
    """n draws: counts per token, weights, total checks, fallbacks."""
    if kw.pop("cuda", False):
        gen: Any = torch.Generator(device="cuda").manual_seed(seed)
    elif kw.get("device_path"):
        gen = torch.Generator().manual_seed(seed)
    else:
        gen = random.Random(seed)
    counts: Counter[int] = Counter()
    weights = np.empty(n)
    checks = fallbacks = 0
    for i in range(n):
        tok, lw, c, fb = _awrs(logits, m, generator=gen, **kw)
        counts[tok] += 1
        weights[i] = math.exp(lw)
        checks += c
        fallbacks += fb
    return counts, weights, checks, fallbacks


def assert_exact(
    m: corral.Matcher,
    logits: np.ndarray,
    n: int,
    seed: int,
    *,
    temperature: float = 1.0,
    top_k: int = 0,
    top_p: float = 1.0,
    check: Any = None,
    heavy_tailed: bool = False,
    **kw: Any,
) -> tuple[float, int]:
    """Draws match the masked distribution and the weights' mean its mass.
    Returns (mean checks per draw, fallbacks)."""
    valid = valid_tokens(m, len(logits))
    if check is not None:
        out = m.output()
        vocab = demo()[2]
        eos = set(vocab.eos_token_ids)
        for t in np.flatnonzero(valid):
            piece = b"" if t in eos else vocab.token_bytes(int(t))
            valid[t] = check(out + piece, t in eos)
    p = shaped(logits, temperature, top_k, top_p)
    z = p[valid].sum()
    q = {int(t): p[t] / z for t in np.flatnonzero(valid & (p > 0))}
    depth = m.depth()
    draw = kw.pop("draw", None)
    counts, w, checks, fallbacks = run(
        m,
        logits if draw is None else draw,
        n,
        seed,
        temperature=temperature,
        top_k=top_k,
        top_p=top_p,
        check=check,
        **kw,
    )
    assert m.depth() == depth
    stat, dof, pval = chi2_test(counts, q)
    assert pval > 1e-3, (stat, dof, pval, counts.most_common(5))
    se = w.std() / math.sqrt(n)
    if heavy_tailed:
        # Where most of the mass is invalid, a weight is rarely large
        # (the mass left after the rejections): the sample's spread
        # understates the true one, bounded by z(1 - z) for a weight in
        # [0, 1]. (`test_weights_are_unbiased_on_a_small_vocabulary`
        # tests this case sharply with many more draws.)
        se = max(se, math.sqrt(z * (1 - z) / n))
    elif len(np.unique(w)) < 5:
        # The invalid mass is too small for a rejection to show in n draws:
        # the sample says nothing of the spread; a weight lies in [0, 1],
        # so its variance is at most z(1 - z).
        se = math.sqrt(z * (1 - z) / n)
    # Float32 weights: a relative 1e-6 on top of the sampling error.
    assert abs(w.mean() - z) <= 4.5 * se + 1e-6 * z, (w.mean(), z, se)
    return checks / n, fallbacks


JSON_STATES = [
    ("lark", "json", "JSON for a person:\n", '{"name": "Ann", "age": '),
    ("lark", "json", "JSON for a person:\n", '{"name": "A'),
    ("lark", "json", "JSON for a list:\n", ""),
]


@pytest.mark.parametrize("temperature", [0.7, 1.0, 1.6])
@pytest.mark.parametrize("where", range(len(JSON_STATES)))
def test_draws_are_the_masked_softmax_on_model_logits(where: int, temperature: float) -> None:
    m, logits = state(*JSON_STATES[where])
    assert_exact(m, logits, 1500, seed=where * 10 + int(temperature * 10), temperature=temperature)


def dev_schema_states() -> list[tuple[str, str, str, str]]:
    names = sorted(p.name for p in DEV.glob("*.json"))[::60][:5]
    out = []
    for name in names:
        schema = json.loads((DEV / name).read_text())
        title = schema.get("title") if isinstance(schema, dict) else None
        out.append(("schema", name, f"JSON for {title or 'a document'}:\n", ""))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("where", dev_schema_states(), ids=lambda s: s[1])
@pytest.mark.parametrize("estimator", ["recursive", "geometric"])
def test_dev_schemas_both_estimators(where: tuple[str, str, str, str], estimator: str) -> None:
    m, logits = state(*where)
    # One step into the instance too, where the schema's keys decide.
    assert_exact(m, logits, 1000, seed=7, estimator=estimator, accepts=3)
    model, tok, _ = demo()
    first = int(np.argmax(np.where(valid_tokens(m, len(logits)), logits, -np.inf)))
    assert m.consume(first)
    ids = tok(where[2], return_tensors="pt").input_ids
    with torch.no_grad():
        logits2 = (
            model(torch.cat([ids, torch.tensor([[first]])], dim=1)).logits[0, -1].numpy().copy()
        )
    assert_exact(m, logits2, 1000, seed=8, estimator=estimator, accepts=3)


def adversarial(m: corral.Matcher, width: int, seed: int, push: float) -> np.ndarray:
    """Random logits with every invalid token pushed up by `push`."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=width).astype(np.float32) * 2
    logits[~valid_tokens(m, width)] += push
    return logits


@pytest.mark.slow
@pytest.mark.parametrize(
    "grammar,prefix", [("sql", "SELECT a FROM t WHERE "), ("arith", "1 + (2 * ")]
)
@pytest.mark.parametrize("estimator", ["recursive", "geometric"])
@pytest.mark.parametrize("device_path", [False, True])
def test_adversarial_logits_fall_back_exactly(
    grammar: str, prefix: str, estimator: str, device_path: bool
) -> None:
    """The device path (a GPU's, run here on CPU tensors) too."""
    _, tok, _ = demo()
    m = compiled("lark", grammar).matcher()
    ids = tok(prefix, add_special_tokens=False).input_ids
    assert m.consume_tokens(ids) == len(ids)
    logits = adversarial(m, 32768, seed=len(prefix), push=9.0)
    _, fallbacks = assert_exact(
        m,
        logits,
        1000,
        seed=3,
        estimator=estimator,
        max_rejects=8,
        heavy_tailed=True,
        device_path=device_path,
        draw=torch.from_numpy(logits) if device_path else None,
    )
    # Most valid mass is below the invalid tokens: the mask decides often.
    assert fallbacks > 100


@pytest.mark.parametrize("top_k,top_p", [(40, 1.0), (0, 0.9), (20, 0.8)])
def test_top_k_and_top_p(top_k: int, top_p: float) -> None:
    m, logits = state(*JSON_STATES[1])
    assert_exact(m, logits, 1500, seed=top_k, temperature=1.2, top_k=top_k, top_p=top_p)


def test_max_rejects_zero_is_the_mask() -> None:
    m, logits = state(*JSON_STATES[0])
    p = shaped(logits, 1.0)
    z = p[valid_tokens(m, len(logits))].sum()
    for seed in range(20):
        tok, lw, checks, fell_back = _awrs(logits, m, generator=random.Random(seed), max_rejects=0)
        assert fell_back and checks == 0 and m.try_consume(tok)
        assert lw == pytest.approx(math.log(z), abs=1e-6)
    # And with the geometric estimator the weights stay unbiased.
    assert_exact(m, logits, 1000, seed=11, max_rejects=0, estimator="geometric")


def test_model_that_complies_needs_few_checks() -> None:
    m, logits = state(*JSON_STATES[0])
    mean_checks, fallbacks = assert_exact(m, logits, 1000, seed=1)
    assert mean_checks <= 3 and fallbacks == 0


def test_python_check_is_exact() -> None:
    """A check that refuses every digit 7 in the output: AWRS samples the
    model restricted to grammar and check, exactly."""
    m, logits = state(*JSON_STATES[0])
    seen: list[tuple[bytes, bool]] = []

    def no_seven(prefix: bytes, complete: bool) -> bool:
        seen.append((prefix, complete))
        return b"7" not in prefix

    assert_exact(m, logits, 1000, seed=2, check=no_seven)
    out = m.output()
    assert out.endswith(b'"age": ')
    assert seen and all(p.startswith(out) and not c for p, c in seen)


def test_check_errors_propagate_and_bad_arguments_are_refused() -> None:
    m, logits = state(*JSON_STATES[0])

    def boom(prefix: bytes, complete: bool) -> bool:
        raise ZeroDivisionError("boom")

    with pytest.raises(ZeroDivisionError):
        corral.awrs(logits, m, check=boom)
    with pytest.raises(ValueError, match="temperature"):
        corral.awrs(logits, m, temperature=0)
    with pytest.raises(ValueError, match="top_p"):
        corral.awrs(logits, m, top_p=0)
    with pytest.raises(ValueError, match="estimator"):
        corral.awrs(logits, m, estimator="median")
    with pytest.raises(ValueError, match="accepts"):
        corral.awrs(logits, m, estimator="geometric", accepts=1)
    bad = logits.copy()
    bad[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        corral.awrs(bad, m)
    with pytest.raises(ValueError, match="one row"):
        corral.awrs(np.stack([logits, logits]), m)
    with pytest.raises(TypeError):
        corral.awrs(logits, m, generator=3)


def test_no_valid_token_raises() -> None:
    _, _, vocab = demo()
    cg = corral.compile(corral.Grammar.from_lark('start: "a"\n'), vocab)
    m = cg.matcher()
    assert m.consume(cg.vocab.eos_token_ids[0]) is False  # not complete yet
    m.rollback(1)
    a = next(t for t in range(vocab.vocab_size) if vocab.token_bytes(t) == b"a")
    assert m.consume(a) and m.consume(cg.vocab.eos_token_ids[0])
    logits = np.zeros(vocab.vocab_size, dtype=np.float32)
    with pytest.raises(corral.CorralError, match="no token"):
        corral.awrs(logits, m)


def test_torch_and_numpy_logits_agree() -> None:
    m, logits = state(*JSON_STATES[1])
    a = corral.awrs(logits, m, generator=random.Random(5))
    b = corral.awrs(torch.from_numpy(logits).half(), m, generator=random.Random(5))
    c = corral.awrs(torch.from_numpy(logits)[None, :], m, generator=random.Random(5))
    assert a[0] == c[0]
    assert m.try_consume(b[0])


@pytest.mark.parametrize("estimator", ["recursive", "geometric"])
@pytest.mark.parametrize("max_rejects", [0, 1, 3, 100])
@pytest.mark.parametrize("device_path", [False, True])
def test_weights_are_unbiased_on_a_small_vocabulary(
    estimator: str, max_rejects: int, device_path: bool
) -> None:
    """Most of the mass on invalid tokens (the valid mass is 0.14: not so
    small that a large weight is too rare to show), 20,000 draws (5,000 on
    the slower device path): the
    weights' mean is the valid mass within 4.5 standard errors, whatever
    the bound on rejections."""
    toks = [b"a", b"b", b"ab", b"ba", b"c", b"aa", b"bb", b"abc", b"</s>"]
    vocab = corral.Vocabulary.from_bytes(toks, eos_token_id=8)
    m = corral.compile(corral.Grammar.from_lark('start: ("a"|"b")+ "c"\n'), vocab).matcher()
    logits = (np.random.default_rng(0).normal(size=9) * 2).astype(np.float32)
    logits[[4, 8]] += [6, 5]
    logits[0] -= 3
    draw = torch.from_numpy(logits) if device_path else None
    assert_exact(
        m,
        logits,
        5_000 if device_path else 20_000,
        seed=max_rejects,
        estimator=estimator,
        accepts=2,
        max_rejects=max_rejects,
        device_path=device_path,
        draw=draw,
    )
