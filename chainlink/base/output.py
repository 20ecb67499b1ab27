"""Rows out: CSV, TSV, JSON and NDJSON text, and atomic file writes.

Every command that returns rows goes through :func:`render`; nothing else formats CSV or JSON.
Values are written as they are: codes stay text, floats are written with ``repr`` precision
unless the caller rounded them.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from chainlink.errors import DataError, UsageError

MACHINE_FORMATS = ("csv", "tsv", "json", "ndjson")
# OWASP CSV injection: a cell beginning with one of these may run as a formula (tab and CR too).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
# the first characters :func:`escape_formula` looks at (the empty string is not one of them)
_MAY_ESCAPE = frozenset((*FORMULA_PREFIXES, "'"))


# Line separators that some readers (str.splitlines, JavaScript) treat as line breaks: escape them
# so that NDJSON stays one record per line. Inside JSON they can only occur in strings.
_LINE_BREAKS = {"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _json(value: Any, indent: int | None = None) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False, indent=indent)
    for raw, escaped in _LINE_BREAKS.items():
        text = text.replace(raw, escaped)
    return text


def needs_escape(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula: it begins with = + - @ and is not a number.

    >>> needs_escape("=1+1"), needs_escape("-5"), needs_escape("-"), needs_escape("abc")
    (True, False, True, False)
    """
    return bool(text) and text[0] in FORMULA_PREFIXES and not _NUMBER.fullmatch(text)


def escape_formula(text: str) -> str:
    """Prefix ``text`` with ``'`` when Excel would read it as a formula (CSV/TSV meant for Excel).

    ``chainlink import`` removes the prefix again, so exported files import back unchanged: text that
    already begins with apostrophes before such a character gets one more.

    >>> escape_formula("=SUM(A1:A9)"), escape_formula("-3.5"), escape_formula("''=x")
    ("'=SUM(A1:A9)", '-3.5', "'''=x")
    """
    if needs_escape(text) or _quoted_formula(text):
        return "'" + text
    return text


def _quoted_formula(text: str) -> bool:
    """Whether ``text`` is one or more ``'`` followed by a formula character (an escaped formula's form)."""
    if text[:1] != "'":
        return False
    rest = text.lstrip("'")
    return rest[:1] != "" and rest[:1] in FORMULA_PREFIXES


def unescape_formula(text: str) -> str:
    """Undo :func:`escape_formula`: ``'=x`` → ``=x``, ``''=x`` → ``'=x``, ``'''=x`` → ``''=x``; anything
    else is returned as is."""
    return text[1:] if _quoted_formula(text) else text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ";".join(_cell(v) for v in value)
    return str(value)


def render(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: str,
    *,
    bom: bool = False,
    escape_formulas: bool = False,
) -> str:
    """Render ``rows`` (mappings) restricted to ``columns`` as ``fmt`` text.

    ``fmt`` is one of ``csv``, ``tsv``, ``json``, ``ndjson``. CSV/TSV use ``\\n`` line endings
    and minimal quoting; JSON is a list of objects with keys in ``columns`` order, UTF-8 (not
    ASCII-escaped), two-space indent; NDJSON has one compact object per line.
    ``bom`` prefixes a UTF-8 byte-order mark (for Excel). ``escape_formulas`` (CSV/TSV only)
    prefixes text cells that begin with = + - @ with ``'`` (:func:`escape_formula`); the command
    line turns it on by default (files meant for Excel), the library leaves values as they are.

    >>> render([{"a": "01", "b": 2}], ["a", "b"], "csv")
    'a,b\\n01,2\\n'
    """
    prefix = "\ufeff" if bom else ""
    if fmt in ("csv", "tsv"):
        import csv
        import io

        buf = io.StringIO()
        delimiter = "," if fmt == "csv" else "\t"
        writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            values = [row.get(c) for c in columns]
            cells = [v if type(v) is str else _cell(v) for v in values]  # text as is (what _cell does)
            if escape_formulas:  # only a text beginning with a formula character or ' can change
                cells = [
                    escape_formula(text) if text[:1] in _MAY_ESCAPE and isinstance(v, (str, list, tuple)) else text
                    for v, text in zip(values, cells, strict=True)
                ]
            if any("\r" in text for text in cells):
                # minimal quoting quotes a cell holding a character of the line terminator ("\n") only: a cell
                # with a carriage return is written as the "\r\n" writer writes it, or a reader ends the row there
                line = io.StringIO()
                csv.writer(line, delimiter=delimiter, lineterminator="\r\n").writerow(cells)
                buf.write(line.getvalue()[:-2] + "\n")
            else:
                writer.writerow(cells)
        return prefix + buf.getvalue()
    if fmt == "json":
        data = [{c: row.get(c) for c in columns} for row in rows]
        return prefix + _json(data, indent=2) + "\n"
    if fmt == "ndjson":
        lines = [_json({c: row.get(c) for c in columns}) for row in rows]
        return prefix + "".join(line + "\n" for line in lines)
    raise UsageError(f"unknown format {fmt!r}: use one of {', '.join(MACHINE_FORMATS)}")


