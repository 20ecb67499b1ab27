"""The long-table front end: reshape each period once, then compute every metric on it.

Everything here is reshaping and bookkeeping; the formulas live in the other modules.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from chainlink.errors import DataError, UsageError
from chainlink.metrics._checks import DroppedWarning, MetricsWarning, name_list
from chainlink.metrics._complexity import COMPLEXITY_METHODS, raw_complexity, standardize
from chainlink.metrics._presence import PRESENCE_TESTS, binarize, rca, rpop
from chainlink.metrics._read import LongInput, long_input
from chainlink.metrics._relatedness import (
    RELATEDNESS_METHODS,
    check_connected,
    density_weights,
    proximity,
    relatedness,
)
from chainlink.metrics._tables import MetricsTable, PairTable, YearMetrics


def compute_long(
    data: Any,
    *,
    loc: str = "loc",
    prod: str = "prod",
    val: str = "val",
    time: str | None = None,
    presence: str = "rca",
    threshold: float = 1.0,
    population: Mapping[Any, float] | None = None,
    rpop_threshold: float | None = None,
    method: str = "eigenvector",
) -> MetricsTable:
    """Every metric for a long table, per period: a drop-in for py-ecomplexity's ``ecomplexity()``.

    Parameters
    ----------
    data : mapping of columns, sequence of row mappings, DataFrame, or :class:`LongInput`
        Long format: one row per (time, location, product) with a non-negative value.
    loc, prod, val, time : str
        Column names (``time`` optional: without it the whole table is one period).
    presence : {"rca", "rpop", "both", "given"}
        How M is decided (see :func:`chainlink.metrics.presence`); ``given`` reads M from ``val``.
    threshold, rpop_threshold : float
        Presence thresholds (RCA exactly at the threshold counts as present).
    population : mapping, optional
        Location → population, or (time, location) → population; needed for rpop and both.
    method : {"eigenvector", "reflections"}
        ECI/PCI method.

    Returns
    -------
    MetricsTable
        Rows ordered by time, location, product; columns time, loc, prod, val, rca, [rpop], mcp,
        density, eci, pci, coi, cog, diversity, ubiquity (see docs/metrics.md for the
        correspondence with py-ecomplexity).

    Notes
    -----
    - Each period is computed on its own locations and products: those with a row in that period.
      Products or locations whose values are all zero in a period — or, for rpop/both/given, that
      end up with nothing present — are dropped from that period with a :class:`DroppedWarning`.
    - A value that is negative, NaN, infinite or not a number raises :class:`DataError` naming the
      row; so does a repeated (time, location, product).
    - A disconnected product space, a period with fewer than two locations or products, or a
      period where every location is equally complex raises :class:`DataError` naming the period.
    """
    table = long_input(data, loc=loc, prod=prod, val=val, time=time)
    years = list(
        compute_periods(
            table,
            presence=presence,
            threshold=threshold,
            population=population,
            rpop_threshold=rpop_threshold,
            method=method,
        )
    )
    return MetricsTable(names=table.names, years=years, presence=presence)


def compute_periods(
    table: LongInput,
    *,
    presence: str = "rca",
    threshold: float = 1.0,
    population: Mapping[Any, float] | None = None,
    rpop_threshold: float | None = None,
    method: str = "eigenvector",
) -> Iterator[YearMetrics]:
    """The periods of :func:`compute_long` one at a time (to write each and let it go).

    ``table`` comes from :func:`~chainlink.metrics.read_long_csv` or
    :func:`~chainlink.metrics.long_input`; wrap a period in ``MetricsTable(table.names, [period],
    presence)`` to write it.
    """
    if presence not in PRESENCE_TESTS:
        raise UsageError(f"unknown presence test {presence!r}: use one of {', '.join(PRESENCE_TESTS)}")
    if method not in COMPLEXITY_METHODS:
        raise UsageError(f"unknown method {method!r}: use one of {', '.join(COMPLEXITY_METHODS)}")
    if presence in ("rpop", "both") and population is None:
        raise UsageError(f"presence {presence!r} needs the population of every location (--pop FILE)")
    periods = [None] if table.time is None else list(range(len(table.time_labels or [])))
    counts = []
    for period in periods:
        rows = np.arange(table.value.size) if period is None else np.flatnonzero(table.time == period)
        label = None if period is None else table.time_labels[period]
        year = _compute_period(table, rows, label, presence, threshold, population, rpop_threshold, method)
        counts.append((label, len(year.products)))
        yield year
    if len({n for _, n in counts}) > 1:
        detail = ", ".join(f"{label}: {n}" for label, n in counts)
        warnings.warn(
            f"periods have different product sets ({detail}); each period is computed on its own products",
            MetricsWarning,
            stacklevel=2,
        )


@dataclass
class _PeriodPresence:
    values: sp.csr_array
    rca: sp.csr_array | None
    rpop: sp.csr_array | None
    mcp: sp.csr_array
    locations: list[str]
    products: list[str]


def _period_presence(
    table: LongInput,
    rows: np.ndarray,
    label: str | None,
    presence: str,
    threshold: float,
    population: Mapping[Any, float] | None,
    rpop_threshold: float | None,
) -> _PeriodPresence:
    """Reshape one period's rows to a matrix, drop empty rows/columns, decide presence."""
    prefix = _prefix(table, label)
    loc_ids, loc_pos = _used(table.loc[rows], len(table.loc_labels))
    prod_ids, prod_pos = _used(table.prod[rows], len(table.prod_labels))
    n_loc, n_prod = loc_ids.size, prod_ids.size
    values = sp.coo_array((table.value[rows], (loc_pos, prod_pos)), shape=(n_loc, n_prod)).tocsr()
    values.sum_duplicates()
    if values.nnz < rows.size:  # repeated cells were added up: name the first repeat
        keys = loc_pos.astype(np.int64) * n_prod + prod_pos
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        k = int(np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1])[0])
        first, second = rows[order[k]], rows[order[k + 1]]
        raise table.fail(
            int(second),
            f"repeats the {', '.join(table.names[x] for x in ('time', 'loc', 'prod') if x in table.names)} "
            f"of {table.where(int(first))}; add the rows up first",
        )
    locations = [table.loc_labels[i] for i in loc_ids]
    products = [table.prod_labels[i] for i in prod_ids]
    if presence == "given":
        values.eliminate_zeros()
        odd = (table.value[rows] != 0) & (table.value[rows] != 1)
        if odd.any():
            k = int(np.flatnonzero(odd)[0])
            raise table.fail(
                int(rows[k]), f"with presence 'given' the {table.names['val']!r} column must be 0 or 1"
            )
    values, locations, products = _drop(values, locations, products, prefix, "activity (all values zero)")
    _check_period_size(values, prefix)
    pop = None
    if presence in ("rpop", "both"):
        pop = _population(population or {}, locations, label, prefix)
    index_rca = rca(values) if presence != "given" else None
    index_rpop = rpop(values, pop) if pop is not None else None
    pop_cut = threshold if rpop_threshold is None else rpop_threshold
    if presence == "given":
        mcp = values.astype(np.int8)
    elif presence == "rca":
        mcp = binarize(index_rca, threshold)
    elif presence == "rpop":
        mcp = binarize(index_rpop, pop_cut)
    else:
        mcp = binarize(index_rca, threshold).multiply(binarize(index_rpop, pop_cut)).tocsr().astype(np.int8)
    mcp = sp.csr_array(mcp)
    if presence != "rca":
        kept_mcp, keep_loc, keep_prod = _drop_absent(mcp, locations, products, prefix)
        if kept_mcp is not mcp:
            mcp = kept_mcp
            values = values[keep_loc][:, keep_prod]
            index_rca = index_rca[keep_loc][:, keep_prod] if index_rca is not None else None
            index_rpop = index_rpop[keep_loc][:, keep_prod] if index_rpop is not None else None
            locations = [locations[i] for i in keep_loc]
            products = [products[i] for i in keep_prod]
            _check_period_size(values, prefix)
    return _PeriodPresence(values, index_rca, index_rpop, mcp, locations, products)


