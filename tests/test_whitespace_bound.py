"""One grammar, one language: the bound on runs of ignored whitespace is part
of the grammar, so its byte matcher (`corral test`), its token matchers
(masks, generation) and the CLI all accept the same strings."""

from __future__ import annotations

import random
from pathlib import Path

import corral
import numpy as np
import pytest
from conftest import corral_vocab, hf_tokenizer
from corral.cli import main
from corral.decoding import generate

JSON_LARK = Path(__file__).resolve().parents[1] / "grammars" / "json.lark"
FORTY = "[" + " " * 40 + "1]"


def bytes_accept(g: corral.Grammar, text: str) -> bool:
    m = g.matcher()
    return m.consume_bytes(text.encode()) and m.is_accepting()


def tokens_accept(cg: corral.CompiledGrammar, ids: list[int]) -> bool:
    m = cg.matcher()
    return m.consume_tokens(ids) == len(ids) and m.is_accepting()


@pytest.mark.parametrize("name", ["gpt2", "llama3"])
def test_byte_and_token_matchers_agree_on_forty_spaces(name: str) -> None:
    vocab = corral_vocab(name)
    ids = hf_tokenizer(name).encode(FORTY, add_special_tokens=False).ids
    assert vocab.decode_bytes(ids) == FORTY.encode()
    bounded = corral.Grammar.from_file(JSON_LARK)
    free = corral.Grammar.from_file(JSON_LARK, whitespace_limit=None)
    assert bounded.whitespace_limit == 24 and free.whitespace_limit is None
    # The default bound refuses 40 spaces, at byte and at token level.
    assert not bytes_accept(bounded, FORTY)
    assert not tokens_accept(corral.compile(bounded, vocab), ids)
    assert not tokens_accept(corral.CompiledGrammar(bounded, vocab), ids)
    # Unbounded, both take them.
    assert bytes_accept(free, FORTY)
    assert tokens_accept(corral.compile(free, vocab), ids)
    # 24 spaces are inside the default bound, 25 are not.
    for n, ok in ((24, True), (25, False)):
        text = "[" + " " * n + "1]"
        ids = hf_tokenizer(name).encode(text, add_special_tokens=False).ids
        assert bytes_accept(bounded, text) == ok
        assert tokens_accept(corral.compile(bounded, vocab), ids) == ok


def test_the_cli_checks_the_language_generation_uses(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(JSON_LARK), "--text", FORTY]) == 1
    out = capsys.readouterr().out
    assert "rejected at byte 25" in out
    assert "bounds runs of ignored whitespace to 24" in out
    assert main(["test", str(JSON_LARK), "--text", FORTY, "--whitespace-limit", "-1"]) == 0
    assert "accepted" in capsys.readouterr().out
    assert main(["test", str(JSON_LARK), "--text", "[  1]", "--whitespace-limit", "1"]) == 1
    assert main(["test", str(JSON_LARK), "--text", "[ 1]", "--whitespace-limit", "1"]) == 0
    capsys.readouterr()


def test_the_bound_is_part_of_the_grammar() -> None:
    text = JSON_LARK.read_text()
    g = corral.Grammar.from_lark(text)
    assert g.whitespace_limit == 24
    assert "whitespace_limit=24" in repr(g)
    prints = {g.fingerprint}
    for limit in (None, 0, 1, 25):
        h = corral.Grammar.from_lark(text, whitespace_limit=limit)
        assert h.whitespace_limit == limit
        assert f"whitespace_limit={limit}" in repr(h)
        prints.add(h.fingerprint)
    assert len(prints) == 5, "each bound has its own fingerprint"
    assert corral.Grammar.from_lark(text, whitespace_limit=24).fingerprint == g.fingerprint
    # Every constructor takes it.
    assert corral.Grammar.from_regex("a+", whitespace_limit=None).whitespace_limit is None
    schema = {"type": "integer"}
    assert corral.Grammar.from_json_schema(schema, whitespace_limit=3).whitespace_limit == 3
    # Terminals are listed once, the bound's run terminal under its own name.
    assert g.terminals.count("WS") == 1


def test_compiling_keeps_the_grammars_language() -> None:
    vocab = corral.Vocabulary.from_bytes([b"[", b"]", b"1", b" ", b"</s>"], eos_token_id=4)
    for limit in (None, 2):
        g = corral.Grammar.from_file(JSON_LARK, whitespace_limit=limit)
        cg = corral.compile(g, vocab)
        assert cg.whitespace_limit == limit
        assert cg.grammar.fingerprint == g.fingerprint
        assert f"whitespace_limit={limit}" in repr(cg)
    # The bound is the grammar's: compiling takes no other.
    g = corral.Grammar.from_file(JSON_LARK)
    with pytest.raises(TypeError):
        corral.compile(g, vocab, whitespace_limit=None)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        corral.CompiledGrammar(g, vocab, whitespace_limit=None)  # type: ignore[call-arg]


def test_generate_refuses_another_bound_for_a_ready_grammar() -> None:
    g = corral.Grammar.from_file(JSON_LARK, whitespace_limit=None)
    with pytest.raises(ValueError, match="whitespace_limit=24 was given with a grammar"):
        generate(None, None, "", g, whitespace_limit=24)
    vocab = corral.Vocabulary.from_bytes([b"[", b"]", b"1", b" ", b"</s>"], eos_token_id=4)
    with pytest.raises(ValueError, match="part of the grammar's language"):
        generate(None, None, "", corral.compile(g, vocab), whitespace_limit=3)


def random_output(cg: corral.CompiledGrammar, rng: random.Random, steps: int) -> tuple[bytes, bool]:
    """A random walk through the masks, leaning on whitespace tokens (a model
    that loves spaces): the output and whether it ended with EOS."""
    vocab = cg.vocab
    space = {t for t in range(vocab.vocab_size) if (vocab.token_bytes(t) or b"x").isspace()}
    m = cg.matcher()
    bm = corral.allocate_bitmask(1, vocab.vocab_size)
    out: list[int] = []
    for _ in range(steps):
        m.fill_mask(bm)
        bits = np.unpackbits(bm[0].view(np.uint8), bitorder="little")[: vocab.vocab_size]
        allowed = np.flatnonzero(bits).tolist()
        spaces = [t for t in allowed if t in space]
        t = rng.choice(spaces if spaces and rng.random() < 0.7 else allowed)
        assert m.consume(t)
        if t in vocab.eos_token_ids:
            return vocab.decode_bytes(out), True
        out.append(t)
    return vocab.decode_bytes(out), False


@pytest.mark.parametrize("limit", [0, 1, 5, None])
def test_what_generation_writes_corral_test_accepts(
    limit: int | None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    vocab = corral_vocab("gpt2")
    g = corral.Grammar.from_file(JSON_LARK, whitespace_limit=limit)
    cg = corral.compile(g, vocab)
    rng = random.Random(limit)
    flag = ["--whitespace-limit", str(-1 if limit is None else limit)]
    out_file = tmp_path / "out.json"
    for _ in range(4):
        text, ended = random_output(cg, rng, 40)
        bm = g.matcher()
        assert bm.consume_bytes(text), (limit, text)
        assert bm.is_accepting() or not ended
        out_file.write_bytes(text)
        code = main(["test", str(JSON_LARK), str(out_file), *flag])
        out = capsys.readouterr().out
        assert "rejected" not in out, (limit, text, out)
        if ended:
            assert code == 0, (limit, text, out)
