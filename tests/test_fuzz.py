"""Issue 15: random bytes and random YAML/JSON/CSV/xlsx structures fed to every command that reads a file.

Each example writes one file and runs the command in-process (:func:`tests.cli_corpus.run_cli`). Whatever
the input, the command exits 0, 1 or 2; on failure stderr starts with one ``chainlink: error:`` line (an
import's row problems follow it, one per line, by design); no exception escapes (a traceback would); the
registry is unchanged (:func:`tests.test_import_corpus.registry_hash`). Examples are few and derandomized
so that the whole file runs in about a minute.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli_corpus import run_cli
from tests.test_import_corpus import registry_hash

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30
) | st.sampled_from(["青田县", "331121", "=1+1", "\t=HYPERLINK(1)", "91331121MA2AQ00019", "3443", "-1", "1e308"])
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | text
structures = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=20,
)
FIELDS = ["name", "gbt", "investment", "origin", "segment", "统一社会信用代码", "企业名称", "所在县", "id"]
rows = st.lists(st.lists(text, min_size=1, max_size=5), min_size=1, max_size=5)


def _csv(data: list[list[str]]) -> bytes:
    import csv

    buf = io.StringIO()
    csv.writer(buf).writerows(data)
    return buf.getvalue().encode("utf-8")


def _xlsx(data: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for row in data:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _content(kind: str, data: object) -> bytes:
    if kind == "bytes":
        return data  # type: ignore[return-value]
    if kind == "json":
        return json.dumps(data, ensure_ascii=False, allow_nan=True).encode("utf-8")
    if kind == "yaml":
        return yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
    if kind == "csv":
        return _csv(data)  # type: ignore[arg-type]
    return _xlsx(data)  # type: ignore[arg-type]


inputs = st.one_of(
    st.tuples(st.just("bytes"), st.binary(max_size=300)),
    st.tuples(st.just("json"), structures),
    st.tuples(st.just("json"), st.dictionaries(st.sampled_from(FIELDS), scalars, max_size=5)),
    st.tuples(st.just("yaml"), structures),
    st.tuples(st.just("yaml"), st.dictionaries(st.sampled_from(FIELDS), scalars, max_size=5)),
    st.tuples(st.just("csv"), rows),
    st.tuples(st.just("xlsx"), rows),
)
SUFFIX = {"bytes": ".csv", "json": ".json", "yaml": ".yaml", "csv": ".csv", "xlsx": ".xlsx"}


@pytest.fixture
def db(shared_mini_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "t.db"
    shutil.copyfile(shared_mini_db, target)
    return target


def _check(db: Path, args: list[str]) -> None:
    before = registry_hash(db)
    code, _out, err = run_cli(args)
    assert code in (0, 1, 2), (args, code, err)
    assert "Traceback" not in err
    if code:
        # an error, or export --check's "chainlink: FILE: differs …" report
        assert err.startswith("chainlink: error: ") or (args[0] == "export" and err.startswith("chainlink: ")), err[:500]
        assert len(err.splitlines()[0]) <= 1100
    assert registry_hash(db) == before


COMMANDS = {
    "import": lambda f, db: ["import", "enterprises", str(f), "--db", str(db)],
    "import-projects": lambda f, db: ["import", "projects", str(f), "--db", str(db), "--skip-invalid",
                                      "--rejects", str(f.with_suffix(".rej.csv"))],
    "project": lambda f, db: ["match", "--db", str(db), "--project", str(f)],
    "preset": lambda f, db: ["match", "qingtian", "--db", str(db), "--preset", str(f)],
    "scenario": lambda f, db: ["allocate", "--db", str(db), "--scenario", str(f)],
    "allocate-projects": lambda f, db: ["allocate", "--db", str(db), "--projects", str(f)],
    "diff": lambda f, db: ["diff", str(f), str(f)],
    "metrics": lambda f, db: ["metrics", "compute", str(f), "-f", "csv", "-o", str(f.with_suffix(".out"))],
    "export-check": lambda f, db: ["export", "--db", str(db), "--check", str(f)],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_fuzz_file_readers(command: str, db: Path, tmp_path: Path) -> None:
    @SETTINGS
    @given(item=inputs)
    def run(item: tuple[str, object]) -> None:
        kind, data = item
        path = tmp_path / f"input{SUFFIX[kind]}"
        path.write_bytes(_content(kind, data))
        _check(db, COMMANDS[command](path, db))

    run()
