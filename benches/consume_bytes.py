"""Bytes per second through a byte-level grammar matcher: corral vs llguidance.

    python benches/consume_bytes.py            # full run: ~1 MB JSON, ~100 KB SQL, best of 5
    python benches/consume_bytes.py --quick    # smoke run: small inputs, best of 2

Both engines consume the same bytes in the same run:

- corral: ``g = corral.Grammar.from_file(path, whitespace_limit=None)`` (the
  grammar as written, like llguidance's: doc.json indents past corral's default
  bound of 24 characters of ignored whitespace); ``m = g.matcher()``;
  ``m.consume_bytes(data)`` on the whole document in one call, and again in
  4-byte chunks (closer to token-by-token use); ``m.is_accepting()`` at the end.
- llguidance: ``LLMatcher`` over a byte-level vocabulary (token i < 256 is the
  single byte i, token 256 is EOS), so consuming the document token by token
  is consuming its bytes; ``consume_tokens`` on all tokens in one call, and
  again on 4-token chunks.

Compile time (grammar text -> first matcher) is timed apart from consumption.
Each consume run starts from a fresh matcher made before the clock starts
(corral: ``g.matcher()``; llguidance: ``deep_copy()`` of a pristine matcher);
the best of N runs is reported. MB = 10^6 bytes.

Inputs come from ``benches/data/gen_inputs.py`` (deterministic, fixed seed):
the stored ``benches/data/doc.json`` and ``script.sql``, or, with ``--quick``,
small documents generated in memory by the same code.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import platform
import re
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benches" / "data"
EOS = 256  # the byte vocabulary's EOS token id


def _load_gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_inputs", DATA / "gen_inputs.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@dataclass
class Input:
    name: str  # "json" / "sql"
    grammar: Path
    data: bytes
    origin: str  # where the bytes came from


@dataclass
class Result:
    engine: str
    input: str
    nbytes: int
    compile_ms: float | None = None
    one_call_s: float | None = None
    chunks_s: float | None = None
    status: str = "ok"  # or why there are no timings
    notes: list[str] = field(default_factory=list)


def _best(fn: Callable[[], float], repeats: int) -> float:
    """Smallest of `repeats` timings (fn returns seconds); GC off while timing."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            best = min(best, fn())
        finally:
            gc.enable()
    return best


def _loop_floor(data: bytes, chunk: int, repeats: int) -> str:
    """What the chunk loop costs by itself: one no-op C call per chunk."""
    pieces = [data[i : i + chunk] for i in range(0, len(data), chunk)]

    def loop() -> float:
        f = len
        t = time.perf_counter()
        for p in pieces:
            f(p)
        return time.perf_counter() - t

    s = _best(loop, repeats)
    return (
        f"{chunk}-byte chunk columns include Python's loop and call overhead: the same loop "
        f"calling a no-op builtin takes {s / len(pieces) * 1e9:.0f} ns per chunk, a ceiling of "
        f"{len(data) / s / 1e6:.0f} MB/s"
    )


def _context(data: bytes, at: int) -> str:
    return f"{data[max(0, at - 40) : at]!r} >>> {data[at : at + 20]!r}"


# --------------------------------------------------------------------------- corral


def bench_corral(corral: Any, inp: Input, repeats: int, chunk: int) -> Result:
    res = Result("corral", inp.name, len(inp.data))
    try:
        g = corral.Grammar.from_file(str(inp.grammar), whitespace_limit=None)
    except Exception as e:  # the grammar is not supported (yet)
        res.status = f"grammar rejected: {type(e).__name__}: {e}"
        return res

    def compile_once() -> float:
        t = time.perf_counter()
        corral.Grammar.from_file(str(inp.grammar), whitespace_limit=None).matcher()
        return time.perf_counter() - t

    res.compile_ms = _best(compile_once, repeats) * 1e3

    # Check once (untimed) that corral accepts the whole input.
    try:
        m = g.matcher()
        whole_ok = m.consume_bytes(inp.data)
    except Exception as e:
        res.status = f"consume_bytes raised {type(e).__name__}: {e}"
        return res
    if not whole_ok:
        # Longest viable prefix, by bisection over fresh matchers.
        lo, hi = 0, len(inp.data)  # data[:lo] viable, data[:hi] not
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if g.matcher().consume_bytes(inp.data[:mid]):
                lo = mid
            else:
                hi = mid
        res.status = f"rejects byte {lo}: {_context(inp.data, lo)}"
        return res
    if not m.is_accepting():
        res.notes.append("whole input viable but NOT accepting at the end (a bug?)")

    data = inp.data
    pieces = [data[i : i + chunk] for i in range(0, len(data), chunk)]

    def one_call() -> float:
        m = g.matcher()
        t = time.perf_counter()
        ok = m.consume_bytes(data)
        dt = time.perf_counter() - t
        assert ok
        return dt

    def chunked() -> float:
        m = g.matcher()
        feed = m.consume_bytes
        t = time.perf_counter()
        for p in pieces:
            if not feed(p):
                raise AssertionError("corral rejected a chunk it accepted whole")
        return time.perf_counter() - t

    res.one_call_s = _best(one_call, repeats)
    res.chunks_s = _best(chunked, repeats)
    return res


