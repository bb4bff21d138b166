"""Schema-aware SQL grammars for applications.

:func:`grammar_for_sqlite` reads a live SQLite database (tables, columns with
their type affinity, foreign keys) and writes a Lark grammar of statements
over it: SELECT (columns, WHERE, GROUP BY with aggregates, ORDER BY, LIMIT,
and joins along foreign keys), INSERT, UPDATE and DELETE. Only the
database's tables and columns can be named, each column only with its own
table, and every literal is typed by its column's affinity (numbers for
INTEGER / REAL / NUMERIC columns, quoted text for TEXT, `x'..'` for BLOB;
NULL where the column allows it). The statements are a sublanguage of
SQLite's (`grammars/sql.lark`): keywords, string and number literals are
written as that grammar writes them, with exactly one space between words,
so no statement depends on whitespace or can loop on it. Every part is
bounded (column lists by the table's width, WHERE by `MAX_CONDS` conditions,
literals in length), so generation always reaches the end of a statement.

``grammar_for_sqlite(db, check=True)`` adds what the grammar cannot say: a
complete statement must also compile on the database (``EXPLAIN``, which
prepares a statement without running it). The result is a
:class:`corral.Constraint`, sampled exactly by ``corral.generate(...,
sampler="awrs")`` and :func:`corral.smc`.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, overload

from corral._core import Grammar
from corral.sampling import Constraint

__all__ = ["example_database", "grammar_for_sqlite", "sqlite_grammar_text"]

# SQLite's keywords (https://sqlite.org/lang_keywords.html): a name equal to
# one, or not a plain identifier, is written quoted.
_KEYWORDS = frozenset(
    """ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT BEFORE
    BEGIN BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE
    CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT DEFERRABLE
    DEFERRED DELETE DESC DETACH DISTINCT DO DROP EACH ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE
    EXISTS EXPLAIN FAIL FILTER FIRST FOLLOWING FOR FOREIGN FROM FULL GENERATED GLOB GROUP
    GROUPS HAVING IF IGNORE IMMEDIATE IN INDEX INDEXED INITIALLY INNER INSERT INSTEAD
    INTERSECT INTO IS ISNULL JOIN KEY LAST LEFT LIKE LIMIT MATCH MATERIALIZED NATURAL NO NOT
    NOTHING NOTNULL NULL NULLS OF OFFSET ON OR ORDER OTHERS OUTER OVER PARTITION PLAN PRAGMA
    PRECEDING PRIMARY QUERY RAISE RANGE RECURSIVE REFERENCES REGEXP REINDEX RELEASE RENAME
    REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW ROWS SAVEPOINT SELECT SET TABLE TEMP
    TEMPORARY THEN TIES TO TRANSACTION TRIGGER UNBOUNDED UNION UNIQUE UPDATE USING VACUUM
    VALUES VIEW VIRTUAL WHEN WHERE WINDOW WITH WITHOUT TRUE FALSE""".split()  # noqa: SIM905
)

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# Most conditions in one WHERE clause: every part of a statement is bounded,
# so generation always reaches its end.
MAX_CONDS = 8

# Literals, as grammars/sql.lark's STRING / NUMBER / BLOB write them, bounded
# in length so that a model always reaches the end of one.
_TERMINALS = r"""
INT: /-?(?:0|[1-9][0-9]{0,17})/
NUM: /-?(?:0|[1-9][0-9]{0,17})(?:\.[0-9]{1,12})?/
TEXT: /'(?:[^'\x00-\x1f]|''){0,100}'/
BLOB: /[xX]'(?:[0-9a-fA-F][0-9a-fA-F]){0,64}'/
LIMIT_N: /[1-9][0-9]{0,5}/
"""


@dataclass
class _Column:
    name: str
    affinity: str  # INTEGER, REAL, NUMERIC, TEXT, BLOB
    nullable: bool


@dataclass
class _Table:
    name: str
    columns: list[_Column]
    foreign: list[tuple[str, str, str]]  # (column, other table, other column)


def _affinity(decl: str) -> str:
    """SQLite's rules for a declared type's affinity (section 3.1 of
    https://sqlite.org/datatype3.html)."""
    t = decl.upper()
    if "INT" in t:
        return "INTEGER"
    if "CHAR" in t or "CLOB" in t or "TEXT" in t:
        return "TEXT"
    if "BLOB" in t or not t:
        return "BLOB"
    if "REAL" in t or "FLOA" in t or "DOUB" in t:
        return "REAL"
    return "NUMERIC"


def _ident(name: str) -> str:
    """The SQL spelling of a name."""
    if _PLAIN.match(name) and name.upper() not in _KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def _keywords_ascii(text: str) -> str:
    """Rewrites the case-insensitive literals ("select "i) of a grammar text as
    their upper-case and lower-case spellings: Unicode case folding would let
    the long s (U+017F) stand for `s` and the Kelvin sign for `k`, which
    SQLite does not read, and mixed case (`SeLeCt`) is noise a model need not
    choose between."""

    out = []
    i = 0
    while i < len(text):
        if text[i] != '"':
            out.append(text[i])
            i += 1
            continue
        j = i + 1
        while text[j] != '"':
            j += 2 if text[j] == "\\" else 1
        if text[j + 1 : j + 2] != "i":
            out.append(text[i : j + 1])
            i = j + 1
            continue
        word = text[i + 1 : j]
        forms = dict.fromkeys([word.upper(), word.lower()])
        alts = "|".join(re.escape(f).replace("/", "\\/") for f in forms)
        out.append(f"/(?:{alts})/")
        i = j + 2
    return "".join(out)


def _more(item: str, k: int) -> str:
    """Up to `k` more of `item`, comma-separated (Lark text)."""
    return f'(", " {item}) ~ 0..{k}' if k > 0 else ""


def _lit(s: str) -> str:
    """A Lark string literal of `s`."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _read(conn: sqlite3.Connection) -> list[_Table]:
    tables = []
    rows = conn.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    for (name,) in rows:
        q = _ident(name)
        cols = [
            _Column(c[1], _affinity(c[2] or ""), not c[3] and not c[5])
            for c in conn.execute(f"PRAGMA table_info({q})").fetchall()
        ]
        if not cols:
            continue
        fks = [
            (f[3], f[2], f[4])
            for f in conn.execute(f"PRAGMA foreign_key_list({q})").fetchall()
            if f[4] is not None
        ]
        tables.append(_Table(name, cols, fks))
    return tables


def sqlite_grammar_text(db: str | Path | sqlite3.Connection) -> str:
    """The Lark text of :func:`grammar_for_sqlite`'s grammar."""
    if isinstance(db, sqlite3.Connection):
        tables = _read(db)
    else:
        path = Path(db)
        if not path.exists():
            raise FileNotFoundError(f"no SQLite database at {path}")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = _read(conn)
        finally:
            conn.close()
    if not tables:
        raise ValueError("the database has no tables")
    by_name = {t.name: t for t in tables}
    out = [
        "// Statements over one SQLite database, written by corral.sql.grammar_for_sqlite.",
        'start: stmt ";"?',
        "stmt: " + " | ".join(f"stmt_{i}" for i in range(len(tables))),
    ]
    lit_rule = {"INTEGER": "INT", "REAL": "NUM", "NUMERIC": "NUM", "TEXT": "TEXT", "BLOB": "BLOB"}
    for i, t in enumerate(tables):
        tn = _lit(_ident(t.name))
        n = len(t.columns)
        out.append(
            f"stmt_{i}: select_{i} | count_{i} | group_{i} | insert_{i} | update_{i} | delete_{i}"
        )
        # Columns, and each column's literal.
        for j, c in enumerate(t.columns):
            lit = lit_rule[c.affinity]
            if c.nullable:
                lit += ' | "NULL"i'
            out.append(f"col_{i}_{j}: {_lit(_ident(c.name))}")
            out.append(f"val_{i}_{j}: {lit}")
        cols = " | ".join(f"col_{i}_{j}" for j in range(len(t.columns)))
        out.append(f"col_{i}: {cols}")
        nums = [j for j, c in enumerate(t.columns) if c.affinity in ("INTEGER", "REAL", "NUMERIC")]
        # A condition on one column, with a literal of its type.
        conds = []
        for j, c in enumerate(t.columns):
            ops = '("=" | "!=" | "<" | "<=" | ">" | ">=")'
            if c.affinity == "TEXT":
                ops = '("=" | "!=" | " LIKE "i)'
            elif c.affinity == "BLOB":
                ops = '("=" | "!=")'
            conds.append(f"col_{i}_{j} {ops} val_{i}_{j}")
            conds.append(f'col_{i}_{j} " IS "i ("NOT "i)? "NULL"i')
        out.append(f"cond_{i}: " + "\n    | ".join(conds))
        more = f'((" AND "i | " OR "i) cond_{i}) ~ 0..{MAX_CONDS - 1}'
        out.append(f'where_{i}: " WHERE "i cond_{i} {more}')
        out.append(f'order_{i}: " ORDER BY "i col_{i} (" ASC"i | " DESC"i)?')
        out.append(f'limit_{i}: " LIMIT "i LIMIT_N')
        out.append(
            f'select_{i}: "SELECT "i ("*" | col_{i} {_more(f"col_{i}", n - 1)}) " FROM "i {tn} '
            f"where_{i}? order_{i}? limit_{i}?"
        )
        agg = '"COUNT(*)"i'
        if nums:
            num_cols = " | ".join(f"col_{i}_{j}" for j in nums)
            agg += f' | ("SUM"i | "AVG"i | "MIN"i | "MAX"i) "(" ({num_cols}) ")"'
        out.append(f'count_{i}: "SELECT "i ({agg}) " FROM "i {tn} where_{i}?')
        out.append(
            f'group_{i}: "SELECT "i col_{i} ", " ({agg}) " FROM "i {tn} where_{i}? '
            f'" GROUP BY "i col_{i} order_{i}? limit_{i}?'
        )
        # INSERT: every column, in table order.
        names = ", ".join(_ident(c.name) for c in t.columns)
        vals = ' ", " '.join(f"val_{i}_{j}" for j in range(len(t.columns)))
        cols_lit = _lit(" (" + names + ")")
        out.append(f'insert_{i}: "INSERT INTO "i {tn} {cols_lit} " VALUES "i "(" {vals} ")"')
        sets = " | ".join(f'col_{i}_{j} " = " val_{i}_{j}' for j in range(len(t.columns)))
        out.append(f"set_{i}: {sets}")
        out.append(
            f'update_{i}: "UPDATE "i {tn} " SET "i set_{i} {_more(f"set_{i}", n - 1)} where_{i}?'
        )
        out.append(f'delete_{i}: "DELETE FROM "i {tn} where_{i}?')
    # Joins along foreign keys: qualified columns of both tables.
    joins: list[str] = []
    for i, t in enumerate(tables):
        for col, other, ocol in t.foreign:
            o = by_name.get(other)
            if o is None or not any(c.name == ocol for c in o.columns):
                continue
            k = tables.index(o)
            name = f"join_{i}_{k}_{len(joins)}"
            ta, tb = _ident(t.name), _ident(o.name)
            qa = " | ".join(_lit(f"{ta}.{_ident(c.name)}") for c in t.columns)
            qb = " | ".join(_lit(f"{tb}.{_ident(c.name)}") for c in o.columns)
            on = f" FROM {ta} JOIN {tb} ON {ta}.{_ident(col)} = {tb}.{_ident(ocol)}"
            width = len(t.columns) + len(o.columns)
            out.append(f"{name}_col: {qa} | {qb}")
            out.append(
                f'{name}: "SELECT "i {name}_col {_more(f"{name}_col", width - 1)} {_lit(on)} '
                f'(" WHERE "i {name}_cond)? (" LIMIT "i LIMIT_N)?'
            )
            conds = []
            for j, c in enumerate(t.columns):
                conds.append(f'{_lit(f"{ta}.{_ident(c.name)}")} "=" val_{i}_{j}')
            for j, c in enumerate(o.columns):
                conds.append(f'{_lit(f"{tb}.{_ident(c.name)}")} "=" val_{k}_{j}')
            out.append(f"{name}_cond: " + " | ".join(conds))
            joins.append(name)
    if joins:
        out[2] += " | " + " | ".join(joins)
    out.append(_TERMINALS)
    return _keywords_ascii("\n".join(out) + "\n")


@overload
def grammar_for_sqlite(
    db: str | Path | sqlite3.Connection,
    *,
    whitespace_limit: int | None = 24,
    check: Literal[False] = False,
) -> Grammar: ...


@overload
def grammar_for_sqlite(
    db: str | Path | sqlite3.Connection,
    *,
    whitespace_limit: int | None = 24,
    check: Literal[True],
) -> Constraint: ...


def grammar_for_sqlite(
    db: str | Path | sqlite3.Connection,
    *,
    whitespace_limit: int | None = 24,
    check: bool = False,
) -> Grammar | Constraint:
    """A grammar of statements over the SQLite database at `db` (a path, or an
    open connection): only its tables and columns, literals typed by column
    affinity. See the module's documentation. The statements ignore no
    whitespace; `whitespace_limit` is recorded in the grammar (see
    :meth:`Grammar.from_lark`).

    `check=True` returns a :class:`corral.Constraint` instead: the grammar,
    and a check that a complete statement passes ``EXPLAIN`` on the
    database (a path is opened read-only, once)."""
    grammar = Grammar.from_lark(sqlite_grammar_text(db), whitespace_limit=whitespace_limit)
    if not check:
        return grammar
    if isinstance(db, sqlite3.Connection):
        conn = db
    else:
        conn = sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)
    return Constraint(grammar, _explains(conn), name="SQL checked by EXPLAIN")


