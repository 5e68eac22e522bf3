"""Evidence files: the content must be what the name says, office documents the format they claim."""
import io
import struct
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from reporting import services, uploads
from reporting.models import Evidence
from reporting.services import ProgressInput
from tests.object_storage import stored_bytes

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


# --- Files as programs write them (the smallest that are what they say) --------------------------------

def wav():
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", 4) + b"\0\0\0\0"
    return b"RIFF" + struct.pack("<I", len(body)) + body


def webp():
    body = b"WEBP" + b"VP8 " + struct.pack("<I", 10) + b"\x30\x01\x00\x9d\x01\x2a\x01\x00\x01\x00"
    return b"RIFF" + struct.pack("<I", len(body)) + body


def png():
    return b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + b"\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0" + b"\x90wS\xde"


def jpeg():
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\0" * 32 + b"\xff\xd9"


def a_zip(parts, *, first=None):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first[0]), first[1])  # stored, as OpenDocument requires
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def content_types(main_type, part):
    return (f'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/{part}" ContentType="{main_type}"/></Types>')


def docx(document=b"<w:document/>", main_type=DOCX_MAIN):
    return a_zip({"[Content_Types].xml": content_types(main_type, "word/document.xml"),
                  "_rels/.rels": "<Relationships/>", "word/document.xml": document})


def xlsx():
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def opendocument(mimetype="application/vnd.oasis.opendocument.text"):
    return a_zip({"content.xml": "<office:document-content/>", "META-INF/manifest.xml": "<manifest/>"},
                 first=("mimetype", mimetype))


def ole(stream):
    """An OLE compound file header and a directory entry naming ``stream`` (UTF-16, as Office writes it)."""
    return (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + b"\xfd\xff\xff\xff" + b"\0" * 508
            + "Root Entry".encode("utf-16-le").ljust(128, b"\0") + stream.encode("utf-16-le").ljust(128, b"\0"))


def check(name, content):
    return uploads.check_evidence_file(SimpleUploadedFile(name, content))


def refusal(name, content) -> str:
    with pytest.raises(ValidationError) as caught:
        check(name, content)
    return " ".join(caught.value.message_dict["file"])


# --- Accepted: what it says it is ------------------------------------------------------------------------

@pytest.mark.parametrize("name, make, content_type", [
    ("song.webp", webp, "image/webp"),
    ("photo.png", png, "image/png"),
    ("photo.jpg", jpeg, "image/jpeg"),
    ("photo.jpeg", jpeg, "image/jpeg"),
    ("report.pdf", lambda: b"%PDF-1.4 test", "application/pdf"),
    ("report.docx", docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("figures.xlsx", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("report.odt", opendocument, "application/vnd.oasis.opendocument.text"),
    ("report.doc", lambda: ole("WordDocument"), "application/msword"),
    ("figures.xls", lambda: ole("Workbook"), "application/vnd.ms-excel"),
    ("slides.ppt", lambda: ole("PowerPoint Document"), "application/vnd.ms-powerpoint"),
])
def test_a_file_that_is_what_its_name_says_is_accepted(name, make, content_type):
    assert check(name, make()) == content_type


# --- Refused: the content is something else --------------------------------------------------------------

@pytest.mark.parametrize("name, make, message", [
    ("song.webp", wav, "“song.webp” does not contain what its name says: it is an audio file (WAV), not a WebP image."),
    ("photo.jpg", lambda: b"%PDF-1.4 x", "it is a PDF document, not a JPEG image."),
    ("photo.png", jpeg, "it is a JPEG image, not a PNG image."),
    ("photo.webp", lambda: b"RIFF\0\0\0\0AVI LIST", "it is a video (AVI), not a WebP image."),
    ("photo.gif", lambda: b"<html>a page</html>", "“photo.gif” does not contain what its name says (.gif): it may be"),
    ("archive.pdf", lambda: b"7z\xbc\xaf\x27\x1c" + b"\0" * 30, "it is a file of type 7Z, not a PDF document."),
], ids=["wav-as-webp", "pdf-as-jpg", "jpeg-as-png", "avi-as-webp", "unknown-as-gif", "7z-as-pdf"])
def test_a_file_whose_content_is_another_type_is_refused(name, make, message):
    assert message in refusal(name, make())


@pytest.mark.parametrize("name, make, message", [
    ("report.docx", lambda: a_zip({"notes.txt": "hello"}), "it is a zip archive, not a Word document (.docx)."),
    ("report.docx", xlsx, "it is an Excel workbook (.xlsx), not a Word document (.docx)."),
    ("report.docx", lambda: a_zip({"word/document.xml": "<w:document/>"}), "it is a zip archive, not a Word"),
    ("report.docx", lambda: docx(main_type="application/vnd.ms-word.document.macroEnabled.main+xml"),
     "it is a macro-enabled Office file (.docm, .xlsm, .pptm), not a Word document (.docx)."),
    ("figures.xlsx", lambda: a_zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}),
     "it is a zip archive, not an Excel workbook (.xlsx)."),
    ("report.odt", lambda: opendocument("application/vnd.oasis.opendocument.spreadsheet"),
     "it is an OpenDocument spreadsheet (.ods), not an OpenDocument text (.odt)."),
    ("report.odt", lambda: opendocument("application/vnd.oasis.opendocument.text-template"),
     "it is an OpenDocument file of another kind (application/vnd.oasis.opendocument.text-template)"),
    ("report.odt", lambda: a_zip({"content.xml": "<x/>"}), "it is a zip archive, not an OpenDocument text"),
    ("report.docx", lambda: b"PK\x03\x04" + b"\0" * 100, "(.docx): it may be damaged or renamed."),
    ("report.docx", lambda: b"%PDF-1.4", "it is a PDF document, not a Word document (.docx)."),
    ("figures.xls", lambda: ole("WordDocument"),
     "it is a Word 97-2003 document (.doc), not an Excel 97-2003 workbook (.xls)."),
    ("report.doc", lambda: ole("__substg1.0_0037001F"), "(.doc): it may be damaged or renamed."),
], ids=["plain-zip-as-docx", "xlsx-as-docx", "no-content-types", "docm-as-docx", "no-main-type", "ods-as-odt",
        "other-opendocument", "zip-as-odt", "damaged-zip", "pdf-as-docx", "doc-as-xls", "other-ole"])
