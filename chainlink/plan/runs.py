"""Running a plan: the self-describing run record, dumped and loaded as JSON."""

from __future__ import annotations

import hashlib
import json
import math
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from chainlink.errors import DataError
from chainlink.plan.core import Plan
from chainlink.plan.inputs import RUN_FORMAT


def _relabel(message: str, plan: Plan) -> str:
    """Put names next to destination ids and county codes in a solver message."""
    names = {d.id: d.name_zh for d in plan.destinations}
    names.update({c: row["name_zh"] for c, row in plan.model.counties.items()})
    pattern = re.compile(
        r"(?<![\w@-])("
        + "|".join(re.escape(k) for k in sorted(names, key=len, reverse=True))
        + r")(?![\w@-])"
    )
    return pattern.sub(lambda m: f"{m.group(1)} {names[m.group(1)]}", message)


def _scenario_hint(message: str, plan: Plan) -> str:
    sc = plan.scenario
    if sc is None:
        return ""
    hints = [
        f"{key} at {sc.path}:{sc.line_of(key)}"
        for key, words in (("forced", ("forced",)), ("fairness", ("fairness",)), ("exclude", ("excluded",)))
        if sc.line_of(key) and any(w in message for w in words)
    ]
    return f" (scenario: {'; '.join(hints)})" if hints else ""


