"""Check a registry: SQLite integrity, foreign keys, schema version, staleness against sources, orphan rows.

:func:`diagnose` opens the registry read-only and returns one :class:`Check` per topic; it never
changes the file. A check fails (``status == "fail"``) when something is wrong that chainlink cannot
work around; ``"warn"`` marks what is worth knowing but harmless.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chainlink.errors import DataError


@dataclass
class Check:
    """One topic checked: its name, ok/warn/fail/skip, what was found and what to do."""

    name: str
    status: str
    detail: str
    fix: str = ""

    def line(self) -> str:
        """``FAIL  foreign keys: … — fix``."""
        fix = f"; {self.fix}" if self.fix else ""
        return f"{self.status.upper():5} {self.name}: {self.detail}{fix}"


def diagnose(
    db: str | os.PathLike[str] | None = None,
    *,
    sources: str | os.PathLike[str] | None = None,
    check_sources: bool = True,
    quick: bool = False,
) -> list[Check]:
    """Every check of the registry found by :func:`chainlink.store.registry.locate` (reference + user registry).

    ``sources`` is the folder holding data/ and chains/ (default: the chainlink checkout); staleness
    is skipped when it has none or ``check_sources`` is false. ``quick`` runs SQLite's quick_check
    instead of the full integrity_check. The registry files are never changed; temporary files that a
    killed build left beside them are removed.
    """
    from chainlink.store.registry import locate, sqlite_uri

    location = locate(db)
    path = location.reference
    checks = [Check("files", "ok", "; ".join(location.describe()))]
    if not path.exists():
        raise DataError(f"{path}: registry not found; build one with `chainlink build` or pass --db PATH")
    if path.is_dir():
        raise DataError(f"{path}: is a folder, not a registry file; pass --db PATH")
    checks.append(_temp_files(location))
    try:
        conn = sqlite3.connect(sqlite_uri(path), uri=True, timeout=30)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        return [*checks, Check("file", "fail", "not an SQLite database", "rebuild it with `chainlink build`")]
    try:
        checks.append(_integrity(conn, quick))
        if checks[-1].status == "fail":
            return checks
        schema = _schema(conn, path)
        checks.append(schema)
        if schema.detail.startswith("not a chainlink registry"):
            return checks
        checks.append(_reference_tables(conn))
        user = _attach_user(conn, location, quick)
        if user is not None:
            checks.append(user)
            if user.status == "fail":
                return checks
        checks.append(_user_tables(conn))
        checks.append(_foreign_keys(conn))
        if checks[-2].status != "fail":
            checks.append(_orphans(conn))
        checks.append(_staleness(conn, path, sources, check_sources))
        checks.append(_journal(conn, path))
    except sqlite3.DatabaseError as exc:
        checks.append(
            Check("read", "fail", f"SQLite cannot read the registry ({exc})", "rebuild it with `chainlink build`")
        )
    finally:
        conn.close()
    return checks


def _temp_files(location: Any) -> Check:
    from chainlink.store.build import TEMP_MARK, remove_stale_temp_files

    removed: list[Path] = []
    others: list[Path] = []
    for target in (location.reference, location.user):
        if target is None:
            continue
        removed += remove_stale_temp_files(target)
        folder = target.parent if str(target.parent) else Path(".")
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        prefix = f".{target.name}."
        others += [
            e for e in entries if e.name.startswith(prefix) and e.name.endswith(".tmp") and TEMP_MARK not in e.name
        ]
    if others:
        names = ", ".join(str(p) for p in sorted(others)[:3])
        return Check(
            "temp files",
            "warn",
            f"{len(others)} temporary file(s) beside the registry ({names})",
            "left by an older chainlink's build or a killed write: delete them when no chainlink is running",
        )
    if removed:
        return Check("temp files", "ok", f"removed {len(removed)} stale temporary file(s) of killed builds")
    return Check("temp files", "ok", "none")


def _reference_tables(conn: sqlite3.Connection) -> Check:
    """Every reference table present with the columns, row count and content hash build recorded."""
    from chainlink.store.registry import REFERENCE_TABLES, table_hash

    meta = dict(conn.execute("SELECT key, value FROM main.meta").fetchall())
    recorded = sorted(k[5:] for k in meta if k.startswith("rows:"))
    present = {r[0] for r in conn.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")}
    names = recorded or list(REFERENCE_TABLES)
    problems = [f"{n} missing" for n in names if n not in present]
    fix = "rebuild it with `chainlink build` (imported data is kept)"
    if not recorded:
        if problems:
            return Check("reference tables", "fail", "; ".join(problems), fix)
        return Check(
            "reference tables", "warn", f"{len(names)} present; no hashes recorded (built by an older chainlink)", fix
        )
    for name in names:
        if name not in present:
            continue
        columns = ",".join(r[1] for r in conn.execute(f"PRAGMA main.table_info([{name}])"))
        if meta.get(f"columns:{name}") not in (None, columns):
            problems.append(f"{name} has columns {columns}, built with {meta[f'columns:{name}']}")
            continue
        count, digest = table_hash(conn, name, "main")
        want = meta.get(f"rows:{name}")
        if want is not None and str(count) != want:
            problems.append(f"{name} has {count:,} rows, built with {int(want):,}")
        elif digest != meta.get(f"dbhash:{name}"):
            problems.append(f"{name} content changed since the build")
    if problems:
        return Check("reference tables", "fail", "; ".join(problems[:4]) + (" …" if len(problems) > 4 else ""), fix)
    return Check("reference tables", "ok", f"{len(names)} tables as built (columns, row counts, content hashes)")


def _attach_user(conn: sqlite3.Connection, location: Any, quick: bool) -> Check | None:
    """Attach the user registry (split mode) and check it; None for a self-contained registry."""
    from chainlink.store.registry import USER_SCHEMA, sqlite_uri

    if location.user is None:
        has_user = conn.execute(
            "SELECT count(*) FROM main.sqlite_master WHERE type = 'table' AND name LIKE 'user\\_%' ESCAPE '\\'"
        ).fetchone()[0]
        if not has_user:  # a fresh self-contained registry: its first import creates them
            from chainlink.store.migrations import create_missing

            conn.execute(f"ATTACH ':memory:' AS {USER_SCHEMA}")
            create_missing(conn, USER_SCHEMA)
        return None
    user = location.user
    legacy = conn.execute(
        "SELECT count(*) FROM main.sqlite_master WHERE type = 'table' AND name LIKE 'user\\_%' ESCAPE '\\'"
    ).fetchone()[0]
    if legacy:
        return Check(
            "user registry",
            "fail",
            f"the reference registry holds {legacy} user table(s) from an older chainlink",
            f"run `chainlink build` to rebuild it (their rows move to {user})",
        )
    if not user.exists() or user.stat().st_size == 0:
        from chainlink.store.migrations import create_missing

        conn.execute(f"ATTACH ':memory:' AS {USER_SCHEMA}")
        create_missing(conn, USER_SCHEMA)
        return Check("user registry", "ok", f"{user} not created yet (the first import creates it)")
    try:
        conn.execute(f"ATTACH ? AS {USER_SCHEMA}", (sqlite_uri(user),))
        pragma = "quick_check" if quick else "integrity_check"
        rows = [r[0] for r in conn.execute(f"PRAGMA {USER_SCHEMA}.{pragma}(20)")]
        version = conn.execute(f"PRAGMA {USER_SCHEMA}.user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return Check("user registry", "fail", f"{user}: SQLite cannot read it ({exc})", "restore it from a backup")
    if rows != ["ok"]:
        return Check("user registry", "fail", f"{user}: {pragma}: {'; '.join(rows[:3])}", "restore it from a backup")
    from chainlink.store.registry import SCHEMA_VERSION

    if version != SCHEMA_VERSION:
        fix = "run `chainlink migrate`" if version < SCHEMA_VERSION else "upgrade chainlink"
        return Check("user registry", "fail", f"{user}: schema version {version}, this chainlink uses {SCHEMA_VERSION}", fix)
    return Check("user registry", "ok", f"{user}: {pragma} ok, version {version}")


def failed(checks: list[Check]) -> bool:
    """Whether any check failed (the CLI exits 1)."""
    return any(c.status == "fail" for c in checks)


def _integrity(conn: sqlite3.Connection, quick: bool) -> Check:
    pragma = "quick_check" if quick else "integrity_check"
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}(20)")]
    except sqlite3.DatabaseError as exc:
        return Check(
            "integrity", "fail", f"SQLite cannot read the file ({exc})", "rebuild it with `chainlink build`"
        )
    if rows == ["ok"]:
        return Check("integrity", "ok", f"{pragma} ok")
    return Check(
        "integrity",
        "fail",
        f"{pragma}: {'; '.join(rows[:3])}" + (" …" if len(rows) > 3 else ""),
        "rebuild it with `chainlink build` (imported user tables are carried over when readable)",
    )


def _schema(conn: sqlite3.Connection, path: Path) -> Check:
    from chainlink.store.registry import SCHEMA_VERSION

    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "meta" not in tables:
        return Check(
            "schema", "fail", "not a chainlink registry (no meta table)", "pass --db PATH to a registry"
        )
    meta = dict(conn.execute("SELECT key, value FROM main.meta").fetchall())
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if meta.get("app") != "chainlink":
        return Check("schema", "fail", "not a chainlink registry (meta.app)", "pass --db PATH to a registry")
    if version < SCHEMA_VERSION:
        return Check(
            "schema",
            "fail",
            f"version {version}, this chainlink uses {SCHEMA_VERSION}",
            f"run `chainlink migrate --db {path}`",
        )
    if version > SCHEMA_VERSION:
        return Check(
            "schema",
            "fail",
            f"version {version} is newer than this chainlink ({SCHEMA_VERSION})",
            "upgrade chainlink",
        )
    if meta.get("schema_version") != str(version):
        return Check(
            "schema",
            "warn",
            f"user_version {version} but meta.schema_version {meta.get('schema_version')!r}",
            "rebuild with `chainlink build`",
        )
    return Check("schema", "ok", f"version {version}")


def expected_user_columns() -> dict[str, list[str]]:
    """Each user table of the current schema → its columns (from the migration steps)."""
    from chainlink.store.migrations import STEPS

    mem = sqlite3.connect(":memory:")
    for _, _, step in STEPS:
        step(mem)
    out = {
        name: [r[1] for r in mem.execute(f"PRAGMA table_info([{name}])")]
        for (name,) in mem.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    }
    mem.close()
    return out


def _user_tables(conn: sqlite3.Connection) -> Check:
    problems = []
    counts = []
    for name, columns in expected_user_columns().items():
        have = [r[0] for r in conn.execute("SELECT name FROM pragma_table_info(?)", (name,))]
        if not have:
            problems.append(f"{name} missing")
            continue
        if have != columns:
            problems.append(f"{name} has columns {', '.join(have)}")
            continue
        counts.append(f"{conn.execute(f'SELECT count(*) FROM [{name}]').fetchone()[0]:,} {name}")
    if problems:
        return Check(
            "user tables",
            "fail",
            "; ".join(problems),
            "run `chainlink migrate`; if that does not help, export them and rebuild",
        )
    return Check("user tables", "ok", ", ".join(counts))


def _foreign_keys(conn: sqlite3.Connection) -> Check:
    try:
        rows = conn.execute("PRAGMA main.foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return Check("foreign keys", "fail", f"cannot check ({exc})", "rebuild it with `chainlink build`")
    if not rows:
        return Check("foreign keys", "ok", "every declared reference resolves")
    by_table: dict[str, int] = {}
    for table, _rowid, parent, _fk in rows:
        by_table[f"{table} → {parent}"] = by_table.get(f"{table} → {parent}", 0) + 1
    detail = "; ".join(f"{n:,} row(s) {k}" for k, n in sorted(by_table.items()))
    return Check(
        "foreign keys",
        "fail",
        detail,
        "the sources dropped what imported rows point at: fix the rows and import them again",
    )


# (user table, column, parent table, parent column, separator or None)
_REFERENCES = [
    ("user_enterprises", "county_code", "counties", "code", None),
    ("user_enterprises", "partner_id", "partners", "id", None),
    ("user_enterprises", "segment_key", "segments", "key", None),
    ("user_enterprises", "gbt_codes", "industries", "code", ";"),
    ("user_projects", "origin_id", "partners", "id", None),
    ("user_projects", "county_code", "counties", "code", None),
    ("user_projects", "platform", "partners", "id", None),
    ("user_projects", "segment_key", "segments", "key", None),
    ("user_projects", "gbt_codes", "industries", "code", ";"),
    ("user_characteristic_industries", "platform", "partners", "id", None),
    ("user_characteristic_industries", "gbt_codes", "industries", "code", ";"),
    ("user_pairings", "county_platform", "partners", "id", None),
    ("user_pairings", "chains", "chains", "id", ";"),
]


def _orphans(conn: sqlite3.Connection) -> Check:
    from chainlink.store.registry import table_names

    tables = table_names(conn)
    found: list[str] = []
    for table, column, parent, key, sep in _REFERENCES:
        if table not in tables or parent not in tables:
            continue
        if sep is None:
            n = conn.execute(
                f"SELECT count(*) FROM [{table}] WHERE [{column}] <> '' "
                f"AND [{column}] NOT IN (SELECT [{key}] FROM [{parent}])"
            ).fetchone()[0]
        else:
            known = {r[0] for r in conn.execute(f"SELECT [{key}] FROM [{parent}]")}
            n = sum(
                1
                for (value,) in conn.execute(f"SELECT [{column}] FROM [{table}] WHERE [{column}] <> ''")
                if any(part and part not in known for part in value.split(sep))
            )
        if n:
            found.append(f"{n:,} {table}.{column} not in {parent}")
    if "user_characteristic_industries" in tables:
        n = conn.execute(
            "SELECT count(*) FROM user_characteristic_industries WHERE county_code NOT IN "
            "(SELECT code FROM counties) AND county_code NOT IN (SELECT substr(code, 1, 4) || '00' FROM counties)"
        ).fetchone()[0]
        if n:
            found.append(f"{n:,} user_characteristic_industries.county_code not a county or its city")
    if found:
        return Check(
            "orphan rows",
            "fail",
            "; ".join(found),
            "the sources no longer have what these rows name: correct and re-import them",
        )
    return Check("orphan rows", "ok", "every imported row names known counties, partners, segments and codes")


def _staleness(conn: sqlite3.Connection, path: Path, sources: Any, enabled: bool) -> Check:
    from chainlink.store.build import (
        _previous_pinyin,
        compile_tables,
        content_hash,
        default_sources_root,
        is_current,
    )

    if not enabled:
        return Check("sources", "skip", "not checked (--no-sources)")
    root = Path(sources) if sources else default_sources_root()
    if not (root / "data").is_dir() or not (root / "chains").is_dir():
        return Check(
            "sources", "skip", f"no data/ and chains/ in {root}", "pass --sources DIR to check staleness"
        )
    if is_current(root, path):
        # the inputs hash the build recorded is that of everything a build reads now (the fast path of `build
        # --check`): a compile would give the recorded tables; a table changed since is the reference tables' check
        return Check("sources", "ok", f"up to date with {root}")
    meta = dict(conn.execute("SELECT key, value FROM main.meta").fetchall())
    try:
        digest = content_hash(compile_tables(root, pinyin=_previous_pinyin(path)))  # as a rebuild would
    except DataError as exc:
        first = str(exc).splitlines()[0]
        return Check(
            "sources",
            "fail",
            f"the sources in {root} do not build: {first}",
            "fix them, then `chainlink build`",
        )
    if meta.get("sources_hash") == digest:
        return Check("sources", "ok", f"up to date with {root}")
    return Check(
        "sources",
        "fail",
        f"out of date with the sources in {root}",
        f"run `chainlink build --db {path}` (imported data is kept)",
    )


def _journal(conn: sqlite3.Connection, path: Path) -> Check:
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    wal = Path(str(path) + "-wal")
    size = wal.stat().st_size if wal.exists() else 0
    if mode == "wal" or size:
        return Check(
            "journal",
            "warn",
            f"write-ahead log in use ({size:,} bytes in {wal.name})",
            "a write finished while readers had the file open; the next import returns it to one file",
        )
    return Check("journal", "ok", mode)
