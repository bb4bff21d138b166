"""End-to-end generation: the transformers logits processor, corral's own loop,
whitespace bounds and schema-aware SQL, with tiny random Llama and GPT-2
models paired with real tokenizers (and the demo model, see
test_demo_model.py).

Random models write anything the mask allows, which makes them the harshest
test of a mask: every output must still parse. They only finish where the
language forces an end, so most schemas here are bounded versions of the
JSONSchemaBench dev schemas (strings, arrays, numbers and extra keys capped).
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import jsonschema
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import corral  # noqa: E402
from conftest import DATA, TOKENIZER_DIR  # noqa: E402
from corral.decoding import GenerationResult, generate  # noqa: E402
from corral.transformers import GrammarLogitsProcessor  # noqa: E402
from tiny_models import tiny_model  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PAD = 64  # logits wider than the tokenizer, as models pad their vocabulary


@functools.cache
def tokenizer(name: str) -> Any:
    tok = transformers.AutoTokenizer.from_pretrained(TOKENIZER_DIR / name)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok


@functools.cache
def model(kind: str) -> Any:
    """A tiny random model: "llama" (Mistral's 32k tokenizer) or "gpt2"."""
    tok = tokenizer("mistral-sp32k" if kind == "llama" else "gpt2")
    return tiny_model(kind, tok, seed=1234, pad=PAD)


def pair(kind: str) -> tuple[Any, Any]:
    return model(kind), tokenizer("mistral-sp32k" if kind == "llama" else "gpt2")


PERSON = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 12},
        "age": {"type": "integer", "minimum": 0, "maximum": 150},
        "email": {"type": "string", "format": "email", "maxLength": 30},
        "tags": {"type": "array", "items": {"enum": ["red", "green", "blue"]}, "maxItems": 3},
        "active": {"type": "boolean"},
    },
    "required": ["name", "age"],
    "additionalProperties": False,
}

WS_RUN = re.compile(r"\s+")


def longest_ws(text: str) -> int:
    return max((len(m.group()) for m in WS_RUN.finditer(text)), default=0)


def valid(schema: Any, text: str) -> bool:
    try:
        jsonschema.validate(json.loads(text), schema)
    except (json.JSONDecodeError, jsonschema.ValidationError):
        return False
    return True


def valid_or_cut(schema: Any, r: GenerationResult) -> bool:
    """A finished output validates; one cut by max_new_tokens (a random model
    inside digits the schema leaves unbounded, such as the zeros of the
    integer `3.000...`) is a prefix of the language."""
    if r.stats.stop_reason != "max_new_tokens":
        return valid(schema, r.text)
    return corral.Grammar.from_json_schema(schema).matcher().consume_bytes(r.text.encode())


def run_generate(kind: str, schema: Any, prompts: list[str], **kw: Any) -> list[str]:
    m, tok = pair(kind)
    # Short whitespace runs: random models love whitespace, and the
    # outputs must end within max_new_tokens.
    grammar = corral.Grammar.from_json_schema(schema, max_whitespace=2)
    proc = GrammarLogitsProcessor(grammar, tok)
    tok.padding_side = "left"
    inputs = tok(prompts, return_tensors="pt", padding=True)
    out = m.generate(
        **inputs,
        logits_processor=[proc],
        max_new_tokens=kw.pop("max_new_tokens", 300),
        pad_token_id=tok.pad_token_id,
        eos_token_id=tok.eos_token_id,
        **kw,
    )
    new = out[:, inputs["input_ids"].shape[1] :]
    # No token past the tokenizer (the padded logits) is ever chosen.
    assert int(new.max()) < len(tok)
    return [t for t in tok.batch_decode(new, skip_special_tokens=True)]


MODES = {
    "greedy": {"do_sample": False},
    "sampling": {"do_sample": True, "temperature": 1.5, "top_k": 100, "top_p": 0.95},
    "several per prompt": {"do_sample": True, "num_return_sequences": 3},
    "beam search": {"do_sample": False, "num_beams": 3, "num_return_sequences": 2},
}


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["llama", "gpt2"])
@pytest.mark.parametrize("mode", list(MODES))
def test_logits_processor_outputs_validate(kind: str, mode: str) -> None:
    torch.manual_seed(7)
    prompts = ["JSON:", "A person, as a JSON object with several fields:"]
    texts = run_generate(kind, PERSON, prompts, **dict(MODES[mode]))
    per = MODES[mode].get("num_return_sequences", 1)
    assert len(texts) == len(prompts) * per
    grammar = corral.Grammar.from_json_schema(PERSON, max_whitespace=2)
    finished = 0
    for t in texts:
        assert longest_ws(t) <= 2 + 2, t
        if valid(PERSON, t):
            finished += 1
            continue
        # A random walk may stay inside what the schema leaves unbounded (the
        # zeros of `34.000...`, an integer) until max_new_tokens: it must still
        # be a prefix of the language, and not a whole value jsonschema rejects.
        m = grammar.matcher()
        assert m.consume_bytes(t.encode()) and not m.is_accepting(), t
    assert finished * 2 >= len(texts), texts


