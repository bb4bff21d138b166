"""JSON Schema: corral vs llguidance, xgrammar and outlines-core, side by side in one run.

    python benches/schemabench.py                   # all parts, llama3
    python benches/schemabench.py --parts suite     # one part
    python benches/schemabench.py --quick           # smoke run

Parts (every engine on the same inputs; instances written by
``json.dumps(data, ensure_ascii=False)`` and tokenized canonically by the tokenizer's own
``tokenizers`` implementation; an instance is accepted when every token is allowed by the
mask, consumed, and the matcher then accepts the end):

- suite: the JSON-Schema-Test-Suite (tests/data/json-schema-test-suite, drafts 4 to
  2020-12, optional tests included): valid instances accepted, invalid instances rejected,
  instances of schemas the engine refuses. corral runs strict with default options (and,
  in a row of its own, keys in the schema's order, ``property_order="schema"``).
- dev: the JSONSchemaBench dev sample (tests/data/jsonschemabench-dev, 420 schemas):
  schemas compiled, compile time (schema to first mask) p50 / p99 / max, valid instances
  rejected, invalid instances rejected, and the mask time of every token along the valid
  instances (p50 / p99 / max). outlines-core builds a regex Index per schema (its compile)
  in a child process, given up after ``--outlines-timeout`` seconds.
- pathological: schemas built to stress a compiler (maxLength 100000, nesting depth 1000,
  5000 properties, a recursive $ref, a 10000-value enum, ...): compile time and the
  slowest mask along one valid instance each.

Engines: corral ``Grammar.from_json_schema`` (strict; lenient where strict refuses is
reported as refused) + ``corral.compile``; llguidance ``LLMatcher.grammar_from_json_schema``
+ ``LLMatcher`` (its defaults); xgrammar ``GrammarCompiler.compile_json_schema(schema,
any_whitespace=True, strict_mode=False)`` (the spec's additionalProperties default, as
corral and llguidance); outlines-core ``build_regex_from_schema`` + ``Index``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import shlex
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benches"))
sys.path.insert(0, str(ROOT / "tools"))

import json_schema_suite  # noqa: E402
import maskbench_engines  # noqa: E402
import maskbench_inputs  # noqa: E402

clock = time.perf_counter_ns
DEV = ROOT / "tests" / "data" / "jsonschemabench-dev"
ENGINES = ["corral", "llguidance", "xgrammar", "outlines-core"]


class Refused(Exception):
    pass


class Engine:
    name = "?"

    def __init__(self, tok: maskbench_inputs.Tok) -> None:
        self.tok = tok
        self.bm = np.zeros((1, (tok.vocab_size + 31) // 32), dtype=np.int32)

    def compile(self, schema: Any, draft: str | None = None) -> Any:
        """A compiled grammar (raises Refused with the reason)."""
        raise NotImplementedError

    def matcher(self, g: Any) -> Any:
        raise NotImplementedError

    def fill(self, m: Any) -> None:
        raise NotImplementedError

    def consume(self, m: Any, t: int) -> bool:
        raise NotImplementedError

    def accepting(self, m: Any) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        pass


class Corral(Engine):
    name = "corral"

    def __init__(self, tok: maskbench_inputs.Tok, **options: Any) -> None:
        super().__init__(tok)
        import corral

        self.c = corral
        self.options = options

    def compile(self, schema: Any, draft: str | None = None) -> Any:
        try:
            g = self.c.Grammar.from_json_schema(schema, draft=draft, **self.options)
        except self.c.CorralError as e:
            raise Refused(str(e).splitlines()[0][:120]) from None
        cg = self.c.CompiledGrammar(g, self.tok.vocab)
        self.fill(cg.matcher())  # the first mask is part of compiling, as for the others
        return cg

    def matcher(self, g: Any) -> Any:
        return g.matcher()

    def fill(self, m: Any) -> None:
        m.fill_mask(self.bm)

    def consume(self, m: Any, t: int) -> bool:
        return bool(m.consume(t))

    def accepting(self, m: Any) -> bool:
        return bool(m.is_accepting())


class Llguidance(Engine):
    name = "llguidance"

    def __init__(self, tok: maskbench_inputs.Tok) -> None:
        super().__init__(tok)
        import llguidance

        self.llg = llguidance
        self.lltok = llguidance.LLTokenizer(
            tok.json_path.read_text(encoding="utf-8"), n_vocab=tok.vocab_size, eos_token=tok.eos
        )
        self.ptr, self.nbytes = self.bm.ctypes.data, self.bm.nbytes

    def compile(self, schema: Any, draft: str | None = None) -> Any:
        M = self.llg.LLMatcher
        try:
            grm = M.grammar_from_json_schema(schema)
        except Exception as e:
            raise Refused(str(e)[:120]) from None
        m = M(self.lltok, grm, log_level=0)
        if m.is_error():
            raise Refused(m.get_error()[:120])
        self.fill(m)  # the first mask is part of compiling
        return m

    def matcher(self, g: Any) -> Any:
        return g.deep_copy()

    def fill(self, m: Any) -> None:
        m.unsafe_compute_mask_ptr(self.ptr, self.nbytes)

    def consume(self, m: Any, t: int) -> bool:
        return bool(m.consume_token(t))

    def accepting(self, m: Any) -> bool:
        return bool(m.is_accepting())


class Xgrammar(Engine):
    name = "xgrammar"

    def __init__(self, tok: maskbench_inputs.Tok) -> None:
        super().__init__(tok)
        import transformers
        import xgrammar

        transformers.logging.set_verbosity_error()
        self.xg = xgrammar
        hf = transformers.PreTrainedTokenizerFast(tokenizer_file=str(tok.json_path))
        info = xgrammar.TokenizerInfo.from_huggingface(
            hf, vocab_size=tok.vocab_size, stop_token_ids=tok.eos
        )
        self.compiler = xgrammar.GrammarCompiler(info, max_threads=1, cache_enabled=False)

    def compile(self, schema: Any, draft: str | None = None) -> Any:
        try:
            g = self.compiler.compile_json_schema(
                json.dumps(schema), any_whitespace=True, strict_mode=False
            )
        except Exception as e:
            raise Refused(str(e).splitlines()[0][:120] if str(e) else type(e).__name__) from None
        self.fill(self.xg.GrammarMatcher(g))
        return g

    def matcher(self, g: Any) -> Any:
        return self.xg.GrammarMatcher(g)

    def fill(self, m: Any) -> None:
        m.fill_next_token_bitmask(self.bm)

    def consume(self, m: Any, t: int) -> bool:
        return bool(m.accept_token(t))

    def accepting(self, m: Any) -> bool:
        return bool(m.accept_token(self.tok.eos[0]))


class OutlinesCore(Engine):
    """Index built in a child process (maskbench's worker), given up after a timeout."""

    name = "outlines-core"

    def __init__(self, tok: maskbench_inputs.Tok, timeout_s: float) -> None:
        super().__init__(tok)
        self.oc = maskbench_engines.OutlinesCore(
            tok, importlib.import_module("outlines_core"), timeout_s, 1e18
        )
        self.oc.load()
        self.bm = self.oc.bm  # its masks are written there

    def compile(self, schema: Any, draft: str | None = None) -> Any:
        if self.oc.worker is None:
            self.oc._start_worker()
        try:
            regex = self.oc.to_regex(json.dumps(schema))
        except BaseException as e:  # pyo3 panics are BaseException
            if isinstance(e, KeyboardInterrupt):
                raise
            raise Refused(f"{type(e).__name__}: {str(e)[:100]}") from None
        got = self.oc._build(regex)
        if isinstance(got, str):
            raise Refused(got)
        self.fill(self.oc.oc.Guide(got))
        return got

    def matcher(self, g: Any) -> Any:
        return self.oc.oc.Guide(g)

    def fill(self, m: Any) -> None:
        self.oc.fill(m)

    def consume(self, m: Any, t: int) -> bool:
        return self.oc.consume(m, t)

    def accepting(self, m: Any) -> bool:
        return bool(m.is_finished()) or self.tok.eos[0] in m.get_tokens()

    def close(self) -> None:
        self.oc.close()


def make(name: str, tok: maskbench_inputs.Tok, args: argparse.Namespace) -> Engine:
    if name == "corral":
        return Corral(tok)
    if name == "corral-schema-order":
        e = Corral(tok, property_order="schema")
        e.name = "corral (property_order=schema)"
        return e
    if name == "llguidance":
        return Llguidance(tok)
    if name == "xgrammar":
        return Xgrammar(tok)
    if name == "outlines-core":
        return OutlinesCore(tok, args.outlines_timeout)
    raise ValueError(name)


def walk(e: Engine, g: Any, tokens: list[int], times: list[float] | None) -> bool:
    """Feeds `tokens`; with `times`, fills and checks each mask first (timed)."""
    try:
        m = e.matcher(g)
        for t in tokens:
            if times is not None:
                t0 = clock()
                e.fill(m)
                times.append((clock() - t0) / 1e3)
                if not maskbench_inputs.allowed(e.bm[0].view(np.uint32), t):
                    return False
            if not e.consume(m, t):
                return False
        return e.accepting(m)
    except Exception as x:  # an engine failing on an input (xgrammar: std::bad_alloc)
        print(f"  {e.name}: {type(x).__name__}: {str(x)[:80]}", file=sys.stderr)
        return False


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")


# --------------------------------------------------------------------------- parts


def part_suite(engines: list[Engine], tok: maskbench_inputs.Tok, quick: bool) -> str:
    files = json_schema_suite.suite_files()
    if quick:
        files = [f for f in files if f[0].startswith("draft2020-12/") and "/" not in f[0][13:]][:8]
    rows = []
    for e in engines:
        c = json_schema_suite.Counts()
        t0 = time.time()
        for _, path, draft in files:
            for group in json.loads(path.read_text(encoding="utf-8")):
                try:
                    g = e.compile(group["schema"], draft)
                except Refused:
                    c.refused += len(group["tests"])
                    continue
                for t in group["tests"]:
                    text = json.dumps(t["data"], ensure_ascii=False)
                    ids = tok.hf.encode(text, add_special_tokens=False).ids
                    c.record(t["valid"], walk(e, g, ids, None))
        rows.append((e.name, c, time.time() - t0))
        print(f"  suite {e.name}: {c} ({time.time() - t0:.0f} s)", file=sys.stderr)
    n_valid = n_invalid = 0
    for _, path, _ in files:
        for group in json.loads(path.read_text(encoding="utf-8")):
            n_valid += sum(t["valid"] for t in group["tests"])
            n_invalid += sum(not t["valid"] for t in group["tests"])
    out = [
        f"{len(files)} files, {n_valid} valid and {n_invalid} invalid instances; "
        f"tokenizer {tok.name}.",
        "",
        "| engine | valid accepted | invalid rejected | invalid accepted "
        "| instances of refused schemas |",
        "|---|---|---|---|---|",
    ]
    for name, c, _ in rows:
        out.append(
            f"| {name} | {c.valid_accepted} / {n_valid} | {c.invalid_rejected} / {n_invalid} "
            f"| {c.invalid_accepted} | {c.refused} |"
        )
    return "\n".join(out)


def dev_schemas(quick: bool, every: int = 1) -> list[tuple[str, Any, list[tuple[str, bool]]]]:
    out = []
    for f in sorted(DEV.glob("*.json")):
        if f.name == "index.json":
            continue
        d = json.loads(f.read_text(encoding="utf-8"))
        tests = [(json.dumps(t["data"], ensure_ascii=False), bool(t["valid"])) for t in d["tests"]]
        out.append((f.stem, d["schema"], tests))
    if quick:
        out = out[::40]
    return out[::every]


def part_dev(engines: list[Engine], tok: maskbench_inputs.Tok, quick: bool, every: int) -> str:
    schemas = dev_schemas(quick, every)
    sample = f" (every {every}th file)" if every > 1 else ""
    lines = [
        f"{len(schemas)} schemas{sample}; tokenizer {tok.name}; compile = schema to first mask.",
        "",
        "| engine | compiled | compile p50 / p99 / max (ms) | valid rejected | invalid rejected "
        "| mask p50 / p99 / max (µs) | masks |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in engines:
        compiled = 0
        ctimes: list[float] = []
        mtimes: list[float] = []
        n_valid = rejected = n_invalid = inv_rejected = 0
        t_start = time.time()
        for _sid, schema, tests in schemas:
            t0 = clock()
            try:
                g = e.compile(schema)
            except Refused:
                continue
            ctimes.append((clock() - t0) / 1e6)
            compiled += 1
            for text, valid in tests:
                toks = tok.hf.encode(text, add_special_tokens=False).ids
                if valid:
                    n_valid += 1
                    rejected += not walk(e, g, toks, mtimes)
                else:
                    n_invalid += 1
                    inv_rejected += not walk(e, g, toks, None)
        e.close()
        print(
            f"  dev {e.name}: {compiled} compiled ({time.time() - t_start:.0f} s)", file=sys.stderr
        )
        lines.append(
            f"| {e.name} | {compiled} / {len(schemas)} "
            f"| {pct(ctimes, 0.5):.1f} / {pct(ctimes, 0.99):.1f} / "
            f"{max(ctimes, default=float('nan')):.0f} | {rejected} / {n_valid} "
            f"| {inv_rejected} / {n_invalid} | {pct(mtimes, 0.5):.1f} / {pct(mtimes, 0.99):.0f} / "
            f"{max(mtimes, default=float('nan')):.0f} | {len(mtimes)} |"
        )
    return "\n".join(lines)


def nested(depth: int) -> tuple[Any, Any]:
    schema: Any = {"type": "integer"}
    inst: Any = 7
    for _ in range(depth):
        schema = {
            "type": "object",
            "properties": {"a": schema},
            "required": ["a"],
            "additionalProperties": False,
        }
        inst = {"a": inst}
    return schema, inst


def pathological() -> list[tuple[str, Any, Any]]:
    tree = {
        "$defs": {
            "node": {
                "type": "object",
                "properties": {
                    "value": {"type": "integer"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                },
                "required": ["value"],
                "additionalProperties": False,
            }
        },
        "$ref": "#/$defs/node",
    }
    tree_inst = {"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}, {"value": 4}]}
    many = {"type": "object", "properties": {f"p{i}": {"type": "integer"} for i in range(5000)}}
    many_inst = {f"p{i}": i for i in range(0, 5000, 250)}
    enum = {"enum": [f"value_{i}" for i in range(10000)]}
    deep, deep_inst = nested(1000)
    return [
        ("maxLength 100000", {"type": "string", "maxLength": 100000}, "x" * 3000),
        ("minLength 5000", {"type": "string", "minLength": 5000}, "y" * 5000),
        ("nesting depth 1000", deep, deep_inst),
        ("5000 properties", many, many_inst),
        ("recursive $ref", tree, tree_inst),
        ("enum of 10000 strings", enum, "value_9999"),
        (
            "integer range",
            {"type": "integer", "minimum": -123456789, "maximum": 987654321},
            555555555,
        ),
        (
            "array maxItems 2000",
            {"type": "array", "items": {"type": "integer"}, "maxItems": 2000},
            list(range(300)),
        ),
    ]


def part_pathological(engines: list[Engine], tok: maskbench_inputs.Tok) -> str:
    sys.setrecursionlimit(20000)  # json.dumps of the depth-1000 instance
    cases = pathological()
    head = "| schema | " + " | ".join(f"{e.name} compile ms / max mask µs" for e in engines) + " |"
    lines = [
        f"tokenizer {tok.name}; one valid instance each.",
        "",
        head,
        "|---|" + "---|" * len(engines),
    ]
    # One engine at a time over every case, so that no engine's leftovers (a
    # peer's background threads or freed memory after a long compile) land
    # in another's timings.
    cells: dict[str, list[str]] = {name: [] for name, _, _ in cases}
    for e in engines:
        for name, schema, inst in cases:
            toks = tok.hf.encode(json.dumps(inst), add_special_tokens=False).ids
            t0 = clock()
            try:
                g = e.compile(schema)
            except Refused as r:
                cells[name].append(f"refused ({str(r)[:40]})")
                continue
            ct = (clock() - t0) / 1e6
            times: list[float] = []
            ok = walk(e, g, toks, times)
            cells[name].append(
                f"{ct:.1f} / {max(times, default=0):.0f}" + ("" if ok else " (instance rejected)")
            )
            print(f"  pathological {name} {e.name}: {cells[name][-1]}", file=sys.stderr)
    for name, _, _ in cases:
        lines.append(f"| {name} | " + " | ".join(cells[name]) + " |")
    for e in engines:
        e.close()
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--parts", default="suite,dev,pathological")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--tokenizer", default="llama3")
    ap.add_argument("--outlines-timeout", type=float, default=20.0)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument(
        "--dev-every", type=int, default=1, help="dev part: every k-th schema file only"
    )
    ap.add_argument("--out", type=Path, help="write the report (markdown) here too")
    args = ap.parse_args()
    import corral

    tok = maskbench_inputs.load_tok(args.tokenizer, corral)
    names = args.engines.split(",")
    versions = []
    for n in names:
        mod = maskbench_engines.MODULES.get(n, n)
        try:
            versions.append(f"{n} {importlib.metadata.version(n)}")
            importlib.import_module(mod)
        except Exception:
            print(f"skipping {n}: not installed", file=sys.stderr)
            names.remove(n)
    report = [
        f"`{shlex.join(['python', 'benches/schemabench.py', *sys.argv[1:]])}` — "
        f"{datetime.now():%Y-%m-%d %H:%M}, {platform.machine()}, {os.cpu_count()} CPUs; "
        f"{', '.join(versions)}",
    ]
    parts = args.parts.split(",")
    if "suite" in parts:
        suite_names = [n for n in names if n != "outlines-core"]
        if "corral" in suite_names:
            suite_names.insert(1, "corral-schema-order")
        engines = [make(n, tok, args) for n in suite_names]
        report += ["", "### JSON-Schema-Test-Suite", "", part_suite(engines, tok, args.quick)]
    if "dev" in parts:
        engines = [make(n, tok, args) for n in names]
        report += [
            "",
            "### JSONSchemaBench dev sample",
            "",
            part_dev(engines, tok, args.quick, args.dev_every),
        ]
    if "pathological" in parts:
        engines = [make(n, tok, args) for n in names if n != "outlines-core"]
        report += ["", "### Pathological schemas", "", part_pathological(engines, tok)]
    text = "\n".join(report) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    import importlib.metadata

    sys.exit(main())
