"""Bytes to text: each accepted encoding round-trips with its label; anything else is refused."""

from __future__ import annotations

import codecs
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dagster_project.core.decoding import Decoded, UndecodableError, decode_bytes

SEED_DIR = Path(__file__).resolve().parent.parent / "seeds"
SEEDS = {p.name[:3]: p.read_text(encoding="utf-8") for p in sorted(SEED_DIR.glob("*.txt"))}


@cache
def s2t():
    import opencc

    return opencc.OpenCC("s2t")


def big5_paragraphs(seed: str) -> list[tuple[str, bytes]]:
    """Paragraphs of a simplified seed in traditional script, those Big5 can encode."""
    found = []
    for paragraph in SEEDS[seed].split("\n"):
        paragraph = paragraph.strip()
        if len(paragraph) < 20:
            continue
        traditional = s2t().convert(paragraph)
        try:
            found.append((traditional, traditional.encode("big5", errors="strict")))
        except UnicodeEncodeError:
            continue
    return found


def cut_mid_character(data: bytes, at: int, keep: int) -> bytes:
    """`data` cut after `keep` bytes of the first 3-byte UTF-8 character at or after `at`."""
    while not 0xE0 <= data[at] < 0xF0:
        at += 1
    return data[: at + keep]


@pytest.mark.parametrize("seed", sorted(SEEDS))
@pytest.mark.parametrize(
    ("encode", "label"),
    [
        (lambda t: t.encode("utf-8"), "utf-8"),
        (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
        (lambda t: t.encode("gb18030"), "gb18030"),
        (lambda t: t.encode("utf-16"), "utf-16"),
        (lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), "utf-16"),
        (lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "utf-16", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_seed_round_trips(seed, encode, label):
    text = SEEDS[seed]
    assert decode_bytes(encode(text)) == Decoded(text, label)


@pytest.mark.parametrize("seed", ["000", "004"])
def test_gbk_is_read_as_gb18030(seed):
    text = SEEDS[seed]
    assert decode_bytes(text.encode("gbk")) == Decoded(text, "gb18030")


def test_bom_is_not_part_of_the_text():
    decoded = decode_bytes(codecs.BOM_UTF8 + "政府工作报告".encode())
    assert decoded.text == "政府工作报告"
    assert not decoded.text.startswith("\ufeff")
    assert decode_bytes("政府工作报告".encode("utf-16")).text == "政府工作报告"


def test_big5_traditional_paragraph():
    paragraphs = big5_paragraphs("000")
    assert paragraphs, "no paragraph of 000 encodes in Big5"
    traditional, data = paragraphs[0]
    assert traditional != SEEDS["000"].split("\n")[0]  # it really is converted
    assert any(c in traditional for c in "區發經濟會議報務實")
    assert decode_bytes(data) == Decoded(traditional, "big5")


@pytest.mark.parametrize("seed", ["000", "001", "002", "004"])
def test_every_big5_paragraph_is_read_as_big5(seed):
    paragraphs = big5_paragraphs(seed)
    assert len(paragraphs) >= 5
    wrong = [t[:20] for t, data in paragraphs if decode_bytes(data) != Decoded(t, "big5")]
    assert wrong == []


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00<<>>",
        "GDP增长4.2%\n政府工作报告".encode("utf-16-le"),  # UTF-16 without a byte-order mark
        "GDP增长4.2%\n政府工作报告".encode("utf-16-be"),
        "政府工作报告\x00".encode(),
        bytes(range(256)),
    ],
    ids=["png", "pdf", "utf-16-le-no-bom", "utf-16-be-no-bom", "utf-8-with-nul", "all-bytes"],
)
def test_nul_bytes_are_refused(data):
    with pytest.raises(UndecodableError, match="NUL"):
        decode_bytes(data)


@pytest.mark.parametrize("seed", sorted(SEEDS))
@pytest.mark.parametrize("where", [0.25, 0.5, 0.999])
@pytest.mark.parametrize("keep", [1, 2])
def test_utf8_cut_mid_character_is_refused(seed, where, keep):
    """A UTF-8 file cut inside a character must not come back as GB18030 or Big5 garbage."""
    data = SEEDS[seed].encode("utf-8")
    cut = cut_mid_character(data, int(len(data) * where) - 8, keep)
    with pytest.raises(UnicodeDecodeError):
        cut.decode("utf-8")
    with pytest.raises(UndecodableError):
        decode_bytes(cut)


@pytest.mark.parametrize(
    "text",
    [
        "各位代表：现在，我代表市人民政府",
        "政府工作报告",
        "你好",
        "经济社会保持平稳健康发展",
        "2021年政府工作报告",
        "GDP增长",
    ],
)
@pytest.mark.parametrize("missing", [1, 2])
def test_short_utf8_cut_mid_character_is_refused(text, missing):
    """Short texts cut inside their last character are valid GB18030 more often than not."""
    cut = text.encode("utf-8")[:-missing]
    with pytest.raises(UndecodableError):
        decode_bytes(cut)


def test_invalid_utf8_after_a_bom_is_refused():
    with pytest.raises(UndecodableError):
        decode_bytes(codecs.BOM_UTF8 + "政府工作报告".encode("gb18030"))


def test_odd_length_utf16_is_refused():
    with pytest.raises(UndecodableError):
        decode_bytes("政府工作报告".encode("utf-16") + b"\x41")


def test_implausible_legacy_decoding_is_refused():
    # Latin-1 bytes: valid as neither UTF-8 nor GB18030 nor Big5.
    with pytest.raises(UndecodableError):
        decode_bytes(("Ceci n'est pas un rapport: é à ç ô " * 20).encode("latin-1"))
    # Valid GB18030, but only as user-defined (private-use) characters; not Big5 at all.
    with pytest.raises(UndecodableError, match="implausible"):
        decode_bytes(bytes([0xFA, 0xA1]) * 50)


def test_error_says_why():
    with pytest.raises(UndecodableError) as err:
        decode_bytes(b"\x00\x01\x02")
    assert "NUL" in str(err.value)
    assert isinstance(err.value, ValueError)


def test_empty_and_ascii():
    assert decode_bytes(b"") == Decoded("", "utf-8")
    assert decode_bytes(b"GDP 4.2%\n") == Decoded("GDP 4.2%\n", "utf-8")


report_text = st.text(
    alphabet=st.sampled_from(list("政府工作报告区长增亿元项目个，。、：；“”（）【】《》—…0123456789.%GDPabc \n")),
    max_size=80,
)


@settings(max_examples=100, deadline=None)
@given(report_text)
def test_any_report_text_round_trips_as_utf8(text):
    assert decode_bytes(text.encode("utf-8")) == Decoded(text, "utf-8")
    assert decode_bytes(codecs.BOM_UTF8 + text.encode("utf-8")) == Decoded(text, "utf-8-sig")
    assert decode_bytes(text.encode("utf-16")) == Decoded(text, "utf-16")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_raise_undecodable(data):
    try:
        decoded = decode_bytes(data)
    except UndecodableError:
        return
    assert decoded.encoding in {"utf-8", "utf-8-sig", "gb18030", "big5", "utf-16"}
    assert "\x00" not in decoded.text or decoded.encoding == "utf-16"
