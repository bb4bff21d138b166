"""Vocabulary: token bytes agree with each tokenizer's own decoding, byte for byte."""

from __future__ import annotations

import functools
import re
import unicodedata

import corral
import pytest
from conftest import TOKENIZER_DIR, TOKENIZERS, corral_vocab, hf_tokenizer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPLACEMENT_RUN = re.compile("\ufffd+")


def lossy(data: bytes) -> str:
    """Bytes as the tokenizers library shows them: invalid UTF-8 becomes U+FFFD.

    The byte-level decoder writes one U+FFFD per maximal invalid subpart and the
    byte-fallback decoder one per byte, so runs of U+FFFD are compared as one.
    """
    return REPLACEMENT_RUN.sub("\ufffd", data.decode("utf-8", errors="replace"))


def covers(text: str, data: bytes) -> bool:
    """Whether `data` reads as `text`, each run of U+FFFD in `text` standing for
    one or more bytes of `data` that are not valid UTF-8 in place."""
    parts = REPLACEMENT_RUN.split(text)
    pattern = b"(.+?)".join(re.escape(p.encode("utf-8")) for p in parts)
    m = re.fullmatch(pattern, data, flags=re.DOTALL)
    if m is None:
        return False
    for span in m.groups():
        try:
            shown = span.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if set(shown) != {"\ufffd"}:
            return False  # valid text other than U+FFFD itself was shown as U+FFFD
    return True


@functools.cache
def normal_ids(name: str) -> list[int]:
    v = corral_vocab(name)
    return [i for i in range(v.vocab_size) if v.token_kind(i) == "normal"]


@functools.cache
def anchor(name: str) -> int:
    """An ordinary token standing for b"a": decoding it first keeps SentencePiece's
    decoder from stripping a leading space of the tokens under test."""
    v = corral_vocab(name)
    tk = hf_tokenizer(name)
    # Not a byte-fallback piece (`<0x61>`): those merge with neighbouring bytes.
    ids = [i for i in v.tokens_prefixing(b"a") if tk.id_to_token(i) == "a"]
    assert ids, f"{name} has a token for 'a'"
    return ids[0]


def expected_text(name: str, ids: list[int]) -> str:
    text: str = hf_tokenizer(name).decode([anchor(name), *ids], skip_special_tokens=False)
    assert text.startswith("a")
    return REPLACEMENT_RUN.sub("\ufffd", text[1:])


@pytest.mark.parametrize("name", TOKENIZERS)
def test_every_token_alone_matches_the_tokenizer(name: str) -> None:
    v = corral_vocab(name)
    tk = hf_tokenizer(name)
    ids = normal_ids(name)
    a = anchor(name)
    decoded = tk.decode_batch([[a, i] for i in ids], skip_special_tokens=False)
    bad = []
    for i, text in zip(ids, decoded, strict=True):
        data = v.token_bytes(i)
        assert data is not None
        if REPLACEMENT_RUN.sub("\ufffd", text) != "a" + lossy(data):
            bad.append((i, data, text))
    assert not bad, f"{len(bad)} tokens differ, e.g. {bad[:5]}"


