"""The packages the SQLite corpus is taken from, and reading their archives."""

from __future__ import annotations

import io
import lzma
import tarfile
from dataclasses import dataclass, field
from pathlib import Path


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
