"""Validation: an :class:`AllocationProblem` reshaped once, at the edge, into arrays and index maps."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainlink.allocate.problem import _CELL_REASONS, _TOL, AllocationProblem, IntensityTarget
from chainlink.errors import DataError


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
