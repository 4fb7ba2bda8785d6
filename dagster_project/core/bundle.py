"""The package's download zip and SHA256SUMS, and checks that a published folder agrees with them.

The zip holds every file of the package except itself and SHA256SUMS, in path order, with
fixed timestamps and permissions, so its bytes change only when the content does.
SHA256SUMS (`sha256sum -c` format) lists every other file, the zip included.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from dagster_project.core.package import PACKAGE_NAME, csv_bytes
from dagster_project.core.parquet import read_parquet_frame

SUMS = "SHA256SUMS"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def zip_name(version: str) -> str:
    return f"{PACKAGE_NAME}-{version}.zip"


def package_files(root: Path) -> list[str]:
    """Every file below `root`, as sorted POSIX paths relative to it."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _is_bundle(rel: str) -> bool:
    return rel == SUMS or ("/" not in rel and rel.startswith(f"{PACKAGE_NAME}-") and rel.endswith(".zip"))


def zip_bytes(root: Path, version: str, previous: Path | None = None) -> bytes:
    """A reproducible zip of the package folder under `<name>-<version>/`.

    With `previous` (the folder of the package being replaced), a file whose bytes are
    unchanged keeps its compressed data from that package's zip rather than being
    compressed again (see `_reusable_deflates`): the bytes are the same either way.
    """
    return _zip_of(_contents(root), version, _reusable_deflates(previous))


def _contents(root: Path) -> dict[str, bytes]:
    """The bytes of every file the zip holds, by path, in path order."""
    return {rel: (root / rel).read_bytes() for rel in package_files(root) if not _is_bundle(rel)}


# The zip is written here rather than by `zipfile`, so that compressed data can be taken
# over from the previous zip; every field is what `zipfile.ZipFile.writestr` writes for
# the member below (Deflate at level 6, no extra fields, no comments), and a test keeps the
# two byte-identical. Archives that would need ZIP64 records are left to `zipfile`.
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")
_END_RECORD = struct.Struct("<4s4H2LH")
_DEFLATE_VERSION = 20  # "version needed to extract" and "made by" (2.0: Deflate)
_UNIX = 3  # "made by" system, so that the permissions below are read as Unix ones
_MODE = 0o100644 << 16  # a regular file, rw-r--r--
_UTF8_NAME = 1 << 11  # general purpose flag: the name is UTF-8 (set only when not ASCII)
_COMPRESS_LEVEL = 6
_ZIP64_LIMIT = (1 << 31) - 1
_MEMBER_LIMIT = (1 << 16) - 1


@dataclass(frozen=True)
class _Deflated:
    """A member's data as stored in the zip."""

    data: bytes  # raw Deflate stream
    crc: int
    size: int  # uncompressed


def _deflate(content: bytes) -> _Deflated:
    compressor = zlib.compressobj(_COMPRESS_LEVEL, zlib.DEFLATED, -15)  # as zipfile does
    return _Deflated(compressor.compress(content) + compressor.flush(), zlib.crc32(content), len(content))


def _dos_date_time() -> tuple[int, int]:
    year, month, day, hour, minute, second = ZIP_TIME
    return (year - 1980) << 9 | month << 5 | day, hour << 11 | minute << 5 | second // 2


def _zip_of(contents: dict[str, bytes], version: str, reusable: dict[str, _Deflated]) -> bytes:
    prefix = zip_name(version).removesuffix(".zip") + "/"
    if len(contents) > _MEMBER_LIMIT or sum(map(len, contents.values())) * 1.05 > _ZIP64_LIMIT:
        return _zip_by_zipfile(contents, prefix)
    date, time = _dos_date_time()
    parts: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for rel, content in contents.items():
        stored = reusable.get(rel)
        member = stored if stored is not None and _holds(stored, content) else _deflate(content)
        try:
            name, flags = (prefix + rel).encode("ascii"), 0
        except UnicodeEncodeError:
            name, flags = (prefix + rel).encode("utf-8"), _UTF8_NAME
        sizes = (member.crc, len(member.data), member.size)
        parts += [
            _LOCAL_HEADER.pack(b"PK\x03\x04", _DEFLATE_VERSION, 0, flags, zipfile.ZIP_DEFLATED, time, date,
                               *sizes, len(name), 0),
            name,
            member.data,
        ]  # fmt: skip
        central += [
            _CENTRAL_HEADER.pack(b"PK\x01\x02", _DEFLATE_VERSION, _UNIX, _DEFLATE_VERSION, 0, flags,
                                 zipfile.ZIP_DEFLATED, time, date, *sizes, len(name), 0, 0, 0, 0, _MODE, offset),
            name,
        ]  # fmt: skip
        offset += _LOCAL_HEADER.size + len(name) + len(member.data)
    directory = b"".join(central)
    if offset > _ZIP64_LIMIT or len(directory) > _ZIP64_LIMIT:
        return _zip_by_zipfile(contents, prefix)
    end = _END_RECORD.pack(b"PK\x05\x06", 0, 0, len(contents), len(contents), len(directory), offset, 0)
    return b"".join(parts) + directory + end


