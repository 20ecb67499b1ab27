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

from chainlink.base.industries import best_match
from chainlink.errors import SourceError
from chainlink.scoring.records import Project

POLLUTION = ("low", "medium", "high")  # = chainlink.base.vocabulary.POLLUTION_CLASSES
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


ProjectRecord = tuple[dict[str, Any], str, int | None, dict[str, int]]


def read_project_records(path: str | Path, *, many: bool = False) -> list[ProjectRecord]:
    """The project mappings of a project file, unvalidated: the one reader of project files.

    Each item is ``(fields, label, line, key_lines)``: ``label`` is the file (``file[n]`` for the n-th item of a
    JSON list), ``line`` the item's line and ``key_lines`` each field's line, when known. YAML, JSON, CSV or TSV
    (UTF-8, a BOM allowed). One project (``many=False``, ``match --project``): one mapping or a one-row CSV, at
    most 1 MiB. Many (``many=True``, ``allocate --projects``): also a list of mappings or ``projects:`` with a
    list, one CSV row each. Errors are :class:`SourceError` naming the file and line.
    """
    from chainlink.imports._validate import PROJECT_FILE_MAX

    p = Path(path)
    name = str(p)
    try:
        if not many and p.is_file() and p.stat().st_size > PROJECT_FILE_MAX:
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
    items: list[ProjectRecord] = []
    if suffix in (".yaml", ".yml", ".json"):
        if suffix == ".json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise SourceError(name, exc.lineno, f"JSON syntax error: {exc.msg}") from None
            except RecursionError:
                raise SourceError(name, None, "JSON nested too deeply to read") from None
        else:
            from chainlink.base.yamlstrict import load_yaml_text

            data = load_yaml_text(text, name)
        if not many:
            if not isinstance(data, dict):
                what = "one JSON object" if suffix == ".json" else "a mapping of field: value"
                raise SourceError(name, 1, f"a project file must be {what}")
            return [(data, name, None, dict(getattr(data, "key_lines", {})))]
        if isinstance(data, dict) and set(data) == {"projects"}:
            data = data["projects"]
        records = [data] if isinstance(data, dict) else data
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise SourceError(name, 1, "a project file holds one mapping or a list of mappings (field: value)")
        item_lines = getattr(records, "item_lines", None)
        for n, record in enumerate(records, 1):
            line = getattr(record, "line", None) or (item_lines[n - 1] if item_lines else None)
            label = name if suffix != ".json" or len(records) == 1 else f"{name}[{n}]"
            items.append((dict(record), label, line, dict(getattr(record, "key_lines", {}))))
    elif suffix in (".csv", ".tsv"):
        reader = csv.DictReader(io.StringIO(text), delimiter="\t" if suffix == ".tsv" else ",")
        for n, row in enumerate(reader):
            record = {k.strip(): (v or "").strip() for k, v in row.items() if k}
            items.append((record, name, n + 2, dict.fromkeys(record, n + 2)))
        if not many and len(items) != 1:
            raise SourceError(name, None, f"expected exactly one project row, found {len(items)}")
    else:
        raise SourceError(name, None, "unknown file type; use .yaml, .json, .csv or .tsv")
    if not items:
        raise SourceError(name, None, "no projects in the file")
    return items


def read_project(path: str | Path) -> dict[str, Any]:
    """Read and validate one project file (:func:`read_project_records`); errors name the file and line."""
    from chainlink.imports._validate import validate_project_fields

    [(data, name, _line, lines)] = read_project_records(path)
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

    project: Project
    suggestions: list[Any]
    missing: list[str]


def load_project(path: str | Path) -> Project:
    """Read one project file (:func:`read_project`) as a :class:`chainlink.scoring.records.Project`."""
    return Project.from_fields(read_project(path))


def project_placement(model: Any, project: Any) -> tuple[list[str], str]:
    """The chain segments a project sits on and how they were found.

    ``segment``: the key (or a segment name) given; ``gbt``: segments whose codes match the project's
    GB/T codes at ≥ 0.8; ``io_sector``: no segment carries the code, segments of the same input–output
    sector; ``profile``: none either — the project is matched by IO sector and the partner's profile
    alone (no segment). An unknown GB/T code or segment name is an error naming the file.
    """
    project = Project.coerce(project)
    graph = model.graph
    name = project.file or "<project>"
    if project.segment:
        key = project.segment
        if key not in graph:
            matches = [
                n for n, d in graph.nodes(data=True) if key in (d["name_zh"], d["name_en"], d["segment_id"])
            ]
            if not matches:
                raise SourceError(
                    name, None, f"segment {key!r} is not a chain segment; see `chainlink chains show`"
                )
            return sorted(matches), "segment"
        return [key], "segment"
    codes = project.codes
    known = model.registry.industry_names
    for code in codes:
        if code not in known:
            raise SourceError(name, None, f"gbt {code!r} is not a GB/T 4754-2017 code")
    segs = [n for n, d in graph.nodes(data=True) if best_match(codes, d["codes"])[0] >= 0.8]
    if segs:
        return sorted(segs), "gbt"
    sectors = set(model.sectors_of(codes))
    segs = [n for n, d in graph.nodes(data=True) if sectors & set(model.sectors_of(d["codes"]))]
    if segs:
        return sorted(segs), "io_sector"
    return [], "profile"


