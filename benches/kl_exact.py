"""Exact output distributions of a model under a small finite grammar, for KL
benchmarks of constrained samplers.

    python benches/kl_exact.py [--model models/demo] [--samples 2000] [--seed 0]
                               [--grammars a,b] [--threads N] [--check]

For a prompt and a grammar with a finite language, the model gives a token
sequence t_1..t_n then EOS the probability

    p(t_1..t_n EOS) = prod_i p(t_i | prompt, t_<i) * p(EOS | prompt, t_1..t_n)

counting only sequences the grammar allows (each t_i in the matcher's mask at
its step, EOS only where the matcher accepts). The *exact* (ideal, "globally
conditioned") distribution over output strings is

    P(s) = sum over token sequences decoding to s of p(seq) / Z,

Z = the sum over all allowed sequences: the probability that the
unconstrained model writes a string of the language (`log_z`). *Local
masking* (mask the logits with the grammar's mask, renormalise, sample at
temperature 1, the usual constrained decoding) gives instead

    Q(seq) = prod_i p(t_i | ...) / sum_{t allowed at step i} p(t | ...)

(EOS counted as a step), summed over the sequences of a string likewise.
KL(P || Q) is the distortion of local masking; a sampler that claims to
sample P (or to get closer to it) can be measured against the exact P here.

How: a best-first search over token prefixes (a heap keyed by the prefix's
probability), the matcher's mask giving the allowed tokens of each prefix
(a forked `corral.Matcher` per prefix). Forward passes are batched over up to
`batch_size` prefixes, right-padded (causal attention leaves the real
positions unaffected; no KV cache: the demo model is tiny), and the LM head
is applied to each row's last real position only. A prefix is pruned when
its probability is below `prune` times the best complete sequence found so
far, or below exp(`floor`) (default -40 nats); the probabilities of the
pruned prefixes sum to `pruned`, an upper bound of the mass left out (the
pruned subtrees are disjoint). `max_prefixes` caps the forward-pass rows.

Prompt handling: the prompt is encoded with the tokenizer's special tokens
(the demo model's BOS, as in its training documents: BOS, "JSON for
<title>:\\n<json>", EOS); the output tokens follow the prompt's tokens
directly. Note that a SentencePiece tokenizer encodes a string on its own
with a leading "▁" (space): the canonical tokens of an output s are those of
encode(prompt + s) after the prompt's tokens, not encode(s).

API (importable from other bench scripts; run from the repository root or
add benches/ to sys.path):

- `exact_distribution(model, tokenizer, vocab, grammar_text, prompt)` and
  `local_masking_distribution(...)`: {"probs", "log_z", "pruned",
  "pruned_rel", "sequences", "prefixes"}; `distributions(...)` gives both from
  one search.
- `local_masking_samples(model, tokenizer, vocab, grammar_text, prompt, n, seed)`.
- `kl(p, q, eps=0.5)`: KL(p || q) from samples q (counts), smoothed;
  `kl_exact(p, q)`: between two exact distributions; `uncovered_mass(p, q)`.
- `sequence_logprob(...)`: one forward pass over given output tokens (a check).
- `GRAMMARS`: name -> (prompt, Lark text), small finite languages where
  local masking is visibly distorted for the demo model.
"""

from __future__ import annotations

import argparse
import heapq
import math
import os
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
ROOT = Path(__file__).resolve().parent.parent

#: Prefixes whose log probability (nats, given the prompt) falls below this
#: are pruned whatever the best complete sequence.
FLOOR = -100.0


# --- the grammars ----------------------------------------------------------


def _alts(*values: str) -> str:
    """Lark alternatives of JSON strings: "\\"ann\\"" | ... (no quotes or
    backslashes inside the values)."""
    return " | ".join('"\\"' + v + '\\""' for v in values)


