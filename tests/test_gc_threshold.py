"""The ``chainlink`` command raises the collector's first threshold for its own short process; the library
leaves a caller's collector as it found it (chainlink/__main__.py)."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from chainlink.__main__ import GC_FIRST_THRESHOLD, run


def test_the_command_sets_the_first_threshold_only(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    before = gc.get_threshold()
    assert before[0] != GC_FIRST_THRESHOLD
    monkeypatch.setattr(sys, "argv", ["chainlink", "--help"])
    try:
        run()
        assert gc.get_threshold() == (GC_FIRST_THRESHOLD, *before[1:])
    finally:
        gc.set_threshold(*before)
    assert "Usage" in capsys.readouterr().out


def test_the_library_leaves_the_collector_alone() -> None:
    code = (
        "import gc; gc.set_threshold(123, 4, 5)\n"
        "import chainlink, chainlink.cli\n"
        "from chainlink.api import match\n"
        "assert match('qingtian', top=1)\n"
        "print(gc.get_threshold())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "(123, 4, 5)"
