"""Deterministic generator for the consume-bytes benchmark inputs.

    python benches/data/gen_inputs.py           # (re)write doc.json and script.sql here
    python benches/data/gen_inputs.py --check   # verify the stored files match the generator

- ``doc.json`` (~1 MB): one JSON document laid out like ``json.dumps(indent=2)``:
  nested objects and arrays (depth up to ~12), strings with every escape
  (``\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX``, surrogate pairs) and raw UTF-8
  (2-, 3- and 4-byte sequences), numbers of every shape the RFC allows
  (``0``, ``-0``, ``12``, ``-7.25``, ``1e9``, ``6.02E+23``, ``-3.5e-07``...),
  ``true``/``false``/``null``, empty ``{}``/``[]``.  Checked with ``json.loads``.
- ``script.sql`` (~100 KB): a SQLite script built from templates: CREATE
  TABLE/INDEX/VIEW, ALTER, DROP, transactions, INSERT (multi-row, upsert,
  INSERT ... SELECT, RETURNING), UPDATE (with subqueries, UPDATE ... FROM),
  DELETE, SELECT with joins, GROUP BY/HAVING, CTEs (incl. RECURSIVE), window
  functions (PARTITION BY, frames, named windows), compound selects, CASE,
  CAST, EXISTS, IN, BETWEEN, LIKE/GLOB, quoted identifiers, string literals
  with '' escapes and UTF-8, blob and hex literals, ``--`` and ``/* */``
  comments.  Every statement is checked with ``sqlite3``: DDL is executed (so
  later statements see the schema) and everything else is prepared via
  ``EXPLAIN``; any error fails generation.

Everything comes from ``random.Random(SEED)``, so the output is the same
byte for byte on every run and Python version >= 3.10.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
from pathlib import Path

SEED = 20251125
HERE = Path(__file__).resolve().parent
JSON_NAME = "doc.json"
SQL_NAME = "script.sql"
JSON_TARGET = 1_000_000
SQL_TARGET = 100_000

# --------------------------------------------------------------------------- JSON

_WORDS = """
alpha beta gamma delta epsilon zeta theta lambda sigma omega id name value
status created updated owner region latency payload error retry shard index
user order item price total count label kind source target weight score
"""
WORDS = _WORDS.split()
UNICODE_WORDS = [
    "café",
    "naïve",
    "Zoë",
    "façade",
    "Ångström",
    "straße",
    "Ελληνικά",
    "русский",
    "日本語",
    "東京",
    "한국어",
    "中文字符",
    "עברית",
    "العربية",
    "हिन्दी",
    "€100",
    "½ cup",
    "→ next",
    "😀",
    "🚀 launch",
    "👩\u200d💻",
    "\U0001d518\U0001d52b\U0001d526\U0001d520\U0001d52c\U0001d521\U0001d522",  # Fraktur
    "🇯🇵",
]
ESCAPE_SNIPPETS = [
    'say "hi"',
    "C:\\temp\\file.txt",
    "line1\nline2",
    "tab\tseparated",
    "cr\r\nlf",
    "bell\x07",
    "\b\f",
    "nul\x00byte",
    "esc\x1b[0m",
    "unit\x1f",
    "</script>",
    "https://example.com/a/b?c=d&e=f",
]


class Num:
    """A JSON number kept as its exact source text."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _number(rng: random.Random) -> Num:
    shape = rng.randrange(12)
    sign = "-" if rng.random() < 0.3 else ""
    if shape == 0:
        return Num(rng.choice(["0", "-0", "0.0", "-0.0", "0e0", "0E-0"]))
    if shape in (1, 2, 3):
        return Num(sign + str(rng.randrange(1, 10 ** rng.randrange(1, 10))))
    if shape == 4:
        return Num(sign + str(rng.randrange(10**15, 10**19)))
    if shape in (5, 6, 7):
        whole = str(rng.randrange(0, 10 ** rng.randrange(1, 6)))
        frac = str(rng.randrange(0, 10 ** rng.randrange(1, 8))).zfill(rng.randrange(1, 4))
        return Num(f"{sign}{whole}.{frac}")
    if shape == 8:
        return Num(repr(rng.uniform(-1e6, 1e6)))
    mant = str(rng.randrange(1, 10))
    if rng.random() < 0.6:
        mant += "." + str(rng.randrange(0, 10**6))
    e = rng.choice("eE")
    esign = rng.choice(["", "+", "-"])
    return Num(f"{sign}{mant}{e}{esign}{rng.randrange(0, 310)}")


