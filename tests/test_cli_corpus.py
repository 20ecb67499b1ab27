"""The command-line bad-input corpus (issue 15): each case is one command on bad input or a hostile path,
with its exact stderr (one line), its exit code, and the registry files unchanged (byte hash).

Cases run in-process (:func:`tests.cli_corpus.run_cli`) in a folder holding ``t.db`` (a copy of the mini
registry) and the files a case sets up; ``{db}``, ``{tmp}`` and ``{bad}`` (tests/data/bad/cli) are filled in.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.cli_corpus import file_hash, run_cli

BAD = Path(__file__).resolve().parent / "data" / "bad" / "cli"
ENT = "统一社会信用代码,企业名称,所在县\n91331121MA2AQ00019,浙江青田华峰鞋业有限公司,青田县\n"
BAD_ENT = ENT + "91331121MA2AQ00018,青田石雕工艺品有限公司,青田县\n"


@dataclass
class Case:
    """One corpus case: its id, arguments, exit code, exact stderr, and an optional set-up of ``tmp``."""

    id: str
    args: list[str]
    code: int
    stderr: str
    setup: Callable[[Path], None] | None = None
    env: dict[str, str] = field(default_factory=dict)


def _files(**files: str | bytes) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        for name, body in files.items():
            path = tmp / name.replace("__", "/")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)

    return setup


def _symlink(name: str, to: str) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        (tmp / name).symlink_to(tmp / to)

    return setup


def _hardlink(name: str, to: str) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        os.link(tmp / to, tmp / name)

    return setup


def _both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        for step in steps:
            step(tmp)

    return setup


def _sql(*statements: str) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        conn = sqlite3.connect(tmp / "t.db")
        for sql in statements:
            conn.execute(sql)
        conn.commit()
        conn.close()

    return setup


def _corrupt(table: str) -> Callable[[Path], None]:
    """Overwrite the start of ``table``'s root page with 0xFF bytes (a damaged page, as a bad disk leaves)."""

    def setup(tmp: Path) -> None:
        conn = sqlite3.connect(tmp / "t.db")
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
        (size,) = conn.execute("PRAGMA page_size").fetchone()
        conn.close()
        with open(tmp / "t.db", "r+b") as fh:
            fh.seek((root - 1) * size)
            fh.write(b"\xff" * 64)

    return setup


