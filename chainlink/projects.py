"""Overflow projects: read one project file and rank destination counties for it.

A project file is YAML, JSON or a one-row CSV with the fields in :data:`FIELDS`. The ranking
uses the same components as county suggestions (docs/scoring.md), seen from the project's side.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chainlink.errors import SourceError
from chainlink.industries import best_match, split_codes

POLLUTION = ("low", "medium", "high")
FIELDS = {
    "id": "project id (text, optional)",
    "name": "project name (required)",
    "origin": "origin zone or district: name, code or id (optional; needed for the pairing component)",
    "gbt": "GB/T 4754-2017 code(s), ';'-separated (this or segment is required)",
    "segment": "chain segment key chain/segment (this or gbt is required)",
    "investment": "investment in 10,000 yuan (万元), ≥ 0",
    "land_mu": "land in mu (亩), ≥ 0",
    "energy": "energy use in tonnes of standard coal equivalent per year, ≥ 0",
    "pollution": "pollution class: low, medium or high",
}
NUMERIC = ("investment", "land_mu", "energy")


def read_project(path: str | Path) -> dict[str, Any]:
    """Read and validate one project file; errors name the file and line (or row)."""
    p = Path(path)
    name = str(p)
    from chainlink.imports._validate import PROJECT_FILE_MAX, validate_project_fields

    try:
        if p.is_file() and p.stat().st_size > PROJECT_FILE_MAX:
            raise SourceError(name, None, f"{p.stat().st_size:,} bytes; a project file is a few lines (at most 1 MiB)")
        text = p.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise SourceError(name, None, "file not found") from None
    except IsADirectoryError:
        raise SourceError(name, None, "is a folder; give a project file") from None
    except OSError as exc:
        raise SourceError(name, None, f"cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise SourceError(name, None, "not UTF-8 text; save it as UTF-8") from None
    suffix = p.suffix.lower()
    lines: dict[str, int] = {}
    if suffix in (".yaml", ".yml"):
        from chainlink.yamlstrict import load_yaml_text

        data = load_yaml_text(text, name)
        if not isinstance(data, dict):
            raise SourceError(name, 1, "a project file must be a mapping of field: value")
        lines = dict(getattr(data, "key_lines", {}))
    elif suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SourceError(name, exc.lineno, f"JSON syntax error: {exc.msg}") from None
        except RecursionError:
            raise SourceError(name, None, "JSON nested too deeply to read") from None
        if not isinstance(data, dict):
            raise SourceError(name, 1, "a project file must be one JSON object")
    elif suffix in (".csv", ".tsv"):
        rows = list(csv.DictReader(io.StringIO(text), delimiter="\t" if suffix == ".tsv" else ","))
        if len(rows) != 1:
            raise SourceError(name, None, f"expected exactly one project row, found {len(rows)}")
        data = {k.strip(): (v or "").strip() for k, v in rows[0].items() if k}
        lines = {k: 2 for k in data}
    else:
        raise SourceError(name, None, "unknown file type; use .yaml, .json or .csv")
    validate_project_fields(data, name, lines)
    return validate_project(data, name, lines)


def validate_project(
    data: dict[str, Any],
    name: str = "<project>",
    lines: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Check the fields of a project mapping and return it normalised (codes as text)."""
    lines = lines or {}
    out: dict[str, Any] = {}
    for key in data:
        if key not in FIELDS:
            raise SourceError(name, lines.get(key), f"unknown field {key!r}; fields: {', '.join(FIELDS)}")
    for key in ("id", "name", "origin", "gbt", "segment", "pollution"):
        value = data.get(key)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise SourceError(name, lines.get(key), f'{key}: {value!r} must be text (quote codes: "3443")')
        out[key] = value.strip()
    if not out.get("name"):
        raise SourceError(name, lines.get("name"), "missing name")
    if not out.get("gbt") and not out.get("segment"):
        raise SourceError(name, None, "give gbt (GB/T 4754-2017 code) or segment (chain/segment)")
    for key in NUMERIC:
        value = data.get(key)
        if value is None or value == "":
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise SourceError(name, lines.get(key), f"{key}: {value!r} is not a number") from None
        if number < 0 or number != number:
            raise SourceError(name, lines.get(key), f"{key}: {value!r} must be ≥ 0")
        out[key] = number
    if "pollution" in out and out["pollution"] not in POLLUTION:
        raise SourceError(
            name, lines.get("pollution"), f"pollution {out['pollution']!r}: use low, medium or high"
        )
    out.setdefault("id", "")
    out["_file"] = name
    return out


