"""Synthetic JSON instances of a JSON Schema, for training the demo model.

The dev sample holds about one valid instance per schema: too little text
for a model to learn that values end. This module writes more, each checked
by `jsonschema` (an instance that fails is dropped):

- keys: every required property, each optional one with probability 1/2, in
  the schema's order;
- strings: a value seen under the same key in the real instances, else one
  shaped by `format` or `pattern` (sampled with corral), else a few words;
  lengths kept within minLength / maxLength;
- numbers: seen values or small ones, within the bounds and `multipleOf`;
- arrays: one to three items (within minItems / maxItems), `items` and
  `prefixItems`; `enum`, `const`, `anyOf` / `oneOf` (one branch), `allOf`
  (merged), local `$ref`.

The values are short on purpose: they teach the model to close strings,
numbers and arrays, which is where a weak model loops under greedy decoding.
"""

from __future__ import annotations

import functools
import json
import random
import re
import string
import urllib.parse
from collections import defaultdict
from typing import Any

Json = Any

WORDS = (  # noqa: SIM905
    "alpha beta data user name value item order status active default config "
    "service server client project version report account email address city "
    "country north south east west small large blue green red open closed "
    "main test example first last new old primary secondary local remote "
    "public private"
).split()


class Pool:
    """Values seen in real instances, by the key they appeared under."""

    def __init__(self) -> None:
        self.strings: dict[str, list[str]] = defaultdict(list)
        self.numbers: dict[str, list[float]] = defaultdict(list)
        self.words: list[str] = list(WORDS)

    def add(self, value: Json, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                self.add(v, k)
        elif isinstance(value, list):
            for v in value:
                self.add(v, key)
        elif isinstance(value, str):
            if len(value) <= 80:
                self.strings[key.lower()].append(value)
                self.words.extend(w for w in re.findall(r"[A-Za-z]{3,12}", value)[:4])
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            self.numbers[key.lower()].append(value)


class _Give(Exception):
    """The schema asks for something this synthesizer does not write."""


def _pointer(root: Json, ref: str) -> Json:
    if not ref.startswith("#"):
        raise _Give(ref)
    node = root
    for part in urllib.parse.unquote(ref[1:]).split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise _Give(ref)
    return node


@functools.cache
def _pattern_grammar(core: str) -> Any:
    """The grammar of a pattern, compiled once per corpus (None: refused)."""
    import corral

    try:
        return corral.Grammar.from_regex(core)
    except corral.CorralError:
        return None


def _uuid(r: random.Random) -> str:
    a, b, c, d, e = (r.getrandbits(n) for n in (32, 16, 12, 12, 48))
    return f"{a:08x}-{b:04x}-4{c:03x}-a{d:03x}-{e:012x}"


class Synth:
    def __init__(self, root: Json, pool: Pool, rng: random.Random) -> None:
        self.root = root
        self.pool = pool
        self.rng = rng

    def value(self, s: Json, key: str = "", depth: int = 0) -> Json:
        rng = self.rng
        if depth > 12:
            raise _Give("depth")
        if s is True or s == {}:
            return self.scalar(key)
        if not isinstance(s, dict):
            raise _Give("schema")
        if "$ref" in s:
            target = _pointer(self.root, s["$ref"])
            rest = {k: v for k, v in s.items() if k != "$ref"}
            s = {**target, **rest} if isinstance(target, dict) and rest else target
            return self.value(s, key, depth + 1)
        if "const" in s:
            return s["const"]
        if s.get("enum"):
            return rng.choice(s["enum"])
        if "allOf" in s:
            merged = {k: v for k, v in s.items() if k != "allOf"}
            for part in s["allOf"]:
                if isinstance(part, dict) and "$ref" in part:
                    part = _pointer(self.root, part["$ref"])
                if isinstance(part, dict):
                    for k, v in part.items():
                        if k in ("properties",) and k in merged:
                            merged[k] = {**merged[k], **v}
                        elif k == "required" and k in merged:
                            merged[k] = list(merged[k]) + list(v)
                        else:
                            merged.setdefault(k, v)
            return self.value(merged, key, depth + 1)
        for comb in ("anyOf", "oneOf"):
            if s.get(comb):
                branch = rng.choice(s[comb])
                rest = {k: v for k, v in s.items() if k != comb}
                if isinstance(branch, dict) and "$ref" in branch:
                    branch = _pointer(self.root, branch["$ref"])
                if isinstance(branch, dict):
                    branch = {**rest, **branch}
                return self.value(branch, key, depth + 1)
        examples = s.get("examples")
        if isinstance(examples, list) and examples and rng.random() < 0.5:
            return rng.choice(examples)
        if "default" in s and rng.random() < 0.3:
            return s["default"]
        t = s.get("type")
        if isinstance(t, list):
            non_null = [x for x in t if x != "null"]
            t = rng.choice(non_null) if non_null and rng.random() < 0.9 else rng.choice(t)
        if t is None:
            if "properties" in s or "required" in s:
                t = "object"
            elif "items" in s or "prefixItems" in s:
                t = "array"
            elif any(k in s for k in ("pattern", "format", "minLength", "maxLength")):
                t = "string"
            elif any(k in s for k in ("minimum", "maximum", "multipleOf")):
                t = "number"
            else:
                return self.scalar(key)
        if t == "object":
            return self.obj(s, depth)
        if t == "array":
            return self.array(s, key, depth)
        if t == "string":
            return self.string(s, key)
        if t in ("integer", "number"):
            return self.number(s, key, t == "integer")
        if t == "boolean":
            return rng.random() < 0.5
        if t == "null":
            return None
        raise _Give(str(t))

    def scalar(self, key: str) -> Json:
        seen = self.pool.strings.get(key.lower())
        if seen:
            return self.rng.choice(seen)
        return self.words(1, 3)

    def obj(self, s: Json, depth: int) -> Json:
        props = s.get("properties", {}) or {}
        # A list, not a set: a set's order changes with the hash seed, and
        # the corpus would with it.
        required = list(s.get("required", []) or [])
        out = {}
        for k, sub in props.items():
            if k in required or self.rng.random() < (0.5 if depth < 4 else 0.2):
                out[k] = self.value(sub, k, depth + 1)
        for k in required:
            if k not in out:
                out[k] = self.scalar(k)
        return out

    def array(self, s: Json, key: str, depth: int) -> Json:
        lo = int(s.get("minItems", 0))
        hi = int(s.get("maxItems", max(lo, 3)))
        # At least one item where allowed, and at most three past minItems.
        least = min(max(lo, 1), hi)
        n = self.rng.randint(least, max(min(hi, lo + 3), least))
        prefix = s.get("prefixItems")
        items = s.get("items", {})
        if isinstance(items, list):  # draft 4-2019 tuples
            prefix, items = items, s.get("additionalItems", {})
        out = []
        for i in range(n):
            if prefix and i < len(prefix):
                out.append(self.value(prefix[i], key, depth + 1))
            else:
                out.append(self.value(items, key, depth + 1))
        return out

    def words(self, lo: int, hi: int) -> str:
        return " ".join(self.rng.choice(self.pool.words) for _ in range(self.rng.randint(lo, hi)))

    def string(self, s: Json, key: str) -> str:
        rng = self.rng
        fmt = s.get("format")
        lo = int(s.get("minLength", 0))
        hi = int(s.get("maxLength", 10**9))
        if "pattern" in s:
            v = self.pattern(s["pattern"])
        elif fmt:
            v = self.formatted(fmt)
        else:
            seen = self.pool.strings.get(key.lower())
            if seen and rng.random() < 0.8:
                v = rng.choice(seen)
            elif "id" in key.lower():
                v = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(8))
            else:
                v = self.words(1, 3)
        if len(v) > hi:
            v = v[:hi]
        while len(v) < lo:
            v += rng.choice(string.ascii_lowercase)
        return v

    def pattern(self, p: str) -> str:
        import corral

        core = p
        if core.startswith("^"):
            core = core[1:]
        if core.endswith("$") and not core.endswith("\\$"):
            core = core[:-1]
        g = _pattern_grammar(core)
        if g is None:
            raise _Give("pattern")
        try:
            out = g.sample(1, seed=self.rng.randrange(1 << 30))
        except corral.CorralError as e:
            raise _Give("pattern") from e
        if not out or len(out[0]) > 120:
            raise _Give("pattern")
        return out[0]

    def formatted(self, fmt: str) -> str:
        r = self.rng
        y, mo, d = r.randint(1990, 2030), r.randint(1, 12), r.randint(1, 28)
        hh, mm, ss = r.randint(0, 23), r.randint(0, 59), r.randint(0, 59)
        word = r.choice(self.pool.words).lower()
        return {
            "date-time": f"{y:04}-{mo:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z",
            "date": f"{y:04}-{mo:02}-{d:02}",
            "time": f"{hh:02}:{mm:02}:{ss:02}Z",
            "email": f"{word}@example.com",
            "uri": f"https://example.com/{word}",
            "uri-reference": f"/{word}",
            "url": f"https://example.com/{word}",
            "hostname": f"{word}.example.com",
            "ipv4": f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
            "ipv6": f"fe80::{r.randint(1, 0xFFFF):x}",
            "uuid": _uuid(r),
        }.get(fmt, word)

    def number(self, s: Json, key: str, integer: bool) -> float:
        r = self.rng
        lo = s.get("minimum", s.get("exclusiveMinimum"))
        hi = s.get("maximum", s.get("exclusiveMaximum"))
        if isinstance(lo, bool):
            lo = None
        if isinstance(hi, bool):
            hi = None
        seen = self.pool.numbers.get(key.lower())
        if seen and r.random() < 0.5:
            v = r.choice(seen)
        elif lo is not None or hi is not None:
            a = lo if lo is not None else hi - 100
            b = hi if hi is not None else a + r.choice((10, 100, 1000))
            v = r.uniform(a, b)
        else:
            v = r.choice((r.randint(0, 10), r.randint(0, 100), r.randint(0, 5000)))
            if not integer and r.random() < 0.5:
                v = v + r.randint(0, 99) / 100
        m = s.get("multipleOf")
        if isinstance(m, (int, float)) and m > 0:
            v = round(v / m) * m
            if isinstance(m, int):
                v = int(v)
        if integer:
            return round(v)
        if isinstance(v, float):
            v = round(v, 2)
        return v


def instances(schema: Json, pool: Pool, rng: random.Random, n: int, tries: int = 4) -> list[Json]:
    """Up to `n` distinct synthetic instances of `schema`, each valid."""
    import jsonschema

    try:
        cls = jsonschema.validators.validator_for(schema)
        validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    except Exception:
        return []
    syn = Synth(schema, pool, rng)
    out: list[Json] = []
    seen: set[str] = set()
    for _ in range(n * tries):
        if len(out) >= n:
            break
        try:
            v = syn.value(schema)
            text = json.dumps(v, sort_keys=False)
            if text in seen or len(text) > 4000 or not validator.is_valid(v):
                continue
        except (_Give, RecursionError, ValueError, TypeError, KeyError, IndexError, OverflowError):
            continue
        seen.add(text)
        out.append(v)
    return out
