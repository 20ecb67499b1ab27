"""Sample (synthetic) overflow projects and enterprises: deterministic, labelled, never real companies.

The registry needs candidate projects and enterprises in the partner zones to exercise matching and
allocation, and no source lists them. :func:`sample_tables` makes them from a fixed seed at build time,
so the same sources always compile to the same rows (``chainlink build --check`` stays meaningful):

- every row has ``confidence = sample``, ``source = "chainlink sample generator, seed N"``, ``status = lead``
  (projects) and a name that says so: ``示例项目-P0001 塑料人造革、合成革扩产(示例)`` (the GB/T class name of
  the segment's first code, so that renaming a segment does not rename samples), ``示例企业-E0001(示例)``;
- each sits in a partner district or zone on the advanced side (``origin_id`` / ``partner_id`` from
  ``data/partners.csv``; mountain-side platforms and enclaves excluded) and on a real chain segment
  (``segment_key`` and that segment's GB/T codes), preferring segments of the chains that the partner's
  paired counties hold, or that a source names for the partner;
- figures are drawn from lognormal distributions around plausible Zhejiang levels (docs/data.md):
  investment (万元), land from investment intensity (万元/亩), added value around the 1.3 million yuan per
  mu target, tax as a share of added value, energy per added value by pollution class; the pollution
  class follows the industry (chemicals and smelting high, electronics and digital services low) with
  some noise;
- enterprises carry an 18-character unified social credit code whose check digits are correct
  (GB 32100-2015, and GB 11714 inside it) but which starts with ``00``: registration-authority code 0
  is not assigned, so a sample code can never be a real one.

Only :meth:`random.Random.random` is used (its sequence for a given seed is guaranteed across Python
versions); normal draws come from Box–Muller on top of it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

from chainlink.base.credit import check_digit, quick_valid
from chainlink.base.industries import code_match, split_codes

SAMPLE_SEED = 2026
N_PROJECTS = 300
N_ENTERPRISES = 200
CREDIT_PREFIX = "00"

ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]  # GB 11714 organisation code, inside the credit code
HOLD_THRESHOLD = 0.6  # as the default scoring preset: a county holds a segment at this code match
SIZES = (("large", 0.10), ("medium", 0.30), ("small", 0.45), ("micro", 0.15))
# Which industries pollute is chainlink's judgement (GB/T 4754-2017 code prefixes).
HIGH_POLLUTION = ("06", "07", "08", "09", "25", "26", "31", "32", "1713", "1910", "2211", "2212", "2710")
HIGH_POLLUTION += ("2925", "301", "3360")
LOW_POLLUTION = ("01", "02", "03", "05", "39", "40", "358", "5", "6", "7", "8", "9")
# Medians of the lognormal draws (sigma in brackets below): plausible levels, not data.
INVESTMENT_MEDIAN = {"material": 50000, "part": 20000, "equipment": 20000, "product": 30000, "service": 8000}
INTENSITY_MEDIAN = {"service": 900.0}  # investment per mu, 万元/亩; manufacturing 450
ADDED_VALUE_PER_MU = 130.0  # 万元/亩: the 2025 target for mountain-county zones is 1.3 million yuan
TAX_SHARE = 0.2  # tax / added value
ENERGY_PER_ADDED_VALUE = {"high": 1.2, "medium": 0.35, "low": 0.08}  # tce per 万元 added value
ACTIONS = {
    "material": (("扩产", "capacity expansion"), ("新建产线", "new line")),
    "part": (("配套", "supplier plant"), ("扩产", "capacity expansion")),
    "equipment": (("智能化改造", "smart retrofit"), ("扩产", "capacity expansion")),
    "product": (("扩产", "capacity expansion"), ("新品产业化", "new product launch")),
    "service": (("拓展", "expansion"), ("新设中心", "new centre")),
}


def _short_name(industry_zh: str) -> str:
    """A GB/T class name without its generic ending: ``皮鞋制造`` → ``皮鞋``, ``通用仓储`` unchanged."""
    for ending in ("制造业", "制造", "加工"):
        if industry_zh.endswith(ending) and len(industry_zh) > len(ending) + 1:
            return industry_zh[: -len(ending)]
    return industry_zh


def sample_source(seed: int = SAMPLE_SEED) -> str:
    """The ``source`` text of every generated row."""
    return f"chainlink sample generator, seed {seed}"


class _Draws:
    """Random draws built only on ``random.Random.random`` (stable across Python versions)."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def uniform(self) -> float:
        return self._rng.random()

    def choice(self, items: Sequence[Any]) -> Any:
        return items[min(int(self.uniform() * len(items)), len(items) - 1)]

    def weighted(self, items: Sequence[tuple[Any, float]]) -> Any:
        point = self.uniform() * sum(w for _, w in items)
        for item, weight in items:
            point -= weight
            if point < 0:
                return item
        return items[-1][0]

    def normal(self) -> float:
        u1 = 1.0 - self.uniform()  # in (0, 1]
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * self.uniform())

    def lognormal(self, median: float, sigma: float) -> float:
        return median * math.exp(sigma * self.normal())


