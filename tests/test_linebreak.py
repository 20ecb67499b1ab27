"""The fast line-break units (chainlink/cli/_linebreak.py) are exactly uniseg's (UAX #14)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from uniseg.linebreak import line_break_units as uniseg_units

from chainlink.cli._linebreak import (
    _EAST_ASIAN,
    _FINAL_QUOTES,
    _INITIAL_QUOTES,
    CLASSES,
    _class,
    _pair_units,
    line_break_units,
)

ROOT = Path(__file__).resolve().parent.parent
# Han, CJK and ASCII punctuation, quotes, digits, letters, spaces, and the characters with odd
# line-break classes (NS 々, combining mark, ZWSP, word joiner, NBSP, ideographic space, emoji, flags).
ALPHABET = list(
    "阀门环节可强链产业（）()“”‘’「」《》【】，。、；：！？—…·-/ .,;:!?%$¥0123456789abcXYZ\u3000\t々〇ー가"
    "\u200b\u2060\u0301\u00a0"
) + ["\U0001f600", "\U0001f1e8\U0001f1f3", "\u3400", "\u9fff", " a", "  Z", "0 b", "(a "]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=30).map("".join))
def test_same_units_as_uniseg_on_mixed_text(text: str) -> None:
    assert line_break_units(text) == list(uniseg_units(text))


def test_same_units_as_uniseg_on_registry_text() -> None:
    con = sqlite3.connect(ROOT / "registry.db")
    try:
        texts = [
            r[0]
            for table in ("characteristic_industries", "partner_industries", "segments", "sources")
            for r in con.execute(f"SELECT * FROM [{table}] LIMIT 8")
            for r in [[v] for v in r if isinstance(v, str) and 0 < len(v) <= 120]
        ]
    finally:
        con.close()
    assert len(texts) > 80
    for text in texts:
        assert line_break_units(text) == list(uniseg_units(text)), text


def test_han_runs_are_one_unit_per_character() -> None:
    assert line_break_units("山海协作") == ["山", "海", "协", "作"]
    assert "".join(line_break_units("投入产出关联0.74（2020年）。")) == "投入产出关联0.74（2020年）。"
    assert line_break_units("has 'valves' (3443, same class)") == list(uniseg_units("has 'valves' (3443, same class)"))


# The characters whose line-break class chainlink/cli/_linebreak.py knows (CLASSES), weighted towards
# the classes whose rules look further than one character: quotes, spaces, numbers and their
# separators, opening and closing punctuation, hyphens and dashes.
KNOWN = list(CLASSES) + list("阀门环节")
TRICKY = list(" \"'‘’“”«»()（）《》[]{}0123456789.,:;/%％$+-–—…|·：；、。！？a阀")


def test_classes_are_uniseg_classes() -> None:
    """Every listed class and East Asian width is uniseg's (with rule LB1: AI resolves to AL)."""
    from uniseg.linebreak import line_break
    from uniseg.unicodedatawrapper import category, east_asian_width

    for ch, cls in CLASSES.items():
        expected = str(line_break(ch).value)
        assert cls == ("AL" if expected == "AI" else expected), ch
        assert (ch in _EAST_ASIAN) == (str(east_asian_width(ch).value) in ("F", "W", "H")), ch
        assert (ch in _INITIAL_QUOTES) == (str(category(ch).value) == "Pi"), ch
        assert (ch in _FINAL_QUOTES) == (str(category(ch).value) == "Pf"), ch
    assert {"AL", "NU", "SP", "OP", "CL", "CP", "QU", "IS", "SY", "HY", "BA", "B2", "PO", "PR", "NS"} <= set(
        CLASSES.values()
    )


@settings(max_examples=600, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(TRICKY), min_size=2, max_size=10).map("".join))
def test_known_characters_decided_without_uniseg_tricky(text: str) -> None:
    assert list(_pair_units(text, [_class(ch) for ch in text])) == list(uniseg_units(text))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(KNOWN), min_size=1, max_size=12).map("".join))
def test_known_characters_decided_without_uniseg(text: str) -> None:
    assert list(_pair_units(text, [_class(ch) for ch in text])) == list(uniseg_units(text))


def test_rules_on_known_characters() -> None:
    """Hand-checked cases, one per rule that can apply (UAX #14, Unicode 16), against uniseg as well."""
    cases = {
        "a (b)": ["a ", "(b)"],  # LB7 no break before a space, LB18 after it; LB30 a(; LB13 before )
        "“阀门”，": ["“阀", "门”，"],  # LB19/LB19a: no break after “ or before ”, nor before ，(LB13)
        "( a": ["( a"],  # LB14 OP SP* ×
        "x .5": ["x ", ".5"],  # LB15c SP ÷ IS NU
        "）：": ["）："],  # LB16 CL × NS
        "——": ["——"],  # LB17 B2 × B2
        "-abc": ["-abc"],  # LB20a word-initial hyphen
        "a-b": ["a-", "b"],  # LB21 × HY, then a break after it
        "$12.50%": ["$12.50%"],  # LB25 numbers with prefix and postfix
        "2020年）。": ["2020", "年）。"],  # LB23a/LB31 NU ÷ ID; LB13
        "1,381": ["1,381"],  # LB25 NU IS × NU
    }
    for text, units in cases.items():
        assert list(_pair_units(text, [_class(ch) for ch in text])) == units == list(uniseg_units(text)), text


def test_match_output_imports_neither_uniseg_nor_rich() -> None:
    """`match` in Chinese and English is laid out without importing uniseg or rich."""
    import subprocess
    import sys

    code = (
        "import sys, io, contextlib\n"
        "from chainlink.cli import main\n"
        "for lang in ('zh', 'en'):\n"
        "    sys.argv = ['chainlink', 'match', '青田', '--lang', lang]\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            main()\n"
        "        except SystemExit:\n"
        "            pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('uniseg', 'rich'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**__import__("os").environ, "COLUMNS": "80"})
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