def _object(*fields: tuple[str, str]) -> str:
    """A Lark start rule for a compact one-line JSON object ({"k": V, "k2": W},
    as json.dumps writes it) whose values are the named terminals."""
    parts = []
    for i, (key, terminal) in enumerate(fields):
        lead = "{" if i == 0 else ", "
        parts.append(f'"{lead}\\"{key}\\": " {terminal}')
    return "start: " + " ".join(parts) + ' "}"\n'


#: name -> (prompt, Lark text): compact JSON objects in the style of the demo
#: model's training instances for the prompt's schema (no %ignore, so each
#: language is finite: 20 to ~1,800 strings). KL(exact || local masking),
#: computed exactly (`main`): tenant 0.17, quantum 0.41, crpolicy 0.68,
#: pause 3.6 nats.
GRAMMARS: dict[str, tuple[str, str]] = {
    # Enum only, mild: "uptodate" takes mass from tokens that lead elsewhere.
    "tenant": (
        "JSON for TenantModuleDescriptor:\n",
        _object(("id", "ID"), ("action", "ACTION"))
        + "ID: "
        + _alts("example-module", "1", "mod-users-1.0.0")
        + "\n"
        + "ACTION: "
        + _alts("enable", "disable", "uptodate", "suggest", "conflict")
        + "\n",
    ),
    # An enum whose values share first tokens with what the model would
    # write (local masking gives "CANCELLED" 0.20, the model 0.0001).
    "quantum": (
        "JSON for OpenQuantum job status schema:\n",
        _object(("job_id", "ID"), ("status", "STATUS"), ("status_msg", "MSG"))
        + "ID: "
        + _alts("1234567890", "j82kh1a", "42")
        + "\n"
        + "STATUS: "
        + _alts("RUNNING", "ERROR", "DONE", "QUEUED", "CANCELLED")
        + "\n"
        + "MSG: "
        + _alts("Job is done", "Job failed", "Job is currently running on the backend", "OK")
        + "\n",
    ),
    # A small integer (1 to 999) and an enum of near-identical values.
    "crpolicy": (
        "JSON for crpolicy_crvserver_binding:\n",
        _object(("domain", "DOMAIN"), ("hits", "HITS"), ("labeltype", "LABELTYPE"))
        + "DOMAIN: "
        + _alts("example.com", "test.org")
        + "\n"
        + "HITS: /[1-9][0-9]{0,2}/\n"
        + "LABELTYPE: "
        + _alts("reqvserver", "resvserver", "policylabel")
        + "\n",
    ),
    # Short vs long names sharing first tokens, and an integer: the worst.
    "pause": (
        "JSON for Pause step:\n",
        _object(("name", "NAME"), ("kind", "KIND"), ("length", "LENGTH"))
        + "NAME: "
        + _alts("example", "Software Development", "pause_step_1", "Example Org")
        + "\n"
        + "KIND: "
        + _alts("pause")
        + "\n"
        + "LENGTH: /[1-9][0-9]?/\n",
    ),
}


# --- model plumbing ----------------------------------------------------------


def _grammar(grammar: Any) -> Any:
    import corral

    if isinstance(grammar, str):
        return corral.Grammar.from_lark(grammar, whitespace_limit=0)
    return grammar


def _compiled(grammar: Any, vocab: Any) -> Any:
    import corral

    if isinstance(grammar, corral.CompiledGrammar):
        return grammar
    return corral.compile(_grammar(grammar), vocab)


def prompt_ids(tokenizer: Any, prompt: str) -> list[int]:
    """The prompt's tokens, special tokens (BOS) included."""
    return list(tokenizer(prompt, add_special_tokens=True)["input_ids"])


def canonical_tokens(tokenizer: Any, prompt: str, text: str) -> list[int]:
    """The tokens of `text` as the tokenizer writes it after `prompt`:
    encode(prompt + text) past the prompt's tokens (ValueError when the
    prompt's tokens are not a prefix of those)."""
    p = prompt_ids(tokenizer, prompt)
    full = prompt_ids(tokenizer, prompt + text)
    if full[: len(p)] != p:
        raise ValueError("the prompt's tokens change when the text follows it")
    return full[len(p) :]


