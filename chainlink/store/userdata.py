"""User data: tables named ``user_*`` hold what users imported (not compiled from sources).

They live in the user registry (``user.db`` in the platform's user data folder, see
:func:`chainlink.store.registry.user_registry_path`), or inside a self-contained registry named by ``--db``.
For a self-contained registry, ``chainlink build`` rebuilds every source table and carries the
``user_*`` tables that hold rows over from the previous file unchanged, inside the same transaction, so
a rebuild never loses imported data. A rebuild of the shipped reference registry moves any user rows
it still holds (from an older chainlink) to the user registry instead. ``build --check`` ignores them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from chainlink.errors import DataError

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
            if not src.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0]:
                continue  # an empty user table is not carried: the first import creates it again
            new_conn.execute(create)
            cursor = src.execute(f"SELECT * FROM [{name}]")
            marks = ", ".join("?" * len(cursor.description))
            new_conn.executemany(f"INSERT INTO [{name}] VALUES ({marks})", cursor)
            counts[name] = new_conn.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0]
        index_sql = f"SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name {_USER_LIKE}"
        for (create, table) in src.execute(index_sql.replace("SELECT sql", "SELECT sql, tbl_name")).fetchall():
            if table in counts:
                new_conn.execute(create)
    finally:
        src.close()
    return counts


def move_user_rows(old_path: str | Path, user_path: str | Path) -> dict[str, int]:
    """Copy the rows of every non-empty ``user_*`` table of the registry at ``old_path`` into the user
    registry at ``user_path`` (created if need be; rows whose id is already there are kept as they are).
    Returns the rows copied per table. ``old_path`` is only read."""
    from chainlink.store.migrations import writing
    from chainlink.store.registry import Location

    old = Path(old_path)
    try:
        src = sqlite3.connect(f"file:{old.resolve()}?mode=ro", uri=True)
        names = [
            name
            for name, _ in user_tables(src)
            if src.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0]
        ]
        src.close()
    except sqlite3.DatabaseError:
        return {}
    if not names:
        return {}
    counts: dict[str, int] = {}
    with writing(Location(old, Path(user_path))) as conn:
        for name in names:
            have = [r[1] for r in conn.execute(f"PRAGMA main.table_info([{name}])")]
            old_cols = {r[1] for r in conn.execute(f"PRAGMA ref.table_info([{name}])")}
            cols = ", ".join(f"[{c}]" for c in have if c in old_cols)
            if not have:
                continue
            before = conn.total_changes
            conn.execute(f"INSERT OR IGNORE INTO main.[{name}] ({cols}) SELECT {cols} FROM ref.[{name}]")
            counts[f"moved {name}"] = conn.total_changes - before
    return counts
