"""Speculative decoding with grammar-aware draft trees (`generate(..., draft=...)`).

Each step, a :class:`corral.Drafter` drafts a tree after the last decided
token: candidates from Token Recycling's adjacency matrix and a tri-gram table,
every node checked against the grammar as it is added, forced tokens as certain
chains. One forward pass verifies the whole tree (a 4D tree attention mask,
position ids by depth); the walk down the tree takes exactly the token that
constrained decoding without drafts would take at each step (greedy: the
masked argmax; sampling: the speculative sampling rule for trees with
deterministic drafts), so the output is that of plain constrained decoding
with jump-forward. The KV cache is then cut back to the accepted path, and the
model's top-k after every position the walk visits updates the adjacency matrix.
"""

from __future__ import annotations

import codecs
import time
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np

from corral._core import CompiledGrammar, CorralError, Drafter
from corral._mask import apply_mask
from corral.sampling import shaped_logits

if TYPE_CHECKING:
    from corral._inputs import Decoding
    from corral.decoding import GenerationResult

#: Drafters shared by every call with the same vocabulary and source, so
#: that what they learn carries over from one request to the next. The
#: vocabulary is kept alive with its drafter (its id stays unique); the
#: least recently used goes past `MAX_SHARED` (each may hold megabytes).
_SHARED: dict[tuple[int, str], tuple[Any, Drafter]] = {}
MAX_SHARED = 8

SOURCES = ("recycling", "ngram", "both")

#: Candidates kept per token in the adjacency matrix (the model's top-k).
TOP_K = 8


def drafter_for(cg: CompiledGrammar, draft: Any) -> Drafter:
    """The drafter of a `draft=` argument: the one given, or the shared one
    of this vocabulary and source."""
    if isinstance(draft, Drafter):
        if draft.vocab_size != cg.vocab_size:
            raise ValueError(
                f"the drafter is for a vocabulary of {draft.vocab_size} tokens, the grammar's "
                f"has {cg.vocab_size}"
            )
        return draft
    if not isinstance(draft, str) or draft not in SOURCES:
        raise ValueError(
            f"draft must be one of {', '.join(repr(s) for s in SOURCES)}, a corral.Drafter, or "
            f"None, got {draft!r}"
        )
    vocab = cg.vocab
    key = (vocab.identity, draft)
    hit = _SHARED.pop(key, None)
    if hit is None:
        hit = (vocab, Drafter(cg.vocab_size, source=draft, k=TOP_K))  # type: ignore[arg-type]
    _SHARED[key] = hit  # the most recent last
    while len(_SHARED) > MAX_SHARED:
        del _SHARED[next(iter(_SHARED))]
    return hit[1]


def tree_inputs(
    n_pending: int, parents: list[int], depths: list[int], past_len: int, dtype: Any, device: Any
) -> tuple[Any, Any]:
    """The 4D attention mask ([1, 1, q, past + q], 0 where a position may
    attend, the dtype's minimum elsewhere) and the position ids of feeding
    `n_pending` decided tokens (causal among themselves) and then the tree's
    nodes (each sees the decided tokens, its ancestors and itself)."""
    import torch

    n = len(parents)
    q = n_pending + n
    allow = np.zeros((q, past_len + q), dtype=bool)
    allow[:, :past_len] = True
    for i in range(n_pending):
        allow[i, past_len : past_len + i + 1] = True
    allow[n_pending:, past_len : past_len + n_pending] = True
    base = past_len + n_pending
    for j, p in enumerate(parents):
        row = n_pending + j
        if p >= 0:
            allow[row, base : base + n] = allow[n_pending + p, base : base + n]
        allow[row, base + j] = True
    mask = torch.zeros((1, 1, q, past_len + q), dtype=dtype)
    mask[0, 0][torch.from_numpy(~allow)] = torch.finfo(dtype).min
    pos = [past_len + i for i in range(n_pending)]
    pos += [past_len + n_pending - 1 + d for d in depths]
    return mask.to(device), torch.tensor([pos], device=device)