def _device(model: Any) -> Any:
    return next(model.parameters()).device


def _last_logprobs(model: Any, rows: Sequence[Sequence[int]], pad: int) -> Any:
    """log_softmax of the logits at each row's last token (float32 [B, V]).

    Rows are right-padded with `pad`: under causal attention the real
    positions never see the padding. The decoder runs once and the LM head
    only on the last real position of each row (assumes logits =
    lm_head(last hidden state), with Gemma-style final softcapping applied).
    """
    import torch

    dev = _device(model)
    lens = torch.tensor([len(r) for r in rows], device=dev)
    width = int(lens.max())
    ids = torch.full((len(rows), width), pad, dtype=torch.long, device=dev)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r, dtype=torch.long)
    hidden = model.base_model(input_ids=ids, use_cache=False).last_hidden_state
    last = hidden[torch.arange(len(rows), device=dev), lens - 1]
    logits = model.get_output_embeddings()(last).float()
    cap = getattr(model.config, "final_logit_softcapping", None)
    if cap:
        logits = torch.tanh(logits / cap) * cap
    return torch.log_softmax(logits, dim=-1)


def sequence_logprob(model: Any, tokenizer: Any, prompt: str, tokens: Sequence[int]) -> float:
    """log p(tokens | prompt), one forward pass, no grammar (a check of the
    search: pass the output's tokens with EOS appended)."""
    import torch

    p = prompt_ids(tokenizer, prompt)
    ids = torch.tensor([p + list(tokens)], device=_device(model))
    with torch.inference_mode():
        logits = model(input_ids=ids, use_cache=False).logits[0].float()
        lp = torch.log_softmax(logits, dim=-1)
    total = 0.0
    for i, t in enumerate(tokens):
        total += float(lp[len(p) - 1 + i, t])
    return total


# --- the search --------------------------------------------------------------


def _logsumexp(xs: Iterable[float]) -> float:
    xs = list(xs)
    if not xs:
        return -math.inf
    m = max(xs)
    if m == -math.inf:
        return m
    return m + math.log(sum(math.exp(x - m) for x in xs))


def _summary(
    strings: dict[str, list[float]],
    by_tokens: dict[tuple[int, ...], float],
    pruned: float,
    n_pref: int,
) -> dict[str, Any]:
    log_z = _logsumexp(lp for lps in strings.values() for lp in lps)
    probs = {s: math.exp(_logsumexp(lps) - log_z) for s, lps in strings.items()}
    probs = dict(sorted(probs.items(), key=lambda kv: -kv[1]))
    return {
        "probs": probs,
        "log_z": log_z,
        "pruned": pruned,
        "pruned_rel": pruned / math.exp(log_z) if log_z > -math.inf else math.inf,
        "sequences": len(by_tokens),
        "prefixes": n_pref,
        "token_logprobs": by_tokens,
    }


