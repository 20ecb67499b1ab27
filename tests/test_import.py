"""`chainlink import`: every kind, every format and encoding, upsert, --skip-invalid, --dry-run, the log, the CLI."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from chainlink.base.credit import complete
from chainlink.errors import DataError, UsageError
from chainlink.imports import ImportErrors, import_file, user_rows

A, B, C = complete("91331121MA2AQ0001"), complete("91331121MA2AQ0002"), complete("91330881MA2AQ0003")
ENTERPRISES = [
    ["统一社会信用代码", "企业名称", "所在县", "行业代码", "企业规模", "链主"],
    [A, "浙江青田华峰鞋业有限公司", "青田县", "C1952", "中型", "是"],
    [B, "青田石雕工艺品有限公司", "qingtian", "2432;2439", "small", "0"],
    [C, "江山光学膜材料有限公司", "330881", "2921", "", ""],
]


@pytest.fixture
def db(shared_mini_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "registry.db"
    shutil.copyfile(shared_mini_db, target)
    return target


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def rows_of(db: Path, kind: str) -> list[dict]:
    conn = sqlite3.connect(db)
    try:
        return user_rows(conn, kind)
    finally:
        conn.close()


def test_enterprises_from_chinese_headers(db: Path, tmp_path: Path) -> None:
    report = import_file("enterprises", write_csv(tmp_path / "e.csv", ENTERPRISES), db)
    assert (report.rows_read, report.rows_valid, report.inserted, report.updated) == (3, 3, 3, 0)
    assert report.encoding == "utf-8" and report.fmt == "csv"
    rows = {r["credit_code"]: r for r in rows_of(db, "enterprises")}
    assert rows[A] == {
        "id": A,
        "credit_code": A,
        "name_zh": "浙江青田华峰鞋业有限公司",
        "county_code": "331121",
        "partner_id": "",
        "gbt_codes": "1952",
        "segment_key": "",
        "size": "medium",
        "chain_leader": 1,
        "source": "import of e.csv",
        "confidence": "unverified",
    }
    assert rows[B]["gbt_codes"] == "2432;2439" and rows[B]["chain_leader"] == 0 and rows[B]["size"] == "small"
    assert rows[C]["county_code"] == "330881"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_encodings_are_detected(db: Path, tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "e.csv", ENTERPRISES, encoding)
    report = import_file("enterprises", path, db)
    assert report.inserted == 3
    assert report.encoding == {"utf-8-sig": "utf-8 (BOM)", "gbk": "gb18030"}.get(encoding, encoding)
    assert {r["name_zh"] for r in rows_of(db, "enterprises")} >= {"浙江青田华峰鞋业有限公司"}


def test_explicit_encoding_and_unknown_encoding(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", ENTERPRISES, "gbk")
    assert import_file("enterprises", path, db, encoding="gbk").inserted == 3
    with pytest.raises(UsageError, match="unknown --encoding 'klingon'"):
        import_file("enterprises", path, db, encoding="klingon")


def test_decoding_error_after_the_sample_names_the_line(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import chainlink.base.textio as textio

    monkeypatch.setattr(textio, "SAMPLE_BYTES", 64)
    path = tmp_path / "e.csv"
    body = "\n".join(",".join(r) for r in ENTERPRISES[:3]).encode("utf-8") + b"\n"
    path.write_bytes(body + f"{C},江山鞋业有限公司,江山,1952,,\n".encode("gbk"))
    with pytest.raises(DataError) as info:
        import_file("enterprises", path, db)
    assert str(info.value).startswith(f"{path}:4: not valid utf-8 text (byte 0xBD); the file mixes encodings")


def test_reimport_changes_nothing_and_is_logged(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", ENTERPRISES)
    first = import_file("enterprises", path, db)
    before = rows_of(db, "enterprises")
    again = import_file("enterprises", path, db)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert rows_of(db, "enterprises") == before
    log = rows_of(db, "log")
    assert [r["id"] for r in log] == [first.import_id, again.import_id]
    assert log[0]["file_sha256"] == log[1]["file_sha256"] == first.sha256
    assert (log[1]["rows_read"], log[1]["rows_unchanged"], log[1]["rows_inserted"]) == (3, 3, 0)
    assert log[0]["finished_at"] >= log[0]["started_at"]
    assert log[0]["file"] == str(path.resolve())


def test_upsert_updates_only_changed_rows(db: Path, tmp_path: Path) -> None:
    first = import_file("enterprises", write_csv(tmp_path / "e.csv", ENTERPRISES), db)
    changed = [row[:] for row in ENTERPRISES]
    changed[2][4] = "大型"
    changed.append([complete("91331121MA2AQ0009"), "青田新企业有限公司", "青田", "1952", "", ""])
    second = import_file("enterprises", write_csv(tmp_path / "e.csv", changed), db)  # same name: same source
    assert (second.inserted, second.updated, second.unchanged) == (1, 1, 2)
    conn = sqlite3.connect(db)
    ids = dict(conn.execute("SELECT credit_code, import_id FROM user_enterprises").fetchall())
    assert ids[A] == first.import_id and ids[B] == second.import_id


def test_skip_invalid_writes_valid_rows_and_rejects(db: Path, tmp_path: Path) -> None:
    rows = [
        *ENTERPRISES,
        ["91331121MA2AQ00018", "坏代码公司", "青田", "1952", "", ""],
        [A, "重复", "青田", "", "", ""],
    ]
    path = write_csv(tmp_path / "e.csv", rows)
    report = import_file("enterprises", path, db, skip_invalid=True)
    assert (report.rows_valid, report.rows_rejected, report.inserted) == (3, 2, 3)
    assert report.rejects == tmp_path / "e.rejects.csv"
    with open(report.rejects, encoding="utf-8-sig", newline="") as fh:
        rejects = list(csv.reader(fh))
    assert rejects[0] == ["row", "reason", *ENTERPRISES[0]]
    assert rejects[1][0] == "5" and rejects[1][2:] == rows[4]
    assert rejects[1][1].startswith(
        "column '统一社会信用代码' (credit_code) value '91331121MA2AQ00018': check digit"
    )
    assert rejects[2][0] == "6" and "duplicate of row 2" in rejects[2][1]
    assert rows_of(db, "log")[0]["rejects_file"] == str(report.rejects.resolve())


def test_default_is_all_or_nothing(db: Path, tmp_path: Path) -> None:
    rows = [*ENTERPRISES, ["91331121MA2AQ00018", "坏代码公司", "青田", "1952", "", ""]]
    with pytest.raises(ImportErrors) as info:
        import_file("enterprises", write_csv(tmp_path / "e.csv", rows), db)
    assert info.value.report.rows_valid == 3 and info.value.report.rows_rejected == 1
    assert rows_of(db, "enterprises") == [] and rows_of(db, "log") == []
    assert not (tmp_path / "e.rejects.csv").exists()


def test_dry_run_writes_nothing(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", ENTERPRISES)
    stamp = os.stat(db).st_mtime_ns
    report = import_file("enterprises", path, db, dry_run=True)
    assert report.dry_run and report.rows_valid == 3 and report.import_id is None
    assert "dry run" in report.summary()
    assert os.stat(db).st_mtime_ns == stamp
    bad = write_csv(tmp_path / "bad.csv", [*ENTERPRISES, ["x", "坏", "青田", "", "", ""]])
    with pytest.raises(ImportErrors, match="nothing would be written"):
        import_file("enterprises", bad, db, dry_run=True)
    assert import_file("enterprises", bad, db, dry_run=True, skip_invalid=True).rows_rejected == 1
    assert not (tmp_path / "bad.rejects.csv").exists()


def test_warnings_for_guesses(db: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(db)
    code2011 = conn.execute(
        "SELECT code_2011 FROM industry_crosswalk GROUP BY code_2011 HAVING count(*) = 1 "
        "AND code_2011 NOT IN (SELECT code FROM industries) ORDER BY code_2011 LIMIT 1"
    ).fetchone()[0]
    mapped = conn.execute(
        "SELECT code_2017 FROM industry_crosswalk WHERE code_2011 = ?", (code2011,)
    ).fetchone()[0]
    zero = conn.execute(
        "SELECT code FROM industries WHERE level = 4 AND code LIKE '0%' AND substr(code, 2) NOT IN "
        "(SELECT code FROM industries) ORDER BY code LIMIT 1"
    ).fetchone()[0]
    conn.close()
    rows = [
        ["credit_code", "name_zh", "county_code", "gbt_codes"],
        [A, "甲公司", "qingtain", code2011],
        [B, "乙公司", "青田", zero[1:]],
    ]
    report = import_file("enterprises", write_csv(tmp_path / "e.csv", rows), db)
    assert report.inserted == 2
    text = "\n".join(report.warnings)
    assert "value 'qingtain': read as 青田县 (331121, Qingtian County) (closest match)" in text
    assert f"GB/T 4754-2011 code {code2011} mapped to 2017 code {mapped}" in text
    assert f"code {zero[1:]} read as {zero} (a leading zero was lost" in text
    codes = {r["credit_code"]: r["gbt_codes"] for r in rows_of(db, "enterprises")}
    assert codes == {A: mapped, B: zero}


def test_gbt_section_letter_and_unknown_codes(db: Path, tmp_path: Path) -> None:
    """A section letter must be the code's own (3443 valves: C); codes that are no 2017 class and no 2011
    code are refused."""
    rows = [
        ["credit_code", "name_zh", "county_code", "gbt_codes"],
        [A, "甲公司", "青田", "c3443"],
        [B, "乙公司", "青田", "A3443"],
        [C, "丙公司", "青田", "9999"],
    ]
    report = import_file("enterprises", write_csv(tmp_path / "e.csv", rows), db, skip_invalid=True)
    assert (report.inserted, report.rows_rejected) == (1, 2)
    text = "\n".join(report.errors)
    assert "value 'A3443': section letter A does not match code 3443 (section C); drop the letter" in text
    assert "value '9999': 9999 is not a GB/T 4754-2017 code" in text
    assert {r["credit_code"]: r["gbt_codes"] for r in rows_of(db, "enterprises")} == {A: "3443"}


def test_unknown_columns_are_noted_and_title_rows_skipped(db: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(["2024年青田县重点企业名单"])
    ws.append(["序号", *ENTERPRISES[0], "联系人"])
    for i, row in enumerate(ENTERPRISES[1:], 1):
        ws.append([i, *row, "张三"])
    ws.append([9, C[:-1] + "0", "数字代码公司", "江山", 2921, None, None, None])
    path = tmp_path / "list.xlsx"
    book.save(path)
    with pytest.raises(ImportErrors) as info:
        import_file("enterprises", path, db)
    assert str(info.value).startswith(f"{path}:6: column '统一社会信用代码' (credit_code) value '{C[:-1]}0'")
    report = import_file("enterprises", path, db, skip_invalid=True)
    assert report.inserted == 3 and report.fmt == "xlsx" and report.sheet == "Sheet"
    with open(report.rejects, encoding="utf-8-sig", newline="") as fh:
        rejects = list(csv.reader(fh))
    assert rejects[0] == ["row", "reason", "序号", *ENTERPRISES[0], "联系人"]
    assert rejects[1][0] == "6" and rejects[1][2:5] == ["9", C[:-1] + "0", "数字代码公司"]
    assert "skipped 1 title row(s) from row 1; the header is row 2" in report.notes
    assert "ignored column(s) not known for enterprises: 联系人" in report.notes


def test_xlsx_number_cells_become_text_codes(db: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(["credit_code", "name_zh", "county_code", "gbt_codes"])
    ws.append([A, "甲公司", 331121, 1952])
    ws.append([B, "乙公司", 331121.0, 2432.0])
    path = tmp_path / "n.xlsx"
    book.save(path)
    import_file("enterprises", path, db)
    assert {(r["county_code"], r["gbt_codes"]) for r in rows_of(db, "enterprises")} == {
        ("331121", "1952"),
        ("331121", "2432"),
    }


def test_xlsx_sheet_choice(db: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "说明"
    book.active.append(["这是说明"])
    ws = book.create_sheet("企业")
    for row in ENTERPRISES:
        ws.append(row)
    path = tmp_path / "two.xlsx"
    book.save(path)
    assert import_file("enterprises", path, db, sheet="企业").inserted == 3
    with pytest.raises(DataError, match=r"no sheet 'x'; the sheets are '说明', '企业'"):
        import_file("enterprises", path, db, sheet="x")


def test_json_and_ndjson(db: Path, tmp_path: Path) -> None:
    objects = [
        {"credit_code": A, "name_zh": "甲公司", "county_code": "青田", "gbt_codes": ["1952", "1953"]},
        {"credit_code": B, "name_zh": "乙公司", "partner_id": "宁波经开区", "chain_leader": 1},
    ]
    (tmp_path / "e.json").write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
    assert import_file("enterprises", tmp_path / "e.json", db, source="zone list").inserted == 2
    (tmp_path / "e.ndjson").write_text(
        "\n".join(json.dumps(o, ensure_ascii=False) for o in objects) + "\n\n", encoding="utf-8"
    )
    report = import_file("enterprises", tmp_path / "e.ndjson", db, source="zone list")
    assert (report.fmt, report.unchanged) == ("ndjson", 2)
    rows = {r["credit_code"]: r for r in rows_of(db, "enterprises")}
    assert rows[A]["gbt_codes"] == "1952;1953" and rows[B]["partner_id"] == "ningbo-etdz"
    assert rows[B]["chain_leader"] == 1


def test_tsv_and_sep_line(db: Path, tmp_path: Path) -> None:
    tsv = tmp_path / "e.tsv"
    tsv.write_text("\n".join("\t".join(r) for r in ENTERPRISES) + "\n", encoding="utf-8")
    assert import_file("enterprises", tsv, db, source="s").inserted == 3
    semi = tmp_path / "semi.csv"
    with open(semi, "w", encoding="utf-8", newline="") as fh:
        fh.write("sep=;\n")
        csv.writer(fh, delimiter=";").writerows(ENTERPRISES)
    assert import_file("enterprises", semi, db, source="s").unchanged == 3


def test_formula_escape_is_undone_on_import(db: Path, tmp_path: Path) -> None:
    rows = [
        ENTERPRISES[0],
        [A, "'=HYPERLINK(1)公司", "青田", "1952", "", ""],
        [B, "''-乙公司", "青田", "", "", ""],
    ]
    import_file("enterprises", write_csv(tmp_path / "e.csv", rows), db)
    names = {r["credit_code"]: r["name_zh"] for r in rows_of(db, "enterprises")}
    assert names == {A: "=HYPERLINK(1)公司", B: "'-乙公司"}


def test_projects(db: Path, tmp_path: Path) -> None:
    header = [
        "项目名称",
        "来源园区",
        "落地县",
        "行业代码",
        "投资额（万元）",
        "用地(亩)",
        "能耗",
        "污染等级",
        "状态",
        "年份",
    ]
    rows = [
        header,
        ["年产500万双皮鞋项目", "宁波经开区", "青田县", "1952", "50,000", "80", "1200", "中", "洽谈", "2024"],
        ["数字经济园", "萧山经开区", "龙泉", "6520", "", "", "", "low", "", "2023年"],
    ]
    path = write_csv(tmp_path / "p.csv", rows)
    import_file("projects", path, db)
    got = {r["name_zh"]: r for r in rows_of(db, "projects")}
    shoes = got["年产500万双皮鞋项目"]
    assert shoes["id"].startswith("U-PRJ-") and len(shoes["id"]) == 16
    assert (shoes["origin_id"], shoes["county_code"], shoes["investment_wan"], shoes["land_mu"]) == (
        "ningbo-etdz",
        "331121",
        50000.0,
        80.0,
    )
    assert (shoes["pollution"], shoes["status"], shoes["year"]) == ("medium", "negotiating", 2024)
    park = got["数字经济园"]
    assert park["investment_wan"] is None and park["status"] == "unknown" and park["year"] == 2023
    again = import_file("projects", path, db)
    assert again.unchanged == 2, "derived ids are stable"


def test_characteristic_and_pairings(db: Path, tmp_path: Path) -> None:
    ci = [
        ["所在县", "特色产业", "行业代码", "来源", "可信度"],
        ["青田县", "石雕", "2432", "县政府工作报告", "sourced"],
    ]
    import_file("characteristic", write_csv(tmp_path / "c.csv", ci), db)
    (row,) = rows_of(db, "characteristic")
    assert (row["county_code"], row["gbt_codes"], row["gbt_derivation"], row["confidence"]) == (
        "331121",
        "2432",
        "as given in c.csv",
        "sourced",
    )
    clash = [["id", "county_code", "industry_zh", "gbt_codes"], ["330127-1", "330127", "水", "1522"]]
    with pytest.raises(ImportErrors, match="is already a row of the source table characteristic_industries"):
        import_file("characteristic", write_csv(tmp_path / "clash.csv", clash), db)
    pa = [["山区县", "结对方", "结对类型", "产业链"], ["青田", "宁波经开区", "双链长制", "合成革;鞋革"]]
    import_file("pairings", write_csv(tmp_path / "p.csv", pa), db)
    (row,) = rows_of(db, "pairings")
    assert (row["county_code"], row["partner_id"], row["kind"], row["chains"]) == (
        "331121",
        "ningbo-etdz",
        "dual_chain_pilot",
        "synthetic-leather-footwear",
    )
    bad = [
        ["county_code", "county_platform", "partner_id", "kind"],
        ["331121", "西湖区", "330106", "shanhai"],
    ]
    with pytest.raises(ImportErrors, match=r"330106 is a district, not a county platform"):
        import_file("pairings", write_csv(tmp_path / "bad.csv", bad), db)


def test_user_tables_mirror_the_source_tables(db: Path) -> None:
    from chainlink.imports import KINDS

    conn = sqlite3.connect(db)
    for kind, source in (("characteristic", "characteristic_industries"), ("pairings", "pairings")):
        have = [r[1] for r in conn.execute(f"PRAGMA table_info({source})")]
        # derived_from (which case a shipped row was written from) serves only `chainlink evaluate`; round_zh
        # is the shipped row's own Chinese for its English `round` note (a user writes `round` in their language)
        assert KINDS[kind].names == [c for c in have if c not in ("derived_from", "round_zh")], kind
    for spec in KINDS.values():
        conn.execute(
            "CREATE TABLE IF NOT EXISTS user_import_log (id INTEGER PRIMARY KEY)"
        )  # present after migration anyway
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({spec.table})")]
        assert columns in ([], [*spec.names, "import_id"]), spec.table


def test_import_migrates_an_old_registry(db: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    report = import_file("enterprises", write_csv(tmp_path / "e.csv", ENTERPRISES), db)
    assert report.migrated == [
        "1 → 2: create the user-data tables (imports)",
        "2 → 3: add quote and enclave columns to the user characteristic and pairing tables",
    ]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert not Path(str(db) + "-wal").exists()


def test_library_errors(db: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown kind 'widgets'"):
        import_file("widgets", tmp_path / "x.csv", db)
    with pytest.raises(DataError, match="x.csv: file not found"):
        import_file("enterprises", tmp_path / "x.csv", db)
    path = write_csv(tmp_path / "e.csv", ENTERPRISES)
    with pytest.raises(UsageError, match="unknown --format 'xls'"):
        import_file("enterprises", path, db, fmt="xls")
    with pytest.raises(UsageError, match="cannot tell the format from the name"):
        import_file("enterprises", shutil.copyfile(path, tmp_path / "e.dat"), db)
    with pytest.raises(DataError, match="registry not found"):
        import_file("enterprises", path, tmp_path / "none.db")
    with pytest.raises(UsageError, match=r"unknown --confidence 'high'"):
        import_file("enterprises", path, db, confidence="high")


# -- the command line -------------------------------------------------------------------------------


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    from tests._cli import run_cli  # in this process, as a fresh one would run it

    return run_cli(*args, cwd=cwd)


def test_cli_import_and_imported(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", [*ENTERPRISES, ["91331121MA2AQ00018", "坏", "青田", "", "", ""]])
    bad = cli("import", "enterprises", str(path), "--db", str(db))
    assert bad.returncode == 1 and bad.stdout == ""
    lines = bad.stderr.splitlines()
    assert lines[0].startswith(f"chainlink: error: {path}:5: column '统一社会信用代码' (credit_code) value")
    assert len(lines) == 2 and "Traceback" not in bad.stderr
    good = cli("import", "enterprises", str(path), "--db", str(db), "--skip-invalid")
    assert good.returncode == 0, good.stderr
    assert good.stdout.startswith(f"imported {path} (enterprises, import #1): 4 row(s) read, 3 valid (3 new")
    assert "chainlink: rejected: " in good.stderr
    out = cli("imported", "enterprises", "--db", str(db), "-f", "csv")
    assert out.returncode == 0
    assert out.stdout.splitlines()[
        0
    ] == "id,credit_code,name_zh,county_code,partner_id,gbt_codes,segment_key,size," + (
        "chain_leader,source,confidence"
    )
    assert len(out.stdout.splitlines()) == 4
    table = cli("imported", "log", "--db", str(db))
    assert table.returncode == 0 and "enterprise" in table.stdout


def test_cli_usage_errors_exit_2(db: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", ENTERPRISES)
    result = cli("import", "enterprises", str(path), "--db", str(db), "--format", "xls")
    assert result.returncode == 2 and result.stderr.startswith("chainlink: error: unknown --format 'xls'")
    result = cli("imported", "widgets", "--db", str(db))
    assert result.returncode == 2
    binary = subprocess.run(
        [sys.executable, "-m", "chainlink", "imported", "enterprises", "--db", str(db), "-f", "xlsx"],
        capture_output=True,
        timeout=120,
    )
    assert binary.returncode == 0 and binary.stdout.startswith(b"PK")  # not a terminal: the workbook
