"""Guards for uploads that are zip archives underneath: the country workbook, office evidence files.

A zip file's size says little about what it holds: a 2 MB .xlsx can expand to gigabytes. Every upload
opened as a zip goes through ``check_zip_archive`` first, which reads the central directory only and
refuses, with a sentence naming the limit, an archive whose parts would expand beyond the limits.

The declared sizes can lie. Whatever must then be read goes through ``read_member``/``open_member``,
a stream that counts what it decompresses and stops at the limit, whatever the archive said.
``check_xlsx_size`` reads every part of a spreadsheet that way (constant memory) and counts its rows
and cells before a spreadsheet library such as openpyxl, which decompresses whole parts itself,
builds any of them.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from typing import IO, BinaryIO

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# A part expanding more than this many times its compressed size is a bomb, not a document: XML
# compresses 5-30 times, repetitive XML up to ~200. Checked for parts larger than RATIO_MIN_BYTES
# (a short run of spaces compresses at any ratio).
MAX_RATIO = 200
RATIO_MIN_BYTES = 1024 * 1024
CHUNK_BYTES = 64 * 1024

ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, NotImplementedError,
              KeyError, ValueError, RuntimeError)


def _size(number: int) -> str:
    return str(filesizeformat(number)).replace("\xa0", " ")


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def check_zip_archive(file: BinaryIO, *, max_member_bytes: int, max_total_bytes: int, max_members: int,
                      max_ratio: int = MAX_RATIO) -> list[zipfile.ZipInfo]:
    """The archive's members, when their declared sizes stay within the limits; ValidationError otherwise.

    Reads the central directory only: nothing is decompressed. ``file`` is a seekable binary file
    (an upload, a BytesIO); a file that is not a zip archive raises zipfile.BadZipFile.
    """
    file.seek(0)
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
    file.seek(0)
    if len(members) > max_members:
        _refuse(_("The archive holds %(count)s parts; a file may hold at most %(max)s.")
                % {"count": len(members), "max": max_members}, "zip_members")
    total = 0
    for info in members:
        if info.file_size > max_member_bytes:
            _refuse(_("%(part)s would expand to %(size)s; a part may be at most %(max)s.") % {
                "part": info.filename, "size": _size(info.file_size), "max": _size(max_member_bytes)},
                "zip_member_size")
        if info.file_size > RATIO_MIN_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
            _refuse(_("%(part)s would expand %(ratio)s times (to %(size)s); a part may expand at most %(max)s "
                      "times.") % {"part": info.filename, "ratio": info.file_size // max(info.compress_size, 1),
                                   "size": _size(info.file_size), "max": max_ratio}, "zip_ratio")
        total += info.file_size
        if total > max_total_bytes:
            _refuse(_("The archive would expand to more than %(max)s; a file may expand to at most %(max)s.")
                    % {"max": _size(max_total_bytes)}, "zip_total_size")
    return members


class _BoundedStream:
    """A member's decompressed bytes, refused past ``max_bytes`` (whatever its declared size said)."""

    def __init__(self, raw: IO[bytes], name: str, max_bytes: int):
        self.raw, self.name, self.max_bytes, self.count = raw, name, max_bytes, 0

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that is left when negative), decompressed a chunk at a time."""
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(CHUNK_BYTES), b""))
        # Never more than one chunk past the limit, whatever the caller asks for.
        data = self.raw.read(min(size, CHUNK_BYTES))
        self.count += len(data)
        if self.count > self.max_bytes:
            _refuse(_("%(part)s expands to more than %(max)s; a part may be at most %(max)s.")
                    % {"part": self.name, "max": _size(self.max_bytes)}, "zip_member_size")
        return data

    def __iter__(self):
        while data := self.read(CHUNK_BYTES):
            yield data

    def close(self):
        self.raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_member(archive: zipfile.ZipFile, name: str, *, max_bytes: int) -> _BoundedStream:
    """A stream of one part that raises ValidationError once more than ``max_bytes`` came out of it."""
    return _BoundedStream(archive.open(name), name, max_bytes)


def read_member(archive: zipfile.ZipFile, name: str, *, max_bytes: int) -> bytes:
    """One (small) part, read whole but never past ``max_bytes``."""
    with open_member(archive, name, max_bytes=max_bytes) as stream:
        return b"".join(stream)


# --- Spreadsheets (.xlsx): rows and cells counted in the XML, before any cell is built ---------------

# Element names with or without a namespace prefix: <row ...>, <x:c .../>, <si>.
_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|si)[\s/>]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_TAIL = 64  # bytes kept between chunks so that a tag split across two chunks is still seen


def check_xlsx_size(file: BinaryIO, *, max_member_bytes: int, max_total_bytes: int, max_rows: int,
                    max_cells: int, max_cells_per_row: int) -> None:
    """Refuse (ValidationError naming the limit) a spreadsheet with too many rows or cells, or with a DTD.

    Decompresses every part through a bounded stream (constant memory: the declared sizes may lie;
    zipfile also stops at them and checks each CRC, a damaged part raises zipfile.BadZipFile) and counts
    the rows and cells of the worksheets and the shared strings: read-only spreadsheet readers still
    build each row whole and every shared string, so the counts must be known before they start.
    Call ``check_zip_archive`` first: it refuses most bombs without decompressing anything.
    """
    file.seek(0)
    cells_total = bytes_total = 0
    with zipfile.ZipFile(file) as archive:
        for info in archive.infolist():
            name = info.filename
            is_sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
            is_strings = name == "xl/sharedStrings.xml"
            is_xml = name.endswith((".xml", ".rels", ".vml"))
            rows, cells_in_row, tail = 0, 0, b""
            with open_member(archive, name, max_bytes=max_member_bytes) as stream:
                for chunk in stream:
                    bytes_total += len(chunk)
                    if bytes_total > max_total_bytes:
                        _refuse(_("The archive expands to more than %(max)s; a file may expand to at most "
                                  "%(max)s.") % {"max": _size(max_total_bytes)}, "zip_total_size")
                    if not is_xml:
                        continue
                    data = tail + chunk
                    if _DTD.search(data):
                        _refuse(_("%(part)s declares a document type (DTD): an office file has none, the file "
                                  "is refused.") % {"part": name}, "xml_dtd")
                    # Matches wholly inside the kept tail were counted with the previous chunk.
                    for match in _ELEMENT.finditer(data):
                        if match.end() <= len(tail):
                            continue
                        element = match.group(1)
                        if is_sheet and element == b"row":
                            rows, cells_in_row = rows + 1, 0
                            if rows > max_rows:
                                _refuse(_("A sheet of the workbook has more than %(max)s rows; the tracker reads "
                                          "at most %(max)s.") % {"max": max_rows}, "xlsx_rows")
                        elif (is_sheet and element == b"c") or (is_strings and element == b"si"):
                            cells_in_row += 1
                            cells_total += 1
                            if is_sheet and cells_in_row > max_cells_per_row:
                                _refuse(_("A row of the workbook has more than %(max)s cells; the tracker reads "
                                          "at most %(max)s.") % {"max": max_cells_per_row}, "xlsx_row_cells")
                            if cells_total > max_cells:
                                _refuse(_("The workbook has more than %(max)s cells and texts; the tracker reads "
                                          "at most %(max)s.") % {"max": max_cells}, "xlsx_cells")
                    tail = data[-_TAIL:]
    file.seek(0)
