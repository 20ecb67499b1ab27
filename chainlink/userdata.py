"""User data in the registry: tables named ``user_*`` hold what users imported (not compiled from sources).

``chainlink build`` rebuilds every source table from git and carries the ``user_*`` tables over from the
previous registry unchanged, inside the same transaction, so a rebuild never loses imported data.
``build --check`` ignores them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from chainlink.errors import DataError

USER_PREFIX = "user_"
_USER_LIKE = "LIKE 'user\\_%' ESCAPE '\\'"


def user_tables(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """``(name, CREATE sql)`` of every user table in ``conn``, by name."""
    sql = f"SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name {_USER_LIKE} ORDER BY name"
    return list(conn.execute(sql))


def carry_over(old_path: str | Path, new_conn: sqlite3.Connection) -> dict[str, int]:
    """Copy every ``user_*`` table (schema, rows, indexes) from the registry at ``old_path`` into ``new_conn``.

    Runs inside the caller's transaction; returns the row count copied per table. Refuses (DataError) when
    ``old_path`` exists but is not a chainlink registry, so a build never overwrites a foreign file.
    """
    old = Path(old_path)
    if not old.exists():
        return {}
    try:
        src = sqlite3.connect(f"file:{old.resolve()}?mode=ro", uri=True)
        is_registry = src.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'"
        ).fetchone()[0]
    except sqlite3.DatabaseError:
        is_registry = 0
        src = None
    if not is_registry:
        if src is not None:
            src.close()
        raise DataError(f"{old}: exists and is not a chainlink registry; remove it or choose another --db")
    try:
        counts: dict[str, int] = {}
        for name, create in user_tables(src):
            new_conn.execute(create)
            cursor = src.execute(f"SELECT * FROM [{name}]")
            marks = ", ".join("?" * len(cursor.description))
            new_conn.executemany(f"INSERT INTO [{name}] VALUES ({marks})", cursor)
            counts[name] = new_conn.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0]
        index_sql = f"SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name {_USER_LIKE}"
        for (create,) in src.execute(index_sql).fetchall():
            new_conn.execute(create)
    finally:
        src.close()
    return counts
