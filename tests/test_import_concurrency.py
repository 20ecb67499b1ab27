"""Readers running while a long import writes see the old registry or the new one, never a mix.

A reader process opens the registry read-only again and again and, inside one read transaction,
reads the enterprise count and the import log in separate statements (with a pause between them),
while a writer process imports a large file. Every observation must be the state before the import
or the state after it; the reader must keep reading (not be blocked) while the write is under way.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from chainlink.base.credit import complete

READER = r"""
import json, sys, time
from pathlib import Path
from chainlink.store.registry import Registry
db, stop = sys.argv[1], Path(sys.argv[2])
seen, errors = [], []
while not stop.exists():
    try:
        reg = Registry.open(db)
        conn = reg.conn
        conn.isolation_level = None
        conn.execute("BEGIN")
        enterprises = conn.execute("SELECT count(*) FROM user_enterprises").fetchone()[0]
        time.sleep(0.003)
        imports, inserted = conn.execute(
            "SELECT count(*), coalesce(sum(rows_inserted), 0) FROM user_import_log"
        ).fetchone()
        conn.execute("COMMIT")
        conn.close()
        seen.append([time.time(), enterprises, imports, inserted])
    except Exception as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    time.sleep(0.002)
print(json.dumps({"seen": seen, "errors": errors}))
"""

WRITER = r"""
import json, sys, time
from chainlink.imports import import_file
start = time.time()
report = import_file("enterprises", sys.argv[1], sys.argv[2])
print(json.dumps({"start": start, "end": time.time(), "inserted": report.inserted}))
"""


def enterprise_file(path: Path, start: int, count: int) -> Path:
    counties = ["331121", "青田县", "330881", "江山", "331123", "遂昌县"]
    lines = ["credit_code,name_zh,county_code,gbt_codes,source,confidence"]
    for i in range(start, start + count):
        code = complete(f"913311{i:011d}")
        lines.append(f"{code},并发测试第{i}号有限公司,{counties[i % len(counties)]},1952,test,sample")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_readers_see_old_or_new_never_a_mix(shared_mini_db: Path, tmp_path: Path) -> None:
    from chainlink.imports import import_file

    db = tmp_path / "registry.db"
    shutil.copyfile(shared_mini_db, db)
    import_file("enterprises", enterprise_file(tmp_path / "small.csv", 0, 200), db)
    big = enterprise_file(tmp_path / "big.csv", 1000, 40_000)
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db), str(stop)], stdout=subprocess.PIPE, text=True
    )
    time.sleep(1.0)  # the reader is up and reading the old state
    writer = subprocess.run(
        [sys.executable, "-c", WRITER, str(big), str(db)], capture_output=True, text=True, timeout=300
    )
    assert writer.returncode == 0, writer.stderr
    time.sleep(0.5)
    stop.touch()
    out, _ = reader.communicate(timeout=60)
    result, wrote = json.loads(out), json.loads(writer.stdout)
    assert wrote["inserted"] == 40_000
    assert result["errors"] == []
    old, new = (200, 1, 200), (40_200, 2, 40_200)
    states = [tuple(s[1:]) for s in result["seen"]]
    assert set(states) <= {old, new}, set(states) - {old, new}
    during = [s for s in result["seen"] if wrote["start"] < s[0] < wrote["end"]]
    assert len(during) >= 5, "the reader kept reading while the import ran"
    assert states[0] == old and states[-1] == new
    first_new = states.index(new)
    assert all(state == new for state in states[first_new:]), "once new, never old again"
