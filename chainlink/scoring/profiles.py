"""Profiles of one county or one zone: every fact the registry holds about it, with source and confidence.

:func:`county_profile` and :func:`zone_profile` return a :class:`Profile`: a heading and sections of
:class:`Fact` rows (item, detail in Chinese and English, confidence, source). ``chainlink county show``
and ``chainlink zone show`` render them; :meth:`Profile.rows` flattens them for machine formats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chainlink.base.industries import split_codes
from chainlink.base.vocabulary import FIRM_KIND_ZH, PAIRING_ZH, pairing_round

PARTNER_KINDS_ZH = {
    "district": "县(市、区)",
    "etdz": "经济技术开发区",
    "hitech": "高新区",
    "new_area": "新区",
    "port_area": "港区",
    "bonded_zone": "综合保税区",
    "enclave": "飞地园区",
    "platform": "山区县开放平台",
}
STATUS_ZH = {
    "lead": "线索",
    "negotiating": "洽谈",
    "signed": "签约",
    "started": "开工",
    "producing": "投产",
    "unknown": "不详",
}
COLUMNS = ["section", "item", "detail", "detail_en", "confidence", "source"]


@dataclass
class Fact:
    """One fact: what it is about (item), what it says (detail, detail_en), how well it is supported."""

    item: str
    detail: str
    detail_en: str = ""
    confidence: str = ""
    source: str = ""


@dataclass
class Section:
    """A titled group of facts (e.g. 结对 Pairings)."""

    key: str
    title_zh: str
    title_en: str
    facts: list[Fact] = field(default_factory=list)
    empty_zh: str = "无"
    empty_en: str = "none"


@dataclass
class Profile:
    """A county or zone profile: ``kind`` (county, zone), id, heading lines and sections."""

    kind: str
    id: str
    heading_zh: str
    heading_en: str
    sections: list[Section]

    def rows(self) -> list[dict[str, Any]]:
        """One row per fact with :data:`COLUMNS` (``section`` is the section key)."""
        return [
            {
                "section": s.key,
                "item": f.item,
                "detail": f.detail,
                "detail_en": f.detail_en,
                "confidence": f.confidence,
                "source": f.source,
            }
            for s in self.sections
            for f in s.facts
        ]


def _region_name(registry: Any, code: str) -> str:
    """A six-digit code's name: a county, a partner district, or the city of one (``330200`` → 宁波市)."""
    if not code:
        return ""
    for c in registry.counties:
        if c["code"] == code:
            return c["name_zh"]
    for p in registry.partners:
        if p["admin_code"] == code:
            return p["name_zh"]
    if code.endswith("00"):
        for row in list(registry.counties) + list(registry.partners):
            if (row.get("code") or row.get("admin_code") or "").startswith(code[:4]) and row.get("city"):
                return row["city"]
    return ""


def _codes_label(registry: Any, value: str) -> str:
    names = registry.industry_names
    return "; ".join(f"{c} {names.get(c, '?')}" for c in split_codes(value))


def _project_fact(registry: Any, p: dict[str, Any], *, side: str) -> Fact:
    partners = {r["id"]: r for r in registry.partners}
    counties = {c["code"]: c for c in registry.counties}
    bits_zh, bits_en = (
        [p["kind"], f"状态 {STATUS_ZH.get(p['status'], p['status'])}"],
        [
            p["kind"],
            f"status {p['status']}",
        ],
    )
    if p["origin_id"] and side != "origin":
        origin = partners.get(p["origin_id"], {})
        bits_zh.append(f"来自 {origin.get('short_zh') or p['origin_id']}")
        bits_en.append(f"from {origin.get('short_en') or p['origin_id']}")
    if p["county_code"] and side != "county":
        county = counties.get(p["county_code"], {})
        bits_zh.append(f"落地 {county.get('name_zh', p['county_code'])}")
        bits_en.append(f"to {county.get('name_en', p['county_code'])}")
    if p["platform"]:
        platform = partners.get(p["platform"], {})
        bits_zh.append(f"平台 {platform.get('short_zh') or p['platform']}")
        bits_en.append(f"platform {platform.get('short_en') or p['platform']}")
    if p["year"]:
        bits_zh.append(str(p["year"]))
        bits_en.append(str(p["year"]))
    if p["investment_wan"]:
        bits_zh.append(f"投资 {p['investment_wan']:,.0f} 万元")
        bits_en.append(f"investment {p['investment_wan']:,.0f} 10k yuan")
    if p["sponsor"]:
        bits_zh.append(f"主体 {p['sponsor']}")
        bits_en.append(f"sponsor {p['sponsor']}")
    codes = _codes_label(registry, p["gbt_codes"])
    if codes:
        bits_zh.append(f"GB/T {codes}")
        bits_en.append(f"GB/T {p['gbt_codes']}")
    if p["note"]:
        bits_en.append(p["note"])
    return Fact(
        item=f"{p['id']} {p['name_zh']}",
        detail=" · ".join(bits_zh),
        detail_en=" · ".join(bits_en),
        confidence=p["confidence"],
        source=p["source"],
    )


