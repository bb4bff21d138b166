"""Token-mask time along valid JSON: corral vs llguidance, xgrammar and outlines-core.

    python benches/maskbench.py              # default: 100 instances, llama3 + qwen3 + o200k
    python benches/maskbench.py --quick      # smoke run: 4 small instances, llama3

Four parts, all single-threaded, every engine on the same inputs in the same run:

- walk: valid instances of the JSONSchemaBench dev sample (tests/data/jsonschemabench-dev),
  each tokenized canonically by the tokenizer's own ``tokenizers`` implementation (no
  special tokens), walked token by token under a generic JSON grammar. At every step each
  engine fills the next-token bitmask (timed, per call), the bench checks that the token
  is allowed, then the engine consumes it; after the last token EOS must be allowed.
  Reported: per-mask time p50 / p99 / max per engine and tokenizer, and false rejects.
- regex: outlines-core's task for everyone: the instances whose schema got an outlines-core
  Index in the walk (the same Indexes, or built here within the same budget when the walk
  part does not run) walked the same way under that schema's regex by outlines-core, by
  corral (``start: /regex/`` as a Lark grammar) and by llguidance
  (``LLMatcher.grammar_from_regex``).
- compile: grammar to first filled mask, per engine and tokenizer (median of N), with the
  engine's tokenizer / vocabulary load time (once) in its own column.
- apply: setting disallowed logits to -inf on CPU, vocab 131072, batch 1 and 16, float32
  and bfloat16: ``corral.apply_mask`` vs ``xgrammar.apply_token_bitmask_inplace`` vs torch
  ``masked_fill_`` with a bool mask prepared beforehand.

Engines and grammars (README.md, section ``benches/maskbench.py``, has the details):

- corral: ``grammars/json.lark``; ``corral.compile(grammar, vocab)``, ``cg.matcher()``,
  ``m.fill_mask(bitmask)``, ``m.consume(token)``.
- llguidance: JSON schema ``{}`` (its native generic JSON); ``LLTokenizer`` on the
  tokenizer.json text, ``LLMatcher``, ``unsafe_compute_mask_ptr`` (what
  ``llguidance.numpy.fill_next_token_bitmask`` calls, the pointer taken once),
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
import importlib
import importlib.metadata
import json
import os
import platform
import re
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # single thread; quiet on fork
ROOT = Path(__file__).resolve().parent.parent
TOKENIZERS = ROOT / "tests" / "data" / "tokenizers"
DEV = ROOT / "tests" / "data" / "jsonschemabench-dev"
JSON_LARK = ROOT / "grammars" / "json.lark"
MODULES = {  # engine (also its PyPI name) -> module
    "corral": "corral",
    "llguidance": "llguidance",
    "xgrammar": "xgrammar",
    "outlines-core": "outlines_core",
}
ENGINES = list(MODULES)
PARTS = ["walk", "regex", "compile", "apply"]
NO_INDEX = "no outlines-core Index for the schema"  # regex part: outlines-core says why
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
        eos = cfg.get("eos_token") or ""
        eos = hf.token_to_id(eos["content"] if isinstance(eos, dict) else eos)
        return Tok(name, d, None, hf, hf.get_vocab_size(), [] if eos is None else [eos])
    t0 = clock()
    vocab = corral.Vocabulary.from_file(d)
    _ = vocab.trie_node_count  # builds the token trie, a per-vocabulary cost
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
        self.llg = mod
        self.ptr, self.nbytes = self.bm.ctypes.data, self.bm.nbytes
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
        # What llguidance.numpy.fill_next_token_bitmask calls, less its per-call
        # `.ctypes.data` (a few µs): the pointer is taken once.
        m.unsafe_compute_mask_ptr(self.ptr, self.nbytes)

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
        transformers: Any = importlib.import_module("transformers")
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


def _index_worker(conn: Any, eos: int, by_bytes: dict[bytes, list[int]]) -> None:
    """Child process: builds outlines-core Indexes for regexes sent by the parent."""
    outlines_core: Any = importlib.import_module("outlines_core")
    vocab = outlines_core.Vocabulary(eos, by_bytes)
    conn.send(("ready", None))
    while (regex := conn.recv()) is not None:
        try:
            conn.send(("ok", outlines_core.Index(regex, vocab)))
        except BaseException as e:  # pyo3 panics are BaseException
            conn.send(("err", f"{type(e).__name__}: {str(e)[:100]}"))


class OutlinesCore(Engine):
    """outlines-core; the walk's per-schema Indexes are built in a child process, so a
    schema whose Index takes longer than `timeout_s` can be given up (the child is killed)."""

    name = "outlines-core"
    grammar_note = "compile: schema `{}` regex; walk: each instance's own schema"

    def __init__(self, tok: Tok, mod: Any, timeout_s: float, budget_s: float) -> None:
        super().__init__(tok)
        self.oc = mod
        self.to_regex = mod.json_schema.build_regex_from_schema
        self.timeout_s = timeout_s
        self.budget_ns = budget_s * 1e9
        self.spent_ns = 0
        self.index: dict[str, Any] = {}  # schema id -> Index, or why there is none
        self.regex: dict[str, str] = {}  # schema id -> its regex (the regex part reuses it)
        self.build_ms: list[float] = []
        self.by_bytes: dict[bytes, list[int]] = {}
        self.vocab: Any = None
        self.worker: Any = None  # (process, connection)
        self.ptr = self.bm.ctypes.data

    def load(self) -> None:
        # Token bytes come from corral's vocabulary (decoding tokenizer.json is not timed).
        tokens = self.tok.vocab.all_token_bytes()
        t0 = clock()
        for i, b in enumerate(tokens):
            if b is not None:
                self.by_bytes.setdefault(b, []).append(i)
        self.vocab = self.oc.Vocabulary(self.tok.eos[0], self.by_bytes)
        self.load_ms = (clock() - t0) / 1e6

    def compile_first_mask(self) -> None:
        index = self.oc.Index(self.to_regex("{}"), self.vocab)
        self.fill(self.oc.Guide(index))

    def _start_worker(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        here, there = ctx.Pipe()
        args = (there, self.tok.eos[0], self.by_bytes)
        proc = ctx.Process(target=_index_worker, args=args, daemon=True)
        proc.start()
        here.recv()  # "ready": the child's start-up is not part of any build
        self.worker = (proc, here)

    def _build(self, regex: str) -> Any:
        """An Index for `regex` from the worker, or why there is none."""
        conn = self.worker[1]
        try:
            conn.send(regex)
            if not conn.poll(self.timeout_s):
                self.close()
                return f"Index build over {self.timeout_s:g} s, given up"
            status, got = conn.recv()
        except (EOFError, OSError) as e:  # the child died (out of memory?)
            self.close()
            return f"Index worker died ({type(e).__name__})"
        return got if status == "ok" else f"Index build failed ({got})"

    def close(self) -> None:
        if self.worker is not None:
            proc, conn = self.worker
            proc.kill()  # our own child, by its handle
            proc.join()
            conn.close()
            self.worker = None

    def index_for(self, inst: Instance) -> Any:
        """The Index for the instance's schema (built once, within the budget), or why not."""
        got = self.index.get(inst.schema_id)
        if got is None:
            if self.spent_ns > self.budget_ns:
                return f"Index building budget ({self.budget_ns / 1e9:g} s) spent"
            if self.worker is None:
                self._start_worker()
            t0 = clock()
            try:
                regex = self.to_regex(json.dumps(inst.schema))
            except BaseException as e:  # pyo3 panics are BaseException
                if isinstance(e, KeyboardInterrupt):
                    raise
                got = f"schema to regex failed ({type(e).__name__}: {str(e)[:80]})"
            else:
                got = self._build(regex)
            dt = clock() - t0
            self.spent_ns += dt
            if not isinstance(got, str):
                self.build_ms.append(dt / 1e6)
                self.regex[inst.schema_id] = regex
            self.index[inst.schema_id] = got
        return got

    def matcher(self, inst: Instance) -> Any:
        got = self.index_for(inst)
        return got if isinstance(got, str) else self.oc.Guide(got)

    def fill(self, m: Any) -> None:
        m.write_mask_into(self.ptr, self.bm.size, 4)

    def consume(self, m: Any, token: int) -> bool:
        try:
            m.advance(token, return_tokens=False)
        except ValueError:
            return False
        return True