def project_segments(model: Any, project: Any) -> list[str]:
    """The chain segments the project belongs to (:func:`project_placement`); may be empty."""
    return project_placement(model, project)[0]


PLACEMENT_NOTE = {
    "io_sector": (
        "no chain segment carries GB/T {gbt}: placed on the segments of the same input–output sector",
        "没有产业链环节对应 GB/T {gbt}：按同一投入产出部门的环节匹配",
    ),
    "profile": (
        "no chain segment carries GB/T {gbt}, nor its input–output sector: matched by IO relatedness to the "
        "county's industries and the partner's profile only",
        "没有产业链环节对应 GB/T {gbt}，也无同部门环节：仅按与本县产业的投入产出关联及结对方产业画像匹配",
    ),
}


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
        self._overlap: dict[str, dict[str, Any]] = {}
        self._up: dict[str, dict[str, list[str]]] = {}
        self._down: dict[str, dict[str, list[str]]] = {}
        self._density: dict[tuple[tuple[str, ...], str], float] = {}

    def holdings(self, code: str) -> dict[str, Any]:
        """The county's evidence holdings (:meth:`chainlink.scoring.model.Model.county_holdings`)."""
        if code not in self._holdings:
            self._holdings[code] = self.model.county_holdings(code)
        return self._holdings[code]

    def overlap(self, code: str) -> dict[str, Any]:
        """The county's code-overlap signals (:meth:`chainlink.scoring.model.Model.overlap_holdings`)."""
        if code not in self._overlap:
            self._overlap[code] = self.model.overlap_holdings(code)
        return self._overlap[code]

    def upstream(self, key: str) -> dict[str, list[str]]:
        """Segments upstream of ``key`` within ``max_hops`` (:func:`chainlink.network.graph.hops_upstream`)."""
        from chainlink.network.graph import hops_upstream

        if key not in self._up:
            self._up[key] = hops_upstream(self.model.graph, key, self.max_hops)
        return self._up[key]

    def downstream(self, key: str) -> dict[str, list[str]]:
        """Segments downstream of ``key`` within ``max_hops`` (:func:`chainlink.network.graph.hops_downstream`)."""
        from chainlink.network.graph import hops_downstream

        if key not in self._down:
            self._down[key] = hops_downstream(self.model.graph, key, self.max_hops)
        return self._down[key]

    def io(self, codes: list[str], code: str) -> tuple[float, str]:
        """IO component and the county industry behind it (:meth:`chainlink.scoring.model.Model.io_detail`)."""
        return self.model.io_detail(codes, code)

    def density(self, codes: list[str], code: str) -> float:
        """Density component (:meth:`chainlink.scoring.model.Model.density_value`)."""
        key = (tuple(codes), code)
        if key not in self._density:
            self._density[key] = self.model.density_value(codes, code)
        return self._density[key]


def project_origin(model: Any, project: Any, resolver: Any) -> tuple[str, set[str]]:
    """The project's origin partner id ('' if none) and the ids a pairing may name for it: the origin,
    its parent and child zones, and its host district."""
    project = Project.coerce(project)
    if not project.origin:
        return "", set()
    origin = resolver.resolve(project.origin, ("partner",)).id
    return origin, model.origin_side(origin)


