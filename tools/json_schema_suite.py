"""The official JSON-Schema-Test-Suite as a conformance ratchet for corral's JSON Schema front-end.

    python tools/json_schema_suite.py                    # counts per file, and the totals
    python tools/json_schema_suite.py --update-baseline  # rewrite the baseline file
    python tools/json_schema_suite.py --per-draft        # the figures per draft, without optional/

The baseline is tests/data/json_schema_suite_baseline.json.

The suite (tests/data/json-schema-test-suite, copied from the ``jsonschema`` sdist on PyPI,
drafts 4, 6, 7, 2019-09 and 2020-12, optional tests included) is a list of groups: one
schema and instances marked valid or invalid. Each schema is compiled strictly with
``corral.Grammar.from_json_schema(schema, draft=..., resources=REMOTES)`` and default options
(``REMOTES`` are the suite's ``remotes/`` documents at the address the suite serves them from,
``http://localhost:1234/``, passed in as a schema split over files would be); each instance,
written by ``json.dumps(data, ensure_ascii=False)``, is fed to a byte matcher and accepted
if the matcher takes every byte and ends accepting. Per file the counts are: valid
instances, valid accepted, invalid instances, invalid rejected, invalid accepted, and
instances of refused schemas (compile errors), and how many of those are valid.
tests/test_json_schema_suite.py fails when a file's counts regress from the baseline.

``--per-draft`` prints, per draft and without ``optional/``, the share of valid instances
accepted (a valid instance of a refused schema counts as not accepted) and the share of
invalid instances of compiled schemas rejected.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SUITE = ROOT / "tests" / "data" / "json-schema-test-suite"
BASELINE = ROOT / "tests" / "data" / "json_schema_suite_baseline.json"
REMOTES_URL = "http://localhost:1234/"
DRAFTS = {
    "draft4": "4",
    "draft6": "6",
    "draft7": "7",
    "draft2019-09": "2019-09",
    "draft2020-12": "2020-12",
}


@dataclass
class Counts:
    valid: int = 0
    valid_accepted: int = 0
    invalid: int = 0
    invalid_rejected: int = 0
    invalid_accepted: int = 0
    refused: int = 0
    refused_valid: int = 0

    def record(self, valid: bool, accepted: bool) -> None:
        """Counts one instance: valid or not, and whether it was accepted."""
        if valid:
            self.valid += 1
            self.valid_accepted += accepted
        else:
            self.invalid += 1
            self.invalid_rejected += not accepted
            self.invalid_accepted += accepted

    def add(self, o: Counts) -> None:
        for k, v in asdict(o).items():
            setattr(self, k, getattr(self, k) + v)


_remotes: dict[str, Any] = {}


def remotes() -> dict[str, Any]:
    """The suite's remote documents, by the URI the suite serves each at."""
    if not _remotes:
        for p in sorted((SUITE / "remotes").rglob("*.json")):
            uri = REMOTES_URL + p.relative_to(SUITE / "remotes").as_posix()
            _remotes[uri] = json.loads(p.read_text(encoding="utf-8"))
    return _remotes


def suite_files() -> list[tuple[str, Path, str]]:
    """(name relative to the suite, path, draft) for every test file."""
    out = []
    for dname, draft in DRAFTS.items():
        for p in sorted((SUITE / dname).rglob("*.json")):
            out.append((p.relative_to(SUITE).as_posix(), p, draft))
    return out


def instance_text(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def run_file(path: Path, draft: str, **options: Any) -> Counts:
    import corral

    c = Counts()
    for group in json.loads(path.read_text(encoding="utf-8")):
        try:
            g = corral.Grammar.from_json_schema(
                group["schema"], draft=draft, resources=remotes(), **options
            )
        except corral.CorralError:
            c.refused += len(group["tests"])
            c.refused_valid += sum(t["valid"] for t in group["tests"])
            continue
        for t in group["tests"]:
            m = g.matcher()
            c.record(t["valid"], m.consume_bytes(instance_text(t["data"])) and m.is_accepting())
    return c


def run_all(**options: Any) -> dict[str, Counts]:
    return {name: run_file(p, d, **options) for name, p, d in suite_files()}


def totals(per_file: dict[str, Counts]) -> Counts:
    t = Counts()
    for c in per_file.values():
        t.add(c)
    return t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--update-baseline", action="store_true", help=f"write {BASELINE.relative_to(ROOT)}"
    )
    ap.add_argument("--verbose", action="store_true", help="print every file's counts")
    ap.add_argument(
        "--per-draft", action="store_true", help="print the figures per draft, without optional/"
    )
    args = ap.parse_args()
    per_file = run_all()
    if args.per_draft:
        for dname in DRAFTS:
            d = totals(
                {
                    n: c
                    for n, c in per_file.items()
                    if n.startswith(dname + "/") and "/optional/" not in n
                }
            )
            print(
                f"{dname}: valid accepted {d.valid_accepted}/{d.valid + d.refused_valid} "
                f"({100 * d.valid_accepted / (d.valid + d.refused_valid):.1f}%), "
                f"invalid rejected {d.invalid_rejected}/{d.invalid} "
                f"({100 * d.invalid_rejected / max(d.invalid, 1):.1f}%)"
            )
    if args.verbose:
        for name, c in per_file.items():
            print(name, asdict(c))
    t = totals(per_file)
    print(
        f"valid accepted {t.valid_accepted}/{t.valid}, "
        f"invalid rejected {t.invalid_rejected}/{t.invalid}, "
        f"invalid accepted {t.invalid_accepted}, instances of refused schemas {t.refused}"
    )
    if args.update_baseline:
        BASELINE.write_text(
            json.dumps({k: asdict(v) for k, v in per_file.items()}, indent=1, sort_keys=True)
            + "\n",
            encoding="utf-8",
        )
        print(f"wrote {BASELINE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
