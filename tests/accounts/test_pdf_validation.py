"""CVs and brochures are checked by content: magic bytes, a real parse, no encryption, no
scripts, at most 5 MB."""

import io
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from expo.lib.files import validate_pdf
from expo.lib.pdf_safety import ActiveContent, check_reader
from tests.fixtures.hostile_pdfs import benign_corpus, hostile_corpus
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


# --- The hostile corpus (tests/fixtures/hostile_pdfs.py) --------------------------------------
HOSTILE = hostile_corpus()
BENIGN = benign_corpus()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_pdf_is_refused_however_its_names_and_objects_are_written(name):
    assert error_code(HOSTILE[name]) == "active_content"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_parsed_object_graph_alone_finds_every_hostile_pdf(name):
    reader = PdfReader(io.BytesIO(HOSTILE[name]), strict=False)

    with pytest.raises(ActiveContent):
        check_reader(reader)


@pytest.mark.parametrize("name", sorted(BENIGN))
def test_links_a_plain_destination_and_slashes_in_text_still_pass(name):
    validate_pdf(upload(BENIGN[name]))


def pdfinfo(data, tmp_path, *args):
    path = tmp_path / "sample.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdfinfo", *args, str(path)], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_corpus_is_real_pdfs_that_poppler_reads(name, tmp_path):
    info = pdfinfo(HOSTILE[name], tmp_path)

    assert "Pages:           1" in info


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n in HOSTILE
        if n.startswith(("javascript-escaped-in-name-tree", "javascript-on-page"))
    ),
)
def test_poppler_finds_the_script_behind_escapes_and_object_streams(name, tmp_path):
    """What the outside test saw with `pdfinfo -js`: the script is there for a viewer."""
    assert "app.alert(document.cookie)" in pdfinfo(HOSTILE[name], tmp_path, "-js")
