"""Real enterprises at build time: read and validate their data files, place them, put them on segments.

Files (UTF-8 CSV, codes as text; docs/enterprises.md):

- ``data/listed_enterprises.csv`` — Zhejiang listed companies (SZSE with registered address, SSE by name)
- ``data/listed_products.csv`` — their main products with revenue share (ChainKnowledgeGraph, 2021-10)
- ``data/place_names.csv`` — address tokens → county-level unit (:mod:`chainlink.sources.places`)
- ``data/product_segments.csv`` — product keyword → chain segment (reviewed mapping)
- ``data/industry_gbt.csv`` — Shenwan industry → GB/T 4754-2017 codes (fallback, ``unverified``)
- ``data/named_enterprises.csv`` — firms that public pages name (链主, 龙头 …) with source and quote

:func:`real_enterprise_tables` returns the rows of ``enterprises`` (kinds ``listed`` and ``named``),
``enterprise_segments`` and ``enterprise_products``. Nothing here writes, and nothing reads outside
the project folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from chainlink.sources.places import KINDS as PLACE_KINDS
from chainlink.sources.places import Placement, PlaceName, place_address, place_by_name

ADMIN_CODE = re.compile(r"^\d{6}$")
STOCK_CODE = re.compile(r"^\d{6}$")
EXCHANGES = {"SZSE": "SZ", "SSE": "SH"}
ROLES = ("链主", "龙头", "骨干", "其他")
NAMED_ID = re.compile(r"^NE\d{3,}$")
NAMED_COLUMNS = [
    "id",
    "name_zh",
    "credit_code",
    "place_code",
    "county_code",
    "partner_id",
    "gbt_codes",
    "chain_id",
    "segment_key",
    "role",
    "quote",
    "source",
    "confidence",
]
LISTED_COLUMNS = [
    "stock_code",
    "exchange",
    "board",
    "name_zh",
    "short_zh",
    "name_en",
    "address",
    "city",
    "industry_csrc",
    "industry_sw_code",
    "industry_sw",
    "listed_on",
    "as_of",
    "source",
    "confidence",
]
PRODUCTS_AS_OF = "2021-10-26"
PRODUCTS_SOURCE = "chainknowledgegraph-products"
# Columns every row of the registry's ``enterprises`` table has (sample rows get them too).
ENTERPRISE_COLUMNS = [
    "id",
    "kind",
    "credit_code",
    "name_zh",
    "name_en",
    "short_zh",
    "place_code",
    "place_rule",
    "place_confidence",
    "city_code",
    "county_code",
    "partner_id",
    "gbt_codes",
    "segment_key",
    "size",
    "chain_leader",
    "role",
    "role_chains",
    "role_source",
    "role_confidence",
    "quote",
    "named_id",
    "stock_code",
    "exchange",
    "address",
    "industry",
    "industry_sw_code",
    "as_of",
    "source",
    "confidence",
    "note",
]
CITY_CODES = {
    "杭州市": "330100",
    "宁波市": "330200",
    "温州市": "330300",
    "嘉兴市": "330400",
    "湖州市": "330500",
    "绍兴市": "330600",
    "金华市": "330700",
    "衢州市": "330800",
    "舟山市": "330900",
    "台州市": "331000",
    "丽水市": "331100",
}


def _rel(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _rows(root: Path, name: str, required: list[str]) -> tuple[str, list[tuple[int, dict[str, str]]]]:
    from chainlink.sources import read_csv_rows

    path = root / "data" / name
    label = _rel(root, path)
    return label, read_csv_rows(path, required, label)


def _conf(
    col: Any, name: str, line: int, value: str, allowed: tuple[str, ...] = ("sourced", "unverified")
) -> None:
    if value not in allowed:
        col.add(name, line, f"bad confidence {value!r}; use one of {', '.join(allowed)}")


def load_place_names(root: Path, col: Any, partner_ids: set[str]) -> list[PlaceName]:
    """``data/place_names.csv`` as :class:`~chainlink.sources.places.PlaceName` rows (validated)."""
    name, rows = _rows(
        root,
        "place_names.csv",
        ["token", "admin_code", "kind", "within", "partner_id", "note", "source", "confidence"],
    )
    out, seen = [], {}
    for line, row in rows:
        col.unique(name, line, seen, row["token"], "token")
        if not row["token"]:
            col.add(name, line, "missing token")
        if row["kind"] not in PLACE_KINDS:
            col.add(name, line, f"bad kind {row['kind']!r}; use one of {', '.join(PLACE_KINDS)}")
        code = row["admin_code"]
        if code and not ADMIN_CODE.match(code):
            col.add(name, line, f"admin_code {code!r} is not a six-digit code")
        if not code and not (row["kind"] == "zone" and row["partner_id"]):
            col.add(name, line, "admin_code may be empty only for a zone row with a partner_id")
        if code and not code.startswith("33"):
            col.add(name, line, f"admin_code {code} is not in Zhejiang (33….)")
        for w in [w for w in row["within"].split(";") if w]:
            if not ADMIN_CODE.match(w):
                col.add(name, line, f"within {w!r} is not a six-digit code")
        if row["partner_id"] and row["partner_id"] not in partner_ids:
            col.add(name, line, f"partner_id {row['partner_id']!r} is not in data/partners.csv")
        if not row["source"]:
            col.add(name, line, "missing source")
        _conf(col, name, line, row["confidence"])
        out.append(PlaceName(**{k: row[k] for k in PlaceName.__dataclass_fields__}))
    current = {n.admin_code for n in out if n.kind == "current"}
    for line, row in rows:
        if row["kind"] != "current" and row["admin_code"] and row["admin_code"] not in current:
            col.add(
                name, line, f"admin_code {row['admin_code']} is not a current unit (no 'current' row has it)"
            )
    return out


def load_listed(root: Path, col: Any, source_ids: set[str]) -> list[dict[str, str]]:
    """``data/listed_enterprises.csv`` (validated)."""
    name, rows = _rows(root, "listed_enterprises.csv", LISTED_COLUMNS)
    out, seen = [], {}
    for line, row in rows:
        if row["exchange"] not in EXCHANGES:
            col.add(name, line, f"bad exchange {row['exchange']!r}; use SZSE or SSE")
        if not STOCK_CODE.match(row["stock_code"]):
            col.add(name, line, f"stock_code {row['stock_code']!r} must be six digits (as text)")
        col.unique(name, line, seen, f"{row['exchange']}:{row['stock_code']}", "stock code")
        if not row["name_zh"]:
            col.add(name, line, "missing name_zh")
        if row["exchange"] == "SZSE" and not row["address"]:
            col.add(name, line, "a Shenzhen-listed company needs its registered address")
        if row["city"] and row["city"] not in CITY_CODES:
            col.add(name, line, f"city {row['city']!r} is not a Zhejiang prefecture city")
        if row["source"] not in source_ids:
            col.add(name, line, f"source {row['source']!r} is not an id in data/sources.csv")
        _conf(col, name, line, row["confidence"])
        out.append(row)
    return out


def load_products(root: Path, col: Any, stock_codes: set[str]) -> list[dict[str, Any]]:
    """``data/listed_products.csv``: main products with revenue share (empty = not given)."""
    name, rows = _rows(root, "listed_products.csv", ["stock_code", "rank", "product", "revenue_share"])
    out, seen = [], {}
    for line, row in rows:
        if row["stock_code"] not in stock_codes:
            col.add(name, line, f"stock_code {row['stock_code']!r} is not in data/listed_enterprises.csv")
        col.unique(name, line, seen, f"{row['stock_code']}:{row['rank']}", "stock_code + rank")
        if not row["product"]:
            col.add(name, line, "missing product")
        share = None
        if row["revenue_share"]:
            try:
                share = float(row["revenue_share"])
            except ValueError:
                col.add(name, line, f"revenue_share {row['revenue_share']!r} is not a number")
            else:
                if not 0 <= share <= 1:
                    col.add(
                        name,
                        line,
                        f"revenue_share {share} is outside 0–1 (leave it empty when the source gives none)",
                    )
        out.append(
            {
                "stock_code": row["stock_code"],
                "rank": int(row["rank"]) if row["rank"].isdigit() else 0,
                "product": row["product"],
                "revenue_share": share,
            }
        )
    return out


def load_product_segments(
    root: Path, col: Any, segment_keys: set[str], chain_ids: set[str]
) -> list[dict[str, str]]:
    """``data/product_segments.csv``: keyword (found in a product name) → segment_key.

    A row whose segment is not in ``chains/`` is skipped, so that a registry can be built from fewer
    chains (tests do); ``tests/test_enterprises.py`` checks every row against the shipped chains.
    """
    name, rows = _rows(root, "product_segments.csv", ["keyword", "segment_key", "exclude", "note"])
    out, seen = [], {}
    for line, row in rows:
        col.unique(name, line, seen, f"{row['keyword']} → {row['segment_key']}", "mapping")
        if not row["keyword"]:
            col.add(name, line, "missing keyword")
        if "/" not in row["segment_key"]:
            col.add(name, line, f"segment_key {row['segment_key']!r} must be chain/segment (chains/*.yaml)")
        if row["segment_key"] in segment_keys:
            out.append(row)
    return out


def load_industry_gbt(root: Path, col: Any, gbt_codes: set[str]) -> list[dict[str, str]]:
    """``data/industry_gbt.csv``: Shenwan (scheme sw) or CSRC industry → GB/T 4754-2017 codes."""
    name, rows = _rows(
        root, "industry_gbt.csv", ["scheme", "code", "name", "gbt_codes", "note", "confidence"]
    )
    out, seen = [], {}
    for line, row in rows:
        col.unique(name, line, seen, f"{row['scheme']}:{row['code']}", "industry")
        if row["scheme"] not in ("sw", "csrc"):
            col.add(name, line, f"bad scheme {row['scheme']!r}; use sw (Shenwan 2021) or csrc")
        for code in [c for c in row["gbt_codes"].split(";") if c]:
            if code not in gbt_codes:
                col.add(name, line, f"unknown GB/T 4754-2017 code {code!r}; see data/gbt4754_2017.csv")
        _conf(col, name, line, row["confidence"])
        out.append(row)
    return out


def load_named(
    root: Path,
    col: Any,
    counties: set[str],
    partner_ids: set[str],
    chain_ids: set[str],
    segment_keys: set[str],
    gbt_codes: set[str],
    place_codes: set[str],
) -> list[dict[str, str]]:
    """``data/named_enterprises.csv``: firms public pages name, each with source and quote (validated)."""
    from chainlink.base.credit import quick_valid

    name, rows = _rows(root, "named_enterprises.csv", NAMED_COLUMNS)
    out, seen = [], {}
    credit_seen: dict[str, int] = {}
    for line, row in rows:
        if not NAMED_ID.match(row["id"]):
            col.add(name, line, f"id {row['id']!r} must look like NE001")
        col.unique(name, line, seen, row["id"])
        if not row["name_zh"]:
            col.add(name, line, "missing name_zh")
        code = row["credit_code"]
        if code:
            if not quick_valid(code):
                col.add(
                    name,
                    line,
                    f"credit_code {code!r} fails the GB 32100-2015 check (18 characters, check digit); "
                    "copy it again from the source or leave it empty",
                )
            elif code.startswith("00"):
                col.add(
                    name, line, f"credit_code {code!r} starts with 00: that is a sample code, not a real one"
                )
            else:
                col.unique(name, line, credit_seen, code, "credit_code")
        if row["place_code"] and (
            not ADMIN_CODE.match(row["place_code"]) or row["place_code"] not in place_codes
        ):
            col.add(
                name, line, f"place_code {row['place_code']!r} is not a current Zhejiang county-level code"
            )
        if row["county_code"] and row["county_code"] not in counties:
            col.add(name, line, f"county_code {row['county_code']!r} is not one of the 26 counties")
        if row["county_code"] and row["place_code"] and row["county_code"] != row["place_code"]:
            col.add(
                name,
                line,
                "county_code and place_code differ; county_code is the place_code when it is one of the 26",
            )
        if row["partner_id"] and row["partner_id"] not in partner_ids:
            col.add(name, line, f"partner_id {row['partner_id']!r} is not in data/partners.csv")
        for gbt in [c for c in row["gbt_codes"].split(";") if c]:
            if gbt not in gbt_codes:
                col.add(name, line, f"unknown GB/T 4754-2017 code {gbt!r}; see data/gbt4754_2017.csv")
        if (
            row["segment_key"]
            and row["chain_id"]
            and not row["segment_key"].startswith(row["chain_id"] + "/")
        ):
            col.add(name, line, f"segment_key {row['segment_key']} is not on chain {row['chain_id']}")
        if row["segment_key"] and row["segment_key"] not in segment_keys:
            # not in this build's chains/ (tests check the shipped chains): keep the firm, drop the link
            row = {**row, "segment_key": ""}
        if row["role"] not in ROLES:
            col.add(name, line, f"bad role {row['role']!r}; use one of {', '.join(ROLES)}")
        if not row["source"]:
            col.add(name, line, "missing source; a named firm needs the page that names it")
        if not row["quote"]:
            col.add(name, line, "missing quote; copy the short phrase of the source that names the firm")
        _conf(col, name, line, row["confidence"])
        out.append(row)
    return out


LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团")


def name_key(name: str) -> str:
    """A firm's name for joining named and listed rows: no spaces, brackets unified (（）→ ()), legal
    form dropped (浙江三维橡胶制品有限公司 and …股份有限公司 are one firm)."""
    key = re.sub(r"\s+", "", name).replace("（", "(").replace("）", ")")
    for form in LEGAL_FORMS:
        if key.endswith(form) and len(key) > len(form) + 1:
            key = key[: -len(form)]
    return key


def join_named(named: list[dict[str, str]], listed: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    """Named rows per listed stock code, for rows that are the same firm: same full name (legal form
    aside) or the listed short name (佩蒂股份). A name matching several listed firms joins none."""
    out: dict[str, list[dict[str, str]]] = {}
    keyed = [(name_key(f["name_zh"]), f) for f in listed]
    for n in named:
        key = name_key(n["name_zh"])
        hits = [f for k, f in keyed if k == key or f["short_zh"] == n["name_zh"].strip()]
        if len(hits) == 1:
            out.setdefault(hits[0]["stock_code"] + hits[0]["exchange"], []).append(n)
    return out


class _ProductRules:
    """The rows of data/product_segments.csv as (keyword, excluding words, segment key), in file order, indexed
    by the keyword's first character: a product name is tried only on the keywords that can occur in it (546
    firms' products × ≈ 1,000 keywords were all tried)."""

    def __init__(self, mapping: list[dict[str, str]]) -> None:
        self.rules = [
            (m["keyword"], tuple(x for x in m["exclude"].split(";") if x), m["segment_key"]) for m in mapping
        ]
        self.by_first: dict[str, list[int]] = {}
        for i, (keyword, _, _) in enumerate(self.rules):
            self.by_first.setdefault(keyword[:1], []).append(i)

    def found_in(self, product: str) -> list[tuple[str, str]]:
        """(keyword, segment key) of the rules whose keyword occurs in ``product`` and none of whose excluding
        words do, in file order."""
        # an empty keyword (an error the build reports) sits under "" and is tried on every product
        positions = sorted({i for ch in {"", *product} for i in self.by_first.get(ch, ())})
        out = []
        for i in positions:
            keyword, excludes, key = self.rules[i]
            if keyword in product and not any(x in product for x in excludes):
                out.append((keyword, key))
        return out


