"""corral: make a language model's output obey a grammar, fast.

Today's surface: :class:`Vocabulary`, a model's tokens as exact bytes, built
from a Hugging Face tokenizer, a ``tokenizer.json`` path or raw token bytes.

>>> import corral
>>> v = corral.Vocabulary.from_bytes([b"a", b"b", b"</s>"], eos_token_id=2)
>>> v.token_bytes(0), v.eos_token_ids, v.mask_words
(b'a', [2], 1)
"""

from corral._core import (
    CorralError,
    NotSupportedError,
    Vocabulary,
    VocabularyError,
    __version__,
)

__all__ = [
    "CorralError",
    "NotSupportedError",
    "Vocabulary",
    "VocabularyError",
    "__version__",
]
