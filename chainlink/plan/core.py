"""The plan: an :class:`~chainlink.allocate.AllocationProblem` assembled from the registry and a scenario."""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from chainlink.errors import ChainlinkError, DataError, SourceError, UsageError
from chainlink.plan.inputs import (
    DEFAULT_MAX_POLLUTION,
    DEFAULT_TIME_LIMIT,
    ENCLAVE_DISCOUNT,
    LISHUI_CITY,
    POLLUTION_CLASS,
    SAMPLE_ENERGY_TCE,
    SAMPLE_LAND_MU,
    UNKNOWN_POLLUTION,
    Destination,
    Options,
    PlanProject,
    find_destinations,
    prepare_projects,
    read_projects,
    registry_projects,
)


@dataclass
class Plan:
    """Everything one allocation needs, assembled; :func:`run_plan` solves it."""

    model: Any
    resolver: Any
    projects: list[PlanProject]
    destinations: list[Destination]
    suggestions: dict[tuple[int, str], Any]
    paired: np.ndarray  # P × counties (bool), column order = counties
    score: np.ndarray  # P × D, NaN = no score
    reason: np.ndarray  # P × D, "" = eligible
    meets: list[list[bool | None]]
    problem: Any
    settings: dict[str, Any]
    options: Options
    scenario: Any
    projects_file: str | None
    notes: list[str]

    def destination(self, did: str) -> Destination:
        for d in self.destinations:
            if d.id == did:
                return d
        raise DataError(f"no destination {did!r}")

    @property
    def sample(self) -> bool:
        return any(p.sample for p in self.projects)

    @property
    def capacities_confidence(self) -> str:
        return "scenario" if all(d.capacity_source == "scenario" for d in self.destinations) else "sample"


def _resolve_destination(
    name: str, destinations: list[Destination], resolver: Any, *, counties_only: bool = False
) -> Destination:
    """A scenario name → a destination: an exact id, a county (its platform), or an enclave's partner."""
    by_id = {d.id: d for d in destinations}
    if name in by_id and not (counties_only and by_id[name].kind != "platform"):
        return by_id[name]
    try:
        county = resolver.resolve(name, ("county",))
    except DataError as county_error:
        if counties_only:
            raise
        try:
            partner = resolver.resolve(name, ("partner",))
        except DataError:
            raise county_error from None
        found = [d for d in destinations if d.kind == "enclave" and d.partner_id == partner.id]
        if len(found) == 1:
            return found[0]
        enclaves = ", ".join(d.id for d in destinations if d.kind == "enclave")
        if found:
            raise DataError(
                f"{name!r} is an enclave serving several counties; use one of {', '.join(d.id for d in found)}"
            ) from None
        raise DataError(
            f"{name!r} is {partner.label}, a partner zone, not a destination; enclaves: {enclaves}"
        ) from None
    return by_id[county.id]


def _bad_project(sc: Any, ref: Any, ids: list[str], where: str) -> SourceError:
    hint = difflib.get_close_matches(ref.name, ids, n=3)
    more = f"; did you mean {', '.join(hint)}" if hint else ""
    return sc.error(
        ref.line, f"{where}: unknown project {ref.name!r} (not among the {len(ids)} projects){more}"
    )


def _preset(options: Options, scenario: Any) -> tuple[dict[str, Any], str]:
    from chainlink.scoring.presets import load_preset

    if options.preset is not None:
        return load_preset(options.preset), options.preset
    if scenario is not None and scenario.preset is not None:
        try:
            return load_preset(scenario.preset), scenario.preset
        except ChainlinkError as exc:
            raise scenario.error(scenario.line_of("preset"), f"preset: {exc}") from None
    return load_preset("default"), "default"


def _pick(option: Any, scenario: Any, attr: str, default: Any) -> Any:
    if option is not None:
        return option
    if scenario is not None and getattr(scenario, attr) is not None:
        return getattr(scenario, attr)
    return default