@pytest.mark.slow
def test_logits_processor_stops_when_complete() -> None:
    # One value: after it only EOS is allowed, and generation stops there.
    m, tok = pair("llama")
    schema = {"enum": ["yes", "no"]}
    proc = GrammarLogitsProcessor(corral.Grammar.from_json_schema(schema), tok)
    inputs = tok(["Answer:"], return_tensors="pt")
    out = m.generate(**inputs, logits_processor=[proc], max_new_tokens=60, do_sample=True)
    new = out[0, inputs["input_ids"].shape[1] :].tolist()
    assert new[-1] == tok.eos_token_id
    assert json.loads(tok.decode(new, skip_special_tokens=True).strip()) in ("yes", "no")
    assert len(new) < 60


@pytest.mark.slow
def test_logits_processor_is_reused_across_calls() -> None:
    m, tok = pair("gpt2")
    proc = GrammarLogitsProcessor(corral.Grammar.from_json_schema(PERSON), tok)
    for prompt in ["First:", "A second, longer prompt:"]:
        inputs = tok([prompt], return_tensors="pt")
        out = m.generate(**inputs, logits_processor=[proc], max_new_tokens=200, do_sample=True)
        text = tok.decode(out[0, inputs["input_ids"].shape[1] :], skip_special_tokens=True)
        assert valid(PERSON, text), text


@pytest.mark.slow
def test_logits_processor_takes_a_compiled_grammar() -> None:
    m, tok = pair("llama")
    vocab = corral.Vocabulary.from_hf(tok, vocab_size=m.config.vocab_size)
    cg = corral.compile(corral.Grammar.from_json_schema(PERSON), vocab)
    proc = GrammarLogitsProcessor(cg)
    inputs = tok(["JSON:"], return_tensors="pt")
    out = m.generate(**inputs, logits_processor=[proc], max_new_tokens=200, do_sample=False)
    assert valid(
        PERSON, tok.decode(out[0, inputs["input_ids"].shape[1] :], skip_special_tokens=True)
    )
    with pytest.raises(ValueError, match="tokenizer"):
        GrammarLogitsProcessor(corral.Grammar.from_json_schema(PERSON))


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["llama", "gpt2"])
def test_generate_loop(kind: str) -> None:
    m, tok = pair(kind)
    schema = {
        "type": "object",
        "properties": {
            "a_rather_long_property_name": {"type": "integer", "minimum": 0, "maximum": 9},
            "another_long_required_name": {"type": "string", "maxLength": 8},
        },
        "required": ["a_rather_long_property_name", "another_long_required_name"],
        "additionalProperties": False,
    }
    streamed: list[str] = []
    r = generate(
        m,
        tok,
        "JSON:",
        corral.Grammar.from_json_schema(schema),
        temperature=1.0,
        seed=3,
        on_text=streamed.append,
        max_new_tokens=200,
    )
    assert valid(schema, r.text), r.text
    assert "".join(streamed) == r.text
    st = r.stats
    # The key names are forced: appended without a forward pass each.
    assert st.forced_tokens >= 4
    assert st.forward_passes < st.new_tokens
    assert st.stop_reason in ("eos", "complete")
    assert st.tokens_per_second > 0 and st.mask_seconds > 0
    # Greedy with a seed-free call is deterministic.
    a = generate(m, tok, "JSON:", corral.Grammar.from_json_schema(schema), max_new_tokens=200)
    b = generate(m, tok, "JSON:", corral.Grammar.from_json_schema(schema), max_new_tokens=200)
    assert a.text == b.text and valid_or_cut(schema, a)
    # Without jump-forward: one forward pass per token, the same kind of output.
    c = generate(
        m,
        tok,
        "JSON:",
        corral.Grammar.from_json_schema(schema),
        jump_forward=False,
        max_new_tokens=200,
    )
    assert c.stats.forced_tokens == 0 and valid_or_cut(schema, c)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["llama", "gpt2"])
