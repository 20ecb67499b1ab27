"""Sector look-up by code, name or GB/T 4754 class."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from chainlink.base.sectors import sector_of_gbt
from chainlink.errors import DataError
from chainlink.inputoutput.tables import DATA_DIR, IOTable, _fold


def resolve_sector(table: IOTable, query: str) -> str:
    """The sector code for ``query``: a code, or a Chinese or English name.

    Tried in order, names compared case-insensitively with spaces and punctuation removed:

    1. a code (``"33"`` is read as ``"033"``), or a four-digit GB/T 4754-2017 class code
       (``"2925"`` → 053) through :func:`sector_of_gbt`;
    2. a sector's Chinese or English name;
    3. part of exactly one sector's name (``"皮革"`` → 033), or the longest sector name inside
       the query (``"塑料制品业"`` → 053);
    4. part of GB/T 4754-2017 group or class names that all map to one sector (``"合成革"``,
       class 2925 塑料人造革、合成革制造 → 053 plastic products), via :func:`sector_of_gbt`;
    5. fuzzy matching (rapidfuzz ``WRatio`` ≥ 88, at least 8 points ahead of the runner-up).

    Raises
    ------
    DataError
        When nothing matches, or several sectors match equally well (up to 5 are listed).
    """
    text = str(query).strip()
    if not text:
        raise DataError("empty sector name")
    if text.isdigit() and len(text) <= 3:
        code = text.zfill(3)
        if code in table._index:
            return code
        raise DataError(
            f"no sector {code} in the {table.year} input–output table (codes 001–{table.codes[-1]})"
        )
    if text.isdigit() and len(text) == 4:
        sectors = [
            c for c in sector_of_gbt(text, year=table.year, mapping=table.mapping) if c in table._index
        ]
        if len(sectors) == 1:
            return sectors[0]
        raise DataError(f"GB/T 4754 class {text} maps to no single input–output sector; give a sector code")
    key = _fold(text)
    names = [
        (code, _fold(zh), _fold(en))
        for code, zh, en in zip(table.codes, table.names_zh, table.names_en, strict=True)
    ]
    for code, zh, en in names:
        if key in (zh, en):
            return code
    hits = [code for code, zh, en in names if key in zh or key in en]
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise DataError(_ambiguous(table, text, hits))
    inside = sorted(((len(zh), code) for code, zh, _ in names if zh and zh in key), reverse=True)
    if inside and (len(inside) == 1 or inside[0][0] > inside[1][0]):
        return inside[0][1]
    via_gbt = _sectors_by_gbt_name(key, table)
    if len(via_gbt) == 1 and via_gbt[0] in table._index:
        return via_gbt[0]
    if len(via_gbt) > 1:
        raise DataError(_ambiguous(table, text, [c for c in via_gbt if c in table._index]))
    from rapidfuzz import fuzz, process

    choices = {f"{code}\t{lang}": name for code, zh, en in names for lang, name in (("zh", zh), ("en", en))}
    scored: dict[str, float] = {}
    for _, score, choice in process.extract(key, choices, scorer=fuzz.WRatio, limit=20):
        code = choice.split("\t", 1)[0]
        scored[code] = max(score, scored.get(code, 0.0))
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
    if ranked and ranked[0][1] >= 88 and (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= 8):
        return ranked[0][0]
    close = [code for code, score in ranked if score >= 60]
    if close:
        raise DataError(_ambiguous(table, text, close))
    raise DataError(
        f"no input–output sector matches {text!r}; try a code (001–{table.codes[-1]}) "
        "or a Chinese name such as 塑料制品"
    )


@lru_cache(maxsize=4)
def _gbt_names(path: Path) -> tuple[tuple[str, str], ...]:
    # Group (3-digit) and class (4-digit) names of GB/T 4754-2017; empty if the list is not shipped.
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return tuple(
                (r["code"], _fold(r["name_zh"])) for r in csv.DictReader(fh) if len(r["code"]) in (3, 4)
            )
    except (OSError, KeyError):
        return ()


def _sectors_by_gbt_name(key: str, table: IOTable) -> list[str]:
    names = table.gbt_names if table.gbt_names is not None else _gbt_names(DATA_DIR / "gbt4754_2017.csv")
    codes = [code for code, name in names if key in name]
    if not codes:
        return []
    try:
        return sorted(
            {s for code in codes for s in sector_of_gbt(code, year=table.year, mapping=table.mapping)}
        )
    except DataError:
        return []


def _ambiguous(table: IOTable, text: str, codes: Sequence[str]) -> str:
    shown = ", ".join(f"{c} {table.names_zh[table.index(c)]}" for c in codes[:5])
    if len(codes) == 1:
        return f"no input–output sector is named {text!r}; did you mean {shown}? Give the code"
    more = f" and {len(codes) - 5} more" if len(codes) > 5 else ""
    return f"{text!r} matches several input–output sectors: {shown}{more}; give the code"
