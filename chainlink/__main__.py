"""``python -m chainlink`` (and the ``chainlink`` command) runs the command-line interface.

``chainlink --help`` is answered from :mod:`chainlink._commands` without importing typer; everything
else goes to :func:`chainlink.cli.main`.
"""

import sys

# A command is a short process that makes many objects (imports, registry rows) and frees nearly all of them by
# reference counting; with CPython's default first threshold (700) `match` ran ≈ 66 cycle collections that found
# ≈ 500 objects, ≈ 2 % of its instructions (Callgrind: `match qingtian` −16 M, `export` −33 M; peak memory the same
# to 1 %). Set for the command only: the library leaves a caller's collector alone.
GC_FIRST_THRESHOLD = 100_000


def run() -> None:
    """The ``chainlink`` command."""
    import gc

    gc.set_threshold(GC_FIRST_THRESHOLD, *gc.get_threshold()[1:])
    from chainlink._commands import fast_help

    if fast_help(sys.argv[1:]):
        return
    from chainlink.cli import main

    main()


if __name__ == "__main__":
    run()