# --------------------------------------------------------------------------- llguidance


class _ByteTokenizer:
    """What llguidance.TokenizerWrapper needs: 256 one-byte tokens plus EOS (special)."""

    def __init__(self) -> None:
        self.eos_token_id = EOS
        self.bos_token_id = None
        self.tokens = [bytes([i]) for i in range(256)] + [b"<|eos|>"]
        self.special_token_ids = [EOS]

    def __call__(self, s: bytes) -> list[int]:
        return list(s)


INITIAL_SKIP = '%llguidance {"allow_initial_skip": true}\n'


def llg_variants(src: str) -> list[tuple[str, str]]:
    """Ways to hand a Lark grammar to llguidance, tried in order: (label, grammar text).

    Lark (and corral) let ``%ignore``d text (whitespace, comments) appear
    anywhere between, before and after the lexemes.  llguidance 1.9 by default
    rejects ignored whitespace before the first lexeme, and once the start rule
    is complete and cannot be extended it stops, so ignored text after the
    last lexeme is rejected too.  The variants after the verbatim grammar keep
    the language and fix these, as little as needed:

    1. verbatim;
    2. ``%llguidance {"allow_initial_skip": true}`` prepended (leading part);
    3. that, plus the start rule wrapped as ``start: <old start>
       LLG_TRAILING_IGNORED?`` where the new terminal matches one or more
       ignored items (trailing part).  This one is for grammars whose start
       rule ends (one JSON value).  Where it can always go on
       (``start: (stmt ";")*``), llguidance never stops and 1 or 2 already
       works; variant 3 would even break there, as llguidance may lex the
       ignored text between statements as the new terminal.
    """
    out = [("verbatim", src)]
    # llguidance's regexes have no look-around. A trailing negative look-ahead
    # that forbids a longer match (sql.lark's IDENT and NUMBER) is implied by
    # llguidance's greedy lexing, so the grammar without it is a fair stand-in.
    stripped = re.sub(r"\(\?![^()]*\)/", "/", src)
    if stripped != src:
        out.append(("trailing `(?!...)` look-aheads removed (llguidance lexes greedily)", stripped))
        src = stripped
    ignored = [m.group(1).strip() for m in re.finditer(r"^%ignore\s+(.+?)\s*$", src, re.M)]
    if not ignored:
        return out
    out.append((f"`{INITIAL_SKIP.strip()}`", INITIAL_SKIP + src))
    renamed, n = re.subn(
        r"^([?!]?)start(\s*(?:\.\d+\s*)?:)", r"\1llg_orig_start\2", src, flags=re.M
    )
    if n == 1:
        alts = ignored[0] if len(ignored) == 1 else " | ".join(f"({x})" for x in ignored)
        wrapped = (
            INITIAL_SKIP
            + renamed
            + "\n// added for llguidance: ignored text after the last lexeme\n"
            + "start: llg_orig_start LLG_TRAILING_IGNORED?\n"
            + f"LLG_TRAILING_IGNORED: ({alts})+\n"
        )
        label = (
            f"`{INITIAL_SKIP.strip()}` + `start: <old start> LLG_TRAILING_IGNORED?`, "
            f"`LLG_TRAILING_IGNORED: ({alts})+`"
        )
        out.append((label, wrapped))
    return out