def segments_by_code(segments: list[dict[str, Any]]) -> dict[str, list[int]]:
    """GB/T code → positions in ``segments`` of the segments listing it (each position once per code)."""
    out: dict[str, list[int]] = {}
    for i, s in enumerate(segments):
        for c in dict.fromkeys(c for c in s["gbt_codes"].split(";") if c):
            out.setdefault(c, []).append(i)
    return out


def _segment_links(
    firm_id: str,
    products: list[dict[str, Any]],
    rules: _ProductRules,
    industry_codes: list[str],
    industry_label: str,
    segments: list[dict[str, Any]],
    by_code: dict[str, list[int]] | None = None,
) -> list[dict[str, Any]]:
    """Segments of one firm: by its products (sourced), else by its industry's GB/T codes (unverified): each
    segment one of whose codes an industry code equals or is under (``code_match`` ≥ 0.9), in the segments'
    order. ``by_code``: :func:`segments_by_code` of ``segments``, made once for many firms."""
    best: dict[str, dict[str, Any]] = {}
    for p in products:
        product = p["product"]
        for keyword, key in rules.found_in(product):
            share = p["revenue_share"]
            old = best.get(key)
            if old is None or (share or 0) > (old["revenue_share"] or 0):
                best[key] = {
                    "enterprise_id": firm_id,
                    "segment_key": key,
                    "chain_id": key.split("/")[0],
                    "product": product,
                    "revenue_share": share,
                    "rule": f"main product {product!r} contains {keyword!r}",
                    "confidence": "sourced",
                    "source": PRODUCTS_SOURCE,
                }
    if best or not industry_codes:
        return sorted(best.values(), key=lambda r: r["segment_key"])
    # code_match(c, sc) >= 0.9 is c equal to or under sc (c starts with sc): a segment's codes among c's prefixes
    if by_code is None:
        by_code = segments_by_code(segments)
    hits: dict[int, str] = {}  # segment position → the first industry code under one of its codes
    for c in industry_codes:
        for n in range(1, len(c) + 1):
            for i in by_code.get(c[:n], ()):
                hits.setdefault(i, c)
    out = []
    for i in sorted(hits):
        s, hit = segments[i], hits[i]
        out.append(
            {
                "enterprise_id": firm_id,
                "segment_key": s["key"],
                "chain_id": s["chain_id"],
                "product": "",
                "revenue_share": None,
                "rule": f"industry {industry_label} → GB/T {hit} (no main product names the segment)",
                "confidence": "unverified",
                "source": "chainlink-judgement",
            }
        )
    return out