def test_a_batch_of_prompts_equals_each_prompt_alone(kind: str) -> None:
    """Left padding, the attention mask and per-row positions leave each row's output
    as it is alone (greedy, no jump-forward: the batch draws forced tokens too); GPT-2's
    absolute positions would show any shift. Rows finish at different steps."""
    m, tok = pair(kind)
    schema = {
        "type": "object",
        "properties": {
            "n": {"type": "integer", "minimum": 0, "maximum": 99},
            "s": {"type": "string", "maxLength": 6},
        },
        "required": ["n", "s"],
        "additionalProperties": False,
    }
    g = corral.Grammar.from_json_schema(schema)
    prompts = ["JSON:", "A much longer prompt, so the others are padded:", "x"]
    batch = generate(m, tok, prompts, g, max_new_tokens=60)
    assert len(batch) == len(prompts)
    for p, r in zip(prompts, batch, strict=True):
        alone = generate(m, tok, p, g, max_new_tokens=60, jump_forward=False)
        assert r.text == alone.text, (p, r.text, alone.text)
        assert r.complete == alone.complete
        assert valid_or_cut(schema, r)
    # One forward pass per step for the whole batch, as many as its longest row takes.
    passes = {r.stats.forward_passes for r in batch}
    assert passes == {max(len(r.tokens) for r in batch)}


@pytest.mark.slow
def test_generate_stops_at_max_new_tokens() -> None:
    m, tok = pair("llama")
    r = generate(
        m,
        tok,
        "Text:",
        corral.Grammar.from_regex("[a-z ]*"),
        max_new_tokens=5,
        temperature=1.0,
        seed=0,
    )
    assert r.stats.stop_reason in ("max_new_tokens", "eos")
    assert len(r.tokens) <= 5
    assert re.fullmatch("[a-z ]*", r.text)


# --------------------------------------------------------------- whitespace


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["llama", "gpt2"])
@pytest.mark.parametrize("limit", [1, 4, 24])
def test_ignored_whitespace_runs_are_bounded(kind: str, limit: int) -> None:
    m, tok = pair(kind)
    grammar = corral.Grammar.from_file(ROOT / "grammars/json.lark", whitespace_limit=limit)
    for seed in range(3):
        # Lark text with the bound, or the grammar made with it: one language.
        given: corral.Grammar | str = (
            grammar if seed % 2 else (ROOT / "grammars/json.lark").read_text()
        )
        r = generate(
            m,
            tok,
            "JSON:",
            given,
            temperature=1.0,
            seed=seed,
            max_new_tokens=120,
            whitespace_limit=limit,
        )
        assert longest_ws(r.text) <= limit, repr(r.text)
        # What was generated is a viable prefix of the grammar's own language.
        assert grammar.matcher().consume_bytes(r.text.encode())


@pytest.mark.slow
def test_whitespace_limit_none_keeps_the_grammar() -> None:
    vocab = corral.Vocabulary.from_hf(tokenizer("gpt2"))
    path = ROOT / "grammars/json.lark"
    bounded = corral.compile(corral.Grammar.from_file(path, whitespace_limit=2), vocab).matcher()
    free = corral.compile(corral.Grammar.from_file(path, whitespace_limit=None), vocab).matcher()
    spaces = tokenizer("gpt2").encode("[1,     2]")
    assert free.consume_tokens(spaces) == len(spaces)
    assert bounded.consume_tokens(spaces) < len(spaces)


# ----------------------------------------------- many schemas, random models


SUB_MAPS = ("properties", "definitions", "$defs", "patternProperties", "dependentSchemas")
SUB_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
SUB_ONE = (
    "items",
    "additionalItems",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "additionalProperties",
    "propertyNames",
)


