"""The library's shape: one exception base, one warning base (and, below, the public surface)."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import chainlink
from chainlink.errors import BadValue, ChainlinkError, ChainlinkWarning, DataError


def _library_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(chainlink.__path__, "chainlink."):
        if info.name.startswith("chainlink.cli") or info.name in ("chainlink.__main__", "chainlink._docs"):
            continue  # the command line is not the library
        names.append(info.name)
    return names


def test_every_exception_and_warning_the_library_defines_has_one_base() -> None:
    errors, warns = [], []
    for name in _library_modules():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != name:
                continue  # imported, checked where it is defined
            if issubclass(cls, Warning):
                warns.append(cls)
            elif issubclass(cls, BaseException):
                errors.append(cls)
    assert len(errors) >= 6 and len(warns) >= 4  # the test sees the classes it is meant to check
    assert [c for c in errors if not issubclass(c, ChainlinkError)] == []
    assert [c for c in warns if not issubclass(c, ChainlinkWarning)] == []


def test_credit_code_and_import_value_errors_share_the_base() -> None:
    from chainlink.base.credit import CreditCodeError, validate
    from chainlink.imports._validate import Bad, credit

    try:
        validate("91330100MA28XXXXX")
    except CreditCodeError as exc:
        assert isinstance(exc, BadValue) and isinstance(exc, DataError) and isinstance(exc, ValueError)
        assert exc.problem and exc.fix
    else:
        raise AssertionError("a 17-character code was accepted")
    try:
        credit(913301001234567890)
    except Bad as exc:
        assert isinstance(exc, ChainlinkError) and "Text" in exc.fix
    else:
        raise AssertionError("a credit code stored as a number was accepted")


def test_library_warnings_can_be_filtered_at_once() -> None:
    from chainlink.base.industries import IndustryCodeWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", ChainlinkWarning)
        try:
            warnings.warn("x", IndustryCodeWarning, stacklevel=1)
        except IndustryCodeWarning:
            pass
        else:
            raise AssertionError("the filter on ChainlinkWarning did not catch IndustryCodeWarning")


# -- the public surface: chainlink.__all__, docs/library.md, a cheap import ----------------------------------

ROOT = Path(__file__).resolve().parent.parent
LIBRARY_MD = ROOT / "docs" / "library.md"


def test_all_and_docs_library_are_in_step() -> None:
    import chainlink.api

    text = LIBRARY_MD.read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `(\w+)`$", text, flags=re.M))
    assert documented == set(chainlink._LAZY) == set(chainlink.api.__all__)
    missing = [name for name in chainlink.__all__ if f"`{name}`" not in text]
    assert missing == [], f"docs/library.md does not name {missing}"
    for name in chainlink.__all__:
        assert getattr(chainlink, name) is not None  # every name of __all__ resolves


def test_library_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the example names files of the checkout (tests/data/scenarios)
    monkeypatch.delenv("CHAINLINK_DB", raising=False)
    result = doctest.testfile(str(LIBRARY_MD), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 15 and result.failed == 0


def test_import_chainlink_stays_cheap() -> None:
    code = (
        "import sys, chainlink; assert chainlink.__version__;"
        "print(sorted(m for m in ('chainlink.api', 'numpy', 'networkx', 'scipy', 'chainlink.store.registry')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    code = "import sys, chainlink; chainlink.gaps; print('chainlink.api' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True"  # loaded on first use
