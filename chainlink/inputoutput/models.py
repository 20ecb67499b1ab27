"""The input-output models as pure array functions: A, L (Leontief), B, G (Ghosh), Rasmussen linkages."""

from __future__ import annotations

import numpy as np

from chainlink.errors import DataError


def _safe_reciprocal(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    np.divide(1.0, x, out=out, where=x != 0)
    return out


def direct_requirements(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Technical (direct requirement) coefficients A = Z x̂⁻¹.

    a_ij = z_ij / x_j: the value of sector i's output that sector j uses per unit of its own
    gross output. A sector with zero output gets a zero column.

    Parameters
    ----------
    Z : ndarray, shape (n, n)
        Intermediate flows, z_ij from i to j.
    x : ndarray, shape (n,)
        Gross output.

    Returns
    -------
    ndarray, shape (n, n)

    References
    ----------
    Miller & Blair (2009), §2.2.

    Examples
    --------
    >>> direct_requirements(np.array([[10.0, 20.0], [30.0, 0.0]]), np.array([100.0, 200.0]))
    array([[0.1, 0.1],
           [0.3, 0. ]])
    """
    return np.asarray(Z, dtype=float) * _safe_reciprocal(x)[np.newaxis, :]


def leontief_inverse(A: np.ndarray) -> np.ndarray:
    """Leontief inverse (total requirements) L = (I − A)⁻¹.

    l_ij is the output of sector i needed, directly and indirectly, per unit of final demand
    for sector j; L = I + A + A² + … when the spectral radius of A is below 1.

    Parameters
    ----------
    A : ndarray, shape (n, n)
        Direct requirements.

    Returns
    -------
    ndarray, shape (n, n)

    Raises
    ------
    DataError
        If I − A is singular.

    References
    ----------
    Leontief, W. (1936); Miller & Blair (2009), §2.3.

    Examples
    --------
    >>> leontief_inverse(np.array([[0.5, 0.0], [0.0, 0.0]]))
    array([[2., 0.],
           [0., 1.]])
    """
    A = np.asarray(A, dtype=float)
    try:
        return np.linalg.inv(np.eye(A.shape[0]) - A)
    except np.linalg.LinAlgError:
        raise DataError("I − A is singular: the table has no Leontief inverse") from None


def ghosh_allocation(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Allocation (output) coefficients B = x̂⁻¹ Z of the Ghosh supply-side model.

    b_ij = z_ij / x_i: the share of sector i's gross output sold to sector j as intermediate
    input. A sector with zero output gets a zero row.

    References
    ----------
    Ghosh (1958); Miller & Blair (2009), §12.1.

    Examples
    --------
    >>> ghosh_allocation(np.array([[10.0, 20.0], [30.0, 0.0]]), np.array([100.0, 200.0]))
    array([[0.1 , 0.2 ],
           [0.15, 0.  ]])
    """
    return _safe_reciprocal(x)[:, np.newaxis] * np.asarray(Z, dtype=float)


def ghosh_inverse(B: np.ndarray) -> np.ndarray:
    """Ghosh inverse (output inverse) G = (I − B)⁻¹.

    g_ij is the gross output of sector j that depends, directly and indirectly, on one unit of
    primary input (value added) in sector i, so that x' = v' G. It equals x̂⁻¹ L x̂.

    Raises
    ------
    DataError
        If I − B is singular.

    References
    ----------
    Ghosh (1958); Miller & Blair (2009), §12.1.

    Examples
    --------
    >>> ghosh_inverse(np.array([[0.0, 0.5], [0.0, 0.0]]))
    array([[1. , 0.5],
           [0. , 1. ]])
    """
    B = np.asarray(B, dtype=float)
    try:
        return np.linalg.inv(np.eye(B.shape[0]) - B)
    except np.linalg.LinAlgError:
        raise DataError("I − B is singular: the table has no Ghosh inverse") from None


def rasmussen_linkages(L: np.ndarray, G: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rasmussen backward and forward linkage indices, normalised to mean 1.

    Backward (power of dispersion): BL_j = (Σ_i l_ij) / ((1/n) Σ_ij l_ij), the column sums of the
    Leontief inverse over their mean. Forward (sensitivity of dispersion): FL_i = (Σ_j g_ij) /
    ((1/n) Σ_ij g_ij), the row sums of the **Ghosh** inverse over their mean. Rasmussen's
    original forward index used row sums of L; that mixes demand-side multipliers into a
    supply-side question and is no longer recommended (Miller & Blair 2009, §12.2.2; Miller &
    Lahr 2001). A sector with BL > 1 and FL > 1 is a *key sector*.

    Parameters
    ----------
    L : ndarray, shape (n, n)
        Leontief inverse.
    G : ndarray, shape (n, n)
        Ghosh inverse.

    Returns
    -------
    (backward, forward) : tuple of ndarray, shape (n,)

    References
    ----------
    Rasmussen (1956); Miller & Blair (2009), §12.2.

    Examples
    --------
    >>> bl, fl = rasmussen_linkages(np.array([[2.0, 0.0], [0.0, 1.0]]), np.eye(2))
    >>> bl.round(3).tolist(), fl.tolist()
    ([1.333, 0.667], [1.0, 1.0])
    """
    L = np.asarray(L, dtype=float)
    G = np.asarray(G, dtype=float)
    col = L.sum(axis=0)
    row = G.sum(axis=1)
    return col / col.mean(), row / row.mean()