@pytest.mark.parametrize("name", TOKENIZERS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_token_sequences_match_the_tokenizer(name: str, data: st.DataObject) -> None:
    ids_pool = normal_ids(name)
    ids = data.draw(st.lists(st.sampled_from(ids_pool), min_size=1, max_size=24))
    got = corral_vocab(name).decode_bytes(ids)
    assert b"".join(corral_vocab(name).token_bytes(i) or b"" for i in ids) == got
    want = expected_text(name, ids)
    try:
        exact = got.decode("utf-8")
    except UnicodeDecodeError:
        # Partial UTF-8 (a character split across tokens, or a lone byte
        # token): the tokenizer shows U+FFFD where bytes are not valid UTF-8,
        # per byte or per group depending on its decoder. Every other
        # character must match exactly and in order.
        assert covers(want, got), (want, got)
    else:
        # U+FFFD in the token bytes themselves reads like a replacement run.
        assert REPLACEMENT_RUN.sub("\ufffd", exact) == want


TRICKY = [
    "Hello, world!",
    "👩‍👩‍👧‍👦 family, 👍🏽 thumbs, 🇫🇷 flag, 🏳️‍🌈",
    "漢字かな交じり文 — 中文，日本語、한국어 텍스트",
    "e\u0301 a\u0308 n\u0303 Z\u0351\u0300\u0336alg\u0337o",
    "Привет, мир! مرحبا بالعالم שלום עולם नमस्ते दुनिया สวัสดีชาวโลก",
    "line one\r\nline two\r\n\r\n\n\r\rlast\n",
    "\t\tindented\n    four spaces\n          ten spaces   trailing   ",
    "def f(x: int) -> dict:\n    return {\"a\": [1, 2.5e-3, None], 'b': x ** 2}\n",
    '{"name": "corral", "tags": ["a", "b"], "n": -12.5E+3, "ok": true, "z": null}',
    '[{"k":"\\u00e9\\n\\t\\"q\\""},{}]',
    "zero\u200bwidth\u200d joiner \ufeffbom \u00a0nbsp",
    "\x00\x01\x1f\x7f control bytes",
    "SELECT id, name FROM users WHERE age >= 18 ORDER BY name LIMIT 10;",
    "   leading spaces and trailing newline\n\n",
    "∀x∈ℝ: x² ≥ 0 ≠ ∞ ≈ π; “quotes” ‘single’ «guillemets» … ‰",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕞𝕒𝕥𝕙 𝒮𝒸𝓇𝒾𝓅𝓉 🜁 𓀀",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!!!!!!!!!!!",
    "1234567890 3.14159265358979 -0.0 1e308 0x1F",
]

# What each tokenizer's normalizer does to text before it is split.
PREPENDS_SPACE = {"llama2", "mistral-sp32k"}  # Prepend("▁") normalizer
NFC = {"qwen3"}  # NFC normalizer


@pytest.mark.parametrize("name", TOKENIZERS)
@pytest.mark.parametrize("text", TRICKY, ids=range(len(TRICKY)))
def test_encode_then_corral_bytes_round_trips(name: str, text: str) -> None:
    ids = hf_tokenizer(name).encode(text, add_special_tokens=False).ids
    want = unicodedata.normalize("NFC", text) if name in NFC else text
    if name in PREPENDS_SPACE:
        want = " " + want
    assert corral_vocab(name).decode_bytes(ids) == want.encode("utf-8")


@pytest.mark.parametrize("name", TOKENIZERS)
def test_from_hf_transformers_agrees_with_from_file(name: str) -> None:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(TOKENIZER_DIR / name))
    v = corral.Vocabulary.from_hf(tok)
    f = corral_vocab(name)
    assert v.eos_token_ids == [tok.eos_token_id] == f.eos_token_ids
    assert v.vocab_size == f.vocab_size == max(tok.get_vocab().values()) + 1
    assert v.special_token_ids == f.special_token_ids
    assert v.all_token_bytes() == f.all_token_bytes()
    # Every special token transformers knows of is kept apart.
    for tid in tok.all_special_ids:
        assert v.token_kind(tid) == "special"
        assert v.token_bytes(tid) is None


def test_from_hf_accepts_tokenizers_objects_and_paths() -> None:
    a = corral.Vocabulary.from_hf(hf_tokenizer("gpt2"))
    b = corral.Vocabulary.from_hf(str(TOKENIZER_DIR / "gpt2"))
    c = corral.Vocabulary.from_hf(TOKENIZER_DIR / "gpt2" / "tokenizer.json")
    assert a.eos_token_ids == b.eos_token_ids == c.eos_token_ids == [50256]
    assert a.all_token_bytes() == b.all_token_bytes() == c.all_token_bytes()


def test_padded_logits_width() -> None:
    v = corral.Vocabulary.from_file(TOKENIZER_DIR / "qwen3", vocab_size=151936)
    assert v.vocab_size == len(v) == 151936
    assert v.mask_words == 151936 // 32
    assert v.token_kind(151668) == "normal"  # </think>: an ordinary added token
    assert all(v.token_kind(i) == "missing" for i in range(151669, 151936))
    assert v.token_bytes(151900) is None
    assert len(v.all_token_bytes()) == 151936
    with pytest.raises(corral.VocabularyError, match="smaller than"):
        corral.Vocabulary.from_file(TOKENIZER_DIR / "qwen3", vocab_size=1000)


