"""Uploads are checked by their content, never by their name."""

import io

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from expo.lib.pdf_safety import ActiveContent, check_raw_names, check_reader

PDF_MAX_BYTES = 5 * 1024 * 1024


def looks_like_pdf(upload) -> bool:
    """Whether the upload's content starts as a PDF (its name and declared type do not count).
    Leaves the file position at 0."""
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    return head.lstrip()[:5] == b"%PDF-"


def validate_pdf(upload, max_bytes=PDF_MAX_BYTES):
    """Refuse anything that is not a plain, readable PDF of at most max_bytes.

    Checks, in order: size, the %PDF- magic bytes, a real parse with pypdf (at least one page),
    no encryption, no JavaScript or other active content in any object however it is encoded
    (expo/lib/pdf_safety.py). Raises ValidationError with a message
    that tells the uploader what to do. Leaves the file position at 0.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s. Please upload a smaller PDF.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if not data.lstrip()[:5] == b"%PDF-":
        raise ValidationError(
            _("This file is not a PDF (whatever its name says). Please upload a PDF document."),
            code="not_pdf",
        )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("This PDF is password-protected. Please upload a version without a password."),
                code="encrypted",
            )
        if len(reader.pages) == 0:
            raise ValidationError(_("This PDF has no pages."), code="empty")
        for page in reader.pages:
            page.get_contents()
        check_reader(reader)
        check_raw_names(data)
    except ActiveContent:
        raise ValidationError(
            _(
                "This PDF contains scripts or embedded files, which we do not accept. "
                "Please export it again as a plain PDF."
            ),
            code="active_content",
        ) from None
    except ValidationError:
        raise
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
    ):
        raise ValidationError(
            _("This PDF could not be read; it may be damaged. Please export it again."),
            code="unreadable",
        ) from None
