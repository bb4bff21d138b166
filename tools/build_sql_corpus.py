#!/usr/bin/env python3
"""Build, and check, the SQLite statement corpus in tests/data/sql/ for grammars/sql.lark.

Build (rewrites tests/data/sql/*.sql and tests/data/sql/PROVENANCE.md):

    mkdir -p /tmp/sqlpkgs && cd /tmp/sqlpkgs
    pip download --no-deps --no-binary :all: sqlglot==30.30.0 sqlite-utils==4.2.1 \\
        datasette==0.65.5 peewee==4.5.3 sqlalchemy==2.1.9 dataset==2.0.0
    apt-get download sqlite3-doc=3.40.1-2+deb12u2      # Debian bookworm
    python tools/build_sql_corpus.py /tmp/sqlpkgs [--lark -j 2]

`--lark` also parses every candidate SQLite accepts (kept or not, up to 3000 characters) with
the grammar and records the result in PROVENANCE.md.

Check (reads the corpus and grammars/sql.toml; needs `lark`; exit status 1 on any failure):

    python tools/build_sql_corpus.py --check [-j JOBS]

A statement counts as valid SQLite when Python's sqlite3 can prepare it (as `EXPLAIN <stmt>`,
so nothing runs) against an in-memory database. Missing tables, columns, databases,
functions and collations are created and the statement is prepared again, so that an error
SQLite raises while parsing (for example "no such table" in ALTER TABLE ... ADD COLUMN)
cannot hide a syntax error further on. Errors left after that are schema errors (no such
column, ambiguous column name, ...), which SQLite raises only after the whole statement
parsed; those count as valid. "syntax error", "incomplete input", "unrecognized token" and
the few checks SQLite's parser makes itself (see PARSER_ERRORS in sql_corpus_sqlite.py)
count as invalid.

Corpus format: statements separated by a line that is exactly `-- ;;`; a statement may span
lines and has no trailing `;`. Split on that line and strip; there are no empty entries.

`--ident-regex` prints the IDENT regex of grammars/sql.lark; `--check` verifies the grammar
holds exactly that regex.
"""

from __future__ import annotations

import argparse
import collections
import fnmatch
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sql_corpus_extract import extract, normalized, shape
from sql_corpus_ident import grammar_ident_regex, ident_regex
from sql_corpus_sources import DROPPED, SOURCES, Source, read_archive
from sql_corpus_sqlite import sqlite_accepts, sqlite_status, sqlite_syntax_error

REPO = Path(__file__).resolve().parent.parent
GRAMMAR = REPO / "grammars" / "sql.lark"
TOML_CASES = REPO / "grammars" / "sql.toml"
CORPUS_DIR = REPO / "tests" / "data" / "sql"
SEPARATOR = "-- ;;"
MAX_CHARS = 1000  # longer statements are skipped: they add parse time, not coverage
LARK_ALL_MAX_CHARS = 3000  # `build --lark` parses every valid candidate up to this length


@dataclass
class Kept:
    source: Source
    file: str
    text: str


