"""Co-occurrence, proximity and relatedness between products, and relatedness density."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from chainlink.errors import DataError, UsageError
from chainlink.metrics._checks import as_binary, labels_or_index, name_list, warn

RELATEDNESS_METHODS = ("proximity", "association", "cosine", "jaccard", "probabilistic")


def cooccurrence(presence_matrix: Any) -> np.ndarray:
    r"""Co-occurrence counts :math:`C_{ij} = \sum_c M_{ci} M_{cj}` (diagonal: ubiquity).

    Returns a dense float64 (products × products) matrix of whole numbers.

    Examples
    --------
    >>> cooccurrence([[1, 1, 0], [1, 0, 1], [1, 1, 1]]).tolist()
    [[3.0, 2.0, 2.0], [2.0, 2.0, 1.0], [2.0, 1.0, 2.0]]
    """
    matrix = as_binary(presence_matrix)
    n_loc = matrix.shape[0]
    if n_loc < 2**24:
        # Counts below 2**24 are exact in float32, and float32 BLAS is twice as fast.
        dense = matrix.astype(np.float32).toarray()
        return (dense.T @ dense).astype(np.float64)
    return (matrix.T @ matrix).toarray()


def proximity(presence_matrix: Any) -> np.ndarray:
    r"""Hidalgo proximity :math:`\varphi_{ij} = \min\{P(i \mid j), P(j \mid i)\}`.

    .. math:: \varphi_{ij} = \frac{\sum_c M_{ci} M_{cj}}{\max(k_{i,0}, k_{j,0})}

    with ubiquity :math:`k_{p,0}`. The diagonal is 1, as in py-ecomplexity.

    Raises
    ------
    DataError
        A product is present nowhere (ubiquity 0): its proximity is undefined.

    References
    ----------
    Hidalgo, C. A., Klinger, B., Barabási, A.-L., & Hausmann, R. (2007). The product space
    conditions the development of nations. *Science* 317(5837), 482–487.

    Examples
    --------
    >>> proximity([[1, 1, 0], [1, 0, 1], [1, 1, 1]]).round(3).tolist()
    [[1.0, 0.667, 0.667], [0.667, 1.0, 0.5], [0.667, 0.5, 1.0]]
    """
    counts = cooccurrence(presence_matrix)
    ubiq = np.diag(counts).copy()
    missing = np.flatnonzero(ubiq == 0)
    if missing.size:
        raise DataError(
            f"product column {name_list(missing.tolist())} is present in no location, so its proximity is "
            "undefined; drop such products first (chainlink.metrics.drop_empty)"
        )
    # in place: counts is a fresh array, and a new 1,381 × 1,381 one costs ≈ 15 ms of page zeroing
    return np.divide(counts, np.maximum(ubiq[:, None], ubiq[None, :]), out=counts)


def normalize_cooccurrence(counts: Any, method: str = "association") -> np.ndarray:
    r"""Normalise a co-occurrence matrix (van Eck & Waltman 2009; Steijn 2017).

    The diagonal is ignored and set to 0. With :math:`s_i = \sum_{j \ne i} c_{ij}` and
    :math:`T = \sum_i s_i` (as in EconGeo's ``relatedness()``):

    - ``association``: :math:`c_{ij} T / (s_i s_j)` (observed over expected co-occurrence);
    - ``cosine``: :math:`c_{ij} / \sqrt{s_i s_j}`;
    - ``jaccard``: :math:`c_{ij} / (s_i + s_j - c_{ij})`;
    - ``probabilistic``: :math:`c_{ij} / \big(\tfrac{T}{2}\,[\tfrac{s_i}{T}\tfrac{s_j}{T - s_i} +
      \tfrac{s_j}{T}\tfrac{s_i}{T - s_j}]\big)` (association strength for draws without
      repetition, Steijn 2017).

    A product that co-occurs with nothing has relatedness 0 with every product (and a warning).

    Raises
    ------
    DataError
        Nothing co-occurs at all (every location has at most one product).

    References
    ----------
    van Eck, N. J., & Waltman, L. (2009). How to normalize cooccurrence data? An analysis of some
    well-known similarity measures. *JASIST* 60(8), 1635–1651.
    Steijn, M. P. A. (2017). Improvement on the association strength: implementing probability
    measures based on combinations without repetition. Working paper, Utrecht University.
    Balland, P.-A. EconGeo: Computing key indicators of the spatial distribution of economic
    activities (R package), ``relatedness()``.

    Examples
    --------
    >>> normalize_cooccurrence([[0, 2, 1], [2, 0, 1], [1, 1, 0]], "jaccard").round(3).tolist()
    [[0.0, 0.5, 0.25], [0.5, 0.0, 0.25], [0.25, 0.25, 0.0]]
    """
    if method not in RELATEDNESS_METHODS or method == "proximity":
        allowed = ", ".join(m for m in RELATEDNESS_METHODS if m != "proximity")
        raise UsageError(f"unknown normalisation {method!r}: use one of {allowed}")
    c = np.array(counts, dtype=np.float64)
    if c.ndim != 2 or c.shape[0] != c.shape[1]:
        raise UsageError("the co-occurrence matrix must be square (products × products)")
    np.fill_diagonal(c, 0.0)
    s = c.sum(axis=1)
    total = s.sum()
    if total <= 0:
        raise DataError("no two products ever occur in the same location, so relatedness is undefined")
    lonely = np.flatnonzero(s == 0)
    if lonely.size:
        warn(f"{lonely.size} product(s) co-occur with no other product; their relatedness is 0")
    si, sj = s[:, None], s[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "association":
            out = c * total / (si * sj)
        elif method == "cosine":
            out = c / np.sqrt(si * sj)
        elif method == "jaccard":
            out = c / (si + sj - c)
        else:
            expected = ((si / total) * (sj / (total - si)) + (sj / total) * (si / (total - sj))) * (total / 2)
            out = c / expected
    out[~np.isfinite(out)] = 0.0
    np.fill_diagonal(out, 0.0)
    return out


def relatedness(presence_matrix: Any, method: str = "proximity") -> np.ndarray:
    """Relatedness between products from their co-occurrence in locations.

    ``proximity`` is :func:`proximity` (diagonal 1); the others are
    :func:`normalize_cooccurrence` of :func:`cooccurrence` (diagonal 0).

    Examples
    --------
    >>> relatedness([[1, 1, 0], [1, 0, 1], [1, 1, 1]], "cosine").round(3).tolist()
    [[0.0, 0.577, 0.577], [0.577, 0.0, 0.333], [0.577, 0.333, 0.0]]
    """
    if method not in RELATEDNESS_METHODS:
        raise UsageError(
            f"unknown relatedness method {method!r}: use one of {', '.join(RELATEDNESS_METHODS)}"
        )
    if method == "proximity":
        return proximity(presence_matrix)
    return normalize_cooccurrence(cooccurrence(presence_matrix), method)


def density_weights(phi: Any) -> np.ndarray:
    r"""The (products × products) matrix :math:`W_{ji} = \varphi_{ij} / \sum_k \varphi_{ik}`."""
    phi = np.asarray(phi, dtype=np.float64)
    if phi.ndim != 2 or phi.shape[0] != phi.shape[1]:
        raise UsageError("the relatedness matrix must be square (products × products)")
    if not np.isfinite(phi).all() or (phi < 0).any():
        raise DataError("the relatedness matrix must hold finite, non-negative values")
    totals = phi.sum(axis=1)
    isolated = np.flatnonzero(totals <= 0)
    if isolated.size:
        raise DataError(
            f"product {name_list(isolated.tolist())} is related to nothing (its relatedness row sums to 0), "
            "so its density is undefined; drop it or use proximity, whose diagonal is 1"
        )
    return (phi / totals[:, None]).T


def density(presence_matrix: Any, phi: Any) -> np.ndarray:
    r"""Relatedness density :math:`\rho_{ci} = \sum_j M_{cj}\varphi_{ij} / \sum_j \varphi_{ij}`.

    The share of product *i*'s related products (weighted by relatedness) that location *c*
    already has; in [0, 1] (clipped, to remove rounding overshoot). With :func:`proximity` the
    sum includes *j = i* (φ_ii = 1), as in py-ecomplexity; ``1 − density`` is the Atlas "distance".

    References
    ----------
    Hidalgo et al. (2007), *Science* 317, 482–487; Hausmann, R., Hidalgo, C. A., et al. (2014).
    *The Atlas of Economic Complexity*. MIT Press.

    Examples
    --------
    >>> m = [[1, 1, 0], [1, 0, 1], [1, 1, 1]]
    >>> density(m, proximity(m)).round(3).tolist()
    [[0.714, 0.769, 0.538], [0.714, 0.538, 0.769], [1.0, 1.0, 1.0]]
    """
    matrix = as_binary(presence_matrix)
    weights = density_weights(phi)
    if matrix.shape[1] != weights.shape[0]:
        raise UsageError(f"M has {matrix.shape[1]} products but the relatedness matrix {weights.shape[0]}")
    out = matrix.toarray() @ weights
    return np.clip(out, 0.0, 1.0, out=out)


def check_connected(
    presence_matrix: Any,
    locations: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
) -> None:
    """Raise :class:`DataError` if the location–product network falls apart into separate groups.

    ECI and PCI rank locations and products along one axis; across groups that share no product
    (a disconnected product space) there is no common axis, and the eigenvector method silently
    returns a group indicator instead of complexity.
    """
    matrix = sp.csr_array(as_binary(presence_matrix))
    n_loc, n_prod = matrix.shape
    # The bipartite graph [[0, M], [Mᵀ, 0]] as CSR, put together from M and Mᵀ (block_array is slower).
    transposed = sp.csr_array(matrix.T)
    nnz = matrix.indptr[-1]
    indptr = np.concatenate([matrix.indptr, nnz + transposed.indptr[1:]])
    indices = np.concatenate([matrix.indices + n_loc, transposed.indices])
    size = n_loc + n_prod
    graph = sp.csr_array((np.ones(indices.size, dtype=np.int8), indices, indptr), shape=(size, size))
    count, labels = connected_components(graph, directed=False)
    if count <= 1:
        return
    sizes = np.bincount(labels)
    main = int(np.argmax(sizes))
    outside = np.flatnonzero(labels != main)
    loc_out = outside[outside < n_loc]
    prod_out = outside[outside >= n_loc] - n_loc
    parts = []
    if prod_out.size:
        parts.append(f"products {name_list(labels_or_index(products, prod_out))}")
    if loc_out.size:
        parts.append(f"locations {name_list(labels_or_index(locations, loc_out))}")
    raise DataError(
        f"the product space is disconnected: {count} separate groups share no product "
        f"(outside the largest group: {' and '.join(parts)}); complexity is undefined across groups — "
        "drop the small groups or compute them separately"
    )
