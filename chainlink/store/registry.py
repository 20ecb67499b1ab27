"""The compiled registry (``registry.db``) and the user registry: locate them, open them read-only, read tables.

Two kinds of file (docs/architecture.md, "Where data lives"):

- the **reference registry**, written only by :mod:`chainlink.store.build` (the ``registry.db`` shipped in the
  package, or at the checkout root): counties, chains, industries, sources … It is opened read-only
  (``mode=ro``) and never written by ``import``.
- the **user registry** (``user.db`` in the platform's user data folder, or ``$CHAINLINK_USER_DB``): the
  ``user_*`` tables (imports, the import log). It is created on the first import, migrated by
  ``PRAGMA user_version``, and ATTACHed to the reference registry when it is opened, so that SQL naming
  ``user_enterprises`` and ``counties`` side by side works unchanged (SQLite resolves unqualified names
  across attached databases). Reinstalling or upgrading chainlink never touches it.

``--db PATH`` (or ``$CHAINLINK_DB``) names one **self-contained registry** instead: reference tables and
user tables in one file, as a copy of ``registry.db`` is. Its schema version is in ``PRAGMA
user_version``; a file without the chainlink ``meta`` table is refused.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from chainlink.errors import DataError

SCHEMA_VERSION = 3  # 2: user-data tables; 3: quote and enclave columns (chainlink/store/migrations.py)
ENV_VAR = "CHAINLINK_DB"
USER_ENV_VAR = "CHAINLINK_USER_DB"
USER_SCHEMA = "user"  # the name the user registry is attached under
REAL_FIRM_KINDS = ("listed", "named")  # enterprises kinds that are real firms (the rest: sample)
_ENTERPRISE_TABLES = ("enterprises", "user_enterprises")  # the rows of Registry.enterprises, in order
# The reference tables every registry has (build records its own list as meta rows ``rows:<table>``).
REFERENCE_TABLES = (
    "industries",
    "industry_crosswalk",
    "counties",
    "partners",
    "pairings",
    "characteristic_industries",
    "partner_industries",
    "chains",
    "segments",
    "edges",
    "io_sectors",
    "io_flows",
    "io_sector_gbt",
    "io_relatedness",
    "projects",
    "enterprises",
    "gaps",
    "sources",
)
DAMAGED_HINT = "run `chainlink doctor`, then rebuild it with `chainlink build` (or restore a copy)"


def default_registry_path() -> Path:
    """The registry shipped with chainlink: inside the package (wheel) or at the checkout root."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "registry.db"
    if packaged.exists():
        return packaged
    return here.parent / "registry.db"


def user_registry_path() -> Path:
    """Where user data lives by default: ``$CHAINLINK_USER_DB``, else ``user.db`` in the platform's user data
    folder (``~/.local/share/chainlink`` on Linux, ``~/Library/Application Support/chainlink`` on macOS,
    ``%LOCALAPPDATA%\\chainlink`` on Windows)."""
    env = os.environ.get(USER_ENV_VAR)
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("chainlink", appauthor=False)) / "user.db"


@dataclass(frozen=True)
class Location:
    """The files a command reads and writes.

    ``reference`` holds the reference tables; ``user`` is the separate user registry, or ``None`` when the
    user tables live in ``reference`` itself (a self-contained registry named by ``--db``/``$CHAINLINK_DB``).
    """

    reference: Path
    user: Path | None = None

    @property
    def writable(self) -> Path:
        """The file an import writes: the user registry, or the self-contained registry."""
        return self.user if self.user is not None else self.reference

    def describe(self) -> list[str]:
        """One line per file in use, for ``--version`` and ``doctor``."""
        if self.user is None:
            return [f"registry: {self.reference} (reference and user data, from --db or ${ENV_VAR})"]
        state = "" if self.user.exists() else " (not created yet: the first import creates it)"
        return [f"reference: {self.reference} (read-only)", f"user data: {self.user}{state}"]


def locate(db: str | os.PathLike[str] | None = None) -> Location:
    """The files in use: ``db`` or ``$CHAINLINK_DB`` (one self-contained registry), else the shipped
    reference registry plus the user registry (:func:`user_registry_path`)."""
    if db:
        return Location(Path(db))
    env = os.environ.get(ENV_VAR)
    if env:
        return Location(Path(env))
    return Location(default_registry_path(), user_registry_path())


def find_registry(db: str | os.PathLike[str] | None = None) -> Path:
    """Where to read the reference tables from: ``db``, then ``$CHAINLINK_DB``, then the default."""
    return locate(db).reference


