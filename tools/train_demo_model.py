"""Trains corral's built-in demo model: a small Llama-style causal LM that makes
`corral generate` work on a fresh machine with no download.

The text is all offline and in this repository or the Python environment:

- JSON: the valid instances of the JSONSchemaBench dev sample
  (`tests/data/jsonschemabench-dev`), each after a one-line header naming what
  it is (the schema's title or description), as `corral generate` prompts;
- SQL: the SQLite statements of `tests/data/sql/*.sql`;
- English prose: the long descriptions of the installed Python packages
  (their `METADATA`).

The tokenizer is Mistral's SentencePiece 32k vocabulary
(`tests/data/tokenizers/mistral-sp32k`, Apache-2.0). The weights are saved in
float16 (under 25 MB) to `models/demo` with the tokenizer files beside them.

    python tools/train_demo_model.py --minutes 40 --threads 1

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

from corral.generate import schema_prompt

ROOT = Path(__file__).resolve().parent.parent
TOKENIZER = ROOT / "tests/data/tokenizers/mistral-sp32k"
OUT = ROOT / "models/demo"


def json_docs(rng: random.Random) -> list[str]:
    docs = []
    for f in sorted((ROOT / "tests/data/jsonschemabench-dev").glob("*.json")):
        d = json.loads(f.read_text())
        schema = d.get("schema", {})
        if not isinstance(schema, dict):
            continue
        # The prompt `corral generate` and the benches use, without its newline.
        head = schema_prompt(schema, f.stem).rstrip("\n")
        for t in d.get("tests", []):
            if not t.get("valid"):
                continue
            # The layouts a JSON grammar allows and models write: compact,
            # spaced, indented.
            for indent in (None, 2):
                body = json.dumps(t["data"], indent=indent, ensure_ascii=False)
                if len(body) < 6000:
                    docs.append(f"{head}\n{body}")
    return docs


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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--minutes", type=float, default=40.0, help="training time budget")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--seq", type=int, default=384)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument(
        "--init", type=Path, help="continue from the weights in this folder (a second stage)"
    )
    ap.add_argument(
        "--json-weight", type=int, default=3, help="copies of the JSON documents in the stream"
    )
    args = ap.parse_args()

    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    tok = AutoTokenizer.from_pretrained(TOKENIZER)
    js, sql, prose = json_docs(rng), sql_docs(), prose_docs()
    print(f"documents: {len(js)} JSON, {len(sql)} SQL, {len(prose)} prose")
    # JSON is what the demo is for: it gets most of the stream.
    docs = js * args.json_weight + sql + prose
    rng.shuffle(docs)
    ids: list[int] = []
    for d in docs:
        ids.append(tok.bos_token_id)
        ids.extend(tok.encode(d, add_special_tokens=False))
        ids.append(tok.eos_token_id)
    data = torch.tensor(ids, dtype=torch.long)
    print(f"tokens: {len(ids)}")

    cfg = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=192,
        intermediate_size=512,
        num_hidden_layers=4,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=2048,
        tie_word_embeddings=True,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.eos_token_id,
    )
    model = LlamaForCausalLM(cfg)
    if args.init is not None:
        model = LlamaForCausalLM.from_pretrained(args.init).float()
    n_params = sum(p.numel() for p in model.parameters())
    print(f"parameters: {n_params / 1e6:.1f} M")
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01, betas=(0.9, 0.95))
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
        starts = torch.randint(0, len(data) - args.seq - 1, (args.batch,))
        x = torch.stack([data[s : s + args.seq] for s in starts.tolist()])
        out = model(input_ids=x, labels=x)
        opt.zero_grad(set_to_none=True)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 50 == 0:
            print(f"step {step} loss {out.loss.item():.3f} lr {lr:.2e} {elapsed:.0f}s", flush=True)
        step += 1
    model.eval()
    args.out.mkdir(parents=True, exist_ok=True)
    model.to(torch.float16).save_pretrained(args.out, safe_serialization=True)
    for f in TOKENIZER.iterdir():
        shutil.copy(f, args.out / f.name)
    print(f"saved to {args.out} after {step} steps")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
