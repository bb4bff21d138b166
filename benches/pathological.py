"""The pathological corpus, measured: time, peak memory and outcome per case.

Every case of ``tests/pathological.py`` runs in a child process of its own
(address space capped at 8 GiB), one at a time. Prints a Markdown table for
``benches/RESULTS.md``; the targets are compile within 1 s and masks within
10 ms, or a typed error.

    python benches/pathological.py [CASE ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

import pathological


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cases", nargs="*", help="cases to run (default: all)")
    ap.add_argument("--timeout", type=float, default=300.0)
    args = ap.parse_args()
    names = args.cases or list(pathological.CASES)
    print("| case | outcome | compile ms | consume ms | max mask ms | peak MB | meets target |")
    print("|---|---|---:|---:|---:|---:|---|")
    for n in names:
        r = pathological.run_child(n, timeout=args.timeout)
        outcome = r["outcome"].replace("|", "\\|")
        if len(outcome) > 90:
            outcome = outcome[:87] + "..."
        if "compile_s" not in r:
            print(f"| {n} | {outcome} | | | | | no |")
            continue
        typed = r["outcome"] != "ok"
        meets = typed or (
            r["compile_s"] <= pathological.COMPILE_S and r["max_mask_s"] <= pathological.MASK_S
        )
        print(
            f"| {n} | {outcome} | {r['compile_s'] * 1e3:.1f} | {r['consume_s'] * 1e3:.1f} | "
            f"{r['max_mask_s'] * 1e3:.2f} | {r['peak_mb']:.0f} | {'yes' if meets else 'no'} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
