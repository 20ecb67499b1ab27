"""Economic and product complexity (ECI, PCI), complexity outlook index and gain (COI, COG)."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

from chainlink.errors import DataError, UsageError
from chainlink.metrics._checks import as_binary, row_col_sums, warn
from chainlink.metrics._relatedness import check_connected, density_weights

COMPLEXITY_METHODS = ("eigenvector", "reflections")
_DENSE_LIMIT = 400


def complexity(
    presence_matrix: Any,
    method: str = "eigenvector",
    *,
    iterations: int = 20,
    centre: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Economic complexity of locations (ECI) and product complexity (PCI).

    ``eigenvector`` (default): :math:`k_p` is the eigenvector of the second-largest eigenvalue of
    :math:`\tilde M_{pp'} = \sum_c M_{cp} M_{cp'} / (k_{c,0}\,k_{p,0})` and
    :math:`k_c = \sum_p M_{cp} k_p / k_{c,0}` (the average complexity of what *c* has).
    ``reflections``: the method of reflections, :math:`k_{c,N} = \sum_p M_{cp} k_{p,N-1} / k_{c,0}`,
    :math:`k_{p,N} = \sum_c M_{cp} k_{c,N-1} / k_{p,0}` from diversity and ubiquity, ``iterations``
    times; then :math:`k_c` is computed from :math:`k_{p,N}` as above. As N grows it converges
    to the eigenvector solution.

    Sign: chosen so that ECI correlates positively with diversity (as py-ecomplexity does).
    Scale: ECI = (k_c − mean k_c) / sd k_c and PCI = (k_p − mean k_c) / sd k_c (population sd), so
    that ECI stays the mean PCI of the products a location has. With ``centre=False`` the mean
    is not subtracted (k_c / sd, k_p / sd): the PCI py-ecomplexity feeds to COI and COG.

    Parameters
    ----------
    presence_matrix : array_like or sparse, (locations, products), 0/1
        Every location must have a product and every product a location.
    method : {"eigenvector", "reflections"}
    iterations : int
        Reflection steps (``reflections`` only).
    centre : bool

    Returns
    -------
    eci : ndarray, shape (locations,)
    pci : ndarray, shape (products,)

    Raises
    ------
    DataError
        A location or product is empty; the product space is disconnected; every location is
        equally complex (the eigenvector is not defined or all ECIs are equal).

    References
    ----------
    Hidalgo, C. A., & Hausmann, R. (2009). The building blocks of economic complexity. *PNAS*
    106(26), 10570–10575. Hausmann, R., Hidalgo, C. A., et al. (2014). *The Atlas of Economic
    Complexity*. MIT Press. Growth Lab, py-ecomplexity.

    Examples
    --------
    >>> m = [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]]
    >>> eci, pci = complexity(m)
    >>> bool(eci[0] > eci[1] > eci[2] > eci[3]), bool(pci[3] > pci[2] > pci[1] > pci[0])
    (True, True)
    """
    matrix = as_binary(presence_matrix)
    kc, kp = raw_complexity(matrix, method, iterations=iterations)
    eci, pci, pci_uncentred = standardize(kc, kp)
    if not centre:
        return eci + kc.mean() / kc.std(), pci_uncentred
    return eci, pci


