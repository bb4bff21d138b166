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

This file is the command line and the report; the engines are in ``maskbench_engines.py``,
the inputs (dev instances, tokenizers) in ``maskbench_inputs.py`` and the timing of each
part in ``maskbench_timing.py``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import json
import os
import platform
import shlex
import statistics
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # single thread; quiet on fork
sys.path.insert(0, str(Path(__file__).resolve().parent))

from maskbench_engines import (
    ENGINES,
    MODULES,
    NO_INDEX,
    Corral,
    CorralRegex,
    Engine,
    Llguidance,
    LlguidanceRegex,
    OutlinesCore,
    RegexEngine,
    Xgrammar,
)
from maskbench_inputs import Instance, Tok, cpu, load_instances, load_tok, spread
from maskbench_timing import (
    APPLY_VOCAB,
    WalkStats,
    median_ms,
    render_compile,
    render_walk,
    run_apply,
    run_walk,
)

PARTS = ["walk", "regex", "compile", "apply"]


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"


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
    print(f"Date: {date}; {cpu()}; load average {os.getloadavg()[0]:.2f} at start\n")

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
