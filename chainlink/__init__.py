"""chainlink: industrial-chain matching for Zhejiang's mountain–sea collaboration (山海协作).

The library does the work; :mod:`chainlink.cli` is a thin command-line layer on top of it.
Heavy modules (networkx, numpy) are imported by the functions that need them, so importing
this package is cheap.
"""

__version__ = "0.1.0"

from chainlink.errors import ChainlinkError, DataError, SourceError, UsageError

__all__ = ["ChainlinkError", "DataError", "SourceError", "UsageError", "__version__"]
