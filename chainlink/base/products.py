"""Segment product keywords (``products:`` in chains/*.yaml): matching text and telling segments apart.

Many segments share one GB/T 4754 class (three auto-parts segments are all 3670), so a firm's or a
project's industry code alone cannot say which segment it is on. Each segment lists Chinese product
keywords naming what it makes; :func:`segments_for` uses them, with a firm name, business scope or
project name, to pick the right segment among those the code matches.

Two ways of matching, both documented in docs/chains.md:

- in free text (:func:`keyword_in_text`): the keyword occurs in the text (Latin keywords such as
  ``PCB`` case-insensitively and not inside a longer Latin word); the longest matching keyword wins;
- against a product name (:func:`product_matches`, used for ChainKnowledgeGraph products): the name
  *is* the keyword or *ends with* it. Chinese noun compounds put the head last (调节阀 is a 阀, 泵体
  is not a 泵), so the suffix rule keeps parts and uses from matching their product.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from typing import Any

from chainlink.base.industries import SEGMENT_THRESHOLD, code_match, split_codes

_LATIN = re.compile(r"^[A-Za-z0-9 .+-]+$")


def split_products(value: str | None) -> list[str]:
    """The keywords of a segment's ``products`` field (stored ``;``-joined)."""
    return split_codes(value)


def keyword_in_text(keyword: str, text: str) -> bool:
    """Whether ``keyword`` occurs in ``text``; Latin keywords case-insensitively, not inside a Latin word.

    >>> keyword_in_text("阀门", "丽水某阀门有限公司"), keyword_in_text("PCB", "多层pcb板"), keyword_in_text("PX", "SPX")
    (True, True, False)
    """
    if not keyword:
        return False
    if _LATIN.match(keyword):
        pattern = rf"(?<![A-Za-z]){re.escape(keyword)}(?![A-Za-z])"
        return re.search(pattern, text, flags=re.IGNORECASE) is not None
    return keyword in text


def product_matches(product: str, keyword: str) -> bool:
    """Whether the product name ``product`` is a ``keyword`` product: equal, or ending with it.

    >>> product_matches("调节阀", "阀"), product_matches("泵体", "泵"), product_matches("多层PCB", "pcb")
    (True, False, True)
    """
    if not keyword or not product:
        return False
    if _LATIN.match(keyword):
        return product.lower().endswith(keyword.lower())
    return product.endswith(keyword)


def best_keyword(text: str, keywords: list[str]) -> str:
    """The longest of ``keywords`` found in ``text`` (ties: the first listed), or ``""``."""
    best = ""
    for kw in keywords:
        if len(kw) > len(best) and keyword_in_text(kw, text):
            best = kw
    return best


@dataclass(frozen=True)
class SegmentMatch:
    """A segment a GB/T code (and text) lands on: code strength, the keyword that decided, if any."""

    segment: str
    strength: float
    segment_code: str
    keyword: str


class SegmentIndex:
    """Segments with their codes and product keywords, for repeated :meth:`matches` calls."""

    def __init__(self, segments: list[dict[str, Any]]) -> None:
        self.rows = [
            (s["key"], split_codes(s["gbt_codes"]), split_products(s.get("products"))) for s in segments
        ]

    @classmethod
    def from_registry(cls, registry: Any) -> SegmentIndex:
        """The index of ``registry.segments``."""
        return cls(registry.segments)

    def matches(
        self, gbt_code: str, text: str | None = None, threshold: float = SEGMENT_THRESHOLD
    ) -> list[SegmentMatch]:
        """Segments ``gbt_code`` matches at ``threshold`` or more, narrowed by ``text``.

        Without text, or when no candidate's keyword occurs in it: the candidates with the strongest
        code match. When keywords occur: only the candidates whose longest keyword found is longest
        (so 汽车空调压缩机 beats 压缩机). Sorted by segment key.
        """
        code = str(gbt_code).strip()
        cands = []
        for key, codes, products in self.rows:
            strength, seg_code = 0.0, ""
            for c in codes:
                m = code_match(code, c)
                if m > strength:
                    strength, seg_code = m, c
            if strength >= threshold:
                cands.append((key, strength, seg_code, best_keyword(text, products) if text else ""))
        if not cands:
            return []
        longest = max(len(c[3]) for c in cands)
        if longest:
            chosen = [c for c in cands if len(c[3]) == longest]
        else:
            top = max(c[1] for c in cands)
            chosen = [c for c in cands if c[1] == top]
        return [SegmentMatch(*c) for c in sorted(chosen)]


_INDEXES: weakref.WeakKeyDictionary[Any, SegmentIndex] = weakref.WeakKeyDictionary()


def segment_index(registry: Any) -> SegmentIndex:
    """The :class:`SegmentIndex` of ``registry`` (built once per registry object)."""
    try:
        index = _INDEXES.get(registry)
    except TypeError:  # not weak-referenceable: build each time
        return SegmentIndex.from_registry(registry)
    if index is None:
        index = SegmentIndex.from_registry(registry)
        _INDEXES[registry] = index
    return index


def segments_for(
    registry: Any, gbt_code: str, text: str | None = None, threshold: float = SEGMENT_THRESHOLD
) -> list[str]:
    """The segment keys a firm or project with industry ``gbt_code`` lands on.

    ``text`` (a firm name, business scope, project name…) picks among segments sharing the code by
    their product keywords: ``segments_for(reg, "3670", "汽车空调压缩机")`` → ``["auto-parts/auto-ac-parts"]``,
    while ``segments_for(reg, "3670")`` gives all three 3670 segments. See :meth:`SegmentIndex.matches`.
    """
    return [m.segment for m in segment_index(registry).matches(gbt_code, text, threshold)]


def segment_matches(
    registry: Any, gbt_code: str, text: str | None = None, threshold: float = SEGMENT_THRESHOLD
) -> list[SegmentMatch]:
    """As :func:`segments_for`, with the code strength and deciding keyword of each segment."""
    return segment_index(registry).matches(gbt_code, text, threshold)


def shared_code_groups(segments: list[dict[str, Any]]) -> dict[str, list[str]]:
    """GB/T code → the segment keys listing it, for codes on two or more segments."""
    by_code: dict[str, list[str]] = {}
    for s in segments:
        for c in split_codes(s["gbt_codes"]):
            by_code.setdefault(c, []).append(s["key"])
    return {c: keys for c, keys in sorted(by_code.items()) if len(keys) > 1}


def undistinguished(segments: list[dict[str, Any]]) -> list[str]:
    """Segments sharing a code with another segment that their products cannot tell apart.

    A segment is told apart when it has at least one keyword that no other segment sharing one of
    its codes lists. Returned sorted; the shipped chains give an empty list (a test checks it).
    """
    products = {s["key"]: set(split_products(s.get("products"))) for s in segments}
    out = set()
    for keys in shared_code_groups(segments).values():
        for key in keys:
            others = set().union(*(products[k] for k in keys if k != key))
            if not products[key] - others:
                out.add(key)
    return sorted(out)
