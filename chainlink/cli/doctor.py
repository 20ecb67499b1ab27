"""``chainlink doctor`` (check a registry) and ``chainlink migrate`` (bring it to the current schema)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._output import DbOption


@app.command()
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
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    db: DbOption = None,
) -> None:
    """Check the registry: integrity, schema version, user tables, foreign keys, orphan rows, staleness.

    One line per check (OK, WARN, FAIL, SKIP) with what to do; exits 1 when any check fails.
    Read-only: the registry is never changed.
    """
    import json

    from chainlink.cli._output import check_format
    from chainlink.doctor import diagnose, failed

    fmt = check_format(fmt, ("text", "json"))
    checks = diagnose(db, sources=sources, check_sources=not no_sources, quick=quick)
    if fmt == "json":
        typer.echo(json.dumps([c.__dict__ for c in checks], ensure_ascii=False, indent=2))
    else:
        for check in checks:
            typer.echo(check.line())
    if failed(checks):
        raise typer.Exit(1)


@app.command()
def migrate(db: DbOption = None) -> None:
    """Migrate the registry to this chainlink's schema version, in one transaction (keeps imported data)."""
    from chainlink.migrations import migrate_registry
    from chainlink.registry import SCHEMA_VERSION, find_registry

    path = find_registry(db)
    done = migrate_registry(path)
    for step in done:
        typer.echo(f"migrated {path}: {step}")
    if not done:
        typer.echo(f"{path}: already at schema version {SCHEMA_VERSION}")
