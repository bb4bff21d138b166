"""`corral generate --schema` on ten schemas written for this bench and used nowhere
else (not in the demo model's training data, not in the tests): `benches/unseen_schemas/`.

    python benches/unseen_generate.py [--max-new-tokens 512] [--markdown]

Runs the real CLI once per schema, greedy, with its defaults (the demo model, the
generate profile), and reports for each: the exit status, whether the output finished,
whether it validates with `jsonschema` (formats checked), the tokens, and the output
itself.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = sorted((ROOT / "benches/unseen_schemas").glob("*.schema.json"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--max-new-tokens", type=int, default=512)
    ap.add_argument("--markdown", action="store_true", help="print a table and the outputs")
    args = ap.parse_args()
    rows = []
    for path in SCHEMAS:
        schema = json.loads(path.read_text())
        p = subprocess.run(
            [
                sys.executable,
                "-m",
                "corral.cli",
                "generate",
                "--schema",
                str(path),
                "--max-new-tokens",
                str(args.max_new_tokens),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        text = p.stdout.strip()
        m = re.search(r"# (\d+) tokens", p.stderr)
        tokens = int(m.group(1)) if m else 0
        finished = p.returncode == 0
        valid = False
        if finished:
            try:
                cls = jsonschema.validators.validator_for(schema)
                cls(schema, format_checker=cls.FORMAT_CHECKER).validate(json.loads(text))
                valid = True
            except (json.JSONDecodeError, jsonschema.ValidationError):
                valid = False
        rows.append(
            (path.name.removesuffix(".schema.json"), p.returncode, finished, valid, tokens, text)
        )
    done = sum(r[2] for r in rows)
    ok = sum(r[3] for r in rows)
    if args.markdown:
        print("| schema | exit | finished | valid | tokens |")
        print("|---|---|---|---|---|")
        for name, rc, fin, val, tok, _ in rows:
            print(
                f"| {name} | {rc} | {'yes' if fin else 'no'} | {'yes' if val else 'no'} | {tok} |"
            )
        print()
        print(f"{done} of {len(rows)} finished; {ok} of {done} finished outputs valid.")
        print()
        for name, *_, text in rows:
            shown = text[:400]
            fence = "``" if "`" in shown else "`"
            print(f"- `{name}`: {fence} {shown} {fence}")
    else:
        for name, rc, fin, val, tok, text in rows:
            flags = f"exit {rc} finished {fin!s:5} valid {val!s:5}"
            print(f"{name:18} {flags} {tok:4} tokens  {text[:80]}")
        print(f"{done}/{len(rows)} finished, {ok}/{done} valid")
    return 0 if ok == done else 1


if __name__ == "__main__":
    raise SystemExit(main())
