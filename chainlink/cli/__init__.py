"""The ``chainlink`` command line: parse options, call the library, render the result.

Each command group lives in its own module and registers itself on :data:`app`; only the module of
the command being run is imported (:mod:`chainlink.cli._lazy` lists the commands for ``--help``). Library errors
(:class:`chainlink.errors.ChainlinkError`) become one line on stderr and exit 1 (data) or 2
(usage); nothing here computes anything.
"""

from __future__ import annotations

import sys

import typer

from chainlink import __version__
from chainlink._commands import ROOT_HELP
from chainlink.cli._lazy import LazyGroup
from chainlink.errors import ChainlinkError

app = typer.Typer(
    name="chainlink",
    cls=LazyGroup,
    help=ROOT_HELP,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from chainlink.store.registry import locate

        typer.echo(f"chainlink {__version__}")
        for line in locate().describe():
            typer.echo(line)
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Industrial-chain matching for Zhejiang's 26 mountain counties and their paired zones."""


class Interrupted(BaseException):
    """Ctrl-C (SIGINT) or SIGTERM: raised by the signal handler, so click cannot swallow it as Abort."""


def _interrupt(signum: int, frame: object) -> None:
    raise Interrupted()


def _install_signals() -> dict[int, object]:
    """Route SIGINT and SIGTERM to :class:`Interrupted`; return the handlers they replace."""
    import signal
    import threading

    old: dict[int, object] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            old[sig] = signal.signal(sig, _interrupt)
    return old


def _fail(message: str, code: int) -> None:
    from chainlink.base.output import clip_message

    typer.echo(f"chainlink: error: {clip_message(message)}", err=True)
    sys.exit(code)


def _click_exceptions():  # noqa: ANN202 - typer >= 0.20 vendors click as typer._click
    try:
        from typer._click import exceptions
    except ImportError:  # pragma: no cover - older typer uses click itself
        from click import exceptions
    return exceptions


def _usage_message(exc: Exception) -> str:
    """A click usage error as one line: what is wrong and where to read more (no usage block)."""
    import re

    text = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    text = " ".join(text.split())
    # click's suggestions, in the one-line form: "…; did you mean 'match'?" / "did you mean --top or --bom?"
    text = re.sub(r"\. Did you mean (.+?)\?$", r"; did you mean \1?", text)
    possible = re.search(r" \(Possible options: (.+)\)$", text)
    if possible:
        names = possible.group(1).split(", ")
        text = text[: possible.start()] + "; did you mean " + (" or ".join([", ".join(names[:-1]), names[-1]])
                                                              if len(names) > 1 else names[0]) + "?"
    if text[:1].isupper() and not text[:2].isupper():
        text = text[0].lower() + text[1:]
    ctx = getattr(exc, "ctx", None)
    where = f"`{ctx.command_path} --help`" if ctx is not None else "`chainlink --help`"
    return f"{text.rstrip('.')} (see {where})" if text.endswith("?") else f"{text.rstrip('.')}; see {where}"


def main(argv: list[str] | None = None) -> None:
    """Run the command line; exit with the command's status.

    Every error is one line on stderr, ``chainlink: error: …``: a :class:`ChainlinkError` from the
    library exits with its code (1 data, 2 usage); click's usage errors (bad option values, missing
    arguments) exit 2; an OS error (a folder given as a file, a full disk) or a damaged registry exits 1.
    Ctrl-C prints ``chainlink: interrupted`` and exits 130. Values echoed in messages are cut to 80
    characters, and control and bidirectional characters are escaped.
    """
    import signal
    import sqlite3

    click = _click_exceptions()
    old = _install_signals()
    try:
        command = typer.main.get_command(app)
        code = command.main(args=argv, prog_name="chainlink", standalone_mode=False)
    except ChainlinkError as exc:
        _fail(str(exc), exc.exit_code)
    except click.NoArgsIsHelpError as exc:
        typer.echo(exc.format_message(), err=True)
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        _fail(_usage_message(exc), 2)
    except click.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code)
    except (Interrupted, KeyboardInterrupt, typer.Abort):
        typer.echo("chainlink: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); stop quietly.
        sys.stderr.close()
        sys.exit(0)
    except RecursionError:
        _fail("the input is nested too deeply to read (more than a few hundred levels); check the file", 1)
    except sqlite3.DatabaseError as exc:
        _fail(f"the registry is damaged or incomplete ({exc}); run `chainlink doctor`, then rebuild it", 1)
    except OSError as exc:
        import errno

        name = exc.filename if exc.filename is not None else "chainlink"
        if exc.errno == errno.EISDIR:
            _fail(f"{name}: is a folder; give a file", 1)
        _fail(f"{name}: {exc.strerror or exc}; check the path, its permissions and the free space", 1)
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
    sys.exit(code if isinstance(code, int) else 0)
