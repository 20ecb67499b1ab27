"""Compile the sources into ``registry.db`` (one transaction, temp file + rename), or check it.

``compile_registry`` validates everything first; if any source is wrong nothing is written.
``check_registry`` compares the registry's content (rows, not bytes) with what the sources
would compile to now.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chainlink.errors import DataError
from chainlink.registry import SCHEMA_VERSION
from chainlink.sources import load_sources

# table → primary key (or None for rowid tables); the order is the write order.
TABLES: dict[str, str | tuple[str, ...] | None] = {
    "industries": "code",
    "industry_crosswalk": ("code_2011", "code_2017"),
    "counties": "code",
    "partners": "id",
    "pairings": "id",
    "characteristic_industries": "id",
    "partner_industries": "id",
    "chains": "id",
    "segments": "key",
    "edges": ("from_key", "to_key"),
}
DEFAULT_EDGE_WEIGHT = 1.0


def default_sources_root() -> Path:
    """The checkout the package was installed from (editable installs), else the current folder."""
    here = Path(__file__).resolve().parent.parent
    if (here / "chains").is_dir() and (here / "data").is_dir():
        return here
    return Path.cwd()


def compile_tables(root: str | Path) -> dict[str, list[dict[str, Any]]]:
    """Validate the sources under ``root`` and return every registry table's rows."""
    tables = load_sources(root).tables
    for edge in tables["edges"]:
        if edge["weight"] is None:
            edge["weight"] = DEFAULT_EDGE_WEIGHT
            edge["weight_source"] = "default"
    return tables


def content_hash(tables: dict[str, list[dict[str, Any]]]) -> str:
    """A SHA-256 over the canonical JSON of every table (order of rows normalised)."""
    digest = hashlib.sha256()
    for name in sorted(tables):
        rows = sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in tables[name])
        digest.update(name.encode())
        for row in rows:
            digest.update(row.encode())
    return digest.hexdigest()


@dataclass
class BuildReport:
    """What a build wrote: the registry path and the row count of each table."""

    path: Path
    counts: dict[str, int]
    sources_hash: str


def compile_registry(root: str | Path, db_path: str | Path) -> BuildReport:
    """Build ``db_path`` from the sources under ``root`` atomically and return a report."""
    import sqlite_utils

    tables = compile_tables(root)
    digest = content_hash(tables)
    target = Path(db_path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise DataError(f"{target}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp)
        db = sqlite_utils.Database(conn)
        with conn:
            for name, pk in TABLES.items():
                rows = tables[name]
                if rows:
                    db[name].insert_all(rows, pk=pk, batch_size=1000)
            db["meta"].insert_all(
                [
                    {"key": "app", "value": "chainlink"},
                    {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                    {"key": "sources_hash", "value": digest},
                ],
                pk="key",
            )
            _indexes(db)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("VACUUM")
        conn.close()
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return BuildReport(target, {n: len(tables[n]) for n in TABLES}, digest)


def _indexes(db: Any) -> None:
    db["pairings"].create_index(["county_code"])
    db["pairings"].create_index(["partner_id"])
    db["characteristic_industries"].create_index(["county_code"])
    db["segments"].create_index(["chain_id"])
    db["industries"].create_index(["parent"])


def check_registry(root: str | Path, db_path: str | Path) -> list[str]:
    """Differences between ``db_path`` and what the sources would compile to; empty if current."""
    from chainlink.registry import Registry

    tables = compile_tables(root)
    reg = Registry.open(db_path)
    diffs = []
    existing = {r[0] for r in reg.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for name, pk in TABLES.items():
        want = tables[name]
        if name not in existing:
            diffs.append(f"{name}: table missing from the registry")
            continue
        have = reg.rows(name)
        keys = (pk,) if isinstance(pk, str) else pk
        want_by = {tuple(str(r[k]) for k in keys): _norm(r) for r in want}
        have_by = {tuple(str(r[k]) for k in keys): _norm(r) for r in have}
        added = sorted(set(want_by) - set(have_by))
        removed = sorted(set(have_by) - set(want_by))
        changed = sorted(k for k in set(want_by) & set(have_by) if want_by[k] != have_by[k])
        if added or removed or changed:
            parts = []
            for label, items in (("new in sources", added), ("gone from sources", removed), ("changed", changed)):
                if items:
                    sample = ", ".join("/".join(k) for k in items[:3]) + (" …" if len(items) > 3 else "")
                    parts.append(f"{len(items)} {label} ({sample})")
            diffs.append(f"{name}: " + "; ".join(parts))
    return diffs


def _norm(row: dict[str, Any]) -> str:
    return json.dumps({k: ("" if v is None else v) for k, v in row.items()}, sort_keys=True, ensure_ascii=False)
