"""CSV and TSV cells read back as written: ``render(..., escape_formulas=True)`` calls :func:`escape_formula`
only on text that begins with a formula character or an apostrophe (the cells are those of the plain definition,
escape_formula on every text cell), and a cell holding a carriage return is quoted (a reader would end the row
there: the csv module quotes only the line terminator's characters, and the terminator is "\n")."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from chainlink.base.output import FORMULA_PREFIXES, _cell, escape_formula, render

TEXT = st.text(alphabet=st.sampled_from([*FORMULA_PREFIXES, "'", "1", ".", "a", "青", " ", "e"]), max_size=6)
VALUE = st.one_of(TEXT, st.lists(TEXT, max_size=3), st.integers(-5, 5), st.floats(-2, 2), st.booleans(), st.none())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(VALUE, VALUE), min_size=1, max_size=4), st.sampled_from(["csv", "tsv"]))
def test_escaped_cells_are_the_plain_definition(rows: list[tuple[object, object]], fmt: str) -> None:
    dicts = [{"a": a, "b": b} for a, b in rows]
    got = list(csv.reader(io.StringIO(render(dicts, ["a", "b"], fmt, escape_formulas=True), newline=""),
                          delimiter="," if fmt == "csv" else "\t"))  # fmt: skip

    def plain(v: object) -> str:
        text = _cell(v)
        return escape_formula(text) if isinstance(v, (str, list, tuple)) else text

    assert got == [["a", "b"], *([plain(a), plain(b)] for a, b in rows)]


def test_a_carriage_return_is_quoted() -> None:
    text = render([{"a": "x\ry", "b": 1}, {"a": "z", "b": 2}], ["a", "b"], "csv")
    assert text == 'a,b\n"x\ry",1\nz,2\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [["a", "b"], ["x\ry", "1"], ["z", "2"]]