class _TreeKV:
    """Keys and values of every expanded prefix's last token, one pool row per
    token: a prefix's cache is the rows of its path (the prompt's tokens,
    then one row per output token), gathered and left-padded into a
    transformers DynamicCache for a one-token forward pass. Each token's
    keys are stored after RoPE at their true position, so left padding (with
    a 2-D attention mask and explicit position ids) leaves them unchanged."""

    def __init__(self, model: Any, prompt: list[int]) -> None:
        import inspect

        import torch

        self.model = model
        self.dev = _device(model)
        params = inspect.signature(model.forward).parameters
        self.cache_arg = "cache" if "cache" in params else "past_key_values"
        self.k: Any = None
        self.v: Any = None
        self.n = 0
        self.root_input = prompt[-1]
        self.root_path: tuple[int, ...] = ()
        if len(prompt) > 1:
            with torch.inference_mode():
                out = model(input_ids=torch.tensor([prompt[:-1]], device=self.dev), use_cache=True)
            self.root_path = self._store(self._cache_of(out), slice(None))

    @staticmethod
    def _cache_of(out: Any) -> Any:
        c = out.get("cache")
        return c if c is not None else out.get("past_key_values")

    def _store(self, cache: Any, positions: Any) -> tuple[int, ...]:
        """Appends the keys/values at `positions` of every batch row of the
        cache to the pool ([rows, layers, heads, head_dim]); their row ids."""
        import torch

        ks = torch.stack([layer.keys[:, :, positions] for layer in cache.layers], dim=1)
        vs = torch.stack([layer.values[:, :, positions] for layer in cache.layers], dim=1)
        if ks.dim() == 4:  # one position: [B, layers, heads, hd]
            ks, vs = ks.unsqueeze(3), vs.unsqueeze(3)
        # [B, layers, heads, T, hd] -> [B * T, layers, heads, hd]
        ks = ks.permute(0, 3, 1, 2, 4).reshape(-1, *ks.shape[1:3], ks.shape[4])
        vs = vs.permute(0, 3, 1, 2, 4).reshape(-1, *vs.shape[1:3], vs.shape[4])
        m = ks.shape[0]
        if self.k is None:
            cap = max(1024, 2 * m)
            self.k = ks.new_empty((cap, *ks.shape[1:]))
            self.v = vs.new_empty((cap, *vs.shape[1:]))
        elif self.n + m > self.k.shape[0]:
            cap = max(2 * self.k.shape[0], self.n + m)
            k2 = self.k.new_empty((cap, *self.k.shape[1:]))
            v2 = self.v.new_empty((cap, *self.v.shape[1:]))
            k2[: self.n] = self.k[: self.n]
            v2[: self.n] = self.v[: self.n]
            self.k, self.v = k2, v2
        self.k[self.n : self.n + m] = ks
        self.v[self.n : self.n + m] = vs
        rows = tuple(range(self.n, self.n + m))
        self.n += m
        return rows

    def step(
        self, paths: Sequence[tuple[int, ...]], inputs: Sequence[int]
    ) -> tuple[Any, tuple[int, ...]]:
        """One forward pass of `inputs[i]` after the cached `paths[i]`: the
        float32 log-softmax of the next-token logits [B, V], and the pool row
        of each input's keys/values."""
        import torch
        from transformers import DynamicCache

        b = len(paths)
        width = max(len(p) for p in paths)
        idx = np.zeros((b, width), dtype=np.int64)
        mask = np.zeros((b, width + 1), dtype=np.int64)
        for i, p in enumerate(paths):
            if p:
                idx[i, width - len(p) :] = p
            mask[i, width - len(p) :] = 1
        pos = torch.tensor([[len(p)] for p in paths], device=self.dev)
        ids = torch.tensor([[t] for t in inputs], device=self.dev)
        cache = None
        if width:
            ti = torch.from_numpy(idx).to(self.dev)
            k = self.k[ti]  # [B, W, layers, heads, hd]
            v = self.v[ti]
            cache = DynamicCache(
                ddp_cache_data=[
                    (
                        k[:, :, li].transpose(1, 2).contiguous(),
                        v[:, :, li].transpose(1, 2).contiguous(),
                    )
                    for li in range(k.shape[2])
                ]
            )
        out = self.model(
            input_ids=ids,
            attention_mask=torch.from_numpy(mask).to(self.dev),
            position_ids=pos,
            use_cache=True,
            **{self.cache_arg: cache},
        )
        rows = self._store(self._cache_of(out), -1)
        return torch.log_softmax(out.logits[:, -1].float(), dim=-1), rows


