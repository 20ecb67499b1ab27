"""Import SciPy's sparse modules without the parts of NumPy they never use (imported for its side effect).

SciPy ≥ 1.15 builds an array-API namespace for NumPy at import by copying every public name of
``numpy``, ``from numpy import *`` and ``getattr`` over ``dir(numpy)``, which loads NumPy's lazy
submodules ``numpy.testing`` (with ``unittest``) and ``numpy.f2py`` — ≈ 0.1 CPU s of a
``metrics compute`` that takes a few seconds. While SciPy is imported here, those two names are
left out of ``numpy.__all__`` and ``dir(numpy)``; ``numpy.testing`` still loads on first use, and
the array-API namespace (the standard has neither) is the only thing that lacks them.
"""

from __future__ import annotations

import sys

_SKIPPED = frozenset({"testing", "f2py"})


def _import() -> None:
    if "scipy.sparse" in sys.modules:
        return
    import numpy

    names, listing = numpy.__dict__.get("__all__"), numpy.__dict__.get("__dir__")
    if not isinstance(names, list) or listing is None:
        import scipy.sparse  # noqa: F401

        return
    numpy.__all__ = [name for name in names if name not in _SKIPPED]
    numpy.__dir__ = lambda: [name for name in listing() if name not in _SKIPPED]
    try:
        import scipy.sparse  # noqa: F401
    finally:
        numpy.__all__ = names
        numpy.__dir__ = listing


_import()
