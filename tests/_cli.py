"""Run ``chainlink ARGS`` inside the test process, as a fresh process would run it (but ~20× cheaper).

:func:`run_cli` returns a :class:`subprocess.CompletedProcess` like ``subprocess.run([python, "-m",
"chainlink", ...], capture_output=True, text=True)``: the exit status (``SystemExit``; an uncaught
exception prints its traceback to stderr and gives 1, as Python does), stdout and stderr decoded as
UTF-8 with universal newlines. ``env`` entries are set (``None`` removes one) and ``cwd`` entered for
the run only; ``CHAINLINK_DB`` is unset unless given. Tests that need a real process (signals, hash
seeds, pipes closed early, concurrency) keep ``subprocess``.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path


class _Stream(io.TextIOWrapper):
    """A text stream over bytes with a ``.buffer`` (binary writers use it), like a pipe's."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", errors="strict", newline="", write_through=True)

    def close(self) -> None:  # `main` closes stderr on a broken pipe; keep what was written
        self.flush()

    def text(self) -> str:
        self.flush()
        raw = self.buffer.getvalue().decode("utf-8", errors="replace")  # type: ignore[attr-defined]
        return raw.replace("\r\n", "\n").replace("\r", "\n")


@contextlib.contextmanager
def _environment(env: dict[str, str | None], cwd: Path | str | None) -> Iterator[None]:
    saved = dict(os.environ)
    here = os.getcwd()
    try:
        os.environ.pop("CHAINLINK_DB", None)
        for key, value in env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        if cwd is not None:
            os.chdir(cwd)
        yield
    finally:
        os.chdir(here)
        os.environ.clear()
        os.environ.update(saved)


def run_cli(
    *args: str, env: dict[str, str | None] | None = None, cwd: Path | str | None = None
) -> subprocess.CompletedProcess[str]:
    """``chainlink ARGS`` in this process; see the module docstring."""
    from chainlink.cli import main

    out, err = _Stream(), _Stream()
    code: int = 0
    saved = sys.stdout, sys.stderr, sys.stdin, sys.argv
    with _environment(env or {}, cwd), warnings.catch_warnings():
        sys.stdout, sys.stderr, sys.stdin = out, err, io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8")
        sys.argv = ["chainlink", *args]
        try:
            main(list(args))
        except SystemExit as exc:
            if exc.code is None:
                code = 0
            elif isinstance(exc.code, int):
                code = exc.code
            else:
                print(exc.code, file=sys.stderr)
                code = 1
        except BaseException:  # what an uncaught exception does to a process
            traceback.print_exc(file=sys.stderr)
            code = 1
        finally:
            sys.stdout, sys.stderr, sys.stdin, sys.argv = saved
    return subprocess.CompletedProcess(["chainlink", *args], code, out.text(), err.text())


def other_hash_seed() -> str:
    """A ``PYTHONHASHSEED`` for a fresh process that differs from this process's: ``"1"``, or ``"2"`` when the
    environment fixes this process's at 1. (Unset, this process's seed is random: the two differ but for a
    chance of one in 2**32.) A test of the same result across hash seeds compares a run here with one there."""
    return "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