def distributions(
    model: Any,
    tokenizer: Any,
    vocab: Any,
    grammar_text: Any,
    prompt: str,
    *,
    prune: float = 1e-9,
    local_prune: float = 1e-7,
    max_prefixes: int = 200_000,
    floor: float = FLOOR,
    batch_size: int = 256,
    local: bool = True,
    tree_cache: bool = True,
) -> dict[str, dict[str, Any]]:
    """The exact distribution and (with `local`) the local-masking one, from
    one search: {"exact": {...}, "local": {...}} (see `exact_distribution`).

    A prefix is pruned only when it is negligible under both: below `prune`
    times the best complete sequence of the exact distribution (or below
    exp(`floor`)), and below `local_prune` times the best complete sequence
    of the local one (or exp(`floor`)). Each distribution's `pruned` sums
    its own probabilities of the pruned prefixes. The local distribution
    needs the looser threshold: local masking renormalises over the allowed
    tokens, so it spreads real mass over non-canonical tokenizations (a
    non-canonical token the model gives 1e-6 may get 1e-2 once masked), and
    its tree is far larger than the exact one's.

    `grammar_text`: Lark text (compiled with whitespace_limit=0), a
    `Grammar` or a `CompiledGrammar`. `tree_cache`: keep every expanded
    prefix's keys/values and run one token per prefix (default); False runs
    each prefix in full, right-padded (slower, any model). Raises
    RuntimeError past `max_prefixes` expanded prefixes (forward-pass rows).
    """
    import corral
    import torch

    cg = _compiled(grammar_text, vocab)
    width = int(cg.vocab_size)
    eos_ids = np.array(sorted(vocab.eos_token_ids))
    pad = vocab.eos_token_id
    base = prompt_ids(tokenizer, prompt)
    log_prune = math.log(prune) if prune > 0 else -math.inf
    log_lprune = math.log(local_prune) if local_prune > 0 else -math.inf
    best = [-math.inf, -math.inf]  # best complete: exact, local
    pruned = [0.0, 0.0]
    # string -> log probabilities of its complete token sequences
    found: tuple[dict[str, list[float]], dict[str, list[float]]] = ({}, {})
    # token sequence (EOS left out) -> log probability: exact, local
    seqs: tuple[dict[tuple[int, ...], float], dict[tuple[int, ...], float]] = ({}, {})
    expanded = 0

    def negligible(lp: Any, llp: Any) -> Any:
        e = (lp < floor) | (lp < best[0] + log_prune)
        if not local:
            return e
        return e & ((llp < floor) | (llp < best[1] + log_lprune))

    with torch.inference_mode():
        kv = _TreeKV(model, base) if tree_cache else None
        root_path = kv.root_path if kv else ()
        # heap of (-priority, seq, lp, llp, tokens, parent matcher, cache path)
        heap: list[tuple[float, int, float, float, tuple[int, ...], Any, tuple[int, ...]]] = []
        heap.append((-0.0, 0, 0.0, 0.0, (), None, root_path))
        counter = 0
        root = cg.matcher()
        bitmask = np.zeros((batch_size, cg.mask_words), dtype=np.int32)
        while heap:
            batch: list[tuple[float, float, tuple[int, ...], Any, tuple[int, ...]]] = []
            while heap and len(batch) < batch_size:
                _, _, lp, llp, toks, parent, path = heapq.heappop(heap)
                if negligible(lp, llp):  # the bests improved since it was pushed
                    pruned[0] += math.exp(lp)
                    pruned[1] += math.exp(llp)
                    continue
                if parent is None:
                    m = root
                else:
                    m = parent.fork()
                    if not m.consume(toks[-1]):
                        raise RuntimeError(f"an allowed token was refused: {m.error()}")
                batch.append((lp, llp, toks, m, path))
            if not batch:
                break
            expanded += len(batch)
            if expanded > max_prefixes:
                raise RuntimeError(
                    f"more than max_prefixes={max_prefixes} prefixes expanded: the language is "
                    "too large (or too ambiguous in tokens) for exact enumeration"
                )
            if kv is not None:
                inputs = [b[2][-1] if b[2] else kv.root_input for b in batch]
                logprobs, rows = kv.step([b[4] for b in batch], inputs)
            else:
                logprobs = _last_logprobs(model, [base + list(b[2]) for b in batch], pad)
                rows = (0,) * len(batch)
            bitmask[: len(batch)] = 0
            corral.fill_masks([b[3] for b in batch], bitmask[: len(batch)])
            bits = np.unpackbits(bitmask[: len(batch)].view(np.uint8), axis=1, bitorder="little")
            for i, (lp, llp, toks, m, path) in enumerate(batch):
                ids = np.flatnonzero(bits[i, :width])
                if len(ids) == 0:
                    raise RuntimeError(f"empty mask after {toks}: a dead end")
                step = logprobs[i, torch.from_numpy(ids)].double().numpy()
                top = step.max()
                norm = top + math.log(np.exp(step - top).sum())
                clp = lp + step
                cllp = llp + step - norm
                is_eos = np.isin(ids, eos_ids)
                if is_eos.any():
                    if not m.is_accepting():
                        raise RuntimeError(f"EOS allowed where the output is not complete: {toks}")
                    text = vocab.decode_bytes(list(toks)).decode("utf-8", errors="replace")
                    for e in np.flatnonzero(is_eos):
                        found[0].setdefault(text, []).append(float(clp[e]))
                        found[1].setdefault(text, []).append(float(cllp[e]))
                        best[0] = max(best[0], float(clp[e]))
                        best[1] = max(best[1], float(cllp[e]))
                    # one EOS id in practice; several would add up
                    seqs[0][toks] = _logsumexp(clp[is_eos].tolist())
                    seqs[1][toks] = _logsumexp(cllp[is_eos].tolist())
                drop = negligible(clp, cllp) & ~is_eos
                if drop.any():
                    pruned[0] += float(np.exp(clp[drop]).sum())
                    pruned[1] += float(np.exp(cllp[drop]).sum())
                child_path = (*path, rows[i]) if kv is not None else ()
                for j in np.flatnonzero(~drop & ~is_eos):
                    counter += 1
                    a, la = float(clp[j]), float(cllp[j])
                    prio = la if local else a
                    heapq.heappush(
                        heap, (-prio, counter, a, la, (*toks, int(ids[j])), m, child_path)
                    )
    out = {"exact": _summary(found[0], seqs[0], pruned[0], expanded)}
    if local:
        out["local"] = _summary(found[1], seqs[1], pruned[1], expanded)
    return out


