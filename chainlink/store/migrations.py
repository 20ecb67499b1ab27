"""Registry schema versions: the ordered migration steps, and opening the registry for one write.

The schema version is ``PRAGMA user_version`` (and ``meta.schema_version``). Source tables are
compiled by ``chainlink build`` and never migrated: a rebuild writes them afresh. What a rebuild
cannot recreate is user data (the ``user_*`` tables), so each step here brings the user tables of
a registry from one version to the next. Steps are frozen once released: a later change is a new
step, never an edit of an old one.

- version 1: source tables only.
- version 2: user-data tables (``user_import_log``, ``user_enterprises``, ``user_projects``,
  ``user_characteristic_industries``, ``user_pairings``) and their indexes.
- version 3: ``quote`` in ``user_characteristic_industries``; ``quote``, ``enclave_name``,
  ``enclave_host`` and ``enclave_kind`` in ``user_pairings`` (the columns the source tables gained),
  in source-table order, existing rows kept with the new columns empty.

Writers (``chainlink import``, ``chainlink migrate``) go through :func:`writing`: one
``BEGIN IMMEDIATE`` transaction, a busy timeout, the write-ahead log on local disks, and any pending
migration applied inside the same transaction, so that an interrupted write leaves the registry as
it was.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from chainlink.errors import DataError
from chainlink.store.registry import SCHEMA_VERSION

BUSY_TIMEOUT_MS = 30_000
# File systems on which SQLite's shared-memory WAL index is unsafe (no coherent mmap or locks).
NETWORK_FS = {
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "9p",
    "afs",
    "ceph",
    "glusterfs",
    "lustre",
    "gpfs",
    "davfs",
    "ncpfs",
    "virtiofs",
    "fuse.sshfs",
    "fuse.s3fs",
    "fuse.glusterfs",
    "fuse.ceph",
}

_V2 = [
    """CREATE TABLE IF NOT EXISTS user_import_log (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    file TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    encoding TEXT NOT NULL DEFAULT '',
    sheet TEXT NOT NULL DEFAULT '',
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT '',
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_valid INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0,
    rows_inserted INTEGER NOT NULL DEFAULT 0,
    rows_updated INTEGER NOT NULL DEFAULT 0,
    rows_unchanged INTEGER NOT NULL DEFAULT 0,
    rejects_file TEXT NOT NULL DEFAULT '',
    chainlink_version TEXT NOT NULL DEFAULT ''
)""",
    """CREATE TABLE IF NOT EXISTS user_enterprises (
    id TEXT PRIMARY KEY,
    credit_code TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    county_code TEXT NOT NULL DEFAULT '',
    partner_id TEXT NOT NULL DEFAULT '',
    gbt_codes TEXT NOT NULL DEFAULT '',
    segment_key TEXT NOT NULL DEFAULT '',
    size TEXT NOT NULL DEFAULT '',
    chain_leader INTEGER NOT NULL DEFAULT 0 CHECK (chain_leader IN (0, 1)),
    source TEXT NOT NULL,
    confidence TEXT NOT NULL,
    import_id INTEGER NOT NULL REFERENCES user_import_log (id)
)""",
    """CREATE TABLE IF NOT EXISTS user_projects (
    id TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT '',
    origin_id TEXT NOT NULL DEFAULT '',
    county_code TEXT NOT NULL DEFAULT '',
    platform TEXT NOT NULL DEFAULT '',
    gbt_codes TEXT NOT NULL DEFAULT '',
    segment_key TEXT NOT NULL DEFAULT '',
    investment_wan REAL,
    land_mu REAL,
    energy_tce REAL,
    added_value_wan REAL,
    tax_wan REAL,
    pollution TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'unknown',
    year INTEGER,
    sponsor TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    confidence TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    import_id INTEGER NOT NULL REFERENCES user_import_log (id)
)""",
    """CREATE TABLE IF NOT EXISTS user_characteristic_industries (
    id TEXT PRIMARY KEY,
    county_code TEXT NOT NULL,
    platform TEXT NOT NULL DEFAULT '',
    industry_zh TEXT NOT NULL,
    industry_en TEXT NOT NULL DEFAULT '',
    gbt_codes TEXT NOT NULL DEFAULT '',
    gbt_derivation TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    confidence TEXT NOT NULL,
    import_id INTEGER NOT NULL REFERENCES user_import_log (id)
)""",
    """CREATE TABLE IF NOT EXISTS user_pairings (
    id TEXT PRIMARY KEY,
    county_code TEXT NOT NULL REFERENCES counties (code),
    county_platform TEXT NOT NULL DEFAULT '',
    partner_id TEXT NOT NULL REFERENCES partners (id),
    kind TEXT NOT NULL,
    chains TEXT NOT NULL DEFAULT '',
    round TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    confidence TEXT NOT NULL,
    import_id INTEGER NOT NULL REFERENCES user_import_log (id)
)""",
    "CREATE INDEX IF NOT EXISTS user_enterprises_county ON user_enterprises (county_code)",
    "CREATE INDEX IF NOT EXISTS user_projects_county ON user_projects (county_code)",
    "CREATE INDEX IF NOT EXISTS user_characteristic_industries_county "
    "ON user_characteristic_industries (county_code)",
    "CREATE INDEX IF NOT EXISTS user_pairings_county ON user_pairings (county_code)",
]


def _to_v2(conn: sqlite3.Connection) -> None:
    for sql in _V2:
        conn.execute(sql)


_V3_CHARACTERISTIC = """CREATE TABLE IF NOT EXISTS user_characteristic_industries (
    id TEXT PRIMARY KEY,
    county_code TEXT NOT NULL,
    platform TEXT NOT NULL DEFAULT '',
    industry_zh TEXT NOT NULL,
    industry_en TEXT NOT NULL DEFAULT '',
    gbt_codes TEXT NOT NULL DEFAULT '',
    gbt_derivation TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    quote TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    confidence TEXT NOT NULL,
    import_id INTEGER NOT NULL REFERENCES user_import_log (id)
)"""
_V3_PAIRINGS = """CREATE TABLE IF NOT EXISTS user_pairings (
    id TEXT PRIMARY KEY,
    county_code TEXT NOT NULL REFERENCES counties (code),
    county_platform TEXT NOT NULL DEFAULT '',
    partner_id TEXT NOT NULL REFERENCES partners (id),
    kind TEXT NOT NULL,
    chains TEXT NOT NULL DEFAULT '',
    round TEXT NOT NULL DEFAULT '',
    quote TEXT NOT NULL DEFAULT '',
    enclave_name TEXT NOT NULL DEFAULT '',
    enclave_host TEXT NOT NULL DEFAULT '',
    enclave_kind TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    confidence TEXT NOT NULL,
    import_id INTEGER NOT NULL REFERENCES user_import_log (id)
)"""
# table → (its version-3 definition, the columns it had at version 2, its index)
_V3_TABLES = {
    "user_characteristic_industries": (
        _V3_CHARACTERISTIC,
        "id, county_code, platform, industry_zh, industry_en, gbt_codes, gbt_derivation, note, "
        "source, confidence, import_id",
        _V2[-2],
    ),
    "user_pairings": (
        _V3_PAIRINGS,
        "id, county_code, county_platform, partner_id, kind, chains, round, source, confidence, import_id",
        _V2[-1],
    ),
}


def _to_v3(conn: sqlite3.Connection) -> None:
    # SQLite appends ADD COLUMN at the end (after import_id); the user tables mirror the source tables'
    # column order, so each table is rebuilt: rename, create, copy, drop the old one and its index.
    for table, (create, columns, index) in _V3_TABLES.items():
        conn.execute(f"ALTER TABLE {table} RENAME TO {table}_v2")
        conn.execute(create)
        conn.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table}_v2")
        conn.execute(f"DROP TABLE {table}_v2")
        conn.execute(index)


# (version reached, what it does, step); in order, one per version after 1.
STEPS: list[tuple[int, str, Callable[[sqlite3.Connection], None]]] = [
    (2, "create the user-data tables (imports)", _to_v2),
    (3, "add quote and enclave columns to the user characteristic and pairing tables", _to_v3),
]
FIRST_VERSION = 1
# The user tables of the current version, created when missing (a registry built by a `chainlink build`
# that did not call migrate_carried). Keep equal to applying every step: tests/test_migrations.py checks.
CURRENT_USER_SCHEMA = [
    *_V2[:3],
    _V3_CHARACTERISTIC,
    _V3_PAIRINGS,
    *_V2[5:],
]


CURRENT_USER_TABLES = tuple(
    sql.split("EXISTS ", 1)[1].split()[0] for sql in CURRENT_USER_SCHEMA if sql.startswith("CREATE TABLE")
)


def create_missing(conn: sqlite3.Connection, schema: str = "main") -> None:
    """Create any user table or index of the current schema that the registry lacks (idempotent).

    ``schema`` names the attached database to create them in (``main`` by default).
    """
    for sql in CURRENT_USER_SCHEMA:
        if schema != "main":
            sql = sql.replace("IF NOT EXISTS ", f"IF NOT EXISTS [{schema}].", 1)
        conn.execute(sql)


def version_of(conn: sqlite3.Connection) -> int:
    """The schema version of the registry open on ``conn`` (``PRAGMA user_version``)."""
    return conn.execute("PRAGMA user_version").fetchone()[0]


def pending(version: int) -> list[tuple[int, str, Callable[[sqlite3.Connection], None]]]:
    """The steps that bring a registry at ``version`` to :data:`SCHEMA_VERSION`."""
    return [step for step in STEPS if step[0] > version]


def migrate(conn: sqlite3.Connection, path: str | os.PathLike[str] = "registry") -> list[str]:
    """Apply every pending step inside the caller's transaction; return what was done.

    Raises :class:`DataError` if the registry was written by a newer chainlink.
    """
    version = version_of(conn)
    if version > SCHEMA_VERSION:
        raise DataError(
            f"{path}: registry schema version {version} was written by a newer chainlink "
            f"(this one knows up to {SCHEMA_VERSION}); upgrade chainlink"
        )
    if version < FIRST_VERSION:
        raise DataError(f"{path}: registry has no schema version; rebuild it with `chainlink build`")
    done = []
    for to, what, step in pending(version):
        step(conn)
        conn.execute(f"PRAGMA user_version = {to}")
        done.append(f"{to - 1} → {to}: {what}")
    if done:
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'",
            (str(SCHEMA_VERSION),),
        )
    return done


def migrate_carried(conn: sqlite3.Connection, old_path: str | os.PathLike[str]) -> None:
    """For ``chainlink build``: bring the user tables carried over from ``old_path`` to the current schema.

    Call it inside the build's transaction after :func:`chainlink.store.userdata.carry_over`. Runs the steps
    after the old registry's version (all of them when there was no old registry), so that a rebuilt
    registry always has the current user tables. Does not set ``user_version`` (the build does).
    """
    old = Path(old_path)
    version = FIRST_VERSION
    if old.exists():
        src = sqlite3.connect(f"file:{old.resolve()}?mode=ro", uri=True)
        try:
            version = max(version_of(src), FIRST_VERSION)
        finally:
            src.close()
    for _, _, step in pending(version):
        step(conn)
    create_missing(conn)


def is_local_disk(path: str | os.PathLike[str], mountinfo: str | None = None) -> bool:
    """Whether ``path`` is on a local file system (where SQLite's write-ahead log is safe).

    Reads ``/proc/self/mountinfo`` on Linux (or ``mountinfo``, its text); elsewhere assumes local
    unless the path is a Windows network share.
    """
    if str(path).startswith("\\\\"):
        return False
    target = os.path.realpath(path)
    if mountinfo is None:
        try:
            with open("/proc/self/mountinfo", encoding="utf-8") as fh:
                mountinfo = fh.read()
        except OSError:
            return True
    best, fstype = "", ""
    for line in mountinfo.splitlines():
        left, _, right = line.partition(" - ")
        fields = left.split()
        if len(fields) < 5 or not right:
            continue
        point = fields[4].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, fstype = point, right.split()[0]
    return fstype not in NETWORK_FS


def _check_registry(conn: sqlite3.Connection, path: Path, *, user: bool = False) -> bool:
    """Raise unless ``conn`` is a chainlink registry; return True when it is a new, empty user registry."""
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        raise DataError(f"{path}: not a chainlink registry (not an SQLite database)") from None
    if user and not names:
        return True
    if "meta" not in names:
        what = "user registry" if user else "registry"
        raise DataError(f"{path}: not a chainlink {what} (no meta table); pass --db PATH to a registry")
    return False


def _init_user(conn: sqlite3.Connection) -> None:
    """Make a new user registry: meta, the current user tables, ``user_version``."""
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("app", "chainlink"), ("kind", "user"), ("schema_version", str(SCHEMA_VERSION))],
    )
    create_missing(conn)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _shipped(path: Path) -> bool:
    """Whether ``path`` is the reference registry shipped with chainlink (same file)."""
    from chainlink.store.registry import default_registry_path

    try:
        return os.path.samefile(path, default_registry_path())
    except OSError:
        return False


@contextmanager
def writing(
    path: Any, *, wal: bool | None = None, migrated: list[str] | None = None
) -> Iterator[sqlite3.Connection]:
    """Open a registry for one write transaction, migrated to the current schema.

    ``path`` is a :class:`chainlink.store.registry.Location` (the user registry is written, created on first
    use, with the reference registry attached read-only as ``ref``) or the path of a self-contained
    registry. The registry shipped with chainlink is never written. A damaged file is refused before
    anything is written (``PRAGMA quick_check``).

    Commits when the block ends, rolls back on any exception. ``wal`` (default: on local disks)
    puts the file in write-ahead-log mode first, so that readers keep reading the last committed
    state while the transaction runs; afterwards the log is checkpointed and, when no other
    connection has the file open, the file returns to a single-file rollback journal (which
    ``chainlink build``'s rename-into-place relies on). The migration steps applied are appended
    to ``migrated``.
    """
    from chainlink.base.output import protect
    from chainlink.store.registry import Location, check_tables, sqlite_uri

    location = path if isinstance(path, Location) else Location(Path(path))
    reference = location.reference
    target = location.writable
    split = location.user is not None
    protect(reference, location.user)
    if not reference.exists():
        raise DataError(f"{reference}: registry not found; build one with `chainlink build` or pass --db PATH")
    if reference.is_dir() or target.is_dir():
        where = reference if reference.is_dir() else target
        raise DataError(f"{where}: is a folder, not a registry file; pass --db PATH")
    if not split and _shipped(target):
        raise DataError(
            f"{target}: is the registry shipped with chainlink (read-only reference data); "
            "leave out --db to import into your user registry, or copy it and pass --db COPY"
        )
    if split and not target.exists():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DataError(f"{target.parent}: cannot create the user data folder ({exc.strerror})") from None
    use_wal = is_local_disk(target.parent if split else target) if wal is None else wal
    conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        fresh = _check_registry(conn, target, user=split)
        if split:
            conn.execute("ATTACH ? AS ref", (sqlite_uri(reference),))
            _check_registry_ro(conn, reference)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA cache_size = -262144")
        # integrity first, before the journal mode or anything else in the file changes
        if not fresh:
            _intact(conn, target)
        check_tables(conn, reference, "ref" if split else "main")
        try:
            _begin(conn, target, use_wal)
        except sqlite3.OperationalError as exc:
            raise _write_error(target, exc) from None
        try:
            if fresh:
                _init_user(conn)
            steps = migrate(conn, target)
            create_missing(conn)
            if migrated is not None:
                migrated.extend(steps)
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            if use_wal:
                _leave_wal(conn)
    except sqlite3.OperationalError as exc:
        raise _write_error(target, exc) from None
    except sqlite3.DatabaseError:
        raise _damaged_write(target) from None
    finally:
        conn.close()


def _damaged_write(target: Path) -> DataError:
    return DataError(
        f"{target}: the registry is damaged (SQLite cannot read every page); nothing was written; "
        "run `chainlink doctor`, then rebuild it or restore a copy"
    )


def _check_registry_ro(conn: sqlite3.Connection, reference: Path) -> None:
    try:
        has_meta = conn.execute(
            "SELECT count(*) FROM ref.sqlite_master WHERE type = 'table' AND name = 'meta'"
        ).fetchone()[0]
    except sqlite3.DatabaseError:
        raise DataError(f"{reference}: not a chainlink registry (not an SQLite database)") from None
    if not has_meta:
        raise DataError(f"{reference}: not a chainlink registry (no meta table); pass --db PATH to a registry")


def _intact(conn: sqlite3.Connection, target: Path) -> None:
    """Refuse to write a file SQLite finds damaged (``quick_check``), before anything is written."""
    try:
        rows = [r[0] for r in conn.execute("PRAGMA main.quick_check(3)")]
    except sqlite3.DatabaseError as exc:
        rows = [str(exc)]
    if rows != ["ok"]:
        raise _damaged_write(target)


LOCK_NOTICE_AFTER = 1.0  # seconds before a waiting writer says that it waits


def _begin(conn: sqlite3.Connection, target: Path, wal: bool = False) -> None:
    """(WAL mode, then) ``BEGIN IMMEDIATE``, waiting up to :data:`BUSY_TIMEOUT_MS` for another writer, with
    one notice on stderr while it waits (SQLite's busy handler does not wait for a journal-mode change)."""
    import sys
    import time

    conn.execute("PRAGMA busy_timeout = 0")
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    told = False
    started = time.monotonic()
    delay = 0.01
    try:
        while True:
            try:
                if wal:
                    conn.execute("PRAGMA main.journal_mode = WAL")
                    conn.execute("PRAGMA main.synchronous = NORMAL")
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                text = str(exc)
                if "locked" not in text and "busy" not in text:
                    raise
                now = time.monotonic()
                if now >= deadline:
                    raise
                if not told and now - started >= LOCK_NOTICE_AFTER:
                    print(
                        f"chainlink: waiting for {target} (another import, migration or build is writing it; "
                        f"up to {BUSY_TIMEOUT_MS // 1000} s)",
                        file=sys.stderr,
                        flush=True,
                    )
                    told = True
                time.sleep(min(delay, max(deadline - now, 0)))
                delay = min(delay * 2, 0.25)
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _leave_wal(conn: sqlite3.Connection) -> None:
    """Checkpoint the log and go back to a rollback journal when nobody else has the file open."""
    try:
        conn.execute("PRAGMA main.wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA busy_timeout = 0")
        conn.execute("PRAGMA main.journal_mode = DELETE")
    except sqlite3.OperationalError:
        pass  # readers still have it open: it stays in WAL mode until the next write


def _write_error(path: Path, exc: sqlite3.OperationalError) -> DataError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return DataError(
            f"{path}: registry is busy (another import, migration or build kept it locked for "
            f"{BUSY_TIMEOUT_MS // 1000} s); try again when it finishes"
        )
    if "readonly" in text or "read-only" in text:
        return DataError(
            f"{path}: cannot write the registry (read-only file or folder); "
            "copy it somewhere writable and pass --db PATH"
        )
    return DataError(f"{path}: cannot write the registry: {text}")


def migrate_registry(path: Any) -> list[str]:
    """Migrate the registry at ``path`` (a path or a :class:`chainlink.store.registry.Location`) to the current
    schema in one transaction; return the steps done."""
    done: list[str] = []
    with writing(path, migrated=done):
        pass
    return done