def _string(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randrange(1, 6)))
    if r < 0.65:
        return rng.choice(UNICODE_WORDS) + " " + rng.choice(WORDS)
    if r < 0.8:
        return rng.choice(ESCAPE_SNIPPETS)
    if r < 0.9:
        return f"{rng.choice(WORDS)}-{rng.randrange(16**8):08x}-{rng.randrange(16**4):04x}"
    n = rng.randrange(40, 240)
    return " ".join(rng.choice(WORDS + UNICODE_WORDS) for _ in range(n // 6))


def _key(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.8:
        return rng.choice(WORDS) + ("_" + rng.choice(WORDS) if rng.random() < 0.4 else "")
    if r < 0.9:
        return rng.choice(UNICODE_WORDS)
    return rng.choice(ESCAPE_SNIPPETS[:4])


def _value(rng: random.Random, depth: int) -> object:
    r = rng.random()
    container = 0.55 if depth < 4 else (0.3 if depth < 12 else 0.0)
    if r < container:
        if rng.random() < 0.55:
            return {_key(rng): _value(rng, depth + 1) for _ in range(rng.randrange(0, 8))}
        return [_value(rng, depth + 1) for _ in range(rng.randrange(0, 8))]
    r = rng.random()
    if r < 0.45:
        return _string(rng)
    if r < 0.85:
        return _number(rng)
    return rng.choice([True, False, None])


def _encode_str(s: str, rng: random.Random) -> str:
    # Mix raw UTF-8 and \uXXXX escapes (with surrogate pairs), and sometimes \/.
    out = json.dumps(s, ensure_ascii=rng.random() < 0.3)
    if "/" in out and rng.random() < 0.5:
        out = out.replace("/", "\\/")
    return out


def _emit(v: object, rng: random.Random, level: int, out: list[str]) -> None:
    ind = "  " * level
    if isinstance(v, dict):
        if not v:
            out.append("{}")
            return
        out.append("{")
        for i, (k, x) in enumerate(v.items()):
            out.append(("," if i else "") + "\n" + ind + "  " + _encode_str(k, rng) + ": ")
            _emit(x, rng, level + 1, out)
        out.append("\n" + ind + "}")
    elif isinstance(v, list):
        if not v:
            out.append("[]")
            return
        out.append("[")
        for i, x in enumerate(v):
            out.append(("," if i else "") + "\n" + ind + "  ")
            _emit(x, rng, level + 1, out)
        out.append("\n" + ind + "]")
    elif isinstance(v, Num):
        out.append(v.text)
    elif isinstance(v, str):
        out.append(_encode_str(v, rng))
    else:
        out.append(json.dumps(v))


def make_json(target: int = JSON_TARGET, seed: int = SEED) -> bytes:
    """A JSON document of about `target` bytes (a top-level object of records)."""
    rng = random.Random(seed)
    out: list[str] = ['{\n  "generator": "corral benches/data/gen_inputs.py",\n  "records": [']
    size = len(out[0])
    i = 0
    while size < target:
        rec: dict[str, object] = {
            "id": Num(str(i)),
            "name": _string(rng),
            "tags": [_string(rng) for _ in range(rng.randrange(0, 4))],
            "metrics": {_key(rng): _number(rng) for _ in range(rng.randrange(1, 6))},
            "active": rng.random() < 0.5,
            "parent": None if rng.random() < 0.3 else Num(str(rng.randrange(i + 1))),
            "data": _value(rng, 2),
        }
        part: list[str] = [("," if i else "") + "\n    "]
        _emit(rec, rng, 2, part)
        chunk = "".join(part)
        out.append(chunk)
        size += len(chunk.encode())
        i += 1
    out.append('\n  ],\n  "count": ' + str(i) + "\n}\n")
    data = "".join(out).encode()
    json.loads(data)  # raises if the generator ever emits invalid JSON
    return data


# --------------------------------------------------------------------------- SQL

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL DEFAULT '',
  country CHAR(2),
  created_at TEXT NOT NULL DEFAULT (datetime('now')),
  score REAL DEFAULT 0.0 CHECK (score >= 0),
  is_admin BOOLEAN NOT NULL DEFAULT FALSE
)""",
    """CREATE TABLE categories (
  id INTEGER PRIMARY KEY,
  parent_id INTEGER REFERENCES categories(id) ON DELETE SET NULL,
  title VARCHAR(80) NOT NULL
)""",
    """CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  sku TEXT NOT NULL,
  category_id INTEGER NOT NULL,
  title TEXT NOT NULL,
  price NUMERIC(10, 2) NOT NULL CHECK (price > 0),
  stock INT DEFAULT 0,
  image BLOB,
  CONSTRAINT uq_sku UNIQUE (sku),
  FOREIGN KEY (category_id) REFERENCES categories (id) ON DELETE CASCADE ON UPDATE NO ACTION
)""",
    """CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'paid', 'shipped', 'cancelled')),
  total REAL,
  placed_at TEXT,
  note TEXT
)""",
    """CREATE TABLE order_items (
  order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
  product_id INTEGER NOT NULL REFERENCES products(id),
  qty INTEGER NOT NULL DEFAULT 1,
  unit_price REAL NOT NULL,
  PRIMARY KEY (order_id, product_id)
) WITHOUT ROWID""",
    """CREATE TABLE reviews (
  id INTEGER PRIMARY KEY,
  product_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
  body TEXT,
  "group" TEXT,
  FOREIGN KEY (product_id) REFERENCES products(id),
  FOREIGN KEY (user_id) REFERENCES users(id)
)""",
    """CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  user_id INTEGER,
  kind TEXT NOT NULL,
  payload TEXT,
  ts INTEGER NOT NULL
)""",
    """CREATE TEMP TABLE IF NOT EXISTS scratch (k TEXT PRIMARY KEY, v ANY) STRICT""",
    "CREATE INDEX idx_orders_user ON orders (user_id, placed_at DESC)",
    "CREATE UNIQUE INDEX IF NOT EXISTS idx_users_email ON users (email)",
    "CREATE INDEX idx_events_kind_ts ON events (kind, ts) WHERE kind <> 'debug'",
    "CREATE INDEX idx_reviews_product ON reviews (product_id)",
    """CREATE VIEW IF NOT EXISTS order_totals AS
