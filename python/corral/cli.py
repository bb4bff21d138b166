"""The ``corral`` command line.

- ``corral check FILE.lark``: errors and warnings, with line:column and a caret.
- ``corral test FILE.lark INPUT``: is the input in the language; if not, the
  byte, line and column where it stops being a viable prefix, and what was
  expected there.
- ``corral sample FILE.lark -n N``: random strings of the language.
- ``corral inspect``: a tokenizer and a grammar file as corral sees them.
- ``corral generate``: a model's output in a grammar's language, streamed
  (by default the built-in demo model on a shipped example schema).
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from corral import grammars
from corral._core import CorralError, Grammar, GrammarError, Vocabulary

# Repository data, found from the working directory (see `_find`); grammars
# ship inside the package and are found by name (corral.grammars).
DEFAULT_TOKENIZER = Path("tests/data/tokenizers/llama3")
DEFAULT_GRAMMAR = "json"
DEFAULT_MODEL = Path("models/demo")
DEFAULT_SCHEMA = Path("examples/person.schema.json")
DEFAULT_PROMPT = "JSON for a person:\n"


def _find(relative: Path) -> Path | None:
    """`relative` under the working directory or one of its parents, or under
    the source tree this package was installed from."""
    here = Path.cwd().resolve()
    roots = [here, *here.parents, Path(__file__).resolve().parents[2]]
    for root in roots:
        candidate = root / relative
        if candidate.exists():
            return candidate
    return None


def _resolve(given: str | None, default: Path, what: str) -> Path:
    if given is not None:
        return Path(given)
    found = _find(default)
    if found is None:
        raise SystemExit(
            f"corral: the built-in default {what} ({default}) was not found from "
            f"{Path.cwd()}; run from the corral repository or pass --{what} PATH"
        )
    return found


def _grammar_file(given: str) -> Path:
    """A grammar file given on the command line: a path, or the name of a
    shipped grammar (``json``, ``sql``, ...) where no such file exists."""
    p = Path(given)
    if not p.exists() and given.removesuffix(".lark") in grammars.names():
        return grammars.path(given)
    return p


def _tokenize(tokenizer_path: Path, text: str) -> list[int] | None:
    """The tokenizer's own encoding of `text` (the `tokenizers` library)."""
    try:
        from tokenizers import Tokenizer
    except ImportError:
        return None
    file = tokenizer_path / "tokenizer.json" if tokenizer_path.is_dir() else tokenizer_path
    ids: list[int] = Tokenizer.from_file(str(file)).encode(text, add_special_tokens=False).ids
    return ids


def cmd_inspect(args: argparse.Namespace) -> int:
    tok_path = _resolve(args.tokenizer, DEFAULT_TOKENIZER, "tokenizer")
    grammar_path = _grammar_file(args.grammar or DEFAULT_GRAMMAR)

    t0 = time.perf_counter()
    vocab = Vocabulary.from_file(tok_path, vocab_size=args.vocab_size)
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    nodes = vocab.trie_node_count
    t_trie = time.perf_counter() - t0

    kinds = {"normal": 0, "special": 0, "missing": 0}
    for i in range(vocab.vocab_size):
        kinds[vocab.token_kind(i)] += 1
    eos = ", ".join(f"{i} {vocab.special_token_name(i)}" for i in vocab.eos_token_ids)
    print(f"tokenizer  {tok_path}")
    print(f"  kind               {vocab.tokenizer_kind}")
    print(f"  logits width       {vocab.vocab_size} ids, mask {vocab.mask_words} int32 words")
    print(
        f"  ids                {kinds['normal']} ordinary, {kinds['special']} special, "
        f"{kinds['missing']} without a token"
    )
    print(f"  EOS                {eos}")
    print(f"  longest token      {vocab.max_token_len} bytes")
    print(f"  loaded in          {t_load * 1e3:.1f} ms")
    print(f"  token trie         {nodes} nodes, built in {t_trie * 1e3:.1f} ms")

    data = grammar_path.read_bytes()
    text = data.decode("utf-8")
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    print(f"grammar    {grammar_path}")
    print(f"  size               {len(data)} bytes, {lines} lines")
    ids = _tokenize(tok_path, text)
    if ids is None:
        print("  tokenization       skipped (the `tokenizers` package is not installed)")
        return 0
    got = vocab.decode_bytes(ids)
    nfc = unicodedata.normalize("NFC", text).encode("utf-8")
    if got == data:
        verdict = "exact"
    elif got in (b" " + data, b" " + nfc, nfc):
        verdict = "exact up to the tokenizer's normalizer (dummy-prefix space / NFC)"
    else:
        verdict = "MISMATCH"
    longest = max((len(vocab.token_bytes(i) or b"") for i in ids), default=0)
    print(
        f"  tokens             {len(ids)} ({len(data) / max(len(ids), 1):.2f} bytes/token, "
        f"{len(set(ids))} distinct, longest {longest} bytes)"
    )
    print(f"  corral's bytes     {verdict}")
    return 0 if verdict != "MISMATCH" else 1


