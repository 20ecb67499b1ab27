"""Regenerate the command-line bad-input files in this folder: ``python tests/data/bad/cli/make_cli_corpus.py``.

tests/test_cli_corpus.py names the exact message each must produce. The output is committed, so the tests
never depend on this script (except that it must be able to regenerate the same files).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
A, B = "91331121MA2AQ00019", "91331121MA2AQ0002C"


def _fixed_zip(data: bytes, edit=None) -> bytes:  # noqa: ANN001 - a bytes → bytes function per member
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb">\d{4}-\d\d-\d\dT[\d:]+Z<", b">2024-01-01T00:00:00Z<", body)
            if edit is not None:
                body = edit(info.filename, body)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return out.getvalue()


def workbook(rows: list[list[object]], edit=None) -> bytes:  # noqa: ANN001
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return _fixed_zip(buf.getvalue(), edit)


def main() -> None:
    from chainlink.base.credit import complete

    codes = [complete(f"91331121MA2AQ{n:04d}") for n in range(100, 110)]
    header = ["统一社会信用代码", "企业名称", "所在县"]
    rows = [header] + [[c, f"青田第{i}鞋业有限公司", "青田县"] for i, c in enumerate(codes, 1)]

    def stale(name: str, body: bytes) -> bytes:
        if name.startswith("xl/worksheets/"):
            body = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:C4"', body)
        return body

    (HERE / "stale_dimension.xlsx").write_bytes(workbook(rows, stale))

    def huge(name: str, body: bytes) -> bytes:
        if name.startswith("xl/worksheets/"):
            body = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:C2000000"', body)
        return body

    (HERE / "declares_2m_rows.xlsx").write_bytes(workbook(rows[:3], huge))

    def padded(name: str, body: bytes) -> bytes:  # ~2 MiB of XML whitespace: compresses to almost nothing
        if name.startswith("xl/worksheets/"):
            body = body.replace(b"<sheetData>", b"<sheetData>" + b" " * (2 << 20))
        return body

    (HERE / "unpacks_2mb.xlsx").write_bytes(workbook(rows[:3], padded))

    gbk = ("统一社会信用代码,企业名称,所在县\n" + f"{A},浙江青田华峰鞋业有限公司,青田县\n").encode("gbk")
    (HERE / "gbk_utf8_last_row.csv").write_bytes(gbk + f"{B},丽水,丽水\n".encode())
    (HERE / "billion_laughs.yaml").write_text(
        "name: lol\ngbt: '3443'\n"
        + 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
        ),
        encoding="utf-8",
    )
    (HERE / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    (HERE / "deep_project.json").write_text('{"name": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    (HERE / "deep.yaml").write_text("name: " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    project = {"name": "示例项目", "gbt": "2925"}
    (HERE / "project_infinity.json").write_text('{"name": "示例项目", "gbt": "2925", "investment": Infinity}')
    (HERE / "project_1e308.json").write_text(json.dumps(project | {"investment": 1e308}))
    (HERE / "project_true.json").write_text(json.dumps(project | {"investment": True}))
    (HERE / "project_long_name.yaml").write_text(f"name: {'长' * 10_000}\ngbt: '2925'\n", encoding="utf-8")
    (HERE / "project_bidi.yaml").write_text(
        'name: "\\e[31m示例\\u202e目项"\ngbt: \'2925\'\n', encoding="utf-8"
    )


if __name__ == "__main__":
    main()
    print(f"{len(list(HERE.glob('*'))) - 1} files in {HERE}")
