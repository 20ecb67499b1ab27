"""Helpers for tests that edit a copy of the source tree (``mini_root``) to provoke one error."""

from __future__ import annotations

import csv
import functools
import io
import sqlite3
from pathlib import Path

import pytest

from chainlink.sources import SourceErrors, SourceSet, load_sources

ROOT = Path(__file__).resolve().parent.parent


def set_field(path: Path, row_id: str, field: str, value: str) -> int:
    """Set one field of the row whose first column is ``row_id``; return that row's line number."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    col = rows[0].index(field)
    index = next(i for i, r in enumerate(rows) if r[0] == row_id)
    rows[index][col] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return index + 1


@functools.cache
def known_pinyin() -> dict[str, str]:
    """Industry name → pinyin as the shipped registry holds it: what ``build`` hands ``load_sources`` from the
    previous registry. (Computing it costs ≈ 1/3 of a load; tests/test_build.py tests that path.)"""
    conn = sqlite3.connect(ROOT / "registry.db")
    try:
        return dict(conn.execute("SELECT name_zh, pinyin FROM industries"))
    finally:
        conn.close()


def load(root: Path) -> SourceSet:
    """``load_sources(root)`` with the pinyin of known industry names given, as a rebuild does."""
    return load_sources(root, pinyin=known_pinyin())


def source_errors(root: Path) -> list[str]:
    """The errors that loading the sources under ``root`` reports (it must fail)."""
    with pytest.raises(SourceErrors) as info:
        load(root)
    return [str(e) for e in info.value.errors]