def lark_regex(regex: str) -> str:
    """`regex` as the body of a Lark `/.../` literal: each unescaped `/` becomes `\\/`
    (escape pairs such as `\\/` or `\\\\` are kept as they are)."""
    return re.sub(r"\\.|/", lambda m: "\\/" if m[0] == "/" else m[0], regex, flags=re.S)


class RegexEngine(Engine):
    """The regex part: an engine walking each instance under outlines-core's regex for the
    instance's schema, only where outlines-core got an Index for it (`oc.index_for`, which
    builds within outlines-core's budget or reuses the walk's Index). The engine's grammar
    is compiled once per schema, untimed (`build_ms`); `refused` keeps why it could not."""

    def __init__(self, tok: Tok, oc: OutlinesCore) -> None:
        super().__init__(tok)
        self.oc = oc
        self.compiled: dict[str, Any] = {}  # schema id -> compiled grammar, or why not
        self.build_ms: list[float] = []
        self.refused: dict[str, str] = {}  # schema id -> the engine's error

    def build(self, regex: str) -> Any:
        raise NotImplementedError

    def start(self, compiled: Any) -> Any:
        raise NotImplementedError

    def matcher(self, inst: Instance) -> Any:
        sid = inst.schema_id
        got = self.compiled.get(sid)
        if got is None:
            if isinstance(self.oc.index_for(inst), str):
                return NO_INDEX
            t0 = clock()
            try:
                got = self.build(self.oc.regex[sid])
            except BaseException as e:  # pyo3 panics are BaseException
                if isinstance(e, KeyboardInterrupt):
                    raise
                # The message may quote the whole regex (megabytes): first line, shortened.
                msg = str(e).replace(lark_regex(self.oc.regex[sid]), "<regex>")
                msg = msg.replace(self.oc.regex[sid], "<regex>").strip().split("\n")[0]
                self.refused[sid] = f"{type(e).__name__}: {msg[:200]}"
                got = "regex refused (see the notes)"
            else:
                self.build_ms.append((clock() - t0) / 1e6)
            self.compiled[sid] = got
        return got if isinstance(got, str) else self.start(got)


