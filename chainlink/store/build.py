"""Compile the sources into ``registry.db`` (one transaction, temp file + rename), or check it.

``compile_registry`` validates everything first; if any source is wrong nothing is written.
``check_registry`` compares the registry's content (rows, not bytes) with what the sources
would compile to now.
"""

from __future__ import annotations

import functools
import hashlib
import json
import operator
import os
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chainlink.base.output import public_mode
from chainlink.errors import DataError
from chainlink.sources import load_sources
from chainlink.store.migrations import migrate_carried
from chainlink.store.registry import SCHEMA_VERSION
from chainlink.store.userdata import carry_over

# table → primary key (or None for rowid tables); the order is the write order.
TABLES: dict[str, str | tuple[str, ...] | None] = {
    "industries": "code",
    "industry_crosswalk": ("code_2011", "code_2017"),
    "counties": "code",
    "partners": "id",
    "pairings": "id",
    "characteristic_industries": "id",
    "partner_industries": "id",
    "holdings": "id",
    "chains": "id",
    "segments": "key",
    "edges": ("from_key", "to_key"),
    "edge_evidence_ckg": ("from_key", "to_key", "relation", "upstream_product", "downstream_product"),
    "io_sectors": ("year", "code"),
    "io_flows": ("year", "row_code", "col_code"),
    "io_sector_gbt": ("scheme", "io_code"),
    "io_relatedness": ("year", "sector_1", "sector_2"),
    "projects": "id",
    "enterprises": "id",
    "enterprise_segments": ("enterprise_id", "segment_key"),
    "enterprise_products": ("enterprise_id", "rank"),
    "place_names": "token",
    "gaps": "id",
    "pollution_industries": "id",
    "county_ecology": "id",
    "sources": "id",
    "names": "ordinal",
}
SAME_SECTOR_WEIGHT = 0.5  # both segments in one IO sector: the table cannot tell; a neutral middle
MIN_IO_WEIGHT = 0.05  # an IO coefficient of ~0 still leaves the editors' link some weight
IO_WEIGHT_YEAR = 2020


def default_sources_root() -> Path:
    """The checkout the package was installed from (editable installs), else the current folder."""
    here = Path(__file__).resolve().parent.parent.parent
    if (here / "chains").is_dir() and (here / "data").is_dir():
        return here
    return Path.cwd()


