"""Speculative decoding with grammar-aware draft trees (`generate(..., draft=...)`).

References: plain constrained greedy with jump-forward (`draft=None`), token for
token; for sampling, the exact masked distribution (the tree rule alone) and plain
constrained sampling (a two-sample chi-square test, fixed seeds); a fresh matcher
for every path of a draft tree.
"""

from __future__ import annotations

import functools
import json
import math
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import corral  # noqa: E402
from conftest import DATA  # noqa: E402
from corral._draft import Head, Recycle, _choose, keep_positions, tree_inputs  # noqa: E402
from corral.decoding import schema_prompt  # noqa: E402
from stats import chi2_sf, chi2_test  # noqa: E402
from tiny_models import tiny_model  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "models/demo"


@functools.cache
def demo() -> tuple[Any, Any]:
    torch.set_num_threads(1)
    tok = transformers.AutoTokenizer.from_pretrained(DEMO)
    model = transformers.AutoModelForCausalLM.from_pretrained(DEMO, dtype=torch.float32)
    return model.eval(), tok


@functools.cache
def tiny(kind: str) -> Any:
    """A tiny random model of each family, on Mistral's 32k tokenizer."""
    return tiny_model(kind, demo()[1], seed=7, heads=4, kv_heads=2)


def dev_schema(i: int) -> Any:
    files = sorted((DATA / "jsonschemabench-dev").glob("*.json"))
    return json.loads(files[i].read_text())["schema"]


SQL_DB = ROOT / "tests/data/sql"


def sql_grammar(tmp: Path) -> corral.Grammar:
    from corral.sql import grammar_for_sqlite

    db = tmp / "shop.db"
    con = sqlite3.connect(db)
    con.executescript(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, city TEXT);"
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total REAL);"
    )
    con.close()
    return grammar_for_sqlite(db)


@pytest.mark.slow
@pytest.mark.parametrize("source", ["recycling", "ngram", "both"])
def test_greedy_drafting_is_plain_greedy_token_for_token(source: str, tmp_path: Path) -> None:
    model, tok = demo()
    drafter = corral.Drafter(len(tok), source=source)
    cases: list[tuple[str, Any]] = [
        (schema_prompt(dev_schema(i), ""), dev_schema(i)) for i in (0, 40, 120)
    ]
    cases.append(("SQL: the names of customers in Paris\n", sql_grammar(tmp_path)))
    cases.append(("A list: ", 'start: "[" NUM ("," " "? NUM)* "]"\nNUM: /[0-9]{1,3}/\n'))
    passes = drafted = 0
    for _ in range(2):  # the second round with what the drafter learned
        for prompt, grammar in cases:
            plain = corral.generate(model, tok, prompt, grammar, max_new_tokens=120)
            fast = corral.generate(model, tok, prompt, grammar, max_new_tokens=120, draft=drafter)
            assert fast.tokens == plain.tokens, (prompt, fast.text, plain.text)
            assert fast.text == plain.text
            assert fast.stats.stop_reason == plain.stats.stop_reason
            assert fast.stats.new_tokens == plain.stats.new_tokens
            passes += fast.stats.forward_passes
            drafted += fast.stats.draft_accepted
    assert drafted > 0
    # Fewer forward passes than tokens: drafts were accepted.
    assert passes < sum(1 for _ in range(2 * len(cases))) * 120


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["llama", "qwen", "mistral"])
def test_tree_verification_on_each_model_family(kind: str) -> None:
    model, tok = tiny(kind), demo()[1]
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "maxLength": 8},
            "tags": {"type": "array", "items": {"enum": ["red", "green"]}, "maxItems": 4},
        },
        "required": ["name", "tags"],
    }
    drafter = corral.Drafter(len(tok), shape="static")
    for seed in range(3):
        plain = corral.generate(model, tok, "JSON: ", schema, max_new_tokens=60)
        fast = corral.generate(model, tok, "JSON: ", schema, max_new_tokens=60, draft=drafter)
        assert fast.tokens == plain.tokens, (kind, seed, fast.text, plain.text)
    assert fast.stats.forward_passes < fast.stats.new_tokens