def bench_llguidance(llg: Any, inp: Input, repeats: int, chunk: int) -> Result:
    res = Result("llguidance", inp.name, len(inp.data))
    tok = llg.LLTokenizer(llg.TokenizerWrapper(_ByteTokenizer()))
    assert tok.vocab_size == 257 and tok.eos_token == EOS
    src = inp.grammar.read_text(encoding="utf-8")
    toks = list(inp.data)

    def check(text: str) -> tuple[Any, str]:
        """(pristine matcher, "") if llguidance accepts the input under `text`, else (None, why)."""
        g = llg.LLMatcher.grammar_from_lark(text)
        is_err, msgs = llg.LLMatcher.validate_grammar_with_warnings(g, tok)
        if is_err:
            first = msgs[0] if msgs else "?"
            return None, f"grammar rejected: {first[:160]}{'...' if len(first) > 160 else ''}"
        proto = llg.LLMatcher(tok, g, log_level=0)
        if proto.is_error():
            return None, f"grammar rejected: {proto.get_error()}"
        m = proto.deep_copy()
        n = m.try_consume_tokens(toks)
        if n < len(toks):
            stop = m.stop_reason()
            m.consume_token(toks[n])  # puts the matcher in error, with a message
            why = f"stop reason {stop}" if stop != "NotStopped" else m.get_error()
            return None, f"rejects byte {n}: {_context(inp.data, n)} ({why.splitlines()[0]})"
        if not m.is_accepting():
            return None, "whole input consumed but matcher not accepting at the end"
        if not m.consume_token(EOS):
            return None, "EOS refused at the end"
        return proto, ""

    failures = []
    for label, text in llg_variants(src):
        proto, why = check(text)
        if proto is not None:
            used = text
            break
        failures.append(f"{label}: {why}")
    else:
        res.status = "; ".join(failures)
        return res
    if failures:
        res.notes.extend(f"rejected with {inp.grammar.name} {f}" for f in failures)
        res.notes.append(
            f"timed with {inp.grammar.name} adapted for llguidance (same language): {label}"
        )

    def compile_once() -> float:
        t = time.perf_counter()
        llg.LLMatcher(tok, llg.LLMatcher.grammar_from_lark(used), log_level=0)
        return time.perf_counter() - t

    res.compile_ms = _best(compile_once, repeats) * 1e3
    pieces = [toks[i : i + chunk] for i in range(0, len(toks), chunk)]

    def one_call() -> float:
        m = proto.deep_copy()
        t = time.perf_counter()
        ok = m.consume_tokens(toks)
        dt = time.perf_counter() - t
        assert ok and m.is_accepting(), m.get_error()
        return dt

    def chunked() -> float:
        m = proto.deep_copy()
        feed = m.consume_tokens
        t = time.perf_counter()
        for p in pieces:
            if not feed(p):
                raise AssertionError(f"llguidance rejected a chunk: {m.get_error()}")
        dt = time.perf_counter() - t
        assert m.is_accepting()
        return dt

    res.one_call_s = _best(one_call, repeats)
    res.chunks_s = _best(chunked, repeats)
    return res


# --------------------------------------------------------------------------- main


def _mbps(nbytes: int, s: float | None) -> float | None:
    return None if s is None else nbytes / s / 1e6


def _fmt(x: float | None, spec: str = ".2f") -> str:
    return "-" if x is None else format(x, spec)


def render(results: list[Result], chunk: int) -> str:
    by = {(r.engine, r.input): r for r in results}
    lines = [
        "| engine | input | bytes | compile ms | consume MB/s (one call) "
        f"| consume MB/s ({chunk}-byte chunks) | corral/llguidance (one call / chunks) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        one, chk = _mbps(r.nbytes, r.one_call_s), _mbps(r.nbytes, r.chunks_s)
        ratio = "-"
        peer = by.get(("llguidance", r.input))
        if r.engine == "corral" and peer is not None and one is not None:
            p1, pc = _mbps(peer.nbytes, peer.one_call_s), _mbps(peer.nbytes, peer.chunks_s)
            if p1 is not None and pc is not None and chk is not None:
                ratio = f"{one / p1:.2f}x / {chk / pc:.2f}x"
        if r.status != "ok":
            lines.append(
                f"| {r.engine} | {r.input} | {r.nbytes} | {_fmt(r.compile_ms)} "
                f"| {_md_cell(r.status)} | | |"
            )
            continue
        lines.append(
            f"| {r.engine} | {r.input} | {r.nbytes} | {_fmt(r.compile_ms)} | "
            f"{_fmt(one)} | {_fmt(chk)} | {ratio} |"
        )
    return "\n".join(lines)


def _rel(p: Path) -> str:
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)


