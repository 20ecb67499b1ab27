"""Import enterprise and project lists (and county industries, pairings) into the registry's user tables.

>>> report = import_file("enterprises", "list.xlsx", "registry.db")   # doctest: +SKIP
>>> report.summary()                                                  # doctest: +SKIP
'imported list.xlsx (enterprises, import #3): 120 row(s) read, 120 valid (118 new, 2 updated, 0 unchanged)'

Columns, header aliases, encodings and every check are documented in docs/import.md.
"""

from __future__ import annotations

import importlib
import sqlite3
from typing import TYPE_CHECKING, Any

from chainlink.errors import UsageError

if TYPE_CHECKING:
    from chainlink.imports._read import FORMATS, open_table
    from chainlink.imports._run import (
        ImportErrors,
        ImportReport,
        default_rejects_path,
        file_sha256,
        import_file,
    )
    from chainlink.imports._schema import KINDS, Column, Kind

# The package's names load on first use (PEP 562), so that `match --project` reading a project file through
# chainlink.imports._validate does not import the whole importer (≈ 30 ms).
_LAZY = {
    "FORMATS": "_read",
    "open_table": "_read",
    "ImportErrors": "_run",
    "ImportReport": "_run",
    "default_rejects_path": "_run",
    "file_sha256": "_run",
    "import_file": "_run",
    "KINDS": "_schema",
    "Column": "_schema",
    "Kind": "_schema",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f"chainlink.imports.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'chainlink.imports' has no attribute {name!r}")

__all__ = [
    "FORMATS",
    "KINDS",
    "Column",
    "ImportErrors",
    "ImportReport",
    "Kind",
    "LOG_COLUMNS",
    "columns_of",
    "default_rejects_path",
    "file_sha256",
    "import_file",
    "open_table",
    "user_rows",
]

LOG_COLUMNS = [
    "id",
    "kind",
    "file",
    "file_sha256",
    "format",
    "encoding",
    "sheet",
    "started_at",
    "finished_at",
    "rows_read",
    "rows_valid",
    "rows_rejected",
    "rows_inserted",
    "rows_updated",
    "rows_unchanged",
    "rejects_file",
    "chainlink_version",
]


def columns_of(kind: str) -> list[str]:
    """The columns ``chainlink imported KIND`` writes (the import's canonical columns; ``log`` too)."""
    from chainlink.imports._schema import KINDS

    if kind == "log":
        return list(LOG_COLUMNS)
    if kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}: use one of {', '.join([*KINDS, 'log'])}")
    return KINDS[kind].names


def user_rows(conn: sqlite3.Connection, kind: str) -> list[dict[str, Any]]:
    """The imported rows of ``kind`` (or the import ``log``), ordered by id, as dicts of :func:`columns_of`.

    These rows written as CSV, TSV, JSON, NDJSON or xlsx import back unchanged.
    """
    from chainlink.imports._schema import KINDS

    columns = columns_of(kind)
    table = "user_import_log" if kind == "log" else KINDS[kind].table
    from chainlink.store.registry import has_table

    if not has_table(conn, table):
        return []
    sql = f"SELECT {', '.join(f'[{c}]' for c in columns)} FROM [{table}] ORDER BY id"
    return [dict(zip(columns, row, strict=True)) for row in conn.execute(sql)]
