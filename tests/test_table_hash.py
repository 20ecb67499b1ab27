"""``table_hash``: a hand-computed case, and the hashes the shipped registry recorded when it was built."""

import hashlib
import sqlite3

from chainlink.store.registry import Registry, table_hash


def test_table_hash_by_hand():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (code TEXT, name TEXT, value REAL)")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)", [("331121", "青田县", 1.5), ("0101", None, 2.0)])
    # rows sorted by every column, each as a JSON list (not ASCII-escaped), a newline after each
    text = '["0101", null, 2.0]\n["331121", "青田县", 1.5]\n'
    assert table_hash(conn, "t") == (2, hashlib.sha256(text.encode()).hexdigest())
    conn.execute("CREATE TABLE empty (x TEXT)")
    assert table_hash(conn, "empty") == (0, hashlib.sha256(b"").hexdigest())


def test_shipped_registry_hashes_are_what_table_hash_computes():
    conn = Registry.open(None).conn
    recorded = dict(conn.execute("SELECT key, value FROM meta WHERE key LIKE 'dbhash:%' OR key LIKE 'rows:%'"))
    tables = sorted(k[len("dbhash:"):] for k in recorded if k.startswith("dbhash:"))
    assert len(tables) >= 15
    for name in tables:
        count, digest = table_hash(conn, name)
        assert (str(count), digest) == (str(recorded[f"rows:{name}"]), recorded[f"dbhash:{name}"]), name


def test_compiled_rows_hash_by_hand():
    """``chainlink.store.build.table_hash`` (the ``hash:`` rows, of the compiled rows): rows ordered by the key
    as text (so "10" before "2"), equal keys in their order, columns by name, null as ""."""
    from chainlink.store.build import table_hash as rows_hash

    rows = [
        {"b": 2, "a": None, "c": 0.5},
        {"b": 10, "a": "青田", "c": None},
        {"b": 2, "a": "x", "c": 1.0},
    ]
    text = '[["a", "b", "c"], ["青田", 10, ""], ["", 2, 0.5], ["x", 2, 1.0]]'
    assert rows_hash(rows, "b") == hashlib.sha256(text.encode()).hexdigest()
    by_all = '[["a", "b", "c"], ["", 2, 0.5], ["x", 2, 1.0], ["青田", 10, ""]]'
    assert rows_hash(rows) == hashlib.sha256(by_all.encode()).hexdigest()
    two = '[["a", "b", "c"], ["青田", 10, ""], ["", 2, 0.5], ["x", 2, 1.0]]'
    assert rows_hash(rows, ("b", "c")) == hashlib.sha256(two.encode()).hexdigest()
    assert rows_hash([{"x": None}], "x") == hashlib.sha256(b'[["x"], [""]]').hexdigest()
    assert rows_hash([]) == hashlib.sha256(b"[]").hexdigest()


def test_dbhash_from_the_compiled_rows_is_the_read_back_one(shared_mini_db):
    """A build works each table's ``dbhash:`` out from the rows it wrote (``build._stored_hash``); it is what
    ``table_hash`` reads back from the registry, for every reference table of a compiled registry."""
    from chainlink.store.build import TABLES

    conn = sqlite3.connect(f"file:{shared_mini_db}?mode=ro", uri=True)
    recorded = dict(conn.execute("SELECT key, value FROM meta"))
    for name in TABLES:
        count, digest = table_hash(conn, name)
        assert (str(count), digest) == (recorded[f"rows:{name}"], recorded[f"dbhash:{name}"]), name


def test_dbhash_from_rows_by_hand_and_when_sqlite_stores_a_value_otherwise():
    """``build._stored_hash`` against ``table_hash`` of the same rows inserted: a REAL column's integers (read
    back as floats), nulls (first in the order), text ordered by code point; and no answer (None: read back
    instead) where SQLite stores a value differently: NaN (null), -0.0 (0.0), text in an INTEGER column."""
    from chainlink.store.build import _stored_hash

    def stored(columns, rows):
        conn = sqlite3.connect(":memory:")
        conn.execute(f"CREATE TABLE t ({', '.join(f'[{n}] {t}' for n, t in columns)})")
        conn.executemany(f"INSERT INTO t VALUES ({', '.join('?' * len(columns))})", [tuple(r.values()) for r in rows])
        return table_hash(conn, "t")

    columns = [("code", "TEXT"), ("n", "INTEGER"), ("value", "REAL")]
    rows = [
        {"code": "青田", "n": 2, "value": 3},
        {"code": "b", "n": None, "value": 1.5},
        {"code": None, "n": 10, "value": None},
        {"code": "a", "n": 2, "value": 0.25},
        {"code": "a", "n": 1, "value": 0.0},
        {"code": "\U0001f600", "n": 3, "value": 1e300},
    ]
    text = (
        '[null, 10, null]\n["a", 1, 0.0]\n["a", 2, 0.25]\n["b", null, 1.5]\n["青田", 2, 3.0]\n'
        '["\U0001f600", 3, 1e+300]\n'
    )
    assert stored(columns, rows) == (6, hashlib.sha256(text.encode()).hexdigest())
    assert _stored_hash(rows, columns) == stored(columns, rows)
    assert _stored_hash(rows[1:], columns) == stored(columns, rows[1:])  # nulls only in some columns
    for bad in ({"value": float("nan")}, {"value": -0.0}, {"n": "12"}, {"code": 5}, {"n": True}):
        changed = [rows[0] | bad, *rows[1:]]
        assert _stored_hash(changed, columns) is None, bad
    assert _stored_hash(rows, [("code", "TEXT"), ("n", "NUMERIC"), ("value", "REAL")]) is None
