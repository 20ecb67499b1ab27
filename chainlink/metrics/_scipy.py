"""Import the SciPy modules the metrics use without work they never need (imported for its side effect).

Two costs of importing SciPy 1.17 that no metric uses, ≈ 0.15 CPU s of every ``metrics`` command:

- SciPy's array-API layer builds a namespace for NumPy by copying every public name of ``numpy``
  (``from numpy import *`` and ``getattr`` over ``dir(numpy)``), which loads NumPy's lazy
  submodules ``numpy.testing`` (with ``unittest``) and ``numpy.f2py``. While SciPy is imported here,
  those two names are left out of ``numpy.__all__`` and ``dir(numpy)``; ``numpy.testing`` still
  loads on first use, and the array-API namespace (the standard has neither) is the only thing that
  lacks them.
- ``scipy.linalg`` (which ``scipy.sparse.linalg`` imports) wraps ≈ 70 functions at import and
  rewrites each one's docstring through a numpydoc parser (adding a note on batched arguments),
  ≈ 0.05 CPU s. While it is imported here the parser is replaced by one that keeps the docstring
  as it is: the functions are the same, only their help text lacks that note.
"""

from __future__ import annotations

import sys
from typing import Any

_SKIPPED = frozenset({"testing", "f2py"})


class _PlainDoc:
    """Stands in for ``scipy._lib._docscrape.FunctionDoc`` while SciPy is imported: no sections, the docstring unchanged."""

    def __init__(self, func: Any, *args: Any, **kwargs: Any) -> None:
        self._doc = getattr(func, "__doc__", None) or ""

    def __getitem__(self, key: str) -> list:
        return []

    def __setitem__(self, key: str, value: Any) -> None:
        pass

    def __str__(self) -> str:
        return "\n" + self._doc  # callers drop the first line (the signature)


def _import() -> None:
    if "scipy.sparse.linalg" in sys.modules:
        return
    import numpy

    names, listing = numpy.__dict__.get("__all__"), numpy.__dict__.get("__dir__")
    if not isinstance(names, list) or listing is None:
        _import_scipy()
        return
    numpy.__all__ = [name for name in names if name not in _SKIPPED]
    numpy.__dir__ = lambda: [name for name in listing() if name not in _SKIPPED]
    try:
        _import_scipy()
    finally:
        numpy.__all__ = names
        numpy.__dir__ = listing


def _import_scipy() -> None:
    try:
        from scipy._lib import _util
    except ImportError:  # pragma: no cover - a SciPy without this private module
        _util = None
    real = getattr(_util, "FunctionDoc", None)
    if real is not None and "scipy.linalg" not in sys.modules:
        _util.FunctionDoc = _PlainDoc
    try:
        import scipy.sparse  # noqa: F401
        import scipy.sparse.csgraph  # noqa: F401
        import scipy.sparse.linalg  # noqa: F401
    finally:
        if real is not None:
            _util.FunctionDoc = real


_import()
