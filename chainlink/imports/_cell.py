"""Cell values a reader hands on that are not plain values.

Kept apart from the readers (:mod:`chainlink.imports._read`) so that checking one project file
(``chainlink match --project``, through :mod:`chainlink.imports._validate`) does not import them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Formula:
    """An xlsx cell that holds a formula rather than a value."""

    text: str