def _md_cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="corral vs llguidance: bytes/s through a matcher")
    ap.add_argument("--quick", action="store_true", help="small inputs, 2 repeats (smoke run)")
    ap.add_argument("--repeats", type=int, default=None, help="runs per figure (default 5)")
    ap.add_argument("--chunk", type=int, default=4, help="chunk size in bytes (default 4)")
    ap.add_argument(
        "--inputs", default="json,sql", help="comma-separated subset of json,sql (default both)"
    )
    ap.add_argument(
        "--engines", default="corral,llguidance", help="comma-separated subset (default both)"
    )
    ap.add_argument(
        "--grammar",
        action="append",
        default=[],
        metavar="INPUT=PATH",
        help="use another grammar file for an input, e.g. sql=/tmp/sql.lark (repeatable)",
    )
    args = ap.parse_args(argv)
    repeats = args.repeats or (2 if args.quick else 5)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    wanted = [i.strip() for i in args.inputs.split(",") if i.strip()]

    given = sys.orig_argv if argv is None else ["python", "benches/consume_bytes.py", *argv]
    cmd = shlex.join(given)
    print(f"Command: `{cmd}`\n")

    gen = _load_gen()
    inputs: list[Input] = []
    skipped: list[str] = []
    specs = {
        "json": (ROOT / "grammars" / "json.lark", gen.JSON_NAME, gen.make_json, 50_000),
        "sql": (ROOT / "grammars" / "sql.lark", gen.SQL_NAME, gen.make_sql, 10_000),
    }
    overrides: dict[str, Path] = {}
    for item in args.grammar:
        key, sep, path = item.partition("=")
        if not sep or key not in specs:
            ap.error(f"--grammar wants INPUT=PATH with INPUT in {sorted(specs)}, got {item!r}")
        overrides[key] = Path(path).resolve()
    for name in wanted:
        if name not in specs:
            ap.error(f"unknown input {name!r}")
        grammar, fname, make, quick_size = specs[name]
        grammar = overrides.get(name, grammar)
        if not grammar.exists():
            skipped.append(f"{name}: {_rel(grammar)} not found, input skipped")
            continue
        stored = DATA / fname
        if args.quick:
            data, origin = make(quick_size), f"generated in memory ({quick_size} B target)"
        elif stored.exists():
            data, origin = stored.read_bytes(), str(_rel(stored))
        else:
            data, origin = make(), "generated in memory (stored file missing)"
        inputs.append(Input(name, grammar, data, origin))

    # Engines.
    corral: Any = None
    llg: Any = None
    versions = [f"Python {platform.python_version()}", f"{platform.machine()}"]
    if "corral" in engines:
        try:
            import corral as _corral

            versions.append(f"corral {getattr(_corral, '__version__', '?')}")
            if hasattr(_corral, "Grammar"):
                corral = _corral
            else:
                skipped.append(
                    "corral: skipped, `corral.Grammar` does not exist yet in the installed "
                    f"corral ({_corral.__file__}); rebuild with `make install` once it lands"
                )
        except ImportError as e:
            skipped.append(f"corral: skipped, cannot import corral ({e})")
    if "llguidance" in engines:
        try:
            import llguidance as _llg

            llg = _llg
            versions.append(f"llguidance {_llg.__version__}")
        except ImportError as e:
            skipped.append(f"llguidance: skipped, cannot import ({e}); `pip install llguidance`")

    print(
        f"{', '.join(versions)}; best of {repeats} runs; MB = 10^6 bytes; "
        f"chunks = {args.chunk} bytes (llguidance: {args.chunk} tokens); compile ms = "
        "grammar to first matcher (corral: `Grammar.from_file` + `matcher()`; llguidance: "
        "`grammar_from_lark` on the text + `LLMatcher`, byte tokenizer built once outside)\n"
    )
    for inp in inputs:
        gpath = _rel(inp.grammar)
        print(f"- {inp.name}: {len(inp.data)} bytes from {inp.origin}, grammar {gpath}")
    print()

    results: list[Result] = []
    for inp in inputs:
        if corral is not None:
            results.append(bench_corral(corral, inp, repeats, args.chunk))
        if llg is not None:
            results.append(bench_llguidance(llg, inp, repeats, args.chunk))

    print(render(results, args.chunk))
    notes = [f"{r.engine}/{r.input}: {n}" for r in results for n in r.notes] + skipped
    if inputs:
        notes.append(_loop_floor(inputs[0].data, args.chunk, repeats))
    if notes:
        print("\nNotes:\n")
        for n in notes:
            print(f"- {_md_cell(n)}")
    failed = [r for r in results if r.status != "ok"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