def _float(value: float | None, digits: int = 6) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def run_plan(plan: Plan) -> tuple[dict[str, Any], Any]:
    """Solve the plan; return the run record (JSON-ready, deterministic) and the AllocationResult.

    Raises :class:`DataError` (one line naming the constraints in conflict) for an infeasible scenario.
    """
    from chainlink import __version__
    from chainlink.allocate import FairnessWarning, solve

    limit = plan.settings["time_limit"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FairnessWarning)
            result = solve(plan.problem, time_limit=limit or None)
    except DataError as exc:
        message = _relabel(str(exc), plan)
        raise DataError(message + _scenario_hint(message, plan)) from None
    meta = plan.model.registry.meta()
    sc = plan.scenario
    pindex = {pr.id: i for i, pr in enumerate(plan.projects)}
    dindex = {d.id: j for j, d in enumerate(plan.destinations)}
    assignments = []
    for pl in result.placements:
        i, j = pindex[pl.project], dindex[pl.destination]
        pr, d = plan.projects[i], plan.destinations[j]
        s = plan.suggestions[i, d.county_code]
        assignments.append(
            {
                "project": pr.id, "project_name": pr.name_zh, "sample": pr.sample, "origin_id": pr.origin_id,
                "destination": d.id, "destination_kind": d.kind, "county_code": d.county_code,
                "county_zh": d.county_zh, "score": _float(pl.score), "county_score": _float(s.score),
                "components": {k: _float(v) for k, v in s.components.items()}, "relation": s.relation,
                "segment_key": s.segment_key, "segment_zh": s.segment_zh, "pairing_id": s.pairing_id,
                "pairing_kind": s.pairing_kind, "land_mu": pr.land_mu, "energy_tce": pr.energy_tce,
                "pollution": pr.pollution, "meets_intensity": plan.meets[i][j], "home_had_room": pl.home_had_room,
                "confidence": s.confidence,
            }
        )  # fmt: skip
    unassigned = []
    for u in result.unassigned:
        i = pindex[u.project]
        counts: dict[str, int] = {}
        for j in range(len(plan.destinations)):
            if plan.reason[i, j]:
                counts[plan.reason[i, j]] = counts.get(plan.reason[i, j], 0) + 1
        finite = [j for j in range(len(plan.destinations)) if not math.isnan(plan.score[i, j])]
        best = max(finite, key=lambda j: (plan.score[i, j], -j), default=None)
        pr = plan.projects[i]
        unassigned.append(
            {
                "project": pr.id, "project_name": pr.name_zh, "sample": pr.sample, "origin_id": pr.origin_id,
                "reason": u.reason, "detail": u.detail, "destinations": list(u.destinations),
                "cell_reasons": dict(sorted(counts.items())),
                "best_destination": plan.destinations[best].id if best is not None else None,
                "best_score": _float(plan.score[i, best]) if best is not None else None,
                "land_mu": pr.land_mu, "energy_tce": pr.energy_tce, "pollution": pr.pollution,
            }
        )  # fmt: skip
    cells = [
        {"project": plan.projects[i].id, "destination": plan.destinations[j].id,
         "score": _float(plan.score[i, j]), "reason": plan.reason[i, j]}
        for i in range(len(plan.projects)) for j in range(len(plan.destinations))
        if not math.isnan(plan.score[i, j])
    ]  # fmt: skip
    destinations = []
    uses = {u.destination: u for u in result.destinations}
    for d in plan.destinations:
        u = uses[d.id]
        destinations.append(
            {
                "id": d.id, "kind": d.kind, "county_code": d.county_code, "county_zh": d.county_zh,
                "name_zh": d.name_zh, "name_en": d.name_en, "partner_id": d.partner_id, "basis": d.basis,
                "land_cap": _float(d.land_cap), "energy_cap": _float(d.energy_cap),
                "land_source": d.land_source, "energy_source": d.energy_source,
                "max_pollution": d.max_pollution, "restriction_source": d.restriction_source,
                "intensity_target": d.intensity_target, "projects": u.projects,
                "land_used": _float(u.land_used), "energy_used": _float(u.energy_used), "binding": u.binding,
            }
        )  # fmt: skip
    counties = [
        {"county_code": c.county, "county_zh": plan.model.counties[c.county]["name_zh"], "projects": c.projects,
         "land_used": _float(c.land_used), "energy_used": _float(c.energy_used),
         "land_quota": _float(c.land_quota), "min_projects": c.min_projects, "min_land": _float(c.min_land),
         "floor_met": c.floor_met, "binding": c.binding}
        for c in result.counties
    ]  # fmt: skip
    inputs: dict[str, Any] = {
        "projects_source": "file" if plan.projects_file else "registry",
        "projects_file": plan.projects_file,
        "projects": [
            {"id": pr.id, "hash": pr.fingerprint(), "confidence": pr.confidence} for pr in plan.projects
        ],
        "scenario": None if sc is None else {"file": sc.path, "sha256": sc.sha256, "content": sc.text},
        "options": plan.options.given(),
    }
    if plan.projects_file:
        inputs["projects_file_sha256"] = hashlib.sha256(Path(plan.projects_file).read_bytes()).hexdigest()
    record = {
        "chainlink_run": RUN_FORMAT,
        "kind": "allocation",
        "chainlink": __version__,
        "registry": {k: meta.get(k) for k in ("app", "schema_version", "sources_hash")},
        "sample": plan.sample,
        "capacities_confidence": plan.capacities_confidence,
        "restrictions_confidence": "scenario"
        if all(d.restriction_source == "scenario" for d in plan.destinations)
        else "judgement",
        "inputs": inputs,
        "parameters": plan.settings | {"destinations": len(plan.destinations)},
        "results": {
            "method": result.method,
            "status": result.status,
            "objective": _float(result.objective),
            "bound": _float(result.bound),
            "gap": _float(result.gap, 9) if result.gap is None or math.isfinite(result.gap) else "inf",
            "message": result.message,
            "assigned": len(assignments),
            "unassigned_count": len(unassigned),
            "assignments": assignments,
            "unassigned": unassigned,
            "destinations": destinations,
            "counties": counties,
            "warnings": [_relabel(w, plan) for w in result.warnings],
        },
        "cells": cells,
        "notes": plan.notes,
    }
    return record, result


def dump_run(record: dict[str, Any]) -> str:
    """The run record as JSON text (UTF-8, two-space indent, key order kept, no NaN)."""
    return json.dumps(record, ensure_ascii=False, indent=2, allow_nan=False, default=_plain) + "\n"


