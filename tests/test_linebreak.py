"""The fast line-break units (chainlink/cli/_linebreak.py) are exactly uniseg's (UAX #14)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from uniseg.linebreak import line_break_units as uniseg_units

from chainlink.cli._linebreak import line_break_units

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
