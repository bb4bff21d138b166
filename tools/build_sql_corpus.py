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
the few checks SQLite's parser makes itself (see PARSER_ERRORS) count as invalid.

Corpus format: statements separated by a line that is exactly `-- ;;`; a statement may span
lines and has no trailing `;`. Split on that line and strip; there are no empty entries.

`--ident-regex` prints the IDENT regex of grammars/sql.lark; `--check` verifies the grammar
holds exactly that regex.
"""

from __future__ import annotations

import argparse
import ast
import collections
import fnmatch
import html
import io
import lzma
import re
import sqlite3
import sys
import tarfile
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parent.parent
GRAMMAR = REPO / "grammars" / "sql.lark"
TOML_CASES = REPO / "grammars" / "sql.toml"
CORPUS_DIR = REPO / "tests" / "data" / "sql"
SEPARATOR = "-- ;;"
MAX_CHARS = 1000  # longer statements are skipped: they add parse time, not coverage
LARK_ALL_MAX_CHARS = 3000  # `build --lark` parses every valid candidate up to this length

# ----------------------------------------------------------------------------- the IDENT regex

# Words SQLite never takes as a bare name (no %fallback to ID), plus the words sql.lark
# handles with their own terminals (JOIN_NAME, INDEXED_NAME, LIKE_OP, CAST_RAISE_NAME: names
# in some places, not in others). Found by preparing
# `CREATE TABLE kw(x)`, `SELECT kw FROM t`, `SELECT 1 kw`, `SELECT * FROM t kw`, ... for each
# of SQLite's 147 keywords with SQLite 3.40.
RESERVED = """
ADD ALL ALTER AND AS AUTOINCREMENT BETWEEN CASE CHECK COLLATE COMMIT CONSTRAINT CREATE
DEFAULT DEFERRABLE DELETE DISTINCT DROP ELSE ESCAPE EXCEPT EXISTS FOREIGN FROM GROUP HAVING
IN INDEX INSERT INTERSECT INTO IS ISNULL JOIN LIMIT NOT NOTHING NOTNULL NULL ON OR ORDER
PRIMARY REFERENCES RETURNING SELECT SET TABLE THEN TO TRANSACTION UNION UNIQUE UPDATE USING
VALUES WHEN WHERE
CROSS FULL INNER LEFT NATURAL OUTER RIGHT INDEXED LIKE GLOB MATCH REGEXP CAST RAISE
""".lower().split()

_HI = "\\u0080-\\U0010ffff"  # SQLite treats every non-ASCII character as an identifier char
_WORD_CHAR = "[0-9_$a-zA-Z" + _HI + "]"


def _ranges(letters: list[str]) -> str:
    parts, i = [], 0
    while i < len(letters):
        j = i
        while j + 1 < len(letters) and ord(letters[j + 1]) == ord(letters[j]) + 1:
            j += 1
        if j == i:
            parts.append(letters[i])
        elif j == i + 1:
            parts.append(letters[i] + letters[j])
        else:
            parts.append(letters[i] + "-" + letters[j])
        i = j + 1
    return "".join(parts)


def _other_chars(exclude: list[str], first: bool) -> str:
    letters = [c for c in "abcdefghijklmnopqrstuvwxyz" if c not in exclude]
    low = _ranges(letters)
    return "[" + ("_" if first else "0-9_$") + low + low.upper() + _HI + "]"


def _trie_regex(node: dict, first: bool) -> str:
    kids = sorted(k for k in node if k)
    if not kids:
        return _WORD_CHAR + "+"  # a whole reserved word: only longer words remain
    alts = [_other_chars(kids, first) + _WORD_CHAR + "*"]
    alts += ["[" + k + k.upper() + "]" + _trie_regex(node[k], False) for k in kids]
    body = "(?:" + "|".join(alts) + ")"
    return body if ("" in node or first) else body + "?"


def ident_regex() -> str:
    """Every SQLite bare identifier except RESERVED: plain classes, no flags.

    It ends with a negative lookahead for an identifier character, the one lookaround the
    grammar uses: a match must end where the word ends, so the dynamic lexer cannot read the
    front of a reserved word as a name (`FROM case` as table `c` AS `e`, `SELECT having(1)`
    as `hav IN g(1)`). Shorter readings of a non-reserved word remain possible.
    """
    trie: dict = {}
    for word in RESERVED:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(trie, True) + "(?!" + _WORD_CHAR + ")"


def grammar_ident_regex(text: str) -> str:
    m = re.search(r"^IDENT: /(.*)/$", text, re.M)
    if not m:
        raise SystemExit("grammars/sql.lark has no `IDENT: /.../` line")
    return m.group(1).replace("\\/", "/")


# ----------------------------------------------------------------------------- SQLite check

SYNTAX_ERRORS = ("syntax error", "incomplete input", "unrecognized token")
# Errors SQLite's parser actions raise while parsing: the statement is not valid SQL.
PARSER_ERRORS = (
    "should come after",  # ORDER BY/LIMIT before UNION
    "unknown join type",
    "unsupported use of NULLS",
    "may not have an ON or USING clause",
    "error in generated column",  # GENERATED ... AS (...) <not STORED/VIRTUAL>
    "unknown table option",
    "qualified table names are not allowed",
    "the INDEXED BY clause is not allowed",
    "the NOT INDEXED clause is not allowed",
    "a JOIN clause is required before",
)
_LEADING_NOISE = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.S)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_status(stmt: str) -> tuple[str, str]:
    """('ok' | 'schema' | 'syntax' | 'multi', message) for one statement."""
    conn = sqlite3.connect(":memory:")
    body = stmt[_LEADING_NOISE.match(stmt).end() :]
    prefix = "" if re.match(r"explain\b", body, re.I) else "EXPLAIN "
    tables: dict[tuple[str | None, str], str] = {}  # created object -> 'table' | 'view'
    columns = ["x"]

    def make(schema: str | None, name: str, kind: str) -> None:
        full = (schema + "." if schema else "") + _quote(name)
        conn.execute(f"DROP TABLE IF EXISTS {full}")
        conn.execute(f"DROP VIEW IF EXISTS {full}")
        cols = ", ".join(_quote(c) for c in columns)
        if kind == "view":
            conn.execute(
                f"CREATE VIEW {full} ({cols}) AS SELECT " + ", ".join("NULL" for _ in columns)
            )
        else:
            conn.execute(f"CREATE TABLE {full} ({cols})")
        tables[(schema, name)] = kind

    try:
        for _ in range(60):
            try:
                conn.execute(prefix + stmt)
                return "ok", ""
            except (sqlite3.Error, sqlite3.Warning) as e:
                msg = str(e)
            if "bindings" in msg:  # prepared fine; Python then counts the parameters
                return "ok", msg
            if "one statement at a time" in msg:
                return "multi", msg
            if any(p in msg for p in SYNTAX_ERRORS + PARSER_ERRORS):
                return "syntax", msg
            try:
                m = re.fullmatch(r"no such table: (?:(\w+)\.)?(.+)", msg)
                if m and (m.group(1), m.group(2)) not in tables:
                    schema = m.group(1)
                    if schema and schema.lower() not in ("main", "temp"):
                        known = {r[1].lower() for r in conn.execute("PRAGMA database_list")}
                        if schema.lower() not in known:
                            conn.execute(f"ATTACH ':memory:' AS {_quote(schema)}")
                    make(
                        schema if schema and schema.lower() != "main" else None, m.group(2), "table"
                    )
                    continue
                m = re.fullmatch(r"unknown database (.+)", msg)
                if m:
                    name = m.group(1)
                    if name[:1] in "\"'`[" and len(name) > 1:
                        name = name[1:-1]
                    conn.execute(f"ATTACH ':memory:' AS {_quote(name)}")
                    continue
                m = re.fullmatch(r"object name reserved for internal use: (.+)", msg)
                if m and m.group(1).lower().startswith("sqlite_"):
                    # CREATE TABLE sqlite_stat1(...) stops SQLite before the column list:
                    # check the same text with another name
                    stmt = re.sub(
                        re.escape(m.group(1)), "x" + m.group(1), stmt, count=1, flags=re.I
                    )
                    continue
                m = re.fullmatch(r"no such column: (?:.*\.)?(.+)", msg)
                if m and tables and m.group(1) not in columns:
                    columns.append(m.group(1))
                    for (schema, name), kind in list(tables.items()):
                        make(schema, name, kind)
                    continue
                m = re.fullmatch(
                    r"cannot create INSTEAD OF trigger on table: (?:(\w+)\.)?(.+)", msg
                )
                if m and tables.get((m.group(1), m.group(2))) == "table":
                    make(m.group(1), m.group(2), "view")
                    continue
                m = re.fullmatch(
                    r"cannot create (?:BEFORE|AFTER) trigger on view: (?:(\w+)\.)?(.+)", msg
                )
                if m and tables.get((m.group(1), m.group(2))) == "view":
                    make(m.group(1), m.group(2), "table")
                    continue
                m = re.fullmatch(r"no such function: (.+)", msg)
                if m:
                    conn.create_function(m.group(1), -1, lambda *a: None)
                    continue
                m = re.fullmatch(r"no such collation sequence: (.+)", msg)
                if m:
                    conn.create_collation(m.group(1), lambda a, b: 0)
                    continue
            except sqlite3.Error as e2:
                return "schema", msg + " / " + str(e2)
            return "schema", msg
        return "schema", msg
    finally:
        conn.close()


def sqlite_accepts(text: str) -> tuple[bool, str]:
    """Whether SQLite parses `text` (one or more statements)."""
    stmts = split_script(text)
    if not stmts:
        return False, "no statement"
    for s in stmts:
        status, msg = sqlite_status(s)
        if status not in ("ok", "schema"):
            return False, msg
    return True, ""


def sqlite_syntax_error(text: str) -> tuple[bool, str]:
    """Whether SQLite rejects `text` with a syntax error or incomplete input."""
    for s in split_script(text, keep_incomplete=True) or [text]:
        status, msg = sqlite_status(s)
        if status == "syntax" and any(p in msg for p in SYNTAX_ERRORS):
            return True, msg
        if status == "multi":
            return False, msg
    return False, "sqlite accepted it"


# ----------------------------------------------------------------------------- extraction

STMT_START = re.compile(
    r"(?:SELECT|WITH|INSERT|REPLACE|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|END|"
    r"ROLLBACK|SAVEPOINT|RELEASE|ATTACH|DETACH|VACUUM|ANALYZE|REINDEX|EXPLAIN|VALUES)\b",
    re.I,
)


def split_script(text: str, keep_incomplete: bool = True) -> list[str]:
    """Split SQL text into statements at the `;` that sqlite3 says complete one."""
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch == ";" and sqlite3.complete_statement(text[start : i + 1]):
            out.append(text[start:i])
            start = i + 1
    if keep_incomplete and text[start:].strip():
        out.append(text[start:])
    return [s.strip() for s in out if s.strip()]


def strip_leading_comments(stmt: str) -> str:
    return stmt[_LEADING_NOISE.match(stmt).end() :].strip()


def python_strings(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    return [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


_RST_BLOCK_START = re.compile(r"(::\s*$)|(^\s*\.\. (?:code-block|code|sourcecode)::)")


def rst_blocks(text: str) -> list[str]:
    """Literal blocks and code blocks of reStructuredText, dedented."""
    lines = text.splitlines()
    blocks, i = [], 0
    while i < len(lines):
        if _RST_BLOCK_START.search(lines[i]):
            indent = len(lines[i]) - len(lines[i].lstrip())
            j, body = i + 1, []
            while j < len(lines) and (
                not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > indent
            ):
                body.append(lines[j])
                j += 1
            # drop directive options such as `:caption:`
            while body and re.match(r"\s*:\w[\w-]*:", body[0]):
                body.pop(0)
            blocks.append(textwrap.dedent("\n".join(body)).strip())
            i = j
        else:
            i += 1
    return [b for b in blocks if b]


def html_pre_blocks(text: str) -> list[str]:
    blocks = re.findall(r"<pre[^>]*>(.*?)</pre>", text, re.S | re.I)
    return [html.unescape(re.sub(r"<[^>]+>", "", b)) for b in blocks]


def statements_from_text(text: str) -> list[str]:
    out = []
    for s in split_script(text):
        s = strip_leading_comments(s)
        if STMT_START.match(s):
            out.append(s)
    return out


def statements_from_python(source: str) -> list[str]:
    out = []
    for s in python_strings(source):
        if STMT_START.match(s.lstrip()):
            out += statements_from_text(s)
        elif "::" in s:  # a docstring with reStructuredText code blocks
            for block in rst_blocks(s):
                out += statements_from_block(block)
    return out


def statements_from_block(block: str) -> list[str]:
    if block.lstrip().startswith((">>>", "$", "sqlite>")):
        return []
    try:
        ast.parse(block)
    except (SyntaxError, ValueError):
        return statements_from_text(block)
    return statements_from_python(block)  # Python code: take its string literals


def extract(kind: str, text: str) -> list[str]:
    if kind == "lines":  # one statement per line (sqlglot's identity.sql)
        return [
            strip_leading_comments(line.rstrip().rstrip(";"))
            for line in text.splitlines()
            if line.strip() and not line.startswith("--") and STMT_START.match(line)
        ]
    if kind == "fixture":  # sqlglot optimizer fixtures: `# key: value` lines, then SQL
        text = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
        return statements_from_text(text)
    if kind == "sql":
        return statements_from_text(text)
    if kind == "python":
        return statements_from_python(text)
    if kind == "rst":
        out = []
        for block in rst_blocks(text):
            out += statements_from_block(block)
        return out
    if kind == "html":
        out = []
        for block in html_pre_blocks(text):
            out += statements_from_text(block)
        return out
    raise ValueError(kind)


# ----------------------------------------------------------------------------- sources


@dataclass
class Source:
    key: str  # output file: tests/data/sql/<key>.sql
    archive: str  # file name in the packages folder
    origin: str  # where the archive comes from
    package: str
    version: str
    license: str
    files: list[tuple[str, str]]  # (glob inside the archive's top folder, extractor)
    exclude: list[str] = field(default_factory=list)
    cap: dict[str, int] = field(default_factory=dict)  # glob -> most statements kept per file


SOURCES = [
    Source(
        "sqlite-doc",
        "sqlite3-doc_3.40.1-2+deb12u2_all.deb",
        "Debian bookworm (.deb)",
        "sqlite3-doc",
        "3.40.1-2+deb12u2",
        "public domain (SQLite documentation)",
        [("usr/share/doc/sqlite3/*.html", "html")],
    ),
    Source(
        "sqlite-utils",
        "sqlite_utils-4.2.1.tar.gz",
        "PyPI sdist",
        "sqlite-utils",
        "4.2.1",
        "Apache-2.0",
        [("docs/*.rst", "rst"), ("tests/*.py", "python"), ("sqlite_utils/*.py", "python")],
    ),
    Source(
        "datasette",
        "datasette-0.65.5.tar.gz",
        "PyPI sdist",
        "datasette",
        "0.65.5",
        "Apache-2.0",
        [("tests/*.py", "python"), ("datasette/*.py", "python"), ("datasette/**/*.py", "python")],
        exclude=["datasette/vendored/*"],
    ),
    Source(
        "sqlalchemy",
        "sqlalchemy-2.1.9.tar.gz",
        "PyPI sdist",
        "SQLAlchemy",
        "2.1.9",
        "MIT",
        [("test/dialect/sqlite/*.py", "python"), ("lib/sqlalchemy/dialects/sqlite/*.py", "python")],
    ),
    Source(
        "peewee",
        "peewee-4.5.3.tar.gz",
        "PyPI sdist",
        "peewee",
        "4.5.3",
        "MIT",
        [
            ("docs/**/*.rst", "rst"),
            ("peewee.py", "python"),
            ("playhouse/*.py", "python"),
            ("examples/**/*.py", "python"),
        ],
    ),
    Source(
        "dataset",
        "dataset-2.0.0.tar.gz",
        "PyPI sdist",
        "dataset",
        "2.0.0",
        "MIT",
        [("docs/*.rst", "rst"), ("test/*.py", "python"), ("dataset/*.py", "python")],
    ),
    Source(
        "sqlglot",
        "sqlglot-30.30.0.tar.gz",
        "PyPI sdist",
        "sqlglot",
        "30.30.0",
        "MIT",
        [
            ("tests/dialects/test_sqlite.py", "python"),
            ("tests/fixtures/identity.sql", "lines"),
            ("tests/fixtures/pretty.sql", "sql"),
            ("tests/fixtures/optimizer/*.sql", "fixture"),
            ("tests/fixtures/optimizer/*/*.sql", "fixture"),
        ],
        # the optimizer fixtures are machine-written variations of the same few queries
        cap={"tests/fixtures/optimizer/*": 30},
    ),
]

# Statements SQLite accepts that sql.lark leaves out on purpose (normalized text -> why).
DROPPED: dict[str, str] = {}


def read_archive(path: Path) -> dict[str, bytes]:
    """name (without the top folder for sdists) -> bytes, for every regular file."""
    files: dict[str, bytes] = {}
    if path.suffix == ".deb":
        data = path.read_bytes()
        assert data.startswith(b"!<arch>\n"), path
        pos = 8
        while pos < len(data):
            header = data[pos : pos + 60]
            name = header[:16].decode().strip().rstrip("/")
            size = int(header[48:58].decode().strip())
            member = data[pos + 60 : pos + 60 + size]
            pos += 60 + size + (size & 1)
            if name.startswith("data.tar"):
                raw = lzma.decompress(member) if name.endswith(".xz") else member
                with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
                    for m in tar.getmembers():
                        if m.isfile():
                            files[m.name.lstrip("./")] = tar.extractfile(m).read()  # type: ignore[union-attr]
        return files
    with tarfile.open(path) as tar:
        for m in tar.getmembers():
            if m.isfile():
                files[m.name.split("/", 1)[1] if "/" in m.name else m.name] = tar.extractfile(
                    m
                ).read()  # type: ignore[union-attr]
    return files


def normalized(stmt: str) -> str:
    return " ".join(stmt.split()).lower()


_SHAPE_TOKEN = re.compile(
    r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|\[[^\]]*\]|`(?:[^`]|``)*`|[xX]'[0-9a-fA-F]*'"""
    r"""|0[xX][0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?"""
    r"""|[?:@$][\w$]*|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*|--[^\n]*|/\*.*?\*/|\S""",
    re.S,
)
SQLITE_KEYWORDS = frozenset(
    """
    ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT BEFORE
    BEGIN BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT
    CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT
    DEFERRABLE DEFERRED DELETE DESC DETACH DISTINCT DO DROP EACH ELSE END ESCAPE EXCEPT
    EXCLUDE EXCLUSIVE EXISTS EXPLAIN FAIL FILTER FIRST FOLLOWING FOR FOREIGN FROM FULL
    GENERATED GLOB GROUP GROUPS HAVING IF IGNORE IMMEDIATE IN INDEX INDEXED INITIALLY INNER
    INSERT INSTEAD INTERSECT INTO IS ISNULL JOIN KEY LAST LEFT LIKE LIMIT MATCH MATERIALIZED
    NATURAL NO NOT NOTHING NOTNULL NULL NULLS OF OFFSET ON OR ORDER OTHERS OUTER OVER
    PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY RAISE RANGE RECURSIVE REFERENCES REGEXP
    REINDEX RELEASE RENAME REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW ROWS SAVEPOINT
    SELECT SET TABLE TEMP TEMPORARY THEN TIES TO TRANSACTION TRIGGER UNBOUNDED UNION UNIQUE
    UPDATE USING VACUUM VALUES VIEW VIRTUAL WHEN WHERE WINDOW WITH WITHOUT
    """.split()  # noqa: SIM905
)


def shape(stmt: str) -> str:
    """The statement with names and literals blanked out: near-duplicates share a shape."""
    out = []
    for tok in _SHAPE_TOKEN.findall(stmt):
        c = tok[0]
        if tok.startswith(("--", "/*")):
            continue
        if c == "'" or (c in "xX" and len(tok) > 1 and tok[1] == "'"):
            out.append("S")
        elif c in '"[`':
            out.append("I")
        elif c.isdigit() or (c == "." and len(tok) > 1):
            out.append("N")
        elif c in "?:@$":
            out.append("P")
        elif c.isalpha() or c == "_" or ord(c) > 127:
            out.append(tok.upper() if tok.upper() in SQLITE_KEYWORDS else "I")
        else:
            out.append(tok)
    return " ".join(out)


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