def raw_complexity(
    matrix: sp.csr_array, method: str = "eigenvector", *, iterations: int = 20, connected: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Sign-aligned, unscaled k_c and k_p (see :func:`complexity`).

    Checks the network first (:func:`check_connected`) unless the caller says it did (``connected``).
    """
    if method not in COMPLEXITY_METHODS:
        raise UsageError(f"unknown complexity method {method!r}: use one of {', '.join(COMPLEXITY_METHODS)}")
    kc0, kp0 = _degrees(matrix)
    if not connected:
        check_connected(matrix)
    if method == "eigenvector":
        kp = _second_eigenvector(matrix, kc0, kp0)
    else:
        if iterations < 1:
            raise UsageError(f"iterations must be at least 1, got {iterations}")
        kp = _reflections(matrix, kc0, kp0, iterations)
    kc = (matrix @ kp) / kc0
    return _align_sign(kc, kp, kc0, kp0)


def standardize(kc: np.ndarray, kp: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ECI and PCI scaled by the mean and sd of k_c, and PCI scaled but not centred."""
    mean, sd = kc.mean(), kc.std()
    if not np.isfinite(sd) or sd <= 1e-12 * max(1.0, float(np.abs(kc).max())):
        raise DataError(
            "every location is equally complex (ECI has no spread), so ECI and PCI are undefined; "
            "this happens when all locations have the same mix of products"
        )
    return (kc - mean) / sd, (kp - mean) / sd, kp / sd


def _degrees(matrix: sp.csr_array) -> tuple[np.ndarray, np.ndarray]:
    kc0, kp0 = row_col_sums(matrix)
    if matrix.shape[0] < 2 or matrix.shape[1] < 2:
        raise DataError("complexity needs at least two locations and two products")
    if (kc0 == 0).any():
        raise DataError(
            f"location row {int(np.flatnonzero(kc0 == 0)[0])} has no product present (diversity 0); "
            "ECI is undefined for it: drop it first (chainlink.metrics.drop_empty)"
        )
    if (kp0 == 0).any():
        raise DataError(
            f"product column {int(np.flatnonzero(kp0 == 0)[0])} is present nowhere (ubiquity 0); "
            "PCI is undefined for it: drop it first (chainlink.metrics.drop_empty)"
        )
    return kc0, kp0


def _second_eigenvector(matrix: sp.csr_array, kc0: np.ndarray, kp0: np.ndarray) -> np.ndarray:
    """k_p for the second-largest eigenvalue, via the symmetric form D_p^-1/2 MᵀD_c^-1 M D_p^-1/2.

    The symmetric matrix has the same eigenvalues as the py-ecomplexity M̃_pp'; its top
    eigenvector is known (√k_p), so it is projected out and the largest remaining one found with
    Lanczos (ARPACK) on sparse products, or with a dense solver for small matrices.
    """
    n_prod = matrix.shape[1]
    scale = 1.0 / np.sqrt(kp0)
    inv_kc = 1.0 / kc0
    top = np.sqrt(kp0) / np.linalg.norm(np.sqrt(kp0))
    if n_prod <= _DENSE_LIMIT:
        vectors = _dense_symmetric(matrix, scale, inv_kc)
    else:
        matrix = sp.csr_array(matrix, dtype=np.float64)  # once, not converted at every product

        def apply(x: np.ndarray) -> np.ndarray:
            x = np.asarray(x).ravel()
            y = scale * (matrix.T @ (inv_kc * (matrix @ (scale * x))))
            return y - top * (top @ x)

        operator = LinearOperator((n_prod, n_prod), matvec=apply, dtype=np.float64)
        start = np.cos(np.arange(n_prod) * 0.7) + 1.5
        try:
            values, vectors = eigsh(operator, k=2, which="LA", tol=0, v0=start, maxiter=20 * n_prod)
        except ArpackNoConvergence:
            vectors = _dense_symmetric(matrix, scale, inv_kc)
        else:
            order = np.argsort(values)[::-1]
            values, vectors = values[order], vectors[:, order]
            if values[0] - values[1] <= 1e-10 * max(values[0], 1e-300):
                warn("the second and third eigenvalues coincide; ECI/PCI are not uniquely defined")
    return scale * vectors[:, 0]


def _dense_symmetric(matrix: sp.csr_array, scale: np.ndarray, inv_kc: np.ndarray) -> np.ndarray:
    scaled = matrix.toarray() * scale[None, :]
    symmetric = scaled.T @ (scaled * inv_kc[:, None])
    values, vectors = np.linalg.eigh((symmetric + symmetric.T) / 2)
    # Columns in ascending order: the last is the trivial eigenvalue 1, the one before is ours.
    return vectors[:, [-2, -3]] if vectors.shape[1] > 2 else vectors[:, [-2]]


def _reflections(matrix: sp.csr_array, kc0: np.ndarray, kp0: np.ndarray, iterations: int) -> np.ndarray:
    kc, kp = kc0.copy(), kp0.copy()
    for _ in range(iterations):
        kc, kp = (matrix @ kp) / kc0, (matrix.T @ kc) / kp0
        # Averaging commutes with affine maps, so standardising each vector every step only keeps
        # the numbers from collapsing to a constant; the final standardised result is the same.
        if kc.std() == 0 or kp.std() == 0:
            break
        kc = (kc - kc.mean()) / kc.std()
        kp = (kp - kp.mean()) / kp.std()
    return kp


def _align_sign(
    kc: np.ndarray, kp: np.ndarray, kc0: np.ndarray, kp0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    corr = _corr(kc, kc0)
    if corr == 0:
        corr = -_corr(kp, kp0)
    if corr == 0:
        warn("diversity and ubiquity do not fix the sign of ECI; the largest ECI is made positive")
        corr = float(np.sign(kc[np.argmax(np.abs(kc))]))
    return (kc, kp) if corr > 0 else (-kc, -kp)


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    if a.std() == 0 or b.std() == 0:
        return 0.0
    value = float(np.corrcoef(a, b)[0, 1])
    return value if np.isfinite(value) else 0.0


def coi(presence_matrix: Any, rho: Any, pci: Any, *, standardize: bool = True) -> np.ndarray:
    r"""Complexity outlook index :math:`\mathrm{COI}_c = \sum_p \rho_{cp}(1 - M_{cp})\,\mathrm{PCI}_p`.

    How much complexity lies near a location among products it does not have yet. With
    ``standardize`` (default, as py-ecomplexity) the result is centred and scaled to unit
    (population) standard deviation across locations.

    References
    ----------
    Hausmann, R., Hidalgo, C. A., et al. (2014). *The Atlas of Economic Complexity*. MIT Press.

    Examples
    --------
    >>> coi([[1, 0], [0, 1]], [[1.0, 0.5], [0.5, 1.0]], [1.0, 2.0], standardize=False).tolist()
    [1.0, 0.5]
    """
    matrix = as_binary(presence_matrix).toarray()
    rho = np.asarray(rho, dtype=np.float64)
    pci = np.asarray(pci, dtype=np.float64).ravel()
    if rho.shape != matrix.shape or pci.size != matrix.shape[1]:
        raise UsageError("M, density and PCI must describe the same locations and products")
    raw = ((rho * (1.0 - matrix)) @ pci).ravel()
    return _standardize(raw, "COI") if standardize else raw


def _standardize(values: np.ndarray, name: str) -> np.ndarray:
    sd = values.std()
    if not np.isfinite(sd) or sd == 0:
        raise DataError(f"{name} has no spread across locations, so it cannot be standardised")
    return (values - values.mean()) / sd


def cog(presence_matrix: Any, phi: Any, pci: Any) -> np.ndarray:
    r"""Complexity outlook gain :math:`\mathrm{COG}_{cp}` of each product for each location.

    .. math:: \mathrm{COG}_{cp} = (1 - M_{cp}) \sum_{p'} \frac{\varphi_{p'p}}{\sum_{p''}\varphi_{p'p''}}
              (1 - M_{cp'})\,\mathrm{PCI}_{p'}

    How much new complexity close to *p* the location would gain access to by moving into *p*
    (0 where *c* already has *p*), as py-ecomplexity computes it.

    References
    ----------
    Hausmann, R., Hidalgo, C. A., et al. (2014). *The Atlas of Economic Complexity*. MIT Press.

    Examples
    --------
    >>> cog([[1, 0], [0, 1]], [[1.0, 0.5], [0.5, 1.0]], [1.0, 2.0]).round(4).tolist()
    [[0.0, 1.3333], [0.6667, 0.0]]
    >>> cog([[1, 0, 0], [0, 1, 1]], [[1, 0.5, 0.5], [0.5, 1, 0.5], [0.5, 0.5, 1]], [1.0, 2.0, 3.0]).round(3).tolist()
    [[0.0, 1.75, 2.0], [0.5, 0.0, 0.0]]
    """
    matrix = as_binary(presence_matrix).toarray()
    weights = density_weights(phi).T
    pci = np.asarray(pci, dtype=np.float64).ravel()
    if weights.shape[0] != matrix.shape[1] or pci.size != matrix.shape[1]:
        raise UsageError("M, the relatedness matrix and PCI must describe the same products")
    absent = 1.0 - matrix
    gain = absent @ (weights * pci[:, None])
    return absent * gain + 0.0


def coi_cog(
    presence_matrix: Any, phi: Any, pci: Any, rho: Any | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """COI (standardised) and COG together; ``rho`` defaults to ``density(M, phi)``."""
    from chainlink.metrics._relatedness import density

    if rho is None:
        rho = density(presence_matrix, phi)
    return coi(presence_matrix, rho, pci), cog(presence_matrix, phi, pci)