class Head:
    """The tree pass: the decoder's hidden states for every fed position,
    and the output head applied to the rows the walk visits (a row's logits
    cost as much as the whole tree's decoder on a small model), and to every
    row where that is cheap (`all_rows`, see :class:`Recycle`).
    Models that shape their logits beyond the head (soft-capping, scaling)
    get every row's logits from the model itself."""

    def __init__(self, model: Any) -> None:
        import inspect

        cfg = model.config
        self.model = model
        self.decoder: Any = model.get_decoder() if hasattr(model, "get_decoder") else None
        self.head: Any = model.get_output_embeddings()
        shaped = any(
            getattr(cfg, a, None) not in (None, 1.0, 0.0)
            for a in ("final_logit_softcapping", "logit_scale", "logits_scaling")
        )
        self.split = self.decoder is not None and self.head is not None and not shaped
        target: Any = self.decoder if self.split else model
        params = inspect.signature(target.forward).parameters
        self.cache_arg = "cache" if "cache" in params else "past_key_values"
        self.rows: dict[int, Any] = {}
        self.out: Any = None
        #: Time in the output head since the pass (model time, though the
        #: walk asks for it).
        self.head_seconds = 0.0

    def forward(self, feed: list[int], mask: Any, pos: Any, past: Any, device: Any) -> Any:
        """Runs the tree pass; returns the cache."""
        import torch

        target: Any = self.decoder if self.split else self.model
        out = target(
            input_ids=torch.tensor([feed], device=device),
            attention_mask=mask,
            position_ids=pos,
            use_cache=True,
            **{self.cache_arg: past},
        )
        self.out = out.last_hidden_state[0] if self.split else out.logits[0]
        self.rows = {}
        self.head_seconds = 0.0
        cache = out.get("cache")
        return cache if cache is not None else out.get("past_key_values")

    def all_rows(self) -> None:
        """The logits after every fed row not yet computed, in one product."""
        missing = [r for r in range(self.out.shape[0]) if r not in self.rows]
        if not missing:
            return
        hidden = self.out[missing]
        got = self.head(hidden) if self.split else hidden
        for r, row in zip(missing, got, strict=True):
            self.rows[r] = row

    def logits(self, row: int) -> Any:
        """The logits after fed position `row`."""
        got = self.rows.get(row)
        if got is None:
            t = time.perf_counter()
            got = self.head(self.out[row]) if self.split else self.out[row]
            self.head_seconds += time.perf_counter() - t
            self.rows[row] = got
        return got


class Recycle:
    """Whether the model's candidates after every fed row, not only the rows
    the walk visited, update the adjacency matrix, as Token Recycling does:
    always when the drafter ignores cost; otherwise when the output head and
    the top-k on the other rows cost at most a tenth of the pass. The first
    tree pass measures that cost, and so does one pass in every `PROBE`
    that would not pay it (the first measure may be a warm-up's)."""

    SHARE = 0.1
    PROBE = 64

    def __init__(self, cost_aware: bool) -> None:
        self.cost_aware = cost_aware
        self.per_row: float | None = None
        self.since = 0

    def wanted(self, missing: int, pass_seconds: float) -> bool:
        if missing <= 0:
            return False
        if not self.cost_aware or self.per_row is None:
            return True
        if self.per_row * missing <= self.SHARE * pass_seconds:
            return True
        self.since += 1
        return self.since >= self.PROBE

    def measured(self, rows: int, seconds: float) -> None:
        """`seconds` spent on `rows` rows the walk had not computed."""
        per_row = seconds / max(rows, 1)
        if self.per_row is None or self.since >= self.PROBE:
            self.per_row = per_row  # the first measure, or a probe's: as it is now
        else:
            self.per_row = 0.5 * (self.per_row + per_row)
        self.since = 0


def synchronize(device: Any) -> None:
    """Waits for the device's queued work, so that a timing covers it."""
    import torch

    if getattr(device, "type", None) == "cuda":
        torch.cuda.synchronize(device)


def keep_positions(cache: Any, index: Any) -> None:
    """Keeps the cache's positions `index` (a 1-D tensor, in order), in place."""
    layers = getattr(cache, "layers", None)
    if layers is not None:
        for layer in layers:
            seen = getattr(layer, "cumulative_length", None)
            if seen is not None and seen != layer.keys.shape[-2]:
                # A sliding-window layer that dropped its oldest positions:
                # the tree's positions are no longer where they were fed.
                raise CorralError(
                    "not supported: drafting past the model's sliding window "
                    f"({getattr(layer, 'sliding_window', '?')} tokens)"
                )
            layer.keys = layer.keys.index_select(-2, index)
            layer.values = layer.values.index_select(-2, index)
            if seen is not None:
                layer.cumulative_length = int(index.numel())
        return
    keys, values = getattr(cache, "key_cache", None), getattr(cache, "value_cache", None)
    if keys is None or values is None:
        raise CorralError(
            f"not supported: drafting with this model's cache ({type(cache).__name__}); "
            "it needs a key/value cache such as DynamicCache"
        )
    for i in range(len(keys)):
        keys[i] = keys[i].index_select(-2, index)
        values[i] = values[i].index_select(-2, index)


