"""Plan inputs: options, projects (from the registry or a file) and destinations."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainlink.errors import DataError, SourceError, UsageError

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
        """The project as :func:`chainlink.scoring.projects.score_destination` reads it."""
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
    from chainlink.store.registry import table_names

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
    (one row each), with the fields of ``match --project`` (:data:`chainlink.scoring.projects.FIELDS`) plus
    ``added_value`` and ``tax``. Errors name the file and line (JSON: the item number)."""
    from chainlink.imports._validate import validate_project_fields
    from chainlink.scoring.projects import read_project_records, validate_project

    items = read_project_records(path, many=True)
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
        validate_project_fields(record, label, lines)
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
    from chainlink.scoring.projects import project_segments

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
