"""The MILP: built sparse, only over eligible cells, and run through SciPy's HiGHS."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from chainlink.allocate.prepare import _Prepared
from chainlink.allocate.problem import _PRESOLVE_MAX_COLUMNS, _TOL, ENCLAVE_DELTA_MU


@dataclass
class _Model:
    cost: np.ndarray
    matrix: sparse.csr_array
    row_lo: np.ndarray
    row_hi: np.ndarray
    col_lo: np.ndarray
    col_hi: np.ndarray
    integrality: np.ndarray
    vp: np.ndarray
    vd: np.ndarray
    slacks: list[tuple[tuple, int]]


class _Rows:
    def __init__(self, n_cols: int) -> None:
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.n_cols = n_cols
        self.col_cost: list[float] = []
        self.col_hi: list[float] = []
        self.col_int: list[int] = []

    def add(self, cols: np.ndarray, vals: np.ndarray, lo: float, hi: float) -> int:
        row = len(self.lo)
        self.r.append(np.full(len(cols), row))
        self.c.append(np.asarray(cols))
        self.v.append(np.asarray(vals, dtype=float))
        self.lo.append(lo)
        self.hi.append(hi)
        return row

    def add_block(self, row: np.ndarray, cols: np.ndarray, vals: np.ndarray, count: int, hi: float) -> None:
        """Add ``count`` rows ``-inf ≤ · ≤ hi`` at once; ``row`` numbers them from 0."""
        self.r.append(len(self.lo) + row)
        self.c.append(cols)
        self.v.append(vals)
        self.lo.extend([-np.inf] * count)
        self.hi.extend([hi] * count)

    def new_col(self, cost: float, hi: float, integer: bool = False) -> int:
        self.col_cost.append(cost)
        self.col_hi.append(hi)
        self.col_int.append(int(integer))
        self.n_cols += 1
        return self.n_cols - 1


def _build(
    prep: _Prepared, var: np.ndarray, weight: np.ndarray, floor_k: np.ndarray, floor_land: np.ndarray,
    *, elastic: bool = False,
) -> _Model:  # fmt: skip
    """Minimise ``-weight·x`` (or, if ``elastic``, the scaled violation of floors, forced and enclave rows)."""
    D = len(prep.dests)
    idx = np.flatnonzero(var.ravel())
    vp, vd = np.divmod(idx, D)
    n = len(idx)
    col = np.full(var.shape, -1, dtype=int)
    col[vp, vd] = np.arange(n)
    rows = _Rows(n)
    slacks: list[tuple[tuple, int]] = []

    def soft(key: tuple, cols: np.ndarray, vals: np.ndarray, lo: float, scale: float) -> None:
        if elastic:
            s = rows.new_col(1.0 / max(scale, _TOL), np.inf)
            slacks.append((key, s))
            cols, vals = np.append(cols, s), np.append(vals, 1.0)
        rows.add(cols, vals, lo, np.inf)

    per_project = np.bincount(vp, minlength=len(prep.projects))
    many = np.flatnonzero(per_project[vp] >= 2)  # vp is sorted: one block of columns per project
    if len(many):
        first = np.unique(vp[many], return_index=True)[1]
        rows.add_block(
            np.cumsum(np.isin(np.arange(len(many)), first)) - 1, many, np.ones(len(many)), len(first), 1.0
        )
    for amount, cap in ((prep.land, prep.land_cap), (prep.energy, prep.energy_cap)):
        load = np.bincount(vd, weights=amount[vp], minlength=D)
        for d in np.flatnonzero(np.isfinite(cap) & (load > cap * (1 + _TOL) + _TOL)):
            on_d = np.flatnonzero((vd == d) & (amount[vp] > 0))
            rows.add(on_d, amount[vp[on_d]], -np.inf, float(cap[d]))
    for e, homes in prep.homes.items():
        for h in homes:
            users = np.flatnonzero(var[:, e] & prep.cand[:, h])
            if not len(users) or np.isinf(prep.land_cap[h]):
                continue
            t = rows.new_col(0.0, float(prep.land_cap[h]) + ENCLAVE_DELTA_MU)
            for p in users:  # t ≥ (cap_h − land_p + δ)·x_pe: t is the land the home must already use
                need = float(prep.land_cap[h] - prep.land[p] + ENCLAVE_DELTA_MU)
                rows.add(np.array([col[p, e], t]), np.array([need, -1.0]), -np.inf, 0.0)
            on_h = col[:, h][var[:, h] & (prep.land > 0)]
            soft(("enclave", e, h), np.append(on_h, t), np.append(prep.land[vp[on_h]], -1.0), 0.0, 1.0)
    for c in range(len(prep.counties)):
        in_c = np.flatnonzero(prep.county_of[vd] == c)
        if floor_k[c] > 0:
            soft(("floor_projects", c), in_c, np.ones(len(in_c)), float(floor_k[c]), float(floor_k[c]))
        if floor_land[c] > 0:
            soft(("floor_land", c), in_c, prep.land[vp[in_c]], float(floor_land[c]), float(floor_land[c]))
    fixed = [col[p, d] for p, d in prep.forced.items() if col[p, d] >= 0]
    if elastic:
        for p, d in prep.forced.items():
            if col[p, d] >= 0:
                soft(("forced", p), np.array([col[p, d]]), np.ones(1), 1.0, 1.0)
        fixed = []
    col_lo = np.zeros(rows.n_cols)
    col_lo[fixed] = 1.0
    cost = np.concatenate([np.zeros(n) if elastic else -weight[vp, vd], rows.col_cost])
    col_hi = np.concatenate([np.ones(n), rows.col_hi])
    integrality = np.concatenate([np.ones(n, dtype=int), np.array(rows.col_int, dtype=int)])
    if rows.lo:
        r, c_, v = (np.concatenate(x) for x in (rows.r, rows.c, rows.v))
        matrix = sparse.csr_array((v, (r, c_)), shape=(len(rows.lo), rows.n_cols))
    else:
        matrix = sparse.csr_array((0, rows.n_cols))
    return _Model(
        cost, matrix, np.array(rows.lo), np.array(rows.hi), col_lo, col_hi, integrality, vp, vd, slacks
    )


@dataclass
class _Run:
    status: str
    x: np.ndarray | None
    bound: float | None
    message: str


@contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Send file descriptor 1 to stderr while HiGHS runs.

    HiGHS 1.12 writes a stray debug line to stdout whatever its log options
    (ERGO-Code/HiGHS#2783); the command line's stdout carries data (CSV, JSON) and must stay clean.
    """
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError, AttributeError):
        yield
        return
    try:
        os.dup2(2, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _run(model: _Model, time_limit: float | None, mip_rel_gap: float) -> _Run:
    """Call HiGHS; ``bound`` is returned in maximisation terms (−dual bound of the minimisation)."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # here: importing it costs ≈ 0.3 CPU s

    if not len(model.cost):
        return _Run("optimal", np.zeros(0), 0.0, "empty model")
    # HiGHS presolve pays on small parts but can run for minutes past the time limit on big ones.
    presolve = len(model.cost) <= _PRESOLVE_MAX_COLUMNS
    options: dict[str, Any] = {"disp": False, "presolve": presolve, "mip_rel_gap": mip_rel_gap}
    if time_limit is not None:
        options["time_limit"] = max(float(time_limit), 0.01)
    constraints = (
        LinearConstraint(model.matrix, model.row_lo, model.row_hi) if model.matrix.shape[0] else None
    )
    with _stdout_to_stderr():
        res = milp(
            model.cost,
            integrality=model.integrality,
            bounds=Bounds(model.col_lo, model.col_hi),
            constraints=constraints,
            options=options,
        )
    dual = getattr(res, "mip_dual_bound", None)
    bound = -float(dual) if dual is not None and np.isfinite(dual) else None
    if res.status == 0:
        status = "optimal"
    elif res.status == 1:
        status = "time_limit_feasible" if res.x is not None else "time_limit_no_solution"
    elif res.status == 2:
        status = "infeasible"
    elif res.status == 3:
        status = "unbounded"
    else:
        status = "error"
    return _Run(status, res.x, bound, str(res.message))


def _chosen(model: _Model, x: np.ndarray | None, P: int) -> np.ndarray:
    where = np.full(P, -1, dtype=int)
    if x is not None:
        on = np.flatnonzero(x[: len(model.vp)] > 0.5)
        where[model.vp[on]] = model.vd[on]
    return where
