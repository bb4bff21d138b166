"""No false rejects: every token of every valid JSONSchemaBench dev instance,
tokenized canonically, is allowed by the mask under grammars/json.lark, and
EOS is allowed at the end."""

from __future__ import annotations

import json
from pathlib import Path

import corral
import numpy as np
import pytest
from conftest import corral_vocab, hf_tokenizer

DATA = Path(__file__).parent / "data" / "jsonschemabench-dev"


def valid_instances() -> list[str]:
    out = []
    for f in sorted(DATA.glob("*.json")):
        if f.name == "index.json":
            continue
        for t in json.loads(f.read_text(encoding="utf-8"))["tests"]:
            if t["valid"]:
                out.append(json.dumps(t["data"], ensure_ascii=False))
    return out


DOCS = valid_instances()


def test_dev_sample_is_there() -> None:
    assert len(DOCS) >= 400


@pytest.mark.parametrize("name", ["llama3", "qwen3", "tekken", "o200k"])
def test_every_valid_token_is_allowed(name: str) -> None:
    vocab = corral_vocab(name)
    tok = hf_tokenizer(name)
    cg = corral.compile(corral.Grammar.from_file(DATA.parents[2] / "grammars" / "json.lark"), vocab)
    bm = corral.allocate_bitmask(1, vocab.vocab_size)
    row = bm[0].view(np.uint32)
    rejects = []
    for doc in DOCS:
        m = cg.matcher()
        for i, t in enumerate(tok.encode(doc, add_special_tokens=False).ids):
            m.fill_mask(bm)
            if not (row[t >> 5] >> np.uint32(t & 31)) & 1:
                rejects.append((doc[:60], i, t))
                break
            assert m.consume(t), m.error()
        else:
            m.fill_mask(bm)
            eos = vocab.eos_token_id
            assert (row[eos >> 5] >> np.uint32(eos & 31)) & 1, doc[:60]
    assert not rejects, f"{len(rejects)} false rejects, e.g. {rejects[:3]}"
