"""`chainlink report`: golden HTML, determinism, self-containment, --all, --pair, Markdown, errors."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainlink.cli import app

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("CHAINLINK_UPDATE_GOLDEN") == "1"
DATE = "2026-01-02"


@pytest.fixture(scope="module")
def model(real_db: Path):
    from chainlink.scoring.model import Model
    from chainlink.scoring.presets import load_preset
    from chainlink.store.registry import Registry

    return Model(Registry.open(real_db), load_preset("default"))


@pytest.fixture(scope="module")
def run_cache() -> dict:
    """What one `report` run shares between its pages (the backtest), shared here by this module's pages."""
    return {}


@pytest.fixture(scope="module")
def page(model, run_cache: dict) -> str:
    """Qingtian's page, rendered once for the tests that read it."""
    from chainlink.report import render_page

    return render_page(model, "331121", date=DATE, cache=run_cache)


def normalise(text: str) -> str:
    """Drop the inlined ECharts library (checked separately), the registry hash and the date line."""
    from chainlink.report.html import echarts_js

    assert text.count(echarts_js()) == 1
    text = text.replace(echarts_js(), "/* echarts */")
    # the registry hash changes with any data edit; the golden is about the page, not the data version
    text = re.sub(r"<code>[0-9a-f]{64}</code>", "<code>REGISTRY-HASH</code>", text)
    return text.replace(DATE, "DATE")


def test_golden_county_html(page: str) -> None:
    text = normalise(page)
    path = GOLDEN / "report_qingtian.html"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"report differs from {path}"


def test_same_input_same_bytes_except_the_date(model, page: str) -> None:
    from chainlink.report import render_page

    # a run of its own (its own backtest) against the module's page, rendered by another run
    a = page
    b = render_page(model, "331121", date="2027-12-31", cache={})
    assert a != b
    assert a.replace("2026-01-02", "D") == b.replace("2027-12-31", "D")


def test_page_is_self_contained(page: str) -> None:
    text = normalise(page)  # (the library itself is ECharts' published build)
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    # nothing is loaded from anywhere: no src= attributes, no stylesheet links, no CSS url()
    assert not re.search(r"<(script|img|iframe|link)\b[^>]*\b(src|href)=", text)
    assert "url(" not in text
    assert "cdn" not in text.lower()


def _option(text: str, chart: str) -> dict:
    blob = text.rsplit("var C=", 1)[1].split(";Object.keys", 1)[0]
    return json.loads(blob.replace("<\\/", "</"))[chart]


def test_stacked_bars_add_up_to_the_score(model, page: str) -> None:
    from chainlink.scoring.suggest import suggest_for_county

    option = _option(page, "chart-components")
    weights = model.preset["weights"]
    answer = suggest_for_county(model, "331121", top=10)
    totals = [sum(s["data"][i] for s in option["series"]) for i in range(len(answer.suggestions))]
    for total, s in zip(totals, answer.suggestions, strict=True):
        # independent: the weighted mean of the components, computed here from the preset
        expected = sum(weights[k] * v for k, v in s.components.items()) / sum(weights[k] for k in s.components)
        assert total == pytest.approx(expected, abs=5e-4)
        assert total == pytest.approx(s.score, abs=5e-4)


def test_map_draws_each_pairing(model, page: str) -> None:
    option = _option(page, "chart-map")
    lines = [d for s in option["series"] if "markLine" in s for d in s["markLine"]["data"]]
    pairings = [p for p in model.registry.pairings if p["county_code"] == "331121"]
    assert len(lines) == len(pairings) >= 3  # one line per pairing in the registry
    county = model.counties["331121"]
    assert all(line[0]["coord"] == [county["lon"], county["lat"]] for line in lines)


def test_map_labels_places_that_share_a_position_once() -> None:
    """A zone drawn at its district's position (江山's partners 柯桥, 柯桥经开区 and the 柯桥—江山 enclave) is one
    point with one label listing the names, not three labels printed over each other."""
    from chainlink.report.data import Place
    from chainlink.report.html import map_option

    county = Place("330881", "county", "江山市", "Jiangshan", 28.74, 118.63)
    district = Place("keqiao", "partner", "柯桥", "Keqiao", 30.08, 120.49)
    zone = Place("keqiao-kfq", "partner", "柯桥经开区", "Keqiao EDZ", 30.08, 120.49, located_by="keqiao")
    other = Place("shangcheng", "partner", "上城", "Shangcheng", 30.24, 120.17)
    links = [("330881", p.id, "shanhai") for p in (district, zone, other)]
    option, _ = map_option([county, district, zone, other], [], links, "zh", "330881")
    partners = next(s for s in option["series"] if s.get("symbol") == "diamond")["data"]
    assert [(p["name"], p["value"]) for p in partners] == [
        ("柯桥\n柯桥经开区", [120.49, 30.08]),
        ("上城", [120.17, 30.24]),
    ]
    lines = [d for s in option["series"] if "markLine" in s for d in s["markLine"]["data"]]
    assert len(lines) == 3  # every pairing keeps its line