def _plain(value: Any) -> Any:
    """NumPy scalars (the solver's booleans and counts) as plain Python values for JSON."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def load_run(path: str | Path) -> dict[str, Any]:
    """Read a run record written by ``chainlink allocate``; :class:`DataError` if it is not one."""
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise DataError(f"{p}: run file not found") from None
    except IsADirectoryError:
        raise DataError(f"{p}: is a folder, not a run file") from None
    except UnicodeDecodeError:
        raise DataError(f"{p}: not UTF-8 text; not a chainlink run file") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{p}:{exc.lineno}: not JSON ({exc.msg}); expected a run file from `chainlink allocate`"
        ) from None
    except RecursionError:
        raise DataError(f"{p}: JSON nested too deeply to read; expected a run file from `chainlink allocate`") from None
    if not isinstance(data, dict) or "chainlink_run" not in data:
        raise DataError(f"{p}: not a chainlink allocation run (no chainlink_run field); write one with "
                        "`chainlink allocate --format json --output FILE`")  # fmt: skip
    if data["chainlink_run"] != RUN_FORMAT or data.get("kind") != "allocation":
        raise DataError(
            f"{p}: run format {data['chainlink_run']!r} is not the one this chainlink reads ({RUN_FORMAT})"
        )
    try:
        results = data["results"]
        for key in ("assignments", "unassigned", "destinations", "counties"):
            if not isinstance(results[key], list):
                raise TypeError(key)
        {a["project"]: a["destination"] for a in results["assignments"]}  # noqa: B018
        {d["id"]: (d["land_cap"], d["energy_cap"]) for d in results["destinations"]}  # noqa: B018
    except (KeyError, TypeError) as exc:
        raise DataError(f"{p}: damaged run file (missing or malformed {exc})") from None
    return data


#: The columns of :func:`allocation_rows` (``chainlink allocate --format csv|json``).
ALLOCATION_COLUMNS = (
    "project_id",
    "project_name",
    "sample",
    "origin_id",
    "status",
    "destination_id",
    "destination_kind",
    "county_code",
    "county_zh",
    "score",
    "relation",
    "segment_key",
    "pairing_id",
    "pairing_kind",
    "land_mu",
    "energy_tce",
    "pollution",
    "meets_intensity",
    "reason",
    "detail",
    "capacities_confidence",
)


def allocation_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per project (assigned or not), in input order, with :data:`ALLOCATION_COLUMNS`."""
    res = record["results"]
    placed = {a["project"]: a for a in res["assignments"]}
    left = {u["project"]: u for u in res["unassigned"]}
    conf = record["capacities_confidence"]
    rows = []
    for item in record["inputs"]["projects"]:
        pid = item["id"]
        if pid in placed:
            a = placed[pid]
            rows.append({
                "project_id": pid, "project_name": a["project_name"], "sample": a["sample"],
                "origin_id": a["origin_id"], "status": "assigned", "destination_id": a["destination"],
                "destination_kind": a["destination_kind"], "county_code": a["county_code"],
                "county_zh": a["county_zh"], "score": a["score"], "relation": a["relation"],
                "segment_key": a["segment_key"], "pairing_id": a["pairing_id"], "pairing_kind": a["pairing_kind"],
                "land_mu": a["land_mu"], "energy_tce": a["energy_tce"], "pollution": a["pollution"],
                "meets_intensity": a["meets_intensity"], "reason": "", "detail": "", "capacities_confidence": conf,
            })  # fmt: skip
        else:
            u = left[pid]
            rows.append({
                "project_id": pid, "project_name": u["project_name"], "sample": u["sample"],
                "origin_id": u["origin_id"], "status": "unassigned", "destination_id": "", "destination_kind": "",
                "county_code": "", "county_zh": "", "score": None, "relation": "", "segment_key": "",
                "pairing_id": "", "pairing_kind": "", "land_mu": u["land_mu"], "energy_tce": u["energy_tce"],
                "pollution": u["pollution"], "meets_intensity": None, "reason": u["reason"],
                "detail": u["detail"], "capacities_confidence": conf,
            })  # fmt: skip
    return rows
