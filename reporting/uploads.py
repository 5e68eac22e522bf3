"""What evidence files are accepted: PDF, images and office documents, checked by name and content.

The content decides, not the first bytes: ``filetype`` tells a WebP image from a WAV sound (both start
with ``RIFF``); an office document is opened (through the zip guard of ``cami.archives``) and must be
the format its name says: a .docx holds ``[Content_Types].xml`` and a Word main part, an .odt a
``mimetype`` member reading exactly ``application/vnd.oasis.opendocument.text``. Legacy .doc, .xls and
.ppt files are OLE compound files holding the stream their program writes (WordDocument, Workbook or
Book, PowerPoint Document).
"""
from __future__ import annotations

import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cami import archives

ZIP_SIGNATURE = b"PK\x03\x04"  # .docx, .xlsx, .pptx and OpenDocument files are zip archives
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc, .xls, .ppt
HEAD_BYTES = 8192  # what filetype reads

# What an office document may expand to when opened. The evidence itself is stored, not parsed: only
# [Content_Types].xml or mimetype is read, but a document expanding past these is no document.
EVIDENCE_ZIP_MAX_PART_BYTES = 100 * 1024 * 1024
EVIDENCE_ZIP_MAX_BYTES = 250 * 1024 * 1024
EVIDENCE_ZIP_MAX_PARTS = 5000
CONTENT_TYPES_MAX_BYTES = 1024 * 1024

PDF, IMAGE, OOXML, ODF, OLE = "pdf", "image", "ooxml", "odf", "ole"

# extension -> (content type, family, what it is, in words)
ACCEPTED = {
    "pdf": ("application/pdf", PDF, gettext_lazy("a PDF document")),
    "png": ("image/png", IMAGE, gettext_lazy("a PNG image")),
    "jpg": ("image/jpeg", IMAGE, gettext_lazy("a JPEG image")),
    "jpeg": ("image/jpeg", IMAGE, gettext_lazy("a JPEG image")),
    "gif": ("image/gif", IMAGE, gettext_lazy("a GIF image")),
    "webp": ("image/webp", IMAGE, gettext_lazy("a WebP image")),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", OOXML,
             gettext_lazy("a Word document (.docx)")),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", OOXML,
             gettext_lazy("an Excel workbook (.xlsx)")),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", OOXML,
             gettext_lazy("a PowerPoint presentation (.pptx)")),
    "odt": ("application/vnd.oasis.opendocument.text", ODF, gettext_lazy("an OpenDocument text (.odt)")),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ODF,
            gettext_lazy("an OpenDocument spreadsheet (.ods)")),
    "odp": ("application/vnd.oasis.opendocument.presentation", ODF,
            gettext_lazy("an OpenDocument presentation (.odp)")),
    "doc": ("application/msword", OLE, gettext_lazy("a Word 97-2003 document (.doc)")),
    "xls": ("application/vnd.ms-excel", OLE, gettext_lazy("an Excel 97-2003 workbook (.xls)")),
    "ppt": ("application/vnd.ms-powerpoint", OLE, gettext_lazy("a PowerPoint 97-2003 presentation (.ppt)")),
}
# filetype names an animated PNG image/apng: it is a PNG all the same.
ALSO_DETECTED_AS = {"png": {"image/apng"}}

