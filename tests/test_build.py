"""Build validation: one bad source per error kind, atomic writes, and --check both ways."""

from __future__ import annotations

import csv
import hashlib
import re
import sqlite3
from pathlib import Path

import pytest

from chainlink.errors import DataError
from chainlink.sources import SourceErrors
from chainlink.store.build import TABLES, check_registry, compile_registry
from tests._data import load, source_errors


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_mini_sources_load(mini_root: Path) -> None:
    tables = load(mini_root).tables
    assert len(tables["counties"]) == 26
    assert {s["key"] for s in tables["segments"]} >= {
        "petrochemical/resin",
        "synthetic-leather-footwear/footwear",
    }
    cross = [e for e in tables["edges"] if e["from_key"] == "petrochemical/resin"]
    assert cross and cross[0]["to_key"] == "synthetic-leather-footwear/synthetic-leather"


LEATHER = "chains/synthetic-leather-footwear.yaml"


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            LEATHER,
            'gbt: ["1952"]',
            'gbt: ["1999"]',
            r"^chains/synthetic-leather-footwear\.yaml:\d+: unknown GB/T 4754-2017 code '1999'",
        ),
        (
            LEATHER,
            "to: footwear",
            "to: sandals",
            r"^chains/synthetic-leather-footwear\.yaml:\d+: edge to 'sandals': no such segment \(dangling edge\)",
        ),
        (
            LEATHER,
            "- id: valves",
            "- id: footwear",
            r"^chains/synthetic-leather-footwear\.yaml:\d+: duplicate segment id 'footwear'",
        ),
        (
            LEATHER,
            "source: NBS\n",
            "source: ''\n",
            r"^chains/synthetic-leather-footwear\.yaml:\d+: source is empty",
        ),
        (
            LEATHER,
            "confidence: unverified\nsource",
            "confidence: maybe\nsource",
            r"^chains/synthetic-leather-footwear\.yaml:\d+: bad confidence 'maybe'",
        ),
        (
            LEATHER,
            'stage: product\n    gbt: ["1952"]',
            'stage: retail\n    gbt: ["1952"]',
            r"^chains/synthetic-leather-footwear\.yaml:\d+: bad stage 'retail'",
        ),
        (
            LEATHER,
            'gbt: ["1952"]',
            "gbt: [1952]",
            r"^chains/synthetic-leather-footwear\.yaml:\d+: gbt: YAML read 1952 as a number; quote it",
        ),
        (
            LEATHER,
            "aliases: [鞋革, 合成革]",
            "aliases: [鞋革, no]",
            r"^chains/synthetic-leather-footwear\.yaml:\d+: aliases: YAML read False as a boolean",
        ),
        (
            LEATHER,
            "name_en: Leather shoes",
            "name_en: Leather shoes\n    name_en: Shoes",
            r"^chains/synthetic-leather-footwear\.yaml:\d+: duplicate key 'name_en'",
        ),
        (
            LEATHER,
            "id: synthetic-leather-footwear",
            "id: leather",
            r"^chains/synthetic-leather-footwear\.yaml:\d+: id 'leather' must equal the file name",
        ),
        (
            "data/counties.csv",
            "331121,青田县",
            "331122,青田县",
            r"^data/counties\.csv:\d+: duplicate code 331122",
        ),
        (
            "data/pairings.csv",
            "P027,331121,,ningbo-etdz",
            "P027,331121,,nowhere-etdz",
            r"^data/pairings\.csv:\d+: partner_id 'nowhere-etdz' is not in data/partners\.csv",
        ),
        (
            "data/characteristic_industries.csv",
            "valves,3443,",
            "valves,3449,",
            r"^data/characteristic_industries\.csv:\d+: unknown GB/T 4754-2017 code '3449'",
        ),
        (
            "data/pairings.csv",
            ",sourced\nP002",
            ",probably\nP002",
            r"^data/pairings\.csv:2: bad confidence 'probably'",
        ),
    ],
)
def test_each_error_kind_names_file_and_line(
    mini_root: Path, file: str, old: str, new: str, expected: str
) -> None:
    _edit(mini_root / file, old, new)
    errors = source_errors(mini_root)
    assert any(re.search(expected, e) for e in errors), errors


def test_missing_source_in_csv(mini_root: Path) -> None:
    path = mini_root / "data" / "partner_industries.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    # blank the source field of the first data row (second to last column)
    import csv
    import io

    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    rows[1][-2] = ""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    assert (
        "data/partner_industries.csv:2: missing source; every fact needs a source (or the word 'unverified')"
        in source_errors(mini_root)
    )