def build_plan(
    registry: Any,
    options: Options | None = None,
    *,
    scenario: Any = None,
    projects_file: str | Path | None = None,
    preset: dict[str, Any] | None = None,
) -> Plan:
    """Assemble the allocation: projects, destinations, scores, rules (docs/allocation.md).

    ``options`` given on the command line win over the ``scenario`` (:class:`chainlink.sources.scenario.Scenario`),
    which wins over the defaults. ``preset`` (a loaded preset) overrides both, e.g. a run's own.
    """
    from chainlink.allocate import AllocationProblem
    from chainlink.scoring.model import Model
    from chainlink.scoring.projects import DestinationCache, score_destination
    from chainlink.store.resolve import Resolver

    options = options or Options()
    sc = scenario
    if preset is not None:
        preset_name = str(preset.get("name", "run"))
    else:
        preset, preset_name = _preset(options, sc)
    model = Model(registry, preset, include_sample=options.include_sample)
    resolver = Resolver.from_registry(registry)
    notes: list[str] = []
    if projects_file is not None:
        projects = read_projects(projects_file)
        prepare_projects(model, resolver, projects, strict=True)
    else:
        projects = registry_projects(registry, include_sample=options.include_sample)
        prepare_projects(model, resolver, projects, strict=False)
        if not projects:
            notes.append(
                "nothing to allocate: the registry holds no open projects"
                + (" besides the sample ones (--no-sample)" if not options.include_sample else "")
                + "; give --projects FILE"
            )
    for pr in projects:
        for problem in pr.problems:
            notes.append(f"project {pr.id}: {problem}")
    unknown_pollution = [pr.id for pr in projects if pr.pollution not in POLLUTION_CLASS]
    if unknown_pollution:
        notes.append(
            f"{len(unknown_pollution)} project(s) give no pollution class; treated as {UNKNOWN_POLLUTION} for the "
            f"environmental check: {', '.join(unknown_pollution[:5])}{', …' if len(unknown_pollution) > 5 else ''}"
        )

    any_pair = bool(_pick(options.any_pair, sc, "any_pair", False))
    enclave_rule = _pick(options.enclave_rule, sc, "enclave_rule", "overflow")
    if enclave_rule not in ("overflow", "free"):
        raise UsageError(f"--enclave-rule {enclave_rule!r}: use overflow or free")
    time_limit = _pick(options.time_limit, sc, "time_limit", DEFAULT_TIME_LIMIT)
    if time_limit < 0:
        raise UsageError(f"--time-limit {time_limit:g}: give seconds ≥ 0 (0: no limit)")
    intensity_mode = _pick(options.intensity_mode, sc, "intensity_mode", "flag")
    if intensity_mode not in ("off", "flag", "constraint"):
        raise UsageError(f"--intensity {intensity_mode!r}: use off, flag or constraint")
    intensity_target = _pick(options.intensity_target, sc, "intensity_target", "auto")

    destinations = find_destinations(model)
    if sc is not None:
        for ref, quota in sc.capacities:
            try:
                d = _resolve_destination(ref.name, destinations, resolver)
            except DataError as exc:
                raise sc.error(ref.line, f"capacities: {exc}") from None
            if "land_mu" in quota:
                d.land_cap, d.land_source = quota["land_mu"], "scenario"
            if "energy_tce" in quota:
                d.energy_cap, d.energy_source = quota["energy_tce"], "scenario"
        for ref, level in sc.restrictions:
            try:
                d = _resolve_destination(ref.name, destinations, resolver)
            except DataError as exc:
                raise sc.error(ref.line, f"restrictions: {exc}") from None
            d.max_pollution, d.restriction_source = level, "scenario"
    _intensity_targets(destinations, model, intensity_mode, intensity_target)

    counties = sorted(model.counties)
    col = {c: i for i, c in enumerate(counties)}
    P, D = len(projects), len(destinations)
    cache = DestinationCache(model)
    suggestions: dict[tuple[int, str], Any] = {}
    paired = np.zeros((P, len(counties)), dtype=bool)
    for i, pr in enumerate(projects):
        for code in counties:
            if pr.family:
                paired[i, col[code]] = any(p["partner_id"] in pr.family for p in model.pairings_of(code))
            if pr.segs:
                found = score_destination(model, pr.scoring_dict(), code, segs=pr.segs, origin=pr.origin_id,
                                          family=pr.family, cache=cache)  # fmt: skip
                if found is not None:
                    suggestions[i, code] = found
    score = np.full((P, D), np.nan)
    for j, d in enumerate(destinations):
        for i in range(P):
            s = suggestions.get((i, d.county_code))
            if s is not None:
                score[i, j] = round(s.score - (ENCLAVE_DISCOUNT if d.kind == "enclave" else 0.0), 6)

    land = np.array([pr.land_mu or 0.0 for pr in projects])
    energy = np.array([pr.energy_tce or 0.0 for pr in projects])
    pclass = np.array(
        [POLLUTION_CLASS.get(pr.pollution, POLLUTION_CLASS[UNKNOWN_POLLUTION]) for pr in projects]
    )
    max_class = np.array([POLLUTION_CLASS[d.max_pollution] for d in destinations])
    meets = [[_meets(pr, d) for d in destinations] for pr in projects]

    excluded: set[tuple[str, str]] = set()
    forced: dict[str, str] = {}
    ids = [pr.id for pr in projects]
    index = {pid: i for i, pid in enumerate(ids)}
    exclusions_record, forced_record = [], {}
    if sc is not None:
        for item in sc.exclude:
            if item.project is not None and item.project.name not in index:
                raise _bad_project(sc, item.project, ids, "exclude")
            dests = destinations
            if item.destination is not None:
                try:
                    dests = [_resolve_destination(item.destination.name, destinations, resolver)]
                except DataError as exc:
                    raise sc.error(item.destination.line, f"exclude: {exc}") from None
            pids = [item.project.name] if item.project is not None else ids
            excluded |= {(p, d.id) for p in pids for d in dests}
            exclusions_record.append(
                {"project": item.project.name if item.project else None,
                 "destination": dests[0].id if item.destination is not None else None}
            )  # fmt: skip
        for pref, dref in sc.forced:
            if pref.name not in index:
                raise _bad_project(sc, pref, ids, "forced")
            try:
                d = _resolve_destination(dref.name, destinations, resolver)
            except DataError as exc:
                raise sc.error(dref.line, f"forced: {pref.name}: {exc}") from None
            forced[pref.name] = d.id
            forced_record[pref.name] = d.id

    # Cell reasons, in this order: not_paired, intensity (constraint mode), excluded, environment, no_score.
    reason = np.full((P, D), "", dtype=object)
    caller = np.full((P, D), "", dtype=object)
    dindex = {d.id: j for j, d in enumerate(destinations)}
    ex = np.zeros((P, D), dtype=bool)
    for p, did in excluded:
        ex[index[p], dindex[did]] = True
    for i in range(P):
        for j, d in enumerate(destinations):
            why = ""
            if not any_pair and not paired[i, col[d.county_code]]:
                why = "not_paired"
            elif intensity_mode == "constraint" and meets[i][j] is False:
                why = "intensity"
            caller[i, j] = why
            if not why:
                if ex[i, j]:
                    why = "excluded"
                elif pclass[i] > max_class[j]:
                    why = "environment"
                elif math.isnan(score[i, j]):
                    why = "no_score"
            reason[i, j] = why

    min_projects = _fairness(options.min_projects, sc, "min_projects", destinations, resolver, 0)
    min_land_share = _fairness(options.min_land_share, sc, "min_land_share", destinations, resolver, 0.0)
    problem = AllocationProblem(
        project_ids=ids, destination_ids=[d.id for d in destinations],
        destination_county=[d.county_code for d in destinations], score=score, land_mu=land, energy=energy,
        pollution_class=pclass, land_cap=[d.land_cap for d in destinations],
        energy_cap=[d.energy_cap for d in destinations], max_pollution_class=max_class,
        destination_kind=[d.kind for d in destinations], ineligible_reason=caller, any_pair=False,
        forced=forced, excluded=frozenset(excluded), min_projects=min_projects, min_land_share=min_land_share,
        enclave_rule=enclave_rule,
    )  # fmt: skip
    settings = {
        "preset": preset_name,
        "preset_values": preset,
        "any_pair": any_pair,
        "include_sample": options.include_sample,
        "enclave_rule": enclave_rule,
        "enclave_discount": ENCLAVE_DISCOUNT,
        "time_limit": time_limit,
        "mip_rel_gap": 0.0,
        "fairness": {"min_projects": min_projects, "min_land_share": min_land_share},
        "intensity": {"mode": intensity_mode, "target": intensity_target},
        "exclusions": exclusions_record,
        "forced": forced_record,
        "default_max_pollution": DEFAULT_MAX_POLLUTION,
        "unknown_pollution_as": UNKNOWN_POLLUTION,
        "sample_capacities": {"land_mu": SAMPLE_LAND_MU, "energy_tce": SAMPLE_ENERGY_TCE},
    }
    return Plan(
        model=model, resolver=resolver, projects=projects, destinations=destinations, suggestions=suggestions,
        paired=paired, score=score, reason=reason, meets=meets, problem=problem, settings=settings,
        options=options, scenario=sc, projects_file=str(projects_file) if projects_file else None, notes=notes,
    )  # fmt: skip


