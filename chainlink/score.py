"""Scoring: suggestions for a county (what its partners can bring) and destinations for a project.

Data flows one way: the registry is read once into a :class:`Model` (graph + holdings +
pairings); :func:`suggest_for_county` and :func:`rank_destinations` turn it into scored,
explained rows. Components, weights and values come from a preset YAML (see docs/scoring.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from chainlink.errors import DataError, UsageError
from chainlink.explain import explain_en, explain_zh
from chainlink.industries import best_match, split_codes

PRESET_DIR = Path(__file__).resolve().parent / "presets"
CONFIDENCE_ORDER = ("sourced", "unverified", "sample")
RELATIONS = ("fill", "extend", "strengthen")
RELATION_ZH = {"fill": "补链", "extend": "延链", "strengthen": "强链"}


def load_preset(name_or_path: str = "default") -> dict[str, Any]:
    """Load a weight preset by name (``chainlink/presets/NAME.yaml``) or path, validated."""
    from chainlink.yamlstrict import load_yaml

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


def weakest(*levels: str) -> str:
    """The weakest of several confidence levels (sourced > unverified > sample)."""
    return max(levels, key=CONFIDENCE_ORDER.index) if levels else "sourced"


@dataclass
class Suggestion:
    """One scored, explained suggestion: a segment (or project) for a county via a partner."""

    county_code: str
    county_zh: str
    county_en: str
    partner_id: str
    partner_zh: str
    partner_en: str
    partner_short_zh: str
    partner_short_en: str
    pairing_id: str
    pairing_kind: str
    chain_id: str
    chain_zh: str
    chain_en: str
    segment_key: str
    segment_zh: str
    segment_en: str
    segment_gbt: str
    stage: str
    relation: str
    via_segment: str
    via_segment_zh: str
    via_segment_en: str
    via_industry_zh: str
    via_industry_en: str
    via_code: str
    path: list[str]
    components: dict[str, float]
    score: float = 0.0
    confidence: str = "sourced"
    sources: list[str] = field(default_factory=list)
    other_partners: list[str] = field(default_factory=list)
    project_id: str = ""
    project_name: str = ""
    sample: bool = False
    more_projects: int = 0
    mode: str = "county"  # "county": suggestions for a county; "project": destinations for one project
    notes: list[str] = field(default_factory=list)
    rank: int = 0

    @property
    def hops(self) -> int:
        """Edges between the suggested segment and the county's held segment."""
        return len(self.path) - 1

    def explanation(self, lang: str = "zh") -> str:
        """One-line explanation in Chinese (default) or English."""
        return explain_zh(self) if lang == "zh" else explain_en(self)


