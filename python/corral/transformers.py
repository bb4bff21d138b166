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
from corral._inputs import (
    GrammarLike,
    as_grammar,
    check_not_empty,
    check_vocabulary,
    vocabulary_for,
)
from corral._mask import apply_mask
from corral._mask import compile as _compile
from corral.sampling import Constraint

__all__ = ["GrammarLogitsProcessor"]


class GrammarLogitsProcessor:
    """A `transformers` logits processor that keeps generation in a grammar.

    `grammar`: a :class:`CompiledGrammar` (for this tokenizer and model
    width), a :class:`Grammar`, a JSON Schema dict or a Pydantic model class
    (compiled with ``profile="generate"``: see
    :meth:`Grammar.from_json_schema`), Lark text or a ``.lark`` / JSON Schema
    file's path, with the model's `tokenizer` (or a :class:`Vocabulary`);
    anything not compiled is compiled on the first call, for the width of
    the model's logits (padded vocabularies included). The output is in the
    grammar's own language, its bound on runs of ignored whitespace included
    (`Grammar.from_lark(..., whitespace_limit=)`; Lark text gets the
    default, 24).

    A list gives one grammar per prompt of the batch (the serving case:
    different schemas in one batch): exactly one per prompt, in the
    prompts' order. With several sequences per prompt
    (``num_return_sequences``, beams) each prompt's consecutive rows share
    its grammar: row r takes grammar ``r // (rows // len(grammars))``, so a
    list as long as a divisor of the prompts would be taken the same way.

    One processor serves one `generate` call at a time; a new call (a shorter
    or new batch of inputs) starts it over. `reset()` does so explicitly.
    """

    def __init__(
        self,
        grammar: GrammarLike | list[GrammarLike],
        tokenizer: Any = None,
        *,
        vocab: Vocabulary | None = None,
    ) -> None:
        given = list(grammar) if isinstance(grammar, list) else [grammar]
        if not given:
            raise ValueError("an empty list of grammars")
        self._specs: list[Grammar | CompiledGrammar] = []
        for g in given:
            spec = as_grammar(g, profile="generate")
            if isinstance(spec, Constraint):
                raise ValueError(
                    f"{spec.name} has a Python check, which a token mask cannot apply: sample "
                    "with corral.generate(..., sampler='awrs') or corral.smc"
                )
            if not isinstance(spec, CompiledGrammar) and tokenizer is None and vocab is None:
                raise ValueError("a Grammar needs the model's tokenizer (or a Vocabulary)")
            self._specs.append(spec)
        self._cgs: list[CompiledGrammar] | None = None
        self._tokenizer = tokenizer
        self._vocab = vocab
        self.reset()

    def reset(self) -> None:
        """Forgets the generation in progress."""
        self._start: int | None = None
        self._batch: int | None = None
        self._states: dict[tuple[int, tuple[int, ...]], Matcher] = {}
        self._last_len = -1
        self._bitmask: np.ndarray[Any, np.dtype[np.int32]] | None = None

    @property
    def compiled(self) -> CompiledGrammar | None:
        """The (first) compiled grammar (None before the first call when built
        lazily)."""
        if self._cgs is not None:
            return self._cgs[0]
        first = self._specs[0]
        return first if isinstance(first, CompiledGrammar) else None

    def _compiled(self, width: int) -> list[CompiledGrammar]:
        if self._cgs is None:
            # One vocabulary for every row: the one given, else that of a
            # compiled grammar given, else the tokenizer's at this width.
            given = [s for s in self._specs if isinstance(s, CompiledGrammar)]
            vocab = self._vocab or (given[0].vocab if given else None)
            own = vocab is None
            if vocab is None:
                vocab = vocabulary_for(self._tokenizer, width)
            cgs = []
            for spec in self._specs:
                cg = spec if isinstance(spec, CompiledGrammar) else _compile(spec, vocab)
                here = own and not isinstance(spec, CompiledGrammar)
                check_vocabulary(cg, self._tokenizer, width, compiled_here=here)
                check_not_empty(cg)
                cgs.append(cg)
            sizes = {cg.vocab_size for cg in cgs}
            if len(sizes) > 1:
                raise ValueError(
                    "the grammars were compiled for vocabularies of different sizes "
                    f"{sorted(sizes)}: compile them all for one Vocabulary (or pass vocab=)"
                )
            self._cgs = cgs
        return self._cgs

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        cgs = self._compiled(scores.shape[-1])
        rows, length = input_ids.shape
        if rows % len(cgs):
            raise ValueError(
                f"{len(cgs)} grammars for a batch of {rows} rows: give one grammar per prompt"
            )
        per = rows // len(cgs)
        if self._start is None or length <= self._last_len or rows != self._batch:
            # A new generate call.
            self._start = length
            self._batch = rows
            self._states = {(g, ()): cg.matcher() for g, cg in enumerate(cgs)}
        self._last_len = length
        seqs = [(r // per, tuple(x)) for r, x in enumerate(input_ids[:, self._start :].tolist())]
        # How many rows continue each parent prefix: a parent continued once
        # is advanced in place; one continued more often is forked.
        children: dict[tuple[int, tuple[int, ...]], int] = {}
        for g, key in set(seqs):
            if key:
                children[(g, key[:-1])] = children.get((g, key[:-1]), 0) + 1
        states: dict[tuple[int, tuple[int, ...]], Matcher] = {}
        for g, key in seqs:
            if (g, key) in states:
                continue
            if not key:
                states[(g, key)] = self._states[(g, ())]
                continue
            parent_key = (g, key[:-1])
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
            states[(g, key)] = m
        self._states = states
        words = cgs[0].mask_words
        distinct = list(dict.fromkeys(seqs))
        index = {k: i for i, k in enumerate(distinct)}
        bm = np.empty((len(distinct), words), dtype=np.int32)
        live = [i for i, k in enumerate(distinct) if not states[k].is_finished()]
        done = [i for i, k in enumerate(distinct) if states[k].is_finished()]
        if live:
            if self._bitmask is None or self._bitmask.shape[0] < len(live):
                self._bitmask = np.zeros((max(len(live), rows), words), dtype=np.int32)
            fill_masks([states[distinct[i]] for i in live], self._bitmask)
            bm[live] = self._bitmask[: len(live)]
        if done:
            bm[done] = _eos_row(cgs[0], self._tokenizer)
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
