"""The grammars shipped with corral, by name: ``json``, ``sql``, ``arith``, ``csv``, ``lark``.

They are the repository's ``grammars/*.lark``, installed inside the package
(``corral/_grammars``), so they are found from any working directory.

>>> import corral
>>> "json" in corral.grammars.names()
True
>>> corral.grammars.path("json").name
'json.lark'
>>> corral.grammars.load("json").matcher().consume_bytes(b'{"a": [1, 2]}')
True
"""

from __future__ import annotations

import os
from pathlib import Path

from corral._core import Grammar

# In a source checkout, a link to the top-level grammars/ folder; in a wheel,
# a copy of its .lark files (pyproject.toml's [tool.maturin] include).
_DIR = Path(__file__).resolve().parent / "_grammars"


def names() -> list[str]:
    """The names of the shipped grammars, sorted."""
    return sorted(p.stem for p in _DIR.glob("*.lark"))


def path(name: str) -> Path:
    """The file of the shipped grammar `name` (``"json"``; ``"json.lark"`` too)."""
    stem = name.removesuffix(".lark")
    p = _DIR / f"{stem}.lark"
    if os.sep in stem or "/" in stem or not p.is_file():
        raise ValueError(
            f"corral ships no grammar named {name!r}; the shipped ones: {', '.join(names())}"
        )
    return p


def text(name: str) -> str:
    """The text of the shipped grammar `name`."""
    return path(name).read_text(encoding="utf-8")


def load(name: str, *, start: str = "start") -> Grammar:
    """The shipped grammar `name`, compiled (``Grammar.from_file`` on its file)."""
    return Grammar.from_file(path(name), start=start)