def bounded(schema: Any) -> Any:
    """A copy of `schema` in which a random walk must end: strings, arrays and
    numbers capped, no keys beyond the listed ones."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    for k in SUB_MAPS:
        if isinstance(out.get(k), dict):
            out[k] = {n: bounded(v) for n, v in out[k].items()}
    for k in SUB_LISTS:
        if isinstance(out.get(k), list):
            out[k] = [bounded(v) for v in out[k]]
    for k in SUB_ONE:
        if isinstance(out.get(k), dict):
            out[k] = bounded(out[k])
        elif isinstance(out.get(k), list):
            out[k] = [bounded(v) for v in out[k]]
    types = out.get("type")
    types = types if isinstance(types, list) else [types]
    if "string" in types and "enum" not in out and "const" not in out:
        out["maxLength"] = min(out.get("maxLength", 16), 16)
        out["minLength"] = min(out.get("minLength", 0), 16)
    if "array" in types:
        out["maxItems"] = min(out.get("maxItems", 3), 3)
        out["minItems"] = min(out.get("minItems", 0), 3)
    if "integer" in types or "number" in types:
        out.setdefault("maximum", 10**6)
        out.setdefault("minimum", -(10**6))
    if "object" in types or "properties" in out:
        out["additionalProperties"] = False
        out.pop("patternProperties", None)
    return out


@functools.cache
def dev_bounded() -> list[tuple[str, Any]]:
    out = []
    for f in sorted((DATA / "jsonschemabench-dev").glob("*---*.json")):
        schema = bounded(json.loads(f.read_text())["schema"])
        try:
            m = corral.Grammar.from_json_schema(schema).matcher()
        except corral.CorralError:
            continue
        # Bounds can empty a language (a pattern longer than the cap).
        if m.expected():
            out.append((f.stem, schema))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["llama", "gpt2"])
def test_random_models_on_many_schemas(kind: str) -> None:
    m, tok = pair(kind)
    vocab = corral.Vocabulary.from_hf(tok, vocab_size=m.config.vocab_size)
    # 40 schemas each, different ones for the two models (80 in all).
    schemas = dev_bounded()[(0 if kind == "llama" else 1) :: 2][::4][:40]
    finished = 0
    for name, schema in schemas:
        cg = corral.compile(corral.Grammar.from_json_schema(schema), vocab)
        r = generate(m, tok, "JSON:", cg, temperature=1.0, seed=1, max_new_tokens=600)
        if r.stats.stop_reason == "max_new_tokens":
            # Not finished: what there is must still be a viable prefix.
            assert cg.matcher().consume_tokens(r.tokens) == len(r.tokens), name
            continue
        finished += 1
        assert valid(schema, r.text), (name, r.text)
        assert longest_ws(r.text) <= 24 + 2, (name, r.text)
    # A random walk through deep optional structure can run past 600 tokens.
    assert finished >= 30, f"{finished} of {len(schemas)} finished"


# --------------------------------------------------------------------- SQL

DATABASES = {
    "shop": """
        CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT,
                               balance REAL DEFAULT 0, joined DATE);
        CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL
                            REFERENCES customers(id), total NUMERIC, note TEXT,
                            "order" TEXT, receipt BLOB);
        CREATE TABLE items(order_id INTEGER REFERENCES orders(id), sku VARCHAR(20),
                           qty INT NOT NULL, "unit price" DOUBLE);
    """,
    "library": """
        CREATE TABLE authors(author_id INTEGER PRIMARY KEY, full_name TEXT, born INTEGER);
        CREATE TABLE books(isbn TEXT PRIMARY KEY, title TEXT NOT NULL,
                           author INTEGER REFERENCES authors(author_id), year INT,
                           select_count INTEGER);
    """,
    "metrics": """
        CREATE TABLE samples(ts INTEGER, host TEXT, cpu REAL, mem REAL, raw);
    """,
}


@pytest.fixture(scope="module", params=sorted(DATABASES))
def database(request: Any, tmp_path_factory: Any) -> Path:
    path = tmp_path_factory.mktemp("db") / f"{request.param}.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(DATABASES[request.param])
    conn.close()
    return path


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["llama", "gpt2"])
def test_sqlite_statements_run(kind: str, database: Path) -> None:
    from corral.sql import grammar_for_sqlite

    m, tok = pair(kind)
    g = grammar_for_sqlite(database)
    conn = sqlite3.connect(database)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    for seed in range(12):
        r = generate(m, tok, "SQL:", g, temperature=1.0, seed=seed, max_new_tokens=1000)
        assert r.stats.stop_reason in ("eos", "complete"), r.text
        conn.execute("EXPLAIN " + r.text)  # raises on any error
        assert any(n in r.text or f'"{n}"' in r.text for n in names)
    conn.close()


def test_sqlite_grammar_is_in_sqlite_sql(database: Path) -> None:
    lark = pytest.importorskip("lark")
    from corral.sql import grammar_for_sqlite

    ref = lark.Lark(
        (ROOT / "grammars/sql.lark").read_text(), parser="earley", lexer="dynamic_complete"
    )
    for s in grammar_for_sqlite(database).sample(10, seed=1):
        ref.parse(s)


def test_sqlite_grammar_errors(tmp_path: Path) -> None:
    from corral.sql import grammar_for_sqlite

    with pytest.raises(FileNotFoundError):
        grammar_for_sqlite(tmp_path / "missing.sqlite")
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    with pytest.raises(ValueError, match="no tables"):
        grammar_for_sqlite(empty)