def _used(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(codes, return_inverse=True)`` for codes in ``range(size)``, by counting instead of sorting."""
    present = np.bincount(codes, minlength=size) > 0
    ids = np.flatnonzero(present)
    position = np.cumsum(present) - 1
    return ids, position[codes]


def _prefix(table: LongInput, label: str | None) -> str:
    return "" if label is None else f"{table.names['time']} {label}: "


def _compute_period(
    table: LongInput,
    rows: np.ndarray,
    label: str | None,
    presence: str,
    threshold: float,
    population: Mapping[Any, float] | None,
    rpop_threshold: float | None,
    method: str,
) -> YearMetrics:
    prefix = _prefix(table, label)
    part = _period_presence(table, rows, label, presence, threshold, population, rpop_threshold)
    mcp = part.mcp
    try:
        check_connected(mcp, part.locations, part.products)
        phi = proximity(mcp)
        kc, kp = raw_complexity(mcp, method, connected=True)
        eci, pci, pci_uncentred = standardize(kc, kp)
    except DataError as exc:
        raise DataError(f"{prefix}{exc}") from None
    dense = mcp.toarray().astype(np.float64)
    weights = density_weights(phi)
    rho = dense @ weights
    np.clip(rho, 0.0, 1.0, out=rho)
    # In place where a matrix is not needed again: each new 2,850 × 1,381 array costs ≈ 30 ms of the
    # kernel zeroing fresh pages.
    absent = np.subtract(1.0, dense, out=dense)
    # COG and COI use PCI scaled but not centred, exactly as py-ecomplexity (see docs/metrics.md).
    gain = absent @ np.multiply(weights.T, pci_uncentred[:, None], out=weights.T)  # weights: not needed again
    gain *= absent
    gain += 0.0
    outlook = (np.multiply(rho, absent, out=absent) @ pci_uncentred).ravel()
    sd = outlook.std()
    if not sd > 0:
        raise DataError(f"{prefix}COI has no spread across locations, so it cannot be standardised")
    ones = sp.csr_array(mcp, dtype=np.float64)
    return YearMetrics(
        time=label,
        locations=part.locations,
        products=part.products,
        value=part.values,
        rca=part.rca,
        rpop=part.rpop,
        mcp=sp.csr_array(mcp, dtype=np.int8),
        density=rho,
        cog=gain,
        eci=eci,
        pci=pci,
        coi=(outlook - outlook.mean()) / sd,
        diversity=np.asarray(ones.sum(axis=1)).astype(np.int64).ravel(),
        ubiquity=np.asarray(ones.sum(axis=0)).astype(np.int64).ravel(),
        proximity=phi,
    )


def relatedness_long(
    data: Any,
    *,
    loc: str = "loc",
    prod: str = "prod",
    val: str = "val",
    time: str | None = None,
    method: str = "proximity",
    presence: str = "rca",
    threshold: float = 1.0,
    population: Mapping[Any, float] | None = None,
    rpop_threshold: float | None = None,
    minimum: float | None = None,
) -> PairTable:
    """Relatedness between products of a long table, per period, as a long product × product table.

    Presence is decided as in :func:`compute_long`; ``method`` is one of
    :data:`~chainlink.metrics.RELATEDNESS_METHODS`. ``minimum`` keeps only pairs with a value at
    least that large. The product space need not be connected here.
    """
    if method not in RELATEDNESS_METHODS:
        raise UsageError(f"unknown method {method!r}: use one of {', '.join(RELATEDNESS_METHODS)}")
    if presence not in PRESENCE_TESTS:
        raise UsageError(f"unknown presence test {presence!r}: use one of {', '.join(PRESENCE_TESTS)}")
    if presence in ("rpop", "both") and population is None:
        raise UsageError(f"presence {presence!r} needs the population of every location (--pop FILE)")
    table = long_input(data, loc=loc, prod=prod, val=val, time=time)
    periods = [None] if table.time is None else list(range(len(table.time_labels or [])))
    out = []
    for period in periods:
        rows = np.arange(table.value.size) if period is None else np.flatnonzero(table.time == period)
        label = None if period is None else table.time_labels[period]
        part = _period_presence(table, rows, label, presence, threshold, population, rpop_threshold)
        try:
            matrix = relatedness(part.mcp, method)
        except DataError as exc:
            raise DataError(f"{_prefix(table, label)}{exc}") from None
        out.append((label, part.products, matrix))
    return PairTable(
        names=table.names,
        value_name="proximity" if method == "proximity" else "relatedness",
        periods=out,
        minimum=minimum,
    )


def _check_period_size(values: Any, prefix: str) -> None:
    n_loc, n_prod = values.shape
    if n_prod < 2 or n_loc < 2:
        what = f"{n_prod} product(s)" if n_prod < 2 else f"{n_loc} location(s)"
        raise DataError(
            f"{prefix}only {what} with activity: with fewer than two locations or products RCA is 1 "
            "everywhere and relatedness and complexity are undefined; give at least two of each"
        )


def _drop(values: sp.csr_array, locations: list[str], products: list[str], prefix: str, what: str):
    row_sums = np.asarray(values.sum(axis=1)).ravel()
    col_sums = np.asarray(values.sum(axis=0)).ravel()
    keep_rows, keep_cols = row_sums > 0, col_sums > 0
    if keep_rows.all() and keep_cols.all():
        return values, locations, products
    dropped_locs = [locations[i] for i in np.flatnonzero(~keep_rows)]
    dropped_prods = [products[i] for i in np.flatnonzero(~keep_cols)]
    for kind, names in (("location", dropped_locs), ("product", dropped_prods)):
        if names:
            warnings.warn(
                f"{prefix}dropped {len(names)} {kind}(s) with no {what}: {name_list(names)}",
                DroppedWarning,
                stacklevel=4,
            )
    values = values[np.flatnonzero(keep_rows)][:, np.flatnonzero(keep_cols)]
    return (
        values,
        [locations[i] for i in np.flatnonzero(keep_rows)],
        [products[i] for i in np.flatnonzero(keep_cols)],
    )


def _drop_absent(mcp: sp.csr_array, locations: list[str], products: list[str], prefix: str):
    keep_loc = np.arange(mcp.shape[0])
    keep_prod = np.arange(mcp.shape[1])
    current = mcp
    dropped_loc: list[str] = []
    dropped_prod: list[str] = []
    while True:
        rows = np.asarray(current.sum(axis=1)).ravel() > 0
        cols = np.asarray(current.sum(axis=0)).ravel() > 0
        if rows.all() and cols.all():
            break
        dropped_loc += [locations[i] for i in keep_loc[~rows]]
        dropped_prod += [products[i] for i in keep_prod[~cols]]
        keep_loc, keep_prod = keep_loc[rows], keep_prod[cols]
        current = current[np.flatnonzero(rows)][:, np.flatnonzero(cols)]
    for kind, names, role in (
        ("location", dropped_loc, "has no product present"),
        ("product", dropped_prod, "is present nowhere"),
    ):
        if names:
            warnings.warn(
                f"{prefix}dropped {len(names)} {kind}(s) that {role} under this presence test: {name_list(names)}",
                DroppedWarning,
                stacklevel=4,
            )
    if current is mcp:
        return mcp, keep_loc, keep_prod
    return sp.csr_array(current), keep_loc, keep_prod


def _population(
    population: Mapping[Any, float], locations: list[str], label: str | None, prefix: str
) -> np.ndarray:
    out = np.empty(len(locations))
    for i, name in enumerate(locations):
        value = population.get((label, name)) if label is not None else None
        if value is None:
            value = population.get(name)
        if value is None:
            raise DataError(f"{prefix}no population for location {name!r}; add it to the population table")
        try:
            out[i] = float(value)
        except (TypeError, ValueError):
            raise DataError(f"{prefix}population of {name!r} is {value!r}, not a number") from None
        if not np.isfinite(out[i]) or out[i] <= 0:
            raise DataError(f"{prefix}population of {name!r} is {value!r}; it must be a positive number")
    return out