class CorralRegex(RegexEngine):
    name = "corral"

    def __init__(self, tok: Tok, oc: OutlinesCore, mod: Any) -> None:
        super().__init__(tok, oc)
        self.corral = mod

    def load(self) -> None:
        pass

    def build(self, regex: str) -> Any:
        c = self.corral
        return c.compile(c.Grammar.from_lark(f"start: /{lark_regex(regex)}/\n"), self.tok.vocab)

    def start(self, compiled: Any) -> Any:
        return compiled.matcher()

    def fill(self, m: Any) -> None:
        m.fill_mask(self.bm)

    def consume(self, m: Any, token: int) -> bool:
        return bool(m.consume(token))


class LlguidanceRegex(RegexEngine):
    name = "llguidance"

    def __init__(self, tok: Tok, oc: OutlinesCore, mod: Any, lltok: Any = None) -> None:
        super().__init__(tok, oc)
        self.llg = mod
        self.lltok = lltok  # the walk's LLTokenizer when there is one
        self.ptr, self.nbytes = self.bm.ctypes.data, self.bm.nbytes

    def load(self) -> None:
        if self.lltok is None:
            text = self.tok.json_path.read_text(encoding="utf-8")
            self.lltok = self.llg.LLTokenizer(
                text, n_vocab=self.tok.vocab_size, eos_token=self.tok.eos
            )

    def build(self, regex: str) -> Any:
        M = self.llg.LLMatcher
        m = M(self.lltok, M.grammar_from_regex(regex), log_level=0)
        if m.is_error():
            raise RuntimeError(m.get_error())
        return m

    def start(self, compiled: Any) -> Any:
        return compiled.deep_copy()

    def fill(self, m: Any) -> None:
        m.unsafe_compute_mask_ptr(self.ptr, self.nbytes)  # as Llguidance.fill

    def consume(self, m: Any, token: int) -> bool:
        return bool(m.consume_token(token))


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
    for name in wanted:
        try:
            mods[name] = importlib.import_module(MODULES[name])
        except Exception as e:  # not installed, or a broken install
            how = "`make install`" if name == "corral" else f"`pip install {name}`"
            notes.append(f"{name}: skipped, cannot import ({e}); {how}")
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
                eng = OutlinesCore(tok, mod, args.outlines_timeout, args.outlines_budget)
            eng.load()
        except Exception as e:
            notes.append(f"{tok.name}/{name}: skipped, setup failed: {type(e).__name__}: {e}")
            continue
        out.append(eng)
    return out


