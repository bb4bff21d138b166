"""References across documents: schemas passed in ``resources`` and the bundled meta-schemas.

Each language is checked against ``jsonschema`` (with a ``referencing`` registry holding the
same documents) on instances that hold and instances that do not.
"""

from __future__ import annotations

from typing import Any

import corral
import jsonschema
import pytest
import referencing
import referencing.jsonschema


def accepts(g: corral.Grammar, value: Any) -> bool:
    import json

    m = g.matcher()
    return m.consume_bytes(json.dumps(value).encode()) and m.is_accepting()


def agree(schema: Any, instances: list[Any], resources: dict[str, Any] | None = None) -> None:
    """corral and jsonschema take the same instances, and each side both holds and fails."""
    g = corral.Grammar.from_json_schema(schema, resources=resources)
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(
        (uri, referencing.jsonschema.DRAFT202012.create_resource(doc))
        for uri, doc in (resources or {}).items()
    )
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    v = cls(schema, registry=registry)
    got = [accepts(g, x) for x in instances]
    want = [v.is_valid(x) for x in instances]
    assert got == want, list(zip(instances, got, want, strict=True))
    assert any(want) and not all(want)


DEFS = {
    "$id": "https://example.com/schemas/defs.json",
    "$defs": {
        "pos": {"type": "integer", "minimum": 1},
        "name": {"type": "string", "minLength": 1},
        # A relative reference, resolved against this document's own URI.
        "pair": {
            "type": "array",
            "prefixItems": [{"$ref": "#/$defs/name"}, {"$ref": "#/$defs/pos"}],
        },
        "node": {
            "type": "object",
            "properties": {"value": {"$ref": "#/$defs/pos"}, "next": {"$ref": "#/$defs/node"}},
            "required": ["value"],
        },
    },
}
ITEM = {
    "$anchor": "item",
    "type": "object",
    "properties": {"sku": {"$ref": "defs.json#/$defs/name"}},
}


def test_references_into_supplied_documents() -> None:
    res = {"https://example.com/schemas/defs.json": DEFS}
    agree(
        {"$ref": "https://example.com/schemas/defs.json#/$defs/pair"},
        [["a", 1], ["", 1], ["a", 0], ["a", 2, "x"], "a"],
        res,
    )
    # Recursion inside the other document.
    agree(
        {"$ref": "https://example.com/schemas/defs.json#/$defs/node"},
        [
            {"value": 1},
            {"value": 1, "next": {"value": 2}},
            {"value": 1, "next": {}},
            {"next": {"value": 1}},
        ],
        res,
    )
    # A relative reference from the schema's own $id, and an anchor in a third document that
    # refers back to the second.
    agree(
        {
            "$id": "https://example.com/schemas/order.json",
            "type": "object",
            "properties": {
                "qty": {"$ref": "defs.json#/$defs/pos"},
                "item": {"$ref": "item.json#item"},
            },
        },
        [{"qty": 2, "item": {"sku": "x"}}, {"qty": 0}, {"item": {"sku": ""}}, {"item": 1}],
        {**res, "https://example.com/schemas/item.json": ITEM},
    )


def test_resources_may_be_json_text_and_bad_arguments_are_refused() -> None:
    import json

    g = corral.Grammar.from_json_schema(
        {"$ref": "urn:example:pos"}, resources={"urn:example:pos": json.dumps(DEFS["$defs"]["pos"])}
    )
    assert accepts(g, 3) and not accepts(g, 0)
    with pytest.raises(TypeError, match="mapping"):
        corral.Grammar.from_json_schema({}, resources=[("urn:x", {})])
    with pytest.raises(TypeError, match="URI"):
        corral.Grammar.from_json_schema({}, resources={1: {}})
    with pytest.raises(corral.SchemaError, match="urn:x"):
        corral.Grammar.from_json_schema({"$ref": "urn:x"}, resources={"urn:x": "{nope"})


def test_documents_not_given_and_errors_inside_documents() -> None:
    with pytest.raises(corral.SchemaNotSupportedError, match="pass it in resources") as e:
        corral.Grammar.from_json_schema(
            {"properties": {"a": {"$ref": "https://example.com/x.json"}}}
        )
    assert e.value.keyword == "$ref" and e.value.pointer == "#/properties/a"
    # An error inside another document names that document.
    with pytest.raises(corral.SchemaError) as e2:
        corral.Grammar.from_json_schema(
            {"$ref": "urn:bad#/$defs/a"}, resources={"urn:bad": {"$defs": {"a": {"type": "wat"}}}}
        )
    assert e2.value.keyword == "type" and e2.value.pointer == "urn:bad#/$defs/a"
    # A document of another draft is not read as this one.
    with pytest.raises(corral.SchemaNotSupportedError, match="another draft"):
        corral.Grammar.from_json_schema(
            {"$ref": "urn:old"},
            resources={
                "urn:old": {"$schema": "http://json-schema.org/draft-07/schema#", "items": [{}]}
            },
        )


# Instances of the meta-schemas: schemas, some of them malformed.
SCHEMAS: list[Any] = [
    {},
    True,
    {"type": "string", "minLength": 3},
    {"type": ["integer", "null"], "maximum": 10},
    {"properties": {"a": {"type": "integer"}}, "required": ["a"]},
    {"items": {"type": "string"}, "minItems": 1},
    {"anyOf": [{"type": "string"}, {"const": 1}]},
    {"type": 3},
    {"minLength": -1},
    {"required": "a"},
    {"properties": {"a": 5}},
    {"anyOf": []},
    {"enum": 3},
    {"multipleOf": 0},
    3,
    "string",
]


@pytest.mark.parametrize(
    "uri",
    [
        "https://json-schema.org/draft/2020-12/schema",
        "https://json-schema.org/draft/2019-09/schema",
        "http://json-schema.org/draft-07/schema#",
        "http://json-schema.org/draft-06/schema#",
        "http://json-schema.org/draft-04/schema#",
    ],
)
def test_a_reference_to_a_meta_schema_resolves_offline(uri: str) -> None:
    draft = {
        "2020-12": "2020-12",
        "2019-09": "2019-09",
        "draft-07": "7",
        "draft-06": "6",
        "draft-04": "4",
    }[next(k for k in ("2020-12", "2019-09", "draft-07", "draft-06", "draft-04") if k in uri)]
    schema = {"$schema": uri, "$ref": uri} if draft in ("2020-12", "2019-09") else {"$ref": uri}
    g = corral.Grammar.from_json_schema(schema, draft=draft)
    meta = jsonschema.validators.validator_for({"$schema": uri}).META_SCHEMA
    v = jsonschema.validators.validator_for(meta)(meta)
    instances = SCHEMAS if draft not in ("4",) else [s for s in SCHEMAS if s is not True]
    got = [accepts(g, x) for x in instances]
    want = [v.is_valid(x) for x in instances]
    assert got == want, list(zip(instances, got, want, strict=True))
