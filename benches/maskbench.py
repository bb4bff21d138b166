"""Token-mask time along valid JSON: corral vs llguidance, xgrammar and outlines-core.

    python benches/maskbench.py              # default: 100 instances, llama3 + qwen3 + o200k
    python benches/maskbench.py --quick      # smoke run: 4 instances, llama3, few repeats

Three parts, all single-threaded, every engine on the same inputs in the same run:

- walk: valid instances of the JSONSchemaBench dev sample (tests/data/jsonschemabench-dev),
  each tokenized canonically by the tokenizer's own ``tokenizers`` implementation (no
  special tokens), walked token by token under a generic JSON grammar. At every step each
  engine fills the next-token bitmask (timed, per call), the bench checks that the token
  is allowed, then the engine consumes it; after the last token EOS must be allowed.
  Reported: per-mask time p50 / p99 / max per engine and tokenizer, and false rejects.
- compile: grammar to first filled mask, per engine and tokenizer (median of N), with the
  engine's tokenizer / vocabulary load time (once) in its own column.
- apply: setting disallowed logits to -inf on CPU, vocab 131072, batch 1 and 16, float32
  and bfloat16: ``corral.apply_mask`` vs ``xgrammar.apply_token_bitmask_inplace`` vs torch
  ``masked_fill_`` with a bool mask prepared beforehand.

Engines and grammars (README.md, section ``benches/maskbench.py``, has the details):

- corral: ``grammars/json.lark``; ``corral.compile(grammar, vocab)``, ``cg.matcher()``,
  ``m.fill_mask(bitmask)``, ``m.consume(token)``.
- llguidance: JSON schema ``{}`` (its native generic JSON); ``LLTokenizer`` on the
  tokenizer.json text, ``LLMatcher``, ``llguidance.numpy.fill_next_token_bitmask``,
  ``consume_token``. ``--llg-grammar json-lark`` uses ``grammars/json.lark`` instead.
- xgrammar: ``GrammarCompiler.compile_builtin_json_grammar()`` (max_threads=1, no cache),
  ``TokenizerInfo.from_huggingface`` on a ``PreTrainedTokenizerFast`` made from the
  tokenizer.json; ``GrammarMatcher.fill_next_token_bitmask``, ``accept_token``.
- outlines-core: a regex Index cannot hold recursive JSON, so each instance is walked under
  its own schema (``build_regex_from_schema`` + ``Index``, built untimed, cached per
  schema, within ``--outlines-budget`` seconds of building per tokenizer);
  ``Guide.write_mask_into``, ``Guide.advance``.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import os
import platform
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TOKENIZERS = ROOT / "tests" / "data" / "tokenizers"
DEV = ROOT / "tests" / "data" / "jsonschemabench-dev"
JSON_LARK = ROOT / "grammars" / "json.lark"
ENGINES = ["corral", "llguidance", "xgrammar", "outlines-core"]
PARTS = ["walk", "compile", "apply"]
APPLY_VOCAB = 131072
clock = time.perf_counter_ns


# --------------------------------------------------------------------------- inputs


@dataclass
class Instance:
    schema_id: str  # the dev sample file, without .json
    schema: Any
    text: str  # json.dumps(data, ensure_ascii=False), as tests/test_no_false_rejects.py


def load_instances() -> list[Instance]:
    """Every valid instance of the dev sample, in file-name order."""
    out = []
    for f in sorted(DEV.glob("*.json")):
        if f.name == "index.json":
            continue
        d = json.loads(f.read_text(encoding="utf-8"))
        for t in d["tests"]:
            if t["valid"]:
                out.append(Instance(f.stem, d["schema"], json.dumps(t["data"], ensure_ascii=False)))
    return out


def spread(items: list[Instance], n: int) -> list[Instance]:
    """n items evenly spaced over the list (all of it when n >= len), so every category shows."""
    if n >= len(items):
        return items
    return [items[i * len(items) // n] for i in range(n)]


@dataclass
class Tok:
    """One tokenizer: corral's vocabulary (token bytes, EOS, logits width) and HF's encoder."""

    name: str
    dir: Path
    vocab: Any  # corral.Vocabulary, or None when corral cannot be imported
    hf: Any  # tokenizers.Tokenizer
    vocab_size: int
    eos: list[int]
    corral_load_ms: float | None = None

    @property
    def json_path(self) -> Path:
        return self.dir / "tokenizer.json"


def load_tok(name: str, corral: Any) -> Tok:
    from tokenizers import Tokenizer

    d = TOKENIZERS / name
    hf = Tokenizer.from_file(str(d / "tokenizer.json"))
    if corral is None:  # no corral: width and EOS from the tokenizer alone
        cfg = json.loads((d / "tokenizer_config.json").read_text(encoding="utf-8"))
        eos = hf.token_to_id(cfg.get("eos_token") or "")
        return Tok(name, d, None, hf, hf.get_vocab_size(), [] if eos is None else [eos])
    t0 = clock()
    vocab = corral.Vocabulary.from_file(d)
    vocab.trie_node_count  # builds the token trie, a per-vocabulary cost
    ms = (clock() - t0) / 1e6
    return Tok(name, d, vocab, hf, vocab.vocab_size, vocab.eos_token_ids, ms)


def allowed(row: np.ndarray, tok: int) -> bool:
    """Whether token `tok` is set in a uint32 view of one bitmask row."""
    return bool((int(row[tok >> 5]) >> (tok & 31)) & 1)


# --------------------------------------------------------------------------- engines


class Engine:
    """One engine bound to one tokenizer.

    `load` makes the engine's tokenizer/vocabulary (timed once, its own column),
    `compile_first_mask` compiles the generic grammar from scratch and fills one mask
    (the compile part), `matcher` gives a matcher for an instance in the walk (or a
    reason string when the engine cannot run that instance), `fill` writes the next-token
    mask into `self.bm` and `consume` advances by one token.
    """

    name = "?"
    grammar_note = ""

    def __init__(self, tok: Tok) -> None:
        self.tok = tok
        self.bm = np.zeros((1, (tok.vocab_size + 31) // 32), dtype=np.int32)
        self.load_ms: float | None = None
        self.notes: list[str] = []

    def load(self) -> None:
        raise NotImplementedError

    def compile_first_mask(self) -> None:
        raise NotImplementedError

    def matcher(self, inst: Instance) -> Any:
        raise NotImplementedError

    def fill(self, m: Any) -> None:
        raise NotImplementedError

    def consume(self, m: Any, token: int) -> bool:
        raise NotImplementedError


class Corral(Engine):
    name = "corral"
    grammar_note = "`grammars/json.lark`"

    def __init__(self, tok: Tok, mod: Any) -> None:
        super().__init__(tok)
        self.corral = mod
        self.text = JSON_LARK.read_text(encoding="utf-8")
        self.cg: Any = None

    def load(self) -> None:
        self.load_ms = self.tok.corral_load_ms  # Vocabulary.from_file + trie, in load_tok

    def compile_first_mask(self) -> None:
        # CompiledGrammar directly: corral.compile() would return its cached result.
        c = self.corral
        cg = c.CompiledGrammar(c.Grammar.from_lark(self.text), self.tok.vocab)
        cg.matcher().fill_mask(self.bm)

    def matcher(self, inst: Instance) -> Any:
        if self.cg is None:
            self.cg = self.corral.compile(self.corral.Grammar.from_file(JSON_LARK), self.tok.vocab)
        return self.cg.matcher()

    def fill(self, m: Any) -> None:
        m.fill_mask(self.bm)

    def consume(self, m: Any, token: int) -> bool:
        return bool(m.consume(token))


INITIAL_SKIP = '%llguidance {"allow_initial_skip": true}\n'


def llg_json_lark() -> str:
    """grammars/json.lark with the two whitespace fixes of benches/README.md (same language)."""
    src = JSON_LARK.read_text(encoding="utf-8").replace("?start: value", "?llg_start: value")
    return (
        INITIAL_SKIP
        + src
        + "\nstart: llg_start LLG_TRAILING_IGNORED?\nLLG_TRAILING_IGNORED: (WS)+\n"
    )


class Llguidance(Engine):
    name = "llguidance"

    def __init__(self, tok: Tok, mod: Any, grammar: str) -> None:
        super().__init__(tok)
        import llguidance.numpy

        self.llg = mod
        self.fill_np = llguidance.numpy.fill_next_token_bitmask
        self.kind = grammar
        if grammar == "json-lark":
            self.grammar_note = "`grammars/json.lark` + whitespace fixes"
        else:
            self.grammar_note = "JSON schema `{}`"
        self.lltok: Any = None
        self.proto: Any = None

    def load(self) -> None:
        t0 = clock()
        self.lltok = self.llg.LLTokenizer(
            self.tok.json_path.read_text(encoding="utf-8"),
            n_vocab=self.tok.vocab_size,
            eos_token=self.tok.eos,
        )
        self.load_ms = (clock() - t0) / 1e6

    def _grammar(self) -> Any:
        M = self.llg.LLMatcher
        if self.kind == "json-lark":
            return M.grammar_from_lark(llg_json_lark())
        return M.grammar_from_json_schema({})

    def _new(self) -> Any:
        m = self.llg.LLMatcher(self.lltok, self._grammar(), log_level=0)
        if m.is_error():
            raise RuntimeError(m.get_error())
        return m

    def compile_first_mask(self) -> None:
        self.fill(self._new())

    def matcher(self, inst: Instance) -> Any:
        if self.proto is None:
            self.proto = self._new()
        return self.proto.deep_copy()

    def fill(self, m: Any) -> None:
        self.fill_np(m, self.bm)

    def consume(self, m: Any, token: int) -> bool:
        return bool(m.consume_token(token))


class Xgrammar(Engine):
    name = "xgrammar"
    grammar_note = "builtin JSON grammar"

    def __init__(self, tok: Tok, mod: Any) -> None:
        super().__init__(tok)
        self.xg = mod
        self.compiler: Any = None
        self.compiled: Any = None

    def load(self) -> None:
        import transformers

        transformers.logging.set_verbosity_error()
        t0 = clock()
        hf = transformers.PreTrainedTokenizerFast(tokenizer_file=str(self.tok.json_path))
        info = self.xg.TokenizerInfo.from_huggingface(
            hf, vocab_size=self.tok.vocab_size, stop_token_ids=self.tok.eos
        )
        self.compiler = self.xg.GrammarCompiler(info, max_threads=1, cache_enabled=False)
        self.load_ms = (clock() - t0) / 1e6

    def compile_first_mask(self) -> None:
        m = self.xg.GrammarMatcher(self.compiler.compile_builtin_json_grammar())
        m.fill_next_token_bitmask(self.bm)

    def matcher(self, inst: Instance) -> Any:
        if self.compiled is None:
            self.compiled = self.compiler.compile_builtin_json_grammar()
        return self.xg.GrammarMatcher(self.compiled)

    def fill(self, m: Any) -> None:
        m.fill_next_token_bitmask(self.bm)

    def consume(self, m: Any, token: int) -> bool:
        return bool(m.accept_token(token))


class OutlinesCore(Engine):
    name = "outlines-core"
    grammar_note = "compile: schema `{}` regex; walk: each instance's own schema"

    def __init__(self, tok: Tok, mod: Any, budget_s: float) -> None:
        super().__init__(tok)
        from outlines_core.json_schema import build_regex_from_schema

        self.oc = mod
        self.to_regex = build_regex_from_schema
        self.budget_ns = budget_s * 1e9
        self.spent_ns = 0
        self.index: dict[str, Any] = {}  # schema id -> Index, or why there is none
        self.build_ms: list[float] = []
        self.vocab: Any = None
        self.ptr = self.bm.ctypes.data

    def load(self) -> None:
        # Token bytes come from corral's vocabulary (decoding tokenizer.json is not timed).
        tokens = self.tok.vocab.all_token_bytes()
        t0 = clock()
        by_bytes: dict[bytes, list[int]] = {}
        for i, b in enumerate(tokens):
            if b is not None:
                by_bytes.setdefault(b, []).append(i)
        self.vocab = self.oc.Vocabulary(self.tok.eos[0], by_bytes)
        self.load_ms = (clock() - t0) / 1e6

    def compile_first_mask(self) -> None:
        index = self.oc.Index(self.to_regex("{}"), self.vocab)
        self.fill(self.oc.Guide(index))

    def matcher(self, inst: Instance) -> Any:
        got = self.index.get(inst.schema_id)
        if got is None:
            if self.spent_ns > self.budget_ns:
                return "index budget spent"
            t0 = clock()
            try:
                got = self.oc.Index(self.to_regex(json.dumps(inst.schema)), self.vocab)
            except BaseException as e:  # pyo3 panics are BaseException
                if isinstance(e, KeyboardInterrupt):
                    raise
                got = f"schema not supported ({type(e).__name__})"
            dt = clock() - t0
            self.spent_ns += dt
            if not isinstance(got, str):
                self.build_ms.append(dt / 1e6)
            self.index[inst.schema_id] = got
        return got if isinstance(got, str) else self.oc.Guide(got)

    def fill(self, m: Any) -> None:
        m.write_mask_into(self.ptr, self.bm.size, 4)

    def consume(self, m: Any, token: int) -> bool:
        try:
            m.advance(token, return_tokens=False)
        except ValueError:
            return False
        return True


# --------------------------------------------------------------------------- walk


@dataclass
class WalkStats:
    times_ns: list[int] = field(default_factory=list)
    walked: int = 0  # instances started
    accepted: int = 0  # instances walked to an allowed EOS
    rejects: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> instances


def walk_one(eng: Engine, inst: Instance, tokens: list[int], st: WalkStats) -> None:
    """Walks one instance: time each mask, check the token is allowed, consume it."""
    try:
        m = eng.matcher(inst)
    except Exception as e:
        m = f"matcher failed: {type(e).__name__}: {e}"
    if isinstance(m, str):
        st.skipped[m] = st.skipped.get(m, 0) + 1
        return
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
                what = "EOS masked out at the end" if i == len(tokens) else f"token {i} masked out"
                st.rejects.append(f"{where} {what} (id {t})")
                return
            if i < len(tokens) and not consume(m, t):
                st.rejects.append(f"{where} token {i} (id {t}) allowed by the mask but refused")
                return
    except Exception as e:
        st.rejects.append(f"{where} raised {type(e).__name__}: {e}")
        return
    st.accepted += 1


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
                walk_one(eng, inst, tokens, stats[eng.name])
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
    base: dict[str, tuple[float, float]] = {}
    for tk, name, st in rows:
        if not st.times_ns:
            lines.append(f"| {tk} | {name} | 0 / {st.walked} | 0 | - | - | - | - | - | - | - |")
            continue
        p50, p99 = pct(st.times_ns, 50), pct(st.times_ns, 99)
        if name == "corral":
            base[tk] = (p50, p99)
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


def run_apply(
    corral: Any, xg: Any, iters: int, dtypes: list[str], notes: list[str]
) -> tuple[str, str]:
    """Masking CPU logits in place: corral vs xgrammar vs torch masked_fill_ (µs, median)."""
    import torch

    torch.set_num_threads(1)
    rng = np.random.default_rng(20251125)
    head = [
        "| dtype | batch | corral.apply_mask µs | xgrammar µs | torch masked_fill_ µs "
        "| corral ÷ xgrammar | corral ÷ torch |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    lines = []
    for dtype_name in dtypes:
        dtype = getattr(torch, dtype_name)
        for batch in (1, 16):
            words = APPLY_VOCAB // 32
            bits = rng.integers(0, 2**32, size=(batch, words), dtype=np.uint32)
            bitmask = bits.view(np.int32)  # ~50% of the tokens allowed, independently per row
            bm_t = torch.from_numpy(bitmask)
            unpacked = np.unpackbits(bits.view(np.uint8), bitorder="little").reshape(batch, -1)
            disallowed = torch.from_numpy(unpacked == 0)  # prepared once, outside the timing
            gen = torch.Generator().manual_seed(batch)
            orig = torch.randn(batch, APPLY_VOCAB, generator=gen).to(dtype)
            ref = orig.clone().masked_fill_(disallowed, float("-inf"))
            calls: dict[str, Callable[[Any], None]] = {
                "torch": lambda lg, d=disallowed: lg.masked_fill_(d, float("-inf"))
            }
            if corral is not None:
                calls["corral"] = lambda lg, b=bitmask: corral.apply_mask(lg, b)
            if xg is not None:
                calls["xgrammar"] = lambda lg, b=bm_t: xg.apply_token_bitmask_inplace(lg, b)
            us: dict[str, float] = {}
            for name, call in calls.items():
                lg = orig.clone()
                try:
                    call(lg)
                except Exception as e:
                    notes.append(f"apply {dtype_name} batch {batch}: {name} raised {e}")
                    continue
                if not torch.equal(lg, ref):
                    notes.append(f"apply {dtype_name} batch {batch}: {name} result differs")
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

            def cell(k: str) -> str:
                return f"{us[k]:.1f}" if k in us else "-"

            def ratio(a: str, b: str) -> str:
                return f"{us[a] / us[b]:.2f}" if a in us and b in us else "-"

            lines.append(
                f"| {dtype_name} | {batch} | {cell('corral')} | {cell('xgrammar')} "
                f"| {cell('torch')} | {ratio('corral', 'xgrammar')} | {ratio('corral', 'torch')} |"
            )
    return "\n".join(head + lines), f"{iters} calls per cell"


# --------------------------------------------------------------------------- main


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()}, {os.cpu_count()} CPUs"
    except OSError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} CPUs"


def _md(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def import_engines(wanted: list[str], notes: list[str]) -> dict[str, Any]:
    mods: dict[str, Any] = {}
    for name, module, dist in [
        ("corral", "corral", "corral"),
        ("llguidance", "llguidance", "llguidance"),
        ("xgrammar", "xgrammar", "xgrammar"),
        ("outlines-core", "outlines_core", "outlines-core"),
    ]:
        if name not in wanted:
            continue
        try:
            mods[name] = __import__(module)
        except Exception as e:  # not installed, or a broken install
            notes.append(f"{name}: skipped, cannot import ({e}); `pip install {dist}`")
    return mods


def make_engines(
    tok: Tok, mods: dict[str, Any], args: argparse.Namespace, notes: list[str]
) -> list[Engine]:
    out: list[Engine] = []
    for name, mod in mods.items():
        if tok.vocab is None and name in ("corral", "outlines-core"):
            notes.append(f"{tok.name}/{name}: skipped, needs corral's vocabulary")
            continue
        try:
            eng: Engine
            if name == "corral":
                eng = Corral(tok, mod)
            elif name == "llguidance":
                eng = Llguidance(tok, mod, args.llg_grammar)
            elif name == "xgrammar":
                eng = Xgrammar(tok, mod)
            else:
                eng = OutlinesCore(tok, mod, args.outlines_budget)
            eng.load()
        except Exception as e:
            notes.append(f"{tok.name}/{name}: skipped, setup failed: {type(e).__name__}: {e}")
            continue
        out.append(eng)
    return out


def split(s: str, known: list[str], what: str, ap: argparse.ArgumentParser) -> list[str]:
    items = [x.strip() for x in s.split(",") if x.strip()]
    bad = [x for x in items if known and x not in known]
    if bad:
        ap.error(f"unknown {what} {bad}; known: {','.join(known)}")
    return items


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="token-mask time: corral vs llguidance, xgrammar, ...")
    ap.add_argument("--quick", action="store_true", help="smoke run: 4 instances, llama3")
    ap.add_argument("--instances", type=int, default=None, help="instances walked (default 100)")
    ap.add_argument("--tokenizers", default=None, help="default llama3,qwen3,o200k")
    ap.add_argument("--engines", default=",".join(ENGINES), help="default: all four")
    ap.add_argument("--parts", default=",".join(PARTS), help="default walk,compile,apply")
    ap.add_argument("--repeats", type=int, default=None, help="compile runs (default 5)")
    ap.add_argument(
        "--llg-grammar",
        choices=["json-schema", "json-lark"],
        default="json-schema",
        help="llguidance's generic JSON: schema {} (default) or grammars/json.lark",
    )
    ap.add_argument(
        "--outlines-budget",
        type=float,
        default=None,
        help="seconds of outlines-core Index building per tokenizer in the walk (default 60)",
    )
    args = ap.parse_args(argv)
    q = args.quick
    n_inst = args.instances or (4 if q else 100)
    toks = split(args.tokenizers or ("llama3" if q else "llama3,qwen3,o200k"), [], "", ap)
    wanted = split(args.engines, ENGINES, "engine", ap)
    parts = split(args.parts, PARTS, "part", ap)
    repeats = args.repeats or (1 if q else 5)
    if args.outlines_budget is None:
        args.outlines_budget = 5.0 if q else 60.0
    apply_iters = 20 if q else 200

    given = sys.orig_argv if argv is None else ["python", "benches/maskbench.py", *argv]
    print(f"Command: `{shlex.join(given)}`\n")
    print(f"Date: {datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}; {_cpu()}\n")

    notes: list[str] = []
    mods = import_engines(wanted, notes)
    versions = [f"Python {platform.python_version()}"]
    for name, dist in [
        ("corral", "corral"),
        ("llguidance", "llguidance"),
        ("xgrammar", "xgrammar"),
        ("outlines-core", "outlines-core"),
    ]:
        if name in mods:
            v = getattr(mods[name], "__version__", None) or _version(dist)
            versions.append(f"{name} {v}")
    versions += [f"{d} {_version(d)}" for d in ("tokenizers", "transformers", "torch", "numpy")]
    print(f"Versions: {', '.join(versions)}\n")

    walk_rows: list[tuple[str, str, WalkStats]] = []
    compile_rows: list[tuple[str, Engine, str]] = []
    insts = spread(load_instances(), n_inst)
    for tname in toks if ("walk" in parts or "compile" in parts) else []:
        try:
            tok = load_tok(tname, mods.get("corral"))
        except Exception as e:
            notes.append(f"{tname}: skipped, cannot load: {type(e).__name__}: {e}")
            continue
        engines = make_engines(tok, mods, args, notes)
        if "compile" in parts:
            for eng in engines:
                # One outlines-core `{}` Index takes seconds: fewer runs within 20 s.
                try:
                    med, lo, n = median_ms(eng.compile_first_mask, repeats, budget_s=20.0)
                    cell = f"{med:.1f} | {lo:.1f} | {n}"
                except BaseException as e:
                    if isinstance(e, KeyboardInterrupt):
                        raise
                    cell = f"failed: {_md(f'{type(e).__name__}: {e}')[:120]} | - | 0"
                compile_rows.append((tname, eng, cell))
        if "walk" in parts and engines:
            for name, st in run_walk(engines, insts).items():
                walk_rows.append((tname, name, st))
                notes += [f"{tname}/{name} false reject: {r}" for r in st.rejects[:5]]
                if len(st.rejects) > 5:
                    notes.append(f"{tname}/{name}: {len(st.rejects) - 5} more false rejects")
                for why, k in st.skipped.items():
                    notes.append(f"{tname}/{name}: {k} instance(s) not walked: {why}")
            for eng in engines:
                if isinstance(eng, OutlinesCore) and eng.build_ms:
                    b = eng.build_ms
                    notes.append(
                        f"{tname}/outlines-core: per-schema regex + Index build (untimed in the "
                        f"walk): {len(b)} schemas, median {statistics.median(b):.0f} ms, "
                        f"max {max(b):.0f} ms, total {sum(b) / 1e3:.1f} s"
                    )

    if "walk" in parts:
        n_tok = "tokens + EOS"
        print(f"## Walk: next-token mask time, {len(insts)} valid dev instances\n")
        print(
            "Per `fill` call (mask into a preallocated int32 bitmask), one mask per "
            f"{n_tok} step of each instance; ÷ corral = the engine's time over corral's "
            "(> 1: corral is faster). A false reject stops that engine on that instance.\n"
        )
        print(render_walk(walk_rows) + "\n")
    if "compile" in parts:
        print("## Compile: grammar to first mask\n")
        print(
            f"Median of up to {repeats} runs (fewer when a run is slow); vocabulary load is "
            "the engine's tokenizer object, built once from the tokenizer files.\n"
        )
        print(render_compile(compile_rows) + "\n")
    if "apply" in parts:
        import torch

        xg = mods.get("xgrammar")
        dtypes = ["float32", "bfloat16"]
        table, how = run_apply(mods.get("corral"), xg, apply_iters, dtypes, notes)
        print(f"## Apply: mask CPU logits in place, vocab {APPLY_VOCAB}, 1 thread\n")
        print(
            f"Median µs per call, {how}; ~50% random bits; torch: `masked_fill_` with a bool "
            f"mask prepared beforehand (torch {torch.__version__}, `set_num_threads(1)`); "
            "÷ = time ratio (< 1: corral is faster).\n"
        )
        print(table + "\n")

    if notes:
        print("Notes:\n")
        for n in notes:
            print(f"- {_md(n)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
