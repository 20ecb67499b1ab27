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

from chainlink._commands import COMMANDS  # noqa: E402  (the table; see chainlink/_commands.py)


def _load(name: str) -> dict[str, Any]:
    """Import the module defining ``name``; return every command registered on the app so far (click objects)."""
    import typer.main

    from chainlink.cli import app

    importlib.import_module(f"chainlink.cli.{COMMANDS[name][0]}")
    full = typer.main.get_group(app)
    commands = dict(full.commands.loaded if isinstance(full.commands, LazyCommands) else full.commands)
    for command in commands.values():
        name_metavars(command)
    return commands


# Metavars by type, for options that name none: words a reader knows, not Python types (TEXT, INTEGER).
TYPE_METAVARS = {"integer": "N", "float": "X", "path": "FILE", "boolean": "BOOL"}


def name_metavars(command: Any) -> None:
    """Give every argument and option of ``command`` (and its subcommands) a metavar in words.

    An argument is named by its parameter in capitals (COUNTY); an option without one by its type (N
    for integers, X for numbers, FILE for paths) or, for text, by the option's own name (--partner →
    PARTNER).
    """
    for param in getattr(command, "params", []):
        if param.metavar is not None or getattr(param, "is_flag", False) or getattr(param, "count", False):
            continue
        if param.param_type_name == "argument":
            param.metavar = (param.name or "value").upper()
            continue
        type_name = getattr(param.type, "name", "text").split()[0].lower()
        if type_name in TYPE_METAVARS:
            param.metavar = TYPE_METAVARS[type_name]
        else:
            long = max(param.opts, key=len).lstrip("-")
            param.metavar = long.replace("-", "_").upper()
    for sub in getattr(command, "commands", {}).values():
        name_metavars(sub)


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
        for command in self.commands.values():
            name_metavars(command)
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