def real_enterprise_tables(
    root: str | Path, col: Any, tables: dict[str, list[dict[str, Any]]]
) -> dict[str, list[dict[str, Any]]]:
    """Rows of ``enterprises`` (listed and named), ``enterprise_segments`` and ``enterprise_products``.

    ``tables`` must hold the already-loaded ``counties``, ``partners``, ``chains``, ``segments``,
    ``industries`` and ``sources``.
    """
    root = Path(root)
    counties = {c["code"] for c in tables["counties"]}
    partners = tables["partners"]
    partner_ids = {p["id"] for p in partners}
    district_partner = {
        p["admin_code"]: p["id"] for p in partners if p["kind"] == "district" and p["admin_code"]
    }
    segments = tables["segments"]
    segment_keys = {s["key"] for s in segments}
    chain_ids = {c["id"] for c in tables["chains"]}
    gbt_codes = {r["code"] for r in tables["industries"] if r["level"] > 1}
    source_ids = {s["id"] for s in tables["sources"]}

    names = load_place_names(root, col, partner_ids)
    current = {n.admin_code for n in names if n.kind == "current"}
    listed = load_listed(root, col, source_ids)
    products = load_products(root, col, {r["stock_code"] for r in listed})
    rules = _ProductRules(load_product_segments(root, col, segment_keys, chain_ids))
    by_code = segments_by_code(segments)
    industry = {(r["scheme"], r["code"]): r for r in load_industry_gbt(root, col, gbt_codes)}
    named = load_named(root, col, counties, partner_ids, chain_ids, segment_keys, gbt_codes, current)

    by_stock: dict[str, list[dict[str, Any]]] = {}
    for p in products:
        by_stock.setdefault(p["stock_code"], []).append(p)
    named_by_firm = join_named(named, listed)

    enterprises: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    product_rows: list[dict[str, Any]] = []
    joined: set[str] = set()
    for firm in listed:
        fid = f"{EXCHANGES[firm['exchange']]}{firm['stock_code']}"
        city_code = CITY_CODES.get(firm["city"], "")
        if firm["address"]:
            placed = place_address(firm["address"], names, city_code)
        else:
            placed = place_by_name(firm["name_zh"], names)
        same = named_by_firm.get(firm["stock_code"] + firm["exchange"], [])
        for n in same:
            joined.add(n["id"])
        if not placed.placed:
            for n in same:
                if n["place_code"]:
                    placed = Placement(
                        n["place_code"],
                        n["partner_id"],
                        f"named {n['id']}: {n['source']}",
                        n["confidence"],
                        n["source"],
                    )
                    break
        sw = industry.get(("sw", firm["industry_sw_code"]))
        ind_codes = [c for c in sw["gbt_codes"].split(";") if c] if sw else []
        label = f"Shenwan {firm['industry_sw_code']} {firm['industry_sw']}" if sw else ""
        firm_products = sorted(by_stock.get(firm["stock_code"], []), key=lambda p: p["rank"])
        firm_links = _segment_links(fid, firm_products, rules, ind_codes, label, segments, by_code)
        for n in same:
            if n["segment_key"] and all(link["segment_key"] != n["segment_key"] for link in firm_links):
                firm_links.append(_named_link(fid, n))
        links.extend(firm_links)
        for p in firm_products:
            product_rows.append(
                {"enterprise_id": fid, **{k: p[k] for k in ("rank", "product", "revenue_share")}}
            )
        role = next((n["role"] for n in same if n["role"]), "")
        industry_text = "; ".join(
            x
            for x in (
                f"CSRC {firm['industry_csrc']}" if firm["industry_csrc"] else "",
                f"Shenwan {firm['industry_sw']}" if firm["industry_sw"] else "",
            )
            if x
        )
        enterprises.append(
            _row(
                fid,
                "listed",
                firm["name_zh"],
                placed,
                counties,
                district_partner,
                city_code=city_code,
                name_en=firm["name_en"],
                short_zh=firm["short_zh"],
                credit_code=next((n["credit_code"] for n in same if n["credit_code"]), ""),
                gbt_codes=";".join(ind_codes),
                links=firm_links,
                role=role,
                role_chains=";".join(
                    sorted({n["chain_id"] for n in same if n["role"] == role and n["chain_id"]})
                ),
                role_source=" | ".join(n["source"] for n in same if n["role"] == role),
                role_confidence=max((n["confidence"] for n in same if n["role"] == role), default=""),
                quote=" | ".join(n["quote"] for n in same),
                named_id=";".join(n["id"] for n in same),
                stock_code=firm["stock_code"],
                exchange=firm["exchange"],
                address=firm["address"],
                industry=industry_text,
                industry_sw_code=firm["industry_sw_code"],
                as_of=firm["as_of"],
                source=firm["source"],
                confidence=firm["confidence"],
                note="listed company; main products as of 2021-10 (ChainKnowledgeGraph)"
                if firm_products
                else "listed company",
            )
        )
    for n in named:
        if n["id"] in joined:
            continue
        placed = (
            Placement(n["place_code"], n["partner_id"], f"named: {n['source']}", n["confidence"], n["source"])
            if n["place_code"] or n["partner_id"]
            else Placement("", "", "the source names no county", "")
        )
        firm_links = [_named_link(n["id"], n)] if n["segment_key"] else []
        links.extend(firm_links)
        enterprises.append(
            _row(
                n["id"],
                "named",
                n["name_zh"],
                placed,
                counties,
                district_partner,
                credit_code=n["credit_code"],
                gbt_codes=n["gbt_codes"],
                links=firm_links,
                role=n["role"],
                role_chains=n["chain_id"],
                role_source=n["source"],
                role_confidence=n["confidence"],
                quote=n["quote"],
                named_id=n["id"],
                source=n["source"],
                confidence=n["confidence"],
                note="named by a public source",
            )
        )
    return {
        "enterprises": sorted(enterprises, key=lambda r: r["id"]),
        "enterprise_segments": sorted(links, key=lambda r: (r["enterprise_id"], r["segment_key"])),
        "enterprise_products": sorted(product_rows, key=lambda r: (r["enterprise_id"], r["rank"])),
        "place_names": [dict(n.__dict__) for n in names],
    }