def test_tree_inputs_are_the_tree() -> None:
    # Two decided tokens, then a tree: 0 and 1 below the root, 2 below 0.
    mask, pos = tree_inputs(2, [-1, -1, 0], [1, 1, 2], 3, torch.float32, "cpu")
    allow = (mask[0, 0] == 0).int().tolist()
    assert pos.tolist() == [[3, 4, 5, 5, 6]]
    assert allow == [
        [1, 1, 1, 1, 0, 0, 0, 0],
        [1, 1, 1, 1, 1, 0, 0, 0],
        [1, 1, 1, 1, 1, 1, 0, 0],
        [1, 1, 1, 1, 1, 0, 1, 0],
        [1, 1, 1, 1, 1, 1, 0, 1],
    ]


def test_the_cache_keeps_the_accepted_path() -> None:
    model = tiny("llama")
    ids = [1, 415, 3072, 354, 1117, 1800]
    with torch.inference_mode():
        ref = model(input_ids=torch.tensor([ids])).logits[0]
        past = model(input_ids=torch.tensor([ids[:3]]), use_cache=True).past_key_values
        # The tree: ids[3] (accepted), 999 (refused), ids[4] below ids[3].
        mask, pos = tree_inputs(0, [-1, -1, 0], [1, 1, 2], 3, torch.float32, "cpu")
        # No decided token pending: the root is the last token fed before.
        out = model(
            input_ids=torch.tensor([[ids[3], 999, ids[4]]]),
            attention_mask=mask,
            position_ids=pos,
            past_key_values=past,
            use_cache=True,
        )
        assert torch.allclose(out.logits[0, 0], ref[3], atol=1e-4)
        assert torch.allclose(out.logits[0, 2], ref[4], atol=1e-4)
        keep_positions(out.past_key_values, torch.tensor([0, 1, 2, 3, 5]))
        nxt = model(
            input_ids=torch.tensor([[ids[5]]]), past_key_values=out.past_key_values, use_cache=True
        )
        assert torch.allclose(nxt.logits[0, -1], ref[5], atol=1e-4)


def small_matcher() -> corral.Matcher:
    toks = [b"a", b"b", b"c", b"d", b"e", b"</s>"]
    v = corral.Vocabulary.from_bytes(toks, eos_token_id=5)
    return corral.compile(corral.Grammar.from_lark("start: /[a-e]/"), v).matcher()


@pytest.mark.parametrize("children", [[], [2], [0, 3], [4, 1, 2]])
def test_the_tree_rule_draws_the_masked_distribution(children: list[int]) -> None:
    m = small_matcher()
    logits = torch.tensor([1.0, 0.2, -0.5, 0.7, 0.0, 3.0])
    bitmask = np.zeros((1, 1), dtype=np.int32)
    gen = torch.Generator().manual_seed(11)
    n = 4000
    counts = Counter(
        _choose(logits, m, bitmask, [(i, c) for i, c in enumerate(children)], 1.0, 0, 1.0, gen)
        for _ in range(n)
    )
    # EOS (5) is not allowed before a letter: the masked softmax over a-e.
    p = torch.softmax(logits[:5], dim=0).tolist()
    _, _, pval = chi2_test(counts, dict(enumerate(p)))
    assert pval > 1e-3, (counts, p)


def two_sample(a: Counter[str], b: Counter[str]) -> float:
    """The p-value of a chi-square test that two samples share a distribution."""
    keys = [k for k in set(a) | set(b) if a[k] + b[k] >= 10]
    rest = [k for k in set(a) | set(b) if a[k] + b[k] < 10]
    cells = [(a[k], b[k]) for k in keys] + [(sum(a[k] for k in rest), sum(b[k] for k in rest))]
    cells = [c for c in cells if c[0] + c[1] > 0]
    na, nb = sum(a.values()), sum(b.values())
    stat = 0.0
    for x, y in cells:
        t = x + y
        for o, n in ((x, na), (y, nb)):
            e = t * n / (na + nb)
            stat += (o - e) ** 2 / e
    return chi2_sf(stat, max(1, len(cells) - 1))


@pytest.mark.slow
def test_sampling_with_drafts_has_the_distribution_of_sampling_without() -> None:
    model, tok = demo()
    grammar = 'start: ("yes" | "no" | "maybe") ", " ("red" | "green" | "blue" | "gray")\n'
    drafter = corral.Drafter(len(tok))
    n = 300
    plain: Counter[str] = Counter()
    fast: Counter[str] = Counter()
    accepted = 0
    for i in range(n):
        plain[corral.generate(model, tok, "Answer: ", grammar, temperature=1.0, seed=i).text] += 1
        r = corral.generate(
            model, tok, "Answer: ", grammar, temperature=1.0, seed=10_000 + i, draft=drafter
        )
        fast[r.text] += 1
        accepted += r.stats.draft_accepted
    assert accepted > n / 2, "drafts were taken"
    assert len(plain) > 3
    assert two_sample(plain, fast) > 1e-3, (plain, fast)


