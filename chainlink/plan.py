"""Allocation plans: the registry (or a project file) and a scenario made into an AllocationProblem, runs, diffs.

:func:`build_plan` assembles what :func:`chainlink.allocate.solve` needs — projects, destinations (each
mountain county's platform and the enclaves serving it), the match score of every (project, county) cell,
eligibility, capacities, restrictions, forced assignments, exclusions and fairness floors — and
:func:`run_plan` solves it and returns a self-describing **run record** (a JSON-ready dict: inputs,
parameters, registry version, results). :func:`diff_runs` compares two records; :func:`explain` takes one
(project, county) cell apart. The rules (sample capacities, the default ecological restriction, how
enclaves are found, the enclave discount) are documented in docs/allocation.md; nothing here renders text
for a terminal (that is :mod:`chainlink.cli.allocate`).
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import hashlib
import io
import json
import math
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from chainlink.errors import ChainlinkError, DataError, SourceError, UsageError

#: Run record format; ``load_run`` refuses others.
RUN_FORMAT = 1
DEFAULT_TIME_LIMIT = 10.0
#: An enclave destination scores the county's match score minus this, so that the home platform is
#: preferred when it has room (the enclave rule ``overflow`` does that too; the discount also orders ``free``).
ENCLAVE_DISCOUNT = 0.01
#: SAMPLE capacities (no source gives county quotas: registry gap G09). Round numbers chosen so that
#: with the sample projects some counties' quotas bind and others' do not. Not data.
SAMPLE_LAND_MU = {"platform": 300.0, "enclave": 100.0}
SAMPLE_ENERGY_TCE = {"platform": 20_000.0, "enclave": 5_000.0}
#: Default ecological restriction (judgement): the 2021 Guiding Opinions ask the 26 counties' platforms to
#: favour environmentally insensitive industries, so no destination takes a high-pollution project unless a
#: scenario allows it.
DEFAULT_MAX_POLLUTION = "medium"
POLLUTION_CLASS = {"low": 0, "medium": 1, "high": 2}
#: A project without a pollution class is treated as this one for the environmental check.
UNKNOWN_POLLUTION = "medium"
LISHUI_CITY = "丽水市"
PAIRING_ZH = {
    "dual_chain_pilot": "双链长制试点",
    "zone_pair": "开发区结对",
    "enclave": "飞地",
    "shanhai": "山海协作",
}

CELL_REASONS = ("not_paired", "intensity", "excluded", "environment", "no_score")
REASON_ZH = {
    "not_paired": "未结对",
    "no_score": "无产业链契合",
    "environment": "环境准入不符",
    "intensity": "未达亩均目标",
    "excluded": "情景排除",
    "no_eligible_destination": "无可去目的地",
    "capacity": "容量不足",
    "non_positive_score": "得分不为正",
    "not_selected": "未选中（未证明最优）",
}
REASON_EN = {
    "not_paired": "not paired",
    "no_score": "no chain fit",
    "environment": "environment",
    "intensity": "misses intensity target",
    "excluded": "excluded by scenario",
    "no_eligible_destination": "no eligible destination",
    "capacity": "capacity",
    "non_positive_score": "score not positive",
    "not_selected": "not selected (not proved optimal)",
}
PROJECT_EXTRA_FIELDS = {
    "added_value": "added value in 10,000 yuan per year, ≥ 0 (allocate only: policy intensity)",
    "tax": "tax in 10,000 yuan per year, ≥ 0 (allocate only: policy intensity)",
}


# ---------------------------------------------------------------------------------------------------------
# Options, projects, destinations


@dataclass
class Options:
    """What the caller asked for; ``None`` means "not given" (the scenario's value, else the default)."""

    preset: str | None = None
    any_pair: bool | None = None
    include_sample: bool = True
    time_limit: float | None = None
    enclave_rule: str | None = None
    min_projects: int | None = None
    min_land_share: float | None = None
    intensity_mode: str | None = None
    intensity_target: str | None = None

    def given(self) -> dict[str, Any]:
        """The options that were given, for the run record."""
        return {k: v for k, v in self.__dict__.items() if v is not None}


def parse_share(text: str) -> float:
    """``0.1`` or ``10%`` → 0.1; a :class:`UsageError` outside [0, 1]."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise UsageError(f"--min-land-share {text!r}: give a fraction (0.1) or a percentage (10%)") from None
    if not 0 <= value <= 1:
        raise UsageError(f"--min-land-share {text!r} must be between 0 and 1 (or 0% and 100%)")
    return value


@dataclass
class PlanProject:
    """One project to allocate, with what scoring needs and where it came from."""

    id: str
    name_zh: str
    name_en: str
    origin_id: str
    segment: str
    gbt: str
    land_mu: float | None
    energy_tce: float | None
    pollution: str
    added_value: float | None
    tax: float | None
    investment: float | None
    confidence: str
    origin: str  # "registry", "user" (imported) or the project file
    line: int | None = None
    segs: list[str] = field(default_factory=list)
    family: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    @property
    def sample(self) -> bool:
        return self.confidence == "sample"

    def scoring_dict(self) -> dict[str, Any]:
        """The project as :func:`chainlink.projects.score_destination` reads it."""
        out = {"id": self.id, "name": self.name_zh, "origin": self.origin_id, "pollution": self.pollution}
        if self.segment:
            out["segment"] = self.segment
        if self.gbt:
            out["gbt"] = self.gbt
        return out

    def fingerprint(self) -> str:
        """SHA-256 (first 16 hex digits) of the fields the allocation reads."""
        data = {
            "id": self.id, "name": self.name_zh, "origin": self.origin_id, "segment": self.segment,
            "gbt": self.gbt, "land_mu": self.land_mu, "energy_tce": self.energy_tce,
            "pollution": self.pollution, "added_value": self.added_value, "tax": self.tax,
            "confidence": self.confidence,
        }  # fmt: skip
        text = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _num(value: Any) -> float | None:
    return None if value is None or value == "" else float(value)


def registry_projects(
    registry: Any, *, include_sample: bool = True, open_only: bool = True
) -> list[PlanProject]:
    """Open projects of the registry (``county_code`` empty): table ``projects`` then imported
    ``user_projects``, each by id. ``include_sample=False`` leaves the sample projects out."""
    from chainlink.registry import table_names

    tables = table_names(registry.conn)
    out: list[PlanProject] = []
    seen: set[str] = set()
    for table, origin in (("projects", "registry"), ("user_projects", "user")):
        if table not in tables:
            continue
        for row in registry.rows(table, "id"):
            if open_only and row.get("county_code"):
                continue
            if row["confidence"] == "sample" and not include_sample:
                continue
            if row["id"] in seen:
                raise DataError(f"project id {row['id']!r} is in both projects and user_projects; rename one")
            seen.add(row["id"])
            out.append(
                PlanProject(
                    id=row["id"], name_zh=row["name_zh"], name_en=row.get("name_en") or row["name_zh"],
                    origin_id=row.get("origin_id") or "", segment=row.get("segment_key") or "",
                    gbt=row.get("gbt_codes") or "", land_mu=_num(row.get("land_mu")),
                    energy_tce=_num(row.get("energy_tce")), pollution=row.get("pollution") or "",
                    added_value=_num(row.get("added_value_wan")), tax=_num(row.get("tax_wan")),
                    investment=_num(row.get("investment_wan")), confidence=row["confidence"], origin=origin,
                )
            )  # fmt: skip
    return out


def read_projects(path: str | Path) -> list[PlanProject]:
    """Projects from a file: YAML or JSON (one mapping, a list, or ``projects:`` with a list) or CSV/TSV
    (one row each), with the fields of ``match --project`` (:data:`chainlink.projects.FIELDS`) plus
    ``added_value`` and ``tax``. Errors name the file and line (JSON: the item number)."""
    from chainlink.projects import validate_project

    p = Path(path)
    name = str(p)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise SourceError(name, None, "file not found") from None
    except IsADirectoryError:
        raise SourceError(name, None, "is a folder, not a project file") from None
    except UnicodeDecodeError:
        raise SourceError(name, None, "not UTF-8 text; save it as UTF-8") from None
    suffix = p.suffix.lower()
    items: list[tuple[dict[str, Any], str, int | None, dict[str, int]]] = []
    if suffix in (".yaml", ".yml", ".json"):
        if suffix == ".json":
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise SourceError(name, exc.lineno, f"JSON syntax error: {exc.msg}") from None
            except RecursionError:
                raise SourceError(name, None, "JSON nested too deeply to read") from None
        else:
            from chainlink.yamlstrict import load_yaml_text

            data = load_yaml_text(text, name)
        if isinstance(data, dict) and set(data) == {"projects"}:
            data = data["projects"]
        records = [data] if isinstance(data, dict) else data
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise SourceError(
                name, 1, "a project file holds one mapping or a list of mappings (field: value)"
            )
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
    else:
        raise SourceError(name, None, "unknown file type; use .yaml, .json, .csv or .tsv")
    if not items:
        raise SourceError(name, None, "no projects in the file")
    out: list[PlanProject] = []
    ids: dict[str, int | None] = {}
    for n, (record, label, line, lines) in enumerate(items, 1):
        extra = {}
        for key in PROJECT_EXTRA_FIELDS:
            value = record.pop(key, None)
            if value is None or value == "":
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise SourceError(label, lines.get(key, line), f"{key}: {value!r} is not a number") from None
            if not number >= 0:
                raise SourceError(label, lines.get(key, line), f"{key}: {value!r} must be ≥ 0")
            extra[key] = number
        project = validate_project(record, label, lines)
        pid = project.get("id") or f"project-{n}"
        if pid in ids:
            first = f" (first at line {ids[pid]})" if ids[pid] else ""
            raise SourceError(label, lines.get("id", line), f"duplicate project id {pid!r}{first}")
        ids[pid] = line
        out.append(
            PlanProject(
                id=pid, name_zh=project["name"], name_en=project["name"], origin_id=project.get("origin", ""),
                segment=project.get("segment", ""), gbt=project.get("gbt", ""), land_mu=project.get("land_mu"),
                energy_tce=project.get("energy"), pollution=project.get("pollution", ""),
                added_value=extra.get("added_value"), tax=extra.get("tax"), investment=project.get("investment"),
                confidence="unverified", origin=label, line=line,
            )
        )  # fmt: skip
    return out


def prepare_projects(model: Any, resolver: Any, projects: list[PlanProject], *, strict: bool) -> None:
    """Resolve each project's chain segments and origin family in place.

    ``strict`` (a project file): an unknown origin or segment is an error naming the file and line;
    otherwise (the registry) the project is kept without segments and the problem is noted.
    """
    from chainlink.projects import project_segments

    for pr in projects:
        if pr.origin_id:
            try:
                origin = resolver.resolve(pr.origin_id, ("partner",)).id
            except DataError as exc:
                if strict:
                    raise SourceError(pr.origin, pr.line, f"project {pr.id}: origin: {exc}") from None
                pr.problems.append(f"origin {pr.origin_id!r} unknown")
                origin = ""
            pr.origin_id = origin
            if origin:
                pr.family = model.partner_family(origin)
                host = model.partners[origin]["host_code"]
                if host:
                    pr.family.add(host)
        if not pr.segment and not pr.gbt:
            pr.problems.append("no segment or GB/T code: no chain fit anywhere")
            continue
        try:
            pr.segs = project_segments(model, pr.scoring_dict() | {"_file": pr.origin})
        except SourceError as exc:
            if strict:
                raise SourceError(pr.origin, pr.line, f"project {pr.id}: {exc.detail}") from None
            pr.problems.append(exc.detail)
        for what, value in (("land_mu", pr.land_mu), ("energy", pr.energy_tce)):
            if value is None:
                pr.problems.append(f"{what} not given: counted as 0 against the quotas")


@dataclass
class Destination:
    """A landing place: a county's platform(s) or an enclave (飞地) in a partner zone serving a county."""

    id: str
    kind: str
    county_code: str
    county_zh: str
    county_en: str
    name_zh: str
    name_en: str
    partner_id: str
    basis: str
    platforms: list[str] = field(default_factory=list)
    land_cap: float = 0.0
    energy_cap: float = 0.0
    land_source: str = "sample"
    energy_source: str = "sample"
    max_pollution: str = DEFAULT_MAX_POLLUTION
    restriction_source: str = "judgement"
    intensity_target: dict[str, float] | None = None

    def label(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en

    @property
    def capacity_source(self) -> str:
        return "scenario" if self.land_source == self.energy_source == "scenario" else "sample"


def find_destinations(model: Any) -> list[Destination]:
    """The 26 counties' platforms, then the enclaves, each with SAMPLE capacities (docs/allocation.md).

    One **platform** destination per county (id = county code): the county's development zone(s) taken
    together, since quotas are per county. **Enclaves** (id ``PARTNER@COUNTY``):

    1. a partner of kind ``enclave`` serves county C when a pairing of C names it, or a sourced project in the
       registry landed there for C (柯桥—江山飞地产业园 → 江山 by 宇越新材料; 萧龙科创园 → 龙泉);
    2. a pairing of kind ``enclave`` between C and zone Z is land in Z set aside for C, unless an enclave of
       rule 1 serving C already lies in Z (Z is its host district or parent zone).
    """
    registry = model.registry
    counties = model.counties
    partners = model.partners
    platforms: dict[str, list[str]] = {}
    for pid, row in partners.items():
        if row["kind"] == "platform" and row["host_code"] in counties:
            platforms.setdefault(row["host_code"], []).append(pid)
    for pairing in registry.pairings:
        pid = pairing.get("county_platform")
        if pid and pid in partners and pid not in platforms.get(pairing["county_code"], []):
            platforms.setdefault(pairing["county_code"], []).append(pid)
    out = []
    for code, county in sorted(counties.items()):
        names = sorted(platforms.get(code, []))
        out.append(
            Destination(
                id=code, kind="platform", county_code=code, county_zh=county["name_zh"],
                county_en=county["name_en"], name_zh=county["name_zh"], name_en=county["name_en"], partner_id="",
                basis="the county's platform(s): " + (", ".join(partners[p]["short_zh"] for p in names) or
                                                       "none named in the registry"),
                platforms=names,
            )
        )  # fmt: skip
    enclaves: dict[tuple[str, str], tuple[str, str]] = {}
    for pid, row in sorted(partners.items()):
        if row["kind"] != "enclave":
            continue
        for pairing in registry.pairings:
            if pairing["partner_id"] == pid:
                enclaves.setdefault((pid, pairing["county_code"]), ("partner", f"pairing {pairing['id']}"))
        for project in registry.projects:
            landed = project.get("platform") == pid and project.get("county_code") in counties
            if landed and project["confidence"] == "sourced":
                why = f"sourced project {project['id']} landed there"
                enclaves.setdefault((pid, project["county_code"]), ("partner", why))
    for pairing in registry.pairings:
        if pairing["kind"] != "enclave":
            continue
        zone, code = pairing["partner_id"], pairing["county_code"]
        same = [
            e
            for (e, c) in enclaves
            if c == code and zone in (e, partners[e]["host_code"], partners[e]["parent"])
        ]
        if not same:
            enclaves.setdefault((zone, code), ("pairing", f"enclave pairing {pairing['id']}"))
    for (pid, code), (rule, why) in sorted(enclaves.items()):
        row, county = partners[pid], counties[code]
        if rule == "partner":
            name_zh, name_en = (
                f"{row['short_zh']}(飞地→{county['short_zh']})",
                f"{row['short_en']} (for {county['name_en']})",
            )
        else:
            name_zh = f"{row['short_zh']}飞地(→{county['short_zh']})"
            name_en = f"{row['short_en']} enclave (for {county['name_en']})"
        out.append(
            Destination(
                id=f"{pid}@{code}", kind="enclave", county_code=code, county_zh=county["name_zh"],
                county_en=county["name_en"], name_zh=name_zh, name_en=name_en, partner_id=pid,
                basis=f"enclave rule {1 if rule == 'partner' else 2}: {why}",
            )
        )  # fmt: skip
    for d in out:
        d.land_cap = SAMPLE_LAND_MU[d.kind]
        d.energy_cap = SAMPLE_ENERGY_TCE[d.kind]
    return out


# ---------------------------------------------------------------------------------------------------------
# The plan


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
    from chainlink.score import load_preset

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

    ``options`` given on the command line win over the ``scenario`` (:class:`chainlink.scenario.Scenario`),
    which wins over the defaults. ``preset`` (a loaded preset) overrides both, e.g. a run's own.
    """
    from chainlink.allocate import AllocationProblem
    from chainlink.projects import DestinationCache, score_destination
    from chainlink.resolve import Resolver
    from chainlink.score import Model

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


# ---------------------------------------------------------------------------------------------------------
# Running a plan: the run record


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


# ---------------------------------------------------------------------------------------------------------
# Diff


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


# ---------------------------------------------------------------------------------------------------------
# Explain


def find_project(registry: Any, project_id: str, projects_file: str | Path | None = None) -> PlanProject:
    """A project by id: from ``projects_file`` if given, else any registry project (open or landed)."""
    if projects_file is not None:
        found = read_projects(projects_file)
        if project_id is None and len(found) == 1:
            return found[0]
        pool = found
    else:
        pool = registry_projects(registry, open_only=False)
    for pr in pool:
        if pr.id == project_id:
            return pr
    ids = [pr.id for pr in pool]
    if project_id is None:
        raise UsageError(f"{projects_file} holds {len(ids)} projects: name one by id")
    hint = difflib.get_close_matches(project_id, ids, n=3)
    where = str(projects_file) if projects_file else "the registry"
    raise DataError(
        f"unknown project {project_id!r} in {where}" + (f"; did you mean {', '.join(hint)}" if hint else "")
    )


def explain(
    registry: Any,
    project: PlanProject,
    county_code: str,
    *,
    run: dict[str, Any] | None = None,
    preset: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Every component of the (project, county) score with its weight and the data behind it, the
    eligibility and capacity rules, and — with a ``run`` — the binding constraints and why each
    higher-scoring destination was not chosen. A JSON-ready dict."""
    from chainlink.graph import path_confidence
    from chainlink.projects import DestinationCache, score_destination
    from chainlink.resolve import Resolver
    from chainlink.score import Model, load_preset

    if run is not None and preset is None:
        preset = run.get("parameters", {}).get("preset_values")
    model = Model(registry, preset or load_preset("default"))
    resolver = Resolver.from_registry(registry)
    prepare_projects(model, resolver, [project], strict=project.origin not in ("registry", "user"))
    county = model.counties[county_code]
    weights = model.preset["weights"]
    total_weight = sum(float(weights.get(k, 0)) for k in weights)
    out: dict[str, Any] = {
        "project": {"id": project.id, "name_zh": project.name_zh, "name_en": project.name_en,
                    "origin_id": project.origin_id, "segments": project.segs, "land_mu": project.land_mu,
                    "energy_tce": project.energy_tce, "pollution": project.pollution,
                    "added_value": project.added_value, "tax": project.tax, "confidence": project.confidence,
                    "sample": project.sample, "hash": project.fingerprint(), "problems": project.problems},
        "county": {"code": county_code, "name_zh": county["name_zh"], "name_en": county["name_en"]},
    }  # fmt: skip
    cache = DestinationCache(model)
    s = None
    if project.segs:
        s = score_destination(model, project.scoring_dict(), county_code, segs=project.segs,
                              origin=project.origin_id, family=project.family, cache=cache)  # fmt: skip
    pairings = [p for p in model.pairings_of(county_code) if p["partner_id"] in project.family]
    out["paired"] = bool(pairings)
    out["pairings"] = [dataclasses.asdict(p) | {"chains": ";".join(p.chains)} for p in pairings]
    if s is None:
        out["score"] = None
        out["components"] = []
        out["no_score"] = "the county holds no segment within reach of the project's chain segments"
    else:
        out["score"] = s.score
        out["relation"] = s.relation
        out["segment"] = {"key": s.segment_key, "name_zh": s.segment_zh, "name_en": s.segment_en,
                          "gbt": s.segment_gbt, "chain_id": s.chain_id, "chain_zh": s.chain_zh}  # fmt: skip
        out["components"] = _component_rows(model, project, county_code, s, total_weight)
        out["path"] = _path_rows(model, s)
        out["path_zh"] = " → ".join(model.graph.nodes[k]["name_zh"] for k in s.path)
        out["path_en"] = " → ".join(model.graph.nodes[k]["name_en"] for k in s.path)
        out["confidence"] = s.confidence
        out["path_confidence"] = path_confidence(model.graph, s.path)
        out["sources"] = s.sources
    out["run"] = _explain_run(run, project, county_code, model) if run is not None else None
    return out


def _component_rows(
    model: Any, project: PlanProject, code: str, s: Any, total_weight: float
) -> list[dict[str, Any]]:
    graph = model.graph
    weights = model.preset["weights"]
    node = graph.nodes[s.segment_key]
    decay = float(model.preset.get("decay", 0.5))
    hops = len(s.path) - 1
    hops_uv = list(zip(s.path, s.path[1:], strict=False))
    edges = [f"{graph.nodes[u]['name_zh']}→{graph.nodes[v]['name_zh']} weight {graph.edges[u, v]['weight']:.4g} "
             f"({graph.edges[u, v]['weight_source']})" for u, v in hops_uv]  # fmt: skip
    edges_zh = [f"{graph.nodes[u]['name_zh']}→{graph.nodes[v]['name_zh']} 权重 {graph.edges[u, v]['weight']:.4g}"
                f"（{graph.edges[u, v]['weight_source']}）" for u, v in hops_uv]  # fmt: skip
    pairing = next((p for p in model.pairings_of(code) if p["id"] == s.pairing_id), None)
    pfit, pind = model.partner_fit(project.origin_id, s.segment_key) if project.origin_id else (0.0, "")
    seg_sectors = model.sectors_of(node["codes"])
    from chainlink.industries import split_codes

    county_sectors = model.sectors_of(
        [c for f in model.county_facts(code) for c in split_codes(f["gbt_codes"])]
    )
    io_best = _io_pair(model, seg_sectors, county_sectors)
    policy_base = model.policy_value(node["codes"])
    from chainlink.vocabulary import RELATION_ZH

    rel_zh = RELATION_ZH[s.relation]
    chains = ";".join(pairing["chains"]) if pairing else ""
    capped = project.pollution in ("medium", "high")
    seg_list, county_list = ", ".join(seg_sectors) or "—", ", ".join(county_sectors) or "—"
    if pairing:
        pair_en = (
            f"{pairing['id']} {pairing['kind']} with {pairing['partner_id']}"
            f"{' on ' + chains if chains else ''}; {pairing['round']}; "
            f"source: {pairing['source']} ({pairing['confidence']})"
        )
        pair_zh = (
            f"{pairing['id']} {PAIRING_ZH.get(pairing['kind'], pairing['kind'])}，结对方 "
            f"{pairing['partner_id']}{'（' + chains + '）' if chains else ''}；"
            f"{pairing['round']}；来源：{pairing['source']}（{pairing['confidence']}）"
        )
    else:
        pair_en = f"no pairing between {project.origin_id or 'the (unknown) origin'} and {s.county_zh}"
        pair_zh = f"来源地 {project.origin_id or '（未知）'} 与{s.county_zh}无结对记录"
    io_en = (
        f"IO 2020 relatedness R({io_best[0]}, {io_best[1]}) = {io_best[2]:.4g}"
        if io_best
        else "no IO sector of the segment is related to the county's industries"
    )
    io_zh = (
        f"2020年投入产出关联 R({io_best[0]}, {io_best[1]}) = {io_best[2]:.4g}"
        if io_best
        else "环节所在部门与本县产业无投入产出关联"
    )
    data = {
        "chain_fit": (f"{s.county_zh}“{s.via_industry_zh}”({s.via_code}) holds {s.via_segment_zh} "
                      f"({s.via_segment}); {hops} hop(s) to {s.segment_zh}; decay {decay:g} per hop beyond the first",
                      f"{s.county_zh}特色产业“{s.via_industry_zh}”({s.via_code})对应环节“{s.via_segment_zh}”；"
                      f"距“{s.segment_zh}”{hops}环；第二环起每环×{decay:g}"),
        "link": ("; ".join(edges) if edges else "strengthen: the county holds the segment (1)",
                 "；".join(edges_zh) if edges_zh else "强链：本县已有该环节（1）"),
        "gap": (f"{s.relation} ({rel_zh})", f"{rel_zh}（{s.relation}）"),
        "pairing": (pair_en, pair_zh),
        "partner_fit": (f"partner industry {pind}" if pind else "no source names the origin's industry on this chain",
                        f"结对方产业“{pind}”" if pind else "无来源记载来源地在该链上的产业"),
        "io": (f"{io_en}; segment sectors {seg_list}; county sectors {county_list}",
               f"{io_zh}；环节部门 {seg_list}；本县部门 {county_list}"),
        "density": (f"relatedness density of sectors {seg_list} in the county (NBS 2020 φ)",
                    f"部门 {seg_list} 在本县的关联密度（2020年投入产出 φ）"),
        "policy": (f"segment codes {node['gbt_codes']}: {policy_base:g}"
                   + (f", capped by pollution {project.pollution}" if capped else ""),
                   f"环节代码 {node['gbt_codes']}：{policy_base:g}" + (f"，受污染等级 {project.pollution} 限制" if capped else "")),
        "evidence": (f"weakest confidence of the facts used: {s.confidence}", f"所用事实的最弱可信度：{s.confidence}"),
    }  # fmt: skip
    rows = []
    for key, value in s.components.items():
        w = float(weights.get(key, 0))
        rows.append({"component": key, "value": round(value, 6), "weight": w,
                     "contribution": round(w * value / total_weight, 6) if total_weight else 0.0,
                     "data": data.get(key, ("", ""))[0], "data_zh": data.get(key, ("", ""))[1]})  # fmt: skip
    return rows


def _io_pair(model: Any, seg: list[str], mine: list[str]) -> tuple[str, str, float] | None:
    if not seg or not mine:
        return None
    marks = ",".join("?" * len(seg))
    related: dict[tuple[str, str], float] = {}
    for a, b, v in model.registry.conn.execute(
        f"SELECT sector_1, sector_2, value FROM io_relatedness WHERE year = 2020 AND sector_1 IN ({marks})",
        seg,
    ):
        related[a, b] = v
    best = max(((1.0 if a == b else related.get((a, b), 0.0), a, b) for a in seg for b in mine), default=None)
    return (best[1], best[2], best[0]) if best and best[0] > 0 else None


def _path_rows(model: Any, s: Any) -> list[dict[str, Any]]:
    graph = model.graph
    return [
        {"from": u, "to": v, "from_zh": graph.nodes[u]["name_zh"], "to_zh": graph.nodes[v]["name_zh"],
         "weight": graph.edges[u, v]["weight"], "weight_source": graph.edges[u, v]["weight_source"],
         "confidence": graph.edges[u, v]["confidence"]}
        for u, v in zip(s.path, s.path[1:], strict=False)
    ]  # fmt: skip


def _explain_run(run: dict[str, Any], project: PlanProject, code: str, model: Any) -> dict[str, Any]:
    res = run["results"]
    dests = {d["id"]: d for d in res["destinations"]}
    placed = next((a for a in res["assignments"] if a["project"] == project.id), None)
    left = next((u for u in res["unassigned"] if u["project"] == project.id), None)
    cells = [c for c in run.get("cells", []) if c["project"] == project.id]
    recorded = next((p for p in run["inputs"]["projects"] if p["id"] == project.id), None)
    out: dict[str, Any] = {
        "status": res["status"], "in_run": recorded is not None,
        "hash_matches": recorded is not None and recorded["hash"] == project.fingerprint(),
        "assigned_to": placed["destination"] if placed else None,
        "score": placed["score"] if placed else None,
        "unassigned_reason": left["reason"] if left else None,
        "unassigned_detail": left["detail"] if left else None,
    }  # fmt: skip
    mine = [d for d in res["destinations"] if d["county_code"] == code]
    out["county_destinations"] = [
        {k: d[k] for k in ("id", "kind", "land_cap", "land_used", "energy_cap", "energy_used", "binding",
                           "land_source", "energy_source", "max_pollution", "restriction_source", "projects")}
        for d in mine
    ]  # fmt: skip
    out["county"] = next((c for c in res["counties"] if c["county_code"] == code), None)
    chosen = placed["score"] if placed else -math.inf
    higher = sorted((c for c in cells if c["score"] is not None and c["score"] > chosen and
                     (not placed or c["destination"] != placed["destination"])),
                    key=lambda c: (-c["score"], c["destination"]))  # fmt: skip
    forced = run.get("parameters", {}).get("forced", {})
    why = []
    for c in higher:
        d = dests.get(c["destination"])
        why.append({"destination": c["destination"], "name_zh": d["name_zh"] if d else "",
                    "name_en": d["name_en"] if d else "", "score": c["score"],
                    "why": (w := _why_not(c, d, dests, project, placed, forced, res, run))[0],
                    "why_zh": w[1]})  # fmt: skip
    out["higher_scoring"] = why
    return out


SOURCE_ZH = {"sample": "示例", "scenario": "情景", "judgement": "判断"}


def _why_not(
    cell: dict[str, Any], d: dict[str, Any] | None, dests: dict[str, Any], project: PlanProject,
    placed: dict[str, Any] | None, forced: dict[str, str], res: dict[str, Any], run: dict[str, Any],
) -> tuple[str, str]:  # fmt: skip
    """Why the project is not at destination ``d`` in the run: (English, Chinese)."""
    if cell["reason"]:
        pollution = project.pollution or UNKNOWN_POLLUTION
        limit = d["max_pollution"] if d else "?"
        source = d["restriction_source"] if d else ""
        text = {
            "not_paired": ("not eligible: the county is not paired with the project's origin (use --any-pair)",
                           "不可去：该县与项目来源地无结对（--any-pair 可放开）"),
            "environment": (f"not eligible: pollution {pollution} is above the destination's limit {limit} ({source})",
                            f"不可去：污染等级 {pollution} 高于该目的地上限 {limit}（{SOURCE_ZH.get(source, source)}）"),
            "intensity": ("not eligible: misses the per-mu intensity target (intensity constraint)",
                          "不可去：未达亩均目标（亩均约束）"),
            "excluded": ("excluded by the scenario", "情景文件排除"),
            "no_score": ("no chain fit", "无产业链契合"),
        }  # fmt: skip
        return text.get(cell["reason"], (cell["reason"], cell["reason"]))
    if project.id in forced:
        return (
            f"the scenario forces the project to {forced[project.id]}",
            f"情景文件强制分配到 {forced[project.id]}",
        )
    if d is None:
        return ("destination not in the run", "运行中无此目的地")
    short_en, short_zh = [], []
    for key, amount, unit, zh in (
        ("land", project.land_mu or 0.0, "mu", ("用地", "亩")),
        ("energy", project.energy_tce or 0.0, "tce", ("能耗", "吨标煤")),
    ):
        cap, used = d[f"{key}_cap"], d[f"{key}_used"]
        if cap is None:
            continue
        free = cap - used
        if amount > free + 1e-6:
            src = d[key + "_source"]
            short_en.append(f"{key}: {max(free, 0):g} {unit} left of {cap:g} ({src}), needs {amount:g}")
            short_zh.append(
                f"{zh[0]}剩 {max(free, 0):g} {zh[1]}（共 {cap:g}，{SOURCE_ZH.get(src, src)}），需 {amount:g}"
            )
    if short_en:
        return ("capacity: " + "; ".join(short_en), "容量不足：" + "；".join(short_zh))
    if d["kind"] == "enclave" and run.get("parameters", {}).get("enclave_rule") == "overflow":
        homes = [
            x for x in dests.values() if x["county_code"] == d["county_code"] and x["kind"] == "platform"
        ]
        for h in homes:
            if h["land_cap"] is None or h["land_cap"] - h["land_used"] >= (project.land_mu or 0.0):
                return (
                    f"enclave rule: {h['id']} still has land for it (an enclave takes only what the home cannot)",
                    f"飞地规则：{h['id']} 仍有用地容纳它（飞地只接本县平台容纳不下的项目）",
                )
    if res["status"] != "optimal":
        return (
            f"the solver stopped ({res['status']}, gap {res['gap']}): not proved optimal",
            f"求解未证明最优（{res['status']}，间隙 {res['gap']}）",
        )
    return ("it fits, but the optimum uses the room otherwise: moving it would lower the total score or break a "
            "fairness floor or the enclave rule",
            "可以容纳，但最优解把容量留给了其他项目：调过去会降低总分，或破坏公平下限、飞地规则")  # fmt: skip
