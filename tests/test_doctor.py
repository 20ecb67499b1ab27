"""`chainlink doctor`: each check passes on a healthy registry and fails, with what to do, when broken."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainlink.cli import app
from chainlink.store.doctor import diagnose, failed
from chainlink.store.migrations import migrate_registry


@pytest.fixture
def db(shared_mini_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "registry.db"
    shutil.copyfile(shared_mini_db, target)
    migrate_registry(target)  # a build that did not yet create the user tables
    return target


@pytest.fixture
def mini_root(shared_mini_db: Path) -> Path:
    """The sources the shared registry was built from (read only)."""
    return shared_mini_db.parent


def by_name(checks: list) -> dict:
    return {c.name: c for c in checks}


def test_healthy_registry(db: Path, mini_root: Path) -> None:
    checks = by_name(diagnose(db, sources=mini_root))
    assert list(checks) == [
        "files", "temp files", "integrity", "schema", "reference tables", "user tables", "foreign keys",
        "orphan rows", "sources", "journal",
    ]
    assert [c.status for c in checks.values()] == ["ok"] * 10, [c.line() for c in checks.values()]
    assert checks["files"].detail == f"registry: {db} (reference and user data, from --db or $CHAINLINK_DB)"
    from chainlink.store.build import TABLES

    assert checks["reference tables"].detail == f"{len(TABLES)} tables as built (columns, row counts, content hashes)"
    assert checks["schema"].detail == "version 3"
    assert checks["sources"].detail == f"up to date with {mini_root}"
    assert checks["user tables"].detail.startswith("0 user_characteristic_industries, 0 user_enterprises")
    assert not failed(list(checks.values()))


def test_current_registry_is_not_compiled_again(db: Path, mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The recorded inputs hash says the sources are those the registry was built from: no compile (as `build
    --check`); a changed source file still compiles (test_stale_sources)."""
    import chainlink.store.build as build

    def no_compile(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled although the inputs hash is current")

    monkeypatch.setattr(build, "compile_tables", no_compile)
    check = by_name(diagnose(db, sources=mini_root))["sources"]
    assert (check.status, check.detail) == ("ok", f"up to date with {mini_root}")
    conn = sqlite3.connect(db)
    conn.execute("UPDATE meta SET value = 'x' WHERE key = 'inputs_hash'")
    conn.commit()
    conn.close()
    with pytest.raises(AssertionError, match="compiled although"):
        diagnose(db, sources=mini_root)


def test_stale_sources(db: Path, mini_root: Path, tmp_path: Path) -> None:
    root = tmp_path / "src"
    for folder in ("data", "chains"):
        shutil.copytree(mini_root / folder, root / folder)
    mini_root = root
    path = mini_root / "data" / "pairings.csv"
    text = path.read_text(encoding="utf-8")
    assert "active 2022-10," in text
    path.write_text(text.replace("active 2022-10,", "active 2022-11,", 1), encoding="utf-8")
    check = by_name(diagnose(db, sources=mini_root))["sources"]
    assert (check.status, check.detail) == ("fail", f"out of date with the sources in {mini_root}")
    assert check.fix == f"run `chainlink build --db {db}` (imported data is kept)"


def test_sources_skipped(db: Path, tmp_path: Path) -> None:
    assert by_name(diagnose(db, check_sources=False))["sources"].status == "skip"
    check = by_name(diagnose(db, sources=tmp_path))["sources"]
    assert (check.status, check.detail) == ("skip", f"no data/ and chains/ in {tmp_path}")


def test_old_schema(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("DROP TABLE user_projects")
    conn.commit()
    conn.close()
    checks = by_name(diagnose(db, check_sources=False))
    assert (
        checks["schema"].line()
        == f"FAIL  schema: version 1, this chainlink uses 3; run `chainlink migrate --db {db}`"
    )
    assert checks["user tables"].status == "fail" and "user_projects missing" in checks["user tables"].detail


def test_orphans_and_foreign_keys(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO user_import_log (id, kind, file, file_sha256, format, started_at) VALUES (1, 'x', 'f', '', 'csv', '')"
    )
    conn.execute(
        "INSERT INTO user_enterprises (id, credit_code, name_zh, county_code, gbt_codes, source, confidence, import_id) "
        "VALUES ('a', 'a', '甲', '999999', '1952;9999', 's', 'sample', 1)"
    )
    conn.execute(
        "INSERT INTO user_pairings (id, county_code, partner_id, kind, chains, source, confidence, import_id) "
        "VALUES ('p', '331121', 'nowhere', 'shanhai', 'no-chain', 's', 'sample', 7)"
    )
    conn.commit()
    conn.close()
    checks = by_name(diagnose(db, check_sources=False))
    fk = checks["foreign keys"]
    assert fk.status == "fail"
    assert fk.detail == "1 row(s) user_pairings → partners; 1 row(s) user_pairings → user_import_log"
    orphans = checks["orphan rows"]
    assert orphans.status == "fail"
    assert orphans.detail == (
        "1 user_enterprises.county_code not in counties; 1 user_enterprises.gbt_codes not in industries; "
        "1 user_pairings.chains not in chains"
    )


def test_damaged_file(db: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    shutil.copyfile(db, broken)
    data = bytearray(broken.read_bytes())
    page = 4096
    for i in range(len(data) // page // 2, len(data) // page // 2 + 40):
        data[i * page + 8 : i * page + 200] = b"\xff" * 192
    broken.write_bytes(bytes(data))
    checks = by_name(diagnose(broken, check_sources=False))
    assert checks["integrity"].status == "fail"
    assert checks["integrity"].fix.startswith("rebuild it with `chainlink build`")
    text = tmp_path / "text.db"
    text.write_text("not a database\n" * 300)
    assert [c.line() for c in diagnose(text)][-1] == (
        "FAIL  file: not an SQLite database; rebuild it with `chainlink build`"
    )


def test_journal_left_in_wal(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    reader = sqlite3.connect(db)
    reader.execute("SELECT count(*) FROM meta").fetchone()
    check = by_name(diagnose(db, check_sources=False))["journal"]
    assert check.status == "warn" and check.detail.startswith("write-ahead log in use")
    assert not failed([check])
    reader.close()
    conn.close()


def test_cli_exit_codes(db: Path, mini_root: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["doctor", "--db", str(db), "--sources", str(mini_root)], env={"COLUMNS": "400"})
    assert ok.exit_code == 0, ok.output
    assert ok.output.splitlines()[0] == f"OK    files: registry: {db} (reference and user data, from --db or $CHAINLINK_DB)"
    assert ok.output.splitlines()[2] == "OK    integrity: integrity_check ok"
    quick = runner.invoke(app, ["doctor", "--db", str(db), "--no-sources", "--quick", "-f", "json"])
    assert quick.exit_code == 0
    assert json.loads(quick.output)[2] == {
        "name": "integrity",
        "status": "ok",
        "detail": "quick_check ok",
        "fix": "",
    }
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    bad = runner.invoke(app, ["doctor", "--db", str(db), "--no-sources"])
    assert bad.exit_code == 1
    assert "FAIL  schema: version 1" in bad.output