def _chain_relation(model: Any, cache: DestinationCache, code: str, segs: list[str], codes: list[str]):
    """The best (fit, seg, relation, path, holding) linking the county to the project's segments:
    evidence holdings first (强链/补链/延链), then a code-overlap signal (related), then IO only."""
    from chainlink.scoring import components as C

    best = None
    for seg in segs:
        for key, holding in sorted(cache.holdings(code).items()):
            if seg == key:
                cand = ("strengthen", [key])
            elif seg in (up := cache.upstream(key)):
                cand = ("fill", up[seg])
            elif seg in (down := cache.downstream(key)):
                cand = ("extend", down[seg])
            else:
                continue
            fit = C.chain_fit(holding.strength, len(cand[1]) - 1, cache.decay)
            if best is None or fit > best[0]:
                best = (fit, seg, cand[0], cand[1], holding)
    if best is not None:
        return best
    overlap = cache.overlap(code)
    factor = float(model.value("overlap_factor", 0.5))
    for seg in segs:
        if seg in overlap:
            h = overlap[seg]
            fit = C.chain_fit(h.strength, 0, cache.decay, basis="overlap", overlap_factor=factor)
            if best is None or fit > best[0]:
                best = (fit, seg, "related", [seg], h)
    if best is not None:
        return best
    scored = [(cache.io(model.graph.nodes[s]["codes"], code)[0], s) for s in segs]
    if scored:
        io, seg = max(scored, key=lambda t: (t[0], [-ord(ch) for ch in t[1]]))
        return (0.0, seg, "related", [seg], None)
    return (0.0, "", "related", [], None)


def destinations_for(
    model: Any,
    project: Any,
    code: str,
    *,
    segs: list[str],
    origin: str,
    family: set[str],
    cache: DestinationCache | None = None,
    any_pair: bool = True,
    allow_polluting: bool = False,
    io_only: str = "never",
) -> list[Any]:
    """Every scored landing of ``project`` in county ``code``: one :class:`chainlink.scoring.records.Suggestion` per
    (pairing with the origin, landing place), or one unpaired row; [] when nothing links the county
    to the project, or when the county is not paired with the origin and ``any_pair`` is False.

    A county that holds nothing within reach (no evidence holding, no code overlap) is still a
    destination, scored on IO relatedness, pairing and the partner alone, when ``io_only`` allows it:
    ``never`` (``allocate``), ``paired`` (the county is paired with the origin: the pairing is the
    channel) or ``always`` (a project no chain segment carries: also an unpaired county with IO
    relatedness > 0). A county paired with the origin is listed even without any IO relation (the
    pairing is the channel; the row's note says so). docs/scoring.md."""
    from chainlink.base.vocabulary import weakest
    from chainlink.network.graph import path_confidence, path_weight
    from chainlink.scoring import components as C
    from chainlink.scoring.model import PartnerFit
    from chainlink.scoring.suggest import landing_options, make_suggestion

    project = Project.coerce(project)
    cache = cache or DestinationCache(model)
    graph = model.graph
    pairings = [p for p in model.pairings_of(code) if p.partner_id in family] if origin else []
    if origin and not pairings and not any_pair:
        return []
    fit, seg, relation, path, holding = _chain_relation(model, cache, code, segs, project.codes)
    seg_codes = graph.nodes[seg]["codes"] if seg else project.codes
    codes = project.codes or seg_codes
    io, io_industry = cache.io(seg_codes, code)
    if holding is None and (io_only == "never" or (not pairings and (io <= 0 or io_only == "paired"))):
        return []
    unrelated = holding is None and io <= 0  # listed only because the county is paired with the origin
    chain_id = graph.nodes[seg]["chain_id"] if seg else ""
    policy = model.policy_value(codes)
    if project.pollution == "high":
        policy = min(policy, float(model.preset["policy"]["sensitive"]["value"]))
    elif project.pollution == "medium":
        policy = min(policy, float(model.preset["policy"]["default"]))
    pfit = model.partner_fit_detail(origin, seg, codes) if origin else PartnerFit(0.0, "", "", 0, [])
    density = cache.density(seg_codes, code)
    out = []
    for pairing in pairings or [None]:
        landings = landing_options(model, code, pairing, codes, allow_polluting=allow_polluting,
                                   polluting=project.pollution == "high" or None)  # fmt: skip
        base = [holding.confidence] if holding else []
        conf = weakest(*base, path_confidence(graph, path) if path else "sourced",
                       *([pairing.confidence] if pairing else []))  # fmt: skip
        fact_conf = weakest(*base, *([pairing.confidence] if pairing else []))
        for landing, landing_value, rule_zh, rule_en, dirty in landings:
            components = {
                "chain_fit": C.landing_fit(fit, pfit.value, landing),
                "link": round(path_weight(graph, path), 6) if path and holding is not None else 0.0,
                "gap": C.gap(relation, {"related": 0.3} | dict(model.preset["relation_value"])),
                "pairing": model.pairing_value(pairing, chain_id),
                "partner_fit": pfit.value,
                "io": io,
                "density": density,
                "policy": policy,
                "evidence": C.evidence(conf, model.preset["confidence_value"]),
                "landing": landing_value,
            }
            notes, notes_zh = [], []
            if origin and pairing is None:
                notes, notes_zh = ["not paired with the origin zone"], ["与来源地无结对记录"]
            if unrelated:
                notes.append("no chain or input–output link to the county's industries: listed because the county "
                             "is paired with the origin")
                notes_zh.append("与本县产业无产业链或投入产出关联，因与来源地结对而列出")
            s = make_suggestion(
                model, code, origin, pairing, seg, relation, path, holding, components, conf,
                ([holding.source] if holding else []) + ([pairing.source] if pairing else []),
                project_id=project.id, project_name=project.name, notes=notes, notes_zh=notes_zh, mode="project",
                landing=landing,
                enclave_name=pairing.enclave_name if (pairing and landing == "enclave") else "",
                enclave_host=model.enclave_host(pairing) if (pairing and landing == "enclave") else "",
                partner_fit_reason_zh=pfit.reason_zh, partner_fit_reason_en=pfit.reason_en,
                partner_evidence=pfit.n_evidence, partner_firms=pfit.firms, polluting=dirty,
                ecology_rule_zh=rule_zh, ecology_rule_en=rule_en, fact_confidence=fact_conf,
                io_industry_zh=io_industry,
            )  # fmt: skip
            s.county_firms = model.county_firms_on(code, [k for k in path if k != seg] or ([seg] if seg else []))
            out.append(s)
    out.sort(key=lambda s: (-s.score, s.landing != "county", -s.components["pairing"], s.pairing_id))
    return out


