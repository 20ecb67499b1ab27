"""Scoring: suggestions for a county (what its partners can bring) and the shared model behind them.

Data flows one way: the registry is read once into a :class:`Model` (graph, evidence-based holdings,
pairings, partner profiles, firms, ecology); :func:`suggest_for_county` turns it into scored,
explained :class:`chainlink.scoring.model.Suggestion` rows (``chainlink.scoring.projects`` does the project
direction). Each component is a pure function in :mod:`chainlink.scoring.components`; the words and
thresholds are in :mod:`chainlink.base.vocabulary`; the weights and values come from a preset YAML
(docs/scoring.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from chainlink.base.industries import best_match, split_codes
from chainlink.base.vocabulary import (
    CONFIDENCE_LEVELS,
    OVERLAP_THRESHOLD,
    PARTNER_FIT_MIN,
    RELATION_ZH,
    RELATIONS,
    RESTRICTING_STATUSES,
    at_least,
    weakest,
)
from chainlink.errors import DataError, UsageError
from chainlink.scoring import components as C
from chainlink.scoring.model import Holding, Pairing, Suggestion

PRESET_DIR = Path(__file__).resolve().parent.parent / "presets"
CONFIDENCE_ORDER = CONFIDENCE_LEVELS
__all__ = [
    "CONFIDENCE_ORDER",
    "RELATIONS",
    "RELATION_ZH",
    "CountyAnswer",
    "Gap",
    "Model",
    "Suggestion",
    "evidence_holdings",
    "gaps_for",
    "load_preset",
    "make_suggestion",
    "suggest_for_county",
    "weakest",
]
INNOVATION_DIVISIONS = ("63", "64", "65", "73", "74", "75")  # R&D, technical and IT services
INDUSTRY_DIVISIONS = tuple(f"{d:02d}" for d in range(13, 44)) + ("58", "59", "60")  # manufacturing, logistics


def load_preset(name_or_path: str = "default") -> dict[str, Any]:
    """Load a weight preset by name (``chainlink/presets/NAME.yaml``) or path, validated."""
    from chainlink.base.yamlstrict import load_yaml

    path = Path(name_or_path)
    if not path.suffix:
        path = PRESET_DIR / f"{name_or_path}.yaml"
    if not path.exists():
        raise UsageError(f"{path}: no such preset")
    preset = load_yaml(path)
    weights = preset.get("weights") if isinstance(preset, dict) else None
    if not isinstance(weights, dict) or not weights:
        raise DataError(f"{path}: a preset needs a 'weights' mapping")
    for key, value in weights.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise DataError(f"{path}:{weights.key_lines[key]}: weight {key} must be a number ≥ 0")
    if sum(weights.values()) <= 0:
        raise DataError(f"{path}: the weights sum to 0")
    return preset


def enclave_fits(pairing: Pairing, codes: list[str]) -> bool:
    """Does an industry with ``codes`` suit the pairing's enclave? An innovation enclave (科创飞地) takes
    R&D, technical and IT services (GB/T 63–65, 73–75); an industrial enclave (产业飞地, also when the
    kind is not recorded) manufacturing and logistics (13–43, 58–60); an income enclave (消薄飞地) any.

    >>> p = Pairing("P", "331181", "x", "enclave", enclave_kind="innovation")
    >>> enclave_fits(p, ["7340"]), enclave_fits(p, ["2921"])
    (True, False)
    """
    kind = pairing.enclave_kind or "industry"
    if kind == "poverty":
        return True
    allowed = INNOVATION_DIVISIONS if kind == "innovation" else INDUSTRY_DIVISIONS
    return any(c[:2] in allowed for c in codes)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points in km.

    >>> round(distance_km((30.0, 120.0), (29.0, 120.0)))
    111
    """
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))


@dataclass
class PartnerFit:
    """The partner-fit component of one (partner, segment) and the evidence behind it."""

    value: float
    reason_zh: str
    reason_en: str
    n_evidence: int
    firms: list[dict[str, Any]]



@lru_cache(maxsize=65536)
def _best_match_memo(held: tuple[str, ...], segment: tuple[str, ...]) -> tuple[float, str, str]:
    """:func:`chainlink.base.industries.best_match`, memoised: a pure function of two code tuples."""
    return best_match(held, segment)