# OOXML: the main part and its content type in [Content_Types].xml, per extension.
OOXML_MAIN = {
    "docx": ("word/document.xml", b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml",
             b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
}
# OLE: the stream each program writes, as its UTF-16 name appears in the compound file's directory.
OLE_STREAMS = {
    "doc": ("WordDocument",),
    "xls": ("Workbook", "Book"),
    "ppt": ("PowerPoint Document",),
}


def accepted_extensions() -> str:
    return ", ".join(sorted(ACCEPTED))


def _refuse(message: str):
    raise ValidationError({"file": message})


def check_evidence_file(file) -> str:
    """The content type of an acceptable upload; ValidationError naming the problem otherwise."""
    name = file.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ACCEPTED:
        _refuse(_("“%(name)s” is not a file type the tracker keeps. Accepted: %(types)s.")
                % {"name": name, "types": accepted_extensions()})
    limit = settings.EVIDENCE_MAX_BYTES
    if file.size > limit:
        _refuse(_("“%(name)s” is %(size)s; files may be at most %(limit)s.")
                % {"name": name, "size": filesizeformat(file.size), "limit": filesizeformat(limit)})
    if file.size == 0:
        _refuse(_("“%(name)s” is empty.") % {"name": name})
    content_type, family, _what = ACCEPTED[extension]
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    try:
        if family in (PDF, IMAGE):
            actual = _detected(head)
            if actual != extension and actual not in _same_type(extension):
                _mismatch(name, extension, actual)
        elif family in (OOXML, ODF):
            if not head.startswith(ZIP_SIGNATURE):
                _mismatch(name, extension, _detected(head))
            _check_office_zip(file, name=name, extension=extension)
        elif family == OLE:
            if not head.startswith(OLE_SIGNATURE):
                _mismatch(name, extension, _detected(head))
            _check_ole(file, name=name, extension=extension)
    finally:
        file.seek(0)
    return content_type


def _same_type(extension: str) -> set[str]:
    """The other extensions of the same content type (jpg and jpeg) and what filetype also calls it."""
    content_type = ACCEPTED[extension][0]
    return ({other for other, (kind, *_rest) in ACCEPTED.items() if kind == content_type}
            | {f"mime:{mime}" for mime in ALSO_DETECTED_AS.get(extension, ())})


def _detected(head: bytes) -> str | None:
    """What filetype recognises in the first bytes: an accepted extension, 'mime:<type>', or None."""
    kind = filetype.guess(head)
    if kind is None:
        return None
    for extension, (content_type, *_rest) in ACCEPTED.items():
        if kind.mime == content_type:
            return extension
    return f"mime:{kind.mime}"


def _described(actual: str | None) -> str | None:
    """A detected type in words: “an audio file (WAV)”, “a zip archive”; None when nothing was recognised."""
    if actual is None:
        return None
    if actual in ACCEPTED:
        return str(ACCEPTED[actual][2])
    if actual == "zip":
        return _("a zip archive")
    if actual == "macro":
        return _("a macro-enabled Office file (.docm, .xlsm, .pptm)")
    if actual.startswith("odf:"):
        return _("an OpenDocument file of another kind (%(mimetype)s)") % {"mimetype": actual[4:]}
    mime = actual.removeprefix("mime:")
    kind = filetype.get_type(mime=mime)
    label = (kind.extension if kind else mime.rsplit("/", 1)[-1]).upper()
    if mime == "application/zip":
        return _("a zip archive")
    if mime.startswith("audio/"):
        return _("an audio file (%(format)s)") % {"format": label}
    if mime.startswith("video/"):
        return _("a video (%(format)s)") % {"format": label}
    if mime.startswith("image/"):
        return _("an image (%(format)s)") % {"format": label}
    return _("a file of type %(format)s") % {"format": label}


def _mismatch(name: str, extension: str, actual: str | None):
    expected = ACCEPTED[extension][2]
    described = _described(actual)
    if described is None:
        _refuse(_("“%(name)s” does not contain what its name says (.%(ext)s): it may be damaged or renamed.")
                % {"name": name, "ext": extension})
    _refuse(_("“%(name)s” does not contain what its name says: it is %(actual)s, not %(expected)s.")
            % {"name": name, "actual": described, "expected": expected})


def _check_office_zip(file, *, name: str, extension: str):
    """Open the zip (through the zip guard) and check it is the office format its extension claims."""
    try:
        archives.check_zip_archive(file, max_member_bytes=EVIDENCE_ZIP_MAX_PART_BYTES,
                                   max_total_bytes=EVIDENCE_ZIP_MAX_BYTES, max_members=EVIDENCE_ZIP_MAX_PARTS)
    except ValidationError as error:
        _refuse(_("“%(name)s” is refused: %(reason)s") % {"name": name, "reason": " ".join(error.messages)})
    except archives.ZIP_ERRORS:
        _mismatch(name, extension, None)
    try:
        with zipfile.ZipFile(file) as archive:
            actual = _office_kind(archive)
    except ValidationError as error:
        _refuse(_("“%(name)s” is refused: %(reason)s") % {"name": name, "reason": " ".join(error.messages)})
    except archives.ZIP_ERRORS:
        _mismatch(name, extension, None)
    if actual != extension:
        _mismatch(name, extension, actual)


def _office_kind(archive: zipfile.ZipFile) -> str:
    """docx, xlsx, pptx, odt, ods or odp when the archive is one; 'macro', 'odf:<mimetype>' or 'zip' otherwise."""
    names = set(archive.namelist())
    if "mimetype" in names:
        mimetype = archives.read_member(archive, "mimetype", max_bytes=200).decode("ascii", "replace")
        for extension, (content_type, family, _what) in ACCEPTED.items():
            if family == ODF and mimetype == content_type:
                return extension
        if mimetype.startswith("application/vnd.oasis.opendocument."):
            return f"odf:{mimetype}"
        return "zip"
    if "[Content_Types].xml" not in names:
        return "zip"
    content_types = archives.read_member(archive, "[Content_Types].xml", max_bytes=CONTENT_TYPES_MAX_BYTES)
    if b"macroEnabled" in content_types:
        return "macro"  # may run code when opened: Office itself refuses one renamed .docx
    for extension, (main_part, main_type) in OOXML_MAIN.items():
        if main_type in content_types and main_part in names:
            return extension
    return "zip"


def _check_ole(file, *, name: str, extension: str):
    """A legacy office file: the compound file must hold the stream of the program its extension names."""
    found = set()
    wanted = {other: [stream.encode("utf-16-le") for stream in streams] for other, streams in OLE_STREAMS.items()}
    overlap = max(len(encoded) for streams in wanted.values() for encoded in streams)
    file.seek(0)
    tail = b""
    while chunk := file.read(1024 * 1024):
        data = tail + chunk
        for other, streams in wanted.items():
            if any(encoded in data for encoded in streams):
                found.add(other)
        if extension in found:
            return
        tail = data[-overlap:]
    _mismatch(name, extension, next(iter(sorted(found)), None))
