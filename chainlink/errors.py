"""The exceptions and warnings chainlink raises; the CLI turns each error into one line on stderr.

Everything the library raises on purpose is a :class:`ChainlinkError` (``except ChainlinkError`` catches
it all); every warning it issues is a :class:`ChainlinkWarning`. The hierarchy::

    ChainlinkError
    ├── DataError (exit 1)
    │   ├── SourceError          file:line: message            (chainlink.sources.SourceErrors: many at once)
    │   ├── BadValue             one value: problem; fix        (chainlink.base.credit.CreditCodeError, imports)
    │   └── chainlink.imports.ImportErrors
    └── UsageError (exit 2)
    ChainlinkWarning (a UserWarning)
    ├── chainlink.allocate.FairnessWarning
    ├── chainlink.base.industries.IndustryCodeWarning
    └── chainlink.metrics.MetricsWarning → DroppedWarning
"""

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


class BadValue(DataError):
    """One value is wrong: ``problem`` says what, ``fix`` what to do (a credit code, a cell of an import)."""

    def __init__(self, problem: str, fix: str) -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem}; {fix}")


class ChainlinkWarning(UserWarning):
    """Base class of every warning chainlink issues (``warnings.simplefilter("error", ChainlinkWarning)``)."""
