"""Trains corral's built-in demo model: a small Llama-style causal LM that makes
`corral generate` work on a fresh machine with no download.

The text is all offline and in this repository or the Python environment:

- JSON: the valid instances of the JSONSchemaBench dev sample
  (`tests/data/jsonschemabench-dev`), each after a one-line header naming what
  it is (the schema's title or description), as `corral generate` prompts;
- synthetic JSON: `--synth N` more instances per dev schema, written by
  `tools/json_synth.py` with short values and checked by `jsonschema`;
- SQL: the SQLite statements of `tests/data/sql/*.sql`;
- English prose: the long descriptions of the installed Python packages
  (their `METADATA`).

The tokenizer is Mistral's SentencePiece 32k vocabulary
(`tests/data/tokenizers/mistral-sp32k`, Apache-2.0). The weights are saved in
float16 (under 25 MB) to `models/demo` with the tokenizer files beside them.

The shipped model (see `models/demo/README.md` for the exact command):

    python tools/train_demo_model.py --synth 40 --corpus corpus.npz --build-only
    python tools/train_demo_model.py --corpus corpus.npz --device cuda --minutes 2.3 \
        --seq 1024 --batch 32 --lr 2e-3 --weight-decay 0.1 \
        --hidden 192 --layers 8 --heads 6 --intermediate 512

The first command builds the token file (it needs corral and jsonschema); the
second trains from it alone (torch and transformers), so it can run on a
machine with a GPU. It also runs on a CPU (`--device cpu`, the default), far
slower. `--holdout 4` leaves every fourth dev schema out and reports the loss
on its instances, to measure how the model does on schemas it never saw.

Commit new weights rarely: each commit adds their size to the repository.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import math
import random
import re
import shutil
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKENIZER = ROOT / "tests/data/tokenizers/mistral-sp32k"
OUT = ROOT / "models/demo"


def dev_files(holdout: int) -> list[Path]:
    """The dev schemas trained on: all, or all but every `holdout`-th from the
    second (`[1::holdout]`, disjoint from the `[::4]` the tests generate for)."""
    files = sorted((ROOT / "tests/data/jsonschemabench-dev").glob("*.json"))
    return [f for i, f in enumerate(files) if not holdout or i % holdout != 1]


def dump(value: object, rng: random.Random) -> str:
    """One of the layouts a JSON grammar allows and models write: compact,
    spaced, indented."""
    layout = rng.randrange(3)
    if layout == 0:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return json.dumps(value, indent=2 if layout == 2 else None, ensure_ascii=False)


def json_docs(files: list[Path], rng: random.Random, synth: int) -> tuple[list[str], list[str]]:
    """The real valid instances (each in two layouts), and `synth` synthetic
    ones per schema (tools/json_synth.py), after the prompt's header."""
    from corral.decoding import schema_prompt
    from json_synth import Pool, instances

    cases = []
    pool = Pool()
    for f in files:
        d = json.loads(f.read_text())
        schema = d.get("schema")
        if not isinstance(schema, dict):
            continue
        valid = [t["data"] for t in d.get("tests", []) if t.get("valid")]
        for v in valid:
            pool.add(v)
        # The prompt `corral generate` and the benches use, without its newline.
        cases.append((schema_prompt(schema, f.stem).rstrip("\n"), schema, valid))
    real, fake = [], []
    for head, schema, valid in cases:
        for v in valid:
            for indent in (None, 2):
                body = json.dumps(v, indent=indent, ensure_ascii=False)
                if len(body) < 6000:
                    real.append(f"{head}\n{body}")
        for v in instances(schema, pool, rng, synth):
            fake.append(f"{head}\n{dump(v, rng)}")
    return real, fake


def sql_docs() -> list[str]:
    docs = []
    for f in sorted((ROOT / "tests/data/sql").glob("*.sql")):
        for stmt in f.read_text().split(";\n"):
            stmt = stmt.strip()
            if 10 < len(stmt) < 2000 and not stmt.startswith("--"):
                docs.append(f"SQL:\n{stmt};")
    return docs


def prose_docs() -> list[str]:
    docs = []
    for dist in importlib.metadata.distributions():
        body = dist.metadata.get_payload()  # type: ignore[attr-defined]
        if not isinstance(body, str):
            continue
        for para in re.split(r"\n\s*\n", body):
            para = " ".join(para.split())
            # Sentences, not tables, code or badges.
            if len(para) > 200 and para.count(" ") > 25 and not re.search(r"[|`<>{}\[\]]", para):
                docs.append(para)
    return docs


