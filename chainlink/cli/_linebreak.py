"""UAX #14 line-break units, fast for Chinese text: the same pieces as ``uniseg`` at a fraction of the cost.

``uniseg`` walks every character through its rule engine (≈ 30 µs a character here), which made
wrapping one ``match`` table and its explanations cost more than the scoring. Between two Han
ideographs (line-break class ID, U+3400–U+4DBF and U+4E00–U+9FFF) UAX #14 always allows a break
(LB31), and no rule looks across such a pair: the rules with a context longer than two characters
(LB14–LB17 over spaces, LB15a/b and LB19a around quotation marks, LB21a, LB25 numbers, LB28a,
LB30a) only span characters of other classes. So the text is cut at every ideograph–ideograph
boundary, runs of ideographs become one unit per character, and ``uniseg`` decides only inside the
remaining mixed pieces (memoised: pieces such as ``业“时`` repeat). English text is cut the same way
at the start of each word that follows spaces after a letter or digit (see :func:`_word_start`).
The mixed pieces themselves are decided here too when every character in them is one of the
≈ 200 whose line-break class is listed in :data:`CLASSES` (ASCII, Chinese punctuation, the pinyin
and symbols the registry uses): :func:`_pair_units` applies the UAX #14 rules that can involve
those classes, in uniseg's order and with its reading of each rule (uniseg 0.10, Unicode 16).
Importing uniseg costs ≈ 0.04–0.1 s of start-up (its package imports ``importlib.metadata``), so it
is imported only for a piece holding another character. tests/test_linebreak.py checks the
pieces equal ``uniseg``'s own on registry and export text and on generated mixed text, and every
entry of :data:`CLASSES` against uniseg's tables.
"""

from __future__ import annotations

import functools


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _word_start(text: str, i: int) -> bool:
    """Is ``i`` the start of an ASCII word after spaces that follow an ASCII letter or digit (``"a  b"``)?

    UAX #14 breaks there (LB18, SP ÷), and no rule looks across it: the rules spanning spaces (LB8,
    LB14–LB17) need ZW, OP, a quotation mark, CL/CP or B2 before the spaces, and the rules looking
    back from a later position (LB20a, LB21a, LB25 numbers, LB30a) stop at the letter.
    """
    if not ("a" <= text[i] <= "z" or "A" <= text[i] <= "Z") or text[i - 1] != " ":
        return False
    j = i - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    return j >= 0 and text[j].isascii() and text[j].isalnum()


# Line-break classes (UAX #14, after rule LB1 resolves AI to AL) of the characters decided here, and
# which of them are East Asian wide (East_Asian_Width F, W or H: rules LB19a and LB30 ask).
# Han ideographs (ID, wide) are told by range (:func:`_is_han`).
_NARROW = {
    "AL": "#&*<=>@ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz~©àáèéìíòóùúāēěīōūǎǐǒǔβüµ"
    "·²Ⅲ→↔≤≥─×÷§¶",
    "B2": "—",
    "BA": "|–",
    "CL": "}",
    "CP": ")]",
    "EX": "!?",
    "HY": "-",
    "IN": "…",
    "IS": ",.:;",
    "NU": "0123456789",
    "OP": "([{",
    "PO": "%℃°",
    "PR": "$+\\±",
    "QU": "\"'‘’“”«»‹›",
    "SP": " ",
    "SY": "/",
}
_WIDE = {
    "CL": "、。》」〕），］】』〉．｝",
    "EX": "！？",
    "ID": "－～＋＃＆／＜＞＝＠＼＾＿｀｜〇",
    "NS": "：；々",
    "OP": "《「〔（［【『〈｛",
    "PO": "％",
}
CLASSES: dict[str, str] = {ch: cls for table in (_NARROW, _WIDE) for cls, chars in table.items() for ch in chars}
_EAST_ASIAN = frozenset("".join(_WIDE.values()))
_INITIAL_QUOTES = frozenset("‘“«‹")  # general category Pi
_FINAL_QUOTES = frozenset("’”»›")  # general category Pf


def _class(ch: str) -> str | None:
    return "ID" if _is_han(ch) else CLASSES.get(ch)


def _wide(text: str, i: int) -> bool:
    return 0 <= i < len(text) and (_is_han(text[i]) or text[i] in _EAST_ASIAN)


