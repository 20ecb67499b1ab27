"""Place a company by county-level unit from its registered address or, failing that, its full name.

The table of place names is ``data/place_names.csv`` (one row per token): current county-level units
(``current``), abolished or renamed ones (``renamed``: 下城区 → 拱墅区, 上虞市 → 上虞区 …), development
zones (``zone``: 萧山经济技术开发区 → 萧山区, optionally the partner zone it is) and streets or towns
(``town``: 下沙 → 钱塘区, 星桥 → 临平区 …; a town token counts only inside its prefecture ``within``).

:func:`place_address` looks for every token in the address. The most specific kind that occurs
decides: town, then zone, then current or renamed district names. If tokens of that kind point to
different units the address is ambiguous and the company stays unplaced (never guessed).
:func:`place_by_name` places a company whose full name begins with ``浙江`` or a prefecture city
followed by the name of a county or county-level city (浙江天台祥和实业 → 天台县). District names are not
used this way (西湖, 钱塘, 南湖 … are brands as often as places).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("current", "renamed", "zone", "town")
PRECEDENCE = (("town",), ("zone",), ("current", "renamed"))
CITY_PREFIX = "(?:杭州|宁波|温州|嘉兴|湖州|绍兴|金华|衢州|舟山|台州|丽水)市?"


@dataclass(frozen=True)
class PlaceName:
    """One row of ``data/place_names.csv``."""

    token: str
    admin_code: str
    kind: str
    within: str = ""
    partner_id: str = ""
    note: str = ""
    source: str = ""
    confidence: str = "sourced"


@dataclass(frozen=True)
class Placement:
    """Where a company was placed (``place_code`` empty when it was not) and by which rule."""

    place_code: str
    partner_id: str
    rule: str
    confidence: str
    source: str = ""

    @property
    def placed(self) -> bool:
        return bool(self.place_code)


UNPLACED = Placement("", "", "", "")


def place_address(address: str, names: list[PlaceName], city_code: str = "") -> Placement:
    """Place a registered ``address`` with ``names``; ``city_code`` (6 digits) is the prefecture.

    A town token refines a district: it counts when the district names in the address all lie in its
    ``within`` codes (星桥 refines 余杭区, not 拱墅区's 星桥街), or when the address names no district
    and the prefecture matches. The rule text names the token(s) used, e.g.
    ``address: 下城区 → 330105 (renamed)``. An unplaced result carries the reason in ``rule``
    (``no county-level name in the address`` or ``ambiguous: …``).
    """
    hits = [n for n in names if n.token and n.token in address]
    # a token inside a longer token that also matched (上虞市 inside 上虞市经济开发区) does not count
    hits = [h for h in hits if not any(h.token != o.token and h.token in o.token for o in hits)]
    districts = {h.admin_code for h in hits if h.kind in ("current", "renamed")}

    def town_applies(town: PlaceName) -> bool:
        within = {w for w in town.within.split(";") if w}
        if town.admin_code in districts:
            return False  # the district named already says as much
        if not within:
            return True
        if districts:
            return districts <= within
        return not city_code or city_code[:4] in {w[:4] for w in within}

    hits = [h for h in hits if h.kind != "town" or town_applies(h)]
    zone_partners = {h.partner_id for h in hits if h.kind == "zone" and h.partner_id}
    for kinds in PRECEDENCE:
        level = [h for h in hits if h.kind in kinds]
        if not level:
            continue
        codes = {h.admin_code for h in level if h.admin_code}
        partners = {h.partner_id for h in level if h.partner_id} or zone_partners
        what = ", ".join(f"{h.token} → {h.admin_code or '?'} ({h.kind})" for h in level)
        if len(codes) > 1 or len(partners) > 1:
            return Placement("", "", f"ambiguous: {what}", "")
        weakest = "unverified" if any(h.confidence != "sourced" for h in level) else "sourced"
        sources = "; ".join(dict.fromkeys(h.source for h in level if h.source))
        if not codes:
            # a zone whose host unit is not established: tied to the partner, not placed
            if partners:
                return Placement("", partners.pop(), f"address: {what}", weakest, sources)
            continue
        return Placement(
            codes.pop(), partners.pop() if partners else "", f"address: {what}", weakest, sources
        )
    return Placement("", "", "no county-level name in the address", "")


def name_tokens(names: list[PlaceName]) -> dict[str, PlaceName]:
    """Short names of counties and county-level cities (``天台`` for 天台县) usable in company names."""
    out = {}
    for n in names:
        if n.kind == "current" and n.token.endswith(("县", "市")) and len(n.token) >= 3:
            out[n.token[:-1]] = n
    return out


def place_by_name(full_name: str, names: list[PlaceName]) -> Placement:
    """Place a company whose full name starts with 浙江 / a city, then a county name (see module doc)."""
    for short, n in sorted(name_tokens(names).items(), key=lambda kv: -len(kv[0])):
        pattern = rf"^(?:浙江省?(?:{CITY_PREFIX})?|{CITY_PREFIX})(?:{re.escape(short)}|{re.escape(n.token)})"
        if re.match(pattern, full_name):
            return Placement(
                n.admin_code,
                "",
                f"name: {full_name} begins with {short} → {n.admin_code} {n.token}",
                "unverified",
                "company full name",
            )
    return Placement("", "", "the name fixes no county and no address is at hand", "")
