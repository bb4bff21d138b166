"""Generation with the model and its logits on a CUDA device. Skipped where
no CUDA device is present (the project's CI machine has none); run on a
CUDA machine with `pytest tests/test_cuda.py`."""

from __future__ import annotations

import json
from typing import Any

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
if not torch.cuda.is_available():
    pytest.skip("no CUDA device", allow_module_level=True)

import corral  # noqa: E402
from conftest import TOKENIZER_DIR  # noqa: E402
from corral.decoding import generate  # noqa: E402
from corral.transformers import GrammarLogitsProcessor  # noqa: E402
from tiny_models import tiny_model  # noqa: E402

SCHEMA = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 10},
        "n": {"type": "integer", "minimum": 0, "maximum": 999},
        "tags": {"type": "array", "items": {"enum": ["x", "y"]}, "maxItems": 3},
    },
    "required": ["name", "n"],
    "additionalProperties": False,
}


def tiny_llama() -> tuple[Any, Any]:
    tok = transformers.AutoTokenizer.from_pretrained(TOKENIZER_DIR / "mistral-sp32k")
    tok.pad_token = tok.eos_token
    return tiny_model("llama", tok, seed=5, pad=64).cuda().eval(), tok


def in_language(grammar: corral.Grammar, text: str) -> bool:
    m = grammar.matcher()
    return m.consume_bytes(text.encode()) and m.is_accepting()


def test_apply_mask_on_cuda_equals_cpu() -> None:
    vocab = corral.Vocabulary.from_file(TOKENIZER_DIR / "gpt2", vocab_size=50304)
    cg = corral.compile(corral.Grammar.from_json_schema(SCHEMA), vocab)
    m = cg.matcher()
    mask = corral.allocate_bitmask(2, vocab.vocab_size)
    m.fill_mask(mask, 0)
    m.consume_tokens(vocab.tokens_with_prefix(b'{"')[:1])
    m.fill_mask(mask, 1)
    for dtype in (torch.float32, torch.float16, torch.bfloat16):
        logits = torch.randn(2, vocab.vocab_size, dtype=dtype)
        gpu = logits.cuda()
        corral.apply_mask(logits, mask)
        corral.apply_mask(gpu, mask)
        assert torch.equal(gpu.cpu(), logits)


@pytest.mark.parametrize(
    "mode",
    [
        {"do_sample": False},
        {"do_sample": True, "temperature": 1.2, "top_p": 0.9},
        {"do_sample": True, "num_return_sequences": 2},
        {"do_sample": False, "num_beams": 2, "num_return_sequences": 2},
    ],
)
def test_logits_processor_on_cuda(mode: dict[str, Any]) -> None:
    model, tok = tiny_llama()
    g = corral.Grammar.from_json_schema(SCHEMA, max_whitespace=2)
    proc = GrammarLogitsProcessor(g, tok)
    tok.padding_side = "left"
    inputs = tok(["JSON:", "A longer prompt:"], return_tensors="pt", padding=True).to("cuda")
    out = model.generate(
        **inputs,
        logits_processor=[proc],
        max_new_tokens=300,
        pad_token_id=tok.eos_token_id,
        **mode,
    )
    for text in tok.batch_decode(out[:, inputs["input_ids"].shape[1] :], skip_special_tokens=True):
        assert in_language(g, text.strip()), text
        json.loads(text)


def test_generate_on_cuda() -> None:
    model, tok = tiny_llama()
    g = corral.Grammar.from_json_schema(SCHEMA)
    for seed in range(3):
        r = generate(model, tok, "JSON:", g, temperature=1.0, seed=seed, max_new_tokens=300)
        assert r.stats.stop_reason in ("eos", "complete")
        assert in_language(g, r.text), r.text


@pytest.mark.parametrize("estimator", ["recursive", "geometric"])
def test_awrs_on_cuda_logits_is_the_masked_softmax(estimator: str) -> None:
    """AWRS on CUDA logits (keys and draws on the device, the head of the
    order copied back): chi-square against the brute-force masked softmax,
    and the weights' mean against the valid mass; adversarial logits so the
    mask decides often."""
    import numpy as np
    from test_awrs import adversarial, assert_exact, compiled, demo

    _, tok, _ = demo()
    m = compiled("lark", "sql").matcher()
    ids = tok("SELECT a FROM t WHERE ", add_special_tokens=False).input_ids
    assert m.consume_tokens(ids) == len(ids)
    logits = adversarial(m, 32768, seed=1, push=9.0)
    assert isinstance(logits, np.ndarray)
    _, fallbacks = assert_exact(
        m,
        logits,
        1000,
        seed=4,
        estimator=estimator,
        max_rejects=8,
        heavy_tailed=True,
        draw=torch.from_numpy(logits).cuda(),
        cuda=True,
    )
    assert fallbacks > 50