def _choose(
    row: Any,
    matcher: Any,
    bitmask: Any,
    children: list[tuple[int, int]],
    temperature: float,
    top_k: int,
    top_p: float,
    gen: Any,
) -> int:
    """The next token at a tree position: as constrained decoding without
    drafts draws it (greedy: the masked argmax). Sampling uses the rule for
    deterministic drafts: each drafted child `c` in turn is taken with
    probability p(c) under what is left of the distribution, else removed
    from it; if none is taken, the token is drawn from the rest. Either way
    the token is distributed exactly as the masked distribution."""
    import torch

    matcher.fill_mask(bitmask)
    if not bitmask[0].any():
        raise CorralError("no token can continue the output: the grammar's language is empty here")
    logits = row.float()
    apply_mask(logits, bitmask[0])
    if temperature <= 0:
        return int(torch.argmax(logits).item())
    probs = torch.softmax(shaped_logits(logits, temperature, top_k, top_p), dim=-1).double()
    for _, tok in children:
        pc = float(probs[tok])
        if pc <= 0.0:
            continue
        u = float(torch.rand((), generator=gen, dtype=torch.float64, device=probs.device))
        if u * float(probs.sum()) < pc:
            return tok
        probs[tok] = 0.0
    return int(torch.multinomial(probs / probs.sum(), 1, generator=gen).item())


