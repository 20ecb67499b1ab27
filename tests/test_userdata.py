"""Issue 15 item 2: the shipped registry is read-only reference data; imports go to the user registry.

The "shipped" registry here is a copy of the mini registry that ``default_registry_path`` is pointed at;
``$CHAINLINK_USER_DB`` points into the test folder.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from chainlink.errors import DataError
from tests.cli_corpus import file_hash, run_cli

A, B = "91331121MA2AQ00019", "91331121MA2AQ0002C"
CSV = f"统一社会信用代码,企业名称,所在县\n{A},浙江青田华峰鞋业有限公司,青田县\n{B},青田石雕工艺品有限公司,331121\n"


@pytest.fixture
def shipped(shared_mini_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import chainlink.store.registry as registry

    ref = tmp_path / "pkg" / "registry.db"
    ref.parent.mkdir()
    shutil.copyfile(shared_mini_db, ref)
    monkeypatch.setattr(registry, "default_registry_path", lambda: ref)
    monkeypatch.delenv("CHAINLINK_DB", raising=False)
    monkeypatch.setenv("CHAINLINK_USER_DB", str(tmp_path / "data" / "chainlink" / "user.db"))
    (tmp_path / "list.csv").write_text(CSV, encoding="utf-8")
    return ref


def test_import_writes_the_user_registry_only(shipped: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chainlink.imports import import_file
    from chainlink.store.registry import Registry, has_table, locate

    user = tmp_path / "data" / "chainlink" / "user.db"
    before = file_hash(shipped)
    assert locate().describe() == [
        f"reference: {shipped} (read-only)",
        f"user data: {user} (not created yet: the first import creates it)",
    ]
    report = import_file("enterprises", tmp_path / "list.csv")
    assert (report.inserted, report.import_id) == (2, 1)
    assert user.exists()
    assert file_hash(shipped) == before, "the reference registry is never written"
    reg = Registry.open()
    assert has_table(reg.conn, "user_enterprises") and has_table(reg.conn, "counties")
    # unqualified SQL across both files, as firms.py and scoring write it
    joined = reg.conn.execute(
        "SELECT e.credit_code, c.name_zh FROM user_enterprises e JOIN counties c ON c.code = e.county_code "
        "ORDER BY 1"
    ).fetchall()
    assert [tuple(r) for r in joined] == [(A, "青田县"), (B, "青田县")]
    assert [e["credit_code"] for e in reg.enterprises if e["id"] == e["credit_code"]] == [A, B]
    ref_tables = sqlite3.connect(shipped).execute("SELECT name FROM sqlite_master WHERE name LIKE 'user%'")
    assert ref_tables.fetchall() == []
    monkeypatch.setenv("COLUMNS", "1000")  # doctor folds its lines to the terminal width
    code, out, err = run_cli(["doctor", "--no-sources"])
    assert code == 0, out + err
    assert out.splitlines()[0] == f"OK    files: reference: {shipped} (read-only); user data: {user}"
    assert f"OK    user registry: {user}: integrity_check ok, version 3" in out.splitlines()
    code, out, _ = run_cli(["imported", "enterprises", "-f", "csv"])
    assert out.count("\n") == 3


def test_reading_before_any_import(shipped: Path) -> None:
    from chainlink.store.registry import Registry

    reg = Registry.open()
    assert reg.conn.execute("SELECT count(*) FROM user_enterprises").fetchone()[0] == 0
    assert reg.projects  # the reference projects, no user ones


def test_import_into_the_shipped_registry_is_refused(shipped: Path, tmp_path: Path) -> None:
    from chainlink.imports import import_file

    before = file_hash(shipped)
    with pytest.raises(DataError) as info:
        import_file("enterprises", tmp_path / "list.csv", shipped)
    assert str(info.value) == (
        f"{shipped}: is the registry shipped with chainlink (read-only reference data); leave out --db to "
        "import into your user registry, or copy it and pass --db COPY"
    )
    assert file_hash(shipped) == before


def test_legacy_user_rows_move_to_the_user_registry_on_build(
    shipped: Path, tmp_path: Path, mini_root: Path
) -> None:
    from chainlink.imports import import_file
    from chainlink.store.build import compile_registry
    from chainlink.store.registry import Registry

    legacy = tmp_path / "legacy.db"
    shutil.copyfile(shipped, legacy)
    import_file("enterprises", tmp_path / "list.csv", legacy)  # an older chainlink imported into the file
    shutil.copyfile(legacy, shipped)
    with pytest.raises(DataError, match="holds user tables .* run `chainlink build`"):
        Registry.open()
    compile_registry(mini_root, shipped)
    reg = Registry.open()
    assert sorted(r[0] for r in reg.conn.execute("SELECT credit_code FROM user_enterprises")) == [A, B]
    assert not sqlite3.connect(shipped).execute(
        "SELECT count(*) FROM sqlite_master WHERE name LIKE 'user%'"
    ).fetchone()[0]


def test_self_contained_registry_keeps_user_tables_across_builds(
    mini_root: Path, shared_mini_db: Path, tmp_path: Path
) -> None:
    from chainlink.imports import import_file
    from chainlink.store.build import compile_registry

    db = tmp_path / "t.db"
    shutil.copyfile(shared_mini_db, db)  # a build of mini_root (tests/test_build.py checks they are equal)
    (tmp_path / "list.csv").write_text(CSV, encoding="utf-8")
    import_file("enterprises", tmp_path / "list.csv", db)
    compile_registry(mini_root, db)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM user_enterprises").fetchone() == (2,)