def build_corpus(args: argparse.Namespace) -> dict[str, object]:
    """Token ids of the shuffled documents, each as BOS text EOS, and where
    each document starts."""
    import numpy as np
    from transformers import AutoTokenizer

    rng = random.Random(args.seed)
    tok = AutoTokenizer.from_pretrained(TOKENIZER)
    real, fake = json_docs(dev_files(args.holdout), rng, args.synth)
    sql, prose = sql_docs(), prose_docs()
    print(f"documents: {len(real)} JSON, {len(fake)} synthetic, {len(sql)} SQL, {len(prose)} prose")
    # JSON is what the demo is for: it gets most of the stream.
    docs = real * args.json_weight + fake + sql + prose
    rng.shuffle(docs)
    ids: list[int] = []
    starts: list[int] = []
    for d in docs:
        starts.append(len(ids))
        ids.append(tok.bos_token_id)
        ids.extend(tok.encode(d, add_special_tokens=False))
        ids.append(tok.eos_token_id)
    held: list[int] = []
    if args.holdout:
        every = sorted((ROOT / "tests/data/jsonschemabench-dev").glob("*.json"))
        out, _ = json_docs(every[1 :: args.holdout], random.Random(1), 0)
        for d in out:
            held.append(tok.bos_token_id)
            held.extend(tok.encode(d, add_special_tokens=False))
            held.append(tok.eos_token_id)
    return {
        "ids": np.array(ids, dtype=np.uint16),
        "starts": np.array(starts, dtype=np.int64),
        "held": np.array(held, dtype=np.uint16),
        "meta": np.array([len(tok), tok.bos_token_id, tok.eos_token_id], dtype=np.int64),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--minutes", type=float, default=40.0, help="training time budget")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--device", default="cpu", help="cpu, or cuda (bfloat16 autocast)")
    ap.add_argument("--seq", type=int, default=384)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--hidden", type=int, default=192)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--intermediate", type=int, default=512)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument(
        "--init", type=Path, help="continue from the weights in this folder (a second stage)"
    )
    ap.add_argument(
        "--json-weight", type=int, default=3, help="copies of the real JSON documents in the stream"
    )
    ap.add_argument("--synth", type=int, default=0, help="synthetic JSON instances per schema")
    ap.add_argument(
        "--holdout",
        type=int,
        default=0,
        help="leave every K-th dev schema (from the second) out of training, and report "
        "the loss on its instances",
    )
    ap.add_argument(
        "--corpus",
        type=Path,
        help="token file (.npz): read it if it exists, else build it and write it there",
    )
    ap.add_argument("--build-only", action="store_true", help="write --corpus and stop")
    args = ap.parse_args()

    import numpy as np
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    if args.corpus is not None and args.corpus.exists():
        corpus = dict(np.load(args.corpus))
    else:
        corpus = build_corpus(args)
        if args.corpus is not None:
            np.savez_compressed(args.corpus, **corpus)  # type: ignore[arg-type]
    if args.build_only:
        return 0
    vocab_size, bos, eos = (int(x) for x in corpus["meta"])  # type: ignore[union-attr]
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    dev = torch.device(args.device)
    data = torch.from_numpy(corpus["ids"].astype(np.int64)).to(dev)  # type: ignore[union-attr]
    starts = torch.from_numpy(corpus["starts"]).to(dev)  # type: ignore[arg-type]
    starts = starts[starts < len(data) - args.seq - 1]
    held = torch.from_numpy(corpus["held"].astype(np.int64)).to(dev)  # type: ignore[union-attr]
    print(f"tokens: {len(data)}, held out: {len(held)}")

    cfg = LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=args.hidden,
        intermediate_size=args.intermediate,
        num_hidden_layers=args.layers,
        num_attention_heads=args.heads,
        num_key_value_heads=args.heads,
        max_position_embeddings=2048,
        tie_word_embeddings=True,
        bos_token_id=bos,
        eos_token_id=eos,
        pad_token_id=eos,
    )
    model = LlamaForCausalLM(cfg)
    if args.init is not None:
        model = LlamaForCausalLM.from_pretrained(args.init).float()
    model.to(dev)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"parameters: {n_params / 1e6:.2f} M")
    opt = torch.optim.AdamW(
        model.parameters(), lr=args.lr, weight_decay=args.weight_decay, betas=(0.9, 0.95)
    )
    offsets = torch.arange(args.seq, device=dev)

    def held_loss() -> float:
        model.eval()
        total, n = 0.0, 0
        with torch.no_grad(), torch.autocast(dev.type, torch.bfloat16, enabled=dev.type == "cuda"):
            for s in range(0, len(held) - args.seq, args.seq):
                x = held[s : s + args.seq][None]
                total += model(input_ids=x, labels=x).loss.item()
                n += 1
        model.train()
        return total / max(n, 1)

    budget = args.minutes * 60
    t0 = time.time()
    step = 0
    warm = 50
    model.train()
    while True:
        elapsed = time.time() - t0
        if elapsed > budget:
            break
        frac = elapsed / budget
        cosine = 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac))
        lr = args.lr * min(1.0, (step + 1) / warm) * cosine
        for g in opt.param_groups:
            g["lr"] = lr
        # Windows start at a document's BOS, as generation does.
        first = starts[torch.randint(0, len(starts), (args.batch,), device=dev)]
        x = data[first[:, None] + offsets]
        with torch.autocast(dev.type, torch.bfloat16, enabled=dev.type == "cuda"):
            out = model(input_ids=x, labels=x)
        opt.zero_grad(set_to_none=True)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 200 == 0:
            extra = f" held-out {held_loss():.3f}" if len(held) > args.seq else ""
            print(
                f"step {step} loss {out.loss.item():.3f}{extra} lr {lr:.2e} {elapsed:.0f}s",
                flush=True,
            )
        step += 1
    if len(held) > args.seq:
        print(f"final held-out loss {held_loss():.3f}")
    model.eval()
    args.out.mkdir(parents=True, exist_ok=True)
    model.to("cpu", torch.float16).save_pretrained(args.out, safe_serialization=True)
    if TOKENIZER.exists():
        for f in TOKENIZER.iterdir():
            shutil.copy(f, args.out / f.name)
    print(f"saved to {args.out} after {step} steps")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
