"""The words of matching, in one place: relations, confidence levels, pairing kinds, landing places,
pollution and ecology labels (Chinese and English), and the thresholds the scoring uses.

docs/scoring.md quotes these tables; the scoring modules (:mod:`chainlink.scoring.model`,
:mod:`chainlink.scoring.suggest`, :mod:`chainlink.scoring.explain` …) and the CLI import them, so the documentation
and the code say the same thing.

>>> RELATION_ZH["fill"], RELATION_EN["related"]
('补链', 'related')
>>> weakest("sourced", "unverified")
'unverified'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# -- relations: how a suggested segment stands to what the county holds -----------------------
RELATIONS = ("fill", "extend", "strengthen", "related")
RELATION_ZH = {"fill": "补链", "extend": "延链", "strengthen": "强链", "related": "相关"}
RELATION_EN = {"fill": "fill", "extend": "extend", "strengthen": "strengthen", "related": "related"}
RELATION_MEANING = {
    "fill": "upstream of a segment the county holds (a source says so), and not held: fill the missing link",
    "extend": "downstream of a held segment, and not held: extend the chain",
    "strengthen": "a segment the county holds (a sourced characteristic industry or a located firm says so)",
    "related": "no sourced holding next to it: only a GB/T code overlap with a county industry, or an "
    "industry the partner has that is input–output related to the county's — a weak signal",
}

# -- confidence ---------------------------------------------------------------------------------
CONFIDENCE_LEVELS = ("sourced", "unverified", "sample")
CONFIDENCE_ZH = {"sourced": "有来源", "unverified": "未核实", "sample": "示例"}
CONFIDENCE_EN = {"sourced": "sourced", "unverified": "unverified", "sample": "sample"}
CONFIDENCE_NOTE_ZH = {"unverified": "（部分依据未经核实）", "sample": "（含示例数据）"}
CONFIDENCE_NOTE_EN = {"unverified": " (some facts unverified)", "sample": " (includes sample data)"}

# -- firms --------------------------------------------------------------------------------------
FIRM_KIND_ZH = {"listed": "上市公司", "named": "公开资料点名", "user": "用户导入", "sample": "示例"}
"""A firm's kind (``enterprises.kind``) as a Chinese reader is shown it; the English text keeps the kind itself."""


def weakest(*levels: str) -> str:
    """The weakest of several confidence levels (sourced > unverified > sample); 'sourced' for none.

    >>> weakest("sourced", "sample", "unverified")
    'sample'
    >>> weakest()
    'sourced'
    """
    return max(levels, key=CONFIDENCE_LEVELS.index) if levels else "sourced"


def at_least(level: str, minimum: str) -> bool:
    """Is ``level`` at least as strong as ``minimum``?

    >>> at_least("sourced", "unverified"), at_least("unverified", "sourced")
    (True, False)
    """
    return CONFIDENCE_LEVELS.index(level) <= CONFIDENCE_LEVELS.index(minimum)


# -- pairings -------------------------------------------------------------------------------------
PAIRING_KINDS = ("dual_chain_pilot", "enclave", "zone_pair", "shanhai")
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
#: Short forms of the pairing kinds, for chart legends and compact tables (reports, allocation plans).
PAIRING_SHORT_ZH = {"dual_chain_pilot": "双链长制试点", "zone_pair": "开发区结对", "enclave": "飞地", "shanhai": "山海协作"}
PAIRING_SHORT_EN = {
    "dual_chain_pilot": "dual chain pilot",
    "zone_pair": "zone pairing",
    "enclave": "enclave",
    "shanhai": "mountain–sea",
}
ENCLAVE_KINDS = ("industry", "innovation", "poverty")
ENCLAVE_KIND_ZH = {"industry": "产业飞地", "innovation": "科创飞地", "poverty": "消薄飞地"}
ENCLAVE_KIND_EN = {"industry": "industrial enclave", "innovation": "innovation enclave", "poverty": "income enclave"}

