"""Run the command line in-process for the bad-input corpus (tests/test_cli_corpus.py) and the fuzz test."""

from __future__ import annotations

import contextlib
import hashlib
import io
import sqlite3
from pathlib import Path


def run_cli(args: list[str]) -> tuple[int, str, str]:
    """``chainlink ARGS`` in this process: (exit code, stdout, stderr)."""
    from chainlink.cli import main

    out, err = io.StringIO(), io.StringIO()
    out_bin = io.BytesIO()

    stdout = io.TextIOWrapper(out_bin, encoding="utf-8", write_through=True)
    code = 0
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(stdout):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    stdout.flush()
    out.write(out_bin.getvalue().decode("utf-8", "replace"))
    return code, out.getvalue(), err.getvalue()


def file_hash(*paths: Path) -> str:
    """SHA-256 of the bytes of each file that exists (and of which ones exist): 'unchanged registry'."""
    digest = hashlib.sha256()
    for path in paths:
        for suffix in ("", "-wal", "-journal"):
            side = Path(f"{path}{suffix}")
            digest.update(f"{side.name}:{side.exists()}".encode())
            if side.exists() and side.is_file():
                digest.update(side.read_bytes())
    return digest.hexdigest()


def user_rows(db: Path) -> int:
    """Rows in the user tables of a registry (0 when it has none)."""
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'user\\_%' ESCAPE '\\' AND type = 'table'")]
    total = sum(conn.execute(f"SELECT count(*) FROM [{n}]").fetchone()[0] for n in names)
    conn.close()
    return total

