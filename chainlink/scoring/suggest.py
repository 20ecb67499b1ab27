"""County → suggestions: what a county's paired partners can transfer or co-introduce, scored and ranked.

Data flows one way: the registry is read once into a :class:`chainlink.scoring.model.Model` (graph,
evidence-based holdings, pairings, partner profiles, firms, ecology); :func:`suggest_for_county` turns it
into scored, explained :class:`chainlink.scoring.records.Suggestion` rows, starting from the chain walk of
:func:`chainlink.scoring.gaps.chain_candidates`. :func:`landing_options` (county platform or enclave) and
:func:`make_suggestion` are shared with the project direction (:mod:`chainlink.scoring.projects`). Each
component is a pure function in :mod:`chainlink.scoring.components`; the words and thresholds are in
:mod:`chainlink.base.vocabulary`; the weights and values come from a preset (:mod:`chainlink.scoring.presets`,
docs/scoring.md).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from chainlink.base.vocabulary import CONFIDENCE_LEVELS, weakest
from chainlink.errors import DataError
from chainlink.scoring import components as C
from chainlink.scoring.gaps import chain_candidates
from chainlink.scoring.model import Model, PartnerFit
from chainlink.scoring.records import Holding, Pairing, Suggestion

__all__ = ["CountyAnswer", "enclave_fits", "landing_options", "make_suggestion", "suggest_for_county"]

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


_RANK = {level: i for i, level in enumerate(CONFIDENCE_LEVELS)}
_UNVERIFIED = _RANK["unverified"]



@dataclass
class CountyAnswer:
    """Suggestions for one county plus what is missing in the data to do better."""

    county: dict[str, Any]
    suggestions: list[Suggestion]
    missing: list[str]


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
    landing = _Landing(model, county_code, codes, allow_polluting=allow_polluting, polluting=polluting)
    return landing.options(pairing)


class _Landing:
    """:func:`landing_options` of one industry in one county, for any pairing: what does not depend on the
    pairing (the county platform, the pollution and ecology facts) is worked out once."""

    def __init__(
        self, model: Model, county_code: str, codes: list[str], *, allow_polluting: bool, polluting: bool | None
    ) -> None:
        values = self.values = model.landing_values
        self.codes = codes
        dirty = self.dirty = bool(polluting) or model.is_polluting(codes)
        eco = self.eco = model.ecology(county_code) if dirty else None
        entry = self.entry = model.pollution_entry(codes) if dirty else ""
        self.county: list[tuple[str, float, str, str, bool]] = []
        if eco is None:
            rule_zh = f"属{entry or '重污染行业'}，本县无生态功能区限制记录" if dirty else ""
            rule_en = f"on the heavy-pollution list ({entry}); no restricting ecological status on record" if dirty else ""
            self.county.append(("county", C.landing("county", True, values), rule_zh, rule_en, dirty))
        elif allow_polluting:
            self.county.append((
                "county", C.landing("county", True, values),
                f"属{entry or '重污染行业'}（{model.pollution_source}），本县为{eco.get('status_zh') or eco['status']}："
                "默认排除，因 --allow-polluting 显示",
                f"heavily polluting ({entry}; {model.pollution_source}) in a county with status {eco['status']}: "
                "excluded by default, shown because of --allow-polluting",
                True,
            ))  # fmt: skip

    def options(self, pairing: Pairing | None) -> list[tuple[str, float, str, str, bool]]:
        """:func:`landing_options` through ``pairing``: the county platform's, then the enclave's when it has one."""
        if pairing is None or not pairing.has_enclave:
            return self.county
        eco, entry, dirty = self.eco, self.entry, self.dirty
        fits = enclave_fits(pairing, self.codes)
        rule_zh = (f"属{entry or '重污染行业'}，本县为{eco.get('status_zh') or eco['status']}，落地对方飞地不受本县生态限制"
                   if eco is not None else ("属重污染行业" if dirty else ""))  # fmt: skip
        rule_en = (f"heavily polluting ({entry}) and the county has status {eco['status']}: lands in the enclave "
                   "in the partner's territory instead" if eco is not None else ("heavily polluting" if dirty else ""))  # fmt: skip
        return [*self.county, ("enclave", C.landing("enclave", fits, self.values), rule_zh, rule_en, dirty)]


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
    cands = chain_candidates(model, holdings)
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
    evidence_of: dict[str, float] = {}  # C.evidence per confidence level, computed once per call
    weights, den = model.weights_of(_COMPONENTS)
    factors = model.confidence_factor
    segment_sectors = model._segment_sectors
    # per pairing, what every segment asks of it: the partner's fit values (partner_fit_value), distance, and a memo
    # of its pairing value per chain (Model.pairing_value)
    channels: list[tuple[Pairing | None, str, dict[str, tuple[float, int]], float, dict[str, float]]] = [
        (p, p.partner_id, model._partner_values(p.partner_id) if p.partner_id else {}, model.distance(county_code, p.partner_id), {})
        for p in pairings
    ] or [(None, "", {}, model.distance(county_code, ""), {})]  # fmt: skip
    min_rank = CONFIDENCE_LEVELS.index(min_confidence)
    out: list[_Row] = []
    excluded = 0
    # Branch and bound, for a top-N list: `best` holds the N best scores of the rows kept so far; a segment
    # whose ceiling (_Ceiling) is below the N-th of them can never be shown and is not scored.
    ceiling = _Ceiling(model, county_code, channels, weights, den) if top and not by_partner else None
    best: list[float] = []
    items: list[tuple[str, str, list[str], Holding | None]] = [(s, r, p, h) for s, (r, p, h) in cands.items()]
    items += [(s, "related", [s], None) for s in supply]
    staged = []  # each segment with its ceiling (0 without one) and the values that need no IO look-up
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
        link_rounded = round(path_weight(graph, path), 6) if holding is not None else 0.0
        policy = model.policy_value(node["codes"])
        gap_value = C.gap(relation, relation_values)
        dirty = ceiling is not None and model.is_polluting(node["codes"])  # only the ceiling asks
        top_score = 0.0 if ceiling is None else ceiling.of(
            seg_key, holding is not None, fit, link_rounded, gap_value, policy, fact_conf, node["chain_id"], dirty
        )  # fmt: skip
        staged.append((top_score, seg_key, relation, path, holding, node, fit, base_conf, fact_conf, link_rounded,
                       policy, gap_value, dirty))  # fmt: skip
    if ceiling is not None:
        # highest ceiling first: the N-th best score rises soonest, and once a ceiling is below it, so are the rest
        staged.sort(key=lambda st: -st[0])
    for top_score, seg_key, relation, path, holding, node, fit, base_conf, fact_conf, link_rounded, policy, gap_value, dirty in staged:
        if ceiling is not None and len(best) == top and top_score < best[0]:
            break
        seg_sectors = segment_sectors[seg_key]
        io_value, io_industry = model._io_of_sectors(seg_sectors, county_code)
        density = model._density_of_sectors(seg_sectors, county_code)
        if (
            ceiling is not None
            and len(best) == top
            and ceiling.of(seg_key, holding is not None, fit, link_rounded, gap_value, policy, fact_conf, node["chain_id"],
                           dirty, (io_value, density)) < best[0]
        ):  # fmt: skip
            continue
        places = _Landing(model, county_code, node["codes"], allow_polluting=allow_polluting, polluting=None)
        rows_here: list[_Row] = []
        for pairing, pid, partner_values, distance, pairing_of_chain in channels:
            pvalue, pevidence = partner_values.get(seg_key, (0.0, 0))  # partner_fit_value
            if holding is None and pvalue <= 0:
                continue
            landings = places.options(pairing)  # landing_options
            if not landings:
                excluded += 1
                continue
            # the weaker of two levels (chainlink.base.vocabulary.weakest) written out: three calls per (segment,
            # pairing) cost ≈ 8 M in an export; tests/test_row_confidence.py checks the rows against weakest
            if pairing:
                pconf = pairing.confidence
                conf = base_conf if _RANK[base_conf] >= _RANK[pconf] else pconf
                fconf = fact_conf if _RANK[fact_conf] >= _RANK[pconf] else pconf
            else:
                conf, fconf = base_conf, fact_conf
            if holding is None and _RANK[conf] < _UNVERIFIED:
                conf = "unverified"  # a partner-supplied "related" row rests on no county holding
            if _RANK[conf] > min_rank:  # not at_least(conf, min_confidence)
                continue
            pairing_value = pairing_of_chain.get(node["chain_id"])
            if pairing_value is None:
                pairing_value = pairing_of_chain[node["chain_id"]] = model.pairing_value(pairing, node["chain_id"])
            evidence = evidence_of.get(conf)
            if evidence is None:
                evidence = evidence_of[conf] = C.evidence(conf, confidence_values)
            for landing in landings:
                # in the order of _COMPONENTS: Model.total's arithmetic without a dict per candidate
                values = (C.landing_fit(fit, pvalue, landing[0]), link_rounded, gap_value, pairing_value, pvalue,
                          io_value, density, policy, evidence, landing[1])  # fmt: skip
                score = C.score(C.weighted_mean(weights, den, values), fconf, factors)
                rows_here.append(_Row(score, seg_key, relation, path, holding, pairing, pid, pevidence, landing,
                                      values, conf, fconf, io_industry, distance))  # fmt: skip
        if not rows_here:
            continue
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
            if len(rows_here) > 1:
                first.others = list(dict.fromkeys(r.pid for r in rows_here[1:] if r.pid and r.pid != first.pid))
            out.append(first)
            if ceiling is not None:
                if len(best) < top:
                    heapq.heappush(best, first.score)
                elif first.score > best[0]:
                    heapq.heapreplace(best, first.score)
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


class _Ceiling:
    """The most any row of a segment can score in :func:`suggest_for_county` for one county, before the
    segment's IO sectors are looked at: the row's own ``link``, ``gap``, ``policy``, ``partner_fit`` and
    ``pairing``, its confidence factor, and ``io`` = ``density`` = 1; per pairing, ``chain_fit``, ``landing`` and
    ``evidence`` at the most its landing places and confidence allow (an enclave takes the larger of the
    county's and the partner's fit: :func:`chainlink.scoring.components.landing_fit`).

    io ≤ 1 and density ≤ 1 hold for a registry chainlink builds: a stored IO relatedness lies in
    [MIN_RELATEDNESS, 1] (:func:`chainlink.inputoutput.relatedness_matrix` divides by a column's or row's
    largest entry; ``chainlink.store.build.derive_io`` keeps the pairs ≥ 0.005), so ``io`` is 1 or such a value,
    and a density's numerator is part of its denominator when the county's sectors are among the table's
    (checked here). The ceiling carries a margin for the two roundings of :func:`chainlink.scoring.components.score`.
    Once a segment's ``io`` and ``density`` are known, its ceiling with them is asked again before its landing
    places and rows are worked out. tests/test_ceiling.py compares the answers with and without it.
    """

    MARGIN = 2e-6

    def __init__(self, model: Model, county_code: str, channels: list[tuple[Any, str, dict, float, dict]],
                 weights: list[float], den: float) -> None:  # fmt: skip
        """``channels``: :func:`suggest_for_county`'s, each pairing's memo of its pairing value per chain last."""
        w = dict(zip(_COMPONENTS, weights, strict=True))
        self.model = model
        self.w_fit, self.w_pairing, self.w_partner = w["chain_fit"], w["pairing"], w["partner_fit"]
        self.w_link, self.w_gap, self.w_policy, self.w_io = w["link"], w["gap"], w["policy"], w["io"] + w["density"]
        self.w_io_only, self.w_density = w["io"], w["density"]
        factors = model.confidence_factor
        evidence = {lv: float(v) for lv, v in model.preset["confidence_value"].items()}
        land = model.landing_values
        self.bounded = (  # density ≤ 1 (above), and a larger component never lowers a score
            set(model.sectors_at(county_code)) <= set(model.io_products)
            and min(weights, default=0.0) >= 0
            and min(map(float, factors.values())) >= 0
            and den > 0
        )
        self.channels = []
        for pairing, _pid, partner_values, _distance, pairing_of_chain in channels:
            pconf = pairing.confidence if pairing else "sourced"
            # a row's confidence is at most as strong as its pairing's (weakest), a row without a holding's
            # at most "unverified"; its factor is that of weakest(fact confidence, pairing confidence), divided
            # here by the weights' sum
            weaker = [lv for lv in CONFIDENCE_LEVELS if _RANK[lv] >= _RANK[pconf]]
            scale = {
                lv: float(factors[lv if _RANK[lv] >= _RANK[pconf] else pconf]) / den if den else 0.0
                for lv in CONFIDENCE_LEVELS
            }
            enclave = bool(pairing and pairing.has_enclave)
            places = [land["county"], land["enclave_fit"], land["enclave"]] if enclave else [land["county"]]
            # a level the preset has no evidence value for cannot be a row's (scoring it would fail)
            held = [evidence[lv] for lv in weaker if lv in evidence]
            other = [evidence[lv] for lv in weaker if lv in evidence and _RANK[lv] >= _UNVERIFIED]
            self.channels.append((
                partner_values, scale, enclave,
                w["landing"] * max(places) + w["evidence"] * max(held, default=0.0),
                w["landing"] * max(places) + w["evidence"] * max(other, default=0.0),
                pairing_of_chain, pairing,
            ))  # fmt: skip

    def of(self, seg_key: str, held: bool, fit: float, link: float, gap: float, policy: float, fact_conf: str,
           chain: str, polluting: bool, io_density: tuple[float, float] | None = None) -> float:  # fmt: skip
        """The ceiling of segment ``seg_key`` of ``chain`` (``held``: the row rests on a county holding; the
        county's ``fit``, the row's ``link``, ``gap``, ``policy`` and fact confidence; ``io_density``: its
        (io, density) when known, else both 1) plus the margin; +inf when it cannot be bounded: a ``polluting``
        segment (its rows may be left out, and are counted), a county whose sectors are not all in the IO table,
        a negative weight or factor."""
        if polluting or not self.bounded:
            return _INF
        fixed = self.w_link * link + self.w_gap * gap + self.w_policy * policy + (
            self.w_io if io_density is None else self.w_io_only * io_density[0] + self.w_density * io_density[1]
        )
        w_fit, w_pairing, w_partner = self.w_fit, self.w_pairing, self.w_partner
        top = 0.0
        for partner_values, scale, enclave, rest_held, rest_other, pairing_of_chain, pairing in self.channels:
            found = partner_values.get(seg_key)
            pvalue = found[0] if found is not None else 0.0
            if not held and pvalue <= 0:
                continue  # no row
            value = pairing_of_chain.get(chain)
            if value is None:
                value = pairing_of_chain[chain] = self.model.pairing_value(pairing, chain)
            best_fit = pvalue if enclave and pvalue > fit else fit  # landing_fit at the better place
            num = fixed + w_fit * best_fit + w_pairing * value + w_partner * pvalue + (rest_held if held else rest_other)
            ceiling = num * scale[fact_conf]
            if ceiling > top:
                top = ceiling
        return top + self.MARGIN


_INF = float("inf")
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
                 values: tuple[float, ...], conf: str, fconf: str, io_industry: str, distance: float) -> None:  # fmt: skip
        self.score, self.seg_key, self.relation, self.path, self.holding = score, seg_key, relation, path, holding
        self.pairing, self.pid, self.n_evidence, self.landing = pairing, pid, n_evidence, landing
        self.values = values  # the components, in the order of _COMPONENTS
        self.conf, self.fconf, self.io_industry = conf, fconf, io_industry
        self.others: list[str] = []
        # _partner_key of the row (``distance``: Model.distance of the county and the partner)
        self.key = (-score, -n_evidence, -values[_PARTNER_FIT], -values[_PAIRING], distance, landing[0] != "county", pid)

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
