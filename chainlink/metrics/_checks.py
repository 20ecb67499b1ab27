"""Input checks shared by the metric functions: matrices in, one clear error out."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from chainlink.errors import ChainlinkWarning, DataError, UsageError


class MetricsWarning(ChainlinkWarning):
    """Something in the data changed what was computed (rows dropped, a fallback used)."""


class DroppedWarning(MetricsWarning):
    """Locations or products were left out because they take no part in the network."""


def _cell(matrix: Any, k: int) -> tuple[int, int]:
    """Row and column of the ``k``-th stored value of a CSR matrix."""
    row = int(np.searchsorted(matrix.indptr, k, side="right") - 1)
    return row, int(matrix.indices[k])


def as_values(values: Any, name: str = "X") -> np.ndarray | sp.csr_array:
    """Return ``values`` as a float64 ndarray or CSR array after checking it is 2-D, finite and ≥ 0."""
    if sp.issparse(values):
        matrix = sp.csr_array(values, dtype=np.float64, copy=True)
        matrix.sum_duplicates()
        data = matrix.data
    else:
        try:
            matrix = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise DataError(
                f"{name} holds values that are not numbers ({exc}); give a numeric matrix"
            ) from None
        data = matrix
    if matrix.ndim != 2:
        raise UsageError(f"{name} must be a 2-D matrix (locations × products), got {matrix.ndim}-D")
    bad = ~np.isfinite(data)
    if bad.any():
        where = _where(matrix, np.flatnonzero(bad.ravel())[0])
        raise DataError(
            f"{name}{where} is {data.ravel()[bad.ravel()][0]}: values must be finite; fill in 0 or drop the cell"
        )
    negative = data < 0
    if negative.any():
        k = np.flatnonzero(negative.ravel())[0]
        raise DataError(f"{name}{_where(matrix, k)} is {data.ravel()[k]}: values must not be negative")
    return matrix


def _where(matrix: Any, k: int) -> str:
    if sp.issparse(matrix):
        row, col = _cell(matrix, k)
    else:
        row, col = divmod(int(k), matrix.shape[1])
    return f"[{row}, {col}]"


def check_size(matrix: Any, name: str = "X") -> None:
    """Refuse matrices with fewer than two locations or two products (RCA would be 1 everywhere)."""
    n_loc, n_prod = matrix.shape
    if n_prod < 2:
        raise DataError(
            f"{name} has {n_prod} product(s): with fewer than two products RCA is 1 everywhere and "
            "relatedness and complexity are undefined; give at least two products"
        )
    if n_loc < 2:
        raise DataError(
            f"{name} has {n_loc} location(s): with fewer than two locations RCA is 1 everywhere and "
            "relatedness and complexity are undefined; give at least two locations"
        )


def row_col_sums(matrix: Any) -> tuple[np.ndarray, np.ndarray]:
    """Row sums and column sums of a dense or sparse matrix, as 1-D float64 arrays."""
    return (
        np.asarray(matrix.sum(axis=1), dtype=np.float64).ravel(),
        np.asarray(matrix.sum(axis=0), dtype=np.float64).ravel(),
    )


def check_no_empty(matrix: Any, name: str = "X", what: str = "activity") -> tuple[np.ndarray, np.ndarray]:
    """Raise if a row or column sums to zero; return the row and column sums."""
    rows, cols = row_col_sums(matrix)
    empty_rows = np.flatnonzero(rows <= 0)
    if empty_rows.size:
        raise DataError(
            f"{name}: location row {_list(empty_rows)} has no {what} (all zeros); "
            "drop such rows first, e.g. with chainlink.metrics.drop_empty()"
        )
    empty_cols = np.flatnonzero(cols <= 0)
    if empty_cols.size:
        raise DataError(
            f"{name}: product column {_list(empty_cols)} has no {what} (all zeros); "
            "drop such columns first, e.g. with chainlink.metrics.drop_empty()"
        )
    return rows, cols


def as_binary(presence: Any, name: str = "M") -> sp.csr_array:
    """Return a 0/1 presence matrix as a float64 CSR array, checking that it holds only 0 and 1."""
    if sp.issparse(presence):
        matrix = sp.csr_array(presence, dtype=np.float64, copy=True)
        matrix.sum_duplicates()
        matrix.eliminate_zeros()
        data = matrix.data
    else:
        try:
            dense = np.asarray(presence, dtype=np.float64)
        except (TypeError, ValueError):
            raise DataError(f"{name} must be a 0/1 matrix; it holds values that are not numbers") from None
        if dense.ndim != 2:
            raise UsageError(f"{name} must be a 2-D matrix (locations × products), got {dense.ndim}-D")
        data = dense[dense != 0]
        matrix = sp.csr_array(dense)
    if matrix.ndim != 2:
        raise UsageError(f"{name} must be a 2-D matrix (locations × products)")
    if data.size and not np.all(data == 1):
        bad = data[data != 1][0]
        raise DataError(f"{name} must hold only 0 and 1 (presence); found {bad}")
    return matrix


def labels_or_index(labels: Sequence[str] | None, index: np.ndarray) -> list[str]:
    """Names of the given positions: the labels if any, else the positions themselves."""
    if labels is None:
        return [str(int(i)) for i in index]
    return [str(labels[int(i)]) for i in index]


def _list(items: Sequence[Any] | np.ndarray, limit: int = 5) -> str:
    shown = [str(int(i)) if isinstance(i, (int, np.integer)) else str(i) for i in list(items)[:limit]]
    more = len(items) - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def name_list(items: Sequence[Any], limit: int = 5) -> str:
    """``a, b, c and 4 more``."""
    return _list(items, limit)


def warn(message: str, category: type[Warning] = MetricsWarning) -> None:
    """Emit a metrics warning attributed to the caller of the public function."""
    warnings.warn(message, category, stacklevel=3)