def build(packages: Path, lark_jobs: int | None) -> None:
    """Rebuild the corpus; with lark_jobs, also parse every valid candidate with lark."""
    valid_all: list[tuple[str, str, str]] = []
    seen_text: set[str] = set()
    seen_shape: set[str] = set()
    kept: list[Kept] = []
    per_file: dict[tuple[str, str], collections.Counter] = collections.defaultdict(
        collections.Counter
    )
    dropped_seen: list[tuple[str, str, str]] = []
    for src in SOURCES:
        path = packages / src.archive
        if not path.exists():
            raise SystemExit(f"missing {path}: download it first (see the docstring)")
        files = read_archive(path)
        chosen: dict[str, str] = {}  # file -> extractor, in the order of src.files
        for pattern, kind in src.files:
            for name in sorted(files):
                if fnmatch.fnmatch(name, pattern) and not any(
                    fnmatch.fnmatch(name, x) for x in src.exclude
                ):
                    chosen.setdefault(name, kind)
        for name, kind in chosen.items():
            text = files[name].decode("utf-8", errors="replace")
            counter = per_file[(src.key, name)]
            cap = min([n for pat, n in src.cap.items() if fnmatch.fnmatch(name, pat)], default=None)
            for stmt in extract(kind, text):
                stmt = stmt.strip().rstrip(";").strip()
                counter["candidates"] += 1
                key = normalized(stmt)
                if key in seen_text:
                    counter["duplicate"] += 1
                    continue
                seen_text.add(key)
                if len(stmt) > LARK_ALL_MAX_CHARS:
                    counter["too long"] += 1
                    continue
                status, _ = sqlite_status(stmt)
                if status not in ("ok", "schema"):
                    counter["not SQLite"] += 1
                    continue
                valid_all.append((src.key, name, stmt))
                if len(stmt) > MAX_CHARS or any(
                    line.strip() == SEPARATOR for line in stmt.splitlines()
                ):
                    counter["too long"] += 1
                    continue
                if key in DROPPED:
                    counter["dropped"] += 1
                    dropped_seen.append((src.key, name, stmt))
                    continue
                if cap is not None and counter["kept"] >= cap:
                    counter["over the cap"] += 1
                    continue
                sh = shape(stmt)
                if sh in seen_shape:
                    counter["same shape"] += 1
                    continue
                seen_shape.add(sh)
                counter["kept"] += 1
                kept.append(Kept(src, name, stmt))
    CORPUS_DIR.mkdir(parents=True, exist_ok=True)
    for old in CORPUS_DIR.glob("*.sql"):
        old.unlink()
    for src in SOURCES:
        stmts = [k.text for k in kept if k.source is src]
        if stmts:
            body = ("\n" + SEPARATOR + "\n").join(stmts) + "\n" + SEPARATOR + "\n"
            (CORPUS_DIR / f"{src.key}.sql").write_text(body, encoding="utf-8")
    lark_report: list[str] = []
    if lark_jobs is not None:
        print(f"parsing {len(valid_all)} valid candidates with lark ...")
        texts = [v[2] for v in valid_all]
        if lark_jobs > 1:
            with ProcessPoolExecutor(lark_jobs) as pool:
                results = list(pool.map(lark_accepts, texts, chunksize=4))
        else:
            results = [lark_accepts(t) for t in texts]
        rejected = [(v, r[2]) for v, r in zip(valid_all, results, strict=True) if not r[0]]
        lark_report.append(
            f"When the corpus was built, all {len(valid_all)} candidates SQLite accepted (up to"
            f" {LARK_ALL_MAX_CHARS} characters, kept or not) were parsed with the grammar too:"
            f" {len(rejected)} rejected."
        )
        for (key, name, stmt), err in rejected:
            lark_report.append(f"* `{key}` `{name}`: `{' '.join(stmt.split())[:160]}` ({err})")
        print(lark_report[0])
    write_provenance(kept, per_file, dropped_seen, lark_report)
    print(f"kept {len(kept)} statements")
    for src in SOURCES:
        print(f"  {src.key}: {sum(1 for k in kept if k.source is src)}")


