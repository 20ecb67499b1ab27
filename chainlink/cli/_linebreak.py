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
tests/test_linebreak.py checks the pieces equal ``uniseg``'s own on registry and export text and
on generated mixed text.
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


@functools.lru_cache(maxsize=8192)
def _uniseg_units(piece: str) -> tuple[str, ...]:
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
