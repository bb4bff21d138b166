"""Token masks equal the brute-force answer (every token tried with try_consume)."""

from __future__ import annotations

from pathlib import Path

import corral
import numpy as np
import pytest
from conftest import TOKENIZERS, corral_vocab, hf_tokenizer

GRAMMARS = Path(__file__).resolve().parents[1] / "grammars"
DOC = '{"id": 12, "name": "caf\\u00e9 \u00fcber", "tags": ["a", "b c"], "ok": true, "x": -0.5e3}'


def mask_bits(m: corral.Matcher, vocab_size: int) -> np.ndarray:
    bm = corral.allocate_bitmask(1, vocab_size)
    m.fill_mask(bm)
    bits = np.unpackbits(bm[0].view(np.uint8), bitorder="little")
    return bits[:vocab_size].astype(bool)


def brute_force(m: corral.Matcher, vocab_size: int) -> np.ndarray:
    return np.array([m.try_consume(t) for t in range(vocab_size)], dtype=bool)


@pytest.mark.parametrize("name", TOKENIZERS)
def test_json_masks_are_exact(name: str) -> None:
    vocab = corral_vocab(name)
    cg = corral.compile(corral.Grammar.from_file(GRAMMARS / "json.lark"), vocab)
    ids = hf_tokenizer(name).encode(DOC, add_special_tokens=False).ids
    if name in ("llama2", "mistral-sp32k"):
        ids = ids[1:] if vocab.token_bytes(ids[0]) == b" " else ids  # dummy-prefix space
    m = cg.matcher()
    checked = 0
    for i, t in enumerate([*ids, None]):
        if i % 4 == 0 or t is None:
            got = mask_bits(m, vocab.vocab_size)
            want = brute_force(m, vocab.vocab_size)
            diff = np.nonzero(got != want)[0]
            examples = [(int(d), vocab.token_bytes(int(d))) for d in diff[:8]]
            assert diff.size == 0, (name, i, examples)
            checked += 1
        if t is not None:
            assert m.consume(t), (name, i, m.error())
    assert checked >= 4
    assert m.is_accepting()
    eos = vocab.eos_token_id
    assert mask_bits(m, vocab.vocab_size)[eos]
    assert m.consume(eos) and m.is_finished()
    assert not mask_bits(m, vocab.vocab_size).any()


def test_specials_and_padding_never_allowed() -> None:
    vocab = corral.Vocabulary.from_file(
        Path(__file__).parent / "data" / "tokenizers" / "qwen3", vocab_size=151936
    )
    cg = corral.compile("start: /[a-z<>|_\\/]+/\n", vocab)
    bits = mask_bits(cg.matcher(), vocab.vocab_size)
    assert not bits[151643:151657].any()  # special tokens, whose text the regex matches
    assert bits[151657]  # <tool_call> is an ordinary added token
    assert not bits[151669:].any()  # padded logits


def test_rollback_restores_masks_and_batches_agree() -> None:
    vocab = corral_vocab("gpt2")
    cg = corral.compile(corral.Grammar.from_file(GRAMMARS / "json.lark"), vocab)
    ids = hf_tokenizer("gpt2").encode(DOC).ids
    m = cg.matcher()
    masks = [mask_bits(m, vocab.vocab_size)]
    for t in ids[:10]:
        assert m.consume(t)
        masks.append(mask_bits(m, vocab.vocab_size))
    for k in range(10, 0, -1):
        m.rollback(1)
        assert (mask_bits(m, vocab.vocab_size) == masks[k - 1]).all()
    # A batch in parallel equals one by one.
    ms = []
    for k in range(6):
        mk = cg.matcher()
        assert mk.consume_tokens(ids[:k]) == k
        ms.append(mk)
    bm = corral.allocate_bitmask(6, vocab.vocab_size)
    corral.fill_masks(ms, bm)
    for k in range(6):
        one = corral.allocate_bitmask(1, vocab.vocab_size)
        ms[k].fill_mask(one)
        assert (one[0] == bm[k]).all()


def test_apply_mask_cpu_tensors() -> None:
    torch = pytest.importorskip("torch")
    vocab = corral_vocab("gpt2")
    cg = corral.compile(corral.Grammar.from_file(GRAMMARS / "json.lark"), vocab)
    m = cg.matcher()
    bm = corral.allocate_bitmask(2, vocab.vocab_size)
    m.fill_mask(bm, 0)
    m.fill_mask(bm, 1)
    allowed = mask_bits(m, vocab.vocab_size)
    for dtype in (torch.float32, torch.float16, torch.bfloat16):
        logits = torch.randn(2, vocab.vocab_size + 7, dtype=dtype)
        ref = logits.clone()
        corral.apply_mask(logits, torch.from_numpy(bm))
        keep = torch.from_numpy(np.concatenate([allowed, np.zeros(7, dtype=bool)]))
        assert torch.equal(logits[:, keep], ref[:, keep])
        assert torch.isinf(logits[:, ~keep]).all() and (logits[:, ~keep] < 0).all()
    # The torch path (used for CUDA) gives the same result on the CPU.
    a = torch.randn(2, vocab.vocab_size)
    b = a.clone()
    corral.apply_mask(a, bm)
    corral._mask._apply_mask_torch(b, bm)
    assert torch.equal(a, b)