def public_mode(path: str | os.PathLike[str]) -> None:
    """Give a temporary file the mode a normally created file would have (mkstemp makes it 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


# Registry files opened by this process (reference and user); outputs may never resolve to them.
_PROTECTED: set[str] = set()
REGISTRY_SIDE_FILES = ("", "-wal", "-journal", "-shm")


def protect(*paths: str | os.PathLike[str] | None) -> None:
    """Record registry files (and so their -wal, -journal, -shm) that no output may overwrite."""
    for path in paths:
        if path:
            _PROTECTED.add(os.path.realpath(path))


def _protected() -> set[str]:
    from chainlink.store.registry import locate

    found = set(_PROTECTED)
    location = locate()
    for path in (location.reference, location.user):
        if path is not None:
            found.add(os.path.realpath(path))
    return found


def _same_file(a: str, b: str) -> bool:
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def check_output(path: str | os.PathLike[str], option: str = "--output") -> None:
    """Refuse (:class:`UsageError`) an output path that is, or resolves to, an open registry or one of
    its ``-wal``/``-journal``/``-shm`` files: through a symlink, a relative path or a hard link.

    Every writer calls it (:func:`atomic_stream`, so :func:`write_atomic`).
    """
    target = os.path.realpath(path)
    for registry in sorted(_protected()):
        for suffix in REGISTRY_SIDE_FILES:
            side = registry + suffix
            if target == side or _same_file(target, side):
                what = "the registry" if not suffix else f"the registry's {suffix[1:]} file"
                raise UsageError(
                    f"{_short(path)}: is {what} ({registry}{suffix}); writing there would destroy it: "
                    f"choose another {option}"
                )


def _short(value: Any, limit: int = 80) -> str:
    text = str(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text):,} characters)"


def _os_error(target: Any, exc: OSError, option: str = "--output") -> DataError:
    import errno

    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        fix = "free some space or write elsewhere"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        fix = f"the file or its folder is not writable: choose another {option}"
    elif exc.errno == errno.EISDIR:
        fix = f"choose a file name for {option}"
    else:
        fix = f"choose another {option}"
    return DataError(f"{_short(target)}: cannot write ({reason}); {fix}")


# Characters that change how a terminal shows text: C0/C1 controls (escape sequences) and bidirectional
# overrides (U+202E shows text backwards). Escaped before anything read from a file reaches the terminal.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_QUOTED = re.compile(r"'([^'\n]{81,})'|\"([^\"\n]{81,})\"")
MAX_ECHO = 80


def safe_text(text: str) -> str:
    r"""``text`` with control and bidirectional-override characters written as ``\x1b``/``\u202e`` escapes.

    >>> print(safe_text("\x1b[31mred\u202e"))
    \x1b[31mred\u202e
    """

    def escape(m: re.Match[str]) -> str:
        code = ord(m.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNSAFE.sub(escape, text)


def clip_message(text: str, limit: int = MAX_ECHO) -> str:
    """An error message fit for a terminal: quoted values longer than ``limit`` are cut (with their
    length), unsafe characters escaped, each line at most 1,000 characters."""

    def clip(m: re.Match[str]) -> str:
        value = m.group(1) if m.group(1) is not None else m.group(2)
        quote = "'" if m.group(1) is not None else '"'
        return f"{quote}{value[: limit - 1]}…{quote} ({len(value):,} characters)"

    lines = []
    for line in safe_text(text).split("\n"):
        line = _QUOTED.sub(clip, line)
        if len(line) > 1000:
            line = line[:999] + "…"
        lines.append(line)
    return "\n".join(lines)


def is_stdout(path: str | os.PathLike[str] | None) -> bool:
    """``-`` means standard output, as everywhere on the command line."""
    return path is not None and str(path) == "-"


@contextlib.contextmanager
def atomic_stream(
    path: str | os.PathLike[str], *, option: str = "--output", fsync: bool = True
) -> Iterator[BinaryIO]:
    """A binary stream that replaces ``path`` atomically when the ``with`` block ends without an error.

    The one way chainlink writes a file (:func:`write_atomic`, ``metrics`` tables, an import's rejects
    file): a temporary file in the same folder, renamed over ``path``. A reader sees the old file or the
    new one, never a half-written one; on any error the temporary file is removed and the old file is
    left as it was. A target that exists and is not a regular file (``/dev/null``, a pipe) is written to
    directly: renaming over it would replace it. ``-`` writes to standard output. A path that resolves to
    an open registry is refused (:func:`check_output`, checked again just before the rename); OS errors
    (disk full, read-only folder) become one-line :class:`DataError` naming ``option``. ``fsync=False``
    skips flushing to disk (seconds on very large tables; the rename is still atomic).
    """
    import stat
    import sys

    if is_stdout(path):
        sys.stdout.flush()
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    check_output(path, option)
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        direct = target.exists() and not stat.S_ISREG(target.stat().st_mode)
        if direct and target.is_dir():
            raise DataError(f"{_short(target)}: is a folder; choose a file name for {option}")
        if not direct and not folder.is_dir():
            raise DataError(
                f"{_short(target)}: folder {_short(folder)} does not exist; create it or choose another {option}"
            )
        if direct:
            fh = open(target, "wb")  # noqa: SIM115  (closed below)
        else:
            import tempfile

            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
            fh = os.fdopen(fd, "wb", buffering=1 << 20)
    except OSError as exc:
        raise _os_error(target, exc, option) from None
    if direct:
        try:
            with fh:
                yield fh
        except OSError as exc:
            raise _os_error(target, exc, option) from None
        return
    try:
        with fh:
            yield fh
            fh.flush()
            if fsync:
                os.fsync(fh.fileno())
        public_mode(tmp)
        check_output(target, option)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise _os_error(target, exc, option) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_atomic(path: str | os.PathLike[str], data: str | bytes, *, option: str = "--output") -> None:
    """Write ``data`` to ``path`` atomically (:func:`atomic_stream`); ``-`` writes to standard output."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_stream(path, option=option) as fh:
        fh.write(payload)