class Model:
    """Everything scoring needs, read once from a registry."""

    def __init__(
        self, registry: Any, preset: dict[str, Any] | None = None, *, include_sample: bool = True
    ) -> None:
        self.registry = registry
        self.preset = preset or load_preset()
        self.include_sample = include_sample

    @cached_property
    def open_projects(self) -> dict[str, list[dict[str, Any]]]:
        """Projects not yet landed in a county (real and, unless excluded, sample), by chain segment.

        A project sits on its ``segment_key``, or on every segment whose codes match its GB/T codes
        at ≥ 0.8 (:func:`chainlink.industries.code_match`).
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

    @cached_property
    def graph(self):
        """The chain graph (see :func:`chainlink.graph.chain_graph`)."""
        from chainlink.graph import chain_graph

        return chain_graph(self.registry)

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

    @cached_property
    def _io(self) -> tuple[tuple[Any, ...], dict[tuple[str, str], float]]:
        from chainlink.sectors import SectorMapping

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
        return sorted({x for c in codes for x in self._sectors_of_code(c)})

    def _sectors_of_code(self, code: str) -> list[str]:
        # memoised per code: the same few hundred codes are looked up thousands of times
        cache = self.__dict__.setdefault("_sector_cache", {})
        if code not in cache:
            from chainlink.sectors import sector_of_gbt

            cache[code] = sector_of_gbt(code, mapping=self._io[0])
        return cache[code]

    def io_value(self, segment_codes: list[str], county_code: str) -> float:
        """IO component: the largest input–output relatedness between the segment's sectors and
        the sectors of the county's characteristic industries (1 when they share one; docs/io.md)."""
        seg = self.sectors_of(segment_codes)
        mine = self.sectors_of(
            [c for f in self.county_facts(county_code) for c in split_codes(f["gbt_codes"])]
        )
        related = self._io[1]
        return max((1.0 if a == b else related.get((a, b), 0.0) for a in seg for b in mine), default=0.0)

    @cached_property
    def location_sectors(self) -> dict[str, set[str]]:
        """Location id → IO sectors present there (the rows of :func:`chainlink.geography.location_matrix`)."""
        from chainlink.geography import _facts

        out: dict[str, set[str]] = {}
        for loc, _kind, _fact, codes, _conf in _facts(self):
            out.setdefault(loc, set()).update(self.sectors_of(codes))
        return out

    def density_value(self, segment_codes: list[str], county_code: str) -> float:
        """Density component: relatedness density (φ = IO relatedness) of the segment's sectors in the county."""
        from chainlink.geography import density_of

        held = self.location_sectors.get(county_code, set())
        return round(density_of(held, self.sectors_of(segment_codes), self._io[1], self.io_products), 6)

    @cached_property
    def io_products(self) -> list[str]:
        """The 153 sector codes of the 2020 input–output table."""
        return [
            r[0]
            for r in self.registry.conn.execute("SELECT code FROM io_sectors WHERE year = 2020 ORDER BY code")
        ]

    def county_facts(self, code: str) -> list[dict[str, Any]]:
        """The county's characteristic industries that carry GB/T codes."""
        return [
            f for f in self.registry.characteristic_industries if f["county_code"] == code and f["gbt_codes"]
        ]

    def county_holdings(self, code: str):
        """Segment key → :class:`chainlink.graph.Holding` for the county (above the hold threshold)."""
        from chainlink.graph import holdings

        threshold = float(self.preset.get("hold_threshold", 0.6))
        return {
            k: h for k, h in holdings(self.graph, self.county_facts(code)).items() if h.strength >= threshold
        }

    @cached_property
    def _partner_holdings(self) -> dict[str, dict[str, Any]]:
        from chainlink.graph import holdings

        out = {}
        for pid in self.partners:
            facts = [
                f for f in self.registry.partner_industries if f["partner_id"] in self.partner_family(pid)
            ]
            out[pid] = holdings(self.graph, facts) if facts else {}
        return out

    def partner_family(self, pid: str) -> set[str]:
        """A partner with its parent zone and child zones (梅山 belongs to 宁波经开区)."""
        family = {pid}
        parent = self.partners.get(pid, {}).get("parent")
        if parent:
            family.add(parent)
        family |= {p for p, row in self.partners.items() if row["parent"] == pid}
        return family

    def pairings_of(self, county_code: str) -> list[dict[str, Any]]:
        """Pairings of one county, ordered by id."""
        return [p for p in self.registry.pairings if p["county_code"] == county_code]

    # -- components --------------------------------------------------------------------------
    def pairing_value(self, pairing: dict[str, Any] | None, chain_id: str) -> float:
        """Pairing component: kind of pairing, highest for a dual-chain pilot on this chain."""
        values = self.preset["pairing_value"]
        if pairing is None:
            return float(values["none"])
        kind = pairing["kind"]
        if kind == "dual_chain_pilot" and chain_id in split_codes(pairing["chains"]):
            return float(values["dual_chain_pilot_on_chain"])
        return float(values[kind])

    def partner_fit(self, partner_id: str, segment_key: str) -> tuple[float, str]:
        """Partner-fit component and the partner industry behind it (or '')."""
        values = self.preset["partner_fit_value"]
        held = self._partner_holdings.get(partner_id, {})
        if segment_key in held:
            return float(values["segment"]), held[segment_key].industry_zh
        chain_id = segment_key.split("/")[0]
        same_chain = [h for k, h in held.items() if k.split("/")[0] == chain_id]
        if same_chain:
            return float(values["chain"]), same_chain[0].industry_zh
        return float(values["none"]), ""

    def policy_value(self, codes: list[str]) -> float:
        """Policy component from the preset's favoured / sensitive GB/T code lists."""
        policy = self.preset["policy"]
        fav = [c for c in policy["favoured"]["codes"]]
        sens = [c for c in policy["sensitive"]["codes"]]
        if best_match(codes, fav)[0] >= 0.9 or any(c.startswith(tuple(fav)) for c in codes):
            return float(policy["favoured"]["value"])
        if any(c.startswith(tuple(sens)) for c in codes):
            return float(policy["sensitive"]["value"])
        return float(policy["default"])

    def total(self, components: dict[str, float]) -> float:
        """Weighted mean of the components under the preset's weights."""
        weights = self.preset["weights"]
        num = sum(float(weights.get(k, 0)) * v for k, v in components.items())
        den = sum(float(weights.get(k, 0)) for k in components)
        return round(num / den, 6) if den else 0.0