REFUSE = "writing there would destroy it: choose another"
DAMAGED = "run `chainlink doctor`, then rebuild it with `chainlink build` (or restore a copy)"
CASES = [
    # -- item 1: no output may resolve to the registry -------------------------------------------------
    Case("1-export-o-db", ["export", "--db", "t.db", "-o", "t.db"], 2,
         f"chainlink: error: t.db: is the registry ({{db}}); {REFUSE} --output"),
    Case("1-imported-log-o-db", ["imported", "log", "--db", "t.db", "-o", "t.db"], 2,
         f"chainlink: error: t.db: is the registry ({{db}}); {REFUSE} --output"),
    Case("1-match-xlsx-env", ["match", "qingtian", "-f", "xlsx", "-o", "t.db"], 2,
         f"chainlink: error: t.db: is the registry ({{db}}); {REFUSE} --output", env={"CHAINLINK_DB": "t.db"}),
    Case("1-rejects-db", ["import", "enterprises", "bad.csv", "--db", "t.db", "--skip-invalid", "--rejects", "t.db"], 2,
         f"chainlink: error: t.db: is the registry ({{db}}); {REFUSE} --rejects", _files(**{"bad.csv": BAD_ENT})),
    Case("1-symlink", ["export", "--db", "t.db", "-o", "link.csv"], 2,
         f"chainlink: error: link.csv: is the registry ({{db}}); {REFUSE} --output", _symlink("link.csv", "t.db")),
    Case("1-hardlink", ["imported", "log", "--db", "t.db", "-f", "csv", "-o", "hard.csv"], 2,
         f"chainlink: error: hard.csv: is the registry ({{db}}); {REFUSE} --output", _hardlink("hard.csv", "t.db")),
    Case("1-relative", ["export", "--db", "t.db", "-o", "sub/../t.db"], 2,
         f"chainlink: error: sub/../t.db: is the registry ({{db}}); {REFUSE} --output", _files(sub__x="")),
    Case("1-wal", ["export", "--db", "t.db", "-o", "t.db-wal"], 2,
         f"chainlink: error: t.db-wal: is the registry's wal file ({{db}}-wal); {REFUSE} --output"),
    Case("1-journal", ["chains", "list", "--db", "t.db", "-f", "csv", "-o", "t.db-journal"], 2,
         f"chainlink: error: t.db-journal: is the registry's journal file ({{db}}-journal); {REFUSE} --output"),
    Case("1-user-db", ["counties", "-f", "csv", "-o", "user.db"], 2,
         f"chainlink: error: user.db: is the registry ({{tmp}}/user.db); {REFUSE} --output",
         env={"CHAINLINK_DB": "", "CHAINLINK_USER_DB": "user.db"}),
    # -- item 11: one-line errors, exit 2 for usage -----------------------------------------------------
    Case("11-project-folder", ["match", "--db", "t.db", "--project", "sub"], 1,
         "chainlink: error: sub: is a folder; give a project file", _files(sub__x="")),
    Case("11-export-check-folder", ["export", "--db", "t.db", "--check", "sub"], 1,
         "chainlink: error: sub: is a folder; give a file", _files(sub__x="")),
    Case("11-dev-full", ["chains", "list", "--db", "t.db", "-f", "csv", "-o", "/dev/full"], 1,
         "chainlink: error: /dev/full: cannot write (No space left on device); free some space or write elsewhere"),
    # a folder the process may not write into, even as root: sysfs refuses new files (EACCES)
    Case("11-read-only-folder", ["chains", "list", "--db", "t.db", "-f", "csv", "-o", "/sys/x.csv"], 1,
         "chainlink: error: /sys/x.csv: cannot write (Permission denied); the file or its folder is not writable: "
         "choose another --output"),
    Case("11-top-abc", ["match", "qingtian", "--db", "t.db", "--top", "abc"], 2,
         "chainlink: error: invalid value for '--top' / '-n': 'abc' is not a valid int range; "
         "see `chainlink match --help`"),
    Case("11-threshold-500", ["enterprises", "dedupe", "--db", "t.db", "--threshold", "500"], 2,
         "chainlink: error: invalid value for '--threshold': 500.0 is not in the range 0<=x<=100; "
         "see `chainlink enterprises dedupe --help`"),
    Case("11-confidence-bogus", ["import", "enterprises", "ok.csv", "--db", "t.db", "--confidence", "bogus"], 2,
         "chainlink: error: unknown --confidence 'bogus'; use one of sourced, unverified, sample",
         _files(**{"ok.csv": ENT})),
    Case("11-missing-file", ["import", "enterprises", "nope.csv", "--db", "t.db"], 1,
         "chainlink: error: nope.csv: file not found; check the path"),
    Case("11-long-county", ["match", "x" * 131_072, "--db", "t.db"], 1,
         "chainlink: error: unknown county '" + "x" * 79 + "…' (131,072 characters); "
         "list them with `chainlink counties`"),
    Case("11-no-such-option", ["export", "--db", "t.db", "--bogus"], 2,
         "chainlink: error: no such option: --bogus; did you mean --bom? (see `chainlink export --help`)"),
    # -- items 3, 4, 8: xlsx and encodings ------------------------------------------------------------
    Case("4-gbk-utf8-last-row", ["import", "enterprises", "{bad}/gbk_utf8_last_row.csv", "--db", "t.db"], 1,
         "chainlink: error: {bad}/gbk_utf8_last_row.csv:3: this line is UTF-8 text in a file read as GB18030/GBK; "
         "the file mixes encodings: save the whole file again in one encoding (UTF-8), or pass --encoding"),
    Case("8-declares-2m-rows", ["import", "enterprises", "{bad}/declares_2m_rows.xlsx", "--db", "t.db"], 1,
         "chainlink: error: {bad}/declares_2m_rows.xlsx: sheet 'Sheet' declares 2,000,000 rows, more than Excel's "
         "1,048,576; the file was not made by Excel: save it as CSV"),
    Case("8-unpacks-over-limit",
         ["import", "enterprises", "{bad}/unpacks_2mb.xlsx", "--db", "t.db", "--max-xlsx-mb", "1"], 1,
         "chainlink: error: {bad}/unpacks_2mb.xlsx: the workbook unpacks to 2 MiB, more than the limit of 1 MiB; "
         "pass --max-xlsx-mb N to raise the limit if the file is genuine, or save the sheet as CSV"),
    # -- item 7: YAML aliases, deep nesting -------------------------------------------------------------
    Case("7-billion-laughs", ["match", "--db", "t.db", "--project", "{bad}/billion_laughs.yaml"], 1,
         "chainlink: error: {bad}/billion_laughs.yaml:4: YAML alias *a is not allowed (aliases can expand a small "
         "file without bound); write the value out in full"),
    Case("7-deep-json-import", ["import", "enterprises", "{bad}/deep.json", "--db", "t.db"], 1,
         "chainlink: error: {bad}/deep.json: JSON nested too deeply to read (hundreds of levels); rows are flat objects"),
    Case("7-deep-json-project", ["match", "--db", "t.db", "--project", "{bad}/deep_project.json"], 1,
         "chainlink: error: {bad}/deep_project.json: JSON nested too deeply to read"),
    Case("7-deep-yaml", ["match", "--db", "t.db", "--project", "{bad}/deep.yaml"], 1,
         "chainlink: error: {bad}/deep.yaml:1: YAML nested more than 100 levels deep; chainlink's files need a few"),
    Case("7-scenario-aliases", ["allocate", "--db", "t.db", "--scenario", "{bad}/billion_laughs.yaml"], 1,
         "chainlink: error: {bad}/billion_laughs.yaml:4: YAML alias *a is not allowed (aliases can expand a small "
         "file without bound); write the value out in full"),
    Case("7-preset-aliases", ["match", "qingtian", "--db", "t.db", "--preset", "{bad}/billion_laughs.yaml"], 1,
         "chainlink: error: {bad}/billion_laughs.yaml:4: YAML alias *a is not allowed (aliases can expand a small "
         "file without bound); write the value out in full"),
    Case("7-deep-json-projects", ["allocate", "--db", "t.db", "--projects", "{bad}/deep.json"], 1,
         "chainlink: error: {bad}/deep.json: JSON nested too deeply to read"),
    Case("7-deep-json-run", ["diff", "{bad}/deep.json", "{bad}/deep.json"], 1,
         "chainlink: error: {bad}/deep.json: JSON nested too deeply to read; expected a run file from "
         "`chainlink allocate`"),
    Case("11-run-folder", ["diff", "sub", "sub"], 1, "chainlink: error: sub: is a folder, not a run file",
         _files(sub__x="")),
    # -- item 9: project files get the import limits ----------------------------------------------------
    Case("9-infinity", ["match", "--db", "t.db", "--project", "{bad}/project_infinity.json"], 1,
         "chainlink: error: {bad}/project_infinity.json: investment: 'inf' is not a finite number"),
    Case("9-1e308", ["match", "--db", "t.db", "--project", "{bad}/project_1e308.json"], 1,
         "chainlink: error: {bad}/project_1e308.json: investment: 1e+308 is more than 1e+08; "
         "investment is in 万元 (10,000 yuan): check the unit"),
    Case("9-true", ["match", "--db", "t.db", "--project", "{bad}/project_true.json"], 1,
         "chainlink: error: {bad}/project_true.json: investment: true is true/false, not a number"),
    Case("9-long-name", ["match", "--db", "t.db", "--project", "{bad}/project_long_name.yaml"], 1,
         "chainlink: error: {bad}/project_long_name.yaml:1: name: '" + "长" * 59
         + "… (10,000 characters)' is 10,000 characters long, at most 200"),
    Case("9-bidi", ["match", "--db", "t.db", "--project", "{bad}/project_bidi.yaml"], 1,
         "chainlink: error: {bad}/project_bidi.yaml:1: name: '\\x1b[31m示例\\u202e目项' contains the control or "
         "text-direction character U+001B; remove it"),
    # -- items 5, 14: damaged registries: one line, no traceback; nothing written ----------------------
    Case("5-dropped-segments", ["match", "qingtian", "--db", "t.db"], 1,
         f"chainlink: error: t.db: the registry is damaged or incomplete (table segments missing); {DAMAGED}",
         _sql("DROP TABLE segments")),
    Case("5-dropped-counties", ["export", "--db", "t.db"], 1,
         f"chainlink: error: t.db: the registry is damaged or incomplete (table counties missing); {DAMAGED}",
         _sql("DROP TABLE counties")),
    Case("5-corrupt-edges", ["match", "qingtian", "--db", "t.db"], 1,
         f"chainlink: error: t.db: the registry is damaged or incomplete (database disk image is malformed); {DAMAGED}",
         _corrupt("edges")),
    Case("14-import-corrupt", ["import", "enterprises", "ok.csv", "--db", "t.db"], 1,
         "chainlink: error: t.db: the registry is damaged (SQLite cannot read every page); nothing was written; "
         "run `chainlink doctor`, then rebuild it or restore a copy",
         _both(_corrupt("edges"), _files(**{"ok.csv": ENT}))),
    # -- item 13: build --db FOLDER -----------------------------------------------------------------
    Case("13-build-db-folder", ["build", "--db", "sub"], 1,
         "chainlink: error: sub: is a folder; pass --db FILE (the registry file to write)", _files(sub__x="")),
]


@pytest.fixture
def folder(shared_mini_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copyfile(shared_mini_db, tmp_path / "t.db")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _fill(text: str, tmp: Path) -> str:
    return text.replace("{db}", str(tmp / "t.db")).replace("{tmp}", str(tmp)).replace("{bad}", str(BAD))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cli_case(case: Case, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if case.setup:
        case.setup(folder)
    for key, value in case.env.items():
        if value:
            monkeypatch.setenv(key, value)
        else:
            monkeypatch.delenv(key, raising=False)
    watched = [folder / "t.db", folder / "user.db"]
    before = file_hash(*watched)
    code, _out, err = run_cli([_fill(a, folder) for a in case.args])
    expected = _fill(case.stderr, folder)
    assert err == expected + "\n"
    assert code == case.code
    assert file_hash(*watched) == before