def bench_compile(
    engines: list[Engine], repeats: int, quick: bool, notes: list[str]
) -> list[tuple[str, Engine, str]]:
    rows = []
    for eng in engines:
        tk = eng.tok.name
        if quick and isinstance(eng, OutlinesCore):
            notes.append(f"{tk}/outlines-core: compile skipped with --quick (~10 s per tokenizer)")
            continue
        try:
            # One outlines-core `{}` Index takes seconds: fewer runs once 20 s are spent.
            med, lo, n = median_ms(eng.compile_first_mask, repeats, budget_s=20.0)
            cell = f"{med:.1f} | {lo:.1f} | {n}"
        except BaseException as e:  # pyo3 panics are BaseException
            if isinstance(e, KeyboardInterrupt):
                raise
            cell = f"failed: {_md(f'{type(e).__name__}: {e}')[:120]} | - | 0"
        rows.append((tk, eng, cell))
    return rows


def walk_notes(tk: str, name: str, st: WalkStats, notes: list[str], part: str = "") -> None:
    """False rejects (the first five) and instances not walked, as notes."""
    who = f"{tk}/{name}{part}"
    notes += [f"{who} false reject: {r}" for r in st.rejects[:5]]
    if len(st.rejects) > 5:
        notes.append(f"{who}: {len(st.rejects) - 5} more false rejects")
    for why, k in st.skipped.items():
        if why != NO_INDEX:  # outlines-core's own row says why it has no Index
            notes.append(f"{who}: {k} instance(s) not walked: {why}")


def build_notes(engines: list[Engine], notes: list[str]) -> None:
    """Untimed grammar builds: outlines-core's Indexes (walk and regex parts) and the regex
    part's per-schema compiles, with the regexes an engine refused."""
    for eng in engines:
        tk = eng.tok.name
        if isinstance(eng, OutlinesCore) and eng.build_ms:
            b = eng.build_ms
            notes.append(
                f"{tk}/outlines-core: per-schema regex + Index build (untimed, in a child "
                f"process): {len(b)} schemas built, median {statistics.median(b):.0f} ms, "
                f"max {max(b):.0f} ms, total {sum(b) / 1e3:.1f} s (the budget also counts "
                "the builds given up)"
            )
        if isinstance(eng, RegexEngine) and (eng.build_ms or eng.refused):
            b = eng.build_ms or [0.0]
            line = (
                f"{tk}/{eng.name} (regex): compiled {len(eng.build_ms)} of "
                f"{len(eng.compiled)} regexes (untimed): median {statistics.median(b):.0f} ms, "
                f"max {max(b):.0f} ms, total {sum(b) / 1e3:.1f} s"
            )
            if eng.refused:
                sid, why = next(iter(eng.refused.items()))
                line += f"; {len(eng.refused)} refused, the first ({sid}): {why}"
            notes.append(line)


def bench_walk(
    engines: list[Engine], insts: list[Instance], notes: list[str]
) -> list[tuple[str, str, WalkStats]]:
    tk = engines[0].tok.name
    rows = []
    for name, st in run_walk(engines, insts).items():
        rows.append((tk, name, st))
        walk_notes(tk, name, st, notes)
    return rows


