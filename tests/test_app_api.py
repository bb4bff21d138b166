"""The application developer's API: one-line generation with the demo model, what each
entry point accepts, the generate profile's output, caches, and clear errors."""

from __future__ import annotations

import functools
import gc
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

import corral  # noqa: E402
from conftest import TOKENIZER_DIR  # noqa: E402
from corral._inputs import vocabulary_for  # noqa: E402
from corral.transformers import GrammarLogitsProcessor  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "models/demo"
PERSON = json.loads((ROOT / "examples/person.schema.json").read_text())


@functools.cache
def demo() -> tuple[Any, Any]:
    torch.set_num_threads(1)
    tok = transformers.AutoTokenizer.from_pretrained(DEMO)
    model = transformers.AutoModelForCausalLM.from_pretrained(DEMO).float().eval()
    return model, tok


def test_generate_is_the_function_and_a_schema_dict_gets_the_generate_profile() -> None:
    model, tok = demo()
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string", "maxLength": 12}, "age": {"type": "integer"}},
        "required": ["name", "age"],
    }
    r = corral.generate(model, tok, "JSON for a person:\n", schema, max_new_tokens=64)
    assert r.finished, r.text
    value = json.loads(r.text)
    jsonschema.validate(value, schema)
    assert set(value) <= {"name", "age"}  # declared keys only
    assert r.text == json.dumps(value, ensure_ascii=False)  # json.dumps layout
    assert isinstance(value["age"], int) and "." not in r.text.split('"age": ')[1]


def test_every_grammar_form_is_accepted(tmp_path: Path) -> None:
    model, tok = demo()
    from pydantic import BaseModel

    class Point(BaseModel):
        x: int
        y: int

    lark = tmp_path / "yes.lark"
    lark.write_text('start: "yes" | "no"\n')
    schema_file = tmp_path / "s.json"
    schema_file.write_text(json.dumps({"enum": ["a", "b"]}))
    forms: list[Any] = [
        corral.Grammar.from_lark('start: "yes" | "no"\n'),
        'start: "yes" | "no"\n',
        lark,
        str(lark),
        schema_file,
        {"enum": ["a", "b"]},
        Point,
    ]
    for g in forms:
        r = corral.generate(model, tok, "JSON for a point:\n", g, max_new_tokens=32)
        assert r.finished, (g, r.text)
    pt = corral.generate_json(model, tok, "JSON for a point:\n", Point)
    assert isinstance(pt, Point)
    with pytest.raises(TypeError, match="Pydantic model class"):
        corral.generate(model, tok, "x", 42)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError, match=r"no-such\.lark"):
        corral.generate(model, tok, "x", "no-such.lark")


def test_a_list_of_prompts_is_a_batch_and_stream_yields_the_text() -> None:
    model, tok = demo()
    rs = corral.generate(model, tok, ["JSON for a:\n", "JSON for b:\n"], PERSON)
    assert isinstance(rs, list) and len(rs) == 2
    for r in rs:
        jsonschema.validate(json.loads(r.text), PERSON)
    pieces = []
    gen = corral.stream(model, tok, "JSON for a person:\n", PERSON)
    while True:
        try:
            pieces.append(next(gen))
        except StopIteration as stop:
            result = stop.value
            break
    assert len(pieces) > 1
    assert "".join(pieces) == result.text
    assert corral.generate(model, tok, "JSON for a person:\n", PERSON).text == result.text
    jsonschema.validate(json.loads(result.text), PERSON)


def test_cut_off_output_is_not_success() -> None:
    model, tok = demo()
    r = corral.generate(model, tok, "JSON for a person:\n", PERSON, max_new_tokens=3)
    assert not r.finished and not r.complete and r.stats.stop_reason == "max_new_tokens"
    with pytest.raises(corral.IncompleteOutputError) as e:
        corral.generate_json(model, tok, "JSON for a person:\n", PERSON, max_new_tokens=3)
    assert e.value.result.text == r.text
    # Cut off where the text is in the language all the same: complete.
    r = corral.generate(model, tok, "Story: ", "start: /[a-z ]{1,3000}/\n", max_new_tokens=5)
    assert not r.finished and r.complete


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("max_new_tokens", 0, "max_new_tokens"),
        ("temperature", -1.0, "temperature"),
        ("top_p", 0.0, "top_p"),
        ("top_k", -1, "top_k"),
        ("sampler", "beam", "sampler"),
    ],
)
def test_invalid_arguments_are_refused(option: str, value: Any, message: str) -> None:
    model, tok = demo()
    with pytest.raises(ValueError, match=message):
        corral.generate(model, tok, "x", PERSON, **{option: value})