@pytest.mark.parametrize("width", [31, 64, 1000, 50257 + 7])
def test_apply_mask_random_bits_every_dtype(width: int) -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(width)
    words = (width + 31) // 32 - (1 if width == 50257 + 7 else 0)  # a narrower mask: padding
    bits = rng.integers(0, 2**32, size=(3, words), dtype=np.uint32)
    bits[1, ::3] = 0xFFFFFFFF
    bits[2, ::2] = 0
    bm = bits.view(np.int32)
    allowed = np.zeros((3, width), dtype=bool)
    unpacked = np.unpackbits(bits.view(np.uint8), bitorder="little").reshape(3, -1).astype(bool)
    n = min(width, unpacked.shape[1])
    allowed[:, :n] = unpacked[:, :n]
    for dtype in (torch.float32, torch.float16, torch.bfloat16, torch.float64):
        logits = torch.randn(3, width).to(dtype)
        ref = logits.clone().masked_fill_(torch.from_numpy(~allowed), float("-inf"))
        corral.apply_mask(logits, bm)
        assert torch.equal(logits, ref), dtype
    a = rng.standard_normal((3, width)).astype(np.float32)
    want = np.where(allowed, a, -np.inf).astype(np.float32)
    corral.apply_mask(a, bm)
    assert (a == want).all()


def test_bitmask_reuse_follows_the_buffer() -> None:
    torch = pytest.importorskip("torch")
    vocab = corral_vocab("gpt2")
    m = corral.compile(corral.Grammar.from_file(GRAMMARS / "json.lark"), vocab).matcher()
    want = mask_bits(m, vocab.vocab_size)
    a = corral.allocate_bitmask(2, vocab.vocab_size)
    m.fill_mask(a, 1)
    m.fill_mask(a, 1)
    b = np.zeros_like(a)
    m.fill_mask(b, 0)
    assert (a[1] == b[0]).all() and not a[0].any()
    # Nothing is held between calls: each call checks the buffer afresh.
    b.resize((3, b.shape[1]))
    m.fill_mask(b, 2)
    assert (b[2] == a[1]).all()
    a.resize((3, a.shape[1]), refcheck=False)
    m.fill_mask(a, 2)
    assert (a[2] == b[2]).all()
    a.resize((1, a.shape[1]), refcheck=False)
    with pytest.raises(IndexError):
        m.fill_mask(a, 2)
    # A tensor whose storage moves: the new storage is written.
    t = torch.zeros(1, vocab.mask_words, dtype=torch.int32)
    m.fill_mask(t)
    other = torch.zeros(1, vocab.mask_words, dtype=torch.int32)
    t.set_(other.untyped_storage(), 0, other.shape)
    m.fill_mask(t)
    bits = np.unpackbits(other.numpy()[0].view(np.uint8), bitorder="little")
    assert (bits[: vocab.vocab_size].astype(bool) == want).all()
    # A tensor re-shaped to too few words is refused, not overrun.
    t.resize_(1, 3)
    with pytest.raises(ValueError, match="words"):
        m.fill_mask(t)


def test_bitmask_checks() -> None:
    vocab = corral_vocab("gpt2")
    m = corral.compile('start: "a"\n', vocab).matcher()
    with pytest.raises(TypeError, match="int32"):
        m.fill_mask(np.zeros((1, vocab.mask_words), dtype=np.int64))
    with pytest.raises(ValueError, match="words"):
        m.fill_mask(np.zeros((1, 3), dtype=np.int32))
    with pytest.raises(IndexError):
        m.fill_mask(corral.allocate_bitmask(1, vocab.vocab_size), 1)
    with pytest.raises(ValueError, match="contiguous"):
        m.fill_mask(np.zeros((vocab.mask_words, 2), dtype=np.int32).T)
    # A byte matcher has no vocabulary, hence no masks (a type error for mypy).
    g = corral.Grammar.from_lark('start: "a"\n')
    assert isinstance(g.matcher(), corral.ByteMatcher)
    assert not hasattr(g.matcher(), "fill_mask")
    with pytest.raises(TypeError, match="Matcher"):
        corral.fill_masks([g.matcher()], corral.allocate_bitmask(1, vocab.vocab_size))  # type: ignore[list-item]


