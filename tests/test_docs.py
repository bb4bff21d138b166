"""The documentation site builds from the repository, with every page and the API
reference generated from the docstrings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "quickstart",
    "json",
    "sql",
    "lark",
    "transformers",
    "sampling",
    "performance",
    "exactness",
    "api",
]


def test_the_site_builds(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings_handlers.python")
    r = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    for page in PAGES:
        assert (tmp_path / "site" / page / "index.html").is_file(), page
    api = (tmp_path / "site" / "api" / "index.html").read_text()
    for name in ("generate_json", "GrammarLogitsProcessor", "grammar_for_sqlite", "smc"):
        assert name in api, name
    profiles = (tmp_path / "site" / "json" / "index.html").read_text()
    assert "profile=&quot;generate&quot;" in profiles or 'profile="generate"' in profiles