def write_provenance(
    kept: list[Kept], per_file: dict, dropped_seen: list, lark_report: list[str]
) -> None:
    lines = [
        "# SQLite statement corpus",
        "",
        "Real SQLite statements for `grammars/sql.lark`, taken from openly licensed packages and",
        "rebuilt by `tools/build_sql_corpus.py` (its docstring has the download commands).",
        "`python tools/build_sql_corpus.py --check` re-validates every statement against SQLite",
        "(Python's sqlite3) and lark (Earley, `dynamic_complete`), and checks `grammars/sql.toml`.",
        "",
        "## Format",
        "",
        "One `.sql` file per source. Statements are separated by a line that is exactly `-- ;;`;",
        "a statement may span lines, keeps its inner comments and has no trailing `;`. To read:",
        "split the file on that line, strip each piece, skip empty pieces.",
        "",
        "## How statements were chosen",
        "",
        "* Candidates: SQL files and `<pre>` blocks as they are; string literals of Python files",
        "  that start with a statement keyword (scripts split into statements with",
        "  `sqlite3.complete_statement`); reStructuredText code blocks, also in docstrings.",
        "  Leading comments are removed, inner ones kept.",
        f"* Skipped: statements over {MAX_CHARS} characters, exact duplicates (whitespace and case",
        "  folded) and statements whose *shape* (names and literals blanked out) was already kept,",
        "  so the corpus has variety rather than thousands of similar INSERTs.",
        "* Valid means SQLite 3.40.1 (Python's sqlite3) prepares `EXPLAIN <stmt>` in an in-memory",
        "  database, after creating whatever tables, columns, attached databases, functions and",
        "  collations it reports missing. Remaining schema errors (ambiguous column, no such",
        "  column without a FROM, wrong number of arguments, ...) are raised after parsing and",
        "  count as valid; syntax errors, incomplete input, unrecognized tokens and the errors",
        "  SQLite's parser raises itself (ORDER BY before UNION, unknown join type, ...) do not.",
        "* Sources are processed in the order of the table; sqlglot, the biggest and least",
        "  SQLite-specific, comes last.",
        "",
        "## Sources",
        "",
        "| corpus file | package | version | from | license | statements |",
        "|---|---|---|---|---|---|",
    ]
    for src in SOURCES:
        n = sum(1 for k in kept if k.source is src)
        where = f"{src.origin}: `{src.archive}`"
        lines.append(
            f"| `{src.key}.sql` | {src.package} | {src.version} | {where} | {src.license} | {n} |"
        )
    lines.append(f"| **total** | | | | | **{len(kept)}** |")
    lines += [
        "",
        "## Per source file",
        "",
        "`kept` statements came from the file; the other columns count candidates left out.",
        "",
        "| corpus file | file in the package | kept | not SQLite | duplicate | same shape"
        " | too long | over the cap |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (key, name), c in per_file.items():
        if c["candidates"] == 0:
            continue
        cells = [c[k] for k in ("kept", "not SQLite", "duplicate", "same shape", "too long")]
        cells.append(c["over the cap"])
        lines.append(f"| `{key}.sql` | `{name}` | " + " | ".join(map(str, cells)) + " |")
    lines += ["", "## Dropped although SQLite accepts them", ""]
    if dropped_seen:
        for key, name, stmt in dropped_seen:
            short = " ".join(stmt.split())[:160]
            lines.append(f"* `{key}` `{name}`: `{short}` — {DROPPED[normalized(stmt)]}")
    else:
        lines.append("None.")
    if lark_report:
        lines += ["", *lark_report]
    lines.append("")
    (CORPUS_DIR / "PROVENANCE.md").write_text("\n".join(lines), encoding="utf-8")


# ----------------------------------------------------------------------------- check

_PARSER = None


def _lark_parser():
    global _PARSER
    if _PARSER is None:
        import lark

        _PARSER = lark.Lark(
            GRAMMAR.read_text(encoding="utf-8"), parser="earley", lexer="dynamic_complete"
        )
    return _PARSER


def lark_accepts(text: str) -> tuple[bool, float, str]:
    import lark

    parser = _lark_parser()
    t = time.perf_counter()
    try:
        parser.parse(text)
        return True, time.perf_counter() - t, ""
    except lark.exceptions.LarkError as e:
        return False, time.perf_counter() - t, str(e).splitlines()[0][:200]
    except RuntimeError as e:
        # lark 1.3 raises this after finding complete parses along two %ignore paths
        if "multiple start symbol items" in str(e):
            return True, time.perf_counter() - t, ""
        raise


def read_corpus() -> list[tuple[str, str]]:
    out = []
    for path in sorted(CORPUS_DIR.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        for piece in re.split(r"^-- ;;$", text, flags=re.M):
            if piece.strip():
                out.append((path.name, piece.strip()))
    return out


def _check_corpus_item(item: tuple[str, str]) -> tuple[str, str, bool, float, str, str]:
    name, stmt = item
    ok, dt, err = lark_accepts(stmt)
    status, msg = sqlite_status(stmt)
    return name, stmt, ok, dt, err, status if status in ("ok", "schema") else f"{status}: {msg}"


def _check_case(item: tuple[str, int, str]) -> tuple[str, int, str, bool, float, str, bool, str]:
    kind, idx, text = item
    ok, dt, err = lark_accepts(text)
    if kind == "accept":
        s_ok, s_msg = sqlite_accepts(text)
    else:
        s_ok, s_msg = sqlite_syntax_error(text)
    return kind, idx, text, ok, dt, err, s_ok, s_msg


def check(jobs: int) -> int:
    failures = 0
    grammar = GRAMMAR.read_text(encoding="utf-8")
    if grammar_ident_regex(grammar) != ident_regex():
        print("FAIL: IDENT in grammars/sql.lark differs from ident_regex(); paste --ident-regex")
        failures += 1
    corpus = read_corpus()
    cases = tomllib.loads(TOML_CASES.read_text(encoding="utf-8"))
    items = [("accept", i, c["text"]) for i, c in enumerate(cases.get("accept", []))]
    items += [("reject", i, c["text"]) for i, c in enumerate(cases.get("reject", []))]

    t0 = time.perf_counter()
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            corpus_res = list(pool.map(_check_corpus_item, corpus, chunksize=8))
            case_res = list(pool.map(_check_case, items, chunksize=8))
    else:
        corpus_res = [_check_corpus_item(x) for x in corpus]
        case_res = [_check_case(x) for x in items]
    wall = time.perf_counter() - t0

    per_file: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    lark_total, slowest = 0.0, (0.0, "")
    for name, stmt, ok, dt, err, status in corpus_res:
        c = per_file[name]
        c["statements"] += 1
        lark_total += dt
        slowest = max(slowest, (dt, stmt))
        if not ok:
            failures += 1
            print(f"FAIL lark rejects {name}: {' '.join(stmt.split())[:200]}\n    {err}")
        if status not in ("ok", "schema"):
            failures += 1
            print(f"FAIL sqlite rejects {name}: {' '.join(stmt.split())[:200]}\n    {status}")
    print("corpus (tests/data/sql):")
    for name in sorted(per_file):
        print(f"  {name:20} {per_file[name]['statements']:5d} statements")
    print(f"  {'total':20} {len(corpus):5d} statements")
    print(
        f"  lark parse time: {lark_total:.1f} s in all, "
        f"{lark_total / max(len(corpus), 1) * 1000:.0f} ms mean, "
        f"slowest {slowest[0]:.2f} s ({len(slowest[1])} chars)"
    )

    counts = collections.Counter()
    for kind, idx, text, ok, _dt, err, s_ok, s_msg in case_res:
        counts[kind] += 1
        label = f"[[{kind}]] #{idx + 1}: {' '.join(text.split())[:120]!r}"
        if kind == "accept":
            if not ok:
                failures += 1
                print(f"FAIL lark rejects {label}\n    {err}")
            if not s_ok:
                failures += 1
                print(f"FAIL sqlite rejects {label}\n    {s_msg}")
        else:
            if ok:
                failures += 1
                print(f"FAIL lark accepts {label}")
            if not s_ok:
                failures += 1
                print(f"FAIL sqlite gives no syntax error for {label}\n    {s_msg}")
    print(f"grammars/sql.toml: {counts['accept']} accept, {counts['reject']} reject cases")
    print(f"checked in {wall:.1f} s wall; {'OK' if not failures else f'{failures} FAILURES'}")
    return 1 if failures else 0


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("packages", nargs="?", type=Path, help="folder holding the downloaded archives")
    ap.add_argument("--check", action="store_true", help="re-validate corpus and sql.toml")
    ap.add_argument("--ident-regex", action="store_true", help="print the IDENT regex")
    ap.add_argument("--lark", action="store_true", help="build: parse every valid candidate")
    ap.add_argument("-j", "--jobs", type=int, default=1, help="worker processes for lark")
    args = ap.parse_args()
    if args.ident_regex:
        print(ident_regex().replace("/", "\\/"))
        return 0
    if args.check:
        return check(args.jobs)
    if args.packages is None:
        ap.error("give the packages folder, or --check")
    build(args.packages, args.jobs if args.lark else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