@pytest.mark.parametrize("file", ["data/pairings.csv", "data/partners.csv", "data/projects.csv"])
def test_blank_id_is_an_error(mini_root: Path, file: str) -> None:
    """A row without an id was compiled with the empty id (a pairing '' in the registry)."""
    path = mini_root / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = "," + lines[1].split(",", 1)[1]
    path.write_text("".join(lines), encoding="utf-8")
    assert f"{file}:2: missing id; give every row one, unique in the file" in source_errors(mini_root)


def test_cycle_is_reported(mini_root: Path) -> None:
    path = mini_root / LEATHER
    path.write_text(
        path.read_text(encoding="utf-8")
        + "  - from: footwear\n    to: petrochemical/refining\n    source: test\n    confidence: unverified\n",
        encoding="utf-8",
    )
    errors = source_errors(mini_root)
    assert any("cycle in the chain graph" in e and "petrochemical/refining" in e for e in errors), errors


def test_yaml_syntax_error_has_line(mini_root: Path) -> None:
    (mini_root / "chains" / "broken.yaml").write_text("id: broken\nsegments: [\n", encoding="utf-8")
    errors = source_errors(mini_root)
    assert any(re.match(r"chains/broken\.yaml:\d+: YAML syntax error", e) for e in errors), errors


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_failed_build_leaves_registry_untouched(mini_root: Path, mini_db: Path) -> None:
    before = _digest(mini_db)
    _edit(mini_root / LEATHER, 'gbt: ["1952"]', 'gbt: ["1999"]')
    with pytest.raises(SourceErrors):
        compile_registry(mini_root, mini_db)
    assert _digest(mini_db) == before
    assert [p.name for p in mini_root.iterdir() if p.name.endswith(".tmp")] == []


def test_check_both_ways(mini_root: Path, mini_db: Path) -> None:
    assert check_registry(mini_root, mini_db) == []
    _edit(mini_root / LEATHER, "name_zh: 皮鞋", "name_zh: 皮鞋制造")
    diffs = check_registry(mini_root, mini_db)
    assert diffs == ["segments: 1 changed (synthetic-leather-footwear/footwear)"]
    compile_registry(mini_root, mini_db)
    assert check_registry(mini_root, mini_db) == []


def test_check_ignores_bytes_only_changes(mini_root: Path, mini_db: Path) -> None:
    # Reordering rows in a CSV changes bytes but not content.
    path = mini_root / "data" / "counties.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([header, *reversed(rows)]) + "\n", encoding="utf-8")
    assert check_registry(mini_root, mini_db) == []


def test_registry_schema_version(mini_db: Path) -> None:
    import sqlite3

    from chainlink.store.registry import SCHEMA_VERSION

    conn = sqlite3.connect(mini_db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    assert meta["app"] == "chainlink"


def test_open_rejects_missing_and_foreign(tmp_path: Path) -> None:
    from chainlink.store.registry import Registry

    with pytest.raises(DataError, match="registry not found"):
        Registry.open(tmp_path / "nope.db")
    foreign = tmp_path / "foreign.db"
    foreign.write_text("hello, not sqlite\n" * 100)
    with pytest.raises(DataError, match="not a chainlink registry"):
        Registry.open(foreign)
    import sqlite3

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)")
    with pytest.raises(DataError, match="no meta table"):
        Registry.open(other)