def bench_regex(
    tok: Tok,
    engines: list[Engine],
    mods: dict[str, Any],
    insts: list[Instance],
    notes: list[str],
    walked: bool,
) -> tuple[list[tuple[str, str, WalkStats]], list[Engine]]:
    """The regex part for one tokenizer: corral, llguidance and outlines-core walk each
    instance under outlines-core's regex for its schema. Returns the table rows and the
    regex engines (for `build_notes`)."""
    tk = tok.name
    oc = next((e for e in engines if isinstance(e, OutlinesCore)), None)
    if oc is None:
        notes.append(f"{tk}: regex part skipped, it needs outlines-core (regexes and Indexes)")
        return [], []
    lltok = next((e.lltok for e in engines if isinstance(e, Llguidance)), None)
    walkers: list[Engine] = []
    for name, mod in mods.items():
        try:
            eng: RegexEngine
            if name == "corral":
                eng = CorralRegex(tok, oc, mod)
            elif name == "llguidance":
                eng = LlguidanceRegex(tok, oc, mod, lltok)
            else:
                continue
            eng.load()
        except Exception as e:
            notes.append(f"{tk}/{name} (regex): skipped, setup failed: {type(e).__name__}: {e}")
            continue
        walkers.append(eng)
    walkers.append(oc)  # last, as in the walk; the first engine's matcher builds the Index
    stats = run_walk(walkers, insts)
    rows = [(tk, name, st) for name, st in stats.items()]
    for name, st in stats.items():
        if name == "outlines-core" and walked:  # its skips are the walk's, already noted
            st = WalkStats(rejects=st.rejects)
        walk_notes(tk, name, st, notes, " (regex)")
    # Same regex, same tokens: engines should stop at the same place (or all accept).
    differ = []
    for i, inst in enumerate(insts):
        vs = {n: st.verdicts[i] for n, st in stats.items() if st.verdicts[i] != "skipped"}
        if len(set(vs.values())) > 1:
            differ.append(f"{inst.schema_id}: " + ", ".join(f"{n} {v}" for n, v in vs.items()))
    if differ:
        notes.append(
            f"{tk} (regex): engines disagree on {len(differ)} instance(s): "
            + "; ".join(differ[:3])
            + (" ..." if len(differ) > 3 else "")
        )
    return rows, walkers[:-1]