def test_grammars_may_name_special_tokens() -> None:
    vocab = corral.Vocabulary.from_file(
        Path(__file__).parent / "data" / "tokenizers" / "qwen3", vocab_size=151936
    )
    im_start, im_end = 151644, 151645  # <|im_end|> is also qwen3's EOS
    assert vocab.eos_token_id == im_end
    g = corral.Grammar.from_lark(
        'start: <|im_start|> "assistant\\n" TEXT <|im_end|> "\\n"\nTEXT: /[a-z ]+/\n'
    )
    m = corral.compile(g, vocab).matcher()

    def check() -> np.ndarray:
        got = mask_bits(m, vocab.vocab_size)
        assert (got == brute_force(m, vocab.vocab_size)).all()
        return got

    assert np.flatnonzero(check()).tolist() == [im_start]
    assert m.consume(im_start)
    ids = hf_tokenizer("qwen3").encode("assistant\nhello there", add_special_tokens=False).ids
    assert m.consume_tokens(ids) == len(ids)
    assert check()[im_end] and not m.is_accepting()
    assert m.consume(im_end)  # the grammar's terminal, not the end
    assert not m.is_finished()
    check()
    assert m.consume_tokens(hf_tokenizer("qwen3").encode("\n").ids) == 1
    assert m.is_accepting() and check()[im_end]
    assert m.consume(im_end) and m.is_finished()  # now EOS
    # A special token the vocabulary lacks is a clear error.
    with pytest.raises(corral.CorralError, match="no_such"):
        corral.compile(corral.Grammar.from_lark("start: <|no_such|>\n"), vocab)


def test_mask_cache_limit() -> None:
    vocab = corral_vocab("gpt2")
    g = corral.Grammar.from_file(GRAMMARS / "json.lark")
    capped = corral.compile(g, vocab, max_cache_bytes=0)
    free = corral.compile(g, vocab)
    assert capped is not free
    a, b = capped.matcher(), free.matcher()
    for t in hf_tokenizer("gpt2").encode(DOC).ids[:12]:
        assert (mask_bits(a, vocab.vocab_size) == mask_bits(b, vocab.vocab_size)).all()
        assert a.consume(t) and b.consume(t)
    assert capped.cache_size == 0 and capped.cache_bytes == 0
    assert free.cache_size > 0 and free.cache_bytes > 0


def assert_exact_along(m: corral.Matcher, name: str, doc: str) -> None:
    """Every mask along `doc` (tokenized by `name`) equals brute force, and
    the matcher accepts the whole of it."""
    vocab = corral_vocab(name)
    for i, t in enumerate([*hf_tokenizer(name).encode(doc, add_special_tokens=False).ids, None]):
        got = mask_bits(m, vocab.vocab_size)
        diff = np.nonzero(got != brute_force(m, vocab.vocab_size))[0]
        assert diff.size == 0, (doc, i, [vocab.token_bytes(int(d)) for d in diff[:8]])
        if t is not None:
            assert m.consume(t), (doc, i)
    assert m.is_accepting()


STRING_TEXT_GRAMMARS = {
    # RFC 8259 text: lone surrogate escapes too.
    "json.lark": (GRAMMARS / "json.lark").read_text(encoding="utf-8"),
    "lark-escaped": "%import common.ESCAPED_STRING\nstart: ESCAPED_STRING\n",
    "schema": None,
}


@pytest.mark.parametrize("name", ["gpt2", "llama3"])
@pytest.mark.parametrize("grammar", list(STRING_TEXT_GRAMMARS))
def test_masks_inside_string_text_are_exact(name: str, grammar: str) -> None:
    # Inside a string, masks are read off the vocabulary's scan of the
    # text's own character table: every step agrees with brute force.
    vocab = corral_vocab(name)
    text = STRING_TEXT_GRAMMARS[grammar]
    if text is None:
        g = corral.Grammar.from_json_schema({"type": "string"})
        doc = '"caf\\u00e9 \u00fcber \\"q\\" \\\\ tab\\t end"'
    else:
        g = corral.Grammar.from_lark(text)
        doc = '"a\\ud800 \u00e9\\"b \\u0041 x/y"'
    assert_exact_along(corral.compile(g, vocab).matcher(), name, doc)


# Objects of several shapes an `anyOf` allows, each taking keys it does not
# list: inside a key that none of the listed names can still become, every
# shape's other-key terminal is alive at once, and the walk reads the
# vocabulary's scan of string text for all of them together.
ANY_OF_OBJECTS = {
    "anyOf": [
        {
            "type": "object",
            "properties": {"alpha": {"type": "integer"}, "beta": {"type": "string"}},
            "additionalProperties": {"type": "integer"},
        },
        {
            "type": "object",
            "properties": {"gamma": {"type": "boolean"}},
            "additionalProperties": {"type": "string"},
        },
        {"type": "object", "properties": {"alpine": {"type": "null"}}},
    ]
}


