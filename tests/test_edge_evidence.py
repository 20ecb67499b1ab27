"""Edge evidence (IO + ChainKnowledgeGraph), product keywords and segments_for, their validation."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from pathlib import Path

import pytest

from chainlink.base.products import product_matches, segments_for, shared_code_groups, undistinguished
from chainlink.network.evidence import EVIDENCE_KINDS, IO_EVIDENCE_MIN, edge_evidence, evidence_counts
from chainlink.store.registry import Registry
from tests._data import source_errors

ROOT = Path(__file__).resolve().parent.parent


def _io_2020() -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Flows z[i][j] and gross output x[j] read straight from the CSV (independent of chainlink)."""
    z: dict[str, dict[str, float]] = {}
    x: dict[str, float] = {}
    with open(ROOT / "data" / "io" / "china_2020_153.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if re.fullmatch(r"\d{3}", row["Code"]):
                z[row["Code"]] = {k: float(v) for k, v in row.items() if re.fullmatch(r"\d{3}", k)}
                x[row["Code"]] = float(row["GO"])
    return z, x


def test_every_edge_has_evidence(reg: Registry) -> None:
    assert reg.edges
    for e in reg.edges:
        assert e["evidence"] in EVIDENCE_KINDS, e
        has_io = e["io_coefficient"] is not None and e["io_coefficient"] >= IO_EVIDENCE_MIN
        has_ckg = e["ckg_relations"] > 0
        want = "io+ckg" if has_io and has_ckg else "io" if has_io else "ckg" if has_ckg else "judgement"
        assert e["evidence"] == want, e
        assert e["evidence_detail"] and e["evidence_detail_zh"], e
    counts = evidence_counts(reg.edges)
    assert sum(counts.values()) == len(reg.edges)
    assert counts["io"] + counts["io+ckg"] > counts["judgement"] > 0


def test_io_record_equals_hand_computed_coefficient(reg: Registry) -> None:
    z, x = _io_2020()
    ev = edge_evidence(reg, "stainless-steel/special-steel", "pumps-valves/valves")
    assert ev.io is not None and (ev.io.from_sector, ev.io.to_sector, ev.io.year) == ("062", "070", 2020)
    assert ev.io.coefficient == pytest.approx(z["062"]["070"] / x["070"], abs=1e-6)
    # every recorded coefficient is z_ij / x_j of its sectors
    for e in reg.edges:
        if e["io_from_sector"]:
            a = z[e["io_from_sector"]][e["io_to_sector"]] / x[e["io_to_sector"]]
            assert e["io_coefficient"] == pytest.approx(a, abs=1e-6), e


def test_trade_edges_are_judgement(reg: Registry) -> None:
    # producer-price IO tables record no goods bought by trade: a = 0.0000 below the threshold
    ev = edge_evidence(reg, "stainless-steel/stainless-pipes", "stainless-steel/metals-trade")
    assert ev.kind == "judgement" and ev.detail.startswith("editors' judgement")
    assert ev.io is not None and ev.io.coefficient < IO_EVIDENCE_MIN
    assert ev.detail_zh.startswith("编辑判断")


def test_ckg_evidence_rows(reg: Registry) -> None:
    ev = edge_evidence(reg, "pumps-valves/motors", "pumps-valves/pumps")
    assert ev.kind == "io+ckg"
    assert {(r["upstream_product"], r["downstream_product"]) for r in ev.ckg} >= {("电机", "潜油电泵")}
    assert "ChainKnowledgeGraph" in ev.detail and "产业链知识图谱" in ev.detail_zh
    with pytest.raises(KeyError):
        edge_evidence(reg, "pumps-valves/pumps", "pumps-valves/motors")


def test_review_fixes(reg: Registry) -> None:
    keys = {s["key"] for s in reg.segments}
    edges = {(e["from_key"], e["to_key"]) for e in reg.edges}
    for key in (
        "pumps-valves/motors",
        "synthetic-leather-footwear/microfibre-leather",
        "synthetic-leather-footwear/water-based-leather",
        "synthetic-leather-footwear/dmf-recovery",
        "semiconductor/silicon-carbide",
        "specialty-paper/waste-paper-fibre",
    ):
        assert key in keys
    assert ("stainless-steel/stainless-pipes", "pumps-valves/valves") not in edges
    assert ("stainless-steel/special-steel", "pumps-valves/valves") in edges
    assert ("stainless-steel/stainless-pipes", "pumps-valves/fluid-systems") in edges
    assert ("pumps-valves/motors", "pumps-valves/pumps") in edges
    assert ("semiconductor/silicon-carbide", "semiconductor/power-devices") in edges
    assert ("specialty-paper/waste-paper-fibre", "specialty-paper/base-paper") in edges


def test_every_segment_has_products_and_shared_codes_are_told_apart(reg: Registry) -> None:
    assert all(s["products"] for s in reg.segments)
    groups = shared_code_groups(reg.segments)
    assert len(groups) >= 77 and len(groups["3670"]) == 3
    assert undistinguished(reg.segments) == []
    # before products every segment of a shared code was indistinguishable
    bare = [{**s, "products": ""} for s in reg.segments]
    assert len(undistinguished(bare)) == len({k for keys in groups.values() for k in keys})


@pytest.mark.parametrize(
    ("code", "text", "want"),
    [
        (
            "3670",
            None,
            ["auto-parts/auto-ac-parts", "auto-parts/car-accessories", "auto-parts/mechanical-parts"],
        ),
        ("3670", "浙江某汽车空调压缩机有限公司", ["auto-parts/auto-ac-parts"]),
        ("3670", "汽车座垫、脚垫", ["auto-parts/car-accessories"]),
        ("3670", "汽车制动器", ["auto-parts/mechanical-parts"]),
        (
            "3670",
            "不相干的文字",
            ["auto-parts/auto-ac-parts", "auto-parts/car-accessories", "auto-parts/mechanical-parts"],
        ),
        ("2925", "超纤合成革生产线", ["synthetic-leather-footwear/microfibre-leather"]),
        ("2925", "年产500万米水性合成革", ["synthetic-leather-footwear/water-based-leather"]),
        ("2925", "PU合成革", ["synthetic-leather-footwear/synthetic-leather"]),
        ("4220", "DMF回收装置", ["synthetic-leather-footwear/dmf-recovery"]),
        ("4220", "废纸回收打包", ["specialty-paper/waste-paper-fibre"]),
        ("3985", "6英寸碳化硅衬底", ["semiconductor/silicon-carbide"]),
        ("3443", "智能控制阀", ["pumps-valves/smart-control-valves"]),
        ("3443", "球阀", ["pumps-valves/valves"]),
        ("9999", "阀门", []),
    ],
)
def test_segments_for(reg: Registry, code: str, text: str | None, want: list[str]) -> None:
    assert segments_for(reg, code, text) == want


def test_product_matching_rules() -> None:
    assert product_matches("调节阀", "阀") and not product_matches("泵体", "泵")
    assert product_matches("多层PCB", "pcb") and not product_matches("PCB板", "PCB")


# -- the committed CKG file stays consistent with the chains ---------------------------------------


def _derive_module():
    spec = importlib.util.spec_from_file_location(
        "edge_evidence", ROOT / "data" / "derive" / "edge_evidence.py"
    )
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def test_committed_ckg_rows_rederive_exactly(tmp_path: Path) -> None:
    """Feeding the committed rows' relations back through the derivation gives the same rows:
    the file matches the current products and edges (else re-run data/derive/edge_evidence.py)."""
    mod = _derive_module()
    path = ROOT / "data" / "edge_evidence_ckg.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert rows
    jsonl = tmp_path / "rel.jsonl"
    with jsonl.open("w", encoding="utf-8") as fh:
        for r in rows:
            a, b = (
                (r["downstream_product"], r["upstream_product"])
                if r["relation"] == "上游材料"
                else (r["upstream_product"], r["downstream_product"])
            )
            fh.write(
                json.dumps({"from_entity": a, "to_entity": b, "rel": r["relation"]}, ensure_ascii=False)
                + "\n"
            )
    assert mod.derive(jsonl) == rows


def test_derivation_rules(tmp_path: Path) -> None:
    mod = _derive_module()
    jsonl = tmp_path / "rel.jsonl"
    records = [
        {"from_entity": "不锈钢闸阀门", "to_entity": "不锈钢", "rel": "上游材料"},  # → special-steel → valves
        {"from_entity": "泵体", "to_entity": "电机", "rel": "上游材料"},  # 泵体 is no pump: nothing
        {"from_entity": "聚氯乙烯树脂", "to_entity": "聚氯乙烯", "rel": "上游材料"},  # resin → resin: no edge
        {"from_entity": "乙烯", "to_entity": "聚乙烯", "rel": "下游产品"},  # olefins → resins
        {"from_entity": "香菇", "to_entity": "木屑", "rel": "产品小类"},  # other relations ignored
    ]
    jsonl.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    got = [(r["from_key"], r["to_key"], r["relation"]) for r in mod.derive(jsonl)]
    assert got == [
        ("petrochemical/olefins-aromatics", "petrochemical/synthetic-resins", "下游产品"),
        ("stainless-steel/special-steel", "pumps-valves/valves", "上游材料"),
    ]


# -- validation: one bad source per new error kind ----------------------------------------------


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


LEATHER = "chains/synthetic-leather-footwear.yaml"
CKG = "data/edge_evidence_ckg.csv"
ROW = "petrochemical/resin,synthetic-leather-footwear/synthetic-leather,上游材料,聚氨酯树脂,PU合成革,聚氨酯树脂,合成革"


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            LEATHER,
            "products: [合成革, 人造革]",
            "products: [合成革, 合成革]",
            r"^chains/synthetic-leather-footwear\.yaml:\d+: products: keyword '合成革' listed twice",
        ),
        (
            LEATHER,
            "products: [合成革, 人造革]",
            "products: 合成革",
            r"^chains/synthetic-leather-footwear\.yaml:\d+: products must be a list",
        ),
        (
            LEATHER,
            'gbt: ["1952"]',
            'gbt: ["2925"]',
            r"^chains/synthetic-leather-footwear\.yaml:\d+: segment synthetic-leather-footwear/footwear shares GB/T 2925 with synthetic-leather-footwear/synthetic-leather; add products",
        ),
        (
            LEATHER,
            'gbt: ["1952"]',
            'gbt: ["2925"]\n    products: [皮鞋, 人造革]',
            r"^chains/synthetic-leather-footwear\.yaml:\d+: products: keyword '人造革' is on both",
        ),
        (
            CKG,
            "petrochemical/resin,synthetic",
            "petrochemical/nothing,synthetic",
            r"^data/edge_evidence_ckg\.csv:2: 'petrochemical/nothing' is not a segment of chains/\*\.yaml; re-run",
        ),
        (
            CKG,
            "petrochemical/resin,synthetic-leather-footwear/synthetic-leather",
            "petrochemical/resin,synthetic-leather-footwear/footwear",
            r"^data/edge_evidence_ckg\.csv:2: no chain edge petrochemical/resin → synthetic-leather-footwear/footwear",
        ),
        (CKG, ",上游材料,", ",产品小类,", r"^data/edge_evidence_ckg\.csv:2: bad relation '产品小类'"),
        (
            CKG,
            ",聚氨酯树脂,合成革,",
            ",聚氨酯,合成革,",
            r"^data/edge_evidence_ckg\.csv:2: upstream_keyword '聚氨酯' is not in the products of petrochemical/resin",
        ),
        (
            CKG,
            ",PU合成革,",
            ",合成革鞋,",
            r"^data/edge_evidence_ckg\.csv:2: downstream_product '合成革鞋' does not end with its keyword '合成革'",
        ),
        (
            CKG,
            ",unverified\n",
            ",unverified\n" + ROW + ",test,unverified\n",
            r"^data/edge_evidence_ckg\.csv:3: duplicate row",
        ),
        (CKG, ",unverified\n", ",maybe\n", r"^data/edge_evidence_ckg\.csv:2: bad confidence 'maybe'"),
    ],
)
def test_each_new_error_kind_names_file_and_line(
    mini_root: Path, file: str, old: str, new: str, expected: str
) -> None:
    _edit(mini_root / file, old, new)
    errors = source_errors(mini_root)
    assert any(re.search(expected, e) for e in errors), errors


