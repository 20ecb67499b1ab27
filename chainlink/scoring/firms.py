"""Real enterprises on the chains: which firms sit on which segments where, and the 链主 candidates.

Reads the registry's ``enterprises`` (kinds ``listed``, ``named``, ``sample``), ``enterprise_segments``
and the user's imported ``user_enterprises``. Real and sample firms are never mixed silently: every row
carries ``kind`` and ``user``, and :data:`PARTIAL_ZH` / :data:`PARTIAL_EN` say what the real data
covers (shown by every output that lists firms).

Public API (used by ``match``/``export`` and the CLI):

- :func:`firms_on` — firms on given segments, optionally within given places
- :func:`firms_in` — the same rows for some places and partners, read for those only
- :func:`partner_places` — the county-level codes of a partner district's or zone's territory
- :func:`chain_leaders` — per place, the 链主 candidate of a chain and the rule that chose it
- :func:`coverage` — segments, counties and partners with at least one real firm
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from chainlink.store.registry import REAL_FIRM_KINDS as REAL_KINDS

PARTIAL_ZH = (
    "企业数据不完整：仅上市公司(深交所按注册地址定位到县级，上交所仅按公司名称定位)及公开资料点名的企业；"
    "主营产品与收入占比截至 2021-10 (ChainKnowledgeGraph)。示例企业均标注“示例”。"
)
PARTIAL_EN = (
    "Firms are partial: listed companies only (Shenzhen-listed placed by registered address, Shanghai-listed "
    "only where the name fixes the county) plus firms public pages name; main products and revenue shares "
    "as of 2021-10 (ChainKnowledgeGraph). Sample firms are always labelled sample."
)
FIRM_COLUMNS = [
    "id",
    "name_zh",
    "kind",
    "place_code",
    "county_code",
    "partner_id",
    "segment_key",
    "chain_id",
    "product",
    "revenue_share",
    "rule",
    "confidence",
    "source",
    "as_of",
    "chain_leader",
    "user",
]
MIN_LEADER_SHARE = 0.10  # a 链主 candidate earns at least this share of revenue on the chain's segments
USER_MATCH = 0.9  # a user's GB/T code puts the firm on a segment at this code match or stronger


def _has_table(registry: Any, name: str) -> bool:
    # user_* tables live in the attached user registry: sqlite_master of the main file does not list them
    if hasattr(registry, "has_table"):
        return registry.has_table(name)
    from chainlink.store.registry import has_table

    return has_table(registry.conn, name)


def _segments(registry: Any) -> dict[str, dict[str, Any]]:
    return {s["key"]: s for s in registry.segments}


def partner_places(registry: Any, partner_id: str) -> set[str]:
    """County-level admin codes of a partner's territory: its own ``admin_code`` (districts), else its
    ``host_code`` when that is a county-level unit, plus the units that ``place_names`` zone rows give
    for the zone (杭州经开区 → 330114 钱塘区). A city-level host code (``3301 00``) is not returned:
    the zone's county is then not known."""
    partner = next((p for p in registry.partners if p["id"] == partner_id), None)
    if partner is None:
        return set()
    out = set()
    for code in (partner["admin_code"], partner["host_code"]):
        if code and not code.endswith("00"):
            out.add(code)
    if _has_table(registry, "place_names"):
        for (code,) in registry.conn.execute(
            "SELECT admin_code FROM place_names WHERE partner_id = ? AND admin_code != ''", (partner_id,)
        ):
            out.add(code)
    return out


