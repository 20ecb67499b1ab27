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
