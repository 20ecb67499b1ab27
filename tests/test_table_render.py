"""The plain table renderer and width detection (chainlink/cli/_output.py) give exactly what rich gives.

``render_table`` lays tables out without importing rich's console and table; these tests render the
same wrapped cells through rich itself (``_rich_table``) and compare the text byte for byte, and compare
``terminal_width`` with rich's ``Console().width`` under the environments that decide it.
"""

from __future__ import annotations

import io
import os
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainlink.cli import _output
from chainlink.cli._output import _column_widths, _plain_fits, _plain_table, _rich_table, render_table, wrap

# Han, CJK and ASCII punctuation, spaces, digits, letters, wide and ambiguous-width characters, an emoji,
# a combining accent, and newlines (a cell of several lines; a trailing one gives an empty last line).
ALPHABET = list("阀门环节可强链（）“”，。、：—…·①-/ .,:()0123456789abcXYZāǚ\n\u3000\u0301") + [
    "\U0001f600", "Pumps and valves", "https://example.com/a-b", "",
]
CELL = st.lists(st.sampled_from(ALPHABET), max_size=12).map("".join)


def _layout(rows: list[list[str]], heads: list[str], width: int):  # noqa: ANN202
    cells = [[heads[i]] + [r[i] for r in rows] for i in range(len(heads))]
    widths = _column_widths(cells, width)
    head = [wrap(h, w) for h, w in zip(heads, widths, strict=True)]
    body = [[wrap(c, w) for c, w in zip(r, widths, strict=True)] for r in rows]
    return head, body, widths


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.integers(1, 4).flatmap(
        lambda n: st.tuples(
            st.lists(CELL, min_size=n, max_size=n),
            st.lists(st.lists(CELL, min_size=n, max_size=n), min_size=1, max_size=5),
        )
    ),
    st.integers(20, 120),
)
def test_plain_table_is_richs_table(case: tuple[list[str], list[list[str]]], width: int) -> None:
    heads, rows = case
    head, body, widths = _layout(rows, heads, width)
    if _plain_fits([head, *body], widths):
        assert _plain_table(head, body, widths) == _rich_table(head, body, widths, width)


def test_plain_table_on_registry_like_rows() -> None:
    rows = [
        ["1", "0.815", "延链", "智能控制阀", "泵阀产业链", "平湖", "未核实"],
        ["2", "0.777", "related", "Leather goods, bags and cases", "Synthetic leather, footwear and fashion",
         "Ningbo Economic and Technological Development Zone", "sourced"],
        ["10", "", "强链", "合成革—鞋服时尚产业链" * 3, "https://www.zj.gov.cn/art/2021/7/1/art_1229019365.html",
         "x", "sample"],
    ]
    heads = ["#", "得分", "type", "环节", "chain", "partner", "可信度"]
    for width in (20, 40, 60, 80, 100, 160, 200):
        head, body, widths = _layout(rows, heads, width)
        assert _plain_fits([head, *body], widths)
        assert _plain_table(head, body, widths) == _rich_table(head, body, widths, width)


def test_cells_rich_would_change_go_through_rich() -> None:
    """A tab or another control character, or a line wider than its column: rich renders them."""
    for cell in ("a\tb", "bell\x07", "cr\rx"):
        head, body, widths = _layout([[cell, "x"]], ["a", "b"], 80)
        assert not _plain_fits([head, *body], widths)
    assert not _plain_fits([[["abcdef"]]], [3])
    text = render_table([{"a": "a\tb", "b": "x"}], ["a", "b"], width=80)
    head, body, widths = _layout([["a\tb", "x"]], ["a", "b"], 80)
    assert text == _rich_table(head, body, widths, 80)


def test_render_table_title_rows_and_notices() -> None:
    text = render_table([{"a": "阀门", "b": 1.5}], ["a", "b"], title="标题", notices=["注意"], width=40)
    assert text == "标题\na      b    \n────────────\n阀门   1.500\n注意\n"  # padded to the table's width
    assert render_table([], ["a"], title="T", width=40) == "T\n(no rows)\n"
    assert render_table([{"a": 1}], [], width=40) == "\n"  # no columns: what rich prints


ENVIRONMENTS = [
    {},
    {"COLUMNS": "132"},
    {"COLUMNS": "132", "LINES": "40"},
    {"COLUMNS": "0"},
    {"COLUMNS": "abc"},
    {"COLUMNS": "9"},
    {"TERM": "dumb"},
    {"TERM": "dumb", "COLUMNS": "132"},
    {"TERM": "unknown", "COLUMNS": "132", "TTY_COMPATIBLE": "1"},
    {"TERM": "dumb", "COLUMNS": "132", "FORCE_COLOR": "1"},
    {"TERM": "dumb", "COLUMNS": "132", "FORCE_COLOR": ""},
    {"TERM": "dumb", "COLUMNS": "132", "TTY_COMPATIBLE": "0", "FORCE_COLOR": "1"},
    {"TERM": "dumb", "COLUMNS": "132", "LINES": "10"},
]


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("tty", [False, True])
@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_terminal_width_is_richs(env: dict[str, str], tty: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    for name in ("COLUMNS", "LINES", "TERM", "TTY_COMPATIBLE", "FORCE_COLOR", "JUPYTER_COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "stdout", _Tty() if tty else io.StringIO())
    assert _output.terminal_width() == max(20, Console().width)


def test_terminal_width_from_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """No COLUMNS: the first standard stream that is a terminal tells the width, as in rich."""
    from rich.console import Console

    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
    monkeypatch.setattr(os, "get_terminal_size", lambda fd: os.terminal_size((101 + fd, 30)))
    assert _output.terminal_width() == Console().width == 101


def test_cell_len_is_richs_in_every_unicode_version() -> None:
    """The characters counted without rich have rich's width in each of its Unicode tables."""
    from rich._unicode_data import load
    from rich._unicode_data._versions import VERSIONS
    from rich.cells import get_character_cell_size

    known = [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0x4E00, 0x9FA6)]
    known += [chr(c) for c in range(0x3400, 0x4DB6)] + sorted(_output._WIDE_PUNCTUATION) + sorted(_output._NARROW)
    for version in VERSIONS:
        load(version)
        get_character_cell_size.cache_clear()
        for ch in known:
            assert _output.cell_len(ch) == get_character_cell_size(ch, version), (version, ch)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(ALPHABET + ["\t", "\x07", "é", "\u200b", "①"]), max_size=15).map("".join))
def test_cell_len_is_richs(text: str) -> None:
    from rich.cells import cell_len

    assert _output.cell_len(text) == cell_len(text)
