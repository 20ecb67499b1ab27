"""GB/T 4754-2017 codes: hierarchy helpers (codes are text: 2-digit 大类, 3-digit 中类, 4-digit 小类)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from chainlink.errors import ChainlinkWarning


def split_codes(value: str | None) -> list[str]:
    """``"3441;3443"`` → ``["3441", "3443"]``."""
    return [c.strip() for c in (value or "").split(";") if c.strip()]


def code_match(held: str, segment: str) -> float:
    """How strongly holding industry ``held`` means holding a segment coded ``segment``.

    1.0 when equal; 0.9 when ``held`` is narrower than ``segment`` (a part of it); when ``held``
    is broader, 0.8 one level up and 0.6 two levels up (a division-level characteristic industry
    says less about a specific class); 0 when unrelated.

    >>> code_match("3443", "3443"), code_match("3443", "344"), code_match("344", "3443"), code_match("34", "3443")
    (1.0, 0.9, 0.8, 0.6)
    >>> code_match("3443", "3670")
    0.0
    """
    if held == segment:
        return 1.0
    if held.startswith(segment):
        return 0.9
    if segment.startswith(held):
        return {1: 0.8, 2: 0.6}.get(len(segment) - len(held), 0.0)
    return 0.0


def best_match(held_codes: Iterable[str], segment_codes: Iterable[str]) -> tuple[float, str, str]:
    """The strongest :func:`code_match` over all pairs: ``(strength, held, segment)``."""
    best = (0.0, "", "")
    segs = list(segment_codes)
    for h in held_codes:
        for s in segs:
            m = code_match(h, s)
            if m > best[0]:
                best = (m, h, s)
    return best


# -- the classification in the registry: look-up, search, 2011 codes -------------------------

LEVEL_NAMES = {1: ("门类", "section"), 2: ("大类", "division"), 3: ("中类", "group"), 4: ("小类", "class")}
HOLD_THRESHOLD = 0.6  # as the default scoring preset (chainlink/presets/default.yaml)
SEGMENT_THRESHOLD = 0.8


class IndustryCodeWarning(ChainlinkWarning):
    """A GB/T 4754-2011 code was mapped forward to GB/T 4754-2017 code(s) that differ from it."""


# Joining characters people leave out of initials: 阀门和旋塞制造 is "fmxszz" as well as "fmhxszz".
CONNECTIVES = frozenset("和及与或的")


def _core_initials(name: str, syllables: list[str]) -> str:
    """Pinyin initials of ``name`` without its joining characters (:data:`CONNECTIVES`).

    >>> _core_initials("阀门和旋塞制造", "fa men he xuan sai zhi zao".split())
    'fmxszz'
    """
    han = [ch for ch in name if "\u4e00" <= ch <= "\u9fff"]
    if len(han) != len(syllables):  # pinyin not one syllable per character: no core form
        return ""
    return "".join(s[0] for ch, s in zip(han, syllables, strict=True) if ch not in CONNECTIVES)


def _index(registry: Any) -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in registry.industries}


def _crosswalk(registry: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for r in registry.industry_crosswalk:
        out.setdefault(r["code_2011"], []).append(r["code_2017"])
    return {k: sorted(set(v)) for k, v in out.items()}


def industry(registry: Any, code: str) -> dict[str, Any]:
    """One GB/T 4754-2017 row by code (``"3443"``, ``"C"``); :class:`DataError` if unknown."""
    from chainlink.errors import DataError

    row = _index(registry).get(code.strip().upper())
    if row is None:
        hint = "; it is a GB/T 4754-2011 code: see map_2011_code" if code in _crosswalk(registry) else ""
        raise DataError(f"unknown GB/T 4754-2017 code {code!r}{hint}; try `chainlink industries search`")
    return row


def industry_path(registry: Any, code: str) -> list[dict[str, Any]]:
    """The rows from the 门类 down to ``code``: ``3443`` → C, 34, 344, 3443."""
    rows = _index(registry)
    path = [industry(registry, code)]
    while path[0]["parent"]:
        path.insert(0, rows[path[0]["parent"]])
    return path


def industry_children(registry: Any, code: str) -> list[dict[str, Any]]:
    """The rows one level below ``code``, by code."""
    code = industry(registry, code)["code"]
    return [r for r in registry.industries if r["parent"] == code]


def codes_2017_for_2011(registry: Any, code: str) -> list[str]:
    """The GB/T 4754-2017 codes a GB/T 4754-2011 code corresponds to ([] when it is not a 2011 code)."""
    return _crosswalk(registry).get(code.strip(), [])


def map_2011_code(code: str, registry: Any = None) -> list[str]:
    """Map a GB/T 4754-2011 code forward to its GB/T 4754-2017 code(s), for importers of old data.

    Returns the 2017 codes (sorted). When they differ from ``code`` (renumbered, split or merged) an
    :class:`IndustryCodeWarning` says so, because the importer must check which applies. Raises
    :class:`chainlink.errors.DataError` when ``code`` is not in the 2011 → 2017 crosswalk.
    ``registry`` defaults to :meth:`chainlink.store.registry.Registry.open`.

    >>> map_2011_code("6510")  # doctest: +SKIP
    ['6511', '6512', '6513', '6519']
    """
    import warnings

    from chainlink.errors import DataError

    if registry is None:
        from chainlink.store.registry import Registry

        registry = Registry.open()
    targets = codes_2017_for_2011(registry, code)
    if not targets:
        raise DataError(
            f"{code!r} is not a GB/T 4754-2011 code in the 2011 → 2017 crosswalk; if it is a 2017 code, use it as is"
        )
    if targets != [code.strip()]:
        names = _index(registry)
        listed = ", ".join(f"{t} {names[t]['name_zh']}" if t in names else t for t in targets)
        warnings.warn(
            f"GB/T 4754-2011 code {code} maps to 2017 {listed}; check which applies",
            IndustryCodeWarning,
            stacklevel=2,
        )
    return targets


def _path_label(rows: dict[str, dict[str, Any]], row: dict[str, Any]) -> str:
    parts = [row["code"]]
    while rows[parts[0]]["parent"]:
        parts.insert(0, rows[parts[0]]["parent"])
    return " › ".join(parts)


def search_industries(registry: Any, text: str, limit: int = 20) -> list[dict[str, Any]]:
    """GB/T 4754-2017 rows matching ``text``, best first (at most ``limit``).

    ``text`` may be a code or code prefix (``344``, ``C``), Chinese (``阀门``: name, then the standard's
    description), pinyin with or without tones and spaces (``famen``, ``fá mén``), pinyin initials
    (``fmxs``), or a GB/T 4754-2011 code (mapped forward). Near misses are found with rapidfuzz. Each
    result has ``score`` (100 exact name or code; 90s name or code prefix; 80s pinyin; 60–79 initials,
    description, old codes; below 60 fuzzy) and ``match`` saying which rule found it.
    """
    import re

    from chainlink.errors import UsageError
    from chainlink.store.resolve import normalise

    query = text.strip()
    if not query:
        raise UsageError("give a search text: a code, Chinese, or pinyin")
    rows = _index(registry)
    found: dict[str, tuple[float, str]] = {}

    def add(code: str, score: float, how: str) -> None:
        if code in rows and score > found.get(code, (-1.0, ""))[0]:
            found[code] = (round(score, 1), how)

    if re.fullmatch(r"[A-Za-z]|\d{1,4}", query):
        q = query.upper()
        for code, row in rows.items():
            if code == q:
                add(code, 100, "code")
            elif q.isdigit() and code.startswith(q):
                add(code, 95 - 2 * (len(code) - len(q)), "code prefix")
            elif q.isalpha() and row["section"] == q and row["level"] == 2:
                add(code, 90, "section")
        for target in codes_2017_for_2011(registry, query):
            if target != query:
                add(target, 78, "2011 code")
    cjk = any("\u4e00" <= ch <= "\u9fff" for ch in query)
    if cjk:
        for code, row in rows.items():
            name = row["name_zh"]
            if query == name:
                add(code, 100, "name")
            elif name.startswith(query):
                add(code, 96 - min(6, (len(name) - len(query)) / 2), "name")
            elif query in name:
                add(code, 92 - min(10, (len(name) - len(query)) / 2), "name")
            elif query in (row["description_zh"] or ""):
                add(code, 65, "description")
    latin = normalise(query)
    if not cjk and re.fullmatch(r"[a-z]+", latin):
        for code, row in rows.items():
            syllables = (row.get("pinyin") or "").split()
            joined = "".join(syllables)
            initials = "".join(s[0] for s in syllables)
            core = _core_initials(row["name_zh"], syllables)
            starts = {sum(len(s) for s in syllables[:i]) for i in range(len(syllables))}
            if latin == joined:
                add(code, 90, "pinyin")
            elif joined.startswith(latin):
                add(code, 88 - min(6, (len(joined) - len(latin)) / 8), "pinyin")
            elif any(joined.startswith(latin, i) for i in starts):
                add(code, 84 - min(6, (len(joined) - len(latin)) / 8), "pinyin")
            elif len(latin) >= 2 and (initials.startswith(latin) or core.startswith(latin)):
                add(code, 76, "initials")
            elif len(latin) >= 3 and (latin in initials or latin in core):
                add(code, 70, "initials")
    if not found and (cjk or latin):  # nothing matched as written: near misses (typos)
        from rapidfuzz import fuzz, process

        if cjk:
            choices = {code: row["name_zh"] for code, row in rows.items()}
            probe = query
        else:
            choices = {code: (row.get("pinyin") or "").replace(" ", "") for code, row in rows.items()}
            probe = latin
        for _, score, code in process.extract(probe, choices, scorer=fuzz.partial_ratio, limit=limit * 3):
            if score >= 70 and code not in found:
                add(code, score * 0.8 - 20, "fuzzy")
    ranked = sorted(found.items(), key=lambda kv: (-kv[1][0], rows[kv[0]]["level"], kv[0]))
    out = []
    for code, (score, how) in ranked[:limit]:
        row = rows[code]
        out.append(
            {
                "code": code,
                "level": row["level"],
                "level_zh": LEVEL_NAMES[row["level"]][0],
                "level_en": LEVEL_NAMES[row["level"]][1],
                "name_zh": row["name_zh"],
                "path": _path_label(rows, row),
                "pinyin": row.get("pinyin") or "",
                "match": how,
                "score": score,
            }
        )
    return out


def industry_segments(registry: Any, code: str, threshold: float = SEGMENT_THRESHOLD) -> list[dict[str, Any]]:
    """Chain segments whose GB/T codes match ``code`` at ``threshold`` or more, in either direction."""
    out = []
    for seg in registry.segments:
        codes = split_codes(seg["gbt_codes"])
        strength = max(best_match([code], codes)[0], best_match(codes, [code])[0])
        if strength >= threshold:
            out.append({**seg, "strength": strength})
    return sorted(out, key=lambda s: (-s["strength"], s["key"]))


def industry_holders(registry: Any, code: str, threshold: float = HOLD_THRESHOLD) -> list[dict[str, Any]]:
    """Characteristic industries (counties, platforms) and zone industries that hold ``code``.

    A fact holds the code when :func:`code_match` of one of its codes against ``code`` reaches
    ``threshold`` (the scoring preset's hold threshold, 0.6). Rows carry ``holder`` (county or zone),
    ``holder_id``, ``holder_zh``, ``strength``, the fact's codes, confidence and source.
    """
    counties = {c["code"]: c["name_zh"] for c in registry.counties}
    cities = {c["code"][:4] + "00": c["city"] for c in registry.counties}
    partners = {p["id"]: p["name_zh"] for p in registry.partners}
    out = []
    for fact in registry.characteristic_industries:
        strength = best_match(split_codes(fact["gbt_codes"]), [code])[0]
        if strength >= threshold:
            cc = fact["county_code"]
            out.append(
                {
                    **fact,
                    "holder": "county",
                    "holder_id": cc,
                    "holder_zh": counties.get(cc) or cities.get(cc, cc),
                    "strength": strength,
                }
            )
    for fact in registry.partner_industries:
        strength = best_match(split_codes(fact["gbt_codes"]), [code])[0]
        if strength >= threshold:
            pid = fact["partner_id"]
            out.append(
                {
                    **fact,
                    "holder": "zone",
                    "holder_id": pid,
                    "holder_zh": partners.get(pid, pid),
                    "strength": strength,
                }
            )
    return sorted(out, key=lambda f: (f["holder"], -f["strength"], f["holder_id"], f["id"]))


@dataclass
class IndustryReport:
    """Everything ``industries show`` prints for one code (see :func:`industry_report`)."""

    query: str
    industry: dict[str, Any] | None
    path: list[dict[str, Any]]
    children: list[dict[str, Any]]
    segments: list[dict[str, Any]]
    holders: list[dict[str, Any]]
    maps_to: list[dict[str, Any]]
    warnings: list[str]

    def rows(self) -> list[dict[str, Any]]:
        """One row per fact: relation (industry, path, child, maps_to, segment, county, zone) and its fields."""
        out = []

        def add(relation: str, **fields: Any) -> None:
            out.append({"relation": relation, **fields})

        for r in self.maps_to:
            add(
                "maps_to",
                code=r["code"],
                name_zh=r["name_zh"],
                level=r["level"],
                detail="GB/T 4754-2011 → 2017",
            )
        if self.industry:
            i = self.industry
            add(
                "industry",
                code=i["code"],
                name_zh=i["name_zh"],
                level=i["level"],
                detail=i["description_zh"] or "",
            )
        for r in self.path[:-1]:
            add("path", code=r["code"], name_zh=r["name_zh"], level=r["level"])
        for r in self.children:
            add("child", code=r["code"], name_zh=r["name_zh"], level=r["level"])
        for s in self.segments:
            add(
                "segment",
                code=s["gbt_codes"],
                name_zh=s["name_zh"],
                id=s["key"],
                strength=s["strength"],
                detail=s["name_en"],
            )
        for h in self.holders:
            add(
                h["holder"],
                code=h["gbt_codes"],
                name_zh=h["industry_zh"],
                id=h["holder_id"],
                holder_zh=h["holder_zh"],
                strength=h["strength"],
                detail=h["id"],
                confidence=h["confidence"],
                source=h["source"],
            )
        return out


def industry_report(registry: Any, code: str) -> IndustryReport:
    """The code's 门类 → 大类 → 中类 → 小类 path, children, chain segments (match ≥ 0.8), holders.

    A GB/T 4754-2011 code that is not a 2017 code is shown through the 2017 code it maps to (or only
    the list, when it maps to several), with a warning; a code valid in both editions whose 2011
    meaning differs gets a warning too.
    """
    from chainlink.errors import DataError

    query = code.strip().upper()
    rows = _index(registry)
    targets = codes_2017_for_2011(registry, query)
    warnings: list[str] = []
    maps_to = [rows[t] for t in targets if t in rows]
    if query not in rows:
        if not targets:
            raise DataError(
                f"unknown GB/T 4754 code {code!r} (neither 2017 nor 2011); try `chainlink industries search`"
            )
        listed = ", ".join(f"{r['code']} {r['name_zh']}" for r in maps_to)
        warnings.append(f"{query} is a GB/T 4754-2011 code, not a 2017 one; in 2017 it is {listed}")
        if len(maps_to) != 1:
            warnings.append("it maps to several 2017 codes: show each one to see its chains and holders")
            return IndustryReport(query, None, [], [], [], [], maps_to, warnings)
        shown = maps_to[0]["code"]
    else:
        shown = query
        if targets and targets != [query]:
            listed = ", ".join(f"{r['code']} {r['name_zh']}" for r in maps_to)
            warnings.append(
                f"as a GB/T 4754-2011 code, {query} corresponds to 2017 {listed}; shown here: {query} in 2017"
            )
        maps_to = maps_to if targets != [query] else []
    return IndustryReport(
        query=query,
        industry=rows[shown],
        path=industry_path(registry, shown),
        children=industry_children(registry, shown),
        segments=industry_segments(registry, shown),
        holders=industry_holders(registry, shown),
        maps_to=maps_to,
        warnings=warnings,
    )
