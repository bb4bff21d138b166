"""The built-in demo model (models/demo): greedy constrained generation on the
JSONSchemaBench dev schemas, every finished output validates, and the main
job (`corral generate`) runs.

How many finish within 512 tokens is a ratchet below what the demo model
reaches today (about 91%, `benches/demo_dev.py`; the target is 90%). The
unfinished ones are long outputs of schemas with many properties, or greedy
loops inside unbounded parts (digits of a number, pattern text); every one
of them is still a viable prefix.
"""

from __future__ import annotations

import decimal
import functools
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import corral  # noqa: E402
from conftest import DATA  # noqa: E402
from corral.decoding import generate, schema_prompt  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "models/demo"


@functools.cache
def demo() -> tuple[Any, Any, corral.Vocabulary]:
    tok = transformers.AutoTokenizer.from_pretrained(DEMO)
    model = transformers.AutoModelForCausalLM.from_pretrained(DEMO).float().eval()
    vocab = corral.Vocabulary.from_hf(tok, vocab_size=model.config.vocab_size)
    return model, tok, vocab


def validate(text: str, schema: Any) -> None:
    """Validates the JSON text; a number a float cannot hold (past 1e308, or
    a `multipleOf` on more digits than a float keeps) is read again as an
    exact Decimal."""
    try:
        jsonschema.validate(json.loads(text), schema)
    except jsonschema.ValidationError:
        with decimal.localcontext(prec=len(text) + 10):
            jsonschema.validate(json.loads(text, parse_float=decimal.Decimal), schema)


def test_demo_model_fits_the_budget() -> None:
    size = sum(f.stat().st_size for f in DEMO.iterdir())
    assert size <= 25 * 2**20
    assert (DEMO / "model.safetensors").stat().st_size < 20 * 2**20


@pytest.mark.slow
def test_demo_model_on_dev_schemas() -> None:
    model, tok, vocab = demo()
    files = sorted((DATA / "jsonschemabench-dev").glob("*---*.json"))[::4]
    ran = finished = 0
    failures = []
    for f in files:
        schema = json.loads(f.read_text())["schema"]
        try:
            # As `corral generate` does: only the keys a schema lists.
            g = corral.Grammar.from_json_schema(schema, additional_properties=False)
        except corral.CorralError:
            continue  # refused (reported by the schema tests)
        cg = corral.compile(g, vocab)
        r = generate(model, tok, schema_prompt(schema, f.stem), cg, max_new_tokens=512)
        ran += 1
        if r.stats.stop_reason == "max_new_tokens":
            assert cg.matcher().consume_tokens(r.tokens) == len(r.tokens), f.stem
            failures.append(f.stem)
            continue
        finished += 1
        validate(r.text, schema)
    assert ran >= 80
    assert finished >= 0.85 * ran, f"{finished} of {ran} finished; unfinished: {failures[:10]}"


@pytest.mark.slow
def test_main_job_runs() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "corral.cli", "generate", "--threads", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    schema = json.loads((ROOT / "examples/person.schema.json").read_text())
    jsonschema.validate(json.loads(out.stdout), schema)
    assert "tokens/s" in out.stderr and "stopped:" in out.stderr