@dataclass
class ProjectAnswer:
    """Destinations for one project, plus what the data cannot tell."""

    project: dict[str, Any]
    suggestions: list[Any]
    missing: list[str]


def project_segments(model: Any, project: dict[str, Any]) -> list[str]:
    """The chain segments the project belongs to (by segment key or by GB/T code match ≥ 0.8)."""
    graph = model.graph
    name = project.get("_file", "<project>")
    if project.get("segment"):
        key = project["segment"]
        if key not in graph:
            matches = [
                n for n, d in graph.nodes(data=True) if key in (d["name_zh"], d["name_en"], d["segment_id"])
            ]
            if not matches:
                raise SourceError(
                    name, None, f"segment {key!r} is not a chain segment; see `chainlink chains show`"
                )
            return sorted(matches)
        return [key]
    codes = split_codes(project["gbt"])
    known = model.registry.industry_names
    for code in codes:
        if code not in known:
            raise SourceError(name, None, f"gbt {code!r} is not a GB/T 4754-2017 code")
    segs = [n for n, d in graph.nodes(data=True) if best_match(codes, d["codes"])[0] >= 0.8]
    if not segs:
        raise SourceError(
            name,
            None,
            f"no chain segment carries GB/T {project['gbt']}; the registry cannot place this project",
        )
    return sorted(segs)


class DestinationCache:
    """Per-county holdings and per-segment reach, computed once and shared by many projects.

    :func:`rank_destinations` makes one per call; ``chainlink allocate`` makes one for all its
    projects, which is what keeps scoring hundreds of projects against 26 counties fast.
    """

    def __init__(self, model: Any) -> None:
        self.model = model
        self.max_hops = int(model.preset.get("max_hops", 2))
        self.decay = float(model.preset.get("decay", 0.5))
        self._holdings: dict[str, dict[str, Any]] = {}
        self._up: dict[str, dict[str, list[str]]] = {}
        self._down: dict[str, dict[str, list[str]]] = {}
        self._io: dict[tuple[str, str], float] = {}
        self._density: dict[tuple[str, str], float] = {}

    def holdings(self, code: str) -> dict[str, Any]:
        """The county's held segments (:meth:`chainlink.score.Model.county_holdings`)."""
        if code not in self._holdings:
            self._holdings[code] = self.model.county_holdings(code)
        return self._holdings[code]

    def upstream(self, key: str) -> dict[str, list[str]]:
        """Segments upstream of ``key`` within ``max_hops`` (:func:`chainlink.graph.hops_upstream`)."""
        from chainlink.graph import hops_upstream

        if key not in self._up:
            self._up[key] = hops_upstream(self.model.graph, key, self.max_hops)
        return self._up[key]

    def downstream(self, key: str) -> dict[str, list[str]]:
        """Segments downstream of ``key`` within ``max_hops`` (:func:`chainlink.graph.hops_downstream`)."""
        from chainlink.graph import hops_downstream

        if key not in self._down:
            self._down[key] = hops_downstream(self.model.graph, key, self.max_hops)
        return self._down[key]

    def io(self, seg: str, code: str) -> float:
        """IO component of segment ``seg`` for county ``code`` (:meth:`chainlink.score.Model.io_value`)."""
        if (seg, code) not in self._io:
            self._io[seg, code] = self.model.io_value(self.model.graph.nodes[seg]["codes"], code)
        return self._io[seg, code]

    def density(self, seg: str, code: str) -> float:
        """Density component (:meth:`chainlink.score.Model.density_value`)."""
        if (seg, code) not in self._density:
            self._density[seg, code] = self.model.density_value(self.model.graph.nodes[seg]["codes"], code)
        return self._density[seg, code]


