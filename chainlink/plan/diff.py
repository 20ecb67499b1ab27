"""Comparing two run records."""

from __future__ import annotations

import json
from typing import Any

DIFF_COLUMNS = ("change", "item", "before", "after", "detail")


def diff_runs(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed from run ``a`` to run ``b``: one row per change (:data:`DIFF_COLUMNS`).

    ``change`` is one of ``moved`` (a different destination), ``new`` (assigned only in b), ``dropped``
    (assigned only in a), ``score`` (same destination, other score), ``capacity`` (a destination's land or
    energy quota), ``restriction``, ``destination`` (present in one run only), ``parameter``, ``registry``,
    ``summary`` (status, objective).
    """
    rows: list[dict[str, Any]] = []

    def add(change: str, item: str, before: Any, after: Any, detail: str = "") -> None:
        rows.append({"change": change, "item": item, "before": before, "after": after, "detail": detail})

    ra, rb = a["results"], b["results"]
    for key in ("status", "objective", "assigned"):
        if ra.get(key) != rb.get(key):
            add("summary", key, ra.get(key), rb.get(key))
    if a.get("registry") != b.get("registry"):
        add("registry", "sources_hash", (a.get("registry") or {}).get("sources_hash"),
            (b.get("registry") or {}).get("sources_hash"), "the runs read different registries")  # fmt: skip
    pa, pb = a.get("parameters", {}), b.get("parameters", {})
    for key in sorted(set(pa) | set(pb)):
        if key in ("preset_values",) or pa.get(key) == pb.get(key):
            continue
        add("parameter", key, _short(pa.get(key)), _short(pb.get(key)))
    if pa.get("preset_values") != pb.get("preset_values") and pa.get("preset") == pb.get("preset"):
        add("parameter", "preset_values", "", "", "same preset name, different weights or values")
    da = {d["id"]: d for d in ra["destinations"]}
    db = {d["id"]: d for d in rb["destinations"]}
    for did in sorted(set(da) | set(db)):
        if did not in da or did not in db:
            add("destination", did, did in da, did in db, "destination present in one run only")
            continue
        for key, unit in (("land_cap", "mu"), ("energy_cap", "tce")):
            if da[did][key] != db[did][key]:
                add("capacity", f"{did} {key}", _cap(da[did][key]), _cap(db[did][key]),
                    f"{unit}; {da[did].get(key.replace('cap', 'source'), '')} → "
                    f"{db[did].get(key.replace('cap', 'source'), '')}")  # fmt: skip
        if da[did].get("max_pollution") != db[did].get("max_pollution"):
            add("restriction", did, da[did].get("max_pollution"), db[did].get("max_pollution"))
    aa = {x["project"]: x for x in ra["assignments"]}
    ab = {x["project"]: x for x in rb["assignments"]}
    ua = {x["project"]: x for x in ra["unassigned"]}
    ub = {x["project"]: x for x in rb["unassigned"]}
    for pid in sorted(set(aa) | set(ab)):
        x, y = aa.get(pid), ab.get(pid)
        if x and y:
            if x["destination"] != y["destination"]:
                add("moved", pid, x["destination"], y["destination"], f"score {x['score']} → {y['score']}")
            elif x["score"] != y["score"]:
                add("score", pid, x["score"], y["score"], f"at {x['destination']}")
        elif y:
            why = ua[pid]["reason"] if pid in ua else "not in run a"
            add("new", pid, why, y["destination"], f"score {y['score']}")
        else:
            why = ub[pid]["reason"] if pid in ub else "not in run b"
            add("dropped", pid, x["destination"], why, f"score {x['score']}")
    return rows


def _short(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _cap(value: Any) -> Any:
    return "unlimited" if value is None else value