def _explains(conn: sqlite3.Connection) -> Callable[[bytes, bool], bool]:
    def check(prefix: bytes, complete: bool) -> bool:
        if not complete:
            return True
        try:
            conn.execute("EXPLAIN " + prefix.decode("utf-8"))
        except (sqlite3.Error, sqlite3.Warning, UnicodeDecodeError):
            return False
        return True

    return check


#: The example database's schema and rows (`corral example-db`).
_EXAMPLE_SQL = """
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    country TEXT
);
CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    price REAL NOT NULL,
    stock INTEGER NOT NULL
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    quantity INTEGER NOT NULL,
    ordered_at TEXT NOT NULL
);
INSERT INTO customers VALUES
    (1, 'Ann Lee', 'ann@example.com', 'NZ'),
    (2, 'Bo Chen', 'bo@example.com', 'SG'),
    (3, 'Cara Diaz', NULL, 'MX');
INSERT INTO products VALUES
    (1, 'notebook', 4.5, 120),
    (2, 'pen', 1.25, 800),
    (3, 'backpack', 39.0, 15);
INSERT INTO orders VALUES
    (1, 1, 2, 10, '2026-01-05'),
    (2, 2, 1, 3, '2026-01-06'),
    (3, 1, 3, 1, '2026-02-11'),
    (4, 3, 2, 25, '2026-03-01');
"""


def example_database(path: str | Path) -> Path:
    """Creates a small SQLite database at `path` (customers, products and
    orders, a few rows each) for trying ``corral generate --sqlite``. An
    existing file is left alone: `FileExistsError`."""
    p = Path(path)
    if p.exists():
        raise FileExistsError(f"{p} exists already; give another path or remove it")
    conn = sqlite3.connect(p)
    try:
        conn.executescript(_EXAMPLE_SQL)
        conn.commit()
    finally:
        conn.close()
    return p
