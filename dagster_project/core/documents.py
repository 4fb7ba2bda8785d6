"""One source file → its documents.csv row and normalized text, or a quarantine with a reason."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from dagster_project.core.context import DocContext
from dagster_project.core.decoding import UndecodableError, decode_bytes
from dagster_project.core.metadata import detect_metadata
from dagster_project.core.normalize import KeptText, NormalizedText, detect_script, normalize_text
from dagster_project.core.sources import SourceFile

METADATA_FIELDS = (
    "title", "doc_type", "region", "province", "region_code", "admin_level", "meeting",
    "delivered_on", "speaker", "speaker_title", "review_year", "plan_year",
)  # fmt: skip
_HAN = re.compile(r"[\u4e00-\u9fff]")
# A report ends on a full stop, an exclamation, a closing quote or bracket, or a
# glossary entry; anything else suggests the file was cut short.
_COMPLETE_END = re.compile(r"[。！？!?”」』）)】.．…]\s*\Z")


@dataclass(frozen=True)
class DocumentResult:
    """What reading one source gives: always a row; text and context only when status is ok."""

    row: dict
    normalized: NormalizedText | KeptText | None = None  # KeptText once its rows are extracted
    context: DocContext | None = None

    @property
    def ok(self) -> bool:
        return self.row["status"] == "ok"


def text_path(doc_id: str) -> str:
    return f"texts/{doc_id}.txt"


def _base_row(source: SourceFile) -> dict:
    row = {
        "doc_id": source.doc_id, "source_path": source.source_path, "sha256": source.sha256,
        "bytes": source.bytes, "encoding": "", "script": "", "status": "ok", "error": "",
        "quality_flags": "", "text_path": "", "text_sha256": "", "char_count": None,
    }  # fmt: skip
    row.update(dict.fromkeys(METADATA_FIELDS, ""))
    return row


def quarantined(source: SourceFile, reason: str, **known) -> DocumentResult:
    row = _base_row(source) | known
    row.update(status="quarantined", error=reason)
    return DocumentResult(row)


def read_document(source: SourceFile, data: bytes | None) -> DocumentResult:
    """Decode, normalize and describe one document; quarantine it with a readable reason.

    Never raises: a bug met on strange text quarantines that document, not the build.
    """
    try:
        return _read(source, data)
    except Exception as err:  # noqa: BLE001 - reported in documents.csv, the others publish
        return quarantined(source, f"could not be processed ({type(err).__name__}: {err}); please report this file")


def _read(source: SourceFile, data: bytes | None) -> DocumentResult:
    if source.problem or data is None:
        return quarantined(source, source.problem or "could not be read")
    if not data:
        return quarantined(source, "empty file (0 bytes)")
    try:
        decoded = decode_bytes(data)
    except UndecodableError as err:
        return quarantined(source, f"cannot be decoded as text: {err}")
    if not decoded.text.strip():
        return quarantined(source, "contains only white space", encoding=decoded.encoding)
    script = detect_script(decoded.text)
    normalized = normalize_text(decoded.text, script)
    if not _HAN.search(normalized.text):
        return quarantined(source, "no Chinese text: not a report", encoding=decoded.encoding, script=script)
    flags = list(normalized.flags)
    # Only the last character that is not white space can start a match (`\s` is str.isspace).
    if not _COMPLETE_END.search(normalized.text, max(0, len(normalized.text.rstrip()) - 1)):
        flags.append("truncated_suspected")
    meta = detect_metadata(normalized.text)
    text = normalized.text
    row = _base_row(source) | {k: meta.get(k, "") for k in METADATA_FIELDS}
    row.update(
        encoding=decoded.encoding,
        script=script,
        quality_flags=";".join(flags),
        text_path=text_path(source.doc_id),
        text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        char_count=len(text),
    )
    context = DocContext(
        doc_id=source.doc_id,
        doc_type=row["doc_type"] or "other",
        region=row["region"] or "",
        review_year=_int_or_none(row["review_year"]),
        plan_year=_int_or_none(row["plan_year"]),
    )
    return DocumentResult(row, normalized, context)


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
