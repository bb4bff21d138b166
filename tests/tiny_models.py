"""Tiny random causal language models of each family, for tests that need a
model's shapes and cache, not its quality (2 layers, hidden size 32)."""

from __future__ import annotations

from typing import Any

import torch
import transformers

FAMILIES = ("llama", "qwen", "mistral", "gpt2")


def tiny_model(
    kind: str,
    tok: Any,
    *,
    seed: int,
    pad: int = 0,
    heads: int = 2,
    kv_heads: int = 2,
) -> Any:
    """A random `kind` model (see `FAMILIES`) over `tok`'s vocabulary, `pad`
    logits wider (as models pad their vocabulary), in eval mode."""
    torch.manual_seed(seed)
    ids = dict(
        vocab_size=len(tok) + pad,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
    )
    if kind == "gpt2":
        return transformers.GPT2LMHeadModel(
            transformers.GPT2Config(n_embd=32, n_layer=2, n_head=heads, **ids)
        ).eval()
    config, model = {
        "llama": (transformers.LlamaConfig, transformers.LlamaForCausalLM),
        "qwen": (transformers.Qwen2Config, transformers.Qwen2ForCausalLM),
        "mistral": (transformers.MistralConfig, transformers.MistralForCausalLM),
    }[kind]
    cfg = config(
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=heads,
        num_key_value_heads=kv_heads,
        **ids,
    )
    return model(cfg).eval()
