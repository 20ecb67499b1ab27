"""What each import kind holds: its user table, canonical columns, Chinese header aliases and checks.

The columns of ``user_characteristic_industries`` and ``user_pairings`` are those of the source tables
of the same name (plus ``import_id``); docs/import.md documents every column and alias.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One canonical column: its check, the header texts that mean it, and whether it is required."""

    name: str
    check: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    max_len: int = 200


@dataclass(frozen=True)
class Kind:
    """One import kind: the user table it writes and its columns in table order (without import_id)."""

    name: str
    table: str
    columns: tuple[Column, ...]
    natural_key: str
    id_prefix: str = ""
    source_table: str = ""

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


SOURCE = Column("source", "source", ("来源", "数据来源", "信息来源"), max_len=2000)
CONFIDENCE = Column("confidence", "confidence", ("可信度", "置信度"))
QUOTE = Column("quote", "text", ("引文", "原文", "原文摘录", "摘录"))
GBT = (
    "行业代码",
    "国民经济行业代码",
    "国民经济行业分类代码",
    "行业分类代码",
    "国标行业代码",
    "gbt",
    "gbt_code",
)
SEGMENT = ("产业链环节", "环节", "链条环节", "segment")
COUNTY = ("所在县", "所在县(市、区)", "县(市、区)", "所在县(市区)", "区县", "县", "所属县", "county")

KINDS: dict[str, Kind] = {
    "enterprises": Kind(
        "enterprises",
        "user_enterprises",
        (
            Column("id", "enterprise_id", ("企业编号",)),
            Column(
                "credit_code",
                "credit",
                ("统一社会信用代码", "社会信用代码", "信用代码", "uscc", "credit code"),
                required=True,
            ),
            Column(
                "name_zh", "name", ("企业名称", "企业", "单位名称", "公司名称", "名称", "name"), required=True
            ),
            Column("county_code", "county", COUNTY),
            Column("partner_id", "partner", ("所在园区", "园区", "开发区", "结对方", "partner", "zone")),
            Column("gbt_codes", "gbt", GBT),
            Column("segment_key", "segment", SEGMENT),
            Column("size", "size", ("企业规模", "规模")),
            Column("chain_leader", "flag", ("链主", "是否链主", "链主企业")),
            SOURCE,
            CONFIDENCE,
        ),
        natural_key="credit_code",
    ),
    "projects": Kind(
        "projects",
        "user_projects",
        (
            Column("id", "id", ("项目编号", "编号")),
            Column("name_zh", "name", ("项目名称", "名称", "name"), required=True),
            Column("name_en", "text", ("英文名称",)),
            Column("kind", "project_kind", ("项目类型", "类型")),
            Column("origin_id", "partner", ("来源地", "来源园区", "转出地", "转出方", "流出地", "origin")),
            Column("county_code", "county", ("落地县", "目的地", *COUNTY)),
            Column("platform", "partner", ("落地平台", "平台", "园区", "platform")),
            Column("gbt_codes", "gbt", GBT),
            Column("segment_key", "segment", SEGMENT),
            Column(
                "investment_wan",
                "amount",
                ("投资额(万元)", "总投资(万元)", "计划总投资(万元)", "投资(万元)", "投资额", "investment"),
            ),
            Column("land_mu", "amount", ("用地(亩)", "用地面积(亩)", "用地", "land")),
            Column(
                "energy_tce",
                "amount",
                (
                    "能耗",
                    "能耗(吨标煤)",
                    "综合能耗(吨标准煤)",
                    "年综合能耗(吨标煤)",
                    "能耗(吨标准煤)",
                    "energy",
                ),
            ),
            Column(
                "added_value_wan", "amount", ("增加值(万元)", "工业增加值(万元)", "增加值", "added_value")
            ),
            Column("tax_wan", "amount", ("税收(万元)", "税收", "tax")),
            Column("pollution", "pollution", ("污染等级", "污染", "污染程度")),
            Column("status", "status", ("状态", "项目状态", "进度", "项目进度")),
            Column("year", "year", ("年份", "年度")),
            Column("sponsor", "text", ("投资方", "投资主体", "业主", "项目业主")),
            SOURCE,
            CONFIDENCE,
            Column("note", "long_text", ("备注", "说明"), max_len=2000),
        ),
        natural_key="id (else name_zh + origin_id)",
        id_prefix="U-PRJ-",
        source_table="projects",
    ),
    "characteristic": Kind(
        "characteristic",
        "user_characteristic_industries",
        (
            Column("id", "id", ("编号",)),
            Column("county_code", "county_or_city", COUNTY, required=True),
            Column("platform", "partner", ("平台", "园区", "platform")),
            Column("industry_zh", "name", ("特色产业", "产业名称", "产业", "industry"), required=True),
            Column("industry_en", "text", ("英文名称",)),
            Column("gbt_codes", "gbt", GBT, required=True),
            Column("gbt_derivation", "long_text", ("代码依据",), max_len=2000),
            Column("note", "long_text", ("备注", "说明"), max_len=2000),
            QUOTE,
            SOURCE,
            CONFIDENCE,
        ),
        natural_key="id (else county_code + platform + industry_zh)",
        id_prefix="U-CI-",
        source_table="characteristic_industries",
    ),
    "pairings": Kind(
        "pairings",
        "user_pairings",
        (
            Column("id", "id", ("编号",)),
            Column("county_code", "county", ("山区县", *COUNTY), required=True),
            Column("county_platform", "county_platform", ("县平台", "山区县平台")),
            Column(
                "partner_id",
                "partner",
                ("结对方", "结对地区", "结对园区", "结对单位", "partner"),
                required=True,
            ),
            Column("kind", "pairing_kind", ("结对类型", "类型"), required=True),
            Column("chains", "chains", ("产业链", "chain")),
            Column("round", "text", ("批次", "轮次", "时间")),
            QUOTE,
            Column("enclave_name", "text", ("飞地名称", "飞地")),
            Column("enclave_host", "enclave_host", ("飞地所在地", "飞地位置")),
            Column("enclave_kind", "enclave_kind", ("飞地类型",)),
            SOURCE,
            CONFIDENCE,
        ),
        natural_key="id (else county_code + county_platform + partner_id + kind)",
        id_prefix="U-PA-",
        source_table="pairings",
    ),
}
IGNORED_HEADERS = {"序号", "no", "no.", "#", "import_id"}


def header_key(text: str) -> str:
    """Fold a header cell for matching: NFKC (full-width brackets), lower case, no spaces or * markers.

    >>> header_key(" *投资额（万元）")
    '投资额(万元)'
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = re.sub(r"[\s*:：]+", "", folded)
    return folded.replace("_", "") if folded.isascii() else folded


def alias_map(kind: Kind) -> dict[str, str]:
    """Folded header text → canonical column name, for every column and alias of ``kind``."""
    out: dict[str, str] = {}
    for col in kind.columns:
        for text in (col.name, *col.aliases):
            out.setdefault(header_key(text), col.name)
    return out
