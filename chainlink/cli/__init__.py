"""The ``chainlink`` command line: parse options, call the library, render the result.

Each command group lives in its own module and registers itself on :data:`app`. Library errors
(:class:`chainlink.errors.ChainlinkError`) become one line on stderr and exit 1 (data) or 2
(usage); nothing here computes anything.
"""

from __future__ import annotations

import os
import sys

import typer

from chainlink import __version__
from chainlink.errors import ChainlinkError

app = typer.Typer(
    name="chainlink",
    help="Industrial-chain matching for Zhejiang's 26 mountain counties and their paired zones "
    "(山海协作 · 产业链“双链长制”).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"chainlink {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Industrial-chain matching for Zhejiang's 26 mountain counties and their paired zones."""


def _register() -> None:
    # Imported here, not at the top, so that each module can import `app` from this one.
    from chainlink.cli import browse, build, match  # noqa: F401


_register()


def main(argv: list[str] | None = None) -> None:
    """Run the command line; exit with the command's status."""
    if os.environ.get("NO_COLOR"):
        os.environ.setdefault("TERM", "dumb")
    try:
        result = app(args=argv, prog_name="chainlink", standalone_mode=False)
    except ChainlinkError as exc:
        typer.echo(f"chainlink: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("chainlink: aborted", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("chainlink: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); quietly stop.
        sys.stderr.close()
        sys.exit(0)
    except _click_usage_errors() as exc:
        exc.show()
        sys.exit(2)
    sys.exit(0)


def _click_usage_errors() -> tuple[type[BaseException], ...]:
    import click

    return (click.UsageError, click.BadParameter, click.ClickException)