def test_mini_sources_carry_ckg_evidence(shared_mini_db: Path) -> None:
    # the session's compile of the mini tree (tests/test_build.py checks it equals a fresh compile)
    import sqlite3

    conn = sqlite3.connect(f"file:{shared_mini_db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    edges = [dict(r) for r in conn.execute("SELECT * FROM edges WHERE from_key = 'petrochemical/resin'")]
    ckg = conn.execute("SELECT count(*) FROM edge_evidence_ckg").fetchone()[0]
    conn.close()
    edge = edges[0]
    assert edge["ckg_relations"] == 1 and edge["evidence"] in ("ckg", "io+ckg")
    assert ckg == 1


def test_chains_show_golden(real_db: Path) -> None:
    """`chains show` lists every edge with its evidence kind (golden; regenerate with
    CHAINLINK_UPDATE_GOLDEN=1 and review the diff)."""
    import os

    from tests._cli import run_cli

    # the terminal width a golden text is rendered for
    out = run_cli("chains", "show", "pumps-valves", "--db", str(real_db), env={"COLUMNS": "80"})
    assert out.returncode == 0, out.stderr
    path = ROOT / "tests" / "golden" / "chains_show_pumps_valves.txt"
    if os.environ.get("CHAINLINK_UPDATE_GOLDEN") == "1":
        path.write_text(out.stdout, encoding="utf-8")
    assert out.stdout == path.read_text(encoding="utf-8")
    assert "stainless-steel/special-steel → 阀门  [io+ckg]" in out.stdout
    assert "电动机 → 泵  [io+ckg]" in out.stdout


def test_products_doctests() -> None:
    import doctest

    import chainlink.base.products

    result = doctest.testmod(chainlink.base.products)
    assert result.attempted > 0 and result.failed == 0


def test_chains_show_rows_carry_products_and_upstream_evidence(reg: Registry) -> None:
    from chainlink.outputs.browse import chain_segment_rows

    kinds = {(e["from_key"], e["to_key"]): e["evidence"] for e in reg.edges}
    rows = {r["segment_key"]: r for r in chain_segment_rows(reg, "pumps-valves")}
    assert rows["pumps-valves/pumps"]["products"].split(";")[:2] == ["泵", "水泵"]
    for key, row in rows.items():
        got = dict(item.split(":") for item in row["upstream_evidence"].split(";") if item)
        assert got == {u: k for (u, v), k in kinds.items() if v == key}, key
