"""``chainlink build``: validate the sources and compile registry.db (or check it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainlink.cli import app
from chainlink.cli._options import QuietOption


@app.command()
def build(
    check: Annotated[
        bool, typer.Option("--check", help="Do not write; exit 1 if the registry differs from its sources.")
    ] = False,
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            help="Folder holding data/ and chains/ (default: the chainlink checkout).",
            metavar="DIR",
        ),
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Registry to write or check (default: registry.db in the sources folder).",
            metavar="FILE",
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Compile and write even when the registry is already up to date."),
    ] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="With --check: compile and compare every row even when the recorded hashes agree."
        ),
    ] = False,
    quiet: QuietOption = False,
) -> None:
    """Validate data/*.csv and chains/*.yaml and compile them into registry.db.

    Every problem is reported as file:line: message. The registry is written in one transaction
    to a temporary file and renamed into place, so a failed build leaves the old one intact. A
    registry built from exactly the current sources (and this chainlink) is left as it is.
    """
    from chainlink.store.build import check_registry, compile_registry, default_sources_root, is_current

    root = sources or default_sources_root()
    target = db or (root / "registry.db")
    if check:
        diffs = check_registry(root, target, full=full)
        if diffs:
            typer.echo(f"{target}: out of date with the sources in {root}; run `chainlink build`", err=True)
            for line in diffs:
                typer.echo(f"  {line}", err=True)
            raise typer.Exit(1)
        typer.echo(f"{target}: up to date")
        return
    if not force and is_current(root, target):
        typer.echo(f"{target}: up to date with the sources; nothing to write (--force rebuilds)")
        return
    from chainlink.cli._progress import progress_bar

    with progress_bar(quiet, "build") as bar:
        report = compile_registry(root, target, progress=bar)
    counts = ", ".join(f"{n} {k}" for k, n in report.counts.items())
    typer.echo(f"wrote {report.path} ({counts})")