# -- county → suggestions ---------------------------------------------------------------------


@dataclass
class CountyAnswer:
    """Suggestions for one county plus what is missing in the data to do better."""

    county: dict[str, Any]
    suggestions: list[Suggestion]
    missing: list[str]


def _candidates(model: Model, holdings: dict[str, Any]) -> dict[str, tuple[str, list[str], Any]]:
    """Segment key → (relation, path, holding) with the strongest chain fit per segment."""
    from chainlink.graph import hops_downstream, hops_upstream

    graph = model.graph
    max_hops = int(model.preset.get("max_hops", 2))
    decay = float(model.preset.get("decay", 0.5))
    best: dict[str, tuple[float, str, list[str], Any]] = {}

    def offer(seg: str, relation: str, path: list[str], holding: Any) -> None:
        # Strongest fit wins; on a tie the earlier relation (fill > extend > strengthen) and the
        # first offer in sorted order win, so the result is deterministic.
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


def suggest_for_county(
    model: Model,
    county_code: str,
    *,
    top: int | None = 10,
    partner: str | None = None,
    chain: str | None = None,
) -> CountyAnswer:
    """Ranked suggestions of what ``county_code``'s paired partners can transfer or co-introduce.

    Each candidate segment is upstream (补链 fill), downstream (延链 extend) or one of the
    county's held segments (强链 strengthen), within ``max_hops`` of a segment the county holds
    through a characteristic industry; it is offered through each of the county's pairings.
    """
    from chainlink.graph import path_confidence, path_weight

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
        missing.append("no characteristic industry sits on a chain segment")
    pairings = model.pairings_of(county_code)
    if not pairings:
        missing.append("no sourced pairing: partner unknown")
    if partner:
        pairings = [p for p in pairings if p["partner_id"] in model.partner_family(partner)]
        if not pairings:
            name = model.partners[partner]["name_zh"]
            raise DataError(
                f"{name} is not paired with {county['name_zh']} in the registry; see `chainlink pairs {county_code}`"
            )
    graph = model.graph
    conf_value = model.preset["confidence_value"]
    relation_value = model.preset["relation_value"]
    out: list[Suggestion] = []
    for seg_key, (relation, path, holding) in _candidates(model, holdings).items():
        node = graph.nodes[seg_key]
        if chain and node["chain_id"] != chain:
            continue
        decay = float(model.preset.get("decay", 0.5))
        chain_fit = holding.strength * decay ** max(0, len(path) - 2)
        link = path_weight(graph, path)
        base_conf = weakest(holding.confidence, path_confidence(graph, path))
        io = model.io_value(node["codes"], county_code)
        density = model.density_value(node["codes"], county_code)
        for pairing in pairings or [None]:
            pid = pairing["partner_id"] if pairing else ""
            fit, partner_industry = model.partner_fit(pid, seg_key) if pid else (0.0, "")
            conf = weakest(base_conf, pairing["confidence"]) if pairing else base_conf
            components = {
                "chain_fit": round(chain_fit, 6),
                "link": round(link, 6),
                "gap": float(relation_value[relation]),
                "pairing": model.pairing_value(pairing, node["chain_id"]),
                "partner_fit": fit,
                "io": io,
                "density": density,
                "policy": model.policy_value(node["codes"]),
                "evidence": float(conf_value[conf]),
            }
            notes = []
            if partner_industry:
                notes.append(f"partner_industry:{partner_industry}")
            sources = [holding.source]
            if pairing:
                sources.append(pairing["source"])
            projects = model.projects_on(pid, seg_key) if pid else []
            real = [p for p in projects if p["confidence"] != "sample"]
            if real:
                # a sourced project of the partner on this very segment: the partner has it
                components["partner_fit"] = float(model.preset["partner_fit_value"]["segment"])
                sources.append(real[0]["source"])
            out.append(
                make_suggestion(
                    model,
                    county_code,
                    pid,
                    pairing,
                    seg_key,
                    relation,
                    path,
                    holding,
                    components,
                    conf,
                    sources,
                    notes=notes,
                    project_id=projects[0]["id"] if projects else "",
                    project_name=projects[0]["name_zh"] if projects else "",
                    sample=bool(projects) and projects[0]["confidence"] == "sample",
                    more_projects=max(0, len(projects) - 1),
                )
            )
    out = _best_partner_per_segment(out)
    if top is not None:
        out = out[:top]
    for i, s in enumerate(out, 1):
        s.rank = i
    return CountyAnswer(county, out, missing)