def test_every_path_of_a_draft_tree_is_allowed() -> None:
    tok = demo()[1]
    vocab = corral.Vocabulary.from_hf(tok)
    schema = {
        "type": "object",
        "properties": {"a": {"enum": ["x", "yy"]}, "b": {"type": "integer"}},
    }
    cg = corral.compile(corral.Grammar.from_json_schema(schema, profile="generate"), vocab)
    rng = np.random.default_rng(3)
    # Random adjacency rows: most candidates are invalid, and pruned (where
    # the grammar allows few tokens, those are drafted and nothing is tried,
    # so the pruning is seen with that off).
    every = list(range(cg.vocab_size))
    rows = rng.integers(0, cg.vocab_size, (cg.vocab_size, 8)).tolist()
    drafters = []
    for closed in (0, 8):
        d = corral.Drafter(cg.vocab_size, max_nodes=200, start_nodes=200, closed_limit=closed)
        d.observe_top(every, rows)
        drafters.append(d)
    # The prefix spelled by the longest allowed token at each step.
    m = cg.matcher()
    prefix: list[int] = []
    rest = b'{"a": '
    while rest:
        best = max(
            (t for t in vocab.tokens_prefixing(rest) if m.try_consume(t)),
            key=lambda t: len(vocab.token_bytes(t) or b""),
        )
        assert m.consume(best)
        prefix.append(best)
        rest = rest[len(vocab.token_bytes(best) or b"") :]
    for d in drafters:
        check_paths(cg, m, d, prefix)
    assert drafters[0].pruned > 0
    unguided = drafters[0].draft(m, prefix, guided=False)
    assert len(unguided[0]) >= len(drafters[0].draft(m, prefix)[0])


def check_paths(cg: Any, m: Any, d: Any, prefix: list[int]) -> None:
    tokens, parents, depths, _ = d.draft(m, prefix)
    assert m.output() == b'{"a": '  # left as it was
    for j, path in enumerate(tree_paths(tokens, parents)):
        fresh = cg.matcher()
        fresh.consume_tokens(prefix)
        assert fresh.consume_tokens(path) == len(path)
        assert depths[j] == len(path)


def tree_paths(tokens: list[int], parents: list[int]) -> list[list[int]]:
    """Each node's path of tokens, root first (-1: a child of the root)."""
    out = []
    for j in range(len(tokens)):
        path, k = [], j
        while k >= 0:
            path.append(tokens[k])
            k = parents[k]
        out.append(path[::-1])
    return out


def test_where_the_grammar_allows_few_tokens_all_are_drafted() -> None:
    """An empty drafter knows nothing, yet at an enum's first token it drafts
    every value the grammar allows; `closed_limit=0` leaves the tables alone."""
    tok = demo()[1]
    vocab = corral.Vocabulary.from_hf(tok)
    schema = {"enum": ["north", "south", "east", "west"]}
    cg = corral.compile(corral.Grammar.from_json_schema(schema, profile="generate"), vocab)
    m = cg.matcher()
    first = [t for t in vocab.tokens_prefixing(b'"') if vocab.token_bytes(t) == b'"'][:1]
    assert m.consume_tokens(first) == len(first)
    allowed = [t for t in range(cg.vocab_size) if m.try_consume(t)]
    assert 2 <= len(allowed) <= 32
    assert corral.Drafter(cg.vocab_size).closed_limit == 8
    d = corral.Drafter(cg.vocab_size, cost_aware=False, closed_limit=32, start_nodes=96)
    assert (d.closed_limit, d.cost_aware) == (32, False)
    tokens, parents, _, _ = d.draft(m, first)
    assert sorted(t for t, p in zip(tokens, parents, strict=True) if p == -1) == allowed
    assert d.pruned == 0
    off = corral.Drafter(cg.vocab_size, cost_aware=False, closed_limit=0)
    assert off.draft(m, first)[0] == []
    # Every path spells a prefix of a value.
    for path in tree_paths(tokens, parents):
        fresh = cg.matcher()
        fresh.consume_tokens(first)
        assert fresh.consume_tokens(path) == len(path)


