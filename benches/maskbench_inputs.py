"""maskbench's inputs: the JSONSchemaBench dev instances and the tokenizers.

Shared by benches/maskbench.py and benches/schemabench.py.
"""

from __future__ import annotations

import json
import os
import platform
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TOKENIZERS = ROOT / "tests" / "data" / "tokenizers"
DEV = ROOT / "tests" / "data" / "jsonschemabench-dev"
JSON_LARK = ROOT / "grammars" / "json.lark"
clock = time.perf_counter_ns


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


def cpu() -> str:
    """The machine's processor and core count, for a report's header."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return f"{line.split(':', 1)[1].strip()}, {os.cpu_count()} CPUs"
    except OSError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} CPUs"