def make_suggestion(
    model: Model,
    county_code: str,
    partner_id: str,
    pairing: dict[str, Any] | None,
    segment_key: str,
    relation: str,
    path: list[str],
    holding: Any,
    components: dict[str, float],
    confidence: str,
    sources: list[str],
    **extra: Any,
) -> Suggestion:
    """A :class:`Suggestion` with every name filled in from the model and its score computed."""
    graph = model.graph
    node = graph.nodes[segment_key]
    via = graph.nodes[holding.segment]
    county = model.counties[county_code]
    chain_row = model.chains[node["chain_id"]]
    prow = model.partners.get(partner_id, {})
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
        chain_id=node["chain_id"],
        chain_zh=chain_row["name_zh"],
        chain_en=chain_row["name_en"],
        segment_key=segment_key,
        segment_zh=node["name_zh"],
        segment_en=node["name_en"],
        segment_gbt=node["gbt_codes"],
        stage=node["stage"],
        relation=relation,
        via_segment=holding.segment,
        via_segment_zh=via["name_zh"],
        via_segment_en=via["name_en"],
        via_industry_zh=holding.industry_zh,
        via_industry_en=holding.industry_en,
        via_code=holding.held_code,
        path=path,
        components=components,
        score=model.total(components),
        confidence=confidence,
        sources=sources,
        **extra,
    )


def _best_partner_per_segment(suggestions: list[Suggestion]) -> list[Suggestion]:
    """Keep, per segment, the best-scoring partner; the others are listed in ``other_partners``."""
    suggestions = sorted(suggestions, key=lambda s: (-s.score, s.segment_key, s.partner_id))
    kept: dict[str, Suggestion] = {}
    for s in suggestions:
        first = kept.get(s.segment_key)
        if first is None:
            kept[s.segment_key] = s
        elif s.partner_id:
            first.other_partners.append(s.partner_id)
    return list(kept.values())


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
    held thinly — through a broader GB/T code (strength < 0.9), an unverified fact or a weak source.
    """
    from chainlink.graph import path_confidence

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
                thin.append(
                    f"held only through the broader code {holding.held_code} (match {holding.strength:.1f})"
                )
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