def _whitespace_limit(args: argparse.Namespace) -> int | None:
    """`--whitespace-limit`: -1 (any negative) lifts the bound."""
    limit: int = args.whitespace_limit
    return None if limit < 0 else limit


def _load_grammar(args: argparse.Namespace) -> Grammar:
    return Grammar.from_file(
        _grammar_file(args.grammar_file),
        start=args.start,
        whitespace_limit=_whitespace_limit(args),
    )


def cmd_check(args: argparse.Namespace) -> int:
    try:
        g = _load_grammar(args)
    except GrammarError as e:
        print(e, file=sys.stderr)
        return 1
    for w in g.warnings:
        print(w, file=sys.stderr)
    named = [t for t in g.terminals if not t.startswith(('"', "/"))]
    print(
        f"{_grammar_file(args.grammar_file)}: ok ({len(g.rules)} rules after lowering, "
        f"{len(g.terminals)} terminals of which {len(named)} named, "
        f"{g.n_productions} productions, {len(g.warnings)} warnings)"
    )
    return 0


def _line_col(data: bytes, offset: int) -> tuple[int, int, bytes]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    line_end = data.find(b"\n", offset)
    if line_end < 0:
        line_end = len(data)
    line = data.count(b"\n", 0, offset) + 1
    col = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, col, data[line_start:line_end]


def cmd_test(args: argparse.Namespace) -> int:
    g = _load_grammar(args)
    if args.text is not None:
        data = args.text.encode("utf-8")
    elif args.input == "-":
        data = sys.stdin.buffer.read()
    elif args.input is not None:
        data = Path(args.input).read_bytes()
    else:
        raise SystemExit("corral test: give an INPUT file, `-` for stdin, or --text TEXT")
    m = g.matcher()
    ok = m.consume_bytes(data)
    if ok and m.is_accepting():
        print(f"accepted ({len(data)} bytes)")
        return 0
    if ok:
        line, col, text = _line_col(data, len(data))
        print(
            f"incomplete: the input ends at byte {len(data)} (line {line}, column {col}) "
            "before the grammar is complete"
        )
        expected = m.expected()
    else:
        pos = m.error_position or 0
        line, col, text = _line_col(data, pos)
        print(f"rejected at byte {pos} (line {line}, column {col}): {m.error()}")
        print(f"  {text.decode('utf-8', errors='replace')}")
        print("  " + " " * (col - 1) + "^")
        if g.whitespace_limit is not None and data[pos : pos + 1].isspace():
            free = Grammar.from_file(args.grammar_file, start=args.start, whitespace_limit=None)
            if free.matcher().consume_bytes(data[: pos + 1]):
                print(
                    f"the grammar bounds runs of ignored whitespace to {g.whitespace_limit} "
                    "characters (--whitespace-limit N sets the bound, -1 lifts it)"
                )
        return 1
    if expected:
        print("expected one of: " + ", ".join(expected))
    return 1


def cmd_sample(args: argparse.Namespace) -> int:
    g = _load_grammar(args)
    samples = g.sample(args.n, max_depth=args.max_depth, seed=args.seed)
    for s in samples:
        print(s)
    if len(samples) < args.n:
        print(f"corral sample: only {len(samples)} strings could be drawn", file=sys.stderr)
        return 1
    return 0


def _generate_grammar(args: argparse.Namespace) -> tuple[Grammar, str, str]:
    """The grammar a `generate` call asks for, a default prompt, and what it is."""
    import json

    limit = _whitespace_limit(args)
    if args.grammar is not None:
        path = _grammar_file(args.grammar)
        return Grammar.from_file(path, whitespace_limit=limit), "", f"grammar {path}"
    if args.regex is not None:
        return Grammar.from_regex(args.regex, whitespace_limit=limit), "", f"regex {args.regex}"
    if args.pydantic is not None:
        import importlib

        module, _, name = args.pydantic.partition(":")
        if not name:
            raise SystemExit("corral: --pydantic takes module:Model")
        sys.path.insert(0, str(Path.cwd()))
        model = getattr(importlib.import_module(module), name)
        g = Grammar.from_pydantic(model, whitespace_limit=limit)
        return g, f"JSON for a {name}:\n", f"pydantic {args.pydantic}"
    if args.sqlite is not None:
        from corral.sql import grammar_for_sqlite

        g = grammar_for_sqlite(args.sqlite, whitespace_limit=limit)
        return g, "SQL:\n", f"SQLite database {args.sqlite}"
    path = _resolve(args.schema, DEFAULT_SCHEMA, "schema")
    schema = json.loads(Path(path).read_text())
    title = schema.get("title") if isinstance(schema, dict) else None
    prompt = f"JSON for {title}:\n" if isinstance(title, str) else DEFAULT_PROMPT
    g = Grammar.from_json_schema(
        schema, additional_properties=args.additional_properties, whitespace_limit=limit
    )
    return g, prompt, f"JSON Schema {path}"


