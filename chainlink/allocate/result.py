"""The fit test (does a project fit a destination now) and the :class:`AllocationResult` built from an assignment."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from chainlink.allocate.prepare import _cell_reasons, _Prepared
from chainlink.allocate.problem import (
    _BIND_RTOL,
    _TOL,
    ENCLAVE_DELTA_MU,
    AllocationResult,
    CountyUse,
    DestinationUse,
    Placement,
    UnassignedProject,
)


@dataclass
class _State:
    where: np.ndarray
    land: np.ndarray
    energy: np.ndarray

    @classmethod
    def empty(cls, prep: _Prepared) -> _State:
        D = len(prep.dests)
        return cls(np.full(len(prep.projects), -1, dtype=int), np.zeros(D), np.zeros(D))

    def place(self, prep: _Prepared, p: int, d: int) -> None:
        self.where[p] = d
        self.land[d] += prep.land[p]
        self.energy[d] += prep.energy[p]


def _blockers(prep: _Prepared, state: _State, p: int, d: int) -> list[str]:
    """Why project p does not fit destination d now: 'land', 'energy', 'enclave closed (home)'."""
    out = []
    if prep.land[p] > (prep.land_cap[d] - state.land[d]) * (1 + _TOL) + _TOL:
        out.append("land")
    if prep.energy[p] > (prep.energy_cap[d] - state.energy[d]) * (1 + _TOL) + _TOL:
        out.append("energy")
    for h in prep.homes.get(d, ()):
        if prep.cand[p, h] and state.land[h] < prep.land_cap[h] - prep.land[p] + ENCLAVE_DELTA_MU - _TOL:
            out.append(f"enclave closed ({prep.dests[h]} has land for it)")
    return out


def _fill(prep: _Prepared, state: _State, cells: list[tuple[int, int]], weight: np.ndarray) -> float:
    for p, d in cells:
        if state.where[p] < 0 and not _blockers(prep, state, p, d):
            state.place(prep, p, d)
    on = np.flatnonzero(state.where >= 0)
    return math.fsum(weight[p, state.where[p]] for p in on)


def _result(
    prep: _Prepared, method: str, status: str, where: np.ndarray, bound: float | None, message: str,
    start: float, floor_k: np.ndarray, floor_land: np.ndarray, notes: list[str],
) -> AllocationResult:  # fmt: skip
    D = len(prep.dests)
    placed = np.flatnonzero(where >= 0)
    state = _State.empty(prep)
    for p in placed:
        state.place(prep, int(p), int(where[p]))
    objective = math.fsum(prep.score[p, where[p]] for p in placed)
    gap = None
    if method != "greedy" and status != "time_limit_no_solution":
        bound = objective if status == "optimal" and bound is None else bound
        if bound is not None and bound < objective:
            bound = objective  # HiGHS's bound is within its tolerances of the incumbent
        if bound is not None:
            gap = (
                0.0 if bound == objective else (bound - objective) / abs(objective) if objective else math.inf
            )
    placements = tuple(
        Placement(
            prep.projects[p], prep.dests[where[p]], prep.county[where[p]], float(prep.score[p, where[p]]),
            prep.kind[where[p]] == "enclave",
            None if prep.meets is None or prep.meets[p, where[p]] < 0 else bool(prep.meets[p, where[p]]),
            _home_had_room(prep, state, int(p), int(where[p])),
        )
        for p in placed
    )  # fmt: skip
    binding = [set() for _ in range(D)]
    for d in range(D):
        for used, cap, what in (
            (state.land, prep.land_cap, "land"),
            (state.energy, prep.energy_cap, "energy"),
        ):
            if np.isfinite(cap[d]) and cap[d] - used[d] <= _BIND_RTOL * max(1.0, cap[d]):
                binding[d].add(what)
    unassigned = []
    for p in np.flatnonzero(where < 0):
        item = _why_unassigned(prep, state, int(p))
        unassigned.append(item)
        if item.reason == "capacity":
            for d in np.flatnonzero(prep.cand[p] & (prep.score[p] > 0)):
                binding[d].update(
                    b for b in _blockers(prep, state, int(p), int(d)) if b in ("land", "energy")
                )
    label = [_binding_label(b) for b in binding]
    destinations = tuple(
        DestinationUse(prep.dests[d], prep.county[d], prep.kind[d], int(np.count_nonzero(where == d)),
                       float(state.land[d]), float(prep.land_cap[d]), float(state.energy[d]),
                       float(prep.energy_cap[d]), label[d])
        for d in range(D)
    )  # fmt: skip
    counties = []
    for c, name in enumerate(prep.counties):
        mine = np.flatnonzero(prep.county_of == c)
        n = int(np.isin(where, mine).sum())
        land = math.fsum(state.land[mine])
        has_floor = floor_k[c] > 0 or floor_land[c] > 0
        met = (n >= floor_k[c] and land >= floor_land[c] * (1 - _TOL)) if has_floor else None
        kinds = set().union(*(binding[d] for d in mine)) if len(mine) else set()
        counties.append(
            CountyUse(name, n, land, math.fsum(state.energy[mine]), float(prep.land_quota[c]),
                      int(floor_k[c]), float(floor_land[c]), met, _binding_label(kinds))
        )  # fmt: skip
    return AllocationResult(
        method=method, status=status, objective=objective, bound=bound, gap=gap,
        assignment={prep.projects[p]: prep.dests[where[p]] for p in placed}, placements=placements,
        destinations=destinations, counties=tuple(counties), unassigned=tuple(unassigned),
        warnings=tuple(notes), message=message, seconds=time.perf_counter() - start,
    )  # fmt: skip


def _binding_label(resources: set[str]) -> str:
    return "+".join(r for r in ("land", "energy") if r in resources) or "none"


def _home_had_room(prep: _Prepared, state: _State, p: int, e: int) -> bool | None:
    if prep.kind[e] != "enclave":
        return None
    homes = np.flatnonzero((prep.county_of == prep.county_of[e]) & (np.array(prep.kind) == "platform"))
    return any(prep.cand[p, h] and not _blockers(prep, state, p, int(h)) for h in homes)


def _why_unassigned(prep: _Prepared, state: _State, p: int) -> UnassignedProject:
    name = prep.projects[p]
    eligible = np.flatnonzero(prep.reason[p] == "")
    if not len(eligible):
        counts: dict[str, list[str]] = {}
        for d in range(len(prep.dests)):
            for why in _cell_reasons(prep, p, d)[:1]:
                counts.setdefault(why, []).append(prep.dests[d])
        reachable = {k for k in counts if k != "not_paired"}
        if len(reachable) == 1 and (only := next(iter(reachable))) in (
            "environment",
            "intensity",
            "excluded",
        ):
            reason = only
        else:
            reason = "no_eligible_destination"
        detail = "; ".join(
            f"{k} at {len(v)} ({', '.join(v[:5])}{', …' if len(v) > 5 else ''})" for k, v in counts.items()
        )
        dests = tuple(prep.dests[d] for d in range(len(prep.dests)) if prep.reason[p, d] != "not_paired")
        return UnassignedProject(name, reason, detail or "no destinations", dests)
    blocked = {int(d): _blockers(prep, state, p, int(d)) for d in eligible}
    if all(blocked.values()):
        detail = "; ".join(
            f"{prep.dests[d]}: {', '.join(b)} ({_left(prep, state, d)} left; needs {prep.land[p]:g} mu, "
            f"{prep.energy[p]:g} tce)"
            for d, b in blocked.items()
        )
        return UnassignedProject(name, "capacity", detail, tuple(prep.dests[d] for d in blocked))
    fitting = [d for d, b in blocked.items() if not b]
    best = max(fitting, key=lambda d: prep.score[p, d])
    if prep.score[p, best] <= 0:
        return UnassignedProject(name, "non_positive_score", f"best score {prep.score[p, best]:g} at {prep.dests[best]}",
                                 tuple(prep.dests[d] for d in fitting))  # fmt: skip
    return UnassignedProject(
        name,
        "not_selected",
        f"fits {prep.dests[best]} (score {prep.score[p, best]:g}) but was not chosen",
        tuple(prep.dests[d] for d in fitting),
    )


def _left(prep: _Prepared, state: _State, d: int) -> str:
    return f"{max(prep.land_cap[d] - state.land[d], 0):g} mu, {max(prep.energy_cap[d] - state.energy[d], 0):g} tce"
