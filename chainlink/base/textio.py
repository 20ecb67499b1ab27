"""Text files in any encoding chainlink meets: detect it, decode strictly, name the line of the first problem.

One place decides the encoding of every delimited or JSON text file chainlink reads (``chainlink import``,
``chainlink metrics compute``): a UTF-8 or UTF-16 byte-order mark, else strict UTF-8, else what
charset-normalizer (a maintained detector) finds, accepted when it is GB18030 (a superset of GBK and GB2312).
Anything else is refused with a message naming ``--encoding``.

The whole file is decoded strictly: an undecodable byte sequence is reported with its line, never replaced.
Because GB18030 can decode almost any bytes, a GB18030 file is also checked line by line for text that is
really UTF-8 (a row pasted from another file): such a line is reported instead of being read as mojibake
(``丽水`` read as ``涓芥按``).

>>> text, label = detect_and_decode("list.csv")   # doctest: +SKIP
>>> stream, label = open_text("list.csv")         # doctest: +SKIP
"""

from __future__ import annotations

import codecs
import io
import os
import re
from collections.abc import Iterator
from typing import BinaryIO

from chainlink.errors import SourceError, UsageError

SAMPLE_BYTES = 1 << 20
ENCODING_HINT = "pass --encoding (e.g. --encoding gb18030 or --encoding big5), or save the file as UTF-8"
CHINESE = {"gb18030", "gbk", "gb2312", "hz", "hz_gb_2312", "cp936"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def detect_encoding(head: bytes, name: str) -> tuple[str, str]:
    """``(codec, label)`` for text starting with ``head``: UTF-8 (with or without BOM), UTF-16, GB18030.

    Raises :class:`SourceError` naming ``--encoding`` when the bytes are neither UTF-8 nor GB18030/GBK
    Chinese according to charset-normalizer.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "utf-8 (BOM)"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "utf-16"
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if odd + even > len(head) // 20 and min(odd, even) * 10 < max(odd, even):
        order = "le" if odd > even else "be"
        raise SourceError(
            name, None, f"looks like UTF-16 text without a byte-order mark; pass --encoding utf-16-{order}"
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start]
        line = exc.object.count(b"\n", 0, exc.start) + 1
        before = head[: head.rfind(b"\n", 0, exc.start) + 1]  # whole lines before the bad byte
    if any(b > 0x7F for b in before):
        raise SourceError(
            name,
            line,
            f"the file mixes encodings: UTF-8 text before this line, then byte 0x{bad:02X}; "
            "save the whole file again as UTF-8 (or pass --encoding)",
        )
    guess = _guess(head)
    if guess in CHINESE:
        return "gb18030", "gb18030"
    seems = f" (it looks like {guess})" if guess else ""
    raise SourceError(
        name,
        line,
        f"cannot tell the text encoding: not UTF-8 (byte 0x{bad:02X}) and not GB18030/GBK Chinese{seems}; "
        f"{ENCODING_HINT}",
    )


def _guess(head: bytes) -> str | None:
    """charset-normalizer's best guess for ``head`` (a codec name, lower case), or None.

    Short Chinese samples often fit a Korean or Japanese codec exactly as well (same chaos); this is a tool
    for Chinese lists, so a GB18030/GBK candidate as good as the best one wins the tie.
    """
    from charset_normalizer import from_bytes

    sample = head[:SAMPLE_BYTES]
    matches = list(from_bytes(sample))
    if not matches:  # UTF-8 lines among others make the sample undecidable: judge the others alone
        rest = b"\n".join(line for line in sample.split(b"\n") if not _is_utf8(line))
        matches = list(from_bytes(rest)) if rest.strip() else []
    if not matches:
        return None
    least = min(m.chaos for m in matches)
    for m in matches:
        if m.encoding.lower() in CHINESE and m.chaos <= least + 0.01:
            return "gb18030"
    return matches[0].encoding.lower()


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def check_codec(encoding: str) -> None:
    """Raise :class:`UsageError` when ``encoding`` names no Python codec."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UsageError(f"unknown --encoding {encoding!r}; try utf-8, gb18030 or big5") from None


def decode_error(data: bytes, exc: UnicodeDecodeError, name: str, label: str, offset: int = 0) -> SourceError:
    """The :class:`SourceError` for ``exc`` raised decoding ``data`` (which starts at byte ``offset`` of the
    file): the line of the first undecodable byte and its value."""
    line = data.count(b"\n", 0, max(exc.start, 0)) + 1
    byte = exc.object[exc.start] if 0 <= exc.start < len(exc.object) else 0
    return SourceError(
        name,
        line,
        f"not valid {label} text (byte 0x{byte:02X}); the file mixes encodings: "
        "save it again as UTF-8, or pass --encoding",
    )


def _utf8_line(data: bytes, name: str) -> None:
    """In bytes decoded as GB18030, find a line that is UTF-8 Chinese text (two or more CJK characters)."""
    if data.isascii():
        return
    for number, line in enumerate(data.split(b"\n"), 1):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(_CJK.findall(text)) >= 2:
            raise SourceError(
                name,
                number,
                "this line is UTF-8 text in a file read as GB18030/GBK; the file mixes encodings: "
                "save the whole file again in one encoding (UTF-8), or pass --encoding",
            )


def detect_and_decode(
    path: str | os.PathLike[str], encoding: str | None = None, *, name: str | None = None
) -> tuple[str, str]:
    """The whole text of ``path`` and the encoding label it was read with (``encoding`` or detected).

    Decodes strictly; raises :class:`SourceError` with the line of the first undecodable byte sequence
    (or of a UTF-8 line in a GB18030 file), :class:`UsageError` for an unknown ``encoding``.
    """
    label_name = name or str(path)
    data = _read_bytes(path, label_name)
    return decode_bytes(data, label_name, encoding)


def decode_bytes(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """:func:`detect_and_decode` for bytes already read (``name`` is used in messages)."""
    if encoding:
        check_codec(encoding)
        codec, label = encoding, encoding
    else:
        codec, label = detect_encoding(data[:SAMPLE_BYTES], name)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise decode_error(data, exc, name, label) from None
    if codec == "gb18030" and not encoding:
        _utf8_line(data, name)
    return text, label


def open_binary(path: str | os.PathLike[str], name: str) -> BinaryIO:
    """``path`` opened for binary reading; a missing file, a folder or an unreadable file is one
    :class:`SourceError` line naming ``name``."""
    try:
        return open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    except FileNotFoundError:
        raise SourceError(name, None, "file not found; check the path") from None
    except IsADirectoryError:
        raise SourceError(name, None, "is a folder; give a file") from None
    except OSError as exc:
        raise SourceError(name, None, f"cannot read: {exc.strerror}") from None


def _read_bytes(path: str | os.PathLike[str], name: str) -> bytes:
    with open_binary(path, name) as fh:
        return fh.read()


class StrictText:
    """A text stream over a binary file, decoded strictly as it is read (UTF-8 files stream; nothing is
    held in memory). A decoding error becomes :class:`SourceError` naming the line, found again from the
    start of the file. Supports ``readline``, ``read``, iteration (for :mod:`csv`) and ``close``."""

    def __init__(self, fh: BinaryIO, codec: str, label: str, name: str) -> None:
        self._wrapper = io.TextIOWrapper(fh, encoding=codec, errors="strict", newline="")
        self._fh = fh
        self.codec = codec
        self.encoding = label
        self.name = name

    def _problem(self) -> SourceError:
        decoder = codecs.getincrementaldecoder(self.codec)()
        line, byte = 1, 0
        with open(self._fh.name, "rb") as fh:  # type: ignore[attr-defined]
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    line += chunk.count(b"\n", 0, max(exc.start, 0))
                    byte = exc.object[exc.start] if 0 <= exc.start < len(exc.object) else chunk[0]
                    break
                line += chunk.count(b"\n")
        return SourceError(
            self.name,
            line,
            f"not valid {self.encoding} text (byte 0x{byte:02X}); the file mixes encodings: "
            "save it again as UTF-8, or pass --encoding",
        )

    def readline(self) -> str:
        """The next line (with its line break), or '' at the end."""
        try:
            return self._wrapper.readline()
        except UnicodeDecodeError:
            raise self._problem() from None

    def read(self) -> str:
        """The rest of the text."""
        try:
            return self._wrapper.read()
        except UnicodeDecodeError:
            raise self._problem() from None

    def __iter__(self) -> Iterator[str]:
        while True:
            line = self.readline()
            if not line:
                return
            yield line

    def close(self) -> None:
        """Close the file."""
        self._wrapper.close()

    @property
    def closed(self) -> bool:
        """Whether the file is closed."""
        return self._wrapper.closed


def open_text(
    path: str | os.PathLike[str], encoding: str | None = None, *, name: str | None = None
) -> tuple[StrictText | io.StringIO, str]:
    """Open ``path`` as text: ``(stream, encoding label)``.

    UTF-8 and UTF-16 (and a given ``encoding``) stream strictly (:class:`StrictText`); a GB18030 file is
    read whole, checked line by line for UTF-8 text (:func:`decode_bytes`), and returned as a StringIO.
    """
    label_name = name or str(path)
    fh = open_binary(path, label_name)  # returned inside the stream, closed by its owner
    try:
        head = fh.read(SAMPLE_BYTES)
        fh.seek(0)
        if encoding:
            check_codec(encoding)
            codec, label = encoding, encoding
        else:
            codec, label = detect_encoding(head, label_name)
        if codec == "gb18030" and not encoding:
            data = fh.read()
            fh.close()
            text, label = decode_bytes(data, label_name)
            return io.StringIO(text, newline=""), label
        return StrictText(fh, codec, label, label_name), label
    except BaseException:
        fh.close()
        raise