# -- landing places -----------------------------------------------------------------------------
LANDINGS = ("county", "enclave")
LANDING_ZH = {"county": "县域平台", "enclave": "飞地"}
LANDING_EN = {"county": "county platform", "enclave": "enclave"}


def landing_label(landing: str, enclave: str = "", host: str = "", lang: str = "en") -> str:
    """The row's landing text: ``county platform`` or ``enclave <name> in <host>``.

    >>> landing_label("county")
    'county platform'
    >>> landing_label("enclave", "萧龙科创园", "萧山经开区")
    'enclave 萧龙科创园 in 萧山经开区'
    >>> landing_label("enclave", "萧龙科创园", "萧山经开区", lang="zh")
    '飞地：萧龙科创园（位于萧山经开区）'
    >>> landing_label("enclave", "", "萧山区")
    'enclave in 萧山区'
    """
    if landing != "enclave":
        return LANDING_ZH["county"] if lang == "zh" else LANDING_EN["county"]
    if lang == "zh":
        return "飞地" + (f"：{enclave}" if enclave else "") + (f"（位于{host}）" if host else "")
    return "enclave" + (f" {enclave}" if enclave else "") + (f" in {host}" if host else "")



# -- pairing periods (the ``round`` text of data/pairings.csv, written in English) -----------------
# Each ``;``-separated clause of a round text that matches one of these patterns is said in Chinese;
# a text with any other clause is shown as written (the source data is never rewritten).
_ROUND_CLAUSES_ZH: tuple[tuple[str, str], ...] = (
    (r"active (\S+) and (\S+)", r"\1、\2在合作"),
    (r"active (\S+) \(before the (\S+) adjustment\)", r"\1在合作（\2调整前）"),
    (r"active (\S+) \((\S+) visit\)", r"\1在合作（\2走访）"),
    (r"active (\S+)", r"\1在合作"),
    (r"paired since (?:c\.)?(\d{4})", r"\1年起结对"),
    (r"since c\.(\d{4})", r"约\1年起"),
    (r"since (\d{4}) \(first batch\)", r"\1年起（首批）"),
    (r"since (\d{4}) \(plus (\d{4}) (\S+)\)", r"\1年起（另有\2年\3）"),
    (r"since (\d{4})", r"\1年起"),
    (r"upgraded pairing since (\d{4})", r"\1年起升级结对"),
    (r"joint park since (\d{4})", r"\1年起共建产业园"),
    (r"(\S+) joint industrial park agreement", r"\1签订共建产业园协议"),
    (r"reported c\.(\d{4})", r"约\1年报道"),
    (r"paired (\d+)\+ years as of (\S+)", r"截至\2已结对\1年以上"),
    (r"(\d+) years as of (\S+)", r"截至\2已结对\1年"),
    (r"(\S+) provincial adjustment \(new pairing\)", r"\1全省结对调整（新结对）"),
    (r"named in the 2022 provincial commerce department article", "见2022年省商务厅文章"),
    (r"dual chain leader \(双链长制\) pilot, c\.(\d{4})", r"“双链长制”试点，约\1年"),
    (r"dual chain leader pilot", "“双链长制”试点"),
    (r"enclave(?: \(飞地\))? agreement (\S+)", r"飞地协议\1"),
    (r"science-innovation enclave", "科创飞地"),
    (r"kind not stated", "类型未说明"),
    (r"location not stated", "地点未说明"),
    (r"agricultural projects moved to Yunhe", "部分农业项目转移至云和"),
    (r"(\S+) 省级山海协作产业园, reported (\S+)", r"\1省级山海协作产业园，\2报道"),
    (r"对口扶持 reported (\S+) \(period not stated\)", r"对口扶持，\1报道（期限未说明）"),
)


