"""Fairness floors: relax what a county cannot reach alone, diagnose what counties cannot reach together."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

from chainlink.allocate.milp import _build, _chosen, _run
from chainlink.allocate.prepare import _Prepared
from chainlink.allocate.problem import _TOL, FairnessWarning
from chainlink.allocate.result import _fill, _State
from chainlink.errors import DataError


def _effective_floors(
    prep: _Prepared, remaining: Callable[[], float | None]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Each county's floor, lowered (with a FairnessWarning) to what it could reach on its own."""
    floor_k, floor_land = prep.min_projects.copy(), prep.min_land.copy()
    notes: list[str] = []
    zero = np.zeros(len(prep.counties))
    ones = np.ones_like(prep.score)
    land = np.repeat(prep.land[:, None], len(prep.dests), axis=1)
    for c, name in enumerate(prep.counties):
        if floor_k[c] <= 0 and floor_land[c] <= 0:
            continue
        var = prep.var & (prep.county_of == c)[None, :]
        for p, d in prep.forced.items():
            if prep.county_of[d] != c:
                var[p, :] = False
        for target, weight, order, unit in (
            (floor_k, ones, np.argsort(prep.land, kind="stable"), "projects"),
            (floor_land, land, np.argsort(-prep.land, kind="stable"), "mu"),
        ):
            if target[c] <= 0:
                continue
            state = _State.empty(prep)  # a quick greedy first: most floors are reachable at a glance
            for p, d in prep.forced.items():
                if var[p, d]:
                    state.place(prep, p, d)
            cells = [(int(p), int(d)) for p in order for d in np.flatnonzero(var[p])]
            if _fill(prep, state, cells, weight) >= target[c] * (1 - _TOL):
                continue
            model = _build(prep, var, weight, zero, zero)
            run = _run(model, remaining(), 0.0)
            if run.x is None:
                continue
            where = _chosen(model, run.x, len(prep.projects))
            best = math.fsum(weight[p, where[p]] for p in np.flatnonzero(where >= 0))
            ceiling = best if run.status == "optimal" else run.bound if run.bound is not None else math.inf
            if ceiling < target[c] * (1 - _TOL):  # proved out of reach: lower it to what was reached
                note = (
                    f"fairness floor of county {name} lowered from {target[c]:g} to {best:g} {unit}: "
                    f"no more is reachable even with every eligible project sent there"
                )
                notes.append(note)
                warnings.warn(note, FairnessWarning, stacklevel=3)
                target[c] = best * (1 - _TOL) if unit == "mu" else best
    return floor_k, floor_land, notes


def _describe(prep: _Prepared, key: tuple, floor_k: np.ndarray, floor_land: np.ndarray) -> str:
    if key[0] == "floor_projects":
        return f"fairness floor of county {prep.counties[key[1]]} (at least {floor_k[key[1]]:g} projects)"
    if key[0] == "floor_land":
        return (
            f"fairness floor of county {prep.counties[key[1]]} (at least {floor_land[key[1]]:g} mu of land)"
        )
    if key[0] == "forced":
        p = key[1]
        return f"forced assignment {prep.projects[p]} → {prep.dests[prep.forced[p]]}"
    return f"enclave rule ({prep.dests[key[1]]} takes a project only when {prep.dests[key[2]]} lacks land for it)"


def _diagnose(
    prep: _Prepared, var: np.ndarray, floor_k: np.ndarray, floor_land: np.ndarray, time_limit: float | None
) -> DataError:
    """Solve the elastic model (violations allowed, their sum minimised) and name what had to give."""
    inside = np.isin(np.arange(len(prep.counties)), prep.county_of[np.nonzero(var)[1]])
    model = _build(prep, var, prep.score, floor_k * inside, floor_land * inside, elastic=True)
    run = _run(model, time_limit, 0.0)
    if run.x is None:
        return DataError(f"allocation is infeasible and could not be diagnosed ({run.message})")
    broken = [key for key, s in model.slacks if run.x[s] > 1e-6]
    active = [key for key, _ in model.slacks]
    involved = set(broken)
    broken_counties = {key[1] for key in broken if key[0].startswith("floor")}
    for c in broken_counties:  # floors and forced assignments competing for the same projects
        shared = prep.cand[:, prep.county_of == c].any(axis=1)
        for key in active:
            if key[0].startswith("floor"):
                competes = bool(shared[prep.cand[:, prep.county_of == key[1]].any(axis=1)].any())
            else:
                competes = key[0] == "forced" and bool(shared[key[1]])
            if competes:
                involved.add(key)
    names = [_describe(prep, key, floor_k, floor_land) for key in active if key in involved]
    short = [_describe(prep, key, floor_k, floor_land) for key in active if key in broken]
    return DataError(
        "allocation is infeasible; these constraints conflict: "
        + "; ".join(names)
        + (f" (cannot be met: {'; '.join(short)})" if short != names else "")
    )
