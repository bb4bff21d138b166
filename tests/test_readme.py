"""The README's Python snippets run as written, in order, from the repository root (one
namespace: later snippets use names the earlier ones define)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

ROOT = Path(__file__).resolve().parent.parent


def snippets() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_readme_has_python_snippets() -> None:
    assert len(snippets()) >= 3


@pytest.mark.slow
def test_readme_snippets_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import torch

    torch.set_num_threads(1)
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": "readme"}
    for i, code in enumerate(snippets()):
        try:
            exec(compile(code, f"README.md python block {i + 1}", "exec"), namespace)
        except Exception as e:  # pragma: no cover - the message is the point
            raise AssertionError(f"README python block {i + 1} failed: {e!r}\n{code}") from e
    r = namespace["r"]
    assert getattr(r, "text", None)
    assert capsys.readouterr().out  # the stream printed the text
