"""Hugging Face `transformers` integration: one logits processor.

>>> proc = GrammarLogitsProcessor(grammar, tokenizer)          # doctest: +SKIP
>>> model.generate(**inputs, logits_processor=[proc])          # doctest: +SKIP

The processor keeps one matcher per distinct generated prefix, so it follows
whatever `generate` does with its rows: batches (left padding), several
sequences per prompt, and beam search, whose beams are reordered and copied
at every step (a beam's matcher is found by its prefix and forked where two
beams share a parent). `transformers` applies custom processors before the
temperature / top-k / top-p warpers, so those reshape the constrained
distribution. When the output is complete the mask leaves only EOS, and
generation stops there. Rows that have finished (EOS consumed) are left only
EOS and the pad token, so sampling never meets a row of all -inf.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from corral._core import CompiledGrammar, Grammar, Matcher, Vocabulary, fill_masks
from corral._mask import apply_mask
from corral._mask import compile as _compile
from corral.sampling import Constraint

__all__ = ["GrammarLogitsProcessor"]


class GrammarLogitsProcessor:
    """A `transformers` logits processor that keeps generation in a grammar.

    `grammar`: a :class:`CompiledGrammar`, or a :class:`Grammar` (or Lark
    text) with the model's `tokenizer` (or a :class:`Vocabulary`); the
    latter is compiled on the first call, for the width of the model's logits
    (padded vocabularies included). The output is in the grammar's own
    language, its bound on runs of ignored whitespace included
    (`Grammar.from_lark(..., whitespace_limit=)`; Lark text gets the default, 24).

    One processor serves one `generate` call at a time; a new call (a shorter
    or new batch of inputs) starts it over. `reset()` does so explicitly.
    """

    def __init__(
        self,
        grammar: CompiledGrammar | Grammar | str | Constraint,
        tokenizer: Any = None,
        *,
        vocab: Vocabulary | None = None,
    ) -> None:
        if isinstance(grammar, Constraint):
            raise ValueError(
                f"{grammar.name} has a Python check, which a token mask cannot apply: sample "
                "with corral.generate(..., sampler='awrs') or corral.smc"
            )
        self._cg: CompiledGrammar | None = None
        self._grammar: Grammar | None = None
        self._tokenizer = tokenizer
        self._vocab = vocab
        if isinstance(grammar, CompiledGrammar):
            self._cg = grammar
        else:
            self._grammar = Grammar.from_lark(grammar) if isinstance(grammar, str) else grammar
            if tokenizer is None and vocab is None:
                raise ValueError("a Grammar needs the model's tokenizer (or a Vocabulary)")
        self.reset()

    def reset(self) -> None:
        """Forgets the generation in progress."""
        self._start: int | None = None
        self._batch: int | None = None
        self._states: dict[tuple[int, ...], Matcher] = {}
        self._last_len = -1
        self._bitmask: np.ndarray[Any, np.dtype[np.int32]] | None = None

    @property
    def compiled(self) -> CompiledGrammar | None:
        """The compiled grammar (None before the first call when built lazily)."""
        return self._cg

    def _compiled(self, width: int) -> CompiledGrammar:
        if self._cg is None:
            assert self._grammar is not None
            vocab = self._vocab
            if vocab is None:
                vocab = Vocabulary.from_hf(self._tokenizer, vocab_size=width)
            self._cg = _compile(self._grammar, vocab)
        return self._cg

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        cg = self._compiled(scores.shape[-1])
        if cg.vocab_size > scores.shape[-1]:
            raise ValueError(
                f"the grammar's vocabulary has {cg.vocab_size} tokens but the logits have "
                f"{scores.shape[-1]}"
            )
        rows, length = input_ids.shape
        if self._start is None or length <= self._last_len or rows != self._batch:
            # A new generate call.
            self._start = length
            self._batch = rows
            self._states = {(): cg.matcher()}
        self._last_len = length
        seqs = [tuple(r) for r in input_ids[:, self._start :].tolist()]
        # How many rows continue each parent prefix: a parent continued once
        # is advanced in place; one continued more often is forked.
        children: dict[tuple[int, ...], int] = {}
        for key in set(seqs):
            if key:
                children[key[:-1]] = children.get(key[:-1], 0) + 1
        states: dict[tuple[int, ...], Matcher] = {}
        for key in seqs:
            if key in states:
                continue
            if not key:
                states[key] = self._states[()]
                continue
            parent_key = key[:-1]
            parent = self._states.get(parent_key)
            if parent is None:
                raise RuntimeError(
                    "GrammarLogitsProcessor: a row's prefix was never seen; use one processor "
                    "per generate call"
                )
            m = parent if children[parent_key] == 1 else parent.fork()
            tok = key[-1]
            # A finished row (EOS consumed, or nothing more allowed) is
            # continued with EOS or pad tokens: it stays finished.
            if not m.is_finished() and not m.consume(tok):
                raise RuntimeError(
                    f"GrammarLogitsProcessor: token {tok} is not allowed here ({m.error()}); "
                    "was another processor applied after this one?"
                )
            states[key] = m
        self._states = states
        distinct = list(dict.fromkeys(seqs))
        index = {k: i for i, k in enumerate(distinct)}
        bm = np.empty((len(distinct), cg.mask_words), dtype=np.int32)
        live = [i for i, k in enumerate(distinct) if not states[k].is_finished()]
        done = [i for i, k in enumerate(distinct) if states[k].is_finished()]
        if live:
            if self._bitmask is None or self._bitmask.shape[0] < len(live):
                self._bitmask = np.zeros((max(len(live), rows), cg.mask_words), dtype=np.int32)
            fill_masks([states[distinct[i]] for i in live], self._bitmask)
            bm[live] = self._bitmask[: len(live)]
        if done:
            bm[done] = _eos_row(cg, self._tokenizer)
        mask = bm[[index[k] for k in seqs]]
        apply_mask(scores, mask)
        return scores


def _eos_row(cg: CompiledGrammar, tokenizer: Any) -> np.ndarray[Any, np.dtype[np.int32]]:
    """A mask row with EOS (and the tokenizer's pad token) alone."""
    row = np.zeros(cg.mask_words, dtype=np.uint32)
    ids = list(cg.vocab.eos_token_ids)
    pad = getattr(tokenizer, "pad_token_id", None)
    if isinstance(pad, int):
        ids.append(pad)
    for t in ids:
        if 0 <= t < cg.vocab_size:
            row[t // 32] |= np.uint32(1 << (t % 32))
    return row.view(np.int32)
