"""Bytes to text: detect the encoding of a raw report, or say clearly why it cannot be read."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# Characters a Chinese report is made of; a wrong legacy decoding produces others
# (private-use code points, box drawing, rare compatibility forms).
_PLAUSIBLE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2014\u2026\u201c\u201d\x20-\x7e\n\r\t]")


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we accept."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def decode_bytes(data: bytes) -> Decoded:
    """Decode with the BOM when there is one, else UTF-8, else the likelier of GB18030 and Big5."""
    if data.startswith(codecs.BOM_UTF8):
        return Decoded(_strict(data[3:], "utf-8"), "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded(_strict(data, "utf-16"), "utf-16")
    kind = _file_kind(data)
    if b"\x00" in data:
        what = f"looks like {kind}" if kind else "without a UTF-16 byte-order mark"
        raise UndecodableError(f"binary content (NUL bytes), {what}")
    if kind:
        raise UndecodableError(f"not a text file: looks like {kind}")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as err:
        utf8_error = err
    if utf8_error.reason == "unexpected end of data":
        # Valid UTF-8 up to an incomplete last character: a UTF-8 file cut short. Read as
        # GB18030 its UTF-8 characters would come back as plausible-looking wrong ones.
        raise UndecodableError(f"UTF-8 text cut off inside a character at byte {utf8_error.start}")
    candidates = []
    for encoding in ("gb18030", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text), encoding == "gb18030", encoding, text))
    if not candidates:
        raise UndecodableError(
            f"not valid UTF-8 (byte {utf8_error.start}: {utf8_error.reason}), GB18030 or Big5"
        )
    score, _, encoding, text = max(candidates)
    if score < 0.9:
        raise UndecodableError(f"decodes as {encoding} only into implausible characters ({score:.0%} plausible)")
    return Decoded(text, encoding)


# What people put into a folder of reports by mistake: the signatures of common formats.
_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx, .xlsx or .odt file)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (.doc, .xls)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an executable program"),
)


def _file_kind(data: bytes) -> str:
    """What a binary file looks like, from its first bytes; empty when unknown."""
    return next((kind for magic, kind in _SIGNATURES if data.startswith(magic)), "")


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise UndecodableError(f"invalid {encoding} at byte {err.start}: {err.reason}") from err


def _plausibility(text: str) -> float:
    """Share of characters that belong in a Chinese report."""
    return len(_PLAUSIBLE.findall(text)) / max(1, len(text))