def org_check_char(body8: str) -> str:
    """The check character of a GB 11714 organisation code (positions 9–17 of a credit code)."""
    total = sum(int(ch, 36) * w for ch, w in zip(body8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def is_valid_credit_code(code: str) -> bool:
    """True when the GB 32100 check digit (:func:`chainlink.base.credit.quick_valid`) and the GB 11714
    organisation-code check character are both right."""
    return quick_valid(code) and org_check_char(code[8:16]) == code[16]


def is_sample_credit_code(code: str) -> bool:
    """True for a code made by this module: valid, and starting with the unassigned authority code 0."""
    return code.startswith(CREDIT_PREFIX) and is_valid_credit_code(code)


def sample_credit_code(region: str, serial: int, draws: _Draws) -> str:
    """A valid-looking credit code for sample enterprise ``serial`` registered in ``region`` (6 digits)."""
    body = f"{serial:04d}{int(draws.uniform() * 10000):04d}"
    first17 = CREDIT_PREFIX + region + body + org_check_char(body)
    return first17 + check_digit(first17)


def pollution_class(codes: Sequence[str]) -> str:
    """``high``, ``medium`` or ``low`` for GB/T codes (the worst of them), by chainlink's prefix lists."""
    order = ["low", "medium", "high"]
    worst = 0
    for code in codes:
        if code.startswith(HIGH_POLLUTION):
            level = 2
        elif code.startswith(LOW_POLLUTION):
            level = 0
        else:
            level = 1
        worst = max(worst, level)
    return order[worst]


def sample_origins(tables: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Partner districts and zones on the advanced side: not platforms or enclaves, not hosted in one of the 26."""
    counties = {c["code"] for c in tables["counties"]}
    out = []
    for p in tables["partners"]:
        region = p["admin_code"] or p["host_code"]
        if p["kind"] in ("platform", "enclave") or not region or region in counties:
            continue
        out.append(p)
    return sorted(out, key=lambda p: p["id"])


def _matching_segments(
    segment_codes: list[tuple[str, list[str]]], codes: list[str], threshold: float
) -> set[str]:
    """Keys of the segments (``(key, GB/T codes)``) one of whose codes a code in ``codes`` matches at
    ``threshold`` or more."""
    return {
        key for key, mine in segment_codes if any(code_match(h, c) >= threshold for h in codes for c in mine)
    }


class _SegmentsByCode:
    """:func:`_matching_segments` by index: ``code_match(h, c)`` is above 0 only when one of the two codes starts
    with the other, so a held code ``h`` is tried only on the segment codes that are a prefix of it (looked up
    by each of its prefixes) or start with it (looked up by ``h``), not on every code of every segment."""

    def __init__(self, segment_codes: list[tuple[str, list[str]]]) -> None:
        self.segment_codes = segment_codes
        self.by_code: dict[str, list[tuple[str, str]]] = {}  # code → (segment key, code)
        self.by_prefix: dict[str, list[tuple[str, str]]] = {}  # every prefix of a code → (segment key, code)
        for key, mine in segment_codes:
            for c in mine:
                self.by_code.setdefault(c, []).append((key, c))
                for n in range(1, len(c) + 1):
                    self.by_prefix.setdefault(c[:n], []).append((key, c))

    def matching(self, codes: list[str], threshold: float) -> set[str]:
        """The same set as ``_matching_segments(segment_codes, codes, threshold)``."""
        if threshold <= 0:  # every segment matches at 0: the plain definition
            return _matching_segments(self.segment_codes, codes, threshold)
        found = set()
        for h in codes:
            tried = [p for n in range(1, len(h) + 1) for p in self.by_code.get(h[:n], ())]
            for key, c in tried + self.by_prefix.get(h, []):
                if key not in found and code_match(h, c) >= threshold:
                    found.add(key)
        return found


def _candidate_segments(tables: dict[str, list[dict[str, Any]]]) -> dict[str, tuple[list[str], list[str]]]:
    """Per origin: segments a source names for its zone family, and segments of chains its paired counties hold."""
    segments = tables["segments"]
    chain_of = {s["key"]: s["chain_id"] for s in segments}
    index = _SegmentsByCode([(s["key"], split_codes(s["gbt_codes"])) for s in segments])  # split once, not per fact
    county_chains: dict[str, set[str]] = {}
    for fact in tables["characteristic_industries"]:
        held = index.matching(split_codes(fact["gbt_codes"]), HOLD_THRESHOLD)
        county_chains.setdefault(fact["county_code"], set()).update(chain_of[k] for k in held)
    partner_named: dict[str, set[str]] = {}
    for fact in tables["partner_industries"]:
        named = index.matching(split_codes(fact["gbt_codes"]), 0.8)
        partner_named.setdefault(fact["partner_id"], set()).update(named)
    out = {}
    for origin in sample_origins(tables):
        family = {origin["id"], origin["parent"]} - {""}
        family |= {p["id"] for p in tables["partners"] if p["parent"] == origin["id"]}
        region = origin["admin_code"] or origin["host_code"]
        channels = family | {
            p["id"] for p in tables["partners"] if p["admin_code"] and p["admin_code"] == region
        }
        paired = {r["county_code"] for r in tables["pairings"] if r["partner_id"] in channels}
        chains = set().union(*(county_chains.get(c, set()) for c in paired))
        named = set().union(*(partner_named.get(pid, set()) for pid in family))
        out[origin["id"]] = (sorted(named), sorted(k for k, c in chain_of.items() if c in chains))
    return out


def sample_tables(
    tables: dict[str, list[dict[str, Any]]],
    seed: int = SAMPLE_SEED,
    n_projects: int = N_PROJECTS,
    n_enterprises: int = N_ENTERPRISES,
) -> dict[str, list[dict[str, Any]]]:
    """Generate ``{"projects": [...], "enterprises": [...]}`` from compiled source ``tables``.

    Reads ``counties``, ``partners``, ``pairings``, ``characteristic_industries``,
    ``partner_industries`` and ``segments``. The same tables and seed give the same rows.
    """
    draws = _Draws(seed)
    source = sample_source(seed)
    origins = sample_origins(tables)
    segments = {s["key"]: s for s in tables["segments"]}
    all_keys = sorted(segments)
    if not origins or not all_keys:
        return {"projects": [], "enterprises": []}
    candidates = _candidate_segments(tables)
    industry_names = {r["code"]: r["name_zh"] for r in tables["industries"]}

    def pick_segment(origin: dict[str, Any]) -> dict[str, Any]:
        named, on_chains = candidates[origin["id"]]
        roll = draws.uniform()
        if named and roll < 0.3:
            return segments[draws.choice(named)]
        if on_chains and roll < 0.85:
            return segments[draws.choice(on_chains)]
        return segments[draws.choice(all_keys)]

    enterprises = []
    for i in range(1, n_enterprises + 1):
        origin = draws.choice(origins)
        seg = pick_segment(origin)
        size = draws.weighted(SIZES)
        leader = 1 if size == "large" and draws.uniform() < 0.5 else 0
        region = origin["admin_code"] or origin["host_code"]
        enterprises.append(
            {
                "id": f"sample-E{i:04d}",
                "credit_code": sample_credit_code(region, i, draws),
                "name_zh": f"示例企业-E{i:04d}(示例)",
                "name_en": f"Sample enterprise E{i:04d} (sample)",
                "partner_id": origin["id"],
                "county_code": "",
                "gbt_codes": seg["gbt_codes"],
                "segment_key": seg["key"],
                "size": size,
                "chain_leader": leader,
                "source": source,
                "confidence": "sample",
                "note": "synthetic enterprise (示例), not a real company; credit code starts with 00 (never assigned)",
            }
        )
    by_place: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for e in enterprises:
        by_place.setdefault((e["partner_id"], e["segment_key"]), []).append(e)

    projects = []
    for i in range(1, n_projects + 1):
        origin = draws.choice(origins)
        seg = pick_segment(origin)
        codes = split_codes(seg["gbt_codes"])
        action_zh, action_en = draws.choice(ACTIONS[seg["stage"]])
        investment = max(500.0, round(draws.lognormal(INVESTMENT_MEDIAN[seg["stage"]], 0.8), -2))
        intensity = draws.lognormal(INTENSITY_MEDIAN.get(seg["stage"], 450.0), 0.35)
        land = max(5.0, round(investment / intensity, 1))
        added_value = round(land * draws.lognormal(ADDED_VALUE_PER_MU, 0.4), 1)
        tax = round(added_value * draws.lognormal(TAX_SHARE, 0.25), 1)
        pollution = pollution_class(codes)
        if draws.uniform() < 0.15:  # correlated with the industry, not fixed by it
            pollution = {"high": "medium", "low": "medium"}.get(pollution) or draws.choice(("low", "high"))
        energy = round(added_value * draws.lognormal(ENERGY_PER_ADDED_VALUE[pollution], 0.4), 1)
        sponsors = by_place.get((origin["id"], seg["key"]), [])
        projects.append(
            {
                "id": f"sample-P{i:04d}",
                "name_zh": f"示例项目-P{i:04d} {_short_name(industry_names.get(codes[0], ''))}{action_zh}(示例)",
                "name_en": f"Sample project P{i:04d}: {action_en}, GB/T {codes[0]} (sample)",
                "kind": "transfer",
                "origin_id": origin["id"],
                "county_code": "",
                "platform": "",
                "landing": "",
                "enclave_host": "",
                "gbt_codes": seg["gbt_codes"],
                "segment_key": seg["key"],
                "investment_wan": investment,
                "land_mu": land,
                "energy_tce": energy,
                "added_value_wan": added_value,
                "tax_wan": tax,
                "pollution": pollution,
                "status": "lead",
                "year": None,
                "sponsor": sponsors[0]["name_zh"] if sponsors else "",
                "source": source,
                "confidence": "sample",
                "note": "synthetic candidate overflow project (示例), not a real project",
            }
        )
    return {"projects": projects, "enterprises": enterprises}
