"""The compiled registry (``registry.db``): locate it, open it read-only, read its tables.

The registry is an SQLite file written only by :mod:`chainlink.build`. Its schema version is in
``PRAGMA user_version``; a file without the chainlink ``meta`` table is refused.
"""

from __future__ import annotations

import os
import sqlite3
from functools import cached_property
from pathlib import Path
from typing import Any

from chainlink.errors import DataError

SCHEMA_VERSION = 3  # 2: user-data tables; 3: quote and enclave columns (chainlink/migrations.py)
ENV_VAR = "CHAINLINK_DB"


def default_registry_path() -> Path:
    """The registry shipped with chainlink: inside the package (wheel) or at the checkout root."""
    here = Path(__file__).resolve().parent
    packaged = here / "registry.db"
    if packaged.exists():
        return packaged
    return here.parent / "registry.db"


def find_registry(db: str | os.PathLike[str] | None = None) -> Path:
    """Where to read the registry from: ``db``, then ``$CHAINLINK_DB``, then the default."""
    if db:
        return Path(db)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return default_registry_path()


class Registry:
    """A read-only view of a compiled registry.

    >>> reg = Registry.open()            # doctest: +SKIP
    >>> reg.county("331121")["name_zh"]  # doctest: +SKIP
    '青田县'
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, db: str | os.PathLike[str] | None = None) -> Registry:
        """Open the registry found by :func:`find_registry`; raise :class:`DataError` if unusable."""
        path = find_registry(db)
        hint = "pass --db PATH to a registry built by `chainlink build`"
        if not path.exists():
            raise DataError(f"{path}: registry not found; {hint}")
        if path.is_dir():
            raise DataError(f"{path}: is a folder, not a registry file; {hint}")
        try:
            conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, timeout=30)
            conn.row_factory = sqlite3.Row
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            has_meta = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'"
            ).fetchone()[0]
        except sqlite3.OperationalError as exc:
            raise DataError(
                f"{path}: cannot open the registry ({exc}); check the file's and its folder's permissions, "
                "then run `chainlink doctor`"
            ) from None
        except sqlite3.DatabaseError:
            raise DataError(f"{path}: not a chainlink registry (not an SQLite database); {hint}") from None
        if not has_meta:
            conn.close()
            raise DataError(f"{path}: not a chainlink registry (no meta table); {hint}")
        if version < SCHEMA_VERSION:
            conn.close()
            raise DataError(
                f"{path}: registry schema version {version} is older than this chainlink's {SCHEMA_VERSION}; "
                f"run `chainlink migrate --db {path}` (keeps imported data)"
            )
        if version > SCHEMA_VERSION:
            conn.close()
            raise DataError(
                f"{path}: registry schema version {version} was written by a newer chainlink "
                f"(this one reads {SCHEMA_VERSION}); upgrade chainlink"
            )
        return cls(conn, path)

    def rows(self, table: str, order_by: str | None = None) -> list[dict[str, Any]]:
        """All rows of ``table`` as dicts (optionally ordered)."""
        sql = f"SELECT * FROM [{table}]" + (f" ORDER BY {order_by}" if order_by else "")
        return [dict(r) for r in self.conn.execute(sql)]

    def meta(self) -> dict[str, str]:
        """The registry's meta key/value pairs (schema version, source hash, …)."""
        return {r["key"]: r["value"] for r in self.conn.execute("SELECT key, value FROM meta")}

    @cached_property
    def counties(self) -> list[dict[str, Any]]:
        """The 26 mountain counties, ordered by code."""
        return self.rows("counties", "code")

    @cached_property
    def partners(self) -> list[dict[str, Any]]:
        """Partner districts, development zones and mountain-side platforms, ordered by id."""
        return self.rows("partners", "id")

    @cached_property
    def pairings(self) -> list[dict[str, Any]]:
        """Every pairing (county ↔ partner) from the sources, then imported ones (user_pairings), by id."""
        return self.rows("pairings", "id") + self._rows_if_present("user_pairings", "id")

    @cached_property
    def characteristic_industries(self) -> list[dict[str, Any]]:
        """County characteristic industries with GB/T codes, source and confidence (sources, then imported)."""
        return self.rows("characteristic_industries", "county_code, id") + self._rows_if_present(
            "user_characteristic_industries", "county_code, id"
        )

    @cached_property
    def partner_industries(self) -> list[dict[str, Any]]:
        """Industries a source names for a partner zone (leading industries, named projects)."""
        return self.rows("partner_industries", "partner_id, id")

    @cached_property
    def chains(self) -> list[dict[str, Any]]:
        """Chains, ordered by id."""
        return self.rows("chains", "id")

    @cached_property
    def segments(self) -> list[dict[str, Any]]:
        """Chain segments, ordered by chain then position in the file."""
        return self.rows("segments", "chain_id, ordinal")

    @cached_property
    def edges(self) -> list[dict[str, Any]]:
        """Upstream → downstream edges with weight, source and confidence."""
        return self.rows("edges", "from_key, to_key")

    @cached_property
    def industry_names(self) -> dict[str, str]:
        """GB/T 4754-2017 code → Chinese name."""
        return {r["code"]: r["name_zh"] for r in self.conn.execute("SELECT code, name_zh FROM industries")}

    def county(self, code: str) -> dict[str, Any]:
        """One county by code."""
        for row in self.counties:
            if row["code"] == code:
                return row
        raise DataError(f"no county with code {code}")

    def partner(self, pid: str) -> dict[str, Any]:
        """One partner by id."""
        for row in self.partners:
            if row["id"] == pid:
                return row
        raise DataError(f"no partner with id {pid}")

    def chain(self, cid: str) -> dict[str, Any]:
        """One chain by id."""
        for row in self.chains:
            if row["id"] == cid:
                return row
        raise DataError(f"no chain with id {cid}")

    def _rows_if_present(self, table: str, order_by: str) -> list[dict[str, Any]]:
        """Rows of ``table``, or none when a registry built before the table existed lacks it."""
        present = self.conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", (table,)
        ).fetchone()[0]
        return self.rows(table, order_by) if present else []

    @cached_property
    def industries(self) -> list[dict[str, Any]]:
        """GB/T 4754-2017 门类, 大类, 中类, 小类 rows (code, level, parent, names, pinyin), by code."""
        return self.rows("industries", "code")

    @cached_property
    def industry_crosswalk(self) -> list[dict[str, Any]]:
        """GB/T 4754 2011 → 2017 correspondence rows (code_2011, code_2017, level)."""
        return self.rows("industry_crosswalk", "code_2011, code_2017")

    @cached_property
    def projects(self) -> list[dict[str, Any]]:
        """Projects and transfers: sourced ones from data/projects.csv, generated samples, then imported ones."""
        return self._rows_if_present("projects", "id") + self._rows_if_present("user_projects", "id")

    @cached_property
    def enterprises(self) -> list[dict[str, Any]]:
        """Enterprises: generated samples, then imported ones (user_enterprises), by id."""
        return self._rows_if_present("enterprises", "id") + self._rows_if_present("user_enterprises", "id")

    @cached_property
    def gaps(self) -> list[dict[str, Any]]:
        """Recorded data gaps (data/gaps.csv), by id."""
        return self._rows_if_present("gaps", "id")

    @cached_property
    def sources(self) -> list[dict[str, Any]]:
        """Every source the data cites (data/sources.csv) with what it supports and what cites it."""
        return self._rows_if_present("sources", "id")