def _zip_by_zipfile(contents: dict[str, bytes], prefix: str) -> bytes:
    """The same archive written by `zipfile` (which adds ZIP64 records where they are needed)."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for rel, content in contents.items():
            info = zipfile.ZipInfo(prefix + rel, date_time=ZIP_TIME)
            info.create_system = _UNIX
            info.external_attr = _MODE
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content, compresslevel=_COMPRESS_LEVEL)
    return buffer.getvalue()


def _holds(stored: _Deflated, content: bytes) -> bool:
    """Whether stored compressed data inflates to exactly `content`."""
    if stored.size != len(content) or stored.crc != zlib.crc32(content):
        return False
    try:
        return zlib.decompress(stored.data, -15) == content
    except zlib.error:
        return False


def _reusable_deflates(previous: Path | None) -> dict[str, _Deflated]:
    """The Deflate data of the members of the zip in the package folder `previous`, by path.

    Deflate output depends on the zlib build as well as on the input, so the data is only
    taken over when this zlib compresses one of those members to exactly the stored bytes;
    otherwise (or without a readable zip) every file is compressed afresh.
    """
    zips = sorted(previous.glob(f"{PACKAGE_NAME}-*.zip")) if previous is not None and previous.is_dir() else []
    if len(zips) != 1:
        return {}
    try:
        data = zips[0].read_bytes()
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
    except (OSError, zipfile.BadZipFile):
        return {}
    prefix = zips[0].name.removesuffix(".zip") + "/"
    found = {}
    for info in infos:
        if info.compress_type != zipfile.ZIP_DEFLATED or not info.filename.startswith(prefix):
            continue
        header = data[info.header_offset : info.header_offset + _LOCAL_HEADER.size]
        if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
            continue
        fields = _LOCAL_HEADER.unpack(header)
        start = info.header_offset + _LOCAL_HEADER.size + fields[-2] + fields[-1]
        found[info.filename.removeprefix(prefix)] = _Deflated(
            data[start : start + info.compress_size], info.CRC, info.file_size
        )
    return found if _same_deflate(found) else {}


def _same_deflate(found: dict[str, _Deflated]) -> bool:
    """Whether this zlib compresses a stored member (the largest up to 1 MB) to the stored bytes."""
    sample = max((d for d in found.values() if d.size <= 1 << 20), key=lambda d: d.size, default=None)
    if sample is None:
        return False
    try:
        content = zlib.decompress(sample.data, -15)
    except zlib.error:
        return False
    return _deflate(content) == sample


def sha256sums(root: Path, known: dict[str, bytes] | None = None) -> str:
    """SHA256SUMS of every file but itself; `known` holds the bytes of files already read."""
    known = known or {}
    lines = [
        f"{hashlib.sha256(known[rel] if rel in known else (root / rel).read_bytes()).hexdigest()}  {rel}"
        for rel in package_files(root)
        if rel != SUMS
    ]
    return "\n".join(lines) + "\n"


def write_bundle(root: Path, version: str, previous: Path | None = None) -> str:
    """Add the zip and then SHA256SUMS to a finished package folder; returns the zip's name.

    `previous`: the folder of the package this one replaces, whose zip may lend compressed
    data (see `zip_bytes`).
    """
    name = zip_name(version)
    contents = _contents(root)
    archive = _zip_of(contents, version, _reusable_deflates(previous))
    (root / name).write_bytes(archive)
    (root / SUMS).write_text(sha256sums(root, contents | {name: archive}), encoding="utf-8")
    return name


def bundle_problems(root: Path) -> list[str]:
    """Where the folder disagrees with its SHA256SUMS, its zip, or its CSV tables."""
    problems = []
    sums_path = root / SUMS
    if not sums_path.is_file():
        return [f"{SUMS} is missing"]
    listed = {}
    for line in sums_path.read_text(encoding="utf-8").splitlines():
        digest, _, rel = line.partition("  ")
        listed[rel] = digest
    present = [rel for rel in package_files(root) if rel != SUMS]
    problems += [f"{rel}: not listed in {SUMS}" for rel in present if rel not in listed]
    problems += [f"{rel}: listed in {SUMS} but missing" for rel in listed if not (root / rel).is_file()]
    problems += [
        f"{rel}: sha256 differs from {SUMS}"
        for rel in present
        if rel in listed and hashlib.sha256((root / rel).read_bytes()).hexdigest() != listed[rel]
    ]
    problems += _zip_problems(root)
    problems += parquet_problems(root)
    return problems


def _zip_problems(root: Path) -> list[str]:
    try:
        version = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return ["datapackage.json has no version, so the zip cannot be named"]
    name = zip_name(version)
    zips = sorted(rel for rel in package_files(root) if _is_bundle(rel) and rel != SUMS)
    if zips != [name]:
        return [f"expected exactly one zip, {name}; found {zips or 'none'}"]
    prefix = name.removesuffix(".zip") + "/"
    with zipfile.ZipFile(root / name) as archive:
        members = {i.filename.removeprefix(prefix): archive.read(i) for i in archive.infolist()}
    expected = [rel for rel in package_files(root) if not _is_bundle(rel)]
    problems = [f"{name}: lacks {rel}" for rel in expected if rel not in members]
    problems += [f"{name}: has {rel}, which the package does not" for rel in members if rel not in expected]
    problems += [
        f"{name}: {rel} differs from the file"
        for rel in expected
        if rel in members and members[rel] != (root / rel).read_bytes()
    ]
    return problems


def parquet_problems(root: Path) -> list[str]:
    """Every Parquet resource holds exactly the rows of its CSV twin."""
    try:
        descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ["datapackage.json cannot be read"]
    problems = []
    for resource in descriptor.get("resources", []):
        if resource.get("format") != "parquet":
            continue
        path = root / resource["path"]
        twin = root / resource["path"].removesuffix(".parquet")
        twin = twin.with_name(twin.name + ".csv")
        if not path.is_file() or not twin.is_file():
            problems.append(f"{resource['path']}: the file or its CSV twin is missing")
            continue
        frame = read_parquet_frame(path.read_bytes())
        columns = [f["name"] for f in resource.get("schema", {}).get("fields", [])]
        if list(frame.columns) != columns:
            problems.append(f"{resource['path']}: columns differ from its schema")
        elif csv_bytes(frame, columns) != twin.read_bytes():
            problems.append(f"{resource['path']}: rows differ from {twin.relative_to(root).as_posix()}")
    return problems
