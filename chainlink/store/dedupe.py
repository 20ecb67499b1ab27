"""Candidate duplicate enterprises: names compared after removing legal forms and place names (rapidfuzz).

Zones' lists name the same enterprise as 浙江华峰鞋业有限公司 in one file and 青田华峰鞋业股份有限公司 in
another, sometimes with different (or mistyped) credit codes. :func:`name_key` folds a name to its
distinctive part; :func:`candidate_pairs` scores every pair of imported enterprises with
``rapidfuzz.fuzz.ratio`` on those keys and returns the pairs at or above a threshold. Nothing is merged:
people decide.
"""

from __future__ import annotations

import functools
import math
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Sequence
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
MAX_PAIRS = 200_000  # pairs reported at most (--max-pairs)
EXACT_LIMIT = 3_000  # distinct keys per group up to which every pair is scored (exact at any threshold)
MAX_CANDIDATES = 50_000_000  # candidate pairs scored at most (bounded time and memory)
COLUMNS = ["score", "credit_code_1", "name_1", "place_1", "credit_code_2", "name_2", "place_2", "key"]


def name_key(name: str, places: Sequence[str] = ()) -> str:
    """The distinctive part of an enterprise name: no legal form, province or leading place names.

    >>> name_key("浙江青田华峰鞋业股份有限公司", ["青田县", "青田"])
    '华峰鞋业'
    >>> name_key("华峰鞋业（青田）有限公司", ["青田"])
    '华峰鞋业'
    """
    text = _DROP.sub("", unicodedata.normalize("NFKC", name)).lower()
    ordered, prefixes, firsts, lasts = _prepared(tuple(places))
    changed = True
    while changed and text:
        changed = False
        for form in _FORMS_BY_LAST.get(text[-1], ()):
            if text.endswith(form) and len(text) > len(form):
                text, changed = text[: -len(form)], True
                if not text:
                    break
        if text[:1] in firsts:
            for prefix in prefixes:
                if text.startswith(prefix) and len(text) > len(prefix):
                    text, changed = text[len(prefix) :], True
    if text[-1:] in lasts:
        for place in ordered:
            if len(place) >= 2 and text.endswith(place) and len(text) > len(place) + 1:
                text = text[: -len(place)]
    return text


_FORMS_BY_LAST: dict[str, tuple[str, ...]] = {}
for _form in LEGAL_FORMS:  # in LEGAL_FORMS order (longest first where they share an ending)
    _FORMS_BY_LAST[_form[-1]] = (*_FORMS_BY_LAST.get(_form[-1], ()), _form)


@functools.lru_cache(maxsize=16)
def _prepared(places: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str], frozenset[str]]:
    """Place names longest first, every prefix to strip, and their first and last characters (a fast test)."""
    ordered = tuple(sorted({p for p in places if p}, key=len, reverse=True))
    prefixes = (*PROVINCES, *ordered)
    return ordered, prefixes, frozenset(p[0] for p in prefixes), frozenset(p[-1] for p in ordered)


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


def max_edits(length: int, threshold: float) -> int:
    """The most insertions + deletions a key of ``length`` characters can differ by from a partner and still
    score ≥ ``threshold`` with ``fuzz.ratio`` (= 100 · (1 − edits / (len₁ + len₂)))."""
    t = threshold / 100
    if t <= 0:
        return length * 4
    longest = math.floor(length * (2 - t) / t + 1e-9)
    return math.floor((1 - t) * (length + longest) + 1e-9)


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))}


def _pair_indices(sizes_starts: Any, np: Any) -> tuple[Any, Any]:
    """All index pairs (a < b) inside runs of equal hashes: ``{size: starts}`` → two index arrays."""
    left, right = [], []
    for size, starts in sizes_starts.items():
        a, b = np.triu_indices(size, 1)
        left.append((starts[:, None] + a[None, :]).ravel())
        right.append((starts[:, None] + b[None, :]).ravel())
    if not left:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(left), np.concatenate(right)