def _no_break(text: str, c: list[str], i: int) -> bool:
    """May UAX #14 not break before ``text[i]`` (0 < i < len)? The rules, in order, that can apply to the
    classes of :data:`CLASSES` (the others need characters that are never decided here)."""
    n = len(c)
    prev, curr = c[i - 1], c[i]
    nxt = c[i + 1] if i + 1 < n else None
    if curr == "SP":  # LB7
        return True
    if curr in ("CL", "CP", "EX", "SY"):  # LB13
        return True
    p = i  # the start of the spaces before i (LB14–LB17 look across them)
    while p > 0 and c[p - 1] == "SP":
        p -= 1
    before = c[p - 1] if p > 0 else None
    if before == "OP":  # LB14
        return True
    if p > 0 and text[p - 1] in _INITIAL_QUOTES and (  # LB15a
        p == 1 or (c[p - 1] == "QU" and c[p - 2] in ("OP", "QU", "SP"))
    ):
        return True
    if curr == "QU" and text[i] in _FINAL_QUOTES and (  # LB15b
        i == n - 1 or nxt in ("SP", "CL", "QU", "CP", "EX", "IS", "SY")
    ):
        return True
    if prev == "SP" and curr == "IS" and nxt == "NU":  # LB15c
        return False
    if curr == "IS":  # LB15d
        return True
    if before in ("CL", "CP") and curr == "NS":  # LB16
        return True
    if before == "B2" and curr == "B2":  # LB17
        return True
    if prev == "SP":  # LB18
        return False
    if (curr == "QU" and text[i] not in _INITIAL_QUOTES) or (  # LB19
        prev == "QU" and text[i - 1] not in _FINAL_QUOTES
    ):
        return True
    if (curr == "QU" and (not _wide(text, i - 1) or not _wide(text, i + 1))) or (  # LB19a
        prev == "QU" and (not _wide(text, i) or i == 1 or not _wide(text, i - 2))
    ):
        return True
    if prev == "HY" and curr == "AL" and (i == 1 or c[i - 2] == "SP"):  # LB20a (no U+2010 here)
        return True
    if curr in ("BA", "HY", "NS"):  # LB21
        return True
    if curr == "IN":  # LB22
        return True
    if (prev == "AL" and curr == "NU") or (prev == "NU" and curr == "AL"):  # LB23
        return True
    if (prev == "PR" and curr == "ID") or (prev == "ID" and curr == "PO"):  # LB23a
        return True
    if (prev in ("PR", "PO") and curr == "AL") or (prev == "AL" and curr in ("PR", "PO")):  # LB24
        return True
    if _lb25(c, i, prev, curr, nxt):
        return True
    if prev == "AL" and curr == "AL":  # LB28
        return True
    if prev == "IS" and curr == "AL":  # LB29
        return True
    return (prev in ("AL", "NU") and curr == "OP" and not _wide(text, i)) or (  # LB30
        prev == "CP" and not _wide(text, i - 1) and curr in ("AL", "NU")
    )


def _lb25(c: list[str], i: int, prev: str, curr: str, nxt: str | None) -> bool:
    """LB25 (numbers), as uniseg reads it: NU (SY|IS)* (CL|CP)? × (PO|PR); (PO|PR) × OP NU, OP IS NU, NU;
    (HY|IS) × NU; NU (SY|IS)* × NU."""

    def number_before(j: int) -> bool:  # c[:j] ends with NU (SY|IS)*
        while j > 0 and c[j - 1] in ("SY", "IS"):
            j -= 1
        return j > 0 and c[j - 1] == "NU"

    if curr in ("PO", "PR") and ((prev in ("CL", "CP") and number_before(i - 1)) or number_before(i)):
        return True
    if prev in ("PO", "PR") and (
        (curr == "OP" and (nxt == "NU" or (nxt == "IS" and i + 2 < len(c) and c[i + 2] == "NU")))
        or curr == "NU"
    ):
        return True
    return curr == "NU" and (prev in ("HY", "IS") or number_before(i))


def _pair_units(piece: str, classes: list[str]) -> tuple[str, ...]:
    """The UAX #14 units of ``piece``, every character of which has a class in ``classes``."""
    units = []
    start = 0
    for i in range(1, len(piece)):
        if not _no_break(piece, classes, i):
            units.append(piece[start:i])
            start = i
    units.append(piece[start:])
    return tuple(units)


@functools.lru_cache(maxsize=8192)
def _uniseg_units(piece: str) -> tuple[str, ...]:
    classes = [_class(ch) for ch in piece]
    if None not in classes:
        return _pair_units(piece, classes)  # type: ignore[arg-type]
    from uniseg.linebreak import line_break_units

    return tuple(line_break_units(piece))


def line_break_units(text: str) -> list[str]:
    """The UAX #14 line-break units of ``text`` (joined they give ``text``), as
    ``uniseg.linebreak.line_break_units`` returns them.

    >>> line_break_units("阀门（3443）环节，可强链")
    ['阀', '门', '（3443）', '环', '节，', '可', '强', '链']
    """
    units: list[str] = []
    start = 0
    n = len(text)
    i = 1
    while i <= n:
        if i == n or (_is_han(text[i - 1]) and _is_han(text[i])) or _word_start(text, i):
            piece = text[start:i]
            if len(piece) == 1:
                units.append(piece)
            else:
                units.extend(_uniseg_units(piece))
            start = i
        i += 1
    return units