def sqlite_uri(path: str | os.PathLike[str], mode: str = "ro") -> str:
    """A ``file:`` URI for ``path`` (percent-encoded, so ``?`` and ``#`` in names are safe) with ``mode``."""
    return f"file:{urllib.parse.quote(str(Path(path).resolve()))}?mode={mode}"


def table_names(conn: sqlite3.Connection) -> set[str]:
    """Every table visible on ``conn``, the attached user registry's included."""
    return {r[0] for r in conn.execute("SELECT name FROM pragma_table_list WHERE type = 'table'")}


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """Whether ``name`` resolves on ``conn`` (in the main file or the attached user registry): an ordinary
    table of one of its schemas, not a virtual table (FTS5) or a shadow table of one (``NAME_suffix``) —
    :func:`table_names`' answer for one name.

    It reads each schema's ``sqlite_master`` instead of ``pragma_table_list``, which connects every FTS5 table
    of the registry (reading its config) on each call: ≈ 1 ms cold and 0.27 ms warm a look-up, against ≈ 0.17.
    """
    for _, schema, _ in conn.execute("PRAGMA database_list").fetchall():
        found = conn.execute(
            f"""SELECT 1 FROM [{schema}].sqlite_master WHERE type = 'table' AND name = ?1
                AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'
                AND NOT EXISTS (SELECT 1 FROM [{schema}].sqlite_master v WHERE v.type = 'table'
                                AND v.sql LIKE 'CREATE VIRTUAL TABLE%'
                                AND substr(?1, 1, length(v.name) + 1) = v.name || '_')""",
            (name,),
        ).fetchone()
        if found:
            return True
    return False


def table_hash(conn: sqlite3.Connection, name: str, schema: str = "main") -> tuple[int, str]:
    """``(row count, SHA-256)`` of a table's content: every row as a JSON list, rows sorted by all columns.

    ``chainlink build`` records it for every reference table as meta rows ``rows:<table>`` and
    ``dbhash:<table>``; ``chainlink doctor`` recomputes it to find tables changed or damaged since.
    """
    ncols = len(conn.execute(f"PRAGMA [{schema}].table_info([{name}])").fetchall())
    order = ", ".join(str(i) for i in range(1, ncols + 1))
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples, whatever the connection's row factory
    cursor.execute(f"SELECT * FROM [{schema}].[{name}] ORDER BY {order}")
    return rows_digest(cursor)


def rows_digest(rows: Iterable[Sequence[Any]]) -> tuple[int, str]:
    """``(row count, SHA-256)`` of ``rows`` (in the order given): each row's JSON list (as
    ``json.dumps(row, ensure_ascii=False)`` writes it) and a newline — :func:`table_hash` of a table's sorted rows."""
    import hashlib
    import json.encoder

    plain = json.JSONEncoder(ensure_ascii=False)
    make = json.encoder.c_make_encoder
    if make is None:  # Python without the C accelerator
        text = [plain.encode(list(row)) for row in rows]
    else:  # the encoder `encode` sets up for every call (≈ 40 % of the time), set up once
        encode = make(None, plain.default, json.encoder.encode_basestring, None, ": ", ", ", False, False, True)
        text = ["".join(encode(row, 0)) for row in rows]
    digest = hashlib.sha256()
    if text:
        digest.update(("\n".join(text) + "\n").encode())
    return len(text), digest.hexdigest()


def damaged(path: str | os.PathLike[str], exc: BaseException | None = None) -> DataError:
    """The one-line error every command gives when SQLite cannot read a registry."""
    what = f" ({exc})" if exc is not None else ""
    return DataError(f"{path}: the registry is damaged or incomplete{what}; {DAMAGED_HINT}")


def _user_tables_in(conn: sqlite3.Connection, schema: str = "main") -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            f"SELECT name FROM [{schema}].sqlite_master WHERE type = 'table' AND name LIKE 'user\\_%' ESCAPE '\\'"
        )
    ]