def test_an_office_document_must_be_the_format_it_claims(name, make, message):
    assert message in refusal(name, make())


def test_an_office_document_expanding_past_the_limits_is_refused(monkeypatch):
    bomb = docx(document=b"<w:document>" + b"a" * (2 * 1024 * 1024) + b"</w:document>")
    assert len(bomb) < 10_000
    # Far more than any document compresses: refused at the default limits.
    message = refusal("report.docx", bomb)
    assert message.startswith("“report.docx” is refused: word/document.xml would expand ")
    assert message.endswith(" times (to 2.0 MB); a part may expand at most 200 times.")
    monkeypatch.setattr(uploads, "EVIDENCE_ZIP_MAX_PART_BYTES", 1024 * 1024)
    assert ("“report.docx” is refused: word/document.xml would expand to 2.0 MB; a part may be at most 1.0 MB."
            in refusal("report.docx", bomb))


def test_the_uploaded_file_is_left_at_its_start_for_storing():
    file = SimpleUploadedFile("report.docx", docx())
    uploads.check_evidence_file(file)
    assert file.tell() == 0


# --- Through the pages and the API: refused, nothing stored ------------------------------------------------

@pytest.fixture
def report(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return services.progress_report_record(round=world["round"], activity=world["everywhere"], country=world["kz"],
                                           user=world["focal_kz"], values=ProgressInput(status="in_progress"))


@pytest.mark.parametrize("name, make, message", [
    ("song.webp", wav, "“song.webp” does not contain what its name says: it is an audio file (WAV), not a WebP image."),
    ("report.docx", lambda: a_zip({"notes.txt": "hello"}), "it is a zip archive, not a Word document (.docx)."),
], ids=["wav-as-webp", "zip-as-docx"])
def test_the_evidence_page_refuses_a_renamed_file_and_stores_nothing(client, world, report, tmp_path, name, make,
                                                                      message):
    client.force_login(world["focal_kz"])
    url = reverse("reporting:evidence_add", args=[world["round"].pk, "QZ", world["everywhere"].pk])
    response = client.post(url, {"title": "Evidence", "visibility": "public",
                                 "file": SimpleUploadedFile(name, make())}, follow=True)
    assert message in response.content.decode()
    assert not Evidence.objects.exists() and not list(tmp_path.rglob("*.*"))


def test_the_api_names_the_file_field_for_a_renamed_file(world, report, tmp_path):
    client = APIClient()
    client.force_authenticate(world["focal_kz"])
    response = client.post(f"/api/v1/progress/{report.pk}/evidence/", {
        "file": SimpleUploadedFile("song.webp", wav()), "title": "Song", "visibility": "public"}, format="multipart")
    assert response.status_code == 400
    assert "it is an audio file (WAV), not a WebP image." in response.json()["file"][0]
    assert not Evidence.objects.exists()


def test_a_real_office_document_is_stored_whole(world, report):
    content = xlsx()
    evidence = services.evidence_add(report=report, user=world["focal_kz"], title="Figures", visibility="public",
                                     file=SimpleUploadedFile("figures.xlsx", content))
    assert evidence.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    with evidence.file.open("rb") as stored:
        assert stored.read() == content


def test_an_evidence_file_is_stored_where_the_settings_say_and_downloads_from_there(client, world, report):
    """The local disk by default, the S3 bucket when CAMI_S3_BUCKET is set (scripts/test's second run);
    the download streams it back from there."""
    evidence = services.evidence_add(report=report, user=world["focal_kz"], title="Scan", visibility="public",
                                     file=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan"))
    name = evidence.file.name  # scan_<random>.pdf when the bucket already holds a scan.pdf (file_overwrite off)
    assert name.startswith(f"evidence/round-{world['round'].pk}/QZ/scan") and name.endswith(".pdf")
    assert stored_bytes(evidence.file.name) == b"%PDF-1.4 scan"
    client.force_login(world["focal_kz"])
    response = client.get(reverse("reporting:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 scan"
    assert response["Content-Disposition"] == 'attachment; filename="scan.pdf"'