def test_the_head_on_every_row_is_the_model_s_logits() -> None:
    model = tiny("llama")
    ids = [1, 415, 3072, 354]
    head = Head(model)
    with torch.inference_mode():
        ref = model(input_ids=torch.tensor([ids])).logits[0]
        mask, pos = tree_inputs(len(ids), [], [], 0, torch.float32, "cpu")
        head.forward(ids, mask, pos, transformers.DynamicCache(), "cpu")
        one = head.logits(1)
        head.all_rows()
    assert sorted(head.rows) == [0, 1, 2, 3]
    assert head.rows[1] is one, "a row computed before is kept"
    for r in range(4):
        assert torch.allclose(head.rows[r], ref[r], atol=1e-4)


def test_rows_are_recycled_where_the_head_is_cheap() -> None:
    # A drafter that ignores cost recycles every row.
    free = Recycle(cost_aware=False)
    free.measured(10, 1.0)
    assert free.wanted(30, 0.001)
    assert not free.wanted(0, 1.0), "nothing left to compute"
    r = Recycle(cost_aware=True)
    assert r.wanted(30, 0.01), "the first pass measures"
    r.measured(31, 0.031)  # 1 ms a row
    assert not r.wanted(30, 0.010), "30 ms of head against a 10 ms pass"
    assert r.wanted(3, 0.040), "3 ms against a 40 ms pass"
    cheap = Recycle(cost_aware=True)
    cheap.measured(64, 0.000064)  # a microsecond a row (a GPU's batched head)
    assert cheap.wanted(63, 0.010)
    # A pass that would not pay it measures again now and then (the first
    # measure may have been a warm-up's).
    q = Recycle(cost_aware=True)
    q.measured(31, 0.031)
    probes = [q.wanted(30, 0.010) for _ in range(Recycle.PROBE)]
    assert probes == [False] * (Recycle.PROBE - 1) + [True]
    q.measured(30, 0.0003)  # 10 µs a row after all
    assert q.wanted(30, 0.010)


def test_a_drafter_saves_and_loads(tmp_path: Path) -> None:
    d = corral.Drafter(1000, source="both", k=4, closed_limit=5)
    d.observe_accepted([1, 2, 3, 1, 2, 4])
    d.observe_top([5], [[6, 7]])
    p = tmp_path / "drafter.bin"
    d.save(p)
    e = corral.Drafter.load(p)
    assert e.to_bytes() == d.to_bytes()
    assert (e.source, e.vocab_size, e.closed_limit) == ("both", 1000, 5)
    p.write_bytes(d.to_bytes()[:-5])
    with pytest.raises(corral.CorralError, match="drafter"):
        corral.Drafter.load(p)
    with pytest.raises(corral.CorralError, match="not a corral drafter"):
        corral.Drafter.from_bytes(b"hello")
    with pytest.raises(corral.LimitError):
        corral.Drafter(10**9, k=64, max_bytes=1 << 20)
    with pytest.raises(ValueError, match="source"):
        corral.Drafter(10, source="trigram")  # type: ignore[arg-type]
    with pytest.raises(corral.CorralError, match="closed_limit"):
        corral.Drafter(10, closed_limit=65)


def test_drafting_refuses_what_it_does_not_support() -> None:
    model, tok = demo()
    g = 'start: "a"+'
    for kwargs, what in [
        ({"sampler": "awrs", "temperature": 1.0}, "sampler"),
        ({"jump_forward": False}, "jump_forward"),
    ]:
        with pytest.raises(ValueError, match=f"not supported: draft with {what}"):
            corral.generate(model, tok, "x", g, draft="both", **kwargs)
    with pytest.raises(ValueError, match="not supported: draft with a list of prompts"):
        corral.generate(model, tok, ["x", "y"], g, draft="both")
    with pytest.raises(ValueError, match="draft must be one of"):
        corral.generate(model, tok, "x", g, draft="trees")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="vocabulary of 10 tokens"):
        corral.generate(model, tok, "x", g, draft=corral.Drafter(10))


def test_token_per_forward_counts(tmp_path: Path) -> None:
    model, tok = demo()
    r = corral.generate(model, tok, "x", 'start: "abc" "d"*', max_new_tokens=20, draft="both")
    s = r.stats
    assert s.forward_passes >= 1
    assert math.isclose(s.tokens_per_forward, s.new_tokens / s.forward_passes)
    assert s.draft_seconds >= 0 and s.draft_nodes >= s.draft_accepted


