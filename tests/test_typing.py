"""The stubs tell byte matchers from token matchers: a call to the wrong one is
a type error before it is a run-time one."""

from __future__ import annotations

from pathlib import Path

import pytest

SNIPPET = """
import numpy as np
import corral

g = corral.Grammar.from_lark('start: "a"\\n')
v = corral.Vocabulary.from_bytes([b"a", b"</s>"], eos_token_id=1)
bm: corral.ByteMatcher = g.matcher()
m: corral.Matcher = corral.compile(g, v).matcher()
bm.consume_bytes(b"a")
m.consume(0)
g.matcher().fill_mask(np.zeros((1, 1), dtype=np.int32))  # line 11
g.matcher().forced_tokens()  # line 12
m.consume_bytes(b"a")  # line 13
corral.fill_masks([g.matcher()], np.zeros((1, 1), dtype=np.int32))  # line 14
corral.compile(g, v, whitespace_limit=3)  # line 15
"""


def test_mypy_catches_a_matcher_of_the_wrong_kind(tmp_path: Path) -> None:
    api = pytest.importorskip("mypy.api")
    src = tmp_path / "snippet.py"
    src.write_text(SNIPPET)
    out, err, code = api.run(["--strict", "--cache-dir", str(tmp_path / "cache"), str(src)])
    assert code == 1, out + err
    lines = sorted({int(line.split(":")[1]) for line in out.splitlines() if ": error:" in line})
    assert lines == [11, 12, 13, 14, 15], out
