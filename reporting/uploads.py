"""What evidence files are accepted: PDF, images and office documents, checked by name and content."""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = (b"%PDF-",)
ZIP = (b"PK\x03\x04",)  # .docx, .xlsx, .pptx and OpenDocument files are zip archives
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # legacy .doc, .xls, .ppt

# extension -> (content type, signatures the first bytes must start with)
ACCEPTED = {
    "pdf": ("application/pdf", PDF),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", ZIP),
    "doc": ("application/msword", OLE),
    "xls": ("application/vnd.ms-excel", OLE),
    "ppt": ("application/vnd.ms-powerpoint", OLE),
}


def accepted_extensions() -> str:
    return ", ".join(sorted(ACCEPTED))


def check_evidence_file(file) -> str:
    """The content type of an acceptable upload; ValidationError naming the problem otherwise."""
    name = file.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ACCEPTED:
        raise ValidationError({"file": _("“%(name)s” is not a file type the tracker keeps. Accepted: %(types)s.")
                               % {"name": name, "types": accepted_extensions()}})
    limit = settings.EVIDENCE_MAX_BYTES
    if file.size > limit:
        raise ValidationError({"file": _("“%(name)s” is %(size)s; files may be at most %(limit)s.")
                               % {"name": name, "size": filesizeformat(file.size), "limit": filesizeformat(limit)}})
    if file.size == 0:
        raise ValidationError({"file": _("“%(name)s” is empty.") % {"name": name}})
    content_type, signatures = ACCEPTED[extension]
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        raise ValidationError({"file": _("“%(name)s” does not contain what its name says (.%(ext)s): "
                                         "it may be damaged or renamed.") % {"name": name, "ext": extension}})
    return content_type