@pytest.mark.slow
def test_the_logits_processor_follows_prompt_lookup_and_assisted_decoding() -> None:
    """Candidates a verifier refuses come back shorter: the processor rolls
    its state back, and greedy output is the same as without candidates."""
    from corral.transformers import GrammarLogitsProcessor

    model, tok = demo()
    schema = dev_schema(40)
    enc = tok(schema_prompt(schema, ""), return_tensors="pt")
    outs = []
    for extra in ({}, {"prompt_lookup_num_tokens": 8}, {"assistant_model": tiny("llama")}):
        proc = GrammarLogitsProcessor(schema, tok)
        out = model.generate(
            **enc, logits_processor=[proc], max_new_tokens=80, do_sample=False, **extra
        )
        outs.append(out[0, enc["input_ids"].shape[1] :].tolist())
    assert outs[1] == outs[0]
    assert outs[2] == outs[0]


def test_stream_and_generate_json_take_drafts() -> None:
    model, tok = demo()
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string", "maxLength": 10}, "n": {"type": "integer"}},
        "required": ["name", "n"],
    }
    plain = corral.generate(model, tok, "JSON: ", schema, max_new_tokens=60)
    pieces = list(corral.stream(model, tok, "JSON: ", schema, draft="both", max_new_tokens=60))
    assert "".join(pieces) == plain.text
    assert corral.generate_json(model, tok, "JSON: ", schema, draft="ngram") == json.loads(
        plain.text
    )


def test_threads_sharing_a_drafter_verify_their_own_trees() -> None:
    """Concurrent requests with one vocabulary share a drafter: each
    thread's `observe_verified` refers to the tree that thread drafted, even
    when another thread drafted since. Thread a drafts at the start, where
    `{"a": ` is forced (a chain of certain nodes); thread b drafts at the
    end, where nothing is left to draft; then a verifies its chain."""
    import threading

    tok = demo()[1]
    vocab = corral.Vocabulary.from_hf(tok)
    g = corral.Grammar.from_lark('start: "{\\"a\\": " ("1" | "22" | "333") "}"')
    cg = corral.compile(g, vocab)
    d = corral.Drafter(cg.vocab_size, source="ngram")
    start, end = cg.matcher(), cg.matcher()
    rest = b'{"a": 1}'
    while rest:  # the longest allowed token at each step
        best = max(
            (t for t in vocab.tokens_prefixing(rest) if end.try_consume(t)),
            key=lambda t: len(vocab.token_bytes(t) or b""),
        )
        assert end.consume(best)
        rest = rest[len(vocab.token_bytes(best) or b"") :]
    trees: dict[str, Any] = {}
    a_drafted, b_drafted = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def a() -> None:
        try:
            trees["a"] = d.draft(start, [tok.bos_token_id])
            a_drafted.set()
            b_drafted.wait()
            parents = trees["a"][1]
            chain = [0]
            while chain[-1] + 1 < len(parents) and parents[chain[-1] + 1] == chain[-1]:
                chain.append(chain[-1] + 1)
            d.observe_verified(chain)
        except BaseException as e:
            errors.append(e)

    def b() -> None:
        a_drafted.wait()
        trees["b"] = d.draft(end, [tok.bos_token_id])
        b_drafted.set()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(trees["a"][0]) >= 2 and all(trees["a"][3][:2])
    assert len(trees["b"][0]) < len(trees["a"][0])
    # On one thread, the last tree is b's: a's chain does not fit it.
    d.draft(end, [tok.bos_token_id])
    with pytest.raises(ValueError, match="not a child"):
        d.observe_verified(list(range(len(trees["a"][0]))))


def test_concurrent_drafted_generation_is_plain_greedy() -> None:
    """Threads generating with the shared drafter of one vocabulary get
    plain greedy's output each."""
    from concurrent.futures import ThreadPoolExecutor

    model, tok = demo()
    schemas = [dev_schema(i) for i in (0, 3, 5, 8)]
    plain = [
        corral.generate(model, tok, schema_prompt(s), s, max_new_tokens=48).text for s in schemas
    ]

    def drafted(s: Any) -> str:
        return corral.generate(
            model, tok, schema_prompt(s), s, max_new_tokens=48, draft="both"
        ).text

    with ThreadPoolExecutor(4) as pool:
        for _ in range(2):
            assert list(pool.map(drafted, schemas)) == plain