def _named_link(firm_id: str, n: dict[str, str]) -> dict[str, Any]:
    return {
        "enterprise_id": firm_id,
        "segment_key": n["segment_key"],
        "chain_id": n["segment_key"].split("/")[0],
        "product": "",
        "revenue_share": None,
        "rule": f"named {n['role']} by {n['id']}: {n['quote'][:80]}",
        "confidence": n["confidence"],
        "source": n["source"],
    }


def _row(
    fid: str,
    kind: str,
    name_zh: str,
    placed: Placement,
    counties: set[str],
    district_partner: dict[str, str],
    *,
    links: list[dict[str, Any]],
    city_code: str = "",
    **fields: Any,
) -> dict[str, Any]:
    sourced = [link for link in links if link["confidence"] == "sourced"]
    top = max(sourced or links, key=lambda link: link["revenue_share"] or 0, default=None)
    code = placed.place_code
    row = {c: "" for c in ENTERPRISE_COLUMNS}
    row.update(
        {
            "id": fid,
            "kind": kind,
            "name_zh": name_zh,
            "place_code": code,
            "place_rule": placed.rule,
            "place_confidence": placed.confidence,
            "city_code": city_code or (code[:4] + "00" if code else ""),
            "county_code": code if code in counties else "",
            "partner_id": placed.partner_id or district_partner.get(code, ""),
            "segment_key": top["segment_key"] if top else "",
            "size": "",
            "chain_leader": 0,
        }
    )
    row.update(fields)
    row["chain_leader"] = 1 if row.get("role") == "链主" else 0
    return row


def extend_sample_rows(rows: list[dict[str, Any]], partners: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give generated sample enterprises the columns of real ones (kind ``sample``, place of their partner)."""
    place = {p["id"]: p["admin_code"] or p["host_code"] for p in partners}
    out = []
    for r in rows:
        row = {c: "" for c in ENTERPRISE_COLUMNS}
        row.update(r)
        row["kind"] = "sample"
        code = place.get(r["partner_id"], "")
        row["place_code"] = code if code and not code.endswith("00") else ""
        row["city_code"] = code[:4] + "00" if code else ""
        out.append(row)
    return out


def sample_links(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``enterprise_segments`` rows of generated sample enterprises (their one segment, confidence sample)."""
    return [
        {
            "enterprise_id": r["id"],
            "segment_key": r["segment_key"],
            "chain_id": r["segment_key"].split("/")[0],
            "product": "",
            "revenue_share": None,
            "rule": "sample: generated on this segment (not a real company)",
            "confidence": "sample",
            "source": r["source"],
        }
        for r in rows
        if r["segment_key"]
    ]
