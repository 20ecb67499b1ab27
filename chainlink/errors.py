"""The exceptions chainlink raises; the CLI turns each into one line on stderr."""

from __future__ import annotations


class ChainlinkError(Exception):
    """Base class of every error chainlink raises on purpose.

    ``exit_code`` is what the command line exits with: 1 for data errors, 2 for usage errors.
    """

    exit_code = 1


class DataError(ChainlinkError):
    """Data is missing, inconsistent or cannot be read (a registry, an input file, a name)."""

    exit_code = 1


class UsageError(ChainlinkError):
    """The caller asked for something that cannot be done as asked (bad option combination, bad value)."""

    exit_code = 2


class SourceError(DataError):
    """A problem at a known place in a source file: the message starts with ``file:line:``."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.detail = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")