def _firm_section(registry: Any, places: set[str], partner_id: str | None = None) -> Section:
    """Real firms placed in ``places`` (or tied to ``partner_id``) with their chains and 链主 standing."""
    from chainlink.scoring.firms import PARTIAL_EN, PARTIAL_ZH, enterprise_rows

    section = Section("enterprises", "真实企业", "Real firms (partial)", empty_zh="无", empty_en="none")
    rows = enterprise_rows(registry, kind="all", place_codes=places, partner_id=partner_id)
    rows = [r for r in rows if r["kind"] != "sample"]
    if not rows:
        return section
    section.facts.append(
        Fact("部分数据 / partial data", PARTIAL_ZH, PARTIAL_EN, "sourced", "docs/enterprises.md (chainlink)")
    )
    for r in rows:
        kind_zh = FIRM_KIND_ZH.get(r["kind"], r["kind"])
        lead = "；链主候选 (chainlink enterprises show)" if r["chain_leader"] else ""
        role = f"；{r['role']}" if r["role"] else ""
        section.facts.append(
            Fact(
                f"{r['name_zh']} ({r['id']}, {kind_zh})",
                f"{r['place_zh']} · 产业链 {r['chains'] or '—'}{role}{lead}",
                f"{r['place_zh']} · chains {r['chains'] or '—'}{role}{lead}",
                r["confidence"],
                r["source"],
            )
        )
    return section


def _zone_firms(registry: Any, pid: str) -> Section:
    from chainlink.scoring.firms import partner_places

    return _firm_section(registry, partner_places(registry, pid), pid)


def _sample_fact(n_projects: int, n_enterprises: int, where_zh: str, where_en: str) -> Fact:
    from chainlink.sources.sample import sample_source

    return Fact(
        item="示例数据 sample data",
        detail=f"{where_zh}有 {n_projects} 个示例候选项目、{n_enterprises} 家示例企业(合成数据，非事实)",
        detail_en=f"{n_projects} sample candidate projects and {n_enterprises} sample enterprises {where_en} "
        "(synthetic, not facts)",
        confidence="sample",
        source=sample_source(),
    )


def _gap_section(registry: Any, county_code: str) -> Section:
    """Gaps recorded for the county, its city, or all counties."""
    code_of_city = county_code[:4] + "00"
    codes = {county_code, code_of_city}
    section = Section("gaps", "数据缺口", "Data gaps", empty_zh="无记录", empty_en="none recorded")
    for gap in registry.gaps:
        if gap["county_code"] in codes or not gap["county_code"]:
            scope = {"": " (all counties)", code_of_city: " (whole city)"}.get(gap["county_code"], "")
            section.facts.append(
                Fact(
                    item=f"{gap['id']} {gap['topic']}{scope}",
                    detail=f"{gap['description_zh']} 已查：{gap['searched']}",
                    detail_en=f"{gap['description_en']} Searched: {gap['searched']}",
                    confidence=gap["confidence"],
                    source=gap["source"],
                )
            )
    return section


