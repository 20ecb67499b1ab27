"""Import the SciPy modules the metrics use without work they never need (imported for its side effect).

A cost of importing SciPy 1.17 that no metric needs, ≈ 0.1 CPU s of every ``metrics`` command:

- SciPy's array-API layer builds a namespace for NumPy by copying every public name of ``numpy``
  (``from numpy import *`` and ``getattr`` over ``dir(numpy)``), which loads NumPy's lazy
  submodules ``numpy.testing`` (with ``unittest``) and ``numpy.f2py``. While SciPy is imported here,
  those two names are left out of ``numpy.__all__`` and ``dir(numpy)``; ``numpy.testing`` still
  loads on first use, and the array-API namespace (the standard has neither) is the only thing that
  lacks them.
- (Not done: ``scipy.linalg``, which ``scipy.sparse.linalg`` imports, rewrites ≈ 70 docstrings through a
  numpydoc parser at import, ≈ 0.04 CPU s. Swapping the parser while importing would save that, but every
  process that imports chainlink's metrics would then see SciPy's help text changed.)
"""

from __future__ import annotations

import sys

_SKIPPED = frozenset({"testing", "f2py"})


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
    import scipy.sparse  # noqa: F401
    import scipy.sparse.csgraph  # noqa: F401
    import scipy.sparse.linalg  # noqa: F401


_import()
