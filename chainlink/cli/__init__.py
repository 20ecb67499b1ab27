"""The ``chainlink`` command line: parse options, call the library, render the result.

Each command group lives in its own module and registers itself on :data:`app`. Library errors
(:class:`chainlink.errors.ChainlinkError`) become one line on stderr and exit 1 (data) or 2
(usage); nothing here computes anything.
"""

from __future__ import annotations

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
    from chainlink.cli import (  # noqa: F401
        allocate,
        browse,
        build,
        chains,
        county,
        doctor,
        enterprises,
        evaluate,
        geography,
        importer,
        industries,
        io,
        match,
        metrics,
        sources,
    )


_register()


def main(argv: list[str] | None = None) -> None:
    """Run the command line; exit with the command's status.

    Click handles its own usage errors (exit 2) and ``--help``; a :class:`ChainlinkError` from the
    library becomes one line on stderr and its exit code (1 data, 2 usage).
    """
    try:
        app(args=argv, prog_name="chainlink")
    except ChainlinkError as exc:
        typer.echo(f"chainlink: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("chainlink: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); stop quietly.
        sys.stderr.close()
        sys.exit(0)
