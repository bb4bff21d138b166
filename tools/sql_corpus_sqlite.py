"""Whether SQLite parses a statement: prepared as `EXPLAIN <stmt>` against an in-memory
database, after creating whatever it reports missing (see tools/build_sql_corpus.py), and
splitting SQL text into statements.
"""

from __future__ import annotations

import re
import sqlite3

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
