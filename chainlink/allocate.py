"""Assignment of overflow projects to mountain-county destinations under capacities, solved as a MILP.

The model is written out in ``docs/allocation.md``. In short: one binary variable per eligible
(project, destination) cell, maximise the total match score, each project at most once, land and
energy caps per destination, enclaves (飞地) of partner zones as alternative landing places for a
county (optionally only once its own platform lacks land), and optional fairness floors per county. SciPy's HiGHS
(:func:`scipy.optimize.milp`) solves it; :func:`greedy` is the baseline the benchmark compares with.
"""

from __future__ import annotations

import math
import os
import sys
import time
import warnings
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import connected_components

from chainlink.errors import DataError, UsageError

__all__ = [
    "TARGET_26_COUNTIES_2025",
    "TARGET_LISHUI_2026",
    "AllocationProblem",
    "AllocationResult",
    "CountyUse",
    "DestinationUse",
    "FairnessWarning",
    "IntensityTarget",
    "Placement",
    "UnassignedProject",
    "greedy",
    "solve",
]

#: An enclave opens for a project when the home platform's free land is at least this much (mu) short of it.
ENCLAVE_DELTA_MU = 1e-3
_TOL = 1e-9
_PRESOLVE_MAX_COLUMNS = 20_000
_BIND_RTOL = 1e-6
_STATUS_ORDER = ("error", "time_limit_no_solution", "time_limit_feasible")
_CELL_REASONS = ("excluded", "environment", "intensity", "no_score")


class FairnessWarning(UserWarning):
    """A county's fairness floor cannot be reached even with every project to itself; it was lowered."""


@dataclass(frozen=True)
class IntensityTarget:
    """Per-mu policy targets, in 10,000 yuan (万元) per mu; ``None`` means no target."""

    added_value_per_mu: float | None = None
    tax_per_mu: float | None = None


#: 26 mountain counties' development zones, 2025: 1.3 million yuan industrial added value per mu.
TARGET_26_COUNTIES_2025 = IntensityTarget(added_value_per_mu=130.0)
#: Lishui 2026 plan: 1.5 million yuan added value and 300,000 yuan tax per mu.
TARGET_LISHUI_2026 = IntensityTarget(added_value_per_mu=150.0, tax_per_mu=30.0)


@dataclass(frozen=True, eq=False)
class AllocationProblem:
    """Arrays describing one allocation: P projects (rows) by D destinations (columns).

    A destination is a county platform (``"platform"``) or an enclave of a partner zone
    (``"enclave"``); ``destination_county`` names the county each one benefits. ``score`` holds the
    match score (NaN or -inf where there is none). ``eligible``/``ineligible_reason`` carry the
    caller's cell rules (e.g. ``"not_paired"``); the environment, exclusion and intensity rules are
    applied here. Land in mu (亩), energy in tonnes of coal equivalent, money in 10,000 yuan.
    Capacities may be ``inf``. Fairness floors are per county: ``min_projects`` (k) and
    ``min_land_share`` (x, a fraction of the land quota of the county's platforms), each a single
    value for every county or a mapping county → value.
    """

    project_ids: Sequence[str]
    destination_ids: Sequence[str]
    destination_county: Sequence[str]
    score: Any
    land_mu: Any
    energy: Any
    pollution_class: Any
    land_cap: Any
    energy_cap: Any
    max_pollution_class: Any
    destination_kind: Sequence[str] | None = None
    eligible: Any = None
    ineligible_reason: Any = None
    any_pair: bool = False
    forced: Mapping[str, str] = field(default_factory=dict)
    excluded: Collection[tuple[str, str]] = frozenset()
    added_value: Any = None
    tax: Any = None
    intensity_mode: Literal["off", "flag", "constraint"] = "off"
    intensity_target: IntensityTarget | Sequence[IntensityTarget | None] | None = None
    min_projects: int | Mapping[str, int] = 0
    min_land_share: float | Mapping[str, float] = 0.0
    enclave_rule: Literal["free", "overflow"] = "free"


@dataclass(frozen=True)
class Placement:
    """One assigned project.

    ``meets_intensity`` is None when no intensity target applies. ``home_had_room`` (enclave
    placements only, else None) says whether one of the county's own platforms, eligible for the
    project, still had the land and energy for it in this allocation.
    """

    project: str
    destination: str
    county: str
    score: float
    via_enclave: bool
    meets_intensity: bool | None
    home_had_room: bool | None = None


