"""Issue 15 item 2: imported data survives `pip install --force-reinstall` of a normal (non-editable) install.

Builds the wheel (``pip wheel --no-deps --no-build-isolation``), installs it in a fresh virtual environment
whose dependencies come from the test environment (a ``.pth`` line placed after the venv's own
site-packages, so the installed wheel's ``chainlink`` wins over the editable one), imports a small
enterprise CSV with the default locations (``$XDG_DATA_HOME`` points into the test folder), reinstalls,
and finds the rows still there, the shipped registry inside site-packages unchanged and without user tables.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
A, B = "91331121MA2AQ00019", "91331121MA2AQ0002C"


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-2000:])
    return result


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_user_data_survives_force_reinstall(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("CHAINLINK_DB", "CHAINLINK_USER_DB", "PYTHONPATH")}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    env["HOME"] = str(tmp_path / "home")
    wheels = tmp_path / "wheels"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(ROOT)],
        env,
        tmp_path,
    )
    (wheel,) = wheels.glob("chainlink-*.whl")
    target = tmp_path / "venv"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    )
    (site / "zz_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # pip run by the venv's Python (importable through the .pth line), as `pip --python VENV` runs it after
    # starting once more (≈ 0.6 CPU s); --no-compile: the byte code of the installed package is not what this
    # test is about
    pip = [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--no-compile"]
    _run([*pip, str(wheel)], env, tmp_path)
    shipped = site / "chainlink" / "registry.db"
    assert shipped.exists()
    before = _sha(shipped)
    chainlink = [str(python), "-m", "chainlink"]
    version = _run([*chainlink, "--version"], env, tmp_path).stdout
    user_db = tmp_path / "xdg" / "chainlink" / "user.db"
    assert f"reference: {shipped} (read-only)" in version
    assert f"user data: {user_db} (not created yet" in version
    csv = tmp_path / "list.csv"
    csv.write_text(
        "统一社会信用代码,企业名称,所在县\n" f"{A},浙江青田华峰鞋业有限公司,青田县\n" f"{B},青田石雕工艺品有限公司,331121\n",
        encoding="utf-8",
    )
    out = _run([*chainlink, "import", "enterprises", str(csv)], env, tmp_path).stdout
    assert "2 new" in out
    assert user_db.exists()
    assert _sha(shipped) == before, "an import never writes the shipped registry"

    _run([*pip, "--force-reinstall", str(wheel)], env, tmp_path)
    listed = _run([*chainlink, "imported", "enterprises", "-f", "csv"], env, tmp_path).stdout
    assert listed.splitlines()[1:] == [
        f"{A},{A},浙江青田华峰鞋业有限公司,331121,,,,,0,import of list.csv,unverified",
        f"{B},{B},青田石雕工艺品有限公司,331121,,,,,0,import of list.csv,unverified",
    ]
    conn = sqlite3.connect(f"file:{shipped}?mode=ro", uri=True)
    user_tables = conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'user%'").fetchall()
    conn.close()
    assert user_tables == []
    doctor = " ".join(_run([*chainlink, "doctor", "--no-sources"], env, tmp_path).stdout.split())  # lines folded
    assert f"user data: {user_db}" in doctor
    assert "2 user_enterprises" in doctor