def test_a_grammar_for_another_tokenizer_is_refused() -> None:
    model, tok = demo()
    qwen = corral.Vocabulary.from_file(TOKENIZER_DIR / "qwen3")
    cg = corral.compile(corral.Grammar.from_json_schema(PERSON), qwen)
    with pytest.raises(ValueError, match="vocabulary of 151"):
        corral.generate(model, tok, "x", cg)
    # Same width, other tokens: a vocabulary padded to the model's width.
    llama2 = corral.Vocabulary.from_file(TOKENIZER_DIR / "llama2", vocab_size=32768)
    cg = corral.compile(corral.Grammar.from_json_schema(PERSON), llama2)
    with pytest.raises(ValueError, match="another tokenizer"):
        corral.generate(model, tok, "x", cg)
    with pytest.raises(ValueError, match="another tokenizer"):
        proc = GrammarLogitsProcessor(cg, tok)
        proc(torch.zeros((1, 1), dtype=torch.long), torch.zeros((1, 32768)))


def test_the_vocabulary_is_built_once_per_tokenizer() -> None:
    _, tok = demo()
    a = vocabulary_for(tok, 32768)
    assert vocabulary_for(tok, 32768) is a
    again = transformers.AutoTokenizer.from_pretrained(DEMO)  # same content, new object
    assert vocabulary_for(again, 32768) is a
    assert vocabulary_for(tok, 32800) is not a  # another width
    g = corral.Grammar.from_json_schema(PERSON, profile="generate")
    c1 = corral.compile(g, vocabulary_for(tok, 32768))
    c2 = corral.compile(corral.Grammar.from_json_schema(PERSON, profile="generate"), a)
    assert c1 is c2  # compiled grammars are reused by fingerprint
    del again
    gc.collect()


def test_the_logits_processor_takes_one_grammar_per_prompt() -> None:
    model, _ = demo()
    tok = transformers.AutoTokenizer.from_pretrained(DEMO)
    tok.pad_token = tok.eos_token
    schemas = [
        {"type": "object", "properties": {"a": {"enum": [1, 2]}}, "required": ["a"]},
        {"type": "array", "items": {"type": "boolean"}, "minItems": 1, "maxItems": 2},
    ]
    tok.padding_side = "left"
    inputs = tok(["JSON for a:\n", "JSON for flags:\n"], return_tensors="pt", padding=True)
    proc = GrammarLogitsProcessor(schemas, tok)
    out = model.generate(
        **inputs,
        logits_processor=[proc],
        max_new_tokens=40,
        do_sample=False,
        pad_token_id=tok.eos_token_id,
    )
    start = inputs["input_ids"].shape[1]
    for row, schema in zip(out, schemas, strict=True):
        text = tok.decode(row[start:], skip_special_tokens=True)
        jsonschema.validate(json.loads(text), schema)
    with pytest.raises(ValueError, match="one grammar per prompt"):
        GrammarLogitsProcessor(schemas, tok)(
            torch.zeros((3, 1), dtype=torch.long), torch.zeros((3, 32768))
        )


def test_profiles_differ_as_documented() -> None:
    schema = {
        "type": "object",
        "properties": {"n": {"type": "integer"}, "x": {"type": "number"}},
        "required": ["n"],
    }

    def ok(g: corral.Grammar, text: str) -> bool:
        m = g.matcher()
        return m.consume_bytes(text.encode()) and m.is_accepting()

    v = corral.Grammar.from_json_schema(schema)  # validate: the whole language
    g = corral.Grammar.from_json_schema(schema, profile="generate")
    for text in ['{"n": 1}', '{"n": 1, "x": 2.5}']:
        assert ok(v, text) and ok(g, text)
    for text in ['{"n":1}', '{ "n" : 1 }', '{"n": 1.0}', '{"n": 1, "z": 0}', '{"n": 1, "x": 2.0}']:
        assert ok(v, text) and not ok(g, text), text
    # One part overridden at a time.
    assert ok(
        corral.Grammar.from_json_schema(schema, profile="generate", whitespace="compact"), '{"n":1}'
    )
    assert ok(
        corral.Grammar.from_json_schema(schema, profile="generate", integer_fraction=True),
        '{"n": 1.0}',
    )
    assert ok(
        corral.Grammar.from_json_schema(schema, profile="generate", additional_properties=True),
        '{"n": 1, "z": 0}',
    )
    # A schema that opens the object itself keeps its keys open.
    opened = {**schema, "additionalProperties": {"type": "integer"}}
    assert ok(corral.Grammar.from_json_schema(opened, profile="generate"), '{"n": 1, "z": 0}')
    indented = corral.Grammar.from_json_schema(schema, profile="generate", whitespace="indent:4")
    assert ok(indented, json.dumps({"n": 1, "x": 2.5}, indent=4))
    assert not ok(indented, json.dumps({"n": 1, "x": 2.5}, indent=2))
    with pytest.raises(ValueError, match="indent is a number of spaces"):
        corral.Grammar.from_json_schema(schema, whitespace="indent:x")
    with pytest.raises(ValueError, match="profile"):
        corral.Grammar.from_json_schema(schema, profile="fast")


