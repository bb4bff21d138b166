"""The ``corral`` command line.

``corral inspect`` loads a tokenizer and a grammar file and reports what
corral makes of them: the vocabulary as bytes (kinds, special tokens, EOS,
mask width), the token trie, and how the tokenizer splits the grammar file,
checked byte for byte against corral's token bytes.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from corral._core import CorralError, Vocabulary

DEFAULT_TOKENIZER = Path("tests/data/tokenizers/llama3")
DEFAULT_GRAMMAR = Path("grammars/json.lark")


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
    grammar_path = _resolve(args.grammar, DEFAULT_GRAMMAR, "grammar")

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
    p.add_argument("--grammar", help=f"grammar file (default: {DEFAULT_GRAMMAR})")
    p.add_argument("--vocab-size", type=int, help="the model's logits width, if wider")
    p.set_defaults(func=cmd_inspect)
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
