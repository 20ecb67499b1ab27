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
