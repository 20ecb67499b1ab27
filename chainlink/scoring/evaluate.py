"""Leave-one-out backtest of the matching model over the registry's real, sourced cases.

A *case* is a sourced project or transfer that has landed in a county (``projects`` rows with
``confidence = sourced``, ``kind != sample`` and a ``county_code``). For each case the registry is
seen without the case and without every fact derived only from it (:class:`HeldOut`), the model is
rebuilt, and two questions are asked (docs/evaluation.md defines every term):

- **county direction** — does ``chainlink match COUNTY`` for the receiving county list the case's
  partner *and* industry, and at which rank? Only cases with an origin partner are asked;
- **project direction** — does ``chainlink match --project`` for the case, described at its
  origin (name, origin, GB/T codes, segment), rank the real destination county, and where?

:func:`evaluate` returns one :class:`CaseResult` per case; :func:`summarise` turns them into
hit@k and mean reciprocal rank (MRR) per direction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

from chainlink.base.industries import split_codes
from chainlink.store.registry import presence_rows

KS = (1, 3, 5, 10)
DIRECTIONS = ("county", "project", "landing")
# How the industry of a county-direction row is compared with the case's (strictest available first).
TIERS = ("segment", "gbt", "io")


def is_case(project: dict[str, Any]) -> bool:
    """A real, sourced project or transfer that landed in a county (an evaluation case).

    >>> is_case({"confidence": "sourced", "kind": "transfer", "county_code": "331125"})
    True
    >>> is_case({"confidence": "sample", "kind": "transfer", "county_code": "331125"})
    False
    >>> is_case({"confidence": "sourced", "kind": "investment", "county_code": ""})
    False
    """
    return (
        project.get("confidence") == "sourced"
        and project.get("kind") != "sample"
        and bool(project.get("county_code"))
    )


def derived_from(row: dict[str, Any]) -> set[str]:
    """Project ids a fact row was written from (its ``derived_from`` column, ';'-separated).

    >>> sorted(derived_from({"derived_from": "PRJ001; PRJ004"}))
    ['PRJ001', 'PRJ004']
    >>> derived_from({"id": "Z01"})
    set()
    """
    return set(split_codes(row.get("derived_from")))


def group_match(case_codes: list[str], segment_codes: list[str]) -> bool:
    """GB/T industry match at class or group level: some case code and some segment code agree on
    their first ``min(len(a), len(b), 3)`` digits — the group (中类), or the division when either is
    only given at division level.

    >>> group_match(["2921"], ["2922"])     # same group 292 (plastic products)
    True
    >>> group_match(["2921"], ["2611"])
    False
    >>> group_match(["73"], ["7320"])       # the case is only known at division level
    True
    >>> group_match(["3443"], ["34"])       # the segment is only coded at division level
    True
    """
    for a in case_codes:
        for b in segment_codes:
            n = min(len(a), len(b), 3)
            if n >= 2 and a[:n] == b[:n]:
                return True
    return False


class HeldOut:
    """A read-only view of a registry without one case and the facts derived only from it.

    Removed: the case's ``projects`` row; every ``partner_industries`` row (and, where those tables
    carry ``derived_from``, every pairing, enterprise and characteristic-industry row) whose
    ``derived_from`` names only this case; holdings and firm links of removed facts go with them. Rows whose ``derived_from`` also names another case stay: another case supports them.

    Until a table records ``derived_from`` (a registry built before the column existed), a
    ``partner_industries`` row is treated as derived from the case when it belongs to the case's
    origin side (the origin, its parent or child zones) and shares a GB/T code prefix with the case
    (:func:`group_match`) — the conservative reading: it removes every row that may leak the answer.
    """

    def __init__(self, base: Any, case: dict[str, Any]) -> None:
        self._base = base
        self.case = case
        self.removed: list[str] = [case["id"]]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)

    def _derived_only_from_case(self, row: dict[str, Any]) -> bool:
        return derived_from(row) == {self.case["id"]}

    def _filter(self, rows: list[dict[str, Any]], table: str) -> list[dict[str, Any]]:
        keep = []
        for row in rows:
            if self._derived_only_from_case(row):
                self.removed.append(f"{table}:{row.get('id', '')}")
            else:
                keep.append(row)
        return keep

    @cached_property
    def projects(self) -> list[dict[str, Any]]:
        """Projects without the case."""
        return [p for p in self._base.projects if p["id"] != self.case["id"]]

    @cached_property
    def partner_industries(self) -> list[dict[str, Any]]:
        """Partner industries without the rows derived only from the case."""
        rows = self._base.partner_industries
        if any("derived_from" in r for r in rows):
            return self._filter(rows, "partner_industries")
        origin = self.case.get("origin_id") or ""
        if not origin:
            return list(rows)
        side = _family(self._base, origin)
        codes = split_codes(self.case.get("gbt_codes"))
        keep = []
        for row in rows:
            if row["partner_id"] in side and group_match(codes, split_codes(row["gbt_codes"])):
                self.removed.append(f"partner_industries:{row['id']}")
            else:
                keep.append(row)
        return keep

    @cached_property
    def pairings(self) -> list[dict[str, Any]]:
        """Pairings without those derived only from the case (where ``pairings`` records ``derived_from``)."""
        return self._filter(self._base.pairings, "pairings")

    @cached_property
    def enterprises(self) -> list[dict[str, Any]]:
        """Enterprises without those derived only from the case."""
        return self._filter(self._base.enterprises, "enterprises")

    @cached_property
    def enterprise_ids(self) -> set[str]:
        """The ids of :attr:`enterprises` (without the case's)."""
        return {e["id"] for e in self.enterprises}

    @cached_property
    def presence_enterprises(self) -> list[dict[str, Any]]:
        """:attr:`enterprises` other than listed and named firms (without the case's)."""
        return presence_rows(self.enterprises)

    @cached_property
    def characteristic_industries(self) -> list[dict[str, Any]]:
        """Characteristic industries without those derived only from the case."""
        return self._filter(self._base.characteristic_industries, "characteristic_industries")


def _family(registry: Any, pid: str) -> set[str]:
    """A partner with its parent zone and child zones."""
    partners = {p["id"]: p for p in registry.partners}
    family = {pid}
    parent = (partners.get(pid) or {}).get("parent")
    if parent:
        family.add(parent)
    family |= {p for p, row in partners.items() if row.get("parent") == pid}
    return family


@dataclass
class CaseResult:
    """The outcome of one held-out case in both directions (rank 0 = not found)."""

    case_id: str
    name_zh: str
    origin_id: str
    county_code: str
    county_zh: str
    gbt_codes: str
    segment_key: str
    tier: str = ""
    county_rank: int = 0
    county_rows: int = 0
    county_row: str = ""
    county_why: str = ""  # why the county direction misses or ranks below 5 (:func:`county_miss_reason`)
    project_rank: int = 0
    project_rows: int = 0
    project_top: str = ""
    project_top_zh: str = ""
    landing: str = ""  # the case's recorded landing: county | enclave ('' unknown)
    landing_rank: int = 0  # rank of the first row with the real county and the real landing
    removed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        """Flat row for output (:data:`COLUMNS`); rank 0 becomes '' (not found)."""
        out = asdict(self)
        out["county_rank"] = self.county_rank or ""
        out["project_rank"] = self.project_rank or ""
        out["landing_rank"] = self.landing_rank or ""
        out["county_asked"] = bool(self.origin_id)
        out["removed"] = ";".join(self.removed)
        out["notes"] = "; ".join(self.notes)
        return {k: out[k] for k in COLUMNS}


COLUMNS = (
    "case_id",
    "name_zh",
    "origin_id",
    "county_code",
    "county_zh",
    "gbt_codes",
    "segment_key",
    "tier",
    "county_asked",
    "county_rank",
    "county_rows",
    "county_row",
    "county_why",
    "project_rank",
    "project_rows",
    "project_top",
    "project_top_zh",
    "landing",
    "landing_rank",
    "removed",
    "notes",
)
SUMMARY_COLUMNS = ("direction", "cases", *(f"hit@{k}" for k in KS), "mrr")


def cases(registry: Any) -> list[dict[str, Any]]:
    """The evaluation cases of ``registry`` (:func:`is_case`), by id."""
    return sorted((p for p in registry.projects if is_case(p)), key=lambda p: p["id"])


def _industry_tier(model: Any, case: dict[str, Any]) -> str:
    """The strictest industry comparison the case supports (:data:`TIERS`)."""
    if case.get("segment_key") and case["segment_key"] in model.graph:
        return "segment"
    codes = split_codes(case.get("gbt_codes"))
    if any(group_match(codes, d["codes"]) for _, d in model.graph.nodes(data=True)):
        return "gbt"
    return "io"


def industry_hit(model: Any, case: dict[str, Any], tier: str, segment_key: str) -> bool:
    """Does the suggested ``segment_key`` carry the case's industry at ``tier``?

    segment: the same segment key; gbt: :func:`group_match` of the case's and the segment's codes;
    io: the segment and the case share an input–output sector (2020 scheme).
    """
    if tier == "segment":
        return segment_key == case["segment_key"]
    node = model.graph.nodes[segment_key]
    codes = split_codes(case.get("gbt_codes"))
    if tier == "gbt":
        return group_match(codes, node["codes"])
    return bool(set(model.sectors_of(codes)) & set(model.sectors_of(node["codes"])))


def partner_side(model: Any, origin: str) -> set[str]:
    """Who counts as the case's partner: the origin, its parent and child zones, and its host
    district (the same territory)."""
    side = model.partner_family(origin)
    host = (model.partners.get(origin) or {}).get("host_code")
    if host:
        side.add(host)
    return side


MISS_KINDS = ("no_pairing", "off_chain", "no_evidence", "other_partner", "ranking")


def county_miss_reason(
    model: Any, case: dict[str, Any], tier: str, side: set[str], rows: list[Any], rank: int
) -> str:
    """Why the county direction misses the case (or ranks it below 5), first reason that applies, as
    ``kind: detail`` with kind in :data:`MISS_KINDS`:

    - ``no_pairing`` — once the case is held out, the county has no pairing with the case's partner side;
    - ``off_chain`` — no chain segment carries the case's industry at its tier (e.g. 7040 rental);
    - ``no_evidence`` — segments carry it, but the partner has no evidence for them (profile, firms,
      projects) and the county holds nothing next to them: no row with this partner can exist;
    - ``other_partner`` — a row for the industry exists, but it names another partner of the county
      (the case's partner is only in ``other_partners``);
    - ``ranking`` — the row exists with the case's partner, at rank ``rank`` (the best row ahead is named).
    """
    pairings = [p for p in model.pairings_of(case["county_code"]) if p.partner_id in side]
    if not pairings:
        return "no_pairing: no pairing of the county with the case's partner once the case is held out"
    segments = [k for k in model.graph.nodes if industry_hit(model, case, tier, k)]
    if not segments:
        return f"off_chain: no chain segment carries GB/T {case.get('gbt_codes') or '?'} ({tier} tier)"
    if rank:
        top = rows[0]
        return (f"ranking: rank {rank} of {len(rows)}; #1 is {top.segment_key} via {top.partner_id} "
                f"({top.score:.3f})")  # fmt: skip
    found = [s for s in rows if s.segment_key in segments]
    if any(set(s.other_partners) & side for s in found):
        best = next(s for s in found if set(s.other_partners) & side)
        return f"other_partner: {best.segment_key} (rank {best.rank}) names {best.partner_id}; the case's partner is behind"
    fits = max((model.partner_fit_detail(p.partner_id, k).value for p in pairings for k in segments), default=0.0)
    held = model.county_holdings(case["county_code"])
    return (f"no_evidence: {len(segments)} segment(s) carry the industry; best partner fit {fits:.2f}, "
            f"county holdings near them: {'yes' if any(k in held for k in segments) else 'none'}")


def evaluate_case(
    registry: Any, case: dict[str, Any], preset: dict[str, Any] | None = None, *, include_sample: bool = True
) -> CaseResult:
    """Hold ``case`` out of ``registry``, rebuild the model and rank the case in both directions."""
    from chainlink.errors import ChainlinkError
    from chainlink.scoring.model import Model
    from chainlink.scoring.projects import rank_destinations
    from chainlink.scoring.suggest import suggest_for_county
    from chainlink.store.resolve import Resolver

    view = HeldOut(registry, case)
    model = Model(view, preset, include_sample=include_sample)
    county = model.counties.get(case["county_code"], {})
    result = CaseResult(
        case_id=case["id"],
        name_zh=case["name_zh"],
        origin_id=case.get("origin_id") or "",
        county_code=case["county_code"],
        county_zh=county.get("name_zh", ""),
        gbt_codes=case.get("gbt_codes") or "",
        segment_key=case.get("segment_key") or "",
        landing=case.get("landing") or "",
    )
    result.tier = _industry_tier(model, case)
    # (a) county direction
    if result.origin_id:
        side = partner_side(model, result.origin_id)
        answer = suggest_for_county(model, case["county_code"], top=None)
        result.county_rows = len(answer.suggestions)
        for s in answer.suggestions:
            if s.partner_id in side and industry_hit(model, case, result.tier, s.segment_key):
                result.county_rank = s.rank
                result.county_row = f"{s.segment_key} via {s.partner_id}"
                break
        if not 0 < result.county_rank <= 5:
            result.county_why = county_miss_reason(model, case, result.tier, side, answer.suggestions,
                                                   result.county_rank)  # fmt: skip
    else:
        result.notes.append("no origin partner: county direction not asked")
    # (b) project direction
    project = {
        "id": case["id"],
        "name": case["name_zh"],
        "_file": f"case {case['id']}",
    }
    if result.origin_id:
        project["origin"] = result.origin_id
    if case.get("segment_key"):
        project["segment"] = case["segment_key"]
    if case.get("gbt_codes"):
        project["gbt"] = case["gbt_codes"]
    try:
        ranked = rank_destinations(model, project, Resolver.from_registry(view), top=None)
    except ChainlinkError as exc:
        result.notes.append(f"project direction: {exc}")
    else:
        result.project_rows = len(ranked.suggestions)
        if ranked.suggestions:
            result.project_top = ranked.suggestions[0].county_code
            result.project_top_zh = ranked.suggestions[0].county_zh
        for s in ranked.suggestions:
            if s.county_code == case["county_code"]:
                result.project_rank = s.rank
                break
        for s in ranked.suggestions:
            if s.county_code == case["county_code"] and s.landing == result.landing:
                result.landing_rank = s.rank
                break
    result.removed = view.removed
    return result


def evaluate(
    registry: Any,
    preset: dict[str, Any] | None = None,
    *,
    include_sample: bool = True,
    only: list[str] | None = None,
) -> list[CaseResult]:
    """Leave-one-out results for every case of ``registry`` (or the case ids in ``only``)."""
    out = []
    for case in cases(registry):
        if only and case["id"] not in only:
            continue
        out.append(evaluate_case(registry, case, preset, include_sample=include_sample))
    return out


def summarise(results: list[CaseResult]) -> list[dict[str, Any]]:
    """hit@k (share of asked cases with rank ≤ k) and MRR (mean of 1/rank, 0 when not found) per direction:
    county, project, and landing (project direction counting a hit only at the real landing place, over
    the cases that record one).

    >>> r = [CaseResult("a", "", "x", "1", "", "", "", county_rank=1, project_rank=4),
    ...      CaseResult("b", "", "x", "1", "", "", "", county_rank=0, project_rank=2)]
    >>> s = summarise(r)
    >>> s[0]["hit@1"], s[0]["mrr"], s[1]["hit@3"], s[1]["mrr"], s[2]["cases"]
    (0.5, 0.5, 0.5, 0.375, 0)
    """
    rows = []
    for direction in DIRECTIONS:
        if direction == "county":
            ranks = [r.county_rank for r in results if r.origin_id]
        elif direction == "landing":
            ranks = [r.landing_rank for r in results if r.landing]
        else:
            ranks = [r.project_rank for r in results]
        n = len(ranks)
        row: dict[str, Any] = {"direction": direction, "cases": n}
        for k in KS:
            row[f"hit@{k}"] = round(sum(1 for x in ranks if 0 < x <= k) / n, 4) if n else 0.0
        row["mrr"] = round(sum(1 / x for x in ranks if x) / n, 4) if n else 0.0
        rows.append(row)
    return rows