def compile_tables(
    root: str | Path, *, pinyin: dict[str, str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Validate the sources under ``root`` and return every registry table's rows.

    ``pinyin`` (industry name → pinyin) skips computing the pinyin of names it holds.
    """
    from chainlink.store.resolve import name_rows

    tables = load_sources(root, pinyin=pinyin).tables
    derive_io(tables)
    derive_samples(tables)
    tables["names"] = name_rows(tables["counties"], tables["partners"], tables["chains"])
    return tables


def derive_samples(tables: dict[str, list[dict[str, Any]]]) -> None:
    """Add the generated sample projects and enterprises (:mod:`chainlink.sources.sample`, fixed seed).

    Sample projects join the real ones in ``projects`` (confidence ``sample``); the source entry of
    the generator counts them in its ``cited_by``.
    """
    from chainlink.sources.listed import extend_sample_rows, sample_links
    from chainlink.sources.sample import sample_tables

    generated = sample_tables(tables)
    tables["projects"] = sorted(tables["projects"] + generated["projects"], key=lambda r: r["id"])
    samples = extend_sample_rows(generated["enterprises"], tables["partners"])
    tables["enterprises"] = sorted(tables.get("enterprises", []) + samples, key=lambda r: r["id"])
    tables["enterprise_segments"] = sorted(
        tables.get("enterprise_segments", []) + sample_links(samples),
        key=lambda r: (r["enterprise_id"], r["segment_key"]),
    )
    for row in tables["sources"]:
        if row["id"] == "chainlink-sample":
            counts = {"enterprises": len(generated["enterprises"]), "projects": len(generated["projects"])}
            row["cited_by"] = "; ".join(f"{k} {n}" for k, n in counts.items() if n)
            row["cited_rows"] = sum(counts.values())


MIN_RELATEDNESS = 0.005  # pairs below this are stored as absent (read back as 0)


def derive_io(tables: dict[str, list[dict[str, Any]]]) -> None:
    """Derive from the 2020 input–output table: edge weights and the sector relatedness table.

    Edges without a weight get a_ij / max_k≠j a_kj between the segments' IO sectors (largest over
    sector pairs), floored at :data:`MIN_IO_WEIGHT`; :data:`SAME_SECTOR_WEIGHT` when both segments
    sit in the same sector(s). ``weight_source`` records which rule applied and the sectors.
    ``io_relatedness`` holds :func:`chainlink.inputoutput.relatedness_matrix` (pairs ≥
    :data:`MIN_RELATEDNESS`), so that scoring needs no NumPy. See docs/io.md.
    """
    import sqlite3

    from chainlink.base.industries import split_codes
    from chainlink.inputoutput import io_edge_weight, iotable_from_db, relatedness_matrix, sector_of_gbt
    from chainlink.network.evidence import derive_edge_evidence

    conn = sqlite3.connect(":memory:")
    for name in ("io_sectors", "io_flows", "io_sector_gbt"):
        rows = tables[name]
        cols = list(rows[0])
        conn.execute(f"CREATE TABLE {name} ({', '.join(cols)})")
        if name == "io_flows":  # iotable_from_db reads one year's flows: the other years' (2/3) are not copied
            rows = [r for r in rows if r["year"] == IO_WEIGHT_YEAR]
        conn.executemany(
            f"INSERT INTO {name} VALUES ({', '.join('?' * len(cols))})", [tuple(r.values()) for r in rows]
        )
    table = iotable_from_db(conn, IO_WEIGHT_YEAR)
    conn.close()
    codes = {s["key"]: split_codes(s["gbt_codes"]) for s in tables["segments"]}

    @functools.cache  # a segment ends several edges (1,772 look-ups of 339 segments)
    def sectors(key: str) -> list[str]:
        return sorted(
            {x for c in codes[key] for x in sector_of_gbt(c, year=IO_WEIGHT_YEAR, mapping=table.mapping)}
        )

    for edge in tables["edges"]:
        if edge["weight"] is not None:
            continue
        src, dst = sectors(edge["from_key"]), sectors(edge["to_key"])
        weight = io_edge_weight(table, src, dst) if src and dst else None
        if weight is None:
            edge["weight"] = SAME_SECTOR_WEIGHT
            edge["weight_source"] = f"default: same IO sector {','.join(src) or '?'}"
        else:
            edge["weight"] = round(max(weight, MIN_IO_WEIGHT), 6)
            edge["weight_source"] = f"io{IO_WEIGHT_YEAR}: {','.join(src)} → {','.join(dst)}"
    derive_edge_evidence(tables, table, sectors, IO_WEIGHT_YEAR)
    matrix = relatedness_matrix(table)
    tables["io_relatedness"] = [
        {"year": IO_WEIGHT_YEAR, "sector_1": a, "sector_2": b, "value": round(float(matrix[i, j]), 6)}
        for i, a in enumerate(table.codes)
        for j, b in enumerate(table.codes)
        if i != j and matrix[i, j] >= MIN_RELATEDNESS
    ]


def table_hash(rows: list[dict[str, Any]], pk: str | tuple[str, ...] | None = None) -> str:
    """SHA-256 of one table's content: rows ordered by key, columns by name, null as ``""``.

    The same for the rows a build compiles and for the rows read back from the registry (this is
    what ``build --check`` and the ``hash:<table>`` rows of ``meta`` compare).
    """
    if not rows:
        return hashlib.sha256(b"[]").hexdigest()
    columns = sorted(rows[0])
    keys = columns if pk is None else ((pk,) if isinstance(pk, str) else pk)
    get = operator.itemgetter(*keys)
    # the keys as text, made once per row (map: no Python call per row); a stable sort of the positions by
    # them is the order a stable sort of the rows by them gives (1-tuples compare as their one item)
    if len(keys) == 1:
        sort_keys: list[Any] = list(map(str, map(get, rows)))
    else:
        sort_keys = [tuple(map(str, k)) for k in map(get, rows)]
    order = sorted(range(len(rows)), key=sort_keys.__getitem__)
    body: list[Any] = [columns]
    if len(columns) == 1:
        (column,) = columns
        body += [["" if (v := rows[i][column]) is None else v] for i in order]
    else:
        values = operator.itemgetter(*columns)
        for i in order:  # a tuple is written as a JSON array, like a list
            row = values(rows[i])
            body.append(row if None not in row else ["" if v is None else v for v in row])
    return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode()).hexdigest()


def table_hashes(tables: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """:func:`table_hash` of every registry table (:data:`TABLES`) in ``tables``."""
    return {name: table_hash(tables[name], pk) for name, pk in TABLES.items() if name in tables}


def content_hash(tables: dict[str, list[dict[str, Any]]]) -> str:
    """One SHA-256 over the :func:`table_hash` of every table (the registry's ``sources_hash``)."""
    return _combined(table_hashes(tables))


def _combined(hashes: dict[str, str]) -> str:
    """:func:`content_hash` from the tables' hashes already computed."""
    digest = hashlib.sha256()
    for name, value in sorted(hashes.items()):
        digest.update(f"{name}:{value}\n".encode())
    return digest.hexdigest()


def inputs_hash(root: str | Path) -> str:
    """SHA-256 of everything a build reads: every file under data/ and chains/, chainlink's own code
    and presets, and the versions of the libraries that compute derived values.

    Equal to the registry's ``inputs_hash`` ⇒ a build now would write the same tables (the fast path of
    ``build --check`` and of ``build``).
    """
    import importlib.metadata

    root = Path(root)
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}\n".encode())
    for dist in ("pypinyin", "numpy", "scipy"):
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{dist} {version}\n".encode())
    files = [
        (f"src/{p.relative_to(root).as_posix()}", p)
        for d in ("data", "chains")
        for p in (root / d).rglob("*")
        if "__pycache__" not in p.parts  # data/derive/*.py imported by a test or a user: bytecode is no input
    ]
    files += [
        (f"pkg/{p.relative_to(package).as_posix()}", p)
        for p in package.rglob("*")
        if p.suffix in (".py", ".yaml", ".yml", ".csv", ".json") and "__pycache__" not in p.parts
    ]
    for name, path in sorted(files):
        if path.is_file():
            data = path.read_bytes()
            digest.update(f"{name} {len(data)}\n".encode())
            digest.update(data)
    return digest.hexdigest()


@dataclass
class BuildReport:
    """What a build wrote: the registry path and the row count of each table."""

    path: Path
    counts: dict[str, int]
    sources_hash: str


TEMP_MARK = ".build-"  # temporary build files: .NAME.build-PID-XXXX.tmp (PID: the building process)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _temp_files(target: Path) -> list[tuple[Path, int]]:
    """Temporary build files of ``target`` (``.NAME.build-PID-….tmp`` and its ``-journal``/``-wal``/``-shm``)
    with the PID of the process that made them, in the folder's order."""
    folder = target.parent if str(target.parent) else Path(".")
    prefix = f".{target.name}{TEMP_MARK}"
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    found = []
    for entry in entries:
        name = entry.name
        if not name.startswith(prefix):
            continue
        pid_text = name[len(prefix) :].split("-", 1)[0]
        if pid_text.isdigit() and ".tmp" in name:
            found.append((entry, int(pid_text)))
    return found


def stale_temp_files(target: str | Path) -> list[Path]:
    """Temporary files a build of ``target`` left behind when its process died (killed, power cut):
    ``.NAME.build-PID-….tmp`` and their ``-journal``/``-wal``/``-shm`` whose PID is not running."""
    return sorted(p for p, pid in _temp_files(Path(target)) if pid != os.getpid() and not _alive(pid))


def remove_stale_temp_files(target: str | Path) -> list[Path]:
    """Delete :func:`stale_temp_files` of ``target``; return what was removed."""
    removed = []
    for path in stale_temp_files(target):
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


def _remove_own_temps(target: Path) -> None:
    """Delete this process's temporary build files of ``target`` (:func:`_temp_files`), found by name: a Ctrl-C
    can land inside :func:`tempfile.mkstemp` after the file exists but before its name is returned."""
    for path, pid in _temp_files(target):
        if pid != os.getpid():
            continue
        try:
            path.unlink()
        except OSError:  # gone already, or not deletable now: a later build removes it (stale_temp_files)
            continue


def record_hashes(
    conn: sqlite3.Connection, names: list[str], tables: dict[str, list[dict[str, Any]]] | None = None
) -> None:
    """Meta rows ``rows:<table>`` (row count), ``columns:<table>`` (comma-separated) and ``dbhash:<table>``
    (:func:`chainlink.store.registry.table_hash` of the stored rows; ``hash:<table>`` is :func:`table_hash` of
    the compiled rows, for ``build --check``)
    for each reference table, so that ``doctor`` can tell a table changed or damaged since the build.

    ``tables``: the rows just written (a build); a table's ``dbhash:`` is then worked out from them
    (:func:`_stored_hash`) instead of read back, when every value is stored as it is given."""
    from chainlink.store.registry import table_hash

    rows = []
    for name in names:
        present = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()[0]
        if not present:
            continue
        info = conn.execute(f"PRAGMA table_info([{name}])").fetchall()
        known = _stored_hash(tables[name], [(r[1], r[2]) for r in info]) if tables and name in tables else None
        count, digest = known if known is not None else table_hash(conn, name)
        columns = ",".join(r[1] for r in info)
        rows += [(f"rows:{name}", str(count)), (f"dbhash:{name}", digest), (f"columns:{name}", columns)]
    conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", rows)


def _stored_hash(rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> tuple[int, str] | None:
    """:func:`chainlink.store.registry.table_hash` of a table of ``columns`` (name, declared type) holding
    ``rows`` as inserted, worked out from the rows: what SQLite gives back is the value given (a REAL
    column's integers as floats), and ``ORDER BY`` every column is Python's order of the row tuples (nulls
    first; text by code point, as SQLite's BINARY collation compares UTF-8). None (read the table back instead)
    when a value would be stored otherwise: a column neither TEXT, INTEGER nor REAL, a value of another type
    than its column's, a NaN (stored as null) or -0.0 (read back as 0.0)."""
    import math

    from chainlink.store.registry import rows_digest

    if not rows or not columns:
        return None
    names = [n for n, _ in columns]
    try:
        if len(names) == 1:
            values = [(r[names[0]],) for r in rows]
        else:
            values = list(map(operator.itemgetter(*names), rows))
    except (KeyError, TypeError):
        return None
    nulls = False
    for j, ((_, declared), column) in enumerate(zip(columns, zip(*values, strict=True), strict=True)):
        kinds = set(map(type, column))
        nulls = nulls or type(None) in kinds
        kinds.discard(type(None))
        declared = declared.upper()
        if declared == "TEXT" and kinds <= {str} or declared == "INTEGER" and kinds <= {int}:
            continue
        if declared not in ("REAL", "FLOAT") or not kinds <= {int, float}:
            return None
        numbers = [v for v in column if v is not None]
        if any(map(math.isnan, numbers)) or 0 in numbers and any(math.copysign(1.0, v) < 0 for v in numbers if v == 0):
            return None
        if int in kinds:  # a REAL column stores an integer as a float
            values = [(*v[:j], None if v[j] is None else float(v[j]), *v[j + 1 :]) for v in values]
    if nulls:  # null sorts first (the tuple's first item), and is never compared with a value
        values.sort(key=lambda row: tuple((v is not None, v) for v in row))
    else:
        values.sort()
    return rows_digest(values)


def compile_registry(root: str | Path, db_path: str | Path, progress: Callable[..., None] | None = None) -> BuildReport:
    """Build ``db_path`` from the sources under ``root`` atomically and return a report.

    ``progress(done, total, what)``, if given, is called after each step (validating the sources, each
    table written, indexes, compaction).

    The temporary file is removed on any failure (and its journal); temporary files of earlier builds
    whose process died are removed first. Imported user tables of the old file are carried over when
    it is a self-contained registry; when it is the shipped reference registry (which holds no user
    data any more) they are moved to the user registry.
    """
    import sqlite_utils

    target = Path(db_path)
    steps = len(TABLES) + 3

    def step(done: int, what: str) -> None:
        if progress is not None:
            progress(done, steps, what)

    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():  # said before the sources are compiled (seconds)
        raise DataError(f"{target}: is a folder; pass --db FILE (the registry file to write)")
    if not folder.is_dir():
        raise DataError(f"{target}: folder {folder} does not exist")
    _refuse_non_sqlite(target)  # before the sources are compiled (seconds)
    step(0, "sources")
    inputs = inputs_hash(root)
    tables = compile_tables(root, pinyin=_previous_pinyin(target))
    step(1, "sources")
    hashes = table_hashes(tables)
    digest = _combined(hashes)
    remove_stale_temp_files(target)
    lock = None
    try:
        # inside the try: a Ctrl-C that lands the moment the temp file appears (even inside mkstemp, before
        # it returns the name) is handled by the clean-up below, which finds the file by its name's prefix
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}{TEMP_MARK}{os.getpid()}-", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise DataError(f"{target}: cannot write a temporary file in {folder} ({exc.strerror})") from None
        os.close(fd)
        lock = _lock_old_registry(target)
        moved = _move_user_rows(target)
        conn = sqlite3.connect(tmp)
        db = sqlite_utils.Database(conn)
        with conn:
            for i, (name, pk) in enumerate(TABLES.items(), 2):
                _write_table(db, name, pk, tables[name])
                step(i, name)
            db["meta"].insert_all(
                [
                    {"key": "app", "value": "chainlink"},
                    {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                    {"key": "sources_hash", "value": digest},
                    {"key": "inputs_hash", "value": inputs},
                    {"key": "pypinyin_version", "value": _pypinyin_version()},
                    *({"key": f"hash:{name}", "value": value} for name, value in hashes.items()),
                ],
                pk="key",
            )
            _indexes(db)
            _datasette(db)
            record_hashes(conn, list(TABLES), tables)
            carried = {} if moved is not None else carry_over(target, conn)
            if carried:
                migrate_carried(conn, target)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        step(steps - 1, "vacuum")
        conn.execute("VACUUM")
        conn.close()
        public_mode(tmp)
        os.replace(tmp, target)
        step(steps, "done")
    except BaseException:
        _remove_own_temps(target)
        raise
    finally:
        if lock is not None:
            lock.rollback()
            lock.close()
    return BuildReport(target, {n: len(tables[n]) for n in TABLES} | carried | (moved or {}), digest)


def _refuse_non_sqlite(target: Path) -> None:
    """A ``target`` that exists and is not SQLite at all is never overwritten (a SQLite file without chainlink's
    ``meta`` table is refused by :func:`chainlink.store.userdata.carry_over`, under the write lock)."""
    try:
        with open(target, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return  # missing (a first build), or unreadable: the build says so where it opens it
    if head and head != b"SQLite format 3\x00":
        raise DataError(f"{target}: exists and is not a chainlink registry; remove it or choose another --db")


def _move_user_rows(target: Path) -> dict[str, int] | None:
    """When ``target`` is the shipped reference registry: move user rows it still holds (from an older
    chainlink) into the user registry, and return the counts (None when ``target`` is another file)."""
    from chainlink.store.registry import default_registry_path, user_registry_path

    try:
        shipped = os.path.realpath(target) == os.path.realpath(default_registry_path())
    except OSError:
        shipped = False
    if not shipped:
        return None
    if not target.exists():
        return {}
    from chainlink.store.userdata import move_user_rows

    return move_user_rows(target, user_registry_path())


def _pypinyin_version() -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version("pypinyin")
    except importlib.metadata.PackageNotFoundError:
        return "-"


def _previous_pinyin(target: Path) -> dict[str, str] | None:
    """Industry name → pinyin from the registry being replaced, if the same pypinyin made it; else (a build into
    a new file, or over one another pypinyin made) from the registry shipped with chainlink, if the same
    pypinyin made that. A name's pinyin depends on the name and pypinyin's version only
    (:func:`chainlink.sources.tables.industry_pinyin`)."""
    known = _pinyin_in(target)
    if known is not None:
        return known
    from chainlink.store.registry import default_registry_path

    shipped = default_registry_path()
    try:
        if shipped.resolve() == target.resolve():
            return None
    except OSError:
        return None
    return _pinyin_in(shipped)


def _pinyin_in(target: Path) -> dict[str, str] | None:
    """Industry name → pinyin held by the registry ``target``, if the same pypinyin made it."""
    if not target.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{target.resolve()}?mode=ro", uri=True)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            if meta.get("pypinyin_version") != _pypinyin_version():
                return None
            return dict(conn.execute("SELECT name_zh, pinyin FROM industries").fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def is_current(root: str | Path, db_path: str | Path) -> bool:
    """Whether ``db_path`` was built by this chainlink from exactly the sources under ``root`` now.

    Compares :func:`inputs_hash` with the one the build recorded (no compiling); ``False`` for a
    registry from before these hashes, of another schema version, or unreadable.
    """
    path = Path(db_path)
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return (
        version == SCHEMA_VERSION
        and set(TABLES) <= tables
        and all(f"hash:{name}" in meta for name in TABLES)
        and meta.get("inputs_hash") == inputs_hash(root)
    )


def _lock_old_registry(target: Path) -> sqlite3.Connection | None:
    """Hold the old registry's write lock from before its user tables are read until after the rename,
    so that an import cannot commit in between and be lost. Checkpoints a write-ahead log first, so that
    no ``-wal`` file with pending pages is left beside the renamed file."""
    if not target.exists():
        return None
    try:
        conn = sqlite3.connect(target, timeout=30, isolation_level=None)
        if Path(f"{target}-wal").exists():
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            if busy:
                conn.close()
                raise DataError(f"{target}: in use by another process (write-ahead log busy); try again")
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise DataError(
            f"{target}: cannot lock the registry ({exc}); another import or build may be running"
        ) from None
    except sqlite3.DatabaseError:
        return None  # not SQLite at all: carry_over refuses it with a clear message
    return conn


def _write_table(db: Any, name: str, pk: str | tuple[str, ...] | None, rows: list[dict[str, Any]]) -> None:
    """Create ``name`` with column types from the rows, then insert them all (executemany: fast)."""
    if not rows:
        return
    columns: dict[str, type] = {}
    for key in rows[0]:
        kinds = set(map(type, map(operator.itemgetter(key), rows))) - {type(None)}
        columns[key] = float if float in kinds else int if kinds == {int} else str
    db[name].create(columns, pk=pk)
    names = list(columns)
    sql = (
        f"INSERT INTO [{name}] ({', '.join(f'[{c}]' for c in names)}) VALUES ({', '.join('?' * len(names))})"
    )
    get = operator.itemgetter(*names)
    db.conn.executemany(sql, [get(r) for r in rows] if len(names) > 1 else [(r[names[0]],) for r in rows])


def _datasette(db: Any) -> None:
    """Foreign keys, full-text search and Datasette metadata (chainlink/outputs/datasette.py; `chainlink browse`)."""
    from chainlink.outputs.datasette import prepare_registry

    prepare_registry(db)


def _indexes(db: Any) -> None:
    db["pairings"].create_index(["county_code"])
    db["pairings"].create_index(["partner_id"])
    db["characteristic_industries"].create_index(["county_code"])
    db["segments"].create_index(["chain_id"])
    db["industries"].create_index(["parent"])
    db["projects"].create_index(["origin_id"])
    db["projects"].create_index(["county_code"])
    db["enterprises"].create_index(["place_code"])
    db["enterprise_segments"].create_index(["segment_key"])


def check_registry(root: str | Path, db_path: str | Path, *, full: bool = False) -> list[str]:
    """Differences between ``db_path`` and what the sources would compile to; empty if current.

    Fast when nothing changed: if the registry's recorded ``inputs_hash`` equals :func:`inputs_hash`
    of the sources now, nothing is compiled. Otherwise the sources are compiled and each table's
    :func:`table_hash` compared with the recorded ``hash:<table>``; only tables that differ are
    compared row by row (to say what changed). ``full`` compiles and compares every row regardless.
    """
    from chainlink.store.registry import Registry

    reg = Registry.open(db_path)
    if not full and is_current(root, db_path):
        return []
    # the registry's pinyin when the same pypinyin made it, as a rebuild takes it (--full computes it all)
    tables = compile_tables(root, pinyin=None if full else _previous_pinyin(Path(db_path)))
    meta = reg.meta()
    diffs = []
    existing = {r[0] for r in reg.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for name, pk in TABLES.items():
        want = tables[name]
        if name not in existing:
            diffs.append(f"{name}: table missing from the registry")
            continue
        if not full and meta.get(f"hash:{name}") == table_hash(want, pk):
            continue
        have = reg.rows(name)
        keys = (pk,) if isinstance(pk, str) else pk
        want_by = {tuple(str(r[k]) for k in keys): r for r in want}
        have_by = {tuple(str(r[k]) for k in keys): r for r in have}
        added = sorted(set(want_by) - set(have_by))
        removed = sorted(set(have_by) - set(want_by))
        changed = sorted(k for k in set(want_by) & set(have_by) if not _same_row(want_by[k], have_by[k]))
        if added or removed or changed:
            parts = []
            for label, items in (
                ("new in sources", added),
                ("gone from sources", removed),
                ("changed", changed),
            ):
                if items:
                    sample = ", ".join("/".join(k) for k in items[:3]) + (" …" if len(items) > 3 else "")
                    parts.append(f"{len(items)} {label} ({sample})")
            diffs.append(f"{name}: " + "; ".join(parts))
    return diffs


def _same_row(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """``_norm(a) == _norm(b)``: the two rows' JSON (null as "", keys sorted) is the same. Equal dicts whose
    values have the same types in the same key order have the same JSON, unless a zero could be -0.0 (equal to
    0.0, written differently); anything else is compared by :func:`_norm`."""
    if a == b and list(a) == list(b) and 0.0 not in a.values() and list(map(type, a.values())) == list(
        map(type, b.values())
    ):
        return True
    return _norm(a) == _norm(b)


def _norm(row: dict[str, Any]) -> str:
    return json.dumps(
        {k: ("" if v is None else v) for k, v in row.items()}, sort_keys=True, ensure_ascii=False
    )
