"""The greedy baseline."""

from __future__ import annotations

import math
import time

import numpy as np

from chainlink.allocate.prepare import _check_forced, _prepare, _Prepared
from chainlink.allocate.problem import _TOL, AllocationProblem, AllocationResult
from chainlink.allocate.result import _blockers, _fill, _result, _State


def greedy(problem: AllocationProblem) -> AllocationResult:
    """Baseline: forced first, then each county's floor from its best cells, then best score first.

    Parameters
    ----------
    problem : AllocationProblem

    Returns
    -------
    AllocationResult
        ``method="greedy"``, ``status="heuristic"``; no bound or gap. Floors may be missed (see
        ``counties[i].floor_met``); capacities, rules and forced assignments always hold.
    """
    start = time.perf_counter()
    prep = _prepare(problem)
    _check_forced(prep)
    where = _greedy_where(prep, prep.min_projects, prep.min_land)
    return _result(prep, "greedy", "heuristic", where, None, "greedy baseline", start,
                   prep.min_projects, prep.min_land, [])  # fmt: skip


def _greedy_where(prep: _Prepared, floor_k: np.ndarray, floor_land: np.ndarray) -> np.ndarray:
    state = _State.empty(prep)
    for p, d in prep.forced.items():
        state.place(prep, p, d)
    vp, vd = np.nonzero(prep.var)
    order = np.lexsort((vd, vp, -prep.score[vp, vd]))
    ranked = [(int(vp[i]), int(vd[i])) for i in order]
    for c in np.flatnonzero((floor_k > 0) | (floor_land > 0)):
        mine = (state.where >= 0) & (prep.county_of[state.where] == c)
        count, land = int(np.count_nonzero(mine)), math.fsum(prep.land[mine])
        for p, d in ranked:
            if count >= floor_k[c] and land >= floor_land[c] * (1 - _TOL):
                break
            if prep.county_of[d] == c and state.where[p] < 0 and not _blockers(prep, state, p, d):
                state.place(prep, p, d)
                count, land = count + 1, land + prep.land[p]
    _fill(prep, state, [(p, d) for p, d in ranked if prep.score[p, d] > 0], prep.score)
    return state.where


def _floors_met(
    prep: _Prepared, where: np.ndarray, counties: np.ndarray, k: np.ndarray, land: np.ndarray
) -> bool:
    placed = where >= 0
    for c in counties:
        mine = placed & (prep.county_of[np.where(placed, where, 0)] == c)
        if np.count_nonzero(mine) < k[c] or math.fsum(prep.land[mine]) < land[c] * (1 - _TOL):
            return False
    return True
