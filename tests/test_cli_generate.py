"""`corral generate` and `corral example-db` as a user runs them: the real command in a
subprocess, from a directory outside the repository, on the built-in defaults. Errors are
one line with the `corral: error:` prefix and no traceback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

ROOT = Path(__file__).resolve().parent.parent
PERSON = json.loads((ROOT / "examples/person.schema.json").read_text())


def corral(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "corral.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def one_error_line(p: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in p.stderr, p.stderr
    errors = [line for line in p.stderr.splitlines() if line.startswith("corral: error: ")]
    assert len(errors) == 1, p.stderr
    return errors[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-new-tokens", "0"], "--max-new-tokens: must be at least 1"),
        (["--temperature", "-1"], "--temperature: must be 0 (greedy) or more"),
        (["--top-p", "0"], "--top-p: must be in (0, 1]"),
        (["--top-k", "-3"], "--top-k: must be 0 or more"),
        (["--whitespace", "tabs"], "one of json, compact, flexible, indent:N"),
        (["--draft-state", "d.bin"], "--draft-state goes with --draft"),
        (["--draft", "both", "--no-jump-forward"], "does not go with --no-jump-forward"),
        (["--draft", "trees"], "invalid choice: 'trees'"),
    ],
)
def test_invalid_arguments_are_refused(tmp_path: Path, args: list[str], message: str) -> None:
    p = corral("generate", *args, cwd=tmp_path)
    assert p.returncode == 2
    assert message in one_error_line(p)


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        ("bad.json", ["--schema", "bad.json"], "bad.json is not JSON"),
        ("", ["--pydantic", "no_such_module:Model"], "no module named 'no_such_module'"),
        ("", ["--pydantic", "json"], "--pydantic takes module:Model"),
        ("", ["--model", "no-such-dir"], "no such model directory: no-such-dir"),
        ("", ["--sqlite", "missing.db"], "corral example-db missing.db"),
        ("", ["--grammar", "missing.lark"], "no such grammar file: missing.lark"),
    ],
)
def test_user_mistakes_are_one_line(
    tmp_path: Path, make: str, args: list[str], message: str
) -> None:
    if make:
        (tmp_path / make).write_text("{not json")
    p = corral("generate", *args, cwd=tmp_path)
    assert p.returncode == 1
    assert message in one_error_line(p)


@pytest.mark.slow
def test_the_main_job_runs_from_any_directory(tmp_path: Path) -> None:
    p = corral("generate", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
    text = p.stdout.strip()
    value = json.loads(text)
    jsonschema.validate(value, PERSON)
    assert text == json.dumps(value, ensure_ascii=False)  # the generate profile's layout
    assert "profile generate (whitespace json, declared keys only" in p.stderr
    c = corral("generate", "--whitespace", "compact", cwd=tmp_path)
    assert c.returncode == 0
    assert c.stdout.strip() == json.dumps(json.loads(c.stdout), separators=(",", ":"))
    i = corral("generate", "--whitespace", "indent:2", cwd=tmp_path)
    assert i.returncode == 0
    assert i.stdout.rstrip("\n") == json.dumps(json.loads(i.stdout), indent=2, ensure_ascii=False)


@pytest.mark.slow
def test_cut_off_output_exits_non_zero(tmp_path: Path) -> None:
    p = corral("generate", "--max-new-tokens", "5", cwd=tmp_path)
    assert p.returncode == 1
    assert "incomplete output: --max-new-tokens 5 ran out" in one_error_line(p)
    assert p.stdout.strip()  # what was generated is still shown


@pytest.mark.slow
def test_example_database_and_sql(tmp_path: Path) -> None:
    p = corral("example-db", cwd=tmp_path)
    assert p.returncode == 0 and (tmp_path / "app.db").is_file()
    again = corral("example-db", cwd=tmp_path)
    assert again.returncode == 1 and "exists already" in one_error_line(again)
    nowhere = corral("example-db", "no/such/dir/app.db", cwd=tmp_path)
    assert nowhere.returncode == 1 and "cannot create a database" in one_error_line(nowhere)
    q = corral("generate", "--sqlite", "app.db", "--max-new-tokens", "400", cwd=tmp_path)
    assert q.returncode == 0, q.stderr
    assert q.stdout.strip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"))


@pytest.mark.slow
def test_ctrl_c_keeps_the_partial_output_and_exits_130(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "corral.cli",
            "generate",
            "--regex",
            "[a-z ]{1,100000}",
            "--prompt",
            "Story: ",
            "--max-new-tokens",
            "100000",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    first = proc.stdout.read(1)  # the output has started
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert len(first + out) > 1
    assert "corral: error: interrupted" in err.decode()
    assert "Traceback" not in err.decode()


def test_drafting_gives_the_same_output_and_keeps_what_it_learned(tmp_path: Path) -> None:
    plain = corral("generate", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    state = tmp_path / "drafter.bin"
    passes = []
    for _ in range(2):
        p = corral("generate", "--draft", "both", "--draft-state", str(state), cwd=tmp_path)
        assert p.returncode == 0, p.stderr
        assert p.stdout == plain.stdout
        summary = [line for line in p.stderr.splitlines() if line.startswith("# drafting")]
        assert len(summary) == 1 and "tokens per forward pass" in summary[0], p.stderr
        passes.append(int(p.stderr.split(" forward passes")[0].rsplit(" ", 1)[-1]))
    assert state.is_file()
    # The second run starts from what the first learned: fewer passes.
    assert passes[1] < passes[0]
    state.write_bytes(b"junk")
    bad = corral("generate", "--draft", "both", "--draft-state", str(state), cwd=tmp_path)
    assert bad.returncode == 1
    assert "cannot read the drafter state" in one_error_line(bad)
