#!/usr/bin/env python3
"""Checks that no source file is over a line budget (800 by default).

One file, one concern: a source file past the budget is a sign that it holds
more than one. Generated data is exempt (files whose first line says
"generated"). Exits 1 and lists the files over the budget.

    python3 tools/filesizes.py [--max 800]
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUFFIXES = (".rs", ".py", ".pyi")


def main() -> int:
    limit = 800
    if "--max" in sys.argv:
        limit = int(sys.argv[sys.argv.index("--max") + 1])
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    over = []
    for name in tracked:
        path = ROOT / name
        if not name.endswith(SUFFIXES) or not path.is_file():
            continue
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        if lines and "generated" in lines[0].lower():
            continue
        if len(lines) > limit:
            over.append((len(lines), name))
    for n, name in sorted(over, reverse=True):
        print(f"{name}: {n} lines (at most {limit})")
    if not over:
        print(f"no source file over {limit} lines")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
