"""``chainlink doctor`` (check a registry) and ``chainlink migrate`` (bring it to the current schema)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._options import DbOption, Rows, rows_command


@app.command()
@rows_command(formats=("table", "text", "csv", "tsv", "json", "ndjson", "xlsx", "md"))
def doctor(
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            help="Folder holding data/ and chains/ (default: the chainlink checkout).",
            metavar="DIR",
        ),
    ] = None,
    no_sources: Annotated[bool, typer.Option("--no-sources", help="Skip the staleness check.")] = False,
    quick: Annotated[
        bool, typer.Option("--quick", help="SQLite quick_check instead of integrity_check.")
    ] = False,
    *,
    out: Rows,
    db: DbOption = None,
) -> None:
    """Check the registry: integrity, schema version, user tables, foreign keys, orphan rows, staleness.

    One line per check (OK, WARN, FAIL, SKIP) with what to do, folded to the terminal's width; exits 1
    when any check fails. Read-only: the registry is never changed. (--format text is the table.)
    """
    from chainlink.cli._output import fold_lines
    from chainlink.store.doctor import diagnose, failed

    checks = diagnose(db, sources=sources, check_sources=not no_sources, quick=quick)
    if out.fmt in ("table", "text"):
        out.text(fold_lines([check.line() for check in out.cut(checks)], indent=6))
    else:
        columns = ["name", "status", "detail", "fix"]
        out.emit([c.__dict__ for c in out.cut(checks)], columns)
    if failed(checks):
        raise typer.Exit(1)


@app.command()
def migrate(db: DbOption = None) -> None:
    """Migrate the registry to this chainlink's schema version, in one transaction (keeps imported data)."""
    from chainlink.store.migrations import migrate_registry
    from chainlink.store.registry import SCHEMA_VERSION, find_registry

    path = find_registry(db)
    done = migrate_registry(path)
    for step in done:
        typer.echo(f"migrated {path}: {step}")
    if not done:
        typer.echo(f"{path}: already at schema version {SCHEMA_VERSION}")
