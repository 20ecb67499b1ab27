"""Helpers for tests that edit a copy of the source tree (``mini_root``) to provoke one error."""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import io
import os
import pickle
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


# -- the expensive parts of a load, computed once per input ---------------------------------------------
#
# About 100 tests copy the source tree, break one row of one file and load the whole tree to see the error.
# Three parts of every load read files that most of those tests leave alone and cost ≈ 85 % of it: the
# input-output tables (data/io/), the listed and named firms, and the list of sources with every citation.
# Within ``load`` each of them is computed once per *input* and replayed: the key is the arguments it was
# called with (the tables loaded before it) and every file and folder it read, which an audit hook records
# during the real call (``open``, ``os.scandir``, ``os.listdir`` — whatever way the code reads them); a
# replay first checks those files hold the same bytes and those folders the same names under the new root.
# A test that breaks a file one of them reads runs it for real. What a replay gives is what the call gave:
# its rows (unpickled afresh: the caller may change them) and the errors it added to the collector.

_reading: list[tuple[str, str]] | None = None  # (kind, path) while a part runs for real


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _reading is None or event not in ("open", "os.scandir", "os.listdir"):
        return
    if args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.fsdecode(args[0])
        if event == "open":  # and its folder's names: a file that was absent then (only looked for) may be there now
            _reading.extend((("file", path), ("dir", os.path.dirname(path) or ".")))
        else:
            _reading.append(("dir", path))


sys.addaudithook(_audit)  # an audit hook cannot be removed: it does nothing while ``_reading`` is None


def _state(root: Path, reads: list[tuple[str, str]]) -> tuple[tuple[str, str, bytes], ...] | None:
    """What ``reads`` found under ``root``: (kind, path relative to root, digest); paths outside ``root``
    (chainlink's own package data) do not change during a run. None if one of them is gone."""
    seen = []
    for kind, raw in dict.fromkeys(reads):
        path = Path(raw)
        try:
            rel = path.relative_to(root).as_posix()
        except ValueError:
            continue
        try:
            if kind == "file":
                digest = hashlib.blake2b(path.read_bytes()).digest()
            else:
                digest = "\0".join(sorted(os.listdir(path))).encode()
        except OSError:
            return None
        seen.append((kind, rel, digest))
    return tuple(seen)


# per function (the object: a test that replaces one is not answered with the other's results): the four
# latest (key, what it read, pickled rows, errors added)
_MEMO: dict[Callable[..., Any], list[tuple[bytes, tuple[tuple[str, str, bytes], ...], bytes, list[Any]]]] = {}


def _replayed(real: Callable[..., Any]) -> Callable[..., Any]:
    """``real(root, col, *args, **kwargs)`` computed once per input (see above)."""

    def part(root: Path, col: Any, *args: Any, **kwargs: Any) -> Any:
        global _reading
        root = Path(root)
        key = hashlib.blake2b(pickle.dumps((args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)).digest()
        for known_key, reads, result, errors in _MEMO.get(real, []):
            if known_key == key and _state(root, [(k, str(root / rel)) for k, rel, _ in reads]) == reads:
                col.errors.extend(errors)
                return pickle.loads(result)
        before, outer, _reading = len(col.errors), _reading, []
        try:
            value = real(root, col, *args, **kwargs)
            reads = _state(root, _reading)
        finally:
            _reading = outer
        if reads is None:
            return value
        result = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        entries = _MEMO.setdefault(real, [])
        entries.insert(0, (key, reads, result, col.errors[before:]))
        del entries[4:]
        return pickle.loads(result)  # as a replay gives it: the tables loaded after it see the same input

    return part


_PINYIN: dict[tuple[Callable[..., Any], tuple[str, ...]], list[str]] = {}


def _pinyin_once(real: Callable[[list[str]], list[str]]) -> Callable[[list[str]], list[str]]:
    """``industry_pinyin(names)`` (pypinyin, ≈ 0.3 CPU s for every industry name) once per list of names."""

    def pinyin(names: list[str]) -> list[str]:
        key = (real, tuple(names))
        if key not in _PINYIN:
            _PINYIN[key] = real(names)
        return list(_PINYIN[key])

    return pinyin


_active = False  # within ``replayed_loads``


@contextlib.contextmanager
def replayed_loads() -> Iterator[None]:
    """Within this, loads of the sources (``load_sources``, and so ``compile_tables``, builds and checks in this
    process) replay the input-output tables, the firms and the list of sources when their inputs are those
    of an earlier load (see above), and the pinyin of a list of industry names computed before."""
    global _active
    # Within another (``load`` in a test that uses ``mini_root``) the parts already replay. Wrapped twice, the
    # outer replay was keyed by the inner wrapper, new each time, and never found: it pickled every result again.
    if _active:
        yield
        return
    import chainlink.sources.listed as listed
    import chainlink.sources.load as loading
    import chainlink.sources.tables as tables

    with pytest.MonkeyPatch.context() as patch:
        parts = ((loading, "_load_io"), (loading, "_load_source_list"), (listed, "real_enterprise_tables"))
        for module, name in parts:
            patch.setattr(module, name, _replayed(getattr(module, name)))
        patch.setattr(tables, "industry_pinyin", _pinyin_once(tables.industry_pinyin))
        _active = True
        try:
            yield
        finally:
            _active = False


def load(root: Path) -> SourceSet:
    """``load_sources(root)`` with the pinyin of known industry names given, as a rebuild does; the input-output
    tables, the firms and the list of sources replayed when their inputs are those of an earlier load."""
    with replayed_loads():
        return load_sources(root, pinyin=known_pinyin())


def source_errors(root: Path) -> list[str]:
    """The errors that loading the sources under ``root`` reports (it must fail)."""
    with pytest.raises(SourceErrors) as info:
        load(root)
    return [str(e) for e in info.value.errors]