def county_profile(registry: Any, code: str) -> Profile:
    """Everything about one of the 26 counties (``code``: six digits; resolve names first)."""
    from chainlink.scoring.model import Model

    county = registry.county(code)
    partners = {p["id"]: p for p in registry.partners}
    identity = Section("identity", "基本信息", "Identity")
    coords = f"{county['lat']:.4f}, {county['lon']:.4f}" if county["lat"] is not None else "—"
    identity.facts.append(
        Fact(
            item=f"{county['name_zh']} {county['code']}",
            detail=f"{county['city']} · {county['pinyin']} · 约略县城坐标 {coords}"
            + (f" · 别名 {county['aliases']}" if county["aliases"] else ""),
            detail_en=f"{county['name_en']}, {county['city']} · approximate seat {coords}",
            confidence=county["confidence"],
            source=county["source"],
        )
    )
    platforms = Section("platforms", "开放平台", "Platforms in the county")
    for p in registry.partners:
        if p["host_code"] == code and p["kind"] in ("platform", "etdz", "enclave"):
            platforms.facts.append(
                Fact(
                    item=f"{p['id']} {p['name_zh']}",
                    detail=f"{PARTNER_KINDS_ZH.get(p['kind'], p['kind'])}"
                    + (f" · {p['note']}" if p["note"] else ""),
                    detail_en=f"{p['name_en']} ({p['kind']})",
                    confidence=p["confidence"],
                    source=p["source"],
                )
            )
    pairings = Section(
        "pairings", "结对", "Pairings", empty_zh="无有来源的结对", empty_en="no sourced pairing"
    )
    for p in registry.pairings:
        if p["county_code"] != code:
            continue
        partner = partners[p["partner_id"]]
        via = f" · 平台 {partners[p['county_platform']]['short_zh']}" if p["county_platform"] else ""
        chains = f" · 产业链 {p['chains']}" if p["chains"] else ""
        pairings.facts.append(
            Fact(
                item=f"{p['id']} {partner['name_zh']} ({partner['id']})",
                detail=f"{PAIRING_ZH.get(p['kind'], p['kind'])}{via}{chains} · {pairing_round(p)}",
                detail_en=f"{partner['name_en']} · {p['kind']}{chains} · {p['round']}",
                confidence=p["confidence"],
                source=p["source"],
            )
        )
    facts = [f for f in registry.characteristic_industries if f["county_code"] == code]
    industries = Section(
        "industries", "特色产业", "Characteristic industries", empty_zh="无", empty_en="none"
    )
    for f in facts:
        platform = f" · 平台 {partners[f['platform']]['short_zh']}" if f["platform"] else ""
        note = f" · {f['note']}" if f["note"] else ""
        industries.facts.append(
            Fact(
                item=f"{f['id']} {f['industry_zh']}",
                detail=f"GB/T {_codes_label(registry, f['gbt_codes'])}{platform} · 代码归类 {f['gbt_derivation']}{note}",
                detail_en=f"{f['industry_en']} · GB/T {f['gbt_codes']} ({f['gbt_derivation']}){note}",
                confidence=f["confidence"],
                source=f["source"],
            )
        )
    model = Model(registry)  # holdings on evidence only (chainlink.scoring.model.evidence_holdings)
    held = Section("segments", "所在产业链环节（有据）", "Chain segments held (on evidence)", empty_zh="无", empty_en="none")
    for key, h in sorted(model.county_holdings(code).items()):
        node = model.graph.nodes[key]
        if h.basis == "firm":
            how_zh, how_en = f"企业 {h.industry_zh} 位于本县", f"firm {h.industry_zh} located here"
        else:
            how_zh = f"特色产业 {h.fact_id} {h.industry_zh}，映射依据：{h.derivation}"
            how_en = f"characteristic industry {h.fact_id} {h.industry_en}; mapping: {h.derivation}"
        held.facts.append(
            Fact(
                item=f"{key} {node['name_zh']}",
                detail=f"强度 {h.strength:.1f}，{how_zh}",
                detail_en=f"{node['name_en']} · strength {h.strength:.1f} · {how_en}",
                confidence=h.confidence,
                source=h.source,
            )
        )
    projects = Section("projects", "项目", "Projects landed or named", empty_zh="无", empty_en="none")
    for p in registry.projects:
        if p["county_code"] == code and p["confidence"] != "sample":
            projects.facts.append(_project_fact(registry, p, side="county"))
    paired = {p["partner_id"] for p in registry.pairings if p["county_code"] == code}
    n_projects = sum(1 for p in registry.projects if p["confidence"] == "sample" and p["origin_id"] in paired)
    n_enterprises = sum(
        1 for e in registry.enterprises if e["confidence"] == "sample" and e["partner_id"] in paired
    )
    if n_projects or n_enterprises:
        projects.facts.append(
            _sample_fact(
                n_projects, n_enterprises, "结对伙伴中", "in the county's paired districts and zones"
            )
        )
    gaps = _gap_section(registry, code)
    firms = _firm_section(registry, {code})
    return Profile(
        kind="county",
        id=code,
        heading_zh=f"{county['name_zh']} ({code}) · {county['city']} · 山区26县",
        heading_en=f"{county['name_en']} ({code}), {county['city']} — one of the 26 mountain counties",
        sections=[identity, platforms, pairings, industries, held, projects, firms, gaps],
    )


