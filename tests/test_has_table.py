"""``has_table`` reads ``sqlite_master``; ``pragma_table_list`` (what it replaced) is the reference."""

from chainlink.store.registry import Registry, has_table


def test_has_table_agrees_with_pragma_table_list():
    conn = Registry.open(None).conn  # the shipped registry, the user schema attached
    rows = conn.execute("SELECT schema, name, type FROM pragma_table_list").fetchall()
    kinds = {kind for _, _, kind in rows}
    assert {"table", "virtual", "shadow"} <= kinds  # the registry has FTS5 tables and their shadow tables
    assert any(schema == "user" for schema, _, _ in rows)
    for _, name, kind in rows:
        if name.startswith("sqlite_"):  # sqlite_schema: the system table is not listed in itself
            continue
        assert has_table(conn, name) == (kind == "table"), (name, kind)
    assert not has_table(conn, "no_such_table")
