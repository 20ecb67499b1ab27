"""Scoring: suggestions for a county (what its partners can bring) and the shared model behind them.

Data flows one way: the registry is read once into a :class:`Model` (graph, evidence-based holdings,
pairings, partner profiles, firms, ecology); :func:`suggest_for_county` turns it into scored,
explained :class:`chainlink.scoring.records.Suggestion` rows (``chainlink.scoring.projects`` does the project
direction). Each component is a pure function in :mod:`chainlink.scoring.components`; the words and
thresholds are in :mod:`chainlink.base.vocabulary`; the weights and values come from a preset YAML
(docs/scoring.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from operator import attrgetter, mul
from typing import Any

from chainlink.base.industries import best_match, split_codes
from chainlink.base.vocabulary import (
    CONFIDENCE_LEVELS,
    OVERLAP_THRESHOLD,
    PARTNER_FIT_MIN,
    RELATION_ZH,
    RELATIONS,
    RESTRICTING_STATUSES,
    weakest,
)
from chainlink.errors import DataError
from chainlink.scoring import components as C
from chainlink.scoring.presets import load_preset
from chainlink.scoring.records import Holding, Pairing, Suggestion

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
    "make_suggestion",
    "suggest_for_county",
    "weakest",
]
INNOVATION_DIVISIONS = ("63", "64", "65", "73", "74", "75")  # R&D, technical and IT services
INDUSTRY_DIVISIONS = tuple(f"{d:02d}" for d in range(13, 44)) + ("58", "59", "60")  # manufacturing, logistics


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



_NOT_CLOSE = (0.0, "none", "")
_RANK = {level: i for i, level in enumerate(CONFIDENCE_LEVELS)}


def _weaker(a: str, b: str) -> str:
    """:func:`chainlink.base.vocabulary.weakest` of two levels (the first on a tie)."""
    return a if _RANK[a] >= _RANK[b] else b


@lru_cache(maxsize=65536)
def _best_match_memo(held: tuple[str, ...], segment: tuple[str, ...]) -> tuple[float, str, str]:
    """:func:`chainlink.base.industries.best_match`, memoised: a pure function of two code tuples."""
    return best_match(held, segment)


class _Relatedness(Mapping):
    """The 2020 IO relatedness (sector, sector) → value, read from the registry one sector's row at a time
    as look-ups need them (the primary key is (year, sector_1, sector_2)); iterating reads the whole table,
    in the order of a plain read."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._rows: dict[str, dict[str, float]] = {}
        self._all: dict[tuple[str, str], float] | None = None

    def _row(self, sector: str) -> dict[str, float]:
        row = self._rows.get(sector)
        if row is None:
            cur = self._conn.cursor()
            cur.row_factory = None
            cur.execute("SELECT sector_2, value FROM io_relatedness WHERE year = 2020 AND sector_1 = ?", (sector,))
            row = self._rows[sector] = dict(cur.fetchall())
        return row

    def __getitem__(self, key: tuple[str, str]) -> float:
        return self._row(key[0])[key[1]]

    def get(self, key: tuple[str, str], default: Any = None) -> Any:
        """The value of ``key``, or ``default``."""
        row = self._rows.get(key[0])  # the row already read, without a call to _row (≈ 33,000 look-ups in export)
        return (row if row is not None else self._row(key[0])).get(key[1], default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and len(key) == 2 and key[1] in self._row(key[0])

    def _whole(self) -> dict[tuple[str, str], float]:
        if self._all is None:
            cur = self._conn.cursor()
            cur.row_factory = None
            cur.execute("SELECT sector_1, sector_2, value FROM io_relatedness WHERE year = 2020")
            self._all = {(a, b): v for a, b, v in cur}
        return self._all

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    def items(self) -> Any:
        """(key, value) pairs of the whole table."""
        return self._whole().items()


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
        return set(self._family(pid))

    def _family(self, pid: str) -> frozenset[str]:
        """:meth:`partner_family`, memoised (frozen: callers get copies)."""
        cache = self.__dict__.setdefault("_family_cache", {})
        if pid not in cache:
            family = {pid}
            parent = self.partners.get(pid, {}).get("parent")
            if parent:
                family.add(parent)
            family.update(self._children.get(pid, ()))
            cache[pid] = frozenset(family)
        return cache[pid]

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

        conn = self.registry.conn.cursor()
        conn.row_factory = None  # plain tuples
        mapping = tuple(
            SectorMapping(r[0], r[1], tuple(split_codes(r[2])), r[3], r[4])
            for r in conn.execute(
                "SELECT io_code, io_name_zh, gbt_codes, derivation, note FROM io_sector_gbt WHERE scheme = 2020"
            )
        )
        related = _Relatedness(self.registry.conn)
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
        # the answer depends on the codes only through their sectors
        return self._io_of_sectors(tuple(self.sectors_of(codes)), county_code)

    def _io_of_sectors(self, seg: tuple[str, ...], county_code: str) -> tuple[float, str]:
        """:meth:`io_detail` of the segment sectors ``seg`` (sorted, as :meth:`sectors_of` gives them)."""
        cache = self.__dict__.setdefault("_io_cache", {})
        key = (seg, county_code)
        if key not in cache:
            best = (0.0, "")
            for sectors, industry_zh in self._county_fact_sectors(county_code):
                value = C.io(seg, sectors, self._io[1])
                if value > best[0]:
                    best = (value, industry_zh)
            cache[key] = best
        return cache[key]

    def _county_fact_sectors(self, county_code: str) -> list[tuple[list[str], str]]:
        """(IO sectors, name) of each of the county's :meth:`county_facts`."""
        cache = self.__dict__.setdefault("_fact_sectors_cache", {})
        if county_code not in cache:
            cache[county_code] = [
                (self.sectors_of(split_codes(f["gbt_codes"])), f["industry_zh"]) for f in self.county_facts(county_code)
            ]
        return cache[county_code]

    @cached_property
    def location_sectors(self) -> dict[str, set[str]]:
        """Location id → IO sectors present there (the rows of :func:`chainlink.scoring.geography.location_matrix`)."""
        return {loc: self.sectors_at(loc) for loc in self._codes_by_location}

    @cached_property
    def _codes_by_location(self) -> dict[str, list[list[str]]]:
        """Location id → the GB/T codes of each presence fact there (:func:`chainlink.scoring.geography._facts`)."""
        from chainlink.scoring.geography import _facts

        out: dict[str, list[list[str]]] = {}
        for loc, _kind, _fact, codes, _conf in _facts(self):
            out.setdefault(loc, []).append(codes)
        return out

    def sectors_at(self, loc: str) -> set[str]:
        """IO sectors present at location ``loc`` (one row of :attr:`location_sectors`; empty when none)."""
        cache = self.__dict__.setdefault("_sectors_at_cache", {})
        if loc not in cache:
            cache[loc] = {x for codes in self._codes_by_location.get(loc, ()) for x in self.sectors_of(codes)}
        return cache[loc]

    def density_value(self, segment_codes: list[str], county_code: str) -> float:
        """Density component: relatedness density (φ = IO relatedness) of the segment's sectors in the county."""
        return self._density_of_sectors(tuple(self.sectors_of(segment_codes)), county_code)

    def _density_of_sectors(self, targets: tuple[str, ...], county_code: str) -> float:
        """:meth:`density_value` of the segment sectors ``targets`` (sorted, as :meth:`sectors_of` gives them)."""
        cache = self.__dict__.setdefault("_density_cache", {})
        key = (county_code, targets)
        if key not in cache:
            from chainlink.scoring.geography import density_of

            held = self.sectors_at(county_code)
            totals = self.__dict__.setdefault("_density_totals", {})
            cache[key] = round(density_of(held, list(targets), self._io[1], self.io_products, totals=totals), 6)
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

    @cached_property
    def _holding_rows_by_county(self) -> dict[str, list[dict[str, Any]]]:
        """County code → its rows of :attr:`_holding_rows`, in order (index)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for row in self._holding_rows:
            out.setdefault(row["county_code"], []).append(row)
        return out

    def county_holdings(self, code: str) -> dict[str, Holding]:
        """Segment key → :class:`Holding` the county has on evidence: a reviewed mapping of a characteristic
        industry (data/holdings.csv) or a real firm located in the county on the segment."""
        cache = self.__dict__.setdefault("_holdings_cache", {})
        if code in cache:
            return cache[code]
        facts = {f["id"]: f for f in self._facts_by_county.get(code, ())}
        out: dict[str, Holding] = {}
        for row in self._holding_rows_by_county.get(code, ()):
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
            nodes = self.graph.nodes
            for key in self._code_neighbours(codes) if threshold > 0 else nodes:
                if key in held:
                    continue
                strength, held_code, _ = _best_match_memo(codes, tuple(nodes[key]["codes"]))
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
        present = self.registry.enterprise_ids
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
        mine = self._partner_firm_index(pid)
        if len(segments) == 1:
            return [self._firms[i] for i in mine.get(segments[0], ())]
        return self._firms_at(i for key in set(segments) for i in mine.get(key, ()))

    def _partner_firm_index(self, pid: str) -> dict[str, list[int]]:
        """Segment key → positions in :attr:`_firms` of the partner's firms (in its territory or tied to its
        zones), in :attr:`_firms` order."""
        cache = self.__dict__.setdefault("_partner_firm_cache", {})
        if pid not in cache:
            places, family = self.partner_places(pid), self._family(pid)
            by_place_code, by_partner = self._firm_place_index, self._firm_index[2]
            found = {i for code in places for i in by_place_code.get(code, ())}
            found.update(i for p in family for i in by_partner.get(p, ()))
            mine: dict[str, list[int]] = {}
            for i in sorted(found):
                mine.setdefault(self._firms[i]["segment_key"], []).append(i)
            cache[pid] = mine
        return cache[pid]

    @cached_property
    def _firm_place_index(self) -> dict[Any, list[int]]:
        """``place_code`` → positions in :attr:`_firms`."""
        out: dict[Any, list[int]] = {}
        for i, f in enumerate(self._firms):
            out.setdefault(f.get("place_code"), []).append(i)
        return out

    # -- the partner side -----------------------------------------------------------------------------
    def partner_profile(self, pid: str) -> list[dict[str, Any]]:
        """Industries a source names for the partner or its parent/child zones (partner_industries)."""
        cache = self.__dict__.setdefault("_profile_cache", {})
        if pid not in cache:
            family = self._family(pid)
            cache[pid] = [
                f
                for f in self.registry.partner_industries
                if f["partner_id"] in family and (self.include_sample or f["confidence"] != "sample")
            ]
        return list(cache[pid])

    def _profile_codes(self, pid: str) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
        """(GB/T codes, row) of each :meth:`partner_profile` industry."""
        cache = self.__dict__.setdefault("_profile_codes_cache", {})
        if pid not in cache:
            cache[pid] = [(tuple(split_codes(row["gbt_codes"])), row) for row in self.partner_profile(pid)]
        return cache[pid]

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

    @cached_property
    def _project_segments_by_origin(self) -> dict[str, set[str]]:
        """Origin (partner id) → the segments of :attr:`open_projects` with a project from it (index)."""
        out: dict[str, set[str]] = {}
        for key, projects in self.open_projects.items():
            for p in projects:
                out.setdefault(p["origin_id"], set()).add(key)
        return out

    def _project_segments(self, pid: str) -> set[str]:
        """The segments with an open project of ``pid`` or its parent/child zones (callers do not change it)."""
        cache = self.__dict__.setdefault("_project_segments_cache", {})
        if pid not in cache:
            by_origin = self._project_segments_by_origin
            cache[pid] = {k for origin in self._family(pid) for k in by_origin.get(origin, ())}
        return cache[pid]

    def projects_on(self, partner_id: str, segment_key: str) -> list[dict[str, Any]]:
        """Open projects of ``partner_id`` (or its parent/child zones) on the segment: real first,
        then by investment (largest first) and id."""
        here = self.open_projects.get(segment_key)
        if not here:
            return []
        family = self._family(partner_id)
        found = [p for p in here if p["origin_id"] in family]
        return sorted(
            found, key=lambda p: (p["confidence"] == "sample", -(p.get("investment_wan") or 0), p["id"])
        )

    def _closeness(self, pcodes: tuple[str, ...], seg_codes: tuple[str, ...]) -> tuple[float, str, str]:
        """The closest (value, level, partner code) of :func:`chainlink.scoring.components.code_closeness` over the
        code pairs, the first best pair winning ((0, 'none', '') when none); memoised per code pair."""
        pairs = self.__dict__.setdefault("_pair_closeness", {})
        values = self.partner_fit_values
        best, level, code = 0.0, "none", ""
        for pc in pcodes:
            for sc in seg_codes:
                found = pairs.get((pc, sc))
                if found is None:
                    found = pairs[pc, sc] = C.code_closeness(pc, sc, values)
                if found[0] > best:
                    best, level, code = found[0], found[1], pc
        return best, level, code

    @cached_property
    def _two_digit_codes(self) -> bool:
        """Has every segment code at least two digits? Then two codes that match at all
        (:func:`chainlink.base.industries.code_match` > 0: one begins the other) share their two-digit division."""
        return all(len(c) >= 2 for _, node in self.graph.nodes(data=True) for c in node["codes"])

    def _code_neighbours(self, codes: tuple[str, ...]) -> list[str]:
        """The segments, in graph order, with a code in the division of one of ``codes``: every segment
        ``codes`` can match at all (every segment when a code is shorter than two digits)."""
        cache = self.__dict__.setdefault("_neighbours_cache", {})
        if codes not in cache:
            if not self._two_digit_codes or any(len(c) < 2 for c in codes):
                cache[codes] = list(self.graph.nodes)
            else:
                by_division, position = self._segment_indexes
                found = {k for d in {c[:2] for c in codes} for k in by_division.get(d, ())}
                cache[codes] = sorted(found, key=position.__getitem__)
        return cache[codes]

    @cached_property
    def _sparse_reach(self) -> bool:
        """Can :meth:`_profile_reach` use the code indexes? Only when every segment code has at least two
        digits and the preset's ``none`` closeness is 0: then a partner code close to a segment code at any
        level shares its two-digit division (:func:`chainlink.scoring.components.code_closeness`)."""
        return float(self.partner_fit_values["none"]) == 0 and self._two_digit_codes

    @cached_property
    def _segment_indexes(self) -> tuple[dict[str, list[str]], dict[str, int]]:
        """Two-digit division → segments with a code in it; segment → its position in the graph (indexes
        for :meth:`_code_neighbours`)."""
        by_division: dict[str, list[str]] = {}
        position: dict[str, int] = {}
        for i, (key, node) in enumerate(self.graph.nodes(data=True)):
            position[key] = i
            for d in dict.fromkeys(c[:2] for c in node["codes"]):
                by_division.setdefault(d, []).append(key)
        return by_division, position

    @cached_property
    def _segments_by_sector(self) -> dict[str, set[str]]:
        """IO sector → segments in it (index for :meth:`_profile_reach`)."""
        by_sector: dict[str, set[str]] = {}
        for key, node in self.graph.nodes(data=True):
            for sector in self.sectors_of(node["codes"]):
                by_sector.setdefault(sector, set()).add(key)
        return by_sector

    def _profile_closeness(
        self, pcodes: list[str], seg_codes: list[str], seg_sectors: set[str], chain_id: str,
        p_sectors: set[str] | None = None,
    ):  # fmt: skip
        """(value, level, partner code) of one profile industry for a segment: the closest code pair
        (class / group / division), else a shared IO sector, else another segment of the same chain.
        ``p_sectors``: the IO sectors of ``pcodes`` when the caller has them."""
        values = self.partner_fit_values
        best, level, code = self._closeness(tuple(pcodes), tuple(seg_codes))
        if best == 0 and seg_sectors & (set(self.sectors_of(pcodes)) if p_sectors is None else p_sectors):
            best, level, code = float(values["io_sector"]), "io_sector", pcodes[0] if pcodes else ""
        if best == 0 and chain_id and self._on_chain(pcodes, chain_id):
            best, level, code = float(values["chain"]), "chain", pcodes[0]
        return best, level, code

    def _profile_reach(self, pcodes: tuple[str, ...]) -> dict[str, tuple[float, str, str]]:
        """Segment → :meth:`_profile_closeness` of a profile industry with ``pcodes``, for the segments it
        is close to at some level (value > 0). The candidates come from the division and sector indexes
        (every segment when they cannot be used, :attr:`_sparse_reach`); memoised per codes."""
        cache = self.__dict__.setdefault("_reach_cache", {})
        if pcodes not in cache:
            codes = list(pcodes)
            if not self._sparse_reach or any(len(c) < 2 for c in pcodes):
                cands: set[str] = set(self.graph.nodes)
            else:
                by_sector = self._segments_by_sector
                cands = set(self._code_neighbours(pcodes))
                # chain level: a chain where the codes match some segment at >= 0.8 (which shares a division);
                # on every other chain _on_chain is False, recorded here so that it is not searched again
                nodes, on_chain = self.graph.nodes, self.__dict__.setdefault("_on_chain_cache", {})
                chains_on = {k.split("/")[0] for k in cands if best_match(codes, nodes[k]["codes"])[0] >= 0.8}
                for chain_id in self._chain_keys:
                    on_chain[pcodes, chain_id] = chain_id in chains_on
                for chain_id in chains_on:
                    cands.update(self._chain_keys[chain_id])
                for sector in self.sectors_of(codes):
                    cands |= by_sector.get(sector, set())
            nodes, seg_sectors = self.graph.nodes, self._segment_sector_sets
            p_sectors = set(self.sectors_of(codes))
            reach = {}
            for key in cands:
                found = self._profile_closeness(
                    codes, nodes[key]["codes"], seg_sectors[key], key.split("/")[0], p_sectors
                )
                if found[0] > 0:
                    reach[key] = found
            cache[pcodes] = reach
        return cache[pcodes]

    @cached_property
    def _segment_sectors(self) -> dict[str, tuple[str, ...]]:
        """Segment key → the IO sectors of its codes (:meth:`sectors_of`, as a tuple)."""
        return {key: tuple(self.sectors_of(node["codes"])) for key, node in self.graph.nodes(data=True)}

    @cached_property
    def _segment_sector_sets(self) -> dict[str, set[str]]:
        """:attr:`_segment_sectors` as sets (callers do not change them)."""
        return {key: set(sectors) for key, sectors in self._segment_sectors.items()}

    @cached_property
    def _chain_keys(self) -> dict[str, list[str]]:
        """Chain id → its segment keys, in graph order."""
        out: dict[str, list[str]] = {}
        for key in self.graph.nodes:
            out.setdefault(key.split("/")[0], []).append(key)
        return out

    def _partner_support(self, pid: str) -> set[str]:
        """Segments where the partner has any evidence at all (a close profile industry, a firm on the
        segment or next to it, a project): on every other segment its fit is 0 with no evidence."""
        cache = self.__dict__.setdefault("_support_cache", {})
        if pid not in cache:
            out: set[str] = set()
            for pcodes, _row in self._profile_codes(pid):
                out.update(self._profile_reach(pcodes))
            with_firms = set(self._partner_firm_index(pid))
            out |= with_firms
            for key in with_firms:
                if key in self.graph:
                    out.update(self.graph.predecessors(key))
                    out.update(self.graph.successors(key))
            out |= self._project_segments(pid)
            cache[pid] = out
        return cache[pid]

    def partner_fit_value(self, pid: str, segment_key: str) -> tuple[float, int]:
        """(value, evidence count) of :meth:`partner_fit_detail` for a segment, without the reason or the
        firms: what ranking needs (one pass over the partner's evidence, :meth:`_partner_values`)."""
        return self._partner_values(pid).get(segment_key, (0.0, 0))

    def _partner_values(self, pid: str) -> dict[str, tuple[float, int]]:
        """Segment → (value, evidence count) of the partner's fit, for the segments of
        :meth:`_partner_support` (elsewhere (0, 0)): the same evidence as :meth:`partner_fit_detail`."""
        cache = self.__dict__.setdefault("_partner_values_cache", {})
        if pid in cache:
            return cache[pid]
        values, factors, firms, graph = self.partner_fit_values, self._fit_factors, self._firms, self.graph
        firm_value, adjacent_value = float(values["firm"]), float(values["adjacent_firm"])
        project_value = float(values["project"])
        mine = self._partner_firm_index(pid)
        # C.partner_fit (the best value × factor, rounded) and the count, without building the evidence list
        factor = {c: float(f) for c, f in factors.items()}
        counts = {c: 1 for c in factor} | ({} if self.include_sample else {"sample": 0})
        support = [k for k in self._partner_support(pid) if k in graph]
        best = dict.fromkeys(support, 0.0)
        n = dict.fromkeys(support, 0)

        def take(key: str, v: float, confidence: str) -> None:
            if v * factor[confidence] > best[key]:
                best[key] = v * factor[confidence]
            if v > 0:
                n[key] += counts[confidence]

        # each source of evidence once (its segments are in the support by construction), not each segment
        for pcodes, row in self._profile_codes(pid):
            confidence = row["confidence"]
            for key, found in self._profile_reach(pcodes).items():
                take(key, found[0], confidence)
        near: dict[str, set[int]] = {}  # segment without the partner's firms → its firms one step away
        for key, positions in mine.items():
            if key not in best:
                continue  # a segment the graph lacks (an imported firm's)
            for i in positions:
                take(key, firm_value, firms[i].get("confidence") or "sourced")
            if key in graph:
                for k in (*graph.pred[key], *graph.succ[key]):
                    if k not in mine:
                        near.setdefault(k, set()).update(positions)
        for key, positions in near.items():
            for i in positions:
                take(key, adjacent_value, firms[i].get("confidence") or "sourced")
        with_projects = self._project_segments(pid)
        for key in self.open_projects:
            if key in best and key in with_projects:
                for p in self.projects_on(pid, key):
                    if p["confidence"] != "sample":
                        take(key, project_value, p["confidence"])
        out = {key: (round(best[key], 6), n[key]) for key in support}
        cache[pid] = out
        return out

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
        if segment_key and segment_key not in self._partner_support(pid):
            fit = PartnerFit(0.0, "", "", 0, [])  # no evidence at all (see _partner_support)
            self._fit_cache[cache_key] = fit
            return fit
        values = self.partner_fit_values
        # (value, confidence, kind, what): the reason is written only for the item that wins
        items: list[tuple[float, str, str, Any]] = []
        if segment_key:
            for pcodes, row in self._profile_codes(pid):
                best, level, code = self._profile_reach(pcodes).get(segment_key, _NOT_CLOSE)
                if best > 0:
                    items.append((best, row["confidence"], "profile", (row, level, code)))
        else:
            seg_codes = list(codes or [])
            seg_sectors = set(self.sectors_of(seg_codes))
            for pcodes, row in self._profile_codes(pid):
                best, level, code = self._profile_closeness(list(pcodes), seg_codes, seg_sectors, "")
                if best > 0:
                    items.append((best, row["confidence"], "profile", (row, level, code)))
        firms: list[dict[str, Any]] = []
        if segment_key:
            mine = self._partner_firm_index(pid)
            firms = [self._firms[i] for i in mine.get(segment_key, ())]
            for f in firms:
                items.append((float(values["firm"]), f.get("confidence") or "sourced", "firm", f))
            if not firms:
                graph = self.graph
                near = [k for k in (*graph.pred[segment_key], *graph.succ[segment_key]) if k in mine]
                if near:
                    for f in self.partner_firms_on(pid, near):
                        items.append((float(values["adjacent_firm"]), f.get("confidence") or "sourced", "adjacent", f))
            for p in self.projects_on(pid, segment_key):
                if p["confidence"] != "sample":
                    items.append((float(values["project"]), p["confidence"], "project", p))
        factors = self._fit_factors
        value = C.partner_fit([(v, c) for v, c, *_ in items], factors)
        if len(items) > 1:
            cf = self.confidence_factor
            items.sort(key=lambda t: (-t[0] * cf.get(t[1], 0), CONFIDENCE_LEVELS.index(t[1])))
        counted = [t for t in items if t[1] != "sample" or self.include_sample]
        reason_zh, reason_en = self._fit_reason(pid, counted[0]) if counted and value > 0 else ("", "")
        fit = PartnerFit(value, reason_zh, reason_en, sum(1 for t in counted if t[0] > 0), firms)
        self._fit_cache[cache_key] = fit
        return fit

    @cached_property
    def _fit_factors(self) -> dict[str, float]:
        """Confidence factors of partner-fit evidence (sample evidence counts 0)."""
        return self.confidence_factor | {"sample": 0.0}

    def _fit_reason(self, pid: str, item: tuple[float, str, str, Any]) -> tuple[str, str]:
        """The (Chinese, English) reason of one partner-fit evidence item."""
        _, _, kind, what = item
        if kind == "profile":
            row, level, code = what
            level_zh = {"class": "同类", "group": "同中类", "division": "同大类", "io_sector": "同投入产出部门",
                        "chain": "同产业链"}[level]  # fmt: skip
            quote = f"：“{row['quote']}”" if row.get("quote") else ""
            return (
                f"{self.partners[pid]['short_zh'] or self.partners[pid]['name_zh']}有“{row['industry_zh']}”"
                f"（{code}，{level_zh}）{quote}",
                f"{self.partners[pid]['short_en'] or self.partners[pid]['name_en']} has '{row['industry_en']}' "
                f"({code}, same {level.replace('_', ' ')})",
            )  # fmt: skip
        if kind == "firm":
            return (f"企业{what['name_zh']}（{what.get('kind', '')}）在该环节",
                    f"firm {what['name_zh']} ({what.get('kind', '')}) is on this segment")  # fmt: skip
        if kind == "adjacent":
            return f"企业{what['name_zh']}在相邻环节", f"firm {what['name_zh']} is on an adjacent segment"
        return f"有项目“{what['name_zh']}”", f"has the project '{what.get('name_en') or what['name_zh']}'"

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
            support = self._partner_values(pid) if threshold > 0 else self.graph.nodes
            cache[pid] = [k for k in sorted(support) if self.partner_fit_value(pid, k)[0] >= threshold]
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
            # C.polluting (a code begins a listed code, or a listed code begins it) through two indexes
            listed, begins_listed = self._pollution_index
            cache[key] = any(
                c in begins_listed or any(c[:k] in listed for k in range(1, len(c) + 1)) for c in codes
            )
        return cache[key]

    @cached_property
    def _pollution_index(self) -> tuple[set[str], set[str]]:
        """The listed codes (non-empty) and every prefix of them, '' included (for :meth:`is_polluting`)."""
        listed = {c for c in self.pollution_codes if c}
        return listed, {c[:k] for c in listed for k in range(len(c) + 1)}

    def pollution_entry(self, codes: list[str]) -> str:
        """The pollution-list entry an industry falls in ('' when none)."""
        cache = self.__dict__.setdefault("_pollution_entry_cache", {})
        key = tuple(codes)
        if key not in cache:
            cache[key] = next(
                (r["industry_zh"] for r in self.pollution_rows if C.polluting(codes, split_codes(r["gbt_codes"]))), ""
            )
        return cache[key]

    def ecology(self, code: str) -> dict[str, Any] | None:
        """The county's restricting ecological status row — status in
        :data:`chainlink.base.vocabulary.RESTRICTING_STATUSES` and ``sourced`` (an unverified status does not
        exclude anything) — or None."""
        cache = self.__dict__.setdefault("_ecology_cache", {})
        if code not in cache:
            cache[code] = next(
                (r for r in self._table("county_ecology", "id")
                 if r["county_code"] == code and r["status"] in RESTRICTING_STATUSES and r["confidence"] == "sourced"),
                None,
            )  # fmt: skip
        return cache[code]

    def policy_value(self, codes: list[str]) -> float:
        """Policy component (:func:`chainlink.scoring.components.policy`): polluting, favoured or neither."""
        cache = self.__dict__.setdefault("_policy_cache", {})
        key = tuple(codes)
        if key not in cache:
            cache[key] = self._policy_value(codes)
        return cache[key]

    def _policy_value(self, codes: list[str]) -> float:
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
        """Weighted mean of the components under the preset's weights (:func:`chainlink.scoring.components.total`,
        with the weights of each set of component names looked up once)."""
        return _weighted_mean(*self.weights_of(tuple(components)), components.values())

    def weights_of(self, names: tuple[str, ...]) -> tuple[list[float], float]:
        """The preset's weights of ``names`` (0 for a name it lacks) and their sum, looked up once per names."""
        cache = self.__dict__.setdefault("_weights_cache", {})
        found = cache.get(names)
        if found is None:
            weights = self.preset["weights"]
            ws = [float(weights.get(k, 0)) for k in names]
            found = cache[names] = (ws, sum(ws))
        return found

    @cached_property
    def landing_values(self) -> dict[str, float]:
        """The landing component's values (preset ``landing_value``)."""
        return {"county": 1.0, "enclave_fit": 1.0, "enclave": 0.7} | dict(self.value("landing_value", {}))

    def enclave_host(self, pairing: Pairing) -> str:
        """Where the pairing's enclave is: its recorded host, else the partner (飞地 in the partner's territory)."""
        if pairing.enclave_host:
            host = self.partners.get(pairing.enclave_host) or self.counties.get(pairing.enclave_host)
            return (host or {}).get("name_zh", pairing.enclave_host)
        return self.partners.get(pairing.partner_id, {}).get("name_zh", pairing.partner_id)

    def distance(self, county_code: str, partner_id: str) -> float:
        """km between a county and a partner (inf when either has no coordinates)."""
        cache = self.__dict__.setdefault("_distance_cache", {})
        key = (county_code, partner_id)
        if key not in cache:
            c, p = self.counties.get(county_code, {}), self.partners.get(partner_id, {})
            try:
                cache[key] = distance_km((float(c["lat"]), float(c["lon"])), (float(p["lat"]), float(p["lon"])))
            except (KeyError, TypeError, ValueError):
                cache[key] = math.inf
        return cache[key]


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
    values = model.landing_values
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
    all_facts = model._facts_by_county.get(county_code, [])
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
    relation_values = {"related": 0.3} | dict(model.preset["relation_value"])
    confidence_values = model.preset["confidence_value"]
    pairing_values: dict[tuple[int, str], float] = {}
    weights, den = model.weights_of(_COMPONENTS)
    segment_sectors = model._segment_sectors
    partner_values = {p.partner_id: model._partner_values(p.partner_id) for p in pairings if p.partner_id}
    min_rank = CONFIDENCE_LEVELS.index(min_confidence)
    out: list[_Row] = []
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
        link_rounded = round(link_value, 6)
        seg_sectors = segment_sectors[seg_key]
        io_value, io_industry = model._io_of_sectors(seg_sectors, county_code)
        density = model._density_of_sectors(seg_sectors, county_code)
        policy = model.policy_value(node["codes"])
        gap_value = C.gap(relation, relation_values)
        rows_here: list[_Row] = []
        for pairing in pairings or [None]:
            pid = pairing.partner_id if pairing else ""
            pvalue, pevidence = partner_values[pid].get(seg_key, (0.0, 0)) if pid else (0.0, 0)  # partner_fit_value
            if holding is None and pvalue <= 0:
                continue
            landings = landing_options(model, county_code, pairing, node["codes"], allow_polluting=allow_polluting)
            if not landings:
                excluded += 1
                continue
            conf = _weaker(base_conf, pairing.confidence) if pairing else base_conf
            fconf = _weaker(fact_conf, pairing.confidence) if pairing else fact_conf
            if holding is None:
                conf = _weaker(conf, "unverified")  # a partner-supplied "related" row rests on no county holding
            if _RANK[conf] > min_rank:  # not at_least(conf, min_confidence)
                continue
            pkey = (id(pairing), node["chain_id"])  # the pairings live as long as this call
            pairing_value = pairing_values.get(pkey)
            if pairing_value is None:
                pairing_value = pairing_values[pkey] = model.pairing_value(pairing, node["chain_id"])
            evidence = C.evidence(conf, confidence_values)
            for landing in landings:
                # in the order of _COMPONENTS: Model.total's arithmetic without a dict per candidate
                values = (C.landing_fit(fit, pvalue, landing[0]), link_rounded, gap_value, pairing_value, pvalue,
                          io_value, density, policy, evidence, landing[1])  # fmt: skip
                score = C.score(_weighted_mean(weights, den, values), fconf, model.confidence_factor)
                rows_here.append(_Row(score, seg_key, relation, path, holding, pairing, pid, pevidence, landing,
                                      values, conf, fconf, io_industry))  # fmt: skip
        if not rows_here:
            continue
        for r in rows_here:  # once per row: the final sort uses it again
            r.key = _row_key(model, county_code, r)
        if len(rows_here) > 1:
            rows_here.sort(key=_KEY)
        if by_partner:
            seen: set[str] = set()
            for r in rows_here:
                if r.pid not in seen:
                    seen.add(r.pid)
                    out.append(r)
        else:
            first = rows_here[0]
            first.others = list(dict.fromkeys(r.pid for r in rows_here[1:] if r.pid and r.pid != first.pid))
            out.append(first)
    if excluded:
        missing.append(
            f"{excluded} polluting suggestion(s) left out: the county has a restricting ecological status "
            "(--allow-polluting shows them)"
        )
    out.sort(key=lambda r: (-r.score, -r.n_evidence, r.seg_key, r.key))
    if by_partner:
        order: dict[str, int] = {}
        for r in out:
            order.setdefault(r.pid, len(order))
        grouped: dict[str, list[_Row]] = {}
        for r in out:
            grouped.setdefault(r.pid, []).append(r)
        kept: list[tuple[int, _Row]] = []
        for pid in sorted(grouped, key=order.__getitem__):
            rows = grouped[pid][:top] if top is not None else grouped[pid]
            kept.extend(enumerate(rows, 1))
    else:
        kept = list(enumerate(out[:top] if top is not None else out, 1))
    suggestions = []
    for rank, r in kept:
        s = r.suggestion(model, county_code)
        s.county_firms = model.county_firms_on(county_code, [k for k in s.path if k != s.segment_key] or [s.segment_key])
        s.rank = rank
        suggestions.append(s)
    return CountyAnswer(county, suggestions, missing)


def _weighted_mean(weights: list[float], den: float, values: Iterable[float]) -> float:
    """Σ wᵢvᵢ / Σ wᵢ rounded to 6 places (0 when the weights sum to 0): :meth:`Model.total`'s arithmetic.
    ``values`` has one value per weight (both callers build them from the same names)."""
    num = sum(map(mul, weights, values))  # the products added in order, as sum([w * v for ...]) does
    return round(num / den, 6) if den else 0.0


_COMPONENTS = ("chain_fit", "link", "gap", "pairing", "partner_fit", "io", "density", "policy", "evidence", "landing")
_PAIRING, _PARTNER_FIT = _COMPONENTS.index("pairing"), _COMPONENTS.index("partner_fit")
_KEY = attrgetter("key")


class _Row:
    """A scored candidate of :func:`suggest_for_county` before it is made a :class:`Suggestion`: enough to
    rank it; the names, projects and firms are filled in only for the rows that are kept."""

    __slots__ = ("score", "seg_key", "relation", "path", "holding", "pairing", "pid", "n_evidence", "landing",
                 "values", "conf", "fconf", "io_industry", "others", "key")  # fmt: skip

    def __init__(self, score: float, seg_key: str, relation: str, path: list[str], holding: Holding | None,
                 pairing: Pairing | None, pid: str, n_evidence: int, landing: tuple[str, float, str, str, bool],
                 values: tuple[float, ...], conf: str, fconf: str, io_industry: str) -> None:  # fmt: skip
        self.score, self.seg_key, self.relation, self.path, self.holding = score, seg_key, relation, path, holding
        self.pairing, self.pid, self.n_evidence, self.landing = pairing, pid, n_evidence, landing
        self.values = values  # the components, in the order of _COMPONENTS
        self.conf, self.fconf, self.io_industry = conf, fconf, io_industry
        self.others: list[str] = []
        self.key: tuple = ()  # _row_key, set by suggest_for_county

    @property
    def components(self) -> dict[str, float]:
        """Component name → value."""
        return dict(zip(_COMPONENTS, self.values, strict=True))

    def suggestion(self, model: Model, county_code: str) -> Suggestion:
        """The full :class:`Suggestion` of this row."""
        pairing, pid, seg_key = self.pairing, self.pid, self.seg_key
        pfit = model.partner_fit_detail(pid, seg_key) if pid else PartnerFit(0.0, "", "", 0, [])
        landing, _, rule_zh, rule_en, dirty = self.landing
        sources = [self.holding.source] if self.holding else []
        if pairing:
            sources.append(pairing.source)
        projects = model.projects_on(pid, seg_key) if pid else []
        real = [p for p in projects if p["confidence"] != "sample"]
        if real:
            sources.append(real[0]["source"])
        s = make_suggestion(
            model, county_code, pid, pairing, seg_key, self.relation, self.path, self.holding, self.components,
            self.conf, sources,
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
            fact_confidence=self.fconf, io_industry_zh=self.io_industry,
        )  # fmt: skip
        s.other_partners = list(self.others)
        return s


def _row_key(model: Model, county_code: str, r: _Row) -> tuple:
    """:func:`_partner_key` of a :class:`_Row`."""
    return (
        -r.score,
        -r.n_evidence,
        -r.values[_PARTNER_FIT],
        -r.values[_PAIRING],
        model.distance(county_code, r.pid),
        r.landing[0] != "county",
        r.pid,
    )


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
