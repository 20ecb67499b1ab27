"""One-line explanations of suggestions, in Chinese (default) and English.

A 强链/补链/延链 explanation quotes the fact that makes the county hold the segment next to it (the
characteristic industry, its quote and source, and the reviewed derivation; or the located firm);
a "related" one says it rests on no sourced holding. The partner part says which partner fits best
and why; the landing, the ecology rule and the firms behind the row follow.
"""

from __future__ import annotations

from typing import Any

from chainlink.vocabulary import (
    CONFIDENCE_NOTE_EN,
    CONFIDENCE_NOTE_ZH,
    PAIRING_EN,
    PAIRING_ZH,
    landing_label,
)

# kept for callers that imported them from here
PAIRING_KINDS_ZH, PAIRING_KINDS_EN = PAIRING_ZH, PAIRING_EN
CONF_ZH, CONF_EN = CONFIDENCE_NOTE_ZH, CONFIDENCE_NOTE_EN
MAX_FIRMS = 3


def firm_text(firms: list[dict[str, Any]], lang: str = "zh", limit: int = MAX_FIRMS) -> str:
    """``name (kind, source, as_of)`` of up to ``limit`` firms, '; '-separated; sample firms say so.

    >>> firm_text([{"name_zh": "甲公司", "kind": "listed", "source": "szse", "as_of": "2021-10"}])
    '甲公司（listed，szse，2021-10）'
    >>> firm_text([{"name_zh": "乙", "kind": "sample", "source": "", "as_of": ""}], "en")
    '乙 (sample, not a real firm)'
    """
    seen: dict[str, dict[str, Any]] = {}
    for f in firms:
        seen.setdefault(f["name_zh"], f)
    parts = []
    for f in list(seen.values())[:limit]:
        kind = f.get("kind") or ""
        if kind == "sample":
            detail = ["示例，非真实企业" if lang == "zh" else "sample, not a real firm"]
        else:
            detail = [x for x in (kind, f.get("source") or "", f.get("as_of") or "") if x]
        parts.append(
            f"{f['name_zh']}（{'，'.join(detail)}）" if lang == "zh" else f"{f['name_zh']} ({', '.join(detail)})"
        )
    more = len(seen) - limit
    tail = (f" 等{len(seen)}家" if lang == "zh" else f" and {more} more") if more > 0 else ""
    return "; ".join(parts) + tail


def explain_zh(s: Any) -> str:
    """Chinese one-liner: what, why (the chain relation and the fact behind it), via whom, where, how sure."""
    hops = s.hops
    h = s.holding
    if h is not None and h.basis != "overlap":
        held = f"{s.county_zh}{h.cite_zh()}即“{s.via_segment_zh}”环节"
        if s.relation == "strengthen":
            what = f"{held}，可强链"
        elif s.relation == "fill":
            what = f"{held}，“{s.segment_zh}”是其上游（{hops}环），本地尚缺，可补链"
        else:
            what = f"{held}，“{s.segment_zh}”是其下游（{hops}环），可延链"
    elif h is not None:
        what = (f"“{s.segment_zh}”与{s.county_zh}特色产业“{h.industry_zh}”（{h.held_code}）仅有行业代码重叠，"
                "无来源说明本县已有该环节：弱相关信号")  # fmt: skip
    elif s.segment_key and s.mode == "project":
        what = f"{s.county_zh}没有来源记载的相邻环节（“{s.segment_zh}”）；" + (
            f"与本县产业“{s.io_industry_zh}”投入产出关联{s.components.get('io', 0):.2f}"
            if s.io_industry_zh else "与本县产业无投入产出关联"
        )
    elif s.segment_key:
        what = f"“{s.segment_zh}”：结对方确有该产业，与{s.county_zh}产业" + (
            f"“{s.io_industry_zh}”" if s.io_industry_zh else ""
        ) + "投入产出相关（本县无此环节的来源记载）"
    else:
        what = f"{s.county_zh}：本项目行业无对应产业链环节，按投入产出部门与结对方产业画像匹配"
    subject = f"{s.project_name}：" if s.mode == "project" else ""
    if s.partner_id and not s.pairing_kind:
        via = f"；{s.partner_zh}与{s.county_zh}无结对记录"
    elif s.partner_id:
        via = f"；经{PAIRING_ZH.get(s.pairing_kind, '结对')}与{s.partner_zh}共引"
        if s.partner_fit_reason_zh:
            via += f"（{s.partner_fit_reason_zh}）"
        else:
            via += "（对方产业画像未见该行业）"
        if s.other_partners:
            via += f"；另可经{len(s.other_partners)}个结对方"
    else:
        via = "；暂无有据可查的结对方"
    land = f"；落地：{landing_label(s.landing, s.enclave_name, s.enclave_host, 'zh')}"
    eco = f"；生态规则：{s.ecology_rule_zh}" if s.ecology_rule_zh else ""
    io = f"；链接强度{s.components.get('link', 0):.2f}、投入产出关联{s.components.get('io', 0):.2f}（2020年全国投入产出表）"
    firms = ""
    if s.county_firms:
        firms += f"；本县相关企业：{firm_text(s.county_firms, 'zh')}"
    if s.partner_firms:
        firms += f"；对方该环节企业：{firm_text(s.partner_firms, 'zh')}"
    project = ""
    if s.mode == "county" and s.project_name:
        more = f"等{s.more_projects + 1}个" if s.more_projects else ""
        project = f"；可对接项目“{s.project_name}”{more}" + ("（示例数据，非真实项目）" if s.sample else "")
    notes = "".join(f"；{n}" for n in s.notes_zh)
    return f"{subject}{what}{via}{land}{eco}{io}{firms}{project}{notes}{CONFIDENCE_NOTE_ZH.get(s.confidence, '')}。"


