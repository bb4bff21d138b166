"""The lark reference and hypothesis strategies for text near a grammar's language.

The reference semantics for every grammar test is lark's Earley parser with the
``dynamic_complete`` lexer: a text is in a grammar's language iff
``lark_accepts(reference(path), text)``.

:class:`GrammarSampler` works from lark's compiled grammar (``Lark.rules``,
``Lark.terminals``, ``Lark.ignore_tokens``), so it handles any grammar lark
loads: it draws random derivations of bounded depth, renders each terminal from
its pattern (regexes by :func:`regex_strings`, a small generator over Python's
own parse of the regex), sprinkles %ignore'd terminals between tokens, and
mutates the result at the byte level (insert, delete or replace a byte, splice
two samples, truncate, duplicate a slice), so that the strings land on both
sides of the language's border.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lark
from hypothesis import strategies as st
from lark.lexer import PatternStr

try:  # Python 3.11+
    from re import _constants as sre
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as sre  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parent.parent
GRAMMARS_DIR = REPO / "grammars"
LARK_GRAMMARS_DIR = Path(lark.__file__).resolve().parent / "grammars"

# Characters for regex classes such as [^"] and for inserted text: mostly
# printable ASCII and the whitespace controls, sometimes any Unicode scalar
# value (UTF-8 encodable, so never a surrogate).
TEXT_CHARS = st.one_of(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.sampled_from("\t\n\r"),
    st.characters(codec="utf-8"),
)
# Characters that matter to many grammars, tried as insertions and replacements.
GENERIC_CHARS = " \t\n\r\"'\\/,.:;(){}[]<>|*+?-_=#%!~0123456789aeAE\x00\x7fé€😀"


def load_reference(path: Path | str, *, start: str = "start") -> lark.Lark:
    """lark's parser for a grammar file: the reference semantics."""
    return lark.Lark.open(str(path), parser="earley", lexer="dynamic_complete", start=start)


def reference_from_text(text: str, *, start: str = "start") -> lark.Lark:
    return lark.Lark(text, parser="earley", lexer="dynamic_complete", start=start)


@functools.cache
def reference(path: Path | str) -> lark.Lark:
    return load_reference(path)


def lark_accepts(parser: lark.Lark, text: str) -> bool:
    """Whether lark's Earley parser accepts ``text``."""
    try:
        parser.parse(text)
    except lark.exceptions.UnexpectedInput:
        return False
    except RuntimeError as e:
        # lark 1.3 raises this (asking for a bug report) when the start symbol
        # completes over the whole text along two %ignore paths, e.g. "\n#" in
        # lark.lark ("\n" as _NL then "#" as COMMENT, or "\n#" as one COMMENT).
        # It only gets there after finding complete parses: the text is in.
        if "multiple start symbol items" in str(e):
            return True
        raise
    return True


