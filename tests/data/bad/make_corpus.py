"""Regenerate the bad-input corpus in this folder: ``python tests/data/bad/make_corpus.py``.

Each file holds one problem (tests/test_import_corpus.py names the exact message it must produce).
Binary and non-UTF-8 files are easier to make than to edit by hand, hence this script; its output is
committed so that the tests never depend on it.
"""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Valid unified social credit codes (check digits computed by chainlink.base.credit.complete).
A, B, C = "91331121MA2AQ00019", "91331121MA2AQ0002C", "91331121MA2AQ0003F"
D = "91330881MA2AQ00047"
ENT = "统一社会信用代码,企业名称,所在县,行业代码,企业规模,链主"
PRJ = "项目名称,来源园区,落地县,行业代码,投资额(万元),用地(亩),能耗,状态,年份"


def text(name: str, body: str, encoding: str = "utf-8", newline: str = "\n") -> None:
    data = body.replace("\n", newline).encode(encoding)
    (HERE / name).write_bytes(data)


def rows(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def make_text_files() -> None:
    ok = f"{A},浙江青田华峰鞋业有限公司,青田县,1952,中型,是"
    text(
        "utf8_check_digit.csv", rows(ENT, ok, "91331121MA2AQ00018,青田石雕工艺品有限公司,青田县,2432,小型,否")
    )
    text("utf8_bom_unknown_county.csv", "\ufeff" + rows(ENT, ok, f"{B},火星鞋业有限公司,火星县,1952,小型,否"))
    text(
        "gbk_negative_investment.csv",
        rows(PRJ, "年产500万双皮鞋项目,宁波经开区,青田县,1952,-500,80,1200,洽谈,2024"),
        "gbk",
    )
    text(
        "gb18030_missing_name.csv",
        rows(ENT, f"{A},䶮石文化有限公司,青田县,2432,小型,否", f"{B},,青田县,1952,,"),
        "gb18030",
    )
    text(
        "utf16_excel_unicode.txt",
        "\ufeff" + rows(ENT.replace(",", "\t"), f"{A}\t浙江青田华峰鞋业有限公司\t青田县\t1952\t巨型\t是"),
        "utf-16-le",
        "\r\n",
    )
    big5 = "統一社會信用代碼,企業名稱,所在縣,行業代碼,企業規模,鏈主"
    text("big5.csv", rows(big5, f"{A},臺灣鞋業股份有限公司,青田縣,1952,中型,是"), "big5")
    (HERE / "latin1.csv").write_bytes(
        rows("credit_code,name_zh,county_code", f"{A},Café Müller,331121").encode("latin-1")
    )
    (HERE / "utf16_no_bom.csv").write_bytes(rows(ENT, ok).encode("utf-16-le"))
    (HERE / "empty.csv").write_bytes(b"")
    text("blank_lines.csv", ",,,\n,,\n\n,,,,\n")
    text("header_only.csv", rows(ENT))
    text("truncated_quote.csv", rows(ENT, ok) + f'{B},"青田未完成的引号鞋业,青田县,1952')
    text("truncated_row.csv", rows(ENT, ok) + f"{B},青田截断鞋业有限公司,青田县")
    text("semicolon.csv", rows(ENT.replace(",", ";"), ok.replace(",", ";")))
    text("tabs_in_csv.csv", rows(ENT.replace(",", "\t"), ok.replace(",", "\t")))
    text("duplicate_header.csv", rows("credit_code,name_zh,county_code,name_zh", f"{A},甲公司,331121,乙公司"))
    text("alias_clash.csv", rows("统一社会信用代码,企业名称,所在县,name_zh", f"{A},甲公司,331121,乙公司"))
    text("missing_column.csv", rows("企业名称,所在县,行业代码", "浙江青田华峰鞋业有限公司,青田县,1952"))
    text("no_known_header.csv", rows("甲,乙,丙", "1,2,3"))
    text("unknown_gbt.csv", rows(ENT, f"{A},浙江青田华峰鞋业有限公司,青田县,9999,中型,是"))
    text("gbt2011_ambiguous.csv", rows(ENT, f"{A},青田农产品有限公司,青田县,0170,小型,否"))
    text("huge_amount.csv", rows(PRJ, "超大项目,宁波经开区,青田县,1952,2000000000,80,1200,洽谈,2024"))
    text("year_out_of_range.csv", rows(PRJ, "未来项目,宁波经开区,青田县,1952,500,80,1200,洽谈,3024"))
    text("bad_status.csv", rows(PRJ, "完成项目,宁波经开区,青田县,1952,500,80,1200,done,2024"))
    text("huge_field.csv", rows(ENT, f'{A},"{"x" * 140_000}",青田县,1952,中型,是'))
    text("long_name.csv", rows(ENT, f"{A},{'华' * 300}有限公司,青田县,1952,中型,是"))
    text("nul_bytes.csv", rows(ENT, ok, f"{B},青田\x00鞋业有限公司,青田县,1952,小型,否"))
    (HERE / "mixed_line_endings.csv").write_bytes(
        (
            ENT
            + "\r\n"
            + ok
            + "\n"
            + f"{B},青田第二鞋业有限公司,青田县,1952,小型,否\r"
            + f"{C[:-1]}X,青田第三鞋业有限公司,青田县,1952,小型,否\r\n"
        ).encode("utf-8")
    )
    text(
        "duplicate_credit.csv",
        rows(ENT, ok, f"{B},青田第二鞋业有限公司,青田县,1952,小型,否", f"{A},青田华峰鞋业,青田,1952,,"),
    )
    text("bad_charset_credit.csv", rows(ENT, "91331121MA2AO0001X,青田字母鞋业有限公司,青田县,1952,小型,否"))
    text("excel_scientific.csv", rows(ENT, "9.13311E+17,青田科学计数鞋业有限公司,青田县,1952,小型,否"))
    text("chain_leader_bad.csv", rows(ENT, f"{A},浙江青田华峰鞋业有限公司,青田县,1952,中型,maybe"))
    text("neither_place.csv", rows(ENT, f"{A},浙江青田华峰鞋业有限公司,,1952,中型,是"))
    text("control_char.csv", rows(ENT, f"{A},浙江青田\x07华峰鞋业有限公司,青田县,1952,中型,是"))
    text(
        "source_unverified.csv",
        rows(ENT + ",来源,可信度", f"{A},浙江青田华峰鞋业有限公司,青田县,1952,中型,是,unverified,sourced"),
    )
    text(
        "segment_unknown.csv",
        rows(ENT + ",产业链环节", f"{A},浙江青田华峰鞋业有限公司,青田县,1952,中型,是,foo/bar"),
    )
    text(
        "pairings_unknown_partner.csv",
        rows("山区县,结对方,结对类型", "青田县,宁波经开区,山海协作", "青田县,火星开发区,山海协作"),
    )
    text("characteristic_bad_code.csv", rows("所在县,特色产业,行业代码", "青田县,石雕,12ab"))
    mixed = rows(ENT, ok).encode("utf-8") + f"{B},青田混合编码鞋业有限公司,青田县,1952,小型,否\n".encode(
        "gbk"
    )
    (HERE / "mixed_encoding.csv").write_bytes(mixed)
    (HERE / "old_excel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    text("csv_named_xlsx.xlsx", rows(ENT, ok))
    text("bad_json.json", json.dumps([{"credit_code": A, "name_zh": "甲", "county_code": "331121"}])[:-3])
    text("json_object.json", json.dumps({"credit_code": A, "name_zh": "甲", "county_code": "331121"}))
    text(
        "bad_line.ndjson",
        rows(
            json.dumps({"credit_code": A, "name_zh": "甲公司", "county_code": "331121"}, ensure_ascii=False),
            json.dumps({"credit_code": B, "name_zh": "乙公司", "county_code": "331121"}, ensure_ascii=False),
            '{"credit_code": "' + C + '", "name_zh": "丙公司", ',
        ),
    )
    text(
        "nested.ndjson",
        rows(
            json.dumps(
                {"credit_code": A, "name_zh": {"zh": "甲公司"}, "county_code": "331121"}, ensure_ascii=False
            ),
        ),
    )
    assert codecs.lookup("big5")


def make_workbooks() -> None:
    import io
    import zipfile

    from openpyxl import Workbook

    def save(book: Workbook, name: str) -> bytes:
        buf = io.BytesIO()
        book.save(buf)
        data = buf.getvalue()
        # fixed zip timestamps and core properties so that regenerating gives the same bytes
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                body = src.read(info.filename)
                if info.filename == "docProps/core.xml":
                    body = re.sub(rb">\d{4}-\d\d-\d\dT[\d:]+Z<", b">2024-01-01T00:00:00Z<", body)
                fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
                fixed.compress_type = zipfile.ZIP_DEFLATED
                dst.writestr(fixed, body)
        (HERE / name).write_bytes(out.getvalue())
        return out.getvalue()

    book = Workbook()
    ws = book.active
    ws.title = "企业名单"
    ws.append(["统一社会信用代码", "企业名称", "所在县", "行业代码", None, "链主"])
    ws.merge_cells("D1:E1")
    ws.append([A, "浙江青田华峰鞋业有限公司", "青田县", "1952", "1953", "是"])
    save(book, "merged_header.xlsx")

    book = Workbook()
    ws = book.active
    ws.append(["统一社会信用代码", "企业名称", "所在县", "行业代码"])
    ws.append([A, "浙江青田华峰鞋业有限公司", "青田县", "1952"])
    ws.append([B, '=CONCATENATE("青田","鞋业")', "青田县", "1952"])
    save(book, "formula_cells.xlsx")

    book = Workbook()
    ws = book.active
    ws.append(["统一社会信用代码", "企业名称", "所在县", "行业代码"])
    ws.append([913311210000000000, "数字代码鞋业有限公司", "青田县", 1952])
    save(book, "numeric_credit.xlsx")

    book = Workbook()
    ws = book.active
    ws.append(["统一社会信用代码", "企业名称", "所在县", "行业代码"])
    for i in range(200):
        ws.append([A, f"第{i}号鞋业有限公司", "青田县", "1952"])
    data = save(book, "truncated.xlsx")
    (HERE / "truncated.xlsx").write_bytes(data[: len(data) // 2])


if __name__ == "__main__":
    make_text_files()
    make_workbooks()
    print(f"{len(list(HERE.glob('*'))) - 1} files in {HERE}")
