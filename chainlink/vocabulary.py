"""The words of matching, in one place: relations, confidence levels, pairing kinds, landing places,
pollution and ecology labels (Chinese and English), and the thresholds the scoring uses.

docs/scoring.md quotes these tables; :mod:`chainlink.score`, :mod:`chainlink.explain` and the CLI
import them, so the documentation and the code say the same thing.

>>> RELATION_ZH["fill"], RELATION_EN["related"]
('补链', 'related')
>>> weakest("sourced", "unverified")
'unverified'
"""

from __future__ import annotations

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
CONFIDENCE_NOTE_ZH = {"unverified": "（部分依据未经核实）", "sample": "（含示例数据）"}
CONFIDENCE_NOTE_EN = {"unverified": " (some facts unverified)", "sample": " (includes sample data)"}


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
