"""Generate docs/cli.md from the commands' own --help texts: ``python -m chainlink._docs > docs/cli.md``.

tests/test_docs.py fails when docs/cli.md differs from what this prints, so the reference
cannot drift from the code.
"""

from __future__ import annotations

import sys


def _help(path: list[str]) -> str:
    from typer.testing import CliRunner

    from chainlink.cli import app

    result = CliRunner().invoke(app, [*path, "--help"], prog_name="chainlink", terminal_width=100)
    return result.output.rstrip() + "\n"


def cli_reference() -> str:
    """The whole CLI reference as Markdown, one section per command, in command order."""
    import typer.main

    from chainlink.cli import app

    root = typer.main.get_command(app)
    parts = [
        "# CLI reference\n",
        "Generated from the commands' `--help` by `python -m chainlink._docs > docs/cli.md`; do not edit by hand.\n",
        f"```text\n{_help([])}```\n",
    ]

    def walk(group, path: list[str]) -> None:
        for name in sorted(group.commands):
            command = group.commands[name]
            full = [*path, name]
            parts.append(f"## chainlink {' '.join(full)}\n")
            parts.append(f"```text\n{_help(full)}```\n")
            if hasattr(command, "commands"):
                walk(command, full)

    walk(root, [])
    return "\n".join(parts)


if __name__ == "__main__":
    sys.stdout.write(cli_reference())
