#!/usr/bin/env python3
"""The module import graph of a Rust crate, and a check that it has no cycle.

Nodes are the crate's modules (one per source file; `#[cfg(test)]` modules are
left out, since tests may reach anywhere). An edge A -> B means A names an item
that B defines: through a `use` line or a qualified `crate::`/`super::`/`self::`
path. Re-exports are followed to the module that defines the item, so a facade
`pub use` does not close a cycle with the modules behind it.

    python3 tools/modgraph.py rust/core/src            # exits 1 and prints each cycle
    python3 tools/modgraph.py rust/core/src --edges    # prints the graph
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

USE_RE = re.compile(r"^\s*(pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", re.M)
PATH_RE = re.compile(r"\b((?:crate|super|self)(?:::(?:super|[A-Za-z_]\w*))+)")
TEST_MOD_RE = re.compile(r"#\[cfg\(test\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*([;{])")
MOD_DECL_RE = re.compile(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", re.M)
COMMENT_RE = re.compile(r"//[^\n]*")


def strip_tests(src: str) -> tuple[str, set[str]]:
    """Removes inline `#[cfg(test)] mod x { ... }` bodies; returns the names of
    test modules declared as files."""
    file_tests: set[str] = set()
    out = []
    pos = 0
    for m in TEST_MOD_RE.finditer(src):
        if m.start() < pos:
            continue
        if m.group(2) == ";":
            file_tests.add(m.group(1))
            continue
        depth, i = 0, m.end() - 1
        while i < len(src):
            if src[i] == "{":
                depth += 1
            elif src[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        out.append(src[pos : m.start()])
        pos = i + 1
    out.append(src[pos:])
    return "".join(out), file_tests


def expand_use(tree: str) -> list[str]:
    """`a::{b, c::{d, e}}` -> ["a::b", "a::c::d", "a::c::e"] (aliases already removed)."""
    tree = re.sub(r"\s+", "", tree)

    def parse(s: str, prefix: str) -> list[str]:
        if "{" not in s:
            return [prefix + s]
        head, rest = s.split("{", 1)
        body = rest[: rest.rfind("}")]
        parts, depth, cur = [], 0, ""
        for ch in body:
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
                continue
            depth += ch == "{"
            depth -= ch == "}"
            cur += ch
        if cur:
            parts.append(cur)
        paths: list[str] = []
        for part in parts:
            paths += parse(part, prefix + head)
        return paths

    return [p.rstrip(":") for p in parse(tree, "")]


class Crate:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, Path] = {}
        self.srcs: dict[str, str] = {}
        self.reexports: dict[str, dict[str, str]] = {}
        self._collect("crate", root / "lib.rs" if (root / "lib.rs").exists() else root / "main.rs")

    def _collect(self, name: str, path: Path) -> None:
        raw = COMMENT_RE.sub("", path.read_text())
        src, tests = strip_tests(raw)
        self.files[name] = path
        self.srcs[name] = src
        base = path.parent if path.name in ("lib.rs", "main.rs", "mod.rs") else path.with_suffix("")
        for m in MOD_DECL_RE.finditer(src):
            child = m.group(1)
            if child in tests:
                continue
            for cand in (base / f"{child}.rs", base / child / "mod.rs"):
                if cand.exists():
                    self._collect(f"{name}::{child}", cand)
                    break

    def absolute(self, module: str, path: str) -> str | None:
        segs = path.split("::")
        cur = module.split("::")
        if segs[0] == "crate":
            cur, segs = ["crate"], segs[1:]
        elif segs[0] in ("super", "self"):
            while segs and segs[0] in ("super", "self"):
                if segs[0] == "super":
                    cur = cur[:-1]
                segs = segs[1:]
        elif f"{module}::{segs[0]}" in self.files:
            pass
        else:
            return None  # an extern crate or std
        return "::".join(cur + segs)

    def resolve(self, abspath: str, seen: int = 0) -> str:
        """The module that defines the item at `abspath`."""
        segs = abspath.split("::")
        for k in range(len(segs), 0, -1):
            mod = "::".join(segs[:k])
            if mod in self.files:
                if k < len(segs) and seen < 16:
                    target = self.reexports.get(mod, {}).get(segs[k])
                    if target is not None:
                        return self.resolve("::".join([target, *segs[k + 1 :]]), seen + 1)
                return mod
        return "crate"

    def build(self) -> dict[str, set[str]]:
        uses: dict[str, list[str]] = {}
        for mod, src in self.srcs.items():
            paths: list[str] = []
            for m in USE_RE.finditer(src):
                text = m.group(2)
                text = re.sub(r"\s+as\s+\w+", "", text)
                for p in expand_use(text):
                    a = self.absolute(mod, p)
                    if a is None:
                        continue
                    if m.group(1):
                        last = p.split("::")[-1]
                        if last != "*" and last != "self":
                            self.reexports.setdefault(mod, {})[last] = a.rsplit("::", 1)[0]
                        if last == "self":
                            a = a.rsplit("::", 1)[0]
                            self.reexports.setdefault(mod, {})[a.split("::")[-1]] = a
                            continue
                    paths.append(a.removesuffix("::*").removesuffix("::self"))
            body = USE_RE.sub("", src)
            for m in PATH_RE.finditer(body):
                a = self.absolute(mod, m.group(1))
                if a is not None:
                    paths.append(a)
            # `child::item` names a child module without `self::`.
            children = [
                c.rsplit("::", 1)[-1]
                for c in self.files
                if c.rsplit("::", 1)[0] == mod and c != mod
            ]
            if children:
                child_re = re.compile(r"(?<![\w:])(" + "|".join(children) + r")((?:::\w+)+)")
                for m in child_re.finditer(body):
                    paths.append(f"{mod}::{m.group(1)}{m.group(2)}")
            uses[mod] = paths
        graph: dict[str, set[str]] = {m: set() for m in self.files}
        for mod, paths in uses.items():
            for a in paths:
                target = self.resolve(a)
                # Naming a module itself (`use super::x;`) is not an edge;
                # naming an item it defines is.
                if target != mod and a != target:
                    graph[mod].add(target)
        return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on.add(start)
        while work:
            v, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                elif nxt in on:
                    low[v] = min(low[v], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    status = 0
    for root in args or ["rust/core/src"]:
        crate = Crate(Path(root))
        graph = crate.build()
        if "--edges" in sys.argv:
            for mod in sorted(graph):
                print(mod, "->", ", ".join(sorted(graph[mod])) or "-")
        found = cycles(graph)
        for comp in found:
            status = 1
            print(f"{root}: import cycle among {len(comp)} modules:")
            for mod in comp:
                inside = sorted(graph[mod] & set(comp))
                print(f"  {mod} -> {', '.join(inside)}")
        if not found:
            print(f"{root}: {len(graph)} modules, no import cycle")
    return status


if __name__ == "__main__":
    sys.exit(main())
