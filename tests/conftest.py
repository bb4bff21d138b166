"""Shared fixtures: the real tokenizers shipped in tests/data/tokenizers."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the same examples every time (`.ci/run` sets HYPOTHESIS_PROFILE=ci),
# so a red run is a regression, not a newly drawn example; local runs explore.
settings.register_profile("ci", derandomize=True, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

DATA = Path(__file__).parent / "data"
TOKENIZER_DIR = DATA / "tokenizers"
TOKENIZERS = [
    "gpt2",
    "llama2",
    "llama3",
    "qwen3",
    "mistral-sp32k",
    "tekken",
    "gemma3",
    "cl100k",
    "o200k",
]

# `make test-fast` runs the tests parametrized by tokenizer on the small ones:
# byte-level BPE (gpt2), SentencePiece (llama2, mistral-sp32k) and holes in the
# id range (cl100k). The large vocabularies take most of the time, so their
# cases are `slow`: `make test` and CI run them.
FAST_TOKENIZERS = {"gpt2", "llama2", "mistral-sp32k", "cl100k"}
SLOW_TOKENIZERS = set(TOKENIZERS) - FAST_TOKENIZERS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and any(
            isinstance(v, str) and v in SLOW_TOKENIZERS for v in callspec.params.values()
        ):
            item.add_marker(pytest.mark.slow)


@functools.cache
def corral_vocab(name: str):  # type: ignore[no-untyped-def]
    import corral

    return corral.Vocabulary.from_file(TOKENIZER_DIR / name)


@functools.cache
def hf_tokenizer(name: str):  # type: ignore[no-untyped-def]
    """The tokenizer's own implementation (the `tokenizers` library)."""
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(TOKENIZER_DIR / name / "tokenizer.json"))


@pytest.fixture(params=TOKENIZERS)
def tokenizer_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)
