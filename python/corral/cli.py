"""The ``corral`` command line.

- ``corral check FILE.lark``: errors and warnings, with line:column and a caret.
- ``corral test FILE.lark INPUT``: is the input in the language; if not, the
  byte, line and column where it stops being a viable prefix, and what was
  expected there.
- ``corral sample FILE.lark -n N``: random strings of the language.
- ``corral inspect``: a tokenizer and a grammar file as corral sees them.
- ``corral generate``: a model's output in a grammar's language, streamed
  (by default the built-in demo model on a shipped example schema).
- ``corral example-db``: a small SQLite database to try ``--sqlite`` on.

Every error a user can cause is one line, ``corral: error: ...``, and no
traceback: exit status 2 for bad arguments, 1 for other errors (an
incomplete output included), 130 after Ctrl-C.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from corral import grammars
from corral._core import CorralError, Grammar, GrammarError, Vocabulary

# Shipped inside the package (linked from the repository's models/demo and
# examples/ in a source checkout), so found from any working directory.
_PKG = Path(__file__).resolve().parent
DEFAULT_MODEL = _PKG / "_demo"
DEFAULT_TOKENIZER = DEFAULT_MODEL
DEFAULT_GRAMMAR = "json"
DEFAULT_SCHEMA = _PKG / "_examples" / "person.schema.json"
DEFAULT_PROMPT = "JSON for a person:\n"


class UserError(Exception):
    """A mistake in what the user asked for: one line, no traceback."""


def _resolve(given: str | None, default: Path, what: str) -> Path:
    path = Path(given) if given is not None else default
    if not path.exists():
        if given is None:
            raise UserError(f"the built-in default {what} ({default}) is missing from the install")
        raise UserError(f"no such {what}: {path}")
    return path


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
        print(f"corral: error: {e}", file=sys.stderr)
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
        raise UserError("test: give an INPUT file, `-` for stdin, or --text TEXT")
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
        print(f"corral: error: only {len(samples)} strings could be drawn", file=sys.stderr)
        return 1
    return 0


def _schema_options(args: argparse.Namespace) -> dict[str, Any]:
    """The JSON Schema compile options of `generate`: the profile, and the
    parts a flag overrides."""
    opts: dict[str, Any] = {"profile": args.profile}
    ws = args.whitespace
    if ws is not None:
        opts["whitespace"] = ws
    if args.additional_properties:
        opts["additional_properties"] = True
    if args.integer_fraction:
        opts["integer_fraction"] = True
    if args.escapes is not None:
        opts["escapes"] = args.escapes
    return opts


def _profile_summary(args: argparse.Namespace) -> str:
    gen = args.profile == "generate"
    ws = args.whitespace or ("json" if gen else "flexible")
    keys = "any keys" if args.additional_properties or not gen else "declared keys only"
    ints = "2.0 allowed" if args.integer_fraction or not gen else "integers without fraction"
    esc = args.escapes or ("minimal" if gen else "any")
    return f"profile {args.profile} (whitespace {ws}, {keys}, {ints}, {esc} escapes)"


def _generate_grammar(args: argparse.Namespace) -> tuple[Grammar, str, str]:
    """The grammar a `generate` call asks for, a default prompt, and what it is."""
    import json

    limit = _whitespace_limit(args)
    if args.grammar is not None:
        path = _grammar_file(args.grammar)
        if not path.is_file():
            raise UserError(f"no such grammar file: {path}")
        return Grammar.from_file(path, whitespace_limit=limit), "", f"grammar {path}"
    if args.regex is not None:
        return Grammar.from_regex(args.regex, whitespace_limit=limit), "", f"regex {args.regex}"
    if args.pydantic is not None:
        import importlib

        module, _, name = args.pydantic.partition(":")
        if not module or not name:
            raise UserError("--pydantic takes module:Model (a module on the path, a class in it)")
        sys.path.insert(0, str(Path.cwd()))
        try:
            cls = getattr(importlib.import_module(module), name)
        except ModuleNotFoundError as e:
            raise UserError(f"--pydantic {args.pydantic}: no module named {e.name!r}") from None
        except AttributeError:
            raise UserError(f"--pydantic {args.pydantic}: module {module} has no {name}") from None
        if not hasattr(cls, "model_json_schema"):
            raise UserError(f"--pydantic {args.pydantic}: {name} is not a Pydantic model class")
        g = Grammar.from_pydantic(cls, **_schema_options(args))
        what = f"pydantic {args.pydantic}, {_profile_summary(args)}"
        return g, f"JSON for a {name}:\n", what
    if args.sqlite is not None:
        from corral.sql import grammar_for_sqlite

        if not Path(args.sqlite).is_file():
            raise UserError(
                f"no such database: {args.sqlite} (`corral example-db {args.sqlite}` creates an "
                "example)"
            )
        g = grammar_for_sqlite(args.sqlite, whitespace_limit=limit)
        return g, "SQL:\n", f"SQLite database {args.sqlite}"
    path = _resolve(args.schema, DEFAULT_SCHEMA, "schema file")
    shown = "the example person.schema.json" if args.schema is None else str(path)
    try:
        schema = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise UserError(f"{path} is not JSON: {e}") from None
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text") from None
    title = schema.get("title") if isinstance(schema, dict) else None
    prompt = f"JSON for {title}:\n" if isinstance(title, str) else DEFAULT_PROMPT
    g = Grammar.from_json_schema(schema, **_schema_options(args))
    return g, prompt, f"JSON Schema {shown}, {_profile_summary(args)}"


def _threads(model: Any, asked: int) -> int:
    """`--threads`, or where 0: one thread for a small model (a token's work
    is too small to split, and on a busy machine more threads wait on each
    other), else the machine's cores up to 8."""
    import os

    if asked > 0:
        return asked
    params = sum(p.numel() for p in model.parameters())
    if params < 100_000_000:
        return 1
    return max(1, min(8, os.cpu_count() or 1))


