"""The shipped grammars by name (`corral.grammars`), from any working directory."""

from __future__ import annotations

from pathlib import Path

import corral
import pytest
from corral.cli import main

REPO_GRAMMARS = Path(__file__).resolve().parents[1] / "grammars"


def test_every_repository_grammar_is_shipped_unchanged() -> None:
    repo = sorted(p.stem for p in REPO_GRAMMARS.glob("*.lark"))
    assert corral.grammars.names() == repo
    assert {"json", "sql", "arith", "csv", "lark"} <= set(repo)
    for name in repo:
        shipped = corral.grammars.path(name)
        assert shipped.read_bytes() == (REPO_GRAMMARS / f"{name}.lark").read_bytes()
        assert corral.grammars.text(name) == shipped.read_text(encoding="utf-8")
        # Inside the package: an installed corral finds them without the repository.
        assert shipped.is_relative_to(Path(corral.__file__).resolve().parent)


def test_found_from_any_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert corral.grammars.path("json.lark") == corral.grammars.path("json")
    g = corral.grammars.load("json")
    assert g.matcher().consume_bytes(b'{"a": [1, 2]}')
    m = corral.grammars.load("arith", start="product").matcher()
    assert m.consume_bytes(b"2 * 3") and m.is_accepting()


@pytest.mark.parametrize("name", ["nope", "", "../grammars/json", "json.toml"])
def test_unknown_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="the shipped ones: arith, csv, json"):
        corral.grammars.path(name)


def test_cli_takes_shipped_names(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no grammars/ here
    assert main(["check", "json"]) == 0
    assert "json.lark: ok" in capsys.readouterr().out
    assert main(["test", "arith", "--text", "max(1, 2) * -3"]) == 0
    assert "accepted" in capsys.readouterr().out
    # A file of that name in the working directory wins over the shipped grammar.
    (tmp_path / "json").write_text('start: "x"\n')
    assert main(["test", "json", "--text", "x"]) == 0