def score_destination(
    model: Any,
    project: Any,
    code: str,
    *,
    segs: list[str],
    origin: str,
    family: set[str],
    cache: DestinationCache | None = None,
) -> Any:
    """The best-scoring landing of ``project`` in county ``code`` (:func:`destinations_for`), or None.

    This is the one place a (project, county) score is computed, for ``match --project`` and
    ``allocate`` alike; ``origin`` and ``family`` come from :func:`project_origin`.
    """
    found = destinations_for(model, project, code, segs=segs, origin=origin, family=family, cache=cache)
    return found[0] if found else None


def rank_destinations(
    model: Any,
    project: Any,
    resolver: Any,
    *,
    top: int | None = 10,
    chain: str | None = None,
    any_pair: bool = False,
    allow_polluting: bool = False,
    min_confidence: str = "sample",
) -> ProjectAnswer:
    """Rank the counties paired with the project's origin (all 26 with ``any_pair`` or without an
    origin) and their landing places — the county platform, or an enclave in the partner's territory —
    as destinations for ``project`` (docs/scoring.md)."""
    from chainlink.base.vocabulary import at_least

    project = Project.coerce(project)
    graph = model.graph
    segs, how = project_placement(model, project)
    segs = [s for s in segs if not chain or graph.nodes[s]["chain_id"] == chain]
    origin, family = project_origin(model, project, resolver)
    missing = ["county land and energy quotas are not in the registry: capacity not checked"]
    if how in PLACEMENT_NOTE:
        missing.append(PLACEMENT_NOTE[how][0].format(gbt=project.gbt))
    if not origin:
        missing.append("no origin zone given: pairing component is 0 for every county")
    cache = DestinationCache(model)
    out = []
    paired_any = False
    for code in sorted(model.counties):
        rows = destinations_for(model, project, code, segs=segs, origin=origin, family=family, cache=cache,
                                any_pair=any_pair or not origin, allow_polluting=allow_polluting,
                                io_only="always" if how in PLACEMENT_NOTE else "paired")  # fmt: skip
        paired_any = paired_any or any(s.pairing_id for s in rows)
        if how in PLACEMENT_NOTE:
            for s in rows:
                s.notes.append(PLACEMENT_NOTE[how][0].format(gbt=project.gbt))
                s.notes_zh.append(PLACEMENT_NOTE[how][1].format(gbt=project.gbt))
        best: dict[str, Any] = {}
        for s in rows:
            if at_least(s.confidence, min_confidence) and s.landing not in best:
                best[s.landing] = s
        out.extend(best.values())
    if origin and not any_pair and not paired_any:
        name = model.partners[origin]["name_zh"]
        missing.append(
            f"{name} has no pairing with a mountain county that can host this project; "
            "--any-pair ranks every county"
        )
    out.sort(key=lambda s: (-s.score, -s.partner_evidence, s.landing != "county", s.county_code))
    if top is not None:
        out = out[:top]
    for i, s in enumerate(out, 1):
        s.rank = i
    if not out and (not origin or any_pair or paired_any):
        missing.append("no county holds a segment within reach of this project")
    return ProjectAnswer(project, out, missing)
