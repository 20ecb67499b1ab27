"""The allocation problem and its result: the public data types."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from chainlink.errors import ChainlinkWarning

#: An enclave opens for a project when the home platform's free land is at least this much (mu) short of it.
ENCLAVE_DELTA_MU = 1e-3
_TOL = 1e-9
_PRESOLVE_MAX_COLUMNS = 20_000
_BIND_RTOL = 1e-6
_STATUS_ORDER = ("error", "time_limit_no_solution", "time_limit_feasible")
_CELL_REASONS = ("excluded", "environment", "intensity", "no_score")


class FairnessWarning(ChainlinkWarning):
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
