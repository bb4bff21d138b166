"""`generate(..., sampler="awrs")` and constraints with a Python check
(`corral.Constraint`): SQL that must pass EXPLAIN on the live database, JSON
that must validate with jsonschema; the mask path refuses them."""

from __future__ import annotations

import functools
import json
import sqlite3
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import corral  # noqa: E402
from corral.decoding import generate, schema_prompt  # noqa: E402
from corral.sql import grammar_for_sqlite  # noqa: E402
from corral.transformers import GrammarLogitsProcessor  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "models/demo"
DEV = ROOT / "tests/data/jsonschemabench-dev"


@functools.cache
def demo() -> tuple[Any, Any, corral.Vocabulary]:
    tok = transformers.AutoTokenizer.from_pretrained(DEMO)
    model = transformers.AutoModelForCausalLM.from_pretrained(DEMO).float().eval()
    return model, tok, corral.Vocabulary.from_hf(tok, vocab_size=model.config.vocab_size)


SHOP = """
CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, balance REAL);
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id),
                    total NUMERIC, note TEXT);
"""


@pytest.mark.slow
def test_sql_check_follows_the_live_database() -> None:
    """The grammar is read from the database once; the check asks the
    database as it is now. After a table is dropped, no statement names it,
    and every statement compiles."""
    model, tok, vocab = demo()
    conn = sqlite3.connect(":memory:")
    conn.executescript(SHOP)
    c = grammar_for_sqlite(conn, check=True)
    assert isinstance(c, corral.Constraint)
    grammar = c.grammar
    assert isinstance(grammar, corral.Grammar)
    before = grammar.sample(60, seed=1)
    assert any("orders" in s for s in before)
    assert c.check(b"SELECT name FROM customers", True)
    assert not c.check(b"SELECT nothing FROM nowhere", True)
    assert c.check(b"SELECT nothing FROM nowh", False)  # prefixes are left to the grammar
    conn.execute("DROP TABLE orders")
    assert all(c.check(s.encode(), True) == ("orders" not in s) for s in before)
    done = 0
    for seed in range(8):
        try:
            r = generate(
                model, tok, "SQL:\n", c, sampler="awrs", temperature=1.0, seed=seed, vocab=vocab
            )
        except corral.CorralError as e:
            # The check sees whole statements only: one that named the
            # dropped table is a dead end at its end (SMC drops those).
            assert "check refuses" in str(e)
            continue
        assert r.stats.stop_reason == "eos", r.text
        conn.execute("EXPLAIN " + r.text)
        assert "orders" not in r.text
        assert r.stats.checks > 0
        done += 1
    assert done >= 3


LOOKAROUND = {
    "type": "object",
    "properties": {"code": {"type": "string", "pattern": "^(?!ab)[a-c]{2,4}$"}},
    "required": ["code"],
    "additionalProperties": False,
}


def test_json_schema_constraint_checks_complete_instances() -> None:
    """Look-around is approximated in lenient mode (the grammar is a
    superset); the check makes EOS follow only a valid instance."""
    with pytest.raises(corral.SchemaNotSupportedError):
        corral.Grammar.from_json_schema(LOOKAROUND)
    # The validate profile: the tokenizer's leading space is whitespace it allows.
    c = corral.Constraint.from_json_schema(LOOKAROUND, lenient=True, profile="validate")
    _, tok, vocab = demo()
    cg = corral.compile(c.grammar, vocab)
    eos = vocab.eos_token_ids[0]
    # A model that only ends (trailing whitespace, which the grammar
    # allows, has no probability).
    logits = np.full(vocab.vocab_size, -np.inf, dtype=np.float32)
    logits[eos] = 0.0
    for text, ok in [
        ('{"code": "ba"}', True),
        ('{"code": "abc"}', False),
        ('{"code": "cc"}', True),
    ]:
        m = cg.matcher()
        ids = tok(text, add_special_tokens=False).input_ids
        assert m.consume_tokens(ids) == len(ids) and m.is_accepting()
        assert ok == jsonschema.Draft202012Validator(LOOKAROUND).is_valid(json.loads(text))
        if ok:
            assert corral.awrs(logits, m, check=c.check)[0] == eos
        else:
            # The check refuses EOS: a dead end, which SMC drops and AWRS
            # reports.
            with pytest.raises(corral.CorralError, match="no token"):
                corral.awrs(logits, m, check=c.check)


def test_mask_path_refuses_a_python_check() -> None:
    model, tok, vocab = demo()
    c = corral.Constraint.from_json_schema(LOOKAROUND, lenient=True)
    with pytest.raises(ValueError, match="sampler='awrs'"):
        generate(model, tok, "JSON:\n", c, temperature=1.0, vocab=vocab)
    with pytest.raises(ValueError, match="sampler='awrs'"):
        GrammarLogitsProcessor(c, tok)
    g = corral.Grammar.from_json_schema({"type": "integer"})
    with pytest.raises(ValueError, match="greedy"):
        generate(model, tok, "JSON:\n", g, sampler="awrs", temperature=0.0, vocab=vocab)
    with pytest.raises(ValueError, match="sampler"):
        generate(model, tok, "JSON:\n", g, sampler="beam", vocab=vocab)  # type: ignore[arg-type]


@pytest.mark.slow
def test_awrs_generation_is_valid_on_dev_schemas() -> None:
    model, tok, vocab = demo()
    names = sorted(p.name for p in DEV.glob("*.json"))[::50][:6]
    finished = 0
    for i, name in enumerate(names):
        schema = json.loads((DEV / name).read_text())
        g = corral.Grammar.from_json_schema(schema)
        r = generate(
            model,
            tok,
            schema_prompt(schema, name),
            g,
            sampler="awrs",
            temperature=1.0,
            seed=i,
            max_new_tokens=256,
            vocab=vocab,
        )
        assert r.stats.checks >= r.stats.new_tokens - r.stats.forced_tokens
        if r.stats.stop_reason == "max_new_tokens":
            continue
        finished += 1
        jsonschema.validate(json.loads(r.text), schema)
    assert finished >= 4