SELECT o.id AS order_id, o.user_id, SUM(i.qty * i.unit_price) AS amount
FROM orders AS o
JOIN order_items AS i ON i.order_id = o.id
GROUP BY o.id, o.user_id""",
    "ALTER TABLE users ADD COLUMN last_login TEXT",
    "ALTER TABLE products RENAME COLUMN stock TO in_stock",
]

FIRST = ["Ada", "Alan", "Grace", "Linus", "Zoë", "José", "Jürgen", "Siobhán", "Håkon", "Ngozi"]
LAST = ["Lovelace", "Turing", "Hopper", "O'Brien", "Müller", "García", "Nakamura", "Øberg"]
CITIES = ["Paris", "東京", "São Paulo", "Kraków", "Reykjavík", "New York", "Zürich"]
COUNTRIES = ["FR", "JP", "BR", "PL", "IS", "US", "CH", "DE"]
STATUSES = ["new", "paid", "shipped", "cancelled"]
EN_DASH = " \u2013 "
KINDS = ["login", "logout", "view", "click", "purchase", "debug"]
COMMENTS = [
    "-- nightly maintenance",
    "-- TODO: tune the LIMIT once the index lands",
    "/* reporting query, see dashboard #42 */",
    "-- ünïcödé in a comment: 日本語",
    "/* multi-line\n   block comment */",
]


def _q(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _sql_number(rng: random.Random) -> str:
    return rng.choice(
        [
            str(rng.randrange(0, 100000)),
            f"{rng.uniform(0, 1000):.2f}",
            f"{rng.randrange(1, 9)}.{rng.randrange(100)}e{rng.randrange(-5, 6)}",
            f"0x{rng.randrange(16**6):X}",
            f".{rng.randrange(1, 100)}",
        ]
    )


def _person(rng: random.Random) -> tuple[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    email = f"{first}.{last}{rng.randrange(1000)}@example.com".lower().replace("'", "")
    return f"{first} {last}", email


def _t_insert_users(rng: random.Random) -> str:
    rows = []
    for _ in range(rng.randrange(2, 7)):
        name, email = _person(rng)
        score = _sql_number(rng)
        rows.append(f"  ({_q(email)}, {_q(name)}, {_q(rng.choice(COUNTRIES))}, {score})")
    return "INSERT INTO users (email, name, country, score)\nVALUES\n" + ",\n".join(rows)


def _t_insert_products(rng: random.Random) -> str:
    pid = rng.randrange(1, 10**6)
    blob = "".join(f"{rng.randrange(256):02x}" for _ in range(rng.randrange(0, 12)))
    title = f'{rng.choice(CITIES)} {rng.choice(WORDS)} "{rng.choice(WORDS)}"'
    return (
        "INSERT OR REPLACE INTO products (id, sku, category_id, title, price, image) VALUES "
        f"({pid}, {_q('SKU-' + str(pid))}, {rng.randrange(1, 50)}, {_q(title)}, "
        f"{rng.uniform(0.5, 999):.2f}, X'{blob}')"
    )


def _t_upsert(rng: random.Random) -> str:
    return (
        "INSERT INTO scratch (k, v) VALUES "
        f"({_q(rng.choice(WORDS) + str(rng.randrange(100)))}, {_sql_number(rng)})\n"
        "ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v IS NOT scratch.v"
    )


def _t_insert_select(rng: random.Random) -> str:
    return (
        "INSERT INTO events (user_id, kind, payload, ts)\n"
        f"SELECT u.id, {_q(rng.choice(KINDS))}, json_object('city', {_q(rng.choice(CITIES))}), "
        "strftime('%s', 'now')\n"
        f"FROM users AS u\nWHERE u.country = {_q(rng.choice(COUNTRIES))} AND u.score > "
        f"{rng.randrange(100)}\nRETURNING id, ts"
    )


def _t_update(rng: random.Random) -> str:
    c = rng.randrange(4)
    if c == 0:
        return (
            f"UPDATE orders\nSET status = {_q(rng.choice(STATUSES))}, "
            f"note = COALESCE(note, '') || {_q(EN_DASH + rng.choice(WORDS))}\n"
            f"WHERE id IN (SELECT order_id FROM order_items WHERE qty >= {rng.randrange(1, 9)})"
        )
    if c == 1:
        return (
            "UPDATE products\nSET price = ROUND(price * "
            f"{rng.uniform(0.8, 1.2):.3f}, 2), in_stock = in_stock - 1\n"
            f"WHERE category_id = {rng.randrange(1, 50)} AND in_stock > 0"
        )
    if c == 2:
        return (
            "UPDATE users SET score = t.amount\n"
            "FROM (SELECT user_id, SUM(amount) AS amount FROM order_totals GROUP BY user_id) AS t\n"
            "WHERE t.user_id = users.id"
        )
    return (
        "UPDATE OR IGNORE users\n"
        "SET last_login = datetime('now', "
        f"{_q('-' + str(rng.randrange(1, 90)) + ' days')}),\n"
        "    is_admin = CASE WHEN email LIKE '%@example.com' THEN TRUE ELSE FALSE END\n"
        f"WHERE id = {rng.randrange(1, 5000)}"
    )


def _t_delete(rng: random.Random) -> str:
    c = rng.randrange(3)
    if c == 0:
        return f"DELETE FROM events WHERE ts < {rng.randrange(10**9, 2 * 10**9)} AND kind = 'debug'"
    if c == 1:
        return (
            "DELETE FROM reviews\nWHERE NOT EXISTS (SELECT 1 FROM products p "
            "WHERE p.id = reviews.product_id)"
        )
    return f"DELETE FROM scratch WHERE k GLOB {_q(rng.choice('abcxyz') + '*')}"


def _t_select_join(rng: random.Random) -> str:
    join = rng.choice(["JOIN", "INNER JOIN", "LEFT JOIN", "LEFT OUTER JOIN"])
    return (
        'SELECT u.id, u.name AS customer, o.id AS "order", p.title,\n'
        "       i.qty * i.unit_price AS line_total,\n"
        "       CASE o.status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 ELSE 0 END AS stage\n"
        "FROM users u\n"
        f"{join} orders o ON o.user_id = u.id\n"
        "JOIN order_items i ON i.order_id = o.id\n"
        "JOIN products AS p ON p.id = i.product_id\n"
        f"WHERE o.placed_at BETWEEN {_q('2024-0' + str(rng.randrange(1, 10)) + '-01')} "
        "AND '2024-12-31'\n"
        f"  AND u.country IN ({', '.join(_q(c) for c in rng.sample(COUNTRIES, 3))})\n"
        f"  AND p.title NOT LIKE {_q('%' + rng.choice(WORDS) + '%')}\n"
        f"ORDER BY line_total DESC, u.name COLLATE NOCASE ASC\nLIMIT {rng.randrange(5, 500)} "
        f"OFFSET {rng.randrange(0, 100)}"
    )


def _t_select_group(rng: random.Random) -> str:
    return (
        "SELECT p.category_id, COUNT(*) AS n, AVG(r.stars) AS avg_stars,\n"
        "       MAX(r.stars) - MIN(r.stars) AS spread,\n"
        '       group_concat(DISTINCT r."group") AS groups\n'
        "FROM reviews AS r\nJOIN products AS p ON p.id = r.product_id\n"
        f"WHERE r.body IS NOT NULL AND length(r.body) > {rng.randrange(0, 200)}\n"
        "GROUP BY p.category_id\n"
        f"HAVING COUNT(*) >= {rng.randrange(1, 20)} AND AVG(r.stars) > {rng.uniform(1, 4):.1f}\n"
        "ORDER BY avg_stars DESC NULLS LAST"
    )


def _t_select_cte(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return (
            "WITH RECURSIVE tree(id, parent_id, title, depth) AS (\n"
            f"  SELECT id, parent_id, title, 0 FROM categories WHERE id = {rng.randrange(1, 50)}\n"
            "  UNION ALL\n"
            "  SELECT c.id, c.parent_id, c.title, t.depth + 1\n"
            "  FROM categories c JOIN tree t ON c.parent_id = t.id\n"
            f"  WHERE t.depth < {rng.randrange(2, 10)}\n"
            ")\nSELECT printf('%.*c%s', depth * 2, ' ', title) AS line FROM tree ORDER BY depth"
        )
    return (
        "WITH spend AS (\n"
        "  SELECT user_id, SUM(amount) AS total FROM order_totals GROUP BY user_id\n"
        "), ranked AS MATERIALIZED (\n"
        "  SELECT user_id, total, NTILE(4) OVER (ORDER BY total DESC) AS quartile FROM spend\n"
        ")\n"
        "SELECT u.email, r.total, r.quartile\nFROM ranked r JOIN users u ON u.id = r.user_id\n"
        f"WHERE r.quartile = {rng.randrange(1, 5)} AND r.total > {_sql_number(rng)}"
    )


def _t_select_window(rng: random.Random) -> str:
    frame = rng.choice(
        [
            "ROWS BETWEEN 2 PRECEDING AND CURRENT ROW",
            "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW",
            "RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING",
            "ROWS 3 PRECEDING",
        ]
    )
    return (
        "SELECT e.user_id, e.kind, e.ts,\n"
        "       ROW_NUMBER() OVER (PARTITION BY e.user_id ORDER BY e.ts) AS rn,\n"
        "       LAG(e.ts, 1, 0) OVER w AS prev_ts,\n"
        f"       SUM(CAST(e.ts AS REAL)) OVER (w {frame}) AS running,\n"
        "       RANK() OVER (ORDER BY e.ts DESC) AS r,\n"
        "       COUNT(*) FILTER (WHERE e.kind = 'click') OVER w AS clicks\n"
        f"FROM events AS e\nWHERE e.kind <> {_q(rng.choice(KINDS))}\n"
        "WINDOW w AS (PARTITION BY e.user_id ORDER BY e.ts)\n"
        f"ORDER BY e.user_id, rn\nLIMIT {rng.randrange(10, 1000)}"
    )


def _t_select_compound(rng: random.Random) -> str:
    op = rng.choice(["UNION", "UNION ALL", "INTERSECT", "EXCEPT"])
    return (
        f"SELECT id, email FROM users WHERE country = {_q(rng.choice(COUNTRIES))}\n"
        f"{op}\n"
        "SELECT u.id, u.email FROM users u\n"
        "WHERE EXISTS (SELECT 1 FROM orders o WHERE o.user_id = u.id "
        f"AND o.total > {rng.uniform(10, 500):.2f})\n"
        "ORDER BY 2"
    )


def _t_select_misc(rng: random.Random) -> str:
    c = rng.randrange(3)
    if c == 0:
        return (
            "SELECT DISTINCT upper(substr(name, 1, 1)) AS initial, count(*) AS n\n"
            f"FROM users WHERE name GLOB '[A-Z]*' OR name LIKE {_q(rng.choice(FIRST) + '%')} "
            "ESCAPE '\\'\nGROUP BY 1 ORDER BY n DESC"
        )
    if c == 1:
        return (
            "SELECT o.id, (SELECT COUNT(*) FROM order_items i WHERE i.order_id = o.id) AS lines,\n"
            "       IFNULL(o.total, 0.0) + 0x10 - -1 AS adj, o.note IS NULL AS no_note,\n"
            f"       CAST(o.total AS INTEGER) % {rng.randrange(2, 10)} AS bucket, "
            "typeof(o.total) AS t\n"
            f"FROM orders o WHERE o.status != {_q(rng.choice(STATUSES))} "
            f"AND NOT o.user_id BETWEEN {rng.randrange(100)} AND {rng.randrange(100, 1000)}"
        )
    return (
        "SELECT *\nFROM (VALUES (1, 'one'), (2, 'two'), (3, 'three')) AS v\n"
        f"CROSS JOIN (SELECT {_q(rng.choice(CITIES))} AS city) AS c\n"
        f"WHERE v.column1 <= {rng.randrange(1, 4)}"
    )


def _t_txn(rng: random.Random) -> list[str]:
    name, email = _person(rng)
    return [
        rng.choice(["BEGIN", "BEGIN TRANSACTION", "BEGIN IMMEDIATE"]),
        f"INSERT INTO users (email, name) VALUES ({_q(email)}, {_q(name)})",
        "INSERT INTO orders (user_id, status, total, placed_at) "
        f"VALUES (last_insert_rowid(), 'new', {rng.uniform(1, 900):.2f}, CURRENT_TIMESTAMP)",
        f"SAVEPOINT sp{rng.randrange(100)}",
        rng.choice(["COMMIT", "END TRANSACTION", "ROLLBACK"]),
    ]


TEMPLATES = [
    (_t_insert_users, 3),
    (_t_insert_products, 3),
    (_t_upsert, 2),
    (_t_insert_select, 1),
    (_t_update, 3),
    (_t_delete, 2),
    (_t_select_join, 3),
    (_t_select_group, 2),
    (_t_select_cte, 2),
    (_t_select_window, 2),
    (_t_select_compound, 2),
    (_t_select_misc, 3),
]


def _check_sql(statements: list[str]) -> None:
    """Every statement must prepare in SQLite (DDL is run so later ones see the schema)."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.text_factory = bytes  # EXPLAIN rows hold raw blob bytes
    for st in statements:
        head = st.lstrip().split(None, 1)[0].upper()
        try:
            if head in ("CREATE", "ALTER", "DROP"):
                db.execute(st)
            else:
                db.execute("EXPLAIN " + st).fetchall()
        except sqlite3.Error as e:
            raise SystemExit(f"gen_inputs: SQLite rejects statement: {e}\n{st}") from e
    db.close()


