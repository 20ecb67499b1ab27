"""The public entry point :func:`solve`: the MILP per independent part, fairness floors, the result."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from chainlink.allocate.baseline import _floors_met, _greedy_where
from chainlink.allocate.floors import _diagnose, _effective_floors
from chainlink.allocate.milp import _build, _chosen, _run
from chainlink.allocate.prepare import _check_forced, _prepare, _Prepared
from chainlink.allocate.problem import _STATUS_ORDER, AllocationProblem, AllocationResult
from chainlink.allocate.result import _result
from chainlink.errors import UsageError


def solve(
    problem: AllocationProblem, time_limit: float | None = None, mip_rel_gap: float = 0.0
) -> AllocationResult:
    """Assign each project to at most one destination, maximising the total score (HiGHS MILP).

    Parameters
    ----------
    problem : AllocationProblem
    time_limit : float, optional
        Seconds for the whole call; at the limit the best assignment found is returned with its gap.
    mip_rel_gap : float
        Relative gap at which HiGHS may stop (0 = prove optimality).

    Returns
    -------
    AllocationResult
        ``status`` is ``optimal``, ``time_limit_feasible``, ``time_limit_no_solution`` or ``error``.

    Raises
    ------
    DataError
        Inconsistent arrays, or a scenario without any feasible allocation (forced assignments over a
        capacity or against a rule, fairness floors that cannot hold together); the message names the
        constraints in conflict.
    UsageError
        A negative time limit or gap.

    Examples
    --------
    >>> import numpy as np
    >>> problem = AllocationProblem(
    ...     project_ids=["film", "leather"], destination_ids=["jiangshan"], destination_county=["jiangshan"],
    ...     score=np.array([[0.9], [0.6]]), land_mu=[80, 50], energy=[10, 10], pollution_class=[1, 2],
    ...     land_cap=[100], energy_cap=[100], max_pollution_class=[2])
    >>> result = solve(problem)
    >>> result.status, result.assignment, result.unassigned[0].reason
    ('optimal', {'film': 'jiangshan'}, 'capacity')
    """
    if time_limit is not None and not time_limit > 0:
        raise UsageError(f"time_limit must be positive seconds, not {time_limit}")
    if not mip_rel_gap >= 0:
        raise UsageError(f"mip_rel_gap must be zero or positive, not {mip_rel_gap}")
    start = time.perf_counter()

    def remaining() -> float | None:
        return None if time_limit is None else time_limit - (time.perf_counter() - start)

    prep = _prepare(problem)
    _check_forced(prep)
    floor_k, floor_land, notes = _effective_floors(prep, remaining)

    parts = _components(prep)  # smallest first: time an easy part leaves over goes to the harder ones
    sizes = [int(prep.var[projects].sum()) for projects, _ in parts]
    done: list[_Part | None] = [None] * len(parts)
    greedy_where: list[np.ndarray] = []
    # Under a time limit each part gets a share of the time left, by size (smallest first, so what the
    # quick parts leave flows to the larger ones). A second pass gives parts not yet proved what is
    # left, if more than their first share (HiGHS cannot resume: solved afresh, the better kept).
    given = [0.0] * len(parts)
    for attempt in range(2):
        todo = [i for i, part in enumerate(done) if part is None or part.status != "optimal"]
        if attempt and (not todo or time_limit is None):
            break
        for n, i in enumerate(todo):
            left = remaining()
            share = None if left is None else left * sizes[i] / sum(sizes[j] for j in todo[n:])
            if attempt and share < 1.5 * given[i]:
                continue  # a fresh solve repeats the first one's path: only worth it with more time
            given[i] = share or 0.0
            part = _solve_part(prep, parts[i], floor_k, floor_land, share, mip_rel_gap, greedy_where)
            if part.status == "infeasible":
                raise _diagnose(prep, _part_var(prep, parts[i]), floor_k, floor_land, time_limit)
            done[i] = part if done[i] is None else done[i].merge(part)
    where = np.full(len(prep.projects), -1, dtype=int)
    for part in done:
        where[part.where >= 0] = part.where[part.where >= 0]
    statuses = [part.status for part in done]
    status = next((s for s in _STATUS_ORDER if s in statuses), "optimal")
    bound = math.fsum(part.bound for part in done)
    message = f"HiGHS on {len(parts)} independent part(s): " + "; ".join(sorted({p.message for p in done}))
    return _result(prep, "milp", status, where, bound, message, start, floor_k, floor_land, notes)


@dataclass
class _Part:
    status: str
    where: np.ndarray
    value: float
    bound: float
    message: str

    def merge(self, other: _Part) -> _Part:
        """Two solves of one part: the better allocation, the tighter bound."""
        best = other if other.value > self.value or self.where.max(initial=-1) < 0 else self
        bound = min(self.bound, other.bound)
        status = "optimal" if other.status == "optimal" else best.status
        return _Part(status, best.where, best.value, max(bound, best.value), best.message)


def _part_var(prep: _Prepared, part: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    return prep.var & part[0][:, None] & np.isin(prep.county_of, part[1])[None, :]


def _solve_part(
    prep: _Prepared, part: tuple[np.ndarray, np.ndarray], floor_k: np.ndarray, floor_land: np.ndarray,
    time_limit: float | None, mip_rel_gap: float, greedy_where: list[np.ndarray],
) -> _Part:  # fmt: skip
    """Solve one independent part; at a time limit, keep the greedy allocation if it is better."""
    counties = part[1]
    var = _part_var(prep, part)
    keep = np.isin(np.arange(len(prep.counties)), counties)
    model = _build(prep, var, prep.score, floor_k * keep, floor_land * keep)
    run = _run(model, time_limit, mip_rel_gap)
    chosen = _chosen(model, run.x, len(prep.projects))
    value = math.fsum(prep.score[p, chosen[p]] for p in np.flatnonzero(chosen >= 0))
    if run.status.startswith("time_limit"):  # never return less than the greedy baseline
        if not greedy_where:
            greedy_where.append(_greedy_where(prep, floor_k, floor_land))
        mine = np.where(part[0], greedy_where[0], -1)
        other = math.fsum(prep.score[p, mine[p]] for p in np.flatnonzero(mine >= 0))
        if run.x is None or other > value:
            met = _floors_met(prep, mine, counties, floor_k, floor_land)
            if met or run.x is None:  # without any solution, the greedy one at least shows something
                chosen, value = mine, other
                run.status = "time_limit_feasible" if met else "time_limit_no_solution"
                run.message += " (greedy allocation kept)" if met else " (greedy allocation misses a floor)"
    bound = value if run.status == "optimal" and run.bound is None else _cap_bound(prep, var, run.bound)
    return _Part(run.status, chosen, value, max(bound, value), run.message)


def _cap_bound(prep: _Prepared, var: np.ndarray, bound: float | None) -> float:
    """HiGHS's bound, or if lower the trivial one: every project on its best cell (0 if none is positive)."""
    best = np.where(var, prep.score, -np.inf).max(axis=1, initial=-np.inf)
    trivial = np.maximum(best[var.any(axis=1)], 0.0)
    for p, d in prep.forced.items():
        if var[p, d]:
            trivial = np.append(trivial, prep.score[p, d] - max(prep.score[p, d], 0.0))
    value = math.fsum(trivial)
    return value if bound is None else min(bound, value)


def _components(prep: _Prepared) -> list[tuple[np.ndarray, np.ndarray]]:
    """Split into independent parts: projects and counties joined by eligible cells.

    A county's destinations stay together (its floor and enclave rule tie them), so a part is a
    set of projects with the counties they may go to. Parts are solved one by one: a MILP's search
    tree does not exploit independence, and small trees close their gap far sooner.
    """
    P, C = len(prep.projects), len(prep.counties)
    vp, vd = np.nonzero(prep.var)
    graph = sparse.coo_array((np.ones(len(vp)), (vp, P + prep.county_of[vd])), shape=(P + C, P + C))
    _, label = connected_components(graph, directed=False)
    labels = list(dict.fromkeys(label[vp]))  # in order of the first project with a cell: deterministic
    cells = np.bincount(label[vp], minlength=label.max() + 1 if len(label) else 0)
    labels.sort(key=lambda lab: cells[lab])  # stable: ties keep the order above
    return [(label[:P] == lab, np.flatnonzero(label[P:] == lab)) for lab in labels]
