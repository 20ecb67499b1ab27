"""`wrap` adds up the cells of a line piece by piece; it must break exactly where measuring the whole
line every time (the plain definition, kept here as the reference) breaks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chainlink.cli._output import break_units, cell_len, wrap

# known widths (ASCII, Han, fullwidth punctuation, pinyin), whitespace of every kind, and characters
# whose width only rich knows (emoji, combining marks, kana, the ideographic space)
ALPHABET = st.sampled_from(
    list("ab 1-/.,。，、（）：“”中文产业链县") + ["ǎ", "—", "\u3000", "\t", "😀", "e\u0301", "カ", "Ａ", "  "]
)


def reference_wrap(text: str, width: int, indent: int = 0) -> list[str]:
    out: list[str] = []
    for para in text.split("\n"):
        if cell_len(para) <= width:
            out.append(para.rstrip())
            continue
        current = ""
        for unit in break_units(para):
            if current.strip() and cell_len((current + unit).rstrip()) > width:
                out.append(current.rstrip())
                current = " " * indent + unit.lstrip(" ")
            else:
                current += unit
        out.append(current.rstrip())
    return out


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=120).map("".join), st.integers(4, 60), st.integers(0, 4))
def test_wrap_breaks_where_the_whole_line_measure_does(text: str, width: int, indent: int) -> None:
    assert wrap(text, width, indent) == reference_wrap(text, width, indent)


def test_a_long_mixed_explanation() -> None:
    text = ("青田县特色产业“时尚鞋服”与丽水经开区的 zone_pair 结对 (2021-2025)，可承接 3443 阀门制造；"
            "see https://example.org/a-very-long-path/with-parts 之后再说。") * 3
    for width in (20, 37, 60, 80):
        assert wrap(text, width, 3) == reference_wrap(text, width, 3)
