"""maskbench's measurements: the walk (mask time along valid instances), the compile
part's timing, the apply part (masking CPU logits), and their Markdown tables.
"""

from __future__ import annotations

import gc
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from maskbench_engines import Engine
from maskbench_inputs import Instance, allowed, clock

APPLY_VOCAB = 131072


# --------------------------------------------------------------------------- walk


@dataclass
class WalkStats:
    times_ns: list[int] = field(default_factory=list)
    walked: int = 0  # instances started
    accepted: int = 0  # instances walked to an allowed EOS
    rejects: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> instances
    # per instance, in order: "accepted", "skipped" or where it stopped ("token 3", "EOS", ...)
    verdicts: list[str] = field(default_factory=list)


def walk_one(eng: Engine, inst: Instance, tokens: list[int], st: WalkStats) -> str:
    """Walks one instance: time each mask, check the token is allowed, consume it.
    Returns the verdict: "accepted", "skipped" or where the engine stopped."""
    try:
        m = eng.matcher(inst)
    except Exception as e:
        m = f"matcher failed: {type(e).__name__}: {e}"
    if isinstance(m, str):
        st.skipped[m] = st.skipped.get(m, 0) + 1
        return "skipped"
    st.walked += 1
    row = eng.bm[0].view(np.uint32)
    fill, consume, times = eng.fill, eng.consume, st.times_ns
    eos = eng.tok.eos[0]
    where = f"{inst.schema_id}: {inst.text[:50]!r}"
    try:
        for i, t in enumerate([*tokens, eos]):
            row.fill(0)  # untimed: a stale bit cannot pass the check below
            t0 = clock()
            fill(m)
            times.append(clock() - t0)
            if not allowed(row, t):
                if i == len(tokens):
                    what = "EOS masked out at the end"
                else:  # does consume (which ends this walk) disagree with the mask?
                    took = "accepts" if consume(m, t) else "refuses"
                    what = f"token {i} masked out (consume {took} it)"
                st.rejects.append(f"{where} {what} (id {t})")
                return "EOS masked out" if i == len(tokens) else f"token {i} masked out"
            if i < len(tokens) and not consume(m, t):
                st.rejects.append(f"{where} token {i} (id {t}) allowed by the mask but refused")
                return f"token {i} refused by consume"
    except Exception as e:
        st.rejects.append(f"{where} raised {type(e).__name__}: {e}")
        return f"raised {type(e).__name__}"
    st.accepted += 1
    return "accepted"


def run_walk(engines: list[Engine], insts: list[Instance]) -> dict[str, WalkStats]:
    """Every engine walks every instance; engines take turns instance by instance."""
    stats = {e.name: WalkStats() for e in engines}
    hf = engines[0].tok.hf
    for inst in insts:
        tokens = hf.encode(inst.text, add_special_tokens=False).ids
        gc.collect()
        gc.disable()
        try:
            for eng in engines:
                st = stats[eng.name]
                st.verdicts.append(walk_one(eng, inst, tokens, st))
        finally:
            gc.enable()
    return stats


def pct(xs: list[int], q: float) -> float:
    return float(np.percentile(np.asarray(xs, dtype=np.float64), q)) / 1e3