@dataclass(frozen=True)
class DestinationUse:
    """Use of one destination; ``binding`` is ``"land"``, ``"energy"``, ``"land+energy"`` or ``"none"``."""

    destination: str
    county: str
    kind: str
    projects: int
    land_used: float
    land_cap: float
    energy_used: float
    energy_cap: float
    binding: str


@dataclass(frozen=True)
class CountyUse:
    """Totals for one county over its platforms and enclaves, with its fairness floor (0 = none)."""

    county: str
    projects: int
    land_used: float
    energy_used: float
    land_quota: float
    min_projects: int
    min_land: float
    floor_met: bool | None
    binding: str


@dataclass(frozen=True)
class UnassignedProject:
    """A project left out, why, and the destinations concerned.

    ``reason`` is one of ``no_eligible_destination``, ``environment``, ``intensity``, ``excluded``,
    ``capacity``, ``non_positive_score`` or ``not_selected``.
    """

    project: str
    reason: str
    detail: str
    destinations: tuple[str, ...]


@dataclass(frozen=True)
class AllocationResult:
    """What :func:`solve` or :func:`greedy` found; ``bound`` and ``gap`` are None for the greedy."""

    method: str
    status: str
    objective: float
    bound: float | None
    gap: float | None
    assignment: dict[str, str]
    placements: tuple[Placement, ...]
    destinations: tuple[DestinationUse, ...]
    counties: tuple[CountyUse, ...]
    unassigned: tuple[UnassignedProject, ...]
    warnings: tuple[str, ...]
    message: str
    seconds: float = field(compare=False)


# ---------------------------------------------------------------------------------------------------
# Validation: reshape once at the edge into arrays and index maps.


@dataclass
class _Prepared:
    problem: AllocationProblem
    projects: list[str]
    dests: list[str]
    county: list[str]
    kind: list[str]
    counties: list[str]
    county_of: np.ndarray
    score: np.ndarray
    land: np.ndarray
    energy: np.ndarray
    land_cap: np.ndarray
    energy_cap: np.ndarray
    caller_reason: np.ndarray
    masks: dict[str, np.ndarray]
    reason: np.ndarray
    cand: np.ndarray
    var: np.ndarray
    homes: dict[int, list[int]]
    forced: dict[int, int]
    meets: np.ndarray | None
    min_projects: np.ndarray
    min_land: np.ndarray
    land_quota: np.ndarray


def _unique(ids: Sequence[Any], what: str) -> list[str]:
    out = [str(i) for i in ids]
    seen: set[str] = set()
    for i in out:
        if i in seen:
            raise DataError(f"{what} {i!r} appears twice")
        seen.add(i)
    return out


def _vector(values: Any, n: int, name: str, *, allow_inf: bool = False, signed: bool = False) -> np.ndarray:
    arr = np.asarray(values, dtype=float).reshape(-1) if n else np.zeros(0)
    if arr.shape != (n,):
        raise DataError(f"{name} has {arr.size} values; expected {n}")
    if np.isnan(arr).any() or (not allow_inf and np.isinf(arr).any()):
        raise DataError(f"{name} must hold {'numbers' if allow_inf else 'finite numbers'} (found NaN or inf)")
    if not signed and (arr < 0).any():
        raise DataError(f"{name} must not be negative (position {int(np.argmax(arr < 0))})")
    return arr


def _matrix(values: Any, shape: tuple[int, int], name: str, dtype: Any) -> np.ndarray:
    arr = np.asarray(values, dtype=dtype)
    if arr.size == 0 and shape[0] * shape[1] == 0:
        return np.zeros(shape, dtype=dtype)
    if arr.shape != shape:
        raise DataError(f"{name} has shape {arr.shape}; expected {shape} (projects × destinations)")
    return arr


def _per_county(value: Any, counties: list[str], name: str, cast: type) -> np.ndarray:
    if isinstance(value, Mapping):
        unknown = sorted(set(map(str, value)) - set(counties))
        if unknown:
            raise DataError(f"{name} names unknown counties: {', '.join(unknown)}")
        arr = np.array([cast(value.get(c, 0)) for c in counties], dtype=float)
    else:
        arr = np.full(len(counties), cast(value), dtype=float)
    if (arr < 0).any() or np.isnan(arr).any():
        raise DataError(f"{name} must not be negative")
    return arr


