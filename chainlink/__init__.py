"""chainlink: industrial-chain matching for Zhejiang's mountain–sea collaboration (山海协作).

The library does the work; :mod:`chainlink.cli` is a thin command-line layer on top of it. The six calls
of :data:`__all__` that return rows (``match``, ``export_rows``, ``gaps``, ``opportunities``,
``allocation``, ``evaluation``; docs/library.md) are loaded on first use, and heavy modules (networkx,
numpy) are imported by the functions that need them, so importing this package is cheap.
"""

from __future__ import annotations

__version__ = "0.1.0"

from chainlink.errors import (  # noqa: E402
    BadValue,
    ChainlinkError,
    ChainlinkWarning,
    DataError,
    SourceError,
    UsageError,
)

#: The library calls, each in :mod:`chainlink.api`, imported when first asked for.
_LAZY = ("allocation", "evaluation", "export_rows", "gaps", "match", "opportunities")

__all__ = [
    "BadValue",
    "ChainlinkError",
    "ChainlinkWarning",
    "DataError",
    "SourceError",
    "UsageError",
    "__version__",
    "allocation",
    "evaluation",
    "export_rows",
    "gaps",
    "match",
    "opportunities",
]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        from chainlink import api

        return getattr(api, name)
    raise AttributeError(f"module 'chainlink' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
