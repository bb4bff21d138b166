"""corral's decoding loop over a batch of prompts: one forward pass per step
for every row still generating.

Prompts are left-padded, with an attention mask and explicit position ids
(each row's positions count its own tokens, so models with absolute
position embeddings see what they would see alone). Each row has its own
matcher; the masks of all live rows are filled in one call (Rust, the GIL
released). A row that finishes (EOS, a complete output, or its token
budget) leaves the batch: its rows of the key/value cache are dropped.
Tokens the grammar forces are drawn through their mask here (a single
allowed token), not appended without a forward pass: rows would fall out
of step. Models with recurrent state (Mamba, RWKV and their hybrids) see
padding in their state, so their prompts run one at a time instead
(:func:`pads_safely`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np

from corral._core import CompiledGrammar, CorralError, fill_masks
from corral._mask import apply_mask

if TYPE_CHECKING:
    from corral._inputs import Decoding
    from corral.decoding import GenerationResult


#: Model types whose state is recurrent (state-space and RWKV-like layers,
#: alone or mixed with attention): padding tokens would enter the state,
#: so their prompts are generated one at a time.
_RECURRENT = ("mamba", "rwkv", "jamba", "zamba", "bamba", "falcon_h1", "recurrent", "xlstm", "lfm")


def pads_safely(model: Any) -> bool:
    """Whether left padding under an attention mask leaves the model's
    outputs for the real tokens as they are alone (attention models)."""
    kind = str(getattr(getattr(model, "config", None), "model_type", "")).lower()
    return not any(r in kind for r in _RECURRENT)


def run_batch(
    model: Any,
    tokenizer: Any,
    prompts: list[str],
    cg: CompiledGrammar,
    check: Any,
    opts: Decoding,
) -> list[GenerationResult]:
    """Generates for every prompt at once; one result per prompt, in order."""
    max_new_tokens, temperature, top_k, top_p = (
        opts.max_new_tokens,
        opts.temperature,
        opts.top_k,
        opts.top_p,
    )
    seed, sampler = opts.seed, opts.sampler
    import torch

    from corral.decoding import (
        GenerationResult,
        GenerationStats,
        _forward_args,
        _sample,
    )
    from corral.particles import _reorder
    from corral.sampling import _awrs

    t_start = time.perf_counter()
    n = len(prompts)
    device = next(model.parameters()).device
    gen = torch.Generator(device=device).manual_seed(seed) if seed is not None else None
    eos = set(cg.vocab.eos_token_ids)
    encoded = [list(tokenizer(p)["input_ids"]) for p in prompts]
    width = max(len(e) for e in encoded)
    pad = getattr(tokenizer, "pad_token_id", None)
    if not isinstance(pad, int):
        pad = cg.vocab.eos_token_ids[0]
    ids = torch.tensor([[pad] * (width - len(e)) + e for e in encoded], device=device)
    attention = torch.tensor(
        [[0] * (width - len(e)) + [1] * len(e) for e in encoded], device=device
    )
    positions = (attention.cumsum(-1) - 1).clamp(min=0)
    next_pos = torch.tensor([len(e) for e in encoded], device=device)

    matchers = [cg.matcher() for _ in range(n)]
    tokens: list[list[int]] = [[] for _ in range(n)]
    stats = [GenerationStats() for _ in range(n)]
    bitmask = np.zeros((n, cg.mask_words), dtype=np.int32)
    cache_arg, keep_arg = _forward_args(model)
    extra: dict[str, Any] = {"logits_to_keep": 1} if keep_arg else {}
    use_mask = sampler == "mask"
    live = list(range(n))
    past = None
    feed, feed_pos = ids, positions
    passes = 0
    model_seconds = 0.0
    with torch.inference_mode():
        while live:
            t = time.perf_counter()
            out = model(
                input_ids=feed,
                attention_mask=attention,
                position_ids=feed_pos,
                use_cache=True,
                **{cache_arg: past},
                **extra,
            )
            model_seconds += time.perf_counter() - t
            passes += 1
            logits = out.logits[:, -1]
            past = out.get("cache")
            if past is None:
                past = out.get("past_key_values")
            t = time.perf_counter()
            if use_mask:
                fill_masks([matchers[i] for i in live], bitmask)
            done: list[bool] = []
            for r, i in enumerate(live):
                m = matchers[i]
                st = stats[i]
                if use_mask:
                    if not bitmask[r].any():
                        raise CorralError(
                            "no token can continue the output: the grammar's language is "
                            f"empty here (prompt {i})"
                        )
                    row = logits[r].float().clone()
                    apply_mask(row, bitmask[r])
                    tok = _sample(row, temperature, top_k, top_p, gen)
                else:
                    tok, log_w, checks, fell_back = _awrs(
                        logits[r],
                        m,
                        generator=gen,
                        temperature=temperature,
                        top_k=top_k or None,
                        top_p=top_p,
                        check=check,
                    )
                    st.checks += checks
                    st.fallbacks += fell_back
                    st.log_weight += log_w
                tokens[i].append(tok)
                if tok in eos:
                    m.consume(tok)
                    st.stop_reason = "eos"
                elif not m.consume(tok):
                    raise RuntimeError(f"token {tok} was sampled outside the mask: {m.error()}")
                elif check is None and m.is_finished():
                    st.stop_reason = "complete"
                elif len(tokens[i]) >= max_new_tokens:
                    st.stop_reason = "max_new_tokens"
                done.append(bool(st.stop_reason))
            grammar_seconds = time.perf_counter() - t
            for i in live:
                stats[i].grammar_seconds += grammar_seconds / len(live)
            keep = [r for r, d in enumerate(done) if not d]
            if not keep:
                break
            if len(keep) < len(live):
                index = torch.tensor(keep, device=device)
                past = _reorder(past, index)
                attention = attention.index_select(0, index)
                next_pos = next_pos.index_select(0, index)
            live = [live[r] for r in keep]
            feed = torch.tensor([[tokens[i][-1]] for i in live], device=device)
            attention = torch.cat(
                [attention, torch.ones((len(live), 1), dtype=attention.dtype, device=device)],
                dim=1,
            )
            feed_pos = next_pos[:, None]
            next_pos = next_pos + 1
    seconds = time.perf_counter() - t_start
    results = []
    for i in range(n):
        st = stats[i]
        st.new_tokens = len([x for x in tokens[i] if x not in eos])
        st.forward_passes = passes
        st.model_seconds = model_seconds
        st.seconds = seconds
        text = cg.vocab.decode_bytes([x for x in tokens[i] if x not in eos])
        complete = st.stop_reason != "max_new_tokens" or matchers[i].is_accepting()
        results.append(
            GenerationResult(
                text=text.decode("utf-8", errors="replace"),
                tokens=tokens[i],
                stats=st,
                complete=complete,
            )
        )
    return results