def attach_user(conn: sqlite3.Connection, location: Location) -> None:
    """Attach the user registry read-only under ``user`` (an empty in-memory one with the current user
    tables when there is none yet), so that every ``user_*`` table resolves on ``conn``."""
    from chainlink.store.migrations import create_missing

    main_has = _user_tables_in(conn)
    if location.user is None:
        if main_has:
            return
        conn.execute(f"ATTACH ':memory:' AS {USER_SCHEMA}")
        create_missing(conn, USER_SCHEMA)
        return
    if main_has:
        raise DataError(
            f"{location.reference}: this reference registry holds user tables ({', '.join(main_has[:3])} …) "
            f"from an older chainlink; run `chainlink build` to rebuild it (imported rows move to {location.user})"
        )
    user = location.user
    if not user.exists():
        conn.execute(f"ATTACH ':memory:' AS {USER_SCHEMA}")
        create_missing(conn, USER_SCHEMA)
        return
    if user.is_dir():
        raise DataError(f"{user}: is a folder, not a user registry; set ${USER_ENV_VAR} to a file")
    try:
        conn.execute(f"ATTACH ? AS {USER_SCHEMA}", (sqlite_uri(user),))
        version = conn.execute(f"PRAGMA {USER_SCHEMA}.user_version").fetchone()[0]
        present = set(_user_tables_in(conn, USER_SCHEMA))
    except sqlite3.OperationalError as exc:
        raise DataError(f"{user}: cannot open the user registry ({exc}); run `chainlink doctor`") from None
    except sqlite3.DatabaseError as exc:
        raise DataError(f"{user}: the user registry is damaged ({exc}); run `chainlink doctor`") from None
    if version == 0 and not present:  # created empty by an interrupted first import
        conn.execute(f"DETACH {USER_SCHEMA}")
        conn.execute(f"ATTACH ':memory:' AS {USER_SCHEMA}")
        create_missing(conn, USER_SCHEMA)
        return
    if version > SCHEMA_VERSION:
        raise DataError(
            f"{user}: user registry schema version {version} was written by a newer chainlink "
            f"(this one reads {SCHEMA_VERSION}); upgrade chainlink"
        )
    from chainlink.store.migrations import CURRENT_USER_TABLES

    if version < SCHEMA_VERSION or not set(CURRENT_USER_TABLES) <= present:
        raise DataError(
            f"{user}: user registry schema version {version} is older than this chainlink's {SCHEMA_VERSION}; "
            "run `chainlink migrate` (keeps imported data)"
        )


def connect_readonly(location: Location) -> sqlite3.Connection:
    """Open ``location`` read-only: the reference registry (checked) with the user registry attached."""
    from chainlink.base.output import protect

    path = location.reference
    protect(location.reference, location.user)
    hint = "pass --db PATH to a registry built by `chainlink build`"
    if not path.exists():
        raise DataError(f"{path}: registry not found; {hint}")
    if path.is_dir():
        raise DataError(f"{path}: is a folder, not a registry file; {hint}")
    try:
        conn = sqlite3.connect(sqlite_uri(path), uri=True, timeout=30)
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
    try:
        check_tables(conn, path)
        attach_user(conn, location)
    except BaseException:
        conn.close()
        raise
    return conn


def check_tables(conn: sqlite3.Connection, path: str | os.PathLike[str], schema: str = "main") -> None:
    """Raise the one-line :func:`damaged` error when a reference table is missing or unreadable.

    Cheap (one ``sqlite_master`` read and a one-row read per table), so every open does it: a registry
    with a dropped table or a damaged page fails here instead of with a traceback later.
    """
    try:
        present = {r[0] for r in conn.execute(f"SELECT name FROM [{schema}].sqlite_master WHERE type = 'table'")}
        recorded = [
            r[0][5:]
            for r in conn.execute(f"SELECT key FROM [{schema}].meta WHERE key LIKE 'rows:%' ORDER BY key")
        ]
        tables = recorded or list(REFERENCE_TABLES)
        missing = [t for t in tables if t not in present]
        if missing:
            raise DataError(
                f"{path}: the registry is damaged or incomplete (table {', '.join(missing[:3])} missing); "
                f"{DAMAGED_HINT}"
            )
        for name in tables:
            conn.execute(f"SELECT * FROM [{schema}].[{name}] LIMIT 1").fetchall()
    except sqlite3.DatabaseError as exc:
        raise damaged(path, exc) from None


