"""Lazy command loading (chainlink/cli/_lazy.py): the table matches the modules; help imports none of them."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import typer.main
from typer.core import TyperGroup
from typer.testing import CliRunner

import chainlink.cli
from chainlink.cli import _lazy, app


def _all_commands() -> dict[str, object]:
    """Every top-level click command after importing every command module (the eager way)."""
    for info in pkgutil.iter_modules(chainlink.cli.__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"chainlink.cli.{info.name}")
    return dict(typer.main.get_group(app).commands.loaded)


def _module(command: object) -> str:
    callback = command.callback or next(iter(command.commands.values())).callback
    return callback.__module__.rsplit(".", 1)[1]


def test_table_matches_the_command_modules():
    real = _all_commands()
    want = {
        name: (_module(cmd), cmd.get_short_help_str(10**6)) for name, cmd in real.items() if not cmd.hidden
    }
    have = {name: entry for name, entry in _lazy.COMMANDS.items()}
    assert have == want, "update COMMANDS in chainlink/cli/_lazy.py to:\n" + "\n".join(
        f"    {n!r}: {e!r}," for n, e in want.items()
    )


def test_help_lists_commands_in_table_order_with_summaries():
    result = CliRunner().invoke(app, ["--help"], prog_name="chainlink")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.split("Commands:\n", 1)[1].splitlines() if line]
    assert listed == list(_lazy.COMMANDS)
    assert "  chains         Industrial chains: list them, show one as a tree.\n" in result.output


def test_commands_section_is_what_the_loaded_commands_print():
    """The table's section equals click's own, which asks each (imported) command for its short help."""
    group = typer.main.get_command(app)
    for width in (78, 60):
        ctx = group.context_class(group, info_name="chainlink")
        lazy, eager = ctx.make_formatter(), ctx.make_formatter()
        lazy.width = eager.width = width
        group.format_commands(ctx, lazy)
        TyperGroup.format_commands(group, ctx, eager)
        assert lazy.getvalue() == eager.getvalue()
        assert "..." in lazy.getvalue()  # some summaries are cut at this width


def _modules_after(args: list[str]) -> set[str]:
    code = (
        "import sys, io, contextlib\n"
        "from chainlink.cli import main\n"
        "try:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        f"        main({args!r})\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print('\\n'.join(sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_help_imports_no_command_module_and_no_heavy_library():
    loaded = _modules_after(["--help"])
    commands = {m for m in loaded if m.startswith("chainlink.cli.") and m != "chainlink.cli._lazy"}
    assert commands == set()
    assert not {"pydantic", "rich", "networkx", "numpy", "yaml"} & loaded


def test_a_command_imports_only_its_module():
    loaded = _modules_after(["counties", "--format", "csv"])
    commands = {m for m in loaded if m.startswith("chainlink.cli.") and not m.startswith("chainlink.cli._")}
    assert commands == {"chainlink.cli.browse"}
    assert "pydantic" not in loaded


def test_unknown_command_suggests_a_name_from_the_table():
    result = CliRunner().invoke(app, ["chians"], prog_name="chainlink")
    assert result.exit_code == 2
    assert "Did you mean 'chains'?" in result.output


def test_fast_help_is_what_click_prints_at_every_width():
    from chainlink._commands import root_help

    for width in (50, 57, 64, 71, 78, 100):
        result = CliRunner().invoke(app, ["--help"], prog_name="chainlink", terminal_width=width)
        assert result.exit_code == 0
        assert root_help(width) == result.output, width


def test_help_as_a_process_imports_no_typer():
    code = (
        "import sys\n"
        "sys.argv = ['chainlink', '--help']\n"
        "from chainlink.__main__ import run\n"
        "run()\n"
        "sys.stderr.write(' '.join(sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("Usage: chainlink [OPTIONS] COMMAND [ARGS]...")
    loaded = set(done.stderr.split())
    assert "chainlink._commands" in loaded
    assert not {"typer", "click", "chainlink.cli"} & loaded
    # anything else goes to the CLI
    done = subprocess.run([sys.executable, "-m", "chainlink", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("chainlink ")