def project_origin(model: Any, project: dict[str, Any], resolver: Any) -> tuple[str, set[str]]:
    """The project's origin partner id ('' if none) and the ids a pairing may name for it: the origin,
    its parent and child zones, and its host district."""
    if not project.get("origin"):
        return "", set()
    origin = resolver.resolve(project["origin"], ("partner",)).id
    family = model.partner_family(origin)
    if model.partners[origin]["host_code"]:
        family.add(model.partners[origin]["host_code"])
    return origin, family


def score_destination(
    model: Any,
    project: dict[str, Any],
    code: str,
    *,
    segs: list[str],
    origin: str,
    family: set[str],
    cache: DestinationCache | None = None,
) -> Any:
    """The scored :class:`chainlink.score.Suggestion` of county ``code`` for ``project``, or None when
    the county holds no segment within reach of the project's segments ``segs`` (docs/scoring.md).

    ``origin`` and ``family`` come from :func:`project_origin`; this is the one place a
    (project, county) score is computed, for ``match --project`` and ``allocate`` alike.
    """
    from chainlink.graph import path_confidence, path_weight
    from chainlink.score import make_suggestion, weakest

    cache = cache or DestinationCache(model)
    graph = model.graph
    held = cache.holdings(code)
    best = None
    for seg in segs:
        for key, holding in sorted(held.items()):
            if seg == key:
                cand = ("strengthen", [key])
            elif seg in (up := cache.upstream(key)):
                cand = ("fill", up[seg])
            elif seg in (down := cache.downstream(key)):
                cand = ("extend", down[seg])
            else:
                continue
            fit = holding.strength * cache.decay ** max(0, len(cand[1]) - 2)
            if best is None or fit > best[0]:
                best = (fit, seg, cand[0], cand[1], holding)
    if best is None:
        return None
    fit, seg, relation, path, holding = best
    node = graph.nodes[seg]
    pairings = [p for p in model.pairings_of(code) if p["partner_id"] in family] if origin else []
    pairing = max(pairings, key=lambda p: model.pairing_value(p, node["chain_id"]), default=None)
    policy = model.policy_value(node["codes"])
    pollution = project.get("pollution")
    if pollution == "high":
        policy = min(policy, float(model.preset["policy"]["sensitive"]["value"]))
    elif pollution == "medium":
        policy = min(policy, float(model.preset["policy"]["default"]))
    conf = weakest(
        holding.confidence, path_confidence(graph, path), *([pairing["confidence"]] if pairing else [])
    )
    components = {
        "chain_fit": round(fit, 6),
        "link": round(path_weight(graph, path), 6),
        "gap": float(model.preset["relation_value"][relation]),
        "pairing": model.pairing_value(pairing, node["chain_id"]),
        "partner_fit": model.partner_fit(origin, seg)[0] if origin else 0.0,
        "io": cache.io(seg, code),
        "density": cache.density(seg, code),
        "policy": policy,
        "evidence": float(model.preset["confidence_value"][conf]),
    }
    notes = [] if pairing or not origin else ["not paired with the origin zone"]
    return make_suggestion(
        model,
        code,
        origin,
        pairing,
        seg,
        relation,
        path,
        holding,
        components,
        conf,
        [holding.source] + ([pairing["source"]] if pairing else []),
        project_id=project.get("id", ""),
        project_name=project["name"],
        notes=notes,
        mode="project",
    )


def rank_destinations(
    model: Any, project: dict[str, Any], resolver: Any, *, top: int | None = 10, chain: str | None = None
) -> ProjectAnswer:
    """Rank the 26 counties as destinations for ``project`` (see docs/scoring.md)."""
    graph = model.graph
    segs = [s for s in project_segments(model, project) if not chain or graph.nodes[s]["chain_id"] == chain]
    origin, family = project_origin(model, project, resolver)
    missing = ["county land and energy quotas are not in the registry: capacity not checked"]
    if not origin:
        missing.append("no origin zone given: pairing component is 0 for every county")
    cache = DestinationCache(model)
    out = []
    for code in sorted(model.counties):
        found = score_destination(model, project, code, segs=segs, origin=origin, family=family, cache=cache)
        if found is not None:
            out.append(found)
    out.sort(key=lambda s: (-s.score, s.county_code))
    if top is not None:
        out = out[:top]
    for i, s in enumerate(out, 1):
        s.rank = i
    if not out:
        missing.append("no county holds a segment on the same chain within reach of this project")
    return ProjectAnswer(project, out, missing)
