"""The IDENT regex of grammars/sql.lark: every SQLite bare identifier except the reserved
words (`python tools/build_sql_corpus.py --ident-regex` prints it, `--check` compares).
"""

from __future__ import annotations

import re

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