def round_label(text: str | None, lang: str = "zh") -> str:
    """A pairing's ``round`` text as a reader of ``lang`` sees it.

    In Chinese every clause must match a known phrase (:data:`_ROUND_CLAUSES_ZH`); otherwise, and in
    English, the text is returned as written. A shipped row's own Chinese: :func:`pairing_round`.

    >>> round_label("since 2007; active 2022-10")
    '2007年起；2022-10在合作'
    >>> round_label("named in the 2022 provincial commerce department article")
    '见2022年省商务厅文章'
    >>> round_label("since 2007; active 2022-10", "en")
    'since 2007; active 2022-10'
    >>> round_label("柯桥—江山飞地产业园 (an industrial-park enclave by name)")
    '柯桥—江山飞地产业园 (an industrial-park enclave by name)'
    """
    import re

    text = text or ""
    if lang != "zh" or not text:
        return text
    out = []
    for clause in text.split("; "):
        for pattern, zh in _ROUND_CLAUSES_ZH:
            m = re.fullmatch(pattern, clause.strip())
            if m:
                out.append(m.expand(zh))
                break
        else:
            return text
    return "；".join(out)


def pairing_round(pairing: Mapping[str, Any], lang: str = "zh") -> str:
    """The ``round`` of a pairing row or :class:`~chainlink.scoring.records.Pairing` as a reader of ``lang``
    sees it: in Chinese its own ``round_zh`` when it has one, else :func:`round_label` (imported pairings have
    none and are said clause by clause).

    >>> p = {"round": "柯桥—江山飞地产业园 (an industrial-park enclave by name)", "round_zh": "柯桥—江山飞地产业园"}
    >>> pairing_round(p), pairing_round(p, "en")
    ('柯桥—江山飞地产业园', '柯桥—江山飞地产业园 (an industrial-park enclave by name)')
    >>> pairing_round({"round": "since 2007; active 2022-10"})
    '2007年起；2022-10在合作'
    """
    own = pairing.get("round_zh") if lang == "zh" else None
    return own or round_label(pairing.get("round"), lang)


