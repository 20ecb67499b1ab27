"""Strict YAML (chains/*.yaml, project files): the YAML 1.1 traps are caught with file:line, codes stay text.

PyYAML follows YAML 1.1: unquoted ``no``/``yes``/``on``/``off`` are booleans, ``0164`` is octal 116,
``12:30`` is sexagesimal 750, ``2024-01-01`` a date, ``~`` null. chainlink.base.yamlstrict loads safely,
rejects duplicate keys, and the validators require text wherever a code or name is expected.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chainlink.base.yamlstrict import load_yaml, load_yaml_text, scalar_text
from chainlink.errors import SourceError
from chainlink.sources import SourceErrors, load_sources


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("no", "gbt: YAML read False as a boolean (yes/no/on/off); quote it if it is text"),
        ("yes", "gbt: YAML read True as a boolean"),
        ("On", "gbt: YAML read True as a boolean"),
        ("off", "gbt: YAML read False as a boolean"),
        ("0164", "gbt: YAML read 116 as a number; quote it"),  # octal in YAML 1.1
        ("3443", "gbt: YAML read 3443 as a number; quote it"),
        ("0x1F", "gbt: YAML read 31 as a number"),
        ("1_000", "gbt: YAML read 1000 as a number"),
        ("12:30", "gbt: YAML read 750 as a number"),  # sexagesimal
        (".inf", "gbt: YAML read inf as a number"),
        ("2024-01-01", "gbt: expected text, got date"),
        ("~", "gbt: expected text, got NoneType"),
    ],
)
def test_traps_name_file_and_line(raw: str, message: str) -> None:
    doc = load_yaml_text(f"name: x\n\ngbt: {raw}\n", "p.yaml")
    with pytest.raises(SourceError) as info:
        scalar_text(doc["gbt"], "p.yaml", doc.key_lines["gbt"], "gbt")
    assert str(info.value).startswith(f"p.yaml:3: {message}")


@pytest.mark.parametrize("raw", ['"0164"', "'no'", '"3443"', '"12:30"'])
def test_quoted_codes_stay_text(raw: str) -> None:
    doc = load_yaml_text(f"gbt: {raw}\n", "p.yaml")
    assert scalar_text(doc["gbt"], "p.yaml", 1, "gbt") == raw.strip("'\"")


def test_duplicate_keys_and_unsafe_tags() -> None:
    with pytest.raises(
        SourceError, match=r"^p\.yaml:3: duplicate key 'gbt' \(first at line 2\); remove one$"
    ):
        load_yaml_text("name: x\ngbt: '1'\ngbt: '2'\n", "p.yaml")
    with pytest.raises(SourceError, match=r"^p\.yaml:1: YAML syntax error"):
        load_yaml_text("x: !!python/object/apply:os.system ['echo hi']\n", "p.yaml")


def test_a_character_yaml_does_not_allow_is_one_line_with_its_line() -> None:
    """PyYAML's reader error spans two lines ("... in "<unicode string>", position N"): one line, file:line."""
    with pytest.raises(SourceError) as info:
        load_yaml_text('name: x\norigin: y\nnote: "a\x01b"\n', "p.yaml")
    # (PyYAML's reason, in brackets, is its own wording)
    assert re.fullmatch(r"p\.yaml:3: YAML does not allow the character U\+0001 \([^\n]+\); remove it", str(info.value))


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes("name_zh: 鞋革\n".encode("gbk"))
    with pytest.raises(SourceError, match="not UTF-8 text; save the file as UTF-8"):
        load_yaml(path)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('gbt: ["1952"]', "gbt: [0164]", r"gbt: YAML read 116 as a number"),
        ("stage: product", "stage: off", r"stage: YAML read False as a boolean"),
        ('gbt: ["1952"]', "gbt: [2024-01-01]", r"gbt: expected text, got date"),
    ],
)
def test_traps_in_a_chain_file(mini_root: Path, old: str, new: str, expected: str) -> None:
    path = mini_root / "chains" / "synthetic-leather-footwear.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SourceErrors) as info:
        load_sources(mini_root)
    messages = [str(e) for e in info.value.errors]
    pattern = re.compile(rf"^chains/synthetic-leather-footwear\.yaml:\d+: {expected}")
    assert any(pattern.match(m) for m in messages), messages
