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
    if b"\x00" in data:
        raise UndecodableError("binary content (NUL bytes) without a UTF-16 byte-order mark")
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


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise UndecodableError(f"invalid {encoding} at byte {err.start}: {err.reason}") from err


def _plausibility(text: str) -> float:
    """Share of characters that belong in a Chinese report."""
    return len(_PLAUSIBLE.findall(text)) / max(1, len(text))
