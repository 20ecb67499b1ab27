"""Strict YAML reading: safe loading, duplicate keys rejected, line numbers kept.

Mappings come back as :class:`LineDict` and sequences as :class:`LineList`; both know the line
they start on and the line of each key or item, so validators can name ``file:line``.
YAML 1.1 traps (``no`` read as a boolean, ``0164`` read as a number) are caught by the
validators, which require text where text is expected; :func:`scalar_text` does that check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from chainlink.errors import SourceError


class LineDict(dict):
    """A dict that remembers its own line and each key's line (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list):
    """A list that remembers its own line and each item's line (1-based)."""

    line: int = 0
    item_lines: list[int]


# libyaml's parser when available (10× faster); construction stays in Python either way.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that builds LineDict/LineList and rejects duplicate keys."""

    source_path = "<yaml>"


def _mapping(loader: _StrictLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) or key is None:
            raise SourceError(loader.source_path, key_node.start_mark.line + 1, f"unsupported key {key!r}")
        if key in result:
            raise SourceError(
                loader.source_path,
                key_node.start_mark.line + 1,
                f"duplicate key {key!r} (first at line {result.key_lines[key]}); remove one",
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _StrictLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


MAX_DEPTH = 100  # nesting of mappings and lists; deeper input is refused (no RecursionError)


def _refuse_aliases(text: str, path: str) -> None:
    """Refuse YAML aliases (``*name``) and over-deep nesting before anything is constructed.

    Aliases let a 1 KB file expand to gigabytes ("billion laughs"); chainlink's files never need them.
    """
    if "*" not in text and text.count("[") + text.count("{") + text.count("-") + text.count(":") < MAX_DEPTH:
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_BaseLoader):
            if isinstance(event, yaml.AliasEvent):
                raise SourceError(
                    path,
                    event.start_mark.line + 1,
                    f"YAML alias *{event.anchor} is not allowed (aliases can expand a small file without "
                    "bound); write the value out in full",
                )
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise SourceError(
                        path,
                        event.start_mark.line + 1,
                        f"YAML nested more than {MAX_DEPTH} levels deep; chainlink's files need a few",
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return  # the loader below reports the syntax error with its line


def load_yaml_text(text: str, path: str = "<yaml>") -> Any:
    """Parse one YAML document strictly; errors become :class:`SourceError` with the line.

    Aliases (``*name``) and nesting deeper than :data:`MAX_DEPTH` are refused.
    """
    _refuse_aliases(text, str(path))
    loader = _StrictLoader(text)
    loader.source_path = str(path)
    try:
        return loader.get_single_data()
    except SourceError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise SourceError(path, line, f"YAML syntax error: {exc.problem or exc}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow; its own text spans two lines
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        line = text.count("\n", 0, exc.position) + 1
        raise SourceError(path, line, f"YAML does not allow the character U+{code:04X} ({exc.reason}); remove it") from None
    except yaml.YAMLError as exc:
        raise SourceError(path, None, f"YAML error: {exc}") from None
    except RecursionError:
        raise SourceError(path, None, "YAML nested too deeply to read") from None
    finally:
        loader.dispose()


def load_yaml(path: str | Path) -> Any:
    """Read and parse the YAML file at ``path`` strictly (UTF-8)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SourceError(p, None, "not UTF-8 text; save the file as UTF-8") from None
    except OSError as exc:
        raise SourceError(p, None, f"cannot read: {exc.strerror}") from None
    return load_yaml_text(text, str(p))


def scalar_text(value: Any, path: str, line: int, field: str) -> str:
    """Return ``value`` if it is text; otherwise explain the YAML 1.1 trap and raise.

    >>> scalar_text("0164", "f.yaml", 3, "gbt")
    '0164'
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise SourceError(
            path, line, f"{field}: YAML read {value!r} as a boolean (yes/no/on/off); quote it if it is text"
        )
    if isinstance(value, (int, float)):
        raise SourceError(
            path,
            line,
            f'{field}: YAML read {value!r} as a number; quote it ("...") so that codes stay text '
            "and leading zeros are kept",
        )
    raise SourceError(path, line, f"{field}: expected text, got {type(value).__name__}")