def _similar_keys(keys: Sequence[str], threshold: float, max_candidates: int) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, score)`` (i < j) of distinct ``keys`` with ``fuzz.ratio`` ≥ ``threshold``.

    Blocking by deletion neighbourhoods: two keys that differ by d insertions/deletions share a string
    reached by deleting d₁ characters from one and d₂ from the other (d₁ + d₂ = d; their longest common
    subsequence). Every key is indexed as itself and its one-character deletions; keys that may differ by
    two look up their two-character deletions among the keys themselves. So every pair that differs by at
    most 2 edits (one substituted character is 2) is a candidate — at threshold 85 that is every pair of keys
    up to 9 characters — and candidates are scored with rapidfuzz's vectorised ``process.cpdist`` with a
    score cutoff. Work and memory grow with the number of candidates, not with the square of the keys.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    index = {key: i for i, key in enumerate(keys)}
    lengths = {len(key) for key in keys}
    hashes: list[int] = []
    owners: list[int] = []
    left: list[int] = []
    right: list[int] = []
    for i, key in enumerate(keys):
        edits = max_edits(len(key), threshold)
        if edits == 0 or len(key) < 2:
            continue
        ones = _deletions(key)
        for variant in ones:
            hashes.append(hash(variant))
            owners.append(i)
            j = index.get(variant)  # key and a key one character shorter
            if j is not None:
                left.append(i)
                right.append(j)
        if edits >= 2 and len(key) > 2 and len(key) - 2 in lengths:
            for variant in ones:
                for twice in _deletions(variant):
                    j = index.get(twice)  # key and a key two characters shorter
                    if j is not None:
                        left.append(i)
                        right.append(j)
    first = np.array(left, dtype=np.int64)
    second = np.array(right, dtype=np.int64)
    if hashes:
        h = np.array(hashes, dtype=np.int64)
        o = np.array(owners, dtype=np.int64)
        order = np.argsort(h, kind="stable")
        h, o = h[order], o[order]
        change = np.flatnonzero(np.diff(h)) + 1
        starts = np.concatenate(([0], change))
        sizes = np.diff(np.concatenate((starts, [len(h)])))
        runs = {int(size): starts[sizes == size] for size in np.unique(sizes) if size > 1}
        total = sum(len(v) * int(k) * (int(k) - 1) // 2 for k, v in runs.items())
        if total + len(first) > max_candidates:
            raise DataError(
                f"the names are too alike to compare ({total + len(first):,} candidate pairs, more than "
                f"{max_candidates:,}); raise --threshold or pass --within-place"
            )
        a, b = _pair_indices(runs, np)
        first = np.concatenate((first, o[a]))
        second = np.concatenate((second, o[b]))
    if not len(first):
        return []
    lo, hi = np.minimum(first, second), np.maximum(first, second)
    keep = lo != hi
    codes = np.unique(lo[keep] * len(keys) + hi[keep])
    lo, hi = codes // len(keys), codes % len(keys)
    found: list[tuple[int, int, float]] = []
    step = 1 << 20
    for start in range(0, len(lo), step):
        a_idx, b_idx = lo[start : start + step], hi[start : start + step]
        scores = process.cpdist(
            [keys[i] for i in a_idx],
            [keys[j] for j in b_idx],
            scorer=fuzz.ratio,
            score_cutoff=threshold,
            workers=-1,
        )
        for pos in np.flatnonzero(scores >= threshold):
            found.append((int(a_idx[pos]), int(b_idx[pos]), float(scores[pos])))
    return found


def _all_pairs(keys: Sequence[str], threshold: float, max_candidates: int = 0) -> list[tuple[int, int, float]]:
    """Every pair of ``keys`` scored (rapidfuzz ``process.cdist`` in blocks of rows, with a cutoff): exact,
    and quadratic, so only for up to :data:`EXACT_LIMIT` distinct keys (and as the reference in
    bench/bench_dedupe.py)."""
    import numpy as np
    from rapidfuzz import fuzz, process

    found = []
    for start in range(0, len(keys), 512):
        block = process.cdist(
            keys[start : start + 512], keys, scorer=fuzz.ratio, score_cutoff=threshold, workers=-1
        )
        for a, b in zip(*np.nonzero(block >= max(threshold, 1e-9)), strict=True):
            i, j = start + int(a), int(b)
            if j > i:
                found.append((i, j, float(block[a, b])))
    return found


def candidate_pairs(
    enterprises: Iterable[dict[str, Any]],
    places: Sequence[str] = (),
    *,
    threshold: float = 85.0,
    within_place: bool = False,
    max_pairs: int = MAX_PAIRS,
    progress: Callable[..., None] | None = None,
) -> list[dict[str, Any]]:
    """Pairs of enterprises whose :func:`name_key` scores ≥ ``threshold`` (0–100), best first.

    Each enterprise is a mapping with ``credit_code``, ``name_zh`` and ``county_code``/``partner_id``.
    ``within_place`` compares only enterprises of the same county or partner. Identical keys pair directly;
    up to :data:`EXACT_LIMIT` distinct keys every pair is scored, above that candidates are found by blocking
    (:func:`_similar_keys`: complete for keys that differ by at most two edits, i.e. every pair of keys up to
    9 characters at the default threshold 85), so 300,000 enterprises take seconds, not hours. More than
    ``max_pairs`` pairs is an error (a list nobody can read; raise the threshold). ``progress(done,
    total)``, if given, is called with the enterprises compared so far.
    """
    items = [dict(e) for e in enterprises]
    for item in items:
        item["key"] = name_key(item["name_zh"], places)
        item["place"] = item.get("county_code") or item.get("partner_id") or ""
    groups: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        groups.setdefault(item["place"] if within_place else "", []).append(i)
    found: list[dict[str, Any]] = []

    def add(i: int, j: int, score: float) -> None:
        if len(found) >= max_pairs:
            raise DataError(
                f"more than {max_pairs:,} candidate pairs at threshold {threshold:g}: too many to review; "
                "raise --threshold, pass --within-place, or pass --max-pairs N"
            )
        first, second = items[i], items[j]
        if first["credit_code"] > second["credit_code"]:
            first, second = second, first
        found.append(
            {
                "score": round(score, 1),
                "credit_code_1": first["credit_code"],
                "name_1": first["name_zh"],
                "place_1": first["place"],
                "credit_code_2": second["credit_code"],
                "name_2": second["name_zh"],
                "place_2": second["place"],
                "key": first["key"] if first["key"] == second["key"] else f"{first['key']} ~ {second['key']}",
            }
        )

    done = 0
    for members in groups.values():
        if progress is not None:
            progress(done, len(items))
        done += len(members)
        by_key: dict[str, list[int]] = {}
        for i in members:
            if items[i]["key"]:
                by_key.setdefault(items[i]["key"], []).append(i)
        keys = list(by_key)
        similar = _all_pairs if len(keys) <= EXACT_LIMIT else _similar_keys
        for same in by_key.values():  # identical keys score 100
            for x in range(len(same)):
                for y in range(x + 1, len(same)):
                    add(same[x], same[y], 100.0)
        for a, b, score in similar(keys, threshold, max_candidates=MAX_CANDIDATES):
            for i in by_key[keys[a]]:
                for j in by_key[keys[b]]:
                    add(i, j, score)
    if progress is not None:
        progress(done, len(items))
    found.sort(key=lambda r: (-r["score"], r["credit_code_1"], r["credit_code_2"]))
    return found


def enterprise_pairs(
    conn: sqlite3.Connection,
    *,
    threshold: float = 85.0,
    within_place: bool = False,
    max_pairs: int = MAX_PAIRS,
    progress: Callable[..., None] | None = None,
) -> list[dict[str, Any]]:
    """:func:`candidate_pairs` over the registry's imported enterprises (``user_enterprises``)."""
    from chainlink.store.registry import has_table

    if not has_table(conn, "user_enterprises"):
        return []
    rows = [
        {"credit_code": c, "name_zh": n, "county_code": k, "partner_id": p}
        for c, n, k, p in conn.execute(
            "SELECT credit_code, name_zh, county_code, partner_id FROM user_enterprises ORDER BY credit_code"
        )
    ]
    return candidate_pairs(
        rows, place_names(conn), threshold=threshold, within_place=within_place, max_pairs=max_pairs,
        progress=progress,
    )
