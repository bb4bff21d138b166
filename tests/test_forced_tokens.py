"""Jump-forward: forced bytes come back as the tokenizer's own tokens."""

from __future__ import annotations

import corral
import numpy as np
import pytest
from conftest import TOKENIZERS, corral_vocab, hf_tokenizer

OBJ = 'start: "{\\"name\\": \\"" NAME "\\", \\"value\\": " NUM "}"\nNAME: /[a-z]+/\nNUM: /[0-9]+/\n'


def mask_of(m: corral.Matcher, vocab_size: int) -> np.ndarray:
    bm = corral.allocate_bitmask(1, vocab_size)
    m.fill_mask(bm)
    return bm[0].copy()


def canonical_mid_text(name: str, text: str) -> list[int]:
    """`text` as the tokenizer splits it after a newline (no start-of-text marks)."""
    vocab = corral_vocab(name)
    ids = hf_tokenizer(name).encode("\n" + text, add_special_tokens=False).ids
    for k in range(len(ids)):
        if b"".join(vocab.token_bytes(t) or b"" for t in ids[k:]) == text.encode():
            return list(ids[k:])
    raise AssertionError(f"{name}: no split of {text!r}")


@pytest.mark.parametrize("name", TOKENIZERS)
def test_forced_tokens_are_canonical_and_leave_the_state_alone(name: str) -> None:
    vocab = corral_vocab(name)
    m = corral.compile(corral.Grammar.from_lark(OBJ), vocab).matcher()
    before = mask_of(m, vocab.vocab_size)
    forced = m.forced_bytes()
    assert forced == b'{"name": "'
    got = m.forced_tokens()
    # The state is unchanged.
    assert m.bytes_consumed == 0
    assert (mask_of(m, vocab.vocab_size) == before).all()
    # The tokenizer's own split, the last token held back.
    want = canonical_mid_text(name, forced.decode())
    assert got == want[:-1], [vocab.token_bytes(t) for t in got]
    assert got, "some token is forced"
    assert m.consume_tokens(got) == len(got)
    n = len(b"".join(vocab.token_bytes(t) or b"" for t in got))
    assert m.bytes_consumed == n

    # After the name, the forced text runs to the number.
    for t in canonical_mid_text(name, forced[n:].decode() + 'abc"'):
        assert m.consume(t), vocab.token_bytes(t)
    rest = m.forced_bytes()
    assert rest == b', "value": '
    got = m.forced_tokens()
    assert got == canonical_mid_text(name, rest.decode())[:-1]


def test_everything_forced_to_the_end_keeps_the_last_token() -> None:
    vocab = corral_vocab("llama3")
    m = corral.compile(corral.Grammar.from_lark('start: "hello world"\n'), vocab).matcher()
    got = m.forced_tokens()
    assert b"".join(vocab.token_bytes(t) or b"" for t in got) == b"hello world"
    assert m.consume_tokens(got) == len(got)
    assert m.is_finished()
    assert m.forced_tokens() == []


def test_nothing_forced_or_mid_character() -> None:
    vocab = corral_vocab("gpt2")
    m = corral.compile(corral.Grammar.from_lark('start: "a" | "b"\n'), vocab).matcher()
    assert m.forced_tokens() == []
    # A token ending inside a character: the forced rest is not text.
    m = corral.compile(corral.Grammar.from_lark('start: "\u00e9t\u00e9"\n'), vocab).matcher()
    first = [t for t in range(vocab.vocab_size) if vocab.token_bytes(t) == b"\xc3"]
    assert first and m.consume(first[0])
    assert m.forced_bytes() == "\u00e9t\u00e9".encode()[1:]
    assert m.forced_tokens() == []


def test_encoder_sources() -> None:
    tokens = [b"a", b"b", b"ab", b"abab", b"</s>"]
    g = corral.Grammar.from_lark('start: "ababab" "b"*\n')
    plain = corral.Vocabulary.from_bytes(tokens, eos_token_id=4)
    with pytest.raises(corral.NotSupportedError, match="encoder"):
        corral.compile(g, plain).matcher().forced_tokens()

    def encode(data: bytes) -> list[int]:
        out, i = [], 0
        while i < len(data):
            for t in (3, 2, 0, 1):
                if data.startswith(tokens[t], i):
                    out.append(t)
                    i += len(tokens[t])
                    break
        return out

    v = corral.Vocabulary.from_bytes(tokens, eos_token_id=4, encode=encode)
    m = corral.compile(g, v).matcher()
    assert m.forced_tokens() == [3]  # abab | ab, the last held back
    # Byte-level matchers have no tokens.
    assert not hasattr(g.matcher(), "forced_tokens")
    # A transformers tokenizer brings its own encoder.
    transformers = pytest.importorskip("transformers")
    from conftest import TOKENIZER_DIR

    hf = transformers.PreTrainedTokenizerFast(
        tokenizer_file=str(TOKENIZER_DIR / "qwen3" / "tokenizer.json")
    )
    vq = corral.Vocabulary.from_hf(hf)
    m = corral.compile(corral.Grammar.from_lark(OBJ), vq).matcher()
    assert m.forced_tokens() == canonical_mid_text("qwen3", '{"name": "')[:-1]
