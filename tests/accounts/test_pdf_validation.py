"""CVs and brochures are checked by content: magic bytes, a real parse, no encryption, no
scripts, at most 5 MB."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from expo.lib.files import validate_pdf
from tests.fixtures.pdfs import pdf_bytes


def upload(data, name="cv.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def error_code(data):
    with pytest.raises(ValidationError) as error:
        validate_pdf(upload(data))
    return error.value.code


def test_a_plain_pdf_passes_and_stays_readable():
    file = upload(pdf_bytes(pages=2))

    validate_pdf(file)

    assert file.read(5) == b"%PDF-"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"GIF89a not a pdf at all", "not_pdf"),
        (b"<script>alert(1)</script>", "not_pdf"),
        (b"%PDF-1.7\n garbage that is no PDF structure", "unreadable"),
        (pdf_bytes(encrypt=True), "encrypted"),
        (pdf_bytes(javascript=True), "active_content"),
    ],
    ids=["image-renamed", "html-renamed", "broken", "encrypted", "javascript"],
)
def test_bad_pdfs_are_refused_with_a_reason(data, code):
    assert error_code(data) == code


def test_a_pdf_over_5_mb_is_refused_before_parsing():
    data = pdf_bytes(padding=6 * 1024 * 1024)

    with pytest.raises(ValidationError) as error:
        validate_pdf(upload(data))

    assert error.value.code == "too_large"
    assert "the limit is 5.0\xa0MB" in error.value.messages[0]
