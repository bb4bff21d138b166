"""grammars/sql.lark against SQLite: a corpus of real statements, and samples."""

from __future__ import annotations

import sys
from pathlib import Path

import corral

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from build_sql_corpus import sqlite_accepts  # noqa: E402

# SQLite's language: real statements indent past the default whitespace bound.
SQL = corral.Grammar.from_file(ROOT / "grammars" / "sql.lark", whitespace_limit=None)


def corpus() -> list[tuple[str, str]]:
    out = []
    for path in sorted((ROOT / "tests" / "data" / "sql").glob("*.sql")):
        for piece in path.read_text(encoding="utf-8").split("\n-- ;;\n"):
            stmt = piece.strip()
            if stmt and stmt != "-- ;;":
                out.append((path.name, stmt))
    return out


CORPUS = corpus()


def test_corpus_is_large_and_valid_for_sqlite() -> None:
    assert len(CORPUS) >= 500
    for name, stmt in CORPUS[::50]:
        assert sqlite_accepts(stmt)[0], (name, stmt)


def test_corral_accepts_every_corpus_statement() -> None:
    rejected = []
    for name, stmt in CORPUS:
        m = SQL.matcher()
        if not (m.consume_bytes((stmt + ";").encode()) and m.is_accepting()):
            rejected.append((name, stmt[:120], m.error()))
    assert not rejected, f"{len(rejected)} rejected, e.g. {rejected[:3]}"


def test_samples_are_accepted_by_sqlite() -> None:
    samples = SQL.sample(200, seed=1, max_depth=14)
    assert len(samples) == 200
    bad = [(s, sqlite_accepts(s)[1]) for s in samples if not sqlite_accepts(s)[0]]
    assert not bad, f"{len(bad)} samples rejected by SQLite, e.g. {bad[:3]}"