class _RoundLabels(dict):  # type: ignore[type-arg]
    """A label table for the ``round`` column: looks a text up by :func:`round_label`, not by key."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def get(self, key: object, default: object = None) -> object:  # type: ignore[override]
        return round_label(key, self.lang) if isinstance(key, str) else default

# -- pollution and ecology ----------------------------------------------------------------------
POLLUTION_CLASSES = ("low", "medium", "high")  # a project's own pollution class (project files)
POLLUTING_ZH, POLLUTING_EN = "重污染行业", "heavily polluting industry"
# county_ecology statuses that restrict polluting industries on the county's own platform. Other
# statuses (a city-level title, nothing found) are shown but do not restrict.
RESTRICTING_STATUSES = ("national_key_ecological", "provincial_key_ecological", "national_park")
ECOLOGY_ZH = {
    "national_key_ecological": "国家重点生态功能区",
    "provincial_key_ecological": "省级重点生态功能区",
    "national_park": "国家公园",
    "ecological_other": "其他生态称号",
    "none_found": "未查到生态功能定位",
}
ECOLOGY_EN = {
    "national_key_ecological": "national key ecological function area",
    "provincial_key_ecological": "provincial key ecological function area",
    "national_park": "national park",
    "ecological_other": "other ecological title",
    "none_found": "no ecological status found",
}

# -- thresholds (defaults; a preset may override the ones it names) -----------------------------
SEGMENT_THRESHOLD = 0.8  # a project's GB/T code places it on a segment at this code match or stronger
OVERLAP_THRESHOLD = 0.8  # a county industry's code overlap with a segment at least this: a "related" signal
PARTNER_FIT_MIN = 0.5  # a paired partner's profile closeness at least this offers a "related" row


# -- command-line labels (zh / en): table headers, score components, notes -----------------------
# The CLI shows Chinese first (--lang zh, the default) and English with --lang en. Machine formats
# (csv, json …) keep the column keys and the library's values; only what a reader sees is labelled.
HEADERS = {
    # column key: (zh, en)
    "code": ("代码", "code"),
    "id": ("编号", "id"),
    "rank": ("#", "#"),
    "score": ("得分", "score"),
    "name_zh": ("名称", "name"),
    "name_en": ("名称", "name"),
    "city": ("地市", "city"),
    "pairings": ("结对数", "pairings"),
    "characteristic_industries": ("特色产业数", "industries"),
    "county_zh": ("县", "county"),
    "county_en": ("县", "county"),
    "county_code": ("县代码", "county code"),
    "partner_short_zh": ("结对方", "partner"),
    "partner_id": ("结对方", "partner"),
    "kind": ("类别", "kind"),
    "kind_label": ("结对类型", "pairing kind"),
    "round": ("批次", "round"),
    "segments": ("环节数", "segments"),
    "counties": ("涉及县", "counties"),
    "confidence": ("可信度", "confidence"),
    "source": ("来源", "source"),
    "detail": ("说明", "detail"),
    "relation_zh": ("类型", "type"),
    "relation_label": ("类型", "type"),
    "path_zh": ("链路（上游→下游）", "path (upstream→downstream)"),
    "path_label": ("链路（上游→下游）", "path (upstream→downstream)"),
    "chain_zh": ("产业链", "chain"),
    "chain_label": ("产业链", "chain"),
    "sector": ("部门", "sector"),
    "sector_zh": ("部门名称", "sector name"),
    "sector_label": ("部门名称", "sector name"),
    "density": ("关联密度", "density"),
    "segments_short": ("产业链环节", "chain segments"),
    "level_zh": ("层级", "level"),
    "level_label": ("层级", "level"),
    "path": ("路径", "path"),
    "match": ("匹配方式", "match"),
    "component": ("分项", "component"),
    "component_label": ("分项", "component"),
    "value": ("值", "value"),
    "weight": ("权重", "weight"),
    "contribution": ("贡献", "contribution"),
    "change": ("变化", "change"),
    "item": ("对象", "item"),
    "before": ("之前", "before"),
    "after": ("之后", "after"),
    "case_id": ("案例", "case"),
    "origin_id": ("来源地", "origin"),
    "tier": ("层级", "tier"),
    "county_rank": ("县排名", "county rank"),
    "project_rank": ("项目排名", "project rank"),
    "landing_rank": ("落地排名", "landing rank"),
    "project_top_zh": ("项目首位", "project #1"),
    "direction": ("方向", "direction"),
    "cases": ("案例数", "cases"),
    "mrr": ("MRR", "MRR"),
    "name_1": ("名称1", "name 1"),
    "name_2": ("名称2", "name 2"),
    "credit_code_1": ("信用代码1", "credit code 1"),
    "credit_code_2": ("信用代码2", "credit code 2"),
    "place_zh": ("所在地", "place"),
    "place_rule": ("定位依据", "placement rule"),
    "chains": ("产业链", "chains"),
    "with_real_firm": ("有真实企业的环节", "with a real firm"),
    "in_mountain_county": ("在山区县", "in a mountain county"),
    "in_partner": ("在结对方", "in a partner"),
    "firms": ("企业", "firms"),
    "real_firms": ("真实企业", "real firms"),
    "on_a_segment": ("在环节上", "on a segment"),
    "named": ("链主（公开报道）", "named"),
    "chain_id": ("产业链", "chain"),
    "backward": ("后向关联 BL", "BL"),
    "forward": ("前向关联 FL", "FL"),
    "key_sector": ("关键部门", "key"),
    "direct": ("直接消耗 a", "direct a"),
    "total": ("完全消耗 l", "total l"),
    "share": ("占比", "share"),
    "check": ("检查", "check"),
    "status": ("状态", "status"),
    "message": ("说明", "message"),
    "title": ("标题", "title"),
    "url": ("网址", "url"),
    "licence": ("许可", "licence"),
    "supports": ("支撑", "supports"),
    "cited_by": ("引用表", "cited by"),
}


def header(column: str, lang: str = "zh") -> str:
    """A table header for ``column`` in ``lang`` (the key itself when none is recorded).

    >>> header("confidence"), header("confidence", "en"), header("unheard_of")
    ('可信度', 'confidence', 'unheard_of')
    """
    pair = HEADERS.get(column)
    return column if pair is None else pair[0 if lang == "zh" else 1]


# score components (the preset's weights, chainlink/scoring/components.py)
COMPONENT_ZH = {
    "chain_fit": "产业链契合",
    "link": "链接强度",
    "gap": "补延强价值",
    "pairing": "结对方式",
    "partner_fit": "结对方产业契合",
    "io": "投入产出关联",
    "density": "关联密度",
    "policy": "政策导向",
    "evidence": "证据可信度",
    "landing": "落地方式",
}
COMPONENT_EN = {
    "chain_fit": "chain fit",
    "link": "link strength",
    "gap": "gap value",
    "pairing": "pairing",
    "partner_fit": "partner fit",
    "io": "input–output relatedness",
    "density": "relatedness density",
    "policy": "policy fit",
    "evidence": "evidence",
    "landing": "landing",
}


def label(table_zh: dict[str, str], table_en: dict[str, str], key: str | None, lang: str = "zh") -> str:
    """``key``'s label from the zh or en table; the key itself when it has none (never an error).

    >>> label(COMPONENT_ZH, COMPONENT_EN, "chain_fit"), label(PAIRING_ZH, PAIRING_EN, "enclave", "en")
    ('产业链契合', 'enclave co-construction')
    """
    if key is None:
        return ""
    return (table_zh if lang == "zh" else table_en).get(key, key)


def pairing_label(kind: str | None, lang: str = "zh") -> str:
    """A pairing kind as a reader says it (``dual_chain_pilot`` → 产业链“双链长制”试点)."""
    return label(PAIRING_ZH, PAIRING_EN, kind, lang)


def component_label(key: str, lang: str = "zh") -> str:
    """A score component as a reader says it (``chain_fit`` → 产业链契合)."""
    return label(COMPONENT_ZH, COMPONENT_EN, key, lang)


def relation_label(relation: str, lang: str = "zh") -> str:
    """补链 / fill …"""
    return label(RELATION_ZH, RELATION_EN, relation, lang)


def confidence_label(level: str, lang: str = "zh") -> str:
    """有来源 / sourced …"""
    return label(CONFIDENCE_ZH, {k: k for k in CONFIDENCE_LEVELS}, level, lang)


# Notes the library writes in English (what data is missing, why nothing scores), in Chinese. Each
# entry is a regular expression over the whole English note and the Chinese template ({name} groups).
NOTE_PREFIX = {"missing": ("缺少数据：", "missing data: "), "no_score": ("无得分：", "No score: "),
               "warning": ("警告：", "warning: ")}  # fmt: skip
NOTES_ZH: list[tuple[str, str]] = [
    (r"the county holds no segment within reach of the project's chain segments",
     "本县没有与项目所在产业链环节相邻（在可达范围内）的环节"),
    (r"county land and energy quotas are not in the registry: capacity not checked",
     "登记库中没有各县用地与能耗指标：未检查容量"),
    (r"no origin zone given: pairing component is 0 for every county", "未给出来源园区：各县的结对分项均为 0"),
    (r"no county holds a segment within reach of this project", "没有县持有与本项目相邻（在可达范围内）的环节"),
    (r"(?P<name>.+) has no pairing with a mountain county that can host this project; --any-pair ranks every county",
     "{name}与能承接本项目的山区县均无结对记录；--any-pair 可对所有县排序"),
    (r"no chain segment carries GB/T (?P<gbt>\S+): placed on the segments of the same input–output sector",
     "没有产业链环节对应 GB/T {gbt}：按同一投入产出部门的环节匹配"),
    (r"no chain segment carries GB/T (?P<gbt>\S+), nor its input–output sector: matched by IO relatedness to the "
     r"county's industries and the partner's profile only",
     "没有产业链环节对应 GB/T {gbt}，也无同部门环节：仅按与本县产业的投入产出关联及结对方产业画像匹配"),
    (r"no characteristic industry on record", "没有特色产业记录"),
    (r"no characteristic industry with a GB/T code", "没有带 GB/T 行业代码的特色产业"),
    (r"no reviewed holding: no characteristic industry is mapped to a chain segment \(data/holdings.csv\)",
     "没有经审核的环节持有：没有特色产业对应到产业链环节（data/holdings.csv）"),
    (r"no sourced pairing: partner unknown", "没有有来源的结对记录：结对方不明"),
    (r"(?P<n>\d+) polluting suggestion\(s\) left out: the county has a restricting ecological status "
     r"\(--allow-polluting shows them\)",
     "已略去 {n} 条重污染行业建议：本县有限制性的生态功能定位（--allow-polluting 可显示）"),
    (r"origin (?P<origin>.+) unknown", "来源地 {origin} 未知"),
    (r"no segment or GB/T code: no chain fit anywhere", "没有环节或 GB/T 行业代码：任何县都无产业链契合"),
    (r"(?P<what>.+) not given: counted as 0 against the quotas", "未给出{what}：按 0 计入指标"),
]  # fmt: skip


# words inside notes (field names) as a Chinese reader says them
FIELD_ZH = {"land_mu": "用地面积（亩）", "energy": "能耗（吨标煤）", "energy_tce": "能耗（吨标煤）",
            "added_value": "增加值", "tax": "税收"}  # fmt: skip


def note_label(note: str, lang: str = "zh", kind: str | None = None) -> str:
    """A library note for a reader: in zh, its Chinese wording when :data:`NOTES_ZH` knows it (else the
    English note unchanged); prefixed by ``kind``'s label (:data:`NOTE_PREFIX`) when given.

    >>> note_label("no sourced pairing: partner unknown", kind="missing")
    '缺少数据：没有有来源的结对记录：结对方不明'
    >>> note_label("no sourced pairing: partner unknown", "en", "missing")
    'missing data: no sourced pairing: partner unknown'
    """
    import re

    text = note
    if lang == "zh":
        for pattern, zh in NOTES_ZH:
            m = re.fullmatch(pattern, note)
            if m:
                text = zh.format(**{k: FIELD_ZH.get(v, v) for k, v in m.groupdict().items()})
                break
    if kind is None:
        return text
    return NOTE_PREFIX[kind][0 if lang == "zh" else 1] + text


def knows_note(note: str) -> bool:
    """Whether :func:`note_label` has a Chinese wording for ``note``."""
    import re

    return any(re.fullmatch(pattern, note) for pattern, _ in NOTES_ZH)


# Columns whose values are words of this vocabulary: tables (--format table, md) show them as labels;
# machine formats keep the keys.
VALUE_LABELS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "confidence": (CONFIDENCE_ZH, {k: k for k in CONFIDENCE_LEVELS}),
    "relation": (RELATION_ZH, RELATION_EN),
    "pairing_kind": (PAIRING_ZH, PAIRING_EN),
    "component": (COMPONENT_ZH, COMPONENT_EN),
    "landing": (LANDING_ZH, LANDING_EN),
    "round": (_RoundLabels("zh"), _RoundLabels("en")),
}


def display_value(column: str, value: object, lang: str = "zh") -> object:
    """``value`` of ``column`` as a table shows it: a vocabulary word's label, anything else unchanged.

    >>> display_value("confidence", "unverified"), display_value("pairing_kind", "zone_pair", "en")
    ('未核实', 'development-zone pairing')
    """
    tables = VALUE_LABELS.get(column)
    if tables is None or not isinstance(value, str):
        return value
    return (tables[0] if lang == "zh" else tables[1]).get(value, value)