def _fairness(
    option: Any, sc: Any, attr: str, destinations: list[Destination], resolver: Any, zero: Any
) -> Any:
    if option is not None:
        return option
    value = getattr(sc, attr) if sc is not None else None
    if value is None:
        return zero
    if not isinstance(value, list):
        return value
    out = {}
    for ref, amount in value:
        try:
            d = _resolve_destination(ref.name, destinations, resolver, counties_only=True)
        except DataError as exc:
            raise sc.error(ref.line, f"fairness: {attr}: {exc}") from None
        out[d.county_code] = amount
    return dict(sorted(out.items()))


def _intensity_targets(destinations: list[Destination], model: Any, mode: str, target: Any) -> None:
    from chainlink.allocate import TARGET_26_COUNTIES_2025, TARGET_LISHUI_2026

    if mode == "off":
        return
    named = {"26-counties-2025": TARGET_26_COUNTIES_2025, "lishui-2026": TARGET_LISHUI_2026}
    for d in destinations:
        if isinstance(target, dict):
            chosen = dict(target)
        else:
            if target == "auto":
                lishui = model.counties[d.county_code]["city"] == LISHUI_CITY
                t = TARGET_LISHUI_2026 if lishui else TARGET_26_COUNTIES_2025
            elif target in named:
                t = named[target]
            else:
                raise UsageError(f"--intensity-target {target!r}: use auto, 26-counties-2025 or lishui-2026")
            chosen = {"added_value_per_mu": t.added_value_per_mu, "tax_per_mu": t.tax_per_mu}
        d.intensity_target = {k: v for k, v in chosen.items() if v is not None}


def _meets(pr: PlanProject, d: Destination) -> bool | None:
    """Whether the project reaches the destination's per-mu targets; None: no target, or figures missing."""
    if not d.intensity_target:
        return None
    ok = True
    for key, amount in (("added_value_per_mu", pr.added_value), ("tax_per_mu", pr.tax)):
        goal = d.intensity_target.get(key)
        if goal is None:
            continue
        if amount is None or pr.land_mu is None:
            return None
        per_mu = amount / pr.land_mu if pr.land_mu > 0 else math.inf
        ok = ok and per_mu >= goal * (1 - 1e-9)
    return ok