class Model:
    """Everything scoring needs, read once from a registry."""

    def __init__(
        self, registry: Any, preset: dict[str, Any] | None = None, *, include_sample: bool = True
    ) -> None:
        self.registry = registry
        self.preset = preset or load_preset()
        self.include_sample = include_sample
        self._fit_cache: dict[tuple[str, str], PartnerFit] = {}

    # -- preset values with defaults (older presets lack the newer keys) ---------------------
    def value(self, key: str, default: Any) -> Any:
        """A preset value, or ``default`` when the preset does not name it."""
        return self.preset.get(key, default)

    @cached_property
    def confidence_factor(self) -> dict[str, float]:
        """Score multiplier per weakest fact confidence (docs/scoring.md)."""
        return {"sourced": 1.0, "unverified": 0.6, "sample": 0.25} | dict(self.value("confidence_factor", {}))

    @cached_property
    def partner_fit_values(self) -> dict[str, float]:
        """Closeness values of partner evidence (preset ``partner_fit_value``)."""
        base = {
            "segment": 1.0, "class": 1.0, "firm": 1.0, "project": 1.0, "group": 0.75, "adjacent_firm": 0.6,
            "division": 0.5, "io_sector": 0.4, "chain": 0.4, "none": 0.0,
        }  # fmt: skip
        return base | dict(self.value("partner_fit_value", {}))

    # -- tables ---------------------------------------------------------------------------------
    @cached_property
    def graph(self):
        """The chain graph as plain adjacency (:func:`chainlink.network.graph.chain_adjacency`; read like NetworkX,
        ``.to_networkx()`` for analysis)."""
        from chainlink.network.graph import chain_adjacency

        return chain_adjacency(self.registry)

    @cached_property
    def chains(self) -> dict[str, dict[str, Any]]:
        """Chain id → chain row."""
        return {c["id"]: c for c in self.registry.chains}

    @cached_property
    def partners(self) -> dict[str, dict[str, Any]]:
        """Partner id → partner row."""
        return {p["id"]: p for p in self.registry.partners}

    @cached_property
    def counties(self) -> dict[str, dict[str, Any]]:
        """County code → county row."""
        return {c["code"]: c for c in self.registry.counties}

    def _table(self, name: str, order: str) -> list[dict[str, Any]]:
        cache = self.__dict__.setdefault("_table_cache", {})
        if (name, order) not in cache:
            attr = getattr(self.registry, name, None)
            cache[name, order] = attr if isinstance(attr, list) else self.registry._rows_if_present(name, order)
        return cache[name, order]

    @cached_property
    def pairings(self) -> list[Pairing]:
        """Every pairing as a :class:`Pairing`, by id."""
        return [Pairing.from_row(p) for p in self.registry.pairings]

    def pairings_of(self, county_code: str) -> list[Pairing]:
        """Pairings of one county, ordered by id."""
        return [p for p in self.pairings if p.county_code == county_code]

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        """Partner id → its child zones (index for :meth:`partner_family`)."""
        out: dict[str, list[str]] = {}
        for p, row in self.partners.items():
            if row["parent"]:
                out.setdefault(row["parent"], []).append(p)
        return out

    def partner_family(self, pid: str) -> set[str]:
        """A partner with its parent zone and child zones (梅山 belongs to 宁波经开区)."""
        family = {pid}
        parent = self.partners.get(pid, {}).get("parent")
        if parent:
            family.add(parent)
        family.update(self._children.get(pid, ()))
        return family

    def origin_side(self, pid: str) -> set[str]:
        """A partner's family plus its host district: the ids a pairing may name for it."""
        side = self.partner_family(pid)
        host = self.partners.get(pid, {}).get("host_code")
        if host:
            side.add(host)
        return side

    # -- input–output ---------------------------------------------------------------------------
    @cached_property
    def _io(self) -> tuple[tuple[Any, ...], dict[tuple[str, str], float]]:
        return self.registry.reference_read("score.io2020", self._read_io)

    def _read_io(self) -> tuple[tuple[Any, ...], dict[tuple[str, str], float]]:
        from chainlink.base.sectors import SectorMapping

        conn = self.registry.conn
        mapping = tuple(
            SectorMapping(r[0], r[1], tuple(split_codes(r[2])), r[3], r[4])
            for r in conn.execute(
                "SELECT io_code, io_name_zh, gbt_codes, derivation, note FROM io_sector_gbt WHERE scheme = 2020"
            )
        )
        related = {
            (r[0], r[1]): r[2]
            for r in conn.execute("SELECT sector_1, sector_2, value FROM io_relatedness WHERE year = 2020")
        }
        return mapping, related

    def sectors_of(self, codes: list[str]) -> list[str]:
        """IO sectors (2020 scheme) holding any of the GB/T ``codes``."""
        cache = self.__dict__.setdefault("_sectors_cache", {})
        key = tuple(codes)
        if key not in cache:
            cache[key] = sorted({x for c in codes for x in self._sectors_of_code(c)})
        return list(cache[key])

    @cached_property
    def _sector_prefixes(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """GB/T code of the mapping → IO sectors, and every prefix of such a code → IO sectors of the codes
        it begins: an index giving :func:`chainlink.base.sectors.sector_of_gbt`'s answer without a scan."""
        exact: dict[str, set[str]] = {}
        begins: dict[str, set[str]] = {}
        for m in self._io[0]:
            for g in m.gbt_codes:
                exact.setdefault(g, set()).add(m.io_code)
                for k in range(1, len(g) + 1):
                    begins.setdefault(g[:k], set()).add(m.io_code)
        return exact, begins

    def _sectors_of_code(self, code: str) -> list[str]:
        cache = self.__dict__.setdefault("_sector_cache", {})
        if code not in cache:
            text = str(code).strip()
            if text.isdigit() and 2 <= len(text) <= 4:  # what sector_of_gbt accepts; it raises on the rest
                exact, begins = self._sector_prefixes
                found = set(begins.get(text, ()))  # mapping codes that begin with the code (or equal it)
                for k in range(1, len(text)):
                    found |= exact.get(text[:k], set())  # mapping codes the code begins with
                cache[code] = sorted(found)
            else:
                from chainlink.base.sectors import sector_of_gbt

                cache[code] = sector_of_gbt(code, mapping=self._io[0])
        return cache[code]

    def io_value(self, segment_codes: list[str], county_code: str) -> float:
        """IO component (:func:`chainlink.scoring.components.io`) of codes against the county's industries."""
        return self.io_detail(segment_codes, county_code)[0]

    def io_detail(self, codes: list[str], county_code: str) -> tuple[float, str]:
        """IO component and the county industry it was measured against ('' when 0)."""
        cache = self.__dict__.setdefault("_io_cache", {})
        key = (tuple(codes), county_code)
        if key not in cache:
            seg = self.sectors_of(codes)
            best = (0.0, "")
            for fact in self.county_facts(county_code):
                value = C.io(seg, self.sectors_of(split_codes(fact["gbt_codes"])), self._io[1])
                if value > best[0]:
                    best = (value, fact["industry_zh"])
            cache[key] = best
        return cache[key]

    @cached_property
    def location_sectors(self) -> dict[str, set[str]]:
        """Location id → IO sectors present there (the rows of :func:`chainlink.scoring.geography.location_matrix`)."""
        from chainlink.scoring.geography import _facts

        out: dict[str, set[str]] = {}
        for loc, _kind, _fact, codes, _conf in _facts(self):
            out.setdefault(loc, set()).update(self.sectors_of(codes))
        return out

    def density_value(self, segment_codes: list[str], county_code: str) -> float:
        """Density component: relatedness density (φ = IO relatedness) of the segment's sectors in the county."""
        from chainlink.scoring.geography import density_of

        cache = self.__dict__.setdefault("_density_cache", {})
        targets = self.sectors_of(segment_codes)
        key = (county_code, tuple(targets))
        if key not in cache:
            held = self.location_sectors.get(county_code, set())
            totals = self.__dict__.setdefault("_density_totals", {})
            cache[key] = round(density_of(held, targets, self._io[1], self.io_products, totals=totals), 6)
        return cache[key]

    @cached_property
    def io_products(self) -> list[str]:
        """The 153 sector codes of the 2020 input–output table."""
        return [
            r[0]
            for r in self.registry.conn.execute("SELECT code FROM io_sectors WHERE year = 2020 ORDER BY code")
        ]

    # -- the county side: facts and holdings -------------------------------------------------------
    def county_facts(self, code: str) -> list[dict[str, Any]]:
        """The county's characteristic industries that carry GB/T codes."""
        cache = self.__dict__.setdefault("_county_facts_cache", {})
        if code not in cache:
            cache[code] = [f for f in self._facts_by_county.get(code, ()) if f["gbt_codes"]]
        return list(cache[code])

    @cached_property
    def _facts_by_county(self) -> dict[str, list[dict[str, Any]]]:
        """County code → its characteristic industries, in registry order (index)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for f in self.registry.characteristic_industries:
            out.setdefault(f["county_code"], []).append(f)
        return out

    @cached_property
    def _holding_rows(self) -> list[dict[str, Any]]:
        return self._table("holdings", "id")

    def county_holdings(self, code: str) -> dict[str, Holding]:
        """Segment key → :class:`Holding` the county has on evidence: a reviewed mapping of a characteristic
        industry (data/holdings.csv) or a real firm located in the county on the segment."""
        cache = self.__dict__.setdefault("_holdings_cache", {})
        if code in cache:
            return cache[code]
        facts = {f["id"]: f for f in self._facts_by_county.get(code, ())}
        out: dict[str, Holding] = {}
        for row in self._holding_rows:
            fact = facts.get(row["industry_id"])
            key = row["segment_key"]
            if row["county_code"] != code or fact is None or not key or key not in self.graph:
                continue
            if fact["confidence"] == "sample" and not self.include_sample:
                continue
            seg_codes = self.graph.nodes[key]["codes"]
            _, held, _ = best_match(split_codes(fact["gbt_codes"]), seg_codes)
            cand = Holding(
                segment=key,
                strength=float(row["strength"]),
                basis="industry",
                fact_id=fact["id"],
                industry_zh=fact["industry_zh"],
                industry_en=fact["industry_en"],
                held_code=held or (split_codes(fact["gbt_codes"]) or [""])[0],
                confidence=weakest(fact["confidence"], row["confidence"]),
                source=fact["source"],
                quote=fact.get("quote") or "",
                derivation=row["derivation"],
            )
            if _better_holding(cand, out.get(key)):
                out[key] = cand
        for firm in self.county_firms_on(code, None):
            key = firm["segment_key"]
            cand = Holding(
                segment=key,
                strength=1.0,
                basis="firm",
                fact_id=firm["id"],
                industry_zh=firm["name_zh"],
                industry_en=firm["name_zh"],
                held_code=firm.get("product") or "",
                confidence=firm.get("confidence") or "sourced",
                source=firm.get("source") or "",
                as_of=firm.get("as_of") or "",
            )
            if _better_holding(cand, out.get(key)):
                out[key] = cand
        cache[code] = out
        return out

    def overlap_holdings(self, code: str) -> dict[str, Holding]:
        """Segments a county industry's GB/T code overlaps (match ≥ ``overlap_threshold``) without a reviewed
        holding: a weak "related" signal, at most ``unverified``."""
        threshold = float(self.value("overlap_threshold", OVERLAP_THRESHOLD))
        held = self.county_holdings(code)
        out: dict[str, Holding] = {}
        for fact in self.county_facts(code):
            if fact["confidence"] == "sample" and not self.include_sample:
                continue
            codes = tuple(split_codes(fact["gbt_codes"]))
            for key, node in self.graph.nodes(data=True):
                if key in held:
                    continue
                strength, held_code, _ = _best_match_memo(codes, tuple(node["codes"]))
                if strength < threshold:
                    continue
                cand = Holding(
                    segment=key,
                    strength=strength,
                    basis="overlap",
                    fact_id=fact["id"],
                    industry_zh=fact["industry_zh"],
                    industry_en=fact["industry_en"],
                    held_code=held_code,
                    confidence=weakest(fact["confidence"], "unverified"),
                    source=fact["source"],
                )
                if _better_holding(cand, out.get(key)):
                    out[key] = cand
        return out

    # -- firms (chainlink.scoring.firms, when the registry has them) ---------------------------------------
    @cached_property
    def _firms(self) -> list[dict[str, Any]]:
        """Every real (and the user's) firm on every segment; [] when the registry has none."""
        try:
            from chainlink.scoring import firms as firms_mod
        except ImportError:
            return []
        rows = firms_mod.firms_on(self.registry, list(self.graph.nodes))
        present = {e["id"] for e in self.registry.enterprises}
        return [r for r in rows if r.get("user") or r["id"] in present or not present]

    @cached_property
    def _firm_index(self) -> tuple[dict[str, list[int]], dict[str, list[int]], dict[str, list[int]]]:
        """Positions in :attr:`_firms` by segment key, by county/place code and by partner id (indexes
        that keep the order of :attr:`_firms`)."""
        by_segment: dict[str, list[int]] = {}
        by_place: dict[str, list[int]] = {}
        by_partner: dict[str, list[int]] = {}
        for i, f in enumerate(self._firms):
            by_segment.setdefault(f["segment_key"], []).append(i)
            for code in {f.get("county_code"), f.get("place_code")}:
                by_place.setdefault(code, []).append(i)
            if f.get("partner_id"):
                by_partner.setdefault(f["partner_id"], []).append(i)
        return by_segment, by_place, by_partner

    def _firms_at(self, positions: Any) -> list[dict[str, Any]]:
        return [self._firms[i] for i in sorted(set(positions))]

    def county_firms_on(self, code: str, segments: list[str] | None) -> list[dict[str, Any]]:
        """Real firms located in county ``code`` on ``segments`` (all segments when None)."""
        here = self._firm_index[1].get(code, [])
        if segments is None:
            return self._firms_at(here)
        keys = set(segments)
        return self._firms_at(i for i in here if self._firms[i]["segment_key"] in keys)

    def partner_places(self, pid: str) -> set[str]:
        """County-level codes of a partner's territory (:func:`chainlink.scoring.firms.partner_places`)."""
        cache = self.__dict__.setdefault("_places_cache", {})
        if pid not in cache:
            try:
                from chainlink.scoring.firms import partner_places
            except ImportError:
                cache[pid] = set()
            else:
                cache[pid] = set().union(*(partner_places(self.registry, p) for p in self.partner_family(pid)))
        return cache[pid]

    def partner_firms_on(self, pid: str, segments: list[str]) -> list[dict[str, Any]]:
        """Real firms in the partner's territory (or tied to its zones) on ``segments``."""
        if not pid:
            return []
        cache = self.__dict__.setdefault("_partner_firm_cache", {})
        if pid not in cache:
            places, family = self.partner_places(pid), self.partner_family(pid)
            mine: dict[str, list[int]] = {}
            for i, f in enumerate(self._firms):
                if f.get("place_code") in places or f.get("partner_id") in family:
                    mine.setdefault(f["segment_key"], []).append(i)
            cache[pid] = mine
        mine = cache[pid]
        keys = set(segments)
        if len(keys) == 1:
            return [self._firms[i] for i in mine.get(next(iter(keys)), ())]
        return self._firms_at(i for key in keys for i in mine.get(key, ()))

    # -- the partner side -----------------------------------------------------------------------------
    def partner_profile(self, pid: str) -> list[dict[str, Any]]:
        """Industries a source names for the partner or its parent/child zones (partner_industries)."""
        cache = self.__dict__.setdefault("_profile_cache", {})
        if pid not in cache:
            family = self.partner_family(pid)
            cache[pid] = [
                f
                for f in self.registry.partner_industries
                if f["partner_id"] in family and (self.include_sample or f["confidence"] != "sample")
            ]
        return list(cache[pid])

    @cached_property
    def _chain_nodes(self) -> dict[str, list[list[str]]]:
        """Chain id → the GB/T codes of each of its segments (index for the ``chain`` level of partner fit)."""
        out: dict[str, list[list[str]]] = {}
        for key, node in self.graph.nodes(data=True):
            out.setdefault(key.split("/")[0], []).append(node["codes"])
        return out

    def _on_chain(self, codes: list[str], chain_id: str) -> bool:
        """Does any segment of ``chain_id`` match ``codes`` at ≥ 0.8 (:func:`best_match`)?"""
        cache = self.__dict__.setdefault("_on_chain_cache", {})
        key = (tuple(codes), chain_id)
        if key not in cache:
            cache[key] = any(best_match(codes, seg)[0] >= 0.8 for seg in self._chain_nodes.get(chain_id, ()))
        return cache[key]

    @cached_property
    def open_projects(self) -> dict[str, list[dict[str, Any]]]:
        """Projects not yet landed in a county (real and, unless excluded, sample), by chain segment.

        A project sits on its ``segment_key``, or on every segment whose codes match its GB/T codes
        at ≥ 0.8 (:func:`chainlink.base.industries.code_match`).
        """
        out: dict[str, list[dict[str, Any]]] = {}
        for project in self.registry.projects:
            if project.get("county_code") or not project.get("origin_id"):
                continue
            if project["confidence"] == "sample" and not self.include_sample:
                continue
            if project.get("segment_key"):
                segments = [project["segment_key"]] if project["segment_key"] in self.graph else []
            else:
                codes = split_codes(project.get("gbt_codes"))
                segments = [
                    k for k, d in self.graph.nodes(data=True) if best_match(codes, d["codes"])[0] >= 0.8
                ]
            for key in segments:
                out.setdefault(key, []).append(project)
        return out

    def projects_on(self, partner_id: str, segment_key: str) -> list[dict[str, Any]]:
        """Open projects of ``partner_id`` (or its parent/child zones) on the segment: real first,
        then by investment (largest first) and id."""
        family = self.partner_family(partner_id)
        found = [p for p in self.open_projects.get(segment_key, []) if p["origin_id"] in family]
        return sorted(
            found, key=lambda p: (p["confidence"] == "sample", -(p.get("investment_wan") or 0), p["id"])
        )

    def _closeness(self, pcodes: tuple[str, ...], seg_codes: tuple[str, ...]) -> tuple[float, str, str]:
        """The closest (value, level, partner code) of :func:`chainlink.scoring.components.code_closeness` over the
        code pairs, the first best pair winning ((0, 'none', '') when none); memoised."""
        cache = self.__dict__.setdefault("_closeness_cache", {})
        key = (pcodes, seg_codes)
        if key not in cache:
            values = self.partner_fit_values
            best, level, code = 0.0, "none", ""
            for pc in pcodes:
                for sc in seg_codes:
                    v, lv = C.code_closeness(pc, sc, values)
                    if v > best:
                        best, level, code = v, lv, pc
            cache[key] = (best, level, code)
        return cache[key]

    def partner_fit_detail(self, pid: str, segment_key: str, codes: list[str] | None = None) -> PartnerFit:
        """Partner fit of ``pid`` for a segment (or, with ``codes`` and no segment, for those GB/T codes).

        Evidence: each profile industry at its closeness to the segment's codes (class / group / division
        of GB/T, else a shared IO sector, else another segment of the same chain); real firms of the
        partner's territory on the segment (firm) or one step from it (adjacent_firm); a real open
        project of the partner on it (project). Value = :func:`chainlink.scoring.components.partner_fit`.
        """
        cache_key = (pid, segment_key or ";".join(codes or []))
        if cache_key in self._fit_cache:
            return self._fit_cache[cache_key]
        values = self.partner_fit_values
        seg_codes = self.graph.nodes[segment_key]["codes"] if segment_key else list(codes or [])
        seg_sectors = set(self.sectors_of(seg_codes))
        items: list[tuple[float, str, str, str]] = []  # (value, confidence, reason_zh, reason_en)
        chain_id = segment_key.split("/")[0] if segment_key else ""
        for row in self.partner_profile(pid):
            pcodes = split_codes(row["gbt_codes"])
            best, level, code = self._closeness(tuple(pcodes), tuple(seg_codes))
            if best == 0 and seg_sectors & set(self.sectors_of(pcodes)):
                best, level, code = float(values["io_sector"]), "io_sector", pcodes[0] if pcodes else ""
            if best == 0 and chain_id and self._on_chain(pcodes, chain_id):
                best, level, code = float(values["chain"]), "chain", pcodes[0]
            if best <= 0:
                continue
            level_zh = {"class": "同类", "group": "同中类", "division": "同大类", "io_sector": "同投入产出部门",
                        "chain": "同产业链"}[level]  # fmt: skip
            quote = f"：“{row['quote']}”" if row.get("quote") else ""
            items.append((
                best, row["confidence"],
                f"{self.partners[pid]['short_zh'] or self.partners[pid]['name_zh']}有“{row['industry_zh']}”"
                f"（{code}，{level_zh}）{quote}",
                f"{self.partners[pid]['short_en'] or self.partners[pid]['name_en']} has '{row['industry_en']}' "
                f"({code}, same {level.replace('_', ' ')})",
            ))  # fmt: skip
        firms: list[dict[str, Any]] = []
        if segment_key:
            firms = self.partner_firms_on(pid, [segment_key])
            for f in firms:
                items.append((float(values["firm"]), f.get("confidence") or "sourced",
                              f"企业{f['name_zh']}（{f.get('kind', '')}）在该环节",
                              f"firm {f['name_zh']} ({f.get('kind', '')}) is on this segment"))  # fmt: skip
            if not firms:
                near = list(self.graph.predecessors(segment_key)) + list(self.graph.successors(segment_key))
                for f in self.partner_firms_on(pid, near):
                    items.append((float(values["adjacent_firm"]), f.get("confidence") or "sourced",
                                  f"企业{f['name_zh']}在相邻环节", f"firm {f['name_zh']} is on an adjacent segment"))  # fmt: skip
            for p in self.projects_on(pid, segment_key):
                if p["confidence"] != "sample":
                    items.append((float(values["project"]), p["confidence"], f"有项目“{p['name_zh']}”",
                                  f"has the project '{p.get('name_en') or p['name_zh']}'"))  # fmt: skip
        value = C.partner_fit([(v, c) for v, c, *_ in items], self.confidence_factor | {"sample": 0.0})
        items.sort(key=lambda t: (-t[0] * self.confidence_factor.get(t[1], 0), CONFIDENCE_LEVELS.index(t[1])))
        counted = [t for t in items if t[1] != "sample" or self.include_sample]
        fit = PartnerFit(
            value,
            counted[0][2] if counted and value > 0 else "",
            counted[0][3] if counted and value > 0 else "",
            sum(1 for t in counted if t[0] > 0),
            firms,
        )
        self._fit_cache[cache_key] = fit
        return fit

    def partner_fit(self, partner_id: str, segment_key: str) -> tuple[float, str]:
        """Partner-fit component and the reason (Chinese), or (0, '')."""
        if not partner_id:
            return 0.0, ""
        fit = self.partner_fit_detail(partner_id, segment_key)
        return fit.value, fit.reason_zh

    def partner_segments(self, pid: str) -> list[str]:
        """Segments the partner's evidence reaches at ≥ ``partner_fit_min`` (offered as "related" rows)."""
        cache = self.__dict__.setdefault("_partner_segs", {})
        if pid not in cache:
            threshold = float(self.value("partner_fit_min", PARTNER_FIT_MIN))
            cache[pid] = [k for k in sorted(self.graph.nodes) if self.partner_fit_detail(pid, k).value >= threshold]
        return cache[pid]

    # -- ecology and policy -------------------------------------------------------------------------
    @cached_property
    def pollution_rows(self) -> list[dict[str, Any]]:
        """Rows of the sourced heavy-pollution lists the preset uses (``pollution_lists``; all when unset)."""
        lists = self.value("pollution_lists", None)
        return [
            r
            for r in self._table("pollution_industries", "id")
            if r.get("confidence") != "sample" and (lists is None or r.get("list_id") in lists)
        ]

    @cached_property
    def pollution_codes(self) -> list[str]:
        """GB/T codes of the heavy-pollution lists (:attr:`pollution_rows`), else the preset's
        ``policy.sensitive.codes`` (a registry without the table)."""
        codes = sorted({c for r in self.pollution_rows for c in split_codes(r["gbt_codes"])})
        return codes or list(self.preset["policy"]["sensitive"]["codes"])

    @cached_property
    def pollution_source(self) -> str:
        """Where the pollution list comes from (for explanations)."""
        names = list(dict.fromkeys(r["list_name"] for r in self.pollution_rows if r.get("list_name")))
        return "; ".join(names) or "chainlink preset policy.sensitive"

    def is_polluting(self, codes: list[str]) -> bool:
        """Is an industry with ``codes`` on the heavy-pollution list (:func:`chainlink.scoring.components.polluting`)?"""
        cache = self.__dict__.setdefault("_polluting_cache", {})
        key = tuple(codes)
        if key not in cache:
            cache[key] = C.polluting(codes, self.pollution_codes)
        return cache[key]

    def pollution_entry(self, codes: list[str]) -> str:
        """The pollution-list entry an industry falls in ('' when none)."""
        for r in self.pollution_rows:
            if C.polluting(codes, split_codes(r["gbt_codes"])):
                return r["industry_zh"]
        return ""

    def ecology(self, code: str) -> dict[str, Any] | None:
        """The county's restricting ecological status row — status in
        :data:`chainlink.base.vocabulary.RESTRICTING_STATUSES` and ``sourced`` (an unverified status does not
        exclude anything) — or None."""
        for r in self._table("county_ecology", "id"):
            if r["county_code"] == code and r["status"] in RESTRICTING_STATUSES and r["confidence"] == "sourced":
                return r
        return None

    def policy_value(self, codes: list[str]) -> float:
        """Policy component (:func:`chainlink.scoring.components.policy`): polluting, favoured or neither."""
        policy = self.preset["policy"]
        fav = list(policy["favoured"]["codes"])
        favoured = best_match(codes, fav)[0] >= 0.9 or any(c.startswith(tuple(fav)) for c in codes)
        values = {"favoured": policy["favoured"]["value"], "sensitive": policy["sensitive"]["value"],
                  "default": policy["default"]}  # fmt: skip
        return C.policy(self.is_polluting(codes), favoured, values)

    # -- component helpers kept for callers (plan.explain) -----------------------------------------
    def pairing_value(self, pairing: Any, chain_id: str) -> float:
        """Pairing component (:func:`chainlink.scoring.components.pairing`)."""
        if pairing is None:
            return C.pairing(None, False, self.preset["pairing_value"])
        chains = pairing["chains"]
        chains = split_codes(chains) if isinstance(chains, str) else list(chains)
        return C.pairing(pairing["kind"], chain_id in chains, self.preset["pairing_value"])

    def total(self, components: dict[str, float]) -> float:
        """Weighted mean of the components under the preset's weights."""
        return C.total(components, self.preset["weights"])

    def enclave_host(self, pairing: Pairing) -> str:
        """Where the pairing's enclave is: its recorded host, else the partner (飞地 in the partner's territory)."""
        if pairing.enclave_host:
            host = self.partners.get(pairing.enclave_host) or self.counties.get(pairing.enclave_host)
            return (host or {}).get("name_zh", pairing.enclave_host)
        return self.partners.get(pairing.partner_id, {}).get("name_zh", pairing.partner_id)

    def distance(self, county_code: str, partner_id: str) -> float:
        """km between a county and a partner (inf when either has no coordinates)."""
        c, p = self.counties.get(county_code, {}), self.partners.get(partner_id, {})
        try:
            return distance_km((float(c["lat"]), float(c["lon"])), (float(p["lat"]), float(p["lon"])))
        except (KeyError, TypeError, ValueError):
            return math.inf


def evidence_holdings(registry: Any, *, include_sample: bool = True) -> dict[str, dict[str, Holding]]:
    """County code → segment key → :class:`Holding`, for every county: the one definition of "a county holds
    a segment" (a reviewed mapping of a characteristic industry in data/holdings.csv, or a real firm located
    there; :meth:`Model.county_holdings`). Chain export, ``county show``, ``chains show`` and ``browse`` all
    read it; a GB/T code overlap is never a holding."""
    model = registry if isinstance(registry, Model) else Model(registry, include_sample=include_sample)
    return {code: model.county_holdings(code) for code in sorted(model.counties)}


def _better_holding(cand: Holding, current: Holding | None) -> bool:
    """Keep the stronger holding; on a tie the better-sourced one, then a characteristic industry over a firm."""
    if current is None:
        return True
    rank = CONFIDENCE_LEVELS.index
    return (cand.strength, -rank(cand.confidence), cand.basis == "industry") > (
        current.strength,
        -rank(current.confidence),
        current.basis == "industry",
    )


# -- county → suggestions ---------------------------------------------------------------------


@dataclass
class CountyAnswer:
    """Suggestions for one county plus what is missing in the data to do better."""

    county: dict[str, Any]
    suggestions: list[Suggestion]
    missing: list[str]


def _candidates(model: Model, holdings: dict[str, Holding]) -> dict[str, tuple[str, list[str], Holding]]:
    """Segment key → (relation, path, holding) with the strongest chain fit per segment."""
    from chainlink.network.graph import hops_downstream, hops_upstream

    graph = model.graph
    max_hops = int(model.preset.get("max_hops", 2))
    decay = float(model.preset.get("decay", 0.5))
    best: dict[str, tuple[float, str, list[str], Holding]] = {}

    def offer(seg: str, relation: str, path: list[str], holding: Holding) -> None:
        fit = holding.strength * decay ** max(0, len(path) - 2)
        current = best.get(seg)
        if current is None or (fit, -RELATIONS.index(relation)) > (current[0], -RELATIONS.index(current[1])):
            best[seg] = (fit, relation, path, holding)

    for key in sorted(holdings):
        holding = holdings[key]
        offer(key, "strengthen", [key], holding)
        for seg, path in hops_upstream(graph, key, max_hops).items():
            if seg not in holdings:
                offer(seg, "fill", path, holding)
        for seg, path in hops_downstream(graph, key, max_hops).items():
            if seg not in holdings:
                offer(seg, "extend", path, holding)
    return {seg: (rel, path, holding) for seg, (_, rel, path, holding) in best.items()}


def landing_options(
    model: Model,
    county_code: str,
    pairing: Pairing | None,
    codes: list[str],
    *,
    allow_polluting: bool = False,
    polluting: bool | None = None,
) -> list[tuple[str, float, str, str, bool]]:
    """Where an industry with ``codes`` may land for ``county_code`` through ``pairing``:
    (landing, landing component, ecology rule zh, ecology rule en, polluting) per allowed place.

    The county platform, unless the industry is on the heavy-pollution list and the county has a
    restricting ecological status (then only with ``allow_polluting``, and the rule says so); an
    enclave in the partner's territory when the pairing has one (the ecology rule of the county does
    not bind there). ``polluting=True`` treats the industry as polluting whatever its codes (a project
    file's ``pollution: high``).
    """
    values = {"county": 1.0, "enclave_fit": 1.0, "enclave": 0.7} | dict(model.value("landing_value", {}))
    dirty = bool(polluting) or model.is_polluting(codes)
    eco = model.ecology(county_code) if dirty else None
    entry = model.pollution_entry(codes) if dirty else ""
    out = []
    if eco is None:
        rule_zh = f"属{entry or '重污染行业'}，本县无生态功能区限制记录" if dirty else ""
        rule_en = f"on the heavy-pollution list ({entry}); no restricting ecological status on record" if dirty else ""
        out.append(("county", C.landing("county", True, values), rule_zh, rule_en, dirty))
    elif allow_polluting:
        out.append((
            "county", C.landing("county", True, values),
            f"属{entry or '重污染行业'}（{model.pollution_source}），本县为{eco.get('status_zh') or eco['status']}："
            "默认排除，因 --allow-polluting 显示",
            f"heavily polluting ({entry}; {model.pollution_source}) in a county with status {eco['status']}: "
            "excluded by default, shown because of --allow-polluting",
            True,
        ))  # fmt: skip
    if pairing is not None and pairing.has_enclave:
        fits = enclave_fits(pairing, codes)
        rule_zh = (f"属{entry or '重污染行业'}，本县为{eco.get('status_zh') or eco['status']}，落地对方飞地不受本县生态限制"
                   if eco is not None else ("属重污染行业" if dirty else ""))  # fmt: skip
        rule_en = (f"heavily polluting ({entry}) and the county has status {eco['status']}: lands in the enclave "
                   "in the partner's territory instead" if eco is not None else ("heavily polluting" if dirty else ""))  # fmt: skip
        out.append(("enclave", C.landing("enclave", fits, values), rule_zh, rule_en, dirty))
    return out


def _partner_key(model: Model, s: Suggestion) -> tuple:
    """Ranking of partners for one segment: score, then evidence (count, fit), then pairing strength,
    then nearness; never the id (docs/scoring.md)."""
    return (
        -s.score,
        -s.partner_evidence,
        -s.components.get("partner_fit", 0.0),
        -s.components.get("pairing", 0.0),
        model.distance(s.county_code, s.partner_id),
        s.landing != "county",
        s.partner_id,
    )


def suggest_for_county(
    model: Model,
    county_code: str,
    *,
    top: int | None = 10,
    partner: str | None = None,
    chain: str | None = None,
    allow_polluting: bool = False,
    min_confidence: str = "sample",
    by_partner: bool = False,
) -> CountyAnswer:
    """Ranked suggestions of what ``county_code``'s paired partners can transfer or co-introduce.

    Candidates: segments up- (补链) or downstream (延链) of a segment the county holds on evidence, the
    held segments themselves (强链), segments a county industry only overlaps by GB/T code (related,
    weak), and segments a paired partner really has (related: its profile or its firms). Every paired
    partner is scored for every candidate; the row names the best (ties on evidence, never on id), the
    others are in ``other_partners``. ``by_partner`` keeps one row per (partner, segment) instead.
    """
    from chainlink.network.graph import path_confidence, path_weight

    county = model.counties[county_code]
    missing: list[str] = []
    facts = model.county_facts(county_code)
    all_facts = [f for f in model.registry.characteristic_industries if f["county_code"] == county_code]
    if not all_facts:
        missing.append("no characteristic industry on record")
    elif not facts:
        missing.append("no characteristic industry with a GB/T code")
    holdings = model.county_holdings(county_code)
    if facts and not holdings:
        missing.append("no reviewed holding: no characteristic industry is mapped to a chain segment (data/holdings.csv)")
    pairings = model.pairings_of(county_code)
    if not pairings:
        missing.append("no sourced pairing: partner unknown")
    if partner:
        pairings = [p for p in pairings if p.partner_id in model.partner_family(partner)]
        if not pairings:
            name = model.partners[partner]["name_zh"]
            raise DataError(
                f"{name} is not paired with {county['name_zh']} in the registry; see `chainlink pairs {county_code}`"
            )
    graph = model.graph
    cands = _candidates(model, holdings)
    for seg, holding in model.overlap_holdings(county_code).items():
        if seg not in cands:
            cands[seg] = ("related", [seg], holding)
    supply: dict[str, None] = {}
    for p in pairings:
        for seg in model.partner_segments(p.partner_id):
            if seg not in cands:
                supply[seg] = None
    decay = float(model.preset.get("decay", 0.5))
    overlap_factor = float(model.value("overlap_factor", 0.5))
    out: list[Suggestion] = []
    excluded = 0
    items: list[tuple[str, str, list[str], Holding | None]] = [(s, r, p, h) for s, (r, p, h) in cands.items()]
    items += [(s, "related", [s], None) for s in supply]
    for seg_key, relation, path, holding in items:
        node = graph.nodes[seg_key]
        if chain and node["chain_id"] != chain:
            continue
        if holding is not None:
            fit = C.chain_fit(holding.strength, len(path) - 1 if relation != "strengthen" else 0, decay,
                              basis=holding.basis, overlap_factor=overlap_factor)  # fmt: skip
            base_conf = weakest(holding.confidence, path_confidence(graph, path))
            fact_conf = holding.confidence
        else:
            fit, base_conf, fact_conf = 0.0, "sourced", "sourced"
        link_value = path_weight(graph, path) if holding is not None else 0.0
        io_value, io_industry = model.io_detail(node["codes"], county_code)
        density = model.density_value(node["codes"], county_code)
        policy = model.policy_value(node["codes"])
        rows_here: list[Suggestion] = []
        for pairing in pairings or [None]:
            pid = pairing.partner_id if pairing else ""
            pfit = model.partner_fit_detail(pid, seg_key) if pid else PartnerFit(0.0, "", "", 0, [])
            if holding is None and pfit.value <= 0:
                continue
            landings = landing_options(model, county_code, pairing, node["codes"], allow_polluting=allow_polluting)
            if not landings:
                excluded += 1
                continue
            conf = weakest(base_conf, pairing.confidence) if pairing else base_conf
            fconf = weakest(fact_conf, pairing.confidence) if pairing else fact_conf
            if holding is None:
                conf = weakest(conf, "unverified")  # a partner-supplied "related" row rests on no county holding
            if not at_least(conf, min_confidence):
                continue
            for landing, landing_value, rule_zh, rule_en, dirty in landings:
                components = {
                    "chain_fit": C.landing_fit(fit, pfit.value, landing),
                    "link": round(link_value, 6),
                    "gap": C.gap(relation, {"related": 0.3} | dict(model.preset["relation_value"])),
                    "pairing": model.pairing_value(pairing, node["chain_id"]),
                    "partner_fit": pfit.value,
                    "io": io_value,
                    "density": density,
                    "policy": policy,
                    "evidence": C.evidence(conf, model.preset["confidence_value"]),
                    "landing": landing_value,
                }
                sources = [holding.source] if holding else []
                if pairing:
                    sources.append(pairing.source)
                projects = model.projects_on(pid, seg_key) if pid else []
                real = [p for p in projects if p["confidence"] != "sample"]
                if real:
                    sources.append(real[0]["source"])
                s = make_suggestion(
                    model, county_code, pid, pairing, seg_key, relation, path, holding, components, conf, sources,
                    project_id=projects[0]["id"] if projects else "",
                    project_name=projects[0]["name_zh"] if projects else "",
                    sample=bool(projects) and projects[0]["confidence"] == "sample",
                    more_projects=max(0, len(projects) - 1),
                    landing=landing,
                    enclave_name=pairing.enclave_name if (pairing and landing == "enclave") else "",
                    enclave_host=model.enclave_host(pairing) if (pairing and landing == "enclave") else "",
                    partner_fit_reason_zh=pfit.reason_zh, partner_fit_reason_en=pfit.reason_en,
                    partner_evidence=pfit.n_evidence, partner_firms=pfit.firms,
                    polluting=dirty, ecology_rule_zh=rule_zh, ecology_rule_en=rule_en,
                    fact_confidence=fconf, io_industry_zh=io_industry,
                )  # fmt: skip
                rows_here.append(s)
        if not rows_here:
            continue
        rows_here.sort(key=lambda s: _partner_key(model, s))
        if by_partner:
            seen: set[str] = set()
            for s in rows_here:
                if s.partner_id not in seen:
                    seen.add(s.partner_id)
                    out.append(s)
        else:
            first = rows_here[0]
            first.other_partners = list(dict.fromkeys(s.partner_id for s in rows_here[1:] if s.partner_id and s.partner_id != first.partner_id))
            out.append(first)
    if excluded:
        missing.append(
            f"{excluded} polluting suggestion(s) left out: the county has a restricting ecological status "
            "(--allow-polluting shows them)"
        )
    for s in out:
        s.county_firms = model.county_firms_on(county_code, [k for k in s.path if k != s.segment_key] or [s.segment_key])
    out.sort(key=lambda s: (-s.score, -s.partner_evidence, s.segment_key, _partner_key(model, s)))
    if by_partner:
        order: dict[str, int] = {}
        for s in out:
            order.setdefault(s.partner_id, len(order))
        grouped: dict[str, list[Suggestion]] = {}
        for s in out:
            grouped.setdefault(s.partner_id, []).append(s)
        out = []
        for pid in sorted(grouped, key=order.__getitem__):
            rows = grouped[pid][:top] if top is not None else grouped[pid]
            for i, s in enumerate(rows, 1):
                s.rank = i
            out.extend(rows)
        return CountyAnswer(county, out, missing)
    if top is not None:
        out = out[:top]
    for i, s in enumerate(out, 1):
        s.rank = i
    return CountyAnswer(county, out, missing)


def make_suggestion(
    model: Model,
    county_code: str,
    partner_id: str,
    pairing: Any,
    segment_key: str,
    relation: str,
    path: list[str],
    holding: Holding | None,
    components: dict[str, float],
    confidence: str,
    sources: list[str],
    **extra: Any,
) -> Suggestion:
    """A :class:`Suggestion` with every name filled in from the model and its score computed.

    ``segment_key`` may be '' (a project no chain segment carries) and ``holding`` None (no county
    holding behind the row: a partner-supplied or IO-related suggestion).
    """
    graph = model.graph
    node = graph.nodes[segment_key] if segment_key else {}
    via = graph.nodes[holding.segment] if holding is not None else {}
    county = model.counties[county_code]
    chain_row = model.chains.get(node.get("chain_id", ""), {})
    prow = model.partners.get(partner_id, {})
    fact_conf = extra.pop("fact_confidence", confidence)
    weighted = model.total(components)
    return Suggestion(
        county_code=county_code,
        county_zh=county["name_zh"],
        county_en=county["name_en"],
        partner_id=partner_id,
        partner_zh=prow.get("name_zh", ""),
        partner_en=prow.get("name_en", ""),
        partner_short_zh=prow.get("short_zh", ""),
        partner_short_en=prow.get("short_en", ""),
        pairing_id=pairing["id"] if pairing else "",
        pairing_kind=pairing["kind"] if pairing else "",
        chain_id=node.get("chain_id", ""),
        chain_zh=chain_row.get("name_zh", ""),
        chain_en=chain_row.get("name_en", ""),
        segment_key=segment_key,
        segment_zh=node.get("name_zh", ""),
        segment_en=node.get("name_en", ""),
        segment_gbt=node.get("gbt_codes", ""),
        stage=node.get("stage", ""),
        relation=relation,
        via_segment=holding.segment if holding else "",
        via_segment_zh=via.get("name_zh", ""),
        via_segment_en=via.get("name_en", ""),
        via_industry_zh=holding.industry_zh if holding else "",
        via_industry_en=holding.industry_en if holding else "",
        via_code=holding.held_code if holding else "",
        path=path,
        components=components,
        score=C.score(weighted, fact_conf, model.confidence_factor),
        confidence=confidence,
        sources=[s for s in sources if s],
        holding=holding,
        fact_confidence=fact_conf,
        **extra,
    )


@dataclass
class Gap:
    """A gap in a county's chains: a missing upstream link (补链), a downstream extension (延链) or a
    thinly held segment (强链), with the chain path that makes it one."""

    relation: str
    segment_key: str
    segment_zh: str
    segment_en: str
    chain_id: str
    chain_zh: str
    path: list[str]
    path_zh: str
    via_industry_zh: str
    via_code: str
    reason: str
    confidence: str


def gaps_for(model: Model, county_code: str, *, chain: str | None = None) -> list[Gap]:
    """Every gap of the county within ``max_hops`` of its held segments (see :class:`Gap`).

    补链: an upstream segment not held; 延链: a downstream one not held; 强链: a held segment that is
    held thinly — by a generic name (strength < 0.9), an unverified fact or a weak source.
    """
    from chainlink.network.graph import path_confidence

    graph = model.graph
    holdings = model.county_holdings(county_code)
    facts = {f["id"]: f for f in model.county_facts(county_code)}
    out = []
    for seg, (relation, path, holding) in sorted(_candidates(model, holdings).items()):
        node = graph.nodes[seg]
        if chain and node["chain_id"] != chain:
            continue
        reason = ""
        if relation == "strengthen":
            thin = []
            if holding.strength < 0.9:
                thin.append(f"the industry names the segment only generally (strength {holding.strength:.1f})")
            if holding.confidence != "sourced":
                thin.append(f"the fact is {holding.confidence}")
            if "weak" in (facts.get(holding.fact_id, {}).get("note") or ""):
                thin.append("weak source")
            if not thin:
                continue
            reason = "; ".join(thin)
        else:
            side = "upstream" if relation == "fill" else "downstream"
            reason = f"{len(path) - 1} step(s) {side} of {holding.segment}, not held"
        out.append(
            Gap(
                relation=relation,
                segment_key=seg,
                segment_zh=node["name_zh"],
                segment_en=node["name_en"],
                chain_id=node["chain_id"],
                chain_zh=model.chains[node["chain_id"]]["name_zh"],
                path=path,
                path_zh=" → ".join(graph.nodes[k]["name_zh"] for k in path),
                via_industry_zh=holding.industry_zh,
                via_code=holding.held_code,
                reason=reason,
                confidence=weakest(holding.confidence, path_confidence(graph, path)),
            )
        )
    order = {r: i for i, r in enumerate(RELATIONS)}
    out.sort(key=lambda g: (order[g.relation], len(g.path), g.chain_id, g.segment_key))
    return out