def test_an_instance_passed_for_a_schema_is_refused() -> None:
    with pytest.raises(corral.SchemaError, match="no JSON Schema keyword") as e:
        corral.Grammar.from_json_schema({"name": "Ann", "age": 3})
    assert e.value.keyword in ("name", "age") and e.value.pointer == "#"
    g = corral.Grammar.from_json_schema({"name": "Ann", "age": 3}, lenient=True)
    assert any("no JSON Schema keyword" in w for w in g.warnings)
    # Annotations and x- extensions are schemas that allow anything.
    corral.Grammar.from_json_schema({"title": "anything"})
    corral.Grammar.from_json_schema({"x-kind": "free"})
    corral.Grammar.from_json_schema({})


def test_an_empty_language_is_an_error_before_generation(tmp_path: Path) -> None:
    model, tok = demo()
    with pytest.raises(corral.GrammarError, match="language is empty: rule `start`"):
        corral.Grammar.from_lark('start: "a" start\n')
    empty = {"type": "number", "minimum": 5, "maximum": 3}
    with pytest.raises(corral.SchemaError, match="minimum 5 is not below maximum 3") as e:
        corral.Grammar.from_json_schema(empty, profile="generate")
    assert e.value.keyword == "minimum"
    with pytest.raises(corral.SchemaError, match="accepts no value"):
        corral.generate(model, tok, "x", empty)  # the generate profile
    # Compiled for validation it rejects every text, with the reason as a warning ...
    v = corral.Grammar.from_json_schema(empty)
    assert any("minimum 5 is not below maximum 3" in w for w in v.warnings)
    assert not v.matcher().consume_bytes(b"4")
    # ... and generation refuses it at once, not after a forward pass.
    with pytest.raises(ValueError, match="language is empty"):
        corral.generate(model, tok, "x", v)
    with pytest.raises(ValueError, match="language is empty"):
        GrammarLogitsProcessor(v, tok)(
            torch.zeros((1, 1), dtype=torch.long), torch.zeros((1, 32768))
        )
    (tmp_path / "loop.lark").write_text('start: "a" start\n')
    from corral.cli import main

    assert main(["check", str(tmp_path / "loop.lark")]) == 1


def test_signatures_show_real_defaults() -> None:
    import inspect

    from pydantic import BaseModel

    class M(BaseModel):
        x: int

    with pytest.raises(TypeError, match="from_pydantic"):
        corral.Grammar.from_json_schema(M)  # type: ignore[arg-type]
    for owner in (corral, corral.Grammar, corral.Vocabulary, corral.CompiledGrammar):
        for name in dir(owner):
            f = getattr(owner, name)
            if name.startswith("_") or not callable(f):
                continue
            try:
                sig = str(inspect.signature(f))
            except (TypeError, ValueError):
                continue
            assert "Ellipsis" not in sig, (owner, name, sig)


def test_inputs_that_looked_like_something_else() -> None:
    model, tok = demo()
    # A long one-line Lark grammar is not a file name.
    long_lark = "start: " + " | ".join(f'"word{i}"' for i in range(40))
    assert corral.generate(model, tok, "x", long_lark, max_new_tokens=8).complete
    # JSON Schema text is a schema, not Lark.
    assert corral.generate_json(model, tok, "JSON for a number:\n", '{"type": "integer"}') == int(
        corral.generate(model, tok, "JSON for a number:\n", {"type": "integer"}).text
    )
    with pytest.raises(TypeError, match="one prompt"):
        corral.generate_json(model, tok, ["a", "b"], PERSON)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_new_tokens"):
        corral.stream(model, tok, "x", PERSON, max_new_tokens=0)  # at the call


def test_generate_profile_edge_cases() -> None:
    def ok(g: corral.Grammar, text: str) -> bool:
        m = g.matcher()
        return m.consume_bytes(text.encode()) and m.is_accepting()

    # A property of any value (`{}`, Pydantic's Any) keeps objects open there.
    g = corral.Grammar.from_json_schema(
        {"type": "object", "properties": {"meta": {}}, "required": ["meta"]}, profile="generate"
    )
    assert ok(g, '{"meta": {"a": 1}}') and not ok(g, '{"meta": {}, "x": 1}')
    # Counts that no object can meet are an empty language, refused when generating.
    unreachable = {
        "type": "object",
        "properties": {"a": {"type": "string", "pattern": "^a$", "minLength": 2}, "b": {}},
        "additionalProperties": False,
        "minProperties": 2,
    }
    with pytest.raises(corral.CorralError, match="empty"):
        corral.Grammar.from_json_schema(unreachable, profile="generate")
    with pytest.raises(ValueError, match="separators"):
        corral.Grammar.from_json_schema({}, whitespace="indent:2", separators=(",", ":"))


def test_the_vocabulary_cache_follows_a_changed_eos() -> None:
    tok = transformers.AutoTokenizer.from_pretrained(DEMO)
    a = vocabulary_for(tok, 32768)
    tok.eos_token = "<unk>"
    b = vocabulary_for(tok, 32768)
    assert b is not a and b.eos_token_ids == [tok.eos_token_id]
