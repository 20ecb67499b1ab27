"""Schema migrations: from every earlier version, in one transaction; writers' locking and journal."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from chainlink.errors import DataError
from chainlink.store import migrations
from chainlink.store.migrations import (
    CURRENT_USER_SCHEMA,
    FIRST_VERSION,
    STEPS,
    is_local_disk,
    migrate_carried,
    migrate_registry,
    writing,
)
from chainlink.store.registry import SCHEMA_VERSION, Registry

EARLIER = list(range(FIRST_VERSION, SCHEMA_VERSION))


def journal(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        conn.close()


def user_schema(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'user\\_%' ESCAPE '\\' "
        "AND name <> 'user_notes' AND name NOT LIKE 'user_notes%' ORDER BY type, name"
    )
    return [tuple(r) for r in rows]


def at_version(source: Path, target: Path, version: int) -> Path:
    """A registry as version ``version`` wrote it: the compiled source tables, then the steps up to it.

    Source tables are never migrated (a build writes them afresh), so a registry of an earlier version
    is today's source tables with the user tables of that version, plus a user table of the user's own.
    """
    shutil.copyfile(source, target)
    conn = sqlite3.connect(target)
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE name LIKE 'user\\_%' ESCAPE '\\' AND type = 'table'"
    ).fetchall():
        conn.execute(f"DROP TABLE [{name}]")
    for to, _, step in STEPS:
        if to <= version:
            step(conn)
    conn.execute("CREATE TABLE user_notes (id TEXT PRIMARY KEY, note TEXT)")
    conn.execute("INSERT INTO user_notes VALUES ('a', '甲')")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    conn.commit()
    conn.close()
    return target


def test_steps_cover_every_version_in_order() -> None:
    assert [to for to, _, _ in STEPS] == list(range(FIRST_VERSION + 1, SCHEMA_VERSION + 1))


def test_current_schema_equals_all_steps() -> None:
    stepped, current = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
    for _, _, step in STEPS:
        step(stepped)
    for sql in CURRENT_USER_SCHEMA:
        current.execute(sql)
    assert user_schema(stepped) == user_schema(current)


@pytest.mark.parametrize("version", EARLIER)
def test_migrate_from_every_earlier_version(shared_mini_db: Path, tmp_path: Path, version: int) -> None:
    db = at_version(shared_mini_db, tmp_path / "old.db", version)
    with pytest.raises(DataError) as info:
        Registry.open(db)
    assert str(info.value) == (
        f"{db}: registry schema version {version} is older than this chainlink's {SCHEMA_VERSION}; "
        f"run `chainlink migrate --db {db}` (keeps imported data)"
    )
    counties = sqlite3.connect(db).execute("SELECT count(*) FROM counties").fetchone()[0]
    done = migrate_registry(db)
    assert len(done) == SCHEMA_VERSION - version
    reg = Registry.open(db)
    assert reg.meta()["schema_version"] == str(SCHEMA_VERSION)
    assert [tuple(r) for r in reg.conn.execute("SELECT * FROM user_notes")] == [("a", "甲")]
    assert reg.conn.execute("SELECT count(*) FROM counties").fetchone()[0] == counties
    fresh = sqlite3.connect(":memory:")
    for sql in CURRENT_USER_SCHEMA:
        fresh.execute(sql)
    assert user_schema(reg.conn) == user_schema(fresh)
    assert migrate_registry(db) == [], "migrating twice does nothing"


@pytest.mark.parametrize("version", EARLIER)
def test_failed_migration_changes_nothing(
    shared_mini_db: Path, tmp_path: Path, version: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = at_version(shared_mini_db, tmp_path / "old.db", version)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE user_half (x)")
        raise RuntimeError("disk full")

    monkeypatch.setattr(migrations, "STEPS", [(to, what, broken) for to, what, _ in STEPS])
    before = sqlite3.connect(db).execute("SELECT name FROM sqlite_master ORDER BY name").fetchall()
    with pytest.raises(RuntimeError, match="disk full"):
        migrate_registry(db)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    assert conn.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall() == before


def test_newer_registry_is_refused(shared_mini_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    shutil.copyfile(shared_mini_db, db)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(DataError, match="was written by a newer chainlink .*; upgrade chainlink"):
        migrate_registry(db)
    with pytest.raises(DataError, match="was written by a newer chainlink"):
        Registry.open(db)


def test_build_carries_and_upgrades_user_tables(shared_mini_db: Path, tmp_path: Path) -> None:
    """What `chainlink build` does after carry_over: the rebuilt registry has the current user tables."""
    from chainlink.store.userdata import carry_over

    old = at_version(shared_mini_db, tmp_path / "old.db", FIRST_VERSION)
    new = sqlite3.connect(tmp_path / "new.db")
    new.execute("CREATE TABLE counties (code TEXT PRIMARY KEY)")
    carry_over(old, new)
    migrate_carried(new, old)
    names = {r[0] for r in new.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"user_notes", "user_enterprises", "user_import_log"} <= names
    fresh = sqlite3.connect(tmp_path / "fresh.db")
    migrate_carried(fresh, tmp_path / "absent.db")
    assert "user_projects" in {r[0] for r in fresh.execute("SELECT name FROM sqlite_master")}


def test_writer_busy_timeout(shared_mini_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "r.db"
    shutil.copyfile(shared_mini_db, db)
    monkeypatch.setattr(migrations, "BUSY_TIMEOUT_MS", 200)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(DataError, match="registry is busy"), writing(db, wal=False):
        pass
    other.execute("ROLLBACK")
    with writing(db, wal=False) as conn:
        conn.execute(
            "INSERT INTO user_import_log (kind, file, file_sha256, format, started_at) VALUES (1,1,1,1,1)"
        )
    assert other.execute("SELECT count(*) FROM user_import_log").fetchone()[0] == 1


def test_writes_roll_back_on_error(shared_mini_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    shutil.copyfile(shared_mini_db, db)
    with pytest.raises(ValueError), writing(db) as conn:
        conn.execute(
            "INSERT INTO user_import_log (kind, file, file_sha256, format, started_at) VALUES (1,1,1,1,1)"
        )
        raise ValueError("stop")
    conn = sqlite3.connect(db)
    # a build no longer creates empty user tables; the failed write must have left neither rows nor tables
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'user_import_log'").fetchone()[0] == 0
    conn.close()
    assert journal(db) == "delete"


def test_wal_while_writing_then_back_to_one_file(shared_mini_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    shutil.copyfile(shared_mini_db, db)
    with writing(db, wal=True) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert journal(db) == "delete"
    assert not Path(f"{db}-wal").exists()
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    with writing(db, wal=True):
        reader.execute("SELECT count(*) FROM meta").fetchone()  # a reader opens the file in WAL mode
    # the reader still has the file open: it stays in WAL mode, checkpointed, until the next write
    assert journal(db) == "wal"
    assert Path(f"{db}-wal").stat().st_size == 0
    reader.close()
    with writing(db, wal=True):
        pass
    assert journal(db) == "delete"


def test_writing_refuses_missing_and_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="registry not found"), writing(tmp_path / "none.db"):
        pass
    foreign = tmp_path / "f.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)")
    with pytest.raises(DataError, match="no meta table"), writing(foreign):
        pass
    text = tmp_path / "t.db"
    text.write_text("hello\n" * 200)
    with pytest.raises(DataError, match="not an SQLite database"), writing(text):
        pass


MOUNTS = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /mnt/share rw,relatime shared:2 - nfs4 server:/export rw
41 22 0:36 / /mnt/share/local rw,relatime shared:3 - tmpfs tmpfs rw
"""


def test_wal_only_on_local_disks(tmp_path: Path) -> None:
    assert is_local_disk("/home/x/registry.db", MOUNTS)
    assert not is_local_disk("/mnt/share/registry.db", MOUNTS)
    assert is_local_disk("/mnt/share/local/registry.db", MOUNTS)
    assert not is_local_disk("\\\\server\\share\\registry.db")
    assert is_local_disk(tmp_path)


def test_cli_migrate(shared_mini_db: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from chainlink.cli import app

    db = at_version(shared_mini_db, tmp_path / "old.db", FIRST_VERSION)
    result = CliRunner().invoke(app, ["migrate", "--db", str(db)])
    assert result.exit_code == 0
    assert result.output.startswith(f"migrated {db}: 1 → 2: create the user-data tables")
    result = CliRunner().invoke(app, ["migrate", "--db", str(db)])
    assert result.output == f"{db}: already at schema version {SCHEMA_VERSION}\n"
