"""The `corral` command line."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import TOKENIZER_DIR

from corral.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_inspect_defaults(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO / "tests")  # defaults are found from a subfolder too
    assert main(["inspect"]) == 0
    out = capsys.readouterr().out
    assert "llama3" in out
    assert "128256 ids, mask 4008 int32 words" in out
    assert "128000 ordinary, 256 special, 0 without a token" in out
    assert "128001 <|end_of_text|>" in out
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