def cmd_generate(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import torch
    import transformers
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from corral.decoding import _model_width, generate

    transformers.utils.logging.disable_progress_bar()  # type: ignore[no-untyped-call]

    model_dir = _resolve(args.model, DEFAULT_MODEL, "model directory")
    if not model_dir.is_dir() or not (model_dir / "config.json").is_file():
        raise UserError(f"{model_dir} is not a model directory (no config.json)")
    grammar, default_prompt, what = _generate_grammar(args)
    prompt = args.prompt if args.prompt is not None else default_prompt
    t0 = time.perf_counter()
    try:
        tok = AutoTokenizer.from_pretrained(model_dir)
        # float32 on the CPU (the weights are stored in float16).
        model: Any = AutoModelForCausalLM.from_pretrained(model_dir)
    except (OSError, ValueError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise UserError(f"cannot load the model in {model_dir}: {first}") from None
    model = model.float()
    model.eval()
    torch.set_num_threads(_threads(model, args.threads))
    t_load = time.perf_counter() - t0
    shown = "the demo model" if args.model is None else str(model_dir)
    print(f"# {shown} on {what}; prompt {prompt!r}", file=sys.stderr)
    draft: Any = args.draft
    if args.draft_state is not None:
        draft = _load_drafter(args.draft_state, args.draft, _model_width(model))
    try:
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
            draft=draft,
        )
    except KeyboardInterrupt:
        print(flush=True)
        print("corral: error: interrupted (the partial output is above)", file=sys.stderr)
        return 130
    print()
    st = result.stats
    print(
        f"# {st.new_tokens} tokens ({st.forced_tokens} forced) in {st.seconds:.2f} s, "
        f"{st.tokens_per_second:.1f} tokens/s; {st.forward_passes} forward passes "
        f"{st.model_seconds:.2f} s; grammar {1000 * st.grammar_seconds:.1f} ms on the "
        f"critical path ({1000 * st.mask_seconds:.1f} ms of masks, overlapped); "
        f"stopped: {st.stop_reason}; threads {torch.get_num_threads()}; model loaded in "
        f"{t_load:.1f} s",
        file=sys.stderr,
    )
    if args.draft is not None:
        print(
            f"# drafting ({args.draft}): {st.tokens_per_forward:.2f} tokens per forward pass; "
            f"{st.draft_accepted} of {st.draft_nodes} drafted tokens accepted; "
            f"{1000 * st.draft_seconds:.1f} ms drafting",
            file=sys.stderr,
        )
        if args.draft_state is not None:
            draft.save(args.draft_state)
    if not result.complete:
        print(
            f"corral: error: incomplete output: --max-new-tokens {args.max_new_tokens} ran out "
            "before the grammar's language was complete",
            file=sys.stderr,
        )
        return 1
    return 0


def _load_drafter(path: Path, source: str, width: int) -> Any:
    """The drafter saved at `path` (a warm start), or a new one."""
    from corral import CorralError, Drafter

    if not path.exists():
        return Drafter(width, source=source)  # type: ignore[arg-type]
    try:
        d = Drafter.load(path)
    except (OSError, CorralError) as e:
        raise UserError(f"cannot read the drafter state {path}: {e}") from None
    if d.source != source or d.vocab_size != width:
        raise UserError(
            f"the drafter state {path} is for --draft {d.source} and {d.vocab_size} tokens, "
            f"not --draft {source} and this model's {width}"
        )
    return d


def cmd_example_db(args: argparse.Namespace) -> int:
    import sqlite3

    from corral.sql import example_database

    try:
        path = example_database(args.path)
    except FileExistsError as e:
        raise UserError(str(e)) from None
    except sqlite3.Error as e:
        raise UserError(f"cannot create a database at {args.path}: {e}") from None
    print(f"{path}: customers, products and orders; try `corral generate --sqlite {path}`")
    return 0


def _int_from(low: int, what: str) -> Callable[[str], int]:
    """An argparse type: an integer of at least `low` (`what` says so)."""

    def parse(s: str) -> int:
        try:
            v = int(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {s!r}") from None
        if v < low:
            raise argparse.ArgumentTypeError(f"must be {what}, got {v}")
        return v

    return parse


_positive_int = _int_from(1, "at least 1")
_count = _int_from(0, "0 or more")


def _temperature(s: str) -> float:
    try:
        v = float(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {s!r}") from None
    if not 0 <= v < float("inf"):
        raise argparse.ArgumentTypeError(f"must be 0 (greedy) or more, got {s}")
    return v


def _probability(s: str) -> float:
    try:
        v = float(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {s!r}") from None
    if not 0 < v <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {s}")
    return v


def _whitespace_style(s: str) -> str:
    if s in ("json", "compact", "flexible") or (
        s.startswith("indent:") and s[7:].isdigit() and int(s[7:]) <= 16
    ):
        return s
    raise argparse.ArgumentTypeError(
        f"one of json, compact, flexible, indent:N (N from 0 to 16); got {s!r}"
    )


class _Parser(argparse.ArgumentParser):
    """argparse with corral's one error prefix."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"corral: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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
        help="tokenizer folder or tokenizer.json (default: the demo model's tokenizer)",
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
    p.add_argument(
        "--model",
        help="a local transformers causal LM directory (default: the built-in demo model)",
    )
    p.add_argument(
        "--max-new-tokens",
        type=_positive_int,
        default=256,
        help="most tokens to generate (default 256); an output cut off by it exits 1",
    )
    p.add_argument(
        "--temperature", type=_temperature, default=0.0, help="0: greedy (default); > 0 samples"
    )
    p.add_argument(
        "--top-k", type=_count, default=0, help="sample among the k likeliest tokens (0: all)"
    )
    p.add_argument(
        "--top-p",
        type=_probability,
        default=1.0,
        help="sample among the likeliest tokens of this much mass (1: all)",
    )
    p.add_argument("--seed", type=int, default=0, help="random seed for sampling (default 0)")
    whitespace_arg(p)
    p.add_argument(
        "--profile",
        choices=["generate", "validate"],
        default="generate",
        help="for --schema and --pydantic: generate (default) writes a valid instance the "
        "conventional way (json.dumps separators, declared keys only, integers without "
        "fraction); validate allows the schema's whole language",
    )
    p.add_argument(
        "--whitespace",
        type=_whitespace_style,
        help="JSON layout: json (', ' and ': ', the generate profile's), compact (',' and "
        "':'), indent:N (as json.dumps(indent=N) writes it), flexible (any whitespace, runs "
        "bounded; the validate profile's)",
    )
    p.add_argument(
        "--additional-properties",
        action="store_true",
        help="let the model add keys a schema does not list where the schema does not say "
        "(JSON Schema's default); by default it writes only the listed ones, so that objects "
        "end",
    )
    p.add_argument(
        "--integer-fraction",
        action="store_true",
        help="let integers be written with a zero fraction (2.0), as JSON Schema allows; by "
        "default they are digits alone",
    )
    p.add_argument(
        "--escapes",
        choices=["minimal", "any"],
        help="how strings are spelled: minimal (as json.dumps(s, ensure_ascii=False) writes "
        "them, the generate profile's), any (any escape JSON allows, \\u0041 for A included; "
        "the validate profile's)",
    )
    p.add_argument("--no-jump-forward", action="store_true", help="a forward pass per token")
    p.add_argument(
        "--draft",
        choices=["recycling", "ngram", "both"],
        help="speculative decoding with draft trees the grammar prunes: recycling (the model's "
        "own top-k after each token), ngram (tri-grams of the prompt and output) or both; the "
        "output is the same, in fewer forward passes",
    )
    p.add_argument(
        "--draft-state",
        type=Path,
        metavar="FILE",
        help="with --draft: load the drafter from FILE if it exists and save it there after, so "
        "what it learned carries over to the next run",
    )
    p.add_argument(
        "--threads",
        type=_count,
        default=0,
        help="torch threads (default 0: one for a model under 100M parameters, such as the "
        "demo model, else the cores up to 8; more threads than free cores slow generation "
        "down many times)",
    )
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser(
        "example-db", help="create a small SQLite database to try `generate --sqlite` on"
    )
    p.add_argument("path", nargs="?", default="app.db", help="where (default: app.db)")
    p.set_defaults(func=cmd_example_db)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "draft_state", None) is not None and args.draft is None:
        parser.error("--draft-state goes with --draft")
    if getattr(args, "draft", None) is not None and args.no_jump_forward:
        parser.error(
            "--draft drafts forced tokens as certain; it does not go with --no-jump-forward"
        )
    try:
        code: int = args.func(args)
    except UserError as e:
        print(f"corral: error: {e}", file=sys.stderr)
        return 1
    except (CorralError, OSError, UnicodeDecodeError, ValueError) as e:
        print(f"corral: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ncorral: error: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