@pytest.mark.parametrize("name", ["gpt2", "llama3"])
@pytest.mark.parametrize(
    "doc",
    [
        '{"zeta\\u00e9 k": 5, "al": 7, "alpha": 1}',
        '{"x\\"y": "s", "gam": "t", "alpine": null}',
    ],
)
def test_masks_at_keys_of_several_objects_are_exact(name: str, doc: str) -> None:
    vocab = corral_vocab(name)
    g = corral.Grammar.from_json_schema(ANY_OF_OBJECTS)
    assert_exact_along(corral.compile(g, vocab).matcher(), name, doc)


# A number that is exactly one branch of each oneOf over multiples: the product's states are
# residues, and whether one can still reach a match is read off the residues.
MULTIPLES_ONE_OF = {
    "type": "number",
    "allOf": [
        {"oneOf": [{"multipleOf": 33}, {"multipleOf": 12}, {"multipleOf": 77}]},
        {"oneOf": [{"not": {"multipleOf": 7}}, {"multipleOf": 44}]},
        {"not": {"multipleOf": 8}},
    ],
}


@pytest.mark.parametrize("name", ["gpt2", "llama3"])
@pytest.mark.parametrize("doc", ["4719", "1287.000", "-9867", "429"])
def test_masks_of_multiples_under_one_of_are_exact(name: str, doc: str) -> None:
    vocab = corral_vocab(name)
    g = corral.Grammar.from_json_schema(MULTIPLES_ONE_OF)
    assert_exact_along(corral.compile(g, vocab).matcher(), name, doc)


@pytest.mark.parametrize("name", ["gpt2", "llama3"])
def test_masks_in_a_long_pattern_on_its_own_are_exact(name: str) -> None:
    # Past the minimal table's bounds, the pattern is its lazy DFA.
    vocab = corral_vocab(name)
    g = corral.Grammar.from_json_schema({"type": "string", "pattern": "[A-Fa-f0-9]{64}"})
    doc = '"ab ' + "0123456789abcdef" * 4 + ' tail"'
    assert_exact_along(corral.compile(g, vocab).matcher(), name, doc)


# Strings under unanchored patterns: any text may come before the pattern is
# found, and only the tokens that close the string depend on the text so far.
UNANCHORED = {
    "type": "object",
    "properties": {
        "ver": {"type": "string", "pattern": "\\d+\\.\\d+\\.\\d+"},
        "url": {"type": "string", "pattern": "w3id\\.org/v2"},
        "hash": {"type": "string", "pattern": "[0-9a-f]{8}"},
        "tail": {"type": "string", "pattern": "end$"},
    },
}


@pytest.mark.parametrize("name", ["gpt2", "llama3"])
@pytest.mark.parametrize(
    "doc",
    [
        '{"ver": "v 1.2.3 \\u00e9 x", "url": "see https://w3id.org/v2 \\"q\\"", '
        '"hash": "id 0123abcd!"}',
        '{"tail": "the \u00fcber end", "ver": "1.0.10", "url": "w3id.org/v2"}',
    ],
)
def test_masks_in_strings_under_unanchored_patterns_are_exact(name: str, doc: str) -> None:
    vocab = corral_vocab(name)
    g = corral.Grammar.from_json_schema(UNANCHORED)
    assert_exact_along(corral.compile(g, vocab).matcher(), name, doc)


# Objects an `anyOf` allows with more names than a small table holds, one
# of them listing none (any key): past the names, the keys of all of them
# are plain string text together.
MANY_NAMES = {
    "anyOf": [
        {
            "type": "object",
            "properties": {f"{w}_{i}": {"type": "integer"} for i in range(30)},
        }
        for w in ("alpha", "beta", "gamma")
    ]
    + [{"type": "object", "additionalProperties": {"type": "integer"}}],
}


@pytest.mark.parametrize("name", ["gpt2", "llama3"])
@pytest.mark.parametrize(
    "doc",
    ['{"alpha_12": 1, "alphabet": 2, "zeta": 3}', '{"beta_\\u00e9x": 4, "gamma_29": 5}'],
)
def test_masks_at_keys_of_objects_with_many_names_are_exact(name: str, doc: str) -> None:
    vocab = corral_vocab(name)
    g = corral.Grammar.from_json_schema(MANY_NAMES)
    assert_exact_along(corral.compile(g, vocab).matcher(), name, doc)
