"""GB/T 4754-2017 codes: hierarchy helpers (codes are text: 2-digit 大类, 3-digit 中类, 4-digit 小类)."""

from __future__ import annotations

from collections.abc import Iterable


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
