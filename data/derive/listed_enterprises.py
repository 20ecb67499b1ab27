"""One-off derivation of data/listed_enterprises.csv and data/listed_products.csv (run by hand).

NOT part of chainlink: build, the CLI and the tests never run this file, and the committed CSVs are the
source of truth. It reads the raw downloads kept outside the project (``--raw DIR``, default
``../shared/data/raw``) and keeps only Zhejiang companies and their main products:

- Shenzhen-listed (SZSE 《A股列表》 xlsx, snapshot 2025-12-28): every row whose 省份 is 浙江, with its
  registered address (注册地址) and CSRC industry gate (所属行业). Placement by county happens at build
  time from the address (chainlink/sources/places.py + data/place_names.csv), not here.
- Shanghai-listed (ChainKnowledgeGraph company.json, 2021-10): no address and no province in the data;
  kept when the full name begins with 浙江 or a Zhejiang prefecture city (杭州 宁波 温州 嘉兴 湖州 绍兴
  金华 衢州 舟山 台州 丽水). Firms whose names carry no Zhejiang place are missed (documented in
  docs/enterprises.md). Placement, where the name fixes a county, is done at build time.
- Main products (source id chainlink data/sources.csv ``chainknowledgegraph-products``, as of 2021-10;
  ChainKnowledgeGraph-sql company_product.jsonl, 主营产品 with rel_weight = revenue
  share): rows of the kept companies; rel_weight 0.001 is the source's placeholder (→ empty share),
  negative weights (eliminations) are dropped, weights above 1 (not a share) are left empty.
- Shenwan 2021 industry (company_industry.json) for both exchanges.

Usage: python data/derive/listed_enterprises.py [--raw DIR]   (needs openpyxl)
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
sys.path.insert(0, str(DATA.parent))  # a checkout: the chainlink beside data/

from chainlink.sources.listed import EXCHANGES, LISTED_COLUMNS, PRODUCTS_AS_OF  # noqa: E402

SZSE_FILE = "szse-a-share-list/A股列表.xlsx"
SZSE_AS_OF = "2025-12-28"
CKG_AS_OF = PRODUCTS_AS_OF  # the ChainKnowledgeGraph snapshot
# Source ids of data/sources.csv (titles, URLs, commits and licences are there).
SZSE_SOURCE = "szse-a-share-list"
CKG_SOURCE = "chainknowledgegraph-companies"
CITIES = "杭州|宁波|温州|嘉兴|湖州|绍兴|金华|衢州|舟山|台州|丽水"
ZJ_NAME = re.compile(rf"^(浙江|{CITIES})")
PLACEHOLDER_WEIGHT = 0.001

ENTERPRISE_COLUMNS = LISTED_COLUMNS  # the columns build reads (chainlink.sources.listed)
PRODUCT_COLUMNS = ["stock_code", "rank", "product", "revenue_share"]


def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", default=str(DATA.parent.parent / "shared" / "data" / "raw"))
    raw = Path(parser.parse_args().raw)
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(raw / SZSE_FILE)
    rows = list(book.active.iter_rows(values_only=True))
    header = [str(h).replace(" ", "") for h in rows[0]]
    col = {name: i for i, name in enumerate(header)}

    industry: dict[str, tuple[str, str]] = {}
    for rec in _jsonl(raw / "ChainKnowledgeGraph" / "company_industry.json"):
        industry[rec["company_code"].upper()] = (rec["industry_code"], rec["industry_name"])

    out: list[dict[str, str]] = []
    for r in rows[1:]:
        if r[col["省份"]] != "浙江":
            continue
        code = str(r[col["A股代码"]]).strip()
        sw = industry.get(f"{code}.SZ", ("", ""))
        out.append(
            {
                "stock_code": code,
                "exchange": "SZSE",
                "board": r[col["板块"]] or "",
                "name_zh": (r[col["公司全称"]] or "").strip(),
                "short_zh": (r[col["A股简称"]] or "").replace(" ", ""),
                "name_en": (r[col["英文名称"]] or "").strip(),
                "address": (r[col["注册地址"]] or "").strip(),
                "city": r[col["城市"]] or "",
                "industry_csrc": r[col["所属行业"]] or "",
                "industry_sw_code": sw[0],
                "industry_sw": sw[1],
                "listed_on": str(r[col["A股上市日期"]] or ""),
                "as_of": SZSE_AS_OF,
                "source": SZSE_SOURCE,
                "confidence": "sourced",
            }
        )
    szse_codes = {r["stock_code"] for r in out}
    for rec in _jsonl(raw / "ChainKnowledgeGraph" / "company.json"):
        if rec["location"] != "上海证券交易所" or not ZJ_NAME.match(rec["fullname"]):
            continue
        code = rec["code"].split(".")[0]
        if code in szse_codes or code.startswith("9"):  # 9xxxxx: B shares
            continue
        sw = industry.get(f"{code}.SH", ("", ""))
        city = next((c + "市" for c in CITIES.split("|") if rec["fullname"].startswith(c)), "")
        out.append(
            {
                "stock_code": code,
                "exchange": "SSE",
                "board": "",
                "name_zh": rec["fullname"].strip(),
                "short_zh": rec["name"].replace(" ", ""),
                "name_en": "",
                "address": "",
                "city": city,
                "industry_csrc": "",
                "industry_sw_code": sw[0],
                "industry_sw": sw[1],
                "listed_on": rec["time"],
                "as_of": CKG_AS_OF,
                "source": CKG_SOURCE,
                "confidence": "sourced",
            }
        )
    seen: set[str] = set()
    firms = []
    for r in sorted(out, key=lambda r: (r["exchange"], r["stock_code"])):
        if (r["exchange"], r["stock_code"]) not in seen:
            seen.add((r["exchange"], r["stock_code"]))
            firms.append(r)
    wanted = {f"{r['stock_code']}.{EXCHANGES[r['exchange']]}": r["stock_code"] for r in firms}
    products = []
    ranks: dict[str, int] = {}
    for rec in _jsonl(raw / "ChainKnowledgeGraph-sql" / "company_product.jsonl"):
        code = wanted.get(rec["company_code"].upper())
        weight = rec.get("rel_weight")
        if code is None or (weight is not None and weight < 0):
            continue
        ranks[code] = ranks.get(code, 0) + 1
        placeholder = weight is None or abs(weight - PLACEHOLDER_WEIGHT) < 1e-12
        share = "" if placeholder or weight > 1 else f"{weight:.6f}"
        products.append(
            {
                "stock_code": code,
                "rank": str(ranks[code]),
                "product": rec["product_name"].strip(),
                "revenue_share": share,
            }
        )
    for name, columns, items in (
        ("listed_enterprises.csv", ENTERPRISE_COLUMNS, firms),
        ("listed_products.csv", PRODUCT_COLUMNS, products),
    ):
        with open(DATA / name, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(items)
        print(f"wrote data/{name}: {len(items)} rows")


if __name__ == "__main__":
    main()