def json_loads_accepts(text: str) -> bool:
    """Whether Python's json.loads takes ``text`` as strict JSON (no NaN,
    Infinity or -Infinity)."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    try:
        json.loads(text, parse_constant=refuse)
    except ValueError:  # json.JSONDecodeError is a ValueError
        return False
    return True


def corral_accepts(g: Any, s: str) -> bool:
    m = g.matcher()
    return bool(m.consume_bytes(s.encode()) and m.is_accepting())


# --- strings of a regex ------------------------------------------------------
#
# hypothesis's st.from_regex is exact but can be very slow on big regexes (a
# keyword-excluding identifier regex of a few kilobytes never finishes), so
# terminals are drawn by this generator instead: it walks the regex as
# Python's re parser sees it, draws each character class from a fixed sample
# of characters (all of ASCII, then some Latin-1, other planes, case-folding
# oddities, Unicode spaces), repeats at most 3 times beyond the minimum, and
# ignores lookarounds; a final fullmatch filter keeps only true matches.

_SAMPLE_CHARS = tuple(chr(i) for i in range(0x80)) + tuple(
    "\x85\xa0éÿĀſ\u212a€中\u2028\u2029\u3000\u1680\u200b\ufeff😀\U0001d11e\U0010ffff"
)
_MAX_EXTRA_REPEATS = 3
_CATEGORIES = {
    "CATEGORY_DIGIT": re.compile(r"\d"),
    "CATEGORY_NOT_DIGIT": re.compile(r"\D"),
    "CATEGORY_SPACE": re.compile(r"\s"),
    "CATEGORY_NOT_SPACE": re.compile(r"\S"),
    "CATEGORY_WORD": re.compile(r"\w"),
    "CATEGORY_NOT_WORD": re.compile(r"\W"),
}
_Gen = Callable[[st.DrawFn, dict[int, str]], str]


def _is_surrogate(c: str) -> bool:
    return 0xD800 <= ord(c) <= 0xDFFF


def _case_variants(c: str) -> set[str]:
    return {v for v in (c, c.lower(), c.upper(), c.swapcase()) if len(v) == 1}


def _choice(chars: list[str]) -> _Gen:
    if not chars:
        raise ValueError("a character class with no sample character")
    options = sorted(set(chars))
    if len(options) == 1:
        only = options[0]
        return lambda draw, groups: only
    strategy = st.sampled_from(options)
    return lambda draw, groups: draw(strategy)


def _class_chars(items: list[Any], ignorecase: bool) -> list[str]:
    negate = bool(items) and items[0][0] is sre.NEGATE
    extra: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            extra.append(chr(av))
        elif op is sre.RANGE:
            lo, hi = av
            extra += [chr(lo), chr(hi), chr((lo + hi) // 2)]

    def hit(c: str) -> bool:
        for op, av in items:
            if op is sre.LITERAL and c == chr(av):
                return True
            if op is sre.RANGE and av[0] <= ord(c) <= av[1]:
                return True
            if op is sre.CATEGORY:
                rx = _CATEGORIES.get(av.name)
                if rx is None:
                    raise NotImplementedError(f"regex class category {av}")
                if rx.match(c):
                    return True
        return False

    def member(c: str) -> bool:
        found = any(hit(v) for v in _case_variants(c)) if ignorecase else hit(c)
        return found != negate

    candidates = {c for c in (*_SAMPLE_CHARS, *extra) if not _is_surrogate(c)}
    return [c for c in candidates if member(c)]


def _compile_seq(items: Any, flags: int) -> _Gen:
    parts = [_compile_node(op, av, flags) for op, av in items]

    def gen(draw: st.DrawFn, groups: dict[int, str]) -> str:
        return "".join(part(draw, groups) for part in parts)

    return gen


def _compile_node(op: Any, av: Any, flags: int) -> _Gen:
    ignorecase = bool(flags & re.IGNORECASE)
    if op is sre.LITERAL:
        c = chr(av)
        return _choice(sorted(_case_variants(c)) if ignorecase else [c])
    if op is sre.NOT_LITERAL:
        banned = _case_variants(chr(av)) if ignorecase else {chr(av)}
        return _choice([c for c in _SAMPLE_CHARS if c not in banned])
    if op is sre.ANY:
        return _choice([c for c in _SAMPLE_CHARS if c != "\n" or flags & re.DOTALL])
    if op is sre.IN:
        return _choice(_class_chars(av, ignorecase))
    if op is sre.BRANCH:
        branches = [_compile_seq(b, flags) for b in av[1]]
        pick = st.integers(0, len(branches) - 1)
        return lambda draw, groups: branches[draw(pick)](draw, groups)
    if op is sre.SUBPATTERN:
        group, add_flags, del_flags, sub = av
        inner = _compile_seq(sub, (flags | add_flags) & ~del_flags)

        def subpattern(draw: st.DrawFn, groups: dict[int, str]) -> str:
            text = inner(draw, groups)
            if group is not None:
                groups[group] = text
            return text

        return subpattern
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", None)):
        lo, hi, sub = av
        inner = _compile_seq(sub, flags)
        extra = st.integers(0, min(hi - lo, _MAX_EXTRA_REPEATS))
        return lambda draw, groups: "".join(inner(draw, groups) for _ in range(lo + draw(extra)))
    if op is getattr(sre, "ATOMIC_GROUP", None):
        return _compile_seq(av, flags)
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return lambda draw, groups: ""  # anchors and lookarounds: the filter decides
    if op is sre.GROUPREF:
        return lambda draw, groups: groups.get(av, "")
    if op is sre.GROUPREF_EXISTS:
        group, yes, no = av
        yes_gen = _compile_seq(yes, flags)
        no_gen = _compile_seq(no or [], flags)
        return lambda draw, groups: (yes_gen if group in groups else no_gen)(draw, groups)
    raise NotImplementedError(f"regex opcode {op}")


def regex_strings(pattern: str) -> st.SearchStrategy[str]:
    """Strings the regex matches in full (a sample of them, see above)."""
    parsed = sre_parse.parse(pattern)
    gen = _compile_seq(parsed.data, parsed.state.flags)
    rx = re.compile(pattern)

    @st.composite
    def strings(draw: st.DrawFn) -> str:
        return gen(draw, {})

    return strings().filter(lambda s: rx.fullmatch(s) is not None)


def _random_case(value: str) -> st.SearchStrategy[str]:
    parts = []
    for c in value:
        variants = sorted({c, *(v for v in (c.lower(), c.upper()) if len(v) == 1)})
        parts.append(st.sampled_from(variants))
    return st.tuples(*parts).map("".join)


class GrammarSampler:
    """Random derivations of a lark grammar, and mutations of them.

    ``max_depth`` bounds the derivation tree: below it every alternative may
    be chosen, at it only alternatives of least height (so derivation always
    ends). ``max_tokens`` bounds the number of terminals the same way.
    """

    def __init__(self, parser: lark.Lark, *, max_depth: int = 8, max_tokens: int = 40) -> None:
        self.parser = parser
        self.start = parser.options.start[0]
        self.max_depth = max_depth
        self.max_tokens = max_tokens
        self.terminals = {t.name: t for t in parser.terminals}
        self.ignore = sorted(parser.ignore_tokens)
        expansions: dict[str, list[tuple[tuple[bool, str], ...]]] = defaultdict(list)
        for rule in parser.rules:
            expansions[rule.origin.name].append(
                tuple((sym.is_term, sym.name) for sym in rule.expansion)
            )
        heights = self._heights(expansions)
        if not math.isfinite(heights.get(self.start, math.inf)):
            raise ValueError(f"start symbol {self.start!r} derives no string")
        # Per nonterminal: the alternatives that derive some string, each with
        # its height, and the least height.
        self.alternatives: dict[str, list[tuple[tuple[bool, str], ...]]] = {}
        self.shortest: dict[str, list[tuple[tuple[bool, str], ...]]] = {}
        for name, alts in expansions.items():
            scored = [(self._alt_height(alt, heights), alt) for alt in alts]
            finite = [(h, alt) for h, alt in scored if math.isfinite(h)]
            if not finite:
                continue
            least = min(h for h, _ in finite)
            self.alternatives[name] = [alt for _, alt in finite]
            self.shortest[name] = [alt for h, alt in finite if h == least]
        self._terminal_strategies: dict[str, st.SearchStrategy[str]] = {}
        self._ignore_regexes: dict[str, re.Pattern[str]] = {}
        literal_chars = {
            c
            for t in parser.terminals
            if isinstance(t.pattern, PatternStr)
            for c in t.pattern.value
        }
        self.mutation_chars = "".join(sorted(literal_chars | set(GENERIC_CHARS)))

    @staticmethod
    def _alt_height(alt: tuple[tuple[bool, str], ...], heights: dict[str, float]) -> float:
        return 1 + max((heights.get(n, math.inf) for is_term, n in alt if not is_term), default=0)

    @classmethod
    def _heights(
        cls, expansions: dict[str, list[tuple[tuple[bool, str], ...]]]
    ) -> dict[str, float]:
        heights: dict[str, float] = dict.fromkeys(expansions, math.inf)
        changed = True
        while changed:
            changed = False
            for name, alts in expansions.items():
                h = min(cls._alt_height(alt, heights) for alt in alts)
                if h < heights[name]:
                    heights[name] = h
                    changed = True
        return heights

    def terminal(self, name: str) -> st.SearchStrategy[str]:
        """Strings of one terminal."""
        strategy = self._terminal_strategies.get(name)
        if strategy is None:
            pattern = self.terminals[name].pattern
            if isinstance(pattern, PatternStr):
                if "i" in pattern.flags:
                    strategy = _random_case(pattern.value)
                else:
                    strategy = st.just(pattern.value)
            else:
                strategy = regex_strings(pattern.to_regexp())
            self._terminal_strategies[name] = strategy
        return strategy

    def _derive(self, draw: st.DrawFn, name: str, depth: int, out: list[str]) -> None:
        if depth >= self.max_depth or len(out) >= self.max_tokens:
            choices = self.shortest[name]
        else:
            choices = self.alternatives[name]
        alt = choices[0] if len(choices) == 1 else draw(st.sampled_from(choices))
        for is_term, sym in alt:
            if is_term:
                out.append(sym)
            else:
                self._derive(draw, sym, depth + 1, out)

    def _ignored(self, draw: st.DrawFn) -> tuple[str | None, str]:
        if not self.ignore or draw(st.integers(0, 2)) != 0:
            return (None, "")
        name = draw(st.sampled_from(self.ignore))
        return (name, draw(self.terminal(name)))

    def _tidy(self, pieces: list[tuple[str | None, str]]) -> None:
        """Drop the %ignore'd pieces that lark would not cut where they end.

        lark takes an ignored terminal by its first match only (usually the
        longest), so a line comment before a token on the same line eats the
        token. Dropping such pieces keeps most derivations in the language.
        """
        changed = True
        while changed:
            changed = False
            text = "".join(piece for _, piece in pieces)
            start = 0
            for i, (name, piece) in enumerate(pieces):
                if name is not None and piece:
                    rx = self._ignore_regex(name)
                    m = rx.match(text, start)
                    if m is None or m.end() != start + len(piece):
                        pieces[i] = (None, "")
                        changed = True
                        break
                start += len(piece)

    def _ignore_regex(self, name: str) -> re.Pattern[str]:
        rx = self._ignore_regexes.get(name)
        if rx is None:
            rx = self._ignore_regexes[name] = re.compile(self.terminals[name].pattern.to_regexp())
        return rx

    def derivations(self) -> st.SearchStrategy[str]:
        """Texts derived from the start symbol (usually, not always, in the
        language: lark's scanner may cut adjacent tokens differently)."""

        @st.composite
        def derivation(draw: st.DrawFn) -> str:
            names: list[str] = []
            self._derive(draw, self.start, 0, names)
            pieces = [self._ignored(draw)]
            for name in names:
                pieces.append((None, draw(self.terminal(name))))
                pieces.append(self._ignored(draw))
            if self.ignore and draw(st.booleans()):
                self._tidy(pieces)
            return "".join(piece for _, piece in pieces)

        return derivation()

    def mutated(self) -> st.SearchStrategy[bytes]:
        """A derivation's UTF-8 bytes after one to three byte-level edits."""
        inserted = st.one_of(
            st.sampled_from(self.mutation_chars).map(lambda c: c.encode()),
            TEXT_CHARS.map(lambda c: c.encode()),
            st.integers(0, 255).map(lambda b: bytes([b])),
        )
        derivations = self.derivations()

        @st.composite
        def mutation(draw: st.DrawFn) -> bytes:
            data = draw(derivations).encode()
            for _ in range(draw(st.integers(1, 3))):
                op = draw(
                    st.sampled_from(
                        ["insert", "delete", "replace", "splice", "truncate", "duplicate"]
                    )
                )
                n = len(data)
                if op == "insert":
                    i = draw(st.integers(0, n))
                    data = data[:i] + draw(inserted) + data[i:]
                elif op == "delete" and n:
                    i = draw(st.integers(0, n - 1))
                    data = data[:i] + data[i + 1 :]
                elif op == "replace" and n:
                    i = draw(st.integers(0, n - 1))
                    data = data[:i] + draw(inserted) + data[i + 1 :]
                elif op == "splice":
                    other = draw(derivations).encode()
                    i = draw(st.integers(0, n))
                    j = draw(st.integers(0, len(other)))
                    data = data[:i] + other[j:]
                elif op == "truncate":
                    data = data[: draw(st.integers(0, n))]
                elif op == "duplicate" and n:
                    i = draw(st.integers(0, n - 1))
                    j = draw(st.integers(i, n))
                    data = data[:j] + data[i:j] + data[j:]
            return data

        return mutation()

    def near(self) -> st.SearchStrategy[bytes]:
        """Bytes near the language: derivations, and mutations of them."""
        return st.one_of(self.derivations().map(str.encode), self.mutated())


@functools.cache
def sampler(path: Path | str) -> GrammarSampler:
    return GrammarSampler(reference(path))
