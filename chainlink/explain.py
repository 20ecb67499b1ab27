"""One-line explanations of suggestions, in Chinese (default) and English."""

from __future__ import annotations

from typing import Any

PAIRING_ZH = {
    "dual_chain_pilot": "产业链“双链长制”试点",
    "zone_pair": "开发区结对共建",
    "enclave": "飞地共建",
    "shanhai": "山海协作结对",
}
PAIRING_EN = {
    "dual_chain_pilot": "dual chain leader pilot",
    "zone_pair": "development-zone pairing",
    "enclave": "enclave co-construction",
    "shanhai": "mountain–sea pairing",
}
CONF_ZH = {"unverified": "（部分依据未经核实）", "sample": "（含示例数据）"}
CONF_EN = {"unverified": " (some facts unverified)", "sample": " (includes sample data)"}


def _partner_industry(s: Any) -> str:
    for note in s.notes:
        if note.startswith("partner_industry:"):
            return note.split(":", 1)[1]
    return ""


def explain_zh(s: Any) -> str:
    """Chinese one-liner: what, why (the chain relation), through which pairing, how sure."""
    hops = len(s.path) - 1
    held = f"{s.county_zh}特色产业“{s.via_industry_zh}”（{s.via_code}）"
    if s.relation == "strengthen":
        what = f"{held}即“{s.segment_zh}”环节，可强链"
    elif s.relation == "fill":
        what = f"“{s.segment_zh}”是{held}所在“{s.via_segment_zh}”的上游（{hops}环），本地尚缺，可补链"
    else:
        what = f"“{s.segment_zh}”是{held}所在“{s.via_segment_zh}”的下游（{hops}环），可延链"
    subject = f"{s.project_name}：" if s.mode == "project" else ""
    if s.partner_id and not s.pairing_kind:
        via = f"；{s.partner_zh}与{s.county_zh}无结对记录"
    elif s.partner_id:
        via = f"；经{PAIRING_ZH.get(s.pairing_kind, '结对')}与{s.partner_zh}共引"
        pi = _partner_industry(s)
        if pi:
            via += f"（对方有“{pi}”）"
    else:
        via = "；暂无有据可查的结对方"
    io = f"；链接强度{s.components['link']:.2f}、投入产出关联{s.components['io']:.2f}（2020年全国投入产出表）"
    project = ""
    if s.mode == "county" and s.project_name:
        more = f"等{s.more_projects + 1}个" if s.more_projects else ""
        project = f"；可对接项目“{s.project_name}”{more}" + ("（示例数据，非真实项目）" if s.sample else "")
    return f"{subject}{what}{via}{io}{project}{CONF_ZH.get(s.confidence, '')}。"


def explain_en(s: Any) -> str:
    """English one-liner, same content as :func:`explain_zh`."""
    hops = len(s.path) - 1
    held = f"{s.county_en}'s characteristic industry '{s.via_industry_en}' ({s.via_code})"
    if s.relation == "strengthen":
        what = f"{held} is the '{s.segment_en}' segment itself: strengthen it"
    elif s.relation == "fill":
        what = (
            f"'{s.segment_en}' is {hops} step(s) upstream of '{s.via_segment_en}', where {held} sits, "
            "and missing locally: fill the link"
        )
    else:
        what = f"'{s.segment_en}' is {hops} step(s) downstream of '{s.via_segment_en}', where {held} sits: extend"
    subject = f"{s.project_name}: " if s.mode == "project" else ""
    if s.partner_id and not s.pairing_kind:
        via = f"; {s.partner_en} is not paired with {s.county_en} in the registry"
    elif s.partner_id:
        via = f"; co-introduce with {s.partner_en} through the {PAIRING_EN.get(s.pairing_kind, 'pairing')}"
        pi = _partner_industry(s)
        if pi:
            via += f" (partner has '{pi}')"
    else:
        via = "; no sourced partner on record"
    io = f"; link strength {s.components['link']:.2f}, input–output relatedness {s.components['io']:.2f} (NBS 2020)"
    project = ""
    if s.mode == "county" and s.project_name:
        more = f" and {s.more_projects} more" if s.more_projects else ""
        project = f"; candidate project '{s.project_name}'{more}" + (
            " (sample data, not a real project)" if s.sample else ""
        )
    return f"{subject}{what}{via}{io}{project}{CONF_EN.get(s.confidence, '')}."