def exact_distribution(
    model: Any,
    tokenizer: Any,
    vocab: Any,
    grammar_text: Any,
    prompt: str,
    *,
    prune: float = 1e-9,
    max_prefixes: int = 200_000,
    floor: float = FLOOR,
    batch_size: int = 256,
    tree_cache: bool = True,
) -> dict[str, Any]:
    """The model's exact distribution over the grammar's strings after `prompt`.

    Returns {"probs": {string: probability, normalized over the grammar,
    most probable first}, "log_z": log of the unnormalized mass (the
    probability that the unconstrained model writes a string of the
    language then EOS), "pruned": upper bound of the unnormalized mass left
    out, "pruned_rel": pruned / Z (bounds the error of the normalized
    probabilities' sum), "sequences": complete token sequences found,
    "prefixes": prefixes expanded (forward-pass rows), "token_logprobs":
    {token ids (EOS left out): unnormalized log probability, EOS included}}.
    """
    return distributions(
        model,
        tokenizer,
        vocab,
        grammar_text,
        prompt,
        prune=prune,
        max_prefixes=max_prefixes,
        floor=floor,
        batch_size=batch_size,
        local=False,
        tree_cache=tree_cache,
    )["exact"]


def local_masking_distribution(
    model: Any,
    tokenizer: Any,
    vocab: Any,
    grammar_text: Any,
    prompt: str,
    **options: Any,
) -> dict[str, Any]:
    """The exact distribution of local masking (mask, renormalize over the
    allowed tokens at each step, EOS included, sample at temperature 1).
    "log_z" is ~0 (the local probabilities sum to 1 less the pruned mass);
    options as for `distributions`."""
    return distributions(model, tokenizer, vocab, grammar_text, prompt, **options)["local"]


