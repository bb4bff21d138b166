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

    One processor serves one `generate` call at a time; a new call (the
    prompt's length again, another prompt or another batch size) starts it
    over. `reset()` does so explicitly. Within a call, a row may come back
    shorter than before (assisted generation and prompt-lookup decoding
    verify candidate tokens and drop the refused ones): its state is rolled
    back to the tokens kept.
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
        #: Per (grammar, tokens after the prompt): a matcher and how many of
        #: those tokens it consumed (a finished row is continued with EOS or
        #: pad tokens, which it does not consume).
        self._states: dict[tuple[int, tuple[int, ...]], tuple[Matcher, int]] = {}
        self._prompt: Any = None
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

    def _advance(
        self, needed: list[tuple[int, tuple[int, ...]]]
    ) -> dict[tuple[int, tuple[int, ...]], tuple[Matcher, int]]:
        """The state of each needed (grammar, tokens), from the states of the
        last call: the same tokens, one token more (the usual step), or any
        other: the state sharing the longest prefix, rolled back to it and
        advanced (candidates refused by assisted decoding, beams reordered).
        A state needed by several rows is forked; one needed once is moved."""
        old = self._states
        plan: dict[tuple[int, tuple[int, ...]], tuple[tuple[int, tuple[int, ...]], int]] = {}
        for g, key in needed:
            if (g, key) in old:
                plan[(g, key)] = ((g, key), len(key))
            elif key and (g, key[:-1]) in old:
                plan[(g, key)] = ((g, key[:-1]), len(key) - 1)
            else:
                src = max(
                    (k for k in old if k[0] == g),
                    key=lambda k: (_common(k[1], key), -len(k[1])),
                    default=None,
                )
                if src is None:
                    raise RuntimeError(
                        "GrammarLogitsProcessor: a row's prefix was never seen; use one "
                        "processor per generate call"
                    )
                plan[(g, key)] = (src, _common(src[1], key))
        uses: dict[tuple[int, tuple[int, ...]], int] = {}
        for src, _ in plan.values():
            uses[src] = uses.get(src, 0) + 1
        states: dict[tuple[int, tuple[int, ...]], tuple[Matcher, int]] = {}
        for (g, key), (src, common) in plan.items():
            m, consumed = old[src]
            if uses[src] > 1:
                m = m.fork()
            # The consumed tokens are the first `consumed` of the source's.
            keep = min(common, consumed)
            if consumed > keep:
                m.rollback(consumed - keep)
            consumed = keep
            for tok in key[keep:]:
                # A finished row (EOS consumed, or nothing more allowed) is
                # continued with EOS or pad tokens: it stays finished.
                if m.is_finished():
                    break
                if not m.consume(tok):
                    raise RuntimeError(
                        f"GrammarLogitsProcessor: token {tok} is not allowed here ({m.error()}); "
                        "was another processor applied after this one?"
                    )
                consumed += 1
            states[(g, key)] = (m, consumed)
        return states

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        cgs = self._compiled(scores.shape[-1])
        rows, length = input_ids.shape
        if rows % len(cgs):
            raise ValueError(
                f"{len(cgs)} grammars for a batch of {rows} rows: give one grammar per prompt"
            )
        per = rows // len(cgs)
        if (
            self._start is None
            or rows != self._batch
            or length <= self._start
            or not bool((input_ids[:, : self._start] == self._prompt).all())
        ):
            # A new generate call.
            self._start = length
            self._batch = rows
            self._prompt = input_ids[:, :length].clone()
            self._states = {(g, ()): (cg.matcher(), 0) for g, cg in enumerate(cgs)}
        seqs = [(r // per, tuple(x)) for r, x in enumerate(input_ids[:, self._start :].tolist())]
        states = self._advance(list(dict.fromkeys(seqs)))
        self._states = states
        words = cgs[0].mask_words
        distinct = list(dict.fromkeys(seqs))
        index = {k: i for i, k in enumerate(distinct)}
        bm = np.empty((len(distinct), words), dtype=np.int32)
        live = [i for i, k in enumerate(distinct) if not states[k][0].is_finished()]
        done = [i for i, k in enumerate(distinct) if states[k][0].is_finished()]
        if live:
            if self._bitmask is None or self._bitmask.shape[0] < len(live):
                self._bitmask = np.zeros((max(len(live), rows), words), dtype=np.int32)
            fill_masks([states[distinct[i]][0] for i in live], self._bitmask)
            bm[live] = self._bitmask[: len(live)]
        if done:
            bm[done] = _eos_row(cgs[0], self._tokenizer)
        mask = bm[[index[k] for k in seqs]]
        apply_mask(scores, mask)
        return scores


def _common(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    """The length of the longest common prefix of `a` and `b`."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


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
