"""Candidate duplicate enterprises: names compared after removing legal forms and place names (rapidfuzz).

Zones' lists name the same enterprise as 浙江华峰鞋业有限公司 in one file and 青田华峰鞋业股份有限公司 in
another, sometimes with different (or mistyped) credit codes. :func:`name_key` folds a name to its
distinctive part; :func:`candidate_pairs` scores every pair of imported enterprises with
``rapidfuzz.fuzz.ratio`` on those keys and returns the pairs at or above a threshold. Nothing is merged:
people decide.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from chainlink.errors import DataError

LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "股份合作公司",
    "有限公司",
    "总公司",
    "分公司",
    "公司",
    "集团",
    "控股",
    "股份",
    "实业",
)
PROVINCES = ("浙江省", "浙江")
_DROP = re.compile(r"[\s()（）\[\]【】·.,，、\-_'\"“”]+")
MAX_ALL_PAIRS = 50_000
COLUMNS = ["score", "credit_code_1", "name_1", "place_1", "credit_code_2", "name_2", "place_2", "key"]


def name_key(name: str, places: Sequence[str] = ()) -> str:
    """The distinctive part of an enterprise name: no legal form, province or leading place names.

    >>> name_key("浙江青田华峰鞋业股份有限公司", ["青田县", "青田"])
    '华峰鞋业'
    >>> name_key("华峰鞋业（青田）有限公司", ["青田"])
    '华峰鞋业'
    """
    text = _DROP.sub("", unicodedata.normalize("NFKC", name)).lower()
    ordered = sorted({p for p in places if p}, key=len, reverse=True)
    changed = True
    while changed and text:
        changed = False
        for form in LEGAL_FORMS:
            if text.endswith(form) and len(text) > len(form):
                text, changed = text[: -len(form)], True
        for prefix in (*PROVINCES, *ordered):
            if text.startswith(prefix) and len(text) > len(prefix):
                text, changed = text[len(prefix) :], True
    for place in ordered:
        if len(place) >= 2 and text.endswith(place) and len(text) > len(place) + 1:
            text = text[: -len(place)]
    return text


def place_names(conn: sqlite3.Connection) -> list[str]:
    """County and city names (full and short) to strip from the front of enterprise names."""
    out: set[str] = set()
    for name_zh, short_zh, city in conn.execute("SELECT name_zh, short_zh, city FROM counties"):
        out.update(v for v in (name_zh, short_zh, city, (city or "").removesuffix("市")) if v)
    for name_zh, short_zh, city in conn.execute("SELECT name_zh, short_zh, city FROM partners"):
        out.update(v for v in (city, (city or "").removesuffix("市")) if v)
        if name_zh and name_zh.endswith(("区", "县", "市")):
            out.update(v for v in (name_zh, short_zh) if v)
    return sorted(out)


def candidate_pairs(
    enterprises: Iterable[dict[str, Any]],
    places: Sequence[str] = (),
    *,
    threshold: float = 85.0,
    within_place: bool = False,
) -> list[dict[str, Any]]:
    """Pairs of enterprises whose :func:`name_key` scores ≥ ``threshold`` (0–100), best first.

    Each enterprise is a mapping with ``credit_code``, ``name_zh`` and ``county_code``/``partner_id``.
    ``within_place`` compares only enterprises of the same county or partner (needed above
    :data:`MAX_ALL_PAIRS` enterprises, where comparing every pair takes too long).
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    items = [dict(e) for e in enterprises]
    for item in items:
        item["key"] = name_key(item["name_zh"], places)
        item["place"] = item.get("county_code") or item.get("partner_id") or ""
    if not within_place and len(items) > MAX_ALL_PAIRS:
        raise DataError(
            f"{len(items):,} enterprises: comparing every pair takes too long; pass --within-place "
            "to compare enterprises of the same county or zone only"
        )
    groups: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        groups.setdefault(item["place"] if within_place else "", []).append(i)
    found = []
    cutoff = int(threshold)
    for members in groups.values():
        keys = [items[i]["key"] for i in members]
        for start in range(0, len(keys), 1000):
            block = process.cdist(
                keys[start : start + 1000],
                keys,
                scorer=fuzz.ratio,
                score_cutoff=cutoff,
                dtype=np.uint8,
                workers=-1,
            )
            for a, b in zip(*np.nonzero(block), strict=True):
                i, j = start + int(a), int(b)
                if j <= i:
                    continue
                score = float(fuzz.ratio(keys[i], keys[j]))
                if score < threshold:
                    continue
                first, second = items[members[i]], items[members[j]]
                found.append(
                    {
                        "score": round(score, 1),
                        "credit_code_1": first["credit_code"],
                        "name_1": first["name_zh"],
                        "place_1": first["place"],
                        "credit_code_2": second["credit_code"],
                        "name_2": second["name_zh"],
                        "place_2": second["place"],
                        "key": first["key"]
                        if first["key"] == second["key"]
                        else f"{first['key']} ~ {second['key']}",
                    }
                )
    found.sort(key=lambda r: (-r["score"], r["credit_code_1"], r["credit_code_2"]))
    return found


def enterprise_pairs(
    conn: sqlite3.Connection, *, threshold: float = 85.0, within_place: bool = False
) -> list[dict[str, Any]]:
    """:func:`candidate_pairs` over the registry's imported enterprises (``user_enterprises``)."""
    from chainlink.registry import has_table

    if not has_table(conn, "user_enterprises"):
        return []
    rows = [
        {"credit_code": c, "name_zh": n, "county_code": k, "partner_id": p}
        for c, n, k, p in conn.execute(
            "SELECT credit_code, name_zh, county_code, partner_id FROM user_enterprises ORDER BY credit_code"
        )
    ]
    return candidate_pairs(rows, place_names(conn), threshold=threshold, within_place=within_place)
