"""Table-level views: sector linkages and the strongest upstream and downstream links."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chainlink.errors import UsageError
from chainlink.inputoutput.lookup import resolve_sector
from chainlink.inputoutput.models import rasmussen_linkages
from chainlink.inputoutput.tables import IOTable


@dataclass(frozen=True)
class SectorLinkage:
    """One sector's Rasmussen indices (see :func:`rasmussen_linkages`)."""

    code: str
    name_zh: str
    name_en: str
    backward: float
    forward: float

    @property
    def key_sector(self) -> bool:
        """True when both indices exceed 1 (a key sector)."""
        return self.backward > 1.0 and self.forward > 1.0


@dataclass(frozen=True)
class SectorLink:
    """A supplier or customer of a sector, as ranked by :func:`upstream` / :func:`downstream`.

    ``direct`` is a_ij and ``total`` is l_ij for supplier i and buyer j. ``share`` is, upstream,
    the supplier's share of the buyer's intermediate inputs (z_ij / Σ_k z_kj) and, downstream,
    the share of the supplier's gross output the buyer takes (b_ij = z_ij / x_i).
    """

    rank: int
    code: str
    name_zh: str
    name_en: str
    direct: float
    total: float
    share: float


def linkages(table: IOTable) -> list[SectorLinkage]:
    """Rasmussen backward (Leontief) and forward (Ghosh) indices of every sector, in table order.

    See :func:`rasmussen_linkages` for the formulas.
    """
    backward, forward = rasmussen_linkages(table.L, table.G)
    return [
        SectorLinkage(c, zh, en, float(b), float(f))
        for c, zh, en, b, f in zip(
            table.codes, table.names_zh, table.names_en, backward, forward, strict=True
        )
    ]


def _ranked(
    table: IOTable,
    others: np.ndarray,
    direct: np.ndarray,
    total: np.ndarray,
    share: np.ndarray,
    n: int | None,
    by: str,
) -> list[SectorLink]:
    if by not in ("direct", "total"):
        raise UsageError(f"unknown ranking {by!r}: use direct or total")
    key = direct if by == "direct" else total
    # Stable order: by the chosen measure, then by the other, then by code.
    order = sorted(others, key=lambda k: (-key[k], -(total[k] if by == "direct" else direct[k]), k))
    if n is not None:
        order = order[: max(n, 0)]
    return [
        SectorLink(
            rank,
            table.codes[k],
            table.names_zh[k],
            table.names_en[k],
            float(direct[k]),
            float(total[k]),
            float(share[k]),
        )
        for rank, k in enumerate(order, start=1)
    ]


def upstream(
    table: IOTable, sector: str, n: int | None = 10, *, by: str = "direct", include_self: bool = False
) -> list[SectorLink]:
    """Suppliers of ``sector`` ranked by direct coefficient a_ij (or total requirement l_ij).

    For buyer j = ``sector`` and each supplier i: direct = a_ij = z_ij / x_j, total = l_ij
    (output of i needed per unit of final demand for j, all rounds included), share =
    z_ij / Σ_k z_kj.

    Parameters
    ----------
    table : IOTable
    sector : str
        Sector code, or a name resolved by :func:`resolve_sector`.
    n : int or None
        How many to return (None: all).
    by : {"direct", "total"}
        Ranking measure.
    include_self : bool
        Keep the sector's purchases from itself (a_jj), off by default.

    References
    ----------
    Miller & Blair (2009), §2.2–2.3.
    """
    j = table.index(resolve_sector(table, sector))
    others = np.array([i for i in range(table.n) if include_self or i != j], dtype=int)
    inputs = table.Z[:, j].sum()
    share = table.Z[:, j] / inputs if inputs else np.zeros(table.n)
    return _ranked(table, others, table.A[:, j], table.L[:, j], share, n, by)


def downstream(
    table: IOTable, sector: str, n: int | None = 10, *, by: str = "direct", include_self: bool = False
) -> list[SectorLink]:
    """Customers of ``sector`` ranked by direct coefficient a_ij (or total requirement l_ij).

    For supplier i = ``sector`` and each buyer j: direct = a_ij (how much of i the buyer needs
    per unit of its output), total = l_ij, share = b_ij = z_ij / x_i (the part of i's output the
    buyer takes; Ghosh allocation coefficient).

    Parameters are as for :func:`upstream`.

    References
    ----------
    Miller & Blair (2009), §2.2–2.3 and §12.1; Ghosh (1958).
    """
    i = table.index(resolve_sector(table, sector))
    others = np.array([j for j in range(table.n) if include_self or j != i], dtype=int)
    return _ranked(table, others, table.A[i, :], table.L[i, :], table.B[i, :], n, by)
