"""Issue 15: process-level faults and the remaining items that are not one-line corpus cases.

Kill -9 and SIGINT during a build, the write lock's wait, ``-o -``, stale xlsx dimensions, every OWASP
formula prefix, and doctor finding reference tables changed since the build.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_corpus import file_hash, run_cli
from tests.test_import_corpus import registry_hash

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "data" / "bad" / "cli"


def _temps(folder: Path, name: str) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(f".{name}."))


def _start_build(root: Path, db: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "CHAINLINK_DB"}
    return subprocess.Popen(
        [sys.executable, "-m", "chainlink", "build", "--force", "--sources", str(root), "--db", str(db)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_temp(proc: subprocess.Popen[str], folder: Path, name: str, timeout: float = 300) -> bool:
    """Wait until the build's temporary file exists (the build is writing it; SQLite may keep its pages in
    memory until the commit, so the file can still be empty)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if any(p.suffix == ".tmp" for p in _temps(folder, name)):
            return True
        time.sleep(0.002)
    return False


@pytest.fixture
def built(mini_root: Path, shared_mini_db: Path) -> Path:
    """A registry built from ``mini_root`` (the session's compile of the same tree, copied)."""
    db = mini_root / "r.db"
    shutil.copyfile(shared_mini_db, db)
    return db


def test_kill_9_during_build_leaves_registry_and_next_build_cleans_up(mini_root: Path, built: Path) -> None:
    before = file_hash(built)
    for _attempt in range(5):
        proc = _start_build(mini_root, built)
        if _wait_for_temp(proc, mini_root, "r.db"):
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            break
        proc.wait()
    else:
        pytest.skip("the build finished before it could be killed five times")
    left = _temps(mini_root, "r.db")
    assert left, "kill -9 leaves the temporary file (nothing can remove it then)"
    assert all(f".r.db.build-{proc.pid}-" in p.name for p in left)
    assert file_hash(built) == before, "the old registry is untouched"
    remains = {p.name: p.read_bytes() for p in left}  # what the killed build left, byte for byte
    # doctor removes what the dead build left
    code, out, err = run_cli(["doctor", "--db", str(built), "--no-sources"])
    assert f"OK    temp files: removed {len(left)} stale temporary file(s) of killed builds" in out.splitlines()
    assert _temps(mini_root, "r.db") == []
    # and so does the next build, if doctor did not run: the same remains of the same dead process (another
    # build killed the same way leaves files that differ only in its process id)
    for name, data in remains.items():
        (mini_root / name).write_bytes(data)
    assert _temps(mini_root, "r.db") == left
    from chainlink.store.build import compile_registry

    compile_registry(mini_root, built)
    assert _temps(mini_root, "r.db") == []


def test_sigint_during_build_says_interrupted_and_cleans_up(mini_root: Path, built: Path) -> None:
    before = file_hash(built)
    for _attempt in range(5):
        proc = _start_build(mini_root, built)
        if _wait_for_temp(proc, mini_root, "r.db"):
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=120)
            if proc.returncode != 0:  # 0: the rename happened before the signal arrived; try again
                break
            before = file_hash(built)
            continue
        proc.communicate()
    else:
        pytest.skip("the build finished before it could be interrupted five times")
    assert (proc.returncode, err) == (130, "chainlink: interrupted\n")
    assert _temps(mini_root, "r.db") == [], "no temporary file or journal is left"
    assert file_hash(built) == before


def test_failed_build_removes_its_temp_file_and_journal(mini_root: Path, built: Path, monkeypatch) -> None:
    import chainlink.store.build as build

    def boom(db, name, pk, rows):  # noqa: ANN001
        if name == "edges":
            raise RuntimeError("disk on fire")
        return original(db, name, pk, rows)

    original = build._write_table
    monkeypatch.setattr(build, "_write_table", boom)
    with pytest.raises(RuntimeError):
        build.compile_registry(mini_root, built)
    assert _temps(mini_root, "r.db") == []