# --- sampling ----------------------------------------------------------------


def local_masking_samples(
    model: Any,
    tokenizer: Any,
    vocab: Any,
    grammar_text: Any,
    prompt: str,
    n: int,
    seed: int,
    *,
    batch_size: int = 500,
    max_new_tokens: int = 256,
) -> list[str]:
    """`n` outputs of local masking (temperature 1), batched with a KV cache:
    each row masked with its matcher's mask, sampled by a seeded
    torch.Generator, consumed; a row stops at EOS."""
    import inspect

    import corral
    import torch

    cg = _compiled(grammar_text, vocab)
    eos = vocab.eos_token_id
    eos_set = set(vocab.eos_token_ids)
    dev = _device(model)
    gen = torch.Generator().manual_seed(seed)  # on the CPU, where the sampling runs
    params = inspect.signature(model.forward).parameters
    cache_arg = "cache" if "cache" in params else "past_key_values"
    base = prompt_ids(tokenizer, prompt)
    out: list[str] = []
    with torch.inference_mode():
        for start in range(0, n, batch_size):
            b = min(batch_size, n - start)
            matchers = [cg.matcher() for _ in range(b)]
            toks: list[list[int]] = [[] for _ in range(b)]
            done = [False] * b
            bitmask = np.zeros((b, cg.mask_words), dtype=np.int32)
            feed = torch.tensor([base] * b, device=dev)
            past = None
            for _ in range(max_new_tokens + 1):
                res = model(input_ids=feed, use_cache=True, **{cache_arg: past})
                past = res.get("cache")
                if past is None:
                    past = res.get("past_key_values")
                logits = res.logits[:, -1].float().contiguous()
                live = [i for i in range(b) if not done[i]]
                corral.fill_masks([matchers[i] for i in live], bitmask[: len(live)])
                rows = torch.tensor(live, device=dev)
                sub = logits[rows].cpu().contiguous()
                corral.apply_mask(sub, bitmask[: len(live)])
                # inverse-CDF sampling (torch.multinomial is slow on wide CPU rows)
                cdf = torch.softmax(sub, dim=-1).double().cumsum_(dim=-1)
                u = torch.rand(len(live), 1, generator=gen, dtype=torch.float64, device=cdf.device)
                picked = torch.searchsorted(cdf, u * cdf[:, -1:], right=True)[:, 0]
                picked = picked.clamp_(max=cdf.shape[1] - 1)
                nxt = [eos] * b
                for i, t in zip(live, picked.tolist(), strict=True):
                    nxt[i] = t
                    if t in eos_set:
                        done[i] = True
                    else:
                        if not matchers[i].consume(t):
                            raise RuntimeError(f"sampled token {t} refused: {matchers[i].error()}")
                        toks[i].append(t)
                if all(done):
                    break
                feed = torch.tensor([[t] for t in nxt], device=dev)
            else:
                raise RuntimeError(f"no EOS within max_new_tokens={max_new_tokens}")
            out += [vocab.decode_bytes(t).decode("utf-8", errors="replace") for t in toks]
    return out


# The KL estimators live in kl_stats (imported here for the callers).
from kl_stats import _counts, kl, kl_exact, total_variation, uncovered_mass  # noqa: E402, F401

# --- the command -----------------------------------------------------------------


def load_demo(path: Path | str = ROOT / "models/demo") -> tuple[Any, Any, Any]:
    """(model in float32, eval mode; tokenizer; corral vocabulary)."""
    import corral
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(path)
    model: Any = AutoModelForCausalLM.from_pretrained(path)
    model = model.float().eval()
    width = int(model.get_output_embeddings().weight.shape[0])
    vocab = corral.Vocabulary.from_hf(tok, vocab_size=width)
    return model, tok, vocab