def render_walk(rows: list[tuple[str, str, WalkStats]]) -> str:
    lines = [
        "| tokenizer | engine | instances accepted / walked | masks timed | p50 µs | p99 µs "
        "| max µs | mean µs | p50 ÷ corral | p99 ÷ corral | false rejects |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    base = {
        tk: (pct(st.times_ns, 50), pct(st.times_ns, 99))
        for tk, name, st in rows
        if name == "corral" and st.times_ns
    }
    for tk, name, st in rows:
        if not st.times_ns:
            lines.append(f"| {tk} | {name} | 0 / {st.walked} | 0 | - | - | - | - | - | - | - |")
            continue
        p50, p99 = pct(st.times_ns, 50), pct(st.times_ns, 99)
        b = base.get(tk)
        r50 = f"{p50 / b[0]:.2f}x" if b and name != "corral" else "-"
        r99 = f"{p99 / b[1]:.2f}x" if b and name != "corral" else "-"
        mean = sum(st.times_ns) / len(st.times_ns) / 1e3
        lines.append(
            f"| {tk} | {name} | {st.accepted} / {st.walked} | {len(st.times_ns)} | {p50:.1f} "
            f"| {p99:.1f} | {max(st.times_ns) / 1e3:.0f} | {mean:.1f} | {r50} | {r99} "
            f"| {len(st.rejects)} |"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- compile


def median_ms(fn: Callable[[], None], repeats: int, budget_s: float) -> tuple[float, float, int]:
    """(median ms, min ms, runs): up to `repeats` runs, fewer once `budget_s` is spent."""
    runs: list[float] = []
    start = clock()
    while len(runs) < repeats and (not runs or clock() - start < budget_s * 1e9):
        gc.collect()
        gc.disable()
        try:
            t0 = clock()
            fn()
            runs.append((clock() - t0) / 1e6)
        finally:
            gc.enable()
    return statistics.median(runs), min(runs), len(runs)


def render_compile(rows: list[tuple[str, Engine, str]]) -> str:
    lines = [
        "| tokenizer | engine | grammar | vocabulary load ms | compile + first mask ms "
        "(median) | min ms | runs |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for tk, eng, cell in rows:
        load = "-" if eng.load_ms is None else f"{eng.load_ms:.0f}"
        lines.append(f"| {tk} | {eng.name} | {eng.grammar_note} | {load} | {cell} |")
    return "\n".join(lines)


# --------------------------------------------------------------------------- apply


def time_calls(
    calls: dict[str, Callable[[Any], object]], orig: Any, ref: Any, iters: int, notes: list[str]
) -> dict[str, float]:
    """Median µs per call for each way of masking; each result is checked against `ref`."""
    import torch

    us: dict[str, float] = {}
    for name, call in calls.items():
        lg = orig.clone()
        try:
            call(lg)
        except Exception as e:
            notes.append(f"{name} raised {type(e).__name__}: {e}")
            continue
        if not torch.equal(lg, ref):
            notes.append(f"{name}: masked logits differ from torch masked_fill_")
        ts = []
        gc.disable()
        try:
            for _ in range(iters):
                lg.copy_(orig)  # untimed: every call masks fresh logits
                t0 = clock()
                call(lg)
                ts.append(clock() - t0)
        finally:
            gc.enable()
        us[name] = statistics.median(ts) / 1e3
    return us


def run_apply(corral: Any, xg: Any, iters: int, notes: list[str]) -> str:
    """Masking CPU logits in place: corral vs xgrammar vs torch masked_fill_ (µs, median)."""
    import torch

    torch.set_num_threads(1)
    rng = np.random.default_rng(20251125)
    lines = [
        "| dtype | batch | corral.apply_mask µs | xgrammar µs | torch masked_fill_ µs "
        "| corral ÷ xgrammar | corral ÷ torch |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for dtype_name in ("float32", "bfloat16"):
        for batch in (1, 16):
            bits = rng.integers(0, 2**32, size=(batch, APPLY_VOCAB // 32), dtype=np.uint32)
            bitmask = bits.view(np.int32)  # ~50% of the tokens allowed, independently per row
            bm_t = torch.from_numpy(bitmask)  # the same memory, for xgrammar
            unpacked = np.unpackbits(bits.view(np.uint8), bitorder="little").reshape(batch, -1)
            disallowed = torch.from_numpy(unpacked == 0)  # prepared once, outside the timing
            gen = torch.Generator().manual_seed(batch)
            orig = torch.randn(batch, APPLY_VOCAB, generator=gen).to(getattr(torch, dtype_name))
            ref = orig.clone().masked_fill_(disallowed, float("-inf"))
            calls: dict[str, Callable[[Any], object]] = {}
            if corral is not None:
                calls["corral"] = partial(corral.apply_mask, bitmask=bitmask)
            if xg is not None:
                calls["xgrammar"] = partial(xg.apply_token_bitmask_inplace, bitmask=bm_t)
            inf = float("-inf")
            calls["torch"] = partial(torch.Tensor.masked_fill_, mask=disallowed, value=inf)
            where: list[str] = []
            us = time_calls(calls, orig, ref, iters, where)
            notes += [f"apply {dtype_name} batch {batch}: {w}" for w in where]
            cells = [f"{us[k]:.1f}" if k in us else "-" for k in ("corral", "xgrammar", "torch")]
            ratios = [
                f"{us['corral'] / us[k]:.2f}" if "corral" in us and k in us else "-"
                for k in ("xgrammar", "torch")
            ]
            lines.append(f"| {dtype_name} | {batch} | {' | '.join(cells + ratios)} |")
    return "\n".join(lines)
