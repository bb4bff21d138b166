"""Candidate statements from the sources' files (SQL, Python string literals,
reStructuredText and HTML code blocks), and the keys that weed out duplicates.
"""

from __future__ import annotations

import ast
import html
import re
import textwrap

from sql_corpus_sqlite import split_script, strip_leading_comments

STMT_START = re.compile(
    r"(?:SELECT|WITH|INSERT|REPLACE|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|END|"
    r"ROLLBACK|SAVEPOINT|RELEASE|ATTACH|DETACH|VACUUM|ANALYZE|REINDEX|EXPLAIN|VALUES)\b",
    re.I,
)


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