def cmd_generate(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from corral.generate import generate

    model_dir = _resolve(args.model, DEFAULT_MODEL, "model")
    grammar, default_prompt, what = _generate_grammar(args)
    prompt = args.prompt if args.prompt is not None else default_prompt
    if args.threads:
        torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    tok = AutoTokenizer.from_pretrained(model_dir)
    # float32 on the CPU (the weights are stored in float16).
    model: Any = AutoModelForCausalLM.from_pretrained(model_dir)
    model = model.float()
    model.eval()
    t_load = time.perf_counter() - t0
    print(f"# {model_dir} on {what}; prompt {prompt!r}", file=sys.stderr)
    result = generate(
        model,
        tok,
        prompt,
        grammar,
        max_new_tokens=args.max_new_tokens,
        temperature=args.temperature,
        top_k=args.top_k,
        top_p=args.top_p,
        seed=args.seed,
        jump_forward=not args.no_jump_forward,
        on_text=lambda s: print(s, end="", flush=True),
    )
    print()
    st = result.stats
    print(
        f"# {st.new_tokens} tokens ({st.forced_tokens} forced) in {st.seconds:.2f} s, "
        f"{st.tokens_per_second:.1f} tokens/s; {st.forward_passes} forward passes "
        f"{st.model_seconds:.2f} s; grammar {1000 * st.grammar_seconds:.1f} ms on the "
        f"critical path ({1000 * st.mask_seconds:.1f} ms of masks, overlapped); "
        f"stopped: {st.stop_reason}; model loaded in {t_load:.1f} s",
        file=sys.stderr,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="corral",
        description="Grammar-constrained generation for language models.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "inspect",
        help="load a tokenizer and a grammar file and report what corral makes of them",
    )
    p.add_argument(
        "--tokenizer",
        help=f"tokenizer folder or tokenizer.json (default: {DEFAULT_TOKENIZER})",
    )
    p.add_argument(
        "--grammar",
        help=f"grammar file or shipped grammar name (default: {DEFAULT_GRAMMAR}, shipped)",
    )
    p.add_argument("--vocab-size", type=int, help="the model's logits width, if wider")
    p.set_defaults(func=cmd_inspect)

    shipped = ", ".join(grammars.names())

    def whitespace_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--whitespace-limit",
            type=int,
            default=24,
            help="most characters in a run of ignored whitespace, part of the grammar's "
            "language (-1: unbounded; default 24, as in generation)",
        )

    def grammar_args(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "grammar_file",
            metavar="FILE.lark",
            help=f"a Lark grammar file, or a shipped grammar's name ({shipped})",
        )
        p.add_argument("--start", default="start", help="the start rule (default: start)")
        whitespace_arg(p)

    p = sub.add_parser("check", help="report a grammar's errors and warnings")
    grammar_args(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("test", help="does an input parse; where and why not")
    grammar_args(p)
    p.add_argument("input", nargs="?", help="input file, or - for stdin")
    p.add_argument("--text", help="the input as text on the command line")
    p.set_defaults(func=cmd_test)

    p = sub.add_parser("sample", help="print random strings of a grammar's language")
    grammar_args(p)
    p.add_argument("-n", type=int, default=10, help="how many (default 10)")
    p.add_argument("--max-depth", type=int, default=16, help="derivation depth bound")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser(
        "generate",
        help="generate text in a grammar's language with a local transformers model",
        description="Streams a model's constrained output, then a timing summary. With no "
        f"grammar option: the shipped example {DEFAULT_SCHEMA}.",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument("--schema", help="a JSON Schema file")
    src.add_argument("--pydantic", help="module:Model, a Pydantic model")
    src.add_argument("--grammar", help="a Lark grammar file, or a shipped grammar's name")
    src.add_argument("--regex", help="a regular expression (Python syntax)")
    src.add_argument("--sqlite", help="a SQLite database: statements over its tables")
    p.add_argument("--prompt", help="the prompt (default: one naming what to write)")
    p.add_argument("--model", help=f"a local transformers causal LM (default: {DEFAULT_MODEL})")
    p.add_argument("--max-new-tokens", type=int, default=256)
    p.add_argument("--temperature", type=float, default=0.0, help="0: greedy (default)")
    p.add_argument("--top-k", type=int, default=0)
    p.add_argument("--top-p", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=0)
    whitespace_arg(p)
    p.add_argument(
        "--additional-properties",
        action="store_true",
        help="let the model add keys a schema does not list where the schema does not say "
        "(JSON Schema's default); by default it writes only the listed ones, so that objects "
        "end",
    )
    p.add_argument("--no-jump-forward", action="store_true", help="a forward pass per token")
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    p.set_defaults(func=cmd_generate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except (CorralError, OSError, UnicodeDecodeError) as e:
        print(f"corral: error: {e}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
