"""Edge weights and input-output relatedness between sectors and industries."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from chainlink.base.sectors import sector_of_gbt
from chainlink.errors import UsageError
from chainlink.inputoutput.lookup import resolve_sector
from chainlink.inputoutput.tables import IOTable


def _normalised(coefficients: np.ndarray, axis: int) -> np.ndarray:
    # Divide by the largest off-diagonal entry of each column (axis=0) or row (axis=1).
    off = coefficients.copy()
    np.fill_diagonal(off, 0.0)
    peak = off.max(axis=axis, keepdims=True)
    out = np.zeros_like(off)
    np.divide(off, peak, out=out, where=peak > 0)
    return out


def io_edge_weight(
    table: IOTable, from_sector: str | Iterable[str], to_sector: str | Iterable[str]
) -> float | None:
    """Weight in [0, 1] of a chain edge from an upstream sector to a downstream one.

    w_ij = a_ij / max_{k≠j} a_kj: the direct coefficient of supplier i in buyer j's inputs,
    relative to j's largest supplier other than j itself. 1 means i is j's main outside
    supplier; 0 means j buys nothing from i. Own-sector purchases are left out because a chain
    edge joins two different segments. When a segment maps to several sectors, pass each side
    as a list: the weight is the largest over pairs of *different* sectors, and ``None`` when
    every pair is one sector (no input–output weight; keep the chain's own weight).

    References
    ----------
    Miller & Blair (2009), §2.2 (technical coefficients).
    """
    sources = _codes(table, from_sector)
    targets = _codes(table, to_sector)
    weights = _edge_weights(table)
    pairs = [weights[table.index(i), table.index(j)] for i in sources for j in targets if i != j]
    return float(max(pairs)) if pairs else None


def _edge_weights(table: IOTable) -> np.ndarray:
    if "edge" not in table._derived:
        table._derived["edge"] = _normalised(table.A, axis=0)
    return table._derived["edge"]


def relatedness_matrix(table: IOTable) -> np.ndarray:
    """Symmetric input–output relatedness R between all sector pairs, with R_ii = 1.

    R_ij = max(ã_ij, ã_ji, b̃_ij, b̃_ji), where ã_ij = a_ij / max_{k≠j} a_kj (i's weight among
    j's suppliers) and b̃_ij = b_ij / max_{k≠i} b_ik (j's weight among i's customers). Two
    sectors are related when either is a main supplier or a main customer of the other. This is
    a vertical (trade) relatedness in the spirit of Fan & Lang (2000), who symmetrise
    input–output coefficients the same way; the max of normalised coefficients keeps a small
    sector's dependence on a large one visible. It is not the cosine similarity of input
    structures, which measures shared technology rather than buying and selling.

    References
    ----------
    Fan, J. P. H. & Lang, L. H. P. (2000). The measurement of relatedness. *Journal of Business*
    73(4), 629–660. Miller & Blair (2009), §2.2 and §12.1.
    """
    cache = table._derived
    if "relatedness" not in cache:
        a = _normalised(table.A, axis=0)
        b = _normalised(table.B, axis=1)
        r = np.maximum.reduce([a, a.T, b, b.T])
        np.fill_diagonal(r, 1.0)
        cache["relatedness"] = r
    return cache["relatedness"]


def io_relatedness(table: IOTable, s1: str | Iterable[str], s2: str | Iterable[str]) -> float:
    """Input–output relatedness in [0, 1] of two sectors (or the closest pair of two sector sets).

    See :func:`relatedness_matrix` for the definition; symmetric, 1 for the same sector.
    """
    r = relatedness_matrix(table)
    return float(max(r[table.index(i), table.index(j)] for i in _codes(table, s1) for j in _codes(table, s2)))


def industry_io_relatedness(table: IOTable, industry1: str, industry2: str) -> float | None:
    """Input–output relatedness of two GB/T 4754 industry codes via :func:`sector_of_gbt`.

    The largest :func:`io_relatedness` over the sectors each code maps to; ``None`` if a code
    maps to no sector.
    """
    s1 = sector_of_gbt(industry1, year=table.year, mapping=table.mapping)
    s2 = sector_of_gbt(industry2, year=table.year, mapping=table.mapping)
    if not s1 or not s2:
        return None
    return io_relatedness(table, s1, s2)


def _codes(table: IOTable, sectors: str | Iterable[str]) -> list[str]:
    items = [sectors] if isinstance(sectors, str) else list(sectors)
    if not items:
        raise UsageError("no sector given")
    return [resolve_sector(table, s) for s in items]
