"""Round trips (hypothesis): rows → file → import → `chainlink imported` → import → export is identical.

For each format (csv, tsv, json, ndjson, xlsx): generated rows are written with chainlink's own writers
(``render``, ``workbook_bytes``), imported into registry A, exported from A (E1), E1 is imported into a
second registry B and exported again (E2). E1 and E2 must be identical (byte for byte for text formats,
cell for cell for xlsx), and A must hold exactly the generated rows, normalised. Names include the
characters that break naive CSV and Excel handling: quotes, delimiters, newlines, = + - @ and '.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainlink.base.credit import ALPHABET, complete
from chainlink.base.output import render
from chainlink.imports import KINDS, columns_of, import_file, user_rows
from chainlink.outputs.xlsx import Sheet, workbook_bytes

FORMATS = ["csv", "tsv", "json", "ndjson", "xlsx"]
SUFFIX = {"csv": ".csv", "tsv": ".tsv", "json": ".json", "ndjson": ".ndjson", "xlsx": ".xlsx"}
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def world(shared_mini_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("roundtrip")
    a, b = folder / "a.db", folder / "b.db"
    shutil.copyfile(shared_mini_db, a)
    # Every import checks the whole file first (SQLite's quick_check, before anything is written): the
    # input-output tables, which no import reads, are emptied so that the 360 imports check half the pages.
    slim = sqlite3.connect(a)
    with slim:
        for table in ("io_flows", "io_relatedness"):
            slim.execute(f"DELETE FROM [{table}]")
    slim.execute("VACUUM")
    slim.close()
    shutil.copyfile(a, b)
    conn = sqlite3.connect(shared_mini_db)
    world = {
        "folder": folder,
        "a": a,
        "b": b,
        "counties": conn.execute("SELECT code, name_zh FROM counties ORDER BY code").fetchall(),
        "codes": [r[0] for r in conn.execute("SELECT code FROM industries WHERE level > 1 ORDER BY code")],
        "segments": [r[0] for r in conn.execute("SELECT key FROM segments ORDER BY key")],
        "partners": [r[0] for r in conn.execute("SELECT id FROM partners ORDER BY id")],
    }
    conn.close()
    return world


TRICKY = "青田华峰鞋业有限公司浙江=+-@'\",;\t\n |/（）ABCabc0123"
text = st.text(alphabet=TRICKY, min_size=1, max_size=40).map(str.strip).filter(bool)
credit = st.builds(
    lambda head, division, tail: complete(head + division + tail),
    st.text(ALPHABET, min_size=2, max_size=2),
    st.text("0123456789", min_size=6, max_size=6),
    st.text(ALPHABET, min_size=9, max_size=9),
)


def clear(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA synchronous = OFF")  # set-up between examples: no need to wait for the disk
    for name, *_ in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'user_%'"
    ):
        conn.execute(f"DELETE FROM [{name}]")
    conn.commit()
    conn.close()


def write(path: Path, rows: list[dict[str, Any]], columns: list[str], fmt: str) -> Path:
    if fmt == "xlsx":
        path.write_bytes(workbook_bytes([Sheet("data", columns, rows)]))
    else:
        path.write_text(render(rows, columns, fmt, escape_formulas=True), encoding="utf-8", newline="")
    return path


def exported(db: Path, kind: str, fmt: str) -> tuple[list[dict[str, Any]], bytes]:
    conn = sqlite3.connect(db)
    rows = user_rows(conn, kind)
    conn.close()
    columns = columns_of(kind)
    if fmt == "xlsx":
        return rows, workbook_bytes([Sheet("data", columns, rows)])
    return rows, render(rows, columns, fmt, escape_formulas=True).encode("utf-8")


def xlsx_values(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return [[c.value for c in row] for row in book.worksheets[0].iter_rows()]


def round_trip(world: dict[str, Any], kind: str, rows: list[dict[str, Any]], columns: list[str], fmt: str):
    a, b, folder = world["a"], world["b"], world["folder"]
    clear(a)
    clear(b)
    source = write(folder / f"in{SUFFIX[fmt]}", rows, columns, fmt)
    report = import_file(kind, source, a, wal=False)
    assert report.rows_rejected == 0 and report.inserted == len(rows), report.errors[:3]
    got_a, e1 = exported(a, kind, fmt)
    first = folder / f"e1{SUFFIX[fmt]}"
    first.write_bytes(e1)
    again = import_file(kind, first, b, wal=False)
    assert again.inserted == len(rows)
    got_b, e2 = exported(b, kind, fmt)
    assert got_a == got_b
    if fmt == "xlsx":
        assert xlsx_values(e1) == xlsx_values(e2)
    else:
        assert e1 == e2
    assert import_file(kind, first, b, wal=False).unchanged == len(rows), "re-import changes nothing"
    return got_a


@st.composite
def enterprises(draw: st.DrawFn, world: dict[str, Any]) -> list[dict[str, Any]]:
    counties = world["counties"]
    rows = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "credit_code": credit,
                    "name_zh": text,
                    "county": st.sampled_from(counties),
                    "by_name": st.booleans(),
                    "gbt": st.lists(st.sampled_from(world["codes"]), min_size=1, max_size=3, unique=True),
                    "segment_key": st.sampled_from(["", *world["segments"][:20]]),
                    "size": st.sampled_from(["", "large", "medium", "small", "micro"]),
                    "chain_leader": st.sampled_from([0, 1]),
                    "source": st.one_of(st.just(""), text.filter(lambda s: s != "unverified")),
                    "confidence": st.sampled_from(["sourced", "sample"]),
                }
            ),
            min_size=1,
            max_size=8,
            unique_by=lambda r: r["credit_code"],
        )
    )
    out = []
    for r in rows:
        code, name = r["county"]
        out.append(
            {
                "credit_code": r["credit_code"],
                "name_zh": r["name_zh"],
                "county_code": name if r["by_name"] else code,
                "gbt_codes": ";".join(r["gbt"]),
                "segment_key": r["segment_key"],
                "size": r["size"],
                "chain_leader": r["chain_leader"],
                "source": r["source"],
                "confidence": r["confidence"],
                "_county": code,
            }
        )
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_enterprises_round_trip(world: dict[str, Any], fmt: str) -> None:
    columns = [c for c in KINDS["enterprises"].names if c not in ("id", "partner_id")]

    @SETTINGS
    @given(enterprises(world))
    def check(rows: list[dict[str, Any]]) -> None:
        got = round_trip(world, "enterprises", rows, columns, fmt)
        by_code = {r["credit_code"]: r for r in got}
        for r in rows:
            row = by_code[r["credit_code"]]
            assert row["id"] == r["credit_code"]
            assert row["name_zh"] == r["name_zh"]
            assert row["county_code"] == r["_county"]
            assert row["gbt_codes"] == r["gbt_codes"]
            assert (row["segment_key"], row["size"], row["chain_leader"]) == (
                r["segment_key"],
                r["size"],
                r["chain_leader"],
            )
            assert row["source"] == (r["source"] or f"import of in{SUFFIX[fmt]}")
            assert row["confidence"] == r["confidence"]

    check()


amount = st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False, allow_infinity=False))


@st.composite
def projects(draw: st.DrawFn, world: dict[str, Any]) -> list[dict[str, Any]]:
    rows = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "id": st.one_of(st.just(""), st.from_regex(r"[A-Z]{2}[0-9]{1,6}", fullmatch=True)),
                    "name_zh": text,
                    "name_en": st.one_of(st.just(""), text),
                    "kind": st.sampled_from(["", "transfer", "co_construction", "enclave_park"]),
                    "origin_id": st.sampled_from(["", *world["partners"]]),
                    "county_code": st.sampled_from(["", *(c for c, _ in world["counties"])]),
                    "gbt_codes": st.lists(
                        st.sampled_from(world["codes"]), min_size=1, max_size=2, unique=True
                    ).map(";".join),
                    "investment_wan": amount,
                    "land_mu": amount,
                    "energy_tce": amount,
                    "added_value_wan": amount,
                    "tax_wan": amount,
                    "pollution": st.sampled_from(["", "low", "medium", "high"]),
                    "status": st.sampled_from(
                        ["lead", "negotiating", "signed", "started", "producing", "unknown"]
                    ),
                    "year": st.one_of(st.none(), st.integers(1990, 2040)),
                    "sponsor": st.one_of(st.just(""), text),
                    "source": text.filter(lambda s: s != "unverified"),
                    "confidence": st.sampled_from(["sourced", "unverified", "sample"]),
                    "note": st.one_of(st.just(""), text),
                }
            ),
            min_size=1,
            max_size=6,
            unique_by=(lambda r: r["name_zh"], lambda r: r["id"] or r["name_zh"]),
        )
    )
    return rows


@pytest.mark.parametrize("fmt", FORMATS)
def test_projects_round_trip(world: dict[str, Any], fmt: str) -> None:
    columns = [c for c in KINDS["projects"].names if c not in ("platform", "segment_key")]

    @SETTINGS
    @given(projects(world))
    def check(rows: list[dict[str, Any]]) -> None:
        got = {r["name_zh"]: r for r in round_trip(world, "projects", rows, columns, fmt)}
        for r in rows:
            row = got[r["name_zh"]]
            for key, value in r.items():
                if key == "id":
                    continue
                if fmt == "xlsx" and isinstance(value, float):
                    # xlsx keeps 15 significant digits, Excel's precision
                    assert row[key] == pytest.approx(value, rel=1e-14), (key, row[key], value)
                else:
                    assert row[key] == value, (key, row[key], value)
            assert row["id"] == (r["id"] or row["id"]) and row["id"]

    check()
