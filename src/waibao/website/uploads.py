"""The CMS's image and document uploads through the platform's own file checks (the evidence checks): the type is
read from the content, the file name's extension must match it, Office files with macros are refused, and the
size is capped. Wagtail builds every upload form (single, multiple, chooser) on these bases
(`WAGTAILIMAGES_IMAGE_FORM_BASE`, `WAGTAILDOCS_DOCUMENT_FORM_BASE`)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from waibao.applications import evidence
from waibao.common.errors import DomainError

# The detected type → the extensions a file of that type may carry.
IMAGE_TYPES = {evidence.PNG: (".png",), evidence.JPEG: (".jpg", ".jpeg")}
DOCUMENT_TYPES = {
    evidence.PDF: (".pdf",),
    evidence.XLSX: (".xlsx",),
    evidence.DOCX: (".docx",),
    evidence.PNG: (".png",),
    evidence.JPEG: (".jpg", ".jpeg"),
}


def checked_upload(upload: Any, accepted: dict[str, tuple[str, ...]]) -> Any:
    """Check one uploaded file as evidence is checked; ValidationError naming the file if refused. The file is
    rewound for the storage that writes it."""
    if upload is None or not hasattr(upload, "read"):
        return upload  # no new file (an edit that keeps the stored one)
    name = getattr(upload, "name", "") or "file"
    upload.seek(0)
    try:
        checked = evidence.check_upload(upload, name=name)
    except DomainError as exc:
        raise forms.ValidationError(str(exc.message), code=exc.code) from None
    finally:
        upload.seek(0)
    extensions = accepted.get(checked.content_type)
    if extensions is None:
        raise forms.ValidationError(
            _("“%(name)s” is not a file of a kind accepted here (%(kinds)s).")
            % {"name": checked.original_name, "kinds": ", ".join(e for exts in accepted.values() for e in exts)},
            code="file_type",
        )
    if PurePath(name).suffix.lower() not in extensions:
        raise forms.ValidationError(
            _("“%(name)s” is named as another kind of file than it is: rename it to end in %(ext)s.")
            % {"name": checked.original_name, "ext": extensions[0]},
            code="file_extension",
        )
    return upload


class CheckedImageForm(BaseImageForm):
    def clean_file(self) -> Any:
        return checked_upload(self.cleaned_data.get("file"), IMAGE_TYPES)


class CheckedDocumentForm(BaseDocumentForm):
    def clean_file(self) -> Any:
        return checked_upload(self.cleaned_data.get("file"), DOCUMENT_TYPES)