def _user_firms(registry: Any, segments: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The user's imported enterprises on segments (given ``segment_key``, else by GB/T code)."""
    if not _has_table(registry, "user_enterprises"):
        return []
    from chainlink.base.industries import code_match

    place_of = {p["id"]: (p["admin_code"] or p["host_code"]) for p in registry.partners}
    counties = {c["code"] for c in registry.counties}
    out = []
    for e in registry.rows("user_enterprises", "id"):
        place = e["county_code"] or place_of.get(e["partner_id"], "")
        place = "" if place.endswith("00") else place
        base = {
            "id": e["id"],
            "name_zh": e["name_zh"],
            "kind": "user",
            "place_code": place,
            "county_code": e["county_code"] if e["county_code"] in counties else "",
            "partner_id": e["partner_id"],
            "product": "",
            "revenue_share": None,
            "confidence": e["confidence"],
            "source": e["source"],
            "as_of": "",
            "chain_leader": bool(e["chain_leader"]),
            "user": True,
        }
        if e["segment_key"] in segments:
            out.append(
                base
                | {
                    "segment_key": e["segment_key"],
                    "chain_id": segments[e["segment_key"]]["chain_id"],
                    "rule": "user: segment given in the import",
                }
            )
            continue
        codes = [c for c in e["gbt_codes"].split(";") if c]
        for key, seg in segments.items():
            seg_codes = [c for c in seg["gbt_codes"].split(";") if c]
            hit = next((c for c in codes for s in seg_codes if code_match(c, s) >= USER_MATCH), None)
            if hit:
                out.append(
                    base
                    | {
                        "segment_key": key,
                        "chain_id": seg["chain_id"],
                        "rule": f"user: GB/T {hit} matches the segment's codes",
                    }
                )
    return out


def _firm_links(registry: Any, kinds: Sequence[str]) -> list[dict[str, Any]]:
    """(firm, segment) rows of the registry's enterprises of ``kinds``, read once per open registry (as
    :func:`_all_leaders`); callers do not change them."""
    memo = getattr(registry, "_chainlink_firm_links", None)
    if memo is None:
        memo = {}
        registry._chainlink_firm_links = memo
    key = tuple(kinds)
    if key not in memo:
        memo[key] = _read_firm_links(registry, kinds)
    return memo[key]


_LINK_SQL = """
        SELECT e.id, e.name_zh, e.kind, e.place_code, e.county_code, e.partner_id, s.segment_key,
               s.chain_id, s.product, s.revenue_share, s.rule, s.confidence, s.source, {as_of},
               e.role, e.role_chains, e.role_source, e.role_confidence, e.quote, e.named_id, e.stock_code
        FROM {tables}
        WHERE e.kind IN ({kinds}){where}"""
# A link's ``as_of`` is the date of the link's own source (the listed firms' main products: 2021-10), from the
# list of sources; a link whose source has no date there (a page cited in full, the editors' judgement on the
# firm's record), or a registry without the list, keeps the firm record's date.
_SOURCE_DATE = "COALESCE(NULLIF(src.date, ''), e.as_of) AS as_of", " LEFT JOIN sources src ON src.id = s.source"
_FIRM_DATE = "e.as_of", ""
_ALL_LINKS = "enterprise_segments s JOIN enterprises e ON e.id = s.enterprise_id"
# a scope's firms first, then their links by the primary key (SQLite would scan every link and look its firm up)
_SCOPED_LINKS = "enterprises e CROSS JOIN enterprise_segments s ON s.enterprise_id = e.id"


def _read_firm_links(
    registry: Any, kinds: Sequence[str], where: str = "", params: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """The (firm, segment) rows of ``kinds`` (and the SQL condition ``where`` on them), in link order:
    segment key, then firm id."""
    if not _has_table(registry, "enterprise_segments") or not kinds:
        return []
    tables = _SCOPED_LINKS if where else _ALL_LINKS
    as_of, join = _SOURCE_DATE if _has_table(registry, "sources") else _FIRM_DATE
    sql = _LINK_SQL.format(tables=tables + join, as_of=as_of, kinds=_marks(kinds), where=where)
    cur = registry.conn.cursor()
    cur.row_factory = None
    cur.execute(sql, (*kinds, *params))
    names = [d[0] for d in cur.description]
    # ORDER BY s.segment_key, e.id, sorted here: SQLite's sorter took ≈ 4 ms for these ≈ 1,000 wide rows,
    # Python's sort of the tuples ≈ 0.3 (same order: binary collation is code-point order; NULL first)
    rows = cur.fetchall()
    rows.sort(key=lambda r: (r[6] is not None, r[6] or "", r[0]))
    return [dict(zip(names, row, strict=True)) for row in rows]


def _marks(values: Sequence[str]) -> str:
    return ", ".join("?" * len(values))


def _scoped_links(
    registry: Any, kinds: Sequence[str], places: Sequence[str], counties: Sequence[str], partner_ids: Sequence[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(links of ``kinds`` read with the scope, the real links the scope's 链主 candidates are chosen from).

    The scope: a link whose firm's ``place_code`` is in ``places``, ``county_code`` in ``counties`` or
    ``partner_id`` in ``partner_ids``; the first list also holds links of other firms of the scope's places
    (:func:`firms_in` keeps the scope's). A candidate is chosen per (chain, place) among the real links of that
    place (:func:`_compute_leaders`), so every real link of every place a scoped link has is read with it —
    the places of the scope, and those of its firms found by county or partner id."""
    scope = []
    params: list[str] = []
    for column, values in (("place_code", places), ("county_code", counties), ("partner_id", partner_ids)):
        if values:
            scope.append(f"{{e}}{column} IN ({_marks(values)})")
            params += values
    if not scope:
        return [], []
    either = " OR ".join(scope)
    read = tuple(dict.fromkeys((*kinds, *REAL_KINDS)))
    where = (
        f" AND ({either.format(e='e.')} OR e.place_code IN (SELECT place_code FROM enterprises"
        f" WHERE place_code != '' AND kind IN ({_marks(read)}) AND ({either.format(e='')})))"
    )
    links = _read_firm_links(registry, read, where, [*params, *read, *params])
    wanted = set(kinds)
    return [r for r in links if r["kind"] in wanted], [r for r in links if r["kind"] in REAL_KINDS]


def firms_on(
    registry: Any,
    segment_keys: Iterable[str],
    place_codes: Iterable[str] | None = None,
    *,
    kinds: Sequence[str] = REAL_KINDS,
    include_user: bool = True,
    partner_id: str | None = None,
) -> list[dict[str, Any]]:
    """Firms on ``segment_keys`` (all places, or those in ``place_codes`` — county-level codes).

    ``kinds`` selects registry firms (``listed``, ``named``, ``sample``); ``include_user`` adds the
    user's imported enterprises (``kind = user``, ``user = True``). ``partner_id`` also admits firms
    tied to that partner zone without a county (e.g. an address in 宁波高新区). Each dict has the keys
    of :data:`FIRM_COLUMNS`; ``chain_leader`` is True for a named 链主 and for the 链主 candidate of its
    chain and place (:func:`chain_leaders`). Sorted by segment, then revenue share (largest first).
    """
    keys = set(segment_keys)
    places = set(place_codes) if place_codes is not None else None
    links = [r for r in _firm_links(registry, kinds) if r["segment_key"] in keys]
    leaders = _leader_ids(registry) if any(k in REAL_KINDS for k in kinds) else set()

    def here(r: dict[str, Any]) -> bool:
        return places is None or r["place_code"] in places or bool(partner_id and r["partner_id"] == partner_id)

    return _firm_rows(registry, links, keys, leaders, here, include_user)


def firms_in(
    registry: Any,
    segment_keys: Iterable[str],
    *,
    places: Iterable[str] = (),
    counties: Iterable[str] = (),
    partner_ids: Iterable[str] = (),
    kinds: Sequence[str] = REAL_KINDS,
    include_user: bool = True,
) -> list[dict[str, Any]]:
    """The rows of :func:`firms_on` (``segment_keys``, ``kinds``, ``include_user``; all places) whose firm has its
    ``place_code`` in ``places``, its ``county_code`` in ``counties`` or its ``partner_id`` in
    ``partner_ids`` — in the same order, with the same ``chain_leader`` — read with SQL for those places and
    partners only (``firms_on`` reads every link of the registry)."""
    keys = set(segment_keys)
    places, counties, partner_ids = sorted(set(places)), sorted(set(counties)), sorted(set(partner_ids))
    if not (places or counties or partner_ids):
        return []
    if tuple(kinds) in getattr(registry, "_chainlink_firm_links", {}):  # every link already read: filter them
        links = _firm_links(registry, kinds)
        basis = None
    else:
        links, basis = _scoped_links(registry, kinds, places, counties, partner_ids)
    links = [r for r in links if r["segment_key"] in keys]
    if not any(k in REAL_KINDS for k in kinds):
        leaders: set[tuple[str, str, str]] = set()
    elif basis is None:
        leaders = _leader_ids(registry)
    else:
        leaders = {(r["id"], r["chain_id"], r["place_code"]) for r in _compute_leaders(basis)}
    place_set, county_set, partner_set = set(places), set(counties), set(partner_ids)

    def here(r: dict[str, Any]) -> bool:
        return r["place_code"] in place_set or r["county_code"] in county_set or r["partner_id"] in partner_set

    return _firm_rows(registry, links, keys, leaders, here, include_user)


def _firm_rows(
    registry: Any,
    links: list[dict[str, Any]],
    keys: set[str],
    leaders: set[tuple[str, str, str]],
    here: Any,
    include_user: bool,
) -> list[dict[str, Any]]:
    """The rows of :func:`firms_on` from the links on ``keys`` (in link order) where ``here(link)`` holds,
    then the user's firms on ``keys`` where it holds; sorted."""
    out = []
    columns = [c for c in FIRM_COLUMNS if c not in ("chain_leader", "user")]
    for r in links:
        if not here(r):
            continue
        row = {c: r.get(c) for c in columns}
        row["chain_leader"] = _named_leader(r) or (r["id"], r["chain_id"], r["place_code"]) in leaders
        row["user"] = False
        out.append(row)
    if include_user:
        for u in _user_firms(registry, _segments(registry)):
            if u["segment_key"] in keys and here(u):
                out.append(u)
    out.sort(key=lambda r: (r["segment_key"], -(r["revenue_share"] or 0), r["kind"], r["id"]))
    return out


def _named_leader(r: dict[str, Any]) -> bool:
    """True when a source names the firm 链主 of this link's chain."""
    return r["role"] == "链主" and r["chain_id"] in (r.get("role_chains") or "").split(";")


def _leader_ids(registry: Any) -> set[tuple[str, str, str]]:
    return {(r["id"], r["chain_id"], r["place_code"]) for r in _all_leaders(registry)}


def _all_leaders(registry: Any) -> list[dict[str, Any]]:
    cache = getattr(registry, "_chainlink_firm_leaders", None)
    if cache is None:
        cache = _compute_leaders(_firm_links(registry, REAL_KINDS))
        registry._chainlink_firm_leaders = cache
    return cache


def _compute_leaders(links: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One 链主 candidate per (chain, place), plus every firm a source names 链主 of the chain.

    Candidate rule: among the real firms with a link on the chain in the place, the one with the largest
    main-product revenue share on the chain's segments (sourced links first; listed before named;
    then stock code), provided that share is at least :data:`MIN_LEADER_SHARE` — a firm earning 2% of
    its revenue on the chain is no 链主 however alone it is. Firms without a place are left out (they
    have no county to lead in).
    """
    by_firm: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in links:
        if not r["place_code"]:
            continue
        key = (r["chain_id"], r["place_code"], r["id"])
        best = by_firm.get(key)
        if best is None or _strength(r) > _strength(best):
            by_firm[key] = r
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for (chain, place, _), r in by_firm.items():
        groups.setdefault((chain, place), []).append(r)
    out = []
    for (chain, place), firms in sorted(groups.items()):
        firms.sort(key=_strength, reverse=True)
        for r in firms:
            if _named_leader(r):
                quote = f"named 链主 by {r['named_id']}: {r['quote']}"
                named = {**r, "source": r["role_source"], "confidence": r["role_confidence"]}
                out.append(_leader_row(named, chain, place, "named", quote, len(firms)))
        top = firms[0]
        eligible = top["confidence"] == "sourced" and (top["revenue_share"] or 0) >= MIN_LEADER_SHARE
        if not _named_leader(top) and eligible:
            share = f"{top['revenue_share']:.0%} of revenue from {top['product']!r}"
            rule = (
                f"链主 candidate: largest on the chain among {len(firms)} real firm(s) in {place} — {share}"
                f" on {top['segment_key']} ({top['confidence']}); {'listed company' if top['kind'] == 'listed' else 'named firm'}"
            )
            out.append(_leader_row(top, chain, place, "candidate", rule, len(firms)))
    return out


def _strength(r: dict[str, Any]) -> tuple:
    return (
        _named_leader(r),
        r["confidence"] == "sourced",
        r["revenue_share"] or 0.0,
        r["kind"] == "listed",
        bool(r["product"]),
        # lower stock code first on ties (older listing), then id: deterministic
        -int(r["stock_code"]) if (r.get("stock_code") or "").isdigit() else -(10**7),
    )


def _leader_row(r: dict[str, Any], chain: str, place: str, basis: str, rule: str, n: int) -> dict[str, Any]:
    return {
        "chain_id": chain,
        "place_code": place,
        "county_code": r["county_code"],
        "partner_id": r["partner_id"],
        "id": r["id"],
        "name_zh": r["name_zh"],
        "kind": r["kind"],
        "basis": basis,
        "segment_key": r["segment_key"],
        "product": r["product"],
        "revenue_share": r["revenue_share"],
        "confidence": r["confidence"],
        "source": r["source"],
        "firms_on_chain": n,
        "rule": rule,
    }


def chain_leaders(registry: Any, chain_id: str, place_code: str | None = None) -> list[dict[str, Any]]:
    """链主 candidates of ``chain_id`` per place (or in ``place_code`` only), each with ``rule``.

    ``basis`` is ``named`` for a firm a public source names 链主 (its quote in ``rule``) and
    ``candidate`` for the firm the data ranks first (see :func:`_compute_leaders`).
    """
    return [
        r
        for r in _all_leaders(registry)
        if r["chain_id"] == chain_id and (place_code is None or r["place_code"] == place_code)
    ]


def place_names(registry: Any) -> dict[str, str]:
    """County-level code → Chinese name (the current units of ``place_names``; counties as fallback)."""
    out = {c["code"]: c["name_zh"] for c in registry.counties}
    if _has_table(registry, "place_names"):
        for code, token in registry.conn.execute(
            "SELECT admin_code, token FROM place_names WHERE kind = 'current'"
        ):
            out[code] = token
    return out


def coverage(registry: Any) -> dict[str, Any]:
    """What the real firms cover: per chain, segments with ≥1 real firm (anywhere, in one of the 26
    counties, in a partner's territory); per county and per partner, the real firms placed there; totals.
    """
    links = _firm_links(registry, REAL_KINDS)
    counties = {c["code"]: c for c in registry.counties}
    partner_codes: dict[str, set[str]] = {
        p["id"]: partner_places(registry, p["id"]) for p in registry.partners
    }
    advanced = {pid: codes for pid, codes in partner_codes.items() if codes and not codes & set(counties)}
    in_partner = set().union(*advanced.values()) if advanced else set()
    firms = registry.conn.execute(
        "SELECT id, kind, place_code, county_code, partner_id, role FROM enterprises WHERE kind IN ('listed', 'named')"
    ).fetchall()
    on_segment = {r["id"] for r in links}
    chains = []
    for chain in registry.chains:
        segs = [s["key"] for s in registry.segments if s["chain_id"] == chain["id"]]
        mine = [r for r in links if r["chain_id"] == chain["id"]]
        any_seg = {r["segment_key"] for r in mine}
        county_seg = {r["segment_key"] for r in mine if r["place_code"] in counties}
        partner_seg = {
            r["segment_key"] for r in mine if r["place_code"] in in_partner or r["partner_id"] in advanced
        }
        chains.append(
            {
                "chain_id": chain["id"],
                "name_zh": chain["name_zh"],
                "segments": len(segs),
                "with_real_firm": len(any_seg),
                "in_mountain_county": len(county_seg),
                "in_partner": len(partner_seg),
                "firms": len({r["id"] for r in mine}),
            }
        )
    county_rows = []
    for code, c in sorted(counties.items()):
        here = [f for f in firms if f[2] == code]
        county_rows.append(
            {
                "county_code": code,
                "name_zh": c["name_zh"],
                "real_firms": len(here),
                "on_a_segment": len([f for f in here if f[0] in on_segment]),
                "named": len([f for f in here if f[1] == "named" or f[5]]),
            }
        )
    partner_rows = []
    for pid, codes in sorted(advanced.items()):
        here = [f for f in firms if f[2] in codes or f[4] == pid]
        partner_rows.append(
            {
                "partner_id": pid,
                "name_zh": next(p["name_zh"] for p in registry.partners if p["id"] == pid),
                "real_firms": len(here),
                "on_a_segment": len([f for f in here if f[0] in on_segment]),
            }
        )
    listed = [f for f in firms if f[1] == "listed"]
    totals = {
        "real_firms": len(firms),
        "listed": len(listed),
        "named": len([f for f in firms if f[1] == "named"]),
        "placed": len([f for f in firms if f[2]]),
        "unplaced": len([f for f in firms if not f[2]]),
        "on_a_segment": len({f[0] for f in firms} & on_segment),
        "segments_with_real_firm": len({r["segment_key"] for r in links}),
        "segments": len(registry.segments),
        "counties_with_real_firm": len([r for r in county_rows if r["real_firms"]]),
        "partners_with_real_firm": len([r for r in partner_rows if r["real_firms"]]),
        "partners": len(partner_rows),
        "named_chain_leaders": len([f for f in firms if f[5] == "链主"]),
        "named_firms": len([f for f in firms if f[5]]),
    }
    return {"chains": chains, "counties": county_rows, "partners": partner_rows, "totals": totals}


# -- rows for the CLI (list, show, unplaced) and the profiles ---------------------------------------

KIND_FILTERS = {
    "real": ("listed", "named"),
    "listed": ("listed",),
    "named": ("named",),
    "sample": ("sample",),
    "user": (),
    "all": ("listed", "named", "sample"),
}
LIST_COLUMNS = [
    "id",
    "kind",
    "name_zh",
    "place_code",
    "place_zh",
    "county_code",
    "partner_id",
    "stock_code",
    "exchange",
    "chains",
    "segments",
    "chain_leader",
    "role",
    "place_rule",
    "confidence",
    "source",
    "as_of",
]


def enterprise_rows(
    registry: Any,
    *,
    kind: str = "real",
    place_codes: Iterable[str] | None = None,
    partner_id: str | None = None,
    chain_id: str | None = None,
    segment_key: str | None = None,
) -> list[dict[str, Any]]:
    """One row per firm (:data:`LIST_COLUMNS`), filtered; ``segments`` lists the matching segment keys.

    ``kind`` is one of :data:`KIND_FILTERS` (``user`` = the user's imported enterprises only; ``all``
    adds them to the registry's). With ``chain_id`` or ``segment_key`` only firms on them are kept.
    """
    if kind not in KIND_FILTERS:
        raise ValueError(f"kind must be one of {', '.join(KIND_FILTERS)}")
    kinds = KIND_FILTERS[kind]
    places = set(place_codes) if place_codes is not None else None
    segs = _segments(registry)
    wanted = {
        k
        for k, s in segs.items()
        if (chain_id is None or s["chain_id"] == chain_id) and (segment_key is None or k == segment_key)
    }
    names = place_names(registry)
    leaders = _leader_ids(registry)
    links: dict[str, list[dict[str, Any]]] = {}
    for r in _firm_links(registry, kinds):
        links.setdefault(r["id"], []).append(r)
    out = []
    if kinds:
        marks = ", ".join("?" * len(kinds))
        cur = registry.conn.execute(f"SELECT * FROM enterprises WHERE kind IN ({marks}) ORDER BY id", kinds)
        for e in (dict(r) for r in cur):
            mine = [r for r in links.get(e["id"], []) if r["segment_key"] in wanted]
            if (chain_id or segment_key) and not mine:
                continue
            if (
                places is not None
                and e["place_code"] not in places
                and not (partner_id and e["partner_id"] == partner_id)
            ):
                continue
            if places is None and partner_id and e["partner_id"] != partner_id:
                continue
            out.append(
                {
                    "id": e["id"],
                    "kind": e["kind"],
                    "name_zh": e["name_zh"],
                    "place_code": e["place_code"],
                    "place_zh": names.get(e["place_code"], ""),
                    "county_code": e["county_code"],
                    "partner_id": e["partner_id"],
                    "stock_code": e["stock_code"],
                    "exchange": e["exchange"],
                    "chains": "; ".join(sorted({r["chain_id"] for r in mine})),
                    "segments": "; ".join(sorted({r["segment_key"] for r in mine})),
                    "chain_leader": any(
                        _named_leader(r) or (e["id"], r["chain_id"], e["place_code"]) in leaders for r in mine
                    ),
                    "role": e["role"],
                    "place_rule": e["place_rule"],
                    "confidence": e["confidence"],
                    "source": e["source"],
                    "as_of": e["as_of"],
                }
            )
    if kind in ("user", "all"):
        by_id: dict[str, list[dict[str, Any]]] = {}
        for u in _user_firms(registry, segs):
            by_id.setdefault(u["id"], []).append(u)
        if _has_table(registry, "user_enterprises"):
            for e in registry.rows("user_enterprises", "id"):
                mine = [u for u in by_id.get(e["id"], []) if u["segment_key"] in wanted]
                if (chain_id or segment_key) and not mine:
                    continue
                place = mine[0]["place_code"] if mine else (e["county_code"] or "")
                if places is not None and place not in places and e["partner_id"] != partner_id:
                    continue
                if places is None and partner_id and e["partner_id"] != partner_id:
                    continue
                out.append(
                    {
                        "id": e["id"],
                        "kind": "user",
                        "name_zh": e["name_zh"],
                        "place_code": place,
                        "place_zh": names.get(place, ""),
                        "county_code": e["county_code"],
                        "partner_id": e["partner_id"],
                        "stock_code": "",
                        "exchange": "",
                        "chains": "; ".join(sorted({u["chain_id"] for u in mine})),
                        "segments": "; ".join(sorted({u["segment_key"] for u in mine})),
                        "chain_leader": bool(e["chain_leader"]),
                        "role": "",
                        "place_rule": "user: imported",
                        "confidence": e["confidence"],
                        "source": e["source"],
                        "as_of": "",
                    }
                )
    return out


def unplaced_rows(registry: Any) -> list[dict[str, Any]]:
    """Real firms without a county-level place, with the reason (``place_rule``) and their address."""
    cur = registry.conn.execute(
        "SELECT id, kind, name_zh, exchange, stock_code, address, partner_id, place_rule, source "
        "FROM enterprises WHERE kind IN ('listed', 'named') AND place_code = '' ORDER BY id"
    )
    return [dict(r) for r in cur]


def enterprise_detail(registry: Any, ident: str) -> dict[str, Any]:
    """One firm by id (SZ000156, SH600160, NE001), stock code or exact or unique partial name.

    Returns ``{"firm": row, "segments": [...], "products": [...], "leads": [...]}``; raises
    :class:`~chainlink.errors.UsageError` when nothing or several firms match.
    """
    from chainlink.errors import UsageError

    rows = [dict(r) for r in registry.conn.execute("SELECT * FROM enterprises ORDER BY id")]
    text = ident.strip()
    hits = [r for r in rows if text in (r["id"], r["stock_code"], r["name_zh"], r["short_zh"])]
    if not hits:
        hits = [r for r in rows if text and text in r["name_zh"]]
    if not hits:
        raise UsageError(f"no enterprise {ident!r}; see `chainlink enterprises list`")
    if len(hits) > 1:
        some = ", ".join(f"{r['id']} {r['name_zh']}" for r in hits[:5])
        raise UsageError(f"{ident!r} matches {len(hits)} enterprises ({some}); give the id")
    firm = hits[0]
    segments = [
        dict(r)
        for r in registry.conn.execute(
            "SELECT * FROM enterprise_segments WHERE enterprise_id = ? ORDER BY segment_key", (firm["id"],)
        )
    ]
    products = []
    if _has_table(registry, "enterprise_products"):
        products = [
            dict(r)
            for r in registry.conn.execute(
                "SELECT rank, product, revenue_share FROM enterprise_products WHERE enterprise_id = ? ORDER BY rank",
                (firm["id"],),
            )
        ]
    leads = [r for r in _all_leaders(registry) if r["id"] == firm["id"]]
    firm["place_zh"] = place_names(registry).get(firm["place_code"], "")
    return {"firm": firm, "segments": segments, "products": products, "leads": leads}


def chain_firm_lines(registry: Any, chain_id: str, lang: str = "zh") -> list[str]:
    """Plain-text lines: the real firms of each segment of ``chain_id``, grouped by county-level unit,
    链主 (candidates) marked, the partial-data note last. Used by ``chains show``."""
    segs = [s for s in registry.segments if s["chain_id"] == chain_id]
    rows = firms_on(registry, [s["key"] for s in segs], include_user=True)
    names = place_names(registry)
    counties = {c["code"] for c in registry.counties}
    title = (
        "真实企业(按环节、县级单位)" if lang == "zh" else "Real companies by segment and county-level unit"
    )
    lines = [title]
    for s in segs:
        mine = [r for r in rows if r["segment_key"] == s["key"]]
        if not mine:
            continue
        label = s["name_zh"] if lang == "zh" else (s.get("name_en") or s["name_zh"])
        lines.append(f"  {s['key']} {label}")
        by_place: dict[str, list[str]] = {}
        for r in mine:
            mark = []
            if r["user"]:
                mark.append("用户导入" if lang == "zh" else "yours")
            if r["chain_leader"]:
                mark.append("链主")
            if r["confidence"] != "sourced":
                mark.append(r["confidence"])
            text = r["name_zh"] + (f" [{', '.join(mark)}]" if mark else "")
            by_place.setdefault(r["place_code"], []).append(text)
        for place in sorted(by_place, key=lambda p: (p == "", p not in counties, p)):
            where = (
                f"{names.get(place, place)} {place}" if place else ("未定位" if lang == "zh" else "unplaced")
            )
            if place in counties:
                where += " (山区县)" if lang == "zh" else " (mountain county)"
            lines.append(f"    {where}: " + "; ".join(dict.fromkeys(by_place[place])))
    if len(lines) == 1:
        lines.append("  (无)" if lang == "zh" else "  (none)")
    lines.append(PARTIAL_ZH if lang == "zh" else PARTIAL_EN)
    return lines


def segment_firm_names(registry: Any, chain_id: str) -> dict[str, str]:
    """Segment key → 'firm (place); …' of its real firms (for machine formats of ``chains show``)."""
    segs = [s["key"] for s in registry.segments if s["chain_id"] == chain_id]
    names = place_names(registry)
    out: dict[str, list[str]] = {}
    for r in firms_on(registry, segs, include_user=False):
        out.setdefault(r["segment_key"], []).append(f"{r['name_zh']} ({names.get(r['place_code'], '?')})")
    return {k: "; ".join(dict.fromkeys(v)) for k, v in out.items()}