def presence_rows(enterprises: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of ``enterprises`` that are not real firms (kinds other than :data:`REAL_FIRM_KINDS`), in order."""
    return [e for e in enterprises if e.get("kind") not in REAL_FIRM_KINDS]


class Registry:
    """A read-only view of a compiled registry.

    >>> reg = Registry.open()            # doctest: +SKIP
    >>> reg.county("331121")["name_zh"]  # doctest: +SKIP
    '青田县'
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.location = Location(path)

    @classmethod
    def open(cls, db: str | os.PathLike[str] | None = None) -> Registry:
        """Open the registry found by :func:`locate` (reference + user data); raise :class:`DataError`
        if unusable."""
        location = locate(db)
        reg = cls(connect_readonly(location), location.reference)
        reg.location = location
        return reg

    def reference_read(self, key: str, read: Callable[[], Any]) -> Any:
        """``read()``, computed once per open registry and shared by every view of it (e.g. the
        leave-one-out views of :mod:`chainlink.scoring.evaluate`, which forward to this object). Only for the shipped
        reference tables (the IO table…), which no command writes while a registry is open.
        """
        memo = self.__dict__.setdefault("_reference_reads", {})
        if key not in memo:
            memo[key] = read()
        return memo[key]

    def has_table(self, name: str) -> bool:
        """:func:`has_table` on this registry's connection; a table found is remembered (tables are only
        ever added while a registry is open), one not found is looked up again."""
        found = self.__dict__.setdefault("_tables_found", set())
        if name in found:
            return True
        if has_table(self.conn, name):
            found.add(name)
            return True
        return False

    def rows(self, table: str, order_by: str | None = None) -> list[dict[str, Any]]:
        """All rows of ``table`` as dicts (optionally ordered)."""
        # plain tuples (in query): dict(zip(...)) is faster than dict(sqlite3.Row)
        return self.query(f"SELECT * FROM [{table}]" + (f" ORDER BY {order_by}" if order_by else ""))

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """The rows of one SELECT as dicts (as :meth:`rows`)."""
        try:
            cur = self.conn.cursor()
            cur.row_factory = None
            cur.execute(sql, params)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur]
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from None

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
        return self.rows(table, order_by) if self.has_table(table) else []

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
        return self.read_columns("projects")

    def read_columns(self, name: str, columns: Sequence[str] = ("*",)) -> list[dict[str, Any]]:
        """The rows of :attr:`projects` or :attr:`presence_enterprises` read from the tables with ``columns`` only
        (all by default), in the same order: the one definition of which tables, rows and order make them up."""
        if name == "projects":
            tables, where = ("projects", "user_projects"), None
        elif name == "presence_enterprises":
            kinds = ", ".join(f"'{k}'" for k in REAL_FIRM_KINDS)
            tables, where = _ENTERPRISE_TABLES, f"kind IS NULL OR kind NOT IN ({kinds})"
        else:
            raise ValueError(f"read_columns reads projects or presence_enterprises, not {name!r}")
        out: list[dict[str, Any]] = []
        for table in tables:
            if not self.has_table(table):
                continue
            sql = f"SELECT {', '.join(columns)} FROM [{table}]"
            if where is not None:
                present = {r[1] for r in self.conn.execute(f"SELECT * FROM pragma_table_info('{table}')")}
                if "kind" in present:
                    sql += f" WHERE {where}"
            out += self.query(sql + " ORDER BY id")
        return out

    @cached_property
    def enterprises(self) -> list[dict[str, Any]]:
        """Enterprises: generated samples, then imported ones (user_enterprises), by id."""
        return self._rows_if_present("enterprises", "id") + self._rows_if_present("user_enterprises", "id")

    @cached_property
    def enterprise_ids(self) -> set[str]:
        """The ids of :attr:`enterprises`, read alone (a tenth of the cost of the rows)."""
        if "enterprises" in self.__dict__:
            return {e["id"] for e in self.enterprises}
        try:
            return {
                r[0] for t in _ENTERPRISE_TABLES if self.has_table(t) for r in self.conn.execute(f"SELECT id FROM {t}")
            }
        except sqlite3.DatabaseError as exc:
            raise damaged(self.path, exc) from None

    @cached_property
    def presence_enterprises(self) -> list[dict[str, Any]]:
        """The rows of :attr:`enterprises` other than listed and named firms (sample and imported ones), in
        the same order: the enterprises that count as presence facts of a place
        (:func:`chainlink.scoring.geography._facts`; listed and named firms reach scoring through
        :mod:`chainlink.scoring.firms`). Read without the listed firms' rows."""
        if "enterprises" in self.__dict__:
            return presence_rows(self.enterprises)
        return self.read_columns("presence_enterprises")

    @cached_property
    def gaps(self) -> list[dict[str, Any]]:
        """Recorded data gaps (data/gaps.csv), by id."""
        return self._rows_if_present("gaps", "id")

    @cached_property
    def sources(self) -> list[dict[str, Any]]:
        """Every source the data cites (data/sources.csv) with what it supports and what cites it."""
        return self._rows_if_present("sources", "id")
