"""One-line explanations of suggestions, in Chinese (default) and English.

A 强链/补链/延链 explanation quotes the fact that makes the county hold the segment next to it (the
characteristic industry, its quote and source, and the reviewed derivation; or the located firm);
a "related" one says it rests on no sourced holding. The partner part says which partner fits best
and why; the landing, the ecology rule and the firms behind the row follow.
"""

from __future__ import annotations

from typing import Any

from chainlink.base.vocabulary import (
    CONFIDENCE_NOTE_EN,
    CONFIDENCE_NOTE_ZH,
    FIRM_KIND_ZH,
    PAIRING_EN,
    PAIRING_ZH,
    landing_label,
)

MAX_FIRMS = 3


def firm_text(firms: list[dict[str, Any]], lang: str = "zh", limit: int = MAX_FIRMS) -> str:
    """``name (kind, source, as_of)`` of up to ``limit`` firms, '; '-separated (Chinese: '；'); sample firms say
    so. The Chinese text names the kind in Chinese (:data:`chainlink.base.vocabulary.FIRM_KIND_ZH`).

    >>> firm_text([{"name_zh": "甲公司", "kind": "listed", "source": "szse", "as_of": "2021-10"}])
    '甲公司（上市公司，szse，2021-10）'
    >>> firm_text([{"name_zh": "甲公司", "kind": "listed", "source": "szse", "as_of": "2021-10"}], "en")
    '甲公司 (listed, szse, 2021-10)'
    >>> firm_text([{"name_zh": "乙", "kind": "sample", "source": "", "as_of": ""}], "en")
    '乙 (sample, not a real firm)'
    >>> firm_text([{"name_zh": n, "kind": "named", "source": "", "as_of": ""} for n in "甲乙丙"], limit=2)
    '甲（公开资料点名）；乙（公开资料点名）等3家'
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
            shown = FIRM_KIND_ZH.get(kind, kind) if lang == "zh" else kind
            detail = [x for x in (shown, f.get("source") or "", f.get("as_of") or "") if x]
        parts.append(
            f"{f['name_zh']}（{'，'.join(detail)}）" if lang == "zh" else f"{f['name_zh']} ({', '.join(detail)})"
        )
    more = len(seen) - limit
    if lang == "zh":
        return "；".join(parts) + (f"等{len(seen)}家" if more > 0 else "")
    return "; ".join(parts) + (f" and {more} more" if more > 0 else "")


# Every sentence part of an explanation, Chinese and English: key → (zh, en) template. One path
# (:func:`explain`) fills them, so the two languages say the same thing.
TEXT: dict[str, tuple[str, str]] = {
    "held": ("{county}{cite}即“{via}”环节", "{county}'s {cite} is the '{via}' segment"),
    "strengthen": ("{held}，可强链", "{held}: strengthen it"),
    "fill": ("{held}，“{segment}”是其上游（{hops}环），本地尚缺，可补链",
             "{held}; '{segment}' is {hops} step(s) upstream and missing locally: fill the link"),
    "extend": ("{held}，“{segment}”是其下游（{hops}环），可延链", "{held}; '{segment}' is {hops} step(s) downstream: extend"),
    "overlap": ("“{segment}”与{county}特色产业“{industry}”（{code}）仅有行业代码重叠，无来源说明本县已有该环节：弱相关信号",
                "'{segment}' only shares a GB/T code with {county}'s industry '{industry}' ({code}); no source says the "
                "county has the segment: a weak related signal"),
    "project_io": ("{county}没有来源记载的相邻环节（“{segment}”）；{io_part}",
                   "{county} has no sourced segment next to '{segment}'; {io_part}"),
    "io_related": ("与本县产业“{io_industry}”投入产出关联{io:.2f}", "input–output relatedness to its industries {io:.2f}"),
    "io_unrelated": ("与本县产业无投入产出关联", "input–output relatedness to its industries {io:.2f}"),
    "partner_has": ("“{segment}”：结对方确有该产业，与{county}产业{io_industry_q}投入产出相关（本县无此环节的来源记载）",
                    "'{segment}': the partner has the industry, input–output related to {county}'s industries"),
    "no_segment": ("{county}：本项目行业无对应产业链环节，按投入产出部门与结对方产业画像匹配",
                   "{county}: no chain segment carries the project's industry; matched by IO sector and partner profile"),
    "subject": ("{project}：", "{project}: "),
    "unpaired": ("；{partner}与{county}无结对记录", "; {partner} is not paired with {county} in the registry"),
    "via": ("；经{pairing}与{partner}共引", "; co-introduce with {partner} through the {pairing}"),
    "fit": ("（{reason}）", " ({reason})"),
    "no_fit": ("（对方产业画像未见该行业）", " (its profile does not show the industry)"),
    "others": ("；另可经{n}个结对方", "; {n} other partner(s) could too"),
    "no_partner": ("；暂无有据可查的结对方", "; no sourced partner on record"),
    "land": ("；落地：{landing}", "; landing: {landing}"),
    "eco": ("；生态规则：{rule}", "; ecology rule: {rule}"),
    "io": ("；链接强度{link:.2f}、投入产出关联{io:.2f}（2020年全国投入产出表）",
           "; link strength {link:.2f}, input–output relatedness {io:.2f} (NBS 2020)"),
    "county_firms": ("；本县相关企业：{firms}", "; county firms: {firms}"),
    "partner_firms": ("；对方该环节企业：{firms}", "; partner firms on the segment: {firms}"),
    "project": ("；可对接项目“{name}”{more}{sample}", "; candidate project '{name}'{more}{sample}"),
    "more": ("等{total}个", " and {more} more"),
    "sample_project": ("（示例数据，非真实项目）", " (sample data, not a real project)"),
    "note": ("；{note}", "; {note}"),
    "pairing": ("结对", "pairing"),
    "end": ("{confidence}。", "{confidence}."),
}  # fmt: skip


def explain(s: Any, lang: str = "zh") -> str:
    """One-liner in ``lang``: what, why (the chain relation and the fact behind it), via whom, where,
    how sure — the sentence parts of :data:`TEXT`, the names in the language's fields."""
    zh = lang == "zh"
    side = 0 if zh else 1

    def t(key: str, **values: Any) -> str:
        return TEXT[key][side].format(**values)

    def name(field: str) -> str:
        return getattr(s, f"{field}_{lang}")

    h = s.holding
    io_value, link_value = s.components.get("io", 0), s.components.get("link", 0)
    if h is not None and h.basis != "overlap":
        held = t("held", county=name("county"), cite=h.cite_zh() if zh else h.cite_en(), via=name("via_segment"))
        what = t(s.relation if s.relation in ("strengthen", "fill") else "extend", held=held,
                 segment=name("segment"), hops=s.hops)  # fmt: skip
    elif h is not None:
        what = t("overlap", segment=name("segment"), county=name("county"),
                 industry=h.industry_zh if zh else h.industry_en, code=h.held_code)  # fmt: skip
    elif s.segment_key and s.mode == "project":
        io_part = t("io_related" if s.io_industry_zh else "io_unrelated", io_industry=s.io_industry_zh, io=io_value)
        what = t("project_io", county=name("county"), segment=name("segment"), io_part=io_part)
    elif s.segment_key:
        what = t("partner_has", segment=name("segment"), county=name("county"),
                 io_industry_q=f"“{s.io_industry_zh}”" if s.io_industry_zh else "")  # fmt: skip
    else:
        what = t("no_segment", county=name("county"))
    subject = t("subject", project=s.project_name) if s.mode == "project" else ""
    if s.partner_id and not s.pairing_kind:
        via = t("unpaired", partner=name("partner"), county=name("county"))
    elif s.partner_id:
        kinds = PAIRING_ZH if zh else PAIRING_EN
        via = t("via", pairing=kinds.get(s.pairing_kind, t("pairing")), partner=name("partner"))
        reason = s.partner_fit_reason_zh if zh else s.partner_fit_reason_en
        via += t("fit", reason=reason) if reason else t("no_fit")
        if s.other_partners:
            via += t("others", n=len(s.other_partners))
    else:
        via = t("no_partner")
    land = t("land", landing=landing_label(s.landing, s.enclave_name, s.enclave_host, lang))
    rule = s.ecology_rule_zh if zh else s.ecology_rule_en
    eco = t("eco", rule=rule) if rule else ""
    io = t("io", link=link_value, io=io_value)
    firms = ""
    if s.county_firms:
        firms += t("county_firms", firms=firm_text(s.county_firms, lang))
    if s.partner_firms:
        firms += t("partner_firms", firms=firm_text(s.partner_firms, lang))
    project = ""
    if s.mode == "county" and s.project_name:
        more = t("more", total=s.more_projects + 1, more=s.more_projects) if s.more_projects else ""
        project = t("project", name=s.project_name, more=more, sample=t("sample_project") if s.sample else "")
    notes = "".join(t("note", note=n) for n in (s.notes_zh if zh else s.notes))
    confidence = (CONFIDENCE_NOTE_ZH if zh else CONFIDENCE_NOTE_EN).get(s.confidence, "")
    return f"{subject}{what}{via}{land}{eco}{io}{firms}{project}{notes}" + t("end", confidence=confidence)


def explain_zh(s: Any) -> str:
    """Chinese one-liner (:func:`explain` in zh)."""
    return explain(s, "zh")


def explain_en(s: Any) -> str:
    """English one-liner, same content as :func:`explain_zh`."""
    return explain(s, "en")