def check(
    model: Any, tokenizer: Any, vocab: Any, prompt: str, dist: dict[str, Any], k: int = 5
) -> float:
    """Checks the search against plain forward passes: for the k most probable
    strings, log p(canonical tokens + EOS | prompt) in one pass vs the
    search's figure for that token sequence. Prints each, with the share of
    the string's mass its canonical tokenization holds; returns the largest
    absolute difference (nats)."""
    worst = 0.0
    for s, pr in list(dist["probs"].items())[:k]:
        toks = canonical_tokens(tokenizer, prompt, s)
        direct = sequence_logprob(model, tokenizer, prompt, [*toks, vocab.eos_token_id])
        searched = dist["token_logprobs"].get(tuple(toks), -math.inf)
        share = math.exp(searched - math.log(pr) - dist["log_z"])
        worst = max(worst, abs(direct - searched))
        print(
            f"    check: canonical tokens {searched:.5f} (search) vs {direct:.5f} (one pass), "
            f"diff {searched - direct:+.1e}; {share:.4f} of the string's mass"
        )
    return worst


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model", type=Path, default=ROOT / "models/demo")
    ap.add_argument("--samples", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--grammars", default="", help="comma-separated names (default: all)")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument(
        "--check", action="store_true", help="check the top strings by direct forward passes"
    )
    args = ap.parse_args()
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    t = time.perf_counter()
    model, tok, vocab = load_demo(args.model)
    print(f"model {args.model} loaded in {time.perf_counter() - t:.1f}s; EOS {vocab.eos_token_ids}")
    names = [s for s in args.grammars.split(",") if s] or list(GRAMMARS)
    for name in names:
        prompt, text = GRAMMARS[name]
        print(f"\n== {name}: prompt {prompt!r}")
        print("  " + text.strip().replace("\n", "\n  "))
        t = time.perf_counter()
        d = distributions(model, tok, vocab, text, prompt)
        t_enum = time.perf_counter() - t
        ex, lo = d["exact"], d["local"]
        if not ex["probs"]:
            print(f"  no string above exp({FLOOR}): the model gives the language no mass")
            continue
        print(
            f"  {len(ex['probs'])} strings, {ex['sequences']} token sequences, "
            f"{ex['prefixes']} prefixes expanded in {t_enum:.1f}s; log Z {ex['log_z']:.3f}; "
            f"pruned mass <= {ex['pruned_rel']:.1e} of Z (local masking: <= {lo['pruned']:.1e})"
        )
        print("  top strings: exact | local masking")
        for s, pr in list(ex["probs"].items())[:5]:
            print(f"    {pr:.4f} | {lo['probs'].get(s, 0.0):.4f}  {s}")
        if args.check:
            t = time.perf_counter()
            worst = check(model, tok, vocab, prompt, ex)
            print(f"    largest difference {worst:.1e} nats ({time.perf_counter() - t:.1f}s)")
        print(
            f"  KL(exact || local masking) = {kl_exact(ex['probs'], lo['probs']):.4f} nats, "
            f"exactly (KL(local || exact) = {kl_exact(lo['probs'], ex['probs']):.4f})"
        )
        t = time.perf_counter()
        samples = local_masking_samples(model, tok, vocab, text, prompt, args.samples, args.seed)
        t_samp = time.perf_counter() - t
        print(
            f"  {args.samples} local-masking samples in {t_samp:.1f}s: "
            f"KL(exact || samples) = {kl(ex['probs'], samples):.4f}; noise floor "
            f"KL(local || samples) = {kl(lo['probs'], samples):.4f}; "
            f"TV(local, samples) = {total_variation(lo['probs'], samples):.4f}; "
            f"exact mass never sampled {uncovered_mass(ex['probs'], samples):.4f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
