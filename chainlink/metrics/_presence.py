"""Revealed comparative advantage, per-capita RCA, presence, diversity and ubiquity."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from chainlink.errors import DataError, UsageError
from chainlink.metrics._checks import (
    DroppedWarning,
    as_binary,
    as_values,
    check_no_empty,
    check_size,
    labels_or_index,
    name_list,
    row_col_sums,
    warn,
)

#: Relative tolerance at the presence threshold: an index within this of the threshold counts as
#: reaching it, so that a location whose mix equals the national mix (RCA = 1 in exact arithmetic)
#: is not pushed to 0.9999999999999998 by rounding and read as absent.
TIE_RTOL = 1e-12

PRESENCE_TESTS = ("rca", "rpop", "both", "given")


def _scale_rows_cols(values: Any, row_div: np.ndarray, col_div: np.ndarray) -> Any:
    """(x_cp / row_div_c) / col_div_p for dense or CSR ``values`` (zeros stay zeros)."""
    if sp.issparse(values):
        out = values.copy()
        rows = np.repeat(np.arange(values.shape[0]), np.diff(values.indptr))
        out.data = (out.data / row_div[rows]) / col_div[out.indices]
        return out
    return (values / row_div[:, None]) / col_div[None, :]


def rca(values: Any) -> np.ndarray | sp.csr_array:
    r"""Revealed comparative advantage (location quotient) of every location in every product.

    .. math:: \mathrm{RCA}_{cp} = \frac{x_{cp} / \sum_{p'} x_{cp'}}{\sum_{c'} x_{c'p} / \sum_{c'p'} x_{c'p'}}

    Parameters
    ----------
    values : array_like or scipy sparse matrix, shape (locations, products)
        Non-negative activity (output, employment, exports, firm counts).

    Returns
    -------
    ndarray or csr_array
        RCA, dense if ``values`` is dense, sparse (same zeros) if it is sparse.

    Raises
    ------
    DataError
        A value is negative or not finite, a location or product has no activity at all, or
        there are fewer than two locations or products.

    References
    ----------
    Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage.
    *The Manchester School* 33(2), 99–123.

    Examples
    --------
    >>> rca([[1, 1], [3, 1]]).round(3).tolist()
    [[0.75, 1.5], [1.125, 0.75]]
    """
    matrix = as_values(values)
    check_size(matrix)
    rows, cols = check_no_empty(matrix)
    return _scale_rows_cols(matrix, rows, cols / cols.sum())


def rpop(values: Any, population: Sequence[float] | np.ndarray) -> np.ndarray | sp.csr_array:
    r"""Per-capita revealed comparative advantage (RPOP).

    .. math:: \mathrm{RPOP}_{cp} = \frac{x_{cp} / N_c}{\sum_{c'} x_{c'p} / \sum_{c'} N_{c'}}

    where :math:`N_c` is the population of location :math:`c`.

    Parameters
    ----------
    values : array_like or sparse, shape (locations, products)
    population : array_like, shape (locations,)
        Positive population of each location.

    Raises
    ------
    DataError
        As for :func:`rca`, or a population that is missing, zero, negative or not finite.

    References
    ----------
    Growth Lab, Harvard University. py-ecomplexity, ``presence_test="rpop"``.

    Examples
    --------
    >>> rpop([[1, 1], [3, 1]], [1, 3]).tolist()
    [[1.0, 2.0], [1.0, 0.6666666666666666]]
    """
    matrix = as_values(values)
    check_size(matrix)
    check_no_empty(matrix)
    pop = np.asarray(population, dtype=np.float64).ravel()
    if pop.size != matrix.shape[0]:
        raise DataError(
            f"population has {pop.size} entries for {matrix.shape[0]} locations; give one per location"
        )
    bad = ~np.isfinite(pop) | (pop <= 0)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise DataError(f"population of location {k} is {pop[k]}: it must be a positive number")
    _, cols = row_col_sums(matrix)
    return _scale_rows_cols(matrix, pop, cols / pop.sum())


def binarize(index: Any, threshold: float = 1.0) -> np.ndarray | sp.csr_array:
    r"""Presence :math:`M_{cp} = [\,\mathrm{index}_{cp} \ge t\,]` as 0/1 (int8).

    An index equal to the threshold counts as present; so does one within a relative
    :data:`TIE_RTOL` (1e-12) below it, which is what an exact tie becomes after rounding.

    Examples
    --------
    >>> binarize([[0.5, 1.0], [0.9999999999999998, 2.0]]).tolist()
    [[0, 1], [1, 1]]
    """
    if not np.isfinite(threshold) or threshold <= 0:
        raise UsageError(f"threshold must be a positive number, got {threshold}")
    cut = threshold * (1.0 - TIE_RTOL)
    if sp.issparse(index):
        out = sp.csr_array(index, dtype=np.float64, copy=True)
        out.data = (out.data >= cut).astype(np.float64)
        out.eliminate_zeros()
        return out.astype(np.int8)
    return (np.asarray(index, dtype=np.float64) >= cut).astype(np.int8)


def presence(
    values: Any,
    test: str = "rca",
    *,
    threshold: float = 1.0,
    population: Sequence[float] | np.ndarray | None = None,
    rpop_threshold: float | None = None,
) -> np.ndarray | sp.csr_array:
    """Presence matrix M (0/1) of products in locations.

    Parameters
    ----------
    values : array_like or sparse, shape (locations, products)
    test : {"rca", "rpop", "both", "given"}
        ``rca``: RCA ≥ ``threshold``; ``rpop``: RPOP ≥ ``rpop_threshold``; ``both``: both hold;
        ``given``: ``values`` already is the 0/1 presence matrix.
    threshold : float
        RCA threshold (default 1). Ties count as present, see :func:`binarize`.
    population : array_like, optional
        Needed for ``rpop`` and ``both``.
    rpop_threshold : float, optional
        RPOP threshold; defaults to ``threshold``.

    Notes
    -----
    py-ecomplexity's ``both`` adds the two indicators (giving 0, 1 or 2); here ``both`` means
    both tests pass, so M stays 0/1.
    """
    if test not in PRESENCE_TESTS:
        raise UsageError(f"unknown presence test {test!r}: use one of {', '.join(PRESENCE_TESTS)}")
    if test == "given":
        return as_binary(values).astype(np.int8) if sp.issparse(values) else _dense_binary(values)
    if test in ("rpop", "both") and population is None:
        raise UsageError(f"presence test {test!r} needs the population of every location")
    pop_cut = threshold if rpop_threshold is None else rpop_threshold
    if test == "rca":
        return binarize(rca(values), threshold)
    by_pop = binarize(rpop(values, population), pop_cut)
    if test == "rpop":
        return by_pop
    by_rca = binarize(rca(values), threshold)
    if sp.issparse(by_rca):
        return by_rca.multiply(by_pop).tocsr().astype(np.int8)
    return (by_rca & by_pop).astype(np.int8)


def _dense_binary(values: Any) -> np.ndarray:
    matrix = as_binary(values)
    return matrix.toarray().astype(np.int8)


def diversity(presence_matrix: Any) -> np.ndarray:
    r"""Diversity :math:`k_{c,0} = \sum_p M_{cp}`: how many products each location has.

    >>> diversity([[1, 0, 1], [0, 0, 1]]).tolist()
    [2, 1]
    """
    rows, _ = row_col_sums(as_binary(presence_matrix))
    return rows.astype(np.int64)


def ubiquity(presence_matrix: Any) -> np.ndarray:
    r"""Ubiquity :math:`k_{p,0} = \sum_c M_{cp}`: how many locations have each product.

    >>> ubiquity([[1, 0, 1], [0, 0, 1]]).tolist()
    [1, 0, 2]
    """
    _, cols = row_col_sums(as_binary(presence_matrix))
    return cols.astype(np.int64)


def drop_empty(
    matrix: Any,
    locations: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
    *,
    what: str = "activity",
) -> tuple[Any, np.ndarray, np.ndarray]:
    """Drop locations (rows) and products (columns) that are all zeros, with a warning.

    Repeats until no row or column is empty (dropping rows of a presence matrix can empty a
    column). Returns the reduced matrix and the kept row and column positions.

    Warns
    -----
    DroppedWarning
        Naming what was dropped (up to five names, then a count).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     kept, rows, cols = drop_empty([[1, 0, 2], [0, 0, 0]])
    >>> kept.tolist(), rows.tolist(), cols.tolist()
    ([[1.0, 2.0]], [0], [0, 2])
    """
    current = (
        sp.csr_array(matrix, dtype=np.float64)
        if sp.issparse(matrix)
        else np.asarray(matrix, dtype=np.float64)
    )
    row_keep = np.arange(current.shape[0])
    col_keep = np.arange(current.shape[1])
    dropped_rows: list[int] = []
    dropped_cols: list[int] = []
    while True:
        rows, cols = row_col_sums(current)
        bad_rows = rows == 0
        bad_cols = cols == 0
        if not bad_rows.any() and not bad_cols.any():
            break
        dropped_rows.extend(row_keep[bad_rows].tolist())
        dropped_cols.extend(col_keep[bad_cols].tolist())
        row_keep = row_keep[~bad_rows]
        col_keep = col_keep[~bad_cols]
        current = current[~bad_rows][:, ~bad_cols]
    if dropped_rows:
        names = labels_or_index(locations, np.array(sorted(dropped_rows)))
        warn(f"dropped {len(names)} location(s) with no {what}: {name_list(names)}", DroppedWarning)
    if dropped_cols:
        names = labels_or_index(products, np.array(sorted(dropped_cols)))
        warn(f"dropped {len(names)} product(s) with no {what}: {name_list(names)}", DroppedWarning)
    return current, row_keep, col_keep