def zone_profile(registry: Any, pid: str) -> Profile:
    """Everything about one partner district, development zone or platform (``pid``: its id)."""
    zone = registry.partner(pid)
    partners = {p["id"]: p for p in registry.partners}
    counties = {c["code"]: c for c in registry.counties}
    host = zone["host_code"] or zone["admin_code"]
    host_name = _region_name(registry, host)
    identity = Section("identity", "基本信息", "Identity")
    kind_zh = PARTNER_KINDS_ZH.get(zone["kind"], zone["kind"])
    where = f" · 所在 {host_name} {host}" if host else " · 所在地未载明"
    if zone["lat"] is not None and zone["lon"] is not None:
        where += f" · 约略坐标 {zone['lat']:.4f}, {zone['lon']:.4f}"
    identity.facts.append(
        Fact(
            item=f"{zone['name_zh']} ({zone['id']})",
            detail=f"{kind_zh}{where}" + (f" · 别名 {zone['aliases']}" if zone["aliases"] else ""),
            detail_en=f"{zone['name_en']} · {zone['kind']}"
            + (f" · host {host}" if host else " · location not stated")
            + (f" · {zone['note']}" if zone["note"] else ""),
            confidence=zone["confidence"],
            source=zone["source"],
        )
    )
    family = Section(
        "family", "上级与下属园区", "Parent, child and hosted zones", empty_zh="无", empty_en="none"
    )
    if zone["parent"]:
        parent = partners[zone["parent"]]
        family.facts.append(
            Fact(
                item=f"上级 parent: {parent['name_zh']} ({parent['id']})",
                detail=zone["note"] or "",
                detail_en=parent["name_en"],
                confidence=zone["confidence"],
                source=zone["source"],
            )
        )
    for child in registry.partners:
        if child["parent"] == pid:
            family.facts.append(
                Fact(
                    item=f"下属 child: {child['name_zh']} ({child['id']})",
                    detail=child["note"] or "",
                    detail_en=child["name_en"],
                    confidence=child["confidence"],
                    source=child["source"],
                )
            )
    if zone["kind"] == "district":
        for inside in registry.partners:
            if inside["host_code"] == zone["admin_code"] and inside["id"] != pid and not inside["parent"]:
                family.facts.append(
                    Fact(
                        item=f"区内园区 zone here: {inside['name_zh']} ({inside['id']})",
                        detail=inside["note"] or "",
                        detail_en=inside["name_en"],
                        confidence=inside["confidence"],
                        source=inside["source"],
                    )
                )
    members = {pid, zone["parent"]} - {""}
    members |= {p["id"] for p in registry.partners if p["parent"] == pid}
    pairings = Section("pairings", "结对", "Pairings", empty_zh="无", empty_en="none")
    for p in registry.pairings:
        if p["partner_id"] not in members and p["county_platform"] != pid:
            continue
        county = counties[p["county_code"]]
        via = "" if p["partner_id"] == pid else f" (经 {partners[p['partner_id']]['short_zh']})"
        chains = f" · 产业链 {p['chains']}" if p["chains"] else ""
        pairings.facts.append(
            Fact(
                item=f"{p['id']} {county['name_zh']} ({county['code']}){via}",
                detail=f"{PAIRING_ZH.get(p['kind'], p['kind'])}{chains} · {pairing_round(p)}",
                detail_en=f"{county['name_en']} · {p['kind']}{chains} · {p['round']}",
                confidence=p["confidence"],
                source=p["source"],
            )
        )
    leading = Section("industries", "主导产业", "Leading industries (as a source names them)")
    for f in registry.partner_industries:
        if f["partner_id"] == pid:
            leading.facts.append(
                Fact(
                    item=f"{f['id']} {f['industry_zh']}",
                    detail=f"GB/T {_codes_label(registry, f['gbt_codes'])}"
                    + (f" · {f['note']}" if f["note"] else ""),
                    detail_en=f"{f['industry_en']} · GB/T {f['gbt_codes']} ({f['gbt_derivation']})",
                    confidence=f["confidence"],
                    source=f["source"],
                )
            )
    for f in registry.characteristic_industries:
        if f["platform"] == pid:
            leading.facts.append(
                Fact(
                    item=f"{f['id']} {f['industry_zh']}",
                    detail=f"县域特色产业 · GB/T {_codes_label(registry, f['gbt_codes'])}",
                    detail_en=f"{f['industry_en']} (a characteristic industry hosted here) · GB/T {f['gbt_codes']}",
                    confidence=f["confidence"],
                    source=f["source"],
                )
            )
    projects = Section("projects", "项目", "Projects", empty_zh="无", empty_en="none")
    for p in registry.projects:
        if p["confidence"] != "sample" and pid in (p["origin_id"], p["platform"]):
            projects.facts.append(
                _project_fact(registry, p, side="origin" if p["origin_id"] == pid else "platform")
            )
    n_projects = sum(1 for p in registry.projects if p["confidence"] == "sample" and p["origin_id"] == pid)
    n_enterprises = sum(
        1 for e in registry.enterprises if e["confidence"] == "sample" and e["partner_id"] == pid
    )
    if n_projects or n_enterprises:
        projects.facts.append(_sample_fact(n_projects, n_enterprises, "本区", "located here"))
    return Profile(
        kind="zone",
        id=pid,
        heading_zh=f"{zone['name_zh']} ({pid}) · {kind_zh}",
        heading_en=f"{zone['name_en']} ({pid}), {zone['kind']}",
        sections=[identity, family, pairings, leading, projects, _zone_firms(registry, pid)],
    )