def split(s: str, ap: argparse.ArgumentParser, known: list[str] | None = None) -> list[str]:
    items = [x.strip() for x in s.split(",") if x.strip()]
    bad = [x for x in items if known is not None and x not in known]
    if bad:
        ap.error(f"unknown {bad}; known: {','.join(known or [])}")
    return items


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="token-mask time: corral vs llguidance, xgrammar, ...")
    ap.add_argument("--quick", action="store_true", help="smoke run: 4 instances, llama3")
    ap.add_argument("--instances", type=int, default=None, help="instances walked (default 100)")
    ap.add_argument("--tokenizers", default=None, help="default llama3,qwen3,o200k")
    ap.add_argument("--engines", default=",".join(ENGINES), help="default: all four")
    ap.add_argument("--parts", default=",".join(PARTS), help="default walk,regex,compile,apply")
    ap.add_argument("--repeats", type=int, default=None, help="compile runs (default 5)")
    ap.add_argument(
        "--llg-grammar",
        choices=["json-schema", "json-lark"],
        default="json-schema",
        help="llguidance's generic JSON: schema {} (default) or grammars/json.lark",
    )
    ap.add_argument(
        "--outlines-timeout",
        type=float,
        default=None,
        help="outlines-core: give up a schema whose Index takes longer (default 10 s)",
    )
    ap.add_argument(
        "--outlines-budget",
        type=float,
        default=None,
        help="outlines-core: seconds of Index building per tokenizer, walk and regex parts "
        "together (default 60)",
    )
    args = ap.parse_args(argv)
    q = args.quick
    n_inst = args.instances or (4 if q else 100)
    toks = split(args.tokenizers or ("llama3" if q else "llama3,qwen3,o200k"), ap)
    wanted = [e for e in ENGINES if e in split(args.engines, ap, ENGINES)]
    parts = split(args.parts, ap, PARTS)
    repeats = args.repeats or (1 if q else 5)
    if args.outlines_timeout is None:
        args.outlines_timeout = 3.0 if q else 10.0
    if args.outlines_budget is None:
        args.outlines_budget = 5.0 if q else 60.0
    apply_iters = 20 if q else 200

    given = sys.orig_argv if argv is None else ["python", "benches/maskbench.py", *argv]
    print(f"Command: `{shlex.join(given)}`\n")
    date = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    print(f"Date: {date}; {_cpu()}; load average {os.getloadavg()[0]:.2f} at start\n")

    notes: list[str] = []
    mods = import_engines(wanted, notes)
    # corral's Vocabulary gives every engine the tokenizer's logits width and EOS (and
    # outlines-core its token bytes), so it is loaded even when corral is not timed.
    vocab_lib = mods.get("corral") or import_engines(["corral"], []).get("corral")
    versions = [f"Python {platform.python_version()}"]
    for name, mod in mods.items():
        versions.append(f"{name} {getattr(mod, '__version__', None) or _version(name)}")
    versions += [f"{d} {_version(d)}" for d in ("tokenizers", "transformers", "torch", "numpy")]
    print(f"Versions: {', '.join(versions)}\n")

    walk_rows: list[tuple[str, str, WalkStats]] = []
    regex_rows: list[tuple[str, str, WalkStats]] = []
    compile_rows: list[tuple[str, Engine, str]] = []
    insts = load_instances()
    if q and args.instances is None:
        # Smoke run: the instances with the smallest schemas, so outlines-core gets its Index.
        insts = sorted(insts, key=lambda i: len(json.dumps(i.schema)))[:n_inst]
    else:
        insts = spread(insts, n_inst)
    # The regex part alone needs only outlines-core's engine (its regexes and Indexes).
    only_regex = not ("walk" in parts or "compile" in parts)
    tok_mods = {k: v for k, v in mods.items() if k == "outlines-core"} if only_regex else mods
    for tname in toks if any(x in parts for x in ("walk", "regex", "compile")) else []:
        try:
            tok = load_tok(tname, vocab_lib)
        except Exception as e:
            notes.append(f"{tname}: skipped, cannot load: {type(e).__name__}: {e}")
            continue
        engines = make_engines(tok, tok_mods, args, notes)
        try:
            if "compile" in parts:
                compile_rows += bench_compile(engines, repeats, q, notes)
            if "walk" in parts and engines:
                walk_rows += bench_walk(engines, insts, notes)
            rx_engines: list[Engine] = []
            if "regex" in parts:
                rows, rx_engines = bench_regex(tok, engines, mods, insts, notes, "walk" in parts)
                regex_rows += rows
            build_notes(engines + rx_engines, notes)
        finally:
            for eng in engines:
                if isinstance(eng, OutlinesCore):
                    eng.close()

    if "walk" in parts:
        n_tok = "tokens + EOS"
        print(f"## Walk: next-token mask time, {len(insts)} valid dev instances\n")
        print(
            "Per `fill` call (mask into a preallocated int32 bitmask), one mask per "
            f"{n_tok} step of each instance; ÷ corral = the engine's time over corral's "
            "(> 1: corral is faster). A false reject stops that engine on that instance.\n"
        )
        print(render_walk(walk_rows) + "\n")
    if "regex" in parts:
        print("## Regex: next-token mask time under outlines-core's per-schema regexes\n")
        print(
            "The walk's method on the instances (of the same "
            f"{len(insts)}) whose schema got an outlines-core Index, every engine under that "
            "schema's regex (outlines-core `build_regex_from_schema`): outlines-core's own "
            "task. Rejects count valid instances the run refused: when all engines stop at "
            "the same token it is the regex's language; disagreements are in the notes.\n"
        )
        print(render_walk(regex_rows) + "\n")
    if "compile" in parts:
        print("## Compile: grammar to first mask\n")
        print(
            f"Median of up to {repeats} runs (fewer when a run is slow); vocabulary load is "
            "the engine's tokenizer object, built once from the tokenizer files.\n"
        )
        print(render_compile(compile_rows) + "\n")
    if "apply" in parts:
        import torch

        table = run_apply(mods.get("corral"), mods.get("xgrammar"), apply_iters, notes)
        print(f"## Apply: mask CPU logits in place, vocab {APPLY_VOCAB}, 1 thread\n")
        print(
            f"Median µs per call, {apply_iters} calls per cell; ~50% random bits; torch: "
            "`masked_fill_` with a bool mask prepared beforehand (torch "
            f"{torch.__version__}, `set_num_threads(1)`); ÷ = time ratio (< 1: corral is "
            "faster).\n"
        )
        print(table + "\n")

    if notes:
        print("Notes:\n")
        for n in notes:
            print(f"- {_md(n)}")
    bad = any(name == "corral" and st.rejects for _, name, st in walk_rows)
    # Regex part: corral refusing an instance that outlines-core takes under the same regex.
    by = {(tk, name): st for tk, name, st in regex_rows}
    for (tk, name), st in by.items():
        other = by.get((tk, "outlines-core"))
        if name == "corral" and other is not None:
            pairs = zip(st.verdicts, other.verdicts, strict=True)
            bad |= any(c not in ("accepted", "skipped") and o == "accepted" for c, o in pairs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
