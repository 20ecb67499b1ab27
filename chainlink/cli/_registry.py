"""The one way a command opens the registry: ``--db`` (or ``$CHAINLINK_DB``, or the default), read-only."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def open_registry(db: Path | str | None) -> Any:
    """The :class:`chainlink.store.registry.Registry` named by ``--db`` (``None``: ``$CHAINLINK_DB`` or the default).

    Every command opens the registry through here; errors (no registry, an older schema) are one line.
    """
    from chainlink.store.registry import Registry

    return Registry.open(db)