def test_ctrl_c_inside_mkstemp_leaves_no_temp_file(mini_root: Path, built: Path, monkeypatch) -> None:
    """A Ctrl-C can land after mkstemp has created the file and before it returns the name (under load, the
    SIGINT test above once left a ``.tmp`` that way): the clean-up finds the file by its name."""
    import tempfile

    import chainlink.store.build as build

    real = tempfile.mkstemp

    def interrupted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        real(*args, **kwargs)
        raise KeyboardInterrupt

    before = file_hash(built)
    monkeypatch.setattr(build.tempfile, "mkstemp", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build.compile_registry(mini_root, built)
    assert _temps(mini_root, "r.db") == []
    assert file_hash(built) == before


def test_sigint_during_import_rolls_back(shared_mini_db: Path, tmp_path: Path) -> None:
    from chainlink.base.credit import complete

    db = tmp_path / "t.db"
    shutil.copyfile(shared_mini_db, db)
    big = tmp_path / "big.csv"
    with open(big, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["统一社会信用代码", "企业名称", "所在县"])
        for i in range(300_000):
            writer.writerow([complete(f"91331121MA{i:07d}"), f"青田第{i}鞋业有限公司", "青田县"])
    before = registry_hash(db)
    env = {k: v for k, v in os.environ.items() if k != "CHAINLINK_DB"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "chainlink", "import", "enterprises", str(big), "--db", str(db)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if Path(f"{db}-wal").exists() or Path(f"{db}-journal").exists():
            break
        time.sleep(0.01)
    if proc.poll() is not None:
        pytest.skip("the import finished before it could be interrupted")
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert (proc.returncode, err) == (130, "chainlink: interrupted\n")
    conn = sqlite3.connect(db)
    tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'user_enterprises'").fetchone()
    assert tables == (0,) or conn.execute("SELECT count(*) FROM user_enterprises").fetchone() == (0,)
    conn.close()
    assert registry_hash(db) == before


def test_write_lock_waits_and_says_so(shared_mini_db: Path, tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "t.db"
    shutil.copyfile(shared_mini_db, db)
    (tmp_path / "ok.csv").write_text(
        "统一社会信用代码,企业名称,所在县\n91331121MA2AQ00019,浙江青田华峰鞋业有限公司,青田县\n", encoding="utf-8"
    )
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({str(db)!r}, isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\nprint('locked', flush=True)\ntime.sleep(3)\nc.execute('ROLLBACK')\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline() == "locked\n"
    started = time.monotonic()
    code, out, err = run_cli(["import", "enterprises", str(tmp_path / "ok.csv"), "--db", str(db)])
    waited = time.monotonic() - started
    holder.wait()
    assert code == 0, err
    assert err == (
        f"chainlink: waiting for {db} (another import, migration or build is writing it; up to 30 s)\n"
    )
    assert "1 new" in out
    assert waited >= 1.0


def test_dash_means_stdout(shared_mini_db: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["counties", "--db", str(shared_mini_db), "-f", "csv", "-o", "-"])
    assert (code, err) == (0, "")
    assert out.startswith("code,")
    assert not (tmp_path / "-").exists()
    code, out, err = run_cli(["export", "--db", str(shared_mini_db), "-o", "-"])
    assert (code, err) == (0, "")
    assert out.startswith("county_code,")
    assert not (tmp_path / "-").exists()


def test_stale_xlsx_dimension_reads_every_row(shared_mini_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    shutil.copyfile(shared_mini_db, db)
    code, out, err = run_cli(["import", "enterprises", str(BAD / "stale_dimension.xlsx"), "--db", str(db)])
    assert code == 0, err
    assert "10 row(s) read, 10 valid (10 new" in out
    assert (
        "chainlink: note: sheet 'Sheet' says it ends at row 4 (a stale <dimension>), but holds rows up to 11: "
        "read them all"
    ) in err.splitlines()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM user_enterprises").fetchone() == (10,)


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_every_owasp_prefix_is_escaped(prefix: str) -> None:
    from openpyxl import load_workbook

    from chainlink.base.output import render, unescape_formula
    from chainlink.outputs.xlsx import Sheet, workbook_bytes

    value = f"{prefix}HYPERLINK(\"http://x\",\"y\")"
    for fmt, sep in (("csv", ","), ("tsv", "\t")):
        text = render([{"a": value}], ["a"], fmt, escape_formulas=True)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
        (cell,) = rows[1]
        assert cell == "'" + value
        assert unescape_formula(cell) == value
    book = load_workbook(io.BytesIO(workbook_bytes([Sheet("s", ["a"], [{"a": value}])])))
    cell = book.active["A2"]
    # (XML reading turns a carriage return into a line feed; what matters is the text cell and the prefix)
    assert (cell.value.replace("\n", "\r"), cell.data_type, cell.quotePrefix) == (
        value.replace("\n", "\r"), "s", True
    )


def test_doctor_finds_reference_tables_changed(shared_mini_db: Path, tmp_path: Path) -> None:
    from chainlink.store.doctor import diagnose

    db = tmp_path / "t.db"
    shutil.copyfile(shared_mini_db, db)
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM counties WHERE code = (SELECT max(code) FROM counties)")
    conn.execute("UPDATE chains SET name_zh = name_zh || 'x' WHERE rowid = 1")
    conn.commit()
    conn.close()
    checks = {c.name: c for c in diagnose(db, check_sources=False)}
    assert checks["reference tables"].status == "fail"
    assert checks["reference tables"].detail == (
        "chains content changed since the build; counties has 25 rows, built with 26"
    )
    code, out, err = run_cli(["doctor", "--db", str(db), "--no-sources"])
    assert code == 1
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE segments")
    conn.commit()
    conn.close()
    checks = {c.name: c for c in diagnose(db, check_sources=False)}
    assert checks["reference tables"].detail.startswith("segments missing")