def test_map_labels_take_a_free_side_or_hide() -> None:
    """Hand-placed case on a 100 px-per-degree frame (a point at (lon, lat) is at x = 60 + 100·lon,
    y = 50 + 100·(1 − lat)); labels of two CJK characters are 22 × 14.3 px, 5 px from a 10 px symbol."""
    from chainlink.report.html import MapFrame, hidden_labels, place_labels

    frame = MapFrame(0.0, 1.0, 100.0, 100.0, 680, 400)

    def item(lon: float, name: str) -> dict:
        return {"name": name, "value": [lon, 0.5], "symbolSize": 10}

    a, b, c, d, e = item(1.0, "甲乙"), item(1.2, "丙丁"), item(1.1, "戊己"), item(1.1, "庚辛"), item(1.1, "壬癸")
    place_labels(frame, [(x, "right") for x in (a, b, c, d, e)])
    # a at x 160: its right label (170–192) would cover c's and b's symbols (165–175, 175–185) → left (133–155)
    assert a["label"] == {"position": "left"}
    assert "label" not in b  # right of b (190–212) is free: the series' position stands
    # c at x 170: right covers b's symbol, left (143–165) meets a's label → top (y 75.7–90)
    assert c["label"] == {"position": "top"}
    assert d["label"] == {"position": "bottom"}  # d on c: right, left and top taken → bottom
    assert e["label"] == {"show": False}  # nowhere left
    e["name"] = "壬\n癸"  # one marker for two places: each is named
    option = {"series": [{"data": [a, b, c, d, e]}]}
    assert hidden_labels(option) == ["壬", "癸"]


def test_chain_diagram_marks_gaps_and_extensions(model, run_cache: dict) -> None:
    from chainlink.report.data import gather

    data = gather(model, "331121", date=DATE, cache=run_cache)
    roles = {n["key"]: n["role"] for v in data.chains for n in v.nodes}
    first: dict[str, str] = {}
    for s in data.suggestions:
        first.setdefault(s["segment_key"], s["relation"])
    assert {k: roles[k] for k in first} == first  # 补链 / 延链 / 强链 as the (best-ranked) suggestion says
    held = model.county_holdings("331121")
    assert held and all(roles[k] in ("held", "strengthen") for k in held)
    assert {r for r in roles.values() if r not in ("held", "other")} == set(first.values())


def test_cli_all_writes_index_and_26_pages(report_site: Path) -> None:
    out = report_site / "all"  # `report --all -o DIR` (tests/conftest.py)
    pages = sorted(p.name for p in out.iterdir())
    assert "index.html" in pages and len(pages) == 27
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in pages:
        if name != "index.html":
            assert f'href="{name}"' in index
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_cli_pair_and_errors(report_site: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    # `report --pair 青田 宁波经开区 -o pair.html` (tests/conftest.py)
    text = (report_site / "pair.html").read_text(encoding="utf-8")
    assert "青田县 × 宁波经开区" in text
    option = _option(text, "chart-map")
    assert len([d for s in option["series"] if "markLine" in s for d in s["markLine"]["data"]]) == 1
    from chainlink.errors import UsageError

    # (CliRunner calls the app without chainlink.cli.main, which turns a UsageError into exit 2)
    res = runner.invoke(app, ["report", "--pair", "青田", "乐清", "-o", str(tmp_path / "x.html")])
    assert isinstance(res.exception, UsageError) and "not paired" in str(res.exception)
    assert not (tmp_path / "x.html").exists()
    res = runner.invoke(app, ["report", "青田", "--format", "md", "-o", str(tmp_path / "x.html")])
    assert isinstance(res.exception, UsageError) and ".html" in str(res.exception)
    # an extension naming a format no command writes is refused, not filled with HTML (the row commands' rule)
    res = runner.invoke(app, ["report", "青田", "-o", str(tmp_path / "x.pdf")])
    assert isinstance(res.exception, UsageError) and "does not write pdf" in str(res.exception)
    assert not (tmp_path / "x.pdf").exists()
    res = runner.invoke(app, ["report"])
    assert isinstance(res.exception, UsageError)


def test_markdown_links_nothing_outside(report_site: Path) -> None:
    # `report 青田 --lang en -o q.md` (tests/conftest.py)
    text = (report_site / "q.md").read_text(encoding="utf-8")
    assert text.startswith("# Qingtian County: industrial-chain collaboration report")
    assert "](http" not in text and "<http" not in text
    # every URL is inside a code span
    for line in text.splitlines():
        for m in re.finditer(r"https?://\S+", line):
            assert line[: m.start()].count("`") % 2 == 1, line
