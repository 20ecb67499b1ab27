"""Progress bars for long work (build, import, allocate, metrics, dedupe, report --all).

The library never imports rich: its long functions take an optional ``progress`` callback,
``progress(done, total, what="")`` (``total`` may be None when unknown). :func:`progress_bar` gives the
CLI such a callback that drives a rich progress bar on standard error — on a terminal only: in a pipe,
in CI (``$CI`` set), with ``TERM=dumb`` or with ``--quiet`` it gives None and nothing is drawn.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator

Progress = Callable[..., None]


def wanted(quiet: bool = False) -> bool:
    """Draw a bar? Only on a terminal (stderr), outside CI, not with ``--quiet`` or ``TERM=dumb``."""
    if quiet or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@contextlib.contextmanager
def progress_bar(quiet: bool, label: str) -> Iterator[Progress | None]:
    """A ``progress(done, total, what="")`` callback drawing a transient bar named ``label``, or None."""
    if not wanted(quiet):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    bar = Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int | None = None, what: str = "") -> None:
            bar.update(task, completed=done, total=total, description=f"{label} {what}".strip())

        yield advance
