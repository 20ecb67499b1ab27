"""The bad-input corpus (tests/data/bad/, made by make_corpus.py): each file gives its exact message and
leaves the registry unchanged.

Every problem of a row reads ``file:row: column 'X' (canonical) value 'Y': what is wrong; what to do``
and is followed by a summary line; problems of the file itself are one line.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from chainlink.errors import ChainlinkError
from chainlink.imports import import_file

BAD = Path(__file__).resolve().parent / "data" / "bad"

# (file, kind, first line with {file} for the path, (invalid rows, rows read) or None for file errors)
CASES = [
    (
        "alias_clash.csv",
        "enterprises",
        "{file}:1: columns B and D both mean name_zh ('企业名称' and 'name_zh'); delete one of them",
        None,
    ),
    (
        "bad_charset_credit.csv",
        "enterprises",
        "{file}:2: column '统一社会信用代码' (credit_code) value '91331121MA2AO0001X': character 'O' cannot occur in a unified social credit code (no I, O, S, V, Z); check for a mistyped letter (O for 0, I for 1)",
        (1, 1),
    ),
    (
        "bad_json.json",
        "enterprises",
        "{file}:1: not valid JSON: Unterminated string starting at (column 76); the file may be truncated",
        None,
    ),
    (
        "bad_line.ndjson",
        "enterprises",
        "{file}:3: not valid JSON: Expecting property name enclosed in double quotes (column 1); one object per line",
        None,
    ),
    (
        "bad_status.csv",
        "projects",
        "{file}:2: column '状态' (status) value 'done': is not one of the allowed values; use one of lead, negotiating, producing, signed, started, unknown (or 在建/在谈/已开工/已投产/已签约/开工)",
        (1, 1),
    ),
    (
        "big5.csv",
        "enterprises",
        "{file}:1: cannot tell the text encoding: not UTF-8 (byte 0xB2) and not GB18030/GBK Chinese (it looks like big5); pass --encoding (e.g. --encoding gb18030 or --encoding big5), or save the file as UTF-8",
        None,
    ),
    (
        "blank_lines.csv",
        "enterprises",
        "{file}: no header and no rows (only blank lines); export the sheet again",
        None,
    ),
    (
        "chain_leader_bad.csv",
        "enterprises",
        "{file}:2: column '链主' (chain_leader) value 'maybe': is not a yes/no value; write 1 or 0 (是/否, yes/no also work)",
        (1, 1),
    ),
    (
        "characteristic_bad_code.csv",
        "characteristic",
        "{file}:2: column '行业代码' (gbt_codes) value '12ab': '12ab' is not a GB/T 4754 code; write 2–4 digits such as 3443, several joined by ';'",
        (1, 1),
    ),
    (
        "control_char.csv",
        "enterprises",
        "{file}:2: column '企业名称' (name_zh) value '浙江青田\\x07华峰鞋业有限公司': contains the control character U+0007; remove it (it is invisible in Excel)",
        (1, 1),
    ),
    (
        "csv_named_xlsx.xlsx",
        "enterprises",
        "{file}: not a readable xlsx workbook (File is not a zip file); it may be truncated or another format: open it in Excel and save it again as .xlsx",
        None,
    ),
    (
        "duplicate_credit.csv",
        "enterprises",
        "{file}:4: column '统一社会信用代码' (credit_code) value '91331121MA2AQ00019': duplicate of row 2; keep one row per enterprise",
        (1, 3),
    ),
    (
        "duplicate_header.csv",
        "enterprises",
        "{file}:1: columns B and D both mean name_zh ('name_zh'); delete one of them",
        None,
    ),
    ("empty.csv", "enterprises", "{file}: file is empty; export the sheet again", None),
    (
        "excel_scientific.csv",
        "enterprises",
        "{file}:2: column '统一社会信用代码' (credit_code) value '9.13311E+17': looks like a number Excel shortened to scientific notation; format the column as Text in Excel and re-enter the codes",
        (1, 1),
    ),
    (
        "formula_cells.xlsx",
        "enterprises",
        "{file}:3: column '企业名称' (name_zh) value '=CONCATENATE(\"青田\",\"鞋业\")': holds a formula, not a value; in Excel copy the column and Paste Special → Values",
        (1, 2),
    ),
    (
        "gb18030_missing_name.csv",
        "enterprises",
        "{file}:3: column '企业名称' (name_zh) value '': is required; fill in name_zh for every row",
        (1, 2),
    ),
    (
        "gbk_negative_investment.csv",
        "projects",
        "{file}:2: column '投资额(万元)' (investment_wan) value '-500': is negative; amounts cannot be below 0: check the sign",
        (1, 1),
    ),
    (
        "gbt2011_ambiguous.csv",
        "enterprises",
        "{file}:2: column '行业代码' (gbt_codes) value '0170': 0170 is a GB/T 4754-2011 code that maps to several 2017 codes (0171, 0179); choose the right GB/T 4754-2017 code",
        (1, 1),
    ),
    ("header_only.csv", "enterprises", "{file}: no data rows below the header; nothing to import", None),
    (
        "huge_amount.csv",
        "projects",
        "{file}:2: column '投资额(万元)' (investment_wan) value '2000000000': is larger than 100,000,000; check the unit: investment is in 万元 (10,000 yuan)",
        (1, 1),
    ),
    (
        "huge_field.csv",
        "enterprises",
        "{file}:2: a field is longer than 131,072 characters: a closing quote is probably missing; check the quoting",
        None,
    ),
    (
        "json_object.json",
        "enterprises",
        "{file}:1: JSON input must be a list of objects, one per row: [{...}, {...}]",
        None,
    ),
    (
        "latin1.csv",
        "enterprises",
        "{file}:2: cannot tell the text encoding: not UTF-8 (byte 0xE9) and not GB18030/GBK Chinese (it looks like cp1250); pass --encoding (e.g. --encoding gb18030 or --encoding big5), or save the file as UTF-8",
        None,
    ),
    (
        "long_name.csv",
        "enterprises",
        "{file}:2: column '企业名称' (name_zh) value '华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华华… (304 characters)': is 304 characters long, at most 200; shorten it",
        (1, 1),
    ),
    (
        "merged_header.xlsx",
        "enterprises",
        "{file}:2: column E has no name in the header (row 1) but holds '1953': merged or empty header cells? give each column its own name in one header row",
        None,
    ),
    (
        "missing_column.csv",
        "enterprises",
        "{file}:1: missing required column(s) credit_code; add a column named credit_code (or 统一社会信用代码)",
        None,
    ),
    (
        "mixed_encoding.csv",
        "enterprises",
        "{file}:3: the file mixes encodings: UTF-8 text before this line, then byte 0xC7; save the whole file again as UTF-8 (or pass --encoding)",
        None,
    ),
    (
        "mixed_line_endings.csv",
        "enterprises",
        "{file}:4: column '统一社会信用代码' (credit_code) value '91331121MA2AQ0003X': check digit is 'X' but should be 'F' (GB 32100-2015); a character is mistyped: compare the code with the business licence",
        (1, 3),
    ),
    (
        "neither_place.csv",
        "enterprises",
        "{file}:2: the row gives neither county_code nor partner_id; say where the enterprise is: a mountain county or a partner zone",
        (1, 1),
    ),
    (
        "nested.ndjson",
        "enterprises",
        "{file}:1: column 'name_zh' value '{'zh': '甲公司'}': is a nested JSON value; give plain text or a number",
        (1, 1),
    ),
    (
        "no_known_header.csv",
        "enterprises",
        "{file}:1: no known column names in the header ('甲', '乙', '丙'); the first row must name the columns (see docs/import.md)",
        None,
    ),
    (
        "nul_bytes.csv",
        "enterprises",
        "{file}:3: NUL byte in the text; the file is binary or damaged: export it again from the source",
        None,
    ),
    (
        "numeric_credit.xlsx",
        "enterprises",
        "{file}:2: column '统一社会信用代码' (credit_code) value '9.1331121e+17': is stored as a number in Excel, which loses digits; format the column as Text in Excel and enter the codes again",
        (1, 1),
    ),
    (
        "old_excel.xls",
        "enterprises",
        "{file}: an old Excel .xls workbook; save it as .xlsx (or CSV UTF-8) in Excel and import that",
        None,
    ),
    (
        "pairings_unknown_partner.csv",
        "pairings",
        "{file}:3: column '结对方' (partner_id) value '火星开发区': is not a known partner district or zone; did you mean 江山经济开发区 (jiangshan-edz, Jiangshan Economic Development Zone) or 缙云经济开发区 (jinyun-edz, Jinyun Economic Development Zone) or 龙泉经济开发区 (longquan-edz, Longquan Economic Development Zone)? use the code or the Chinese name; `chainlink pairs` lists partners",
        (1, 2),
    ),
    (
        "segment_unknown.csv",
        "enterprises",
        "{file}:2: column '产业链环节' (segment_key) value 'foo/bar': is not a chain segment; write chain/segment as shown by `chainlink chains show CHAIN`",
        (1, 1),
    ),
    (
        "semicolon.csv",
        "enterprises",
        "{file}:1: the header is one column '统一社会信用代码;企业名称;所在县;行业代码;企业规模;链主': the file separates fields with ';', not ','; save it again as comma-separated CSV, or add the line sep=; at the top",
        None,
    ),
    (
        "source_unverified.csv",
        "enterprises",
        "{file}:2: column '可信度' (confidence) value 'sourced': must be 'unverified' when source is 'unverified'; give a real source or set confidence to unverified",
        (1, 1),
    ),
    (
        "tabs_in_csv.csv",
        "enterprises",
        "{file}:1: the header is one column '统一社会信用代码\\t企业名称\\t所在县\\t行业代码\\t企业规模\\t链主': the file separates fields with tabs, not ','; pass --format tsv",
        None,
    ),
    (
        "truncated.xlsx",
        "enterprises",
        "{file}: not a readable xlsx workbook (File is not a zip file); it may be truncated or another format: open it in Excel and save it again as .xlsx",
        None,
    ),
    (
        "truncated_quote.csv",
        "enterprises",
        "{file}:3: a quoted field opened in this row is never closed: the file is truncated or a quote is missing",
        None,
    ),
    (
        "truncated_row.csv",
        "enterprises",
        "{file}:3: row has 3 fields, the header has 6; the file may be truncated, or a field holds an unquoted delimiter: check this row",
        (1, 2),
    ),
    (
        "unknown_gbt.csv",
        "enterprises",
        "{file}:2: column '行业代码' (gbt_codes) value '9999': 9999 is not a GB/T 4754-2017 code; use a 2–4 digit code of GB/T 4754-2017 (for example 3443 for valves)",
        (1, 1),
    ),
    (
        "utf16_excel_unicode.txt",
        "enterprises",
        "{file}:2: column '企业规模' (size) value '巨型': is not one of the allowed values; use one of large, medium, micro, small (or 中/中型/大/大型/小/小型)",
        (1, 1),
    ),
    (
        "utf16_no_bom.csv",
        "enterprises",
        "{file}: looks like UTF-16 text without a byte-order mark; pass --encoding utf-16-le",
        None,
    ),
    (
        "utf8_bom_unknown_county.csv",
        "enterprises",
        "{file}:3: column '所在县' (county_code) value '火星县': is not a known mountain county; use the code or the Chinese name; `chainlink counties` lists the 26 counties",
        (1, 2),
    ),
    (
        "utf8_check_digit.csv",
        "enterprises",
        "{file}:3: column '统一社会信用代码' (credit_code) value '91331121MA2AQ00018': check digit is '8' but should be '9' (GB 32100-2015); a character is mistyped: compare the code with the business licence",
        (1, 2),
    ),
    (
        "year_out_of_range.csv",
        "projects",
        "{file}:2: column '年份' (year) value '3024': is outside 1949–2100; write the four-digit year",
        (1, 1),
    ),
]


def registry_hash(db: Path) -> str:
    """A hash of everything an import could change: schema, version, meta, user tables, row counts."""
    conn = sqlite3.connect(db)
    digest = hashlib.sha256()
    digest.update(repr(conn.execute("PRAGMA user_version").fetchone()).encode())
    tables = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
    for kind, name, sql in tables:
        digest.update(repr((kind, name, sql)).encode())
        if kind != "table":
            continue
        if name.startswith("user_") or name == "meta":
            for row in conn.execute(f"SELECT * FROM [{name}] ORDER BY rowid"):
                digest.update(repr(row).encode())
        else:
            digest.update(repr(conn.execute(f"SELECT count(*) FROM [{name}]").fetchone()).encode())
    conn.close()
    return digest.hexdigest()


@pytest.fixture
def db(shared_mini_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "registry.db"
    shutil.copyfile(shared_mini_db, target)
    return target


def test_corpus_is_large_enough() -> None:
    files = {p.name for p in BAD.iterdir() if p.name != "make_corpus.py" and p.is_file()}
    assert len(files) >= 30
    assert files == {case[0] for case in CASES}, "every corpus file has exactly one case"


@pytest.mark.parametrize(("name", "kind", "first", "summary"), CASES, ids=[c[0] for c in CASES])
def test_bad_file(db: Path, name: str, kind: str, first: str, summary: tuple[int, int] | None) -> None:
    path = BAD / name
    before = registry_hash(db)
    with pytest.raises(ChainlinkError) as info:
        import_file(kind, path, db)
    expected = first.replace("{file}", str(path))
    if summary is not None:
        invalid, read = summary
        expected += (
            f"\n{path}: {invalid} invalid row(s) of {read}; nothing was imported: fix them, or pass "
            f"--skip-invalid to import the {read - invalid} valid row(s) and write the invalid ones to a rejects file"
        )
    assert str(info.value) == expected
    assert info.value.exit_code == 1
    assert registry_hash(db) == before
    assert not (BAD / (path.stem + ".rejects.csv")).exists()