def _intensity(problem: AllocationProblem, P: int, D: int, land: np.ndarray) -> np.ndarray | None:
    """Per cell: 1 meets the destination's target, 0 misses it, -1 no target there (None if mode off)."""
    if problem.intensity_mode == "off":
        return None
    if problem.intensity_mode not in ("flag", "constraint"):
        raise DataError(f"intensity_mode must be off, flag or constraint, not {problem.intensity_mode!r}")
    target = problem.intensity_target
    if target is None:
        raise DataError(f"intensity_mode {problem.intensity_mode!r} needs an intensity_target")
    targets = [target] * D if isinstance(target, IntensityTarget) else list(target)
    if len(targets) != D:
        raise DataError(f"intensity_target has {len(targets)} entries; expected one per destination ({D})")
    meets = np.ones((P, D), dtype=bool)
    has = np.zeros(D, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for attr, name in (("added_value_per_mu", "added_value"), ("tax_per_mu", "tax")):
            goal = np.array(
                [np.nan if t is None or getattr(t, attr) is None else getattr(t, attr) for t in targets]
            )
            if np.isnan(goal).all():
                continue
            if getattr(problem, name) is None:
                raise DataError(f"an intensity target on {attr} needs the projects' {name}")
            amount = _vector(getattr(problem, name), P, name)
            per_mu = np.where(land > 0, amount / np.where(land > 0, land, 1.0), np.inf)
            cell_ok = per_mu[:, None] >= goal[None, :] * (1 - _TOL)
            meets &= cell_ok | np.isnan(goal)[None, :]
            has |= ~np.isnan(goal)
    return np.where(has[None, :], meets.astype(np.int8), np.int8(-1))


def _prepare(problem: AllocationProblem) -> _Prepared:
    projects = _unique(problem.project_ids, "project id")
    dests = _unique(problem.destination_ids, "destination id")
    P, D = len(projects), len(dests)
    county = [str(c) for c in problem.destination_county]
    if len(county) != D:
        raise DataError(f"destination_county has {len(county)} entries; expected {D}")
    kind = (
        [str(k) for k in problem.destination_kind]
        if problem.destination_kind is not None
        else ["platform"] * D
    )
    if len(kind) != D or set(kind) - {"platform", "enclave"}:
        raise DataError("destination_kind must give 'platform' or 'enclave' for every destination")
    if problem.enclave_rule not in ("overflow", "free"):
        raise DataError(f"enclave_rule must be overflow or free, not {problem.enclave_rule!r}")
    counties = list(dict.fromkeys(county))
    county_of = np.array([counties.index(c) for c in county], dtype=int)
    score = _matrix(problem.score, (P, D), "score", float)
    if np.isposinf(score).any():
        raise DataError("score must not be +inf")
    land = _vector(problem.land_mu, P, "land_mu")
    energy = _vector(problem.energy, P, "energy")
    pclass = _vector(problem.pollution_class, P, "pollution_class", signed=True)
    land_cap = _vector(problem.land_cap, D, "land_cap", allow_inf=True)
    energy_cap = _vector(problem.energy_cap, D, "energy_cap", allow_inf=True)
    max_class = _vector(problem.max_pollution_class, D, "max_pollution_class", allow_inf=True, signed=True)

    caller = np.full((P, D), "", dtype=object)
    if problem.eligible is not None or problem.ineligible_reason is not None:
        given = np.full((P, D), "ineligible", dtype=object)
        if problem.ineligible_reason is not None:
            raw = _matrix(problem.ineligible_reason, (P, D), "ineligible_reason", object)
            given = np.where((raw == "") | np.equal(raw, None), given, raw.astype(str))
        if problem.eligible is not None:
            bad = ~_matrix(problem.eligible, (P, D), "eligible", bool)
        else:
            bad = given != "ineligible"
        if problem.any_pair:
            bad &= given != "not_paired"
        caller[bad] = given[bad]
    pindex = {p: i for i, p in enumerate(projects)}
    dindex = {d: j for j, d in enumerate(dests)}
    excluded = np.zeros((P, D), dtype=bool)
    for pair in problem.excluded:
        p, d = (str(x) for x in pair)
        if p not in pindex or d not in dindex:
            raise DataError(f"excluded pair ({p}, {d}) names an unknown project or destination")
        excluded[pindex[p], dindex[d]] = True
    meets = _intensity(problem, P, D, land)
    masks = {
        "excluded": excluded,
        "environment": pclass[:, None] > max_class[None, :],
        "intensity": (meets == 0) if (meets is not None and problem.intensity_mode == "constraint") else None,
        "no_score": ~np.isfinite(score),
    }
    masks = {k: v for k, v in masks.items() if v is not None}
    reason = caller.copy()
    for name in _CELL_REASONS:
        if name in masks:
            reason[(reason == "") & masks[name]] = name

    fits = (land[:, None] <= land_cap[None, :] * (1 + _TOL) + _TOL) & (
        energy[:, None] <= energy_cap[None, :] * (1 + _TOL) + _TOL
    )
    cand = (reason == "") & fits
    homes: dict[int, list[int]] = {}
    if problem.enclave_rule == "overflow":
        for e in range(D):
            if kind[e] == "enclave":
                homes[e] = [h for h in range(D) if kind[h] == "platform" and county[h] == county[e]]
                for h in homes[e]:
                    if np.isinf(land_cap[h]):
                        cand[:, e] &= ~cand[:, h]  # a home with unlimited land never lacks it
    forced: dict[int, int] = {}
    for p, d in sorted(problem.forced.items(), key=lambda kv: str(kv[0])):
        if str(p) not in pindex or str(d) not in dindex:
            raise DataError(f"forced assignment {p} → {d} names an unknown project or destination")
        forced[pindex[str(p)]] = dindex[str(d)]
    forced = dict(sorted(forced.items()))
    var = cand.copy()
    for p, d in forced.items():
        var[p, :] = False
        var[p, d] = cand[p, d]

    land_quota = np.zeros(len(counties))
    for j in range(D):
        if kind[j] == "platform":
            land_quota[county_of[j]] += land_cap[j]
    min_projects = _per_county(problem.min_projects, counties, "min_projects", int)
    share = _per_county(problem.min_land_share, counties, "min_land_share", float)
    if (share > 1).any():
        raise DataError("min_land_share is a fraction of the land quota and must be at most 1")
    bad_quota = [counties[c] for c in np.flatnonzero((share > 0) & ~np.isfinite(land_quota))]
    bad_quota += [counties[c] for c in np.flatnonzero((share > 0) & (land_quota == 0))]
    if bad_quota:
        raise DataError(
            f"min_land_share needs a finite, positive land quota; counties: {', '.join(bad_quota)}"
        )
    min_land = np.where(share > 0, share * np.where(np.isfinite(land_quota), land_quota, 0.0), 0.0)
    return _Prepared(
        problem, projects, dests, county, kind, counties, county_of, score, land, energy, land_cap,
        energy_cap, caller, masks, reason, cand, var, homes, forced, meets, min_projects, min_land,
        land_quota,
    )  # fmt: skip


def _cell_reasons(prep: _Prepared, p: int, d: int) -> list[str]:
    out = [str(prep.caller_reason[p, d])] if prep.caller_reason[p, d] else []
    return out + [name for name in _CELL_REASONS if name in prep.masks and prep.masks[name][p, d]]


def _check_forced(prep: _Prepared) -> None:
    """Raise one DataError listing every forced assignment that cannot hold whatever the rest does."""
    conflicts: list[str] = []
    for p, d in prep.forced.items():
        label = f"forced assignment {prep.projects[p]} → {prep.dests[d]}"
        why = _cell_reasons(prep, p, d)
        if why:
            conflicts.append(f"{label} conflicts with {', '.join(why)}")
        elif not prep.cand[p, d] and prep.kind[d] == "enclave" and prep.homes.get(d):
            conflicts.append(f"{label} conflicts with the enclave rule (a home platform has unlimited land)")
    for d in range(len(prep.dests)):
        on_d = [p for p, fd in prep.forced.items() if fd == d]
        for amount, cap, what, unit in (
            (prep.land, prep.land_cap, "land", "mu"),
            (prep.energy, prep.energy_cap, "energy", "tce"),
        ):
            need = math.fsum(amount[on_d])
            if on_d and need > cap[d] * (1 + _TOL) + _TOL:
                names = ", ".join(prep.projects[p] for p in on_d)
                conflicts.append(
                    f"forced assignments to {prep.dests[d]} ({names}) need {need:g} {unit} but its "
                    f"{what} cap is {cap[d]:g} {unit}"
                )
    if conflicts:
        raise DataError("contradictory allocation scenario: " + "; ".join(conflicts))


# ---------------------------------------------------------------------------------------------------
# The MILP: built sparse, only over eligible cells.


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


# ---------------------------------------------------------------------------------------------------
# Fairness floors: relax what a county cannot reach alone, diagnose what counties cannot reach together.


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


# ---------------------------------------------------------------------------------------------------
# Greedy baseline and the shared fit test.


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


# ---------------------------------------------------------------------------------------------------
# Public entry point and the result.


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
