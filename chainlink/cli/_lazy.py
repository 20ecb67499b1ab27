"""Lazy command loading: ``chainlink --help`` lists the commands without importing their modules.

:data:`COMMANDS` names every top-level command, the module that defines it and its one-line summary
(the first sentence of its help), in the order ``--help`` lists them. Running a command imports only
its module (which registers its commands on :data:`chainlink.cli.app` as before); ``--help`` prints
the summaries from the table. tests/test_cli_lazy.py fails when the table and the modules disagree
and prints the table to paste.

To add a command module: write it as the others (``from chainlink.cli import app`` and
``@app.command()`` or ``app.add_typer(...)``), then add its commands to :data:`COMMANDS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import Any

from typer.core import TyperGroup

# name → (module under chainlink.cli, summary: the command's help up to the end of its first sentence)
COMMANDS: dict[str, tuple[str, str]] = {
    "allocate": (
        "allocate",
        "Assign overflow projects to mountain-county platforms and enclaves, maximising the total match score.",
    ),
    "diff": (
        "allocate",
        "What changed between two allocation runs: moved, newly assigned and dropped projects, score "
        "changes, capacity and parameter changes.",
    ),
    "explain": (
        "allocate",
        "Take one (project, county) score apart: each component with its value, weight and contribution "
        "and the data behind it (the chain path upstream→downstream, IO edge weights and their source, IO "
        "relatedness, density, the pairing and its source), the eligibility rules, and with --run the "
        "binding constraints and why each higher-scoring destination was not chosen.",
    ),
    "counties": (
        "browse",
        "The 26 mountain counties with their pairings and characteristic industries counted.",
    ),
    "pairs": (
        "browse",
        "Pairings between mountain counties and partner districts or zones, with their sources.",
    ),
    "build": ("build", "Validate data/*.csv and chains/*.yaml and compile them into registry.db."),
    "doctor": (
        "doctor",
        "Check the registry: integrity, schema version, user tables, foreign keys, orphan rows, staleness.",
    ),
    "migrate": (
        "doctor",
        "Migrate the registry to this chainlink's schema version, in one transaction (keeps imported data).",
    ),
    "evaluate": (
        "evaluate",
        "Leave-one-out backtest: replay every sourced real project or transfer in the registry.",
    ),
    "match": (
        "match",
        "Ranked suggestions of what a county's paired partners can transfer or co-introduce.",
    ),
    "export": (
        "match",
        "The suggestion list for all 26 counties (or those named): one row per (county, rank).",
    ),
    "opportunities": (
        "geography",
        "Industries (IO sectors) the county does not hold, ranked by relatedness density, complexity and gain.",
    ),
    "gaps": (
        "geography",
        "The county's chain gaps: 补链 missing upstream links, 延链 downstream extensions, 强链 thin held "
        "segments.",
    ),
    "imported": ("importer", "The rows imported so far (or the import log), ordered by id."),
    "sources": (
        "sources",
        "Every source cited in data/ and chains/ (data/sources.csv): what it supports, its licence, and how "
        "many rows of each table cite it.",
    ),
    "chains": ("chains", "Industrial chains: list them, show one as a tree."),
    "county": ("county", "One mountain county: every fact with its source and confidence."),
    "zone": ("county", "One partner district, development zone or platform: every fact with its source."),
    "enterprises": ("enterprises", "Imported enterprises (see `chainlink import enterprises`)."),
    "import": (
        "importer",
        "Import enterprise or project lists, county industries or pairings (CSV, TSV, xlsx, JSON, NDJSON) "
        "into the registry's user tables.",
    ),
    "industries": (
        "industries",
        "GB/T 4754-2017 industry classification (国民经济行业分类): search it, show one code.",
    ),
    "io": (
        "io",
        "National input–output linkages (NBS tables 2017, 2018, 2020): key sectors, suppliers, customers.",
    ),
    "metrics": (
        "metrics",
        "Economic-geography metrics for any long table (time, location, product, value): RCA, presence, "
        "proximity and relatedness, density, ECI/PCI, COI/COG — a drop-in for py-ecomplexity.",
    ),
}


def _load(name: str) -> dict[str, Any]:
    """Import the module defining ``name``; return every command registered on the app so far (click objects)."""
    import typer.main

    from chainlink.cli import app

    importlib.import_module(f"chainlink.cli.{COMMANDS[name][0]}")
    full = typer.main.get_group(app)
    return dict(full.commands.loaded if isinstance(full.commands, LazyCommands) else full.commands)


class LazyCommands(MutableMapping):
    """The root group's commands: the table's names, each imported the first time it is looked up."""

    def __init__(self, loaded: MutableMapping[str, Any]) -> None:
        self.loaded: dict[str, Any] = dict(loaded)

    def _names(self) -> list[str]:
        return list(COMMANDS) + [n for n in self.loaded if n not in COMMANDS]

    def __getitem__(self, name: str) -> Any:
        if name not in self.loaded and name in COMMANDS:
            for key, command in _load(name).items():
                self.loaded.setdefault(key, command)
        return self.loaded[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self.loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or name in self.loaded


class LazyGroup(TyperGroup):
    """A typer group that lists :data:`COMMANDS` from the table and imports a command's module on use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(self.commands)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        try:
            return self.commands[cmd_name]
        except KeyError:
            return None

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The commands section of ``--help`` from the table (no module imported)."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.loaded.get(name)
            if command is not None and command.hidden:
                continue
            rows.append((name, command))
        if not rows:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in rows)
        lines = []
        for name, command in rows:
            if name in COMMANDS:
                lines.append((name, _short_help(COMMANDS[name][1], limit)))
            else:
                lines.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(lines)


def _short_help(summary: str, limit: int) -> str:
    """``summary`` cut to ``limit`` characters as click cuts a command's help (word boundary, ``...``)."""
    try:
        from typer._click.utils import make_default_short_help
    except ImportError:  # typer releases that use the click package
        from click.utils import make_default_short_help
    return make_default_short_help(summary, limit)