def make_sql(target: int = SQL_TARGET, seed: int = SEED) -> bytes:
    """A SQLite script of about `target` bytes; each statement checked with sqlite3."""
    rng = random.Random(seed)
    statements = list(SCHEMA)
    fns = [f for f, w in TEMPLATES for _ in range(w)]
    size = sum(len(s) + 2 for s in statements)
    while size < target:
        new = _t_txn(rng) if rng.random() < 0.05 else [rng.choice(fns)(rng)]
        statements.extend(new)
        size += sum(len(s.encode()) + 2 for s in new)
    statements.append("DROP VIEW IF EXISTS order_totals")
    statements.append("DROP TABLE IF EXISTS scratch")
    _check_sql(statements)
    out = ["-- corral consume-bytes benchmark input (benches/data/gen_inputs.py)\n"]
    for st in statements:
        if rng.random() < 0.08:
            out.append(rng.choice(COMMENTS) + "\n")
        out.append(st + ";\n" + ("\n" if rng.random() < 0.3 else ""))
    text = "".join(out)
    assert sqlite3.complete_statement(text)
    return text.encode()


# --------------------------------------------------------------------------- main


def inputs(data_dir: Path = HERE) -> dict[str, bytes]:
    """The benchmark inputs: the stored files when present, else generated in memory."""
    res = {}
    for name, make in ((JSON_NAME, make_json), (SQL_NAME, make_sql)):
        p = data_dir / name
        res[name] = p.read_bytes() if p.exists() else make()
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--check", action="store_true", help="verify the stored files, write nothing")
    ap.add_argument("--out", type=Path, default=HERE, help="output folder (default: here)")
    args = ap.parse_args(argv)
    bad = 0
    for name, make in ((JSON_NAME, make_json), (SQL_NAME, make_sql)):
        data = make()
        p = args.out / name
        if args.check:
            same = p.exists() and p.read_bytes() == data
            print(f"{p}: {'up to date' if same else 'DIFFERS from the generator'}")
            bad += not same
        else:
            p.write_bytes(data)
            print(f"wrote {p} ({len(data)} bytes)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