def test_rebuild_keeps_user_tables(mini_root: Path, mini_db: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(mini_db)
    with conn:
        conn.execute("CREATE TABLE user_notes (id TEXT PRIMARY KEY, note TEXT)")
        conn.execute("CREATE INDEX user_notes_note ON user_notes (note)")
        conn.executemany("INSERT INTO user_notes VALUES (?, ?)", [("a", "甲"), ("b", "乙")])
    conn.close()
    report = compile_registry(mini_root, mini_db)
    assert report.counts["user_notes"] == 2
    conn = sqlite3.connect(mini_db)
    assert conn.execute("SELECT id, note FROM user_notes ORDER BY id").fetchall() == [
        ("a", "甲"),
        ("b", "乙"),
    ]
    assert conn.execute(
        "SELECT name FROM sqlite_master WHERE type='index' AND name='user_notes_note'"
    ).fetchone()
    assert check_registry(mini_root, mini_db) == []


def test_build_refuses_to_overwrite_a_foreign_file(mini_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import chainlink.store.build as build

    target = mini_root / "precious.db"
    target.write_text("my thesis\n", encoding="utf-8")
    with monkeypatch.context() as patch:  # a file that is not SQLite at all is refused before compiling
        patch.setattr(build, "compile_tables", lambda *a, **k: pytest.fail("compiled before refusing"))
        with pytest.raises(DataError, match="exists and is not a chainlink registry"):
            compile_registry(mini_root, target)
    assert target.read_text(encoding="utf-8") == "my thesis\n"
    # a SQLite file without chainlink's meta table: refused where the build reads the old file's user tables
    from chainlink.store.userdata import carry_over

    other = mini_root / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(DataError, match="exists and is not a chainlink registry"):
        carry_over(other, sqlite3.connect(":memory:"))


def test_recorded_hashes_let_check_and_build_skip_work(
    mini_root: Path, mini_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    import chainlink.store.build as build

    meta = dict(sqlite3.connect(mini_db).execute("SELECT key, value FROM meta").fetchall())
    counties = load(mini_root).tables["counties"]  # as compiled: a build derives no county column
    assert {k for k in meta if k.startswith("hash:")} == {f"hash:{t}" for t in build.TABLES}
    assert meta["hash:counties"] == build.table_hash(counties, "code")
    assert meta["inputs_hash"] == build.inputs_hash(mini_root)
    assert build.is_current(mini_root, mini_db)

    def no_compile(*args, **kwargs):
        raise AssertionError("compiled although nothing changed")

    monkeypatch.setattr(build, "compile_tables", no_compile)
    assert check_registry(mini_root, mini_db) == []
    monkeypatch.undo()
    # A hand edit of the registry is only seen by the full comparison (and by `doctor`).
    conn = sqlite3.connect(mini_db)
    with conn:
        conn.execute("UPDATE counties SET name_en = 'Nowhere' WHERE code = '331121'")
    conn.close()
    assert check_registry(mini_root, mini_db) == []
    assert check_registry(mini_root, mini_db, full=True) == ["counties: 1 changed (331121)"]
    # Any byte of the sources changed: compiled and compared, table by table.
    _edit(mini_root / LEATHER, "name_zh: 皮鞋", "name_zh: 皮鞋制造")
    assert not build.is_current(mini_root, mini_db)
    assert check_registry(mini_root, mini_db) == ["segments: 1 changed (synthetic-leather-footwear/footwear)"]


def test_pinyin_reused_from_the_previous_or_shipped_registry_only_when_the_same(
    mini_root: Path, mini_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    import chainlink.sources.tables as sources  # load_industries looks industry_pinyin up there

    # mini_db is the session's compile of mini_root into a new file, its pinyin the shipped registry's (the last
    # build below computes every name afresh and must give the same)
    conn = sqlite3.connect(mini_db)
    query = "SELECT code, name_zh, pinyin FROM industries"
    fresh = [dict(zip(("code", "name_zh", "pinyin"), r, strict=True)) for r in conn.execute(query)]
    conn.close()
    assert len(fresh) > 1000 and all(r["pinyin"] for r in fresh if r["name_zh"])
    calls: list[int] = []
    real = sources.industry_pinyin
    monkeypatch.setattr(sources, "industry_pinyin", lambda names: calls.append(len(names)) or real(names))
    compile_registry(mini_root, mini_db)  # every name known: nothing computed
    assert calls == []
    rows = sqlite3.connect(mini_db).execute("SELECT code, pinyin FROM industries").fetchall()
    assert dict(rows) == {r["code"]: r["pinyin"] for r in fresh}
    import shutil

    import chainlink.store.registry as registry

    def another_pypinyin(path: Path) -> None:
        conn = sqlite3.connect(path)
        with conn:
            conn.execute("UPDATE meta SET value = '0.0' WHERE key = 'pypinyin_version'")
        conn.close()

    from chainlink.store.build import _previous_pinyin

    shipped = mini_root / "shipped.db"  # stands for the registry shipped with chainlink
    shutil.copyfile(mini_db, shipped)
    monkeypatch.setattr(registry, "default_registry_path", lambda: shipped)
    known = {r["name_zh"]: r["pinyin"] for r in fresh}
    assert _previous_pinyin(mini_root / "new.db") == known  # a new file: the shipped registry's pinyin
    another_pypinyin(mini_db)
    assert _previous_pinyin(mini_db) == known  # another pypinyin made the old file: the shipped registry's
    another_pypinyin(shipped)
    assert _previous_pinyin(mini_db) is None and _previous_pinyin(shipped) is None
    compile_registry(mini_root, mini_db)  # another pypinyin made both: all computed again
    assert calls == [len({r["name_zh"] for r in fresh})]
    rows = sqlite3.connect(mini_db).execute("SELECT code, pinyin FROM industries").fetchall()
    assert dict(rows) == {r["code"]: r["pinyin"] for r in fresh}


def test_mini_db_fixture_is_what_a_compile_of_mini_root_gives(mini_root: Path, mini_db: Path) -> None:
    # conftest's mini_db copies one registry compiled per session; it must equal a fresh compile: every meta row
    # the same (each reference table's `dbhash:` of its stored rows, `hash:` of its compiled rows, row count and
    # columns; the sources and inputs hashes).
    fresh = mini_root / "fresh.db"
    compile_registry(mini_root, fresh)

    def content(path: Path) -> tuple[int, dict[str, str]]:
        conn = sqlite3.connect(path)
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        return conn.execute("PRAGMA user_version").fetchone()[0], meta

    version, meta = content(fresh)
    assert {k.split(":")[0] for k in meta} >= {"dbhash", "hash", "rows", "columns", "sources_hash", "inputs_hash"}
    assert len([k for k in meta if k.startswith("dbhash:")]) == len(TABLES)
    assert content(mini_db) == (version, meta)


def test_inputs_hash_ignores_bytecode(mini_root: Path) -> None:
    # importing data/derive/*.py (a test, a user) writes __pycache__ there: not an input of the build
    from chainlink.store.build import inputs_hash

    before = inputs_hash(mini_root)
    cache = mini_root / "data" / "derive" / "__pycache__"
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "edge_evidence.cpython-311.pyc").write_bytes(b"\x00bytecode")
    assert inputs_hash(mini_root) == before
    (mini_root / "data" / "derive" / "new.py").write_text("", encoding="utf-8")  # a source file is one
    assert inputs_hash(mini_root) != before


def test_same_row_is_the_json_comparison() -> None:
    """``build._same_row`` (``check --full``'s row comparison, short-cut for equal rows) says what comparing the
    rows' JSON (``_norm``) says, including the pairs that are equal in Python but not in JSON and back."""
    from chainlink.store.build import _norm, _same_row

    base = {"code": "331121", "name": "青田县", "n": 3, "value": 0.5, "note": None}
    others = [
        dict(base),
        base | {"note": ""},  # null is written as ""
        base | {"n": 3.0},  # equal in Python, 3 and 3.0 in JSON
        base | {"value": 0.0},
        base | {"n": True, "value": 1},
        {k: base[k] for k in reversed(base)},  # keys in another order: JSON sorts them
        base | {"name": "青田"},
        {k: v for k, v in base.items() if k != "note"},
        base | {"value": float("nan")},
    ]
    pairs = [(a, b) for a in others for b in others]
    pairs += [(base | {"value": 0.0}, base | {"value": -0.0}), (base | {"n": 0}, base | {"n": 0.0})]
    for a, b in pairs:
        assert _same_row(a, b) == (_norm(a) == _norm(b)), (a, b)
    assert sum(_same_row(a, b) for a, b in pairs) > len(others)  # some equal pairs besides each with itself


def _dictreader_rows(path: Path) -> list[tuple[int, dict[str, str]]] | tuple[str, int | None]:
    """The plain definition of ``read_csv_rows``'s rows (csv.DictReader, every value stripped, a missing field
    ""), or (error text, line) where it stops."""

    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        try:
            header = reader.fieldnames or []
            if len(set(header)) < len(header):
                return ("duplicate column", 1)
            rows = []
            for row in reader:
                if None in row:
                    return ("more fields than the header has", reader.line_num)
                rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
        except UnicodeDecodeError:
            return ("not UTF-8 text", None)
        except csv.Error as exc:  # e.g. a field over the csv module's size limit: read_csv_rows raises it too
            return (f"csv.Error: {exc}", None)
        return rows


def test_read_csv_rows_is_dictreaders(tmp_path: Path) -> None:
    """``read_csv_rows`` (csv.reader, each row one ``dict(zip(...))``) gives csv.DictReader's rows and line numbers:
    every CSV of the project and the test data, and hand-made edge cases (blank lines, short and long rows, a
    quoted field over two lines, a byte-order mark, only a header, an empty file)."""
    from chainlink.errors import SourceError
    from chainlink.sources.collect import read_csv_rows

    cases = {
        "edges.csv": "a,b,c\n1, x ,3\n\n4,5\n\"six\nlines\",7,8\n \n9,10,11\n",
        "long.csv": "a,b\n1,2\n3,4,5\n",
        "bom.csv": "\ufeffa,b\n1,2\n",
        "header.csv": "a,b\n",
        "empty.csv": "",
        "dupes.csv": "a,a\n1,2\n",
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    paths = sorted(tmp_path.glob("*.csv")) + sorted((root / "data").rglob("*.csv"))
    paths += sorted((root / "tests" / "data").rglob("*.csv"))
    rows_read = 0
    for path in paths:
        want = _dictreader_rows(path)
        try:
            got: object = read_csv_rows(path, [])
        except SourceError as exc:
            got = (exc.detail.split("(s)")[0].split(";")[0], exc.line)
        except csv.Error as exc:
            got = (f"csv.Error: {exc}", None)
        assert got == want, path
        rows_read += len(got) if isinstance(got, list) else 0
    assert rows_read > 10_000


def test_citations_by_first_character_are_the_plain_definition() -> None:
    """``sources.projects._matcher`` (a source's title and ``cited_as`` phrases tried only when the text holds their
    first character) finds what trying every phrase of every source finds, in the same order: every citation
    of the project's tables, each source's own phrases, and texts naming several sources backwards."""
    from chainlink.sources.projects import CITING_FILES, URL, _matcher, _split_codes

    root = Path(__file__).resolve().parent.parent
    with open(root / "data" / "sources.csv", encoding="utf-8-sig", newline="") as fh:
        sources = [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]
    by_url = {s["url"]: s["id"] for s in sources if s["url"]}
    said_by = [(s["id"], [p for p in (s["title"], *_split_codes(s.get("cited_as", ""))) if p]) for s in sources]

    def plain(text: str) -> tuple[list[str], list[str]]:
        found: list[str] = []
        unknown: list[str] = []
        for url in URL.findall(text):
            if url in by_url:
                if by_url[url] not in found:
                    found.append(by_url[url])
            else:
                unknown.append(url)
        for sid, said in said_by:
            if sid not in found and any(p in text for p in said):
                found.append(sid)
        return found, unknown

    texts = []
    for name in CITING_FILES:
        with open(root / "data" / f"{name}.csv", encoding="utf-8-sig", newline="") as fh:
            texts += [row.get("source") or "" for row in csv.DictReader(fh)]
    phrases = [p for _, said in said_by for p in said]
    texts += [f"见{p}。" for p in phrases] + ["; ".join(reversed(phrases[i : i + 3])) for i in range(len(phrases))]
    texts += [f"{s['url']} and {s['title']}" for s in sources if s["url"]] + ["", "unverified", "http://x.invalid/a"]
    match = _matcher(sources)
    cited = 0
    for text in dict.fromkeys(texts):
        assert match(text) == plain(text), text
        cited += len(plain(text)[0])
    assert cited > 1_000


def test_firm_segments_by_industry_code_index_are_the_plain_definition() -> None:
    """``listed._segment_links`` without a product match: the segments an industry code equals or is under, found
    through ``segments_by_code``, are those trying ``code_match(c, sc) >= 0.9`` on every code pair of every
    segment gives (with the first such industry code), for every code of the classification and every
    Shenwan industry's codes."""
    from chainlink.base.industries import code_match
    from chainlink.sources.listed import _ProductRules, _segment_links, segments_by_code

    root = Path(__file__).resolve().parent.parent
    conn = sqlite3.connect(f"file:{root / 'registry.db'}?mode=ro", uri=True)  # the real tree's segments
    segments = [dict(zip(("key", "chain_id", "gbt_codes"), r, strict=True)) for r in conn.execute(
        "SELECT key, chain_id, gbt_codes FROM segments ORDER BY key")]
    classification = [r[0] for r in conn.execute("SELECT code FROM industries WHERE level > 1")]
    conn.close()
    rules = _ProductRules([])
    split = [(s["key"], [c for c in s["gbt_codes"].split(";") if c]) for s in segments]

    def plain(codes: list[str]) -> list[tuple[str, str]]:
        out = []
        for key, seg_codes in split:
            hit = next((c for c in codes for sc in seg_codes if code_match(c, sc) >= 0.9), None)
            if hit:
                out.append((key, hit))
        return out

    with open(root / "data" / "industry_gbt.csv", encoding="utf-8-sig", newline="") as fh:
        mapped = [[c for c in r["gbt_codes"].split(";") if c] for r in csv.DictReader(fh)]
    cases = [[c] for c in classification] + mapped + [list(reversed(m)) for m in mapped]
    linked = 0
    by_code = segments_by_code(segments)  # made once, as real_enterprise_tables does (the first case without)
    for n, codes in enumerate(cases):
        rows = _segment_links("F", [], rules, codes, "label", segments, by_code if n else None)
        got = [(r["segment_key"], r["rule"].split("GB/T ")[1].split(" ")[0]) for r in rows]
        assert got == plain(codes), codes
        linked += len(got)
    assert linked > 500
