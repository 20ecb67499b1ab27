"""``python -m chainlink`` (and the ``chainlink`` command) runs the command-line interface.

``chainlink --help`` is answered from :mod:`chainlink._commands` without importing typer; everything
else goes to :func:`chainlink.cli.main`.
"""

import sys


def run() -> None:
    """The ``chainlink`` command."""
    from chainlink._commands import fast_help

    if fast_help(sys.argv[1:]):
        return
    from chainlink.cli import main

    main()


if __name__ == "__main__":
    run()
