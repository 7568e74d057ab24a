"""The one check every uploaded document passes, in every domain: within the size limit,
of a type the domain keeps, declared as that type, and really that type by its content
(an executable named invoice.pdf is refused, not stored and served as a PDF). OWASP ASVS
5.0 V5.2: file size, extension and content checked on the server."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
PNG = "image/png"
JPEG = "image/jpeg"
# What browsers declare when they do not know the type: the content decides then.
_GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/zip"}


@dataclass(frozen=True)
class Accepted:
    """The types a domain keeps: by file extension, the MIME type it must be."""

    by_extension: Mapping[str, str]
    refusal: str | Promise  # what to upload instead, shown when another type is sent


def sniff(data: bytes) -> str | None:
    """The type the bytes really are (PDF, DOCX, ODT, PNG or JPEG), or None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                return ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    return None


def _too_large() -> ValidationError:
    limit = settings.LIAISON_MAX_UPLOAD_BYTES
    return ValidationError(
        {
            "file": _("The file is larger than the limit of %(mb)s MB.")
            % {"mb": round(limit / 1024 / 1024, 1)}
        }
    )


def check_upload(upload, accepted: Accepted) -> tuple[bytes, str]:
    """The upload's bytes and its type; refuses what is empty, too large, of a type not
    accepted, or not what its name and declared type say it is."""
    limit = settings.LIAISON_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise _too_large()
    name = (upload.name or "").lower()
    extension = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    expected = accepted.by_extension.get(extension)
    if expected is None:
        raise ValidationError({"file": str(accepted.refusal)})
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in _GENERIC_TYPES and content_type != expected:
        raise ValidationError(
            {
                "file": _("The file is declared as %(type)s but named %(name)s.")
                % {"type": content_type, "name": upload.name}
            }
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large()
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    if sniff(data) != expected:
        raise ValidationError(
            {
                "file": _("The file's content is not a %(ext)s document.")
                % {"ext": extension.lstrip(".").upper()}
            }
        )
    return data, expected


DOCUMENTS = Accepted(
    {".pdf": PDF, ".docx": DOCX, ".odt": ODT},
    gettext_lazy("Upload a PDF, DOCX or ODT document."),
)
# Casework also keeps photographs and screenshots (a victim's message, a compound's gate).
DOCUMENTS_AND_IMAGES = Accepted(
    {**DOCUMENTS.by_extension, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG},
    gettext_lazy("Upload a PDF, DOCX or ODT document, or a PNG or JPEG image."),
)
