"""The zip guard for uploads opened as zip archives (cami/archives.py)."""
import io
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError

from cami import archives

LIMITS = {"max_member_bytes": 100_000, "max_total_bytes": 150_000, "max_members": 10}


def a_zip(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def refusal(call) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    return " ".join(caught.value.messages)


def test_an_archive_within_the_limits_passes_and_nothing_is_decompressed():
    members = archives.check_zip_archive(io.BytesIO(a_zip({"a.xml": "x" * 90_000, "b.xml": "y"})), **LIMITS)
    assert [member.filename for member in members] == ["a.xml", "b.xml"]


@pytest.mark.parametrize("parts, message", [
    ({"big.xml": b"a" * 100_001}, "big.xml would expand to 97.7 KB; a part may be at most 97.7 KB."),
    ({"a.xml": b"a" * 90_000, "b.xml": b"b" * 90_000},
     "The archive would expand to more than 146.5 KB; a file may expand to at most 146.5 KB."),
    ({f"{n}.xml": b"" for n in range(11)}, "The archive holds 11 parts; a file may hold at most 10."),
], ids=["part", "total", "members"])
def test_declared_sizes_past_a_limit_are_refused_naming_it(parts, message):
    assert refusal(lambda: archives.check_zip_archive(io.BytesIO(a_zip(parts)), **LIMITS)) == message


def test_a_part_expanding_more_than_documents_do_is_refused():
    content = a_zip({"xl/sharedStrings.xml": b"a" * (2 * 1024 * 1024)})
    message = refusal(lambda: archives.check_zip_archive(io.BytesIO(content), max_member_bytes=10 * 2**20,
                                                         max_total_bytes=10 * 2**20, max_members=10))
    assert message.startswith("xl/sharedStrings.xml would expand ") and "at most 200 times" in message


def test_a_bounded_read_stops_at_its_limit():
    with zipfile.ZipFile(io.BytesIO(a_zip({"part.xml": b"a" * 1_000_000}))) as archive:
        assert archives.read_member(archive, "part.xml", max_bytes=1_000_000) == b"a" * 1_000_000
        for read in (lambda stream: [len(chunk) for chunk in stream], lambda stream: stream.read()):
            stream = archives.open_member(archive, "part.xml", max_bytes=100_000)
            message = refusal(lambda: read(stream))
            assert message == "part.xml expands to more than 97.7 KB; a part may be at most 97.7 KB."
            assert stream.count <= 100_000 + archives.CHUNK_BYTES


def _declaring(content: bytes, size: int) -> bytes:
    """The archive with its one part's uncompressed size declared as ``size`` (local and central headers)."""
    data = bytearray(content)
    local = data.index(b"PK\x03\x04")
    data[local + 22:local + 26] = struct.pack("<I", size)
    central = data.index(b"PK\x01\x02")
    data[central + 24:central + 28] = struct.pack("<I", size)
    return bytes(data)


def test_a_part_that_lies_about_its_size_yields_no_more_than_declared_and_is_found_damaged():
    lying = _declaring(a_zip({"xl/sharedStrings.xml": b"a" * 5_000_000}), 1000)
    assert archives.check_zip_archive(io.BytesIO(lying), **LIMITS)[0].file_size == 1000
    with zipfile.ZipFile(io.BytesIO(lying)) as archive, \
            archives.open_member(archive, "xl/sharedStrings.xml", max_bytes=100_000) as stream:
        with pytest.raises(zipfile.BadZipFile):
            for _chunk in stream:
                pass
        assert stream.count <= 1000
    with pytest.raises(zipfile.BadZipFile):
        archives.check_xlsx_size(io.BytesIO(lying), max_member_bytes=100_000, max_total_bytes=150_000,
                                 max_rows=10, max_cells=10, max_cells_per_row=10)


def sheet(rows, cells_per_row, prefix=""):
    p = f"{prefix}:" if prefix else ""
    row = "".join(f'<{p}c r="A1" t="n"><{p}v>1</{p}v></{p}c>' for _ in range(cells_per_row))
    return (f"<{p}worksheet><{p}sheetData>" + f'<{p}row r="1">{row}</{p}row>' * rows
            + f"</{p}sheetData></{p}worksheet>").encode()


@pytest.mark.parametrize("prefix", ["", "x"])
def test_rows_and_cells_are_counted_exactly_across_chunks(prefix):
    # 3000 rows of 7 cells: about 600 KB, read in 64 KB chunks; tags split across chunks count once.
    content = a_zip({"xl/worksheets/sheet1.xml": sheet(3000, 7, prefix), "xl/sharedStrings.xml": b"<sst>"
                     + b"<si><t>a</t></si>" * 50 + b"</sst>"})
    limits = {"max_member_bytes": 10 * 2**20, "max_total_bytes": 10 * 2**20}
    archives.check_xlsx_size(io.BytesIO(content), max_rows=3000, max_cells=21_050, max_cells_per_row=7, **limits)
    assert "more than 2999 rows" in refusal(lambda: archives.check_xlsx_size(
        io.BytesIO(content), max_rows=2999, max_cells=10**6, max_cells_per_row=7, **limits))
    assert "more than 21049 cells" in refusal(lambda: archives.check_xlsx_size(
        io.BytesIO(content), max_rows=3000, max_cells=21_049, max_cells_per_row=7, **limits))
    assert "more than 6 cells" in refusal(lambda: archives.check_xlsx_size(
        io.BytesIO(content), max_rows=3000, max_cells=10**6, max_cells_per_row=6, **limits))
