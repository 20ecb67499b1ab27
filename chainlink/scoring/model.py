"""The Model: everything scoring needs, read once from a registry and indexed.

:class:`Model` reads each table once (counties, partners, pairings, the chain graph, characteristic
industries and holdings, real firms, partner profiles, open projects, the IO tables, pollution and
ecology) and answers the questions the scores ask — what a county holds (:meth:`Model.county_holdings`;
:func:`evidence_holdings` for every county), how close a partner is to a segment
(:meth:`Model.partner_fit_detail`), the IO, density, policy and pairing components — memoising the
answers. The weights and values come from a preset (:mod:`chainlink.scoring.presets`); the formulas are
in :mod:`chainlink.scoring.components`. County suggestions are built on it in
:mod:`chainlink.scoring.suggest`, the project direction in :mod:`chainlink.scoring.projects`.

The class is one module, in sections (tables, input–output, the county side, firms, the partner side,
ecology and policy, component helpers): the sections call each other both ways (the county side's
overlap signal uses the partner side's code index, partner fit uses the IO sectors, the firm index and
the partner families) and share one set of caches, so it is not split into mixins across files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import repeat
from typing import Any

from chainlink.base.industries import best_match, split_codes
from chainlink.base.vocabulary import (
    CONFIDENCE_LEVELS,
    FIRM_KIND_ZH,
    OVERLAP_THRESHOLD,
    PARTNER_FIT_MIN,
    RESTRICTING_STATUSES,
    weakest,
)
from chainlink.scoring import components as C
from chainlink.scoring.presets import load_preset
from chainlink.scoring.records import Holding, Pairing

__all__ = ["Model", "PartnerFit", "distance_km", "evidence_holdings"]


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
# what scoring reads of a project (Model.open_projects and the suggestions) and of a presence enterprise (geography._facts)
_PROJECT_COLUMNS = ("id", "name_zh", "name_en", "origin_id", "county_code", "gbt_codes", "segment_key", "investment_wan",
                    "source", "confidence")  # fmt: skip
_PRESENCE_COLUMNS = ("id", "county_code", "partner_id", "gbt_codes", "confidence")
# a model reads the firms of this many scopes (a county with its partners, a partner) by themselves, then every
# firm at once (Model._firms_in): matching one county (or a project's destinations) takes one scoped read; an export
# asks about 26 counties, whose scoped reads together cost ≈ 2× reading every firm
SCOPED_FIRM_READS = 1


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

    def row(self, sector: str) -> dict[str, float]:
        """The values of ``sector``'s row: other sector → value (callers do not change it)."""
        row = self._rows.get(sector)
        return row if row is not None else self._row(sector)

    def row_total(self, sector: str, products: list[str]) -> float:
        """``1 + Σ_j R(sector, j)`` over ``products`` but ``sector``, the values added in the order of ``products``:
        the denominator of :func:`chainlink.scoring.geography.density_of`, to the last bit, with the look-ups
        made by ``map`` (a sector missing from the row adds 0.0, which leaves a sum of these values unchanged)."""
        row = self._row(sector)
        if sector in row:  # a diagonal value, which the sum leaves out
            return 1.0 + sum(row.get(j, 0.0) for j in products if j != sector)
        return 1.0 + sum(map(row.get, products, repeat(0.0)))

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
            related = self._io[1]
            for sectors, industry_zh in self._county_fact_sectors(county_code):
                value = C.io(seg, sectors, related, related.row)
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

    @cached_property
    def _density_of(self) -> Any:
        """:func:`chainlink.scoring.geography.density_of`, imported once (an import statement per call cost ≈ 1 µs)."""
        from chainlink.scoring.geography import density_of

        return density_of

    def _density_of_sectors(self, targets: tuple[str, ...], county_code: str) -> float:
        """:meth:`density_value` of the segment sectors ``targets`` (sorted, as :meth:`sectors_of` gives them)."""
        cache = self.__dict__.setdefault("_density_cache", {})
        key = (county_code, targets)
        if key not in cache:
            density_of = self._density_of
            held = self.sectors_at(county_code)
            totals = self.__dict__.setdefault("_density_totals", {})
            for sector in targets:
                if sector not in totals:
                    totals[sector] = self._io[1].row_total(sector, self.io_products)
            related = self._io[1]
            cache[key] = round(density_of(held, list(targets), related, self.io_products, totals=totals, rows=related.row), 6)
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

    def _narrow_rows(self, name: str, columns: tuple[str, ...]) -> list[dict[str, Any]]:
        """The rows of the registry's ``name`` (``projects`` or ``presence_enterprises``) with ``columns`` only —
        what scoring reads of them. A :class:`~chainlink.store.registry.Registry` that has not read the whole rows
        reads those columns alone (:meth:`~chainlink.store.registry.Registry.read_columns`); any other registry
        object (evaluate's leave-one-out view, which filters the rows) gives its own rows."""
        from chainlink.store.registry import Registry

        reg = self.registry
        if type(reg) is not Registry or name in reg.__dict__:
            return getattr(reg, name)
        return reg.read_columns(name, columns)

    @cached_property
    def presence_enterprises(self) -> list[dict[str, Any]]:
        """The registry's presence enterprises (sample and imported ones) with the columns
        :func:`chainlink.scoring.geography._facts` reads (:meth:`_narrow_rows`)."""
        return self._narrow_rows("presence_enterprises", _PRESENCE_COLUMNS)

    # -- firms (chainlink.scoring.firms, when the registry has them) ---------------------------------------
    @cached_property
    def _firms(self) -> list[dict[str, Any]]:
        """Every real (and the user's) firm on every segment; [] when the registry has none. Scoring reads the
        firms of the places it asks about only (:meth:`_firms_in`); this is their plain definition."""
        try:
            from chainlink.scoring import firms as firms_mod
        except ImportError:
            return []
        return self._present(firms_mod.firms_on(self.registry, list(self.graph.nodes)))

    def _present(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """``rows`` without registry firms the registry (a leave-one-out view) leaves out of its enterprises.
        A :class:`~chainlink.store.registry.Registry` leaves none out: its firm links are joined to its enterprises."""
        from chainlink.store.registry import Registry

        if type(self.registry) is Registry:
            return rows
        present = self.registry.enterprise_ids
        return [r for r in rows if r.get("user") or r["id"] in present or not present]

    def _firms_in(self, places: set[str], counties: set[str], partners: set[str]) -> list[dict[str, Any]]:
        """The rows of :attr:`_firms` whose ``place_code`` is in ``places``, ``county_code`` in ``counties`` or
        ``partner_id`` in ``partners``, in the same order: read for those places and partners alone
        (:func:`chainlink.scoring.firms.firms_in`) for the first :data:`SCOPED_FIRM_READS` scopes a model is asked
        about (one county's match, a project's destinations), then filtered from :attr:`_firms`, read once (an
        export asks about every county: one read of every firm costs less than many reads of a few)."""
        reads = self.__dict__.get("_scoped_firm_reads", 0)
        if "_firms" in self.__dict__ or reads >= SCOPED_FIRM_READS:
            by_place, by_county, by_partner = self._firm_index
            found = {i for code in places for i in by_place.get(code, ())}
            found.update(i for code in counties for i in by_county.get(code, ()))
            found.update(i for pid in partners for i in by_partner.get(pid, ()))
            firms = self._firms
            return [firms[i] for i in sorted(found)]
        try:
            from chainlink.scoring import firms as firms_mod
        except ImportError:
            return []
        self._scoped_firm_reads = reads + 1
        rows = firms_mod.firms_in(
            self.registry, list(self.graph.nodes), places=places, counties=counties, partner_ids=partners
        )
        return self._present(rows)

    @cached_property
    def _firm_index(self) -> tuple[dict[Any, list[int]], dict[Any, list[int]], dict[Any, list[int]]]:
        """Positions in :attr:`_firms` by ``place_code``, by ``county_code`` and by ``partner_id``."""
        by_place: dict[Any, list[int]] = {}
        by_county: dict[Any, list[int]] = {}
        by_partner: dict[Any, list[int]] = {}
        for i, f in enumerate(self._firms):
            by_place.setdefault(f.get("place_code"), []).append(i)
            by_county.setdefault(f.get("county_code"), []).append(i)
            by_partner.setdefault(f.get("partner_id"), []).append(i)
        return by_place, by_county, by_partner

    def _county_firms(self, code: str) -> list[dict[str, Any]]:
        """The firms located in county ``code`` (``place_code`` or ``county_code``), in :attr:`_firms` order.

        Scoring a county asks for its firms first and then for those of its paired partners
        (:meth:`_partner_firm_index`), so the partners' not read yet are read with the county's, in one read."""
        cache = self.__dict__.setdefault("_county_firms_cache", {})
        if code in cache:
            return cache[code]
        pcache = self.__dict__.setdefault("_partner_firm_cache", {})
        pids = [pid for pid in dict.fromkeys(p.partner_id for p in self.pairings_of(code)) if pid and pid not in pcache]
        scopes = [(pid, self.partner_places(pid), self._family(pid)) for pid in pids]
        places = {code}.union(*(s[1] for s in scopes))
        partners: set[str] = set().union(*(s[2] for s in scopes))
        rows = self._firms_in(places, {code}, partners)
        cache[code] = [f for f in rows if f.get("place_code") == code or f.get("county_code") == code]
        for pid, pid_places, family in scopes:
            pcache[pid] = _by_segment(f for f in rows if f.get("place_code") in pid_places or f.get("partner_id") in family)
        return cache[code]

    def county_firms_on(self, code: str, segments: list[str] | None) -> list[dict[str, Any]]:
        """Real firms located in county ``code`` on ``segments`` (all segments when None)."""
        here = self._county_firms(code)
        if segments is None:
            return list(here)
        keys = set(segments)
        return [f for f in here if f["segment_key"] in keys]

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
        # :attr:`_firms` is sorted by segment key first: the segments' lists one after the other keep its order
        return [f for key in sorted(set(segments)) for f in mine.get(key, ())]

    def _partner_firm_index(self, pid: str) -> dict[str, list[dict[str, Any]]]:
        """Segment key → the partner's firms on it (in its territory or tied to its zones), in :attr:`_firms`
        order (callers do not change the lists)."""
        cache = self.__dict__.setdefault("_partner_firm_cache", {})
        if pid not in cache:
            places, family = self.partner_places(pid), self._family(pid)
            cache[pid] = _by_segment(self._firms_in(places, set(), set(family)))
        return cache[pid]

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
        for project in self._narrow_rows("projects", _PROJECT_COLUMNS):
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

    def _closeness(self, pcodes: Sequence[str], seg_codes: Sequence[str]) -> tuple[float, str, str, bool]:
        """The closest (value, level, partner code) of :func:`chainlink.scoring.components.code_closeness` over the
        code pairs, the first best pair winning ((0, 'none', '') when none), and whether some pair is at the
        ``class`` level (:func:`chainlink.base.industries.code_match` ≥ 0.8, as ``best_match(...)[0] >= 0.8``
        says); memoised per code pair."""
        pairs = self.__dict__.setdefault("_pair_closeness", {})
        values = self.partner_fit_values
        best, level, code, matched = 0.0, "none", "", False
        for pc in pcodes:
            for sc in seg_codes:
                found = pairs.get((pc, sc))
                if found is None:
                    found = pairs[pc, sc] = C.code_closeness(pc, sc, values)
                if found[0] > best:
                    best, level, code = found[0], found[1], pc
                if found[1] == "class":
                    matched = True
        return best, level, code, matched

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
        best, level, code, _ = self._closeness(pcodes, seg_codes)
        if best == 0 and seg_sectors & (set(self.sectors_of(pcodes)) if p_sectors is None else p_sectors):
            best, level, code = float(values["io_sector"]), "io_sector", pcodes[0] if pcodes else ""
        if best == 0 and chain_id and self._on_chain(pcodes, chain_id):
            best, level, code = float(values["chain"]), "chain", pcodes[0]
        return best, level, code

    def _profile_reach(self, pcodes: tuple[str, ...]) -> dict[str, tuple[float, str, str]]:
        """Segment → :meth:`_profile_closeness` of a profile industry with ``pcodes``, for the segments it
        is close to at some level (value > 0): from the indexes (:meth:`_indexed_closeness`) when
        :attr:`_sparse_reach` allows, else over every segment; memoised per codes."""
        cache = self.__dict__.setdefault("_reach_cache", {})
        if pcodes not in cache:
            if self._sparse_reach and all(len(c) >= 2 for c in pcodes):
                found = self._indexed_closeness(pcodes)
            else:
                codes, nodes, seg_sectors = list(pcodes), self.graph.nodes, self._segment_sector_sets
                p_sectors = set(self.sectors_of(codes))
                found = {
                    key: self._profile_closeness(codes, nodes[key]["codes"], seg_sectors[key], key.split("/")[0], p_sectors)
                    for key in nodes
                }  # fmt: skip
            cache[pcodes] = {key: f for key, f in found.items() if f[0] > 0}
        return cache[pcodes]

    def _indexed_closeness(self, pcodes: tuple[str, ...]) -> dict[str, tuple[float, str, str]]:
        """:meth:`_profile_closeness` of ``pcodes`` level by level, each from its index, on every segment where
        it can be other than (0, 'none', ''): the closest code pair on the segments sharing a division
        (:meth:`_code_neighbours`; under :attr:`_sparse_reach` no other segment has a close pair), where no pair
        is close a shared IO sector (:attr:`_segments_by_sector`), and where that leaves 0 the chain level on
        every segment of a chain where some pair matches at ≥ 0.8."""
        nodes, values = self.graph.nodes, self.partner_fit_values
        found: dict[str, tuple[float, str, str]] = {}
        chains_on: set[str] = set()
        for key in self._code_neighbours(pcodes):
            best, level, code, matched = self._closeness(pcodes, nodes[key]["codes"])
            if best > 0:
                found[key] = (best, level, code)
            if matched:
                chains_on.add(key.split("/")[0])
        if not pcodes:
            return found
        by_sector, io_sector = self._segments_by_sector, (float(values["io_sector"]), "io_sector", pcodes[0])
        for sector in self.sectors_of(list(pcodes)):
            for key in by_sector.get(sector, ()):
                found.setdefault(key, io_sector)
        chain = (float(values["chain"]), "chain", pcodes[0])
        for chain_id in chains_on:
            for key in self._chain_keys[chain_id]:
                if found.get(key, _NOT_CLOSE)[0] == 0:
                    found[key] = chain
        return found

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
        values, factors, graph = self.partner_fit_values, self._fit_factors, self.graph
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
        # segment without the partner's firms → its firms one step away (each firm row once, by identity)
        near: dict[str, dict[int, dict[str, Any]]] = {}
        for key, rows in mine.items():
            if key not in best:
                continue  # a segment the graph lacks (an imported firm's)
            for f in rows:
                take(key, firm_value, f.get("confidence") or "sourced")
            if key in graph:
                for k in (*graph.pred[key], *graph.succ[key]):
                    if k not in mine:
                        near.setdefault(k, {}).update((id(f), f) for f in rows)
        for key, found in near.items():
            for f in found.values():
                take(key, adjacent_value, f.get("confidence") or "sourced")
        with_projects = self._project_segments(pid)
        for key in self.open_projects:
            if key in best and key in with_projects:
                for p in self.projects_on(pid, key):
                    if p["confidence"] != "sample":
                        take(key, project_value, p["confidence"])
        # round(x, 6) once per distinct best value (a few products of values and factors; CPython rounds via dtoa)
        rounded = self.__dict__.setdefault("_rounded", {})
        out = {}
        for key in support:
            x = best[key]
            r = rounded.get(x)
            if r is None:
                r = rounded[x] = round(x, 6)
            out[key] = (r, n[key])
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
            firms = list(mine.get(segment_key, ()))
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
            kind_zh = FIRM_KIND_ZH.get(what.get("kind", ""), what.get("kind", ""))
            return (f"企业{what['name_zh']}（{kind_zh}）在该环节",
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
            values = self._partner_values(pid)
            support = values if threshold > 0 else self.graph.nodes  # elsewhere (0, 0)
            cache[pid] = [k for k in sorted(support) if values.get(k, (0.0, 0))[0] >= threshold]
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
        fav = tuple(policy["favoured"]["codes"])
        # a code that is a favoured code or under one (code_match >= 0.9, which best_match(codes, fav) also said)
        favoured = any(c.startswith(fav) for c in codes)
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
        return C.weighted_mean(*self.weights_of(tuple(components)), components.values())

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


def _by_segment(firms: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Segment key → the ``firms`` on it, in their order."""
    out: dict[str, list[dict[str, Any]]] = {}
    for f in firms:
        out.setdefault(f["segment_key"], []).append(f)
    return out


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
