"""The `corral` command line."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import corral
import pytest
from conftest import TOKENIZER_DIR
from corral.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_inspect_defaults(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # the defaults ship with the package: any directory
    assert main(["inspect"]) == 0
    out = capsys.readouterr().out
    assert "_demo" in out  # the demo model's tokenizer
    assert "32768 ids, mask 1024 int32 words" in out
    assert "2 </s>" in out
    assert "json.lark" in out
    assert "corral's bytes     exact" in out


def test_inspect_other_tokenizer_and_padding(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["inspect", "--tokenizer", str(TOKENIZER_DIR / "qwen3"), "--vocab-size", "151936"]
    assert main([*args, "--grammar", str(REPO / "grammars" / "json.lark")]) == 0
    out = capsys.readouterr().out
    assert "151936 ids" in out
    assert "267 without a token" in out
    assert "151645 <|im_end|>" in out


def test_inspect_errors_are_reported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["inspect", "--tokenizer", str(tmp_path / "nope")]) == 1
    assert "corral: error:" in capsys.readouterr().err


def test_console_script_installed() -> None:
    exe = shutil.which("corral")
    assert exe is not None
    r = subprocess.run([exe, "--help"], capture_output=True, text=True, check=True)
    assert "inspect" in r.stdout


GRAMMARS = REPO / "grammars"


def test_check_reports_ok_and_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["check", str(GRAMMARS / "json.lark")]) == 0
    assert "json.lark: ok" in capsys.readouterr().out
    bad = tmp_path / "bad.lark"
    bad.write_text('start: a\na: "x" (b\n  | "y")\n')
    assert main(["check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:" in err and "^" in err
    warn = tmp_path / "warn.lark"
    warn.write_text('start: "x"\nunused: "y"\n')
    assert main(["check", str(warn)]) == 0
    assert "rule `unused` is defined but never used" in capsys.readouterr().err


def test_test_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    g = str(GRAMMARS / "json.lark")
    assert main(["test", g, "--text", '{"a": [1, 2]}']) == 0
    assert "accepted" in capsys.readouterr().out
    assert main(["test", g, "--text", '{"a": [1, 2,, 3]}']) == 1
    out = capsys.readouterr().out
    assert "rejected at byte 12 (line 1, column 13)" in out
    assert "NUMBER" in out and "^" in out
    doc = tmp_path / "doc.json"
    doc.write_text('{\n  "a": [1,\n')
    assert main(["test", g, str(doc)]) == 1
    out = capsys.readouterr().out
    assert "incomplete" in out and "line 3" in out and "expected one of" in out


def test_sample_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sample", str(GRAMMARS / "json.lark"), "-n", "5", "--seed", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) >= 5
    g = corral.Grammar.from_file(GRAMMARS / "json.lark")
    samples = g.sample(5, seed=3)
    assert "\n".join(samples) == "\n".join(lines)
