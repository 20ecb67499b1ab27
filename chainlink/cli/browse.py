"""Browsing the registry: ``counties`` and ``pairs``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._options import DbOption, Rows, rows_command
from chainlink.cli._registry import open_registry


def labels(lang: str, *columns: str) -> dict[str, str]:
    """Table headers for ``columns`` in ``lang`` (:data:`chainlink.base.vocabulary.HEADERS`)."""
    from chainlink.base.vocabulary import header

    return {c: header(c, lang) for c in columns}


@app.command()
@rows_command()
def counties(out: Rows, db: DbOption = None) -> None:
    """The 26 mountain counties with their pairings and characteristic industries counted."""
    from chainlink.outputs.browse import county_rows

    rows = out.cut(county_rows(open_registry(db)))
    columns = [
        "code",
        "name_zh",
        "name_en",
        "pinyin",
        "city",
        "pairings",
        "characteristic_industries",
        "lat",
        "lon",
        "confidence",
    ]
    out.emit(
        rows,
        columns,
        table_columns=["code", "name_zh" if out.zh else "name_en", "city", "pairings", "characteristic_industries"],
        headers=labels(out.lang, "code", "name_zh", "name_en", "city", "pairings", "characteristic_industries"),
    )


@app.command()
@rows_command()
def pairs(
    county: Annotated[
        str | None, typer.Argument(help="Only this county (code, 汉字, pinyin, English).")
    ] = None,
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """Pairings between mountain counties and partner districts or zones, with their sources."""
    from chainlink.outputs.browse import pairing_rows
    from chainlink.store.resolve import Resolver

    reg = open_registry(db)
    code = Resolver.from_registry(reg).resolve(county, ("county",)).id if county else None
    rows = out.cut(pairing_rows(reg, code))
    if out.fmt in ("table", "md"):
        from chainlink.base.vocabulary import pairing_label

        for row in rows:
            row["kind_label"] = pairing_label(row["kind"], out.lang)
    columns = [
        "id",
        "county_code",
        "county_zh",
        "county_platform",
        "partner_id",
        "partner_zh",
        "partner_kind",
        "kind",
        "chains",
        "round",
        "round_zh",
        "confidence",
        "source",
    ]
    # the table's 批次 is the round as pairing_rows says it in Chinese (round_zh), or as written in English
    round_column = "round_zh" if out.lang == "zh" else "round"
    headers = labels(out.lang, "id", "county_zh", "partner_short_zh", "kind_label", "round")
    headers[round_column] = headers.pop("round")
    out.emit(
        rows,
        columns,
        table_columns=["id", "county_zh", "partner_short_zh", "kind_label", round_column],
        headers=headers,
    )


@app.command()
def browse(
    port: Annotated[int, typer.Option("--port", help="Port to serve on.", metavar="N")] = 8001,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.", metavar="HOST")] = "127.0.0.1",
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", help="Open a web browser on the page.")
    ] = False,
    write: Annotated[
        Path | None,
        typer.Option("--write", help="Only write metadata.json and derived.db into DIR (no server).", metavar="DIR"),
    ] = None,
    db: DbOption = None,
) -> None:
    """Explore the registry in Datasette: linked tables, name search, saved queries.

    Serves the registry read-only beside derived.db (every county's suggestions and holdings, computed
    now) with metadata.json (descriptions, sources, licences; saved queries "suggestions for a county"
    and "chains touching a county"). Needs the optional extra: pip install 'chainlink[browse]'.
    """
    import importlib.util
    import json
    import signal
    import subprocess
    import sys
    import tempfile

    from chainlink.base.output import write_atomic
    from chainlink.errors import DataError
    from chainlink.outputs.datasette import derived_database, metadata, stored_metadata
    from chainlink.scoring.model import Model
    from chainlink.scoring.presets import load_preset

    if write is None and importlib.util.find_spec("datasette") is None:
        raise DataError("datasette is not installed; install it with: pip install 'chainlink[browse]'")
    reg = open_registry(db)
    meta = stored_metadata(reg.conn)
    if not meta:
        import sqlite_utils

        meta = metadata(sqlite_utils.Database(reg.conn))
    model = Model(reg, load_preset("default"))

    def prepare(folder: Path) -> list[str]:
        folder.mkdir(parents=True, exist_ok=True)
        link = folder / "registry.db"
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(Path(reg.path).resolve())
        derived = folder / "derived.db"
        tmp = folder / ".derived.db.tmp"
        tmp.unlink(missing_ok=True)
        derived_database(model, tmp)
        tmp.replace(derived)
        write_atomic(folder / "metadata.json", json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        return ["-i", str(link), str(derived), "--metadata", str(folder / "metadata.json")]

    if write is not None:
        prepare(write)
        typer.echo(f"wrote {write / 'metadata.json'} and {write / 'derived.db'}", err=True)
        return
    with tempfile.TemporaryDirectory(prefix="chainlink-browse-") as tmp:
        args = prepare(Path(tmp))
        cmd = [sys.executable, "-m", "datasette", "serve", *args, "--host", host, "--port", str(port)]
        if open_browser:
            cmd.append("--open")
        typer.echo(f"chainlink: serving {reg.path} on http://{host}:{port}/ (Ctrl-C to stop)", err=True)

        def stop(signum: int, frame: object) -> None:
            raise SystemExit(128 + signum)

        signal.signal(signal.SIGTERM, stop)  # end datasette too, and remove the temporary folder
        proc = subprocess.Popen(cmd)
        try:
            code = proc.wait()
        except (KeyboardInterrupt, SystemExit):
            code = 0
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)
    raise typer.Exit(code)