def explain_en(s: Any) -> str:
    """English one-liner, same content as :func:`explain_zh`."""
    hops = s.hops
    h = s.holding
    if h is not None and h.basis != "overlap":
        held = f"{s.county_en}'s {h.cite_en()} is the '{s.via_segment_en}' segment"
        if s.relation == "strengthen":
            what = f"{held}: strengthen it"
        elif s.relation == "fill":
            what = f"{held}; '{s.segment_en}' is {hops} step(s) upstream and missing locally: fill the link"
        else:
            what = f"{held}; '{s.segment_en}' is {hops} step(s) downstream: extend"
    elif h is not None:
        what = (f"'{s.segment_en}' only shares a GB/T code with {s.county_en}'s industry '{h.industry_en}' "
                f"({h.held_code}); no source says the county has the segment: a weak related signal")  # fmt: skip
    elif s.segment_key and s.mode == "project":
        what = (f"{s.county_en} has no sourced segment next to '{s.segment_en}'; input–output relatedness to its "
                f"industries {s.components.get('io', 0):.2f}")  # fmt: skip
    elif s.segment_key:
        what = f"'{s.segment_en}': the partner has the industry, input–output related to {s.county_en}'s industries"
    else:
        what = f"{s.county_en}: no chain segment carries the project's industry; matched by IO sector and partner profile"
    subject = f"{s.project_name}: " if s.mode == "project" else ""
    if s.partner_id and not s.pairing_kind:
        via = f"; {s.partner_en} is not paired with {s.county_en} in the registry"
    elif s.partner_id:
        via = f"; co-introduce with {s.partner_en} through the {PAIRING_EN.get(s.pairing_kind, 'pairing')}"
        via += f" ({s.partner_fit_reason_en})" if s.partner_fit_reason_en else " (its profile does not show the industry)"
        if s.other_partners:
            via += f"; {len(s.other_partners)} other partner(s) could too"
    else:
        via = "; no sourced partner on record"
    land = f"; landing: {landing_label(s.landing, s.enclave_name, s.enclave_host, 'en')}"
    eco = f"; ecology rule: {s.ecology_rule_en}" if s.ecology_rule_en else ""
    io = f"; link strength {s.components.get('link', 0):.2f}, input–output relatedness {s.components.get('io', 0):.2f} (NBS 2020)"
    firms = ""
    if s.county_firms:
        firms += f"; county firms: {firm_text(s.county_firms, 'en')}"
    if s.partner_firms:
        firms += f"; partner firms on the segment: {firm_text(s.partner_firms, 'en')}"
    project = ""
    if s.mode == "county" and s.project_name:
        more = f" and {s.more_projects} more" if s.more_projects else ""
        project = f"; candidate project '{s.project_name}'{more}" + (
            " (sample data, not a real project)" if s.sample else ""
        )
    notes = "".join(f"; {n}" for n in s.notes)
    return f"{subject}{what}{via}{land}{eco}{io}{firms}{project}{notes}{CONFIDENCE_NOTE_EN.get(s.confidence, '')}."