def run_drafted(
    model: Any,
    tokenizer: Any,
    prompt: str,
    cg: CompiledGrammar,
    drafter: Drafter,
    opts: Decoding,
    guided: bool = True,
) -> Generator[str, None, GenerationResult]:
    """The decoding loop of one prompt with draft trees: yields text pieces,
    returns the :class:`GenerationResult`. `guided=False` drafts without
    the grammar (the verification still keeps to it): what pruning gains."""
    import torch

    from corral.decoding import GenerationStats, _finish

    max_new_tokens, temperature, top_k, top_p = (
        opts.max_new_tokens,
        opts.temperature,
        opts.top_k,
        opts.top_p,
    )
    seed = opts.seed
    t_start = time.perf_counter()
    stats = GenerationStats()
    matcher = cg.matcher()
    eos = set(cg.vocab.eos_token_ids)
    device = next(model.parameters()).device
    dtype = next(model.parameters()).dtype
    if not dtype.is_floating_point:
        dtype = torch.float32
    gen = torch.Generator(device=device).manual_seed(seed) if seed is not None else None
    bitmask = np.zeros((1, cg.mask_words), dtype=np.int32)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pieces: list[str] = []
    tokens: list[int] = []
    head = Head(model)
    recycle = Recycle(drafter.cost_aware)

    def emit(ids: list[int]) -> str:
        text = decoder.decode(cg.vocab.decode_bytes(ids))
        if text:
            pieces.append(text)
        return text

    def take(tok: int) -> list[int]:
        """Consumes `tok` and the tokens then forced; returns them all."""
        if not matcher.consume(tok):
            raise RuntimeError(f"token {tok} was chosen outside the mask: {matcher.error()}")
        step = [tok]
        tokens.append(tok)
        if not matcher.is_finished():
            forced = matcher.forced_tokens()[: max_new_tokens - len(tokens)]
            if forced:
                done = matcher.consume_tokens(forced)
                forced = forced[:done]
                step += forced
                tokens.extend(forced)
                stats.forced_tokens += len(forced)
        return step

    def stop_reason() -> str | None:
        if matcher.is_finished():
            return "complete"
        if len(tokens) >= max_new_tokens:
            return "max_new_tokens"
        return None

    prompt_ids = [int(t) for t in tokenizer(prompt)["input_ids"]]
    drafter.observe_accepted(prompt_ids)
    with torch.inference_mode():
        t = time.perf_counter()
        out = model(input_ids=torch.tensor([prompt_ids], device=device), use_cache=True)
        stats.model_seconds += time.perf_counter() - t
        stats.forward_passes += 1
        past = out.get("cache")
        if past is None:
            past = out.get("past_key_values")
        t = time.perf_counter()
        tok = _choose(out.logits[0, -1], matcher, bitmask, [], temperature, top_k, top_p, gen)
        stats.grammar_seconds += time.perf_counter() - t
        if tok in eos:
            matcher.consume(tok)
            tokens.append(tok)
            stats.stop_reason = "eos"
        else:
            pending = take(tok)
            text = emit(pending)
            if text:
                yield text
            stats.stop_reason = stop_reason() or ""
        while not stats.stop_reason:
            past_len = past.get_seq_length()
            t = time.perf_counter()
            # The drafter reads the last two tokens only.
            context = (prompt_ids[-2:] + tokens[-2:])[-2:]
            tree_tokens, parents, depths, certain = drafter.draft(
                matcher, context, guided, len(pending)
            )
            stats.draft_seconds += time.perf_counter() - t
            stats.draft_nodes += len(tree_tokens)
            feed = pending + tree_tokens
            mask, pos = tree_inputs(len(pending), parents, depths, past_len, dtype, device)
            t = time.perf_counter()
            past = head.forward(feed, mask, pos, past, device)
            synchronize(device)
            elapsed = time.perf_counter() - t
            stats.model_seconds += elapsed
            drafter.observe_cost(len(feed), elapsed)
            stats.forward_passes += 1
            t = time.perf_counter()
            kids: dict[int, list[tuple[int, int]]] = {}
            for j, p in enumerate(parents):
                kids.setdefault(p, []).append((j, tree_tokens[j]))
            stats.draft_seconds += time.perf_counter() - t
            # Walk down the tree.
            t = time.perf_counter()
            node, row = -1, len(pending) - 1
            accepted: list[int] = []
            step: list[int] = []
            next_pending: list[int] = []
            while True:
                drafted = [c for c in kids.get(node, []) if not certain[c[0]]]
                tok = _choose(
                    head.logits(row), matcher, bitmask, drafted, temperature, top_k, top_p, gen
                )
                if tok in eos:
                    matcher.consume(tok)
                    tokens.append(tok)
                    stats.stop_reason = "eos"
                    break
                got = take(tok)
                step += got
                child = next((j for j, c in drafted if c == tok), None)
                if child is None:
                    next_pending = got
                    break
                accepted.append(child)
                stats.draft_accepted += 1
                node = child
                # The forced tokens that followed, down the tree's certain chain.
                rest = got[1:]
                while rest:
                    c = next(
                        (j for j, x in kids.get(node, []) if certain[j] and x == rest[0]), None
                    )
                    if c is None:
                        break
                    accepted.append(c)
                    node = c
                    rest = rest[1:]
                reason = stop_reason()
                if rest or reason:
                    next_pending = rest
                    stats.stop_reason = reason or ""
                    break
                row = len(pending) + node
            stats.grammar_seconds += time.perf_counter() - t - head.head_seconds
            stats.model_seconds += head.head_seconds
            # The model's candidates after each position whose logits were
            # computed (the walk's rows, and every fed row where the head on
            # them is cheap, as Token Recycling updates from the whole tree):
            # the adjacency rows.
            missing = len(feed) - len(head.rows)
            recycled = recycle.wanted(missing, elapsed)
            head_s = 0.0
            if recycled:
                t = time.perf_counter()
                head.all_rows()
                synchronize(device)
                head_s = time.perf_counter() - t
                stats.model_seconds += head_s
            t = time.perf_counter()
            seen = sorted(head.rows)
            rows = torch.stack([head.rows[r] for r in seen]).float()
            top = torch.topk(rows, min(TOP_K, rows.shape[-1]), dim=-1).indices.tolist()
            if recycled:
                recycle.measured(missing, head_s + time.perf_counter() - t)
            drafter.observe_top([feed[r] for r in seen], top)
            drafter.observe_verified(accepted)
            drafter.observe_accepted(context + step)
            keep = list(range(past_len + len(pending)))
            keep += [past_len + len(pending) + j for j in accepted]
            keep_positions(past, torch.tensor(keep, device=device))
            stats.draft_seconds += time.perf_counter() - t
            text = emit(step)
            if text:
                yield text
            if not stats.stop_reason:
                stats.stop_reason = stop_reason() or ""
            if stats.stop_reason in ("complete", "max_new_tokens") or not next_pending:
                if not stats.stop_reason:
                    raise CorralError("drafting lost its place: no token left to feed")
                break
            pending = next_pending
    tail, result = _finish(decoder, pieces, tokens, eos, stats, t_start, matcher)
    if tail:
        yield tail
    return result