def test_holes_are_missing() -> None:
    v = corral_vocab("cl100k")
    assert v.vocab_size == 100277
    assert v.n_tokens == 100261
    assert [i for i in range(100250, 100277) if v.token_kind(i) == "missing"] == [
        100256,
        *range(100261, 100276),
    ]


def test_explicit_eos_ids() -> None:
    v = corral.Vocabulary.from_file(TOKENIZER_DIR / "llama3", eos_token_ids=[128001, 128009])
    assert v.eos_token_ids == [128001, 128009]
    assert v.special_token_name(128009) == "<|eot_id|>"


def test_from_bytes() -> None:
    v = corral.Vocabulary.from_bytes(
        [b"a", b"bc", None, b"<|eos|>", b"\xe2\x82", b"<x>"],
        eos_token_id=3,
        special_token_ids=[5],
        vocab_size=64,
    )
    assert v.vocab_size == 64 and v.mask_words == 2
    assert v.tokenizer_kind == "raw"
    assert v.eos_token_ids == [3] and v.special_token_ids == [3, 5]
    assert v.token_bytes(4) == b"\xe2\x82"
    assert v.token_kind(2) == "missing" and v.token_kind(63) == "missing"
    assert v.token_kind(-1) == "missing" and v.token_bytes(10**12) is None
    assert v.special_token_name(5) == "<x>"
    assert v.decode_bytes([0, 3, 1]) == b"abc"
    assert v.decode_bytes([0, 3], with_special=True) == b"a<|eos|>"
    with pytest.raises(IndexError):
        v.decode_bytes([2])
    with pytest.raises(corral.VocabularyError, match="EOS id 9"):
        corral.Vocabulary.from_bytes([b"a"], eos_token_id=9)
    with pytest.raises(corral.VocabularyError, match="special token id 4"):
        corral.Vocabulary.from_bytes([b"a", b"b"], eos_token_id=1, special_token_ids=[4])
    with pytest.raises(corral.VocabularyError, match="eos_token_id"):
        corral.Vocabulary.from_bytes([b"a"], eos_token_id="x")


def test_unsupported_and_broken_tokenizers() -> None:
    wordpiece = '{"model": {"type": "WordPiece", "vocab": {"a": 0}}}'
    with pytest.raises(corral.NotSupportedError, match="not supported: WordPiece"):
        corral.Vocabulary.from_tokenizer_json(wordpiece)
    with pytest.raises(corral.VocabularyError, match=r"tokenizer\.json"):
        corral.Vocabulary.from_tokenizer_json("{not json")
    with pytest.raises(corral.VocabularyError, match="EOS"):
        corral.Vocabulary.from_tokenizer_json('{"model": {"type": "BPE", "vocab": {"a": 0}}}')
    with pytest.raises(corral.NotSupportedError, match="tokenizer type"):
        corral.Vocabulary.from_hf(object())
    with pytest.raises(corral.VocabularyError, match="no-such-dir"):
        corral.Vocabulary.from_file(TOKENIZER_DIR / "no-such-dir")
    assert issubclass(corral.VocabularyError, ValueError)


@pytest.mark.parametrize("name", ["llama3", "gemma3", "mistral-sp32k"])
def test_trie_lookups_match_brute_force(name: str) -> None:
    v = corral_vocab(name)
    all_bytes = v.all_token_bytes()
    for prefix in [b" ", b"{", b'{"', b" the", b"\n\n", b"\xe4", b"zzzzzzq", b"1"]:
        want = sorted(i for i, b in enumerate(all_bytes) if b and b.startswith(prefix))
        assert sorted(v.tokens_with_prefix(prefix)) == want
    data = b'{"name": "corral"}'
    want = sorted(i for i, b in enumerate(all_bytes) if b and data.startswith(b))
    got = v.tokens_prefixing(data)
    assert sorted(got) == want
    assert [len(all_bytes[i] or b"") for i in got] == sorted(len(all_bytes[i] or b"") for i in got)
    assert v.trie_node_count > v.n_tokens - len(v.special_token_ids)
    assert v.max_token_len == max(len(b) for b in all_bytes if b)
