"""Unified social credit codes (统一社会信用代码, GB 32100-2015): normalise and check the check digit.

A code has 18 characters from a 31-character alphabet (digits and upper-case letters without I, O,
S, V, Z): registration authority (1), organisation type (1), the registering office's six-digit
administrative division code (6), the organisation code of GB 11714 (9) and a check digit (1).
The check digit is ``31 − (Σ cᵢ·wᵢ mod 31)`` (31 → 0) over the first 17 characters, with
weights ``wᵢ = 3ⁱ mod 31``.

>>> check_digit("91350100M000100Y4")
'3'
>>> validate("91350100m000100y43")  # the standard's own example; case is folded
'91350100M000100Y43'
"""

from __future__ import annotations

import re
import unicodedata
from operator import getitem

from chainlink.errors import BadValue

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# Per-position tables: character → value × weight (the check digit with weight 1), for quick_valid.
_TABLES = tuple({ch: v * w for ch, v in _VALUE.items()} for w in (*WEIGHTS, 1))
_SHAPE = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}")
_SEPARATORS = re.compile(r"[\s\-_.]+")


class CreditCodeError(BadValue, ValueError):
    """A code that is not a valid unified social credit code; ``problem`` and ``fix`` explain it.

    A :class:`~chainlink.errors.BadValue` (so a :class:`~chainlink.errors.ChainlinkError`), and still a
    :class:`ValueError` for callers that catch that.
    """


def check_digit(first17: str) -> str:
    """The GB 32100-2015 check digit of the first 17 characters of a code (upper case)."""
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def quick_valid(code: str) -> bool:
    """Whether ``code`` is exactly a valid code (upper case, no spaces): the fast path for imports."""
    if len(code) != 18 or not code[2:8].isdigit():
        return False
    try:
        return sum(map(getitem, _TABLES, code)) % 31 == 0
    except KeyError:
        return False


def normalise(code: str) -> str:
    """Fold full-width characters and case, drop spaces and dashes: what people type into Excel."""
    text = unicodedata.normalize("NFKC", code).upper()
    return _SEPARATORS.sub("", text)


def validate(code: str) -> str:
    """Return ``code`` normalised if it is a valid unified social credit code, else raise.

    Raises :class:`CreditCodeError` saying what is wrong (length, a character outside the
    alphabet, a non-digit division code, the check digit) and what to do.
    """
    fast = code if len(code) == 18 and _SHAPE.fullmatch(code) else None
    if fast is None:
        text = normalise(code)
        if not text:
            raise CreditCodeError("empty", "give the 18-character code from the business licence")
        if re.fullmatch(r"\d+(\.\d+)?E\+\d+", text):
            raise CreditCodeError(
                "looks like a number Excel shortened to scientific notation",
                "format the column as Text in Excel and re-enter the codes",
            )
        if len(text) != 18:
            raise CreditCodeError(
                f"has {len(text)} characters, a unified social credit code has 18",
                "copy it again from the business licence",
            )
        bad = [ch for ch in text if ch not in _VALUE]
        if bad:
            raise CreditCodeError(
                f"character {bad[0]!r} cannot occur in a unified social credit code (no I, O, S, V, Z)",
                "check for a mistyped letter (O for 0, I for 1)",
            )
        if not text[2:8].isdigit():
            raise CreditCodeError(
                "characters 3–8 must be the six-digit division code of the registering office",
                "copy the code again from the business licence",
            )
        fast = text
    expected = check_digit(fast[:17])
    if fast[17] != expected:
        raise CreditCodeError(
            f"check digit is {fast[17]!r} but should be {expected!r} (GB 32100-2015)",
            "a character is mistyped: compare the code with the business licence",
        )
    return fast


def is_valid(code: str) -> bool:
    """Whether ``code`` is a valid unified social credit code (after :func:`normalise`)."""
    try:
        validate(code)
    except CreditCodeError:
        return False
    return True


def complete(first17: str) -> str:
    """``first17`` with its check digit appended (for test data and examples)."""
    body = normalise(first17)
    return body + check_digit(body)
